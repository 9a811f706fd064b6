/* feeds — the XML documents hmcsim serves, written the way a real HMC writes
 * them: Atom feeds and entries of ManagedSystem, LogicalPartition,
 * VirtualIOServer and ManagementConsole, job templates, JobResponse,
 * HttpErrorResponse and LogonResponse.
 *
 * VirtualIOServer entries list PhysicalVolumes: the VIOS's own boot disk
 * hdisk0 (AvailableForUsage false), then every shared disk it sees as hdisk1..
 * in topology order, with the UniqueDeviceID of world_disk_udid().
 *
 * Element names follow the wire contract in src/ksysd/hmc_types.h exactly;
 * every element carries kb/kxe, complex types carry schemaVersion and
 * Metadata.  Builders only append to a struct buf and never fail.  Not for
 * routing or HTTP status decisions (httpd.c) nor job state (jobs.c).
 */
#ifndef HMCSIM_FEEDS_H
#define HMCSIM_FEEDS_H

#include <stddef.h>
#include "buf.h"
#include "world.h"

#define SIMFEED_UOM_NS "http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/"
#define SIMFEED_WEB_NS "http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/"
#define SIMFEED_SCHEMA "V1_8_0"
#define SIMFEED_CT_ATOM "application/atom+xml"
#define SIMFEED_CT_LOGON "application/vnd.ibm.powervm.web+xml; type=LogonResponse"

enum simfeed_kind {
	SIMFEED_MS = 0,         /* ManagedSystem */
	SIMFEED_LPAR,           /* LogicalPartition (client partitions only) */
	SIMFEED_VIOS,           /* VirtualIOServer */
	SIMFEED_CONSOLE,        /* ManagementConsole (the HMC itself) */
};

/* "ManagedSystem", "LogicalPartition", ... */
const char *simfeed_kind_name(enum simfeed_kind k);
/* Parse a root type name; -1 when unknown. */
int simfeed_kind_parse(const char *name, enum simfeed_kind *out);

/* "https://ADDR:PORT" of h (IPv6 addresses in brackets). */
void simfeed_base(const struct sim_hmc *h, char *out, size_t len);

/* 1 when partition l is visible through h (its host is managed by h). */
int simfeed_lpar_visible(struct world *w, const struct sim_hmc *h, const struct sim_lpar *l);

/* A feed of kind k as HMC h shows it: only hosts h manages; with host set,
 * only that host's partitions (ManagedSystem/{uuid}/LogicalPartition).
 * self_path is the request path (for the SELF link).  Appends the feed to
 * out and returns the number of entries: on 0 the caller answers 204 No
 * Content and drops out.  *etag gets a hash of the entries' state. */
size_t simfeed_feed(struct buf *out, struct world *w, const struct sim_hmc *h,
                    enum simfeed_kind k, const struct sim_host *host,
                    const char *self_path, unsigned *etag);

/* Single entries (GET .../{Type}/{uuid}).  under_host set: the entry was
 * asked for under ManagedSystem/{uuid}/... and its SELF link says so; when
 * that host holds l's stale instance (l->stale_host, after a Simplified
 * Remote Restart) the stale instance is shown (stale_state, stale_rr_state).
 * Stale instances appear only under their host, never in the root feeds. */
void simfeed_ms_entry(struct buf *out, struct world *w, const struct sim_hmc *h,
                      const struct sim_host *host, unsigned *etag);
void simfeed_lpar_entry(struct buf *out, struct world *w, const struct sim_hmc *h,
                        const struct sim_lpar *l, const struct sim_host *under_host,
                        unsigned *etag);
/* 1 when host holds the current or the stale instance of l. */
int simfeed_lpar_on_host(const struct sim_lpar *l, const struct sim_host *host);
void simfeed_console_entry(struct buf *out, struct world *w, const struct sim_hmc *h,
                           unsigned *etag);

/* LogonResponse (web namespace) with the session token. */
void simfeed_logon_response(struct buf *out, const char *token);

/* HttpErrorResponse entry.  reason is the ReasonCode text ("Not Found"),
 * message the full Message (may be NULL: reason is used). */
void simfeed_http_error(struct buf *out, const struct sim_hmc *h, int status,
                        const char *uri, const char *reason, const char *message);

/* Job template entry returned by GET .../{group}/{uuid}/do/{op}. */
void simfeed_job_template(struct buf *out, const struct sim_hmc *h, const char *group,
                          const char *uuid, const char *op);

/* JobResponse entry for job j (submit reply and GET /jobs/{id}). */
void simfeed_job_response(struct buf *out, const struct sim_hmc *h, const struct sim_job *j);

/* The Status text of j as the wire spells it ("COMPLETED_OK",
 * "CANCELED_WHILE_RUNNING", ...). */
const char *simfeed_job_status_name(const struct sim_job *j);

/* Name of the Results entry jobs.c uses to carry a FAILED_BEFORE_COMPLETION
 * message; feeds.c renders it as ResponseException/Message. */
#define SIMFEED_EXCEPTION_PARAM "ResponseException"

#endif
