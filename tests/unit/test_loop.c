/* test_loop — slow-iteration detector, signal hooks and clocks. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "log.h"
#include "loop.h"

static int stops, reloads, stop_sig;
static ev_timer t_busy, t_quick, t_guard;

static void
on_stop(struct ev_loop *loop, int signum, void *arg)
{
	(void)arg;
	stops++;
	stop_sig = signum;
	ev_break(loop, EVBREAK_ALL);
}

static void
on_reload(struct ev_loop *loop, void *arg)
{
	(void)loop;
	(*(int *)arg)++;
	reloads++;
}

static void
busy_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	double t0 = loop_mono_ms();

	(void)loop;
	(void)w;
	(void)revents;
	loop_note("test_busy");
	while (loop_mono_ms() - t0 < 80)
		;
}

static void
quick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	loop_note("test_quick");
	ev_break(loop, EVBREAK_ONE);
}

static void
guard_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

int
main(void)
{
	char dir[] = "/tmp/ksys-test-loop-XXXXXX", path[128], buf[8192], err[256];
	struct loop_hooks hooks = { on_stop, on_reload, NULL };
	int reload_arg = 0, fd, i;
	struct ev_loop *loop;
	ssize_t n;
	double m0;
	long long e0;

	if (!mkdtemp(dir))
		skip_all("mkdtemp failed");
	log_init("tloop", dir, err, sizeof err);
	snprintf(path, sizeof path, "%s/tloop.log", dir);
	hooks.arg = &reload_arg;
	loop = loop_init(&hooks);
	ok(loop != NULL && loop == ev_default_loop(0), "loop_init returns the default loop");
	ok(loop_init(&hooks) == loop, "loop_init is idempotent");

	m0 = loop_mono_ms();
	e0 = loop_epoch_ms();
	ok(m0 > 0, "monotonic ms");
	ok(e0 > 1600000000000LL, "epoch ms looks like a current date");

	ev_run(loop, EVRUN_NOWAIT);
	is_int(loop_slow_count(), 0, "no slow iteration yet");
	ev_timer_init(&t_busy, busy_cb, 0.01, 0.);
	ev_timer_start(loop, &t_busy);
	ev_timer_init(&t_quick, quick_cb, 0.2, 0.);
	ev_timer_start(loop, &t_quick);
	ev_timer_init(&t_guard, guard_cb, 5., 0.);
	ev_timer_start(loop, &t_guard);
	ev_run(loop, 0);
	ev_run(loop, EVRUN_NOWAIT);
	is_int(loop_slow_count(), 1, "one slow iteration counted");
	ok(loop_slow_max_ms() >= 80 && loop_slow_max_ms() < 1000, "longest %.1f ms",
	   loop_slow_max_ms());

	raise(SIGHUP);
	for (i = 0; i < 100 && reloads == 0; i++)
		ev_run(loop, EVRUN_NOWAIT);
	is_int(reloads, 1, "SIGHUP calls on_reload");
	is_int(reload_arg, 1, "on_reload gets hooks.arg");
	raise(SIGTERM);
	ev_run(loop, 0);
	is_int(stops, 1, "SIGTERM calls on_stop");
	is_int(stop_sig, SIGTERM, "with the signal number");
	raise(SIGINT);
	ev_run(loop, 0);
	is_int(stop_sig, SIGINT, "SIGINT too");
	ok(signal(SIGPIPE, SIG_IGN) == SIG_IGN, "SIGPIPE ignored");
	ev_timer_stop(loop, &t_guard);

	fd = open(path, O_RDONLY);
	n = fd == -1 ? 0 : read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	ok(strstr(buf, "level=warn cat=loop event=slow_iteration ms=") != NULL,
	   "slow iteration logged");
	ok(strstr(buf, " during=test_busy\n") != NULL, "with the last loop_note");
	if (fd != -1)
		close(fd);
	log_close();
	unlink(path);
	rmdir(dir);
	return done_testing();
}
