/* cmd_host — the host class of ksysmgr: add, modify, delete, query.
 *
 * add finds the host in the inventory (inventory.h: what the HMCs manage,
 * re-read first when the name is not known yet), reads its VirtualIOServer
 * and LogicalPartition feeds live, stores the host and has recon.c add its
 * VIOSs and VMs; a failure at any point leaves the store as it was.  The
 * service processor address stays empty until discovery (the Redbook's
 * "Must run discovery first to populate").  modify, delete and query work
 * on the store.  Not for discovery (cmd_disc.c) nor VMs (cmd_obj.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "cmd_priv.h"
#include "core.h"
#include "effective.h"
#include "hmc.h"
#include "hmcxml.h"
#include "inventory.h"
#include "log.h"
#include "mem.h"
#include "recon.h"
#include "store.h"

#define ADD_FEEDS 3

/* ---- helpers ------------------------------------------------------------- */
/* Refuses an unknown host naming the added ones; CMD_OK when h was found. */
static int
get_host(struct store *s, const char *cmd, const char *name, struct store_host *h,
         struct buf *err)
{
	char e[256], names[1024];

	if (store_host_get(s, name, h, e, sizeof(e)) == 0)
		return CMD_OK;
	if (store_names(s, "host", 20, names, sizeof(names)) > 0)
		return cmd_refuse(err, "%s: no host named '%s' was added; added hosts: %s",
		                  cmd, name, names);
	return cmd_refuse(err, "%s: no host named '%s' was added, and no host is added "
	                  "yet ('ksysmgr query hmc' lists the hosts each HMC manages; "
	                  "add one with 'ksysmgr add host NAME')", cmd, name);
}

/* ---- add --------------------------------------------------------------------- */
struct host_add {
	struct core *core;
	struct cmd_io io;
	char name[STORE_NAME_MAX];      /* as asked */
	char uuid[HMC_UUID_LEN];        /* uuid= or "" */
	int refreshed;                  /* the inventory was re-read for us */
	char refresh_err[512];          /* what that re-read said, "" if fine */
	struct inv_host ih;             /* the host found */
	int pending;                    /* feeds in flight */
	char err[512];
	struct hmc_ms *ms;
	size_t n_ms;
	struct hmc_lpar *vioses, *lpars;
	size_t n_vioses, n_lpars;
};

static void
add_free(struct host_add *a)
{
	hmcxml_free_ms(a->ms, a->n_ms);
	free(a->vioses);
	free(a->lpars);
	free(a);
}

static void add_refuse(struct host_add *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ends the request with "ksysmgr: add host NAME: MESSAGE". */
static void
add_refuse(struct host_add *a, const char *fmt, ...)
{
	char prefix[128];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "add host %s", a->name);
	va_start(ap, fmt);
	cmd_io_vrefuse(&a->io, prefix, fmt, ap);
	va_end(ap);
	a->io.end(a->io.ctx, CMD_REFUSED);
	add_free(a);
}

/* The host as its HMC reported it: stored, then its VIOSs and VMs. */
static void
add_store(struct host_add *a)
{
	struct store *s = a->core->store;
	struct store_host h;
	struct recon_host rh;
	struct hmc_ms ms;
	char e[512], e2[256];
	size_t i;

	if (a->core->stopping) {
		add_refuse(a, "ksysd is stopping; nothing was changed");
		return;
	}
	for (i = 0; i < a->n_ms; i++)
		if (strcasecmp(a->ms[i].uuid, a->ih.uuid) == 0)
			break;
	if (i == a->n_ms) {
		add_refuse(a, "its HMC did not return host %s", a->ih.uuid);
		return;
	}
	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "%.*s", STORE_NAME_MAX - 1, a->ih.name);
	snprintf(h.uuid, sizeof(h.uuid), "%s", a->ih.uuid);
	snprintf(h.mtms, sizeof(h.mtms), "%s-%s*%s", a->ms[i].mtms.type,
	         a->ms[i].mtms.model, a->ms[i].mtms.serial);
	snprintf(h.hmcs, sizeof(h.hmcs), "%s", a->ih.hmcs);
	if (store_host_put(s, &h, STORE_INSERT, e, sizeof(e)) == -1) {
		add_refuse(a, "%s", e);
		return;
	}
	/* the service processor address is discovery's to fill */
	ms = a->ms[i];
	ms.ip[0] = '\0';
	memset(&rh, 0, sizeof(rh));
	rh.name = h.name;
	rh.ms = &ms;
	rh.vioses = a->vioses;
	rh.n_vioses = a->n_vioses;
	rh.lpars = a->lpars;
	rh.n_lpars = a->n_lpars;
	rh.hmcs = a->ih.hmcs;
	if (recon_hosts(s, &rh, 1, NULL, NULL, e, sizeof(e)) == -1) {
		if (store_host_delete(s, h.name, e2, sizeof(e2)) == -1)
			log_msg(LOGL_ERROR, "cmd", "event=host_add_undo_failed host=%s "
			        "error=\"%s\"", h.name, e2);
		add_refuse(a, "%s", e);
		return;
	}
	log_msg(LOGL_INFO, "cmd", "event=host_added host=%s uuid=%s hmcs=%s vioses=%zu "
	        "lpars=%zu", h.name, h.uuid, h.hmcs, a->n_vioses, a->n_lpars);
	cmd_io_printf(&a->io, 'O', "Host %s added successfully", h.name);
	a->io.end(a->io.ctx, CMD_OK);
	add_free(a);
}

static void
add_feed_cb(void *arg, const struct hmc_error *err, struct hmc_feed *f)
{
	struct host_add *a = arg;

	if (err) {
		if (!a->err[0])
			snprintf(a->err, sizeof(a->err), "%s: %s", hmc_errc_name(err->code),
			         err->msg);
	} else if (f->obj == HMC_OBJ_MS) {
		a->ms = f->ms;
		a->n_ms = f->n;
		f->ms = NULL;
	} else if (f->obj == HMC_OBJ_VIOS) {
		a->vioses = f->lpars;
		a->n_vioses = f->n;
		f->lpars = NULL;
	} else if (f->obj == HMC_OBJ_LPAR) {
		a->lpars = f->lpars;
		a->n_lpars = f->n;
		f->lpars = NULL;
	}
	if (--a->pending)
		return;
	if (a->err[0])
		add_refuse(a, "cannot read host %s from its HMC (%s): %s", a->ih.name,
		           a->ih.hmcs, a->err);
	else
		add_store(a);
}

/* Finds the host asked for and checks it is not added yet: 0 and a->ih,
 * 1 when the inventory should be re-read first, -1 with msg. */
static int
add_find(struct host_add *a, char *msg, size_t msglen)
{
	struct store *s = a->core->store;
	struct store_host h;
	char e[1024];

	if (inventory_find_host(a->core->inv, a->uuid[0] ? a->uuid : a->name, &a->ih, e,
	                        sizeof(e)) == -1) {
		if (!a->refreshed && !strstr(e, "ambiguous"))
			return 1;
		if (a->uuid[0])
			snprintf(msg, msglen, "no HMC manages a host with uuid %s", a->uuid);
		else
			snprintf(msg, msglen, "%s", e);
		if (a->refresh_err[0])
			snprintf(msg + strlen(msg), msglen - strlen(msg), "; reading the HMCs "
			         "failed: %s", a->refresh_err);
		return -1;
	}
	if (strlen(a->ih.name) >= STORE_NAME_MAX) {
		snprintf(msg, msglen, "its HMC name '%s' is longer than %d characters",
		         a->ih.name, STORE_NAME_MAX - 1);
		return -1;
	}
	if (a->uuid[0] && strcasecmp(a->ih.name, a->name) != 0) {
		snprintf(msg, msglen, "uuid %s is host '%s' on its HMCs, not '%s'", a->uuid,
		         a->ih.name, a->name);
		return -1;
	}
	if (store_host_get(s, a->ih.name, &h, e, sizeof(e)) == 0) {
		snprintf(msg, msglen, "host '%s' is already added (uuid %s)", h.name, h.uuid);
		return -1;
	}
	if (store_host_get_uuid(s, a->ih.uuid, &h, e, sizeof(e)) == 0) {
		snprintf(msg, msglen, "the host with uuid %s is already added as '%s'",
		         a->ih.uuid, h.name);
		return -1;
	}
	return 0;
}

/* Reads the host's ManagedSystem entry, VIOSs and LPARs from its HMC. */
static void
add_read(struct host_add *a)
{
	static const enum hmc_obj objs[ADD_FEEDS] = {
		HMC_OBJ_MS, HMC_OBJ_VIOS, HMC_OBJ_LPAR
	};
	size_t i;

	a->pending = ADD_FEEDS;
	for (i = 0; i < ADD_FEEDS; i++) {
		struct hmc_read rq = { 0 };

		rq.obj = objs[i];
		rq.host_uuid = a->ih.uuid;
		hmc_read(a->core->hmcs, &rq, add_feed_cb, a);
	}
}

static void
add_refreshed_cb(void *arg, const char *err)
{
	struct host_add *a = arg;
	char msg[1600];

	a->refreshed = 1;
	if (err)
		snprintf(a->refresh_err, sizeof(a->refresh_err), "%s", err);
	if (a->core->stopping)
		add_refuse(a, "ksysd is stopping; nothing was changed");
	else if (add_find(a, msg, sizeof(msg)) != 0)
		add_refuse(a, "%s", msg);
	else
		add_read(a);
}

int
cmd_host_add(const struct cmd_source *src, const struct request *r, struct buf *out,
             struct buf *err, const struct cmd_io *io)
{
	struct core *core = cmd_need_core(src, r, err);
	struct store *s = core ? cmd_need_store(src, r, err) : NULL;
	const char *uuid = cmd_attr(r, "uuid");
	struct host_add *a;
	char msg[1600];
	int rc = 1;

	(void)out;
	if (!s)
		return CMD_REFUSED;
	if (r->n_names != 1)
		return cmd_usage(err, "add host takes one NAME (one host per command), got %zu",
		                 r->n_names);
	if (strlen(r->name_v[0]) >= STORE_NAME_MAX)
		return cmd_usage(err, "add host: name '%s' is longer than %d characters",
		                 r->name_v[0], STORE_NAME_MAX - 1);
	if (uuid && strlen(uuid) >= HMC_UUID_LEN)
		return cmd_usage(err, "add host %s: uuid=%s is not a UUID", r->name_v[0], uuid);
	if (!core->inv)
		return cmd_refuse(err, "add host %s: this ksysd keeps no inventory", r->name_v[0]);
	if (core->stopping)
		return cmd_refuse(err, "add host %s: ksysd is stopping", r->name_v[0]);
	a = mem_calloc(1, sizeof(*a));
	a->core = core;
	snprintf(a->name, sizeof(a->name), "%s", r->name_v[0]);
	if (uuid)
		snprintf(a->uuid, sizeof(a->uuid), "%s", uuid);
	if (inventory_ready(core->inv, NULL))
		rc = add_find(a, msg, sizeof(msg));
	if (rc == -1) {
		add_free(a);
		return cmd_refuse(err, "add host %s: %s", r->name_v[0], msg);
	}
	a->io = *io;
	if (rc == 0)
		add_read(a);
	else    /* not read yet, or not known: maybe new on its HMC; read again */
		inventory_refresh(core->inv, NULL, add_refreshed_cb, a);
	return CMD_PENDING;
}

/* ---- modify, delete ------------------------------------------------------------ */
int
cmd_host_modify(const struct cmd_source *src, const struct request *r, struct buf *out,
                struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	const char *ha = cmd_attr(r, "ha_monitor");
	const char *speed = cmd_attr(r, "vm_failure_detection_speed");
	struct store_host h;
	char e[512], what[128];
	size_t k;
	int rc;

	if (!s)
		return CMD_REFUSED;
	if (r->n_attrs == 0)
		return cmd_usage(err, "modify host needs ha_monitor=enable|disable and/or "
		                 "vm_failure_detection_speed=fast|normal|slow");
	for (k = 0; k < r->n_names; k++)
		if ((rc = get_host(s, "modify host", r->name_v[k], &h, err)) != CMD_OK)
			return rc;
	if (store_begin(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "modify host: %s", e);
	for (k = 0; k < r->n_names; k++) {
		if (store_host_get(s, r->name_v[k], &h, e, sizeof(e)) == -1)
			return cmd_abort_tx(s, err, "modify host", e);
		if (ha)
			snprintf(h.ha_monitor, sizeof(h.ha_monitor), "%s", ha);
		if (speed)
			snprintf(h.vm_failure_detection_speed,
			         sizeof(h.vm_failure_detection_speed), "%s", speed);
		if (store_host_put(s, &h, STORE_UPDATE, e, sizeof(e)) == -1)
			return cmd_abort_tx(s, err, "modify host", e);
	}
	if (store_commit(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "modify host: %s", e);
	for (k = 0; k < r->n_names; k++) {
		snprintf(what, sizeof(what), "Host %s", r->name_v[k]);
		cmd_modified_line(out, what, r);
	}
	return CMD_OK;
}

int
cmd_host_delete(const struct cmd_source *src, const struct request *r, struct buf *out,
                struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct store_host h;
	char e[512];
	size_t k;
	int rc;

	if (!s)
		return CMD_REFUSED;
	for (k = 0; k < r->n_names; k++) {
		if ((rc = get_host(s, "delete host", r->name_v[k], &h, err)) != CMD_OK)
			return rc;
		if (h.host_group[0])
			return cmd_refuse(err, "delete host: host '%s' is in host group '%s'; take "
			                  "it out first ('ksysmgr modify host_group %s hosts=%s "
			                  "policy=delete') or delete the host group", h.name,
			                  h.host_group, h.host_group, h.name);
	}
	if (store_begin(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "delete host: %s", e);
	for (k = 0; k < r->n_names; k++)
		if (store_host_delete(s, r->name_v[k], e, sizeof(e)) == -1)
			return cmd_abort_tx(s, err, "delete host", e);
	if (store_commit(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "delete host: %s", e);
	for (k = 0; k < r->n_names; k++) {
		log_msg(LOGL_INFO, "cmd", "event=host_deleted host=%s", r->name_v[k]);
		buf_printf(out, "Host %s deleted successfully\n", r->name_v[k]);
	}
	return CMD_OK;
}

/* ---- query ----------------------------------------------------------------------- */
#define HOST_FIELDS     8
#define HOST_VFIELDS    3

struct host_walk {
	struct store *s;
	struct inventory *inv;
	const struct request *r;
	char sys_speed[16];
	struct buf *out;
	size_t n;
};

struct part_walk {
	const char *host;
	struct buf b;
	size_t n;
};

static int
vios_of_cb(const struct store_vios *v, void *arg)
{
	struct part_walk *pw = arg;

	if (strcmp(v->host, pw->host) == 0)
		buf_printf(&pw->b, "%s%s", pw->n++ ? "\n" : "", v->name);
	return 0;
}

static int
vm_of_cb(const struct store_vm *v, void *arg)
{
	struct part_walk *pw = arg;

	if (strcmp(v->host, pw->host) == 0)
		pw->n++;
	return 0;
}

static int
host_rec_cb(const struct store_host *h, void *arg)
{
	struct host_walk *w = arg;
	struct part_walk vios = { h->name, { 0 }, 0 }, vms = { h->name, { 0 }, 0 };
	struct cmd_field f[HOST_FIELDS + HOST_VFIELDS];
	struct store_host_group g;
	struct inv_host ih;
	struct buf one = { 0 };
	char hmcs[256], nvms[16], e[256];
	const char *ha, *speed, *state = h->state[0] ? h->state : "unknown";
	int json = w->r->json, known = 0, grouped;
	size_t i, n = HOST_FIELDS;

	if (w->r->n_names && !cmd_has_name(w->r, h->name))
		return 0;
	grouped = h->host_group[0] &&
	          store_host_group_get(w->s, h->host_group, &g, e, sizeof(e)) == 0;
	if (w->inv && h->uuid[0] && inventory_find_host(w->inv, h->uuid, &ih, e,
	                                                sizeof(e)) == 0)
		known = 1;
	/* the HMCs that manage it now, else as stored */
	snprintf(hmcs, sizeof(hmcs), "%s", known ? ih.hmcs : h->hmcs);
	for (i = 0; hmcs[i]; i++)
		if (hmcs[i] == ',')
			hmcs[i] = '\n';
	if (known && ih.state[0])
		state = ih.state;
	/* the values in effect (effective.h) */
	ha = eff_host_ha_shown(h->ha_monitor, grouped ? g.ha_monitor : NULL);
	speed = eff_vm_speed(NULL, h->vm_failure_detection_speed,
	                     grouped ? g.vm_failure_detection_speed : NULL, w->sys_speed);
	store_vios_list(w->s, vios_of_cb, &vios);
	store_vm_list(w->s, vm_of_cb, &vms);
	snprintf(nvms, sizeof(nvms), "%zu", vms.n);
	f[0] = (struct cmd_field){ "Name", h->name, 0 };
	f[1] = (struct cmd_field){ "UUID", h->uuid, 0 };
	f[2] = (struct cmd_field){ "FspIp", h->fsp_ip[0] || json ? h->fsp_ip :
	                           "Must run discovery first to populate", 0 };
	f[3] = (struct cmd_field){ "Host_group", h->host_group[0] || json ? h->host_group :
	                           "No host_group defined", 0 };
	f[4] = (struct cmd_field){ "VIOS", buf_str(&vios.b), 2 };
	f[5] = (struct cmd_field){ "HMCs", hmcs, 2 };
	f[6] = (struct cmd_field){ "HA_monitor", ha, 0 };
	f[7] = (struct cmd_field){ "VM_failure_detection_speed", speed, 0 };
	if (w->r->verbose) {
		f[8] = (struct cmd_field){ "MTMS", h->mtms, 0 };
		f[9] = (struct cmd_field){ "State", state, 0 };
		f[10] = (struct cmd_field){ "VMs", nvms, 1 };
		n += HOST_VFIELDS;
	}
	cmd_put_records(&one, json, f, n, 1, CMD_KV_WIDTH);
	cmd_append_record(w->out, &one, json, (int)w->n++);
	buf_free(&one);
	buf_free(&vios.b);
	return 0;
}

int
cmd_host_query(const struct cmd_source *src, const struct request *r, struct buf *out,
               struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	struct host_walk w;
	struct store_host h;
	char e[256];
	size_t k;
	int rc;

	if (!s)
		return CMD_REFUSED;
	for (k = 0; k < r->n_names; k++)
		if ((rc = get_host(s, "query host", r->name_v[k], &h, err)) != CMD_OK)
			return rc;
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.inv = src->core ? src->core->inv : NULL;
	w.r = r;
	w.out = out;
	if (store_sys_get(s, "vm_failure_detection_speed", w.sys_speed, sizeof(w.sys_speed),
	                  e, sizeof(e)) == -1)
		w.sys_speed[0] = '\0';
	store_host_list(s, host_rec_cb, &w);
	if (r->json)
		buf_puts(out, w.n ? "]\n" : "[]\n");
	else if (!w.n)
		buf_puts(out, "No host is added; 'ksysmgr query hmc' lists the hosts each "
		         "HMC manages, 'ksysmgr add host NAME' adds one\n");
	return CMD_OK;
}
