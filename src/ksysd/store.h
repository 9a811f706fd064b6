/* store — ksysd's persistent state: STATEDIR/ksys.db (SQLite, WAL).
 *
 * Holds the configuration objects (cluster, HMCs with credentials, hosts, host
 * groups, VIOSs, VMs, affinity groups, notification contacts, system
 * attributes), the discovered inventory, the event log and the action journal.
 * This is the only module that runs SQL (DESIGN §4).  Every call is synchronous
 * and small (one indexed statement or a handful); the loop tolerates that, and
 * WAL with synchronous=NORMAL keeps commits to an fsync-free append.  Not for
 * in-memory model state, not for traces.  Passwords are stored (file 0600) since
 * the HMC needs them, and are never logged here.
 */
#ifndef KSYS_STORE_H
#define KSYS_STORE_H

#include <stddef.h>
#include <stdint.h>

/* Newest schema version this build knows (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 2
#define STORE_DB_NAME "ksys.db"

struct store;

/* SQL of the migration to `version` (1..STORE_SCHEMA_VERSION), NULL outside
 * that range (store_schema.c; for store.c and tests). */
const char *store_schema_migration(int version);

/* Open or create STATEDIR/ksys.db (and its -wal/-shm) mode 0600, switch to
 * WAL, apply pending migrations (each in its own transaction).  Refuses a file
 * written by a newer ksysd.  Returns the handle (caller frees with
 * store_close) or NULL with err filled. */
struct store *store_open(const char *statedir, char *err, size_t errlen);
void store_close(struct store *s);
/* For `ksysd -t`: inspects STATEDIR/ksys.db read-only, without migrating.
 * 0 with msg describing it (absent, current, to be migrated), or -1 with msg
 * saying why ksysd would refuse it (newer version, not a database). */
int store_check(const char *statedir, char *msg, size_t msglen);
int store_schema_version(struct store *s);
/* Absolute-or-as-given path of the database file (owned by s). */
const char *store_path(struct store *s);

/* Transactions, so a multi-object request is all-or-nothing.  Not nestable:
 * store_begin inside an open transaction fails.  A failed commit rolls the
 * transaction back.  Without store_begin each call commits on its own. */
int store_begin(struct store *s, char *err, size_t errlen);
int store_commit(struct store *s, char *err, size_t errlen);
int store_rollback(struct store *s);

/* How a put treats an existing/missing object of that name. */
enum store_put_mode {
	STORE_UPSERT = 0,       /* insert, or update the record of that name */
	STORE_INSERT,           /* fail "<kind> 'x' already exists" */
	STORE_UPDATE,           /* fail "<kind> 'x' does not exist" */
};

/* Conventions for every config object below:
 *   put:    insert/update by name per mode; referenced objects (host group of
 *           a host, host of a VM, ...) must exist, else -1 "host 'h': host
 *           group 'g' does not exist".  Empty strings in reference or
 *           "inherit" fields are stored as NULL.
 *   get:    0 and *out filled, or -1 "<kind> 'x' does not exist".
 *   list:   calls cb once per record ordered by name; a nonzero return from
 *           cb stops the walk and is returned; -1 on SQL error.
 *   delete: -1 "<kind> 'x' does not exist", or refused when dependents
 *           remain (message names one of them); dependents that are part of
 *           the object (blacklists, memberships, discovered VIOSs and VMs of
 *           a host) go with it.
 * Strings in records must be NUL-terminated within their field; an
 * unterminated field is refused ("<kind>: <field> is too long").
 * List callbacks may call other store functions (even writes), but not the
 * same list function again: statements are cached and shared. */

#define STORE_NAME_MAX 64

/* Inheritable attributes: "" = not set here (inherit from the parent,
 * vm -> host -> host_group -> system, spec/D §8). */

struct store_cluster {
	char name[STORE_NAME_MAX];
	char type[16];          /* "HA" */
	char state[32];         /* e.g. "Online" */
	char ksysnodes[256];    /* comma-separated node names */
};

struct store_hmc {
	char name[STORE_NAME_MAX];
	char address[256];
	int port;
	char user[64];
	char password[256];     /* never logged */
	char pin[512];          /* "sha256//B64[;...]" or "" */
	char cafile[4096];
	int tls_verify;         /* 0/1 */
};

struct store_host {
	char name[STORE_NAME_MAX];
	char uuid[64];          /* unique when set */
	char mtms[64];          /* machine type-model*serial as learned from the HMC */
	char host_group[STORE_NAME_MAX]; /* "" = none */
	char state[32];
	char ha_monitor[16];    /* "" | enable | disable */
	char vm_failure_detection_speed[16]; /* "" | fast | normal | slow */
	char fsp_ip[64];        /* service processor address, "" until discovery */
	char hmcs[256];         /* HMCs managing it, comma-separated */
};

enum store_prio {
	STORE_PRIO_HIGH = 0,
	STORE_PRIO_MEDIUM,
	STORE_PRIO_LOW,
	STORE_PRIO_N,
};

struct store_host_group {
	char name[STORE_NAME_MAX];
	char repo_disk[128];    /* ViodiskID */
	char ha_disk[128];
	char ha_monitor[16];    /* "" | enable | disable; shown "enable" by default */
	char restart_policy[16];        /* auto | advisory_mode (default auto, spec/D §9.1) */
	char vm_failure_detection_speed[16];    /* "" | fast | normal | slow */
	int host_failure_detection_time;        /* 0 = inherit, else 90..600 s */
	char state[32];         /* NEW, READY, ... */
	/* flexible capacity per priority (spec/D §9.3): "1".."100", "minimum",
	 * "current_desired" or "none"; default "100" */
	char mem_capacity[STORE_PRIO_N][16];
	char cpu_capacity[STORE_PRIO_N][16];
	int skip_power_on;      /* 0/1, shown "Skip_power_on: No" */
	int64_t discovered_ms;  /* end of the last successful discovery, 0 never */
	int64_t verified_ms;    /* end of the last verification, 0 never */
};

struct store_vios {
	char name[STORE_NAME_MAX];
	char uuid[64];
	char host[STORE_NAME_MAX];      /* required */
	int managed;            /* 1 by default */
	char state[32];
	char version[64];       /* "VIOS 3.1.0.00" when known */
	char hm_version[64];    /* Host Monitor version, "" = Unknown */
	int part_id;            /* LPAR id on its host */
};

struct store_vm {
	char name[STORE_NAME_MAX];
	char uuid[64];          /* unique when set */
	char host[STORE_NAME_MAX];      /* current host, "" = unknown */
	char home_host[STORE_NAME_MAX]; /* "" = none */
	int managed;            /* default managed (spec/D §5.2) */
	char ha_monitor[16];    /* "" | enable | disable */
	char priority[16];      /* High | Medium | Low (default Medium, spec/D §5.3 Ex 3-48) */
	char vm_failure_detection_speed[16];
	char state[32];         /* INIT, READY_TO_MOVE, ... */
	int part_id;            /* LPAR id on its host, 0 unknown */
	char lpar_state[48];    /* PartitionState as the HMC last said */
	char vm_status[48];     /* NO_OPERATION_IN_PROGRESS, ... */
	char lpm_status[64];    /* last validation: "", "Validated", "Failed" ... */
	char verify_error[2048];/* HMC error text of the last failed validation */
	int64_t verified_ms;    /* time of the last validation, 0 never */
};

struct store_affinity {
	char name[STORE_NAME_MAX];
	char kind[24];          /* collocation | anticollocation | workgroup */
};

struct store_contact {
	char user[STORE_NAME_MAX];
	char contact[256];
	char kind[16];          /* email | sms | pager */
};

int store_cluster_put(struct store *s, const struct store_cluster *c,
		      enum store_put_mode mode, char *err, size_t errlen);
int store_cluster_get(struct store *s, const char *name, struct store_cluster *out,
		      char *err, size_t errlen);
int store_cluster_list(struct store *s,
		       int (*cb)(const struct store_cluster *, void *), void *arg);
int store_cluster_delete(struct store *s, const char *name, char *err, size_t errlen);

int store_hmc_put(struct store *s, const struct store_hmc *h,
		  enum store_put_mode mode, char *err, size_t errlen);
int store_hmc_get(struct store *s, const char *name, struct store_hmc *out,
		  char *err, size_t errlen);
int store_hmc_list(struct store *s,
		   int (*cb)(const struct store_hmc *, void *), void *arg);
int store_hmc_delete(struct store *s, const char *name, char *err, size_t errlen);

int store_host_put(struct store *s, const struct store_host *h,
		   enum store_put_mode mode, char *err, size_t errlen);
int store_host_get(struct store *s, const char *name, struct store_host *out,
		   char *err, size_t errlen);
int store_host_list(struct store *s,
		    int (*cb)(const struct store_host *, void *), void *arg);
/* Refused while the host is in a host group; its VIOSs, VMs and blacklist
 * entries go with it, VMs homed on it lose their home host. */
int store_host_delete(struct store *s, const char *name, char *err, size_t errlen);

int store_host_group_put(struct store *s, const struct store_host_group *g,
			 enum store_put_mode mode, char *err, size_t errlen);
int store_host_group_get(struct store *s, const char *name, struct store_host_group *out,
			 char *err, size_t errlen);
int store_host_group_list(struct store *s,
			  int (*cb)(const struct store_host_group *, void *), void *arg);
/* Refused while hosts are members. */
int store_host_group_delete(struct store *s, const char *name, char *err, size_t errlen);
/* Fill *g with the defaults of a new host group named name. */
void store_host_group_defaults(struct store_host_group *g, const char *name);

int store_vios_put(struct store *s, const struct store_vios *v,
		   enum store_put_mode mode, char *err, size_t errlen);
int store_vios_get(struct store *s, const char *name, struct store_vios *out,
		   char *err, size_t errlen);
int store_vios_list(struct store *s,
		    int (*cb)(const struct store_vios *, void *), void *arg);
int store_vios_delete(struct store *s, const char *name, char *err, size_t errlen);

int store_vm_put(struct store *s, const struct store_vm *v,
		 enum store_put_mode mode, char *err, size_t errlen);
int store_vm_get(struct store *s, const char *name, struct store_vm *out,
		 char *err, size_t errlen);
int store_vm_list(struct store *s,
		  int (*cb)(const struct store_vm *, void *), void *arg);
int store_vm_delete(struct store *s, const char *name, char *err, size_t errlen);
void store_vm_defaults(struct store_vm *v, const char *name);

/* By UUID (case-insensitive): 0 and *out, or -1 "no vm has uuid 'u'". */
int store_host_get_uuid(struct store *s, const char *uuid, struct store_host *out,
			char *err, size_t errlen);
int store_vios_get_uuid(struct store *s, const char *uuid, struct store_vios *out,
			char *err, size_t errlen);
int store_vm_get_uuid(struct store *s, const char *uuid, struct store_vm *out,
		      char *err, size_t errlen);
/* Rename (an LPAR renamed on the HMC); references follow.  Refused when the
 * new name is taken. */
int store_host_rename(struct store *s, const char *from, const char *to,
		      char *err, size_t errlen);
int store_vios_rename(struct store *s, const char *from, const char *to,
		      char *err, size_t errlen);
int store_vm_rename(struct store *s, const char *from, const char *to,
		    char *err, size_t errlen);

/* Names of the rows of table ("hmc", "host", "host_group", "vios", "vm",
 * "affinity") in name order, comma-separated into out: at most max names
 * (0: all), then " and N more".  Returns how many rows there are (0: out
 * is ""), or -1 for an unknown table or an SQL error.  For refusals that
 * list what exists. */
int store_names(struct store *s, const char *table, size_t max, char *out, size_t outlen);

/* VM blacklist (hosts the VM must never be restarted on).  add refuses an
 * unknown VM or host and a duplicate; del refuses an entry not present.
 * list calls cb(host_name, arg) in name order. */
int store_vm_blacklist_add(struct store *s, const char *vm, const char *host,
			   char *err, size_t errlen);
int store_vm_blacklist_del(struct store *s, const char *vm, const char *host,
			   char *err, size_t errlen);
int store_vm_blacklist_list(struct store *s, const char *vm,
			    int (*cb)(const char *host, void *), void *arg);

int store_affinity_put(struct store *s, const struct store_affinity *a,
		       enum store_put_mode mode, char *err, size_t errlen);
int store_affinity_get(struct store *s, const char *name, struct store_affinity *out,
		       char *err, size_t errlen);
int store_affinity_list(struct store *s,
			int (*cb)(const struct store_affinity *, void *), void *arg);
int store_affinity_delete(struct store *s, const char *name, char *err, size_t errlen);
int store_affinity_member_add(struct store *s, const char *group, const char *vm,
			      char *err, size_t errlen);
int store_affinity_member_del(struct store *s, const char *group, const char *vm,
			      char *err, size_t errlen);
int store_affinity_member_list(struct store *s, const char *group,
			       int (*cb)(const char *vm, void *), void *arg);

/* Contacts are keyed by (user, contact): several per user (spec/D §5.2). */
int store_contact_add(struct store *s, const struct store_contact *c,
		      char *err, size_t errlen);
int store_contact_list(struct store *s,
		       int (*cb)(const struct store_contact *, void *), void *arg);
/* contact NULL deletes every contact of user.  -1 when nothing matched. */
int store_contact_delete(struct store *s, const char *user, const char *contact,
			 char *err, size_t errlen);

/* System attributes (spec/D §5.3 "query system"): key/value text.  get fails
 * for an unknown key; set only updates keys that exist (migrations add keys
 * with their defaults). */
int store_sys_get(struct store *s, const char *key, char *val, size_t vallen,
		  char *err, size_t errlen);
int store_sys_set(struct store *s, const char *key, const char *val,
		  char *err, size_t errlen);
int store_sys_list(struct store *s,
		   int (*cb)(const char *key, const char *val, void *), void *arg);

/* Discovered inventory: one row per (hmc, kind, uuid); put replaces it. */
struct store_inv {
	char hmc[STORE_NAME_MAX];
	char kind[16];          /* host | vios | vm | disk ... */
	char uuid[64];
	char name[128];
	char host_uuid[64];
	char state[32];
	const char *extra;      /* JSON/text blob of other fields; may be NULL.
	                           In list callbacks it points to storage valid for
	                           the callback only. */
	int64_t discovered_at;  /* epoch ms */
};
int store_inv_put(struct store *s, const struct store_inv *r, char *err, size_t errlen);
/* hmc/kind NULL = any. */
int store_inv_list(struct store *s, const char *hmc, const char *kind,
		   int (*cb)(const struct store_inv *, void *), void *arg);
/* Drop rows of hmc (and kind, if not NULL) discovered before `before` ms:
 * what a full rediscovery did not see again.  Returns rows deleted or -1. */
int store_inv_prune(struct store *s, const char *hmc, const char *kind, int64_t before);

/* Event log. */
struct store_event {
	int64_t id;             /* assigned by store_event_add */
	int64_t time_ms;
	char name[64];          /* event type, e.g. HOST_FAILURE */
	char severity[16];      /* info | warning | critical ... */
	char object_kind[16];
	char object_name[128];
	char text[1024];
};
/* Sets e->id.  time_ms 0 means now. */
int store_event_add(struct store *s, struct store_event *e, char *err, size_t errlen);
/* Events with id > since_id, oldest first; name NULL = any; limit <= 0 = all. */
int store_event_list(struct store *s, int64_t since_id, const char *name, int limit,
		     int (*cb)(const struct store_event *, void *), void *arg);

/* Action journal: every relocation/LPM step is written before and after its
 * HMC job (DESIGN §6).  A row is "open" until store_journal_end. */
struct store_journal {
	int64_t id;
	char kind[32];          /* restart, lpm, ... */
	char object[128];       /* e.g. VM name */
	char step[64];
	char state[32];         /* open: "running"; ended: what end was given */
	char data[2048];        /* free text/JSON: job ids, target host, ... */
	int64_t created_ms;
	int64_t updated_ms;
};
/* Creates an open row; *id_out gets its id. */
int store_journal_begin(struct store *s, const char *kind, const char *object,
			const char *step, const char *data, int64_t *id_out,
			char *err, size_t errlen);
/* Record progress (data NULL keeps the previous data). */
int store_journal_step(struct store *s, int64_t id, const char *step, const char *data,
		       char *err, size_t errlen);
/* Close the row with a final state ("done", "failed", ...). */
int store_journal_end(struct store *s, int64_t id, const char *state,
		      char *err, size_t errlen);
/* Rows never ended (to resume after a crash), oldest first. */
int store_journal_open_list(struct store *s,
			    int (*cb)(const struct store_journal *, void *), void *arg);

/* Long actions (action.c): one row per action, its output lines in order.
 * state: running | done | failed | interrupted. */
struct store_action {
	int64_t id;
	char kind[32];
	char object[256];
	char state[16];
	int status;             /* cmd_status it ended with; 0 while running */
	int64_t started_ms, ended_ms;
	int64_t n_lines;
};
int store_action_begin(struct store *s, const char *kind, const char *object,
		       int64_t *id_out, char *err, size_t errlen);
/* Appends one line (stream 'O', 'E' or 'P'). */
int store_action_line(struct store *s, int64_t id, char stream, int64_t time_ms,
		      const char *text, char *err, size_t errlen);
int store_action_end(struct store *s, int64_t id, const char *state, int status,
		     char *err, size_t errlen);
int store_action_get(struct store *s, int64_t id, struct store_action *out,
		     char *err, size_t errlen);
/* Newest first, at most limit (<= 0: all). */
int store_action_list(struct store *s, int limit,
		      int (*cb)(const struct store_action *, void *), void *arg);
/* Lines of action id in order. */
int store_action_lines(struct store *s, int64_t id,
		       int (*cb)(char stream, int64_t time_ms, const char *text, void *),
		       void *arg);
/* Marks every running action interrupted (ksysd start).  Returns how many. */
int store_action_interrupt_all(struct store *s, char *err, size_t errlen);
/* Deletes ended actions beyond the newest keep.  Returns rows deleted or -1. */
int store_action_prune(struct store *s, int keep);

/* Scheduler bookkeeping: the last time (epoch ms) a named periodic job ran
 * ("quick_discovery", "deep_discovery"); 0 when never. */
int store_sched_get(struct store *s, const char *name, int64_t *last_ms);
int store_sched_set(struct store *s, const char *name, int64_t last_ms,
		    char *err, size_t errlen);

#endif
