/* test_vios — the vioHADR2.00 codec (vios.c): request builders against the
 * verbatim requests of spec/B §6.2, reply parsers against the transcribed
 * examples in tests/data/vios/, reply shapes, and hostile input.  Runs from
 * the repository root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tap.h"
#include "buf.h"
#include "log.h"
#include "xmlu.h"
#include "vios.h"

#define TESTDATA_DIR "tests/data/vios/"
#include "../testdata.h"
#define HDR "<?xml version=\"1.0\"?>\n<VIO xmlns=\"http://ausgsa.austin.ibm.com/projects/v/vios/schema/vioHADR2.00\" version=\"2.00\" author=\"LIBKREST\" title="





static const struct vios_mtms ms_e8e = { "8408", "E8E", "212424W" };

static void
test_builders(void)
{
	struct buf b = { 0 };
	struct vios_mtms ms = { "8408", "E8E", "21282FW" };
	struct vios_hm hm[2] = {
		{ "72DEE902-1210-4BD7-A35F-3A6C771C6453", 1, 3, "16DC6A23650F" },
		{ "10875b47-d737-44f9-a745-554f4df4adf8", 1, 2, "16DC662CB90E" },
	};
	const char *vm[1] = { "61BE20F0-09A8-4753-B5E5-564F8A545ED5" };
	struct vios_mtms evil = { "8<&", "\"'", "x" };
	char err[256];
	xmlDocPtr doc;

	vios_req_quick_query(&b);
	is_str(buf_str(&b), HDR "\"Req Quick Query\">\n"
	       "  <Request action_str=\"VIO_HS_QUICK_QUERY\"/>\n</VIO>\n",
	       "QUICK_QUERY byte for byte");
	buf_reset(&b);
	vios_req_needs_attention(&b);
	is_str(buf_str(&b), HDR "\"Req Needs Attention\">\n"
	       "  <Request action_str=\"VIO_HS_NEEDS_ATTENTION\" dataType=\"GLOBAL_DATA\"/>\n</VIO>\n",
	       "NEEDS_ATTENTION byte for byte");
	buf_reset(&b);
	vios_req_acknowledge(&b, -6630805255682309212LL);
	is_str(buf_str(&b), HDR "\"acknowledgment to VIOS\">\n"
	       "  <Request action_str=\"VIO_HS_ACKNOWLEDGE\" hsTag=\"-6630805255682309212\"/>\n</VIO>\n",
	       "ACKNOWLEDGE byte for byte");
	buf_reset(&b);
	vios_req_query_node_data(&b);
	is_str(buf_str(&b), HDR "\"VIO_HS_QUERY_NODE_DATA\">\n"
	       "  <Request action_str=\"VIO_HS_QUERY_NODE_DATA\"/>\n</VIO>\n",
	       "QUERY_NODE_DATA byte for byte");
	buf_reset(&b);
	vios_req_add_ms(&b, &ms, hm, 2);
	is_str(buf_str(&b), HDR "\"Add Managed System\">\n"
	       "  <Request action_str=\"VIO_HS_ADD_MS\" hsTag=\"0\">\n"
	       "    <addMS>\n"
	       "      <viosList machine_type=\"8408\" model=\"E8E\" serial=\"21282FW\">\n"
	       "        <vios uuid=\"72dee902-1210-4bd7-a35f-3a6c771c6453\" isHM=\"true\" partNum=\"3\" macAddr=\"16DC6A23650F\"/>\n"
	       "        <vios uuid=\"10875b47-d737-44f9-a745-554f4df4adf8\" isHM=\"true\" partNum=\"2\" macAddr=\"16DC662CB90E\"/>\n"
	       "      </viosList>\n"
	       "    </addMS>\n"
	       "  </Request>\n"
	       "</VIO>\n", "ADD_MS byte for byte (uuids lower-cased)");
	buf_reset(&b);
	vios_req_add_vm(&b, &ms_e8e, vm, 1);
	is_str(buf_str(&b), HDR "\"Add VM\">\n"
	       "  <Request action_str=\"VIO_HS_ADD_VM\" hsTag=\"0\">\n"
	       "    <addVM>\n"
	       "      <vmList machine_type=\"8408\" model=\"E8E\" serial=\"212424W\">\n"
	       "        <vm uuid=\"61be20f0-09a8-4753-b5e5-564f8a545ed5\"/>\n"
	       "      </vmList>\n"
	       "    </addVM>\n"
	       "  </Request>\n"
	       "</VIO>\n", "ADD_VM byte for byte");
	buf_reset(&b);
	vios_req_start_vm(&b, &ms_e8e, vm, 1);
	is_str(buf_str(&b), HDR "\"Start VM\">\n"
	       "  <Request action_str=\"VIO_HS_START_VM\" hsTag=\"0\">\n"
	       "    <startVM>\n"
	       "      <vmList machine_type=\"8408\" model=\"E8E\" serial=\"212424W\">\n"
	       "        <vm uuid=\"61be20f0-09a8-4753-b5e5-564f8a545ed5\"/>\n"
	       "      </vmList>\n"
	       "    </startVM>\n"
	       "  </Request>\n"
	       "</VIO>\n", "START_VM byte for byte");
	buf_reset(&b);
	vios_req_stop_vm(&b, &ms_e8e, vm, 1);
	ok(contains(buf_str(&b), "title=\"Stop VM\"") &&
	   contains(buf_str(&b), "<Request action_str=\"VIO_HS_STOP_VM\" hsTag=\"0\">\n    <stopVM>") &&
	   contains(buf_str(&b), "<vm uuid=\"61be20f0-09a8-4753-b5e5-564f8a545ed5\"/>"), "STOP_VM shape");
	buf_reset(&b);
	vios_req_remove_vm(&b, &ms_e8e, vm, 1);
	ok(contains(buf_str(&b), "title=\"Remove VM\"") &&
	   contains(buf_str(&b), "action_str=\"VIO_HS_REMOVE_VM\"") &&
	   contains(buf_str(&b), "<removeVM>"), "REMOVE_VM shape");
	buf_reset(&b);
	vios_req_put_msg(&b, &ms_e8e, vm[0], 1542894422, 1, "<Command code=\"0x2\"/>");
	ok(contains(buf_str(&b), "<Request action_str=\"VIO_HS_PUT_MSG\" hsTag=\"1542894422\">") &&
	   contains(buf_str(&b), "<msg seqNum=\"1\">&lt;Command code=&quot;0x2&quot;/&gt;</msg>"),
	   "PUT_MSG carries the escaped payload");
	doc = xmlu_parse(b.data, b.len, "put", err, sizeof err);
	ok(doc != NULL, "PUT_MSG is well-formed");
	xmlFreeDoc(doc);
	buf_reset(&b);
	vios_req_query_msg(&b, &ms_e8e, vm[0]);
	ok(contains(buf_str(&b), "<Request action_str=\"VIO_HS_QUERY_MSG\">") &&
	   contains(buf_str(&b), "<queryMsg>"), "QUERY_MSG shape (no hsTag)");
	buf_reset(&b);
	vios_req_get_msg(&b, &ms_e8e, vm[0], 7);
	ok(contains(buf_str(&b), "<Request action_str=\"VIO_HS_GET_MSG\" hsTag=\"7\">") &&
	   contains(buf_str(&b), "<getMsg>"), "GET_MSG shape");
	buf_reset(&b);
	vios_req_ack_msg(&b, &ms_e8e, vm[0], -7);
	ok(contains(buf_str(&b), "<Request action_str=\"VIO_HS_ACK_MSG\" hsTag=\"-7\">") &&
	   contains(buf_str(&b), "<ackMsg>"), "ACK_MSG shape");
	buf_reset(&b);
	vios_req_add_vm(&b, &evil, vm, 1);
	ok(contains(buf_str(&b), "machine_type=\"8&lt;&amp;\" model=\"&quot;&apos;\"") ||
	   contains(buf_str(&b), "machine_type=\"8&lt;&amp;\" model=\"&quot;&#39;\""),
	   "hostile MTMS escaped");
	doc = xmlu_parse(b.data, b.len, "evil", err, sizeof err);
	ok(doc != NULL, "escaped request is well-formed");
	xmlFreeDoc(doc);
	buf_free(&b);
}

static void
test_qq(void)
{
	struct vios_qq q;
	char err[256], *s;
	size_t len;
	int rc;

	s = slurp("qq_happy.xml", &len);
	rc = vios_parse_qq(s, len, "QUICK_QUERY reply from VIOS v1", &q, err, sizeof err);
	ok(rc == 0, "QQ happy parses (%s)", rc ? err : "");
	is_int(q.nhosts, 2, "two hosts");
	if (q.nhosts == 2) {
		is_str(q.hosts[0].ms.machine_type, "8286", "host 1 type");
		is_str(q.hosts[0].ms.model, "42A", "host 1 model");
		is_str(q.hosts[0].ms.serial, "21E0B2V", "host 1 serial");
		is_int(q.hosts[0].n, 2, "host 1 has two VIOSs");
		is_str(q.hosts[0].v[0].uuid, "315CE56B-9BA0-46A1-B4BC-DA6108574E7E", "uuid upper-cased");
		is_int(q.hosts[0].v[0].state, VIOS_STATE_UP, "state UP");
		is_int(q.hosts[0].v[0].hm_responsive, 1, "hmResponsive");
		is_int(q.hosts[0].v[0].hm_response_sec, 1, "hmResponseSec single-quoted");
		is_int(q.hosts[0].v[1].hm_response_sec, 0, "hmResponseSec 0");
		is_int(q.hosts[0].v[0].has_data, 0, "hasData");
		is_int(q.hosts[0].v[0].reason, 0, "reason");
		is_str(q.hosts[1].ms.serial, "2100DEW", "host 2 serial");
		is_str(q.hosts[1].v[1].uuid, "166C89EF-57D8-4E75-815C-AA5B885560B1", "host 2 VIOS 2");
	}
	vios_qq_free(&q);
	free(s);

	s = slurp("qq_vios_down.xml", &len);
	rc = vios_parse_qq(s, len, "qq", &q, err, sizeof err);
	ok(rc == 0 && q.nhosts == 2 && q.hosts[0].n == 2, "QQ VIOS down parses");
	if (rc == 0) {
		is_int(q.hosts[0].v[0].state, VIOS_STATE_DOWN, "state DOWN");
		is_str(q.hosts[0].v[0].state_str, "DOWN", "state_str");
		is_int(q.hosts[0].v[0].hm_responsive, 0, "hmResponsive 0");
		is_int(q.hosts[0].v[0].hm_response_sec, 206498, "hmResponseSec 206498");
		is_int(q.hosts[0].v[0].has_data, 1, "hasData 1");
		is_int(q.hosts[0].v[0].reason, 0x40, "reason NODE_SHUTDOWN");
	}
	vios_qq_free(&q);
	free(s);

	s = slurp("qq_ex267.xml", &len);
	rc = vios_parse_qq(s, len, "qq", &q, err, sizeof err);
	ok(rc == 0 && q.nhosts == 2 && q.hosts[1].n == 2 && q.hosts[1].v[1].reason == 1,
	   "QQ of spec/A 4.10 (reason 0x00000001)");
	vios_qq_free(&q);
	free(s);
}

static const struct vios_vm *
first_vm(const struct vios_na *na)
{
	size_t i;

	for (i = 0; i < na->nvm_lists; i++)
		if (na->vm_lists[i].n)
			return &na->vm_lists[i].v[0];
	return NULL;
}

static void
test_na(void)
{
	struct vios_na na;
	const struct vios_vm *vm;
	char err[256], *s;
	size_t len;
	int rc;

	s = slurp("na_happy.xml", &len);
	rc = vios_parse_na(s, len, "na", &na, err, sizeof err);
	ok(rc == 0, "NA happy parses (%s)", rc ? err : "");
	ok(!na.has_tag, "no hsTag");
	is_int(na.nblocks, 1, "one needsAtt");
	is_int(na.nvm_lists, 1, "one vmList");
	ok(na.nvm_lists == 1 && na.vm_lists[0].n == 0 &&
	   strcmp(na.vm_lists[0].ms.serial, "212424W") == 0, "empty vmList of 212424W");
	is_int(na.nvios_lists, 0, "no abnormal VIOS");
	vios_na_free(&na);
	free(s);

	s = slurp("na_statechg.xml", &len);
	rc = vios_parse_na(s, len, "na", &na, err, sizeof err);
	vm = first_vm(&na);
	ok(rc == 0 && na.has_tag && na.hs_tag == -1234658345958918737LL, "state change hsTag");
	ok(vm && vm->state == VIOS_VM_STARTED && vm->state_chg && !vm->has_missed_hb &&
	   !vm->has_short_msg && vm->disc == VIOS_DISC_NONE,
	   "stateChg=1 STARTED");
	ok(vm && strcmp(vm->uuid, "61BE20F0-09A8-4753-B5E5-564F8A545ED5") == 0, "vm uuid upper");
	vios_na_free(&na);
	free(s);

	s = slurp("na_doorbell.xml", &len);
	rc = vios_parse_na(s, len, "na", &na, err, sizeof err);
	vm = first_vm(&na);
	ok(rc == 0 && na.nblocks == 2 && na.nvm_lists == 2 && na.hs_tag == -3026381694404356594LL,
	   "doorbell: two blocks, same tag");
	ok(vm && vm->has_short_msg && vm->short_msg == 0x28 && !vm->state_chg, "shortMsg 0x28");
	vios_na_free(&na);
	free(s);

	s = slurp("na_missedhb.xml", &len);
	rc = vios_parse_na(s, len, "na", &na, err, sizeof err);
	vm = first_vm(&na);
	ok(rc == 0 && !na.has_tag, "missed HB: no hsTag");
	ok(vm && vm->has_missed_hb && vm->missed_hb == 42, "missedHb 42");
	vios_na_free(&na);
	free(s);

	s = slurp("na_lpm.xml", &len);
	rc = vios_parse_na(s, len, "na", &na, err, sizeof err);
	ok(rc == 0 && na.nvm_lists == 2 && na.vm_lists[0].n == 1 && na.vm_lists[1].n == 1,
	   "LPM: the VM twice under the target host");
	if (rc == 0 && na.nvm_lists == 2) {
		vm = &na.vm_lists[0].v[0];
		is_int(vm->disc, VIOS_DISC_MOVED, "discoveryInfo MOVED");
		is_str(vm->missed_hm_entry, "10875B47-D737-44F9-A745-554F4DF4ADF8", "missedHMEntry upper");
		ok(vm->state_chg, "stateChg");
		vm = &na.vm_lists[1].v[0];
		ok(vm->state_chg && vm->disc == VIOS_DISC_NONE && !vm->missed_hm_entry[0],
		   "second entry plain stateChg");
	}
	vios_na_free(&na);
	free(s);

	s = slurp("na_unmanaged.xml", &len);
	rc = vios_parse_na(s, len, "na", &na, err, sizeof err);
	ok(rc == 0 && na.nblocks == 3 && na.nvios_lists == 1 && na.nvm_lists == 2,
	   "unmanaged: viosStatList block plus two vmList blocks (%s)", rc ? err : "");
	if (rc == 0 && na.nvm_lists == 2 && na.nvios_lists == 1) {
		ok(na.vios_lists[0].n == 1 && na.vios_lists[0].v[0].has_data, "abnormal VIOS hasData");
		is_int(na.vm_lists[1].n, 4, "four UNKNOWN entries (each uuid twice)");
		ok(na.vm_lists[1].v[3].state == VIOS_VM_UNKNOWN &&
		   na.vm_lists[1].v[3].disc == VIOS_DISC_UNMANAGED, "UNKNOWN + UNMANAGED");
	}
	vios_na_free(&na);
	free(s);

	s = slurp("na_vios_only.xml", &len);
	rc = vios_parse_na(s, len, "na", &na, err, sizeof err);
	ok(rc == 0 && !na.has_tag && na.nvm_lists == 0 && na.nvios_lists == 2 &&
	   na.vios_lists[0].n == 2 && na.vios_lists[1].n == 2, "VIOS-only NA: all four VIOSs");
	if (rc == 0 && na.nvios_lists == 2)
		ok(na.vios_lists[0].v[0].state == VIOS_STATE_DOWN && !na.vios_lists[1].v[0].hm_responsive,
		   "DOWN and hmResponsive 0");
	vios_na_free(&na);
	free(s);
}

static void
test_nodedata(void)
{
	struct vios_nodedata nd;
	char err[256], *s;
	size_t len;
	int rc;

	s = slurp("nodedata.xml", &len);
	rc = vios_parse_nodedata(s, len, "nd", &nd, err, sizeof err);
	ok(rc == 0, "QUERY_NODE_DATA parses (%s)", rc ? err : "");
	ok(nd.has_tag && nd.hs_tag == 378617663756949861LL, "hsTag");
	ok(nd.nlists == 1 && nd.lists[0].n == 3, "three events");
	if (nd.nlists == 1 && nd.lists[0].n == 3) {
		is_str(nd.lists[0].ms.serial, "21E0B2V", "nodeList serial");
		is_str(nd.lists[0].v[0].uuid, "315CE56B-9BA0-46A1-B4BC-DA6108574E7E", "VIOS uuid");
		is_str(nd.lists[0].v[0].event_type, "NODE_DOWN", "EVENT_TYPE");
		is_str(nd.lists[0].v[0].reason, "NODE_SHUTDOWN", "REASON");
		is_int(nd.lists[0].v[0].tv_sec, 1547996884, "TIME_tvsec");
		is_int(nd.lists[0].v[0].seq, 4, "SEQUENCE_NUM");
		ok(contains(nd.lists[0].v[0].event, "CLUSTER_ID=0x43B050741B4111E9803E001018AFFE76"),
		   "raw event text kept");
		is_str(nd.lists[0].v[1].event_type, "ADAPTER_UP", "second event");
		is_str(nd.lists[0].v[2].event_type, "NODE_UP", "third event");
		is_int(nd.lists[0].v[2].seq, -1, "absent SEQUENCE_NUM");
	}
	vios_nodedata_free(&nd);
	free(s);
}

static void
test_action(void)
{
	struct vios_action_reply r;
	char err[256], *s;
	size_t len;
	int rc;

	s = slurp("addms_reply.xml", &len);
	rc = vios_parse_action(s, len, "ADD_MS reply", &r, err, sizeof err);
	ok(rc == 0 && !r.empty, "ADD_MS full header parses (%s)", rc ? err : "");
	is_str(r.title, "VIOS ADD_MS", "title");
	is_str(r.published, "2019-04-26T01:17:00Z", "published");
	is_str(r.author, "IBM Power Systems VIOS", "author");
	is_str(r.prefix, "", "no prefix");
	free(s);

	s = slurp("addms_prefix.xml", &len);
	rc = vios_parse_action(s, len, "ADD_MS reply", &r, err, sizeof err);
	ok(rc == 0, "ADD_MS with startsrc prefix line parses (%s)", rc ? err : "");
	is_str(r.prefix, "0513-059 The ksys_hsmon Subsystem has been started. Subsystem PID is 22086114.",
	       "prefix kept");
	is_str(r.title, "VIOS ADD_MS", "title after prefix");
	free(s);

	s = slurp("addvm_reply.xml", &len);
	rc = vios_parse_action(s, len, "ADD_VM reply", &r, err, sizeof err);
	ok(rc == 0 && strcmp(r.title, "VIOS ADD_VM") == 0 &&
	   strcmp(r.published, "2019-04-30T01:17:00Z") == 0, "ADD_VM full header");
	free(s);

	rc = vios_parse_action("", 0, "ACK reply", &r, err, sizeof err);
	ok(rc == 0 && r.empty, "empty stdout (ACKNOWLEDGE)");
	rc = vios_parse_action(" \n", 2, "START_VM reply", &r, err, sizeof err);
	ok(rc == 0 && r.empty, "whitespace-only stdout (START_VM)");
	rc = vios_parse_action("<VIO><Response></Response></VIO>", 32, "x", &r, err, sizeof err);
	ok(rc == 0 && !r.empty && !r.title[0], "bare action reply");
	rc = vios_parse_action("garbage only", 12, "START_VM reply from VIOS v1", &r, err, sizeof err);
	ok(rc == -1 && contains(err, "START_VM reply from VIOS v1: no XML"), "text without XML refused: %s", err);
	rc = vios_parse_action("<VIO></VIO>", 11, "x", &r, err, sizeof err);
	ok(rc == -1 && contains(err, "no <Response>"), "VIO without Response refused");
}

static void
test_shapes(void)
{
	struct vios_qq q;
	struct vios_na na;
	struct vios_nodedata nd;
	char err[256], *s, *t;
	size_t len;
	int rc;

	s = slurp("qq_happy.xml", &len);
	/* full header with namespace */
	t = replace(s, "<VIO>", "<?xml version=\"1.0\"?>\n<VIO xmlns=\"" VIOS_NS "\"\n  version=\"2.00\"\n>");
	rc = vios_parse_qq(t, strlen(t), "qq", &q, err, sizeof err);
	ok(rc == 0 && q.nhosts == 2, "QQ with full header and namespace");
	vios_qq_free(&q);
	free(t);
	/* prefix line */
	t = replace(s, "<VIO>", "some startsrc message\n<VIO>");
	rc = vios_parse_qq(t, strlen(t), "qq", &q, err, sizeof err);
	ok(rc == 0 && q.nhosts == 2, "QQ with a non-XML prefix line");
	vios_qq_free(&q);
	free(t);
	/* all single quotes, upper-case uuid */
	t = replace(s, "\"", "'");
	free(s);
	s = replace(t, "315ce56b-9ba0-46a1-b4bc-da6108574e7e", "315CE56B-9BA0-46A1-B4BC-DA6108574E7E");
	rc = vios_parse_qq(s, strlen(s), "qq", &q, err, sizeof err);
	ok(rc == 0 && q.nhosts == 2 &&
	   strcmp(q.hosts[0].v[0].uuid, "315CE56B-9BA0-46A1-B4BC-DA6108574E7E") == 0,
	   "single quotes everywhere, upper-case uuid");
	vios_qq_free(&q);
	free(t);
	/* newline inside attribute values */
	t = replace(s, "state='UP'", "state='\nUP\n'");
	rc = vios_parse_qq(t, strlen(t), "qq", &q, err, sizeof err);
	ok(rc == 0 && q.nhosts == 2 && q.hosts[0].v[0].state == VIOS_STATE_UP,
	   "raw newlines around an attribute value (%s)", rc ? err : "");
	vios_qq_free(&q);
	free(t);
	free(s);

	rc = vios_parse_qq("", 0, "QUICK_QUERY reply from VIOS v1", &q, err, sizeof err);
	ok(rc == -1 && contains(err, "QUICK_QUERY reply from VIOS v1: empty reply"), "empty QQ refused: %s", err);
	rc = vios_parse_qq("<VIO><Response/></VIO>", 22, "qq", &q, err, sizeof err);
	ok(rc == 0 && q.nhosts == 0, "QQ with no host is empty, not an error");
	rc = vios_parse_na("<VIO><Response/></VIO>", 22, "na", &na, err, sizeof err);
	ok(rc == 0 && na.nblocks == 0 && !na.has_tag, "NA with nothing");
	rc = vios_parse_nodedata("<VIO><Response/></VIO>", 22, "nd", &nd, err, sizeof err);
	ok(rc == 0 && nd.nlists == 0 && !nd.has_tag, "NODE_DATA with nothing");
	rc = vios_parse_qq("<Foo/>", 6, "qq", &q, err, sizeof err);
	ok(rc == -1 && contains(err, "expected <VIO>"), "wrong root refused: %s", err);
}

static void
test_hostile(void)
{
	struct vios_qq q;
	struct vios_na na;
	struct vios_nodedata nd;
	struct buf b = { 0 };
	char err[256], *s, *t;
	size_t len, i;
	double t0;
	int rc;

	s = slurp("qq_happy.xml", &len);
	for (i = 0; i < len; i += 7) {
		rc = vios_parse_qq(s, i, "qq", &q, err, sizeof err);
		vios_qq_free(&q);
		if (rc == 0 && i < len - 20)
			break;
	}
	ok(i >= len, "every truncation of a QQ reply is refused");
	t = replace(s, "<VIO>", "<!DOCTYPE VIO [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><VIO>");
	rc = vios_parse_qq(t, strlen(t), "qq", &q, err, sizeof err);
	ok(rc == -1 && contains(err, "DOCTYPE"), "DOCTYPE refused: %s", err);
	free(t);

	t = replace(s, "uuid=\"315ce56b-9ba0-46a1-b4bc-da6108574e7e\" ", "");
	rc = vios_parse_qq(t, strlen(t), "QUICK_QUERY reply from VIOS v1", &q, err, sizeof err);
	is_str(rc ? err : "", "QUICK_QUERY reply from VIOS v1: quickQuery 1: viosStatus 1: viosStat 1: uuid missing",
	       "missing uuid named with its position");
	free(t);
	t = replace(s, "hmResponseSec='0'", "");
	rc = vios_parse_qq(t, strlen(t), "qq", &q, err, sizeof err);
	ok(rc == -1 && contains(err, "viosStat 2: hmResponseSec missing"), "missing hmResponseSec: %s", err);
	free(t);
	t = replace(s, "hmResponseSec='1'", "hmResponseSec='-5'");
	rc = vios_parse_qq(t, strlen(t), "qq", &q, err, sizeof err);
	ok(rc == -1 && contains(err, "hmResponseSec '-5'"), "negative hmResponseSec: %s", err);
	free(t);
	t = replace(s, "serial=\"2100DEW\"", "");
	rc = vios_parse_qq(t, strlen(t), "qq", &q, err, sizeof err);
	ok(rc == -1 && contains(err, "quickQuery 2: viosStatus 2: serial missing"), "missing serial: %s", err);
	free(t);
	t = replace(s, "315ce56b-9ba0-46a1-b4bc-da6108574e7e", "315ce56b-9ba0-46a1-b4bc-da6108574e7g");
	rc = vios_parse_qq(t, strlen(t), "qq", &q, err, sizeof err);
	ok(rc == -1 && contains(err, "not a UUID"), "bad uuid: %s", err);
	free(t);
	t = replace(s, "reason='0x00000000'", "reason='0x1ffffffff'");
	rc = vios_parse_qq(t, strlen(t), "qq", &q, err, sizeof err);
	ok(rc == -1 && contains(err, "reason"), "reason out of range: %s", err);
	free(t);

	/* 1 MB attribute */
	buf_puts(&b, "<VIO><Response><quickQuery><viosStatList><viosStatus machine_type=\"8286\" "
	         "model=\"42A\" serial=\"X\"><viosStat uuid=\"");
	for (i = 0; i < 1024 * 1024; i++)
		buf_putc(&b, 'a');
	buf_puts(&b, "\" state=\"UP\" hmResponsive=\"1\" hmResponseSec=\"0\"/></viosStatus>"
	         "</viosStatList></quickQuery></Response></VIO>");
	rc = vios_parse_qq(b.data, b.len, "qq", &q, err, sizeof err);
	ok(rc == -1 && contains(err, "not a UUID"), "1 MB uuid attribute refused: %s", err);
	buf_reset(&b);
	buf_puts(&b, "<VIO><Response><nodeData><nodeList machine_type=\"8286\" model=\"42A\" "
	         "serial=\"X\"><node uuid=\"315ce56b-9ba0-46a1-b4bc-da6108574e7e\" event=\"EVENT_TYPE=NODE_UP ");
	for (i = 0; i < 1024 * 1024; i++)
		buf_putc(&b, i % 64 ? 'x' : '\n');
	buf_puts(&b, "\"/></nodeList></nodeData></Response></VIO>");
	rc = vios_parse_nodedata(b.data, b.len, "nd", &nd, err, sizeof err);
	ok(rc == 0 && nd.nlists == 1 && nd.lists[0].n == 1 && nd.lists[0].v[0].event_truncated &&
	   strlen(nd.lists[0].v[0].event) == VIOS_EVENT_MAX &&
	   strcmp(nd.lists[0].v[0].event_type, "NODE_UP") == 0, "1 MB event cut, fields kept");
	vios_nodedata_free(&nd);

	/* 10,000 viosStat entries */
	buf_reset(&b);
	buf_puts(&b, "<VIO><Response><quickQuery><viosStatList><viosStatus machine_type=\"8286\" "
	         "model=\"42A\" serial=\"X\">\n");
	for (i = 0; i < 10000; i++)
		buf_printf(&b, "<viosStat uuid=\"%08zx-9ba0-46a1-b4bc-da6108574e7e\" state=\"UP\" "
		           "hmResponsive=\"1\" hmResponseSec='1' hasData='0' reason='0x00000000' "
		           "syncMsg=\"0\" />\n", i);
	buf_puts(&b, "</viosStatus></viosStatList></quickQuery></Response></VIO>");
	t0 = now_s();
	rc = vios_parse_qq(b.data, b.len, "qq", &q, err, sizeof err);
	diag("10000 viosStat (%zu bytes) parsed in %.1f ms", b.len, (now_s() - t0) * 1000);
	ok(rc == 0 && q.nhosts == 1 && q.hosts[0].n == 10000 &&
	   strcmp(q.hosts[0].v[9999].uuid, "0000270F-9BA0-46A1-B4BC-DA6108574E7E") == 0,
	   "10000 viosStat entries");
	vios_qq_free(&q);

	/* more than VIOS_MAX_ENTRIES */
	buf_reset(&b);
	buf_puts(&b, "<VIO><Response><needsAtt><vmStatList><vmList machine_type=\"1\" model=\"2\" serial=\"3\">");
	for (i = 0; i < VIOS_MAX_ENTRIES + 10; i++)
		buf_puts(&b, "<vmStat uuid=\"61be20f0-09a8-4753-b5e5-564f8a545ed5\"/>");
	buf_puts(&b, "</vmList></vmStatList></needsAtt></Response></VIO>");
	rc = vios_parse_na(b.data, b.len, "na", &na, err, sizeof err);
	ok(rc == -1 && contains(err, "too many entries"), "entry cap: %s", err);
	vios_na_free(&na);
	buf_free(&b);
	free(s);

	s = slurp("na_lpm.xml", &len);
	t = replace(s, "<vmStat uuid=\"61be20f0-09a8-4753-b5e5-564f8a545ed5\"><VM state=\"STARTED\" stateChg='1' >",
	            "<vmStat><VM state=\"STARTED\" stateChg='1' >");
	rc = vios_parse_na(t, strlen(t), "NEEDS_ATTENTION reply from VIOS X", &na, err, sizeof err);
	is_str(rc ? err : "", "NEEDS_ATTENTION reply from VIOS X: needsAtt 2: vmList 2: vmStat 1: uuid missing",
	       "NA missing vm uuid named");
	free(t);
	t = replace(s, "hsTag=\"-8403607219422560833\">\n<vmStatList>\n<vmList machine_type=\"8408\" model=\"E8E\" serial=\"21282FW\">\n<vmStat uuid=\"61be20f0-09a8-4753-b5e5-564f8a545ed5\"><VM state=\"STARTED\" stateChg='1' >\n</VM>",
	            "hsTag=\"5\">\n<vmStatList>\n<vmList machine_type=\"8408\" model=\"E8E\" serial=\"21282FW\">\n<vmStat uuid=\"61be20f0-09a8-4753-b5e5-564f8a545ed5\"><VM state=\"STARTED\" stateChg='1' >\n</VM>");
	rc = vios_parse_na(t, strlen(t), "na", &na, err, sizeof err);
	ok(rc == -1 && contains(err, "needsAtt 2: hsTag 5 differs"), "differing hsTags refused: %s", err);
	free(t);
	t = replace(s, "-8403607219422560833", "99999999999999999999");
	rc = vios_parse_na(t, strlen(t), "na", &na, err, sizeof err);
	ok(rc == -1 && contains(err, "hsTag"), "hsTag overflow refused: %s", err);
	free(t);
	t = replace(s, "missedHMEntry=\"10875b47-d737-44f9-a745-554f4df4adf8\"", "missedHMEntry=\"vios1\"");
	rc = vios_parse_na(t, strlen(t), "na", &na, err, sizeof err);
	ok(rc == -1 && contains(err, "missedHMEntry 'vios1' is not a UUID"), "bad missedHMEntry: %s", err);
	free(t);
	t = replace(s, "type='MOVED'", "type='TELEPORTED'");
	rc = vios_parse_na(t, strlen(t), "na", &na, err, sizeof err);
	ok(rc == 0 && na.vm_lists[0].v[0].disc == VIOS_DISC_OTHER, "unknown discovery type kept as OTHER");
	vios_na_free(&na);
	free(t);
	t = replace(s, "stateChg='1' missed", "stateChg='yes' missed");
	rc = vios_parse_na(t, strlen(t), "na", &na, err, sizeof err);
	ok(rc == -1 && contains(err, "stateChg 'yes'"), "bad boolean: %s", err);
	free(t);
	free(s);

	s = slurp("nodedata.xml", &len);
	t = replace(s, " event=\"... EVENT_TYPE=NODE_UP", " evt=\"... EVENT_TYPE=NODE_UP");
	rc = vios_parse_nodedata(t, strlen(t), "nd", &nd, err, sizeof err);
	ok(rc == -1 && contains(err, "nodeList 1: node 3: event missing"), "node without event: %s", err);
	free(t);
	free(s);

	ok(strcmp(vios_state_name(VIOS_STATE_DOWN), "DOWN") == 0 &&
	   strcmp(vios_vm_state_name(VIOS_VM_STARTED), "STARTED") == 0 &&
	   strcmp(vios_disc_name(VIOS_DISC_CANNOT_MANAGE), "CANNOT_MANAGE") == 0 &&
	   strcmp(vios_state_name((enum vios_state)77), "OTHER") == 0, "names");
}

int
main(void)
{
	char err[128];

	xmlu_init();
	log_set_level("error", err, sizeof err);
	test_builders();
	test_qq();
	test_na();
	test_nodedata();
	test_action();
	test_shapes();
	test_hostile();
	return done_testing();
}
