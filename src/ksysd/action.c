/* action — long operations: stored output lines fanned out to followers
 * (see action.h).
 *
 * Ownership: the registry owns every running action; an action owns its
 * followers' cmd_io copies until it calls their end().  Lines go to the store
 * first, then to the followers, so a follower attaching later replays exactly
 * what the others saw.
 */
#include "action.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "log.h"
#include "mem.h"
#include "store.h"

struct follower {
	struct cmd_io io;
	struct follower *next;
};

struct action {
	struct actions *as;
	int64_t id;
	char kind[32];
	char object[256];
	struct follower *followers;
	struct action *next;
};

struct actions {
	struct ev_loop *loop;
	struct store *store;
	struct action *running;         /* newest first */
};

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct actions *
actions_new(struct ev_loop *loop, struct store *store, char *err, size_t errlen)
{
	struct actions *as;
	int n;

	n = store_action_interrupt_all(store, err, errlen);
	if (n == -1)
		return NULL;
	if (n > 0)
		log_msg(LOGL_WARN, "action", "event=actions_interrupted count=%d "
		        "msg=\"actions left running by a previous ksysd\"", n);
	as = mem_calloc(1, sizeof(*as));
	as->loop = loop;
	as->store = store;
	return as;
}

static void
follower_add(struct action *a, const struct cmd_io *io)
{
	struct follower *f = mem_calloc(1, sizeof(*f)), **pp;

	f->io = *io;
	for (pp = &a->followers; *pp; pp = &(*pp)->next)
		;
	*pp = f;
}

struct action *
action_start(struct actions *as, const char *kind, const char *object,
             const struct cmd_io *first, char *err, size_t errlen)
{
	struct action *a;
	int64_t id;

	if (store_action_begin(as->store, kind, object, &id, err, errlen) == -1)
		return NULL;
	a = mem_calloc(1, sizeof(*a));
	a->as = as;
	a->id = id;
	snprintf(a->kind, sizeof(a->kind), "%s", kind);
	snprintf(a->object, sizeof(a->object), "%s", object ? object : "");
	if (first)
		follower_add(a, first);
	a->next = as->running;
	as->running = a;
	log_msg(LOGL_INFO, "action", "event=action_start id=%lld kind=%s object=\"%s\"",
	        (long long)id, a->kind, a->object);
	return a;
}

int64_t action_id(const struct action *a) { return a->id; }
const char *action_kind(const struct action *a) { return a->kind; }
const char *action_object(const struct action *a) { return a->object; }

static void
emit(struct action *a, char stream, const char *text)
{
	struct follower *f;
	double now = wall_now();
	char err[256];

	if (store_action_line(a->as->store, a->id, stream, (int64_t)(now * 1000), text,
	                      err, sizeof(err)) == -1)
		log_msg(LOGL_ERROR, "action", "event=action_line_lost id=%lld error=\"%s\"",
		        (long long)a->id, err);
	for (f = a->followers; f; f = f->next)
		f->io.line(f->io.ctx, stream, now, text);
}

void
action_printf(struct action *a, char stream, const char *fmt, ...)
{
	struct buf b = { 0 };
	const char *p, *nl;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	for (p = buf_str(&b); *p; ) {
		size_t n;
		char *line;

		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		line = mem_strndup(p, n);
		emit(a, stream, line);
		free(line);
		p += n + (nl != NULL);
	}
	buf_free(&b);
}

static void
finish(struct action *a, const char *state, int status)
{
	struct actions *as = a->as;
	struct action **pp;
	struct follower *f, *next;
	char err[256];

	for (pp = &as->running; *pp; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	if (store_action_end(as->store, a->id, state, status, err, sizeof(err)) == -1)
		log_msg(LOGL_ERROR, "action", "event=action_end_lost id=%lld error=\"%s\"",
		        (long long)a->id, err);
	log_msg(LOGL_INFO, "action", "event=action_end id=%lld kind=%s state=%s status=%d",
	        (long long)a->id, a->kind, state, status);
	for (f = a->followers; f; f = next) {
		next = f->next;
		f->io.end(f->io.ctx, status);
		free(f);
	}
	free(a);
	if (store_action_prune(as->store, ACTION_KEEP) == -1)
		log_msg(LOGL_WARN, "action", "event=action_prune_failed");
}

void
action_end(struct action *a, int status)
{
	finish(a, status == CMD_OK ? "done" : "failed", status);
}

void
actions_free(struct actions *as)
{
	if (!as)
		return;
	while (as->running) {
		action_printf(as->running, 'E', "ksysd is stopping: action %lld interrupted",
		              (long long)as->running->id);
		finish(as->running, "interrupted", CMD_REFUSED);
	}
	free(as);
}

struct action *
actions_find(struct actions *as, const char *kind, const char *object)
{
	struct action *a;

	for (a = as->running; a; a = a->next)
		if (strcmp(a->kind, kind) == 0 && strcmp(a->object, object) == 0)
			return a;
	return NULL;
}

struct action *
actions_get(struct actions *as, int64_t id)
{
	struct action *a;

	for (a = as->running; a; a = a->next)
		if (a->id == id)
			return a;
	return NULL;
}

static int
replay_cb(char stream, int64_t time_ms, const char *text, void *arg)
{
	const struct cmd_io *io = arg;

	io->line(io->ctx, stream, (double)time_ms / 1000.0, text);
	return 0;
}

int
actions_follow(struct actions *as, int64_t id, int monitor, const struct cmd_io *io,
               char *err, size_t errlen)
{
	struct store_action row;
	struct action *a;

	if (store_action_get(as->store, id, &row, err, errlen) == -1)
		return -1;
	store_action_lines(as->store, id, replay_cb, (void *)io);
	a = actions_get(as, id);
	if (a && monitor) {
		follower_add(a, io);
		return 0;
	}
	io->end(io->ctx, a ? CMD_OK : row.status);
	return 0;
}

static int
latest_cb(const struct store_action *a, void *arg)
{
	*(int64_t *)arg = a->id;
	return 1;
}

int64_t
actions_latest(struct actions *as)
{
	int64_t id = 0;

	if (as->running)
		return as->running->id;
	store_action_list(as->store, 1, latest_cb, &id);
	return id;
}
