/* cmd_disc — the grammar side of discover, verify and lpm validate.
 *
 * `discover host_group HG [verify=yes]`, `verify host_group HG`,
 * `lpm vm NAME[,NAME...] [to=HOST] action=validate` and `lpm host NAME
 * [to=HOST] action=validate` become long actions of the discovery engine
 * (disc.h): this file checks the words, hands the request over and lets the
 * action answer through the cmd_io.  action=migrate is refused: migration
 * belongs to the relocation engine, not to this ksysd.  Not for the work
 * itself (disc.c).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmd_priv.h"
#include "core.h"
#include "disc.h"

/* The engine, or NULL after refusing into err. */
static struct disc *
need_disc(const struct cmd_source *src, const struct request *r, struct buf *err)
{
	struct core *core = cmd_need_core(src, r, err);

	if (!core)
		return NULL;
	if (!core->disc) {
		cmd_refuse(err, "%s %s: the discovery engine of this ksysd is not running",
		           r->action, r->klass);
		return NULL;
	}
	return core->disc;
}

static int
start(struct disc *d, const struct disc_req *rq, const struct cmd_io *io, struct buf *err)
{
	char e[1024];

	if (disc_start(d, rq, io, e, sizeof(e)) == -1)
		return cmd_refuse(err, "%s", e);
	return CMD_PENDING;
}

static int
one_group(const struct request *r, struct buf *err)
{
	if (r->n_names == 1)
		return CMD_OK;
	return cmd_usage(err, "%s host_group takes one host group, got %zu (%s%s)",
	                 r->action, r->n_names, r->name_v[0], r->n_names > 1 ? ",..." : "");
}

int
cmd_disc_discover(const struct cmd_source *src, const struct request *r, struct buf *out,
                  struct buf *err, const struct cmd_io *io)
{
	struct disc *d = need_disc(src, r, err);
	const char *v = cmd_attr(r, "verify");
	struct disc_req rq;
	int rc;

	(void)out;
	if (!d)
		return CMD_REFUSED;
	if ((rc = one_group(r, err)) != CMD_OK)
		return rc;
	memset(&rq, 0, sizeof(rq));
	rq.what = DISC_DISCOVER;
	rq.hg = r->name_v[0];
	rq.verify = v && strcmp(v, "yes") == 0;
	return start(d, &rq, io, err);
}

int
cmd_disc_verify(const struct cmd_source *src, const struct request *r, struct buf *out,
                struct buf *err, const struct cmd_io *io)
{
	struct disc *d = need_disc(src, r, err);
	struct disc_req rq;
	int rc;

	(void)out;
	if (!d)
		return CMD_REFUSED;
	if ((rc = one_group(r, err)) != CMD_OK)
		return rc;
	memset(&rq, 0, sizeof(rq));
	rq.what = DISC_VERIFY;
	rq.hg = r->name_v[0];
	return start(d, &rq, io, err);
}

int
cmd_disc_lpm(const struct cmd_source *src, const struct request *r, struct buf *out,
             struct buf *err, const struct cmd_io *io)
{
	const char *act = cmd_attr(r, "action");
	struct disc_req rq;
	struct disc *d;

	(void)out;
	if (!act)
		return cmd_usage(err, "lpm %s needs action=validate (LPM validation; "
		                 "action=migrate is not served by this ksysd)", r->klass);
	if (strcmp(act, "validate") != 0)
		return cmd_refuse(err, "lpm %s %s action=%s: live migration belongs to the "
		                  "relocation engine, which this ksysd does not have; it serves "
		                  "only action=validate", r->klass, r->name_v[0], act);
	if (!(d = need_disc(src, r, err)))
		return CMD_REFUSED;
	memset(&rq, 0, sizeof(rq));
	rq.what = DISC_LPM_VALIDATE;
	rq.to = cmd_attr(r, "to");
	if (strcmp(r->klass, "host") == 0) {
		if (r->n_names != 1)
			return cmd_usage(err, "lpm host takes one host (name or UUID), got %zu",
			                 r->n_names);
		rq.host = r->name_v[0];
	} else {
		rq.vms = (const char *const *)r->name_v;
		rq.n_vms = r->n_names;
	}
	return start(d, &rq, io, err);
}
