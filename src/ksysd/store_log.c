/* store_log — the append-mostly parts of ksys.db: discovered inventory,
 * event log and action journal.
 *
 * The journal is what makes relocations crash-safe (DESIGN §6): a row is
 * written before an HMC job and updated after it; rows never ended are listed
 * at start-up for resumption.  Not for config objects (store_obj.c).
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_priv.h"

/* ---- inventory ---- */

int store_inv_put(struct store *s, const struct store_inv *r, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (!r->hmc[0] || !r->kind[0] || !r->uuid[0]) {
		store_err(err, errlen, "inventory: hmc, kind and uuid are required");
		return -1;
	}
	st = store_stmt(s, "SELECT 1 FROM hmc WHERE name = ?", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, r->hmc, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		store_err(err, errlen, "inventory: hmc '%s' does not exist", r->hmc);
		return -1;
	}
	if (rc != SQLITE_ROW)
		return store_sqlerr(s, err, errlen, "inventory");
	st = store_stmt(s, "INSERT OR REPLACE INTO inventory(hmc, kind, uuid, name, "
			"host_uuid, state, extra, discovered_at) VALUES(?,?,?,?,?,?,?,?)",
			err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, r->hmc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->uuid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->host_uuid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->state, -1, SQLITE_STATIC);
	if (r->extra)
		sqlite3_bind_text(st, 7, r->extra, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, r->discovered_at ? r->discovered_at : store_now_ms());
	return store_step_done(s, st, err, errlen, "inventory");
}

int store_inv_list(struct store *s, const char *hmc, const char *kind,
		   int (*cb)(const struct store_inv *, void *), void *arg)
{
	struct store_inv r;
	sqlite3_stmt *st;
	int rc, ret = 0;

	st = store_stmt(s, "SELECT hmc, kind, uuid, name, host_uuid, state, extra, "
			"discovered_at FROM inventory WHERE (?1 IS NULL OR hmc = ?1) AND "
			"(?2 IS NULL OR kind = ?2) ORDER BY hmc, kind, name, uuid", NULL, 0);
	if (!st)
		return -1;
	if (hmc)
		sqlite3_bind_text(st, 1, hmc, -1, SQLITE_STATIC);
	if (kind)
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_col_copy(r.hmc, sizeof r.hmc, st, 0);
		store_col_copy(r.kind, sizeof r.kind, st, 1);
		store_col_copy(r.uuid, sizeof r.uuid, st, 2);
		store_col_copy(r.name, sizeof r.name, st, 3);
		store_col_copy(r.host_uuid, sizeof r.host_uuid, st, 4);
		store_col_copy(r.state, sizeof r.state, st, 5);
		r.extra = (const char *)sqlite3_column_text(st, 6);
		r.discovered_at = sqlite3_column_int64(st, 7);
		ret = cb(&r, arg);
		if (ret)
			break;
	}
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		return -1;
	return ret;
}

int store_inv_prune(struct store *s, const char *hmc, const char *kind, int64_t before)
{
	sqlite3_stmt *st;

	st = store_stmt(s, "DELETE FROM inventory WHERE hmc = ?1 AND "
			"(?2 IS NULL OR kind = ?2) AND discovered_at < ?3", NULL, 0);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, hmc, -1, SQLITE_STATIC);
	if (kind)
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, before);
	if (store_step_done(s, st, NULL, 0, "inventory") == -1)
		return -1;
	return sqlite3_changes(s->db);
}

/* ---- event log ---- */

int store_event_add(struct store *s, struct store_event *e, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if (!e->name[0]) {
		store_err(err, errlen, "event: name is required");
		return -1;
	}
	st = store_stmt(s, "INSERT INTO event(time_ms, name, severity, object_kind, "
			"object_name, text) VALUES(?,?,?,?,?,?)", err, errlen);
	if (!st)
		return -1;
	if (!e->time_ms)
		e->time_ms = store_now_ms();
	sqlite3_bind_int64(st, 1, e->time_ms);
	sqlite3_bind_text(st, 2, e->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->severity[0] ? e->severity : "info", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e->object_kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->object_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, e->text, -1, SQLITE_STATIC);
	if (store_step_done(s, st, err, errlen, "event") == -1)
		return -1;
	e->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_event_list(struct store *s, int64_t since_id, const char *name, int limit,
		     int (*cb)(const struct store_event *, void *), void *arg)
{
	struct store_event e;
	sqlite3_stmt *st;
	int rc, ret = 0;

	st = store_stmt(s, "SELECT id, time_ms, name, severity, object_kind, object_name, "
			"text FROM event WHERE id > ?1 AND (?2 IS NULL OR name = ?2) "
			"ORDER BY id LIMIT ?3", NULL, 0);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, since_id);
	if (name)
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e.id = sqlite3_column_int64(st, 0);
		e.time_ms = sqlite3_column_int64(st, 1);
		store_col_copy(e.name, sizeof e.name, st, 2);
		store_col_copy(e.severity, sizeof e.severity, st, 3);
		store_col_copy(e.object_kind, sizeof e.object_kind, st, 4);
		store_col_copy(e.object_name, sizeof e.object_name, st, 5);
		store_col_copy(e.text, sizeof e.text, st, 6);
		ret = cb(&e, arg);
		if (ret)
			break;
	}
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		return -1;
	return ret;
}

/* ---- action journal ---- */

int store_journal_begin(struct store *s, const char *kind, const char *object,
			const char *step, const char *data, int64_t *id_out,
			char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int64_t now = store_now_ms();

	if (!kind || !*kind || !object || !*object) {
		store_err(err, errlen, "journal: kind and object are required");
		return -1;
	}
	st = store_stmt(s, "INSERT INTO journal(kind, object, step, data, created_ms, "
			"updated_ms) VALUES(?,?,?,?,?,?)", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, object, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, step ? step : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, data ? data : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	if (store_step_done(s, st, err, errlen, "journal") == -1)
		return -1;
	if (id_out)
		*id_out = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int journal_update(struct store *s, int64_t id, const char *sql,
			  const char *a, const char *b, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql, err, errlen);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, store_now_ms());
	if (store_step_done(s, st, err, errlen, "journal") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		store_err(err, errlen, "journal entry %lld does not exist or has ended",
			  (long long)id);
		return -1;
	}
	return 0;
}

int store_journal_step(struct store *s, int64_t id, const char *step, const char *data,
		       char *err, size_t errlen)
{
	return journal_update(s, id, "UPDATE journal SET step = ?2, data = COALESCE(?3, "
			      "data), updated_ms = ?4 WHERE id = ?1 AND is_open = 1",
			      step ? step : "", data, err, errlen);
}

int store_journal_end(struct store *s, int64_t id, const char *state,
		      char *err, size_t errlen)
{
	return journal_update(s, id, "UPDATE journal SET state = ?2, is_open = 0, "
			      "updated_ms = ?4 WHERE id = ?1 AND is_open = 1",
			      state && *state ? state : "done", NULL,
			      err, errlen);
}

int store_journal_open_list(struct store *s,
			    int (*cb)(const struct store_journal *, void *), void *arg)
{
	struct store_journal j;
	sqlite3_stmt *st;
	int rc, ret = 0;

	st = store_stmt(s, "SELECT id, kind, object, step, state, data, created_ms, "
			"updated_ms FROM journal WHERE is_open = 1 ORDER BY id", NULL, 0);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		j.id = sqlite3_column_int64(st, 0);
		store_col_copy(j.kind, sizeof j.kind, st, 1);
		store_col_copy(j.object, sizeof j.object, st, 2);
		store_col_copy(j.step, sizeof j.step, st, 3);
		store_col_copy(j.state, sizeof j.state, st, 4);
		store_col_copy(j.data, sizeof j.data, st, 5);
		j.created_ms = sqlite3_column_int64(st, 6);
		j.updated_ms = sqlite3_column_int64(st, 7);
		ret = cb(&j, arg);
		if (ret)
			break;
	}
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		return -1;
	return ret;
}
