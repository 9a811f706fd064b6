/* hm — the VIOS health side of hmcsim: clusters of VIOSs sharing one HSDB
 * (hsdb.h), a Host Monitor per VIOS of a cluster, a simulated VM agent per
 * client LPAR, and the vioHADR2 health requests answered from all that.
 *
 * Clusters are learnt from pass-through requests: a VIOS in no cluster that
 * gets a request starts one holding its own host; VIO_HS_ADD_MS received by
 * a VIOS adds the host it names and the VIOSs of its viosList to that VIOS's
 * cluster (a host of another cluster moves).  Any VIOS of a cluster answers
 * for the whole cluster.  Cluster N keeps STATE_DIR/hsdb-N.db (in memory
 * without a state dir).
 *
 * Time model (durations in simulated seconds, real ones divided by
 * --time-scale): a Host Monitor writes its HSDB heartbeat every 30 s from its
 * start; an agent that runs heartbeats every 10 s to each HM of its host
 * (first beat 2 s after the HM starts hearing it); an HM that heard a started
 * VM's last beat 19 s ago writes map.vmhbmissed (at that moment) and NULLs it
 * at the first beat it hears again; a STARTING VM becomes STARTED 3 s after
 * every HM of its host hears its agent, and its agent rings the initial
 * doorbell 0x2 four beats (40 s) later (again 43 s after an agent restart).
 * These moments are computed, not polled: the HSDB is brought up to date
 * before every request and `show hsdb`, and a per-cluster timer at the next
 * due moment writes (and logs) them on time.  Not for HTTP or jobs (jobs.c),
 * nor for the XML of replies (hsdb.c).
 */
#ifndef HMCSIM_HM_H
#define HMCSIM_HM_H

#include <stddef.h>
#include "buf.h"
#include "world.h"

/* Simulated seconds of the model (see above). */
#define SIMHM_HM_HB 30.0
#define SIMHM_VM_HB 10.0
#define SIMHM_VM_HB_FIRST 2.0
#define SIMHM_VM_MISSING 19.0
#define SIMHM_HANDSHAKE 3.0
#define SIMHM_DBELL_BEATS 4

/* CMDReturnCode of a health request the VIOS refuses (a managed system not
 * in the cluster, ...); StdError says why. */
#define SIMHM_RC_REFUSED 2

struct _xmlNode;

/* Answer the vioHADR2 request req (the <Request> element, action_str
 * already read) received by VIOS vios: StdOut into out, StdError into
 * errout, *rc the CMDReturnCode.  Actions without a health meaning get the
 * empty response. */
void simhm_request(struct world *w, struct sim_lpar *vios, const char *action,
                   struct _xmlNode *req, struct buf *out, struct buf *errout, int *rc);

/* world.c calls this after any change of l (state, host, faults).  No-op
 * until the first health request created the model. */
void simhm_lpar_changed(struct world *w, struct sim_lpar *l);

/* Frees the model, its timers and databases (world_free calls it). */
void simhm_free(struct simhm *hm);

/* Clock: real epoch seconds (ev_now of the loop, else the wall clock), or
 * the fake time t set for tests (0 returns to the real clock).  Setting it
 * brings every cluster up to date at t. */
double simhm_now(struct world *w);
void simhm_set_clock(struct world *w, double t);

/* `show hsdb [CLUSTER]`: "cluster N db=PATH hosts=H vioses=V vms=M" then
 * the HSDB rows of each cluster (hsdb.h simhs_show).  -1 with err when
 * CLUSTER is not a cluster number. */
int simhm_show(struct world *w, const char *cluster, struct buf *out, char *err,
               size_t errlen);

/* The cluster number of VIOS or VM l (1...), 0 when in none. */
int simhm_cluster_of(struct world *w, const struct sim_lpar *l);
/* The HSDB of cluster id (1...), NULL when there is none (tests). */
struct simhs *simhm_db(struct world *w, int id);
/* "up", "silent" or "none" (no agent): what `show vms` prints. */
const char *simhm_agent_word(const struct world *w, const struct sim_lpar *l);

#endif
