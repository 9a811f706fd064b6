/* test_action — long actions (action.c) and `query action` (cmd_action.c)
 * on a store in a temporary directory: lines reach every follower and the
 * store, a follower attaching later replays what it missed, monitor=yes
 * streams until the end and exits with the action's status, a killed first
 * follower does not stop the action, actions left running are marked
 * interrupted at the next start, `query action` lists and replays.  No socket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action.h"
#include "buf.h"
#include "cmd.h"
#include "core.h"
#include "log.h"
#include "store.h"
#include "../tap.h"

/* A follower recording what it gets: lines as "S:text\n", then "end=N". */
struct rec {
	struct buf b;
	int ended;
	int status;
	double last_when;
};

static void
rec_line(void *ctx, char stream, double when, const char *text)
{
	struct rec *r = ctx;

	buf_printf(&r->b, "%c:%s\n", stream, text);
	r->last_when = when;
}

static void
rec_end(void *ctx, int status)
{
	struct rec *r = ctx;

	r->ended++;
	r->status = status;
}

static struct cmd_io
io_of(struct rec *r)
{
	struct cmd_io io = { rec_line, rec_end, r };
	return io;
}

static char dir[256];

static struct store *
open_store(void)
{
	char e[256];
	struct store *s = store_open(dir, e, sizeof(e));

	if (!s) {
		printf("Bail out! store_open: %s\n", e);
		exit(1);
	}
	return s;
}

/* cmd_run of a blank-separated line with io. */
static int
run(struct core *core, const char *line, struct buf *out, struct buf *err,
    struct rec *r)
{
	struct cmd_source src = { NULL, NULL, NULL, core->store, core };
	struct cmd_io io = io_of(r);
	char copy[256], *argv[16], *p;
	int argc = 0;

	buf_reset(out);
	buf_reset(err);
	snprintf(copy, sizeof(copy), "%s", line);
	for (p = strtok(copy, " "); p && argc < 16; p = strtok(NULL, " "))
		argv[argc++] = p;
	return cmd_run(&src, argc, argv, out, err, &io);
}

int
main(void)
{
	struct rec first = { 0 }, late = { 0 }, mon = { 0 }, q = { 0 };
	struct buf out = { 0 }, err = { 0 };
	struct core core;
	struct actions *as;
	struct action *a, *b;
	struct store_action row;
	char e[256], line[64];
	int64_t id, id2;
	int rc;

	log_init("test_action", NULL, NULL, 0);
	log_set_level("error", NULL, 0);
	snprintf(dir, sizeof(dir), "/tmp/test_action.XXXXXX");
	if (!mkdtemp(dir))
		skip_all("mkdtemp failed");
	memset(&core, 0, sizeof(core));
	core.store = open_store();
	as = actions_new(NULL, core.store, e, sizeof(e));
	ok(as != NULL, "registry created (%s)", as ? "" : e);
	core.actions = as;

	{
		struct cmd_io io = io_of(&first);
		a = action_start(as, "discover", "HG1", &io, e, sizeof(e));
	}
	ok(a != NULL && action_id(a) > 0, "action started");
	id = action_id(a);
	is_str(action_kind(a), "discover", "kind");
	is_str(action_object(a), "HG1", "object");
	ok(actions_find(as, "discover", "HG1") == a, "found by kind and object");
	ok(actions_find(as, "discover", "HG2") == NULL, "not for another object");
	ok(actions_get(as, id) == a, "found by id");
	action_printf(a, 'O', "Running discovery on Host_group HG1, this may take few minutes...");
	action_printf(a, 'P', "\tstep one\n\tstep two");
	is_str(buf_str(&first.b), "O:Running discovery on Host_group HG1, this may take few "
	       "minutes...\nP:\tstep one\nP:\tstep two\n",
	       "the first follower gets every line, multi-line split");
	ok(first.last_when > 1.6e9, "lines carry the wall-clock time");

	/* a second terminal attaches with monitor=yes: replay, then live */
	{
		struct cmd_io io = io_of(&late);
		ok(actions_follow(as, id, 1, &io, e, sizeof(e)) == 0, "follow with monitor");
	}
	is_str(buf_str(&late.b), buf_str(&first.b), "the late follower replays the lines so far");
	ok(!late.ended, "and stays attached");
	action_printf(a, 'E', "ERROR: something");
	ok(strstr(buf_str(&late.b), "E:ERROR: something\n") && strstr(buf_str(&first.b),
	   "E:ERROR: something\n"), "a new line reaches both followers");

	/* query action through the grammar: list, replay without monitor */
	rc = run(&core, "query action", &out, &err, &q);
	is_int(rc, CMD_OK, "query action lists (synchronous)");
	snprintf(line, sizeof(line), "ID:                  %lld\n", (long long)id);
	ok(strstr(buf_str(&out), line) && strstr(buf_str(&out), "State:               running"),
	   "the running action is listed");
	snprintf(line, sizeof(line), "q action %lld", (long long)id);
	rc = run(&core, line, &out, &err, &q);
	is_int(rc, CMD_PENDING, "query action ID answers through io");
	ok(q.ended == 1 && q.status == CMD_OK, "without monitor it ends at once, status 0");
	ok(strstr(buf_str(&q.b), "P:\tstep two\n") != NULL, "with the lines so far");
	rc = run(&core, "query action monitor=yes -o json", &out, &err, &q);
	is_int(rc, CMD_USAGE, "monitor=yes with JSON is a usage error");
	rc = run(&core, "query action x1", &out, &err, &q);
	is_int(rc, CMD_USAGE, "a non-numeric ID");
	rc = run(&core, "query action 999", &out, &err, &q);
	is_int(rc, CMD_REFUSED, "an unknown ID");
	ok(strstr(buf_str(&err), "action 999 does not exist") != NULL, "says so: %s",
	   buf_str(&err));
	rc = run(&core, "query action monitor=yes", &out, &err, &mon);
	is_int(rc, CMD_PENDING, "monitor=yes without ID follows the newest action");
	ok(!mon.ended, "still attached");

	action_end(a, CMD_REFUSED);
	ok(first.ended == 1 && late.ended == 1 && mon.ended == 1, "every follower ended once");
	ok(late.status == CMD_REFUSED && mon.status == CMD_REFUSED,
	   "with the action's status");
	ok(actions_get(as, id) == NULL, "no longer running");
	ok(store_action_get(core.store, id, &row, e, sizeof(e)) == 0 &&
	   strcmp(row.state, "failed") == 0 && row.status == CMD_REFUSED && row.n_lines == 4,
	   "stored as failed with its 4 lines");

	/* after the end: replay and the stored status */
	buf_free(&q.b);
	memset(&q, 0, sizeof(q));
	snprintf(line, sizeof(line), "query action %lld monitor=yes", (long long)id);
	rc = run(&core, line, &out, &err, &q);
	ok(rc == CMD_PENDING && q.ended == 1 && q.status == CMD_REFUSED,
	   "following an ended action replays and exits with its status");
	snprintf(line, sizeof(line), "-o json query action %lld", (long long)id);
	rc = run(&core, line, &out, &err, &q);
	is_int(rc, CMD_OK, "JSON of one action");
	ok(strstr(buf_str(&out), "\"state\":\"failed\",\"status\":1") &&
	   strstr(buf_str(&out), "\"stream\":\"stderr\",\"text\":\"ERROR: something\""),
	   "JSON carries state, status and lines");

	/* a first follower that went away does not stop the action */
	{
		/* its ksysmgr is killed: the follower's output goes nowhere */
		static struct rec gone;
		struct cmd_io io = io_of(&gone);
		b = action_start(as, "verify", "HG1", &io, e, sizeof(e));
		id2 = action_id(b);
		action_printf(b, 'P', "\tx verification has started");
	}
	ok(actions_get(as, id2) == b, "a second action runs");
	/* ksysd dies without ending it: a new ksysd opens the store */
	{
		struct store *s2 = open_store();
		struct actions *as2 = actions_new(NULL, s2, e, sizeof(e));
		ok(as2 != NULL, "a new registry after a restart");
		ok(store_action_get(s2, id2, &row, e, sizeof(e)) == 0 &&
		   strcmp(row.state, "interrupted") == 0 && row.n_lines == 1,
		   "the running action is now interrupted, its line kept");
		ok(actions_latest(as2) == id2, "latest is the interrupted one");
		actions_free(as2);
		store_close(s2);
	}
	/* the old registry goes away too (its store row is already ended) */
	actions_free(as);
	buf_free(&first.b);
	buf_free(&late.b);
	buf_free(&mon.b);
	buf_free(&q.b);
	buf_free(&out);
	buf_free(&err);
	store_close(core.store);
	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return done_testing();
}
