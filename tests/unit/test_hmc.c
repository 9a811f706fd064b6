/* test_hmc — the HMC client's session, failover, queueing and job rules
 * against scripted plain-HTTP HMC peers on the test's own loop.
 *
 * The simulator (tests/integration/test_hmc_client.c) shows the client works
 * with a realistic HMC; these peers misbehave on purpose, in ways hmcsim
 * cannot: a 401 right after a fresh logon, a submit that is received but
 * never answered, a job that vanishes, a peer that never answers a logoff.
 * Also hmc_set_remove while requests and jobs are queued or in flight.
 */
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ev.h>

#include "../tap.h"
#include "../loopwait.h"
#include "httppeer.h"
#include "hmc.h"
#include "log.h"
#include "tscale.h"
#include "xmlu.h"

#define NS_WEB "http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/"
#define NS_UOM "http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/"
#define LPAR   "11111111-2222-3333-4444-555555555555"

static struct ev_loop *loop;
static char logdir[] = "/tmp/ksys-test-hmc-unit-XXXXXX";

struct fakehmc {
	struct peer p;          /* first: the handler gets &fakehmc.p */
	const char *name;
	int seq;
	char token[64];
	/* behaviour */
	int always_401, refuse_logon, fail503, submit_503, hang_submit, jobs_404;
	int hold_gets, hang_all, jobs_forever;
	/* observations */
	int logons, logoffs, submits, polls, deletes, cancels, gets;
	int bad_memento, bad_logon_ct, live_jobs, max_live_jobs;
	struct pconn *held[64];
	int nheld, max_held;
	long long jobs[64];
	int jobpolls[64];
	int njobs;
};

static struct fakehmc A = { .name = "hmcA" }, B = { .name = "hmcB" };

static void
xml_reply(struct pconn *c, int status, const char *body)
{
	peer_respond(c, status, "application/atom+xml", body, strlen(body), 0);
}

static void
http_error(struct pconn *c, int status, const char *msg)
{
	char b[800];

	snprintf(b, sizeof b, "<entry xmlns=\"http://www.w3.org/2005/Atom\"><content>"
	         "<HttpErrorResponse xmlns=\"" NS_WEB "\"><HTTPStatus>%d</HTTPStatus>"
	         "<Message>%s</Message></HttpErrorResponse></content></entry>", status, msg);
	xml_reply(c, status, b);
}

static void
job_reply(struct pconn *c, long long id, const char *status, int with_results)
{
	char b[1500];

	snprintf(b, sizeof b, "<entry xmlns=\"http://www.w3.org/2005/Atom\"><content>"
	         "<JobResponse:JobResponse xmlns:JobResponse=\"" NS_WEB "\" xmlns=\"" NS_WEB "\">"
	         "<JobID>%lld</JobID><Status>%s</Status><Results>%s</Results>"
	         "</JobResponse:JobResponse></content></entry>", id, status,
	         with_results ? "<JobParameter><ParameterName>returnCode</ParameterName>"
	                        "<ParameterValue>0</ParameterValue></JobParameter>" : "");
	xml_reply(c, 200, b);
}

static void
fake_handler(struct peer *pp, struct pconn *c, const char *method, const char *path,
             const char *hdrs, const char *body, size_t blen)
{
	struct fakehmc *f = (struct fakehmc *)pp;
	char v[200], b[1000];
	long long id;
	int i;

	(void)blen;
	if (f->hang_all)
		return;
	if (!strcmp(path, "/rest/api/web/Logon") && !strcmp(method, "PUT")) {
		f->logons++;
		if (!peer_header(hdrs, "Content-Type", v, sizeof v) ||
		    !strstr(v, "type=LogonRequest") || !strstr(body, "<UserID"))
			f->bad_logon_ct++;
		if (f->refuse_logon) {
			http_error(c, 401, "Authentication failed.");
			return;
		}
		snprintf(f->token, sizeof f->token, "%s-tok-%d", f->name, ++f->seq);
		snprintf(b, sizeof b, "<LogonResponse xmlns=\"" NS_WEB "\" schemaVersion=\"V1_1_0\">"
		         "<X-API-Session>\n  %s\n</X-API-Session></LogonResponse>", f->token);
		xml_reply(c, 200, b);
		return;
	}
	if (!peer_header(hdrs, "X-Audit-Memento", v, sizeof v) || strcmp(v, "ksys") != 0)
		f->bad_memento++;
	if (!peer_header(hdrs, "X-API-Session", v, sizeof v) || strcmp(v, f->token) != 0 ||
	    f->always_401) {
		http_error(c, 401, "The session is not valid.");
		return;
	}
	if (!strcmp(path, "/rest/api/web/Logon") && !strcmp(method, "DELETE")) {
		f->logoffs++;
		f->token[0] = '\0';
		peer_respond(c, 204, NULL, "", 0, 0);
		return;
	}
	if (!strcmp(path, "/rest/api/uom/ManagementConsole") && !strcmp(method, "GET")) {
		f->gets++;
		if (f->fail503) {
			http_error(c, 503, "HSCL3205 busy");
			return;
		}
		if (f->hold_gets) {
			f->held[f->nheld++] = c;
			if (f->nheld > f->max_held)
				f->max_held = f->nheld;
			return;
		}
		snprintf(b, sizeof b, "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
		         "<id>6BBBBBBB-0000-0000-0000-00000000000%d</id><content>"
		         "<ManagementConsole:ManagementConsole xmlns:ManagementConsole=\"" NS_UOM
		         "\" xmlns=\"" NS_UOM "\"><ManagementConsoleName>%s</ManagementConsoleName>"
		         "</ManagementConsole:ManagementConsole></content></entry></feed>",
		         f == &A ? 1 : 2, f->name);
		xml_reply(c, 200, b);
		return;
	}
	if (!strncmp(path, "/rest/api/uom/LogicalPartition/", 31) && strstr(path, "/do/") &&
	    !strcmp(method, "PUT")) {
		f->submits++;
		if (f->hang_submit)
			return;
		if (f->submit_503) {
			http_error(c, 503, "HSCL3205 busy");
			return;
		}
		id = 1795300000000LL + f->njobs;
		f->jobs[f->njobs % 64] = id;
		f->jobpolls[f->njobs % 64] = 0;
		f->njobs++;
		if (++f->live_jobs > f->max_live_jobs)
			f->max_live_jobs = f->live_jobs;
		job_reply(c, id, "NOT_STARTED", 0);
		return;
	}
	if (!strncmp(path, "/rest/api/uom/jobs/", 19)) {
		id = atoll(path + 19);
		if (strstr(path, "/cancel") && !strcmp(method, "POST")) {
			f->cancels++;
			peer_respond(c, 200, NULL, "", 0, 0);
			return;
		}
		if (!strcmp(method, "DELETE")) {
			f->deletes++;
			peer_respond(c, 204, NULL, "", 0, 0);
			return;
		}
		f->polls++;
		if (f->jobs_404) {
			http_error(c, 404, "No such job.");
			return;
		}
		for (i = 0; i < f->njobs && i < 64; i++)
			if (f->jobs[i] == id) {
				f->jobpolls[i]++;
				/* a job runs from its submit until the HMC first
				 * reports it finished; the DELETE that follows is
				 * cleanup and may arrive after the next submit */
				if (f->jobpolls[i] == 2 && !f->jobs_forever)
					f->live_jobs--;
				if (f->jobpolls[i] >= 2 && !f->jobs_forever)
					job_reply(c, id, "COMPLETED_OK", 1);
				else
					job_reply(c, id, "RUNNING", 0);
				return;
			}
		http_error(c, 404, "No such job.");
		return;
	}
	http_error(c, 404, "Unknown resource.");
}

static void
release_held(struct fakehmc *f)
{
	int i, n = f->nheld;
	struct pconn *h[64];

	memcpy(h, f->held, sizeof h);
	f->nheld = 0;
	f->hold_gets = 0;
	for (i = 0; i < n; i++) {
		const char *b = "<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>";
		xml_reply(h[i], 200, b);
		peer_conn_flush(h[i]);
	}
}

/* ---- loop helpers ------------------------------------------------------------ */


struct rec {
	int calls;
	enum hmc_errc code;
	char msg[600];
	char hmc[32];
	int submitted;
	char sub_hmc[32];
	char rc[8];
};

static void
feed_cb(void *arg, const struct hmc_error *err, struct hmc_feed *f)
{
	struct rec *r = arg;

	r->calls++;
	r->code = err ? err->code : HMC_OK;
	snprintf(r->msg, sizeof r->msg, "%s", err ? err->msg : "");
	if (f)
		snprintf(r->hmc, sizeof r->hmc, "%s", f->hmc);
}

static void
sub_cb(void *arg, const char *hmc, const char *job_id)
{
	struct rec *r = arg;

	(void)job_id;
	r->submitted++;
	snprintf(r->sub_hmc, sizeof r->sub_hmc, "%s", hmc);
}

static void
job_cb(void *arg, const struct hmc_error *err, const struct hmc_job_reply *rep)
{
	struct rec *r = arg;
	const char *v;

	r->calls++;
	r->code = err ? err->code : HMC_OK;
	snprintf(r->msg, sizeof r->msg, "%s", err ? err->msg : "");
	if (rep && (v = hmc_job_result(rep, "returnCode")))
		snprintf(r->rc, sizeof r->rc, "%s", v);
}

static struct hmc_set *
make_set(int max_requests, int max_jobs, int with_dead)
{
	char err[256];
	struct hmc_set_opts o = { .probe_interval = 1000, .request_timeout = 10,
	                          .shutdown_bound = 5 };
	struct hmc_set *s = hmc_set_new(loop, &o, err, sizeof err);
	struct hmc_config c;
	int dead_port, fd;

	if (with_dead) {        /* first in order, nobody listens there */
		fd = peer_listen_loopback(&dead_port);
		close(fd);
		hmc_config_init(&c);
		c.name = "hmc0";
		c.host = "127.0.0.1";
		c.port = dead_port;
		c.scheme = "http";
		c.user = "u";
		c.password = "p";
		if (hmc_set_add(s, &c, err, sizeof err) == -1)
			diag("add hmc0: %s", err);
	}
	hmc_config_init(&c);
	c.name = "hmc1";
	c.host = "127.0.0.1";
	c.port = A.p.port;
	c.scheme = "http";
	c.user = "u";
	c.password = "secret-pw";
	c.max_requests = max_requests;
	c.max_jobs = max_jobs;
	if (hmc_set_add(s, &c, err, sizeof err) == -1)
		diag("add hmc1: %s", err);
	c.name = "hmc2";
	c.port = B.p.port;
	if (hmc_set_add(s, &c, err, sizeof err) == -1)
		diag("add hmc2: %s", err);
	return s;
}

static struct hmc_set *
new_set(double probe_interval)
{
	char err[256];
	struct hmc_set_opts o = { .probe_interval = probe_interval, .request_timeout = 10,
	                          .shutdown_bound = 5 };

	return hmc_set_new(loop, &o, err, sizeof err);
}

static void
add_hmc(struct hmc_set *s, const char *name, struct fakehmc *f, int max_requests,
        int max_jobs)
{
	char err[256];
	struct hmc_config c;

	hmc_config_init(&c);
	c.name = name;
	c.host = "127.0.0.1";
	c.port = f->p.port;
	c.scheme = "http";
	c.user = "u";
	c.password = "secret-pw";
	c.max_requests = max_requests;
	c.max_jobs = max_jobs;
	if (hmc_set_add(s, &c, err, sizeof err) == -1)
		diag("add %s: %s", name, err);
}

static void
reset_peer(struct fakehmc *f)
{
	struct peer p = f->p;
	const char *name = f->name;

	memset(f, 0, sizeof *f);
	f->p = p;
	f->name = name;
}

static void
read_console(struct hmc_set *s, struct rec *r, const char *hmc)
{
	struct hmc_read rq = { .obj = HMC_OBJ_CONSOLE, .hmc = hmc };

	memset(r, 0, sizeof *r);
	hmc_read(s, &rq, feed_cb, r);
	loopwait_until(loop, &r->calls, 1, 10);
}

static void
run_job(struct hmc_set *s, struct rec *r, const char *hmc)
{
	struct hmc_job_spec spec = { .group = "LogicalPartition", .target_uuid = LPAR,
	                             .operation = "PowerOff", .hmc = hmc };

	memset(r, 0, sizeof *r);
	hmc_job_run(s, &spec, sub_cb, job_cb, r);
	loopwait_until(loop, &r->calls, 1, 10);
}

static int shut;

static void
shut_cb(void *arg)
{
	(void)arg;
	shut++;
}

static void
finish(struct hmc_set *s)
{
	shut = 0;
	hmc_set_shutdown(s, shut_cb, NULL);
	loopwait_until(loop, &shut, 1, 10);
	hmc_set_free(s);
}

/* Calls of recs[0..n) made so far. */
static int
calls_of(const struct rec *recs, int n)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		c += recs[i].calls;
	return c;
}

static void
test_remove(void)
{
	struct hmc_read pin1 = { .obj = HMC_OBJ_CONSOLE, .hmc = "hmc1" };
	struct hmc_read any = { .obj = HMC_OBJ_CONSOLE };
	struct hmc_job_spec spec = { .group = "LogicalPartition", .target_uuid = LPAR,
	                             .operation = "PowerOff" };
	struct hmc_status st;
	struct hmc_set *s;
	struct rec r, q[5];
	char err[256];
	int i, gets;

	/* an idle HMC: row gone, probe stopped, session logged off; re-add */
	reset_peer(&A);
	reset_peer(&B);
	s = new_set(1.0);       /* probes every 0.1 s (scaled) */
	add_hmc(s, "hmc1", &A, 0, 0);
	add_hmc(s, "hmc2", &B, 0, 0);
	hmc_set_start(s);
	loopwait_until(loop, &A.gets, 3, 5);
	ok(A.gets >= 3 && A.logons == 1, "hmc1 probed (%d GETs, %d logon)", A.gets, A.logons);
	ok(hmc_set_remove(s, "hmc9", err, sizeof err) == -1 &&
	   strstr(err, "unknown HMC 'hmc9'") && strstr(err, "hmc1, hmc2"),
	   "remove of an unknown HMC refused, naming the known ones: %s", err);
	is_int(hmc_set_count(s), 2, "... and nothing removed");
	err[0] = '\0';
	ok(hmc_set_remove(s, "hmc1", err, sizeof err) == 0, "remove idle hmc1 %s", err);
	is_int(hmc_set_count(s), 1, "one status row left");
	ok(hmc_set_status(s, 0, &st) == 0 && !strcmp(st.name, "hmc2") &&
	   hmc_set_status(s, 1, &st) == -1, "... hmc2's");
	loopwait_until(loop, &A.logoffs, 1, 5);
	is_int(A.logoffs, 1, "hmc1's session logged off (DELETE Logon)");
	gets = A.gets;
	loopwait_spin(loop, 0.5);
	is_int(A.gets, gets, "hmc1 no longer probed");
	ok(B.gets > 3, "hmc2 still is (%d GETs)", B.gets);
	read_console(s, &r, "hmc1");
	ok(r.code == HMC_EINVAL && strstr(r.msg, "unknown HMC 'hmc1'"),
	   "a removed HMC is unknown to new operations: %s", r.msg);
	read_console(s, &r, NULL);
	ok(r.code == HMC_OK && !strcmp(r.hmc, "hmc2"), "reads go to hmc2 (%s)", r.hmc);
	ok(hmc_set_remove(s, "hmc1", err, sizeof err) == -1, "removing it twice is refused");
	i = A.logons;
	add_hmc(s, "hmc1", &A, 0, 0);
	is_int(hmc_set_count(s), 2, "hmc1 added again: two rows");
	read_console(s, &r, "hmc1");
	ok(r.code == HMC_OK && !strcmp(r.hmc, "hmc1") && A.logons == i + 1,
	   "re-added hmc1 logs on afresh and answers (%s)", r.msg);
	loopwait_until(loop, &A.gets, gets + 3, 5);
	ok(A.gets >= gets + 3, "and is probed again");
	finish(s);

	/* queued and in-flight work on the removed HMC */
	reset_peer(&A);
	reset_peer(&B);
	s = new_set(1000);
	add_hmc(s, "hmc1", &A, 1, 1);   /* 1 request and 1 running job at a time */
	read_console(s, &r, "hmc1");    /* logged on */
	A.jobs_forever = 1;
	memset(q, 0, sizeof q);
	hmc_job_run(s, &spec, sub_cb, job_cb, &q[3]);
	loopwait_until(loop, &q[3].submitted, 1, 5);
	ok(q[3].submitted == 1 && !strcmp(q[3].sub_hmc, "hmc1"), "a job runs on hmc1");
	hmc_job_run(s, &spec, sub_cb, job_cb, &q[4]);   /* waits for the job slot */
	A.hold_gets = 1;
	hmc_read(s, &pin1, feed_cb, &q[0]);
	hmc_read(s, &pin1, feed_cb, &q[1]);
	hmc_read(s, &any, feed_cb, &q[2]);
	loopwait_spin(loop, 0.3);
	ok(A.nheld == 1 && calls_of(q, 5) == 0, "one read held by hmc1, the rest queued "
	   "behind its caps (%d held)", A.nheld);
	add_hmc(s, "hmc2", &B, 0, 0);
	err[0] = '\0';
	ok(hmc_set_remove(s, "hmc1", err, sizeof err) == 0, "remove busy hmc1 %s", err);
	A.nheld = 0;            /* the client dropped the held request */
	A.hold_gets = 0;
	is_int(calls_of(q, 5), 0, "no callback from inside hmc_set_remove");
	for (i = 0; i < 100 && calls_of(q, 5) < 5; i++)
		loopwait_spin(loop, 0.05);
	ok(q[0].calls == 1 && q[0].code == HMC_ECANCELED &&
	   strstr(q[0].msg, "hmc 'hmc1' was removed"), "in-flight read pinned to hmc1: "
	   "ECANCELED (%s)", q[0].msg);
	ok(q[1].calls == 1 && q[1].code == HMC_ECANCELED &&
	   strstr(q[1].msg, "hmc 'hmc1' was removed"), "queued read pinned to hmc1: "
	   "ECANCELED (%s)", q[1].msg);
	ok(q[2].calls == 1 && q[2].code == HMC_OK && !strcmp(q[2].hmc, "hmc2"),
	   "queued unpinned read moved to hmc2 (%s%s)", q[2].hmc, q[2].msg);
	ok(q[3].calls == 1 && q[3].code == HMC_ECANCELED &&
	   strstr(q[3].msg, "hmc 'hmc1' was removed") && strstr(q[3].msg, "keeps running on hmc1"),
	   "job accepted by hmc1: ECANCELED, says it keeps running there (%s)", q[3].msg);
	ok(q[4].calls == 1 && q[4].code == HMC_OK && !strcmp(q[4].sub_hmc, "hmc2") &&
	   !strcmp(q[4].rc, "0"), "job still waiting for a slot moved to hmc2 and ran (%s%s)",
	   q[4].sub_hmc, q[4].msg);
	loopwait_until(loop, &A.logoffs, 1, 5);
	is_int(A.logoffs, 1, "hmc1's session logged off");
	ok(hmc_set_count(s) == 1 && hmc_set_status(s, 0, &st) == 0 && !strcmp(st.name, "hmc2") &&
	   st.inflight == 0 && st.queued == 0, "hmc2 alone, idle");
	A.jobs_forever = 0;
	finish(s);
}

int
main(void)
{
	char err[256];
	struct hmc_set *s;
	struct rec r;
	int i;

	signal(SIGPIPE, SIG_IGN);
	/* expected errors (refused logons, 401s) go to a scratch log file */
	if (!mkdtemp(logdir) || log_init("test_hmc", logdir, err, sizeof err) == -1)
		log_init("test_hmc", NULL, err, sizeof err);
	log_set_level("info", err, sizeof err);
	xmlu_init();
	tscale_set(10);
	loop = EV_DEFAULT;
	if (peer_start(&A.p, loop, fake_handler) == -1 || peer_start(&B.p, loop, fake_handler) == -1)
		skip_all("cannot listen on 127.0.0.1");

	/* plain session: logon, headers, one read */
	s = make_set(0, 0, 0);
	read_console(s, &r, "hmc1");
	ok(r.code == HMC_OK && !strcmp(r.hmc, "hmc1"), "read through hmc1: %s", r.msg);
	is_int(A.logons, 1, "one logon");
	is_int(A.bad_logon_ct, 0, "LogonRequest content type and body");
	is_int(A.bad_memento, 0, "X-Audit-Memento: ksys on every request");

	/* a 401 right after a fresh logon: give up (account lockout risk) */
	A.always_401 = 1;
	read_console(s, &r, "hmc1");
	ok(r.code == HMC_EAUTH && strstr(r.msg, "suspicious HTTP 401"), "suspicious 401: %s",
	   r.msg);
	is_int(A.logons, 2, "exactly one re-logon, then stop");
	read_console(s, &r, NULL);
	ok(r.code == HMC_OK && !strcmp(r.hmc, "hmc2"), "unpinned read fails over to hmc2 (%s)",
	   r.hmc);
	A.always_401 = 0;

	/* logon refused: no retry storm */
	A.token[0] = '\0';      /* session expired on the HMC */
	A.refuse_logon = 1;
	i = A.logons;
	read_console(s, &r, "hmc1");
	ok(r.code == HMC_EAUTH && strstr(r.msg, "logon refused for user u") &&
	   !strstr(r.msg, "secret-pw"), "logon refused: %s", r.msg);
	read_console(s, &r, "hmc1");
	ok(r.code == HMC_EAUTH && A.logons == i + 1, "later calls fail without a new logon "
	   "(%d logons)", A.logons - i);
	A.refuse_logon = 0;
	finish(s);
	ok(A.logoffs + B.logoffs >= 1, "shutdown logs off open sessions (%d)", A.logoffs + B.logoffs);

	/* 503 on a read: failover; refused connection on a submit: failover */
	reset_peer(&A);
	reset_peer(&B);
	s = make_set(0, 0, 1);
	A.fail503 = 1;
	read_console(s, &r, NULL);
	ok(r.code == HMC_OK && !strcmp(r.hmc, "hmc2"), "read: hmc0 refused, hmc1 503 -> hmc2 "
	   "(%s) %s", r.hmc, r.msg);
	A.fail503 = 0;
	run_job(s, &r, NULL);
	ok(r.code == HMC_OK && r.submitted == 1 && strcmp(r.sub_hmc, "hmc0") != 0 &&
	   !strcmp(r.rc, "0"), "job: past the dead HMC, done on %s (%s)", r.sub_hmc, r.msg);

	/* 503 on submit: failover; a job that vanishes: EJOB */
	A.submit_503 = 1;
	B.submit_503 = 0;
	run_job(s, &r, NULL);
	ok(r.code == HMC_OK && !strcmp(r.sub_hmc, "hmc2"), "submit 503 on hmc1 -> hmc2 (%s)",
	   r.sub_hmc);
	A.submit_503 = 0;
	B.jobs_404 = 1;
	run_job(s, &r, "hmc2");
	ok(r.code == HMC_EJOB && strstr(r.msg, "no longer known"), "job 404 while polling: %s",
	   r.msg);
	B.jobs_404 = 0;

	/* submitted but unanswered: never resubmitted elsewhere */
	A.hang_submit = 1;
	B.submits = 0;
	i = A.submits;
	{
		struct hmc_job_spec spec = { .group = "LogicalPartition", .target_uuid = LPAR,
		                             .operation = "PowerOn", .hmc = NULL };
		memset(&r, 0, sizeof r);
		/* route to hmc1 by making hmc2 look busier is fragile: pin it instead,
		 * and check the same rule on the unpinned path through hmc0's refusal */
		spec.hmc = "hmc1";
		hmc_job_run(s, &spec, sub_cb, job_cb, &r);
		loopwait_until(loop, &r.calls, 1, 10);
	}
	ok(r.code == HMC_ETIMEOUT && strstr(r.msg, "may have been created"),
	   "unanswered submit: timeout, not resubmitted (%s)", r.msg);
	is_int(A.submits - i, 1, "sent once");
	is_int(B.submits, 0, "nothing sent to hmc2");
	A.hang_submit = 0;
	finish(s);

	/* request cap and job cap with FIFO queues */
	reset_peer(&A);
	reset_peer(&B);
	s = make_set(2, 3, 0);
	{
		struct rec many[10];
		int done = 0;
		struct hmc_read rq = { .obj = HMC_OBJ_CONSOLE, .hmc = "hmc1" };

		read_console(s, &r, "hmc1");    /* log on first */
		A.hold_gets = 1;
		memset(many, 0, sizeof many);
		for (i = 0; i < 10; i++)
			hmc_read(s, &rq, feed_cb, &many[i]);
		loopwait_spin(loop, 0.3);
		is_int(A.max_held, 2, "only 2 requests reach hmc1 at once (cap 2)");
		release_held(&A);
		for (i = 0; i < 40 && A.nheld + done < 10; i++) {
			loopwait_spin(loop, 0.05);
			release_held(&A);
			A.hold_gets = 1;
			done = 0;
			for (int k = 0; k < 10; k++)
				done += many[k].calls;
		}
		A.hold_gets = 0;
		release_held(&A);
		loopwait_spin(loop, 0.2);
		done = 0;
		for (i = 0; i < 10; i++)
			done += many[i].calls == 1 && many[i].code == HMC_OK;
		is_int(done, 10, "all 10 queued reads completed once, OK");
		ok(A.max_held <= 2, "cap held throughout (max %d)", A.max_held);
	}
	{
		struct rec jobs[10];
		struct hmc_job_spec spec = { .group = "LogicalPartition", .target_uuid = LPAR,
		                             .operation = "PowerOff", .hmc = "hmc1" };
		int done = 0;

		memset(jobs, 0, sizeof jobs);
		for (i = 0; i < 10; i++)
			hmc_job_run(s, &spec, NULL, job_cb, &jobs[i]);
		for (i = 0; i < 100 && done < 10; i++) {
			int k;
			loopwait_spin(loop, 0.05);
			for (k = 0, done = 0; k < 10; k++)
				done += jobs[k].calls;
		}
		for (i = 0, done = 0; i < 10; i++)
			done += jobs[i].calls == 1 && jobs[i].code == HMC_OK;
		is_int(done, 10, "10 jobs completed with a job cap of 3");
		ok(A.max_live_jobs <= 3 && A.max_live_jobs >= 2, "at most 3 jobs ran at once on hmc1 "
		   "(%d)", A.max_live_jobs);
		is_int(A.deletes, 10, "each finished job DELETEd");
	}
	finish(s);

	test_remove();

	/* shutdown is bounded even when the HMC stops answering */
	reset_peer(&A);
	reset_peer(&B);
	s = make_set(0, 0, 0);
	read_console(s, &r, "hmc1");
	A.hang_all = 1;
	{
		ev_tstamp t0;
		struct rec j;
		struct hmc_job_spec spec = { .group = "LogicalPartition", .target_uuid = LPAR,
		                             .operation = "PowerOff", .hmc = "hmc1" };

		memset(&j, 0, sizeof j);
		hmc_job_run(s, &spec, NULL, job_cb, &j);
		loopwait_spin(loop, 0.1);
		ev_now_update(loop);
		t0 = ev_time();
		shut = 0;
		hmc_set_shutdown(s, shut_cb, NULL);
		i = loopwait_until(loop, &shut, 1, 5);
		ok(i, "shutdown completes although hmc1 hangs (%.2f s)", ev_time() - t0);
		ok(ev_time() - t0 >= 0.4 && ev_time() - t0 < 2.0,
		   "after the logoff bound (0.5 s scaled), not before");
		ok(j.calls == 1 && j.code == HMC_ESHUTDOWN, "pending job failed once with "
		   "HMC_ESHUTDOWN: %s", j.msg);
		hmc_set_free(s);
	}
	A.hang_all = 0;
	loopwait_spin(loop, 0.1);
	log_close();
	snprintf(err, sizeof err, "%s/test_hmc.log", logdir);
	{
		FILE *f = fopen(err, "r");
		char line[1024];
		int leaked = 0, lines = 0;

		while (f && fgets(line, sizeof line, f)) {
			lines++;
			leaked += strstr(line, "secret-pw") || strstr(line, "-tok-");
		}
		if (f)
			fclose(f);
		ok(lines > 0 && leaked == 0, "log (%d lines) holds no password or token", lines);
		unlink(err);
		rmdir(logdir);
	}
	return done_testing();
}
