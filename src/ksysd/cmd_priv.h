/* cmd_priv — what cmd.c shares with the class handlers of cmd_cfg.c.
 *
 * The parsed request, attribute specs and the serve functions of the
 * configuration classes.  Internal to the cmd module: nothing outside
 * cmd*.c includes it (ctl.c and main.c use cmd.h).
 */
#ifndef KSYS_CMD_PRIV_H
#define KSYS_CMD_PRIV_H

#include <stdint.h>

#include "cmd.h"

#define CMD_KV_WIDTH    21              /* the Redbook's label column */
#define CMD_MAX_ATTRS   32

enum attr_type {
	AT_STRING = 0,
	AT_INT,                         /* values: unit for messages, or NULL */
	AT_ENUM,                        /* values: "a|b|c", case-insensitive */
	AT_HHMM,
	AT_YESNO,
	AT_LIST,                        /* a,b,c */
};

struct attr_spec {
	const char *name;
	enum attr_type type;
	long min, max;
	const char *values;
};

/* Append "ksysmgr: MESSAGE" (+ the help hint for usage errors) to err and
 * return CMD_USAGE / CMD_REFUSED: the one way requests are turned down. */
int cmd_usage(struct buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cmd_refuse(struct buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct pair;

struct request {
	int verbose, timestamps, json;
	const struct pair *pair;
	const char *action, *klass;     /* canonical names of the pair */
	char *names;                    /* owned copy of NAME[,NAME...] or NULL */
	char *name_v[256];              /* points into names */
	size_t n_names;
	struct { const struct attr_spec *spec; const char *value; char norm[32]; } attrs[CMD_MAX_ATTRS];
	size_t n_attrs;
};

typedef int (*serve_fn)(const struct cmd_source *src, const struct request *r,
                        struct buf *out, struct buf *err);
/* An asynchronous handler: refuses synchronously (cmd_refuse into err, the
 * status returned), answers synchronously (out, status returned), or copies
 * what it needs from r (r dies on return), takes io and returns CMD_PENDING;
 * then it answers only through io and calls io->end exactly once.  Called
 * only when io is not NULL (a pair's serve_fn, if any, answers otherwise). */
typedef int (*aserve_fn)(const struct cmd_source *src, const struct request *r,
                         struct buf *out, struct buf *err, const struct cmd_io *io);

/* ---- helpers shared by the handlers (cmd_cfg.c) ---- */
/* The store, or NULL after refusing the request into err. */
struct store *cmd_need_store(const struct cmd_source *src, const struct request *r,
                             struct buf *err);
/* The running daemon, or NULL after refusing the request into err. */
struct core *cmd_need_core(const struct cmd_source *src, const struct request *r,
                           struct buf *err);
/* Value of attribute name (normalised for enums and yes/no), or NULL. */
const char *cmd_attr(const struct request *r, const char *name);
/* 1 if NAME is among the request's names. */
int cmd_has_name(const struct request *r, const char *name);
/* "For <what> attribute(s) 'a', 'b' was successfully modified." */
void cmd_modified_line(struct buf *out, const char *what, const struct request *r);
/* Rolls the store's transaction back and refuses with "what: msg". */
int cmd_abort_tx(struct store *s, struct buf *err, const char *what, const char *msg);
/* Splits a comma list in place into v (at most n); returns the count. */
size_t cmd_split_list(char *s, char **v, size_t n);
/* Local time of epoch ms as YYYY-mm-ddTHH:MM:SS into out, or none when
 * ms is 0. */
void cmd_fmt_time(char *out, size_t n, int64_t ms, const char *none);
/* Appends one record printed by cmd_put_records (a one-element JSON array or
 * a text block) to a list built in out: JSON objects joined inside one array
 * (the caller closes it with "]\n"), text blocks separated by a blank line;
 * i is the record's index in the list. */
void cmd_append_record(struct buf *out, const struct buf *one, int json, int i);

/* cmd_cfg.c: classes kept in the store (cluster, host groups, system
 * attributes, notification contacts, affinity groups). */
int cmd_cfg_add_cluster(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_query_cluster(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_delete_cluster(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_add_hg(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_modify_hg(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_delete_hg(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_query_hg(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_query_system(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_modify_system(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_add_notify(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_query_notify(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_delete_notify(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_add_group(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_modify_group(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_delete_group(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_query_group(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_verify_cluster(const struct cmd_source *, const struct request *, struct buf *, struct buf *);
int cmd_cfg_sync_cluster(const struct cmd_source *, const struct request *, struct buf *, struct buf *);

#define CMD_ASYNC(fn) int fn(const struct cmd_source *, const struct request *, \
                             struct buf *, struct buf *, const struct cmd_io *)
#define CMD_SYNC(fn) int fn(const struct cmd_source *, const struct request *, \
                            struct buf *, struct buf *)

/* cmd_hmc.c: HMCs (add fetches and pins the TLS key, checks the logon). */
CMD_ASYNC(cmd_hmc_add);
CMD_ASYNC(cmd_hmc_modify);
CMD_SYNC(cmd_hmc_delete);
CMD_SYNC(cmd_hmc_query);
/* cmd_host.c: hosts (add reads the host's VIOSs and LPARs from its HMC). */
CMD_ASYNC(cmd_host_add);
CMD_SYNC(cmd_host_modify);
CMD_SYNC(cmd_host_delete);
CMD_SYNC(cmd_host_query);
/* cmd_obj.c: VIOSs, shared disks, VMs. */
CMD_SYNC(cmd_vios_query);
CMD_SYNC(cmd_vios_manage);              /* manage and unmanage */
CMD_ASYNC(cmd_viodisk_query);
CMD_SYNC(cmd_vm_query);
CMD_SYNC(cmd_vm_modify);
CMD_SYNC(cmd_vm_manage);                /* manage and unmanage */
/* cmd_disc.c: discovery, verification, LPM validation (long actions). */
CMD_ASYNC(cmd_disc_discover);
CMD_ASYNC(cmd_disc_verify);
CMD_ASYNC(cmd_disc_lpm);
/* cmd_status.c: `query system` (the attributes, cmd_cfg_query_system) and
 * `query system status [monitor=yes]` (the health dashboard). */
CMD_ASYNC(cmd_status_query_system);
CMD_SYNC(cmd_status_query_system_sync);         /* without a daemon (tests) */
/* cmd_event.c: `query event [type=] [since=ID] [limit=N]`. */
CMD_SYNC(cmd_event_query);
/* cmd_action.c: `query action [ID] [monitor=yes]`. */
CMD_ASYNC(cmd_action_query);

#endif
