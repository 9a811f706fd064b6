/* cmd_status — `ksysmgr query system [status] [monitor=yes]`.
 *
 * Without a name: the system-wide attributes (cmd_cfg_query_system).  With
 * the name `status`: the health of every monitored host group, host, VIOS
 * and VM as ksysd last saw it, and the pending relocation requests
 * (monitor.h).  monitor=yes prints that snapshot, then a fresh one after
 * every change (text: separated by a line of '='; -o json: one JSON document
 * per line), until ksysd stops or one hour (scaled) has passed: ksysd cannot
 * see a client that went away (its output is dropped), so the follow is
 * bounded and says so when it ends.  Interrupting ksysmgr (Ctrl-C) just
 * stops reading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "cmd_priv.h"
#include "core.h"
#include "mem.h"
#include "monitor.h"
#include "tscale.h"

#define FOLLOW_MAX_SECS 3600.0          /* real seconds, scaled */

struct follow {
	struct cmd_io io;
	struct core *core;
	int json, verbose;
	ev_timer bound;
	unsigned long snapshots;
};

static void
follow_end(struct follow *f, const char *why)
{
	ev_timer_stop(f->core->loop, &f->bound);
	if (why)
		cmd_io_printf(&f->io, 'O', "%s", why);
	f->io.end(f->io.ctx, CMD_OK);
	free(f);
}

static void
snapshot(struct follow *f)
{
	struct buf b = { 0 };

	if (f->snapshots++ && !f->json)
		buf_puts(&b, "============================================================"
		         "================\n");
	monitor_status(f->core->monitor, f->json, f->verbose, &b);
	cmd_io_lines(&f->io, 'O', &b);
	buf_free(&b);
}

static void
on_change(void *cookie, int final)
{
	struct follow *f = cookie;

	if (final) {
		follow_end(f, f->json ? NULL : "ksysd is stopping: monitoring ended");
		return;
	}
	snapshot(f);
}

static void
bound_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct follow *f = w->data;

	(void)loop;
	(void)revents;
	monitor_listen(f->core->monitor, f, NULL);
	follow_end(f, f->json ? NULL : "Monitoring stopped after 60 minutes: run the "
	           "command again to keep following");
}

int
cmd_status_query_system_sync(const struct cmd_source *src, const struct request *r,
                             struct buf *out, struct buf *err)
{
	if (r->n_names == 0) {
		if (cmd_attr(r, "monitor"))
			return cmd_usage(err, "monitor= goes with 'query system status'");
		return cmd_cfg_query_system(src, r, out, err);
	}
	return cmd_refuse(err, "query system status: needs a running ksysd");
}

int
cmd_status_query_system(const struct cmd_source *src, const struct request *r,
                        struct buf *out, struct buf *err, const struct cmd_io *io)
{
	const char *mon = cmd_attr(r, "monitor");
	struct core *core;
	struct follow *f;

	if (r->n_names == 0) {
		if (mon)
			return cmd_usage(err, "monitor= goes with 'query system status'");
		return cmd_cfg_query_system(src, r, out, err);
	}
	if (r->n_names != 1 || strcmp(r->name_v[0], "status") != 0)
		return cmd_usage(err, "query system takes no NAME but 'status', got '%s'",
		                 r->name_v[0]);
	if (!(core = cmd_need_core(src, r, err)))
		return CMD_REFUSED;
	if (!core->monitor)
		return cmd_refuse(err, "query system status: health monitoring is not "
		                  "running in this ksysd");
	if (!mon || strcmp(mon, "yes") != 0) {
		monitor_status(core->monitor, r->json, r->verbose, out);
		return CMD_OK;
	}
	if (core->stopping)
		return cmd_refuse(err, "query system status monitor=yes: ksysd is stopping");
	f = mem_calloc(1, sizeof(*f));
	f->io = *io;
	f->core = core;
	f->json = r->json;
	f->verbose = r->verbose;
	if (!f->json)
		cmd_io_printf(&f->io, 'O', "Press Ctrl-C to quit monitoring for activity "
		              "(a new snapshot follows every change; ends after 60 minutes)");
	snapshot(f);
	ev_timer_init(&f->bound, bound_cb, tscale_secs(FOLLOW_MAX_SECS), 0.);
	f->bound.data = f;
	ev_timer_start(core->loop, &f->bound);
	monitor_listen(core->monitor, f, on_change);
	return CMD_PENDING;
}
