/* test_lsandbox — the Lua allow-list, budgets, isolation and error positions. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "../tap.h"
#include "log.h"
#include "lsandbox.h"

static char dir[] = "/tmp/ksys-test-lsandbox-XXXXXX";
static char err[480];
static int ctx_seen;

/* Run code as a chunk named "=t" and return tostring(r) from its env. */
static const char *
eval(struct lsb *sb, const char *code)
{
	static char out[512];
	lua_State *L = lsb_state(sb);

	if (lsb_run_buffer(sb, code, strlen(code), "t", err, sizeof err) == -1) {
		snprintf(out, sizeof out, "ERR %s", err);
		return out;
	}
	lua_getfield(L, -1, "r");
	snprintf(out, sizeof out, "%s", luaL_tolstring(L, -1, NULL));
	lua_pop(L, 3);
	return out;
}

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
l_hmc(lua_State *L)
{
	static const char *const allowed[] = { "name", "host", "user", NULL };

	lsb_check_keys(L, 1, "hmc{}", allowed);
	ctx_seen = *(int *)lsb_ctx(L);
	return 0;
}

static void
test_allow_list(struct lsb *sb)
{
	static const char *const absent[] = {
		"io", "package", "require", "debug", "dofile", "loadfile", "os.execute",
		"os.exit", "os.getenv", "os.remove", "string.dump", "collectgarbage and nil",
		"warn", NULL,
	};
	char code[128];
	int i;

	for (i = 0; absent[i]; i++) {
		snprintf(code, sizeof code, "r = %s", absent[i]);
		is_str(eval(sb, code), "nil", "%s is absent", absent[i]);
	}
	is_str(eval(sb, "r = type(os.time()) .. type(os.clock()) .. type(os.date('%Y'))"),
	       "numbernumberstring", "os.time/clock/date present");
	is_str(eval(sb, "r = math.max(1, 2) + #string.rep('a', 3) + utf8.len('\xc3\xa9') + "
	                "#table.concat({'a','b'})"), "8", "string/table/math/utf8 usable");
	is_str(eval(sb, "local co = coroutine.wrap(function() coroutine.yield(4) end) r = co()"),
	       "4", "coroutines usable");
	is_str(eval(sb, "r = ('abc'):upper()"), "ABC", "string methods usable");
	is_str(eval(sb, "local f, e = load('\\27Lua\\84\\0\\25\\147\\r\\n\\26\\n') r = e"),
	       "attempt to load a binary chunk (mode is 't')", "binary chunk refused by load");
	is_str(eval(sb, "local f, e = load('\\27Lua\\84\\0', 'x', 'b') r = e"),
	       "attempt to load a binary chunk (mode is 't')", "mode 'b' is overridden");
	is_str(eval(sb, "y = 5 local f = load('return y') r = f()"), "5",
	       "load runs in the caller's environment");
	is_str(eval(sb, "local f = load('return y', 'c', 't', {y = 6}) r = f()"), "6",
	       "load with an explicit env");
	is_str(eval(sb, "local ok, e = pcall(setmetatable, {}, {__gc = function() end}) r = e"),
	       "__gc and __close metamethods are not allowed in the sandbox", "__gc refused");
	is_str(eval(sb, "local ok, e = pcall(setmetatable, {}, {__close = function() end}) "
	                "r = e"), "__gc and __close metamethods are not allowed in the sandbox",
	       "__close refused");
	is_str(eval(sb, "local t = setmetatable({}, {__index = function(_, k) return k .. '!' end}) "
	                "r = t.x"), "x!", "ordinary metatables work");
	is_str(eval(sb, "local ok, e = xpcall(function() error('e1', 0) end, "
	                "function(m) return 'handled ' .. m end) r = e"), "handled e1",
	       "xpcall handlers run");
	is_str(eval(sb, "local co = coroutine.wrap(function() "
	                "return xpcall(function() coroutine.yield(1) return 2 end, print) end) "
	                "r = co() + select(2, co())"), "3", "yield across xpcall");
	is_str(eval(sb, "r = getmetatable('') "), "false", "string metatable hidden");
	is_str(eval(sb, "r = getmetatable(_ENV)"), "false", "env metatable hidden");
	is_str(eval(sb, "local n = 0 for k in pairs(string) do n = n + 1 end r = n > 10"),
	       "true", "pairs() over a read-only library works");
	is_str(eval(sb, "local f, s = pairs(string) r = type(s) .. tostring(s == string)"),
	       "tabletrue", "pairs() does not leak the real table");
	is_str(eval(sb, "print('hello', 1, nil, 'q\"uote') r = 1"), "1", "print is callable");
}

static void
test_isolation(struct lsb *sb)
{
	const char *r;

	is_str(eval(sb, "shared_x = 1 function helper() return 2 end r = helper()"), "2",
	       "a file defines globals in its own env");
	is_str(eval(sb, "r = tostring(shared_x) .. tostring(helper)"), "nilnil",
	       "another file does not see them");
	r = eval(sb, "string.rep = nil");
	ok(strstr(r, "t:1: attempt to modify read-only table") != NULL,
	   "writing a library field fails: %s", r);
	r = eval(sb, "rawset(string, 'rep', nil)");
	ok(strstr(r, "read-only") != NULL, "rawset on a library fails: %s", r);
	r = eval(sb, "setmetatable(string, {})");
	ok(strncmp(r, "ERR t:1: cannot change a protected metatable", 44) == 0,
	   "replacing a library's metatable fails: %s", r);
	is_str(eval(sb, "r = pcall(function() table.insert = nil end)"), "false",
	       "pcall sees the read-only error");
	is_str(eval(sb, "string = 'mine' _G.print = false r = string .. tostring(print)"),
	       "minefalse", "a file may shadow shared names in its own env");
	is_str(eval(sb, "r = string.rep('a', 3) .. type(print) .. type(table.insert)"),
	       "aaafunctionfunction", "shared globals intact for the next file");
	is_str(eval(sb, "r = (_G == _ENV)"), "true", "_G is the file's env");
	is_str(eval(sb, "load('z = 1')() r = z"), "1", "load writes land in the caller env");
	is_str(eval(sb, "r = tostring(z)"), "nil", "and stay there");
}

static void
test_budgets(void)
{
	struct lsb_limits lim = { 8u * 1024 * 1024, 2000000 };
	struct lsb *sb = lsb_new(&lim);
	double t0;
	const char *r;

	ok(sb != NULL, "sandbox with small limits");
	t0 = now_s();
	is_str(eval(sb, "while true do end"), "ERR instruction budget exhausted",
	       "infinite loop stopped");
	is_str(eval(sb, "while true do pcall(function() while true do end end) end"),
	       "ERR instruction budget exhausted", "pcall cannot swallow the budget stop");
	is_str(eval(sb, "while true do xpcall(function() while true do end end, "
	                "function() while true do end end) end"),
	       "ERR instruction budget exhausted", "nor can xpcall with a looping handler");
	is_str(eval(sb, "local co = coroutine.wrap(function() while true do end end) "
	                "while true do pcall(co) end"),
	       "ERR instruction budget exhausted", "nor a coroutine");
	is_str(eval(sb, "local co = coroutine.create(function() while true do end end) "
	                "coroutine.resume(co) r = coroutine.status(co) while true do end"),
	       "ERR instruction budget exhausted", "nor a coroutine killed by the budget");
	is_str(eval(sb, "local t = setmetatable({}, {__tostring = function() while true do end end}) "
	                "error(t)"),
	       "ERR instruction budget exhausted", "nor a looping __tostring on an error object");
	ok(now_s() - t0 < 5.0, "budget stops are quick (%.2f s)", now_s() - t0);
	is_str(eval(sb, "local n = 0 for i = 1, 100000 do n = n + i end r = n"), "5000050000",
	       "budget is per call: a normal chunk runs afterwards");
	r = eval(sb, "local s = string.rep('x', 100 * 1024 * 1024) r = #s");
	ok(strncmp(r, "ERR not enough memory", 21) == 0, "huge string stopped: %s", r);
	r = eval(sb, "local t = {} for i = 1, 1e7 do t[i] = i end r = #t");
	ok(strstr(r, "not enough memory") != NULL, "table growth stopped: %s", r);
	r = eval(sb, "local t = {} local s = 'x' while true do s = s .. s t[#t+1] = s end");
	ok(strstr(r, "not enough memory") != NULL, "string doubling stopped: %s", r);
	is_str(eval(sb, "r = 'still usable'"), "still usable", "state usable after OOM");
	lsb_free(sb);
}

static void
test_errors(struct lsb *sb)
{
	char path[512], msg[600];
	lua_State *L = lsb_state(sb);
	int ctx = 42;

	snprintf(path, sizeof path, "%s/a-rather-long-directory-name-for-testing/conf.lua", dir);
	snprintf(msg, sizeof msg, "%s", path);
	*strrchr(msg, '/') = '\0';
	mkdir(msg, 0700);
	ok(strlen(path) > 60, "config path longer than Lua's 60-char short_src");

	write_file(path, "-- comment\nlocal t = {}\nlocal x = nil\nt.y = x.z\n");
	is_int(lsb_run_file(sb, path, err, sizeof err), -1, "runtime error fails the file");
	snprintf(msg, sizeof msg, "%s:4: attempt to index a nil value (local 'x')", path);
	is_str(err, msg, "runtime error names the real file and line");

	write_file(path, "\n\nerror('boom')\n");
	lsb_run_file(sb, path, err, sizeof err);
	snprintf(msg, sizeof msg, "%s:3: boom", path);
	is_str(err, msg, "error() names file:line");

	write_file(path, "local x = \nend\n");
	lsb_run_file(sb, path, err, sizeof err);
	snprintf(msg, sizeof msg, "%s:2:", path);
	ok(strncmp(err, msg, strlen(msg)) == 0, "syntax error names file:line: %s", err);

	write_file(path, "error({})\n");
	lsb_run_file(sb, path, err, sizeof err);
	snprintf(msg, sizeof msg, "%s:1: (error object is a table value)", path);
	is_str(err, msg, "non-string error object gets a position");
	write_file(path, "\nerror(setmetatable({}, {__tostring = function() return 'custom' end}))\n");
	lsb_run_file(sb, path, err, sizeof err);
	snprintf(msg, sizeof msg, "%s:2: custom", path);
	is_str(err, msg, "error object with __tostring");

	lsb_register(sb, "hmc", l_hmc);
	lua_pushinteger(L, 77);
	lua_setglobal(L, "from_c");
	is_str(eval(sb, "r = from_c"), "77", "C code may add shared globals with lua_setglobal");
	lsb_set_ctx(sb, &ctx);
	write_file(path, "hmc{ name = 'h1' }\n\n\nhmc{ name = 'h2', pasword = 'x' }\n");
	is_int(lsb_run_file(sb, path, err, sizeof err), -1, "unknown key fails the file");
	snprintf(msg, sizeof msg, "%s:4: hmc{}: unknown key 'pasword'", path);
	is_str(err, msg, "lsb_check_keys points at the caller's line");
	is_int(ctx_seen, 42, "lsb_ctx returns the context");

	write_file(path, "local function add(h)\n  hmc(h)\nend\nadd{ user = 'u' }\n"
	                 "add{\n  name = 'n',\n  [1] = 2,\n}\n");
	lsb_run_file(sb, path, err, sizeof err);
	snprintf(msg, sizeof msg, "%s:2: hmc{}: unexpected number key", path);
	is_str(err, msg, "non-string key refused with the calling line");

	is_int(lsb_run_file(sb, "/nonexistent/x.lua", err, sizeof err), -1, "missing file");
	ok(strstr(err, "cannot open /nonexistent/x.lua") != NULL, "missing file message: %s", err);

	write_file(path, "\033LuaT binary");
	is_int(lsb_run_file(sb, path, err, sizeof err), -1, "binary file refused");
	ok(strstr(err, "binary") != NULL, "binary file message: %s", err);

	is_int(lsb_run_buffer(sb, "x = = 1", 7, "default-topology", err, sizeof err), -1,
	       "buffer syntax error");
	ok(strncmp(err, "default-topology:1:", 19) == 0, "buffer named in message: %s", err);

	/* lsb_pcall on a function defined by a file, with arguments and results. */
	write_file(path, "function twice(t) return t.n * 2, 'ok' end\n"
	                 "function spin() while true do end end\n");
	if (lsb_run_file(sb, path, err, sizeof err) == 0) {
		int top = lua_gettop(L);

		lua_getfield(L, -1, "twice");
		lua_createtable(L, 0, 1);
		lua_pushinteger(L, 21);
		lua_setfield(L, -2, "n");
		is_int(lsb_pcall(sb, 1, 2, err, sizeof err), 0, "lsb_pcall ok");
		is_int(lua_tointeger(L, -2), 42, "first result");
		is_str(lua_tostring(L, -1), "ok", "second result");
		lua_pop(L, 2);
		lua_getfield(L, -1, "spin");
		is_int(lsb_pcall(sb, 0, 0, err, sizeof err), -1, "spin stopped");
		is_str(err, "instruction budget exhausted", "budget message");
		is_int(lua_gettop(L), top, "stack restored after errors");
		lua_getfield(L, -1, "twice");
		lua_pushnil(L);
		is_int(lsb_pcall(sb, 1, 0, err, sizeof err), -1, "error inside a function");
		snprintf(msg, sizeof msg, "%s:1: attempt to index a nil value (local 't')", path);
		is_str(err, msg, "function error names file:line");
		lua_pop(L, 1);
	} else {
		ok(0, "function file loads: %s", err);
	}

	/* Field helpers. */
	{
		char s[8];
		double d;
		long long i;
		int b;

		if (luaL_dostring(L, "return { s = 'str', n = 1.5, i = 3, f = 3.0, b = true, "
		                     "long = 'abcdefghij', x = 1 }") != LUA_OK)
			diag("dostring failed");
		is_int(lsb_field_str(L, -1, "s", s, sizeof s, err, sizeof err), 0, "field str");
		is_str(s, "str", "field str value");
		is_int(lsb_field_str(L, -1, "n", s, sizeof s, err, sizeof err), -1, "str wrong type");
		is_str(err, "field 'n' must be a string", "str wrong type message");
		is_int(lsb_field_str(L, -1, "long", s, sizeof s, err, sizeof err), -1, "str too long");
		is_int(lsb_field_str(L, -1, "none", s, sizeof s, err, sizeof err), 1, "str absent");
		is_int(lsb_field_num(L, -1, "n", &d, err, sizeof err), 0, "field num");
		ok(d == 1.5, "num value");
		is_int(lsb_field_num(L, -1, "s", &d, err, sizeof err), -1, "num wrong type");
		is_int(lsb_field_int(L, -1, "i", &i, err, sizeof err), 0, "field int");
		is_int(i, 3, "int value");
		is_int(lsb_field_int(L, -1, "f", &i, err, sizeof err), 0, "3.0 is an integer");
		is_int(lsb_field_int(L, -1, "n", &i, err, sizeof err), -1, "1.5 is not");
		is_str(err, "field 'n' must be an integer", "int message");
		is_int(lsb_field_bool(L, -1, "b", &b, err, sizeof err), 0, "field bool");
		is_int(b, 1, "bool value");
		is_int(lsb_field_bool(L, -1, "i", &b, err, sizeof err), -1, "bool wrong type");
		is_int(lsb_field_bool(L, -1, "zz", &b, err, sizeof err), 1, "bool absent");
		lua_pop(L, 1);
	}
	lua_settop(L, 0);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

int
main(void)
{
	struct lsb *sb;
	char logpath[600], buf[4096];
	int fd;
	ssize_t n;

	if (!mkdtemp(dir))
		skip_all("mkdtemp failed");
	if (log_init("tlsb", dir, err, sizeof err) == -1)
		skip_all("log_init failed");
	sb = lsb_new(NULL);
	if (!ok(sb != NULL, "sandbox created"))
		return done_testing();
	test_allow_list(sb);
	test_isolation(sb);
	test_errors(sb);
	lsb_free(sb);
	test_budgets();

	snprintf(logpath, sizeof logpath, "%s/tlsb.log", dir);
	fd = open(logpath, O_RDONLY);
	n = fd == -1 ? 0 : read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	ok(strstr(buf, "level=info cat=lua event=print msg=\"hello 1 nil q\\\"uote\"\n") != NULL,
	   "print goes to the log with cat=lua");
	if (fd != -1)
		close(fd);
	log_close();
	unlink(logpath);
	rmdir(dir);
	return done_testing();
}
