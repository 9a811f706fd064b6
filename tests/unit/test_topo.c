/* test_topo — hmcsim topologies: the built-in default estate (counts, names,
 * UUIDs, capacity), contrib/hmcsim/topologies/default.lua giving the same
 * world, Lua topology files (every function, the timeline) and their errors
 * with the admin's file:line.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "simctl.h"
#include "log.h"
#include "topo.h"
#include "world.h"

static char dir[] = "/tmp/test_topo.XXXXXX";
static char err[1024];
static int nfiles;

/* Write a topology file; returns its path (static buffer per call slot). */
static const char *
file(const char *text)
{
	static char paths[64][256];
	char *p = paths[nfiles % 64];
	FILE *f;

	snprintf(p, 256, "%s/t%d.lua", dir, nfiles++);
	f = fopen(p, "w");
	if (!f) {
		printf("# cannot write %s\n", p);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	return p;
}

/* Load text; 0/-1 like simtopo_load_file, err set.  Frees the world. */
static int
load_text(const char *text, const char **path_out)
{
	struct world *w = world_new(NULL);
	const char *path = file(text);
	int rc;

	err[0] = '\0';
	rc = simtopo_load_file(w, path, NULL, NULL, err, sizeof err);
	world_free(w);
	if (path_out)
		*path_out = path;
	return rc;
}

/* err starts with "PATH:LINE: " and contains needle. */
static int
err_at(const char *path, int line, const char *needle)
{
	char prefix[300];

	snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
	return strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, needle) != NULL;
}

static int
is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F'))) {
			return 0;
		}
	}
	return 1;
}

static void
test_default(void)
{
	struct world *w = world_new(NULL), *w2 = world_new(NULL);
	size_t i, vios = 0, running = 0, stopped = 0, bad_uuid = 0, bad_res = 0;
	struct sim_lpar *l;

	ok(simtopo_load_default(w, NULL, NULL, err, sizeof err) == 0, "default topology loads");
	is_int(w->n_hmcs, 2, "2 HMCs");
	is_int(w->n_hosts, 4, "4 hosts");
	for (i = 0; i < w->n_lpars; i++) {
		l = &w->lpars[i];
		if (!is_uuid(l->uuid))
			bad_uuid++;
		if (l->is_vios) {
			vios++;
			continue;
		}
		running += l->state == SIM_LPAR_RUNNING;
		stopped += l->state == SIM_LPAR_NOT_ACTIVATED;
		if (l->proc_desired < 0.5 || l->proc_desired > 4.0 ||
		    l->mem_desired_mb < 4096 || l->mem_desired_mb > 65536)
			bad_res++;
	}
	is_int(vios, 8, "8 VIOSs");
	is_int(w->n_lpars - vios, 40, "40 client LPARs");
	is_int(running, 38, "38 running");
	is_int(stopped, 2, "2 not activated");
	is_int(bad_res, 0, "LPARs have 0.5-4.0 PU and 4-64 GB");
	is_int(bad_uuid, 0, "UUIDs are uppercase 8-4-4-4-12");
	ok(is_uuid(w->hosts[0].uuid) && is_uuid(w->hmcs[0].uuid), "host and HMC UUIDs too");
	is_int(w->n_disks, 2, "2 shared disks");
	is_int(w->disks[0].n_vios, 8, "seen by every VIOS");
	is_str(w->hmcs[0].user, "hscroot", "HMC user hscroot");
	is_str(w->hmcs[0].password, "abc123", "HMC password abc123");
	ok(w->hmcs[0].next_job_id >= 1000000000000LL && w->hmcs[0].next_job_id < 10000000000000LL,
	   "job IDs are 13-digit epoch milliseconds");
	ok(w->hmcs[0].next_job_id != w->hmcs[1].next_job_id, "different on each HMC");
	is_str(w->hosts[0].mtms_type, "8286", "machine type");
	is_str(w->hosts[0].mtms_model, "42A", "model");
	is_str(w->hosts[0].mtms_serial, "0607585", "serial");
	ok(world_lpar_by_name(w, "rt13v2") && world_lpar_by_name(w, "rt13v2")->is_vios,
	   "VIOS names like rt13v2");
	l = world_lpar_by_name(w, "rt11001");
	ok(l && l->id == 3 && world_lpar_by_name(w, "rt11v1")->id == 1,
	   "PartitionIDs: VIOSs 1 and 2, LPARs from 3");
	for (i = 0; i < w->n_hosts; i++)
		ok(world_host_proc_avail(w, &w->hosts[i]) >= 4.0,
		   "host %s has room for restarts (%.2f PU free)", w->hosts[i].name,
		   world_host_proc_avail(w, &w->hosts[i]));
	for (i = 0; i < w->n_hosts; i++)
		ok(w->hosts[i].hmc_mask == 3, "host %s managed by both HMCs", w->hosts[i].name);

	simtopo_load_default(w2, NULL, NULL, err, sizeof err);
	ok(strcmp(w->lpars[17].uuid, w2->lpars[17].uuid) == 0 &&
	   strcmp(w->hosts[3].uuid, w2->hosts[3].uuid) == 0, "UUIDs are the same on every run");
	{
		char a[SIM_UUID_LEN], b[SIM_UUID_LEN], c[SIM_UUID_LEN];
		simtopo_uuid("lpar", "db01", a);
		simtopo_uuid("lpar", "db01", b);
		simtopo_uuid("lpar", "db02", c);
		ok(strcmp(a, b) == 0 && strcmp(a, c) != 0 && a[14] == '4',
		   "simtopo_uuid deterministic, name-dependent, version 4 for partitions");
	}
	world_free(w);
	world_free(w2);
}

static void
show_all(struct world *w, struct buf *out)
{
	static const char *const whats[] = { "hosts", "vioses", "vms", "instances", "disks",
		"hmcs", "capacity", "timing", "faults", "counters", "passthru" };
	size_t i;

	for (i = 0; i < sizeof whats / sizeof whats[0]; i++) {
		buf_printf(out, "[%s]\n", whats[i]);
		simctl_show(w, whats[i], NULL, out, err, sizeof err);
	}
}

static void
test_default_lua(void)
{
	static const char *const cands[] = {
		"contrib/hmcsim/topologies/default.lua",
		"../contrib/hmcsim/topologies/default.lua",
		"../../contrib/hmcsim/topologies/default.lua",
	};
	struct world *a = world_new(NULL), *b = world_new(NULL);
	struct buf sa = { 0 }, sb = { 0 };
	const char *path = NULL;
	size_t i, diff = 0;

	for (i = 0; i < sizeof cands / sizeof cands[0]; i++)
		if (access(cands[i], R_OK) == 0) {
			path = cands[i];
			break;
		}
	if (!ok(path != NULL, "found topologies/default.lua (run from the source tree)")) {
		world_free(a);
		world_free(b);
		return;
	}
	simtopo_load_default(a, NULL, NULL, err, sizeof err);
	ok(simtopo_load_file(b, path, NULL, NULL, err, sizeof err) == 0,
	   "default.lua loads: %s", err);
	show_all(a, &sa);
	show_all(b, &sb);
	ok(sa.len > 2000, "show output is substantial (%zu bytes)", sa.len);
	if (!ok(strcmp(buf_str(&sa), buf_str(&sb)) == 0, "default.lua gives the same `show` "
	        "output as the built-in topology")) {
		diag("built-in:\n%s", buf_str(&sa));
		diag("default.lua:\n%s", buf_str(&sb));
	}
	/* fields show does not print */
	for (i = 0; i < a->n_lpars && i < b->n_lpars; i++) {
		const struct sim_lpar *x = &a->lpars[i], *y = &b->lpars[i];
		if (x->id != y->id || x->proc_min != y->proc_min || x->proc_max != y->proc_max ||
		    x->mem_min_mb != y->mem_min_mb || x->mem_max_mb != y->mem_max_mb ||
		    strcmp(x->ip, y->ip) != 0 || x->srr_capable != y->srr_capable ||
		    strcmp(x->os_type, y->os_type) != 0 || x->vcpu_desired != y->vcpu_desired ||
		    strcmp(x->os_version, y->os_version) != 0 || x->rmc_inactive != y->rmc_inactive)
			diff++;
	}
	for (i = 0; i < a->n_hosts && i < b->n_hosts; i++)
		if (strcmp(a->hosts[i].uuid, b->hosts[i].uuid) != 0 ||
		    strcmp(a->hosts[i].mtms_serial, b->hosts[i].mtms_serial) != 0 ||
		    a->hosts[i].hmc_mask != b->hosts[i].hmc_mask)
			diff++;
	for (i = 0; i < a->n_hmcs && i < b->n_hmcs; i++)
		if (strcmp(a->hmcs[i].uuid, b->hmcs[i].uuid) != 0 ||
		    strcmp(a->hmcs[i].user, b->hmcs[i].user) != 0 ||
		    strcmp(a->hmcs[i].password, b->hmcs[i].password) != 0 ||
		    a->hmcs[i].session_idle != b->hmcs[i].session_idle)
			diff++;
	is_int(diff, 0, "the other fields agree too");
	buf_free(&sa);
	buf_free(&sb);
	world_free(a);
	world_free(b);
}

static const char good[] =
	"-- a small estate\n"
	"hmc{ name='h1', user='hscroot', password='pw', port=12600, session_idle=60 }\n"
	"hmc{ name='h2', user='hscroot', password='pw' }\n"
	"host{ name='s1', mtms='9009-42a*78abc12', proc=8, mem_gb=64, hmcs={'h1','h2'} }\n"
	"host{ name='s2', proc=8, mem_gb=64, hmcs={'h2'}, state='power off' }\n"
	"vios{ name='s1v1', host='s1' }\n"
	"vios{ name='s2v1', host='s2', proc=0.5, mem_gb=4, os_version='VIOS 3.1.4.10' }\n"
	"lpar{ name='app1', host='s1', proc=1.5, mem_gb=16, os='AIX/Linux',\n"
	"      os_version='AIX 7.3 7300-01-01-2148' }\n"
	"lpar{ name='app2', host='s1', proc=0.25, proc_min=0.1, proc_max=1, mem_gb=2,\n"
	"      state='not activated', srr=false, uuid='0a1b2c3d-0000-4000-8000-00000000abcd',\n"
	"      rmc='inactive', agent=false }\n"
	"lpar{ name='app3', host='s2', proc=1, mem_gb=4, ip='10.1.2.3' }\n"
	"disk{ id='LUN01', size_gb=20, vioses={'s1v1','s2v1'} }\n"
	"timing{ power_on=0.5, remote_restart=1 }\n"
	"timeline{\n"
	"  { at=5, fault='host-power-off', target='s1' },\n"
	"  { at=7.5, fault='hmc-slow', target='h2', args={250} },\n"
	"  { at=9, clear='hmc-slow', target='h2' },\n"
	"  { at=11, fault='rmc-down', target='app1' },\n"
	"}\n";

static void
test_lua_good(void)
{
	struct world *w = world_new(NULL);
	struct simfault_event *ev = NULL;
	size_t n = 0;
	const char *path = file(good);
	struct sim_lpar *l;
	char where[300];

	ok(simtopo_load_file(w, path, &ev, &n, err, sizeof err) == 0, "topology file loads: %s",
	   err);
	is_int(w->n_hmcs, 2, "2 HMCs");
	is_int(w->hmcs[0].port, 12600, "port=");
	ok(w->hmcs[0].session_idle == 60 && w->hmcs[1].session_idle == 3600,
	   "session_idle= and its default");
	is_int(w->hmcs[1].port, SIMTOPO_PORT_UNSET, "port unset");
	is_str(w->hosts[0].mtms_model, "42A", "mtms model upper-cased");
	is_str(w->hosts[0].mtms_serial, "78ABC12", "mtms serial");
	ok(w->hosts[1].mtms_serial[0] != '\0', "a derived serial without mtms=");
	is_int(w->hosts[0].hmc_mask, 3, "s1 managed by h1 and h2");
	is_int(w->hosts[1].hmc_mask, 2, "s2 managed by h2");
	is_int(w->hosts[1].state, SIM_HOST_POWER_OFF, "host starting in power off");
	is_int(world_lpar_by_name(w, "app3")->state, SIM_LPAR_NOT_AVAILABLE,
	       "its LPARs are not available");
	l = world_lpar_by_name(w, "app1");
	ok(l->proc_desired == 1.5 && l->proc_min == 0.75 && l->proc_max == 3.0,
	   "proc_min/proc_max default to half and double");
	is_int(l->mem_desired_mb, 16384, "mem_gb in MB");
	is_str(l->rr_state, "Remote_Restartable", "SRR capable by default");
	l = world_lpar_by_name(w, "app2");
	ok(l->proc_min == 0.1 && l->proc_max == 1 && l->state == SIM_LPAR_NOT_ACTIVATED &&
	   !l->srr_capable, "explicit proc_min/max, state, srr=false");
	is_str(l->uuid, "0A1B2C3D-0000-4000-8000-00000000ABCD", "uuid= override, upper-cased");
	is_int(world_lpar_by_name(w, "s2v1")->mem_desired_mb, 4096, "VIOS mem_gb");
	ok(world_lpar_by_name(w, "s1v1")->is_vios && !world_lpar_by_name(w, "app1")->is_vios,
	   "vios{} makes a VIOS, lpar{} a client");
	is_str(world_lpar_by_name(w, "app1")->os_type, "AIX/Linux", "os=");
	is_str(world_lpar_by_name(w, "app1")->os_version, "AIX 7.3 7300-01-01-2148",
	       "lpar os_version=");
	is_str(world_lpar_by_name(w, "s2v1")->os_version, "VIOS 3.1.4.10", "vios os_version=");
	is_str(world_lpar_by_name(w, "s1v1")->os_version, "VIOS 3.1.0.00", "VIOS default");
	is_str(world_lpar_by_name(w, "app3")->os_version, "AIX 7.2 7200-04-01-1939",
	       "LPAR default");
	ok(world_lpar_by_name(w, "app2")->rmc_inactive && !world_lpar_by_name(w, "app1")->rmc_inactive,
	   "rmc='inactive', active by default");
	ok(world_lpar_by_name(w, "app2")->no_agent && !world_lpar_by_name(w, "app1")->no_agent &&
	   world_lpar_by_name(w, "s1v1")->no_agent, "agent=false; LPARs have an agent by "
	   "default, VIOSs none");
	is_str(world_lpar_by_name(w, "app1")->ip, "127.1.1.2", "default address 127.1.H.N "
	       "(host 1, PartitionID 2)");
	is_str(world_lpar_by_name(w, "s2v1")->ip, "127.1.2.1", "... VIOSs too (host 2, id 1)");
	ok(world_lpar_by_name(w, "app1")->ip_auto && !world_lpar_by_name(w, "app3")->ip_auto,
	   "ip= is kept as given");
	is_str(world_lpar_by_name(w, "app3")->ip, "10.1.2.3", "... ip=");
	is_int(w->n_disks, 1, "disk{}");
	ok(w->timing.power_on == 0.5 && w->timing.remote_restart == 1 &&
	   w->timing.power_off == 2, "timing{} overrides only what it names");
	is_int(n, 4, "4 timeline events");
	if (n == 4) {
		ok(ev[0].at == 5 && !ev[0].clear && ev[0].argc == 2 &&
		   strcmp(ev[0].argv[0], "host-power-off") == 0 &&
		   strcmp(ev[0].argv[1], "s1") == 0, "event 1: fault host-power-off s1 at 5");
		ok(ev[1].argc == 3 && strcmp(ev[1].argv[2], "250") == 0, "event 2 has its args");
		ok(ev[2].clear && strcmp(ev[2].argv[0], "hmc-slow") == 0, "event 3 clears");
		ok(!ev[3].clear && strcmp(ev[3].argv[0], "rmc-down") == 0 &&
		   strcmp(ev[3].argv[1], "app1") == 0, "event 4: fault rmc-down app1");
		snprintf(where, sizeof where, "%s:16", path);
		is_str(ev[0].where, where, "events know their file:line");
	}
	is_int(w->hosts[0].state, SIM_HOST_OPERATING, "the timeline has not run at load");
	free(ev);
	world_free(w);
}

static void
test_lua_errors(void)
{
	const char *p;
	static const char head[] = "hmc{ name='h1', user='u', password='p' }\n"
	                           "host{ name='x', proc=4, mem_gb=16, hmcs={'h1'} }\n";
	char text[2048];

#define WITH(extra) (snprintf(text, sizeof text, "%s%s", head, extra), text)

	ok(load_text(WITH("lpar{ name='a', host='x', proc=1, mem_gb=2, colour='red' }\n"),
	             &p) == -1 && err_at(p, 3, "unknown key 'colour'"),
	   "unknown key names file:line: %s", err);
	ok(load_text("hmc{ name='h1', user='u', password='p', prot=1 }\n", &p) == -1 &&
	   err_at(p, 1, "hmc{}: unknown key 'prot'"), "unknown key in hmc{}: %s", err);
	ok(load_text(WITH("lpar{ name='a', host='x', proc=1, mem_gb=2, agent='no' }\n"), &p) ==
	   -1 && err_at(p, 3, "agent"), "agent= must be a boolean: %s", err);
	ok(load_text(WITH("vios{ name='v', host='x', agent=false }\n"), &p) == -1 &&
	   err_at(p, 3, "unknown key 'agent'"), "vios{} has no agent key: %s", err);
	ok(load_text(WITH("\n\nlpar{ name='a', host='x', proc='many', mem_gb=2 }\n"), &p) == -1 &&
	   err_at(p, 5, "'proc' must be a number"), "wrong type: %s", err);
	ok(load_text(WITH("lpar{ name='a', host='x', proc=1, mem_gb=2 }\n"
	                  "lpar{ name='a', host='x', proc=1, mem_gb=2 }\n"), &p) == -1 &&
	   err_at(p, 4, "duplicate partition name 'a'"), "duplicate name: %s", err);
	ok(load_text(WITH("host{ name='x', proc=4, mem_gb=16, hmcs={'h1'} }\n"), &p) == -1 &&
	   err_at(p, 3, "duplicate host name 'x'"), "duplicate host: %s", err);
	ok(load_text(WITH("lpar{ name='a', host='nowhere', proc=1, mem_gb=2 }\n"), &p) == -1 &&
	   err_at(p, 3, "unknown host 'nowhere'"), "lpar on unknown host: %s", err);
	ok(load_text(WITH("host{ name='y', proc=4, mem_gb=16 }\n"), &p) == -1 &&
	   err_at(p, 3, "managed by no HMC"), "host managed by no HMC: %s", err);
	ok(load_text(WITH("host{ name='y', proc=4, mem_gb=16, hmcs={'h9'} }\n"), &p) == -1 &&
	   err_at(p, 3, "unknown HMC 'h9'"), "unknown HMC: %s", err);
	ok(load_text(WITH("vios{ name='v', host='x' }\n"
	                  "lpar{ name='a', host='x', proc=2, mem_gb=2 }\n"
	                  "lpar{ name='b', host='x', proc=1.5, mem_gb=2, state='not activated' }\n"
	                  "lpar{ name='c', host='x', proc=1.25, mem_gb=2 }\n"), &p) == -1 &&
	   err_at(p, 6, "host x is overcommitted") && strstr(err, "4.25"),
	   "processing units overcommitted at the LPAR that overflows: %s", err);
	ok(load_text(WITH("lpar{ name='a', host='x', proc=1, mem_gb=17 }\n"), &p) == -1 &&
	   err_at(p, 3, "overcommitted") && strstr(err, "MB"), "memory overcommitted: %s", err);
	ok(load_text(WITH("lpar{ name='a', host='x', proc=1, proc_min=2, mem_gb=2 }\n"), &p) ==
	   -1 && err_at(p, 3, "proc_min"), "proc_min > proc: %s", err);
	ok(load_text(WITH("lpar{ name='a', host='x', proc=1, mem_gb=2, state='sleeping' }\n"),
	             &p) == -1 && err_at(p, 3, "state must be"), "bad state: %s", err);
	ok(load_text(WITH("lpar{ name='a b', host='x', proc=1, mem_gb=2 }\n"), &p) == -1 &&
	   err_at(p, 3, "may only contain"), "name with a space: %s", err);
	ok(load_text(WITH("lpar{ host='x', proc=1, mem_gb=2 }\n"), &p) == -1 &&
	   err_at(p, 3, "'name' is required"), "missing name: %s", err);
	ok(load_text("hmc{ name='h1', user='u', password='p' }\n"
	             "host{ name='x', mtms='8286_42A', proc=4, mem_gb=16, hmcs={'h1'} }\n", &p) ==
	   -1 && err_at(p, 2, "mtms"), "bad mtms: %s", err);
	ok(load_text("hmc{ name='h1', user='u' }\n", &p) == -1 && err_at(p, 1, "password"),
	   "missing password: %s", err);
	ok(load_text(WITH("disk{ id='L1', size_gb=10, vioses={'x'} }\n"), &p) == -1 &&
	   err_at(p, 3, "not a VIOS"), "disk on a non-VIOS: %s", err);
	ok(load_text(WITH("timing{ power_on=-1 }\n"), &p) == -1 && err_at(p, 3, "power_on"),
	   "negative timing: %s", err);
	ok(load_text(WITH("timeline{ { at=1, fault='host-explode', target='x' } }\n"), &p) == -1 &&
	   err_at(p, 3, "unknown fault kind 'host-explode'"), "timeline: bad kind: %s", err);
	ok(load_text(WITH("timeline{ { at=1, fault='host-power-off', target='zz' } }\n"), &p) ==
	   -1 && err_at(p, 3, "no host named 'zz'"), "timeline: bad target: %s", err);
	ok(load_text(WITH("timeline{ { fault='host-power-off', target='x' } }\n"), &p) == -1 &&
	   err_at(p, 3, "'at'"), "timeline: missing at: %s", err);
	ok(load_text(WITH("timeline{ { at=1, fault='hmc-down', clear='hmc-down', "
	                  "target='h1' } }\n"), &p) == -1 && err_at(p, 3, "exactly one"),
	   "timeline: fault and clear: %s", err);
	ok(load_text(WITH("lpar{ name='a', host='x', proc=1, mem_gb=2, rmc='down' }\n"), &p) ==
	   -1 && err_at(p, 3, "rmc must be \"active\" or \"inactive\", got 'down'"),
	   "bad rmc: %s", err);
	ok(load_text(WITH("vios{ name='v', host='x', rmc='inactive' }\n"), &p) == -1 &&
	   err_at(p, 3, "vios{}: unknown key 'rmc'"), "rmc is for lpar{}: %s", err);
	ok(load_text(WITH("lpar{ name='a', host='x', proc=1, mem_gb=2, os_version='' }\n"), &p) ==
	   -1 && err_at(p, 3, "os_version must be 1 to 63 characters"), "empty os_version: %s",
	   err);
	ok(load_text(WITH("vios{ name='v', host='x', os_version='VIOS\\t3' }\n"), &p) == -1 &&
	   err_at(p, 3, "printable"), "os_version with a tab: %s", err);
	ok(load_text(WITH("timeline{ { at=1, fault='rmc-down', target='ghost' } }\n"), &p) ==
	   -1 && err_at(p, 3, "no partition named 'ghost'"), "timeline: rmc-down of nobody: %s",
	   err);
	ok(load_text(WITH("hmcs = 2\n"), &p) == -1 && strstr(err, "global 'hmcs' assigned"),
	   "assigning a global is refused: %s", err);
	ok(load_text(WITH("lpar{ name='a', host='x', proc=1, mem_gb=2\n"), &p) == -1 &&
	   strncmp(err, p, strlen(p)) == 0, "syntax error names the file: %s", err);
	ok(load_text("-- nothing\n", &p) == -1 && strstr(err, "no HMC"), "empty topology: %s", err);
	ok(load_text("hmc{ name='h1', user='u', password='p' }\n", &p) == -1 &&
	   strstr(err, "no host"), "no host: %s", err);
	{
		struct world *w = world_new(NULL);
		ok(simtopo_load_file(w, "/nonexistent/t.lua", NULL, NULL, err, sizeof err) == -1 &&
		   strstr(err, "/nonexistent/t.lua"), "missing file: %s", err);
		world_free(w);
	}
#undef WITH
}

int
main(void)
{
	char logdir[] = "/tmp/test_topo_log.XXXXXX", path[300];
	int i;

	if (!mkdtemp(dir)) {
		printf("# mkdtemp failed\n");
		return 1;
	}
	if (mkdtemp(logdir))
		log_init("test_topo", logdir, err, sizeof err);
	test_default();
	test_default_lua();
	test_lua_good();
	test_lua_errors();
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof path, "%s/t%d.lua", dir, i);
		unlink(path);
	}
	rmdir(dir);
	log_close();
	snprintf(path, sizeof path, "%s/test_topo.log", logdir);
	unlink(path);
	rmdir(logdir);
	return done_testing();
}
