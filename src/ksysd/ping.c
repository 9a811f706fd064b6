/* ping — ICMP echo requests and replies on the libev loop.
 *
 * One non-blocking socket per address family (datagram ICMP socket, or a raw
 * socket when that is refused), one ev_io per socket, two ev_timers per probe
 * (next request, overall deadline).  A 65536-entry table per socket maps each
 * pending sequence number to its probe, so thousands of probes can be in
 * flight and a reply is matched in O(1).  Not for deciding what a silence
 * means: fde.c does that.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "log.h"
#include "loop.h"
#include "mem.h"
#include "ping.h"
#include "str.h"

#define PING_SEQ_SLOTS 65536
#define PING_MAX_COUNT 10
#define PING_MAX_SECS 3600.0
#define PING_ADDR_MAX 64
#define PING_MAGIC_LEN 8
#define PING_PAYLOAD 24               /* magic + 16 bytes of padding */
#define PING_PKT_MAX 2048
#define PING_RCVBUF (1 << 20)
#define PING_DRAIN_MAX 512            /* packets read per wakeup */
#define PING_RETRY_SECS 0.01          /* after EAGAIN/ENOBUFS on send */

#define ICMP4_ECHO 8
#define ICMP4_ECHOREPLY 0
#define ICMP6_ECHO 128
#define ICMP6_ECHOREPLY 129

#ifndef SOL_RAW
#define SOL_RAW 255
#endif
#define PING_ICMP_FILTER 1            /* linux/icmp.h ICMP_FILTER */

struct probe;

struct ping_sock {
	ev_io io;                         /* first member: io_cb casts */
	struct ping *p;
	int family;
	int raw;
	uint16_t ident;                   /* raw sockets: our identifier */
	uint16_t next_seq;
	size_t in_use;
	struct probe **slot;              /* PING_SEQ_SLOTS: pending seq -> probe */
};

struct probe {
	ev_timer send_w;                  /* next request */
	ev_timer deadline_w;              /* whole probe */
	struct ping *p;
	struct ping_sock *s;              /* NULL: family without a socket */
	struct probe *prev, *next;
	struct sockaddr_storage sa;
	socklen_t salen;
	int count, sent, nseq, started;
	double interval, timeout;
	uint16_t seq[PING_MAX_COUNT];
	double t_sent[PING_MAX_COUNT];    /* loop_mono_ms() of each request */
	ping_cb cb;
	void *arg;
	char addr[PING_ADDR_MAX];
};

struct ping {
	struct ev_loop *loop;
	struct ping_sock *s4, *s6;
	char err6[200];                   /* why IPv6 has no socket */
	struct probe *probes;             /* pending, doubly linked */
	struct ping_stats st;
	unsigned char magic[PING_MAGIC_LEN];
	int in_cb;                        /* depth of user callbacks */
	int dead;                         /* ping_free() ran inside a callback */
};

/* ---- sockets ------------------------------------------------------------ */

static void
fill_random(void *buf, size_t n)
{
	unsigned char *b = buf;
	struct timespec ts;
	size_t i;

	if (getrandom(buf, n, GRND_NONBLOCK) == (ssize_t)n)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (i = 0; i < n; i++)
		b[i] = (unsigned char)((unsigned long)ts.tv_nsec >> (i % 4 * 8)) ^
		       (unsigned char)(getpid() >> (i % 2 * 8)) ^ (unsigned char)(i * 131);
}

static void
set_rcvbuf(int fd)
{
	int sz = PING_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
}

/* Raw sockets see every ICMP message of the host: let only echo replies in. */
static void
set_raw_filter(int fd, int family)
{
	if (family == AF_INET) {
		uint32_t block = ~(uint32_t)(1u << ICMP4_ECHOREPLY);

		if (setsockopt(fd, SOL_RAW, PING_ICMP_FILTER, &block, sizeof block) == -1)
			log_msg(LOGL_DEBUG, "ping", "event=filter_failed family=inet err=\"%s\"",
			        strerror(errno));
	} else {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHOREPLY, &f);
		if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f) == -1)
			log_msg(LOGL_DEBUG, "ping", "event=filter_failed family=inet6 err=\"%s\"",
			        strerror(errno));
	}
}

static int
dgram_refused(int e)
{
	return e == EACCES || e == EPERM || e == EPROTONOSUPPORT || e == ESOCKTNOSUPPORT;
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents);

static struct ping_sock *
sock_open(struct ping *p, int family, char *err, size_t errlen)
{
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	const char *fam = family == AF_INET ? "ICMP" : "ICMPv6";
	struct ping_sock *s;
	int fd, raw = 0, e1, e2;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd == -1) {
		e1 = errno;
		if (!dgram_refused(e1)) {
			snprintf(err, errlen, "%s datagram socket: %s", fam, strerror(e1));
			return NULL;
		}
		fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
		if (fd == -1) {
			e2 = errno;
			snprintf(err, errlen, "%s datagram socket: %s (net.ipv4.ping_group_range "
			         "must include group %lu); raw socket: %s (needs CAP_NET_RAW)",
			         fam, strerror(e1), (unsigned long)getegid(), strerror(e2));
			return NULL;
		}
		raw = 1;
		set_raw_filter(fd, family);
	}
	set_rcvbuf(fd);
	s = mem_calloc(1, sizeof *s);
	s->slot = mem_calloc(PING_SEQ_SLOTS, sizeof *s->slot);
	s->p = p;
	s->family = family;
	s->raw = raw;
	fill_random(&s->ident, sizeof s->ident);
	fill_random(&s->next_seq, sizeof s->next_seq);
	ev_io_init(&s->io, io_cb, fd, EV_READ);
	ev_io_start(p->loop, &s->io);
	log_msg(LOGL_INFO, "ping", "event=socket family=%s kind=%s",
	        family == AF_INET ? "inet" : "inet6", raw ? "raw" : "dgram");
	return s;
}

static void
sock_close(struct ping *p, struct ping_sock *s)
{
	if (!s)
		return;
	ev_io_stop(p->loop, &s->io);
	close(s->io.fd);
	free(s->slot);
	free(s);
}

struct ping *
ping_new(struct ev_loop *loop, char *err, size_t errlen)
{
	struct ping *p = mem_calloc(1, sizeof *p);
	char e[sizeof p->err6];

	p->loop = loop;
	fill_random(p->magic, sizeof p->magic);
	p->s4 = sock_open(p, AF_INET, e, sizeof e);
	if (!p->s4) {
		snprintf(err, errlen, "ping: cannot open an IPv4 ICMP socket: %s", e);
		free(p);
		return NULL;
	}
	p->s6 = sock_open(p, AF_INET6, p->err6, sizeof p->err6);
	if (!p->s6)
		log_msg(LOGL_WARN, "ping", "event=no_ipv6 err=\"%s\"", p->err6);
	return p;
}

/* ---- probes ------------------------------------------------------------- */

static void
release_seqs(struct probe *pr)
{
	int i;

	if (!pr->s)
		return;
	for (i = 0; i < pr->nseq; i++) {
		if (pr->s->slot[pr->seq[i]] == pr) {
			pr->s->slot[pr->seq[i]] = NULL;
			pr->s->in_use--;
		}
	}
	pr->nseq = 0;
}

/* Stop, unlink and free a probe without telling anyone. */
static void
probe_drop(struct probe *pr)
{
	struct ping *p = pr->p;

	ev_timer_stop(p->loop, &pr->send_w);
	ev_timer_stop(p->loop, &pr->deadline_w);
	release_seqs(pr);
	if (pr->prev)
		pr->prev->next = pr->next;
	else
		p->probes = pr->next;
	if (pr->next)
		pr->next->prev = pr->prev;
	p->st.pending--;
	free(pr);
}

static void
ping_destroy(struct ping *p)
{
	while (p->probes)
		probe_drop(p->probes);
	sock_close(p, p->s4);
	sock_close(p, p->s6);
	p->s4 = p->s6 = NULL;
}

void
ping_free(struct ping *p)
{
	if (!p)
		return;
	ping_destroy(p);
	if (p->in_cb)
		p->dead = 1;     /* the callback's caller frees p when it returns */
	else
		free(p);
}

/* Ends a probe and calls its callback.  Returns -1 when the callback freed
 * the ping (the caller must not touch it or its sockets any more). */
static int
finish(struct probe *pr, int ok, double rtt_ms, const char *err)
{
	struct ping *p = pr->p;
	ping_cb cb = pr->cb;
	void *arg = pr->arg;
	char addr[PING_ADDR_MAX];

	str_copy(addr, sizeof addr, pr->addr);
	probe_drop(pr);
	p->in_cb++;
	cb(arg, addr, ok, rtt_ms, err);
	p->in_cb--;
	if (p->dead && !p->in_cb) {
		free(p);
		return -1;
	}
	return 0;
}

static int
fail(struct probe *pr, const char *err)
{
	pr->p->st.errors++;
	log_msg(LOGL_DEBUG, "ping", "event=probe_error addr=%s err=\"%s\"", pr->addr, err);
	return finish(pr, 0, 0, err);
}

static uint16_t
cksum(const unsigned char *b, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int
take_seq(struct ping_sock *s, struct probe *pr)
{
	long i;

	if (s->in_use >= PING_SEQ_SLOTS)
		return -1;
	for (i = 0; i < PING_SEQ_SLOTS; i++) {
		uint16_t q = s->next_seq++;

		if (!s->slot[q]) {
			s->slot[q] = pr;
			s->in_use++;
			return q;
		}
	}
	return -1;
}

static const char *
send_error(int e, char *buf, size_t len)
{
	if (e == ENETUNREACH)
		return "network unreachable";
	if (e == EHOSTUNREACH)
		return "host unreachable";
	snprintf(buf, len, "send: %s", strerror(e));
	return buf;
}

static void
send_request(struct probe *pr)
{
	struct ping *p = pr->p;
	struct ping_sock *s = pr->s;
	unsigned char pkt[8 + PING_PAYLOAD];
	char ebuf[sizeof p->err6 + 32];
	uint16_t c;
	ssize_t n;
	int q;

	if (!pr->started) {
		pr->started = 1;
		ev_timer_set(&pr->deadline_w, pr->timeout, 0.);
		ev_timer_start(p->loop, &pr->deadline_w);
	}
	if (!s) {
		snprintf(ebuf, sizeof ebuf, "IPv6 ICMP unavailable: %s", p->err6);
		fail(pr, ebuf);
		return;
	}
	q = take_seq(s, pr);
	if (q == -1) {
		fail(pr, "too many requests in flight (65536 per address family)");
		return;
	}
	memset(pkt, 0, sizeof pkt);
	pkt[0] = s->family == AF_INET ? ICMP4_ECHO : ICMP6_ECHO;
	pkt[4] = (unsigned char)(s->ident >> 8);
	pkt[5] = (unsigned char)s->ident;
	pkt[6] = (unsigned char)(q >> 8);
	pkt[7] = (unsigned char)q;
	memcpy(pkt + 8, p->magic, PING_MAGIC_LEN);
	if (s->family == AF_INET) {     /* ICMPv6 checksums are the kernel's */
		c = cksum(pkt, sizeof pkt);
		pkt[2] = (unsigned char)(c >> 8);
		pkt[3] = (unsigned char)c;
	}
	n = sendto(s->io.fd, pkt, sizeof pkt, 0, (struct sockaddr *)&pr->sa, pr->salen);
	if (n == -1) {
		int e = errno;

		s->slot[q] = NULL;
		s->in_use--;
		if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS || e == EINTR) {
			/* A full queue loses this request like the network would;
			 * try again shortly, within the same deadline. */
			ev_timer_set(&pr->send_w, PING_RETRY_SECS, 0.);
			ev_timer_start(p->loop, &pr->send_w);
			return;
		}
		fail(pr, send_error(e, ebuf, sizeof ebuf));
		return;
	}
	pr->seq[pr->nseq] = (uint16_t)q;
	pr->t_sent[pr->nseq] = loop_mono_ms();
	pr->nseq++;
	pr->sent++;
	p->st.sent++;
	if (pr->sent < pr->count) {
		ev_timer_set(&pr->send_w, pr->interval, 0.);
		ev_timer_start(p->loop, &pr->send_w);
	}
}

static void
send_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	send_request(w->data);
}

static void
deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct probe *pr = w->data;
	char msg[64];

	(void)loop;
	(void)revents;
	pr->p->st.timeouts++;
	snprintf(msg, sizeof msg, "timeout after %d probe%s", pr->sent,
	         pr->sent == 1 ? "" : "s");
	log_msg(LOGL_DEBUG, "ping", "event=probe_timeout addr=%s sent=%d", pr->addr, pr->sent);
	finish(pr, 0, 0, msg);
}

/* ---- replies ------------------------------------------------------------ */

static int
same_addr(const struct probe *pr, const struct sockaddr_storage *from)
{
	if (from->ss_family != pr->sa.ss_family)
		return 0;
	if (from->ss_family == AF_INET)
		return ((const struct sockaddr_in *)from)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)&pr->sa)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)from)->sin6_addr,
	              &((const struct sockaddr_in6 *)&pr->sa)->sin6_addr,
	              sizeof(struct in6_addr)) == 0;
}

/* One received datagram.  Returns -1 when a callback freed the ping. */
static int
handle(struct ping_sock *s, const unsigned char *b, size_t n,
       const struct sockaddr_storage *from)
{
	struct ping *p = s->p;
	struct probe *pr;
	uint16_t id, seq;
	size_t hl;
	int i;

	if (s->raw && s->family == AF_INET) {          /* IPv4 header first */
		if (n < 20 || (b[0] >> 4) != 4)
			return 0;
		hl = (size_t)(b[0] & 0x0f) * 4;
		if (hl < 20 || hl > n)
			return 0;
		b += hl;
		n -= hl;
	}
	if (n < 8 || b[0] != (s->family == AF_INET ? ICMP4_ECHOREPLY : ICMP6_ECHOREPLY) ||
	    b[1] != 0)
		return 0;                               /* not an echo reply */
	id = (uint16_t)(b[4] << 8 | b[5]);
	seq = (uint16_t)(b[6] << 8 | b[7]);
	if (s->raw && (id != s->ident || n < 8 + PING_MAGIC_LEN ||
	               memcmp(b + 8, p->magic, PING_MAGIC_LEN) != 0))
		return 0;                               /* another program's ping */
	pr = s->slot[seq];
	if (!pr || !same_addr(pr, from) || n < 8 + PING_MAGIC_LEN ||
	    memcmp(b + 8, p->magic, PING_MAGIC_LEN) != 0) {
		p->st.stray++;
		log_msg(LOGL_DEBUG, "ping", "event=stray seq=%u pending=%d", seq, pr != NULL);
		return 0;
	}
	for (i = 0; i < pr->nseq && pr->seq[i] != seq; i++)
		;
	p->st.replies++;
	return finish(pr, 1, i < pr->nseq ? loop_mono_ms() - pr->t_sent[i] : 0, NULL);
}

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ping_sock *s = (struct ping_sock *)w;
	unsigned char buf[PING_PKT_MAX];
	struct sockaddr_storage from;
	socklen_t fl;
	ssize_t n;
	int i;

	(void)loop;
	(void)revents;
	for (i = 0; i < PING_DRAIN_MAX; i++) {
		fl = sizeof from;
		n = recvfrom(w->fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_msg(LOGL_DEBUG, "ping", "event=recv_failed err=\"%s\"",
				        strerror(errno));
			return;
		}
		if (handle(s, buf, (size_t)n, &from) == -1)
			return;
	}
}

/* ---- API ---------------------------------------------------------------- */

/* IPv4 or IPv6 literal (IPv6 with %scope), unicast; 0 or -1 with err. */
static int
parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len,
           char *err, size_t errlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[PING_ADDR_MAX];
	const char *pct;
	unsigned long a;

	memset(ss, 0, sizeof *ss);
	if (!addr || !*addr || strlen(addr) >= PING_ADDR_MAX)
		goto bad;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1)
		goto v4;
	pct = strchr(addr, '%');
	str_copy(host, sizeof host, addr);
	if (pct)
		host[pct - addr] = '\0';
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
		goto bad;
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) && !pct) {
		struct in_addr v4;

		memcpy(&v4, &sin6->sin6_addr.s6_addr[12], sizeof v4);
		memset(ss, 0, sizeof *ss);
		sin->sin_addr = v4;
		goto v4;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr) || IN6_IS_ADDR_MULTICAST(&sin6->sin6_addr)) {
		snprintf(err, errlen, "ping: address '%s' is not a unicast address", addr);
		return -1;
	}
	if (pct) {
		char *end;

		sin6->sin6_scope_id = if_nametoindex(pct + 1);
		if (!sin6->sin6_scope_id) {
			errno = 0;
			sin6->sin6_scope_id = (uint32_t)strtoul(pct + 1, &end, 10);
			if (!pct[1] || *end || errno || !sin6->sin6_scope_id) {
				snprintf(err, errlen, "ping: address '%s': unknown interface "
				         "or scope '%s'", addr, pct + 1);
				return -1;
			}
		}
	}
	sin6->sin6_family = AF_INET6;
	*len = sizeof *sin6;
	return 0;
v4:
	a = ntohl(sin->sin_addr.s_addr);
	if (a == 0 || a == 0xffffffffUL || (a >> 28) == 0xe) {
		snprintf(err, errlen, "ping: address '%s' is not a unicast address", addr);
		return -1;
	}
	sin->sin_family = AF_INET;
	*len = sizeof *sin;
	return 0;
bad:
	snprintf(err, errlen, "ping: address '%s' is not an IPv4 or IPv6 address "
	         "literal", addr ? addr : "(null)");
	return -1;
}

int
ping_probe(struct ping *p, const char *addr, int count, double interval,
           double timeout, ping_cb cb, void *arg, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	struct probe *pr;

	if (!p || p->dead || !cb) {
		snprintf(err, errlen, "ping: no prober or no callback");
		return -1;
	}
	if (count < 1 || count > PING_MAX_COUNT) {
		snprintf(err, errlen, "ping: count must be 1..%d, got %d", PING_MAX_COUNT, count);
		return -1;
	}
	if (!isfinite(interval) || interval < 0 || interval > PING_MAX_SECS) {
		snprintf(err, errlen, "ping: interval must be 0..%.0f seconds, got %g",
		         PING_MAX_SECS, interval);
		return -1;
	}
	if (!isfinite(timeout) || timeout <= 0 || timeout > PING_MAX_SECS) {
		snprintf(err, errlen, "ping: timeout must be more than 0 and at most "
		         "%.0f seconds, got %g", PING_MAX_SECS, timeout);
		return -1;
	}
	if (parse_addr(addr, &ss, &len, err, errlen) == -1)
		return -1;
	pr = mem_calloc(1, sizeof *pr);
	pr->p = p;
	pr->s = ss.ss_family == AF_INET ? p->s4 : p->s6;
	pr->sa = ss;
	pr->salen = len;
	pr->count = count;
	pr->interval = interval;
	pr->timeout = timeout;
	pr->cb = cb;
	pr->arg = arg;
	str_copy(pr->addr, sizeof pr->addr, addr);
	ev_timer_init(&pr->send_w, send_cb, 0., 0.);
	ev_timer_init(&pr->deadline_w, deadline_cb, timeout, 0.);
	pr->send_w.data = pr;
	pr->deadline_w.data = pr;
	pr->next = p->probes;
	if (p->probes)
		p->probes->prev = pr;
	p->probes = pr;
	p->st.pending++;
	ev_timer_start(p->loop, &pr->send_w);   /* first request from the loop */
	return 0;
}

void
ping_get_stats(const struct ping *p, struct ping_stats *out)
{
	*out = p->st;
	out->raw = (p->s4 && p->s4->raw) || (p->s6 && p->s6->raw);
	out->ipv6 = p->s6 != NULL;
}
