/* testdata.h — helpers for C tests that read sample documents (header-only).
 *
 * Define TESTDATA_DIR ("tests/data/hmc/") before including.  slurp reads a
 * file of that directory (tests run from the repository root) and exits the
 * test when it is missing; replace, contains and now_s help build hostile
 * variants and time large inputs.
 */
#ifndef KSYS_TEST_TESTDATA_H
#define KSYS_TEST_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"

/* Content of TESTDATA_DIR/name (caller frees); *len set. */
static char * __attribute__((unused))
slurp(const char *name, size_t *len)
{
	char path[256], err[300];
	struct buf b = { 0 };

	snprintf(path, sizeof path, TESTDATA_DIR "%s", name);
	if (buf_read_file(&b, path, 64u << 20, err, sizeof err) == -1) {
		printf("# %s (run from the repository root)\n", err);
		exit(1);
	}
	*len = b.len;
	return buf_steal(&b);
}

/* Copy of s with every FROM replaced by TO (caller frees). */
static char * __attribute__((unused))
replace(const char *s, const char *from, const char *to)
{
	struct buf b = { 0 };
	const char *hit;
	size_t fl = strlen(from);

	while ((hit = strstr(s, from)) != NULL) {
		buf_append(&b, s, (size_t)(hit - s));
		buf_puts(&b, to);
		s = hit + fl;
	}
	buf_puts(&b, s);
	return buf_steal(&b);
}

static int __attribute__((unused))
contains(const char *hay, const char *needle)
{
	return hay && needle && strstr(hay, needle) != NULL;
}

static double __attribute__((unused))
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
