/* hmcjob — HMC jobs: optional template GET, PUT JobRequest, poll on an
 * ev_timer, cancel on timeout, DELETE when finished; PassThroughInterface.
 *
 * A job takes a running-job slot on the HMC it is submitted to (FIFO queue
 * when the cap is reached).  Submission fails over to another HMC only when
 * the request certainly did not create a job there (connection never made,
 * 5xx, refused credentials or certificate); once the HMC returned a JobID the
 * job belongs to that HMC and is polled there, with retries, until it ends
 * or times out.  Sessions, calls and routing are hmc.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmc_priv.h"
#include "hmcxml.h"
#include "buf.h"
#include "log.h"
#include "mem.h"
#include "str.h"

enum jstate {
	J_NEW = 0,
	J_WAIT_SLOT,            /* queued behind the HMC's job cap */
	J_TEMPLATE,             /* GET .../do/OP */
	J_SUBMIT,               /* PUT .../do/OP */
	J_POLL_WAIT,            /* poll timer armed */
	J_POLL,                 /* GET /jobs/{id} */
	J_CANCEL,               /* POST /jobs/{id}/cancel */
};

struct hmc_job {
	struct hmc_op *op;
	char group[32];
	char target[HMC_UUID_LEN];
	char operation[48];
	struct hmc_param *params;
	size_t n_params;
	double timeout;                 /* real seconds */
	int get_template;
	int passthru;
	char resume_id[32];
	char job_id[32];
	struct hmc_node *home;          /* HMC holding job_id */
	enum jstate state;
	enum hmc_errc aborting;         /* HMC_ETIMEOUT / HMC_ECANCELED once asked */
	hmc_job_submitted_cb on_submitted;
	ev_timer poll, deadline;
	double t_start;
	unsigned poll_errors;
	struct hmc_job_reply reply;
	int have_reply;
};

static void job_try(struct hmc_op *op);
static void job_submit(struct hmc_op *op);
static void job_request_cancel(struct hmc_op *op);
static void job_begin(struct hmc_op *op);



void
hmc_job_note(const struct hmc_op *op, char *buf, size_t len)
{
	const struct hmc_job *j = op->job;

	if (j && j->job_id[0] && j->home)
		snprintf(buf, len, " (job %s %s keeps running on %s)", j->job_id, j->operation,
		         j->home->name);
	else if (len)
		buf[0] = '\0';
}

/* ---- housekeeping -------------------------------------------------------------- */

static void
delete_done(void *owner, const struct hmc_call_res *r)
{
	(void)owner;
	if (r->code != HMC_OK)
		log_msg(LOGL_NOTICE, "hmc", "event=job_delete_failed err=\"%s\"", r->msg);
}

/* Fire and forget: finished jobs must be deleted from the HMC. */
static void
job_delete(struct hmc_job *j)
{
	char path[80];

	if (!j->home || !j->job_id[0])
		return;
	snprintf(path, sizeof path, "uom/jobs/%s", j->job_id);
	hmc_call_start(j->home, "DELETE", path, NULL, 0, NULL, NULL, HMC_CALL_AUTH,
	               delete_done, NULL);
}

static void
job_on_finish(struct hmc_op *op)
{
	struct hmc_job *j = op->job;

	ev_timer_stop(op->s->loop, &j->poll);
	ev_timer_stop(op->s->loop, &j->deadline);
}

static void
job_release(struct hmc_op *op)
{
	struct hmc_job *j = op->job;
	size_t i;

	for (i = 0; i < j->n_params; i++) {
		free(j->params[i].name);
		free(j->params[i].value);
	}
	free(j->params);
	hmc_job_reply_clear(&j->reply);
	free(j);
	op->job = NULL;
}

static void
job_deliver(struct hmc_op *op, const struct hmc_error *err)
{
	struct hmc_job *j = op->job;
	hmc_job_cb cb = (hmc_job_cb)op->cb;

	cb(op->arg, err, j->have_reply ? &j->reply : NULL);
}

static void
passthru_deliver(struct hmc_op *op, const struct hmc_error *err)
{
	struct hmc_job *j = op->job;
	hmc_passthru_cb cb = (hmc_passthru_cb)op->cb;
	struct hmc_passthru_result res;
	const char *v;

	memset(&res, 0, sizeof res);
	res.std_out = "";
	res.std_err = "";
	res.cmd_rc = res.rmc_rc = -1;
	if (j->have_reply) {
		res.reply = &j->reply;
		if ((v = hmc_job_result(&j->reply, "StdOut")))
			res.std_out = v;
		if ((v = hmc_job_result(&j->reply, "StdError")))
			res.std_err = v;
		if ((v = hmc_job_result(&j->reply, "CMDReturnCode")) && *v)
			res.cmd_rc = atoi(v);
		if ((v = hmc_job_result(&j->reply, "RMCReturnCode")) && *v)
			res.rmc_rc = atoi(v);
	}
	cb(op->arg, err, j->have_reply || !err ? &res : NULL);
}

/* ---- the lifecycle --------------------------------------------------------------- */

static void
job_terminal(struct hmc_op *op)
{
	struct hmc_job *j = op->job;
	const char *hmc = j->home->name;
	double ms = (ev_now(op->s->loop) - j->t_start) * 1000.0;

	log_msg(hmc_job_succeeded(&j->reply) ? LOGL_INFO : LOGL_WARN, "hmc",
	        "event=job_done hmc=%s op=%s target=%s job=%s status=%s ms=%.0f", hmc,
	        j->operation, j->target, j->job_id, j->reply.status_text, ms);
	job_delete(j);
	if (hmc_job_succeeded(&j->reply)) {
		hmc_op_succeed(op);
		return;
	}
	hmc_op_fail(op, HMC_EJOB, 0, hmc, "%s: job %s %s of %s/%s ended %s%s%s", hmc,
	            j->job_id, j->operation, j->group, j->target, j->reply.status_text,
	            j->reply.error ? ": " : "", j->reply.error ? j->reply.error : "");
}

static void
poll_arm(struct hmc_op *op)
{
	struct hmc_job *j = op->job;

	j->state = J_POLL_WAIT;
	ev_timer_set(&j->poll, hmc_scaled(op->s->opts.poll_interval, 0.01), 0.);
	ev_timer_start(op->s->loop, &j->poll);
}

static void
poll_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_op *op = owner;
	struct hmc_job *j = op->job;
	struct hmc_job_reply rep;
	char what[100], err[300];

	op->call = NULL;
	if (r->code != HMC_OK) {
		if (r->code == HMC_EHTTP && r->status == 404) {
			hmc_op_fail(op, HMC_EJOB, 404, j->home->name, "%s: job %s %s of %s/%s is no "
			            "longer known to the HMC (HTTP 404)", j->home->name, j->job_id,
			            j->operation, j->group, j->target);
			return;
		}
		if (j->poll_errors++ % 10 == 0)
			log_msg(LOGL_WARN, "hmc", "event=job_poll_failed hmc=%s job=%s errors=%u "
			        "err=\"%s\"", j->home->name, j->job_id, j->poll_errors, r->msg);
		poll_arm(op);
		return;
	}
	memset(&rep, 0, sizeof rep);
	snprintf(what, sizeof what, "job %s status from %s", j->job_id, j->home->name);
	if (hmcxml_parse_job(r->body, r->len, what, &rep, err, sizeof err) == -1) {
		hmc_job_reply_clear(&rep);
		if (j->poll_errors++ % 10 == 0)
			log_msg(LOGL_WARN, "hmc", "event=job_poll_failed hmc=%s job=%s err=\"%s\"",
			        j->home->name, j->job_id, err);
		poll_arm(op);
		return;
	}
	hmc_job_reply_clear(&j->reply);
	j->reply = rep;
	j->have_reply = 1;
	if (hmc_job_terminal(rep.status)) {
		job_terminal(op);
		return;
	}
	poll_arm(op);
}

static void
poll_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hmc_op *op = w->data;
	struct hmc_job *j = op->job;
	char path[80];

	(void)loop;
	(void)revents;
	j->state = J_POLL;
	snprintf(path, sizeof path, "uom/jobs/%s", j->job_id);
	op->call = hmc_call_start(j->home, "GET", path, NULL, 0, NULL, HMC_CT_ATOM,
	                          HMC_CALL_AUTH, poll_done, op);
}

static void
cancel_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_op *op = owner;
	struct hmc_job *j = op->job;
	const char *how = r->code == HMC_OK ? "cancel requested" : "cancel failed: ";

	op->call = NULL;
	log_msg(LOGL_WARN, "hmc", "event=job_cancel hmc=%s job=%s reason=%s ok=%d", j->home->name,
	        j->job_id, j->aborting == HMC_ETIMEOUT ? "timeout" : "request",
	        r->code == HMC_OK);
	job_delete(j);  /* may be refused while the job still winds down */
	if (j->aborting == HMC_ETIMEOUT)
		hmc_op_fail(op, HMC_ETIMEOUT, r->status, j->home->name, "%s: job %s %s of %s/%s "
		            "timed out after %.0f s; %s%s", j->home->name, j->job_id, j->operation,
		            j->group, j->target, j->timeout, how, r->code == HMC_OK ? "" : r->msg);
	else
		hmc_op_fail(op, HMC_ECANCELED, r->status, j->home->name, "%s: job %s %s of %s/%s "
		            "canceled; %s%s", j->home->name, j->job_id, j->operation, j->group,
		            j->target, how, r->code == HMC_OK ? "" : r->msg);
}

static void
job_request_cancel(struct hmc_op *op)
{
	struct hmc_job *j = op->job;
	char path[100];

	ev_timer_stop(op->s->loop, &j->poll);
	if (op->call) {
		hmc_call_detach(op->call);
		op->call = NULL;
	}
	j->state = J_CANCEL;
	snprintf(path, sizeof path, "uom/jobs/%s/cancel", j->job_id);
	op->call = hmc_call_start(j->home, "POST", path, "", 0, HMC_CT_ATOM, HMC_CT_ATOM,
	                          HMC_CALL_AUTH, cancel_done, op);
}

static void
submit_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_op *op = owner;
	struct hmc_job *j = op->job;
	struct hmc_node *n = op->node;
	char what[120], err[300];

	op->call = NULL;
	if (r->code != HMC_OK) {
		str_copy(op->err_msg, sizeof op->err_msg, r->msg);
		str_copy(op->err_hmc, sizeof op->err_hmc, n->name);
		op->err.code = r->code;
		op->err.http_status = r->status;
		if (!j->aborting && hmc_failover_worthy(r, 0)) {
			log_msg(LOGL_NOTICE, "hmc", "event=failover op=%s target=%s from=%s "
			        "err=\"%s\"", j->operation, j->target, n->name, r->msg);
			hmc_slot_release(op);
			job_try(op);
			return;
		}
		if (r->transport && r->sent)
			hmc_op_fail(op, r->code, r->status, n->name, "%s (the job may have been "
			            "created on %s; not resubmitted elsewhere)", r->msg, n->name);
		else
			hmc_op_fail(op, r->code, r->status, n->name, "%s", r->msg);
		return;
	}
	snprintf(what, sizeof what, "JobResponse of %s from %s", j->operation, n->name);
	hmc_job_reply_clear(&j->reply);
	j->have_reply = 0;
	if (hmcxml_parse_job(r->body, r->len, what, &j->reply, err, sizeof err) == -1 ||
	    !j->reply.job_id[0]) {
		hmc_job_reply_clear(&j->reply);
		hmc_op_fail(op, HMC_EPARSE, r->status, n->name, "%s",
		            err[0] ? err : "JobResponse without JobID");
		return;
	}
	j->have_reply = 1;
	j->home = n;
	str_copy(j->job_id, sizeof j->job_id, j->reply.job_id);
	log_msg(LOGL_INFO, "hmc", "event=job_submitted hmc=%s op=%s group=%s target=%s job=%s",
	        n->name, j->operation, j->group, j->target, j->job_id);
	if (j->on_submitted)
		j->on_submitted(op->arg, n->name, j->job_id);
	if (op->finished)
		return;
	if (j->aborting) {
		job_request_cancel(op);
		return;
	}
	if (hmc_job_terminal(j->reply.status)) {
		job_terminal(op);
		return;
	}
	poll_arm(op);
}

static void
job_submit(struct hmc_op *op)
{
	struct hmc_job *j = op->job;
	struct buf b = {0};
	char path[200];

	j->state = J_SUBMIT;
	hmcxml_job_request(&b, j->operation, j->group, j->params, j->n_params);
	snprintf(path, sizeof path, "uom/%s/%s/do/%s", j->group, j->target, j->operation);
	op->call = hmc_call_start(op->node, "PUT", path, b.data ? b.data : "", b.len,
	                          HMC_CT_WEB "JobRequest", HMC_CT_ATOM, HMC_CALL_AUTH,
	                          submit_done, op);
	buf_free(&b);
}

static void
template_done(void *owner, const struct hmc_call_res *r)
{
	struct hmc_op *op = owner;
	struct hmc_job *j = op->job;
	struct hmc_node *n = op->node;
	char what[120], err[300], top[64], tgroup[64];

	op->call = NULL;
	if (r->code != HMC_OK) {
		str_copy(op->err_msg, sizeof op->err_msg, r->msg);
		str_copy(op->err_hmc, sizeof op->err_hmc, n->name);
		op->err.code = r->code;
		op->err.http_status = r->status;
		if (hmc_failover_worthy(r, 1)) {
			hmc_slot_release(op);
			job_try(op);
			return;
		}
		hmc_op_fail(op, r->code, r->status, n->name, "%s", r->msg);
		return;
	}
	snprintf(what, sizeof what, "%s job template from %s", j->operation, n->name);
	if (hmcxml_parse_job_template(r->body, r->len, what, top, sizeof top, tgroup,
	                              sizeof tgroup, err, sizeof err) == -1) {
		hmc_op_fail(op, HMC_EPARSE, r->status, n->name, "%s", err);
		return;
	}
	if (strcmp(top, j->operation) != 0 || (tgroup[0] && strcmp(tgroup, j->group) != 0)) {
		hmc_op_fail(op, HMC_EPARSE, r->status, n->name, "%s: template for %s/%s is %s/%s",
		            what, j->group, j->operation, tgroup, top);
		return;
	}
	job_submit(op);
}

/* Runs once the job holds a slot on op->node. */
static void
job_begin(struct hmc_op *op)
{
	struct hmc_job *j = op->job;
	char path[200];

	if (j->resume_id[0]) {
		j->home = op->node;
		str_copy(j->job_id, sizeof j->job_id, j->resume_id);
		log_msg(LOGL_INFO, "hmc", "event=job_resume hmc=%s op=%s job=%s", j->home->name,
		        j->operation, j->job_id);
		poll_arm(op);
		return;
	}
	if (j->get_template) {
		j->state = J_TEMPLATE;
		snprintf(path, sizeof path, "uom/%s/%s/do/%s", j->group, j->target, j->operation);
		op->call = hmc_call_start(op->node, "GET", path, NULL, 0, NULL, HMC_CT_ATOM,
		                          HMC_CALL_AUTH, template_done, op);
		return;
	}
	job_submit(op);
}

static void
job_try(struct hmc_op *op)
{
	struct hmc_job *j = op->job;
	struct hmc_node *n = hmc_route(op);

	if (!n) {
		if (op->err_msg[0])
			hmc_op_fail(op, op->err.code, op->err.http_status, op->err_hmc, "%s",
			            op->err_msg);
		else
			hmc_op_fail(op, HMC_EUNREACH, 0, NULL, "no HMC available for %s of %s",
			            j->operation, j->target);
		return;
	}
	op->node = n;
	if (hmc_slot_acquire(op, n)) {
		job_begin(op);
		return;
	}
	j->state = J_WAIT_SLOT;
}

static void
job_abort(struct hmc_op *op, enum hmc_errc code)
{
	struct hmc_job *j = op->job;
	const char *why = code == HMC_ETIMEOUT ? "timed out" : "canceled";

	if (op->finished || j->aborting)
		return;
	j->aborting = code;
	switch (j->state) {
	case J_POLL_WAIT:
	case J_POLL:
		job_request_cancel(op);
		break;
	case J_SUBMIT:
		/* submit_done cancels it once the HMC named the job */
		break;
	default:
		if (code == HMC_ETIMEOUT)
			hmc_op_fail(op, code, 0, op->node ? op->node->name : NULL, "job %s of %s/%s "
			            "%s after %.0f s before it was submitted", j->operation, j->group,
			            j->target, why, j->timeout);
		else
			hmc_op_fail(op, code, 0, op->node ? op->node->name : NULL, "job %s of %s/%s "
			            "%s before it was submitted", j->operation, j->group, j->target,
			            why);
		break;
	}
}

/* The HMC the job is on was removed.  A job it accepted (or may have
 * accepted: submit sent) stays there and the op ends; one it never saw moves
 * to another HMC. */
static void
job_removed(struct hmc_op *op, struct hmc_node *n, const char *msg)
{
	struct hmc_job *j = op->job;
	char note[160];

	if (j->home == n) {
		hmc_job_note(op, note, sizeof note);
		hmc_op_fail(op, HMC_ECANCELED, 0, n->name, "%s%s", msg, note);
		return;
	}
	if (j->state == J_SUBMIT && hmc_call_sent(op->call)) {
		hmc_op_fail(op, HMC_ECANCELED, 0, n->name, "%s (job %s of %s/%s may have been "
		            "created there; not resubmitted elsewhere)", msg, j->operation,
		            j->group, j->target);
		return;
	}
	if (j->aborting) {
		hmc_op_fail(op, j->aborting, 0, n->name, "job %s of %s/%s canceled before it "
		            "was submitted", j->operation, j->group, j->target);
		return;
	}
	hmc_call_detach(op->call);
	op->call = NULL;
	hmc_slot_release(op);
	j->state = J_NEW;
	hmc_op_note(op, HMC_ECANCELED, 0, n->name, msg);
	log_msg(LOGL_NOTICE, "hmc", "event=failover op=%s target=%s from=%s err=\"%s\"",
	        j->operation, j->target, n->name, msg);
	job_try(op);
}

static void
deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hmc_op *op = w->data;

	(void)loop;
	(void)revents;
	log_msg(LOGL_WARN, "hmc", "event=job_timeout op=%s target=%s job=%s",
	        op->job->operation, op->job->target,
	        op->job->job_id[0] ? op->job->job_id : "-");
	job_abort(op, HMC_ETIMEOUT);
}

void
hmc_job_cancel(struct hmc_job *j)
{
	if (j && j->op)
		job_abort(j->op, HMC_ECANCELED);
}

static int
group_ok(const char *g)
{
	return g && (!strcmp(g, "LogicalPartition") || !strcmp(g, "VirtualIOServer") ||
	             !strcmp(g, "ManagedSystem") || !strcmp(g, "ManagementConsole"));
}

static struct hmc_job *
job_new(struct hmc_set *s, const struct hmc_job_spec *spec, int passthru,
        hmc_job_submitted_cb on_submitted, void *cb, void *arg)
{
	struct hmc_op *op = hmc_op_new(s, HMC_OPK_JOB, cb, arg);
	struct hmc_job *j = mem_calloc(1, sizeof *j);
	size_t i;

	op->job = j;
	j->op = op;
	j->passthru = passthru;
	j->on_submitted = on_submitted;
	j->t_start = ev_now(s->loop);
	op->on_finish = job_on_finish;
	op->on_slot = job_begin;
	op->deliver = passthru ? passthru_deliver : job_deliver;
	op->release = job_release;
	op->on_removed = job_removed;
	ev_init(&j->poll, poll_cb);
	j->poll.data = op;
	ev_init(&j->deadline, deadline_cb);
	j->deadline.data = op;
	str_copy(j->group, sizeof j->group, spec->group ? spec->group : "");
	str_copy(j->target, sizeof j->target, spec->target_uuid ? spec->target_uuid : "");
	str_copy(j->operation, sizeof j->operation, spec->operation ? spec->operation : "");

	if (!group_ok(spec->group)) {
		hmc_op_fail(op, HMC_EINVAL, 0, NULL, "job group must be LogicalPartition, "
		            "VirtualIOServer, ManagedSystem or ManagementConsole");
		return j;
	}
	if (!hmc_ident_ok(spec->target_uuid) || !hmc_ident_ok(spec->operation)) {
		hmc_op_fail(op, HMC_EINVAL, 0, NULL, "job needs a valid target UUID and operation");
		return j;
	}
	if (spec->resume_job_id) {
		if (!hmc_ident_ok(spec->resume_job_id) || !spec->hmc) {
			hmc_op_fail(op, HMC_EINVAL, 0, NULL, "resuming a job needs its id and HMC");
			return j;
		}
		str_copy(j->resume_id, sizeof j->resume_id, spec->resume_job_id);
	}
	if (spec->n_params) {
		j->params = mem_calloc(spec->n_params, sizeof *j->params);
		for (i = 0; i < spec->n_params; i++) {
			j->params[i].name = mem_strdup(spec->params[i].name);
			j->params[i].value = mem_strdup(spec->params[i].value);
		}
		j->n_params = spec->n_params;
	}
	j->get_template = spec->get_template;
	j->timeout = spec->timeout > 0 ? spec->timeout
	             : !strncmp(j->operation, "Migrate", 7) ? 7200 : 1800;
	if (hmc_op_prepare(op, spec->hmc, spec->host_uuid) == -1)
		return j;
	ev_timer_set(&j->deadline, hmc_scaled(j->timeout, 0.05), 0.);
	ev_timer_start(s->loop, &j->deadline);
	job_try(op);
	return j;
}

struct hmc_job *
hmc_job_run(struct hmc_set *s, const struct hmc_job_spec *spec,
            hmc_job_submitted_cb on_submitted, hmc_job_cb cb, void *arg)
{
	return job_new(s, spec, 0, on_submitted, (void *)cb, arg);
}

struct hmc_job *
hmc_passthru(struct hmc_set *s, const char *vios_uuid, const char *host_uuid,
             const char *input_xml, double timeout, hmc_passthru_cb cb, void *arg)
{
	struct hmc_param p = { .name = (char *)"inputXML", .value = (char *)input_xml };
	struct hmc_job_spec spec = {
		.group = "VirtualIOServer", .target_uuid = vios_uuid,
		.operation = "PassThroughInterface", .params = &p, .n_params = 1,
		.host_uuid = host_uuid, .timeout = timeout,
	};

	if (!input_xml)
		spec.n_params = 0;
	return job_new(s, &spec, 1, NULL, (void *)cb, arg);
}
