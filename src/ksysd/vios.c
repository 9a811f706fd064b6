/* vios — vioHADR2.00 requests and replies (see vios.h).
 *
 * Builders write text; parsers walk the libxml2 tree through xmlu and copy
 * what they need into the structs of vios.h, so no libxml2 type leaves this
 * file.  Not for job handling (hmc.c) or for decisions on the data (fde.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "xmlu.h"
#include "vios.h"

/* ------------------------------------------------------------------ */
/* requests */

static void
begin(struct buf *out, const char *title)
{
	buf_puts(out, "<?xml version=\"1.0\"?>\n<VIO xmlns=\"" VIOS_NS
	         "\" version=\"2.00\" author=\"LIBKREST\" title=\"");
	buf_put_xml_escaped(out, title);
	buf_puts(out, "\">\n");
}

static void
end(struct buf *out)
{
	buf_puts(out, "</VIO>\n");
}

static void
attr(struct buf *out, const char *name, const char *value)
{
	buf_printf(out, " %s=\"", name);
	buf_put_xml_escaped(out, value ? value : "");
	buf_putc(out, '"');
}

/* uuid attribute in lower case, as libkrest writes it. */
static void
attr_uuid(struct buf *out, const char *name, const char *uuid)
{
	char low[VIOS_UUID_SIZE];
	size_t i;

	for (i = 0; uuid && uuid[i] && i < sizeof low - 1; i++)
		low[i] = (char)tolower((unsigned char)uuid[i]);
	low[i] = '\0';
	attr(out, name, low);
}

static void
mtms_attrs(struct buf *out, const struct vios_mtms *ms)
{
	attr(out, "machine_type", ms->machine_type);
	attr(out, "model", ms->model);
	attr(out, "serial", ms->serial);
}

static void
simple(struct buf *out, const char *title, const char *action, const char *extra)
{
	begin(out, title);
	buf_printf(out, "  <Request action_str=\"%s\"%s/>\n", action, extra);
	end(out);
}

void
vios_req_quick_query(struct buf *out)
{
	simple(out, "Req Quick Query", "VIO_HS_QUICK_QUERY", "");
}

void
vios_req_needs_attention(struct buf *out)
{
	simple(out, "Req Needs Attention", "VIO_HS_NEEDS_ATTENTION",
	       " dataType=\"GLOBAL_DATA\"");
}

void
vios_req_acknowledge(struct buf *out, long long hs_tag)
{
	char extra[48];

	snprintf(extra, sizeof extra, " hsTag=\"%lld\"", hs_tag);
	simple(out, "acknowledgment to VIOS", "VIO_HS_ACKNOWLEDGE", extra);
}

void
vios_req_query_node_data(struct buf *out)
{
	simple(out, "VIO_HS_QUERY_NODE_DATA", "VIO_HS_QUERY_NODE_DATA", "");
}

void
vios_req_add_ms(struct buf *out, const struct vios_mtms *ms,
                const struct vios_hm *vioses, size_t n)
{
	size_t i;

	begin(out, "Add Managed System");
	buf_puts(out, "  <Request action_str=\"VIO_HS_ADD_MS\" hsTag=\"0\">\n"
	         "    <addMS>\n      <viosList");
	mtms_attrs(out, ms);
	buf_puts(out, ">\n");
	for (i = 0; i < n; i++) {
		buf_puts(out, "        <vios");
		attr_uuid(out, "uuid", vioses[i].uuid);
		attr(out, "isHM", vioses[i].is_hm ? "true" : "false");
		buf_printf(out, " partNum=\"%d\"", vioses[i].part_num);
		attr(out, "macAddr", vioses[i].mac);
		buf_puts(out, "/>\n");
	}
	buf_puts(out, "      </viosList>\n    </addMS>\n  </Request>\n");
	end(out);
}

static void
vm_action(struct buf *out, const char *title, const char *action, const char *elem,
          const struct vios_mtms *ms, const char *const *uuids, size_t n)
{
	size_t i;

	begin(out, title);
	buf_printf(out, "  <Request action_str=\"%s\" hsTag=\"0\">\n    <%s>\n      <vmList",
	           action, elem);
	mtms_attrs(out, ms);
	buf_puts(out, ">\n");
	for (i = 0; i < n; i++) {
		buf_puts(out, "        <vm");
		attr_uuid(out, "uuid", uuids[i]);
		buf_puts(out, "/>\n");
	}
	buf_printf(out, "      </vmList>\n    </%s>\n  </Request>\n", elem);
	end(out);
}

void
vios_req_add_vm(struct buf *out, const struct vios_mtms *ms,
                const char *const *vm_uuids, size_t n)
{
	vm_action(out, "Add VM", "VIO_HS_ADD_VM", "addVM", ms, vm_uuids, n);
}

void
vios_req_start_vm(struct buf *out, const struct vios_mtms *ms,
                  const char *const *vm_uuids, size_t n)
{
	vm_action(out, "Start VM", "VIO_HS_START_VM", "startVM", ms, vm_uuids, n);
}

void
vios_req_stop_vm(struct buf *out, const struct vios_mtms *ms,
                 const char *const *vm_uuids, size_t n)
{
	vm_action(out, "Stop VM", "VIO_HS_STOP_VM", "stopVM", ms, vm_uuids, n);
}

void
vios_req_remove_vm(struct buf *out, const struct vios_mtms *ms,
                   const char *const *vm_uuids, size_t n)
{
	vm_action(out, "Remove VM", "VIO_HS_REMOVE_VM", "removeVM", ms, vm_uuids, n);
}

/* Message requests: one VM, optional tag, optional <msg> payload. */
static void
msg_request(struct buf *out, const char *title, const char *action, const char *elem,
            const struct vios_mtms *ms, const char *vm_uuid, int with_tag,
            long long hs_tag, unsigned seq_num, const char *payload)
{
	begin(out, title);
	buf_printf(out, "  <Request action_str=\"%s\"", action);
	if (with_tag)
		buf_printf(out, " hsTag=\"%lld\"", hs_tag);
	buf_printf(out, ">\n    <%s>\n      <vmList", elem);
	mtms_attrs(out, ms);
	buf_puts(out, ">\n        <vm");
	attr_uuid(out, "uuid", vm_uuid);
	if (payload) {
		buf_printf(out, ">\n          <msg seqNum=\"%u\">", seq_num);
		buf_put_xml_escaped(out, payload);
		buf_puts(out, "</msg>\n        </vm>\n");
	} else {
		buf_puts(out, "/>\n");
	}
	buf_printf(out, "      </vmList>\n    </%s>\n  </Request>\n", elem);
	end(out);
}

void
vios_req_put_msg(struct buf *out, const struct vios_mtms *ms, const char *vm_uuid,
                 long long hs_tag, unsigned seq_num, const char *payload)
{
	msg_request(out, "Put Message", "VIO_HS_PUT_MSG", "putMsg", ms, vm_uuid, 1,
	            hs_tag, seq_num, payload ? payload : "");
}

void
vios_req_query_msg(struct buf *out, const struct vios_mtms *ms, const char *vm_uuid)
{
	msg_request(out, "Query Message", "VIO_HS_QUERY_MSG", "queryMsg", ms, vm_uuid, 0,
	            0, 0, NULL);
}

void
vios_req_get_msg(struct buf *out, const struct vios_mtms *ms, const char *vm_uuid,
                 long long hs_tag)
{
	msg_request(out, "Get Message", "VIO_HS_GET_MSG", "getMsg", ms, vm_uuid, 1,
	            hs_tag, 0, NULL);
}

void
vios_req_ack_msg(struct buf *out, const struct vios_mtms *ms, const char *vm_uuid,
                 long long hs_tag)
{
	msg_request(out, "Acknowledge Message", "VIO_HS_ACK_MSG", "ackMsg", ms, vm_uuid, 1,
	            hs_tag, 0, NULL);
}

/* ------------------------------------------------------------------ */
/* names */

static const char *const state_names[] = { "OTHER", "UP", "DOWN", "REMOVED" };
static const char *const vm_state_names[] = {
	"OTHER", "ADDED", "STARTING", "STARTED", "STOPPING", "STOPPED", "REMOVING",
	"SUSPENDED", "UNKNOWN",
};
static const char *const disc_names[] = {
	"NONE", "MOVED", "MANAGED", "UNMANAGED", "CANNOT_MANAGE", "OTHER",
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *
vios_state_name(enum vios_state s)
{
	return (size_t)s < NELEM(state_names) ? state_names[s] : "OTHER";
}

const char *
vios_vm_state_name(enum vios_vm_state s)
{
	return (size_t)s < NELEM(vm_state_names) ? vm_state_names[s] : "OTHER";
}

const char *
vios_disc_name(enum vios_disc d)
{
	return (size_t)d < NELEM(disc_names) ? disc_names[d] : "OTHER";
}

/* Index of s in names[1..n-1], or 0. */
static int
lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return 0;
}

/* ------------------------------------------------------------------ */
/* parsing helpers */

/* Parse context: the error prefix, e.g. "what: needsAtt 1: vmList 2". */
struct ctx {
	const char *what;
	char where[128];
	size_t entries;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
fail(struct ctx *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->where[0])
		snprintf(c->err, c->errlen, "%s: %s: %s", c->what, c->where, msg);
	else
		snprintf(c->err, c->errlen, "%s: %s", c->what, msg);
	return -1;
}

static int
count(struct ctx *c)
{
	if (++c->entries > VIOS_MAX_ENTRIES)
		return fail(c, "too many entries (more than %d)", VIOS_MAX_ENTRIES);
	return 0;
}

static const char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Attribute into out (trimmed); 1 present, 0 absent, -1 too long. */
static int
get_attr(xmlNodePtr n, const char *name, char *out, size_t outlen)
{
	char tmp[128];
	long r = xmlu_attr(n, name, tmp, sizeof tmp);

	out[0] = '\0';
	if (r < 0)
		return 0;
	if ((size_t)r >= sizeof tmp)
		return -1;
	if (strlen(trim(tmp)) >= outlen)
		return -1;
	snprintf(out, outlen, "%s", trim(tmp));
	return 1;
}

/* Required or optional string attribute; 0 ok (absent optional: ""). */
static int
str_attr(struct ctx *c, xmlNodePtr n, const char *name, int required,
         char *out, size_t outlen)
{
	int r = get_attr(n, name, out, outlen);

	if (r < 0)
		return fail(c, "%s too long", name);
	if (r == 0 && required)
		return fail(c, "%s missing", name);
	return 0;
}

static int
is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

/* UUID attribute, validated and upper-cased; absent optional gives "". */
static int
uuid_attr(struct ctx *c, xmlNodePtr n, const char *name, int required,
          char out[VIOS_UUID_SIZE])
{
	char tmp[64];
	size_t i;
	int r = get_attr(n, name, tmp, sizeof tmp);

	out[0] = '\0';
	if (r == 0 && !required)
		return 0;
	if (r == 0)
		return fail(c, "%s missing", name);
	if (r < 0 || !is_uuid(tmp))
		return fail(c, "%s '%.40s' is not a UUID", name, tmp);
	for (i = 0; i < 36; i++)
		out[i] = (char)toupper((unsigned char)tmp[i]);
	out[36] = '\0';
	return 0;
}

/* Integer attribute (base 0 allows "0x.."); *present tells absence. */
static int
num_attr(struct ctx *c, xmlNodePtr n, const char *name, int required, int base,
         long long min, long long *out, int *present)
{
	char tmp[40], *e = tmp;
	long long v;
	int r = get_attr(n, name, tmp, sizeof tmp);

	if (present)
		*present = r > 0;
	if (r == 0) {
		if (required)
			return fail(c, "%s missing", name);
		return 0;
	}
	errno = 0;
	v = r > 0 && tmp[0] ? strtoll(tmp, &e, base) : 0;
	if (r < 0 || !tmp[0] || *e || errno || v < min)
		return fail(c, "%s '%.32s' is not a valid number", name, tmp);
	*out = v;
	return 0;
}

static int
bool_attr(struct ctx *c, xmlNodePtr n, const char *name, int required, int *out)
{
	char tmp[16];
	int r = get_attr(n, name, tmp, sizeof tmp);

	*out = 0;
	if (r == 0)
		return required ? fail(c, "%s missing", name) : 0;
	if (r > 0 && (strcmp(tmp, "1") == 0 || strcmp(tmp, "true") == 0 ||
	              strcmp(tmp, "TRUE") == 0)) {
		*out = 1;
		return 0;
	}
	if (r > 0 && (strcmp(tmp, "0") == 0 || strcmp(tmp, "false") == 0 ||
	              strcmp(tmp, "FALSE") == 0))
		return 0;
	return fail(c, "%s '%.16s' is not 0/1", name, tmp);
}

static int
mtms(struct ctx *c, xmlNodePtr n, struct vios_mtms *ms)
{
	if (str_attr(c, n, "machine_type", 1, ms->machine_type, sizeof ms->machine_type) ||
	    str_attr(c, n, "model", 1, ms->model, sizeof ms->model) ||
	    str_attr(c, n, "serial", 1, ms->serial, sizeof ms->serial))
		return -1;
	return 0;
}

/* hsTag (signed 64-bit) of n into *tag / *has; differing tags are refused. */
static int
tag_attr(struct ctx *c, xmlNodePtr n, int *has, long long *tag)
{
	long long v = 0;
	int present;

	if (num_attr(c, n, "hsTag", 0, 10, -0x7fffffffffffffffLL - 1, &v, &present))
		return -1;
	if (!present)
		return 0;
	if (*has && *tag != v)
		return fail(c, "hsTag %lld differs from %lld", v, *tag);
	*has = 1;
	*tag = v;
	return 0;
}

/* Skip whitespace and any non-XML prefix before the first '<'.  Returns the
 * offset of the XML and copies the prefix (trimmed, cut) into pre. */
static size_t
skip_prefix(const char *body, size_t len, char *pre, size_t prelen)
{
	const char *lt = len ? memchr(body, '<', len) : NULL;
	size_t off = lt ? (size_t)(lt - body) : len;
	char tmp[256];
	size_t k = off < sizeof tmp - 1 ? off : sizeof tmp - 1;

	if (pre && prelen) {
		memcpy(tmp, body, k);
		tmp[k] = '\0';
		snprintf(pre, prelen, "%s", trim(tmp));
	}
	return off;
}

/* Parse and return the <Response> element; *doc set (caller frees). */
static xmlNodePtr
open_reply(struct ctx *c, const char *body, size_t len, xmlDocPtr *doc)
{
	size_t off = skip_prefix(body, len, NULL, 0);
	xmlNodePtr root, resp;

	*doc = NULL;
	if (off == len) {
		fail(c, len ? "no XML in reply" : "empty reply");
		return NULL;
	}
	*doc = xmlu_parse(body + off, len - off, c->what, c->err, c->errlen);
	if (!*doc)
		return NULL;
	root = xmlDocGetRootElement(*doc);
	if (!root || !xmlu_is(root, "VIO")) {
		fail(c, "root element is <%.40s>, expected <VIO>",
		     root && root->name ? (const char *)root->name : "");
		return NULL;
	}
	resp = xmlu_child(root, "Response");
	if (!resp)
		fail(c, "no <Response> in <VIO>");
	return resp;
}

/* Make room in v (n used) for element n and zero it; capacity doubles at
 * powers of two, so appends are amortised O(1). */
static void *
grow(void *v, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0)
		v = mem_reallocarray(v, n ? 2 * n : 1, size);
	memset((char *)v + n * size, 0, size);
	return v;
}

/* ------------------------------------------------------------------ */
/* viosStat lists (QQ and NA) */

static int
parse_stat(struct ctx *c, xmlNodePtr n, struct vios_stat *s)
{
	long long v;
	int present;

	if (uuid_attr(c, n, "uuid", 1, s->uuid) ||
	    str_attr(c, n, "state", 1, s->state_str, sizeof s->state_str))
		return -1;
	s->state = (enum vios_state)lookup(state_names, NELEM(state_names), s->state_str);
	if (bool_attr(c, n, "hmResponsive", 1, &s->hm_responsive) ||
	    num_attr(c, n, "hmResponseSec", 1, 10, 0, &s->hm_response_sec, NULL) ||
	    bool_attr(c, n, "hasData", 0, &s->has_data))
		return -1;
	v = 0;
	if (num_attr(c, n, "reason", 0, 16, 0, &v, &present))
		return -1;
	if (v > 0xffffffffLL)
		return fail(c, "reason '0x%llx' out of range", v);
	s->reason = (unsigned long)v;
	v = 0;
	if (num_attr(c, n, "syncMsg", 0, 10, 0, &v, &present))
		return -1;
	if (v > 0x7fffffff)
		return fail(c, "syncMsg out of range");
	s->sync_msg = (int)v;
	return 0;
}

/* Append one list per <viosStatus> under the <viosStatList> children of
 * parent; label names parent in errors ("quickQuery 2"). */
static int
parse_stat_lists(struct ctx *c, xmlNodePtr parent, const char *label,
                 struct vios_stat_list **lists, size_t *nlists)
{
	xmlNodePtr sl, st, n;
	size_t base = strlen(c->where);
	struct vios_stat_list *l;
	size_t k;

	for (sl = xmlu_child(parent, "viosStatList"); sl; sl = xmlu_next(sl, "viosStatList")) {
		for (st = xmlu_child(sl, "viosStatus"); st; st = xmlu_next(st, "viosStatus")) {
			if (count(c))
				return -1;
			*lists = grow(*lists, *nlists, sizeof **lists);
			l = &(*lists)[(*nlists)++];
			snprintf(c->where + base, sizeof c->where - base, "%s%s%sviosStatus %zu",
			         base ? ": " : "", label, label[0] ? ": " : "", *nlists);
			if (mtms(c, st, &l->ms))
				return -1;
			k = strlen(c->where);
			for (n = xmlu_child(st, "viosStat"); n; n = xmlu_next(n, "viosStat")) {
				if (count(c))
					return -1;
				l->v = grow(l->v, l->n, sizeof *l->v);
				l->n++;
				snprintf(c->where + k, sizeof c->where - k, ": viosStat %zu", l->n);
				if (parse_stat(c, n, &l->v[l->n - 1]))
					return -1;
			}
		}
	}
	c->where[base] = '\0';
	return 0;
}

static void
stat_lists_free(struct vios_stat_list *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i].v);
	free(l);
}

/* ------------------------------------------------------------------ */
/* QuickQuery */

void
vios_qq_free(struct vios_qq *q)
{
	if (!q)
		return;
	stat_lists_free(q->hosts, q->nhosts);
	memset(q, 0, sizeof *q);
}

int
vios_parse_qq(const char *body, size_t len, const char *what,
              struct vios_qq *out, char *err, size_t errlen)
{
	struct ctx c = { .what = what ? what : "QUICK_QUERY reply", .err = err,
	                 .errlen = errlen };
	xmlDocPtr doc;
	xmlNodePtr resp, q;
	char label[32];
	size_t i = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	resp = open_reply(&c, body, len, &doc);
	if (!resp)
		goto out;
	for (q = xmlu_child(resp, "quickQuery"); q; q = xmlu_next(q, "quickQuery")) {
		snprintf(label, sizeof label, "quickQuery %zu", ++i);
		if (parse_stat_lists(&c, q, label, &out->hosts, &out->nhosts))
			goto out;
	}
	rc = 0;
out:
	if (rc)
		vios_qq_free(out);
	xmlFreeDoc(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* NeedsAttention */

static int
parse_vm(struct ctx *c, xmlNodePtr n, struct vios_vm *vm)
{
	xmlNodePtr v, d;
	char tmp[32];
	long long x = 0;

	if (uuid_attr(c, n, "uuid", 1, vm->uuid))
		return -1;
	v = xmlu_child(n, "VM");
	if (!v)
		return 0;
	if (str_attr(c, v, "state", 0, vm->state_str, sizeof vm->state_str))
		return -1;
	vm->state = (enum vios_vm_state)lookup(vm_state_names, NELEM(vm_state_names),
	                                       vm->state_str);
	if (bool_attr(c, v, "stateChg", 0, &vm->state_chg) ||
	    num_attr(c, v, "missedHb", 0, 10, 0, &vm->missed_hb, &vm->has_missed_hb) ||
	    num_attr(c, v, "shortMsg", 0, 16, 0, &x, &vm->has_short_msg) ||
	    uuid_attr(c, v, "missedHMEntry", 0, vm->missed_hm_entry) ||
	    bool_attr(c, v, "isFenced", 0, &vm->is_fenced))
		return -1;
	if (x > 0xffffffffLL)
		return fail(c, "shortMsg '0x%llx' out of range", x);
	vm->short_msg = (unsigned long)x;
	d = xmlu_child(v, "discoveryInfo");
	if (d) {
		if (str_attr(c, d, "type", 1, tmp, sizeof tmp))
			return -1;
		vm->disc = (enum vios_disc)lookup(disc_names, NELEM(disc_names) - 1, tmp);
		if (vm->disc == VIOS_DISC_NONE)
			vm->disc = VIOS_DISC_OTHER;
		if (bool_attr(c, d, "versionConflict", 0, &vm->version_conflict))
			return -1;
	}
	return 0;
}

static int
parse_vm_lists(struct ctx *c, xmlNodePtr parent, struct vios_na *na)
{
	xmlNodePtr sl, ls, n;
	size_t base = strlen(c->where), k, nvm;
	struct vios_vm_list *l;

	for (sl = xmlu_child(parent, "vmStatList"); sl; sl = xmlu_next(sl, "vmStatList")) {
		for (ls = xmlu_child(sl, "vmList"); ls; ls = xmlu_next(ls, "vmList")) {
			if (count(c))
				return -1;
			na->vm_lists = grow(na->vm_lists, na->nvm_lists, sizeof *na->vm_lists);
			l = &na->vm_lists[na->nvm_lists++];
			snprintf(c->where + base, sizeof c->where - base, ": vmList %zu",
			         na->nvm_lists);
			if (mtms(c, ls, &l->ms))
				return -1;
			k = strlen(c->where);
			nvm = 0;
			for (n = xmlu_child(ls, "vmStat"); n; n = xmlu_next(n, "vmStat")) {
				if (count(c))
					return -1;
				l->v = grow(l->v, l->n, sizeof *l->v);
				l->n++;
				snprintf(c->where + k, sizeof c->where - k, ": vmStat %zu", ++nvm);
				if (parse_vm(c, n, &l->v[l->n - 1]))
					return -1;
			}
		}
	}
	c->where[base] = '\0';
	return 0;
}

void
vios_na_free(struct vios_na *na)
{
	size_t i;

	if (!na)
		return;
	for (i = 0; i < na->nvm_lists; i++)
		free(na->vm_lists[i].v);
	free(na->vm_lists);
	stat_lists_free(na->vios_lists, na->nvios_lists);
	memset(na, 0, sizeof *na);
}

int
vios_parse_na(const char *body, size_t len, const char *what,
              struct vios_na *out, char *err, size_t errlen)
{
	struct ctx c = { .what = what ? what : "NEEDS_ATTENTION reply", .err = err,
	                 .errlen = errlen };
	xmlDocPtr doc;
	xmlNodePtr resp, b;
	int rc = -1;

	memset(out, 0, sizeof *out);
	resp = open_reply(&c, body, len, &doc);
	if (!resp)
		goto out;
	for (b = xmlu_child(resp, "needsAtt"); b; b = xmlu_next(b, "needsAtt")) {
		out->nblocks++;
		snprintf(c.where, sizeof c.where, "needsAtt %zu", out->nblocks);
		if (count(&c) || tag_attr(&c, b, &out->has_tag, &out->hs_tag) ||
		    parse_vm_lists(&c, b, out) ||
		    parse_stat_lists(&c, b, "", &out->vios_lists, &out->nvios_lists))
			goto out;
	}
	rc = 0;
out:
	if (rc)
		vios_na_free(out);
	xmlFreeDoc(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* QUERY_NODE_DATA */

/* Value of KEY=... among the whitespace-separated tokens of text. */
static void
event_value(const char *text, const char *key, char *out, size_t outlen)
{
	size_t kl = strlen(key), n;
	const char *p = text;

	out[0] = '\0';
	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		n = 0;
		while (p[n] && !isspace((unsigned char)p[n]))
			n++;
		if (n > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			n -= kl + 1;
			if (n >= outlen)
				n = outlen - 1;
			memcpy(out, p + kl + 1, n);
			out[n] = '\0';
			return;
		}
		p += n;
	}
}

static long long
event_num(const char *text, const char *key, long long dflt)
{
	char tmp[32], *e;
	long long v;

	event_value(text, key, tmp, sizeof tmp);
	if (!tmp[0])
		return dflt;
	errno = 0;
	v = strtoll(tmp, &e, 10);
	return *e || errno ? dflt : v;
}

static int
parse_node(struct ctx *c, xmlNodePtr n, struct vios_node_event *ev)
{
	char *text = mem_calloc(VIOS_EVENT_MAX + 1, 1);
	long r;

	ev->event = text;
	ev->seq = -1;
	if (uuid_attr(c, n, "uuid", 1, ev->uuid))
		return -1;
	r = xmlu_attr(n, "event", text, VIOS_EVENT_MAX + 1);
	if (r < 0)
		return fail(c, "event missing");
	ev->event_truncated = r > VIOS_EVENT_MAX;
	event_value(text, "EVENT_TYPE", ev->event_type, sizeof ev->event_type);
	event_value(text, "REASON", ev->reason, sizeof ev->reason);
	ev->tv_sec = event_num(text, "TIME_tvsec", 0);
	ev->seq = event_num(text, "SEQUENCE_NUM", -1);
	return 0;
}

void
vios_nodedata_free(struct vios_nodedata *nd)
{
	size_t i, j;

	if (!nd)
		return;
	for (i = 0; i < nd->nlists; i++) {
		for (j = 0; j < nd->lists[i].n; j++)
			free(nd->lists[i].v[j].event);
		free(nd->lists[i].v);
	}
	free(nd->lists);
	memset(nd, 0, sizeof *nd);
}

int
vios_parse_nodedata(const char *body, size_t len, const char *what,
                    struct vios_nodedata *out, char *err, size_t errlen)
{
	struct ctx c = { .what = what ? what : "QUERY_NODE_DATA reply", .err = err,
	                 .errlen = errlen };
	xmlDocPtr doc;
	xmlNodePtr resp, d, ls, n;
	struct vios_node_list *l;
	size_t nd = 0, k;
	int rc = -1;

	memset(out, 0, sizeof *out);
	resp = open_reply(&c, body, len, &doc);
	if (!resp)
		goto out;
	for (d = xmlu_child(resp, "nodeData"); d; d = xmlu_next(d, "nodeData")) {
		snprintf(c.where, sizeof c.where, "nodeData %zu", ++nd);
		if (count(&c) || tag_attr(&c, d, &out->has_tag, &out->hs_tag))
			goto out;
		for (ls = xmlu_child(d, "nodeList"); ls; ls = xmlu_next(ls, "nodeList")) {
			if (count(&c))
				goto out;
			out->lists = grow(out->lists, out->nlists, sizeof *out->lists);
			l = &out->lists[out->nlists++];
			snprintf(c.where, sizeof c.where, "nodeData %zu: nodeList %zu", nd,
			         out->nlists);
			if (mtms(&c, ls, &l->ms))
				goto out;
			k = strlen(c.where);
			for (n = xmlu_child(ls, "node"); n; n = xmlu_next(n, "node")) {
				if (count(&c))
					goto out;
				l->v = grow(l->v, l->n, sizeof *l->v);
				l->n++;
				snprintf(c.where + k, sizeof c.where - k, ": node %zu", l->n);
				if (parse_node(&c, n, &l->v[l->n - 1]))
					goto out;
			}
		}
	}
	rc = 0;
out:
	if (rc)
		vios_nodedata_free(out);
	xmlFreeDoc(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* action replies */

int
vios_parse_action(const char *body, size_t len, const char *what,
                  struct vios_action_reply *out, char *err, size_t errlen)
{
	struct ctx c = { .what = what ? what : "action reply", .err = err,
	                 .errlen = errlen };
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	size_t off, i;
	int rc = -1;

	memset(out, 0, sizeof *out);
	for (i = 0; i < len && isspace((unsigned char)body[i]); i++)
		;
	if (i == len) {
		out->empty = 1;
		return 0;
	}
	off = skip_prefix(body, len, out->prefix, sizeof out->prefix);
	if (off == len) {
		fail(&c, "no XML in reply: '%.80s'", out->prefix);
		goto out;
	}
	if (!open_reply(&c, body, len, &doc))
		goto out;
	root = xmlDocGetRootElement(doc);
	if (get_attr(root, "title", out->title, sizeof out->title) < 0 ||
	    get_attr(root, "published", out->published, sizeof out->published) < 0 ||
	    get_attr(root, "author", out->author, sizeof out->author) < 0) {
		fail(&c, "<VIO> header attribute too long");
		goto out;
	}
	rc = 0;
out:
	if (rc)
		memset(out, 0, sizeof *out);
	xmlFreeDoc(doc);
	return rc;
}
