/* cmd_obj — the vios, viodisk and vm classes of ksysmgr.
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
cmd_vios_query(const struct cmd_source *src, const struct request *r, struct buf *out,
   struct buf *err)
{
	(void)src; (void)out;
	return pending(r, err);
}

int
cmd_vios_manage(const struct cmd_source *src, const struct request *r, struct buf *out,
   struct buf *err)
{
	(void)src; (void)out;
	return pending(r, err);
}

int
cmd_viodisk_query(const struct cmd_source *src, const struct request *r, struct buf *out,
   struct buf *err, const struct cmd_io *io)
{
	(void)src; (void)out; (void)io;
	return pending(r, err);
}

int
cmd_vm_query(const struct cmd_source *src, const struct request *r, struct buf *out,
   struct buf *err)
{
	(void)src; (void)out;
	return pending(r, err);
}

int
cmd_vm_modify(const struct cmd_source *src, const struct request *r, struct buf *out,
   struct buf *err)
{
	(void)src; (void)out;
	return pending(r, err);
}

int
cmd_vm_manage(const struct cmd_source *src, const struct request *r, struct buf *out,
   struct buf *err)
{
	(void)src; (void)out;
	return pending(r, err);
}
