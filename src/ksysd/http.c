/* http — libcurl multi_socket driven by libev (spec/aesthetics.md §3).
 *
 * curl tells us which sockets to watch (sock_cb) and when to wake it
 * (multi_timer_cb); the ev_io/ev_timer callbacks call
 * curl_multi_socket_action and then collect finished transfers.  A finished,
 * failed, cancelled or never-started request goes onto one FIFO "done" list;
 * deliver() is the one place that calls the user callback and frees the
 * request.  User callbacks therefore never run inside a curl callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "http.h"
#include "buf.h"
#include "log.h"

#define PIN_MARK "public key hash: sha256//"

enum rq_state {
	RQ_ACTIVE = 0,          /* easy handle added to the multi */
	RQ_DONE,                /* result known, waiting on the done list */
};

struct http_sock {
	ev_io io;               /* first: the watcher is the struct */
	struct http *h;
	struct http_sock *prev, *next;
};

struct http_req {
	struct http *h;
	struct http_req *prev, *next;   /* active list, or done list (next only) */
	enum rq_state state;
	CURL *easy;
	struct curl_slist *hdrs;
	char *body;
	size_t body_len;
	char *tag;
	char *pin_cfg;
	struct buf reply;
	int oversize;
	http_cb cb;
	void *arg;
	char errbuf[CURL_ERROR_SIZE];
	char pin_seen[128];
	/* result */
	enum http_errc code;
	char err[512];
	long status;
	char *content_type;
	long new_conns;
	long req_bytes;
	double seconds;
};

struct http {
	struct ev_loop *loop;
	CURLM *multi;
	ev_timer timer;         /* curl's own timeout */
	ev_timer flush;         /* deferred delivery of the done list */
	int running;
	struct http_opts opts;
	struct http_req *active;                /* doubly linked */
	struct http_req *done_head, *done_tail; /* FIFO */
	struct http_sock *socks;                /* every watched socket */
	size_t n_out;           /* started, not yet delivered */
	int delivering;
	int closing;            /* inside http_free */
};

static int curl_inited;

static void deliver(struct http *h);

/* ---- lists ---------------------------------------------------------------- */

static void
active_link(struct http *h, struct http_req *r)
{
	r->prev = NULL;
	r->next = h->active;
	if (h->active)
		h->active->prev = r;
	h->active = r;
}

static void
active_unlink(struct http *h, struct http_req *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		h->active = r->next;
	if (r->next)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
}

static void
done_push(struct http *h, struct http_req *r)
{
	r->state = RQ_DONE;
	r->next = NULL;
	if (h->done_tail)
		h->done_tail->next = r;
	else
		h->done_head = r;
	h->done_tail = r;
	if (!h->delivering && !ev_is_active(&h->flush)) {
		ev_timer_set(&h->flush, 0., 0.);
		ev_timer_start(h->loop, &h->flush);
	}
}

/* Take an active request out of the multi and queue it with this result. */
static void
abort_active(struct http *h, struct http_req *r, enum http_errc code, const char *msg)
{
	if (r->state != RQ_ACTIVE)
		return;
	if (h->multi && r->easy)
		curl_multi_remove_handle(h->multi, r->easy);
	active_unlink(h, r);
	r->code = code;
	snprintf(r->err, sizeof r->err, "%s", msg);
	done_push(h, r);
}

/* ---- curl callbacks: no user code and no curl_multi calls in here -------- */

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct http_req *r = ud;
	size_t n = size * nmemb;

	if (r->reply.len + n > r->h->opts.max_body) {
		r->oversize = 1;
		return 0;       /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	buf_append(&r->reply, p, n);
	return n;
}

/* Verbose text from libcurl.  With a pinned key libcurl prints the hash of
 * the server key it got ("public key hash: sha256//..."): that is how we can
 * name the actual key in a pin-mismatch error and fetch an HMC's pin without
 * any crypto library of our own. */
static int
debug_cb(CURL *e, curl_infotype type, char *data, size_t size, void *ud)
{
	struct http_req *r = ud;
	const char *m;
	size_t off, n;

	(void)e;
	if (type != CURLINFO_TEXT)
		return 0;
	m = memmem(data, size, PIN_MARK, strlen(PIN_MARK));
	if (m && !r->pin_seen[0]) {
		off = (size_t)(m - data) + strlen(PIN_MARK) - strlen("sha256//");
		n = 0;
		while (off + n < size && data[off + n] != '\n' && data[off + n] != '\r' &&
		       n + 1 < sizeof r->pin_seen)
			n++;
		memcpy(r->pin_seen, data + off, n);
		r->pin_seen[n] = '\0';
	}
	if (log_enabled(LOGL_DEBUG, "http")) {
		n = size;
		while (n && (data[n - 1] == '\n' || data[n - 1] == '\r'))
			n--;
		log_msg(LOGL_DEBUG, "http", "event=curl tag=\"%s\" text=\"%.*s\"",
		        r->tag ? r->tag : "", (int)n, data);
	}
	return 0;
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents);

/* CURLMOPT_SOCKETFUNCTION.  Never keeps an ev_io across CURL_POLL_REMOVE:
 * curl may close the fd and reuse its number (ev.pod "disappearing fds"). */
static int
sock_cb(CURL *e, curl_socket_t fd, int what, void *ud, void *sockp)
{
	struct http *h = ud;
	struct http_sock *sp = sockp;
	int ev;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (sp) {
			ev_io_stop(h->loop, &sp->io);
			if (sp->prev)
				sp->prev->next = sp->next;
			else
				h->socks = sp->next;
			if (sp->next)
				sp->next->prev = sp->prev;
			free(sp);
			curl_multi_assign(h->multi, fd, NULL);
		}
		return 0;
	}
	if (!sp) {
		sp = calloc(1, sizeof *sp);
		if (!sp)
			return -1;
		sp->h = h;
		sp->next = h->socks;
		if (h->socks)
			h->socks->prev = sp;
		h->socks = sp;
		curl_multi_assign(h->multi, fd, sp);
	} else {
		ev_io_stop(h->loop, &sp->io);
	}
	ev = (what & CURL_POLL_IN ? EV_READ : 0) | (what & CURL_POLL_OUT ? EV_WRITE : 0);
	ev_io_init(&sp->io, io_cb, fd, ev);
	ev_io_start(h->loop, &sp->io);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: only (re)arms the ev_timer; -1 deletes it. */
static int
multi_timer_cb(CURLM *m, long timeout_ms, void *ud)
{
	struct http *h = ud;

	(void)m;
	ev_timer_stop(h->loop, &h->timer);
	if (timeout_ms >= 0) {
		ev_timer_set(&h->timer, timeout_ms / 1000.0, 0.);
		ev_timer_start(h->loop, &h->timer);
	}
	return 0;
}

/* ---- multi lifecycle ------------------------------------------------------ */

static int
multi_setup(struct http *h)
{
	h->multi = curl_multi_init();
	if (!h->multi)
		return -1;
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, multi_timer_cb);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, h->opts.max_host_conns);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, h->opts.max_cached_conns);
	return 0;
}

/* curl_multi_cleanup may still call sock_cb(REMOVE): the loop and the sock
 * structs stay valid until it returned; leftovers are freed after. */
static void
multi_teardown(struct http *h)
{
	if (h->multi)
		curl_multi_cleanup(h->multi);
	h->multi = NULL;
	while (h->socks) {
		struct http_sock *s = h->socks;
		h->socks = s->next;
		ev_io_stop(h->loop, &s->io);
		free(s);
	}
	ev_timer_stop(h->loop, &h->timer);
	h->running = 0;
}

/* ---- completion ------------------------------------------------------------ */

static enum http_errc
classify(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return HTTP_ECONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_ETIMEOUT;
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return HTTP_EPIN;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
		return HTTP_ETLS;
	default:
		return HTTP_EOTHER;
	}
}

static void
complete(struct http *h, struct http_req *r, CURLcode rc)
{
	char *ct = NULL, *ip = NULL;
	long port = 0;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &ct);
	curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &r->new_conns);
	curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME, &r->seconds);
	curl_easy_getinfo(r->easy, CURLINFO_REQUEST_SIZE, &r->req_bytes);
	if (ct)
		r->content_type = strdup(ct);
	curl_multi_remove_handle(h->multi, r->easy);
	active_unlink(h, r);
	r->code = classify(rc);
	if (r->code == HTTP_EPIN) {
		curl_easy_getinfo(r->easy, CURLINFO_PRIMARY_IP, &ip);
		curl_easy_getinfo(r->easy, CURLINFO_PRIMARY_PORT, &port);
		snprintf(r->err, sizeof r->err,
		         "TLS public key of %s:%ld does not match the pinned %s (got %s)",
		         ip && *ip ? ip : "?", port, r->pin_cfg ? r->pin_cfg : "?",
		         r->pin_seen[0] ? r->pin_seen : "unknown key");
	} else if (rc == CURLE_WRITE_ERROR && r->oversize) {
		r->code = HTTP_EOTHER;
		snprintf(r->err, sizeof r->err, "reply larger than %zu bytes", h->opts.max_body);
	} else if (rc != CURLE_OK) {
		snprintf(r->err, sizeof r->err, "%s",
		         r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
	}
	done_push(h, r);
}

static void
check_multi_info(struct http *h)
{
	CURLMsg *msg;
	int left;
	char *priv;
	struct http_req *r;

	while ((msg = curl_multi_info_read(h->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		priv = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		r = (struct http_req *)priv;
		if (r && r->state == RQ_ACTIVE)
			complete(h, r, msg->data.result);
	}
	deliver(h);
}

/* After a curl_multi_socket_action error the multi's transfers are
 * uncertain: fail every one back to its owner and start a fresh multi. */
static void
multi_failed(struct http *h, CURLMcode mc)
{
	char msg[200];

	log_msg(LOGL_ERROR, "http", "event=multi_error err=\"%s\" inflight=%zu",
	        curl_multi_strerror(mc), h->n_out);
	snprintf(msg, sizeof msg, "transfer aborted: curl multi error: %s",
	         curl_multi_strerror(mc));
	while (h->active)
		abort_active(h, h->active, HTTP_EOTHER, msg);
	multi_teardown(h);
	if (multi_setup(h) == -1)
		log_panic(__FILE__, __LINE__, "curl_multi_init failed after a multi error");
	log_msg(LOGL_WARN, "http", "event=multi_rebuilt");
	deliver(h);
}

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	struct http *h = ((struct http_sock *)w)->h;  /* w may be freed below */
	int ev = (revents & EV_READ ? CURL_CSELECT_IN : 0) |
	         (revents & EV_WRITE ? CURL_CSELECT_OUT : 0) |
	         (revents & EV_ERROR ? CURL_CSELECT_ERR : 0);
	CURLMcode mc;

	mc = curl_multi_socket_action(h->multi, w->fd, ev, &h->running);
	if (mc != CURLM_OK) {
		multi_failed(h, mc);
		return;
	}
	/* Never stop h->timer here when nothing runs (evhiperfifo does): libcurl
	 * believes its timer is still armed and does not call multi_timer_cb
	 * again for the same expiry, so the next transfer would stall. */
	check_multi_info(h);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct http *h = w->data;
	CURLMcode mc;

	(void)loop;
	(void)revents;
	mc = curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &h->running);
	if (mc != CURLM_OK) {
		multi_failed(h, mc);
		return;
	}
	check_multi_info(h);
}

/* ---- delivery: the one place user callbacks run and requests are freed --- */

static void
req_free(struct http_req *r)
{
	if (r->easy)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->hdrs);
	if (r->body)    /* may hold a password (LogonRequest) */
		explicit_bzero(r->body, r->body_len);
	free(r->body);
	free(r->tag);
	free(r->pin_cfg);
	free(r->content_type);
	buf_free(&r->reply);
	free(r);
}

static void
deliver(struct http *h)
{
	struct http_req *r;
	struct http_result res;

	if (h->delivering)
		return;
	h->delivering = 1;
	ev_timer_stop(h->loop, &h->flush);
	while ((r = h->done_head)) {
		h->done_head = r->next;
		if (!h->done_head)
			h->done_tail = NULL;
		memset(&res, 0, sizeof res);
		res.code = r->code;
		res.err = r->code == HTTP_OK ? NULL : (r->err[0] ? r->err : "request failed");
		res.status = r->status;
		res.body = buf_str(&r->reply);
		res.body_len = r->reply.len;
		res.content_type = r->content_type;
		res.pin = r->pin_seen[0] ? r->pin_seen : NULL;
		res.new_conns = r->new_conns;
		res.sent = r->req_bytes > 0;
		res.seconds = r->seconds;
		h->n_out--;
		r->cb(r->arg, &res);
		req_free(r);
	}
	h->delivering = 0;
}

static void
flush_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	deliver(w->data);
}

/* ---- public ----------------------------------------------------------------- */

struct http *
http_new(struct ev_loop *loop, const struct http_opts *opts, char *err, size_t errlen)
{
	struct http *h;

	if (!curl_inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			snprintf(err, errlen, "curl_global_init failed");
			return NULL;
		}
		curl_inited = 1;
	}
	h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->loop = loop;
	if (opts)
		h->opts = *opts;
	if (h->opts.max_host_conns <= 0)
		h->opts.max_host_conns = 32;
	if (h->opts.max_cached_conns <= 0)
		h->opts.max_cached_conns = 256;
	if (h->opts.max_body == 0)
		h->opts.max_body = 64u * 1024u * 1024u;
	ev_init(&h->timer, timer_cb);
	h->timer.data = h;
	ev_init(&h->flush, flush_cb);
	h->flush.data = h;
	if (multi_setup(h) == -1) {
		snprintf(err, errlen, "curl_multi_init failed");
		free(h);
		return NULL;
	}
	return h;
}

static int
set_method(CURL *e, const char *method, struct http_req *r, size_t body_len,
           char *err, size_t errlen)
{
	int with_body = r->body != NULL;

	if (!strcmp(method, "GET")) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
		return 0;
	}
	if (!strcmp(method, "PUT") || !strcmp(method, "POST"))
		with_body = 1;
	else if (strcmp(method, "DELETE") != 0) {
		snprintf(err, errlen, "unsupported HTTP method %s", method);
		return -1;
	}
	if (with_body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? r->body : "");
	}
	if (strcmp(method, "POST") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	return 0;
}

static int
setup_easy(struct http_req *r, const struct http_request *rq,
           char *err, size_t errlen)
{
	CURL *e;
	size_t i;
	struct curl_slist *l;
	int debug = log_enabled(LOGL_DEBUG, "http");

	if (!rq->url || !*rq->url) {
		snprintf(err, errlen, "no URL");
		return -1;
	}
	e = r->easy = curl_easy_init();
	if (!e) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	curl_easy_setopt(e, CURLOPT_URL, rq->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 60L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 20L);
	if (rq->timeout > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(rq->timeout * 1000.0) + 1);
	if (rq->connect_timeout > 0)
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
		                 (long)(rq->connect_timeout * 1000.0) + 1);
	if (set_method(e, rq->method ? rq->method : "GET", r, rq->body_len, err, errlen) == -1)
		return -1;
	for (i = 0; i < rq->n_headers; i++) {
		l = curl_slist_append(r->hdrs, rq->headers[i]);
		if (!l)
			goto oom;
		r->hdrs = l;
	}
	/* no "Expect: 100-continue" round trip for bodies */
	l = curl_slist_append(r->hdrs, "Expect:");
	if (!l)
		goto oom;
	r->hdrs = l;
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);

	if (rq->pin && *rq->pin) {
		/* The pin is the trust anchor: HMCs ship self-signed certificates
		 * whose chain and name cannot verify, and a matching public key
		 * proves we talk to the HMC the administrator pinned. */
		r->pin_cfg = strdup(rq->pin);
		if (!r->pin_cfg)
			goto oom;
		curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, rq->pin);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (rq->verify) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
		if (rq->ca_file && *rq->ca_file)
			curl_easy_setopt(e, CURLOPT_CAINFO, rq->ca_file);
	} else {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if ((rq->pin && *rq->pin) || rq->want_pin || debug) {
		/* verbose text is where libcurl reports the key hash */
		curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, debug_cb);
		curl_easy_setopt(e, CURLOPT_DEBUGDATA, r);
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

struct http_req *
http_start(struct http *h, const struct http_request *rq, http_cb cb, void *arg)
{
	struct http_req *r;
	CURLMcode mc;

	r = calloc(1, sizeof *r);
	if (!r)
		log_panic(__FILE__, __LINE__, "out of memory");
	r->h = h;
	r->cb = cb;
	r->arg = arg;
	r->state = RQ_ACTIVE;
	h->n_out++;
	if (rq->tag)
		r->tag = strdup(rq->tag);
	if (rq->body) {
		r->body = malloc(rq->body_len + 1);
		if (!r->body)
			log_panic(__FILE__, __LINE__, "out of memory");
		memcpy(r->body, rq->body, rq->body_len);
		r->body_len = rq->body_len;
		r->body[rq->body_len] = '\0';
	}
	if (h->closing) {
		r->code = HTTP_ESHUTDOWN;
		snprintf(r->err, sizeof r->err, "HTTP client shut down");
		done_push(h, r);
		return r;
	}
	if (setup_easy(r, rq, r->err, sizeof r->err) == -1) {
		r->code = HTTP_EOTHER;
		done_push(h, r);
		return r;
	}
	if (rq->want_pin && !(rq->pin && *rq->pin)) {
		/* a pin that cannot match: the handshake stops right after
		 * libcurl printed the real key hash, before any request is sent */
		curl_easy_setopt(r->easy, CURLOPT_PINNEDPUBLICKEY,
		                 "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
		curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYHOST, 0L);
		curl_easy_setopt(r->easy, CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(r->easy, CURLOPT_FRESH_CONNECT, 1L);
	}
	active_link(h, r);
	mc = curl_multi_add_handle(h->multi, r->easy);
	if (mc != CURLM_OK) {
		active_unlink(h, r);
		r->code = HTTP_EOTHER;
		snprintf(r->err, sizeof r->err, "curl_multi_add_handle: %s",
		         curl_multi_strerror(mc));
		done_push(h, r);
	}
	return r;
}

void
http_cancel(struct http_req *r)
{
	if (!r || r->state != RQ_ACTIVE)
		return;
	abort_active(r->h, r, HTTP_ECANCELED, "request canceled");
}

void
http_set_max_host_conns(struct http *h, long n)
{
	if (n <= 0)
		return;
	h->opts.max_host_conns = n;
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, n);
}

size_t
http_inflight(const struct http *h)
{
	return h->n_out;
}

void
http_free(struct http *h)
{
	if (!h)
		return;
	h->closing = 1;
	while (h->active || h->done_head) {
		while (h->active)
			abort_active(h, h->active, HTTP_ESHUTDOWN, "HTTP client shut down");
		deliver(h);
	}
	multi_teardown(h);
	ev_timer_stop(h->loop, &h->flush);
	free(h);
}

int
http_pin_check(const char *pin, char *err, size_t errlen)
{
	const char *p = pin, *end;
	size_t n, i;

	if (!pin || !*pin) {
		snprintf(err, errlen, "empty pin");
		return -1;
	}
	while (*p) {
		end = strchr(p, ';');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n != 8 + 44 || strncmp(p, "sha256//", 8) != 0 || p[8 + 43] != '=') {
			snprintf(err, errlen,
			         "pin '%.*s' is not sha256// followed by 44 base64 characters",
			         (int)(n > 80 ? 80 : n), p);
			return -1;
		}
		for (i = 8; i < 8 + 43; i++) {
			char c = p[i];
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			      (c >= '0' && c <= '9') || c == '+' || c == '/')) {
				snprintf(err, errlen, "pin '%.*s' has a non-base64 character",
				         (int)n, p);
				return -1;
			}
		}
		p += n;
		if (*p == ';')
			p++;
	}
	return 0;
}
