/* inventory — what each HMC manages: its hosts, VIOSs and LPARs as last read.
 *
 * Reads the four feeds of an HMC (ManagementConsole, ManagedSystem,
 * VirtualIOServer, LogicalPartition) at start, whenever the HMC comes (back)
 * up, after `ksysmgr add hmc` and on demand; keeps the last good read in
 * memory and in the store's inventory table (so `add host` and `query hmc`
 * work right after a restart, before the HMC answered), and logs one summary
 * line per HMC and host.  A failed read keeps the previous data and retries
 * after the probe interval.  Not for deciding or reconciling anything
 * (recon.c turns HMC data into configuration rows).
 */
#ifndef KSYS_INVENTORY_H
#define KSYS_INVENTORY_H

#include <stddef.h>
#include "hmc_types.h"

struct ev_loop;
struct hmc_set;
struct store;
struct config_hmc;
struct inventory;

/* Tracks every HMC hmcs holds now: loads their last good reads from the
 * store (kinds "console", "host", "vios", "lpar" of its inventory table) and
 * starts reading each of them.  retry_interval: real seconds before a failed
 * read is tried again (scaled by tscale).  Never NULL (OOM aborts). */
struct inventory *inventory_new(struct ev_loop *loop, struct hmc_set *hmcs,
                                struct store *store, double retry_interval);
/* Frees everything, pending refresh callbacks are dropped uncalled.  Call it
 * once the loop no longer runs hmcs' callbacks (after hmc_set_shutdown's
 * done, or at exit). */
void inventory_free(struct inventory *inv);
/* The hosts={...} a configuration-file hmc{} expects (c must outlive inv):
 * every good read of c->name then logs event=inventory_missing_host (warning,
 * with c->where) per listed host the HMC does not manage and
 * event=inventory_unlisted_host (notice) per managed host not listed. */
void inventory_expect(struct inventory *inv, const struct config_hmc *c);

/* Start tracking HMC name (added to the hmc_set already) and read it now. */
void inventory_add_hmc(struct inventory *inv, const char *hmc);
/* Forget HMC name (memory and store rows); refreshes waiting for it end
 * with the error "NAME: the HMC was removed". */
void inventory_remove_hmc(struct inventory *inv, const char *hmc);
/* Read HMC name again now (all HMCs if NULL); cb (may be NULL) once every
 * requested HMC answered or failed, with NULL or the first error ("hmc1:
 * unreachable: ...").  A read already in flight is followed by a new one, so
 * cb reports data read after the call.  cb never runs from inside this call;
 * an unknown name fails ("no HMC named 'x'"), no HMC at all succeeds. */
void inventory_refresh(struct inventory *inv, const char *hmc,
                       void (*cb)(void *arg, const char *err), void *arg);
/* An HMC came up (from hmc_set's state callback): re-read it if stale. */
void inventory_hmc_state(struct inventory *inv, const char *hmc, int up);

/* A host as the HMCs report it.  hmcs: the HMCs that manage it, in name
 * order, comma-separated. */
struct inv_host {
	char uuid[HMC_UUID_LEN];
	char name[HMC_NAME_LEN];
	char state[HMC_STATE_LEN];
	char ip[64];                    /* FSP / service processor address */
	struct hmc_mtms mtms;
	char hmcs[256];
	int n_hmcs;
};

/* Hosts managed by HMC hmc (NULL: by any, each once) in name order: cb per
 * host; a nonzero return stops and is returned. */
int inventory_hosts(struct inventory *inv, const char *hmc,
                    int (*cb)(const struct inv_host *h, void *arg), void *arg);
/* Finds a host by name or UUID (case-insensitive).  0 and *out; -1 with err
 * "no HMC manages a host named 'x' (known: a, b)" or, for a name two
 * different hosts carry, "host name 'x' is ambiguous: give its UUID (u1, u2)". */
int inventory_find_host(struct inventory *inv, const char *name_or_uuid,
                        struct inv_host *out, char *err, size_t errlen);
/* VIOSs (vios = 1) or client LPARs (vios = 0) of host_uuid as last read,
 * cb per partition in name order. */
int inventory_partitions(struct inventory *inv, const char *host_uuid, int vios,
                         int (*cb)(const struct hmc_lpar *p, void *arg), void *arg);
/* 1 once HMC hmc (NULL: every HMC) was read successfully at least once
 * (in this run or a previous one, from the store). */
int inventory_ready(struct inventory *inv, const char *hmc);

#endif
