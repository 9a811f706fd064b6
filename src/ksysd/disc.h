/* disc — discovery, verification and LPM validation of host groups, run as
 * long actions (action.h).
 *
 * Discovery reads every host of a host group (ManagedSystem entry, VIOS and
 * LPAR feeds), reconciles the store (recon.h), prepares each host's VIOSs
 * for HA management (VIO_HS_ADD_MS), retrieves every managed VM's
 * configuration, starts HA monitoring of the VMs whose effective ha_monitor
 * is enable (VIO_HS_ADD_VM, VIO_HS_START_VM) and marks the group READY.
 * Verification runs MigrateValidate of every managed VM against every other
 * host of its group that is not on the VM's blacklist; LPM validation does
 * the same on demand for some VMs or one host's VMs.  Progress lines follow
 * the Redbook (spec/A §5, spec/D §7); results go to the VM rows and to the
 * event log.  Not for the grammar (cmd_disc.c), timers (sched.c) or the
 * store's reconciliation rules (recon.c); nothing here blocks the loop.
 */
#ifndef KSYS_DISC_H
#define KSYS_DISC_H

#include <stddef.h>
#include <stdint.h>

#include "cmd.h"

struct core;
struct disc;

/* Validations (MigrateValidate jobs) and per-VM reads one action keeps in
 * flight at most, on top of the HMC client's own per-HMC caps, so one big
 * host group does not fill the HMC queues ahead of everyone else. */
#define DISC_MAX_INFLIGHT 32

/* The engine of a running ksysd.  Never NULL (OOM aborts); err is kept for
 * symmetry with the other constructors.  core must outlive it. */
struct disc *disc_new(struct core *core, char *err, size_t errlen);
/* Forgets every run still going without ending its action (actions_free
 * then marks those interrupted).  Call after the loop stopped running HMC
 * callbacks, before actions_free and store_close. */
void disc_free(struct disc *d);

enum disc_what {
	DISC_DISCOVER = 0,      /* discover host_group HG [verify=yes] */
	DISC_VERIFY,            /* verify host_group HG */
	DISC_LPM_VALIDATE,      /* lpm vm NAMES | lpm host NAME, action=validate */
};

struct disc_req {
	enum disc_what what;
	const char *hg;                 /* DISCOVER, VERIFY */
	int verify;                     /* DISCOVER: verification follows */
	const char *const *vms;         /* LPM: VM names or UUIDs ... */
	size_t n_vms;
	const char *host;               /* ... or one host (name or UUID) */
	const char *to;                 /* LPM: only this target (name or UUID), or NULL */
	const char *origin;             /* "user" (NULL), "quick", "deep", "rerun": logs
	                                   and the action's first line */
	int64_t rerun_of;               /* origin "rerun": the interrupted action */
};

/* Checks the request and starts it as an action whose first follower is
 * first (NULL for scheduled runs).  Returns the action id, or -1 with err
 * saying what was refused and what is allowed (unknown or empty host group,
 * a discovery or verification of it already running, no HMC, disks not set
 * before the first discovery, verification before any successful
 * discovery, unknown VMs or hosts, a target outside the VM's host group).
 * The action may already have ended when this returns. */
int64_t disc_start(struct disc *d, const struct disc_req *rq, const struct cmd_io *first,
                   char *err, size_t errlen);

/* Number of runs going on (for tests and shutdown logs). */
size_t disc_running(const struct disc *d);

/* 1 when discovery starts VM-level monitoring (VIO_HS_ADD_VM/START_VM) of
 * a VM with these stored settings: eff_vm_monitored (effective.h) — the VM
 * opted in and its host is watched under the system switch.  Pure. */
int disc_ha_monitor(const char *vm, const char *host, const char *hg, const char *sys);

/* "Validated to rt12, rt13" fitted in len (lpm_status of the VM row); falls
 * back to "Validated to N hosts" when the names do not fit.  Pure. */
void disc_lpm_status(char *out, size_t len, const char *const *hosts, size_t n);

#endif
