/* cmd_hmc — the hmc class of ksysmgr: add, modify, delete, query.
 *
 * Handlers only: the HMC client (hmc.h) does the talking, the store keeps
 * the HMCs, the inventory (inventory.h) says which hosts each one manages.
 * add and modify check an HMC before anything is kept: its TLS key is
 * fetched and shown, then a logon is tried on a short-lived client of its
 * own (so the running HMCs are untouched by a wrong password); only then
 * is the store written and the running client changed.  HMCs of the
 * configuration file are shown but not changed here.  Passwords are never
 * printed or logged.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "cmd_priv.h"
#include "config.h"
#include "core.h"
#include "hmc.h"
#include "inventory.h"
#include "log.h"
#include "mem.h"
#include "store.h"

#define HMC_NAME_MAX    48              /* the client takes 60, with ".check" */
#define HOSTS_WIDTH     40              /* Redbook: Host Name column */
#define RULE_WIDTH      76              /* Redbook: closing rule */
#define CHECK_BOUND     5.0             /* logoff of the check client, seconds */

/* ---- helpers ------------------------------------------------------------- */
/* Refuses an unknown HMC naming the configured ones; 0 when h was found. */
static int
get_hmc(struct store *s, const char *cmd, const char *name, struct store_hmc *h,
        struct buf *err)
{
	char e[256], names[1024];

	if (store_hmc_get(s, name, h, e, sizeof(e)) == 0)
		return CMD_OK;
	return cmd_refuse(err, "%s: no HMC named '%s'; configured: %s", cmd, name,
	                  store_names(s, "hmc", 20, names, sizeof(names)) > 0 ? names :
	                  "(none)");
}

static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > HMC_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return 0;
	return 1;
}

static int
valid_address(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 200 && !strpbrk(s, "/?#@ \t[]");
}

struct addr_dup {
	const char *self, *address;
	int port;
	char other[STORE_NAME_MAX];
};

static int
addr_dup_cb(const struct store_hmc *h, void *arg)
{
	struct addr_dup *ad = arg;

	if (ad->self && strcmp(h->name, ad->self) == 0)
		return 0;
	if (strcasecmp(h->address, ad->address) != 0 || h->port != ad->port)
		return 0;
	snprintf(ad->other, sizeof(ad->other), "%s", h->name);
	return 1;
}

/* 1 when another HMC than self has address:port (its name in other). */
static int
addr_taken(struct store *s, const char *self, const char *address, int port,
           char *other, size_t olen)
{
	struct addr_dup ad = { self, address, port, "" };

	if (store_hmc_list(s, addr_dup_cb, &ad) != 1)
		return 0;
	snprintf(other, olen, "%s", ad.other);
	return 1;
}

/* Refuses address:port when another HMC (not self) has it. */
static int
check_address(struct store *s, const char *cmd, const char *self, const char *address,
              int port, struct buf *err)
{
	char other[STORE_NAME_MAX];

	if (addr_taken(s, self, address, port, other, sizeof(other)))
		return cmd_refuse(err, "%s: %s:%d is already configured as HMC '%s'", cmd,
		                  address, port, other);
	return CMD_OK;
}

static void
hmc_conf(const struct core *core, const struct store_hmc *h, struct hmc_config *hc)
{
	hmc_config_init(hc);
	hc->name = h->name;
	hc->host = h->address;
	hc->port = h->port;
	hc->user = h->user;
	hc->password = h->password;
	hc->pin = h->pin[0] ? h->pin : NULL;
	hc->ca_file = h->cafile[0] ? h->cafile : NULL;
	hc->tls_verify = h->tls_verify;
	if (core->cfg) {
		hc->max_requests = core->cfg->settings.max_requests_per_hmc;
		hc->max_jobs = core->cfg->settings.max_jobs_per_hmc;
	}
}

/* ---- add and modify: the check, then the change --------------------------- */
struct hmc_check {
	struct core *core;
	struct cmd_io io;
	int modify;
	int repin;                      /* fetch (and show) the key first */
	struct store_hmc old;           /* modify: the row before */
	struct store_hmc h;             /* the row to store */
	struct buf done_text;           /* modify: the confirmation */
	struct hmc_set *chk;            /* the check client */
	char chkname[STORE_NAME_MAX + 8]; /* its name there: NAME.check */
};

static void
check_free_cb(void *arg)
{
	struct hmc_check *c = arg;

	hmc_set_free(c->chk);
	explicit_bzero(c->h.password, sizeof(c->h.password));
	explicit_bzero(c->old.password, sizeof(c->old.password));
	buf_free(&c->done_text);
	free(c);
}

/* Ends the request with status; the check client logs off, then c goes. */
static void
check_end(struct hmc_check *c, int status)
{
	c->io.end(c->io.ctx, status);
	if (c->chk)
		hmc_set_shutdown(c->chk, check_free_cb, c);
	else
		check_free_cb(c);
}

static void check_refuse(struct hmc_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Refuses the request with "ksysmgr: add hmc NAME: MESSAGE" and ends it. */
static void
check_refuse(struct hmc_check *c, const char *fmt, ...)
{
	char prefix[128];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%s hmc %s", c->modify ? "modify" : "add", c->h.name);
	va_start(ap, fmt);
	cmd_io_vrefuse(&c->io, prefix, fmt, ap);
	va_end(ap);
	check_end(c, CMD_REFUSED);
}

/* The first inventory read of an added HMC ended: the request ends. */
static void
added_read_cb(void *arg, const char *err)
{
	struct hmc_check *c = arg;

	cmd_io_printf(&c->io, 'O', "HMC %s added successfully", c->h.name);
	if (err)
		cmd_io_printf(&c->io, 'E', "ksysmgr: warning: the hosts of HMC %s could not "
		              "be read yet (%s); ksysd keeps trying", c->h.name, err);
	check_end(c, CMD_OK);
}

/* The check passed: store the row, then put it into the running client. */
static void
check_commit(struct hmc_check *c)
{
	struct core *core = c->core;
	struct hmc_config hc;
	char e[512], e2[512], other[STORE_NAME_MAX];

	if (core->stopping) {
		check_refuse(c, "ksysd is stopping; nothing was changed");
		return;
	}
	/* another request may have taken the address meanwhile */
	if (c->repin && addr_taken(core->store, c->h.name, c->h.address, c->h.port, other,
	                           sizeof(other))) {
		check_refuse(c, "%s:%d is already configured as HMC '%s'", c->h.address,
		             c->h.port, other);
		return;
	}
	if (store_hmc_put(core->store, &c->h, c->modify ? STORE_UPDATE : STORE_INSERT,
	                  e, sizeof(e)) == -1) {
		check_refuse(c, "%s", e);
		return;
	}
	if (c->modify && hmc_set_remove(core->hmcs, c->h.name, e, sizeof(e)) == -1)
		log_msg(LOGL_WARN, "cmd", "event=hmc_remove_failed hmc=%s error=\"%s\"",
		        c->h.name, e);
	hmc_conf(core, &c->h, &hc);
	if (hmc_set_add(core->hmcs, &hc, e, sizeof(e)) == -1) {
		/* back to how it was */
		if (c->modify) {
			hmc_conf(core, &c->old, &hc);
			if (hmc_set_add(core->hmcs, &hc, e2, sizeof(e2)) == -1)
				log_msg(LOGL_ERROR, "cmd", "event=hmc_restore_failed hmc=%s "
				        "error=\"%s\"", c->old.name, e2);
			store_hmc_put(core->store, &c->old, STORE_UPDATE, e2, sizeof(e2));
		} else {
			store_hmc_delete(core->store, c->h.name, e2, sizeof(e2));
		}
		check_refuse(c, "the HMC client refused it: %s", e);
		return;
	}
	log_msg(LOGL_INFO, "cmd", "event=hmc_%s hmc=%s addr=%s port=%d user=%s",
	        c->modify ? "modified" : "configured", c->h.name, c->h.address,
	        c->h.port, c->h.user);
	if (c->modify) {
		inventory_refresh(core->inv, c->h.name, NULL, NULL);
		cmd_io_lines(&c->io, 'O', &c->done_text);
		check_end(c, CMD_OK);
		return;
	}
	/* answer once the HMC's hosts are known, so `query hmc` and `add host`
	 * right after see them */
	inventory_add_hmc(core->inv, c->h.name);
	inventory_refresh(core->inv, c->h.name, added_read_cb, c);
}

static void
logon_cb(void *arg, const struct hmc_error *err)
{
	struct hmc_check *c = arg;
	const char *msg;
	size_t n = strlen(c->chkname);
	char where[300];

	if (!err) {
		check_commit(c);
		return;
	}
	/* the client names the check HMC first: drop that */
	msg = err->msg;
	if (strncmp(msg, c->chkname, n) == 0 && msg[n] == ':')
		msg += n + 1 + (msg[n + 1] == ' ');
	snprintf(where, sizeof(where), "%s:%d", c->h.address, c->h.port);
	switch (err->code) {
	case HMC_EAUTH:
		if (err->http_status)
			check_refuse(c, "the HMC refused the logon of user '%s': wrong login or "
			             "password (HTTP %d)", c->h.user, err->http_status);
		else
			check_refuse(c, "the HMC refused the logon of user '%s': %s",
			             c->h.user, msg);
		break;
	case HMC_EUNREACH:
	case HMC_ETIMEOUT:
		check_refuse(c, "cannot reach the HMC at %s: %s", where, msg);
		break;
	case HMC_ETLS:
		check_refuse(c, "the TLS check of %s failed: %s", where, msg);
		break;
	default:
		check_refuse(c, "the logon check failed: %s: %s", hmc_errc_name(err->code),
		             msg);
		break;
	}
}

static void
check_logon(struct hmc_check *c)
{
	struct hmc_config hc;
	char e[512];

	hmc_conf(c->core, &c->h, &hc);
	snprintf(c->chkname, sizeof(c->chkname), "%s.check", c->h.name);
	hc.name = c->chkname;
	if (hmc_set_add(c->chk, &hc, e, sizeof(e)) == -1) {
		check_refuse(c, "%s", e);
		return;
	}
	hmc_logon(c->chk, c->chkname, logon_cb, c);
}

static void
pin_cb(void *arg, const struct hmc_error *err, const char *pin)
{
	struct hmc_check *c = arg;
	char where[300];

	snprintf(where, sizeof(where), "%s:%d", c->h.address, c->h.port);
	if (err) {
		check_refuse(c, "cannot read the TLS key: %s", err->msg);
		return;
	}
	snprintf(c->h.pin, sizeof(c->h.pin), "%s", pin);
	c->h.cafile[0] = '\0';
	c->h.tls_verify = 1;
	cmd_io_printf(&c->io, 'O', "HMC %s at %s presents TLS key %s; ksys pins it",
	              c->h.name, where, pin);
	check_logon(c);
}

/* Starts the check of c (filled by the caller); CMD_PENDING or a refusal. */
static int
check_start(struct hmc_check *c, const struct cmd_io *io, struct buf *err)
{
	struct hmc_set_opts so = { 0 };
	char e[512];

	so.shutdown_bound = CHECK_BOUND;
	so.audit_memento = "ksysd";
	c->chk = hmc_set_new(c->core->loop, &so, e, sizeof(e));
	if (!c->chk) {
		check_free_cb(c);
		return cmd_refuse(err, "HMC client: %s", e);
	}
	c->io = *io;
	if (c->repin)
		hmc_fetch_pin(c->chk, c->h.address, c->h.port, pin_cb, c);
	else
		check_logon(c);
	return CMD_PENDING;
}

static int
one_name(const struct request *r, struct buf *err)
{
	if (r->n_names != 1)
		return cmd_usage(err, "%s hmc takes one NAME (one HMC per command), got %zu",
		                 r->action, r->n_names);
	return CMD_OK;
}

int
cmd_hmc_add(const struct cmd_source *src, const struct request *r, struct buf *out,
            struct buf *err, const struct cmd_io *io)
{
	struct core *core = cmd_need_core(src, r, err);
	struct store *s = core ? cmd_need_store(src, r, err) : NULL;
	const char *login = cmd_attr(r, "login"), *pw = cmd_attr(r, "password");
	const char *ip = cmd_attr(r, "ip"), *port = cmd_attr(r, "port");
	struct store_hmc old;
	struct hmc_check *c;
	char e[256];
	int rc;

	(void)out;
	if (!s)
		return CMD_REFUSED;
	if ((rc = one_name(r, err)) != CMD_OK)
		return rc;
	if (!login || !pw || !ip)
		return cmd_usage(err, "add hmc %s: missing%s%s%s (usage: ksysmgr add hmc NAME "
		                 "login=USER password=PASSWORD ip=ADDRESS [port=12443])",
		                 r->name_v[0], login ? "" : " login=", pw ? "" : " password=",
		                 ip ? "" : " ip=");
	if (!valid_name(r->name_v[0]))
		return cmd_usage(err, "add hmc: name '%s' is not allowed: 1-%d letters, digits, "
		                 "'.', '_' or '-'", r->name_v[0], HMC_NAME_MAX);
	if (!valid_address(ip))
		return cmd_usage(err, "add hmc %s: ip=%s is not an address or host name",
		                 r->name_v[0], ip);
	if (strlen(login) >= sizeof(old.user) || strlen(pw) >= sizeof(old.password))
		return cmd_usage(err, "add hmc %s: login= or password= is too long",
		                 r->name_v[0]);
	if (core->stopping)
		return cmd_refuse(err, "add hmc %s: ksysd is stopping", r->name_v[0]);
	if (store_hmc_get(s, r->name_v[0], &old, e, sizeof(e)) == 0) {
		explicit_bzero(old.password, sizeof(old.password));
		return cmd_refuse(err, "add hmc: HMC '%s' already exists (ip %s, port %d); "
		                  "change it with 'ksysmgr modify hmc %s ...'", old.name,
		                  old.address, old.port, old.name);
	}
	c = mem_calloc(1, sizeof(*c));
	c->core = core;
	c->repin = 1;
	snprintf(c->h.name, sizeof(c->h.name), "%s", r->name_v[0]);
	snprintf(c->h.address, sizeof(c->h.address), "%s", ip);
	c->h.port = port ? atoi(port) : CONFIG_DEFAULT_PORT;
	snprintf(c->h.user, sizeof(c->h.user), "%s", login);
	snprintf(c->h.password, sizeof(c->h.password), "%s", pw);
	c->h.tls_verify = 1;
	if ((rc = check_address(s, "add hmc", NULL, c->h.address, c->h.port, err)) != CMD_OK) {
		check_free_cb(c);
		return rc;
	}
	return check_start(c, io, err);
}

int
cmd_hmc_modify(const struct cmd_source *src, const struct request *r, struct buf *out,
               struct buf *err, const struct cmd_io *io)
{
	struct core *core = cmd_need_core(src, r, err);
	struct store *s = core ? cmd_need_store(src, r, err) : NULL;
	const char *login = cmd_attr(r, "login"), *pw = cmd_attr(r, "password");
	const char *ip = cmd_attr(r, "ip"), *port = cmd_attr(r, "port");
	const struct config_hmc *ch;
	struct hmc_check *c;
	char what[128];
	int rc;

	(void)out;
	if (!s)
		return CMD_REFUSED;
	if ((rc = one_name(r, err)) != CMD_OK)
		return rc;
	if (r->n_attrs == 0)
		return cmd_usage(err, "modify hmc %s needs at least one of login=, password=, "
		                 "ip=, port=", r->name_v[0]);
	if (ip && !valid_address(ip))
		return cmd_usage(err, "modify hmc %s: ip=%s is not an address or host name",
		                 r->name_v[0], ip);
	if ((login && strlen(login) >= STORE_NAME_MAX) || (pw && strlen(pw) >= 256))
		return cmd_usage(err, "modify hmc %s: login= or password= is too long",
		                 r->name_v[0]);
	if (core->stopping)
		return cmd_refuse(err, "modify hmc %s: ksysd is stopping", r->name_v[0]);
	c = mem_calloc(1, sizeof(*c));
	c->core = core;
	c->modify = 1;
	if ((rc = get_hmc(s, "modify hmc", r->name_v[0], &c->old, err)) != CMD_OK)
		goto refused;
	ch = core->cfg ? config_hmc_find(core->cfg, c->old.name) : NULL;
	if (ch) {
		rc = cmd_refuse(err, "modify hmc: hmc '%s' is defined in %s; edit that file "
		                "and restart ksysd", ch->name, ch->where);
		goto refused;
	}
	c->h = c->old;
	if (login)
		snprintf(c->h.user, sizeof(c->h.user), "%s", login);
	if (pw)
		snprintf(c->h.password, sizeof(c->h.password), "%s", pw);
	if (ip)
		snprintf(c->h.address, sizeof(c->h.address), "%s", ip);
	if (port)
		c->h.port = atoi(port);
	c->repin = strcasecmp(c->h.address, c->old.address) != 0 || c->h.port != c->old.port;
	if (c->repin && (rc = check_address(s, "modify hmc", c->h.name, c->h.address,
	                                    c->h.port, err)) != CMD_OK)
		goto refused;
	snprintf(what, sizeof(what), "HMC %s", c->h.name);
	cmd_modified_line(&c->done_text, what, r);
	return check_start(c, io, err);
refused:
	check_free_cb(c);
	return rc;
}

/* ---- delete ---------------------------------------------------------------- */
struct del_walk {
	struct store *s;
	struct inventory *inv;
	const struct request *r;        /* the HMCs being deleted */
	char host[STORE_NAME_MAX], group[STORE_NAME_MAX], hmcs[256];
	int rewrite;                    /* second pass: drop them from hosts' lists */
	char err[512];
};

/* 1 when name is configured and not being deleted. */
static int
hmc_stays(struct del_walk *dw, const char *name)
{
	struct store_hmc h;
	char e[256];

	if (cmd_has_name(dw->r, name) || store_hmc_get(dw->s, name, &h, e, sizeof(e)) == -1)
		return 0;
	explicit_bzero(h.password, sizeof(h.password));
	return 1;
}

static int
list_has_staying(struct del_walk *dw, const char *list)
{
	char copy[256], *v[32];
	size_t i, n;

	snprintf(copy, sizeof(copy), "%s", list);
	n = cmd_split_list(copy, v, 32);
	for (i = 0; i < n; i++)
		if (hmc_stays(dw, v[i]))
			return 1;
	return 0;
}

/* Grouped hosts must keep an HMC; on the second pass the deleted HMCs leave
 * every host's HMC list. */
static int
del_host_cb(const struct store_host *h, void *arg)
{
	struct del_walk *dw = arg;
	struct inv_host ih;
	char e[256];

	if (dw->rewrite) {
		struct store_host x = *h;
		char copy[256], *v[32];
		size_t i, n;

		snprintf(copy, sizeof(copy), "%s", h->hmcs);
		n = cmd_split_list(copy, v, 32);
		x.hmcs[0] = '\0';
		for (i = 0; i < n; i++)
			if (!cmd_has_name(dw->r, v[i]))
				snprintf(x.hmcs + strlen(x.hmcs), sizeof(x.hmcs) - strlen(x.hmcs),
				         "%s%s", x.hmcs[0] ? "," : "", v[i]);
		if (strcmp(x.hmcs, h->hmcs) != 0 &&
		    store_host_put(dw->s, &x, STORE_UPDATE, dw->err, sizeof(dw->err)) == -1)
			return 1;
		return 0;
	}
	if (!h->host_group[0] || list_has_staying(dw, h->hmcs))
		return 0;
	if (dw->inv && (h->uuid[0] ? inventory_find_host(dw->inv, h->uuid, &ih, e, sizeof(e))
	                           : inventory_find_host(dw->inv, h->name, &ih, e,
	                                                 sizeof(e))) == 0 &&
	    list_has_staying(dw, ih.hmcs))
		return 0;
	snprintf(dw->host, sizeof(dw->host), "%s", h->name);
	snprintf(dw->group, sizeof(dw->group), "%s", h->host_group);
	return 1;
}

int
cmd_hmc_delete(const struct cmd_source *src, const struct request *r, struct buf *out,
               struct buf *err)
{
	struct core *core = cmd_need_core(src, r, err);
	struct store *s = core ? cmd_need_store(src, r, err) : NULL;
	struct del_walk dw;
	struct store_hmc h;
	char e[512];
	size_t k;
	int rc;

	if (!s)
		return CMD_REFUSED;
	for (k = 0; k < r->n_names; k++) {
		const struct config_hmc *ch;

		if ((rc = get_hmc(s, "delete hmc", r->name_v[k], &h, err)) != CMD_OK)
			return rc;
		explicit_bzero(h.password, sizeof(h.password));
		ch = core->cfg ? config_hmc_find(core->cfg, h.name) : NULL;
		if (ch)
			return cmd_refuse(err, "delete hmc: hmc '%s' is defined in %s; remove it "
			                  "from that file and restart ksysd", ch->name, ch->where);
	}
	memset(&dw, 0, sizeof(dw));
	dw.s = s;
	dw.inv = core->inv;
	dw.r = r;
	if (store_host_list(s, del_host_cb, &dw) == 1) {
		struct buf names = { 0 };

		for (k = 0; k < r->n_names; k++)
			buf_printf(&names, "%s%s", k ? "," : "", r->name_v[k]);
		rc = cmd_refuse(err, "delete hmc %s: host '%s' of host group '%s' would be "
		                "left with no HMC managing it; add another HMC that manages "
		                "it first, or take it out of the group ('ksysmgr modify "
		                "host_group %s hosts=%s policy=delete')", buf_str(&names),
		                dw.host, dw.group, dw.group, dw.host);
		buf_free(&names);
		return rc;
	}
	if (store_begin(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "delete hmc: %s", e);
	dw.rewrite = 1;
	if (store_host_list(s, del_host_cb, &dw) != 0)
		return cmd_abort_tx(s, err, "delete hmc", dw.err[0] ? dw.err : "store error");
	for (k = 0; k < r->n_names; k++)
		if (store_hmc_delete(s, r->name_v[k], e, sizeof(e)) == -1)
			return cmd_abort_tx(s, err, "delete hmc", e);
	if (store_commit(s, e, sizeof(e)) == -1)
		return cmd_refuse(err, "delete hmc: %s", e);
	for (k = 0; k < r->n_names; k++) {
		if (hmc_set_remove(core->hmcs, r->name_v[k], e, sizeof(e)) == -1)
			log_msg(LOGL_WARN, "cmd", "event=hmc_remove_failed hmc=%s error=\"%s\"",
			        r->name_v[k], e);
		if (core->inv)
			inventory_remove_hmc(core->inv, r->name_v[k]);
		log_msg(LOGL_INFO, "cmd", "event=hmc_deleted hmc=%s", r->name_v[k]);
		buf_printf(out, "HMC %s deleted successfully\n", r->name_v[k]);
	}
	return CMD_OK;
}

/* ---- query ----------------------------------------------------------------- */
struct host_rows {
	struct buf cells;               /* name\0uuid\0 pairs */
	size_t n;
};

static int
host_row_cb(const struct inv_host *h, void *arg)
{
	struct host_rows *hr = arg;

	buf_append(&hr->cells, h->name, strlen(h->name) + 1);
	buf_append(&hr->cells, h->uuid, strlen(h->uuid) + 1);
	hr->n++;
	return 0;
}

static int
row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cmd_hmc_row *)a)->name,
	              ((const struct cmd_hmc_row *)b)->name);
}

/* Verbose-only facts from the store and the file. */
static void
trust_of(const struct cmd_source *src, const char *name, char *trust, size_t tlen,
         char *where, size_t wlen)
{
	const struct config_hmc *ch;
	struct store_hmc h;
	char e[256];

	snprintf(trust, tlen, "unknown");
	snprintf(where, wlen, "ksysmgr");
	if (src->store && store_hmc_get(src->store, name, &h, e, sizeof(e)) == 0) {
		explicit_bzero(h.password, sizeof(h.password));
		if (h.pin[0])
			snprintf(trust, tlen, "pin %s", h.pin);
		else if (h.cafile[0])
			snprintf(trust, tlen, "cafile %s", h.cafile);
		else
			snprintf(trust, tlen, "%s", h.tls_verify ? "system CA store"
			         : "none (tls_verify=false)");
	}
	ch = src->core && src->core->cfg ? config_hmc_find(src->core->cfg, name) : NULL;
	if (ch)
		snprintf(where, wlen, "%s", ch->where);
}

static void
query_one(const struct cmd_source *src, const struct request *r,
          const struct cmd_hmc_row *w, struct buf *out, size_t idx)
{
	struct inventory *inv = src->core ? src->core->inv : NULL;
	struct host_rows hr = { { 0 }, 0 };
	int ready = inv && inventory_ready(inv, w->name);
	char port[16], trust[4200], where[4200];
	const char *p;
	size_t i;

	if (inv)
		inventory_hosts(inv, w->name, host_row_cb, &hr);
	snprintf(port, sizeof(port), "%d", w->port);
	if (r->verbose)
		trust_of(src, w->name, trust, sizeof(trust), where, sizeof(where));
	if (r->json) {
		buf_puts(out, idx ? ",{\"name\":" : "[{\"name\":");
		cmd_put_json_str(out, w->name);
		buf_puts(out, ",\"ip\":");
		cmd_put_json_str(out, w->ip);
		buf_puts(out, ",\"login\":");
		cmd_put_json_str(out, w->login);
		if (r->verbose) {
			buf_printf(out, ",\"port\":%d,\"state\":\"%s\",\"last_error\":", w->port,
			           w->up ? "up" : "down");
			cmd_put_json_str(out, w->last_error);
			buf_puts(out, ",\"tls_trust\":");
			cmd_put_json_str(out, trust);
			buf_puts(out, ",\"defined_in\":");
			cmd_put_json_str(out, where);
		}
		buf_puts(out, ",\"hosts\":[");
		for (i = 0, p = buf_str(&hr.cells); i < hr.n; i++) {
			buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
			cmd_put_json_str(out, p);
			p += strlen(p) + 1;
			buf_puts(out, ",\"uuid\":");
			cmd_put_json_str(out, p);
			p += strlen(p) + 1;
			buf_putc(out, '}');
		}
		buf_puts(out, "]}");
		buf_free(&hr.cells);
		return;
	}
	if (idx)
		buf_putc(out, '\n');
	cmd_put_kv(out, "Name", w->name, CMD_KV_WIDTH);
	cmd_put_kv(out, "Ip", w->ip, CMD_KV_WIDTH);
	cmd_put_kv(out, "Login", w->login, CMD_KV_WIDTH);
	if (r->verbose) {
		char le[300];

		/* the client's error text may span lines: keep it on one */
		snprintf(le, sizeof(le), "%s", w->last_error[0] ? w->last_error : "none");
		for (i = 0; le[i]; i++)
			if (le[i] == '\n' || le[i] == '\r')
				le[i] = ' ';
		cmd_put_kv(out, "Port", port, CMD_KV_WIDTH);
		cmd_put_kv(out, "State", w->up ? "up" : "down", CMD_KV_WIDTH);
		cmd_put_kv(out, "Last_error", le, CMD_KV_WIDTH);
		cmd_put_kv(out, "TLS_trust", trust, CMD_KV_WIDTH);
		cmd_put_kv(out, "Defined_in", where, CMD_KV_WIDTH);
	}
	buf_printf(out, "\n%24sManaged Host List:\n\n", "");
	{
		static const char *const headers[] = { "Host Name", "Uuid" };
		const char **cells = mem_calloc(hr.n * 2 + 1, sizeof(*cells));

		for (i = 0, p = buf_str(&hr.cells); i < hr.n * 2; i++) {
			cells[i] = p;
			p += strlen(p) + 1;
		}
		cmd_put_table(out, 2, headers, cells, hr.n, HOSTS_WIDTH);
		free(cells);
	}
	if (!ready)
		buf_puts(out, "(not read from the HMC yet)\n");
	for (i = 0; i < RULE_WIDTH; i++)
		buf_putc(out, '=');
	buf_putc(out, '\n');
	buf_free(&hr.cells);
}

int
cmd_hmc_query(const struct cmd_source *src, const struct request *r,
              struct buf *out, struct buf *err)
{
	size_t n = src && src->hmc_count ? src->hmc_count(src->arg) : 0;
	struct cmd_hmc_row *rows = mem_calloc(n ? n : 1, sizeof(*rows));
	size_t i, k, nrow = 0, nrec = 0;
	int rc = CMD_OK;

	for (i = 0; i < n; i++)
		if (src->hmc_row(src->arg, i, &rows[nrow]) == 0)
			nrow++;
	qsort(rows, nrow, sizeof(*rows), row_cmp);
	for (k = 0; k < r->n_names; k++) {
		for (i = 0; i < nrow; i++)
			if (strcmp(rows[i].name, r->name_v[k]) == 0)
				break;
		if (i < nrow)
			continue;
		buf_printf(err, "ksysmgr: query hmc: no HMC named '%s'; configured: ",
		           r->name_v[k]);
		for (i = 0; i < nrow; i++)
			buf_printf(err, "%s%s", i ? ", " : "", rows[i].name);
		buf_puts(err, nrow ? "\n" : "(none)\n");
		rc = CMD_REFUSED;
		goto out;
	}
	for (i = 0; i < nrow; i++) {
		if (r->n_names && !cmd_has_name(r, rows[i].name))
			continue;
		query_one(src, r, &rows[i], out, nrec++);
	}
	if (r->json)
		buf_puts(out, nrec ? "]\n" : "[]\n");
	else if (nrec == 0)
		buf_puts(out, "No HMC is configured; add one with 'ksysmgr add hmc' "
		         "or hmc{} in the configuration file\n");
out:
	free(rows);
	return rc;
}
