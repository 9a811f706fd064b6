/* test_proc — child processes on the loop: capture, exit codes, stdin,
 * timeouts killing the whole group, exec failures, clean child state. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "log.h"
#include "loop.h"
#include "proc.h"

struct outcome {
	int done;
	int calls;
	int exited, status, timed_out;
	char out[4096], err[4096];
	size_t out_len, dropped;
	double elapsed_ms;
};

static struct ev_loop *loop;
static ev_timer guard;
static int guard_fired;

static void
done_cb(struct proc *p, const struct proc_result *r, void *arg)
{
	struct outcome *o = arg;

	(void)p;
	o->calls++;
	o->done = 1;
	o->exited = r->exited;
	o->status = r->status;
	o->timed_out = r->timed_out;
	o->out_len = r->out.len;
	o->dropped = r->dropped;
	o->elapsed_ms = r->elapsed_ms;
	snprintf(o->out, sizeof o->out, "%s", buf_str(&r->out));
	snprintf(o->err, sizeof o->err, "%s", buf_str(&r->err));
	ev_break(loop, EVBREAK_ONE);
}

static void
guard_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	guard_fired = 1;
	ev_break(l, EVBREAK_ALL);
}

/* Run one child to completion, bounded by a 10 s guard timer. */
static struct proc *
run(struct proc_opts *opts, struct outcome *o)
{
	char err[256];
	struct proc *p;

	memset(o, 0, sizeof *o);
	p = proc_start(loop, opts, done_cb, o, err, sizeof err);
	if (!p) {
		diag("proc_start: %s", err);
		return NULL;
	}
	guard_fired = 0;
	ev_timer_set(&guard, 10., 0.);
	ev_timer_start(loop, &guard);
	while (!o->done && !guard_fired)
		ev_run(loop, 0);
	ev_timer_stop(loop, &guard);
	return p;
}

static const char *
proc_state(long pid)
{
	static char st[8];
	char path[64], buf[512], *rp;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return "gone";
	if (!fgets(buf, sizeof buf, f)) {
		fclose(f);
		return "gone";
	}
	fclose(f);
	rp = strrchr(buf, ')');
	snprintf(st, sizeof st, "%c", rp && rp[1] ? rp[2] : '?');
	return st;
}

int
main(void)
{
	struct proc_opts opts;
	struct outcome o;
	sigset_t set;
	int extra_fd;

	log_set_level("error", NULL, 0);
	loop = loop_init(NULL);
	ev_init(&guard, guard_cb);

	{
		const char *argv[] = { "echo", "hello", "world", NULL };

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		ok(run(&opts, &o) != NULL && o.done, "echo finished");
		is_str(o.out, "hello world\n", "stdout captured");
		is_int(o.exited, 1, "exited");
		is_int(o.status, 0, "exit status 0");
		is_int(o.calls, 1, "callback ran once");
	}
	{
		const char *argv[] = { "sh", "-c", "echo oops >&2; exit 3", NULL };

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		run(&opts, &o);
		is_int(o.status, 3, "exit status 3");
		is_str(o.err, "oops\n", "stderr captured separately");
		is_str(o.out, "", "stdout empty");
	}
	{
		const char *argv[] = { "cat", NULL };

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		opts.input = "line one\nline two\n";
		run(&opts, &o);
		is_str(o.out, "line one\nline two\n", "stdin input passed through");
	}
	{
		const char *argv[] = { "cat", NULL };

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		run(&opts, &o);
		is_str(o.out, "", "stdin is /dev/null by default");
		is_int(o.status, 0, "cat on /dev/null exits 0");
	}
	{
		const char *argv[] = { "sh", "-c", "head -c 1000 /dev/zero", NULL };

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		opts.capture_max = 100;
		run(&opts, &o);
		is_int(o.out_len, 100, "capture capped");
		is_int(o.dropped, 900, "rest counted as dropped");
	}
	{
		const char *argv[] = { "sleep", "30", NULL };

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		opts.timeout = 0.3;
		run(&opts, &o);
		ok(o.done, "sleep 30 with timeout finished");
		is_int(o.timed_out, 1, "timed_out set");
		is_int(o.exited, 0, "killed, not exited");
		is_int(o.status, SIGTERM, "killed by SIGTERM");
		ok(o.elapsed_ms >= 250 && o.elapsed_ms < 5000, "finished in %.0f ms", o.elapsed_ms);
	}
	{
		const char *argv[] = { "sh", "-c", "sleep 30 & echo $!; sleep 30", NULL };
		long gc;

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		opts.timeout = 0.3;
		run(&opts, &o);
		ok(o.done && o.timed_out, "group leader timed out");
		ok(o.elapsed_ms < 5000, "finished in %.0f ms", o.elapsed_ms);
		gc = atol(o.out);
		ok(gc > 0, "grandchild pid reported (%ld)", gc);
		ok(gc > 0 && (strcmp(proc_state(gc), "gone") == 0 ||
		              strcmp(proc_state(gc), "Z") == 0),
		   "grandchild in the same group killed (state %s)", proc_state(gc));
	}
	{
		const char *argv[] = { "sh", "-c", "trap '' TERM; sleep 30 & wait; sleep 30", NULL };

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		opts.timeout = 0.2;
		opts.kill_grace = 0.2;
		run(&opts, &o);
		ok(o.done && o.timed_out, "TERM-ignoring child finished");
		is_int(o.status, SIGKILL, "SIGKILL after the grace period");
		ok(o.elapsed_ms < 5000, "finished in %.0f ms", o.elapsed_ms);
	}
	{
		const char *argv[] = { "sh", "-c", "sleep 30 & exit 0", NULL };

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		opts.kill_grace = 0.3;
		run(&opts, &o);
		ok(o.done && !o.timed_out, "leader exit with a background holder of the pipes");
		is_int(o.status, 0, "leader exit status kept");
		ok(o.elapsed_ms < 5000, "bounded drain (%.0f ms)", o.elapsed_ms);
	}
	{
		const char *argv[] = { "/nonexistent/program", "x", NULL };

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		run(&opts, &o);
		is_int(o.exited, 1, "missing program: exited");
		is_int(o.status, 127, "missing program: status 127");
		ok(strstr(o.err, "cannot execute /nonexistent/program: ") != NULL &&
		   o.err[strlen(o.err) - 1] == '\n', "exec failure reported on stderr");
	}
	{
		const char *argv[] = { "sh", "-c", "echo \"$FOO\"", NULL };
		const char *envp[] = { "FOO=bar baz", NULL };

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		opts.envp = envp;
		run(&opts, &o);
		is_str(o.out, "bar baz\n", "envp passed");
	}
	{
		const char *argv[] = { "sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status; "
		                       "ls /proc/self/fd | wc -l", NULL };

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		signal(SIGUSR2, SIG_IGN);
		extra_fd = open("/dev/null", O_RDONLY);   /* no O_CLOEXEC on purpose */
		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		run(&opts, &o);
		ok(strstr(o.out, "SigBlk:\t0000000000000000") != NULL, "signal mask reset");
		{
			/* The parent ignores SIGUSR2; the child must not inherit that. */
			const char *ig = strstr(o.out, "SigIgn:\t");
			unsigned long long mask = ig ? strtoull(ig + 8, NULL, 16) : ~0ULL;

			if (!ok(ig && !(mask & (1ULL << (SIGUSR2 - 1))), "dispositions reset"))
				diag("child status: %s", o.out);
		}
		ok(strstr(o.out, "\n4\n") != NULL, "only fds 0-2 inherited (plus ls's own)");
		if (!ok(strstr(o.out, "SigBlk") != NULL, "status read"))
			diag("%s", o.out);
		close(extra_fd);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		signal(SIGUSR2, SIG_DFL);
	}
	{
		const char *argv[] = { "sleep", "30", NULL };
		char err[256];
		struct proc *p;

		memset(&opts, 0, sizeof opts);
		memset(&o, 0, sizeof o);
		opts.argv = argv;
		p = proc_start(loop, &opts, done_cb, &o, err, sizeof err);
		ok(p != NULL && proc_pid(p) > 0, "proc_pid");
		ev_run(loop, EVRUN_NOWAIT);
		proc_kill(p);
		ev_timer_set(&guard, 10., 0.);
		ev_timer_start(loop, &guard);
		while (!o.done && !guard_fired)
			ev_run(loop, 0);
		ev_timer_stop(loop, &guard);
		if (!ok(o.done && !o.timed_out && !o.exited && o.status == SIGTERM,
		        "proc_kill stops a child without timeout"))
			diag("done=%d timed_out=%d exited=%d status=%d guard=%d", o.done,
			     o.timed_out, o.exited, o.status, guard_fired);
	}
	{
		const char *argv[] = { NULL };
		char err[256];

		memset(&opts, 0, sizeof opts);
		opts.argv = argv;
		ok(proc_start(loop, &opts, done_cb, &o, err, sizeof err) == NULL,
		   "empty argv refused");
	}
	ev_loop_destroy(loop);
	return done_testing();
}
