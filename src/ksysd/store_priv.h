/* store_priv — internals shared by store.c, store_obj.c and store_log.c.
 *
 * The handle layout, the prepared-statement cache and error helpers.  Not a
 * contract for anything outside store*.c (nothing else may run SQL).
 */
#ifndef KSYS_STORE_PRIV_H
#define KSYS_STORE_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#define STORE_STMT_CACHE 128

struct store_cached {
	char *sql;              /* owned */
	sqlite3_stmt *st;       /* owned */
};

struct store {
	sqlite3 *db;
	char path[4096];
	int version;
	int ncached;
	struct store_cached cache[STORE_STMT_CACHE];
	sqlite3_stmt *oneshot;  /* overflow statement, finalized on next overflow */
};

void store_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Cached statement for sql, reset and with bindings cleared; owned by s.
 * Callers sqlite3_reset it when done so it holds no read lock. */
sqlite3_stmt *store_stmt(struct store *s, const char *sql, char *err, size_t errlen);
sqlite3_stmt *store_stmt_oneshot(struct store *s, sqlite3_stmt *st);
/* Wall-clock time, epoch ms. */
int64_t store_now_ms(void);
/* Copies text column i of st into dst[n] ("" for NULL). */
void store_col_copy(char *dst, size_t n, sqlite3_stmt *st, int i);
/* Steps st to completion and resets it: 0, or -1 with "what: message". */
int store_step_done(struct store *s, sqlite3_stmt *st, char *err, size_t errlen,
                    const char *what);
/* Fill err with "what: <sqlite message>" and return -1. */
int store_sqlerr(struct store *s, char *err, size_t errlen, const char *what);

#endif
