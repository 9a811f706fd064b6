/* test_recon — recon_hosts on a store in a temporary directory: a first
 * reconciliation adds VIOSs and VMs (upper-case UUIDs, ids, states, host
 * rows refreshed), a second one changes nothing, moves keep attributes,
 * renames (also a swap) keep attributes and references, removals take
 * blacklist entries with them, a row without UUID is adopted by name, name
 * collisions with rows of other hosts leave those rows intact, duplicates
 * count once, errors change nothing, and the change texts.  No network.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "recon.h"
#include "store.h"
#include "../tap.h"

static char dir[256];
static char err[512];

/* A fake host as its HMC would report it. */
struct fhost {
	const char *name;
	struct hmc_ms ms;
	struct hmc_lpar vioses[4];
	size_t nv;
	struct hmc_lpar lpars[16];
	size_t nl;
};

static void
fh_init(struct fhost *h, const char *name, const char *uuid, const char *serial)
{
	memset(h, 0, sizeof(*h));
	h->name = name;
	snprintf(h->ms.uuid, sizeof(h->ms.uuid), "%s", uuid);
	snprintf(h->ms.name, sizeof(h->ms.name), "%s", name);
	snprintf(h->ms.state, sizeof(h->ms.state), "operating");
	snprintf(h->ms.ip, sizeof(h->ms.ip), "10.0.0.%d", (int)strlen(serial));
	snprintf(h->ms.mtms.type, sizeof(h->ms.mtms.type), "8286");
	snprintf(h->ms.mtms.model, sizeof(h->ms.mtms.model), "42A");
	snprintf(h->ms.mtms.serial, sizeof(h->ms.mtms.serial), "%s", serial);
}

static struct hmc_lpar *
fh_part(struct fhost *h, int vios, const char *name, const char *uuid, int id,
        const char *state)
{
	struct hmc_lpar *l = vios ? &h->vioses[h->nv++] : &h->lpars[h->nl++];

	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->uuid, sizeof(l->uuid), "%s", uuid);
	snprintf(l->state, sizeof(l->state), "%s", state);
	l->id = id;
	l->is_vios = vios;
	return l;
}

static void
fh_drop(struct fhost *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nl; i++)
		if (strcmp(h->lpars[i].name, name) == 0) {
			memmove(&h->lpars[i], &h->lpars[i + 1], (h->nl - i - 1) * sizeof(h->lpars[0]));
			h->nl--;
			return;
		}
}

static struct hmc_lpar *
fh_find(struct fhost *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nl; i++)
		if (strcmp(h->lpars[i].name, name) == 0)
			return &h->lpars[i];
	return NULL;
}

static struct recon_host
rh(struct fhost *h, const char *hmcs)
{
	struct recon_host r = { h->name, &h->ms, h->vioses, h->nv, h->lpars, h->nl, hmcs };
	return r;
}

/* The changes as text, one per line. */
static void
change_cb(void *arg, const struct recon_change *c)
{
	char line[256];

	recon_change_text(c, line, sizeof(line));
	buf_printf(arg, "%s\n", line);
}

static int
run(struct store *s, struct fhost **hs, size_t n, struct buf *out)
{
	struct recon_host r[4];
	size_t i;

	for (i = 0; i < n; i++)
		r[i] = rh(hs[i], "hmc1,hmc2");
	buf_reset(out);
	err[0] = '\0';
	return recon_hosts(s, r, n, change_cb, out, err, sizeof(err));
}

static int
count_cb(const struct store_vm *v, void *arg)
{
	(void)v;
	(*(int *)arg)++;
	return 0;
}

static int
vm_count(struct store *s)
{
	int n = 0;
	store_vm_list(s, count_cb, &n);
	return n;
}

static int
bl_cb(const char *host, void *arg)
{
	buf_printf(arg, "%s,", host);
	return 0;
}

static void
add_host(struct store *s, const char *name)
{
	struct store_host h;

	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "%s", name);
	if (store_host_put(s, &h, STORE_INSERT, err, sizeof(err)) == -1)
		diag("add host %s: %s", name, err);
}

int
main(void)
{
	struct fhost h11, h12, h13;
	struct fhost *both[2] = { &h11, &h12 };
	struct fhost *only11[1] = { &h11 };
	struct fhost *only13[1] = { &h13 };
	struct buf out = { 0 }, bl = { 0 };
	struct store_vm vm;
	struct store_vios vios;
	struct store_host host;
	struct store *s;
	int rc;

	log_init("test_recon", NULL, NULL, 0);
	log_set_level("error", NULL, 0);
	snprintf(dir, sizeof(dir), "/tmp/test_recon.XXXXXX");
	if (!mkdtemp(dir))
		skip_all("mkdtemp failed");
	s = store_open(dir, err, sizeof(err));
	if (!s) {
		printf("Bail out! store_open: %s\n", err);
		return 1;
	}
	add_host(s, "rt11");
	add_host(s, "rt12");
	add_host(s, "rt13");

	fh_init(&h11, "rt11", "d04d8a4a-99fa-3e4b-80bc-c9d9716bd8f8", "0607585");
	snprintf(fh_part(&h11, 1, "rt11v1", "29798a5a-f115-4017-973f-0cf05fe26a97", 1,
	         "running")->os_version, 64, "VIOS 3.1.0.00");
	fh_part(&h11, 1, "rt11v2", "124F4082-8307-4BF4-8DA2-5CC1E3F0DA7A", 2, "running");
	fh_part(&h11, 0, "rt11002", "4fcd724b-8407-4945-a973-c25c4ca69a02", 4, "running");
	fh_part(&h11, 0, "rt11001", "4FCD724B-8407-4945-A973-C25C4CA69A01", 3, "running");
	fh_part(&h11, 0, "rt11003", "4FCD724B-8407-4945-A973-C25C4CA69A03", 5,
	        "not activated");
	fh_init(&h12, "rt12", "4715697c-a486-3cbb-8b5a-2637fa4db054", "2100E5W");
	fh_part(&h12, 1, "rt12v1", "5A000000-0000-4000-8000-000000000001", 1, "running");
	fh_part(&h12, 0, "rt12001", "5B000000-0000-4000-8000-000000000001", 3, "running");
	fh_init(&h13, "rt13", "6e2f37f5-1824-347a-99fd-488f818086dd", "21E0B2V");
	fh_part(&h13, 0, "dup", "6B000000-0000-4000-8000-000000000001", 3, "running");
	fh_part(&h13, 0, "taken", "6B000000-0000-4000-8000-000000000002", 4, "running");

	/* first reconciliation of one host */
	rc = run(s, only11, 1, &out);
	is_int(rc, 5, "first recon of rt11: 5 changes (%s)", err);
	is_str(buf_str(&out),
	       "VIOS rt11v1 is new on host rt11\n"
	       "VIOS rt11v2 is new on host rt11\n"
	       "VM rt11001 is new on host rt11\n"
	       "VM rt11002 is new on host rt11\n"
	       "VM rt11003 is new on host rt11\n",
	       "reported after commit, VIOSs first, then VMs, by name");
	ok(store_vm_get(s, "rt11002", &vm, err, sizeof(err)) == 0, "VM row rt11002 exists");
	is_str(vm.uuid, "4FCD724B-8407-4945-A973-C25C4CA69A02", "its UUID is upper case");
	is_str(vm.host, "rt11", "its host");
	is_int(vm.part_id, 4, "its LPAR id");
	is_str(vm.lpar_state, "running", "its partition state");
	is_int(vm.managed, 1, "managed by default");
	is_str(vm.state, "INIT", "state INIT");
	ok(store_vm_get(s, "rt11003", &vm, err, sizeof(err)) == 0 &&
	   strcmp(vm.lpar_state, "not activated") == 0, "a stopped LPAR keeps its state");
	ok(store_vios_get(s, "rt11v1", &vios, err, sizeof(err)) == 0, "VIOS row rt11v1");
	is_str(vios.uuid, "29798A5A-F115-4017-973F-0CF05FE26A97", "VIOS UUID upper case");
	ok(vios.managed == 1 && vios.part_id == 1 && strcmp(vios.host, "rt11") == 0,
	   "VIOS managed, id 1, on rt11");
	is_str(vios.version, "VIOS 3.1.0.00", "VIOS version from OperatingSystemVersion");
	is_str(vios.state, "running", "VIOS state is its partition state");
	ok(store_host_get(s, "rt11", &host, err, sizeof(err)) == 0, "host row");
	is_str(host.uuid, "d04d8a4a-99fa-3e4b-80bc-c9d9716bd8f8", "host UUID as the HMC gives it");
	is_str(host.mtms, "8286-42A*0607585", "host mtms");
	is_str(host.fsp_ip, "10.0.0.7", "host FSP address");
	is_str(host.hmcs, "hmc1,hmc2", "host HMCs");

	rc = run(s, only11, 1, &out);
	is_int(rc, 0, "the same feeds again: no change");
	is_str(buf_str(&out), "", "nothing reported");
	snprintf(h11.vioses[0].os_version, 64, "VIOS 3.1.1.00");
	h11.lpars[0].id = 14;
	rc = run(s, only11, 1, &out);
	ok(rc == 0 && store_vios_get(s, "rt11v1", &vios, err, sizeof(err)) == 0 &&
	   strcmp(vios.version, "VIOS 3.1.1.00") == 0, "a VIOS update is not a change, "
	   "but its version is refreshed");
	ok(store_vm_get(s, h11.lpars[0].name, &vm, err, sizeof(err)) == 0 && vm.part_id == 14,
	   "so is a VM's LPAR id");

	/* attributes survive a move between two hosts of the set */
	ok(store_vm_get(s, "rt11001", &vm, err, sizeof(err)) == 0, "get rt11001");
	snprintf(vm.priority, sizeof(vm.priority), "High");
	snprintf(vm.state, sizeof(vm.state), "READY_TO_MOVE");
	ok(store_vm_put(s, &vm, STORE_UPDATE, err, sizeof(err)) == 0, "priority High");
	ok(store_vm_blacklist_add(s, "rt11001", "rt13", err, sizeof(err)) == 0,
	   "blacklist rt13 for rt11001");
	{
		struct hmc_lpar *l = fh_find(&h11, "rt11001");
		struct hmc_lpar copy = *l;
		fh_drop(&h11, "rt11001");
		copy.id = 9;
		h12.lpars[h12.nl++] = copy;
	}
	rc = run(s, both, 2, &out);
	is_str(buf_str(&out),
	       "VIOS rt12v1 is new on host rt12\n"
	       "VM rt11001 moved from host rt11 to host rt12\n"
	       "VM rt12001 is new on host rt12\n",
	       "rt12's partitions are new, rt11001 moved");
	is_int(rc, 3, "three changes");
	ok(store_vm_get(s, "rt11001", &vm, err, sizeof(err)) == 0 &&
	   strcmp(vm.host, "rt12") == 0 && vm.part_id == 9, "rt11001 is on rt12 with id 9");
	ok(strcmp(vm.priority, "High") == 0 && strcmp(vm.state, "READY_TO_MOVE") == 0,
	   "its priority and state were kept");
	buf_reset(&bl);
	store_vm_blacklist_list(s, "rt11001", bl_cb, &bl);
	is_str(buf_str(&bl), "rt13,", "its blacklist was kept");

	/* rename: the row follows the UUID, references too */
	snprintf(fh_find(&h12, "rt11001")->name, HMC_NAME_LEN, "web01");
	rc = run(s, both, 2, &out);
	is_str(buf_str(&out), "VM rt11001 was renamed to web01 on host rt12\n", "renamed");
	ok(store_vm_get(s, "rt11001", &vm, err, sizeof(err)) == -1, "old name is gone");
	ok(store_vm_get(s, "web01", &vm, err, sizeof(err)) == 0 &&
	   strcmp(vm.priority, "High") == 0, "web01 kept the attributes");
	buf_reset(&bl);
	store_vm_blacklist_list(s, "web01", bl_cb, &bl);
	is_str(buf_str(&bl), "rt13,", "the blacklist follows the rename");

	/* swap of two names in one reconciliation */
	ok(store_vm_get(s, "rt11002", &vm, err, sizeof(err)) == 0, "get rt11002");
	snprintf(vm.priority, sizeof(vm.priority), "Low");
	store_vm_put(s, &vm, STORE_UPDATE, err, sizeof(err));
	snprintf(fh_find(&h11, "rt11002")->name, HMC_NAME_LEN, "tmpname");
	snprintf(fh_find(&h11, "rt11003")->name, HMC_NAME_LEN, "rt11002");
	snprintf(fh_find(&h11, "tmpname")->name, HMC_NAME_LEN, "rt11003");
	rc = run(s, both, 2, &out);
	is_int(rc, 2, "a swap is two renames (%s)", err);
	is_str(buf_str(&out),
	       "VM rt11003 was renamed to rt11002 on host rt11\n"
	       "VM rt11002 was renamed to rt11003 on host rt11\n",
	       "both reported");
	ok(store_vm_get(s, "rt11003", &vm, err, sizeof(err)) == 0 &&
	   strcmp(vm.priority, "Low") == 0 &&
	   strcmp(vm.uuid, "4FCD724B-8407-4945-A973-C25C4CA69A02") == 0,
	   "the Low-priority VM is now called rt11003, same UUID");

	/* removal takes the blacklist with it */
	fh_drop(&h12, "web01");
	rc = run(s, both, 2, &out);
	is_str(buf_str(&out), "VM web01 was removed from host rt12\n", "removed");
	ok(store_vm_get(s, "web01", &vm, err, sizeof(err)) == -1, "the row is gone");
	buf_reset(&bl);
	store_vm_blacklist_list(s, "web01", bl_cb, &bl);
	is_str(buf_str(&bl), "", "its blacklist too");

	/* a host outside the set, then name collisions with its rows */
	rc = run(s, only13, 1, &out);
	is_int(rc, 2, "rt13 reconciled on its own: 2 new VMs");
	fh_part(&h11, 0, "dup", "1C000000-0000-4000-8000-000000000001", 7, "running");
	snprintf(fh_find(&h11, "rt11002")->name, HMC_NAME_LEN, "taken");
	rc = run(s, both, 2, &out);
	is_int(rc, 2, "a new VM named like rt13's VM is not added, nor a rename to a "
	       "taken name: two conflicts reported");
	ok(strstr(buf_str(&out), "WARNING: VM rt11002 on host rt11 was renamed taken on the "
	          "HMC, but another VM has that name; it keeps the name rt11002\n") &&
	   strstr(buf_str(&out), "WARNING: VM dup on host rt11 (UUID "
	          "1C000000-0000-4000-8000-000000000001) is not added: another VM has "
	          "that name; rename one of them\n"), "each conflict says what happened: %s",
	   buf_str(&out));
	ok(store_vm_get(s, "dup", &vm, err, sizeof(err)) == 0 &&
	   strcmp(vm.host, "rt13") == 0 &&
	   strcmp(vm.uuid, "6B000000-0000-4000-8000-000000000001") == 0,
	   "rt13's dup is untouched");
	ok(store_vm_get(s, "taken", &vm, err, sizeof(err)) == 0 &&
	   strcmp(vm.host, "rt13") == 0, "rt13's taken is untouched");
	ok(store_vm_get(s, "rt11002", &vm, err, sizeof(err)) == 0 &&
	   strcmp(vm.host, "rt11") == 0, "the VM renamed to a taken name keeps its old name");
	fh_drop(&h11, "dup");
	snprintf(fh_find(&h11, "taken")->name, HMC_NAME_LEN, "rt11002");

	/* two new LPARs with the same name on two hosts: the first host wins */
	fh_part(&h11, 0, "same", "1D000000-0000-4000-8000-000000000001", 8, "running");
	fh_part(&h12, 0, "same", "1D000000-0000-4000-8000-000000000002", 8, "running");
	rc = run(s, both, 2, &out);
	ok(strncmp(buf_str(&out), "VM same is new on host rt11\n", 28) == 0 &&
	   strstr(buf_str(&out), "WARNING: VM same on host rt12 (UUID "
	          "1D000000-0000-4000-8000-000000000002) is not added"),
	   "one 'same' added, on rt11; the other is a conflict: %s", buf_str(&out));
	rc = run(s, both, 2, &out);
	ok(strstr(buf_str(&out), "WARNING: VM same on host rt12") != NULL,
	   "the conflict is reported at every reconciliation until it is resolved");
	fh_drop(&h12, "same");

	/* the same UUID reported by two hosts (a migration between reads) */
	fh_part(&h12, 0, "mig", "1E000000-0000-4000-8000-000000000001", 9,
	        "migrating running");
	fh_part(&h11, 0, "mig", "1e000000-0000-4000-8000-000000000001", 9, "running");
	rc = run(s, both, 2, &out);
	is_str(buf_str(&out), "VM mig is new on host rt11\n",
	       "a UUID seen twice counts once, on the host where it is not migrating");

	/* a row without UUID is adopted by name */
	store_vm_defaults(&vm, "pre");
	snprintf(vm.host, sizeof(vm.host), "rt11");
	snprintf(vm.priority, sizeof(vm.priority), "High");
	ok(store_vm_put(s, &vm, STORE_INSERT, err, sizeof(err)) == 0, "row 'pre' without UUID");
	fh_part(&h11, 0, "pre", "1F000000-0000-4000-8000-000000000001", 10, "running");
	rc = run(s, both, 2, &out);
	is_int(rc, 0, "adopting by name is not a change (%s)", buf_str(&out));
	ok(store_vm_get(s, "pre", &vm, err, sizeof(err)) == 0 &&
	   strcmp(vm.uuid, "1F000000-0000-4000-8000-000000000001") == 0 &&
	   strcmp(vm.priority, "High") == 0 && vm.part_id == 10,
	   "'pre' got its UUID and id, kept its priority");

	/* errors: nothing is half-applied */
	{
		int before = vm_count(s);
		struct fhost bad = h12;
		struct fhost *bad2[2] = { &h11, &bad };

		fh_part(&h11, 0, "late", "2A000000-0000-4000-8000-000000000001", 11, "running");
		snprintf(bad.ms.uuid, sizeof(bad.ms.uuid), "%s", h13.ms.uuid);
		rc = run(s, bad2, 2, &out);
		is_int(rc, -1, "a host UUID that belongs to another host is refused");
		ok(strstr(err, "belongs to host rt13") != NULL, "the error says so: %s", err);
		is_int(vm_count(s), before, "and rt11's new VM was not added");
		ok(store_vm_get(s, "late", &vm, err, sizeof(err)) == -1, "no row 'late'");

		bad = h12;
		bad.name = "rt99";
		rc = run(s, bad2, 2, &out);
		ok(rc == -1 && strstr(err, "rt99") != NULL, "an unknown host is refused: %s", err);
		bad2[1] = &h11;
		rc = run(s, bad2, 2, &out);
		ok(rc == -1 && strstr(err, "twice") != NULL, "a host given twice is refused: %s",
		   err);
		rc = run(s, only11, 1, &out);
		is_str(buf_str(&out), "VM late is new on host rt11\n",
		       "after the refusals rt11 reconciles normally");
	}

	/* texts */
	{
		struct recon_change c = { RECON_MOVED, 0, "vm1", NULL, "h2", "", "U" };
		char t[128];
		recon_change_text(&c, t, sizeof(t));
		is_str(t, "VM vm1 is now on host h2", "moved from no host");
		c.what = RECON_REMOVED;
		c.is_vios = 1;
		recon_change_text(&c, t, sizeof(t));
		is_str(t, "VIOS vm1 was removed from host h2", "VIOS removed");
	}

	buf_free(&out);
	buf_free(&bl);
	store_close(s);
	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return done_testing();
}
