/* passthru — the VIOS end of the PassThroughInterface job: what
 * `vioservice lib/libviopass/passthru` prints for a vioHADR2 request.
 *
 * jobs.c calls simjob_passthrough() when a pass-through job completes on a
 * reachable VIOS; the StdOut and StdError it fills go into the job's
 * Results.  It reads the request's action_str and the UUIDs it names, counts
 * requests per action_str and remembers which VMs were added to / started in
 * the health database (world.h: pt, hs_added, hs_started), so tests can
 * prove what a client sent, then lets the health side (hm.h) answer from
 * the cluster's HSDB.  Not for the HMC job lifecycle (jobs.c) or RMC
 * reachability (checked by jobs.c).
 */
#ifndef HMCSIM_PASSTHRU_H
#define HMCSIM_PASSTHRU_H

#include <stddef.h>
#include "buf.h"
#include "world.h"

/* CMDReturnCode of a request whose inputXML is refused (not well-formed,
 * no <VIO><Request action_str=...>). */
#define SIMPT_RC_MALFORMED 1

/* Run input_xml (the inputXML job parameter) on VIOS vios: appends the
 * command's standard output to stdout_out and its standard error to
 * stderr_out, and sets *cmd_rc (CMDReturnCode).  A well-formed request gets
 * the reply of simhm_request() (hm.h; the empty "<VIO><Response>\n
 * </Response></VIO>" for actions without a health meaning); a malformed one
 * gets no output, a one-line StdError starting "passthru: " and
 * SIMPT_RC_MALFORMED.  Returns 0. */
int simjob_passthrough(struct world *w, struct sim_lpar *vios, const char *input_xml,
                       struct buf *stdout_out, struct buf *stderr_out, int *cmd_rc);

/* `show passthru [NAME]`: one line "ACTION COUNT" per action_str seen
 * (sorted by name), "malformed COUNT" when some request was refused, then
 * "VM added=yes|no started=yes|no" for every client LPAR a request named.
 * NAME keeps the line of that action_str or partition (a partition no
 * request named is printed too).  Returns the number of lines. */
size_t simpt_show(struct world *w, const char *name, struct buf *out);

#endif
