/* hmcread — reads (feeds and entries), raw requests, the logon check and
 * the public-key pin fetch: the ops of hmc.h other than jobs.
 *
 * Each builds its REST path here, runs it through a call (hmccall.c) and
 * moves to another HMC when hmc_failover_worthy() says so.  Parsing is
 * hmcxml.c's; nothing here keeps state between ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmc_priv.h"
#include "hmcxml.h"
#include "log.h"
#include "str.h"

struct hmc_pinreq {
	struct hmc_set *s;
	struct hmc_op *op;
	struct http_req *hr;
	char hostport[300];
};

static const char *const obj_names[] = {
	"ManagedSystem", "LogicalPartition", "VirtualIOServer", "ManagementConsole",
};

static void read_try(struct hmc_op *op);
static void raw_try(struct hmc_op *op);

static void
op_note_error(struct hmc_op *op, const struct hmc_call_res *r, const char *hmc)
{
	str_copy(op->err_msg, sizeof op->err_msg, r->msg);
	str_copy(op->err_hmc, sizeof op->err_hmc, hmc);
	op->err.code = r->code;
	op->err.http_status = r->status;
}

static void
fail_noted(struct hmc_op *op, const char *what)
{
	if (op->err_msg[0])
		hmc_op_fail(op, op->err.code, op->err.http_status, op->err_hmc, "%s",
		            op->err_msg);
	else
		hmc_op_fail(op, HMC_EUNREACH, 0, NULL, "no HMC available for %s", what);
}

static void
read_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_op *op = owner;
	struct hmc_node *n = op->node;
	struct hmc_feed *f = &op->u.read.feed;
	char what[120], err[400];
	int rc = 0;

	op->call = NULL;
	if (r->code != HMC_OK) {
		op_note_error(op, r, n->name);
		if (hmc_failover_worthy(r, 1)) {
			log_msg(LOGL_NOTICE, "hmc", "event=failover op=read obj=%s from=%s err=\"%s\"",
			        obj_names[op->u.read.rq.obj], n->name, r->msg);
			read_try(op);
			return;
		}
		fail_noted(op, "read");
		return;
	}
	snprintf(what, sizeof what, "%s %s from %s", obj_names[op->u.read.rq.obj],
	         op->u.read.uuid[0] ? "entry" : "feed", n->name);
	f->obj = op->u.read.rq.obj;
	str_copy(op->u.read.hmc, sizeof op->u.read.hmc, n->name);
	f->hmc = op->u.read.hmc;        /* n may be removed before delivery */
	switch (op->u.read.rq.obj) {
	case HMC_OBJ_MS:
		rc = hmcxml_parse_ms_feed(r->body, r->len, what, &f->ms, &f->n, err, sizeof err);
		if (rc == 0 && !op->u.read.uuid[0] && !op->host_uuid[0])
			hmc_node_set_hosts(n, f->ms, f->n);
		break;
	case HMC_OBJ_LPAR:
		rc = hmcxml_parse_lpar_feed(r->body, r->len, what, &f->lpars, &f->n, err,
		                            sizeof err);
		break;
	case HMC_OBJ_VIOS:
		rc = hmcxml_parse_lpar_feed_pvs(r->body, r->len, what, &f->lpars, &f->n,
		                                &f->pvs, &f->n_pvs, err, sizeof err);
		break;
	case HMC_OBJ_CONSOLE:
		rc = hmcxml_parse_console_feed(r->body, r->len, what, &f->consoles, &f->n, err,
		                               sizeof err);
		break;
	}
	if (rc == -1) {
		hmc_op_fail(op, HMC_EPARSE, r->status, n->name, "%s", err);
		return;
	}
	hmc_op_succeed(op);
}

static void
read_try(struct hmc_op *op)
{
	struct hmc_node *n = hmc_route(op);
	const struct hmc_read *rq = &op->u.read.rq;
	const char *obj = obj_names[rq->obj];
	char path[300];

	if (!n) {
		fail_noted(op, "read");
		return;
	}
	op->node = n;
	if (op->u.read.uuid[0])
		snprintf(path, sizeof path, "uom/%s/%s", obj, op->u.read.uuid);
	else if (op->host_uuid[0] && rq->obj == HMC_OBJ_MS)
		snprintf(path, sizeof path, "uom/ManagedSystem/%s", op->host_uuid);
	else if (op->host_uuid[0] && (rq->obj == HMC_OBJ_LPAR || rq->obj == HMC_OBJ_VIOS))
		snprintf(path, sizeof path, "uom/ManagedSystem/%s/%s", op->host_uuid, obj);
	else
		snprintf(path, sizeof path, "uom/%s", obj);
	op->call = hmc_call_start(n, "GET", path, NULL, 0, NULL, HMC_CT_ATOM, HMC_CALL_AUTH,
	                          read_done, op);
}

/* Reads repeat safely: move to another HMC whatever was sent. */
static void
read_removed(struct hmc_op *op, struct hmc_node *n, const char *msg)
{
	hmc_call_detach(op->call);
	op->call = NULL;
	hmc_op_note(op, HMC_ECANCELED, 0, n->name, msg);
	log_msg(LOGL_NOTICE, "hmc", "event=failover op=read obj=%s from=%s err=\"%s\"",
	        obj_names[op->u.read.rq.obj], n->name, msg);
	read_try(op);
}

static void
read_deliver(struct hmc_op *op, const struct hmc_error *err)
{
	hmc_feed_cb cb = (hmc_feed_cb)op->cb;

	cb(op->arg, err, err ? NULL : &op->u.read.feed);
}

static void
read_release(struct hmc_op *op)
{
	struct hmc_feed *f = &op->u.read.feed;

	if (f->ms)
		hmcxml_free_ms(f->ms, f->n);
	free(f->lpars);
	free(f->pvs);
	if (f->consoles)
		hmcxml_free_consoles(f->consoles, f->n);
	memset(f, 0, sizeof *f);
}

void
hmc_read(struct hmc_set *s, const struct hmc_read *rq, hmc_feed_cb cb, void *arg)
{
	struct hmc_op *op = hmc_op_new(s, HMC_OPK_READ, (void *)cb, arg);

	op->deliver = read_deliver;
	op->release = read_release;
	op->on_removed = read_removed;
	op->u.read.rq = *rq;
	op->u.read.rq.host_uuid = op->u.read.rq.uuid = op->u.read.rq.hmc = NULL;
	if ((unsigned)rq->obj > HMC_OBJ_CONSOLE) {
		hmc_op_fail(op, HMC_EINVAL, 0, NULL, "unknown object kind %d", (int)rq->obj);
		return;
	}
	if (hmc_op_prepare(op, rq->hmc, rq->host_uuid) == -1)
		return;
	if (rq->uuid) {
		if (!hmc_ident_ok(rq->uuid)) {
			hmc_op_fail(op, HMC_EINVAL, 0, NULL, "invalid UUID '%.60s'", rq->uuid);
			return;
		}
		str_copy(op->u.read.uuid, sizeof op->u.read.uuid, rq->uuid);
	}
	read_try(op);
}

static void
raw_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_op *op = owner;

	op->call = NULL;
	if (r->code == HMC_OK || r->code == HMC_EHTTP) {
		op->u.raw.status = r->status;
		op->u.raw.rbody = malloc(r->len + 1);
		if (!op->u.raw.rbody)
			log_panic(__FILE__, __LINE__, "out of memory");
		memcpy(op->u.raw.rbody, r->body, r->len);
		op->u.raw.rbody[r->len] = '\0';
		op->u.raw.rlen = r->len;
		hmc_op_succeed(op);
		return;
	}
	op_note_error(op, r, op->node->name);
	if (hmc_failover_worthy(r, !strcmp(op->u.raw.method, "GET"))) {
		raw_try(op);
		return;
	}
	fail_noted(op, "request");
}

static void
raw_try(struct hmc_op *op)
{
	struct hmc_node *n = hmc_route(op);
	const char *m = op->u.raw.method;
	const char *ct = op->u.raw.ctype;

	if (!n) {
		fail_noted(op, "request");
		return;
	}
	op->node = n;
	if (!ct && op->u.raw.body && strcmp(m, "GET") != 0)
		ct = HMC_CT_WEB "JobRequest";
	op->call = hmc_call_start(n, m, op->u.raw.path, op->u.raw.body,
	                          op->u.raw.body ? strlen(op->u.raw.body) : 0, ct,
	                          HMC_CT_ATOM, HMC_CALL_AUTH, raw_done, op);
}

/* A GET, or anything not sent yet, moves on; another request that may have
 * reached the removed HMC is not repeated elsewhere. */
static void
raw_removed(struct hmc_op *op, struct hmc_node *n, const char *msg)
{
	if (strcmp(op->u.raw.method, "GET") != 0 && hmc_call_sent(op->call)) {
		hmc_op_fail(op, HMC_ECANCELED, 0, n->name, "%s (the %s request may have "
		            "reached it; not repeated elsewhere)", msg, op->u.raw.method);
		return;
	}
	hmc_call_detach(op->call);
	op->call = NULL;
	hmc_op_note(op, HMC_ECANCELED, 0, n->name, msg);
	raw_try(op);
}

static void
raw_deliver(struct hmc_op *op, const struct hmc_error *err)
{
	hmc_raw_cb cb = (hmc_raw_cb)op->cb;

	cb(op->arg, err, err ? 0 : op->u.raw.status, err ? "" : op->u.raw.rbody,
	   err ? 0 : op->u.raw.rlen);
}

static void
raw_release(struct hmc_op *op)
{
	free(op->u.raw.path);
	free(op->u.raw.body);
	free(op->u.raw.ctype);
	free(op->u.raw.rbody);
}

void
hmc_raw(struct hmc_set *s, const char *hmc, const char *method, const char *path,
        const char *body, const char *content_type, hmc_raw_cb cb, void *arg)
{
	struct hmc_op *op = hmc_op_new(s, HMC_OPK_RAW, (void *)cb, arg);
	const char *p;

	op->deliver = raw_deliver;
	op->release = raw_release;
	op->on_removed = raw_removed;
	if (hmc_op_prepare(op, hmc, NULL) == -1)
		return;
	if (!method || (strcmp(method, "GET") && strcmp(method, "PUT") &&
	                strcmp(method, "POST") && strcmp(method, "DELETE"))) {
		hmc_op_fail(op, HMC_EINVAL, 0, NULL, "method must be GET, PUT, POST or DELETE");
		return;
	}
	while (path && *path == '/')
		path++;
	if (path && !strncmp(path, "rest/api/", 9))
		path += 9;
	if (!path || !*path || strstr(path, "..")) {
		hmc_op_fail(op, HMC_EINVAL, 0, NULL, "bad path");
		return;
	}
	for (p = path; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '#') {
			hmc_op_fail(op, HMC_EINVAL, 0, NULL, "bad character in path");
			return;
		}
	str_copy(op->u.raw.method, sizeof op->u.raw.method, method);
	op->u.raw.path = hmc_xstrdup(path);
	op->u.raw.body = body ? hmc_xstrdup(body) : NULL;
	op->u.raw.ctype = content_type ? hmc_xstrdup(content_type) : NULL;
	raw_try(op);
}

static void
logon_op_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_op *op = owner;

	op->call = NULL;
	if (r->code == HMC_OK)
		hmc_op_succeed(op);
	else
		hmc_op_fail(op, r->code, r->status, op->node->name, "%s", r->msg);
}

static void
done_deliver(struct hmc_op *op, const struct hmc_error *err)
{
	hmc_done_cb cb = (hmc_done_cb)op->cb;

	cb(op->arg, err);
}

void
hmc_logon(struct hmc_set *s, const char *hmc, hmc_done_cb cb, void *arg)
{
	struct hmc_op *op = hmc_op_new(s, HMC_OPK_LOGON, (void *)cb, arg);
	struct hmc_node *n;

	op->deliver = done_deliver;
	if (!hmc || !*hmc) {
		hmc_op_fail(op, HMC_EINVAL, 0, NULL, "hmc_logon needs an HMC name");
		return;
	}
	if (hmc_op_prepare(op, hmc, NULL) == -1)
		return;
	n = op->node = op->pinned;
	hmc_node_end_session(n);
	op->call = hmc_call_start(n, "GET", "uom/ManagementConsole", NULL, 0, NULL,
	                          HMC_CT_ATOM, HMC_CALL_AUTH | HMC_CALL_PRIO, logon_op_done, op);
}

static void
pin_http_cb(void *arg, const struct http_result *r)
{
	struct hmc_pinreq *pr = arg;
	struct hmc_set *s = pr->s;
	struct hmc_op *op = pr->op;

	if (op && !s->freeing) {
		op->u.pin.pr = NULL;
		if (r->pin) {
			str_copy(op->u.pin.pin, sizeof op->u.pin.pin, r->pin);
			hmc_op_succeed(op);
		} else if (r->code == HTTP_OK) {
			hmc_op_fail(op, HMC_ETLS, (int)r->status, NULL, "%s: no TLS public key seen "
			            "(is it an HTTPS server?)", pr->hostport);
		} else {
			hmc_op_fail(op, hmc_map_http(r->code), (int)r->status, NULL, "%s: %s",
			            pr->hostport, r->err);
		}
	}
	free(pr);
	s->ncalls--;
	if (s->shutting && !s->freeing)
		hmc_deferred_arm(s);
}

static void
pin_on_finish(struct hmc_op *op)
{
	struct hmc_pinreq *pr = op->u.pin.pr;

	if (pr) {
		pr->op = NULL;
		op->u.pin.pr = NULL;
		http_cancel(pr->hr);
	}
}

static void
pin_deliver(struct hmc_op *op, const struct hmc_error *err)
{
	hmc_pin_cb cb = (hmc_pin_cb)op->cb;

	cb(op->arg, err, err ? NULL : op->u.pin.pin);
}

void
hmc_fetch_pin(struct hmc_set *s, const char *host, int port, hmc_pin_cb cb, void *arg)
{
	struct hmc_op *op = hmc_op_new(s, HMC_OPK_PIN, (void *)cb, arg);
	struct hmc_pinreq *pr;
	struct http_request rq;
	char url[400];
	int v6;

	op->deliver = pin_deliver;
	op->on_finish = pin_on_finish;
	if (s->shutting) {
		hmc_op_fail(op, HMC_ESHUTDOWN, 0, NULL, "HMC client is shutting down");
		return;
	}
	if (!host || !*host || strlen(host) > 200 || strpbrk(host, "/?#@ ")) {
		hmc_op_fail(op, HMC_EINVAL, 0, NULL, "invalid HMC address");
		return;
	}
	if (port <= 0)
		port = 12443;
	v6 = strchr(host, ':') && host[0] != '[';
	snprintf(url, sizeof url, "https://%s%s%s:%d/rest/api/web/Logon", v6 ? "[" : "", host,
	         v6 ? "]" : "", port);
	pr = hmc_xcalloc(1, sizeof *pr);
	pr->s = s;
	pr->op = op;
	snprintf(pr->hostport, sizeof pr->hostport, "%s:%d", host, port);
	op->u.pin.pr = pr;
	memset(&rq, 0, sizeof rq);
	rq.url = url;
	rq.want_pin = 1;
	rq.timeout = hmc_scaled(s->opts.request_timeout, 1.0);
	rq.connect_timeout = hmc_scaled(s->opts.connect_timeout, 1.0);
	rq.tag = "pin fetch";
	s->ncalls++;
	pr->hr = http_start(s->http, &rq, pin_http_cb, pr);
}
