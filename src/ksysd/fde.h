/* fde — the Failure Detection Engine's decisions (spec/A §3.3), as pure
 * functions on observations.  No I/O, no clock, no loop: the monitor
 * (monitor.c) gathers evidence (vioHADR2 replies, pings, HMC reads) and asks
 * these functions what the evidence means and what to look at next, so every
 * branch of the Redbook's rules is unit-testable.  Thresholds come from the
 * Lua library (lua/ksys/detect.lua) through struct fde_params.
 *
 * LPAR states are compared case-insensitively in both spellings the HMC
 * uses: REST PartitionState ("not activated", "migrating running",
 * "migrating not active") and the CLI's ("Not Activated", "Migrating -
 * Running", "Migrating - Not Activated"); '-' and '_' count as spaces.
 * Reference codes are trimmed; "00000000" (the REST API pads the code) is
 * the same as "0", both in observations and in the os_up list.
 *
 * Missing evidence never relocates: a NULL refcode or boot mode supplied
 * together with a known LPAR state means "the HMC did not say" and cannot
 * satisfy a relocation condition.
 */
#ifndef KSYS_FDE_H
#define KSYS_FDE_H

#include <stddef.h>

#define FDE_MAX_OS_UP 16
#define FDE_REFCODE_LEN 32

/* Tunables (lua/ksys/detect.lua; defaults from the Redbook). */
struct fde_params {
	int vm_threshold;               /* 50 s: VMFDT = hostFDT + k * vm_threshold */
	int lpm_hang_secs;              /* 86400 */
	int nonresp_factor;             /* 2: HBmissed > factor * VMFDT */
	int hm_unresponsive_secs;       /* 90: hmResponseSec beyond which an HM
	                                   counts as not responsive even if
	                                   hmResponsive=1 (see fde_hm_responsive) */
	size_t n_os_up;                 /* reference codes meaning "OS is up" */
	char os_up[FDE_MAX_OS_UP][FDE_REFCODE_LEN]; /* "0", "", "Linux ppc64", ... */
};
/* The built-in defaults, the same values as lua/ksys/detect.lua. */
void fde_params_default(struct fde_params *p);

/* speed "fast" | "normal" | "slow" (any case) -> k = 1 | 2 | 3; NULL or
 * anything else counts as normal.  VMFDT in seconds: 140 / 190 / 750 for
 * (90, fast) / (90, normal) / (600, slow) with the default threshold. */
int fde_vmfdt(int host_fdt, const char *speed, const struct fde_params *p);

/* ---- VIOS and host -------------------------------------------------------
 * What is known about one VIOS; -1 = not known yet. */
struct fde_vios_obs {
	int caa_up;                     /* QQ/NA state: 1 UP, 0 DOWN */
	int hm_responsive;              /* 0|1 */
	long long hm_response_sec;
	unsigned long reason;           /* 0x40 NODE_SHUTDOWN */
	int ping_ok;                    /* -1 not pinged yet, 0, 1 */
	const char *lpar_state;         /* HMC PartitionState, NULL not read yet */
};

#define FDE_REASON_NODE_SHUTDOWN 0x40ul

enum fde_vios_verdict {
	FDE_VIOS_HEALTHY = 0,
	FDE_VIOS_NEED_PING,             /* CAA DOWN: ping it first */
	FDE_VIOS_NEED_LPAR,             /* ping failed: read its LPAR state */
	FDE_VIOS_DOWN_ORDERLY,          /* not activated/open firmware + SHUTDOWN
	                                   reason: shut down on purpose, healthy
	                                   for the host decision */
	FDE_VIOS_UNHEALTHY,
};
/* CAA UP (or not known yet) -> HEALTHY.  CAA DOWN -> NEED_PING; ping ok ->
 * HEALTHY; ping failed -> NEED_LPAR; LPAR "not activated" or "open
 * firmware" and reason == 0x40 (NODE_SHUTDOWN) -> DOWN_ORDERLY; any other
 * state or reason -> UNHEALTHY.
 * The Host Monitor's own state (hmResponsive, hmResponseSec) does not enter
 * the verdict: a silent HM is an event (VIOS_HM_NONRESP_DETECTED, see
 * fde_hm_responsive), not evidence that the VIOS or its host failed; only
 * CAA DOWN is.  The HM can stop or restart while the VIOS serves its
 * clients, and the Redbook starts a VIOS check only on CAA DOWN. */
enum fde_vios_verdict fde_vios(const struct fde_vios_obs *o);

/* 1 responsive, 0 not (hmResponsive=0, or hmResponseSec >
 * hm_unresponsive_secs), -1 not known (hm_responsive < 0).  For the
 * VIOS_HM_RESP_DETECTED / VIOS_HM_NONRESP_DETECTED events only. */
int fde_hm_responsive(const struct fde_vios_obs *o, const struct fde_params *p);

/* A host is failed only when both (all managed) VIOSs are UNHEALTHY, the
 * evidence has lasted host_fdt seconds, and a final sanity request to each
 * VIOS did not get an answer. */
enum fde_host_verdict {
	FDE_HOST_OK = 0,
	FDE_HOST_WAIT,                  /* all unhealthy, for less than host_fdt */
	FDE_HOST_NEED_SANITY,           /* send the sanity request to each VIOS */
	FDE_HOST_FAILED,
};
/* vios_verdicts: one per managed VIOS of the host; unhealthy_for: seconds
 * since all of them were first seen unhealthy (0 the first time); sanity: -1
 * not sent yet, 0 no VIOS answered, 1 one answered.  Any verdict other than
 * UNHEALTHY (HEALTHY, DOWN_ORDERLY, or a NEED_* still being checked), or no
 * VIOS at all, -> OK.  All UNHEALTHY: unhealthy_for < host_fdt -> WAIT;
 * then sanity -1 -> NEED_SANITY, 0 -> FAILED, 1 -> OK. */
enum fde_host_verdict fde_host(const enum fde_vios_verdict *vios_verdicts, size_t n,
                               long long unhealthy_for, int host_fdt, int sanity);

/* ---- VM -------------------------------------------------------------------*/
struct fde_vm_obs {
	long long hb_missed;            /* NA missedHb, 0 when heartbeats arrive */
	long long hb_offset;            /* in/out: raised while Not Activated */
	int vmfdt;                      /* fde_vmfdt() of the VM */
	int ping_ok;                    /* -1 not pinged yet, 0, 1 */
	const char *lpar_state;         /* NULL: not read yet */
	const char *refcode;            /* current reference code, NULL not read */
	const char *boot_mode;          /* profile boot mode, NULL not read */
	int d200a200_word3;             /* newest D200A200 in the refcode history:
	                                   -1 not read, 0 word3 empty or no such
	                                   entry, 1 word3 set (orderly shutdown) */
};

enum fde_vm_action {
	FDE_VM_OK = 0,                  /* nothing to do */
	FDE_VM_NEED_PING,
	FDE_VM_NEED_LPAR,               /* read state, refcode, boot mode */
	FDE_VM_NEED_HISTORY,            /* read the refcode history (D200A200) */
	FDE_VM_RELOCATE,                /* VM_FAILURE_DETECTED */
	FDE_VM_LPM_HANG,                /* VM_LPM_HANG_DETECTED */
	FDE_VM_NONRESP,                 /* VM_NONRESP_DETECTED */
	FDE_VM_ORDERLY,                 /* shut down on purpose: no action */
};
/* One step of the Redbook's per-VM rule; may update o->hb_offset.  Call
 * again after supplying what a NEED_* asked for.
 *   hb_missed <= 0 (no missedHb): OK, and hb_offset goes back to 0 (the
 *     VM's heartbeats came back: a later silence counts from zero);
 *   hb_missed < vmfdt: OK;  ping not done: NEED_PING;  ping ok: OK;
 *   LPAR state not read: NEED_LPAR (state, refcode and boot mode together);
 *   running: RELOCATE if hb_missed - hb_offset > vmfdt and refcode is in
 *     p->os_up, else OK;
 *   not activated: hb_offset = hb_missed; if hb_missed > 2 * vmfdt: word3
 *     not read -> NEED_HISTORY, empty -> RELOCATE, set -> ORDERLY; else OK;
 *   open firmware: RELOCATE if hb_missed > vmfdt and boot mode is not
 *     "sms" (any case), else OK;
 *   migrating running: LPM_HANG if hb_missed > p->lpm_hang_secs;
 *   not available, error, shutting down, hardware discovery, migrating not
 *     activated: NONRESP if hb_missed > p->nonresp_factor * vmfdt;
 *   any other state (starting, suspended, ...): OK.
 * A vmfdt <= 0 decides nothing (OK). */
enum fde_vm_action fde_vm(struct fde_vm_obs *o, const struct fde_params *p);

/* Lower-case names for logs and status ("healthy", "need_ping", ...). */
const char *fde_vios_verdict_name(enum fde_vios_verdict v);
const char *fde_host_verdict_name(enum fde_host_verdict v);
const char *fde_vm_action_name(enum fde_vm_action a);

#endif
