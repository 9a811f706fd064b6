/* core — the parts of a running ksysd that command handlers and engines share.
 *
 * A plain aggregate owned by main.c: it creates every member at start-up and
 * frees them at exit, in reverse order.  Handlers get it through
 * struct cmd_source; engines (discovery, verification, scheduling) get it at
 * creation.  No behaviour lives here.
 */
#ifndef KSYS_CORE_H
#define KSYS_CORE_H

#include <ev.h>

struct config;
struct store;
struct hmc_set;
struct actions;
struct inventory;
struct disc;
struct sched;
struct monitor;
struct ping;

struct core {
	struct ev_loop *loop;
	const struct config *cfg;       /* the Lua configuration file (config.h) */
	const char *statedir;
	struct store *store;            /* ksys.db */
	struct hmc_set *hmcs;           /* every HMC, from the store and the file */
	struct actions *actions;        /* long actions and their followers */
	struct inventory *inv;          /* what each HMC manages (inventory.h) */
	struct disc *disc;              /* discovery and verification (disc.h) */
	struct sched *sched;            /* Quick/Deep discovery timers (sched.h) */
	struct monitor *monitor;        /* health polling and detection (monitor.h) */
	struct ping *ping;              /* ICMP checks (ping.h) */
	int stopping;                   /* set at SIGTERM: start nothing new */
};

#endif
