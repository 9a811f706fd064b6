/* test_world — hmcsim's world model: state names, capacity accounting, the
 * HMC operations' preconditions and HSCL errors, the remote restart rule,
 * stale instances and double starts, host power effects, the fault grammar
 * (faults.c), `show` output (ctl.c) and the fault timeline; RMC faults and
 * LPM validation, the disks and OS versions VIOS entries serve, and the
 * pass-through bookkeeping (passthru.c).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "simctl.h"
#include "faults.h"
#include "feeds.h"
#include "hmcxml.h"
#include "log.h"
#include "passthru.h"
#include "xmlu.h"
#include "../tap.h"
#include "topo.h"
#include "world.h"

static char err[1024];

static struct world *
fresh(void)
{
	struct world *w = world_new(NULL);

	if (!w || simtopo_load_default(w, NULL, NULL, err, sizeof err) == -1) {
		printf("# cannot build the default world: %s\n", err);
		exit(1);
	}
	return w;
}

static struct sim_lpar *
L(struct world *w, const char *name)
{
	struct sim_lpar *l = world_lpar_by_name(w, name);

	if (!l) {
		printf("# no lpar %s\n", name);
		exit(1);
	}
	return l;
}

static struct sim_host *
H(struct world *w, const char *name)
{
	struct sim_host *h = world_host_by_name(w, name);

	if (!h) {
		printf("# no host %s\n", name);
		exit(1);
	}
	return h;
}

static int
starts_with(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Run "fault|clear KIND ARGS..." given as one string. */
static int
fx(struct world *w, int clear, const char *line)
{
	char copy[512], *save = NULL, *tok;
	const char *argv[16];
	int argc = 0;

	snprintf(copy, sizeof copy, "%s", line);
	for (tok = strtok_r(copy, " ", &save); tok && argc < 16;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	err[0] = '\0';
	return simfault_exec(w, clear, argc, argv, 0, err, sizeof err);
}

static void
test_names(void)
{
	enum sim_host_state hs;
	enum sim_lpar_state ls;

	is_str(world_host_state_name(SIM_HOST_OPERATING), "operating", "host state operating");
	is_str(world_host_state_name(SIM_HOST_POWER_OFF), "power off", "host state power off");
	is_str(world_host_state_name(SIM_HOST_POWER_OFF_IN_PROGRESS), "power off in progress",
	       "host state power off in progress");
	is_str(world_host_state_name(SIM_HOST_ERROR), "error", "host state error");
	is_str(world_host_state_name(SIM_HOST_NO_CONNECTION), "no connection",
	       "host state no connection");
	is_str(world_host_state_name(SIM_HOST_INITIALIZING), "initializing",
	       "host state initializing");
	is_str(world_lpar_state_name(SIM_LPAR_NOT_ACTIVATED), "not activated", "lpar not activated");
	is_str(world_lpar_state_name(SIM_LPAR_RUNNING), "running", "lpar running");
	is_str(world_lpar_state_name(SIM_LPAR_STARTING), "starting", "lpar starting");
	is_str(world_lpar_state_name(SIM_LPAR_SHUTTING_DOWN), "shutting down", "lpar shutting down");
	is_str(world_lpar_state_name(SIM_LPAR_ERROR), "error", "lpar error");
	is_str(world_lpar_state_name(SIM_LPAR_NOT_AVAILABLE), "not available", "lpar not available");
	is_str(world_lpar_state_name(SIM_LPAR_OPEN_FIRMWARE), "open firmware", "lpar open firmware");
	is_str(world_lpar_state_name(SIM_LPAR_MIGRATING_RUNNING), "migrating running",
	       "lpar migrating running");
	ok(world_host_state_parse("no_connection", &hs) == 0 && hs == SIM_HOST_NO_CONNECTION,
	   "host state parses in the underscore form");
	ok(world_host_state_parse("Power Off", &hs) == 0 && hs == SIM_HOST_POWER_OFF,
	   "host state parses the HMC spelling, any case");
	ok(world_host_state_parse("powered off", &hs) == -1, "unknown host state refused");
	ok(world_lpar_state_parse("not_activated", &ls) == 0 && ls == SIM_LPAR_NOT_ACTIVATED,
	   "lpar state parses");
}

static void
test_lookups_capacity(void)
{
	struct world *w = fresh();
	struct sim_lpar *l = L(w, "rt11001");
	char lower[SIM_UUID_LEN];
	size_t i;

	for (i = 0; l->uuid[i]; i++)
		lower[i] = (char)(l->uuid[i] >= 'A' && l->uuid[i] <= 'F' ?
		                  l->uuid[i] - 'A' + 'a' : l->uuid[i]);
	lower[i] = '\0';
	ok(world_lpar_by_uuid(w, lower) == l, "UUID lookup is case-insensitive");
	ok(world_host_by_uuid(w, H(w, "rt12")->uuid) == H(w, "rt12"), "host by uuid");
	ok(world_lpar_by_name(w, "nope") == NULL, "unknown name gives NULL");
	ok(world_hmc_by_name(w, "hmc2") == &w->hmcs[1], "hmc by name");
	ok(world_host_managed_by(H(w, "rt13"), &w->hmcs[1]), "rt13 managed by hmc2");
	/* rt11: 24 PU installed, 2 VIOSs at 1.0, ten LPARs totalling 16.75 */
	ok(world_host_proc_avail(w, H(w, "rt11")) > 5.249 &&
	   world_host_proc_avail(w, H(w, "rt11")) < 5.251, "rt11 has 5.25 PU free");
	is_int(world_host_mem_avail(w, H(w, "rt11")), 512 * 1024 - (16 + 232) * 1024,
	       "rt11 free memory = installed - VIOSs - running LPARs");
	/* rt12007 is not activated: it uses nothing */
	ok(world_host_proc_avail(w, H(w, "rt12")) > 5.25 + L(w, "rt12007")->proc_desired - 0.001,
	   "a not activated LPAR uses no capacity");
	world_free(w);
}

static void
test_power(void)
{
	struct world *w = fresh();
	struct sim_lpar *l = L(w, "rt12007"), *r = L(w, "rt11001");
	struct sim_host *h = H(w, "rt12");
	double before = world_host_proc_avail(w, h);

	ok(world_power_on(w, r, NULL, err, sizeof err) == -1 && starts_with(err, "HSCL3681"),
	   "PowerOn of a running LPAR: HSCL3681 (%s)", err);
	ok(world_power_on(w, l, "norm", err, sizeof err) == 0, "PowerOn of not activated LPAR");
	is_int(l->state, SIM_LPAR_RUNNING, "it is running");
	ok(world_host_proc_avail(w, h) < before - l->proc_desired + 0.001,
	   "its processing units are now in use");
	is_int(w->ctr.power_on, 1, "power_on counted");
	ok(world_power_off(w, l, 0, err, sizeof err) == 0, "PowerOff of a running LPAR");
	is_int(l->state, SIM_LPAR_NOT_ACTIVATED, "it is not activated");
	ok(world_power_off(w, l, 1, err, sizeof err) == -1 && starts_with(err, "HSCL1558"),
	   "PowerOff again: HSCL1558 already off (%s)", err);
	is_int(w->ctr.power_off, 1, "power_off counted once");

	l->state = SIM_LPAR_ERROR;
	ok(world_power_off(w, l, 1, err, sizeof err) == 0, "PowerOff of an error partition");
	l->state = SIM_LPAR_STARTING;
	ok(world_power_off(w, l, 1, err, sizeof err) == 0, "PowerOff of a starting partition");

	ok(world_power_on(w, l, "sms", err, sizeof err) == 0 &&
	   l->state == SIM_LPAR_OPEN_FIRMWARE, "PowerOn bootmode=sms stops in open firmware");
	world_power_off(w, l, 1, err, sizeof err);

	l->proc_desired = 100;
	ok(world_power_on(w, l, NULL, err, sizeof err) == -1 && starts_with(err, "HSCL0B22"),
	   "PowerOn without enough processing units: HSCL0B22 (%s)", err);
	is_int(l->state, SIM_LPAR_NOT_ACTIVATED, "refused PowerOn changes nothing");
	l->proc_desired = 1;
	l->mem_desired_mb = 10LL * 1024 * 1024;
	ok(world_power_on(w, l, NULL, err, sizeof err) == -1 && starts_with(err, "HSCL0B23"),
	   "PowerOn without enough memory: HSCL0B23 (%s)", err);
	l->mem_desired_mb = 1024;

	world_host_power_off(w, h);
	ok(world_power_on(w, l, NULL, err, sizeof err) == -1 && starts_with(err, "HSCL0A99"),
	   "PowerOn on a powered-off host: HSCL0A99 (%s)", err);
	ok(world_power_off(w, L(w, "rt12001"), 0, err, sizeof err) == -1 &&
	   starts_with(err, "HSCL05DF"), "PowerOff of a not available LPAR: HSCL05DF (%s)", err);
	world_free(w);
}

static void
test_host_power(void)
{
	struct world *w = fresh();
	struct sim_host *h = H(w, "rt12");
	size_t i, na = 0, on = 0;

	world_host_power_off(w, h);
	is_str(world_host_state_name(h->state), "power off", "host-power-off: host power off");
	for (i = 0; i < w->n_lpars; i++) {
		if (w->lpars[i].host != h->idx)
			continue;
		on++;
		if (w->lpars[i].state == SIM_LPAR_NOT_AVAILABLE)
			na++;
	}
	is_int(na, 12, "all 12 partitions of rt12 (VIOSs included) are not available");
	is_int(on, 12, "they keep their definitions on rt12");
	ok(world_host_proc_avail(w, h) > 23.99, "a powered-off host uses no capacity");
	world_host_power_on(w, h, 0);
	is_int(h->state, SIM_HOST_OPERATING, "host-power-on: operating");
	is_int(L(w, "rt12v1")->state, SIM_LPAR_RUNNING, "VIOS running again");
	is_int(L(w, "rt12v2")->state, SIM_LPAR_RUNNING, "second VIOS running again");
	is_int(L(w, "rt12001")->state, SIM_LPAR_NOT_ACTIVATED, "client LPAR not activated");
	is_int(L(w, "rt12007")->state, SIM_LPAR_NOT_ACTIVATED, "stopped LPAR still not activated");
	is_int(w->ctr.double_starts, 0, "no double start");

	world_host_set_state(w, h, SIM_HOST_NO_CONNECTION, 0);
	is_int(L(w, "rt12v1")->state, SIM_LPAR_RUNNING,
	       "no connection: partitions keep running (the HMC just lost sight)");
	world_free(w);
}

static void
test_remote_restart(void)
{
	struct world *w = fresh();
	struct sim_lpar *l = L(w, "rt11001");
	struct sim_host *src = H(w, "rt11"), *dst = H(w, "rt14");
	double dst_before = world_host_proc_avail(w, dst);

	ok(world_remote_restart(w, l, dst, err, sizeof err) == -1 &&
	   starts_with(err, "HSCLA9E1"), "RemoteRestart refused while the source is "
	   "operating: HSCLA9E1 (%s)", err);
	ok(strstr(err, "operating") != NULL, "the refusal names the source state");
	is_int(l->host, src->idx, "refused restart leaves the LPAR on its host");
	is_int(l->state, SIM_LPAR_RUNNING, "and running");
	ok(world_remote_restart(w, L(w, "rt11v1"), dst, err, sizeof err) == -1 &&
	   starts_with(err, "HSCLA9E2"), "a VIOS cannot be remote restarted (%s)", err);

	world_host_power_off(w, src);
	ok(world_remote_restart(w, l, src, err, sizeof err) == -1 &&
	   starts_with(err, "HSCLA9E3"), "target = source refused (%s)", err);
	world_host_power_off(w, H(w, "rt13"));
	ok(world_remote_restart(w, l, H(w, "rt13"), err, sizeof err) == -1 &&
	   starts_with(err, "HSCL0A99"), "target not operating refused (%s)", err);
	world_host_power_on(w, H(w, "rt13"), 0);
	L(w, "rt11002")->proc_desired = 40;
	ok(world_remote_restart(w, L(w, "rt11002"), H(w, "rt12"), err, sizeof err) == -1 &&
	   starts_with(err, "HSCL0B22"), "target without room refused (%s)", err);
	L(w, "rt11002")->proc_desired = 1;

	ok(world_remote_restart(w, l, dst, err, sizeof err) == 0,
	   "RemoteRestart allowed once the source is powered off");
	is_int(l->host, dst->idx, "the LPAR's current instance is on the target");
	is_int(l->state, SIM_LPAR_RUNNING, "and running");
	is_int(l->stale_host, src->idx, "a stale instance stays on the source");
	is_int(l->stale_state, SIM_LPAR_NOT_AVAILABLE, "the stale instance is not available");
	is_str(l->rr_state, "Remote_Restarted", "rr_state updated");
	is_str(l->stale_rr_state, "Source_Remote_Restarted", "stale rr_state");
	ok(world_host_proc_avail(w, dst) < dst_before - l->proc_desired + 0.001,
	   "target capacity accounts for the restarted LPAR");
	is_int(w->ctr.remote_restart, 1, "remote_restart counted");
	is_int(w->ctr.double_starts, 0, "no double start");

	ok(world_rr_cleanup(w, l, err, sizeof err) == -1 && starts_with(err, "HSCL0A99"),
	   "cleanup refused while the source is down (%s)", err);
	world_host_power_on(w, src, 0);
	is_int(l->stale_state, SIM_LPAR_NOT_ACTIVATED,
	       "host back: the stale instance reappears not activated");
	is_int(l->state, SIM_LPAR_RUNNING, "the current instance keeps running on the target");
	is_int(w->ctr.double_starts, 0, "still no double start");
	ok(world_migrate(w, l, src, 1, err, sizeof err) == -1 && starts_with(err, "HSCLA9E4"),
	   "migrating onto a host with stale data refused (%s)", err);
	ok(world_rr_cleanup(w, l, err, sizeof err) == 0, "cleanup once the source is back");
	is_int(l->stale_host, -1, "no stale instance after cleanup");
	is_str(l->rr_state, "Remote_Restartable", "remote restartable again");
	ok(world_rr_cleanup(w, l, err, sizeof err) == -1 && starts_with(err, "HSCLA9E5"),
	   "nothing left to clean up (%s)", err);
	world_free(w);
}

static void
test_double_starts(void)
{
	struct world *w = fresh();
	struct sim_lpar *l = L(w, "rt12001"), *m = L(w, "rt13001");
	struct sim_host *h12 = H(w, "rt12"), *h13 = H(w, "rt13"), *h14 = H(w, "rt14");
	double before;

	world_host_power_off(w, h12);
	ok(world_remote_restart(w, l, h14, err, sizeof err) == 0, "rt12001 restarted on rt14");
	before = world_host_proc_avail(w, h12);
	ok(simfault_exec(w, 0, 3, (const char *[]){ "host-power-on", "rt12", "restart-stale" },
	                 0, err, sizeof err) == 0, "fault host-power-on rt12 restart-stale");
	is_int(l->stale_state, SIM_LPAR_RUNNING, "the stale instance was started");
	is_int(l->state, SIM_LPAR_RUNNING, "while the current one runs on rt14");
	is_int(w->ctr.double_starts, 1, "double start counted");
	ok(world_host_proc_avail(w, h12) < before - 2 - l->proc_desired + 0.001,
	   "the stale instance holds capacity on its host (VIOSs too)");

	ok(world_power_off(w, l, 1, err, sizeof err) == 0 && l->state ==
	   SIM_LPAR_NOT_ACTIVATED && l->stale_state == SIM_LPAR_RUNNING,
	   "PowerOff stops the current instance first");
	ok(world_power_on(w, l, NULL, err, sizeof err) == 0, "PowerOn with the stale one running");
	is_int(w->ctr.double_starts, 2, "that is a second double start");
	world_power_off(w, l, 1, err, sizeof err);
	ok(world_power_off(w, l, 1, err, sizeof err) == 0 &&
	   l->stale_state == SIM_LPAR_NOT_ACTIVATED,
	   "PowerOff with the current instance stopped stops the stale one");

	/* The split-brain case: the HMC lost the host but the LPAR still runs. */
	world_host_set_state(w, h13, SIM_HOST_NO_CONNECTION, 0);
	ok(world_remote_restart(w, m, h14, err, sizeof err) == 0,
	   "rrstartlpar allows a source in no connection");
	is_int(m->stale_state, SIM_LPAR_RUNNING, "the source instance is still running");
	is_int(w->ctr.double_starts, 3, "the restart is counted as a double start");
	world_free(w);
}

static void
test_migrate(void)
{
	struct world *w = fresh();
	struct sim_lpar *l = L(w, "rt11003");
	struct sim_host *src = H(w, "rt11"), *dst = H(w, "rt14");

	ok(world_migrate(w, l, dst, 1, err, sizeof err) == 0, "MigrateValidate ok");
	is_int(l->host, src->idx, "validate does not move the LPAR");
	is_int(w->ctr.migrate, 0, "validate is not a migration");
	{
		struct sim_lpar *off = L(w, "rt12007");
		ok(world_migrate(w, off, dst, 1, err, sizeof err) == 0,
		   "a not activated LPAR validates for inactive migration");
		world_lpar_set_rmc(w, off, 0);
		ok(world_migrate(w, off, dst, 0, err, sizeof err) == 0 && off->host == dst->idx &&
		   off->state == SIM_LPAR_NOT_ACTIVATED,
		   "it moves without RMC and stays not activated");
		world_lpar_set_rmc(w, off, 1);
		off->state = SIM_LPAR_ERROR;
		ok(world_migrate(w, off, src, 1, err, sizeof err) == -1 &&
		   starts_with(err, "HSCL05DF"), "a partition in error cannot migrate (%s)", err);
	}
	ok(world_migrate(w, L(w, "rt11v1"), dst, 1, err, sizeof err) == -1 &&
	   starts_with(err, "HSCLB103"), "a VIOS cannot migrate (%s)", err);
	ok(world_migrate(w, l, src, 0, err, sizeof err) == -1 && starts_with(err, "HSCLA9E3"),
	   "migrating to its own host refused (%s)", err);
	world_host_power_off(w, H(w, "rt13"));
	ok(world_migrate(w, l, H(w, "rt13"), 1, err, sizeof err) == -1 &&
	   starts_with(err, "HSCL0A99"), "target must be operating (%s)", err);
	ok(world_migrate(w, l, dst, 0, err, sizeof err) == 0, "Migrate ok");
	is_int(l->host, dst->idx, "the LPAR moved");
	is_int(l->state, SIM_LPAR_RUNNING, "still running");
	is_int(l->stale_host, -1, "no stale instance after a migration");
	is_int(w->ctr.migrate, 2, "migrations counted (the inactive one too)");
	world_free(w);
}

static int hook_calls;

static void
hook(struct world *w, struct sim_hmc *h, void *arg)
{
	(void)w;
	(void)h;
	(void)arg;
	hook_calls++;
}

static void
test_faults(void)
{
	struct world *w = fresh();
	struct sim_hmc *h1 = &w->hmcs[0];
	char code[16];

	w->hooks.hmc_changed = hook;
	ok(fx(w, 0, "bogus rt11") == -1 && strstr(err, "unknown fault kind 'bogus'"),
	   "unknown kind refused: %s", err);
	ok(fx(w, 0, "hmc-slow hmc1") == -1 && strstr(err, "usage: fault hmc-slow"),
	   "missing args refused: %s", err);
	ok(fx(w, 0, "host-power-off") == -1 && strstr(err, "usage"), "missing NAME: %s", err);
	ok(fx(w, 0, "host-power-off rt11 extra") == -1, "too many args refused");
	ok(fx(w, 0, "host-power-off nohost") == -1 && strstr(err, "no host named 'nohost'"),
	   "unknown host: %s", err);
	ok(fx(w, 0, "hmc-down hmc9") == -1 && strstr(err, "no HMC named"), "unknown HMC: %s", err);
	ok(fx(w, 0, "hmc-slow hmc1 fast") == -1 && strstr(err, "MS"), "bad MS: %s", err);
	ok(fx(w, 0, "http-error hmc1 200") == -1 && strstr(err, "CODE"), "bad HTTP code: %s", err);
	ok(fx(w, 0, "http-error hmc1 503 0") == -1 && strstr(err, "COUNT"), "bad count: %s", err);
	ok(fx(w, 0, "job-fail hmc1 PowerOn 1234") == -1 && strstr(err, "HSCLCODE"),
	   "bad HSCL code refused: %s", err);
	ok(fx(w, 0, "job-fail hmc1 Reboot HSCL0DB4") == -1 && strstr(err, "unknown job operation"),
	   "unknown operation refused: %s", err);
	ok(fx(w, 0, "host-power-on rt11 now") == -1 && strstr(err, "restart-stale"),
	   "bad option refused: %s", err);
	ok(fx(w, 0, "host-state rt11 sleeping") == -1, "bad host state refused");
	ok(fx(w, 1, "host-power-on rt11") == -1 && strstr(err, "cannot be cleared"),
	   "host-power-on cannot be cleared: %s", err);
	ok(fx(w, 1, "hmc-down hmc1 extra") == -1 && strstr(err, "usage: clear"),
	   "clear takes only NAME: %s", err);
	is_int(w->hosts[0].state, SIM_HOST_OPERATING, "failed commands changed nothing");

	{
		const char *argv[] = { "host-power-off", "rt11" };
		ok(simfault_exec(w, 0, 2, argv, 1, err, sizeof err) == 0 &&
		   w->hosts[0].state == SIM_HOST_OPERATING, "check_only validates, changes nothing");
	}
	ok(fx(w, 0, "host-power-off rt11") == 0 && w->hosts[0].state == SIM_HOST_POWER_OFF,
	   "host-power-off applied");
	ok(fx(w, 1, "host-power-off rt11") == 0 && w->hosts[0].state == SIM_HOST_OPERATING,
	   "clear host-power-off powers the host on");
	ok(fx(w, 0, "host-state rt11 no_connection") == 0 &&
	   w->hosts[0].state == SIM_HOST_NO_CONNECTION, "host-state no_connection");
	ok(fx(w, 1, "host-state rt11") == 0 && w->hosts[0].state == SIM_HOST_OPERATING,
	   "clear host-state");

	hook_calls = 0;
	ok(fx(w, 0, "hmc-down hmc1") == 0 && h1->down == 1, "hmc-down sets down");
	ok(hook_calls == 1, "the REST side's hook ran");
	ok(fx(w, 1, "hmc-down hmc1") == 0 && h1->down == 0, "clear hmc-down");
	ok(fx(w, 0, "hmc-slow all 250") == 0 && w->hmcs[0].slow_ms == 250 &&
	   w->hmcs[1].slow_ms == 250, "hmc-slow all");
	ok(fx(w, 1, "hmc-slow hmc2") == 0 && w->hmcs[1].slow_ms == 0 && w->hmcs[0].slow_ms == 250,
	   "clear hmc-slow of one HMC");
	ok(fx(w, 0, "http-error hmc1 401") == 0 && h1->http_error_code == 401 &&
	   h1->http_error_count == 1, "http-error default COUNT 1");
	ok(fx(w, 0, "http-error hmc1 503 forever") == 0 && h1->http_error_count == -1,
	   "http-error forever");
	ok(fx(w, 1, "http-error hmc1") == 0 && h1->http_error_code == 0 &&
	   h1->http_error_count == 0, "clear http-error resets");

	ok(fx(w, 0, "job-fail hmc1 poweron hscl0db4 2") == 0, "job-fail armed");
	ok(!world_take_jobfail_hmc(w, 1, "PowerOn", code, sizeof code),
	   "the fault does not apply to hmc2");
	ok(!world_take_jobfail_hmc(w, 0, "PowerOff", code, sizeof code),
	   "nor to another operation");
	ok(world_take_jobfail_hmc(w, 0, "PowerOn", code, sizeof code), "first PowerOn fails");
	is_str(code, "HSCL0DB4", "with the code, upper-cased");
	ok(world_take_jobfail(w, "PowerOn", code, sizeof code), "second one too (any HMC)");
	ok(!world_take_jobfail_hmc(w, 0, "PowerOn", code, sizeof code), "COUNT exhausted");
	ok(fx(w, 0, "job-fail all any HSCLA9E1 forever") == 0, "job-fail all any forever");
	ok(world_take_jobfail_hmc(w, 1, "RemoteRestart", code, sizeof code) &&
	   world_take_jobfail_hmc(w, 0, "Migrate", code, sizeof code) &&
	   strcmp(code, "HSCLA9E1") == 0, "matches every HMC and operation, stays");
	ok(fx(w, 1, "job-fail all") == 0 && w->n_jobfail == 0, "clear job-fail all");
	ok(!world_take_jobfail(w, "PowerOn", code, sizeof code), "nothing left");
	ok(strlen(world_hscl_text("HSCL3681")) > 10 && strlen(world_hscl_text("HSCL9999")) > 10,
	   "HSCL texts for known and unknown codes");
	world_free(w);
}

static void
test_show(void)
{
	struct world *w = fresh();
	struct buf out = { 0 };
	char line[256];
	const struct sim_lpar *l = L(w, "rt12003");

	ok(simctl_show(w, "hosts", NULL, &out, err, sizeof err) == 0 &&
	   strcmp(buf_str(&out), "rt11 operating\nrt12 operating\nrt13 operating\n"
	          "rt14 operating\n") == 0, "show hosts");
	fx(w, 0, "host-power-off rt12");
	buf_reset(&out);
	simctl_show(w, "host", "rt12", &out, err, sizeof err);
	is_str(buf_str(&out), "rt12 power_off\n", "show host rt12 after host-power-off");
	buf_reset(&out);
	simctl_show(w, "vms", "rt12003", &out, err, sizeof err);
	snprintf(line, sizeof line, "rt12003 rt12 not_available %.2f %lld %s agent=silent "
	         "addr=127.1.2.5 ping=silent:loopback-answers\n", l->proc_desired,
	         l->mem_desired_mb, l->uuid);
	is_str(buf_str(&out), line, "show vms line: NAME HOST STATE PROC MEM_MB UUID agent= "
	       "addr= (127.1.H.N, N = 2 VIOSs + 3) ping= (loopback answers anyway)");
	buf_reset(&out);
	simctl_show(w, "vioses", "rt12v2", &out, err, sizeof err);
	is_str(buf_str(&out), "rt12v2 rt12 not_available\n", "show vioses line");
	buf_reset(&out);
	simctl_show(w, "counters", "double_starts", &out, err, sizeof err);
	is_str(buf_str(&out), "double_starts=0\n", "show counters KEY");
	buf_reset(&out);
	simctl_show(w, "hmcs", NULL, &out, err, sizeof err);
	ok(strncmp(buf_str(&out), "hmc1 127.0.0.1 0 up\nhmc2 ", 20) == 0, "show hmcs");
	buf_reset(&out);
	simctl_show(w, "faults", NULL, &out, err, sizeof err);
	is_str(buf_str(&out), "host-state rt12 power_off\n", "show faults");
	buf_reset(&out);
	ok(simctl_show(w, "vms", "ghost", &out, err, sizeof err) == -1 &&
	   strstr(err, "no VM named 'ghost'"), "unknown name: %s", err);
	ok(simctl_show(w, "planets", NULL, &out, err, sizeof err) == -1 &&
	   strstr(err, "usage: show"), "unknown what: %s", err);
	ok(simctl_exec(w, 1, (const char *[]){ "dance" }, &out, err, sizeof err) == -1 &&
	   strstr(err, "unknown command 'dance'"), "unknown command: %s", err);
	buf_reset(&out);
	ok(simctl_exec(w, 1, (const char *[]){ "ping" }, &out, err, sizeof err) == 0 &&
	   strcmp(buf_str(&out), "pong\n") == 0, "ping");
	buf_free(&out);
	world_free(w);
}

/* rmc-down / rmc-up faults and what needs RMC: LPM validation. */
static void
test_rmc(void)
{
	struct world *w = fresh();
	struct sim_lpar *l = L(w, "rt11009");
	struct sim_host *src = H(w, "rt11");
	struct buf out = { 0 };
	char msg[512], want[512];

	is_str(l->os_version, "AIX 7.2 7200-04-01-1939", "default topology: AIX level");
	is_str(L(w, "rt11v1")->os_version, "VIOS 3.1.0.00", "default topology: VIOS level");
	ok(world_lpar_rmc_active(l) && !world_lpar_rmc_active(L(w, "rt12007")),
	   "RMC active while running, not while not activated");
	msg[0] = '\0';
	ok(world_migrate(w, l, H(w, "rt12"), 1, msg, sizeof msg) == 0, "LPM validation ok "
	   "with RMC %s", msg);
	ok(fx(w, 0, "rmc-down rt11009") == 0 && l->rmc_inactive && !world_lpar_rmc_active(l),
	   "fault rmc-down");
	is_int(l->state, SIM_LPAR_RUNNING, "the partition keeps running");
	simctl_show(w, "faults", NULL, &out, err, sizeof err);
	is_str(buf_str(&out), "rmc-down rt11009\n", "show faults lists it");
	snprintf(want, sizeof want, "HSCL2957 Either there is currently no RMC connection "
	         "between the management console and the partition rt11009 (%d*8286-42A*0607585) "
	         "or the partition does not support dynamic partitioning operations. Please "
	         "check the partition configuration and try again.", l->id);
	ok(src->mtms_serial[0] && world_migrate(w, l, H(w, "rt12"), 1, msg, sizeof msg) == -1,
	   "MigrateValidate refused");
	is_str(msg, want, "... with the HMC's HSCL2957 text, NAME and ID*MTMS filled");
	ok(world_migrate(w, l, H(w, "rt12"), 0, msg, sizeof msg) == -1 &&
	   !strncmp(msg, "HSCL2957", 8) && l->host == src->idx, "Migrate refused, nothing moved");
	ok(fx(w, 0, "rmc-up rt11009") == 0 && world_lpar_rmc_active(l), "fault rmc-up");
	ok(fx(w, 0, "rmc-down rt11v1") == 0 && L(w, "rt11v1")->rmc_inactive,
	   "rmc-down takes VIOSs too");
	ok(fx(w, 1, "rmc-down rt11v1") == 0 && !L(w, "rt11v1")->rmc_inactive,
	   "clear rmc-down");
	ok(fx(w, 0, "rmc-down nosuch") == -1 && strstr(err, "no partition named 'nosuch'"),
	   "unknown partition: %s", err);
	ok(fx(w, 0, "rmc-down") == -1 && strstr(err, "usage: fault rmc-down PARTITION"),
	   "usage: %s", err);
	ok(fx(w, 1, "rmc-up rt11009") == -1 && strstr(err, "cannot be cleared"),
	   "rmc-up cannot be cleared: %s", err);
	{
		const char *argv[] = { "rmc-down", "ghost" };
		ok(simfault_exec(w, 0, 2, argv, 1, err, sizeof err) == -1,
		   "a timeline naming an unknown partition is refused at load");
	}
	buf_reset(&out);
	simctl_exec(w, 1, (const char *[]){ "help" }, &out, err, sizeof err);
	ok(strstr(buf_str(&out), "fault rmc-down PARTITION") &&
	   strstr(buf_str(&out), "fault rmc-up PARTITION") &&
	   strstr(buf_str(&out), "passthru"), "help lists the RMC faults and show passthru");
	buf_free(&out);
	world_free(w);
}

/* What VIOS entries of the default estate show: disks and OS levels. */
static void
test_vios_disks(void)
{
	struct world *w = fresh();
	struct buf b = { 0 }, out = { 0 };
	struct hmc_lpar *lv = NULL;
	struct hmc_pv *pv = NULL;
	size_t nl = 0, np = 0, i, k, boot = 0, shared[2] = { 0, 0 };
	char udid[2][128], line[512];

	for (k = 0; k < 2; k++)
		world_disk_udid(w->disks[k].id, udid[k], sizeof udid[k]);
	simfeed_feed(&b, w, &w->hmcs[0], SIMFEED_VIOS, NULL, "/rest/api/uom/VirtualIOServer",
	             NULL);
	ok(hmcxml_parse_lpar_feed_pvs(b.data, b.len, "VIOS feed", &lv, &nl, &pv, &np, err,
	                              sizeof err) == 0, "default VIOS feed parses %s", err);
	is_int(nl, 8, "8 VIOSs");
	is_int(np, 24, "3 disks each: hdisk0 and the two shared ones");
	for (i = 0; i < np; i++) {
		if (!strcmp(pv[i].name, "hdisk0") && pv[i].available == 0) {
			for (k = 0; k < i; k++)
				if (!strcmp(pv[k].udid, pv[i].udid))
					break;
			boot += k == i;         /* unique so far */
		}
		for (k = 0; k < 2; k++)
			if (!strcmp(pv[i].udid, udid[k]) && pv[i].available == 1 &&
			    pv[i].size_mb == w->disks[k].size_gb * 1024) {
				snprintf(line, sizeof line, "hdisk%zu", k + 1);
				shared[k] += !strcmp(pv[i].name, line);
			}
	}
	is_int(boot, 8, "each VIOS has its own unavailable boot disk hdisk0");
	ok(shared[0] == 8 && shared[1] == 8, "each shared disk: same UDID on all 8 VIOSs, "
	   "hdisk1 and hdisk2 in topology order (%zu, %zu)", shared[0], shared[1]);
	for (i = 0, k = 0; i < nl; i++)
		k += !strcmp(lv[i].os_version, "VIOS 3.1.0.00");
	is_int(k, 8, "VIOSs report OperatingSystemVersion VIOS 3.1.0.00");
	free(lv);
	free(pv);
	simctl_show(w, "disks", "6005076801810179D000000000000A02", &out, err, sizeof err);
	snprintf(line, sizeof line, "6005076801810179D000000000000A02 10 rt11v1,rt11v2,rt12v1,"
	         "rt12v2,rt13v1,rt13v2,rt14v1,rt14v2 %s\n", udid[1]);
	is_str(buf_str(&out), line, "show disks: ID SIZE_GB VIOSES UDID");
	buf_free(&out);
	buf_free(&b);
	world_free(w);
}

/* One pass-through request through passthru.c; its StdOut/StdError and rc. */
static int
pt(struct world *w, const char *xml, struct buf *o, struct buf *e)
{
	int rc = -1;

	buf_reset(o);
	buf_reset(e);
	simjob_passthrough(w, L(w, "rt11v1"), xml, o, e, &rc);
	return rc;
}

#define VIO_OPEN "<?xml version=\"1.0\"?>\n<VIO xmlns=\"http://ausgsa.austin.ibm.com/" \
	"projects/v/vios/schema/vioHADR2.00\" version=\"2.00\" author=\"LIBKREST\" title=\"t\">\n"

static void
test_passthru(void)
{
	struct world *w = fresh();
	struct buf o = { 0 }, e = { 0 }, out = { 0 }, req = { 0 };
	char lower[SIM_UUID_LEN], lower3[SIM_UUID_LEN];
	size_t i;

	for (i = 0; i < sizeof lower; i++) {
		lower[i] = (char)tolower((unsigned char)L(w, "rt11001")->uuid[i]);
		lower3[i] = (char)tolower((unsigned char)L(w, "rt11003")->uuid[i]);
	}
	is_int(pt(w, VIO_OPEN "<Request action_str=\"VIO_HS_QUICK_QUERY\"/>\n</VIO>\n", &o, &e),
	       0, "QUICK_QUERY: rc 0");
	ok(starts_with(buf_str(&o), "<VIO><Response>\n<quickQuery>\n") &&
	   strstr(buf_str(&o), "serial=\"0607585\"") && !strstr(buf_str(&o), "serial=\"2100E5W\""),
	   "... the QQ of rt11v1's cluster: its own host only");
	is_str(buf_str(&e), "", "... nothing on StdError");
	pt(w, "<VIO><Request action_str='VIO_HS_QUICK_QUERY'/></VIO>", &o, &e);
	buf_printf(&req, VIO_OPEN "  <Request action_str=\"VIO_HS_ADD_VM\" hsTag=\"0\">\n"
	           "    <addVM>\n      <vmList machine_type=\"8286\" model=\"42A\" "
	           "serial=\"0607585\">\n        <vm uuid=\"%s\"/>\n        <vm uuid=\"%s\"/>\n"
	           "        <vm uuid=\"00000000-0000-4000-8000-000000000000\"/>\n"
	           "      </vmList>\n    </addVM>\n  </Request>\n</VIO>\n", lower, lower3);
	is_int(pt(w, buf_str(&req), &o, &e), 0, "ADD_VM of two VMs and an unknown UUID: rc 0");
	ok(L(w, "rt11001")->hs_added && L(w, "rt11003")->hs_added &&
	   !L(w, "rt11001")->hs_started, "both VMs remembered as added (UUIDs in any case)");
	buf_reset(&req);
	buf_printf(&req, VIO_OPEN "<Request action_str=\"VIO_HS_START_VM\" hsTag=\"0\"><startVM>"
	           "<vmList machine_type=\"8286\" model=\"42A\" serial=\"0607585\">"
	           "<vm uuid=\"%s\"/></vmList></startVM></Request></VIO>", lower);
	is_int(pt(w, buf_str(&req), &o, &e), 0, "START_VM: rc 0");
	buf_reset(&req);
	buf_printf(&req, VIO_OPEN "<Request action_str=\"VIO_HS_ADD_MS\" hsTag=\"0\"><addMS>"
	           "<viosList machine_type=\"8286\" model=\"42A\" serial=\"0607585\">"
	           "<vios uuid=\"%s\" isHM=\"true\" partNum=\"1\" macAddr=\"16DC6A23650F\"/>"
	           "</viosList></addMS></Request></VIO>", L(w, "rt11v2")->uuid);
	is_int(pt(w, buf_str(&req), &o, &e), 0, "ADD_MS: rc 0");
	ok(L(w, "rt11v2")->hs_added, "ADD_MS remembers the VIOSs it names");

	ok(simctl_show(w, "passthru", NULL, &out, err, sizeof err) == 0, "show passthru");
	is_str(buf_str(&out), "VIO_HS_ADD_MS 1\nVIO_HS_ADD_VM 1\nVIO_HS_QUICK_QUERY 2\n"
	       "VIO_HS_START_VM 1\nrt11001 added=yes started=yes\n"
	       "rt11003 added=yes started=no\n",
	       "one line per action_str (sorted) with its count, then the VMs");
	buf_reset(&out);
	simctl_show(w, "passthru", "VIO_HS_QUICK_QUERY", &out, err, sizeof err);
	is_str(buf_str(&out), "VIO_HS_QUICK_QUERY 2\n", "show passthru ACTION");
	buf_reset(&out);
	simctl_show(w, "passthrough", "rt11005", &out, err, sizeof err);
	is_str(buf_str(&out), "rt11005 added=no started=no\n", "show passthru VM never named");
	ok(simctl_show(w, "passthru", "VIO_HS_NOPE", &out, err, sizeof err) == -1 &&
	   strstr(err, "no pass-through action or VM named 'VIO_HS_NOPE'"), "unknown NAME: %s",
	   err);

	buf_reset(&req);
	buf_printf(&req, VIO_OPEN "<Request action_str=\"VIO_HS_REMOVE_VM\" hsTag=\"0\">"
	           "<removeVM><vmList><vm uuid=\"%s\"/></vmList></removeVM></Request></VIO>",
	           lower);
	pt(w, buf_str(&req), &o, &e);
	ok(!L(w, "rt11001")->hs_added && !L(w, "rt11001")->hs_started, "REMOVE_VM undoes both");

	/* malformed requests */
	is_int(pt(w, "<VIO><Request action_str=\"VIO_HS_QUICK_QUERY\"></VIO>", &o, &e), 1,
	       "not well-formed: CMDReturnCode 1");
	ok(o.len == 0 && !strncmp(buf_str(&e), "passthru: inputXML is not well-formed XML: ", 43),
	   "... no StdOut, StdError says why");
	is_int(pt(w, "<Request action_str=\"VIO_HS_QUICK_QUERY\"/>", &o, &e), 1, "root not VIO");
	is_str(buf_str(&e), "passthru: inputXML root element is <Request>, expected <VIO>\n",
	       "... StdError");
	is_int(pt(w, "<VIO><Query/></VIO>", &o, &e), 1, "no Request");
	is_str(buf_str(&e), "passthru: <VIO> has no <Request> element\n", "... StdError");
	is_int(pt(w, "<VIO><Request dataType=\"GLOBAL_DATA\"/></VIO>", &o, &e), 1,
	       "no action_str");
	is_str(buf_str(&e), "passthru: <Request> has no action_str attribute\n", "... StdError");
	is_int(pt(w, "<VIO><Request action_str=\"VIO HS\"/></VIO>", &o, &e), 1,
	       "action_str with a space");
	is_int(pt(w, "  \n", &o, &e), 1, "empty inputXML");
	is_int(pt(w, "<!DOCTYPE VIO [<!ENTITY x \"y\">]><VIO><Request action_str=\"&x;\"/></VIO>",
	          &o, &e), 1, "DOCTYPE refused");
	is_int((int)w->pt_malformed, 7, "7 malformed requests counted");
	buf_reset(&out);
	simctl_show(w, "passthru", "malformed", &out, err, sizeof err);
	is_str(buf_str(&out), "malformed 7\n", "show passthru malformed");
	buf_reset(&out);
	simctl_show(w, "passthru", NULL, &out, err, sizeof err);
	ok(strstr(buf_str(&out), "VIO_HS_REMOVE_VM 1\n") &&
	   strstr(buf_str(&out), "malformed 7\n") && !strstr(buf_str(&out), "rt11001"),
	   "REMOVE_VM counted; rt11001 no longer listed");
	buf_free(&o);
	buf_free(&e);
	buf_free(&out);
	buf_free(&req);
	world_free(w);
}

static void
stop_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)t;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static void
test_timeline(void)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct world *w = world_new(loop);
	struct simfault_event ev[2];
	struct simfault_timeline *tl;
	ev_timer guard;

	simtopo_load_default(w, NULL, NULL, err, sizeof err);
	memset(ev, 0, sizeof ev);
	ev[0].at = 0.01;
	ev[0].argc = 2;
	snprintf(ev[0].argv[0], SIMFAULT_ARG_LEN, "host-power-off");
	snprintf(ev[0].argv[1], SIMFAULT_ARG_LEN, "rt14");
	ev[1].at = 0.02;
	ev[1].argc = 3;
	snprintf(ev[1].argv[0], SIMFAULT_ARG_LEN, "hmc-slow");
	snprintf(ev[1].argv[1], SIMFAULT_ARG_LEN, "hmc2");
	snprintf(ev[1].argv[2], SIMFAULT_ARG_LEN, "75");
	tl = simfault_timeline_start(w, ev, 2);
	ev_timer_init(&guard, stop_cb, 2.0, 0);      /* bounded wait */
	ev_timer_start(loop, &guard);
	while (simfault_timeline_done(tl) < 2 && ev_is_active(&guard))
		ev_run(loop, EVRUN_ONCE);
	is_int(simfault_timeline_done(tl), 2, "both timeline events ran");
	is_int(world_host_by_name(w, "rt14")->state, SIM_HOST_POWER_OFF, "rt14 powered off");
	is_int(w->hmcs[1].slow_ms, 75, "hmc2 slowed down");
	ev_timer_stop(loop, &guard);
	simfault_timeline_free(tl);
	world_free(w);
	ev_loop_destroy(loop);
}

/* The socket server: several commands in one write, answers in order, a
 * second client at the same time, and an over-long line refused. */
static void
test_ctl_server(const char *dir)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct world *w = world_new(loop);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct simctl *ctl, *ctl2;
	struct buf got = { 0 }, got2 = { 0 };
	char path[200], big[5000], chunk[4096];
	const char *cmds = "show host rt11\nfault nope x\n\nping\n";
	struct stat st;
	ev_timer guard;
	int fd, fd2, done = 0, done2 = 0;

	simtopo_load_default(w, NULL, NULL, err, sizeof err);
	snprintf(path, sizeof path, "%s/ctl.sock", dir);
	ctl = simctl_new(w, path, err, sizeof err);
	if (!ok(ctl != NULL, "control socket listens: %s", ctl ? "" : err))
		goto out;
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "socket mode 0600");
	ctl2 = simctl_new(w, path, err, sizeof err);
	ok(ctl2 == NULL && strstr(err, "another hmcsim"), "a live socket is not stolen: %s", err);
	simctl_free(ctl2);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	fd2 = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    connect(fd2, (struct sockaddr *)&sa, sizeof sa) == -1) {
		ok(0, "connect: %s", strerror(errno));
		goto out;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	fcntl(fd2, F_SETFL, O_NONBLOCK);
	memset(big, 'x', sizeof big);
	if (write(fd, cmds, strlen(cmds)) != (ssize_t)strlen(cmds) ||
	    write(fd, big, sizeof big) != (ssize_t)sizeof big ||
	    write(fd2, "show counters power_on\n", 23) != 23)
		ok(0, "write");
	shutdown(fd2, SHUT_WR);
	ev_timer_init(&guard, stop_cb, 3.0, 0);
	ev_timer_start(loop, &guard);
	while ((!done || !done2) && ev_is_active(&guard)) {
		ssize_t n;
		ev_run(loop, EVRUN_NOWAIT);
		while ((n = read(fd, chunk, sizeof chunk)) > 0)
			buf_append(&got, chunk, (size_t)n);
		if (n == 0)
			done = 1;
		while ((n = read(fd2, chunk, sizeof chunk)) > 0)
			buf_append(&got2, chunk, (size_t)n);
		if (n == 0)
			done2 = 1;
		if (!done || !done2)
			ev_run(loop, EVRUN_ONCE);
	}
	ok(done && done2, "both connections answered and closed");
	is_str(buf_str(&got), "rt11 operating\nOK\n"
	       "ERR unknown fault kind 'nope' (try 'help')\npong\nOK\n"
	       "ERR line too long (max 4096 bytes)\n",
	       "answers in order; blank line ignored; long line refused");
	is_str(buf_str(&got2), "power_on=0\nOK\n", "second client served too");
	close(fd);
	close(fd2);
	simctl_free(ctl);
	ok(access(path, F_OK) == -1, "socket file removed on free");
	ev_timer_stop(loop, &guard);
out:
	buf_free(&got);
	buf_free(&got2);
	world_free(w);
	ev_loop_destroy(loop);
}

int
main(void)
{
	char dir[] = "/tmp/test_world.XXXXXX", path[128];

	/* The world logs double starts loudly; keep that out of prove's output. */
	if (mkdtemp(dir))
		log_init("test_world", dir, err, sizeof err);
	xmlu_init();
	test_names();
	test_lookups_capacity();
	test_power();
	test_host_power();
	test_remote_restart();
	test_double_starts();
	test_migrate();
	test_faults();
	test_show();
	test_rmc();
	test_vios_disks();
	test_passthru();
	test_timeline();
	test_ctl_server(dir);
	log_close();
	snprintf(path, sizeof path, "%s/test_world.log", dir);
	unlink(path);
	rmdir(dir);
	return done_testing();
}
