/* netaddr — partition addresses and --ping-netdev (see netaddr.h).
 *
 * With --ping-netdev the wanted state of every managed address (present on
 * DEV or not) is compared with what `ip` last applied; a zero-delay timer
 * coalesces the changes of one loop iteration into one `ip -force -batch -`
 * child at a time, and its completion starts the next batch if more changed
 * meanwhile.
 */
#include "netaddr.h"

#include <dirent.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "proc.h"

#define IP_TIMEOUT 20.0                 /* real seconds for one `ip -batch` */

struct simnet {
	struct world *w;
	char dev[IF_NAMESIZE];
	signed char *applied;           /* per lpar: -1 unmanaged/unknown, 0 absent, 1 present */
	signed char *sent;              /* in the batch now running, -1 not in it */
	struct proc *running;
	ev_timer flush;
	int dirty;
	int orphan;                     /* freed while ip ran: done_cb frees it */
	unsigned long long batches, failures;
};

int
simnet_addr(const char *base, int h, int id, char *out, size_t len)
{
	long v;

	if (strcmp(base, "10.77") == 0) {
		if (h + 1 > 255 || id < 1 || id > 254)
			return -1;
		snprintf(out, len, "10.77.%d.%d", h + 1, id);
		return 0;
	}
	v = (1L << 16) + ((long)(h + 1) << 8) + (id & 255);
	snprintf(out, len, "127.%ld.%ld.%ld", (v >> 16) & 255, (v >> 8) & 255, v & 255);
	return 0;
}

/* Managed addresses: IPv4, not loopback. */
static int
managed(const struct sim_lpar *l)
{
	unsigned a, b, c, d;
	char tail;

	return sscanf(l->ip, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a != 127 &&
	       a < 256 && b < 256 && c < 256 && d < 256;
}

static int
want(const struct world *w, const struct sim_lpar *l)
{
	return world_lpar_answers_ping(w, l);
}

static void flush_cb(struct ev_loop *loop, ev_timer *t, int revents);

static void
schedule(struct simnet *n)
{
	n->dirty = 1;
	if (!n->running && n->w->loop && !ev_is_active(&n->flush)) {
		ev_timer_set(&n->flush, 0, 0);
		ev_timer_start(n->w->loop, &n->flush);
	}
}

static void
done_cb(struct proc *p, const struct proc_result *r, void *arg)
{
	struct simnet *n = arg;
	size_t i;

	(void)p;
	n->running = NULL;
	if (n->orphan) {
		free(n->applied);
		free(n->sent);
		free(n);
		return;
	}
	for (i = 0; i < n->w->n_lpars; i++)
		if (n->sent[i] != -1) {
			n->applied[i] = n->sent[i];
			n->sent[i] = -1;
		}
	if (!r->exited || r->status != 0) {
		n->failures++;
		log_msg(LOGL_WARN, "net", "event=ip_batch_failed dev=%s status=%d timed_out=%d "
		        "stderr=\"%.300s\"", n->dev, r->status, r->timed_out, buf_str(&r->err));
	}
	if (n->dirty)
		schedule(n);
}

static void
flush_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct simnet *n = (struct simnet *)((char *)t - offsetof(struct simnet, flush));
	static const char *const argv[] = { "ip", "-force", "-batch", "-", NULL };
	struct proc_opts o = { 0 };
	struct buf in = { 0 };
	size_t i, k = 0;
	char err[256];

	(void)loop;
	(void)revents;
	if (n->running)
		return;
	n->dirty = 0;
	for (i = 0; i < n->w->n_lpars; i++) {
		struct sim_lpar *l = &n->w->lpars[i];
		int wt;

		if (!managed(l))
			continue;
		wt = want(n->w, l);
		if (wt == n->applied[i])
			continue;
		buf_printf(&in, "address %s %s/%d dev %s\n", wt ? "add" : "del", l->ip,
		           strncmp(l->ip, "10.77.", 6) == 0 ? 16 : 32, n->dev);
		n->sent[i] = (signed char)wt;
		k++;
	}
	if (!k) {
		buf_free(&in);
		return;
	}
	o.argv = argv;
	o.input = buf_str(&in);
	o.timeout = IP_TIMEOUT;
	n->batches++;
	n->running = proc_start(n->w->loop, &o, done_cb, n, err, sizeof err);
	if (!n->running) {
		log_msg(LOGL_WARN, "net", "event=ip_start_failed error=\"%s\"", err);
		for (i = 0; i < n->w->n_lpars; i++)
			n->sent[i] = -1;
		n->failures++;
	} else {
		log_msg(LOGL_DEBUG, "net", "event=ip_batch dev=%s changes=%zu", n->dev, k);
	}
	buf_free(&in);
}

/* The name of the `ip netns add` namespace (under /run/netns) hmcsim runs
 * in, or -1 with err when it runs in none of them (the host's namespace). */
static int
named_netns(char *name, size_t len, char *err, size_t errlen)
{
	static const char *const dirs[] = { "/run/netns", "/var/run/netns" };
	char path[512];
	struct stat self, st;
	struct dirent *e;
	size_t i;
	DIR *d;

	if (stat("/proc/self/ns/net", &self) == -1) {
		snprintf(err, errlen, "--ping-netdev: cannot tell which network namespace "
		         "hmcsim runs in (/proc/self/ns/net: %s)", strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (!(d = opendir(dirs[i])))
			continue;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", dirs[i], e->d_name);
			if (stat(path, &st) == 0 && st.st_ino == self.st_ino &&
			    st.st_dev == self.st_dev) {
				snprintf(name, len, "%s", e->d_name);
				closedir(d);
				return 0;
			}
		}
		closedir(d);
	}
	snprintf(err, errlen, "--ping-netdev: hmcsim does not run in a network namespace made "
	         "for the test; create one (ip netns add NS) and run hmcsim in it "
	         "(ip netns exec NS hmcsim --ping-netdev DEV ...)");
	return -1;
}

static int
driver_of(const char *dev, char *out, size_t len, char *err, size_t errlen)
{
	struct ethtool_drvinfo info;
	struct ifreq ifr;
	int fd, rc;

	memset(&ifr, 0, sizeof ifr);
	memset(&info, 0, sizeof info);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", dev);
	info.cmd = ETHTOOL_GDRVINFO;
	ifr.ifr_data = (char *)&info;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "--ping-netdev: socket: %s", strerror(errno));
		return -1;
	}
	rc = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	if (rc == -1) {
		snprintf(err, errlen, "--ping-netdev: cannot read the driver of %s: %s", dev,
		         strerror(errno));
		return -1;
	}
	snprintf(out, len, "%s", info.driver);
	return 0;
}

int
simnet_start(struct world *w, const char *dev, char *err, size_t errlen)
{
	struct simnet *n;
	char drv[64], ns[256];
	size_t i;

	if (geteuid() != 0) {
		snprintf(err, errlen, "--ping-netdev needs root: hmcsim adds and removes the "
		         "partitions' addresses on %s with ip", dev);
		return -1;
	}
	if (strlen(dev) >= IF_NAMESIZE || !if_nametoindex(dev)) {
		snprintf(err, errlen, "--ping-netdev: no network interface '%s' in this "
		         "namespace", dev);
		return -1;
	}
	if (named_netns(ns, sizeof ns, err, errlen) == -1 ||
	    driver_of(dev, drv, sizeof drv, err, errlen) == -1)
		return -1;
	if (strcmp(drv, "dummy") != 0 && strcmp(drv, "veth") != 0) {
		snprintf(err, errlen, "--ping-netdev: %s is a '%s' interface; it must be a dummy "
		         "or veth interface made for the test", dev, drv);
		return -1;
	}
	if (!w->loop) {
		snprintf(err, errlen, "--ping-netdev: no event loop");
		return -1;
	}
	for (i = 0; i < w->n_lpars; i++) {
		struct sim_lpar *l = &w->lpars[i];
		int h = l->host;
		if (!l->ip_auto)
			continue;
		if (simnet_addr("10.77", h, l->id, l->ip, sizeof l->ip) == -1) {
			snprintf(err, errlen, "--ping-netdev: partition %s (host %d, id %d) does not "
			         "fit 10.77.0.0/16: at most 255 hosts and partition ids 1-254",
			         l->name, h + 1, l->id);
			return -1;
		}
	}
	n = mem_calloc(1, sizeof *n);
	n->w = w;
	snprintf(n->dev, sizeof n->dev, "%s", dev);
	n->applied = mem_calloc(w->n_lpars ? w->n_lpars : 1, 1);
	n->sent = mem_calloc(w->n_lpars ? w->n_lpars : 1, 1);
	for (i = 0; i < w->n_lpars; i++) {
		n->applied[i] = -1;
		n->sent[i] = -1;
	}
	ev_timer_init(&n->flush, flush_cb, 0, 0);
	w->net = n;
	log_msg(LOGL_INFO, "net", "event=ping_netdev netns=%s dev=%s driver=%s", ns, dev, drv);
	schedule(n);
	return 0;
}

void
simnet_lpar_changed(struct world *w, struct sim_lpar *l)
{
	struct simnet *n = w->net;
	size_t i = (size_t)(l - w->lpars);

	if (!n || !managed(l) || want(w, l) == n->applied[i])
		return;
	schedule(n);
}

size_t
simnet_pending(const struct world *w)
{
	struct simnet *n = w->net;
	size_t i, k = 0;

	for (i = 0; n && i < w->n_lpars; i++)
		if (managed(&w->lpars[i]) && want(w, &w->lpars[i]) != n->applied[i])
			k++;
	return k;
}

const char *
simnet_ping_word(const struct world *w, const struct sim_lpar *l)
{
	if (want(w, l))
		return "answers";
	return strncmp(l->ip, "127.", 4) == 0 ? "silent:loopback-answers" : "silent";
}

void
simnet_free(struct simnet *n)
{
	if (!n)
		return;
	if (n->w->loop)
		ev_timer_stop(n->w->loop, &n->flush);
	n->w->net = NULL;
	if (n->running) {
		n->orphan = 1;          /* the batch's callback frees it, if the loop runs */
		return;
	}
	free(n->applied);
	free(n->sent);
	free(n);
}
