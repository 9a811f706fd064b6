/* test_luaparams — detection thresholds from the embedded lua/ksys/detect.lua
 * and an override file: the defaults equal fde_params_default(), single keys
 * override, every refusal names the file and the key, and a refused file
 * leaves the caller's parameters untouched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "fde.h"
#include "log.h"
#include "luaparams.h"

static char dir[256];
static char path[1024];

static void
write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static int
same_params(const struct fde_params *a, const struct fde_params *b)
{
	size_t i;

	if (a->vm_threshold != b->vm_threshold || a->lpm_hang_secs != b->lpm_hang_secs ||
	    a->nonresp_factor != b->nonresp_factor ||
	    a->hm_unresponsive_secs != b->hm_unresponsive_secs || a->n_os_up != b->n_os_up)
		return 0;
	for (i = 0; i < a->n_os_up; i++)
		if (strcmp(a->os_up[i], b->os_up[i]) != 0)
			return 0;
	return 1;
}

/* Load text as the override; expect success. */
static int
load_ok(const char *text, struct fde_params *p, const char *what)
{
	char err[512] = "";
	int rc;

	write_file(text);
	rc = luaparams_load(p, path, err, sizeof err);
	if (!ok(rc == 0, "%s loads", what))
		diag("err: %s", err);
	return rc;
}

/* Load text as the override; expect a refusal whose message holds want
 * (with "@" standing for the file's path) and untouched parameters. */
static void
refused(const char *text, const char *want, const char *what)
{
	struct fde_params p, before;
	char err[2048] = "", exp[2048];
	const char *at = strchr(want, '@');
	int rc;

	if (at)
		snprintf(exp, sizeof exp, "%.*s%s%s", (int)(at - want), want, path, at + 1);
	else
		snprintf(exp, sizeof exp, "%s", want);
	memset(&p, 0x5a, sizeof p);
	before = p;
	write_file(text);
	rc = luaparams_load(&p, path, err, sizeof err);
	ok(rc == -1, "refused: %s", what);
	if (!ok(strstr(err, exp) != NULL, "message for %s", what))
		diag("got '%s', wanted it to contain '%s'", err, exp);
	ok(memcmp(&p, &before, sizeof p) == 0, "parameters untouched after %s", what);
}

static void
test_embedded(void)
{
	struct fde_params p, d;
	const char *text;
	char err[512] = "";
	size_t len = 0;

	text = lua_embed_get("ksys/detect.lua", &len);
	ok(text != NULL && len > 100, "detect.lua is compiled in (%zu bytes)", len);
	ok(text && text[len] == '\0', "embedded text is NUL-terminated");
	ok(text && strstr(text, "vm_threshold = 50") != NULL, "embedded text is the source");
	ok(lua_embed_get("ksys/nope.lua", NULL) == NULL, "unknown library file -> NULL");

	memset(&p, 0, sizeof p);
	fde_params_default(&d);
	is_int(luaparams_load(&p, NULL, err, sizeof err), 0, "defaults load");
	ok(same_params(&p, &d), "detect.lua holds the same values as fde_params_default()");
	is_int(p.vm_threshold, 50, "vm_threshold 50");
	is_int(p.lpm_hang_secs, 86400, "lpm_hang_secs 86400");
	is_int(p.nonresp_factor, 2, "nonresp_factor 2");
	is_int(p.hm_unresponsive_secs, 90, "hm_unresponsive_secs 90");
	is_int(p.n_os_up, 6, "6 OS-up codes");
	is_str(p.os_up[3], "Linux ppc64", "os_up[3]");
	is_str(p.os_up[1], "", "os_up[1] is the empty refcode");

	memset(&p, 0, sizeof p);
	snprintf(path, sizeof path, "%s/missing.lua", dir);
	is_int(luaparams_load(&p, path, err, sizeof err), 0, "a missing override file is fine");
	ok(same_params(&p, &d), "missing override -> defaults");
	snprintf(path, sizeof path, "%s/detect.lua", dir);
}

static void
test_overrides(void)
{
	struct fde_params p, d;

	fde_params_default(&d);
	if (load_ok("return {}\n", &p, "empty table"))
		return;
	ok(same_params(&p, &d), "empty table keeps every default");

	load_ok("-- faster VM detection\nreturn { vm_threshold = 30 }\n", &p, "one key");
	is_int(p.vm_threshold, 30, "vm_threshold overridden");
	is_int(p.lpm_hang_secs, 86400, "lpm_hang_secs kept");
	is_int(p.n_os_up, 6, "os_up list kept");

	load_ok("local h = 3600\nreturn { vm_threshold = 60.0, lpm_hang_secs = 2 * h,\n"
	        "  nonresp_factor = 3, hm_unresponsive_secs = 120,\n"
	        "  os_up_refcodes = { \"0\", \"Linux ppc64le\" } }\n", &p, "every key");
	is_int(p.vm_threshold, 60, "60.0 counts as the integer 60");
	is_int(p.lpm_hang_secs, 7200, "computed value");
	is_int(p.nonresp_factor, 3, "nonresp_factor 3");
	is_int(p.hm_unresponsive_secs, 120, "hm_unresponsive_secs 120");
	is_int(p.n_os_up, 2, "the list replaces the default list");
	is_str(p.os_up[0], "0", "os_up[0]");
	is_str(p.os_up[1], "Linux ppc64le", "os_up[1]");

	load_ok("return { vm_threshold = 10, lpm_hang_secs = 60, nonresp_factor = 1,\n"
	        "  hm_unresponsive_secs = 30 }\n", &p, "lower bounds");
	is_int(p.vm_threshold + p.lpm_hang_secs + p.nonresp_factor + p.hm_unresponsive_secs,
	       10 + 60 + 1 + 30, "lower bounds accepted");
	load_ok("return { vm_threshold = 600, lpm_hang_secs = 604800, nonresp_factor = 10,\n"
	        "  hm_unresponsive_secs = 3600 }\n", &p, "upper bounds");
	is_int(p.vm_threshold + p.lpm_hang_secs + p.nonresp_factor + p.hm_unresponsive_secs,
	       600 + 604800 + 10 + 3600, "upper bounds accepted");

	load_ok("return { os_up_refcodes = {} }\n", &p, "empty list");
	is_int(p.n_os_up, 0, "an empty list is allowed (never relocate running VMs)");
	load_ok("return { os_up_refcodes = { \"1234567890123456789012345678901\",\n"
	        "  \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\", \"10\", \"11\",\n"
	        "  \"12\", \"13\", \"14\", \"15\", \"16\" } }\n", &p, "16 codes, 31 characters");
	is_int(p.n_os_up, 16, "16 codes");
	is_int(strlen(p.os_up[0]), 31, "31-character code kept whole");
	is_str(p.os_up[15], "16", "last code");

	load_ok("return { vm_threshold = 55 }, 7\n", &p, "extra results");
	is_int(p.vm_threshold, 55, "results after the first are ignored");

	load_ok("x = 1\nlocal t = { vm_threshold = 70 }\nreturn t\n", &p, "private globals");
	is_int(p.vm_threshold, 70, "file globals stay in the file");
}

static void
test_refusals(void)
{
	char lp[600];
	char err[1024] = "";
	struct fde_params p;

	refused("return { vm_threshold = 9 }\n",
	        "@: key 'vm_threshold' must be an integer between 10 and 600, got 9",
	        "vm_threshold below range");
	refused("return { vm_threshold = 601 }\n", "@: key 'vm_threshold' must be an integer "
	        "between 10 and 600, got 601", "vm_threshold above range");
	refused("return { vm_threshold = 50.5 }\n", "@: key 'vm_threshold' must be an integer "
	        "between 10 and 600, got 50.5", "fractional vm_threshold");
	refused("return { vm_threshold = \"50\" }\n", "@: key 'vm_threshold' must be an "
	        "integer between 10 and 600, got \"50\"", "string vm_threshold");
	refused("return { vm_threshold = true }\n", "got a boolean", "boolean vm_threshold");
	refused("return { lpm_hang_secs = 59 }\n", "@: key 'lpm_hang_secs' must be an "
	        "integer between 60 and 604800, got 59", "lpm_hang_secs below range");
	refused("return { lpm_hang_secs = 604801 }\n", "@: key 'lpm_hang_secs' must be an "
	        "integer between 60 and 604800, got 604801", "lpm_hang_secs above range");
	refused("return { nonresp_factor = 0 }\n", "@: key 'nonresp_factor' must be an "
	        "integer between 1 and 10, got 0", "nonresp_factor below range");
	refused("return { nonresp_factor = 11 }\n", "@: key 'nonresp_factor' must be an "
	        "integer between 1 and 10, got 11", "nonresp_factor above range");
	refused("return { hm_unresponsive_secs = 29 }\n", "@: key 'hm_unresponsive_secs' "
	        "must be an integer between 30 and 3600, got 29", "hm secs below range");
	refused("return { hm_unresponsive_secs = 3601 }\n", "@: key 'hm_unresponsive_secs' "
	        "must be an integer between 30 and 3600, got 3601", "hm secs above range");
	refused("return { vm_threshold = 1e100 }\n", "@: key 'vm_threshold' must be an "
	        "integer", "huge float");

	refused("return { vm_treshold = 40 }\n", "@: unknown key 'vm_treshold' (allowed: "
	        "vm_threshold, lpm_hang_secs, nonresp_factor, hm_unresponsive_secs, "
	        "os_up_refcodes)", "misspelt key");
	refused("return { zeta = 1, alpha = 2, vm_threshold = 50 }\n",
	        "@: unknown keys 'alpha', 'zeta' (allowed:", "two unknown keys, sorted");
	refused("return { a=1, b=1, c=1, d=1, e=1, f=1, g=1, h=1, i=1, j=1 }\n",
	        "'h' and 2 more (allowed:", "many unknown keys");
	refused("return { 50 }\n", "@: unexpected key 1: the file must return a table of "
	        "name = value pairs", "positional value");
	refused("return { [true] = 1 }\n", "@: unexpected key a boolean", "boolean key");

	refused("return { os_up_refcodes = \"0\" }\n", "@: key 'os_up_refcodes' must be a "
	        "list of at most 16 strings, got \"0\"", "refcodes not a list");
	refused("return { os_up_refcodes = { 0 } }\n", "@: key 'os_up_refcodes' entry 1 "
	        "must be a string, got 0", "number refcode");
	refused("return { os_up_refcodes = { x = \"0\" } }\n", "@: key 'os_up_refcodes' must "
	        "be a list of strings", "refcodes with a named key");
	refused("return { os_up_refcodes = { [1] = \"0\", [3] = \"x\" } }\n",
	        "@: key 'os_up_refcodes'", "refcodes with a hole");
	refused("return { os_up_refcodes = { \"12345678901234567890123456789012\" } }\n",
	        "@: key 'os_up_refcodes' entry 1 must be a reference code of at most 31 "
	        "characters", "32-character refcode");
	refused("return { os_up_refcodes = { \"0\", \"a\\0b\" } }\n",
	        "entry 2 must be a reference code of at most 31 characters without NUL",
	        "refcode with NUL");
	refused("return { os_up_refcodes = { \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\",\n"
	        "  \"8\", \"9\", \"10\", \"11\", \"12\", \"13\", \"14\", \"15\", \"16\", \"17\" } }\n",
	        "@: key 'os_up_refcodes' holds 17 reference codes, at most 16 are allowed",
	        "17 refcodes");

	refused("-- comment\nreturn { vm_threshold = 50\n", "@:3:", "syntax error");
	refused("local x = 1\n\nerror(\"boom\")\n", "@:3: boom", "runtime error");
	refused("local t = nil\nreturn t.x\n", "@:2: attempt to index", "nil index");
	refused("vm_threshold = 50\n", "@: must return a table of detection settings such as "
	        "{ vm_threshold = 50 }, got a nil", "no return value");
	refused("return 5\n", "got 5", "number returned");
	refused("os.execute(\"true\")\nreturn {}\n", "@:1:", "os.execute is not there");
	refused("local f = io.open(\"/etc/passwd\")\nreturn {}\n", "@:1:", "io is not there");
	refused("while true do end\n", "instruction budget exhausted", "endless loop");

	/* A directory where the file should be. */
	memset(&p, 0, sizeof p);
	snprintf(lp, sizeof lp, "%s/sub", dir);
	mkdir(lp, 0700);
	ok(luaparams_load(&p, lp, err, sizeof err) == -1 && strstr(err, "not a regular file"),
	   "a directory is refused (%s)", err);
	rmdir(lp);

	/* Long paths are not shortened in messages. */
	snprintf(lp, sizeof lp, "%s/a-rather-long-directory-name-for-policies.d", dir);
	mkdir(lp, 0700);
	snprintf(path, sizeof path, "%s/detect.lua", lp);
	refused("return {\n  vm_threshold = = 5 }\n", "@:2:", "syntax error, long path");
	refused("return {\n  vm_threshold = 5 }\n", "@: key 'vm_threshold'", "range, long path");
	refused("\n\nerror('deep')\n", "@:3: deep", "runtime error, long path");
	unlink(path);
	rmdir(lp);
	snprintf(path, sizeof path, "%s/detect.lua", dir);
}

int
main(void)
{
	char err[256];

	log_init("test_luaparams", NULL, err, sizeof err);
	log_set_level("warn", err, sizeof err);
	snprintf(dir, sizeof dir, "/tmp/test_luaparams.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/detect.lua", dir);
	test_embedded();
	test_overrides();
	test_refusals();
	unlink(path);
	rmdir(dir);
	return done_testing();
}
