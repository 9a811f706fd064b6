/* loop — helpers around the one libev loop of each program.
 *
 * Owns: the default loop, SIGINT/SIGTERM/SIGHUP watchers, SIGPIPE ignored,
 * and the slow-iteration detector (an iteration longer than 50 ms is logged
 * with cat=loop and the name set by loop_note(), i.e. the last callback that
 * announced itself).  Not for timers of modules: they keep their own
 * ev_timer inside their own structs.
 */
#ifndef KSYS_LOOP_H
#define KSYS_LOOP_H

#include <ev.h>

struct loop_hooks {
	void (*on_stop)(struct ev_loop *loop, int signum, void *arg); /* SIGINT/SIGTERM */
	void (*on_reload)(struct ev_loop *loop, void *arg);           /* SIGHUP */
	void *arg;
};

/* Returns the default loop with signal watchers and the slow-iteration
 * detector installed.  hooks may be NULL (then SIGINT/SIGTERM break the loop). */
struct ev_loop *loop_init(const struct loop_hooks *hooks);
/* Announce what the loop is about to spend time on (static string). */
void loop_note(const char *what);
/* Number of iterations longer than 50 ms so far, and the longest in ms. */
unsigned long loop_slow_count(void);
double loop_slow_max_ms(void);
/* Monotonic milliseconds (CLOCK_MONOTONIC), independent of ev_now caching. */
double loop_mono_ms(void);
/* Wall-clock epoch milliseconds. */
long long loop_epoch_ms(void);

#endif
