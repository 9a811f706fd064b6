/* test_simfeeds — hmcsim's XML documents (feeds.c) and job engine (jobs.c).
 *
 * Builds a small world by hand, renders every document hmcsim serves and
 * reads it back twice: with xmlu (element names and values of the wire
 * contract) and with ksysd's own parsers (hmcxml.c), so the simulator and
 * the client cannot drift apart.  Then runs jobs through their lifecycle on
 * the loop (bounded waits).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "buf.h"
#include "feeds.h"
#include "hmcxml.h"
#include "jobs.h"
#include "log.h"
#include "world.h"
#include "xmlu.h"

#define HMC_UUID "5D3A5E1B-0C0D-3A2B-9F00-1234567890AB"
#define MS0_UUID "A1B2C3D4-0000-3000-8000-000000000001"
#define MS1_UUID "A1B2C3D4-0000-3000-8000-000000000002"
#define MS2_UUID "A1B2C3D4-0000-3000-8000-000000000003"
#define VIOS_UUID "315CE56B-9BA0-46A1-B4BC-DA6108574E7E"
#define LP1_UUID "3D3DE3FA-5DD6-439D-BF4C-1835C340A9BD"
#define LP2_UUID "67A8308B-2CCA-4407-A1BC-632E108B479A"
#define LP3_UUID "11111111-2222-4333-8444-555555555555"

static struct world *
make_world(struct ev_loop *loop)
{
	struct world *w = world_new(loop);
	struct sim_hmc *h;
	struct sim_host *s;
	struct sim_lpar *l;

	w->n_hmcs = 1;
	w->hmcs = calloc(1, sizeof *w->hmcs);
	h = &w->hmcs[0];
	h->idx = 0;
	snprintf(h->name, sizeof h->name, "hmc1");
	snprintf(h->uuid, sizeof h->uuid, HMC_UUID);
	snprintf(h->addr, sizeof h->addr, "127.0.0.1");
	h->port = 12443;
	snprintf(h->user, sizeof h->user, "hscroot");
	snprintf(h->password, sizeof h->password, "abc123");
	snprintf(h->mtms_type, sizeof h->mtms_type, "7063");
	snprintf(h->mtms_model, sizeof h->mtms_model, "CR2");
	snprintf(h->mtms_serial, sizeof h->mtms_serial, "21ABCDE");
	h->next_job_id = 1540961034191LL;

	w->n_hosts = 3;
	w->hosts = calloc(3, sizeof *w->hosts);
	const char *names[] = { "hostA", "hostB", "hostC" };
	const char *uuids[] = { MS0_UUID, MS1_UUID, MS2_UUID };
	for (int i = 0; i < 3; i++) {
		s = &w->hosts[i];
		s->idx = i;
		snprintf(s->name, sizeof s->name, "%s", names[i]);
		snprintf(s->uuid, sizeof s->uuid, "%s", uuids[i]);
		snprintf(s->mtms_type, sizeof s->mtms_type, "8286");
		snprintf(s->mtms_model, sizeof s->mtms_model, "42A");
		snprintf(s->mtms_serial, sizeof s->mtms_serial, "21E0B2%c", (char)('0' + i));
		snprintf(s->ip, sizeof s->ip, "127.0.1.%d", i + 1);
		s->state = SIM_HOST_OPERATING;
		s->proc_installed = 16;
		s->mem_installed_mb = 262144;
		s->hmc_mask = i < 2 ? 1u : 2u;         /* hostC: another HMC */
	}
	w->hosts[1].state = SIM_HOST_POWER_OFF;

	w->n_lpars = 4;
	w->lpars = calloc(4, sizeof *w->lpars);
	const char *lnames[] = { "vios1", "lpar1", "lpar2", "lpar3" };
	const char *luuids[] = { VIOS_UUID, LP1_UUID, LP2_UUID, LP3_UUID };
	const int lhost[] = { 0, 0, 1, 2 };
	for (int i = 0; i < 4; i++) {
		l = &w->lpars[i];
		l->idx = i;
		snprintf(l->name, sizeof l->name, "%s", lnames[i]);
		snprintf(l->uuid, sizeof l->uuid, "%s", luuids[i]);
		l->id = i + 1;
		l->host = lhost[i];
		l->stale_host = -1;
		l->state = SIM_LPAR_RUNNING;
		snprintf(l->refcode, sizeof l->refcode, "00000000");
		snprintf(l->ip, sizeof l->ip, "127.0.0.%d", 10 + i);
		snprintf(l->rr_state, sizeof l->rr_state, "Remote_Restartable");
		l->srr_capable = 1;
		l->proc_desired = 0.5;
		l->proc_min = 0.1;
		l->proc_max = 2;
		l->vcpu_desired = 2;
		l->mem_desired_mb = 8192;
		l->mem_min_mb = 2048;
		l->mem_max_mb = 16384;
	}
	l = &w->lpars[0];
	l->is_vios = 1;
	snprintf(l->os_type, sizeof l->os_type, "Virtual IO Server");
	snprintf(w->lpars[1].os_type, sizeof w->lpars[1].os_type, "AIX/Linux");
	l = &w->lpars[2];
	l->state = SIM_LPAR_NOT_AVAILABLE;
	l->dedicated = 1;
	l->proc_desired = 2;
	l->proc_min = 1;
	l->proc_max = 4;
	return w;
}

static xmlDocPtr
parse(const struct buf *b, const char *what)
{
	char err[256];
	xmlDocPtr d = xmlu_parse(b->data, b->len, what, err, sizeof err);
	if (!d)
		diag("%s: %s", what, err);
	return d;
}

/* The entry of a feed whose <id> is uuid. */
static xmlNodePtr
entry_by_id(xmlNodePtr feed, const char *uuid)
{
	char id[64];
	for (xmlNodePtr e = xmlu_child(feed, "entry"); e; e = xmlu_next(e, "entry")) {
		xmlu_path_text(e, "id", id, sizeof id);
		if (strcmp(id, uuid) == 0)
			return e;
	}
	return NULL;
}

static int
count(xmlNodePtr parent, const char *local)
{
	int n = 0;
	for (xmlNodePtr e = xmlu_child(parent, local); e; e = xmlu_next(e, local))
		n++;
	return n;
}

static void
test_ms_feed(struct world *w)
{
	struct sim_hmc *h = &w->hmcs[0];
	struct buf b = {0};
	char t[256], err[256] = "";
	unsigned etag = 0;

	size_t n = simfeed_feed(&b, w, h, SIMFEED_MS, NULL, "/rest/api/uom/ManagedSystem", &etag);
	is_int(n, 2, "ManagedSystem feed holds the 2 hosts hmc1 manages");
	xmlDocPtr d = parse(&b, "ms feed");
	ok(d != NULL, "ManagedSystem feed parses with xmlu");
	if (!d)
		goto out;
	xmlNodePtr feed = xmlDocGetRootElement(d);
	ok(xmlu_is(feed, "feed"), "root element is an Atom feed");
	xmlu_attr(xmlu_child(feed, "link"), "href", t, sizeof t);
	is_str(t, "https://127.0.0.1:12443/rest/api/uom/ManagedSystem", "feed SELF link");
	ok(xmlu_path_text(feed, "generator", t, sizeof t) > 0, "feed has a generator");

	xmlNodePtr e = entry_by_id(feed, MS0_UUID);
	ok(e != NULL, "entry id is the ManagedSystem UUID");
	ok(entry_by_id(feed, MS2_UUID) == NULL, "host managed by another HMC is absent");
	if (!e)
		goto out;
	xmlu_attr(xmlu_child(e, "content"), "type", t, sizeof t);
	is_str(t, "application/vnd.ibm.powervm.uom+xml; type=ManagedSystem", "content type");
	xmlNodePtr ms = xmlu_path(e, "content/ManagedSystem");
	ok(ms != NULL, "content/ManagedSystem present");
	xmlu_path_text(ms, "SystemName", t, sizeof t);
	is_str(t, "hostA", "SystemName");
	xmlu_path_text(ms, "State", t, sizeof t);
	is_str(t, "operating", "State operating");
	xmlu_path_text(ms, "MachineTypeModelAndSerialNumber/SerialNumber", t, sizeof t);
	is_str(t, "21E0B20", "MTMS serial");
	xmlu_path_text(ms, "Metadata/Atom/AtomID", t, sizeof t);
	is_str(t, MS0_UUID, "Metadata/Atom/AtomID");
	xmlu_attr(ms, "schemaVersion", t, sizeof t);
	is_str(t, SIMFEED_SCHEMA, "schemaVersion on the root element");
	xmlu_attr(xmlu_path(ms, "SystemName"), "kb", t, sizeof t);
	is_str(t, "CUR", "kb attribute on SystemName");
	double pa = 0;
	xmlu_path_double(ms, "AssociatedSystemProcessorConfiguration/"
	                 "CurrentAvailableSystemProcessorUnits", &pa);
	ok(pa > 14.99 && pa < 15.01, "available processing units 16 - 2 x 0.5 (got %g)", pa);
	long long mem = 0;
	xmlu_path_long(ms, "AssociatedSystemMemoryConfiguration/InstalledSystemMemory", &mem);
	is_int(mem, 262144, "InstalledSystemMemory in MB");
	xmlu_attr(xmlu_path(ms, "AssociatedVirtualIOServers/link"), "href", t, sizeof t);
	ok(strstr(t, "/ManagedSystem/" MS0_UUID "/VirtualIOServer/" VIOS_UUID) != NULL,
	   "AssociatedVirtualIOServers links the VIOS");
	is_int(count(xmlu_path(ms, "AssociatedLogicalPartitions"), "link"), 1,
	       "AssociatedLogicalPartitions lists client LPARs only");
	e = entry_by_id(feed, MS1_UUID);
	xmlu_path_text(e, "content/ManagedSystem/State", t, sizeof t);
	is_str(t, "power off", "powered-off host reads 'power off'");

	/* the client parser reads the same document */
	struct hmc_ms *v = NULL;
	size_t nv = 0;
	ok(hmcxml_parse_ms_feed(b.data, b.len, "sim", &v, &nv, err, sizeof err) == 0,
	   "hmcxml_parse_ms_feed accepts it");
	is_int(nv, 2, "client sees 2 systems");
	if (nv == 2) {
		is_str(v[0].uuid, MS0_UUID, "client: uuid from entry");
		is_str(v[0].state, "operating", "client: state");
		is_int(v[0].n_vios, 1, "client: one VIOS");
		ok(v[0].proc_avail > 14.99 && v[0].proc_avail < 15.01, "client: proc_avail");
		is_int(v[0].mem_installed_mb, 262144, "client: memory");
		is_int(v[0].srr_capable, 1, "client: SRR capable");
	}
	hmcxml_free_ms(v, nv);
	xmlFreeDoc(d);
out:
	buf_free(&b);
}

static void
test_lpar_feeds(struct world *w)
{
	struct sim_hmc *h = &w->hmcs[0];
	struct buf b = {0};
	char t[256], err[256];
	unsigned etag = 0, etag2 = 0;

	size_t n = simfeed_feed(&b, w, h, SIMFEED_LPAR, NULL, "/rest/api/uom/LogicalPartition",
	                        &etag);
	is_int(n, 2, "LogicalPartition feed: lpar1 and lpar2 (no VIOS, no foreign host)");
	xmlDocPtr d = parse(&b, "lpar feed");
	ok(d != NULL, "LogicalPartition feed parses");
	if (d) {
		xmlNodePtr feed = xmlDocGetRootElement(d);
		xmlNodePtr e = entry_by_id(feed, LP1_UUID);
		xmlNodePtr lp = xmlu_path(e, "content/LogicalPartition");
		ok(lp != NULL, "lpar1 entry with LogicalPartition content");
		xmlu_path_text(lp, "PartitionName", t, sizeof t);
		is_str(t, "lpar1", "PartitionName");
		xmlu_path_text(lp, "PartitionState", t, sizeof t);
		is_str(t, "running", "PartitionState running");
		xmlu_path_text(lp, "PartitionType", t, sizeof t);
		is_str(t, "AIX/Linux", "PartitionType");
		xmlu_path_text(lp, "PartitionUUID", t, sizeof t);
		is_str(t, LP1_UUID, "PartitionUUID");
		xmlu_path_text(lp, "ResourceMonitoringControlState", t, sizeof t);
		is_str(t, "active", "RMC active while running");
		xmlu_path_text(lp, "PartitionProcessorConfiguration/SharedProcessorConfiguration/"
		               "DesiredProcessingUnits", t, sizeof t);
		is_str(t, "0.5", "DesiredProcessingUnits printed as 0.5");
		xmlu_path_text(lp, "PartitionMemoryConfiguration/DesiredMemory", t, sizeof t);
		is_str(t, "8192", "DesiredMemory in MB");
		xmlu_attr(xmlu_path(lp, "AssociatedManagedSystem"), "href", t, sizeof t);
		is_str(t, "https://127.0.0.1:12443/rest/api/uom/ManagedSystem/" MS0_UUID,
		       "AssociatedManagedSystem href");
		xmlu_attr(xmlu_child(e, "etag"), "xmlns:etag", t, sizeof t);
		ok(xmlu_child(e, "etag") != NULL, "entry carries an etag:etag element");
		xmlNodePtr e2 = entry_by_id(feed, LP2_UUID);
		xmlu_path_text(e2, "content/LogicalPartition/PartitionState", t, sizeof t);
		is_str(t, "not available", "lpar2 on a powered-off host: not available");
		xmlu_path_text(e2, "content/LogicalPartition/PartitionProcessorConfiguration/"
		               "HasDedicatedProcessors", t, sizeof t);
		is_str(t, "true", "lpar2 has dedicated processors");
		xmlu_path_text(e2, "content/LogicalPartition/PartitionProcessorConfiguration/"
		               "DedicatedProcessorConfiguration/DesiredProcessors", t, sizeof t);
		is_str(t, "2", "DesiredProcessors");
		xmlFreeDoc(d);
	}
	struct hmc_lpar *lv = NULL;
	size_t nl = 0;
	ok(hmcxml_parse_lpar_feed(b.data, b.len, "sim", &lv, &nl, err, sizeof err) == 0,
	   "hmcxml_parse_lpar_feed accepts it");
	is_int(nl, 2, "client sees 2 LPARs");
	if (nl == 2) {
		is_str(lv[0].ms_uuid, MS0_UUID, "client: ms_uuid from AssociatedManagedSystem");
		is_int(lv[0].is_vios, 0, "client: not a VIOS");
		ok(lv[0].proc_desired > 0.49 && lv[0].proc_desired < 0.51, "client: proc units");
		is_int(lv[0].mem_desired_mb, 8192, "client: memory");
		is_str(lv[0].rr_state, "Remote_Restartable", "client: RemoteRestartState");
		is_int(lv[1].dedicated, 1, "client: dedicated");
		is_str(lv[1].state, "not available", "client: state");
	}
	free(lv);

	/* etag stable while nothing changes, different after a state change */
	buf_reset(&b);
	simfeed_feed(&b, w, h, SIMFEED_LPAR, NULL, "/rest/api/uom/LogicalPartition", &etag2);
	is_int(etag2, etag, "feed etag stable for an unchanged world");
	w->lpars[1].state = SIM_LPAR_NOT_ACTIVATED;
	buf_reset(&b);
	simfeed_feed(&b, w, h, SIMFEED_LPAR, NULL, "/rest/api/uom/LogicalPartition", &etag2);
	ok(etag2 != etag, "feed etag changes when a partition changes state");
	w->lpars[1].state = SIM_LPAR_RUNNING;

	/* VIOS feed */
	buf_reset(&b);
	n = simfeed_feed(&b, w, h, SIMFEED_VIOS, NULL, "/rest/api/uom/VirtualIOServer", NULL);
	is_int(n, 1, "VirtualIOServer feed holds the VIOS");
	ok(hmcxml_parse_lpar_feed(b.data, b.len, "sim", &lv, &nl, err, sizeof err) == 0 && nl == 1,
	   "client parses the VIOS feed");
	if (nl == 1) {
		is_int(lv[0].is_vios, 1, "client: is_vios");
		is_str(lv[0].type, "Virtual IO Server", "client: PartitionType");
	}
	free(lv);

	/* 204 rule: empty child feeds */
	buf_reset(&b);
	n = simfeed_feed(&b, w, h, SIMFEED_VIOS, &w->hosts[1],
	                 "/rest/api/uom/ManagedSystem/" MS1_UUID "/VirtualIOServer", NULL);
	is_int(n, 0, "host without VIOS: empty feed (caller answers 204)");
	buf_reset(&b);
	n = simfeed_feed(&b, w, h, SIMFEED_LPAR, &w->hosts[0],
	                 "/rest/api/uom/ManagedSystem/" MS0_UUID "/LogicalPartition", NULL);
	is_int(n, 1, "child feed ManagedSystem/{A}/LogicalPartition holds lpar1 only");

	/* stale instance after an SRR shows under its host only */
	struct sim_lpar *l1 = &w->lpars[1];
	l1->stale_host = 0;
	l1->host = 1;
	l1->stale_state = SIM_LPAR_NOT_ACTIVATED;
	snprintf(l1->stale_rr_state, sizeof l1->stale_rr_state, "Source_Remote_Restarted");
	buf_reset(&b);
	simfeed_lpar_entry(&b, w, h, l1, &w->hosts[0], NULL);
	xmlDocPtr d2 = parse(&b, "stale entry");
	if (d2) {
		xmlNodePtr lp = xmlu_path(xmlDocGetRootElement(d2), "content/LogicalPartition");
		xmlu_path_text(lp, "RemoteRestartState", t, sizeof t);
		is_str(t, "Source_Remote_Restarted", "stale instance shows its RemoteRestartState");
		xmlu_path_text(lp, "PartitionState", t, sizeof t);
		is_str(t, "not activated", "stale instance shows its own state");
		xmlFreeDoc(d2);
	}
	l1->stale_host = -1;
	l1->host = 0;
	buf_free(&b);
}

/* PhysicalVolumes of VIOS entries, OperatingSystemVersion, RMC state. */
static void
test_vios_disks(struct world *w)
{
	struct sim_hmc *h = &w->hmcs[0];
	struct sim_lpar *v = &w->lpars[0], *lp1 = &w->lpars[1];
	struct buf b = {0};
	struct hmc_lpar *lv = NULL;
	struct hmc_pv *pv = NULL;
	size_t nl = 0, np = 0;
	char t[256], err[256], udid[128], id[64];

	world_disk_udid("12460050768028104268800000000000110", udid, sizeof udid);
	is_str(udid, "01M0lCTTIxNDUxMjQ2MDA1MDc2ODAyODEwNDI2ODgwMDAwMDAwMDAwMDExMA==",
	       "UDID derivation reproduces a real ViodiskID");
	world_disk_udid("A", udid, sizeof udid);
	is_str(udid, "01M0lCTTIxNDVB", "UDID of a short id (no padding needed)");
	world_disk_udid("AB", udid, sizeof udid);
	is_str(udid, "01M0lCTTIxNDVBQg==", "UDID padding");

	/* three disks: the VIOS sees the first and the third */
	w->n_disks = 3;
	w->disks = calloc(3, sizeof *w->disks);
	snprintf(w->disks[0].id, sizeof w->disks[0].id, "6005076801810179D000000000000A01");
	w->disks[0].size_gb = 20;
	snprintf(w->disks[1].id, sizeof w->disks[1].id, "6005076801810179D000000000000A09");
	w->disks[1].size_gb = 5;
	snprintf(w->disks[2].id, sizeof w->disks[2].id, "6005076801810179D000000000000A02");
	w->disks[2].size_gb = 10;
	w->disks[0].n_vios = w->disks[1].n_vios = w->disks[2].n_vios = 1;
	w->disks[0].vios[0] = w->disks[2].vios[0] = 0;
	w->disks[1].vios[0] = 3;

	simfeed_feed(&b, w, h, SIMFEED_VIOS, NULL, "/rest/api/uom/VirtualIOServer", NULL);
	xmlDocPtr d = parse(&b, "vios feed");
	if (d) {
		xmlNodePtr vs = xmlu_path(entry_by_id(xmlDocGetRootElement(d), VIOS_UUID),
		                          "content/VirtualIOServer");
		xmlNodePtr pvs = xmlu_child(vs, "PhysicalVolumes");
		is_int(count(pvs, "PhysicalVolume"), 3, "VIOS lists 3 PhysicalVolumes");
		xmlNodePtr p0 = xmlu_child(pvs, "PhysicalVolume");
		xmlNodePtr p1 = xmlu_next(p0, "PhysicalVolume");
		xmlu_path_text(p0, "VolumeName", t, sizeof t);
		is_str(t, "hdisk0", "first: the boot disk hdisk0");
		xmlu_path_text(p0, "AvailableForUsage", t, sizeof t);
		is_str(t, "false", "boot disk in use");
		xmlu_path_text(p0, "VolumeUniqueID", t, sizeof t);
		world_boot_disk_id(v, id, sizeof id);
		ok(strcmp(t, id) == 0 && strlen(t) == 32 && !strchr(t, '-'),
		   "boot disk id: the VIOS UUID without dashes (%s)", t);
		xmlu_path_text(p1, "VolumeName", t, sizeof t);
		is_str(t, "hdisk1", "then the shared disks from hdisk1");
		xmlu_path_text(p1, "VolumeUniqueID", t, sizeof t);
		is_str(t, "6005076801810179D000000000000A01", "VolumeUniqueID is the disk id");
		xmlu_path_text(p1, "VolumeCapacity", t, sizeof t);
		is_str(t, "20480", "VolumeCapacity in MB");
		xmlu_path_text(p1, "Description", t, sizeof t);
		ok(t[0] != '\0', "Description present (%s)", t);
		xmlu_path_text(vs, "OperatingSystemVersion", t, sizeof t);
		is_str(t, "VIOS 3.1.0.00", "VIOS OperatingSystemVersion default");
		xmlFreeDoc(d);
	}
	ok(hmcxml_parse_lpar_feed_pvs(b.data, b.len, "sim", &lv, &nl, &pv, &np, err,
	                              sizeof err) == 0 && nl == 1, "client parses disks (%s)", err);
	is_int(np, 3, "client sees 3 disks");
	if (np == 3) {
		is_str(pv[0].vios_uuid, VIOS_UUID, "disk VIOS uuid");
		ok(!strcmp(pv[0].name, "hdisk0") && pv[0].available == 0 && pv[0].size_mb > 0,
		   "hdisk0 unavailable, has a size");
		world_disk_udid(w->disks[0].id, udid, sizeof udid);
		ok(!strcmp(pv[1].name, "hdisk1") && pv[1].available == 1 &&
		   pv[1].size_mb == 20480 && !strcmp(pv[1].udid, udid),
		   "hdisk1: available, 20480 MB, UDID derived from the disk id");
		world_disk_udid(w->disks[2].id, udid, sizeof udid);
		ok(!strcmp(pv[2].name, "hdisk2") && pv[2].size_mb == 10240 &&
		   !strcmp(pv[2].udid, udid), "hdisk2: the third disk (the second is not seen)");
		ok(strcmp(pv[0].udid, pv[1].udid) != 0, "boot disk has its own UDID");
		is_str(lv[0].os_version, "VIOS 3.1.0.00", "client: os_version");
	}
	free(lv);
	free(pv);
	lv = NULL;
	pv = NULL;

	/* OS version and RMC of a client LPAR */
	buf_reset(&b);
	simfeed_lpar_entry(&b, w, h, lp1, NULL, NULL);
	ok(hmcxml_parse_lpar_feed(b.data, b.len, "sim", &lv, &nl, err, sizeof err) == 0 &&
	   nl == 1, "lpar1 entry parses");
	if (nl == 1) {
		is_str(lv[0].os_version, "AIX 7.2 7200-04-01-1939", "AIX default os_version");
		is_str(lv[0].rmc_state, "active", "RMC active while running");
	}
	free(lv);
	lv = NULL;
	snprintf(lp1->os_version, sizeof lp1->os_version, "AIX 7.3 7300-01-01-2148");
	lp1->rmc_inactive = 1;
	buf_reset(&b);
	simfeed_lpar_entry(&b, w, h, lp1, NULL, NULL);
	ok(hmcxml_parse_lpar_feed(b.data, b.len, "sim", &lv, &nl, err, sizeof err) == 0 &&
	   nl == 1 && !strcmp(lv[0].os_version, "AIX 7.3 7300-01-01-2148") &&
	   !strcmp(lv[0].rmc_state, "inactive") && !strcmp(lv[0].state, "running"),
	   "overridden os_version; RMC inactive although running");
	free(lv);
	lp1->os_version[0] = '\0';
	lp1->rmc_inactive = 0;
	buf_free(&b);
}

static void
test_console(struct world *w)
{
	struct buf b = {0};
	char t[128], err[256];
	struct hmc_console *c = NULL;
	size_t n = 0;

	simfeed_feed(&b, w, &w->hmcs[0], SIMFEED_CONSOLE, NULL, "/rest/api/uom/ManagementConsole",
	             NULL);
	xmlDocPtr d = parse(&b, "console feed");
	if (d) {
		xmlNodePtr mc = xmlu_path(xmlDocGetRootElement(d), "entry/content/ManagementConsole");
		xmlu_path_text(mc, "ManagementConsoleName", t, sizeof t);
		is_str(t, "hmc1", "ManagementConsoleName");
		is_int(count(xmlu_child(mc, "ManagedSystems"), "link"), 2,
		       "ManagedSystems links the 2 managed hosts");
		xmlFreeDoc(d);
	}
	ok(hmcxml_parse_console_feed(b.data, b.len, "sim", &c, &n, err, sizeof err) == 0
	   && n == 1, "client parses the ManagementConsole feed");
	if (n == 1) {
		is_str(c[0].uuid, HMC_UUID, "client: console uuid");
		is_int(c[0].n_ms, 2, "client: 2 managed systems");
		is_str(c[0].version, "V10R3 1060", "client: version");
	}
	hmcxml_free_consoles(c, n);
	buf_free(&b);
}

static void
test_web_documents(struct world *w)
{
	struct sim_hmc *h = &w->hmcs[0];
	struct buf b = {0};
	char t[128], op[32], group[32], err[256];
	char *tok = NULL, *msg;

	simfeed_logon_response(&b, "PUIoR6x0kP6f-A99s=");
	ok(hmcxml_parse_logon(b.data, b.len, "sim", &tok, err, sizeof err) == 0,
	   "client parses LogonResponse");
	is_str(tok, "PUIoR6x0kP6f-A99s=", "token round-trips");
	free(tok);

	buf_reset(&b);
	simfeed_http_error(&b, h, 404, "/rest/api/uom/LogicalPartition/x", "Not Found",
	                   "The LogicalPartition x was not found.");
	xmlDocPtr d = parse(&b, "http error");
	if (d) {
		xmlNodePtr he = xmlu_path(xmlDocGetRootElement(d), "content/HttpErrorResponse");
		ok(he != NULL, "HttpErrorResponse inside an Atom entry");
		xmlu_path_text(he, "HTTPStatus", t, sizeof t);
		is_str(t, "404", "HTTPStatus");
		xmlu_path_text(he, "RequestURI", t, sizeof t);
		is_str(t, "/rest/api/uom/LogicalPartition/x", "RequestURI");
		xmlu_path_text(he, "ReasonCode", t, sizeof t);
		is_str(t, "Not Found", "ReasonCode");
		xmlFreeDoc(d);
	}
	msg = hmcxml_error_message(b.data, b.len);
	is_str(msg, "The LogicalPartition x was not found.", "client reads the Message");
	free(msg);

	buf_reset(&b);
	simfeed_job_template(&b, h, "VirtualIOServer", VIOS_UUID, "PassThroughInterface");
	ok(hmcxml_parse_job_template(b.data, b.len, "sim", op, sizeof op, group, sizeof group,
	                             err, sizeof err) == 0, "client parses the job template");
	is_str(op, "PassThroughInterface", "template OperationName");
	is_str(group, "VirtualIOServer", "template GroupName");
	d = parse(&b, "template");
	if (d) {
		xmlNodePtr jp = xmlu_path(xmlDocGetRootElement(d), "content/JobRequest/JobParameters");
		ok(jp && !xmlu_child(jp, "JobParameter"), "template has empty JobParameters");
		xmlFreeDoc(d);
	}
	buf_free(&b);
}

static void
test_job_documents(struct world *w)
{
	struct sim_hmc *h = &w->hmcs[0];
	struct sim_job j;
	struct buf b = {0};
	struct hmc_job_reply r;
	char err[256], t[128];

	memset(&j, 0, sizeof j);
	j.id = 1540961034191LL;
	snprintf(j.operation, sizeof j.operation, "PassThroughInterface");
	snprintf(j.group, sizeof j.group, "VirtualIOServer");
	snprintf(j.target_uuid, sizeof j.target_uuid, VIOS_UUID);
	j.status = SIM_JOB_RUNNING;
	j.time_started = 1542653367879LL;
	snprintf(j.progress_key, sizeof j.progress_key, "PERFORMPASSTHROUGHAPI_INPROGRESS");
	j.n_params = 1;
	snprintf(j.params[0].name, sizeof j.params[0].name, "inputXML");
	j.params[0].value = (char *)"<VIO><Request action_str=\"VIO_HS_QUICK_QUERY\"/></VIO>";

	simfeed_job_response(&b, h, &j);
	memset(&r, 0, sizeof r);
	ok(hmcxml_parse_job(b.data, b.len, "sim", &r, err, sizeof err) == 0,
	   "client parses a RUNNING JobResponse");
	is_str(r.job_id, "1540961034191", "JobID");
	is_int(r.status, HMC_JOB_RUNNING, "status RUNNING");
	is_str(r.progress_key, "PERFORMPASSTHROUGHAPI_INPROGRESS", "DiscreteProgress key");
	is_int(r.time_started, 1542653367879LL, "TimeStarted epoch ms");
	hmc_job_reply_clear(&r);
	xmlDocPtr d = parse(&b, "job");
	if (d) {
		xmlNodePtr e = xmlDocGetRootElement(d);
		xmlu_attr(xmlu_child(e, "link"), "href", t, sizeof t);
		is_str(t, "https://127.0.0.1:12443/rest/api/uom/jobs/1540961034191", "job SELF link");
		xmlu_attr(xmlu_path(e, "content/JobResponse/RequestURL"), "href", t, sizeof t);
		is_str(t, "VirtualIOServer/" VIOS_UUID "/do/PassThroughInterface", "RequestURL");
		xmlu_path_text(e, "content/JobResponse/JobRequestInstance/JobParameters/"
		               "JobParameter/ParameterName", t, sizeof t);
		is_str(t, "inputXML", "JobRequestInstance echoes the parameters");
		is_int(count(xmlu_path(e, "content/JobResponse/Progress/DiscreteProgress/"
		                       "CompletedStates"), "NLSStaticMessage"), 2,
		       "RUNNING: NOT_STARTED and STARTED completed");
		xmlFreeDoc(d);
	}

	/* completed: StdOut, RMCReturnCode, CMDReturnCode */
	j.status = SIM_JOB_COMPLETED_OK;
	j.time_completed = j.time_started + 122;
	j.n_results = 3;
	snprintf(j.results[0].name, sizeof j.results[0].name, "StdOut");
	j.results[0].value = (char *)"<VIO><Response>\n</Response></VIO>";
	snprintf(j.results[1].name, sizeof j.results[1].name, "RMCReturnCode");
	j.results[1].value = (char *)"0";
	snprintf(j.results[2].name, sizeof j.results[2].name, "CMDReturnCode");
	j.results[2].value = (char *)"0";
	buf_reset(&b);
	simfeed_job_response(&b, h, &j);
	memset(&r, 0, sizeof r);
	ok(hmcxml_parse_job(b.data, b.len, "sim", &r, err, sizeof err) == 0,
	   "client parses a COMPLETED_OK JobResponse");
	is_int(r.status, HMC_JOB_COMPLETED_OK, "COMPLETED_OK");
	is_str(hmc_job_result(&r, "StdOut"), "<VIO><Response>\n</Response></VIO>",
	       "StdOut round-trips through entity escaping");
	is_str(hmc_job_result(&r, "CMDReturnCode"), "0", "CMDReturnCode");
	is_int(r.progress_key[0], 0, "no CurrentState once completed");
	ok(r.error == NULL, "no error text on success");
	hmc_job_reply_clear(&r);
	ok(strstr(b.data, "StdError") == NULL, "empty StdError omitted");

	/* failed before completion: ResponseException/Message */
	j.status = SIM_JOB_FAILED_BEFORE_COMPLETION;
	j.time_started = 0;
	j.n_results = 1;
	snprintf(j.results[0].name, sizeof j.results[0].name, SIMFEED_EXCEPTION_PARAM);
	j.results[0].value = (char *)"The mandatory parameter inputXML is missing.";
	buf_reset(&b);
	simfeed_job_response(&b, h, &j);
	memset(&r, 0, sizeof r);
	ok(hmcxml_parse_job(b.data, b.len, "sim", &r, err, sizeof err) == 0,
	   "client parses FAILED_BEFORE_COMPLETION");
	is_int(r.status, HMC_JOB_FAILED_BEFORE_COMPLETION, "FAILED_BEFORE_COMPLETION");
	is_str(r.error, "The mandatory parameter inputXML is missing.",
	       "error from ResponseException/Message");
	is_int(r.n_results, 0, "Results empty");
	hmc_job_reply_clear(&r);

	j.status = SIM_JOB_CANCELED;
	is_str(simfeed_job_status_name(&j), "CANCELED_BEFORE_START", "canceled before start");
	j.time_started = 5;
	is_str(simfeed_job_status_name(&j), "CANCELED_WHILE_RUNNING", "canceled while running");
	buf_free(&b);
}

/* Value of result name of j, or NULL. */
static const char *
job_result(const struct sim_job *j, const char *name)
{
	for (size_t i = 0; i < j->n_results; i++)
		if (strcmp(j->results[i].name, name) == 0)
			return j->results[i].value;
	return NULL;
}

/* Run the loop until j is terminal or 5 s pass. */
static int
wait_job(struct world *w, long long id)
{
	double end = ev_time() + 5.0;
	struct sim_job *j;
	while ((j = world_job_by_id(w, id)) && simjob_active(j) && ev_time() < end)
		ev_run(w->loop, EVRUN_ONCE);
	return j && !simjob_active(j);
}

static struct sim_job *
submit(struct world *w, const char *group, struct sim_lpar *l, const char *op,
       const struct hmc_param *p, size_t np, int *status, char *err, size_t errlen)
{
	struct buf req = {0};
	struct sim_job *j = NULL;
	hmcxml_job_request(&req, op, group, p, np);
	if (simjob_submit(w, &w->hmcs[0], group, l, op, req.data, req.len, &j, status,
	                  err, errlen) != 0)
		j = NULL;
	buf_free(&req);
	return j;
}

static void
test_jobs(struct world *w)
{
	struct sim_lpar *lp1 = &w->lpars[1], *vios = &w->lpars[0];
	char err[256];
	int status = 0;
	struct sim_job *j;
	long long id;

	w->timing.job_start = 0.01;
	w->timing.power_on = w->timing.power_off = 0.02;
	w->timing.passthrough = 0.02;
	w->timing.remote_restart = w->timing.migrate = w->timing.migrate_validate = 0.02;

	/* PowerOff, then PowerOn: side effects applied at completion */
	struct hmc_param off[] = { { (char *)"operation", (char *)"shutdown" },
	                           { (char *)"immediate", (char *)"true" } };
	j = submit(w, "LogicalPartition", lp1, "PowerOff", off, 2, &status, err, sizeof err);
	ok(j != NULL, "PowerOff accepted");
	if (!j)
		diag("%s", err);
	if (!j)
		return;
	id = j->id;
	is_int(id, 1540961034191LL, "JobID from hmc->next_job_id");
	is_int(j->status, SIM_JOB_NOT_STARTED, "NOT_STARTED on submit");
	is_int(lp1->state, SIM_LPAR_RUNNING, "no side effect before completion");
	ok(wait_job(w, id), "PowerOff job ends");
	j = world_job_by_id(w, id);
	is_int(j->status, SIM_JOB_COMPLETED_OK, "PowerOff COMPLETED_OK");
	ok(j->time_started > 0 && j->time_completed >= j->time_started, "times set");
	is_str(simjob_param(j, "immediate"), "true", "parameters kept");
	is_int(lp1->state, SIM_LPAR_NOT_ACTIVATED, "lpar1 not activated after PowerOff");
	ok(simjob_delete(w, j, err, sizeof err) == 0, "terminal job deletes");
	is_int(w->ctr.jobs_deleted, 1, "jobs_deleted counted");

	j = submit(w, "LogicalPartition", lp1, "PowerOff", off, 2, &status, err, sizeof err);
	id = j ? j->id : 0;
	ok(j && simjob_delete(w, j, err, sizeof err) == -1, "active job refuses DELETE");
	ok(wait_job(w, id), "second PowerOff ends");
	j = world_job_by_id(w, id);
	is_int(j->status, SIM_JOB_COMPLETED_WITH_ERROR, "PowerOff of a stopped LPAR fails");
	ok(j->n_results == 2 && strncmp(j->results[1].value, "HSCL1558", 8) == 0,
	   "result carries HSCL1558 (already off)");

	/* a job-fail fault beats the side effect */
	w->n_jobfail = 1;
	snprintf(w->jobfail[0].operation, sizeof w->jobfail[0].operation, "PowerOn");
	snprintf(w->jobfail[0].hscl, sizeof w->jobfail[0].hscl, "HSCL0DB4");
	w->jobfail[0].remaining = 1;
	w->jobfail[0].hmc = -1;
	j = submit(w, "LogicalPartition", lp1, "PowerOn", NULL, 0, &status, err, sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "faulted PowerOn ends");
	j = world_job_by_id(w, id);
	is_int(j->status, SIM_JOB_COMPLETED_WITH_ERROR, "job-fail fault: COMPLETED_WITH_ERROR");
	ok(j->n_results >= 2 && strncmp(j->results[1].value, "HSCL0DB4", 8) == 0,
	   "fault HSCL code in result");
	is_int(lp1->state, SIM_LPAR_NOT_ACTIVATED, "no side effect on a faulted job");

	j = submit(w, "LogicalPartition", lp1, "PowerOn", NULL, 0, &status, err, sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "PowerOn ends");
	is_int(lp1->state, SIM_LPAR_RUNNING, "lpar1 running after PowerOn");

	/* cancel before start: no side effect */
	j = submit(w, "LogicalPartition", lp1, "PowerOff", off, 2, &status, err, sizeof err);
	ok(j && simjob_cancel(w, j) == 0, "cancel accepted");
	is_str(simfeed_job_status_name(j), "CANCELED_BEFORE_START", "CANCELED_BEFORE_START");
	is_int(lp1->state, SIM_LPAR_RUNNING, "canceled PowerOff left lpar1 running");

	/* pass-through */
	struct hmc_param pt[] = { { (char *)"inputXML",
		(char *)"<VIO><Request action_str=\"VIO_HS_QUICK_QUERY\"/></VIO>" } };
	j = submit(w, "VirtualIOServer", vios, "PassThroughInterface", pt, 1, &status, err,
	           sizeof err);
	id = j ? j->id : 0;
	is_str(j ? j->progress_key : "", "NOT_STARTED", "progress NOT_STARTED");
	ok(wait_job(w, id), "pass-through ends");
	j = world_job_by_id(w, id);
	is_int(j->status, SIM_JOB_COMPLETED_OK, "pass-through COMPLETED_OK");
	ok(j->n_results == 3 && strcmp(j->results[0].name, "StdOut") == 0
	   && strncmp(j->results[0].value, "<VIO><Response>\n<quickQuery>\n<viosStatList>"
	              "<viosStatus machine_type=\"8286\" model=\"42A\" serial=\"21E0B20\">\n",
	              92) == 0,
	   "StdOut is the QUICK_QUERY reply of the VIOS's host");
	ok(w->n_pt == 1 && !strcmp(w->pt[0].action, "VIO_HS_QUICK_QUERY") && w->pt[0].n == 1,
	   "the request is counted under its action_str");

	/* malformed inputXML: the command fails, the job does not (its warning is
	 * expected: kept out of prove's output) */
	log_set_level("error", err, sizeof err);
	struct hmc_param ptbad[] = { { (char *)"inputXML",
		(char *)"<VIO><Request action_str=\"VIO_HS_QUICK_QUERY\"></VIO>" } };
	j = submit(w, "VirtualIOServer", vios, "PassThroughInterface", ptbad, 1, &status, err,
	           sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "malformed pass-through ends");
	j = world_job_by_id(w, id);
	is_int(j->status, SIM_JOB_COMPLETED_OK, "malformed request: job COMPLETED_OK");
	is_str(job_result(j, "StdOut"), "", "... empty StdOut");
	ok(job_result(j, "StdError") && !strncmp(job_result(j, "StdError"),
	   "passthru: inputXML is not well-formed XML", 41), "... StdError says why");
	is_str(job_result(j, "CMDReturnCode"), "1", "... CMDReturnCode 1");
	is_str(job_result(j, "RMCReturnCode"), "0", "... RMCReturnCode 0");
	ok(w->pt_malformed == 1 && w->pt[0].n == 1, "counted as malformed, not as an action");
	log_set_level("warn", err, sizeof err);

	/* CLIRunner on the HMC itself: lsrefcode and lssyscfg as text */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "lsrefcode -r lpar -m %s --filter lpar_names=%s -n 10 "
	         "-F time_stamp,refcode,word3", w->hosts[lp1->host].name, lp1->name);
	struct hmc_param cli[] = { { (char *)"cmd", cmd } };
	j = submit(w, "ManagementConsole", NULL, "CLIRunner", cli, 1, &status, err, sizeof err);
	ok(j != NULL, "CLIRunner accepted on ManagementConsole (%s)", j ? "" : err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "CLIRunner ends");
	j = world_job_by_id(w, id);
	is_int(j->status, SIM_JOB_COMPLETED_OK, "lsrefcode: COMPLETED_OK");
	is_str(j->target_uuid, w->hmcs[0].uuid, "... the job's target is the HMC");
	ok(job_result(j, "result") && strlen(job_result(j, "result")) > 22 &&
	   !strcmp(job_result(j, "result") + strlen(job_result(j, "result")) - 11,
	           ",00000000,\n"), "result: one line per entry, newest 00000000 without "
	   "word3");
	snprintf(cmd, sizeof cmd, "lssyscfg -r prof -m %s --filter lpar_names=%s -F boot_mode",
	         w->hosts[lp1->host].name, lp1->name);
	j = submit(w, "ManagementConsole", NULL, "CLIRunner", cli, 1, &status, err, sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "lssyscfg ends");
	j = world_job_by_id(w, id);
	is_str(job_result(j, "result"), "norm\n", "lssyscfg -r prof -F boot_mode: norm");
	snprintf(cmd, sizeof cmd, "rmsyscfg -r lpar -m x");
	log_set_level("error", err, sizeof err);
	j = submit(w, "ManagementConsole", NULL, "CLIRunner", cli, 1, &status, err, sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "refused command ends");
	j = world_job_by_id(w, id);
	ok(j->status == SIM_JOB_COMPLETED_WITH_ERROR && job_result(j, "result") &&
	   strstr(job_result(j, "result"), "rmsyscfg is not supported"),
	   "another command: COMPLETED_WITH_ERROR naming it (%s)",
	   job_result(j, "result") ? job_result(j, "result") : "");
	log_set_level("warn", err, sizeof err);

	/* RMC to the VIOS lost: the pass-through job fails (HSCL2970) */
	vios->rmc_inactive = 1;
	j = submit(w, "VirtualIOServer", vios, "PassThroughInterface", pt, 1, &status, err,
	           sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "pass-through without RMC ends");
	j = world_job_by_id(w, id);
	ok(j->status == SIM_JOB_COMPLETED_WITH_ERROR && job_result(j, "StdError") &&
	   !strncmp(job_result(j, "StdError"), "HSCL2970", 8),
	   "VIOS without RMC: COMPLETED_WITH_ERROR HSCL2970");
	vios->rmc_inactive = 0;

	/* LPM validation and migration need RMC to the partition */
	struct hmc_param mv[] = { { (char *)"TargetManagedSystemName", (char *)"hostB" } };
	lp1->rmc_inactive = 1;
	j = submit(w, "LogicalPartition", lp1, "MigrateValidate", mv, 1, &status, err, sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "MigrateValidate without RMC ends");
	j = world_job_by_id(w, id);
	is_int(j->status, SIM_JOB_COMPLETED_WITH_ERROR, "... COMPLETED_WITH_ERROR");
	is_str(job_result(j, "result"), "HSCL2957 Either there is currently no RMC connection "
	       "between the management console and the partition lpar1 (2*8286-42A*21E0B20) or "
	       "the partition does not support dynamic partitioning operations. Please check the "
	       "partition configuration and try again.", "... with the HMC's HSCL2957 message");
	j = submit(w, "LogicalPartition", lp1, "Migrate", mv, 1, &status, err, sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "Migrate without RMC ends");
	j = world_job_by_id(w, id);
	ok(j->status == SIM_JOB_COMPLETED_WITH_ERROR &&
	   !strncmp(job_result(j, "result"), "HSCL2957", 8) && lp1->host == 0,
	   "Migrate without RMC: HSCL2957, nothing moved");
	struct hmc_param osd[] = { { (char *)"operation", (char *)"osshutdown" } };
	j = submit(w, "LogicalPartition", lp1, "PowerOff", osd, 1, &status, err, sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "osshutdown without RMC ends");
	j = world_job_by_id(w, id);
	ok(j->status == SIM_JOB_COMPLETED_WITH_ERROR &&
	   !strncmp(job_result(j, "result"), "HSCL0DB4", 8) && lp1->state == SIM_LPAR_RUNNING,
	   "osshutdown without RMC: HSCL0DB4, still running");
	lp1->rmc_inactive = 0;

	/* missing required parameters: FAILED_BEFORE_COMPLETION at once */
	struct hmc_param rr[] = { { (char *)"Operation", (char *)"restart" } };
	j = submit(w, "LogicalPartition", lp1, "RemoteRestart", rr, 1, &status, err, sizeof err);
	ok(j && j->status == SIM_JOB_FAILED_BEFORE_COMPLETION,
	   "RemoteRestart without target: FAILED_BEFORE_COMPLETION");
	j = submit(w, "VirtualIOServer", vios, "PassThroughInterface", NULL, 0, &status, err,
	           sizeof err);
	ok(j && j->status == SIM_JOB_FAILED_BEFORE_COMPLETION,
	   "PassThroughInterface without inputXML: FAILED_BEFORE_COMPLETION");

	/* RemoteRestart validate then restart: source host must be down */
	struct hmc_param rrv[] = { { (char *)"Operation", (char *)"validate" },
	                           { (char *)"targetManagedSystem", (char *)"hostB" } };
	w->hosts[1].state = SIM_HOST_OPERATING;
	j = submit(w, "LogicalPartition", lp1, "RemoteRestart", rrv, 2, &status, err, sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "RR validate ends");
	j = world_job_by_id(w, id);
	is_int(j->status, SIM_JOB_COMPLETED_WITH_ERROR, "RR validate refused: source operating");
	ok(strncmp(j->results[1].value, "HSCLA9E1", 8) == 0, "HSCLA9E1 source state (%s)",
	   j->results[1].value);
	world_host_power_off(w, &w->hosts[0]);
	j = submit(w, "LogicalPartition", lp1, "RemoteRestart", rrv, 2, &status, err, sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "RR validate ends");
	is_int(world_job_by_id(w, id)->status, SIM_JOB_COMPLETED_OK, "RR validate ok, host down");
	is_int(lp1->host, 0, "validate moved nothing");
	struct hmc_param rrr[] = { { (char *)"Operation", (char *)"restart" },
	                           { (char *)"targetManagedSystemUUID", (char *)MS1_UUID } };
	j = submit(w, "LogicalPartition", lp1, "RemoteRestart", rrr, 2, &status, err, sizeof err);
	id = j ? j->id : 0;
	ok(wait_job(w, id), "RR restart ends");
	is_int(world_job_by_id(w, id)->status, SIM_JOB_COMPLETED_OK, "RR restart ok");
	is_int(lp1->host, 1, "lpar1 now on hostB");
	is_int(lp1->state, SIM_LPAR_RUNNING, "and running");

	/* refused requests: HTTP 400 */
	ok(submit(w, "LogicalPartition", lp1, "Frobnicate", NULL, 0, &status, err, sizeof err)
	   == NULL && status == 400, "unknown operation -> 400 (%s)", err);
	j = NULL;
	ok(simjob_submit(w, &w->hmcs[0], "LogicalPartition", lp1, "PowerOn", "<JobRequest><",
	                 13, &j, &status, err, sizeof err) == -1 && status == 400,
	   "malformed XML -> 400 (%s)", err);
	struct buf req = {0};
	hmcxml_job_request(&req, "PowerOff", "LogicalPartition", NULL, 0);
	ok(simjob_submit(w, &w->hmcs[0], "LogicalPartition", lp1, "PowerOn", req.data, req.len,
	                 &j, &status, err, sizeof err) == -1 && status == 400,
	   "OperationName mismatch -> 400 (%s)", err);
	buf_free(&req);
	ok(simjob_submit(w, &w->hmcs[0], "LogicalPartition", lp1, "PowerOn",
	                 "<!DOCTYPE x [<!ENTITY a \"b\">]><JobRequest/>", 42, &j, &status, err,
	                 sizeof err) == -1, "DOCTYPE refused");
	ok(w->ctr.jobs_submitted >= 10, "jobs_submitted counted (%llu)", w->ctr.jobs_submitted);
}

int
main(void)
{
	struct ev_loop *loop = ev_default_loop(0);
	char err[128];

	log_init("test_simfeeds", NULL, err, sizeof err);
	log_set_level("warn", err, sizeof err);
	xmlu_init();
	struct world *w = make_world(loop);
	test_ms_feed(w);
	test_lpar_feeds(w);
	test_vios_disks(w);
	test_console(w);
	test_web_documents(w);
	test_job_documents(w);
	test_jobs(w);
	simjob_stop_all(w);
	world_free(w);
	return done_testing();
}
