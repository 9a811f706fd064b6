/* recon — the store's VIOS and VM rows of some hosts made to match their HMC
 * feeds (see recon.h).
 *
 * One pass per kind (VIOSs, then VMs; the two tables are separate name
 * spaces): the rows that matter are loaded (rows of the given hosts, rows
 * whose UUID or name the HMCs report), partitions are matched to rows by
 * UUID then by name, the final name of every partition is decided, then the
 * rows are changed in this order inside one transaction: deletions, renames
 * (through temporary names, so swaps and chains work), updates, insertions.
 *
 * Name rules (the store's names are unique per table, LPAR names are only
 * unique per host):
 *   - a row of a host outside the given set keeps its name;
 *   - a partition that already has a row keeps it; a rename whose new name
 *     is held by a row that stays keeps the old name;
 *   - a new partition whose name is taken is not added (the first one in
 *     hosts[] order, then feed order, wins);
 * each such conflict is logged (event=recon_conflict, warning level) and is
 * not a change: nothing is written for that partition, so a conflict never
 * corrupts a row, and the rest of the reconciliation goes on.
 * Names longer than the store allows, empty names and UUIDs are skipped the
 * same way.  A UUID reported twice (an LPAR seen on two hosts while it
 * migrates) counts once: the copy that is not "not activated"/"migrating"
 * wins, else the first.
 *
 * Fields written: VM rows get uuid (upper case, as the store keeps it),
 * host, part_id and lpar_state; VIOS rows uuid, host, part_id, state (the
 * partition state, e.g. "running") and version (OperatingSystemVersion,
 * when the HMC gives it); new rows start managed (VMs: state INIT).  A row
 * is rewritten only when one of these differs.
 */
#include "recon.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mem.h"
#include "store.h"
#include "str.h"

/* ---- a small string map (open addressing; keys are borrowed) ---- */
struct smap {
	const char **keys;
	void **vals;
	size_t cap;                     /* power of two, > 2 * entries */
};

static uint64_t
shash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
smap_init(struct smap *m, size_t n)
{
	m->cap = 16;
	while (m->cap < 2 * n + 2)
		m->cap *= 2;
	m->keys = mem_calloc(m->cap, sizeof(*m->keys));
	m->vals = mem_calloc(m->cap, sizeof(*m->vals));
}

static void
smap_free(struct smap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static size_t
smap_slot(const struct smap *m, const char *k)
{
	size_t i = (size_t)shash(k) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], k) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void *
smap_get(const struct smap *m, const char *k)
{
	size_t i = smap_slot(m, k);
	return m->keys[i] ? m->vals[i] : NULL;
}

static int
smap_has(const struct smap *m, const char *k)
{
	return m->keys[smap_slot(m, k)] != NULL;
}

/* Adds k (keeps the first value).  The map is sized by its user for every
 * key it will hold. */
static void
smap_put(struct smap *m, const char *k, void *v)
{
	size_t i = smap_slot(m, k);

	if (!m->keys[i]) {
		m->keys[i] = k;
		m->vals[i] = v;
	}
}

static void
smap_clear(struct smap *m)
{
	memset(m->keys, 0, m->cap * sizeof(*m->keys));
	memset(m->vals, 0, m->cap * sizeof(*m->vals));
}

/* ---- what the HMCs report and what the store has ---- */
struct seen {
	const struct hmc_lpar *l;
	size_t host;                    /* index in hosts[] */
	char uuid[HMC_UUID_LEN];        /* upper case */
	struct row *row;                /* matched row, NULL: new */
	int keep_old;                   /* rename refused: keeps the row's name */
	int conflict;                   /* new, but its name is taken: skipped */
};

struct row {
	char name[STORE_NAME_MAX];
	char uuid[64];                  /* upper case */
	char host[STORE_NAME_MAX];
	int part_id;
	char state[48];                 /* VM lpar_state, VIOS state */
	char version[64];               /* VIOS version ("VIOS 3.1.0.00") */
	int in_set;                     /* its host is one of the given hosts */
	struct seen *seen;
};

struct kind_pass {
	struct recon_ctx *rc;
	int is_vios;
	const char *label;              /* "VIOS", "VM" */
	struct seen *seen;
	size_t n_seen;
	struct smap seen_uuid, seen_name;       /* -> struct seen */
	struct row *rows;
	size_t n_rows, c_rows;
};

struct change_rec {
	struct recon_change c;
	char name[STORE_NAME_MAX], old_name[STORE_NAME_MAX];
	char host[STORE_NAME_MAX], from_host[STORE_NAME_MAX];
	char uuid[HMC_UUID_LEN];
};

struct recon_ctx {
	struct store *s;
	const struct recon_host *hosts;
	size_t n;
	struct change_rec *ch;
	size_t n_ch, c_ch;
	unsigned tmp_seq;
};

static int
host_index(const struct recon_ctx *rc, const char *name)
{
	size_t i;

	for (i = 0; i < rc->n; i++)
		if (strcmp(rc->hosts[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void
add_change(struct recon_ctx *rc, enum recon_what what, int is_vios, const char *name,
           const char *old_name, const char *host, const char *from_host, const char *uuid)
{
	struct change_rec *r;

	if (rc->n_ch == rc->c_ch) {
		rc->c_ch = rc->c_ch ? 2 * rc->c_ch : 16;
		rc->ch = mem_reallocarray(rc->ch, rc->c_ch, sizeof(*rc->ch));
	}
	r = &rc->ch[rc->n_ch++];
	memset(r, 0, sizeof(*r));
	r->c.what = what;
	r->c.is_vios = is_vios;
	str_copy(r->name, sizeof(r->name), name);
	str_copy(r->old_name, sizeof(r->old_name), old_name ? old_name : "");
	str_copy(r->host, sizeof(r->host), host ? host : "");
	str_copy(r->from_host, sizeof(r->from_host), from_host ? from_host : "");
	str_copy(r->uuid, sizeof(r->uuid), uuid ? uuid : "");
}

/* "not activated" and "migrating ..." copies lose against another copy. */
static int
weak_copy(const struct hmc_lpar *l)
{
	return strcasecmp(l->state, "not activated") == 0 ||
	       strncasecmp(l->state, "migrating", 9) == 0;
}

/* Collects the partitions of one kind from every host, without duplicates. */
static void
collect(struct kind_pass *kp)
{
	struct recon_ctx *rc = kp->rc;
	size_t i, j, total = 0;

	for (i = 0; i < rc->n; i++)
		total += kp->is_vios ? rc->hosts[i].n_vioses : rc->hosts[i].n_lpars;
	kp->seen = mem_calloc(total ? total : 1, sizeof(*kp->seen));
	smap_init(&kp->seen_uuid, total);
	smap_init(&kp->seen_name, total);
	for (i = 0; i < rc->n; i++) {
		const struct recon_host *h = &rc->hosts[i];
		const struct hmc_lpar *v = kp->is_vios ? h->vioses : h->lpars;
		size_t nv = kp->is_vios ? h->n_vioses : h->n_lpars;

		for (j = 0; j < nv; j++) {
			const struct hmc_lpar *l = &v[j];
			struct seen *e = &kp->seen[kp->n_seen], *dup;

			if (!l->uuid[0] || !l->name[0] || strlen(l->name) >= STORE_NAME_MAX) {
				log_msg(LOGL_WARN, "recon", "event=recon_skip kind=%s host=%s "
				        "name=\"%s\" uuid=%s reason=\"%s\"", kp->label, h->name,
				        l->name, l->uuid[0] ? l->uuid : "-",
				        !l->uuid[0] ? "no UUID" : !l->name[0] ? "no name" :
				        "name longer than 63 characters");
				continue;
			}
			if (l->ms_uuid[0] && h->ms && strcasecmp(l->ms_uuid, h->ms->uuid) != 0) {
				log_msg(LOGL_WARN, "recon", "event=recon_skip kind=%s host=%s "
				        "name=\"%s\" uuid=%s reason=\"reported on managed system "
				        "%s\"", kp->label, h->name, l->name, l->uuid, l->ms_uuid);
				continue;
			}
			memset(e, 0, sizeof(*e));
			e->l = l;
			e->host = i;
			str_upper(e->uuid, sizeof(e->uuid), l->uuid);
			dup = smap_get(&kp->seen_uuid, e->uuid);
			if (dup) {
				log_msg(LOGL_NOTICE, "recon", "event=recon_duplicate kind=%s "
				        "uuid=%s hosts=%s,%s", kp->label, e->uuid,
				        rc->hosts[dup->host].name, h->name);
				if (weak_copy(dup->l) && !weak_copy(l)) {
					dup->l = l;
					dup->host = i;
				}
				continue;
			}
			kp->n_seen++;
			smap_put(&kp->seen_uuid, e->uuid, e);
		}
	}
	/* names index after dedup (entries do not move any more) */
	for (i = 0; i < kp->n_seen; i++)
		smap_put(&kp->seen_name, kp->seen[i].l->name, &kp->seen[i]);
}

static void
keep_row(struct kind_pass *kp, const char *name, const char *uuid, const char *host,
         int part_id, const char *state, const char *version)
{
	struct row *r;
	char up[64];

	str_upper(up, sizeof(up), uuid);
	if (host_index(kp->rc, host) < 0 && !smap_has(&kp->seen_uuid, up) &&
	    !smap_has(&kp->seen_name, name))
		return;
	if (kp->n_rows == kp->c_rows) {
		kp->c_rows = kp->c_rows ? 2 * kp->c_rows : 64;
		kp->rows = mem_reallocarray(kp->rows, kp->c_rows, sizeof(*kp->rows));
	}
	r = &kp->rows[kp->n_rows++];
	memset(r, 0, sizeof(*r));
	str_copy(r->name, sizeof(r->name), name);
	str_copy(r->uuid, sizeof(r->uuid), up);
	str_copy(r->host, sizeof(r->host), host);
	r->part_id = part_id;
	str_copy(r->state, sizeof(r->state), state);
	str_copy(r->version, sizeof(r->version), version);
	r->in_set = host_index(kp->rc, host) >= 0;
}

static int
vm_row_cb(const struct store_vm *v, void *arg)
{
	keep_row(arg, v->name, v->uuid, v->host, v->part_id, v->lpar_state, "");
	return 0;
}

static int
vios_row_cb(const struct store_vios *v, void *arg)
{
	keep_row(arg, v->name, v->uuid, v->host, v->part_id, v->state, v->version);
	return 0;
}

/* Matches partitions to rows: by UUID, then by name (a row without UUID, or
 * whose UUID no partition has, on one of the hosts or on none). */
static void
match(struct kind_pass *kp)
{
	struct smap by_uuid, by_name;
	size_t i;

	smap_init(&by_uuid, kp->n_rows);
	smap_init(&by_name, kp->n_rows);
	for (i = 0; i < kp->n_rows; i++) {
		if (kp->rows[i].uuid[0])
			smap_put(&by_uuid, kp->rows[i].uuid, &kp->rows[i]);
		smap_put(&by_name, kp->rows[i].name, &kp->rows[i]);
	}
	for (i = 0; i < kp->n_seen; i++) {
		struct seen *e = &kp->seen[i];
		struct row *r = smap_get(&by_uuid, e->uuid);
		if (r && !r->seen) {
			e->row = r;
			r->seen = e;
		}
	}
	for (i = 0; i < kp->n_seen; i++) {
		struct seen *e = &kp->seen[i];
		struct row *r;

		if (e->row)
			continue;
		r = smap_get(&by_name, e->l->name);
		if (r && !r->seen && (!r->uuid[0] || !smap_has(&kp->seen_uuid, r->uuid)) &&
		    (r->in_set || !r->host[0])) {
			e->row = r;
			r->seen = e;
		}
	}
	smap_free(&by_uuid);
	smap_free(&by_name);
}

static int
renaming(const struct seen *e)
{
	return e->row && !e->keep_old && strcmp(e->row->name, e->l->name) != 0;
}

/* Decides every final name (see the rules at the top).  A refused rename
 * keeps its old name, which may have been promised to another partition:
 * then the round starts again; each round fixes one more rename. */
static void
resolve_names(struct kind_pass *kp)
{
	struct smap claims;
	size_t i;
	int again;

	smap_init(&claims, kp->n_rows + kp->n_seen);
	do {
		again = 0;
		smap_clear(&claims);
		for (i = 0; i < kp->n_rows; i++) {
			struct row *r = &kp->rows[i];
			if (!r->seen && !r->in_set)
				smap_put(&claims, r->name, r);
			else if (r->seen && !renaming(r->seen))
				smap_put(&claims, r->name, r);
		}
		for (i = 0; i < kp->n_seen && !again; i++) {
			struct seen *e = &kp->seen[i];
			if (!renaming(e))
				continue;
			if (smap_has(&claims, e->l->name)) {
				e->keep_old = 1;
				again = 1;
				add_change(kp->rc, RECON_CONFLICT, kp->is_vios, e->l->name,
				           e->row->name, kp->rc->hosts[e->host].name, NULL,
				           e->uuid);
				log_msg(LOGL_WARN, "recon", "event=recon_conflict kind=%s "
				        "uuid=%s name=\"%s\" host=%s msg=\"renamed on the HMC "
				        "from %s, but the name is used by another %s; keeping "
				        "%s\"", kp->label, e->uuid, e->l->name,
				        kp->rc->hosts[e->host].name, e->row->name, kp->label,
				        e->row->name);
			} else {
				smap_put(&claims, e->l->name, e);
			}
		}
	} while (again);
	for (i = 0; i < kp->n_seen; i++) {
		struct seen *e = &kp->seen[i];
		if (e->row)
			continue;
		if (smap_has(&claims, e->l->name)) {
			e->conflict = 1;
			add_change(kp->rc, RECON_CONFLICT, kp->is_vios, e->l->name, NULL,
			           kp->rc->hosts[e->host].name, NULL, e->uuid);
			log_msg(LOGL_WARN, "recon", "event=recon_conflict kind=%s uuid=%s "
			        "name=\"%s\" host=%s msg=\"not added: another %s has this "
			        "name\"", kp->label, e->uuid, e->l->name,
			        kp->rc->hosts[e->host].name, kp->label);
		} else {
			smap_put(&claims, e->l->name, e);
		}
	}
	smap_free(&claims);
}

static int
do_rename(struct kind_pass *kp, const char *from, const char *to, char *err, size_t errlen)
{
	return kp->is_vios ? store_vios_rename(kp->rc->s, from, to, err, errlen)
	                   : store_vm_rename(kp->rc->s, from, to, err, errlen);
}

/* The row of e (final name) gets uuid, host, LPAR id and state. */
static int
update_row(struct kind_pass *kp, const struct seen *e, const char *name,
           char *err, size_t errlen)
{
	const char *host = kp->rc->hosts[e->host].name;
	struct store *s = kp->rc->s;

	if (kp->is_vios) {
		struct store_vios v;
		if (store_vios_get(s, name, &v, err, errlen) == -1)
			return -1;
		str_copy(v.uuid, sizeof(v.uuid), e->uuid);
		str_copy(v.host, sizeof(v.host), host);
		v.part_id = e->l->id;
		str_copy(v.state, sizeof(v.state), e->l->state);
		if (e->l->os_version[0])
			str_copy(v.version, sizeof(v.version), e->l->os_version);
		return store_vios_put(s, &v, STORE_UPDATE, err, errlen);
	} else {
		struct store_vm v;
		if (store_vm_get(s, name, &v, err, errlen) == -1)
			return -1;
		str_copy(v.uuid, sizeof(v.uuid), e->uuid);
		str_copy(v.host, sizeof(v.host), host);
		v.part_id = e->l->id;
		str_copy(v.lpar_state, sizeof(v.lpar_state), e->l->state);
		return store_vm_put(s, &v, STORE_UPDATE, err, errlen);
	}
}

static int
insert_row(struct kind_pass *kp, const struct seen *e, char *err, size_t errlen)
{
	const char *host = kp->rc->hosts[e->host].name;
	struct store *s = kp->rc->s;

	if (kp->is_vios) {
		struct store_vios v;
		memset(&v, 0, sizeof(v));
		str_copy(v.name, sizeof(v.name), e->l->name);
		str_copy(v.uuid, sizeof(v.uuid), e->uuid);
		str_copy(v.host, sizeof(v.host), host);
		v.managed = 1;
		v.part_id = e->l->id;
		str_copy(v.state, sizeof(v.state), e->l->state);
		str_copy(v.version, sizeof(v.version), e->l->os_version);
		return store_vios_put(s, &v, STORE_INSERT, err, errlen);
	} else {
		struct store_vm v;
		store_vm_defaults(&v, e->l->name);
		str_copy(v.uuid, sizeof(v.uuid), e->uuid);
		str_copy(v.host, sizeof(v.host), host);
		/* the home host is where the VM was first discovered (spec/D §10.3) */
		str_copy(v.home_host, sizeof(v.home_host), host);
		v.part_id = e->l->id;
		str_copy(v.lpar_state, sizeof(v.lpar_state), e->l->state);
		return store_vm_put(s, &v, STORE_INSERT, err, errlen);
	}
}

static int
row_differs(const struct row *r, const struct seen *e, const char *host, int is_vios)
{
	return strcmp(r->uuid, e->uuid) != 0 || strcmp(r->host, host) != 0 ||
	       r->part_id != e->l->id || strcmp(r->state, e->l->state) != 0 ||
	       (is_vios && e->l->os_version[0] &&
	        strcmp(r->version, e->l->os_version) != 0);
}

/* One kind: load, match, name, then write (inside the caller's transaction)
 * and record the changes. */
static int
pass(struct kind_pass *kp, char *err, size_t errlen)
{
	struct recon_ctx *rc = kp->rc;
	char e2[512], (*tmp)[40] = NULL;
	size_t i;
	int rv = -1, r;

	collect(kp);
	r = kp->is_vios ? store_vios_list(rc->s, vios_row_cb, kp)
	                : store_vm_list(rc->s, vm_row_cb, kp);
	if (r == -1) {
		snprintf(err, errlen, "reading the %s rows failed", kp->label);
		return -1;
	}
	match(kp);
	resolve_names(kp);

	/* 1. rows of the hosts no partition matched: removed */
	for (i = 0; i < kp->n_rows; i++) {
		struct row *row = &kp->rows[i];
		if (row->seen || !row->in_set)
			continue;
		r = kp->is_vios ? store_vios_delete(rc->s, row->name, e2, sizeof(e2))
		                : store_vm_delete(rc->s, row->name, e2, sizeof(e2));
		if (r == -1) {
			snprintf(err, errlen, "removing %s %s: %s", kp->label, row->name, e2);
			goto out;
		}
		add_change(rc, RECON_REMOVED, kp->is_vios, row->name, NULL, row->host,
		           NULL, row->uuid);
	}
	/* 2. renames, through a temporary name each */
	tmp = mem_calloc(kp->n_seen ? kp->n_seen : 1, sizeof(*tmp));
	for (i = 0; i < kp->n_seen; i++) {
		struct seen *e = &kp->seen[i];
		if (!renaming(e))
			continue;
		snprintf(tmp[i], sizeof(tmp[i]), "~recon~%u", ++rc->tmp_seq);
		if (do_rename(kp, e->row->name, tmp[i], e2, sizeof(e2)) == -1) {
			snprintf(err, errlen, "renaming %s %s: %s", kp->label, e->row->name, e2);
			goto out;
		}
	}
	for (i = 0; i < kp->n_seen; i++) {
		struct seen *e = &kp->seen[i];
		if (!renaming(e))
			continue;
		if (do_rename(kp, tmp[i], e->l->name, e2, sizeof(e2)) == -1) {
			snprintf(err, errlen, "renaming %s %s to %s: %s", kp->label,
			         e->row->name, e->l->name, e2);
			goto out;
		}
		add_change(rc, RECON_RENAMED, kp->is_vios, e->l->name, e->row->name,
		           rc->hosts[e->host].name, NULL, e->uuid);
	}
	/* 3. matched rows: uuid, host, id, state */
	for (i = 0; i < kp->n_seen; i++) {
		struct seen *e = &kp->seen[i];
		const char *host = rc->hosts[e->host].name;
		const char *name;

		if (!e->row)
			continue;
		name = renaming(e) ? e->l->name : e->row->name;
		if (row_differs(e->row, e, host, kp->is_vios) && update_row(kp, e, name, e2, sizeof(e2)) == -1) {
			snprintf(err, errlen, "updating %s %s: %s", kp->label, name, e2);
			goto out;
		}
		if (strcmp(e->row->host, host) != 0)
			add_change(rc, RECON_MOVED, kp->is_vios, name, NULL, host,
			           e->row->host, e->uuid);
	}
	/* 4. new partitions */
	for (i = 0; i < kp->n_seen; i++) {
		struct seen *e = &kp->seen[i];
		if (e->row || e->conflict)
			continue;
		if (insert_row(kp, e, e2, sizeof(e2)) == -1) {
			snprintf(err, errlen, "adding %s %s: %s", kp->label, e->l->name, e2);
			goto out;
		}
		add_change(rc, RECON_NEW, kp->is_vios, e->l->name, NULL,
		           rc->hosts[e->host].name, NULL, e->uuid);
	}
	rv = 0;
out:
	free(tmp);
	return rv;
}

static void
pass_free(struct kind_pass *kp)
{
	free(kp->seen);
	free(kp->rows);
	smap_free(&kp->seen_uuid);
	smap_free(&kp->seen_name);
}

/* Host rows: uuid, mtms, FSP address, HMCs. */
static int
refresh_host(struct recon_ctx *rc, const struct recon_host *h, char *err, size_t errlen)
{
	struct store_host row, other;
	char e2[512];

	if (store_host_get(rc->s, h->name, &row, e2, sizeof(e2)) == -1) {
		snprintf(err, errlen, "%s", e2);
		return -1;
	}
	if (h->ms->uuid[0] && store_host_get_uuid(rc->s, h->ms->uuid, &other, e2,
	                                         sizeof(e2)) == 0 &&
	    strcmp(other.name, row.name) != 0) {
		snprintf(err, errlen, "host %s: the HMC gives it UUID %s, which belongs to "
		         "host %s", h->name, h->ms->uuid, other.name);
		return -1;
	}
	if (h->ms->uuid[0])
		str_copy(row.uuid, sizeof(row.uuid), h->ms->uuid);
	if (h->ms->mtms.type[0])
		snprintf(row.mtms, sizeof(row.mtms), "%s-%s*%s", h->ms->mtms.type,
		         h->ms->mtms.model, h->ms->mtms.serial);
	str_copy(row.fsp_ip, sizeof(row.fsp_ip), h->ms->ip);
	if (h->hmcs)
		str_copy(row.hmcs, sizeof(row.hmcs), h->hmcs);
	if (store_host_put(rc->s, &row, STORE_UPDATE, e2, sizeof(e2)) == -1) {
		snprintf(err, errlen, "%s", e2);
		return -1;
	}
	return 0;
}

static int
change_cmp(const void *a, const void *b)
{
	const struct change_rec *x = a, *y = b;
	int c;

	if (x->c.is_vios != y->c.is_vios)
		return x->c.is_vios ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return (int)x->c.what - (int)y->c.what;
}

int
recon_hosts(struct store *s, const struct recon_host *hosts, size_t n,
            void (*cb)(void *arg, const struct recon_change *c), void *arg,
            char *err, size_t errlen)
{
	struct recon_ctx rc;
	struct kind_pass vios, vm;
	char e2[512];
	size_t i, j;
	int rv = -1;

	memset(&rc, 0, sizeof(rc));
	memset(&vios, 0, sizeof(vios));
	memset(&vm, 0, sizeof(vm));
	rc.s = s;
	rc.hosts = hosts;
	rc.n = n;
	for (i = 0; i < n; i++) {
		if (!hosts[i].name || !hosts[i].ms) {
			snprintf(err, errlen, "recon: host %zu has no %s", i,
			         hosts[i].name ? "ManagedSystem entry" : "name");
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(hosts[i].name, hosts[j].name) == 0) {
				snprintf(err, errlen, "recon: host %s is given twice",
				         hosts[i].name);
				return -1;
			}
	}
	if (store_begin(s, e2, sizeof(e2)) == -1) {
		snprintf(err, errlen, "%s", e2);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (refresh_host(&rc, &hosts[i], err, errlen) == -1)
			goto out;
	vios.rc = vm.rc = &rc;
	vios.is_vios = 1;
	vios.label = "VIOS";
	vm.label = "VM";
	if (pass(&vios, err, errlen) == -1 || pass(&vm, err, errlen) == -1)
		goto out;
	if (store_commit(s, e2, sizeof(e2)) == -1) {
		snprintf(err, errlen, "%s", e2);
		rc.n_ch = 0;
		goto done;
	}
	rv = 0;
out:
	if (rv == -1)
		store_rollback(s);
done:
	pass_free(&vios);
	pass_free(&vm);
	if (rv == 0) {
		if (rc.n_ch)
			qsort(rc.ch, rc.n_ch, sizeof(*rc.ch), change_cmp);
		for (i = 0; i < rc.n_ch; i++) {
			struct change_rec *r = &rc.ch[i];
			r->c.name = r->name;
			r->c.old_name = r->old_name;
			r->c.host = r->host;
			r->c.from_host = r->from_host;
			r->c.uuid = r->uuid;
			log_msg(LOGL_INFO, "recon", "event=recon_%s kind=%s name=\"%s\" "
			        "host=%s uuid=%s%s%s", r->c.what == RECON_NEW ? "new" :
			        r->c.what == RECON_MOVED ? "moved" :
			        r->c.what == RECON_RENAMED ? "renamed" : "removed",
			        r->c.is_vios ? "vios" : "vm", r->name, r->host, r->uuid,
			        r->old_name[0] ? " old_name=" : "", r->old_name);
			if (cb)
				cb(arg, &r->c);
		}
		rv = (int)rc.n_ch;
	}
	free(rc.ch);
	return rv;
}

void
recon_change_text(const struct recon_change *c, char *out, size_t outlen)
{
	const char *k = c->is_vios ? "VIOS" : "VM";

	switch (c->what) {
	case RECON_NEW:
		snprintf(out, outlen, "%s %s is new on host %s", k, c->name, c->host);
		break;
	case RECON_MOVED:
		if (c->from_host && c->from_host[0])
			snprintf(out, outlen, "%s %s moved from host %s to host %s", k,
			         c->name, c->from_host, c->host);
		else
			snprintf(out, outlen, "%s %s is now on host %s", k, c->name, c->host);
		break;
	case RECON_RENAMED:
		snprintf(out, outlen, "%s %s was renamed to %s on host %s", k,
		         c->old_name, c->name, c->host);
		break;
	case RECON_REMOVED:
		snprintf(out, outlen, "%s %s was removed from host %s", k, c->name, c->host);
		break;
	case RECON_CONFLICT:
		if (c->old_name && c->old_name[0])
			snprintf(out, outlen, "WARNING: %s %s on host %s was renamed %s on the "
			         "HMC, but another %s has that name; it keeps the name %s", k,
			         c->old_name, c->host, c->name, k, c->old_name);
		else
			snprintf(out, outlen, "WARNING: %s %s on host %s (UUID %s) is not added: "
			         "another %s has that name; rename one of them", k, c->name,
			         c->host, c->uuid, k);
		break;
	default:
		snprintf(out, outlen, "%s %s changed", k, c->name);
		break;
	}
}
