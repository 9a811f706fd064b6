/* ctl — ksysd's control socket: a UNIX stream socket on the libev loop.
 *
 * It binds, checks each peer (root or group ksys), reads one framed request
 * per connection and streams the handler's output back.  It does not know the
 * ksysmgr grammar (cmd.c does) and never blocks the loop.
 *
 * Framing (version KSYS1), one request per connection:
 *   client -> "KSYS1 <argc>\n" then argc times "<len>:<len bytes>\n"
 *             (argc <= CTL_MAX_ARGC, all bytes together <= CTL_MAX_REQUEST)
 *   server -> lines "O <text>\n" (stdout), "E <text>\n" (stderr),
 *             "P <text>\n" (progress, stdout), then "S <code>\n" and close.
 * A malformed or oversized request gets "E ..." and "S 2"; a peer that is
 * neither root nor in group ksys gets "E permission denied: ..." and "S 1".
 */
#ifndef KSYS_CTL_H
#define KSYS_CTL_H

#include <stddef.h>
#include <time.h>
#include <ev.h>

#define CTL_MAX_ARGC    256
#define CTL_MAX_REQUEST 65536           /* bytes of all args together */
#define CTL_MAX_OUTPUT  (4 << 20)       /* buffered reply bytes per connection */
#define CTL_GROUP       "ksys"

struct ctl;
struct ctl_req;

/* Called once per accepted request.  argv holds argc strings and stays valid
 * until ctl_end(req); the handler (now or later) must call ctl_end exactly
 * once.  If the client went away meanwhile, output is dropped silently. */
typedef void (*ctl_handler)(struct ctl_req *req, int argc, char **argv, void *arg);

/* Binds path (creating its directory 0755 if missing), mode 0660, group
 * CTL_GROUP when that group exists.  A stale socket nobody answers on is
 * removed; a live one (another ksysd) is refused.  NULL with err set. */
struct ctl *ctl_new(struct ev_loop *loop, const char *path, ctl_handler handler,
                    void *arg, char *err, size_t errlen);
/* Stops listening, closes connections, removes the socket file.  Requests
 * still running stay valid until their ctl_end (their output is dropped). */
void ctl_free(struct ctl *c);

void ctl_out(struct ctl_req *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ctl_err(struct ctl_req *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A progress line; prefixed "YYYY-mm-ddTHH:MM:SS " when the request had -t. */
void ctl_progress(struct ctl_req *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, stamped with when (a line produced earlier, replayed). */
void ctl_progress_at(struct ctl_req *req, time_t when, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sends "S status" and frees req (argv with it). */
void ctl_end(struct ctl_req *req, int status);

/* Global options seen before ACTION in the request's argv. */
int ctl_req_json(const struct ctl_req *req);
int ctl_req_verbose(const struct ctl_req *req);
int ctl_req_timestamps(const struct ctl_req *req);

#endif
