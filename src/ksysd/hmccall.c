/* hmccall — calls: one HTTP exchange with one HMC, and the HMC sessions.
 *
 * A call waits for a session (one logon per HMC at a time, shared by every
 * waiting call), then for a slot under the HMC's request cap (FIFO), and is
 * retried once after a 401 with a fresh logon.  This file also tracks each
 * HMC's reachability (probes, event=hmc_up/hmc_down) and which hosts it
 * manages.  Not for ops, routing or failover (hmc.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmc_priv.h"
#include "hmcxml.h"
#include "buf.h"
#include "log.h"
#include "str.h"

#define AUTH_BLOCK_SECS 300.0   /* real seconds without automatic logon after a refusal */
#define LEARN_EVERY     6       /* re-read the ManagedSystem feed every N probes */

enum call_where {
	CW_NEW = 0,
	CW_QUEUE,               /* n->q */
	CW_LOGON,               /* n->logon_wait */
	CW_HTTP,                /* in http */
	CW_CB,                  /* its callback is running */
	CW_DONE,                /* failed before HTTP, on s->cdone */
};

struct hmc_call {
	struct hmc_node *n;
	struct hmc_call *next, *prev;           /* queue lists */
	struct hmc_call *snext, *sprev;         /* s->calls */
	enum call_where where;
	int flags;
	unsigned gen;                           /* session generation used */
	int relogged;                           /* already re-logged on after a 401 */
	int logoff;
	char method[8];
	char *path, *body, *ctype, *accept;
	size_t len;
	char *token;                            /* preset token (logoff of an old session) */
	hmc_call_cb cb;
	void *owner;
	struct http_req *hr;
	/* failure recorded before HTTP (delivered from the deferred timer) */
	struct hmc_call_res fres;
	char fmsg[512];
};

static void call_submit(struct hmc_call *c);
static void node_logon(struct hmc_node *n);
static void node_learn_hosts(struct hmc_node *n);
static void call_http_cb(void *arg, const struct http_result *r);

static void
node_up(struct hmc_node *n)
{
	struct hmc_set *s = n->s;

	if (n->removed || (n->ever && n->up))
		return;
	n->up = 1;
	n->since = ev_now(s->loop);
	if (n->ever)
		log_msg(LOGL_NOTICE, "hmc", "event=hmc_up hmc=%s", n->name);
	else
		log_msg(LOGL_INFO, "hmc", "event=hmc_up hmc=%s first=1", n->name);
	n->ever = 1;
	n->last_error[0] = '\0';
	if (s->opts.on_state)
		s->opts.on_state(s->opts.state_arg, n->name, 1, NULL);
}

static void
node_down(struct hmc_node *n, const char *why)
{
	struct hmc_set *s = n->s;

	str_copy(n->last_error, sizeof n->last_error, why);
	if (n->removed || (n->ever && !n->up))
		return;
	n->up = 0;
	n->ever = 1;
	n->since = ev_now(s->loop);
	log_msg(LOGL_WARN, "hmc", "event=hmc_down hmc=%s err=\"%s\"", n->name, why);
	if (s->opts.on_state)
		s->opts.on_state(s->opts.state_arg, n->name, 0, why);
}

static void
q_append(struct hmc_call **head, struct hmc_call **tail, struct hmc_call *c)
{
	c->next = NULL;
	c->prev = *tail;
	if (*tail)
		(*tail)->next = c;
	else
		*head = c;
	*tail = c;
}

static void
q_unlink(struct hmc_call **head, struct hmc_call **tail, struct hmc_call *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		*head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		*tail = c->prev;
	c->next = c->prev = NULL;
}

static void
call_free(struct hmc_call *c)
{
	struct hmc_node *n = c->n;
	struct hmc_set *s = n->s;

	if (c->sprev)
		c->sprev->snext = c->snext;
	else
		s->calls = c->snext;
	if (c->snext)
		c->snext->sprev = c->sprev;
	free(c->path);
	if (c->body)
		explicit_bzero(c->body, c->len);
	free(c->body);
	free(c->ctype);
	free(c->accept);
	free(c->token);
	free(c);
	s->ncalls--;
	n->ncalls--;
	if (s->shutting || (n->removed && !n->ncalls))
		hmc_deferred_arm(s);    /* shutdown check, zombie reaping */
}

/* Fail a call that never reached HTTP (or is being pulled from a queue):
 * its callback runs from the deferred timer, never synchronously. */
static void
call_fail_later(struct hmc_call *c, enum hmc_errc code, int status, int transport,
                const char *msg)
{
	struct hmc_set *s = c->n->s;

	str_copy(c->fmsg, sizeof c->fmsg, msg);
	memset(&c->fres, 0, sizeof c->fres);
	c->fres.code = code;
	c->fres.status = status;
	c->fres.transport = transport;
	c->fres.msg = c->fmsg;
	c->fres.body = "";
	c->where = CW_DONE;
	c->next = NULL;
	if (s->cdone_tail)
		s->cdone_tail->next = c;
	else
		s->cdone_head = c;
	s->cdone_tail = c;
	hmc_deferred_arm(s);
}

enum hmc_errc
hmc_map_http(enum http_errc e)
{
	switch (e) {
	case HTTP_OK: return HMC_OK;
	case HTTP_ECONNECT: return HMC_EUNREACH;
	case HTTP_ETIMEOUT: return HMC_ETIMEOUT;
	case HTTP_ETLS:
	case HTTP_EPIN: return HMC_ETLS;
	case HTTP_ECANCELED: return HMC_ECANCELED;
	case HTTP_ESHUTDOWN: return HMC_ESHUTDOWN;
	default: return HMC_EUNREACH;
	}
}

static void
call_dispatch(struct hmc_call *c)
{
	struct hmc_node *n = c->n;
	struct hmc_set *s = n->s;
	char url[1200], h_sess[600], h_memento[128], h_accept[160], h_ct[160], tag[200];
	const char *hdrs[4];
	size_t nh = 0;
	const char *tok = c->token ? c->token : n->token;
	struct http_request rq;

	snprintf(url, sizeof url, "%s%s", n->base, c->path);
	if ((c->flags & HMC_CALL_AUTH) || c->token) {
		snprintf(h_sess, sizeof h_sess, "X-API-Session: %s", tok ? tok : "");
		hdrs[nh++] = h_sess;
	}
	snprintf(h_memento, sizeof h_memento, "X-Audit-Memento: %s", s->memento);
	hdrs[nh++] = h_memento;
	if (c->accept) {
		snprintf(h_accept, sizeof h_accept, "Accept: %s", c->accept);
		hdrs[nh++] = h_accept;
	}
	if (c->ctype) {
		snprintf(h_ct, sizeof h_ct, "Content-Type: %s", c->ctype);
		hdrs[nh++] = h_ct;
	}
	snprintf(tag, sizeof tag, "%s %s %s", n->name, c->method, c->path);
	memset(&rq, 0, sizeof rq);
	rq.method = c->method;
	rq.url = url;
	rq.headers = hdrs;
	rq.n_headers = nh;
	rq.body = c->body;
	rq.body_len = c->len;
	rq.timeout = (c->flags & HMC_CALL_SHORT) ? hmc_scaled(s->opts.shutdown_bound, 0.5)
	                                         : hmc_scaled(s->opts.request_timeout, 1.0);
	rq.connect_timeout = hmc_scaled(s->opts.connect_timeout, 1.0);
	rq.verify = n->tls_verify;
	rq.ca_file = n->ca_file;
	rq.pin = n->pin;
	rq.tag = tag;
	c->gen = n->gen;
	c->where = CW_HTTP;
	n->inflight++;
	n->requests++;
	log_msg(LOGL_DEBUG, "hmc", "event=request hmc=%s method=%s path=%s", n->name,
	        c->method, c->path);
	c->hr = http_start(s->http, &rq, call_http_cb, c);
}

static void
node_pump(struct hmc_node *n)
{
	struct hmc_call *c;

	while (n->q_head && n->inflight < (unsigned)n->max_requests) {
		c = n->q_head;
		q_unlink(&n->q_head, &n->q_tail, c);
		n->queued--;
		c->where = CW_NEW;
		call_submit(c);
	}
}

static void
call_submit(struct hmc_call *c)
{
	struct hmc_node *n = c->n;
	struct hmc_set *s = n->s;

	if (s->shutting && !(c->flags & HMC_CALL_SHORT)) {
		call_fail_later(c, HMC_ESHUTDOWN, 0, 0, "HMC client is shutting down");
		return;
	}
	if (n->removed) {
		char msg[128];

		snprintf(msg, sizeof msg, "hmc '%s' was removed", n->name);
		call_fail_later(c, HMC_ECANCELED, 0, 0, msg);
		return;
	}
	if ((c->flags & HMC_CALL_AUTH) && n->ls != HMC_LS_OK) {
		if (n->ls == HMC_LS_BLOCKED && ev_now(s->loop) < n->blocked_until) {
			call_fail_later(c, HMC_EAUTH, 401, 0, n->auth_err);
			return;
		}
		c->where = CW_LOGON;
		q_append(&n->logon_wait_head, &n->logon_wait_tail, c);
		node_logon(n);
		return;
	}
	if ((c->flags & HMC_CALL_PRIO) || n->inflight < (unsigned)n->max_requests) {
		call_dispatch(c);
		return;
	}
	c->where = CW_QUEUE;
	q_append(&n->q_head, &n->q_tail, c);
	n->queued++;
}

static struct hmc_call *
call_new(struct hmc_node *n, const char *method, const char *path, const char *body,
         size_t len, const char *ctype, const char *accept, int flags, hmc_call_cb cb,
         void *owner)
{
	struct hmc_set *s = n->s;
	struct hmc_call *c = hmc_xcalloc(1, sizeof *c);

	c->n = n;
	c->flags = flags;
	str_copy(c->method, sizeof c->method, method);
	c->path = hmc_xstrdup(path);
	if (body) {
		c->body = malloc(len + 1);
		if (!c->body)
			log_panic(__FILE__, __LINE__, "out of memory");
		memcpy(c->body, body, len);
		c->body[len] = '\0';
		c->len = len;
	}
	c->ctype = ctype ? hmc_xstrdup(ctype) : NULL;
	c->accept = accept ? hmc_xstrdup(accept) : NULL;
	c->cb = cb;
	c->owner = owner;
	c->snext = s->calls;
	if (s->calls)
		s->calls->sprev = c;
	s->calls = c;
	s->ncalls++;
	n->ncalls++;
	return c;
}

struct hmc_call *
hmc_call_start(struct hmc_node *n, const char *method, const char *path, const char *body,
               size_t len, const char *ctype, const char *accept, int flags,
               hmc_call_cb cb, void *owner)
{
	struct hmc_call *c = call_new(n, method, path, body, len, ctype, accept, flags,
	                              cb, owner);

	call_submit(c);
	return c;
}

void
hmc_call_detach(struct hmc_call *c)
{
	struct hmc_node *n;

	if (!c)
		return;
	n = c->n;
	c->cb = NULL;
	switch (c->where) {
	case CW_QUEUE:
		q_unlink(&n->q_head, &n->q_tail, c);
		n->queued--;
		call_free(c);
		break;
	case CW_LOGON:
		q_unlink(&n->logon_wait_head, &n->logon_wait_tail, c);
		call_free(c);
		break;
	case CW_HTTP:
		if (c->hr)      /* NULL: inside call_http_cb, which frees it */
			http_cancel(c->hr);     /* call_http_cb frees it */
		break;
	default:                /* CW_CB / CW_DONE: freed by their runner */
		break;
	}
}

int
hmc_call_sent(const struct hmc_call *c)
{
	return c && (c->where == CW_HTTP || c->where == CW_CB);
}

static void
call_run_cb(struct hmc_call *c, const struct hmc_call_res *res)
{
	c->where = CW_CB;
	if (c->cb)
		c->cb(c->owner, res);
	call_free(c);
}

/* Short text of an error body: the HttpErrorResponse Message, else its start. */
static void
body_message(const char *body, size_t len, char *out, size_t outlen)
{
	char *m;

	if (!len) {
		snprintf(out, outlen, "empty body");
		return;
	}
	m = hmcxml_error_message(body, len);
	snprintf(out, outlen, "%s", m ? m : "");
	free(m);
}

static void
call_http_cb(void *arg, const struct http_result *r)
{
	struct hmc_call *c = arg;
	struct hmc_node *n = c->n;
	struct hmc_set *s = n->s;
	struct hmc_call_res res;
	char msg[700], bm[300];

	c->hr = NULL;
	n->inflight--;
	if (s->freeing || !c->cb) {
		call_free(c);
		if (!s->freeing)
			node_pump(n);
		return;
	}
	memset(&res, 0, sizeof res);
	res.body = r->body;
	res.len = r->body_len;
	res.sent = r->sent;
	res.status = (int)r->status;
	res.msg = "";
	if (r->code != HTTP_OK) {
		res.code = hmc_map_http(r->code);
		/* EOTHER (multi rebuilt, oversize reply) is worth another HMC but
		 * says nothing about this one's reachability */
		res.transport = r->code == HTTP_ECONNECT || r->code == HTTP_ETIMEOUT ||
		                r->code == HTTP_EOTHER;
		snprintf(msg, sizeof msg, "%s: %s", n->name, r->err);
		res.msg = msg;
		if (r->code == HTTP_ECONNECT || r->code == HTTP_ETIMEOUT ||
		    r->code == HTTP_ETLS || r->code == HTTP_EPIN) {
			n->failures++;
			node_down(n, msg);
		}
	} else {
		node_up(n);
		if (r->status >= 200 && r->status < 300) {
			res.code = HMC_OK;
		} else if (r->status == 401 && (c->flags & HMC_CALL_AUTH)) {
			if (c->relogged) {
				res.code = HMC_EAUTH;
				snprintf(msg, sizeof msg, "%s: suspicious HTTP 401 on %s %s right after "
				         "a fresh logon; not logging on again (account lockout risk)",
				         n->name, c->method, c->path);
				res.msg = msg;
				log_msg(LOGL_ERROR, "hmc", "event=suspicious_401 hmc=%s path=%s",
				        n->name, c->path);
			} else {
				c->relogged = 1;
				if (c->gen == n->gen && n->ls == HMC_LS_OK) {
					log_msg(LOGL_NOTICE, "hmc", "event=relogon hmc=%s reason=401 "
					        "path=%s", n->name, c->path);
					n->ls = HMC_LS_NONE;
					free(n->token);
					n->token = NULL;
					n->relogons++;
				}
				c->where = CW_NEW;
				call_submit(c);
				node_pump(n);
				return;
			}
		} else {
			res.code = HMC_EHTTP;
			n->failures++;
			body_message(r->body, r->body_len, bm, sizeof bm);
			snprintf(msg, sizeof msg, "%s: HTTP %ld on %s %s: %s", n->name, r->status,
			         c->method, c->path, bm);
			res.msg = msg;
		}
	}
	node_pump(n);
	call_run_cb(c, &res);
}

static void
ignore_res(void *owner, const struct hmc_call_res *r)
{
	(void)owner;
	(void)r;
}

static void
logon_fail_waiters(struct hmc_node *n, const struct hmc_call_res *res)
{
	struct hmc_call *c, *list = n->logon_wait_head;

	n->logon_wait_head = n->logon_wait_tail = NULL;
	while ((c = list)) {
		list = c->next;
		c->next = c->prev = NULL;
		call_run_cb(c, res);
	}
}

static void
logon_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_node *n = owner;
	struct hmc_set *s = n->s;
	struct hmc_call *c, *list;
	struct hmc_call_res res = *r;
	char err[300], msg[600], what[100];
	char *tok = NULL;

	if (r->code == HMC_OK) {
		snprintf(what, sizeof what, "LogonResponse from %s", n->name);
		if (hmcxml_parse_logon(r->body, r->len, what, &tok, err, sizeof err) == -1 ||
		    !tok || !*tok) {
			free(tok);
			n->ls = HMC_LS_NONE;
			res.code = HMC_EPARSE;
			snprintf(msg, sizeof msg, "%s: logon reply not understood: %s", n->name,
			         err);
			res.msg = msg;
			log_msg(LOGL_ERROR, "hmc", "event=logon_failed hmc=%s user=%s err=\"%s\"",
			        n->name, n->user, msg);
			logon_fail_waiters(n, &res);
			return;
		}
		if (s->shutting || n->removed) {
			/* raced with shutdown or removal: end this new session at once */
			c = call_new(n, "DELETE", "web/Logon", NULL, 0, NULL, NULL,
			             HMC_CALL_PRIO | HMC_CALL_SHORT, ignore_res, NULL);
			c->token = tok;
			c->logoff = 1;
			call_dispatch(c);
			n->ls = HMC_LS_NONE;
			res.code = s->shutting ? HMC_ESHUTDOWN : HMC_ECANCELED;
			res.msg = s->shutting ? "HMC client is shutting down" : "HMC was removed";
			logon_fail_waiters(n, &res);
			return;
		}
		free(n->token);
		n->token = tok;
		n->ls = HMC_LS_OK;
		n->gen++;
		n->logons++;
		log_msg(LOGL_INFO, "hmc", "event=logon hmc=%s user=%s", n->name, n->user);
		list = n->logon_wait_head;
		n->logon_wait_head = n->logon_wait_tail = NULL;
		while ((c = list)) {
			list = c->next;
			c->next = c->prev = NULL;
			c->where = CW_NEW;
			call_submit(c);
		}
		if (!s->shutting)
			node_learn_hosts(n);
		return;
	}
	if (r->code == HMC_EHTTP && (r->status == 401 || r->status == 403)) {
		/* bad credentials: no retry storm that could lock the account */
		n->ls = HMC_LS_BLOCKED;
		n->blocked_until = ev_now(s->loop) + hmc_scaled(AUTH_BLOCK_SECS, 1.0);
		snprintf(n->auth_err, sizeof n->auth_err,
		         "%s: logon refused for user %s (HTTP %d): check user and password; "
		         "no automatic logon for %.0f s", n->name, n->user, r->status,
		         AUTH_BLOCK_SECS);
		str_copy(n->last_error, sizeof n->last_error, n->auth_err);
		log_msg(LOGL_ERROR, "hmc", "event=logon_refused hmc=%s user=%s status=%d",
		        n->name, n->user, r->status);
		res.code = HMC_EAUTH;
		res.msg = n->auth_err;
		logon_fail_waiters(n, &res);
		return;
	}
	n->ls = HMC_LS_NONE;
	log_msg(LOGL_WARN, "hmc", "event=logon_failed hmc=%s user=%s err=\"%s\"", n->name,
	        n->user, r->msg);
	logon_fail_waiters(n, &res);
}

static void
node_logon(struct hmc_node *n)
{
	struct hmc_set *s = n->s;
	struct buf b = {0};
	struct hmc_call *c;

	if (n->ls == HMC_LS_PENDING || n->ls == HMC_LS_OK)
		return;
	n->ls = HMC_LS_PENDING;
	if (!n->pin && !n->tls_verify && !strcmp(n->scheme, "https"))
		log_msg(LOGL_WARN, "hmc", "event=tls_noverify hmc=%s msg=\"TLS verification is "
		        "off (tls_verify=no): the HMC's identity is not checked\"", n->name);
	hmcxml_logon_request(&b, n->user, n->password);
	c = call_new(n, "PUT", "web/Logon", b.data, b.len,
	             HMC_CT_WEB "LogonRequest", HMC_CT_WEB "LogonResponse", HMC_CALL_PRIO,
	             logon_done, n);
	explicit_bzero(b.data, b.len);
	buf_free(&b);
	if (s->shutting)
		call_fail_later(c, HMC_ESHUTDOWN, 0, 0, "HMC client is shutting down");
	else
		call_dispatch(c);
}

static void
hosts_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_node *n = owner;
	struct hmc_ms *ms = NULL;
	size_t cnt = 0;
	char err[300], what[100];

	if (r->code != HMC_OK) {
		log_msg(LOGL_DEBUG, "hmc", "event=hosts_failed hmc=%s err=\"%s\"", n->name, r->msg);
		return;
	}
	snprintf(what, sizeof what, "ManagedSystem feed from %s", n->name);
	if (hmcxml_parse_ms_feed(r->body, r->len, what, &ms, &cnt, err, sizeof err) == -1) {
		log_msg(LOGL_WARN, "hmc", "event=hosts_failed hmc=%s err=\"%s\"", n->name, err);
		return;
	}
	hmc_node_set_hosts(n, ms, cnt);
	hmcxml_free_ms(ms, cnt);
}

static void
node_learn_hosts(struct hmc_node *n)
{
	hmc_call_start(n, "GET", "uom/ManagedSystem", NULL, 0, NULL, HMC_CT_ATOM,
	               HMC_CALL_AUTH | HMC_CALL_PRIO, hosts_done, n);
}

static void
probe_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_node *n = owner;

	n->probing = 0;
	if (r->code == HMC_OK) {
		if (++n->probe_count % LEARN_EVERY == 0 || !n->hosts_known)
			node_learn_hosts(n);
	} else {
		log_msg(LOGL_DEBUG, "hmc", "event=probe_failed hmc=%s err=\"%s\"", n->name, r->msg);
	}
}

static void
probe_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hmc_node *n = w->data;

	(void)loop;
	(void)revents;
	if (n->probing || n->s->shutting || n->removed)
		return;
	if (n->ls == HMC_LS_BLOCKED && ev_now(n->s->loop) < n->blocked_until)
		return;
	n->probing = 1;
	hmc_call_start(n, "GET", "uom/ManagementConsole", NULL, 0, NULL, HMC_CT_ATOM,
	               HMC_CALL_AUTH | HMC_CALL_PRIO, probe_done, n);
}

static void
logoff_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_node *n = owner;
	struct hmc_set *s = n->s;

	if (r->code == HMC_OK)
		log_msg(LOGL_INFO, "hmc", "event=logoff hmc=%s", n->name);
	else
		log_msg(LOGL_NOTICE, "hmc", "event=logoff_failed hmc=%s err=\"%s\"", n->name,
		        r->msg);
	if (s->logoffs)
		s->logoffs--;
}

void
hmc_node_set_hosts(struct hmc_node *n, const struct hmc_ms *ms, size_t cnt)
{
	size_t i;

	free(n->hosts);
	n->hosts = cnt ? hmc_xcalloc(cnt, sizeof *n->hosts) : NULL;
	for (i = 0; i < cnt; i++)
		str_copy(n->hosts[i], sizeof n->hosts[i], ms[i].uuid);
	if (!n->hosts_known || n->n_hosts != cnt)
		log_msg(LOGL_INFO, "hmc", "event=hmc_hosts hmc=%s hosts=%zu", n->name, cnt);
	n->n_hosts = cnt;
	n->hosts_known = 1;
}

void
hmc_node_init_probe(struct hmc_node *n)
{
	ev_init(&n->probe, probe_cb);
	n->probe.data = n;
}

void
hmc_node_start_probe(struct hmc_node *n)
{
	ev_timer_set(&n->probe, 0., hmc_scaled(n->s->opts.probe_interval, 0.05));
	ev_timer_start(n->s->loop, &n->probe);
}

void
hmc_node_end_session(struct hmc_node *n)
{
	struct hmc_call *c;

	if (n->ls == HMC_LS_OK && n->token) {
		c = call_new(n, "DELETE", "web/Logon", NULL, 0, NULL, NULL, HMC_CALL_PRIO,
		             ignore_res, NULL);
		c->token = n->token;    /* the call owns the old token now */
		c->logoff = 1;          /* survives removal; shutdown waits for it (bounded) */
		n->token = NULL;
		call_dispatch(c);
	}
	if (n->ls != HMC_LS_PENDING)
		n->ls = HMC_LS_NONE;
	n->auth_err[0] = '\0';
}

static void
removed_logoff_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_node *n = owner;

	if (r->code == HMC_OK)
		log_msg(LOGL_INFO, "hmc", "event=logoff hmc=%s reason=removed", n->name);
	else
		log_msg(LOGL_NOTICE, "hmc", "event=logoff_failed hmc=%s reason=removed "
		        "err=\"%s\"", n->name, r->msg);
}

void
hmc_node_calls_removed(struct hmc_node *n)
{
	struct hmc_call *c, *next;

	/* detaching frees queued calls at once and cancels the others later,
	 * so the saved next stays valid */
	for (c = n->s->calls; c; c = next) {
		next = c->snext;
		if (c->n != n || c->logoff || !c->cb)
			continue;
		if (c->where == CW_HTTP && c->cb == logon_done)
			continue;       /* logon_done ends the session it may bring */
		hmc_call_detach(c);
	}
	if (n->ls == HMC_LS_OK && n->token) {
		c = call_new(n, "DELETE", "web/Logon", NULL, 0, NULL, NULL,
		             HMC_CALL_PRIO | HMC_CALL_SHORT, removed_logoff_done, n);
		c->token = n->token;    /* the call owns the token now */
		c->logoff = 1;
		n->token = NULL;
		call_dispatch(c);
	}
	if (n->ls != HMC_LS_PENDING)
		n->ls = HMC_LS_NONE;
}

void
hmc_calls_flush_failed(struct hmc_set *s)
{
	struct hmc_call *c;

	while ((c = s->cdone_head)) {
		s->cdone_head = c->next;
		if (!s->cdone_head)
			s->cdone_tail = NULL;
		c->next = NULL;
		call_run_cb(c, &c->fres);
	}
}

void
hmc_calls_shutdown(struct hmc_set *s)
{
	struct hmc_call *c, *next;
	struct hmc_node *n;
	size_t i;

	/* calls without an op (probes, inventory, job deletes, logons) */
	for (c = s->calls; c; c = next) {
		next = c->snext;
		switch (c->where) {
		case CW_QUEUE:
			q_unlink(&c->n->q_head, &c->n->q_tail, c);
			c->n->queued--;
			call_fail_later(c, HMC_ESHUTDOWN, 0, 0, "HMC client is shutting down");
			break;
		case CW_LOGON:
			q_unlink(&c->n->logon_wait_head, &c->n->logon_wait_tail, c);
			call_fail_later(c, HMC_ESHUTDOWN, 0, 0, "HMC client is shutting down");
			break;
		case CW_HTTP:
			if (!c->logoff)
				http_cancel(c->hr);
			break;
		default:
			break;
		}
	}
	for (i = 0; i < s->n; i++) {
		n = s->nodes[i];
		if (n->ls != HMC_LS_OK || !n->token)
			continue;
		c = call_new(n, "DELETE", "web/Logon", NULL, 0, NULL, NULL,
		             HMC_CALL_PRIO | HMC_CALL_SHORT, logoff_done, n);
		c->token = n->token;     /* the call owns the token now */
		c->logoff = 1;
		n->token = NULL;
		n->ls = HMC_LS_NONE;
		s->logoffs++;
		call_dispatch(c);
	}
}

void
hmc_calls_cut(struct hmc_set *s)
{
	struct hmc_call *c, *next;

	for (c = s->calls; c; c = next) {
		next = c->snext;
		if (c->where == CW_HTTP)
			http_cancel(c->hr);
	}
}

void
hmc_calls_free_all(struct hmc_set *s)
{
	while (s->calls)
		call_free(s->calls);
}
