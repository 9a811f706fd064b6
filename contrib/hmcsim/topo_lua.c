/* topo_lua — the Lua face of hmcsim topologies: hmc{}, host{}, vios{},
 * lpar{}, disk{}, timing{} and timeline{} as sandboxed functions that read
 * their table, check its keys and types, and hand a spec to the builder.
 *
 * Errors are raised at the caller's file:line (lsyncd style).  Not for the
 * checks between objects (topo.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lsandbox.h"
#include "topo.h"
#include "topo_build.h"

/* ---- Lua bindings ---- */

static struct tb *
ctx(lua_State *L)
{
	return lsb_ctx(L);
}

/* "file:line" of the Lua call being served. */
static void
lua_where(lua_State *L, char *out, size_t len)
{
	lua_Debug ar;
	int level;

	for (level = 1; lua_getstack(L, level, &ar); level++)
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			snprintf(out, len, "%s:%d", ar.source[0] == '@' ? ar.source + 1 :
			         ar.short_src, ar.currentline);
			return;
		}
	snprintf(out, len, "?");
}

/* Raise "file:line: msg" at the caller (lsyncd-style). */
static int
lraise(lua_State *L, const char *msg)
{
	char where[SIMTOPO_WHERE_LEN];

	lua_where(L, where, sizeof where);
	lua_pushfstring(L, "%s: %s", where, msg);
	return lua_error(L);
}

/* Read string field k into out; raises on a wrong type.  Returns out or NULL
 * when absent. */
static const char *
fstr(lua_State *L, const char *what, const char *k, char *out, size_t len)
{
	char err[256], msg[640];
	int rc = lsb_field_str(L, 1, k, out, len, err, sizeof err);

	if (rc == -1) {
		snprintf(msg, sizeof msg, "%s: %s", what, err);
		lraise(L, msg);
	}
	return rc == 0 ? out : NULL;
}

static double
fnum(lua_State *L, const char *what, const char *k, double dflt)
{
	char err[256], msg[640];
	double v = dflt;

	if (lsb_field_num(L, 1, k, &v, err, sizeof err) == -1) {
		snprintf(msg, sizeof msg, "%s: %s", what, err);
		lraise(L, msg);
	}
	return v;
}

/* A list of strings: field k must be a sequence of strings. */
static int
fstrlist(lua_State *L, const char *what, const char *k, char (*out)[SIM_NAME_LEN],
         const char **ptrs, int max)
{
	char msg[640];
	lua_Integer i, n;

	if (lua_getfield(L, 1, k) == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	if (!lua_istable(L, -1)) {
		snprintf(msg, sizeof msg, "%s: field '%s' must be a list of names", what, k);
		return lraise(L, msg);
	}
	n = (lua_Integer)lua_rawlen(L, -1);
	if (n > max) {
		snprintf(msg, sizeof msg, "%s: field '%s' lists more than %d names", what,
		         k, max);
		return lraise(L, msg);
	}
	for (i = 1; i <= n; i++) {
		size_t len;
		const char *s;
		if (lua_rawgeti(L, -1, i) != LUA_TSTRING) {
			snprintf(msg, sizeof msg, "%s: field '%s' must be a list of names",
			         what, k);
			return lraise(L, msg);
		}
		s = lua_tolstring(L, -1, &len);
		if (len >= SIM_NAME_LEN) {
			snprintf(msg, sizeof msg, "%s: name in '%s' is too long", what, k);
			return lraise(L, msg);
		}
		memcpy(out[i - 1], s, len + 1);
		ptrs[i - 1] = out[i - 1];
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return (int)n;
}

static void
added(lua_State *L, int rc, const char *err)
{
	if (rc == -1)
		lraise(L, err);
}

static int
l_hmc(lua_State *L)
{
	static const char *const keys[] = { "name", "user", "password", "port",
		"session_idle", "uuid", "mtms", NULL };
	char name[SIM_NAME_LEN], user[64], pw[64], uuid[SIM_UUID_LEN], mtms[32];
	char where[SIMTOPO_WHERE_LEN], err[512], msg[640];
	struct hmc_spec s = { 0 };
	long long port = -1;

	lsb_check_keys(L, 1, "hmc{}", keys);
	s.name = fstr(L, "hmc{}", "name", name, sizeof name);
	s.user = fstr(L, "hmc{}", "user", user, sizeof user);
	s.password = fstr(L, "hmc{}", "password", pw, sizeof pw);
	s.uuid = fstr(L, "hmc{}", "uuid", uuid, sizeof uuid);
	s.mtms = fstr(L, "hmc{}", "mtms", mtms, sizeof mtms);
	if (lsb_field_int(L, 1, "port", &port, err, sizeof err) == -1) {
		snprintf(msg, sizeof msg, "hmc{}: %s", err);
		lraise(L, msg);
	}
	s.port = port;
	s.session_idle = fnum(L, "hmc{}", "session_idle", -1);
	lua_where(L, where, sizeof where);
	added(L, simtopo_add_hmc(ctx(L), &s, where, err, sizeof err), err);
	return 0;
}

static int
l_host(lua_State *L)
{
	static const char *const keys[] = { "name", "mtms", "proc", "mem_gb", "hmcs",
		"uuid", "ip", "state", NULL };
	char name[SIM_NAME_LEN], mtms[32], uuid[SIM_UUID_LEN], ip[64], state[32];
	char hmcs[SIMTOPO_MAX_HMCS][SIM_NAME_LEN], where[SIMTOPO_WHERE_LEN], err[512];
	const char *ptrs[SIMTOPO_MAX_HMCS];
	struct host_spec s = { 0 };

	lsb_check_keys(L, 1, "host{}", keys);
	s.name = fstr(L, "host{}", "name", name, sizeof name);
	s.mtms = fstr(L, "host{}", "mtms", mtms, sizeof mtms);
	s.uuid = fstr(L, "host{}", "uuid", uuid, sizeof uuid);
	s.ip = fstr(L, "host{}", "ip", ip, sizeof ip);
	s.state = fstr(L, "host{}", "state", state, sizeof state);
	s.proc = fnum(L, "host{}", "proc", -1);
	s.mem_gb = fnum(L, "host{}", "mem_gb", -1);
	s.n_hmcs = fstrlist(L, "host{}", "hmcs", hmcs, ptrs, SIMTOPO_MAX_HMCS);
	s.hmcs = ptrs;
	lua_where(L, where, sizeof where);
	added(L, simtopo_add_host(ctx(L), &s, where, err, sizeof err), err);
	return 0;
}

static int
part_common(lua_State *L, int is_vios)
{
	static const char *const lkeys[] = { "name", "host", "proc", "proc_min",
		"proc_max", "mem_gb", "mem_min_gb", "mem_max_gb", "state", "os", "srr",
		"uuid", "ip", "os_version", "rmc", "agent", NULL };
	static const char *const vkeys[] = { "name", "host", "proc", "mem_gb", "uuid",
		"ip", "os_version", NULL };
	const char *what = is_vios ? "vios{}" : "lpar{}";
	char name[SIM_NAME_LEN], host[SIM_NAME_LEN], state[32], os[32], osv[80], rmc[16];
	char uuid[SIM_UUID_LEN], ip[64], where[SIMTOPO_WHERE_LEN], err[512], msg[640];
	struct lpar_spec s = { 0 };
	int srr = -1, agent = -1;

	lsb_check_keys(L, 1, what, is_vios ? vkeys : lkeys);
	s.is_vios = is_vios;
	s.name = fstr(L, what, "name", name, sizeof name);
	s.host = fstr(L, what, "host", host, sizeof host);
	s.uuid = fstr(L, what, "uuid", uuid, sizeof uuid);
	s.ip = fstr(L, what, "ip", ip, sizeof ip);
	s.proc = fnum(L, what, "proc", is_vios ? 1.0 : -1);
	s.mem_gb = fnum(L, what, "mem_gb", is_vios ? 8 : -1);
	s.os_version = fstr(L, what, "os_version", osv, sizeof osv);
	if (!is_vios) {
		s.rmc = fstr(L, what, "rmc", rmc, sizeof rmc);
		s.state = fstr(L, what, "state", state, sizeof state);
		s.os = fstr(L, what, "os", os, sizeof os);
		s.proc_min = fnum(L, what, "proc_min", -1);
		s.proc_max = fnum(L, what, "proc_max", -1);
		s.mem_min_gb = fnum(L, what, "mem_min_gb", -1);
		s.mem_max_gb = fnum(L, what, "mem_max_gb", -1);
		if (lsb_field_bool(L, 1, "srr", &srr, err, sizeof err) == -1 ||
		    lsb_field_bool(L, 1, "agent", &agent, err, sizeof err) == -1) {
			snprintf(msg, sizeof msg, "%s: %s", what, err);
			lraise(L, msg);
		}
		s.no_agent = agent == 0;
	} else {
		s.proc_min = s.proc_max = s.mem_min_gb = s.mem_max_gb = -1;
	}
	s.srr = srr;
	lua_where(L, where, sizeof where);
	added(L, simtopo_add_lpar(ctx(L), &s, where, err, sizeof err), err);
	return 0;
}

static int
l_lpar(lua_State *L)
{
	return part_common(L, 0);
}

static int
l_vios(lua_State *L)
{
	return part_common(L, 1);
}

static int
l_disk(lua_State *L)
{
	static const char *const keys[] = { "id", "size_gb", "vioses", NULL };
	char id[SIM_NAME_LEN], vios[SIM_DISK_MAX_VIOS][SIM_NAME_LEN];
	char where[SIMTOPO_WHERE_LEN], err[512], msg[640];
	const char *ptrs[SIM_DISK_MAX_VIOS];
	struct disk_spec s = { 0 };
	long long size = -1;

	lsb_check_keys(L, 1, "disk{}", keys);
	s.id = fstr(L, "disk{}", "id", id, sizeof id);
	if (lsb_field_int(L, 1, "size_gb", &size, err, sizeof err) == -1) {
		snprintf(msg, sizeof msg, "disk{}: %s", err);
		lraise(L, msg);
	}
	s.size_gb = size;
	s.n_vioses = fstrlist(L, "disk{}", "vioses", vios, ptrs, SIM_DISK_MAX_VIOS);
	s.vioses = ptrs;
	lua_where(L, where, sizeof where);
	added(L, simtopo_add_disk(ctx(L), &s, where, err, sizeof err), err);
	return 0;
}

static int
l_timing(lua_State *L)
{
	static const char *const keys[] = { "job_start", "power_on", "power_off",
		"remote_restart", "migrate", "migrate_validate", "passthrough", NULL };
	struct world_timing *t = &ctx(L)->w->timing;
	struct { const char *k; double *v; } f[] = {
		{ "job_start", &t->job_start }, { "power_on", &t->power_on },
		{ "power_off", &t->power_off }, { "remote_restart", &t->remote_restart },
		{ "migrate", &t->migrate }, { "migrate_validate", &t->migrate_validate },
		{ "passthrough", &t->passthrough },
	};
	char msg[640];
	size_t i;

	lsb_check_keys(L, 1, "timing{}", keys);
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		double v = fnum(L, "timing{}", f[i].k, *f[i].v);
		if (!(v >= 0 && v <= 86400)) {
			snprintf(msg, sizeof msg, "timing{}: %s must be between 0 and 86400 "
			         "seconds", f[i].k);
			lraise(L, msg);
		}
		*f[i].v = v;
	}
	return 0;
}

/* One timeline entry: the table on top of the stack. */
static void
timeline_entry(lua_State *L, int n, const char *where_call)
{
	static const char *const keys[] = { "at", "fault", "clear", "target", "args",
		NULL };
	struct simfault_event ev;
	char what[48], msg[640], err[512], kind[SIMFAULT_ARG_LEN], ckind[SIMFAULT_ARG_LEN];
	char target[SIMFAULT_ARG_LEN];
	int has_fault, has_clear;

	memset(&ev, 0, sizeof ev);
	snprintf(what, sizeof what, "timeline{} entry %d", n);
	lua_insert(L, 1);               /* field helpers read index 1 */
	lsb_check_keys(L, 1, what, keys);
	ev.at = fnum(L, what, "at", -1);
	if (!(ev.at >= 0 && ev.at <= 31536000)) {
		snprintf(msg, sizeof msg, "%s: field 'at' (seconds after start) is "
		         "required and must be >= 0", what);
		lraise(L, msg);
	}
	has_fault = fstr(L, what, "fault", kind, sizeof kind) != NULL;
	has_clear = fstr(L, what, "clear", ckind, sizeof ckind) != NULL;
	if (has_fault == has_clear) {
		snprintf(msg, sizeof msg, "%s: give exactly one of fault=KIND or "
		         "clear=KIND", what);
		lraise(L, msg);
	}
	if (!fstr(L, what, "target", target, sizeof target)) {
		snprintf(msg, sizeof msg, "%s: field 'target' is required", what);
		lraise(L, msg);
	}
	ev.clear = has_clear;
	snprintf(ev.argv[0], SIMFAULT_ARG_LEN, "%s", has_clear ? ckind : kind);
	snprintf(ev.argv[1], SIMFAULT_ARG_LEN, "%s", target);
	ev.argc = 2;
	if (lua_getfield(L, 1, "args") != LUA_TNIL) {
		lua_Integer i, len;
		if (!lua_istable(L, -1)) {
			snprintf(msg, sizeof msg, "%s: field 'args' must be a list", what);
			lraise(L, msg);
		}
		len = (lua_Integer)lua_rawlen(L, -1);
		if (len > SIMFAULT_MAX_ARGS - 2) {
			snprintf(msg, sizeof msg, "%s: at most %d args", what,
			         SIMFAULT_MAX_ARGS - 2);
			lraise(L, msg);
		}
		for (i = 1; i <= len; i++) {
			int t = lua_rawgeti(L, -1, i);
			if (t == LUA_TNUMBER && lua_isinteger(L, -1))
				snprintf(ev.argv[ev.argc], SIMFAULT_ARG_LEN, "%lld",
				         (long long)lua_tointeger(L, -1));
			else if (t == LUA_TNUMBER)
				snprintf(ev.argv[ev.argc], SIMFAULT_ARG_LEN, "%g",
				         (double)lua_tonumber(L, -1));
			else if (t == LUA_TSTRING && lua_rawlen(L, -1) < SIMFAULT_ARG_LEN)
				snprintf(ev.argv[ev.argc], SIMFAULT_ARG_LEN, "%s",
				         lua_tostring(L, -1));
			else {
				snprintf(msg, sizeof msg, "%s: args must be short strings or "
				         "numbers", what);
				lraise(L, msg);
			}
			ev.argc++;
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	snprintf(ev.where, sizeof ev.where, "%s", where_call);
	lua_remove(L, 1);
	if (simtopo_add_event(ctx(L), &ev, err, sizeof err) == -1)
		lraise(L, err);
}

static int
l_timeline(lua_State *L)
{
	char where[SIMTOPO_WHERE_LEN];
	lua_Integer i, n;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lua_where(L, where, sizeof where);
	n = (lua_Integer)lua_rawlen(L, 1);
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 ||
		    lua_tointeger(L, -1) > n)
			lraise(L, "timeline{}: expected a list of {at=, fault=|clear=, "
			      "target=, args=} tables");
	}
	for (i = 1; i <= n; i++) {
		if (lua_rawgeti(L, 1, i) != LUA_TTABLE)
			lraise(L, "timeline{}: expected a list of {at=, fault=|clear=, "
			      "target=, args=} tables");
		timeline_entry(L, (int)i, where);
		lua_settop(L, 1);
	}
	return 0;
}

/* Style rule: topology files call functions and never assign globals (a
 * `hmc = {...}` typo would otherwise be silently ignored).  Pops the file's
 * _ENV from the stack. */
static int
check_no_globals(lua_State *L, const char *path, char *err, size_t errlen)
{
	int rc = 0;

	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "_G") == 0)
			continue;           /* the sandbox's own self-reference */
		if (rc == 0) {
			snprintf(err, errlen, "%s: global '%s' assigned; a topology calls "
			         "hmc{}, host{}, vios{}, lpar{}, disk{}, timing{} and "
			         "timeline{} (use 'local' for helper variables)", path,
			         lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?");
			rc = -1;
		}
	}
	lua_pop(L, 1);
	return rc;
}

int
simtopo_load_file(struct world *w, const char *path, struct simfault_event **events,
               size_t *n_events, char *err, size_t errlen)
{
	struct tb tb = { 0 };
	struct lsb *sb = NULL;
	int rc = -1;

	if (events)
		*events = NULL;
	if (n_events)
		*n_events = 0;
	tb.w = w;
	tb.path = path;
	sb = lsb_new(NULL);
	if (!sb) {
		snprintf(err, errlen, "%s: cannot create the Lua state", path);
		goto out;
	}
	lsb_set_ctx(sb, &tb);
	lsb_register(sb, "hmc", l_hmc);
	lsb_register(sb, "host", l_host);
	lsb_register(sb, "vios", l_vios);
	lsb_register(sb, "lpar", l_lpar);
	lsb_register(sb, "disk", l_disk);
	lsb_register(sb, "timing", l_timing);
	lsb_register(sb, "timeline", l_timeline);
	if (lsb_run_file(sb, path, err, errlen) == -1)
		goto out;
	if (check_no_globals(lsb_state(sb), path, err, errlen) == -1)
		goto out;
	if (simtopo_finish(&tb, err, errlen) == -1)
		goto out;
	simtopo_hand_over(&tb, events, n_events);
	rc = 0;
out:
	lsb_free(sb);
	simtopo_builder_free(&tb);
	return rc;
}
