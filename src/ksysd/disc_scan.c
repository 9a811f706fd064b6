/* disc_scan — the phases of a discovery (see disc.h, disc.c for the state
 * machine): the reads of each host, the reconciliation, the disk check of a
 * first discovery, the VIOS preparation and HA monitoring pass-through
 * requests (with failover between a host's VIOSs), the per-VM
 * configuration reads and the summary.  Not for verification (disc_check.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "action.h"
#include "core.h"
#include "disc_priv.h"
#include "hmcxml.h"
#include "log.h"
#include "mem.h"
#include "recon.h"
#include "store.h"
#include "vios.h"
#include "str.h"

/* HMCs managing host_uuid, in name order, comma-separated; "" if none known. */
static void
host_hmcs(struct core *c, const char *host_uuid, char *out, size_t len)
{
	size_t i, j, n = hmc_set_count(c->hmcs), k = 0;
	const char **names = mem_calloc(n ? n : 1, sizeof(*names));
	struct hmc_status s;
	struct buf b = { 0 };

	for (i = 0; i < n; i++)
		if (hmc_set_status(c->hmcs, i, &s) == 0 &&
		    hmc_set_manages(c->hmcs, s.name, host_uuid)) {
			for (j = k; j > 0 && strcmp(names[j - 1], s.name) > 0; j--)
				names[j] = names[j - 1];
			names[j] = s.name;
			k++;
		}
	for (i = 0; i < k; i++)
		buf_printf(&b, "%s%s", i ? "," : "", names[i]);
	str_copy(out, len, buf_str(&b));
	buf_free(&b);
	free(names);
}

/* ---- the disk check of a first discovery ----------------------------------- */
struct viosrow {
	struct run *r;
	int bad;
	int checked;
	char repo[128], ha[128];
};

static int
pv_seen(const struct dhost *h, const char *vios_uuid, const char *udid, int *any)
{
	size_t i;

	for (i = 0; i < h->n_pvs; i++) {
		if (strcasecmp(h->pvs[i].vios_uuid, vios_uuid) != 0)
			continue;
		*any = 1;
		if (strcmp(h->pvs[i].udid, udid) == 0)
			return 1;
	}
	return 0;
}

static int
disk_vios_cb(const struct store_vios *v, void *arg)
{
	struct viosrow *vr = arg;
	struct run *r = vr->r;
	int i = disc_host_idx(r, v->host), any = 0, repo, ha;

	if (i < 0 || !v->managed)
		return 0;
	repo = pv_seen(&r->hosts[i], v->uuid, vr->repo, &any);
	ha = pv_seen(&r->hosts[i], v->uuid, vr->ha, &any);
	if (!any)
		return 0;               /* the HMC lists no disk for it: not checked */
	vr->checked++;
	if (!repo)
		action_printf(r->a, 'P', "\tERROR: repository disk %s is not visible on "
		              "VIOS %s", vr->repo, v->name);
	if (!ha)
		action_printf(r->a, 'P', "\tERROR: HA disk %s is not visible on VIOS %s",
		              vr->ha, v->name);
	if (!repo || !ha)
		vr->bad = 1;
	return 0;
}

/* repo_disk and ha_disk must be seen by every managed VIOS of the group.
 * ksys creates no SSP itself: the Redbook's lines frame the check of the
 * disks the VIOSs keep the health database on. */
static int
disk_check(struct run *r)
{
	struct store_host_group g;
	struct viosrow vr;
	char e[512];

	if (store_host_group_get(disc_store(r), r->hg, &g, e, sizeof(e)) == -1) {
		action_printf(r->a, 'P', "\tERROR: %s", e);
		return -1;
	}
	action_printf(r->a, 'P', "\tSSP creation started for Host_group %s", r->hg);
	if (!g.repo_disk[0] || !g.ha_disk[0]) {
		action_printf(r->a, 'P', "\tERROR: host group %s has no %s; set it with "
		              "'ksysmgr modify host_group %s %s=ViodiskID' (see 'ksysmgr "
		              "query viodisk')", r->hg, g.repo_disk[0] ? "ha_disk" : "repo_disk",
		              r->hg, g.repo_disk[0] ? "ha_disk" : "repo_disk");
		return -1;
	}
	memset(&vr, 0, sizeof(vr));
	vr.r = r;
	str_copy(vr.repo, sizeof(vr.repo), g.repo_disk);
	str_copy(vr.ha, sizeof(vr.ha), g.ha_disk);
	store_vios_list(disc_store(r), disk_vios_cb, &vr);
	if (!vr.checked)
		log_msg(LOGL_NOTICE, "disc", "event=disk_check_skipped hg=%s msg=\"the HMC "
		        "lists no physical volume of any VIOS\"", r->hg);
	if (vr.bad) {
		action_printf(r->a, 'P', "\tERROR: SSP creation failed for Host_group %s",
		              r->hg);
		return -1;
	}
	action_printf(r->a, 'P', "\tSSP creation completed for Host_group %s", r->hg);
	return 0;
}

/* ---- pass-through requests of a host (ADD_MS, ADD_VM, START_VM) ----------- */
static const char *
step_name(enum pt_step s)
{
	return s == PT_ADD_MS ? "VIO_HS_ADD_MS" : s == PT_ADD_VM ? "VIO_HS_ADD_VM"
	                                         : "VIO_HS_START_VM";
}

static void pt_cb(void *arg, const struct hmc_error *err,
                  const struct hmc_passthru_result *res);

static void
pt_send(struct dhost *h)
{
	struct run *r = h->run;

	r->pending++;
	log_msg(LOGL_INFO, "disc", "event=passthru_submit host=%s vios=%s request=%s",
	        h->name, h->cand_name[h->cur], step_name(h->step));
	hmc_passthru(r->d->core->hmcs, h->cand[h->cur], h->cand_host[h->cur],
	             buf_str(&h->req), 0, pt_cb, h);
}

/* The VM request of the current step for the host's monitored VMs. */
static void
pt_vm_request(struct dhost *h)
{
	struct run *r = h->run;
	struct vios_mtms m;
	const char **uuids = mem_calloc(h->n_mon ? h->n_mon : 1, sizeof(*uuids));
	size_t i;

	memset(&m, 0, sizeof(m));
	str_copy(m.machine_type, sizeof(m.machine_type), h->ms->mtms.type);
	str_copy(m.model, sizeof(m.model), h->ms->mtms.model);
	str_copy(m.serial, sizeof(m.serial), h->ms->mtms.serial);
	for (i = 0; i < h->n_mon; i++)
		uuids[i] = r->vms[h->mon[i]].uuid;
	buf_reset(&h->req);
	if (h->step == PT_ADD_VM)
		vios_req_add_vm(&h->req, &m, uuids, h->n_mon);
	else
		vios_req_start_vm(&h->req, &m, uuids, h->n_mon);
	free(uuids);
}

/* 0 when the pass-through worked, else -1 with e. */
static int
pt_result(const struct dhost *h, const struct hmc_error *err,
          const struct hmc_passthru_result *res, char *e, size_t elen)
{
	struct vios_action_reply ar;
	char what[128], pe[512];

	if (err) {
		const struct hmc_job_reply *rep = res ? res->reply : NULL;
		size_t n;

		disc_hmc_err(e, elen, err, rep);
		n = strlen(e);
		if (res && res->std_err && *res->std_err &&
		    !(rep && rep->error && strstr(rep->error, res->std_err)))
			snprintf(e + n, elen - n, " StdError: %s", res->std_err);
		return -1;
	}
	if (res->cmd_rc > 0) {
		snprintf(e, elen, "the VIOS command ended with return code %d: %s", res->cmd_rc,
		         *res->std_err ? res->std_err : res->std_out);
		return -1;
	}
	snprintf(what, sizeof(what), "%s reply from VIOS %s", step_name(h->step),
	         h->cand_name[h->cur]);
	if (vios_parse_action(res->std_out, strlen(res->std_out), what, &ar, pe,
	                      sizeof(pe)) == -1) {
		snprintf(e, elen, "%s", pe);
		return -1;
	}
	return 0;
}

static void
pt_step_failed(struct dhost *h)
{
	struct run *r = h->run;
	size_t i;

	r->failed = 1;
	if (h->step == PT_ADD_MS) {
		h->prepared = -1;
		action_printf(r->a, 'P', "\tERROR: Preparing VIOS in %s for HA management "
		              "failed: %s", h->name, h->pt_err);
		disc_event(r, "HOST_PREPARE_FAILED", "warning", "host", h->name,
		      "VIO_HS_ADD_MS failed on every VIOS: %s", h->pt_err);
		return;
	}
	for (i = 0; i < h->n_mon; i++) {
		struct dvm *v = &r->vms[h->mon[i]];
		v->mon = -1;
		action_printf(r->a, 'P', "\tERROR: Starting HA monitoring for VM %s failed: "
		              "%s", v->name, h->pt_err);
		buf_printf(&v->err, "%s%s failed: %s", v->err.len ? "\n" : "",
		           step_name(h->step), h->pt_err);
		disc_event(r, "VM_MONITOR_START_FAILED", "warning", "vm", v->name, "%s failed: %s",
		      step_name(h->step), h->pt_err);
	}
}

static void
pt_cb(void *arg, const struct hmc_error *err, const struct hmc_passthru_result *res)
{
	struct dhost *h = arg;
	struct run *r = h->run;
	char e[1024];
	size_t i, n;

	r->pending--;
	if (disc_stopping(r, err)) {
		disc_advance(r);
		return;
	}
	if (pt_result(h, err, res, e, sizeof(e)) == -1) {
		log_msg(LOGL_WARN, "disc", "event=passthru_failed host=%s vios=%s request=%s "
		        "error=\"%s\"", h->name, h->cand_name[h->cur], step_name(h->step), e);
		n = strlen(h->pt_err);
		snprintf(h->pt_err + n, sizeof(h->pt_err) - n, "%sVIOS %s: %s", n ? "; " : "",
		         h->cand_name[h->cur], e);
		if (++h->tries < h->n_cand) {
			h->cur = (h->cur + 1) % h->n_cand;      /* fail over */
			pt_send(h);
		} else {
			pt_step_failed(h);
		}
		disc_advance(r);
		return;
	}
	h->pt_err[0] = '\0';
	h->tries = 0;
	switch (h->step) {
	case PT_ADD_MS:
		h->prepared = 1;
		action_printf(r->a, 'P', "\tVIOS in %s prepared for HA management", h->name);
		break;
	case PT_ADD_VM:
		h->step = PT_START_VM;
		pt_vm_request(h);
		pt_send(h);
		break;
	case PT_START_VM:
		for (i = 0; i < h->n_mon; i++) {
			struct dvm *v = &r->vms[h->mon[i]];
			v->mon = 1;
			action_printf(r->a, 'P', "\tHA monitoring for VM %s started successfully",
			              v->name);
		}
		break;
	}
	disc_advance(r);
}

/* The requests of every host of a group go to one designated VIOS, the
 * first managed VIOS of the group (by name) that its host's feed shows
 * running, and fail over to the next ones: the Host Monitors of a group share
 * one health database, which any of its VIOSs answers for (spec/B §12), and
 * KSYS talks to the group through one VIOS.  The ADD_MS viosList holds the
 * host's own managed VIOSs. */
struct cand_ctx {
	struct dhost *h;
	struct vios_hm hm[MAX_CAND];
	size_t n_hm;
};

static int
cand_cb(const struct store_vios *v, void *arg)
{
	struct cand_ctx *cc = arg;
	struct dhost *h = cc->h;
	struct run *r = h->run;
	int j = disc_host_idx(r, v->host);
	size_t i;

	if (j < 0 || !v->managed || !v->uuid[0])
		return 0;
	if (strcmp(v->host, h->name) == 0 && cc->n_hm < MAX_CAND) {
		struct vios_hm *m = &cc->hm[cc->n_hm++];
		str_copy(m->uuid, sizeof(m->uuid), v->uuid);
		m->is_hm = 1;
		m->part_num = v->part_id;
		m->mac[0] = '\0';       /* not in the HMC's VIOS feed: sent empty */
	}
	for (i = 0; i < r->hosts[j].n_vioses; i++)
		if (strcasecmp(r->hosts[j].vioses[i].uuid, v->uuid) == 0 &&
		    strcmp(r->hosts[j].vioses[i].state, "running") == 0 && h->n_cand < MAX_CAND) {
			str_copy(h->cand[h->n_cand], sizeof(h->cand[0]), v->uuid);
			str_copy(h->cand_name[h->n_cand], sizeof(h->cand_name[0]), v->name);
			str_copy(h->cand_host[h->n_cand], sizeof(h->cand_host[0]),
			         r->hosts[j].uuid);
			h->n_cand++;
		}
	return 0;
}

static void
prepare_host(struct dhost *h)
{
	struct run *r = h->run;
	struct cand_ctx cc;
	struct vios_mtms m;

	memset(&cc, 0, sizeof(cc));
	cc.h = h;
	h->n_cand = h->cur = h->tries = 0;
	h->pt_err[0] = '\0';
	store_vios_list(disc_store(r), cand_cb, &cc);
	action_printf(r->a, 'P', "\tPreparing VIOS in %s for HA management", h->name);
	h->step = PT_ADD_MS;
	if (!cc.n_hm || !h->n_cand) {
		snprintf(h->pt_err, sizeof(h->pt_err), "%s", !cc.n_hm ?
		         "the host has no managed VIOS" : "no managed VIOS of the group is running");
		pt_step_failed(h);
		return;
	}
	memset(&m, 0, sizeof(m));
	str_copy(m.machine_type, sizeof(m.machine_type), h->ms->mtms.type);
	str_copy(m.model, sizeof(m.model), h->ms->mtms.model);
	str_copy(m.serial, sizeof(m.serial), h->ms->mtms.serial);
	buf_reset(&h->req);
	vios_req_add_ms(&h->req, &m, cc.hm, cc.n_hm);
	pt_send(h);
}

/* ---- discovery: reads and reconciliation ----------------------------------- */
static void
read_cb(void *arg, const struct hmc_error *err, struct hmc_feed *f)
{
	struct dhost *h = arg;
	struct run *r = h->run;

	r->pending--;
	if (disc_stopping(r, err)) {
		disc_advance(r);
		return;
	}
	if (err) {
		if (!h->err[0])
			snprintf(h->err, sizeof(h->err), "%s: %s", hmc_errc_name(err->code),
			         err->msg);
	} else if (f->obj == HMC_OBJ_MS) {
		if (f->n >= 1) {
			h->ms = f->ms;
			f->ms = NULL;
			for (size_t i = 1; i < f->n; i++)
				hmc_ms_clear(&h->ms[i]);        /* keep one entry */
		} else if (!h->err[0]) {
			snprintf(h->err, sizeof(h->err), "the HMC returned no ManagedSystem entry");
		}
	} else if (f->obj == HMC_OBJ_VIOS) {
		h->vioses = f->lpars;
		h->n_vioses = f->n;
		f->lpars = NULL;
		h->pvs = f->pvs;
		h->n_pvs = f->n_pvs;
		f->pvs = NULL;
	} else {
		h->lpars = f->lpars;
		h->n_lpars = f->n;
		f->lpars = NULL;
	}
	disc_advance(r);
}

void
disc_scan_read_hosts(struct run *r)
{
	static const enum hmc_obj objs[] = { HMC_OBJ_MS, HMC_OBJ_VIOS, HMC_OBJ_LPAR };
	size_t i, k;

	r->phase = PH_READ;
	for (i = 0; i < r->n_hosts; i++)
		for (k = 0; k < sizeof(objs) / sizeof(objs[0]); k++) {
			struct hmc_read rq = { 0 };
			rq.obj = objs[k];
			rq.host_uuid = r->hosts[i].uuid;
			r->pending++;
			hmc_read(r->d->core->hmcs, &rq, read_cb, &r->hosts[i]);
		}
}

static void
change_cb(void *arg, const struct recon_change *c)
{
	struct run *r = arg;
	char text[512];

	recon_change_text(c, text, sizeof(text));
	action_printf(r->a, 'P', "\t%s", text);
	disc_event(r, c->what == RECON_CONFLICT ? "INVENTORY_CONFLICT" : "INVENTORY_CHANGE",
	           c->what == RECON_CONFLICT ? "warning" : "info",
	           c->is_vios ? "vios" : "vm", c->name, "%s", text);
	r->n_changes++;
}

/* After the reads: reconcile, check the disks (first time), prepare. */
void
disc_scan_reads_done(struct run *r)
{
	struct recon_host *rh = mem_calloc(r->n_hosts, sizeof(*rh));
	char (*hmcs)[256] = mem_calloc(r->n_hosts, sizeof(*hmcs));
	char e[1024];
	size_t i;
	int bad = 0;

	for (i = 0; i < r->n_hosts; i++) {
		struct dhost *h = &r->hosts[i];
		if (!h->err[0] && !h->ms)
			snprintf(h->err, sizeof(h->err), "no ManagedSystem entry was read");
		if (h->err[0]) {
			action_printf(r->a, 'P', "\tERROR: reading host %s from the HMC failed: %s",
			              h->name, h->err);
			bad = 1;
			continue;
		}
		host_hmcs(r->d->core, h->uuid, hmcs[i], sizeof(hmcs[i]));
		rh[i].name = h->name;
		rh[i].ms = h->ms;
		rh[i].vioses = h->vioses;
		rh[i].n_vioses = h->n_vioses;
		rh[i].lpars = h->lpars;
		rh[i].n_lpars = h->n_lpars;
		rh[i].hmcs = hmcs[i][0] ? hmcs[i] : NULL;
	}
	if (bad) {
		/* all or nothing: a VM seen moving to an unread host must not be
		 * taken for removed */
		r->disc_failed = r->failed = 1;
		goto out;
	}
	if (recon_hosts(disc_store(r), rh, r->n_hosts, change_cb, r, e, sizeof(e)) == -1) {
		action_printf(r->a, 'P', "\tERROR: recording what the HMC reports failed: %s",
		              e);
		r->disc_failed = r->failed = 1;
		goto out;
	}
	r->recorded = 1;
	if (r->first && disk_check(r) == -1) {
		r->disc_failed = r->failed = 1;
		goto out;
	}
	r->phase = PH_PREPARE;
	for (i = 0; i < r->n_hosts; i++)
		prepare_host(&r->hosts[i]);
out:
	free(rh);
	free(hmcs);
}

static void
task_cb_read(void *arg, const struct hmc_error *err, struct hmc_feed *f)
{
	struct task *t = arg;
	struct run *r = t->run;
	struct dvm *v = &r->vms[t->vm];
	char e[1024];

	r->pending--;
	if (disc_stopping(r, err)) {
		disc_advance(r);
		return;
	}
	if (!err && f->n == 1) {
		struct store_vm row;
		v->disc = 1;
		if (store_vm_get(disc_store(r), v->name, &row, e, sizeof(e)) == 0) {
			str_copy(row.lpar_state, sizeof(row.lpar_state), f->lpars[0].state);
			row.part_id = f->lpars[0].id;
			if (store_vm_put(disc_store(r), &row, STORE_UPDATE, e, sizeof(e)) == -1)
				log_msg(LOGL_WARN, "disc", "event=vm_update_failed vm=%s error=\"%s\"",
				        v->name, e);
		}
		action_printf(r->a, 'P', "\tConfiguration information retrieval completed "
		              "for VM %s", v->name);
		action_printf(r->a, 'P', "\tDiscovery for VM %s is complete", v->name);
	} else {
		if (err)
			disc_hmc_err(e, sizeof(e), err, NULL);
		else
			snprintf(e, sizeof(e), "the HMC returned %zu entries", f->n);
		v->disc = -1;
		r->failed = 1;
		buf_printf(&v->err, "%sConfiguration information retrieval failed: %s",
		           v->err.len ? "\n" : "", e);
		action_printf(r->a, 'P', "\tERROR: Configuration information retrieval failed "
		              "for VM %s: %s", v->name, e);
		disc_event(r, "VM_DISCOVERY_FAILED", "warning", "vm", v->name,
		      "configuration information retrieval failed: %s", e);
	}
	disc_advance(r);
}

/* Launches the configuration read of a VM (a task without target). */
void
disc_scan_launch(struct run *r, struct task *t)
{
	struct dvm *v = &r->vms[t->vm];
	struct hmc_read rq = { 0 };

	action_printf(r->a, 'P', "\tDiscovery has started for VM %s", v->name);
	action_printf(r->a, 'P', "\tConfiguration information retrieval started for "
	              "VM %s", v->name);
	rq.obj = HMC_OBJ_LPAR;
	rq.host_uuid = r->hosts[v->host].uuid;
	rq.uuid = v->uuid;
	r->pending++;
	hmc_read(r->d->core->hmcs, &rq, task_cb_read, t);
}

void
disc_scan_vm_reads(struct run *r)
{
	size_t i;

	r->phase = PH_VMREAD;
	disc_load_vms(r);
	r->tasks = mem_calloc(r->n_vms ? r->n_vms : 1, sizeof(*r->tasks));
	for (i = 0; i < r->n_vms; i++) {
		if (!r->vms[i].uuid[0]) {
			r->vms[i].disc = -1;
			r->failed = 1;
			buf_printf(&r->vms[i].err, "the VM has no UUID");
			action_printf(r->a, 'P', "\tERROR: VM %s has no UUID", r->vms[i].name);
			continue;
		}
		r->tasks[r->n_tasks].run = r;
		r->tasks[r->n_tasks].vm = i;
		r->tasks[r->n_tasks].target = -1;
		r->n_tasks++;
	}
}

/* ---- discovery: monitoring ------------------------------------------------------ */
void
disc_scan_monitor(struct run *r)
{
	size_t i;

	r->phase = PH_MONITOR;
	for (i = 0; i < r->n_hosts; i++) {
		struct dhost *h = &r->hosts[i];
		size_t k;

		free(h->mon);
		h->mon = mem_calloc(r->n_vms ? r->n_vms : 1, sizeof(*h->mon));
		h->n_mon = 0;
		for (k = 0; k < r->n_vms; k++)
			if (r->vms[k].host == (int)i && r->vms[k].monitor && r->vms[k].disc == 1)
				h->mon[h->n_mon++] = k;
		if (!h->n_mon)
			continue;
		for (k = 0; k < h->n_mon; k++)
			action_printf(r->a, 'P', "\tStarting HA monitoring for VM %s",
			              r->vms[h->mon[k]].name);
		if (h->prepared != 1) {
			snprintf(h->pt_err, sizeof(h->pt_err), "the VIOSs of host %s are not "
			         "prepared for HA management", h->name);
			h->step = PT_ADD_VM;
			pt_step_failed(h);
			continue;
		}
		h->pt_err[0] = '\0';
		h->tries = 0;
		h->step = PT_ADD_VM;
		pt_vm_request(h);
		pt_send(h);
	}
}

void
disc_scan_summary(struct run *r)
{
	size_t i, ok = 0;
	int all_prepared = 1;
	char e[256];

	for (i = 0; i < r->n_hosts; i++)
		if (r->hosts[i].prepared != 1)
			all_prepared = 0;
	for (i = 0; i < r->n_vms; i++)
		if (r->vms[i].disc == 1 && (!r->vms[i].monitor || r->vms[i].mon == 1))
			ok++;
	if (!r->disc_failed && all_prepared) {
		struct store_host_group g;
		if (store_host_group_get(disc_store(r), r->hg, &g, e, sizeof(e)) == 0) {
			str_copy(g.state, sizeof(g.state), "READY");
			g.discovered_ms = disc_wall_ms();
			if (store_host_group_put(disc_store(r), &g, STORE_UPDATE, e, sizeof(e)) == -1)
				log_msg(LOGL_ERROR, "disc", "event=hg_update_failed hg=%s error=\"%s\"",
				        r->hg, e);
		}
	} else {
		r->disc_failed = 1;
	}
	if (r->failed)
		action_printf(r->a, 'O', "ERROR: Discovery has encountered an error for "
		              "Host_group %s please investigate", r->hg);
	action_printf(r->a, 'O', "Discovery has finished for %s", r->hg);
	action_printf(r->a, 'O', "%zu out of %zu managed VMs have been successfully "
	              "discovered", ok, r->n_vms);
	for (i = 0; i < r->n_vms; i++)
		if (r->vms[i].err.len)
			action_printf(r->a, 'O', "\nFollowing error is returned for VM %s:\n%s",
			              r->vms[i].name, buf_str(&r->vms[i].err));
	if (r->failed && !r->verify)
		action_printf(r->a, 'O', "\nPlease review the error(s) and take any "
		              "corrective actions");
	if (r->disc_failed)
		disc_event(r, "DISCOVERY_FAILED", "warning", "host_group", r->hg,
		      "discovery (%s) failed: %zu out of %zu managed VMs discovered, %d "
		      "change(s); see action %lld", r->origin, ok, r->n_vms, r->n_changes,
		      (long long)action_id(r->a));
	else
		disc_event(r, "DISCOVERY_COMPLETED", r->failed ? "warning" : "info", "host_group",
		      r->hg, "discovery (%s) finished: %zu out of %zu managed VMs discovered, "
		      "%d change(s)", r->origin, ok, r->n_vms, r->n_changes);
	log_msg(r->failed ? LOGL_WARN : LOGL_INFO, "disc", "event=discovery_finished hg=%s "
	        "origin=%s vms=%zu discovered=%zu changes=%d ready=%s", r->hg, r->origin,
	        r->n_vms, ok, r->n_changes, r->disc_failed ? "no" : "yes");
}

