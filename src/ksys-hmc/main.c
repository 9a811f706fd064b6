/* ksys-hmc — diagnostic client of the HMC REST API, built on ksysd's client.
 *
 * Administrators use it before adding an HMC (fingerprint, probe), to look
 * at what an HMC reports (inventory) and to run one job by hand (job,
 * passthrough); the demo, the tests and the benchmark use it too.  It goes
 * through the same code as ksysd (hmc.h on one libev loop), so what works
 * here works there.  It never prints passwords or session tokens.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "hmc.h"
#include "hmcxml.h"
#include "log.h"
#include "loop.h"
#include "tscale.h"
#include "xmlu.h"

enum tool_exit {
	TOOL_OK = 0,
	TOOL_FAIL = 1,                  /* refused input, job failure, HMC error */
	TOOL_USAGE = 2,
	TOOL_UNREACHABLE = 3,
};

#define MAX_TOOL_HMCS CONFIG_MAX_HMCS
#define PASSTHRU_MAX_INPUT     (4u << 20)

struct tool;

struct tool_hmc {                       /* one HMC as the tool sees it */
	struct tool *t;                 /* back pointer for callbacks */
	char name[64];
	char host[256];
	int port;
	/* per-command results */
	int done, ok, http_status;
	enum hmc_errc errc;
	char err[512];
	char pin[512];
	double t0, ms;
	struct hmc_console *consoles;
	size_t n_consoles;
};

typedef void (*feeds_done_fn)(struct tool *t);

struct feed_req {                       /* one feed read in flight */
	struct tool *t;
	struct tool_hmc *h;             /* NULL: a feed read from any HMC */
};

struct tool {
	struct ev_loop *loop;
	struct hmc_set *set;
	struct config cfg;
	int have_cfg;
	struct tool_hmc hmcs[MAX_TOOL_HMCS];
	size_t n_hmcs;
	int json, verbose;
	int rc;
	int pending;
	int stopped;                    /* hmc_set_shutdown's done fired */
	int ran;                        /* ev_run was entered */
	/* command */
	const char *cmd;
	int argc;
	char **argv;
	/* feeds (inventory, job, passthrough) */
	feeds_done_fn feeds_done;
	struct feed_req reqs[MAX_TOOL_HMCS + 3];
	char feed_err[512];
	enum hmc_errc feed_errc;
	const char *feed_hmc;           /* which HMC answered the host feed */
	char feed_hmc_buf[64];
	struct hmc_ms *ms;
	size_t n_ms;
	struct hmc_lpar *vioses, *lpars;
	size_t n_vioses, n_lpars;
	/* job / passthrough */
	const struct hmc_lpar *target;
	char job_id[32], job_hmc[64];
	double job_t0;
	ev_timer progress;
	char *input;                    /* passthrough inputXML, owned */
	struct hmc_param *params;       /* job name=value, owned */
	size_t n_params;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ksys-hmc [-c CONFIG.lua [-m HMCNAME]] [-o text|json] [-v] "
	    "[--time-scale N] COMMAND ...\n"
	    "       ksys-hmc -H ADDR[:PORT] [-u USER (-p PASSWORD | -P PASSFILE)] "
	    "[--pin sha256//... | --cafile FILE | --insecure] COMMAND ...\n"
	    "\n"
	    "commands:\n"
	    "  fingerprint                      print the HMC's public-key pin\n"
	    "  probe                            log on, read once, log off\n"
	    "  inventory                        hosts, VIOSs and LPARs\n"
	    "  job OPERATION TARGET [name=value ...]\n"
	    "                                   run a job on an LPAR or VIOS (name or UUID)\n"
	    "  passthrough VIOS FILE|-          PassThroughInterface with inputXML\n"
	    "\n"
	    "The password may also come from KSYS_HMC_PASSWORD.  The port defaults to %d.\n"
	    "Exit status: 0 ok, 1 failure, 2 usage, 3 HMC unreachable.\n",
	    CONFIG_DEFAULT_PORT);
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "ksys-hmc: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nRun 'ksys-hmc -h' for help.\n");
	return TOOL_USAGE;
}

/* ---- output helpers --------------------------------------------------- */

static void
json_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

/* A text table: cells are copied, widths computed when printed. */
struct table {
	size_t ncols, nrows;
	char **cells;                   /* nrows * ncols, owned */
};

static void
table_row(struct table *t, const char *const *cols)
{
	char **grown = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));
	size_t i;

	if (!grown)
		log_panic(__FILE__, __LINE__, "out of memory");
	t->cells = grown;
	for (i = 0; i < t->ncols; i++) {
		t->cells[t->nrows * t->ncols + i] = strdup(cols[i] ? cols[i] : "");
		if (!t->cells[t->nrows * t->ncols + i])
			log_panic(__FILE__, __LINE__, "out of memory");
	}
	t->nrows++;
}

static void
table_print(struct table *t)
{
	size_t w[16] = { 0 };
	size_t r, c;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols && c < 16; c++) {
			size_t l = strlen(t->cells[r * t->ncols + c]);
			if (l > w[c])
				w[c] = l;
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			if (c + 1 == t->ncols)
				printf("%s\n", s);
			else
				printf("%-*s  ", (int)w[c], s);
		}
	}
	for (r = 0; r < t->nrows * t->ncols; r++)
		free(t->cells[r]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

static int
exit_for(enum hmc_errc c)
{
	return c == HMC_EUNREACH || c == HMC_ETIMEOUT ? TOOL_UNREACHABLE : TOOL_FAIL;
}

static const char *
hint_for(enum hmc_errc c)
{
	switch (c) {
	case HMC_ETLS:
		return " (the HMC's certificate was not trusted: see its key with "
		       "'ksys-hmc -H ADDR fingerprint', then pass --pin or --cafile)";
	case HMC_EAUTH:
		return " (check the user and password)";
	default:
		return "";
	}
}

/* The client's message without its leading "NAME: ", which the tool's own
 * output already shows. */
static const char *
bare_msg(const struct hmc_error *err, const char *name)
{
	size_t n = strlen(name);

	const char *colon;

	if (strncmp(err->msg, name, n) == 0 && err->msg[n] == ':' && err->msg[n + 1] == ' ')
		return err->msg + n + 2;
	/* "ADDR:PORT: " of an HMC named by -H ("[::1]:1" is "::1:1" there) */
	colon = strstr(err->msg, ": ");
	if (colon && name[0] == '[' && (size_t)(colon - err->msg) == n - 2)
		return colon + 2;
	return err->msg;
}

/* "hmc1 10.0.0.5:12443", or just the address for an HMC named by -H. */
static const char *
label(const struct tool_hmc *h)
{
	static char out[400];
	char addr[300];

	snprintf(addr, sizeof(addr), strchr(h->host, ':') ? "[%s]:%d" : "%s:%d",
	         h->host, h->port);
	if (strcmp(addr, h->name) == 0)
		snprintf(out, sizeof(out), "%s", addr);
	else
		snprintf(out, sizeof(out), "%s %s", h->name, addr);
	return out;
}

/* ---- finishing ----------------------------------------------------------- */

static void
shutdown_done(void *arg)
{
	struct tool *t = arg;

	t->stopped = 1;
	ev_break(t->loop, EVBREAK_ALL);
}

/* Log off everything (bounded by the client) and leave the loop. */
static void
finish(struct tool *t, int rc)
{
	t->rc = rc;
	ev_timer_stop(t->loop, &t->progress);
	hmc_set_shutdown(t->set, shutdown_done, t);
}

/* ---- fingerprint ------------------------------------------------------- */

static void
pin_cb(void *arg, const struct hmc_error *err, const char *pin)
{
	struct tool_hmc *h = arg;

	h->done = 1;
	if (err) {
		h->errc = err->code;
		snprintf(h->err, sizeof(h->err), "%s", bare_msg(err, h->name));
	} else {
		h->ok = 1;
		snprintf(h->pin, sizeof(h->pin), "%s", pin ? pin : "");
	}
}


static void
fingerprint_report(struct tool *t)
{
	struct buf b = { 0 };
	int rc = TOOL_OK;
	size_t i;

	if (t->json)
		buf_puts(&b, "{\"hmcs\":[");
	for (i = 0; i < t->n_hmcs; i++) {
		struct tool_hmc *h = &t->hmcs[i];
		if (!h->ok) {
			fprintf(stderr, "ksys-hmc: %s: %s\n", label(h), h->err);
			if (rc == TOOL_OK || exit_for(h->errc) == TOOL_UNREACHABLE)
				rc = exit_for(h->errc);
		}
		if (t->json) {
			buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
			json_str(&b, h->name);
			buf_puts(&b, ",\"address\":");
			json_str(&b, h->host);
			buf_printf(&b, ",\"port\":%d,\"pin\":", h->port);
			if (h->ok)
				json_str(&b, h->pin);
			else
				buf_puts(&b, "null");
			buf_puts(&b, ",\"error\":");
			if (h->ok)
				buf_puts(&b, "null");
			else
				json_str(&b, h->err);
			buf_puts(&b, "}");
			continue;
		}
		if (!h->ok)
			continue;
		printf("%s\n", h->pin);
		printf("# public key of %s; after checking it against the HMC, "
		       "add to its hmc{} entry:\n#   pin=\"%s\",\n", label(h), h->pin);
	}
	if (t->json) {
		buf_puts(&b, "]}");
		printf("%s\n", buf_str(&b));
	}
	buf_free(&b);
	finish(t, rc);
}

static void
fingerprint_cb(void *arg, const struct hmc_error *err, const char *pin)
{
	struct tool_hmc *h = arg;

	pin_cb(arg, err, pin);
	if (--h->t->pending == 0)
		fingerprint_report(h->t);
}

static void
cmd_fingerprint(struct tool *t)
{
	size_t i;

	t->pending = (int)t->n_hmcs;
	for (i = 0; i < t->n_hmcs; i++)
		hmc_fetch_pin(t->set, t->hmcs[i].host, t->hmcs[i].port,
		              fingerprint_cb, &t->hmcs[i]);
}

/* ---- probe --------------------------------------------------------------- */

static void
probe_report(struct tool *t)
{
	struct buf b = { 0 };
	int rc = TOOL_OK;
	size_t i;

	if (t->json)
		buf_puts(&b, "{\"hmcs\":[");
	for (i = 0; i < t->n_hmcs; i++) {
		struct tool_hmc *h = &t->hmcs[i];
		int hrc = h->ok ? TOOL_OK : exit_for(h->errc);

		if (hrc == TOOL_UNREACHABLE || (hrc == TOOL_FAIL && rc == TOOL_OK))
			rc = hrc;
		if (t->json) {
			buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
			json_str(&b, h->name);
			buf_puts(&b, ",\"address\":");
			json_str(&b, h->host);
			buf_printf(&b, ",\"port\":%d,\"reachable\":%s,\"logon\":%s,"
			           "\"http_status\":%d,\"ms\":%.1f,\"error\":", h->port,
			           hrc == TOOL_UNREACHABLE ? "false" : "true",
			           h->ok ? "true" : "false", h->http_status, h->ms);
			if (h->ok)
				buf_puts(&b, "null");
			else
				json_str(&b, h->err);
			buf_puts(&b, "}");
		} else if (h->ok) {
			printf("%s reachable logon=ok get=%d time_ms=%.1f\n",
			       label(h), h->http_status, h->ms);
		} else {
			printf("%s %s: %s%s\n", label(h),
			       hrc == TOOL_UNREACHABLE ? "unreachable" : "failed",
			       h->err, hint_for(h->errc));
		}
	}
	if (t->json) {
		buf_puts(&b, "]}");
		printf("%s\n", buf_str(&b));
	}
	buf_free(&b);
	finish(t, rc);
}

static void
probe_step_done(struct tool *t)
{
	if (--t->pending == 0)
		probe_report(t);
}

static void
probe_get_cb(void *arg, const struct hmc_error *err, int status,
             const char *body, size_t len)
{
	struct tool_hmc *h = arg;

	(void)body;
	(void)len;
	h->ms = loop_mono_ms() - h->t0;
	h->http_status = status;
	if (err) {
		h->errc = err->code;
		snprintf(h->err, sizeof(h->err), "%s", bare_msg(err, h->name));
	} else if (status != 200 && status != 204) {
		h->errc = HMC_EHTTP;
		snprintf(h->err, sizeof(h->err), "GET ManagementConsole answered "
		         "HTTP %d", status);
	} else {
		h->ok = 1;
	}
	probe_step_done(h->t);
}

static void
probe_logon_cb(void *arg, const struct hmc_error *err)
{
	struct tool_hmc *h = arg;

	if (err) {
		h->ms = loop_mono_ms() - h->t0;
		h->errc = err->code;
		h->http_status = err->http_status;
		snprintf(h->err, sizeof(h->err), "%s", bare_msg(err, h->name));
		probe_step_done(h->t);
		return;
	}
	hmc_raw(h->t->set, h->name, "GET", "uom/ManagementConsole", NULL, NULL,
	        probe_get_cb, h);
}

static void
cmd_probe(struct tool *t)
{
	size_t i;

	t->pending = (int)t->n_hmcs;
	for (i = 0; i < t->n_hmcs; i++) {
		t->hmcs[i].t0 = loop_mono_ms();
		hmc_logon(t->set, t->hmcs[i].name, probe_logon_cb, &t->hmcs[i]);
	}
}

/* ---- feeds (inventory, job, passthrough) ----------------------------------- */

static const char *
host_name(const struct tool *t, const char *ms_uuid)
{
	size_t i;

	for (i = 0; i < t->n_ms; i++)
		if (strcasecmp(t->ms[i].uuid, ms_uuid) == 0)
			return t->ms[i].name;
	return ms_uuid[0] ? ms_uuid : "-";
}


static void
feed_cb(void *arg, const struct hmc_error *err, struct hmc_feed *f)
{
	struct feed_req *rq = arg;
	struct tool *t = rq->t;

	if (err) {
		struct tool_hmc *h = rq->h;
		if (h) {                /* a console read of one HMC */
			h->done = 1;
			h->errc = err->code;
			snprintf(h->err, sizeof(h->err), "%s", bare_msg(err, h->name));
		} else if (!t->feed_err[0]) {
			t->feed_errc = err->code;
			snprintf(t->feed_err, sizeof(t->feed_err), "%s", err->msg);
		}
	} else if (f->obj == HMC_OBJ_CONSOLE) {
		struct tool_hmc *h = rq->h;
		h->done = h->ok = 1;
		h->consoles = f->consoles;
		h->n_consoles = f->n;
		f->consoles = NULL;
	} else if (f->obj == HMC_OBJ_MS) {
		t->ms = f->ms;
		t->n_ms = f->n;
		f->ms = NULL;
		snprintf(t->feed_hmc_buf, sizeof(t->feed_hmc_buf), "%s", f->hmc);
		t->feed_hmc = t->feed_hmc_buf;
	} else if (f->obj == HMC_OBJ_VIOS) {
		t->vioses = f->lpars;
		t->n_vioses = f->n;
		f->lpars = NULL;
	} else {
		t->lpars = f->lpars;
		t->n_lpars = f->n;
		f->lpars = NULL;
	}
	if (--t->pending == 0)
		t->feeds_done(t);
}

/* Reads the host, VIOS and (want_lpars) LPAR feeds from any HMC, and each
 * HMC's console when consoles is set; then calls done. */
static void
read_feeds(struct tool *t, int want_lpars, int consoles, feeds_done_fn done)
{
	static const enum hmc_obj any[] = { HMC_OBJ_MS, HMC_OBJ_VIOS, HMC_OBJ_LPAR };
	struct hmc_read rq = { 0 };
	size_t i, k = 0, n_any = want_lpars ? 3 : 2;

	t->feeds_done = done;
	t->pending = (int)n_any + (consoles ? (int)t->n_hmcs : 0);
	for (i = 0; consoles && i < t->n_hmcs; i++) {
		struct feed_req *fr = &t->reqs[k++];
		fr->t = t;
		fr->h = &t->hmcs[i];
		rq.obj = HMC_OBJ_CONSOLE;
		rq.hmc = t->hmcs[i].name;
		hmc_read(t->set, &rq, feed_cb, fr);
	}
	rq.hmc = NULL;
	for (i = 0; i < n_any; i++) {
		struct feed_req *fr = &t->reqs[k++];
		fr->t = t;
		fr->h = NULL;
		rq.obj = any[i];
		hmc_read(t->set, &rq, feed_cb, fr);
	}
}

static int
feeds_failed(struct tool *t)
{
	if (!t->feed_err[0])
		return 0;
	fprintf(stderr, "ksys-hmc: reading the inventory failed: %s%s\n",
	        t->feed_err, hint_for(t->feed_errc));
	finish(t, exit_for(t->feed_errc));
	return 1;
}

/* ---- inventory ------------------------------------------------------------- */

static void
fmt_proc(char *out, size_t len, const struct hmc_lpar *l)
{
	if (l->dedicated)
		snprintf(out, len, "%g ded", l->proc_desired);
	else
		snprintf(out, len, "%.2f", l->proc_desired);
}

static long long
lpar_mem(const struct hmc_lpar *l)
{
	return l->mem_current_mb > 0 ? l->mem_current_mb : l->mem_desired_mb;
}

static void
inventory_json(struct tool *t)
{
	struct buf b = { 0 };
	size_t i;

	buf_puts(&b, "{\"hmcs\":[");
	for (i = 0; i < t->n_hmcs; i++) {
		const struct tool_hmc *h = &t->hmcs[i];
		const struct hmc_console *c = h->n_consoles ? &h->consoles[0] : NULL;
		buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
		json_str(&b, h->name);
		buf_puts(&b, ",\"address\":");
		json_str(&b, h->host);
		buf_printf(&b, ",\"port\":%d,\"up\":%s,\"console\":", h->port,
		           h->ok ? "true" : "false");
		json_str(&b, c ? c->name : "");
		buf_puts(&b, ",\"version\":");
		json_str(&b, c ? c->version : "");
		buf_puts(&b, ",\"error\":");
		if (h->ok)
			buf_puts(&b, "null");
		else
			json_str(&b, h->err);
		buf_puts(&b, "}");
	}
	buf_puts(&b, "],\"source_hmc\":");
	json_str(&b, t->feed_hmc ? t->feed_hmc : "");
	buf_puts(&b, ",\"hosts\":[");
	for (i = 0; i < t->n_ms; i++) {
		const struct hmc_ms *m = &t->ms[i];
		buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
		json_str(&b, m->name);
		buf_puts(&b, ",\"uuid\":");
		json_str(&b, m->uuid);
		buf_puts(&b, ",\"state\":");
		json_str(&b, m->state);
		buf_printf(&b, ",\"mtms\":\"%s-%s*%s\",\"proc_avail\":%.2f,"
		           "\"proc_installed\":%.2f,\"mem_avail_mb\":%lld,"
		           "\"mem_installed_mb\":%lld}", m->mtms.type, m->mtms.model,
		           m->mtms.serial, m->proc_avail, m->proc_installed,
		           m->mem_avail_mb, m->mem_installed_mb);
	}
	buf_puts(&b, "],\"vioses\":[");
	for (i = 0; i < t->n_vioses; i++) {
		const struct hmc_lpar *l = &t->vioses[i];
		buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
		json_str(&b, l->name);
		buf_puts(&b, ",\"uuid\":");
		json_str(&b, l->uuid);
		buf_puts(&b, ",\"host\":");
		json_str(&b, host_name(t, l->ms_uuid));
		buf_puts(&b, ",\"state\":");
		json_str(&b, l->state);
		buf_printf(&b, ",\"id\":%d}", l->id);
	}
	buf_puts(&b, "],\"lpars\":[");
	for (i = 0; i < t->n_lpars; i++) {
		const struct hmc_lpar *l = &t->lpars[i];
		buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
		json_str(&b, l->name);
		buf_puts(&b, ",\"uuid\":");
		json_str(&b, l->uuid);
		buf_puts(&b, ",\"host\":");
		json_str(&b, host_name(t, l->ms_uuid));
		buf_puts(&b, ",\"state\":");
		json_str(&b, l->state);
		buf_puts(&b, ",\"type\":");
		json_str(&b, l->type);
		buf_printf(&b, ",\"id\":%d,\"proc\":%g,\"dedicated\":%s,\"vcpus\":%d,"
		           "\"mem_mb\":%lld}", l->id, l->proc_desired,
		           l->dedicated ? "true" : "false", l->vcpu_desired, lpar_mem(l));
	}
	buf_puts(&b, "]}");
	printf("%s\n", buf_str(&b));
	buf_free(&b);
}

static void
inventory_text(struct tool *t)
{
	struct table tb = { 0 };
	char a[64], b2[64], c[64], d[64];
	size_t i;

	tb.ncols = 5;
	{
		const char *hdr[] = { "HMC", "STATE", "ADDRESS", "VERSION", "CONSOLE" };
		table_row(&tb, hdr);
	}
	for (i = 0; i < t->n_hmcs; i++) {
		const struct tool_hmc *h = &t->hmcs[i];
		const struct hmc_console *con = h->n_consoles ? &h->consoles[0] : NULL;
		char ver[600];
		const char *row[5];

		snprintf(a, sizeof(a), "%s:%d", h->host, h->port);
		snprintf(ver, sizeof(ver), "%s", con ? con->version : "-");
		row[0] = h->name;
		row[1] = h->ok ? "up" : exit_for(h->errc) == TOOL_UNREACHABLE ?
		         "unreachable" : "error";
		row[2] = a;
		row[3] = ver;
		row[4] = con ? con->name : "-";
		table_row(&tb, row);
	}
	table_print(&tb);
	for (i = 0; i < t->n_hmcs; i++)
		if (!t->hmcs[i].ok)
			printf("%s: %s\n", t->hmcs[i].name, t->hmcs[i].err);

	printf("\nHOSTS (%zu, read from %s)\n", t->n_ms, t->feed_hmc ? t->feed_hmc : "-");
	{
		const char *hdr[] = { "NAME", "STATE", "MTMS", "PROC_AVAIL/INSTALLED",
		                      "MEM_AVAIL/INSTALLED" };
		table_row(&tb, hdr);
	}
	for (i = 0; i < t->n_ms; i++) {
		const struct hmc_ms *m = &t->ms[i];
		const char *row[5];
		snprintf(a, sizeof(a), "%s-%s*%s", m->mtms.type, m->mtms.model,
		         m->mtms.serial);
		snprintf(b2, sizeof(b2), "%.2f/%.2f", m->proc_avail, m->proc_installed);
		snprintf(c, sizeof(c), "%lld/%lld MB", m->mem_avail_mb, m->mem_installed_mb);
		row[0] = m->name;
		row[1] = m->state;
		row[2] = a;
		row[3] = b2;
		row[4] = c;
		table_row(&tb, row);
	}
	table_print(&tb);

	printf("\nVIOSs (%zu)\n", t->n_vioses);
	tb.ncols = 3;
	{
		const char *hdr[] = { "NAME", "HOST", "STATE" };
		table_row(&tb, hdr);
	}
	for (i = 0; i < t->n_vioses; i++) {
		const struct hmc_lpar *l = &t->vioses[i];
		const char *row[3] = { l->name, host_name(t, l->ms_uuid), l->state };
		table_row(&tb, row);
	}
	table_print(&tb);

	printf("\nLPARs (%zu)\n", t->n_lpars);
	tb.ncols = 5;
	{
		const char *hdr[] = { "NAME", "HOST", "STATE", "PROC", "MEM" };
		table_row(&tb, hdr);
	}
	for (i = 0; i < t->n_lpars; i++) {
		const struct hmc_lpar *l = &t->lpars[i];
		const char *row[5];
		fmt_proc(d, sizeof(d), l);
		snprintf(c, sizeof(c), "%lld MB", lpar_mem(l));
		row[0] = l->name;
		row[1] = host_name(t, l->ms_uuid);
		row[2] = l->state;
		row[3] = d;
		row[4] = c;
		table_row(&tb, row);
	}
	table_print(&tb);
}

static void
inventory_done(struct tool *t)
{
	if (feeds_failed(t))
		return;
	if (t->json)
		inventory_json(t);
	else
		inventory_text(t);
	fflush(stdout);
	finish(t, TOOL_OK);
}

static void
cmd_inventory(struct tool *t)
{
	read_feeds(t, 1, 1, inventory_done);
}

/* ---- job and passthrough ------------------------------------------------ */

/* Finds an LPAR or VIOS by name or UUID; NULL after printing why. */
static const struct hmc_lpar *
find_target(struct tool *t, const char *word, int vios_only)
{
	const struct hmc_lpar *found = NULL;
	int n = 0, pass;
	size_t i;

	for (pass = vios_only ? 1 : 0; pass < 2; pass++) {
		const struct hmc_lpar *v = pass ? t->vioses : t->lpars;
		size_t nv = pass ? t->n_vioses : t->n_lpars;
		for (i = 0; i < nv; i++)
			if (strcasecmp(v[i].uuid, word) == 0)
				return &v[i];
		for (i = 0; i < nv; i++)
			if (strcmp(v[i].name, word) == 0) {
				found = &v[i];
				n++;
			}
	}
	if (n == 1)
		return found;
	if (n > 1)
		fprintf(stderr, "ksys-hmc: %d partitions are named '%s'; give the "
		        "UUID instead (see 'ksys-hmc inventory -o json')\n", n, word);
	else
		fprintf(stderr, "ksys-hmc: no %s named '%s' (and no such UUID)\n",
		        vios_only ? "VIOS" : "LPAR or VIOS", word);
	return NULL;
}

static void
progress_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct tool *t = (struct tool *)((char *)w - offsetof(struct tool, progress));

	(void)loop;
	(void)revents;
	if (t->json)
		return;
	if (t->job_id[0])
		printf("job %s on %s: still running (%.1f s)\n", t->job_id, t->job_hmc,
		       (loop_mono_ms() - t->job_t0) / 1000.0);
	else
		printf("job: waiting for an HMC to accept it (%.1f s)\n",
		       (loop_mono_ms() - t->job_t0) / 1000.0);
	fflush(stdout);
}

static void
job_submitted(void *arg, const char *hmc, const char *job_id)
{
	struct tool *t = arg;

	snprintf(t->job_id, sizeof(t->job_id), "%s", job_id);
	snprintf(t->job_hmc, sizeof(t->job_hmc), "%s", hmc);
	if (!t->json) {
		printf("job %s submitted to %s\n", job_id, hmc);
		fflush(stdout);
	}
}

static void
job_print(struct tool *t, const struct hmc_error *err, const struct hmc_job_reply *r,
          const char *std_out)
{
	double secs = (loop_mono_ms() - t->job_t0) / 1000.0;
	size_t i;

	if (t->json) {
		struct buf b = { 0 };
		buf_puts(&b, "{\"operation\":");
		json_str(&b, t->cmd[0] == 'p' ? "PassThroughInterface" : t->argv[0]);
		buf_puts(&b, ",\"target\":");
		json_str(&b, t->target->name);
		buf_puts(&b, ",\"target_uuid\":");
		json_str(&b, t->target->uuid);
		buf_puts(&b, ",\"hmc\":");
		json_str(&b, t->job_hmc);
		buf_puts(&b, ",\"job_id\":");
		json_str(&b, r ? r->job_id : t->job_id);
		buf_puts(&b, ",\"status\":");
		json_str(&b, r ? r->status_text : "");
		buf_printf(&b, ",\"ok\":%s,\"seconds\":%.3f,\"results\":{",
		           err ? "false" : "true", secs);
		for (i = 0; r && i < r->n_results; i++) {
			if (i)
				buf_putc(&b, ',');
			json_str(&b, r->results[i].name);
			buf_putc(&b, ':');
			json_str(&b, r->results[i].value);
		}
		buf_puts(&b, "},\"error\":");
		if (err)
			json_str(&b, err->msg);
		else
			buf_puts(&b, "null");
		if (std_out) {
			buf_puts(&b, ",\"stdout\":");
			json_str(&b, std_out);
		}
		buf_puts(&b, "}");
		printf("%s\n", buf_str(&b));
		buf_free(&b);
		return;
	}
	if (r)
		printf("job %s on %s: %s after %.1f s\n", r->job_id[0] ? r->job_id :
		       t->job_id, t->job_hmc[0] ? t->job_hmc : "-", r->status_text, secs);
	for (i = 0; r && i < r->n_results; i++) {
		if (std_out && strcmp(r->results[i].name, "StdOut") == 0)
			continue;
		printf("  %s=%s\n", r->results[i].name, r->results[i].value);
	}
	if (err)
		fprintf(stderr, "ksys-hmc: job failed (%s): %s%s\n",
		        hmc_errc_name(err->code), err->msg, hint_for(err->code));
}

static void
job_done(void *arg, const struct hmc_error *err, const struct hmc_job_reply *r)
{
	struct tool *t = arg;

	job_print(t, err, r, NULL);
	fflush(stdout);
	finish(t, err ? exit_for(err->code) == TOOL_UNREACHABLE && !r ?
	       TOOL_UNREACHABLE : TOOL_FAIL : TOOL_OK);
}

static void
job_feeds_done(struct tool *t)
{
	struct hmc_job_spec spec = { 0 };

	if (feeds_failed(t))
		return;
	t->target = find_target(t, t->argv[1], 0);
	if (!t->target) {
		finish(t, TOOL_FAIL);
		return;
	}
	spec.group = t->target->is_vios ? "VirtualIOServer" : "LogicalPartition";
	spec.target_uuid = t->target->uuid;
	spec.operation = t->argv[0];
	spec.params = t->params;
	spec.n_params = t->n_params;
	spec.host_uuid = t->target->ms_uuid[0] ? t->target->ms_uuid : NULL;
	if (!t->json) {
		printf("job %s on %s %s (%s) host %s: submitting\n", spec.operation,
		       t->target->is_vios ? "VIOS" : "LPAR", t->target->name,
		       t->target->uuid, host_name(t, t->target->ms_uuid));
		fflush(stdout);
	}
	t->job_t0 = loop_mono_ms();
	ev_timer_init(&t->progress, progress_cb, tscale_secs(5.), tscale_secs(5.));
	ev_timer_start(t->loop, &t->progress);
	hmc_job_run(t->set, &spec, job_submitted, job_done, t);
}

static void
passthru_done(void *arg, const struct hmc_error *err, const struct hmc_passthru_result *r)
{
	struct tool *t = arg;
	int rc = TOOL_OK;

	if (r && r->reply && !t->job_id[0]) {
		snprintf(t->job_id, sizeof(t->job_id), "%s", r->reply->job_id);
	}
	if (t->json) {
		job_print(t, err, r ? r->reply : NULL, r ? r->std_out : "");
	} else {
		if (r && r->std_out[0]) {
			fputs(r->std_out, stdout);
			if (r->std_out[strlen(r->std_out) - 1] != '\n')
				putchar('\n');
		}
		if (r && r->std_err[0])
			fprintf(stderr, "%s%s", r->std_err,
			        r->std_err[strlen(r->std_err) - 1] == '\n' ? "" : "\n");
		if (t->verbose && r)
			fprintf(stderr, "ksys-hmc: job %s: %s CMDReturnCode=%d "
			        "RMCReturnCode=%d\n", r->reply ? r->reply->job_id : "-",
			        r->reply ? r->reply->status_text : "-", r->cmd_rc, r->rmc_rc);
		if (err)
			fprintf(stderr, "ksys-hmc: PassThroughInterface on %s failed "
			        "(%s): %s%s\n", t->target->name, hmc_errc_name(err->code),
			        err->msg, hint_for(err->code));
	}
	if (err)
		rc = exit_for(err->code) == TOOL_UNREACHABLE && !(r && r->reply) ?
		     TOOL_UNREACHABLE : TOOL_FAIL;
	else if (r && r->cmd_rc > 0) {
		if (!t->json)
			fprintf(stderr, "ksys-hmc: the VIOS command returned %d\n", r->cmd_rc);
		rc = TOOL_FAIL;
	}
	fflush(stdout);
	finish(t, rc);
}

static void
passthru_feeds_done(struct tool *t)
{
	if (feeds_failed(t))
		return;
	t->target = find_target(t, t->argv[0], 1);
	if (!t->target) {
		finish(t, TOOL_FAIL);
		return;
	}
	t->job_t0 = loop_mono_ms();
	hmc_passthru(t->set, t->target->uuid,
	             t->target->ms_uuid[0] ? t->target->ms_uuid : NULL,
	             t->input, 0, passthru_done, t);
}

/* Reads FILE or stdin ("-") before the loop runs; caller frees. */
static char *
read_input(const char *path, char *err, size_t errlen)
{
	struct buf b = { 0 };

	if (buf_read_file(&b, path, PASSTHRU_MAX_INPUT, err, errlen) == -1) {
		buf_free(&b);
		return NULL;
	}
	if (b.len == 0) {
		snprintf(err, errlen, "%s: empty input", path);
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* ---- setup ----------------------------------------------------------------- */

/* ADDR[:PORT], [V6]:PORT or a bare IPv6 address. */
static int
parse_hostport(const char *w, char *host, size_t hostlen, int *port)
{
	const char *colon;
	char *end;
	long p;

	*port = CONFIG_DEFAULT_PORT;
	if (w[0] == '[') {
		const char *rb = strchr(w, ']');
		if (!rb || rb == w + 1 || (size_t)(rb - w - 1) >= hostlen)
			return -1;
		snprintf(host, hostlen, "%.*s", (int)(rb - w - 1), w + 1);
		if (!rb[1])
			return 0;
		if (rb[1] != ':')
			return -1;
		colon = rb + 1;
	} else {
		colon = strchr(w, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;           /* bare IPv6 */
		if (colon == w || strlen(w) >= hostlen)
			return -1;
		snprintf(host, hostlen, "%.*s", colon ? (int)(colon - w) : (int)strlen(w), w);
		if (!colon)
			return 0;
	}
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p < 1 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

static void
wipe(char *s)
{
	volatile char *v = s;
	while (v && *v)
		*v++ = 0;
}

struct args {                           /* the command line, checked */
	const char *cfgpath, *only, *hostword, *user, *passfile, *pin, *cafile;
	char *password;                 /* owned; wiped and freed by main */
	int insecure;
};

/* Parses the options and the command words into t and a.  Returns -1 to go
 * on, or the exit status after printing help or what is wrong. */
static int
parse_args(struct tool *t, struct args *a, int argc, char **argv)
{
	enum { OPT_PIN = 256, OPT_CAFILE, OPT_INSECURE, OPT_TIME_SCALE };
	static const struct option longopts[] = {
		{ "pin", required_argument, NULL, OPT_PIN },
		{ "cafile", required_argument, NULL, OPT_CAFILE },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "time-scale", required_argument, NULL, OPT_TIME_SCALE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[256];
	size_t i;
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+c:m:H:u:p:P:o:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': a->cfgpath = optarg; break;
		case 'm': a->only = optarg; break;
		case 'H': a->hostword = optarg; break;
		case 'u': a->user = optarg; break;
		case 'p':
			free(a->password);
			a->password = strdup(optarg);
			wipe(optarg);           /* keep it out of ps(1) where possible */
			if (!a->password)
				return TOOL_FAIL;
			break;
		case 'P': a->passfile = optarg; break;
		case 'o':
			if (strcmp(optarg, "json") == 0)
				t->json = 1;
			else if (strcmp(optarg, "text") != 0)
				return usage_error("-o takes text or json, got '%s'", optarg);
			break;
		case 'v': t->verbose++; break;
		case 'h':
			usage(stdout);
			return TOOL_OK;
		case OPT_PIN: a->pin = optarg; break;
		case OPT_CAFILE: a->cafile = optarg; break;
		case OPT_INSECURE: a->insecure = 1; break;
		case OPT_TIME_SCALE:
			if (tscale_parse(optarg, err, sizeof(err)) == -1)
				return usage_error("%s", err);
			break;
		default:
			if (optopt && strchr("cmHupPo", optopt)) {
				char o[3] = { '-', (char)optopt, '\0' };
				return usage_error("option %s needs an argument", o);
			}
			if (optopt >= OPT_PIN)
				return usage_error("option %s needs an argument", argv[optind - 1]);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("%smissing COMMAND (fingerprint, probe, inventory, "
		                   "job, passthrough)", "");
	t->cmd = argv[optind];
	t->argc = argc - optind - 1;
	t->argv = argv + optind + 1;

	if (strcmp(t->cmd, "fingerprint") == 0 || strcmp(t->cmd, "probe") == 0 ||
	    strcmp(t->cmd, "inventory") == 0) {
		if (t->argc)
			return usage_error("'%s' takes no arguments", t->cmd);
	} else if (strcmp(t->cmd, "job") == 0) {
		if (t->argc < 2)
			return usage_error("%susage: job OPERATION TARGET [name=value ...]", "");
		for (i = 0; t->argv[0][i]; i++)
			if (!((t->argv[0][i] >= 'A' && t->argv[0][i] <= 'Z') ||
			      (t->argv[0][i] >= 'a' && t->argv[0][i] <= 'z')))
				return usage_error("OPERATION must be a job name such as "
				                   "PowerOn, PowerOff or MigrateValidate, "
				                   "got '%s'", t->argv[0]);
		t->params = calloc((size_t)(t->argc - 2) + 1, sizeof(*t->params));
		if (!t->params)
			return TOOL_FAIL;
		for (i = 0; i < (size_t)(t->argc - 2); i++) {
			char *w = t->argv[2 + i], *eq = strchr(w, '=');
			if (!eq || eq == w)
				return usage_error("job parameters are name=value, got '%s'", w);
			t->params[i].name = strndup(w, (size_t)(eq - w));
			t->params[i].value = strdup(eq + 1);
			t->n_params = i + 1;
			if (!t->params[i].name || !t->params[i].value)
				return TOOL_FAIL;
		}
	} else if (strcmp(t->cmd, "passthrough") == 0) {
		if (t->argc != 2)
			return usage_error("%susage: passthrough VIOS FILE|-", "");
	} else {
		return usage_error("unknown command '%s' (fingerprint, probe, "
		                   "inventory, job, passthrough)", t->cmd);
	}

	if (a->cfgpath && a->hostword)
		return usage_error("%s-c and -H exclude each other", "");
	if (!a->cfgpath && !a->hostword)
		return usage_error("%sname an HMC with -H ADDR[:PORT] or -c CONFIG.lua", "");
	if (a->only && !a->cfgpath)
		return usage_error("%s-m needs -c", "");
	if (a->cfgpath && (a->user || a->password || a->passfile || a->pin ||
	                   a->cafile || a->insecure))
		return usage_error("%swith -c, credentials and TLS settings come "
		                   "from the configuration file", "");
	if ((a->pin != NULL) + (a->cafile != NULL) + a->insecure > 1)
		return usage_error("%s--pin, --cafile and --insecure exclude each other", "");
	if (a->pin && config_check_pin(a->pin, err, sizeof(err)) == -1)
		return usage_error("--pin: %s", err);
	return -1;
}

int
main(int argc, char **argv)
{
	static struct tool t;
	struct args a = { 0 };
	struct hmc_set_opts so = { 0 };
	char err[1024];
	int need_login, rc;
	size_t i;

	config_defaults(&t.cfg);
	rc = parse_args(&t, &a, argc, argv);
	if (rc != -1)
		goto out;
	rc = TOOL_FAIL;
	need_login = strcmp(t.cmd, "fingerprint") != 0;

	log_init("ksys-hmc", NULL, NULL, 0);
	/* the tool reports failures itself; -v shows the client's own events */
	log_set_level(t.verbose >= 2 ? "debug" : t.verbose ? "info" : "error", NULL, 0);
	xmlu_init();

	if (a.cfgpath) {
		if (config_load(a.cfgpath, &t.cfg, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			goto out;
		}
		t.have_cfg = 1;
		if (a.only && !config_hmc_find(&t.cfg, a.only)) {
			fprintf(stderr, "ksys-hmc: %s has no hmc{} named '%s'\n", a.cfgpath, a.only);
			rc = TOOL_USAGE;
			goto out;
		}
		if (t.cfg.n_hmcs == 0) {
			fprintf(stderr, "ksys-hmc: %s has no hmc{} entry\n", a.cfgpath);
			goto out;
		}
	} else {
		if (parse_hostport(a.hostword, t.hmcs[0].host, sizeof(t.hmcs[0].host),
		                   &t.hmcs[0].port) == -1) {
			rc = usage_error("-H takes ADDR, ADDR:PORT or [IPV6]:PORT, got '%s'",
			                 a.hostword);
			goto out;
		}
		if (need_login && !a.user) {
			rc = usage_error("'%s' needs -u USER", t.cmd);
			goto out;
		}
		if (need_login && !a.password) {
			if (a.passfile) {
				a.password = config_read_password_file(a.passfile, err, sizeof(err));
				if (!a.password) {
					fprintf(stderr, "ksys-hmc: %s\n", err);
					goto out;
				}
			} else if (getenv("KSYS_HMC_PASSWORD") && *getenv("KSYS_HMC_PASSWORD")) {
				a.password = strdup(getenv("KSYS_HMC_PASSWORD"));
				if (!a.password)
					goto out;
			} else {
				rc = usage_error("'%s' needs a password: -p PASSWORD, "
				                 "-P PASSFILE or KSYS_HMC_PASSWORD", t.cmd);
				goto out;
			}
		}
	}
	if (strcmp(t.cmd, "passthrough") == 0) {
		t.input = read_input(t.argv[1], err, sizeof(err));
		if (!t.input) {
			fprintf(stderr, "ksys-hmc: %s\n", err);
			goto out;
		}
	}

	t.loop = loop_init(NULL);
	so.connect_timeout = 10;
	so.audit_memento = "ksys-hmc";
	t.set = hmc_set_new(t.loop, &so, err, sizeof(err));
	if (!t.set) {
		fprintf(stderr, "ksys-hmc: %s\n", err);
		goto out;
	}
	if (t.have_cfg) {
		for (i = 0; i < t.cfg.n_hmcs; i++) {
			const struct config_hmc *ch_ = &t.cfg.hmcs[i];
			struct hmc_config hc;
			struct tool_hmc *th;

			if (a.only && strcmp(ch_->name, a.only) != 0)
				continue;
			th = &t.hmcs[t.n_hmcs++];
			th->t = &t;
			snprintf(th->name, sizeof(th->name), "%s", ch_->name);
			snprintf(th->host, sizeof(th->host), "%s", ch_->address);
			th->port = ch_->port;
			config_to_hmc(ch_, &t.cfg.settings, &hc);
			if (hmc_set_add(t.set, &hc, err, sizeof(err)) == -1) {
				fprintf(stderr, "%s: %s\n", ch_->where, err);
				goto out;
			}
		}
	} else {
		struct hmc_config hc;
		struct tool_hmc *th = &t.hmcs[0];

		t.n_hmcs = 1;
		th->t = &t;
		snprintf(th->name, sizeof(th->name), strchr(th->host, ':') ?
		         "[%s]:%d" : "%s:%d", th->host, th->port);
		hmc_config_init(&hc);
		hc.name = th->name;
		hc.host = th->host;
		hc.port = th->port;
		hc.user = a.user ? a.user : "-";
		hc.password = a.password ? a.password : "-";
		hc.pin = a.pin;
		hc.ca_file = a.cafile;
		hc.tls_verify = !a.insecure;
		if (hmc_set_add(t.set, &hc, err, sizeof(err)) == -1) {
			fprintf(stderr, "ksys-hmc: %s\n", err);
			goto out;
		}
	}
	if (a.password)
		wipe(a.password);
	ev_timer_init(&t.progress, progress_cb, 5., 5.);

	if (strcmp(t.cmd, "fingerprint") == 0) {
		cmd_fingerprint(&t);
	} else if (strcmp(t.cmd, "probe") == 0) {
		cmd_probe(&t);
	} else {
		hmc_set_start(t.set);
		if (strcmp(t.cmd, "inventory") == 0)
			cmd_inventory(&t);
		else if (strcmp(t.cmd, "job") == 0)
			read_feeds(&t, 1, 0, job_feeds_done);
		else
			read_feeds(&t, 0, 0, passthru_feeds_done);
	}
	t.ran = 1;
	ev_run(t.loop, 0);
	rc = t.rc;
out:
	if (t.set && (t.stopped || !t.ran))
		hmc_set_free(t.set);
	for (i = 0; i < t.n_hmcs; i++)
		hmcxml_free_consoles(t.hmcs[i].consoles, t.hmcs[i].n_consoles);
	hmcxml_free_ms(t.ms, t.n_ms);
	free(t.vioses);
	free(t.lpars);
	for (i = 0; i < t.n_params; i++) {
		free(t.params[i].name);
		free(t.params[i].value);
	}
	free(t.params);
	free(t.input);
	wipe(a.password);
	free(a.password);
	config_free(&t.cfg);
	return rc;
}
