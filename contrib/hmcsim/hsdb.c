/* hsdb — the simulated HSDB and the replies computed from it (see hsdb.h).
 *
 * Plain SQLite: one connection per cluster, prepared statements made on use,
 * WAL without fsync (the database is rebuilt every run).  SQL errors are
 * logged and make the call return -1; a reply built on a failed query is
 * still well-formed (it leaves the failed part out).
 */
#include "hsdb.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "mem.h"

#define UUID_MAX 48

struct simhs {
	sqlite3 *db;
	int id;
	int depth;                      /* simhs_begin nesting */
	unsigned long long rng;         /* splitmix64 state for tags */
};

static const char *const schema =
	"CREATE TABLE cluster(clusterid INTEGER, dbstate INTEGER, doexch INTEGER,"
	" cur_major INTEGER, cur_minor INTEGER, ksysmsgsync INTEGER,"
	" dbninstance INTEGER, recoverytag INTEGER, recoveryts TEXT);"
	"CREATE TABLE ms(msid INTEGER UNIQUE, clusterid INTEGER, mtm TEXT,"
	" machinetype TEXT, model TEXT, serial TEXT);"
	"CREATE TABLE vios(viosuuid TEXT PRIMARY KEY, state INTEGER, reason INTEGER,"
	" nodeid_1 INTEGER, nodeid_2 INTEGER, msid INTEGER, staterecovery INTEGER,"
	" recoverydbninstance INTEGER, recoverytag INTEGER, ishm INTEGER,"
	" partnum INTEGER, macaddr TEXT, hmhb TEXT, hmid TEXT);"
	"CREATE TABLE vm(vmuuid TEXT PRIMARY KEY, name TEXT, msid INTEGER,"
	" misshistory INTEGER, state INTEGER, up_major INTEGER, up_minor INTEGER,"
	" lo_major INTEGER, lo_minor INTEGER, shortmsg INTEGER, msgsync INTEGER,"
	" msgsdeleted INTEGER, misshistoryts TEXT, suspendts TEXT);"
	"CREATE TABLE map(vmuuid TEXT, viosuuid TEXT, misshistory INTEGER,"
	" hmrecovery INTEGER, viosrecovery INTEGER, vmhbmissed TEXT,"
	" PRIMARY KEY(vmuuid, viosuuid));"
	"CREATE TABLE trans(vmuuid TEXT, viosuuid TEXT, msid INTEGER, tag INTEGER,"
	" opcode INTEGER, state INTEGER, data TEXT, \"integer\" INTEGER, txstarted TEXT);"
	"CREATE INDEX map_vios ON map(viosuuid);"
	"CREATE INDEX trans_vm ON trans(vmuuid);"
	"CREATE INDEX trans_tag ON trans(tag);"
	"CREATE INDEX vm_msid ON vm(msid);"
	"CREATE INDEX vios_msid ON vios(msid);"
	"INSERT INTO cluster VALUES(1, 8, 0, 2, 0, 1, 1, 1, NULL);"
	"INSERT INTO vm(vmuuid, name, msid, misshistory, state, shortmsg, msgsync,"
	" msgsdeleted) VALUES('', 'default_vm', 0, 0, 1, 0, 0, 0);";

static const char *const vm_state_names[] = {
	"UNKNOWN", "ADDED", "STARTING", "STARTED", "STOPPING", "STOPPED", "REMOVING",
	"SUSPENDED", "UNKNOWN",
};

static const char *
vm_state_name(int st)
{
	return st >= 0 && st < (int)(sizeof vm_state_names / sizeof vm_state_names[0])
	       ? vm_state_names[st] : "UNKNOWN";
}

static void
lower(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in && in[i] && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[len ? i : 0] = '\0';
}

/* ---- SQL helpers ---- */

static void
sqlerr(struct simhs *h, const char *what)
{
	log_msg(LOGL_ERROR, "hsdb", "event=sql_error cluster=%d what=\"%s\" error=\"%s\"",
	        h->id, what, sqlite3_errmsg(h->db));
}

/* Prepare sql and bind the arguments described by types: 't' text (NULL
 * binds NULL), 'i' long long, 'd' double.  NULL on error (logged). */
static sqlite3_stmt *
vprep(struct simhs *h, const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *st = NULL;
	int i, rc = SQLITE_OK;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlerr(h, sql);
		return NULL;
	}
	for (i = 0; types && types[i] && rc == SQLITE_OK; i++) {
		if (types[i] == 't') {
			const char *s = va_arg(ap, const char *);
			rc = s ? sqlite3_bind_text(st, i + 1, s, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, i + 1);
		} else if (types[i] == 'i') {
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, long long));
		} else {
			rc = sqlite3_bind_double(st, i + 1, va_arg(ap, double));
		}
	}
	if (rc != SQLITE_OK) {
		sqlerr(h, sql);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static sqlite3_stmt *
prep(struct simhs *h, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;

	va_start(ap, types);
	st = vprep(h, sql, types, ap);
	va_end(ap);
	return st;
}

/* Run a statement without result rows; returns the changed row count, or
 * -1 (logged). */
static int
run(struct simhs *h, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, types);
	st = vprep(h, sql, types, ap);
	va_end(ap);
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sqlerr(h, sql);
		return -1;
	}
	return sqlite3_changes(h->db);
}

static const char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

/* ---- lifecycle ---- */

struct simhs *
simhs_open(const char *path, int id, char *err, size_t errlen)
{
	struct simhs *h = mem_calloc(1, sizeof *h);
	const char *p = path && *path ? path : ":memory:";
	char *msg = NULL, extra[512];

	h->id = id;
	h->rng = 0x9E3779B97F4A7C15ULL * (unsigned long long)(id + 1);
	if (path && *path) {
		snprintf(extra, sizeof extra, "%s-wal", path);
		unlink(extra);
		snprintf(extra, sizeof extra, "%s-shm", path);
		unlink(extra);
		if (unlink(path) == -1 && errno != ENOENT) {
			snprintf(err, errlen, "%s: cannot remove the old database: %s", path,
			         strerror(errno));
			free(h);
			return NULL;
		}
	}
	if (sqlite3_open(p, &h->db) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", p, h->db ? sqlite3_errmsg(h->db) : "out of memory");
		sqlite3_close(h->db);
		free(h);
		return NULL;
	}
	if (sqlite3_exec(h->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;", NULL,
	                 NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(h->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", p, msg ? msg : "schema failed");
		sqlite3_free(msg);
		sqlite3_close(h->db);
		free(h);
		return NULL;
	}
	return h;
}

void
simhs_close(struct simhs *h)
{
	if (!h)
		return;
	sqlite3_close(h->db);
	free(h);
}

int
simhs_id(const struct simhs *h)
{
	return h->id;
}

void
simhs_begin(struct simhs *h)
{
	if (h->depth++ == 0 && sqlite3_exec(h->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		sqlerr(h, "BEGIN");
}

void
simhs_commit(struct simhs *h)
{
	if (h->depth > 0 && --h->depth == 0 &&
	    sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sqlerr(h, "COMMIT");
}

/* ---- ids and time ---- */

static unsigned long long
fnv64(const char *s, unsigned long long hash)
{
	for (; *s; s++) {
		hash ^= (unsigned char)*s;
		hash *= 0x100000001b3ULL;
	}
	return hash;
}

long long
simhs_msid(const char *type, const char *model, const char *serial)
{
	char mtm[96];

	snprintf(mtm, sizeof mtm, "%s-%s%s", type, model, serial);
	return (long long)fnv64(mtm, 0xcbf29ce484222325ULL);
}

long long
simhs_new_tag(struct simhs *h)
{
	unsigned long long z;

	do {
		z = (h->rng += 0x9E3779B97F4A7C15ULL);
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		z ^= z >> 31;
	} while (z == 0);
	return (long long)z;
}

void
simhs_ts(double t, char *out, size_t len)
{
	time_t s = (time_t)t;
	long us = (long)((t - (double)s) * 1e6 + 0.5);
	struct tm tm;

	if (us >= 1000000) {
		s++;
		us -= 1000000;
	}
	gmtime_r(&s, &tm);
	snprintf(out, len, "%04d-%02d-%02d %02d:%02d:%02d.%06ld", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
}

double
simhs_ts_parse(const char *s)
{
	struct tm tm;
	long us = 0;
	int n = 0;

	if (!s || !*s)
		return 0;
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%d-%d-%d %d:%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return 0;
	if (s[n] == '.')
		us = strtol(s + n + 1, NULL, 10);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (double)timegm(&tm) + us / 1e6;
}

/* ---- ms and vios ---- */

int
simhs_ms_add(struct simhs *h, long long msid, const char *type, const char *model,
             const char *serial)
{
	char mtm[96];
	int rc;

	snprintf(mtm, sizeof mtm, "%s-%s%s", type, model, serial);
	rc = run(h, "INSERT OR IGNORE INTO ms VALUES(?, 1, ?, ?, ?, ?)", "ittt" "t", msid,
	         mtm, type, model, serial);
	return rc < 0 ? -1 : rc > 0;
}

int
simhs_ms_remove(struct simhs *h, long long msid)
{
	if (run(h, "DELETE FROM vios WHERE msid = ?", "i", msid) < 0 ||
	    run(h, "DELETE FROM ms WHERE msid = ?", "i", msid) < 0)
		return -1;
	return 0;
}

/* The 128-bit CAA node id of a VIOS: its UUID's hex digits; the two signed
 * halves for nodeid_1/nodeid_2 and the upper-case hex text for events. */
static void
node_id(const char *uuid, long long *hi, long long *lo, char *hex, size_t len)
{
	char digits[40];
	size_t i, n = 0;

	for (i = 0; uuid[i] && n < 32; i++)
		if (isxdigit((unsigned char)uuid[i]))
			digits[n++] = (char)toupper((unsigned char)uuid[i]);
	while (n < 32)
		digits[n++] = '0';
	digits[32] = '\0';
	if (hex)
		snprintf(hex, len, "%s", digits);
	if (hi && lo) {
		char half[17];
		memcpy(half, digits, 16);
		half[16] = '\0';
		*hi = (long long)strtoull(half, NULL, 16);
		memcpy(half, digits + 16, 16);
		*lo = (long long)strtoull(half, NULL, 16);
	}
}

int
simhs_vios_add(struct simhs *h, const char *uuid, long long msid, int is_hm, int partnum,
               const char *mac)
{
	char u[UUID_MAX];
	long long hi, lo;

	lower(uuid, u, sizeof u);
	node_id(u, &hi, &lo, NULL, 0);
	if (run(h, "INSERT OR IGNORE INTO vios(viosuuid, state, reason, nodeid_1, nodeid_2,"
	        " msid, staterecovery, recoverydbninstance, recoverytag, ishm, partnum,"
	        " macaddr) VALUES(?, 1, 0, ?, ?, ?, 0, 0, 0, ?, ?, ?)", "tiiiiit", u, hi, lo,
	        msid, (long long)is_hm, (long long)partnum, mac ? mac : "") < 0)
		return -1;
	return run(h, "UPDATE vios SET msid = ?, ishm = ?, partnum = ?, macaddr = ?"
	           " WHERE viosuuid = ?", "iiitt", msid, (long long)is_hm,
	           (long long)partnum, mac ? mac : "", u) < 0 ? -1 : 0;
}

int
simhs_vios_set_state(struct simhs *h, const char *uuid, int state, unsigned reason)
{
	char u[UUID_MAX];

	lower(uuid, u, sizeof u);
	return run(h, "UPDATE vios SET state = ?, reason = ?, staterecovery = 0,"
	           " recoverydbninstance = 0, recoverytag = 0 WHERE viosuuid = ?", "iit",
	           (long long)state, (long long)reason, u) < 0 ? -1 : 0;
}

int
simhs_vios_set_hm(struct simhs *h, const char *uuid, double hb, const char *hmid)
{
	char u[UUID_MAX], ts[40];

	lower(uuid, u, sizeof u);
	if (hb > 0)
		simhs_ts(hb, ts, sizeof ts);
	if (run(h, "UPDATE vios SET hmhb = ? WHERE viosuuid = ?", "tt", hb > 0 ? ts : NULL,
	        u) < 0)
		return -1;
	if (hmid && *hmid && run(h, "UPDATE vios SET hmid = ? WHERE viosuuid = ?", "tt",
	                         hmid, u) < 0)
		return -1;
	return 0;
}

int
simhs_caa_event(struct simhs *h, const char *vios_uuid, const char *type, unsigned reason,
                int seq, int node_number, double t)
{
	char u[UUID_MAX], nid[40], cid[40], ts[40], cseed[32];
	struct buf ev = { 0 };
	long long msid = 0;
	sqlite3_stmt *st;
	int rc;

	lower(vios_uuid, u, sizeof u);
	st = prep(h, "SELECT msid FROM vios WHERE viosuuid = ?", "t", u);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		msid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	node_id(u, NULL, NULL, nid, sizeof nid);
	snprintf(cseed, sizeof cseed, "caa-cluster-%d", h->id);
	snprintf(cid, sizeof cid, "%016llX%016llX", fnv64(cseed, 0xcbf29ce484222325ULL),
	         fnv64(cseed, 0x84222325cbf29ce4ULL));
	/* As vio_daemon stores it (spec/B §4.3): lines after the first
	 * tab-indented, an empty line before END_EVPROD_INFO. */
	buf_printf(&ev, "BEGIN_EVENT_INFO\n\tTIME_tvsec=%lld\n\tTIME_tvnsec=%ld\n"
	           "\tSEQUENCE_NUM=%d\n\tRC_FROM_EVPROD=0\n\tBEGIN_EVPROD_INFO\n"
	           "\tEVENT_TYPE=%s\n", (long long)t, (long)((t - (double)(long long)t) * 1e9),
	           seq, type);
	if (reason == 0x40)
		buf_puts(&ev, "\tREASON=NODE_SHUTDOWN\n");
	buf_printf(&ev, "\tNODE_NUMBER=%d\n\tNODE_ID=0x%s\n\tCLUSTER_ID=0x%s\n\n"
	           "\tEND_EVPROD_INFO\n\tEND_EVENT_INFO\n", node_number, nid, cid);
	simhs_ts(t, ts, sizeof ts);
	rc = run(h, "INSERT INTO trans VALUES('none', ?, ?, ?, 9, 1, ?, ?, ?)", "tiitit", u,
	         msid, simhs_new_tag(h), buf_str(&ev), (long long)reason, ts);
	buf_free(&ev);
	return rc < 0 ? -1 : 0;
}

/* ---- vm, map, trans ---- */

int
simhs_vm_add(struct simhs *h, const char *uuid, long long msid)
{
	char u[UUID_MAX];
	int rc;

	lower(uuid, u, sizeof u);
	rc = run(h, "INSERT OR IGNORE INTO vm(vmuuid, name, msid, misshistory, state,"
	         " up_major, up_minor, lo_major, lo_minor, shortmsg, msgsync, msgsdeleted)"
	         " VALUES(?, '', ?, 0, 1, 0, 0, 0, 0, 0, 0, 0)", "ti", u, msid);
	return rc < 0 ? -1 : rc > 0;
}

int
simhs_vm_state(struct simhs *h, const char *uuid)
{
	char u[UUID_MAX];
	sqlite3_stmt *st;
	int state = 0;

	lower(uuid, u, sizeof u);
	st = prep(h, "SELECT state FROM vm WHERE vmuuid = ?", "t", u);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		state = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return state;
}

static int
map_rows(struct simhs *h, const char *u, const char *const *vios, size_t n)
{
	char v[UUID_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		lower(vios[i], v, sizeof v);
		if (run(h, "INSERT OR IGNORE INTO map VALUES(?, ?, 0, 0, 0, NULL)", "tt", u,
		        v) < 0)
			return -1;
	}
	return 0;
}

int
simhs_vm_start(struct simhs *h, const char *uuid, long long msid,
               const char *const *vios, size_t n, long long tag, double t)
{
	char u[UUID_MAX], v[UUID_MAX], ts[40];
	size_t i;

	lower(uuid, u, sizeof u);
	simhs_ts(t, ts, sizeof ts);
	simhs_begin(h);
	if (simhs_vm_add(h, u, msid) < 0 ||
	    run(h, "UPDATE vm SET state = 2, msid = ? WHERE vmuuid = ? AND state <> 3", "it",
	        msid, u) < 0 ||
	    map_rows(h, u, vios, n) < 0)
		goto fail;
	if (simhs_vm_state(h, u) == SIMHS_VM_STARTING) {
		run(h, "DELETE FROM trans WHERE vmuuid = ? AND opcode = 1", "t", u);
		for (i = 0; i < n; i++) {
			lower(vios[i], v, sizeof v);
			if (run(h, "INSERT INTO trans VALUES(?, ?, ?, ?, 1, 9, '', 0, ?)",
			        "ttiit", u, v, msid, tag, ts) < 0)
				goto fail;
		}
	}
	simhs_commit(h);
	return 0;
fail:
	simhs_commit(h);
	return -1;
}

static int
state_change(struct simhs *h, const char *u, int old, int new, double t)
{
	char ts[40], data[32];
	long long msid = 0;
	sqlite3_stmt *st;

	st = prep(h, "SELECT msid FROM vm WHERE vmuuid = ?", "t", u);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		msid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	simhs_ts(t, ts, sizeof ts);
	snprintf(data, sizeof data, "old=%d:new=%d", old, new);
	return run(h, "INSERT INTO trans VALUES(?, '', ?, 0, 4, 1, ?, 0, ?)", "tit" "t", u,
	           msid, data, ts) < 0 ? -1 : 0;
}

int
simhs_vm_started(struct simhs *h, const char *uuid, double t)
{
	char u[UUID_MAX];
	int rc = 0;

	lower(uuid, u, sizeof u);
	simhs_begin(h);
	if (run(h, "UPDATE vm SET state = 3 WHERE vmuuid = ?", "t", u) < 0 ||
	    state_change(h, u, 8, 3, t) < 0 ||
	    run(h, "DELETE FROM trans WHERE vmuuid = ? AND opcode = 1", "t", u) < 0 ||
	    run(h, "UPDATE map SET vmhbmissed = NULL WHERE vmuuid = ?", "t", u) < 0)
		rc = -1;
	simhs_commit(h);
	return rc;
}

int
simhs_vm_stop(struct simhs *h, const char *uuid, double t)
{
	char u[UUID_MAX];
	int old, rc = 0;

	lower(uuid, u, sizeof u);
	old = simhs_vm_state(h, u);
	if (!old)
		return 0;
	simhs_begin(h);
	if (run(h, "UPDATE vm SET state = 5 WHERE vmuuid = ?", "t", u) < 0 ||
	    (old != SIMHS_VM_STOPPED && state_change(h, u, old, 5, t) < 0) ||
	    run(h, "DELETE FROM trans WHERE vmuuid = ? AND opcode = 1", "t", u) < 0 ||
	    run(h, "DELETE FROM map WHERE vmuuid = ?", "t", u) < 0)
		rc = -1;
	simhs_commit(h);
	return rc;
}

int
simhs_vm_remove(struct simhs *h, const char *uuid)
{
	char u[UUID_MAX];
	int rc = 0;

	lower(uuid, u, sizeof u);
	if (!u[0])
		return 0;               /* the default_vm row stays */
	simhs_begin(h);
	if (run(h, "DELETE FROM vm WHERE vmuuid = ?", "t", u) < 0 ||
	    run(h, "DELETE FROM map WHERE vmuuid = ?", "t", u) < 0 ||
	    run(h, "DELETE FROM trans WHERE vmuuid = ?", "t", u) < 0)
		rc = -1;
	simhs_commit(h);
	return rc;
}

int
simhs_vm_moved(struct simhs *h, const char *uuid, long long msid,
               const char *const *vios, size_t n, double t)
{
	char u[UUID_MAX], ts[40];
	int rc = 0;

	lower(uuid, u, sizeof u);
	simhs_ts(t, ts, sizeof ts);
	simhs_begin(h);
	if (run(h, "UPDATE vm SET msid = ? WHERE vmuuid = ?", "it", msid, u) < 0 ||
	    run(h, "DELETE FROM map WHERE vmuuid = ?", "t", u) < 0 ||
	    map_rows(h, u, vios, n) < 0 ||
	    state_change(h, u, 3, 3, t) < 0 ||
	    run(h, "INSERT INTO trans VALUES(?, '', ?, 0, 5, 1, 'MOVED', 0, ?)", "tit", u,
	        msid, ts) < 0)
		rc = -1;
	simhs_commit(h);
	return rc;
}

int
simhs_map_missed(struct simhs *h, const char *vm, const char *vios, double t)
{
	char u[UUID_MAX], v[UUID_MAX], ts[40];

	lower(vm, u, sizeof u);
	lower(vios, v, sizeof v);
	if (t > 0)
		simhs_ts(t, ts, sizeof ts);
	return run(h, "UPDATE map SET vmhbmissed = ? WHERE vmuuid = ? AND viosuuid = ?",
	           "ttt", t > 0 ? ts : NULL, u, v) < 0 ? -1 : 0;
}

int
simhs_doorbell(struct simhs *h, const char *vm, const char *vios, unsigned bits, double t)
{
	char u[UUID_MAX], v[UUID_MAX], ts[40], data[24];
	long long msid = 0;
	sqlite3_stmt *st;
	int rc = 0;

	lower(vm, u, sizeof u);
	lower(vios, v, sizeof v);
	st = prep(h, "SELECT msid FROM vm WHERE vmuuid = ?", "t", u);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		msid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	simhs_ts(t, ts, sizeof ts);
	snprintf(data, sizeof data, "0x%x", bits);
	simhs_begin(h);
	if (run(h, "INSERT INTO trans VALUES(?, ?, ?, 0, 2, 1, ?, 0, ?)", "ttitt", u, v,
	        msid, data, ts) < 0 ||
	    run(h, "UPDATE vm SET shortmsg = shortmsg | ? WHERE vmuuid = ?", "it",
	        (long long)bits, u) < 0)
		rc = -1;
	simhs_commit(h);
	return rc;
}

/* ---- replies ---- */

void
simhs_reply_empty(struct buf *out)
{
	buf_puts(out, "<VIO><Response>\n</Response></VIO>");
}

void
simhs_reply_full(struct buf *out, const char *title, double now)
{
	time_t s = (time_t)now;
	struct tm tm;

	gmtime_r(&s, &tm);
	buf_printf(out, "<?xml version=\"1.0\"?>\n<VIO xmlns=\"http://ausgsa.austin.ibm.com/"
	           "projects/v/vios/schema/vioHADR2.00\"\n  version=\"2.00\"\n  title=\"%s\"\n"
	           "  published=\"%04d-%02d-%02dT01:17:00Z\"\n  author=\"IBM Power Systems "
	           "VIOS\"\n>\n  <Response>\n  </Response>\n</VIO>\n", title,
	           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

struct host {
	long long msid;
	char type[16], model[16], serial[32];
};

/* Every host, in the order they were added; caller frees. */
static struct host *
hosts(struct simhs *h, size_t *n)
{
	sqlite3_stmt *st = prep(h, "SELECT msid, machinetype, model, serial FROM ms"
	                        " ORDER BY rowid", NULL);
	struct host *v = NULL;
	size_t cap = 0;

	*n = 0;
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			v = mem_reallocarray(v, cap, sizeof *v);
		}
		v[*n].msid = sqlite3_column_int64(st, 0);
		snprintf(v[*n].type, sizeof v[*n].type, "%s", col(st, 1));
		snprintf(v[*n].model, sizeof v[*n].model, "%s", col(st, 2));
		snprintf(v[*n].serial, sizeof v[*n].serial, "%s", col(st, 3));
		(*n)++;
	}
	sqlite3_finalize(st);
	return v;
}

static void
mtms_attrs(struct buf *out, const struct host *ms)
{
	buf_puts(out, "machine_type=\"");
	buf_put_xml_escaped(out, ms->type);
	buf_puts(out, "\" model=\"");
	buf_put_xml_escaped(out, ms->model);
	buf_puts(out, "\" serial=\"");
	buf_put_xml_escaped(out, ms->serial);
	buf_puts(out, "\"");
}

/* The <viosStat .../> lines of host ms into out; only_abnormal keeps VIOSs
 * that are DOWN, not responsive or have data.  Returns the count written. */
static size_t
vios_stats(struct simhs *h, const struct host *ms, double now, double scale,
           int only_abnormal, struct buf *out)
{
	sqlite3_stmt *st = prep(h, "SELECT v.viosuuid, v.state, v.reason, v.hmhb,"
	                        " (SELECT COUNT(*) FROM trans t WHERE t.opcode = 9 AND"
	                        " t.viosuuid = v.viosuuid) FROM vios v WHERE v.msid = ?"
	                        " ORDER BY v.rowid", "i", ms->msid);
	size_t n = 0;

	while (st && sqlite3_step(st) == SQLITE_ROW) {
		double hb = simhs_ts_parse(col(st, 3));
		long long sec = 0;
		int up = sqlite3_column_int(st, 1) == 1, data = sqlite3_column_int(st, 4) > 0;
		int resp;

		if (hb > 0) {
			sec = (long long)((now - hb) * scale);
			if (sec < 0)
				sec = 0;
		}
		resp = hb > 0 && sec <= SIMHS_HM_UNRESPONSIVE;
		if (only_abnormal && up && resp && !data)
			continue;
		buf_printf(out, "<viosStat uuid=\"%s\" state=\"%s\" hmResponsive=\"%d\" "
		           "hmResponseSec='%lld' hasData='%d' reason='0x%08x' syncMsg=\"0\" />\n",
		           col(st, 0), up ? "UP" : "DOWN", resp, sec, data,
		           (unsigned)sqlite3_column_int64(st, 2));
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

void
simhs_reply_qq(struct simhs *h, double now, double scale, struct buf *out)
{
	size_t n, i;
	struct host *ms = hosts(h, &n);

	buf_puts(out, "<VIO><Response>\n");
	for (i = 0; i < n; i++) {
		buf_puts(out, "<quickQuery>\n<viosStatList><viosStatus ");
		mtms_attrs(out, &ms[i]);
		buf_puts(out, ">\n");
		vios_stats(h, &ms[i], now, scale, 0, out);
		buf_puts(out, "</viosStatus></viosStatList>\n</quickQuery>\n");
	}
	buf_puts(out, "</Response></VIO>");
	free(ms);
}

/* One VM needing attention in an NA reply. */
struct att {
	char uuid[UUID_MAX];
	int state;
	int has_missed;
	long long missed;
	int state_chg;
	unsigned short_msg;
	int moved;
};

static struct att *
att_get(struct att **v, size_t *n, size_t *cap, const char *uuid)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].uuid, uuid) == 0)
			return &(*v)[i];
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		*v = mem_reallocarray(*v, *cap, sizeof **v);
	}
	memset(&(*v)[*n], 0, sizeof **v);
	snprintf((*v)[*n].uuid, sizeof (*v)[*n].uuid, "%s", uuid);
	return &(*v)[(*n)++];
}

/* The vmStat lines of host ms into body; rowids of the ackable trans rows
 * reported are appended to ids.  Returns 1 when the host has a block (it has
 * monitored VMs or something to report), 0 otherwise. */
static int
vm_block(struct simhs *h, const struct host *ms, double now, double scale,
         struct buf *body, long long **ids, size_t *nids, size_t *capids)
{
	struct att *v = NULL;
	size_t n = 0, cap = 0, i;
	int monitored = 0;
	sqlite3_stmt *st;

	/* missed heartbeats: reported only when every map row (both HMs) has one;
	 * the value counts from the older timestamp */
	st = prep(h, "SELECT m.vmuuid, COUNT(*), COUNT(m.vmhbmissed), MIN(m.vmhbmissed)"
	          " FROM map m JOIN vios s ON s.viosuuid = m.viosuuid WHERE s.msid = ?"
	          " GROUP BY m.vmuuid ORDER BY MIN(m.rowid)", "i", ms->msid);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		monitored = 1;
		if (sqlite3_column_int(st, 1) == 0 ||
		    sqlite3_column_int(st, 1) != sqlite3_column_int(st, 2))
			continue;
		struct att *a = att_get(&v, &n, &cap, col(st, 0));
		a->has_missed = 1;
		a->missed = (long long)((now - simhs_ts_parse(col(st, 3))) * scale);
		if (a->missed < 0)
			a->missed = 0;
	}
	sqlite3_finalize(st);
	/* ackable rows: state changes, doorbells, discoveries */
	st = prep(h, "SELECT t.rowid, t.vmuuid, t.opcode, t.data FROM trans t JOIN vm"
	          " ON vm.vmuuid = t.vmuuid WHERE vm.msid = ? AND t.opcode IN (2, 4, 5)"
	          " ORDER BY t.rowid", "i", ms->msid);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		struct att *a = att_get(&v, &n, &cap, col(st, 1));
		int op = sqlite3_column_int(st, 2);

		if (op == SIMHS_OP_STATECHG)
			a->state_chg = 1;
		else if (op == SIMHS_OP_DOORBELL)
			a->short_msg |= (unsigned)strtoul(col(st, 3), NULL, 16);
		else
			a->moved = 1;
		if (*nids == *capids) {
			*capids = *capids ? 2 * *capids : 16;
			*ids = mem_reallocarray(*ids, *capids, sizeof **ids);
		}
		(*ids)[(*nids)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	for (i = 0; i < n; i++) {
		struct att *a = &v[i];

		a->state = simhs_vm_state(h, a->uuid);
		buf_printf(body, "<vmStat uuid=\"%s\"><VM state=\"%s\" ", a->uuid,
		           vm_state_name(a->state));
		if (a->state_chg)
			buf_puts(body, "stateChg='1' ");
		if (a->has_missed)
			buf_printf(body, "missedHb='%lld' ", a->missed);
		if (a->short_msg)
			buf_printf(body, "shortMsg=\"0x%x\" ", a->short_msg);
		buf_puts(body, ">\n");
		if (a->moved)
			buf_puts(body, "<discoveryInfo type='MOVED'/>\n");
		buf_puts(body, "</VM>\n</vmStat>\n");
	}
	free(v);
	return monitored || n > 0;
}

void
simhs_reply_na(struct simhs *h, double now, double scale, struct buf *out)
{
	struct buf vios = { 0 }, vms = { 0 }, one = { 0 };
	size_t n, i, nids = 0, capids = 0;
	struct host *ms = hosts(h, &n);
	long long *ids = NULL, tag = 0;
	char open[64];

	simhs_begin(h);
	for (i = 0; i < n; i++) {
		buf_reset(&one);
		if (vm_block(h, &ms[i], now, scale, &one, &ids, &nids, &capids)) {
			buf_puts(&vms, "\x01>\n<vmStatList>\n<vmList ");
			mtms_attrs(&vms, &ms[i]);
			buf_puts(&vms, ">\n");
			buf_append(&vms, one.data, one.len);
			buf_puts(&vms, "</vmList>\n</vmStatList>\n</needsAtt>\n");
		}
	}
	for (i = 0; i < n; i++) {
		buf_reset(&one);
		if (vios_stats(h, &ms[i], now, scale, 1, &one) == 0)
			continue;
		buf_puts(&vios, "\x01>\n<viosStatList><viosStatus ");
		mtms_attrs(&vios, &ms[i]);
		buf_puts(&vios, ">\n");
		buf_append(&vios, one.data, one.len);
		buf_puts(&vios, "</viosStatus></viosStatList>\n</needsAtt>\n");
	}
	if (nids) {
		tag = simhs_new_tag(h);
		for (i = 0; i < nids; i++)
			run(h, "UPDATE trans SET tag = ? WHERE rowid = ?", "ii", tag, ids[i]);
	}
	simhs_commit(h);
	/* \x01 marks where each block's opening tag goes, now that the tag is known */
	if (tag)
		snprintf(open, sizeof open, "<needsAtt hsTag=\"%lld\"", tag);
	else
		snprintf(open, sizeof open, "<needsAtt");
	buf_puts(out, "<VIO><Response>\n");
	for (const struct buf *b = &vios; b; b = b == &vios ? &vms : NULL) {
		const char *p = buf_str(b), *q;
		while ((q = strchr(p, '\x01')) != NULL) {
			buf_append(out, p, (size_t)(q - p));
			buf_puts(out, open);
			p = q + 1;
		}
		buf_puts(out, p);
	}
	buf_puts(out, "</Response></VIO>");
	buf_free(&vios);
	buf_free(&vms);
	buf_free(&one);
	free(ids);
	free(ms);
}

/* The event text as the reply carries it: no indentation, no empty lines. */
static void
event_text(struct buf *out, const char *db)
{
	const char *p = db, *nl;

	while (*p) {
		size_t len;

		while (*p == '\t' || *p == ' ')
			p++;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len) {
			char *line = mem_strndup(p, len);
			buf_put_xml_escaped(out, line);
			buf_putc(out, '\n');
			free(line);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

void
simhs_reply_nodedata(struct simhs *h, struct buf *out)
{
	size_t n, i;
	struct host *ms;
	long long tag;
	sqlite3_stmt *st;

	if (simhs_count(h, "trans", "opcode = 9") <= 0) {
		simhs_reply_empty(out);
		return;
	}
	ms = hosts(h, &n);
	tag = simhs_new_tag(h);
	simhs_begin(h);
	run(h, "UPDATE trans SET tag = ? WHERE opcode = 9", "i", tag);
	buf_printf(out, "<VIO><Response>\n<nodeData hsTag=\"%lld\">\n", tag);
	for (i = 0; i < n; i++) {
		int any = 0;

		st = prep(h, "SELECT viosuuid, data FROM trans WHERE opcode = 9 AND msid = ?"
		          " ORDER BY rowid", "i", ms[i].msid);
		while (st && sqlite3_step(st) == SQLITE_ROW) {
			if (!any++) {
				buf_puts(out, "<nodeList ");
				mtms_attrs(out, &ms[i]);
				buf_puts(out, ">\n");
			}
			buf_printf(out, "<node uuid=\"%s\" event=\"", col(st, 0));
			event_text(out, col(st, 1));
			buf_puts(out, "\"/>\n");
		}
		sqlite3_finalize(st);
		if (any)
			buf_puts(out, "</nodeList>\n");
	}
	simhs_commit(h);
	buf_puts(out, "</nodeData>\n</Response></VIO>");
	free(ms);
}

int
simhs_ack(struct simhs *h, long long tag)
{
	int n;

	if (tag == 0)
		return 0;
	simhs_begin(h);
	n = run(h, "DELETE FROM trans WHERE tag = ? AND opcode IN (2, 4, 5, 9)", "i", tag);
	/* vm.shortmsg mirrors the doorbells still pending */
	run(h, "UPDATE vm SET shortmsg = 0 WHERE shortmsg <> 0 AND NOT EXISTS (SELECT 1"
	    " FROM trans t WHERE t.vmuuid = vm.vmuuid AND t.opcode = 2)", NULL);
	simhs_commit(h);
	return n < 0 ? 0 : n;
}

/* ---- inspection ---- */

long long
simhs_count(struct simhs *h, const char *table, const char *where)
{
	char sql[256];
	sqlite3_stmt *st;
	long long n = -1;

	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s%s%s", table,
	         where ? " WHERE " : "", where ? where : "");
	st = prep(h, sql, NULL);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static const char *
nm(const char *(*name)(void *, const char *), void *arg, const char *uuid)
{
	const char *s = name && uuid && *uuid ? name(arg, uuid) : NULL;
	return s ? s : uuid && *uuid ? uuid : "-";
}

static long long
age(const char *ts, double now, double scale)
{
	double t = simhs_ts_parse(ts);
	long long a = t > 0 ? (long long)((now - t) * scale) : -1;
	return t > 0 && a < 0 ? 0 : a;
}

static const char *
field(const char *text, const char *key, char *out, size_t len)
{
	const char *p = strstr(text, key);
	size_t n = 0;

	out[0] = '\0';
	if (!p)
		return out;
	p += strlen(key);
	while (p[n] && p[n] != '\n' && n + 1 < len)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

void
simhs_show(struct simhs *h, double now, double scale,
           const char *(*name)(void *arg, const char *uuid), void *arg, struct buf *out)
{
	sqlite3_stmt *st;
	char a[40], b[40];

	st = prep(h, "SELECT msid, mtm FROM ms ORDER BY rowid", NULL);
	while (st && sqlite3_step(st) == SQLITE_ROW)
		buf_printf(out, "ms %lld %s\n", sqlite3_column_int64(st, 0), col(st, 1));
	sqlite3_finalize(st);
	st = prep(h, "SELECT viosuuid, state, reason, msid, hmhb, hmid,"
	          " (SELECT COUNT(*) FROM trans t WHERE t.opcode = 9 AND"
	          " t.viosuuid = vios.viosuuid) FROM vios ORDER BY rowid", NULL);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		long long hb = age(col(st, 4), now, scale);
		if (hb >= 0)
			snprintf(a, sizeof a, "%lld", hb);
		else
			snprintf(a, sizeof a, "-");
		buf_printf(out, "vios %s %s state=%s reason=0x%08x hm_age=%s hmid=%s events=%d"
		           " msid=%lld\n", nm(name, arg, col(st, 0)), col(st, 0),
		           sqlite3_column_int(st, 1) == 1 ? "UP" : "DOWN",
		           (unsigned)sqlite3_column_int64(st, 2), a,
		           *col(st, 5) ? col(st, 5) : "-", sqlite3_column_int(st, 6),
		           sqlite3_column_int64(st, 3));
	}
	sqlite3_finalize(st);
	st = prep(h, "SELECT vmuuid, state, msid, shortmsg FROM vm WHERE vmuuid <> ''"
	          " ORDER BY rowid", NULL);
	while (st && sqlite3_step(st) == SQLITE_ROW)
		buf_printf(out, "vm %s %s state=%s shortmsg=0x%x msid=%lld\n",
		           nm(name, arg, col(st, 0)), col(st, 0),
		           vm_state_name(sqlite3_column_int(st, 1)),
		           (unsigned)sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	st = prep(h, "SELECT vmuuid, viosuuid, vmhbmissed FROM map ORDER BY rowid", NULL);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		long long m = age(col(st, 2), now, scale);
		if (m >= 0)
			snprintf(a, sizeof a, "%lld", m);
		else
			snprintf(a, sizeof a, "-");
		buf_printf(out, "map %s %s missed=%s\n", nm(name, arg, col(st, 0)),
		           nm(name, arg, col(st, 1)), a);
	}
	sqlite3_finalize(st);
	st = prep(h, "SELECT opcode, vmuuid, viosuuid, tag, data, \"integer\", txstarted"
	          " FROM trans ORDER BY rowid", NULL);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		int op = sqlite3_column_int(st, 0);
		buf_printf(out, "trans %d %s %s tag=%lld age=%lld", op,
		           strcmp(col(st, 1), "none") == 0 ? "none" : nm(name, arg, col(st, 1)),
		           nm(name, arg, col(st, 2)), sqlite3_column_int64(st, 3),
		           age(col(st, 6), now, scale));
		if (op == SIMHS_OP_CAA)
			buf_printf(out, " event=%s reason=0x%08x\n",
			           field(col(st, 4), "EVENT_TYPE=", b, sizeof b),
			           (unsigned)sqlite3_column_int64(st, 5));
		else
			buf_printf(out, " data=%s\n", *col(st, 4) ? col(st, 4) : "-");
	}
	sqlite3_finalize(st);
}
