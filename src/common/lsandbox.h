/* lsandbox — the Lua 5.4 sandbox every ksys program loads Lua through.
 *
 * Allow-list only: base (without dofile, loadfile, print; load restricted to
 * text chunks in the caller's environment), string, table, math, utf8,
 * coroutine, and os.time/os.clock/os.date.  Never io, package, debug, require
 * or the rest of os.  Each loaded file runs in its own _ENV table whose reads
 * fall back to the shared safe globals (read-only: library tables and the
 * shared table refuse writes) and whose own globals stay private to that file.
 * Budgets: a memory cap enforced by the allocator and an instruction
 * budget per call enforced by a count hook that cannot be caught by pcall.
 * Every C->Lua call goes through lsb_pcall, which reports "file:line: msg".
 */
#ifndef KSYS_LSANDBOX_H
#define KSYS_LSANDBOX_H

#include <stddef.h>
#include <lua.h>

struct lsb;

struct lsb_limits {
	size_t mem_bytes;       /* 0 -> 64 MiB */
	long instructions;      /* per lsb_pcall / load; 0 -> 100 million */
};

/* New sandboxed state; NULL only on allocation failure.  limits may be NULL. */
struct lsb *lsb_new(const struct lsb_limits *limits);
void lsb_free(struct lsb *sb);
lua_State *lsb_state(struct lsb *sb);

/* Register a C function as a global visible to every file loaded afterwards. */
void lsb_register(struct lsb *sb, const char *name, lua_CFunction fn);
/* Set the upvalue-free light userdata the bindings can fetch with lsb_ctx(). */
void lsb_set_ctx(struct lsb *sb, void *ctx);
void *lsb_ctx(lua_State *L);

/* Load and run a file (text only) in a fresh _ENV.  On success pushes that
 * _ENV table and returns 0; on failure returns -1 with err "file:line: msg"
 * and pushes nothing. */
int lsb_run_file(struct lsb *sb, const char *path, char *err, size_t errlen);
/* Same for an in-memory chunk; name is used in messages ("=default-topology"). */
int lsb_run_buffer(struct lsb *sb, const char *buf, size_t len, const char *name,
                   char *err, size_t errlen);

/* Call the function below nargs arguments with a traceback handler and the
 * instruction budget.  Returns 0 (results pushed) or -1 (nothing pushed, err
 * "file:line: msg", or "instruction budget exhausted"). */
int lsb_pcall(struct lsb *sb, int nargs, int nresults, char *err, size_t errlen);

/* Table-reading helpers for bindings: read field k of the table at idx.
 * Return 0 when present and of the right type, 1 when absent (out untouched),
 * -1 when present with the wrong type (err says "field 'k' must be a string"). */
int lsb_field_str(lua_State *L, int idx, const char *k, char *out, size_t outlen,
                  char *err, size_t errlen);
int lsb_field_num(lua_State *L, int idx, const char *k, double *out,
                  char *err, size_t errlen);
int lsb_field_int(lua_State *L, int idx, const char *k, long long *out,
                  char *err, size_t errlen);
int lsb_field_bool(lua_State *L, int idx, const char *k, int *out,
                   char *err, size_t errlen);
/* Raise a Lua error naming the caller's file:line if the table at idx has a
 * key outside the NULL-terminated list `allowed` (lsyncd-style checking).
 * what names the table in the message ("hmc{}"). */
void lsb_check_keys(lua_State *L, int idx, const char *what, const char *const *allowed);

#endif
