/* tscale — the process-wide --time-scale factor.
 *
 * Holds one double (default 1) that divides every interval a program arms.
 * Not for wall-clock timestamps.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tscale.h"

#define TSCALE_MIN 0.01
#define TSCALE_MAX 1000.0

static double scale = 1.0;

int
tscale_parse(const char *word, char *err, unsigned long errlen)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = word ? strtod(word, &end) : 0;
	if (!word || end == word || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < TSCALE_MIN || v > TSCALE_MAX) {
		if (err && errlen)
			snprintf(err, errlen, "--time-scale must be a number between "
			         "0.01 and 1000, got '%s'", word ? word : "");
		return -1;
	}
	scale = v;
	return 0;
}

/* Out-of-range values are clamped; NaN and infinities are ignored. */
void
tscale_set(double s)
{
	if (!isfinite(s))
		return;
	scale = s < TSCALE_MIN ? TSCALE_MIN : s > TSCALE_MAX ? TSCALE_MAX : s;
}

double
tscale_get(void)
{
	return scale;
}

double
tscale_secs(double real_seconds)
{
	return real_seconds / scale;
}
