/* store_schema — the SQL schema of ksys.db as an ordered list of migrations.
 *
 * Migration N takes a database at user_version N-1 to N; store.c applies each
 * in its own transaction.  To change the schema, append one entry here and bump
 * STORE_SCHEMA_VERSION in store.h; never edit a migration that has shipped.
 * Not for queries (store.c runs those).
 */
#include <stddef.h>

#include "store.h"

/* Version 1: the full initial schema.
 * System attribute defaults are the factory values of `ksysmgr query system`
 * (spec/D §5.3, Ex 3-34): auto_discovery_time 00:00, notification_level low,
 * dup_event_processing yes, ha_monitor disable (the system switch is off until
 * the admin enables it, spec/D §8), host_failure_detection_time 90 (range
 * 90-600, spec/A §1.3, spec/D §9.2), vm_failure_detection_speed normal;
 * restart_policy auto is the host-group default (spec/D §9.1), kept here as
 * the system-wide fallback. */
static const char MIGRATION_1[] =
	"CREATE TABLE cluster("
	" name TEXT PRIMARY KEY NOT NULL,"
	" type TEXT NOT NULL DEFAULT 'HA',"
	" state TEXT NOT NULL DEFAULT '',"
	" ksysnodes TEXT NOT NULL DEFAULT '');"

	"CREATE TABLE hmc("
	" name TEXT PRIMARY KEY NOT NULL,"
	" address TEXT NOT NULL,"
	" port INTEGER NOT NULL,"
	" user TEXT NOT NULL,"
	" password TEXT NOT NULL,"
	" pin TEXT NOT NULL DEFAULT '',"
	" cafile TEXT NOT NULL DEFAULT '',"
	" tls_verify INTEGER NOT NULL DEFAULT 1);"

	"CREATE TABLE host_group("
	" name TEXT PRIMARY KEY NOT NULL,"
	" repo_disk TEXT NOT NULL DEFAULT '',"
	" ha_disk TEXT NOT NULL DEFAULT '',"
	" ha_monitor TEXT CHECK (ha_monitor IN ('enable','disable')),"
	" restart_policy TEXT NOT NULL DEFAULT 'auto'"
	"  CHECK (restart_policy IN ('auto','advisory_mode')),"
	" vm_failure_detection_speed TEXT"
	"  CHECK (vm_failure_detection_speed IN ('fast','normal','slow')),"
	" host_failure_detection_time INTEGER NOT NULL DEFAULT 0,"
	" state TEXT NOT NULL DEFAULT 'NEW',"
	" mem_high TEXT NOT NULL DEFAULT '100',"
	" mem_medium TEXT NOT NULL DEFAULT '100',"
	" mem_low TEXT NOT NULL DEFAULT '100',"
	" cpu_high TEXT NOT NULL DEFAULT '100',"
	" cpu_medium TEXT NOT NULL DEFAULT '100',"
	" cpu_low TEXT NOT NULL DEFAULT '100',"
	" skip_power_on INTEGER NOT NULL DEFAULT 0);"

	"CREATE TABLE host("
	" name TEXT PRIMARY KEY NOT NULL,"
	" uuid TEXT UNIQUE,"
	" mtms TEXT NOT NULL DEFAULT '',"
	" host_group TEXT REFERENCES host_group(name)"
	"  ON UPDATE CASCADE ON DELETE RESTRICT,"
	" state TEXT NOT NULL DEFAULT '',"
	" ha_monitor TEXT CHECK (ha_monitor IN ('enable','disable')),"
	" vm_failure_detection_speed TEXT"
	"  CHECK (vm_failure_detection_speed IN ('fast','normal','slow')));"
	"CREATE INDEX host_by_group ON host(host_group);"

	"CREATE TABLE vios("
	" name TEXT PRIMARY KEY NOT NULL,"
	" uuid TEXT UNIQUE,"
	" host TEXT NOT NULL REFERENCES host(name) ON UPDATE CASCADE ON DELETE CASCADE,"
	" managed INTEGER NOT NULL DEFAULT 1,"
	" state TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX vios_by_host ON vios(host);"

	"CREATE TABLE vm("
	" name TEXT PRIMARY KEY NOT NULL,"
	" uuid TEXT UNIQUE,"
	" host TEXT REFERENCES host(name) ON UPDATE CASCADE ON DELETE CASCADE,"
	" home_host TEXT REFERENCES host(name) ON UPDATE CASCADE ON DELETE SET NULL,"
	" managed INTEGER NOT NULL DEFAULT 1,"
	" ha_monitor TEXT CHECK (ha_monitor IN ('enable','disable')),"
	" priority TEXT NOT NULL DEFAULT 'Medium'"
	"  CHECK (priority IN ('High','Medium','Low')),"
	" vm_failure_detection_speed TEXT"
	"  CHECK (vm_failure_detection_speed IN ('fast','normal','slow')),"
	" state TEXT NOT NULL DEFAULT 'INIT');"
	"CREATE INDEX vm_by_host ON vm(host);"
	"CREATE INDEX vm_by_home ON vm(home_host);"

	"CREATE TABLE vm_blacklist("
	" vm TEXT NOT NULL REFERENCES vm(name) ON UPDATE CASCADE ON DELETE CASCADE,"
	" host TEXT NOT NULL REFERENCES host(name) ON UPDATE CASCADE ON DELETE CASCADE,"
	" PRIMARY KEY (vm, host));"
	"CREATE INDEX vm_blacklist_by_host ON vm_blacklist(host);"

	"CREATE TABLE affinity("
	" name TEXT PRIMARY KEY NOT NULL,"
	" kind TEXT NOT NULL"
	"  CHECK (kind IN ('collocation','anticollocation','workgroup')));"
	"CREATE TABLE affinity_member("
	" grp TEXT NOT NULL REFERENCES affinity(name) ON UPDATE CASCADE ON DELETE CASCADE,"
	" vm TEXT NOT NULL REFERENCES vm(name) ON UPDATE CASCADE ON DELETE CASCADE,"
	" PRIMARY KEY (grp, vm));"
	"CREATE INDEX affinity_member_by_vm ON affinity_member(vm);"

	"CREATE TABLE contact("
	" user TEXT NOT NULL,"
	" contact TEXT NOT NULL,"
	" kind TEXT NOT NULL DEFAULT 'email',"
	" PRIMARY KEY (user, contact));"

	"CREATE TABLE sysattr("
	" key TEXT PRIMARY KEY NOT NULL,"
	" value TEXT NOT NULL);"
	"INSERT INTO sysattr(key, value) VALUES"
	" ('auto_discovery_time', '00:00'),"
	" ('notification_level', 'low'),"
	" ('dup_event_processing', 'yes'),"
	" ('ha_monitor', 'disable'),"
	" ('host_failure_detection_time', '90'),"
	" ('vm_failure_detection_speed', 'normal'),"
	" ('restart_policy', 'auto');"

	"CREATE TABLE inventory("
	" hmc TEXT NOT NULL REFERENCES hmc(name) ON UPDATE CASCADE ON DELETE CASCADE,"
	" kind TEXT NOT NULL,"
	" uuid TEXT NOT NULL,"
	" name TEXT NOT NULL DEFAULT '',"
	" host_uuid TEXT NOT NULL DEFAULT '',"
	" state TEXT NOT NULL DEFAULT '',"
	" extra TEXT,"
	" discovered_at INTEGER NOT NULL,"
	" PRIMARY KEY (hmc, kind, uuid));"

	"CREATE TABLE event("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" time_ms INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" severity TEXT NOT NULL DEFAULT 'info',"
	" object_kind TEXT NOT NULL DEFAULT '',"
	" object_name TEXT NOT NULL DEFAULT '',"
	" text TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX event_by_name ON event(name, id);"

	"CREATE TABLE journal("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kind TEXT NOT NULL,"
	" object TEXT NOT NULL,"
	" step TEXT NOT NULL DEFAULT '',"
	" state TEXT NOT NULL DEFAULT 'running',"
	" data TEXT NOT NULL DEFAULT '',"
	" is_open INTEGER NOT NULL DEFAULT 1,"
	" created_ms INTEGER NOT NULL,"
	" updated_ms INTEGER NOT NULL);"
	"CREATE INDEX journal_open ON journal(is_open, id);";

/* Version 2: what discovery and verification learn (FSP address and HMCs
 * of a host, VIOS versions, LPAR ids and states, validation results), long
 * actions with their output lines, and the scheduler's last runs. */
static const char MIGRATION_2[] =
	"ALTER TABLE host ADD COLUMN fsp_ip TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE host ADD COLUMN hmcs TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE host_group ADD COLUMN discovered_ms INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE host_group ADD COLUMN verified_ms INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE vios ADD COLUMN version TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE vios ADD COLUMN hm_version TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE vios ADD COLUMN part_id INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE vm ADD COLUMN part_id INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE vm ADD COLUMN lpar_state TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE vm ADD COLUMN vm_status TEXT NOT NULL"
	" DEFAULT 'NO_OPERATION_IN_PROGRESS';"
	"ALTER TABLE vm ADD COLUMN lpm_status TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE vm ADD COLUMN verify_error TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE vm ADD COLUMN verified_ms INTEGER NOT NULL DEFAULT 0;"

	"CREATE TABLE action("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kind TEXT NOT NULL,"
	" object TEXT NOT NULL DEFAULT '',"
	" state TEXT NOT NULL DEFAULT 'running'"
	"  CHECK (state IN ('running','done','failed','interrupted')),"
	" status INTEGER NOT NULL DEFAULT 0,"
	" started_ms INTEGER NOT NULL,"
	" ended_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX action_by_state ON action(state, id);"
	"CREATE TABLE action_line("
	" action INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" time_ms INTEGER NOT NULL,"
	" stream TEXT NOT NULL CHECK (stream IN ('O','E','P')),"
	" text TEXT NOT NULL,"
	" PRIMARY KEY (action, seq));"

	"CREATE TABLE schedule("
	" name TEXT PRIMARY KEY NOT NULL,"
	" last_ms INTEGER NOT NULL DEFAULT 0);";

/* Index i holds the migration to version i+1. */
static const char *const MIGRATIONS[] = {
	MIGRATION_1,
	MIGRATION_2,
};

_Static_assert(sizeof MIGRATIONS / sizeof MIGRATIONS[0] == STORE_SCHEMA_VERSION,
	       "one migration per schema version");

const char *store_schema_migration(int version)
{
	if (version < 1 || version > STORE_SCHEMA_VERSION)
		return NULL;
	return MIGRATIONS[version - 1];
}
