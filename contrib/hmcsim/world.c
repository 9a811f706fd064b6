/* world — the simulated estate's state and the HMC operations on it.
 *
 * Lookups, capacity accounting, state names as real HMCs spell them, and the
 * operations (PowerOn, PowerOff, RemoteRestart, Migrate, host power changes)
 * with the real preconditions and HSCL-coded refusals.  Double starts (one
 * partition active on two hosts) are counted and logged loudly here, so no
 * caller can forget them.  No I/O and no timers: callers own time.
 *
 * HSCL codes: HSCL3681 (already on), HSCL1558 (already off), HSCL05DF (not
 * in a state for the operation), HSCL0DB4 and HSCL2957 (no RMC connection,
 * with the real HMC's wording) are real HMC codes (pypowervm matches the
 * first four); the others below are the simulator's own choice.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hm.h"
#include "log.h"
#include "loop.h"
#include "netaddr.h"
#include "world.h"

#define HSCL_ALREADY_ON   "HSCL3681"
#define HSCL_ALREADY_OFF  "HSCL1558"
#define HSCL_BAD_STATE    "HSCL05DF"
#define HSCL_HOST_STATE   "HSCL0A99"
#define HSCL_NO_PROC      "HSCL0B22"
#define HSCL_NO_MEM       "HSCL0B23"
#define HSCL_RR_SOURCE    "HSCLA9E1"
#define HSCL_RR_CAPABLE   "HSCLA9E2"
#define HSCL_SAME_HOST    "HSCLA9E3"
#define HSCL_RR_STALE     "HSCLA9E4"
#define HSCL_RR_CLEANUP   "HSCLA9E5"
#define HSCL_MIG_VIOS     "HSCLB103"
#define HSCL_NO_RMC       "HSCL2957"

static const struct {
	const char *code, *text;
} hscl_texts[] = {
	{ HSCL_ALREADY_ON, "The partition is already activated." },
	{ HSCL_ALREADY_OFF, "The partition is already powered off." },
	{ HSCL_BAD_STATE, "The partition is not in a state under which this operation "
	  "can be performed. Check the state of the partition." },
	{ "HSCL0DB4", "The operating system shutdown could not be performed because "
	  "the partition has no active RMC connection." },
	{ HSCL_HOST_STATE, "The managed system is not in a state under which this "
	  "operation can be performed." },
	{ HSCL_NO_PROC, "There are not enough processing units available on the "
	  "managed system." },
	{ HSCL_NO_MEM, "There is not enough memory available on the managed system." },
	{ HSCL_RR_SOURCE, "The partition cannot be remote restarted because of the "
	  "state of the source managed system." },
	{ HSCL_RR_CAPABLE, "The partition is not capable of simplified remote restart." },
	{ HSCL_SAME_HOST, "The destination managed system is the managed system the "
	  "partition is on." },
	{ HSCL_RR_STALE, "The partition has stale remote restart data; run the "
	  "cleanup operation first." },
	{ HSCL_RR_CLEANUP, "There is no remote restart data to clean up." },
	{ HSCL_MIG_VIOS, "A Virtual I/O Server partition cannot be migrated." },
	{ HSCL_NO_RMC, "Either there is currently no RMC connection between the "
	  "management console and the partition or the partition does not support "
	  "dynamic partitioning operations. Please check the partition configuration "
	  "and try again." },
};

static const char *const host_state_names[] = {
	[SIM_HOST_OPERATING] = "operating",
	[SIM_HOST_POWER_OFF] = "power off",
	[SIM_HOST_POWER_OFF_IN_PROGRESS] = "power off in progress",
	[SIM_HOST_ERROR] = "error",
	[SIM_HOST_NO_CONNECTION] = "no connection",
	[SIM_HOST_INITIALIZING] = "initializing",
};

static const char *const lpar_state_names[] = {
	[SIM_LPAR_NOT_ACTIVATED] = "not activated",
	[SIM_LPAR_STARTING] = "starting",
	[SIM_LPAR_RUNNING] = "running",
	[SIM_LPAR_SHUTTING_DOWN] = "shutting down",
	[SIM_LPAR_ERROR] = "error",
	[SIM_LPAR_NOT_AVAILABLE] = "not available",
	[SIM_LPAR_OPEN_FIRMWARE] = "open firmware",
	[SIM_LPAR_MIGRATING_RUNNING] = "migrating running",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
seterr(char *err, size_t errlen, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* err = "CODE detail" */
static void
seterr(char *err, size_t errlen, const char *code, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return;
	n = snprintf(err, errlen, "%s ", code);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

struct world *
world_new(struct ev_loop *loop)
{
	struct world *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	w->loop = loop;
	w->timing.job_start = 0.2;
	w->timing.power_on = 3;
	w->timing.power_off = 2;
	w->timing.remote_restart = 5;
	w->timing.migrate = 10;
	w->timing.migrate_validate = 2;
	w->timing.passthrough = 1;
	return w;
}

static void
job_release(struct world *w, struct sim_job *j)
{
	size_t i;

	if (w->loop)
		ev_timer_stop(w->loop, &j->timer);
	for (i = 0; i < j->n_params && i < SIM_JOB_MAX_PARAMS; i++)
		free(j->params[i].value);
	for (i = 0; i < j->n_results && i < NELEM(j->results); i++)
		free(j->results[i].value);
	free(j);
}

void
world_free(struct world *w)
{
	struct sim_job *j, *next;

	if (!w)
		return;
	for (j = w->jobs; j; j = next) {
		next = j->next;
		job_release(w, j);
	}
	simhm_free(w->hm);
	simnet_free(w->net);
	free(w->hmcs);
	free(w->hosts);
	free(w->lpars);
	free(w->disks);
	free(w);
}

/* ---- lookups ---- */

struct sim_hmc *
world_hmc_by_name(struct world *w, const char *name)
{
	size_t i;

	for (i = 0; name && i < w->n_hmcs; i++)
		if (strcmp(w->hmcs[i].name, name) == 0)
			return &w->hmcs[i];
	return NULL;
}

struct sim_host *
world_host_by_uuid(struct world *w, const char *uuid)
{
	size_t i;

	for (i = 0; uuid && i < w->n_hosts; i++)
		if (strcasecmp(w->hosts[i].uuid, uuid) == 0)
			return &w->hosts[i];
	return NULL;
}

struct sim_host *
world_host_by_name(struct world *w, const char *name)
{
	size_t i;

	for (i = 0; name && i < w->n_hosts; i++)
		if (strcmp(w->hosts[i].name, name) == 0)
			return &w->hosts[i];
	return NULL;
}

struct sim_lpar *
world_lpar_by_uuid(struct world *w, const char *uuid)
{
	size_t i;

	for (i = 0; uuid && i < w->n_lpars; i++)
		if (strcasecmp(w->lpars[i].uuid, uuid) == 0)
			return &w->lpars[i];
	return NULL;
}

struct sim_lpar *
world_lpar_by_name(struct world *w, const char *name)
{
	size_t i;

	for (i = 0; name && i < w->n_lpars; i++)
		if (strcmp(w->lpars[i].name, name) == 0)
			return &w->lpars[i];
	return NULL;
}

struct sim_job *
world_job_by_id(struct world *w, long long id)
{
	struct sim_job *j;

	for (j = w->jobs; j; j = j->next)
		if (j->id == id)
			return j;
	return NULL;
}

struct sim_disk *
world_disk_by_id(struct world *w, const char *id)
{
	size_t i;

	for (i = 0; id && i < w->n_disks; i++)
		if (strcasecmp(w->disks[i].id, id) == 0)
			return &w->disks[i];
	return NULL;
}

int
world_host_managed_by(const struct sim_host *h, const struct sim_hmc *hmc)
{
	if (!h || !hmc || hmc->idx < 0 || hmc->idx >= 32)
		return 0;
	return (h->hmc_mask >> hmc->idx) & 1u;
}

/* ---- states ---- */

int
world_lpar_state_active(enum sim_lpar_state s)
{
	switch (s) {
	case SIM_LPAR_STARTING:
	case SIM_LPAR_RUNNING:
	case SIM_LPAR_SHUTTING_DOWN:
	case SIM_LPAR_ERROR:
	case SIM_LPAR_OPEN_FIRMWARE:
	case SIM_LPAR_MIGRATING_RUNNING:
		return 1;
	case SIM_LPAR_NOT_ACTIVATED:
	case SIM_LPAR_NOT_AVAILABLE:
		break;
	}
	return 0;
}

const char *
world_host_state_name(enum sim_host_state s)
{
	if ((int)s < 0 || (size_t)s >= NELEM(host_state_names))
		return "unknown";
	return host_state_names[s];
}

const char *
world_lpar_state_name(enum sim_lpar_state s)
{
	if ((int)s < 0 || (size_t)s >= NELEM(lpar_state_names))
		return "Unknown";
	return lpar_state_names[s];
}

/* Accepts the HMC spelling and the underscore form `show` prints. */
static int
state_eq(const char *name, const char *s)
{
	for (; *name && *s; name++, s++) {
		char c = *s == '_' ? ' ' : *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *name)
			return 0;
	}
	return *name == '\0' && *s == '\0';
}

int
world_host_state_parse(const char *s, enum sim_host_state *out)
{
	size_t i;

	for (i = 0; s && i < NELEM(host_state_names); i++)
		if (state_eq(host_state_names[i], s)) {
			*out = (enum sim_host_state)i;
			return 0;
		}
	return -1;
}

int
world_lpar_state_parse(const char *s, enum sim_lpar_state *out)
{
	size_t i;

	for (i = 0; s && i < NELEM(lpar_state_names); i++)
		if (state_eq(lpar_state_names[i], s)) {
			*out = (enum sim_lpar_state)i;
			return 0;
		}
	return -1;
}

const char *
world_hscl_text(const char *code)
{
	size_t i;

	for (i = 0; code && i < NELEM(hscl_texts); i++)
		if (strcasecmp(hscl_texts[i].code, code) == 0)
			return hscl_texts[i].text;
	return "The operation failed (failure injected by hmcsim).";
}

/* ---- capacity ---- */

static int
host_index(struct world *w, const struct sim_host *h)
{
	return (int)(h - w->hosts);
}

double
world_host_proc_avail(struct world *w, const struct sim_host *h)
{
	int hi = host_index(w, h);
	double used = 0;
	size_t i;

	for (i = 0; i < w->n_lpars; i++) {
		const struct sim_lpar *l = &w->lpars[i];
		if (l->host == hi && world_lpar_state_active(l->state))
			used += l->proc_desired;
		if (l->stale_host == hi && world_lpar_state_active(l->stale_state))
			used += l->proc_desired;
	}
	return h->proc_installed - used;
}

long long
world_host_mem_avail(struct world *w, const struct sim_host *h)
{
	int hi = host_index(w, h);
	long long used = 0;
	size_t i;

	for (i = 0; i < w->n_lpars; i++) {
		const struct sim_lpar *l = &w->lpars[i];
		if (l->host == hi && world_lpar_state_active(l->state))
			used += l->mem_desired_mb;
		if (l->stale_host == hi && world_lpar_state_active(l->stale_state))
			used += l->mem_desired_mb;
	}
	return h->mem_installed_mb - used;
}

/* 0 when host h can take l's desired entitlement now, else -1 with err. */
static int
check_room(struct world *w, const struct sim_lpar *l, const struct sim_host *h,
           char *err, size_t errlen)
{
	double pa = world_host_proc_avail(w, h);
	long long ma = world_host_mem_avail(w, h);

	/* Processing units are counted in hundredths, like the hypervisor. */
	if ((long long)(l->proc_desired * 100 + 0.5) > (long long)(pa * 100 + 0.5)) {
		seterr(err, errlen, HSCL_NO_PROC, "There are not enough processing "
		       "units available on the managed system %s to activate the "
		       "partition %s: %.2f required, %.2f available.", h->name,
		       l->name, l->proc_desired, pa < 0 ? 0 : pa);
		return -1;
	}
	if (l->mem_desired_mb > ma) {
		seterr(err, errlen, HSCL_NO_MEM, "There is not enough memory available "
		       "on the managed system %s to activate the partition %s: "
		       "%lld MB required, %lld MB available.", h->name, l->name,
		       l->mem_desired_mb, ma < 0 ? 0 : ma);
		return -1;
	}
	return 0;
}

static int
host_operating(const struct sim_host *h, char *err, size_t errlen)
{
	if (h->state == SIM_HOST_OPERATING)
		return 0;
	seterr(err, errlen, HSCL_HOST_STATE, "The managed system %s is in the %s "
	       "state. The operation requires the operating state.", h->name,
	       world_host_state_name(h->state));
	return -1;
}

static double
now_of(struct world *w)
{
	return w->loop ? ev_now(w->loop) : 0;
}

/* Called after any transition that made an instance of l active. */
static void
check_double_start(struct world *w, struct sim_lpar *l, const char *cause)
{
	if (l->stale_host < 0 || !world_lpar_state_active(l->state) ||
	    !world_lpar_state_active(l->stale_state))
		return;
	w->ctr.double_starts++;
	log_msg(LOGL_ERROR, "world", "event=double_start lpar=%s uuid=%s host=%s "
	        "stale_host=%s cause=%s count=%llu msg=\"PARTITION ACTIVE ON TWO "
	        "HOSTS\"", l->name, l->uuid, w->hosts[l->host].name,
	        w->hosts[l->stale_host].name, cause, w->ctr.double_starts);
}

/* A PartitionID free on host hi for l (keeps l->id when possible). */
static int
free_partition_id(struct world *w, const struct sim_lpar *l, int hi)
{
	int id = l->id > 0 ? l->id : 1;
	int tries;
	size_t i;

	for (tries = 0; tries < 10000; tries++, id++) {
		int used = 0;
		for (i = 0; i < w->n_lpars && !used; i++) {
			const struct sim_lpar *o = &w->lpars[i];
			if (o == l)
				continue;
			if ((o->host == hi || o->stale_host == hi) && o->id == id)
				used = 1;
		}
		if (!used)
			return id;
	}
	return l->id;
}

/* The state-type faults end when a partition is started or stopped by other
 * means than the fault's own clear. */
static void
end_state_faults(struct sim_lpar *l)
{
	l->f_crash = l->f_shutdown = l->f_sms = l->f_lpm_hang = l->f_hang = 0;
	l->f_vios_down = l->f_hm_stop = 0;
	l->f_word3[0] = '\0';
}

static void
set_running(struct world *w, struct sim_lpar *l, enum sim_lpar_state st)
{
	end_state_faults(l);
	l->state = st;
	l->started_at = now_of(w);
	world_refcode_push(w, l, st == SIM_LPAR_OPEN_FIRMWARE ? "CA00E1DC" :
	                   world_os_refcode(l), NULL, 0);
	world_lpar_changed(w, l);
}

/* ---- operations ---- */

int
world_power_on(struct world *w, struct sim_lpar *l, const char *bootmode,
               char *err, size_t errlen)
{
	struct sim_host *h = &w->hosts[l->host];
	enum sim_lpar_state st = SIM_LPAR_RUNNING;

	if (world_lpar_state_active(l->state)) {
		seterr(err, errlen, HSCL_ALREADY_ON, "The partition %s is already "
		       "activated (state %s).", l->name, world_lpar_state_name(l->state));
		return -1;
	}
	if (host_operating(h, err, errlen) == -1)
		return -1;
	if (l->state != SIM_LPAR_NOT_ACTIVATED) {
		seterr(err, errlen, HSCL_BAD_STATE, "%s Partition %s is in the %s state.",
		       world_hscl_text(HSCL_BAD_STATE), l->name,
		       world_lpar_state_name(l->state));
		return -1;
	}
	if (check_room(w, l, h, err, errlen) == -1)
		return -1;
	if (bootmode && *bootmode) {
		snprintf(l->boot_mode, sizeof l->boot_mode, "%s", bootmode);
		if (strcmp(bootmode, "sms") == 0 || strcmp(bootmode, "of") == 0)
			st = SIM_LPAR_OPEN_FIRMWARE;
	} else {
		snprintf(l->boot_mode, sizeof l->boot_mode, "norm");
	}
	set_running(w, l, st);
	w->ctr.power_on++;
	log_msg(LOGL_INFO, "world", "event=power_on lpar=%s host=%s state=\"%s\" "
	        "bootmode=%s", l->name, h->name, world_lpar_state_name(l->state),
	        l->boot_mode);
	check_double_start(w, l, "power_on");
	return 0;
}

int
world_power_off(struct world *w, struct sim_lpar *l, int immediate,
                char *err, size_t errlen)
{
	int cur = world_lpar_state_active(l->state);
	int stale = l->stale_host >= 0 && world_lpar_state_active(l->stale_state);
	struct sim_host *h;

	if (!cur && !stale) {
		if (l->state == SIM_LPAR_NOT_ACTIVATED) {
			seterr(err, errlen, HSCL_ALREADY_OFF, "The partition %s is "
			       "already powered off.", l->name);
			return -1;
		}
		seterr(err, errlen, HSCL_BAD_STATE, "%s Partition %s is in the %s state.",
		       world_hscl_text(HSCL_BAD_STATE), l->name,
		       world_lpar_state_name(l->state));
		return -1;
	}
	/* A running stale instance (after a double start) is stopped only when
	 * the current one is not active: the job addresses the UUID. */
	h = &w->hosts[cur ? l->host : l->stale_host];
	if (h->state != SIM_HOST_OPERATING) {
		seterr(err, errlen, HSCL_HOST_STATE, "The managed system %s is in the "
		       "%s state. The operation requires the operating state.",
		       h->name, world_host_state_name(h->state));
		return -1;
	}
	if (cur) {
		end_state_faults(l);
		l->state = SIM_LPAR_NOT_ACTIVATED;
		snprintf(l->refcode, sizeof l->refcode, "00000000");
		world_lpar_changed(w, l);
	} else {
		l->stale_state = SIM_LPAR_NOT_ACTIVATED;
	}
	w->ctr.power_off++;
	log_msg(LOGL_INFO, "world", "event=power_off lpar=%s host=%s immediate=%d%s",
	        l->name, h->name, immediate ? 1 : 0, cur ? "" : " instance=stale");
	return 0;
}

static const char *
rr_source_ok(enum sim_host_state s)
{
	switch (s) {
	case SIM_HOST_POWER_OFF:
	case SIM_HOST_POWER_OFF_IN_PROGRESS:
	case SIM_HOST_ERROR:
	case SIM_HOST_NO_CONNECTION:
	case SIM_HOST_INITIALIZING:
		return "ok";
	case SIM_HOST_OPERATING:
		break;
	}
	return NULL;
}

int
world_remote_restart(struct world *w, struct sim_lpar *l, struct sim_host *target,
                     char *err, size_t errlen)
{
	struct sim_host *src = &w->hosts[l->host];
	int ti = host_index(w, target);

	if (l->is_vios || !l->srr_capable) {
		seterr(err, errlen, HSCL_RR_CAPABLE, "The partition %s is not capable "
		       "of simplified remote restart.", l->name);
		return -1;
	}
	if (target == src) {
		seterr(err, errlen, HSCL_SAME_HOST, "The partition %s is already on "
		       "the managed system %s.", l->name, target->name);
		return -1;
	}
	/* The rrstartlpar rule: the source must be down (or unreachable). */
	if (!rr_source_ok(src->state)) {
		seterr(err, errlen, HSCL_RR_SOURCE, "The partition %s cannot be "
		       "remote restarted because the source managed system %s is in "
		       "the %s state. The source managed system must be in the Power "
		       "Off, Power Off In Progress, Error, Initializing or No "
		       "Connection state.", l->name, src->name,
		       world_host_state_name(src->state));
		return -1;
	}
	if (target->state != SIM_HOST_OPERATING) {
		seterr(err, errlen, HSCL_HOST_STATE, "The destination managed system "
		       "%s is in the %s state. It must be in the operating state.",
		       target->name, world_host_state_name(target->state));
		return -1;
	}
	if (l->stale_host >= 0 && l->stale_host != ti) {
		seterr(err, errlen, HSCL_RR_STALE, "The partition %s has stale "
		       "remote restart data on the managed system %s; run the "
		       "cleanup operation first.", l->name, w->hosts[l->stale_host].name);
		return -1;
	}
	if (check_room(w, l, target, err, errlen) == -1)
		return -1;

	/* The source instance stays behind as stale data.  Its real state is
	 * kept: on a host that only lost its HMC connection it is still running. */
	l->stale_host = host_index(w, src);
	l->stale_state = l->state;
	snprintf(l->stale_rr_state, sizeof l->stale_rr_state, "Source_Remote_Restarted");
	l->host = ti;
	l->id = free_partition_id(w, l, ti);
	set_running(w, l, SIM_LPAR_RUNNING);
	snprintf(l->rr_state, sizeof l->rr_state, "Remote_Restarted");
	w->ctr.remote_restart++;
	log_msg(LOGL_NOTICE, "world", "event=remote_restart lpar=%s from=%s "
	        "from_state=\"%s\" to=%s", l->name, src->name,
	        world_host_state_name(src->state), target->name);
	check_double_start(w, l, "remote_restart");
	return 0;
}

int
world_rr_cleanup(struct world *w, struct sim_lpar *l, char *err, size_t errlen)
{
	struct sim_host *h;

	if (l->stale_host < 0) {
		seterr(err, errlen, HSCL_RR_CLEANUP, "The partition %s has no remote "
		       "restart data to clean up.", l->name);
		return -1;
	}
	h = &w->hosts[l->stale_host];
	if (h->state != SIM_HOST_OPERATING) {
		seterr(err, errlen, HSCL_HOST_STATE, "The source managed system %s is "
		       "in the %s state. Cleanup requires the operating state.",
		       h->name, world_host_state_name(h->state));
		return -1;
	}
	if (world_lpar_state_active(l->stale_state)) {
		seterr(err, errlen, HSCL_BAD_STATE, "%s The stale instance of %s on %s "
		       "is %s.", world_hscl_text(HSCL_BAD_STATE), l->name, h->name,
		       world_lpar_state_name(l->stale_state));
		return -1;
	}
	log_msg(LOGL_INFO, "world", "event=rr_cleanup lpar=%s stale_host=%s",
	        l->name, h->name);
	l->stale_host = -1;
	l->stale_state = SIM_LPAR_NOT_ACTIVATED;
	l->stale_rr_state[0] = '\0';
	snprintf(l->rr_state, sizeof l->rr_state, "Remote_Restartable");
	return 0;
}

int
world_migrate(struct world *w, struct sim_lpar *l, struct sim_host *target,
              int validate_only, char *err, size_t errlen)
{
	struct sim_host *src = &w->hosts[l->host];
	int ti = host_index(w, target);

	if (l->is_vios) {
		seterr(err, errlen, HSCL_MIG_VIOS, "%s", world_hscl_text(HSCL_MIG_VIOS));
		return -1;
	}
	/* a partition that is not activated moves by inactive migration: no
	 * OS to carry, so no RMC needed; it stays not activated on the target */
	int inactive = l->state == SIM_LPAR_NOT_ACTIVATED;

	if (!inactive && l->state != SIM_LPAR_RUNNING &&
	    (validate_only || l->state != SIM_LPAR_MIGRATING_RUNNING)) {
		seterr(err, errlen, HSCL_BAD_STATE, "%s Partition %s is in the %s state; "
		       "active migration needs a running partition.",
		       world_hscl_text(HSCL_BAD_STATE), l->name,
		       world_lpar_state_name(l->state));
		return -1;
	}
	/* LPM moves a running OS: the HMC needs RMC to the partition */
	if (!inactive && !world_lpar_rmc_active(l)) {
		seterr(err, errlen, HSCL_NO_RMC, "Either there is currently no RMC "
		       "connection between the management console and the partition "
		       "%s (%d*%s-%s*%s) or the partition does not support dynamic "
		       "partitioning operations. Please check the partition "
		       "configuration and try again.", l->name, l->id, src->mtms_type,
		       src->mtms_model, src->mtms_serial);
		return -1;
	}
	if (target == src) {
		seterr(err, errlen, HSCL_SAME_HOST, "The partition %s is already on "
		       "the managed system %s.", l->name, target->name);
		return -1;
	}
	if (host_operating(src, err, errlen) == -1 ||
	    host_operating(target, err, errlen) == -1)
		return -1;
	if (l->stale_host == ti) {
		seterr(err, errlen, HSCL_RR_STALE, "The partition %s has stale remote "
		       "restart data on the destination managed system %s; run the "
		       "cleanup operation first.", l->name, target->name);
		return -1;
	}
	if (!inactive && check_room(w, l, target, err, errlen) == -1)
		return -1;
	if (validate_only)
		return 0;
	l->host = ti;
	l->id = free_partition_id(w, l, ti);
	if (!inactive)
		l->state = SIM_LPAR_RUNNING;
	world_lpar_changed(w, l);
	w->ctr.migrate++;
	log_msg(LOGL_INFO, "world", "event=migrate lpar=%s from=%s to=%s%s",
	        l->name, src->name, target->name, inactive ? " inactive=yes" : "");
	return 0;
}

static int
jobfail_take(struct world *w, int hmc, int any_hmc, const char *op,
             char *hscl, size_t len)
{
	size_t i;

	for (i = 0; i < w->n_jobfail; i++) {
		struct sim_jobfail *f = &w->jobfail[i];
		if (!any_hmc && f->hmc >= 0 && f->hmc != hmc)
			continue;
		if (strcmp(f->operation, "*") != 0 && strcasecmp(f->operation, op) != 0)
			continue;
		if (hscl && len)
			snprintf(hscl, len, "%s", f->hscl);
		log_msg(LOGL_NOTICE, "fault", "event=job_fail op=%s code=%s hmc=%s",
		        op, f->hscl, f->hmc >= 0 && (size_t)f->hmc < w->n_hmcs ?
		        w->hmcs[f->hmc].name : "all");
		if (f->remaining > 0 && --f->remaining == 0) {
			memmove(f, f + 1, (w->n_jobfail - i - 1) * sizeof *f);
			w->n_jobfail--;
		}
		return 1;
	}
	return 0;
}

int
world_take_jobfail(struct world *w, const char *op, char *hscl, size_t len)
{
	return jobfail_take(w, -1, 1, op, hscl, len);
}

int
world_take_jobfail_hmc(struct world *w, int hmc, const char *op, char *hscl, size_t len)
{
	return jobfail_take(w, hmc, 0, op, hscl, len);
}

/* ---- host power and HMC faults ---- */

static int
state_is_down(enum sim_host_state s)
{
	return s == SIM_HOST_POWER_OFF || s == SIM_HOST_POWER_OFF_IN_PROGRESS ||
	       s == SIM_HOST_ERROR;
}

int
world_host_set_state(struct world *w, struct sim_host *h, enum sim_host_state st,
                     int restart_stale)
{
	int hi = host_index(w, h);
	enum sim_host_state old = h->state;
	size_t i;

	h->state = st;
	if (old != st)
		log_msg(LOGL_NOTICE, "world", "event=host_state host=%s from=\"%s\" "
		        "to=\"%s\"", h->name, world_host_state_name(old),
		        world_host_state_name(st));
	if (state_is_down(st)) {
		for (i = 0; i < w->n_lpars; i++) {
			struct sim_lpar *l = &w->lpars[i];
			if (l->host == hi) {
				end_state_faults(l);
				l->state = SIM_LPAR_NOT_AVAILABLE;
				snprintf(l->refcode, sizeof l->refcode, "%s", "");
			}
			if (l->stale_host == hi)
				l->stale_state = SIM_LPAR_NOT_AVAILABLE;
		}
		for (i = 0; i < w->n_lpars; i++)
			if (w->lpars[i].host == hi)
				world_lpar_changed(w, &w->lpars[i]);
		return 0;
	}
	if (st != SIM_HOST_OPERATING) {
		/* the HMC lost sight of the host: the partitions go on */
		for (i = 0; i < w->n_lpars; i++)
			if (w->lpars[i].host == hi)
				world_lpar_changed(w, &w->lpars[i]);
		return 0;
	}
	for (i = 0; i < w->n_lpars; i++) {
		struct sim_lpar *l = &w->lpars[i];
		if (l->host == hi && l->state == SIM_LPAR_NOT_AVAILABLE) {
			if (l->is_vios) {
				set_running(w, l, SIM_LPAR_RUNNING);
			} else {
				l->state = SIM_LPAR_NOT_ACTIVATED;
				snprintf(l->refcode, sizeof l->refcode, "00000000");
				world_lpar_changed(w, l);
			}
		} else if (l->host == hi) {
			world_lpar_changed(w, l);
		}
		if (l->stale_host == hi && l->stale_state == SIM_LPAR_NOT_AVAILABLE) {
			if (restart_stale) {
				l->stale_state = SIM_LPAR_RUNNING;
				log_msg(LOGL_WARN, "world", "event=stale_restart lpar=%s "
				        "host=%s", l->name, h->name);
				check_double_start(w, l, "host_power_on_restart_stale");
			} else {
				l->stale_state = SIM_LPAR_NOT_ACTIVATED;
			}
		}
	}
	return 0;
}

int
world_host_power_off(struct world *w, struct sim_host *h)
{
	return world_host_set_state(w, h, SIM_HOST_POWER_OFF, 0);
}

int
world_host_power_on(struct world *w, struct sim_host *h, int restart_stale)
{
	return world_host_set_state(w, h, SIM_HOST_OPERATING, restart_stale);
}

void
world_hmc_changed(struct world *w, struct sim_hmc *h)
{
	if (w->hooks.hmc_changed)
		w->hooks.hmc_changed(w, h, w->hooks.arg);
}

void
world_hmc_set_down(struct world *w, struct sim_hmc *h, int down)
{
	if ((h->down != 0) != (down != 0))
		log_msg(LOGL_NOTICE, "world", "event=hmc_%s hmc=%s", down ? "down" : "up",
		        h->name);
	h->down = down ? 1 : 0;
	world_hmc_changed(w, h);
}

/* ---- jobs registry ---- */

void
world_job_add(struct world *w, struct sim_job *j)
{
	j->next = w->jobs;
	w->jobs = j;
	w->n_jobs_live++;
}

void
world_job_free(struct world *w, struct sim_job *j)
{
	struct sim_job **pp;

	for (pp = &w->jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			if (w->n_jobs_live)
				w->n_jobs_live--;
			break;
		}
	job_release(w, j);
}

void
world_state_word(const char *state, char *out, size_t len)
{
	size_t i;

	if (!len)
		return;
	for (i = 0; state[i] && i + 1 < len; i++)
		out[i] = state[i] == ' ' ? '_' : state[i];
	out[i] = '\0';
}

/* ---- disks, OS versions and RMC ---- */

const char *
world_default_os_version(int is_vios, const char *os_type)
{
	if (is_vios)
		return "VIOS 3.1.0.00";
	if (os_type && strcmp(os_type, "OS400") == 0)
		return "IBM i 7.4";
	return "AIX 7.2 7200-04-01-1939";
}

const char *
world_lpar_os_version(const struct sim_lpar *l)
{
	return l->os_version[0] ? l->os_version
	                        : world_default_os_version(l->is_vios, l->os_type);
}

void
world_disk_udid(const char *id, char *out, size_t len)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char raw[SIM_NAME_LEN + 16];
	size_t n, i, o = 0;

	if (!len)
		return;
	n = (size_t)snprintf(raw, sizeof raw, "3IBM2145%s", id ? id : "");
	if (n >= sizeof raw)
		n = sizeof raw - 1;
	out[0] = '\0';
	if (len < 3)
		return;
	out[o++] = '0';
	out[o++] = '1';
	for (i = 0; i < n && o + 4 < len; i += 3) {
		unsigned v = (unsigned char)raw[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)raw[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)raw[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
}

void
world_boot_disk_id(const struct sim_lpar *v, char *out, size_t len)
{
	size_t i, o = 0;

	for (i = 0; v->uuid[i] && o + 1 < len; i++)
		if (v->uuid[i] != '-')
			out[o++] = v->uuid[i];
	if (len)
		out[o] = '\0';
}

int
world_disk_seen_by(const struct sim_disk *d, int lpar_idx)
{
	size_t k;

	for (k = 0; k < d->n_vios; k++)
		if (d->vios[k] == lpar_idx)
			return 1;
	return 0;
}

int
world_lpar_rmc_active(const struct sim_lpar *l)
{
	return !l->rmc_inactive &&
	       (l->state == SIM_LPAR_RUNNING || l->state == SIM_LPAR_MIGRATING_RUNNING);
}

void
world_lpar_set_rmc(struct world *w, struct sim_lpar *l, int active)
{
	(void)w;
	if (l->rmc_inactive == !active)
		return;
	l->rmc_inactive = !active;
	log_msg(LOGL_NOTICE, "world", "event=rmc_%s lpar=%s state=\"%s\"",
	        active ? "up" : "down", l->name, world_lpar_state_name(l->state));
}

/* ---- Host Monitor side: reference codes, agents, ping ---- */

void
world_lpar_changed(struct world *w, struct sim_lpar *l)
{
	simhm_lpar_changed(w, l);
	simnet_lpar_changed(w, l);
}

void
world_refcode_push(struct world *w, struct sim_lpar *l, const char *refcode,
                   const char *word3, long long ts_ms)
{
	struct sim_refcode *e = &l->rc_hist[l->rc_next];

	(void)w;
	snprintf(l->refcode, sizeof l->refcode, "%s", refcode ? refcode : "");
	memset(e, 0, sizeof *e);
	e->ts_ms = ts_ms ? ts_ms : loop_epoch_ms();
	snprintf(e->refcode, sizeof e->refcode, "%s", refcode ? refcode : "");
	snprintf(e->word3, sizeof e->word3, "%s", word3 ? word3 : "");
	l->rc_next = (l->rc_next + 1) % SIM_REFCODE_HIST;
	if (l->rc_n < SIM_REFCODE_HIST)
		l->rc_n++;
}

const char *
world_os_refcode(const struct sim_lpar *l)
{
	const char *v = world_lpar_os_version(l);

	if (strncasecmp(v, "Linux", 5) != 0)
		return "00000000";
	return strcasestr(v, "SUSE") ? "SUSE Linux" : "Linux ppc64";
}

static int
host_up(const struct world *w, int hi)
{
	return hi >= 0 && (size_t)hi < w->n_hosts && w->hosts[hi].state != SIM_HOST_POWER_OFF &&
	       w->hosts[hi].state != SIM_HOST_POWER_OFF_IN_PROGRESS &&
	       w->hosts[hi].state != SIM_HOST_ERROR;
}

int
world_lpar_agent_up(const struct world *w, const struct sim_lpar *l)
{
	return !l->is_vios && !l->no_agent && l->state == SIM_LPAR_RUNNING &&
	       host_up(w, l->host) && !l->f_hang;
}

int
world_lpar_answers_ping(const struct world *w, const struct sim_lpar *l)
{
	if (l->f_unpingable || !host_up(w, l->host))
		return 0;
	return l->state == SIM_LPAR_RUNNING ||
	       (l->state == SIM_LPAR_MIGRATING_RUNNING && !l->f_lpm_hang);
}

int
world_vios_caa_up(const struct world *w, const struct sim_lpar *v)
{
	return v->is_vios && v->state == SIM_LPAR_RUNNING && host_up(w, v->host);
}
