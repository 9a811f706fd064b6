/* disc_priv — what the files of the discovery engine share (disc.c: runs,
 * refusals and the state machine; disc_scan.c: discovery; disc_check.c:
 * verification and LPM validation).
 *
 * A run is one request: its hosts, its VMs, the queued per-VM tasks and the
 * count of asynchronous operations in flight.  Internal to disc*.c; the
 * contract for everyone else is disc.h.
 */
#ifndef KSYS_DISC_PRIV_H
#define KSYS_DISC_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "disc.h"
#include "hmc.h"
#include "store.h"
#include "vios.h"
#include "str.h"

struct action;

#define MAX_CAND 16                     /* VIOSs tried for one request */

enum phase {
	PH_READ = 0,
	PH_PREPARE,
	PH_VMREAD,
	PH_MONITOR,
	PH_VALIDATE,
};

enum pt_step {
	PT_ADD_MS = 0,
	PT_ADD_VM,
	PT_START_VM,
};

struct run;

struct dhost {
	struct run *run;
	char name[STORE_NAME_MAX];
	char uuid[64];
	char hg[STORE_NAME_MAX];
	char ha_monitor[16];
	/* what the HMC said (discovery) */
	struct hmc_ms *ms;              /* owned, one entry */
	struct hmc_lpar *vioses, *lpars;        /* owned */
	size_t n_vioses, n_lpars;
	struct hmc_pv *pvs;             /* owned */
	size_t n_pvs;
	char err[512];                  /* first failed read */
	/* VIOS preparation and monitoring */
	char cand[MAX_CAND][VIOS_UUID_SIZE];
	char cand_name[MAX_CAND][STORE_NAME_MAX];
	char cand_host[MAX_CAND][64];   /* UUID of each candidate's host (routing) */
	int n_cand, cur;                /* candidates, the one in use */
	int tries;                      /* candidates tried for this step */
	int prepared;                   /* 1 ADD_MS ok, -1 failed */
	enum pt_step step;
	struct buf req;                 /* the request being sent */
	char pt_err[1024];              /* errors of every candidate */
	size_t *mon;                    /* VMs (indexes) this host starts */
	size_t n_mon;
};

struct dvm {
	char name[STORE_NAME_MAX];
	char uuid[64];
	int host;                       /* index in run->hosts */
	int monitor;                    /* effective ha_monitor enable */
	int disc;                       /* 1 configuration read, -1 failed */
	int mon;                        /* 1 monitoring started, -1 failed */
	int *targets;                   /* host indexes to validate against */
	size_t n_targets, n_done;
	int started;                    /* "verification has started" printed */
	int inactive;                   /* LPAR "not activated" at the last read */
	int skipped;                    /* not verified: powered off */
	struct buf err;                 /* error text, '\n'-separated */
};

struct task {
	struct run *run;
	size_t vm;
	int target;                     /* host index; -1: configuration read */
};

struct run {
	struct disc *d;
	struct run *next;
	struct action *a;
	enum disc_what what;
	int verify;
	char origin[16];
	char hg[STORE_NAME_MAX];        /* DISCOVER, VERIFY */
	char object[256];               /* LPM: what is validated, for messages */
	char to[STORE_NAME_MAX];        /* LPM: only this target */
	int first;                      /* first discovery of the group */
	enum phase phase;
	struct dhost *hosts;
	size_t n_hosts;
	struct dvm *vms;
	size_t n_vms;
	struct task *tasks;
	size_t n_tasks, next_task;
	int pending;
	int stopping;
	int recorded;                   /* every host read and reconciled */
	int disc_failed;                /* discovery itself failed: group not READY */
	int failed;                     /* anything failed: status CMD_REFUSED */
	int n_changes;
};

struct disc {
	struct core *core;
	struct run *runs;
	size_t n_runs;
};

/* ---- disc.c ---- */
int64_t disc_wall_ms(void);
struct store *disc_store(const struct run *r);
/* One row of the event log. */
void disc_event(struct run *r, const char *name, const char *sev, const char *kind,
                const char *obj, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* One line for the action from an HMC error (and a job's own error). */
void disc_hmc_err(char *out, size_t len, const struct hmc_error *err,
                  const struct hmc_job_reply *reply);
/* 1 when the run must stop launching (shutdown). */
int disc_stopping(struct run *r, const struct hmc_error *err);
/* After every callback: launch queued tasks, move to the next phase, or end
 * or drop the run (r may be freed on return). */
void disc_advance(struct run *r);
int disc_host_idx(const struct run *r, const char *name);
/* Hosts of group hg in name order into *out (caller frees). */
size_t disc_group_hosts(struct store *s, const char *hg, struct dhost **out);
void disc_hosts_clear(struct run *r);
/* The managed VMs on the run's hosts, in name order, into r->vms. */
void disc_load_vms(struct run *r);

/* ---- disc_scan.c: the phases of a discovery ---- */
void disc_scan_read_hosts(struct run *r);
void disc_scan_reads_done(struct run *r);       /* recon, disks, preparation */
void disc_scan_vm_reads(struct run *r);
void disc_scan_launch(struct run *r, struct task *t);
void disc_scan_monitor(struct run *r);
void disc_scan_summary(struct run *r);

/* ---- disc_check.c: verification and LPM validation ---- */
void disc_check_group(struct run *r);           /* verification of r->hg */
void disc_check_start(struct run *r);           /* tasks for the loaded VMs */
void disc_check_launch(struct run *r, struct task *t);
void disc_check_summary(struct run *r);

#endif
