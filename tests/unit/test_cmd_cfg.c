/* test_cmd_cfg — ksysmgr's store-backed classes (cmd_cfg.c) driven through
 * cmd_run on a store in a temporary directory: cluster, host groups, system
 * attributes, notify, affinity groups; golden text, JSON, refusals,
 * all-or-nothing and persistence across a reopen.  No socket, no loop.
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

static int
run(const char *line)
{
	char copy[1024], *argv[64], *p;
	int argc = 0;

	buf_reset(&out);
	buf_reset(&err);
	snprintf(copy, sizeof(copy), "%s", line);
	for (p = strtok(copy, " "); p && argc < 64; p = strtok(NULL, " "))
		argv[argc++] = p;
	return cmd_run(&src, argc, argv, &out, &err, NULL);
}

/* First line of s, for a test description. */
static const char *
line1(const char *s)
{
	static char l[256];

	snprintf(l, sizeof(l), "%.*s", (int)strcspn(s, "\n"), s);
	return l;
}

#define OUT buf_str(&out)
#define ERR buf_str(&err)

static void
reopen(void)
{
	char e[256];

	if (src.store)
		store_close(src.store);
	src.store = store_open(dir, e, sizeof(e));
	if (!src.store) {
		printf("Bail out! store_open: %s\n", e);
		exit(1);
	}
}

static void
seed(void)
{
	const char *hosts[] = { "rt11-8286-42A-0607585", "rt12-8286-42A-2100E5W", "rt13" };
	const char *vms[] = { "rt11001", "rt12001", "rt12002", "rt12003" };
	char e[256];
	size_t i;

	for (i = 0; i < 3; i++) {
		struct store_host h;
		memset(&h, 0, sizeof(h));
		snprintf(h.name, sizeof(h.name), "%s", hosts[i]);
		if (store_host_put(src.store, &h, STORE_INSERT, e, sizeof(e)) == -1)
			diag("host put: %s", e);
	}
	for (i = 0; i < 4; i++) {
		struct store_vm v;
		store_vm_defaults(&v, vms[i]);
		if (store_vm_put(src.store, &v, STORE_INSERT, e, sizeof(e)) == -1)
			diag("vm put: %s", e);
	}
}

static void
cluster(void)
{
	is_int(run("query ksyscluster"), CMD_OK, "query ksyscluster with none");
	ok(strstr(OUT, "No KSYS cluster is defined") != NULL, "says none is defined");
	is_int(run("-o json q cl"), CMD_OK, "JSON with no cluster");
	is_str(OUT, "[]\n", "an empty array");
	is_int(run("add ksyscluster ITSO_HA ksysnodes=ksys7005rbdr type=HA"), CMD_OK,
	       "add ksyscluster");
	ok(strncmp(OUT, "Adding node to current cluster configuration\nKsyscluster has been "
	           "created", 70) == 0, "the Redbook's add messages: %s", line1(OUT));
	is_int(run("create cluster OTHER type=ha"), CMD_REFUSED, "a second cluster");
	ok(strstr(ERR, "the KSYS cluster 'ITSO_HA' already exists and there can be only one")
	   != NULL, "the refusal names the existing cluster: %s", line1(ERR));
	is_int(run("q cl"), CMD_OK, "q cl");
	is_str(OUT, "Name:            ITSO_HA\nState:           Defined\nType:            HA\n",
	       "query ksyscluster golden text (17-column labels), not verified yet");
	is_int(run("-v -o json query ksyscluster"), CMD_OK, "query ksyscluster -v as JSON");
	is_str(OUT, "[{\"name\":\"ITSO_HA\",\"state\":\"Defined\",\"type\":\"HA\","
	       "\"ksysnodes\":\"ksys7005rbdr\"}]\n", "cluster JSON");
	is_int(run("sync ksyscluster ITSO_HA"), CMD_REFUSED, "sync before verify");
	ok(strstr(ERR, "is not verified yet; run 'ksysmgr verify ksyscluster ITSO_HA'") != NULL,
	   "says verify first: %s", line1(ERR));
	is_int(run("verify ksyscluster ITSO_HA"), CMD_REFUSED,
	       "verify with a node that is not this controller");
	ok(strstr(ERR, "ksysnodes 'ksys7005rbdr' does not name this controller") != NULL,
	   "names the node: %s", line1(ERR));
	is_int(run("delete ksyscluster NOPE"), CMD_REFUSED, "delete an unknown cluster");
	ok(strstr(ERR, "no cluster named 'NOPE'; the KSYS cluster is 'ITSO_HA'") != NULL,
	   "names the real one: %s", line1(ERR));
	is_int(run("rm cl ITSO_HA"), CMD_OK, "delete ksyscluster");
	ok(strstr(OUT, "Ksyscluster ITSO_HA was removed") != NULL, "removed");
	is_int(run("add ksyscluster"), CMD_USAGE, "add ksyscluster needs a NAME");
	is_int(run("add ksyscluster ITSO_HA type=HA"), CMD_OK,
	       "re-created with this controller as the node");
	is_int(run("verify cl ITSO_HA"), CMD_OK, "verify ksyscluster");
	is_str(OUT, "Verified, Please run: \"ksysmgr sync ksyscluster <ksysclustername>\"\n",
	       "the Redbook's verify message");
	is_int(run("sync ksyscluster"), CMD_OK, "sync ksyscluster (the only one)");
	is_str(OUT, "Starting KSYS subsystem ...\n   Waiting for KSYS subsystem to start ...\n"
	       "KSYS subsystem has started, you can begin adding HMCs, Hosts, etc\n",
	       "the Redbook's sync messages");
	is_int(run("q cl"), CMD_OK, "query after sync");
	ok(strstr(OUT, "State:           Online\n") != NULL, "Online");
	is_int(run("sync ksyscluster ITSO_HA"), CMD_OK, "sync again");
	ok(strncmp(OUT, "Ksyscluster seems to already be online and running, restarting",
	           60) == 0, "already online: %s", line1(OUT));
}

static void
events(void)
{
	struct store_event e;
	char er[256];
	int i;

	is_int(run("query event"), CMD_OK, "query event with an empty log");
	is_str(OUT, "No event\n", "says there is none");
	for (i = 0; i < 3; i++) {
		memset(&e, 0, sizeof(e));
		snprintf(e.name, sizeof(e.name), "%s", i == 1 ? "VM_VERIFY_FAILED" :
		         "DISCOVERY_COMPLETED");
		snprintf(e.severity, sizeof(e.severity), "info");
		snprintf(e.object_kind, sizeof(e.object_kind), "host_group");
		snprintf(e.object_name, sizeof(e.object_name), "HG%d", i);
		snprintf(e.text, sizeof(e.text), "event %d", i);
		store_event_add(src.store, &e, er, sizeof(er));
	}
	is_int(run("q ev"), CMD_OK, "q ev");
	ok(strstr(OUT, "Event:               DISCOVERY_COMPLETED\n") &&
	   strstr(OUT, "Object:              host_group HG2\n"), "records with the 21-column layout");
	is_int(run("query event type=VM_VERIFY_FAILED"), CMD_OK, "filtered by type");
	ok(strstr(OUT, "HG1") && !strstr(OUT, "HG0") && !strstr(OUT, "HG2"), "only that type");
	is_int(run("-o json query event since=2"), CMD_OK, "since an ID, as JSON");
	ok(strncmp(OUT, "[{\"id\":3,", 9) == 0 && !strstr(OUT, "HG1"), "only newer events: %s",
	   line1(OUT));
	is_int(run("query event limit=0"), CMD_USAGE, "limit out of range");
}

static void
system_attrs(void)
{
	static const char golden[] =
		"System-Wide Persistent Attributes\n"
		"auto_discovery_time:         00:00 hours\n"
		"notification_level:          low\n"
		"dup_event_processing:        yes\n"
		"ha_monitor:                  disable\n"
		"host_failure_detection_time: 90 seconds\n"
		"vm_failure_detection_speed:  normal\n"
		"restart_policy:              auto\n"
		"User Scripts for Host Group:\n";

	is_int(run("query system"), CMD_OK, "query system");
	is_str(OUT, golden, "query system golden text (factory defaults, 29 columns)");
	is_int(run("modify system ha_monitor=enable"), CMD_OK, "modify system ha_monitor");
	is_str(OUT, "KSYS ha_monitor has been updated\n", "the Redbook's message");
	is_int(run("mod sys host_failure_detection_time=30"), CMD_USAGE, "fdt 30");
	ok(strstr(ERR, "host_failure_detection_time must be 90-600 seconds, got 30") != NULL,
	   "the range message: %s", line1(ERR));
	is_int(run("mod sys vm_failure_detection_speed=quick"), CMD_USAGE, "bad enum");
	ok(strstr(ERR, "expected one of fast|normal|slow") != NULL, "values listed");
	is_int(run("mod sys auto_discovery_time=12:60"), CMD_USAGE, "bad hh:mm");
	ok(strstr(ERR, "expected hh:mm (00:00 to 23:59)") != NULL, "hh:mm named");
	is_int(run("mod sys colour=red"), CMD_USAGE, "unknown attribute");
	ok(strstr(ERR, "unknown attribute 'colour' for modify system; attributes: ha_monitor")
	   != NULL, "attributes listed");
	is_int(run("mod sys"), CMD_USAGE, "modify system without attributes");
	is_int(run("mod sys notification_level=HIGH dup_event_processing=No "
	           "vm_failure_detection_speed=Fast host_failure_detection_time=120 "
	           "auto_discovery_time=23:30 restart_policy=advisory_mode"), CMD_OK,
	       "several attributes, case-insensitive values");
	is_int(run("mod sys ha_monitor=disable host_failure_detection_time=601"), CMD_USAGE,
	       "one bad value among several");
	is_int(run("-o json q sys"), CMD_OK, "query system as JSON");
	is_str(OUT, "[{\"auto_discovery_time\":\"23:30\",\"notification_level\":\"high\","
	       "\"dup_event_processing\":\"no\",\"ha_monitor\":\"enable\","
	       "\"host_failure_detection_time\":120,\"vm_failure_detection_speed\":\"fast\","
	       "\"restart_policy\":\"advisory_mode\"}]\n",
	       "normalised values stored; nothing of the refused modify");
	is_int(run("mod sys vm_failure_detection_speed=normal host_failure_detection_time=90"),
	       CMD_OK, "back to the defaults the host group inherits");
}

static void
host_groups(void)
{
	static const char golden[] =
		"Name:                ITSO_HG\n"
		"Hosts:               rt11-8286-42A-0607585\n"
		"                     rt12-8286-42A-2100E5W\n"
		"Memory_capacity:     Priority Based Settings\n"
		"                     high:100\n"
		"                     medium:60\n"
		"                     low:100\n"
		"CPU_capacity:        Priority Based Settings\n"
		"                     high:100\n"
		"                     medium:100\n"
		"                     low:100\n"
		"Skip_power_on:       No\n"
		"HA_monitor:          enable\n"
		"Restart_policy:      auto\n"
		"VM_failure_detection_speed:    normal\n"
		"Host_failure_detection_time:   90\n";

	is_int(run("add host_group HG0 hosts=ghost"), CMD_REFUSED, "an unknown host");
	ok(strstr(ERR, "host 'ghost' is not known; known hosts: rt11-8286-42A-0607585, "
	          "rt12-8286-42A-2100E5W, rt13") != NULL, "the known hosts are listed: %s", line1(ERR));
	is_int(run("add host_group HG0"), CMD_USAGE, "hosts= is required");
	is_int(run("add hg ITSO_HG hosts=rt11-8286-42A-0607585,rt12-8286-42A-2100E5W "
	           "repo_disk=01M0lCTT== ha_disk=01M0lCTU=="), CMD_OK, "add host_group");
	is_str(OUT, "Host_group ITSO_HG added successfully\nRun discover command to proceed "
	       "further\n", "the Redbook's add message");
	is_int(run("add hg ITSO_HG hosts=rt13"), CMD_REFUSED, "a duplicate name");
	ok(strstr(ERR, "host group 'ITSO_HG' already exists") != NULL, "named: %s", line1(ERR));
	is_int(run("add hg HG2 hosts=rt13,rt11-8286-42A-0607585"), CMD_REFUSED,
	       "a host already in a group");
	ok(strstr(ERR, "host 'rt11-8286-42A-0607585' already belongs to host group 'ITSO_HG'")
	   != NULL, "named: %s", line1(ERR));
	is_int(run("q hg HG2"), CMD_REFUSED, "nothing of HG2 was written");
	ok(strstr(ERR, "host group 'HG2' does not exist") != NULL, "unknown object: %s", line1(ERR));
	is_int(run("modify host_group ITSO_HG options memory_capacity=60 priority=medium"),
	       CMD_USAGE, "the Redbook's stray 'options' word is a usage error");
	is_int(run("modify host_group ITSO_HG memory_capacity=60 priority=Medium"), CMD_OK,
	       "flexible capacity");
	is_str(OUT, "For Host_group ITSO_HG attribute(s) 'memory_capacity', 'priority' was "
	       "successfully modified.\n", "the Redbook's modify message");
	is_int(run("q hg ITSO_HG"), CMD_OK, "query host_group");
	is_str(OUT, golden, "query host_group golden text");
	is_int(run("mod hg ITSO_HG cpu_capacity=101"), CMD_USAGE, "capacity out of range");
	ok(strstr(ERR, "cpu_capacity=101: expected 1-100, minimum, current_desired or none")
	   != NULL, "range named");
	is_int(run("mod hg ITSO_HG restart_policy=advisory_mode ha_monitor=disable "
	           "host_failure_detection_time=5"), CMD_USAGE, "one bad value: nothing set");
	is_int(run("mod hg ITSO_HG restart_policy=advisory_mode hosts=ghost"), CMD_REFUSED,
	       "an unknown host among several attributes: nothing set");
	is_int(run("mod hg ITSO_HG hosts=rt13 ha_monitor=disable"), CMD_OK, "add a host");
	is_int(run("-o json q hg"), CMD_OK, "query host_group as JSON");
	is_str(OUT, "[{\"name\":\"ITSO_HG\",\"hosts\":[\"rt11-8286-42A-0607585\","
	       "\"rt12-8286-42A-2100E5W\",\"rt13\"],\"memory_capacity\":[\"high:100\","
	       "\"medium:60\",\"low:100\"],\"cpu_capacity\":[\"high:100\",\"medium:100\","
	       "\"low:100\"],\"skip_power_on\":\"No\",\"ha_monitor\":\"disable\","
	       "\"restart_policy\":\"auto\",\"vm_failure_detection_speed\":\"normal\","
	       "\"host_failure_detection_time\":90}]\n", "host group JSON");
	is_int(run("mod hg ITSO_HG hosts=rt13 policy=delete"), CMD_OK, "remove a host");
	is_int(run("mod hg ITSO_HG hosts=rt13 policy=delete"), CMD_REFUSED, "not a member");
	ok(strstr(ERR, "host 'rt13' is not in host group 'ITSO_HG'") != NULL, "said: %s", line1(ERR));
	is_int(run("add hg HG2 hosts=rt13"), CMD_OK, "a second group");
	is_int(run("delete hg HG2"), CMD_OK, "delete host_group (its host is released)");
	is_int(run("q hg HG2"), CMD_REFUSED, "gone");
	is_int(run("del hg NOPE"), CMD_REFUSED, "delete an unknown group");
}

static void
notify(void)
{
	is_int(run("add notify user=Francisco contact=francisco.almeida@testamail.com"),
	       CMD_OK, "add notify");
	is_str(OUT, "successfully added user info\n", "the Redbook's message");
	is_int(run("add notify user=Francisco contact=francisco.almeida@mailtes.com"), CMD_OK,
	       "a second contact for the user");
	is_int(run("add notify user=Francisco contact=francisco.almeida@mailtes.com"),
	       CMD_REFUSED, "a duplicate contact");
	is_int(run("add notify user=Bob contact=nobody"), CMD_REFUSED, "not an address");
	ok(strstr(ERR, "contact=nobody: expected an email address") != NULL, "said: %s", line1(ERR));
	is_int(run("add notify user=Bob"), CMD_USAGE, "contact= is required");
	is_int(run("query notify contact"), CMD_OK, "query notify contact");
	is_str(OUT, "User:            Francisco\nContact:         francisco.almeida@mailtes.com\n"
	       "\nUser:            Francisco\nContact:         francisco.almeida@testamail.com\n",
	       "query notify golden text");
	is_int(run("-o json q notify"), CMD_OK, "query notify as JSON");
	is_str(OUT, "[{\"user\":\"Francisco\",\"contact\":\"francisco.almeida@mailtes.com\"},"
	       "{\"user\":\"Francisco\",\"contact\":\"francisco.almeida@testamail.com\"}]\n",
	       "notify JSON");
	is_int(run("delete notify user=Francisco contact=francisco.almeida@mailtes.com"),
	       CMD_OK, "delete one contact");
	is_str(OUT, "successfully deleted user info\n", "the Redbook's message");
	is_int(run("delete notify user=Nobody"), CMD_REFUSED, "delete an unknown user");
	ok(strstr(ERR, "no contact is registered for user 'Nobody'") != NULL, "said: %s", line1(ERR));
}

static void
groups(void)
{
	is_int(run("add collocation policy_1 vm=rt12001,rt12002,rt12003"), CMD_OK,
	       "add collocation");
	is_str(OUT, "Collocation group policy_1 was created\n", "the Redbook's message");
	is_int(run("q collocation"), CMD_OK, "query collocation");
	is_str(OUT, "Name:                policy_1\nType:                Collocation\n"
	       "VMs:                 rt12001\n                     rt12002\n"
	       "                     rt12003\n", "query collocation golden text");
	is_int(run("add anticollocation policy_1 vm=rt11001"), CMD_REFUSED, "duplicate name");
	ok(strstr(ERR, "a collocation group named 'policy_1' already exists") != NULL,
	   "said: %s", line1(ERR));
	is_int(run("add anticollocation policy_2 vm=rt12001,ghost"), CMD_REFUSED,
	       "an unknown VM");
	ok(strstr(ERR, "VM 'ghost' is not known") != NULL, "said: %s", line1(ERR));
	is_int(run("q anticollocation"), CMD_OK, "nothing of policy_2 was written");
	ok(strstr(OUT, "No anticollocation group is defined") != NULL, "none: %s", line1(OUT));
	is_int(run("add anti policy_2 vm=rt12001,rt11001"), CMD_OK, "add anticollocation");
	is_str(OUT, "Anticollocation group policy_2 was created\n", "message");
	is_int(run("mod workgroup policy_2 vm=rt12002"), CMD_REFUSED, "the wrong kind");
	ok(strstr(ERR, "'policy_2' is an anticollocation group, not a workgroup group") != NULL,
	   "said: %s", line1(ERR));
	is_int(run("mod collocation policy_1 policy=delete vm=rt12003"), CMD_OK,
	       "remove a member");
	is_str(OUT, "For Collocation group policy_1 attribute(s) 'policy', 'vm' was "
	       "successfully modified.\n", "modify message");
	is_int(run("mod collocation policy_1 policy=delete vm=rt11001"), CMD_REFUSED,
	       "remove a non-member");
	is_int(run("add wg dev_itso vm=rt11001"), CMD_OK, "add workgroup");
	is_int(run("-o json q workgroup"), CMD_OK, "query workgroup as JSON");
	is_str(OUT, "[{\"name\":\"dev_itso\",\"type\":\"workgroup\",\"vms\":[\"rt11001\"]}]\n",
	       "workgroup JSON");
	is_int(run("delete workgroup dev_itso"), CMD_OK, "delete workgroup");
	is_str(OUT, "Workgroup group dev_itso was removed\n", "the Redbook's message");
	is_int(run("delete workgroup dev_itso"), CMD_REFUSED, "already gone");
}

static void
persistence(void)
{
	reopen();
	is_int(run("q sys"), CMD_OK, "query system after reopen");
	ok(strstr(OUT, "ha_monitor:                  enable\n") &&
	   strstr(OUT, "auto_discovery_time:         23:30 hours\n"), "system attributes kept");
	is_int(run("q hg ITSO_HG"), CMD_OK, "query host_group after reopen");
	ok(strstr(OUT, "medium:60") && strstr(OUT, "HA_monitor:          disable"),
	   "host group kept");
	is_int(run("q collocation policy_1"), CMD_OK, "collocation after reopen");
	ok(strstr(OUT, "rt12002") && !strstr(OUT, "rt12003"), "members kept");
	is_int(run("q notify"), CMD_OK, "notify after reopen");
	ok(strstr(OUT, "testamail") && !strstr(OUT, "mailtes.com"), "contacts kept");
	is_int(run("q cl"), CMD_OK, "cluster after reopen");
	ok(strstr(OUT, "ITSO_HA") != NULL, "cluster kept");
}

int
main(void)
{
	char cmd[640];

	/* mkdtemp's template: six X, written so no run of three shows here */
	snprintf(dir, sizeof(dir), "%.400s/test_cmd_cfg.%s%s%s",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", "XX", "XX", "XX");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	reopen();
	is_int(run("add host_group HG0 hosts=h1"), CMD_REFUSED, "no host known yet");
	ok(strstr(ERR, "hosts are learned from the HMCs by discovery") != NULL,
	   "says where hosts come from: %s", line1(ERR));
	seed();
	cluster();
	events();
	system_attrs();
	host_groups();
	notify();
	groups();
	persistence();
	store_close(src.store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	buf_free(&out);
	buf_free(&err);
	return done_testing();
}
