/* faults — the fault grammar of hmcsim, shared by `hmcsim ctl SOCKET fault|clear
 * ...` and by the timeline{} of a topology file.
 *
 * One table entry per fault kind ({kind, args, apply, clear, help}); adding a
 * fault is adding an entry.  Faults change the world only through world.h.
 * The timeline runner arms one ev_timer per event (scaled by --time-scale).
 * Not for the control socket itself (simctl.c) nor for parsing Lua (topo.c).
 */
#ifndef HMCSIM_FAULTS_H
#define HMCSIM_FAULTS_H

#include <stddef.h>
#include "buf.h"
#include "world.h"

#define SIMFAULT_MAX_ARGS 8
#define SIMFAULT_ARG_LEN 64

/* One fault kind.  A handler gets argv[0] = NAME (the target) and the
 * fault's arguments after it; with check_only it validates everything and
 * changes nothing.  Handlers return 0, or -1 with err. */
struct simfault_kind {
	const char *kind;               /* "host-power-off" */
	int min_args, max_args;         /* argument counts, NAME included */
	int (*apply)(struct world *w, int argc, const char *const *argv,
	             int check_only, char *err, size_t errlen);
	int (*clear)(struct world *w, int argc, const char *const *argv,
	             int check_only, char *err, size_t errlen);   /* NULL: no clear */
	int clear_max_args;             /* clear KIND NAME [...]: NAME included */
	const char *usage;              /* "HOST [restart-stale]" */
	const char *help;               /* one line */
};

/* The kind named kind, or NULL. */
const struct simfault_kind *simfault_find(const char *kind);

/* Inject (clear = 0) or clear (clear = 1) a fault: argv[0] is KIND, argv[1]
 * NAME, then the fault's arguments.  Errors name the problem ("unknown fault
 * kind 'x'", "usage: fault hmc-slow HMC MS", "no HMC named 'x'"...). */
int simfault_exec(struct world *w, int clear, int argc, const char *const *argv,
                int check_only, char *err, size_t errlen);

/* One line per kind: "fault KIND USAGE  -- help" (and which can be cleared). */
void simfault_help(struct buf *out);

/* The faults in force, one a line: "KIND NAME ARGS..." (hosts not operating
 * as "host-state HOST STATE" with '_' for spaces). */
void simfault_show(struct world *w, struct buf *out);

/* A timeline event: at `at` seconds (real, scaled when armed) after start,
 * run `fault|clear argv...`.  where is "file:line" of its definition. */
struct simfault_event {
	double at;
	int clear;
	int argc;
	char argv[SIMFAULT_MAX_ARGS][SIMFAULT_ARG_LEN];
	char where[256];
};

struct simfault_timeline;

/* Arm the n events (copied) on w->loop, relative to now.  NULL on OOM.
 * Free with simfault_timeline_free (stops the timers). */
struct simfault_timeline *simfault_timeline_start(struct world *w,
                                              const struct simfault_event *ev, size_t n);
/* Events already run. */
size_t simfault_timeline_done(const struct simfault_timeline *t);
void simfault_timeline_free(struct simfault_timeline *t);

#endif
