/* hmc — the asynchronous HMC REST client of ksysd: sessions, feeds, jobs.
 *
 * A struct hmc_set holds every HMC of the cluster on one libev loop.  It logs
 * on lazily, re-logs on once after a 401, probes each HMC every 10 s (scaled),
 * routes each request to an HMC that manages the target host and fails over
 * to another one when an HMC is unreachable or answers 5xx.  It caps HTTP
 * requests and running jobs per HMC and queues the excess FIFO.  It is not
 * for HTTP plumbing (http.c), XML (hmcxml.c) or vioHADR2 payloads (vios.c).
 */
#ifndef KSYS_HMC_H
#define KSYS_HMC_H

#include <stddef.h>
#include <ev.h>
#include "hmc_types.h"

struct hmc_set;
struct hmc_job;

/* ---- errors ---------------------------------------------------------------
 * Every callback below is error-first: err is NULL on success, else points
 * to a struct valid only during the callback (copy what you keep).  Each
 * callback fires exactly once, never from inside the call that started the
 * operation (at the earliest on the next loop iteration), including on
 * cancel and shutdown. */
enum hmc_errc {
	HMC_OK = 0,
	HMC_EUNREACH,           /* connect refused/timed out, no HMC available */
	HMC_EAUTH,              /* logon refused (bad credentials) or suspicious 401 */
	HMC_ETLS,               /* certificate / pin verification failed */
	HMC_EHTTP,              /* unexpected HTTP status (http_status set) */
	HMC_EPARSE,             /* reply not understood */
	HMC_EJOB,               /* job ended in a failed terminal status */
	HMC_ETIMEOUT,           /* request or job timed out (job was cancelled) */
	HMC_ECANCELED,          /* hmc_job_cancel() */
	HMC_ESHUTDOWN,          /* hmc_set_shutdown() ran first */
	HMC_EINVAL,             /* bad arguments (unknown HMC name, missing uuid) */
};

struct hmc_error {
	enum hmc_errc code;
	int http_status;        /* last HTTP status seen, 0 if none */
	const char *hmc;        /* HMC name involved, "" if none */
	const char *msg;        /* one line, human readable, never NULL */
};

const char *hmc_errc_name(enum hmc_errc c);     /* "unreachable", "auth", ... */

/* ---- configuration ------------------------------------------------------ */
struct hmc_config {
	const char *name;       /* "hmc1": unique, used in logs and routing */
	const char *host;       /* address or DNS name */
	int port;               /* 0: 12443 */
	const char *scheme;     /* NULL: "https" ("http" only for tests) */
	const char *user;
	const char *password;   /* copied; never logged */
	/* TLS trust, checked in this order:
	 *  pin     "sha256//BASE64" of the server public key: the pin is the
	 *          trust anchor, so chain and hostname checks are off (HMCs ship
	 *          self-signed certificates);
	 *  ca_file PEM file that must verify the chain and the hostname;
	 *  tls_verify = 0: no verification at all (warned at every logon);
	 *  otherwise the system CA store with full verification.
	 * A logon refused with 401/403 pauses automatic logons to that HMC for
	 * 300 s (scaled) so a wrong password cannot lock the account;
	 * hmc_logon() tries again at once. */
	const char *pin;
	const char *ca_file;
	int tls_verify;         /* 1 = verify (use hmc_config_init) */
	int max_requests;       /* concurrent HTTP requests, 0: 32 */
	int max_jobs;           /* concurrently running jobs, 0: 256 */
};

/* Defaults: port 12443, https, tls_verify 1, caps 32/256. */
void hmc_config_init(struct hmc_config *c);

/* State changes of one HMC (up/down), e.g. to raise events.  err is the
 * reason when going down, NULL when coming up.  Runs from the loop; it may
 * start operations but must not free the set. */
typedef void (*hmc_state_cb)(void *arg, const char *hmc, int up, const char *err);

struct hmc_set_opts {
	double probe_interval;  /* real seconds between probes, 0: 10 */
	double request_timeout; /* real seconds per HTTP request, 0: 60 */
	double connect_timeout; /* real seconds, 0: 10 */
	double poll_interval;   /* real seconds between job polls, 0: 1 */
	double shutdown_bound;  /* real seconds for logoff at shutdown, 0: 5 */
	const char *audit_memento;      /* X-Audit-Memento, NULL: "ksys" */
	hmc_state_cb on_state;  /* may be NULL */
	void *state_arg;
};

/* All intervals are armed as tscale_secs(value).  opts may be NULL.
 * Returns NULL with err filled on failure.  Probing starts with
 * hmc_set_start(). */
struct hmc_set *hmc_set_new(struct ev_loop *loop, const struct hmc_set_opts *opts,
                            char *err, size_t errlen);
/* Add an HMC (all strings copied).  0, or -1 with err (duplicate name,
 * missing host/user/password, unreadable ca_file, malformed pin). */
int hmc_set_add(struct hmc_set *s, const struct hmc_config *c, char *err, size_t errlen);
/* Remove HMC name while the loop runs (`modify hmc` is remove + add).  At
 * once: its status row disappears, its probe stops, and every operation on
 * it moves or ends: an operation that may only run there (pinned to it, a
 * job it already accepted, a job submit or non-GET request already sent to
 * it, hmc_logon) fails with HMC_ECANCELED and the message "hmc 'NAME' was
 * removed" (callbacks still come later, never from inside this call); any
 * other one is routed to another HMC as if NAME had failed (and fails with
 * that HMC_ECANCELED when none is left).  Its session is logged off best
 * effort (DELETE Logon, bounded by shutdown_bound) in the background; a
 * later hmc_set_add of the same name starts afresh.  0, or -1 with err
 * (unknown name, shutting down). */
int hmc_set_remove(struct hmc_set *s, const char *name, char *err, size_t errlen);
/* Start the probes: each HMC gets a cheap authenticated GET (its
 * ManagementConsole) now and every probe_interval, which logs on when needed,
 * tracks up/down (event=hmc_up / event=hmc_down) and re-reads which hosts it
 * manages.  Operations work without it (they log on lazily). */
void hmc_set_start(struct hmc_set *s);
/* Asynchronous, bounded shutdown: fails every queued or in-flight operation
 * with HMC_ESHUTDOWN (jobs keep running on the HMC; their ids are in the
 * message), logs off every session (DELETE Logon) within shutdown_bound,
 * then calls done once.  Calls made after this fail with HMC_ESHUTDOWN. */
void hmc_set_shutdown(struct hmc_set *s, void (*done)(void *arg), void *arg);
/* Frees everything.  Call it after shutdown's done fired (from inside done
 * is fine) or when no operation was ever started; operations still pending
 * are dropped without their callbacks. */
void hmc_set_free(struct hmc_set *s);

/* ---- status -------------------------------------------------------------- */
struct hmc_status {
	const char *name;       /* valid until the HMC is removed or the set freed */
	int up;                 /* last probe/request reached it (0 before any) */
	int logged_on;
	double since;           /* ev_now() of the last up/down transition */
	char last_error[256];   /* "" when none */
	unsigned inflight, queued;              /* HTTP requests */
	unsigned jobs_running, jobs_queued;
	unsigned long long requests, failures, logons, relogons;
	size_t n_hosts;         /* managed systems learned from its feed */
};

size_t hmc_set_count(const struct hmc_set *s);
/* i in [0, count).  0, or -1 if out of range. */
int hmc_set_status(const struct hmc_set *s, size_t i, struct hmc_status *out);
/* 1 when HMC name is known to manage host_uuid. */
int hmc_set_manages(const struct hmc_set *s, const char *hmc, const char *host_uuid);

/* ---- session ------------------------------------------------------------- */
typedef void (*hmc_done_cb)(void *arg, const struct hmc_error *err);
/* Fresh logon to HMC name (ends the current session first, lifts a logon
 * pause), then one GET of its ManagementConsole: checks credentials and
 * trust, e.g. when an administrator adds an HMC. */
void hmc_logon(struct hmc_set *s, const char *hmc, hmc_done_cb cb, void *arg);

/* Fetch the server public-key pin ("sha256//BASE64") of host:port without
 * trusting it, for `ksysmgr add hmc` to show and store.  pin is valid during
 * the callback. */
typedef void (*hmc_pin_cb)(void *arg, const struct hmc_error *err, const char *pin);
void hmc_fetch_pin(struct hmc_set *s, const char *host, int port, hmc_pin_cb cb, void *arg);

/* ---- reading ------------------------------------------------------------- */
enum hmc_obj {
	HMC_OBJ_MS = 0,         /* ManagedSystem */
	HMC_OBJ_LPAR,           /* LogicalPartition */
	HMC_OBJ_VIOS,           /* VirtualIOServer */
	HMC_OBJ_CONSOLE,        /* ManagementConsole */
};

struct hmc_read {
	enum hmc_obj obj;
	/* NULL or "any": whole feed from any HMC.  Else a host UUID: LPAR/VIOS
	 * read the per-host feed /ManagedSystem/{host}/{obj}; MS reads that
	 * host's entry; routing goes to an HMC managing the host. */
	const char *host_uuid;
	const char *uuid;       /* NULL: feed; else this one entry */
	const char *hmc;        /* NULL: route automatically; else only this HMC */
};

/* The parsed reply.  Owned by hmc and freed after the callback returns; the
 * callback may take an array by setting the pointer to NULL (then it frees
 * ms with hmcxml_free_ms, lpars and pvs with free, consoles with
 * hmcxml_free_consoles).  HTTP 204 gives n = 0. */
struct hmc_feed {
	enum hmc_obj obj;
	const char *hmc;        /* HMC that answered (valid during the callback) */
	size_t n;
	struct hmc_ms *ms;
	struct hmc_lpar *lpars;         /* LPAR and VIOS */
	struct hmc_console *consoles;
	/* HMC_OBJ_VIOS only: the disks every VIOS of lpars sees (PhysicalVolumes),
	 * VIOS by VIOS in feed order; pvs[i].vios_uuid names the VIOS.  NULL and 0
	 * for the other kinds or when no VIOS lists a disk. */
	struct hmc_pv *pvs;
	size_t n_pvs;
};

typedef void (*hmc_feed_cb)(void *arg, const struct hmc_error *err, struct hmc_feed *f);
void hmc_read(struct hmc_set *s, const struct hmc_read *rq, hmc_feed_cb cb, void *arg);

/* ---- jobs ---------------------------------------------------------------- */
struct hmc_job_spec {
	const char *group;      /* "LogicalPartition" | "VirtualIOServer" | "ManagedSystem"
	                           | "ManagementConsole" (CLIRunner) */
	const char *target_uuid;
	const char *operation;  /* "PowerOn", "PowerOff", "Migrate", ... */
	const struct hmc_param *params; /* copied; n_params may be 0 */
	size_t n_params;
	const char *host_uuid;  /* routing: host of the target, NULL/"any" */
	const char *hmc;        /* NULL: route; else only this HMC */
	double timeout;         /* real seconds; 0: 7200 for Migrate*, else 1800 */
	int get_template;       /* GET .../do/OP first and check it */
	/* Resume: poll an already submitted job (needs hmc) instead of submitting. */
	const char *resume_job_id;
};

/* Called once when the HMC accepted the job (before it completes), so the
 * caller can journal job_id and hmc (resume later with resume_job_id).
 * Optional; must not free the set. */
typedef void (*hmc_job_submitted_cb)(void *arg, const char *hmc, const char *job_id);
/* Final result.  reply is non-NULL whenever the HMC returned a job status
 * (also on HMC_EJOB, so Results such as returnCode can be read); owned by hmc
 * and valid during the callback only.  Success means COMPLETED_OK or
 * COMPLETED_WITH_WARNINGS.  The finished job is DELETEd afterwards. */
typedef void (*hmc_job_cb)(void *arg, const struct hmc_error *err,
                           const struct hmc_job_reply *reply);

/* Never returns NULL.  The handle is valid until cb returns.  Submission
 * moves to another HMC only when it certainly created nothing (no
 * connection, 5xx, refused logon or certificate); a submit sent but not
 * answered fails with HMC_ETIMEOUT instead of running twice.  Once the HMC
 * returned a JobID the job is polled there, with retries, until it ends or
 * times out (then POST cancel, then HMC_ETIMEOUT). */
struct hmc_job *hmc_job_run(struct hmc_set *s, const struct hmc_job_spec *spec,
                            hmc_job_submitted_cb on_submitted, hmc_job_cb cb, void *arg);
/* Cancel: a job not yet submitted fails with HMC_ECANCELED; a submitted one
 * gets POST /jobs/{id}/cancel and cb fires with HMC_ECANCELED once the
 * cancel completed or the request timeout passed.  Idempotent; may be called
 * until cb returns (the handle is freed right after). */
void hmc_job_cancel(struct hmc_job *j);

/* PassThroughInterface on a VIOS with inputXML; strings valid during cb. */
struct hmc_passthru_result {
	const char *std_out;    /* StdOut ("" if absent) */
	const char *std_err;    /* StdError ("" if absent) */
	int cmd_rc;             /* CMDReturnCode, -1 if absent */
	int rmc_rc;             /* RMCReturnCode, -1 if absent */
	const struct hmc_job_reply *reply;
};
typedef void (*hmc_passthru_cb)(void *arg, const struct hmc_error *err,
                                const struct hmc_passthru_result *r);
/* host_uuid routes (NULL: any); timeout real seconds, 0: 1800.  r is NULL
 * only when err is set and no job status was read; a COMPLETED_OK job with a
 * non-zero cmd_rc is a success at this level. */
struct hmc_job *hmc_passthru(struct hmc_set *s, const char *vios_uuid,
                             const char *host_uuid, const char *input_xml,
                             double timeout, hmc_passthru_cb cb, void *arg);

/* ---- raw access (ksys-hmc tool, debugging) ------------------------------
 * method "GET"/"PUT"/"POST"/"DELETE"; path below /rest/api/ ("uom/ManagedSystem");
 * body may be NULL; content_type NULL sends the JobRequest type with a
 * body.  Accept is application/atom+xml.  hmc NULL routes to any HMC.  Sends the session and re-logs on
 * like every other call.  Any HTTP status is delivered with err NULL; err is
 * set for transport, TLS and logon failures.  body valid during cb. */
typedef void (*hmc_raw_cb)(void *arg, const struct hmc_error *err, int status,
                           const char *body, size_t len);
void hmc_raw(struct hmc_set *s, const char *hmc, const char *method, const char *path,
             const char *body, const char *content_type, hmc_raw_cb cb, void *arg);

#endif
