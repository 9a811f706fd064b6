/* proc — fork/exec children on the default libev loop, with a kill ladder.
 *
 * The child gets its own process group, a clean signal state and only fds
 * 0-2; the parent reads stdout/stderr through non-blocking pipes, writes the
 * optional stdin string, reaps with ev_child and enforces the timeout with
 * SIGTERM then SIGKILL to the whole group.  Not for long-lived services that
 * need supervision or restarts.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "proc.h"

#define PROC_CAPTURE_DEFAULT (1024u * 1024u)
#define PROC_GRACE_DEFAULT 2.0
#define PROC_READ_CHUNK 65536
#define PROC_KILL_WAIT 2.0      /* after SIGKILL, how long pipes may linger */

enum proc_phase {
	PROC_RUN = 0,     /* timer (if any) is the timeout */
	PROC_TERM,        /* SIGTERM sent; timer is the grace period */
	PROC_KILL,        /* SIGKILL sent; timer bounds the wait for pipe EOF */
	PROC_DRAIN,       /* leader exited; timer bounds the wait for pipe EOF */
};

struct proc {
	struct ev_loop *loop;
	ev_child child;
	ev_io out_w, err_w, in_w;
	ev_timer timer;
	pid_t pid;
	int out_fd, err_fd, in_fd;     /* parent ends, -1 once closed */
	int exited;                    /* leader reaped */
	int finished;
	enum proc_phase phase;
	char *input;                   /* owned copy of stdin content */
	size_t input_len, input_off;
	double timeout, kill_grace, t0;
	size_t cap;
	char argv0[64];                /* for log lines */
	struct proc_result r;
	proc_done_cb cb;
	void *arg;
};

static void finish(struct proc *p);

pid_t
proc_pid(const struct proc *p)
{
	return p->pid;
}

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/* Keep the parent's pipe ends above 2 so the child's dup2 onto 0-2 never
 * clobbers a source descriptor. */
static int
lift_fd(int fd)
{
	int nfd;

	if (fd > 2)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return nfd;
}

static int
make_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	fds[0] = lift_fd(fds[0]);
	fds[1] = lift_fd(fds[1]);
	if (fds[0] == -1 || fds[1] == -1) {
		close_fd(&fds[0]);
		close_fd(&fds[1]);
		return -1;
	}
	return 0;
}

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void
group_kill(struct proc *p, int sig)
{
	if (p->pid > 0 && kill(-p->pid, sig) == -1 && errno != ESRCH)
		log_msg(LOGL_WARN, "proc", "event=kill_failed pid=%ld sig=%d err=\"%s\"",
		        (long)p->pid, sig, strerror(errno));
}

static void
arm_timer(struct proc *p, double secs)
{
	ev_timer_stop(p->loop, &p->timer);
	ev_timer_set(&p->timer, secs, 0.);
	ev_timer_start(p->loop, &p->timer);
}

static int
pipes_open(const struct proc *p)
{
	return p->out_fd != -1 || p->err_fd != -1;
}

static void
maybe_finish(struct proc *p)
{
	if (p->exited && !pipes_open(p))
		finish(p);
}

static void
close_stream(struct proc *p, ev_io *w, int *fd)
{
	ev_io_stop(p->loop, w);
	close_fd(fd);
}

static void
read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct proc *p = w->data;
	int is_out = w == &p->out_w;
	struct buf *b = is_out ? &p->r.out : &p->r.err;
	int *fd = is_out ? &p->out_fd : &p->err_fd;
	char chunk[PROC_READ_CHUNK];
	ssize_t n;

	(void)loop;
	(void)revents;
	for (;;) {
		n = read(*fd, chunk, sizeof chunk);
		if (n > 0) {
			size_t room = b->len < p->cap ? p->cap - b->len : 0;
			size_t take = (size_t)n < room ? (size_t)n : room;

			buf_append(b, chunk, take);
			p->r.dropped += (size_t)n - take;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break;     /* EOF or a real error */
	}
	close_stream(p, w, fd);
	maybe_finish(p);
}

static void
write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct proc *p = w->data;
	ssize_t n;

	(void)loop;
	(void)revents;
	while (p->input_off < p->input_len) {
		n = write(p->in_fd, p->input + p->input_off, p->input_len - p->input_off);
		if (n > 0) {
			p->input_off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break;     /* EPIPE: the child does not read its input */
	}
	close_stream(p, w, &p->in_fd);
}

static void
child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct proc *p = w->data;
	int st = w->rstatus;

	(void)revents;
	ev_child_stop(loop, w);
	p->exited = 1;
	if (WIFEXITED(st)) {
		p->r.exited = 1;
		p->r.status = WEXITSTATUS(st);
	} else if (WIFSIGNALED(st)) {
		p->r.exited = 0;
		p->r.status = WTERMSIG(st);
	}
	if (!pipes_open(p)) {
		finish(p);
		return;
	}
	/* Something else in the group still holds the pipes.  During the kill
	 * ladder the timer already bounds that; otherwise allow a short drain. */
	if (p->phase == PROC_RUN) {
		p->phase = PROC_DRAIN;
		arm_timer(p, p->kill_grace);
	}
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct proc *p = w->data;

	(void)loop;
	(void)revents;
	switch (p->phase) {
	case PROC_RUN:
		p->r.timed_out = 1;
		log_msg(LOGL_WARN, "proc", "event=timeout pid=%ld argv0=\"%s\" after_s=%.3f",
		        (long)p->pid, p->argv0, p->timeout);
		group_kill(p, SIGTERM);
		p->phase = PROC_TERM;
		arm_timer(p, p->kill_grace);
		break;
	case PROC_TERM:
		group_kill(p, SIGKILL);
		p->phase = PROC_KILL;
		arm_timer(p, PROC_KILL_WAIT);
		break;
	case PROC_KILL:
	case PROC_DRAIN:
		group_kill(p, SIGKILL);
		/* Stop waiting for EOF; the exit status is still needed. */
		close_stream(p, &p->out_w, &p->out_fd);
		close_stream(p, &p->err_w, &p->err_fd);
		if (p->exited) {
			finish(p);
			return;
		}
		arm_timer(p, PROC_KILL_WAIT);
		break;
	}
}

void
proc_kill(struct proc *p)
{
	if (!p || p->finished)
		return;
	if (p->phase == PROC_RUN) {
		group_kill(p, SIGTERM);
		p->phase = PROC_TERM;
		arm_timer(p, p->kill_grace);
	} else if (p->phase == PROC_DRAIN) {
		group_kill(p, SIGKILL);
	}
}

static void
finish(struct proc *p)
{
	if (p->finished)
		return;
	p->finished = 1;
	ev_timer_stop(p->loop, &p->timer);
	ev_child_stop(p->loop, &p->child);
	close_stream(p, &p->out_w, &p->out_fd);
	close_stream(p, &p->err_w, &p->err_fd);
	close_stream(p, &p->in_w, &p->in_fd);
	p->r.elapsed_ms = loop_mono_ms() - p->t0;
	if (p->cb)
		p->cb(p, &p->r, p->arg);
	buf_free(&p->r.out);
	buf_free(&p->r.err);
	free(p->input);
	free(p);
}

/* In the child between fork and exec: async-signal-safe calls only. */
static void
child_write(const char *s)
{
	ssize_t w = write(STDERR_FILENO, s, strlen(s));

	(void)w;
}

static void __attribute__((noreturn))
child_exec(const struct proc_opts *o, int in_fd, int out_fd, int err_fd)
{
	struct sigaction sa;
	sigset_t set;
	int sig, e;

	setpgid(0, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);      /* fails harmlessly for KILL/STOP/RT */
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	if (dup2(in_fd, STDIN_FILENO) == -1 || dup2(out_fd, STDOUT_FILENO) == -1 ||
	    dup2(err_fd, STDERR_FILENO) == -1)
		_exit(127);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	if (close_range(3, ~0U, 0) == -1)
#endif
	{
		long max = sysconf(_SC_OPEN_MAX), fd;

		if (max < 0 || max > 65536)
			max = 65536;
		for (fd = 3; fd < max; fd++)
			close((int)fd);
	}
	if (o->envp)
		execvpe(o->argv[0], (char *const *)o->argv, (char *const *)o->envp);
	else
		execvp(o->argv[0], (char *const *)o->argv);
	e = errno;
	child_write("proc: cannot execute ");
	child_write(o->argv[0]);
	child_write(": ");
	child_write(strerrordesc_np(e) ? strerrordesc_np(e) : "error");
	child_write("\n");
	_exit(127);
}

static void
ignore_sigpipe(void)
{
	struct sigaction old;

	/* Writing stdin to a child that exited must not kill us. */
	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);
}

struct proc *
proc_start(struct ev_loop *loop, const struct proc_opts *o, proc_done_cb cb,
           void *arg, char *err, size_t errlen)
{
	int in_p[2] = { -1, -1 }, out_p[2] = { -1, -1 }, err_p[2] = { -1, -1 };
	struct proc *p = NULL;
	sigset_t all, old;
	pid_t pid;
	int e;

	if (!o || !o->argv || !o->argv[0]) {
		snprintf(err, errlen, "proc: empty argv");
		goto fail;
	}
	p = calloc(1, sizeof *p);
	if (!p) {
		snprintf(err, errlen, "proc: out of memory");
		goto fail;
	}
	p->loop = loop;
	p->out_fd = p->err_fd = p->in_fd = -1;
	p->cb = cb;
	p->arg = arg;
	snprintf(p->argv0, sizeof p->argv0, "%s", o->argv[0]);
	p->timeout = o->timeout > 0 ? o->timeout : 0;
	p->kill_grace = o->kill_grace > 0 ? o->kill_grace : PROC_GRACE_DEFAULT;
	p->cap = o->capture_max ? o->capture_max : PROC_CAPTURE_DEFAULT;
	ignore_sigpipe();
	if (o->input) {
		p->input_len = strlen(o->input);
		p->input = malloc(p->input_len + 1);
		if (!p->input) {
			snprintf(err, errlen, "proc: out of memory");
			goto fail;
		}
		memcpy(p->input, o->input, p->input_len + 1);
		if (make_pipe(in_p) == -1)
			goto sysfail;
	} else {
		in_p[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (in_p[0] == -1 || (in_p[0] = lift_fd(in_p[0])) == -1)
			goto sysfail;
	}
	if (make_pipe(out_p) == -1 || make_pipe(err_p) == -1)
		goto sysfail;
	p->t0 = loop_mono_ms();
	/* Block everything across fork: a signal reaching the child before it
	 * resets its dispositions would run the parent's handlers (libev's),
	 * and an early SIGTERM from proc_kill would be lost. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		child_exec(o, in_p[0], out_p[1], err_p[1]);
	e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid == -1) {
		errno = e;
		goto sysfail;
	}
	/* Both sides set the group so kill(-pid) works whoever runs first;
	 * EACCES after the child's exec is fine. */
	setpgid(pid, pid);
	p->pid = pid;
	close_fd(&in_p[0]);
	close_fd(&out_p[1]);
	close_fd(&err_p[1]);
	p->out_fd = out_p[0];
	p->err_fd = err_p[0];
	p->in_fd = in_p[1];
	set_nonblock(p->out_fd);
	set_nonblock(p->err_fd);
	ev_io_init(&p->out_w, read_cb, p->out_fd, EV_READ);
	ev_io_init(&p->err_w, read_cb, p->err_fd, EV_READ);
	p->out_w.data = p->err_w.data = p;
	ev_io_start(loop, &p->out_w);
	ev_io_start(loop, &p->err_w);
	if (p->in_fd != -1) {
		set_nonblock(p->in_fd);
		ev_io_init(&p->in_w, write_cb, p->in_fd, EV_WRITE);
		p->in_w.data = p;
		ev_io_start(loop, &p->in_w);
	}
	ev_child_init(&p->child, child_cb, pid, 0);
	p->child.data = p;
	ev_child_start(loop, &p->child);
	ev_init(&p->timer, timer_cb);
	p->timer.data = p;
	if (p->timeout > 0)
		arm_timer(p, p->timeout);
	log_msg(LOGL_DEBUG, "proc", "event=start pid=%ld argv0=\"%s\"", (long)pid,
	        o->argv[0]);
	return p;
sysfail:
	snprintf(err, errlen, "proc: cannot start %s: %s", o->argv[0], strerror(errno));
fail:
	close_fd(&in_p[0]);
	close_fd(&in_p[1]);
	close_fd(&out_p[0]);
	close_fd(&out_p[1]);
	close_fd(&err_p[0]);
	close_fd(&err_p[1]);
	if (p)
		free(p->input);
	free(p);
	return NULL;
}
