/* hmcxml — builders and parsers of the HMC REST XML documents (LogonRequest/
 * Response, JobRequest/JobResponse, job templates, HttpErrorResponse and the
 * ManagedSystem, LogicalPartition, VirtualIOServer (with its PhysicalVolumes)
 * and ManagementConsole feeds).  Every lookup goes by local name through
 * xmlu, so namespaces, prefixes and kb/kxe attributes do not matter.  Not for
 * HTTP, sessions or URL building (hmc.c) and not for vioHADR2 payloads
 * (vios.c).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "buf.h"
#include "log.h"
#include "mem.h"
#include "xmlu.h"
#include "hmcxml.h"

#define WEB_NS   "http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/"
#define K2_NS    "http://www.w3.org/XML/1998/namespace/k2"
#define JOB_SCHEMA "V1_3_0"

#define HREF_MAX       2048     /* longer hrefs are garbage, not links */
#define TOKEN_MAX      8192     /* an X-API-Session is a few hundred bytes */
#define ERRMSG_SNIPPET 200

/* Where a parse is, for error and warning text. */
struct pctx {
	const char *what;
	size_t entry;           /* 1-based feed entry, 0 for a lone object */
	unsigned bad;           /* garbage values ignored (left at default) */
	char first_bad[128];
	/* PhysicalVolumes of VirtualIOServer objects, when asked for */
	struct hmc_pv **pvs;
	size_t *n_pvs;
	size_t pv_cap;
};

/* A located object: the typed element and its Atom entry (NULL for a bare
 * document). */
struct objref {
	xmlNodePtr obj;
	xmlNodePtr entry;
	const char *type;
};




static const char *
what_or(const char *what)
{
	return what && *what ? what : "HMC document";
}

static void __attribute__((format(printf, 3, 4)))
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* "WHAT: entry N: message" (or "WHAT: message" for a lone object). */
static void __attribute__((format(printf, 4, 5)))
perr(const struct pctx *pc, char *err, size_t errlen, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (pc->entry)
		seterr(err, errlen, "%s: entry %zu: %s", what_or(pc->what), pc->entry, msg);
	else
		seterr(err, errlen, "%s: %s", what_or(pc->what), msg);
}

/* Printable, bounded copy of untrusted text for messages. */
static void
sanitize(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;

	if (outlen == 0)
		return;
	for (i = 0; i < n && s[i] && o + 1 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		out[o++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	/* Do not end inside a UTF-8 sequence. */
	if (i < n && s[i] && o > 0 && ((unsigned char)s[i] & 0xc0) == 0x80) {
		while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0xc0)
			o--;
	}
	out[o] = '\0';
}

static void
note_bad(struct pctx *pc, const char *element)
{
	if (pc->bad++ == 0) {
		if (pc->entry)
			snprintf(pc->first_bad, sizeof pc->first_bad, "entry %zu %.96s",
			         pc->entry, element);
		else
			snprintf(pc->first_bad, sizeof pc->first_bad, "%.120s", element);
	}
}

/* One line per parse, however many values were ignored. */
static void
report_bad(const struct pctx *pc)
{
	char w[128], *q;

	if (pc->bad == 0)
		return;
	sanitize(what_or(pc->what), SIZE_MAX, w, sizeof w);
	for (q = w; *q; q++)
		if (*q == '"')
			*q = '\'';
	log_msg(LOGL_WARN, "hmc", "event=xml_bad_value what=\"%s\" count=%u first=\"%s\"",
	        w, pc->bad, pc->first_bad);
}

static int
is_blank(const char *s, size_t len)
{
	size_t i;

	if (!s)
		return 1;
	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

static int
is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A UUID as it may appear in a REST path: letters, digits and dashes only
 * (so it can never smuggle "/", "." or "%" into a URL), bounded length. */
static int
uuid_ok(const char *s)
{
	size_t n;

	if (!is_alnum(s[0]))
		return 0;
	for (n = 0; s[n]; n++)
		if (!is_alnum(s[n]) && s[n] != '-')
			return 0;
	return n < HMC_UUID_LEN;
}

static int
jobid_ok(const char *s, size_t maxlen)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (!is_alnum(s[n]) && s[n] != '-' && s[n] != '_')
			return 0;
	return n > 0 && n < maxlen;
}

/* Last path element of href (query and fragment dropped, trailing slashes
 * ignored) into out when it is a valid UUID; the element before it into prev
 * (may be NULL).  Returns 0, or -1 when there is no valid UUID. */
static int
href_uuid(const char *href, char *out, size_t outlen, char *prev, size_t prevlen)
{
	size_t end = strcspn(href, "?#"), start, pstart;

	while (end > 0 && href[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && href[start - 1] != '/')
		start--;
	if (end - start == 0 || end - start >= outlen)
		return -1;
	memcpy(out, href + start, end - start);
	out[end - start] = '\0';
	if (!uuid_ok(out)) {
		out[0] = '\0';
		return -1;
	}
	if (prev && prevlen > 0) {
		size_t pend = start > 0 ? start - 1 : 0;

		pstart = pend;
		while (pstart > 0 && href[pstart - 1] != '/')
			pstart--;
		if (pend - pstart < prevlen) {
			memcpy(prev, href + pstart, pend - pstart);
			prev[pend - pstart] = '\0';
		} else {
			prev[0] = '\0';
		}
	}
	return 0;
}

/* Strict decimal ("500", "7.6", "-1", "1e3"); no hex, inf, nan or junk. */
static int
parse_decimal(const char *s, double *out)
{
	const char *p = s;
	char *end;
	int digits = 0;
	double v;

	if (*p == '+' || *p == '-')
		p++;
	for (; is_digit(*p); p++)
		digits++;
	if (*p == '.')
		for (p++; is_digit(*p); p++)
			digits++;
	if (!digits)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return -1;
		while (is_digit(*p))
			p++;
	}
	if (*p)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end != p || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int
parse_integer(const char *s, long long *out)
{
	const char *p = s + (*s == '+' || *s == '-');
	char *end;
	long long v;
	double d;

	if (*p && strspn(p, "0123456789") == strlen(p)) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno != 0 || *end)
			return -1;
		*out = v;
		return 0;
	}
	/* "5242880.0" or "1e3": accept when it fits, truncating any fraction. */
	if (parse_decimal(s, &d) == -1 || d >= 9.2e18 || d <= -9.2e18)
		return -1;
	*out = (long long)d;
	return 0;
}

/* Value of the element at path, or NULL when absent or empty.  Returns the
 * text in t (truncated marks the value as garbage). */
static const char *
num_text(xmlNodePtr n, const char *path, char *t, size_t tlen, int *toolong)
{
	xmlNodePtr e;
	long l;

	*toolong = 0;
	if (!n || !(e = xmlu_path(n, path)))
		return NULL;
	l = xmlu_text(e, t, tlen);
	if (l <= 0)
		return NULL;
	if ((size_t)l >= tlen)
		*toolong = 1;
	return t;
}

/* Optional numbers: absent leaves *out alone, garbage is noted and leaves
 * *out alone too. */
static void
get_double(struct pctx *pc, xmlNodePtr n, const char *path, double *out)
{
	char t[64];
	int toolong;

	if (!num_text(n, path, t, sizeof t, &toolong))
		return;
	if (toolong || parse_decimal(t, out) == -1)
		note_bad(pc, path);
}

static void
get_ll(struct pctx *pc, xmlNodePtr n, const char *path, long long *out)
{
	char t[64];
	int toolong;

	if (!num_text(n, path, t, sizeof t, &toolong))
		return;
	if (toolong || parse_integer(t, out) == -1)
		note_bad(pc, path);
}

static void
get_int(struct pctx *pc, xmlNodePtr n, const char *path, int *out)
{
	long long v = 0;
	char t[64];
	int toolong;

	if (!num_text(n, path, t, sizeof t, &toolong))
		return;
	if (toolong || parse_integer(t, &v) == -1 || v < INT_MIN || v > INT_MAX)
		note_bad(pc, path);
	else
		*out = (int)v;
}

/* -1 absent, 0 false, 1 true; anything else is noted and gives -1. */
static int
get_bool(struct pctx *pc, xmlNodePtr n, const char *path)
{
	char t[16];
	xmlNodePtr e;
	long l;

	if (!n || !(e = xmlu_path(n, path)))
		return -1;
	l = xmlu_text(e, t, sizeof t);
	if (l <= 0)
		return -1;
	if ((size_t)l < sizeof t) {
		if (strcasecmp(t, "true") == 0 || strcmp(t, "1") == 0)
			return 1;
		if (strcasecmp(t, "false") == 0 || strcmp(t, "0") == 0)
			return 0;
	}
	note_bad(pc, path);
	return -1;
}

static void
get_str(xmlNodePtr n, const char *path, char *out, size_t outlen)
{
	out[0] = '\0';
	if (n)
		xmlu_path_text(n, path, out, outlen);
}

static void
get_mtms(xmlNodePtr o, struct hmc_mtms *m)
{
	xmlNodePtr t = xmlu_child(o, "MachineTypeModelAndSerialNumber");

	get_str(t, "MachineType", m->type, sizeof m->type);
	get_str(t, "Model", m->model, sizeof m->model);
	get_str(t, "SerialNumber", m->serial, sizeof m->serial);
}

/* UUIDs of CONTAINER/link@href under o, appended to *arr.  Garbage hrefs are
 * noted and skipped. */
static void
get_links(struct pctx *pc, xmlNodePtr o, const char *container,
          char (**arr)[HMC_UUID_LEN], size_t *n)
{
	xmlNodePtr c = xmlu_child(o, container), l;
	char href[HREF_MAX], u[HMC_UUID_LEN];
	size_t cap = 0;
	long hl;

	for (l = xmlu_child(c, "link"); l; l = xmlu_next(l, "link")) {
		hl = xmlu_attr(l, "href", href, sizeof href);
		if (hl < 0 || (size_t)hl >= sizeof href ||
		    href_uuid(href, u, sizeof u, NULL, 0) == -1) {
			note_bad(pc, container);
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*arr = mem_reallocarray(*arr, cap, sizeof(**arr));
		}
		memcpy((*arr)[*n], u, sizeof u);
		(*n)++;
	}
}

/* UUID of a ManagedSystem or ManagementConsole: Atom entry <id>, else the
 * object's Metadata/Atom/AtomID, else the last path element of a rel=SELF
 * link (preferring one whose previous element is the type name, because
 * captures show duplicate and garbage SELF links). */
static int
object_uuid(const struct objref *r, char *out)
{
	char t[HREF_MAX], prev[64];
	xmlNodePtr l;
	int pass;
	long n;

	if (r->entry) {
		n = xmlu_text(xmlu_child(r->entry, "id"), t, sizeof t);
		if (n > 0 && (size_t)n < HMC_UUID_LEN && uuid_ok(t)) {
			memcpy(out, t, (size_t)n + 1);
			return 0;
		}
	}
	n = xmlu_path_text(r->obj, "Metadata/Atom/AtomID", t, sizeof t);
	if (n > 0 && (size_t)n < HMC_UUID_LEN && uuid_ok(t)) {
		memcpy(out, t, (size_t)n + 1);
		return 0;
	}
	if (!r->entry)
		return -1;
	for (pass = 0; pass < 2; pass++) {
		for (l = xmlu_child(r->entry, "link"); l; l = xmlu_next(l, "link")) {
			char rel[16];

			n = xmlu_attr(l, "rel", rel, sizeof rel);
			if (n < 0 || strcasecmp(rel, "SELF") != 0)
				continue;
			n = xmlu_attr(l, "href", t, sizeof t);
			if (n < 0 || (size_t)n >= sizeof t)
				continue;
			if (href_uuid(t, out, HMC_UUID_LEN, prev, sizeof prev) == -1)
				continue;
			if (pass == 1 || strcmp(prev, r->type) == 0)
				return 0;
		}
	}
	out[0] = '\0';
	return -1;
}

/* The object of TYPES inside an Atom entry's <content>. */
static xmlNodePtr
entry_object(xmlNodePtr entry, const char *const *types, const char **type)
{
	xmlNodePtr content = xmlu_child(entry, "content"), o;
	size_t i;

	for (i = 0; content && types[i]; i++) {
		o = xmlu_child(content, types[i]);
		if (o) {
			*type = types[i];
			return o;
		}
	}
	return NULL;
}

/* Objects of a feed, a single entry, or a bare object document.  *refs is
 * allocated (caller frees). */
static int
collect(xmlDocPtr doc, const char *what, const char *const *types, const char *label,
        struct objref **refs, size_t *n, char *err, size_t errlen)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), e;
	char rname[48];
	size_t i, cnt = 0;

	*refs = NULL;
	*n = 0;
	if (xmlu_is(root, "feed")) {
		for (e = xmlu_child(root, "entry"); e; e = xmlu_next(e, "entry"))
			cnt++;
		*refs = mem_calloc(cnt, sizeof(**refs));
		for (i = 0, e = xmlu_child(root, "entry"); e; e = xmlu_next(e, "entry"), i++) {
			(*refs)[i].entry = e;
			(*refs)[i].obj = entry_object(e, types, &(*refs)[i].type);
			if (!(*refs)[i].obj) {
				seterr(err, errlen, "%s: entry %zu: no %s in its content",
				       what_or(what), i + 1, label);
				goto fail;
			}
		}
		*n = cnt;
		return 0;
	}
	*refs = mem_calloc(1, sizeof(**refs));
	if (xmlu_is(root, "entry")) {
		(*refs)[0].entry = root;
		(*refs)[0].obj = entry_object(root, types, &(*refs)[0].type);
		if (!(*refs)[0].obj) {
			seterr(err, errlen, "%s: entry has no %s in its content",
			       what_or(what), label);
			goto fail;
		}
		*n = 1;
		return 0;
	}
	for (i = 0; types[i]; i++) {
		if (xmlu_is(root, types[i])) {
			(*refs)[0].obj = root;
			(*refs)[0].type = types[i];
			*n = 1;
			return 0;
		}
	}
	sanitize(root && root->name ? (const char *)root->name : "?", SIZE_MAX,
	         rname, sizeof rname);
	seterr(err, errlen, "%s: expected a feed, entry or %s document, got <%s>",
	       what_or(what), label, rname);
fail:
	free(*refs);
	*refs = NULL;
	return -1;
}

/* --- builders --- */

void
hmcxml_logon_request(struct buf *out, const char *user, const char *password)
{
	buf_puts(out,
	         "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	         "<LogonRequest xmlns=\"" WEB_NS "\" schemaVersion=\"V1_1_0\">\n"
	         "    <Metadata>\n"
	         "        <Atom/>\n"
	         "    </Metadata>\n"
	         "    <UserID kb=\"CUR\" kxe=\"false\">");
	buf_put_xml_escaped(out, user ? user : "");
	buf_puts(out, "</UserID>\n    <Password kb=\"CUR\" kxe=\"false\">");
	buf_put_xml_escaped(out, password ? password : "");
	buf_puts(out, "</Password>\n</LogonRequest>\n");
}

void
hmcxml_job_request(struct buf *out, const char *operation, const char *group,
                   const struct hmc_param *params, size_t n)
{
	size_t i;

	buf_puts(out,
	         "<JobRequest:JobRequest xmlns:JobRequest=\"" WEB_NS "\""
	         " xmlns=\"" WEB_NS "\" xmlns:ns2=\"" K2_NS "\""
	         " schemaVersion=\"" JOB_SCHEMA "\">\n"
	         "    <Metadata>\n        <Atom/>\n    </Metadata>\n"
	         "    <RequestedOperation kb=\"CUR\" kxe=\"false\" schemaVersion=\"" JOB_SCHEMA "\">\n"
	         "        <Metadata>\n            <Atom/>\n        </Metadata>\n"
	         "        <OperationName kb=\"ROR\" kxe=\"false\">");
	buf_put_xml_escaped(out, operation ? operation : "");
	buf_puts(out, "</OperationName>\n        <GroupName kb=\"ROR\" kxe=\"false\">");
	buf_put_xml_escaped(out, group ? group : "");
	buf_puts(out,
	         "</GroupName>\n    </RequestedOperation>\n"
	         "    <JobParameters kb=\"CUR\" kxe=\"false\" schemaVersion=\"" JOB_SCHEMA "\">\n"
	         "        <Metadata>\n            <Atom/>\n        </Metadata>\n");
	for (i = 0; i < n; i++) {
		const char *name = params[i].name ? params[i].name : "";
		const char *value = params[i].value ? params[i].value : "";

		buf_puts(out,
		         "        <JobParameter schemaVersion=\"" JOB_SCHEMA "\">\n"
		         "            <Metadata>\n                <Atom/>\n            </Metadata>\n"
		         "            <ParameterName kb=\"ROR\" kxe=\"false\">");
		buf_put_xml_escaped(out, name);
		buf_puts(out, "</ParameterName>\n            <ParameterValue kb=\"CUR\" kxe=\"false\">");
		if (strcmp(name, "inputXML") == 0)
			buf_put_cdata(out, value);
		else
			buf_put_xml_escaped(out, value);
		buf_puts(out, "</ParameterValue>\n        </JobParameter>\n");
	}
	buf_puts(out, "    </JobParameters>\n</JobRequest:JobRequest>\n");
}

/* --- parsers --- */

/* The element named local: the root itself or its first descendant. */
static xmlNodePtr
find_doc_element(xmlDocPtr doc, const char *local)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);

	return xmlu_is(root, local) ? root : xmlu_find(root, local);
}

static const char *
root_name(xmlDocPtr doc, char *out, size_t outlen)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);

	sanitize(root && root->name ? (const char *)root->name : "?", SIZE_MAX, out, outlen);
	return out;
}

int
hmcxml_parse_logon(const char *body, size_t len, const char *what,
                   char **token, char *err, size_t errlen)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr lr, t;
	char *tok = NULL, rname[48];
	size_t i, o;
	int rc = -1;

	*token = NULL;
	if (is_blank(body, len)) {
		seterr(err, errlen, "%s: empty body, expected a LogonResponse", what_or(what));
		goto out;
	}
	doc = xmlu_parse(body, len, what_or(what), err, errlen);
	if (!doc)
		goto out;
	lr = find_doc_element(doc, "LogonResponse");
	t = xmlu_child(lr, "X-API-Session");
	if (!t) {
		seterr(err, errlen, "%s: no LogonResponse/X-API-Session (root <%s>)",
		       what_or(what), root_name(doc, rname, sizeof rname));
		goto out;
	}
	tok = xmlu_text_dup(t);
	if (!tok)
		log_panic(__FILE__, __LINE__, "out of memory");
	/* Real HMCs wrap the token over several lines: drop every blank. */
	for (i = o = 0; tok[i]; i++)
		if (!strchr(" \t\r\n\v\f", tok[i]))
			tok[o++] = tok[i];
	tok[o] = '\0';
	if (o == 0) {
		seterr(err, errlen, "%s: X-API-Session is empty", what_or(what));
		goto out;
	}
	if (o > TOKEN_MAX) {
		seterr(err, errlen, "%s: X-API-Session too long (%zu bytes, limit %d)",
		       what_or(what), o, TOKEN_MAX);
		goto out;
	}
	/* It goes into an HTTP header: visible ASCII only. */
	for (i = 0; i < o; i++) {
		unsigned char c = (unsigned char)tok[i];

		if (c < 0x21 || c > 0x7e) {
			seterr(err, errlen, "%s: X-API-Session holds byte 0x%02x at %zu",
			       what_or(what), c, i);
			goto out;
		}
	}
	*token = tok;
	tok = NULL;
	rc = 0;
out:
	free(tok);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

static void
job_results(xmlNodePtr jr, struct hmc_job_reply *out)
{
	xmlNodePtr res = xmlu_child(jr, "Results"), p;
	size_t cap = 0;

	for (p = xmlu_child(res, "JobParameter"); p; p = xmlu_next(p, "JobParameter")) {
		xmlNodePtr name = xmlu_child(p, "ParameterName");
		char *v;

		if (!name)
			continue;
		if (out->n_results == cap) {
			cap = cap ? cap * 2 : 4;
			out->results = mem_reallocarray(out->results, cap, sizeof(*out->results));
		}
		out->results[out->n_results].name = xmlu_text_dup(name);
		v = xmlu_text_dup(xmlu_child(p, "ParameterValue"));
		out->results[out->n_results].value = v ? v : mem_strdup("");
		if (!out->results[out->n_results].name)
			log_panic(__FILE__, __LINE__, "out of memory");
		out->n_results++;
	}
}

int
hmcxml_parse_job(const char *body, size_t len, const char *what,
                 struct hmc_job_reply *out, char *err, size_t errlen)
{
	struct pctx pc = { .what = what };
	xmlDocPtr doc = NULL;
	xmlNodePtr jr, e;
	char t[256], rname[48], shown[48];
	const char *result;
	long n;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (is_blank(body, len)) {
		seterr(err, errlen, "%s: empty body, expected a JobResponse", what_or(what));
		goto out;
	}
	doc = xmlu_parse(body, len, what_or(what), err, errlen);
	if (!doc)
		goto out;
	jr = find_doc_element(doc, "JobResponse");
	if (!jr) {
		seterr(err, errlen, "%s: no JobResponse (root <%s>)", what_or(what),
		       root_name(doc, rname, sizeof rname));
		goto out;
	}
	n = xmlu_text(xmlu_child(jr, "JobID"), t, sizeof t);
	if (n <= 0) {
		seterr(err, errlen, "%s: JobResponse has no JobID", what_or(what));
		goto out;
	}
	if ((size_t)n >= sizeof t || !jobid_ok(t, sizeof out->job_id)) {
		sanitize(t, sizeof t, shown, sizeof shown);
		seterr(err, errlen, "%s: JobID '%s' is not a job id", what_or(what), shown);
		goto out;
	}
	memcpy(out->job_id, t, (size_t)n + 1);
	e = xmlu_child(jr, "Status");
	n = xmlu_text(e, t, sizeof t);
	if (n <= 0) {
		seterr(err, errlen, "%s: JobResponse %s has no Status", what_or(what),
		       out->job_id);
		goto out;
	}
	sanitize(t, sizeof t, out->status_text, sizeof out->status_text);
	out->status = (size_t)n < sizeof t ? hmc_job_status_parse(t) : HMC_JOB_OTHER_TERMINAL;
	n = xmlu_text(xmlu_child(jr, "TargetUuid"), t, sizeof t);
	if (n > 0 && uuid_ok(t))
		memcpy(out->target_uuid, t, (size_t)n + 1);
	else if (n > 0)
		note_bad(&pc, "TargetUuid");
	get_ll(&pc, jr, "TimeStarted", &out->time_started);
	get_ll(&pc, jr, "TimeCompleted", &out->time_completed);
	job_results(jr, out);
	result = hmc_job_result(out, "result");
	if (result && *result) {
		out->error = mem_strdup(result);
	} else {
		out->error = xmlu_text_dup(xmlu_path(jr, "ResponseException/Message"));
		if (out->error && !*out->error) {
			free(out->error);
			out->error = NULL;
		}
	}
	e = xmlu_find(xmlu_child(jr, "Progress"), "CurrentState");
	get_str(e, "MessageKey", out->progress_key, sizeof out->progress_key);
	rc = 0;
out:
	if (rc == -1)
		hmc_job_reply_clear(out);
	report_bad(&pc);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

int
hmcxml_parse_job_template(const char *body, size_t len, const char *what,
                          char *op, size_t oplen, char *group, size_t grouplen,
                          char *err, size_t errlen)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr jr, ro;
	char rname[48];
	int rc = -1;

	if (oplen)
		op[0] = '\0';
	if (grouplen)
		group[0] = '\0';
	if (is_blank(body, len)) {
		seterr(err, errlen, "%s: empty body, expected a JobRequest template", what_or(what));
		goto out;
	}
	doc = xmlu_parse(body, len, what_or(what), err, errlen);
	if (!doc)
		goto out;
	jr = find_doc_element(doc, "JobRequest");
	if (!jr) {
		seterr(err, errlen, "%s: no JobRequest (root <%s>)", what_or(what),
		       root_name(doc, rname, sizeof rname));
		goto out;
	}
	ro = xmlu_child(jr, "RequestedOperation");
	if (xmlu_path_text(ro, "OperationName", op, oplen) <= 0) {
		seterr(err, errlen, "%s: JobRequest has no RequestedOperation/OperationName",
		       what_or(what));
		goto out;
	}
	xmlu_path_text(ro, "GroupName", group, grouplen);
	rc = 0;
out:
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

static int
fill_ms(struct pctx *pc, const struct objref *r, void *elem, char *err, size_t errlen)
{
	struct hmc_ms *m = elem;
	xmlNodePtr o = r->obj;

	m->srr_capable = -1;
	if (object_uuid(r, m->uuid) == -1) {
		perr(pc, err, errlen, "ManagedSystem UUID missing (no entry id, "
		     "Metadata/Atom/AtomID or SELF link)");
		return -1;
	}
	get_str(o, "SystemName", m->name, sizeof m->name);
	get_str(o, "State", m->state, sizeof m->state);
	get_str(o, "DetailedState", m->detailed_state, sizeof m->detailed_state);
	get_str(o, "PrimaryIPAddress", m->ip, sizeof m->ip);
	get_mtms(o, &m->mtms);
	get_double(pc, o, "AssociatedSystemProcessorConfiguration/InstalledSystemProcessorUnits",
	           &m->proc_installed);
	get_double(pc, o, "AssociatedSystemProcessorConfiguration/ConfigurableSystemProcessorUnits",
	           &m->proc_configurable);
	get_double(pc, o, "AssociatedSystemProcessorConfiguration/CurrentAvailableSystemProcessorUnits",
	           &m->proc_avail);
	get_ll(pc, o, "AssociatedSystemMemoryConfiguration/InstalledSystemMemory",
	       &m->mem_installed_mb);
	get_ll(pc, o, "AssociatedSystemMemoryConfiguration/ConfigurableSystemMemory",
	       &m->mem_configurable_mb);
	get_ll(pc, o, "AssociatedSystemMemoryConfiguration/CurrentAvailableSystemMemory",
	       &m->mem_avail_mb);
	m->srr_capable = get_bool(pc, o, "AssociatedSystemCapabilities/"
	                          "PowerVMLogicalPartitionSimplifiedRemoteRestartCapable");
	get_links(pc, o, "AssociatedVirtualIOServers", &m->vios_uuids, &m->n_vios);
	get_links(pc, o, "AssociatedLogicalPartitions", &m->lpar_uuids, &m->n_lpars);
	return 0;
}

/* The PhysicalVolume children of o's own PhysicalVolumes (not those of
 * volume groups or other nested containers), appended to *pc->pvs.  A
 * volume without UniqueDeviceID is noted and skipped. */
static void
get_pvs(struct pctx *pc, xmlNodePtr o, const char *vios_uuid)
{
	xmlNodePtr v;
	struct hmc_pv *p;
	char t[sizeof p->udid];
	long n;

	for (v = xmlu_child(xmlu_child(o, "PhysicalVolumes"), "PhysicalVolume"); v;
	     v = xmlu_next(v, "PhysicalVolume")) {
		n = xmlu_text(xmlu_child(v, "UniqueDeviceID"), t, sizeof t);
		if (n <= 0 || (size_t)n >= sizeof t) {
			note_bad(pc, "PhysicalVolume/UniqueDeviceID");
			continue;
		}
		if (*pc->n_pvs == pc->pv_cap) {
			pc->pv_cap = pc->pv_cap ? pc->pv_cap * 2 : 16;
			*pc->pvs = mem_reallocarray(*pc->pvs, pc->pv_cap, sizeof(**pc->pvs));
		}
		p = &(*pc->pvs)[(*pc->n_pvs)++];
		memset(p, 0, sizeof *p);
		snprintf(p->vios_uuid, sizeof p->vios_uuid, "%s", vios_uuid);
		sanitize(t, sizeof t, p->udid, sizeof p->udid);
		get_str(v, "VolumeName", p->name, sizeof p->name);
		get_ll(pc, v, "VolumeCapacity", &p->size_mb);
		p->available = get_bool(pc, v, "AvailableForUsage");
	}
}

static int
fill_lpar(struct pctx *pc, const struct objref *r, void *elem, char *err, size_t errlen)
{
	struct hmc_lpar *l = elem;
	xmlNodePtr o = r->obj, pp, c;
	char t[HREF_MAX], shown[48];
	int ded;
	long n;

	l->srr_capable = -1;
	c = xmlu_child(o, "PartitionUUID");
	n = xmlu_text(c, t, sizeof t);
	if (n <= 0) {
		perr(pc, err, errlen, "PartitionUUID %s", c ? "empty" : "missing");
		return -1;
	}
	if ((size_t)n >= sizeof t || !uuid_ok(t)) {
		sanitize(t, sizeof t, shown, sizeof shown);
		perr(pc, err, errlen, "PartitionUUID '%s' is not a UUID", shown);
		return -1;
	}
	memcpy(l->uuid, t, (size_t)n + 1);
	get_int(pc, o, "PartitionID", &l->id);
	get_str(o, "PartitionName", l->name, sizeof l->name);
	get_str(o, "PartitionType", l->type, sizeof l->type);
	get_str(o, "PartitionState", l->state, sizeof l->state);
	get_str(o, "ReferenceCode", l->refcode, sizeof l->refcode);
	get_str(o, "ResourceMonitoringControlState", l->rmc_state, sizeof l->rmc_state);
	get_str(o, "ResourceMonitoringIPAddress", l->rmc_ip, sizeof l->rmc_ip);
	get_str(o, "BootMode", l->boot_mode, sizeof l->boot_mode);
	get_str(o, "RemoteRestartState", l->rr_state, sizeof l->rr_state);
	l->is_vios = strcmp(r->type, "VirtualIOServer") == 0 ||
	             strcasecmp(l->type, "Virtual IO Server") == 0;
	l->srr_capable = get_bool(pc, o, "SimplifiedRemoteRestartCapable");

	c = xmlu_child(o, "AssociatedManagedSystem");
	if (c) {
		n = xmlu_attr(c, "href", t, sizeof t);
		if (n < 0 || (size_t)n >= sizeof t ||
		    href_uuid(t, l->ms_uuid, sizeof l->ms_uuid, NULL, 0) == -1)
			note_bad(pc, "AssociatedManagedSystem");
	}

	pp = xmlu_child(o, "PartitionProcessorConfiguration");
	ded = get_bool(pc, pp, "HasDedicatedProcessors");
	if (ded == -1)
		ded = xmlu_child(pp, "DedicatedProcessorConfiguration") &&
		      !xmlu_child(pp, "SharedProcessorConfiguration");
	l->dedicated = ded == 1;
	if (l->dedicated) {
		c = xmlu_child(pp, "DedicatedProcessorConfiguration");
		get_double(pc, c, "DesiredProcessors", &l->proc_desired);
		get_double(pc, c, "MinimumProcessors", &l->proc_min);
		get_double(pc, c, "MaximumProcessors", &l->proc_max);
		if (l->proc_desired >= 0 && l->proc_desired <= INT_MAX)
			l->vcpu_desired = (int)l->proc_desired;
	} else {
		c = xmlu_child(pp, "SharedProcessorConfiguration");
		get_double(pc, c, "DesiredProcessingUnits", &l->proc_desired);
		get_double(pc, c, "MinimumProcessingUnits", &l->proc_min);
		get_double(pc, c, "MaximumProcessingUnits", &l->proc_max);
		get_int(pc, c, "DesiredVirtualProcessors", &l->vcpu_desired);
	}
	c = xmlu_child(o, "PartitionMemoryConfiguration");
	get_ll(pc, c, "DesiredMemory", &l->mem_desired_mb);
	get_ll(pc, c, "MinimumMemory", &l->mem_min_mb);
	get_ll(pc, c, "MaximumMemory", &l->mem_max_mb);
	get_ll(pc, c, "CurrentMemory", &l->mem_current_mb);
	get_str(o, "OperatingSystemVersion", l->os_version, sizeof l->os_version);
	if (pc->pvs && strcmp(r->type, "VirtualIOServer") == 0)
		get_pvs(pc, o, l->uuid);
	return 0;
}

/* "V10R2 1030": V<Version>R<Release> then the service pack; BaseVersion when
 * VersionInfo has no Version. */
static void
console_version(xmlNodePtr o, char *out, size_t outlen)
{
	char ver[32], rel[32], sp[32], base[64];
	struct buf b = { 0 };

	get_str(o, "VersionInfo/Version", ver, sizeof ver);
	get_str(o, "VersionInfo/Release", rel, sizeof rel);
	get_str(o, "VersionInfo/ServicePackName", sp, sizeof sp);
	get_str(o, "BaseVersion", base, sizeof base);
	if (*ver) {
		if (ver[0] != 'V' && ver[0] != 'v')
			buf_putc(&b, 'V');
		buf_puts(&b, ver);
		if (*rel) {
			if (rel[0] != 'R' && rel[0] != 'r')
				buf_putc(&b, 'R');
			buf_puts(&b, rel);
		}
	} else {
		buf_puts(&b, base);
	}
	if (*sp) {
		if (b.len)
			buf_putc(&b, ' ');
		buf_puts(&b, sp);
	}
	snprintf(out, outlen, "%s", buf_str(&b));
	buf_free(&b);
}

static int
fill_console(struct pctx *pc, const struct objref *r, void *elem, char *err, size_t errlen)
{
	struct hmc_console *c = elem;
	xmlNodePtr o = r->obj;

	if (object_uuid(r, c->uuid) == -1) {
		perr(pc, err, errlen, "ManagementConsole UUID missing (no entry id, "
		     "Metadata/Atom/AtomID or SELF link)");
		return -1;
	}
	get_str(o, "ManagementConsoleName", c->name, sizeof c->name);
	get_mtms(o, &c->mtms);
	console_version(o, c->version, sizeof c->version);
	get_links(pc, o, "ManagedSystems", &c->ms_uuids, &c->n_ms);
	return 0;
}

/* The common feed walk: *out gets an array of n elements of size esz filled
 * by fill (caller frees, with the owned members cleared first).  On error the
 * filled prefix is handed back through *out and *n so the caller can clear
 * it; the public wrappers do. */
static int
parse_feed(const char *body, size_t len, const char *what, const char *const *types,
           const char *label, size_t esz,
           int (*fill)(struct pctx *, const struct objref *, void *, char *, size_t),
           void **out, size_t *n, struct hmc_pv **pvs, size_t *n_pvs,
           char *err, size_t errlen)
{
	struct pctx pc = { .what = what, .pvs = pvs, .n_pvs = n_pvs };
	struct objref *refs = NULL;
	xmlDocPtr doc = NULL;
	size_t nref = 0, i;
	char *v = NULL;
	int rc = -1;

	*out = NULL;
	*n = 0;
	if (is_blank(body, len))
		return 0;
	doc = xmlu_parse(body, len, what_or(what), err, errlen);
	if (!doc || collect(doc, what, types, label, &refs, &nref, err, errlen) == -1)
		goto out;
	v = nref ? mem_calloc(nref, esz) : NULL;
	*out = v;
	for (i = 0; i < nref; i++) {
		pc.entry = refs[i].entry && xmlu_is(refs[i].entry->parent, "feed") ? i + 1 : 0;
		*n = i + 1;
		if (fill(&pc, &refs[i], v + i * esz, err, errlen) == -1)
			goto out;
	}
	rc = 0;
out:
	report_bad(&pc);
	free(refs);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

int
hmcxml_parse_ms_feed(const char *body, size_t len, const char *what,
                     struct hmc_ms **out, size_t *n, char *err, size_t errlen)
{
	static const char *const types[] = { "ManagedSystem", NULL };
	void *v;

	if (parse_feed(body, len, what, types, "ManagedSystem", sizeof(**out), fill_ms,
	               &v, n, NULL, NULL, err, errlen) == -1) {
		hmcxml_free_ms(v, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}

int
hmcxml_parse_lpar_feed_pvs(const char *body, size_t len, const char *what,
                           struct hmc_lpar **out, size_t *n, struct hmc_pv **pvs,
                           size_t *n_pvs, char *err, size_t errlen)
{
	static const char *const types[] = { "LogicalPartition", "VirtualIOServer", NULL };
	size_t np = 0;
	void *v;

	if (pvs) {
		*pvs = NULL;
		*n_pvs = 0;
	}
	if (parse_feed(body, len, what, types, "LogicalPartition or VirtualIOServer",
	               sizeof(**out), fill_lpar, &v, n, pvs, pvs ? n_pvs : &np,
	               err, errlen) == -1) {
		free(v);
		*out = NULL;
		*n = 0;
		if (pvs) {
			free(*pvs);
			*pvs = NULL;
			*n_pvs = 0;
		}
		return -1;
	}
	*out = v;
	return 0;
}

int
hmcxml_parse_lpar_feed(const char *body, size_t len, const char *what,
                       struct hmc_lpar **out, size_t *n, char *err, size_t errlen)
{
	return hmcxml_parse_lpar_feed_pvs(body, len, what, out, n, NULL, NULL, err, errlen);
}

int
hmcxml_parse_console_feed(const char *body, size_t len, const char *what,
                          struct hmc_console **out, size_t *n, char *err, size_t errlen)
{
	static const char *const types[] = { "ManagementConsole", NULL };
	void *v;

	if (parse_feed(body, len, what, types, "ManagementConsole", sizeof(**out),
	               fill_console, &v, n, NULL, NULL, err, errlen) == -1) {
		hmcxml_free_consoles(v, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}

char *
hmcxml_error_message(const char *body, size_t len)
{
	char e[256], *msg = NULL, *res;
	xmlDocPtr doc = NULL;
	xmlNodePtr h;
	size_t n, i;

	if (is_blank(body, len))
		return mem_strdup("(empty body)");
	doc = xmlu_parse(body, len, "HTTP error body", e, sizeof e);
	if (doc) {
		h = find_doc_element(doc, "HttpErrorResponse");
		msg = xmlu_text_dup(xmlu_child(h, "Message"));
		xmlFreeDoc(doc);
	}
	if (msg && *msg) {
		n = strlen(msg);
		res = mem_calloc(n + 1, 1);
		sanitize(msg, n, res, n + 1);
		free(msg);
		return res;
	}
	free(msg);
	n = len < ERRMSG_SNIPPET ? len : ERRMSG_SNIPPET;
	/* Do not cut a UTF-8 sequence in two. */
	if (n < len && ((unsigned char)body[n] & 0xc0) == 0x80) {
		size_t k = n;

		while (k > 0 && ((unsigned char)body[k - 1] & 0xc0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)body[k - 1] & 0xc0) == 0xc0)
			n = k - 1;
	}
	res = mem_calloc(n + 1, 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)body[i];

		res[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	return res;
}

void
hmcxml_free_ms(struct hmc_ms *v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		hmc_ms_clear(&v[i]);
	free(v);
}

void
hmcxml_free_consoles(struct hmc_console *v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		hmc_console_clear(&v[i]);
	free(v);
}
