/* passthru — the VIOS end of the PassThroughInterface job: what
 * `vioservice lib/libviopass/passthru` prints for a vioHADR2 request.
 *
 * jobs.c calls simjob_passthrough() when a pass-through job completes on a
 * reachable VIOS; the StdOut it fills goes into the job's Results.  This is
 * the plug point for the HSDB / Host Monitor side of the simulator.  Not for
 * the HMC job lifecycle (jobs.c) or RMC reachability (checked by jobs.c).
 */
#ifndef HMCSIM_PASSTHRU_H
#define HMCSIM_PASSTHRU_H

#include "buf.h"
#include "world.h"

/* Run input_xml (the inputXML job parameter) on VIOS vios: appends the
 * command's standard output to stdout_out and sets *cmd_rc (CMDReturnCode).
 * Returns 0. */
int simjob_passthrough(struct world *w, struct sim_lpar *vios, const char *input_xml,
                       struct buf *stdout_out, int *cmd_rc);

#endif
