/* disc_check — verification of a host group and LPM validation on demand
 * (see disc.h): the targets of each VM (the other hosts of its group, its
 * blacklist applied, or only to=), one MigrateValidate job per VM and
 * target, the result in each VM row and the summary.  Not for discovery
 * (disc_scan.c) nor the state machine (disc.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "core.h"
#include "disc_priv.h"
#include "log.h"
#include "mem.h"
#include "store.h"
#include "str.h"

/* ---- verification and LPM validation ---------------------------------------- */
struct blctx {
	struct run *r;
	int *black;                     /* per host index */
};

static int
bl_cb(const char *host, void *arg)
{
	struct blctx *b = arg;
	int i = disc_host_idx(b->r, host);

	if (i >= 0)
		b->black[i] = 1;
	return 0;
}

/* Targets of VM k: the other hosts of its group (only r->to when set), the
 * blacklist applied unless r->to names the target. */
static void
vm_targets(struct run *r, size_t k)
{
	struct dvm *v = &r->vms[k];
	struct blctx b = { r, mem_calloc(r->n_hosts ? r->n_hosts : 1, sizeof(int)) };
	const char *hg = r->hosts[v->host].hg;
	size_t i, others = 0;

	if (!r->to[0])
		store_vm_blacklist_list(disc_store(r), v->name, bl_cb, &b);
	v->targets = mem_calloc(r->n_hosts ? r->n_hosts : 1, sizeof(*v->targets));
	for (i = 0; i < r->n_hosts; i++) {
		if ((int)i == v->host || strcmp(r->hosts[i].hg, hg) != 0)
			continue;
		if (r->to[0] && strcmp(r->hosts[i].name, r->to) != 0)
			continue;
		others++;
		if (!b.black[i])
			v->targets[v->n_targets++] = (int)i;
	}
	if (!v->n_targets)
		buf_printf(&v->err, "%s", others ? "no backup host left (blacklist)" :
		           r->to[0] ? "the target host is the VM's own host" :
		           "no backup host: its host group has no other host");
	free(b.black);
}

static const char *
vword(const struct run *r)
{
	return r->what == DISC_LPM_VALIDATE ? "validation" : "verification";
}

static void
vm_validated(struct run *r, struct dvm *v)
{
	struct store_vm row;
	char e[512];
	int ok = v->n_targets > 0 && !v->err.len;

	if (ok)
		action_printf(r->a, 'P', "\t%s %s has completed", v->name, vword(r));
	else
		action_printf(r->a, 'P', "\tERROR: %s has encountered an error for VM %s",
		              r->what == DISC_LPM_VALIDATE ? "LPM validation" : "Verify", v->name);
	if (!ok) {
		r->failed = 1;
		disc_event(r, r->what == DISC_LPM_VALIDATE ? "VM_LPM_VALIDATE_FAILED" :
		      "VM_VERIFY_FAILED", "warning", "vm", v->name, "%s", buf_str(&v->err));
	}
	if (store_vm_get(disc_store(r), v->name, &row, e, sizeof(e)) == -1) {
		log_msg(LOGL_WARN, "disc", "event=vm_result_lost vm=%s error=\"%s\"", v->name, e);
		return;
	}
	if (ok) {
		const char **names = mem_calloc(v->n_targets, sizeof(*names));
		size_t i;

		for (i = 0; i < v->n_targets; i++)
			names[i] = r->hosts[v->targets[i]].name;
		disc_lpm_status(row.lpm_status, sizeof(row.lpm_status), names, v->n_targets);
		free(names);
		row.verify_error[0] = '\0';
	} else {
		str_copy(row.lpm_status, sizeof(row.lpm_status), "Failed");
		str_copy(row.verify_error, sizeof(row.verify_error), buf_str(&v->err));
	}
	if (r->what != DISC_LPM_VALIDATE)
		str_copy(row.state, sizeof(row.state), ok ? "READY_TO_MOVE" : "VERIFY_FAILED");
	row.verified_ms = disc_wall_ms();
	if (store_vm_put(disc_store(r), &row, STORE_UPDATE, e, sizeof(e)) == -1)
		log_msg(LOGL_WARN, "disc", "event=vm_result_lost vm=%s error=\"%s\"", v->name, e);
}

static void
task_cb_job(void *arg, const struct hmc_error *err, const struct hmc_job_reply *reply)
{
	struct task *t = arg;
	struct run *r = t->run;
	struct dvm *v = &r->vms[t->vm];
	const char *target = r->hosts[t->target].name;
	char e[1024];

	r->pending--;
	if (disc_stopping(r, err)) {
		disc_advance(r);
		return;
	}
	if (err) {
		disc_hmc_err(e, sizeof(e), err, reply);
		buf_printf(&v->err, "%sto %s: %s", v->err.len ? "\n" : "", target, e);
		log_msg(LOGL_NOTICE, "disc", "event=validate_failed vm=%s target=%s "
		        "error=\"%s\"", v->name, target, e);
	}
	if (++v->n_done == v->n_targets)
		vm_validated(r, v);
	disc_advance(r);
}

void
disc_check_launch(struct run *r, struct task *t)
{
	struct dvm *v = &r->vms[t->vm];
	struct dhost *target = &r->hosts[t->target];
	struct hmc_param params[2];
	struct hmc_job_spec spec;

	if (!v->started) {
		v->started = 1;
		action_printf(r->a, 'P', "\t%s %s has started", v->name, vword(r));
	}
	params[0].name = (char *)"TargetManagedSystemName";
	params[0].value = target->name;
	params[1].name = (char *)"TargetManagedSystemUUID";
	params[1].value = target->uuid;
	memset(&spec, 0, sizeof(spec));
	spec.group = "LogicalPartition";
	spec.target_uuid = v->uuid;
	spec.operation = "MigrateValidate";
	spec.params = params;
	spec.n_params = 2;
	spec.host_uuid = r->hosts[v->host].uuid;
	r->pending++;
	hmc_job_run(r->d->core->hmcs, &spec, NULL, task_cb_job, t);
}

/* Builds the tasks of a verification or validation (VMs already loaded). */
void
disc_check_start(struct run *r)
{
	size_t i, k, n = 0;

	r->phase = PH_VALIDATE;
	for (i = 0; i < r->n_vms; i++) {
		/* A powered-off VM is not restarted by ksys, so the verification of
		 * a group skips it (an explicit `lpm ... action=validate` does not). */
		if (r->what != DISC_LPM_VALIDATE && r->vms[i].inactive) {
			r->vms[i].skipped = 1;
			continue;
		}
		if (!r->vms[i].uuid[0])
			buf_printf(&r->vms[i].err, "the VM has no UUID (run discovery first)");
		else
			vm_targets(r, i);
		n += r->vms[i].n_targets;
	}
	free(r->tasks);
	r->tasks = mem_calloc(n ? n : 1, sizeof(*r->tasks));
	r->n_tasks = r->next_task = 0;
	for (i = 0; i < r->n_vms; i++) {
		if (r->vms[i].skipped) {
			action_printf(r->a, 'P', "\t%s is not activated; its verification is "
			              "skipped", r->vms[i].name);
			continue;
		}
		if (!r->vms[i].n_targets) {
			action_printf(r->a, 'P', "\t%s %s has started", r->vms[i].name, vword(r));
			vm_validated(r, &r->vms[i]);
			continue;
		}
		for (k = 0; k < r->vms[i].n_targets; k++) {
			struct task *t = &r->tasks[r->n_tasks++];
			t->run = r;
			t->vm = i;
			t->target = r->vms[i].targets[k];
		}
	}
}

/* Verification of the group: hosts and VMs read again from the store. */
void
disc_check_group(struct run *r)
{
	disc_hosts_clear(r);
	r->n_hosts = disc_group_hosts(disc_store(r), r->hg, &r->hosts);
	for (size_t i = 0; i < r->n_hosts; i++)
		r->hosts[i].run = r;
	disc_load_vms(r);
	action_printf(r->a, 'O', "%sHost_group verification started for %s",
	              r->what == DISC_DISCOVER ? "\n" : "", r->hg);
	disc_check_start(r);
}

void
disc_check_summary(struct run *r)
{
	size_t i, ok = 0, skipped = 0, n;
	int lpm = r->what == DISC_LPM_VALIDATE;

	for (i = 0; i < r->n_vms; i++) {
		if (r->vms[i].skipped)
			skipped++;
		else if (r->vms[i].n_targets && !r->vms[i].err.len)
			ok++;
	}
	n = r->n_vms - skipped;
	if (lpm)
		action_printf(r->a, 'O', "LPM validation has finished for %s", r->object);
	else
		action_printf(r->a, 'O', "Verification has finished for %s", r->hg);
	action_printf(r->a, 'O', "%zu out of %zu VMs have been successfully %s", ok,
	              n, lpm ? "validated" : "verified");
	if (skipped) {
		action_printf(r->a, 'O', "Not activated, not verified:");
		for (i = 0; i < r->n_vms; i++)
			if (r->vms[i].skipped)
				action_printf(r->a, 'O', "\t%s", r->vms[i].name);
	}
	if (ok < n) {
		action_printf(r->a, 'O', "%s VMs:", lpm ? "Unvalidated" : "Unverified");
		for (i = 0; i < r->n_vms; i++)
			if (!r->vms[i].skipped && (!r->vms[i].n_targets || r->vms[i].err.len))
				action_printf(r->a, 'O', "\t%s", r->vms[i].name);
		for (i = 0; i < r->n_vms; i++)
			if (!r->vms[i].skipped && (!r->vms[i].n_targets || r->vms[i].err.len))
				action_printf(r->a, 'O', "\nFollowing error is returned for VM %s:\n%s",
				              r->vms[i].name, buf_str(&r->vms[i].err));
	}
	if (r->failed)
		action_printf(r->a, 'O', "\nPlease review the error(s) and take any "
		              "corrective actions");
	if (lpm) {
		disc_event(r, "LPM_VALIDATE_COMPLETED", ok < n ? "warning" : "info", "vm",
		      r->object, "%zu out of %zu VMs validated", ok, n);
	} else {
		struct store_host_group g;
		char e[256];
		if (store_host_group_get(disc_store(r), r->hg, &g, e, sizeof(e)) == 0) {
			g.verified_ms = disc_wall_ms();
			if (store_host_group_put(disc_store(r), &g, STORE_UPDATE, e, sizeof(e)) == -1)
				log_msg(LOGL_ERROR, "disc", "event=hg_update_failed hg=%s "
				        "error=\"%s\"", r->hg, e);
		}
		disc_event(r, "HG_VERIFY_COMPLETED", ok < n ? "warning" : "info",
		      "host_group", r->hg, "%zu out of %zu VMs verified (%zu not activated)",
		      ok, n, skipped);
	}
	log_msg(ok < n ? LOGL_WARN : LOGL_INFO, "disc", "event=%s_finished "
	        "object=\"%s\" vms=%zu ok=%zu skipped=%zu", lpm ? "lpm_validate" :
	        "verification", lpm ? r->object : r->hg, n, ok, skipped);
}

