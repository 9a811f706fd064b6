/* fuzz_hmc_feed — libFuzzer target for the HMC feed parsers of hmcxml.c.
 *
 * The first byte picks the parser ('M' ManagedSystem, 'L' LogicalPartition/
 * VirtualIOServer with the VIOSs' PhysicalVolumes, 'C' ManagementConsole,
 * anything else: byte % 3) and the rest is the body.  Seeds in
 * corpus/hmc_feed/ carry that prefix byte.  Also
 * linked with replay.c so `make check` replays the corpus without clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmlu.h"
#include "fuzz.h"
#include "hmcxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data + 1;
	struct hmc_console *c = NULL;
	struct hmc_lpar *l = NULL;
	struct hmc_ms *m = NULL;
	struct hmc_pv *pv = NULL;
	char err[256];
	size_t n = 0, npv = 0, i, len;
	int pick;

	fuzz_init_once();
	if (size < 1)
		return 0;
	len = size - 1;
	switch (data[0]) {
	case 'M': pick = 0; break;
	case 'L': pick = 1; break;
	case 'C': pick = 2; break;
	default: pick = data[0] % 3; break;
	}
	if (pick == 0) {
		if (hmcxml_parse_ms_feed(body, len, "fuzz", &m, &n, err, sizeof err) == 0)
			for (i = 0; i < n; i++)     /* touch every string */
				if (strlen(m[i].uuid) + strlen(m[i].name) == (size_t)-1)
					abort();
		hmcxml_free_ms(m, n);
	} else if (pick == 1) {
		if (hmcxml_parse_lpar_feed_pvs(body, len, "fuzz", &l, &n, &pv, &npv, err,
		                               sizeof err) == 0) {
			for (i = 0; i < n; i++)
				if (strlen(l[i].uuid) + strlen(l[i].ms_uuid) +
				    strlen(l[i].os_version) == (size_t)-1)
					abort();
			for (i = 0; i < npv; i++)
				if (!pv[i].udid[0] || strlen(pv[i].vios_uuid) + strlen(pv[i].name) ==
				    (size_t)-1)
					abort();        /* a kept disk always has a UDID */
		}
		free(l);
		free(pv);
	} else {
		if (hmcxml_parse_console_feed(body, len, "fuzz", &c, &n, err, sizeof err) == 0)
			for (i = 0; i < n; i++)
				if (strlen(c[i].uuid) + strlen(c[i].version) == (size_t)-1)
					abort();
		hmcxml_free_consoles(c, n);
	}
	return 0;
}
