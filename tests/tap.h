/* tap.h — the tiny in-tree TAP producer for C tests run under prove.
 *
 * ok(cond, fmt, ...) prints "ok N - desc" / "not ok N - desc"; is_int and
 * is_str show expected and got on failure; done_testing() prints the plan and
 * returns the exit status (1 if any test failed, or if none ran).  skip_all()
 * prints "1..0 # SKIP reason" and exits 0.  Header-only; one TU per test.
 */
#ifndef KSYS_TAP_H
#define KSYS_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>

static int tap_n, tap_fail;

static int __attribute__((format(printf, 2, 3), unused))
ok(int cond, const char *fmt, ...)
{
	va_list ap;
	tap_n++;
	if (!cond)
		tap_fail++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

#define is_int(got, exp, ...) do { long long g_ = (long long)(got), e_ = (long long)(exp); \
	if (!ok(g_ == e_, __VA_ARGS__)) printf("#   got %lld, expected %lld\n", g_, e_); } while (0)
#define is_str(got, exp, ...) do { const char *g_ = (got), *e_ = (exp); \
	if (!ok(g_ && e_ && strcmp(g_, e_) == 0, __VA_ARGS__)) \
		printf("#   got '%s', expected '%s'\n", g_ ? g_ : "(null)", e_ ? e_ : "(null)"); } while (0)

static void __attribute__((format(printf, 1, 2), unused))
diag(const char *fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void __attribute__((noreturn, unused))
skip_all(const char *reason)
{
	printf("1..0 # SKIP %s\n", reason);
	exit(0);
}

static int __attribute__((unused))
done_testing(void)
{
	printf("1..%d\n", tap_n);
	if (tap_n == 0) {
		printf("# no tests ran\n");
		return 1;
	}
	return tap_fail ? 1 : 0;
}

#endif
