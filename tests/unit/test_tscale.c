/* test_tscale — --time-scale parsing, range and scaling. */
#include "../tap.h"
#include "tscale.h"

int
main(void)
{
	char err[200];

	ok(tscale_get() == 1.0, "default scale is 1");
	ok(tscale_secs(90) == 90.0, "scale 1 leaves seconds alone");
	is_int(tscale_parse("10", err, sizeof err), 0, "10 accepted");
	ok(tscale_get() == 10.0, "scale now 10");
	ok(tscale_secs(90) == 9.0, "90 s at scale 10 arms 9 s");
	is_int(tscale_parse("0.01", err, sizeof err), 0, "lower bound accepted");
	is_int(tscale_parse("1000", err, sizeof err), 0, "upper bound accepted");
	is_int(tscale_parse("0.001", err, sizeof err), -1, "below range refused");
	is_str(err, "--time-scale must be a number between 0.01 and 1000, got '0.001'",
	       "range message");
	is_int(tscale_parse("1001", err, sizeof err), -1, "above range refused");
	is_int(tscale_parse("x", err, sizeof err), -1, "garbage refused");
	is_str(err, "--time-scale must be a number between 0.01 and 1000, got 'x'",
	       "garbage message");
	is_int(tscale_parse("5x", err, sizeof err), -1, "trailing garbage refused");
	is_int(tscale_parse("", err, sizeof err), -1, "empty refused");
	is_int(tscale_parse("nan", err, sizeof err), -1, "nan refused");
	ok(tscale_get() == 1000.0, "failed parses keep the previous scale");
	tscale_set(2);
	ok(tscale_get() == 2.0, "tscale_set");
	ok(tscale_secs(1) == 0.5, "1 s at scale 2 arms 0.5 s");
	tscale_set(1);
	return done_testing();
}
