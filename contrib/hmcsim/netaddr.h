/* netaddr — the addresses partitions answer ping on (ResourceMonitoringIP-
 * Address), and making their silence real.
 *
 * By default partition N (its first PartitionID) of host index H gets the
 * loopback address 127.1.(H+1).N (carrying into the second octet past 255
 * hosts).  Loopback always answers, so a partition that should be silent
 * (powered off, crashed, vm-unpingable...) still answers there: `show vms`
 * says so.  With `hmcsim --ping-netdev DEV`, run as root inside a network
 * namespace made for the test (`ip netns add NS`, then `ip netns exec NS
 * hmcsim ...`) where DEV is a dummy (or veth) interface, partitions get 10.77.(H+1).N/16 instead and
 * hmcsim adds the address of every partition that should answer to DEV and
 * removes it when the partition must be silent, through `ip -batch` children
 * (proc.h) that never block the loop; pings from that namespace then get
 * real replies and real silence.  Not for the agents' heartbeats (hm.c).
 */
#ifndef HMCSIM_NETADDR_H
#define HMCSIM_NETADDR_H

#include <stddef.h>
#include "world.h"

/* The default address of partition id on host index h: base "127.1" or
 * "10.77" (see above).  -1 when it does not fit the /16 of "10.77". */
int simnet_addr(const char *base, int h, int id, char *out, size_t len);

/* --ping-netdev DEV: checks (root; hmcsim runs in a namespace made with `ip
 * netns add`, i.e. one listed under /run/netns; DEV exists there and is a
 * dummy or veth interface), gives the partitions with an
 * hmcsim-assigned address their 10.77 address and starts adding the
 * addresses of those that answer.  Needs w->loop (the default loop).  0, or
 * -1 with err naming what is wrong and what is allowed. */
int simnet_start(struct world *w, const char *netdev, char *err, size_t errlen);

/* world.c calls this after any change of l; no-op without --ping-netdev. */
void simnet_lpar_changed(struct world *w, struct sim_lpar *l);

/* "answers", "silent", or "silent:loopback-answers" (should be silent but
 * its loopback address answers anyway). */
const char *simnet_ping_word(const struct world *w, const struct sim_lpar *l);

/* Address changes not yet applied by `ip` (0 when in step or without
 * --ping-netdev). */
size_t simnet_pending(const struct world *w);

void simnet_free(struct simnet *n);

#endif
