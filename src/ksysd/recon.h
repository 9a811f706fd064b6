/* recon — makes the store's VIOS and VM rows of some hosts match what their
 * HMC reports, and says what changed.
 *
 * Used by `ksysmgr add host` (one host, first time) and by every discovery
 * (all hosts of a host group at once, so a VM that moved between two of them
 * keeps its attributes).  Matching is by partition UUID first, then by name:
 *   new      an LPAR/VIOS the store does not know: added (VMs managed, state
 *            INIT, home host = that host (spec/D §10.3), spec/D §6 "all VMs
 *            of added hosts are managed by default";
 *            VIOSs managed)
 *   moved    a known UUID now on another of the given hosts: host updated
 *   renamed  a known UUID with a new name: row renamed (references follow)
 *   removed  a row of one of the given hosts whose UUID no longer appears on
 *            any of them: deleted (with its blacklist and affinity entries)
 *   conflict a new partition, or a rename, whose name another row holds: not
 *            applied, reported so the administrator can rename one of them
 * Host rows get uuid, mtms, FSP address and HMC list refreshed.  All in one
 * transaction: nothing is half-applied.  No HMC access, no output: the
 * caller reads the feeds and prints the changes.
 */
#ifndef KSYS_RECON_H
#define KSYS_RECON_H

#include <stddef.h>
#include "hmc_types.h"

struct store;

/* One host as read from its HMC. */
struct recon_host {
	const char *name;               /* the store's host name (must exist) */
	const struct hmc_ms *ms;        /* its ManagedSystem entry */
	const struct hmc_lpar *vioses;  /* its VirtualIOServer feed */
	size_t n_vioses;
	const struct hmc_lpar *lpars;   /* its LogicalPartition feed */
	size_t n_lpars;
	const char *hmcs;               /* HMCs managing it, comma-separated */
};

enum recon_what {
	RECON_NEW = 0,
	RECON_MOVED,
	RECON_RENAMED,
	RECON_REMOVED,
	RECON_CONFLICT,         /* not applied: the partition's name (new, or
	                           its new name on the HMC) belongs to another
	                           row; old_name is set when it keeps its name */
};

struct recon_change {
	enum recon_what what;
	int is_vios;
	const char *name;               /* current name (old name for REMOVED) */
	const char *old_name;           /* RENAMED: previous name */
	const char *host;               /* host it is on now (REMOVED: was on) */
	const char *from_host;          /* MOVED: previous host */
	const char *uuid;
};

/* Reconciles hosts[0..n).  cb (may be NULL) is called once per change after
 * the transaction committed, in the order: VIOSs then VMs, each by name.
 * Returns the number of changes, or -1 with err (nothing changed). */
int recon_hosts(struct store *s, const struct recon_host *hosts, size_t n,
                void (*cb)(void *arg, const struct recon_change *c), void *arg,
                char *err, size_t errlen);

/* "VM rt11001 is new on host rt11", ... one line, no newline. */
void recon_change_text(const struct recon_change *c, char *out, size_t outlen);

#endif
