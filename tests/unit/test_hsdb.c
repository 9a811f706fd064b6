/* test_hsdb — hmcsim's VIOS health side.  First the HSDB and its reply
 * builders directly (hsdb.c), every reply fed to ksysd's own parsers
 * (src/ksysd/vios.c): QQ for two hosts, NA empty, the happy NA, a VM missed
 * by one HM only (not reported) and by both (missedHb from the older
 * timestamp), stateChg + shortMsg cleared by ACK while missedHb stays, CAA
 * events through QUERY_NODE_DATA and their ACK, hmResponsive past 90 s,
 * signed 64-bit tags, the full-header action replies.  Then the whole stack
 * on the default estate with a fake clock (hm.c through passthru.c): cluster
 * formation by ADD_MS, agents pairing (STARTING -> STARTED, doorbell 0x2),
 * missed heartbeats, and every fault kind with its clear, the CLIRunner
 * commands and `show hsdb`.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "buf.h"
#include "cli.h"
#include "faults.h"
#include "hm.h"
#include "hsdb.h"
#include "log.h"
#include "netaddr.h"
#include "passthru.h"
#include "simctl.h"
#include "topo.h"
#include "tscale.h"
#include "vios.h"
#include "world.h"

#define T0 1700000000.0

static const char *const V[4] = {
	"315ce56b-9ba0-46a1-b4bc-da6108574e7e", "5ac3e0dc-13fc-4221-9617-8ef61c4cdd83",
	"4e0f6f60-214b-4d2c-a436-0eac46f7f71f", "166c89ef-57d8-4e75-815c-aa5b885560b1",
};
static const char *const VM1 = "61be20f0-09a8-4753-b5e5-564f8a545ed5";
static const char *const VM2 = "1950678c-18bf-4c87-860c-f9e6ec24b513";

static char err[1024];

static int
starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* 1 when the first line of text ends with suffix. */
static int
first_line_ends(const char *text, const char *suffix)
{
	const char *nl = strchr(text, '\n');
	size_t n = nl ? (size_t)(nl - text) : strlen(text), k = strlen(suffix);

	return n >= k && strncmp(text + n - k, suffix, k) == 0;
}

static void
upper(const char *in, char *out)
{
	size_t i;

	for (i = 0; in[i]; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[i] = '\0';
}

/* The NA vmStat of uuid (any case), NULL when absent. */
static const struct vios_vm *
na_vm(const struct vios_na *na, const char *uuid)
{
	char u[64];
	size_t i, k;

	upper(uuid, u);
	for (i = 0; i < na->nvm_lists; i++)
		for (k = 0; k < na->vm_lists[i].n; k++)
			if (strcmp(na->vm_lists[i].v[k].uuid, u) == 0)
				return &na->vm_lists[i].v[k];
	return NULL;
}

static const struct vios_stat *
qq_vios(const struct vios_qq *q, const char *uuid)
{
	char u[64];
	size_t i, k;

	upper(uuid, u);
	for (i = 0; i < q->nhosts; i++)
		for (k = 0; k < q->hosts[i].n; k++)
			if (strcmp(q->hosts[i].v[k].uuid, u) == 0)
				return &q->hosts[i].v[k];
	return NULL;
}

static int
na_of(struct simhs *db, double now, double scale, struct vios_na *na, struct buf *b)
{
	buf_reset(b);
	simhs_reply_na(db, now, scale, b);
	if (vios_parse_na(b->data, b->len, "NA", na, err, sizeof err) == -1) {
		diag("NA does not parse: %s\n%s", err, buf_str(b));
		return -1;
	}
	return 0;
}

static int
qq_of(struct simhs *db, double now, double scale, struct vios_qq *q, struct buf *b)
{
	buf_reset(b);
	simhs_reply_qq(db, now, scale, b);
	if (vios_parse_qq(b->data, b->len, "QQ", q, err, sizeof err) == -1) {
		diag("QQ does not parse: %s", err);
		return -1;
	}
	return 0;
}

static void
test_db(void)
{
	struct simhs *db = simhs_open(NULL, 1, err, sizeof err);
	long long ms1 = simhs_msid("8286", "42A", "21E0B2V");
	long long ms2 = simhs_msid("8286", "42A", "2100DEW");
	const char *hm1[2] = { V[0], V[1] };
	struct vios_na na;
	struct vios_qq q;
	struct vios_nodedata nd;
	struct vios_action_reply ar;
	struct buf b = { 0 };
	const struct vios_vm *vm;
	const struct vios_stat *st;
	char ts[40];
	int i, neg = 0, pos = 0;

	ok(db != NULL, "in-memory HSDB opens (%s)", db ? "" : err);
	if (!db)
		return;
	is_int(simhs_ms_add(db, ms1, "8286", "42A", "21E0B2V"), 1, "ADD_MS adds host 1");
	is_int(simhs_ms_add(db, ms2, "8286", "42A", "2100DEW"), 1, "... and host 2");
	is_int(simhs_ms_add(db, ms1, "8286", "42A", "21E0B2V"), 0, "... host 1 again: already "
	       "existing");
	for (i = 0; i < 4; i++) {
		simhs_vios_add(db, V[i], i < 2 ? ms1 : ms2, 1, 2 + i % 2, "16DC6A23650F");
		simhs_vios_set_hm(db, V[i], T0, "1556303553.811512000.38");
	}
	is_int(simhs_count(db, "vm", NULL), 1, "vm holds the permanent default_vm row");
	simhs_ts(T0 + 0.258417, ts, sizeof ts);
	is_str(ts, "2023-11-14 22:13:20.258417", "timestamps as PostgreSQL prints them");
	ok(simhs_ts_parse(ts) > T0 + 0.258 && simhs_ts_parse(ts) < T0 + 0.259, "... and back");

	/* QQ: every host, every VIOS */
	if (qq_of(db, T0 + 5, 1, &q, &b) == 0) {
		is_int(q.nhosts, 2, "QQ: one quickQuery per host");
		ok(q.nhosts == 2 && q.hosts[0].n == 2 && q.hosts[1].n == 2, "... two VIOSs each");
		is_str(q.hosts[1].ms.serial, "2100DEW", "... host 2 by serial");
		st = qq_vios(&q, V[2]);
		ok(st && st->state == VIOS_STATE_UP && st->hm_responsive == 1 &&
		   st->hm_response_sec == 5 && !st->has_data && st->reason == 0 && !st->sync_msg,
		   "... UP, hmResponsive 1, hmResponseSec 5, hasData 0, reason 0");
		vios_qq_free(&q);
	}
	ok(strstr(buf_str(&b), "<viosStat uuid=\"315ce56b-9ba0-46a1-b4bc-da6108574e7e\" "
	          "state=\"UP\" hmResponsive=\"1\" hmResponseSec='5' hasData='0' "
	          "reason='0x00000000' syncMsg=\"0\" />\n") != NULL, "... the mixed quotes of "
	   "spec/B 6.3, byte for byte");
	ok(starts(buf_str(&b), "<VIO><Response>\n<quickQuery>\n<viosStatList><viosStatus "
	          "machine_type=\"8286\" model=\"42A\" serial=\"21E0B2V\">\n"),
	   "... bare <VIO><Response> envelope");

	/* NA with nothing monitored: empty */
	buf_reset(&b);
	simhs_reply_na(db, T0 + 5, 1, &b);
	is_str(buf_str(&b), "<VIO><Response>\n</Response></VIO>", "NA, nothing monitored: "
	       "the empty response");
	/* a started-monitoring VM: the happy NA, one empty vmList for host 1 */
	simhs_vm_add(db, VM1, ms1);
	is_int(simhs_vm_state(db, VM1), SIMHS_VM_ADDED, "ADD_VM: state 1 ADDED");
	simhs_vm_start(db, VM1, ms1, hm1, 2, -2890234440895132601LL, T0 + 6);
	is_int(simhs_vm_state(db, VM1), SIMHS_VM_STARTING, "START_VM: state 2 STARTING");
	is_int(simhs_count(db, "map", NULL), 2, "... a map row per HM of its host");
	is_int(simhs_count(db, "trans", "opcode = 1 AND state = 9 AND tag = "
	                   "-2890234440895132601"), 2, "... opcode 1 rows with the StartVM tag");
	buf_reset(&b);
	simhs_reply_na(db, T0 + 7, 1, &b);
	is_str(buf_str(&b), "<VIO><Response>\n<needsAtt>\n<vmStatList>\n<vmList machine_type="
	       "\"8286\" model=\"42A\" serial=\"21E0B2V\">\n</vmList>\n</vmStatList>\n"
	       "</needsAtt>\n</Response></VIO>", "NA happy case: spec/B 6.4 byte for byte");

	/* STARTED: stateChg, ackable */
	simhs_vm_started(db, VM1, T0 + 9);
	is_int(simhs_count(db, "trans", "opcode = 1"), 0, "STARTED: the StartVM rows go");
	is_int(simhs_count(db, "trans", "opcode = 4 AND data = 'old=8:new=3'"), 1,
	       "... an opcode 4 old=8:new=3 row");
	if (na_of(db, T0 + 10, 1, &na, &b) == 0) {
		vm = na_vm(&na, VM1);
		ok(na.has_tag && vm && vm->state == VIOS_VM_STARTED && vm->state_chg &&
		   !vm->has_missed_hb && !vm->has_short_msg, "NA: stateChg='1' STARTED with hsTag");
		ok(strstr(buf_str(&b), "<VM state=\"STARTED\" stateChg='1' >\n</VM>\n</vmStat>\n")
		   != NULL,
		   "... in the spec's shape");
		vios_na_free(&na);
	}
	/* doorbell: same NA, then ACK clears both */
	simhs_doorbell(db, VM1, V[0], 0x2, T0 + 11);
	if (na_of(db, T0 + 12, 1, &na, &b) == 0) {
		vm = na_vm(&na, VM1);
		ok(vm && vm->state_chg && vm->has_short_msg && vm->short_msg == 0x2,
		   "NA: stateChg and shortMsg=\"0x2\" under one hsTag");
		ok(strstr(buf_str(&b), "shortMsg=\"0x2\" >") != NULL, "... shortMsg in double quotes");
		is_int(simhs_ack(db, na.hs_tag), 2, "ACK of that hsTag clears both rows");
		vios_na_free(&na);
	}
	is_int(simhs_ack(db, 12345), 0, "ACK of an unknown tag clears nothing");
	buf_reset(&b);
	simhs_reply_na(db, T0 + 13, 1, &b);
	ok(!strstr(buf_str(&b), "hsTag") && !strstr(buf_str(&b), "<vmStat "),
	   "after the ACK: no vmStat, no hsTag");

	/* missed heartbeats: one HM only is not reported; both are, from the older */
	simhs_map_missed(db, VM1, V[0], T0 + 20);
	if (na_of(db, T0 + 40, 1, &na, &b) == 0) {
		ok(na_vm(&na, VM1) == NULL && !na.has_tag, "one HM misses the VM: not reported");
		vios_na_free(&na);
	}
	simhs_map_missed(db, VM1, V[1], T0 + 30);
	if (na_of(db, T0 + 62, 1, &na, &b) == 0) {
		vm = na_vm(&na, VM1);
		ok(vm && vm->has_missed_hb && vm->missed_hb == 42 && !na.has_tag,
		   "both HMs miss it: missedHb='42' (since the older miss), no hsTag");
		ok(strstr(buf_str(&b), "<VM state=\"STARTED\" missedHb='42' >") != NULL,
		   "... in single quotes as the spec shows");
		vios_na_free(&na);
	}
	if (na_of(db, T0 + 62, 10, &na, &b) == 0) {
		vm = na_vm(&na, VM1);
		ok(vm && vm->missed_hb == 420, "... in scaled seconds at --time-scale 10");
		vios_na_free(&na);
	}
	/* a state change on top: ACK clears it, never the missed heartbeat */
	simhs_vm_stop(db, VM1, T0 + 63);
	simhs_vm_start(db, VM1, ms1, hm1, 2, 77, T0 + 64);
	simhs_vm_started(db, VM1, T0 + 65);
	simhs_map_missed(db, VM1, V[0], T0 + 66);
	simhs_map_missed(db, VM1, V[1], T0 + 67);
	if (na_of(db, T0 + 70, 1, &na, &b) == 0) {
		vm = na_vm(&na, VM1);
		ok(vm && vm->state_chg && vm->has_missed_hb && vm->missed_hb == 4 && na.has_tag,
		   "stateChg and missedHb together, with hsTag");
		simhs_ack(db, na.hs_tag);
		vios_na_free(&na);
	}
	if (na_of(db, T0 + 71, 1, &na, &b) == 0) {
		vm = na_vm(&na, VM1);
		ok(vm && !vm->state_chg && vm->has_missed_hb && vm->missed_hb == 5 && !na.has_tag,
		   "after the ACK: missedHb stays (5), stateChg gone, no hsTag");
		vios_na_free(&na);
	}
	simhs_map_missed(db, VM1, V[1], 0);
	if (na_of(db, T0 + 72, 1, &na, &b) == 0) {
		ok(na_vm(&na, VM1) == NULL, "heartbeat heard again by one HM: not reported");
		vios_na_free(&na);
	}

	/* HM silent past 90 s: hmResponsive 0, and the VIOS shows in NA */
	simhs_vios_set_hm(db, V[0], T0 + 100, NULL);
	simhs_vios_set_hm(db, V[1], T0 + 100, NULL);
	simhs_vios_set_hm(db, V[2], T0 + 100, NULL);
	if (qq_of(db, T0 + 191, 1, &q, &b) == 0) {
		st = qq_vios(&q, V[3]);
		ok(st && st->hm_responsive == 0 && st->hm_response_sec == 191,
		   "HM heartbeat 191 s old: hmResponsive 0, hmResponseSec 191");
		st = qq_vios(&q, V[0]);
		ok(st && st->hm_responsive == 0 && st->hm_response_sec == 91,
		   "91 s: hmResponsive 0 (threshold 90 s)");
		vios_qq_free(&q);
	}
	if (qq_of(db, T0 + 190, 1, &q, &b) == 0) {
		st = qq_vios(&q, V[0]);
		ok(st && st->hm_responsive == 1 && st->hm_response_sec == 90, "90 s: still 1");
		vios_qq_free(&q);
	}
	if (na_of(db, T0 + 190, 1, &na, &b) == 0) {
		ok(na.nvios_lists == 1 && na.vios_lists[0].n == 1 && !na.has_tag,
		   "NA lists only the abnormal VIOS, no hsTag for it");
		vios_na_free(&na);
	}
	for (i = 0; i < 4; i++)
		simhs_vios_set_hm(db, V[i], T0 + 200, NULL);

	/* CAA: node down with NODE_SHUTDOWN, node data, ACK */
	simhs_vios_set_state(db, V[1], 2, 0x40);
	simhs_caa_event(db, V[1], "NODE_DOWN", 0x40, 4, 2, 1547996884.200198833);
	if (qq_of(db, T0 + 201, 1, &q, &b) == 0) {
		st = qq_vios(&q, V[1]);
		ok(st && st->state == VIOS_STATE_DOWN && st->reason == 0x40 && st->has_data,
		   "QQ: DOWN, reason 0x00000040, hasData 1");
		vios_qq_free(&q);
	}
	ok(strstr(buf_str(&b), "reason='0x00000040'") != NULL, "... reason as 0x%%08x");
	buf_reset(&b);
	simhs_reply_nodedata(db, &b);
	ok(strstr(buf_str(&b), "event=\"BEGIN_EVENT_INFO\nTIME_tvsec=1547996884\nTIME_tvnsec="
	          "200198") != NULL, "QUERY_NODE_DATA: raw newlines, no indentation");
	ok(strstr(buf_str(&b), "CLUSTER_ID=0x") && strstr(buf_str(&b), "\nEND_EVPROD_INFO\n"
	          "END_EVENT_INFO\n\"/>\n"), "... no empty line, ends with a newline");
	if (vios_parse_nodedata(b.data, b.len, "ND", &nd, err, sizeof err) == 0) {
		ok(nd.has_tag && nd.nlists == 1 && nd.lists[0].n == 1 &&
		   !strcmp(nd.lists[0].v[0].event_type, "NODE_DOWN") &&
		   !strcmp(nd.lists[0].v[0].reason, "NODE_SHUTDOWN") &&
		   nd.lists[0].v[0].tv_sec == 1547996884 && nd.lists[0].v[0].seq == 4,
		   "... parses: NODE_DOWN, NODE_SHUTDOWN, time, sequence");
		is_str(nd.lists[0].ms.serial, "21E0B2V", "... under its host");
		is_int(simhs_ack(db, nd.hs_tag), 1, "ACK of the node data tag clears the event");
		vios_nodedata_free(&nd);
	} else {
		ok(0, "QUERY_NODE_DATA parses: %s", err);
	}
	buf_reset(&b);
	simhs_reply_nodedata(db, &b);
	is_str(buf_str(&b), "<VIO><Response>\n</Response></VIO>", "no events: empty reply");
	if (qq_of(db, T0 + 202, 1, &q, &b) == 0) {
		st = qq_vios(&q, V[1]);
		ok(st && st->has_data == 0 && st->state == VIOS_STATE_DOWN,
		   "after the ACK: hasData 0, still DOWN");
		vios_qq_free(&q);
	}

	/* tags: signed 64-bit, both signs, round trip */
	for (i = 0; i < 64; i++) {
		long long t = simhs_new_tag(db);
		neg += t < 0;
		pos += t > 0;
	}
	ok(neg > 0 && pos > 0, "tags are random signed 64-bit values (%d negative, %d positive)",
	   neg, pos);
	for (i = 0, neg = 0; i < 32 && !neg; i++) {
		simhs_doorbell(db, VM1, V[0], 0x28, T0 + 300);
		if (na_of(db, T0 + 301, 1, &na, &b) == 0) {
			char txt[40];
			snprintf(txt, sizeof txt, "hsTag=\"%lld\"", na.hs_tag);
			if (na.hs_tag < 0 && strstr(buf_str(&b), txt)) {
				neg = 1;
				is_int(simhs_ack(db, na.hs_tag), 1, "a negative hsTag (%lld) round-trips "
				       "through the parser and ACK", na.hs_tag);
			}
			simhs_ack(db, na.hs_tag);
			vios_na_free(&na);
		}
	}
	ok(neg, "a negative hsTag was seen");

	/* full-header replies */
	buf_reset(&b);
	simhs_reply_full(&b, "VIOS ADD_MS", T0);
	is_str(buf_str(&b), "<?xml version=\"1.0\"?>\n<VIO xmlns=\"http://ausgsa.austin.ibm.com/"
	       "projects/v/vios/schema/vioHADR2.00\"\n  version=\"2.00\"\n  title=\"VIOS ADD_MS\"\n"
	       "  published=\"2023-11-14T01:17:00Z\"\n  author=\"IBM Power Systems VIOS\"\n>\n"
	       "  <Response>\n  </Response>\n</VIO>\n", "ADD_MS reply: the full header of "
	       "spec/B 6.1");
	ok(vios_parse_action(b.data, b.len, "ADD_MS", &ar, err, sizeof err) == 0 &&
	   !strcmp(ar.title, "VIOS ADD_MS") && !strcmp(ar.author, "IBM Power Systems VIOS"),
	   "... parses as an action reply");
	simhs_vm_remove(db, VM1);
	is_int(simhs_count(db, "map", NULL) + simhs_count(db, "trans", "opcode <> 9"), 0,
	       "REMOVE_VM: its map and trans rows go");
	is_int(simhs_vm_state(db, VM2), 0, "an unknown VM has no state");
	buf_free(&b);
	simhs_close(db);
}

/* ---- the whole stack on the default estate, fake clock ---- */

static struct world *W;
static double now;

static void
at(double t)
{
	now = t;
	simhm_set_clock(W, t);
}

static struct sim_lpar *
L(const char *name)
{
	struct sim_lpar *l = world_lpar_by_name(W, name);

	if (!l) {
		printf("# no partition %s\n", name);
		exit(1);
	}
	return l;
}

static void
lower(const char *in, char *out)
{
	size_t i;

	for (i = 0; in[i]; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

/* Send one request to VIOS vios; body goes inside <Request>. */
static int
req(const char *vios, const char *action, const char *attrs, const char *body,
    struct buf *out, struct buf *e)
{
	struct buf x = { 0 };
	int rc = -1;

	buf_reset(out);
	buf_reset(e);
	buf_printf(&x, "<?xml version=\"1.0\"?>\n<VIO xmlns=\"http://ausgsa.austin.ibm.com/"
	           "projects/v/vios/schema/vioHADR2.00\" version=\"2.00\" author=\"LIBKREST\" "
	           "title=\"t\">\n  <Request action_str=\"%s\"%s%s>%s</Request>\n</VIO>\n",
	           action, attrs ? " " : "", attrs ? attrs : "", body ? body : "");
	simjob_passthrough(W, L(vios), buf_str(&x), out, e, &rc);
	buf_free(&x);
	return rc;
}

static void
vmlist(struct buf *b, const char *host, const char *const *vms, size_t n)
{
	struct sim_host *h = world_host_by_name(W, host);
	char u[64];
	size_t i;

	buf_printf(b, "<vmList machine_type=\"%s\" model=\"%s\" serial=\"%s\">", h->mtms_type,
	           h->mtms_model, h->mtms_serial);
	for (i = 0; i < n; i++) {
		lower(L(vms[i])->uuid, u);
		buf_printf(b, "<vm uuid=\"%s\"/>", u);
	}
	buf_puts(b, "</vmList>");
}

static int
fault(int clear, const char *line)
{
	char copy[256], *save = NULL, *tok;
	const char *argv[8];
	int argc = 0;

	snprintf(copy, sizeof copy, "%s", line);
	for (tok = strtok_r(copy, " ", &save); tok && argc < 8; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	return simfault_exec(W, clear, argc, argv, 0, err, sizeof err);
}

static int
na_now(struct vios_na *na, struct buf *out)
{
	struct buf e = { 0 };
	int rc = req("rt11v1", "VIO_HS_NEEDS_ATTENTION", "dataType=\"GLOBAL_DATA\"", NULL, out,
	             &e);

	buf_free(&e);
	if (rc != 0 || vios_parse_na(out->data, out->len, "NA", na, err, sizeof err) == -1) {
		diag("NA failed (rc %d): %s", rc, err);
		memset(na, 0, sizeof *na);
		return -1;
	}
	return 0;
}

static void
ack(long long tag)
{
	struct buf o = { 0 }, e = { 0 };
	char attr[64];

	snprintf(attr, sizeof attr, "hsTag=\"%lld\"", tag);
	req("rt11v1", "VIO_HS_ACKNOWLEDGE", attr, NULL, &o, &e);
	buf_free(&o);
	buf_free(&e);
}

static const struct vios_stat *
qq_now(struct vios_qq *q, struct buf *out, const char *vios)
{
	struct buf e = { 0 };

	req("rt11v2", "VIO_HS_QUICK_QUERY", NULL, NULL, out, &e);
	buf_free(&e);
	if (vios_parse_qq(out->data, out->len, "QQ", q, err, sizeof err) == -1) {
		diag("QQ failed: %s", err);
		memset(q, 0, sizeof *q);
		return NULL;
	}
	return qq_vios(q, L(vios)->uuid);
}

static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static void
test_stack(void)
{
	struct buf o = { 0 }, e = { 0 }, b = { 0 }, out = { 0 };
	struct vios_action_reply ar;
	struct vios_na na;
	struct vios_qq q;
	struct vios_nodedata nd;
	const struct vios_stat *st;
	const struct vios_vm *vm = NULL;
	const char *vms11[] = { "rt11001", "rt11002" }, *vms12[] = { "rt12001" };
	char ms12[512], line[256];
	double hang;

	W = world_new(NULL);
	if (!W || simtopo_load_default(W, NULL, NULL, err, sizeof err) == -1) {
		ok(0, "default world: %s", err);
		return;
	}
	at(T0);

	/* ADD_MS for rt12 sent to rt11v1: one cluster of both hosts */
	snprintf(ms12, sizeof ms12, "<addMS><viosList machine_type=\"8286\" model=\"42A\" "
	         "serial=\"2100E5W\"><vios uuid=\"%s\" isHM=\"true\" partNum=\"1\" "
	         "macAddr=\"16DC6A23650F\"/><vios uuid=\"%s\" isHM=\"true\" partNum=\"2\" "
	         "macAddr=\"\"/></viosList></addMS>", L("rt12v1")->uuid, L("rt12v2")->uuid);
	is_int(req("rt11v1", "VIO_HS_ADD_MS", "hsTag=\"0\"", ms12, &o, &e), 0, "ADD_MS: rc 0");
	ok(starts(buf_str(&o), "0513-059 The ksys_hsmon Subsystem has been started. "
	          "Subsystem PID is "), "first ADD_MS: the startsrc line before the XML");
	ok(vios_parse_action(o.data, o.len, "ADD_MS", &ar, err, sizeof err) == 0 &&
	   !strcmp(ar.title, "VIOS ADD_MS") && !strncmp(ar.prefix, "0513-059", 8),
	   "... parses, prefix kept");
	req("rt11v1", "VIO_HS_ADD_MS", "hsTag=\"0\"", ms12, &o, &e);
	ok(!strncmp(buf_str(&o), "<?xml version=\"1.0\"?>\n<VIO ", 27),
	   "ADD_MS again: already existing, the plain full header");
	is_int(simhm_cluster_of(W, L("rt11v2")), 1, "rt11v1's own host joined cluster 1");
	is_int(simhm_cluster_of(W, L("rt12v2")), 1, "rt12 and its VIOSs too");
	is_int(simhm_cluster_of(W, L("rt13v1")), 0, "rt13 is in no cluster");
	if ((st = qq_now(&q, &o, "rt12v2")) != NULL) {
		ok(q.nhosts == 2 && st->state == VIOS_STATE_UP && st->hm_responsive == 1,
		   "QQ through rt11v2 answers for the cluster: 2 hosts, rt12v2 UP");
		vios_qq_free(&q);
	}
	is_int(req("rt11v1", "VIO_HS_ADD_MS", NULL, "<addMS><viosList machine_type=\"1\" "
	           "model=\"2\" serial=\"3\"/></addMS>", &o, &e), SIMHM_RC_REFUSED,
	       "ADD_MS of an unknown host: refused");
	ok(strstr(buf_str(&e), "no managed system 1-2*3") != NULL, "... naming it");

	/* ADD_VM / START_VM: STARTING, then STARTED after the handshake */
	buf_reset(&b);
	buf_puts(&b, "<addVM>");
	vmlist(&b, "rt11", vms11, 2);
	vmlist(&b, "rt12", vms12, 1);
	buf_puts(&b, "</addVM>");
	is_int(req("rt11v1", "VIO_HS_ADD_VM", "hsTag=\"0\"", buf_str(&b), &o, &e), 0, "ADD_VM");
	ok(strstr(buf_str(&o), "title=\"VIOS ADD_VM\"") != NULL, "... full header VIOS ADD_VM");
	buf_reset(&b);
	buf_puts(&b, "<addVM>");
	vmlist(&b, "rt13", vms11, 1);
	buf_puts(&b, "</addVM>");
	is_int(req("rt11v1", "VIO_HS_ADD_VM", NULL, buf_str(&b), &o, &e), SIMHM_RC_REFUSED,
	       "ADD_VM naming a host outside the cluster: refused");
	buf_reset(&b);
	buf_puts(&b, "<startVM>");
	vmlist(&b, "rt11", vms11, 2);
	vmlist(&b, "rt12", vms12, 1);
	buf_puts(&b, "</startVM>");
	is_int(req("rt11v1", "VIO_HS_START_VM", "hsTag=\"0\"", buf_str(&b), &o, &e), 0,
	       "START_VM");
	is_str(buf_str(&o), "", "... empty StdOut");
	at(T0 + 2);
	if (na_now(&na, &o) == 0) {
		ok(na.nvm_lists == 2 && !na_vm(&na, L("rt11001")->uuid) && !na.has_tag,
		   "2 s later: an empty vmList per host, VMs still STARTING");
		vios_na_free(&na);
	}
	at(T0 + 3.5);
	if (na_now(&na, &o) == 0) {
		vm = na_vm(&na, L("rt11001")->uuid);
		ok(vm && vm->state == VIOS_VM_STARTED && vm->state_chg && na.has_tag &&
		   na_vm(&na, L("rt12001")->uuid), "3 s after both HMs hear the agents: STARTED, "
		   "stateChg, hsTag");
		ack(na.hs_tag);
		vios_na_free(&na);
	}
	at(T0 + 44);
	if (na_now(&na, &o) == 0) {
		vm = na_vm(&na, L("rt11002")->uuid);
		ok(vm && vm->has_short_msg && vm->short_msg == 0x2 && !vm->state_chg && na.has_tag,
		   "4 beats later: the initial doorbell shortMsg 0x2");
		ack(na.hs_tag);
		vios_na_free(&na);
	}
	if (na_now(&na, &o) == 0) {
		ok(!na.has_tag && !na_vm(&na, L("rt11002")->uuid), "ACKed: quiet again");
		vios_na_free(&na);
	}

	/* vm-hang: heartbeats stop on both HMs; missed after at most 19 s */
	hang = T0 + 50;
	at(hang);
	ok(fault(0, "vm-hang rt11001") == 0, "fault vm-hang rt11001");
	is_str(simhm_agent_word(W, L("rt11001")), "silent", "... its agent is silent");
	ok(L("rt11001")->state == SIM_LPAR_RUNNING, "... the LPAR keeps running");
	at(hang + 5);
	if (na_now(&na, &o) == 0) {
		ok(!na_vm(&na, L("rt11001")->uuid), "5 s later: not missed yet");
		vios_na_free(&na);
	}
	at(hang + 30);
	if (na_now(&na, &o) == 0) {
		vm = na_vm(&na, L("rt11001")->uuid);
		ok(vm && vm->has_missed_hb && vm->missed_hb >= 11 && vm->missed_hb <= 21 &&
		   !na.has_tag, "30 s later: missedHb (%lld: 19 s after the last beat)",
		   vm ? vm->missed_hb : -1);
		vios_na_free(&na);
	}
	at(hang + 40);
	if (na_now(&na, &o) == 0) {
		const struct vios_vm *v2 = na_vm(&na, L("rt11001")->uuid);
		ok(v2 && vm && v2->missed_hb > 0, "... and it grows with the clock");
		vios_na_free(&na);
	}
	ok(fault(1, "vm-hang rt11001") == 0, "clear vm-hang");
	at(hang + 43);
	if (na_now(&na, &o) == 0) {
		ok(!na_vm(&na, L("rt11001")->uuid), "beats heard again: no missedHb");
		vios_na_free(&na);
	}

	/* one HM loses the VM: not reported; both: reported */
	ok(fault(0, "vm-hb-loss rt12001 rt12v1") == 0, "fault vm-hb-loss rt12001 rt12v1");
	at(hang + 80);
	if (na_now(&na, &o) == 0) {
		ok(!na_vm(&na, L("rt12001")->uuid), "missed by one HM only: not reported");
		vios_na_free(&na);
	}
	simctl_show(W, "hsdb", NULL, &out, err, sizeof err);
	ok(strstr(buf_str(&out), "map rt12001 rt12v1 missed=") &&
	   !strstr(buf_str(&out), "map rt12001 rt12v1 missed=-") &&
	   strstr(buf_str(&out), "map rt12001 rt12v2 missed=-"),
	   "show hsdb: the map row of rt12v1 has a miss, rt12v2's none");
	ok(fault(0, "vm-hb-loss rt12001") == 0, "vm-hb-loss rt12001 (every HM)");
	at(hang + 110);
	if (na_now(&na, &o) == 0) {
		vm = na_vm(&na, L("rt12001")->uuid);
		ok(vm && vm->has_missed_hb, "missed by both: reported");
		vios_na_free(&na);
	}
	fault(1, "vm-hb-loss rt12001");

	/* hm-stop: hmResponseSec grows, hmResponsive 0 past 90 s, clear restarts */
	at(hang + 120);
	ok(fault(0, "hm-stop rt11v2") == 0, "fault hm-stop rt11v2");
	at(hang + 200);
	if ((st = qq_now(&q, &o, "rt11v2")) != NULL) {
		ok(st->hm_response_sec >= 80 && st->hm_response_sec < 110 &&
		   st->hm_responsive == (st->hm_response_sec <= 90) && st->state == VIOS_STATE_UP,
		   "80 s later: hmResponseSec %lld (since the last 30 s beat), hmResponsive %d, "
		   "CAA UP", st->hm_response_sec, st->hm_responsive);
		vios_qq_free(&q);
	}
	at(hang + 240);
	if ((st = qq_now(&q, &o, "rt11v2")) != NULL) {
		ok(st->hm_responsive == 0 && st->hm_response_sec > 90, "120 s later: hmResponsive 0 "
		   "(%lld s)", st->hm_response_sec);
		vios_qq_free(&q);
	}
	buf_reset(&out);
	simctl_show(W, "faults", NULL, &out, err, sizeof err);
	ok(has_line(buf_str(&out), "hm-stop rt11v2"), "show faults: hm-stop rt11v2");
	buf_reset(&out);
	simhm_show(W, "1", &out, err, sizeof err);
	ok(fault(1, "hm-stop rt11v2") == 0, "clear hm-stop");
	if ((st = qq_now(&q, &o, "rt11v2")) != NULL) {
		ok(st->hm_responsive == 1 && st->hm_response_sec == 0, "restarted: responsive, 0 s");
		vios_qq_free(&q);
	}
	buf_reset(&b);
	simhm_show(W, "1", &b, err, sizeof err);
	ok(strstr(buf_str(&out), "hmid=") && strcmp(buf_str(&out), buf_str(&b)) != 0,
	   "... with a new identifier");

	/* vios-down: crash, CAA DOWN reason 0, NODE_DOWN; clear: NODE_UP */
	at(hang + 300);
	ok(fault(0, "vios-down rt12v2") == 0, "fault vios-down rt12v2");
	is_str(world_lpar_state_name(L("rt12v2")->state), "error", "... LPAR error");
	if ((st = qq_now(&q, &o, "rt12v2")) != NULL) {
		ok(st->state == VIOS_STATE_DOWN && st->reason == 0 && st->has_data,
		   "QQ: DOWN, reason 0, hasData 1");
		vios_qq_free(&q);
	}
	if (na_now(&na, &o) == 0) {
		ok(na.nvios_lists == 1 && na.vios_lists[0].n == 1, "NA: the down VIOS only");
		vios_na_free(&na);
	}
	req("rt11v1", "VIO_HS_QUERY_NODE_DATA", NULL, NULL, &o, &e);
	if (vios_parse_nodedata(o.data, o.len, "ND", &nd, err, sizeof err) == 0) {
		ok(nd.nlists == 1 && nd.lists[0].n == 1 &&
		   !strcmp(nd.lists[0].v[0].event_type, "NODE_DOWN") && !nd.lists[0].v[0].reason[0],
		   "QUERY_NODE_DATA: NODE_DOWN without REASON");
		ack(nd.hs_tag);
		vios_nodedata_free(&nd);
	}
	if ((st = qq_now(&q, &o, "rt12v2")) != NULL) {
		ok(st->has_data == 0, "ACKed: hasData 0");
		vios_qq_free(&q);
	}
	ok(fault(1, "vios-down rt12v2") == 0, "clear vios-down");
	if ((st = qq_now(&q, &o, "rt12v2")) != NULL) {
		ok(st->state == VIOS_STATE_UP && st->has_data && st->hm_responsive,
		   "UP again with a NODE_UP to fetch, HM running");
		vios_qq_free(&q);
	}
	req("rt11v1", "VIO_HS_QUERY_NODE_DATA", NULL, NULL, &o, &e);
	ok(strstr(buf_str(&o), "EVENT_TYPE=NODE_UP") != NULL, "... the NODE_UP event");
	if (vios_parse_nodedata(o.data, o.len, "ND", &nd, err, sizeof err) == 0) {
		ack(nd.hs_tag);
		vios_nodedata_free(&nd);
	}

	/* vios-shutdown: reason 0x40 */
	ok(fault(0, "vios-shutdown rt12v1") == 0, "fault vios-shutdown rt12v1");
	if ((st = qq_now(&q, &o, "rt12v1")) != NULL) {
		ok(st->state == VIOS_STATE_DOWN && st->reason == 0x40, "QQ: DOWN reason 0x40");
		vios_qq_free(&q);
	}
	req("rt11v1", "VIO_HS_QUERY_NODE_DATA", NULL, NULL, &o, &e);
	ok(strstr(buf_str(&o), "REASON=NODE_SHUTDOWN") != NULL, "... REASON=NODE_SHUTDOWN");
	fault(1, "vios-shutdown rt12v1");
	is_str(world_lpar_state_name(L("rt12v1")->state), "running", "clear: running again");

	/* host power off: both VIOSs DOWN with events, the VMs' agents silent */
	if (vios_parse_nodedata(o.data, o.len, "ND", &nd, err, sizeof err) == 0) {
		ack(nd.hs_tag);
		vios_nodedata_free(&nd);
	}
	req("rt11v1", "VIO_HS_QUERY_NODE_DATA", NULL, NULL, &o, &e);
	if (vios_parse_nodedata(o.data, o.len, "ND", &nd, err, sizeof err) == 0) {
		ack(nd.hs_tag);
		vios_nodedata_free(&nd);
	}
	at(hang + 400);
	ok(fault(0, "host-power-off rt12") == 0, "fault host-power-off rt12");
	is_str(simhm_agent_word(W, L("rt12001")), "silent", "... rt12001's agent silent");
	if (qq_now(&q, &o, "rt12v1")) {
		ok(qq_vios(&q, L("rt12v1")->uuid)->state == VIOS_STATE_DOWN &&
		   qq_vios(&q, L("rt12v2")->uuid)->state == VIOS_STATE_DOWN &&
		   qq_vios(&q, L("rt12v2")->uuid)->reason == 0, "both VIOSs DOWN, reason 0");
		vios_qq_free(&q);
	}
	req("rt11v1", "VIO_HS_QUERY_NODE_DATA", NULL, NULL, &o, &e);
	if (vios_parse_nodedata(o.data, o.len, "ND", &nd, err, sizeof err) == 0) {
		ok(nd.nlists == 1 && nd.lists[0].n == 2, "two NODE_DOWN events");
		ack(nd.hs_tag);
		vios_nodedata_free(&nd);
	}
	ok(fault(1, "host-power-off rt12") == 0, "clear host-power-off rt12");
	if (qq_now(&q, &o, "rt12v1")) {
		ok(qq_vios(&q, L("rt12v1")->uuid)->state == VIOS_STATE_UP, "VIOSs UP again");
		vios_qq_free(&q);
	}

	/* VM faults: states, reference codes, boot mode, agents */
	at(hang + 500);
	ok(fault(0, "vm-crash rt11002") == 0, "fault vm-crash rt11002");
	is_str(world_lpar_state_name(L("rt11002")->state), "not activated", "... not activated");
	is_str(simnet_ping_word(W, L("rt11002")), "silent:loopback-answers",
	       "... should be silent, but its loopback address answers (said so)");
	buf_reset(&out);
	snprintf(line, sizeof line, "lsrefcode -r lpar -m rt11 --filter lpar_names=rt11002 -n 10 "
	         "-F time_stamp,refcode,word3");
	ok(simcli_run(W, line, &out, err, sizeof err) == 0 &&
	   first_line_ends(buf_str(&out), ",D200A200,"),
	   "lsrefcode: newest entry D200A200 without word3");
	fault(1, "vm-crash rt11002");
	is_str(world_lpar_state_name(L("rt11002")->state), "running", "clear vm-crash: running");
	is_str(L("rt11002")->refcode, "00000000", "... OS refcode 00000000");

	ok(fault(0, "vm-shutdown rt11002 word3=0000BEEF") == 0, "vm-shutdown with word3");
	buf_reset(&out);
	simcli_run(W, line, &out, err, sizeof err);
	ok(first_line_ends(buf_str(&out), ",D200A200,0000BEEF"),
	   "lsrefcode: D200A200 with word3 0000BEEF, newest first");
	buf_reset(&out);
	simctl_show(W, "faults", NULL, &out, err, sizeof err);
	ok(has_line(buf_str(&out), "vm-shutdown rt11002 word3=0000BEEF"), "show faults lists it");
	fault(1, "vm-shutdown rt11002");
	ok(fault(0, "vm-shutdown rt11002 word3=a,b") == -1 && strstr(err, "commas"),
	   "a bad word3 is refused");
	ok(fault(0, "vm-crash rt12007") == -1 && strstr(err, "not_activated"),
	   "vm-crash of a partition that is not running: refused (%s)", err);
	ok(fault(0, "vm-hang rt11v1") == -1 && strstr(err, "a VIOS"), "vm-* on a VIOS: refused");
	ok(fault(0, "hm-stop rt11001") == -1 && strstr(err, "client LPAR"),
	   "hm-stop on a VM: refused");

	ok(fault(0, "vm-sms rt11002") == 0, "fault vm-sms");
	is_str(world_lpar_state_name(L("rt11002")->state), "open firmware", "... open firmware");
	buf_reset(&out);
	simcli_run(W, "lssyscfg -r prof -m rt11 --filter lpar_names=rt11002 -F boot_mode", &out,
	           err, sizeof err);
	is_str(buf_str(&out), "sms\n", "lssyscfg -r prof: boot_mode sms");
	is_str(simhm_agent_word(W, L("rt11002")), "silent", "... agent silent");
	fault(1, "vm-sms rt11002");
	buf_reset(&out);
	simcli_run(W, "lssyscfg -r prof -m rt11 --filter lpar_names=rt11002 -F boot_mode", &out,
	           err, sizeof err);
	is_str(buf_str(&out), "norm\n", "clear: boot_mode norm");

	ok(fault(0, "vm-lpm-hang rt11002") == 0, "fault vm-lpm-hang");
	buf_reset(&out);
	simcli_run(W, "lssyscfg -r lpar -m 8286-42A*0607585 --filter lpar_names=rt11002 "
	           "-F name,state", &out, err, sizeof err);
	is_str(buf_str(&out), "rt11002,Migrating - Running\n", "lssyscfg -r lpar: Migrating - "
	       "Running (host by MTMS)");
	ok(!world_lpar_answers_ping(W, L("rt11002")), "... address silent");
	fault(1, "vm-lpm-hang rt11002");
	ok(fault(0, "vm-unpingable rt11002") == 0 && !world_lpar_answers_ping(W, L("rt11002")) &&
	   !strcmp(simhm_agent_word(W, L("rt11002")), "up"), "vm-unpingable: silent address, "
	   "agent still up");
	fault(1, "vm-unpingable rt11002");
	ok(world_lpar_answers_ping(W, L("rt11002")), "clear: answers again");
	ok(simcli_run(W, "lsrefcode -r lpar -m rt12 --filter lpar_names=rt11002", &out, err,
	              sizeof err) == -1 && !strncmp(err, "HSCL8019", 8),
	   "lsrefcode on the wrong host: HSCL8019");
	ok(simcli_run(W, "lsrefcode -r lpar -m rt11 --filter lpar_names=rt11002 -F bogus", &out,
	              err, sizeof err) == -1 && strstr(err, "bogus"), "unknown -F field refused");

	/* STOP_VM and REMOVE_VM */
	buf_reset(&b);
	buf_puts(&b, "<stopVM>");
	vmlist(&b, "rt11", vms11 + 1, 1);
	buf_puts(&b, "</stopVM>");
	req("rt11v1", "VIO_HS_STOP_VM", NULL, buf_str(&b), &o, &e);
	is_str(buf_str(&o), "", "STOP_VM: empty StdOut");
	if (na_now(&na, &o) == 0) {
		vm = na_vm(&na, L("rt11002")->uuid);
		ok(vm && vm->state == VIOS_VM_STOPPED && vm->state_chg && na.has_tag,
		   "NA: STOPPED with stateChg");
		ack(na.hs_tag);
		vios_na_free(&na);
	}
	buf_reset(&b);
	buf_puts(&b, "<removeVM><vmList>");
	snprintf(line, sizeof line, "<vm uuid=\"%s\"/>", L("rt11002")->uuid);
	buf_puts(&b, line);
	buf_puts(&b, "</vmList></removeVM>");
	req("rt11v1", "VIO_HS_REMOVE_VM", NULL, buf_str(&b), &o, &e);
	is_int(simhm_cluster_of(W, L("rt11002")), 0, "REMOVE_VM: the VM leaves the cluster");
	buf_reset(&out);
	simctl_show(W, "hsdb", "1", &out, err, sizeof err);
	ok(!strstr(buf_str(&out), "vm rt11002") && strstr(buf_str(&out), "vm rt11001 ") &&
	   strstr(buf_str(&out), "cluster 1 db=:memory: hosts=2 vioses=4 vms=2"),
	   "show hsdb 1: cluster line, rt11002 gone");
	ok(simctl_show(W, "hsdb", "7", &out, err, sizeof err) == -1 &&
	   strstr(err, "no cluster '7'"), "show hsdb of an unknown cluster: refused");

	buf_free(&o);
	buf_free(&e);
	buf_free(&b);
	buf_free(&out);
	world_free(W);
}

int
main(void)
{
	char e[64];

	log_set_level("error", e, sizeof e);
	test_db();
	test_stack();
	return done_testing();
}
