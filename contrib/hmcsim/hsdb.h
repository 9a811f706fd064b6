/* hsdb — one simulated Host Monitor Health Status Database (HSDB, spec/B §3):
 * the SQLite database the Host Monitors of one cluster (the VIOSs of one
 * host group) share, and the vioHADR2 replies computed from it.
 *
 * Tables as the VIOS has them (vioshs.*, spec/B §3.2): cluster, ms, vios,
 * vm, map, trans.  vios adds three columns of the simulator's own (hmhb: the
 * Host Monitor's last HSDB heartbeat, hmid: its identifier, ishm/partnum/
 * macaddr from ADD_MS).  Numeric codes: vios.state 1 UP / 2 DOWN; vm.state
 * 1 ADDED .. 8 UNKNOWN (XSD order); trans.opcode 1 StartVM request (state 9),
 * 4 VM state change ("old=8:new=3", state 1), 9 CAA event (state 1, data =
 * event text, integer = CAA reason), and two of the simulator's own: 2
 * doorbell (data "0x2") and 5 discovery (data "MOVED").  msid and tags are
 * signed 64-bit.  Timestamps are UTC text "YYYY-MM-DD HH:MM:SS.ffffff";
 * every time argument is real epoch seconds, and ages in replies are
 * multiplied by scale (--time-scale).
 *
 * Replies are byte for byte the shapes of spec/B §6 (bare <VIO><Response> for
 * QQ/NA/QUERY_NODE_DATA, the full header for ADD_MS/ADD_VM).  Not for
 * deciding when a heartbeat is missed or a VIOS goes down (hm.c writes that
 * through the setters below) nor for request parsing (hm.c).
 */
#ifndef HMCSIM_HSDB_H
#define HMCSIM_HSDB_H

#include <stddef.h>
#include "buf.h"

struct simhs;

/* Trans opcodes. */
#define SIMHS_OP_STARTVM 1
#define SIMHS_OP_DOORBELL 2
#define SIMHS_OP_STATECHG 4
#define SIMHS_OP_DISCOVERY 5
#define SIMHS_OP_CAA 9

/* vm.state codes. */
#define SIMHS_VM_ADDED 1
#define SIMHS_VM_STARTING 2
#define SIMHS_VM_STARTED 3
#define SIMHS_VM_STOPPED 5

/* Seconds (scaled) since the last HM heartbeat beyond which a VIOS reports
 * hmResponsive="0": three missed 30 s heartbeats. */
#define SIMHS_HM_UNRESPONSIVE 90

/* Open (create, emptied) the database of cluster id at path; NULL or "" for
 * an in-memory database.  An existing file is removed first: the HSDB is
 * rebuilt from the requests of each run.  NULL with err on failure. */
struct simhs *simhs_open(const char *path, int id, char *err, size_t errlen);
void simhs_close(struct simhs *db);
int simhs_id(const struct simhs *db);

/* Group many writes (nesting is counted). */
void simhs_begin(struct simhs *db);
void simhs_commit(struct simhs *db);

/* Deterministic ids: msid of a host (FNV-1a of "TYPE-MODELSERIAL", signed),
 * and the next random non-zero 64-bit tag of this database. */
long long simhs_msid(const char *type, const char *model, const char *serial);
long long simhs_new_tag(struct simhs *db);

/* UTC text of epoch seconds t ("2019-08-27 22:09:14.258417"); out >= 32. */
void simhs_ts(double t, char *out, size_t len);
/* Epoch seconds of such a text; 0 when unparsable. */
double simhs_ts_parse(const char *s);

/* ---- rows (each returns 0, or -1 after logging an SQL error) ---- */

/* 1 when added, 0 when the host was already there ("already existing"). */
int simhs_ms_add(struct simhs *db, long long msid, const char *type, const char *model,
                 const char *serial);
int simhs_ms_remove(struct simhs *db, long long msid);      /* with its vios rows */
/* Insert or update a VIOS (uuid any case; stored lower case). */
int simhs_vios_add(struct simhs *db, const char *uuid, long long msid, int is_hm,
                   int partnum, const char *mac);
/* CAA state of a VIOS: state 1 UP / 2 DOWN, reason (0x40 NODE_SHUTDOWN). */
int simhs_vios_set_state(struct simhs *db, const char *uuid, int state, unsigned reason);
/* The HM's heartbeat time (0: never) and identifier ("" keeps it). */
int simhs_vios_set_hm(struct simhs *db, const char *uuid, double hb, const char *hmid);
/* A CAA event row (opcode 9) for the VIOS: type "NODE_DOWN"/"NODE_UP",
 * reason (0x40 adds REASON=NODE_SHUTDOWN), sequence and node numbers, at t. */
int simhs_caa_event(struct simhs *db, const char *vios_uuid, const char *type,
                    unsigned reason, int seq, int node_number, double t);

/* vm row: 1 added, 0 existed (state kept). */
int simhs_vm_add(struct simhs *db, const char *uuid, long long msid);
/* vm.state, or 0 when the VM has no row. */
int simhs_vm_state(struct simhs *db, const char *uuid);
/* START_VM: state STARTING (unless STARTED), map rows for each HM VIOS of
 * vios_uuids (vmhbmissed NULL), one opcode 1 row per HM with tag. */
int simhs_vm_start(struct simhs *db, const char *uuid, long long msid,
                   const char *const *vios_uuids, size_t n, long long tag, double t);
/* The VMM handshake completed: state STARTED, opcode 4 "old=8:new=3", the
 * StartVM rows go, vmhbmissed NULL on every map row. */
int simhs_vm_started(struct simhs *db, const char *uuid, double t);
/* STOP_VM: state STOPPED with an opcode 4 row, map and StartVM rows go. */
int simhs_vm_stop(struct simhs *db, const char *uuid, double t);
/* REMOVE_VM: the vm row and its map and trans rows go. */
int simhs_vm_remove(struct simhs *db, const char *uuid);
/* The VM now runs on host msid with these HM VIOSs: map rows replaced, an
 * opcode 4 "old=3:new=3" and an opcode 5 "MOVED" row (LPM/restart seen). */
int simhs_vm_moved(struct simhs *db, const char *uuid, long long msid,
                   const char *const *vios_uuids, size_t n, double t);
/* map.vmhbmissed of (vm, vios): t, or NULL when t == 0. */
int simhs_map_missed(struct simhs *db, const char *vm, const char *vios, double t);
/* A doorbell (shortMsg bits) from the VM's agent through HM vios. */
int simhs_doorbell(struct simhs *db, const char *vm, const char *vios, unsigned bits,
                   double t);

/* ---- replies (spec/B §6.3-§6.5) ---- */

/* QUICK_QUERY: every host, every VIOS. */
void simhs_reply_qq(struct simhs *db, double now, double scale, struct buf *out);
/* NEEDS_ATTENTION (GLOBAL_DATA) with the inclusion rules of spec/B §6.7; the
 * ackable rows reported are tagged with the reply's hsTag. */
void simhs_reply_na(struct simhs *db, double now, double scale, struct buf *out);
/* QUERY_NODE_DATA: the pending CAA events, tagged; the empty response when
 * there are none. */
void simhs_reply_nodedata(struct simhs *db, struct buf *out);
/* ACKNOWLEDGE: deletes the rows reported under tag (state changes,
 * doorbells, discoveries, CAA events); never missed heartbeats.  Returns the
 * number of rows cleared. */
int simhs_ack(struct simhs *db, long long tag);
/* The full-header reply of ADD_MS / ADD_VM (title "VIOS ADD_MS"). */
void simhs_reply_full(struct buf *out, const char *title, double now);
/* The bare empty reply "<VIO><Response>\n</Response></VIO>". */
void simhs_reply_empty(struct buf *out);

/* ---- inspection ---- */

/* Rows for `hmcsim ctl show hsdb`: one line per row, "ms ...", "vios ...",
 * "vm ...", "map ...", "trans ...", ages in scaled seconds.  name(arg, uuid)
 * gives a partition's name (NULL: the uuid is printed). */
void simhs_show(struct simhs *db, double now, double scale,
                const char *(*name)(void *arg, const char *uuid), void *arg,
                struct buf *out);
/* Count of rows of a table ("vm", "map", "trans" ...); -1 on error.  where
 * is an optional SQL condition (tests). */
long long simhs_count(struct simhs *db, const char *table, const char *where);

#endif
