/* fde-scale — what ksysd's health monitoring costs at scale, and how fast
 * it decides once the evidence is in.
 *
 * Builds a topology of G host groups x H hosts x V VMs (defaults 64 x 24 x
 * 100: 1536 hosts, 3072 VIOSs, 153600 VMs; two shared disks per group seen
 * by every VIOS of the group; -m HMCs in pairs, group g managed by the pair
 * (g-1) % (HMCs/2), default 2 per group up to hmcsim's 32: real HMCs
 * manage tens of hosts, and ksysd reads an HMC's whole LogicalPartition
 * feed at once), starts hmcsim with it and ksysd (from $KSYS_BIN, else
 * ./bin) at one --time-scale (-s), and sets ksysd up the way an
 * administrator would, through ksysmgr: add ksyscluster; add hmc, one at a
 * time (each reads its HMC's inventory); add host for every host (-j at
 * once); add host_group with its disks; modify vm ... ha_monitor=enable for
 * every VM (lists of at most 256 names, -j at once); modify system
 * ha_monitor=enable; discover host_group for every group (-d at once).  A
 * failed add hmc or add host is tried again twice, and counted.  Then it
 * measures, printing one `fde-scale: PHASE key=value ...` line per phase as
 * soon as the phase ends (an interrupted run still shows what it reached):
 *
 *   size        the estate and the cadence (one poll every 20 s scaled per
 *               group; NEEDS_ATTENTION every third);
 *   start       hmcsim's start (it loads the topology) and ksysd's;
 *   setup       wall seconds of each setup step, ksysd's CPU seconds and
 *               peak RSS so far;
 *   discovery   wall seconds of the first discoveries (per group min, avg,
 *               max), ksysd's CPU seconds and peak RSS so far;
 *   monitoring  until every monitored VM reported STARTED (the
 *               VM_MONITOR_STARTED events), then two poll cycles more;
 *   quick_discovery  the next round of the scheduled Quick Discovery (every
 *               3600 s scaled; up to that long to wait), its duration, CPU
 *               and the polls that failed or failed over during it, then
 *               (120 + 60) s scaled so that the polls it held up end before
 *               the steady window (-Q: no wait; the window then says how
 *               many rounds it held);
 *   steady      over -c poll cycles (one cycle = QQ, QQ, NA = 60 s scaled):
 *               ksysd's and hmcsim's CPU % (utime+stime from /proc/PID/stat
 *               over the window; 100 % = one core; saturated= says whether
 *               the two of them used the machine up), RSS, the polls sent
 *               against those expected, skipped (the previous request of the
 *               group still in flight), failed over, failed, and ksysd's
 *               slow loop iterations; ksysd_cpu_pct_unscaled divides by the
 *               time scale: the load at real time if the cost is linear in
 *               the number of polls (an estimate);
 *   detection   `hmcsim ctl fault vm-unpingable` then `vm-hang` on one VM
 *               (the last VM of the last host of group 1), and the time from
 *               the NEEDS_ATTENTION reply whose missedHb crossed the VMFDT
 *               to the decision, split into the ping check (its timeout is
 *               3 s scaled but never under 0.5 s real in ksysd) and the rest;
 *   peak        peak RSS (VmHWM) of both programs, slow iterations and the
 *               longest, total wall time.
 *
 * Detection and ping.  A VM failure needs a VM that stops heartbeating AND
 * stops answering ping.  As root, the run happens in a network namespace of
 * its own (`ip netns add`, a dummy or veth interface, hmcsim --ping-netdev,
 * ksysd inside it as well) where only the victim and its host's two VIOSs
 * have managed addresses (10.77.H.N: once the victim's goes, the /16 route
 * stays and its ping times out as on a real network instead of failing at
 * once); every other partition gets a loopback address from the topology,
 * which always answers.  The decision is then the VM_FAILURE_DETECTED event
 * (mode=ping_silent), and the run checks that `ksysmgr query event` holds it
 * and its RELOCATION_REQUESTED.  Without root (or with -N) a loopback
 * address always answers, so the hung VM is never failed: the decision
 * measured is the ping that answered, after which ksysd ignores the missed
 * heartbeats (mode=ping_answers).
 *
 * How the moments are observed.  ksysd runs with `-l
 * notice,fde=debug,hmc=info,disc=info,main=info` and its log (timestamps in
 * ms) is followed: `cat=fde event=poll hg=HG1 request=NEEDS_ATTENTION
 * vios=V` marks an NA sent to V (whose UUID the topology fixes), the next
 * `cat=hmc event=job_done ... target=UUID(V)` is its reply being handled
 * (the group's poll chain has one request in flight), and the victim's
 * first `event=vm_ping` is the check that a reply started: the last NA
 * reply before it is the crossing one (crossing_source=log).  When that
 * cannot be matched (the NA went to another VIOS), the crossing is
 * estimated as the fault time + VMFDT / scale (crossing_source=estimated).
 * Those log levels are part of what is measured: ksysd writes a line per
 * poll and two per job.
 *
 * Time scale.  ksysd scales its HTTP timeouts too (never under 1 s real),
 * so at high scales a big estate's feeds cannot be read in time on a small
 * machine: the default is 10 (a poll every 2 s per group); -s 50 suits
 * small sizes.
 *
 * When the full size is too slow.  -T SECONDS bounds setup plus discovery:
 * once spent, no further discovery starts and the rest runs on the groups
 * discovered (groups_discovered=K/G).  SIGINT (Ctrl-C) ends the phase
 * running, prints what was reached and tears down.  Every wait is bounded.
 * hmcsim limits a shared disk to SIM_DISK_MAX_VIOS (32) VIOSs, so -H above
 * 16 needs a hmcsim built with more (it refuses the topology otherwise, and
 * its error is shown).
 *
 * A benchmark, not a test: it asserts nothing about speed.  Exit 0 when
 * every phase ran and the decision was seen, 1 otherwise, 2 on usage.  Not
 * for the correctness of the decisions (tests/integration/monitor.t and the
 * unit tests of fde.c are).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NAME "fde-scale"
#define POLL_SECS 20.0                  /* ksysd: one request per group (scaled) */
#define CYCLE_SECS 60.0                 /* QQ, QQ, NA */
#define QUICK_SECS 3600.0               /* scheduled Quick Discovery period */
#define JOB_SECS 120.0                  /* ksysd: pass-through job timeout (scaled) */
#define NAMES_PER_CMD 256               /* ksysmgr: names in one list */
#define LIST_BYTES 32768                /* ... and bytes, well below the 64 KiB */
#define MAX_SLOTS 64
#define RETRIES 2                       /* add hmc, add host: tries again */
#define MAX_HMCS 32                     /* hmcsim's limit (SIMTOPO_MAX_HMCS) */

struct cmd {
	char **argv;
	double t0, t1;                  /* wall, ms */
	int rc;
};

struct logstate {                       /* what the followed ksysd log showed */
	long polls, polls_na, skipped, failed, failover, slow, started;
	double slow_max_ms, win_max_ms;
	long qd_start, qd_busy;
	double qd_first_ms, qd_last_end_ms;
	/* the victim */
	int armed, na_pending;
	char na_uuid[40];
	double na_reply_ms, missed_ms, ping_ms, cross_ms, check_ms, fail_ms, reloc_ms;
	int ping_ok, vmfdt;
	long check_missed;
	char check_result[32];
	long lines;
};

static struct bench {
	int groups, hosts, vms, cycles, jobs, disc_par, use_netns, qd_wait, keep, verbose;
	double scale, budget;
	const char *bin;
	char dir[64], ns[40], sock[256], ctl[256], log[256], topo[256];
	int netns;
	const char *why_no_netns;
	pid_t sim, ksysd;
	int nhmcs;                      /* even: pairs, group g on pair (g-1) % pairs */
	char hmc_addr[MAX_HMCS][64];
	int hmc_port[MAX_HMCS];
	char victim[32], victim_host[16], victim_hg[16];
	FILE *logf;
	struct logstate L;
	double t_start;
	char first_err[1024];
	int groups_ok;
	unsigned char *group_ok;
} B;

static volatile sig_atomic_t interrupted;

/* ---- small helpers ------------------------------------------------------ */
static double
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
nap(double secs)
{
	struct timespec ts;

	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

static void
note(const char *fmt, ...)
{
	va_list ap;

	if (!B.verbose)
		return;
	fprintf(stderr, "%s: [%.1f s] ", NAME, (wall_ms() - B.t_start) / 1000.0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
fail_note(const char *fmt, ...)
{
	va_list ap;

	if (B.first_err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(B.first_err, sizeof(B.first_err), fmt, ap);
	va_end(ap);
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		perror(NAME ": strdup");
		exit(1);
	}
	return p;
}

static void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p) {
		perror(NAME ": calloc");
		exit(1);
	}
	return p;
}

/* A NULL-terminated argv from words; "%s" words are copied. */
static char **
av_new(const char *first, ...)
{
	const char *w;
	char **v = xcalloc(64, sizeof(*v));
	size_t n = 0;
	va_list ap;

	va_start(ap, first);
	for (w = first; w && n < 63; w = va_arg(ap, const char *))
		v[n++] = xstrdup(w);
	va_end(ap);
	return v;
}

static void
av_push(char **v, const char *w)
{
	size_t n = 0;

	while (v[n])
		n++;
	if (n < 63)
		v[n] = xstrdup(w);
}

static void
av_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* ksysmgr -s SOCK followed by the words */
static char **
mgr(const char *first, ...)
{
	char path[512];
	const char *w;
	char **v;
	va_list ap;

	snprintf(path, sizeof(path), "%s/ksysmgr", B.bin);
	v = av_new(path, "-s", B.sock, first, (char *)NULL);
	va_start(ap, first);
	while ((w = va_arg(ap, const char *)))
		av_push(v, w);
	va_end(ap);
	return v;
}

/* fork + exec argv with stdout and stderr to out (NULL: /dev/null); the
 * child gets SIGTERM when we die. */
static pid_t
spawn(char **argv, const char *out)
{
	pid_t pid = fork();

	if (pid == -1) {
		perror(NAME ": fork");
		return -1;
	}
	if (pid == 0) {
		int fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd == -1)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Runs argv to the end (bounded by secs, then SIGKILL); exit status, or -1. */
static int
run(char **argv, const char *out, double secs)
{
	pid_t pid = spawn(argv, out);
	double end = wall_ms() + secs * 1000.0;
	int st;

	if (pid == -1)
		return -1;
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (wall_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return -1;
		}
		nap(0.01);
	}
}

static void
stop(pid_t pid)
{
	int i;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 200; i++) {         /* 10 s */
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		nap(0.05);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void
slurp(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t k = 0;

	out[0] = '\0';
	if (!f)
		return;
	k = fread(out, 1, n - 1, f);
	out[k] = '\0';
	fclose(f);
	while (k && (out[k - 1] == '\n' || out[k - 1] == ' '))
		out[--k] = '\0';
}

/* ---- /proc ---------------------------------------------------------------- */
static double
cpu_s(pid_t pid)
{
	char path[64], buf[2048], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	if (!(p = strrchr(buf, ')')))
		return -1;
	/* after ") ": state(3) ... utime(14) stime(15) */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static long
status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* ---- the topology ------------------------------------------------------- */
static void
vios_uuid(int g, int h, int v, char *out, size_t n)
{
	snprintf(out, n, "B%07X-%04X-4000-8000-%012X", (unsigned)g, (unsigned)h, (unsigned)v);
}

static int
write_topology(void)
{
	FILE *f = fopen(B.topo, "w");

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", NAME, B.topo, strerror(errno));
		return -1;
	}
	/* Partitions get loopback addresses from the topology (they always
	 * answer) except the victim and its host's VIOSs, which keep hmcsim's
	 * own: 10.77.H.N under --ping-netdev, so that once the victim's address
	 * goes the 10.77.0.0/16 route stays and its ping times out as on a real
	 * network (else it would fail at once: network unreachable). */
	fprintf(f,
	    "-- generated by " NAME ": %d host groups x %d hosts x %d VMs\n"
	    "local G, H, V = %d, %d, %d\n"
	    "local VICTIM, VICTIM_HOST = \"%s\", \"%s\"\n"
	    "local PAIRS = %d\n"
	    "for i = 1, 2 * PAIRS do\n"
	    "\thmc{ name = \"hmc\" .. i, user = \"hscroot\", password = \"abc123\" }\n"
	    "end\n"
	    "local function addr(net, n, keep)\n"
	    "\tif keep then return nil end\n"
	    "\treturn net .. n\n"
	    "end\n"
	    "local hi = 0\n"
	    "for g = 1, G do\n"
	    "\tlocal vioses = {}\n"
	    "\tlocal k = (g - 1) %% PAIRS\n"
	    "\tlocal hmcs = { \"hmc\" .. (2 * k + 1), \"hmc\" .. (2 * k + 2) }\n"
	    "\tfor h = 1, H do\n"
	    "\t\tlocal hn = string.format(\"g%%02dh%%02d\", g, h)\n"
	    "\t\tlocal net = string.format(\"127.%%d.%%d.\", 2 + hi // 256, hi %% 256)\n"
	    "\t\thost{ name = hn, proc = 4 + math.ceil(V * 0.1), mem_gb = 32 + V,\n"
	    "\t\t      hmcs = hmcs }\n"
	    "\t\tfor v = 1, 2 do\n"
	    "\t\t\tlocal vn = hn .. \"v\" .. v\n"
	    "\t\t\tvios{ name = vn, host = hn, ip = addr(net, v, hn == VICTIM_HOST),\n"
	    "\t\t\t      uuid = string.format(\"B%%07X-%%04X-4000-8000-%%012X\", g, h, v) }\n"
	    "\t\t\tvioses[#vioses + 1] = vn\n"
	    "\t\tend\n"
	    "\t\tfor m = 1, V do\n"
	    "\t\t\tlocal n = string.format(\"%%sm%%03d\", hn, m)\n"
	    "\t\t\tlpar{ name = n, host = hn, proc = 0.1, mem_gb = 1,\n"
	    "\t\t\t      ip = addr(net, m + 2, n == VICTIM) }\n"
	    "\t\tend\n"
	    "\t\thi = hi + 1\n"
	    "\tend\n"
	    "\tdisk{ id = string.format(\"600507680181017900000000%%04dAA01\", g), size_gb = 20,\n"
	    "\t      vioses = vioses }\n"
	    "\tdisk{ id = string.format(\"600507680181017900000000%%04dAA02\", g), size_gb = 10,\n"
	    "\t      vioses = vioses }\n"
	    "end\n",
	    B.groups, B.hosts, B.vms, B.groups, B.hosts, B.vms, B.victim, B.victim_host,
	    B.nhmcs / 2);
	return fclose(f) == 0 ? 0 : -1;
}

/* ---- network namespace (root) ------------------------------------------- */
#define IP(...) ip_run(av_new("ip", __VA_ARGS__, (char *)NULL))

static int
ip_run(char **v)
{
	int rc = run(v, NULL, 20);

	av_free(v);
	return rc;
}

static void
netns_setup(void)
{
	B.netns = 0;
	if (!B.use_netns) {
		B.why_no_netns = "-N_given:loopback_addresses_answer_ping";
		return;
	}
	if (geteuid() != 0) {
		B.why_no_netns = "not_root:loopback_addresses_answer_ping";
		return;
	}
	if (IP("-V") != 0) {
		B.why_no_netns = "no_ip(8):loopback_addresses_answer_ping";
		return;
	}
	snprintf(B.ns, sizeof(B.ns), "fdescale%d", (int)getpid());
	if (IP("netns", "add", B.ns) != 0) {
		B.ns[0] = '\0';
		B.why_no_netns = "ip_netns_add_failed:loopback_addresses_answer_ping";
		return;
	}
	if (IP("-n", B.ns, "link", "set", "lo", "up") != 0 ||
	    (IP("-n", B.ns, "link", "add", "d0", "type", "dummy") != 0 &&
	     (IP("-n", B.ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1") != 0 ||
	      IP("-n", B.ns, "link", "set", "d1", "up") != 0)) ||
	    IP("-n", B.ns, "link", "set", "d0", "up") != 0) {
		IP("netns", "del", B.ns);
		B.ns[0] = '\0';
		B.why_no_netns = "no_dummy_or_veth_interface_in_a_namespace:loopback_addresses_"
		                 "answer_ping";
		return;
	}
	B.netns = 1;
}

static void
netns_free(void)
{
	if (B.ns[0])
		IP("netns", "del", B.ns);
	B.ns[0] = '\0';
}

/* argv for a program that runs in the namespace, when there is one */
static char **
in_ns(const char *prog)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", B.bin, prog);
	if (B.netns)
		return av_new("ip", "netns", "exec", B.ns, path, (char *)NULL);
	return av_new(path, (char *)NULL);
}

/* ---- following ksysd's log ---------------------------------------------- */
static double
line_ms(const char *s)
{
	struct tm tm;
	int ms = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (double)timegm(&tm) * 1000.0 + ms;
}

/* value of " key=" in line (unquoted, up to a space) into out; 0 or -1 */
static int
kv(const char *line, const char *key, char *out, size_t n)
{
	char pat[48];
	const char *p;
	size_t k = 0;

	snprintf(pat, sizeof(pat), " %s=", key);
	if (!(p = strstr(line, pat)))
		return -1;
	p += strlen(pat);
	while (*p && *p != ' ' && *p != '\n' && k + 1 < n)
		out[k++] = *p++;
	out[k] = '\0';
	return 0;
}

static int
is_victim(const char *line)
{
	char vm[64];

	return kv(line, "vm", vm, sizeof(vm)) == 0 && strcmp(vm, B.victim) == 0;
}

static void
log_line(const char *line)
{
	struct logstate *L = &B.L;
	char ev[64], v[128];
	double t;

	L->lines++;
	if (kv(line, "event", ev, sizeof(ev)) == -1)
		return;
	t = line_ms(line);
	if (strstr(line, " cat=fde ")) {
		if (strcmp(ev, "poll") == 0) {
			L->polls++;
			if (kv(line, "request", v, sizeof(v)) == 0 &&
			    strcmp(v, "NEEDS_ATTENTION") == 0) {
				L->polls_na++;
				if (kv(line, "hg", v, sizeof(v)) == 0 && strcmp(v, B.victim_hg) == 0 &&
				    kv(line, "vios", v, sizeof(v)) == 0) {
					int g, h, n;
					if (sscanf(v, "g%dh%dv%d", &g, &h, &n) == 3) {
						vios_uuid(g, h, n, L->na_uuid, sizeof(L->na_uuid));
						L->na_pending = 1;
					}
				}
			}
		} else if (strcmp(ev, "poll_skipped") == 0) {
			L->skipped++;
		} else if (strcmp(ev, "poll_failed") == 0) {
			L->failed++;
		} else if (strcmp(ev, "poll_failover") == 0) {
			L->failover++;
		} else if (strcmp(ev, "VM_MONITOR_STARTED") == 0) {
			L->started++;
		} else if (L->armed && is_victim(line)) {
			if (strcmp(ev, "VM_MISSED_HB") == 0 && !L->missed_ms) {
				const char *p = strstr(line, "(VMFDT ");
				L->missed_ms = t;
				if (p)
					L->vmfdt = atoi(p + 7);
			} else if (strcmp(ev, "vm_ping") == 0 && !L->ping_ms) {
				L->ping_ms = t;
				L->ping_ok = kv(line, "ok", v, sizeof(v)) == 0 && strcmp(v, "yes") == 0;
				L->cross_ms = L->na_reply_ms;
			} else if (strcmp(ev, "vm_check") == 0 && !L->check_ms) {
				L->check_ms = t;
				if (kv(line, "result", L->check_result, sizeof(L->check_result)) == -1)
					L->check_result[0] = '\0';
				if (kv(line, "missed", v, sizeof(v)) == 0)
					L->check_missed = atol(v);
				if (kv(line, "vmfdt", v, sizeof(v)) == 0)
					L->vmfdt = atoi(v);
			} else if (strcmp(ev, "VM_FAILURE_DETECTED") == 0 && !L->fail_ms) {
				L->fail_ms = t;
			} else if (strcmp(ev, "RELOCATION_REQUESTED") == 0 && !L->reloc_ms) {
				L->reloc_ms = t;
			}
		}
	} else if (strstr(line, " cat=hmc ")) {
		if (L->na_pending && strcmp(ev, "job_done") == 0 &&
		    kv(line, "target", v, sizeof(v)) == 0 && strcasecmp(v, L->na_uuid) == 0) {
			L->na_pending = 0;
			L->na_reply_ms = t;
		}
	} else if (strstr(line, " cat=disc ")) {
		int quick = kv(line, "origin", v, sizeof(v)) == 0 && strcmp(v, "quick") == 0;
		if (strcmp(ev, "discovery_start") == 0 && quick) {
			if (!L->qd_busy++)
				L->qd_first_ms = t;
			L->qd_start++;
		} else if (strcmp(ev, "discovery_end") == 0 && quick) {
			if (L->qd_busy > 0)
				L->qd_busy--;
			L->qd_last_end_ms = t;
		}
	} else if (strstr(line, " cat=loop ") && strcmp(ev, "slow_iteration") == 0) {
		L->slow++;
		if (kv(line, "ms", v, sizeof(v)) == 0) {
			if (atof(v) > L->slow_max_ms)
				L->slow_max_ms = atof(v);
			if (atof(v) > L->win_max_ms)
				L->win_max_ms = atof(v);
		}
	}
}

/* Reads the complete lines added to the log since the last call. */
static void
follow(void)
{
	static char *line;
	static size_t cap;
	ssize_t n;
	long pos;

	if (!B.logf && !(B.logf = fopen(B.log, "r")))
		return;
	for (;;) {
		pos = ftell(B.logf);
		n = getline(&line, &cap, B.logf);
		if (n <= 0) {
			clearerr(B.logf);
			return;
		}
		if (line[n - 1] != '\n') {      /* partial: read it again later */
			fseek(B.logf, pos, SEEK_SET);
			clearerr(B.logf);
			return;
		}
		log_line(line);
	}
}

/* Follows the log until cond() holds, secs pass, ksysd dies or SIGINT:
 * 1 when cond held. */
static int
wait_until(int (*cond)(void), double secs)
{
	double end = wall_ms() + secs * 1000.0;

	for (;;) {
		follow();
		if (cond())
			return 1;
		if (interrupted || wall_ms() > end)
			return 0;
		if (waitpid(B.ksysd, NULL, WNOHANG) == B.ksysd) {
			B.ksysd = 0;
			fail_note("ksysd exited; see %s", B.log);
			return 0;
		}
		nap(0.05);
	}
}

/* ---- starting the programs ----------------------------------------------- */
static int
grep_file(const char *path, const char *needle, char *line, size_t n)
{
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, (int)n, f))
		if (strstr(line, needle)) {
			found = 1;
			break;
		}
	fclose(f);
	return found;
}

static int
start_sim(double bound)
{
	char out[300], err[300], line[1024], scale[32], tail[600];
	char **v = in_ns("hmcsim");
	double end = wall_ms() + bound * 1000.0;

	snprintf(out, sizeof(out), "%s/sim.out", B.dir);
	snprintf(err, sizeof(err), "%s/sim.err", B.dir);
	snprintf(scale, sizeof(scale), "%g", B.scale);
	av_push(v, "-c");
	av_push(v, B.topo);
	av_push(v, "-l");
	av_push(v, "127.0.0.1:0");
	av_push(v, "--ctl");
	av_push(v, B.ctl);
	av_push(v, "--state-dir");
	{
		char sd[300];
		snprintf(sd, sizeof(sd), "%s/sim", B.dir);
		av_push(v, sd);
	}
	av_push(v, "--time-scale");
	av_push(v, scale);
	if (B.netns) {
		av_push(v, "--ping-netdev");
		av_push(v, "d0");
	}
	B.sim = fork();
	if (B.sim == 0) {
		int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fo == -1 || fe == -1)
			_exit(127);
		dup2(fo, 1);
		dup2(fe, 2);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execvp(v[0], v);
		_exit(127);
	}
	av_free(v);
	if (B.sim == -1)
		return -1;
	for (;;) {
		if (grep_file(out, "hmcsim ready", line, sizeof(line))) {
			int i;
			for (i = 0; i < B.nhmcs; i++) {
				char key[16], *p;
				snprintf(key, sizeof(key), " hmc%d=", i + 1);
				if (!(p = strstr(line, key)) ||
				    sscanf(p + strlen(key), "%63[^:]:%d", B.hmc_addr[i],
				           &B.hmc_port[i]) != 2) {
					fail_note("hmcsim: no%sin its ready line: %s", key, line);
					return -1;
				}
			}
			return 0;
		}
		if (waitpid(B.sim, NULL, WNOHANG) == B.sim) {
			B.sim = 0;
			slurp(err, tail, sizeof(tail));
			fail_note("hmcsim exited early: %s", tail);
			return -1;
		}
		if (interrupted || wall_ms() > end) {
			fail_note("hmcsim not ready within %.0f s", bound);
			return -1;
		}
		nap(0.1);
	}
}

static int
start_ksysd(void)
{
	char **v = in_ns("ksysd");
	char scale[32], state[300], line[1024];
	double end = wall_ms() + 30000;

	snprintf(scale, sizeof(scale), "%g", B.scale);
	snprintf(state, sizeof(state), "%s/state", B.dir);
	av_push(v, "-f");
	av_push(v, "-d");
	av_push(v, state);
	av_push(v, "-s");
	av_push(v, B.sock);
	av_push(v, "--time-scale");
	av_push(v, scale);
	av_push(v, "-l");
	av_push(v, "notice,fde=debug,hmc=info,disc=info,main=info");
	B.ksysd = spawn(v, B.log);
	av_free(v);
	if (B.ksysd == -1)
		return -1;
	for (;;) {
		if (grep_file(B.log, "socket_served=yes", line, sizeof(line)))
			return 0;
		if (waitpid(B.ksysd, NULL, WNOHANG) == B.ksysd) {
			B.ksysd = 0;
			fail_note("ksysd exited at start; see %s", B.log);
			return -1;
		}
		if (interrupted || wall_ms() > end) {
			fail_note("ksysd not serving its socket within 30 s");
			return -1;
		}
		nap(0.05);
	}
}

/* ---- running many ksysmgr commands --------------------------------------- */
/* Runs cmds with at most par at once, each failure again up to retries
 * times (counted in *retried); stops starting new ones at deadline (wall ms,
 * 0: none) or SIGINT.  Returns how many exited 0 in the end; *started gets
 * how many commands were started at least once.  The first failure's
 * output goes to first_err, when no retry is left. */
static size_t
pool(struct cmd *cmds, size_t n, int par, int retries, double deadline, size_t *started,
     size_t *retried)
{
	pid_t pids[MAX_SLOTS];
	size_t who[MAX_SLOTS], ok = 0, running = 0, head = 0, tail = n, n_started = 0;
	size_t *queue = xcalloc(n * (size_t)(retries + 1), sizeof(*queue));
	int *tries = xcalloc(n, sizeof(*tries));
	char out[MAX_SLOTS][300];
	int i, killed = 0;

	for (head = 0; head < n; head++)
		queue[head] = head;
	head = 0;
	if (retried)
		*retried = 0;
	if (par > MAX_SLOTS)
		par = MAX_SLOTS;
	for (i = 0; i < par; i++) {
		pids[i] = 0;
		snprintf(out[i], sizeof(out[i]), "%s/cmd%d.out", B.dir, i);
	}
	for (;;) {
		for (i = 0; i < par && head < tail && !interrupted &&
		     (!deadline || wall_ms() < deadline); i++) {
			size_t k = queue[head];
			if (pids[i])
				continue;
			if (!tries[k]) {
				cmds[k].t0 = wall_ms();
				n_started++;
			}
			cmds[k].rc = -1;
			pids[i] = spawn(cmds[k].argv, out[i]);
			if (pids[i] == -1) {
				pids[i] = 0;
				break;
			}
			head++;
			who[i] = k;
			running++;
		}
		if (!running)
			break;
		nap(0.005);
		if (interrupted && !killed) {   /* Ctrl-C: let them go */
			for (i = 0; i < par; i++)
				if (pids[i])
					kill(pids[i], SIGTERM);
			killed = 1;
		}
		for (i = 0; i < par; i++) {
			struct cmd *c;
			int st;
			if (!pids[i] || waitpid(pids[i], &st, WNOHANG) != pids[i])
				continue;
			c = &cmds[who[i]];
			c->t1 = wall_ms();
			c->rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
			pids[i] = 0;
			running--;
			if (c->rc == 0) {
				ok++;
				continue;
			}
			if (tries[who[i]] < retries && !interrupted) {
				char text[700];
				slurp(out[i], text, sizeof(text));
				note("retrying 'ksysmgr %s %s %s': %s", c->argv[3],
				     c->argv[4] ? c->argv[4] : "",
				     c->argv[4] && c->argv[5] ? c->argv[5] : "", text);
				tries[who[i]]++;
				queue[tail++] = who[i];
				if (retried)
					(*retried)++;
				continue;
			}
			if (!B.first_err[0]) {
				char text[700];
				slurp(out[i], text, sizeof(text));
				fail_note("'ksysmgr %s %s %s' exited %d: %s", c->argv[3],
				          c->argv[4] ? c->argv[4] : "",
				          c->argv[4] && c->argv[5] ? c->argv[5] : "", c->rc, text);
			}
		}
		follow();
	}
	if (started)
		*started = n_started;
	free(queue);
	free(tries);
	return ok;
}

static int
one(char **argv, const char *what)
{
	struct cmd c = { argv, 0, 0, 0 };
	size_t ok = pool(&c, 1, 1, 0, 0, NULL, NULL);

	av_free(argv);
	if (!ok)
		note("%s failed", what);
	return ok ? 0 : -1;
}

/* ---- the phases ----------------------------------------------------------- */
static char *
host_name(int g, int h)
{
	static char s[32];

	snprintf(s, sizeof(s), "g%02dh%02d", g, h);
	return s;
}

static int
phase_setup(void)
{
	double t0 = wall_ms(), t, c0 = cpu_s(B.ksysd);
	double t_hmc, t_host, t_hg, t_vm, t_sys;
	size_t r_hmc = 0, r_host = 0;
	char port[16], names[LIST_BYTES + 64], disks_out[300], line[4096];
	struct cmd *cmds;
	size_t n, i, ok, nhosts = (size_t)B.groups * (size_t)B.hosts;
	char (*udid)[2][160] = xcalloc((size_t)B.groups + 1, sizeof(*udid));
	char **v;
	int g, h, m, rc = -1;
	FILE *f;

	if (one(mgr("add", "ksyscluster", "BENCH", "type=HA", "sync=yes", (char *)NULL),
	        "add ksyscluster") == -1)
		goto out;
	cmds = xcalloc((size_t)B.nhmcs, sizeof(*cmds));
	for (i = 0; i < (size_t)B.nhmcs; i++) {
		char name[16], ip[80];
		snprintf(name, sizeof(name), "hmc%zu", i + 1);
		snprintf(ip, sizeof(ip), "ip=%s", B.hmc_addr[i]);
		snprintf(port, sizeof(port), "port=%d", B.hmc_port[i]);
		cmds[i].argv = mgr("add", "hmc", name, "login=hscroot", "password=abc123", ip,
		                   port, (char *)NULL);
	}
	/* one at a time: each reads its HMC's whole inventory */
	ok = pool(cmds, (size_t)B.nhmcs, 1, RETRIES, 0, NULL, &r_hmc);
	for (i = 0; i < (size_t)B.nhmcs; i++)
		av_free(cmds[i].argv);
	free(cmds);
	if (ok != (size_t)B.nhmcs || interrupted) {
		fail_note("add hmc: %zu of %d succeeded", ok, B.nhmcs);
		goto out;
	}
	t = wall_ms();
	t_hmc = t - t0;
	note("setup: HMCs added in %.1f s; adding %zu hosts", t_hmc / 1000, nhosts);

	cmds = xcalloc(nhosts, sizeof(*cmds));
	for (g = 1, n = 0; g <= B.groups; g++)
		for (h = 1; h <= B.hosts; h++)
			cmds[n++].argv = mgr("add", "host", host_name(g, h), (char *)NULL);
	ok = pool(cmds, n, B.jobs, RETRIES, 0, NULL, &r_host);
	for (i = 0; i < n; i++)
		av_free(cmds[i].argv);
	free(cmds);
	t_host = wall_ms() - t;
	t = wall_ms();
	if (ok != n || interrupted) {
		fail_note("add host: %zu of %zu succeeded", ok, n);
		goto out;
	}
	note("setup: hosts added in %.1f s", t_host / 1000);

	/* the disks' ViodiskIDs, from hmcsim */
	snprintf(disks_out, sizeof(disks_out), "%s/disks", B.dir);
	{
		char path[512];
		snprintf(path, sizeof(path), "%s/hmcsim", B.bin);
		v = av_new(path, "ctl", B.ctl, "show", "disks", (char *)NULL);
	}
	if (run(v, disks_out, 60) != 0) {
		av_free(v);
		fail_note("hmcsim ctl show disks failed");
		goto out;
	}
	av_free(v);
	if (!(f = fopen(disks_out, "r")))
		goto out;
	while (fgets(line, sizeof(line), f)) {
		char id[80], size[32], vioses[2048], ud[160];
		int gi, k;
		if (sscanf(line, "%79s %31s %2047s %159s", id, size, vioses, ud) != 4 ||
		    strlen(id) != 32 || sscanf(id + 24, "%4d", &gi) != 1 || gi < 1 ||
		    gi > B.groups)
			continue;
		k = strcmp(id + 28, "AA01") == 0 ? 0 : strcmp(id + 28, "AA02") == 0 ? 1 : -1;
		if (k >= 0)
			snprintf(udid[gi][k], sizeof(udid[gi][k]), "%s", ud);
	}
	fclose(f);

	cmds = xcalloc((size_t)B.groups, sizeof(*cmds));
	for (g = 1; g <= B.groups; g++) {
		char hg[16], repo[200], ha[200];
		names[0] = '\0';
		for (h = 1; h <= B.hosts; h++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			         h > 1 ? "," : "hosts=", host_name(g, h));
		snprintf(hg, sizeof(hg), "HG%d", g);
		snprintf(repo, sizeof(repo), "repo_disk=%s", udid[g][0]);
		snprintf(ha, sizeof(ha), "ha_disk=%s", udid[g][1]);
		cmds[g - 1].argv = mgr("add", "host_group", hg, names, repo, ha, (char *)NULL);
	}
	ok = pool(cmds, (size_t)B.groups, B.jobs, 0, 0, NULL, NULL);
	for (i = 0; i < (size_t)B.groups; i++)
		av_free(cmds[i].argv);
	free(cmds);
	t_hg = wall_ms() - t;
	t = wall_ms();
	if (ok != (size_t)B.groups || interrupted) {
		fail_note("add host_group: %zu of %d succeeded", ok, B.groups);
		goto out;
	}

	/* modify vm NAMES ha_monitor=enable, lists of at most 256 names */
	n = nhosts * (size_t)B.vms / NAMES_PER_CMD + nhosts + 1;
	cmds = xcalloc(n, sizeof(*cmds));
	{
		size_t k = 0, in_list = 0;
		names[0] = '\0';
		for (g = 1; g <= B.groups; g++)
			for (h = 1; h <= B.hosts; h++)
				for (m = 1; m <= B.vms; m++) {
					snprintf(names + strlen(names), sizeof(names) - strlen(names),
					         "%s%sm%03d", in_list ? "," : "", host_name(g, h), m);
					in_list++;
					if (in_list == NAMES_PER_CMD || strlen(names) > LIST_BYTES ||
					    (g == B.groups && h == B.hosts && m == B.vms)) {
						cmds[k++].argv = mgr("modify", "vm", names, "ha_monitor=enable",
						                     (char *)NULL);
						names[0] = '\0';
						in_list = 0;
					}
				}
		n = k;
	}
	ok = pool(cmds, n, B.jobs, 0, 0, NULL, NULL);
	for (i = 0; i < n; i++)
		av_free(cmds[i].argv);
	free(cmds);
	t_vm = wall_ms() - t;
	t = wall_ms();
	if (ok != n || interrupted) {
		fail_note("modify vm: %zu of %zu commands succeeded", ok, n);
		goto out;
	}
	if (one(mgr("modify", "system", "ha_monitor=enable", (char *)NULL),
	        "modify system") == -1)
		goto out;
	t_sys = wall_ms() - t;
	rc = 0;
	printf("%s: setup add_hmc_s=%.2f add_host_s=%.2f add_host_group_s=%.2f "
	       "enable_vms_s=%.2f modify_vm_commands=%zu enable_system_s=%.2f setup_s=%.2f "
	       "ksysd_cpu_s=%.2f ksysd_peak_rss_kb=%ld retries_add_hmc=%zu retries_add_host=%zu\n",
	       NAME, t_hmc / 1000, t_host / 1000, t_hg / 1000, t_vm / 1000, n, t_sys / 1000,
	       (wall_ms() - t0) / 1000, cpu_s(B.ksysd) - c0, status_kb(B.ksysd, "VmHWM"),
	       r_hmc, r_host);
out:
	free(udid);
	return rc;
}

static int
phase_discovery(void)
{
	struct cmd *cmds = xcalloc((size_t)B.groups, sizeof(*cmds));
	double t0 = wall_ms(), c0 = cpu_s(B.ksysd), mn = 0, mx = 0, sum = 0;
	size_t started = 0, ok, i;
	int g;

	for (g = 1; g <= B.groups; g++) {
		char hg[16];
		snprintf(hg, sizeof(hg), "HG%d", g);
		cmds[g - 1].argv = mgr("discover", "host_group", hg, (char *)NULL);
	}
	/* group 1 (the victim's) first: it is the one that must be monitored */
	ok = pool(cmds, (size_t)B.groups, B.disc_par, 0,
	          B.budget > 0 ? B.t_start + B.budget * 1000 : 0, &started, NULL);
	for (i = 0; i < started; i++) {
		double d = cmds[i].t1 - cmds[i].t0;
		if (cmds[i].rc != 0)
			continue;
		B.group_ok[i + 1] = 1;
		if (!mn || d < mn)
			mn = d;
		if (d > mx)
			mx = d;
		sum += d;
	}
	for (i = 0; i < (size_t)B.groups; i++)
		av_free(cmds[i].argv);
	free(cmds);
	B.groups_ok = (int)ok;
	printf("%s: discovery discovery_s=%.2f groups_discovered=%zu/%d parallel=%d "
	       "group_s_min=%.2f group_s_avg=%.2f group_s_max=%.2f budget_exhausted=%s "
	       "ksysd_cpu_s=%.2f ksysd_peak_rss_kb=%ld\n", NAME, (wall_ms() - t0) / 1000, ok,
	       B.groups, B.disc_par, mn / 1000, ok ? sum / 1000 / (double)ok : 0.0, mx / 1000,
	       started < (size_t)B.groups && !interrupted ? "yes" : "no",
	       cpu_s(B.ksysd) - c0, status_kb(B.ksysd, "VmHWM"));
	return B.group_ok[1] ? 0 : -1;
}

static long want_started;

static int
all_started(void)
{
	return B.L.started >= want_started;
}

static void
phase_monitoring(void)
{
	double t0 = wall_ms();
	/* agents pair within seconds (scaled) of START_VM; doorbells follow */
	double bound = 30 + 600 / B.scale + (double)want_started / 2000.0;

	wait_until(all_started, bound);
	printf("%s: monitoring vms_started=%ld/%ld monitor_start_s=%.2f\n", NAME, B.L.started,
	       want_started, (wall_ms() - t0) / 1000);
	/* two more cycles so the initial doorbells are acknowledged */
	{
		double end = wall_ms() + 2 * CYCLE_SECS / B.scale * 1000;
		while (!interrupted && wall_ms() < end) {
			follow();
			nap(0.05);
		}
	}
}

static long qd_target;

static int
qd_started(void)
{
	return B.L.qd_start > qd_target;
}

static int
qd_done(void)
{
	return B.L.qd_start > qd_target && B.L.qd_busy == 0;
}

static void
phase_quick(void)
{
	double c0, c1, t0, t1, end, settle, bound = QUICK_SECS / B.scale + 10;
	const char *seen = "round";
	struct logstate a;

	follow();
	qd_target = B.L.qd_start;
	if (B.L.qd_busy) {          /* a round runs now: its end starts the window */
		qd_target = B.L.qd_start - 1;
		seen = "end_of_round";
	} else {
		note("quick_discovery: waiting up to %.0f s for the next scheduled round", bound);
		if (!wait_until(qd_started, bound)) {
			printf("%s: quick_discovery seen=no waited_s=%.0f\n", NAME, bound);
			return;
		}
	}
	t0 = B.L.qd_first_ms;
	c0 = cpu_s(B.ksysd);
	a = B.L;
	wait_until(qd_done, 600 + (double)B.groups_ok * 30);
	t1 = B.L.qd_busy ? wall_ms() : B.L.qd_last_end_ms;
	c1 = cpu_s(B.ksysd);
	/* polls that the round held up end by their job timeout (120 s
	 * scaled) after it: let them, and one more cycle, pass */
	settle = (JOB_SECS + CYCLE_SECS) / B.scale;
	end = wall_ms() + settle * 1000;
	while (!interrupted && wall_ms() < end) {
		follow();
		nap(0.05);
	}
	printf("%s: quick_discovery seen=%s groups=%ld round_s=%.2f ksysd_cpu_s=%.2f "
	       "finished=%s polls_failed=%ld poll_failovers=%ld settle_s=%.1f\n", NAME, seen,
	       B.L.qd_start - qd_target, (t1 - t0) / 1000, c1 - c0,
	       B.L.qd_busy ? "no" : "yes", B.L.failed - a.failed, B.L.failover - a.failover,
	       settle);
}

static int
phase_steady(void)
{
	struct logstate a, b;
	double win = B.cycles * CYCLE_SECS / B.scale, t0, t1, k0, k1, s0, s1, expected;
	long rss, hmc_rss;
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);

	follow();
	B.L.win_max_ms = 0;
	a = B.L;
	t0 = wall_ms();
	k0 = cpu_s(B.ksysd);
	s0 = cpu_s(B.sim);
	note("steady: measuring %.1f s (%d poll cycles)", win, B.cycles);
	while (!interrupted && wall_ms() < t0 + win * 1000) {
		follow();
		nap(0.05);
		if (waitpid(B.ksysd, NULL, WNOHANG) == B.ksysd) {
			B.ksysd = 0;
			fail_note("ksysd exited during the steady window");
			return -1;
		}
	}
	k1 = cpu_s(B.ksysd);
	s1 = cpu_s(B.sim);
	t1 = wall_ms();
	rss = status_kb(B.ksysd, "VmRSS");
	hmc_rss = status_kb(B.sim, "VmRSS");
	follow();
	b = B.L;
	win = (t1 - t0) / 1000;
	expected = (double)B.groups_ok * win / (POLL_SECS / B.scale);
	{
		double kp = 100 * (k1 - k0) / win, sp = 100 * (s1 - s0) / win;
		printf("%s: steady window_s=%.2f cycles=%d polls=%ld polls_expected=%.0f "
		       "needs_attention=%ld polls_per_s=%.1f polls_skipped=%ld poll_failovers=%ld "
		       "polls_failed=%ld quick_discoveries=%ld slow_iterations=%ld "
		       "max_iteration_ms=%.0f\n", NAME, win, B.cycles, b.polls - a.polls, expected,
		       b.polls_na - a.polls_na, (double)(b.polls - a.polls) / win,
		       b.skipped - a.skipped, b.failover - a.failover, b.failed - a.failed,
		       b.qd_start - a.qd_start, b.slow - a.slow, b.win_max_ms);
		printf("%s: steady ksysd_cpu_pct=%.1f ksysd_cpu_pct_unscaled=%.3f "
		       "hmcsim_cpu_pct=%.1f cpus=%d saturated=%s ksysd_rss_kb=%ld "
		       "hmcsim_rss_kb=%ld\n", NAME, kp, kp / B.scale, sp, ncpu,
		       kp + sp > 90.0 * ncpu ? "yes" : kp > 90 ? "ksysd" : sp > 90 ? "hmcsim" : "no",
		       rss, hmc_rss);
	}
	return 0;
}

static int
decided(void)
{
	if (B.netns)
		return B.L.fail_ms > 0 || (B.L.ping_ms > 0 && B.L.ping_ok);
	return B.L.ping_ms > 0;
}

static int
event_has(const char *type, const char *vm)
{
	char out[300], arg[64], text[8192];
	char **v;

	snprintf(out, sizeof(out), "%s/event.out", B.dir);
	snprintf(arg, sizeof(arg), "type=%s", type);
	v = mgr("query", "event", arg, (char *)NULL);
	if (run(v, out, 60) != 0) {
		av_free(v);
		return 0;
	}
	av_free(v);
	slurp(out, text, sizeof(text));
	return strstr(text, vm) != NULL;
}

static int
phase_detection(void)
{
	struct logstate *L = &B.L;
	char path[512], **v;
	double t_fault, bound = 30 + 900 / B.scale, dec, cross;
	const char *cross_src = "log";
	int ok = 1, vmfdt;

	snprintf(path, sizeof(path), "%s/hmcsim", B.bin);
	follow();
	L->armed = 1;
	if (B.netns) {
		v = av_new(path, "ctl", B.ctl, "fault", "vm-unpingable", B.victim, (char *)NULL);
		if (run(v, NULL, 30) != 0)
			fail_note("hmcsim ctl fault vm-unpingable %s failed", B.victim);
		av_free(v);
	}
	t_fault = wall_ms();
	v = av_new(path, "ctl", B.ctl, "fault", "vm-hang", B.victim, (char *)NULL);
	if (run(v, NULL, 30) != 0) {
		av_free(v);
		fail_note("hmcsim ctl fault vm-hang %s failed", B.victim);
		return -1;
	}
	av_free(v);
	note("detection: %s hung at %.3f, waiting up to %.0f s", B.victim, t_fault / 1000, bound);
	if (!wait_until(decided, bound)) {
		printf("%s: detection mode=%s vm=%s decided=no waited_s=%.0f missed_hb_seen=%s\n",
		       NAME, B.netns ? "ping_silent" : "ping_answers", B.victim, bound,
		       L->missed_ms ? "yes" : "no");
		fail_note("no decision about %s within %.0f s", B.victim, bound);
		return -1;
	}
	/* the RELOCATION_REQUESTED line follows the decision at once */
	if (B.netns && L->fail_ms) {
		double end = wall_ms() + 5000;
		while (!L->reloc_ms && wall_ms() < end) {
			follow();
			nap(0.02);
		}
	}
	vmfdt = L->vmfdt ? L->vmfdt : 190;
	if (B.netns && L->fail_ms)
		dec = L->fail_ms;
	else
		dec = L->ping_ms;
	cross = L->cross_ms;
	if (!cross || cross > dec || cross < t_fault) {
		cross = t_fault + vmfdt * 1000.0 / B.scale;
		cross_src = "estimated";
	}
	if (B.netns && !L->fail_ms) {
		fail_note("the victim still answered ping in the namespace: no VM failure");
		ok = 0;
	}
	printf("%s: detection mode=%s vm=%s hg=%s vmfdt_s=%d decision=%s%s\n", NAME,
	       B.netns ? "ping_silent" : "ping_answers", B.victim, B.victim_hg, vmfdt,
	       L->fail_ms ? "VM_FAILURE_DETECTED" :
	       L->ping_ok ? "ignored:answers_ping" : "none",
	       B.netns ? "" : " note=not_root_or_-N:loopback_answers_ping:no_VM_failure_possible");
	printf("%s: detection fault_to_missed_hb_s=%.2f fault_to_crossing_s=%.2f "
	       "fault_to_decision_s=%.2f fault_to_decision_sim_s=%.0f crossing_source=%s\n",
	       NAME, L->missed_ms ? (L->missed_ms - t_fault) / 1000 : -1.0,
	       (cross - t_fault) / 1000, (dec - t_fault) / 1000,
	       (dec - t_fault) / 1000 * B.scale, cross_src);
	printf("%s: detection crossing_na_to_decision_ms=%.0f na_to_ping_done_ms=%.0f "
	       "ping_to_decision_ms=%.0f ping_answered=%s missed_at_check_s=%ld "
	       "vm_check=%s\n", NAME, dec - cross, L->ping_ms ? L->ping_ms - cross : -1.0,
	       L->ping_ms ? dec - L->ping_ms : -1.0, L->ping_ok ? "yes" : "no",
	       L->check_missed, L->check_ms ? L->check_result : "none");
	if (B.netns && L->fail_ms) {
		int st = event_has("VM_FAILURE_DETECTED", B.victim);
		int rr = event_has("RELOCATION_REQUESTED", B.victim);
		printf("%s: detection event_stored=%s relocation_requested=%s "
		       "decision_to_relocation_request_ms=%.0f\n", NAME, st ? "yes" : "no",
		       rr ? "yes" : "no", L->reloc_ms ? L->reloc_ms - dec : -1.0);
		if (!st || !rr)
			ok = 0;
	}
	return ok ? 0 : -1;
}

/* ---- main ------------------------------------------------------------------ */
static int
rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " NAME " [-g GROUPS] [-H HOSTS] [-v VMS] [-m HMCS] [-s TIME_SCALE] [-c CYCLES]\n"
	    "                 [-j PARALLEL] [-d DISCOVERIES] [-T SECONDS] [-N] [-Q] [-k] [-V]\n"
	    "  -g  host groups (default 64)          -H  hosts per group (24)\n"
	    "  -v  VMs per host (100)                -s  --time-scale of both (10)\n"
	    "  -m  HMCs, an even number up to 32 (default: 2 per group, at most 32);\n"
	    "      group g is managed by the pair (g-1) %% (HMCs / 2)\n"
	    "  -c  poll cycles (60 s scaled each) in the steady window (10)\n"
	    "  -j  ksysmgr setup commands at once (8)\n"
	    "  -d  discoveries at once (4)\n"
	    "  -T  seconds for setup + discovery; then go on with the groups discovered\n"
	    "  -N  no network namespace even as root (the hung VM then answers ping)\n"
	    "  -Q  do not wait for a scheduled Quick Discovery before the window\n"
	    "  -k  keep the work directory (logs, topology) and print its path\n"
	    "  -V  progress on stderr\n"
	    "  KSYS_BIN names the directory holding hmcsim, ksysd, ksysmgr (default ./bin)\n");
}

static int
int_opt(const char *s, int lo, int hi, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < lo || v > hi) {
		fprintf(stderr, "%s: %s takes %d..%d, got '%s'\n", NAME, what, lo, hi, s);
		exit(2);
	}
	return (int)v;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	int ch, rc = 1;
	long peak_k = -1, peak_s = -1;

	B.groups = 64;
	B.hosts = 24;
	B.vms = 100;
	B.scale = 10;
	B.cycles = 10;
	B.jobs = 8;
	B.disc_par = 4;
	B.use_netns = 1;
	B.qd_wait = 1;
	while ((ch = getopt(argc, argv, "g:H:v:m:s:c:j:d:T:NQkVh")) != -1) {
		switch (ch) {
		case 'g':
			B.groups = int_opt(optarg, 1, 99, "-g");
			break;
		case 'H':
			B.hosts = int_opt(optarg, 1, 99, "-H");
			break;
		case 'v':
			B.vms = int_opt(optarg, 1, 250, "-v");
			break;
		case 'm':
			B.nhmcs = int_opt(optarg, 2, MAX_HMCS, "-m");
			if (B.nhmcs % 2) {
				fprintf(stderr, "%s: -m takes an even number (HMC pairs)\n", NAME);
				return 2;
			}
			break;
		case 's': {
			char *end;
			B.scale = strtod(optarg, &end);
			if (*end || B.scale < 1 || B.scale > 1000) {
				fprintf(stderr, "%s: -s takes 1..1000, got '%s'\n", NAME, optarg);
				return 2;
			}
			break;
		}
		case 'c':
			B.cycles = int_opt(optarg, 1, 1000, "-c");
			break;
		case 'j':
			B.jobs = int_opt(optarg, 1, MAX_SLOTS, "-j");
			break;
		case 'd':
			B.disc_par = int_opt(optarg, 1, MAX_SLOTS, "-d");
			break;
		case 'T':
			B.budget = int_opt(optarg, 1, 1000000, "-T");
			break;
		case 'N':
			B.use_netns = 0;
			break;
		case 'Q':
			B.qd_wait = 0;
			break;
		case 'k':
			B.keep = 1;
			break;
		case 'V':
			B.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!B.nhmcs)
		B.nhmcs = 2 * B.groups < MAX_HMCS ? 2 * B.groups : MAX_HMCS;
	if (B.nhmcs > 2 * B.groups)
		B.nhmcs = 2 * B.groups;
	B.bin = getenv("KSYS_BIN");
	if (!B.bin || !*B.bin)
		B.bin = "./bin";
	{
		char p[512];
		snprintf(p, sizeof(p), "%s/ksysd", B.bin);
		if (access(p, X_OK) == -1) {
			fprintf(stderr, "%s: %s: %s (set KSYS_BIN)\n", NAME, p, strerror(errno));
			return 1;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	B.t_start = wall_ms();
	B.group_ok = xcalloc((size_t)B.groups + 1, 1);
	snprintf(B.victim, sizeof(B.victim), "g01h%02dm%03d", B.hosts, B.vms);
	snprintf(B.victim_host, sizeof(B.victim_host), "g01h%02d", B.hosts);
	snprintf(B.victim_hg, sizeof(B.victim_hg), "HG1");
	snprintf(B.dir, sizeof(B.dir), "/tmp/fde-scale.XXXXXX");
	if (!mkdtemp(B.dir)) {
		perror(NAME ": mkdtemp");
		return 1;
	}
	chmod(B.dir, 0755);
	snprintf(B.sock, sizeof(B.sock), "%s/ksysd.sock", B.dir);
	snprintf(B.ctl, sizeof(B.ctl), "%s/ctl.sock", B.dir);
	snprintf(B.log, sizeof(B.log), "%s/ksysd.log", B.dir);
	snprintf(B.topo, sizeof(B.topo), "%s/topology.lua", B.dir);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);       /* the teardown must run */

	printf("%s: size groups=%d hosts_per_group=%d vms_per_host=%d hosts=%d vioses=%d "
	       "vms=%ld hmcs=%d lpars_per_hmc=%ld time_scale=%g poll_period_s=%.3f "
	       "na_period_s=%.3f\n", NAME, B.groups, B.hosts, B.vms, B.groups * B.hosts,
	       2 * B.groups * B.hosts, (long)B.groups * B.hosts * B.vms, B.nhmcs,
	       (long)((B.groups + B.nhmcs / 2 - 1) / (B.nhmcs / 2)) * B.hosts * (B.vms + 2),
	       B.scale, POLL_SECS / B.scale, CYCLE_SECS / B.scale);
	if (write_topology() == -1)
		goto out;
	netns_setup();
	printf("%s: ping netns=%s%s%s\n", NAME, B.netns ? B.ns : "no",
	       B.netns ? "" : " why=", B.netns ? "" : B.why_no_netns);
	{
		double t0 = wall_ms(), t1;
		long parts = (long)B.groups * B.hosts * (B.vms + 2);
		if (start_sim(60 + (double)parts / 300.0) == -1)
			goto out;
		t1 = wall_ms();
		note("hmcsim ready in %.1f s", (t1 - t0) / 1000);
		if (start_ksysd() == -1)
			goto out;
		printf("%s: start sim_start_s=%.2f ksysd_start_s=%.2f hmcsim_rss_kb=%ld\n", NAME,
		       (t1 - t0) / 1000, (wall_ms() - t1) / 1000, status_kb(B.sim, "VmRSS"));
	}
	if (phase_setup() == -1 || interrupted)
		goto out;
	if (phase_discovery() == -1 || interrupted)
		goto out;
	want_started = 0;
	{
		int g;
		for (g = 1; g <= B.groups; g++)
			if (B.group_ok[g])
				want_started += (long)B.hosts * B.vms;
	}
	phase_monitoring();
	if (interrupted)
		goto out;
	if (B.qd_wait)
		phase_quick();
	if (interrupted || phase_steady() == -1 || interrupted)
		goto out;
	if (phase_detection() == 0 && !interrupted)
		rc = 0;
out:
	if (B.ksysd > 0)
		peak_k = status_kb(B.ksysd, "VmHWM");
	if (B.sim > 0)
		peak_s = status_kb(B.sim, "VmHWM");
	follow();
	printf("%s: peak ksysd_peak_rss_kb=%ld hmcsim_peak_rss_kb=%ld slow_iterations=%ld "
	       "max_iteration_ms=%.0f total_s=%.1f%s\n", NAME, peak_k, peak_s, B.L.slow,
	       B.L.slow_max_ms, (wall_ms() - B.t_start) / 1000,
	       interrupted ? " interrupted=yes" : "");
	if (B.first_err[0])
		fprintf(stderr, "%s: %s\n", NAME, B.first_err);
	stop(B.ksysd);
	stop(B.sim);
	netns_free();
	if (B.logf)
		fclose(B.logf);
	if (B.keep)
		fprintf(stderr, "%s: kept %s\n", NAME, B.dir);
	else
		nftw(B.dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(B.group_ok);
	return rc;
}
