/* vios — the vioHADR2.00 codec: requests ksysd sends to a VIOS through the
 * HMC PassThroughInterface (inputXML) and the replies found in the job's
 * StdOut (spec/B §6, spec/A §4.7-4.10).
 *
 * Builders append one request document to a struct buf and never fail.
 * Parsers take the raw StdOut and a description of its origin ("NEEDS_ATTENTION
 * reply from VIOS X"), fill plain C structs and return 0, or -1 with err set
 * ("...: needsAtt 1: vmList 1: vmStat 3: uuid missing").  They go through
 * xmlu_parse (no DOCTYPE, no entities, size cap), ignore namespaces and
 * unknown elements, and normalise every UUID to upper case.  This is the only
 * module that knows this XML; it does not talk to HMCs (hmc.c) nor decide
 * anything (fde.c).
 */
#ifndef KSYS_VIOS_H
#define KSYS_VIOS_H

#include <stddef.h>
#include "buf.h"

#define VIOS_NS "http://ausgsa.austin.ibm.com/projects/v/vios/schema/vioHADR2.00"
#define VIOS_UUID_SIZE 37           /* 36 characters + NUL */
/* Cap on elements (hosts + VIOSs + VMs + CAA events) taken from one reply. */
#define VIOS_MAX_ENTRIES 100000
/* CAA event text kept per node entry; longer text is cut (event_truncated). */
#define VIOS_EVENT_MAX 4096

/* A managed system (host) as the VIOS names it: type, model, serial. */
struct vios_mtms {
	char machine_type[16];      /* "8408" */
	char model[16];             /* "E8E" */
	char serial[32];            /* "21282FW" */
};

/* --- requests (spec/B §6.1-6.2) ---
 * Every request is: the XML declaration, then
 *   <VIO xmlns="VIOS_NS" version="2.00" author="LIBKREST" title="TITLE">
 *     <Request action_str="VIO_HS_..." [attributes]> children </Request>
 *   </VIO>
 * with two-space indentation and a final newline.  UUIDs are written in
 * lower case (as libkrest does); attribute values are XML-escaped. */

/* One VIOS of an ADD_MS request. */
struct vios_hm {
	char uuid[VIOS_UUID_SIZE];
	int is_hm;                  /* isHM="true"|"false" */
	int part_num;               /* partNum, LPAR id of the VIOS */
	char mac[16];               /* macAddr, 12 hex digits, e.g. "16DC6A23650F" */
};

/* title "Req Quick Query": <Request action_str="VIO_HS_QUICK_QUERY"/>. */
void vios_req_quick_query(struct buf *out);
/* title "Req Needs Attention": dataType="GLOBAL_DATA". */
void vios_req_needs_attention(struct buf *out);
/* title "acknowledgment to VIOS": hsTag="TAG" (signed 64-bit). */
void vios_req_acknowledge(struct buf *out, long long hs_tag);
/* title "VIO_HS_QUERY_NODE_DATA". */
void vios_req_query_node_data(struct buf *out);
/* title "Add Managed System", hsTag="0":
 *   <addMS><viosList machine_type= model= serial=>
 *     <vios uuid= isHM= partNum= macAddr=/> ... </viosList></addMS> */
void vios_req_add_ms(struct buf *out, const struct vios_mtms *ms,
                     const struct vios_hm *vioses, size_t n);
/* VM actions, hsTag="0":
 *   <addVM|startVM|stopVM|removeVM><vmList machine_type= model= serial=>
 *     <vm uuid=/> ... </vmList></...>
 * Titles "Add VM", "Start VM" (seen), "Stop VM", "Remove VM" (the last two
 * and their children are this module's choice, shaped like the seen ones). */
void vios_req_add_vm(struct buf *out, const struct vios_mtms *ms,
                     const char *const *vm_uuids, size_t n);
void vios_req_start_vm(struct buf *out, const struct vios_mtms *ms,
                       const char *const *vm_uuids, size_t n);
void vios_req_stop_vm(struct buf *out, const struct vios_mtms *ms,
                      const char *const *vm_uuids, size_t n);
void vios_req_remove_vm(struct buf *out, const struct vios_mtms *ms,
                        const char *const *vm_uuids, size_t n);

/* Application-reporting messages (spec/A §2.5).  The spec shows only the
 * opening <Request> tag of these, so the children are this module's choice:
 *   PUT_MSG   title "Put Message", hsTag="TAG":
 *     <putMsg><vmList MTMS><vm uuid=><msg seqNum="N">PAYLOAD</msg></vm></vmList></putMsg>
 *     (PAYLOAD escaped, e.g. <Command code="0x2"/>)
 *   QUERY_MSG title "Query Message":
 *     <queryMsg><vmList MTMS><vm uuid=/></vmList></queryMsg>
 *   GET_MSG   title "Get Message", hsTag="TAG": <getMsg> same children
 *   ACK_MSG   title "Acknowledge Message", hsTag="TAG": <ackMsg> same children */
void vios_req_put_msg(struct buf *out, const struct vios_mtms *ms, const char *vm_uuid,
                      long long hs_tag, unsigned seq_num, const char *payload);
void vios_req_query_msg(struct buf *out, const struct vios_mtms *ms, const char *vm_uuid);
void vios_req_get_msg(struct buf *out, const struct vios_mtms *ms, const char *vm_uuid,
                      long long hs_tag);
void vios_req_ack_msg(struct buf *out, const struct vios_mtms *ms, const char *vm_uuid,
                      long long hs_tag);

/* --- replies --- */

enum vios_state {
	VIOS_STATE_OTHER = 0,       /* a value this module does not know: see state_str */
	VIOS_STATE_UP,
	VIOS_STATE_DOWN,
	VIOS_STATE_REMOVED,
};

/* One <viosStat> (spec/B §6.6).  uuid, state, hmResponsive and hmResponseSec
 * are required; hasData, reason and syncMsg are 0 when absent. */
struct vios_stat {
	char uuid[VIOS_UUID_SIZE];  /* upper case */
	enum vios_state state;
	char state_str[16];         /* as sent, "UP" */
	int hm_responsive;          /* 0|1 */
	long long hm_response_sec;  /* >= 0 */
	int has_data;               /* 0|1: CAA event data waiting (QUERY_NODE_DATA) */
	unsigned long reason;       /* 0x40 = NODE_SHUTDOWN */
	int sync_msg;
};

/* One <viosStatus> host with its VIOSs, in reply order. */
struct vios_stat_list {
	struct vios_mtms ms;
	struct vios_stat *v;
	size_t n;
};

/* QuickQuery reply: one list per <quickQuery> host. */
struct vios_qq {
	struct vios_stat_list *hosts;
	size_t nhosts;
};

enum vios_vm_state {
	VIOS_VM_OTHER = 0,          /* absent or unknown: see state_str */
	VIOS_VM_ADDED,
	VIOS_VM_STARTING,
	VIOS_VM_STARTED,
	VIOS_VM_STOPPING,
	VIOS_VM_STOPPED,
	VIOS_VM_REMOVING,
	VIOS_VM_SUSPENDED,
	VIOS_VM_UNKNOWN,            /* the protocol's "UNKNOWN": unmanaged VM discovered */
};

enum vios_disc {
	VIOS_DISC_NONE = 0,         /* no <discoveryInfo> */
	VIOS_DISC_MOVED,
	VIOS_DISC_MANAGED,
	VIOS_DISC_UNMANAGED,
	VIOS_DISC_CANNOT_MANAGE,
	VIOS_DISC_OTHER,            /* a type this module does not know */
};

/* One <vmStat uuid=><VM .../></vmStat>.  Only uuid is required; a vmStat
 * without <VM> has state VIOS_VM_OTHER and nothing else set. */
struct vios_vm {
	char uuid[VIOS_UUID_SIZE];  /* upper case */
	enum vios_vm_state state;
	char state_str[16];
	int state_chg;              /* stateChg='1' */
	int has_missed_hb;
	long long missed_hb;        /* seconds since both HMs lost the VM */
	int has_short_msg;
	unsigned long short_msg;    /* doorbell bits, 0x2 initial, 0x28 ... */
	char missed_hm_entry[VIOS_UUID_SIZE]; /* VIOS without map row, "" if none */
	int is_fenced;
	enum vios_disc disc;
	int version_conflict;       /* discoveryInfo versionConflict */
};

/* One <vmList> host with the VMs needing attention (often none). */
struct vios_vm_list {
	struct vios_mtms ms;
	struct vios_vm *v;
	size_t n;
};

/* NeedsAttention reply.  Every <needsAtt> block is flattened into the two
 * arrays in reply order: vmStatList/vmList entries into vm_lists, abnormal
 * VIOSs (viosStatList/viosStatus) into vios_lists.  The same host may appear
 * more than once (LPM).  has_tag is 0 when no block carries hsTag (nothing to
 * ACK); blocks carrying different tags are refused. */
struct vios_na {
	int has_tag;
	long long hs_tag;
	size_t nblocks;             /* number of <needsAtt> elements */
	struct vios_vm_list *vm_lists;
	size_t nvm_lists;
	struct vios_stat_list *vios_lists;
	size_t nvios_lists;
};

/* One <node uuid= event=> of QUERY_NODE_DATA: a CAA event of a VIOS.  The
 * event text (newlines already turned into spaces by XML attribute
 * normalisation) is split on whitespace into KEY=VALUE tokens. */
struct vios_node_event {
	char uuid[VIOS_UUID_SIZE];  /* VIOS, upper case */
	char *event;                /* raw text, owned; cut at VIOS_EVENT_MAX */
	int event_truncated;
	char event_type[32];        /* EVENT_TYPE, "NODE_DOWN"; "" if absent */
	char reason[32];            /* REASON, "NODE_SHUTDOWN"; "" if absent */
	long long tv_sec;           /* TIME_tvsec, 0 if absent */
	long long seq;              /* SEQUENCE_NUM, -1 if absent */
};

struct vios_node_list {
	struct vios_mtms ms;
	struct vios_node_event *v;
	size_t n;
};

/* QUERY_NODE_DATA reply: events grouped by <nodeList> host, with the tag
 * that acknowledges (and clears) them. */
struct vios_nodedata {
	int has_tag;
	long long hs_tag;
	struct vios_node_list *lists;
	size_t nlists;
};

/* Reply of an action (ADD_MS, ADD_VM, START_VM, ACKNOWLEDGE, ...): empty
 * stdout, bare <VIO><Response>, or the full header. */
struct vios_action_reply {
	int empty;                  /* stdout was empty or only whitespace */
	char title[64];             /* "VIOS ADD_MS", "" if absent */
	char published[40];
	char author[64];
	char prefix[256];           /* non-XML line(s) before the XML, trimmed
	                             * ("0513-059 The ksys_hsmon Subsystem has been
	                             * started. ..."), cut to fit */
};

/* Parsers.  On success the caller frees with the matching free function; on
 * failure *out is left empty (safe to free again).  The VIO root and its
 * <Response> are required except for empty action replies. */
int vios_parse_qq(const char *body, size_t len, const char *what,
                  struct vios_qq *out, char *err, size_t errlen);
int vios_parse_na(const char *body, size_t len, const char *what,
                  struct vios_na *out, char *err, size_t errlen);
int vios_parse_nodedata(const char *body, size_t len, const char *what,
                        struct vios_nodedata *out, char *err, size_t errlen);
int vios_parse_action(const char *body, size_t len, const char *what,
                      struct vios_action_reply *out, char *err, size_t errlen);

void vios_qq_free(struct vios_qq *q);
void vios_na_free(struct vios_na *na);
void vios_nodedata_free(struct vios_nodedata *nd);

/* Names for logs: "UP", "STARTED", "MOVED", ... ("OTHER"/"NONE" for 0). */
const char *vios_state_name(enum vios_state s);
const char *vios_vm_state_name(enum vios_vm_state s);
const char *vios_disc_name(enum vios_disc d);

#endif
