/* fde — the Failure Detection Engine's decision functions (see fde.h).
 *
 * Pure functions of their arguments: no I/O, no clock, no globals.  The
 * rules are the Redbook's (spec/A §3.3) with the choices written down in
 * fde.h; the monitor calls them again each time it has more evidence.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "fde.h"
#include "str.h"

enum lpar_class {
	LPAR_OTHER = 0,
	LPAR_RUNNING,
	LPAR_NOT_ACTIVATED,
	LPAR_OPEN_FIRMWARE,
	LPAR_MIGRATING_RUNNING,
	LPAR_NONRESP,                   /* not available, error, shutting down,
	                                   hardware discovery, migrating not act. */
};

static const struct {
	const char *name;               /* normalised spelling */
	enum lpar_class cls;
} lpar_states[] = {
	{ "running", LPAR_RUNNING },
	{ "not activated", LPAR_NOT_ACTIVATED },
	{ "open firmware", LPAR_OPEN_FIRMWARE },
	{ "migrating running", LPAR_MIGRATING_RUNNING },
	{ "not available", LPAR_NONRESP },
	{ "error", LPAR_NONRESP },
	{ "shutting down", LPAR_NONRESP },
	{ "hardware discovery", LPAR_NONRESP },
	{ "migrating not active", LPAR_NONRESP },       /* REST */
	{ "migrating not activated", LPAR_NONRESP },    /* CLI */
};

/* Lower case, '-' and '_' as spaces, runs of spaces as one, trimmed:
 * "Migrating - Running" and "migrating running" become the same. */
static void
norm_state(char *out, size_t n, const char *in)
{
	size_t o = 0;
	int space = 0;

	for (; *in && o + 1 < n; in++) {
		unsigned char c = (unsigned char)*in;

		if (c == '-' || c == '_' || isspace(c)) {
			space = o > 0;
			continue;
		}
		if (space) {
			if (o + 2 >= n)
				break;
			out[o++] = ' ';
		}
		space = 0;
		out[o++] = (char)tolower(c);
	}
	out[o] = '\0';
}

static enum lpar_class
lpar_class(const char *state)
{
	char s[64];
	size_t i;

	norm_state(s, sizeof s, state);
	for (i = 0; i < sizeof lpar_states / sizeof lpar_states[0]; i++)
		if (strcmp(s, lpar_states[i].name) == 0)
			return lpar_states[i].cls;
	return LPAR_OTHER;
}

/* Trimmed; a run of zeros is "0".  -1 when it does not fit in out[n]. */
static int
norm_refcode(char *out, size_t n, const char *in)
{
	size_t len;

	while (isspace((unsigned char)*in))
		in++;
	len = strlen(in);
	while (len && isspace((unsigned char)in[len - 1]))
		len--;
	if (len >= n)
		return -1;
	memcpy(out, in, len);
	out[len] = '\0';
	if (len > 0 && strspn(out, "0") == len)
		out[1] = '\0';
	return 0;
}

static int
os_up(const char *refcode, const struct fde_params *p)
{
	char rc[FDE_REFCODE_LEN], up[FDE_REFCODE_LEN];
	size_t i;

	if (!refcode || norm_refcode(rc, sizeof rc, refcode) == -1)
		return 0;
	for (i = 0; i < p->n_os_up && i < FDE_MAX_OS_UP; i++) {
		if (norm_refcode(up, sizeof up, p->os_up[i]) == 0 && strcasecmp(rc, up) == 0)
			return 1;
	}
	return 0;
}

void
fde_params_default(struct fde_params *p)
{
	static const char *const up[] = {
		"0", "", "00000000", "Linux ppc64", "Linux ppc64le", "SUSE Linux",
	};
	size_t i;

	memset(p, 0, sizeof *p);
	p->vm_threshold = 50;
	p->lpm_hang_secs = 86400;
	p->nonresp_factor = 2;
	p->hm_unresponsive_secs = 90;
	for (i = 0; i < sizeof up / sizeof up[0]; i++)
		str_copy(p->os_up[i], sizeof p->os_up[i], up[i]);
	p->n_os_up = i;
}

int
fde_vmfdt(int host_fdt, const char *speed, const struct fde_params *p)
{
	int k = 2;

	if (speed && strcasecmp(speed, "fast") == 0)
		k = 1;
	else if (speed && strcasecmp(speed, "slow") == 0)
		k = 3;
	return host_fdt + k * p->vm_threshold;
}

enum fde_vios_verdict
fde_vios(const struct fde_vios_obs *o)
{
	enum lpar_class c;

	if (o->caa_up != 0)
		return FDE_VIOS_HEALTHY;        /* UP, or nothing known yet */
	if (o->ping_ok < 0)
		return FDE_VIOS_NEED_PING;
	if (o->ping_ok > 0)
		return FDE_VIOS_HEALTHY;
	if (!o->lpar_state)
		return FDE_VIOS_NEED_LPAR;
	c = lpar_class(o->lpar_state);
	if ((c == LPAR_NOT_ACTIVATED || c == LPAR_OPEN_FIRMWARE) &&
	    o->reason == FDE_REASON_NODE_SHUTDOWN)
		return FDE_VIOS_DOWN_ORDERLY;
	return FDE_VIOS_UNHEALTHY;
}

int
fde_hm_responsive(const struct fde_vios_obs *o, const struct fde_params *p)
{
	if (o->hm_responsive < 0)
		return -1;
	if (o->hm_responsive == 0)
		return 0;
	return o->hm_response_sec > (long long)p->hm_unresponsive_secs ? 0 : 1;
}

enum fde_host_verdict
fde_host(const enum fde_vios_verdict *vios_verdicts, size_t n,
         long long unhealthy_for, int host_fdt, int sanity)
{
	size_t i;

	if (n == 0)
		return FDE_HOST_OK;
	for (i = 0; i < n; i++)
		if (vios_verdicts[i] != FDE_VIOS_UNHEALTHY)
			return FDE_HOST_OK;
	if (unhealthy_for < (long long)host_fdt)
		return FDE_HOST_WAIT;
	if (sanity < 0)
		return FDE_HOST_NEED_SANITY;
	return sanity == 0 ? FDE_HOST_FAILED : FDE_HOST_OK;
}

enum fde_vm_action
fde_vm(struct fde_vm_obs *o, const struct fde_params *p)
{
	long long fdt = o->vmfdt;

	if (o->hb_missed <= 0) {
		o->hb_offset = 0;
		return FDE_VM_OK;
	}
	if (fdt <= 0 || o->hb_missed < fdt)
		return FDE_VM_OK;
	if (o->ping_ok < 0)
		return FDE_VM_NEED_PING;
	if (o->ping_ok > 0)
		return FDE_VM_OK;
	if (!o->lpar_state)
		return FDE_VM_NEED_LPAR;
	switch (lpar_class(o->lpar_state)) {
	case LPAR_RUNNING:
		if (o->hb_missed - o->hb_offset > fdt && os_up(o->refcode, p))
			return FDE_VM_RELOCATE;
		return FDE_VM_OK;
	case LPAR_NOT_ACTIVATED:
		o->hb_offset = o->hb_missed;
		if (o->hb_missed <= 2 * fdt)
			return FDE_VM_OK;
		if (o->d200a200_word3 < 0)
			return FDE_VM_NEED_HISTORY;
		return o->d200a200_word3 == 0 ? FDE_VM_RELOCATE : FDE_VM_ORDERLY;
	case LPAR_OPEN_FIRMWARE:
		if (o->hb_missed > fdt && o->boot_mode && strcasecmp(o->boot_mode, "sms") != 0)
			return FDE_VM_RELOCATE;
		return FDE_VM_OK;
	case LPAR_MIGRATING_RUNNING:
		return o->hb_missed > (long long)p->lpm_hang_secs ? FDE_VM_LPM_HANG : FDE_VM_OK;
	case LPAR_NONRESP:
		return o->hb_missed > (long long)p->nonresp_factor * fdt ? FDE_VM_NONRESP
		                                                         : FDE_VM_OK;
	case LPAR_OTHER:
		break;
	}
	return FDE_VM_OK;
}

const char *
fde_vios_verdict_name(enum fde_vios_verdict v)
{
	switch (v) {
	case FDE_VIOS_HEALTHY:
		return "healthy";
	case FDE_VIOS_NEED_PING:
		return "need_ping";
	case FDE_VIOS_NEED_LPAR:
		return "need_lpar";
	case FDE_VIOS_DOWN_ORDERLY:
		return "down_orderly";
	case FDE_VIOS_UNHEALTHY:
		return "unhealthy";
	}
	return "unknown";
}

const char *
fde_host_verdict_name(enum fde_host_verdict v)
{
	switch (v) {
	case FDE_HOST_OK:
		return "ok";
	case FDE_HOST_WAIT:
		return "wait";
	case FDE_HOST_NEED_SANITY:
		return "need_sanity";
	case FDE_HOST_FAILED:
		return "failed";
	}
	return "unknown";
}

const char *
fde_vm_action_name(enum fde_vm_action a)
{
	switch (a) {
	case FDE_VM_OK:
		return "ok";
	case FDE_VM_NEED_PING:
		return "need_ping";
	case FDE_VM_NEED_LPAR:
		return "need_lpar";
	case FDE_VM_NEED_HISTORY:
		return "need_history";
	case FDE_VM_RELOCATE:
		return "relocate";
	case FDE_VM_LPM_HANG:
		return "lpm_hang";
	case FDE_VM_NONRESP:
		return "nonresp";
	case FDE_VM_ORDERLY:
		return "orderly";
	}
	return "unknown";
}
