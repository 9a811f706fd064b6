/* xmlu — the safe way every ksys program parses and walks XML (libxml2).
 *
 * Parsing refuses documents that carry a DOCTYPE (HMCs and VIOSs never send
 * one; refusing it rules out external entities and billion-laughs), never
 * touches the network (XML_PARSE_NONET), never substitutes entities, caps the
 * input size, and reports the first error with line and column.  Lookups go
 * by local name and ignore namespaces and the kb/kxe attributes, because real
 * HMCs mix prefixed and default namespaces freely.  Not for building XML:
 * builders write text into a struct buf with buf_put_xml_escaped().
 */
#ifndef KSYS_XMLU_H
#define KSYS_XMLU_H

#include <stddef.h>
#include <libxml/tree.h>

#define XMLU_MAX_INPUT (64u * 1024u * 1024u)

/* Parse len bytes.  what names the input in errors ("job reply from hmc1").
 * Returns the document (caller frees with xmlFreeDoc) or NULL with err set:
 * "job reply from hmc1: line 3 col 5: Opening and ending tag mismatch". */
xmlDocPtr xmlu_parse(const char *data, size_t len, const char *what,
                     char *err, size_t errlen);

/* Process-wide libxml2 setup (error handlers off, no entity loader); call
 * once at start.  Idempotent. */
void xmlu_init(void);

/* First element child of n with this local name (any namespace), or NULL. */
xmlNodePtr xmlu_child(xmlNodePtr n, const char *local);
/* Next element sibling after n with this local name, or NULL. */
xmlNodePtr xmlu_next(xmlNodePtr n, const char *local);
/* Walk a path of local names separated by '/': "content/JobResponse/Status". */
xmlNodePtr xmlu_path(xmlNodePtr n, const char *path);
/* First descendant (depth-first, n excluded) with this local name. */
xmlNodePtr xmlu_find(xmlNodePtr n, const char *local);
/* Nonzero when n is an element with this local name. */
int xmlu_is(xmlNodePtr n, const char *local);

/* Text content of n with surrounding whitespace trimmed, copied into out
 * (truncated to outlen-1).  Returns the untruncated length, or -1 if n NULL. */
long xmlu_text(xmlNodePtr n, char *out, size_t outlen);
/* Same, heap copy (caller frees), NULL if n NULL. */
char *xmlu_text_dup(xmlNodePtr n);
/* Text of the element at path under n (see xmlu_path); "" when absent. */
long xmlu_path_text(xmlNodePtr n, const char *path, char *out, size_t outlen);
/* Attribute by local name (any namespace), copied into out; -1 if absent. */
long xmlu_attr(xmlNodePtr n, const char *name, char *out, size_t outlen);

/* Numbers from element text: 0 on success, -1 on absence or garbage. */
int xmlu_path_long(xmlNodePtr n, const char *path, long long *out);
int xmlu_path_double(xmlNodePtr n, const char *path, double *out);

#endif
