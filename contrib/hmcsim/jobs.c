/* jobs — job lifecycle and side effects of hmcsim (see jobs.h). */
#include "jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cli.h"
#include "feeds.h"
#include "log.h"
#include "loop.h"
#include "passthru.h"
#include "tscale.h"
#include "xmlu.h"

#define GC_AFTER_SECS 3600.0            /* finished, never DELETEd */
#define GC_DELETED_SECS 60.0            /* DELETEd: kept briefly for `show job` */

struct op_def {
	const char *group;
	const char *op;
};

static const struct op_def op_defs[] = {
	{ "LogicalPartition", "PowerOn" },
	{ "LogicalPartition", "PowerOff" },
	{ "LogicalPartition", "RemoteRestart" },
	{ "LogicalPartition", "MigrateValidate" },
	{ "LogicalPartition", "Migrate" },
	{ "VirtualIOServer", "PowerOn" },
	{ "VirtualIOServer", "PowerOff" },
	{ "VirtualIOServer", "PassThroughInterface" },
	{ "ManagementConsole", "CLIRunner" },
};

int
simjob_op_known(const char *group, const char *op)
{
	for (size_t i = 0; i < sizeof op_defs / sizeof op_defs[0]; i++)
		if (strcmp(op_defs[i].group, group) == 0 && strcmp(op_defs[i].op, op) == 0)
			return 1;
	return 0;
}

int
simjob_active(const struct sim_job *j)
{
	return j->status == SIM_JOB_NOT_STARTED || j->status == SIM_JOB_RUNNING;
}

const char *
simjob_param(const struct sim_job *j, const char *name)
{
	for (size_t i = 0; i < j->n_params; i++)
		if (strcasecmp(j->params[i].name, name) == 0)
			return j->params[i].value;
	return NULL;
}

/* A non-empty parameter value, or NULL. */
static const char *
param_set(const struct sim_job *j, const char *name)
{
	const char *v = simjob_param(j, name);
	return v && *v ? v : NULL;
}

static void
add_result(struct sim_job *j, const char *name, const char *value)
{
	if (j->n_results >= sizeof j->results / sizeof j->results[0])
		return;
	struct sim_param *p = &j->results[j->n_results++];
	snprintf(p->name, sizeof p->name, "%s", name);
	p->value = strdup(value ? value : "");
	if (!p->value)
		log_panic(__FILE__, __LINE__, "out of memory");
}

static struct sim_lpar *
target_lpar(struct world *w, struct sim_job *j)
{
	return world_lpar_by_uuid(w, j->target_uuid);
}

static void
progress_prefix(const struct sim_job *j, char *out, size_t len)
{
	if (strcmp(j->operation, "PassThroughInterface") == 0) {
		snprintf(out, len, "PERFORMPASSTHROUGHAPI");
		return;
	}
	size_t i = 0;
	for (; j->operation[i] && i + 1 < len; i++) {
		char ch = j->operation[i];
		out[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
	}
	out[i] = '\0';
}

static void
set_progress(struct sim_job *j, const char *step)
{
	char p[32];             /* operation[32]: fits progress_key with the step */
	if (!step) {
		j->progress_key[0] = '\0';
		return;
	}
	progress_prefix(j, p, sizeof p);
	snprintf(j->progress_key, sizeof j->progress_key, "%s_%s", p, step);
}

static void
arm(struct world *w, struct sim_job *j, double real_secs)
{
	ev_timer_stop(w->loop, &j->timer);
	ev_timer_set(&j->timer, tscale_secs(real_secs), 0.0);
	ev_timer_start(w->loop, &j->timer);
}

/* The job ends; counters, GC timer, log. */
static void
finish(struct world *w, struct sim_job *j, enum sim_job_status st)
{
	j->status = st;
	j->time_completed = loop_epoch_ms();
	if (st == SIM_JOB_COMPLETED_OK)
		w->ctr.jobs_ok++;
	else if (st == SIM_JOB_CANCELED)
		w->ctr.jobs_canceled++;
	else
		w->ctr.jobs_failed++;
	if (st == SIM_JOB_COMPLETED_OK || st == SIM_JOB_COMPLETED_WITH_ERROR)
		set_progress(j, "COMPLETED");
	else
		set_progress(j, NULL);
	log_msg(LOGL_INFO, "job", "event=job_end job=%lld hmc=%s op=%s target=%s status=%s",
	        j->id, j->hmc >= 0 && (size_t)j->hmc < w->n_hmcs ? w->hmcs[j->hmc].name : "?",
	        j->operation, j->target_name, simfeed_job_status_name(j));
	arm(w, j, GC_AFTER_SECS);
}

static void
fail_before(struct world *w, struct sim_job *j, const char *msg)
{
	add_result(j, SIMFEED_EXCEPTION_PARAM, msg);
	finish(w, j, SIM_JOB_FAILED_BEFORE_COMPLETION);
}

static void
complete_error(struct world *w, struct sim_job *j, const char *msg)
{
	add_result(j, "returnCode", "1");
	add_result(j, "result", msg);
	finish(w, j, SIM_JOB_COMPLETED_WITH_ERROR);
}

static struct sim_host *
host_by_uuid_or_name(struct world *w, const char *uuid, const char *name)
{
	if (uuid)
		return world_host_by_uuid(w, uuid);
	if (name)
		return world_host_by_name(w, name);
	return NULL;
}

static int
is_true(const char *v)
{
	return v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static int
in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(v, *list) == 0)
			return 1;
	return 0;
}

/* Checks done when the request is accepted: a missing or bad parameter ends
 * the job FAILED_BEFORE_COMPLETION at once, as a real HMC does.  Returns 0
 * when the job may run, -1 with msg set otherwise. */
static int
check_params(struct world *w, struct sim_hmc *h, struct sim_job *j, char *msg, size_t len)
{
	static const char *const bootmodes[] = { "norm", "sms", "dd", "ds", "of", "pbl", NULL };
	static const char *const offops[] = { "shutdown", "osshutdown", "dumprestart",
	                                      "dumpretry", NULL };
	const char *op = j->operation, *v;

	if (strcmp(op, "PowerOn") == 0) {
		v = param_set(j, "bootmode");
		if (v && !in_list(v, bootmodes)) {
			snprintf(msg, len, "The value '%s' of parameter bootmode is not valid;"
			         " valid values are norm, sms, dd, ds, of, pbl.", v);
			return -1;
		}
	} else if (strcmp(op, "PowerOff") == 0) {
		v = param_set(j, "operation");
		if (v && !in_list(v, offops)) {
			snprintf(msg, len, "The value '%s' of parameter operation is not valid;"
			         " valid values are shutdown, osshutdown, dumprestart, dumpretry.", v);
			return -1;
		}
		v = param_set(j, "immediate");
		if (v && strcasecmp(v, "true") && strcasecmp(v, "false")) {
			snprintf(msg, len, "The value '%s' of parameter immediate is not valid;"
			         " use true or false.", v);
			return -1;
		}
	} else if (strcmp(op, "RemoteRestart") == 0) {
		v = param_set(j, "Operation");
		if (!v) {
			snprintf(msg, len, "The mandatory parameter Operation is missing"
			         " (restart, validate or cleanup).");
			return -1;
		}
		if (strcmp(v, "restart") && strcmp(v, "validate") && strcmp(v, "cleanup")) {
			snprintf(msg, len, "The value '%s' of parameter Operation is not supported;"
			         " use restart, validate or cleanup.", v);
			return -1;
		}
		if (strcmp(v, "cleanup") == 0)
			return 0;
		const char *tu = param_set(j, "targetManagedSystemUUID");
		const char *tn = param_set(j, "targetManagedSystem");
		if (!tu && !tn) {
			snprintf(msg, len, "A target managed system is required: give"
			         " targetManagedSystemUUID or targetManagedSystem.");
			return -1;
		}
		struct sim_host *t = host_by_uuid_or_name(w, tu, tn);
		if (!t || !world_host_managed_by(t, h)) {
			snprintf(msg, len, "HSCL8018 The managed system %s was not found.",
			         tu ? tu : tn);
			return -1;
		}
	} else if (strcmp(op, "Migrate") == 0 || strcmp(op, "MigrateValidate") == 0) {
		const char *tn = param_set(j, "TargetManagedSystemName");
		const char *tu = param_set(j, "TargetManagedSystemUUID");
		if (!tn && !tu) {
			snprintf(msg, len, "The mandatory parameter TargetManagedSystemName is missing.");
			return -1;
		}
		struct sim_host *t = host_by_uuid_or_name(w, tu, tn);
		if (!t || !world_host_managed_by(t, h)) {
			snprintf(msg, len, "HSCL8018 The managed system %s was not found.",
			         tu ? tu : tn);
			return -1;
		}
	} else if (strcmp(op, "PassThroughInterface") == 0) {
		if (!param_set(j, "inputXML")) {
			snprintf(msg, len, "The mandatory parameter inputXML is missing.");
			return -1;
		}
	} else if (strcmp(op, "CLIRunner") == 0) {
		if (!param_set(j, "cmd")) {
			snprintf(msg, len, "The mandatory parameter cmd is missing.");
			return -1;
		}
	}
	return 0;
}

/* RemoteRestart Operation=validate: the checks of world_remote_restart()
 * (the rrstartlpar precondition) without its effect, with the same codes.
 * 0, or -1 with an HSCL-coded msg. */
static int
rr_validate(struct world *w, struct sim_lpar *l, struct sim_host *t, char *msg, size_t len)
{
	struct sim_host *src = (l->host >= 0 && (size_t)l->host < w->n_hosts)
	                       ? &w->hosts[l->host] : NULL;
	if (l->is_vios || !l->srr_capable) {
		snprintf(msg, len, "HSCLA9E2 The partition %s is not capable of simplified"
		         " remote restart.", l->name);
		return -1;
	}
	if (src == t) {
		snprintf(msg, len, "HSCLA9E3 The partition %s is already on the managed system"
		         " %s.", l->name, t->name);
		return -1;
	}
	if (src && src->state == SIM_HOST_OPERATING) {
		snprintf(msg, len, "HSCLA9E1 The partition %s cannot be remote restarted because"
		         " the source managed system %s is in the %s state. The source managed"
		         " system must be in the Power Off, Power Off In Progress, Error,"
		         " Initializing or No Connection state.", l->name, src->name,
		         world_host_state_name(src->state));
		return -1;
	}
	if (t->state != SIM_HOST_OPERATING) {
		snprintf(msg, len, "HSCL0A99 The destination managed system %s is in the %s"
		         " state. It must be in the operating state.", t->name,
		         world_host_state_name(t->state));
		return -1;
	}
	if (l->stale_host >= 0 && l->stale_host != t->idx) {
		snprintf(msg, len, "HSCLA9E4 The partition %s has stale remote restart data on"
		         " the managed system %s; run the cleanup operation first.", l->name,
		         w->hosts[l->stale_host].name);
		return -1;
	}
	if ((long long)(l->proc_desired * 100 + 0.5)
	    > (long long)(world_host_proc_avail(w, t) * 100 + 0.5)) {
		snprintf(msg, len, "HSCL0B22 There are not enough processing units available on"
		         " the managed system %s for the partition %s.", t->name, l->name);
		return -1;
	}
	if (world_host_mem_avail(w, t) < l->mem_desired_mb) {
		snprintf(msg, len, "HSCL0B23 There is not enough memory available on the"
		         " managed system %s for the partition %s.", t->name, l->name);
		return -1;
	}
	return 0;
}

static void
run_passthrough(struct world *w, struct sim_job *j, struct sim_lpar *l)
{
	struct sim_host *host = (l->host >= 0 && (size_t)l->host < w->n_hosts)
	                        ? &w->hosts[l->host] : NULL;
	char msg[256];

	if (!host || host->state != SIM_HOST_OPERATING || !world_lpar_rmc_active(l)) {
		/* unverified vs real HMC: RMC to the VIOS is down */
		snprintf(msg, sizeof msg, "HSCL2970 The IOServer command has failed because the"
		         " RMC connection to partition %s is not active.", l->name);
		add_result(j, "StdError", msg);
		add_result(j, "RMCReturnCode", "1");
		add_result(j, "result", msg);
		finish(w, j, SIM_JOB_COMPLETED_WITH_ERROR);
		return;
	}
	struct buf out = {0}, errout = {0};
	int rc = 0;
	char rcs[16];
	simjob_passthrough(w, l, simjob_param(j, "inputXML"), &out, &errout, &rc);
	add_result(j, "StdOut", buf_str(&out));
	if (errout.len)
		add_result(j, "StdError", buf_str(&errout));
	add_result(j, "RMCReturnCode", "0");
	snprintf(rcs, sizeof rcs, "%d", rc);
	add_result(j, "CMDReturnCode", rcs);
	buf_free(&out);
	buf_free(&errout);
	finish(w, j, SIM_JOB_COMPLETED_OK);
}

/* CLIRunner: the command's text output in the result parameter. */
static void
run_cli(struct world *w, struct sim_job *j)
{
	struct buf out = {0};
	char err[512];

	if (simcli_run(w, simjob_param(j, "cmd"), &out, err, sizeof err) == -1) {
		buf_free(&out);
		complete_error(w, j, err);
		return;
	}
	add_result(j, "returnCode", "0");
	add_result(j, "result", buf_str(&out));
	buf_free(&out);
	finish(w, j, SIM_JOB_COMPLETED_OK);
}

/* The job completes: fault, then the side effect through world.c. */
static void
complete(struct world *w, struct sim_job *j)
{
	struct sim_lpar *l = target_lpar(w, j);
	char err[512], hscl[16];
	int rc = 0;

	if (world_take_jobfail_hmc(w, j->hmc, j->operation, hscl, sizeof hscl)) {
		snprintf(err, sizeof err, "%s %s", hscl, world_hscl_text(hscl));
		complete_error(w, j, err);
		return;
	}
	if (strcmp(j->operation, "CLIRunner") == 0) {
		run_cli(w, j);
		return;
	}
	if (!l) {
		complete_error(w, j, "HSCL8019 The partition was not found; it may have been"
		               " removed.");
		return;
	}
	err[0] = '\0';
	if (strcmp(j->operation, "PassThroughInterface") == 0) {
		run_passthrough(w, j, l);
		return;
	} else if (strcmp(j->operation, "PowerOn") == 0) {
		rc = world_power_on(w, l, param_set(j, "bootmode"), err, sizeof err);
	} else if (strcmp(j->operation, "PowerOff") == 0) {
		const char *op = param_set(j, "operation");
		int immediate = is_true(simjob_param(j, "immediate"));
		int restart = is_true(simjob_param(j, "restart"))
		              || (op && strncmp(op, "dump", 4) == 0);
		if (op && strcmp(op, "osshutdown") == 0 && world_lpar_state_active(l->state) &&
		    !world_lpar_rmc_active(l)) {
			/* the OS is asked to shut down over RMC */
			snprintf(err, sizeof err, "HSCL0DB4 %s", world_hscl_text("HSCL0DB4"));
			rc = -1;
		} else {
			rc = world_power_off(w, l, immediate, err, sizeof err);
		}
		if (rc == 0 && restart)
			rc = world_power_on(w, l, NULL, err, sizeof err);
	} else if (strcmp(j->operation, "RemoteRestart") == 0) {
		const char *op = param_set(j, "Operation");
		if (op && strcmp(op, "cleanup") == 0) {
			rc = world_rr_cleanup(w, l, err, sizeof err);
		} else {
			struct sim_host *t = host_by_uuid_or_name(w,
			        param_set(j, "targetManagedSystemUUID"),
			        param_set(j, "targetManagedSystem"));
			if (!t) {
				rc = -1;
				snprintf(err, sizeof err, "HSCL8018 The target managed system was"
				         " not found.");
			} else if (op && strcmp(op, "validate") == 0) {
				rc = rr_validate(w, l, t, err, sizeof err);
			} else {
				rc = world_remote_restart(w, l, t, err, sizeof err);
			}
		}
	} else if (strcmp(j->operation, "Migrate") == 0
	           || strcmp(j->operation, "MigrateValidate") == 0) {
		struct sim_host *t = host_by_uuid_or_name(w,
		        param_set(j, "TargetManagedSystemUUID"),
		        param_set(j, "TargetManagedSystemName"));
		if (!t) {
			rc = -1;
			snprintf(err, sizeof err, "HSCL8018 The target managed system was not found.");
		} else {
			rc = world_migrate(w, l, t, strcmp(j->operation, "MigrateValidate") == 0,
			                   err, sizeof err);
		}
	}
	if (rc != 0) {
		complete_error(w, j, err[0] ? err : "HSCL0000 The operation failed.");
		return;
	}
	add_result(j, "returnCode", "0");
	finish(w, j, SIM_JOB_COMPLETED_OK);
}

static double
duration(const struct world *w, const struct sim_job *j)
{
	const struct world_timing *t = &w->timing;
	const char *op = j->operation;
	if (strcmp(op, "PowerOn") == 0)
		return t->power_on;
	if (strcmp(op, "PowerOff") == 0)
		return t->power_off;
	if (strcmp(op, "RemoteRestart") == 0) {
		const char *v = simjob_param(j, "Operation");
		return v && strcmp(v, "restart") ? t->migrate_validate : t->remote_restart;
	}
	if (strcmp(op, "MigrateValidate") == 0)
		return t->migrate_validate;
	if (strcmp(op, "Migrate") == 0)
		return t->migrate;
	return t->passthrough;
}

static void
job_timer_cb(struct ev_loop *loop, ev_timer *tm, int revents)
{
	struct sim_job *j = (struct sim_job *)((char *)tm - offsetof(struct sim_job, timer));
	struct world *w = tm->data;
	(void)loop;
	(void)revents;

	loop_note("hmcsim job");
	switch (j->status) {
	case SIM_JOB_NOT_STARTED:
		j->status = SIM_JOB_RUNNING;
		j->time_started = loop_epoch_ms();
		set_progress(j, "INPROGRESS");
		arm(w, j, duration(w, j));
		break;
	case SIM_JOB_RUNNING:
		complete(w, j);
		break;
	default:
		/* terminal: the garbage-collection deadline */
		log_msg(LOGL_DEBUG, "job", "event=job_gc job=%lld deleted=%d", j->id, j->deleted);
		world_job_free(w, j);
		break;
	}
}

/* Reads the JobRequest into j.  -1 with err on a document to refuse. */
static int
parse_request(const char *body, size_t len, const char *group, const char *op,
              struct sim_job *j, char *err, size_t errlen)
{
	char e[256], name[64], got[64];
	xmlDocPtr doc = NULL;
	int rc = -1;

	if (len == 0) {
		snprintf(err, errlen, "The request has no body; a JobRequest is required.");
		return -1;
	}
	doc = xmlu_parse(body, len, "JobRequest", e, sizeof e);
	if (!doc) {
		snprintf(err, errlen, "The JobRequest could not be parsed: %s", e);
		return -1;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr jr = xmlu_is(root, "JobRequest") ? root : xmlu_find(root, "JobRequest");
	if (!jr) {
		snprintf(err, errlen, "The request body is a %s document, not a JobRequest.",
		         root ? (const char *)root->name : "empty");
		goto out;
	}
	xmlu_path_text(jr, "RequestedOperation/OperationName", got, sizeof got);
	if (!got[0]) {
		snprintf(err, errlen, "The JobRequest has no RequestedOperation/OperationName.");
		goto out;
	}
	if (strcmp(got, op) != 0) {
		snprintf(err, errlen, "The JobRequest names operation %s but was sent to"
		         " .../do/%s.", got, op);
		goto out;
	}
	xmlu_path_text(jr, "RequestedOperation/GroupName", got, sizeof got);
	if (!got[0]) {
		snprintf(err, errlen, "The JobRequest has no RequestedOperation/GroupName.");
		goto out;
	}
	if (strcmp(got, group) != 0) {
		snprintf(err, errlen, "The JobRequest names group %s but was sent to a %s.",
		         got, group);
		goto out;
	}
	xmlNodePtr params = xmlu_child(jr, "JobParameters");
	for (xmlNodePtr p = params ? xmlu_child(params, "JobParameter") : NULL; p;
	     p = xmlu_next(p, "JobParameter")) {
		long n = xmlu_path_text(p, "ParameterName", name, sizeof name);
		if (n <= 0) {
			snprintf(err, errlen, "JobParameter %zu has no ParameterName.",
			         j->n_params + 1);
			goto out;
		}
		if ((size_t)n >= sizeof name) {
			snprintf(err, errlen, "JobParameter %zu: ParameterName is too long.",
			         j->n_params + 1);
			goto out;
		}
		if (j->n_params >= SIM_JOB_MAX_PARAMS) {
			snprintf(err, errlen, "The JobRequest has more than %d parameters.",
			         SIM_JOB_MAX_PARAMS);
			goto out;
		}
		struct sim_param *sp = &j->params[j->n_params++];
		snprintf(sp->name, sizeof sp->name, "%s", name);
		xmlNodePtr v = xmlu_child(p, "ParameterValue");
		sp->value = v ? xmlu_text_dup(v) : strdup("");
		if (!sp->value)
			log_panic(__FILE__, __LINE__, "out of memory");
	}
	rc = 0;
out:
	xmlFreeDoc(doc);
	return rc;
}

static void
free_unlinked(struct sim_job *j)
{
	for (size_t i = 0; i < j->n_params; i++)
		free(j->params[i].value);
	for (size_t i = 0; i < j->n_results; i++)
		free(j->results[i].value);
	free(j);
}

int
simjob_submit(struct world *w, struct sim_hmc *h, const char *group,
              struct sim_lpar *l, const char *op, const char *body, size_t len,
              struct sim_job **out, int *http_status, char *err, size_t errlen)
{
	char msg[512];
	struct sim_job *j;

	*out = NULL;
	*http_status = 400;
	if (!simjob_op_known(group, op)) {
		snprintf(err, errlen, "The operation %s is not defined for %s objects.", op, group);
		return -1;
	}
	j = calloc(1, sizeof *j);
	if (!j)
		log_panic(__FILE__, __LINE__, "out of memory");
	if (parse_request(body, len, group, op, j, err, errlen) != 0) {
		free_unlinked(j);
		return -1;
	}
	if (h->next_job_id <= 0)
		h->next_job_id = loop_epoch_ms();
	j->id = h->next_job_id++;
	j->hmc = h->idx;
	snprintf(j->operation, sizeof j->operation, "%s", op);
	snprintf(j->group, sizeof j->group, "%s", group);
	snprintf(j->target_uuid, sizeof j->target_uuid, "%s", l ? l->uuid : h->uuid);
	snprintf(j->target_name, sizeof j->target_name, "%s", l ? l->name : h->name);
	j->status = SIM_JOB_NOT_STARTED;
	snprintf(j->progress_key, sizeof j->progress_key, "NOT_STARTED");
	ev_timer_init(&j->timer, job_timer_cb, 0.0, 0.0);
	j->timer.data = w;
	world_job_add(w, j);
	w->ctr.jobs_submitted++;
	log_msg(LOGL_INFO, "job", "event=job_submit job=%lld hmc=%s op=%s target=%s",
	        j->id, h->name, op, j->target_name);
	if (check_params(w, h, j, msg, sizeof msg) != 0)
		fail_before(w, j, msg);
	else
		arm(w, j, w->timing.job_start);
	*out = j;
	*http_status = 200;
	return 0;
}

int
simjob_cancel(struct world *w, struct sim_job *j)
{
	if (!simjob_active(j))
		return 0;
	ev_timer_stop(w->loop, &j->timer);
	finish(w, j, SIM_JOB_CANCELED);
	return 0;
}

int
simjob_delete(struct world *w, struct sim_job *j, char *err, size_t errlen)
{
	if (simjob_active(j)) {
		snprintf(err, errlen, "Job %lld is %s; a job can be deleted only after it has"
		         " ended (cancel it first).", j->id, simfeed_job_status_name(j));
		return -1;
	}
	if (!j->deleted) {
		j->deleted = 1;
		w->ctr.jobs_deleted++;
		arm(w, j, GC_DELETED_SECS);
	}
	return 0;
}

void
simjob_stop_all(struct world *w)
{
	for (struct sim_job *j = w->jobs; j; j = j->next)
		ev_timer_stop(w->loop, &j->timer);
}
