/* log — the one logger of every ksys program.
 *
 * Lines are stable key=value records so tests and admins can grep them:
 *   2026-11-21T10:00:00.123Z ksysd[123] level=info cat=hmc event=logon hmc=hmc1
 * The prefix (timestamp, program, pid, level, category) is added here; callers
 * write the rest as `key=value` pairs, quoting values with spaces ("...").
 * In the foreground lines go to stderr; as a daemon to DIR/PROG.log (opened
 * O_APPEND, reopened by log_reopen() on SIGHUP).  Not for traces of full HTTP
 * exchanges (a later trace module owns those).  Never pass a password here.
 */
#ifndef KSYS_LOG_H
#define KSYS_LOG_H

#include <stdarg.h>

enum log_level {
	LOGL_DEBUG = 0,
	LOGL_INFO,
	LOGL_NOTICE,
	LOGL_WARN,
	LOGL_ERROR,
};

/* Set up the logger.  prog names the program in every line.  dir NULL means
 * stderr; otherwise lines go to DIR/PROG.log (created 0600).  Returns 0, or
 * -1 with err filled when the file cannot be opened (stderr is kept). */
int log_init(const char *prog, const char *dir, char *err, size_t errlen);

/* Level spec: "debug|info|notice|warn|error", optionally followed by
 * ",CAT=LEVEL" overrides (e.g. "info,http=debug").  Returns 0 or -1 with err
 * naming the bad word. */
int log_set_level(const char *spec, char *err, size_t errlen);

/* Nonzero when a message at this level and category would be written. */
int log_enabled(enum log_level lvl, const char *cat);

void log_msg(enum log_level lvl, const char *cat, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_level lvl, const char *cat, const char *fmt, va_list ap);

/* Reopen the log file (after rotation); no-op on stderr. */
void log_reopen(void);
void log_close(void);

const char *log_level_name(enum log_level lvl);

/* Programmer errors only (never input): logs file:line and aborts. */
#define log_assert(c) do { if (!(c)) log_panic(__FILE__, __LINE__, #c); } while (0)
void log_panic(const char *file, int line, const char *what) __attribute__((noreturn));

#endif
