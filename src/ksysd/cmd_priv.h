/* cmd_priv — what cmd.c shares with the class handlers of cmd_cfg.c.
 *
 * The parsed request, attribute specs and the serve functions of the
 * configuration classes.  Internal to the cmd module: nothing outside
 * cmd*.c includes it (ctl.c and main.c use cmd.h).
 */
#ifndef KSYS_CMD_PRIV_H
#define KSYS_CMD_PRIV_H

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

#endif
