/* loop — the default libev loop with signals and a slow-iteration detector.
 *
 * An ev_check (highest priority, right after the poll) stamps the time; the
 * next ev_prepare (lowest priority, right before the poll) measures how long
 * the callbacks in between took and logs iterations over 50 ms.  Not for
 * module timers: each module keeps its own watchers.
 */
#include <signal.h>
#include <stddef.h>
#include <time.h>

#include "log.h"
#include "loop.h"

#define LOOP_SLOW_MS 50.0

static struct loop_hooks hooks;
static int have_hooks;
static int inited;
static struct ev_loop *the_loop;
static ev_signal sig_int, sig_term, sig_hup;
static ev_prepare prep;
static ev_check check;

static const char *note = "-";
static double woke_ms = -1;       /* when the poll returned, -1 before the first */
static unsigned long slow_count;
static double slow_max_ms;

double
loop_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

long long
loop_epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
loop_note(const char *what)
{
	note = what ? what : "-";
}

unsigned long
loop_slow_count(void)
{
	return slow_count;
}

double
loop_slow_max_ms(void)
{
	return slow_max_ms;
}

static void
check_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	woke_ms = loop_mono_ms();
	note = "-";
}

static void
prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	double ms;

	(void)loop;
	(void)w;
	(void)revents;
	if (woke_ms < 0)
		return;
	ms = loop_mono_ms() - woke_ms;
	woke_ms = -1;
	if (ms <= LOOP_SLOW_MS)
		return;
	slow_count++;
	if (ms > slow_max_ms)
		slow_max_ms = ms;
	log_msg(LOGL_WARN, "loop", "event=slow_iteration ms=%.1f during=%s", ms, note);
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	if (w->signum == SIGHUP) {
		log_msg(LOGL_NOTICE, "loop", "event=signal sig=HUP");
		log_reopen();
		if (have_hooks && hooks.on_reload)
			hooks.on_reload(loop, hooks.arg);
		return;
	}
	log_msg(LOGL_NOTICE, "loop", "event=signal sig=%s",
	        w->signum == SIGINT ? "INT" : "TERM");
	if (have_hooks && hooks.on_stop)
		hooks.on_stop(loop, w->signum, hooks.arg);
	else
		ev_break(loop, EVBREAK_ALL);
}

/* Our watchers never keep ev_run alive on their own. */
static void
start_signal(struct ev_loop *loop, ev_signal *w, int signum)
{
	ev_signal_init(w, signal_cb, signum);
	ev_signal_start(loop, w);
	ev_unref(loop);
}

struct ev_loop *
loop_init(const struct loop_hooks *h)
{
	if (h) {
		hooks = *h;
		have_hooks = 1;
	} else {
		have_hooks = 0;
	}
	if (inited)
		return the_loop;
	the_loop = ev_default_loop(EVFLAG_AUTO);
	if (!the_loop)
		log_panic(__FILE__, __LINE__, "cannot initialise the libev default loop");
	signal(SIGPIPE, SIG_IGN);
	start_signal(the_loop, &sig_int, SIGINT);
	start_signal(the_loop, &sig_term, SIGTERM);
	start_signal(the_loop, &sig_hup, SIGHUP);
	ev_check_init(&check, check_cb);
	ev_set_priority(&check, EV_MAXPRI);
	ev_check_start(the_loop, &check);
	ev_unref(the_loop);
	ev_prepare_init(&prep, prepare_cb);
	ev_set_priority(&prep, EV_MINPRI);
	ev_prepare_start(the_loop, &prep);
	ev_unref(the_loop);
	inited = 1;
	return the_loop;
}
