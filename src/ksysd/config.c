/* config — reads the ksysd configuration file through the Lua sandbox.
 *
 * The file runs once, at startup or under -t, with two bindings: hmc{} and
 * settings{}.  Each binding checks its table (unknown keys, types, ranges)
 * and raises a Lua error at the caller's line, so every message the admin
 * sees is "file:line: message".  Not for applying the settings or talking
 * to HMCs: callers do that with the struct config this fills.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>

#include "config.h"
#include "lsandbox.h"

struct load_ctx {
	struct config *c;
	char dir[4096];                 /* directory of the config file */
	int settings_seen;
};

static void
wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->settings.probe_interval = 10;
	c->settings.max_requests_per_hmc = 32;
	c->settings.max_jobs_per_hmc = 256;
	snprintf(c->settings.log_level, sizeof(c->settings.log_level), "info");
}

void
config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->n_hmcs; i++) {
		struct config_hmc *h = &c->hmcs[i];
		if (h->password) {
			wipe(h->password, strlen(h->password));
			free(h->password);
		}
		free(h->hosts);
	}
	free(c->hmcs);
	config_defaults(c);
}

const struct config_hmc *
config_hmc_find(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_hmcs; i++)
		if (strcmp(c->hmcs[i].name, name) == 0)
			return &c->hmcs[i];
	return NULL;
}

void
config_to_hmc(const struct config_hmc *h, const struct config_settings *s,
              struct hmc_config *out)
{
	hmc_config_init(out);
	out->name = h->name;
	out->host = h->address;
	out->port = h->port;
	out->user = h->user;
	out->password = h->password;
	out->pin = h->pin[0] ? h->pin : NULL;
	out->ca_file = h->cafile[0] ? h->cafile : NULL;
	out->tls_verify = h->tls_verify;
	out->max_requests = s->max_requests_per_hmc;
	out->max_jobs = s->max_jobs_per_hmc;
}

static int
is_b64(int ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       (ch >= '0' && ch <= '9') || ch == '+' || ch == '/';
}

int
config_check_pin(const char *pin, char *err, size_t errlen)
{
	const char *p = pin;
	int n = 0;

	if (!*pin) {
		snprintf(err, errlen, "pin is empty");
		return -1;
	}
	while (*p) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		size_t i;

		n++;
		if (len < 8 || strncmp(p, "sha256//", 8) != 0) {
			snprintf(err, errlen, "pin %d must start with 'sha256//' "
			         "(get it with: ksys-hmc -H ADDR fingerprint)", n);
			return -1;
		}
		/* base64 of 32 bytes: 43 characters and one '=' */
		if (len - 8 != 44 || p[8 + 43] != '=') {
			snprintf(err, errlen, "pin %d must be 'sha256//' followed by "
			         "44 base64 characters (a SHA-256 digest), got %zu",
			         n, len - 8);
			return -1;
		}
		for (i = 8; i < 8 + 43; i++)
			if (!is_b64((unsigned char)p[i])) {
				snprintf(err, errlen, "pin %d: '%c' is not a base64 character",
				         n, p[i]);
				return -1;
			}
		p += len;
		if (*p == ';')
			p++;
	}
	return 0;
}

char *
config_read_password_file(const char *path, char *err, size_t errlen)
{
	char buf[1024];
	struct stat st;
	ssize_t n;
	char *nl, *out = NULL;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		snprintf(err, errlen, "password file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "password file %s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "password file %s is accessible by group or "
		         "other (mode %04o); run: chmod 600 %s", path,
		         (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n == -1) {
		snprintf(err, errlen, "password file %s: %s", path, strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	nl = strpbrk(buf, "\r\n");
	if (nl)
		*nl = '\0';
	if (!buf[0]) {
		snprintf(err, errlen, "password file %s is empty", path);
		goto out;
	}
	out = strdup(buf);
	if (!out)
		snprintf(err, errlen, "out of memory");
out:
	wipe(buf, sizeof(buf));
	close(fd);
	return out;
}

/* A relative path in the config is relative to the config file's directory. */
static int
resolve_path(const struct load_ctx *lc, const char *in, char *out, size_t outlen)
{
	int n;

	if (in[0] == '/' || !lc->dir[0])
		n = snprintf(out, outlen, "%s", in);
	else
		n = snprintf(out, outlen, "%s/%s", lc->dir, in);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static int
valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

static int
valid_address(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' || *s == ':'))
			return 0;
	return 1;
}

/* Checks a log level spec without applying it: LEVEL[,CAT=LEVEL...]. */
static int
valid_level_spec(const char *spec)
{
	static const char *const levels[] = { "debug", "info", "notice", "warn",
	                                      "warning", "error", NULL };
	char tmp[128], *save = NULL, *w;
	int first = 1;

	if (snprintf(tmp, sizeof(tmp), "%s", spec) >= (int)sizeof(tmp))
		return 0;
	for (w = strtok_r(tmp, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		const char *lv = w;
		char *eq = strchr(w, '=');
		int i, ok = 0;

		if (!first && !eq)
			return 0;
		if (first && eq)
			return 0;
		if (eq) {
			if (eq == w)
				return 0;
			lv = eq + 1;
		}
		for (i = 0; levels[i]; i++)
			if (strcmp(lv, levels[i]) == 0)
				ok = 1;
		if (!ok)
			return 0;
		first = 0;
	}
	return !first;
}

static struct load_ctx *
ctx_of(lua_State *L)
{
	return lsb_ctx(L);
}

/* Reads string field k into out; raises on a wrong type or an over-long value. */
static int
get_str(lua_State *L, const char *what, const char *k, char *out, size_t outlen)
{
	char e[256];
	int r;

	lua_getfield(L, 1, k);
	if (lua_type(L, -1) == LUA_TSTRING && lua_rawlen(L, -1) >= outlen)
		luaL_error(L, "%s: %s is too long (at most %d characters)", what, k,
		           (int)outlen - 1);
	lua_pop(L, 1);
	r = lsb_field_str(L, 1, k, out, outlen, e, sizeof(e));
	if (r == -1)
		luaL_error(L, "%s: %s", what, e);
	return r;
}

static const char *const hmc_keys[] = {
	"name", "address", "port", "user", "password", "password_file",
	"pin", "cafile", "tls_verify", "hosts", NULL
};

static int
l_hmc(lua_State *L)
{
	struct load_ctx *lc = ctx_of(L);
	struct config *c = lc->c;
	struct config_hmc *h, *grown;
	char e[512], pw[1024], pwfile[4096];
	long long port;
	size_t i;
	int r, have_pw, have_pwfile, verify;

	if (lua_type(L, 1) != LUA_TTABLE)
		return luaL_error(L, "expected hmc{ name=..., address=..., user=..., "
		                  "password=... | password_file=... }");
	lsb_check_keys(L, 1, "hmc{}", hmc_keys);
	if (c->n_hmcs >= CONFIG_MAX_HMCS)
		return luaL_error(L, "hmc{}: too many HMCs (at most %d)", CONFIG_MAX_HMCS);
	grown = realloc(c->hmcs, (c->n_hmcs + 1) * sizeof(*grown));
	if (!grown)
		return luaL_error(L, "out of memory");
	c->hmcs = grown;
	h = &c->hmcs[c->n_hmcs++];
	memset(h, 0, sizeof(*h));
	h->port = CONFIG_DEFAULT_PORT;
	h->tls_verify = 1;
	luaL_where(L, 1);
	snprintf(h->where, sizeof(h->where), "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
	i = strlen(h->where);
	while (i > 0 && (h->where[i - 1] == ' ' || h->where[i - 1] == ':'))
		h->where[--i] = '\0';

	if (get_str(L, "hmc{}", "name", h->name, sizeof(h->name)) != 0)
		return luaL_error(L, "hmc{}: name is required");
	if (!valid_name(h->name))
		return luaL_error(L, "hmc{}: name '%s' may only hold letters, digits, "
		                  "'-', '_' and '.'", h->name);
	for (i = 0; i + 1 < c->n_hmcs; i++)
		if (strcmp(c->hmcs[i].name, h->name) == 0)
			return luaL_error(L, "hmc{}: name '%s' already used at %s",
			                  h->name, c->hmcs[i].where);
	if (get_str(L, "hmc{}", "address", h->address, sizeof(h->address)) != 0)
		return luaL_error(L, "hmc{} %s: address is required", h->name);
	if (strstr(h->address, "://") || !valid_address(h->address))
		return luaL_error(L, "hmc{} %s: address must be a host name or an IP "
		                  "address (no scheme, port or path), got '%s'",
		                  h->name, h->address);
	r = lsb_field_int(L, 1, "port", &port, e, sizeof(e));
	if (r == -1)
		return luaL_error(L, "hmc{} %s: %s", h->name, e);
	if (r == 0) {
		if (port < 1 || port > 65535)
			return luaL_error(L, "hmc{} %s: port must be 1..65535, got %I",
			                  h->name, (lua_Integer)port);
		h->port = (int)port;
	}
	if (get_str(L, "hmc{}", "user", h->user, sizeof(h->user)) != 0 || !h->user[0])
		return luaL_error(L, "hmc{} %s: user is required", h->name);

	have_pw = get_str(L, "hmc{}", "password", pw, sizeof(pw)) == 0;
	have_pwfile = get_str(L, "hmc{}", "password_file", pwfile, sizeof(pwfile)) == 0;
	if (have_pw && have_pwfile) {
		wipe(pw, sizeof(pw));
		return luaL_error(L, "hmc{} %s: give password= or password_file=, "
		                  "not both", h->name);
	}
	if (!have_pw && !have_pwfile)
		return luaL_error(L, "hmc{} %s: password= or password_file= is "
		                  "required", h->name);
	if (have_pw) {
		if (!pw[0])
			return luaL_error(L, "hmc{} %s: password is empty", h->name);
		h->password = strdup(pw);
		wipe(pw, sizeof(pw));
	} else {
		if (resolve_path(lc, pwfile, h->password_file,
		                 sizeof(h->password_file)) == -1)
			return luaL_error(L, "hmc{} %s: password_file path too long",
			                  h->name);
		h->password = config_read_password_file(h->password_file, e, sizeof(e));
		if (!h->password)
			return luaL_error(L, "hmc{} %s: %s", h->name, e);
	}
	if (!h->password)
		return luaL_error(L, "out of memory");

	if (get_str(L, "hmc{}", "pin", h->pin, sizeof(h->pin)) == 0 &&
	    config_check_pin(h->pin, e, sizeof(e)) == -1)
		return luaL_error(L, "hmc{} %s: %s", h->name, e);
	if (get_str(L, "hmc{}", "cafile", pwfile, sizeof(pwfile)) == 0) {
		struct stat st;
		if (resolve_path(lc, pwfile, h->cafile, sizeof(h->cafile)) == -1)
			return luaL_error(L, "hmc{} %s: cafile path too long", h->name);
		if (stat(h->cafile, &st) == -1)
			return luaL_error(L, "hmc{} %s: cafile %s: %s", h->name,
			                  h->cafile, strerror(errno));
		if (!S_ISREG(st.st_mode))
			return luaL_error(L, "hmc{} %s: cafile %s is not a regular file",
			                  h->name, h->cafile);
	}
	r = lsb_field_bool(L, 1, "tls_verify", &verify, e, sizeof(e));
	if (r == -1)
		return luaL_error(L, "hmc{} %s: %s", h->name, e);
	if (r == 0)
		h->tls_verify = verify ? 1 : 0;
	if (!h->tls_verify && (h->pin[0] || h->cafile[0]))
		return luaL_error(L, "hmc{} %s: tls_verify=false contradicts %s=; "
		                  "a pin already accepts a self-signed certificate",
		                  h->name, h->pin[0] ? "pin" : "cafile");

	lua_getfield(L, 1, "hosts");
	if (!lua_isnil(L, -1)) {
		lua_Integer n, k;
		if (!lua_istable(L, -1))
			return luaL_error(L, "hmc{} %s: hosts must be a list of host "
			                  "names, e.g. hosts={\"p9-host1\"}", h->name);
		n = luaL_len(L, -1);
		if (n > 4096)
			return luaL_error(L, "hmc{} %s: hosts: too many names", h->name);
		if (n > 0) {
			h->hosts = calloc((size_t)n, sizeof(*h->hosts));
			if (!h->hosts)
				return luaL_error(L, "out of memory");
		}
		for (k = 1; k <= n; k++) {
			lua_geti(L, -1, k);
			if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) == 0 ||
			    lua_rawlen(L, -1) >= sizeof(h->hosts[0]))
				return luaL_error(L, "hmc{} %s: hosts[%d] must be a "
				                  "non-empty host name", h->name, (int)k);
			snprintf(h->hosts[h->n_hosts++], sizeof(h->hosts[0]), "%s",
			         lua_tostring(L, -1));
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	return 0;
}

static const char *const settings_keys[] = {
	"probe_interval", "max_requests_per_hmc", "max_jobs_per_hmc",
	"log_level", NULL
};

static int
l_settings(lua_State *L)
{
	struct load_ctx *lc = ctx_of(L);
	struct config_settings *s = &lc->c->settings;
	char e[256];
	double d;
	long long v;
	int r;

	if (lua_type(L, 1) != LUA_TTABLE)
		return luaL_error(L, "expected settings{ probe_interval=10, ... }");
	lsb_check_keys(L, 1, "settings{}", settings_keys);
	if (lc->settings_seen)
		return luaL_error(L, "settings{}: given twice; merge them into one");
	lc->settings_seen = 1;

	r = lsb_field_num(L, 1, "probe_interval", &d, e, sizeof(e));
	if (r == -1)
		return luaL_error(L, "settings{}: %s", e);
	if (r == 0) {
		if (!(d >= 1 && d <= 3600))
			return luaL_error(L, "settings{}: probe_interval must be 1..3600 "
			                  "seconds, got %f", (lua_Number)d);
		s->probe_interval = d;
	}
	r = lsb_field_int(L, 1, "max_requests_per_hmc", &v, e, sizeof(e));
	if (r == -1)
		return luaL_error(L, "settings{}: %s", e);
	if (r == 0) {
		if (v < 1 || v > 1024)
			return luaL_error(L, "settings{}: max_requests_per_hmc must be "
			                  "1..1024, got %I", (lua_Integer)v);
		s->max_requests_per_hmc = (int)v;
	}
	r = lsb_field_int(L, 1, "max_jobs_per_hmc", &v, e, sizeof(e));
	if (r == -1)
		return luaL_error(L, "settings{}: %s", e);
	if (r == 0) {
		if (v < 1 || v > 65536)
			return luaL_error(L, "settings{}: max_jobs_per_hmc must be "
			                  "1..65536, got %I", (lua_Integer)v);
		s->max_jobs_per_hmc = (int)v;
	}
	if (get_str(L, "settings{}", "log_level", s->log_level,
	            sizeof(s->log_level)) == 0) {
		if (!valid_level_spec(s->log_level))
			return luaL_error(L, "settings{}: log_level must be debug, info, "
			                  "notice, warn or error, optionally followed by "
			                  "',CATEGORY=LEVEL' (e.g. \"info,http=debug\"), "
			                  "got '%s'", s->log_level);
		s->log_level_set = 1;
	}
	return 0;
}

int
config_load(const char *path, struct config *c, char *err, size_t errlen)
{
	struct lsb_limits lim = { 16u << 20, 10000000 };
	struct load_ctx lc;
	struct lsb *sb = NULL;
	struct stat st;
	const char *slash;
	size_t i;
	int rc = -1;

	config_defaults(c);
	snprintf(c->path, sizeof(c->path), "%s", path);
	memset(&lc, 0, sizeof(lc));
	lc.c = c;
	slash = strrchr(path, '/');
	if (slash)
		snprintf(lc.dir, sizeof(lc.dir), "%.*s",
		         (int)(slash == path ? 1 : slash - path), path);

	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	sb = lsb_new(&lim);
	if (!sb) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	lsb_set_ctx(sb, &lc);
	lsb_register(sb, "hmc", l_hmc);
	lsb_register(sb, "settings", l_settings);
	if (lsb_run_file(sb, path, err, errlen) == -1) {
		/* budget and memory errors carry no position: name the file */
		if (strncmp(err, path, strlen(path)) != 0) {
			char tmp[512];
			snprintf(tmp, sizeof(tmp), "%s", err);
			snprintf(err, errlen, "%s: %s", path, tmp);
		}
		goto out;
	}
	/* hmc = {...} instead of hmc{...} would silently configure nothing */
	for (i = 0; i < 2; i++) {
		static const char *const fns[] = { "hmc", "settings" };
		lua_State *L = lsb_state(sb);
		lua_getfield(L, -1, fns[i]);
		if (lua_type(L, -1) != LUA_TFUNCTION) {
			snprintf(err, errlen, "%s: '%s' is assigned a value; call it "
			         "instead: %s{ ... }", path, fns[i], fns[i]);
			lua_pop(L, 2);
			goto out;
		}
		lua_pop(L, 1);
	}
	lua_pop(lsb_state(sb), 1);

	/* A password in a file others can read is refused, like ssh does. */
	for (i = 0; i < c->n_hmcs; i++)
		if (!c->hmcs[i].password_file[0] && (st.st_mode & 077)) {
			snprintf(err, errlen, "%s: holds the password of HMC %s but is "
			         "accessible by group or other (mode %04o); run "
			         "'chmod 600 %s' or use password_file=", c->hmcs[i].where,
			         c->hmcs[i].name, (unsigned)(st.st_mode & 07777), path);
			goto out;
		}
	rc = 0;
out:
	if (sb)
		lsb_free(sb);
	return rc;
}
