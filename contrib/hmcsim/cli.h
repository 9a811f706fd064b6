/* cli — the HMC commands hmcsim runs for the ManagementConsole CLIRunner job
 * (PUT .../ManagementConsole/{uuid}/do/CLIRunner, JobParameter cmd), with
 * the text output the real commands print.
 *
 * Accepted (options in any order; values may be quoted):
 *   lsrefcode -r lpar -m HOST --filter lpar_names=NAME [-n N] [-F FIELDS]
 *     the partition's reference code history, newest first, N entries
 *     (default 1, at most 16); FIELDS from lpar_name, lpar_id, time_stamp
 *     ("MM/DD/YYYY HH:MM:SS", UTC), refcode, word3 (empty when not set).
 *   lssyscfg -r prof -m HOST --filter lpar_names=NAME [-F FIELDS]
 *     FIELDS from name (default_profile), lpar_name, lpar_id, boot_mode
 *     (norm, sms, ...).
 *   lssyscfg -r lpar -m HOST --filter lpar_names=NAME [-F FIELDS]
 *     FIELDS from name, lpar_id, state ("Running", "Not Activated",
 *     "Open Firmware", "Migrating - Running", ...), refcode, lpar_env.
 * With -F a line holds the values joined by ','; without, KEY=VALUE pairs.
 * HOST is a host name or TYPE-MODEL*SERIAL.  Anything else is refused with
 * an HSCL-coded message.  Not for the job lifecycle (jobs.c).
 */
#ifndef HMCSIM_CLI_H
#define HMCSIM_CLI_H

#include <stddef.h>
#include "buf.h"
#include "world.h"

/* Run cmd: 0 with the command's output appended to out, or -1 with err
 * ("HSCL8018 The managed system rt99 was not found.", ...). */
int simcli_run(struct world *w, const char *cmd, struct buf *out, char *err,
               size_t errlen);

#endif
