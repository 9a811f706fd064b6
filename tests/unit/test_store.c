/* test_store — ksys.db: modes, WAL, schema versions, CRUD of every object
 * kind, refusals, transactions, event log and journal resumption.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "buf.h"
#include "store.h"
#include "../tap.h"

static char dir[256];
static char err[512];

static struct store *reopen(struct store *s)
{
	store_close(s);
	s = store_open(dir, err, sizeof err);
	if (!s)
		diag("reopen: %s", err);
	return s;
}

static int file_mode(const char *suffix)
{
	char p[512];
	struct stat sb;

	snprintf(p, sizeof p, "%s/ksys.db%s", dir, suffix);
	if (stat(p, &sb) == -1)
		return -1;
	return (int)(sb.st_mode & 0777);
}

/* raw sqlite access, as a test would poke an old or foreign file */
static int raw_exec(const char *sql)
{
	char p[512];
	sqlite3 *db;
	int rc;

	snprintf(p, sizeof p, "%s/ksys.db", dir);
	if (sqlite3_open(p, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

static int raw_int(const char *sql)
{
	char p[512];
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	int v = -1;

	snprintf(p, sizeof p, "%s/ksys.db", dir);
	if (sqlite3_open(p, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int count_cb(const void *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

/* collect names of a string list into "a,b,c" */
static int join_cb(const char *v, void *arg)
{
	char *out = arg;

	if (*out)
		strcat(out, ",");
	strcat(out, v);
	return 0;
}

static int host_names_cb(const struct store_host *h, void *arg)
{
	return join_cb(h->name, arg);
}

static int vm_names_cb(const struct store_vm *v, void *arg)
{
	return join_cb(v->name, arg);
}

static int vios_names_cb(const struct store_vios *v, void *arg)
{
	return join_cb(v->name, arg);
}

static int hmc_count_cb(const struct store_hmc *h, void *arg)
{
	return count_cb(h, arg);
}

static int hg_count_cb(const struct store_host_group *g, void *arg)
{
	return count_cb(g, arg);
}

static int aff_names_cb(const struct store_affinity *a, void *arg)
{
	return join_cb(a->name, arg);
}

static int sys_count_cb(const char *k, const char *v, void *arg)
{
	(void)v;
	return count_cb(k, arg);
}

static int contact_cb(const struct store_contact *c, void *arg)
{
	char buf[400];

	snprintf(buf, sizeof buf, "%s=%s", c->user, c->contact);
	return join_cb(buf, arg);
}

static int event_cb(const struct store_event *e, void *arg)
{
	char buf[128];

	snprintf(buf, sizeof buf, "%lld:%s", (long long)e->id, e->name);
	return join_cb(buf, arg);
}

static int journal_cb(const struct store_journal *j, void *arg)
{
	char buf[2600];

	snprintf(buf, sizeof buf, "%s/%s/%s/%s/%s", j->kind, j->object, j->step,
		 j->state, j->data);
	return join_cb(buf, arg);
}

static int inv_cb(const struct store_inv *r, void *arg)
{
	char buf[400];

	snprintf(buf, sizeof buf, "%s:%s:%s", r->kind, r->name, r->extra ? r->extra : "-");
	return join_cb(buf, arg);
}

static int stop_cb(const struct store_host *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
	return 7;
}

static struct store_hmc mkhmc(const char *name)
{
	struct store_hmc h;

	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.address, sizeof h.address, "127.0.0.1");
	h.port = 12443;
	snprintf(h.user, sizeof h.user, "hscroot");
	snprintf(h.password, sizeof h.password, "abc123");
	snprintf(h.pin, sizeof h.pin, "sha256//AAAA");
	h.tls_verify = 1;
	return h;
}

static struct store_host mkhost(const char *name, const char *uuid, const char *hg)
{
	struct store_host h;

	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.uuid, sizeof h.uuid, "%s", uuid);
	snprintf(h.host_group, sizeof h.host_group, "%s", hg);
	snprintf(h.mtms, sizeof h.mtms, "8286-42A*0607585");
	return h;
}

static void test_open_modes(void)
{
	struct store *s;
	char p[512];

	s = store_open(dir, err, sizeof err);
	ok(s != NULL, "store_open creates ksys.db (%s)", s ? "" : err);
	if (!s)
		exit(1);
	is_int(store_schema_version(s), STORE_SCHEMA_VERSION, "schema version is current");
	snprintf(p, sizeof p, "%s/ksys.db", dir);
	is_str(store_path(s), p, "store_path");
	is_int(file_mode(""), 0600, "ksys.db is 0600");
	is_int(file_mode("-wal"), 0600, "ksys.db-wal is 0600");
	is_int(file_mode("-shm"), 0600, "ksys.db-shm is 0600");
	store_close(s);
	is_int(raw_int("PRAGMA user_version"), STORE_SCHEMA_VERSION, "user_version set");
	{
		char p2[512];
		sqlite3 *db;
		sqlite3_stmt *st = NULL;
		int wal = 0;

		snprintf(p2, sizeof p2, "%s/ksys.db", dir);
		if (sqlite3_open(p2, &db) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			wal = strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
		sqlite3_finalize(st);
		sqlite3_close(db);
		ok(wal, "journal_mode is WAL (persistent)");
	}
	ok(store_schema_migration(1) != NULL, "migration 1 exists");
	ok(store_schema_migration(STORE_SCHEMA_VERSION + 1) == NULL &&
	   store_schema_migration(0) == NULL, "no migration outside 1..current");
}

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

static void test_newer_refused(void)
{
	struct store *s;
	char exp[1024];

	{
		char m[1024], ex2[1024];
		ok(store_check(dir, m, sizeof m) == 0, "store_check accepts the current db");
		snprintf(ex2, sizeof ex2, "%s/ksys.db: schema version %d", dir,
			 STORE_SCHEMA_VERSION);
		is_str(m, ex2, "and describes it");
		ok(raw_exec("PRAGMA user_version = 99") == 0, "bump user_version to 99");
		ok(store_check(dir, m, sizeof m) == -1 && strstr(m, "written by a newer ksysd"),
		   "store_check refuses a newer db: %s", m);
		ok(store_check("/nonexistent-dir", m, sizeof m) == 0 && strstr(m, "absent"),
		   "an absent db is fine for a check: %s", m);
	}
	s = store_open(dir, err, sizeof err);
	ok(s == NULL, "newer database refused");
	snprintf(exp, sizeof exp, "%s/ksys.db: written by a newer ksysd (schema version 99; "
		 "this ksysd knows up to %d); upgrade ksysd or restore a backup of the "
		 "state directory", dir, STORE_SCHEMA_VERSION);
	is_str(err, exp, "refusal message");
	store_close(s);
	raw_exec("PRAGMA user_version = " STRINGIFY(STORE_SCHEMA_VERSION));
}

static void test_migration_from_empty(void)
{
	char d2[300], p[400];
	struct store *s;
	FILE *f;

	/* an existing empty file at version 0 gets every migration in order */
	snprintf(d2, sizeof d2, "%s/old", dir);
	mkdir(d2, 0700);
	snprintf(p, sizeof p, "%s/ksys.db", d2);
	f = fopen(p, "w");
	if (f)
		fclose(f);
	s = store_open(d2, err, sizeof err);
	ok(s != NULL, "empty file migrated (%s)", s ? "" : err);
	if (s) {
		char v[32] = "";
		is_int(store_schema_version(s), STORE_SCHEMA_VERSION, "at newest version");
		ok(store_sys_get(s, "host_failure_detection_time", v, sizeof v, err,
				 sizeof err) == 0 && strcmp(v, "90") == 0,
		   "migration 1 inserted defaults");
	}
	store_close(s);
	/* opening again applies nothing and keeps the data */
	s = store_open(d2, err, sizeof err);
	ok(s && store_sys_set(s, "ha_monitor", "enable", err, sizeof err) == 0,
	   "reopen at current version");
	store_close(s);
}

/* A version-1 database with data is taken to the current version: rows
 * survive, new columns get their defaults. */
static void test_migration_v1_data(void)
{
	char d2[300], p[400];
	struct store *s;
	struct store_vm v;
	struct store_host h;
	sqlite3 *db;
	int rc;

	snprintf(d2, sizeof d2, "%s/v1", dir);
	mkdir(d2, 0700);
	snprintf(p, sizeof p, "%s/ksys.db", d2);
	rc = sqlite3_open(p, &db);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, store_schema_migration(1), NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "INSERT INTO host(name, uuid) VALUES('h1', 'u-h1');"
				  "INSERT INTO vm(name, uuid, host, priority) "
				  "VALUES('vm1', 'U-VM1', 'h1', 'High');"
				  "PRAGMA user_version = 1;", NULL, NULL, NULL);
	sqlite3_close(db);
	ok(rc == SQLITE_OK, "a version-1 database with a host and a VM");
	s = store_open(d2, err, sizeof err);
	ok(s != NULL, "version 1 migrated (%s)", s ? "" : err);
	if (!s)
		return;
	is_int(store_schema_version(s), STORE_SCHEMA_VERSION, "at newest version");
	ok(store_vm_get(s, "vm1", &v, err, sizeof err) == 0, "the VM survived");
	is_str(v.priority, "High", "with its priority");
	is_str(v.vm_status, "NO_OPERATION_IN_PROGRESS", "new column vm_status defaulted");
	ok(store_host_get_uuid(s, "U-H1", &h, err, sizeof err) == 0 &&
	   strcmp(h.name, "h1") == 0, "host found by uuid, case-insensitive");
	ok(store_vm_get_uuid(s, "u-vm1", &v, err, sizeof err) == 0 &&
	   strcmp(v.name, "vm1") == 0, "vm found by uuid");
	ok(store_vm_get_uuid(s, "nope", &v, err, sizeof err) == -1 &&
	   strcmp(err, "no vm has uuid 'nope'") == 0, "unknown uuid refused: %s", err);
	store_close(s);
}

static int action_line_cb(char stream, int64_t time_ms, const char *text, void *arg)
{
	struct buf *b = arg;

	(void)time_ms;
	buf_printf(b, "%c:%s|", stream, text);
	return 0;
}

static int action_count_cb(const struct store_action *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
	return 0;
}

static void test_names(void)
{
	char out[256], d2[300];
	struct store *s;
	struct store_host h;

	snprintf(d2, sizeof d2, "%s/names", dir);
	mkdir(d2, 0700);
	s = store_open(d2, err, sizeof err);
	if (!s)
		return;
	for (int i = 3; i >= 1; i--) {
		memset(&h, 0, sizeof h);
		snprintf(h.name, sizeof h.name, "h%d", i);
		store_host_put(s, &h, STORE_INSERT, err, sizeof err);
	}
	is_int(store_names(s, "host", 0, out, sizeof out), 3, "three hosts");
	is_str(out, "h1, h2, h3", "all of them in name order");
	is_int(store_names(s, "host", 2, out, sizeof out), 3, "still three with a cap");
	is_str(out, "h1, h2 and 1 more", "the cap says how many more");
	is_int(store_names(s, "affinity", 0, out, sizeof out), 0, "no affinity group");
	is_str(out, "", "an empty list");
	is_int(store_names(s, "sqlite_master", 0, out, sizeof out), -1,
	       "only the object tables are listed");
	store_close(s);
}

static void test_actions(struct store *s)
{
	struct store_action a;
	struct buf b = { 0 };
	int64_t id = 0, id2 = 0, last = -1;
	int n = 0;

	ok(store_action_begin(s, "discover", "HG1", &id, err, sizeof err) == 0 && id > 0,
	   "action begins");
	ok(store_action_line(s, id, 'O', 1000, "Running discovery", err, sizeof err) == 0 &&
	   store_action_line(s, id, 'P', 2000, "\tstep", err, sizeof err) == 0,
	   "two lines appended");
	store_action_lines(s, id, action_line_cb, &b);
	is_str(buf_str(&b), "O:Running discovery|P:\tstep|", "lines replay in order");
	ok(store_action_get(s, id, &a, err, sizeof err) == 0 &&
	   strcmp(a.state, "running") == 0 && a.n_lines == 2, "running with 2 lines");
	ok(store_action_end(s, id, "done", 0, err, sizeof err) == 0, "action ends");
	ok(store_action_end(s, id, "done", 0, err, sizeof err) == -1, "ending twice refused");
	store_action_begin(s, "verify", "HG1", &id2, err, sizeof err);
	is_int(store_action_interrupt_all(s, err, sizeof err), 1,
	       "one running action marked interrupted");
	store_action_get(s, id2, &a, err, sizeof err);
	is_str(a.state, "interrupted", "state interrupted");
	store_action_list(s, 0, action_count_cb, &n);
	is_int(n, 2, "two actions listed");
	is_int(store_action_prune(s, 1), 1, "prune keeps the newest");
	ok(store_action_get(s, id, &a, err, sizeof err) == -1, "the older one is gone");
	ok(store_sched_get(s, "quick_discovery", &last) == 0 && last == 0,
	   "schedule never ran");
	ok(store_sched_set(s, "quick_discovery", 1234, err, sizeof err) == 0 &&
	   store_sched_get(s, "quick_discovery", &last) == 0 && last == 1234,
	   "schedule remembered");
	buf_free(&b);
}

static void test_system(struct store *s)
{
	char v[64];
	int n = 0;
	static const char *const defs[][2] = {
		{ "auto_discovery_time", "00:00" },
		{ "notification_level", "low" },
		{ "dup_event_processing", "yes" },
		{ "ha_monitor", "disable" },
		{ "host_failure_detection_time", "90" },
		{ "vm_failure_detection_speed", "normal" },
		{ "restart_policy", "auto" },
	};

	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
		v[0] = 0;
		store_sys_get(s, defs[i][0], v, sizeof v, err, sizeof err);
		is_str(v, defs[i][1], "system default %s", defs[i][0]);
	}
	store_sys_list(s, sys_count_cb, &n);
	is_int(n, 7, "seven system attributes");
	ok(store_sys_set(s, "ha_monitor", "enable", err, sizeof err) == 0, "set ha_monitor");
	ok(store_sys_set(s, "bogus", "x", err, sizeof err) == -1, "unknown key refused");
	is_str(err, "system attribute 'bogus' does not exist", "unknown key message");
	ok(store_sys_get(s, "bogus", v, sizeof v, err, sizeof err) == -1, "get unknown key");
}

static void test_cluster(struct store *s)
{
	struct store_cluster c = { "ITSO_HA", "HA", "Online", "ksys7005rbdr" }, g;
	struct store_cluster c2 = { "OTHER", "HA", "", "" };

	ok(store_cluster_put(s, &c, STORE_INSERT, err, sizeof err) == 0, "add cluster");
	ok(store_cluster_put(s, &c, STORE_INSERT, err, sizeof err) == -1, "dup cluster");
	is_str(err, "cluster 'ITSO_HA' already exists", "dup cluster message");
	ok(store_cluster_put(s, &c2, STORE_INSERT, err, sizeof err) == -1,
	   "second cluster refused");
	is_str(err, "cluster 'OTHER': cluster 'ITSO_HA' already exists; only one cluster "
	       "is supported", "second cluster message");
	ok(store_cluster_get(s, "ITSO_HA", &g, err, sizeof err) == 0 &&
	   strcmp(g.ksysnodes, "ksys7005rbdr") == 0 && strcmp(g.state, "Online") == 0,
	   "get cluster");
}

static void test_hmc(struct store *s)
{
	struct store_hmc h = mkhmc("hmc1"), g;
	int n = 0;

	ok(store_hmc_put(s, &h, STORE_INSERT, err, sizeof err) == 0, "add hmc");
	ok(store_hmc_put(s, &h, STORE_INSERT, err, sizeof err) == -1, "dup hmc refused");
	is_str(err, "hmc 'hmc1' already exists", "dup hmc message");
	h = mkhmc("hmc2");
	ok(store_hmc_put(s, &h, STORE_UPDATE, err, sizeof err) == -1, "update missing hmc");
	is_str(err, "hmc 'hmc2' does not exist", "update missing message");
	ok(store_hmc_put(s, &h, STORE_UPSERT, err, sizeof err) == 0, "upsert hmc2");
	h.port = 0;
	ok(store_hmc_put(s, &h, STORE_UPSERT, err, sizeof err) == -1, "port 0 refused");
	is_str(err, "hmc 'hmc2': port 0 is out of range 1-65535", "range message");
	h = mkhmc("hmc2");
	snprintf(h.password, sizeof h.password, "changed");
	ok(store_hmc_put(s, &h, STORE_UPDATE, err, sizeof err) == 0, "update hmc2");
	ok(store_hmc_get(s, "hmc2", &g, err, sizeof err) == 0 &&
	   strcmp(g.password, "changed") == 0 && g.port == 12443 && g.tls_verify == 1 &&
	   strcmp(g.pin, "sha256//AAAA") == 0, "get hmc2 after update");
	ok(store_hmc_get(s, "nope", &g, err, sizeof err) == -1, "get unknown hmc");
	is_str(err, "hmc 'nope' does not exist", "get unknown message");
	store_hmc_list(s, hmc_count_cb, &n);
	is_int(n, 2, "two hmcs listed");
	h = mkhmc("");
	ok(store_hmc_put(s, &h, STORE_UPSERT, err, sizeof err) == -1, "empty name refused");
	is_str(err, "hmc '': name is required", "empty name message");
	ok(store_hmc_delete(s, "hmc2", err, sizeof err) == 0, "delete hmc2");
	ok(store_hmc_delete(s, "hmc2", err, sizeof err) == -1, "delete twice refused");
	is_str(err, "hmc 'hmc2' does not exist", "delete unknown message");
}

static void test_topology(struct store *s)
{
	struct store_host_group g, gg;
	struct store_host h, hh;
	struct store_vios v, vv;
	struct store_vm m, mm;
	char names[512];
	int n = 0, r;

	store_host_group_defaults(&g, "HG1");
	snprintf(g.repo_disk, sizeof g.repo_disk, "01M0lCTTIxNDUx==");
	ok(store_host_group_put(s, &g, STORE_INSERT, err, sizeof err) == 0, "add hg");
	ok(store_host_group_get(s, "HG1", &gg, err, sizeof err) == 0 &&
	   strcmp(gg.restart_policy, "auto") == 0 && strcmp(gg.state, "NEW") == 0 &&
	   strcmp(gg.mem_capacity[STORE_PRIO_LOW], "100") == 0 &&
	   gg.ha_monitor[0] == 0 && gg.host_failure_detection_time == 0,
	   "hg defaults round-trip");
	snprintf(g.mem_capacity[STORE_PRIO_MEDIUM], 16, "60");
	snprintf(g.cpu_capacity[STORE_PRIO_LOW], 16, "minimum");
	g.host_failure_detection_time = 120;
	snprintf(g.ha_monitor, sizeof g.ha_monitor, "enable");
	ok(store_host_group_put(s, &g, STORE_UPDATE, err, sizeof err) == 0, "modify hg");
	store_host_group_get(s, "HG1", &gg, err, sizeof err);
	ok(strcmp(gg.mem_capacity[STORE_PRIO_MEDIUM], "60") == 0 &&
	   strcmp(gg.cpu_capacity[STORE_PRIO_LOW], "minimum") == 0 &&
	   gg.host_failure_detection_time == 120 && strcmp(gg.ha_monitor, "enable") == 0,
	   "hg capacity/fdt stored");
	g.host_failure_detection_time = 60;
	ok(store_host_group_put(s, &g, STORE_UPDATE, err, sizeof err) == -1, "fdt 60 refused");
	is_str(err, "host group 'HG1': host_failure_detection_time 60 is out of range 90-600",
	       "fdt message");
	g.host_failure_detection_time = 90;
	snprintf(g.restart_policy, sizeof g.restart_policy, "sometimes");
	ok(store_host_group_put(s, &g, STORE_UPDATE, err, sizeof err) == -1,
	   "bad restart_policy refused");
	is_str(err, "host group 'HG1': restart_policy 'sometimes' is not one of auto, "
	       "advisory_mode", "enum message");

	h = mkhost("rt11", "d04d8a4a", "HG1");
	ok(store_host_put(s, &h, STORE_INSERT, err, sizeof err) == 0, "add host rt11");
	h = mkhost("rt12", "d04d8a4a", "");
	ok(store_host_put(s, &h, STORE_INSERT, err, sizeof err) == -1, "dup uuid refused");
	is_str(err, "host 'rt12': uuid 'd04d8a4a' already belongs to host 'rt11'",
	       "dup uuid message");
	h = mkhost("rt12", "4715697c", "NOHG");
	ok(store_host_put(s, &h, STORE_INSERT, err, sizeof err) == -1, "unknown hg refused");
	is_str(err, "host 'rt12': host group 'NOHG' does not exist", "unknown ref message");
	h = mkhost("rt12", "4715697c", "");
	ok(store_host_put(s, &h, STORE_INSERT, err, sizeof err) == 0, "add host rt12 no hg");
	h = mkhost("rt13", "", "");
	ok(store_host_put(s, &h, STORE_INSERT, err, sizeof err) == 0, "host without uuid");
	h = mkhost("rt14", "", "");
	ok(store_host_put(s, &h, STORE_INSERT, err, sizeof err) == 0,
	   "second host without uuid (empty is not a duplicate)");
	ok(store_host_get(s, "rt12", &hh, err, sizeof err) == 0 && hh.host_group[0] == 0 &&
	   strcmp(hh.uuid, "4715697c") == 0, "get host rt12");
	names[0] = 0;
	store_host_list(s, host_names_cb, names);
	is_str(names, "rt11,rt12,rt13,rt14", "hosts listed in name order");
	n = 0;
	r = store_host_list(s, stop_cb, &n);
	ok(r == 7 && n == 1, "callback return stops the walk");

	/* vios */
	memset(&v, 0, sizeof v);
	snprintf(v.name, sizeof v.name, "rt11v1");
	snprintf(v.uuid, sizeof v.uuid, "29798A5A");
	snprintf(v.host, sizeof v.host, "rt11");
	v.managed = 1;
	snprintf(v.state, sizeof v.state, "MANAGED");
	ok(store_vios_put(s, &v, STORE_INSERT, err, sizeof err) == 0, "add vios");
	snprintf(v.name, sizeof v.name, "rt13v1");
	snprintf(v.uuid, sizeof v.uuid, "AAAA");
	snprintf(v.host, sizeof v.host, "rt13");
	ok(store_vios_put(s, &v, STORE_INSERT, err, sizeof err) == 0, "add vios on rt13");
	v.host[0] = 0;
	ok(store_vios_put(s, &v, STORE_UPDATE, err, sizeof err) == -1, "vios needs a host");
	is_str(err, "vios 'rt13v1': host is required", "required message");
	ok(store_vios_get(s, "rt11v1", &vv, err, sizeof err) == 0 && vv.managed == 1 &&
	   strcmp(vv.host, "rt11") == 0, "get vios");

	/* vm */
	store_vm_defaults(&m, "vm1");
	snprintf(m.uuid, sizeof m.uuid, "4FCD724B");
	snprintf(m.host, sizeof m.host, "rt11");
	snprintf(m.home_host, sizeof m.home_host, "rt13");
	ok(store_vm_put(s, &m, STORE_INSERT, err, sizeof err) == 0, "add vm1");
	store_vm_defaults(&m, "vm2");
	snprintf(m.host, sizeof m.host, "rt13");
	snprintf(m.priority, sizeof m.priority, "High");
	ok(store_vm_put(s, &m, STORE_INSERT, err, sizeof err) == 0, "add vm2");
	store_vm_defaults(&m, "vm3");
	snprintf(m.host, sizeof m.host, "rt12");
	m.managed = 0;
	ok(store_vm_put(s, &m, STORE_INSERT, err, sizeof err) == 0, "add unmanaged vm3");
	snprintf(m.priority, sizeof m.priority, "high");
	ok(store_vm_put(s, &m, STORE_UPDATE, err, sizeof err) == -1, "priority spelled high");
	is_str(err, "vm 'vm3': priority 'high' is not one of High, Medium, Low",
	       "priority message");
	store_vm_defaults(&m, "vm4");
	snprintf(m.home_host, sizeof m.home_host, "ghost");
	ok(store_vm_put(s, &m, STORE_INSERT, err, sizeof err) == -1, "unknown home host");
	is_str(err, "vm 'vm4': home host 'ghost' does not exist", "home host message");
	ok(store_vm_get(s, "vm1", &mm, err, sizeof err) == 0 &&
	   strcmp(mm.priority, "Medium") == 0 && mm.managed == 1 &&
	   strcmp(mm.home_host, "rt13") == 0 && strcmp(mm.state, "INIT") == 0 &&
	   mm.ha_monitor[0] == 0, "get vm1 with defaults");
	ok(store_vm_get(s, "vm3", &mm, err, sizeof err) == 0 && mm.managed == 0,
	   "vm3 unmanaged");

	/* blacklist */
	ok(store_vm_blacklist_add(s, "vm1", "rt12", err, sizeof err) == 0, "blacklist rt12");
	ok(store_vm_blacklist_add(s, "vm1", "rt14", err, sizeof err) == 0, "blacklist rt14");
	ok(store_vm_blacklist_add(s, "vm1", "rt12", err, sizeof err) == -1, "dup blacklist");
	is_str(err, "blacklist of vm 'vm1' already has host 'rt12'", "dup blacklist message");
	ok(store_vm_blacklist_add(s, "vm1", "ghost", err, sizeof err) == -1, "unknown host");
	is_str(err, "host 'ghost' does not exist", "unknown host message");
	ok(store_vm_blacklist_add(s, "nope", "rt12", err, sizeof err) == -1, "unknown vm");
	is_str(err, "vm 'nope' does not exist", "unknown vm message");
	names[0] = 0;
	store_vm_blacklist_list(s, "vm1", join_cb, names);
	is_str(names, "rt12,rt14", "blacklist listed");
	ok(store_vm_blacklist_del(s, "vm1", "rt14", err, sizeof err) == 0, "unblacklist");
	ok(store_vm_blacklist_del(s, "vm1", "rt14", err, sizeof err) == -1, "unblacklist twice");
	is_str(err, "blacklist of vm 'vm1' has no host 'rt14'", "not blacklisted message");

	/* delete refusals and cascades */
	ok(store_host_group_delete(s, "HG1", err, sizeof err) == -1, "hg with hosts refused");
	is_str(err, "host group 'HG1' still has host 'rt11'; remove the hosts from the group "
	       "first", "hg delete message");
	ok(store_host_delete(s, "rt11", err, sizeof err) == -1, "host in hg refused");
	is_str(err, "host 'rt11' is a member of host group 'HG1'; remove it from the group "
	       "first", "host delete message");
	ok(store_host_delete(s, "ghost", err, sizeof err) == -1, "delete unknown host");
	is_str(err, "host 'ghost' does not exist", "delete unknown host message");
	ok(store_host_delete(s, "rt13", err, sizeof err) == 0, "delete host rt13");
	names[0] = 0;
	store_vios_list(s, vios_names_cb, names);
	is_str(names, "rt11v1", "its vios went with it");
	names[0] = 0;
	store_vm_list(s, vm_names_cb, names);
	is_str(names, "vm1,vm3", "its vm went with it");
	store_vm_get(s, "vm1", &mm, err, sizeof err);
	is_str(mm.home_host, "", "home host cleared");
	ok(store_host_delete(s, "rt12", err, sizeof err) == 0, "delete host rt12");
	names[0] = 0;
	store_vm_blacklist_list(s, "vm1", join_cb, names);
	is_str(names, "", "blacklist entry on deleted host gone");
	names[0] = 0;
	store_vm_list(s, vm_names_cb, names);
	is_str(names, "vm1", "vm3 went with host rt12");
	h = mkhost("rt11", "d04d8a4a", "");
	ok(store_host_put(s, &h, STORE_UPDATE, err, sizeof err) == 0, "take rt11 out of hg");
	ok(store_host_group_delete(s, "HG1", err, sizeof err) == 0, "now hg deletes");
	n = 0;
	store_host_group_list(s, hg_count_cb, &n);
	is_int(n, 0, "no host groups left");
}

static void test_affinity_contacts(struct store *s)
{
	struct store_affinity a = { "policy_1", "collocation" }, b = { "p2", "sideways" }, g;
	char names[512];
	struct store_vm m;

	store_vm_defaults(&m, "vm5");
	snprintf(m.host, sizeof m.host, "rt11");
	ok(store_vm_put(s, &m, STORE_INSERT, err, sizeof err) == 0, "add vm5");
	ok(store_affinity_put(s, &a, STORE_INSERT, err, sizeof err) == 0, "add collocation");
	ok(store_affinity_put(s, &a, STORE_INSERT, err, sizeof err) == -1, "dup affinity");
	is_str(err, "affinity group 'policy_1' already exists", "dup affinity message");
	ok(store_affinity_put(s, &b, STORE_INSERT, err, sizeof err) == -1, "bad kind");
	is_str(err, "affinity group 'p2': kind 'sideways' is not one of collocation, "
	       "anticollocation, workgroup", "bad kind message");
	snprintf(b.kind, sizeof b.kind, "workgroup");
	ok(store_affinity_put(s, &b, STORE_INSERT, err, sizeof err) == 0, "add workgroup");
	ok(store_affinity_member_add(s, "policy_1", "vm1", err, sizeof err) == 0 &&
	   store_affinity_member_add(s, "policy_1", "vm5", err, sizeof err) == 0 &&
	   store_affinity_member_add(s, "p2", "vm5", err, sizeof err) == 0, "add members");
	ok(store_affinity_member_add(s, "policy_1", "vm9", err, sizeof err) == -1,
	   "unknown member");
	is_str(err, "vm 'vm9' does not exist", "unknown member message");
	ok(store_affinity_member_add(s, "nope", "vm1", err, sizeof err) == -1, "unknown group");
	is_str(err, "affinity group 'nope' does not exist", "unknown group message");
	names[0] = 0;
	store_affinity_member_list(s, "policy_1", join_cb, names);
	is_str(names, "vm1,vm5", "members listed");
	ok(store_affinity_get(s, "p2", &g, err, sizeof err) == 0 &&
	   strcmp(g.kind, "workgroup") == 0, "get affinity");
	ok(store_vm_delete(s, "vm5", err, sizeof err) == 0, "delete vm5");
	names[0] = 0;
	store_affinity_member_list(s, "policy_1", join_cb, names);
	is_str(names, "vm1", "deleted vm left its groups");
	ok(store_affinity_member_del(s, "policy_1", "vm1", err, sizeof err) == 0,
	   "remove member");
	ok(store_affinity_delete(s, "p2", err, sizeof err) == 0, "delete workgroup");
	names[0] = 0;
	store_affinity_list(s, aff_names_cb, names);
	is_str(names, "policy_1", "one group left");

	struct store_contact c = { "Francisco", "f@a.example", "email" };
	ok(store_contact_add(s, &c, err, sizeof err) == 0, "add contact");
	ok(store_contact_add(s, &c, err, sizeof err) == -1, "dup contact refused");
	is_str(err, "notify contact 'f@a.example' of user 'Francisco' already exists",
	       "dup contact message");
	snprintf(c.contact, sizeof c.contact, "f@b.example");
	ok(store_contact_add(s, &c, err, sizeof err) == 0, "second contact same user");
	snprintf(c.user, sizeof c.user, "ann");
	ok(store_contact_add(s, &c, err, sizeof err) == 0, "contact of another user");
	names[0] = 0;
	store_contact_list(s, contact_cb, names);
	is_str(names, "Francisco=f@a.example,Francisco=f@b.example,ann=f@b.example",
	       "contacts listed");
	ok(store_contact_delete(s, "Francisco", NULL, err, sizeof err) == 0,
	   "delete all of a user");
	ok(store_contact_delete(s, "Francisco", NULL, err, sizeof err) == -1,
	   "delete again refused");
	is_str(err, "notify user 'Francisco' has no contacts", "no contacts message");
	ok(store_contact_delete(s, "ann", "f@b.example", err, sizeof err) == 0,
	   "delete one contact");
}

static void test_transactions(struct store *s)
{
	struct store_hmc h = mkhmc("txhmc"), g;
	struct store_host_group hg;

	ok(store_begin(s, err, sizeof err) == 0, "begin");
	ok(store_begin(s, err, sizeof err) == -1, "nested begin refused");
	ok(store_hmc_put(s, &h, STORE_INSERT, err, sizeof err) == 0, "put in tx");
	store_host_group_defaults(&hg, "TXHG");
	ok(store_host_group_put(s, &hg, STORE_INSERT, err, sizeof err) == 0, "put hg in tx");
	ok(store_sys_set(s, "notification_level", "high", err, sizeof err) == 0, "sys in tx");
	ok(store_rollback(s) == 0, "rollback");
	ok(store_hmc_get(s, "txhmc", &g, err, sizeof err) == -1 &&
	   store_host_group_get(s, "TXHG", &hg, err, sizeof err) == -1,
	   "rolled-back objects are gone");
	{
		char v[32] = "";
		store_sys_get(s, "notification_level", v, sizeof v, err, sizeof err);
		is_str(v, "low", "rolled-back attribute restored");
	}
	ok(store_begin(s, err, sizeof err) == 0 &&
	   store_hmc_put(s, &h, STORE_INSERT, err, sizeof err) == 0 &&
	   store_commit(s, err, sizeof err) == 0, "commit");
	ok(store_hmc_get(s, "txhmc", &g, err, sizeof err) == 0, "committed object present");
}

static void test_events(struct store *s)
{
	struct store_event e;
	char out[512];
	int64_t first;

	memset(&e, 0, sizeof e);
	snprintf(e.name, sizeof e.name, "HOST_FAILURE");
	snprintf(e.object_kind, sizeof e.object_kind, "host");
	snprintf(e.object_name, sizeof e.object_name, "rt11");
	ok(store_event_add(s, &e, err, sizeof err) == 0 && e.id > 0 && e.time_ms > 0,
	   "event added with id and time");
	first = e.id;
	memset(&e, 0, sizeof e);
	snprintf(e.name, sizeof e.name, "VM_FAILURE");
	e.time_ms = 5;
	store_event_add(s, &e, err, sizeof err);
	memset(&e, 0, sizeof e);
	snprintf(e.name, sizeof e.name, "HOST_FAILURE");
	store_event_add(s, &e, err, sizeof err);
	out[0] = 0;
	store_event_list(s, 0, NULL, 0, event_cb, out);
	{
		char exp[128];
		snprintf(exp, sizeof exp, "%lld:HOST_FAILURE,%lld:VM_FAILURE,%lld:HOST_FAILURE",
			 (long long)first, (long long)first + 1, (long long)first + 2);
		is_str(out, exp, "events in insertion order");
		out[0] = 0;
		store_event_list(s, 0, "HOST_FAILURE", 0, event_cb, out);
		snprintf(exp, sizeof exp, "%lld:HOST_FAILURE,%lld:HOST_FAILURE",
			 (long long)first, (long long)first + 2);
		is_str(out, exp, "filter by name");
		out[0] = 0;
		store_event_list(s, first, NULL, 1, event_cb, out);
		snprintf(exp, sizeof exp, "%lld:VM_FAILURE", (long long)first + 1);
		is_str(out, exp, "since + limit");
	}
	memset(&e, 0, sizeof e);
	ok(store_event_add(s, &e, err, sizeof err) == -1, "nameless event refused");
}

static void test_inventory(struct store *s)
{
	struct store_inv r;
	char out[512];

	memset(&r, 0, sizeof r);
	snprintf(r.hmc, sizeof r.hmc, "hmc1");
	snprintf(r.kind, sizeof r.kind, "vm");
	snprintf(r.uuid, sizeof r.uuid, "U1");
	snprintf(r.name, sizeof r.name, "lpar1");
	r.extra = "{\"mem\":4096}";
	r.discovered_at = 1000;
	ok(store_inv_put(s, &r, err, sizeof err) == 0, "inventory put");
	snprintf(r.uuid, sizeof r.uuid, "U2");
	snprintf(r.name, sizeof r.name, "lpar2");
	r.extra = NULL;
	r.discovered_at = 2000;
	store_inv_put(s, &r, err, sizeof err);
	snprintf(r.kind, sizeof r.kind, "host");
	snprintf(r.uuid, sizeof r.uuid, "H1");
	snprintf(r.name, sizeof r.name, "cec1");
	store_inv_put(s, &r, err, sizeof err);
	snprintf(r.hmc, sizeof r.hmc, "nohmc");
	ok(store_inv_put(s, &r, err, sizeof err) == -1, "inventory of unknown hmc");
	is_str(err, "inventory: hmc 'nohmc' does not exist", "unknown hmc message");
	out[0] = 0;
	store_inv_list(s, "hmc1", "vm", inv_cb, out);
	is_str(out, "vm:lpar1:{\"mem\":4096},vm:lpar2:-", "inventory list by kind");
	is_int(store_inv_prune(s, "hmc1", "vm", 1500), 1, "prune stale row");
	out[0] = 0;
	store_inv_list(s, NULL, NULL, inv_cb, out);
	is_str(out, "host:cec1:-,vm:lpar2:-", "after prune");
	ok(store_hmc_delete(s, "hmc1", err, sizeof err) == 0, "delete hmc1");
	out[0] = 0;
	store_inv_list(s, NULL, NULL, inv_cb, out);
	is_str(out, "", "inventory of deleted hmc gone");
}

static void test_journal(struct store **sp)
{
	struct store *s = *sp;
	int64_t a, b;
	char out[1024];

	ok(store_journal_begin(s, "restart", "vm1", "power_off", "job=1", &a, err,
			       sizeof err) == 0, "journal begin a");
	ok(store_journal_begin(s, "lpm", "vm2", "validate", NULL, &b, err, sizeof err) == 0,
	   "journal begin b");
	ok(store_journal_step(s, a, "power_on", "job=2 target=rt12", err, sizeof err) == 0,
	   "journal step");
	ok(store_journal_step(s, b, "migrate", NULL, err, sizeof err) == 0,
	   "journal step keeps data");
	ok(store_journal_end(s, b, "done", err, sizeof err) == 0, "journal end b");
	ok(store_journal_end(s, b, "done", err, sizeof err) == -1, "end twice refused");
	ok(store_journal_step(s, 999999, "x", NULL, err, sizeof err) == -1, "unknown id");
	/* crash: close without ending a */
	s = *sp = reopen(s);
	if (!s)
		return;
	out[0] = 0;
	store_journal_open_list(s, journal_cb, out);
	is_str(out, "restart/vm1/power_on/running/job=2 target=rt12",
	       "open entry survives restart");
	ok(store_journal_end(s, a, "failed", err, sizeof err) == 0, "end after resume");
	out[0] = 0;
	store_journal_open_list(s, journal_cb, out);
	is_str(out, "", "nothing open");
}

static void test_persist(struct store **sp)
{
	struct store_hmc g;
	struct store_vm m;
	char v[32] = "";

	*sp = reopen(*sp);
	if (!*sp)
		return;
	ok(store_hmc_get(*sp, "txhmc", &g, err, sizeof err) == 0 &&
	   strcmp(g.password, "abc123") == 0, "hmc persists across reopen");
	ok(store_vm_get(*sp, "vm1", &m, err, sizeof err) == 0, "vm persists");
	store_sys_get(*sp, "ha_monitor", v, sizeof v, err, sizeof err);
	is_str(v, "enable", "modified system attribute persists");
	is_int(file_mode(""), 0600, "db still 0600 after reopen");
}

int main(void)
{
	struct store *s;
	char cmd[300];

	log_init("test_store", NULL, NULL, 0);
	log_set_level("error", NULL, 0);
	snprintf(dir, sizeof dir, "/tmp/test_store.XXXXXX");
	if (!mkdtemp(dir))
		skip_all("mkdtemp failed");
	umask(022);             /* the store must not rely on a strict umask */

	test_open_modes();
	test_newer_refused();
	test_migration_from_empty();
	test_migration_v1_data();
	test_names();
	s = store_open(dir, err, sizeof err);
	ok(s != NULL, "reopen after version tests (%s)", s ? "" : err);
	if (!s)
		return done_testing();
	test_system(s);
	test_cluster(s);
	test_hmc(s);
	test_topology(s);
	test_affinity_contacts(s);
	test_transactions(s);
	test_events(s);
	test_inventory(s);
	test_actions(s);
	test_journal(&s);
	if (s)
		test_persist(&s);
	store_close(s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
