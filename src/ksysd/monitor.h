/* monitor — ksysd's eyes: per host group polling of the Host Monitors'
 * health database through one designated VIOS, the health model of every
 * host, VIOS and VM, and the Failure Detection Engine's evidence gathering.
 *
 * For each host group whose first discovery succeeded (state READY) and that
 * has a monitored host (effective.h, with the system switch), a timer every
 * 20 s (scaled; the first request about 1 s after the group starts being
 * polled) sends VIO_HS_QUICK_QUERY, QUICK_QUERY, NEEDS_ATTENTION in turn as
 * pass-through jobs to the group's designated VIOS (the first managed VIOS by
 * name whose LPAR is running), with at most one request of that chain in
 * flight; a request that fails moves polling to the group's next VIOS (and,
 * inside the HMC client, to another HMC).  Replies update the model;
 * ackable content is acknowledged after it is stored; CAA node data is
 * fetched with QUERY_NODE_DATA when a NEEDS_ATTENTION shows hasData=1.
 * Evidence that crosses a threshold is checked with pings and HMC reads as
 * fde.h asks (a suspect host also gets one QUICK_QUERY sent straight to each
 * of its VIOSs), and every decision becomes an event; a host or VM failure
 * becomes a relocation request (recorded as the event RELOCATION_REQUESTED
 * and kept in memory, shown by `ksysmgr query system status`, until the
 * relocation engine exists).  Everything runs on the loop.  Decisions are
 * fde.c's; this module only observes and asks.
 *
 * Without ICMP (core->ping NULL) no VM failure is decided (a missed
 * heartbeat is then only an event), and a VIOS whose CAA state is DOWN counts
 * as not answering ping: its LPAR state and the sanity request decide.
 */
#ifndef KSYS_MONITOR_H
#define KSYS_MONITOR_H

#include <stddef.h>

struct core;
struct fde_params;
struct monitor;
struct buf;

/* p is copied.  core->loop, store, hmcs must exist (inv and ping may be
 * NULL); never NULL (OOM aborts).  Polls nothing before monitor_refresh. */
struct monitor *monitor_new(struct core *core, const struct fde_params *p);
/* Ends every listener (cb with final = 1), drops the operations still in
 * flight (call it once the HMC client and the pinger no longer call back:
 * after hmc_set_shutdown's done, or with the loop stopped) and frees. */
void monitor_free(struct monitor *m);

/* Re-reads the host groups, hosts, VIOSs and VMs from the store: starts
 * polling every READY group whose system/host-group switch allows it, stops
 * the others, keeps the model of groups that stay.  Called at start, at the
 * end of every discovery, and by the monitor itself every 60 s (scaled) so
 * that configuration changes (ha_monitor, detection times and speeds) are
 * taken within a minute.  Does nothing once core->stopping is set. */
void monitor_refresh(struct monitor *m);

/* `ksysmgr query system status`: text (or JSON) snapshot of every monitored
 * group, host, VIOS and VM as last seen and the pending relocation requests,
 * appended to out.  verbose adds UUIDs, reasons, evidence and counters. */
void monitor_status(struct monitor *m, int json, int verbose, struct buf *out);

/* Listeners (`monitor=yes` followers): cb(cookie, 0) after every reply or
 * evidence that changed what the status shows (a state, a verdict, missed
 * heartbeats, the polling VIOS, a request's result), cb(cookie, 1) once from
 * monitor_free (the listener is then gone).  One listener per cookie; cb NULL
 * removes it; both are allowed from inside a callback. */
void monitor_listen(struct monitor *m, void *cookie, void (*cb)(void *cookie, int final));

#endif
