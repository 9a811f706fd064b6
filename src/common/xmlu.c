/* xmlu — safe libxml2 parsing and namespace-blind lookups.
 *
 * Parsing goes through a private parser context whose SAX hooks stop the
 * parser at the first DOCTYPE or entity declaration, whose structured error
 * hook keeps the first error, and which never loads anything from outside the
 * buffer.  Not for building XML (see buf_put_xml_escaped) or validation.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "xmlu.h"

#define XMLU_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | \
                      XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES)

/* Per-parse state, reached from the context's _private pointer. */
struct xmlu_state {
	int have_err;
	int doctype;
	int line, col;
	char msg[256];
};

static int xmlu_inited;

/* Nothing outside the buffer is ever read. */
static xmlParserInputPtr
deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void
silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
silent_structured(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

void
xmlu_init(void)
{
	if (xmlu_inited)
		return;
	xmlu_inited = 1;
	xmlInitParser();
	xmlSetExternalEntityLoader(deny_loader);
	xmlSetGenericErrorFunc(NULL, silent_generic);
	xmlSetStructuredErrorFunc(NULL, silent_structured);
}

static struct xmlu_state *
state_of(xmlParserCtxtPtr ctxt)
{
	return ctxt ? (struct xmlu_state *)ctxt->_private : NULL;
}

static void
refuse_dtd(xmlParserCtxtPtr ctxt)
{
	struct xmlu_state *st = state_of(ctxt);

	if (st && !st->doctype) {
		st->doctype = 1;
		st->line = ctxt->input ? ctxt->input->line : 0;
		st->col = ctxt->input ? ctxt->input->col : 0;
	}
	xmlStopParser(ctxt);
}

static void
on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext,
                   const xmlChar *sys)
{
	(void)name;
	(void)ext;
	(void)sys;
	refuse_dtd(ctx);
}

static void
on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
               const xmlChar *sys, xmlChar *content)
{
	(void)name;
	(void)type;
	(void)pub;
	(void)sys;
	(void)content;
	refuse_dtd(ctx);
}

static void
on_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = e ? e->ctxt : NULL;
	struct xmlu_state *st;
	size_t n;

	(void)data;
	st = state_of(ctxt);
	if (!st || st->have_err || e->level < XML_ERR_ERROR)
		return;
	st->have_err = 1;
	st->line = e->line;
	st->col = e->int2;
	snprintf(st->msg, sizeof st->msg, "%s", e->message ? e->message : "parse error");
	n = strlen(st->msg);
	while (n > 0 && (st->msg[n - 1] == '\n' || st->msg[n - 1] == ' '))
		st->msg[--n] = '\0';
	for (; n > 0; n--)          /* libxml2 adds "\nBytes: 0x.." lines */
		if (st->msg[n - 1] == '\n')
			st->msg[n - 1] = ' ';
}

xmlDocPtr
xmlu_parse(const char *data, size_t len, const char *what, char *err, size_t errlen)
{
	struct xmlu_state st;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;

	memset(&st, 0, sizeof st);
	if (!what)
		what = "xml";
	xmlu_init();
	if (!data || len > XMLU_MAX_INPUT || len > INT_MAX) {
		snprintf(err, errlen, "%s: input too large (%zu bytes, limit %u)", what,
		         len, XMLU_MAX_INPUT);
		goto fail;
	}
	if (len == 0) {
		snprintf(err, errlen, "%s: empty document", what);
		goto fail;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		snprintf(err, errlen, "%s: out of memory", what);
		goto fail;
	}
	ctxt->_private = &st;
	ctxt->sax->serror = on_error;
	ctxt->sax->internalSubset = on_internal_subset;
	ctxt->sax->externalSubset = on_internal_subset;
	ctxt->sax->entityDecl = on_entity_decl;
	ctxt->sax->error = NULL;
	ctxt->sax->warning = NULL;
	ctxt->sax->fatalError = NULL;
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL, XMLU_OPTIONS);
	if (st.doctype || (doc && (doc->intSubset || doc->extSubset))) {
		snprintf(err, errlen, "%s: line %d col %d: DOCTYPE not allowed", what,
		         st.line, st.col);
		goto fail;
	}
	if (!doc) {
		if (st.have_err)
			snprintf(err, errlen, "%s: line %d col %d: %s", what, st.line,
			         st.col, st.msg);
		else
			snprintf(err, errlen, "%s: not well-formed", what);
		goto fail;
	}
	if (!xmlDocGetRootElement(doc)) {
		snprintf(err, errlen, "%s: no root element", what);
		goto fail;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
fail:
	if (doc)
		xmlFreeDoc(doc);
	if (ctxt)
		xmlFreeParserCtxt(ctxt);
	return NULL;
}

int
xmlu_is(xmlNodePtr n, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && n->name &&
	       strcmp((const char *)n->name, local) == 0;
}

xmlNodePtr
xmlu_child(xmlNodePtr n, const char *local)
{
	xmlNodePtr c;

	if (!n)
		return NULL;
	for (c = n->children; c; c = c->next)
		if (xmlu_is(c, local))
			return c;
	return NULL;
}

xmlNodePtr
xmlu_next(xmlNodePtr n, const char *local)
{
	if (!n)
		return NULL;
	for (n = n->next; n; n = n->next)
		if (xmlu_is(n, local))
			return n;
	return NULL;
}

xmlNodePtr
xmlu_path(xmlNodePtr n, const char *path)
{
	char seg[256];
	const char *p = path, *end;
	size_t len;

	if (!path)
		return NULL;
	while (n && *p) {
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len >= sizeof seg)
			return NULL;
		if (len > 0) {
			memcpy(seg, p, len);
			seg[len] = '\0';
			n = xmlu_child(n, seg);
		}
		p = *end ? end + 1 : end;
	}
	return n;
}

/* Iterative depth-first walk: deep documents must not exhaust the stack. */
xmlNodePtr
xmlu_find(xmlNodePtr n, const char *local)
{
	xmlNodePtr c;

	if (!n)
		return NULL;
	c = n->children;
	while (c) {
		if (xmlu_is(c, local))
			return c;
		if (c->type == XML_ELEMENT_NODE && c->children) {
			c = c->children;
			continue;
		}
		while (c && !c->next) {
			c = c->parent;
			if (c == n)
				return NULL;
		}
		if (c)
			c = c->next;
	}
	return NULL;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Trimmed view of s: start pointer and length. */
static const char *
trim(const char *s, size_t *len)
{
	size_t n;

	while (is_space((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

static long
copy_out(const char *s, size_t n, char *out, size_t outlen)
{
	if (out && outlen > 0) {
		size_t c = n < outlen - 1 ? n : outlen - 1;

		memcpy(out, s, c);
		out[c] = '\0';
	}
	return (long)n;
}

long
xmlu_text(xmlNodePtr n, char *out, size_t outlen)
{
	xmlChar *content;
	const char *s;
	size_t len;
	long r;

	if (!n) {
		if (out && outlen > 0)
			out[0] = '\0';
		return -1;
	}
	content = xmlNodeGetContent(n);
	s = trim(content ? (const char *)content : "", &len);
	r = copy_out(s, len, out, outlen);
	xmlFree(content);
	return r;
}

char *
xmlu_text_dup(xmlNodePtr n)
{
	xmlChar *content;
	const char *s;
	size_t len;
	char *r;

	if (!n)
		return NULL;
	content = xmlNodeGetContent(n);
	s = trim(content ? (const char *)content : "", &len);
	r = malloc(len + 1);
	if (r) {
		memcpy(r, s, len);
		r[len] = '\0';
	}
	xmlFree(content);
	return r;
}

long
xmlu_path_text(xmlNodePtr n, const char *path, char *out, size_t outlen)
{
	return xmlu_text(xmlu_path(n, path), out, outlen);
}

long
xmlu_attr(xmlNodePtr n, const char *name, char *out, size_t outlen)
{
	const char *colon = strchr(name, ':');
	xmlAttrPtr a;
	xmlChar *v;
	long r;

	if (out && outlen > 0)
		out[0] = '\0';
	if (!n || n->type != XML_ELEMENT_NODE)
		return -1;
	if (colon)
		name = colon + 1;
	for (a = n->properties; a; a = a->next) {
		if (!a->name || strcmp((const char *)a->name, name) != 0)
			continue;
		v = xmlNodeListGetString(n->doc, a->children, 1);
		r = copy_out(v ? (const char *)v : "", v ? strlen((const char *)v) : 0,
		             out, outlen);
		xmlFree(v);
		return r;
	}
	return -1;
}

int
xmlu_path_long(xmlNodePtr n, const char *path, long long *out)
{
	char *s = xmlu_text_dup(xmlu_path(n, path)), *end;
	long long v;
	int rc = -1;

	if (!s || !*s)
		goto out;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		goto out;
	*out = v;
	rc = 0;
out:
	free(s);
	return rc;
}

int
xmlu_path_double(xmlNodePtr n, const char *path, double *out)
{
	char *s = xmlu_text_dup(xmlu_path(n, path)), *end;
	double v;
	int rc = -1;

	if (!s || !*s)
		goto out;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		goto out;
	*out = v;
	rc = 0;
out:
	free(s);
	return rc;
}
