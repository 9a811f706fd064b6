/* monitor_model — the health model's pure part (see monitor_priv.h).
 *
 * Parsed vioHADR2 replies are applied to a group's hosts, VIOSs and VMs;
 * transitions become events through the group's sink; the host and VM rules
 * of spec/A §3.3 are stepped through fde.h on the evidence the caller
 * (monitor.c) gathered.  No loop, no store, no network: unit-testable with
 * parsed replies and fake evidence.  Ownership: a group owns its arrays and
 * the evidence blocks of its VMs.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mem.h"
#include "monitor_priv.h"
#include "str.h"
#include "tscale.h"

#define MON_HOST_VIOS_MAX 64

/* ---- lookups ---------------------------------------------------------- */
struct mvios *
mon_vios_find(struct mgroup *g, const char *uuid)
{
	size_t i;

	for (i = 0; i < g->n_vioses; i++)
		if (strcasecmp(g->vioses[i].uuid, uuid) == 0)
			return &g->vioses[i];
	return NULL;
}

static int
vm_cmp(const void *a, const void *b)
{
	return strcasecmp(((const struct mvm *)a)->uuid, ((const struct mvm *)b)->uuid);
}

void
mon_vms_sort(struct mgroup *g)
{
	if (g->n_vms > 1)
		qsort(g->vms, g->n_vms, sizeof(*g->vms), vm_cmp);
}

struct mvm *
mon_vm_find(struct mgroup *g, const char *uuid)
{
	struct mvm key;

	if (!g->n_vms)
		return NULL;
	str_copy(key.uuid, sizeof(key.uuid), uuid);
	return bsearch(&key, g->vms, g->n_vms, sizeof(*g->vms), vm_cmp);
}

long long
mon_hmc_secs(double now, double since)
{
	double d = (now - since) * tscale_get();

	return d > 0 ? (long long)(d + 0.5) : 0;
}

const char *
mon_host_state_name(enum mon_host_state s)
{
	switch (s) {
	case MH_UP: return "UP";
	case MH_DEGRADED: return "DEGRADED";
	case MH_SUSPECT: return "SUSPECT";
	case MH_CHECKING: return "CHECKING";
	case MH_FAILED: return "FAILED";
	case MH_UNKNOWN: break;
	}
	return "UNKNOWN";
}

enum mon_host_state
mon_host_state(const struct mgroup *g, const struct mhost *h)
{
	int idx = (int)(h - g->hosts), seen = 0, degraded = 0;
	size_t i;

	for (i = 0; i < g->n_vioses; i++) {
		const struct mvios *v = &g->vioses[i];
		if (v->host != idx || !v->seen)
			continue;
		seen = 1;
		if (v->caa_up == 0 || v->hm_ok == 0)
			degraded = 1;
	}
	if (h->failed)
		return MH_FAILED;
	if (h->sanity_pending)
		return MH_CHECKING;
	if (h->unhealthy_since > 0)
		return MH_SUSPECT;
	if (!seen)
		return MH_UNKNOWN;
	return degraded ? MH_DEGRADED : MH_UP;
}

/* ---- events ----------------------------------------------------------- */
static void __attribute__((format(printf, 6, 7)))
note(struct mgroup *g, const char *name, const char *sev, const char *kind,
     const char *obj, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	g->changed = 1;
	if (g->sink && g->sink->event &&
	    g->sink->event(g->sink->arg, g, name, sev, kind, obj, text) == -1)
		g->store_failed = 1;
}

static const char *
host_name(const struct mgroup *g, int idx)
{
	return idx >= 0 && (size_t)idx < g->n_hosts ? g->hosts[idx].name : "?";
}

/* ---- replies ---------------------------------------------------------- */
static void
vios_evidence_reset(struct mvios *v)
{
	v->ping_ok = -1;
	v->lpar_read = 0;
	v->ev_lpar_state[0] = '\0';
	v->verdict = FDE_VIOS_HEALTHY;
}

void
mon_model_stat(struct mgroup *g, const struct vios_stat *s, double now)
{
	struct mvios *v = mon_vios_find(g, s->uuid);
	struct fde_vios_obs o;
	int caa, hm_ok;

	if (!v)
		return;         /* an unmanaged VIOS, or one discovery has not seen */
	caa = s->state == VIOS_STATE_UP;
	memset(&o, 0, sizeof(o));
	o.hm_responsive = s->hm_responsive;
	o.hm_response_sec = s->hm_response_sec;
	hm_ok = g->p ? fde_hm_responsive(&o, g->p) == 1 : s->hm_responsive == 1;
	if (caa != v->caa_up) {
		if (caa) {
			note(g, "VIOS_CAA_STATE_UP_DETECTED", "info", "vios", v->name,
			     "CAA state of VIOS %s (host %s) is UP", v->name,
			     host_name(g, v->host));
			vios_evidence_reset(v);
		} else {
			note(g, "VIOS_CAA_STATE_DOWN_DETECTED", "warning", "vios", v->name,
			     "CAA state of VIOS %s (host %s) is %s, reason 0x%08lx%s", v->name,
			     host_name(g, v->host), s->state_str[0] ? s->state_str : "DOWN",
			     s->reason, s->reason == 0x40 ? " (NODE_SHUTDOWN)" : "");
			vios_evidence_reset(v);
			v->verdict = FDE_VIOS_NEED_PING;
		}
	}
	if (hm_ok != v->hm_ok) {
		if (!hm_ok)
			note(g, "VIOS_HM_NONRESP_DETECTED", "warning", "vios", v->name,
			     "Host Monitor on VIOS %s (host %s) is not responsive: "
			     "hmResponsive=%d, hmResponseSec=%lld", v->name,
			     host_name(g, v->host), s->hm_responsive, s->hm_response_sec);
		else if (v->hm_ok == 0)
			note(g, "VIOS_HM_RESP_DETECTED", "info", "vios", v->name,
			     "Host Monitor on VIOS %s (host %s) is responsive again",
			     v->name, host_name(g, v->host));
		g->changed = 1;
	}
	if (v->has_data != s->has_data || v->reason != s->reason)
		g->changed = 1;
	v->seen = 1;
	v->caa_up = caa;
	str_copy(v->caa_str, sizeof(v->caa_str), s->state_str[0] ? s->state_str :
	         vios_state_name(s->state));
	v->hm_responsive = s->hm_responsive;
	v->hm_response_sec = s->hm_response_sec;
	v->hm_ok = hm_ok;
	v->has_data = s->has_data;
	v->reason = s->reason;
	v->seen_at = now;
}

void
mon_model_qq(struct mgroup *g, const struct vios_qq *q, double now)
{
	size_t i, k;

	for (i = 0; i < q->nhosts; i++)
		for (k = 0; k < q->hosts[i].n; k++)
			mon_model_stat(g, &q->hosts[i].v[k], now);
}

static void
vm_episode_end(struct mgroup *g, struct mvm *vm)
{
	log_msg(LOGL_INFO, "fde", "event=vm_heartbeat_back hg=%s vm=%s missed=%lld",
	        g->name, vm->name, vm->missed_hb);
	vm->missed_hb = 0;
	vm->missed_noted = 0;
	vm->hb_offset = 0;
	vm->acted = FDE_VM_OK;
	vm->verdict = FDE_VM_OK;
	vm->checked = 0;
	if (vm->reloc) {
		vm->reloc = 0;
		if (g->sink && g->sink->reloc_clear)
			g->sink->reloc_clear(g->sink->arg, g, vm, "its heartbeats came back");
	}
	if (!vm->ev_busy) {
		free(vm->ev);
		vm->ev = NULL;
	}
	g->changed = 1;
}

static void
vm_state(struct mgroup *g, struct mvm *vm, const struct vios_vm *x)
{
	if (x->state == VIOS_VM_OTHER && !x->state_str[0])
		return;
	if (x->state == vm->state && strcmp(x->state_str, vm->state_str) == 0)
		return;
	if (x->state == VIOS_VM_STARTED &&
	    (vm->state == VIOS_VM_STARTING || (vm->state != VIOS_VM_STARTED && x->state_chg)))
		note(g, "VM_MONITOR_STARTED", "info", "vm", vm->name,
		     "HA monitoring of VM %s (host %s) started: its agent heartbeats reach "
		     "the Host Monitors (%s -> STARTED)", vm->name, host_name(g, vm->host),
		     vm->state_str[0] ? vm->state_str : "unknown");
	else
		log_msg(LOGL_INFO, "fde", "event=vm_state hg=%s vm=%s from=%s to=%s",
		        g->name, vm->name, vm->state_str[0] ? vm->state_str : "unknown",
		        x->state_str[0] ? x->state_str : vios_vm_state_name(x->state));
	vm->state = x->state;
	str_copy(vm->state_str, sizeof(vm->state_str), x->state_str[0] ? x->state_str :
	         vios_vm_state_name(x->state));
	g->changed = 1;
}

int
mon_model_na(struct mgroup *g, const struct vios_na *na, double now)
{
	unsigned char *mark = mem_calloc(g->n_vms ? g->n_vms : 1, 1);
	long long *missed = mem_calloc(g->n_vms ? g->n_vms : 1, sizeof(*missed));
	int want_nd = 0;
	size_t i, k;

	for (i = 0; i < na->nvios_lists; i++)
		for (k = 0; k < na->vios_lists[i].n; k++) {
			const struct vios_stat *s = &na->vios_lists[i].v[k];
			mon_model_stat(g, s, now);
			if (s->has_data && mon_vios_find(g, s->uuid))
				want_nd = 1;
		}
	for (i = 0; i < na->nvm_lists; i++)
		for (k = 0; k < na->vm_lists[i].n; k++) {
			const struct vios_vm *x = &na->vm_lists[i].v[k];
			struct mvm *vm = mon_vm_find(g, x->uuid);
			size_t j;

			if (!vm)
				continue;       /* unmanaged, or not discovered yet */
			j = (size_t)(vm - g->vms);
			vm_state(g, vm, x);
			if (x->has_short_msg && x->short_msg != vm->short_msg) {
				log_msg(LOGL_INFO, "fde", "event=vm_short_msg hg=%s vm=%s "
				        "dbell=0x%lx", g->name, vm->name, x->short_msg);
				vm->short_msg = x->short_msg;
			}
			if (x->has_missed_hb) {
				mark[j] = 1;
				if (x->missed_hb > missed[j])
					missed[j] = x->missed_hb;
			}
		}
	for (i = 0; i < g->n_vms; i++) {
		struct mvm *vm = &g->vms[i];

		if (!mark[i]) {
			if (vm->missed_hb > 0)
				vm_episode_end(g, vm);
			continue;
		}
		if (missed[i] != vm->missed_hb)
			g->changed = 1;
		vm->missed_hb = missed[i];
		if (!vm->missed_noted && vm->monitored) {
			vm->missed_noted = 1;
			note(g, "VM_MISSED_HB", "warning", "vm", vm->name,
			     "VM %s (host %s) missed heartbeats for %lld s (VMFDT %d s)",
			     vm->name, host_name(g, vm->host), vm->missed_hb, vm->vmfdt);
		}
	}
	free(mark);
	free(missed);
	return want_nd;
}

/* CAA event types as the Redbook's KSYS names them (spec/B §4.4). */
static const struct {
	const char *type, *event, *sev;
} caa_map[] = {
	{ "NODE_DOWN", "VIOS_NODE_FAILURE", "warning" },
	{ "NODE_UP", "VIOS_NODE_ACTIVE", "info" },
	{ "ADAPTER_DOWN", "NETWORK_INTERFACE_FAILURE", "warning" },
	{ "ADAPTER_UP", "NETWORK_INTERFACE_ACTIVE", "info" },
	{ "REP_DOWN", "REPOSITORY_DISK_FAILURE", "warning" },
	{ "REP_UP", "REPOSITORY_DISK_ACTIVE", "info" },
	{ "DISK_DOWN", "HA_DISK_FAILURE", "warning" },
	{ "DISK_UP", "HA_DISK_ACTIVE", "info" },
};

int
mon_model_nodedata(struct mgroup *g, const struct vios_nodedata *nd)
{
	size_t i, k, n = 0, dropped = 0, j;

	for (i = 0; i < nd->nlists; i++)
		for (k = 0; k < nd->lists[i].n; k++) {
			const struct vios_node_event *e = &nd->lists[i].v[k];
			struct mvios *v = mon_vios_find(g, e->uuid);
			const char *name = "VIOS_CAA_EVENT", *sev = "info";

			if (n >= MON_CAA_EVENTS_MAX) {
				dropped++;
				continue;
			}
			for (j = 0; j < sizeof(caa_map) / sizeof(caa_map[0]); j++)
				if (strcmp(caa_map[j].type, e->event_type) == 0) {
					name = caa_map[j].event;
					sev = caa_map[j].sev;
				}
			note(g, name, sev, "vios", v ? v->name : e->uuid,
			     "CAA event %s%s%s of VIOS %s (host %s), sequence %lld, time %lld",
			     e->event_type[0] ? e->event_type : "(no EVENT_TYPE)",
			     e->reason[0] ? " reason " : "", e->reason, v ? v->name : e->uuid,
			     v ? host_name(g, v->host) : "?", e->seq, e->tv_sec);
			n++;
		}
	g->caa_events += n;
	if (dropped)
		log_msg(LOGL_WARN, "fde", "event=caa_events_dropped hg=%s stored=%zu "
		        "dropped=%zu msg=\"more CAA events in one reply than %d\"", g->name, n,
		        dropped, MON_CAA_EVENTS_MAX);
	return g->store_failed ? -1 : 0;
}

/* ---- hosts ------------------------------------------------------------ */
static int
vios_final(enum fde_vios_verdict v)
{
	return v != FDE_VIOS_NEED_PING && v != FDE_VIOS_NEED_LPAR;
}

enum fde_vios_verdict
mon_vios_step(struct mgroup *g, struct mvios *v)
{
	struct fde_vios_obs o;
	enum fde_vios_verdict r;

	if (v->caa_up != 0) {
		v->verdict = FDE_VIOS_HEALTHY;
		return v->verdict;
	}
	o.caa_up = v->caa_up;
	o.hm_responsive = v->hm_responsive;
	o.hm_response_sec = v->hm_response_sec;
	o.reason = v->reason;
	o.ping_ok = v->ping_ok;
	o.lpar_state = v->lpar_read ? v->ev_lpar_state : NULL;
	r = fde_vios(&o);
	/* a verdict stands while fresh evidence is being gathered */
	if (vios_final(r) || !vios_final(v->verdict)) {
		if (r != v->verdict) {
			g->changed = 1;
			if (vios_final(r))
				log_msg(r == FDE_VIOS_UNHEALTHY ? LOGL_WARN : LOGL_INFO, "fde",
				        "event=vios_verdict hg=%s vios=%s host=%s ping=%s "
				        "state=\"%s\" reason=0x%08lx verdict=%s", g->name, v->name,
				        host_name(g, v->host), v->ping_ok < 0 ? "none" :
				        v->ping_ok ? "ok" : "no", v->lpar_read ? v->ev_lpar_state :
				        "not read", v->reason, fde_vios_verdict_name(r));
		}
		v->verdict = r;
	}
	return r;
}

static void
host_failed(struct mgroup *g, struct mhost *h, size_t n_vios, long long secs)
{
	int idx = (int)(h - g->hosts);
	size_t i, n = 0;

	h->failed = 1;
	for (i = 0; i < g->n_vms; i++)
		if (g->vms[i].host == idx)
			n++;
	note(g, "HOST_FAILURE_DETECTED", "critical", "host", h->name,
	     "host %s failed: its %zu VIOS%s unhealthy for %lld s (host_failure_detection_time "
	     "%d s) and none answered the sanity request; %zu managed VM%s to relocate",
	     h->name, n_vios, n_vios == 1 ? " is" : "s are", secs, h->host_fdt, n,
	     n == 1 ? "" : "s");
	for (i = 0; i < g->n_vms; i++) {
		struct mvm *vm = &g->vms[i];
		if (vm->host != idx || vm->reloc)
			continue;
		vm->reloc = 1;
		if (g->sink && g->sink->reloc)
			g->sink->reloc(g->sink->arg, g, vm, h->name, "host failure");
	}
}

static void
host_recovered(struct mgroup *g, struct mhost *h)
{
	int idx = (int)(h - g->hosts);
	size_t i;

	log_msg(LOGL_NOTICE, "fde", "event=host_ok hg=%s host=%s was=%s", g->name, h->name,
	        h->failed ? "failed" : h->sanity_pending ? "checking" : "suspect");
	if (h->failed)
		for (i = 0; i < g->n_vms; i++) {
			struct mvm *vm = &g->vms[i];
			if (vm->host != idx || !vm->reloc || vm->missed_hb > 0)
				continue;
			vm->reloc = 0;
			if (g->sink && g->sink->reloc_clear)
				g->sink->reloc_clear(g->sink->arg, g, vm, "its host is healthy again");
		}
	g->changed = 1;
}

enum fde_host_verdict
mon_host_step(struct mgroup *g, struct mhost *h, double now)
{
	enum fde_vios_verdict vv[MON_HOST_VIOS_MAX];
	int idx = (int)(h - g->hosts);
	long long secs;
	size_t i, n = 0;
	enum fde_host_verdict hv;

	if (!h->monitored)
		return h->verdict = FDE_HOST_OK;
	for (i = 0; i < g->n_vioses && n < MON_HOST_VIOS_MAX; i++) {
		const struct mvios *v = &g->vioses[i];
		if (v->host == idx)
			vv[n++] = v->caa_up == 0 ? v->verdict : FDE_VIOS_HEALTHY;
	}
	if (!n)
		return h->verdict = FDE_HOST_OK;
	secs = h->unhealthy_since > 0 ? mon_hmc_secs(now, h->unhealthy_since) : 0;
	hv = fde_host(vv, n, secs, h->host_fdt, h->sanity);
	switch (hv) {
	case FDE_HOST_OK:
		if (h->unhealthy_since > 0 || h->failed || h->sanity >= 0)
			host_recovered(g, h);
		h->unhealthy_since = 0;
		h->sanity = -1;
		h->failed = 0;
		break;
	case FDE_HOST_WAIT:
	case FDE_HOST_NEED_SANITY:
		if (h->unhealthy_since <= 0) {
			h->unhealthy_since = now;
			g->changed = 1;
			log_msg(LOGL_WARN, "fde", "event=host_suspect hg=%s host=%s vioses=%zu "
			        "fdt=%d msg=\"every VIOS of the host is unhealthy\"", g->name,
			        h->name, n, h->host_fdt);
		}
		break;
	case FDE_HOST_FAILED:
		if (!h->failed)
			host_failed(g, h, n, secs);
		break;
	}
	h->verdict = hv;
	return hv;
}

enum fde_host_verdict
mon_sanity_done(struct mgroup *g, struct mhost *h, int answered, double now)
{
	h->sanity = answered ? 1 : 0;
	log_msg(answered ? LOGL_NOTICE : LOGL_WARN, "fde", "event=host_sanity hg=%s host=%s "
	        "answered=%s", g->name, h->name, answered ? "yes" : "no");
	g->changed = 1;
	return mon_host_step(g, h, now);
}

/* ---- VMs -------------------------------------------------------------- */
int
mon_vm_due(const struct mgroup *g, const struct mvm *vm)
{
	enum mon_host_state hs;

	if (!vm->monitored || vm->ev_busy || vm->reloc || vm->missed_hb <= 0 ||
	    vm->missed_hb < vm->vmfdt)
		return 0;
	if (vm->host < 0 || (size_t)vm->host >= g->n_hosts)
		return 0;
	/* host failures are decided first (spec/A §3.3) */
	hs = mon_host_state(g, &g->hosts[vm->host]);
	return hs != MH_SUSPECT && hs != MH_CHECKING && hs != MH_FAILED;
}

void
mon_vm_begin(struct mgroup *g, struct mvm *vm)
{
	char ip[64];

	if (!vm->ev)
		vm->ev = mem_calloc(1, sizeof(*vm->ev));
	str_copy(ip, sizeof(ip), vm->ev->ip);
	memset(vm->ev, 0, sizeof(*vm->ev));
	str_copy(vm->ev->ip, sizeof(vm->ev->ip), ip);
	vm->ev->ping_ok = -1;
	vm->ev->word3 = -1;
	vm->ev_busy = 1;
	g->vm_checks++;
}

static void
vm_end(struct mgroup *g, struct mvm *vm)
{
	if (vm->ev_busy) {
		vm->ev_busy = 0;
		if (g->vm_checks > 0)
			g->vm_checks--;
	}
	g->changed = 1;
}

/* Heartbeats came back while a check ran: its evidence is moot. */
static void
vm_drop_evidence(struct mvm *vm)
{
	if (!vm->ev_busy && vm->missed_hb <= 0) {
		free(vm->ev);
		vm->ev = NULL;
	}
}

static void
vm_act(struct mgroup *g, struct mvm *vm, enum fde_vm_action a)
{
	const struct mev *e = vm->ev;
	const char *hn = host_name(g, vm->host);
	const char *st = e && e->lpar_read ? e->lpar_state : "not read";

	log_msg(a == FDE_VM_OK ? LOGL_INFO : LOGL_WARN, "fde", "event=vm_check hg=%s vm=%s "
	        "host=%s missed=%lld vmfdt=%d offset=%lld ping=%s state=\"%s\" "
	        "refcode=\"%s\" boot_mode=\"%s\" word3=%d result=%s", g->name, vm->name, hn,
	        vm->missed_hb, vm->vmfdt, vm->hb_offset,
	        !e || e->ping_ok < 0 ? "none" : e->ping_ok ? "ok" : "no", st,
	        e ? e->refcode : "", e ? e->boot_mode : "", e ? e->word3 : -1,
	        fde_vm_action_name(a));
	switch (a) {
	case FDE_VM_RELOCATE:
		if (vm->reloc)
			break;
		note(g, "VM_FAILURE_DETECTED", "critical", "vm", vm->name,
		     "VM %s on host %s failed: no heartbeat for %lld s (VMFDT %d s, HBoffset "
		     "%lld s), %s, LPAR state %s, reference code '%s'", vm->name, hn,
		     vm->missed_hb, vm->vmfdt, vm->hb_offset,
		     e && e->ping_ok == 1 ? "answers ping" : "no answer to ping", st,
		     e ? e->refcode : "");
		vm->reloc = 1;
		if (g->sink && g->sink->reloc)
			g->sink->reloc(g->sink->arg, g, vm, hn, "VM failure");
		break;
	case FDE_VM_LPM_HANG:
		if (vm->acted != a)
			note(g, "VM_LPM_HANG_DETECTED", "warning", "vm", vm->name,
			     "VM %s on host %s: no heartbeat for %lld s while its LPAR is %s "
			     "(live partition migration hung?)", vm->name, hn, vm->missed_hb, st);
		break;
	case FDE_VM_NONRESP:
		if (vm->acted != a)
			note(g, "VM_NONRESP_DETECTED", "warning", "vm", vm->name,
			     "VM %s on host %s: no heartbeat for %lld s (more than %d x VMFDT %d "
			     "s), LPAR state %s", vm->name, hn, vm->missed_hb,
			     g->p ? g->p->nonresp_factor : 2, vm->vmfdt, st);
		break;
	case FDE_VM_ORDERLY:
		if (vm->acted != a)
			note(g, "VM_SHUTDOWN_DETECTED", "info", "vm", vm->name,
			     "VM %s on host %s was stopped on purpose (LPAR state %s, boot "
			     "mode '%s'): no action", vm->name, hn, st, e ? e->boot_mode : "");
		break;
	default:
		break;
	}
	if (a == FDE_VM_LPM_HANG || a == FDE_VM_NONRESP || a == FDE_VM_ORDERLY ||
	    a == FDE_VM_RELOCATE)
		vm->acted = a;
}

enum fde_vm_action
mon_vm_step(struct mgroup *g, struct mvm *vm)
{
	struct fde_vm_obs o;
	enum fde_vm_action a;
	const struct mev *e;

	if (!vm->ev)
		mon_vm_begin(g, vm);
	e = vm->ev;
	memset(&o, 0, sizeof(o));
	o.hb_missed = vm->missed_hb;
	o.hb_offset = vm->hb_offset;
	o.vmfdt = vm->vmfdt;
	o.ping_ok = e->ping_ok;
	o.lpar_state = e->lpar_read ? e->lpar_state : NULL;
	o.refcode = e->lpar_read ? e->refcode : NULL;
	o.boot_mode = e->lpar_read && e->boot_mode[0] ? e->boot_mode : NULL;
	o.d200a200_word3 = e->word3;
	a = fde_vm(&o, g->p);
	if (o.hb_offset != vm->hb_offset) {
		log_msg(LOGL_INFO, "fde", "event=vm_hb_offset hg=%s vm=%s offset=%lld",
		        g->name, vm->name, o.hb_offset);
		vm->hb_offset = o.hb_offset;
	}
	if (a == FDE_VM_NEED_PING || a == FDE_VM_NEED_LPAR || a == FDE_VM_NEED_HISTORY)
		return a;
	vm_end(g, vm);
	if (!vm->checked || vm->verdict != a || a != FDE_VM_OK)
		vm_act(g, vm, a);
	vm->verdict = a;
	vm->checked = vm->missed_hb > 0;        /* else the episode is over */
	vm_drop_evidence(vm);
	return a;
}

void
mon_vm_abort(struct mgroup *g, struct mvm *vm, const char *why)
{
	log_msg(LOGL_WARN, "fde", "event=vm_check_incomplete hg=%s vm=%s missed=%lld "
	        "error=\"%s\" msg=\"checked again at the next NEEDS_ATTENTION\"", g->name,
	        vm->name, vm->missed_hb, why);
	if (vm->ev)
		str_copy(vm->ev->note, sizeof(vm->ev->note), why);
	vm_end(g, vm);
	vm_drop_evidence(vm);
}

void
mon_vm_verdict(const struct mgroup *g, const struct mvm *vm, char *out, size_t n)
{
	const struct mev *e = vm->ev;

	(void)g;
	if (vm->reloc)
		snprintf(out, n, "relocation requested");
	else if (vm->ev_busy)
		snprintf(out, n, "checking: no heartbeat for %lld s", vm->missed_hb);
	else if (vm->missed_hb <= 0) {
		if (vm->state == VIOS_VM_STARTED || vm->state == VIOS_VM_OTHER)
			snprintf(out, n, "healthy");
		else
			snprintf(out, n, "monitoring %s", vm->state_str);
	} else if (vm->missed_hb < vm->vmfdt)
		snprintf(out, n, "missed heartbeats: %lld s < VMFDT", vm->missed_hb);
	else if (!vm->checked)
		snprintf(out, n, "missed heartbeats: %s", e && e->note[0] ? e->note :
		         "check pending");
	else if (e && e->note[0])
		snprintf(out, n, "check incomplete: %s", e->note);
	else
		switch (vm->verdict) {
		case FDE_VM_LPM_HANG:
			snprintf(out, n, "LPM hang");
			break;
		case FDE_VM_NONRESP:
			snprintf(out, n, "not responding (LPAR %s)", e ? e->lpar_state : "?");
			break;
		case FDE_VM_ORDERLY:
			snprintf(out, n, "stopped on purpose: no action");
			break;
		default:
			if (e && e->ping_ok == 1)
				snprintf(out, n, "answers ping: missed heartbeats ignored");
			else
				snprintf(out, n, "no action (LPAR %s)",
				         e && e->lpar_read ? e->lpar_state : "not read");
			break;
		}
}

/* ---- the refcode history ---------------------------------------------- */
/* "MM/DD/YYYY HH:MM:SS" -> YYYYMMDDHHMMSS, 0 when it is not that. */
static long long
stamp_key(const char *s)
{
	int mo, d, y, h, mi, se;

	if (sscanf(s, "%d/%d/%d %d:%d:%d", &mo, &d, &y, &h, &mi, &se) != 6)
		return 0;
	return ((((y * 100LL + mo) * 100 + d) * 100 + h) * 100 + mi) * 100 + se;
}

/* Copies field i (comma-separated, trimmed of blanks and quotes) of line. */
static int
field(const char *line, size_t len, int i, char *out, size_t n)
{
	const char *p = line, *end = line + len, *c;
	size_t l;

	while (i-- > 0) {
		c = memchr(p, ',', (size_t)(end - p));
		if (!c)
			return -1;
		p = c + 1;
	}
	c = memchr(p, ',', (size_t)(end - p));
	if (!c)
		c = end;
	while (p < c && (isspace((unsigned char)*p) || *p == '"'))
		p++;
	while (c > p && (isspace((unsigned char)c[-1]) || c[-1] == '"'))
		c--;
	l = (size_t)(c - p);
	if (l >= n)
		l = n - 1;
	memcpy(out, p, l);
	out[l] = '\0';
	return 0;
}

int
mon_refcode_word3(const char *text, char *err, size_t errlen)
{
	const char *p = text, *nl;
	long long best = -1;
	int found = 0, word3 = 0, lines = 0, fields = 0;
	char first[128] = "";

	while (p && *p) {
		size_t len;
		char ts[64], rc[32], w3[128];

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len) {
			lines++;
			if (!first[0])
				snprintf(first, sizeof(first), "%.*s", (int)(len > 100 ? 100 : len), p);
			if (field(p, len, 1, rc, sizeof(rc)) == 0) {
				fields++;
				field(p, len, 0, ts, sizeof(ts));
				if (field(p, len, 2, w3, sizeof(w3)) == -1)
					w3[0] = '\0';
				if (strcasecmp(rc, "D200A200") == 0) {
					long long k = stamp_key(ts);
					/* newest first: a later line wins only when its
					 * time stamp says it is newer */
					if (!found || k > best) {
						found = 1;
						best = k;
						word3 = w3[0] != '\0' && strcasecmp(w3, "null") != 0;
					}
				}
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	if (lines && !fields && strncasecmp(first, "No results", 10) != 0) {
		snprintf(err, errlen, "refcode history not understood: '%s'", first);
		return -1;
	}
	return found ? word3 : 0;
}

void
mon_group_clear(struct mgroup *g)
{
	size_t i;

	for (i = 0; i < g->n_vms; i++)
		free(g->vms[i].ev);
	free(g->vms);
	free(g->vioses);
	free(g->hosts);
	g->vms = NULL;
	g->vioses = NULL;
	g->hosts = NULL;
	g->n_vms = g->n_vioses = g->n_hosts = 0;
}
