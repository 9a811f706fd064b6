/* ping — ICMP echo checks on the event loop, many in flight.
 *
 * Uses an unprivileged ICMP datagram socket (SOCK_DGRAM, IPPROTO_ICMP /
 * IPPROTO_ICMPV6: net.ipv4.ping_group_range must include ksysd's group) and
 * falls back to a raw socket (CAP_NET_RAW) when that is refused.  One socket
 * per address family, non-blocking, watched by libev; every probe has its
 * own identifier/sequence pair so replies are matched exactly, and its own
 * timeout on the loop.  Not for deciding what a silence means (fde.c).
 */
#ifndef KSYS_PING_H
#define KSYS_PING_H

#include <stddef.h>

struct ev_loop;
struct ping;

/* NULL with err when neither socket kind can be opened for IPv4 (IPv6 is
 * optional: probes to IPv6 addresses then fail with a clear error). */
struct ping *ping_new(struct ev_loop *loop, char *err, size_t errlen);
/* Closes the sockets; probes still pending are dropped without callback. */
void ping_free(struct ping *p);

/* ok: 1 when an echo reply came back, 0 on timeout or error (err says
 * which: "timeout after 3 probes", "network unreachable", ...).  rtt_ms of
 * the first reply.  Called exactly once per accepted probe, from the loop,
 * never from inside ping_probe. */
typedef void (*ping_cb)(void *arg, const char *addr, int ok, double rtt_ms,
                        const char *err);

/* Sends count echo requests (1..10) to addr (an IPv4 or IPv6 literal),
 * interval real seconds apart, and answers ok at the first matching reply or
 * not ok timeout real seconds after the first request.  Times are real
 * seconds; callers scale them (tscale.h).  0, or -1 with err for a malformed
 * address or bad arguments (no callback then). */
int ping_probe(struct ping *p, const char *addr, int count, double interval,
               double timeout, ping_cb cb, void *arg, char *err, size_t errlen);

/* Counters for status and tests. */
struct ping_stats {
	unsigned long long sent, replies, timeouts, errors, stray;
	int raw;                        /* 1 when the raw-socket fallback is used */
};
void ping_get_stats(const struct ping *p, struct ping_stats *out);

#endif
