/* httpd — the HTTPS side of hmcsim: one libmicrohttpd daemon per simulated
 * HMC, all driven by the process's one libev loop (no MHD threads).
 *
 * Routes /rest/api/web/Logon and /rest/api/uom/..., keeps the X-API-Session
 * sessions (struct sim_hmc.sessions), applies the HTTP-path faults of struct
 * sim_hmc (down, slow_ms, http_error_code/count) and hands jobs to jobs.c.
 * Not for XML building (feeds.c) or world state changes (world.c).
 */
#ifndef HMCSIM_HTTPD_H
#define HMCSIM_HTTPD_H

#include <stddef.h>
#include "world.h"

struct simhttp;

/* Create the HTTP side for world w.  Reads the PEM certificate and key files
 * (see tls.h for making them) and registers w->hooks.hmc_changed so that
 * world_hmc_set_down() closes/reopens listeners.  Returns NULL with err set. */
struct simhttp *simhttp_new(struct world *w, const char *cert_pem_path,
                            const char *key_pem_path, char *err, size_t errlen);

/* Start serving HMC h: binds h->addr:h->port (port 0 = ephemeral; the real
 * port is written back into h->port).  If h->down is set the port is still
 * reserved (bound once to learn it) but no listener stays open until the HMC
 * comes up.  Returns 0 or -1 with err set. */
int simhttp_start_hmc(struct simhttp *s, struct sim_hmc *h, char *err, size_t errlen);

/* Start every HMC of the world (simhttp_start_hmc for each).  0 or -1. */
int simhttp_start_all(struct simhttp *s, char *err, size_t errlen);

/* Apply a changed fault state of h now (what the hmc_changed hook does):
 * down -> listener closed and connections dropped; up -> listening again on
 * the same port.  Safe to call at any time. */
void simhttp_hmc_changed(struct simhttp *s, struct sim_hmc *h);

/* Stops every daemon, frees sessions and pending jobs' HTTP state.  Jobs in
 * w->jobs stay (world_free frees them); their timers are stopped. */
void simhttp_free(struct simhttp *s);

#endif
