/* httpd — libmicrohttpd on the libev loop, one HTTPS daemon per simulated
 * HMC: routing, sessions, HTTP-path faults (see httpd.h).
 *
 * MHD runs in external-epoll mode: an ev_io watches MHD's epoll fd, MHD_run()
 * runs on readiness and an ev_timer re-armed from MHD_get_timeout() after
 * every run covers MHD's own deadlines.  Slow responses suspend the
 * connection (MHD_suspend_connection) until a per-request ev_timer resumes it.
 */
#include "httpd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "buf.h"
#include "feeds.h"
#include "jobs.h"
#include "log.h"
#include "loop.h"
#include "tls.h"
#include "tscale.h"
#include "xmlu.h"

#define MAX_BODY (1024u * 1024u)
#define MAX_SEGS 12
#define CONN_LIMIT 8192u
#define CONN_IDLE_SECS 300.0            /* real seconds, not scaled: a transport
                                           property, and scaling it made clients
                                           race the close of reused connections */
#define MAX_SESSIONS 10000              /* per HMC; the least recently used goes */
#define TOKEN_BYTES 89                  /* -> 120 base64 characters */

struct sim_session {                    /* declared in world.h, owned here */
	struct sim_session *next;
	char token[128];
	ev_tstamp last_used;
};

struct simsrv;

struct req {
	struct req *prev, *next;        /* srv->reqs */
	struct simsrv *srv;
	struct MHD_Connection *conn;
	char method[16];
	char *path;
	struct buf body;
	int too_large;
	double t0;                      /* loop_mono_ms() at arrival */
	/* the answer, once decided */
	int ready, suspended, dropping;
	int status;
	struct buf out;
	const char *ctype;
	char etag[24];
	ev_timer slow;
};

struct simsrv {
	struct simhttp *s;
	struct sim_hmc *h;
	struct MHD_Daemon *d;           /* NULL while down */
	int started;
	int in_run;                     /* inside MHD_run: no stop/start now */
	ev_io io;                       /* MHD's epoll fd */
	ev_timer tm;                    /* MHD deadlines and kicks */
	ev_timer sweep;                 /* idle session expiry */
	ev_timer apply;                 /* deferred fault-state change */
	struct req *reqs;
	size_t n_sessions;
};

struct simhttp {
	struct world *w;
	char *cert_pem, *key_pem;
	struct simsrv **srvs;
	size_t n_srvs;
	unsigned long long xtid;
};

static void srv_apply(struct simsrv *srv);

/* ---- loop plumbing ---- */

static void
srv_rearm(struct simsrv *srv)
{
	struct ev_loop *loop = srv->s->w->loop;
	MHD_UNSIGNED_LONG_LONG to;

	ev_timer_stop(loop, &srv->tm);
	if (!srv->d)
		return;
	if (MHD_get_timeout(srv->d, &to) == MHD_YES) {
		ev_timer_set(&srv->tm, (double)to / 1000.0, 0.0);
		ev_timer_start(loop, &srv->tm);
	}
}

static void
srv_run(struct simsrv *srv)
{
	if (!srv->d)
		return;
	loop_note("hmcsim http");
	srv->in_run = 1;
	MHD_run(srv->d);
	srv->in_run = 0;
	srv_rearm(srv);
}

/* Make MHD_run happen on the next loop iteration. */
static void
srv_kick(struct simsrv *srv)
{
	struct ev_loop *loop = srv->s->w->loop;
	ev_timer_stop(loop, &srv->tm);
	ev_timer_set(&srv->tm, 0.0, 0.0);
	ev_timer_start(loop, &srv->tm);
}

static void
io_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	(void)loop;
	(void)revents;
	srv_run(io->data);
}

static void
tm_cb(struct ev_loop *loop, ev_timer *tm, int revents)
{
	(void)loop;
	(void)revents;
	srv_run(tm->data);
}

/* ---- sessions ---- */

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
make_token(char *out, size_t len)
{
	unsigned char raw[TOKEN_BYTES];
	size_t got = 0, o = 0;

	while (got < sizeof raw) {
		ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof raw && o + 5 < len; i += 3) {
		unsigned v = (unsigned)raw[i] << 16;
		size_t left = sizeof raw - i;
		if (left > 1)
			v |= (unsigned)raw[i + 1] << 8;
		if (left > 2)
			v |= raw[i + 2];
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = left > 1 ? b64url[(v >> 6) & 63] : '=';
		out[o++] = left > 2 ? b64url[v & 63] : '=';
	}
	out[o] = '\0';
	return 0;
}

static double
idle_limit(const struct sim_hmc *h)
{
	return h->session_idle > 0 ? tscale_secs(h->session_idle) : 0.0;
}

static void
session_unlink(struct simsrv *srv, struct sim_session **pp)
{
	struct sim_session *s = *pp;
	*pp = s->next;
	memset(s->token, 0, sizeof s->token);
	free(s);
	srv->n_sessions--;
}

/* Finds the session of token; expired ones are removed and not found.  A
 * hit moves to the front and is touched. */
static struct sim_session *
session_find(struct simsrv *srv, const char *token, int touch)
{
	struct sim_hmc *h = srv->h;
	struct world *w = srv->s->w;
	double now = ev_now(w->loop), idle = idle_limit(h);

	if (!token || !*token)
		return NULL;
	for (struct sim_session **pp = &h->sessions; *pp; pp = &(*pp)->next) {
		struct sim_session *s = *pp;
		if (strcmp(s->token, token) != 0)
			continue;
		if (idle > 0 && now - s->last_used > idle) {
			session_unlink(srv, pp);
			w->ctr.sessions_expired++;
			log_msg(LOGL_INFO, "http", "event=session_expired hmc=%s", h->name);
			return NULL;
		}
		if (touch) {
			s->last_used = now;
			*pp = s->next;
			s->next = h->sessions;
			h->sessions = s;
		}
		return s;
	}
	return NULL;
}

static void
session_drop(struct simsrv *srv, const char *token)
{
	if (!token)
		return;
	for (struct sim_session **pp = &srv->h->sessions; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->token, token) == 0) {
			session_unlink(srv, pp);
			return;
		}
	}
}

static struct sim_session *
session_new(struct simsrv *srv)
{
	struct sim_hmc *h = srv->h;
	struct sim_session *s = calloc(1, sizeof *s);
	if (!s)
		log_panic(__FILE__, __LINE__, "out of memory");
	if (make_token(s->token, sizeof s->token) != 0) {
		free(s);
		return NULL;
	}
	if (srv->n_sessions >= MAX_SESSIONS) {
		/* the list is kept most-recently-used first: drop the tail */
		struct sim_session **pp = &h->sessions;
		while (*pp && (*pp)->next)
			pp = &(*pp)->next;
		if (*pp)
			session_unlink(srv, pp);
	}
	s->last_used = ev_now(srv->s->w->loop);
	s->next = h->sessions;
	h->sessions = s;
	srv->n_sessions++;
	return s;
}

static void
sweep_arm(struct simsrv *srv)
{
	struct ev_loop *loop = srv->s->w->loop;
	double every = srv->h->session_idle > 0 ? srv->h->session_idle / 2 : 60.0;
	if (every > 60.0)
		every = 60.0;
	ev_timer_stop(loop, &srv->sweep);
	ev_timer_set(&srv->sweep, tscale_secs(every), 0.0);
	ev_timer_start(loop, &srv->sweep);
}

static void
sweep_cb(struct ev_loop *loop, ev_timer *tm, int revents)
{
	struct simsrv *srv = tm->data;
	struct world *w = srv->s->w;
	double now = ev_now(loop), idle = idle_limit(srv->h);
	(void)revents;

	if (idle > 0) {
		struct sim_session **pp = &srv->h->sessions;
		while (*pp) {
			if (now - (*pp)->last_used > idle) {
				session_unlink(srv, pp);
				w->ctr.sessions_expired++;
			} else {
				pp = &(*pp)->next;
			}
		}
	}
	sweep_arm(srv);
}

static void
sessions_free(struct simsrv *srv)
{
	while (srv->h->sessions)
		session_unlink(srv, &srv->h->sessions);
}

/* ---- replies ---- */

static void
reply(struct req *r, int status, const char *ctype)
{
	r->status = status;
	r->ctype = ctype;
	r->ready = 1;
}

static const char *
reason_of(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Request Entity Too Large";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	}
	return "Error";
}

static void __attribute__((format(printf, 3, 4)))
reply_error(struct req *r, int status, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	buf_reset(&r->out);
	simfeed_http_error(&r->out, r->srv->h, status, r->path, reason_of(status), msg);
	reply(r, status, SIMFEED_CT_ATOM);
}

static void
reply_empty(struct req *r, int status)
{
	buf_reset(&r->out);
	reply(r, status, NULL);
}

/* A GET answer with an ETag; 304 when the client has it already. */
static void
reply_tagged(struct req *r, unsigned etag)
{
	const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	                                              MHD_HTTP_HEADER_IF_NONE_MATCH);
	snprintf(r->etag, sizeof r->etag, "%d", (int)etag);
	if (inm) {
		size_t n = strlen(inm);
		if (strcmp(inm, r->etag) == 0
		    || (n == strlen(r->etag) + 2 && inm[0] == '"'
		        && strncmp(inm + 1, r->etag, n - 2) == 0)) {
			reply_empty(r, 304);
			return;
		}
	}
	reply(r, 200, SIMFEED_CT_ATOM);
}

/* ---- handlers ---- */

static const char *
session_header(struct req *r)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-API-Session");
}

static void
do_logon(struct req *r)
{
	struct simsrv *srv = r->srv;
	struct sim_hmc *h = srv->h;
	char e[256], user[64], pass[128];
	xmlDocPtr doc = NULL;

	if (strcmp(r->method, "DELETE") == 0) {
		const char *tok = session_header(r);
		if (!session_find(srv, tok, 0)) {
			reply_error(r, 401, "No valid X-API-Session to log off.");
			return;
		}
		session_drop(srv, tok);
		log_msg(LOGL_INFO, "http", "event=logoff hmc=%s", h->name);
		reply_empty(r, 204);
		return;
	}
	if (strcmp(r->method, "PUT") != 0) {
		reply_error(r, 405, "Use PUT to log on and DELETE to log off.");
		return;
	}
	if (r->body.len == 0) {
		reply_error(r, 400, "The logon request has no body; a LogonRequest is required.");
		return;
	}
	doc = xmlu_parse(r->body.data, r->body.len, "LogonRequest", e, sizeof e);
	if (!doc) {
		reply_error(r, 400, "The LogonRequest could not be parsed: %s", e);
		return;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr lr = xmlu_is(root, "LogonRequest") ? root : xmlu_find(root, "LogonRequest");
	if (!lr || xmlu_text(xmlu_child(lr, "UserID"), user, sizeof user) < 0
	    || xmlu_text(xmlu_child(lr, "Password"), pass, sizeof pass) < 0) {
		reply_error(r, 400, "The body is not a LogonRequest with UserID and Password.");
		goto out;
	}
	if (strcmp(user, h->user) != 0 || strcmp(pass, h->password) != 0) {
		log_msg(LOGL_NOTICE, "http", "event=logon_failed hmc=%s user=%s", h->name, user);
		reply_error(r, 401, "HSCL350B The user ID or password is incorrect. Logon failed.");
		goto out;
	}
	struct sim_session *s = session_new(srv);
	if (!s) {
		reply_error(r, 500, "Could not generate a session token: %s", strerror(errno));
		goto out;
	}
	h->logons++;
	log_msg(LOGL_INFO, "http", "event=logon hmc=%s user=%s sessions=%zu", h->name, user,
	        srv->n_sessions);
	buf_reset(&r->out);
	simfeed_logon_response(&r->out, s->token);
	reply(r, 200, SIMFEED_CT_LOGON);
out:
	memset(pass, 0, sizeof pass);
	xmlFreeDoc(doc);
}

static void
do_jobs(struct req *r, char **seg, int n)
{
	struct world *w = r->srv->s->w;
	char *end = NULL, e[256];
	long long id;
	struct sim_job *j = NULL;

	if (n < 2 || n > 3) {
		reply_error(r, 404, "Unknown jobs resource; use /rest/api/uom/jobs/{JobID}.");
		return;
	}
	errno = 0;
	id = strtoll(seg[1], &end, 10);
	if (errno == 0 && end && *end == '\0' && id > 0)
		j = world_job_by_id(w, id);
	if (!j || j->hmc != r->srv->h->idx || j->deleted) {
		reply_error(r, 404, "The job %s does not exist on this management console.",
		            seg[1]);
		return;
	}
	if (n == 3) {
		if (strcmp(seg[2], "cancel") != 0) {
			reply_error(r, 404, "Unknown job resource '%s'.", seg[2]);
			return;
		}
		if (strcmp(r->method, "POST") != 0 && strcmp(r->method, "PUT") != 0) {
			reply_error(r, 405, "Use POST to cancel a job.");
			return;
		}
		simjob_cancel(w, j);
		reply_empty(r, 204);
		return;
	}
	if (strcmp(r->method, "GET") == 0) {
		buf_reset(&r->out);
		simfeed_job_response(&r->out, r->srv->h, j);
		reply(r, 200, SIMFEED_CT_ATOM);
	} else if (strcmp(r->method, "DELETE") == 0) {
		if (simjob_delete(w, j, e, sizeof e) != 0)
			reply_error(r, 400, "%s", e);
		else
			reply_empty(r, 204);
	} else {
		reply_error(r, 405, "Jobs accept GET and DELETE.");
	}
}

/* .../{group}/{uuid}/do/{op} on partition l. */
static void
do_op(struct req *r, const char *group, struct sim_lpar *l, const char *op)
{
	struct simsrv *srv = r->srv;
	char e[512];
	int status;
	struct sim_job *j;

	if (!l || !simjob_op_known(group, op)) {
		reply_error(r, 400, "The operation %s is not defined for %s objects.", op, group);
		return;
	}
	if (strcmp(r->method, "GET") == 0) {
		buf_reset(&r->out);
		simfeed_job_template(&r->out, srv->h, group, l->uuid, op);
		reply(r, 200, SIMFEED_CT_ATOM);
		return;
	}
	if (strcmp(r->method, "PUT") != 0) {
		reply_error(r, 405, "Use GET for the job template and PUT to run the job.");
		return;
	}
	if (simjob_submit(srv->s->w, srv->h, group, l, op, r->body.data, r->body.len, &j,
	                  &status, e, sizeof e) != 0) {
		reply_error(r, status, "%s", e);
		return;
	}
	buf_reset(&r->out);
	simfeed_job_response(&r->out, srv->h, j);
	reply(r, 200, SIMFEED_CT_ATOM);
}

/* .../ManagementConsole/{uuid}/do/{op}: CLIRunner (PUT, or POST, runs it). */
static void
do_console_op(struct req *r, const char *op)
{
	struct simsrv *srv = r->srv;
	char e[512];
	int status;
	struct sim_job *j;

	if (!simjob_op_known("ManagementConsole", op)) {
		reply_error(r, 400, "The operation %s is not defined for ManagementConsole"
		            " objects.", op);
		return;
	}
	if (strcmp(r->method, "GET") == 0) {
		buf_reset(&r->out);
		simfeed_job_template(&r->out, srv->h, "ManagementConsole", srv->h->uuid, op);
		reply(r, 200, SIMFEED_CT_ATOM);
		return;
	}
	if (strcmp(r->method, "PUT") != 0 && strcmp(r->method, "POST") != 0) {
		reply_error(r, 405, "Use GET for the job template and PUT to run the job.");
		return;
	}
	if (simjob_submit(srv->s->w, srv->h, "ManagementConsole", NULL, op, r->body.data,
	                  r->body.len, &j, &status, e, sizeof e) != 0) {
		reply_error(r, status, "%s", e);
		return;
	}
	buf_reset(&r->out);
	simfeed_job_response(&r->out, srv->h, j);
	reply(r, 200, SIMFEED_CT_ATOM);
}

static struct sim_lpar *
find_lpar(struct simsrv *srv, enum simfeed_kind k, const char *uuid,
          const struct sim_host *under)
{
	struct world *w = srv->s->w;
	struct sim_lpar *l = world_lpar_by_uuid(w, uuid);
	if (!l || l->is_vios != (k == SIMFEED_VIOS))
		return NULL;
	if (under)
		return simfeed_lpar_on_host(l, under) ? l : NULL;
	return simfeed_lpar_visible(w, srv->h, l) ? l : NULL;
}

static void
do_uom(struct req *r, char **seg, int n)
{
	struct simsrv *srv = r->srv;
	struct world *w = srv->s->w;
	struct sim_hmc *h = srv->h;
	struct sim_host *host = NULL;
	enum simfeed_kind k;
	unsigned etag = 0;
	int is_get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;

	if (n < 1) {
		reply_error(r, 404, "No resource named under /rest/api/uom.");
		return;
	}
	if (strcmp(seg[0], "jobs") == 0) {
		do_jobs(r, seg, n);
		return;
	}
	if (simfeed_kind_parse(seg[0], &k) != 0) {
		reply_error(r, 404, "The resource type %s is not known to this management console.",
		            seg[0]);
		return;
	}
	/* ManagedSystem/{uuid}/{LogicalPartition|VirtualIOServer}[/{uuid}[/do/{op}]] */
	if (k == SIMFEED_MS && n >= 3) {
		enum simfeed_kind ck;
		host = world_host_by_uuid(w, seg[1]);
		if (!host || !world_host_managed_by(host, h)) {
			reply_error(r, 404, "The managed system %s was not found.", seg[1]);
			return;
		}
		if (strcmp(seg[2], "do") == 0) {
			reply_error(r, 400, "The operation %s is not defined for ManagedSystem objects.",
			            n > 3 ? seg[3] : "(none)");
			return;
		}
		if (simfeed_kind_parse(seg[2], &ck) != 0 || (ck != SIMFEED_LPAR && ck != SIMFEED_VIOS)) {
			reply_error(r, 404, "ManagedSystem has no child resource %s.", seg[2]);
			return;
		}
		k = ck;
		seg += 2;
		n -= 2;
	}
	if (n == 1) {
		if (!is_get) {
			reply_error(r, 405, "%s feeds accept GET only.", simfeed_kind_name(k));
			return;
		}
		buf_reset(&r->out);
		if (simfeed_feed(&r->out, w, h, k, host, r->path, &etag) == 0) {
			reply_empty(r, 204);
			return;
		}
		reply_tagged(r, etag);
		return;
	}
	if (k == SIMFEED_CONSOLE) {
		if (strcasecmp(seg[1], h->uuid) != 0) {
			reply_error(r, 404, "The management console %s was not found.", seg[1]);
			return;
		}
		if (n == 2) {
			if (!is_get) {
				reply_error(r, 405, "ManagementConsole accepts GET only.");
				return;
			}
			buf_reset(&r->out);
			simfeed_console_entry(&r->out, w, h, &etag);
			reply_tagged(r, etag);
			return;
		}
		if (n == 4 && strcmp(seg[2], "do") == 0) {
			do_console_op(r, seg[3]);
			return;
		}
		reply_error(r, 404, "Unknown ManagementConsole resource.");
		return;
	}
	if (k == SIMFEED_MS) {
		struct sim_host *ms = world_host_by_uuid(w, seg[1]);
		if (!ms || !world_host_managed_by(ms, h)) {
			reply_error(r, 404, "The managed system %s was not found.", seg[1]);
			return;
		}
		if (n == 2) {
			if (!is_get) {
				reply_error(r, 405, "ManagedSystem accepts GET only.");
				return;
			}
			buf_reset(&r->out);
			simfeed_ms_entry(&r->out, w, h, ms, &etag);
			reply_tagged(r, etag);
			return;
		}
		reply_error(r, 404, "Unknown ManagedSystem resource.");
		return;
	}
	/* LogicalPartition or VirtualIOServer */
	struct sim_lpar *l = find_lpar(srv, k, seg[1], host);
	if (!l) {
		reply_error(r, 404, "The %s %s was not found.", simfeed_kind_name(k), seg[1]);
		return;
	}
	if (n == 2) {
		if (!is_get) {
			reply_error(r, 405, "%s accepts GET only.", simfeed_kind_name(k));
			return;
		}
		buf_reset(&r->out);
		simfeed_lpar_entry(&r->out, w, h, l, host, &etag);
		reply_tagged(r, etag);
		return;
	}
	if (n == 4 && strcmp(seg[2], "do") == 0) {
		do_op(r, simfeed_kind_name(k), l, seg[3]);
		return;
	}
	reply_error(r, 404, "Unknown %s resource.", simfeed_kind_name(k));
}

/* An injected http-error fault; 1 when it answered the request. */
static int
apply_http_fault(struct req *r)
{
	struct simsrv *srv = r->srv;
	struct sim_hmc *h = srv->h;
	int code = h->http_error_code;

	if (code < 100 || code > 599 || h->http_error_count == 0)
		return 0;
	if (h->http_error_count > 0)
		h->http_error_count--;
	if (code == 401) {
		session_drop(srv, session_header(r));
		h->relogons_forced++;
		reply_error(r, 401, "The session is not valid or has expired. Log on again.");
	} else if (code == 503) {
		reply_error(r, 503, "HSCL3205 The managed system is busy processing some other"
		            " request. Please retry the operation after sometime.");
	} else if (code == 500) {
		reply_error(r, 500, "VIOS0014 The Virtual I/O Server is busy processing some other"
		            " request. Please retry the operation after sometime.");
	} else {
		reply_error(r, code, "Injected HTTP error %d.", code);
	}
	return 1;
}

static void
handle(struct req *r)
{
	struct simsrv *srv = r->srv;
	struct world *w = srv->s->w;
	char *copy = NULL, *seg[MAX_SEGS];
	int n = 0;

	w->ctr.http_requests++;
	srv->h->requests++;
	if (r->too_large) {
		reply_error(r, 413, "The request body is larger than %u bytes.", MAX_BODY);
		return;
	}
	if (apply_http_fault(r))
		return;

	copy = strdup(r->path);
	if (!copy)
		log_panic(__FILE__, __LINE__, "out of memory");
	for (char *save = NULL, *t = strtok_r(copy, "/", &save); t;
	     t = strtok_r(NULL, "/", &save)) {
		if (n == MAX_SEGS) {
			reply_error(r, 404, "The path has too many elements.");
			goto out;
		}
		seg[n++] = t;
	}
	if (n < 3 || strcmp(seg[0], "rest") || strcmp(seg[1], "api")) {
		reply_error(r, 404, "Unknown resource; the REST API is under /rest/api/.");
		goto out;
	}
	if (strcmp(seg[2], "web") == 0) {
		if (n == 4 && strcmp(seg[3], "Logon") == 0)
			do_logon(r);
		else
			reply_error(r, 404, "Unknown web resource.");
		goto out;
	}
	if (strcmp(seg[2], "uom") != 0) {
		reply_error(r, 404, "Unknown API root %s.", seg[2]);
		goto out;
	}
	if (!session_find(srv, session_header(r), 1)) {
		reply_error(r, 401, "The request has no valid X-API-Session (absent, logged off or"
		            " expired). Log on first.");
		goto out;
	}
	do_uom(r, seg + 3, n - 3);
out:
	free(copy);
}

/* ---- MHD callbacks ---- */

static enum MHD_Result
send_reply(struct req *r)
{
	struct simhttp *s = r->srv->s;
	struct MHD_Response *resp;
	char xt[32];
	enum MHD_Result rc;

	if (r->out.len && r->status != 204 && r->status != 304) {
		size_t len = r->out.len;
		resp = MHD_create_response_from_buffer(len, buf_steal(&r->out),
		                                       MHD_RESPMEM_MUST_FREE);
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	if (r->ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
	snprintf(xt, sizeof xt, "XT%llu", ++s->xtid);
	MHD_add_response_header(resp, "X-Transaction-ID", xt);
	if (r->etag[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_SERVER, "Apache");
	MHD_add_response_header(resp, "X-Powered-By", "Servlet/3.0");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_LANGUAGE, "en-US");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	rc = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	if (r->status == 401)
		s->w->ctr.http_401++;
	else if (r->status >= 500)
		s->w->ctr.http_5xx++;
	return rc;
}

static void
slow_cb(struct ev_loop *loop, ev_timer *tm, int revents)
{
	struct req *r = tm->data;
	(void)loop;
	(void)revents;
	if (!r->suspended)
		return;
	r->suspended = 0;
	MHD_resume_connection(r->conn);
	srv_kick(r->srv);
}

static void
req_free(struct req *r)
{
	struct simsrv *srv = r->srv;
	ev_timer_stop(srv->s->w->loop, &r->slow);
	if (r->prev)
		r->prev->next = r->next;
	else
		srv->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	free(r->path);
	buf_free(&r->body);
	buf_free(&r->out);
	free(r);
}

static struct req *
req_new(struct simsrv *srv, struct MHD_Connection *c, const char *url, const char *method)
{
	struct req *r = calloc(1, sizeof *r);
	if (!r)
		log_panic(__FILE__, __LINE__, "out of memory");
	r->srv = srv;
	r->conn = c;
	r->t0 = loop_mono_ms();
	snprintf(r->method, sizeof r->method, "%s", method ? method : "?");
	r->path = strdup(url ? url : "/");
	if (!r->path)
		log_panic(__FILE__, __LINE__, "out of memory");
	ev_timer_init(&r->slow, slow_cb, 0.0, 0.0);
	r->slow.data = r;
	r->next = srv->reqs;
	if (srv->reqs)
		srv->reqs->prev = r;
	srv->reqs = r;
	return r;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_data_size,
           void **con_cls)
{
	struct simsrv *srv = cls;
	struct req *r = *con_cls;
	(void)version;

	if (srv->h->down)
		return MHD_NO;
	if (!r) {
		r = req_new(srv, c, url, method);
		*con_cls = r;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > MAX_BODY) {
			/* refuse before reading (and before any 100 Continue) */
			r->too_large = 1;
			handle(r);
			return send_reply(r);
		}
		return MHD_YES;
	}
	if (r->dropping)
		return MHD_NO;
	if (*upload_data_size) {
		if (!r->too_large) {
			if (r->body.len + *upload_data_size > MAX_BODY) {
				r->too_large = 1;
				buf_free(&r->body);
			} else {
				buf_append(&r->body, upload_data, *upload_data_size);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->suspended)
		return MHD_YES;
	if (!r->ready) {
		handle(r);
		if (srv->h->slow_ms > 0) {
			r->suspended = 1;
			MHD_suspend_connection(c);
			ev_timer_set(&r->slow, tscale_secs(srv->h->slow_ms / 1000.0), 0.0);
			ev_timer_start(srv->s->w->loop, &r->slow);
			return MHD_YES;
		}
	}
	return send_reply(r);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
	struct simsrv *srv = cls;
	struct req *r = *con_cls;
	(void)c;

	if (!r)
		return;
	if (log_enabled(LOGL_DEBUG, "http"))
		log_msg(LOGL_DEBUG, "http", "event=request hmc=%s method=%s path=%s status=%d"
		        " ms=%.1f%s", srv->h->name, r->method, r->path, r->ready ? r->status : 0,
		        loop_mono_ms() - r->t0,
		        toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	req_free(r);
	*con_cls = NULL;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct simsrv *srv = cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_msg(LOGL_DEBUG, "http", "event=mhd hmc=%s msg=\"%s\"", srv->h->name, msg);
}

/* ---- listeners ---- */

static int
make_listener(struct sim_hmc *h, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	const char *addr = strcmp(h->addr, "localhost") == 0 || !h->addr[0] ? "127.0.0.1" : h->addr;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)h->port);
		sl = sizeof *a4;
	} else if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)h->port);
		sl = sizeof *a6;
	} else {
		snprintf(err, errlen, "HMC %s: listen address '%s' is not a numeric IPv4 or IPv6"
		         " address", h->name, h->addr);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "HMC %s: socket: %s", h->name, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
		snprintf(err, errlen, "HMC %s: bind %s port %d: %s", h->name, addr, h->port,
		         strerror(errno));
		goto fail;
	}
	if (listen(fd, 4096) == -1) {
		snprintf(err, errlen, "HMC %s: listen: %s", h->name, strerror(errno));
		goto fail;
	}
	sl = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1) {
		snprintf(err, errlen, "HMC %s: getsockname: %s", h->name, strerror(errno));
		goto fail;
	}
	h->port = ntohs(ss.ss_family == AF_INET ? a4->sin_port : a6->sin6_port);
	return fd;
fail:
	close(fd);
	return -1;
}

static int
srv_listen(struct simsrv *srv, char *err, size_t errlen)
{
	struct simhttp *s = srv->s;
	struct ev_loop *loop = s->w->loop;
	const union MHD_DaemonInfo *info;
	double idle = CONN_IDLE_SECS;
	unsigned idle_s = idle < 1.0 ? 1u : (unsigned)idle;
	int fd = make_listener(srv->h, err, errlen);

	if (fd == -1)
		return -1;
	srv->d = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_TLS | MHD_ALLOW_SUSPEND_RESUME
	                          | MHD_USE_ERROR_LOG,
	                          0, NULL, NULL, on_request, srv,
	                          MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
	                          MHD_OPTION_LISTEN_SOCKET, fd,
	                          MHD_OPTION_HTTPS_MEM_CERT, s->cert_pem,
	                          MHD_OPTION_HTTPS_MEM_KEY, s->key_pem,
	                          MHD_OPTION_CONNECTION_LIMIT, CONN_LIMIT,
	                          MHD_OPTION_CONNECTION_TIMEOUT, idle_s,
	                          MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	                          MHD_OPTION_END);
	if (!srv->d) {
		close(fd);
		snprintf(err, errlen, "HMC %s: libmicrohttpd refused to start (certificate or key"
		         " unusable?)", srv->h->name);
		return -1;
	}
	info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info || info->epoll_fd < 0) {
		MHD_stop_daemon(srv->d);
		srv->d = NULL;
		snprintf(err, errlen, "HMC %s: no epoll fd from libmicrohttpd", srv->h->name);
		return -1;
	}
	ev_io_init(&srv->io, io_cb, info->epoll_fd, EV_READ);
	srv->io.data = srv;
	ev_io_start(loop, &srv->io);
	srv_kick(srv);
	log_msg(LOGL_INFO, "http", "event=listen hmc=%s addr=%s port=%d", srv->h->name,
	        srv->h->addr, srv->h->port);
	return 0;
}

static void
srv_stop(struct simsrv *srv, const char *why)
{
	struct ev_loop *loop = srv->s->w->loop;
	int resumed = 0;

	if (!srv->d)
		return;
	/* MHD must not be stopped with suspended connections: resume them, let
	 * one MHD_run move them back, then they are closed with the rest. */
	for (struct req *r = srv->reqs; r; r = r->next) {
		r->dropping = 1;
		if (r->suspended) {
			ev_timer_stop(loop, &r->slow);
			r->suspended = 0;
			MHD_resume_connection(r->conn);
			resumed = 1;
		}
	}
	if (resumed) {
		srv->in_run = 1;
		MHD_run(srv->d);
		srv->in_run = 0;
	}
	ev_io_stop(loop, &srv->io);
	ev_timer_stop(loop, &srv->tm);
	MHD_stop_daemon(srv->d);
	srv->d = NULL;
	log_msg(LOGL_INFO, "http", "event=stop hmc=%s port=%d reason=%s", srv->h->name,
	        srv->h->port, why);
}

static void
srv_apply(struct simsrv *srv)
{
	char err[256];
	if (!srv->started)
		return;
	if (srv->in_run) {
		ev_timer_stop(srv->s->w->loop, &srv->apply);
		ev_timer_set(&srv->apply, 0.0, 0.0);
		ev_timer_start(srv->s->w->loop, &srv->apply);
		return;
	}
	if (srv->h->down && srv->d) {
		srv_stop(srv, "hmc-down");
	} else if (!srv->h->down && !srv->d) {
		if (srv_listen(srv, err, sizeof err) != 0)
			log_msg(LOGL_ERROR, "http", "event=relisten_failed hmc=%s err=\"%s\"",
			        srv->h->name, err);
	}
}

static void
apply_cb(struct ev_loop *loop, ev_timer *tm, int revents)
{
	(void)loop;
	(void)revents;
	srv_apply(tm->data);
}

static void
hmc_changed_hook(struct world *w, struct sim_hmc *h, void *arg)
{
	(void)w;
	simhttp_hmc_changed(arg, h);
}

/* ---- public ---- */

void
simhttp_hmc_changed(struct simhttp *s, struct sim_hmc *h)
{
	struct simsrv *srv = h->server;
	if (!s || !srv || srv->s != s)
		return;
	srv_apply(srv);
}

static void
raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max
	    && rl.rlim_cur < 65536) {
		rl.rlim_cur = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

struct simhttp *
simhttp_new(struct world *w, const char *cert_pem_path, const char *key_pem_path,
            char *err, size_t errlen)
{
	struct simhttp *s = calloc(1, sizeof *s);
	if (!s)
		log_panic(__FILE__, __LINE__, "out of memory");
	s->w = w;
	s->xtid = 10000000ull + (unsigned long long)(loop_epoch_ms() % 1000000);
	s->cert_pem = simtls_read_pem(cert_pem_path, err, errlen);
	if (!s->cert_pem)
		goto fail;
	s->key_pem = simtls_read_pem(key_pem_path, err, errlen);
	if (!s->key_pem)
		goto fail;
	xmlu_init();
	raise_nofile();
	w->hooks.hmc_changed = hmc_changed_hook;
	w->hooks.arg = s;
	return s;
fail:
	free(s->cert_pem);
	free(s->key_pem);
	free(s);
	return NULL;
}

int
simhttp_start_hmc(struct simhttp *s, struct sim_hmc *h, char *err, size_t errlen)
{
	struct ev_loop *loop = s->w->loop;
	struct simsrv *srv = h->server;

	if (srv && srv->started) {
		snprintf(err, errlen, "HMC %s is already started", h->name);
		return -1;
	}
	srv = calloc(1, sizeof *srv);
	if (!srv)
		log_panic(__FILE__, __LINE__, "out of memory");
	srv->s = s;
	srv->h = h;
	ev_timer_init(&srv->tm, tm_cb, 0.0, 0.0);
	srv->tm.data = srv;
	ev_timer_init(&srv->sweep, sweep_cb, 0.0, 0.0);
	srv->sweep.data = srv;
	ev_timer_init(&srv->apply, apply_cb, 0.0, 0.0);
	srv->apply.data = srv;
	if (h->down) {
		/* learn (reserve) the port now; listen when the HMC comes up */
		int fd = make_listener(h, err, errlen);
		if (fd == -1)
			goto fail;
		close(fd);
	} else if (srv_listen(srv, err, errlen) != 0) {
		goto fail;
	}
	struct simsrv **v = realloc(s->srvs, (s->n_srvs + 1) * sizeof *v);
	if (!v)
		log_panic(__FILE__, __LINE__, "out of memory");
	s->srvs = v;
	s->srvs[s->n_srvs++] = srv;
	srv->started = 1;
	h->server = srv;
	sweep_arm(srv);
	(void)loop;
	return 0;
fail:
	free(srv);
	return -1;
}

int
simhttp_start_all(struct simhttp *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->w->n_hmcs; i++)
		if (simhttp_start_hmc(s, &s->w->hmcs[i], err, errlen) != 0)
			return -1;
	return 0;
}

void
simhttp_free(struct simhttp *s)
{
	if (!s)
		return;
	struct ev_loop *loop = s->w->loop;
	for (size_t i = 0; i < s->n_srvs; i++) {
		struct simsrv *srv = s->srvs[i];
		srv_stop(srv, "shutdown");
		ev_timer_stop(loop, &srv->sweep);
		ev_timer_stop(loop, &srv->apply);
		sessions_free(srv);
		srv->h->server = NULL;
		free(srv);
	}
	simjob_stop_all(s->w);
	if (s->w->hooks.arg == s) {
		s->w->hooks.hmc_changed = NULL;
		s->w->hooks.arg = NULL;
	}
	free(s->srvs);
	if (s->key_pem) {
		memset(s->key_pem, 0, strlen(s->key_pem));
		free(s->key_pem);
	}
	free(s->cert_pem);
	free(s);
}
