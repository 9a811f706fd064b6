/* cmd_event — `ksysmgr query event [type=NAME] [since=ID] [limit=N]`.
 *
 * The event log as ksysd stored it (store_event_*), oldest first; since=
 * takes the ID of the last event already seen, so a script can poll for
 * new ones; -v adds Time_ms (epoch milliseconds) for precise timing.  Emitting events and the event catalogue live elsewhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "cmd_priv.h"
#include "store.h"

struct ev_ctx {
	struct buf *out;
	int json, verbose, i;
};

static int
event_cb(const struct store_event *e, void *arg)
{
	struct ev_ctx *c = arg;
	struct buf one = { 0 };
	struct cmd_field f[7];
	char id[24], ts[32], obj[160], ms[24];

	snprintf(id, sizeof(id), "%lld", (long long)e->id);
	cmd_fmt_time(ts, sizeof(ts), e->time_ms, "-");
	if (e->object_kind[0])
		snprintf(obj, sizeof(obj), "%s %s", e->object_kind, e->object_name);
	else
		snprintf(obj, sizeof(obj), "%s", e->object_name);
	f[0] = (struct cmd_field){ "ID", id, 1 };
	f[1] = (struct cmd_field){ "Time", ts, 0 };
	f[2] = (struct cmd_field){ "Event", e->name, 0 };
	f[3] = (struct cmd_field){ "Severity", e->severity, 0 };
	f[4] = (struct cmd_field){ "Object", obj, 0 };
	f[5] = (struct cmd_field){ "Text", e->text, 0 };
	snprintf(ms, sizeof(ms), "%lld", (long long)e->time_ms);
	f[6] = (struct cmd_field){ "Time_ms", ms, 1 };
	cmd_put_records(&one, c->json, f, c->verbose ? 7 : 6, 1, CMD_KV_WIDTH);
	cmd_append_record(c->out, &one, c->json, c->i++);
	buf_free(&one);
	return 0;
}

int
cmd_event_query(const struct cmd_source *src, const struct request *r, struct buf *out,
                struct buf *err)
{
	struct store *s = cmd_need_store(src, r, err);
	const char *type = cmd_attr(r, "type"), *since = cmd_attr(r, "since");
	const char *limit = cmd_attr(r, "limit");
	struct ev_ctx c = { out, r->json, r->verbose, 0 };
	long long since_id = 0;
	int n = 0;

	if (!s)
		return CMD_REFUSED;
	if (since)
		since_id = atoll(since);
	if (limit)
		n = atoi(limit);
	if (store_event_list(s, since_id, type, n, event_cb, &c) < 0)
		return cmd_refuse(err, "query event: the event log could not be read");
	if (r->json)
		buf_puts(out, c.i ? "]\n" : "[]\n");
	else if (!c.i)
		buf_printf(out, "No event%s%s%s\n", type ? " of type " : "", type ? type : "",
		           since ? " after that ID" : "");
	return CMD_OK;
}
