/* sched — the scheduled discoveries of ksysd (spec/A §2.3).
 *
 * Quick Discovery: every hour, a discovery of every READY host group.
 * Deep Discovery: every day at the system attribute auto_discovery_time
 * (hh:mm, local time), a discovery followed by verification of every READY
 * host group.  Both intervals are divided by --time-scale; the last runs are
 * kept in the store (schedule table: "quick_discovery", "deep_discovery"),
 * so a restart neither runs them early nor forgets them: a Deep Discovery
 * missed by more than an hour (ksysd was down) runs at start.  A host group
 * whose discovery or verification is already running is skipped.  At start,
 * a discovery a killed ksysd left interrupted runs again, once, for its host
 * group.  Scheduled runs are actions without a first follower (`ksysmgr
 * query action` shows them).  Not for running discoveries (disc.h).
 */
#ifndef KSYS_SCHED_H
#define KSYS_SCHED_H

#include <stddef.h>
#include <stdint.h>

struct core;
struct sched;

#define SCHED_QUICK_SECS 3600.0         /* Quick Discovery period (real s) */
#define SCHED_DAY_SECS   86400.0
#define SCHED_TICK_SECS  60.0           /* auto_discovery_time re-read period */

/* Arms the timers (core->disc must exist).  Never NULL (OOM aborts); err
 * is kept for symmetry.  core must outlive it. */
struct sched *sched_new(struct core *core, char *err, size_t errlen);
void sched_free(struct sched *s);
/* Re-reads auto_discovery_time now (`modify system auto_discovery_time=`);
 * without it the change is seen within SCHED_TICK_SECS (scaled). */
void sched_rearm(struct sched *s);

/* Pure helpers (tests).  Times are epoch ms of the wall clock; scale is the
 * --time-scale factor. */
/* Next Quick Discovery: last + SCHED_QUICK_SECS / scale (last 0: from now). */
int64_t sched_next_quick(int64_t last_ms, int64_t now_ms, double scale);
/* Next Deep Discovery: now + (seconds until the next local hh:mm strictly
 * after now) / scale; now itself when last_ms is set and older than
 * (SCHED_DAY_SECS + SCHED_QUICK_SECS) / scale (a missed run).  -1 for a
 * malformed hhmm. */
int64_t sched_next_deep(const char *hhmm, int64_t last_ms, int64_t now_ms, double scale);

#endif
