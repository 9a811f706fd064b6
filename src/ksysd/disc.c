/* disc — discovery, verification and LPM validation: the engine (see
 * disc.h).
 *
 * Each request is a run: a small state machine driven by HMC callbacks.
 * Every asynchronous operation of a run counts in run->pending; queued
 * per-VM work (configuration reads, validations) sits in run->tasks and is
 * launched while fewer than DISC_MAX_INFLIGHT operations are pending.  When
 * nothing is pending or queued, disc_advance() moves the run to its next
 * phase:
 *
 *   discover: READ (per host: ManagedSystem entry, VIOS and LPAR feeds)
 *             -> recon -> first discovery only: the disk check ("SSP")
 *             -> PREPARE (VIO_HS_ADD_MS per host, failover between VIOSs)
 *             -> VMREAD (one LogicalPartition entry per managed VM)
 *             -> MONITOR (VIO_HS_ADD_VM + VIO_HS_START_VM per host batch)
 *             -> summary, then verification when asked   (disc_scan.c)
 *   verify / lpm validate: VALIDATE (MigrateValidate per VM and target)
 *             -> summary                                  (disc_check.c)
 *
 * This file holds the runs, the refusals, the start of each kind of request
 * and the state machine.  At shutdown (HMC_ESHUTDOWN or core->stopping) a
 * run stops launching and is dropped once its pending operations came back,
 * without ending its action: actions_free marks it interrupted and the next
 * ksysd reruns a discovery (sched.c).  Ownership: the engine owns its runs; a
 * run owns its copies of the HMC data and its task array.
 */
#include "disc.h"
#include "effective.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "action.h"
#include "core.h"
#include "disc_priv.h"
#include "hmcxml.h"
#include "log.h"
#include "mem.h"
#include "monitor.h"
#include "store.h"
#include "str.h"

/* ---- small helpers ------------------------------------------------------- */
int64_t
disc_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct store *
disc_store(const struct run *r)
{
	return r->d->core->store;
}

void
disc_event(struct run *r, const char *name, const char *sev, const char *kind,
      const char *obj, const char *fmt, ...)
{
	struct store_event e;
	char err[256];
	va_list ap;

	memset(&e, 0, sizeof(e));
	str_copy(e.name, sizeof(e.name), name);
	str_copy(e.severity, sizeof(e.severity), sev);
	str_copy(e.object_kind, sizeof(e.object_kind), kind);
	str_copy(e.object_name, sizeof(e.object_name), obj);
	va_start(ap, fmt);
	vsnprintf(e.text, sizeof(e.text), fmt, ap);
	va_end(ap);
	if (store_event_add(disc_store(r), &e, err, sizeof(err)) == -1)
		log_msg(LOGL_ERROR, "disc", "event=event_lost name=%s error=\"%s\"", name, err);
}

/* One line for the action from an HMC error (and a job's own error). */
void
disc_hmc_err(char *out, size_t len, const struct hmc_error *err,
             const struct hmc_job_reply *reply)
{
	if (reply && reply->error && *reply->error)
		snprintf(out, len, "Job execution on HMC failed with status <%s>. Message: <%s>.",
		         reply->status_text, reply->error);
	else
		snprintf(out, len, "%s: %s", hmc_errc_name(err->code), err->msg);
}

/* The run stops launching at shutdown; 1 when this error is that. */
int
disc_stopping(struct run *r, const struct hmc_error *err)
{
	if ((err && err->code == HMC_ESHUTDOWN) || r->d->core->stopping)
		r->stopping = 1;
	return r->stopping;
}

int
disc_ha_monitor(const char *vm, const char *host, const char *hg, const char *sys)
{
	return eff_vm_monitored(sys, hg, host, vm);
}

void
disc_lpm_status(char *out, size_t len, const char *const *hosts, size_t n)
{
	struct buf b = { 0 };
	size_t i;

	buf_puts(&b, "Validated to ");
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", hosts[i]);
	if (b.len < len)
		snprintf(out, len, "%s", buf_str(&b));
	else
		snprintf(out, len, "Validated to %zu hosts", n);
	buf_free(&b);
}

/* ---- runs ---------------------------------------------------------------- */
static void
host_clear(struct dhost *h)
{
	if (h->ms)
		hmcxml_free_ms(h->ms, 1);
	free(h->vioses);
	free(h->lpars);
	free(h->pvs);
	free(h->mon);
	buf_free(&h->req);
	h->ms = NULL;
	h->vioses = h->lpars = NULL;
	h->pvs = NULL;
	h->mon = NULL;
	h->n_vioses = h->n_lpars = h->n_pvs = h->n_mon = 0;
}

static void
vms_clear(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n_vms; i++) {
		free(r->vms[i].targets);
		buf_free(&r->vms[i].err);
	}
	free(r->vms);
	r->vms = NULL;
	r->n_vms = 0;
	free(r->tasks);
	r->tasks = NULL;
	r->n_tasks = r->next_task = 0;
}

void
disc_hosts_clear(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n_hosts; i++)
		host_clear(&r->hosts[i]);
	free(r->hosts);
	r->hosts = NULL;
	r->n_hosts = 0;
}

static void
run_free(struct run *r)
{
	struct disc *d = r->d;
	struct run **pp;

	for (pp = &d->runs; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	d->n_runs--;
	vms_clear(r);
	disc_hosts_clear(r);
	free(r);
}

/* Ends the run's action with its status and frees the run. */
static void
run_end(struct run *r)
{
	log_msg(LOGL_INFO, "disc", "event=%s_end action=%lld object=\"%s\" status=%d "
	        "origin=%s", r->what == DISC_DISCOVER ? "discovery" :
	        r->what == DISC_VERIFY ? "verification" : "lpm_validate",
	        (long long)action_id(r->a), r->what == DISC_LPM_VALIDATE ? r->object : r->hg,
	        r->failed ? CMD_REFUSED : CMD_OK, r->origin);
	action_end(r->a, r->failed ? CMD_REFUSED : CMD_OK);
	run_free(r);
}

/* At shutdown: forget the run, leave its action to actions_free. */
static void
run_drop(struct run *r)
{
	log_msg(LOGL_NOTICE, "disc", "event=run_dropped action=%lld object=\"%s\" "
	        "msg=\"ksysd is stopping; the action stays interrupted\"",
	        (long long)action_id(r->a), r->what == DISC_LPM_VALIDATE ? r->object : r->hg);
	run_free(r);
}

/* ---- store lookups --------------------------------------------------------- */
struct hostlist {
	const char *hg;                 /* hosts of this group */
	struct dhost *v;
	size_t n, cap;
};

static int
hostlist_cb(const struct store_host *h, void *arg)
{
	struct hostlist *hl = arg;
	struct dhost *d;

	if (strcmp(h->host_group, hl->hg) != 0)
		return 0;
	if (hl->n == hl->cap) {
		hl->cap = hl->cap ? 2 * hl->cap : 8;
		hl->v = mem_reallocarray(hl->v, hl->cap, sizeof(*hl->v));
	}
	d = &hl->v[hl->n++];
	memset(d, 0, sizeof(*d));
	str_copy(d->name, sizeof(d->name), h->name);
	str_copy(d->uuid, sizeof(d->uuid), h->uuid);
	str_copy(d->hg, sizeof(d->hg), h->host_group);
	str_copy(d->ha_monitor, sizeof(d->ha_monitor), h->ha_monitor);
	return 0;
}

/* Hosts of group hg in name order into *out (caller frees). */
size_t
disc_group_hosts(struct store *s, const char *hg, struct dhost **out)
{
	struct hostlist hl = { hg, NULL, 0, 0 };

	store_host_list(s, hostlist_cb, &hl);
	*out = hl.v;
	return hl.n;
}

int
disc_host_idx(const struct run *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_hosts; i++)
		if (strcmp(r->hosts[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* "unknown host group" refusal with the list of known ones. */
static void
unknown_hg(struct store *s, const char *hg, char *err, size_t errlen)
{
	char names[1024];

	if (store_names(s, "host_group", 20, names, sizeof(names)) > 0)
		snprintf(err, errlen, "host group '%s' does not exist; host groups: %s", hg,
		         names);
	else
		snprintf(err, errlen, "host group '%s' does not exist; no host group is "
		         "defined yet (ksysmgr add host_group NAME hosts=...)", hg);
}

/* -1 with err when no HMC can serve: none configured, or every one known
 * to be down. */
static int
hmc_check(struct core *c, char *err, size_t errlen)
{
	size_t i, n = c->hmcs ? hmc_set_count(c->hmcs) : 0;
	struct hmc_status s;
	struct buf b = { 0 };
	int rc = -1;

	if (n == 0) {
		snprintf(err, errlen, "no HMC is configured; add one with 'ksysmgr add hmc "
		         "NAME login=USER password=PW ip=ADDR'");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (hmc_set_status(c->hmcs, i, &s) == -1)
			continue;
		if (s.up || !s.last_error[0])
			rc = 0;
		else if (strncmp(s.last_error, s.name, strlen(s.name)) == 0 &&
		         s.last_error[strlen(s.name)] == ':')
			buf_printf(&b, "%s%s", b.len ? "; " : "", s.last_error);
		else
			buf_printf(&b, "%s%s: %s", b.len ? "; " : "", s.name, s.last_error);
	}
	if (rc == -1)
		snprintf(err, errlen, "no HMC is reachable (%s)", buf_str(&b));
	buf_free(&b);
	return rc;
}

/* ---- discovery: VM configuration reads --------------------------------------- */
struct vmlist {
	struct run *r;
	int lpm;                        /* 0: managed VMs of r's hosts */
	char sys_ha[16];
	char hg_ha[16];
	struct dvm *v;
	size_t n, cap;
};

static int
vmlist_cb(const struct store_vm *vm, void *arg)
{
	struct vmlist *vl = arg;
	struct dvm *v;
	int h = disc_host_idx(vl->r, vm->host);

	if (h < 0 || !vm->managed)
		return 0;
	if (vl->n == vl->cap) {
		vl->cap = vl->cap ? 2 * vl->cap : 32;
		vl->v = mem_reallocarray(vl->v, vl->cap, sizeof(*vl->v));
	}
	v = &vl->v[vl->n++];
	memset(v, 0, sizeof(*v));
	str_copy(v->name, sizeof(v->name), vm->name);
	str_copy(v->uuid, sizeof(v->uuid), vm->uuid);
	v->host = h;
	v->monitor = disc_ha_monitor(vm->ha_monitor, vl->r->hosts[h].ha_monitor,
	                             vl->hg_ha, vl->sys_ha);
	v->inactive = strcmp(vm->lpar_state, "not activated") == 0;
	return 0;
}

/* The managed VMs on the run's hosts, in name order. */
void
disc_load_vms(struct run *r)
{
	struct vmlist vl;
	struct store_host_group g;
	char e[256];

	memset(&vl, 0, sizeof(vl));
	vl.r = r;
	if (store_sys_get(disc_store(r), "ha_monitor", vl.sys_ha, sizeof(vl.sys_ha), e, sizeof(e)) == -1)
		str_copy(vl.sys_ha, sizeof(vl.sys_ha), "disable");
	if (store_host_group_get(disc_store(r), r->hg, &g, e, sizeof(e)) == 0)
		str_copy(vl.hg_ha, sizeof(vl.hg_ha), g.ha_monitor);
	store_vm_list(disc_store(r), vmlist_cb, &vl);
	vms_clear(r);
	r->vms = vl.v;
	r->n_vms = vl.n;
}

static void
launch_task(struct run *r, struct task *t)
{
	if (t->target >= 0)
		disc_check_launch(r, t);
	else
		disc_scan_launch(r, t);
}

/* ---- the state machine ---------------------------------------------------------- */
/* The current phase is over; start the next.  1 when the run ended. */
static int
next_phase(struct run *r)
{
	switch (r->phase) {
	case PH_READ:
		disc_scan_reads_done(r);
		if (r->disc_failed)
			break;
		return 0;
	case PH_PREPARE:
		disc_scan_vm_reads(r);
		return 0;
	case PH_VMREAD:
		disc_scan_monitor(r);
		return 0;
	case PH_MONITOR:
		break;
	case PH_VALIDATE:
		disc_check_summary(r);
		run_end(r);
		return 1;
	}
	/* the discovery is over */
	disc_scan_summary(r);
	if (r->d->core->monitor)
		monitor_refresh(r->d->core->monitor);   /* poll what is READY now */
	if (r->verify && r->recorded && !r->stopping) {
		/* verification needs a group discovered once and the inventory
		 * of this run recorded; a host that could not be prepared now
		 * shows up as validation errors */
		struct store_host_group g;
		char e[256];
		if (store_host_group_get(disc_store(r), r->hg, &g, e, sizeof(e)) == 0 &&
		    g.discovered_ms) {
			disc_check_group(r);
			return 0;
		}
	}
	if (r->verify)
		action_printf(r->a, 'O', "\nVerification of %s skipped: its discovery did not "
		              "succeed\n\nPlease review the error(s) and take any corrective "
		              "actions", r->hg);
	run_end(r);
	return 1;
}

void
disc_advance(struct run *r)
{
	for (;;) {
		if (r->stopping) {
			if (!r->pending)
				run_drop(r);
			return;
		}
		while (r->next_task < r->n_tasks && r->pending < DISC_MAX_INFLIGHT)
			launch_task(r, &r->tasks[r->next_task++]);
		if (r->pending || r->next_task < r->n_tasks)
			return;
		if (next_phase(r))
			return;
	}
}

/* ---- starting ------------------------------------------------------------------ */
struct disc *
disc_new(struct core *core, char *err, size_t errlen)
{
	struct disc *d = mem_calloc(1, sizeof(*d));

	(void)err;
	(void)errlen;
	d->core = core;
	return d;
}

void
disc_free(struct disc *d)
{
	if (!d)
		return;
	while (d->runs) {
		log_msg(LOGL_NOTICE, "disc", "event=run_dropped action=%lld "
		        "msg=\"ksysd is stopping\"", (long long)action_id(d->runs->a));
		run_free(d->runs);
	}
	free(d);
}

size_t
disc_running(const struct disc *d)
{
	return d ? d->n_runs : 0;
}

static struct run *
run_new(struct disc *d, enum disc_what what, const char *origin)
{
	struct run *r = mem_calloc(1, sizeof(*r));

	r->d = d;
	r->what = what;
	str_copy(r->origin, sizeof(r->origin), origin && *origin ? origin : "user");
	r->next = d->runs;
	d->runs = r;
	d->n_runs++;
	return r;
}

/* A discovery or verification of hg already running: -1 with err. */
static int
busy(struct disc *d, const char *hg, char *err, size_t errlen)
{
	static const char *const kinds[] = { "discover", "verify" };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct action *a = actions_find(d->core->actions, kinds[i], hg);
		if (a) {
			snprintf(err, errlen, "host group %s: a %s is already running as action "
			         "%lld; follow it with 'ksysmgr query action %lld monitor=yes'",
			         hg, i ? "verification" : "discovery", (long long)action_id(a),
			         (long long)action_id(a));
			return -1;
		}
	}
	return 0;
}

static int64_t
start_group(struct disc *d, const struct disc_req *rq, const struct cmd_io *first,
            char *err, size_t errlen)
{
	struct core *c = d->core;
	struct store_host_group g;
	struct dhost *hosts = NULL;
	struct run *r;
	size_t n, i;
	char e[512];

	if (store_host_group_get(c->store, rq->hg, &g, e, sizeof(e)) == -1) {
		unknown_hg(c->store, rq->hg, err, errlen);
		return -1;
	}
	n = disc_group_hosts(c->store, g.name, &hosts);
	if (!n) {
		snprintf(err, errlen, "host group %s has no hosts; add some with 'ksysmgr "
		         "modify host_group %s hosts=HOST[,HOST...] policy=add'", g.name, g.name);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!hosts[i].uuid[0]) {
			snprintf(err, errlen, "host %s of host group %s has no UUID; add it again "
			         "with 'ksysmgr add host %s'", hosts[i].name, g.name, hosts[i].name);
			free(hosts);
			return -1;
		}
	if (busy(d, g.name, err, errlen) == -1 || hmc_check(c, err, errlen) == -1) {
		free(hosts);
		return -1;
	}
	if (rq->what == DISC_DISCOVER && strcmp(g.state, "READY") != 0 &&
	    (!g.repo_disk[0] || !g.ha_disk[0])) {
		snprintf(err, errlen, "host group %s has no %s%s%s: the first discovery needs "
		         "both; set them with 'ksysmgr modify host_group %s repo_disk=ViodiskID "
		         "ha_disk=ViodiskID' (the disks every VIOS sees: 'ksysmgr query viodisk "
		         "hosts=%s%s')", g.name, g.repo_disk[0] ? "" : "repo_disk",
		         !g.repo_disk[0] && !g.ha_disk[0] ? " and no " : "",
		         g.ha_disk[0] ? "" : "ha_disk", g.name, hosts[0].name,
		         n > 1 ? ",..." : "");
		free(hosts);
		return -1;
	}
	if (rq->what == DISC_VERIFY && !g.discovered_ms) {
		snprintf(err, errlen, "host group %s was never discovered successfully; run "
		         "'ksysmgr discover host_group %s' first", g.name, g.name);
		free(hosts);
		return -1;
	}
	r = run_new(d, rq->what, rq->origin);
	str_copy(r->hg, sizeof(r->hg), g.name);
	r->hosts = hosts;
	r->n_hosts = n;
	for (i = 0; i < n; i++)
		r->hosts[i].run = r;
	r->verify = rq->what == DISC_DISCOVER && rq->verify;
	r->first = strcmp(g.state, "READY") != 0;
	r->a = action_start(c->actions, rq->what == DISC_DISCOVER ? "discover" : "verify",
	                    g.name, first, err, errlen);
	if (!r->a) {
		run_free(r);
		return -1;
	}
	log_msg(LOGL_INFO, "disc", "event=%s_start hg=%s action=%lld origin=%s hosts=%zu%s",
	        rq->what == DISC_DISCOVER ? "discovery" : "verification", r->hg,
	        (long long)action_id(r->a), r->origin, n, r->verify ? " verify=yes" : "");
	if (strcmp(r->origin, "quick") == 0 || strcmp(r->origin, "deep") == 0)
		action_printf(r->a, 'O', "Scheduled %s Discovery of Host_group %s",
		              r->origin[0] == 'q' ? "Quick" : "Deep", r->hg);
	else if (strcmp(r->origin, "rerun") == 0)
		action_printf(r->a, 'O', "Discovery of Host_group %s runs again: action %lld "
		              "was interrupted when ksysd stopped", r->hg, (long long)rq->rerun_of);
	if (rq->what == DISC_DISCOVER) {
		action_printf(r->a, 'O', "Running discovery on Host_group %s, this may take "
		              "few minutes...", r->hg);
		disc_scan_read_hosts(r);
	} else {
		disc_check_group(r);
	}
	{
		int64_t id = action_id(r->a);
		disc_advance(r);             /* may end a run with nothing to do */
		return id;
	}
}

/* ---- LPM validation ------------------------------------------------------------ */
static int
find_host(struct store *s, const char *name_or_uuid, struct store_host *out)
{
	char e[256];

	if (store_host_get(s, name_or_uuid, out, e, sizeof(e)) == 0)
		return 0;
	return store_host_get_uuid(s, name_or_uuid, out, e, sizeof(e));
}

static int
find_vm(struct store *s, const char *name_or_uuid, struct store_vm *out)
{
	char e[256];

	if (store_vm_get(s, name_or_uuid, out, e, sizeof(e)) == 0)
		return 0;
	return store_vm_get_uuid(s, name_or_uuid, out, e, sizeof(e));
}

/* Adds every host of group hg to r->hosts (once). */
static void
add_group_hosts(struct run *r, const char *hg)
{
	struct dhost *hs = NULL;
	size_t n = disc_group_hosts(disc_store(r), hg, &hs), i;

	for (i = 0; i < n; i++) {
		if (disc_host_idx(r, hs[i].name) >= 0)
			continue;
		r->hosts = mem_reallocarray(r->hosts, r->n_hosts + 1, sizeof(*r->hosts));
		r->hosts[r->n_hosts] = hs[i];
		r->hosts[r->n_hosts].run = r;
		r->n_hosts++;
	}
	free(hs);
}

struct hostvms {
	const char *host;
	struct buf names;               /* '\n'-separated */
	size_t n;
};

static int
hostvms_cb(const struct store_vm *v, void *arg)
{
	struct hostvms *hv = arg;

	if (strcmp(v->host, hv->host) == 0 && v->managed) {
		buf_printf(&hv->names, "%s\n", v->name);
		hv->n++;
	}
	return 0;
}

static int64_t
start_lpm(struct disc *d, const struct disc_req *rq, const struct cmd_io *first,
          char *err, size_t errlen)
{
	struct core *c = d->core;
	struct store_host th, hh;
	struct store_vm vm;
	struct hostvms hv = { NULL, { 0 }, 0 };
	struct run *r;
	char **names = NULL;
	size_t n = 0, i;
	int64_t id = -1;

	if (rq->host) {
		if (find_host(c->store, rq->host, &hh) == -1) {
			snprintf(err, errlen, "host '%s' does not exist (give a host name or UUID "
			         "from 'ksysmgr query host')", rq->host);
			return -1;
		}
		hv.host = hh.name;
		store_vm_list(c->store, hostvms_cb, &hv);
		if (!hv.n) {
			snprintf(err, errlen, "host %s has no managed VMs to validate", hh.name);
			buf_free(&hv.names);
			return -1;
		}
		names = mem_calloc(hv.n, sizeof(*names));
		for (char *p = hv.names.data, *nl; p && *p; p = nl + 1) {
			nl = strchr(p, '\n');
			*nl = '\0';
			names[n++] = p;
		}
	} else {
		names = mem_calloc(rq->n_vms ? rq->n_vms : 1, sizeof(*names));
		for (i = 0; i < rq->n_vms; i++)
			names[n++] = (char *)rq->vms[i];
	}
	if (rq->to && find_host(c->store, rq->to, &th) == -1) {
		snprintf(err, errlen, "to=%s: no such host (give a host name or UUID of the "
		         "VMs' host group)", rq->to);
		goto out;
	}
	if (hmc_check(c, err, errlen) == -1)
		goto out;
	r = run_new(d, DISC_LPM_VALIDATE, rq->origin);
	if (rq->to)
		str_copy(r->to, sizeof(r->to), th.name);
	r->vms = mem_calloc(n, sizeof(*r->vms));
	for (i = 0; i < n; i++) {
		struct store_host vh;
		struct dvm *v = &r->vms[r->n_vms];
		size_t k;

		if (find_vm(c->store, names[i], &vm) == -1) {
			snprintf(err, errlen, "VM '%s' does not exist (see 'ksysmgr query vm')",
			         names[i]);
			goto fail;
		}
		for (k = 0; k < r->n_vms; k++)
			if (strcmp(r->vms[k].name, vm.name) == 0)
				break;
		if (k < r->n_vms)
			continue;       /* named twice */
		if (!vm.host[0] || find_host(c->store, vm.host, &vh) == -1) {
			snprintf(err, errlen, "VM %s is on no known host; run discovery of its "
			         "host group first", vm.name);
			goto fail;
		}
		if (!vh.host_group[0]) {
			snprintf(err, errlen, "VM %s is on host %s, which is in no host group: LPM "
			         "validation needs the other hosts of its host group", vm.name,
			         vm.host);
			goto fail;
		}
		if (!vm.uuid[0]) {
			snprintf(err, errlen, "VM %s has no UUID; run 'ksysmgr discover host_group "
			         "%s' first", vm.name, vh.host_group);
			goto fail;
		}
		if (rq->to && strcmp(th.host_group, vh.host_group) != 0) {
			snprintf(err, errlen, "to=%s: host %s is not in host group %s of VM %s",
			         rq->to, th.name, vh.host_group, vm.name);
			goto fail;
		}
		if (rq->to && strcmp(th.name, vm.host) == 0) {
			snprintf(err, errlen, "to=%s: VM %s already runs on host %s; give another "
			         "host of host group %s", rq->to, vm.name, th.name, vh.host_group);
			goto fail;
		}
		add_group_hosts(r, vh.host_group);
		memset(v, 0, sizeof(*v));
		str_copy(v->name, sizeof(v->name), vm.name);
		str_copy(v->uuid, sizeof(v->uuid), vm.uuid);
		v->host = disc_host_idx(r, vm.host);
		r->n_vms++;
	}
	if (rq->host)
		snprintf(r->object, sizeof(r->object), "host %s", hh.name);
	else {
		struct buf b = { 0 };
		for (i = 0; i < r->n_vms; i++)
			buf_printf(&b, "%s%s", i ? "," : "", r->vms[i].name);
		snprintf(r->object, sizeof(r->object), "VM %s", buf_str(&b));
		buf_free(&b);
	}
	if (r->to[0])
		snprintf(r->object + strlen(r->object), sizeof(r->object) - strlen(r->object),
		         " to %s", r->to);
	r->a = action_start(c->actions, "lpm_validate", r->object, first, err, errlen);
	if (!r->a)
		goto fail;
	log_msg(LOGL_INFO, "disc", "event=lpm_validate_start object=\"%s\" action=%lld "
	        "vms=%zu", r->object, (long long)action_id(r->a), r->n_vms);
	action_printf(r->a, 'O', "LPM validation started for %s", r->object);
	disc_check_start(r);
	id = action_id(r->a);
	disc_advance(r);
	goto out;
fail:
	run_free(r);
out:
	free(names);
	buf_free(&hv.names);
	return id;
}

int64_t
disc_start(struct disc *d, const struct disc_req *rq, const struct cmd_io *first,
           char *err, size_t errlen)
{
	if (!d || d->core->stopping) {
		snprintf(err, errlen, "ksysd is stopping: nothing new is started");
		return -1;
	}
	if (rq->what == DISC_LPM_VALIDATE)
		return start_lpm(d, rq, first, err, errlen);
	return start_group(d, rq, first, err, errlen);
}

