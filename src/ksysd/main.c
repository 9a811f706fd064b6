/* ksysd — the ksys controller daemon: startup, signals, wiring.
 *
 * At this stage ksysd loads its configuration, logs on to every configured
 * HMC through the asynchronous client (hmc.h), has each HMC's inventory read
 * and kept (inventory.h: one summary line per HMC and per host), keeps
 * probing, and logs off on SIGTERM/SIGINT.  It serves ksysmgr on the
 * control socket (ctl.h, the grammar in cmd.h).  It never forks (run it
 * under systemd, Type=simple).
 * HMCs come from the store (ksysmgr add hmc) and from hmc{} in the
 * configuration file, which are written to the store at start.  Health
 * monitoring (monitor.h) polls every READY host group; its thresholds come
 * from lua/ksys/detect.lua and /etc/ksys/policy.d/detect.lua (luaparams.h).
 * Not yet here: recovery.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "action.h"
#include "cmd.h"
#include "config.h"
#include "core.h"
#include "ctl.h"
#include "hmc.h"
#include "disc.h"
#include "inventory.h"
#include "luaparams.h"
#include "monitor.h"
#include "ping.h"
#include "sched.h"
#include "store.h"
#include "log.h"
#include "loop.h"
#include "tscale.h"
#include "xmlu.h"

#ifndef KSYS_VERSION
#define KSYS_VERSION "0.1.0"
#endif

#define KSYSD_DEFAULT_STATEDIR "/var/ksys"
#define KSYSD_DEFAULT_SOCKET   "/run/ksys/ksysd.sock"
#define SHUTDOWN_BOUND         5.0     /* real seconds for logoff */

enum ksysd_exit {
	KSYSD_EXIT_OK = 0,
	KSYSD_EXIT_FAIL = 1,            /* config or startup error */
	KSYSD_EXIT_USAGE = 2,
};

struct ksysd;

struct ksysd {
	struct ev_loop *loop;
	struct config cfg;
	struct hmc_set *hmcs;
	struct ctl *ctl;                /* control socket, NULL once stopped */
	struct store *store;            /* STATEDIR/ksys.db */
	struct core core;               /* what handlers share (core.h) */
	struct fde_params fde;          /* detection thresholds (luaparams.h) */
	char fde_err[1024];             /* why the override was not used, "" */
	int stopping;
	int stopped;                    /* hmc_set_shutdown's done fired */
	ev_timer watchdog;              /* bounds the shutdown */
	int exit_code;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ksysd [-f] [-d STATEDIR] [-s SOCKET] [-c CONFIG.lua] "
	    "[-P POLICYDIR] [--time-scale N] [-t] [-l LEVELSPEC]\n"
	    "       ksysd -h | -V\n"
	    "\n"
	    "  -f            stay attached, log to stderr (else STATEDIR/ksysd.log)\n"
	    "  -d STATEDIR   state directory (default %s)\n"
	    "  -s SOCKET     control socket (default %s)\n"
	    "  -c CONFIG     configuration file (default %s)\n"
	    "  -P POLICYDIR  administrators' Lua overrides (default /etc/ksys/policy.d)\n"
	    "  --time-scale N  divide every interval by N (tests, demo)\n"
	    "  -t            check the configuration and exit 0 or 1\n"
	    "  -l LEVELSPEC  log level, e.g. info or info,http=debug\n"
	    "  -h            this help; -V version\n",
	    KSYSD_DEFAULT_STATEDIR, KSYSD_DEFAULT_SOCKET, CONFIG_DEFAULT_PATH);
}

/* The client logs up/down transitions itself; the inventory re-reads an HMC
 * that comes (back) up. */
static void
on_hmc_state(void *arg, const char *hmc, int up, const char *err)
{
	struct ksysd *d = arg;

	(void)err;
	if (d->core.inv)
		inventory_hmc_state(d->core.inv, hmc, up);
}

/* ---- control socket: live state for cmd.c ---- */
static size_t
src_hmc_count(void *arg)
{
	struct ksysd *d = arg;
	return hmc_set_count(d->hmcs);
}

static int
src_hmc_row(void *arg, size_t i, struct cmd_hmc_row *out)
{
	struct ksysd *d = arg;
	struct store_hmc h;
	struct hmc_status st;
	char err[256];

	if (hmc_set_status(d->hmcs, i, &st) == -1)
		return -1;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", st.name);
	/* address and login as stored (ksysmgr add hmc or the file's hmc{}) */
	if (store_hmc_get(d->store, st.name, &h, err, sizeof(err)) == 0) {
		snprintf(out->ip, sizeof(out->ip), "%s", h.address);
		out->port = h.port;
		snprintf(out->login, sizeof(out->login), "%s", h.user);
		explicit_bzero(h.password, sizeof(h.password));
	}
	out->up = st.up;
	out->logged_on = st.logged_on;
	snprintf(out->last_error, sizeof(out->last_error), "%s", st.last_error);
	return 0;
}

/* Sends each line of b as an O (or E) line of req. */
static void
ctl_lines(struct ctl_req *req, const struct buf *b, int to_err)
{
	const char *p = buf_str(b), *nl;
	int n;

	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (int)(nl - p) : (int)strlen(p);
		if (to_err)
			ctl_err(req, "%.*s", n, p);
		else
			ctl_out(req, "%.*s", n, p);
		p += n + (nl != NULL);
	}
}

/* A configuration change through ksysmgr: monitoring applies it at once. */
static void
on_config_changed(void *arg)
{
	struct ksysd *d = arg;

	if (d->core.monitor && !d->core.stopping)
		monitor_refresh(d->core.monitor);
}

/* cmd_io on a ctl_req: asynchronous answers go straight to the socket. */
static void
io_line(void *ctx, char stream, double when, const char *text)
{
	struct ctl_req *req = ctx;

	if (stream == 'E')
		ctl_err(req, "%s", text);
	else if (stream == 'P')
		ctl_progress_at(req, (time_t)when, "%s", text);
	else
		ctl_out(req, "%s", text);
}

static void
io_end(void *ctx, int status)
{
	ctl_end(ctx, status);
}

static void
on_ctl_request(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct ksysd *d = arg;
	struct cmd_source src = { src_hmc_count, src_hmc_row, d, d->store, &d->core,
	                          on_config_changed };
	struct cmd_io io = { io_line, io_end, req };
	struct buf out = { 0 }, err = { 0 };
	int rc;

	rc = cmd_run(&src, argc, argv, &out, &err, &io);
	if (rc != CMD_PENDING) {
		ctl_lines(req, &out, 0);
		ctl_lines(req, &err, 1);
		ctl_end(req, rc);
	}
	buf_free(&out);
	buf_free(&err);
}

static void
shutdown_done(void *arg)
{
	struct ksysd *d = arg;

	log_msg(LOGL_INFO, "main", "event=stopped");
	d->stopped = 1;
	ev_timer_stop(d->loop, &d->watchdog);
	ev_break(d->loop, EVBREAK_ALL);
}

static void
watchdog_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ksysd *d = (struct ksysd *)((char *)w - offsetof(struct ksysd, watchdog));

	(void)revents;
	d->exit_code = KSYSD_EXIT_FAIL;
	log_msg(LOGL_ERROR, "main", "event=shutdown_timeout "
	        "msg=\"HMC logoff did not finish in time; exiting anyway\"");
	ev_break(loop, EVBREAK_ALL);
}

static void
on_stop(struct ev_loop *loop, int signum, void *arg)
{
	struct ksysd *d = arg;

	if (d->stopping) {
		log_msg(LOGL_WARN, "main", "event=stop_forced signal=%d", signum);
		d->exit_code = KSYSD_EXIT_FAIL;
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	d->stopping = 1;
	d->core.stopping = 1;
	log_msg(LOGL_INFO, "main", "event=stopping signal=%d", signum);
	ctl_free(d->ctl);               /* stop serving, remove the socket */
	d->ctl = NULL;
	ev_timer_init(&d->watchdog, watchdog_cb, tscale_secs(SHUTDOWN_BOUND) + 2.0, 0.);
	ev_timer_start(loop, &d->watchdog);
	hmc_set_shutdown(d->hmcs, shutdown_done, d);
}

static void
on_reload(struct ev_loop *loop, void *arg)
{
	(void)loop;
	(void)arg;
	log_reopen();
	log_msg(LOGL_NOTICE, "main", "event=reload msg=\"log file reopened; "
	        "configuration reload is not supported yet, restart ksysd\"");
}

static int
ensure_dir(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create state directory %s: %s",
		         path, strerror(errno));
		return -1;
	}
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "state directory %s is not a directory", path);
		return -1;
	}
	return 0;
}

/* Every HMC of the store joins the client at start. */
struct hmc_load {
	struct ksysd *d;
	size_t n;
	int failed;
};

static int
load_hmc_cb(const struct store_hmc *h, void *arg)
{
	struct hmc_load *hl = arg;
	struct hmc_config hc;
	char err[512];

	hmc_config_init(&hc);
	hc.name = h->name;
	hc.host = h->address;
	hc.port = h->port;
	hc.user = h->user;
	hc.password = h->password;
	hc.pin = h->pin[0] ? h->pin : NULL;
	hc.ca_file = h->cafile[0] ? h->cafile : NULL;
	hc.tls_verify = h->tls_verify;
	hc.max_requests = hl->d->cfg.settings.max_requests_per_hmc;
	hc.max_jobs = hl->d->cfg.settings.max_jobs_per_hmc;
	if (hmc_set_add(hl->d->hmcs, &hc, err, sizeof(err)) == -1) {
		const struct config_hmc *c = config_hmc_find(&hl->d->cfg, h->name);
		log_msg(LOGL_ERROR, "main", "event=start_failed hmc=%s error=\"%s: %s\"",
		        h->name, c ? c->where : "ksys.db", err);
		hl->failed = 1;
		return 1;
	}
	if (!h->tls_verify)
		log_msg(LOGL_WARN, "main", "event=tls_unverified hmc=%s "
		        "msg=\"tls_verify=false: the HMC's identity is not "
		        "checked; pin its key instead\"", h->name);
	hl->n++;
	return 0;
}

/* hmc{} entries of the configuration file are written to the store at each
 * start (the file wins for the names it defines), so the store holds the one
 * list of HMCs; ksysmgr refuses to modify or delete those. */
static int
import_config_hmcs(struct ksysd *d, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < d->cfg.n_hmcs; i++) {
		const struct config_hmc *c = &d->cfg.hmcs[i];
		struct store_hmc h;
		char e[512];

		memset(&h, 0, sizeof(h));
		snprintf(h.name, sizeof(h.name), "%s", c->name);
		snprintf(h.address, sizeof(h.address), "%s", c->address);
		h.port = c->port;
		snprintf(h.user, sizeof(h.user), "%s", c->user);
		snprintf(h.password, sizeof(h.password), "%s", c->password ? c->password : "");
		snprintf(h.pin, sizeof(h.pin), "%s", c->pin);
		snprintf(h.cafile, sizeof(h.cafile), "%s", c->cafile);
		h.tls_verify = c->tls_verify;
		if (store_hmc_put(d->store, &h, STORE_UPSERT, e, sizeof(e)) == -1) {
			snprintf(err, errlen, "%.400s: hmc '%s': %.400s", c->where, c->name, e);
			return -1;
		}
	}
	return 0;
}

static int
run(struct ksysd *d, const char *statedir, const char *sockpath)
{
	struct loop_hooks hooks = { on_stop, on_reload, d };
	struct hmc_set_opts so = { 0 };
	char err[512];
	size_t i;

	d->loop = loop_init(&hooks);
	so.probe_interval = d->cfg.settings.probe_interval;
	so.shutdown_bound = SHUTDOWN_BOUND;
	so.audit_memento = "ksysd";
	so.on_state = on_hmc_state;
	so.state_arg = d;
	d->hmcs = hmc_set_new(d->loop, &so, err, sizeof(err));
	if (!d->hmcs) {
		log_msg(LOGL_ERROR, "main", "event=start_failed error=\"%s\"", err);
		return KSYSD_EXIT_FAIL;
	}
	{
		struct hmc_load hl = { d, 0, 0 };

		store_hmc_list(d->store, load_hmc_cb, &hl);
		if (hl.failed)
			return KSYSD_EXIT_FAIL;
	}
	/* every HMC of the set, with its last read from the store; the file's
	 * hosts={} expectations for its own HMCs */
	d->core.inv = inventory_new(d->loop, d->hmcs, d->store,
	                            d->cfg.settings.probe_interval);
	for (i = 0; i < d->cfg.n_hmcs; i++)
		inventory_expect(d->core.inv, &d->cfg.hmcs[i]);
	d->core.loop = d->loop;
	d->core.cfg = &d->cfg;
	d->core.statedir = statedir;
	d->core.store = d->store;
	d->core.hmcs = d->hmcs;
	d->core.actions = actions_new(d->loop, d->store, err, sizeof(err));
	if (!d->core.actions) {
		log_msg(LOGL_ERROR, "main", "event=start_failed error=\"%s\"", err);
		return KSYSD_EXIT_FAIL;
	}
	d->core.disc = disc_new(&d->core, err, sizeof(err));
	if (!d->core.disc) {
		log_msg(LOGL_ERROR, "main", "event=start_failed error=\"%s\"", err);
		return KSYSD_EXIT_FAIL;
	}
	/* arms Quick/Deep Discovery and reruns a discovery a killed ksysd left
	 * interrupted */
	/* ICMP for the detection's evidence.  Without it ksysd still runs:
	 * reading "cannot ping" as "no answer" would relocate VMs whose agent
	 * merely stopped, so VM failures are then not decided (monitor.h) */
	d->core.ping = ping_new(d->loop, err, sizeof(err));
	if (!d->core.ping)
		log_msg(LOGL_WARN, "main", "event=no_icmp error=\"%s\" msg=\"VM failures "
		        "are not decided without ICMP: allow ksysd's group in "
		        "net.ipv4.ping_group_range or give it CAP_NET_RAW\"", err);
	d->core.monitor = monitor_new(&d->core, &d->fde);
	if (d->fde_err[0]) {
		struct store_event ev;
		char e2[256];

		memset(&ev, 0, sizeof(ev));
		snprintf(ev.name, sizeof(ev.name), "POLICY_LOAD_FAILED");
		snprintf(ev.severity, sizeof(ev.severity), "warning");
		snprintf(ev.object_kind, sizeof(ev.object_kind), "policy");
		snprintf(ev.object_name, sizeof(ev.object_name), "detect.lua");
		snprintf(ev.text, sizeof(ev.text), "%.900s; the built-in thresholds are used",
		         d->fde_err);
		if (store_event_add(d->store, &ev, e2, sizeof(e2)) == -1)
			log_msg(LOGL_ERROR, "main", "event=event_lost name=%s error=\"%s\"",
			        ev.name, e2);
	}
	monitor_refresh(d->core.monitor);
	d->core.sched = sched_new(&d->core, err, sizeof(err));
	if (!d->core.sched) {
		log_msg(LOGL_ERROR, "main", "event=start_failed error=\"%s\"", err);
		return KSYSD_EXIT_FAIL;
	}
	d->ctl = ctl_new(d->loop, sockpath, on_ctl_request, d, err, sizeof(err));
	if (!d->ctl) {
		log_msg(LOGL_ERROR, "main", "event=start_failed socket=%s error=\"%s\"",
		        sockpath, err);
		fprintf(stderr, "ksysd: control socket: %s\n", err);
		return KSYSD_EXIT_FAIL;
	}
	log_msg(LOGL_INFO, "main", "event=start version=%s config=%s statedir=%s "
	        "hmcs=%zu time_scale=%g socket=%s socket_served=yes",
	        KSYS_VERSION, d->cfg.path[0] ? d->cfg.path : "(none)", statedir,
	        hmc_set_count(d->hmcs), tscale_get(), sockpath);
	if (hmc_set_count(d->hmcs) == 0)
		log_msg(LOGL_WARN, "main", "event=no_hmcs msg=\"no HMC yet: add one with "
		        "'ksysmgr add hmc' or hmc{} in the configuration file\"");
	hmc_set_start(d->hmcs);
	ev_run(d->loop, 0);
	return d->exit_code;
}

int
main(int argc, char **argv)
{
	enum { OPT_TIME_SCALE = 256 };
	static const struct option longopts[] = {
		{ "time-scale", required_argument, NULL, OPT_TIME_SCALE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *statedir = KSYSD_DEFAULT_STATEDIR;
	const char *sockpath = KSYSD_DEFAULT_SOCKET;
	const char *cfgpath = NULL, *levelspec = NULL;
	char detect_path[4096];
	struct ksysd d;
	char err[1024];
	int ch, fg = 0, check = 0, rc = KSYSD_EXIT_FAIL;

	memset(&d, 0, sizeof(d));
	config_defaults(&d.cfg);
	snprintf(detect_path, sizeof(detect_path), "%s", LUAPARAMS_OVERRIDE);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "fd:s:c:P:tl:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': fg = 1; break;
		case 'd': statedir = optarg; break;
		case 's': sockpath = optarg; break;
		case 'c': cfgpath = optarg; break;
		case 'P':
			if (snprintf(detect_path, sizeof(detect_path), "%s/detect.lua", optarg) >=
			    (int)sizeof(detect_path)) {
				fprintf(stderr, "ksysd: -P: path too long\n");
				return KSYSD_EXIT_USAGE;
			}
			break;
		case 't': check = 1; break;
		case 'l': levelspec = optarg; break;
		case 'h':
			usage(stdout);
			return KSYSD_EXIT_OK;
		case 'V':
			printf("ksysd %s\n", KSYS_VERSION);
			return KSYSD_EXIT_OK;
		case OPT_TIME_SCALE:
			if (tscale_parse(optarg, err, sizeof(err)) == -1) {
				fprintf(stderr, "ksysd: %s\n", err);
				return KSYSD_EXIT_USAGE;
			}
			break;
		default:
			if (optopt && strchr("dscPl", optopt))
				fprintf(stderr, "ksysd: option -%c needs an argument\n", optopt);
			else if (optopt == OPT_TIME_SCALE)
				fprintf(stderr, "ksysd: --time-scale needs a number\n");
			else
				fprintf(stderr, "ksysd: unknown option '%s'\n", argv[optind - 1]);
			fprintf(stderr, "Run 'ksysd -h' for help.\n");
			return KSYSD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ksysd: unexpected argument '%s'\n", argv[optind]);
		fprintf(stderr, "Run 'ksysd -h' for help.\n");
		return KSYSD_EXIT_USAGE;
	}
	if (levelspec && log_set_level(levelspec, err, sizeof(err)) == -1) {
		fprintf(stderr, "ksysd: -l: %s\n", err);
		return KSYSD_EXIT_USAGE;
	}
	xmlu_init();

	/* The default config file may be absent (HMCs come later through
	 * ksysmgr); one named with -c must exist. */
	if (cfgpath || access(CONFIG_DEFAULT_PATH, F_OK) == 0) {
		const char *p = cfgpath ? cfgpath : CONFIG_DEFAULT_PATH;
		if (config_load(p, &d.cfg, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			goto out;
		}
	}
	if (check) {
		printf("%s: ok (%zu HMC%s)\n", d.cfg.path[0] ? d.cfg.path : "(no config)",
		       d.cfg.n_hmcs, d.cfg.n_hmcs == 1 ? "" : "s");
		/* the detection thresholds: built-in detect.lua and the override */
		if (luaparams_load(&d.fde, detect_path, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			goto out;
		}
		if (access(detect_path, F_OK) == 0)
			printf("%s: ok\n", detect_path);
		else
			printf("detect.lua (built-in; no %s): ok\n", detect_path);
		/* the database as ksysd would find it, read-only */
		if (store_check(statedir, err, sizeof(err)) == -1) {
			fprintf(stderr, "ksysd: %s\n", err);
			goto out;
		}
		printf("%s\n", err);
		rc = KSYSD_EXIT_OK;
		goto out;
	}
	if (d.cfg.settings.log_level_set && !levelspec &&
	    log_set_level(d.cfg.settings.log_level, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: log_level: %s\n", d.cfg.path, err);
		goto out;
	}
	if (ensure_dir(statedir, err, sizeof(err)) == -1) {
		fprintf(stderr, "ksysd: %s\n", err);
		goto out;
	}
	if (log_init("ksysd", fg ? NULL : statedir, err, sizeof(err)) == -1) {
		fprintf(stderr, "ksysd: %s\n", err);
		goto out;
	}
	/* The store is opened (created, migrated) before anything is served;
	 * a database from a newer ksysd stops the start with the store's
	 * message, so nothing older ever writes to it. */
	d.store = store_open(statedir, err, sizeof(err));
	if (!d.store) {
		fprintf(stderr, "ksysd: %s\n", err);
		log_msg(LOGL_ERROR, "main", "event=start_failed error=\"%s\"", err);
		goto out;
	}
	log_msg(LOGL_INFO, "store", "event=store_open path=%s schema=%d",
	        store_path(d.store), store_schema_version(d.store));
	/* A broken override must not stop monitoring: the built-in thresholds
	 * decide and an event says why (DESIGN §8.3). */
	if (luaparams_load(&d.fde, detect_path, d.fde_err, sizeof(d.fde_err)) == -1) {
		log_msg(LOGL_ERROR, "main", "event=policy_load_failed error=\"%s\" "
		        "msg=\"using the built-in detect.lua\"", d.fde_err);
		if (luaparams_load(&d.fde, NULL, err, sizeof(err)) == -1) {
			log_msg(LOGL_ERROR, "main", "event=policy_load_failed error=\"%s\" "
			        "msg=\"using the compiled-in defaults\"", err);
			fde_params_default(&d.fde);
		}
	}
	if (import_config_hmcs(&d, err, sizeof(err)) == -1) {
		fprintf(stderr, "ksysd: %s\n", err);
		log_msg(LOGL_ERROR, "main", "event=start_failed error=\"%s\"", err);
		goto out;
	}
	rc = run(&d, statedir, sockpath);
out:
	ctl_free(d.ctl);
	sched_free(d.core.sched);
	monitor_free(d.core.monitor);   /* ends monitor=yes followers */
	ping_free(d.core.ping);
	disc_free(d.core.disc);         /* its actions end as interrupted below */
	actions_free(d.core.actions);
	inventory_free(d.core.inv);
	if (d.store)
		store_close(d.store);
	/* after a forced stop the client may still own callbacks: leave it */
	if (d.hmcs && (d.stopped || !d.stopping))
		hmc_set_free(d.hmcs);
	config_free(&d.cfg);
	log_close();
	return rc;
}
