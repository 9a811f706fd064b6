/* jobs — the HMC job engine of hmcsim: JobRequest parsing, the lifecycle
 * NOT_STARTED -> RUNNING -> COMPLETED_OK | COMPLETED_WITH_ERROR |
 * FAILED_BEFORE_COMPLETION (or CANCELED), and the side effect applied through
 * world.c when a job completes.
 *
 * Jobs live in world->jobs (struct sim_job); each one's ev_timer drives it
 * and, once it is terminal, garbage-collects it (1 hour, scaled; 1 minute
 * after a DELETE).  Not for HTTP (httpd.c) nor XML output (feeds.c).
 */
#ifndef HMCSIM_JOBS_H
#define HMCSIM_JOBS_H

#include <stddef.h>
#include "world.h"

/* 1 when op is a job hmcsim runs for objects of group ("LogicalPartition",
 * "VirtualIOServer", "ManagementConsole" for CLIRunner: cli.h). */
int simjob_op_known(const char *group, const char *op);

/* Submit the JobRequest in body (raw bytes, Atom-wrapped or bare) for
 * operation op of group on target l through HMC h (l NULL: the HMC itself,
 * for ManagementConsole jobs).  On success *out is the
 * new job (owned by the world; status NOT_STARTED, or FAILED_BEFORE_COMPLETION
 * when a required parameter is missing) and 0 is returned.  On a request
 * the HMC refuses outright (malformed XML, operation/group mismatch, unknown
 * operation) returns -1 with *http_status (400) and err set. */
int simjob_submit(struct world *w, struct sim_hmc *h, const char *group,
                  struct sim_lpar *l, const char *op, const char *body, size_t len,
                  struct sim_job **out, int *http_status, char *err, size_t errlen);

/* POST /jobs/{id}/cancel: a NOT_STARTED or RUNNING job ends CANCELED with no
 * side effect.  A terminal job is left as it is.  Returns 0. */
int simjob_cancel(struct world *w, struct sim_job *j);

/* DELETE /jobs/{id}: 0 when terminal (the job is marked deleted and freed
 * shortly after); -1 with err while it is NOT_STARTED or RUNNING. */
int simjob_delete(struct world *w, struct sim_job *j, char *err, size_t errlen);

/* 1 when j is NOT_STARTED or RUNNING. */
int simjob_active(const struct sim_job *j);

/* Stop every job timer (before the loop goes away). */
void simjob_stop_all(struct world *w);

/* Value of parameter name (case-insensitive) of j, or NULL. */
const char *simjob_param(const struct sim_job *j, const char *name);

#endif
