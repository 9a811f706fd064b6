/* test_disc — the discovery engine (disc.c), its grammar (cmd_disc.c) and the
 * scheduler's decisions (sched.c) without an HMC: the effective ha_monitor
 * chain, lpm_status texts, Quick/Deep due times, every refusal of discover,
 * verify and lpm (with what is allowed), a discovery whose HMC refuses
 * connections (errors named, group stays NEW, event, status 1), a
 * verification with a VM whose blacklist leaves no backup host, an LPM
 * validation that fails (results in the VM row), a shutdown in the middle
 * (the action stays for actions_free to mark interrupted) and the one rerun
 * of an interrupted discovery.  Loopback only: the "HMC" is a closed port.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <ev.h>

#include "../tap.h"
#include "../loopwait.h"
#include "action.h"
#include "cmd.h"
#include "core.h"
#include "disc.h"
#include "hmc.h"
#include "log.h"
#include "sched.h"
#include "store.h"
#include "tscale.h"

static struct ev_loop *loop;
static struct core core;
static struct cmd_source src;
static struct buf out, err;
static char dir[256];

/* A follower recording lines "S:text\n" and its end. */
struct rec {
	struct buf b;
	int ended, status;
};

static void
rec_line(void *ctx, char stream, double when, const char *text)
{
	struct rec *r = ctx;

	(void)when;
	buf_printf(&r->b, "%c:%s\n", stream, text);
}

static void
rec_end(void *ctx, int status)
{
	struct rec *r = ctx;

	r->ended++;
	r->status = status;
}

static int
run(const char *line, struct rec *r)
{
	struct cmd_io io = { rec_line, rec_end, r };
	char copy[512], *argv[32], *p;
	int argc = 0;

	buf_reset(&out);
	buf_reset(&err);
	if (r) {
		buf_reset(&r->b);
		r->ended = r->status = 0;
	}
	snprintf(copy, sizeof(copy), "%s", line);
	for (p = strtok(copy, " "); p && argc < 32; p = strtok(NULL, " "))
		argv[argc++] = p;
	return cmd_run(&src, argc, argv, &out, &err, r ? &io : NULL);
}

#define ERR buf_str(&err)

static void
put_host(const char *name, const char *uuid, const char *hg)
{
	struct store_host h;
	char e[256];

	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "%s", name);
	snprintf(h.uuid, sizeof(h.uuid), "%s", uuid);
	snprintf(h.host_group, sizeof(h.host_group), "%s", hg);
	if (store_host_put(core.store, &h, STORE_UPSERT, e, sizeof(e)) == -1)
		diag("put host %s: %s", name, e);
}

static void
put_vm(const char *name, const char *uuid, const char *host)
{
	struct store_vm v;
	char e[256];

	store_vm_defaults(&v, name);
	snprintf(v.uuid, sizeof(v.uuid), "%s", uuid);
	snprintf(v.host, sizeof(v.host), "%s", host);
	if (store_vm_put(core.store, &v, STORE_UPSERT, e, sizeof(e)) == -1)
		diag("put vm %s: %s", name, e);
}

static struct store_host_group
get_hg(const char *name)
{
	struct store_host_group g;
	char e[256];

	memset(&g, 0, sizeof(g));
	store_host_group_get(core.store, name, &g, e, sizeof(e));
	return g;
}

static void
put_hg(const struct store_host_group *g)
{
	char e[256];

	if (store_host_group_put(core.store, g, STORE_UPSERT, e, sizeof(e)) == -1)
		diag("put hg %s: %s", g->name, e);
}

struct evcount {
	const char *name;
	int n;
	char last[1400];
};

static int
event_cb(const struct store_event *e, void *arg)
{
	struct evcount *c = arg;

	c->n++;
	snprintf(c->last, sizeof(c->last), "%s %s: %s", e->object_kind, e->object_name, e->text);
	return 0;
}

static int
events(const char *name, char *last, size_t len)
{
	struct evcount c = { name, 0, "" };

	store_event_list(core.store, 0, name, 0, event_cb, &c);
	if (last)
		snprintf(last, len, "%s", c.last);
	return c.n;
}

static int
has(const struct rec *r, const char *s)
{
	return strstr(buf_str(&r->b), s) != NULL;
}

static void
pure_tests(void)
{
	const char *hosts[3] = { "rt12", "rt13", "rt14" };
	char s[64];
	int64_t now, due;
	struct tm tm;
	time_t t;

	ok(disc_ha_monitor("", "", "", "disable") == 0, "nothing set, system disable: off");
	ok(disc_ha_monitor("", "", "", "enable") == 0, "VM monitoring is opt-in per VM");
	ok(disc_ha_monitor("enable", "", "", "enable") == 1, "enabled on the VM, switch on");
	ok(disc_ha_monitor("enable", "", "", "disable") == 0, "the system switch off wins");
	ok(disc_ha_monitor("enable", "disable", "", "enable") == 0, "an unwatched host: off");
	ok(disc_ha_monitor("enable", "", "disable", "enable") == 0, "an unwatched group: off");
	ok(disc_ha_monitor("enable", "enable", "disable", "enable") == 1,
	   "a host turned back on inside an unwatched group");
	ok(disc_ha_monitor(NULL, NULL, NULL, NULL) == 0, "nothing at all: off");

	disc_lpm_status(s, sizeof(s), hosts, 2);
	is_str(s, "Validated to rt12, rt13", "lpm_status lists the targets");
	disc_lpm_status(s, 24, hosts, 3);
	is_str(s, "Validated to 3 hosts", "too long: a count");

	setenv("TZ", "UTC", 1);
	tzset();
	now = 1700000000000LL;          /* 2023-11-14 22:13:20 UTC */
	is_int(sched_next_quick(0, now, 1), now + 3600000, "first quick an hour from now");
	is_int(sched_next_quick(now - 600000, now, 1), now + 3000000,
	       "quick an hour after the last one (a restart does not run it early)");
	is_int(sched_next_quick(now, now, 10), now + 360000, "scaled by 10");
	due = sched_next_deep("00:00", 0, now, 1);
	t = (time_t)(due / 1000);
	gmtime_r(&t, &tm);
	ok(tm.tm_hour == 0 && tm.tm_min == 0 && due > now && due - now < 86400000,
	   "deep at the next 00:00 (in %lld s)", (long long)((due - now) / 1000));
	due = sched_next_deep("22:14", 0, now, 1);
	is_int(due - now, 40000, "deep at 22:14 today, 40 s away");
	due = sched_next_deep("22:13", 0, now, 1);
	is_int(due - now, 86400000 - 20000, "22:13 has passed: tomorrow");
	is_int(sched_next_deep("22:14", 0, now, 10) - now, 4000, "the wait is scaled");
	is_int(sched_next_deep("22:14", now - 26 * 3600000LL, now, 1), now,
	       "a run missed while ksysd was down: now");
	is_int(sched_next_deep("22:14", now - 3600000LL, now, 1) - now, 40000,
	       "a run an hour ago: the next one as usual");
	is_int(sched_next_deep("24:00", 0, now, 1), -1, "24:00 is malformed");
	is_int(sched_next_deep("1:00", 0, now, 1), -1, "1:00 is malformed");
}

/* A loopback port nobody listens on (bound, then closed). */
static int
closed_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd != -1 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
		port = ntohs(sa.sin_port);
	if (fd != -1)
		close(fd);
	return port;
}

/* The HMC again, with no known state (so it is not known to be down). */
static void
fresh_hmc(const struct hmc_config *hc)
{
	char e[256];

	if (hmc_set_remove(core.hmcs, hc->name, e, sizeof(e)) == -1 ||
	    hmc_set_add(core.hmcs, hc, e, sizeof(e)) == -1)
		diag("fresh hmc: %s", e);
	loopwait_spin(loop, 0.05);
}

static void
shutdown_done(void *arg)
{
	*(int *)arg = 1;
}

/* Runs the loop until r ended (at most secs). */
static int
wait_end(struct rec *r, double secs)
{
	return loopwait_until(loop, &r->ended, 1, secs);
}

int
main(void)
{
	struct hmc_set_opts o = { .probe_interval = 1000, .request_timeout = 5,
	                          .connect_timeout = 2, .shutdown_bound = 2 };
	struct hmc_config hc;
	struct rec r1 = { { 0 }, 0, 0 }, r2 = { { 0 }, 0, 0 };
	struct store_host_group g;
	struct store_vm vm;
	char e[512], last[1400];
	int rc, port;

	log_init("test_disc", NULL, NULL, 0);
	log_set_level("error", NULL, 0);
	pure_tests();

	snprintf(dir, sizeof(dir), "/tmp/test_disc.XXXXXX");
	if (!mkdtemp(dir))
		skip_all("mkdtemp failed");
	loop = ev_default_loop(0);
	memset(&core, 0, sizeof(core));
	core.loop = loop;
	core.store = store_open(dir, e, sizeof(e));
	if (!core.store) {
		printf("Bail out! store_open: %s\n", e);
		return 1;
	}
	core.hmcs = hmc_set_new(loop, &o, e, sizeof(e));
	core.actions = actions_new(loop, core.store, e, sizeof(e));
	core.disc = disc_new(&core, e, sizeof(e));
	ok(core.hmcs && core.actions && core.disc, "engine created");
	memset(&src, 0, sizeof(src));
	src.store = core.store;
	src.core = &core;

	/* ---- refusals ---- */
	rc = run("discover host_group HG1", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "host group 'HG1' does not exist; no host group "
	   "is defined yet"), "unknown host group, none defined: %s", ERR);
	store_host_group_defaults(&g, "HG1");
	put_hg(&g);
	store_host_group_defaults(&g, "HG2");
	put_hg(&g);
	rc = run("discover host_group HGX", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "host groups: HG1, HG2"),
	   "unknown host group: the known ones are listed: %s", ERR);
	rc = run("discover host_group HG1,HG2", &r1);
	ok(rc == CMD_USAGE && strstr(ERR, "takes one host group"), "one group at a time: %s",
	   ERR);
	rc = run("discover host_group HG1", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "host group HG1 has no hosts; add some with "
	   "'ksysmgr modify host_group HG1 hosts="), "a group without hosts: %s", ERR);
	put_host("rt11", "", "HG1");
	put_host("rt12", "4715697C-A486-3CBB-8B5A-2637FA4DB054", "HG1");
	put_host("rt13", "6E2F37F5-1824-347A-99FD-488F818086DD", "");
	rc = run("discover host_group HG1", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "host rt11 of host group HG1 has no UUID"),
	   "a host without UUID: %s", ERR);
	put_host("rt11", "D04D8A4A-99FA-3E4B-80BC-C9D9716BD8F8", "HG1");
	rc = run("discover host_group HG1", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "no HMC is configured; add one with 'ksysmgr "
	   "add hmc"), "no HMC: %s", ERR);
	port = closed_port();
	hmc_config_init(&hc);
	hc.name = "hmc1";
	hc.host = "127.0.0.1";
	hc.port = port;
	hc.scheme = "http";
	hc.user = "hscroot";
	hc.password = "abc123";
	ok(hmc_set_add(core.hmcs, &hc, e, sizeof(e)) == 0, "an HMC on a closed port");
	rc = run("discover host_group HG1", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "host group HG1 has no repo_disk and no ha_disk: "
	   "the first discovery needs both") && strstr(ERR, "ksysmgr query viodisk"),
	   "the first discovery needs the disks: %s", ERR);
	rc = run("verify host_group HG1", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "host group HG1 was never discovered "
	   "successfully; run 'ksysmgr discover host_group HG1' first"),
	   "no verification before a discovery: %s", ERR);
	rc = run("lpm vm x action=migrate", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "serves only action=validate"),
	   "action=migrate is refused: %s", ERR);
	rc = run("lpm vm x", &r1);
	ok(rc == CMD_USAGE && strstr(ERR, "needs action=validate"), "action= is needed: %s",
	   ERR);
	rc = run("lpm vm nosuch action=validate", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "VM 'nosuch' does not exist"), "unknown VM: %s",
	   ERR);
	rc = run("lpm host nosuch action=validate", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "host 'nosuch' does not exist"), "unknown host: %s",
	   ERR);
	put_vm("vm1", "1A000000-0000-4000-8000-000000000001", "rt11");
	put_vm("vm2", "1A000000-0000-4000-8000-000000000002", "rt11");
	put_vm("vm3", "1A000000-0000-4000-8000-000000000003", "rt13");
	rc = run("lpm vm vm1 to=rt11 action=validate", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "VM vm1 already runs on host rt11"),
	   "to= its own host: %s", ERR);
	rc = run("lpm vm vm1 to=rt13 action=validate", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "host rt13 is not in host group HG1 of VM vm1"),
	   "to= outside the group: %s", ERR);
	rc = run("lpm vm vm1 to=rt99 action=validate", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "to=rt99: no such host"), "to= unknown: %s", ERR);
	rc = run("lpm vm vm3 action=validate", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "VM vm3 is on host rt13, which is in no host "
	   "group"), "a VM outside any group: %s", ERR);
	rc = run("lpm host rt12 action=validate", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "host rt12 has no managed VMs"),
	   "a host without VMs: %s", ERR);

	/* ---- a discovery whose HMC does not answer ---- */
	g = get_hg("HG1");
	snprintf(g.repo_disk, sizeof(g.repo_disk), "DISKA");
	snprintf(g.ha_disk, sizeof(g.ha_disk), "DISKB");
	put_hg(&g);
	rc = run("discover host_group HG1 verify=yes", &r1);
	is_int(rc, CMD_PENDING, "discover answers through the action (%s)", ERR);
	ok(has(&r1, "O:Running discovery on Host_group HG1, this may take few minutes...\n"),
	   "the Redbook's first line");
	rc = run("discover host_group HG1", &r2);
	ok(rc == CMD_REFUSED && strstr(ERR, "a discovery is already running as action") &&
	   strstr(ERR, "monitor=yes"), "a second discovery is refused: %s", ERR);
	rc = run("verify host_group HG1", &r2);
	ok(rc == CMD_REFUSED && strstr(ERR, "a discovery is already running"),
	   "so is a verification: %s", ERR);
	ok(disc_running(core.disc) == 1, "one run");
	ok(wait_end(&r1, 15), "the discovery ended");
	is_int(r1.status, CMD_REFUSED, "with status 1");
	ok(has(&r1, "P:\tERROR: reading host rt11 from the HMC failed: unreachable:") &&
	   has(&r1, "P:\tERROR: reading host rt12 from the HMC failed:"),
	   "each host's read error is named");
	ok(has(&r1, "O:ERROR: Discovery has encountered an error for Host_group HG1 please "
	   "investigate\nO:Discovery has finished for HG1\nO:0 out of 0 managed VMs have "
	   "been successfully discovered\n"), "summary lines");
	ok(has(&r1, "Verification of HG1 skipped: its discovery did not succeed"),
	   "verification skipped");
	g = get_hg("HG1");
	ok(strcmp(g.state, "NEW") == 0 && g.discovered_ms == 0, "the group stays NEW");
	ok(events("DISCOVERY_FAILED", last, sizeof(last)) == 1 && strstr(last, "host_group HG1"),
	   "event DISCOVERY_FAILED: %s", last);
	ok(store_vm_get(core.store, "vm1", &vm, e, sizeof(e)) == 0, "VMs are kept");
	is_int(disc_running(core.disc), 0, "no run left");

	/* ---- verification: a blacklist without backup host, failing jobs ---- */
	rc = run("verify host_group HG1", &r1);
	ok(rc == CMD_REFUSED && strstr(ERR, "no HMC is reachable (hmc1: "),
	   "the HMC is known down now: refused, with its error: %s", ERR);
	fresh_hmc(&hc);
	g = get_hg("HG1");
	snprintf(g.state, sizeof(g.state), "READY");
	g.discovered_ms = 1;
	put_hg(&g);
	ok(store_vm_blacklist_add(core.store, "vm2", "rt12", e, sizeof(e)) == 0,
	   "vm2 may not go to rt12");
	rc = run("verify host_group HG1", &r1);
	is_int(rc, CMD_PENDING, "verify answers through the action (%s)", ERR);
	ok(wait_end(&r1, 15), "the verification ended");
	is_int(r1.status, CMD_REFUSED, "status 1");
	ok(has(&r1, "O:Host_group verification started for HG1\n"), "header");
	ok(has(&r1, "P:\tvm1 verification has started\n") &&
	   has(&r1, "P:\tERROR: Verify has encountered an error for VM vm1\n") &&
	   has(&r1, "P:\tERROR: Verify has encountered an error for VM vm2\n"),
	   "per VM lines");
	ok(has(&r1, "O:Verification has finished for HG1\nO:0 out of 2 VMs have been "
	   "successfully verified\nO:Unverified VMs:\nO:\tvm1\nO:\tvm2\n"), "summary");
	ok(has(&r1, "O:Following error is returned for VM vm2:\nO:no backup host left "
	   "(blacklist)\n"), "vm2: no backup host left");
	ok(has(&r1, "O:Following error is returned for VM vm1:\nO:to rt12: unreachable:"),
	   "vm1: the HMC's error for target rt12");
	ok(has(&r1, "O:Please review the error(s) and take any corrective actions\n"),
	   "closing line");
	ok(store_vm_get(core.store, "vm2", &vm, e, sizeof(e)) == 0 &&
	   strcmp(vm.state, "VERIFY_FAILED") == 0 && strcmp(vm.lpm_status, "Failed") == 0 &&
	   strcmp(vm.verify_error, "no backup host left (blacklist)") == 0 && vm.verified_ms,
	   "vm2's row: VERIFY_FAILED, Failed, the error, the time");
	is_int(events("VM_VERIFY_FAILED", NULL, 0), 2, "two VM_VERIFY_FAILED events");
	ok(events("HG_VERIFY_COMPLETED", last, sizeof(last)) == 1 &&
	   strstr(last, "0 out of 2 VMs verified"), "HG_VERIFY_COMPLETED: %s", last);
	ok(get_hg("HG1").verified_ms > 0, "the group's verification time is kept");

	/* ---- LPM validation on demand ---- */
	fresh_hmc(&hc);
	rc = run("lpm vm vm2,vm1,vm2 to=rt12 action=validate", &r1);
	is_int(rc, CMD_PENDING, "lpm vm validate (%s)", ERR);
	ok(has(&r1, "O:LPM validation started for VM vm2,vm1 to rt12\n"),
	   "header names the VMs once each and the target");
	ok(wait_end(&r1, 15), "ended");
	ok(has(&r1, "P:\tvm2 validation has started\n") &&
	   has(&r1, "P:\tERROR: LPM validation has encountered an error for VM vm2\n"),
	   "an explicit target ignores the blacklist and is tried");
	ok(has(&r1, "O:LPM validation has finished for VM vm2,vm1 to rt12\nO:0 out of 2 VMs "
	   "have been successfully validated\nO:Unvalidated VMs:\n"), "summary");
	ok(store_vm_get(core.store, "vm1", &vm, e, sizeof(e)) == 0 &&
	   strcmp(vm.state, "VERIFY_FAILED") == 0 && strncmp(vm.verify_error, "to rt12: ", 9)
	   == 0, "the row has the validation error, the state is verification's");
	fresh_hmc(&hc);
	rc = run("lpm host D04D8A4A-99FA-3E4B-80BC-C9D9716BD8F8 action=validate", &r1);
	ok(rc == CMD_PENDING && has(&r1, "O:LPM validation started for host rt11\n"),
	   "lpm host by UUID (%s)", ERR);
	ok(wait_end(&r1, 15) && has(&r1, "0 out of 2 VMs have been successfully validated"),
	   "both VMs of rt11 were validated");

	/* ---- shutdown in the middle of a discovery ---- */
	{
		int done = 0;
		struct store_action a;
		int64_t id;

		g = get_hg("HG1");
		snprintf(g.state, sizeof(g.state), "NEW");
		put_hg(&g);
		fresh_hmc(&hc);
		rc = run("discover host_group HG1", &r1);
		is_int(rc, CMD_PENDING, "a discovery starts");
		id = actions_latest(core.actions);
		core.stopping = 1;
		rc = run("discover host_group HG2", &r2);
		ok(rc == CMD_REFUSED && strstr(ERR, "ksysd is stopping"),
		   "nothing new while stopping: %s", ERR);
		hmc_set_shutdown(core.hmcs, shutdown_done, &done);
		loopwait_until(loop, &done, 1, 5.0);
		ok(done, "the HMC client shut down");
		hmc_set_free(core.hmcs);
		is_int(disc_running(core.disc), 0, "the run was dropped at shutdown");
		ok(!r1.ended, "its action was not ended by the engine");
		ok(store_action_get(core.store, id, &a, e, sizeof(e)) == 0 &&
		   strcmp(a.state, "running") == 0, "it is still running in the store");
		disc_free(core.disc);
		actions_free(core.actions);
		ok(r1.ended == 1 && store_action_get(core.store, id, &a, e, sizeof(e)) == 0 &&
		   strcmp(a.state, "interrupted") == 0, "actions_free marks it interrupted");
	}

	/* ---- a new engine reruns the interrupted discovery, once ---- */
	{
		struct hmc_set *h2 = hmc_set_new(loop, &o, e, sizeof(e));
		struct store_action a;
		struct sched *sc;
		int64_t before;

		tscale_set(10);
		hmc_set_add(h2, &hc, e, sizeof(e));
		core.hmcs = h2;
		core.stopping = 0;
		core.actions = actions_new(loop, core.store, e, sizeof(e));
		core.disc = disc_new(&core, e, sizeof(e));
		before = actions_latest(core.actions);
		sc = sched_new(&core, e, sizeof(e));
		ok(sc != NULL, "scheduler created");
		loopwait_spin(loop, 0.5);
		ok(actions_latest(core.actions) > before, "a new action started");
		ok(store_action_get(core.store, actions_latest(core.actions), &a, e, sizeof(e)) == 0
		   && strcmp(a.kind, "discover") == 0 && strcmp(a.object, "HG1") == 0,
		   "it is the discovery of HG1");
		for (int i = 0; i < 100 && disc_running(core.disc); i++)
			loopwait_spin(loop, 0.05);
		is_int(disc_running(core.disc), 0, "the rerun ended");
		sched_free(sc);
		before = actions_latest(core.actions);
		sc = sched_new(&core, e, sizeof(e));
		loopwait_spin(loop, 0.5);
		is_int(actions_latest(core.actions), before, "a second start does not rerun it");
		sched_free(sc);
		disc_free(core.disc);
		actions_free(core.actions);
		hmc_set_free(h2);
	}

	buf_free(&r1.b);
	buf_free(&r2.b);
	buf_free(&out);
	buf_free(&err);
	store_close(core.store);
	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return done_testing();
}
