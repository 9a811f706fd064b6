/* test_cmd — the ksysmgr grammar engine (cmd.c): aliases, prefixes,
 * ambiguity, attributes, help levels, query hmc from a fake source, JSON
 * escaping and column alignment.  No socket, no loop.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "../tap.h"

static struct cmd_hmc_row fake[2] = {
	{ "hmc1", "10.0.0.1", 12443, "hscroot", 1, 1, "" },
	{ "hmc2", "10.0.0.2", 443, "hscroot", 0, 0, "connect: \"refused\"\n" },
};

static size_t fake_count(void *arg) { (void)arg; return 2; }
static int
fake_row(void *arg, size_t i, struct cmd_hmc_row *out)
{
	(void)arg;
	*out = fake[i];
	return 0;
}

static struct cmd_source src = { fake_count, fake_row, NULL };
static struct buf out, err;

/* Runs "words..." (blank-separated) and returns the status. */
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

static void
lookups(void)
{
	char e[512];

	is_str(cmd_action_lookup("q", e, sizeof(e)), "query", "q is query");
	is_str(cmd_action_lookup("QUERY", e, sizeof(e)), "query", "actions are case-insensitive");
	is_str(cmd_action_lookup("mk", e, sizeof(e)), "add", "mk is add");
	is_str(cmd_action_lookup("create", e, sizeof(e)), "add", "create is add");
	is_str(cmd_action_lookup("cr", e, sizeof(e)), "add", "cr* is add");
	is_str(cmd_action_lookup("mod", e, sizeof(e)), "modify", "mod is modify");
	is_str(cmd_action_lookup("remove", e, sizeof(e)), "delete", "remove is delete");
	is_str(cmd_action_lookup("unman", e, sizeof(e)), "unmanage", "unman* is unmanage");
	is_str(cmd_action_lookup("umg", e, sizeof(e)), "unmanage", "umg is unmanage");
	is_str(cmd_action_lookup("discovery", e, sizeof(e)), "discover", "discovery is discover");
	is_str(cmd_action_lookup("disco", e, sizeof(e)), "discover", "a prefix of discover");
	ok(cmd_action_lookup("m", e, sizeof(e)) == NULL, "m is ambiguous");
	ok(strstr(e, "ambiguous action 'm'") && strstr(e, "modify") && strstr(e, "manage"),
	   "the ambiguity lists the candidates: %s", e);
	ok(cmd_action_lookup("frob", e, sizeof(e)) == NULL, "frob is unknown");
	ok(strncmp(e, "unknown action 'frob'; actions: add, modify", 42) == 0,
	   "unknown action lists the actions: %s", e);

	is_str(cmd_class_lookup("cl", e, sizeof(e)), "ksyscluster", "cl is ksyscluster");
	is_str(cmd_class_lookup("cluster", e, sizeof(e)), "ksyscluster", "cluster is ksyscluster");
	is_str(cmd_class_lookup("hg", e, sizeof(e)), "host_group", "hg is host_group");
	is_str(cmd_class_lookup("host", e, sizeof(e)), "host", "host is exactly host");
	is_str(cmd_class_lookup("lpar", e, sizeof(e)), "vm", "lpar is vm");
	is_str(cmd_class_lookup("Sys", e, sizeof(e)), "system", "Sys is system");
	ok(cmd_class_lookup("hos", e, sizeof(e)) == NULL && strstr(e, "host, host_group"),
	   "hos is ambiguous between host and host_group: %s", e);
	ok(cmd_class_lookup("hx", e, sizeof(e)) == NULL &&
	   strstr(e, "unknown class 'hx'; classes: ksyscluster, hmc, host,") == e,
	   "unknown class lists the classes: %s", e);
}

static void
grammar(void)
{
	is_int(run("query hmc"), CMD_OK, "query hmc is served");
	is_int(run("q hmc hmc2"), CMD_OK, "q hmc NAME");
	ok(strstr(buf_str(&out), "hmc2") && !strstr(buf_str(&out), "hmc1"), "only hmc2 is shown");
	is_int(run("q hmc hmc1,nope"), CMD_REFUSED, "an unknown HMC name is refused");
	ok(strstr(buf_str(&err), "no HMC named 'nope'; configured: hmc1, hmc2") != NULL,
	   "the refusal names the HMCs");
	is_int(run("q hmc a,,b"), CMD_USAGE, "an empty element in a NAME list");
	is_int(run(""), CMD_USAGE, "no words is a usage error");
	is_int(run("query"), CMD_USAGE, "a missing class is a usage error");
	is_int(run("sync hmc"), CMD_USAGE, "sync does not apply to hmc");
	ok(strstr(buf_str(&err), "classes for sync: ksyscluster") != NULL,
	   "it lists the classes of sync");
	is_int(run("-x query hmc"), CMD_USAGE, "an unknown option");
	is_int(run("-o yaml query hmc"), CMD_USAGE, "-o yaml");
	is_int(run("-vt -ojson query hmc"), CMD_OK, "grouped flags and -ojson");
	ok(buf_str(&out)[0] == '[', "-ojson gives JSON");

	is_int(run("add hmc"), CMD_USAGE, "add hmc needs a NAME");
	is_int(run("add hmc h1 login=hscroot port=70000"), CMD_USAGE, "port out of range");
	ok(strstr(buf_str(&err), "port=70000: expected an integer from 1 to 65535") != NULL,
	   "the range is named");
	is_int(run("add hmc h1 login=a login=b"), CMD_USAGE, "a duplicate attribute");
	ok(strstr(buf_str(&err), "attribute 'login' given twice") != NULL, "duplicate named");
	is_int(run("add hmc h1 Login=a colour=red"), CMD_USAGE, "an unknown attribute");
	ok(strstr(buf_str(&err), "unknown attribute 'colour' for add hmc; attributes: "
	          "login, password, ip, port") != NULL, "attributes listed");
	is_int(run("query hmc x=1"), CMD_USAGE, "query hmc takes no attribute");
	ok(strstr(buf_str(&err), "it takes no attributes") != NULL, "said so");
	is_int(run("add hmc h1 login="), CMD_USAGE, "an empty value");
	is_int(run("modify hmc h1 port=12x"), CMD_USAGE, "a non-numeric integer");
	is_int(run("modify vm vm1 priority=High"), CMD_REFUSED,
	       "priority=High is accepted (case-insensitive), then refused without a store");
	ok(strstr(buf_str(&err), "modify vm") != NULL, "the refusal names the request");
	is_int(run("discover hg HG1"), CMD_REFUSED, "an asynchronous command without ksysd");
	ok(strstr(buf_str(&err), "discover host_group: needs a running ksysd") != NULL,
	   "the refusal says why");
	is_int(run("query system"), CMD_REFUSED, "a store command without a store");
	ok(strstr(buf_str(&err), "query system: this ksysd has no configuration store") != NULL,
	   "the refusal names the missing store");
	is_int(run("modify host_group hg1 priority=urgent"), CMD_USAGE, "a bad enum value");
	ok(strstr(buf_str(&err), "expected one of low|medium|high") != NULL, "values listed");
	is_int(run("mod sys auto_discovery_time=23:59"), CMD_REFUSED, "hh:mm 23:59 is valid");
	is_int(run("mod sys auto_discovery_time=24:00"), CMD_USAGE, "hh:mm 24:00 is not");
	is_int(run("mod sys auto_discovery_time=7:00"), CMD_USAGE, "hh:mm needs two digits");
	is_int(run("discover hg hg1 verify=TRUE"), CMD_REFUSED, "verify=TRUE is a yes");
	is_int(run("discover hg hg1 verify=maybe"), CMD_USAGE, "verify=maybe is not");
	is_int(run("mod sys host_failure_detection_time=89"), CMD_USAGE, "90-600: 89 refused");
	is_int(run("mod sys host_failure_detection_time=600"), CMD_REFUSED, "90-600: 600 ok");
	is_int(run("mod sys sys1"), CMD_USAGE, "system takes no NAME");
	is_int(run("modify vm vm1 priority=high vm2"), CMD_USAGE, "a stray word");
	is_int(run("add vm x"), CMD_USAGE, "add does not apply to vm");
}

static void
help(void)
{
	is_int(run("-h"), CMD_OK, "-h");
	ok(strstr(buf_str(&out), "usage: ksysmgr") && strstr(buf_str(&out), "unman* umg") &&
	   strstr(buf_str(&out), "ksyscl* cl* cluster"), "top help lists actions and aliases");
	is_int(run("-?"), CMD_OK, "-?");
	is_int(run("query -h"), CMD_OK, "query -h");
	ok(strstr(buf_str(&out), "ksysmgr query hmc [NAME[,NAME...]]") &&
	   strstr(buf_str(&out), "ksysmgr query vm") && !strstr(buf_str(&out), "ksysmgr add"),
	   "action help lists that action's classes");
	is_int(run("mod sys -h"), CMD_OK, "mod sys -h");
	ok(strstr(buf_str(&out), "auto_discovery_time") && strstr(buf_str(&out), "hh:mm") &&
	   strstr(buf_str(&out), "Served by this ksysd"), "pair help lists attributes");
	is_int(run("query hmc -h"), CMD_OK, "query hmc -h");
	ok(strstr(buf_str(&out), "Served by this ksysd") != NULL, "says it is served");
	is_int(run("frob -h"), CMD_USAGE, "help of an unknown action is a usage error");
}

static void
output(void)
{
	struct buf b = { 0 };
	static const char *const hdr[] = { "Host Name", "Uuid" };
	static const char *const cells[] = { "rt12", "4715", "a-longer-host-name", "6e2f" };
	struct cmd_field f[2] = { { "Name", "x", 0 }, { "Port", "12", 1 } };

	cmd_put_json_str(&b, "a\"b\\c\nd\te\x01" "f/");
	is_str(buf_str(&b), "\"a\\\"b\\\\c\\nd\\te\\u0001f/\"", "JSON string escaping");
	buf_reset(&b);
	cmd_put_kv(&b, "Name", "rthmc6", 21);
	is_str(buf_str(&b), "Name:                rthmc6\n", "a 21-column label");
	buf_reset(&b);
	cmd_put_kv(&b, "VM_failure_detection_speed", "normal", 21);
	is_str(buf_str(&b), "VM_failure_detection_speed:    normal\n", "a long label pads to 31");
	buf_reset(&b);
	cmd_put_kv(&b, "VIOS", "rt12v2\nrt12v1", 21);
	is_str(buf_str(&b), "VIOS:                rt12v2\n                     rt12v1\n",
	       "continuation lines are indented to the value column");
	buf_reset(&b);
	cmd_put_table(&b, 2, hdr, cells, 2, 0);
	is_str(buf_str(&b), "Host Name            Uuid\n"
	                    "=========            ====\n"
	                    "rt12                 4715\n"
	                    "a-longer-host-name   6e2f\n", "columns align on the widest cell");
	buf_reset(&b);
	cmd_put_records(&b, 1, f, 2, 1, 21);
	is_str(buf_str(&b), "[{\"name\":\"x\",\"port\":12}]\n", "JSON records");
	buf_reset(&b);
	cmd_put_records(&b, 1, f, 2, 0, 21);
	is_str(buf_str(&b), "[]\n", "no records is an empty array");
	buf_free(&b);

	is_int(run("-o json query hmc"), CMD_OK, "query hmc as JSON");
	is_str(buf_str(&out), "[{\"name\":\"hmc1\",\"ip\":\"10.0.0.1\",\"login\":\"hscroot\","
	       "\"hosts\":[]},{\"name\":\"hmc2\",\"ip\":\"10.0.0.2\",\"login\":\"hscroot\","
	       "\"hosts\":[]}]\n", "query hmc JSON document");
	is_int(run("-v -o json query hmc hmc2"), CMD_OK, "query hmc -v as JSON");
	is_str(buf_str(&out), "[{\"name\":\"hmc2\",\"ip\":\"10.0.0.2\",\"login\":\"hscroot\","
	       "\"port\":443,\"state\":\"down\",\"last_error\":"
	       "\"connect: \\\"refused\\\"\\n\",\"tls_trust\":\"unknown\","
	       "\"defined_in\":\"ksysmgr\",\"hosts\":[]}]\n",
	       "query hmc -v JSON: port a number, the error escaped");
	is_int(run("query hmc hmc1"), CMD_OK, "query hmc as text");
	is_str(buf_str(&out), "Name:                hmc1\nIp:                  10.0.0.1\n"
	       "Login:               hscroot\n\n"
	       "                        Managed Host List:\n\n"
	       "Host Name                               Uuid\n"
	       "=========                               ====\n"
	       "(not read from the HMC yet)\n"
	       "============================================================================\n",
	       "query hmc text record: the Redbook's layout");
	is_int(run("-v query hmc hmc2"), CMD_OK, "query hmc -v as text");
	ok(strstr(buf_str(&out), "Login:               hscroot\nPort:                443\n"
	          "State:               down\nLast_error:          connect: \"refused\" \n") != NULL,
	   "query hmc -v adds port, state and the last error on one line");
}

int
main(void)
{
	lookups();
	grammar();
	help();
	output();
	buf_free(&out);
	buf_free(&err);
	return done_testing();
}
