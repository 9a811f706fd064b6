/* monitor_priv — the health model shared by the monitor's files.
 *
 * monitor.c          lifecycle, poll timers, the pass-through chain, designated
 *                    VIOS failover, event recording, listeners;
 * monitor_load.c     the store read (which groups, hosts, VIOSs, VMs), the
 *                    designated VIOS rule;
 * monitor_evidence.c pings, HMC reads, the refcode history job, the sanity
 *                    requests;
 * monitor_model.c    the pure part: replies applied to the model, transitions
 *                    turned into events, the host and VM decision steps around
 *                    fde.h, the refcode history parser.  No loop, no store, no
 *                    network: events and relocation requests leave through a
 *                    struct mon_sink, so tests/unit/test_monitor.c drives it
 *                    with parsed replies and fake evidence;
 * monitor_status.c   `ksysmgr query system status` (text and JSON).
 * Nothing outside monitor*.c includes this file.
 *
 * Times: `now` is loop time (ev_now) in real seconds.  Durations compared with
 * Redbook thresholds (host_failure_detection_time, VMFDT, hmResponseSec,
 * missedHb) are HMC seconds: real seconds times tscale_get(), the unit the
 * HSDB reports in under --time-scale.
 */
#ifndef KSYS_MONITOR_PRIV_H
#define KSYS_MONITOR_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <ev.h>

#include "buf.h"
#include "fde.h"
#include "vios.h"

#define MON_NAME 64
#define MON_UUID 40
#define MON_POLL_SECS 20.0              /* one request every 20 s (scaled) */
#define MON_VM_CHECKS_MAX 32            /* VM evidence gatherings per group */
#define MON_CAA_EVENTS_MAX 256          /* events stored per QUERY_NODE_DATA */

struct monitor;
struct mgroup;
struct mvm;

/* Where the model's conclusions go.  event returns 0 once stored, -1 when it
 * could not be (the hsTag is then not acknowledged: the VIOS reports again). */
struct mon_sink {
	int (*event)(void *arg, struct mgroup *g, const char *name, const char *sev,
	             const char *kind, const char *obj, const char *text);
	void (*reloc)(void *arg, struct mgroup *g, const struct mvm *vm, const char *host,
	              const char *reason);
	/* a relocation request of vm is moot (heartbeats or the host came back) */
	void (*reloc_clear)(void *arg, struct mgroup *g, const struct mvm *vm, const char *why);
	void *arg;
};

struct mvios {
	char name[MON_NAME];
	char uuid[MON_UUID];            /* upper case */
	int host;                       /* index in g->hosts */
	char lpar_state[48];            /* store (discovery), then our own reads */
	char ip[64];                    /* ResourceMonitoringIPAddress, "" unknown */
	/* as the HSDB last reported it (QQ, NA) */
	int seen;                       /* reported at least once */
	int caa_up;                     /* -1 unknown, 0 DOWN (or REMOVED), 1 UP */
	char caa_str[16];
	int hm_responsive;              /* -1 unknown, 0, 1: as sent */
	long long hm_response_sec;
	int hm_ok;                      /* -1 unknown; responsive and recent enough */
	int has_data;
	unsigned long reason;
	double seen_at;                 /* loop time of the last report */
	/* evidence while CAA says DOWN */
	int ev_busy;                    /* a ping or LPAR read in flight */
	int ping_ok;                    /* -1 not pinged, 0, 1 */
	int lpar_read;                  /* ev_lpar_state holds a fresh read */
	char ev_lpar_state[48];
	enum fde_vios_verdict verdict;
	int sanity_busy;                /* the sanity QQ to this VIOS is in flight */
};

enum mon_host_state {
	MH_UNKNOWN = 0,                 /* no report of its VIOSs yet */
	MH_UP,
	MH_DEGRADED,                    /* a VIOS down or its HM not responsive */
	MH_SUSPECT,                     /* every VIOS unhealthy, < host_fdt */
	MH_CHECKING,                    /* sanity requests in flight */
	MH_FAILED,                      /* HOST_FAILURE_DETECTED */
};

struct mhost {
	char name[MON_NAME];
	char uuid[MON_UUID];
	int monitored;                  /* eff_host_monitored */
	int host_fdt;                   /* effective host_failure_detection_time */
	double unhealthy_since;         /* loop time all VIOSs were first unhealthy, 0 */
	int sanity;                     /* -1 not sent, 0 none answered, 1 one answered */
	int sanity_pending;             /* sanity QQs in flight */
	int sanity_answered;            /* this round */
	int failed;                     /* HOST_FAILURE_DETECTED raised */
	enum fde_host_verdict verdict;
};

/* Evidence of one VM, allocated while its heartbeats are missed. */
struct mev {
	char ip[64];                    /* "" unknown */
	int ping_ok;                    /* -1, 0, 1 */
	int lpar_read;
	char lpar_state[48];
	char refcode[64];
	char boot_mode[24];
	int word3;                      /* -1 not read, 0, 1 */
	char note[96];                  /* why the last check stopped, "" */
};

struct mvm {
	char name[MON_NAME];
	char uuid[MON_UUID];            /* upper case */
	int host;                       /* index in g->hosts */
	int monitored;                  /* eff_vm_monitored */
	int vmfdt;                      /* HMC seconds */
	char speed[8];                  /* fast | normal | slow */
	enum vios_vm_state state;       /* HSDB state, OTHER until reported */
	char state_str[16];
	long long missed_hb;            /* NA missedHb, 0 while heartbeats arrive */
	long long hb_offset;
	unsigned long short_msg;
	int missed_noted;               /* VM_MISSED_HB raised this episode */
	int ev_busy;                    /* an evidence gathering is running */
	struct mev *ev;                 /* NULL while heartbeats arrive */
	enum fde_vm_action verdict;     /* last completed check, FDE_VM_OK none */
	enum fde_vm_action acted;       /* last event raised this episode */
	int checked;                    /* a check completed this episode */
	int reloc;                      /* a relocation request is pending */
};

enum mon_req {
	MR_QQ = 0,
	MR_NA,
	MR_ACK,                         /* of the NA's hsTag */
	MR_QND,                         /* QUERY_NODE_DATA */
	MR_ACK_ND,                      /* of the node data's hsTag */
	MR_SANITY,                      /* QQ straight to one VIOS of a suspect host */
};

struct mgroup {
	struct monitor *m;              /* NULL in unit tests */
	const struct fde_params *p;
	const struct mon_sink *sink;
	char name[MON_NAME];
	char state[32];                 /* store state, READY */
	struct mhost *hosts;            /* store order (by name) */
	size_t n_hosts;
	struct mvios *vioses;           /* managed VIOSs, by name */
	size_t n_vioses;
	struct mvm *vms;                /* managed VMs of its hosts, by uuid */
	size_t n_vms;
	/* polling */
	int designated;                 /* index in vioses, -1 none */
	ev_timer tick;
	int ticking;
	unsigned long cycle;
	int busy;                       /* a request of the poll chain is in flight */
	size_t tries;                   /* failovers in this round */
	long long ack_tag;              /* NA tag to acknowledge */
	int want_nd;                    /* NA saw hasData=1 */
	long long nd_tag;
	double last_poll;               /* loop time of the last answer, 0 */
	int64_t last_poll_ms;           /* wall time of it */
	char last_kind[24];             /* QUICK_QUERY, NEEDS_ATTENTION */
	char last_result[256];          /* "ok" or the error */
	int last_ok;
	int failing;                    /* a whole round failed: failovers quiet */
	unsigned long long polls, poll_failures, acks, caa_events;
	int vm_checks;                  /* VM evidence gatherings running */
	int pending;                    /* asynchronous operations holding g */
	int dead;                       /* dropped by a refresh: freed at pending 0 */
	int changed;                    /* something listeners should see */
	int store_failed;               /* an event of the current reply was lost */
	struct buf req;
	struct mgroup *next;
};

/* ---- lookups (monitor_model.c) ---- */
struct mvios *mon_vios_find(struct mgroup *g, const char *uuid);
struct mvm *mon_vm_find(struct mgroup *g, const char *uuid);
/* Sorts g->vms by uuid (after loading). */
void mon_vms_sort(struct mgroup *g);
const char *mon_host_state_name(enum mon_host_state s);
enum mon_host_state mon_host_state(const struct mgroup *g, const struct mhost *h);
/* A one-line account of a VM's health for status ("healthy", ...). */
void mon_vm_verdict(const struct mgroup *g, const struct mvm *vm, char *out, size_t n);
/* HMC seconds since a loop time. */
long long mon_hmc_secs(double now, double since);

/* ---- replies (monitor_model.c) ----
 * Apply a parsed reply: transitions become events, g->changed is set when
 * something listeners should see changed.  mon_model_na returns 1 when a VIOS
 * has CAA event data waiting (QUERY_NODE_DATA wanted).  mon_model_nodedata
 * returns 0 when every event was stored (its tag may be acknowledged), -1
 * otherwise. */
void mon_model_stat(struct mgroup *g, const struct vios_stat *s, double now);
void mon_model_qq(struct mgroup *g, const struct vios_qq *q, double now);
int mon_model_na(struct mgroup *g, const struct vios_na *na, double now);
int mon_model_nodedata(struct mgroup *g, const struct vios_nodedata *nd);

/* ---- decisions (monitor_model.c) ---- */
/* fde_vios on the evidence gathered so far for v (CAA UP: HEALTHY).  Returns
 * that step's answer; v->verdict takes it when it is final (not NEED_*) or
 * when v has no final verdict yet, so a verdict stands while fresh evidence
 * is being gathered. */
enum fde_vios_verdict mon_vios_step(struct mgroup *g, struct mvios *v);
/* fde_host for host h: WAIT starts the clock, FAILED raises
 * HOST_FAILURE_DETECTED and a relocation request per managed VM (once), OK
 * clears everything.  Returns the verdict (NEED_SANITY: the caller sends the
 * sanity requests unless h->sanity_pending). */
enum fde_host_verdict mon_host_step(struct mgroup *g, struct mhost *h, double now);
/* The sanity round of h ended; answered: a VIOS said it is UP or its HM is
 * responsive.  Re-runs mon_host_step. */
enum fde_host_verdict mon_sanity_done(struct mgroup *g, struct mhost *h, int answered,
                                      double now);
/* 1 when vm needs an evidence gathering now (monitored, missedHb >= VMFDT,
 * none running, no relocation pending, its host not suspect). */
int mon_vm_due(const struct mgroup *g, const struct mvm *vm);
/* Starts a gathering: fresh evidence (the known address kept). */
void mon_vm_begin(struct mgroup *g, struct mvm *vm);
/* fde_vm on the evidence so far.  NEED_*: the caller fetches it and calls
 * again; anything else ends the gathering and is acted on (events,
 * relocation request). */
enum fde_vm_action mon_vm_step(struct mgroup *g, struct mvm *vm);
/* Ends a gathering without a verdict (an HMC read failed): retried at the
 * next NEEDS_ATTENTION. */
void mon_vm_abort(struct mgroup *g, struct mvm *vm, const char *why);

/* The refcode history (`lsrefcode ... -F time_stamp,refcode,word3`, one
 * entry a line, newest first): 1 when the newest D200A200 entry has a word3,
 * 0 when it has none or there is no such entry; -1 with err when no line
 * could be read. */
int mon_refcode_word3(const char *text, char *err, size_t errlen);

/* Frees the model arrays (and evidence) of g, not g. */
void mon_group_clear(struct mgroup *g);

/* ---- the running monitor (monitor.c, monitor_load.c, monitor_evidence.c) ---- */
#define MON_RELOAD_SECS 60.0            /* store re-read (configuration changes) */
#define MON_JOB_SECS 120.0              /* pass-through job timeout (scaled) */
#define MON_JOB_MIN 5.0                 /* ... but never below, real seconds */
#define MON_HIST_SECS 300.0             /* CLIRunner job timeout (scaled) */
#define MON_PING_COUNT 3
#define MON_CONSOLES_MAX 16

enum op_kind {
	OP_POLL = 0,
	OP_SANITY,
	OP_VIOS_PING,
	OP_VIOS_READ,
	OP_VM_PING,
	OP_VM_READ,
	OP_CONSOLE,
	OP_HIST,
};

/* One asynchronous operation: what to find again when it comes back (by
 * UUID, since a refresh may rebuild the arrays meanwhile). */
struct op {
	struct monitor *m;
	struct mgroup *g;
	enum op_kind kind;
	enum mon_req req;
	char uuid[MON_UUID];            /* VIOS or VM */
	char host_uuid[MON_UUID];
	struct op *prev, *next;
};

struct listener {
	void *cookie;
	void (*cb)(void *cookie, int final);
	struct listener *next;
};

struct console {
	char hmc[MON_NAME];
	char uuid[MON_UUID];
};

struct monitor {
	struct core *core;
	struct fde_params p;
	struct mon_sink sink;
	struct mgroup *groups;
	struct mreloc *relocs;
	struct op *ops;
	struct listener *listeners;
	int notifying;
	ev_timer reload;
	int sys_enabled;
	struct console consoles[MON_CONSOLES_MAX];
	size_t n_consoles;
};

/* monitor.c */
const char *mon_req_name(enum mon_req r);
double mon_job_timeout(double secs);    /* real seconds to give a job */
int64_t mon_wall_ms(void);
int mon_stopping(const struct monitor *m);
/* Calls the listeners when a group changed (and clears the flags). */
void mon_notify(struct monitor *m);
/* An operation holding g (g->pending).  mon_op_end unlinks and frees it and
 * returns its group, or NULL when the caller must return at once (the group
 * was dropped, ksysd is stopping). */
struct op *mon_op_new(struct mgroup *g, enum op_kind kind, const char *uuid,
                      const char *host_uuid);
struct mgroup *mon_op_end(struct op *o);
void mon_group_free(struct mgroup *g);
struct mhost *mon_host_find(struct mgroup *g, const char *uuid);
int mon_sink_event(void *arg, struct mgroup *g, const char *name, const char *sev,
                   const char *kind, const char *obj, const char *text);
void mon_sink_reloc_clear(void *arg, struct mgroup *g, const struct mvm *vm,
                          const char *why);
void mon_poll_tick(struct ev_loop *loop, ev_timer *w, int revents);
/* monitor_load.c */
int mon_running(const struct mvios *v);
void mon_reload_cb(struct ev_loop *loop, ev_timer *w, int revents);
/* monitor_evidence.c: gather what fde asks for, then decide again */
void mon_vios_check(struct mgroup *g, struct mvios *v);
void mon_vm_check(struct mgroup *g, struct mvm *vm);
void mon_sanity_send(struct mgroup *g, struct mhost *h);

/* ---- status (monitor_status.c) ---- */
struct mreloc {
	char vm[MON_NAME];
	char vm_uuid[MON_UUID];
	char host[MON_NAME];
	char group[MON_NAME];
	char reason[256];
	int64_t time_ms;
	struct mreloc *next;
};

struct mon_status_src {
	struct mgroup *groups;
	struct mreloc *relocs;
	int sys_enabled;                /* system ha_monitor */
	int ping;                       /* ICMP available */
	double now;
};
void mon_status_render(const struct mon_status_src *s, int json, int verbose,
                       struct buf *out);

#endif
