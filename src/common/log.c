/* log — the one logger: stable key=value lines to stderr or DIR/PROG.log.
 *
 * Each line is formatted into one buffer and written with one write(), so
 * lines from several processes appending to the same file never interleave.
 * Not for full HTTP traces and never for passwords.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_PROG_MAX 64
#define LOG_CAT_MAX 32
#define LOG_OVERRIDES 32
#define LOG_LINE_STACK 4096

struct log_override {
	char cat[LOG_CAT_MAX];
	enum log_level lvl;
};

static char log_prog[LOG_PROG_MAX] = "ksys";
static char *log_path;            /* NULL: stderr */
static int log_fd = -1;           /* -1: stderr */
static enum log_level log_level_global = LOGL_INFO;
static struct log_override log_ovr[LOG_OVERRIDES];
static int log_novr;

static const char *const level_names[] = {
	[LOGL_DEBUG] = "debug",
	[LOGL_INFO] = "info",
	[LOGL_NOTICE] = "notice",
	[LOGL_WARN] = "warn",
	[LOGL_ERROR] = "error",
};

const char *
log_level_name(enum log_level lvl)
{
	if ((int)lvl < 0 || lvl > LOGL_ERROR)
		return "?";
	return level_names[lvl];
}

static int
open_file(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

int
log_init(const char *prog, const char *dir, char *err, size_t errlen)
{
	char *path = NULL;
	size_t n;
	int fd;

	if (prog && *prog)
		snprintf(log_prog, sizeof log_prog, "%s", prog);
	log_close();
	if (!dir)
		return 0;
	n = strlen(dir) + strlen(log_prog) + sizeof "/.log";
	path = malloc(n);
	if (!path) {
		if (err && errlen)
			snprintf(err, errlen, "log: out of memory");
		return -1;
	}
	snprintf(path, n, "%s/%s.log", dir, log_prog);
	fd = open_file(path);
	if (fd == -1) {
		if (err && errlen)
			snprintf(err, errlen, "log: cannot open %s: %s", path,
			         strerror(errno));
		free(path);
		return -1;
	}
	log_fd = fd;
	log_path = path;
	return 0;
}

void
log_reopen(void)
{
	int fd;

	if (!log_path)
		return;
	fd = open_file(log_path);
	if (fd == -1)
		return;        /* keep writing to the old file */
	if (dup3(fd, log_fd, O_CLOEXEC) == -1) {
		close(log_fd);
		log_fd = fd;
		return;
	}
	close(fd);
}

void
log_close(void)
{
	if (log_fd != -1)
		close(log_fd);
	log_fd = -1;
	free(log_path);
	log_path = NULL;
}

static int
parse_level(const char *w, size_t n, enum log_level *out)
{
	int i;

	for (i = LOGL_DEBUG; i <= LOGL_ERROR; i++) {
		if (strlen(level_names[i]) == n && strncmp(w, level_names[i], n) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	if (n == 7 && strncmp(w, "warning", 7) == 0) {
		*out = LOGL_WARN;
		return 0;
	}
	return -1;
}

int
log_set_level(const char *spec, char *err, size_t errlen)
{
	struct log_override ovr[LOG_OVERRIDES];
	enum log_level global = log_level_global;
	int novr = 0;
	const char *p = spec, *end, *eq;

	if (!spec || !*spec) {
		if (err && errlen)
			snprintf(err, errlen, "empty log level");
		return -1;
	}
	while (*p) {
		size_t n;

		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		eq = memchr(p, '=', n);
		if (!eq) {
			if (parse_level(p, n, &global) == -1)
				goto bad_word;
		} else {
			size_t cn = (size_t)(eq - p);
			enum log_level l;

			if (cn == 0 || cn >= LOG_CAT_MAX) {
				if (err && errlen)
					snprintf(err, errlen, "bad log category '%.*s'",
					         (int)cn, p);
				return -1;
			}
			if (parse_level(eq + 1, (size_t)(end - eq - 1), &l) == -1) {
				p = eq + 1;
				n = (size_t)(end - p);
				goto bad_word;
			}
			if (novr == LOG_OVERRIDES) {
				if (err && errlen)
					snprintf(err, errlen, "too many log categories");
				return -1;
			}
			memcpy(ovr[novr].cat, p, cn);
			ovr[novr].cat[cn] = '\0';
			ovr[novr].lvl = l;
			novr++;
		}
		p = *end ? end + 1 : end;
		continue;
bad_word:
		if (err && errlen)
			snprintf(err, errlen, "unknown log level '%.*s' (expected "
			         "debug, info, notice, warn or error)", (int)n, p);
		return -1;
	}
	log_level_global = global;
	memcpy(log_ovr, ovr, sizeof ovr[0] * (size_t)novr);
	log_novr = novr;
	return 0;
}

int
log_enabled(enum log_level lvl, const char *cat)
{
	int i;

	if (cat) {
		for (i = 0; i < log_novr; i++)
			if (strcmp(log_ovr[i].cat, cat) == 0)
				return lvl >= log_ovr[i].lvl;
	}
	return lvl >= log_level_global;
}

static void
write_all(const char *p, size_t n)
{
	int fd = log_fd == -1 ? STDERR_FILENO : log_fd;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static int
format_prefix(char *out, size_t outlen, enum log_level lvl, const char *cat)
{
	struct timespec ts;
	struct tm tm;
	char stamp[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	return snprintf(out, outlen, "%s.%03ldZ %s[%ld] level=%s cat=%s ", stamp,
	                ts.tv_nsec / 1000000L, log_prog, (long)getpid(),
	                log_level_name(lvl), cat ? cat : "-");
}

void
log_vmsg(enum log_level lvl, const char *cat, const char *fmt, va_list ap)
{
	char stack[LOG_LINE_STACK];
	char *line = stack, *heap = NULL;
	int pre, n, saved = errno;
	size_t total, i;
	va_list aq;

	if (!log_enabled(lvl, cat))
		return;
	pre = format_prefix(stack, sizeof stack, lvl, cat);
	if (pre < 0 || (size_t)pre >= sizeof stack)
		goto out;
	va_copy(aq, ap);
	n = vsnprintf(stack + pre, sizeof stack - (size_t)pre, fmt, aq);
	va_end(aq);
	if (n < 0)
		goto out;
	total = (size_t)pre + (size_t)n;
	if (total + 1 >= sizeof stack) {
		heap = malloc(total + 2);
		if (heap) {
			memcpy(heap, stack, (size_t)pre);
			vsnprintf(heap + pre, (size_t)n + 1, fmt, ap);
			line = heap;
		} else {
			total = sizeof stack - 2;   /* truncated but still one line */
		}
	}
	/* One record per line: embedded newlines would forge records. */
	for (i = (size_t)pre; i < total; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[total] = '\n';
	write_all(line, total + 1);
out:
	free(heap);
	errno = saved;
}

void
log_msg(enum log_level lvl, const char *cat, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, cat, fmt, ap);
	va_end(ap);
}

void
log_panic(const char *file, int line, const char *what)
{
	char msg[1024];
	int pre, n;

	pre = format_prefix(msg, sizeof msg, LOGL_ERROR, "panic");
	if (pre < 0 || (size_t)pre >= sizeof msg)
		pre = 0;
	n = snprintf(msg + pre, sizeof msg - (size_t)pre,
	             "event=panic file=%s line=%d what=\"%s\"\n", file, line,
	             what ? what : "");
	if (n < 0)
		n = 0;
	if ((size_t)pre + (size_t)n >= sizeof msg) {
		n = (int)(sizeof msg - (size_t)pre - 1);
		msg[sizeof msg - 2] = '\n';
	}
	write_all(msg, (size_t)pre + (size_t)n);
	if (log_fd != -1) {
		ssize_t w = write(STDERR_FILENO, msg, (size_t)pre + (size_t)n);
		(void)w;
	}
	abort();
}
