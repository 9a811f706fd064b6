/* hmc-jobs — throughput and cost of the HMC client running many jobs.
 *
 * Starts hmcsim (from $KSYS_BIN, else ./bin) on ephemeral loopback ports
 * with a high --time-scale, then runs N jobs (half PassThroughInterface on
 * the VIOSs, half PowerOff/PowerOn chains on the LPARs) through one hmc_set
 * on one loop, with the client's own concurrency caps, and prints jobs/s,
 * client CPU ms per job, the client's peak RSS and the wall time.  The
 * client runs at the same time scale, so polls per job stay realistic.
 * A benchmark, not a test: it asserts nothing about speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hmc.h"
#include "log.h"
#include "loop.h"
#include "tscale.h"
#include "xmlu.h"

#define QQ_XML "<?xml version=\"1.0\"?>\n" \
	"<VIO xmlns=\"http://ausgsa.austin.ibm.com/projects/v/vios/schema/vioHADR2.00\" " \
	"version=\"2.00\" author=\"LIBKREST\" title=\"Req Quick Query\">\n" \
	"  <Request action_str=\"VIO_HS_QUICK_QUERY\"/>\n</VIO>\n"

struct chain {                          /* PowerOff/PowerOn on one LPAR */
	struct bench *b;
	const struct hmc_lpar *lpar;
	int next_on;                    /* next job is PowerOn */
	double t0;
};

struct bench {
	struct ev_loop *loop;
	struct hmc_set *set;
	double scale;
	long n, n_pt, n_pw;
	long pt_done, pw_started, pw_done, ok, failed;
	int verbose;
	char hmc_addr[2][64];
	int hmc_port[2];
	char pin[256];
	struct hmc_lpar *vioses, *lpars;
	size_t n_vioses, n_lpars;
	int feeds_pending;
	struct chain *chains;
	size_t n_chains;
	double *lat;                    /* per-job latency, ms */
	long n_lat;
	double t_start, t_end;
	struct rusage ru0, ru1;
	int stopped;
	char first_err[512];
};

static struct bench B;

static double
now_ms(void)
{
	return loop_mono_ms();
}

static int
rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void
record(struct bench *b, const struct hmc_error *err, double t0)
{
	if (err) {
		b->failed++;
		if (!b->first_err[0])
			snprintf(b->first_err, sizeof(b->first_err), "%s: %s",
			         hmc_errc_name(err->code), err->msg);
	} else {
		b->ok++;
	}
	b->lat[b->n_lat++] = now_ms() - t0;
}

static void
shutdown_done(void *arg)
{
	struct bench *b = arg;

	b->stopped = 1;
	ev_break(b->loop, EVBREAK_ALL);
}

static void
maybe_finish(struct bench *b)
{
	if (b->pt_done < b->n_pt || b->pw_done < b->n_pw)
		return;
	b->t_end = now_ms();
	getrusage(RUSAGE_SELF, &b->ru1);
	hmc_set_shutdown(b->set, shutdown_done, b);
}

static void chain_next(struct chain *c);

static void
chain_done(void *arg, const struct hmc_error *err, const struct hmc_job_reply *r)
{
	struct chain *c = arg;
	struct bench *b = c->b;

	(void)r;
	record(b, err, c->t0);
	b->pw_done++;
	if (err && b->verbose)
		fprintf(stderr, "hmc-jobs: %s on %s: %s\n", c->next_on ? "PowerOn" :
		        "PowerOff", c->lpar->name, err->msg);
	if (!err)
		c->next_on = !c->next_on;
	chain_next(c);
	maybe_finish(b);
}

static void
chain_next(struct chain *c)
{
	struct bench *b = c->b;
	struct hmc_job_spec spec = { 0 };
	struct hmc_param off[] = { { (char *)"operation", (char *)"shutdown" },
	                           { (char *)"immediate", (char *)"true" } };

	if (b->pw_started >= b->n_pw)
		return;
	b->pw_started++;
	spec.group = "LogicalPartition";
	spec.target_uuid = c->lpar->uuid;
	spec.host_uuid = c->lpar->ms_uuid;
	spec.operation = c->next_on ? "PowerOn" : "PowerOff";
	if (!c->next_on) {
		spec.params = off;
		spec.n_params = 2;
	}
	c->t0 = now_ms();
	hmc_job_run(b->set, &spec, NULL, chain_done, c);
}

struct pt_ctx {
	struct bench *b;
	double t0;
};

static void
pt_done(void *arg, const struct hmc_error *err, const struct hmc_passthru_result *r)
{
	struct pt_ctx *p = arg;
	struct bench *b = p->b;

	if (!err && r && r->cmd_rc > 0) {
		static const struct hmc_error e = { HMC_EJOB, 0, "", "VIOS command failed" };
		err = &e;
	}
	record(b, err, p->t0);
	b->pt_done++;
	free(p);
	maybe_finish(b);
}

static void
start_workload(struct bench *b)
{
	size_t i, n_run = 0;
	long k;

	for (i = 0; i < b->n_lpars; i++)
		if (strcmp(b->lpars[i].state, "running") == 0 ||
		    strcmp(b->lpars[i].state, "not activated") == 0)
			n_run++;
	if (!b->n_vioses || !n_run) {
		fprintf(stderr, "hmc-jobs: the simulator shows %zu VIOSs and %zu usable "
		        "LPARs; need both\n", b->n_vioses, n_run);
		b->failed = b->n;
		hmc_set_shutdown(b->set, shutdown_done, b);
		return;
	}
	b->chains = calloc(n_run, sizeof(*b->chains));
	for (i = 0; i < b->n_lpars; i++) {
		const struct hmc_lpar *l = &b->lpars[i];
		if (strcmp(l->state, "running") != 0 && strcmp(l->state, "not activated") != 0)
			continue;
		b->chains[b->n_chains].b = b;
		b->chains[b->n_chains].lpar = l;
		b->chains[b->n_chains].next_on = strcmp(l->state, "running") != 0;
		b->n_chains++;
	}
	getrusage(RUSAGE_SELF, &b->ru0);
	b->t_start = now_ms();
	/* interleave: every chain starts, then the pass-through jobs, all of
	 * them at once: the client's caps queue what does not fit */
	for (i = 0; i < b->n_chains; i++)
		chain_next(&b->chains[i]);
	for (k = 0; k < b->n_pt; k++) {
		const struct hmc_lpar *v = &b->vioses[(size_t)k % b->n_vioses];
		struct pt_ctx *p = calloc(1, sizeof(*p));
		p->b = b;
		p->t0 = now_ms();
		hmc_passthru(b->set, v->uuid, v->ms_uuid, QQ_XML, 0, pt_done, p);
	}
	maybe_finish(b);
}

static void
feed_cb(void *arg, const struct hmc_error *err, struct hmc_feed *f)
{
	struct bench *b = arg;

	if (err) {
		snprintf(b->first_err, sizeof(b->first_err), "inventory: %s", err->msg);
	} else if (f->obj == HMC_OBJ_VIOS) {
		b->vioses = f->lpars;
		b->n_vioses = f->n;
		f->lpars = NULL;
	} else {
		b->lpars = f->lpars;
		b->n_lpars = f->n;
		f->lpars = NULL;
	}
	if (--b->feeds_pending)
		return;
	if (b->first_err[0]) {
		fprintf(stderr, "hmc-jobs: %s\n", b->first_err);
		b->failed = b->n;
		hmc_set_shutdown(b->set, shutdown_done, b);
		return;
	}
	start_workload(b);
}

static void
pin_cb(void *arg, const struct hmc_error *err, const char *pin)
{
	struct bench *b = arg;
	struct hmc_read rq = { 0 };
	char e[256];
	int i;

	if (err) {
		fprintf(stderr, "hmc-jobs: fingerprint: %s\n", err->msg);
		b->failed = b->n;
		hmc_set_shutdown(b->set, shutdown_done, b);
		return;
	}
	snprintf(b->pin, sizeof(b->pin), "%s", pin);
	for (i = 0; i < 2; i++) {
		struct hmc_config c;
		char name[16];
		snprintf(name, sizeof(name), "hmc%d", i + 1);
		hmc_config_init(&c);
		c.name = name;
		c.host = b->hmc_addr[i];
		c.port = b->hmc_port[i];
		c.user = "hscroot";
		c.password = "abc123";
		c.pin = b->pin;
		if (hmc_set_add(b->set, &c, e, sizeof(e)) == -1) {
			fprintf(stderr, "hmc-jobs: %s\n", e);
			b->failed = b->n;
			hmc_set_shutdown(b->set, shutdown_done, b);
			return;
		}
	}
	hmc_set_start(b->set);
	b->feeds_pending = 2;
	rq.obj = HMC_OBJ_VIOS;
	hmc_read(b->set, &rq, feed_cb, b);
	rq.obj = HMC_OBJ_LPAR;
	hmc_read(b->set, &rq, feed_cb, b);
}

/* Starts hmcsim with stdout in dir/sim.out; waits (bounded) for its ready
 * line and parses the two HMC addresses.  Returns the pid or -1. */
static pid_t
start_sim(struct bench *b, const char *bin, const char *dir)
{
	char path[4096], ctl[4200], state[4200], out[4200], errp[4200], scale[32];
	char line[1024];
	pid_t pid;
	int i;

	snprintf(path, sizeof(path), "%s/hmcsim", bin);
	snprintf(ctl, sizeof(ctl), "%s/ctl.sock", dir);
	snprintf(state, sizeof(state), "%s/sim", dir);
	snprintf(out, sizeof(out), "%s/sim.out", dir);
	snprintf(errp, sizeof(errp), "%s/sim.err", dir);
	snprintf(scale, sizeof(scale), "%g", b->scale);
	if (access(path, X_OK) == -1) {
		fprintf(stderr, "hmc-jobs: %s: %s (set KSYS_BIN)\n", path, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0) {
		int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fo == -1 || fe == -1)
			_exit(127);
		dup2(fo, 1);
		dup2(fe, 2);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execl(path, path, "-l", "127.0.0.1:0", "--ctl", ctl, "--state-dir",
		      state, "--time-scale", scale, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 400; i++) {         /* 20 s */
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		FILE *f = fopen(out, "r");
		if (f) {
			while (fgets(line, sizeof(line), f))
				if (strncmp(line, "hmcsim ready", 12) == 0) {
					char *h1 = strstr(line, " hmc1="), *h2 = strstr(line, " hmc2=");
					fclose(f);
					if (!h1 || !h2 ||
					    sscanf(h1 + 6, "%63[^:]:%d", b->hmc_addr[0], &b->hmc_port[0]) != 2 ||
					    sscanf(h2 + 6, "%63[^:]:%d", b->hmc_addr[1], &b->hmc_port[1]) != 2) {
						fprintf(stderr, "hmc-jobs: cannot parse: %s", line);
						goto fail;
					}
					return pid;
				}
			fclose(f);
		}
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			fprintf(stderr, "hmc-jobs: hmcsim exited early; see its stderr\n");
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "hmc-jobs: hmcsim not ready within 20 s\n");
fail:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void
stop_sim(pid_t pid)
{
	int i;

	kill(pid, SIGTERM);
	for (i = 0; i < 100; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
tv_ms(const struct timeval *t)
{
	return t->tv_sec * 1000.0 + t->tv_usec / 1000.0;
}

int
main(int argc, char **argv)
{
	struct bench *b = &B;
	const char *bin = getenv("KSYS_BIN");
	char dir[] = "/tmp/ksys-bench.XXXXXX";
	char err[512];
	pid_t sim;
	int ch, rc = 1;

	b->n = 2000;
	b->scale = 100;
	while ((ch = getopt(argc, argv, "n:s:vh")) != -1) {
		switch (ch) {
		case 'n':
			b->n = strtol(optarg, NULL, 10);
			if (b->n < 2 || b->n > 10000000) {
				fprintf(stderr, "hmc-jobs: -n takes 2..10000000\n");
				return 2;
			}
			break;
		case 's':
			if (tscale_parse(optarg, err, sizeof(err)) == -1) {
				fprintf(stderr, "hmc-jobs: %s\n", err);
				return 2;
			}
			b->scale = tscale_get();
			break;
		case 'v':
			b->verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: hmc-jobs [-n JOBS] [-s TIME_SCALE] [-v]\n"
			        "  KSYS_BIN names the directory holding hmcsim (default ./bin)\n");
			return ch == 'h' ? 0 : 2;
		}
	}
	if (!bin || !*bin)
		bin = "./bin";
	tscale_set(b->scale);
	b->n_pt = b->n / 2;
	b->n_pw = b->n - b->n_pt;
	b->lat = calloc((size_t)b->n, sizeof(double));
	log_init("hmc-jobs", NULL, NULL, 0);
	log_set_level(b->verbose ? "info" : "warn", NULL, 0);
	xmlu_init();
	if (!mkdtemp(dir)) {
		perror("hmc-jobs: mkdtemp");
		return 1;
	}
	sim = start_sim(b, bin, dir);
	if (sim == -1)
		goto out;

	b->loop = loop_init(NULL);
	{
		struct hmc_set_opts so = { 0 };
		so.audit_memento = "hmc-jobs";
		b->set = hmc_set_new(b->loop, &so, err, sizeof(err));
	}
	if (!b->set) {
		fprintf(stderr, "hmc-jobs: %s\n", err);
		stop_sim(sim);
		goto out;
	}
	hmc_fetch_pin(b->set, b->hmc_addr[0], b->hmc_port[0], pin_cb, b);
	ev_run(b->loop, 0);
	stop_sim(sim);

	if (b->ok + b->failed > 0 && b->t_end > 0) {
		double wall = (b->t_end - b->t_start) / 1000.0;
		double cpu = tv_ms(&b->ru1.ru_utime) + tv_ms(&b->ru1.ru_stime) -
		             tv_ms(&b->ru0.ru_utime) - tv_ms(&b->ru0.ru_stime);
		long done = b->ok + b->failed;
		qsort(b->lat, (size_t)b->n_lat, sizeof(double), cmp_d);
		printf("hmc-jobs: jobs=%ld ok=%ld failed=%ld passthrough=%ld power=%ld "
		       "hmcs=2 time_scale=%g\n", done, b->ok, b->failed, b->n_pt,
		       b->n_pw, b->scale);
		printf("hmc-jobs: wall_s=%.3f jobs_per_s=%.1f cpu_ms_per_job=%.3f "
		       "peak_rss_kb=%ld\n", wall, wall > 0 ? done / wall : 0.0,
		       cpu / (double)done, b->ru1.ru_maxrss);
		printf("hmc-jobs: latency_ms p50=%.1f p90=%.1f p99=%.1f max=%.1f "
		       "slow_iterations=%lu max_iteration_ms=%.1f\n",
		       b->lat[b->n_lat / 2], b->lat[b->n_lat * 9 / 10],
		       b->lat[b->n_lat * 99 / 100], b->lat[b->n_lat - 1],
		       loop_slow_count(), loop_slow_max_ms());
		if (b->failed)
			fprintf(stderr, "hmc-jobs: first failure: %s\n", b->first_err);
		rc = b->failed ? 1 : 0;
	} else {
		fprintf(stderr, "hmc-jobs: no job ran%s%s\n", b->first_err[0] ? ": " : "",
		        b->first_err);
	}
	if (b->stopped)
		hmc_set_free(b->set);
out:
	free(b->vioses);
	free(b->lpars);
	free(b->chains);
	free(b->lat);
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
