/* store — ksys.db: open (modes, WAL, migrations), transactions, the
 * prepared-statement cache and the system attributes.
 *
 * Config objects live in store_obj.c; inventory, events and the journal in
 * store_log.c; the schema in store_schema.c.  Statements are cached per SQL
 * text for the life of the handle.  Not for any policy or decision.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_priv.h"

#define BUSY_TIMEOUT_MS 2000

void store_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

sqlite3_stmt *store_stmt(struct store *s, const char *sql, char *err, size_t errlen)
{
	struct store_cached *c;
	sqlite3_stmt *st = NULL;

	for (int i = 0; i < s->ncached; i++) {
		c = &s->cache[i];
		if (strcmp(c->sql, sql) == 0) {
			sqlite3_reset(c->st);
			sqlite3_clear_bindings(c->st);
			return c->st;
		}
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)
	    != SQLITE_OK) {
		store_err(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return NULL;
	}
	if (s->ncached == STORE_STMT_CACHE) /* full: still works, uncached */
		return store_stmt_oneshot(s, st);
	c = &s->cache[s->ncached];
	c->sql = strdup(sql);
	if (!c->sql) {
		sqlite3_finalize(st);
		store_err(err, errlen, "out of memory");
		return NULL;
	}
	c->st = st;
	s->ncached++;
	return st;
}

/* Statements beyond the cache: keep the last one alive until the next call. */
sqlite3_stmt *store_stmt_oneshot(struct store *s, sqlite3_stmt *st)
{
	sqlite3_finalize(s->oneshot);
	s->oneshot = st;
	return st;
}

int store_sqlerr(struct store *s, char *err, size_t errlen, const char *what)
{
	store_err(err, errlen, "%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

/* ---- open / migrations ---- */

static int exec(struct store *s, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		store_err(err, errlen, "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int pragma_int(struct store *s, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

static int migrate(struct store *s, char *err, size_t errlen)
{
	int v;
	char sql[64];

	if (pragma_int(s, "PRAGMA user_version", &v) == -1)
		return store_sqlerr(s, err, errlen, s->path);
	if (v > STORE_SCHEMA_VERSION) {
		store_err(err, errlen, "%s: written by a newer ksysd (schema version %d; "
			  "this ksysd knows up to %d); upgrade ksysd or restore a backup "
			  "of the state directory", s->path, v, STORE_SCHEMA_VERSION);
		return -1;
	}
	for (v = v + 1; v <= STORE_SCHEMA_VERSION; v++) {
		if (exec(s, "BEGIN IMMEDIATE", err, errlen) == -1)
			return -1;
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
		if (exec(s, store_schema_migration(v), err, errlen) == -1 ||
		    exec(s, sql, err, errlen) == -1 ||
		    exec(s, "COMMIT", err, errlen) == -1) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		log_msg(LOGL_NOTICE, "store", "event=migrated path=%s version=%d", s->path, v);
	}
	s->version = STORE_SCHEMA_VERSION;
	return 0;
}

static void chmod_if_exists(const char *path, const char *suffix)
{
	char p[4200];

	snprintf(p, sizeof p, "%s%s", path, suffix);
	if (chmod(p, 0600) == -1 && errno != ENOENT)
		log_msg(LOGL_WARN, "store", "event=chmod_failed path=%s error=\"%s\"",
			p, strerror(errno));
}

int64_t store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void store_col_copy(char *dst, size_t n, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

int store_step_done(struct store *s, sqlite3_stmt *st, char *err, size_t errlen,
		    const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		store_err(err, errlen, "%s: %s", what, sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_check(const char *statedir, char *msg, size_t msglen)
{
	char path[4200];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc, v = -1;

	snprintf(path, sizeof path, "%s/%s", statedir, STORE_DB_NAME);
	if (access(path, F_OK) == -1) {
		store_err(msg, msglen, "%s: absent; ksysd will create it (schema version %d)",
			  path, STORE_SCHEMA_VERSION);
		return 0;
	}
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		store_err(msg, msglen, "%s: not a ksys database: %s", path,
			  db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (v < 0)
		return -1;
	if (v > STORE_SCHEMA_VERSION) {
		store_err(msg, msglen, "%s: written by a newer ksysd (schema version %d; "
			  "this ksysd knows up to %d); upgrade ksysd or restore a backup "
			  "of the state directory", path, v, STORE_SCHEMA_VERSION);
		return -1;
	}
	if (v < STORE_SCHEMA_VERSION)
		store_err(msg, msglen, "%s: schema version %d, will be migrated to %d at start",
			  path, v, STORE_SCHEMA_VERSION);
	else
		store_err(msg, msglen, "%s: schema version %d", path, v);
	return 0;
}

struct store *store_open(const char *statedir, char *err, size_t errlen)
{
	struct store *s;
	mode_t old;
	int fd, rc, mode;

	s = calloc(1, sizeof *s);
	if (!s) {
		store_err(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(s->path, sizeof s->path, "%s/%s", statedir, STORE_DB_NAME);
	/* Create the file ourselves so it is born 0600; the umask covers -wal
	 * and -shm, which SQLite creates with the main file's mode anyway. */
	old = umask(077);
	fd = open(s->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		store_err(err, errlen, "%s: %s", s->path, strerror(errno));
		umask(old);
		goto fail;
	}
	close(fd);
	rc = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		store_err(err, errlen, "%s: %s", s->path,
			  s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		umask(old);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if (exec(s, "PRAGMA journal_mode=WAL", err, errlen) == -1 ||
	    exec(s, "PRAGMA synchronous=NORMAL", err, errlen) == -1 ||
	    exec(s, "PRAGMA foreign_keys=ON", err, errlen) == -1) {
		umask(old);
		goto fail;
	}
	/* touch the db so -wal/-shm exist before we restore the umask */
	if (pragma_int(s, "PRAGMA user_version", &mode) == -1) {
		store_sqlerr(s, err, errlen, s->path);
		umask(old);
		goto fail;
	}
	umask(old);
	chmod_if_exists(s->path, "");
	chmod_if_exists(s->path, "-wal");
	chmod_if_exists(s->path, "-shm");
	if (migrate(s, err, errlen) == -1)
		goto fail;
	chmod_if_exists(s->path, "-wal");
	chmod_if_exists(s->path, "-shm");
	log_msg(LOGL_INFO, "store", "event=open path=%s version=%d", s->path, s->version);
	return s;
fail:
	store_close(s);
	return NULL;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->ncached; i++) {
		sqlite3_finalize(s->cache[i].st);
		free(s->cache[i].sql);
	}
	sqlite3_finalize(s->oneshot);
	if (s->db)
		sqlite3_close(s->db);
	free(s);
}

int store_schema_version(struct store *s)
{
	return s->version;
}

const char *store_path(struct store *s)
{
	return s->path;
}

int store_begin(struct store *s, char *err, size_t errlen)
{
	if (!sqlite3_get_autocommit(s->db)) {
		store_err(err, errlen, "store: a transaction is already open");
		return -1;
	}
	return exec(s, "BEGIN IMMEDIATE", err, errlen);
}

int store_commit(struct store *s, char *err, size_t errlen)
{
	if (exec(s, "COMMIT", err, errlen) == -1) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* ---- system attributes ---- */

int store_sys_get(struct store *s, const char *key, char *val, size_t vallen,
		  char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT value FROM sysattr WHERE key = ?",
				      err, errlen);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(val, vallen, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, err, errlen, "system");
	store_err(err, errlen, "system attribute '%s' does not exist", key);
	return -1;
}

int store_sys_set(struct store *s, const char *key, const char *val,
		  char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE sysattr SET value = ? WHERE key = ?",
				      err, errlen);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, val, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_sqlerr(s, err, errlen, "system");
	}
	sqlite3_reset(st);
	if (sqlite3_changes(s->db) == 0) {
		store_err(err, errlen, "system attribute '%s' does not exist", key);
		return -1;
	}
	return 0;
}

int store_sys_list(struct store *s,
		   int (*cb)(const char *key, const char *val, void *), void *arg)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT key, value FROM sysattr ORDER BY key",
				      NULL, 0);
	int rc, r = 0;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = cb((const char *)sqlite3_column_text(st, 0),
		       (const char *)sqlite3_column_text(st, 1), arg);
		if (r)
			break;
	}
	sqlite3_reset(st);
	if (!r && rc != SQLITE_DONE)
		return -1;
	return r;
}
