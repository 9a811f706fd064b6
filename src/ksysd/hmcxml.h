/* hmcxml — builders and parsers of the HMC REST XML documents.
 *
 * Builders append to a struct buf and never fail.  Parsers take the raw body
 * and a short description of where it came from (used in error messages:
 * "LogicalPartition feed from hmc1: entry 3: PartitionUUID missing"), return
 * 0 or -1 with err set, and never crash or leak on hostile input (they go
 * through xmlu_parse: no DTD, no entities, size cap).  Unknown elements are
 * ignored; namespaces and prefixes do not matter.  Not for HTTP or sessions
 * (hmc.c) and not for vioHADR2 payloads (vios.c, a later module): the
 * PassThroughInterface inputXML is just a string parameter here.
 */
#ifndef KSYS_HMCXML_H
#define KSYS_HMCXML_H

#include <stddef.h>
#include "buf.h"
#include "hmc_types.h"

/* --- builders --- */
/* LogonRequest (schemaVersion V1_1_0, Metadata/Atom, UserID, Password with
 * XML escaping). */
void hmcxml_logon_request(struct buf *out, const char *user, const char *password);
/* JobRequest for OPERATION in GROUP ("LogicalPartition", "VirtualIOServer",
 * "ManagedSystem") with params (n may be 0).  A parameter whose name is
 * "inputXML" is written as CDATA; others are escaped text. */
void hmcxml_job_request(struct buf *out, const char *operation, const char *group,
                        const struct hmc_param *params, size_t n);

/* --- parsers --- */
/* LogonResponse -> X-API-Session token, trimmed of all surrounding and
 * embedded whitespace.  Caller frees *token. */
int hmcxml_parse_logon(const char *body, size_t len, const char *what,
                       char **token, char *err, size_t errlen);
/* JobResponse entry (submit reply or GET /jobs/{id}). */
int hmcxml_parse_job(const char *body, size_t len, const char *what,
                     struct hmc_job_reply *out, char *err, size_t errlen);
/* Job template entry (GET .../do/OP) -> OperationName and GroupName found in
 * it, so the caller can check it got the template it asked for. */
int hmcxml_parse_job_template(const char *body, size_t len, const char *what,
                              char *op, size_t oplen, char *group, size_t grouplen,
                              char *err, size_t errlen);
/* Feeds.  A zero-length body (HTTP 204) is an empty feed.  An entry body
 * (single <entry>) is accepted as a one-element feed.  Arrays are allocated
 * (caller frees with the matching free helper); *n set. */
int hmcxml_parse_ms_feed(const char *body, size_t len, const char *what,
                         struct hmc_ms **out, size_t *n, char *err, size_t errlen);
int hmcxml_parse_lpar_feed(const char *body, size_t len, const char *what,
                           struct hmc_lpar **out, size_t *n, char *err, size_t errlen);
/* Same, and the PhysicalVolumes of every VirtualIOServer object (the wire
 * contract in hmc_types.h) into *pvs / *n_pvs, in document order, each with
 * its VIOS's UUID.  pvs NULL: disks are not read.  *pvs is NULL when there
 * is none; the caller frees it with free().  On error both arrays are freed
 * and zeroed. */
int hmcxml_parse_lpar_feed_pvs(const char *body, size_t len, const char *what,
                               struct hmc_lpar **out, size_t *n, struct hmc_pv **pvs,
                               size_t *n_pvs, char *err, size_t errlen);
int hmcxml_parse_console_feed(const char *body, size_t len, const char *what,
                              struct hmc_console **out, size_t *n, char *err, size_t errlen);
/* HttpErrorResponse (error bodies of 4xx/5xx) -> Message text, or the first
 * 200 bytes of the body when it is not that document.  Never fails; caller
 * frees. */
char *hmcxml_error_message(const char *body, size_t len);

void hmcxml_free_ms(struct hmc_ms *v, size_t n);
void hmcxml_free_consoles(struct hmc_console *v, size_t n);

#endif
