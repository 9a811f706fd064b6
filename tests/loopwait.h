/* loopwait.h — bounded waits on a libev loop for C tests (header-only).
 *
 * loopwait_until runs the loop until *counter reaches target or secs pass,
 * so every wait in a test has an upper bound; loopwait_spin just lets the
 * loop run for secs.  One waiter at a time per process.
 */
#ifndef KSYS_TEST_LOOPWAIT_H
#define KSYS_TEST_LOOPWAIT_H

#include <ev.h>

static int *loopwait_counter;
static int loopwait_target;

static void
loopwait_deadline_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(l, EVBREAK_ALL);
}

static void
loopwait_check_cb(struct ev_loop *l, ev_prepare *w, int revents)
{
	(void)w;
	(void)revents;
	if (loopwait_counter && *loopwait_counter >= loopwait_target)
		ev_break(l, EVBREAK_ALL);
}

/* 1 when *counter reached target before secs passed. */
static int __attribute__((unused))
loopwait_until(struct ev_loop *loop, int *counter, int target, double secs)
{
	ev_timer dl;
	ev_prepare ck;

	loopwait_counter = counter;
	loopwait_target = target;
	ev_now_update(loop);
	ev_timer_init(&dl, loopwait_deadline_cb, secs, 0.);
	ev_timer_start(loop, &dl);
	ev_prepare_init(&ck, loopwait_check_cb);
	ev_prepare_start(loop, &ck);
	if (*counter < target)
		ev_run(loop, 0);
	ev_timer_stop(loop, &dl);
	ev_prepare_stop(loop, &ck);
	loopwait_counter = NULL;
	return *counter >= target;
}

static void __attribute__((unused))
loopwait_spin(struct ev_loop *loop, double secs)
{
	int never = 0;

	loopwait_until(loop, &never, 1, secs);
}

#endif
