/* http — asynchronous HTTP(S) client: libcurl multi driven by libev.
 *
 * The only module that touches curl_multi_*.  One struct http per loop owns
 * one CURLM; each request gets one context (easy handle, copied headers and
 * body, reply buffer) freed in exactly one place after its callback.  It
 * knows nothing about HMCs, sessions or XML (hmc.c), and it never retries.
 */
#ifndef KSYS_HTTP_H
#define KSYS_HTTP_H

#include <stddef.h>
#include <ev.h>

struct http;
struct http_req;

enum http_errc {
	HTTP_OK = 0,            /* a response arrived (any status) */
	HTTP_ECONNECT,          /* refused, unreachable, DNS failure, reset */
	HTTP_ETIMEOUT,          /* connect or total timeout */
	HTTP_ETLS,              /* handshake or certificate verification failed */
	HTTP_EPIN,              /* server public key does not match the pin */
	HTTP_ECANCELED,         /* http_cancel() */
	HTTP_ESHUTDOWN,         /* http_free() with the request in flight */
	HTTP_EOTHER,            /* anything else (multi error, oversize reply) */
};

struct http_opts {
	long max_host_conns;    /* CURLMOPT_MAX_HOST_CONNECTIONS, 0: 32 */
	long max_cached_conns;  /* CURLMOPT_MAXCONNECTS, 0: 256 */
	size_t max_body;        /* reply size cap in bytes, 0: 64 MiB */
};

struct http_request {
	const char *method;     /* "GET" "PUT" "POST" "DELETE"; NULL: GET */
	const char *url;
	const char *const *headers;     /* "Name: value" lines, copied */
	size_t n_headers;
	const char *body;       /* copied; NULL: no body (POST/PUT send empty) */
	size_t body_len;
	double timeout;         /* whole transfer, seconds as armed; 0: none */
	double connect_timeout; /* seconds as armed; 0: curl default */
	/* TLS trust: with pin set ("sha256//BASE64[;sha256//...]") the pin is
	 * the trust anchor and chain/hostname checks are off; else ca_file (may
	 * be NULL: system store) with full checks when verify is nonzero. */
	int verify;
	const char *ca_file;
	const char *pin;
	int want_pin;           /* capture the server's key hash into result.pin */
	const char *tag;        /* short label for debug logs ("hmc1 GET feed"), copied */
};

/* Valid only during the callback. */
struct http_result {
	enum http_errc code;
	const char *err;        /* NULL when code == HTTP_OK, else one line */
	long status;            /* HTTP status, 0 if no response */
	const char *body;       /* NUL-terminated, never NULL ("" when empty) */
	size_t body_len;
	const char *content_type;       /* NULL if none */
	const char *pin;        /* "sha256//..." of the server key when captured */
	long new_conns;         /* connections opened by this transfer (0: reused) */
	int sent;               /* request bytes were written: the peer may have acted */
	double seconds;         /* total transfer time */
};

typedef void (*http_cb)(void *arg, const struct http_result *r);

/* NULL with err filled on failure (curl_global_init / multi init).  opts may
 * be NULL.  curl_global_init runs once per process. */
struct http *http_new(struct ev_loop *loop, const struct http_opts *opts,
                      char *err, size_t errlen);
/* Starts a request; never returns NULL.  cb fires exactly once, never from
 * inside http_start (errors found here are delivered on the next loop
 * iteration).  The handle is valid until cb returns. */
struct http_req *http_start(struct http *h, const struct http_request *rq,
                            http_cb cb, void *arg);
/* Abort: cb fires with HTTP_ECANCELED on the next loop iteration, unless the
 * transfer already finished (then with its real result).  Call only before
 * cb fired; never from inside cb for the same request. */
void http_cancel(struct http_req *r);
/* Change CURLMOPT_MAX_HOST_CONNECTIONS (n > 0). */
void http_set_max_host_conns(struct http *h, long n);
/* Requests not yet delivered, for tests and stats. */
size_t http_inflight(const struct http *h);
/* Fires every outstanding callback with HTTP_ESHUTDOWN (callbacks must not
 * call http_* on h), cleans the multi and frees h. */
void http_free(struct http *h);

/* "sha256//BASE64" syntax check of a pin list; 0 or -1 with err. */
int http_pin_check(const char *pin, char *err, size_t errlen);

#endif
