/* fuzz_hmc_job — libFuzzer target for the job, logon, job-template and
 * HTTP error parsers of hmcxml.c.
 *
 * The first byte picks the parser ('J' JobResponse, 'S' LogonResponse,
 * 'T' job template, 'E' HttpErrorResponse, anything else: byte % 4) and the
 * rest is the body.  Seeds in corpus/hmc_job/ carry that prefix byte.  Also
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
	struct hmc_job_reply r;
	char err[256], op[64], group[64], *s;
	size_t len, i;
	int pick;

	fuzz_init_once();
	if (size < 1)
		return 0;
	len = size - 1;
	switch (data[0]) {
	case 'J': pick = 0; break;
	case 'S': pick = 1; break;
	case 'T': pick = 2; break;
	case 'E': pick = 3; break;
	default: pick = data[0] % 4; break;
	}
	switch (pick) {
	case 0:
		if (hmcxml_parse_job(body, len, "fuzz", &r, err, sizeof err) == 0) {
			for (i = 0; i < r.n_results; i++)
				if (strlen(r.results[i].name) + strlen(r.results[i].value) == (size_t)-1)
					abort();
			(void)hmc_job_succeeded(&r);
			(void)hmc_job_result(&r, "result");
			hmc_job_reply_clear(&r);
		}
		break;
	case 1:
		if (hmcxml_parse_logon(body, len, "fuzz", &s, err, sizeof err) == 0) {
			if (!*s || strpbrk(s, " \t\r\n"))
				abort();        /* the contract: no blanks, never empty */
			free(s);
		}
		break;
	case 2:
		(void)hmcxml_parse_job_template(body, len, "fuzz", op, sizeof op, group,
		                                sizeof group, err, sizeof err);
		break;
	default:
		s = hmcxml_error_message(body, len);
		if (!s)
			abort();
		free(s);
		break;
	}
	return 0;
}
