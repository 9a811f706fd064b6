/* fuzz_vios — libFuzzer target for the vioHADR2.00 reply parsers of vios.c.
 *
 * The first byte picks the parser ('Q' QuickQuery, 'N' NeedsAttention,
 * 'D' QUERY_NODE_DATA, 'A' action reply, anything else: byte % 4) and the
 * rest is the StdOut.  Checks the contracts of vios.h on every success
 * (upper-case 36-character UUIDs, event text within its cap).  Seeds in
 * corpus/vios/ carry the prefix byte.  Also linked with replay.c so
 * `make check` replays the corpus without clang.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmlu.h"
#include "fuzz.h"
#include "vios.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
check_uuid(const char *u, int may_be_empty)
{
	size_t i;

	if (may_be_empty && !u[0])
		return;
	if (strlen(u) != 36)
		abort();
	for (i = 0; i < 36; i++)
		if (islower((unsigned char)u[i]))
			abort();
}

static void
check_stats(const struct vios_stat_list *l, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < l[i].n; j++) {
			check_uuid(l[i].v[j].uuid, 0);
			if (l[i].v[j].hm_response_sec < 0 || l[i].v[j].reason > 0xffffffffUL)
				abort();
			(void)vios_state_name(l[i].v[j].state);
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data + 1;
	struct vios_qq q;
	struct vios_na na;
	struct vios_nodedata nd;
	struct vios_action_reply a;
	char err[256];
	size_t len, i, j;
	int pick;

	fuzz_init_once();
	if (size < 1)
		return 0;
	len = size - 1;
	switch (data[0]) {
	case 'Q': pick = 0; break;
	case 'N': pick = 1; break;
	case 'D': pick = 2; break;
	case 'A': pick = 3; break;
	default: pick = data[0] % 4; break;
	}
	switch (pick) {
	case 0:
		if (vios_parse_qq(body, len, "fuzz", &q, err, sizeof err) == 0)
			check_stats(q.hosts, q.nhosts);
		vios_qq_free(&q);
		break;
	case 1:
		if (vios_parse_na(body, len, "fuzz", &na, err, sizeof err) == 0) {
			check_stats(na.vios_lists, na.nvios_lists);
			for (i = 0; i < na.nvm_lists; i++)
				for (j = 0; j < na.vm_lists[i].n; j++) {
					check_uuid(na.vm_lists[i].v[j].uuid, 0);
					check_uuid(na.vm_lists[i].v[j].missed_hm_entry, 1);
					(void)vios_vm_state_name(na.vm_lists[i].v[j].state);
					(void)vios_disc_name(na.vm_lists[i].v[j].disc);
				}
		}
		vios_na_free(&na);
		break;
	case 2:
		if (vios_parse_nodedata(body, len, "fuzz", &nd, err, sizeof err) == 0)
			for (i = 0; i < nd.nlists; i++)
				for (j = 0; j < nd.lists[i].n; j++) {
					check_uuid(nd.lists[i].v[j].uuid, 0);
					if (strlen(nd.lists[i].v[j].event) > VIOS_EVENT_MAX)
						abort();
				}
		vios_nodedata_free(&nd);
		break;
	default:
		(void)vios_parse_action(body, len, "fuzz", &a, err, sizeof err);
		break;
	}
	return 0;
}
