/* cmd_cfg — ksysmgr's configuration classes kept in the store: the KSYS
 * cluster, host groups, system attributes, notification contacts and
 * affinity groups (collocation, anticollocation, workgroup).
 *
 * Each handler checks every reference first, then writes in one store
 * transaction, so a refused request changes nothing.  Texts follow the
 * Redbook's ksysmgr (spec/D §5.3).  Not for the grammar (cmd.c).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cmd_priv.h"
#include "core.h"
#include "effective.h"
#include "sched.h"
#include "store.h"

#define SYS_WIDTH       29              /* query system's label column */
#define SMALL_WIDTH     17              /* query ksyscluster / notify */

/* ---- helpers --------------------------------------------------------------- */
/* Append one record printed by cmd_put_records (a one-element JSON array,
 * or a text block) to a list being built in out: JSON elements joined by
 * commas inside one array (the caller closes it), text blocks separated by
 * a blank line.  i is the record's index in the list. */
void
cmd_append_record(struct buf *out, const struct buf *one, int json, int i)
{
	if (json) {
		/* one is "[{...}]\n": keep the object */
		buf_puts(out, i ? "," : "[");
		if (one->len >= 3)
			buf_append(out, buf_str(one) + 1, one->len - 3);
		return;
	}
	if (i)
		buf_putc(out, '\n');
	buf_puts(out, buf_str(one));
}

/* The store, or NULL after refusing the request. */
struct store *
cmd_need_store(const struct cmd_source *src, const struct request *r, struct buf *err)
{
	if (src && src->store)
		return src->store;
	cmd_refuse(err, "%s %s: this ksysd has no configuration store", r->action, r->klass);
	return NULL;
}

void
cmd_fmt_time(char *out, size_t n, int64_t ms, const char *none)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!ms) {
		snprintf(out, n, "%s", none);
		return;
	}
	localtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
}

struct core *
cmd_need_core(const struct cmd_source *src, const struct request *r, struct buf *err)
{
	if (src && src->core)
		return src->core;
	cmd_refuse(err, "%s %s: needs a running ksysd (HMC access)", r->action, r->klass);
	return NULL;
}

/* Value of attribute name (normalised for enums and yes/no), or NULL. */
const char *
cmd_attr(const struct request *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_attrs; i++)
		if (strcmp(r->attrs[i].spec->name, name) == 0)
			return r->attrs[i].norm[0] ? r->attrs[i].norm : r->attrs[i].value;
	return NULL;
}

int
cmd_has_name(const struct request *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_names; i++)
		if (strcmp(r->name_v[i], name) == 0)
			return 1;
	return 0;
}

/* "For <what> attribute(s) 'a', 'b' was successfully modified." */
void
cmd_modified_line(struct buf *out, const char *what, const struct request *r)
{
	size_t i;

	buf_printf(out, "For %s attribute(s) ", what);
	for (i = 0; i < r->n_attrs; i++)
		buf_printf(out, "%s'%s'", i ? ", " : "", r->attrs[i].spec->name);
	buf_puts(out, " was successfully modified.\n");
}

/* Rolls back and refuses with the store's message. */
int
cmd_abort_tx(struct store *s, struct buf *err, const char *what, const char *msg)
{
	store_rollback(s);
	return cmd_refuse(err, "%s: %s", what, msg);
}

/* Splits a comma list into v (at most n); returns the count.  Edits s. */
size_t
cmd_split_list(char *s, char **v, size_t n)
{
	size_t k = 0;
	char *p, *save = NULL;

	for (p = strtok_r(s, ",", &save); p && k < n; p = strtok_r(NULL, ",", &save))
		v[k++] = p;
	return k;
}

/* ---- hosts ------------------------------------------------------------------ */
struct names {
	struct buf b;
	size_t n;
	const char *group;              /* host_group filter, or NULL */
};

static int
host_name_cb(const struct store_host *h, void *arg)
{
	struct names *nm = arg;

	if (nm->group && strcmp(h->host_group, nm->group) != 0)
		return 0;
	buf_printf(&nm->b, "%s%s", nm->n++ ? (nm->group ? "\n" : ", ") : "", h->name);
	return 0;
}

/* Refuses an unknown host, naming the known ones. */
static int
check_host(struct store *s, const char *cmd, const char *host, struct buf *err)
{
	struct store_host h;
	struct names nm = { { 0 }, 0, NULL };
	char e[256];
	int rc;

	if (store_host_get(s, host, &h, e, sizeof(e)) == 0)
		return CMD_OK;
	store_host_list(s, host_name_cb, &nm);
	if (nm.n == 0)
		rc = cmd_refuse(err, "%s: host '%s' is not known, and no host is known yet: hosts "
		            "are learned from the HMCs by discovery ('ksysmgr add hmc', then "
		            "'ksysmgr query host')", cmd, host);
	else
		rc = cmd_refuse(err, "%s: host '%s' is not known; known hosts: %s", cmd, host,
		            buf_str(&nm.b));
	buf_free(&nm.b);
	return rc;
}

/* ---- ksyscluster ------------------------------------------------------------ */
static int
first_cluster_cb(const struct store_cluster *c, void *arg)
{
	*(struct store_cluster *)arg = *c;
	return 1;
}

/* What `verify ksyscluster` checks: the cluster is of type HA and this
 * controller is one of its nodes (ksys runs single-node: the daemon answering
 * is the KSYS subsystem, so there is no peer domain to build). */
static int
cluster_check(const struct store_cluster *c, char *e, size_t elen)
{
	char host[128], nodes[256], *p, *save = NULL;
	int found = 0;

	if (strcmp(c->type, "HA") != 0) {
		snprintf(e, elen, "cluster '%s' has type '%s'; only HA is supported",
		         c->name, c->type);
		return -1;
	}
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(nodes, sizeof(nodes), "%s", c->ksysnodes);
	for (p = strtok_r(nodes, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (strcasecmp(p, host) == 0 || strcasecmp(p, "localhost") == 0)
			found = 1;
	if (!found) {
		snprintf(e, elen, "cluster '%s': ksysnodes '%.128s' does not name this "
		         "controller (hostname '%s'); delete the cluster and add it with "
		         "ksysnodes=%s", c->name, c->ksysnodes, host, host);
		return -1;
	}
	return 0;
}

/* The cluster named in the request (or the only one when no NAME). */
static int
named_cluster(struct store *s, const struct request *r, struct store_cluster *c,
              struct buf *err)
{
	memset(c, 0, sizeof(*c));
	store_cluster_list(s, first_cluster_cb, c);
	if (!c->name[0])
		return cmd_refuse(err, "%s ksyscluster: no KSYS cluster is defined; create it "
		                  "with 'ksysmgr add ksyscluster NAME ksysnodes=HOST type=HA'",
		                  r->action);
	if (r->n_names > 1)
		return cmd_usage(err, "%s ksyscluster takes one NAME", r->action);
	if (r->n_names == 1 && strcmp(r->name_v[0], c->name) != 0)
		return cmd_refuse(err, "%s ksyscluster: no cluster named '%s'; the KSYS "
		                  "cluster is '%s'", r->action, r->name_v[0], c->name);
	return CMD_OK;
}

int
cmd_cfg_verify_cluster(const struct cmd_source *src, const struct request *r,
                       struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct store_cluster c;
	char e[1024];
	int rc;

	if (!s)
		return CMD_REFUSED;
	if ((rc = named_cluster(s, r, &c, err)) != CMD_OK)
		return rc;
	if (cluster_check(&c, e, sizeof(e)) == -1)
		return cmd_refuse(err, "verify ksyscluster: %s", e);
	if (strcmp(c.state, "Online") != 0) {
		snprintf(c.state, sizeof(c.state), "Verified");
		if (store_cluster_put(s, &c, STORE_UPDATE, e, sizeof(e)) == -1)
			return cmd_refuse(err, "verify ksyscluster: %s", e);
	}
	buf_puts(out, "Verified, Please run: \"ksysmgr sync ksyscluster <ksysclustername>\"\n");
	return CMD_OK;
}

int
cmd_cfg_sync_cluster(const struct cmd_source *src, const struct request *r,
                     struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct store_cluster c;
	char e[1024];
	int rc, was_online;

	if (!s)
		return CMD_REFUSED;
	if ((rc = named_cluster(s, r, &c, err)) != CMD_OK)
		return rc;
	if (strcmp(c.state, "Defined") == 0)
		return cmd_refuse(err, "sync ksyscluster: cluster '%s' is not verified yet; run "
		                  "'ksysmgr verify ksyscluster %s' first", c.name, c.name);
	if (cluster_check(&c, e, sizeof(e)) == -1)
		return cmd_refuse(err, "sync ksyscluster: %s", e);
	was_online = strcmp(c.state, "Online") == 0;
	snprintf(c.state, sizeof(c.state), "Online");
	if (store_cluster_put(s, &c, STORE_UPDATE, e, sizeof(e)) == -1)
		return cmd_refuse(err, "sync ksyscluster: %s", e);
	if (was_online)
		buf_puts(out, "Ksyscluster seems to already be online and running, "
		         "restarting KSYS subsystem\n");
	buf_puts(out, "Starting KSYS subsystem ...\n"
	         "   Waiting for KSYS subsystem to start ...\n"
	         "KSYS subsystem has started, you can begin adding HMCs, Hosts, etc\n");
	return CMD_OK;
}

int
cmd_cfg_add_cluster(const struct cmd_source *src, const struct request *r,
                    struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct store_cluster c, old;
	const char *nodes = cmd_attr(r, "ksysnodes"), *sync = cmd_attr(r, "sync");
	char e[1024], host[256];

	if (!s)
		return CMD_REFUSED;
	if (r->n_names != 1)
		return cmd_usage(err, "add ksyscluster takes one NAME: there is one KSYS cluster");
	memset(&old, 0, sizeof(old));
	if (store_cluster_list(s, first_cluster_cb, &old) != 0 && old.name[0])
		return cmd_refuse(err, "add ksyscluster: the KSYS cluster '%s' already exists and "
		              "there can be only one; remove it first with 'ksysmgr delete "
		              "ksyscluster %s'", old.name, old.name);
	if (strlen(r->name_v[0]) >= STORE_NAME_MAX)
		return cmd_usage(err, "cluster name '%s' is too long (at most %d characters)",
		             r->name_v[0], STORE_NAME_MAX - 1);
	if (!nodes) {
		if (gethostname(host, sizeof(host)) == -1)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		nodes = host;
	}
	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "%s", r->name_v[0]);
	snprintf(c.type, sizeof(c.type), "HA");
	snprintf(c.state, sizeof(c.state), "Defined");
	snprintf(c.ksysnodes, sizeof(c.ksysnodes), "%s", nodes);
	if (store_begin(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "add ksyscluster: %s", e);
	if (store_cluster_put(s, &c, STORE_INSERT, e, sizeof(e)) == -1)
		return cmd_abort_tx(s, err, "add ksyscluster", e);
	if (sync && strcmp(sync, "yes") == 0) {
		if (cluster_check(&c, e, sizeof(e)) == -1)
			return cmd_abort_tx(s, err, "add ksyscluster", e);
		snprintf(c.state, sizeof(c.state), "Online");
		if (store_cluster_put(s, &c, STORE_UPDATE, e, sizeof(e)) == -1)
			return cmd_abort_tx(s, err, "add ksyscluster", e);
	}
	if (store_commit(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "add ksyscluster: %s", e);
	buf_puts(out, "Adding node to current cluster configuration\n");
	if (sync && strcmp(sync, "yes") == 0)
		buf_puts(out, "Ksyscluster has been created, running verify now\n"
		         "Ksyscluster has been verified, running sync now\n"
		         "Starting KSYS subsystem ...\n"
		         "   Waiting for KSYS subsystem to start ...\n"
		         "KSYS subsystem has started, you can begin adding HMCs, Hosts, etc\n");
	else
		buf_puts(out, "Ksyscluster has been created, please run: \"ksysmgr verify "
		         "ksyscluster <ksysclustername>\"\n");
	return CMD_OK;
}

int
cmd_cfg_query_cluster(const struct cmd_source *src, const struct request *r,
                      struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct store_cluster c[1];
	struct cmd_field f[4];

	if (!s)
		return CMD_REFUSED;
	memset(c, 0, sizeof(c));
	store_cluster_list(s, first_cluster_cb, c);
	if (!c[0].name[0]) {
		if (r->json)
			buf_puts(out, "[]\n");
		else
			buf_puts(out, "No KSYS cluster is defined; create it with 'ksysmgr add "
			         "ksyscluster NAME ksysnodes=HOST type=HA'\n");
		return CMD_OK;
	}
	f[0] = (struct cmd_field){ "Name", c[0].name, 0 };
	f[1] = (struct cmd_field){ "State", c[0].state, 0 };
	f[2] = (struct cmd_field){ "Type", c[0].type, 0 };
	f[3] = (struct cmd_field){ "Ksysnodes", c[0].ksysnodes, 0 };
	cmd_put_records(out, r->json, f, r->verbose ? 4 : 3, 1, SMALL_WIDTH);
	return CMD_OK;
}

int
cmd_cfg_delete_cluster(const struct cmd_source *src, const struct request *r,
                       struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct store_cluster c;
	char e[256];
	int rc;

	if (!s)
		return CMD_REFUSED;
	if ((rc = named_cluster(s, r, &c, err)) != CMD_OK)
		return rc;
	if (store_cluster_delete(s, c.name, e, sizeof(e)) == -1)
		return cmd_refuse(err, "delete ksyscluster: %s", e);
	buf_printf(out, "Ksyscluster %s was removed successfully\n", c.name);
	return CMD_OK;
}

/* ---- host groups -------------------------------------------------------------- */
static const char *const prio_names[STORE_PRIO_N] = { "high", "medium", "low" };

/* Refuses a host of the list that is unknown or in another host group. */
static int
check_hosts_free(struct store *s, const char *cmd, const char *group, char **hv,
                 size_t nh, struct buf *err)
{
	struct store_host h;
	char e[256];
	size_t i;
	int rc;

	for (i = 0; i < nh; i++) {
		if ((rc = check_host(s, cmd, hv[i], err)) != CMD_OK)
			return rc;
		if (store_host_get(s, hv[i], &h, e, sizeof(e)) == 0 && h.host_group[0] &&
		    strcmp(h.host_group, group) != 0)
			return cmd_refuse(err, "%s: host '%s' already belongs to host group '%s'; "
			              "a host is in at most one host group", cmd, hv[i],
			              h.host_group);
	}
	return CMD_OK;
}

/* Sets the host group of each host (group "" removes them). */
static int
set_hosts_group(struct store *s, char **hv, size_t nh, const char *group, char *e,
                size_t elen)
{
	struct store_host h;
	size_t i;

	for (i = 0; i < nh; i++) {
		if (store_host_get(s, hv[i], &h, e, elen) == -1)
			return -1;
		snprintf(h.host_group, sizeof(h.host_group), "%s", group);
		if (store_host_put(s, &h, STORE_UPDATE, e, elen) == -1)
			return -1;
	}
	return 0;
}

int
cmd_cfg_add_hg(const struct cmd_source *src, const struct request *r,
               struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	const char *hosts = cmd_attr(r, "hosts"), *repo = cmd_attr(r, "repo_disk"),
	           *ha = cmd_attr(r, "ha_disk");
	struct store_host_group g;
	char *copy = NULL, *hv[256], e[256];
	size_t nh;
	int rc;

	if (!s)
		return CMD_REFUSED;
	if (r->n_names != 1)
		return cmd_usage(err, "add host_group takes one NAME");
	if (!hosts)
		return cmd_usage(err, "add host_group %s needs hosts=HOST[,HOST...]", r->name_v[0]);
	if (strlen(r->name_v[0]) >= STORE_NAME_MAX)
		return cmd_usage(err, "host group name '%s' is too long (at most %d characters)",
		             r->name_v[0], STORE_NAME_MAX - 1);
	if (store_host_group_get(s, r->name_v[0], &g, e, sizeof(e)) == 0)
		return cmd_refuse(err, "add host_group: host group '%s' already exists",
		              r->name_v[0]);
	copy = strdup(hosts);
	if (!copy)
		return cmd_refuse(err, "add host_group: out of memory in ksysd");
	nh = cmd_split_list(copy, hv, sizeof(hv) / sizeof(hv[0]));
	if ((rc = check_hosts_free(s, "add host_group", r->name_v[0], hv, nh, err)) != CMD_OK)
		goto out;
	store_host_group_defaults(&g, r->name_v[0]);
	if (repo)
		snprintf(g.repo_disk, sizeof(g.repo_disk), "%s", repo);
	if (ha)
		snprintf(g.ha_disk, sizeof(g.ha_disk), "%s", ha);
	if (store_begin(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "add host_group: %s", e);
		goto out;
	}
	if (store_host_group_put(s, &g, STORE_INSERT, e, sizeof(e)) == -1 ||
	    set_hosts_group(s, hv, nh, g.name, e, sizeof(e)) == -1) {
		rc = cmd_abort_tx(s, err, "add host_group", e);
		goto out;
	}
	if (store_commit(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "add host_group: %s", e);
		goto out;
	}
	buf_printf(out, "Host_group %s added successfully\nRun discover command to "
	           "proceed further\n", g.name);
	rc = CMD_OK;
out:
	free(copy);
	return rc;
}

/* memory_capacity/cpu_capacity value: 1-100, minimum, current_desired, none. */
static int
capacity_ok(const char *v)
{
	char *e;
	long l;

	if (strcasecmp(v, "minimum") == 0 || strcasecmp(v, "current_desired") == 0 ||
	    strcasecmp(v, "none") == 0)
		return 1;
	l = strtol(v, &e, 10);
	return *v && !*e && l >= 1 && l <= 100;
}

static void
set_capacity(char cap[STORE_PRIO_N][16], const char *prio, const char *v)
{
	int i;
	char low[16];
	size_t k;

	for (k = 0; v[k] && k + 1 < sizeof(low); k++)
		low[k] = (char)tolower((unsigned char)v[k]);
	low[k] = '\0';
	if (isdigit((unsigned char)low[0]))
		snprintf(low, sizeof(low), "%ld", strtol(v, NULL, 10));
	for (i = 0; i < STORE_PRIO_N; i++)
		if (!prio || strcmp(prio, prio_names[i]) == 0)
			snprintf(cap[i], sizeof(cap[i]), "%s", low);
}

int
cmd_cfg_modify_hg(const struct cmd_source *src, const struct request *r,
                  struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	const char *hosts = cmd_attr(r, "hosts"), *policy = cmd_attr(r, "policy"),
	           *prio = cmd_attr(r, "priority"), *mem = cmd_attr(r, "memory_capacity"),
	           *cpu = cmd_attr(r, "cpu_capacity"), *v;
	struct store_host_group *g = NULL;
	char *copy = NULL, *hv[256], e[256], what[128];
	size_t nh = 0, k, i;
	int rc = CMD_REFUSED;

	if (!s)
		return CMD_REFUSED;
	if (r->n_attrs == 0)
		return cmd_usage(err, "modify host_group needs at least one attribute (see "
		             "'ksysmgr modify host_group -h')");
	if (mem && !capacity_ok(mem))
		return cmd_usage(err, "memory_capacity=%s: expected 1-100, minimum, "
		             "current_desired or none", mem);
	if (cpu && !capacity_ok(cpu))
		return cmd_usage(err, "cpu_capacity=%s: expected 1-100, minimum, "
		             "current_desired or none", cpu);
	if (prio && !mem && !cpu)
		return cmd_usage(err, "priority= selects the capacity to set; give "
		             "memory_capacity= or cpu_capacity= with it");
	if (policy && !hosts)
		return cmd_usage(err, "policy= applies to hosts=; give hosts=HOST[,HOST...] with it");
	g = calloc(r->n_names, sizeof(*g));
	if (hosts)
		copy = strdup(hosts);
	if (!g || (hosts && !copy)) {
		rc = cmd_refuse(err, "modify host_group: out of memory in ksysd");
		goto out;
	}
	if (copy)
		nh = cmd_split_list(copy, hv, sizeof(hv) / sizeof(hv[0]));
	for (k = 0; k < r->n_names; k++) {
		if (store_host_group_get(s, r->name_v[k], &g[k], e, sizeof(e)) == -1) {
			rc = cmd_refuse(err, "modify host_group: %s", e);
			goto out;
		}
		if ((cmd_attr(r, "repo_disk") || cmd_attr(r, "ha_disk")) && strcmp(g[k].state, "NEW")) {
			rc = cmd_refuse(err, "modify host_group: the disks of host group '%s' cannot "
			            "change after a successful discovery (state %s); delete and "
			            "re-create the host group instead", g[k].name, g[k].state);
			goto out;
		}
		if (hosts && (!policy || strcmp(policy, "add") == 0) &&
		    (rc = check_hosts_free(s, "modify host_group", g[k].name, hv, nh,
		                           err)) != CMD_OK)
			goto out;
		for (i = 0; hosts && policy && strcmp(policy, "delete") == 0 && i < nh; i++) {
			struct store_host h;
			if (store_host_get(s, hv[i], &h, e, sizeof(e)) == -1 ||
			    strcmp(h.host_group, g[k].name) != 0) {
				rc = cmd_refuse(err, "modify host_group: host '%s' is not in host "
				            "group '%s'", hv[i], g[k].name);
				goto out;
			}
		}
	}
	if (r->n_names > 1 && hosts && (!policy || strcmp(policy, "add") == 0)) {
		rc = cmd_usage(err, "hosts= with policy=add names one host group (a host is in "
		           "at most one)");
		goto out;
	}
	if (store_begin(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "modify host_group: %s", e);
		goto out;
	}
	for (k = 0; k < r->n_names; k++) {
		struct store_host_group *x = &g[k];
		if ((v = cmd_attr(r, "repo_disk")))
			snprintf(x->repo_disk, sizeof(x->repo_disk), "%s", v);
		if ((v = cmd_attr(r, "ha_disk")))
			snprintf(x->ha_disk, sizeof(x->ha_disk), "%s", v);
		if ((v = cmd_attr(r, "restart_policy")))
			snprintf(x->restart_policy, sizeof(x->restart_policy), "%s", v);
		if ((v = cmd_attr(r, "ha_monitor")))
			snprintf(x->ha_monitor, sizeof(x->ha_monitor), "%s", v);
		if ((v = cmd_attr(r, "vm_failure_detection_speed")))
			snprintf(x->vm_failure_detection_speed,
			         sizeof(x->vm_failure_detection_speed), "%s", v);
		if ((v = cmd_attr(r, "host_failure_detection_time")))
			x->host_failure_detection_time = atoi(v);
		if (mem)
			set_capacity(x->mem_capacity, prio, mem);
		if (cpu)
			set_capacity(x->cpu_capacity, prio, cpu);
		if (store_host_group_put(s, x, STORE_UPDATE, e, sizeof(e)) == -1 ||
		    (hosts && set_hosts_group(s, hv, nh, policy && strcmp(policy, "delete") == 0
		                              ? "" : x->name, e, sizeof(e)) == -1)) {
			rc = cmd_abort_tx(s, err, "modify host_group", e);
			goto out;
		}
	}
	if (store_commit(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "modify host_group: %s", e);
		goto out;
	}
	for (k = 0; k < r->n_names; k++) {
		snprintf(what, sizeof(what), "Host_group %s", g[k].name);
		cmd_modified_line(out, what, r);
	}
	rc = CMD_OK;
out:
	free(g);
	free(copy);
	return rc;
}

int
cmd_cfg_delete_hg(const struct cmd_source *src, const struct request *r,
                  struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct store_host_group g;
	char e[256];
	size_t k;

	if (!s)
		return CMD_REFUSED;
	for (k = 0; k < r->n_names; k++)
		if (store_host_group_get(s, r->name_v[k], &g, e, sizeof(e)) == -1)
			return cmd_refuse(err, "delete host_group: %s", e);
	if (store_begin(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "delete host_group: %s", e);
	for (k = 0; k < r->n_names; k++) {
		struct names nm = { { 0 }, 0, r->name_v[k] };
		char *hv[256], *copy;
		size_t nh;
		int bad;

		store_host_list(s, host_name_cb, &nm);
		copy = nm.b.len ? strdup(buf_str(&nm.b)) : NULL;
		buf_free(&nm.b);
		if (copy)       /* the members leave the group (kept as hosts) */
			for (nh = 0; copy[nh]; nh++)
				if (copy[nh] == '\n')
					copy[nh] = ',';
		nh = copy ? cmd_split_list(copy, hv, sizeof(hv) / sizeof(hv[0])) : 0;
		bad = set_hosts_group(s, hv, nh, "", e, sizeof(e)) == -1 ||
		      store_host_group_delete(s, r->name_v[k], e, sizeof(e)) == -1;
		free(copy);
		if (bad)
			return cmd_abort_tx(s, err, "delete host_group", e);
	}
	if (store_commit(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "delete host_group: %s", e);
	for (k = 0; k < r->n_names; k++)
		buf_printf(out, "Host_group %s deleted successfully\n", r->name_v[k]);
	return CMD_OK;
}

#define HG_FIELDS       9
#define HG_VFIELDS      3

struct hg_walk {
	struct store *s;
	const struct request *r;
	int json;
	char sys_speed[16], sys_fdt[16];
	struct buf *out;
	size_t n;
};

static void
capacity_text(struct buf *b, char cap[STORE_PRIO_N][16], int json)
{
	int i;

	if (!json)
		buf_puts(b, "Priority Based Settings\n");
	for (i = 0; i < STORE_PRIO_N; i++)
		buf_printf(b, "%s:%s%s", prio_names[i], cap[i], i + 1 < STORE_PRIO_N ? "\n" : "");
}

static int
hg_rec_cb(const struct store_host_group *g0, void *arg)
{
	struct hg_walk *w = arg;
	struct store_host_group g = *g0;
	struct names nm = { { 0 }, 0, g.name };
	struct buf mem = { 0 }, cpu = { 0 }, one = { 0 };
	struct cmd_field f[HG_FIELDS + HG_VFIELDS];
	char fdt[16];
	size_t n = HG_FIELDS;

	if (w->r->n_names && !cmd_has_name(w->r, g.name))
		return 0;
	store_host_list(w->s, host_name_cb, &nm);
	capacity_text(&mem, g.mem_capacity, w->json);
	capacity_text(&cpu, g.cpu_capacity, w->json);
	if (g.host_failure_detection_time)
		snprintf(fdt, sizeof(fdt), "%d", g.host_failure_detection_time);
	else
		snprintf(fdt, sizeof(fdt), "%s", w->sys_fdt);
	f[0] = (struct cmd_field){ "Name", g.name, 0 };
	f[1] = (struct cmd_field){ "Hosts", buf_str(&nm.b), 2 };
	f[2] = (struct cmd_field){ "Memory_capacity", buf_str(&mem), 2 };
	f[3] = (struct cmd_field){ "CPU_capacity", buf_str(&cpu), 2 };
	f[4] = (struct cmd_field){ "Skip_power_on", g.skip_power_on ? "Yes" : "No", 0 };
	f[5] = (struct cmd_field){ "HA_monitor", eff_host_ha_shown(g.ha_monitor, NULL), 0 };
	f[6] = (struct cmd_field){ "Restart_policy", g.restart_policy, 0 };
	f[7] = (struct cmd_field){ "VM_failure_detection_speed",
	                           g.vm_failure_detection_speed[0] ?
	                           g.vm_failure_detection_speed : w->sys_speed, 0 };
	f[8] = (struct cmd_field){ "Host_failure_detection_time", fdt, 1 };
	if (w->r->verbose) {
		f[9] = (struct cmd_field){ "Repo_disk", g.repo_disk, 0 };
		f[10] = (struct cmd_field){ "HA_disk", g.ha_disk, 0 };
		f[11] = (struct cmd_field){ "State", g.state, 0 };
		n += HG_VFIELDS;
	}
	cmd_put_records(&one, w->json, f, n, 1, CMD_KV_WIDTH);
	cmd_append_record(w->out, &one, w->json, w->n++);
	buf_free(&nm.b);
	buf_free(&mem);
	buf_free(&cpu);
	buf_free(&one);
	return 0;
}

int
cmd_cfg_query_hg(const struct cmd_source *src, const struct request *r,
                 struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct hg_walk w;
	struct store_host_group g;
	char e[256];
	size_t k;

	if (!s)
		return CMD_REFUSED;
	for (k = 0; k < r->n_names; k++)
		if (store_host_group_get(s, r->name_v[k], &g, e, sizeof(e)) == -1)
			return cmd_refuse(err, "query host_group: %s", e);
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.r = r;
	w.json = r->json;
	w.out = out;
	if (store_sys_get(s, "vm_failure_detection_speed", w.sys_speed, sizeof(w.sys_speed),
	                  e, sizeof(e)) == -1)
		snprintf(w.sys_speed, sizeof(w.sys_speed), "normal");
	if (store_sys_get(s, "host_failure_detection_time", w.sys_fdt, sizeof(w.sys_fdt),
	                  e, sizeof(e)) == -1)
		snprintf(w.sys_fdt, sizeof(w.sys_fdt), "90");
	store_host_group_list(s, hg_rec_cb, &w);
	if (r->json)
		buf_puts(out, w.n ? "]\n" : "[]\n");
	else if (!w.n)
		buf_puts(out, "No host group is defined; create one with 'ksysmgr add "
		         "host_group NAME hosts=HOST[,HOST...]'\n");
	return CMD_OK;
}

/* ---- system --------------------------------------------------------------------- */
/* Keys in the Redbook's order (Ex 3-34), then restart_policy; unit for text. */
static const struct { const char *key, *unit; int num; } sys_keys[] = {
	{ "auto_discovery_time", " hours", 0 },
	{ "notification_level", "", 0 },
	{ "dup_event_processing", "", 0 },
	{ "ha_monitor", "", 0 },
	{ "host_failure_detection_time", " seconds", 1 },
	{ "vm_failure_detection_speed", "", 0 },
	{ "restart_policy", "", 0 },
};
#define N_SYS (sizeof(sys_keys) / sizeof(sys_keys[0]))

int
cmd_cfg_query_system(const struct cmd_source *src, const struct request *r,
                     struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	char vals[N_SYS][64], text[N_SYS][80], e[256];
	struct cmd_field f[N_SYS];
	size_t i;

	if (!s)
		return CMD_REFUSED;
	for (i = 0; i < N_SYS; i++) {
		if (store_sys_get(s, sys_keys[i].key, vals[i], sizeof(vals[i]), e,
		                  sizeof(e)) == -1)
			return cmd_refuse(err, "query system: %s", e);
		snprintf(text[i], sizeof(text[i]), "%.63s%s", vals[i], sys_keys[i].unit);
		f[i] = (struct cmd_field){ sys_keys[i].key, r->json ? vals[i] : text[i],
		                           sys_keys[i].num };
	}
	if (r->json) {
		cmd_put_records(out, 1, f, N_SYS, 1, SYS_WIDTH);
		return CMD_OK;
	}
	buf_puts(out, "System-Wide Persistent Attributes\n");
	cmd_put_records(out, 0, f, N_SYS, 1, SYS_WIDTH);
	buf_puts(out, "User Scripts for Host Group:\n");
	return CMD_OK;
}

int
cmd_cfg_modify_system(const struct cmd_source *src, const struct request *r,
                      struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	char e[256], v[32];
	size_t i;

	if (!s)
		return CMD_REFUSED;
	if (r->n_attrs == 0)
		return cmd_usage(err, "modify system needs at least one attribute (see "
		             "'ksysmgr modify system -h')");
	if (store_begin(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "modify system: %s", e);
	for (i = 0; i < r->n_attrs; i++) {
		const char *val = r->attrs[i].norm[0] ? r->attrs[i].norm : r->attrs[i].value;
		if (r->attrs[i].spec->type == AT_INT) {
			snprintf(v, sizeof(v), "%ld", strtol(val, NULL, 10));
			val = v;
		}
		if (store_sys_set(s, r->attrs[i].spec->name, val, e, sizeof(e)) == -1)
			return cmd_abort_tx(s, err, "modify system", e);
	}
	if (store_commit(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "modify system: %s", e);
	/* a new auto_discovery_time moves the next Deep Discovery now */
	if (cmd_attr(r, "auto_discovery_time") && src->core && src->core->sched)
		sched_rearm(src->core->sched);
	for (i = 0; i < r->n_attrs; i++)
		buf_printf(out, "KSYS %s has been updated\n", r->attrs[i].spec->name);
	return CMD_OK;
}

/* ---- notify ---------------------------------------------------------------------- */
int
cmd_cfg_add_notify(const struct cmd_source *src, const struct request *r,
                   struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	const char *user = cmd_attr(r, "user"), *contact = cmd_attr(r, "contact"), *at;
	struct store_contact c;
	char e[256];
	size_t k;

	if (!s)
		return CMD_REFUSED;
	if (!user || !contact)
		return cmd_usage(err, "add notify needs user=NAME and contact=ADDRESS");
	at = strchr(contact, '@');
	if (!at || at == contact || !at[1] || strchr(at + 1, '@'))
		return cmd_refuse(err, "add notify: contact=%s: expected an email address, "
		              "10digits@carrier for SMS, or a pager's email address", contact);
	if (strlen(user) >= sizeof(c.user) || strlen(contact) >= sizeof(c.contact))
		return cmd_usage(err, "user= is at most %zu and contact= at most %zu characters",
		             sizeof(c.user) - 1, sizeof(c.contact) - 1);
	memset(&c, 0, sizeof(c));
	snprintf(c.user, sizeof(c.user), "%s", user);
	snprintf(c.contact, sizeof(c.contact), "%s", contact);
	for (k = 0; contact + k < at && isdigit((unsigned char)contact[k]); k++)
		;
	snprintf(c.kind, sizeof(c.kind), "%s", contact + k == at && k == 10 ? "sms" : "email");
	if (store_contact_add(s, &c, e, sizeof(e)) == -1)
		return cmd_refuse(err, "add notify: %s", e);
	buf_puts(out, "successfully added user info\n");
	return CMD_OK;
}

struct contact_walk {
	const struct request *r;
	struct buf *out;
	size_t n;
	int all;
};

static int
contact_cb(const struct store_contact *c, void *arg)
{
	struct contact_walk *w = arg;
	struct cmd_field f[2] = { { "User", c->user, 0 }, { "Contact", c->contact, 0 } };
	struct buf one = { 0 };

	if (!w->all && !cmd_has_name(w->r, c->user))
		return 0;
	cmd_put_records(&one, w->r->json, f, 2, 1, SMALL_WIDTH);
	cmd_append_record(w->out, &one, w->r->json, w->n++);
	buf_free(&one);
	return 0;
}

int
cmd_cfg_query_notify(const struct cmd_source *src, const struct request *r,
                     struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct contact_walk w = { r, out, 0, 0 };

	if (!s)
		return CMD_REFUSED;
	/* The Redbook writes "query notify contact": that word means all. */
	w.all = r->n_names == 0 || cmd_has_name(r, "contact") || cmd_has_name(r, "contacts");
	store_contact_list(s, contact_cb, &w);
	if (r->json)
		buf_puts(out, w.n ? "]\n" : "[]\n");
	else if (!w.n && w.all)
		buf_puts(out, "No notification contact is defined; add one with 'ksysmgr add "
		         "notify user=NAME contact=ADDRESS'\n");
	else if (!w.n)
		return cmd_refuse(err, "query notify: no contact for user '%s'", r->name_v[0]);
	return CMD_OK;
}

int
cmd_cfg_delete_notify(const struct cmd_source *src, const struct request *r,
                      struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	const char *user = cmd_attr(r, "user"), *contact = cmd_attr(r, "contact");
	char e[256];

	if (!s)
		return CMD_REFUSED;
	if (!user)
		return cmd_usage(err, "delete notify needs user=NAME (and optionally "
		             "contact=ADDRESS)");
	if (store_contact_delete(s, user, contact, e, sizeof(e)) == -1) {
		if (contact)
			return cmd_refuse(err, "delete notify: user '%s' has no contact '%s'",
			              user, contact);
		return cmd_refuse(err, "delete notify: no contact is registered for user '%s'",
		              user);
	}
	buf_puts(out, "successfully deleted user info\n");
	return CMD_OK;
}

/* ---- affinity groups ---------------------------------------------------------------- */
/* Title in messages, and Type: as the Redbook prints it (sic). */
static const char *
group_title(const char *kind)
{
	if (strcmp(kind, "collocation") == 0)
		return "Collocation";
	if (strcmp(kind, "anticollocation") == 0)
		return "Anticollocation";
	return "Workgroup";
}

static const char *
article(const char *kind)
{
	return strchr("aeiou", kind[0]) ? "an" : "a";
}

static const char *
group_type(const char *kind)
{
	return strcmp(kind, "collocation") == 0 ? "Collocation" : kind;
}

/* Refuses an unknown VM. */
static int
check_vms(struct store *s, const char *cmd, char **vv, size_t nv, struct buf *err)
{
	struct store_vm vm;
	char e[256];
	size_t i;

	for (i = 0; i < nv; i++)
		if (store_vm_get(s, vv[i], &vm, e, sizeof(e)) == -1)
			return cmd_refuse(err, "%s: VM '%s' is not known; VMs are learned from the "
			              "HMCs by discovery (see 'ksysmgr query vm')", cmd, vv[i]);
	return CMD_OK;
}

/* Refuses a group that is missing or of another kind. */
static int
check_group(struct store *s, const char *cmd, const char *kind, const char *name,
            struct buf *err)
{
	struct store_affinity a;
	char e[256];

	if (store_affinity_get(s, name, &a, e, sizeof(e)) == -1)
		return cmd_refuse(err, "%s: no %s group named '%s'", cmd, kind, name);
	if (strcmp(a.kind, kind) != 0)
		return cmd_refuse(err, "%s: '%s' is %s %s group, not %s %s group", cmd, name,
		              article(a.kind), a.kind, article(kind), kind);
	return CMD_OK;
}

static int
member_cb(const char *vm, void *arg)
{
	struct buf *b = arg;
	buf_printf(b, "%s%s", b->len ? "\n" : "", vm);
	return 0;
}

int
cmd_cfg_add_group(const struct cmd_source *src, const struct request *r,
                  struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	const char *vms = cmd_attr(r, "vm");
	struct store_affinity a;
	char cmd[64], *copy = NULL, *vv[256], e[256];
	size_t nv, i;
	int rc;

	if (!s)
		return CMD_REFUSED;
	snprintf(cmd, sizeof(cmd), "add %s", r->klass);
	if (r->n_names != 1)
		return cmd_usage(err, "%s takes one NAME", cmd);
	if (!vms)
		return cmd_usage(err, "%s %s needs vm=VM[,VM...]", cmd, r->name_v[0]);
	if (strlen(r->name_v[0]) >= STORE_NAME_MAX)
		return cmd_usage(err, "group name '%s' is too long (at most %d characters)",
		             r->name_v[0], STORE_NAME_MAX - 1);
	if (store_affinity_get(s, r->name_v[0], &a, e, sizeof(e)) == 0)
		return cmd_refuse(err, "%s: %s %s group named '%s' already exists (affinity group "
		              "names are shared by collocation, anticollocation and "
		              "workgroup)", cmd, article(a.kind), a.kind, a.name);
	if (!(copy = strdup(vms)))
		return cmd_refuse(err, "%s: out of memory in ksysd", cmd);
	nv = cmd_split_list(copy, vv, sizeof(vv) / sizeof(vv[0]));
	if ((rc = check_vms(s, cmd, vv, nv, err)) != CMD_OK)
		goto out;
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", r->name_v[0]);
	snprintf(a.kind, sizeof(a.kind), "%s", r->klass);
	if (store_begin(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "%s: %s", cmd, e);
		goto out;
	}
	if (store_affinity_put(s, &a, STORE_INSERT, e, sizeof(e)) == -1) {
		rc = cmd_abort_tx(s, err, cmd, e);
		goto out;
	}
	for (i = 0; i < nv; i++)
		if (store_affinity_member_add(s, a.name, vv[i], e, sizeof(e)) == -1) {
			rc = cmd_abort_tx(s, err, cmd, e);
			goto out;
		}
	if (store_commit(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "%s: %s", cmd, e);
		goto out;
	}
	buf_printf(out, "%s group %s was created\n", group_title(a.kind), a.name);
	rc = CMD_OK;
out:
	free(copy);
	return rc;
}

int
cmd_cfg_modify_group(const struct cmd_source *src, const struct request *r,
                     struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	const char *vms = cmd_attr(r, "vm"), *policy = cmd_attr(r, "policy");
	char cmd[64], what[128], *copy = NULL, *vv[256], e[256];
	int del = policy && strcmp(policy, "delete") == 0, rc;
	size_t nv, i, k;

	if (!s)
		return CMD_REFUSED;
	snprintf(cmd, sizeof(cmd), "modify %s", r->klass);
	if (!vms)
		return cmd_usage(err, "%s needs vm=VM[,VM...] (with policy=add, the default, "
		             "or policy=delete)", cmd);
	for (k = 0; k < r->n_names; k++)
		if ((rc = check_group(s, cmd, r->klass, r->name_v[k], err)) != CMD_OK)
			return rc;
	if (!(copy = strdup(vms)))
		return cmd_refuse(err, "%s: out of memory in ksysd", cmd);
	nv = cmd_split_list(copy, vv, sizeof(vv) / sizeof(vv[0]));
	if (!del && (rc = check_vms(s, cmd, vv, nv, err)) != CMD_OK)
		goto out;
	if (store_begin(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "%s: %s", cmd, e);
		goto out;
	}
	for (k = 0; k < r->n_names; k++)
		for (i = 0; i < nv; i++)
			if ((del ? store_affinity_member_del(s, r->name_v[k], vv[i], e, sizeof(e))
			         : store_affinity_member_add(s, r->name_v[k], vv[i], e,
			                                     sizeof(e))) == -1) {
				rc = cmd_abort_tx(s, err, cmd, e);
				goto out;
			}
	if (store_commit(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "%s: %s", cmd, e);
		goto out;
	}
	for (k = 0; k < r->n_names; k++) {
		snprintf(what, sizeof(what), "%s group %s", group_title(r->klass), r->name_v[k]);
		cmd_modified_line(out, what, r);
	}
	rc = CMD_OK;
out:
	free(copy);
	return rc;
}

int
cmd_cfg_delete_group(const struct cmd_source *src, const struct request *r,
                     struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	char cmd[64], e[256];
	size_t k;
	int rc;

	if (!s)
		return CMD_REFUSED;
	snprintf(cmd, sizeof(cmd), "delete %s", r->klass);
	for (k = 0; k < r->n_names; k++)
		if ((rc = check_group(s, cmd, r->klass, r->name_v[k], err)) != CMD_OK)
			return rc;
	if (store_begin(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "%s: %s", cmd, e);
	for (k = 0; k < r->n_names; k++)
		if (store_affinity_delete(s, r->name_v[k], e, sizeof(e)) == -1)
			return cmd_abort_tx(s, err, cmd, e);
	if (store_commit(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "%s: %s", cmd, e);
	for (k = 0; k < r->n_names; k++)
		buf_printf(out, "%s group %s was removed\n", group_title(r->klass), r->name_v[k]);
	return CMD_OK;
}

struct group_walk {
	struct store *s;
	const struct request *r;
	struct buf *out;
	size_t n;
};

static int
group_rec_cb(const struct store_affinity *a, void *arg)
{
	struct group_walk *w = arg;
	struct buf vms = { 0 }, one = { 0 };
	struct cmd_field f[3];

	if (strcmp(a->kind, w->r->klass) != 0 || (w->r->n_names && !cmd_has_name(w->r, a->name)))
		return 0;
	store_affinity_member_list(w->s, a->name, member_cb, &vms);
	f[0] = (struct cmd_field){ "Name", a->name, 0 };
	f[1] = (struct cmd_field){ "Type", group_type(a->kind), 0 };
	f[2] = (struct cmd_field){ "VMs", buf_str(&vms), 2 };
	cmd_put_records(&one, w->r->json, f, 3, 1, CMD_KV_WIDTH);
	cmd_append_record(w->out, &one, w->r->json, w->n++);
	buf_free(&vms);
	buf_free(&one);
	return 0;
}

int
cmd_cfg_query_group(const struct cmd_source *src, const struct request *r,
                    struct buf *out, struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct group_walk w = { s, r, out, 0 };
	char cmd[64];
	size_t k;
	int rc;

	if (!s)
		return CMD_REFUSED;
	snprintf(cmd, sizeof(cmd), "query %s", r->klass);
	for (k = 0; k < r->n_names; k++)
		if ((rc = check_group(s, cmd, r->klass, r->name_v[k], err)) != CMD_OK)
			return rc;
	store_affinity_list(s, group_rec_cb, &w);
	if (r->json)
		buf_puts(out, w.n ? "]\n" : "[]\n");
	else if (!w.n)
		buf_printf(out, "No %s group is defined; create one with 'ksysmgr add %s "
		           "NAME vm=VM[,VM...]'\n", r->klass, r->klass);
	return CMD_OK;
}
