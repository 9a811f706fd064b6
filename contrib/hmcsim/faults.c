/* faults — the table of fault kinds and the timeline runner.
 *
 * Every kind is one row of `kinds` below: its argument counts, the handler
 * that injects it, the handler that clears it, and its help line.  Handlers
 * validate fully before changing anything, so check_only (used to validate a
 * topology's timeline at load time) shares their code.  Not for the socket
 * protocol (simctl.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "faults.h"
#include "log.h"
#include "loop.h"
#include "tscale.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- argument helpers ---- */

static int
parse_int(const char *s, long lo, long hi, long *out)
{
	char *end = NULL;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* HMC by name, or every HMC for "all" (*all = 1, returns NULL). */
static int
hmc_arg(struct world *w, const char *name, struct sim_hmc **out, int *all,
        char *err, size_t errlen)
{
	*all = strcmp(name, "all") == 0;
	*out = *all ? NULL : world_hmc_by_name(w, name);
	if (*all || *out)
		return 0;
	snprintf(err, errlen, "no HMC named '%s'", name);
	return -1;
}

static int
host_arg(struct world *w, const char *name, struct sim_host **out,
         char *err, size_t errlen)
{
	*out = world_host_by_name(w, name);
	if (*out)
		return 0;
	snprintf(err, errlen, "no host named '%s'", name);
	return -1;
}

/* COUNT: a positive number of requests/jobs, or -1 / "forever" (until
 * cleared).  Absent: 1. */
static int
count_arg(int argc, const char *const *argv, int idx, int *out,
          char *err, size_t errlen)
{
	long v;

	*out = 1;
	if (argc <= idx)
		return 0;
	if (strcmp(argv[idx], "forever") == 0) {
		*out = -1;
		return 0;
	}
	if (parse_int(argv[idx], -1, 1000000000L, &v) == -1 || v == 0) {
		snprintf(err, errlen, "COUNT must be a positive number, -1 or "
		         "'forever', got '%s'", argv[idx]);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* ---- HMC faults ---- */

typedef void (*hmc_fn)(struct world *, struct sim_hmc *, long, long);

/* Resolve HMC name (or "all") and, unless check_only, apply fn to it or to
 * every HMC.  0, or -1 with err naming the unknown HMC. */
static int
on_hmcs(struct world *w, const char *name, int check_only, hmc_fn fn, long a, long b,
        char *err, size_t errlen)
{
	struct sim_hmc *h;
	size_t i;
	int all;

	if (hmc_arg(w, name, &h, &all, err, errlen) == -1)
		return -1;
	if (check_only)
		return 0;
	if (!all)
		fn(w, h, a, b);
	for (i = 0; all && i < w->n_hmcs; i++)
		fn(w, &w->hmcs[i], a, b);
	return 0;
}

static void
do_down(struct world *w, struct sim_hmc *h, long down, long unused)
{
	(void)unused;
	world_hmc_set_down(w, h, (int)down);
}

static int
hmc_down_apply(struct world *w, int argc, const char *const *argv, int check_only,
               char *err, size_t errlen)
{
	(void)argc;
	return on_hmcs(w, argv[0], check_only, do_down, 1, 0, err, errlen);
}

static int
hmc_down_clear(struct world *w, int argc, const char *const *argv, int check_only,
               char *err, size_t errlen)
{
	(void)argc;
	return on_hmcs(w, argv[0], check_only, do_down, 0, 0, err, errlen);
}

static void
do_slow(struct world *w, struct sim_hmc *h, long ms, long unused)
{
	(void)unused;
	h->slow_ms = (int)ms;
	log_msg(LOGL_NOTICE, "fault", "event=hmc_slow hmc=%s ms=%ld", h->name, ms);
	world_hmc_changed(w, h);
}

static int
hmc_slow_apply(struct world *w, int argc, const char *const *argv, int check_only,
               char *err, size_t errlen)
{
	long ms;

	(void)argc;
	if (parse_int(argv[1], 0, 600000, &ms) == -1) {
		snprintf(err, errlen, "MS must be a number of milliseconds between 0 "
		         "and 600000, got '%s'", argv[1]);
		return -1;
	}
	return on_hmcs(w, argv[0], check_only, do_slow, ms, 0, err, errlen);
}

static int
hmc_slow_clear(struct world *w, int argc, const char *const *argv, int check_only,
               char *err, size_t errlen)
{
	(void)argc;
	return on_hmcs(w, argv[0], check_only, do_slow, 0, 0, err, errlen);
}

static void
do_http_error(struct world *w, struct sim_hmc *h, long code, long count)
{
	h->http_error_code = (int)code;
	h->http_error_count = code ? (int)count : 0;
	log_msg(LOGL_NOTICE, "fault", "event=http_error hmc=%s code=%ld count=%ld",
	        h->name, code, code ? count : 0);
	world_hmc_changed(w, h);
}

static int
http_error_apply(struct world *w, int argc, const char *const *argv, int check_only,
                 char *err, size_t errlen)
{
	long code;
	int count;

	if (parse_int(argv[1], 400, 599, &code) == -1) {
		snprintf(err, errlen, "CODE must be an HTTP error status 400-599 "
		         "(401, 500, 503...), got '%s'", argv[1]);
		return -1;
	}
	if (count_arg(argc, argv, 2, &count, err, errlen) == -1)
		return -1;
	return on_hmcs(w, argv[0], check_only, do_http_error, code, count, err, errlen);
}

static int
http_error_clear(struct world *w, int argc, const char *const *argv, int check_only,
                 char *err, size_t errlen)
{
	(void)argc;
	return on_hmcs(w, argv[0], check_only, do_http_error, 0, 0, err, errlen);
}

/* ---- job failures ---- */

static const char *const job_ops[] = {
	"PowerOn", "PowerOff", "RemoteRestart", "Migrate", "MigrateValidate",
	"PassThroughInterface",
};

/* Canonical spelling of an operation name, "*" for any/all, NULL if unknown. */
static const char *
job_op(const char *s)
{
	size_t i;

	if (strcmp(s, "*") == 0 || strcasecmp(s, "any") == 0 || strcasecmp(s, "all") == 0)
		return "*";
	for (i = 0; i < NELEM(job_ops); i++)
		if (strcasecmp(job_ops[i], s) == 0)
			return job_ops[i];
	return NULL;
}

static int
hscl_code(const char *s, char *out, size_t len)
{
	size_t i;

	if (strlen(s) != 8 || strncasecmp(s, "HSCL", 4) != 0)
		return -1;
	for (i = 4; i < 8; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return -1;
	for (i = 0; i < 8 && i + 1 < len; i++)
		out[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' : s[i]);
	out[i] = '\0';
	return 0;
}

static int
job_fail_apply(struct world *w, int argc, const char *const *argv, int check_only,
               char *err, size_t errlen)
{
	struct sim_jobfail *f;
	struct sim_hmc *h;
	const char *op;
	char code[16];
	int all, count;

	if (hmc_arg(w, argv[0], &h, &all, err, errlen) == -1)
		return -1;
	op = job_op(argv[1]);
	if (!op) {
		snprintf(err, errlen, "unknown job operation '%s' (PowerOn, PowerOff, "
		         "RemoteRestart, Migrate, MigrateValidate, PassThroughInterface "
		         "or any)", argv[1]);
		return -1;
	}
	if (hscl_code(argv[2], code, sizeof code) == -1) {
		snprintf(err, errlen, "HSCLCODE must look like HSCL0DB4 (HSCL and four "
		         "hex digits), got '%s'", argv[2]);
		return -1;
	}
	if (count_arg(argc, argv, 3, &count, err, errlen) == -1)
		return -1;
	if (w->n_jobfail >= NELEM(w->jobfail)) {
		snprintf(err, errlen, "too many job-fail faults in force (at most %zu); "
		         "clear some first", NELEM(w->jobfail));
		return -1;
	}
	if (check_only)
		return 0;
	f = &w->jobfail[w->n_jobfail++];
	memset(f, 0, sizeof *f);
	snprintf(f->operation, sizeof f->operation, "%s", op);
	snprintf(f->hscl, sizeof f->hscl, "%s", code);
	f->remaining = count;
	f->hmc = all ? -1 : h->idx;
	log_msg(LOGL_NOTICE, "fault", "event=job_fail_armed hmc=%s op=%s code=%s count=%d",
	        all ? "all" : h->name, op, code, count);
	return 0;
}

/* clear job-fail HMC|all [OPERATION]: "all" clears every HMC's entries. */
static int
job_fail_clear(struct world *w, int argc, const char *const *argv, int check_only,
               char *err, size_t errlen)
{
	struct sim_hmc *h;
	const char *op = NULL;
	size_t i = 0;
	int all;

	if (hmc_arg(w, argv[0], &h, &all, err, errlen) == -1)
		return -1;
	if (argc > 1 && !(op = job_op(argv[1]))) {
		snprintf(err, errlen, "unknown job operation '%s'", argv[1]);
		return -1;
	}
	if (check_only)
		return 0;
	while (i < w->n_jobfail) {
		struct sim_jobfail *f = &w->jobfail[i];
		if ((all || f->hmc == h->idx) &&
		    (!op || strcmp(op, "*") == 0 || strcmp(f->operation, op) == 0)) {
			memmove(f, f + 1, (w->n_jobfail - i - 1) * sizeof *f);
			w->n_jobfail--;
			continue;
		}
		i++;
	}
	return 0;
}

/* ---- host faults ---- */

static int
host_power_off_apply(struct world *w, int argc, const char *const *argv,
                     int check_only, char *err, size_t errlen)
{
	struct sim_host *h;

	(void)argc;
	if (host_arg(w, argv[0], &h, err, errlen) == -1)
		return -1;
	if (!check_only)
		world_host_power_off(w, h);
	return 0;
}

static int
restart_stale_arg(int argc, const char *const *argv, int idx, int *out,
                  char *err, size_t errlen)
{
	*out = 0;
	if (argc <= idx)
		return 0;
	if (strcmp(argv[idx], "restart-stale") != 0) {
		snprintf(err, errlen, "unknown option '%s' (expected restart-stale)",
		         argv[idx]);
		return -1;
	}
	*out = 1;
	return 0;
}

static int
host_power_on_apply(struct world *w, int argc, const char *const *argv,
                    int check_only, char *err, size_t errlen)
{
	struct sim_host *h;
	int rs;

	if (host_arg(w, argv[0], &h, err, errlen) == -1 ||
	    restart_stale_arg(argc, argv, 1, &rs, err, errlen) == -1)
		return -1;
	if (!check_only)
		world_host_power_on(w, h, rs);
	return 0;
}

static int
host_state_apply(struct world *w, int argc, const char *const *argv,
                 int check_only, char *err, size_t errlen)
{
	enum sim_host_state st;
	struct sim_host *h;
	int rs;

	if (host_arg(w, argv[0], &h, err, errlen) == -1)
		return -1;
	if (world_host_state_parse(argv[1], &st) == -1) {
		snprintf(err, errlen, "unknown host state '%s' (operating, power_off, "
		         "power_off_in_progress, error, no_connection, initializing)",
		         argv[1]);
		return -1;
	}
	if (restart_stale_arg(argc, argv, 2, &rs, err, errlen) == -1)
		return -1;
	if (!check_only)
		world_host_set_state(w, h, st, rs);
	return 0;
}

/* Clearing a host fault brings the host back to operating (no restart-stale). */
static int
host_clear(struct world *w, int argc, const char *const *argv, int check_only,
           char *err, size_t errlen)
{
	struct sim_host *h;

	(void)argc;
	if (host_arg(w, argv[0], &h, err, errlen) == -1)
		return -1;
	if (!check_only)
		world_host_power_on(w, h, 0);
	return 0;
}

/* ---- partition faults ---- */

static int
lpar_arg(struct world *w, const char *name, struct sim_lpar **out, char *err, size_t errlen)
{
	*out = world_lpar_by_name(w, name);
	if (*out)
		return 0;
	snprintf(err, errlen, "no partition named '%s'", name);
	return -1;
}

static int
rmc_set(struct world *w, const char *name, int active, int check_only,
        char *err, size_t errlen)
{
	struct sim_lpar *l;

	if (lpar_arg(w, name, &l, err, errlen) == -1)
		return -1;
	if (!check_only)
		world_lpar_set_rmc(w, l, active);
	return 0;
}

static int
rmc_down_apply(struct world *w, int argc, const char *const *argv, int check_only,
               char *err, size_t errlen)
{
	(void)argc;
	return rmc_set(w, argv[0], 0, check_only, err, errlen);
}

static int
rmc_up_apply(struct world *w, int argc, const char *const *argv, int check_only,
             char *err, size_t errlen)
{
	(void)argc;
	return rmc_set(w, argv[0], 1, check_only, err, errlen);
}


/* ---- VIOS, Host Monitor and VM faults (the health side) ---- */

static int
kind_arg(struct world *w, const char *name, int vios, struct sim_lpar **out,
         char *err, size_t errlen)
{
	if (lpar_arg(w, name, out, err, errlen) == -1)
		return -1;
	if (((*out)->is_vios != 0) == vios)
		return 0;
	snprintf(err, errlen, "'%s' is %s; this fault takes %s", name,
	         vios ? "a client LPAR" : "a VIOS", vios ? "a VIOS" : "a client LPAR (VM)");
	return -1;
}

/* The partition must be running for a fault that changes what runs. */
static int
must_run(const struct sim_lpar *l, const char *kind, char *err, size_t errlen)
{
	char st[48];

	if (l->state == SIM_LPAR_RUNNING)
		return 0;
	world_state_word(world_lpar_state_name(l->state), st, sizeof st);
	snprintf(err, errlen, "%s: partition %s is %s; the fault needs a running partition",
	         kind, l->name, st);
	return -1;
}

static void
changed(struct world *w, struct sim_lpar *l)
{
	world_lpar_changed(w, l);
}

static int
vios_down_common(struct world *w, const char *name, int how, int check_only,
                 char *err, size_t errlen)
{
	const char *kind = how == 1 ? "vios-down" : "vios-shutdown";
	struct sim_lpar *l;

	if (kind_arg(w, name, 1, &l, err, errlen) == -1 ||
	    must_run(l, kind, err, errlen) == -1)
		return -1;
	if (check_only)
		return 0;
	if (how == 1) {
		l->state = SIM_LPAR_ERROR;
		world_refcode_push(w, l, "B2008105", NULL, 0);
	} else {
		l->state = SIM_LPAR_NOT_ACTIVATED;
		world_refcode_push(w, l, "D200A200", NULL, 0);
		snprintf(l->refcode, sizeof l->refcode, "00000000");
	}
	l->f_vios_down = how;
	changed(w, l);
	return 0;
}

static int
vios_down_apply(struct world *w, int argc, const char *const *argv, int check_only,
                char *err, size_t errlen)
{
	(void)argc;
	return vios_down_common(w, argv[0], 1, check_only, err, errlen);
}

static int
vios_shutdown_apply(struct world *w, int argc, const char *const *argv, int check_only,
                    char *err, size_t errlen)
{
	(void)argc;
	return vios_down_common(w, argv[0], 2, check_only, err, errlen);
}

/* Clearing a fault that stopped a partition starts it again (only while
 * that fault still holds: a partition started by other means is left). */
static int
restart_clear(struct world *w, const char *name, int vios, int *flag_of_l(struct sim_lpar *),
              int check_only, char *err, size_t errlen)
{
	struct sim_lpar *l;
	int *flag;

	if (kind_arg(w, name, vios, &l, err, errlen) == -1)
		return -1;
	flag = flag_of_l(l);
	if (check_only || !*flag)
		return 0;
	*flag = 0;
	l->f_word3[0] = '\0';
	if (vios)
		l->f_hm_stop = 0;       /* a VIOS that boots starts its Host Monitor */
	if (l->state != SIM_LPAR_RUNNING && w->hosts[l->host].state == SIM_HOST_OPERATING) {
		l->state = SIM_LPAR_RUNNING;
		l->started_at = w->loop ? ev_now(w->loop) : 0;
		if (!vios)
			snprintf(l->boot_mode, sizeof l->boot_mode, "norm");
		world_refcode_push(w, l, world_os_refcode(l), NULL, 0);
	}
	changed(w, l);
	return 0;
}

static int *fl_vios_down(struct sim_lpar *l) { return &l->f_vios_down; }
static int *fl_crash(struct sim_lpar *l) { return &l->f_crash; }
static int *fl_shutdown(struct sim_lpar *l) { return &l->f_shutdown; }
static int *fl_sms(struct sim_lpar *l) { return &l->f_sms; }
static int *fl_lpm(struct sim_lpar *l) { return &l->f_lpm_hang; }

static int
vios_down_clear(struct world *w, int argc, const char *const *argv, int check_only,
                char *err, size_t errlen)
{
	(void)argc;
	return restart_clear(w, argv[0], 1, fl_vios_down, check_only, err, errlen);
}

/* A flag fault (hm-stop, vm-hang, vm-unpingable): set or clear the flag. */
static int
flag_set(struct world *w, const char *name, int vios, int *flag_of_l(struct sim_lpar *),
         int value, const char *kind, int need_run, int check_only, char *err,
         size_t errlen)
{
	struct sim_lpar *l;

	if (kind_arg(w, name, vios, &l, err, errlen) == -1 ||
	    (need_run && value && must_run(l, kind, err, errlen) == -1))
		return -1;
	if (check_only)
		return 0;
	*flag_of_l(l) = value;
	changed(w, l);
	return 0;
}

static int *fl_hm(struct sim_lpar *l) { return &l->f_hm_stop; }
static int *fl_hang(struct sim_lpar *l) { return &l->f_hang; }
static int *fl_unping(struct sim_lpar *l) { return &l->f_unpingable; }

static int
hm_stop_apply(struct world *w, int argc, const char *const *argv, int check_only,
              char *err, size_t errlen)
{
	(void)argc;
	return flag_set(w, argv[0], 1, fl_hm, 1, "hm-stop", 0, check_only, err, errlen);
}

static int
hm_stop_clear(struct world *w, int argc, const char *const *argv, int check_only,
              char *err, size_t errlen)
{
	(void)argc;
	return flag_set(w, argv[0], 1, fl_hm, 0, "hm-stop", 0, check_only, err, errlen);
}

static int
vm_hang_apply(struct world *w, int argc, const char *const *argv, int check_only,
              char *err, size_t errlen)
{
	(void)argc;
	return flag_set(w, argv[0], 0, fl_hang, 1, "vm-hang", 1, check_only, err, errlen);
}

static int
vm_hang_clear(struct world *w, int argc, const char *const *argv, int check_only,
              char *err, size_t errlen)
{
	(void)argc;
	return flag_set(w, argv[0], 0, fl_hang, 0, "vm-hang", 0, check_only, err, errlen);
}

static int
vm_unping_apply(struct world *w, int argc, const char *const *argv, int check_only,
                char *err, size_t errlen)
{
	(void)argc;
	return flag_set(w, argv[0], 0, fl_unping, 1, "vm-unpingable", 0, check_only, err,
	                errlen);
}

static int
vm_unping_clear(struct world *w, int argc, const char *const *argv, int check_only,
                char *err, size_t errlen)
{
	(void)argc;
	return flag_set(w, argv[0], 0, fl_unping, 0, "vm-unpingable", 0, check_only, err,
	                errlen);
}

static int
vm_crash_apply(struct world *w, int argc, const char *const *argv, int check_only,
               char *err, size_t errlen)
{
	struct sim_lpar *l;

	(void)argc;
	if (kind_arg(w, argv[0], 0, &l, err, errlen) == -1 ||
	    must_run(l, "vm-crash", err, errlen) == -1)
		return -1;
	if (check_only)
		return 0;
	l->state = SIM_LPAR_NOT_ACTIVATED;
	world_refcode_push(w, l, "D200A200", NULL, 0);
	snprintf(l->refcode, sizeof l->refcode, "00000000");
	l->f_crash = 1;
	changed(w, l);
	return 0;
}

static int
vm_crash_clear(struct world *w, int argc, const char *const *argv, int check_only,
               char *err, size_t errlen)
{
	(void)argc;
	return restart_clear(w, argv[0], 0, fl_crash, check_only, err, errlen);
}

/* vm-shutdown VM [word3=TEXT] */
static int
vm_shutdown_apply(struct world *w, int argc, const char *const *argv, int check_only,
                  char *err, size_t errlen)
{
	const char *word3 = "0000000A";
	struct sim_lpar *l;
	size_t i;

	if (kind_arg(w, argv[0], 0, &l, err, errlen) == -1 ||
	    must_run(l, "vm-shutdown", err, errlen) == -1)
		return -1;
	if (argc > 1) {
		if (strncmp(argv[1], "word3=", 6) != 0 || !argv[1][6] ||
		    strlen(argv[1] + 6) >= sizeof l->f_word3) {
			snprintf(err, errlen, "vm-shutdown: expected word3=TEXT (1-%zu characters, "
			         "e.g. word3=0000000A), got '%s'", sizeof l->f_word3 - 1, argv[1]);
			return -1;
		}
		word3 = argv[1] + 6;
		for (i = 0; word3[i]; i++)
			if (word3[i] <= ' ' || word3[i] == ',' || word3[i] > '~') {
				snprintf(err, errlen, "vm-shutdown: word3 '%s' must not contain spaces "
				         "or commas", word3);
				return -1;
			}
	}
	if (check_only)
		return 0;
	l->state = SIM_LPAR_NOT_ACTIVATED;
	world_refcode_push(w, l, "D200A200", word3, 0);
	snprintf(l->refcode, sizeof l->refcode, "00000000");
	l->f_shutdown = 1;
	snprintf(l->f_word3, sizeof l->f_word3, "%s", word3);
	changed(w, l);
	return 0;
}

static int
vm_shutdown_clear(struct world *w, int argc, const char *const *argv, int check_only,
                  char *err, size_t errlen)
{
	(void)argc;
	return restart_clear(w, argv[0], 0, fl_shutdown, check_only, err, errlen);
}

static int
vm_sms_apply(struct world *w, int argc, const char *const *argv, int check_only,
             char *err, size_t errlen)
{
	struct sim_lpar *l;

	(void)argc;
	if (kind_arg(w, argv[0], 0, &l, err, errlen) == -1 ||
	    must_run(l, "vm-sms", err, errlen) == -1)
		return -1;
	if (check_only)
		return 0;
	l->state = SIM_LPAR_OPEN_FIRMWARE;
	snprintf(l->boot_mode, sizeof l->boot_mode, "sms");
	world_refcode_push(w, l, "CA00E1DC", NULL, 0);
	l->f_sms = 1;
	changed(w, l);
	return 0;
}

static int
vm_sms_clear(struct world *w, int argc, const char *const *argv, int check_only,
             char *err, size_t errlen)
{
	(void)argc;
	return restart_clear(w, argv[0], 0, fl_sms, check_only, err, errlen);
}

static int
vm_lpm_apply(struct world *w, int argc, const char *const *argv, int check_only,
             char *err, size_t errlen)
{
	struct sim_lpar *l;

	(void)argc;
	if (kind_arg(w, argv[0], 0, &l, err, errlen) == -1 ||
	    must_run(l, "vm-lpm-hang", err, errlen) == -1)
		return -1;
	if (check_only)
		return 0;
	l->state = SIM_LPAR_MIGRATING_RUNNING;
	l->f_lpm_hang = 1;
	changed(w, l);
	return 0;
}

static int
vm_lpm_clear(struct world *w, int argc, const char *const *argv, int check_only,
             char *err, size_t errlen)
{
	(void)argc;
	return restart_clear(w, argv[0], 0, fl_lpm, check_only, err, errlen);
}

/* vm-hb-loss VM [VIOS]: the named HM (default: every HM) hears nothing. */
static int
vm_hbloss_apply(struct world *w, int argc, const char *const *argv, int check_only,
                char *err, size_t errlen)
{
	struct sim_lpar *l, *v = NULL;

	if (kind_arg(w, argv[0], 0, &l, err, errlen) == -1 ||
	    (argc > 1 && kind_arg(w, argv[1], 1, &v, err, errlen) == -1))
		return -1;
	if (check_only)
		return 0;
	l->f_hb_loss = v ? v->idx + 1 : -1;
	changed(w, l);
	return 0;
}

static int
vm_hbloss_clear(struct world *w, int argc, const char *const *argv, int check_only,
                char *err, size_t errlen)
{
	struct sim_lpar *l;

	(void)argc;
	if (kind_arg(w, argv[0], 0, &l, err, errlen) == -1)
		return -1;
	if (check_only)
		return 0;
	l->f_hb_loss = 0;
	changed(w, l);
	return 0;
}

static const struct simfault_kind kinds[] = {
	{ "hmc-down", 1, 1, hmc_down_apply, hmc_down_clear, 1, "HMC|all",
	  "HMC stops listening and drops its connections" },
	{ "hmc-slow", 2, 2, hmc_slow_apply, hmc_slow_clear, 1, "HMC|all MS",
	  "every response of HMC is delayed by MS milliseconds" },
	{ "http-error", 2, 3, http_error_apply, http_error_clear, 1, "HMC|all CODE [COUNT]",
	  "the next COUNT (default 1; -1 or forever: until cleared) requests get HTTP CODE" },
	{ "job-fail", 3, 4, job_fail_apply, job_fail_clear, 2,
	  "HMC|all OPERATION HSCLCODE [COUNT]",
	  "the next COUNT jobs of OPERATION (or any) end COMPLETED_WITH_ERROR with HSCLCODE" },
	{ "host-power-off", 1, 1, host_power_off_apply, host_clear, 1, "HOST",
	  "host loses power: state power off, its partitions not available, its VIOSs "
	  "CAA DOWN (NODE_DOWN events), their HMs and its VMs' agents silent" },
	{ "host-power-on", 1, 2, host_power_on_apply, NULL, 0, "HOST [restart-stale]",
	  "host back to operating: VIOSs running, LPARs not activated (stale ones "
	  "running with restart-stale)" },
	{ "host-state", 2, 3, host_state_apply, host_clear, 1, "HOST STATE [restart-stale]",
	  "set the host state (no_connection and initializing leave partitions as they are)" },
	{ "rmc-down", 1, 1, rmc_down_apply, rmc_up_apply, 1, "PARTITION",
	  "the HMC loses RMC to the partition: ResourceMonitoringControlState inactive, "
	  "Migrate/MigrateValidate fail HSCL2957" },
	{ "rmc-up", 1, 1, rmc_up_apply, NULL, 0, "PARTITION",
	  "RMC to the partition is back (active again while it runs)" },
	{ "vios-down", 1, 1, vios_down_apply, vios_down_clear, 1, "VIOS",
	  "VIOS crashes: LPAR error, CAA DOWN reason 0, NODE_DOWN event, its HM silent "
	  "(clear: running, UP, NODE_UP, HM restarts)" },
	{ "vios-shutdown", 1, 1, vios_shutdown_apply, vios_down_clear, 1, "VIOS",
	  "VIOS shut down in order: not activated, CAA DOWN reason 0x40 NODE_SHUTDOWN" },
	{ "hm-stop", 1, 1, hm_stop_apply, hm_stop_clear, 1, "VIOS",
	  "the VIOS's Host Monitor stops: hmResponseSec grows, hmResponsive 0 past 90 s "
	  "(clear: restarts with a new identifier)" },
	{ "vm-crash", 1, 1, vm_crash_apply, vm_crash_clear, 1, "VM",
	  "VM stops: not activated, D200A200 without word3, agent and address silent" },
	{ "vm-hang", 1, 1, vm_hang_apply, vm_hang_clear, 1, "VM",
	  "VM's agent stops heartbeating; LPAR running, OS refcode, still pingable" },
	{ "vm-shutdown", 1, 2, vm_shutdown_apply, vm_shutdown_clear, 1, "VM [word3=TEXT]",
	  "orderly OS shutdown: not activated, D200A200 with word3 (default 0000000A)" },
	{ "vm-sms", 1, 1, vm_sms_apply, vm_sms_clear, 1, "VM",
	  "VM restarted into SMS: open firmware, boot mode sms, agent silent" },
	{ "vm-unpingable", 1, 1, vm_unping_apply, vm_unping_clear, 1, "VM",
	  "VM's address stops answering ping (really only with --ping-netdev)" },
	{ "vm-lpm-hang", 1, 1, vm_lpm_apply, vm_lpm_clear, 1, "VM",
	  "VM hangs in migration: migrating running, agent and address silent" },
	{ "vm-hb-loss", 1, 2, vm_hbloss_apply, vm_hbloss_clear, 1, "VM [VIOS]",
	  "the HM of VIOS (default: every HM) hears no heartbeat of VM (adapter lost)" },
};

const struct simfault_kind *
simfault_find(const char *kind)
{
	size_t i;

	for (i = 0; kind && i < NELEM(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

int
simfault_exec(struct world *w, int clear, int argc, const char *const *argv,
            int check_only, char *err, size_t errlen)
{
	const char *verb = clear ? "clear" : "fault";
	const struct simfault_kind *k;
	char detail[512];
	int nargs = argc - 1, i, off = 0;

	if (argc < 1 || !argv[0]) {
		snprintf(err, errlen, "usage: %s KIND NAME [ARGS] (try 'help')", verb);
		return -1;
	}
	k = simfault_find(argv[0]);
	if (!k) {
		snprintf(err, errlen, "unknown fault kind '%s' (try 'help')", argv[0]);
		return -1;
	}
	if (clear && !k->clear) {
		snprintf(err, errlen, "fault %s cannot be cleared", k->kind);
		return -1;
	}
	/* clear takes NAME and optional extra words only where the kind says so. */
	if (nargs < 1 || (!clear && nargs < k->min_args) ||
	    (!clear && nargs > k->max_args) || (clear && nargs > k->clear_max_args)) {
		if (clear)
			snprintf(err, errlen, "usage: clear %s NAME%s", k->kind,
			         k->clear_max_args > 1 ? " [OPERATION]" : "");
		else
			snprintf(err, errlen, "usage: fault %s %s", k->kind, k->usage);
		return -1;
	}
	if ((clear ? k->clear : k->apply)(w, nargs, argv + 1, check_only, err,
	                                  errlen) == -1)
		return -1;
	if (check_only)
		return 0;
	detail[0] = '\0';
	for (i = 1; i < argc && off < (int)sizeof detail - 1; i++) {
		int n = snprintf(detail + off, sizeof detail - (size_t)off, "%s%s",
		                 i > 1 ? " " : "", argv[i]);
		if (n < 0)
			break;
		off += n;
	}
	log_msg(LOGL_NOTICE, "fault", "event=%s kind=%s args=\"%s\"",
	        clear ? "clear" : "inject", k->kind, detail);
	return 0;
}

void
simfault_help(struct buf *out)
{
	size_t i;

	for (i = 0; i < NELEM(kinds); i++)
		buf_printf(out, "fault %s %s  -- %s%s\n", kinds[i].kind, kinds[i].usage,
		           kinds[i].help, kinds[i].clear ? " (clear: yes)" : "");
}


void
simfault_show(struct world *w, struct buf *out)
{
	char st[48];
	size_t i;

	for (i = 0; i < w->n_hmcs; i++) {
		const struct sim_hmc *h = &w->hmcs[i];
		if (h->down)
			buf_printf(out, "hmc-down %s\n", h->name);
		if (h->slow_ms)
			buf_printf(out, "hmc-slow %s %d\n", h->name, h->slow_ms);
		if (h->http_error_code && h->http_error_count)
			buf_printf(out, "http-error %s %d %d\n", h->name, h->http_error_code,
			           h->http_error_count);
	}
	for (i = 0; i < w->n_jobfail; i++) {
		const struct sim_jobfail *f = &w->jobfail[i];
		buf_printf(out, "job-fail %s %s %s %d\n",
		           f->hmc >= 0 && (size_t)f->hmc < w->n_hmcs ? w->hmcs[f->hmc].name :
		           "all", strcmp(f->operation, "*") == 0 ? "any" : f->operation,
		           f->hscl, f->remaining);
	}
	for (i = 0; i < w->n_hosts; i++) {
		if (w->hosts[i].state == SIM_HOST_OPERATING)
			continue;
		world_state_word(world_host_state_name(w->hosts[i].state), st, sizeof st);
		buf_printf(out, "host-state %s %s\n", w->hosts[i].name, st);
	}
	for (i = 0; i < w->n_lpars; i++)
		if (w->lpars[i].rmc_inactive)
			buf_printf(out, "rmc-down %s\n", w->lpars[i].name);
	for (i = 0; i < w->n_lpars; i++) {
		const struct sim_lpar *l = &w->lpars[i];
		if (l->f_vios_down)
			buf_printf(out, "%s %s\n", l->f_vios_down == 1 ? "vios-down" :
			           "vios-shutdown", l->name);
		if (l->f_hm_stop)
			buf_printf(out, "hm-stop %s\n", l->name);
		if (l->f_crash)
			buf_printf(out, "vm-crash %s\n", l->name);
		if (l->f_hang)
			buf_printf(out, "vm-hang %s\n", l->name);
		if (l->f_shutdown)
			buf_printf(out, "vm-shutdown %s word3=%s\n", l->name, l->f_word3);
		if (l->f_sms)
			buf_printf(out, "vm-sms %s\n", l->name);
		if (l->f_unpingable)
			buf_printf(out, "vm-unpingable %s\n", l->name);
		if (l->f_lpm_hang)
			buf_printf(out, "vm-lpm-hang %s\n", l->name);
		if (l->f_hb_loss)
			buf_printf(out, "vm-hb-loss %s%s%s\n", l->name, l->f_hb_loss > 0 ? " " : "",
			           l->f_hb_loss > 0 && (size_t)(l->f_hb_loss - 1) < w->n_lpars ?
			           w->lpars[l->f_hb_loss - 1].name : "");
	}
}

/* ---- timeline ---- */

struct tl_entry {
	ev_timer timer;                 /* first: the callback casts back */
	struct simfault_timeline *tl;
	struct simfault_event ev;
	int fired;
};

struct simfault_timeline {
	struct world *w;
	size_t n, done;
	struct tl_entry *e;
};

static void
tl_fire(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct tl_entry *e = (struct tl_entry *)t;
	const char *argv[SIMFAULT_MAX_ARGS];
	char err[512];
	int i;

	(void)loop;
	(void)revents;
	loop_note("fault timeline");
	for (i = 0; i < e->ev.argc && i < SIMFAULT_MAX_ARGS; i++)
		argv[i] = e->ev.argv[i];
	e->fired = 1;
	e->tl->done++;
	if (simfault_exec(e->tl->w, e->ev.clear, e->ev.argc, argv, 0, err,
	                sizeof err) == -1)
		log_msg(LOGL_WARN, "fault", "event=timeline_failed where=%s at=%g "
		        "error=\"%s\"", e->ev.where, e->ev.at, err);
	else
		log_msg(LOGL_INFO, "fault", "event=timeline where=%s at=%g kind=%s",
		        e->ev.where, e->ev.at, e->ev.argc ? e->ev.argv[0] : "");
}

struct simfault_timeline *
simfault_timeline_start(struct world *w, const struct simfault_event *ev, size_t n)
{
	struct simfault_timeline *t = calloc(1, sizeof *t);
	size_t i;

	if (!t)
		return NULL;
	t->w = w;
	t->n = n;
	if (n) {
		t->e = calloc(n, sizeof *t->e);
		if (!t->e) {
			free(t);
			return NULL;
		}
	}
	for (i = 0; i < n; i++) {
		struct tl_entry *e = &t->e[i];
		e->tl = t;
		e->ev = ev[i];
		ev_timer_init(&e->timer, tl_fire, tscale_secs(ev[i].at < 0 ? 0 : ev[i].at), 0);
		if (w->loop)
			ev_timer_start(w->loop, &e->timer);
	}
	return t;
}

size_t
simfault_timeline_done(const struct simfault_timeline *t)
{
	return t ? t->done : 0;
}

void
simfault_timeline_free(struct simfault_timeline *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		if (t->w->loop)
			ev_timer_stop(t->w->loop, &t->e[i].timer);
	free(t->e);
	free(t);
}
