/* monitor — polling and events of the health monitor (see monitor.h; the
 * store read is monitor_load.c, the evidence monitor_evidence.c, the model
 * monitor_model.c, the dashboard monitor_status.c).
 *
 * Per polled host group: one repeating timer (20 s, scaled) sends QQ, QQ, NA
 * in turn to the designated VIOS; the poll chain (the request, then the ACK of
 * the NA's hsTag, QUERY_NODE_DATA and its ACK) has at most one request in
 * flight; a tick that finds the chain busy is skipped.  A request that fails
 * (HMC error, job or RMC failure, unreadable reply) moves polling to the
 * group's next VIOS at once (event POLL_FAILED, log event=poll_failover),
 * at most once per VIOS and round.  Evidence (pings, HMC reads, the refcode
 * history job, the sanity requests sent straight to the VIOSs of a suspect
 * host) runs beside the chain.
 *
 * Ownership: the monitor owns its groups, their models, every operation
 * context in flight (m->ops, freed by monitor_free when the HMC client or
 * the pinger drop them) and the relocation requests.  A group a refresh
 * drops is marked dead and freed when its last operation came back.
 */
#include "monitor.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core.h"
#include "hmc.h"
#include "log.h"
#include "mem.h"
#include "monitor_priv.h"
#include "store.h"
#include "str.h"
#include "tscale.h"

static void poll_send(struct mgroup *g, enum mon_req req);

const char *
mon_req_name(enum mon_req r)
{
	switch (r) {
	case MR_QQ: return "QUICK_QUERY";
	case MR_NA: return "NEEDS_ATTENTION";
	case MR_ACK: return "ACKNOWLEDGE";
	case MR_QND: return "QUERY_NODE_DATA";
	case MR_ACK_ND: return "ACKNOWLEDGE";
	case MR_SANITY: return "QUICK_QUERY";
	}
	return "?";
}

double
mon_job_timeout(double secs)
{
	double t = tscale_secs(secs);

	return t < MON_JOB_MIN ? MON_JOB_MIN : t;
}

int64_t
mon_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
mon_stopping(const struct monitor *m)
{
	return m->core && m->core->stopping;
}

/* ---- listeners ---------------------------------------------------------- */
void
mon_notify(struct monitor *m)
{
	struct mgroup *g;
	struct listener *l, **pp;
	int changed = 0;

	for (g = m->groups; g; g = g->next)
		if (g->changed) {
			changed = 1;
			g->changed = 0;
		}
	if (!changed || m->notifying)
		return;
	m->notifying = 1;
	for (l = m->listeners; l; l = l->next)
		if (l->cb)
			l->cb(l->cookie, 0);
	m->notifying = 0;
	for (pp = &m->listeners; *pp;) {
		l = *pp;
		if (!l->cb) {
			*pp = l->next;
			free(l);
		} else {
			pp = &l->next;
		}
	}
}

void
monitor_listen(struct monitor *m, void *cookie, void (*cb)(void *cookie, int final))
{
	struct listener *l;

	for (l = m->listeners; l; l = l->next)
		if (l->cookie == cookie && l->cb) {
			l->cb = cb;             /* NULL: removed after the walk */
			break;
		}
	if (!l && cb) {
		l = mem_calloc(1, sizeof(*l));
		l->cookie = cookie;
		l->cb = cb;
		l->next = m->listeners;
		m->listeners = l;
	}
	if (!m->notifying) {
		struct listener **pp;
		for (pp = &m->listeners; *pp;) {
			l = *pp;
			if (!l->cb) {
				*pp = l->next;
				free(l);
			} else {
				pp = &l->next;
			}
		}
	}
}

/* ---- operations --------------------------------------------------------- */
struct op *
mon_op_new(struct mgroup *g, enum op_kind kind, const char *uuid, const char *host_uuid)
{
	struct op *o = mem_calloc(1, sizeof(*o));

	o->m = g->m;
	o->g = g;
	o->kind = kind;
	str_copy(o->uuid, sizeof(o->uuid), uuid);
	str_copy(o->host_uuid, sizeof(o->host_uuid), host_uuid ? host_uuid : "");
	o->next = g->m->ops;
	if (o->next)
		o->next->prev = o;
	g->m->ops = o;
	g->pending++;
	return o;
}

void
mon_group_free(struct mgroup *g)
{
	struct monitor *m = g->m;
	struct mgroup **pp;

	for (pp = &m->groups; *pp; pp = &(*pp)->next)
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	if (g->ticking)
		ev_timer_stop(m->core->loop, &g->tick);
	mon_group_clear(g);
	buf_free(&g->req);
	free(g);
}

/* Unlinks and frees o.  Returns its group, or NULL when the group is gone
 * (dropped by a refresh) or ksysd is stopping: the caller then returns. */
struct mgroup *
mon_op_end(struct op *o)
{
	struct monitor *m = o->m;
	struct mgroup *g = o->g;

	if (o->prev)
		o->prev->next = o->next;
	else
		m->ops = o->next;
	if (o->next)
		o->next->prev = o->prev;
	free(o);
	g->pending--;
	if (g->dead) {
		if (!g->pending)
			mon_group_free(g);
		return NULL;
	}
	if (mon_stopping(m))
		return NULL;
	return g;
}

struct mhost *
mon_host_find(struct mgroup *g, const char *uuid)
{
	size_t i;

	for (i = 0; i < g->n_hosts; i++)
		if (strcasecmp(g->hosts[i].uuid, uuid) == 0)
			return &g->hosts[i];
	return NULL;
}

/* ---- the sink: events and relocation requests ----------------------------- */
static enum log_level
sev_level(const char *sev)
{
	if (strcmp(sev, "critical") == 0)
		return LOGL_ERROR;
	if (strcmp(sev, "warning") == 0)
		return LOGL_WARN;
	return LOGL_NOTICE;
}

int
mon_sink_event(void *arg, struct mgroup *g, const char *name, const char *sev,
           const char *kind, const char *obj, const char *text)
{
	struct monitor *m = arg;
	struct store_event e;
	char err[256];

	log_msg(sev_level(sev), "fde", "event=%s hg=%s %s=%s severity=%s text=\"%s\"", name,
	        g->name, kind, obj, sev, text);
	memset(&e, 0, sizeof(e));
	str_copy(e.name, sizeof(e.name), name);
	str_copy(e.severity, sizeof(e.severity), sev);
	str_copy(e.object_kind, sizeof(e.object_kind), kind);
	str_copy(e.object_name, sizeof(e.object_name), obj);
	str_copy(e.text, sizeof(e.text), text);
	if (store_event_add(m->core->store, &e, err, sizeof(err)) == -1) {
		log_msg(LOGL_ERROR, "fde", "event=event_lost name=%s hg=%s error=\"%s\"", name,
		        g->name, err);
		return -1;
	}
	return 0;
}

static void
sink_reloc(void *arg, struct mgroup *g, const struct mvm *vm, const char *host,
           const char *reason)
{
	struct monitor *m = arg;
	struct mreloc *r, **pp;
	char text[512];

	for (pp = &m->relocs; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->vm, vm->name) == 0)
			break;
	r = *pp;
	if (!r) {
		r = mem_calloc(1, sizeof(*r));
		*pp = r;                /* oldest first */
	}
	str_copy(r->vm, sizeof(r->vm), vm->name);
	str_copy(r->vm_uuid, sizeof(r->vm_uuid), vm->uuid);
	str_copy(r->host, sizeof(r->host), host);
	str_copy(r->group, sizeof(r->group), g->name);
	str_copy(r->reason, sizeof(r->reason), reason);
	r->time_ms = mon_wall_ms();
	snprintf(text, sizeof(text), "relocation of VM %s requested: %s, source host %s "
	         "(host group %s)", vm->name, reason, host, g->name);
	mon_sink_event(m, g, "RELOCATION_REQUESTED", "critical", "vm", vm->name, text);
}

void
mon_sink_reloc_clear(void *arg, struct mgroup *g, const struct mvm *vm, const char *why)
{
	struct monitor *m = arg;
	struct mreloc *r, **pp;

	for (pp = &m->relocs; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->vm, vm->name) == 0) {
			r = *pp;
			*pp = r->next;
			free(r);
			log_msg(LOGL_NOTICE, "fde", "event=relocation_request_cleared hg=%s vm=%s "
			        "msg=\"%s\"", g->name, vm->name, why);
			return;
		}
}

/* ---- the poll chain ----------------------------------------------------- */
static struct mvios *
designated(struct mgroup *g)
{
	return g->designated >= 0 && (size_t)g->designated < g->n_vioses ?
	       &g->vioses[g->designated] : NULL;
}

static void
chain_end(struct mgroup *g)
{
	g->busy = 0;
	mon_notify(g->m);
}

/* The next VIOS after the designated one, running ones first. */
static int
next_vios(struct mgroup *g)
{
	size_t i, n = g->n_vioses;
	int cur = g->designated < 0 ? -1 : g->designated;

	for (i = 1; i <= n; i++) {
		size_t k = (size_t)(cur + (int)i) % n;
		if ((int)k != cur && mon_running(&g->vioses[k]))
			return (int)k;
	}
	return n > 1 ? (int)((size_t)(cur + 1) % n) : cur;
}

static void
poll_failed(struct mgroup *g, enum mon_req req, const char *msg)
{
	struct mvios *from = designated(g);
	char from_name[MON_NAME], text[600];
	int to;

	str_copy(from_name, sizeof(from_name), from ? from->name : "none");
	g->poll_failures++;
	g->last_ok = 0;
	g->last_poll_ms = mon_wall_ms();
	str_copy(g->last_kind, sizeof(g->last_kind), mon_req_name(req));
	snprintf(g->last_result, sizeof(g->last_result), "failed on VIOS %s: %s", from_name,
	         msg);
	g->changed = 1;
	if (req != MR_QQ && req != MR_NA) {
		/* an ACK or node-data request: the VIOS reports again later */
		log_msg(LOGL_WARN, "fde", "event=poll_followup_failed hg=%s vios=%s request=%s "
		        "error=\"%s\"", g->name, from_name, mon_req_name(req), msg);
		chain_end(g);
		return;
	}
	g->tries++;
	to = next_vios(g);
	if (g->tries >= g->n_vioses || to < 0 || to == g->designated) {
		if (!g->failing) {
			snprintf(text, sizeof(text), "no VIOS of host group %s answered %s "
			         "(last: VIOS %s: %s); retrying every poll", g->name,
			         mon_req_name(req), from_name, msg);
			mon_sink_event(g->m, g, "POLL_FAILED", "critical", "host_group", g->name, text);
		}
		g->failing = 1;
		log_msg(LOGL_ERROR, "fde", "event=poll_failed hg=%s request=%s tried=%zu "
		        "error=\"%s\" msg=\"no VIOS of the group answered; next try at the next "
		        "tick\"", g->name, mon_req_name(req), g->tries, msg);
		chain_end(g);
		return;
	}
	g->designated = to;
	log_msg(LOGL_WARN, "fde", "event=poll_failover hg=%s request=%s from=%s to=%s "
	        "error=\"%s\"", g->name, mon_req_name(req), from_name, g->vioses[to].name, msg);
	snprintf(text, sizeof(text), "%s to VIOS %s failed (%s); polling moves to VIOS %s",
	         mon_req_name(req), from_name, msg, g->vioses[to].name);
	if (!g->failing)
		mon_sink_event(g->m, g, "POLL_FAILED", "warning", "host_group", g->name, text);
	poll_send(g, req);
}

static void
poll_ok(struct mgroup *g, enum mon_req req, double now)
{
	if (!g->last_ok)
		g->changed = 1;
	g->polls++;
	g->last_ok = 1;
	if (g->failing)
		log_msg(LOGL_NOTICE, "fde", "event=poll_recovered hg=%s vios=%s", g->name,
		        designated(g) ? designated(g)->name : "?");
	g->failing = 0;
	g->last_poll = now;
	g->last_poll_ms = mon_wall_ms();
	g->tries = 0;
	str_copy(g->last_kind, sizeof(g->last_kind), mon_req_name(req));
	str_copy(g->last_result, sizeof(g->last_result), "ok");
}


/* After a reply: evidence for DOWN VIOSs, host decisions, VM checks (NA). */
static void
evaluate(struct mgroup *g, int after_na)
{
	double now = ev_now(g->m->core->loop);
	size_t i;

	for (i = 0; i < g->n_vioses; i++) {
		struct mvios *v = &g->vioses[i];
		if (v->caa_up != 0 || v->ev_busy)
			continue;
		if (v->verdict == FDE_VIOS_NEED_PING || v->verdict == FDE_VIOS_NEED_LPAR ||
		    after_na) {
			/* fresh evidence; the last verdict stands meanwhile */
			v->ping_ok = -1;
			v->lpar_read = 0;
			mon_vios_check(g, v);
		}
	}
	for (i = 0; i < g->n_hosts; i++) {
		struct mhost *h = &g->hosts[i];
		if (mon_host_step(g, h, now) == FDE_HOST_NEED_SANITY && !h->sanity_pending)
			mon_sanity_send(g, h);
	}
	if (after_na)
		for (i = 0; i < g->n_vms && g->vm_checks < MON_VM_CHECKS_MAX; i++) {
			struct mvm *vm = &g->vms[i];
			if (!mon_vm_due(g, vm))
				continue;
			mon_vm_begin(g, vm);
			mon_vm_check(g, vm);
		}
}

static void
pt_cb(void *arg, const struct hmc_error *err, const struct hmc_passthru_result *r)
{
	struct op *o = arg;
	enum mon_req req = o->req;
	struct mgroup *g = mon_op_end(o);
	struct mvios *v;
	char what[160], e[512];
	const char *out;
	double now;

	if (!g)
		return;
	v = designated(g);
	now = ev_now(g->m->core->loop);
	snprintf(what, sizeof(what), "%s reply from VIOS %s", mon_req_name(req), v ? v->name : "?");
	if (err) {
		snprintf(e, sizeof(e), "%s%s%s: %s", hmc_errc_name(err->code),
		         err->hmc && err->hmc[0] ? " on " : "", err->hmc ? err->hmc : "",
		         err->msg);
		poll_failed(g, req, e);
		return;
	}
	out = r && r->std_out ? r->std_out : "";
	switch (req) {
	case MR_QQ: {
		struct vios_qq q;
		if (vios_parse_qq(out, strlen(out), what, &q, e, sizeof(e)) == -1) {
			vios_qq_free(&q);
			poll_failed(g, req, e);
			return;
		}
		g->store_failed = 0;
		mon_model_qq(g, &q, now);
		vios_qq_free(&q);
		poll_ok(g, req, now);
		evaluate(g, 0);
		chain_end(g);
		return;
	}
	case MR_NA: {
		struct vios_na na;
		if (vios_parse_na(out, strlen(out), what, &na, e, sizeof(e)) == -1) {
			vios_na_free(&na);
			poll_failed(g, req, e);
			return;
		}
		g->store_failed = 0;
		g->want_nd = mon_model_na(g, &na, now);
		poll_ok(g, req, now);
		evaluate(g, 1);
		if (na.has_tag && !g->store_failed) {
			g->ack_tag = na.hs_tag;
			vios_na_free(&na);
			poll_send(g, MR_ACK);
			return;
		}
		if (na.has_tag)
			log_msg(LOGL_WARN, "fde", "event=ack_withheld hg=%s tag=%lld msg=\"an "
			        "event could not be stored; the VIOS reports it again\"", g->name,
			        na.hs_tag);
		vios_na_free(&na);
		if (g->want_nd && !g->store_failed) {
			poll_send(g, MR_QND);
			return;
		}
		chain_end(g);
		return;
	}
	case MR_ACK:
		g->acks++;
		log_msg(LOGL_DEBUG, "fde", "event=ack hg=%s tag=%lld", g->name, g->ack_tag);
		if (g->want_nd) {
			poll_send(g, MR_QND);
			return;
		}
		chain_end(g);
		return;
	case MR_QND: {
		struct vios_nodedata nd;
		int rc;
		g->want_nd = 0;
		if (vios_parse_nodedata(out, strlen(out), what, &nd, e, sizeof(e)) == -1) {
			vios_nodedata_free(&nd);
			poll_failed(g, req, e);
			return;
		}
		g->store_failed = 0;
		rc = mon_model_nodedata(g, &nd);
		if (nd.has_tag && rc == 0) {
			g->nd_tag = nd.hs_tag;
			vios_nodedata_free(&nd);
			poll_send(g, MR_ACK_ND);
			return;
		}
		vios_nodedata_free(&nd);
		chain_end(g);
		return;
	}
	case MR_ACK_ND:
		g->acks++;
		log_msg(LOGL_DEBUG, "fde", "event=ack hg=%s tag=%lld node_data=yes", g->name,
		        g->nd_tag);
		chain_end(g);
		return;
	case MR_SANITY:
		break;
	}
	chain_end(g);
}

static void
poll_send(struct mgroup *g, enum mon_req req)
{
	struct mvios *v = designated(g);
	struct op *o;

	if (!v) {
		str_copy(g->last_result, sizeof(g->last_result), "no managed VIOS to ask");
		g->last_ok = 0;
		chain_end(g);
		return;
	}
	buf_reset(&g->req);
	switch (req) {
	case MR_QQ:
	case MR_SANITY:
		vios_req_quick_query(&g->req);
		break;
	case MR_NA:
		vios_req_needs_attention(&g->req);
		break;
	case MR_ACK:
		vios_req_acknowledge(&g->req, g->ack_tag);
		break;
	case MR_QND:
		vios_req_query_node_data(&g->req);
		break;
	case MR_ACK_ND:
		vios_req_acknowledge(&g->req, g->nd_tag);
		break;
	}
	o = mon_op_new(g, OP_POLL, v->uuid, g->hosts[v->host].uuid);
	o->req = req;
	g->busy = 1;
	log_msg(LOGL_DEBUG, "fde", "event=poll hg=%s request=%s vios=%s", g->name,
	        mon_req_name(req), v->name);
	hmc_passthru(g->m->core->hmcs, v->uuid, g->hosts[v->host].uuid, buf_str(&g->req),
	             mon_job_timeout(MON_JOB_SECS), pt_cb, o);
}

void
mon_poll_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct mgroup *g = (struct mgroup *)((char *)w - offsetof(struct mgroup, tick));

	(void)loop;
	(void)revents;
	if (mon_stopping(g->m) || g->dead)
		return;
	if (g->busy) {
		log_msg(LOGL_DEBUG, "fde", "event=poll_skipped hg=%s msg=\"previous request "
		        "still in flight\"", g->name);
		return;
	}
	g->cycle++;
	g->tries = 0;
	poll_send(g, g->cycle % 3 == 0 ? MR_NA : MR_QQ);
}

/* ---- life cycle ------------------------------------------------------------ */
struct monitor *
monitor_new(struct core *core, const struct fde_params *p)
{
	struct monitor *m = mem_calloc(1, sizeof(*m));

	m->core = core;
	m->p = *p;
	m->sink.event = mon_sink_event;
	m->sink.reloc = sink_reloc;
	m->sink.reloc_clear = mon_sink_reloc_clear;
	m->sink.arg = m;
	ev_timer_init(&m->reload, mon_reload_cb, tscale_secs(MON_RELOAD_SECS),
	              tscale_secs(MON_RELOAD_SECS));
	m->reload.data = m;
	ev_timer_start(core->loop, &m->reload);
	if (!core->ping)
		log_msg(LOGL_WARN, "fde", "event=no_icmp msg=\"ICMP is unavailable: VM failures "
		        "are not decided (no relocation on missed heartbeats); a down VIOS "
		        "counts as not answering ping\"");
	return m;
}

void
monitor_free(struct monitor *m)
{
	struct listener *l;
	struct mreloc *r;

	if (!m)
		return;
	ev_timer_stop(m->core->loop, &m->reload);
	/* followers (query system status monitor=yes) end here */
	while ((l = m->listeners)) {
		m->listeners = l->next;
		if (l->cb)
			l->cb(l->cookie, 1);
		free(l);
	}
	while (m->ops) {
		struct op *o = m->ops;
		m->ops = o->next;
		free(o);
	}
	while (m->groups) {
		struct mgroup *g = m->groups;
		m->groups = g->next;
		if (g->ticking)
			ev_timer_stop(m->core->loop, &g->tick);
		mon_group_clear(g);
		buf_free(&g->req);
		free(g);
	}
	while ((r = m->relocs)) {
		m->relocs = r->next;
		free(r);
	}
	free(m);
}

void
monitor_status(struct monitor *m, int json, int verbose, struct buf *out)
{
	struct mon_status_src s;

	memset(&s, 0, sizeof(s));
	s.groups = m->groups;
	s.relocs = m->relocs;
	s.sys_enabled = m->sys_enabled;
	s.ping = m->core->ping != NULL;
	s.now = ev_now(m->core->loop);
	mon_status_render(&s, json, verbose, out);
}
