/* world — the simulated Power estate behind hmcsim: HMCs, hosts, VIOSs,
 * LPARs, jobs, faults and counters.
 *
 * One struct world per hmcsim process, owned by main.c.  The REST side
 * (httpd.c, feeds.c, jobs.c) reads it to answer requests and changes it only
 * through the world_* operations below, which enforce the real HMC's
 * preconditions and keep the counters (double starts above all) honest.  The
 * control side (simctl.c, topo.c, faults.c) builds it from a topology and injects
 * faults.  Nothing here does I/O; timers belong to the callers.
 */
#ifndef HMCSIM_WORLD_H
#define HMCSIM_WORLD_H

#include <stddef.h>
#include <ev.h>

#define SIM_UUID_LEN 40
#define SIM_NAME_LEN 64
#define SIM_REFCODE_HIST 16             /* reference codes kept per partition */

struct world;
struct sim_session;
struct simhm;
struct simnet;

struct sim_hmc {
	int idx;
	char name[SIM_NAME_LEN];
	char uuid[SIM_UUID_LEN];
	char addr[64];                  /* listen address, e.g. 127.0.0.1 */
	int port;                       /* listen port (0 before bind: ephemeral) */
	char user[64], password[64];    /* accepted credentials */
	char mtms_type[8], mtms_model[8], mtms_serial[16];
	long long next_job_id;          /* 13 digits: start epoch ms, +1 per job */
	double session_idle;            /* seconds (real, scaled by caller) */
	/* faults */
	int down;                       /* hmc-down: listener closed, connections dropped */
	int slow_ms;                    /* hmc-slow MS: every response delayed */
	int http_error_code;            /* http-error CODE: answer the next ... */
	int http_error_count;           /* ... N requests with it (-1: until cleared) */
	void *server;                   /* httpd.c's per-HMC state */
	struct sim_session *sessions;   /* owned by httpd.c */
	unsigned long long requests, logons, relogons_forced;
};

enum sim_host_state {
	SIM_HOST_OPERATING = 0,
	SIM_HOST_POWER_OFF,
	SIM_HOST_POWER_OFF_IN_PROGRESS,
	SIM_HOST_ERROR,
	SIM_HOST_NO_CONNECTION,
	SIM_HOST_INITIALIZING,
};

struct sim_host {
	int idx;
	char name[SIM_NAME_LEN];
	char uuid[SIM_UUID_LEN];
	char mtms_type[8], mtms_model[8], mtms_serial[16];
	char ip[64];
	enum sim_host_state state;
	double proc_installed;          /* processing units */
	long long mem_installed_mb;
	unsigned hmc_mask;              /* bit i set: managed by hmcs[i] */
};

enum sim_lpar_state {
	SIM_LPAR_NOT_ACTIVATED = 0,
	SIM_LPAR_STARTING,
	SIM_LPAR_RUNNING,
	SIM_LPAR_SHUTTING_DOWN,
	SIM_LPAR_ERROR,
	SIM_LPAR_NOT_AVAILABLE,
	SIM_LPAR_OPEN_FIRMWARE,
	SIM_LPAR_MIGRATING_RUNNING,
};

/* A partition definition on one host.  A client LPAR normally has exactly one
 * instance; a Simplified Remote Restart leaves a stale instance on the source
 * host (rr_state "Source_Remote_Restarted") that reappears when that host
 * comes back.  Starting a stale instance while the current one runs is a
 * double start and is counted. */
struct sim_lpar {
	int idx;
	char name[SIM_NAME_LEN];
	char uuid[SIM_UUID_LEN];
	int id;                         /* PartitionID on its host */
	int is_vios;
	char os_type[24];               /* "AIX/Linux" | "Virtual IO Server" | "OS400" */
	int host;                       /* index of the host holding the current instance */
	int stale_host;                 /* host holding a stale instance, or -1 */
	enum sim_lpar_state state;
	char refcode[32];
	char boot_mode[16];             /* "norm", "sms", ... */
	char rr_state[40];              /* RemoteRestartState */
	char ip[64];                    /* RMC / ping address (loopback) */
	int dedicated;
	double proc_desired, proc_min, proc_max;
	int vcpu_desired;
	long long mem_desired_mb, mem_min_mb, mem_max_mb;
	int srr_capable;
	double started_at;              /* ev_now when it last went running */
	/* Added by the control side (H4): the stale instance's own state and
	 * RemoteRestartState while stale_host >= 0. */
	enum sim_lpar_state stale_state;
	char stale_rr_state[40];
	/* OperatingSystemVersion ("VIOS 3.1.0.00", "AIX 7.2 7200-04-01-1939");
	 * "" serves the default of its type. */
	char os_version[64];
	/* RMC forced inactive (rmc-down fault, rmc="inactive" in a topology):
	 * ResourceMonitoringControlState reads "inactive" even while running,
	 * and operations that need RMC fail.  Without it RMC is active exactly
	 * while the partition runs. */
	int rmc_inactive;
	/* Pass-through bookkeeping (passthru.c): named by a VIO_HS_ADD_VM (or
	 * ADD_MS for a VIOS) / VIO_HS_START_VM request, undone by REMOVE_VM /
	 * STOP_VM. */
	int hs_added, hs_started;
	/* ---- Host Monitor side (H5) ---- */
	int no_agent;                   /* lpar{ agent = false }: no simulated VM agent */
	int ip_auto;                    /* ip was assigned by hmcsim, not the topology */
	/* Faults in force (faults.c); the state-type ones (crash, shutdown, sms,
	 * lpm_hang, hang, vios_down) end by themselves when the partition is
	 * started or stopped by other means (jobs, host power). */
	int f_crash, f_shutdown, f_sms, f_lpm_hang, f_hang, f_unpingable;
	char f_word3[16];               /* vm-shutdown word3 */
	int f_hb_loss;                  /* vm-hb-loss: 0 none, -1 every HM, else
	                                 * 1 + index of the VIOS whose HM hears nothing */
	int f_vios_down;                /* 1 vios-down (crash), 2 vios-shutdown */
	int f_hm_stop;                  /* hm-stop: the VIOS's Host Monitor is stopped */
	/* Reference code history, newest last (ring of SIM_REFCODE_HIST). */
	struct sim_refcode {
		long long ts_ms;        /* wall clock, epoch ms */
		char refcode[16];
		char word3[16];         /* "" when not set */
	} rc_hist[SIM_REFCODE_HIST];
	int rc_n, rc_next;
};

enum sim_job_status {
	SIM_JOB_NOT_STARTED = 0,
	SIM_JOB_RUNNING,
	SIM_JOB_COMPLETED_OK,
	SIM_JOB_COMPLETED_WITH_ERROR,
	SIM_JOB_FAILED_BEFORE_COMPLETION,
	SIM_JOB_CANCELED,
};

struct sim_param {
	char name[64];
	char *value;                    /* owned (inputXML can be large) */
};

#define SIM_JOB_MAX_PARAMS 24

struct sim_job {
	struct sim_job *next;           /* world->jobs list, newest first */
	long long id;
	int hmc;                        /* index of the HMC that runs it */
	char operation[32];             /* PowerOn, PowerOff, RemoteRestart, ... */
	char group[32];                 /* LogicalPartition, VirtualIOServer, ... */
	char target_uuid[SIM_UUID_LEN];
	char target_name[SIM_NAME_LEN];
	enum sim_job_status status;
	long long time_started, time_completed;   /* epoch ms, 0 unset */
	size_t n_params;
	struct sim_param params[SIM_JOB_MAX_PARAMS];
	size_t n_results;
	struct sim_param results[8];
	char progress_key[48];
	ev_timer timer;                 /* jobs.c drives the lifecycle */
	int deleted;                    /* DELETEd by the client */
};

/* A disk shared by VIOSs (CAA repository / HSDB disks); disk{} in topologies.
 * Each VIOS that sees it lists it among its PhysicalVolumes, after its own
 * boot disk hdisk0, as hdisk1, hdisk2... in topology order. */
#define SIM_DISK_MAX_VIOS 32
struct sim_disk {
	char id[SIM_NAME_LEN];          /* e.g. a LUN id "600507680C8101E1..." */
	long long size_gb;
	size_t n_vios;
	int vios[SIM_DISK_MAX_VIOS];    /* indexes into world->lpars */
};

/* Pass-through requests counted per action_str (passthru.c). */
#define SIM_PT_MAX_ACTIONS 32
#define SIM_PT_ACTION_LEN 48
struct sim_pt_count {
	char action[SIM_PT_ACTION_LEN]; /* "VIO_HS_QUICK_QUERY" */
	unsigned long long n;
};

struct world_counters {
	unsigned long long double_starts;
	unsigned long long jobs_submitted, jobs_ok, jobs_failed, jobs_canceled;
	unsigned long long jobs_deleted;
	unsigned long long power_on, power_off, remote_restart, migrate;
	unsigned long long http_requests, http_401, http_5xx;
	unsigned long long sessions_expired;
};

/* Operation durations in real seconds (scaled by the caller when arming). */
struct world_timing {
	double job_start;               /* NOT_STARTED -> RUNNING */
	double power_on, power_off, remote_restart, migrate, migrate_validate;
	double passthrough;
};

/* A job-fail fault: the next job with this operation fails with this code. */
struct sim_jobfail {
	char operation[32];
	char hscl[16];                  /* e.g. HSCL0DB4 */
	int remaining;                  /* -1 until cleared */
	int hmc;                        /* HMC index it applies to, -1: every HMC */
};

/* Callbacks the REST side registers so control-side changes take effect. */
struct world_hooks {
	void (*hmc_changed)(struct world *w, struct sim_hmc *h, void *arg);
	void *arg;
};

struct world {
	struct ev_loop *loop;
	size_t n_hmcs, n_hosts, n_lpars;
	struct sim_hmc *hmcs;
	struct sim_host *hosts;
	struct sim_lpar *lpars;         /* VIOSs and client LPARs together */
	struct sim_job *jobs;
	size_t n_jobs_live;
	struct world_counters ctr;
	struct world_timing timing;
	struct sim_jobfail jobfail[8];
	size_t n_jobfail;
	struct world_hooks hooks;
	char state_dir[256];
	/* Added by the control side (H4): shared disks (disk{} in a topology). */
	struct sim_disk *disks;
	size_t n_disks;
	/* Pass-through requests by action_str, first seen first; requests whose
	 * inputXML was refused as malformed. */
	struct sim_pt_count pt[SIM_PT_MAX_ACTIONS];
	size_t n_pt;
	unsigned long long pt_malformed;
	/* Host Monitor side (H5): clusters, HSDBs, Host Monitors and agents
	 * (hm.c, created on first use) and partition addresses (netaddr.c). */
	struct simhm *hm;
	struct simnet *net;
};

/* Lifecycle (world.c) */
struct world *world_new(struct ev_loop *loop);
void world_free(struct world *w);

/* Lookups: NULL when absent.  UUIDs compare case-insensitively. */
struct sim_hmc *world_hmc_by_name(struct world *w, const char *name);
struct sim_host *world_host_by_uuid(struct world *w, const char *uuid);
struct sim_host *world_host_by_name(struct world *w, const char *name);
struct sim_lpar *world_lpar_by_uuid(struct world *w, const char *uuid);
struct sim_lpar *world_lpar_by_name(struct world *w, const char *name);
struct sim_job *world_job_by_id(struct world *w, long long id);
/* 1 when host h is managed by HMC hmc. */
int world_host_managed_by(const struct sim_host *h, const struct sim_hmc *hmc);

/* Capacity still free on a host: installed minus what running/starting
 * instances there use (VIOSs included). */
double world_host_proc_avail(struct world *w, const struct sim_host *h);
long long world_host_mem_avail(struct world *w, const struct sim_host *h);

const char *world_host_state_name(enum sim_host_state s);  /* "operating", "power off", ... */
const char *world_lpar_state_name(enum sim_lpar_state s);  /* "running", "not activated", ... */
int world_host_state_parse(const char *s, enum sim_host_state *out);
/* A state name as one word, spaces turned into '_' ("power off" ->
 * "power_off"): the form `hmcsim ctl ... show` prints, so every line of a
 * class keeps a fixed number of fields. */
void world_state_word(const char *state, char *out, size_t len);

/* Operations (world.c).  Each checks the real HMC precondition and returns 0,
 * or -1 with err holding the HMC message the job reports, starting with an
 * HSCL code ("HSCL0DB4 The partition is not in a state ..."). */
int world_power_on(struct world *w, struct sim_lpar *l, const char *bootmode,
                   char *err, size_t errlen);
int world_power_off(struct world *w, struct sim_lpar *l, int immediate,
                    char *err, size_t errlen);
/* Simplified Remote Restart: source host must be in power off, power off in
 * progress, error, no connection or initializing; target operating with room. */
int world_remote_restart(struct world *w, struct sim_lpar *l, struct sim_host *target,
                         char *err, size_t errlen);
int world_migrate(struct world *w, struct sim_lpar *l, struct sim_host *target,
                  int validate_only, char *err, size_t errlen);
/* Take the next job-fail fault matching op, if any: copies the HSCL code. */
int world_take_jobfail(struct world *w, const char *op, char *hscl, size_t len);

/* Faults (world.c; simctl.c and the timeline call them). */
int world_host_power_off(struct world *w, struct sim_host *h);   /* LPARs -> not available */
int world_host_power_on(struct world *w, struct sim_host *h, int restart_stale);
void world_hmc_set_down(struct world *w, struct sim_hmc *h, int down);

/* Jobs registry (jobs.c owns the lifecycle; world.c only stores). */
void world_job_add(struct world *w, struct sim_job *j);
void world_job_free(struct world *w, struct sim_job *j);   /* unlinks and frees */

/* ---- Added by the control side (H4).  Additive only. ---- */

/* 1 when an instance in state s holds processors and memory on its host (and
 * counts as "running" for double starts): starting, running, shutting down,
 * error, open firmware, migrating running. */
int world_lpar_state_active(enum sim_lpar_state s);
int world_lpar_state_parse(const char *s, enum sim_lpar_state *out);

/* Like world_take_jobfail, but honours the HMC a job-fail fault names:
 * only faults for HMC index hmc (or for every HMC) match.  1 when a fault was
 * taken (code copied to hscl), 0 otherwise.  world_take_jobfail() itself
 * matches faults of any HMC. */
int world_take_jobfail_hmc(struct world *w, int hmc, const char *op,
                           char *hscl, size_t len);

/* The message text (without the code) of an HSCL code the world uses, or a
 * generic "simulated failure" text for others.  Never NULL. */
const char *world_hscl_text(const char *code);

/* General host state change (world_host_power_off/on are wrappers):
 * power off, power off in progress, error: every instance on the host (VIOSs
 * included, stale ones too) becomes "not available";
 * no connection, initializing: only the host state changes (partitions keep
 * running: the HMC merely lost sight of them);
 * operating: instances that are "not available" come back: VIOSs running,
 * client LPARs not activated, stale instances running when restart_stale
 * (a double start when the current instance runs elsewhere).  Returns 0. */
int world_host_set_state(struct world *w, struct sim_host *h, enum sim_host_state st,
                         int restart_stale);

/* RemoteRestart Operation=cleanup: forget the stale instance once its host
 * is operating again and the instance is not active.  0, or -1 with an
 * HSCL-coded err. */
int world_rr_cleanup(struct world *w, struct sim_lpar *l, char *err, size_t errlen);

/* Call the hmc_changed hook (after changing slow_ms or http_error_*). */
void world_hmc_changed(struct world *w, struct sim_hmc *h);

struct sim_disk *world_disk_by_id(struct world *w, const char *id);

/* ---- Disks and RMC as the REST API shows them ---- */

/* Default OperatingSystemVersion of a partition of that kind and os_type. */
const char *world_default_os_version(int is_vios, const char *os_type);
/* The OperatingSystemVersion l reports (its own, else the default). */
const char *world_lpar_os_version(const struct sim_lpar *l);

/* The UniqueDeviceID (ViodiskID) of the disk with this id: "01" followed by
 * the base64 (RFC 4648, padded) of "3IBM2145" and the id, so a shared disk
 * has the same UDID on every VIOS.  out needs 2 + 4 * ((8 + len(id) + 2) / 3)
 * + 1 bytes (128 is enough for any id hmcsim accepts). */
void world_disk_udid(const char *id, char *out, size_t len);
/* The id of VIOS v's own boot disk (hdisk0): its UUID without dashes. */
void world_boot_disk_id(const struct sim_lpar *v, char *out, size_t len);
/* 1 when shared disk d is seen by the partition with index lpar_idx. */
int world_disk_seen_by(const struct sim_disk *d, int lpar_idx);

/* 1 when the HMC sees an RMC connection to l: it runs (or migrates
 * running) and no rmc-down fault holds. */
int world_lpar_rmc_active(const struct sim_lpar *l);
/* rmc-down (active = 0) / rmc-up (active = 1) on l; logged. */
void world_lpar_set_rmc(struct world *w, struct sim_lpar *l, int active);

/* ---- Host Monitor side (H5) ---- */

/* Call after any change of l's state, host or faults: the Host Monitor model
 * (hm.c) and the address manager (netaddr.c) follow.  world.c's own
 * operations call it; faults.c calls it after a partition fault. */
void world_lpar_changed(struct world *w, struct sim_lpar *l);

/* Set l's current ReferenceCode and append it to the history (word3 NULL or
 * "" = not set); ts_ms 0 takes the wall clock. */
void world_refcode_push(struct world *w, struct sim_lpar *l, const char *refcode,
                        const char *word3, long long ts_ms);
/* The reference code of a running OS: "Linux ppc64" when OperatingSystemVersion
 * starts with "Linux" ("SUSE Linux" when it names SUSE), else "00000000". */
const char *world_os_refcode(const struct sim_lpar *l);

/* 1 when l's simulated VM agent heartbeats now: a client LPAR with an agent,
 * running on an operating host, not hung (vm-hang) or in another fault. */
int world_lpar_agent_up(const struct world *w, const struct sim_lpar *l);
/* 1 when l's OS answers ping: running (or migrating without vm-lpm-hang) on
 * an operating host and no vm-unpingable. */
int world_lpar_answers_ping(const struct world *w, const struct sim_lpar *l);
/* 1 when VIOS v is up for CAA: running on an operating host. */
int world_vios_caa_up(const struct world *w, const struct sim_lpar *v);

#endif
