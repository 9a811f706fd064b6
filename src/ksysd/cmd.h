/* cmd — the ksysmgr grammar, in one place, and its output formats.
 *
 * Parses the argv ksysmgr forwards (global options, ACTION CLASS
 * [NAME[,NAME...]] [attr=value ...]) with the Redbook's aliases and
 * unambiguous prefixes, checks attributes against a per-(action, class)
 * spec, prints help at every level and runs the commands this ksysd serves.
 * It does not touch sockets (ctl.c) nor HMC internals: live state comes
 * through struct cmd_source, filled by ksysd's main.
 */
#ifndef KSYS_CMD_H
#define KSYS_CMD_H

#include <stdarg.h>
#include <stddef.h>
#include "buf.h"

struct store;

enum cmd_status {
	CMD_OK = 0,
	CMD_REFUSED = 1,        /* well-formed request that cannot be done */
	CMD_USAGE = 2,          /* grammar error */
	CMD_PENDING = 100,      /* an asynchronous handler took the request: it
	                           answers through the cmd_io and ends it later */
};

/* Where an asynchronous request answers: ksysd wires it to a ctl_req, tests
 * to buffers.  Copied by value; ctx stays valid until end() was called.
 * stream is 'O' (stdout), 'E' (stderr) or 'P' (a progress line, stdout);
 * when is the epoch time the line was produced (shown with -t). */
struct cmd_io {
	void (*line)(void *ctx, char stream, double when, const char *text);
	void (*end)(void *ctx, int status);
	void *ctx;
};

/* printf into io as one or more lines of stream (split at '\n'), stamped now. */
void cmd_io_printf(const struct cmd_io *io, char stream, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "ksysmgr: PREFIX: MESSAGE" to io's stderr (prefix may be NULL): the one
 * way an asynchronous handler turns a request down (it then ends io). */
void cmd_io_vrefuse(const struct cmd_io *io, const char *prefix, const char *fmt,
                    va_list ap);
/* Every line of b to io as stream. */
void cmd_io_lines(const struct cmd_io *io, char stream, const struct buf *b);

struct core;

/* One configured HMC as `query hmc` shows it. */
struct cmd_hmc_row {
	char name[64];
	char ip[256];
	int port;
	char login[64];
	int up;
	int logged_on;
	char last_error[256];
};

/* Live state, provided by the caller; every callback may be NULL. */
struct cmd_source {
	size_t (*hmc_count)(void *arg);
	/* i in [0, count): fill out, return 0 (or -1 to skip it). */
	int (*hmc_row)(void *arg, size_t i, struct cmd_hmc_row *out);
	void *arg;
	struct store *store;    /* configuration store (store.h); NULL refuses
	                           the commands that need it */
	struct core *core;      /* the running daemon (core.h); NULL refuses the
	                           commands that need HMCs or actions */
	/* Called after a synchronous add/modify/delete/manage/unmanage succeeded
	 * (monitoring re-reads the configuration at once); may be NULL. */
	void (*config_changed)(void *arg);
};

/* Runs one request.  out gets what goes to stdout, err what goes to
 * stderr (both appended, '\n'-terminated lines).  Returns a cmd_status.
 * A request served asynchronously (discovery, HMC checks, ...) returns
 * CMD_PENDING: then out and err are untouched and the answer comes through
 * io, ended by exactly one io->end.  With io NULL such requests are refused. */
int cmd_run(const struct cmd_source *src, int argc, char **argv,
            struct buf *out, struct buf *err, const struct cmd_io *io);

/* Canonical action/class name for word (aliases, case-insensitive,
 * unambiguous prefixes), or NULL with err "unknown ...; actions: ..." or
 * "ambiguous ...: a, b". */
const char *cmd_action_lookup(const char *word, char *err, size_t errlen);
const char *cmd_class_lookup(const char *word, char *err, size_t errlen);

/* ---- output helpers -------------------------------------------------- */
/* "Label:" left-justified in width columns, then the value; labels too
 * long for width are padded to width + 10.  Each further line of a
 * multi-line value is indented to the value column. */
void cmd_put_kv(struct buf *b, const char *label, const char *value, int width);

/* Columnar table: header row, an underline of '=' under each header, rows;
 * every column but the last is padded to its widest cell + 3 (at least
 * min_width).  cells is nrows * ncols, row-major; NULL cells print "". */
void cmd_put_table(struct buf *b, size_t ncols, const char *const *headers,
                   const char *const *cells, size_t nrows, int min_width);

/* Appends s as a JSON string (quotes included, control characters escaped). */
void cmd_put_json_str(struct buf *b, const char *s);

/* A field of a record: text output shows label, JSON the lower-cased label;
 * num=1 prints the value bare in JSON (it must be a number); num=2 prints
 * a '\n'-separated value as a JSON array of strings. */
struct cmd_field {
	const char *label;
	const char *value;
	int num;
};

/* Records of nfields each (fields is nrecs * nfields).  Text: key/value
 * blocks separated by a blank line; JSON: one array of objects, one line. */
void cmd_put_records(struct buf *b, int json, const struct cmd_field *fields,
                     size_t nfields, size_t nrecs, int width);

#endif
