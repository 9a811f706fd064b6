/* passthru — VIOS end of PassThroughInterface (see passthru.h).
 *
 * Checks the envelope, keeps the bookkeeping (requests counted per
 * action_str, the VMs and VIOSs that ADD_VM, START_VM, STOP_VM, REMOVE_VM and
 * ADD_MS name) and hands the request to the health side (hm.c), which
 * answers it from the cluster's HSDB.
 */
#include "passthru.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "hm.h"
#include "log.h"
#include "xmlu.h"

#define PT_MAX_DEPTH 8                  /* Request/addVM/vmList/vm is 3 */

static void __attribute__((format(printf, 5, 6)))
malformed(struct world *w, const struct sim_lpar *vios, struct buf *err_out, int *rc,
          const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	w->pt_malformed++;
	buf_printf(err_out, "passthru: %s\n", msg);
	*rc = SIMPT_RC_MALFORMED;
	log_msg(LOGL_WARN, "passthru", "event=malformed vios=%s error=\"%s\"", vios->name,
	        msg);
}

/* action_str values go into `show` lines: letters, digits and '_' only. */
static int
action_ok(const char *a)
{
	const char *p;

	if (!*a)
		return 0;
	for (p = a; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static void
count_action(struct world *w, const char *action)
{
	size_t i;

	for (i = 0; i < w->n_pt; i++)
		if (strcmp(w->pt[i].action, action) == 0) {
			w->pt[i].n++;
			return;
		}
	if (w->n_pt >= SIM_PT_MAX_ACTIONS) {
		log_msg(LOGL_WARN, "passthru", "event=action_not_counted action=%s "
		        "msg=\"more than %d distinct action_str values\"", action,
		        SIM_PT_MAX_ACTIONS);
		return;
	}
	memcpy(w->pt[w->n_pt].action, action, strnlen(action, SIM_PT_ACTION_LEN - 1));
	w->pt[w->n_pt].action[strnlen(action, SIM_PT_ACTION_LEN - 1)] = '\0';
	w->pt[w->n_pt++].n = 1;
}

/* What a request does to a partition it names (element vm or vios). */
static void
note_uuid(struct world *w, const char *action, const char *elem, const char *uuid)
{
	struct sim_lpar *l = world_lpar_by_uuid(w, uuid);
	int vm = strcmp(elem, "vm") == 0;

	if (!l) {
		log_msg(LOGL_INFO, "passthru", "event=unknown_uuid action=%s %s=%s", action,
		        elem, uuid);
		return;
	}
	if (vm && strcmp(action, "VIO_HS_ADD_VM") == 0) {
		l->hs_added = 1;
	} else if (vm && strcmp(action, "VIO_HS_START_VM") == 0) {
		l->hs_started = 1;
	} else if (vm && strcmp(action, "VIO_HS_STOP_VM") == 0) {
		l->hs_started = 0;
	} else if (vm && strcmp(action, "VIO_HS_REMOVE_VM") == 0) {
		l->hs_added = 0;
		l->hs_started = 0;
	} else if (!vm && strcmp(action, "VIO_HS_ADD_MS") == 0) {
		l->hs_added = 1;
	} else {
		return;
	}
	log_msg(LOGL_DEBUG, "passthru", "event=hs_state action=%s lpar=%s added=%d started=%d",
	        action, l->name, l->hs_added, l->hs_started);
}

/* Every <vm uuid=> and <vios uuid=> below n (addVM/vmList/vm, addMS/viosList/
 * vios, ...). */
static void
walk_uuids(struct world *w, const char *action, xmlNodePtr n, int depth)
{
	char uuid[SIM_UUID_LEN + 8];
	xmlNodePtr c;
	long len;

	if (depth > PT_MAX_DEPTH)
		return;
	for (c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xmlu_is(c, "vm") || xmlu_is(c, "vios")) {
			len = xmlu_attr(c, "uuid", uuid, sizeof uuid);
			if (len > 0 && (size_t)len < sizeof uuid)
				note_uuid(w, action, (const char *)c->name, uuid);
			continue;
		}
		walk_uuids(w, action, c, depth + 1);
	}
}

int
simjob_passthrough(struct world *w, struct sim_lpar *vios, const char *input_xml,
                   struct buf *stdout_out, struct buf *stderr_out, int *cmd_rc)
{
	char e[256], action[SIM_PT_ACTION_LEN + 8], rname[48];
	size_t len = input_xml ? strlen(input_xml) : 0;
	xmlNodePtr root, req;
	xmlDocPtr doc = NULL;
	long n;

	*cmd_rc = 0;
	if (strspn(input_xml ? input_xml : "", " \t\r\n") == len) {
		malformed(w, vios, stderr_out, cmd_rc, "inputXML is empty; expected a "
		          "vioHADR2 <VIO><Request action_str=...> document");
		return 0;
	}
	doc = xmlu_parse(input_xml, len, "inputXML", e, sizeof e);
	if (!doc) {
		malformed(w, vios, stderr_out, cmd_rc, "inputXML is not well-formed XML: %s", e);
		return 0;
	}
	root = xmlDocGetRootElement(doc);
	if (!xmlu_is(root, "VIO")) {
		snprintf(rname, sizeof rname, "%s", root && root->name ?
		         (const char *)root->name : "?");
		malformed(w, vios, stderr_out, cmd_rc, "inputXML root element is <%s>, "
		          "expected <VIO>", rname);
		goto out;
	}
	req = xmlu_child(root, "Request");
	if (!req) {
		malformed(w, vios, stderr_out, cmd_rc, "<VIO> has no <Request> element");
		goto out;
	}
	n = xmlu_attr(req, "action_str", action, sizeof action);
	if (n < 0) {
		malformed(w, vios, stderr_out, cmd_rc, "<Request> has no action_str attribute");
		goto out;
	}
	if ((size_t)n >= SIM_PT_ACTION_LEN || !action_ok(action)) {
		malformed(w, vios, stderr_out, cmd_rc, "action_str '%.40s' is not a vioHADR2 "
		          "action (letters, digits and '_', at most %d)", action,
		          SIM_PT_ACTION_LEN - 1);
		goto out;
	}
	count_action(w, action);
	walk_uuids(w, action, req, 0);
	log_msg(LOGL_DEBUG, "passthru", "event=request vios=%s action=%s bytes=%zu",
	        vios->name, action, len);
	simhm_request(w, vios, action, req, stdout_out, stderr_out, cmd_rc);
out:
	xmlFreeDoc(doc);
	return 0;
}

static int
by_action(const void *a, const void *b)
{
	const struct sim_pt_count *x = *(const struct sim_pt_count *const *)a;
	const struct sim_pt_count *y = *(const struct sim_pt_count *const *)b;

	return strcmp(x->action, y->action);
}

size_t
simpt_show(struct world *w, const char *name, struct buf *out)
{
	const struct sim_pt_count *v[SIM_PT_MAX_ACTIONS];
	size_t i, lines = 0;

	for (i = 0; i < w->n_pt; i++)
		v[i] = &w->pt[i];
	qsort(v, w->n_pt, sizeof v[0], by_action);
	for (i = 0; i < w->n_pt; i++) {
		if (name && strcmp(name, v[i]->action) != 0)
			continue;
		buf_printf(out, "%s %llu\n", v[i]->action, v[i]->n);
		lines++;
	}
	if ((w->pt_malformed && !name) || (name && strcmp(name, "malformed") == 0)) {
		buf_printf(out, "malformed %llu\n", w->pt_malformed);
		lines++;
	}
	for (i = 0; i < w->n_lpars; i++) {
		const struct sim_lpar *l = &w->lpars[i];

		if (l->is_vios)
			continue;
		if (name ? strcmp(name, l->name) != 0 : !l->hs_added && !l->hs_started)
			continue;
		buf_printf(out, "%s added=%s started=%s\n", l->name, l->hs_added ? "yes" : "no",
		           l->hs_started ? "yes" : "no");
		lines++;
	}
	return lines;
}
