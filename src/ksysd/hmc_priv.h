/* hmc_priv — internals shared by the files of the HMC client: hmc.c (set,
 * ops, routing, job slots, shutdown), hmccall.c (calls, sessions, probes),
 * hmcread.c (reads, raw, logon check, pin fetch) and hmcjob.c (jobs).  Not a
 * contract for any other module: include hmc.h instead.
 *
 * Layers: an "op" is one user-visible operation with one callback; it runs
 * one or more "calls" (one HTTP exchange with one HMC each, with session
 * handling and the 401 re-logon), and may move between HMCs (failover).
 */
#ifndef KSYS_HMC_PRIV_H
#define KSYS_HMC_PRIV_H

#include <stdint.h>
#include "hmc.h"
#include "http.h"
#include "str.h"

#define HMC_MAX_NODES 64

#define HMC_CT_ATOM    "application/atom+xml"
#define HMC_CT_WEB     "application/vnd.ibm.powervm.web+xml; type="

struct hmc_call;
struct hmc_op;
struct hmc_pinreq;

enum hmc_logon_state {
	HMC_LS_NONE = 0,        /* no session */
	HMC_LS_PENDING,         /* PUT Logon in flight */
	HMC_LS_OK,
	HMC_LS_BLOCKED,         /* credentials refused: no automatic logon for a while */
};

struct hmc_node {
	struct hmc_set *s;
	int idx;
	char *name, *host, *scheme, *user, *password, *pin, *ca_file;
	int port, tls_verify, max_requests, max_jobs;
	char base[300];                 /* scheme://host:port/rest/api/ */
	/* session */
	enum hmc_logon_state ls;
	char *token;                    /* X-API-Session, never logged */
	unsigned gen;                   /* bumped at every new session */
	double blocked_until;
	char auth_err[256];
	struct hmc_call *logon_wait_head, *logon_wait_tail;
	/* HTTP request cap */
	unsigned inflight;
	struct hmc_call *q_head, *q_tail;       /* waiting for a slot, FIFO */
	unsigned queued;
	/* job cap */
	unsigned jobs_running;
	struct hmc_op *jq_head, *jq_tail;       /* jobs waiting for a slot, FIFO */
	unsigned jobs_queued;
	/* reachability */
	int up, ever;                   /* ever: a state was established */
	double since;
	char last_error[256];
	ev_timer probe;
	int probing;
	unsigned probe_count;
	/* hosts this HMC manages (from its ManagedSystem feed) */
	int hosts_known;
	size_t n_hosts;
	char (*hosts)[HMC_UUID_LEN];
	/* counters */
	unsigned long long requests, failures, logons, relogons;
	/* removal (hmc_set_remove): out of s->nodes, kept on s->zombies until
	 * its last call (logoff, cancelled requests) is gone */
	int removed;
	unsigned ncalls;                /* live calls of this node */
	struct hmc_node *znext;
};

/* Result of one call, valid during the call callback. */
struct hmc_call_res {
	enum hmc_errc code;     /* HMC_OK for 2xx */
	int status;             /* HTTP status, 0 if none */
	int sent;               /* the request may have reached the HMC */
	int transport;          /* connection-level failure (failover worthy) */
	const char *msg;        /* "" when ok; prefixed with the HMC name */
	const char *body;
	size_t len;
};

typedef void (*hmc_call_cb)(void *owner, const struct hmc_call_res *r);

enum {
	HMC_CALL_AUTH = 1,      /* needs a session (everything but Logon) */
	HMC_CALL_PRIO = 2,      /* bypasses the per-HMC request cap */
	HMC_CALL_SHORT = 4,     /* bounded by shutdown_bound, not request_timeout */
};

enum hmc_op_kind {
	HMC_OPK_READ = 0,
	HMC_OPK_JOB,
	HMC_OPK_RAW,
	HMC_OPK_LOGON,
	HMC_OPK_PIN,
};

struct hmc_op {
	struct hmc_set *s;
	enum hmc_op_kind kind;
	struct hmc_op *prev, *next;     /* s->ops (live) or s->done list (next) */
	int finished;
	/* routing */
	char host_uuid[HMC_UUID_LEN];   /* "" = any */
	struct hmc_node *pinned;        /* only this HMC */
	uint64_t tried;
	struct hmc_node *node;          /* current HMC */
	struct hmc_call *call;          /* current call, if any */
	/* result */
	struct hmc_error err;
	char err_msg[512];
	char err_hmc[64];
	int failed;
	void (*on_finish)(struct hmc_op *op);   /* stop timers etc. (may be NULL) */
	void (*deliver)(struct hmc_op *op, const struct hmc_error *err);
	void (*release)(struct hmc_op *op);     /* frees kind data (may be NULL) */
	/* op->node (n) is being removed and op is not pinned to it: move op to
	 * another HMC, or fail it with HMC_ECANCELED when something that cannot
	 * be repeated already reached n.  msg is "hmc 'NAME' was removed".
	 * NULL: the op fails. */
	void (*on_removed)(struct hmc_op *op, struct hmc_node *n, const char *msg);
	void *cb;
	void *arg;
	/* kind data */
	union {
		struct {
			struct hmc_read rq;
			char uuid[HMC_UUID_LEN];
			char hmc[64];           /* feed.hmc points here */
			struct hmc_feed feed;
		} read;
		struct {
			char method[8];
			char *path, *body, *ctype;
			int status;
			char *rbody;
			size_t rlen;
		} raw;
		struct {
			char pin[128];
			struct hmc_pinreq *pr;
		} pin;
	} u;
	struct hmc_job *job;            /* HMC_OPK_JOB */
	/* job slot */
	struct hmc_node *slot_node;     /* holds a running-job slot there */
	struct hmc_node *jq_node;       /* waiting in that node's job queue */
	struct hmc_op *jq_next, *jq_prev;
	void (*on_slot)(struct hmc_op *op);
};

struct hmc_set {
	struct ev_loop *loop;
	struct http *http;
	struct hmc_set_opts opts;
	char memento[64];
	size_t n;
	struct hmc_node *nodes[HMC_MAX_NODES];
	struct hmc_node *zombies;               /* removed, calls still alive */
	struct hmc_op *ops;                     /* live ops */
	struct hmc_op *done_head, *done_tail;   /* finished, to deliver */
	struct hmc_call *cdone_head, *cdone_tail; /* calls failed before HTTP */
	ev_timer deferred;
	int delivering;
	struct hmc_call *calls;                 /* every live call */
	unsigned ncalls;                        /* calls and pin fetches alive */
	int freeing;
	int started, shutting;
	void (*shut_done)(void *arg);
	void *shut_arg;
	int shut_reported;
	unsigned logoffs;
	ev_timer shut_bound;
	int max_conns;                          /* per-host connection cap set in http */
};

/* calls (hmc.c) */
struct hmc_call *hmc_call_start(struct hmc_node *n, const char *method, const char *path,
                                const char *body, size_t len, const char *ctype,
                                const char *accept, int flags, hmc_call_cb cb, void *owner);
/* The owner loses interest: cb will not run; the call is cancelled. */
void hmc_call_detach(struct hmc_call *c);
/* 1 when c was handed to HTTP (the request may have reached the HMC). */
int hmc_call_sent(const struct hmc_call *c);

/* ops (hmc.c) */
struct hmc_op *hmc_op_new(struct hmc_set *s, enum hmc_op_kind kind, void *cb, void *arg);
/* Remember why the current HMC failed op, for the final error when no other
 * HMC is left (the read/job retry loops report it). */
void hmc_op_note(struct hmc_op *op, enum hmc_errc code, int status, const char *hmc,
                 const char *msg);
/* Record the failure and queue delivery.  Idempotent: the first one wins. */
void hmc_op_fail(struct hmc_op *op, enum hmc_errc code, int status, const char *hmc,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void hmc_op_succeed(struct hmc_op *op);
/* Shutdown, HMC name and host UUID checks of a new op; 0, or -1 when the op
 * has been failed (delivery still comes later). */
int hmc_op_prepare(struct hmc_op *op, const char *hmc, const char *host_uuid);
/* Next HMC to try for op (marks it tried), or NULL when none is left. */
struct hmc_node *hmc_route(struct hmc_op *op);
/* 1 when a failed call may be retried on another HMC.  idempotent: the
 * request may be repeated even if it reached the HMC (GETs). */
int hmc_failover_worthy(const struct hmc_call_res *r, int idempotent);
struct hmc_node *hmc_node_by_name(struct hmc_set *s, const char *name);
double hmc_scaled(double real, double floor_secs);

/* job slots (hmc.c): 1 when acquired now; 0 when queued (op->on_slot runs
 * when it is op's turn). */
int hmc_slot_acquire(struct hmc_op *op, struct hmc_node *n);
void hmc_slot_release(struct hmc_op *op);

/* calls, sessions, probes (hmccall.c) */
void hmc_node_init_probe(struct hmc_node *n);
void hmc_node_start_probe(struct hmc_node *n);
/* Replace the hosts n manages by the UUIDs of ms[0..cnt). */
void hmc_node_set_hosts(struct hmc_node *n, const struct hmc_ms *ms, size_t cnt);
/* End n's session (DELETE Logon, fire and forget) so the next call logs on
 * afresh; also lifts a logon block. */
void hmc_node_end_session(struct hmc_node *n);
/* n was removed and its ops moved or failed: drop its remaining calls (an
 * in-flight logon stays, to end the session it may create) and log off its
 * session in the background (DELETE Logon bounded by shutdown_bound). */
void hmc_node_calls_removed(struct hmc_node *n);
enum hmc_errc hmc_map_http(enum http_errc e);
/* Run the callbacks of calls that failed before reaching HTTP. */
void hmc_calls_flush_failed(struct hmc_set *s);
/* Shutdown: fail queued calls, cancel in-flight ones, log off every session. */
void hmc_calls_shutdown(struct hmc_set *s);
/* Cancel every call still in HTTP (the shutdown bound passed). */
void hmc_calls_cut(struct hmc_set *s);
void hmc_calls_free_all(struct hmc_set *s);

/* set helpers (hmc.c) */
char *hmc_xstrdup(const char *s);          /* aborts on OOM; NULL -> "" */
void *hmc_xcalloc(size_t n, size_t size);
void hmc_deferred_arm(struct hmc_set *s);
int hmc_node_manages(const struct hmc_node *n, const char *host_uuid);

/* jobs (hmcjob.c): " (job ID keeps running on hmc1)" or "" for shutdown
 * messages. */
void hmc_job_note(const struct hmc_op *op, char *buf, size_t len);
/* Path-safe identifier check (UUIDs, operation names, job ids). */
int hmc_ident_ok(const char *s);

#endif
