/* cmd_hmc — the hmc class of ksysmgr: add, modify, delete, query.
 *
 * Handlers only: the HMC client (hmc.h) does the talking, the store keeps
 * the HMCs, the inventory (inventory.h) says which hosts each one manages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_priv.h"

static int
pending(const struct request *r, struct buf *err)
{
	return cmd_refuse(err, "%s %s: not served by this ksysd yet", r->action, r->klass);
}

int
cmd_hmc_add(const struct cmd_source *src, const struct request *r, struct buf *out,
            struct buf *err, const struct cmd_io *io)
{
	(void)src; (void)out; (void)io;
	return pending(r, err);
}

int
cmd_hmc_modify(const struct cmd_source *src, const struct request *r, struct buf *out,
               struct buf *err, const struct cmd_io *io)
{
	(void)src; (void)out; (void)io;
	return pending(r, err);
}

int
cmd_hmc_delete(const struct cmd_source *src, const struct request *r, struct buf *out,
               struct buf *err)
{
	(void)src; (void)out;
	return pending(r, err);
}

#define HMC_FIELDS 7

int
cmd_hmc_query(const struct cmd_source *src, const struct request *r,
                struct buf *out, struct buf *err)
{
	size_t n = src && src->hmc_count ? src->hmc_count(src->arg) : 0;
	struct cmd_hmc_row *rows = calloc(n ? n : 1, sizeof(*rows));
	struct cmd_field *f = calloc((n ? n : 1) * HMC_FIELDS, sizeof(*f));
	char (*ports)[16] = calloc(n ? n : 1, sizeof(*ports));
	size_t i, k, nrec = 0;
	int rc = CMD_OK;

	if (!rows || !f || !ports) {
		buf_puts(err, "ksysmgr: query hmc: out of memory in ksysd\n");
		rc = CMD_REFUSED;
		goto out;
	}
	for (k = 0; k < r->n_names; k++) {
		int found = 0;
		for (i = 0; i < n && !found; i++) {
			struct cmd_hmc_row row;
			if (src->hmc_row(src->arg, i, &row) == 0 &&
			    strcmp(row.name, r->name_v[k]) == 0)
				found = 1;
		}
		if (!found) {
			buf_printf(err, "ksysmgr: query hmc: no HMC named '%s'; configured: ",
			           r->name_v[k]);
			for (i = 0; i < n; i++) {
				struct cmd_hmc_row row;
				if (src->hmc_row(src->arg, i, &row) == 0)
					buf_printf(err, "%s%s", i ? ", " : "", row.name);
			}
			buf_puts(err, n ? "\n" : "(none)\n");
			rc = CMD_REFUSED;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		struct cmd_hmc_row *w = &rows[nrec];
		struct cmd_field *x = &f[nrec * HMC_FIELDS];
		int want = r->n_names == 0;

		if (src->hmc_row(src->arg, i, w) != 0)
			continue;
		for (k = 0; k < r->n_names; k++)
			if (strcmp(w->name, r->name_v[k]) == 0)
				want = 1;
		if (!want)
			continue;
		snprintf(ports[nrec], sizeof(ports[nrec]), "%d", w->port);
		x[0] = (struct cmd_field){ "Name", w->name, 0 };
		x[1] = (struct cmd_field){ "Ip", w->ip, 0 };
		x[2] = (struct cmd_field){ "Port", ports[nrec], 1 };
		x[3] = (struct cmd_field){ "Login", w->login, 0 };
		x[4] = (struct cmd_field){ "State", w->up ? "up" : "down", 0 };
		x[5] = (struct cmd_field){ "LoggedOn", w->logged_on ? "yes" : "no", 0 };
		x[6] = (struct cmd_field){ "LastError", w->last_error, 0 };
		nrec++;
	}
	if (nrec == 0 && !r->json)
		buf_puts(out, "No HMC is configured; add one with 'ksysmgr add hmc' "
		         "or hmc{} in the configuration file\n");
	else
		cmd_put_records(out, r->json, f, HMC_FIELDS, nrec, CMD_KV_WIDTH);
out:
	free(rows);
	free(f);
	free(ports);
	return rc;
}
