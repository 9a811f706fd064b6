/* test_monitor — the health model of monitor_model.c without network: real
 * vioHADR2 reply shapes applied to a hand-built group, the events their
 * transitions raise, the host rule (evidence, host_failure_detection_time,
 * sanity request, relocation of managed VMs only), the VM rule with fake
 * ping/HMC evidence (pingable, running, not activated with and without
 * word3, LPM hang, not responding, aborted checks), CAA node events, a lost
 * event withholding the ACK, the refcode history parser, and the status
 * renderer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fde.h"
#include "monitor_priv.h"
#include "tscale.h"
#include "vios.h"
#include "../tap.h"

#define H1 "11111111-0000-0000-0000-000000000001"
#define H2 "11111111-0000-0000-0000-000000000002"
#define V11 "315CE56B-9BA0-46A1-B4BC-DA6108574E7E"
#define V12 "5AC3E0DC-13FC-4221-9617-8EF61C4CDD83"
#define V21 "4E0F6F60-214B-4D2C-A436-0EAC46F7F71F"
#define V22 "166C89EF-57D8-4E75-815C-AA5B885560B1"
#define VM1 "61BE20F0-09A8-4753-B5E5-564F8A545ED5"
#define VM2 "61BE20F0-09A8-4753-B5E5-564F8A545ED6"
#define VM3 "61BE20F0-09A8-4753-B5E5-564F8A545ED7"

/* ---- a recording sink ---- */
static char events[256][64];
static char texts[256][1024];
static size_t n_events;
static char relocs[64][160];
static size_t n_relocs;
static size_t n_cleared;
static int fail_store;

static int
event_cb(void *arg, struct mgroup *g, const char *name, const char *sev, const char *kind,
      const char *obj, const char *text)
{
	(void)arg; (void)g; (void)sev; (void)kind; (void)obj;
	if (n_events < 256) {
		snprintf(events[n_events], sizeof(events[0]), "%s:%s", name, obj);
		snprintf(texts[n_events], sizeof(texts[0]), "%s", text);
		n_events++;
	}
	return fail_store ? -1 : 0;
}

static void
reloc_cb(void *arg, struct mgroup *g, const struct mvm *vm, const char *host,
         const char *reason)
{
	(void)arg; (void)g; (void)reason;
	if (n_relocs < 64)
		snprintf(relocs[n_relocs++], sizeof(relocs[0]), "%s@%s", vm->name, host);
}

static void
clear_cb(void *arg, struct mgroup *g, const struct mvm *vm, const char *why)
{
	(void)arg; (void)g; (void)vm; (void)why;
	n_cleared++;
}

static const struct mon_sink sink = { event_cb, reloc_cb, clear_cb, NULL };

static size_t
count(const char *ev)
{
	size_t i, n = 0;

	for (i = 0; i < n_events; i++)
		if (strcmp(events[i], ev) == 0)
			n++;
	return n;
}

static void
reset_events(void)
{
	n_events = n_relocs = n_cleared = 0;
}

/* ---- the group: h1 (v11, v12; vm1 monitored, vm2 managed only), h2 (v21,
 * v22; vm3 monitored) ---- */
static struct fde_params P;

static void
add_vios(struct mgroup *g, const char *name, const char *uuid, int host)
{
	struct mvios *v = &g->vioses[g->n_vioses++];

	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	snprintf(v->uuid, sizeof(v->uuid), "%s", uuid);
	snprintf(v->lpar_state, sizeof(v->lpar_state), "running");
	v->host = host;
	v->caa_up = v->hm_responsive = v->hm_ok = v->ping_ok = -1;
}

static void
add_vm(struct mgroup *g, const char *name, const char *uuid, int host, int monitored)
{
	struct mvm *vm = &g->vms[g->n_vms++];

	memset(vm, 0, sizeof(*vm));
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	snprintf(vm->uuid, sizeof(vm->uuid), "%s", uuid);
	vm->host = host;
	vm->monitored = monitored;
	snprintf(vm->speed, sizeof(vm->speed), "normal");
	vm->vmfdt = fde_vmfdt(90, "normal", &P);
}

static void
group_init(struct mgroup *g)
{
	size_t i;

	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "HG");
	snprintf(g->state, sizeof(g->state), "READY");
	g->p = &P;
	g->sink = &sink;
	g->hosts = calloc(2, sizeof(*g->hosts));
	g->vioses = calloc(4, sizeof(*g->vioses));
	g->vms = calloc(3, sizeof(*g->vms));
	g->n_hosts = 2;
	snprintf(g->hosts[0].name, MON_NAME, "h1");
	snprintf(g->hosts[0].uuid, MON_UUID, H1);
	snprintf(g->hosts[1].name, MON_NAME, "h2");
	snprintf(g->hosts[1].uuid, MON_UUID, H2);
	for (i = 0; i < 2; i++) {
		g->hosts[i].monitored = 1;
		g->hosts[i].host_fdt = 90;
		g->hosts[i].sanity = -1;
	}
	add_vios(g, "v11", V11, 0);
	add_vios(g, "v12", V12, 0);
	add_vios(g, "v21", V21, 1);
	add_vios(g, "v22", V22, 1);
	add_vm(g, "vm3", VM3, 1, 1);
	add_vm(g, "vm1", VM1, 0, 1);
	add_vm(g, "vm2", VM2, 0, 0);
	mon_vms_sort(g);
	g->designated = 0;
}

static char *
lower(const char *s)
{
	static char out[8][64];
	static int k;
	char *o = out[k++ % 8];
	size_t i;

	for (i = 0; s[i] && i < 63; i++)
		o[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
	o[i] = '\0';
	return o;
}

/* A QQ reply: each VIOS "STATE HMRESP SEC HASDATA REASON". */
static void
qq(struct mgroup *g, double now, const char *s11, const char *s12, const char *s21,
   const char *s22)
{
	const char *st[4] = { s11, s12, s21, s22 }, *ids[4] = { V11, V12, V21, V22 };
	char body[4096];
	size_t n = 0, i;
	struct vios_qq q;
	char err[256];

	n += (size_t)snprintf(body + n, sizeof(body) - n, "<VIO><Response>\n");
	for (i = 0; i < 4; i++) {
		char state[8];
		int resp, hd;
		long long sec;
		unsigned reason;

		if (i % 2 == 0)
			n += (size_t)snprintf(body + n, sizeof(body) - n, "<quickQuery>\n"
			                      "<viosStatList><viosStatus machine_type=\"8286\" "
			                      "model=\"42A\" serial=\"21E0B2V%zu\">\n", i);
		sscanf(st[i], "%7s %d %lld %d %x", state, &resp, &sec, &hd, &reason);
		n += (size_t)snprintf(body + n, sizeof(body) - n, "<viosStat uuid=\"%s\" state=\"%s\" "
		                      "hmResponsive=\"%d\" hmResponseSec='%lld' hasData='%d' "
		                      "reason='0x%08x' syncMsg=\"0\" />\n", lower(ids[i]), state,
		                      resp, sec, hd, reason);
		if (i % 2 == 1)
			n += (size_t)snprintf(body + n, sizeof(body) - n,
			                      "</viosStatus></viosStatList>\n</quickQuery>\n");
	}
	snprintf(body + n, sizeof(body) - n, "</Response></VIO>\n");
	if (vios_parse_qq(body, strlen(body), "test QQ", &q, err, sizeof(err)) == -1) {
		ok(0, "QQ parses: %s", err);
		return;
	}
	mon_model_qq(g, &q, now);
	vios_qq_free(&q);
}

/* An NA reply: an optional viosStatList block (vios, may be ""), then h1's
 * vmList with vmstats (may be ""); every block carries tag when not NULL. */
static int
na(struct mgroup *g, double now, const char *tag, const char *vmstats, const char *vios)
{
	char body[4096], err[256], t[64] = "";
	struct vios_na n;
	size_t len = 0;
	int want;

	if (tag)
		snprintf(t, sizeof(t), " hsTag=\"%s\"", tag);
	len += (size_t)snprintf(body + len, sizeof(body) - len, "<VIO><Response>\n");
	if (vios[0])
		len += (size_t)snprintf(body + len, sizeof(body) - len, "<needsAtt%s>\n"
		                        "<viosStatList><viosStatus machine_type=\"8286\" "
		                        "model=\"42A\" serial=\"21E0B2V0\">\n%s</viosStatus>"
		                        "</viosStatList>\n</needsAtt>\n", t, vios);
	snprintf(body + len, sizeof(body) - len, "<needsAtt%s>\n<vmStatList>\n"
	         "<vmList machine_type=\"8286\" model=\"42A\" serial=\"21E0B2V0\">\n%s"
	         "</vmList>\n</vmStatList>\n</needsAtt>\n</Response></VIO>\n", t, vmstats);
	if (vios_parse_na(body, strlen(body), "test NA", &n, err, sizeof(err)) == -1) {
		ok(0, "NA parses: %s", err);
		return -1;
	}
	want = mon_model_na(g, &n, now);
	vios_na_free(&n);
	return want;
}

static char *
vmstat(const char *uuid, const char *attrs)
{
	static char out[4][512];
	static int k;
	char *o = out[k++ % 4];

	snprintf(o, 512, "<vmStat uuid=\"%s\"><VM %s >\n</VM>\n</vmStat>\n", lower(uuid), attrs);
	return o;
}

static const char *ALL_UP = "UP 1 0 0 0";

static void
test_vios_events(void)
{
	struct mgroup g;

	group_init(&g);
	reset_events();
	qq(&g, 100, ALL_UP, ALL_UP, ALL_UP, ALL_UP);
	is_int(count("VIOS_CAA_STATE_UP_DETECTED:v11") + count("VIOS_CAA_STATE_UP_DETECTED:v22"),
	       2, "first QQ: CAA UP detected for each VIOS");
	is_int(n_events, 4, "... and nothing else");
	is_str(mon_host_state_name(mon_host_state(&g, &g.hosts[0])), "UP", "host h1 UP");
	ok(g.changed, "a change for listeners");
	reset_events();
	g.changed = 0;
	qq(&g, 120, ALL_UP, "UP 1 1 0 0", ALL_UP, ALL_UP);
	is_int(n_events, 0, "the same states again: no event");
	ok(!g.changed, "hmResponseSec moving is not a change");
	qq(&g, 140, "UP 0 40 0 0", ALL_UP, ALL_UP, ALL_UP);
	is_int(count("VIOS_HM_NONRESP_DETECTED:v11"), 1, "hmResponsive 0: HM not responsive");
	is_str(mon_host_state_name(mon_host_state(&g, &g.hosts[0])), "DEGRADED",
	       "host with a silent HM is DEGRADED");
	qq(&g, 160, "UP 0 60 0 0", ALL_UP, ALL_UP, ALL_UP);
	is_int(count("VIOS_HM_NONRESP_DETECTED:v11"), 1, "raised once per transition");
	qq(&g, 180, ALL_UP, ALL_UP, ALL_UP, ALL_UP);
	is_int(count("VIOS_HM_RESP_DETECTED:v11"), 1, "responsive again");
	qq(&g, 200, ALL_UP, "UP 1 206498 0 0", ALL_UP, ALL_UP);
	is_int(count("VIOS_HM_NONRESP_DETECTED:v12"), 1,
	       "hmResponsive=1 but hmResponseSec past hm_unresponsive_secs: not responsive");
	reset_events();
	{
		/* a VIOS the group does not know is ignored */
		struct vios_qq q;
		char err[128];
		const char *b = "<VIO><Response><quickQuery><viosStatList><viosStatus "
		    "machine_type=\"1\" model=\"2\" serial=\"3\"><viosStat uuid=\"aaaaaaaa-"
		    "0000-0000-0000-000000000000\" state=\"DOWN\" hmResponsive=\"0\" "
		    "hmResponseSec='1' /></viosStatus></viosStatList></quickQuery>"
		    "</Response></VIO>";
		ok(vios_parse_qq(b, strlen(b), "t", &q, err, sizeof(err)) == 0, "parse");
		mon_model_qq(&g, &q, 210);
		vios_qq_free(&q);
		is_int(n_events, 0, "an unknown (unmanaged) VIOS raises nothing");
	}
	mon_group_clear(&g);
}

static void
vios_down(struct mgroup *g, struct mvios *v, int ping, const char *lpar)
{
	ok(mon_vios_step(g, v) == FDE_VIOS_NEED_PING, "%s DOWN: ping it first", v->name);
	v->ping_ok = ping;
	if (ping)
		return;
	ok(mon_vios_step(g, v) == FDE_VIOS_NEED_LPAR, "%s not pingable: read its LPAR",
	   v->name);
	snprintf(v->ev_lpar_state, sizeof(v->ev_lpar_state), "%s", lpar);
	v->lpar_read = 1;
	mon_vios_step(g, v);
}

static void
test_host_rule(void)
{
	struct mgroup g;
	struct mhost *h1;
	double t = 1000;

	tscale_set(10);
	group_init(&g);
	h1 = &g.hosts[0];
	qq(&g, t, ALL_UP, ALL_UP, ALL_UP, ALL_UP);
	reset_events();
	/* one VIOS down, pingable: healthy */
	qq(&g, t += 2, "DOWN 0 200 1 40", ALL_UP, ALL_UP, ALL_UP);
	is_int(count("VIOS_CAA_STATE_DOWN_DETECTED:v11"), 1, "CAA DOWN detected");
	ok(strstr(texts[0], "0x00000040") && strstr(texts[0], "NODE_SHUTDOWN"),
	   "the event names the reason: %s", texts[0]);
	vios_down(&g, &g.vioses[0], 1, NULL);
	is_str(fde_vios_verdict_name(mon_vios_step(&g, &g.vioses[0])), "healthy",
	       "a DOWN VIOS that answers ping is healthy");
	ok(mon_host_step(&g, h1, t) == FDE_HOST_OK, "one VIOS down: host OK");
	/* both down, orderly shutdown of one: host OK */
	qq(&g, t += 2, "DOWN 0 200 1 40", "DOWN 0 200 1 40", ALL_UP, ALL_UP);
	g.vioses[0].ping_ok = -1;
	vios_down(&g, &g.vioses[0], 0, "not activated");
	is_str(fde_vios_verdict_name(g.vioses[0].verdict), "down_orderly",
	       "not activated + NODE_SHUTDOWN: shut down on purpose");
	vios_down(&g, &g.vioses[1], 0, "not available");
	is_str(fde_vios_verdict_name(g.vioses[1].verdict), "unhealthy", "not available: unhealthy");
	ok(mon_host_step(&g, h1, t) == FDE_HOST_OK, "an orderly VIOS shutdown keeps the host OK");
	/* both unhealthy */
	qq(&g, t += 2, "DOWN 0 200 1 0", "DOWN 0 200 1 0", ALL_UP, ALL_UP);
	g.vioses[0].ping_ok = -1;
	g.vioses[0].lpar_read = 0;
	vios_down(&g, &g.vioses[0], 0, "error");
	reset_events();
	ok(mon_host_step(&g, h1, t) == FDE_HOST_WAIT, "both unhealthy: wait for host_fdt");
	is_str(mon_host_state_name(mon_host_state(&g, h1)), "SUSPECT", "host SUSPECT");
	ok(mon_host_step(&g, h1, t + 8.9) == FDE_HOST_WAIT,
	   "89 HMC seconds later (scale 10): still waiting");
	ok(mon_host_step(&g, h1, t + 9.0) == FDE_HOST_NEED_SANITY,
	   "after host_failure_detection_time: the sanity request");
	/* a VM of the suspect host is not checked (host first) */
	mon_vm_find(&g, VM1)->missed_hb = 500;
	ok(!mon_vm_due(&g, mon_vm_find(&g, VM1)), "VM checks wait while the host is suspect");
	h1->sanity_pending = 2;
	is_str(mon_host_state_name(mon_host_state(&g, h1)), "CHECKING", "host CHECKING");
	h1->sanity_pending = 0;
	ok(mon_sanity_done(&g, h1, 1, t + 9.5) == FDE_HOST_OK, "a VIOS answered: cancelled");
	is_int(count("HOST_FAILURE_DETECTED:h1"), 0, "no host failure");
	ok(h1->unhealthy_since == 0 && h1->sanity == -1, "the evidence starts over");
	ok(mon_host_step(&g, h1, t + 10) == FDE_HOST_WAIT, "waiting again");
	ok(mon_host_step(&g, h1, t + 19.5) == FDE_HOST_NEED_SANITY, "sanity again");
	ok(mon_sanity_done(&g, h1, 0, t + 20) == FDE_HOST_FAILED, "nobody answered: failed");
	is_int(count("HOST_FAILURE_DETECTED:h1"), 1, "HOST_FAILURE_DETECTED");
	is_int(n_relocs, 2, "a relocation request per managed VM of the host");
	ok(n_relocs == 2 && strstr(relocs[0], "@h1") && strstr(relocs[1], "@h1"),
	   "both from h1 (%s, %s)", relocs[0], relocs[1]);
	ok(!mon_vm_find(&g, VM3)->reloc, "the other host's VM stays");
	mon_host_step(&g, h1, t + 22);
	is_int(count("HOST_FAILURE_DETECTED:h1"), 1, "raised once");
	is_str(mon_host_state_name(mon_host_state(&g, h1)), "FAILED", "host FAILED");
	/* a VIOS comes back: the host recovers, moot requests are cleared */
	mon_vm_find(&g, VM1)->missed_hb = 0;
	qq(&g, t + 30, ALL_UP, "DOWN 0 200 1 0", ALL_UP, ALL_UP);
	ok(mon_host_step(&g, h1, t + 30) == FDE_HOST_OK, "a VIOS UP again: host OK");
	is_int(n_cleared, 2, "relocation requests of the recovered host cleared");
	tscale_set(1);
	mon_group_clear(&g);
}

static void
test_vm_rule(void)
{
	struct mgroup g;
	struct mvm *vm1;
	char v[160];
	double t = 5000;

	group_init(&g);
	vm1 = mon_vm_find(&g, VM1);
	ok(vm1 && strcmp(vm1->name, "vm1") == 0, "VM found by UUID");
	ok(mon_vm_find(&g, lower(VM1)) == vm1, "case-insensitively");
	qq(&g, t, ALL_UP, ALL_UP, ALL_UP, ALL_UP);
	reset_events();
	is_int(na(&g, t, NULL, vmstat(VM1, "state=\"STARTING\""), ""), 0, "NA: no node data");
	na(&g, t += 60, "-1234658345958918737", vmstat(VM1, "state=\"STARTED\" stateChg='1'"), "");
	is_int(count("VM_MONITOR_STARTED:vm1"), 1, "STARTING -> STARTED: VM_MONITOR_STARTED");
	na(&g, t += 60, NULL, vmstat(VM1, "state=\"STARTED\" missedHb='42'"), "");
	is_int(count("VM_MISSED_HB:vm1"), 1, "first missed heartbeat: VM_MISSED_HB");
	is_int(vm1->missed_hb, 42, "missed seconds kept");
	ok(!mon_vm_due(&g, vm1), "42 s < VMFDT 190: nothing to check");
	mon_vm_verdict(&g, vm1, v, sizeof(v));
	ok(strstr(v, "42 s") != NULL, "status: %s", v);
	na(&g, t += 60, NULL, vmstat(VM1, "state=\"STARTED\" missedHb='232'"), "");
	is_int(count("VM_MISSED_HB:vm1"), 1, "VM_MISSED_HB once per episode");
	ok(mon_vm_due(&g, vm1), "232 s >= VMFDT: check");
	mon_vm_begin(&g, vm1);
	is_int(g.vm_checks, 1, "one check running");
	ok(!mon_vm_due(&g, vm1), "one check per VM at a time");
	ok(mon_vm_step(&g, vm1) == FDE_VM_NEED_PING, "ping first");
	vm1->ev->ping_ok = 1;
	ok(mon_vm_step(&g, vm1) == FDE_VM_OK, "pingable: missed heartbeats ignored");
	is_int(g.vm_checks, 0, "check over");
	mon_vm_verdict(&g, vm1, v, sizeof(v));
	is_str(v, "answers ping: missed heartbeats ignored", "status says why");
	is_int(count("VM_FAILURE_DETECTED:vm1"), 0, "no failure");
	/* not pingable, running, OS up */
	na(&g, t += 60, NULL, vmstat(VM1, "state=\"STARTED\" missedHb='240'"), "");
	mon_vm_begin(&g, vm1);
	mon_vm_step(&g, vm1);
	vm1->ev->ping_ok = 0;
	ok(mon_vm_step(&g, vm1) == FDE_VM_NEED_LPAR, "not pingable: read the LPAR");
	vm1->ev->lpar_read = 1;
	snprintf(vm1->ev->lpar_state, sizeof(vm1->ev->lpar_state), "running");
	ok(mon_vm_step(&g, vm1) == FDE_VM_RELOCATE, "running, refcode '' (AIX up): relocate");
	is_int(count("VM_FAILURE_DETECTED:vm1"), 1, "VM_FAILURE_DETECTED");
	is_int(n_relocs, 1, "one relocation request");
	ok(n_relocs && strcmp(relocs[0], "vm1@h1") == 0, "for vm1 from h1");
	ok(!mon_vm_due(&g, vm1), "no new check while the request is pending");
	mon_vm_verdict(&g, vm1, v, sizeof(v));
	is_str(v, "relocation requested", "status");
	/* heartbeats back */
	na(&g, t += 60, NULL, "", "");
	is_int(vm1->missed_hb, 0, "no missedHb: heartbeats arrive");
	is_int(n_cleared, 1, "the relocation request is cleared");
	ok(vm1->ev == NULL, "evidence freed");
	/* not activated: offset, then the D200A200 history */
	reset_events();
	na(&g, t += 60, NULL, vmstat(VM1, "state=\"STARTED\" missedHb='200'"), "");
	mon_vm_begin(&g, vm1);
	mon_vm_step(&g, vm1);
	vm1->ev->ping_ok = 0;
	mon_vm_step(&g, vm1);
	vm1->ev->lpar_read = 1;
	snprintf(vm1->ev->lpar_state, sizeof(vm1->ev->lpar_state), "not activated");
	ok(mon_vm_step(&g, vm1) == FDE_VM_OK, "not activated, 200 <= 2 x VMFDT: wait");
	is_int(vm1->hb_offset, 200, "HBoffset follows HBmissed");
	na(&g, t += 60, NULL, vmstat(VM1, "state=\"STARTED\" missedHb='400'"), "");
	mon_vm_begin(&g, vm1);
	mon_vm_step(&g, vm1);
	vm1->ev->ping_ok = 0;
	mon_vm_step(&g, vm1);
	vm1->ev->lpar_read = 1;
	snprintf(vm1->ev->lpar_state, sizeof(vm1->ev->lpar_state), "not activated");
	ok(mon_vm_step(&g, vm1) == FDE_VM_NEED_HISTORY, "400 > 2 x VMFDT: refcode history");
	vm1->ev->word3 = mon_refcode_word3("11/21/2026 10:00:05,D200A200,0x0000000a\n"
	                                   "11/21/2026 09:59:00,C2001000,\n", v, sizeof(v));
	ok(mon_vm_step(&g, vm1) == FDE_VM_ORDERLY, "D200A200 with word3: orderly shutdown");
	is_int(count("VM_SHUTDOWN_DETECTED:vm1"), 1, "VM_SHUTDOWN_DETECTED, no relocation");
	is_int(n_relocs, 0, "no relocation request");
	na(&g, t += 60, NULL, vmstat(VM1, "state=\"STARTED\" missedHb='460'"), "");
	mon_vm_begin(&g, vm1);
	mon_vm_step(&g, vm1);
	vm1->ev->ping_ok = 0;
	mon_vm_step(&g, vm1);
	vm1->ev->lpar_read = 1;
	snprintf(vm1->ev->lpar_state, sizeof(vm1->ev->lpar_state), "not activated");
	mon_vm_step(&g, vm1);
	vm1->ev->word3 = 1;
	mon_vm_step(&g, vm1);
	is_int(count("VM_SHUTDOWN_DETECTED:vm1"), 1, "raised once per episode");
	/* an HMC read that fails ends the check without a verdict */
	mon_vm_begin(&g, vm1);
	mon_vm_step(&g, vm1);
	vm1->ev->ping_ok = 0;
	mon_vm_step(&g, vm1);
	mon_vm_abort(&g, vm1, "LPAR read: unreachable: no HMC");
	is_int(g.vm_checks, 0, "aborted check released");
	mon_vm_verdict(&g, vm1, v, sizeof(v));
	ok(strstr(v, "unreachable") != NULL, "status shows why: %s", v);
	/* LPM hang, not responding */
	na(&g, t += 60, NULL, "", "");
	reset_events();
	na(&g, t += 60, NULL, vmstat(VM1, "state=\"STARTED\" missedHb='90000'"), "");
	mon_vm_begin(&g, vm1);
	mon_vm_step(&g, vm1);
	vm1->ev->ping_ok = 0;
	mon_vm_step(&g, vm1);
	vm1->ev->lpar_read = 1;
	snprintf(vm1->ev->lpar_state, sizeof(vm1->ev->lpar_state), "Migrating - Running");
	ok(mon_vm_step(&g, vm1) == FDE_VM_LPM_HANG, "migrating running > 24 h: LPM hang");
	is_int(count("VM_LPM_HANG_DETECTED:vm1"), 1, "VM_LPM_HANG_DETECTED");
	mon_vm_begin(&g, vm1);
	mon_vm_step(&g, vm1);
	vm1->ev->ping_ok = 0;
	mon_vm_step(&g, vm1);
	vm1->ev->lpar_read = 1;
	snprintf(vm1->ev->lpar_state, sizeof(vm1->ev->lpar_state), "error");
	ok(mon_vm_step(&g, vm1) == FDE_VM_NONRESP, "error state > 2 x VMFDT: not responding");
	is_int(count("VM_NONRESP_DETECTED:vm1"), 1, "VM_NONRESP_DETECTED");
	/* not monitored VMs are never checked */
	{
		struct mvm *vm2 = mon_vm_find(&g, VM2);
		vm2->missed_hb = 1000;
		ok(!mon_vm_due(&g, vm2), "a managed VM without ha_monitor is not checked");
	}
	mon_group_clear(&g);
}

static void
test_node_data(void)
{
	struct mgroup g;
	struct vios_nodedata nd;
	char err[256];
	const char *b =
	    "<VIO><Response>\n<nodeData hsTag=\"378617663756949861\">\n"
	    "<nodeList machine_type=\"8286\" model=\"42A\" serial=\"21E0B2V\">\n"
	    "<node uuid=\"315ce56b-9ba0-46a1-b4bc-da6108574e7e\" event=\"BEGIN_EVENT_INFO\n"
	    "TIME_tvsec=1547996884\nSEQUENCE_NUM=4\nBEGIN_EVPROD_INFO\nEVENT_TYPE=NODE_DOWN\n"
	    "REASON=NODE_SHUTDOWN\nEND_EVPROD_INFO\nEND_EVENT_INFO\n\"/>\n"
	    "<node uuid=\"315ce56b-9ba0-46a1-b4bc-da6108574e7e\" event=\"BEGIN_EVENT_INFO\n"
	    "EVENT_TYPE=NODE_UP\nSEQUENCE_NUM=5\nEND_EVENT_INFO\n\"/>\n"
	    "</nodeList>\n</nodeData>\n</Response></VIO>\n";

	group_init(&g);
	qq(&g, 1, ALL_UP, ALL_UP, ALL_UP, ALL_UP);
	reset_events();
	is_int(na(&g, 2, "-6630805255682309212", "",
	          "<viosStat uuid=\"315ce56b-9ba0-46a1-b4bc-da6108574e7e\" state=\"UP\" "
	          "hmResponsive=\"1\" hmResponseSec='0' hasData='1' reason='0x00000000' "
	          "syncMsg=\"0\" />\n"), 1, "NA with hasData=1: QUERY_NODE_DATA wanted");
	ok(vios_parse_nodedata(b, strlen(b), "t", &nd, err, sizeof(err)) == 0, "node data parses");
	is_int(mon_model_nodedata(&g, &nd), 0, "stored: its tag may be acknowledged");
	is_int(count("VIOS_NODE_FAILURE:v11"), 1, "NODE_DOWN -> VIOS_NODE_FAILURE");
	is_int(count("VIOS_NODE_ACTIVE:v11"), 1, "NODE_UP -> VIOS_NODE_ACTIVE");
	g.store_failed = 0;
	fail_store = 1;
	is_int(mon_model_nodedata(&g, &nd), -1, "an event lost: the tag is not acknowledged");
	fail_store = 0;
	vios_nodedata_free(&nd);
	mon_group_clear(&g);
}

static void
test_refcode_history(void)
{
	char err[256];

	is_int(mon_refcode_word3("11/21/2026 10:00:05,D200A200,0x0000000a\n", err, sizeof(err)),
	       1, "D200A200 with word3");
	is_int(mon_refcode_word3("11/21/2026 10:00:05,D200A200,\n11/21/2026 09:00:00,D200A200,"
	                         "0x1\n", err, sizeof(err)), 0, "the newest D200A200 decides");
	is_int(mon_refcode_word3("11/21/2026 09:00:00,D200A200,0x1\n11/21/2026 10:00:05,"
	                         "D200A200,\n", err, sizeof(err)), 0,
	       "newest by time stamp, whatever the order");
	is_int(mon_refcode_word3("11/21/2026 10:00:05,C2001000,\n", err, sizeof(err)), 0,
	       "no D200A200: no word3");
	is_int(mon_refcode_word3("", err, sizeof(err)), 0, "empty history");
	is_int(mon_refcode_word3("No results were found.\n", err, sizeof(err)), 0,
	       "the HMC's 'No results' text");
	is_int(mon_refcode_word3("HSCL8012 The partition named x was not found\n", err,
	                         sizeof(err)), -1, "an error text is refused");
	ok(strstr(err, "HSCL8012") != NULL, "with the text: %s", err);
	is_int(mon_refcode_word3("\"11/21/2026 10:00:05\",\"D200A200\",\"null\"\r\n", err,
	                         sizeof(err)), 0, "quotes, CR and 'null' word3");
}

static void
test_status(void)
{
	struct mgroup g;
	struct mreloc r;
	struct mon_status_src s;
	struct buf b = { 0 };
	int depth = 0;
	size_t i;

	group_init(&g);
	qq(&g, 1, ALL_UP, "DOWN 0 300 1 0", ALL_UP, ALL_UP);
	na(&g, 2, NULL, vmstat(VM1, "state=\"STARTED\" missedHb='60'"), "");
	g.last_poll_ms = 1700000000000LL;
	snprintf(g.last_kind, sizeof(g.last_kind), "QUICK_QUERY");
	snprintf(g.last_result, sizeof(g.last_result), "ok");
	g.last_ok = 1;
	g.polls = 3;
	memset(&r, 0, sizeof(r));
	snprintf(r.vm, sizeof(r.vm), "vm1");
	snprintf(r.host, sizeof(r.host), "h1");
	snprintf(r.group, sizeof(r.group), "HG");
	snprintf(r.reason, sizeof(r.reason), "VM failure");
	r.time_ms = 1700000000000LL;
	memset(&s, 0, sizeof(s));
	s.groups = &g;
	s.relocs = &r;
	s.sys_enabled = 1;
	s.ping = 1;
	s.now = 3;
	mon_status_render(&s, 0, 0, &b);
	ok(strstr(buf_str(&b), "Host_group HG is currently in Ready state\n") != NULL,
	   "the Redbook's first line");
	ok(strstr(buf_str(&b), "Polling_VIOS:        v11\n") != NULL, "labels in 21 columns");
	ok(strstr(buf_str(&b), "\tVIOS:                v12\n\t\tCAA_state:           DOWN\n") != NULL,
	   "children indented by tabs");
	ok(strstr(buf_str(&b), "\t\tMissed_heartbeat:    60 seconds\n") != NULL, "missed heartbeats");
	ok(strstr(buf_str(&b), "\t\tVMFDT:               190 seconds\n") != NULL, "VMFDT");
	ok(strstr(buf_str(&b), "vm2") == NULL, "a VM without ha_monitor is not listed");
	ok(strstr(buf_str(&b), "Relocation_requests:\n\tVM:                  vm1\n") != NULL,
	   "pending relocation requests");
	buf_reset(&b);
	mon_status_render(&s, 0, 1, &b);
	ok(strstr(buf_str(&b), "vm2") != NULL && strstr(buf_str(&b), "UUID:") != NULL,
	   "-v: every managed VM, UUIDs");
	buf_reset(&b);
	mon_status_render(&s, 1, 0, &b);
	for (i = 0; i < b.len && depth >= 0; i++)
		depth += b.data[i] == '{' || b.data[i] == '[' ? 1 :
		         b.data[i] == '}' || b.data[i] == ']' ? -1 : 0;
	ok(depth == 0, "JSON brackets balance");
	ok(strstr(buf_str(&b), "\"polling_vios\":\"v11\"") != NULL &&
	   strstr(buf_str(&b), "\"missed_heartbeat\":60") != NULL &&
	   strstr(buf_str(&b), "\"relocation_requests\":[{\"vm\":\"vm1\"") != NULL,
	   "JSON: the same fields, lower-case labels");
	buf_reset(&b);
	memset(&s, 0, sizeof(s));
	mon_status_render(&s, 0, 0, &b);
	ok(strstr(buf_str(&b), "HA monitoring is disabled") != NULL, "nothing monitored: why");
	buf_free(&b);
	mon_group_clear(&g);
}

int
main(void)
{
	fde_params_default(&P);
	test_vios_events();
	test_host_rule();
	test_vm_rule();
	test_node_data();
	test_refcode_history();
	test_status();
	return done_testing();
}
