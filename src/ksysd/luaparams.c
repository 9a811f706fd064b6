/* luaparams — detection thresholds from lua/ksys/detect.lua and the
 * administrator's override file, through the sandbox (see luaparams.h).
 *
 * Each file is a chunk run in its own sandboxed _ENV whose first result must
 * be a table; a protected C function checks that table and writes a scratch
 * copy of the parameters, which replaces the caller's only when every file
 * passed.  Not for hook functions or for anything that runs after startup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "log.h"
#include "lsandbox.h"
#include "luaparams.h"
#include "str.h"

#define LP_EMBEDDED "ksys/detect.lua"
#define LP_EMBEDDED_FILE "lua/ksys/detect.lua"
#define LP_MAX_FILE (256 * 1024)
#define LP_MEM (8u * 1024u * 1024u)
#define LP_INSN 10000000L
#define LP_MAX_UNKNOWN 8

static const struct {
	const char *key;
	long long lo, hi;
	size_t off;
} int_keys[] = {
	{ "vm_threshold", 10, 600, offsetof(struct fde_params, vm_threshold) },
	{ "lpm_hang_secs", 60, 604800, offsetof(struct fde_params, lpm_hang_secs) },
	{ "nonresp_factor", 1, 10, offsetof(struct fde_params, nonresp_factor) },
	{ "hm_unresponsive_secs", 30, 3600, offsetof(struct fde_params, hm_unresponsive_secs) },
};
#define N_INT_KEYS (sizeof int_keys / sizeof int_keys[0])
#define KEY_OS_UP "os_up_refcodes"
#define ALLOWED "vm_threshold, lpm_hang_secs, nonresp_factor, hm_unresponsive_secs, " \
                KEY_OS_UP

/* Push a short description of the value at idx for "got ..." messages. */
static const char *
describe(lua_State *L, int idx)
{
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER:
		return luaL_tolstring(L, idx, NULL);
	case LUA_TSTRING:
		if (lua_rawlen(L, idx) > 40)
			return lua_pushliteral(L, "a long string");
		return lua_pushfstring(L, "\"%s\"", lua_tostring(L, idx));
	default:
		return lua_pushfstring(L, "a %s", luaL_typename(L, idx));
	}
}

/* Refuse non-string keys and name every unknown key (sorted). */
static void
check_keys(lua_State *L, int t, const char *file)
{
	const char *unknown[LP_MAX_UNKNOWN];
	size_t nu = 0, more = 0, i;
	luaL_Buffer b;

	lua_pushnil(L);
	while (lua_next(L, t)) {
		const char *k;

		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING) {
			luaL_error(L, "%s: unexpected key %s: the file must return a table "
			           "of name = value pairs (allowed names: %s)", file,
			           describe(L, -1), ALLOWED);
		}
		k = lua_tostring(L, -1);
		for (i = 0; i < N_INT_KEYS; i++)
			if (strcmp(k, int_keys[i].key) == 0)
				break;
		if (i < N_INT_KEYS || strcmp(k, KEY_OS_UP) == 0)
			continue;
		/* Keep the first LP_MAX_UNKNOWN in sorted order, whatever the
		 * traversal order (the keys stay alive in the table). */
		if (nu == LP_MAX_UNKNOWN) {
			more++;
			if (strcmp(k, unknown[nu - 1]) >= 0)
				continue;
			nu--;
		}
		for (i = nu; i > 0 && strcmp(unknown[i - 1], k) > 0; i--)
			unknown[i] = unknown[i - 1];
		unknown[i] = k;
		nu++;
	}
	if (!nu)
		return;
	luaL_buffinit(L, &b);
	luaL_addstring(&b, file);
	luaL_addstring(&b, nu + more > 1 ? ": unknown keys " : ": unknown key ");
	for (i = 0; i < nu; i++) {
		if (i)
			luaL_addstring(&b, ", ");
		luaL_addchar(&b, '\'');
		luaL_addstring(&b, unknown[i]);
		luaL_addchar(&b, '\'');
	}
	if (more) {
		lua_pushfstring(L, " and %d more", (int)more);
		luaL_addvalue(&b);
	}
	luaL_addstring(&b, " (allowed: " ALLOWED ")");
	luaL_pushresult(&b);
	lua_error(L);
}

/* The value of os_up_refcodes on top of the stack (popped). */
static void
read_os_up(lua_State *L, const char *file, struct fde_params *p)
{
	lua_Integer n, count = 0, i;

	if (lua_type(L, -1) != LUA_TTABLE)
		luaL_error(L, "%s: key '" KEY_OS_UP "' must be a list of at most %d strings, "
		           "got %s", file, FDE_MAX_OS_UP, describe(L, -1));
	n = (lua_Integer)lua_rawlen(L, -1);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		int isint = 0;
		lua_Integer k;

		lua_pop(L, 1);
		k = lua_tointegerx(L, -1, &isint);
		if (lua_type(L, -1) != LUA_TNUMBER || !isint || k < 1 || k > n)
			luaL_error(L, "%s: key '" KEY_OS_UP "' must be a list of strings "
			           "{ \"0\", \"Linux ppc64\", ... }, found key %s", file,
			           describe(L, -1));
		count++;
	}
	if (count > FDE_MAX_OS_UP)
		luaL_error(L, "%s: key '" KEY_OS_UP "' holds %d reference codes, at most %d "
		           "are allowed", file, (int)count, FDE_MAX_OS_UP);
	for (i = 1; i <= n; i++) {
		size_t len;
		const char *s;

		if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
			luaL_error(L, "%s: key '" KEY_OS_UP "' entry %d must be a string, got %s",
			           file, (int)i, describe(L, -1));
		s = lua_tolstring(L, -1, &len);
		if (len >= FDE_REFCODE_LEN || strlen(s) != len)
			luaL_error(L, "%s: key '" KEY_OS_UP "' entry %d must be a reference "
			           "code of at most %d characters without NUL bytes", file,
			           (int)i, FDE_REFCODE_LEN - 1);
		str_copy(p->os_up[i - 1], sizeof p->os_up[i - 1], s);
		lua_pop(L, 1);
	}
	p->n_os_up = (size_t)n;
	lua_pop(L, 1);
}

/* Protected: (table, params lightuserdata, file name, complete). */
static int
p_apply(lua_State *L)
{
	struct fde_params *p = lua_touserdata(L, 2);
	const char *file = lua_tostring(L, 3);
	int complete = lua_toboolean(L, 4);
	size_t i;

	if (lua_type(L, 1) != LUA_TTABLE)
		return luaL_error(L, "%s: must return a table of detection settings such "
		                  "as { vm_threshold = 50 }, got %s", file, describe(L, 1));
	check_keys(L, 1, file);
	for (i = 0; i < N_INT_KEYS; i++) {
		int isint = 0;
		lua_Integer v;

		lua_pushstring(L, int_keys[i].key);
		if (lua_rawget(L, 1) == LUA_TNIL) {
			if (complete)
				return luaL_error(L, "%s: key '%s' is missing", file, int_keys[i].key);
			lua_pop(L, 1);
			continue;
		}
		v = lua_tointegerx(L, -1, &isint);
		if (lua_type(L, -1) != LUA_TNUMBER || !isint ||
		    v < int_keys[i].lo || v > int_keys[i].hi)
			return luaL_error(L, "%s: key '%s' must be an integer between %I and "
			                  "%I, got %s", file, int_keys[i].key,
			                  (lua_Integer)int_keys[i].lo, (lua_Integer)int_keys[i].hi,
			                  describe(L, -1));
		*(int *)(void *)((char *)p + int_keys[i].off) = (int)v;
		lua_pop(L, 1);
	}
	lua_pushliteral(L, KEY_OS_UP);
	if (lua_rawget(L, 1) == LUA_TNIL) {
		if (complete)
			return luaL_error(L, "%s: key '" KEY_OS_UP "' is missing", file);
		return 0;
	}
	read_os_up(L, file, p);
	return 0;
}

/* Lua shortens long chunk names to "...tail"; put the whole name back. */
static void
full_name(char *err, size_t errlen, const char *name)
{
	size_t nlen = strlen(name), i;
	char tmp[1024];

	if (strncmp(err, "...", 3) != 0)
		return;
	for (i = 3; err[i]; i++) {
		size_t tail = i - 3;

		if (err[i] == ':' && tail <= nlen &&
		    strncmp(name + nlen - tail, err + 3, tail) == 0) {
			snprintf(tmp, sizeof tmp, "%s%s", name, err + i);
			str_copy(err, errlen, tmp);
			return;
		}
	}
}

/* Run text as file `name` in a fresh sandboxed _ENV and apply its table. */
static int
run_one(struct lsb *sb, const char *text, size_t len, const char *name, int complete,
        struct fde_params *p, char *err, size_t errlen)
{
	lua_State *L = lsb_state(sb);
	char chunk[1024];
	const char *msg;
	int top = lua_gettop(L);

	snprintf(chunk, sizeof chunk, "@%s", name);
	if (lsb_run_buffer(sb, "", 0, "=env", err, errlen) == -1)
		return -1;                      /* pushes a fresh env */
	if (luaL_loadbufferx(L, text, len, chunk, "t") != LUA_OK) {
		msg = lua_tostring(L, -1);
		snprintf(err, errlen, "%s", msg ? msg : "cannot load");
		full_name(err, errlen, name);
		lua_settop(L, top);
		return -1;
	}
	lua_pushvalue(L, -2);
	if (!lua_setupvalue(L, -2, 1))      /* a main chunk's first upvalue is _ENV */
		lua_pop(L, 1);
	lua_remove(L, -2);
	if (lsb_pcall(sb, 0, 1, err, errlen) == -1) {
		full_name(err, errlen, name);
		lua_settop(L, top);
		return -1;
	}
	lua_pushcfunction(L, p_apply);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, p);
	lua_pushstring(L, name);
	lua_pushboolean(L, complete);
	if (lsb_pcall(sb, 4, 0, err, errlen) == -1) {
		lua_settop(L, top);
		return -1;
	}
	lua_settop(L, top);
	return 0;
}

/* Reads a whole regular file (bounded).  1 when it does not exist, 0 with
 * *out (caller frees), -1 with err. */
static int
read_file(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	FILE *f;
	char *b;

	if (stat(path, &st) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (st.st_size > LP_MAX_FILE) {
		snprintf(err, errlen, "%s: too large (%lld bytes, at most %d)", path,
		         (long long)st.st_size, LP_MAX_FILE);
		return -1;
	}
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	b = malloc((size_t)st.st_size + 1);
	if (!b) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	*len = fread(b, 1, (size_t)st.st_size + 1, f);
	if (ferror(f) || *len > (size_t)st.st_size) {
		snprintf(err, errlen, "%s: %s", path, ferror(f) ? "read error"
		         : "file grew while being read");
		fclose(f);
		free(b);
		return -1;
	}
	fclose(f);
	b[*len] = '\0';
	*out = b;
	return 0;
}

int
luaparams_load(struct fde_params *p, const char *override_path, char *err, size_t errlen)
{
	struct lsb_limits lim = { LP_MEM, LP_INSN };
	struct fde_params tmp;
	struct lsb *sb;
	const char *text;
	char *file = NULL;
	size_t len = 0;
	int rc = -1, r, overridden = 0;

	text = lua_embed_get(LP_EMBEDDED, &len);
	if (!text) {
		snprintf(err, errlen, "%s: not compiled into this program", LP_EMBEDDED_FILE);
		return -1;
	}
	sb = lsb_new(&lim);
	if (!sb) {
		snprintf(err, errlen, "%s: cannot create the Lua sandbox", LP_EMBEDDED_FILE);
		return -1;
	}
	memset(&tmp, 0, sizeof tmp);
	if (run_one(sb, text, len, LP_EMBEDDED_FILE, 1, &tmp, err, errlen) == -1)
		goto out;
	if (override_path) {
		r = read_file(override_path, &file, &len, err, errlen);
		if (r == -1)
			goto out;
		if (r == 0) {
			if (run_one(sb, file, len, override_path, 0, &tmp, err, errlen) == -1)
				goto out;
			overridden = 1;
		}
	}
	*p = tmp;
	rc = 0;
	log_msg(LOGL_INFO, "fde", "event=params vm_threshold=%d lpm_hang_secs=%d "
	        "nonresp_factor=%d hm_unresponsive_secs=%d os_up_refcodes=%zu override=%s",
	        p->vm_threshold, p->lpm_hang_secs, p->nonresp_factor,
	        p->hm_unresponsive_secs, p->n_os_up,
	        overridden ? override_path : "none");
out:
	free(file);
	lsb_free(sb);
	return rc;
}
