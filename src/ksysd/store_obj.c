/* store_obj — config objects of ksys.db through one table-driven engine.
 *
 * Each kind (hmc, host, ...) is a column table mapping a C struct to a SQL
 * table whose first column is the name key.  put/get/list/delete are generic;
 * checks that SQLite would only report as "constraint failed" (unknown
 * references, duplicate uuids, values out of range, dependents on delete) are
 * done here first so errors name the object and the problem.  Child tables
 * (blacklist, affinity members, contacts) have small dedicated functions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_priv.h"

enum ctype {
	CT_TEXT = 0,
	CT_INT,
	CT_I64,
};

enum cflag {
	CF_NULL = 1,            /* "" stored as NULL */
	CF_UNIQUE = 2,          /* unique among non-empty values */
	CF_REQUIRED = 4,        /* must not be "" */
	CF_ZERO_OK = 8,         /* int: 0 allowed besides [imin, imax] */
};

struct col {
	const char *name;
	enum ctype t;
	size_t off, size;
	unsigned flags;
	const char *ref_table;  /* must name an existing row when non-empty */
	const char *ref_label;
	const char *const *allowed;     /* NULL-terminated, "" always allowed
	                                   when CF_NULL */
	int imin, imax;         /* CT_INT range when imax > imin */
};

struct dep {                    /* rows that refuse the delete */
	const char *table, *column, *label, *hint;
};

struct kind {
	const char *label, *table;
	const struct col *cols;
	int ncols;
	size_t size;
	const struct dep *deps;   /* terminated by table NULL; may be NULL */
};

static const char *const ONOFF[] = { "enable", "disable", NULL };
static const char *const SPEED[] = { "fast", "normal", "slow", NULL };
static const char *const RESTART[] = { "auto", "advisory_mode", NULL };
static const char *const PRIO[] = { "High", "Medium", "Low", NULL };
static const char *const AFFKIND[] = { "collocation", "anticollocation", "workgroup", NULL };

#define T(S, F, FL) { #F, CT_TEXT, offsetof(struct S, F), sizeof(((struct S *)0)->F), FL, \
		      NULL, NULL, NULL, 0, 0 }
#define TA(S, F, FL, A) { #F, CT_TEXT, offsetof(struct S, F), \
		      sizeof(((struct S *)0)->F), FL, NULL, NULL, A, 0, 0 }
#define TR(S, F, FL, RT, RL) { #F, CT_TEXT, offsetof(struct S, F), \
		      sizeof(((struct S *)0)->F), FL, RT, RL, NULL, 0, 0 }
#define I(S, F, FL, MIN, MAX) { #F, CT_INT, offsetof(struct S, F), sizeof(int), FL, \
		      NULL, NULL, NULL, MIN, MAX }
#define L(S, F) { #F, CT_I64, offsetof(struct S, F), sizeof(int64_t), 0, \
		      NULL, NULL, NULL, 0, 0 }
#define N(a) ((int)(sizeof a / sizeof a[0]))

static const struct col CLUSTER_COLS[] = {
	T(store_cluster, name, CF_REQUIRED),
	T(store_cluster, type, 0),
	T(store_cluster, state, 0),
	T(store_cluster, ksysnodes, 0),
};
static const struct kind K_CLUSTER = { "cluster", "cluster", CLUSTER_COLS,
	N(CLUSTER_COLS), sizeof(struct store_cluster), NULL };

static const struct col HMC_COLS[] = {
	T(store_hmc, name, CF_REQUIRED),
	T(store_hmc, address, CF_REQUIRED),
	I(store_hmc, port, 0, 1, 65535),
	T(store_hmc, user, 0),
	T(store_hmc, password, 0),
	T(store_hmc, pin, 0),
	T(store_hmc, cafile, 0),
	I(store_hmc, tls_verify, 0, 0, 1),
};
static const struct kind K_HMC = { "hmc", "hmc", HMC_COLS, N(HMC_COLS),
	sizeof(struct store_hmc), NULL };

static const struct col HOST_COLS[] = {
	T(store_host, name, CF_REQUIRED),
	T(store_host, uuid, CF_NULL | CF_UNIQUE),
	T(store_host, mtms, 0),
	TR(store_host, host_group, CF_NULL, "host_group", "host group"),
	T(store_host, state, 0),
	TA(store_host, ha_monitor, CF_NULL, ONOFF),
	TA(store_host, vm_failure_detection_speed, CF_NULL, SPEED),
	T(store_host, fsp_ip, 0),
	T(store_host, hmcs, 0),
};
static const struct kind K_HOST = { "host", "host", HOST_COLS, N(HOST_COLS),
	sizeof(struct store_host), NULL };

#define HG store_host_group
static const struct col HG_COLS[] = {
	T(HG, name, CF_REQUIRED),
	T(HG, repo_disk, 0),
	T(HG, ha_disk, 0),
	TA(HG, ha_monitor, CF_NULL, ONOFF),
	TA(HG, restart_policy, CF_REQUIRED, RESTART),
	TA(HG, vm_failure_detection_speed, CF_NULL, SPEED),
	I(HG, host_failure_detection_time, CF_ZERO_OK, 90, 600),
	T(HG, state, 0),
	{ "mem_high", CT_TEXT, offsetof(struct HG, mem_capacity[STORE_PRIO_HIGH]), 16,
	  CF_REQUIRED, NULL, NULL, NULL, 0, 0 },
	{ "mem_medium", CT_TEXT, offsetof(struct HG, mem_capacity[STORE_PRIO_MEDIUM]), 16,
	  CF_REQUIRED, NULL, NULL, NULL, 0, 0 },
	{ "mem_low", CT_TEXT, offsetof(struct HG, mem_capacity[STORE_PRIO_LOW]), 16,
	  CF_REQUIRED, NULL, NULL, NULL, 0, 0 },
	{ "cpu_high", CT_TEXT, offsetof(struct HG, cpu_capacity[STORE_PRIO_HIGH]), 16,
	  CF_REQUIRED, NULL, NULL, NULL, 0, 0 },
	{ "cpu_medium", CT_TEXT, offsetof(struct HG, cpu_capacity[STORE_PRIO_MEDIUM]), 16,
	  CF_REQUIRED, NULL, NULL, NULL, 0, 0 },
	{ "cpu_low", CT_TEXT, offsetof(struct HG, cpu_capacity[STORE_PRIO_LOW]), 16,
	  CF_REQUIRED, NULL, NULL, NULL, 0, 0 },
	I(HG, skip_power_on, 0, 0, 1),
	L(HG, discovered_ms),
	L(HG, verified_ms),
};
static const struct dep HG_DEPS[] = {
	{ "host", "host_group", "host", "remove the hosts from the group first" },
	{ NULL, NULL, NULL, NULL },
};
static const struct kind K_HG = { "host group", "host_group", HG_COLS, N(HG_COLS),
	sizeof(struct HG), HG_DEPS };
#undef HG

static const struct col VIOS_COLS[] = {
	T(store_vios, name, CF_REQUIRED),
	T(store_vios, uuid, CF_NULL | CF_UNIQUE),
	TR(store_vios, host, CF_REQUIRED, "host", "host"),
	I(store_vios, managed, 0, 0, 1),
	T(store_vios, state, 0),
	T(store_vios, version, 0),
	T(store_vios, hm_version, 0),
	I(store_vios, part_id, 0, 0, 0),
};
static const struct kind K_VIOS = { "vios", "vios", VIOS_COLS, N(VIOS_COLS),
	sizeof(struct store_vios), NULL };

static const struct col VM_COLS[] = {
	T(store_vm, name, CF_REQUIRED),
	T(store_vm, uuid, CF_NULL | CF_UNIQUE),
	TR(store_vm, host, CF_NULL, "host", "host"),
	TR(store_vm, home_host, CF_NULL, "host", "home host"),
	I(store_vm, managed, 0, 0, 1),
	TA(store_vm, ha_monitor, CF_NULL, ONOFF),
	TA(store_vm, priority, CF_REQUIRED, PRIO),
	TA(store_vm, vm_failure_detection_speed, CF_NULL, SPEED),
	T(store_vm, state, 0),
	I(store_vm, part_id, 0, 0, 0),
	T(store_vm, lpar_state, 0),
	T(store_vm, vm_status, 0),
	T(store_vm, lpm_status, 0),
	T(store_vm, verify_error, 0),
	L(store_vm, verified_ms),
};
static const struct kind K_VM = { "vm", "vm", VM_COLS, N(VM_COLS),
	sizeof(struct store_vm), NULL };

static const struct col AFF_COLS[] = {
	T(store_affinity, name, CF_REQUIRED),
	TA(store_affinity, kind, CF_REQUIRED, AFFKIND),
};
static const struct kind K_AFF = { "affinity group", "affinity", AFF_COLS, N(AFF_COLS),
	sizeof(struct store_affinity), NULL };

/* ---- engine ---- */

/* 1 if a row of table has column = val, 0 if not, -1 on error.  If other is
 * not NULL, rows named `other` are ignored and the found name is copied to
 * found (size foundlen). */
static int exists(struct store *s, const char *table, const char *column,
		  const char *val, const char *other, char *found, size_t foundlen,
		  char *err, size_t errlen)
{
	char sql[256];
	sqlite3_stmt *st;
	int rc;

	if (other)
		snprintf(sql, sizeof sql, "SELECT name FROM %s WHERE %s = ?1 AND name <> ?2 "
			 "ORDER BY name LIMIT 1", table, column);
	else
		snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s = ?1 LIMIT 1",
			 table, column);
	st = store_stmt(s, sql, err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, val, -1, SQLITE_STATIC);
	if (other)
		sqlite3_bind_text(st, 2, other, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && found)
		snprintf(found, foundlen, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_sqlerr(s, err, errlen, table);
}

static int in_list(const char *v, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(v, *allowed) == 0)
			return 1;
	return 0;
}

static void join(char *out, size_t outlen, const char *const *allowed)
{
	size_t n = 0;

	out[0] = 0;
	for (; *allowed && n < outlen; allowed++)
		n += (size_t)snprintf(out + n, outlen - n, "%s%s", n ? ", " : "", *allowed);
}

static int validate(struct store *s, const struct kind *k, const void *rec,
		    char *err, size_t errlen)
{
	const char *name = rec;
	char found[STORE_NAME_MAX], list[128];
	int r;

	for (int i = 0; i < k->ncols; i++) {
		const struct col *c = &k->cols[i];
		const char *v = (const char *)rec + c->off;

		if (c->t == CT_I64)
			continue;
		if (c->t == CT_INT) {
			int x = *(const int *)(const void *)v;
			if (c->imax > c->imin && (x < c->imin || x > c->imax) &&
			    !(x == 0 && (c->flags & CF_ZERO_OK))) {
				store_err(err, errlen, "%s '%s': %s %d is out of range %d-%d",
					  k->label, name, c->name, x, c->imin, c->imax);
				return -1;
			}
			continue;
		}
		if (strnlen(v, c->size) == c->size) {
			store_err(err, errlen, "%s: %s is too long (at most %zu bytes)",
				  k->label, c->name, c->size - 1);
			return -1;
		}
		if (!*v) {
			if (c->flags & CF_REQUIRED) {
				store_err(err, errlen, "%s '%s': %s is required", k->label,
					  name, c->name);
				return -1;
			}
			continue;
		}
		if (c->allowed && !in_list(v, c->allowed)) {
			join(list, sizeof list, c->allowed);
			store_err(err, errlen, "%s '%s': %s '%s' is not one of %s",
				  k->label, name, c->name, v, list);
			return -1;
		}
		if (c->ref_table) {
			r = exists(s, c->ref_table, "name", v, NULL, NULL, 0, err, errlen);
			if (r == -1)
				return -1;
			if (!r) {
				store_err(err, errlen, "%s '%s': %s '%s' does not exist",
					  k->label, name, c->ref_label, v);
				return -1;
			}
		}
		if (c->flags & CF_UNIQUE) {
			r = exists(s, k->table, c->name, v, name, found, sizeof found,
				   err, errlen);
			if (r == -1)
				return -1;
			if (r) {
				store_err(err, errlen, "%s '%s': %s '%s' already belongs to "
					  "%s '%s'", k->label, name, c->name, v, k->label, found);
				return -1;
			}
		}
	}
	return 0;
}

static void bind_rec(sqlite3_stmt *st, const struct kind *k, const void *rec)
{
	for (int i = 0; i < k->ncols; i++) {
		const struct col *c = &k->cols[i];
		const char *v = (const char *)rec + c->off;

		if (c->t == CT_INT)
			sqlite3_bind_int(st, i + 1, *(const int *)(const void *)v);
		else if (c->t == CT_I64)
			sqlite3_bind_int64(st, i + 1, *(const int64_t *)(const void *)v);
		else if (!*v && (c->flags & CF_NULL))
			sqlite3_bind_null(st, i + 1);
		else
			sqlite3_bind_text(st, i + 1, v, -1, SQLITE_STATIC);
	}
}

static void read_rec(sqlite3_stmt *st, const struct kind *k, void *rec)
{
	memset(rec, 0, k->size);
	for (int i = 0; i < k->ncols; i++) {
		const struct col *c = &k->cols[i];
		char *v = (char *)rec + c->off;
		const unsigned char *t;

		if (c->t == CT_INT) {
			*(int *)(void *)v = sqlite3_column_int(st, i);
			continue;
		}
		if (c->t == CT_I64) {
			*(int64_t *)(void *)v = sqlite3_column_int64(st, i);
			continue;
		}
		t = sqlite3_column_text(st, i);
		snprintf(v, c->size, "%s", t ? (const char *)t : "");
	}
}

static size_t collist(char *out, size_t outlen, const struct kind *k, const char *suffix)
{
	size_t n = 0;

	for (int i = 0; i < k->ncols && n < outlen; i++)
		n += (size_t)snprintf(out + n, outlen - n, "%s%s%s", i ? ", " : "",
				      k->cols[i].name, suffix);
	return n;
}

static int obj_put(struct store *s, const struct kind *k, const void *rec,
		   enum store_put_mode mode, char *err, size_t errlen)
{
	const char *name = rec;
	char sql[1024];
	size_t n;
	sqlite3_stmt *st;
	int have;

	if (validate(s, k, rec, err, errlen) == -1)
		return -1;
	have = exists(s, k->table, "name", name, NULL, NULL, 0, err, errlen);
	if (have == -1)
		return -1;
	if (have && mode == STORE_INSERT) {
		store_err(err, errlen, "%s '%s' already exists", k->label, name);
		return -1;
	}
	if (!have && mode == STORE_UPDATE) {
		store_err(err, errlen, "%s '%s' does not exist", k->label, name);
		return -1;
	}
	if (have) {
		n = (size_t)snprintf(sql, sizeof sql, "UPDATE %s SET ", k->table);
		n += collist(sql + n, sizeof sql - n, k, " = ?");
		snprintf(sql + n, sizeof sql - n, " WHERE name = ?1");
	} else {
		n = (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s(", k->table);
		n += collist(sql + n, sizeof sql - n, k, "");
		n += (size_t)snprintf(sql + n, sizeof sql - n, ") VALUES(");
		for (int i = 0; i < k->ncols; i++)
			n += (size_t)snprintf(sql + n, sizeof sql - n, "%s?", i ? "," : "");
		snprintf(sql + n, sizeof sql - n, ")");
	}
	st = store_stmt(s, sql, err, errlen);
	if (!st)
		return -1;
	bind_rec(st, k, rec);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_err(err, errlen, "%s '%s': %s", k->label, name, sqlite3_errmsg(s->db));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

/* The row whose column col matches val (where: "name = ?" or "uuid = ?
 * COLLATE NOCASE"); "<missing>" refusal when there is none. */
static int obj_get_where(struct store *s, const struct kind *k, const char *where,
			 const char *val, void *out, const char *missing,
			 char *err, size_t errlen)
{
	char sql[1024];
	size_t n;
	sqlite3_stmt *st;
	int rc;

	n = (size_t)snprintf(sql, sizeof sql, "SELECT ");
	n += collist(sql + n, sizeof sql - n, k, "");
	snprintf(sql + n, sizeof sql - n, " FROM %s WHERE %s ORDER BY name LIMIT 1",
		 k->table, where);
	st = store_stmt(s, sql, err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, val, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_rec(st, k, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, err, errlen, k->table);
	store_err(err, errlen, missing, k->label, val);
	return -1;
}

static int obj_get(struct store *s, const struct kind *k, const char *name, void *out,
		   char *err, size_t errlen)
{
	return obj_get_where(s, k, "name = ?", name, out, "%s '%s' does not exist",
			     err, errlen);
}

/* The row whose uuid is uuid (case-insensitive). */
static int obj_get_uuid(struct store *s, const struct kind *k, const char *uuid, void *out,
			char *err, size_t errlen)
{
	return obj_get_where(s, k, "uuid = ? COLLATE NOCASE", uuid, out,
			     "no %s has uuid '%s'", err, errlen);
}

/* Renames a row; references follow (ON UPDATE CASCADE). */
static int obj_rename(struct store *s, const struct kind *k, const char *from,
		      const char *to, char *err, size_t errlen)
{
	char sql[256];
	sqlite3_stmt *st;
	int r;

	if (!*to || strlen(to) >= STORE_NAME_MAX) {
		store_err(err, errlen, "%s '%s': new name '%s' is empty or too long",
			  k->label, from, to);
		return -1;
	}
	r = exists(s, k->table, "name", from, NULL, NULL, 0, err, errlen);
	if (r == -1)
		return -1;
	if (!r) {
		store_err(err, errlen, "%s '%s' does not exist", k->label, from);
		return -1;
	}
	r = exists(s, k->table, "name", to, NULL, NULL, 0, err, errlen);
	if (r == -1)
		return -1;
	if (r) {
		store_err(err, errlen, "%s '%s' cannot be renamed to '%s': that name "
			  "is taken", k->label, from, to);
		return -1;
	}
	snprintf(sql, sizeof sql, "UPDATE %s SET name = ?2 WHERE name = ?1", k->table);
	st = store_stmt(s, sql, err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_err(err, errlen, "%s '%s': %s", k->label, from, sqlite3_errmsg(s->db));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

typedef int (*obj_cb)(const void *, void *);

static int obj_list(struct store *s, const struct kind *k, obj_cb cb, void *arg)
{
	char sql[1024];
	size_t n;
	sqlite3_stmt *st;
	int rc, r = 0;
	void *rec = malloc(k->size);

	if (!rec)
		return -1;
	n = (size_t)snprintf(sql, sizeof sql, "SELECT ");
	n += collist(sql + n, sizeof sql - n, k, "");
	snprintf(sql + n, sizeof sql - n, " FROM %s ORDER BY name", k->table);
	st = store_stmt(s, sql, NULL, 0);
	if (!st) {
		free(rec);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_rec(st, k, rec);
		r = cb(rec, arg);
		if (r)
			break;
	}
	sqlite3_reset(st);
	free(rec);
	if (!r && rc != SQLITE_DONE)
		return -1;
	return r;
}

static int obj_delete(struct store *s, const struct kind *k, const char *name,
		      char *err, size_t errlen)
{
	char sql[256], found[STORE_NAME_MAX];
	sqlite3_stmt *st;
	int r;

	r = exists(s, k->table, "name", name, NULL, NULL, 0, err, errlen);
	if (r == -1)
		return -1;
	if (!r) {
		store_err(err, errlen, "%s '%s' does not exist", k->label, name);
		return -1;
	}
	for (const struct dep *d = k->deps; d && d->table; d++) {
		r = exists(s, d->table, d->column, name, "", found, sizeof found,
			   err, errlen);
		if (r == -1)
			return -1;
		if (r) {
			store_err(err, errlen, "%s '%s' still has %s '%s'; %s", k->label,
				  name, d->label, found, d->hint);
			return -1;
		}
	}
	snprintf(sql, sizeof sql, "DELETE FROM %s WHERE name = ?", k->table);
	st = store_stmt(s, sql, err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_err(err, errlen, "%s '%s': %s", k->label, name, sqlite3_errmsg(s->db));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

int store_names(struct store *s, const char *table, size_t max, char *out, size_t outlen)
{
	static const char *const tables[] = { "hmc", "host", "host_group", "vios", "vm",
					      "affinity", NULL };
	char sql[128];
	sqlite3_stmt *st;
	size_t n = 0, len = 0;
	int rc;

	if (outlen)
		out[0] = '\0';
	if (!in_list(table, tables))
		return -1;
	snprintf(sql, sizeof sql, "SELECT name FROM %s ORDER BY name", table);
	st = store_stmt(s, sql, NULL, 0);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((!max || n < max) && len < outlen)
			len += (size_t)snprintf(out + len, outlen - len, "%s%s", n ? ", " : "",
						(const char *)sqlite3_column_text(st, 0));
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (max && n > max && len < outlen)
		snprintf(out + len, outlen - len, " and %zu more", n - max);
	return (int)n;
}

/* ---- typed wrappers ---- */

/* The typed callbacks are stored as a generic function pointer and cast
 * back to their real type before the call (never called through obj_cb). */
struct tramp {
	void (*fn)(void);
	void *arg;
};

#define WRAP_LIST(P, S, K)							\
static int P##_tramp(const void *rec, void *a)					\
{										\
	const struct tramp *t = a;						\
	return ((int (*)(const struct S *, void *))t->fn)(rec, t->arg);		\
}										\
int store_##P##_list(struct store *s, int (*cb)(const struct S *, void *),	\
		     void *arg)							\
{										\
	struct tramp t = { (void (*)(void))cb, arg };				\
	return obj_list(s, &K, P##_tramp, &t);					\
}

#define WRAP(P, S, K)								\
int store_##P##_put(struct store *s, const struct S *r,				\
		    enum store_put_mode mode, char *err, size_t errlen)		\
{ return obj_put(s, &K, r, mode, err, errlen); }				\
int store_##P##_get(struct store *s, const char *name, struct S *out,		\
		    char *err, size_t errlen)					\
{ return obj_get(s, &K, name, out, err, errlen); }				\
WRAP_LIST(P, S, K)

#define WRAP_UUID(P, S, K)							\
int store_##P##_get_uuid(struct store *s, const char *uuid, struct S *out,	\
			 char *err, size_t errlen)				\
{ return obj_get_uuid(s, &K, uuid, out, err, errlen); }			\
int store_##P##_rename(struct store *s, const char *from, const char *to,	\
		       char *err, size_t errlen)				\
{ return obj_rename(s, &K, from, to, err, errlen); }

WRAP_UUID(host, store_host, K_HOST)
WRAP_UUID(vios, store_vios, K_VIOS)
WRAP_UUID(vm, store_vm, K_VM)
WRAP(hmc, store_hmc, K_HMC)
WRAP(host, store_host, K_HOST)
WRAP(host_group, store_host_group, K_HG)
WRAP(vios, store_vios, K_VIOS)
WRAP(vm, store_vm, K_VM)
WRAP(affinity, store_affinity, K_AFF)
WRAP_LIST(cluster, store_cluster, K_CLUSTER)

int store_cluster_put(struct store *s, const struct store_cluster *c,
		      enum store_put_mode mode, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	/* Only single-node, single-cluster setups are supported (spec/A §1.3). */
	st = store_stmt(s, "SELECT name FROM cluster WHERE name <> ? LIMIT 1", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		store_err(err, errlen, "cluster '%s': cluster '%s' already exists; only "
			  "one cluster is supported", c->name,
			  (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return -1;
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, err, errlen, "cluster");
	return obj_put(s, &K_CLUSTER, c, mode, err, errlen);
}

int store_cluster_get(struct store *s, const char *name, struct store_cluster *out,
		      char *err, size_t errlen)
{
	return obj_get(s, &K_CLUSTER, name, out, err, errlen);
}

int store_cluster_delete(struct store *s, const char *name, char *err, size_t errlen)
{
	return obj_delete(s, &K_CLUSTER, name, err, errlen);
}

int store_hmc_delete(struct store *s, const char *name, char *err, size_t errlen)
{
	return obj_delete(s, &K_HMC, name, err, errlen);   /* inventory cascades */
}

int store_host_delete(struct store *s, const char *name, char *err, size_t errlen)
{
	struct store_host h;

	if (obj_get(s, &K_HOST, name, &h, err, errlen) == -1)
		return -1;
	if (h.host_group[0]) {
		store_err(err, errlen, "host '%s' is a member of host group '%s'; remove "
			  "it from the group first", name, h.host_group);
		return -1;
	}
	return obj_delete(s, &K_HOST, name, err, errlen);
}

int store_host_group_delete(struct store *s, const char *name, char *err, size_t errlen)
{
	return obj_delete(s, &K_HG, name, err, errlen);
}

int store_vios_delete(struct store *s, const char *name, char *err, size_t errlen)
{
	return obj_delete(s, &K_VIOS, name, err, errlen);
}

int store_vm_delete(struct store *s, const char *name, char *err, size_t errlen)
{
	return obj_delete(s, &K_VM, name, err, errlen);
}

int store_affinity_delete(struct store *s, const char *name, char *err, size_t errlen)
{
	return obj_delete(s, &K_AFF, name, err, errlen);
}

void store_host_group_defaults(struct store_host_group *g, const char *name)
{
	memset(g, 0, sizeof *g);
	snprintf(g->name, sizeof g->name, "%s", name);
	snprintf(g->restart_policy, sizeof g->restart_policy, "auto");
	snprintf(g->state, sizeof g->state, "NEW");
	for (int i = 0; i < STORE_PRIO_N; i++) {    /* spec/D §9.3: 100 */
		snprintf(g->mem_capacity[i], sizeof g->mem_capacity[i], "100");
		snprintf(g->cpu_capacity[i], sizeof g->cpu_capacity[i], "100");
	}
}

void store_vm_defaults(struct store_vm *v, const char *name)
{
	memset(v, 0, sizeof *v);
	snprintf(v->name, sizeof v->name, "%s", name);
	v->managed = 1;
	snprintf(v->priority, sizeof v->priority, "Medium");
	snprintf(v->state, sizeof v->state, "INIT");
	snprintf(v->vm_status, sizeof v->vm_status, "NO_OPERATION_IN_PROGRESS");
}

/* ---- child tables: (parent, member) pairs ---- */

struct pair {
	const char *table, *pcol, *mcol;
	const struct kind *pk, *mk;
	const char *what;       /* "blacklist of vm", "members of affinity group" */
};

static const struct pair P_BLACKLIST = { "vm_blacklist", "vm", "host", &K_VM, &K_HOST,
	"blacklist of vm" };
static const struct pair P_MEMBERS = { "affinity_member", "grp", "vm", &K_AFF, &K_VM,
	"affinity group" };

static int pair_check(struct store *s, const struct pair *p, const char *parent,
		      const char *member, char *err, size_t errlen)
{
	int r = exists(s, p->pk->table, "name", parent, NULL, NULL, 0, err, errlen);

	if (r == 0) {
		store_err(err, errlen, "%s '%s' does not exist", p->pk->label, parent);
		return -1;
	}
	if (r == -1)
		return -1;
	r = exists(s, p->mk->table, "name", member, NULL, NULL, 0, err, errlen);
	if (r == 0)
		store_err(err, errlen, "%s '%s' does not exist", p->mk->label, member);
	return r == 1 ? 0 : -1;
}

static int pair_has(struct store *s, const struct pair *p, const char *parent,
		    const char *member, char *err, size_t errlen)
{
	char sql[256];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s = ? AND %s = ?",
		 p->table, p->pcol, p->mcol);
	st = store_stmt(s, sql, err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, member, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_sqlerr(s, err, errlen, p->table);
}

static int pair_edit(struct store *s, const struct pair *p, const char *parent,
		     const char *member, int add, char *err, size_t errlen)
{
	char sql[256];
	sqlite3_stmt *st;
	int r;

	if (pair_check(s, p, parent, member, err, errlen) == -1)
		return -1;
	r = pair_has(s, p, parent, member, err, errlen);
	if (r == -1)
		return -1;
	if (add && r) {
		store_err(err, errlen, "%s '%s' already has %s '%s'", p->what, parent,
			  p->mk->label, member);
		return -1;
	}
	if (!add && !r) {
		store_err(err, errlen, "%s '%s' has no %s '%s'", p->what, parent,
			  p->mk->label, member);
		return -1;
	}
	if (add)
		snprintf(sql, sizeof sql, "INSERT INTO %s(%s, %s) VALUES(?, ?)",
			 p->table, p->pcol, p->mcol);
	else
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE %s = ? AND %s = ?",
			 p->table, p->pcol, p->mcol);
	st = store_stmt(s, sql, err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, member, -1, SQLITE_STATIC);
	r = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (r == -1)
		store_err(err, errlen, "%s '%s': %s", p->what, parent, sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	return r;
}

static int pair_list(struct store *s, const struct pair *p, const char *parent,
		     int (*cb)(const char *, void *), void *arg)
{
	char sql[256];
	sqlite3_stmt *st;
	int rc, r = 0;

	snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE %s = ? ORDER BY %s",
		 p->mcol, p->table, p->pcol, p->mcol);
	st = store_stmt(s, sql, NULL, 0);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = cb((const char *)sqlite3_column_text(st, 0), arg);
		if (r)
			break;
	}
	sqlite3_reset(st);
	if (!r && rc != SQLITE_DONE)
		return -1;
	return r;
}

int store_vm_blacklist_add(struct store *s, const char *vm, const char *host,
			   char *err, size_t errlen)
{
	return pair_edit(s, &P_BLACKLIST, vm, host, 1, err, errlen);
}

int store_vm_blacklist_del(struct store *s, const char *vm, const char *host,
			   char *err, size_t errlen)
{
	return pair_edit(s, &P_BLACKLIST, vm, host, 0, err, errlen);
}

int store_vm_blacklist_list(struct store *s, const char *vm,
			    int (*cb)(const char *host, void *), void *arg)
{
	return pair_list(s, &P_BLACKLIST, vm, cb, arg);
}

int store_affinity_member_add(struct store *s, const char *group, const char *vm,
			      char *err, size_t errlen)
{
	return pair_edit(s, &P_MEMBERS, group, vm, 1, err, errlen);
}

int store_affinity_member_del(struct store *s, const char *group, const char *vm,
			      char *err, size_t errlen)
{
	return pair_edit(s, &P_MEMBERS, group, vm, 0, err, errlen);
}

int store_affinity_member_list(struct store *s, const char *group,
			       int (*cb)(const char *vm, void *), void *arg)
{
	return pair_list(s, &P_MEMBERS, group, cb, arg);
}

/* ---- notification contacts ---- */

int store_contact_add(struct store *s, const struct store_contact *c,
		      char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (!c->user[0] || !c->contact[0]) {
		store_err(err, errlen, "notify: user and contact are required");
		return -1;
	}
	st = store_stmt(s, "INSERT OR IGNORE INTO contact(user, contact, kind) "
			"VALUES(?, ?, ?)", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, c->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->contact, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->kind[0] ? c->kind : "email", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, err, errlen, "notify");
	if (sqlite3_changes(s->db) == 0) {
		store_err(err, errlen, "notify contact '%s' of user '%s' already exists",
			  c->contact, c->user);
		return -1;
	}
	return 0;
}

int store_contact_list(struct store *s,
		       int (*cb)(const struct store_contact *, void *), void *arg)
{
	struct store_contact c;
	sqlite3_stmt *st = store_stmt(s, "SELECT user, contact, kind FROM contact "
				      "ORDER BY user, contact", NULL, 0);
	int rc, r = 0;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(c.user, sizeof c.user, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(c.contact, sizeof c.contact, "%s",
			 (const char *)sqlite3_column_text(st, 1));
		snprintf(c.kind, sizeof c.kind, "%s", (const char *)sqlite3_column_text(st, 2));
		r = cb(&c, arg);
		if (r)
			break;
	}
	sqlite3_reset(st);
	if (!r && rc != SQLITE_DONE)
		return -1;
	return r;
}

int store_contact_delete(struct store *s, const char *user, const char *contact,
			 char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	st = store_stmt(s, "DELETE FROM contact WHERE user = ?1 AND "
			"(?2 IS NULL OR contact = ?2)", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	if (contact)
		sqlite3_bind_text(st, 2, contact, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, err, errlen, "notify");
	if (sqlite3_changes(s->db) == 0) {
		if (contact)
			store_err(err, errlen, "notify contact '%s' of user '%s' does not "
				  "exist", contact, user);
		else
			store_err(err, errlen, "notify user '%s' has no contacts", user);
		return -1;
	}
	return 0;
}
