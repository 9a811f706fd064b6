/* monitor_load — which host groups, hosts, VIOSs and VMs the monitor
 * watches: monitor_refresh() reads them from the store (system, host group,
 * host and VM settings resolved through effective.h), starts polling new
 * READY groups with a monitored host, carries the observations of the groups
 * that stay into their rebuilt model (by UUID) and drops the others.  Also
 * the designated VIOS rule.  Not for polling (monitor.c) or evidence
 * (monitor_evidence.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "effective.h"
#include "log.h"
#include "mem.h"
#include "monitor.h"
#include "monitor_priv.h"
#include "store.h"
#include "str.h"
#include "tscale.h"

/* ---- loading the configuration ------------------------------------------ */
struct lhost {                          /* a host of a polled group, by name */
	char name[STORE_NAME_MAX];
	size_t group, idx;
	char ha[16], speed[16];
};

struct lgroup {
	char name[STORE_NAME_MAX];
	char state[32];
	char ha[16], speed[16];
	int fdt;
	struct mhost *hosts;
	size_t n_hosts, cap_hosts;
	struct mvios *vioses;
	size_t n_vioses, cap_vioses;
	struct mvm *vms;
	size_t n_vms, cap_vms;
	int monitored;
};

struct load {
	struct monitor *m;
	char sys_ha[16], sys_speed[16];
	int sys_fdt;
	struct lgroup *g;
	size_t n_g, cap_g;
	struct lhost *h;
	size_t n_h, cap_h;
};

#define GROW(arr, n, cap) do { \
	if ((n) == (cap)) { \
		(cap) = (cap) ? (cap) * 2 : 8; \
		(arr) = mem_reallocarray((arr), (cap), sizeof(*(arr))); \
	} \
} while (0)

static int
load_group_cb(const struct store_host_group *sg, void *arg)
{
	struct load *ld = arg;
	struct lgroup *g;

	if (sg->discovered_ms <= 0)
		return 0;               /* not READY: no HSDB to ask yet */
	GROW(ld->g, ld->n_g, ld->cap_g);
	g = &ld->g[ld->n_g++];
	memset(g, 0, sizeof(*g));
	str_copy(g->name, sizeof(g->name), sg->name);
	str_copy(g->state, sizeof(g->state), sg->state);
	str_copy(g->ha, sizeof(g->ha), sg->ha_monitor);
	str_copy(g->speed, sizeof(g->speed), sg->vm_failure_detection_speed);
	g->fdt = sg->host_failure_detection_time > 0 ? sg->host_failure_detection_time
	                                              : ld->sys_fdt;
	return 0;
}

static int
lhost_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lhost *)a)->name, ((const struct lhost *)b)->name);
}

static struct lhost *
lhost_find(struct load *ld, const char *name)
{
	struct lhost key;

	if (!ld->n_h)
		return NULL;
	str_copy(key.name, sizeof(key.name), name);
	return bsearch(&key, ld->h, ld->n_h, sizeof(*ld->h), lhost_cmp);
}

static int
load_host_cb(const struct store_host *sh, void *arg)
{
	struct load *ld = arg;
	struct lgroup *g = NULL;
	struct mhost *h;
	struct lhost *lh;
	size_t i;

	if (!sh->host_group[0] || !sh->uuid[0])
		return 0;
	for (i = 0; i < ld->n_g; i++)
		if (strcmp(ld->g[i].name, sh->host_group) == 0)
			g = &ld->g[i];
	if (!g)
		return 0;
	GROW(g->hosts, g->n_hosts, g->cap_hosts);
	h = &g->hosts[g->n_hosts];
	memset(h, 0, sizeof(*h));
	str_copy(h->name, sizeof(h->name), sh->name);
	str_copy(h->uuid, sizeof(h->uuid), sh->uuid);
	h->monitored = eff_host_monitored(ld->sys_ha, g->ha, sh->ha_monitor);
	h->host_fdt = g->fdt;
	h->sanity = -1;
	if (h->monitored)
		g->monitored = 1;
	GROW(ld->h, ld->n_h, ld->cap_h);
	lh = &ld->h[ld->n_h++];
	str_copy(lh->name, sizeof(lh->name), sh->name);
	lh->group = (size_t)(g - ld->g);
	lh->idx = g->n_hosts++;
	str_copy(lh->ha, sizeof(lh->ha), sh->ha_monitor);
	str_copy(lh->speed, sizeof(lh->speed), sh->vm_failure_detection_speed);
	return 0;
}

static int
load_vios_cb(const struct store_vios *sv, void *arg)
{
	struct load *ld = arg;
	struct lhost *lh;
	struct lgroup *g;
	struct mvios *v;

	if (!sv->managed || !sv->uuid[0] || !(lh = lhost_find(ld, sv->host)))
		return 0;
	g = &ld->g[lh->group];
	GROW(g->vioses, g->n_vioses, g->cap_vioses);
	v = &g->vioses[g->n_vioses++];
	memset(v, 0, sizeof(*v));
	str_copy(v->name, sizeof(v->name), sv->name);
	str_copy(v->uuid, sizeof(v->uuid), sv->uuid);
	v->host = (int)lh->idx;
	str_copy(v->lpar_state, sizeof(v->lpar_state), sv->state);
	v->caa_up = v->hm_responsive = v->hm_ok = v->ping_ok = -1;
	v->verdict = FDE_VIOS_HEALTHY;
	return 0;
}

static int
load_vm_cb(const struct store_vm *sv, void *arg)
{
	struct load *ld = arg;
	struct lhost *lh;
	struct lgroup *g;
	struct mvm *vm;

	if (!sv->managed || !sv->uuid[0] || !sv->host[0] || !(lh = lhost_find(ld, sv->host)))
		return 0;
	g = &ld->g[lh->group];
	GROW(g->vms, g->n_vms, g->cap_vms);
	vm = &g->vms[g->n_vms++];
	memset(vm, 0, sizeof(*vm));
	str_copy(vm->name, sizeof(vm->name), sv->name);
	str_copy(vm->uuid, sizeof(vm->uuid), sv->uuid);
	vm->host = (int)lh->idx;
	vm->monitored = g->hosts[lh->idx].monitored &&
	                eff_vm_monitored(ld->sys_ha, g->ha, lh->ha, sv->ha_monitor);
	str_copy(vm->speed, sizeof(vm->speed), eff_vm_speed(sv->vm_failure_detection_speed,
	         lh->speed, g->speed, ld->sys_speed));
	vm->vmfdt = fde_vmfdt(g->hosts[lh->idx].host_fdt, vm->speed, &ld->m->p);
	return 0;
}

/* Observations of the old model carried into the rebuilt one, by UUID.
 * 1 when a setting the status shows changed. */
static int
merge(struct mgroup *g, struct lgroup *lg)
{
	size_t i;
	int changed = 0;

	for (i = 0; i < lg->n_hosts; i++) {
		struct mhost *n = &lg->hosts[i], *o = mon_host_find(g, n->uuid), keep = *n;
		if (!o)
			continue;
		changed |= o->monitored != keep.monitored || o->host_fdt != keep.host_fdt;
		*n = *o;
		str_copy(n->name, sizeof(n->name), keep.name);
		n->monitored = keep.monitored;
		n->host_fdt = keep.host_fdt;
	}
	for (i = 0; i < lg->n_vioses; i++) {
		struct mvios *n = &lg->vioses[i], *o = mon_vios_find(g, n->uuid), keep = *n;
		if (!o)
			continue;
		*n = *o;
		str_copy(n->name, sizeof(n->name), keep.name);
		n->host = keep.host;
		if (!o->lpar_read)
			str_copy(n->lpar_state, sizeof(n->lpar_state), keep.lpar_state);
	}
	for (i = 0; i < lg->n_vms; i++) {
		struct mvm *n = &lg->vms[i], *o = mon_vm_find(g, n->uuid), keep = *n;
		if (!o)
			continue;
		changed |= o->monitored != keep.monitored || o->vmfdt != keep.vmfdt ||
		           o->host != keep.host;
		*n = *o;
		o->ev = NULL;           /* moved */
		str_copy(n->name, sizeof(n->name), keep.name);
		n->host = keep.host;
		n->monitored = keep.monitored;
		n->vmfdt = keep.vmfdt;
		str_copy(n->speed, sizeof(n->speed), keep.speed);
	}
	return changed;
}

int
mon_running(const struct mvios *v)
{
	return strcasecmp(v->lpar_state, "running") == 0;
}

/* The designated VIOS: the first of the group by name whose LPAR runs
 * (discovery's rule), else the first. */
static void
designate(struct mgroup *g)
{
	size_t i;

	g->designated = g->n_vioses ? 0 : -1;
	for (i = 0; i < g->n_vioses; i++)
		if (mon_running(&g->vioses[i])) {
			g->designated = (int)i;
			break;
		}
}


static const char *
designated_uuid(const struct mgroup *g)
{
	return g->designated >= 0 && (size_t)g->designated < g->n_vioses ?
	       g->vioses[g->designated].uuid : "";
}

static void
install(struct monitor *m, struct lgroup *lg, size_t order)
{
	struct mgroup *g;
	char cur[MON_UUID];
	size_t i;
	int fresh = 0, changed;

	for (g = m->groups; g; g = g->next)
		if (!g->dead && strcmp(g->name, lg->name) == 0)
			break;
	if (!g) {
		g = mem_calloc(1, sizeof(*g));
		g->m = m;
		g->p = &m->p;
		g->sink = &m->sink;
		str_copy(g->name, sizeof(g->name), lg->name);
		g->designated = -1;
		g->next = m->groups;
		m->groups = g;
		fresh = 1;
	}
	changed = fresh || merge(g, lg) || strcmp(g->state, lg->state) != 0 ||
	          g->n_hosts != lg->n_hosts || g->n_vioses != lg->n_vioses ||
	          g->n_vms != lg->n_vms;
	/* the designated VIOS stays while it is in the group and running */
	str_copy(cur, sizeof(cur), designated_uuid(g));
	str_copy(g->state, sizeof(g->state), lg->state);
	mon_group_clear(g);
	g->hosts = lg->hosts;
	g->n_hosts = lg->n_hosts;
	g->vioses = lg->vioses;
	g->n_vioses = lg->n_vioses;
	g->vms = lg->vms;
	g->n_vms = lg->n_vms;
	lg->hosts = NULL;
	lg->vioses = NULL;
	lg->vms = NULL;
	mon_vms_sort(g);
	g->vm_checks = 0;
	for (i = 0; i < g->n_vms; i++)
		if (g->vms[i].ev_busy)
			g->vm_checks++;
	g->designated = -1;
	for (i = 0; cur[0] && i < g->n_vioses; i++)
		if (strcasecmp(g->vioses[i].uuid, cur) == 0 && mon_running(&g->vioses[i]))
			g->designated = (int)i;
	if (g->designated < 0)
		designate(g);
	if (changed)
		g->changed = 1;
	if (fresh) {
		/* the first request soon, groups spread over the first seconds */
		ev_timer_init(&g->tick, mon_poll_tick, tscale_secs(1.0 + 0.25 * (double)(order % 16)),
		              tscale_secs(MON_POLL_SECS));
		ev_timer_start(m->core->loop, &g->tick);
		g->ticking = 1;
		log_msg(LOGL_INFO, "fde", "event=monitor_start hg=%s hosts=%zu vioses=%zu vms=%zu "
		        "polling_vios=%s", g->name, g->n_hosts, g->n_vioses, g->n_vms,
		        g->designated >= 0 ? g->vioses[g->designated].name : "none");
	}
}

static void
load_free(struct load *ld)
{
	size_t i;

	for (i = 0; i < ld->n_g; i++) {
		free(ld->g[i].hosts);
		free(ld->g[i].vioses);
		free(ld->g[i].vms);
	}
	free(ld->g);
	free(ld->h);
}

void
monitor_refresh(struct monitor *m)
{
	struct load ld;
	struct mgroup *g, *next;
	char e[256], fdt[16];
	size_t i, n_polled = 0;

	if (mon_stopping(m))
		return;
	memset(&ld, 0, sizeof(ld));
	ld.m = m;
	if (store_sys_get(m->core->store, "ha_monitor", ld.sys_ha, sizeof(ld.sys_ha), e,
	                  sizeof(e)) == -1)
		ld.sys_ha[0] = '\0';
	if (store_sys_get(m->core->store, "vm_failure_detection_speed", ld.sys_speed,
	                  sizeof(ld.sys_speed), e, sizeof(e)) == -1)
		ld.sys_speed[0] = '\0';
	ld.sys_fdt = 90;
	if (store_sys_get(m->core->store, "host_failure_detection_time", fdt, sizeof(fdt), e,
	                  sizeof(e)) == 0 && atoi(fdt) > 0)
		ld.sys_fdt = atoi(fdt);
	m->sys_enabled = strcmp(ld.sys_ha, "enable") == 0;
	store_host_group_list(m->core->store, load_group_cb, &ld);
	store_host_list(m->core->store, load_host_cb, &ld);
	if (ld.n_h > 1)
		qsort(ld.h, ld.n_h, sizeof(*ld.h), lhost_cmp);
	store_vios_list(m->core->store, load_vios_cb, &ld);
	store_vm_list(m->core->store, load_vm_cb, &ld);
	/* groups that stop being polled */
	for (g = m->groups; g; g = next) {
		next = g->next;
		if (g->dead)
			continue;
		for (i = 0; i < ld.n_g; i++)
			if (ld.g[i].monitored && strcmp(ld.g[i].name, g->name) == 0)
				break;
		if (i < ld.n_g)
			continue;
		log_msg(LOGL_INFO, "fde", "event=monitor_stop hg=%s msg=\"%s\"", g->name,
		        m->sys_enabled ? "no monitored host, or the group is gone" :
		        "system ha_monitor is disabled");
		g->dead = 1;
		if (g->ticking) {
			ev_timer_stop(m->core->loop, &g->tick);
			g->ticking = 0;
		}
		for (i = 0; i < g->n_vms; i++)
			if (g->vms[i].reloc)
				mon_sink_reloc_clear(m, g, &g->vms[i], "its host group is not monitored");
		if (!g->pending)
			mon_group_free(g);
	}
	for (i = 0; i < ld.n_g; i++)
		if (ld.g[i].monitored)
			install(m, &ld.g[i], n_polled++);
	log_msg(LOGL_DEBUG, "fde", "event=monitor_refresh groups=%zu system_ha_monitor=%s",
	        n_polled, m->sys_enabled ? "enable" : "disable");
	load_free(&ld);
	mon_notify(m);
}

void
mon_reload_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct monitor *m = w->data;

	(void)loop;
	(void)revents;
	monitor_refresh(m);
}
