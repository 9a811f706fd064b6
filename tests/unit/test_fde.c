/* test_fde — every branch of the Failure Detection Engine's decisions
 * (spec/A §3.3): VMFDT, the VIOS and host rules, the per-VM rule with its
 * boundaries, the HBoffset update, both spellings of the LPAR states, and
 * the "OS is up" reference codes. */
#include <stdio.h>
#include <string.h>

#include "../tap.h"
#include "fde.h"

static struct fde_params P;

/* ---- VMFDT --------------------------------------------------------------- */

static void
test_vmfdt(void)
{
	struct fde_params q;

	is_int(fde_vmfdt(90, "fast", &P), 140, "VMFDT minimum: 90 + 1*50 = 140");
	is_int(fde_vmfdt(90, "normal", &P), 190, "VMFDT default: 90 + 2*50 = 190");
	is_int(fde_vmfdt(600, "slow", &P), 750, "VMFDT maximum: 600 + 3*50 = 750");
	is_int(fde_vmfdt(90, "slow", &P), 240, "slow at 90 = 240");
	is_int(fde_vmfdt(600, "fast", &P), 650, "fast at 600 = 650");
	is_int(fde_vmfdt(90, NULL, &P), 190, "no speed -> normal");
	is_int(fde_vmfdt(90, "ludicrous", &P), 190, "unknown speed -> normal");
	is_int(fde_vmfdt(90, "", &P), 190, "empty speed -> normal");
	is_int(fde_vmfdt(90, "FAST", &P), 140, "speed compared without case");
	is_int(fde_vmfdt(120, "Slow", &P), 270, "Slow at 120 = 270");
	q = P;
	q.vm_threshold = 10;
	is_int(fde_vmfdt(90, "slow", &q), 120, "threshold from the parameters");
}

static void
test_defaults(void)
{
	struct fde_params d;
	static const char *const up[] = {
		"0", "", "00000000", "Linux ppc64", "Linux ppc64le", "SUSE Linux",
	};
	size_t i;
	int same = 1;

	memset(&d, 0x55, sizeof d);
	fde_params_default(&d);
	is_int(d.vm_threshold, 50, "default vm_threshold 50");
	is_int(d.lpm_hang_secs, 86400, "default lpm_hang_secs 86400");
	is_int(d.nonresp_factor, 2, "default nonresp_factor 2");
	is_int(d.hm_unresponsive_secs, 90, "default hm_unresponsive_secs 90");
	is_int(d.n_os_up, 6, "six OS-up reference codes");
	for (i = 0; i < 6; i++)
		same &= strcmp(d.os_up[i], up[i]) == 0;
	ok(same, "OS-up codes are the Redbook's plus the REST padding of 0");
}

/* ---- VIOS ---------------------------------------------------------------- */

static struct fde_vios_obs
vios(int caa, int ping, const char *lpar, unsigned long reason)
{
	struct fde_vios_obs o = { caa, 1, 0, reason, ping, lpar };

	return o;
}

static void
test_vios(void)
{
	struct fde_vios_obs o;

	o = vios(1, -1, NULL, 0);
	is_int(fde_vios(&o), FDE_VIOS_HEALTHY, "CAA UP, HM fine -> healthy");
	o.hm_responsive = 0;
	o.hm_response_sec = 301561;
	is_int(fde_vios(&o), FDE_VIOS_HEALTHY, "CAA UP, HM silent -> still healthy (HM "
	       "silence is an event, not a VIOS failure)");
	o = vios(-1, -1, NULL, 0);
	is_int(fde_vios(&o), FDE_VIOS_HEALTHY, "CAA state not known yet -> healthy");
	o = vios(0, -1, NULL, 0);
	is_int(fde_vios(&o), FDE_VIOS_NEED_PING, "CAA DOWN, not pinged -> need_ping");
	o = vios(0, 1, NULL, 0);
	is_int(fde_vios(&o), FDE_VIOS_HEALTHY, "CAA DOWN, ping ok -> healthy");
	o = vios(0, 0, NULL, 0);
	is_int(fde_vios(&o), FDE_VIOS_NEED_LPAR, "ping failed, state unread -> need_lpar");
	o = vios(0, 0, "not activated", 0x40);
	is_int(fde_vios(&o), FDE_VIOS_DOWN_ORDERLY, "not activated + NODE_SHUTDOWN -> "
	       "down_orderly");
	o = vios(0, 0, "Not Activated", 0x40);
	is_int(fde_vios(&o), FDE_VIOS_DOWN_ORDERLY, "CLI spelling Not Activated");
	o = vios(0, 0, "open firmware", 0x40);
	is_int(fde_vios(&o), FDE_VIOS_DOWN_ORDERLY, "open firmware + NODE_SHUTDOWN -> "
	       "down_orderly");
	o = vios(0, 0, "Open Firmware", 0x40);
	is_int(fde_vios(&o), FDE_VIOS_DOWN_ORDERLY, "CLI spelling Open Firmware");
	o = vios(0, 0, "not activated", 0);
	is_int(fde_vios(&o), FDE_VIOS_UNHEALTHY, "not activated without SHUTDOWN reason "
	       "-> unhealthy");
	o = vios(0, 0, "not activated", 0x41);
	is_int(fde_vios(&o), FDE_VIOS_UNHEALTHY, "reason 0x41 is not NODE_SHUTDOWN");
	o = vios(0, 0, "not activated", 0x1);
	is_int(fde_vios(&o), FDE_VIOS_UNHEALTHY, "reason 0x1 -> unhealthy");
	o = vios(0, 0, "running", 0x40);
	is_int(fde_vios(&o), FDE_VIOS_UNHEALTHY, "running, unpingable, SHUTDOWN -> unhealthy");
	o = vios(0, 0, "error", 0);
	is_int(fde_vios(&o), FDE_VIOS_UNHEALTHY, "error -> unhealthy");
	o = vios(0, 0, "not available", 0x40);
	is_int(fde_vios(&o), FDE_VIOS_UNHEALTHY, "not available (host down) -> unhealthy");
	o = vios(0, 0, "", 0x40);
	is_int(fde_vios(&o), FDE_VIOS_UNHEALTHY, "empty state -> unhealthy");
}

static void
test_hm(void)
{
	struct fde_vios_obs o = vios(1, -1, NULL, 0);

	o.hm_responsive = -1;
	is_int(fde_hm_responsive(&o, &P), -1, "HM state not known");
	o.hm_responsive = 1;
	o.hm_response_sec = 0;
	is_int(fde_hm_responsive(&o, &P), 1, "hmResponsive=1, 0 s -> responsive");
	o.hm_response_sec = 90;
	is_int(fde_hm_responsive(&o, &P), 1, "hmResponseSec == limit -> responsive");
	o.hm_response_sec = 91;
	is_int(fde_hm_responsive(&o, &P), 0, "hmResponseSec > limit -> not responsive");
	o.hm_response_sec = 0;
	o.hm_responsive = 0;
	is_int(fde_hm_responsive(&o, &P), 0, "hmResponsive=0 -> not responsive");
}

/* ---- host ---------------------------------------------------------------- */

static void
test_host(void)
{
	enum fde_vios_verdict uu[2] = { FDE_VIOS_UNHEALTHY, FDE_VIOS_UNHEALTHY };
	enum fde_vios_verdict hu[2] = { FDE_VIOS_HEALTHY, FDE_VIOS_UNHEALTHY };
	enum fde_vios_verdict ou[2] = { FDE_VIOS_DOWN_ORDERLY, FDE_VIOS_UNHEALTHY };
	enum fde_vios_verdict oo[2] = { FDE_VIOS_DOWN_ORDERLY, FDE_VIOS_DOWN_ORDERLY };
	enum fde_vios_verdict pu[2] = { FDE_VIOS_NEED_PING, FDE_VIOS_UNHEALTHY };
	enum fde_vios_verdict lu[2] = { FDE_VIOS_UNHEALTHY, FDE_VIOS_NEED_LPAR };
	enum fde_vios_verdict uuu[3] = { FDE_VIOS_UNHEALTHY, FDE_VIOS_UNHEALTHY,
	                                 FDE_VIOS_UNHEALTHY };
	enum fde_vios_verdict uuh[3] = { FDE_VIOS_UNHEALTHY, FDE_VIOS_UNHEALTHY,
	                                 FDE_VIOS_HEALTHY };

	is_int(fde_host(uu, 0, 1000, 90, 0), FDE_HOST_OK, "no VIOS -> ok");
	is_int(fde_host(hu, 2, 1000, 90, 0), FDE_HOST_OK, "one VIOS healthy -> ok");
	is_int(fde_host(ou, 2, 1000, 90, 0), FDE_HOST_OK, "down_orderly counts as healthy");
	is_int(fde_host(oo, 2, 1000, 90, 0), FDE_HOST_OK, "both shut down in order -> ok");
	is_int(fde_host(pu, 2, 1000, 90, 0), FDE_HOST_OK, "a VIOS still being pinged -> ok");
	is_int(fde_host(lu, 2, 1000, 90, 0), FDE_HOST_OK, "a VIOS LPAR read pending -> ok");
	is_int(fde_host(uu, 2, 0, 90, -1), FDE_HOST_WAIT, "both unhealthy, first seen -> wait");
	is_int(fde_host(uu, 2, 89, 90, -1), FDE_HOST_WAIT, "unhealthy for 89 < 90 -> wait");
	is_int(fde_host(uu, 2, 89, 90, 0), FDE_HOST_WAIT, "wait even if sanity known");
	is_int(fde_host(uu, 2, 90, 90, -1), FDE_HOST_NEED_SANITY, "unhealthy for == host_fdt "
	       "-> need_sanity");
	is_int(fde_host(uu, 2, 600, 600, -1), FDE_HOST_NEED_SANITY, "600 s host_fdt reached");
	is_int(fde_host(uu, 2, 599, 600, -1), FDE_HOST_WAIT, "599 of 600 -> wait");
	is_int(fde_host(uu, 2, 91, 90, 0), FDE_HOST_FAILED, "no VIOS answered sanity -> failed");
	is_int(fde_host(uu, 2, 91, 90, 1), FDE_HOST_OK, "a VIOS answered sanity -> ok");
	is_int(fde_host(uuu, 3, 91, 90, 0), FDE_HOST_FAILED, "all of three unhealthy -> failed");
	is_int(fde_host(uuh, 3, 91, 90, 0), FDE_HOST_OK, "two of three unhealthy -> ok");
	is_int(fde_host(uu, 1, 91, 90, 0), FDE_HOST_FAILED, "single managed VIOS -> failed");
}

/* ---- VM ------------------------------------------------------------------ */

static struct fde_vm_obs
vm(long long missed, long long offset, int ping, const char *state,
   const char *refcode, const char *boot, int word3)
{
	struct fde_vm_obs o = { missed, offset, 190, ping, state, refcode, boot, word3 };

	return o;
}

static void
test_vm_early(void)
{
	struct fde_vm_obs o;

	o = vm(0, 300, -1, NULL, NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "no missedHb -> ok");
	is_int(o.hb_offset, 0, "heartbeats back: hb_offset reset to 0");
	o = vm(189, 0, -1, NULL, NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "missedHb 189 < VMFDT 190 -> ok");
	o = vm(190, 0, -1, NULL, NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_NEED_PING, "missedHb == VMFDT -> need_ping");
	o = vm(500, 0, -1, NULL, NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_NEED_PING, "missedHb over VMFDT -> need_ping");
	o = vm(500, 0, 1, NULL, NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "VM answers ping -> ok (event ignored)");
	o = vm(500, 0, 0, NULL, NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_NEED_LPAR, "ping failed -> need_lpar");
	o = vm(500, 0, 0, "running", "0", NULL, -1);
	o.vmfdt = 0;
	is_int(fde_vm(&o, &P), FDE_VM_OK, "VMFDT 0 decides nothing");
	o = vm(139, 0, -1, NULL, NULL, NULL, -1);
	o.vmfdt = fde_vmfdt(90, "fast", &P);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "fast: 139 < 140 -> ok");
	o.hb_missed = 140;
	is_int(fde_vm(&o, &P), FDE_VM_NEED_PING, "fast: 140 -> need_ping");
	o = vm(749, 0, -1, NULL, NULL, NULL, -1);
	o.vmfdt = fde_vmfdt(600, "slow", &P);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "slow max: 749 < 750 -> ok");
	o.hb_missed = 750;
	is_int(fde_vm(&o, &P), FDE_VM_NEED_PING, "slow max: 750 -> need_ping");
}

static void
test_vm_running(void)
{
	static const char *const up[] = {
		"0", "", "00000000", "Linux ppc64", "Linux ppc64le", "SUSE Linux",
		"  Linux ppc64 ", "linux PPC64LE", "000", "\t",
	};
	static const char *const down[] = {
		"B200F005 LP=00022", "AA060011", "CA00E1F1", "Linux", "D200A200", "1",
		"0000000A",
	};
	struct fde_vm_obs o;
	struct fde_params q;
	size_t i;

	o = vm(191, 0, 0, "running", "0", NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "running, 191 - 0 > 190, AIX up -> relocate");
	o = vm(190, 0, 0, "running", "0", NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "running, 190 - 0 == VMFDT -> ok (strictly greater)");
	o = vm(300, 110, 0, "running", "0", NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "running, 300 - 110 == 190 -> ok (HBoffset)");
	o = vm(301, 110, 0, "running", "0", NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "running, 301 - 110 > 190 -> relocate");
	is_int(o.hb_offset, 110, "running leaves hb_offset alone");
	o = vm(300, 0, 0, "Running", "Linux ppc64le", NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "CLI spelling Running");
	o = vm(300, 0, 0, "RUNNING", "Linux ppc64le", NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "upper case RUNNING");
	for (i = 0; i < sizeof up / sizeof up[0]; i++) {
		o = vm(300, 0, 0, "running", up[i], NULL, -1);
		is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "refcode '%s' means OS up -> relocate",
		       up[i]);
	}
	for (i = 0; i < sizeof down / sizeof down[0]; i++) {
		o = vm(300, 0, 0, "running", down[i], NULL, -1);
		is_int(fde_vm(&o, &P), FDE_VM_OK, "refcode '%s' (booting/firmware) -> ok", down[i]);
	}
	o = vm(300, 0, 0, "running", NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "refcode not supplied -> no relocation");
	o = vm(300, 0, 0, "running", "Linux ppc64 with a very long tail beyond 31", NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "over-long refcode matches nothing");
	q = P;
	snprintf(q.os_up[0], sizeof q.os_up[0], "%s", "0123456789012345678901234567890");
	o = vm(300, 0, 0, "running", "0123456789012345678901234567890", NULL, -1);
	is_int(fde_vm(&o, &q), FDE_VM_RELOCATE, "31-character refcode matches");
	o.refcode = "01234567890123456789012345678901";
	is_int(fde_vm(&o, &q), FDE_VM_OK, "32-character refcode with that prefix does not");
	q = P;
	q.n_os_up = 1;
	snprintf(q.os_up[0], sizeof q.os_up[0], "0");
	o = vm(300, 0, 0, "running", "00000000", NULL, -1);
	is_int(fde_vm(&o, &q), FDE_VM_RELOCATE, "list {\"0\"}: REST '00000000' counts as '0'");
	o = vm(300, 0, 0, "running", "", NULL, -1);
	is_int(fde_vm(&o, &q), FDE_VM_OK, "list {\"0\"}: '' no longer means OS up");
	q.n_os_up = 0;
	o = vm(300, 0, 0, "running", "0", NULL, -1);
	is_int(fde_vm(&o, &q), FDE_VM_OK, "empty list: a running VM is never relocated");
}

static void
test_vm_not_activated(void)
{
	struct fde_vm_obs o;

	o = vm(200, 0, 0, "not activated", NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "not activated, 200 <= 380 -> ok");
	is_int(o.hb_offset, 200, "not activated: hb_offset = hb_missed");
	o = vm(380, 50, 0, "not activated", NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "not activated, 380 == 2*VMFDT -> ok");
	is_int(o.hb_offset, 380, "hb_offset follows hb_missed");
	o = vm(381, 0, 0, "not activated", NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_NEED_HISTORY, "not activated, 381 > 2*VMFDT -> "
	       "need_history");
	is_int(o.hb_offset, 381, "hb_offset set before asking for history");
	o.d200a200_word3 = 0;
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "D200A200 word3 empty -> relocate");
	o.d200a200_word3 = 1;
	is_int(fde_vm(&o, &P), FDE_VM_ORDERLY, "D200A200 word3 set -> orderly shutdown");
	is_int(o.hb_offset, 381, "hb_offset stays at hb_missed on the second call");
	o = vm(1000, 0, 0, "Not Activated", NULL, NULL, 0);
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "CLI spelling Not Activated");
	o = vm(1000, 0, 0, "NOT_ACTIVATED", NULL, NULL, 1);
	is_int(fde_vm(&o, &P), FDE_VM_ORDERLY, "NOT_ACTIVATED spelling");

	/* The Redbook's sequence: powered off, then booting on the new host. */
	o = vm(400, 0, 0, "not activated", NULL, NULL, 0);
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "off for 400 s -> relocate");
	o.lpar_state = "running";
	o.refcode = "0";
	o.hb_missed = 500;
	is_int(fde_vm(&o, &P), FDE_VM_OK, "running again at 500, 500 - 400 <= 190 -> ok");
	o.hb_missed = 591;
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "still silent at 591 (191 past offset) -> "
	       "relocate");
	o.hb_missed = 0;
	is_int(fde_vm(&o, &P), FDE_VM_OK, "heartbeats back -> ok");
	is_int(o.hb_offset, 0, "and hb_offset back to 0");
}

static void
test_vm_open_firmware(void)
{
	struct fde_vm_obs o;

	o = vm(191, 0, 0, "open firmware", NULL, "norm", -1);
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "open firmware, 191 > VMFDT, boot norm -> "
	       "relocate");
	o = vm(190, 0, 0, "open firmware", NULL, "norm", -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "open firmware, 190 == VMFDT -> ok");
	o = vm(500, 0, 0, "open firmware", NULL, "sms", -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "open firmware, boot sms -> ok (admin in SMS)");
	o = vm(500, 0, 0, "Open Firmware", NULL, "SMS", -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "boot mode SMS, any case -> ok");
	o = vm(500, 0, 0, "Open Firmware", NULL, "of", -1);
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "boot mode of -> relocate");
	o = vm(500, 0, 0, "open firmware", NULL, "", -1);
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "boot mode empty -> relocate");
	o = vm(500, 0, 0, "open firmware", NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "boot mode not supplied -> no relocation");
	o = vm(500, 400, 0, "open firmware", NULL, "norm", -1);
	is_int(fde_vm(&o, &P), FDE_VM_RELOCATE, "open firmware ignores HBoffset");
}

static void
test_vm_other_states(void)
{
	static const char *const nonresp[] = {
		"not available", "Not Available", "error", "Error", "shutting down",
		"Shutting Down", "hardware discovery", "Hardware Discovery",
		"migrating not active", "Migrating - Not Activated",
	};
	static const char *const other[] = {
		"starting", "suspended", "resuming", "Unknown", "migrating", "foo",
	};
	struct fde_vm_obs o;
	struct fde_params q;
	size_t i;

	o = vm(86400, 0, 0, "migrating running", NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "migrating running, 86400 -> ok");
	o.hb_missed = 86401;
	is_int(fde_vm(&o, &P), FDE_VM_LPM_HANG, "migrating running, 86401 -> lpm_hang");
	o = vm(86401, 0, 0, "Migrating - Running", NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_LPM_HANG, "CLI spelling Migrating - Running");
	o = vm(5000, 0, 0, "migrating running", NULL, NULL, -1);
	is_int(fde_vm(&o, &P), FDE_VM_OK, "migrating running below the hang limit -> ok");
	q = P;
	q.lpm_hang_secs = 600;
	is_int(fde_vm(&o, &q), FDE_VM_LPM_HANG, "lpm_hang_secs from the parameters");

	for (i = 0; i < sizeof nonresp / sizeof nonresp[0]; i++) {
		o = vm(380, 0, 0, nonresp[i], NULL, NULL, -1);
		is_int(fde_vm(&o, &P), FDE_VM_OK, "%s, 380 == 2*VMFDT -> ok", nonresp[i]);
		o.hb_missed = 381;
		is_int(fde_vm(&o, &P), FDE_VM_NONRESP, "%s, 381 > 2*VMFDT -> nonresp", nonresp[i]);
		is_int(o.hb_offset, 0, "%s leaves hb_offset alone", nonresp[i]);
	}
	q = P;
	q.nonresp_factor = 3;
	o = vm(570, 0, 0, "error", NULL, NULL, -1);
	is_int(fde_vm(&o, &q), FDE_VM_OK, "factor 3: 570 == 3*VMFDT -> ok");
	o.hb_missed = 571;
	is_int(fde_vm(&o, &q), FDE_VM_NONRESP, "factor 3: 571 -> nonresp");
	for (i = 0; i < sizeof other / sizeof other[0]; i++) {
		o = vm(100000, 0, 0, other[i], "0", "norm", 0);
		is_int(fde_vm(&o, &P), FDE_VM_OK, "state '%s' -> ok", other[i]);
	}
}

static void
test_names(void)
{
	is_str(fde_vios_verdict_name(FDE_VIOS_HEALTHY), "healthy", "vios name healthy");
	is_str(fde_vios_verdict_name(FDE_VIOS_NEED_PING), "need_ping", "vios name need_ping");
	is_str(fde_vios_verdict_name(FDE_VIOS_NEED_LPAR), "need_lpar", "vios name need_lpar");
	is_str(fde_vios_verdict_name(FDE_VIOS_DOWN_ORDERLY), "down_orderly",
	       "vios name down_orderly");
	is_str(fde_vios_verdict_name(FDE_VIOS_UNHEALTHY), "unhealthy", "vios name unhealthy");
	is_str(fde_vios_verdict_name((enum fde_vios_verdict)99), "unknown", "vios name 99");
	is_str(fde_host_verdict_name(FDE_HOST_OK), "ok", "host name ok");
	is_str(fde_host_verdict_name(FDE_HOST_WAIT), "wait", "host name wait");
	is_str(fde_host_verdict_name(FDE_HOST_NEED_SANITY), "need_sanity", "host name sanity");
	is_str(fde_host_verdict_name(FDE_HOST_FAILED), "failed", "host name failed");
	is_str(fde_host_verdict_name((enum fde_host_verdict)99), "unknown", "host name 99");
	is_str(fde_vm_action_name(FDE_VM_OK), "ok", "vm name ok");
	is_str(fde_vm_action_name(FDE_VM_NEED_PING), "need_ping", "vm name need_ping");
	is_str(fde_vm_action_name(FDE_VM_NEED_LPAR), "need_lpar", "vm name need_lpar");
	is_str(fde_vm_action_name(FDE_VM_NEED_HISTORY), "need_history", "vm name history");
	is_str(fde_vm_action_name(FDE_VM_RELOCATE), "relocate", "vm name relocate");
	is_str(fde_vm_action_name(FDE_VM_LPM_HANG), "lpm_hang", "vm name lpm_hang");
	is_str(fde_vm_action_name(FDE_VM_NONRESP), "nonresp", "vm name nonresp");
	is_str(fde_vm_action_name(FDE_VM_ORDERLY), "orderly", "vm name orderly");
	is_str(fde_vm_action_name((enum fde_vm_action)99), "unknown", "vm name 99");
}

int
main(void)
{
	fde_params_default(&P);
	test_defaults();
	test_vmfdt();
	test_vios();
	test_hm();
	test_host();
	test_vm_early();
	test_vm_running();
	test_vm_not_activated();
	test_vm_open_firmware();
	test_vm_other_states();
	test_names();
	return done_testing();
}
