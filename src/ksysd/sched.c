/* sched — Quick and Deep Discovery timers (see sched.h).
 *
 * One ev_timer, armed for the earlier of the next Quick Discovery, the next
 * Deep Discovery and the next re-read of auto_discovery_time (every
 * SCHED_TICK_SECS), all scaled.  Due times are wall-clock epoch ms so they
 * survive restarts through the store; the timer itself is relative (libev
 * monotonic), re-armed at every wake-up.  The rerun of discoveries a killed
 * ksysd left interrupted uses its own one-shot timer and the schedule row
 * "interrupted_checked" (the newest action id already looked at), so each
 * interrupted discovery is run again once.
 */
#include "sched.h"

#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "core.h"
#include "disc.h"
#include "log.h"
#include "mem.h"
#include "store.h"
#include "tscale.h"

#define KEY_QUICK "quick_discovery"
#define KEY_DEEP "deep_discovery"
#define KEY_CHECKED "interrupted_checked"
#define RERUN_DELAY_SECS 1.0            /* after start, real (scaled) */

struct sched {
	struct core *core;
	ev_timer timer;                 /* callbacks find s through offsetof */
	ev_timer rerun;
	int64_t quick_due, deep_due;    /* epoch ms */
	char hhmm[8];                   /* auto_discovery_time the deep due is for */
};

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
sched_next_quick(int64_t last_ms, int64_t now_ms, double scale)
{
	if (scale <= 0)
		scale = 1;
	return (last_ms ? last_ms : now_ms) + (int64_t)(SCHED_QUICK_SECS * 1000.0 / scale);
}

int64_t
sched_next_deep(const char *hhmm, int64_t last_ms, int64_t now_ms, double scale)
{
	struct tm tm;
	time_t now, at;
	int hh, mm;
	double wait;

	if (scale <= 0)
		scale = 1;
	if (!hhmm || strlen(hhmm) != 5 || sscanf(hhmm, "%2d:%2d", &hh, &mm) != 2 ||
	    hhmm[2] != ':' || hh < 0 || hh > 23 || mm < 0 || mm > 59)
		return -1;
	if (last_ms && now_ms - last_ms >
	    (int64_t)((SCHED_DAY_SECS + SCHED_QUICK_SECS) * 1000.0 / scale))
		return now_ms;          /* missed while ksysd was down */
	now = (time_t)(now_ms / 1000);
	localtime_r(&now, &tm);
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	at = mktime(&tm);
	while (at <= now) {             /* strictly after now; DST-safe step */
		tm.tm_mday++;
		tm.tm_hour = hh;
		tm.tm_min = mm;
		tm.tm_sec = 0;
		tm.tm_isdst = -1;
		at = mktime(&tm);
	}
	wait = ((double)at * 1000.0 - (double)now_ms) / scale;
	return now_ms + (int64_t)wait;
}

static void
read_hhmm(struct sched *s, char *out, size_t len)
{
	char e[256];

	if (store_sys_get(s->core->store, "auto_discovery_time", out, len, e, sizeof(e)) == -1
	    || sched_next_deep(out, 0, 0, 1) == -1)
		snprintf(out, len, "00:00");
}

/* Every READY host group gets a scheduled discovery (deep: + verification). */
struct hg_walk {
	struct sched *s;
	int deep;
	int started, skipped;
};

static int
hg_cb(const struct store_host_group *g, void *arg)
{
	struct hg_walk *w = arg;
	struct core *c = w->s->core;
	struct disc_req rq;
	struct action *a;
	char e[1024];
	int64_t id;

	if (strcmp(g->state, "READY") != 0)
		return 0;
	a = actions_find(c->actions, "discover", g->name);
	if (!a)
		a = actions_find(c->actions, "verify", g->name);
	if (a) {
		log_msg(LOGL_NOTICE, "sched", "event=sched_skip kind=%s hg=%s action=%lld "
		        "msg=\"a discovery or verification is already running\"",
		        w->deep ? "deep" : "quick", g->name, (long long)action_id(a));
		w->skipped++;
		return 0;
	}
	memset(&rq, 0, sizeof(rq));
	rq.what = DISC_DISCOVER;
	rq.hg = g->name;
	rq.verify = w->deep;
	rq.origin = w->deep ? "deep" : "quick";
	id = disc_start(c->disc, &rq, NULL, e, sizeof(e));
	if (id == -1) {
		log_msg(LOGL_WARN, "sched", "event=sched_refused kind=%s hg=%s error=\"%s\"",
		        w->deep ? "deep" : "quick", g->name, e);
		w->skipped++;
	} else {
		w->started++;
	}
	return 0;
}

static void
run_all(struct sched *s, int deep)
{
	struct hg_walk w = { s, deep, 0, 0 };
	char e[256];

	/* the trace marker of the Redbook (spec/A §3.2) */
	log_msg(LOGL_INFO, "sched", "event=sched_run kind=%s msg=\"SCHEDULER initiated %s "
	        "discoverVerify Started\"", deep ? "deep" : "quick", deep ? "DEEP" : "QUICK");
	store_host_group_list(s->core->store, hg_cb, &w);
	if (store_sched_set(s->core->store, deep ? KEY_DEEP : KEY_QUICK, wall_ms(), e,
	                    sizeof(e)) == -1)
		log_msg(LOGL_ERROR, "sched", "event=sched_save_failed error=\"%s\"", e);
	log_msg(LOGL_INFO, "sched", "event=sched_done kind=%s started=%d skipped=%d",
	        deep ? "deep" : "quick", w.started, w.skipped);
}

static void
arm(struct sched *s)
{
	int64_t now = wall_ms(), next;
	double secs;

	next = now + (int64_t)(tscale_secs(SCHED_TICK_SECS) * 1000.0);
	if (s->quick_due < next)
		next = s->quick_due;
	if (s->deep_due < next)
		next = s->deep_due;
	secs = (double)(next - now) / 1000.0;
	if (secs < 0.001)
		secs = 0.001;
	ev_timer_stop(s->core->loop, &s->timer);
	ev_timer_set(&s->timer, secs, 0.);
	ev_timer_start(s->core->loop, &s->timer);
}

static void
compute_deep(struct sched *s, int64_t now)
{
	int64_t last = 0;

	read_hhmm(s, s->hhmm, sizeof(s->hhmm));
	store_sched_get(s->core->store, KEY_DEEP, &last);
	s->deep_due = sched_next_deep(s->hhmm, last, now, tscale_get());
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sched *s = (struct sched *)((char *)w - offsetof(struct sched, timer));
	int64_t now = wall_ms(), last = 0;
	char hhmm[8];

	(void)loop;
	(void)revents;
	if (s->core->stopping)
		return;
	read_hhmm(s, hhmm, sizeof(hhmm));
	if (strcmp(hhmm, s->hhmm) != 0) {
		log_msg(LOGL_INFO, "sched", "event=sched_rearm auto_discovery_time=%s "
		        "was=%s", hhmm, s->hhmm);
		compute_deep(s, now);
	}
	if (now >= s->deep_due) {
		run_all(s, 1);
		compute_deep(s, wall_ms());
		/* a deep run covers the quick one */
		s->quick_due = sched_next_quick(wall_ms(), 0, tscale_get());
		if (store_sched_set(s->core->store, KEY_QUICK, wall_ms(), NULL, 0) == -1)
			log_msg(LOGL_ERROR, "sched", "event=sched_save_failed key=%s", KEY_QUICK);
	} else if (now >= s->quick_due) {
		run_all(s, 0);
		store_sched_get(s->core->store, KEY_QUICK, &last);
		s->quick_due = sched_next_quick(last ? last : now, now, tscale_get());
	}
	arm(s);
}

/* ---- rerun of interrupted discoveries ---- */
struct rerun_walk {
	struct sched *s;
	int64_t checked, newest;
	char hgs[64][STORE_NAME_MAX];
	int64_t ids[64];
	int n;
};

static int
action_cb(const struct store_action *a, void *arg)
{
	struct rerun_walk *w = arg;
	int i;

	if (a->id > w->newest)
		w->newest = a->id;
	if (a->id <= w->checked)
		return 1;               /* newest first: the rest was looked at */
	if (strcmp(a->state, "interrupted") != 0 || strcmp(a->kind, "discover") != 0)
		return 0;
	for (i = 0; i < w->n; i++)
		if (strcmp(w->hgs[i], a->object) == 0)
			return 0;
	if (w->n < 64) {
		snprintf(w->hgs[w->n], sizeof(w->hgs[0]), "%.*s", STORE_NAME_MAX - 1,
		         a->object);
		w->ids[w->n++] = a->id;
	}
	return 0;
}

static void
rerun_cb(struct ev_loop *loop, ev_timer *tw, int revents)
{
	struct sched *s = (struct sched *)((char *)tw - offsetof(struct sched, rerun));
	struct rerun_walk *w;
	char e[1024];
	int i;

	(void)loop;
	(void)revents;
	if (s->core->stopping)
		return;
	w = mem_calloc(1, sizeof(*w));
	w->s = s;
	store_sched_get(s->core->store, KEY_CHECKED, &w->checked);
	store_action_list(s->core->store, 0, action_cb, w);
	for (i = w->n - 1; i >= 0; i--) {      /* oldest first */
		struct disc_req rq;
		int64_t id;

		memset(&rq, 0, sizeof(rq));
		rq.what = DISC_DISCOVER;
		rq.hg = w->hgs[i];
		rq.origin = "rerun";
		rq.rerun_of = w->ids[i];
		id = disc_start(s->core->disc, &rq, NULL, e, sizeof(e));
		if (id == -1)
			log_msg(LOGL_WARN, "sched", "event=rerun_refused hg=%s error=\"%s\"",
			        w->hgs[i], e);
		else
			log_msg(LOGL_NOTICE, "sched", "event=rerun hg=%s action=%lld msg=\"the "
			        "discovery interrupted by the previous ksysd runs again\"",
			        w->hgs[i], (long long)id);
	}
	/* the reruns have newer ids: they are looked at only if they get
	 * interrupted in turn */
	if (w->newest > w->checked &&
	    store_sched_set(s->core->store, KEY_CHECKED, w->newest, e, sizeof(e)) == -1)
		log_msg(LOGL_ERROR, "sched", "event=sched_save_failed error=\"%s\"", e);
	free(w);
}

/* ---- life ---- */
struct sched *
sched_new(struct core *core, char *err, size_t errlen)
{
	struct sched *s = mem_calloc(1, sizeof(*s));
	int64_t now = wall_ms(), last = 0;
	char e[256];

	(void)err;
	(void)errlen;
	s->core = core;
	store_sched_get(core->store, KEY_QUICK, &last);
	if (!last) {                    /* first start: the first run an hour later */
		last = now;
		if (store_sched_set(core->store, KEY_QUICK, last, e, sizeof(e)) == -1)
			log_msg(LOGL_ERROR, "sched", "event=sched_save_failed error=\"%s\"", e);
	}
	s->quick_due = sched_next_quick(last, now, tscale_get());
	compute_deep(s, now);
	ev_timer_init(&s->timer, timer_cb, 1., 0.);
	ev_timer_init(&s->rerun, rerun_cb, tscale_secs(RERUN_DELAY_SECS), 0.);
	ev_timer_start(core->loop, &s->rerun);
	arm(s);
	log_msg(LOGL_INFO, "sched", "event=sched_start quick_in=%.0fs deep_in=%.0fs "
	        "auto_discovery_time=%s", (double)(s->quick_due - now) / 1000.0,
	        (double)(s->deep_due - now) / 1000.0, s->hhmm);
	return s;
}

void
sched_free(struct sched *s)
{
	if (!s)
		return;
	ev_timer_stop(s->core->loop, &s->timer);
	ev_timer_stop(s->core->loop, &s->rerun);
	free(s);
}

void
sched_rearm(struct sched *s)
{
	if (!s)
		return;
	compute_deep(s, wall_ms());
	arm(s);
}
