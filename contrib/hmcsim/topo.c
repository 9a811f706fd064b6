/* topo — builds hmcsim's world: the checks every topology goes through
 * (each call where it is made; references and capacity once everything is
 * defined), the deterministic UUIDs, and the built-in default estate.
 *
 * Each error names the file:line of the call at fault.  The Lua side lives
 * in topo_lua.c.  Not for faults themselves (faults.c) or listen addresses
 * (main.c).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "topo.h"
#include "netaddr.h"
#include "topo_build.h"

/* ---- helpers ---- */

static int
grow(void **p, size_t *cap, size_t n, size_t sz)
{
	void *q;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	q = realloc(*p, nc * sz);
	if (!q)
		return -1;
	memset((char *)q + *cap * sz, 0, (nc - *cap) * sz);
	*p = q;
	*cap = nc;
	return 0;
}

static unsigned long long
hash64(const char *a, const char *b, unsigned long long seed)
{
	unsigned long long h = 1469598103934665603ULL ^ seed;
	const char *s;

	for (s = a; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h = (h ^ ':') * 1099511628211ULL;
	for (s = b; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	/* splitmix64 finaliser: spreads FNV's weak low bits */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

void
simtopo_uuid(const char *kind, const char *name, char out[SIM_UUID_LEN])
{
	unsigned long long a = hash64(kind, name, 0x6b737973ULL);
	unsigned long long b = hash64(kind, name, 0x686d6373696dULL);
	/* Partitions look like version-4 UUIDs (as HMCs show LPARs), managed
	 * systems and consoles like version-3 ones. */
	unsigned ver = strcmp(kind, "lpar") == 0 || strcmp(kind, "vios") == 0 ? 4 : 3;

	a = (a & ~0xF000ULL) | ((unsigned long long)ver << 12);
	b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
	snprintf(out, SIM_UUID_LEN, "%08llX-%04llX-%04llX-%04llX-%012llX",
	         a >> 32, (a >> 16) & 0xFFFF, a & 0xFFFF, b >> 48,
	         b & 0xFFFFFFFFFFFFULL);
}

static int
valid_uuid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };
	size_t i, d = 0;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (d < 4 && (int)i == dash[d]) {
			if (s[i] != '-')
				return 0;
			d++;
			continue;
		}
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

static void
upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* Names go into whitespace-separated `show` output and ready lines. */
static int
check_name(const char *what, const char *s, char *err, size_t errlen)
{
	const char *p;

	if (!s || !*s) {
		snprintf(err, errlen, "%s: field 'name' is required", what);
		return -1;
	}
	if (strlen(s) >= SIM_NAME_LEN) {
		snprintf(err, errlen, "%s: name '%s' is too long (max %d bytes)", what, s,
		         SIM_NAME_LEN - 1);
		return -1;
	}
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')) {
			snprintf(err, errlen, "%s: name '%s' may only contain letters, "
			         "digits, '-', '_' and '.'", what, s);
			return -1;
		}
	if (strcmp(s, "all") == 0) {
		snprintf(err, errlen, "%s: 'all' is reserved and cannot be a name", what);
		return -1;
	}
	return 0;
}

/* A free-text value served in XML: printable ASCII, not empty, bounded. */
static int
check_text(const char *what, const char *key, const char *s, size_t size,
           char *err, size_t errlen)
{
	const char *p;

	if (!*s || strlen(s) >= size) {
		snprintf(err, errlen, "%s: %s must be 1 to %zu characters", what, key, size - 1);
		return -1;
	}
	for (p = s; *p; p++)
		if (*p < ' ' || *p > '~') {
			snprintf(err, errlen, "%s: %s may only hold printable ASCII", what, key);
			return -1;
		}
	return 0;
}

/* "TTTT-MMM*SSSSSSS" */
static int
parse_mtms(const char *what, const char *s, char *type, char *model, char *serial,
           char *err, size_t errlen)
{
	const char *dash = strchr(s, '-'), *star = strchr(s, '*');
	size_t tl, ml, sl, i;

	if (!dash || !star || star < dash)
		goto bad;
	tl = (size_t)(dash - s);
	ml = (size_t)(star - dash - 1);
	sl = strlen(star + 1);
	if (tl != 4 || ml != 3 || sl < 1 || sl > 15)
		goto bad;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s + i == dash || s + i == star))
			goto bad;
	memcpy(type, s, 4);
	type[4] = '\0';
	memcpy(model, dash + 1, 3);
	model[3] = '\0';
	memcpy(serial, star + 1, sl + 1);
	upper(type);
	upper(model);
	upper(serial);
	return 0;
bad:
	snprintf(err, errlen, "%s: mtms '%s' must look like 8286-42A*21E0B2V "
	         "(type-model*serial)", what, s);
	return -1;
}

/* A 7-character serial derived from a name (for objects given no mtms). */
static void
derived_serial(const char *kind, const char *name, char *out)
{
	static const char digits[] = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
	unsigned long long h = hash64(kind, name, 0x73657269616cULL);
	int i;

	out[0] = (char)('1' + (int)(h % 9));
	h /= 9;
	for (i = 1; i < 7; i++) {
		out[i] = digits[h % (sizeof digits - 1)];
		h /= sizeof digits - 1;
	}
	out[7] = '\0';
}

static double
round2(double v)
{
	return floor(v * 100 + 0.5) / 100;
}

static long long
gb_to_mb(double gb)
{
	return (long long)floor(gb * 1024 + 0.5);
}

/* ---- adding objects (validation at the call) ---- */

int
simtopo_add_hmc(struct tb *tb, const struct hmc_spec *s, const char *where,
           char *err, size_t errlen)
{
	struct tb_hmc *t;
	size_t i;

	if (check_name("hmc{}", s->name, err, errlen) == -1)
		return -1;
	for (i = 0; i < tb->n_hmcs; i++)
		if (strcmp(tb->hmcs[i].h.name, s->name) == 0) {
			snprintf(err, errlen, "hmc{}: duplicate HMC name '%s' (first "
			         "defined at %s)", s->name, tb->hmcs[i].where);
			return -1;
		}
	if (tb->n_hmcs >= SIMTOPO_MAX_HMCS) {
		snprintf(err, errlen, "hmc{}: at most %d HMCs", SIMTOPO_MAX_HMCS);
		return -1;
	}
	if (!s->user || !*s->user || strlen(s->user) >= sizeof t->h.user) {
		snprintf(err, errlen, "hmc{}: field 'user' is required (max %zu bytes)",
		         sizeof t->h.user - 1);
		return -1;
	}
	if (!s->password || !*s->password || strlen(s->password) >= sizeof t->h.password) {
		snprintf(err, errlen, "hmc{}: field 'password' is required (max %zu bytes)",
		         sizeof t->h.password - 1);
		return -1;
	}
	if (s->port != -1 && (s->port < 1 || s->port > 65535)) {
		snprintf(err, errlen, "hmc{}: port must be between 1 and 65535, got %lld",
		         s->port);
		return -1;
	}
	if (s->session_idle != -1 && !(s->session_idle >= 1 && s->session_idle <= 604800)) {
		snprintf(err, errlen, "hmc{}: session_idle must be between 1 and 604800 "
		         "seconds, got %g", s->session_idle);
		return -1;
	}
	if (s->uuid && !valid_uuid(s->uuid)) {
		snprintf(err, errlen, "hmc{}: uuid '%s' is not an 8-4-4-4-12 hex UUID",
		         s->uuid);
		return -1;
	}
	if (grow((void **)&tb->hmcs, &tb->c_hmcs, tb->n_hmcs, sizeof *tb->hmcs) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t = &tb->hmcs[tb->n_hmcs];
	memset(t, 0, sizeof *t);
	if (s->mtms) {
		if (parse_mtms("hmc{}", s->mtms, t->h.mtms_type, t->h.mtms_model,
		               t->h.mtms_serial, err, errlen) == -1)
			return -1;
	} else {
		snprintf(t->h.mtms_type, sizeof t->h.mtms_type, "7042");
		snprintf(t->h.mtms_model, sizeof t->h.mtms_model, "CR9");
		derived_serial("hmc", s->name, t->h.mtms_serial);
	}
	snprintf(t->h.name, sizeof t->h.name, "%s", s->name);
	snprintf(t->h.user, sizeof t->h.user, "%s", s->user);
	snprintf(t->h.password, sizeof t->h.password, "%s", s->password);
	if (s->uuid) {
		snprintf(t->h.uuid, sizeof t->h.uuid, "%s", s->uuid);
		upper(t->h.uuid);
	} else {
		simtopo_uuid("hmc", s->name, t->h.uuid);
	}
	t->h.port = s->port == -1 ? SIMTOPO_PORT_UNSET : (int)s->port;
	t->h.session_idle = s->session_idle == -1 ? 3600 : s->session_idle;
	snprintf(t->where, sizeof t->where, "%s", where);
	tb->n_hmcs++;
	return 0;
}

int
simtopo_add_host(struct tb *tb, const struct host_spec *s, const char *where,
            char *err, size_t errlen)
{
	enum sim_host_state st = SIM_HOST_OPERATING;
	struct tb_host *t;
	size_t i;
	int k;

	if (check_name("host{}", s->name, err, errlen) == -1)
		return -1;
	for (i = 0; i < tb->n_hosts; i++)
		if (strcmp(tb->hosts[i].h.name, s->name) == 0) {
			snprintf(err, errlen, "host{}: duplicate host name '%s' (first "
			         "defined at %s)", s->name, tb->hosts[i].where);
			return -1;
		}
	if (!(s->proc >= 0.05 && s->proc <= 10000)) {
		snprintf(err, errlen, "host{}: field 'proc' (processing units) is required, "
		         "between 0.05 and 10000");
		return -1;
	}
	if (!(s->mem_gb >= 1 && s->mem_gb <= 1048576)) {
		snprintf(err, errlen, "host{}: field 'mem_gb' is required, between 1 and "
		         "1048576");
		return -1;
	}
	if (s->n_hmcs > SIMTOPO_MAX_HMCS) {
		snprintf(err, errlen, "host{}: at most %d HMCs in 'hmcs'", SIMTOPO_MAX_HMCS);
		return -1;
	}
	if (s->state && world_host_state_parse(s->state, &st) == -1) {
		snprintf(err, errlen, "host{}: unknown state '%s' (operating, power off, "
		         "error, no connection, initializing, power off in progress)",
		         s->state);
		return -1;
	}
	if (s->uuid && !valid_uuid(s->uuid)) {
		snprintf(err, errlen, "host{}: uuid '%s' is not an 8-4-4-4-12 hex UUID",
		         s->uuid);
		return -1;
	}
	if (s->ip && strlen(s->ip) >= sizeof t->h.ip) {
		snprintf(err, errlen, "host{}: ip is too long");
		return -1;
	}
	if (grow((void **)&tb->hosts, &tb->c_hosts, tb->n_hosts, sizeof *tb->hosts) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t = &tb->hosts[tb->n_hosts];
	memset(t, 0, sizeof *t);
	if (s->mtms) {
		if (parse_mtms("host{}", s->mtms, t->h.mtms_type, t->h.mtms_model,
		               t->h.mtms_serial, err, errlen) == -1)
			return -1;
	} else {
		snprintf(t->h.mtms_type, sizeof t->h.mtms_type, "8286");
		snprintf(t->h.mtms_model, sizeof t->h.mtms_model, "42A");
		derived_serial("host", s->name, t->h.mtms_serial);
	}
	for (k = 0; k < s->n_hmcs; k++) {
		if (!s->hmcs[k] || strlen(s->hmcs[k]) >= SIM_NAME_LEN) {
			snprintf(err, errlen, "host{}: bad HMC name in 'hmcs'");
			return -1;
		}
		snprintf(t->hmcs[k], SIM_NAME_LEN, "%s", s->hmcs[k]);
	}
	t->n_hmcs = s->n_hmcs;
	snprintf(t->h.name, sizeof t->h.name, "%s", s->name);
	if (s->uuid) {
		snprintf(t->h.uuid, sizeof t->h.uuid, "%s", s->uuid);
		upper(t->h.uuid);
	} else {
		simtopo_uuid("host", s->name, t->h.uuid);
	}
	if (s->ip)
		snprintf(t->h.ip, sizeof t->h.ip, "%s", s->ip);
	t->h.state = st;
	t->h.proc_installed = round2(s->proc);
	t->h.mem_installed_mb = gb_to_mb(s->mem_gb);
	snprintf(t->where, sizeof t->where, "%s", where);
	tb->n_hosts++;
	return 0;
}

int
simtopo_add_lpar(struct tb *tb, const struct lpar_spec *s, const char *where,
            char *err, size_t errlen)
{
	const char *what = s->is_vios ? "vios{}" : "lpar{}";
	enum sim_lpar_state st = SIM_LPAR_RUNNING;
	struct sim_lpar *l;
	struct tb_lpar *t;
	double pmin, pmax;
	long long mem, mmin, mmax;
	size_t i;

	if (check_name(what, s->name, err, errlen) == -1)
		return -1;
	for (i = 0; i < tb->n_lpars; i++)
		if (strcmp(tb->lpars[i].l.name, s->name) == 0) {
			snprintf(err, errlen, "%s: duplicate partition name '%s' (first "
			         "defined at %s)", what, s->name, tb->lpars[i].where);
			return -1;
		}
	if (!s->host || !*s->host || strlen(s->host) >= SIM_NAME_LEN) {
		snprintf(err, errlen, "%s: field 'host' is required", what);
		return -1;
	}
	if (!(s->proc >= 0.05 && s->proc <= 1000)) {
		snprintf(err, errlen, "%s: field 'proc' (processing units) is required, "
		         "between 0.05 and 1000", what);
		return -1;
	}
	if (!(s->mem_gb >= 0.25 && s->mem_gb <= 65536)) {
		snprintf(err, errlen, "%s: field 'mem_gb' is required, between 0.25 and "
		         "65536", what);
		return -1;
	}
	pmin = s->proc_min >= 0 ? s->proc_min : round2(s->proc / 2 < 0.05 ? 0.05 : s->proc / 2);
	pmax = s->proc_max >= 0 ? s->proc_max : round2(s->proc * 2);
	if (pmin < 0.05 || pmin > s->proc || pmax < s->proc) {
		snprintf(err, errlen, "%s: need 0.05 <= proc_min <= proc <= proc_max "
		         "(got %g <= %g <= %g)", what, pmin, s->proc, pmax);
		return -1;
	}
	mem = gb_to_mb(s->mem_gb);
	mmin = s->mem_min_gb >= 0 ? gb_to_mb(s->mem_min_gb) : mem / 2;
	mmax = s->mem_max_gb >= 0 ? gb_to_mb(s->mem_max_gb) : mem * 2;
	if (mmin < 256 || mmin > mem || mmax < mem) {
		snprintf(err, errlen, "%s: need 0.25 <= mem_min_gb <= mem_gb <= mem_max_gb",
		         what);
		return -1;
	}
	if (s->state && world_lpar_state_parse(s->state, &st) == -1)
		st = (enum sim_lpar_state)-1;
	if (s->state && st != SIM_LPAR_RUNNING && st != SIM_LPAR_NOT_ACTIVATED) {
		snprintf(err, errlen, "%s: state must be \"running\" or \"not activated\", "
		         "got '%s'", what, s->state);
		return -1;
	}
	if (s->os && !s->is_vios && strcmp(s->os, "AIX/Linux") != 0 &&
	    strcmp(s->os, "OS400") != 0) {
		snprintf(err, errlen, "%s: os must be \"AIX/Linux\" or \"OS400\", got '%s'",
		         what, s->os);
		return -1;
	}
	if (s->uuid && !valid_uuid(s->uuid)) {
		snprintf(err, errlen, "%s: uuid '%s' is not an 8-4-4-4-12 hex UUID",
		         what, s->uuid);
		return -1;
	}
	if (s->ip && strlen(s->ip) >= sizeof l->ip) {
		snprintf(err, errlen, "%s: ip is too long", what);
		return -1;
	}
	if (s->os_version && check_text(what, "os_version", s->os_version,
	                                sizeof l->os_version, err, errlen) == -1)
		return -1;
	if (s->rmc && strcmp(s->rmc, "active") != 0 && strcmp(s->rmc, "inactive") != 0) {
		snprintf(err, errlen, "%s: rmc must be \"active\" or \"inactive\", got '%s'",
		         what, s->rmc);
		return -1;
	}
	if (grow((void **)&tb->lpars, &tb->c_lpars, tb->n_lpars, sizeof *tb->lpars) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t = &tb->lpars[tb->n_lpars];
	memset(t, 0, sizeof *t);
	l = &t->l;
	snprintf(l->name, sizeof l->name, "%s", s->name);
	snprintf(t->host, sizeof t->host, "%s", s->host);
	if (s->uuid) {
		snprintf(l->uuid, sizeof l->uuid, "%s", s->uuid);
		upper(l->uuid);
	} else {
		simtopo_uuid(s->is_vios ? "vios" : "lpar", s->name, l->uuid);
	}
	l->is_vios = s->is_vios;
	snprintf(l->os_type, sizeof l->os_type, "%s",
	         s->is_vios ? "Virtual IO Server" : s->os ? s->os : "AIX/Linux");
	l->state = st;
	l->stale_host = -1;
	snprintf(l->boot_mode, sizeof l->boot_mode, "norm");
	snprintf(l->refcode, sizeof l->refcode, "00000000");
	l->srr_capable = s->is_vios ? 0 : s->srr == -1 ? 1 : s->srr;
	snprintf(l->rr_state, sizeof l->rr_state, "%s",
	         l->srr_capable ? "Remote_Restartable" : "Invalid");
	if (s->ip)
		snprintf(l->ip, sizeof l->ip, "%s", s->ip);
	l->no_agent = s->is_vios || s->no_agent;
	snprintf(l->os_version, sizeof l->os_version, "%s", s->os_version ? s->os_version
	         : world_default_os_version(l->is_vios, l->os_type));
	l->rmc_inactive = s->rmc && strcmp(s->rmc, "inactive") == 0;
	l->proc_desired = round2(s->proc);
	l->proc_min = round2(pmin);
	l->proc_max = round2(pmax);
	l->vcpu_desired = (int)ceil(l->proc_desired);
	if (l->vcpu_desired < 1)
		l->vcpu_desired = 1;
	l->mem_desired_mb = mem;
	l->mem_min_mb = mmin;
	l->mem_max_mb = mmax;
	snprintf(t->where, sizeof t->where, "%s", where);
	tb->n_lpars++;
	return 0;
}

int
simtopo_add_disk(struct tb *tb, const struct disk_spec *s, const char *where,
            char *err, size_t errlen)
{
	struct tb_disk *t;
	size_t i;
	int k;

	if (!s->id || !*s->id || strlen(s->id) >= SIM_NAME_LEN) {
		snprintf(err, errlen, "disk{}: field 'id' is required (max %d bytes)",
		         SIM_NAME_LEN - 1);
		return -1;
	}
	for (i = 0; s->id[i]; i++)
		if (s->id[i] <= ' ' || s->id[i] == ',' || s->id[i] > '~') {
			snprintf(err, errlen, "disk{}: id '%s' must not contain spaces or "
			         "commas", s->id);
			return -1;
		}
	for (i = 0; i < tb->n_disks; i++)
		if (strcasecmp(tb->disks[i].d.id, s->id) == 0) {
			snprintf(err, errlen, "disk{}: duplicate disk id '%s' (first defined "
			         "at %s)", s->id, tb->disks[i].where);
			return -1;
		}
	if (s->size_gb < 1 || s->size_gb > 1048576) {
		snprintf(err, errlen, "disk{}: field 'size_gb' is required, between 1 and "
		         "1048576");
		return -1;
	}
	if (s->n_vioses < 1 || s->n_vioses > SIM_DISK_MAX_VIOS) {
		snprintf(err, errlen, "disk{}: field 'vioses' must list 1 to %d VIOSs",
		         SIM_DISK_MAX_VIOS);
		return -1;
	}
	if (grow((void **)&tb->disks, &tb->c_disks, tb->n_disks, sizeof *tb->disks) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t = &tb->disks[tb->n_disks];
	memset(t, 0, sizeof *t);
	snprintf(t->d.id, sizeof t->d.id, "%s", s->id);
	t->d.size_gb = s->size_gb;
	for (k = 0; k < s->n_vioses; k++) {
		if (!s->vioses[k] || strlen(s->vioses[k]) >= SIM_NAME_LEN) {
			snprintf(err, errlen, "disk{}: bad VIOS name in 'vioses'");
			return -1;
		}
		snprintf(t->vios[k], SIM_NAME_LEN, "%s", s->vioses[k]);
	}
	t->d.n_vios = (size_t)s->n_vioses;
	snprintf(t->where, sizeof t->where, "%s", where);
	tb->n_disks++;
	return 0;
}

int
simtopo_add_event(struct tb *tb, const struct simfault_event *ev, char *err, size_t errlen)
{
	if (grow((void **)&tb->events, &tb->c_events, tb->n_events,
	         sizeof *tb->events) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	tb->events[tb->n_events++] = *ev;
	return 0;
}

/* ---- finishing: cross-references, capacity, filling the world ---- */

static int
fail_at(const char *where, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
fail_at(const char *where, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s: ", where);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
find_host(const struct tb *tb, const char *name)
{
	size_t i;

	for (i = 0; i < tb->n_hosts; i++)
		if (strcmp(tb->hosts[i].h.name, name) == 0)
			return (int)i;
	return -1;
}

static long long
epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
simtopo_finish(struct tb *tb, char *err, size_t errlen)
{
	struct world *w = tb->w;
	const char *file = tb->path ? tb->path : SIMTOPO_BUILTIN;
	double *proc_used = NULL;
	long long *mem_used = NULL, now = epoch_ms();
	int *next_id = NULL, rc = -1;
	size_t i, k;

	if (tb->n_hmcs == 0) {
		snprintf(err, errlen, "%s: the topology defines no HMC (call hmc{...})", file);
		return -1;
	}
	if (tb->n_hosts == 0) {
		snprintf(err, errlen, "%s: the topology defines no host (call host{...})",
		         file);
		return -1;
	}
	/* hosts -> HMCs */
	for (i = 0; i < tb->n_hosts; i++) {
		struct tb_host *t = &tb->hosts[i];
		t->h.hmc_mask = 0;
		if (t->n_hmcs == 0)
			return fail_at(t->where, err, errlen, "host %s is managed by no HMC "
			               "(set hmcs={...})", t->h.name);
		for (k = 0; k < (size_t)t->n_hmcs; k++) {
			size_t j;
			for (j = 0; j < tb->n_hmcs; j++)
				if (strcmp(tb->hmcs[j].h.name, t->hmcs[k]) == 0)
					break;
			if (j == tb->n_hmcs)
				return fail_at(t->where, err, errlen, "host %s: unknown HMC '%s'",
				               t->h.name, t->hmcs[k]);
			t->h.hmc_mask |= 1u << j;
		}
	}
	/* partitions -> hosts, capacity of what starts running */
	proc_used = calloc(tb->n_hosts, sizeof *proc_used);
	mem_used = calloc(tb->n_hosts, sizeof *mem_used);
	next_id = calloc(tb->n_hosts, sizeof *next_id);
	if (!proc_used || !mem_used || !next_id) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < tb->n_lpars; i++) {
		struct tb_lpar *t = &tb->lpars[i];
		int hi = find_host(tb, t->host);
		struct tb_host *h;

		if (hi < 0) {
			fail_at(t->where, err, errlen, "%s %s: unknown host '%s'",
			        t->l.is_vios ? "vios" : "lpar", t->l.name, t->host);
			goto out;
		}
		t->l.host = hi;
		if (t->l.state != SIM_LPAR_RUNNING)
			continue;
		h = &tb->hosts[hi];
		proc_used[hi] += t->l.proc_desired;
		mem_used[hi] += t->l.mem_desired_mb;
		if ((long long)floor(proc_used[hi] * 100 + 0.5) >
		    (long long)floor(h->h.proc_installed * 100 + 0.5)) {
			fail_at(t->where, err, errlen, "%s %s: host %s is overcommitted: "
			        "running partitions need %.2f processing units, %.2f installed",
			        t->l.is_vios ? "vios" : "lpar", t->l.name, h->h.name,
			        proc_used[hi], h->h.proc_installed);
			goto out;
		}
		if (mem_used[hi] > h->h.mem_installed_mb) {
			fail_at(t->where, err, errlen, "%s %s: host %s is overcommitted: "
			        "running partitions need %lld MB of memory, %lld MB installed",
			        t->l.is_vios ? "vios" : "lpar", t->l.name, h->h.name,
			        mem_used[hi], h->h.mem_installed_mb);
			goto out;
		}
	}
	/* disks -> VIOSs */
	for (i = 0; i < tb->n_disks; i++) {
		struct tb_disk *t = &tb->disks[i];
		for (k = 0; k < t->d.n_vios; k++) {
			size_t j;
			for (j = 0; j < tb->n_lpars; j++)
				if (strcmp(tb->lpars[j].l.name, t->vios[k]) == 0)
					break;
			if (j == tb->n_lpars || !tb->lpars[j].l.is_vios) {
				fail_at(t->where, err, errlen, "disk %s: '%s' is not a VIOS of "
				        "this topology", t->d.id, t->vios[k]);
				goto out;
			}
			t->d.vios[k] = (int)j;
		}
	}

	/* fill the world */
	w->hmcs = calloc(tb->n_hmcs, sizeof *w->hmcs);
	w->hosts = calloc(tb->n_hosts, sizeof *w->hosts);
	w->lpars = tb->n_lpars ? calloc(tb->n_lpars, sizeof *w->lpars) : NULL;
	w->disks = tb->n_disks ? calloc(tb->n_disks, sizeof *w->disks) : NULL;
	if (!w->hmcs || !w->hosts || (tb->n_lpars && !w->lpars) ||
	    (tb->n_disks && !w->disks)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < tb->n_hmcs; i++) {
		struct sim_hmc *h = &w->hmcs[i];
		*h = tb->hmcs[i].h;
		h->idx = (int)i;
		snprintf(h->addr, sizeof h->addr, "127.0.0.1");
		/* Job IDs are epoch milliseconds of the HMC's start; each HMC of the
		 * estate "started" an hour before the next one. */
		h->next_job_id = now - (long long)(tb->n_hmcs - 1 - i) * 3600000LL;
	}
	w->n_hmcs = tb->n_hmcs;
	for (i = 0; i < tb->n_hosts; i++) {
		struct sim_host *h = &w->hosts[i];
		*h = tb->hosts[i].h;
		h->idx = (int)i;
		if (!h->ip[0])
			snprintf(h->ip, sizeof h->ip, "127.0.%zu.%zu", 1 + i / 250, i % 250 + 1);
	}
	w->n_hosts = tb->n_hosts;
	/* PartitionIDs: VIOSs first on each host, then client LPARs. */
	for (k = 0; k < 2; k++)
		for (i = 0; i < tb->n_lpars; i++) {
			struct sim_lpar *l = &w->lpars[i];
			if ((k == 0) != (tb->lpars[i].l.is_vios != 0))
				continue;
			*l = tb->lpars[i].l;
			l->idx = (int)i;
			l->id = ++next_id[l->host];
			if (!l->ip[0]) {
				/* 127.1.(H+1).N: netaddr.h */
				simnet_addr("127.1", l->host, l->id, l->ip, sizeof l->ip);
				l->ip_auto = 1;
			}
			/* the boot of a running partition starts its refcode history */
			if (l->state == SIM_LPAR_RUNNING)
				world_refcode_push(w, l, world_os_refcode(l), NULL, 0);
		}
	w->n_lpars = tb->n_lpars;
	for (i = 0; i < tb->n_disks; i++)
		w->disks[i] = tb->disks[i].d;
	w->n_disks = tb->n_disks;

	/* hosts that start down take their partitions with them */
	for (i = 0; i < w->n_hosts; i++)
		if (w->hosts[i].state != SIM_HOST_OPERATING) {
			enum sim_host_state st = w->hosts[i].state;
			w->hosts[i].state = SIM_HOST_OPERATING;
			world_host_set_state(w, &w->hosts[i], st, 0);
		}

	/* the timeline must make sense against this world */
	for (i = 0; i < tb->n_events; i++) {
		const struct simfault_event *ev = &tb->events[i];
		const char *argv[SIMFAULT_MAX_ARGS];
		char ferr[512];
		int a;

		for (a = 0; a < ev->argc; a++)
			argv[a] = ev->argv[a];
		if (simfault_exec(w, ev->clear, ev->argc, argv, 1, ferr, sizeof ferr) == -1) {
			fail_at(ev->where, err, errlen, "timeline: %s", ferr);
			goto out;
		}
	}
	rc = 0;
out:
	free(proc_used);
	free(mem_used);
	free(next_id);
	return rc;
}

void
simtopo_builder_free(struct tb *tb)
{
	free(tb->hmcs);
	free(tb->hosts);
	free(tb->lpars);
	free(tb->disks);
	free(tb->events);
}

void
simtopo_hand_over(struct tb *tb, struct simfault_event **events, size_t *n_events)
{
	if (events) {
		*events = tb->n_events ? tb->events : NULL;
		if (tb->n_events)
			tb->events = NULL;
	}
	if (n_events)
		*n_events = tb->n_events;
}

/* ---- the built-in default estate ----
 * Keep in step with contrib/hmcsim/topologies/default.lua: the test suite
 * checks that both give the same world. */

static const struct {
	const char *name, *mtms;
	double proc, mem_gb;
} def_hosts[] = {
	{ "rt11", "8286-42A*0607585", 24, 512 },
	{ "rt12", "8286-42A*2100E5W", 24, 512 },
	{ "rt13", "9009-42A*21E0B2V", 24, 1024 },
	{ "rt14", "9080-M9S*7830E2X", 48, 2048 },
};

static const double def_procs[10] = { 0.5, 1.0, 2.0, 0.75, 4.0, 1.5, 0.5, 2.5, 1.0, 3.0 };
static const double def_mems[10] = { 8, 16, 4, 32, 12, 64, 8, 24, 16, 48 };
static const char *const def_stopped[] = { "rt12007", "rt14004" };
static const char *const def_hmcs[] = { "hmc1", "hmc2" };

int
simtopo_load_default(struct world *w, struct simfault_event **events, size_t *n_events,
                  char *err, size_t errlen)
{
	static const char *const vioses[] = { "rt11v1", "rt11v2", "rt12v1", "rt12v2",
		"rt13v1", "rt13v2", "rt14v1", "rt14v2" };
	struct tb tb = { 0 };
	char name[SIM_NAME_LEN], e[400];
	size_t h, i, k;
	int rc = -1;

	if (events)
		*events = NULL;
	if (n_events)
		*n_events = 0;
	tb.w = w;
	for (i = 0; i < 2; i++) {
		struct hmc_spec s = { def_hmcs[i], "hscroot", "abc123", NULL, NULL, -1, -1 };
		if (simtopo_add_hmc(&tb, &s, SIMTOPO_BUILTIN, e, sizeof e) == -1)
			goto bad;
	}
	for (h = 0; h < 4; h++) {
		struct host_spec s = { def_hosts[h].name, def_hosts[h].mtms, NULL, NULL,
			NULL, def_hosts[h].proc, def_hosts[h].mem_gb, def_hmcs, 2 };
		if (simtopo_add_host(&tb, &s, SIMTOPO_BUILTIN, e, sizeof e) == -1)
			goto bad;
	}
	for (h = 0; h < 4; h++) {
		for (i = 1; i <= 2; i++) {
			struct lpar_spec s = { 0 };
			snprintf(name, sizeof name, "%sv%zu", def_hosts[h].name, i);
			s.name = name;
			s.host = def_hosts[h].name;
			s.proc = 1.0;
			s.mem_gb = 8;
			s.proc_min = s.proc_max = s.mem_min_gb = s.mem_max_gb = -1;
			s.srr = -1;
			s.is_vios = 1;
			if (simtopo_add_lpar(&tb, &s, SIMTOPO_BUILTIN, e, sizeof e) == -1)
				goto bad;
		}
		for (i = 1; i <= 10; i++) {
			struct lpar_spec s = { 0 };
			size_t j = (i - 1 + h * 3) % 10;
			snprintf(name, sizeof name, "%s%03zu", def_hosts[h].name, i);
			s.name = name;
			s.host = def_hosts[h].name;
			s.proc = def_procs[j];
			s.mem_gb = def_mems[j];
			s.proc_min = s.proc_max = s.mem_min_gb = s.mem_max_gb = -1;
			s.srr = -1;
			s.state = "running";
			for (k = 0; k < sizeof def_stopped / sizeof def_stopped[0]; k++)
				if (strcmp(name, def_stopped[k]) == 0)
					s.state = "not activated";
			if (simtopo_add_lpar(&tb, &s, SIMTOPO_BUILTIN, e, sizeof e) == -1)
				goto bad;
		}
	}
	{
		struct disk_spec r = { "6005076801810179D000000000000A01", 20, vioses, 8 };
		struct disk_spec d = { "6005076801810179D000000000000A02", 10, vioses, 8 };
		if (simtopo_add_disk(&tb, &r, SIMTOPO_BUILTIN, e, sizeof e) == -1 ||
		    simtopo_add_disk(&tb, &d, SIMTOPO_BUILTIN, e, sizeof e) == -1)
			goto bad;
	}
	if (simtopo_finish(&tb, err, errlen) == -1)
		goto out;
	simtopo_hand_over(&tb, events, n_events);
	rc = 0;
	goto out;
bad:
	snprintf(err, errlen, "%s: %s", SIMTOPO_BUILTIN, e);
out:
	simtopo_builder_free(&tb);
	return rc;
}
