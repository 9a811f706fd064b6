/* store_act — long actions with their output lines, and the scheduler's
 * bookkeeping, in ksys.db.
 *
 * action.c writes a row per action and a row per output line as they
 * happen, so `ksysmgr query action ID` can replay an action after its
 * ksysmgr (or ksysd) went away.  Not for the relocation journal
 * (store_log.c) nor for config objects (store_obj.c).
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_priv.h"

int store_action_begin(struct store *s, const char *kind, const char *object,
		       int64_t *id_out, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if (!kind || !*kind) {
		store_err(err, errlen, "action: kind is required");
		return -1;
	}
	st = store_stmt(s, "INSERT INTO action(kind, object, started_ms) VALUES(?,?,?)",
			err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, object ? object : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, store_now_ms());
	if (store_step_done(s, st, err, errlen, "action") == -1)
		return -1;
	*id_out = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_action_line(struct store *s, int64_t id, char stream, int64_t time_ms,
		      const char *text, char *err, size_t errlen)
{
	char str[2] = { stream, 0 };
	sqlite3_stmt *st;

	st = store_stmt(s, "INSERT INTO action_line(action, seq, time_ms, stream, text) "
			"SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4 FROM action_line "
			"WHERE action = ?1", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, time_ms);
	sqlite3_bind_text(st, 3, str, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	return store_step_done(s, st, err, errlen, "action line");
}

int store_action_end(struct store *s, int64_t id, const char *state, int status,
		     char *err, size_t errlen)
{
	sqlite3_stmt *st;

	st = store_stmt(s, "UPDATE action SET state = ?2, status = ?3, ended_ms = ?4 "
			"WHERE id = ?1 AND state = 'running'", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, status);
	sqlite3_bind_int64(st, 4, store_now_ms());
	if (store_step_done(s, st, err, errlen, "action") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		store_err(err, errlen, "action %lld does not exist or has ended",
			  (long long)id);
		return -1;
	}
	return 0;
}

#define ACTION_SELECT "SELECT id, kind, object, state, status, started_ms, ended_ms, " \
	"(SELECT COUNT(*) FROM action_line WHERE action = action.id) FROM action "

static void read_action(sqlite3_stmt *st, struct store_action *a)
{
	a->id = sqlite3_column_int64(st, 0);
	store_col_copy(a->kind, sizeof a->kind, st, 1);
	store_col_copy(a->object, sizeof a->object, st, 2);
	store_col_copy(a->state, sizeof a->state, st, 3);
	a->status = sqlite3_column_int(st, 4);
	a->started_ms = sqlite3_column_int64(st, 5);
	a->ended_ms = sqlite3_column_int64(st, 6);
	a->n_lines = sqlite3_column_int64(st, 7);
}

int store_action_get(struct store *s, int64_t id, struct store_action *out,
		     char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	st = store_stmt(s, ACTION_SELECT "WHERE id = ?", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_action(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, err, errlen, "action");
	store_err(err, errlen, "action %lld does not exist", (long long)id);
	return -1;
}

int store_action_list(struct store *s, int limit,
		      int (*cb)(const struct store_action *, void *), void *arg)
{
	struct store_action a;
	sqlite3_stmt *st;
	int rc, ret = 0;

	st = store_stmt(s, ACTION_SELECT "ORDER BY id DESC LIMIT ?", NULL, 0);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_action(st, &a);
		ret = cb(&a, arg);
		if (ret)
			break;
	}
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		return -1;
	return ret;
}

int store_action_lines(struct store *s, int64_t id,
		       int (*cb)(char stream, int64_t time_ms, const char *text, void *),
		       void *arg)
{
	sqlite3_stmt *st;
	int rc, ret = 0;

	st = store_stmt(s, "SELECT stream, time_ms, text FROM action_line "
			"WHERE action = ? ORDER BY seq", NULL, 0);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *str = sqlite3_column_text(st, 0);
		const unsigned char *txt = sqlite3_column_text(st, 2);

		ret = cb(str ? (char)str[0] : 'O', sqlite3_column_int64(st, 1),
			 txt ? (const char *)txt : "", arg);
		if (ret)
			break;
	}
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		return -1;
	return ret;
}

int store_action_interrupt_all(struct store *s, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	st = store_stmt(s, "UPDATE action SET state = 'interrupted', status = 1, "
			"ended_ms = ? WHERE state = 'running'", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, store_now_ms());
	if (store_step_done(s, st, err, errlen, "action") == -1)
		return -1;
	return sqlite3_changes(s->db);
}

int store_action_prune(struct store *s, int keep)
{
	sqlite3_stmt *st;

	st = store_stmt(s, "DELETE FROM action WHERE state <> 'running' AND id NOT IN "
			"(SELECT id FROM action ORDER BY id DESC LIMIT ?)", NULL, 0);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, keep);
	if (store_step_done(s, st, NULL, 0, "action") == -1)
		return -1;
	return sqlite3_changes(s->db);
}

int store_sched_get(struct store *s, const char *name, int64_t *last_ms)
{
	sqlite3_stmt *st;
	int rc;

	*last_ms = 0;
	st = store_stmt(s, "SELECT last_ms FROM schedule WHERE name = ?", NULL, 0);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*last_ms = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int store_sched_set(struct store *s, const char *name, int64_t last_ms,
		    char *err, size_t errlen)
{
	sqlite3_stmt *st;

	st = store_stmt(s, "INSERT INTO schedule(name, last_ms) VALUES(?1, ?2) "
			"ON CONFLICT(name) DO UPDATE SET last_ms = ?2", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, last_ms);
	return store_step_done(s, st, err, errlen, "schedule");
}
