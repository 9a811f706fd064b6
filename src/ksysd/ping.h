/* ping — ICMP echo checks on the event loop, many in flight.
 *
 * Uses an unprivileged ICMP datagram socket (SOCK_DGRAM, IPPROTO_ICMP /
 * IPPROTO_ICMPV6: net.ipv4.ping_group_range must include ksysd's group) and
 * falls back to a raw socket (CAP_NET_RAW) when that is refused.  One socket
 * per address family, non-blocking, watched by libev.  Every request takes a
 * sequence number of its own (16 bits per socket, never reused while it is
 * pending), so replies are matched exactly: by sequence number and source
 * address on datagram sockets (the kernel owns the identifier there: it is
 * the socket's local port), by identifier, sequence number and source
 * address on raw sockets; anything else is ignored and counted as stray.
 * Each probe has its own interval and timeout timers on the loop.  Not for
 * deciding what a silence means (fde.c).
 */
#ifndef KSYS_PING_H
#define KSYS_PING_H

#include <stddef.h>

struct ev_loop;
struct ping;

/* NULL with err when neither socket kind can be opened for IPv4 (IPv6 is
 * optional: probes to IPv6 addresses then fail, through their callback, with
 * "IPv6 ICMP unavailable: ...").  Caller frees with ping_free(). */
struct ping *ping_new(struct ev_loop *loop, char *err, size_t errlen);
/* Closes the sockets; probes still pending are dropped without callback.
 * NULL is a no-op.  May be called from inside a ping_cb. */
void ping_free(struct ping *p);

/* ok: 1 when an echo reply came back, 0 on timeout or error (err says
 * which: "timeout after 3 probes", "network unreachable", "host
 * unreachable", ...).  rtt_ms of the first reply.  Called exactly once per
 * accepted probe, from the loop, never from inside ping_probe.  addr is the
 * caller's string, valid during the call only. */
typedef void (*ping_cb)(void *arg, const char *addr, int ok, double rtt_ms,
                        const char *err);

/* Sends count echo requests (1..10) to addr (an IPv4 or IPv6 literal, IPv6
 * with an optional %scope; unicast only), interval real seconds apart
 * (0..3600), and answers ok at the first matching reply or not ok timeout
 * real seconds (0 < timeout <= 3600) after the first request.  Requests not
 * yet sent when the timeout fires are not sent.  The first request leaves
 * from the loop, not from inside this call.  Times are real seconds; callers
 * scale them (tscale.h).  0, or -1 with err for a malformed address or bad
 * arguments (no callback then).  Conditions of the network (unreachable,
 * send errors, a family without a socket) come through the callback. */
int ping_probe(struct ping *p, const char *addr, int count, double interval,
               double timeout, ping_cb cb, void *arg, char *err, size_t errlen);

/* Counters for status and tests.  sent: echo requests sent; replies: probes
 * answered; timeouts, errors: probes that ended so; stray: echo replies for
 * this program that matched no pending request (late, duplicate, or from
 * another address). */
struct ping_stats {
	unsigned long long sent, replies, timeouts, errors, stray;
	unsigned long long pending;     /* probes not answered yet */
	int raw;                        /* 1 when the raw-socket fallback is used */
	int ipv6;                       /* 1 when IPv6 probes are possible */
};
void ping_get_stats(const struct ping *p, struct ping_stats *out);

#endif
