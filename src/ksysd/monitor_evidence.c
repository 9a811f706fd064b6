/* monitor_evidence — what the Failure Detection Engine asks to look at
 * (see monitor.h): pings of a DOWN VIOS and of a VM past its VMFDT, HMC reads
 * of their LPAR entries, the refcode history (CLIRunner lsrefcode), and the
 * sanity QUICK_QUERY sent straight to each VIOS of a suspect host.  Each
 * operation comes back through mon_op_end() and feeds the decision step of
 * monitor_model.c again.  Not for polling (monitor.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "hmc.h"
#include "inventory.h"
#include "log.h"
#include "mem.h"
#include "ping.h"
#include "monitor.h"
#include "monitor_priv.h"
#include "str.h"
#include "tscale.h"

/* ---- the sanity request (a suspect host) ---------------------------------- */
static void
sanity_cb(void *arg, const struct hmc_error *err, const struct hmc_passthru_result *r)
{
	struct op *o = arg;
	char vuuid[MON_UUID], huuid[MON_UUID], e[512], what[160];
	struct mgroup *g;
	struct mvios *v;
	struct mhost *h;
	int answered = 0;

	str_copy(vuuid, sizeof(vuuid), o->uuid);
	str_copy(huuid, sizeof(huuid), o->host_uuid);
	if (!(g = mon_op_end(o)))
		return;
	v = mon_vios_find(g, vuuid);
	h = mon_host_find(g, huuid);
	if (v)
		v->sanity_busy = 0;
	if (!h)
		return;
	snprintf(what, sizeof(what), "sanity QUICK_QUERY reply from VIOS %s",
	         v ? v->name : vuuid);
	if (err) {
		log_msg(LOGL_WARN, "fde", "event=sanity_no_answer hg=%s host=%s vios=%s "
		        "error=\"%s: %s\"", g->name, h->name, v ? v->name : vuuid,
		        hmc_errc_name(err->code), err->msg);
	} else {
		const char *out = r && r->std_out ? r->std_out : "";
		struct vios_qq q;
		size_t i, k;

		if (vios_parse_qq(out, strlen(out), what, &q, e, sizeof(e)) == -1) {
			log_msg(LOGL_WARN, "fde", "event=sanity_no_answer hg=%s host=%s vios=%s "
			        "error=\"%s\"", g->name, h->name, v ? v->name : vuuid, e);
		} else {
			for (i = 0; i < q.nhosts; i++)
				for (k = 0; k < q.hosts[i].n; k++) {
					const struct vios_stat *s = &q.hosts[i].v[k];
					if (strcasecmp(s->uuid, vuuid) == 0 &&
					    (s->state == VIOS_STATE_UP || s->hm_responsive == 1))
						answered = 1;
				}
			mon_model_qq(g, &q, ev_now(g->m->core->loop));
			log_msg(LOGL_NOTICE, "fde", "event=sanity_answer hg=%s host=%s vios=%s "
			        "healthy=%s", g->name, h->name, v ? v->name : vuuid,
			        answered ? "yes" : "no");
		}
		vios_qq_free(&q);
	}
	if (answered)
		h->sanity_answered = 1;
	if (h->sanity_pending > 0)
		h->sanity_pending--;
	if (!h->sanity_pending) {
		int a = h->sanity_answered;
		h->sanity_answered = 0;
		mon_sanity_done(g, h, a, ev_now(g->m->core->loop));
	}
	mon_notify(g->m);
}

void
mon_sanity_send(struct mgroup *g, struct mhost *h)
{
	int idx = (int)(h - g->hosts);
	struct buf req = { 0 };
	size_t i;

	h->sanity_answered = 0;
	vios_req_quick_query(&req);
	log_msg(LOGL_WARN, "fde", "event=sanity_request hg=%s host=%s msg=\"every VIOS of "
	        "the host unhealthy for host_failure_detection_time: asking each VIOS "
	        "directly\"", g->name, h->name);
	for (i = 0; i < g->n_vioses; i++) {
		struct mvios *v = &g->vioses[i];
		struct op *o;

		if (v->host != idx || v->sanity_busy)
			continue;
		o = mon_op_new(g, OP_SANITY, v->uuid, h->uuid);
		o->req = MR_SANITY;
		v->sanity_busy = 1;
		h->sanity_pending++;
		hmc_passthru(g->m->core->hmcs, v->uuid, h->uuid, buf_str(&req),
		             mon_job_timeout(MON_JOB_SECS), sanity_cb, o);
	}
	buf_free(&req);
	g->changed = 1;
	if (!h->sanity_pending)
		mon_sanity_done(g, h, 0, ev_now(g->m->core->loop));
}

/* ---- pings ----------------------------------------------------------------- */
static void
ping_timing(double *interval, double *timeout)
{
	*interval = tscale_secs(1.0);
	if (*interval < 0.05)
		*interval = 0.05;
	*timeout = tscale_secs(3.0);
	if (*timeout < 0.5)
		*timeout = 0.5;
}

static void ping_cb_op(void *arg, const char *addr, int ok, double rtt_ms, const char *err);

/* 0 when a probe was started (ping_cb_op follows), -1 with err. */
static int
ping_start(struct mgroup *g, enum op_kind kind, const char *uuid, const char *addr,
           char *err, size_t errlen)
{
	struct op *o = mon_op_new(g, kind, uuid, NULL);
	double interval, timeout;

	ping_timing(&interval, &timeout);
	if (ping_probe(g->m->core->ping, addr, MON_PING_COUNT, interval, timeout, ping_cb_op,
	               o, err, errlen) == -1) {
		mon_op_end(o);
		return -1;
	}
	return 0;
}

static void
ping_cb_op(void *arg, const char *addr, int ok, double rtt_ms, const char *err)
{
	struct op *o = arg;
	enum op_kind kind = o->kind;
	char uuid[MON_UUID];
	struct mgroup *g;

	str_copy(uuid, sizeof(uuid), o->uuid);
	if (!(g = mon_op_end(o)))
		return;
	if (kind == OP_VIOS_PING) {
		struct mvios *v = mon_vios_find(g, uuid);
		if (!v)
			return;
		v->ev_busy = 0;
		log_msg(LOGL_INFO, "fde", "event=vios_ping hg=%s vios=%s addr=%s ok=%s rtt_ms=%.1f "
		        "error=\"%s\"", g->name, v->name, addr, ok ? "yes" : "no", rtt_ms,
		        err ? err : "");
		if (v->caa_up != 0)
			return;         /* came back meanwhile */
		v->ping_ok = ok ? 1 : 0;
		mon_vios_check(g, v);
	} else {
		struct mvm *vm = mon_vm_find(g, uuid);
		if (!vm || !vm->ev_busy || !vm->ev)
			return;
		log_msg(LOGL_INFO, "fde", "event=vm_ping hg=%s vm=%s addr=%s ok=%s rtt_ms=%.1f "
		        "error=\"%s\"", g->name, vm->name, addr, ok ? "yes" : "no", rtt_ms,
		        err ? err : "");
		vm->ev->ping_ok = ok ? 1 : 0;
		mon_vm_check(g, vm);
	}
	mon_notify(g->m);
}

/* ---- HMC reads ------------------------------------------------------------- */
struct ipfind {
	const char *uuid;
	char *ip;
	size_t n;
};

static int
ipfind_cb(const struct hmc_lpar *p, void *arg)
{
	struct ipfind *f = arg;

	if (strcasecmp(p->uuid, f->uuid) == 0 && p->rmc_ip[0]) {
		str_copy(f->ip, f->n, p->rmc_ip);
		return 1;
	}
	return 0;
}

/* The address the HMC's inventory last gave for a partition, if any. */
static void
inv_ip(struct monitor *m, const char *host_uuid, int vios, const char *uuid, char *ip,
       size_t n)
{
	struct ipfind f = { uuid, ip, n };

	if (m->core->inv)
		inventory_partitions(m->core->inv, host_uuid, vios, ipfind_cb, &f);
}

static void
read_cb(void *arg, const struct hmc_error *err, struct hmc_feed *f)
{
	struct op *o = arg;
	enum op_kind kind = o->kind;
	char uuid[MON_UUID];
	const struct hmc_lpar *l = NULL;
	struct mgroup *g;
	char e[400];

	str_copy(uuid, sizeof(uuid), o->uuid);
	if (!(g = mon_op_end(o)))
		return;
	if (err)
		snprintf(e, sizeof(e), "LPAR read: %s: %s", hmc_errc_name(err->code), err->msg);
	else if (f->n < 1)
		snprintf(e, sizeof(e), "LPAR read: the HMC returned no entry");
	else
		l = &f->lpars[0];
	if (kind == OP_VIOS_READ) {
		struct mvios *v = mon_vios_find(g, uuid);
		if (!v)
			return;
		v->ev_busy = 0;
		if (!l) {
			log_msg(LOGL_WARN, "fde", "event=vios_read_failed hg=%s vios=%s error=\"%s\"",
			        g->name, v->name, e);
			return;         /* evidence again at the next NEEDS_ATTENTION */
		}
		if (l->rmc_ip[0])
			str_copy(v->ip, sizeof(v->ip), l->rmc_ip);
		str_copy(v->lpar_state, sizeof(v->lpar_state), l->state);
		if (v->caa_up != 0)
			return;
		str_copy(v->ev_lpar_state, sizeof(v->ev_lpar_state), l->state);
		v->lpar_read = 1;
		mon_vios_check(g, v);
	} else {
		struct mvm *vm = mon_vm_find(g, uuid);
		if (!vm || !vm->ev_busy || !vm->ev)
			return;
		if (!l) {
			mon_vm_abort(g, vm, e);
			mon_notify(g->m);
			return;
		}
		if (l->rmc_ip[0])
			str_copy(vm->ev->ip, sizeof(vm->ev->ip), l->rmc_ip);
		str_copy(vm->ev->lpar_state, sizeof(vm->ev->lpar_state), l->state);
		str_copy(vm->ev->refcode, sizeof(vm->ev->refcode), l->refcode);
		str_copy(vm->ev->boot_mode, sizeof(vm->ev->boot_mode), l->boot_mode);
		vm->ev->lpar_read = 1;
		mon_vm_check(g, vm);
	}
	mon_notify(g->m);
}

static void
read_start(struct mgroup *g, enum op_kind kind, const char *uuid, const char *host_uuid)
{
	struct op *o = mon_op_new(g, kind, uuid, host_uuid);
	struct hmc_read rq = { 0 };

	rq.obj = kind == OP_VIOS_READ ? HMC_OBJ_VIOS : HMC_OBJ_LPAR;
	rq.host_uuid = host_uuid;
	rq.uuid = uuid;
	hmc_read(g->m->core->hmcs, &rq, read_cb, o);
}

/* ---- VIOS evidence ------------------------------------------------------- */
void
mon_vios_check(struct mgroup *g, struct mvios *v)
{
	struct monitor *m = g->m;
	const char *huuid = g->hosts[v->host].uuid;
	char err[256];

	for (;;) {
		switch (mon_vios_step(g, v)) {
		case FDE_VIOS_NEED_PING:
			if (!m->core->ping) {
				/* without ICMP the VIOS counts as not answering: its
				 * LPAR state and the sanity request decide */
				v->ping_ok = 0;
				continue;
			}
			if (!v->ip[0])
				inv_ip(m, huuid, 1, v->uuid, v->ip, sizeof(v->ip));
			if (!v->ip[0]) {
				if (!v->lpar_read) {
					v->ev_busy = 1;
					read_start(g, OP_VIOS_READ, v->uuid, huuid);
					return;
				}
				log_msg(LOGL_WARN, "fde", "event=vios_no_address hg=%s vios=%s "
				        "msg=\"the HMC gives no RMC address: not pinged\"", g->name,
				        v->name);
				v->ping_ok = 0;
				continue;
			}
			v->ev_busy = 1;
			if (ping_start(g, OP_VIOS_PING, v->uuid, v->ip, err, sizeof(err)) == -1) {
				v->ev_busy = 0;
				log_msg(LOGL_WARN, "fde", "event=vios_ping_failed hg=%s vios=%s addr=%s "
				        "error=\"%s\"", g->name, v->name, v->ip, err);
				v->ping_ok = 0;
				continue;
			}
			return;
		case FDE_VIOS_NEED_LPAR:
			v->ev_busy = 1;
			read_start(g, OP_VIOS_READ, v->uuid, huuid);
			return;
		default:
			mon_host_step(g, &g->hosts[v->host], ev_now(m->core->loop));
			if (g->hosts[v->host].verdict == FDE_HOST_NEED_SANITY &&
			    !g->hosts[v->host].sanity_pending)
				mon_sanity_send(g, &g->hosts[v->host]);
			return;
		}
	}
}

/* ---- the refcode history (CLIRunner lsrefcode on the HMC) ------------------ */
static const char *
console_of(struct monitor *m, const char *host_uuid, const char **hmc)
{
	size_t i;

	for (i = 0; i < m->n_consoles; i++)
		if (hmc_set_manages(m->core->hmcs, m->consoles[i].hmc, host_uuid)) {
			*hmc = m->consoles[i].hmc;
			return m->consoles[i].uuid;
		}
	return NULL;
}

static void
hist_cb(void *arg, const struct hmc_error *err, const struct hmc_job_reply *reply)
{
	struct op *o = arg;
	char uuid[MON_UUID], e[400];
	struct mgroup *g;
	struct mvm *vm;
	const char *res;
	int w;

	str_copy(uuid, sizeof(uuid), o->uuid);
	if (!(g = mon_op_end(o)))
		return;
	vm = mon_vm_find(g, uuid);
	if (!vm || !vm->ev_busy || !vm->ev)
		return;
	res = reply ? hmc_job_result(reply, "result") : NULL;
	if (err) {
		snprintf(e, sizeof(e), "refcode history: %s: %s", hmc_errc_name(err->code),
		         err->msg);
		mon_vm_abort(g, vm, e);
	} else if ((w = mon_refcode_word3(res ? res : "", e, sizeof(e))) == -1) {
		mon_vm_abort(g, vm, e);
	} else {
		vm->ev->word3 = w;
		mon_vm_check(g, vm);
	}
	mon_notify(g->m);
}

static void
hist_job(struct mgroup *g, struct mvm *vm, const char *hmc, const char *console)
{
	char cmd[400], name[8] = "cmd", *val = cmd;
	struct hmc_param prm;
	struct hmc_job_spec js = { 0 };
	struct op *o = mon_op_new(g, OP_HIST, vm->uuid, g->hosts[vm->host].uuid);

	snprintf(cmd, sizeof(cmd), "lsrefcode -r lpar -m %s --filter lpar_names=%s -n 10 "
	         "-F time_stamp,refcode,word3", g->hosts[vm->host].name, vm->name);
	prm.name = name;
	prm.value = val;
	js.group = "ManagementConsole";
	js.target_uuid = console;
	js.operation = "CLIRunner";
	js.params = &prm;
	js.n_params = 1;
	js.hmc = hmc;
	js.timeout = mon_job_timeout(MON_HIST_SECS);
	log_msg(LOGL_INFO, "fde", "event=vm_refcode_history hg=%s vm=%s hmc=%s", g->name,
	        vm->name, hmc);
	hmc_job_run(g->m->core->hmcs, &js, NULL, hist_cb, o);
}

static void
console_cb(void *arg, const struct hmc_error *err, struct hmc_feed *f)
{
	struct op *o = arg;
	struct monitor *m = o->m;
	char uuid[MON_UUID];
	struct mgroup *g;
	struct mvm *vm;
	char e[400];

	str_copy(uuid, sizeof(uuid), o->uuid);
	if (!(g = mon_op_end(o)))
		return;
	vm = mon_vm_find(g, uuid);
	if (!vm || !vm->ev_busy || !vm->ev)
		return;
	if (err || f->n < 1 || !f->consoles[0].uuid[0] || !f->hmc) {
		snprintf(e, sizeof(e), "ManagementConsole read: %s", err ? err->msg :
		         "the HMC returned no console");
		mon_vm_abort(g, vm, e);
		mon_notify(m);
		return;
	}
	if (m->n_consoles < MON_CONSOLES_MAX) {
		struct console *c = &m->consoles[m->n_consoles++];
		str_copy(c->hmc, sizeof(c->hmc), f->hmc);
		str_copy(c->uuid, sizeof(c->uuid), f->consoles[0].uuid);
	}
	hist_job(g, vm, f->hmc, f->consoles[0].uuid);
}

static void
hist_start(struct mgroup *g, struct mvm *vm)
{
	const char *hmc = NULL, *console;
	const char *huuid = g->hosts[vm->host].uuid;
	struct hmc_read rq = { 0 };
	struct op *o;

	if ((console = console_of(g->m, huuid, &hmc))) {
		hist_job(g, vm, hmc, console);
		return;
	}
	o = mon_op_new(g, OP_CONSOLE, vm->uuid, huuid);
	rq.obj = HMC_OBJ_CONSOLE;
	rq.host_uuid = huuid;
	hmc_read(g->m->core->hmcs, &rq, console_cb, o);
}

/* ---- VM evidence -------------------------------------------------------- */
void
mon_vm_check(struct mgroup *g, struct mvm *vm)
{
	struct monitor *m = g->m;
	const char *huuid = g->hosts[vm->host].uuid;
	char err[256];

	for (;;) {
		switch (mon_vm_step(g, vm)) {
		case FDE_VM_NEED_PING:
			if (!m->core->ping) {
				/* unsafe to read as "no answer": a healthy VM
				 * whose agent stopped would be relocated */
				mon_vm_abort(g, vm, "ICMP unavailable: no VM failure is "
				             "decided without a ping");
				return;
			}
			if (!vm->ev->ip[0])
				inv_ip(m, huuid, 0, vm->uuid, vm->ev->ip, sizeof(vm->ev->ip));
			if (!vm->ev->ip[0]) {
				if (!vm->ev->lpar_read) {
					read_start(g, OP_VM_READ, vm->uuid, huuid);
					return;
				}
				log_msg(LOGL_WARN, "fde", "event=vm_no_address hg=%s vm=%s msg=\"the "
				        "HMC gives no RMC address: counted as not answering ping\"",
				        g->name, vm->name);
				vm->ev->ping_ok = 0;
				continue;
			}
			if (ping_start(g, OP_VM_PING, vm->uuid, vm->ev->ip, err, sizeof(err)) == -1) {
				log_msg(LOGL_WARN, "fde", "event=vm_ping_failed hg=%s vm=%s addr=%s "
				        "error=\"%s\"", g->name, vm->name, vm->ev->ip, err);
				vm->ev->ping_ok = 0;
				continue;
			}
			return;
		case FDE_VM_NEED_LPAR:
			read_start(g, OP_VM_READ, vm->uuid, huuid);
			return;
		case FDE_VM_NEED_HISTORY:
			hist_start(g, vm);
			return;
		default:
			return;
		}
	}
}
