/* test_inventory — the inventory module (inventory.c) against hmcsim's
 * default estate served in-process (world + simhttp on the same loop).
 *
 * Reads both HMCs, checks the summary log lines, the lookups (hosts in name
 * order with their HMC lists, find by name/UUID case-insensitively, unknown
 * and ambiguous names, partitions), the rows written to the store; then a
 * second inventory over the same store (a restart) answering from the store
 * while the HMCs are down, a failed refresh keeping the data, an ambiguous
 * host name, and removing an HMC.  Every wait is bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <ev.h>

#include "../tap.h"
#include "../loopwait.h"
#include "buf.h"
#include "config.h"
#include "hmc.h"
#include "httpd.h"
#include "inventory.h"
#include "log.h"
#include "store.h"
#include "tls.h"
#include "topo.h"
#include "world.h"
#include "xmlu.h"

static char dir[64];
static int refreshed;
static char refresh_err[512];

static void
refresh_cb(void *arg, const char *err)
{
	(void)arg;
	snprintf(refresh_err, sizeof(refresh_err), "%s", err ? err : "");
	refreshed++;
}

struct collect {
	struct buf b;
	size_t n;
};

static int
host_cb(const struct inv_host *h, void *arg)
{
	struct collect *c = arg;

	buf_printf(&c->b, "%s%s[%s]", c->n++ ? " " : "", h->name, h->hmcs);
	return 0;
}

static int
part_cb(const struct hmc_lpar *p, void *arg)
{
	struct collect *c = arg;

	buf_printf(&c->b, "%s%s", c->n++ ? " " : "", p->name);
	return 0;
}

static int
count_cb(const struct store_inv *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int
rows(struct store *s, const char *hmc, const char *kind)
{
	int n = 0;

	store_inv_list(s, hmc, kind, count_cb, &n);
	return n;
}

static const char *
hosts_of(struct inventory *inv, const char *hmc, struct collect *c)
{
	buf_reset(&c->b);
	c->n = 0;
	inventory_hosts(inv, hmc, host_cb, c);
	return buf_str(&c->b);
}

static const char *
parts_of(struct inventory *inv, const char *uuid, int vios, struct collect *c)
{
	buf_reset(&c->b);
	c->n = 0;
	inventory_partitions(inv, uuid, vios, part_cb, c);
	return buf_str(&c->b);
}

static int
log_has(const char *needle)
{
	struct buf b = { 0 };
	char path[128], err[256];
	int found;

	snprintf(path, sizeof(path), "%s/test_inventory.log", dir);
	if (buf_read_file(&b, path, 1 << 24, err, sizeof(err)) == -1)
		return 0;
	found = strstr(buf_str(&b), needle) != NULL;
	buf_free(&b);
	return found;
}

static int
refresh(struct ev_loop *loop, struct inventory *inv, const char *hmc)
{
	int before = refreshed;

	inventory_refresh(inv, hmc, refresh_cb, NULL);
	if (refreshed != before)
		return -1;              /* must not call back from inside the call */
	return loopwait_until(loop, &refreshed, before + 1, 20.) ? 0 : -1;
}

static void
stopped_cb(void *arg)
{
	(*(int *)arg)++;
}

int
main(void)
{
	struct ev_loop *loop = EV_DEFAULT;
	struct world *w;
	struct simhttp *http = NULL;
	struct store *s;
	struct hmc_set *hmcs;
	struct inventory *inv;
	struct inv_host ih;
	struct collect c = { { 0 }, 0 };
	struct config_hmc ch;
	char err[1024], cert[256], key[256], simdir[128], cmd[128], uuid[64];
	char rt11[HMC_UUID_LEN];
	size_t i;
	int stopped = 0;

	snprintf(dir, sizeof(dir), "/tmp/test_inventory.XXXXXX");
	if (!mkdtemp(dir))
		skip_all("mkdtemp failed");
	log_init("test_inventory", dir, NULL, 0);
	log_set_level("error,inventory=info", NULL, 0);
	xmlu_init();

	/* the simulator, in this process */
	w = world_new(loop);
	if (!w || simtopo_load_default(w, NULL, NULL, err, sizeof(err)) == -1)
		skip_all("hmcsim default topology");
	snprintf(simdir, sizeof(simdir), "%s/sim", dir);
	for (i = 0; i < w->n_hmcs; i++) {
		snprintf(w->hmcs[i].addr, sizeof(w->hmcs[i].addr), "127.0.0.1");
		w->hmcs[i].port = 0;
	}
	if (simtls_ensure(simdir, cert, sizeof(cert), key, sizeof(key), err, sizeof(err)) == -1 ||
	    !(http = simhttp_new(w, cert, key, err, sizeof(err))) ||
	    simhttp_start_all(http, err, sizeof(err)) == -1)
		skip_all("cannot start the simulator in-process");

	s = store_open(dir, err, sizeof(err));
	ok(s != NULL, "store opened (%s)", s ? "" : err);
	if (!s)
		return done_testing();
	hmcs = hmc_set_new(loop, NULL, err, sizeof(err));
	ok(hmcs != NULL, "HMC client created");
	for (i = 0; i < w->n_hmcs; i++) {
		struct store_hmc sh;
		struct hmc_config hc;

		memset(&sh, 0, sizeof(sh));
		snprintf(sh.name, sizeof(sh.name), "%s", w->hmcs[i].name);
		snprintf(sh.address, sizeof(sh.address), "127.0.0.1");
		sh.port = w->hmcs[i].port;
		snprintf(sh.user, sizeof(sh.user), "hscroot");
		snprintf(sh.password, sizeof(sh.password), "abc123");
		store_hmc_put(s, &sh, STORE_INSERT, err, sizeof(err));
		hmc_config_init(&hc);
		hc.name = sh.name;
		hc.host = sh.address;
		hc.port = sh.port;
		hc.user = sh.user;
		hc.password = sh.password;
		hc.tls_verify = 0;
		if (hmc_set_add(hmcs, &hc, err, sizeof(err)) == -1)
			diag("hmc_set_add: %s", err);
	}

	/* ---- a first run: both HMCs read ---- */
	inv = inventory_new(loop, hmcs, s, 0.5);
	memset(&ch, 0, sizeof(ch));
	snprintf(ch.name, sizeof(ch.name), "hmc1");
	snprintf(ch.where, sizeof(ch.where), "ksysd.lua:3");
	ch.n_hosts = 2;
	ch.hosts = calloc(2, sizeof(*ch.hosts));
	snprintf(ch.hosts[0], sizeof(ch.hosts[0]), "rt11");
	snprintf(ch.hosts[1], sizeof(ch.hosts[1]), "rt99");
	inventory_expect(inv, &ch);
	is_int(inventory_ready(inv, NULL), 0, "nothing is ready before a read");
	ok(refresh(loop, inv, NULL) == 0, "refresh of every HMC calls back once");
	is_str(refresh_err, "", "both HMCs were read");
	is_int(inventory_ready(inv, NULL), 1, "every HMC is ready");
	is_int(inventory_ready(inv, "hmc1"), 1, "hmc1 is ready");
	is_int(inventory_ready(inv, "nope"), 0, "an unknown HMC is not ready");
	ok(log_has("event=inventory hmc=hmc1 hosts=4 vioses=8 lpars=40"),
	   "the summary line of hmc1 is logged");
	ok(log_has("event=inventory_host hmc=hmc2 host=rt14 "), "one line per host");
	ok(log_has("event=inventory_missing_host hmc=hmc1 host=rt99 where=ksysd.lua:3"),
	   "a host the file expects but the HMC lacks is reported");
	ok(log_has("event=inventory_unlisted_host hmc=hmc1 host=rt12"),
	   "a host the file does not list is noted");
	ok(!log_has("inventory_missing_host hmc=hmc2"), "no expectation for hmc2");

	is_str(hosts_of(inv, NULL, &c), "rt11[hmc1,hmc2] rt12[hmc1,hmc2] rt13[hmc1,hmc2] "
	       "rt14[hmc1,hmc2]", "hosts in name order, each with its HMCs");
	is_str(hosts_of(inv, "hmc2", &c), "rt11[hmc1,hmc2] rt12[hmc1,hmc2] rt13[hmc1,hmc2] "
	       "rt14[hmc1,hmc2]", "hosts of hmc2 (with every HMC managing them)");
	ok(inventory_find_host(inv, "RT11", &ih, err, sizeof(err)) == 0,
	   "find a host by name, case-insensitively");
	is_str(ih.name, "rt11", "its name as the HMC spells it");
	is_int(ih.n_hmcs, 2, "two HMCs manage it");
	is_str(ih.state, "operating", "its state");
	is_str(ih.mtms.serial, "0607585", "its serial number");
	snprintf(rt11, sizeof(rt11), "%s", ih.uuid);
	snprintf(uuid, sizeof(uuid), "%s", ih.uuid);
	for (i = 0; uuid[i]; i++)
		uuid[i] = (char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] + 32 : uuid[i]);
	ok(inventory_find_host(inv, uuid, &ih, err, sizeof(err)) == 0 &&
	   strcmp(ih.name, "rt11") == 0, "find a host by UUID in lower case");
	is_int(inventory_find_host(inv, "nosuch", &ih, err, sizeof(err)), -1,
	       "an unknown host is not found");
	is_str(err, "no HMC manages a host named 'nosuch' (known: rt11, rt12, rt13, rt14)",
	       "the refusal names the known hosts");
	is_str(parts_of(inv, rt11, 1, &c), "rt11v1 rt11v2", "the VIOSs of rt11, by name");
	is_str(parts_of(inv, rt11, 0, &c), "rt11001 rt11002 rt11003 rt11004 rt11005 "
	       "rt11006 rt11007 rt11008 rt11009 rt11010", "the LPARs of rt11, by name");
	is_str(parts_of(inv, "no-such-uuid", 0, &c), "", "an unknown host has no partitions");

	is_int(rows(s, "hmc1", "console"), 1, "store: one console row for hmc1");
	is_int(rows(s, "hmc1", "host"), 4, "store: 4 host rows for hmc1");
	is_int(rows(s, "hmc2", "vios"), 8, "store: 8 VIOS rows for hmc2");
	is_int(rows(s, "hmc2", "lpar"), 40, "store: 40 LPAR rows for hmc2");
	ok(refresh(loop, inv, "hmc1") == 0 && !refresh_err[0], "a second read of hmc1");
	is_int(rows(s, "hmc1", "lpar"), 40, "store: a re-read replaces the rows");
	ok(refresh(loop, inv, "nope") == 0, "refresh of an unknown HMC calls back");
	is_str(refresh_err, "no HMC named 'nope'", "with an error naming it");
	inventory_free(inv);

	/* ---- a restart while both HMCs are down: the store answers ---- */
	for (i = 0; i < w->n_hmcs; i++)
		world_hmc_set_down(w, &w->hmcs[i], 1);
	inv = inventory_new(loop, hmcs, s, 0.5);
	is_int(inventory_ready(inv, NULL), 1, "after a restart the HMCs are ready from the store");
	is_str(hosts_of(inv, NULL, &c), "rt11[hmc1,hmc2] rt12[hmc1,hmc2] rt13[hmc1,hmc2] "
	       "rt14[hmc1,hmc2]", "the hosts come from the store");
	ok(inventory_find_host(inv, "rt13", &ih, err, sizeof(err)) == 0 &&
	   strcmp(ih.mtms.type, "9009") == 0, "a stored host keeps its machine type");
	is_str(parts_of(inv, rt11, 1, &c), "rt11v1 rt11v2", "stored VIOSs");
	ok(refresh(loop, inv, NULL) == 0, "a refresh with the HMCs down ends");
	ok(strstr(refresh_err, "hmc1: unreachable") != NULL, "it reports the failure (%s)",
	   refresh_err);
	is_str(hosts_of(inv, NULL, &c), "rt11[hmc1,hmc2] rt12[hmc1,hmc2] rt13[hmc1,hmc2] "
	       "rt14[hmc1,hmc2]", "the stored data is kept");
	is_str(parts_of(inv, rt11, 0, &c), "rt11001 rt11002 rt11003 rt11004 rt11005 "
	       "rt11006 rt11007 rt11008 rt11009 rt11010", "so are the stored LPARs");
	ok(log_has("event=inventory_failed hmc=hmc1"), "the failure is logged");
	inventory_free(inv);

	/* ---- a host name two hosts carry ---- */
	{
		struct store_inv r;

		memset(&r, 0, sizeof(r));
		snprintf(r.hmc, sizeof(r.hmc), "hmc2");
		snprintf(r.kind, sizeof(r.kind), "host");
		snprintf(r.uuid, sizeof(r.uuid), "00000000-0000-3000-8000-0000000000AA");
		snprintf(r.name, sizeof(r.name), "rt11");
		r.extra = "state=operating\n";
		ok(store_inv_put(s, &r, err, sizeof(err)) == 0, "a second 'rt11' in the store");
	}
	inv = inventory_new(loop, hmcs, s, 0.5);
	is_int(inventory_find_host(inv, "rt11", &ih, err, sizeof(err)), -1,
	       "an ambiguous name is not resolved");
	ok(strstr(err, "host name 'rt11' is ambiguous: give its UUID (") == err &&
	   strstr(err, "00000000-0000-3000-8000-0000000000AA") && strstr(err, rt11),
	   "the refusal lists both UUIDs (%s)", err);
	ok(inventory_find_host(inv, "00000000-0000-3000-8000-0000000000aa", &ih, err,
	                       sizeof(err)) == 0 && strcmp(ih.hmcs, "hmc2") == 0,
	   "the UUID picks one");

	/* ---- removing an HMC ---- */
	inventory_remove_hmc(inv, "hmc2");
	is_int(inventory_ready(inv, "hmc2"), 0, "a removed HMC is not tracked");
	is_str(hosts_of(inv, NULL, &c), "rt11[hmc1] rt12[hmc1] rt13[hmc1] rt14[hmc1]",
	       "its hosts lose it");
	is_int(rows(s, "hmc2", NULL), 0, "its rows left the store");
	is_int(rows(s, "hmc1", "host"), 4, "the other HMC's rows stay");
	inventory_add_hmc(inv, "hmc2");
	is_int(inventory_ready(inv, "hmc2"), 0, "an HMC added again is not ready before a read");
	for (i = 0; i < w->n_hmcs; i++)
		world_hmc_set_down(w, &w->hmcs[i], 0);
	ok(refresh(loop, inv, "hmc2") == 0 && !refresh_err[0], "it is read once up (%s)",
	   refresh_err);
	is_str(hosts_of(inv, NULL, &c), "rt11[hmc1,hmc2] rt12[hmc1,hmc2] rt13[hmc1,hmc2] "
	       "rt14[hmc1,hmc2]", "its hosts are back");
	inventory_free(inv);

	hmc_set_shutdown(hmcs, stopped_cb, &stopped);
	ok(loopwait_until(loop, &stopped, 1, 10.), "the HMC client shuts down");
	hmc_set_free(hmcs);
	simhttp_free(http);
	world_free(w);
	store_close(s);
	free(ch.hosts);
	buf_free(&c.b);
	log_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
