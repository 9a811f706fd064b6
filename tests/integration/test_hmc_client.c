/* test_hmc_client — the HMC client (hmc.h) against the real simulator.
 *
 * Starts `hmcsim -l 127.0.0.1:0 --ctl SOCK --state-dir DIR --time-scale 10`,
 * discovers its HMC ports with `hmcsim ctl SOCK show hmcs`, then drives
 * logon, the four feeds, every job kind, 401 re-logon, failover, TLS trust
 * (CA file, pin, pin mismatch), timeouts/cancel, 1,000 concurrent jobs and
 * shutdown, checking the simulated world with `hmcsim ctl` after each step.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <ev.h>

#include "../tap.h"
#include "../loopwait.h"
#include "hmc.h"
#include "hmcxml.h"
#include "log.h"
#include "tscale.h"
#include "xmlu.h"

#define SCALE 10.0
#define PW "abc123"

static struct ev_loop *loop;
static char simbin[PATH_MAX], dir[64], sock[128], crt[128];
static pid_t simpid = -1;

struct simhmc {
	char name[32];
	char addr[64];
	int port;
};
static struct simhmc sh[4];
static int nsh;

static void
copy(char *dst, size_t n, const char *src)
{
	size_t l = strnlen(src ? src : "", n - 1);

	memcpy(dst, src ? src : "", l);
	dst[l] = '\0';
}

/* ---- simulator control ------------------------------------------------ */

/* Runs `hmcsim ctl SOCK ARGS`; returns its output (caller frees) or NULL. */
static char * __attribute__((format(printf, 1, 2)))
ctl(const char *fmt, ...)
{
	char args[512], cmd[PATH_MAX * 2 + 600], *out = NULL;
	size_t len = 0, cap = 0;
	char chunk[4096];
	size_t n;
	FILE *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd, "timeout 10 '%s' ctl '%s' %s 2>&1", simbin, sock, args);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			out = realloc(out, cap);
		}
		memcpy(out + len, chunk, n);
		len += n;
	}
	if (out)
		out[len] = '\0';
	else
		out = strdup("");
	pclose(p);
	return out;
}

/* Value of KEY=VALUE in `show counters`, or -1. */
static long long
counter(const char *key)
{
	char *o = ctl("show counters"), *p;
	long long v = -1;
	size_t kl = strlen(key);

	for (p = o; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			v = atoll(p + kl + 1);
			break;
		}
	free(o);
	return v;
}

/* `show vms NAME` -> host and state (underscored). 0 or -1. */
static int
vm_where(const char *name, char *host, size_t hl, char *state, size_t stl)
{
	char *o = ctl("show vms %s", name);
	char n[128], h[128], st[64];
	int rc = -1;

	if (o && sscanf(o, "%127s %127s %63s", n, h, st) == 3 && !strcmp(n, name)) {
		copy(host, hl, h);
		copy(state, stl, st);
		rc = 0;
	}
	free(o);
	return rc;
}

static int
start_sim(void)
{
	char log[128], *o, *line;
	int i, fd;

	snprintf(sock, sizeof sock, "%s/ctl.sock", dir);
	snprintf(log, sizeof log, "%s/hmcsim.log", dir);
	snprintf(crt, sizeof crt, "%s/state/hmcsim.crt", dir);
	simpid = fork();
	if (simpid == -1)
		return -1;
	if (simpid == 0) {
		char sdir[128];
		/* the simulator dies with the test, even if the test crashes */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		snprintf(sdir, sizeof sdir, "%s/state", dir);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(simbin, simbin, "-l", "127.0.0.1:0", "--ctl", sock, "--state-dir", sdir,
		      "--time-scale", "10", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {     /* bounded: 10 s */
		struct timespec ts = { 0, 100000000 };
		if (access(sock, F_OK) == 0) {
			o = ctl("ping");
			if (o && strstr(o, "pong")) {
				free(o);
				break;
			}
			free(o);
		}
		if (waitpid(simpid, NULL, WNOHANG) == simpid) {
			simpid = -1;
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	o = ctl("show hmcs");
	for (line = strtok(o, "\n"); line && nsh < 4; line = strtok(NULL, "\n"))
		if (sscanf(line, "%31s %63s %d", sh[nsh].name, sh[nsh].addr, &sh[nsh].port) == 3)
			nsh++;
	free(o);
	return nsh >= 2 ? 0 : -1;
}

static void
stop_sim(void)
{
	int i;

	if (simpid <= 0)
		return;
	kill(simpid, SIGTERM);
	for (i = 0; i < 50; i++) {
		struct timespec ts = { 0, 100000000 };
		if (waitpid(simpid, NULL, WNOHANG) == simpid)
			return;
		nanosleep(&ts, NULL);
	}
	kill(simpid, SIGKILL);
	waitpid(simpid, NULL, 0);
}

/* ---- loop helpers --------------------------------------------------------- */


/* ---- callback recorders ----------------------------------------------------- */

struct rec {
	int calls;
	enum hmc_errc code;
	int status;
	char msg[700];
	char hmc[32];
	/* feeds (taken) */
	size_t n;
	struct hmc_ms *ms;
	struct hmc_lpar *lpars;
	struct hmc_console *consoles;
	/* jobs */
	int submitted;
	char sub_hmc[32], job_id[32];
	char status_text[48];
	char std_out[256];
	int cmd_rc, rmc_rc;
	int have_reply;
	char result_rc[16];
	/* pin */
	char pin[128];
};

static void
rec_reset(struct rec *r)
{
	if (r->ms)
		hmcxml_free_ms(r->ms, r->n);
	free(r->lpars);
	if (r->consoles)
		hmcxml_free_consoles(r->consoles, r->n);
	memset(r, 0, sizeof *r);
}

static void
rec_err(struct rec *r, const struct hmc_error *err)
{
	r->calls++;
	if (err) {
		r->code = err->code;
		r->status = err->http_status;
		copy(r->msg, sizeof r->msg, err->msg);
		copy(r->hmc, sizeof r->hmc, err->hmc ? err->hmc : "");
	} else {
		r->code = HMC_OK;
	}
}

static void
feed_cb(void *arg, const struct hmc_error *err, struct hmc_feed *f)
{
	struct rec *r = arg;

	rec_err(r, err);
	if (!f)
		return;
	copy(r->hmc, sizeof r->hmc, f->hmc);
	r->n = f->n;
	r->ms = f->ms;
	r->lpars = f->lpars;
	r->consoles = f->consoles;
	f->ms = NULL;           /* taken */
	f->lpars = NULL;
	f->consoles = NULL;
}

static void
done_cb(void *arg, const struct hmc_error *err)
{
	rec_err(arg, err);
}

static void
sub_cb(void *arg, const char *hmc, const char *job_id)
{
	struct rec *r = arg;

	r->submitted++;
	copy(r->sub_hmc, sizeof r->sub_hmc, hmc);
	copy(r->job_id, sizeof r->job_id, job_id);
}

static void
job_cb(void *arg, const struct hmc_error *err, const struct hmc_job_reply *rep)
{
	struct rec *r = arg;
	const char *v;

	rec_err(r, err);
	if (rep) {
		r->have_reply = 1;
		copy(r->status_text, sizeof r->status_text, rep->status_text);
		if ((v = hmc_job_result(rep, "returnCode")))
			copy(r->result_rc, sizeof r->result_rc, v);
	}
}

static void
pt_cb(void *arg, const struct hmc_error *err, const struct hmc_passthru_result *res)
{
	struct rec *r = arg;

	rec_err(r, err);
	if (res) {
		copy(r->std_out, sizeof r->std_out, res->std_out);
		r->cmd_rc = res->cmd_rc;
		r->rmc_rc = res->rmc_rc;
		r->have_reply = res->reply != NULL;
	}
}

static void
pin_cb(void *arg, const struct hmc_error *err, const char *pin)
{
	struct rec *r = arg;

	rec_err(r, err);
	if (pin)
		copy(r->pin, sizeof r->pin, pin);
}

static int state_up, state_down;
static char state_last[64];

static void
state_cb(void *arg, const char *hmc, int up, const char *err)
{
	(void)arg;
	(void)err;
	if (up)
		state_up++;
	else
		state_down++;
	snprintf(state_last, sizeof state_last, "%s=%s", hmc, up ? "up" : "down");
}

/* ---- set helpers ---------------------------------------------------------------- */

static struct hmc_set *
new_set(double probe, int which_mask, const char *pin, const char *ca, int verify,
        const char *password)
{
	char err[300];
	struct hmc_set_opts o = { .probe_interval = probe, .on_state = state_cb };
	struct hmc_set *s = hmc_set_new(loop, &o, err, sizeof err);
	int i;

	if (!s) {
		diag("hmc_set_new: %s", err);
		return NULL;
	}
	for (i = 0; i < nsh; i++) {
		struct hmc_config c;
		if (!(which_mask & (1 << i)))
			continue;
		hmc_config_init(&c);
		c.name = sh[i].name;
		c.host = sh[i].addr;
		c.port = sh[i].port;
		c.user = "hscroot";
		c.password = password ? password : PW;
		c.pin = pin;
		c.ca_file = ca;
		c.tls_verify = verify;
		if (hmc_set_add(s, &c, err, sizeof err) == -1)
			diag("hmc_set_add %s: %s", sh[i].name, err);
	}
	return s;
}

static struct hmc_status
status_of(struct hmc_set *s, const char *name)
{
	struct hmc_status st;
	size_t i;

	memset(&st, 0, sizeof st);
	for (i = 0; i < hmc_set_count(s); i++)
		if (hmc_set_status(s, i, &st) == 0 && !strcmp(st.name, name))
			return st;
	memset(&st, 0, sizeof st);
	return st;
}

static void
read_feed(struct hmc_set *s, struct rec *r, enum hmc_obj obj, const char *host,
          const char *uuid, const char *hmc)
{
	struct hmc_read rq = { .obj = obj, .host_uuid = host, .uuid = uuid, .hmc = hmc };

	rec_reset(r);
	hmc_read(s, &rq, feed_cb, r);
	loopwait_until(loop, &r->calls, 1, 15);
}

static void
run_job(struct hmc_set *s, struct rec *r, const char *group, const char *target,
        const char *op, const struct hmc_param *p, size_t np, const char *host,
        const char *hmc, double timeout, int tmpl)
{
	struct hmc_job_spec spec = {
		.group = group, .target_uuid = target, .operation = op, .params = p,
		.n_params = np, .host_uuid = host, .hmc = hmc, .timeout = timeout,
		.get_template = tmpl,
	};

	rec_reset(r);
	hmc_job_run(s, &spec, sub_cb, job_cb, r);
	loopwait_until(loop, &r->calls, 1, 20);
}

/* ---- world model from the feeds ----------------------------------------------- */

static struct hmc_ms hosts[8];
static size_t nhosts;
static struct hmc_lpar *lpars, *vioses;
static size_t nlpars, nvioses;

static const char *
host_name(const char *uuid)
{
	size_t i;

	for (i = 0; i < nhosts; i++)
		if (!strcasecmp(hosts[i].uuid, uuid))
			return hosts[i].name;
	return "?";
}

static const struct hmc_lpar *
lpar_on(const char *host_uuid, int nth)
{
	size_t i;

	for (i = 0; i < nlpars; i++)
		if (!strcasecmp(lpars[i].ms_uuid, host_uuid) && nth-- == 0)
			return &lpars[i];
	return NULL;
}

/* ---- the tests ------------------------------------------------------------------- */

static void
test_logon_and_feeds(struct hmc_set *s)
{
	struct rec r = {0};
	struct hmc_status st1, st2;
	size_t i, cnt;
	int ok_all;

	hmc_set_start(s);
	for (i = 0; i < 100; i++) {     /* logon + hosts learnt, bounded */
		st1 = status_of(s, "hmc1");
		st2 = status_of(s, "hmc2");
		if (st1.logged_on && st2.logged_on && st1.n_hosts && st2.n_hosts)
			break;
		loopwait_spin(loop, 0.1);
	}
	ok(st1.logged_on && st2.logged_on, "logged on to both HMCs (CA file verification)");
	is_int(st1.logons, 1, "hmc1: one logon");
	ok(st1.up && st2.up, "both HMCs up");
	ok(st1.n_hosts == 4 && st2.n_hosts == 4, "each HMC manages 4 hosts (%zu, %zu)",
	   st1.n_hosts, st2.n_hosts);

	read_feed(s, &r, HMC_OBJ_MS, NULL, NULL, NULL);
	is_int(r.code, HMC_OK, "ManagedSystem feed: %s", r.msg);
	is_int(r.n, 4, "4 managed systems");
	ok_all = r.n > 0;
	for (i = 0; i < r.n && i < 8; i++) {
		ok_all &= r.ms[i].uuid[0] && r.ms[i].name[0] && !strcmp(r.ms[i].state, "operating");
		hosts[i] = r.ms[i];
		hosts[i].vios_uuids = NULL;
		hosts[i].lpar_uuids = NULL;
		hosts[i].n_vios = hosts[i].n_lpars = 0;
	}
	nhosts = r.n < 8 ? r.n : 8;
	ok(ok_all, "every host has uuid, name and state operating");

	read_feed(s, &r, HMC_OBJ_LPAR, NULL, NULL, NULL);
	is_int(r.code, HMC_OK, "LogicalPartition feed: %s", r.msg);
	is_int(r.n, 40, "40 client LPARs");
	ok_all = 1;
	for (i = 0; i < r.n; i++)
		ok_all &= !r.lpars[i].is_vios && r.lpars[i].uuid[0] && r.lpars[i].ms_uuid[0];
	ok(ok_all, "each LPAR has a uuid and its host");
	lpars = r.lpars;
	nlpars = r.n;
	r.lpars = NULL;

	read_feed(s, &r, HMC_OBJ_VIOS, NULL, NULL, NULL);
	is_int(r.code, HMC_OK, "VirtualIOServer feed: %s", r.msg);
	is_int(r.n, 8, "8 VIOSs");
	ok_all = 1;
	for (i = 0; i < r.n; i++)
		ok_all &= r.lpars[i].is_vios && !strcmp(r.lpars[i].type, "Virtual IO Server");
	ok(ok_all, "every VIOS says Virtual IO Server");
	vioses = r.lpars;
	nvioses = r.n;
	r.lpars = NULL;

	read_feed(s, &r, HMC_OBJ_CONSOLE, NULL, NULL, "hmc2");
	ok(r.code == HMC_OK && r.n == 1 && r.consoles[0].name[0] && !strcmp(r.hmc, "hmc2"),
	   "ManagementConsole feed of hmc2: %s (%s)", r.n ? r.consoles[0].name : "-", r.msg);

	/* per-host feed and one entry */
	cnt = 0;
	for (i = 0; i < nlpars; i++)
		cnt += !strcasecmp(lpars[i].ms_uuid, hosts[0].uuid);
	read_feed(s, &r, HMC_OBJ_LPAR, hosts[0].uuid, NULL, NULL);
	ok(r.code == HMC_OK && r.n == cnt && cnt > 0, "per-host LPAR feed of %s: %zu LPARs",
	   hosts[0].name, r.n);
	read_feed(s, &r, HMC_OBJ_LPAR, NULL, lpars[3].uuid, NULL);
	ok(r.code == HMC_OK && r.n == 1 && !strcmp(r.lpars[0].name, lpars[3].name),
	   "entry read of %s", lpars[3].name);
	read_feed(s, &r, HMC_OBJ_LPAR, NULL, "0000DEAD-0000-0000-0000-000000000000", NULL);
	ok(r.code == HMC_EHTTP && r.status == 404, "unknown entry: HTTP 404 (%s)", r.msg);
	read_feed(s, &r, HMC_OBJ_LPAR, NULL, "../../x", NULL);
	is_int(r.code, HMC_EINVAL, "path-unsafe UUID refused");
	read_feed(s, &r, HMC_OBJ_LPAR, NULL, NULL, "nosuch");
	is_int(r.code, HMC_EINVAL, "unknown HMC name refused");
	rec_reset(&r);
}

static void
test_jobs(struct hmc_set *s)
{
	struct rec r = {0};
	char host[64], state[64];
	const struct hmc_lpar *a = lpar_on(hosts[0].uuid, 0);
	const struct hmc_lpar *m = lpar_on(hosts[2].uuid, 0);
	struct hmc_param off[] = { { (char *)"operation", (char *)"shutdown" },
	                           { (char *)"immediate", (char *)"true" } };
	struct hmc_param mig[] = { { (char *)"TargetManagedSystemName", NULL } };
	struct hmc_param rr[] = { { (char *)"Operation", (char *)"restart" },
	                          { (char *)"targetManagedSystemUUID", NULL } };
	long long ds0 = counter("double_starts"), del0 = counter("jobs_deleted");
	int i;
	char *o;

	if (!a || !m) {
		ok(0, "LPARs found on hosts 0 and 2");
		return;
	}
	diag("jobs on %s (host %s) and %s (host %s)", a->name, host_name(a->ms_uuid), m->name,
	     host_name(m->ms_uuid));

	run_job(s, &r, "LogicalPartition", a->uuid, "PowerOff", off, 2, a->ms_uuid, NULL, 0, 0);
	ok(r.code == HMC_OK && !strcmp(r.status_text, "COMPLETED_OK"), "PowerOff: %s %s",
	   r.status_text, r.msg);
	ok(r.submitted == 1 && r.job_id[0], "on_submitted once with job id %s on %s",
	   r.job_id, r.sub_hmc);
	vm_where(a->name, host, sizeof host, state, sizeof state);
	is_str(state, "not_activated", "simulator: %s is not activated", a->name);

	run_job(s, &r, "LogicalPartition", a->uuid, "PowerOff", off, 2, a->ms_uuid, NULL, 0, 0);
	ok(r.code == HMC_EJOB && r.have_reply && strstr(r.msg, "HSCL") &&
	   strstr(r.msg, "COMPLETED_WITH_ERROR"), "PowerOff of a stopped LPAR: HMC_EJOB (%s)",
	   r.msg);

	run_job(s, &r, "LogicalPartition", a->uuid, "PowerOn", NULL, 0, a->ms_uuid, NULL, 0, 1);
	ok(r.code == HMC_OK, "PowerOn (with template GET): %s", r.msg);
	for (i = 0; i < 30; i++) {
		vm_where(a->name, host, sizeof host, state, sizeof state);
		if (!strcmp(state, "running"))
			break;
		loopwait_spin(loop, 0.1);
	}
	is_str(state, "running", "simulator: %s runs again", a->name);

	mig[0].value = hosts[1].name;
	run_job(s, &r, "LogicalPartition", a->uuid, "MigrateValidate", mig, 1, a->ms_uuid,
	        NULL, 0, 0);
	ok(r.code == HMC_OK, "MigrateValidate to %s: %s", hosts[1].name, r.msg);
	vm_where(a->name, host, sizeof host, state, sizeof state);
	is_str(host, hosts[0].name, "validation did not move it");
	run_job(s, &r, "LogicalPartition", a->uuid, "Migrate", mig, 1, a->ms_uuid, NULL, 0, 0);
	ok(r.code == HMC_OK, "Migrate to %s: %s", hosts[1].name, r.msg);
	vm_where(a->name, host, sizeof host, state, sizeof state);
	ok(!strcmp(host, hosts[1].name) && !strcmp(state, "running"),
	   "simulator: %s now runs on %s (%s %s)", a->name, hosts[1].name, host, state);

	/* Remote restart after the source host lost power */
	o = ctl("fault host-power-off %s", hosts[2].name);
	free(o);
	rr[1].value = hosts[3].uuid;
	run_job(s, &r, "LogicalPartition", m->uuid, "RemoteRestart", rr, 2, hosts[3].uuid, NULL,
	        0, 0);
	ok(r.code == HMC_OK, "RemoteRestart of %s to %s: %s", m->name, hosts[3].name, r.msg);
	vm_where(m->name, host, sizeof host, state, sizeof state);
	ok(!strcmp(host, hosts[3].name) && !strcmp(state, "running"),
	   "simulator: %s runs on %s (%s %s)", m->name, hosts[3].name, host, state);
	o = ctl("fault host-power-on %s", hosts[2].name);
	free(o);

	/* PassThroughInterface on a VIOS of host 0 */
	{
		const char *in = "<?xml version=\"1.0\"?><VIO xmlns=\"http://ausgsa.austin.ibm.com/"
		                 "projects/v/vios/schema/vioHADR2.00\" version=\"2.00\" author="
		                 "\"ksys\" title=\"Req Quick Query\"><Request action_str="
		                 "\"VIO_HS_QUICK_QUERY\"/></VIO>";
		size_t k;
		const struct hmc_lpar *v = NULL;

		for (k = 0; k < nvioses; k++)
			if (!strcasecmp(vioses[k].ms_uuid, hosts[0].uuid))
				v = &vioses[k];
		rec_reset(&r);
		hmc_passthru(s, v ? v->uuid : "none", hosts[0].uuid, in, 0, pt_cb, &r);
		loopwait_until(loop, &r.calls, 1, 15);
		ok(r.code == HMC_OK && strstr(r.std_out, "<VIO><Response>") && r.cmd_rc == 0 &&
		   r.rmc_rc == 0, "PassThroughInterface: StdOut %.40s, rc %d/%d (%s)", r.std_out,
		   r.cmd_rc, r.rmc_rc, r.msg);
	}
	loopwait_spin(loop, 0.3);      /* the fire-and-forget DELETEs */
	ok(counter("jobs_deleted") - del0 >= 7, "finished jobs were DELETEd (%lld)",
	   counter("jobs_deleted") - del0);
	is_int(counter("double_starts") - ds0, 0, "no double start");
	rec_reset(&r);
}

static void
test_relogon(struct hmc_set *s)
{
	struct rec r = {0};
	struct hmc_status before = status_of(s, "hmc1"), after;
	long long req0;
	char *o;

	o = ctl("fault http-error hmc1 401 1");
	free(o);
	read_feed(s, &r, HMC_OBJ_MS, NULL, NULL, "hmc1");
	ok(r.code == HMC_OK && r.n == 4, "read after a 401 succeeds: %s", r.msg);
	after = status_of(s, "hmc1");
	is_int(after.relogons - before.relogons, 1, "one re-logon");
	is_int(after.logons - before.logons, 1, "one new logon");

	/* the logon itself refused: no retry storm */
	o = ctl("fault http-error hmc1 401 2");
	free(o);
	read_feed(s, &r, HMC_OBJ_MS, NULL, NULL, "hmc1");
	ok(r.code == HMC_EAUTH && strstr(r.msg, "logon refused for user hscroot") &&
	   !strstr(r.msg, PW), "401 on logon: HMC_EAUTH, names the user only (%s: %s)",
	   hmc_errc_name(r.code), r.msg);
	req0 = counter("http_requests");
	read_feed(s, &r, HMC_OBJ_MS, NULL, NULL, "hmc1");
	is_int(r.code, HMC_EAUTH, "next request fails at once");
	is_int(counter("http_requests") - req0, 0, "without any request to the HMC");
	read_feed(s, &r, HMC_OBJ_MS, NULL, NULL, NULL);
	ok(r.code == HMC_OK && !strcmp(r.hmc, "hmc2"), "routed read goes to hmc2 meanwhile (%s)",
	   r.hmc);
	rec_reset(&r);
	hmc_logon(s, "hmc1", done_cb, &r);
	loopwait_until(loop, &r.calls, 1, 10);
	ok(r.code == HMC_OK && status_of(s, "hmc1").logged_on,
	   "explicit hmc_logon lifts the block: %s", r.msg);
	rec_reset(&r);
}

static void
test_failover(struct hmc_set *s)
{
	struct rec r = {0}, j = {0};
	const struct hmc_lpar *a = lpar_on(hosts[3].uuid, 1);
	struct hmc_param mig[] = { { (char *)"TargetManagedSystemName", NULL } };
	struct hmc_job_spec spec = { 0 };
	int down0 = state_down, up0 = state_up;
	char host[64], state[64];
	char *o;

	o = ctl("fault hmc-down hmc1");
	free(o);
	read_feed(s, &r, HMC_OBJ_MS, NULL, NULL, NULL);
	ok(r.code == HMC_OK && r.n == 4, "MS feed while hmc1 is down: %s %zu from %s %s",
	   hmc_errc_name(r.code), r.n, r.hmc, r.msg);
	read_feed(s, &r, HMC_OBJ_LPAR, hosts[3].uuid, NULL, NULL);
	ok(r.code == HMC_OK && !strcmp(r.hmc, "hmc2"), "per-host feed served by %s", r.hmc);
	ok(!status_of(s, "hmc1").up && status_of(s, "hmc1").last_error[0],
	   "hmc1 marked down: %s", status_of(s, "hmc1").last_error);
	ok(state_down > down0, "state callback saw hmc1 go down (%s)", state_last);
	if (a) {
		struct hmc_param off[] = { { (char *)"operation", (char *)"shutdown" } };
		run_job(s, &j, "LogicalPartition", a->uuid, "PowerOff", off, 1, a->ms_uuid, NULL,
		        0, 0);
		ok(j.code == HMC_OK && !strcmp(j.sub_hmc, "hmc2"),
		   "job submitted to hmc2 while hmc1 is down (%s) %s", j.sub_hmc, j.msg);
		run_job(s, &j, "LogicalPartition", a->uuid, "PowerOn", NULL, 0, a->ms_uuid, NULL,
		        0, 0);
	}
	o = ctl("clear hmc-down hmc1");
	free(o);
	read_feed(s, &r, HMC_OBJ_CONSOLE, NULL, NULL, "hmc1");
	ok(r.code == HMC_OK && status_of(s, "hmc1").up && state_up > up0,
	   "hmc1 back up after the fault cleared: %s", r.msg);

	/* a job lives on its HMC: polled there through a short outage */
	a = lpar_on(hosts[1].uuid, 2);
	if (!a)
		return;
	mig[0].value = hosts[0].name;
	rec_reset(&j);
	spec.group = "LogicalPartition";
	spec.target_uuid = a->uuid;
	spec.operation = "Migrate";
	spec.params = mig;
	spec.n_params = 1;
	spec.hmc = "hmc1";
	hmc_job_run(s, &spec, sub_cb, job_cb, &j);
	loopwait_until(loop, &j.submitted, 1, 10);
	o = ctl("fault hmc-down hmc1");
	free(o);
	loopwait_spin(loop, 0.4);
	o = ctl("clear hmc-down hmc1");
	free(o);
	loopwait_until(loop, &j.calls, 1, 20);
	ok(j.code == HMC_OK && !strcmp(j.sub_hmc, "hmc1"),
	   "Migrate on hmc1 survives an outage of hmc1 while polling: %s", j.msg);
	vm_where(a->name, host, sizeof host, state, sizeof state);
	is_str(host, hosts[0].name, "simulator: migrated");
	rec_reset(&r);
	rec_reset(&j);
}

static void
test_timeout_cancel(struct hmc_set *s)
{
	struct rec j = {0};
	const struct hmc_lpar *a = lpar_on(hosts[0].uuid, 3);
	struct hmc_param mig[] = { { (char *)"TargetManagedSystemName", NULL } };
	struct hmc_job_spec spec = { 0 };
	struct hmc_job *h;
	long long c0 = counter("jobs_canceled");
	char host[64], state[64];

	if (!a)
		return;
	mig[0].value = hosts[1].name;
	/* Migrate takes 10 s (1 s scaled); a 3 s (0.3 s scaled) timeout cancels it */
	run_job(s, &j, "LogicalPartition", a->uuid, "Migrate", mig, 1, a->ms_uuid, NULL, 3, 0);
	ok(j.code == HMC_ETIMEOUT && strstr(j.msg, "timed out after 3 s; cancel requested"),
	   "job timeout: HMC_ETIMEOUT after the cancel (%s)", j.msg);
	is_int(counter("jobs_canceled") - c0, 1, "simulator saw the cancel");
	vm_where(a->name, host, sizeof host, state, sizeof state);
	is_str(host, hosts[0].name, "canceled migration did not move the LPAR");

	rec_reset(&j);
	spec.group = "LogicalPartition";
	spec.target_uuid = a->uuid;
	spec.operation = "Migrate";
	spec.params = mig;
	spec.n_params = 1;
	h = hmc_job_run(s, &spec, sub_cb, job_cb, &j);
	loopwait_until(loop, &j.submitted, 1, 10);
	hmc_job_cancel(h);
	hmc_job_cancel(h);
	is_int(j.calls, 0, "cancel does not call back synchronously");
	loopwait_until(loop, &j.calls, 1, 10);
	ok(j.code == HMC_ECANCELED && strstr(j.msg, "canceled"), "hmc_job_cancel: %s", j.msg);
	loopwait_spin(loop, 0.2);
	is_int(j.calls, 1, "callback exactly once");
	is_int(counter("jobs_canceled") - c0, 2, "simulator saw the second cancel");
	rec_reset(&j);
}

struct many {
	int done, ok, bad;
	char first_err[300];
};

static void
many_cb(void *arg, const struct hmc_error *err, const struct hmc_passthru_result *r)
{
	struct many *m = arg;

	m->done++;
	if (!err && r && strstr(r->std_out, "<VIO><Response>"))
		m->ok++;
	else {
		if (!m->bad++)
			copy(m->first_err, sizeof m->first_err, err ? err->msg : "no StdOut");
	}
}

static struct hmc_set *sample_set;
static unsigned max_inflight, max_jobs_running;

static void
sample_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	size_t i;
	struct hmc_status st;

	(void)l;
	(void)w;
	(void)revents;
	for (i = 0; i < hmc_set_count(sample_set); i++) {
		hmc_set_status(sample_set, i, &st);
		if (st.inflight > max_inflight)
			max_inflight = st.inflight;
		if (st.jobs_running > max_jobs_running)
			max_jobs_running = st.jobs_running;
	}
}

static void
test_thousand(struct hmc_set *s)
{
	struct many m = {0};
	const char *in = "<VIO version=\"2.00\"><Request action_str=\"VIO_HS_QUICK_QUERY\"/></VIO>";
	long long sub0 = counter("jobs_submitted"), ds0 = counter("double_starts");
	ev_timer sample;
	double t0;
	int i;

	sample_set = s;
	ev_timer_init(&sample, sample_cb, 0.01, 0.01);
	ev_timer_start(loop, &sample);
	ev_now_update(loop);
	t0 = ev_time();
	for (i = 0; i < 1000; i++) {
		const struct hmc_lpar *v = &vioses[i % nvioses];
		hmc_passthru(s, v->uuid, v->ms_uuid, in, 0, many_cb, &m);
	}
	i = loopwait_until(loop, &m.done, 1000, 60);
	ev_timer_stop(loop, &sample);
	ok(i, "1000 concurrent PassThroughInterface jobs finished (%.2f s)", ev_time() - t0);
	is_int(m.ok, 1000, "all succeeded with a <VIO><Response> StdOut");
	if (m.bad)
		diag("%d failed, first: %s", m.bad, m.first_err);
	ok(max_inflight <= 32, "per-HMC HTTP request cap held (max %u in flight)", max_inflight);
	ok(max_jobs_running <= 256 && max_jobs_running > 32,
	   "per-HMC running-job cap held (max %u)", max_jobs_running);
	ok(counter("jobs_submitted") - sub0 == 1000, "simulator got exactly 1000 jobs (%lld)",
	   counter("jobs_submitted") - sub0);
	is_int(counter("double_starts") - ds0, 0, "double_starts=0");
}

static void
test_tls(void)
{
	struct rec r = {0};
	struct hmc_set *s;
	char good[128];
	const char *bad = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

	s = new_set(1000, 1, NULL, NULL, 1, NULL);
	hmc_fetch_pin(s, sh[0].addr, sh[0].port, pin_cb, &r);
	loopwait_until(loop, &r.calls, 1, 10);
	ok(r.code == HMC_OK && !strncmp(r.pin, "sha256//", 8) && strlen(r.pin) == 52,
	   "hmc_fetch_pin: %s %s", r.pin, r.msg);
	copy(good, sizeof good, r.pin);

	rec_reset(&r);
	hmc_logon(s, "hmc1", done_cb, &r);
	loopwait_until(loop, &r.calls, 1, 10);
	ok(r.code == HMC_ETLS, "self-signed certificate, no CA file, no pin: refused (%s)", r.msg);
	hmc_set_free(s);

	s = new_set(1000, 1, bad, NULL, 1, NULL);
	rec_reset(&r);
	hmc_logon(s, "hmc1", done_cb, &r);
	loopwait_until(loop, &r.calls, 1, 10);
	{
		char want[512];
		snprintf(want, sizeof want, "hmc1: TLS public key of %s:%d does not match the "
		         "pinned %s (got %s)", sh[0].addr, sh[0].port, bad, good);
		ok(r.code == HMC_ETLS && !strcmp(r.msg, want), "pin mismatch refused: %s", r.msg);
	}
	hmc_set_free(s);

	s = new_set(1000, 1, good, NULL, 1, NULL);
	rec_reset(&r);
	hmc_logon(s, "hmc1", done_cb, &r);
	loopwait_until(loop, &r.calls, 1, 10);
	ok(r.code == HMC_OK, "right pin: logon works with the self-signed cert (%s)", r.msg);
	hmc_set_free(s);

	s = new_set(1000, 1, NULL, NULL, 0, NULL);
	rec_reset(&r);
	hmc_logon(s, "hmc1", done_cb, &r);
	loopwait_until(loop, &r.calls, 1, 10);
	ok(r.code == HMC_OK, "tls_verify=0: works (warned) %s", r.msg);
	hmc_set_free(s);

	s = new_set(1000, 1, NULL, crt, 1, "wrong-secret");
	rec_reset(&r);
	hmc_logon(s, "hmc1", done_cb, &r);
	loopwait_until(loop, &r.calls, 1, 10);
	ok(r.code == HMC_EAUTH && strstr(r.msg, "hscroot") && !strstr(r.msg, "wrong-secret"),
	   "wrong password: HMC_EAUTH without the password in it (%s)", r.msg);
	hmc_set_free(s);
	rec_reset(&r);
}

static int shut_done;

static void
shut_cb(void *arg)
{
	(void)arg;
	shut_done++;
}

static void
test_shutdown(struct hmc_set *s)
{
	struct rec j = {0}, r = {0};
	const struct hmc_lpar *a = lpar_on(hosts[3].uuid, 4);
	struct hmc_param mig[] = { { (char *)"TargetManagedSystemName", NULL } };
	struct hmc_job_spec spec = { 0 };

	if (!a)
		return;
	mig[0].value = hosts[2].name;
	spec.group = "LogicalPartition";
	spec.target_uuid = a->uuid;
	spec.operation = "Migrate";
	spec.params = mig;
	spec.n_params = 1;
	hmc_job_run(s, &spec, sub_cb, job_cb, &j);
	loopwait_until(loop, &j.submitted, 1, 10);
	hmc_set_shutdown(s, shut_cb, NULL);
	is_int(j.calls, 0, "shutdown does not call back synchronously");
	read_feed(s, &r, HMC_OBJ_MS, NULL, NULL, NULL);
	is_int(r.code, HMC_ESHUTDOWN, "new calls after shutdown fail");
	loopwait_until(loop, &shut_done, 1, 10);
	ok(j.calls == 1 && j.code == HMC_ESHUTDOWN && strstr(j.msg, "keeps running on"),
	   "in-flight job failed with HMC_ESHUTDOWN: %s", j.msg);
	is_int(shut_done, 1, "shutdown completed (sessions logged off)");
	hmc_set_free(s);
	rec_reset(&j);
	rec_reset(&r);
}

int
main(void)
{
	char err[300], logpath[PATH_MAX + 32], line[2048];
	const char *kb = getenv("KSYS_BIN");
	struct hmc_set *s;
	FILE *f;
	int leaked = 0;

	signal(SIGPIPE, SIG_IGN);
	if (kb && *kb)
		snprintf(simbin, sizeof simbin, "%s/hmcsim", kb);
	else
		snprintf(simbin, sizeof simbin, "./bin/hmcsim");
	if (access(simbin, X_OK) != 0)
		skip_all("hmcsim not built (no $KSYS_BIN/hmcsim or ./bin/hmcsim)");
	if (system("command -v timeout >/dev/null 2>&1") != 0)
		skip_all("coreutils timeout(1) missing");
	snprintf(dir, sizeof dir, "/tmp/ksys-test-hmc-XXXXXX");
	if (!mkdtemp(dir))
		skip_all("mkdtemp failed");
	if (start_sim() == -1) {
		stop_sim();
		skip_all("hmcsim did not start (see its log in the test directory)");
	}
	diag("hmcsim pid %d: %s %s:%d, %s %s:%d", (int)simpid, sh[0].name, sh[0].addr,
	     sh[0].port, sh[1].name, sh[1].addr, sh[1].port);
	log_init("test_hmc_client", dir, err, sizeof err);
	log_set_level(getenv("KSYS_TEST_LOG") ? getenv("KSYS_TEST_LOG") : "info", err,
	              sizeof err);
	snprintf(logpath, sizeof logpath, "%s/test_hmc_client.log", dir);
	tscale_set(SCALE);
	xmlu_init();
	loop = EV_DEFAULT;

	s = new_set(1000, 3, NULL, crt, 1, NULL);
	ok(s != NULL, "hmc set with hmc1 and hmc2 (CA file %s)", crt);
	if (!s) {
		stop_sim();
		return done_testing();
	}
	test_logon_and_feeds(s);
	if (nlpars == 40 && nhosts == 4 && nvioses == 8) {
		test_jobs(s);
		test_relogon(s);
		test_failover(s);
		test_timeout_cancel(s);
		test_thousand(s);
		test_tls();
		test_shutdown(s);
	} else {
		ok(0, "default topology seen; later tests need it");
		hmc_set_free(s);
	}

	log_close();
	f = fopen(logpath, "r");
	while (f && fgets(line, sizeof line, f))
		if (strstr(line, PW) || strstr(line, "wrong-secret") || strstr(line, "X-API-Session"))
			leaked++;
	if (f)
		fclose(f);
	ok(f != NULL && leaked == 0, "no password or session token in the log");
	free(lpars);
	free(vioses);
	stop_sim();
	if (getenv("KSYS_KEEP_TEST_DIR"))
		diag("kept %s", dir);
	else {
		char cmd[PATH_MAX + 32];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return done_testing();
}
