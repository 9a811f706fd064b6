/* cmd_status — `ksysmgr query system [status] [monitor=yes]`.
 *
 * Without a name: the system-wide attributes (cmd_cfg_query_system).  With
 * the name `status`: the health of every monitored host group, host, VIOS
 * and VM as ksysd last saw it (monitor.h); monitor=yes keeps printing it.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "cmd_priv.h"

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
	(void)io;
	if (r->n_names == 0) {
		if (cmd_attr(r, "monitor"))
			return cmd_usage(err, "monitor= goes with 'query system status'");
		return cmd_cfg_query_system(src, r, out, err);
	}
	if (r->n_names != 1 || strcmp(r->name_v[0], "status") != 0)
		return cmd_usage(err, "query system takes no NAME but 'status', got '%s'",
		                 r->name_v[0]);
	return cmd_refuse(err, "query system status: not served by this ksysd yet");
}
