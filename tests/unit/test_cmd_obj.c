/* test_cmd_obj — ksysmgr's vios, viodisk and vm classes (cmd_obj.c) driven
 * through cmd_run on a store in a temporary directory: golden text of every
 * query layout, JSON, effective (inherited) values, manage/unmanage rules,
 * modify with its refusals, all-or-nothing.  No socket, no loop, no HMC:
 * query viodisk is checked up to the point where it needs the HMCs (the
 * reads themselves are in tests/integration/vm_vios.t).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "store.h"
#include "../tap.h"

static struct cmd_source src;
static struct buf out, err;
static char dir[512];

/* io of asynchronous requests: counts lines and ends */
static int io_lines, io_ends;

static void
io_line(void *ctx, char stream, double when, const char *text)
{
	(void)ctx; (void)stream; (void)when; (void)text;
	io_lines++;
}

static void
io_end(void *ctx, int status)
{
	(void)ctx; (void)status;
	io_ends++;
}

static const struct cmd_io test_io = { io_line, io_end, NULL };

static int
run_io(const char *line, const struct cmd_io *io)
{
	char copy[2048], *argv[64], *p;
	int argc = 0;

	buf_reset(&out);
	buf_reset(&err);
	snprintf(copy, sizeof(copy), "%s", line);
	for (p = strtok(copy, " "); p && argc < 64; p = strtok(NULL, " "))
		argv[argc++] = p;
	return cmd_run(&src, argc, argv, &out, &err, io);
}

static int
run(const char *line)
{
	return run_io(line, NULL);
}

static const char *
line1(const char *s)
{
	static char l[512];

	snprintf(l, sizeof(l), "%.*s", (int)strcspn(s, "\n"), s);
	return l;
}

#define OUT buf_str(&out)
#define ERR buf_str(&err)

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

static struct store_vm
vm(const char *name)
{
	struct store_vm v;
	char e[256];

	memset(&v, 0, sizeof(v));
	if (store_vm_get(src.store, name, &v, e, sizeof(e)) == -1)
		diag("vm get %s: %s", name, e);
	return v;
}

static struct store_vios
vios(const char *name)
{
	struct store_vios v;
	char e[256];

	memset(&v, 0, sizeof(v));
	if (store_vios_get(src.store, name, &v, e, sizeof(e)) == -1)
		diag("vios get %s: %s", name, e);
	return v;
}

static int
bl_count_cb(const char *host, void *arg)
{
	(void)host;
	(*(int *)arg)++;
	return 0;
}

static int
blacklist_len(const char *name)
{
	int n = 0;

	store_vm_blacklist_list(src.store, name, bl_count_cb, &n);
	return n;
}

/* Topology: host group ITSO_HG = rt11, rt12; rt13 and rt14 in no group.
 * VIOSs: two per host, rt13 has a third one (unmanaged).  VMs: three on
 * rt11, two on rt12, one on rt13. */
static void
seed(void)
{
	static const struct { const char *name, *uuid, *group; } hosts[] = {
		{ "rt11", "b3ed1a2c-5a34-3a6e-9a5b-8d5d4c3d0a11", "ITSO_HG" },
		{ "rt12", "c4fe2b3d-6b45-3b7f-ab6c-9e6e5d4e1b12", "ITSO_HG" },
		{ "rt13", "d50f3c4e-7c56-3c80-bc7d-af7f6e5f2c13", "" },
		{ "rt14", "", "" },
	};
	static const struct { const char *name, *uuid, *host, *version; int managed; } vs[] = {
		{ "rt11v1", "0A1B2C3D-0000-4000-8000-000000001101", "rt11", "VIOS 3.1.0.00", 1 },
		{ "rt11v2", "0A1B2C3D-0000-4000-8000-000000001102", "rt11", "VIOS 3.1.0.00", 1 },
		{ "rt12v1", "29798A5A-F115-4017-973F-0CF05FE26A97", "rt12", "3.1.0.00", 1 },
		{ "rt12v2", "124F4082-8307-4BF4-8DA2-5CC1E3F0DA7A", "rt12", "3.1.0.00", 1 },
		{ "rt13v1", "0A1B2C3D-0000-4000-8000-000000001301", "rt13", "", 1 },
		{ "rt13v2", "0A1B2C3D-0000-4000-8000-000000001302", "rt13", "", 1 },
		{ "rt13v3", "0A1B2C3D-0000-4000-8000-000000001303", "rt13", "", 0 },
	};
	static const struct { const char *name, *uuid, *host; } vms[] = {
		{ "rt11001", "4FCD724B-8407-4945-A973-C25C4CA69A01", "rt11" },
		{ "rt11002", "4FCD724B-8407-4945-A973-C25C4CA69A02", "rt11" },
		{ "rt11003", "4FCD724B-8407-4945-A973-C25C4CA69A03", "rt11" },
		{ "rt12001", "5ADE835C-9518-4A56-B084-D36D5DB7AB01", "rt12" },
		{ "rt12002", "5ADE835C-9518-4A56-B084-D36D5DB7AB02", "rt12" },
		{ "rt13001", "6BEF946D-A629-4B67-C195-E47E6EC8BC01", "rt13" },
	};
	struct store_host_group g;
	char e[256];
	size_t i;

	store_host_group_defaults(&g, "ITSO_HG");
	if (store_host_group_put(src.store, &g, STORE_INSERT, e, sizeof(e)) == -1)
		diag("hg put: %s", e);
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		struct store_host h;
		memset(&h, 0, sizeof(h));
		snprintf(h.name, sizeof(h.name), "%s", hosts[i].name);
		snprintf(h.uuid, sizeof(h.uuid), "%s", hosts[i].uuid);
		snprintf(h.host_group, sizeof(h.host_group), "%s", hosts[i].group);
		if (store_host_put(src.store, &h, STORE_INSERT, e, sizeof(e)) == -1)
			diag("host put: %s", e);
	}
	for (i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		struct store_vios v;
		memset(&v, 0, sizeof(v));
		snprintf(v.name, sizeof(v.name), "%s", vs[i].name);
		snprintf(v.uuid, sizeof(v.uuid), "%s", vs[i].uuid);
		snprintf(v.host, sizeof(v.host), "%s", vs[i].host);
		snprintf(v.version, sizeof(v.version), "%s", vs[i].version);
		snprintf(v.state, sizeof(v.state), "running");
		v.managed = vs[i].managed;
		v.part_id = (int)i + 1;
		if (store_vios_put(src.store, &v, STORE_INSERT, e, sizeof(e)) == -1)
			diag("vios put: %s", e);
	}
	for (i = 0; i < sizeof(vms) / sizeof(vms[0]); i++) {
		struct store_vm v;
		store_vm_defaults(&v, vms[i].name);
		snprintf(v.uuid, sizeof(v.uuid), "%s", vms[i].uuid);
		snprintf(v.host, sizeof(v.host), "%s", vms[i].host);
		snprintf(v.home_host, sizeof(v.home_host), "%s", vms[i].host);
		snprintf(v.lpar_state, sizeof(v.lpar_state), "running");
		v.part_id = (int)i + 3;
		if (store_vm_put(src.store, &v, STORE_INSERT, e, sizeof(e)) == -1)
			diag("vm put: %s", e);
	}
}

static void
vios_query(void)
{
	is_int(run("query vios rt12v1"), CMD_OK, "query vios NAME");
	is_str(OUT, "Name:                rt12v1\n"
	       "UUID:                29798A5A-F115-4017-973F-0CF05FE26A97\n"
	       "Host:                rt12\n"
	       "Version:             VIOS 3.1.0.00\n"
	       "State:               MANAGED\n"
	       "HM_versions:         Unknown\n",
	       "query vios golden text (Ex 3-29): 'VIOS ' prefixed to the version");
	is_int(run("q vios"), CMD_OK, "query vios, every VIOS");
	is_int(count(OUT, "Name:"), 7, "seven records");
	is_int(count(OUT, "\n\nName:"), 6, "separated by a blank line");
	ok(strstr(OUT, "Name:                rt11v1\n") == OUT, "in name order: %s", line1(OUT));
	ok(strstr(OUT, "Name:                rt13v1\nUUID:                "
	          "0A1B2C3D-0000-4000-8000-000000001301\nHost:                rt13\n"
	          "Version:             Unknown\n") != NULL, "an unknown version is 'Unknown'");
	ok(strstr(OUT, "Name:                rt13v3\nUUID:                "
	          "0A1B2C3D-0000-4000-8000-000000001303\nHost:                rt13\n"
	          "Version:             Unknown\nState:               UNMANAGED\n") != NULL,
	   "an unmanaged VIOS shows UNMANAGED");
	is_int(run("query vios 124f4082-8307-4bf4-8da2-5cc1e3f0da7a"), CMD_OK,
	       "query vios by UUID, any case");
	ok(strncmp(OUT, "Name:                rt12v2\n", 28) == 0, "found rt12v2: %s", line1(OUT));
	is_int(run("-v query vios rt11v2"), CMD_OK, "-v query vios");
	ok(strstr(OUT, "HM_versions:         Unknown\nLPAR_id:             2\n"
	          "LPAR_state:          running\n") != NULL, "-v adds LPAR_id and LPAR_state");
	is_int(run("-o json query vios rt12v1,rt11v1"), CMD_OK, "query vios as JSON");
	is_str(OUT, "[{\"name\":\"rt12v1\",\"uuid\":\"29798A5A-F115-4017-973F-0CF05FE26A97\","
	       "\"host\":\"rt12\",\"version\":\"VIOS 3.1.0.00\",\"state\":\"MANAGED\","
	       "\"hm_versions\":\"Unknown\"},{\"name\":\"rt11v1\",\"uuid\":"
	       "\"0A1B2C3D-0000-4000-8000-000000001101\",\"host\":\"rt11\",\"version\":"
	       "\"VIOS 3.1.0.00\",\"state\":\"MANAGED\",\"hm_versions\":\"Unknown\"}]\n",
	       "JSON: lower-case labels, in the order asked");
	is_int(run("-v -o json query vios rt11v1"), CMD_OK, "-v JSON");
	ok(strstr(OUT, "\"lpar_id\":1,\"lpar_state\":\"running\"}]") != NULL,
	   "the LPAR id is a JSON number: %s", OUT);
	is_int(run("query vios rt99v1,rt11v1,nope"), CMD_REFUSED, "query vios of unknown VIOSs");
	ok(strstr(ERR, "no VIOS named (or with UUID) 'rt99v1', 'nope'; known VIOSs: rt11v1, "
	          "rt11v2, rt12v1") != NULL, "names the unknown ones and the known ones: %s",
	   line1(ERR));
	is_int(run("query vios name=rt11v1"), CMD_USAGE, "query vios takes no attribute");
}

static void
vios_manage(void)
{
	is_int(run("unmanage vios rt11v2"), CMD_OK, "unmanage vios");
	is_str(OUT, "VIOS rt11v2 was successfully unmanaged. Please run discovery to apply "
	       "changes\n", "the unmanage message");
	is_int(vios("rt11v2").managed, 0, "rt11v2 is unmanaged in the store");
	is_int(run("umg vios rt11v2"), CMD_OK, "unmanage it again (alias umg)");
	is_str(OUT, "VIOS rt11v2 is already unmanaged\n", "says it already is");
	is_int(run("unmanage vios rt11v1"), CMD_REFUSED, "unmanage the last managed VIOS of rt11");
	ok(strstr(ERR, "host 'rt11' would be left without a managed VIOS (its VIOSs: rt11v1, "
	          "rt11v2)") != NULL, "the refusal says why: %s", line1(ERR));
	is_int(vios("rt11v1").managed, 1, "rt11v1 stays managed");
	is_int(run("unmanage vios rt12v1,rt12v2"), CMD_REFUSED,
	       "unmanage both VIOSs of rt12 at once");
	is_int(vios("rt12v1").managed + vios("rt12v2").managed, 2,
	       "all-or-nothing: both stay managed");
	is_int(run("manage vios rt13v3"), CMD_REFUSED, "a third managed VIOS on rt13");
	ok(strstr(ERR, "host 'rt13' would have 3 managed VIOSs (its VIOSs: rt13v1, rt13v2, "
	          "rt13v3); ksys uses at most two per host") != NULL, "says at most two: %s",
	   line1(ERR));
	is_int(run("manage vios rt13v3 unmanage"), CMD_USAGE, "a stray word is a usage error");
	is_int(run("manage vios rt11v2,NOPE"), CMD_REFUSED, "manage with an unknown VIOS");
	ok(strstr(ERR, "no VIOS named (or with UUID) 'NOPE'") != NULL, "names it: %s",
	   line1(ERR));
	is_int(vios("rt11v2").managed, 0, "all-or-nothing: rt11v2 still unmanaged");
	is_int(run("manage vios 0a1b2c3d-0000-4000-8000-000000001102"), CMD_OK,
	       "manage vios by UUID");
	is_str(OUT, "VIOS rt11v2 was successfully managed. Please run discovery to apply "
	       "changes\n", "the manage message");
	is_int(run("unmanage vios rt13v1"), CMD_OK, "unmanage rt13v1");
	is_int(run("manage vios rt13v3"), CMD_OK, "then rt13v3 may be managed");
	is_int(run("unmanage vios rt13v3,rt13v1"), CMD_OK,
	       "a list: one changes, one already unmanaged");
	is_str(OUT, "VIOS rt13v3 was successfully unmanaged. Please run discovery to apply "
	       "changes\nVIOS rt13v1 is already unmanaged\n", "one line per VIOS, in order");
	is_int(run("manage vios rt13v1"), CMD_OK, "back to rt13v1, rt13v2 managed");
	is_int(run("unmanage vios"), CMD_USAGE, "unmanage vios needs a NAME");
}

static void
vm_query(void)
{
	struct store_host h;
	struct store_host_group g;
	struct store_vm v;
	char e[256];

	is_int(run("query vm"), CMD_OK, "query vm");
	is_str(OUT, "Managed VMs:\n\trt11001\n\trt11002\n\trt11003\n\trt12001\n\trt12002\n"
	       "\trt13001\n\nUnmanaged VMs:\n", "the Redbook's lists (Ex 3-39)");
	is_int(run("-o json query vm"), CMD_OK, "query vm as JSON");
	ok(strstr(OUT, "[{\"name\":\"rt11001\",\"managed\":true},{\"name\":\"rt11002\","
	          "\"managed\":true},") == OUT && count(OUT, "\"managed\":true") == 6,
	   "one object per VM with a managed boolean: %s", line1(OUT));
	is_int(run("query vm rt11001"), CMD_OK, "query vm NAME");
	is_str(OUT, "Name:                rt11001\n"
	       "UUID:                4FCD724B-8407-4945-A973-C25C4CA69A01\n"
	       "State:               INIT\n"
	       "Host:                rt11\n"
	       "Priority:            Medium\n"
	       "VM_failure_detection_speed:    normal\n"
	       "HA_monitor:          disable\n"
	       "Homehost:            rt11\n"
	       "VM_status:           NO_OPERATION_IN_PROGRESS\n"
	       "Version_conflict:    No\n",
	       "query vm golden text (Ex 3-48), values from the system");
	/* inheritance: speed vm -> host -> host group -> system; VM-level
	 * ha_monitor is the VM's own (effective.h) */
	store_host_group_get(src.store, "ITSO_HG", &g, e, sizeof(e));
	snprintf(g.vm_failure_detection_speed, sizeof(g.vm_failure_detection_speed), "fast");
	snprintf(g.ha_monitor, sizeof(g.ha_monitor), "enable");
	store_host_group_put(src.store, &g, STORE_UPDATE, e, sizeof(e));
	is_int(run("query vm rt11001"), CMD_OK, "query vm after a host-group setting");
	ok(strstr(OUT, "VM_failure_detection_speed:    fast\nHA_monitor:          disable\n")
	   != NULL, "the host group's speed is inherited; VM monitoring stays opt-in");
	store_host_get(src.store, "rt11", &h, e, sizeof(e));
	snprintf(h.vm_failure_detection_speed, sizeof(h.vm_failure_detection_speed), "slow");
	store_host_put(src.store, &h, STORE_UPDATE, e, sizeof(e));
	v = vm("rt11001");
	snprintf(v.ha_monitor, sizeof(v.ha_monitor), "disable");
	store_vm_put(src.store, &v, STORE_UPDATE, e, sizeof(e));
	is_int(run("query vm rt11001,rt12001"), CMD_OK, "query vm after host and VM settings");
	ok(strstr(OUT, "Name:                rt11001\n") && strstr(OUT,
	   "VM_failure_detection_speed:    slow\nHA_monitor:          disable\n"),
	   "rt11001: the host's speed and its own ha_monitor win");
	ok(strstr(OUT, "\n\nName:                rt12001\n") && strstr(OUT,
	   "VM_failure_detection_speed:    fast\nHA_monitor:          disable\n"),
	   "rt12001 (other host): the host group's speed");
	is_int(run("query vm rt13001"), CMD_OK, "a VM of a host in no group");
	ok(strstr(OUT, "VM_failure_detection_speed:    normal\nHA_monitor:          disable\n")
	   != NULL, "gets the system's values");
	/* undo, so the rest starts from the system defaults */
	g.vm_failure_detection_speed[0] = g.ha_monitor[0] = '\0';
	store_host_group_put(src.store, &g, STORE_UPDATE, e, sizeof(e));
	h.vm_failure_detection_speed[0] = '\0';
	store_host_put(src.store, &h, STORE_UPDATE, e, sizeof(e));
	v.ha_monitor[0] = '\0';
	store_vm_put(src.store, &v, STORE_UPDATE, e, sizeof(e));

	is_int(run("-o json query vm 6bef946d-a629-4b67-c195-e47e6ec8bc01"), CMD_OK,
	       "query vm by UUID as JSON");
	is_str(OUT, "[{\"name\":\"rt13001\",\"uuid\":\"6BEF946D-A629-4B67-C195-E47E6EC8BC01\","
	       "\"state\":\"INIT\",\"host\":\"rt13\",\"priority\":\"Medium\","
	       "\"vm_failure_detection_speed\":\"normal\",\"ha_monitor\":\"disable\","
	       "\"homehost\":\"rt13\",\"blacklist_hosts\":[],\"vm_status\":"
	       "\"NO_OPERATION_IN_PROGRESS\",\"version_conflict\":\"No\"}]\n",
	       "VM JSON: the text's labels, the blacklist always as an array");
	v = vm("rt12002");
	snprintf(v.lpm_status, sizeof(v.lpm_status), "Failed");
	snprintf(v.verify_error, sizeof(v.verify_error), "HSCLA27C The operation failed");
	v.verified_ms = 1000;
	store_vm_put(src.store, &v, STORE_UPDATE, e, sizeof(e));
	is_int(run("-v query vm rt12002,rt12001"), CMD_OK, "-v query vm");
	ok(strstr(OUT, "Version_conflict:    No\nLPAR_id:             7\n"
	          "LPAR_state:          running\nLPM_validation_status:         Failed\n"
	          "LPM_validation_time: ") != NULL, "-v adds the LPAR and validation fields");
	ok(strstr(OUT, "Verify_error:        HSCLA27C The operation failed\n") != NULL,
	   "and the validation error");
	ok(strstr(OUT, "LPM_validation_status:         Not validated\nLPM_validation_time: Never\n")
	   != NULL && count(OUT, "Verify_error:") == 1,
	   "a VM never validated: 'Not validated', 'Never', no Verify_error line");
	is_int(run("query vm rt11001,NOPE,rt99"), CMD_REFUSED, "query vm of unknown VMs");
	ok(strstr(ERR, "query vm: no VM named (or with UUID) 'NOPE', 'rt99'; known VMs: "
	          "rt11001, rt11002") != NULL, "names the unknown and the known ones: %s",
	   line1(ERR));
	is_int(run("query vm state=managed"), CMD_USAGE, "state= takes manage or unmanage");
	ok(strstr(ERR, "state=managed: expected one of manage|unmanage") != NULL,
	   "says what is allowed: %s", line1(ERR));
}

static void
vm_manage(void)
{
	struct store_vm v;

	is_int(run("unmanage vm name=rt11002,rt11003"), CMD_OK, "unmanage vm name=");
	is_str(OUT, "VM rt11002 was successfully unmanaged. Please run discovery to apply "
	       "changes\nVM rt11003 was successfully unmanaged. Please run discovery to "
	       "apply changes\n", "the Redbook's messages (Ex 3-38)");
	is_int(run("q vm"), CMD_OK, "query vm after unmanage");
	is_str(OUT, "Managed VMs:\n\trt11001\n\trt12001\n\trt12002\n\trt13001\n\n"
	       "Unmanaged VMs:\n\trt11002\n\trt11003\n", "the lists follow");
	is_int(run("q vm state=unmanage"), CMD_OK, "query vm state=unmanage");
	is_int(count(OUT, "Name:"), 2, "records of the two unmanaged VMs");
	ok(strstr(OUT, "Name:                rt11002\nUUID:                "
	          "4FCD724B-8407-4945-A973-C25C4CA69A02\nState:               UNMANAGED\n")
	   != NULL, "State: UNMANAGED");
	is_int(run("q vm state=manage"), CMD_OK, "query vm state=manage");
	is_int(count(OUT, "Name:"), 4, "records of the four managed VMs (spec/A §5)");
	is_int(run("-o json q vm rt11001,rt11002 state=manage"), CMD_OK,
	       "names and state= together filter");
	ok(count(OUT, "\"name\":") == 1 && strstr(OUT, "rt11001"), "only rt11001: %s", OUT);
	is_int(run("unmanage vm rt11002"), CMD_OK, "unmanage an unmanaged VM");
	is_str(OUT, "VM rt11002 is already unmanaged\n", "says it already is");
	is_int(run("manage vm uuid=4fcd724b-8407-4945-a973-c25c4ca69a02"), CMD_OK,
	       "manage vm uuid=");
	is_str(OUT, "VM rt11002 was successfully managed. Please run discovery to apply "
	       "changes\n", "the manage message");
	is_int(run("manage vm rt11003 host=rt12"), CMD_REFUSED, "a VM not on host=");
	ok(strstr(ERR, "VM 'rt11003' is on host 'rt11', not on host 'rt12'") != NULL,
	   "says where it is: %s", line1(ERR));
	is_int(run("manage vm name=rt11003 host=rt11"), CMD_OK, "name= with its host");
	is_int(run("unmanage vm name=rt11001,NOPE"), CMD_REFUSED, "unmanage with an unknown VM");
	ok(strstr(ERR, "unmanage vm: no VM named 'NOPE'; known VMs: rt11001") != NULL,
	   "names it: %s", line1(ERR));
	is_int(vm("rt11001").managed, 1, "all-or-nothing: rt11001 still managed");
	is_int(run("unmanage vm uuid=rt11001"), CMD_REFUSED, "uuid= takes UUIDs only");
	is_int(run("unmanage vm ALL host=rt12"), CMD_OK, "unmanage vm ALL host=");
	is_int(count(OUT, "successfully unmanaged"), 2, "both VMs of rt12");
	is_int(run("manage vm all host_group=ITSO_HG"), CMD_OK, "manage vm ALL host_group=");
	is_str(OUT, "VM rt11001 is already managed\nVM rt11002 is already managed\n"
	       "VM rt11003 is already managed\nVM rt12001 was successfully managed. Please "
	       "run discovery to apply changes\nVM rt12002 was successfully managed. Please "
	       "run discovery to apply changes\n", "every VM of the group's hosts");
	is_int(run("unmanage vm ALL host=rt99"), CMD_REFUSED, "ALL host= of an unknown host");
	ok(strstr(ERR, "host 'rt99' is not known; known hosts: rt11, rt12, rt13, rt14") != NULL,
	   "names the hosts: %s", line1(ERR));
	is_int(run("unmanage vm ALL host=rt14"), CMD_REFUSED, "ALL host= of a host with no VM");
	ok(strstr(ERR, "host 'rt14' has no VM") != NULL, "says so: %s", line1(ERR));
	is_int(run("unmanage vm ALL host_group=HGX"), CMD_REFUSED, "an unknown host group");
	ok(strstr(ERR, "host group 'HGX' is not known; known host groups: ITSO_HG") != NULL,
	   "names the groups: %s", line1(ERR));
	is_int(run("unmanage vm ALL"), CMD_USAGE, "ALL alone");
	ok(strstr(ERR, "needs one of host=HOST or host_group=HG") != NULL, "says what: %s",
	   line1(ERR));
	is_int(run("unmanage vm ALL host=rt11 host_group=ITSO_HG"), CMD_USAGE,
	       "ALL with both host= and host_group=");
	is_int(run("unmanage vm rt11001 name=rt11002"), CMD_USAGE, "NAME list and name=");
	is_int(run("unmanage vm rt11001 host_group=ITSO_HG"), CMD_USAGE, "host_group= without ALL");
	is_int(run("unmanage vm rt11001,ALL host=rt11"), CMD_USAGE, "ALL among names");
	is_int(run("unmanage vm"), CMD_USAGE, "no VM given");
	ok(strstr(ERR, "NAME[,NAME...], name=VM[,VM...], uuid=UUID[,UUID...], ALL host=HOST "
	          "or ALL host_group=HG") != NULL, "lists the selectors: %s", line1(ERR));
	v = vm("rt12001");
	is_int(v.managed, 1, "rt12001 managed again");
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF)
		diag("cannot write %s", path);
	if (f)
		fclose(f);
}

static void
vm_modify(void)
{
	struct store_vm v;
	char line[1024], e[256], path[600];

	is_int(run("modify vm rt11001 priority=high"), CMD_OK, "modify vm priority");
	is_str(OUT, "For VM rt11001 attribute(s) 'priority' was successfully modified.\n",
	       "the Redbook's message (Ex 3-68)");
	is_str(vm("rt11001").priority, "High", "stored capitalised");
	is_int(run("mod vm ALL host=rt12 priority=LOW"), CMD_OK, "modify vm ALL host=");
	is_str(OUT, "For VM rt12001 attribute(s) 'host', 'priority' was successfully modified.\n"
	       "For VM rt12002 attribute(s) 'host', 'priority' was successfully modified.\n",
	       "one line per VM echoing every attribute (Ex 3-70)");
	is_str(vm("rt12002").priority, "Low", "rt12002 is Low");
	is_int(run("modify vm rt11001 priority=urgent"), CMD_USAGE, "a bad priority");
	ok(strstr(ERR, "priority=urgent: expected one of low|medium|high") != NULL,
	   "says what is allowed: %s", line1(ERR));
	is_int(run("modify vm rt11001 vm_failure_detection_speed=fast ha_monitor=enable"),
	       CMD_OK, "modify detection speed and ha_monitor");
	is_str(OUT, "For VM rt11001 attribute(s) 'vm_failure_detection_speed', 'ha_monitor' "
	       "was successfully modified.\n", "both echoed in order");
	run("query vm rt11001");
	ok(strstr(OUT, "Priority:            High\nVM_failure_detection_speed:    fast\n"
	          "HA_monitor:          enable\n") != NULL, "query vm shows them");

	/* home host */
	is_int(run("modify vm rt11001 homehost=rt99"), CMD_REFUSED, "an unknown homehost");
	ok(strstr(ERR, "modify vm: host 'rt99' is not known; known hosts: rt11, rt12, rt13, "
	          "rt14") != NULL, "names the hosts: %s", line1(ERR));
	is_int(run("modify vm rt11001 homehost=rt13"), CMD_REFUSED, "a homehost of another group");
	ok(strstr(ERR, "homehost 'rt13' is not in host group 'ITSO_HG' of VM 'rt11001' (its "
	          "hosts: rt11, rt12)") != NULL, "says which hosts may be: %s", line1(ERR));
	is_int(run("modify vm rt11001 homehost=rt12"), CMD_OK, "homehost in the group");
	is_str(OUT, "For VM rt11001 attribute(s) 'homehost' was successfully modified.\n",
	       "homehost message");
	is_str(vm("rt11001").home_host, "rt12", "stored");
	is_int(run("modify vm rt11001 homehost=rt11"), CMD_OK, "and back");

	/* blacklist */
	v = vm("rt11002");
	snprintf(v.state, sizeof(v.state), "READY_TO_MOVE");
	store_vm_put(src.store, &v, STORE_UPDATE, e, sizeof(e));
	is_int(run("modify vm rt11002 blacklist_hosts=rt12"), CMD_OK, "blacklist rt12");
	is_str(OUT, "WARNING: No backup host will be left for this VM rt11002.\n"
	       "For VM rt11002 attribute(s) 'blacklist_hosts' was successfully modified.\n",
	       "warns that no backup host is left (Ex 3-65)");
	is_str(vm("rt11002").state, "INIT", "the VM goes back to INIT (Ex 3-66)");
	run("query vm rt11002");
	ok(strstr(OUT, "Homehost:            rt11\nBlacklist_hosts:     rt12\n"
	          "VM_status:") != NULL, "query vm shows Blacklist_hosts");
	is_int(run("modify vm rt11002 blacklist_hosts=rt12"), CMD_REFUSED, "a duplicate entry");
	ok(strstr(ERR, "host 'rt12' is already in the blacklist of VM 'rt11002'") != NULL,
	   "says so: %s", line1(ERR));
	is_int(run("modify vm rt11002 blacklist_hosts=rt77"), CMD_REFUSED, "an unknown host");
	ok(strstr(ERR, "host 'rt77' is not known; known hosts:") != NULL, "says so: %s",
	   line1(ERR));
	is_int(run("modify vm rt11003 blacklist_hosts=rt12,rt12"), CMD_USAGE,
	       "a host twice in the list");
	is_int(run("modify vm rt11003 blacklist_hosts=rt13"), CMD_REFUSED,
	       "a host of another group");
	ok(strstr(ERR, "blacklist_hosts: host 'rt13' is not in host group 'ITSO_HG' of VM "
	          "'rt11003'") != NULL, "says so: %s", line1(ERR));
	is_int(run("modify vm rt11003 blacklist_hosts=rt11"), CMD_REFUSED,
	       "the VM's home host");
	ok(strstr(ERR, "host 'rt11' is the home host of VM 'rt11003'") != NULL, "says so: %s",
	   line1(ERR));
	is_int(run("modify vm rt11003 blacklist_hosts=rt12 policy=delete"), CMD_REFUSED,
	       "delete an entry that is not there");
	ok(strstr(ERR, "host 'rt12' is not in the blacklist of VM 'rt11003' (its blacklist is "
	          "empty)") != NULL, "says so: %s", line1(ERR));
	is_int(run("modify vm rt11001,rt11002 blacklist_hosts=rt12"), CMD_REFUSED,
	       "one VM of the list has it already");
	is_int(blacklist_len("rt11001"), 0, "all-or-nothing: rt11001's blacklist unchanged");
	is_int(run("modify vm rt11002 homehost=rt12"), CMD_REFUSED, "homehost on the blacklist");
	ok(strstr(ERR, "homehost 'rt12' is in the blacklist of VM 'rt11002'; remove it first") !=
	   NULL, "says how to fix it: %s", line1(ERR));
	is_int(run("modify vm rt11002 blacklist_hosts=rt12 policy=delete"), CMD_OK,
	       "policy=delete");
	is_str(OUT, "For VM rt11002 attribute(s) 'blacklist_hosts', 'policy' was successfully "
	       "modified.\n", "echoes policy too (Ex 3-67), no warning");
	is_int(blacklist_len("rt11002"), 0, "the blacklist is empty");
	run("query vm rt11002");
	ok(strstr(OUT, "Blacklist_hosts") == NULL, "an empty blacklist is not shown");
	is_int(run("modify vm rt13001 blacklist_hosts=rt14"), CMD_OK,
	       "a VM of a host in no group: any known host");
	ok(strstr(OUT, "WARNING") == NULL, "no group, no warning");
	is_int(run("modify vm rt11001 policy=add"), CMD_USAGE, "policy= alone");
	is_int(run("modify vm rt11001"), CMD_USAGE, "nothing to change");
	is_int(run("modify vm ALL priority=high"), CMD_USAGE, "ALL without host=");
	is_int(run("modify vm rt11001,NOPE priority=low"), CMD_REFUSED, "an unknown VM");
	is_str(vm("rt11001").priority, "High", "all-or-nothing: rt11001 still High");
	is_int(run("modify vm rt11001 host=rt12 priority=low"), CMD_REFUSED,
	       "host= names another host");
	is_int(run("modify vm rt11001 colour=red"), CMD_USAGE, "an unknown attribute");

	/* filepath= */
	snprintf(path, sizeof(path), "%s/vms.txt", dir);
	write_file(path, "# VMs of the payroll application\nrt11001\n  rt12001  \n\n"
	           "rt12002\r\n");
	snprintf(line, sizeof(line), "modify vm filepath=%s priority=medium", path);
	is_int(run(line), CMD_OK, "modify vm filepath=");
	ok(count(OUT, "attribute(s) 'filepath', 'priority' was successfully modified.") == 3,
	   "three VMs from the file, comments and blanks skipped: %s", line1(OUT));
	is_str(vm("rt12002").priority, "Medium", "rt12002 changed");
	is_int(run("modify vm filepath=vms.txt priority=low"), CMD_USAGE, "a relative path");
	ok(strstr(ERR, "give an absolute path") != NULL, "says so: %s", line1(ERR));
	snprintf(line, sizeof(line), "modify vm filepath=%s/none priority=low", dir);
	is_int(run(line), CMD_REFUSED, "a missing file");
	ok(strstr(ERR, "/none: cannot open it: No such file or directory") != NULL,
	   "names the file and why: %s", line1(ERR));
	snprintf(line, sizeof(line), "modify vm filepath=%s priority=low", dir);
	is_int(run(line), CMD_REFUSED, "a directory");
	ok(strstr(ERR, "not a regular file") != NULL, "says so: %s", line1(ERR));
	write_file(path, "rt11001\nroot:$y$j9T$secret:19000:0:99999:7:::\n");
	snprintf(line, sizeof(line), "modify vm filepath=%s priority=low", path);
	is_int(run(line), CMD_REFUSED, "a file that is not a list of VMs");
	ok(strstr(ERR, "line 2 is not a VM name") != NULL && strstr(ERR, "secret") == NULL,
	   "refused by line number, the content not echoed: %s", line1(ERR));
	write_file(path, "rt11001\nrt55001\n");
	is_int(run(line), CMD_REFUSED, "an unknown VM in the file");
	ok(strstr(ERR, "no VM named (or with UUID) 'rt55001'") != NULL, "names it: %s",
	   line1(ERR));
	is_str(vm("rt11001").priority, "Medium", "all-or-nothing: rt11001 still Medium");
	snprintf(line, sizeof(line), "modify vm rt11001 filepath=%s priority=low", path);
	is_int(run(line), CMD_USAGE, "names and filepath= together");
}

static void
viodisk(void)
{
	is_int(run("query viodisk vios=rt11v1,rt11v2"), CMD_REFUSED,
	       "query viodisk without a running ksysd");
	ok(strstr(ERR, "needs a running ksysd") != NULL, "says so: %s", line1(ERR));
	io_lines = io_ends = 0;
	is_int(run_io("query viodisk", &test_io), CMD_USAGE, "neither vios= nor hosts=");
	ok(strstr(ERR, "needs one of vios=VIOS[,VIOS...] or hosts=HOST[,HOST...]") != NULL,
	   "says what: %s", line1(ERR));
	is_int(run_io("query viodisk vios=rt11v1 hosts=rt11", &test_io), CMD_USAGE, "both");
	is_int(run_io("query viodisk vios=rt11v1,rtXv1", &test_io), CMD_REFUSED,
	       "an unknown VIOS");
	ok(strstr(ERR, "query viodisk: no VIOS named (or with UUID) 'rtXv1'; known VIOSs:")
	   != NULL, "names it: %s", line1(ERR));
	is_int(run_io("query viodisk hosts=rt11,rtX", &test_io), CMD_REFUSED, "an unknown host");
	ok(strstr(ERR, "host 'rtX' is not known; known hosts: rt11") != NULL, "names it: %s",
	   line1(ERR));
	is_int(run_io("query viodisk hosts=rt14", &test_io), CMD_REFUSED,
	       "a host without a managed VIOS");
	ok(strstr(ERR, "host 'rt14' has no managed VIOS") != NULL, "says so: %s", line1(ERR));
	is_int(run_io("query viodisk hosts=rt11,rt12", &test_io), CMD_REFUSED,
	       "known VIOSs, but no HMC client here");
	ok(strstr(ERR, "query viodisk: needs a running ksysd (HMC access)") != NULL,
	   "refused at the HMC step: %s", line1(ERR));
	is_int(io_lines + io_ends, 0, "no asynchronous answer was started");
	is_int(run_io("query viodisk vioses=rt11v1", &test_io), CMD_USAGE,
	       "an unknown attribute");
}

int
main(void)
{
	char cmd[640], e[256];

	snprintf(dir, sizeof(dir), "%.400s/test_cmd_obj.%s%s%s",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", "XX", "XX", "XX");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	src.store = store_open(dir, e, sizeof(e));
	if (!src.store) {
		printf("Bail out! store_open: %s\n", e);
		return 1;
	}
	is_int(run("query vios"), CMD_OK, "query vios with none");
	ok(strstr(OUT, "No VIOS is known") != NULL, "says none is known: %s", line1(OUT));
	is_int(run("-o json query vm"), CMD_OK, "query vm JSON with none");
	is_str(OUT, "[]\n", "an empty array");
	is_int(run("query vm"), CMD_OK, "query vm with none");
	ok(strstr(OUT, "No VM is known") != NULL, "says none is known: %s", line1(OUT));
	is_int(run("unmanage vm rt11001"), CMD_REFUSED, "unmanage before any VM is known");
	ok(strstr(ERR, "no VM is known yet") != NULL, "says where VMs come from: %s", line1(ERR));
	seed();
	vios_query();
	vios_manage();
	vm_query();
	vm_manage();
	vm_modify();
	viodisk();
	store_close(src.store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	buf_free(&out);
	buf_free(&err);
	return done_testing();
}
