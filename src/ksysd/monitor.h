/* monitor — ksysd's eyes: per host group polling of the Host Monitors'
 * health database through one designated VIOS, the health model of every
 * host, VIOS and VM, and the Failure Detection Engine's evidence gathering.
 *
 * For each host group whose first discovery succeeded (state READY), a timer
 * every 20 s (scaled) sends VIO_HS_QUICK_QUERY, QUICK_QUERY, NEEDS_ATTENTION
 * in turn as pass-through jobs to the group's designated VIOS (the first
 * managed VIOS by name that is running), failing over to the group's other
 * VIOSs (and, inside the HMC client, to another HMC).  Replies update the
 * model; ackable content is acknowledged after it is stored; CAA node data is
 * fetched with QUERY_NODE_DATA when hasData=1.  Evidence that crosses a
 * threshold is checked with pings and HMC reads as fde.h asks, and every
 * decision becomes an event; a host or VM failure becomes a relocation
 * request (recorded as an event and shown by `ksysmgr query system status`
 * until the relocation engine exists).  Everything runs on the loop.
 * Decisions are fde.c's; this module only observes and asks.
 */
#ifndef KSYS_MONITOR_H
#define KSYS_MONITOR_H

#include <stddef.h>

struct core;
struct fde_params;
struct monitor;
struct buf;

/* p is copied.  core->store, hmcs, inv must exist; never NULL (OOM aborts). */
struct monitor *monitor_new(struct core *core, const struct fde_params *p);
void monitor_free(struct monitor *m);

/* Re-reads the host groups, hosts, VIOSs and VMs from the store: starts
 * polling every READY group whose system/host-group switch allows it, stops
 * the others, keeps the model of groups that stay.  Called at start, at the
 * end of every discovery and after configuration changes. */
void monitor_refresh(struct monitor *m);

/* `ksysmgr query system status`: text (or JSON) snapshot of every monitored
 * group, host, VIOS and VM as last seen, appended to out. */
void monitor_status(struct monitor *m, int json, int verbose, struct buf *out);

/* Called after every poll cycle that changed something (for `monitor=yes`
 * followers); one listener at a time per cookie; remove with cb NULL. */
void monitor_listen(struct monitor *m, void *cookie, void (*cb)(void *cookie));

#endif
