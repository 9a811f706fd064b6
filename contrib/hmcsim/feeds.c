/* feeds — Atom/UOM/web XML documents of hmcsim (see feeds.h). */
#include "feeds.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/time.h>

#include "loop.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define K2_NS "http://www.w3.org/XML/1998/namespace/k2"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define AUTHOR "IBM Power Systems Management Console"
#define SIM_BOOT_DISK_MB 102400         /* every VIOS's own hdisk0 */

static const char *const kind_names[] = {
	[SIMFEED_MS] = "ManagedSystem",
	[SIMFEED_LPAR] = "LogicalPartition",
	[SIMFEED_VIOS] = "VirtualIOServer",
	[SIMFEED_CONSOLE] = "ManagementConsole",
};

/* AtomCreated of every object: when this process first served anything. */
static long long created_ms;

const char *
simfeed_kind_name(enum simfeed_kind k)
{
	if ((unsigned)k >= sizeof kind_names / sizeof kind_names[0])
		return "Unknown";
	return kind_names[k];
}

int
simfeed_kind_parse(const char *name, enum simfeed_kind *out)
{
	for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (enum simfeed_kind)i;
			return 0;
		}
	}
	return -1;
}

void
simfeed_base(const struct sim_hmc *h, char *out, size_t len)
{
	if (strchr(h->addr, ':'))
		snprintf(out, len, "https://[%s]:%d", h->addr, h->port);
	else
		snprintf(out, len, "https://%s:%d", h->addr, h->port);
}

int
simfeed_lpar_visible(struct world *w, const struct sim_hmc *h, const struct sim_lpar *l)
{
	if (l->host < 0 || (size_t)l->host >= w->n_hosts)
		return 0;
	return world_host_managed_by(&w->hosts[l->host], h);
}

/* ---- small writers ---- */

static unsigned
fnv1a(const char *p, size_t n, unsigned h)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 16777619u;
	}
	return h;
}

/* A stable name-based UUID (version 3 layout) for objects that have none:
 * feeds, job entries, templates. */
static void
hash_uuid(const char *seed, char *out, size_t len)
{
	size_t n = strlen(seed);
	unsigned a = fnv1a(seed, n, 2166136261u);
	unsigned b = fnv1a(seed, n, a ^ 0x9e3779b9u);
	unsigned c = fnv1a(seed, n, b ^ 0x85ebca6bu);
	unsigned d = fnv1a(seed, n, c ^ 0xc2b2ae35u);
	snprintf(out, len, "%08x-%04x-3%03x-%04x-%04x%08x", a, b >> 16, b & 0xfff,
	         0x8000 | ((c >> 16) & 0x3fff), c & 0xffff, d);
}

static void
iso_time(long long ms, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, len - n, ".%03dZ", (int)(ms % 1000));
}

static long long
now_ms(void)
{
	return loop_epoch_ms();
}

static long long
atom_created(void)
{
	if (!created_ms)
		created_ms = now_ms();
	return created_ms;
}

static void
ind(struct buf *b, int d)
{
	for (int i = 0; i < d; i++)
		buf_puts(b, "    ");
}

/* <name kb="KB" kxe="false">value</name> */
static void
leaf(struct buf *b, int d, const char *name, const char *kb, const char *val)
{
	ind(b, d);
	buf_printf(b, "<%s kb=\"%s\" kxe=\"false\">", name, kb);
	buf_put_xml_escaped(b, val ? val : "");
	buf_printf(b, "</%s>\n", name);
}

static void __attribute__((format(printf, 5, 6)))
leaff(struct buf *b, int d, const char *name, const char *kb, const char *fmt, ...)
{
	char v[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	leaf(b, d, name, kb, v);
}

static void
metadata_empty(struct buf *b, int d)
{
	ind(b, d);
	buf_puts(b, "<Metadata>\n");
	ind(b, d + 1);
	buf_puts(b, "<Atom/>\n");
	ind(b, d);
	buf_puts(b, "</Metadata>\n");
}

/* Opens a complex type element: schemaVersion plus empty Metadata. */
static void
open_complex(struct buf *b, int d, const char *name, const char *kb)
{
	ind(b, d);
	buf_printf(b, "<%s kb=\"%s\" kxe=\"false\" schemaVersion=\"" SIMFEED_SCHEMA "\">\n",
	           name, kb);
	metadata_empty(b, d + 1);
}

static void
open_plain(struct buf *b, int d, const char *name, const char *kb)
{
	ind(b, d);
	buf_printf(b, "<%s kb=\"%s\" kxe=\"false\">\n", name, kb);
}

static void
close_el(struct buf *b, int d, const char *name)
{
	ind(b, d);
	buf_printf(b, "</%s>\n", name);
}

static void
link_el(struct buf *b, int d, const char *href)
{
	ind(b, d);
	buf_puts(b, "<link href=\"");
	buf_put_xml_escaped(b, href);
	buf_puts(b, "\" rel=\"related\"/>\n");
}

/* Processing units as real HMCs print them: "0.5", "2", "7.25". */
static void
fmt_units(double v, char *out, size_t len)
{
	snprintf(out, len, "%.2f", v);
	char *dot = strchr(out, '.');
	if (!dot)
		return;
	char *e = out + strlen(out) - 1;
	while (e > dot && *e == '0')
		*e-- = '\0';
	if (e == dot)
		*e = '\0';
}

static void
leaf_units(struct buf *b, int d, const char *name, const char *kb, double v)
{
	char s[48];
	fmt_units(v, s, sizeof s);
	leaf(b, d, name, kb, s);
}

static const char *
tf(int v)
{
	return v ? "true" : "false";
}

/* Root element of a UOM object, with Metadata/Atom/{AtomID,AtomCreated}. */
static void
uom_root_open(struct buf *b, int d, const char *type, const char *atom_id)
{
	ind(b, d);
	buf_printf(b, "<%s:%s xmlns:%s=\"" SIMFEED_UOM_NS "\" xmlns=\"" SIMFEED_UOM_NS
	           "\" xmlns:ns2=\"" K2_NS "\" schemaVersion=\"" SIMFEED_SCHEMA "\">\n",
	           type, type, type);
	ind(b, d + 1);
	buf_puts(b, "<Metadata>\n");
	ind(b, d + 2);
	buf_puts(b, "<Atom>\n");
	ind(b, d + 3);
	buf_printf(b, "<AtomID>%s</AtomID>\n", atom_id);
	ind(b, d + 3);
	buf_printf(b, "<AtomCreated>%lld</AtomCreated>\n", atom_created());
	ind(b, d + 2);
	buf_puts(b, "</Atom>\n");
	ind(b, d + 1);
	buf_puts(b, "</Metadata>\n");
}

static void
web_root_open(struct buf *b, int d, const char *type)
{
	ind(b, d);
	buf_printf(b, "<%s:%s xmlns:%s=\"" SIMFEED_WEB_NS "\" xmlns=\"" SIMFEED_WEB_NS
	           "\" xmlns:ns2=\"" K2_NS "\" schemaVersion=\"" SIMFEED_SCHEMA "\">\n",
	           type, type, type);
	metadata_empty(b, d + 1);
}

static void
root_close(struct buf *b, int d, const char *type)
{
	ind(b, d);
	buf_printf(b, "</%s:%s>\n", type, type);
}

/* Writes an Atom entry around already built content (at depth d+2).
 * standalone: the entry is the document (XML declaration, namespaces). */
static void
entry_wrap(struct buf *b, int d, int standalone, const char *id, const char *title,
           const char *self_href, const unsigned *etag, const char *ctype,
           const struct buf *content)
{
	char ts[40];
	iso_time(now_ms(), ts, sizeof ts);
	if (standalone) {
		buf_puts(b, XML_DECL);
		buf_puts(b, "<entry xmlns=\"" ATOM_NS "\" xmlns:ns2=\"http://a9.com/-/spec/opensearch/1.1/\""
		         " xmlns:ns3=\"http://www.w3.org/1999/xhtml\">\n");
	} else {
		ind(b, d);
		buf_puts(b, "<entry>\n");
	}
	ind(b, d + 1);
	buf_printf(b, "<id>%s</id>\n", id);
	ind(b, d + 1);
	buf_printf(b, "<title>%s</title>\n", title);
	ind(b, d + 1);
	buf_printf(b, "<published>%s</published>\n", ts);
	ind(b, d + 1);
	buf_puts(b, "<link rel=\"SELF\" href=\"");
	buf_put_xml_escaped(b, self_href);
	buf_puts(b, "\"/>\n");
	ind(b, d + 1);
	buf_puts(b, "<author>\n");
	ind(b, d + 2);
	buf_puts(b, "<name>" AUTHOR "</name>\n");
	ind(b, d + 1);
	buf_puts(b, "</author>\n");
	if (etag) {
		ind(b, d + 1);
		buf_printf(b, "<etag:etag xmlns:etag=\"" SIMFEED_UOM_NS "\" xmlns=\"" SIMFEED_UOM_NS
		           "\">%d</etag:etag>\n", (int)*etag);
	}
	ind(b, d + 1);
	buf_printf(b, "<content type=\"%s\">\n", ctype);
	buf_append(b, content->data ? content->data : "", content->len);
	ind(b, d + 1);
	buf_puts(b, "</content>\n");
	ind(b, d);
	buf_puts(b, "</entry>\n");
}

/* ---- ManagedSystem ---- */

static void
ms_content(struct buf *c, int d, struct world *w, const struct sim_hmc *h,
           const struct sim_host *host)
{
	char base[128], href[256];
	simfeed_base(h, base, sizeof base);

	uom_root_open(c, d, "ManagedSystem", host->uuid);
	open_plain(c, d + 1, "AssociatedLogicalPartitions", "CUD");
	for (size_t i = 0; i < w->n_lpars; i++) {
		const struct sim_lpar *l = &w->lpars[i];
		if (l->is_vios || l->host != host->idx)
			continue;
		snprintf(href, sizeof href, "%s/rest/api/uom/ManagedSystem/%s/LogicalPartition/%s",
		         base, host->uuid, l->uuid);
		link_el(c, d + 2, href);
	}
	close_el(c, d + 1, "AssociatedLogicalPartitions");

	open_complex(c, d + 1, "AssociatedSystemCapabilities", "CUD");
	leaf(c, d + 2, "ActiveLogicalPartitionMobilityCapable", "ROR", "true");
	leaf(c, d + 2, "InactiveLogicalPartitionMobilityCapable", "ROR", "true");
	leaf(c, d + 2, "PowerVMLogicalPartitionRemoteRestartCapable", "ROR", "true");
	leaf(c, d + 2, "PowerVMLogicalPartitionSimplifiedRemoteRestartCapable", "ROR", "true");
	leaf(c, d + 2, "DynamicSimplifiedRemoteRestartToggleCapable", "ROR", "true");
	close_el(c, d + 1, "AssociatedSystemCapabilities");

	open_complex(c, d + 1, "AssociatedSystemMemoryConfiguration", "CUD");
	leaff(c, d + 2, "ConfigurableSystemMemory", "ROR", "%lld", host->mem_installed_mb);
	leaff(c, d + 2, "CurrentAvailableSystemMemory", "ROR", "%lld",
	      world_host_mem_avail(w, host));
	leaff(c, d + 2, "InstalledSystemMemory", "ROR", "%lld", host->mem_installed_mb);
	leaf(c, d + 2, "MemoryRegionSize", "ROR", "256");
	close_el(c, d + 1, "AssociatedSystemMemoryConfiguration");

	open_complex(c, d + 1, "AssociatedSystemProcessorConfiguration", "CUD");
	leaf_units(c, d + 2, "ConfigurableSystemProcessorUnits", "ROR", host->proc_installed);
	leaf_units(c, d + 2, "CurrentAvailableSystemProcessorUnits", "ROR",
	           world_host_proc_avail(w, host));
	leaf_units(c, d + 2, "InstalledSystemProcessorUnits", "ROR", host->proc_installed);
	close_el(c, d + 1, "AssociatedSystemProcessorConfiguration");

	open_plain(c, d + 1, "AssociatedVirtualIOServers", "CUD");
	for (size_t i = 0; i < w->n_lpars; i++) {
		const struct sim_lpar *l = &w->lpars[i];
		if (!l->is_vios || l->host != host->idx)
			continue;
		snprintf(href, sizeof href, "%s/rest/api/uom/ManagedSystem/%s/VirtualIOServer/%s",
		         base, host->uuid, l->uuid);
		link_el(c, d + 2, href);
	}
	close_el(c, d + 1, "AssociatedVirtualIOServers");

	leaf(c, d + 1, "DetailedState", "ROR", "None");
	open_complex(c, d + 1, "MachineTypeModelAndSerialNumber", "ROR");
	leaf(c, d + 2, "MachineType", "ROR", host->mtms_type);
	leaf(c, d + 2, "Model", "ROR", host->mtms_model);
	leaf(c, d + 2, "SerialNumber", "ROR", host->mtms_serial);
	close_el(c, d + 1, "MachineTypeModelAndSerialNumber");
	leaf(c, d + 1, "MaximumRemoteRestartPartitions", "ROR", "1024");
	leaf(c, d + 1, "PrimaryIPAddress", "ROR", host->ip);
	leaf(c, d + 1, "State", "ROR", world_host_state_name(host->state));
	leaf(c, d + 1, "SystemName", "CUR", host->name);
	root_close(c, d, "ManagedSystem");
}

static void
ms_entry(struct buf *b, int d, int standalone, struct world *w, const struct sim_hmc *h,
         const struct sim_host *host, unsigned *etag)
{
	struct buf c = {0};
	char base[128], href[256];
	simfeed_base(h, base, sizeof base);
	ms_content(&c, d + 2, w, h, host);
	unsigned e = fnv1a(c.data, c.len, 2166136261u);
	snprintf(href, sizeof href, "%s/rest/api/uom/ManagedSystem/%s", base, host->uuid);
	entry_wrap(b, d, standalone, host->uuid, "ManagedSystem", href, &e,
	           "application/vnd.ibm.powervm.uom+xml; type=ManagedSystem", &c);
	buf_free(&c);
	if (etag)
		*etag = e;
}

/* ---- LogicalPartition / VirtualIOServer ---- */

/* 1 when the instance of l shown under host is the stale one a Simplified
 * Remote Restart left behind. */
static int
stale_view(const struct sim_lpar *l, const struct sim_host *host)
{
	return host && l->stale_host >= 0 && l->stale_host == host->idx && l->host != host->idx;
}

static void
physical_volume(struct buf *c, int d, const char *name, const char *id, long long mb,
                int shared)
{
	char udid[128];

	world_disk_udid(id, udid, sizeof udid);
	open_complex(c, d, "PhysicalVolume", "CUD");
	leaf(c, d + 1, "Description", "CUD", shared ? "MPIO IBM 2076 FC Disk"
	                                            : "SAS Disk Drive");
	leaf(c, d + 1, "ReservePolicy", "CUD", shared ? "NoReserve" : "SinglePath");
	leaf(c, d + 1, "UniqueDeviceID", "ROR", udid);
	leaf(c, d + 1, "AvailableForUsage", "CUD", tf(shared));
	leaff(c, d + 1, "VolumeCapacity", "CUR", "%lld", mb);
	leaf(c, d + 1, "VolumeName", "CUR", name);
	leaf(c, d + 1, "VolumeState", "ROR", "active");
	leaf(c, d + 1, "VolumeUniqueID", "ROR", id);
	leaf(c, d + 1, "IsFibreChannelBacked", "ROR", tf(shared));
	close_el(c, d, "PhysicalVolume");
}

/* The disks VIOS v sees: its own boot disk hdisk0 (in rootvg, so not
 * available), then every shared disk of the topology it is listed for. */
static void
physical_volumes(struct buf *c, int d, struct world *w, const struct sim_lpar *v)
{
	char id[SIM_UUID_LEN], name[24];
	int k = 1;

	open_complex(c, d, "PhysicalVolumes", "CUD");
	world_boot_disk_id(v, id, sizeof id);
	physical_volume(c, d + 1, "hdisk0", id, SIM_BOOT_DISK_MB, 0);
	for (size_t i = 0; i < w->n_disks; i++) {
		const struct sim_disk *dk = &w->disks[i];
		if (!world_disk_seen_by(dk, v->idx))
			continue;
		snprintf(name, sizeof name, "hdisk%d", k++);
		physical_volume(c, d + 1, name, dk->id, dk->size_gb * 1024, 1);
	}
	close_el(c, d, "PhysicalVolumes");
}

static void
lpar_content(struct buf *c, int d, struct world *w, const struct sim_hmc *h,
             const struct sim_lpar *l, int stale)
{
	const char *type = l->is_vios ? "VirtualIOServer" : "LogicalPartition";
	const struct sim_host *host = NULL;
	char base[128], href[256];
	int hidx = stale ? l->stale_host : l->host;
	enum sim_lpar_state st = stale ? l->stale_state : l->state;
	const char *rr = stale ? l->stale_rr_state : l->rr_state;
	int running = st == SIM_LPAR_RUNNING || st == SIM_LPAR_MIGRATING_RUNNING;

	simfeed_base(h, base, sizeof base);
	if (hidx >= 0 && (size_t)hidx < w->n_hosts)
		host = &w->hosts[hidx];

	uom_root_open(c, d, type, l->uuid);
	leaf(c, d + 1, "AllowPerformanceDataCollection", "CUD", "false");
	leaf(c, d + 1, "AvailabilityPriority", "UOD", "127");
	leaf(c, d + 1, "CurrentProcessorCompatibilityMode", "ROO", "POWER9_base");
	leaf(c, d + 1, "HasPhysicalIO", "ROR", tf(l->is_vios));
	leaf(c, d + 1, "IsOperationInProgress", "ROR",
	     tf(st == SIM_LPAR_STARTING || st == SIM_LPAR_SHUTTING_DOWN));
	leaf(c, d + 1, "MigrationState", "ROR",
	     st == SIM_LPAR_MIGRATING_RUNNING ? "Migration_Starting" : "Not_Migrating");
	leaf(c, d + 1, "OperatingSystemVersion", "ROR", world_lpar_os_version(l));
	leaff(c, d + 1, "PartitionID", "COD", "%d", l->id);

	open_complex(c, d + 1, "PartitionMemoryConfiguration", "CUD");
	leaff(c, d + 2, "CurrentMemory", "ROR", "%lld", running ? l->mem_desired_mb : 0LL);
	leaff(c, d + 2, "DesiredMemory", "CUD", "%lld", l->mem_desired_mb);
	leaff(c, d + 2, "MaximumMemory", "CUD", "%lld", l->mem_max_mb);
	leaff(c, d + 2, "MinimumMemory", "CUD", "%lld", l->mem_min_mb);
	close_el(c, d + 1, "PartitionMemoryConfiguration");

	leaf(c, d + 1, "PartitionName", "CUR", l->name);

	open_complex(c, d + 1, "PartitionProcessorConfiguration", "CUD");
	if (l->dedicated) {
		open_complex(c, d + 2, "DedicatedProcessorConfiguration", "CUD");
		leaff(c, d + 3, "DesiredProcessors", "CUD", "%d", (int)(l->proc_desired + 0.5));
		leaff(c, d + 3, "MaximumProcessors", "CUD", "%d", (int)(l->proc_max + 0.5));
		leaff(c, d + 3, "MinimumProcessors", "CUD", "%d", (int)(l->proc_min + 0.5));
		close_el(c, d + 2, "DedicatedProcessorConfiguration");
		leaf(c, d + 2, "HasDedicatedProcessors", "CUD", "true");
		leaf(c, d + 2, "SharingMode", "CUD", "sre idle proces");
	} else {
		leaf(c, d + 2, "HasDedicatedProcessors", "CUD", "false");
		open_complex(c, d + 2, "SharedProcessorConfiguration", "CUD");
		leaf_units(c, d + 3, "DesiredProcessingUnits", "CUD", l->proc_desired);
		leaff(c, d + 3, "DesiredVirtualProcessors", "CUD", "%d", l->vcpu_desired);
		leaf_units(c, d + 3, "MaximumProcessingUnits", "CUD", l->proc_max);
		leaf_units(c, d + 3, "MinimumProcessingUnits", "CUD", l->proc_min);
		leaf(c, d + 3, "SharedProcessorPoolID", "CUD", "0");
		close_el(c, d + 2, "SharedProcessorConfiguration");
		leaf(c, d + 2, "SharingMode", "CUD", "uncapped");
	}
	close_el(c, d + 1, "PartitionProcessorConfiguration");

	leaf(c, d + 1, "PartitionState", "ROO", world_lpar_state_name(st));
	leaf(c, d + 1, "PartitionType", "COD", l->os_type[0] ? l->os_type
	     : l->is_vios ? "Virtual IO Server" : "AIX/Linux");
	leaf(c, d + 1, "PartitionUUID", "ROO", l->uuid);
	ind(c, d + 1);
	buf_printf(c, "<ReferenceCode kb=\"ROO\" kxe=\"true\">");
	buf_put_xml_escaped(c, l->refcode);
	buf_puts(c, "</ReferenceCode>\n");
	leaf(c, d + 1, "ResourceMonitoringControlState", "ROR",
	     running && !l->rmc_inactive ? "active" : "inactive");
	leaf(c, d + 1, "ResourceMonitoringIPAddress", "ROR", l->ip);
	if (host) {
		snprintf(href, sizeof href, "%s/rest/api/uom/ManagedSystem/%s", base, host->uuid);
		ind(c, d + 1);
		buf_puts(c, "<AssociatedManagedSystem kb=\"CUD\" kxe=\"false\" href=\"");
		buf_put_xml_escaped(c, href);
		buf_puts(c, "\" rel=\"related\"/>\n");
	}
	leaf(c, d + 1, "BootMode", "CUD", l->boot_mode[0] ? l->boot_mode : "norm");
	leaf(c, d + 1, "RemoteRestartCapable", "CUD", "false");
	leaf(c, d + 1, "SimplifiedRemoteRestartCapable", "CUD", tf(l->srr_capable));
	leaf(c, d + 1, "RemoteRestartState", "ROR", rr[0] ? rr : "Invalid");
	if (l->is_vios)
		physical_volumes(c, d + 1, w, l);
	root_close(c, d, type);
}

static void
lpar_entry(struct buf *b, int d, int standalone, struct world *w, const struct sim_hmc *h,
           const struct sim_lpar *l, const struct sim_host *under_host, unsigned *etag)
{
	const char *type = l->is_vios ? "VirtualIOServer" : "LogicalPartition";
	struct buf c = {0};
	char base[128], href[320], ct[96];

	simfeed_base(h, base, sizeof base);
	lpar_content(&c, d + 2, w, h, l, stale_view(l, under_host));
	unsigned e = fnv1a(c.data, c.len, 2166136261u);
	if (under_host)
		snprintf(href, sizeof href, "%s/rest/api/uom/ManagedSystem/%s/%s/%s", base,
		         under_host->uuid, type, l->uuid);
	else
		snprintf(href, sizeof href, "%s/rest/api/uom/%s/%s", base, type, l->uuid);
	snprintf(ct, sizeof ct, "application/vnd.ibm.powervm.uom+xml; type=%s", type);
	entry_wrap(b, d, standalone, l->uuid, type, href, &e, ct, &c);
	buf_free(&c);
	if (etag)
		*etag = e;
}

/* ---- ManagementConsole ---- */

static void
console_content(struct buf *c, int d, struct world *w, const struct sim_hmc *h)
{
	char base[128], href[256];
	simfeed_base(h, base, sizeof base);

	uom_root_open(c, d, "ManagementConsole", h->uuid);
	open_complex(c, d + 1, "MachineTypeModelAndSerialNumber", "ROR");
	leaf(c, d + 2, "MachineType", "ROR", h->mtms_type[0] ? h->mtms_type : "7063");
	leaf(c, d + 2, "Model", "ROR", h->mtms_model[0] ? h->mtms_model : "CR2");
	leaf(c, d + 2, "SerialNumber", "ROR", h->mtms_serial);
	close_el(c, d + 1, "MachineTypeModelAndSerialNumber");
	open_plain(c, d + 1, "ManagedSystems", "ROR");
	for (size_t i = 0; i < w->n_hosts; i++) {
		if (!world_host_managed_by(&w->hosts[i], h))
			continue;
		snprintf(href, sizeof href, "%s/rest/api/uom/ManagedSystem/%s", base,
		         w->hosts[i].uuid);
		link_el(c, d + 2, href);
	}
	close_el(c, d + 1, "ManagedSystems");
	leaf(c, d + 1, "ManagementConsoleName", "ROR", h->name);
	open_complex(c, d + 1, "VersionInfo", "ROR");
	leaf(c, d + 2, "BuildLevel", "ROR", "2311161514");
	leaf(c, d + 2, "Maintenance", "ROR", "0");
	leaf(c, d + 2, "Minor", "ROR", "1060");
	leaf(c, d + 2, "Release", "ROR", "3");
	leaf(c, d + 2, "ServicePackName", "ROR", "1060");
	leaf(c, d + 2, "Version", "ROR", "10");
	close_el(c, d + 1, "VersionInfo");
	leaf(c, d + 1, "BaseVersion", "ROR", "V10R3");
	leaf(c, d + 1, "ManagementConsoleType", "ROR", "HMC");
	root_close(c, d, "ManagementConsole");
}

static void
console_entry(struct buf *b, int d, int standalone, struct world *w,
              const struct sim_hmc *h, unsigned *etag)
{
	struct buf c = {0};
	char base[128], href[256];
	simfeed_base(h, base, sizeof base);
	console_content(&c, d + 2, w, h);
	unsigned e = fnv1a(c.data, c.len, 2166136261u);
	snprintf(href, sizeof href, "%s/rest/api/uom/ManagementConsole/%s", base, h->uuid);
	entry_wrap(b, d, standalone, h->uuid, "ManagementConsole", href, &e,
	           "application/vnd.ibm.powervm.uom+xml; type=ManagementConsole", &c);
	buf_free(&c);
	if (etag)
		*etag = e;
}

/* ---- public entries and feeds ---- */

void
simfeed_ms_entry(struct buf *out, struct world *w, const struct sim_hmc *h,
                 const struct sim_host *host, unsigned *etag)
{
	ms_entry(out, 0, 1, w, h, host, etag);
}

void
simfeed_lpar_entry(struct buf *out, struct world *w, const struct sim_hmc *h,
                   const struct sim_lpar *l, const struct sim_host *under_host,
                   unsigned *etag)
{
	lpar_entry(out, 0, 1, w, h, l, under_host, etag);
}

void
simfeed_console_entry(struct buf *out, struct world *w, const struct sim_hmc *h,
                      unsigned *etag)
{
	console_entry(out, 0, 1, w, h, etag);
}

size_t
simfeed_feed(struct buf *out, struct world *w, const struct sim_hmc *h,
             enum simfeed_kind k, const struct sim_host *host,
             const char *self_path, unsigned *etag)
{
	char base[128], id[40], ts[40], seed[300];
	size_t n = 0;
	unsigned agg = 2166136261u, e = 0;

	simfeed_base(h, base, sizeof base);
	snprintf(seed, sizeof seed, "%s%s", h->uuid, self_path);
	hash_uuid(seed, id, sizeof id);
	iso_time(now_ms(), ts, sizeof ts);

	buf_puts(out, XML_DECL);
	buf_puts(out, "<feed xmlns=\"" ATOM_NS "\" xmlns:ns2=\"http://a9.com/-/spec/opensearch/1.1/\""
	         " xmlns:ns3=\"http://www.w3.org/1999/xhtml\">\n");
	buf_printf(out, "    <id>%s</id>\n    <updated>%s</updated>\n", id, ts);
	buf_puts(out, "    <link rel=\"SELF\" href=\"");
	buf_put_xml_escaped(out, base);
	buf_put_xml_escaped(out, self_path);
	buf_puts(out, "\"/>\n    <generator>" AUTHOR "</generator>\n");

	switch (k) {
	case SIMFEED_MS:
		for (size_t i = 0; i < w->n_hosts; i++) {
			if (!world_host_managed_by(&w->hosts[i], h))
				continue;
			if (host && &w->hosts[i] != host)
				continue;
			ms_entry(out, 1, 0, w, h, &w->hosts[i], &e);
			agg = agg * 31u + e;
			n++;
		}
		break;
	case SIMFEED_LPAR:
	case SIMFEED_VIOS:
		for (size_t i = 0; i < w->n_lpars; i++) {
			const struct sim_lpar *l = &w->lpars[i];
			if (l->is_vios != (k == SIMFEED_VIOS))
				continue;
			if (host ? l->host != host->idx && !stale_view(l, host)
			         : !simfeed_lpar_visible(w, h, l))
				continue;
			lpar_entry(out, 1, 0, w, h, l, host, &e);
			agg = agg * 31u + e;
			n++;
		}
		break;
	case SIMFEED_CONSOLE:
		console_entry(out, 1, 0, w, h, &e);
		agg = agg * 31u + e;
		n++;
		break;
	}
	buf_puts(out, "</feed>\n");
	if (etag)
		*etag = agg;
	return n;
}

/* ---- web documents ---- */

void
simfeed_logon_response(struct buf *out, const char *token)
{
	buf_puts(out, XML_DECL);
	buf_puts(out, "<LogonResponse xmlns=\"" SIMFEED_WEB_NS "\" xmlns:ns2=\"" K2_NS
	         "\" schemaVersion=\"" SIMFEED_SCHEMA "\">\n");
	metadata_empty(out, 1);
	buf_puts(out, "    <X-API-Session kxe=\"false\" kb=\"ROR\">");
	buf_put_xml_escaped(out, token);
	buf_puts(out, "</X-API-Session>\n</LogonResponse>\n");
}

void
simfeed_http_error(struct buf *out, const struct sim_hmc *h, int status,
                   const char *uri, const char *reason, const char *message)
{
	struct buf c = {0};
	char base[128], id[40], seed[64], href[512];

	simfeed_base(h, base, sizeof base);
	snprintf(seed, sizeof seed, "err-%lld", now_ms());
	hash_uuid(seed, id, sizeof id);
	web_root_open(&c, 2, "HttpErrorResponse");
	leaff(&c, 3, "HTTPStatus", "ROR", "%d", status);
	leaf(&c, 3, "RequestURI", "ROR", uri);
	leaf(&c, 3, "ReasonCode", "ROR", reason);
	leaf(&c, 3, "Message", "ROR", message ? message : reason);
	ind(&c, 3);
	buf_puts(&c, "<RequestBody kb=\"ROR\" kxe=\"false\"/>\n");
	ind(&c, 3);
	buf_puts(&c, "<RequestHeaders kb=\"ROR\" kxe=\"false\"/>\n");
	root_close(&c, 2, "HttpErrorResponse");
	snprintf(href, sizeof href, "%s%s", base, uri ? uri : "");
	entry_wrap(out, 0, 1, id, "HttpErrorResponse", href, NULL,
	           "application/vnd.ibm.powervm.web+xml; type=HttpErrorResponse", &c);
	buf_free(&c);
}

static void
requested_operation(struct buf *c, int d, const char *op, const char *group)
{
	open_complex(c, d, "RequestedOperation", "CUR");
	leaf(c, d + 1, "OperationName", "ROR", op);
	leaf(c, d + 1, "GroupName", "ROR", group);
	leaf(c, d + 1, "ProgressType", "ROR", "DISCRETE");
	close_el(c, d, "RequestedOperation");
}

static void
job_parameter(struct buf *c, int d, const char *name, const char *value)
{
	ind(c, d);
	buf_puts(c, "<JobParameter schemaVersion=\"" SIMFEED_SCHEMA "\">\n");
	metadata_empty(c, d + 1);
	leaf(c, d + 1, "ParameterName", "ROR", name);
	leaf(c, d + 1, "ParameterValue", "CUR", value);
	close_el(c, d, "JobParameter");
}

void
simfeed_job_template(struct buf *out, const struct sim_hmc *h, const char *group,
                     const char *uuid, const char *op)
{
	struct buf c = {0};
	char base[128], id[40], seed[160], href[320];

	simfeed_base(h, base, sizeof base);
	snprintf(seed, sizeof seed, "template-%s-%s", group, op);
	hash_uuid(seed, id, sizeof id);
	web_root_open(&c, 2, "JobRequest");
	requested_operation(&c, 3, op, group);
	open_complex(&c, 3, "JobParameters", "CUR");
	close_el(&c, 3, "JobParameters");
	root_close(&c, 2, "JobRequest");
	snprintf(href, sizeof href, "%s/rest/api/uom/%s/%s/do/%s", base, group, uuid, op);
	entry_wrap(out, 0, 1, id, "JobRequest", href, NULL,
	           "application/vnd.ibm.powervm.web+xml; type=JobRequest", &c);
	buf_free(&c);
}

const char *
simfeed_job_status_name(const struct sim_job *j)
{
	switch (j->status) {
	case SIM_JOB_NOT_STARTED: return "NOT_STARTED";
	case SIM_JOB_RUNNING: return "RUNNING";
	case SIM_JOB_COMPLETED_OK: return "COMPLETED_OK";
	case SIM_JOB_COMPLETED_WITH_ERROR: return "COMPLETED_WITH_ERROR";
	case SIM_JOB_FAILED_BEFORE_COMPLETION: return "FAILED_BEFORE_COMPLETION";
	case SIM_JOB_CANCELED:
		return j->time_started ? "CANCELED_WHILE_RUNNING" : "CANCELED_BEFORE_START";
	}
	return "UNKNOWN";
}

/* Progress key prefix and wording of an operation. */
static void
progress_words(const char *op, char *prefix, size_t plen, char *what, size_t wlen)
{
	if (strcmp(op, "PassThroughInterface") == 0) {
		snprintf(prefix, plen, "PERFORMPASSTHROUGHAPI");
		snprintf(what, wlen, "VIOS PassThroughInterface job");
		return;
	}
	size_t i = 0;
	for (; op[i] && i + 1 < plen; i++)
		prefix[i] = (char)((op[i] >= 'a' && op[i] <= 'z') ? op[i] - 32 : op[i]);
	prefix[i] = '\0';
	snprintf(what, wlen, "%s job", op);
}

static void
nls_message(struct buf *c, int d, const char *elem, const char *key, const char *msg)
{
	ind(c, d);
	buf_printf(c, "<%s kb=\"ROR\" kxe=\"false\" schemaVersion=\"" SIMFEED_SCHEMA "\">\n", elem);
	metadata_empty(c, d + 1);
	leaf(c, d + 1, "UntranslatedMessage", "ROR", msg);
	leaf(c, d + 1, "MessageKey", "ROR", key);
	close_el(c, d, elem);
}

static void
job_progress(struct buf *c, int d, const struct sim_job *j)
{
	static const char *const steps[] = { "STARTED", "INPROGRESS", "COMPLETED" };
	static const char *const words[] = { "is started", "is in progress", "is completed" };
	char prefix[48], what[64], key[96], msg[128];
	int done;       /* how many of NOT_STARTED, STARTED, INPROGRESS, COMPLETED are done */

	progress_words(j->operation, prefix, sizeof prefix, what, sizeof what);
	switch (j->status) {
	case SIM_JOB_NOT_STARTED: done = 0; break;
	case SIM_JOB_RUNNING: done = 2; break;
	case SIM_JOB_COMPLETED_OK:
	case SIM_JOB_COMPLETED_WITH_ERROR: done = 4; break;
	default: done = j->time_started ? 2 : 1; break;
	}

	open_complex(c, d, "Progress", "ROO");
	open_complex(c, d + 1, "DiscreteProgress", "ROO");
	if (j->status == SIM_JOB_NOT_STARTED || j->status == SIM_JOB_RUNNING) {
		if (j->progress_key[0])
			snprintf(key, sizeof key, "%s", j->progress_key);
		else if (done == 0)
			snprintf(key, sizeof key, "NOT_STARTED");
		else
			snprintf(key, sizeof key, "%s_INPROGRESS", prefix);
		if (done == 0)
			snprintf(msg, sizeof msg, "%s is not yet started", what);
		else
			snprintf(msg, sizeof msg, "%s is in progress", what);
		nls_message(c, d + 2, "CurrentState", key, msg);
	}
	if (done > 0) {
		open_plain(c, d + 2, "CompletedStates", "ROR");
		snprintf(msg, sizeof msg, "%s is not yet started", what);
		nls_message(c, d + 3, "NLSStaticMessage", "NOT_STARTED", msg);
		for (int i = 0; i < 3 && i + 1 < done; i++) {
			snprintf(key, sizeof key, "%s_%s", prefix, steps[i]);
			snprintf(msg, sizeof msg, "%s %s", what, words[i]);
			nls_message(c, d + 3, "NLSStaticMessage", key, msg);
		}
		close_el(c, d + 2, "CompletedStates");
	}
	close_el(c, d + 1, "DiscreteProgress");
	close_el(c, d, "Progress");
}

void
simfeed_job_response(struct buf *out, const struct sim_hmc *h, const struct sim_job *j)
{
	struct buf c = {0};
	char base[128], id[40], seed[64], href[256];
	const char *exception = NULL;

	simfeed_base(h, base, sizeof base);
	snprintf(seed, sizeof seed, "job-%s-%lld", h->uuid, j->id);
	hash_uuid(seed, id, sizeof id);

	web_root_open(&c, 2, "JobResponse");
	ind(&c, 3);
	buf_printf(&c, "<RequestURL kb=\"ROR\" kxe=\"false\" href=\"%s/%s/do/%s\" rel=\"via\""
	           " title=\"The URL to which the JobRequest was submitted.\"/>\n",
	           j->group, j->target_uuid, j->operation);
	leaf(&c, 3, "TargetUuid", "ROR", j->target_uuid);
	leaff(&c, 3, "JobID", "ROR", "%lld", j->id);
	leaff(&c, 3, "TimeStarted", "ROR", "%lld", j->time_started);
	leaff(&c, 3, "TimeCompleted", "ROR", "%lld", j->time_completed);
	leaf(&c, 3, "Status", "ROR", simfeed_job_status_name(j));

	open_complex(&c, 3, "JobRequestInstance", "ROR");
	requested_operation(&c, 4, j->operation, j->group);
	open_complex(&c, 4, "JobParameters", "CUR");
	for (size_t i = 0; i < j->n_params; i++)
		job_parameter(&c, 5, j->params[i].name, j->params[i].value);
	close_el(&c, 4, "JobParameters");
	close_el(&c, 3, "JobRequestInstance");

	job_progress(&c, 3, j);

	open_complex(&c, 3, "Results", "ROR");
	for (size_t i = 0; i < j->n_results; i++) {
		if (strcmp(j->results[i].name, SIMFEED_EXCEPTION_PARAM) == 0) {
			exception = j->results[i].value;
			continue;
		}
		job_parameter(&c, 4, j->results[i].name, j->results[i].value);
	}
	close_el(&c, 3, "Results");
	if (exception) {
		open_complex(&c, 3, "ResponseException", "ROR");
		leaf(&c, 4, "Message", "ROR", exception);
		leaf(&c, 4, "StackTrace", "ROR", "");
		close_el(&c, 3, "ResponseException");
	}
	root_close(&c, 2, "JobResponse");

	snprintf(href, sizeof href, "%s/rest/api/uom/jobs/%lld", base, j->id);
	entry_wrap(out, 0, 1, id, "JobResponse", href, NULL,
	           "application/vnd.ibm.powervm.web+xml; type=JobResponse", &c);
	buf_free(&c);
}

int
simfeed_lpar_on_host(const struct sim_lpar *l, const struct sim_host *host)
{
	return l->host == host->idx || stale_view(l, host);
}
