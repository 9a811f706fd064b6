/* monitor_status — `ksysmgr query system status`: the health model as text
 * (the Redbook's layout: labels in a 21-column field, children indented by
 * tabs) or JSON (the same fields, lower-case labels).  Reads the model, never
 * changes it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "monitor_priv.h"

#define KV_WIDTH 21

static void __attribute__((format(printf, 4, 5)))
kv(struct buf *b, int depth, const char *label, const char *fmt, ...)
{
	char lab[64];
	va_list ap;
	int i;

	for (i = 0; i < depth; i++)
		buf_putc(b, '\t');
	snprintf(lab, sizeof(lab), "%s:", label);
	buf_printf(b, "%-*s", KV_WIDTH, lab);
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
	buf_putc(b, '\n');
}

static void
fmt_time(char *out, size_t n, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!ms || !localtime_r(&t, &tm)) {
		snprintf(out, n, "never");
		return;
	}
	strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* "READY" -> "Ready", as the Redbook writes host group states. */
static void
cap_state(char *out, size_t n, const char *s)
{
	size_t i;

	snprintf(out, n, "%s", s[0] ? s : "unknown");
	for (i = 1; out[i]; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

static const char *
yes_no(int v)
{
	return v < 0 ? "Unknown" : v ? "Yes" : "No";
}

static const char *
poll_state(const struct mgroup *g)
{
	if (g->failing)
		return "failing";
	if (!g->polls && !g->poll_failures)
		return "starting";
	return g->last_ok ? "ok" : "retrying";
}

static const char *
polling_vios(const struct mgroup *g)
{
	return g->designated >= 0 && (size_t)g->designated < g->n_vioses ?
	       g->vioses[g->designated].name : "none";
}

static const char *
vm_state(const struct mvm *vm)
{
	return vm->state_str[0] ? vm->state_str : "-";
}

/* ---- text ------------------------------------------------------------------ */
static void
text_vios(struct buf *b, const struct mgroup *g, const struct mvios *v, int verbose)
{
	kv(b, 1, "VIOS", "%s", v->name);
	kv(b, 2, "CAA_state", "%s", v->caa_up < 0 ? "Unknown" : v->caa_str);
	kv(b, 2, "HM_responsive", "%s", yes_no(v->hm_ok));
	if (v->seen)
		kv(b, 2, "HM_response_sec", "%lld", v->hm_response_sec);
	else
		kv(b, 2, "HM_response_sec", "-");
	if (!verbose)
		return;
	kv(b, 2, "UUID", "%s", v->uuid);
	kv(b, 2, "Reason", "0x%08lx", v->reason);
	kv(b, 2, "Has_data", "%s", yes_no(v->seen ? v->has_data : -1));
	kv(b, 2, "LPAR_state", "%s", v->lpar_state[0] ? v->lpar_state : "-");
	kv(b, 2, "Ping", "%s", v->ping_ok < 0 ? "-" : v->ping_ok ? "answers" : "no answer");
	kv(b, 2, "Verdict", "%s", fde_vios_verdict_name(v->verdict));
	kv(b, 2, "Polling", "%s", g->designated >= 0 && &g->vioses[g->designated] == v ?
	   "Yes" : "No");
}

static void
text_vm(struct buf *b, const struct mgroup *g, const struct mvm *vm, int verbose)
{
	char verdict[160];

	mon_vm_verdict(g, vm, verdict, sizeof(verdict));
	kv(b, 1, "VM", "%s", vm->name);
	kv(b, 2, "HA_monitor_state", "%s", vm_state(vm));
	kv(b, 2, "Missed_heartbeat", "%lld seconds", vm->missed_hb);
	kv(b, 2, "VMFDT", "%d seconds", vm->vmfdt);
	kv(b, 2, "Verdict", "%s", verdict);
	if (!verbose)
		return;
	kv(b, 2, "UUID", "%s", vm->uuid);
	kv(b, 2, "HA_monitor", "%s", vm->monitored ? "enable" : "disable");
	kv(b, 2, "Detection_speed", "%s", vm->speed);
	kv(b, 2, "HB_offset", "%lld seconds", vm->hb_offset);
	if (vm->short_msg)
		kv(b, 2, "Short_msg", "0x%lx", vm->short_msg);
	if (vm->ev) {
		kv(b, 2, "Ping", "%s", vm->ev->ping_ok < 0 ? "-" : vm->ev->ping_ok ? "answers" :
		   "no answer");
		if (vm->ev->lpar_read) {
			kv(b, 2, "LPAR_state", "%s", vm->ev->lpar_state);
			kv(b, 2, "Reference_code", "%s", vm->ev->refcode);
			kv(b, 2, "Boot_mode", "%s", vm->ev->boot_mode);
		}
	}
}

static void
text_group(struct buf *b, const struct mgroup *g, const struct mon_status_src *s,
           int verbose)
{
	char st[32], when[32];
	size_t i, k;

	cap_state(st, sizeof(st), g->state);
	fmt_time(when, sizeof(when), g->last_poll_ms);
	buf_printf(b, "Host_group %s is currently in %s state\n", g->name, st);
	kv(b, 0, "Polling_VIOS", "%s", polling_vios(g));
	if (g->last_poll_ms)
		kv(b, 0, "Last_poll", "%s %s: %s", when, g->last_kind, g->last_result);
	else
		kv(b, 0, "Last_poll", "never");
	kv(b, 0, "Poll_state", "%s", poll_state(g));
	if (verbose) {
		kv(b, 0, "Polls", "%llu answered, %llu failed", g->polls, g->poll_failures);
		kv(b, 0, "Acknowledged", "%llu", g->acks);
		kv(b, 0, "CAA_events", "%llu", g->caa_events);
		if (g->last_poll > 0)
			kv(b, 0, "Last_answer", "%lld seconds ago",
			   mon_hmc_secs(s->now, g->last_poll));
	}
	for (i = 0; i < g->n_hosts; i++) {
		const struct mhost *h = &g->hosts[i];

		buf_putc(b, '\n');
		kv(b, 0, "Host", "%s", h->name);
		kv(b, 1, "State", "%s", h->monitored ?
		   mon_host_state_name(mon_host_state(g, h)) : "NOT_MONITORED");
		if (verbose) {
			kv(b, 1, "UUID", "%s", h->uuid);
			kv(b, 1, "Host_FDT", "%d seconds", h->host_fdt);
			if (h->unhealthy_since > 0)
				kv(b, 1, "Unhealthy_for", "%lld seconds",
				   mon_hmc_secs(s->now, h->unhealthy_since));
			kv(b, 1, "Verdict", "%s", fde_host_verdict_name(h->verdict));
		}
		for (k = 0; k < g->n_vioses; k++)
			if (g->vioses[k].host == (int)i)
				text_vios(b, g, &g->vioses[k], verbose);
		for (k = 0; k < g->n_vms; k++)
			if (g->vms[k].host == (int)i && (g->vms[k].monitored || verbose))
				text_vm(b, g, &g->vms[k], verbose);
	}
}

static void
text(const struct mon_status_src *s, int verbose, struct buf *b)
{
	const struct mgroup *g;
	const struct mreloc *r;
	int n = 0;

	if (!s->ping)
		buf_puts(b, "WARNING: ICMP is unavailable to ksysd: VM failures are not "
		         "decided\n\n");
	for (g = s->groups; g; g = g->next) {
		if (g->dead)
			continue;
		if (n++)
			buf_putc(b, '\n');
		text_group(b, g, s, verbose);
	}
	if (!n) {
		if (!s->sys_enabled)
			buf_puts(b, "No host group is monitored: HA monitoring is disabled "
			         "(ksysmgr modify system ha_monitor=enable)\n");
		else
			buf_puts(b, "No host group is monitored: none has been discovered with "
			         "a monitored host (ksysmgr discover host_group NAME)\n");
	}
	buf_putc(b, '\n');
	if (!s->relocs) {
		kv(b, 0, "Relocation_requests", "none");
		return;
	}
	buf_puts(b, "Relocation_requests:\n");
	for (r = s->relocs; r; r = r->next) {
		char when[32];

		fmt_time(when, sizeof(when), r->time_ms);
		kv(b, 1, "VM", "%s", r->vm);
		kv(b, 2, "Host", "%s", r->host);
		kv(b, 2, "Host_group", "%s", r->group);
		kv(b, 2, "Reason", "%s", r->reason);
		kv(b, 2, "Requested", "%s", when);
		kv(b, 2, "State", "pending (no relocation engine yet)");
	}
}

/* ---- JSON -------------------------------------------------------------- */
static void
jstr(struct buf *b, const char *key, const char *val, int comma)
{
	buf_printf(b, "%s\"%s\":", comma ? "," : "", key);
	cmd_put_json_str(b, val);
}

static void
json(const struct mon_status_src *s, int verbose, struct buf *b)
{
	const struct mgroup *g;
	const struct mreloc *r;
	char tmp[256];
	int ng = 0;
	size_t i, k;

	buf_printf(b, "{\"ha_monitor\":\"%s\",\"icmp\":%s,\"host_groups\":[",
	           s->sys_enabled ? "enable" : "disable", s->ping ? "true" : "false");
	for (g = s->groups; g; g = g->next) {
		int nh = 0;

		if (g->dead)
			continue;
		buf_puts(b, ng++ ? ",{" : "{");
		jstr(b, "name", g->name, 0);
		jstr(b, "state", g->state, 1);
		jstr(b, "polling_vios", polling_vios(g), 1);
		if (g->last_poll_ms) {
			fmt_time(tmp, sizeof(tmp), g->last_poll_ms);
			jstr(b, "last_poll", tmp, 1);
		} else {
			buf_puts(b, ",\"last_poll\":null");
		}
		jstr(b, "last_poll_request", g->last_kind, 1);
		jstr(b, "last_poll_result", g->last_result, 1);
		jstr(b, "poll_state", poll_state(g), 1);
		if (verbose)
			buf_printf(b, ",\"polls\":%llu,\"poll_failures\":%llu,\"acknowledged\":%llu,"
			           "\"caa_events\":%llu", g->polls, g->poll_failures, g->acks,
			           g->caa_events);
		buf_puts(b, ",\"hosts\":[");
		for (i = 0; i < g->n_hosts; i++) {
			const struct mhost *h = &g->hosts[i];
			int nv = 0;

			buf_puts(b, nh++ ? ",{" : "{");
			jstr(b, "name", h->name, 0);
			jstr(b, "state", h->monitored ? mon_host_state_name(mon_host_state(g, h)) :
			     "NOT_MONITORED", 1);
			if (verbose) {
				jstr(b, "uuid", h->uuid, 1);
				buf_printf(b, ",\"host_fdt\":%d,\"unhealthy_for\":%lld", h->host_fdt,
				           h->unhealthy_since > 0 ?
				           mon_hmc_secs(s->now, h->unhealthy_since) : 0);
				jstr(b, "verdict", fde_host_verdict_name(h->verdict), 1);
			}
			buf_puts(b, ",\"vioses\":[");
			for (k = 0; k < g->n_vioses; k++) {
				const struct mvios *v = &g->vioses[k];
				if (v->host != (int)i)
					continue;
				buf_puts(b, nv++ ? ",{" : "{");
				jstr(b, "name", v->name, 0);
				jstr(b, "caa_state", v->caa_up < 0 ? "Unknown" : v->caa_str, 1);
				jstr(b, "hm_responsive", yes_no(v->hm_ok), 1);
				if (v->seen)
					buf_printf(b, ",\"hm_response_sec\":%lld", v->hm_response_sec);
				else
					buf_puts(b, ",\"hm_response_sec\":null");
				if (verbose) {
					jstr(b, "uuid", v->uuid, 1);
					buf_printf(b, ",\"reason\":\"0x%08lx\",\"has_data\":%s",
					           v->reason, v->has_data ? "true" : "false");
					jstr(b, "lpar_state", v->lpar_state, 1);
					jstr(b, "verdict", fde_vios_verdict_name(v->verdict), 1);
				}
				buf_putc(b, '}');
			}
			buf_puts(b, "],\"vms\":[");
			nv = 0;
			for (k = 0; k < g->n_vms; k++) {
				const struct mvm *vm = &g->vms[k];
				if (vm->host != (int)i || !(vm->monitored || verbose))
					continue;
				buf_puts(b, nv++ ? ",{" : "{");
				jstr(b, "name", vm->name, 0);
				jstr(b, "ha_monitor_state", vm_state(vm), 1);
				buf_printf(b, ",\"missed_heartbeat\":%lld,\"vmfdt\":%d", vm->missed_hb,
				           vm->vmfdt);
				mon_vm_verdict(g, vm, tmp, sizeof(tmp));
				jstr(b, "verdict", tmp, 1);
				if (verbose) {
					jstr(b, "uuid", vm->uuid, 1);
					jstr(b, "ha_monitor", vm->monitored ? "enable" : "disable", 1);
					jstr(b, "detection_speed", vm->speed, 1);
					buf_printf(b, ",\"hb_offset\":%lld", vm->hb_offset);
					if (vm->ev && vm->ev->lpar_read) {
						jstr(b, "lpar_state", vm->ev->lpar_state, 1);
						jstr(b, "reference_code", vm->ev->refcode, 1);
						jstr(b, "boot_mode", vm->ev->boot_mode, 1);
					}
				}
				buf_putc(b, '}');
			}
			buf_puts(b, "]}");
		}
		buf_puts(b, "]}");
	}
	buf_puts(b, "],\"relocation_requests\":[");
	for (r = s->relocs; r; r = r->next) {
		fmt_time(tmp, sizeof(tmp), r->time_ms);
		buf_puts(b, r == s->relocs ? "{" : ",{");
		jstr(b, "vm", r->vm, 0);
		jstr(b, "host", r->host, 1);
		jstr(b, "host_group", r->group, 1);
		jstr(b, "reason", r->reason, 1);
		jstr(b, "requested", tmp, 1);
		jstr(b, "state", "pending", 1);
		buf_putc(b, '}');
	}
	buf_puts(b, "]}\n");
}

void
mon_status_render(const struct mon_status_src *s, int as_json, int verbose, struct buf *out)
{
	if (as_json)
		json(s, verbose, out);
	else
		text(s, verbose, out);
}
