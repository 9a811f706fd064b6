/* lsandbox — allow-list Lua 5.4 sandbox with memory and instruction budgets.
 *
 * The shared globals (base subset, string, table, math, utf8, coroutine, a
 * curated os) live in one table no Lua code can reach; every library table is
 * exposed through an empty read-only proxy, and each file gets its own _ENV
 * whose reads fall back to the shared globals and whose writes stay private
 * to that file.  Not for running untrusted binary chunks or for I/O of any kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "buf.h"
#include "log.h"
#include "lsandbox.h"

#define LSB_MEM_DEFAULT (64u * 1024u * 1024u)
#define LSB_INSN_DEFAULT 100000000L
#define LSB_HOOK_EVERY 1000
#define LSB_BUDGET_MSG "instruction budget exhausted"

struct lsb {
	lua_State *L;
	size_t mem_limit;
	size_t mem_used;
	long budget;          /* instructions per outermost lsb_pcall */
	long used;
	int exhausted;
	int depth;            /* nesting of lsb_pcall */
};

/* Registry keys: addresses of these statics. */
static const char key_ctx = 'c';
static const char key_env_meta = 'e';
static const char key_readonly = 'r';

static void *
lsb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct lsb *sb = ud;
	void *np;

	if (!ptr)
		osize = 0;       /* osize is a type tag for new blocks */
	if (nsize == 0) {
		free(ptr);
		sb->mem_used -= osize;
		return NULL;
	}
	if (nsize > osize && sb->mem_used - osize + nsize > sb->mem_limit)
		return NULL;
	np = realloc(ptr, nsize);
	if (!np)
		return NULL;
	sb->mem_used = sb->mem_used - osize + nsize;
	return np;
}

static int
lsb_panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);

	log_msg(LOGL_ERROR, "lua", "event=panic msg=\"%s\"", msg ? msg : "?");
	log_panic(__FILE__, __LINE__, "unprotected Lua error");
}

static struct lsb *
sb_of(lua_State *L)
{
	void *ud = NULL;

	lua_getallocf(L, &ud);
	return ud;
}

/* Count hook: once the budget is spent, fire on every instruction and line
 * so a pcall inside Lua cannot swallow the stop for more than one step. */
static void
budget_hook(lua_State *L, lua_Debug *ar)
{
	struct lsb *sb = sb_of(L);

	if (ar->event == LUA_HOOKCOUNT)
		sb->used += lua_gethookcount(L);
	if (!sb->exhausted && sb->used <= sb->budget)
		return;
	sb->exhausted = 1;
	lua_sethook(L, budget_hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
	lua_pushliteral(L, LSB_BUDGET_MSG);
	lua_error(L);
}

/* Push "file:line: " for the nearest Lua frame at or above level. */
static void
where_lua(lua_State *L, int level)
{
	lua_Debug ar;

	for (; lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			lua_pushfstring(L, "%s:%d: ", ar.source[0] == '@' ? ar.source + 1
			                : ar.short_src, ar.currentline);
			return;
		}
	}
	lua_pushliteral(L, "");
}

/* Message handler: keep "file:line: msg", undo Lua's 60-char truncation of
 * file names, and give non-string error objects a position. */
static int
msgh(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	lua_Debug ar;
	int level;

	if (!msg) {
		where_lua(L, 1);
		if (luaL_callmeta(L, 1, "__tostring")) {
			if (lua_type(L, -1) != LUA_TSTRING) {
				lua_pop(L, 1);
				lua_pushfstring(L, "(error object is a %s value)",
				                luaL_typename(L, 1));
			}
		} else {
			lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
		}
		lua_concat(L, 2);
		return 1;
	}
	for (level = 1; level < 8 && lua_getstack(L, level, &ar); level++) {
		size_t sl;

		if (!lua_getinfo(L, "S", &ar) || ar.source[0] != '@')
			continue;
		sl = strlen(ar.short_src);
		if (strcmp(ar.short_src, ar.source + 1) != 0 &&
		    strncmp(msg, ar.short_src, sl) == 0 && msg[sl] == ':') {
			lua_pushstring(L, ar.source + 1);
			lua_pushstring(L, msg + sl);
			lua_concat(L, 2);
			return 1;
		}
	}
	lua_settop(L, 1);
	return 1;
}

int
lsb_pcall(struct lsb *sb, int nargs, int nresults, char *err, size_t errlen)
{
	lua_State *L = sb->L;
	int base = lua_gettop(L) - nargs;
	const char *msg;
	int rc;

	lua_pushcfunction(L, msgh);
	lua_insert(L, base);
	if (sb->depth++ == 0) {
		sb->used = 0;
		sb->exhausted = 0;
		lua_sethook(L, budget_hook, LUA_MASKCOUNT, LSB_HOOK_EVERY);
	}
	rc = lua_pcall(L, nargs, nresults, base);
	if (--sb->depth == 0)
		lua_sethook(L, NULL, 0, 0);
	if (rc == LUA_OK) {
		lua_remove(L, base);
		return 0;
	}
	if (sb->exhausted)
		snprintf(err, errlen, "%s", LSB_BUDGET_MSG);
	else if (rc == LUA_ERRMEM)
		snprintf(err, errlen, "not enough memory (sandbox limit %zu bytes)",
		         sb->mem_limit);
	else {
		msg = lua_tostring(L, -1);
		snprintf(err, errlen, "%s", msg ? msg : "unknown Lua error");
	}
	lua_settop(L, base - 1);
	return -1;
}

/* ---- read-only proxies ------------------------------------------------ */

static int
ro_newindex(lua_State *L)
{
	return luaL_error(L, "attempt to modify read-only table (key '%s')",
	                  luaL_tolstring(L, 2, NULL));
}

/* __newindex of the shared globals: Lua code cannot reach that table at all
 * (it sits behind the hidden env metatable), so this only matters for C
 * code, which may add globals with lua_setglobal(); a Lua frame doing it
 * would be a sandbox bug, so it is refused. */
static int
g_newindex(lua_State *L)
{
	lua_Debug ar;

	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.what[0] != 'C')
		return ro_newindex(L);
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 0;
}

static int
ro_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)))
		return 2;
	lua_pushnil(L);
	return 1;
}

static int
ro_pairs(lua_State *L)
{
	lua_getmetatable(L, 1);            /* raw: __metatable only affects Lua */
	lua_getfield(L, -1, "__index");
	lua_pushcclosure(L, ro_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Replace the table at the top with an empty proxy that reads through it. */
static void
make_readonly(lua_State *L)
{
	lua_newtable(L);                   /* real proxy */
	lua_createtable(L, 0, 4);          /* real proxy mt */
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, ro_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);           /* real proxy */
	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_readonly);
	lua_pushvalue(L, -2);
	lua_pushboolean(L, 1);
	lua_rawset(L, -3);
	lua_pop(L, 1);
	lua_remove(L, -2);                 /* proxy */
}

static int
is_readonly(lua_State *L, int idx)
{
	int r;

	idx = lua_absindex(L, idx);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_readonly);
	lua_pushvalue(L, idx);
	r = lua_rawget(L, -2) != LUA_TNIL;
	lua_pop(L, 2);
	return r;
}

/* ---- replaced base functions ------------------------------------------ */

static int
safe_rawset(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (is_readonly(L, 1))
		return luaL_error(L, "attempt to modify read-only table");
	luaL_checkany(L, 2);
	luaL_checkany(L, 3);
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 1;
}

/* setmetatable(t, mt) as in the base library, but refusing __gc and
 * __close: finalizers run with hooks off, and so do __close handlers of a
 * coroutine killed by the budget, so either could loop past the budget. */
static int
safe_setmetatable(lua_State *L)
{
	int t = lua_type(L, 2);

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	if (t == LUA_TTABLE && (lua_getfield(L, 2, "__gc") != LUA_TNIL ||
	                        lua_getfield(L, 2, "__close") != LUA_TNIL))
		return luaL_error(L, "__gc and __close metamethods are not allowed "
		                  "in the sandbox");
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

/* Message handler wrapper for xpcall.  An error raised by the budget hook
 * runs the handler with hooks disabled, so once the budget is spent the
 * caller's handler is skipped. */
static int
guard_handler(lua_State *L)
{
	if (sb_of(L)->exhausted)
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int
xpcall_k(lua_State *L, int status, lua_KContext ctx)
{
	(void)status;
	(void)ctx;
	return lua_gettop(L);
}

static int
safe_xpcall(lua_State *L)
{
	int n = lua_gettop(L);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, guard_handler, 1);
	lua_replace(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_callk(L, n, LUA_MULTRET, 0, xpcall_k);
	return xpcall_k(L, LUA_OK, 0);
}

/* print(...) -> one log line; all Lua calls (__tostring) happen before the
 * C buffer exists, so an error cannot leak it. */
static int
safe_print(lua_State *L)
{
	int n = lua_gettop(L), i;
	struct buf b = { 0 };
	const char *s;
	size_t len, j;

	for (i = 1; i <= n; i++) {
		if (i > 1)
			lua_pushliteral(L, " ");
		luaL_tolstring(L, i, NULL);
	}
	lua_concat(L, n > 0 ? 2 * n - 1 : 0);
	s = lua_tolstring(L, -1, &len);
	for (j = 0; j < len; j++) {
		char c = s[j];

		if (c == '"' || c == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, c == '\n' || c == '\r' || c == '\0' ? ' ' : c);
	}
	log_msg(LOGL_INFO, "lua", "event=print msg=\"%s\"", buf_str(&b));
	buf_free(&b);
	return 0;
}

/* Push a fresh per-file environment. */
static void
push_new_env(lua_State *L)
{
	lua_newtable(L);
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_env_meta);
	lua_setmetatable(L, -2);
}

/* Push the _ENV of the Lua function at level 1, or a fresh env. */
static void
push_caller_env(lua_State *L)
{
	lua_Debug ar;
	const char *name;
	int i;

	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "f", &ar)) {
		for (i = 1; (name = lua_getupvalue(L, -1, i)) != NULL; i++) {
			if (strcmp(name, "_ENV") == 0) {
				lua_remove(L, -2);
				return;
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	push_new_env(L);
}

/* load(chunk [, name [, mode [, env]]]): text only, caller's env by default. */
static int
safe_load(lua_State *L)
{
	int n = lua_gettop(L);

	luaL_checkany(L, 1);
	lua_settop(L, 4);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushliteral(L, "t");
	if (n >= 4)
		lua_pushvalue(L, 4);
	else
		push_caller_env(L);
	lua_call(L, 4, LUA_MULTRET);
	return lua_gettop(L) - 4;
}

/* ---- state setup --------------------------------------------------------- */

static void
copy_field(lua_State *L, int from, int to, const char *k)
{
	from = lua_absindex(L, from);
	to = lua_absindex(L, to);
	lua_getfield(L, from, k);
	lua_setfield(L, to, k);
}

static void
open_lib(lua_State *L, int G, const char *name, lua_CFunction open)
{
	luaL_requiref(L, name, open, 0);
	make_readonly(L);
	lua_setfield(L, G, name);
}

static int
setup(lua_State *L)
{
	static const char *const drop[] = {
		"dofile", "loadfile", "print", "load", "rawset", "setmetatable",
		"xpcall", "_G", "warn", NULL,
	};
	int G, i;

	/* Weak-keyed set of read-only proxies. */
	lua_newtable(L);
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_readonly);

	luaL_requiref(L, "_G", luaopen_base, 0);
	G = lua_gettop(L);

	lua_getfield(L, G, "load");
	lua_pushcclosure(L, safe_load, 1);
	lua_getfield(L, G, "xpcall");
	lua_pushcclosure(L, safe_xpcall, 1);
	for (i = 0; drop[i]; i++) {
		lua_pushnil(L);
		lua_setfield(L, G, drop[i]);
	}
	lua_setfield(L, G, "xpcall");
	lua_setfield(L, G, "load");
	lua_pushcfunction(L, safe_setmetatable);
	lua_setfield(L, G, "setmetatable");
	lua_pushcfunction(L, safe_rawset);
	lua_setfield(L, G, "rawset");
	lua_pushcfunction(L, safe_print);
	lua_setfield(L, G, "print");

	open_lib(L, G, LUA_STRLIBNAME, luaopen_string);
	open_lib(L, G, LUA_TABLIBNAME, luaopen_table);
	open_lib(L, G, LUA_MATHLIBNAME, luaopen_math);
	open_lib(L, G, LUA_UTF8LIBNAME, luaopen_utf8);
	open_lib(L, G, LUA_COLIBNAME, luaopen_coroutine);

	/* The string library opened above set the metatable of strings; hide
	 * it so getmetatable("").__index cannot reach the real string table. */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_getfield(L, -1, "__index");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 3);

	luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
	lua_createtable(L, 0, 3);
	copy_field(L, -2, -1, "time");
	copy_field(L, -2, -1, "clock");
	copy_field(L, -2, -1, "date");
	make_readonly(L);
	lua_setfield(L, G, LUA_OSLIBNAME);
	lua_pop(L, 1);

	/* The registry's _LOADED still holds full libraries; Lua code cannot
	 * reach the registry (no debug library), but drop them anyway. */
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);

	/* Shared env metatable: reads fall back to G, the metatable is hidden. */
	lua_createtable(L, 0, 2);
	lua_pushvalue(L, G);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_env_meta);

	/* G itself is unreachable from Lua; refuse Lua writes all the same. */
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, g_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, G);
	return 0;
}

struct lsb *
lsb_new(const struct lsb_limits *limits)
{
	struct lsb *sb = calloc(1, sizeof *sb);

	if (!sb)
		return NULL;
	sb->mem_limit = limits && limits->mem_bytes ? limits->mem_bytes : LSB_MEM_DEFAULT;
	sb->budget = limits && limits->instructions > 0 ? limits->instructions
	                                                : LSB_INSN_DEFAULT;
	sb->L = lua_newstate(lsb_alloc, sb);
	if (!sb->L)
		goto fail;
	lua_atpanic(sb->L, lsb_panic);
	lua_pushcfunction(sb->L, setup);
	if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
		log_msg(LOGL_ERROR, "lua", "event=sandbox_setup_failed msg=\"%s\"",
		        lua_tostring(sb->L, -1) ? lua_tostring(sb->L, -1) : "?");
		goto fail;
	}
	return sb;
fail:
	if (sb->L)
		lua_close(sb->L);
	free(sb);
	return NULL;
}

void
lsb_free(struct lsb *sb)
{
	if (!sb)
		return;
	lua_close(sb->L);
	free(sb);
}

lua_State *
lsb_state(struct lsb *sb)
{
	return sb->L;
}

/* Small protected helpers: each may allocate, so they run under lua_pcall
 * and an allocation failure becomes an error instead of a panic. */
static int
p_register(lua_State *L)
{
	const char *name = lua_touserdata(L, 1);
	lua_CFunction fn;

	memcpy(&fn, lua_touserdata(L, 2), sizeof fn);
	lua_pushglobaltable(L);
	lua_pushstring(L, name);
	lua_pushcfunction(L, fn);
	lua_rawset(L, -3);
	return 0;
}

void
lsb_register(struct lsb *sb, const char *name, lua_CFunction fn)
{
	lua_State *L = sb->L;

	lua_pushcfunction(L, p_register);
	lua_pushlightuserdata(L, (void *)name);
	lua_pushlightuserdata(L, &fn);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
		log_msg(LOGL_ERROR, "lua", "event=register_failed name=%s msg=\"%s\"",
		        name, lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
		lua_pop(L, 1);
	}
}

static int
p_set_ctx(lua_State *L)
{
	lua_pushvalue(L, 1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_ctx);
	return 0;
}

void
lsb_set_ctx(struct lsb *sb, void *ctx)
{
	lua_State *L = sb->L;

	lua_pushcfunction(L, p_set_ctx);
	lua_pushlightuserdata(L, ctx);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK)
		lua_pop(L, 1);
}

void *
lsb_ctx(lua_State *L)
{
	void *p;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_ctx);
	p = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return p;
}

static int
p_new_env(lua_State *L)
{
	push_new_env(L);
	return 1;
}

/* Stack: the loaded chunk on top.  Runs it in a fresh env. */
static int
run_loaded(struct lsb *sb, char *err, size_t errlen)
{
	lua_State *L = sb->L;
	const char *msg;

	lua_pushcfunction(L, p_new_env);
	if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
		msg = lua_tostring(L, -1);
		snprintf(err, errlen, "%s", msg ? msg : "cannot create environment");
		lua_pop(L, 2);
		return -1;
	}
	lua_insert(L, -2);                 /* env chunk */
	lua_pushvalue(L, -2);
	if (!lua_setupvalue(L, -2, 1))     /* main chunks have _ENV as upvalue 1 */
		lua_pop(L, 1);
	if (lsb_pcall(sb, 0, 0, err, errlen) == -1) {
		lua_pop(L, 1);
		return -1;
	}
	return 0;                          /* env left on the stack */
}

/* Lua shortens long chunk names to "...tail"; put the whole path back. */
static void
full_path_msg(const char *msg, const char *path, char *err, size_t errlen)
{
	size_t plen = strlen(path), i;

	if (strncmp(msg, "...", 3) == 0) {
		for (i = 3; msg[i]; i++) {
			size_t tail = i - 3;

			if (msg[i] == ':' && tail <= plen &&
			    strncmp(path + plen - tail, msg + 3, tail) == 0) {
				snprintf(err, errlen, "%s%s", path, msg + i);
				return;
			}
		}
	}
	snprintf(err, errlen, "%s", msg);
}

int
lsb_run_file(struct lsb *sb, const char *path, char *err, size_t errlen)
{
	lua_State *L = sb->L;
	const char *msg;

	if (luaL_loadfilex(L, path, "t") != LUA_OK) {
		msg = lua_tostring(L, -1);
		full_path_msg(msg ? msg : "cannot load", path, err, errlen);
		lua_pop(L, 1);
		return -1;
	}
	return run_loaded(sb, err, errlen);
}

int
lsb_run_buffer(struct lsb *sb, const char *buf, size_t len, const char *name,
               char *err, size_t errlen)
{
	lua_State *L = sb->L;
	char chunkname[256];
	const char *msg;

	if (!name)
		name = "=buffer";
	if (name[0] == '=' || name[0] == '@')
		snprintf(chunkname, sizeof chunkname, "%s", name);
	else
		snprintf(chunkname, sizeof chunkname, "=%s", name);
	if (luaL_loadbufferx(L, buf, len, chunkname, "t") != LUA_OK) {
		msg = lua_tostring(L, -1);
		snprintf(err, errlen, "%s", msg ? msg : "cannot load");
		lua_pop(L, 1);
		return -1;
	}
	return run_loaded(sb, err, errlen);
}

/* ---- table helpers for bindings ---------------------------------------- */

static int
field_get(lua_State *L, int idx, const char *k)
{
	return lua_getfield(L, lua_absindex(L, idx), k);
}

int
lsb_field_str(lua_State *L, int idx, const char *k, char *out, size_t outlen,
              char *err, size_t errlen)
{
	int t = field_get(L, idx, k);
	const char *s;
	size_t len;

	if (t == LUA_TNIL) {
		lua_pop(L, 1);
		return 1;
	}
	if (t != LUA_TSTRING) {
		snprintf(err, errlen, "field '%s' must be a string", k);
		lua_pop(L, 1);
		return -1;
	}
	s = lua_tolstring(L, -1, &len);
	if (len >= outlen || strlen(s) != len) {
		if (len >= outlen)
			snprintf(err, errlen, "field '%s' is too long (max %zu bytes)", k,
			         outlen ? outlen - 1 : 0);
		else
			snprintf(err, errlen, "field '%s' must not contain NUL bytes", k);
		lua_pop(L, 1);
		return -1;
	}
	memcpy(out, s, len + 1);
	lua_pop(L, 1);
	return 0;
}

int
lsb_field_num(lua_State *L, int idx, const char *k, double *out,
              char *err, size_t errlen)
{
	int t = field_get(L, idx, k);

	if (t == LUA_TNIL) {
		lua_pop(L, 1);
		return 1;
	}
	if (t != LUA_TNUMBER) {
		snprintf(err, errlen, "field '%s' must be a number", k);
		lua_pop(L, 1);
		return -1;
	}
	*out = (double)lua_tonumber(L, -1);
	lua_pop(L, 1);
	return 0;
}

int
lsb_field_int(lua_State *L, int idx, const char *k, long long *out,
              char *err, size_t errlen)
{
	int t = field_get(L, idx, k), isint = 0;
	lua_Integer v = 0;

	if (t == LUA_TNIL) {
		lua_pop(L, 1);
		return 1;
	}
	if (t == LUA_TNUMBER)
		v = lua_tointegerx(L, -1, &isint);   /* 3.0 counts, 3.5 does not */
	lua_pop(L, 1);
	if (!isint) {
		snprintf(err, errlen, "field '%s' must be an integer", k);
		return -1;
	}
	*out = (long long)v;
	return 0;
}

int
lsb_field_bool(lua_State *L, int idx, const char *k, int *out,
               char *err, size_t errlen)
{
	int t = field_get(L, idx, k);

	if (t == LUA_TNIL) {
		lua_pop(L, 1);
		return 1;
	}
	if (t != LUA_TBOOLEAN) {
		snprintf(err, errlen, "field '%s' must be a boolean", k);
		lua_pop(L, 1);
		return -1;
	}
	*out = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return 0;
}

void
lsb_check_keys(lua_State *L, int idx, const char *what, const char *const *allowed)
{
	int i;

	idx = lua_absindex(L, idx);
	luaL_checktype(L, idx, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *k;

		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING) {
			where_lua(L, 1);
			lua_pushfstring(L, "%s: unexpected %s key", what,
			                luaL_typename(L, -2));
			lua_concat(L, 2);
			lua_error(L);
		}
		k = lua_tostring(L, -1);
		for (i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], k) == 0)
				break;
		if (!allowed[i]) {
			where_lua(L, 1);
			lua_pushfstring(L, "%s: unknown key '%s'", what, k);
			lua_concat(L, 2);
			lua_error(L);
		}
	}
}
