/* inventory — what each HMC manages, as last read (see inventory.h).
 *
 * One entry per HMC holds its last good read (hosts, VIOSs, LPARs); a read
 * is a round of four feeds in parallel whose results replace the entry's
 * only when all four succeeded.  Good reads are written to the store's
 * inventory table (kinds console, host, vios, lpar; the fields lookups need
 * are in `extra` as key=value lines) and loaded back at start.  Ownership:
 * the inventory owns entries, rounds and refresh waiters; a round whose HMC
 * was removed lives on, detached, until its feeds answered.
 */
#include "inventory.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <ev.h>

#include "buf.h"
#include "config.h"
#include "hmc.h"
#include "hmcxml.h"
#include "log.h"
#include "mem.h"
#include "store.h"
#include "tscale.h"
#include "str.h"

#define INV_FEEDS 4

struct inv_round;

/* One HMC: its last good read and its reading state. */
struct inv_hmc {
	struct inventory *inv;
	char name[STORE_NAME_MAX];
	const struct config_hmc *expect;        /* hosts={} of the file, or NULL */
	int ready;                      /* a good read exists (now or stored) */
	int stale;                      /* read again when it comes up */
	int again;                      /* start another round after this one */
	int failures;                   /* failed rounds since the last success */
	unsigned seq_started;           /* rounds started (seq of the last one) */
	struct inv_round *round;        /* in flight, or NULL */
	ev_timer retry;
	int64_t read_ms;                /* time of the last good read */
	struct hmc_ms *ms;
	size_t n_ms;
	struct hmc_lpar *vioses;
	size_t n_vioses;
	struct hmc_lpar *lpars;
	size_t n_lpars;
};

/* The four feeds of one read. */
struct inv_round {
	struct inventory *inv;
	struct inv_hmc *h;              /* NULL once the HMC was removed */
	unsigned seq;
	int pending;
	enum hmc_errc errc;
	char err[512];                  /* first failure, "" if none */
	struct hmc_console *consoles;
	size_t n_consoles;
	struct hmc_ms *ms;
	size_t n_ms;
	struct hmc_lpar *vioses;
	size_t n_vioses;
	struct hmc_lpar *lpars;
	size_t n_lpars;
	struct inv_round *next;
};

/* inventory_refresh's caller, waiting for rounds of some HMCs. */
struct inv_need {
	struct inv_hmc *h;              /* NULL once satisfied */
	unsigned seq;                   /* a round >= seq satisfies it */
};

struct inv_waiter {
	struct inventory *inv;
	void (*cb)(void *arg, const char *err);
	void *arg;
	struct inv_need *need;
	size_t n_need;
	char err[512];
	int firing;
	ev_timer fire;                  /* zero timer: cb runs from the loop */
	struct inv_waiter *next;
};

struct inventory {
	struct ev_loop *loop;
	struct hmc_set *hmcs;
	struct store *store;
	double retry_interval;
	int shutting;                   /* the HMC client shut down */
	struct inv_hmc **v;             /* sorted by name */
	size_t n;
	struct inv_round *rounds;       /* in flight */
	struct inv_waiter *waiters;
};

static void round_start(struct inv_hmc *h);
static void waiters_done(struct inventory *inv, struct inv_hmc *h, unsigned seq,
                         const char *err);

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Appends key=value to b, quoting the value when it has blanks or quotes. */
static void
kv(struct buf *b, const char *key, const char *val)
{
	const char *p;
	int quote = !*val;

	for (p = val; *p; p++)
		if (*p == ' ' || *p == '"' || *p == '=' || *p == '\t')
			quote = 1;
	buf_printf(b, " %s=", key);
	if (!quote) {
		buf_puts(b, val);
		return;
	}
	buf_putc(b, '"');
	for (p = val; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(b, '\\');
		buf_putc(b, (*p == '\n' || *p == '\t') ? ' ' : *p);
	}
	buf_putc(b, '"');
}

/* ---- entries ------------------------------------------------------------ */
static void
data_free(struct hmc_ms *ms, size_t n_ms, struct hmc_lpar *vioses, struct hmc_lpar *lpars)
{
	hmcxml_free_ms(ms, n_ms);
	free(vioses);
	free(lpars);
}

static struct inv_hmc *
hmc_find(const struct inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->n; i++)
		if (strcmp(inv->v[i]->name, name) == 0)
			return inv->v[i];
	return NULL;
}

static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct inv_hmc *h = w->data;

	(void)loop;
	(void)revents;
	if (!h->inv->shutting && h->stale && !h->round)
		round_start(h);
}

static struct inv_hmc *
hmc_track(struct inventory *inv, const char *name)
{
	struct inv_hmc *h = mem_calloc(1, sizeof(*h));
	size_t i;

	h->inv = inv;
	str_copy(h->name, sizeof(h->name), name);
	h->stale = 1;
	ev_timer_init(&h->retry, retry_cb, 1., 0.);
	h->retry.data = h;
	inv->v = mem_reallocarray(inv->v, inv->n + 1, sizeof(*inv->v));
	for (i = inv->n; i > 0 && strcmp(inv->v[i - 1]->name, name) > 0; i--)
		inv->v[i] = inv->v[i - 1];
	inv->v[i] = h;
	inv->n++;
	return h;
}

static void
hmc_free(struct inventory *inv, struct inv_hmc *h)
{
	ev_timer_stop(inv->loop, &h->retry);
	if (h->round)
		h->round->h = NULL;
	data_free(h->ms, h->n_ms, h->vioses, h->lpars);
	free(h);
}

/* ---- the store ------------------------------------------------------------ */
/* extra: "key=value" lines; newlines in values become blanks. */
static void
ex_put(struct buf *b, const char *key, const char *val)
{
	const char *p;

	buf_printf(b, "%s=", key);
	for (p = val; *p; p++)
		buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
	buf_putc(b, '\n');
}

static void
ex_get(const char *extra, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);
	const char *p = extra;

	out[0] = '\0';
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			snprintf(out, outlen, "%.*s", (int)(n - klen - 1), p + klen + 1);
			return;
		}
		p = nl ? nl + 1 : NULL;
	}
}

static long long
ex_num(const char *extra, const char *key, long long dflt)
{
	char v[32];

	ex_get(extra, key, v, sizeof(v));
	return v[0] ? strtoll(v, NULL, 10) : dflt;
}

static int
put_row(struct store *s, const char *hmc, const char *kind, const char *uuid,
        const char *name, const char *host_uuid, const char *state,
        const struct buf *extra, int64_t t, char *err, size_t errlen)
{
	struct store_inv r;

	memset(&r, 0, sizeof(r));
	str_copy(r.hmc, sizeof(r.hmc), hmc);
	str_copy(r.kind, sizeof(r.kind), kind);
	str_copy(r.uuid, sizeof(r.uuid), uuid);
	str_copy(r.name, sizeof(r.name), name);
	str_copy(r.host_uuid, sizeof(r.host_uuid), host_uuid);
	str_copy(r.state, sizeof(r.state), state);
	r.extra = buf_str(extra);
	r.discovered_at = t;
	return store_inv_put(s, &r, err, errlen);
}

static int
put_parts(struct store *s, const char *hmc, const char *kind,
          const struct hmc_lpar *p, size_t n, int64_t t, char *err, size_t errlen)
{
	struct buf b = { 0 };
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		buf_reset(&b);
		buf_printf(&b, "id=%d\n", p[i].id);
		ex_put(&b, "type", p[i].type);
		ex_put(&b, "state", p[i].state);
		ex_put(&b, "refcode", p[i].refcode);
		ex_put(&b, "rmc_state", p[i].rmc_state);
		ex_put(&b, "rmc_ip", p[i].rmc_ip);
		ex_put(&b, "os_version", p[i].os_version);
		buf_printf(&b, "srr_capable=%d\n", p[i].srr_capable);
		rc = put_row(s, hmc, kind, p[i].uuid, p[i].name, p[i].ms_uuid, p[i].state,
		             &b, t, err, errlen);
	}
	buf_free(&b);
	return rc;
}

/* Replaces the stored rows of h by its current data, in one transaction. */
static void
persist(struct inv_hmc *h, const struct hmc_console *con)
{
	static const char *const kinds[] = { "console", "host", "vios", "lpar" };
	struct store *s = h->inv->store;
	struct buf b = { 0 };
	char err[512];
	size_t i;
	int rc = 0;

	if (!s)
		return;
	if (store_begin(s, err, sizeof(err)) == -1)
		goto fail;
	ex_put(&b, "version", con ? con->version : "");
	rc = put_row(s, h->name, "console", con && con->uuid[0] ? con->uuid : h->name,
	             con ? con->name : "", "", "", &b, h->read_ms, err, sizeof(err));
	for (i = 0; i < h->n_ms && rc == 0; i++) {
		const struct hmc_ms *m = &h->ms[i];

		buf_reset(&b);
		ex_put(&b, "state", m->state);
		ex_put(&b, "ip", m->ip);
		ex_put(&b, "type", m->mtms.type);
		ex_put(&b, "model", m->mtms.model);
		ex_put(&b, "serial", m->mtms.serial);
		rc = put_row(s, h->name, "host", m->uuid, m->name, "", m->state, &b,
		             h->read_ms, err, sizeof(err));
	}
	if (rc == 0)
		rc = put_parts(s, h->name, "vios", h->vioses, h->n_vioses, h->read_ms,
		               err, sizeof(err));
	if (rc == 0)
		rc = put_parts(s, h->name, "lpar", h->lpars, h->n_lpars, h->read_ms,
		               err, sizeof(err));
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && rc == 0; i++)
		if (store_inv_prune(s, h->name, kinds[i], h->read_ms) == -1) {
			snprintf(err, sizeof(err), "inventory: pruning %s rows failed", kinds[i]);
			rc = -1;
		}
	buf_free(&b);
	if (rc == 0 && store_commit(s, err, sizeof(err)) == 0)
		return;
	if (rc != 0)
		store_rollback(s);
fail:
	log_msg(LOGL_WARN, "inventory", "event=inventory_store_failed hmc=%s error=\"%s\"",
	        h->name, err);
}

struct load_ctx {
	struct inventory *inv;
	int is_vios;
};

static int
load_console_cb(const struct store_inv *r, void *arg)
{
	struct load_ctx *lc = arg;
	struct inv_hmc *h = hmc_find(lc->inv, r->hmc);

	if (h) {
		h->ready = 1;
		if (r->discovered_at > h->read_ms)
			h->read_ms = r->discovered_at;
	}
	return 0;
}

static int
load_host_cb(const struct store_inv *r, void *arg)
{
	struct load_ctx *lc = arg;
	struct inv_hmc *h = hmc_find(lc->inv, r->hmc);
	struct hmc_ms *m;

	if (!h)
		return 0;
	h->ms = mem_reallocarray(h->ms, h->n_ms + 1, sizeof(*h->ms));
	m = &h->ms[h->n_ms++];
	memset(m, 0, sizeof(*m));
	m->srr_capable = -1;
	str_copy(m->uuid, sizeof(m->uuid), r->uuid);
	str_copy(m->name, sizeof(m->name), r->name);
	ex_get(r->extra, "state", m->state, sizeof(m->state));
	ex_get(r->extra, "ip", m->ip, sizeof(m->ip));
	ex_get(r->extra, "type", m->mtms.type, sizeof(m->mtms.type));
	ex_get(r->extra, "model", m->mtms.model, sizeof(m->mtms.model));
	ex_get(r->extra, "serial", m->mtms.serial, sizeof(m->mtms.serial));
	h->ready = 1;
	if (r->discovered_at > h->read_ms)
		h->read_ms = r->discovered_at;
	return 0;
}

static int
load_part_cb(const struct store_inv *r, void *arg)
{
	struct load_ctx *lc = arg;
	struct inv_hmc *h = hmc_find(lc->inv, r->hmc);
	struct hmc_lpar **v, *p;
	size_t *n;

	if (!h)
		return 0;
	v = lc->is_vios ? &h->vioses : &h->lpars;
	n = lc->is_vios ? &h->n_vioses : &h->n_lpars;
	*v = mem_reallocarray(*v, *n + 1, sizeof(**v));
	p = &(*v)[(*n)++];
	memset(p, 0, sizeof(*p));
	str_copy(p->uuid, sizeof(p->uuid), r->uuid);
	str_copy(p->name, sizeof(p->name), r->name);
	str_copy(p->ms_uuid, sizeof(p->ms_uuid), r->host_uuid);
	p->id = (int)ex_num(r->extra, "id", 0);
	ex_get(r->extra, "type", p->type, sizeof(p->type));
	ex_get(r->extra, "state", p->state, sizeof(p->state));
	ex_get(r->extra, "refcode", p->refcode, sizeof(p->refcode));
	ex_get(r->extra, "rmc_state", p->rmc_state, sizeof(p->rmc_state));
	ex_get(r->extra, "rmc_ip", p->rmc_ip, sizeof(p->rmc_ip));
	ex_get(r->extra, "os_version", p->os_version, sizeof(p->os_version));
	p->srr_capable = (int)ex_num(r->extra, "srr_capable", -1);
	p->is_vios = lc->is_vios;
	return 0;
}

static void
load(struct inventory *inv)
{
	struct load_ctx lc = { inv, 0 };

	if (!inv->store)
		return;
	store_inv_list(inv->store, NULL, "console", load_console_cb, &lc);
	store_inv_list(inv->store, NULL, "host", load_host_cb, &lc);
	lc.is_vios = 1;
	store_inv_list(inv->store, NULL, "vios", load_part_cb, &lc);
	lc.is_vios = 0;
	store_inv_list(inv->store, NULL, "lpar", load_part_cb, &lc);
}

/* ---- reading ------------------------------------------------------------ */
static int
host_listed(const struct config_hmc *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_hosts; i++)
		if (strcmp(c->hosts[i], name) == 0)
			return 1;
	return 0;
}

static void
log_read(const struct inv_hmc *h, const struct hmc_console *con)
{
	const struct config_hmc *c = h->expect;
	struct buf b = { 0 };
	size_t i, j;

	buf_printf(&b, "event=inventory hmc=%s hosts=%zu vioses=%zu lpars=%zu",
	           h->name, h->n_ms, h->n_vioses, h->n_lpars);
	kv(&b, "version", con ? con->version : "");
	kv(&b, "console", con ? con->name : "");
	log_msg(LOGL_INFO, "inventory", "%s", buf_str(&b));

	for (i = 0; i < h->n_ms; i++) {
		const struct hmc_ms *m = &h->ms[i];
		size_t nv = 0, nl = 0, run = 0;
		char mtms[80];

		for (j = 0; j < h->n_vioses; j++)
			if (strcasecmp(h->vioses[j].ms_uuid, m->uuid) == 0)
				nv++;
		for (j = 0; j < h->n_lpars; j++)
			if (strcasecmp(h->lpars[j].ms_uuid, m->uuid) == 0) {
				nl++;
				if (strcmp(h->lpars[j].state, "running") == 0)
					run++;
			}
		snprintf(mtms, sizeof(mtms), "%s-%s*%s", m->mtms.type,
		         m->mtms.model, m->mtms.serial);
		buf_reset(&b);
		buf_printf(&b, "event=inventory_host hmc=%s", h->name);
		kv(&b, "host", m->name);
		kv(&b, "uuid", m->uuid);
		kv(&b, "state", m->state);
		kv(&b, "mtms", mtms);
		buf_printf(&b, " proc_avail=%.2f proc_installed=%.2f "
		           "mem_avail_mb=%lld mem_installed_mb=%lld vioses=%zu "
		           "lpars=%zu lpars_running=%zu", m->proc_avail,
		           m->proc_installed, m->mem_avail_mb, m->mem_installed_mb,
		           nv, nl, run);
		log_msg(LOGL_INFO, "inventory", "%s", buf_str(&b));
	}
	/* hosts={} in the configuration names the hosts the admin expects */
	for (i = 0; c && i < c->n_hosts; i++) {
		int found = 0;

		for (j = 0; j < h->n_ms; j++)
			if (strcmp(h->ms[j].name, c->hosts[i]) == 0)
				found = 1;
		if (found)
			continue;
		buf_reset(&b);
		buf_printf(&b, "event=inventory_missing_host hmc=%s", h->name);
		kv(&b, "host", c->hosts[i]);
		kv(&b, "where", c->where);
		log_msg(LOGL_WARN, "inventory", "%s", buf_str(&b));
	}
	for (j = 0; c && c->n_hosts && j < h->n_ms; j++)
		if (!host_listed(c, h->ms[j].name)) {
			buf_reset(&b);
			buf_printf(&b, "event=inventory_unlisted_host hmc=%s", h->name);
			kv(&b, "host", h->ms[j].name);
			log_msg(LOGL_NOTICE, "inventory", "%s", buf_str(&b));
		}
	buf_free(&b);
}

static void
round_free(struct inv_round *r)
{
	struct inv_round **pp;

	for (pp = &r->inv->rounds; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	hmcxml_free_consoles(r->consoles, r->n_consoles);
	data_free(r->ms, r->n_ms, r->vioses, r->lpars);
	free(r);
}

/* The client shut down: nothing more will be read. */
static void
shut(struct inventory *inv)
{
	size_t i;

	if (inv->shutting)
		return;
	inv->shutting = 1;
	for (i = 0; i < inv->n; i++) {
		ev_timer_stop(inv->loop, &inv->v[i]->retry);
		waiters_done(inv, inv->v[i], 0, "ksysd is stopping");
	}
}

static void
round_done(struct inv_round *r)
{
	struct inventory *inv = r->inv;
	struct inv_hmc *h = r->h;
	struct buf b = { 0 };
	const char *werr = NULL;
	char msg[600];

	if (r->errc == HMC_ESHUTDOWN)
		shut(inv);
	if (!h) {
		round_free(r);
		return;
	}
	h->round = NULL;
	if (r->err[0]) {
		int quiet = r->errc == HMC_ESHUTDOWN || r->errc == HMC_ECANCELED;

		buf_printf(&b, "event=inventory_failed hmc=%s", h->name);
		kv(&b, "error", r->err);
		buf_printf(&b, " failures=%d retry_in=%gs", ++h->failures,
		           inv->retry_interval);
		/* warn once per outage; the retries go to debug */
		log_msg(h->failures == 1 && !quiet ? LOGL_WARN : LOGL_DEBUG, "inventory",
		        "%s", buf_str(&b));
		buf_free(&b);
		if (!inv->shutting && !h->again) {
			ev_timer_stop(inv->loop, &h->retry);
			ev_timer_set(&h->retry, tscale_secs(inv->retry_interval), 0.);
			ev_timer_start(inv->loop, &h->retry);
		}
		snprintf(msg, sizeof(msg), "%s: %s", h->name, r->err);
		werr = msg;
	} else {
		int64_t t = now_ms();

		data_free(h->ms, h->n_ms, h->vioses, h->lpars);
		h->ms = r->ms;
		h->n_ms = r->n_ms;
		h->vioses = r->vioses;
		h->n_vioses = r->n_vioses;
		h->lpars = r->lpars;
		h->n_lpars = r->n_lpars;
		r->ms = NULL;
		r->vioses = r->lpars = NULL;
		r->n_ms = r->n_vioses = r->n_lpars = 0;
		h->read_ms = t > h->read_ms ? t : h->read_ms + 1;
		h->ready = 1;
		h->stale = 0;
		h->failures = 0;
		log_read(h, r->n_consoles ? &r->consoles[0] : NULL);
		persist(h, r->n_consoles ? &r->consoles[0] : NULL);
	}
	waiters_done(inv, h, r->seq, werr);
	round_free(r);
	if (h->again && !inv->shutting) {
		h->again = 0;
		round_start(h);
	}
}

static void
feed_cb(void *arg, const struct hmc_error *err, struct hmc_feed *f)
{
	struct inv_round *r = arg;

	if (err) {
		if (!r->err[0]) {
			snprintf(r->err, sizeof(r->err), "%s: %s", hmc_errc_name(err->code),
			         err->msg);
			r->errc = err->code;
		}
	} else {
		switch (f->obj) {
		case HMC_OBJ_CONSOLE:
			r->consoles = f->consoles;
			r->n_consoles = f->n;
			f->consoles = NULL;
			break;
		case HMC_OBJ_MS:
			r->ms = f->ms;
			r->n_ms = f->n;
			f->ms = NULL;
			break;
		case HMC_OBJ_VIOS:
			r->vioses = f->lpars;
			r->n_vioses = f->n;
			f->lpars = NULL;
			break;
		case HMC_OBJ_LPAR:
			r->lpars = f->lpars;
			r->n_lpars = f->n;
			f->lpars = NULL;
			break;
		}
	}
	if (--r->pending == 0)
		round_done(r);
}

static void
round_start(struct inv_hmc *h)
{
	static const enum hmc_obj objs[INV_FEEDS] = {
		HMC_OBJ_CONSOLE, HMC_OBJ_MS, HMC_OBJ_VIOS, HMC_OBJ_LPAR
	};
	struct inventory *inv = h->inv;
	struct inv_round *r;
	size_t i;

	if (h->round) {
		h->again = 1;
		return;
	}
	ev_timer_stop(inv->loop, &h->retry);
	r = mem_calloc(1, sizeof(*r));
	r->inv = inv;
	r->h = h;
	r->seq = ++h->seq_started;
	r->pending = INV_FEEDS;
	r->next = inv->rounds;
	inv->rounds = r;
	h->round = r;
	for (i = 0; i < INV_FEEDS; i++) {
		struct hmc_read rq = { 0 };

		rq.obj = objs[i];
		rq.hmc = h->name;
		hmc_read(inv->hmcs, &rq, feed_cb, r);
	}
}

/* ---- refresh waiters ---------------------------------------------------- */
static void
waiter_free(struct inv_waiter *w)
{
	ev_timer_stop(w->inv->loop, &w->fire);
	free(w->need);
	free(w);
}

static void
fire_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct inv_waiter *w = t->data, **pp;

	(void)loop;
	(void)revents;
	for (pp = &w->inv->waiters; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	if (w->cb)
		w->cb(w->arg, w->err[0] ? w->err : NULL);
	waiter_free(w);
}

static void
waiter_check(struct inv_waiter *w)
{
	size_t i;

	if (w->firing)
		return;
	for (i = 0; i < w->n_need; i++)
		if (w->need[i].h)
			return;
	w->firing = 1;
	ev_timer_set(&w->fire, 0., 0.);
	ev_timer_start(w->inv->loop, &w->fire);
}

/* A round seq of h ended (err NULL: good); seq 0 satisfies every need of h. */
static void
waiters_done(struct inventory *inv, struct inv_hmc *h, unsigned seq, const char *err)
{
	struct inv_waiter *w;
	size_t i;

	for (w = inv->waiters; w; w = w->next) {
		for (i = 0; i < w->n_need; i++) {
			if (w->need[i].h != h || (seq && seq < w->need[i].seq))
				continue;
			w->need[i].h = NULL;
			if (err && !w->err[0])
				str_copy(w->err, sizeof(w->err), err);
		}
		waiter_check(w);
	}
}

/* ---- the API -------------------------------------------------------------- */
struct inventory *
inventory_new(struct ev_loop *loop, struct hmc_set *hmcs, struct store *store,
              double retry_interval)
{
	struct inventory *inv = mem_calloc(1, sizeof(*inv));
	size_t i, n = hmcs ? hmc_set_count(hmcs) : 0;

	inv->loop = loop;
	inv->hmcs = hmcs;
	inv->store = store;
	inv->retry_interval = retry_interval > 0 ? retry_interval : 10;
	for (i = 0; i < n; i++) {
		struct hmc_status st;

		if (hmc_set_status(hmcs, i, &st) == 0 && !hmc_find(inv, st.name))
			hmc_track(inv, st.name);
	}
	load(inv);
	for (i = 0; i < inv->n; i++)
		round_start(inv->v[i]);
	return inv;
}

void
inventory_free(struct inventory *inv)
{
	size_t i;

	if (!inv)
		return;
	while (inv->waiters) {
		struct inv_waiter *w = inv->waiters;

		inv->waiters = w->next;
		waiter_free(w);
	}
	for (i = 0; i < inv->n; i++)
		hmc_free(inv, inv->v[i]);
	while (inv->rounds)
		round_free(inv->rounds);
	free(inv->v);
	free(inv);
}

void
inventory_expect(struct inventory *inv, const struct config_hmc *c)
{
	struct inv_hmc *h = hmc_find(inv, c->name);

	if (h)
		h->expect = c;
}

void
inventory_add_hmc(struct inventory *inv, const char *hmc)
{
	struct inv_hmc *h = hmc_find(inv, hmc);

	if (!h)
		h = hmc_track(inv, hmc);
	h->stale = 1;
	if (!inv->shutting)
		round_start(h);
}

void
inventory_remove_hmc(struct inventory *inv, const char *hmc)
{
	struct inv_hmc *h = hmc_find(inv, hmc);
	char err[300];
	size_t i;

	if (!h)
		return;
	snprintf(err, sizeof(err), "%s: the HMC was removed", hmc);
	waiters_done(inv, h, 0, err);
	for (i = 0; i < inv->n; i++)
		if (inv->v[i] == h) {
			memmove(&inv->v[i], &inv->v[i + 1], (inv->n - i - 1) * sizeof(*inv->v));
			inv->n--;
			break;
		}
	hmc_free(inv, h);
	if (inv->store)
		store_inv_prune(inv->store, hmc, NULL, INT64_MAX);
}

void
inventory_refresh(struct inventory *inv, const char *hmc,
                  void (*cb)(void *arg, const char *err), void *arg)
{
	struct inv_waiter *w = mem_calloc(1, sizeof(*w));
	size_t i;

	w->inv = inv;
	w->cb = cb;
	w->arg = arg;
	ev_timer_init(&w->fire, fire_cb, 0., 0.);
	w->fire.data = w;
	w->next = inv->waiters;
	inv->waiters = w;
	w->need = mem_calloc(inv->n ? inv->n : 1, sizeof(*w->need));
	if (inv->shutting) {
		snprintf(w->err, sizeof(w->err), "ksysd is stopping");
	} else if (hmc && !hmc_find(inv, hmc)) {
		snprintf(w->err, sizeof(w->err), "no HMC named '%s'", hmc);
	} else {
		for (i = 0; i < inv->n; i++) {
			struct inv_hmc *h = inv->v[i];

			if (hmc && strcmp(h->name, hmc) != 0)
				continue;
			w->need[w->n_need].h = h;
			w->need[w->n_need++].seq = h->seq_started + 1;
			h->stale = 1;
			round_start(h);
		}
	}
	waiter_check(w);
}

void
inventory_hmc_state(struct inventory *inv, const char *hmc, int up)
{
	struct inv_hmc *h = hmc_find(inv, hmc);

	if (!h)
		return;
	if (!up)
		h->stale = 1;
	else if (h->stale && !h->round && !inv->shutting)
		round_start(h);
}

/* ---- lookups ---------------------------------------------------------------- */
/* Every known host once (data from the freshest read that has it), in name
 * order; *n set.  Caller frees.  want_hmc: only hosts it manages. */
static struct inv_host *
merged_hosts(const struct inventory *inv, const char *want_hmc, size_t *n)
{
	struct inv_host *v = NULL;
	int64_t *age = NULL;
	int *wanted = NULL;
	size_t i, j, k, nv = 0, out;

	for (i = 0; i < inv->n; i++) {
		const struct inv_hmc *h = inv->v[i];

		for (j = 0; j < h->n_ms; j++) {
			const struct hmc_ms *m = &h->ms[j];

			for (k = 0; k < nv; k++)
				if (strcasecmp(v[k].uuid, m->uuid) == 0)
					break;
			if (k == nv) {
				v = mem_reallocarray(v, nv + 1, sizeof(*v));
				age = mem_reallocarray(age, nv + 1, sizeof(*age));
				wanted = mem_reallocarray(wanted, nv + 1, sizeof(*wanted));
				memset(&v[k], 0, sizeof(v[k]));
				age[k] = -1;
				wanted[k] = 0;
				nv++;
			}
			if (h->read_ms > age[k]) {
				str_copy(v[k].uuid, sizeof(v[k].uuid), m->uuid);
				str_copy(v[k].name, sizeof(v[k].name), m->name);
				str_copy(v[k].state, sizeof(v[k].state), m->state);
				str_copy(v[k].ip, sizeof(v[k].ip), m->ip);
				v[k].mtms = m->mtms;
				age[k] = h->read_ms;
			}
			/* entries are in name order, so is the list */
			if (strlen(v[k].hmcs) + strlen(h->name) + 2 <= sizeof(v[k].hmcs)) {
				if (v[k].n_hmcs)
					strcat(v[k].hmcs, ",");
				strcat(v[k].hmcs, h->name);
			}
			v[k].n_hmcs++;
			if (!want_hmc || strcmp(want_hmc, h->name) == 0)
				wanted[k] = 1;
		}
	}
	for (i = out = 0; i < nv; i++)
		if (wanted[i])
			v[out++] = v[i];
	free(age);
	free(wanted);
	/* insertion sort by name, then UUID: a few dozen hosts */
	for (i = 1; i < out; i++) {
		struct inv_host x = v[i];

		for (j = i; j > 0; j--) {
			int c = strcmp(v[j - 1].name, x.name);
			if (c < 0 || (c == 0 && strcasecmp(v[j - 1].uuid, x.uuid) <= 0))
				break;
			v[j] = v[j - 1];
		}
		v[j] = x;
	}
	*n = out;
	return v;
}

int
inventory_hosts(struct inventory *inv, const char *hmc,
                int (*cb)(const struct inv_host *h, void *arg), void *arg)
{
	size_t i, n;
	struct inv_host *v = merged_hosts(inv, hmc, &n);
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = cb(&v[i], arg);
	free(v);
	return rc;
}

int
inventory_find_host(struct inventory *inv, const char *name_or_uuid,
                    struct inv_host *out, char *err, size_t errlen)
{
	size_t i, n, hits = 0;
	struct inv_host *v = merged_hosts(inv, NULL, &n);
	struct buf b = { 0 };
	int rc = -1;

	for (i = 0; i < n; i++)
		if (strcasecmp(v[i].uuid, name_or_uuid) == 0) {
			*out = v[i];
			rc = 0;
			goto out;
		}
	for (i = 0; i < n; i++)
		if (strcasecmp(v[i].name, name_or_uuid) == 0) {
			buf_printf(&b, "%s%s", hits ? ", " : "", v[i].uuid);
			if (!hits++)
				*out = v[i];
		}
	if (hits == 1) {
		rc = 0;
	} else if (hits > 1) {
		snprintf(err, errlen, "host name '%s' is ambiguous: give its UUID (%s)",
		         name_or_uuid, buf_str(&b));
	} else if (n == 0) {
		snprintf(err, errlen, "no HMC manages a host named '%s' (no host is known: "
		         "%s)", name_or_uuid, inv->n ? "no HMC could be read yet"
		         : "no HMC is configured");
	} else {
		buf_reset(&b);
		for (i = 0; i < n; i++)
			if (i == 0 || strcmp(v[i].name, v[i - 1].name) != 0)
				buf_printf(&b, "%s%s", i ? ", " : "", v[i].name);
		snprintf(err, errlen, "no HMC manages a host named '%s' (known: %s)",
		         name_or_uuid, buf_str(&b));
	}
out:
	buf_free(&b);
	free(v);
	return rc;
}

static int
part_cmp(const void *a, const void *b)
{
	const struct hmc_lpar *const *x = a, *const *y = b;
	int c = strcmp((*x)->name, (*y)->name);

	return c ? c : strcasecmp((*x)->uuid, (*y)->uuid);
}

int
inventory_partitions(struct inventory *inv, const char *host_uuid, int vios,
                     int (*cb)(const struct hmc_lpar *p, void *arg), void *arg)
{
	const struct inv_hmc *best = NULL;
	const struct hmc_lpar *src, **sel;
	size_t i, j, n, ns = 0;
	int rc = 0;

	/* the freshest read of an HMC that manages the host */
	for (i = 0; i < inv->n; i++) {
		const struct inv_hmc *h = inv->v[i];

		for (j = 0; j < h->n_ms; j++)
			if (strcasecmp(h->ms[j].uuid, host_uuid) == 0 &&
			    (!best || h->read_ms > best->read_ms))
				best = h;
	}
	if (!best)
		return 0;
	src = vios ? best->vioses : best->lpars;
	n = vios ? best->n_vioses : best->n_lpars;
	sel = mem_calloc(n ? n : 1, sizeof(*sel));
	for (i = 0; i < n; i++)
		if (strcasecmp(src[i].ms_uuid, host_uuid) == 0)
			sel[ns++] = &src[i];
	qsort(sel, ns, sizeof(*sel), part_cmp);
	for (i = 0; i < ns && rc == 0; i++)
		rc = cb(sel[i], arg);
	free(sel);
	return rc;
}

int
inventory_ready(struct inventory *inv, const char *hmc)
{
	size_t i;

	if (hmc) {
		const struct inv_hmc *h = hmc_find(inv, hmc);
		return h && h->ready;
	}
	for (i = 0; i < inv->n; i++)
		if (!inv->v[i]->ready)
			return 0;
	return inv->n > 0;
}
