/* cmd_disc — discover, verify and lpm validate: long actions.
 */
#include <stdio.h>

#include "cmd.h"
#include "cmd_priv.h"

static int
pending(const struct request *r, struct buf *err)
{
	return cmd_refuse(err, "%s %s: not served by this ksysd yet", r->action, r->klass);
}

int
cmd_disc_discover(const struct cmd_source *src, const struct request *r, struct buf *out,
   struct buf *err, const struct cmd_io *io)
{
	(void)src; (void)out; (void)io;
	return pending(r, err);
}

int
cmd_disc_verify(const struct cmd_source *src, const struct request *r, struct buf *out,
   struct buf *err, const struct cmd_io *io)
{
	(void)src; (void)out; (void)io;
	return pending(r, err);
}

int
cmd_disc_lpm(const struct cmd_source *src, const struct request *r, struct buf *out,
   struct buf *err, const struct cmd_io *io)
{
	(void)src; (void)out; (void)io;
	return pending(r, err);
}
