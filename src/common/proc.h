/* proc — asynchronous child processes with timeouts, on the libev loop.
 *
 * A child runs in its own process group with a reset signal mask, stdin from
 * /dev/null (or a given string), stdout and stderr captured into buffers (up
 * to a cap; the rest is counted and dropped).  On timeout the group gets
 * SIGTERM, then SIGKILL after a grace period.  The done callback runs exactly
 * once from the loop.  Uses ev_child, so only on the default loop.  Not for
 * long-lived services (hmcsim is started by tests through proc as well, but
 * with timeout 0 = none).
 */
#ifndef KSYS_PROC_H
#define KSYS_PROC_H

#include <ev.h>
#include <sys/types.h>
#include "buf.h"

struct proc;

struct proc_result {
	int exited;         /* 1 if the child called exit() */
	int status;         /* exit status when exited, else the signal number */
	int timed_out;      /* 1 if the timeout ladder fired */
	struct buf out;     /* captured stdout (owned by proc; valid in the callback) */
	struct buf err;     /* captured stderr */
	size_t dropped;     /* bytes beyond the capture cap */
	double elapsed_ms;
};

typedef void (*proc_done_cb)(struct proc *p, const struct proc_result *r, void *arg);

struct proc_opts {
	const char *const *argv;   /* argv[0] is the path (execvp semantics) */
	const char *const *envp;   /* NULL: inherit */
	const char *input;         /* stdin content, NULL for /dev/null */
	double timeout;            /* seconds (already scaled by caller); 0 = none */
	double kill_grace;         /* seconds between SIGTERM and SIGKILL; 0 -> 2 s */
	size_t capture_max;        /* per stream; 0 -> 1 MiB */
};

/* Start a child.  Returns the handle (owned by proc; freed after the done
 * callback returns) or NULL with err set (fork/pipe failure). */
struct proc *proc_start(struct ev_loop *loop, const struct proc_opts *o,
                        proc_done_cb cb, void *arg, char *err, size_t errlen);
/* Send the timeout ladder now (SIGTERM then SIGKILL); the callback still runs. */
void proc_kill(struct proc *p);
pid_t proc_pid(const struct proc *p);

#endif
