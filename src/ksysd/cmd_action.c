/* cmd_action — `ksysmgr query action [ID] [monitor=yes]`.
 *
 * Without ID: the recent actions, newest first.  With ID: that action's
 * output so far; monitor=yes keeps streaming until it ends and exits with
 * its status.  monitor=yes without ID follows the newest action.  The lines
 * come from the store (action.h), so an action whose ksysmgr was killed, or
 * that ran before a ksysd restart, can still be read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "cmd.h"
#include "cmd_priv.h"
#include "core.h"
#include "store.h"

#define ACTION_LIST_MAX 50

struct list_ctx {
	struct buf *out;
	int json, i;
};

static int
list_cb(const struct store_action *a, void *arg)
{
	struct list_ctx *lc = arg;
	char id[24], st[24], en[24], lines[24];
	struct cmd_field f[7];
	struct buf one = { 0 };

	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	snprintf(lines, sizeof(lines), "%lld", (long long)a->n_lines);
	cmd_fmt_time(st, sizeof(st), a->started_ms, "-");
	cmd_fmt_time(en, sizeof(en), a->ended_ms, "-");
	f[0] = (struct cmd_field){ "ID", id, 1 };
	f[1] = (struct cmd_field){ "Kind", a->kind, 0 };
	f[2] = (struct cmd_field){ "Object", a->object, 0 };
	f[3] = (struct cmd_field){ "State", a->state, 0 };
	f[4] = (struct cmd_field){ "Started", st, 0 };
	f[5] = (struct cmd_field){ "Ended", en, 0 };
	f[6] = (struct cmd_field){ "Lines", lines, 1 };
	cmd_put_records(&one, lc->json, f, 7, 1, CMD_KV_WIDTH);
	cmd_append_record(lc->out, &one, lc->json, lc->i++);
	buf_free(&one);
	return 0;
}

struct lines_ctx {
	struct buf *out;
	int n;
};

static int
json_line_cb(char stream, int64_t time_ms, const char *text, void *arg)
{
	struct lines_ctx *lc = arg;
	char ts[24];

	cmd_fmt_time(ts, sizeof(ts), time_ms, "-");
	buf_printf(lc->out, "%s{\"time\":", lc->n++ ? "," : "");
	cmd_put_json_str(lc->out, ts);
	buf_printf(lc->out, ",\"stream\":\"%s\",\"text\":",
	           stream == 'E' ? "stderr" : stream == 'P' ? "progress" : "stdout");
	cmd_put_json_str(lc->out, text);
	buf_putc(lc->out, '}');
	return 0;
}

int
cmd_action_query(const struct cmd_source *src, const struct request *r, struct buf *out,
                 struct buf *err, const struct cmd_io *io)
{
	struct core *core = cmd_need_core(src, r, err);
	const char *mon = cmd_attr(r, "monitor");
	int monitor = mon && strcmp(mon, "yes") == 0;
	int64_t id = 0;
	char e[256], *end;

	if (!core)
		return CMD_REFUSED;
	if (r->n_names > 1)
		return cmd_usage(err, "query action takes one ID, got %zu", r->n_names);
	if (r->n_names == 1) {
		errno = 0;
		id = strtoll(r->name_v[0], &end, 10);
		if (errno || *end || id <= 0)
			return cmd_usage(err, "query action: ID must be a positive number, got '%s'",
			                 r->name_v[0]);
	}
	if (monitor && r->json)
		return cmd_usage(err, "query action: monitor=yes streams text lines; "
		                 "drop -o json or monitor=yes");
	if (!id && !monitor) {
		struct list_ctx lc = { out, r->json, 0 };

		store_action_list(core->store, ACTION_LIST_MAX, list_cb, &lc);
		if (r->json)
			buf_puts(out, lc.i ? "]\n" : "[]\n");
		else if (!lc.i)
			buf_puts(out, "No action has run yet\n");
		return CMD_OK;
	}
	if (!id && !(id = actions_latest(core->actions)))
		return cmd_refuse(err, "query action: no action has run yet");
	if (r->json) {
		struct store_action a;
		struct lines_ctx lc = { out, 0 };
		char st[24], en[24];

		if (store_action_get(core->store, id, &a, e, sizeof(e)) == -1)
			return cmd_refuse(err, "query action: %s", e);
		cmd_fmt_time(st, sizeof(st), a.started_ms, "-");
		cmd_fmt_time(en, sizeof(en), a.ended_ms, "-");
		buf_printf(out, "[{\"id\":%lld,\"kind\":", (long long)a.id);
		cmd_put_json_str(out, a.kind);
		buf_puts(out, ",\"object\":");
		cmd_put_json_str(out, a.object);
		buf_printf(out, ",\"state\":\"%s\",\"status\":%d,\"started\":\"%s\","
		           "\"ended\":\"%s\",\"lines\":[", a.state, a.status, st, en);
		store_action_lines(core->store, id, json_line_cb, &lc);
		buf_puts(out, "]}]\n");
		return CMD_OK;
	}
	if (actions_follow(core->actions, id, monitor, io, e, sizeof(e)) == -1)
		return cmd_refuse(err, "query action: %s", e);
	return CMD_PENDING;
}
