/* hmc_types — plain C views of the HMC REST objects ksys reads.
 *
 * Filled by hmcxml.c from Atom feeds/entries; consumed by every ksysd module
 * and by ksys-hmc.  No libxml2 or curl types leak through here.  Strings are
 * fixed-size and always NUL-terminated (over-long values are truncated).
 *
 * Wire contract (element local names; namespaces and kb/kxe are ignored).
 * The simulator emits exactly these, the parser reads exactly these:
 *
 * ManagedSystem (feed GET /rest/api/uom/ManagedSystem):
 *   SystemName, State ("operating", "power off", "error", "no connection",
 *   "power off in progress", "initializing", ...), DetailedState,
 *   PrimaryIPAddress, MachineTypeModelAndSerialNumber/{MachineType,Model,
 *   SerialNumber}, AssociatedSystemProcessorConfiguration/{
 *   InstalledSystemProcessorUnits, ConfigurableSystemProcessorUnits,
 *   CurrentAvailableSystemProcessorUnits}, AssociatedSystemMemoryConfiguration/
 *   {InstalledSystemMemory, ConfigurableSystemMemory,
 *   CurrentAvailableSystemMemory} (MB), AssociatedSystemCapabilities/
 *   PowerVMLogicalPartitionSimplifiedRemoteRestartCapable,
 *   AssociatedLogicalPartitions/link@href, AssociatedVirtualIOServers/link@href.
 *   The UUID is the Atom entry <id> (also the last path element of the
 *   rel=SELF link).
 * LogicalPartition and VirtualIOServer (feeds of the same names):
 *   PartitionUUID, PartitionID, PartitionName, PartitionType ("AIX/Linux",
 *   "Virtual IO Server", "OS400"), PartitionState ("running", "not activated",
 *   "error", "not available", "starting", "shutting down", "open firmware",
 *   "migrating running", ...), ReferenceCode, ResourceMonitoringControlState,
 *   ResourceMonitoringIPAddress, BootMode, SimplifiedRemoteRestartCapable,
 *   RemoteRestartState, PartitionProcessorConfiguration/{HasDedicatedProcessors,
 *   SharedProcessorConfiguration/{DesiredProcessingUnits,
 *   MinimumProcessingUnits, MaximumProcessingUnits, DesiredVirtualProcessors},
 *   DedicatedProcessorConfiguration/{DesiredProcessors, MinimumProcessors,
 *   MaximumProcessors}}, PartitionMemoryConfiguration/{DesiredMemory,
 *   MinimumMemory, MaximumMemory, CurrentMemory} (MB),
 *   AssociatedManagedSystem@href (ends with /ManagedSystem/{uuid}),
 *   OperatingSystemVersion ("VIOS 3.1.0.00", "AIX 7.2 7200-04-01-1939").
 *   VirtualIOServer only: PhysicalVolumes/PhysicalVolume (direct child of the
 *   VirtualIOServer object; the PhysicalVolumes of volume groups and other
 *   nested containers are not read), one per disk the VIOS sees, with
 *   UniqueDeviceID (the ViodiskID: the same on every VIOS that sees a shared
 *   disk, e.g. "01M0lCTTIxNDUxMjQ2MDA1MDc2ODAyODEwNDI2ODgwMDAwMDAwMDAwMDExMA=="),
 *   AvailableForUsage ("true"/"false"; false when in use, e.g. rootvg),
 *   VolumeCapacity (MB), VolumeName ("hdisk3", local to that VIOS),
 *   VolumeUniqueID and Description (read by nobody; hmcsim serves them).
 *   A PhysicalVolume without UniqueDeviceID is skipped (and logged).
 * ManagementConsole (feed GET /rest/api/uom/ManagementConsole):
 *   ManagementConsoleName, MachineTypeModelAndSerialNumber/{...},
 *   VersionInfo/{Version, Release, ServicePackName}, BaseVersion,
 *   ManagedSystems/link@href.  UUID = Atom entry <id>.
 */
#ifndef KSYS_HMC_TYPES_H
#define KSYS_HMC_TYPES_H

#include <stddef.h>

#define HMC_UUID_LEN  40
#define HMC_NAME_LEN  128
#define HMC_STATE_LEN 48

struct hmc_mtms {
	char type[16];
	char model[16];
	char serial[32];
};

struct hmc_ms {                         /* a managed system (host / CEC) */
	char uuid[HMC_UUID_LEN];
	char name[HMC_NAME_LEN];
	char state[HMC_STATE_LEN];      /* lower case as the HMC sends it */
	char detailed_state[HMC_STATE_LEN];
	char ip[64];
	struct hmc_mtms mtms;
	double proc_installed, proc_configurable, proc_avail;   /* processing units */
	long long mem_installed_mb, mem_configurable_mb, mem_avail_mb;
	int srr_capable;                /* -1 unknown, 0, 1 */
	size_t n_vios;                  /* UUIDs of AssociatedVirtualIOServers */
	char (*vios_uuids)[HMC_UUID_LEN];       /* owned; freed by hmc_ms_clear */
	size_t n_lpars;
	char (*lpar_uuids)[HMC_UUID_LEN];       /* owned */
};

struct hmc_lpar {                       /* a LogicalPartition or VirtualIOServer */
	char uuid[HMC_UUID_LEN];
	int id;                         /* PartitionID */
	char name[HMC_NAME_LEN];
	char type[32];                  /* PartitionType */
	char state[HMC_STATE_LEN];      /* PartitionState */
	char refcode[64];               /* ReferenceCode */
	char rmc_state[24];
	char rmc_ip[64];
	char boot_mode[24];
	char rr_state[HMC_STATE_LEN];   /* RemoteRestartState */
	char ms_uuid[HMC_UUID_LEN];     /* from AssociatedManagedSystem href */
	int is_vios;
	int srr_capable;                /* -1 unknown, 0, 1 */
	int dedicated;                  /* HasDedicatedProcessors */
	double proc_desired, proc_min, proc_max;  /* units (dedicated: processors) */
	int vcpu_desired;
	long long mem_desired_mb, mem_min_mb, mem_max_mb, mem_current_mb;
	char os_version[64];            /* OperatingSystemVersion, "" if absent */
};

/* A disk one VIOS sees (PhysicalVolume of a VirtualIOServer).  Flat: arrays
 * of it are freed with free(). */
struct hmc_pv {
	char vios_uuid[HMC_UUID_LEN];   /* PartitionUUID of the VIOS that sees it */
	char udid[128];                 /* UniqueDeviceID (ViodiskID), never "" */
	char name[64];                  /* VolumeName, "hdisk2" ("" if absent) */
	long long size_mb;              /* VolumeCapacity, 0 if absent */
	int available;                  /* AvailableForUsage: 1, 0, or -1 if absent */
};

struct hmc_console {                    /* the ManagementConsole object */
	char uuid[HMC_UUID_LEN];
	char name[HMC_NAME_LEN];
	struct hmc_mtms mtms;
	char version[64];               /* "V10R2 1030" style: Version Release SP */
	size_t n_ms;
	char (*ms_uuids)[HMC_UUID_LEN]; /* owned */
};

/* One name/value pair of a job's Results, or a JobParameter to send. */
struct hmc_param {
	char *name;                     /* owned */
	char *value;                    /* owned */
};

enum hmc_job_status {
	HMC_JOB_NOT_STARTED = 0,
	HMC_JOB_RUNNING,
	HMC_JOB_COMPLETED_OK,
	HMC_JOB_COMPLETED_WITH_WARNINGS,
	HMC_JOB_COMPLETED_WITH_ERROR,
	HMC_JOB_FAILED_BEFORE_COMPLETION,
	HMC_JOB_CANCELED,               /* CANCELED_BEFORE_START / _WHILE_RUNNING */
	HMC_JOB_OTHER_TERMINAL,         /* any other value: terminal, failed */
};

/* A parsed JobResponse (submit reply or status poll). */
struct hmc_job_reply {
	char job_id[32];
	char status_text[48];           /* as sent */
	enum hmc_job_status status;
	char target_uuid[HMC_UUID_LEN];
	long long time_started, time_completed;   /* epoch ms, 0 if unset */
	size_t n_results;
	struct hmc_param *results;      /* owned */
	char *error;                    /* owned: Results 'result' else ResponseException/Message; NULL if none */
	char progress_key[64];          /* DiscreteProgress CurrentState MessageKey, if any */
};

void hmc_ms_clear(struct hmc_ms *m);
void hmc_console_clear(struct hmc_console *c);
void hmc_job_reply_clear(struct hmc_job_reply *r);
/* Value of a named result (exact name), or NULL. */
const char *hmc_job_result(const struct hmc_job_reply *r, const char *name);
/* 1 for COMPLETED_OK / COMPLETED_WITH_WARNINGS / COMPLETED, else 0. */
int hmc_job_succeeded(const struct hmc_job_reply *r);
/* 1 unless NOT_STARTED or RUNNING. */
int hmc_job_terminal(enum hmc_job_status s);
enum hmc_job_status hmc_job_status_parse(const char *text);
const char *hmc_job_status_name(enum hmc_job_status s);

#endif
