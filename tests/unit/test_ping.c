/* test_ping — ICMP echo probes on the loop.
 *
 * In the test's own network namespace: 127.0.0.1 and ::1 answer, 199
 * loopback addresses at once, thousands in flight and a sequence-number
 * wrap, malformed input refused synchronously, no callback from inside
 * ping_probe, exactly one callback per probe, ping_free inside a callback.
 * Then, in a network namespace the test makes for itself (as root, or as
 * the root of a new user namespace): real silence (echo replies switched off
 * with icmp_echo_ignore_all) for the timeout semantics, "network unreachable"
 * and "host unreachable" on send, both socket kinds (datagram with
 * ping_group_range opened, raw with it closed), stray replies, and the
 * ping_new error when neither socket kind is allowed.  Nothing is ever sent
 * to a non-loopback address outside that namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <math.h>
#include <net/if.h>
#include <linux/sched.h>        /* <sched.h> is shadowed by src/ksysd/sched.h */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ev.h>

#include "../tap.h"
#include "log.h"
#include "loop.h"
#include "ping.h"

#define MAXP 4096

struct res {
	int calls;
	int ok;
	double rtt;
	double t_done;
	char err[128];
	char addr[64];
};

static struct ev_loop *loop;
static struct res R[MAXP];
static int outstanding;
static double t_start;
static int bad_arg;             /* callback saw an address it was not given */

static void
cb(void *arg, const char *addr, int ok_, double rtt, const char *err)
{
	struct res *r = arg;

	r->calls++;
	r->ok = ok_;
	r->rtt = rtt;
	r->t_done = loop_mono_ms();
	snprintf(r->err, sizeof r->err, "%s", err ? err : "");
	if (r->addr[0] && strcmp(r->addr, addr) != 0)
		bad_arg++;
	if (r->calls == 1)
		outstanding--;
}

static void
guard_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(l, EVBREAK_ALL);
}

static void
tick_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	if (outstanding <= 0)
		ev_break(l, EVBREAK_ALL);
}

/* Run the loop until every probe answered or secs passed; 0 when done. */
static int
run_until_done(double secs)
{
	ev_timer guard, tick;

	ev_timer_init(&guard, guard_cb, secs, 0.);
	ev_timer_init(&tick, tick_cb, 0.005, 0.005);
	ev_timer_start(loop, &guard);
	ev_timer_start(loop, &tick);
	if (outstanding > 0)
		ev_run(loop, 0);
	ev_timer_stop(loop, &guard);
	ev_timer_stop(loop, &tick);
	return outstanding > 0 ? -1 : 0;
}

/* Run the loop for secs regardless. */
static void
run_for(double secs)
{
	ev_timer guard;

	ev_timer_init(&guard, guard_cb, secs, 0.);
	ev_timer_start(loop, &guard);
	ev_run(loop, 0);
	ev_timer_stop(loop, &guard);
}

static int
probe(struct ping *p, int i, const char *addr, int count, double interval, double timeout)
{
	char err[256];

	memset(&R[i], 0, sizeof R[i]);
	snprintf(R[i].addr, sizeof R[i].addr, "%s", addr);
	if (ping_probe(p, addr, count, interval, timeout, cb, &R[i], err, sizeof err) == -1) {
		diag("ping_probe %s: %s", addr, err);
		return -1;
	}
	outstanding++;
	return 0;
}

static void
skip(const char *what, const char *why)
{
	ok(1, "# SKIP %s: %s", what, why);
}

/* Ping one address and wait. */
static struct res *
ping1(struct ping *p, const char *addr, int count, double interval, double timeout)
{
	outstanding = 0;
	t_start = loop_mono_ms();
	if (probe(p, 0, addr, count, interval, timeout) == -1)
		return NULL;
	run_until_done(timeout + 5);
	return &R[0];
}

/* Probe n addresses a.b.c.(first..) at once; count answered ok. */
static int
many(struct ping *p, int n, int count, double interval, double timeout, int *twice)
{
	char a[64];
	int i, good = 0;

	outstanding = 0;
	bad_arg = 0;
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof a, "127.%d.%d.%d", (i + 2) >> 16 & 255, (i + 2) >> 8 & 255,
		         (i + 2) & 255);
		if (probe(p, i, a, count, interval, timeout) == -1)
			return -1;
	}
	run_until_done(timeout + 10);
	*twice = 0;
	for (i = 0; i < n; i++) {
		good += R[i].calls == 1 && R[i].ok;
		*twice += R[i].calls > 1;
	}
	return good;
}

/* ---- host-side tests ---------------------------------------------------- */

static void
test_refusals(struct ping *p)
{
	static const char *const bad[] = {
		"", "not-an-ip", "1.2", "256.1.1.1", "127.0.0.1 ", "::g", "1.2.3.4/24",
		"fe80::1%nosuchif0", "0.0.0.0", "255.255.255.255", "224.0.0.1", "::",
		"ff02::1", "127.0.0.1.2",
		"0123456789012345678901234567890123456789012345678901234567890123456789",
	};
	char err[256];
	size_t i;
	int before = R[0].calls;

	outstanding = 0;
	memset(&R[0], 0, sizeof R[0]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		ok(ping_probe(p, bad[i], 1, 0, 1, cb, &R[0], err, sizeof err) == -1 &&
		   strstr(err, "ping: ") == err, "'%s' refused: %s", bad[i], err);
	}
	ok(ping_probe(p, NULL, 1, 0, 1, cb, &R[0], err, sizeof err) == -1 &&
	   strstr(err, "(null)"), "NULL address refused: %s", err);
	ok(ping_probe(p, "127.0.0.1", 0, 0, 1, cb, &R[0], err, sizeof err) == -1 &&
	   strstr(err, "count must be 1..10, got 0"), "count 0 refused: %s", err);
	ok(ping_probe(p, "127.0.0.1", 11, 0, 1, cb, &R[0], err, sizeof err) == -1,
	   "count 11 refused");
	ok(ping_probe(p, "127.0.0.1", 1, -1, 1, cb, &R[0], err, sizeof err) == -1 &&
	   strstr(err, "interval must be"), "negative interval refused: %s", err);
	ok(ping_probe(p, "127.0.0.1", 1, NAN, 1, cb, &R[0], err, sizeof err) == -1,
	   "NaN interval refused");
	ok(ping_probe(p, "127.0.0.1", 1, 0, 0, cb, &R[0], err, sizeof err) == -1 &&
	   strstr(err, "timeout must be"), "timeout 0 refused: %s", err);
	ok(ping_probe(p, "127.0.0.1", 1, 0, 3601, cb, &R[0], err, sizeof err) == -1,
	   "timeout 3601 refused");
	ok(ping_probe(p, "127.0.0.1", 1, 0, INFINITY, cb, &R[0], err, sizeof err) == -1,
	   "infinite timeout refused");
	ok(ping_probe(p, "127.0.0.1", 1, 0, 1, NULL, &R[0], err, sizeof err) == -1,
	   "no callback refused");
	ok(ping_probe(NULL, "127.0.0.1", 1, 0, 1, cb, &R[0], err, sizeof err) == -1,
	   "no prober refused");
	run_for(0.05);
	is_int(R[0].calls - before, 0, "refused probes never call back");
}

static void
test_loopback(struct ping *p)
{
	struct ping_stats st0, st;
	struct res *r;
	int twice = 0, good;

	ping_get_stats(p, &st0);
	/* No callback from inside ping_probe, even for an instant answer. */
	outstanding = 0;
	probe(p, 0, "127.0.0.1", 1, 0, 2);
	is_int(R[0].calls, 0, "no callback from inside ping_probe");
	run_until_done(5);
	ok(R[0].calls == 1 && R[0].ok && R[0].err[0] == '\0', "127.0.0.1 answers (%.3f ms)",
	   R[0].rtt);
	ok(R[0].rtt >= 0 && R[0].rtt < 2000, "rtt is plausible");
	run_for(0.05);
	is_int(R[0].calls, 1, "exactly one callback");

	r = ping1(p, "127.0.0.1", 3, 0.2, 2);
	ok(r && r->ok && r->t_done - t_start < 150, "count 3: the first reply answers at once");
	r = ping1(p, "::ffff:127.0.0.1", 1, 0, 2);
	ok(r && r->ok, "IPv4-mapped IPv6 address goes out as IPv4");

	ping_get_stats(p, &st);
	if (st.ipv6) {
		r = ping1(p, "::1", 1, 0, 2);
		ok(r && r->calls == 1 && r->ok, "::1 answers (%s)", r ? r->err : "");
	} else {
		skip("::1", "no IPv6 ICMP socket");
	}

	good = many(p, 199, 1, 0, 3, &twice);
	is_int(good, 199, "127.0.0.2..127.0.0.200 in flight at once all answer");
	is_int(twice, 0, "each of them called back once");
	is_int(bad_arg, 0, "each callback got its own address");

	ping_get_stats(p, &st);
	ok(st.sent - st0.sent >= 203, "sent counter (%llu)", st.sent - st0.sent);
	ok(st.replies - st0.replies >= 202, "replies counter (%llu)", st.replies - st0.replies);
	is_int(st.pending, 0, "nothing pending");
	is_int(st.timeouts - st0.timeouts, 0, "no timeouts on loopback");
}

static void
test_thousands(struct ping *p)
{
	struct ping_stats st0, st;
	int twice = 0, good, round, all = 1;
	double t0;

	/* Drops in a full receive queue are recovered by the later requests. */
	good = many(p, 4000, 3, 0.3, 4, &twice);
	is_int(good, 4000, "4000 probes in flight all answer");
	is_int(twice, 0, "no probe called back twice");

	/* 70 rounds of 1000: the 16-bit sequence numbers wrap. */
	ping_get_stats(p, &st0);
	t0 = loop_mono_ms();
	for (round = 0; round < 70 && all; round++) {
		good = many(p, 1000, 2, 0.5, 3, &twice);
		all = good == 1000 && twice == 0;
	}
	ping_get_stats(p, &st);
	ok(all, "70000 probes across a sequence wrap all answer (%d rounds, %.0f ms)",
	   round, loop_mono_ms() - t0);
	ok(st.sent - st0.sent >= 70000, "past 65536 requests on one socket (%llu)",
	   st.sent - st0.sent);
}

static int freed_in_cb;
static struct ping *victim;

static void
free_cb(void *arg, const char *addr, int ok_, double rtt, const char *err)
{
	(void)addr;
	(void)ok_;
	(void)rtt;
	(void)err;
	(*(int *)arg)++;
	if (victim) {
		ping_free(victim);
		victim = NULL;
		freed_in_cb++;
	}
}

static void
test_free(void)
{
	char err[256];
	int calls = 0, i;
	struct ping *p;

	p = ping_new(loop, err, sizeof err);
	for (i = 0; i < 5; i++)
		ping_probe(p, "127.0.0.1", 1, 0, 1, free_cb, &calls, err, sizeof err);
	ping_free(p);
	run_for(0.2);
	is_int(calls, 0, "ping_free drops pending probes without callback");

	p = ping_new(loop, err, sizeof err);
	victim = p;
	for (i = 0; i < 5; i++)
		ping_probe(p, "127.0.0.1", 1, 0, 1, free_cb, &calls, err, sizeof err);
	run_for(0.3);
	is_int(freed_in_cb, 1, "a callback freed the prober");
	is_int(calls, 1, "the other probes were dropped silently");
	ping_free(NULL);
	ok(1, "ping_free(NULL) is a no-op");
}

/* ---- namespace tests ---------------------------------------------------- */

static int
write_proc(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static int
lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd == -1)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

/* Move this process into a network namespace of its own; 0 or -1 with why. */
static int
enter_netns(char *why, size_t len)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (syscall(SYS_unshare, CLONE_NEWNET) == -1) {
		int e = errno;

		if (syscall(SYS_unshare, CLONE_NEWUSER | CLONE_NEWNET) == -1) {
			snprintf(why, len, "cannot make a network namespace (unshare: %s; "
			         "with a user namespace: %s)", strerror(e), strerror(errno));
			return -1;
		}
		write_proc("/proc/self/setgroups", "deny");
		snprintf(map, sizeof map, "0 %lu 1", (unsigned long)uid);
		if (write_proc("/proc/self/uid_map", map) == -1) {
			snprintf(why, len, "uid_map: %s", strerror(errno));
			return -1;
		}
		snprintf(map, sizeof map, "0 %lu 1", (unsigned long)gid);
		if (write_proc("/proc/self/gid_map", map) == -1) {
			snprintf(why, len, "gid_map: %s", strerror(errno));
			return -1;
		}
	}
	if (lo_up() == -1) {
		snprintf(why, len, "cannot bring lo up in the namespace: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Open ping_group_range to our group, or close it; 0 or -1 (a user
 * namespace maps one group only, and "1 0" names an unmapped one). */
static int
set_group_range(int open_)
{
	char v[64];

	if (open_)
		snprintf(v, sizeof v, "%lu %lu", (unsigned long)getegid(),
		         (unsigned long)getegid());
	else
		snprintf(v, sizeof v, "1 0");
	return write_proc("/proc/sys/net/ipv4/ping_group_range", v);
}

static int
echo_ignore(int on)
{
	const char *v = on ? "1" : "0";
	int rc = write_proc("/proc/sys/net/ipv4/icmp_echo_ignore_all", v);

	if (write_proc("/proc/sys/net/ipv6/icmp/echo_ignore_all", v) == -1)
		rc = rc == -1 ? -1 : 1;          /* 1: IPv4 only */
	return rc;
}

static void
test_silence(struct ping *p, const char *kind)
{
	struct res *r;
	double el;
	int v6;

	v6 = echo_ignore(1);
	if (v6 == -1) {
		skip("timeouts", "cannot set icmp_echo_ignore_all in the namespace");
		return;
	}
	r = ping1(p, "127.0.0.1", 3, 0.1, 0.5);
	el = r ? r->t_done - t_start : 0;
	ok(r && r->calls == 1 && !r->ok && strcmp(r->err, "timeout after 3 probes") == 0,
	   "%s: silent 127.0.0.1 -> '%s'", kind, r ? r->err : "");
	ok(el >= 450 && el < 1500, "%s: answered after the 0.5 s timeout (%.0f ms)", kind, el);
	r = ping1(p, "127.0.0.1", 1, 0, 0.2);
	ok(r && !r->ok && strcmp(r->err, "timeout after 1 probe") == 0,
	   "%s: one request -> '%s'", kind, r ? r->err : "");
	r = ping1(p, "127.0.0.1", 10, 0.2, 0.5);
	ok(r && !r->ok && strcmp(r->err, "timeout after 3 probes") == 0,
	   "%s: requests due after the timeout are not sent -> '%s'", kind, r ? r->err : "");
	run_for(0.3);
	is_int(R[0].calls, 1, "%s: still exactly one callback", kind);
	if (v6 == 0) {
		r = ping1(p, "::1", 2, 0.1, 0.4);
		ok(r && !r->ok && strcmp(r->err, "timeout after 2 probes") == 0,
		   "%s: silent ::1 -> '%s'", kind, r ? r->err : "");
	} else {
		skip("::1 timeout", "net.ipv6.icmp.echo_ignore_all not available");
	}
	echo_ignore(0);
	r = ping1(p, "127.0.0.1", 1, 0, 1);
	ok(r && r->ok, "%s: answers again once echo replies are back on", kind);
}

static void
test_unreachable(struct ping *p, const char *kind)
{
	struct ping_stats st0, st;
	struct res *r;
	int rc;

	ping_get_stats(p, &st0);
	/* The namespace has no route but lo: nothing can leave it. */
	r = ping1(p, "192.0.2.1", 3, 0.1, 2);
	ok(r && r->calls == 1 && !r->ok && strcmp(r->err, "network unreachable") == 0 &&
	   r->t_done - t_start < 500, "%s: no route -> '%s'", kind, r ? r->err : "");
	ping_get_stats(p, &st);
	is_int(st.errors - st0.errors, 1, "%s: counted as an error", kind);
	if (st.ipv6) {
		r = ping1(p, "2001:db8::1", 1, 0, 2);
		ok(r && !r->ok && strcmp(r->err, "network unreachable") == 0,
		   "%s: no IPv6 route -> '%s'", kind, r ? r->err : "");
	}
	rc = system("ip route add unreachable 198.51.100.0/24 2>/dev/null || "
	            "ip route show 198.51.100.0/24 | grep -q unreachable");
	if (rc != 0) {
		skip("host unreachable", "cannot add an unreachable route with ip(8)");
		return;
	}
	r = ping1(p, "198.51.100.7", 1, 0, 2);
	ok(r && !r->ok && strcmp(r->err, "host unreachable") == 0,
	   "%s: unreachable route -> '%s'", kind, r ? r->err : "");
}

/* Two requests back to back: the reply to the one not waited for any more
 * (the probe finished on the first reply) is counted as stray. */
static void
test_stray(struct ping *p, const char *kind)
{
	struct ping_stats st0, st;
	int i;

	ping_get_stats(p, &st0);
	for (i = 0; i < 20; i++)
		ping1(p, "127.0.0.1", 2, 0, 1);
	run_for(0.1);
	ping_get_stats(p, &st);
	ok(st.stray > st0.stray && st.replies - st0.replies == 20,
	   "%s: late replies counted as stray (%llu), 20 probes answered", kind,
	   st.stray - st0.stray);
}

static void
test_kind(int dgram)
{
	const char *kind = dgram ? "dgram" : "raw";
	struct ping_stats st;
	char err[512];
	struct ping *p;
	int twice = 0;

	if (set_group_range(dgram) == -1) {
		snprintf(err, sizeof err, "cannot %s net.ipv4.ping_group_range in the "
		         "namespace: %s", dgram ? "open" : "close", strerror(errno));
		skip(kind, err);
		return;
	}
	p = ping_new(loop, err, sizeof err);
	if (!ok(p != NULL, "%s: ping_new in the namespace", kind)) {
		diag("%s", err);
		return;
	}
	ping_get_stats(p, &st);
	is_int(st.raw, !dgram, "%s: socket kind", kind);
	ok(ping1(p, "127.0.0.1", 1, 0, 2)->ok, "%s: 127.0.0.1 answers", kind);
	if (st.ipv6)
		ok(ping1(p, "::1", 1, 0, 2)->ok, "%s: ::1 answers", kind);
	else
		skip("::1", "no IPv6 ICMP socket in the namespace");
	is_int(many(p, 199, 1, 0, 3, &twice), 199, "%s: 199 loopback addresses answer", kind);
	test_silence(p, kind);
	test_unreachable(p, kind);
	test_stray(p, kind);
	ping_free(p);
}

/* With ping_group_range closed and CAP_NET_RAW dropped, ping_new says why. */
static void
test_no_socket(void)
{
	int fds[2], status = 0;
	char buf[512] = "";
	ssize_t n;
	pid_t pid;

	if (set_group_range(0) == -1) {
		snprintf(buf, sizeof buf, "cannot close net.ipv4.ping_group_range in the "
		         "namespace: %s", strerror(errno));
		skip("ping_new error", buf);
		return;
	}
	if (pipe(fds) == -1) {
		skip("ping_new error", "pipe failed");
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		char err[512] = "";
		struct ping *p;

		alarm(10);
		close(fds[0]);
		if (syscall(SYS_capget, &h, d) == 0) {
			d[0].effective &= ~(1u << CAP_NET_RAW);
			d[0].permitted &= ~(1u << CAP_NET_RAW);
			syscall(SYS_capset, &h, d);
		}
		p = ping_new(loop, err, sizeof err);
		if (p)
			snprintf(err, sizeof err, "ping_new succeeded");
		if (write(fds[1], err, strlen(err)) < 0)
			_exit(2);
		_exit(p ? 1 : 0);
	}
	close(fds[1]);
	n = pid > 0 ? read(fds[0], buf, sizeof buf - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	ok(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "no ICMP socket allowed: ping_new fails");
	ok(strstr(buf, "ping: cannot open an IPv4 ICMP socket") &&
	   strstr(buf, "ping_group_range") && strstr(buf, "CAP_NET_RAW"),
	   "the error names both remedies: %s", buf);
}

int
main(void)
{
	char err[512], why[512];
	struct ping *p;

	log_init("test_ping", NULL, err, sizeof err);
	log_set_level("error", err, sizeof err);
	signal(SIGPIPE, SIG_IGN);
	loop = EV_DEFAULT;

	p = ping_new(loop, err, sizeof err);
	if (p) {
		struct ping_stats st;

		ping_get_stats(p, &st);
		diag("host namespace: %s sockets, IPv6 %s", st.raw ? "raw" : "datagram",
		     st.ipv6 ? "yes" : "no");
		test_refusals(p);
		test_loopback(p);
		test_thousands(p);
		ping_free(p);
		test_free();
	} else {
		ok(strstr(err, "ping_group_range") && strstr(err, "CAP_NET_RAW"),
		   "ping_new refused in the host namespace, saying why: %s", err);
		skip("loopback probes in the host namespace", err);
	}

	if (enter_netns(why, sizeof why) == -1) {
		skip("namespace tests (timeouts, unreachable, both socket kinds)", why);
		return done_testing();
	}
	diag("in a network namespace of the test's own");
	test_kind(1);
	test_kind(0);
	test_no_socket();
	return done_testing();
}
