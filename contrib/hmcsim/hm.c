/* hm — clusters, Host Monitors, simulated VM agents and the health requests
 * (see hm.h).
 *
 * The model lives in memory, indexed like world->lpars: per VIOS its Host
 * Monitor (cluster, running since, last HSDB heartbeat, CAA state written);
 * per client LPAR its agent (up since) and one "pair" per HM of its host
 * (does that HM hear it, since when, last beat heard, miss written).  Every
 * change of the world runs a reconcile at that moment: first the due moments
 * up to now are written with the old facts (sync), then the facts change.
 * The HSDB (hsdb.c) only receives the resulting writes.
 */
#include "hm.h"

#include <ev.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <libxml/tree.h>

#include "hsdb.h"
#include "log.h"
#include "loop.h"
#include "mem.h"
#include "tscale.h"
#include "xmlu.h"

#define MAX_PAIRS 4
#define XML_DEPTH 6

struct pair {
	int vios;                       /* lpar index of the HM's VIOS */
	int hear;                       /* that HM hears the agent now */
	double since;                   /* hear last changed */
	double last_hb;                 /* last beat heard (pair creation at first) */
	int missed;                     /* map.vmhbmissed is set */
};

struct vmst {
	int cluster;                    /* index in hm->cl, -1: none */
	size_t pos;                     /* in the cluster's vms */
	int hs;                         /* mirror of vm.state, 0: no row */
	int agent_up;
	double agent_since;
	double start_req;               /* last START_VM */
	double dbell_at;                /* initial doorbell due, 0: none */
	int host;                       /* host of the pairs */
	int np;
	struct pair p[MAX_PAIRS];
};

struct hmst {
	int cluster;                    /* -1: none */
	int running;
	double since;
	double last_hb;                 /* last HSDB heartbeat written */
	int caa;                        /* CAA state written: 1 up, 0 down, -1 none */
	int node;                       /* CAA node number */
	unsigned starts;
	char hmid[48];
};

struct cluster {
	ev_timer timer;                 /* first: the callback casts back */
	struct simhm *hm;
	int id;                         /* 1... */
	struct simhs *db;
	char path[512];
	int *vms;                       /* lpar indexes of VMs with rows here */
	size_t nvms, cvms;
	int *vioses;                    /* lpar indexes of its Host Monitors' VIOSs */
	size_t nvioses;
	int seq, nodes;
	double next;                    /* next due moment, 0: none */
};

struct simhm {
	struct world *w;
	size_t n;
	struct vmst *vm;
	struct hmst *hm;
	int *host_cl;
	struct cluster **cl;
	size_t ncl;
	double fake;
};

static double
D(double sim_secs)
{
	return tscale_secs(sim_secs);
}

double
simhm_now(struct world *w)
{
	struct timeval tv;

	if (w->hm && w->hm->fake > 0)
		return w->hm->fake;
	if (w->loop)
		return ev_now(w->loop);
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static struct simhm *
get(struct world *w)
{
	struct simhm *hm = w->hm;
	double t;
	size_t i;

	if (hm)
		return hm;
	hm = mem_calloc(1, sizeof *hm);
	w->hm = hm;
	hm->w = w;
	hm->n = w->n_lpars;
	hm->vm = mem_calloc(hm->n ? hm->n : 1, sizeof *hm->vm);
	hm->hm = mem_calloc(hm->n ? hm->n : 1, sizeof *hm->hm);
	hm->host_cl = mem_calloc(w->n_hosts ? w->n_hosts : 1, sizeof *hm->host_cl);
	t = simhm_now(w);
	for (i = 0; i < w->n_hosts; i++)
		hm->host_cl[i] = -1;
	for (i = 0; i < hm->n; i++) {
		hm->vm[i].cluster = -1;
		hm->vm[i].host = -1;
		hm->vm[i].agent_up = world_lpar_agent_up(w, &w->lpars[i]);
		hm->vm[i].agent_since = t;
		hm->hm[i].cluster = -1;
		hm->hm[i].caa = -1;
	}
	return hm;
}

static void
cluster_free(struct world *w, struct cluster *c)
{
	if (w->loop)
		ev_timer_stop(w->loop, &c->timer);
	simhs_close(c->db);
	free(c->vms);
	free(c->vioses);
	free(c);
}

void
simhm_free(struct simhm *hm)
{
	size_t i;

	if (!hm)
		return;
	for (i = 0; i < hm->ncl; i++)
		cluster_free(hm->w, hm->cl[i]);
	free(hm->cl);
	free(hm->vm);
	free(hm->hm);
	free(hm->host_cl);
	if (hm->w->hm == hm)
		hm->w->hm = NULL;
	free(hm);
}

static struct sim_lpar *
lp(struct simhm *hm, int i)
{
	return &hm->w->lpars[i];
}

static int
idx_of(struct simhm *hm, const struct sim_lpar *l)
{
	return (int)(l - hm->w->lpars);
}

static long long
host_msid(const struct sim_host *h)
{
	return simhs_msid(h->mtms_type, h->mtms_model, h->mtms_serial);
}

/* ---- timing ---- */

static double
dmax(double a, double b)
{
	return a > b ? a : b;
}

static void
due_at(double *next, double t)
{
	if (t > 0 && (*next == 0 || t < *next))
		*next = t;
}

/* The last beat at or before t of a series starting at since + first, every
 * period; 0 when none yet. */
static double
last_tick(double since, double first, double period, double t)
{
	if (t < since + first)
		return 0;
	return since + first + period * floor((t - since - first) / period);
}

static void cluster_arm(struct simhm *hm, struct cluster *c, double t);

/* Write what became due up to t for VM i (with the facts as they are). */
static void
sync_vm(struct simhm *hm, int i, double t)
{
	struct vmst *v = &hm->vm[i];
	struct sim_lpar *l = lp(hm, i);
	struct cluster *c;
	double due;
	int k, all;

	if (v->cluster < 0)
		return;
	c = hm->cl[v->cluster];
	if (v->hs == SIMHS_VM_STARTING && v->np > 0) {
		all = 1;
		due = v->start_req;
		for (k = 0; k < v->np; k++) {
			if (!v->p[k].hear)
				all = 0;
			due = dmax(due, v->p[k].since);
		}
		due += D(SIMHM_HANDSHAKE);
		if (all && t >= due) {
			simhs_vm_started(c->db, l->uuid, due);
			v->hs = SIMHS_VM_STARTED;
			for (k = 0; k < v->np; k++)
				v->p[k].missed = 0;
			v->dbell_at = due + D(SIMHM_DBELL_BEATS * SIMHM_VM_HB);
			log_msg(LOGL_DEBUG, "hm", "event=vm_started vm=%s cluster=%d", l->name,
			        c->id);
		} else if (all) {
			due_at(&c->next, due);
		}
	}
	if (v->hs != SIMHS_VM_STARTED)
		return;
	for (k = 0; k < v->np; k++) {
		struct pair *p = &v->p[k];
		struct hmst *s = &hm->hm[p->vios];

		if (p->hear && p->missed) {
			due = p->since + D(SIMHM_VM_HB_FIRST);
			if (t < due) {
				due_at(&c->next, due);
				continue;
			}
			simhs_map_missed(c->db, l->uuid, lp(hm, p->vios)->uuid, 0);
			p->missed = 0;
			log_msg(LOGL_INFO, "hm", "event=vm_hb_detected vm=%s hm=%s cluster=%d",
			        l->name, lp(hm, p->vios)->name, c->id);
		} else if (!p->hear && !p->missed && s->running) {
			due = dmax(p->last_hb, s->since) + D(SIMHM_VM_MISSING);
			if (t < due) {
				due_at(&c->next, due);
				continue;
			}
			simhs_map_missed(c->db, l->uuid, lp(hm, p->vios)->uuid, due);
			p->missed = 1;
			log_msg(LOGL_INFO, "hm", "event=vm_hb_missing vm=%s hm=%s cluster=%d",
			        l->name, lp(hm, p->vios)->name, c->id);
		}
	}
	if (v->dbell_at > 0 && v->agent_up && v->np > 0) {
		if (t < v->dbell_at) {
			due_at(&c->next, v->dbell_at);
			return;
		}
		simhs_doorbell(c->db, l->uuid, lp(hm, v->p[0].vios)->uuid, 0x2, v->dbell_at);
		v->dbell_at = 0;
		log_msg(LOGL_DEBUG, "hm", "event=vm_doorbell vm=%s bits=0x2 cluster=%d", l->name,
		        c->id);
	}
}

/* The HSDB heartbeat of VIOS vi's Host Monitor, up to t. */
static void
sync_hm(struct simhm *hm, int vi, double t)
{
	struct hmst *s = &hm->hm[vi];
	double tick;

	if (s->cluster < 0 || !s->running)
		return;
	tick = last_tick(s->since, 0, D(SIMHM_HM_HB), t);
	if (tick > 0 && tick != s->last_hb) {
		s->last_hb = tick;
		simhs_vios_set_hm(hm->cl[s->cluster]->db, lp(hm, vi)->uuid, tick, NULL);
	}
}

static void
cluster_sync(struct simhm *hm, struct cluster *c, double t)
{
	size_t i;

	simhs_begin(c->db);
	c->next = 0;
	for (i = 0; i < c->nvioses; i++)
		sync_hm(hm, c->vioses[i], t);
	for (i = 0; i < c->nvms; i++)
		sync_vm(hm, c->vms[i], t);
	simhs_commit(c->db);
	cluster_arm(hm, c, t);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *tm, int revents)
{
	struct cluster *c = (struct cluster *)tm;
	double t = simhm_now(c->hm->w);

	(void)loop;
	(void)revents;
	loop_note("hmcsim host monitors");
	if (c->next > t && c->next - t < 0.01)
		t = c->next;            /* the loop's clock is a hair behind */
	cluster_sync(c->hm, c, t);
}

static void
cluster_arm(struct simhm *hm, struct cluster *c, double t)
{
	struct ev_loop *loop = hm->w->loop;
	double d;

	if (!loop || hm->fake > 0)
		return;
	ev_timer_stop(loop, &c->timer);
	if (c->next <= 0)
		return;
	d = c->next - t;
	ev_timer_set(&c->timer, d < 0.001 ? 0.001 : d, 0);
	ev_timer_start(loop, &c->timer);
}

/* ---- facts ---- */

static int
path_down(const struct sim_lpar *l, int vios)
{
	return l->f_hb_loss == -1 || l->f_hb_loss == vios + 1;
}

/* Recompute which HMs hear VM i at t. */
static void
pairs_update(struct simhm *hm, int i, double t)
{
	struct vmst *v = &hm->vm[i];
	struct sim_lpar *l = lp(hm, i);
	int k;

	for (k = 0; k < v->np; k++) {
		struct pair *p = &v->p[k];
		int hear = v->agent_up && hm->hm[p->vios].running && !path_down(l, p->vios);
		double tick;

		if (hear == p->hear)
			continue;
		if (p->hear) {
			tick = last_tick(p->since, D(SIMHM_VM_HB_FIRST), D(SIMHM_VM_HB), t);
			if (tick > 0)
				p->last_hb = tick;
		}
		p->hear = hear;
		p->since = t;
	}
}

/* The HM VIOSs of VM i's current host in its cluster become its pairs. */
static void
pairs_build(struct simhm *hm, int i, double t)
{
	struct vmst *v = &hm->vm[i];
	struct cluster *c = hm->cl[v->cluster];
	size_t k;

	v->np = 0;
	v->host = lp(hm, i)->host;
	for (k = 0; k < c->nvioses && v->np < MAX_PAIRS; k++) {
		if (lp(hm, c->vioses[k])->host != v->host)
			continue;
		struct pair *p = &v->p[v->np++];
		memset(p, 0, sizeof *p);
		p->vios = c->vioses[k];
		p->since = t;
		p->last_hb = t;
	}
	pairs_update(hm, i, t);
}

/* The uuids of VM i's pair VIOSs. */
static size_t
pair_uuids(struct simhm *hm, int i, const char **out)
{
	struct vmst *v = &hm->vm[i];
	int k;

	for (k = 0; k < v->np; k++)
		out[k] = lp(hm, v->p[k].vios)->uuid;
	return (size_t)v->np;
}

static void
vm_moved(struct simhm *hm, int i, double t)
{
	struct vmst *v = &hm->vm[i];
	struct sim_lpar *l = lp(hm, i);
	struct cluster *c = hm->cl[v->cluster];
	const char *u[MAX_PAIRS];
	size_t n;

	if (l->host < 0 || hm->host_cl[l->host] != v->cluster) {
		log_msg(LOGL_WARN, "hm", "event=vm_left_cluster vm=%s host=%s cluster=%d "
		        "msg=\"no Host Monitor of this cluster watches the VM any more\"",
		        l->name, l->host >= 0 ? hm->w->hosts[l->host].name : "-", c->id);
		v->np = 0;
		v->host = l->host;
		return;
	}
	pairs_build(hm, i, t);
	n = pair_uuids(hm, i, u);
	simhs_vm_moved(c->db, l->uuid, host_msid(&hm->w->hosts[l->host]), u, n, t);
	log_msg(LOGL_INFO, "hm", "event=vm_moved vm=%s host=%s cluster=%d", l->name,
	        hm->w->hosts[l->host].name, c->id);
}

static void
vm_reconcile(struct simhm *hm, int i, double t)
{
	struct vmst *v = &hm->vm[i];
	struct sim_lpar *l = lp(hm, i);
	struct cluster *c = v->cluster >= 0 ? hm->cl[v->cluster] : NULL;
	int up = world_lpar_agent_up(hm->w, l);

	if (c) {
		simhs_begin(c->db);
		sync_vm(hm, i, t);
	}
	if (up != v->agent_up) {
		v->agent_up = up;
		v->agent_since = t;
		v->dbell_at = up && v->hs == SIMHS_VM_STARTED
		              ? t + D(SIMHM_HANDSHAKE + SIMHM_DBELL_BEATS * SIMHM_VM_HB) : 0;
		log_msg(up ? LOGL_DEBUG : LOGL_INFO, "hm", "event=agent_%s vm=%s",
		        up ? "up" : "silent", l->name);
	}
	if (c && v->hs >= SIMHS_VM_STARTING && v->np > 0 && l->host != v->host)
		vm_moved(hm, i, t);
	pairs_update(hm, i, t);
	if (c) {
		sync_vm(hm, i, t);
		simhs_commit(c->db);
		cluster_arm(hm, c, t);
	}
}

static void
vios_reconcile(struct simhm *hm, int vi, double t)
{
	struct hmst *s = &hm->hm[vi];
	struct sim_lpar *l = lp(hm, vi);
	struct cluster *c;
	int caa, run;
	size_t k;

	if (s->cluster < 0)
		return;
	c = hm->cl[s->cluster];
	cluster_sync(hm, c, t);
	simhs_begin(c->db);
	caa = world_vios_caa_up(hm->w, l);
	if (caa != s->caa) {
		unsigned reason = !caa && l->state == SIM_LPAR_NOT_ACTIVATED ? 0x40 : 0;

		simhs_vios_set_state(c->db, l->uuid, caa ? 1 : 2, reason);
		if (s->caa != -1)
			simhs_caa_event(c->db, l->uuid, caa ? "NODE_UP" : "NODE_DOWN", reason,
			                ++c->seq, s->node, t);
		log_msg(LOGL_NOTICE, "hm", "event=caa_%s vios=%s reason=0x%08x cluster=%d",
		        caa ? "up" : "down", l->name, reason, c->id);
		s->caa = caa;
	}
	run = caa && !l->f_hm_stop;
	if (run != s->running) {
		if (!run) {
			sync_hm(hm, vi, t);
			s->running = 0;
			s->since = t;
		} else {
			s->running = 1;
			s->since = t;
			s->last_hb = t;
			s->starts++;
			snprintf(s->hmid, sizeof s->hmid, "%lld.%09ld.38", (long long)t,
			         (long)((t - floor(t)) * 1e9));
			simhs_vios_set_hm(c->db, l->uuid, t, s->hmid);
		}
		log_msg(LOGL_NOTICE, "hm", "event=hm_%s vios=%s hmid=%s cluster=%d",
		        run ? "started" : "stopped", l->name, s->hmid, c->id);
		for (k = 0; k < c->nvms; k++) {
			int i = c->vms[k];
			if (hm->vm[i].host == l->host) {
				pairs_update(hm, i, t);
				sync_vm(hm, i, t);
			}
		}
	}
	simhs_commit(c->db);
	cluster_arm(hm, c, t);
}

void
simhm_lpar_changed(struct world *w, struct sim_lpar *l)
{
	struct simhm *hm = w->hm;
	double t;

	if (!hm)
		return;
	t = simhm_now(w);
	if (l->is_vios)
		vios_reconcile(hm, idx_of(hm, l), t);
	else
		vm_reconcile(hm, idx_of(hm, l), t);
}

void
simhm_set_clock(struct world *w, double t)
{
	struct simhm *hm = get(w);
	size_t i;

	hm->fake = t;
	for (i = 0; i < hm->ncl; i++)
		cluster_sync(hm, hm->cl[i], simhm_now(w));
}

/* ---- clusters and membership ---- */

static struct cluster *
cluster_new(struct simhm *hm, char *err, size_t errlen)
{
	struct world *w = hm->w;
	struct cluster *c = mem_calloc(1, sizeof *c);

	c->hm = hm;
	c->id = (int)hm->ncl + 1;
	if (w->state_dir[0])
		snprintf(c->path, sizeof c->path, "%s/hsdb-%d.db", w->state_dir, c->id);
	c->db = simhs_open(c->path, c->id, err, errlen);
	if (!c->db) {
		free(c);
		return NULL;
	}
	ev_timer_init(&c->timer, timer_cb, 0, 0);
	hm->cl = mem_reallocarray(hm->cl, hm->ncl + 1, sizeof *hm->cl);
	hm->cl[hm->ncl++] = c;
	log_msg(LOGL_INFO, "hm", "event=cluster_new cluster=%d db=%s", c->id,
	        c->path[0] ? c->path : ":memory:");
	return c;
}

static void
vm_leave(struct simhm *hm, int i)
{
	struct vmst *v = &hm->vm[i];
	struct cluster *c;

	if (v->cluster < 0)
		return;
	c = hm->cl[v->cluster];
	c->vms[v->pos] = c->vms[--c->nvms];
	hm->vm[c->vms[v->pos]].pos = v->pos;
	v->cluster = -1;
	v->hs = 0;
	v->np = 0;
	v->dbell_at = 0;
}

static void
vm_join(struct simhm *hm, struct cluster *c, int i)
{
	struct vmst *v = &hm->vm[i];

	if (v->cluster == c->id - 1)
		return;
	if (v->cluster >= 0) {
		simhs_vm_remove(hm->cl[v->cluster]->db, lp(hm, i)->uuid);
		vm_leave(hm, i);
	}
	if (c->nvms == c->cvms) {
		c->cvms = c->cvms ? 2 * c->cvms : 16;
		c->vms = mem_reallocarray(c->vms, c->cvms, sizeof *c->vms);
	}
	v->cluster = c->id - 1;
	v->pos = c->nvms;
	c->vms[c->nvms++] = i;
}

static void
vios_list_del(struct cluster *c, int vi)
{
	size_t k;

	for (k = 0; k < c->nvioses; k++)
		if (c->vioses[k] == vi) {
			memmove(c->vioses + k, c->vioses + k + 1,
			        (c->nvioses - k - 1) * sizeof *c->vioses);
			c->nvioses--;
			return;
		}
}

static void
mac_of(const char *uuid, char *out, size_t len)
{
	size_t i, n = strlen(uuid), o = 0;

	for (i = n > 12 ? n - 12 : 0; i < n && o + 1 < len; i++)
		if (uuid[i] != '-')
			out[o++] = (char)(uuid[i] >= 'a' && uuid[i] <= 'f' ? uuid[i] - 32 : uuid[i]);
	out[o] = '\0';
}

/* VIOS vi becomes an HM of cluster c for host h; its HM starts when it can.
 * Returns 1 when the HM was not in this cluster before. */
static int
vios_join(struct simhm *hm, struct cluster *c, int vi, int h, int partnum,
          const char *mac, double t)
{
	struct hmst *s = &hm->hm[vi];
	struct sim_lpar *l = lp(hm, vi);
	char m[16];
	int fresh = s->cluster != c->id - 1;

	if (!mac || !*mac) {
		mac_of(l->uuid, m, sizeof m);
		mac = m;
	}
	if (fresh && s->cluster >= 0) {
		struct cluster *o = hm->cl[s->cluster];
		simhs_begin(o->db);
		sync_hm(hm, vi, t);
		simhs_commit(o->db);
		vios_list_del(o, vi);
		log_msg(LOGL_NOTICE, "hm", "event=vios_moved vios=%s from_cluster=%d "
		        "to_cluster=%d", l->name, o->id, c->id);
	}
	simhs_vios_add(c->db, l->uuid, host_msid(&hm->w->hosts[h]), 1, partnum, mac);
	if (!fresh)
		return 0;
	s->cluster = c->id - 1;
	c->vioses = mem_reallocarray(c->vioses, c->nvioses + 1, sizeof *c->vioses);
	c->vioses[c->nvioses++] = vi;
	s->node = ++c->nodes;
	s->caa = -1;
	s->running = 0;
	vios_reconcile(hm, vi, t);
	return 1;
}

/* Host h joins cluster c (leaving another); its VMs of another cluster are
 * forgotten there.  Returns 1 when the host was not in c. */
static int
host_join(struct simhm *hm, struct cluster *c, int h, double t)
{
	struct sim_host *host = &hm->w->hosts[h];
	int old = hm->host_cl[h];
	size_t i;

	if (old == c->id - 1)
		return 0;
	if (old >= 0) {
		struct cluster *o = hm->cl[old];
		simhs_ms_remove(o->db, host_msid(host));
		for (i = 0; i < hm->n; i++) {
			if (lp(hm, (int)i)->host != h)
				continue;
			if (hm->hm[i].cluster == old) {
				hm->hm[i].cluster = -1;
				vios_list_del(o, (int)i);
			}
			if (hm->vm[i].cluster == old) {
				simhs_vm_remove(o->db, lp(hm, (int)i)->uuid);
				vm_leave(hm, (int)i);
			}
		}
		log_msg(LOGL_NOTICE, "hm", "event=host_moved host=%s from_cluster=%d "
		        "to_cluster=%d", host->name, o->id, c->id);
	}
	hm->host_cl[h] = c->id - 1;
	simhs_ms_add(c->db, host_msid(host), host->mtms_type, host->mtms_model,
	             host->mtms_serial);
	log_msg(LOGL_INFO, "hm", "event=host_added host=%s cluster=%d", host->name, c->id);
	(void)t;
	return 1;
}

/* The cluster of VIOS v, made (with v's own host and its VIOSs) when v has
 * none.  NULL with err when the database cannot be created. */
static struct cluster *
cluster_for(struct simhm *hm, struct sim_lpar *v, double t, char *err, size_t errlen)
{
	struct hmst *s = &hm->hm[idx_of(hm, v)];
	struct cluster *c;
	size_t i;

	if (s->cluster >= 0)
		return hm->cl[s->cluster];
	c = cluster_new(hm, err, errlen);
	if (!c)
		return NULL;
	host_join(hm, c, v->host, t);
	for (i = 0; i < hm->n; i++) {
		struct sim_lpar *l = lp(hm, (int)i);
		if (l->is_vios && l->host == v->host)
			vios_join(hm, c, (int)i, v->host, l->id, NULL, t);
	}
	return c;
}

/* ---- requests ---- */

static struct sim_host *
host_by_mtms(struct world *w, const char *type, const char *model, const char *serial)
{
	size_t i;

	for (i = 0; i < w->n_hosts; i++) {
		struct sim_host *h = &w->hosts[i];
		if (strcasecmp(h->mtms_type, type) == 0 && strcasecmp(h->mtms_model, model) == 0 &&
		    strcasecmp(h->mtms_serial, serial) == 0)
			return h;
	}
	return NULL;
}

/* Every element called name below n, in document order. */
static size_t
collect(xmlNodePtr n, const char *name, xmlNodePtr *out, size_t max, size_t k, int depth)
{
	xmlNodePtr c;

	if (depth > XML_DEPTH)
		return k;
	for (c = n->children; c && k < max; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xmlu_is(c, name))
			out[k++] = c;
		else
			k = collect(c, name, out, max, k, depth + 1);
	}
	return k;
}

static void
mtms_text(xmlNodePtr n, char *type, char *model, char *serial, size_t len)
{
	if (xmlu_attr(n, "machine_type", type, len) < 0)
		type[0] = '\0';
	if (xmlu_attr(n, "model", model, len) < 0)
		model[0] = '\0';
	if (xmlu_attr(n, "serial", serial, len) < 0)
		serial[0] = '\0';
}

static void
refuse(struct buf *errout, int *rc, const char *action, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
refuse(struct buf *errout, int *rc, const char *action, const char *fmt, ...)
{
	va_list ap;

	buf_printf(errout, "passthru: %s: ", action);
	va_start(ap, fmt);
	buf_vprintf(errout, fmt, ap);
	va_end(ap);
	buf_putc(errout, '\n');
	*rc = SIMHM_RC_REFUSED;
	log_msg(LOGL_WARN, "hm", "event=request_refused action=%s error=\"%s\"", action,
	        buf_str(errout));
}

#define MAX_LISTS 64
#define MAX_ITEMS 4096

static void
add_ms(struct simhm *hm, struct cluster *c, xmlNodePtr req, double t, struct buf *out,
       struct buf *errout, int *rc)
{
	xmlNodePtr lists[MAX_LISTS], items[MAX_ITEMS];
	char type[16], model[16], serial[32], uuid[64], num[16], mac[32];
	struct sim_host *hosts[MAX_LISTS];
	size_t nl = collect(req, "viosList", lists, MAX_LISTS, 0, 0), i, k, ni;
	int started = 0, vi0 = -1;

	for (i = 0; i < nl; i++) {
		mtms_text(lists[i], type, model, serial, sizeof type);
		hosts[i] = host_by_mtms(hm->w, type, model, serial);
		if (!hosts[i]) {
			refuse(errout, rc, "VIO_HS_ADD_MS", "no managed system %s-%s*%s in this "
			       "estate (machine_type, model and serial of a host)", type, model,
			       serial);
			return;
		}
	}
	for (i = 0; i < nl; i++) {
		int h = hosts[i]->idx;

		host_join(hm, c, h, t);
		ni = collect(lists[i], "vios", items, MAX_ITEMS, 0, 0);
		if (ni == 0) {
			/* no VIOS listed: every VIOS of the host is an HM */
			for (k = 0; k < hm->n; k++) {
				struct sim_lpar *v = lp(hm, (int)k);
				if (v->is_vios && v->host == h &&
				    vios_join(hm, c, (int)k, h, v->id, NULL, t)) {
					started++;
					if (vi0 < 0)
						vi0 = (int)k;
				}
			}
		}
		for (k = 0; k < ni; k++) {
			struct sim_lpar *v;
			if (xmlu_attr(items[k], "uuid", uuid, sizeof uuid) <= 0 ||
			    !(v = world_lpar_by_uuid(hm->w, uuid)) || !v->is_vios) {
				log_msg(LOGL_INFO, "hm", "event=unknown_vios action=VIO_HS_ADD_MS "
				        "uuid=%s", uuid);
				continue;
			}
			if (xmlu_attr(items[k], "partNum", num, sizeof num) <= 0)
				snprintf(num, sizeof num, "%d", v->id);
			if (xmlu_attr(items[k], "macAddr", mac, sizeof mac) < 0)
				mac[0] = '\0';
			if (vios_join(hm, c, idx_of(hm, v), h, atoi(num), mac, t)) {
				started++;
				if (vi0 < 0)
					vi0 = idx_of(hm, v);
			}
		}
	}
	if (started)
		buf_printf(out, "0513-059 The ksys_hsmon Subsystem has been started. Subsystem "
		           "PID is %d.\n", 4194304 + vi0 * 1024 + (int)hm->hm[vi0].starts);
	simhs_reply_full(out, "VIOS ADD_MS", t);
}

enum vm_op { OP_ADD = 0, OP_START, OP_STOP, OP_REMOVE };

static void
vm_request(struct simhm *hm, struct cluster *c, xmlNodePtr req, enum vm_op op,
           const char *action, double t, struct buf *out, struct buf *errout, int *rc)
{
	xmlNodePtr lists[MAX_LISTS], items[MAX_ITEMS];
	char type[16], model[16], serial[32], uuid[64];
	struct sim_host *hosts[MAX_LISTS];
	size_t nl = collect(req, "vmList", lists, MAX_LISTS, 0, 0), i, k, ni;
	long long tag = op == OP_START ? simhs_new_tag(c->db) : 0;

	/* ADD and START name hosts of this cluster; check all before any write */
	for (i = 0; i < nl; i++) {
		hosts[i] = NULL;
		mtms_text(lists[i], type, model, serial, sizeof type);
		if (op != OP_ADD && op != OP_START)
			continue;
		hosts[i] = host_by_mtms(hm->w, type, model, serial);
		if (!hosts[i] || hm->host_cl[hosts[i]->idx] != c->id - 1) {
			refuse(errout, rc, action, "managed system %s-%s*%s is not in the health "
			       "database of this cluster; send VIO_HS_ADD_MS for it first", type,
			       model, serial);
			return;
		}
	}
	simhs_begin(c->db);
	for (i = 0; i < nl; i++) {
		ni = collect(lists[i], "vm", items, MAX_ITEMS, 0, 0);
		for (k = 0; k < ni; k++) {
			struct sim_lpar *l;
			const char *u[MAX_PAIRS];
			struct sim_host *h = hosts[i];
			int vi = -1;

			if (xmlu_attr(items[k], "uuid", uuid, sizeof uuid) <= 0)
				continue;
			l = world_lpar_by_uuid(hm->w, uuid);
			if (l && !l->is_vios) {
				vi = idx_of(hm, l);
				if (op == OP_ADD || op == OP_START) {
					vm_join(hm, c, vi);
					if (l->host >= 0 && hm->host_cl[l->host] == c->id - 1)
						h = &hm->w->hosts[l->host];
				}
			}
			switch (op) {
			case OP_ADD:
				simhs_vm_add(c->db, uuid, host_msid(h));
				break;
			case OP_START:
				if (vi >= 0) {
					struct vmst *v = &hm->vm[vi];
					if (v->np == 0 || v->host != l->host)
						pairs_build(hm, vi, t);
					simhs_vm_start(c->db, uuid, host_msid(h), u,
					               pair_uuids(hm, vi, u), tag, t);
					if (v->hs != SIMHS_VM_STARTED) {
						v->hs = SIMHS_VM_STARTING;
						v->start_req = t;
					}
					sync_vm(hm, vi, t);
				} else {
					simhs_vm_start(c->db, uuid, host_msid(h), u, 0, tag, t);
				}
				break;
			case OP_STOP:
				simhs_vm_stop(c->db, uuid, t);
				break;
			case OP_REMOVE:
				simhs_vm_remove(c->db, uuid);
				break;
			}
			if (vi >= 0 && hm->vm[vi].cluster == c->id - 1) {
				struct vmst *v = &hm->vm[vi];
				if (op == OP_ADD && !v->hs)
					v->hs = SIMHS_VM_ADDED;
				if (op == OP_STOP) {
					v->hs = simhs_vm_state(c->db, uuid);
					v->np = 0;
					v->dbell_at = 0;
				}
				if (op == OP_REMOVE)
					vm_leave(hm, vi);
			}
		}
	}
	simhs_commit(c->db);
	if (op == OP_ADD)
		simhs_reply_full(out, "VIOS ADD_VM", t);
}

void
simhm_request(struct world *w, struct sim_lpar *vios, const char *action,
              struct _xmlNode *req, struct buf *out, struct buf *errout, int *rc)
{
	struct simhm *hm = get(w);
	double t = simhm_now(w), scale = tscale_get();
	struct cluster *c;
	char err[512], tag[32];

	*rc = 0;
	c = cluster_for(hm, vios, t, err, sizeof err);
	if (!c) {
		refuse(errout, rc, action, "the health database cannot be created: %s", err);
		return;
	}
	cluster_sync(hm, c, t);
	if (strcmp(action, "VIO_HS_QUICK_QUERY") == 0) {
		simhs_reply_qq(c->db, t, scale, out);
	} else if (strcmp(action, "VIO_HS_NEEDS_ATTENTION") == 0) {
		simhs_reply_na(c->db, t, scale, out);
	} else if (strcmp(action, "VIO_HS_QUERY_NODE_DATA") == 0) {
		simhs_reply_nodedata(c->db, out);
	} else if (strcmp(action, "VIO_HS_ACKNOWLEDGE") == 0) {
		char *end = NULL;
		long long v;
		if (xmlu_attr(req, "hsTag", tag, sizeof tag) <= 0) {
			refuse(errout, rc, action, "<Request> has no hsTag attribute");
			return;
		}
		v = strtoll(tag, &end, 10);
		if (!end || *end) {
			refuse(errout, rc, action, "hsTag '%s' is not a signed 64-bit number", tag);
			return;
		}
		log_msg(LOGL_INFO, "hm", "event=ack cluster=%d tag=%lld cleared=%d", c->id, v,
		        simhs_ack(c->db, v));
	} else if (strcmp(action, "VIO_HS_ADD_MS") == 0) {
		add_ms(hm, c, req, t, out, errout, rc);
	} else if (strcmp(action, "VIO_HS_ADD_VM") == 0) {
		vm_request(hm, c, req, OP_ADD, action, t, out, errout, rc);
	} else if (strcmp(action, "VIO_HS_START_VM") == 0) {
		vm_request(hm, c, req, OP_START, action, t, out, errout, rc);
	} else if (strcmp(action, "VIO_HS_STOP_VM") == 0) {
		vm_request(hm, c, req, OP_STOP, action, t, out, errout, rc);
	} else if (strcmp(action, "VIO_HS_REMOVE_VM") == 0) {
		vm_request(hm, c, req, OP_REMOVE, action, t, out, errout, rc);
	} else {
		simhs_reply_empty(out);
	}
	cluster_arm(hm, c, t);
}

/* ---- inspection ---- */

int
simhm_cluster_of(struct world *w, const struct sim_lpar *l)
{
	struct simhm *hm = w->hm;
	int i;

	if (!hm)
		return 0;
	i = idx_of(hm, l);
	return (l->is_vios ? hm->hm[i].cluster : hm->vm[i].cluster) + 1;
}

struct simhs *
simhm_db(struct world *w, int id)
{
	struct simhm *hm = w->hm;

	if (!hm || id < 1 || (size_t)id > hm->ncl)
		return NULL;
	return hm->cl[id - 1]->db;
}

const char *
simhm_agent_word(const struct world *w, const struct sim_lpar *l)
{
	if (l->is_vios || l->no_agent)
		return "none";
	return world_lpar_agent_up(w, l) ? "up" : "silent";
}

static const char *
name_of(void *arg, const char *uuid)
{
	struct sim_lpar *l = world_lpar_by_uuid(arg, uuid);
	return l ? l->name : NULL;
}

int
simhm_show(struct world *w, const char *cluster, struct buf *out, char *err,
           size_t errlen)
{
	struct simhm *hm = w->hm;
	char *end = NULL;
	long id = 0;
	size_t i, k;

	if (cluster) {
		id = strtol(cluster, &end, 10);
		if (!end || *end || id < 1 || !hm || (size_t)id > hm->ncl) {
			snprintf(err, errlen, "no cluster '%s' (clusters are numbered 1..%zu, "
			         "formed by pass-through requests)", cluster, hm ? hm->ncl : 0);
			return -1;
		}
	}
	for (i = 0; hm && i < hm->ncl; i++) {
		struct cluster *c = hm->cl[i];
		size_t nh = 0, nv = 0;
		double t = simhm_now(w);

		if (id && c->id != id)
			continue;
		cluster_sync(hm, c, t);
		for (k = 0; k < w->n_hosts; k++)
			nh += hm->host_cl[k] == (int)i;
		for (k = 0; k < hm->n; k++)
			nv += hm->hm[k].cluster == (int)i;
		buf_printf(out, "cluster %d db=%s hosts=%zu vioses=%zu vms=%zu\n", c->id,
		           c->path[0] ? c->path : ":memory:", nh, nv, c->nvms);
		simhs_show(c->db, t, tscale_get(), name_of, w, out);
	}
	return 0;
}
