/* cmd_obj — the vios, viodisk and vm classes of ksysmgr.
 *
 * VIOS and VM rows are created by `add host` and discovery (recon.h); here
 * they are shown, put in or out of ksys management, and the VM policies of
 * spec/D §8 and §10 (ha_monitor, detection speed, priority, home host,
 * blacklist) are changed.  A request is checked completely, then applied in
 * one store transaction: a refused request changes nothing.  `query
 * viodisk` reads the VIOSs' physical volumes through the HMC client and
 * prints the free disks that every listed VIOS sees.  Texts follow the
 * Redbook (spec/D §5.3).  Not for the grammar (cmd.c) nor for discovery.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_priv.h"
#include "effective.h"
#include "core.h"
#include "hmc.h"
#include "log.h"
#include "mem.h"
#include "store.h"

#define KNOWN_MAX       20              /* names listed in a refusal */
#define VMFILE_MAX      (1024 * 1024)   /* size cap of a filepath= file */
#define LIST_MAX        256             /* hosts in blacklist_hosts=, VMs in a file */
#define DISK_RULE       97              /* width of query viodisk's rule */

/* ---- objects read once per request ------------------------------------------ */
/* Hosts, host groups and VIOSs are few (spec/D §12: 4 groups of 12 hosts);
 * VMs can be many, so they are read one at a time or streamed. */
struct objs {
	struct store *s;
	struct store_host *hosts;
	size_t n_hosts, c_hosts;
	struct store_host_group *groups;
	size_t n_groups, c_groups;
	struct store_vios *vioses;
	size_t n_vioses, c_vioses;
	char sys_ha[16], sys_speed[16];         /* system values (spec/D §8) */
};

static void *
grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	return mem_reallocarray(v, *cap, size);
}

static int
objs_host_cb(const struct store_host *h, void *arg)
{
	struct objs *o = arg;

	o->hosts = grow(o->hosts, &o->c_hosts, o->n_hosts, sizeof(*o->hosts));
	o->hosts[o->n_hosts++] = *h;
	return 0;
}

static int
objs_group_cb(const struct store_host_group *g, void *arg)
{
	struct objs *o = arg;

	o->groups = grow(o->groups, &o->c_groups, o->n_groups, sizeof(*o->groups));
	o->groups[o->n_groups++] = *g;
	return 0;
}

static int
objs_vios_cb(const struct store_vios *v, void *arg)
{
	struct objs *o = arg;

	o->vioses = grow(o->vioses, &o->c_vioses, o->n_vioses, sizeof(*o->vioses));
	o->vioses[o->n_vioses++] = *v;
	return 0;
}

static void
objs_load(struct objs *o, struct store *s)
{
	char e[256];

	memset(o, 0, sizeof(*o));
	o->s = s;
	store_host_list(s, objs_host_cb, o);
	store_host_group_list(s, objs_group_cb, o);
	store_vios_list(s, objs_vios_cb, o);
	if (store_sys_get(s, "ha_monitor", o->sys_ha, sizeof(o->sys_ha), e, sizeof(e)) == -1)
		snprintf(o->sys_ha, sizeof(o->sys_ha), "disable");
	if (store_sys_get(s, "vm_failure_detection_speed", o->sys_speed, sizeof(o->sys_speed),
	                  e, sizeof(e)) == -1)
		snprintf(o->sys_speed, sizeof(o->sys_speed), "normal");
}

static void
objs_free(struct objs *o)
{
	free(o->hosts);
	free(o->groups);
	free(o->vioses);
	memset(o, 0, sizeof(*o));
}

static const struct store_host *
objs_host(const struct objs *o, const char *name)
{
	size_t i;

	for (i = 0; name && *name && i < o->n_hosts; i++)
		if (strcmp(o->hosts[i].name, name) == 0)
			return &o->hosts[i];
	return NULL;
}

static const struct store_host_group *
objs_group(const struct objs *o, const char *name)
{
	size_t i;

	for (i = 0; name && *name && i < o->n_groups; i++)
		if (strcmp(o->groups[i].name, name) == 0)
			return &o->groups[i];
	return NULL;
}

/* Host group of the host a VM is on, "" when none. */
static const char *
objs_group_of(const struct objs *o, const char *host)
{
	const struct store_host *h = objs_host(o, host);

	return h ? h->host_group : "";
}

/* ---- refusals that list what exists -------------------------------------------- */
static void
known_add(struct buf *b, size_t *n, const char *name)
{
	if (*n < KNOWN_MAX)
		buf_printf(b, "%s%s", *n ? ", " : "", name);
	(*n)++;
}

static void
known_end(struct buf *b, size_t n)
{
	if (n > KNOWN_MAX)
		buf_printf(b, " and %zu more", n - KNOWN_MAX);
}

static int
refuse_host(const struct objs *o, struct buf *err, const char *cmd, const char *name)
{
	struct buf b = { 0 };
	size_t i, n = 0;
	int rc;

	for (i = 0; i < o->n_hosts; i++)
		known_add(&b, &n, o->hosts[i].name);
	known_end(&b, n);
	if (n)
		rc = cmd_refuse(err, "%s: host '%s' is not known; known hosts: %s", cmd, name,
		                buf_str(&b));
	else
		rc = cmd_refuse(err, "%s: host '%s' is not known, and no host is known yet: add "
		                "one with 'ksysmgr add host NAME'", cmd, name);
	buf_free(&b);
	return rc;
}

static int
refuse_group(const struct objs *o, struct buf *err, const char *cmd, const char *name)
{
	struct buf b = { 0 };
	size_t i, n = 0;
	int rc;

	for (i = 0; i < o->n_groups; i++)
		known_add(&b, &n, o->groups[i].name);
	known_end(&b, n);
	if (n)
		rc = cmd_refuse(err, "%s: host group '%s' is not known; known host groups: %s",
		                cmd, name, buf_str(&b));
	else
		rc = cmd_refuse(err, "%s: host group '%s' is not known, and no host group is "
		                "defined: create one with 'ksysmgr add host_group NAME "
		                "hosts=HOST[,HOST...]'", cmd, name);
	buf_free(&b);
	return rc;
}

/* ---- vios ------------------------------------------------------------------------ */
static const struct store_vios *
vios_find(const struct objs *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->n_vioses; i++)
		if (strcmp(o->vioses[i].name, key) == 0)
			return &o->vioses[i];
	for (i = 0; i < o->n_vioses; i++)
		if (o->vioses[i].uuid[0] && strcasecmp(o->vioses[i].uuid, key) == 0)
			return &o->vioses[i];
	return NULL;
}

/* Resolves keys (names or UUIDs) to indexes into o->vioses, each once, in
 * the order given; refuses unknown ones naming the known VIOSs.  idx has
 * room for n. */
static int
vios_select(const struct objs *o, const char *cmd, char *const *keys, size_t n,
            size_t *idx, size_t *n_idx, struct buf *err)
{
	struct buf bad = { 0 }, known = { 0 };
	size_t i, k, nbad = 0, nk = 0;
	int rc = CMD_OK;

	*n_idx = 0;
	for (i = 0; i < n; i++) {
		const struct store_vios *v = vios_find(o, keys[i]);
		size_t at;
		if (!v) {
			buf_printf(&bad, "%s'%s'", nbad++ ? ", " : "", keys[i]);
			continue;
		}
		at = (size_t)(v - o->vioses);
		for (k = 0; k < *n_idx && idx[k] != at; k++)
			;
		if (k == *n_idx)
			idx[(*n_idx)++] = at;
	}
	if (nbad) {
		for (i = 0; i < o->n_vioses; i++)
			known_add(&known, &nk, o->vioses[i].name);
		known_end(&known, nk);
		if (nk)
			rc = cmd_refuse(err, "%s: no VIOS named (or with UUID) %s; known VIOSs: %s",
			                cmd, buf_str(&bad), buf_str(&known));
		else
			rc = cmd_refuse(err, "%s: no VIOS named (or with UUID) %s, and no VIOS is "
			                "known yet: the VIOSs of a host are learned when it is "
			                "added ('ksysmgr add host NAME')", cmd, buf_str(&bad));
	}
	buf_free(&bad);
	buf_free(&known);
	return rc;
}

static void
vios_record(const struct store_vios *v, int json, int verbose, struct buf *out, int i)
{
	char ver[80], id[16];
	struct cmd_field f[8];
	struct buf one = { 0 };
	size_t n = 6;

	if (!v->version[0])
		snprintf(ver, sizeof(ver), "Unknown");
	else if (strncmp(v->version, "VIOS ", 5) == 0)
		snprintf(ver, sizeof(ver), "%s", v->version);
	else
		snprintf(ver, sizeof(ver), "VIOS %s", v->version);
	snprintf(id, sizeof(id), "%d", v->part_id);
	f[0] = (struct cmd_field){ "Name", v->name, 0 };
	f[1] = (struct cmd_field){ "UUID", v->uuid, 0 };
	f[2] = (struct cmd_field){ "Host", v->host, 0 };
	f[3] = (struct cmd_field){ "Version", ver, 0 };
	f[4] = (struct cmd_field){ "State", v->managed ? "MANAGED" : "UNMANAGED", 0 };
	f[5] = (struct cmd_field){ "HM_versions", v->hm_version[0] ? v->hm_version : "Unknown", 0 };
	if (verbose) {
		f[n++] = (struct cmd_field){ "LPAR_id", id, 1 };
		f[n++] = (struct cmd_field){ "LPAR_state", v->state[0] ? v->state : "Unknown", 0 };
	}
	cmd_put_records(&one, json, f, n, 1, CMD_KV_WIDTH);
	cmd_append_record(out, &one, json, i);
	buf_free(&one);
}

int
cmd_vios_query(const struct cmd_source *src, const struct request *r, struct buf *out,
               struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct objs o;
	size_t *idx, n, i;
	int rc;

	if (!s)
		return CMD_REFUSED;
	objs_load(&o, s);
	idx = mem_calloc(o.n_vioses + r->n_names + 1, sizeof(*idx));
	if (r->n_names) {
		rc = vios_select(&o, "query vios", r->name_v, r->n_names, idx, &n, err);
		if (rc != CMD_OK)
			goto out;
	} else {
		for (n = 0; n < o.n_vioses; n++)
			idx[n] = n;
	}
	for (i = 0; i < n; i++)
		vios_record(&o.vioses[idx[i]], r->json, r->verbose, out, (int)i);
	if (r->json)
		buf_puts(out, n ? "]\n" : "[]\n");
	else if (!n)
		buf_puts(out, "No VIOS is known; the VIOSs of a host are learned when it is "
		         "added ('ksysmgr add host NAME')\n");
	rc = CMD_OK;
out:
	free(idx);
	objs_free(&o);
	return rc;
}

/* ", "-joined VIOS names of host into b. */
static void
vios_names_of(const struct objs *o, const char *host, struct buf *b)
{
	size_t i, n = 0;

	for (i = 0; i < o->n_vioses; i++)
		if (strcmp(o->vioses[i].host, host) == 0)
			buf_printf(b, "%s%s", n++ ? ", " : "", o->vioses[i].name);
}

/* manage and unmanage: a host keeps one to two managed VIOSs (spec/A §1.2:
 * at most two stay in the configuration; ksys watches a host through them,
 * so it needs at least one). */
int
cmd_vios_manage(const struct cmd_source *src, const struct request *r, struct buf *out,
                struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	int target = strcmp(r->action, "manage") == 0;
	const char *done = target ? "managed" : "unmanaged";
	char cmd[32], e[256];
	struct objs o;
	size_t *idx = NULL, *sel = NULL, n, i, k;
	int rc;

	if (!s)
		return CMD_REFUSED;
	snprintf(cmd, sizeof(cmd), "%s vios", r->action);
	objs_load(&o, s);
	idx = mem_calloc(r->n_names + 1, sizeof(*idx));
	sel = mem_calloc(o.n_vioses + 1, sizeof(*sel));
	if ((rc = vios_select(&o, cmd, r->name_v, r->n_names, idx, &n, err)) != CMD_OK)
		goto out;
	for (i = 0; i < n; i++)
		sel[idx[i]] = 1;
	/* the hosts this request changes, checked as they would be after it */
	for (i = 0; i < n; i++) {
		const struct store_vios *v = &o.vioses[idx[i]];
		size_t after = 0, changed = 0;
		struct buf names = { 0 };

		for (k = 0; k < o.n_vioses; k++) {
			if (strcmp(o.vioses[k].host, v->host) != 0)
				continue;
			after += sel[k] ? target : (o.vioses[k].managed != 0);
			changed += sel[k] && (o.vioses[k].managed != 0) != target;
		}
		if (!changed)
			continue;
		vios_names_of(&o, v->host, &names);
		if (!target && after == 0)
			rc = cmd_refuse(err, "unmanage vios: host '%s' would be left without a "
			                "managed VIOS (its VIOSs: %s); ksys watches a host through "
			                "its VIOSs, so one at least stays managed", v->host,
			                buf_str(&names));
		else if (target && after > 2)
			rc = cmd_refuse(err, "manage vios: host '%s' would have %zu managed VIOSs "
			                "(its VIOSs: %s); ksys uses at most two per host: unmanage "
			                "one first with 'ksysmgr unmanage vios NAME'", v->host,
			                after, buf_str(&names));
		buf_free(&names);
		if (rc != CMD_OK)
			goto out;
	}
	if (store_begin(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "%s: %s", cmd, e);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct store_vios *v = &o.vioses[idx[i]];
		if ((v->managed != 0) == target)
			continue;
		v->managed = target;
		if (store_vios_put(s, v, STORE_UPDATE, e, sizeof(e)) == -1) {
			rc = cmd_abort_tx(s, err, cmd, e);
			goto out;
		}
		sel[idx[i]] = 2;                /* changed */
	}
	if (store_commit(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "%s: %s", cmd, e);
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct store_vios *v = &o.vioses[idx[i]];
		if (sel[idx[i]] == 2) {
			buf_printf(out, "VIOS %s was successfully %s. Please run discovery to apply "
			           "changes\n", v->name, done);
			log_msg(LOGL_INFO, "cmd", "event=vios_%s vios=%s host=%s", done, v->name,
			        v->host);
		} else {
			buf_printf(out, "VIOS %s is already %s\n", v->name, done);
		}
	}
	rc = CMD_OK;
out:
	free(idx);
	free(sel);
	objs_free(&o);
	return rc;
}

/* ---- vm: selection ---------------------------------------------------------------- */
struct vmsel {
	struct store_vm *v;
	size_t n, cap;
};

static void
vmsel_push(struct vmsel *sel, const struct store_vm *v, int dedupe)
{
	size_t i;

	for (i = 0; dedupe && i < sel->n; i++)
		if (strcmp(sel->v[i].name, v->name) == 0)
			return;
	sel->v = grow(sel->v, &sel->cap, sel->n, sizeof(*sel->v));
	sel->v[sel->n++] = *v;
}

enum { BY_ANY = 0, BY_NAME, BY_UUID };

static int
vm_lookup(struct store *s, const char *key, int by, struct store_vm *out)
{
	char e[256];

	if (by != BY_UUID && store_vm_get(s, key, out, e, sizeof(e)) == 0)
		return 0;
	if (by != BY_NAME && store_vm_get_uuid(s, key, out, e, sizeof(e)) == 0)
		return 0;
	return -1;
}

/* Adds the VMs named by keys to sel (each once); refuses unknown ones
 * naming some known VMs. */
static int
vm_select_keys(struct store *s, const char *cmd, char *const *keys, size_t n, int by,
               struct vmsel *sel, struct buf *err)
{
	static const char *const how[] = { "named (or with UUID)", "named", "with UUID" };
	struct store_vm v;
	struct buf bad = { 0 };
	char known[2048];
	size_t i, nbad = 0;
	int rc = CMD_OK;

	for (i = 0; i < n; i++) {
		if (vm_lookup(s, keys[i], by, &v) == 0)
			vmsel_push(sel, &v, 1);
		else
			buf_printf(&bad, "%s'%s'", nbad++ ? ", " : "", keys[i]);
	}
	if (!nbad)
		return CMD_OK;
	if (store_names(s, "vm", KNOWN_MAX, known, sizeof(known)) > 0)
		rc = cmd_refuse(err, "%s: no VM %s %s; known VMs: %s", cmd, how[by],
		                buf_str(&bad), known);
	else
		rc = cmd_refuse(err, "%s: no VM %s %s, and no VM is known yet: the VMs of a "
		                "host are learned when it is added ('ksysmgr add host NAME')",
		                cmd, how[by], buf_str(&bad));
	buf_free(&bad);
	return rc;
}

struct all_ctx {
	const struct objs *o;
	const char *host, *group;
	struct vmsel *sel;
};

static int
vm_all_cb(const struct store_vm *v, void *arg)
{
	struct all_ctx *a = arg;

	if (a->host && strcmp(v->host, a->host) != 0)
		return 0;
	if (a->group && strcmp(objs_group_of(a->o, v->host), a->group) != 0)
		return 0;
	vmsel_push(a->sel, v, 0);
	return 0;
}

/* ALL host=H or ALL host_group=G. */
static int
vm_select_all(const struct objs *o, const char *cmd, const char *host, const char *group,
              struct vmsel *sel, struct buf *err)
{
	struct all_ctx a = { o, host, group, sel };

	if (host && !objs_host(o, host))
		return refuse_host(o, err, cmd, host);
	if (group && !objs_group(o, group))
		return refuse_group(o, err, cmd, group);
	store_vm_list(o->s, vm_all_cb, &a);
	if (sel->n)
		return CMD_OK;
	if (host)
		return cmd_refuse(err, "%s: host '%s' has no VM", cmd, host);
	return cmd_refuse(err, "%s: the hosts of host group '%s' have no VM", cmd, group);
}

/* host= given with VM names: each named VM must be on that host. */
static int
vm_check_host(const struct objs *o, const char *cmd, const struct vmsel *sel,
              const char *host, struct buf *err)
{
	size_t i;

	if (!objs_host(o, host))
		return refuse_host(o, err, cmd, host);
	for (i = 0; i < sel->n; i++)
		if (strcmp(sel->v[i].host, host) != 0)
			return cmd_refuse(err, "%s: VM '%s' is on %s%s%s, not on host '%s'", cmd,
			                  sel->v[i].name, sel->v[i].host[0] ? "host '" : "no known host",
			                  sel->v[i].host, sel->v[i].host[0] ? "'" : "", host);
	return CMD_OK;
}

static int
is_all(const struct request *r)
{
	return r->n_names == 1 && strcasecmp(r->name_v[0], "ALL") == 0;
}

/* A name from a filepath= file: printable, no separators, not too long.
 * Lines that are not are refused by number only, so a file that is not a
 * list of VMs is not echoed back. */
static int
vmfile_name_ok(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || n >= STORE_NAME_MAX)
		return 0;
	for (; *p; p++)
		if (*p < 0x20 || *p > 0x7e || strchr(":,$\"'\\", *p))
			return 0;
	return 1;
}

/* The VM names of a filepath= file (one per line; blank lines and lines
 * starting with # are skipped).  ksysd reads it, so the path must be
 * absolute.  A short read of a local regular file: FIFOs and devices are
 * refused so the loop cannot block on them. */
static int
vmfile_read(const char *path, struct buf *names, size_t *n, struct buf *err)
{
	struct buf b = { 0 };
	struct stat st;
	char chunk[8192], *p, *line, *save = NULL;
	ssize_t got;
	size_t lineno = 0;
	int fd, rc = CMD_OK;

	*n = 0;
	if (path[0] != '/')
		return cmd_usage(err, "filepath=%s: give an absolute path (ksysd reads the "
		                 "file on this controller)", path);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return cmd_refuse(err, "modify vm: filepath=%s: cannot open it: %s", path,
		                  strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		rc = cmd_refuse(err, "modify vm: filepath=%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > VMFILE_MAX) {
		rc = cmd_refuse(err, "modify vm: filepath=%s: larger than %d bytes", path,
		                VMFILE_MAX);
		goto out;
	}
	while ((got = read(fd, chunk, sizeof(chunk))) > 0 && b.len <= VMFILE_MAX)
		buf_append(&b, chunk, (size_t)got);
	if (got == -1) {
		rc = cmd_refuse(err, "modify vm: filepath=%s: cannot read it: %s", path,
		                strerror(errno));
		goto out;
	}
	p = b.data ? b.data : (char *)"";
	for (line = strtok_r(p, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t len;
		lineno++;
		while (*line == ' ' || *line == '\t')
			line++;
		len = strlen(line);
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
		               line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!*line || *line == '#')
			continue;
		if (!vmfile_name_ok(line)) {
			rc = cmd_refuse(err, "modify vm: filepath=%s: line %zu is not a VM name "
			                "(one name per line, at most %d printable characters "
			                "without : , $ or quotes)", path, lineno, STORE_NAME_MAX - 1);
			goto out;
		}
		if (*n == LIST_MAX) {
			rc = cmd_refuse(err, "modify vm: filepath=%s: more than %d VMs; split the "
			                "file", path, LIST_MAX);
			goto out;
		}
		buf_append(names, line, strlen(line) + 1);
		(*n)++;
	}
	if (!*n)
		rc = cmd_refuse(err, "modify vm: filepath=%s: lists no VM", path);
out:
	close(fd);
	buf_free(&b);
	return rc;
}

/* ---- vm: query --------------------------------------------------------------------- */
static int
blacklist_cb(const char *host, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s%s", b->len ? "\n" : "", host);
	return 0;
}

/* One `query vm NAME` record (spec/D §5.3, Ex 3-48), appended to out as
 * the i-th of a list.  HA_monitor and VM_failure_detection_speed are the
 * effective values (effective.h). */
static void
vm_record(const struct objs *o, const struct request *r, const struct store_vm *v,
          struct buf *out, int i)
{
	const struct store_host *h = objs_host(o, v->host);
	const struct store_host_group *g = h ? objs_group(o, h->host_group) : NULL;
	struct buf bl = { 0 }, one = { 0 };
	struct cmd_field f[20];
	char id[16], when[32];
	size_t n = 0;

	store_vm_blacklist_list(o->s, v->name, blacklist_cb, &bl);
	f[n++] = (struct cmd_field){ "Name", v->name, 0 };
	f[n++] = (struct cmd_field){ "UUID", v->uuid, 0 };
	f[n++] = (struct cmd_field){ "State", v->managed ? v->state : "UNMANAGED", 0 };
	f[n++] = (struct cmd_field){ "Host", v->host[0] ? v->host : "Unknown", 0 };
	f[n++] = (struct cmd_field){ "Priority", v->priority, 0 };
	f[n++] = (struct cmd_field){ "VM_failure_detection_speed",
	                             eff_vm_speed(v->vm_failure_detection_speed,
	                                          h ? h->vm_failure_detection_speed : NULL,
	                                          g ? g->vm_failure_detection_speed : NULL,
	                                          o->sys_speed), 0 };
	f[n++] = (struct cmd_field){ "HA_monitor", eff_vm_ha_shown(v->ha_monitor), 0 };
	f[n++] = (struct cmd_field){ "Homehost", v->home_host[0] ? v->home_host : "None", 0 };
	if (bl.len || r->json)
		f[n++] = (struct cmd_field){ "Blacklist_hosts", buf_str(&bl), 2 };
	f[n++] = (struct cmd_field){ "VM_status", v->vm_status, 0 };
	f[n++] = (struct cmd_field){ "Version_conflict", "No", 0 };
	if (r->verbose) {
		snprintf(id, sizeof(id), "%d", v->part_id);
		cmd_fmt_time(when, sizeof(when), v->verified_ms, "Never");
		f[n++] = (struct cmd_field){ "LPAR_id", id, 1 };
		f[n++] = (struct cmd_field){ "LPAR_state", v->lpar_state[0] ? v->lpar_state :
		                             "Unknown", 0 };
		f[n++] = (struct cmd_field){ "LPM_validation_status", v->lpm_status[0] ?
		                             v->lpm_status : "Not validated", 0 };
		f[n++] = (struct cmd_field){ "LPM_validation_time", when, 0 };
		if (v->verify_error[0] || r->json)
			f[n++] = (struct cmd_field){ "Verify_error", v->verify_error, 0 };
	}
	cmd_put_records(&one, r->json, f, n, 1, CMD_KV_WIDTH);
	cmd_append_record(out, &one, r->json, i);
	buf_free(&one);
	buf_free(&bl);
}

struct vmq {
	const struct objs *o;
	const struct request *r;
	struct buf *out;
	int want;                       /* -1 every VM, 1 managed, 0 unmanaged */
	int n;
	struct buf man, unman;          /* list form */
};

static int
vm_query_cb(const struct store_vm *v, void *arg)
{
	struct vmq *q = arg;

	if (q->want >= 0) {
		if ((v->managed != 0) == q->want)
			vm_record(q->o, q->r, v, q->out, q->n++);
		return 0;
	}
	if (q->r->json) {
		buf_puts(q->out, q->n++ ? ",{\"name\":" : "[{\"name\":");
		cmd_put_json_str(q->out, v->name);
		buf_printf(q->out, ",\"managed\":%s}", v->managed ? "true" : "false");
		return 0;
	}
	q->n++;
	buf_printf(v->managed ? &q->man : &q->unman, "\t%s\n", v->name);
	return 0;
}

/* query vm                      the Managed/Unmanaged lists (Ex 3-39)
 * query vm state=manage|unmanage  records of the VMs in that state
 * query vm NAME[,NAME...]       records of those VMs (Ex 3-48) */
int
cmd_vm_query(const struct cmd_source *src, const struct request *r, struct buf *out,
             struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	const char *state = cmd_attr(r, "state");
	struct vmq q;
	struct vmsel sel = { 0 };
	struct objs o;
	size_t i;
	int rc = CMD_OK;

	if (!s)
		return CMD_REFUSED;
	objs_load(&o, s);
	memset(&q, 0, sizeof(q));
	q.o = &o;
	q.r = r;
	q.out = out;
	q.want = state ? strcmp(state, "manage") == 0 : -1;
	if (r->n_names) {
		if ((rc = vm_select_keys(s, "query vm", r->name_v, r->n_names, BY_ANY, &sel,
		                         err)) != CMD_OK)
			goto out;
		for (i = 0; i < sel.n; i++)
			if (q.want < 0 || (sel.v[i].managed != 0) == q.want)
				vm_record(&o, r, &sel.v[i], out, q.n++);
	} else {
		store_vm_list(s, vm_query_cb, &q);
	}
	if (r->json) {
		buf_puts(out, q.n ? "]\n" : "[]\n");
	} else if (!q.n && (r->n_names || q.want >= 0)) {
		buf_printf(out, "%s %s\n", r->n_names ? "None of the named VMs is" : "No VM is",
		           q.want ? "managed" : "unmanaged");
	} else if (!q.n) {
		buf_puts(out, "No VM is known; the VMs of a host are learned when it is added "
		         "('ksysmgr add host NAME') and by discovery\n");
	} else if (q.want < 0 && !r->n_names) {
		buf_printf(out, "Managed VMs:\n%s\nUnmanaged VMs:\n%s", buf_str(&q.man),
		           buf_str(&q.unman));
	}
out:
	buf_free(&q.man);
	buf_free(&q.unman);
	free(sel.v);
	objs_free(&o);
	return rc;
}

/* ---- vm: modify --------------------------------------------------------------------- */
struct names {
	char (*v)[STORE_NAME_MAX];
	size_t n, cap;
};

static int
names_cb(const char *name, void *arg)
{
	struct names *nm = arg;

	nm->v = grow(nm->v, &nm->cap, nm->n, sizeof(*nm->v));
	snprintf(nm->v[nm->n++], STORE_NAME_MAX, "%s", name);
	return 0;
}

static int
names_has(const struct names *nm, const char *name)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		if (strcmp(nm->v[i], name) == 0)
			return 1;
	return 0;
}

static int
list_has(char *const *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

/* Splits a copy of a comma list: *v points into the returned copy (both
 * freed by the caller). */
static char *
split_dup(const char *list, char ***v, size_t *n)
{
	char *copy = mem_strdup(list);
	size_t cap = 1;
	const char *p;

	for (p = list; *p; p++)
		cap += *p == ',';
	*v = mem_calloc(cap, sizeof(**v));
	*n = cmd_split_list(copy, *v, cap);
	return copy;
}

/* ", "-joined hosts of host group g into b. */
static void
group_hosts(const struct objs *o, const char *g, struct buf *b)
{
	size_t i, n = 0;

	for (i = 0; i < o->n_hosts; i++)
		if (strcmp(o->hosts[i].host_group, g) == 0)
			buf_printf(b, "%s%s", n++ ? ", " : "", o->hosts[i].name);
}

/* Checks homehost= and blacklist_hosts= for VM v; sets *warn when the
 * blacklist leaves no other host of its group to restart it on (spec/D
 * §10.1: accepted, with a warning). */
static int
vm_check_policy(const struct objs *o, const struct store_vm *v, const char *home,
                char *const *hv, size_t nh, int del, int *warn, struct buf *err)
{
	const char *group = objs_group_of(o, v->host);
	const char *new_home = home ? home : v->home_host;
	struct names cur = { 0 };
	struct buf b = { 0 };
	size_t i;
	int rc = CMD_OK;

	*warn = 0;
	if (home && *group && strcmp(objs_group_of(o, home), group) != 0) {
		group_hosts(o, group, &b);
		rc = cmd_refuse(err, "modify vm: homehost '%s' is not in host group '%s' of VM "
		                "'%s' (its hosts: %s)", home, group, v->name, buf_str(&b));
		goto out;
	}
	store_vm_blacklist_list(o->s, v->name, names_cb, &cur);
	for (i = 0; i < nh; i++) {
		int present = names_has(&cur, hv[i]);
		if (!del && *group && strcmp(objs_group_of(o, hv[i]), group) != 0) {
			group_hosts(o, group, &b);
			rc = cmd_refuse(err, "modify vm: blacklist_hosts: host '%s' is not in host "
			                "group '%s' of VM '%s' (its hosts: %s)", hv[i], group,
			                v->name, buf_str(&b));
		} else if (!del && present) {
			rc = cmd_refuse(err, "modify vm: host '%s' is already in the blacklist of VM "
			                "'%s'", hv[i], v->name);
		} else if (del && !present) {
			size_t k;
			for (k = 0; k < cur.n; k++)
				buf_printf(&b, "%s%s", k ? ", " : "", cur.v[k]);
			rc = cmd_refuse(err, "modify vm: host '%s' is not in the blacklist of VM "
			                "'%s' (%s%s)", hv[i], v->name, cur.n ? "blacklist: " :
			                "its blacklist is empty", buf_str(&b));
		} else if (!del && strcmp(hv[i], new_home) == 0) {
			rc = cmd_refuse(err, "modify vm: host '%s' is the home host of VM '%s' and "
			                "cannot be blacklisted; change homehost first", hv[i],
			                v->name);
		}
		if (rc != CMD_OK)
			goto out;
	}
	if (home && names_has(&cur, home) && !(del && list_has(hv, nh, home))) {
		rc = cmd_refuse(err, "modify vm: homehost '%s' is in the blacklist of VM '%s'; "
		                "remove it first with 'ksysmgr modify vm %s blacklist_hosts=%s "
		                "policy=delete'", home, v->name, v->name, home);
		goto out;
	}
	if (nh && *group) {
		*warn = 1;
		for (i = 0; i < o->n_hosts; i++) {
			const char *h = o->hosts[i].name;
			int listed = list_has(hv, nh, h);
			if (strcmp(o->hosts[i].host_group, group) != 0 || strcmp(h, v->host) == 0)
				continue;
			if (del ? names_has(&cur, h) && !listed : names_has(&cur, h) || listed)
				continue;
			*warn = 0;
		}
	}
out:
	free(cur.v);
	buf_free(&b);
	return rc;
}

/* VMs of a filepath= file (host= then checks they are on that host). */
static int
vm_select_file(const struct objs *o, const char *path, struct vmsel *sel, struct buf *err)
{
	struct buf names = { 0 };
	char **v = NULL, *p;
	size_t n, i;
	int rc;

	if ((rc = vmfile_read(path, &names, &n, err)) != CMD_OK)
		goto out;
	v = mem_calloc(n, sizeof(*v));
	for (i = 0, p = names.data; i < n; i++, p += strlen(p) + 1)
		v[i] = p;
	rc = vm_select_keys(o->s, "modify vm", v, n, BY_ANY, sel, err);
out:
	free(v);
	buf_free(&names);
	return rc;
}

static int
names_have_all(const struct request *r)
{
	size_t i;

	for (i = 0; i < r->n_names; i++)
		if (strcasecmp(r->name_v[i], "ALL") == 0)
			return 1;
	return 0;
}

int
cmd_vm_modify(const struct cmd_source *src, const struct request *r, struct buf *out,
              struct buf *err)
{
	static const char cmd[] = "modify vm";
	struct store *s = cmd_need_store(src, r, err);
	const char *ha = cmd_attr(r, "ha_monitor"), *prio = cmd_attr(r, "priority"),
	           *bl = cmd_attr(r, "blacklist_hosts"), *policy = cmd_attr(r, "policy"),
	           *home = cmd_attr(r, "homehost"), *fp = cmd_attr(r, "filepath"),
	           *host = cmd_attr(r, "host"),
	           *speed = cmd_attr(r, "vm_failure_detection_speed");
	int del = policy && strcmp(policy, "delete") == 0;
	struct vmsel sel = { 0 };
	struct objs o;
	char *blcopy = NULL, **hv = NULL, e[256], what[96];
	int *warn = NULL, rc;
	size_t nh = 0, i, k;

	if (!s)
		return CMD_REFUSED;
	if (!ha && !prio && !bl && !home && !speed)
		return cmd_usage(err, "modify vm needs an attribute to change: ha_monitor=, "
		                 "priority=, homehost=, blacklist_hosts= or "
		                 "vm_failure_detection_speed= (see 'ksysmgr modify vm -h')");
	if (policy && !bl)
		return cmd_usage(err, "policy= applies to blacklist_hosts=; give "
		                 "blacklist_hosts=HOST[,HOST...] with it");
	if (fp && r->n_names)
		return cmd_usage(err, "modify vm takes VM names or filepath=FILE, not both");
	if (!fp && !r->n_names)
		return cmd_usage(err, "modify vm needs the VMs: NAME[,NAME...], ALL host=HOST "
		                 "or filepath=FILE");
	if (names_have_all(r) && !is_all(r))
		return cmd_usage(err, "ALL selects every VM of a host: give it alone, as in "
		                 "'ksysmgr modify vm ALL host=HOST priority=high'");
	if (is_all(r) && !host)
		return cmd_usage(err, "modify vm ALL needs host=HOST (the VMs of that host)");
	objs_load(&o, s);
	if (bl) {
		blcopy = split_dup(bl, &hv, &nh);
		for (i = 0; i < nh; i++) {
			if (!objs_host(&o, hv[i])) {
				rc = refuse_host(&o, err, cmd, hv[i]);
				goto out;
			}
			if (list_has(hv, i, hv[i])) {
				rc = cmd_usage(err, "blacklist_hosts names host '%s' twice", hv[i]);
				goto out;
			}
		}
	}
	if (home && !objs_host(&o, home)) {
		rc = refuse_host(&o, err, cmd, home);
		goto out;
	}
	if (is_all(r))
		rc = vm_select_all(&o, cmd, host, NULL, &sel, err);
	else if (fp)
		rc = vm_select_file(&o, fp, &sel, err);
	else
		rc = vm_select_keys(s, cmd, r->name_v, r->n_names, BY_ANY, &sel, err);
	if (rc == CMD_OK && host && !is_all(r))
		rc = vm_check_host(&o, cmd, &sel, host, err);
	if (rc != CMD_OK)
		goto out;
	warn = mem_calloc(sel.n + 1, sizeof(*warn));
	for (i = 0; i < sel.n; i++)
		if ((rc = vm_check_policy(&o, &sel.v[i], home, hv, nh, del, &warn[i],
		                          err)) != CMD_OK)
			goto out;
	if (store_begin(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "%s: %s", cmd, e);
		goto out;
	}
	for (i = 0; i < sel.n; i++) {
		struct store_vm *x = &sel.v[i];
		if (ha)
			snprintf(x->ha_monitor, sizeof(x->ha_monitor), "%s", ha);
		if (speed)
			snprintf(x->vm_failure_detection_speed,
			         sizeof(x->vm_failure_detection_speed), "%s", speed);
		if (prio)       /* stored as the Redbook shows it: High, Medium, Low */
			snprintf(x->priority, sizeof(x->priority), "%c%s",
			         toupper((unsigned char)prio[0]), prio + 1);
		if (home)
			snprintf(x->home_host, sizeof(x->home_host), "%s", home);
		if (nh)         /* the targets to validate changed (Ex 3-66) */
			snprintf(x->state, sizeof(x->state), "INIT");
		if (store_vm_put(s, x, STORE_UPDATE, e, sizeof(e)) == -1) {
			rc = cmd_abort_tx(s, err, cmd, e);
			goto out;
		}
		for (k = 0; k < nh; k++)
			if ((del ? store_vm_blacklist_del(s, x->name, hv[k], e, sizeof(e))
			         : store_vm_blacklist_add(s, x->name, hv[k], e, sizeof(e))) == -1) {
				rc = cmd_abort_tx(s, err, cmd, e);
				goto out;
			}
	}
	if (store_commit(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "%s: %s", cmd, e);
		goto out;
	}
	for (i = 0; i < sel.n; i++) {
		if (warn[i])
			buf_printf(out, "WARNING: No backup host will be left for this VM %s.\n",
			           sel.v[i].name);
		snprintf(what, sizeof(what), "VM %s", sel.v[i].name);
		cmd_modified_line(out, what, r);
	}
	log_msg(LOGL_INFO, "cmd", "event=vm_modified vms=%zu first=%s", sel.n, sel.v[0].name);
	rc = CMD_OK;
out:
	free(warn);
	free(hv);
	free(blcopy);
	free(sel.v);
	objs_free(&o);
	return rc;
}

/* ---- vm: manage, unmanage ---------------------------------------------------------- */
int
cmd_vm_manage(const struct cmd_source *src, const struct request *r, struct buf *out,
              struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	int target = strcmp(r->action, "manage") == 0;
	const char *done = target ? "managed" : "unmanaged";
	const char *name = cmd_attr(r, "name"), *uuid = cmd_attr(r, "uuid"),
	           *host = cmd_attr(r, "host"), *group = cmd_attr(r, "host_group");
	struct vmsel sel = { 0 };
	struct objs o;
	char cmd[32], e[256], *copy = NULL, **v = NULL, *chg = NULL;
	size_t n = 0, i, changed = 0;
	int rc, ways;

	if (!s)
		return CMD_REFUSED;
	snprintf(cmd, sizeof(cmd), "%s vm", r->action);
	ways = (r->n_names > 0) + (name != NULL) + (uuid != NULL);
	if (names_have_all(r) && !is_all(r))
		return cmd_usage(err, "ALL selects every VM of a host or host group: give it "
		                 "alone, as in 'ksysmgr %s vm ALL host=HOST'", r->action);
	if (is_all(r) && ways > 1)
		return cmd_usage(err, "%s vm ALL selects by host= or host_group=; name= and "
		                 "uuid= do not go with it", r->action);
	if (is_all(r) && !host == !group)
		return cmd_usage(err, "%s vm ALL needs one of host=HOST or host_group=HG",
		                 r->action);
	if (!is_all(r) && group)
		return cmd_usage(err, "host_group= goes with ALL: 'ksysmgr %s vm ALL "
		                 "host_group=HG'", r->action);
	if (ways == 0)
		return cmd_usage(err, "%s vm needs the VMs: NAME[,NAME...], name=VM[,VM...], "
		                 "uuid=UUID[,UUID...], ALL host=HOST or ALL host_group=HG",
		                 r->action);
	if (ways > 1)
		return cmd_usage(err, "%s vm: give the VMs one way: a NAME list, name= or uuid=",
		                 r->action);
	objs_load(&o, s);
	if (is_all(r)) {
		rc = vm_select_all(&o, cmd, host, group, &sel, err);
	} else if (r->n_names) {
		rc = vm_select_keys(s, cmd, r->name_v, r->n_names, BY_ANY, &sel, err);
	} else {
		copy = split_dup(name ? name : uuid, &v, &n);
		rc = vm_select_keys(s, cmd, v, n, name ? BY_NAME : BY_UUID, &sel, err);
	}
	if (rc == CMD_OK && host && !is_all(r))
		rc = vm_check_host(&o, cmd, &sel, host, err);
	if (rc != CMD_OK)
		goto out;
	chg = mem_calloc(sel.n + 1, 1);
	if (store_begin(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "%s: %s", cmd, e);
		goto out;
	}
	for (i = 0; i < sel.n; i++) {
		struct store_vm *x = &sel.v[i];
		if ((x->managed != 0) == target)
			continue;
		x->managed = target;
		if (store_vm_put(s, x, STORE_UPDATE, e, sizeof(e)) == -1) {
			rc = cmd_abort_tx(s, err, cmd, e);
			goto out;
		}
		chg[i] = 1;
		changed++;
	}
	if (store_commit(s, e, sizeof(e)) == -1) {
		rc = cmd_refuse(err, "%s: %s", cmd, e);
		goto out;
	}
	for (i = 0; i < sel.n; i++) {
		if (chg[i])
			buf_printf(out, "VM %s was successfully %s. Please run discovery to apply "
			           "changes\n", sel.v[i].name, done);
		else
			buf_printf(out, "VM %s is already %s\n", sel.v[i].name, done);
	}
	if (changed)
		log_msg(LOGL_INFO, "cmd", "event=vm_%s vms=%zu", done, changed);
	rc = CMD_OK;
out:
	free(chg);
	free(v);
	free(copy);
	free(sel.v);
	objs_free(&o);
	return rc;
}

/* ---- viodisk ------------------------------------------------------------------------- */
struct vd_req;

struct vd_host {
	struct vd_req *q;
	char name[STORE_NAME_MAX], uuid[64];
};

struct vd_vios {
	char name[STORE_NAME_MAX], uuid[64];
	size_t host;                    /* index into hosts */
	int seen;                       /* in its host's VirtualIOServer feed */
};

/* One `query viodisk` in flight: what the reads need, copied from the
 * request, and the disks of the listed VIOSs as the feeds arrive. */
struct vd_req {
	struct cmd_io io;
	int json;
	struct vd_vios *vioses;
	size_t n_vioses;
	struct vd_host *hosts;
	size_t n_hosts;
	struct hmc_pv *pvs;
	size_t n_pvs, c_pvs;
	struct buf errs;                /* one line per failed read */
	size_t pending;
};

static void
vd_free(struct vd_req *q)
{
	free(q->vioses);
	free(q->hosts);
	free(q->pvs);
	buf_free(&q->errs);
	free(q);
}

static const struct hmc_pv *
vd_free_pv(const struct vd_req *q, const char *vios_uuid, const char *udid)
{
	size_t i;

	for (i = 0; i < q->n_pvs; i++)
		if (q->pvs[i].available == 1 && strcmp(q->pvs[i].udid, udid) == 0 &&
		    strcasecmp(q->pvs[i].vios_uuid, vios_uuid) == 0)
			return &q->pvs[i];
	return NULL;
}

/* Every feed is in: the free disks of the first VIOS that are free on all
 * the others too (matched by UDID, the ViodiskID), named as on the first. */
static void
vd_finish(struct vd_req *q)
{
	const struct vd_vios *first = &q->vioses[0];
	struct buf o = { 0 };
	size_t i, k, rows = 0;
	const char *p, *nl;

	for (i = 0; i < q->n_vioses; i++)
		if (!q->vioses[i].seen)
			buf_printf(&q->errs, "VIOS %s (UUID %s) is not in the VirtualIOServer feed "
			           "of host %s; run discovery of its host group to refresh the "
			           "VIOSs\n", q->vioses[i].name, q->vioses[i].uuid,
			           q->hosts[q->vioses[i].host].name);
	if (q->errs.len) {
		for (p = buf_str(&q->errs); *p; p = nl + 1) {
			nl = strchr(p, '\n');
			cmd_io_printf(&q->io, 'E', "ksysmgr: query viodisk: %.*s", (int)(nl - p), p);
		}
		log_msg(LOGL_NOTICE, "cmd", "event=viodisk_query_failed vioses=%zu",
		        q->n_vioses);
		q->io.end(q->io.ctx, CMD_REFUSED);
		vd_free(q);
		return;
	}
	if (q->json) {
		buf_putc(&o, '[');
	} else {
		buf_printf(&o, "These are the shared free disks which appear on all VIOS in "
		           "the list provided:\nDiskNames are as they appear on VIOS %s\n\n"
		           "%-16s %-16s %s\n", first->name, "DiskName", "Size", "ViodiskID");
		for (i = 0; i < DISK_RULE; i++)
			buf_putc(&o, '-');
		buf_putc(&o, '\n');
	}
	for (i = 0; i < q->n_pvs; i++) {
		const struct hmc_pv *pv = &q->pvs[i];
		char size[32];
		if (pv->available != 1 || strcasecmp(pv->vios_uuid, first->uuid) != 0 ||
		    vd_free_pv(q, first->uuid, pv->udid) != pv)
			continue;       /* not free on the first VIOS, or seen twice there */
		for (k = 1; k < q->n_vioses && vd_free_pv(q, q->vioses[k].uuid, pv->udid); k++)
			;
		if (k < q->n_vioses)
			continue;
		snprintf(size, sizeof(size), "%lld", pv->size_mb);
		if (q->json) {
			buf_puts(&o, rows ? ",{\"diskname\":" : "{\"diskname\":");
			cmd_put_json_str(&o, pv->name);
			buf_printf(&o, ",\"size\":%s,\"viodiskid\":", size);
			cmd_put_json_str(&o, pv->udid);
			buf_putc(&o, '}');
		} else {
			buf_printf(&o, "%-16s %-16s %s\n", pv->name[0] ? pv->name : "-", size,
			           pv->udid);
		}
		rows++;
	}
	if (q->json)
		buf_puts(&o, "]\n");
	else if (!rows)
		buf_puts(&o, "No free disk appears on every VIOS in the list\n");
	cmd_io_lines(&q->io, 'O', &o);
	buf_free(&o);
	log_msg(LOGL_INFO, "cmd", "event=viodisk_query vioses=%zu hosts=%zu shared_free=%zu",
	        q->n_vioses, q->n_hosts, rows);
	q->io.end(q->io.ctx, CMD_OK);
	vd_free(q);
}

static void
vd_feed_cb(void *arg, const struct hmc_error *err, struct hmc_feed *f)
{
	struct vd_host *h = arg;
	struct vd_req *q = h->q;
	size_t i, k;

	if (err) {
		buf_printf(&q->errs, "host %s: %s%s%s\n", h->name, err->hmc, err->hmc[0] ? ": " : "",
		           err->msg);
	} else {
		for (i = 0; i < f->n; i++)
			for (k = 0; k < q->n_vioses; k++)
				if (strcasecmp(f->lpars[i].uuid, q->vioses[k].uuid) == 0)
					q->vioses[k].seen = 1;
		for (i = 0; i < f->n_pvs; i++) {
			for (k = 0; k < q->n_vioses; k++)
				if (strcasecmp(f->pvs[i].vios_uuid, q->vioses[k].uuid) == 0)
					break;
			if (k == q->n_vioses)
				continue;       /* a VIOS not in the list */
			q->pvs = grow(q->pvs, &q->c_pvs, q->n_pvs, sizeof(*q->pvs));
			q->pvs[q->n_pvs++] = f->pvs[i];
		}
	}
	if (--q->pending == 0)
		vd_finish(q);
}

/* The VIOSs of the request: vios= (names or UUIDs, in the order given) or
 * hosts= (the managed VIOSs of each host, by name).  idx has room for every
 * VIOS. */
static int
vd_select(const struct objs *o, const char *vl, const char *hl, size_t *idx, size_t *n,
          struct buf *err)
{
	char *copy, **v = NULL;
	size_t nv, i, k, j;
	int rc = CMD_OK;

	copy = split_dup(vl ? vl : hl, &v, &nv);
	if (vl) {
		rc = vios_select(o, "query viodisk", v, nv, idx, n, err);
		goto out;
	}
	*n = 0;
	for (i = 0; i < nv && rc == CMD_OK; i++) {
		size_t before = *n;
		if (!objs_host(o, v[i])) {
			rc = refuse_host(o, err, "query viodisk", v[i]);
			break;
		}
		if (list_has(v, i, v[i]))
			continue;
		for (k = 0; k < o->n_vioses; k++) {
			if (strcmp(o->vioses[k].host, v[i]) != 0 || !o->vioses[k].managed)
				continue;
			for (j = 0; j < *n && idx[j] != k; j++)
				;
			if (j == *n)
				idx[(*n)++] = k;
		}
		if (*n == before)
			rc = cmd_refuse(err, "query viodisk: host '%s' has no managed VIOS", v[i]);
	}
out:
	free(v);
	free(copy);
	return rc;
}

int
cmd_viodisk_query(const struct cmd_source *src, const struct request *r, struct buf *out,
                  struct buf *err, const struct cmd_io *io)
{
	struct store *s = cmd_need_store(src, r, err);
	const char *vl = cmd_attr(r, "vios"), *hl = cmd_attr(r, "hosts");
	struct core *core;
	struct vd_req *q = NULL;
	struct objs o;
	size_t *idx = NULL, n, i, k;
	struct buf intro = { 0 };
	int rc;

	(void)out;
	if (!s)
		return CMD_REFUSED;
	if (!vl == !hl)
		return cmd_usage(err, "query viodisk needs one of vios=VIOS[,VIOS...] or "
		                 "hosts=HOST[,HOST...]");
	objs_load(&o, s);
	idx = mem_calloc(o.n_vioses + 1, sizeof(*idx));
	if ((rc = vd_select(&o, vl, hl, idx, &n, err)) != CMD_OK)
		goto out;
	for (i = 0; i < n; i++) {
		const struct store_vios *v = &o.vioses[idx[i]];
		const struct store_host *h = objs_host(&o, v->host);
		if (!v->uuid[0] || !h || !h->uuid[0]) {
			rc = cmd_refuse(err, "query viodisk: the UUID of VIOS '%s' or of its host "
			                "'%s' is not known yet; run 'ksysmgr add host %s' again or "
			                "a discovery", v->name, v->host, v->host);
			goto out;
		}
	}
	if (!(core = cmd_need_core(src, r, err))) {
		rc = CMD_REFUSED;
		goto out;
	}
	if (core->stopping || !core->hmcs) {
		rc = cmd_refuse(err, "query viodisk: ksysd is %s", core->stopping ? "stopping" :
		                "not connected to any HMC; add one with 'ksysmgr add hmc'");
		goto out;
	}
	q = mem_calloc(1, sizeof(*q));
	q->io = *io;
	q->json = r->json;
	q->vioses = mem_calloc(n, sizeof(*q->vioses));
	q->hosts = mem_calloc(n, sizeof(*q->hosts));
	for (i = 0; i < n; i++) {
		const struct store_vios *v = &o.vioses[idx[i]];
		const struct store_host *h = objs_host(&o, v->host);
		snprintf(q->vioses[i].name, sizeof(q->vioses[i].name), "%s", v->name);
		snprintf(q->vioses[i].uuid, sizeof(q->vioses[i].uuid), "%s", v->uuid);
		for (k = 0; k < q->n_hosts && strcmp(q->hosts[k].name, h->name) != 0; k++)
			;
		if (k == q->n_hosts) {
			q->hosts[k].q = q;
			snprintf(q->hosts[k].name, sizeof(q->hosts[k].name), "%s", h->name);
			snprintf(q->hosts[k].uuid, sizeof(q->hosts[k].uuid), "%s", h->uuid);
			q->n_hosts++;
		}
		q->vioses[i].host = k;
	}
	q->n_vioses = n;
	q->pending = q->n_hosts;
	if (!q->json) {                 /* Ex 3-30: the list first, then the work */
		buf_puts(&intro, "\nLooking for free shared disks in these VIOSs:\n");
		for (i = 0; i < n; i++)
			buf_printf(&intro, "\t%s\n", q->vioses[i].name);
		buf_puts(&intro, "\nThis can take a few minutes\n");
		cmd_io_lines(&q->io, 'O', &intro);
		buf_free(&intro);
	}
	for (k = 0; k < q->n_hosts; k++) {
		struct hmc_read rq = { HMC_OBJ_VIOS, q->hosts[k].uuid, NULL, NULL };
		hmc_read(core->hmcs, &rq, vd_feed_cb, &q->hosts[k]);
	}
	rc = CMD_PENDING;
out:
	free(idx);
	objs_free(&o);
	return rc;
}
