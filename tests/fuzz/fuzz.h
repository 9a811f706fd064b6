/* fuzz.h — what every fuzz target shares (header-only).
 *
 * fuzz_init_once sets up libxml2 the way the programs do and silences the
 * logger below errors, once per process, whether the target runs under
 * libFuzzer or under the corpus replay main of replay.c.
 */
#ifndef KSYS_FUZZ_H
#define KSYS_FUZZ_H

#include "log.h"
#include "xmlu.h"

static void __attribute__((unused))
fuzz_init_once(void)
{
	static int done;
	char err[64];

	if (done)
		return;
	done = 1;
	xmlu_init();
	log_set_level("error", err, sizeof err);
}

#endif
