/* simctl — hmcsim's control socket: the UNIX-socket server that runs in the
 * loop, the command interpreter behind it, and the `hmcsim ctl SOCKET CMD...`
 * client.
 *
 * Protocol: the client sends its words joined by single spaces and a "\n";
 * the server answers zero or more lines and then "OK" or "ERR message".
 * Lines are at most 4096 bytes.  Not for the fault grammar (faults.c) or
 * the topology (topo.c).
 */
#ifndef HMCSIM_SIMCTL_H
#define HMCSIM_SIMCTL_H

#include <stddef.h>
#include "buf.h"
#include "world.h"

#define SIMCTL_LINE_MAX 4096

struct simctl;

/* Listen on the UNIX socket path (mode 0600) in w->loop.  A stale socket file
 * is replaced; a live one (another hmcsim answers) or a non-socket file is an
 * error.  Returns NULL with err set. */
struct simctl *simctl_new(struct world *w, const char *path, char *err, size_t errlen);
/* Close every client and the listener and remove the socket file. */
void simctl_free(struct simctl *c);

/* Run one command (argv[0] is the verb: show, fault, clear, help, ping)
 * against w, appending answer lines to out.  Returns 0 (the server then
 * sends OK) or -1 with err (sent as "ERR err"). */
int simctl_exec(struct world *w, int argc, const char *const *argv, struct buf *out,
                char *err, size_t errlen);

/* `show WHAT [NAME]`: WHAT is hosts, vioses, vms, instances, disks, jobs,
 * counters, hmcs, capacity, faults, timing, passthru or hsdb (singular forms
 * accepted; hsdb takes a cluster number, hm.h).  vms lines are "NAME HOST
 * STATE PROC MEM_MB UUID agent=up|silent|none addr=ADDR ping=answers|silent|
 * silent:loopback-answers".
 * NAME restricts the output to the object whose first field is NAME (an
 * error if there is none). */
int simctl_show(struct world *w, const char *what, const char *name, struct buf *out,
                char *err, size_t errlen);

/* The client: sends argv[0..argc-1] to the socket at path, prints the
 * answer lines to stdout and an ERR message to stderr.  Returns the exit
 * status: 0 OK, 1 ERR (or a broken answer), 2 usage, 3 cannot connect. */
int simctl_client(const char *path, int argc, char **argv);

#endif
