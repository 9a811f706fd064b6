/* cli — lsrefcode and lssyscfg for the CLIRunner job (see cli.h). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "loop.h"

#define MAX_WORDS 32
#define MAX_FIELDS 8
#define HSCL_BAD_CMD "HSCL350B"
#define HSCL_BAD_OPT "HSCL350C"
#define HSCL_NO_MS "HSCL8018"
#define HSCL_NO_LPAR "HSCL8019"

/* Split cmd into words (single and double quotes group); -1 when too many
 * words or an unclosed quote. */
static int
split(const char *cmd, char *store, size_t storelen, char **words, int *n)
{
	size_t o = 0;
	char q;

	*n = 0;
	while (*cmd) {
		while (*cmd == ' ' || *cmd == '\t')
			cmd++;
		if (!*cmd)
			break;
		if (*n == MAX_WORDS)
			return -1;
		words[(*n)++] = store + o;
		while (*cmd && *cmd != ' ' && *cmd != '\t') {
			if (*cmd == '\'' || *cmd == '"') {
				q = *cmd++;
				while (*cmd && *cmd != q && o + 1 < storelen)
					store[o++] = *cmd++;
				if (*cmd != q)
					return -1;
				cmd++;
				continue;
			}
			if (o + 1 >= storelen)
				return -1;
			store[o++] = *cmd++;
		}
		store[o++] = '\0';
	}
	return 0;
}

struct args {
	const char *res, *host, *filter, *fields, *count;
};

static int
parse_opts(char **v, int n, struct args *a, const char *cmd, char *err, size_t errlen)
{
	int i;

	memset(a, 0, sizeof *a);
	for (i = 1; i < n; i++) {
		const char **slot = strcmp(v[i], "-r") == 0 ? &a->res :
		                    strcmp(v[i], "-m") == 0 ? &a->host :
		                    strcmp(v[i], "--filter") == 0 ? &a->filter :
		                    strcmp(v[i], "-F") == 0 ? &a->fields :
		                    strcmp(v[i], "-n") == 0 && strcmp(cmd, "lsrefcode") == 0 ?
		                    &a->count : NULL;
		if (!slot || i + 1 >= n) {
			snprintf(err, errlen, "%s An invalid parameter was entered: %s %s (%s "
			         "takes -r, -m, --filter%s and -F, each with a value)", HSCL_BAD_OPT,
			         cmd, v[i], cmd, strcmp(cmd, "lsrefcode") == 0 ? ", -n" : "");
			return -1;
		}
		*slot = v[++i];
	}
	if (!a->res || !a->host || !a->filter) {
		snprintf(err, errlen, "%s %s needs -r, -m HOST and --filter lpar_names=NAME",
		         HSCL_BAD_OPT, cmd);
		return -1;
	}
	return 0;
}

static struct sim_host *
find_host(struct world *w, const char *s)
{
	char t[16], m[16], ser[32];
	size_t i;

	for (i = 0; i < w->n_hosts; i++) {
		struct sim_host *h = &w->hosts[i];
		if (strcmp(h->name, s) == 0)
			return h;
		snprintf(t, sizeof t, "%s", h->mtms_type);
		snprintf(m, sizeof m, "%s", h->mtms_model);
		snprintf(ser, sizeof ser, "%s", h->mtms_serial);
		char mtms[64];
		snprintf(mtms, sizeof mtms, "%s-%s*%s", t, m, ser);
		if (strcasecmp(mtms, s) == 0)
			return h;
	}
	return NULL;
}

/* The partition the filter names on host h. */
static struct sim_lpar *
find_lpar(struct world *w, struct sim_host *h, const char *filter, char *err, size_t errlen)
{
	struct sim_lpar *l;

	if (strncmp(filter, "lpar_names=", 11) != 0 || !filter[11] || strchr(filter, ',')) {
		snprintf(err, errlen, "%s The filter '%s' is not supported: give "
		         "lpar_names=NAME (one partition)", HSCL_BAD_OPT, filter);
		return NULL;
	}
	l = world_lpar_by_name(w, filter + 11);
	if (!l || l->host != h->idx) {
		snprintf(err, errlen, "%s The partition %s was not found on the managed system "
		         "%s.", HSCL_NO_LPAR, filter + 11, h->name);
		return NULL;
	}
	return l;
}

/* Split -F into fields and check them against allowed. */
static int
fields_of(const char *spec, const char *const *allowed, const char *deflt,
          char store[MAX_FIELDS][24], int *n, char *err, size_t errlen)
{
	const char *p = spec ? spec : deflt;
	int k;

	*n = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (*n == MAX_FIELDS || len == 0 || len >= sizeof store[0]) {
			snprintf(err, errlen, "%s -F '%s' is not a list of at most %d field names",
			         HSCL_BAD_OPT, spec, MAX_FIELDS);
			return -1;
		}
		memcpy(store[*n], p, len);
		store[*n][len] = '\0';
		for (k = 0; allowed[k] && strcmp(allowed[k], store[*n]) != 0; k++)
			;
		if (!allowed[k]) {
			snprintf(err, errlen, "%s The attribute %s is not valid here; valid: ",
			         HSCL_BAD_OPT, store[*n]);
			for (k = 0; allowed[k]; k++) {
				size_t o = strlen(err);
				snprintf(err + o, errlen - o, "%s%s", k ? ", " : "", allowed[k]);
			}
			return -1;
		}
		(*n)++;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* One output line from parallel keys/values. */
static void
line(struct buf *out, char keys[MAX_FIELDS][24], const char **vals, int n, int keyed)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		if (keyed)
			buf_printf(out, "%s=", keys[i]);
		buf_puts(out, vals[i]);
	}
	buf_putc(out, '\n');
}

static const char *
hmc_state(enum sim_lpar_state s)
{
	switch (s) {
	case SIM_LPAR_NOT_ACTIVATED: return "Not Activated";
	case SIM_LPAR_STARTING: return "Starting";
	case SIM_LPAR_RUNNING: return "Running";
	case SIM_LPAR_SHUTTING_DOWN: return "Shutting Down";
	case SIM_LPAR_ERROR: return "Error";
	case SIM_LPAR_NOT_AVAILABLE: return "Not Available";
	case SIM_LPAR_OPEN_FIRMWARE: return "Open Firmware";
	case SIM_LPAR_MIGRATING_RUNNING: return "Migrating - Running";
	}
	return "Unknown";
}

static void
stamp(long long ms, char *out, size_t len)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(out, len, "%m/%d/%Y %H:%M:%S", &tm);
}

static int
lsrefcode(struct world *w, struct sim_lpar *l, const struct args *a, struct buf *out,
          char *err, size_t errlen)
{
	static const char *const ok[] = { "lpar_name", "lpar_id", "time_stamp", "refcode",
	                                  "word3", NULL };
	char f[MAX_FIELDS][24], id[16], ts[32];
	const char *vals[MAX_FIELDS];
	struct sim_refcode cur;
	long n = 1;
	int nf, i, k;
	char *end = NULL;

	if (strcmp(a->res, "lpar") != 0) {
		snprintf(err, errlen, "%s lsrefcode -r %s is not supported (use -r lpar)",
		         HSCL_BAD_OPT, a->res);
		return -1;
	}
	if (a->count) {
		n = strtol(a->count, &end, 10);
		if (!end || *end || n < 1 || n > SIM_REFCODE_HIST) {
			snprintf(err, errlen, "%s -n wants a number of entries 1-%d, got '%s'",
			         HSCL_BAD_OPT, SIM_REFCODE_HIST, a->count);
			return -1;
		}
	}
	if (fields_of(a->fields, ok, "lpar_name,lpar_id,time_stamp,refcode,word3", f, &nf,
	              err, errlen) == -1)
		return -1;
	snprintf(id, sizeof id, "%d", l->id);
	if (l->rc_n == 0) {
		memset(&cur, 0, sizeof cur);
		cur.ts_ms = loop_epoch_ms();
		snprintf(cur.refcode, sizeof cur.refcode, "%.15s", l->refcode);
	}
	for (k = 0; k < (l->rc_n ? l->rc_n : 1) && k < n; k++) {
		const struct sim_refcode *e = l->rc_n ?
			&l->rc_hist[(l->rc_next - 1 - k + 2 * SIM_REFCODE_HIST) % SIM_REFCODE_HIST] :
			&cur;
		stamp(e->ts_ms, ts, sizeof ts);
		for (i = 0; i < nf; i++)
			vals[i] = strcmp(f[i], "lpar_name") == 0 ? l->name :
			          strcmp(f[i], "lpar_id") == 0 ? id :
			          strcmp(f[i], "time_stamp") == 0 ? ts :
			          strcmp(f[i], "refcode") == 0 ? e->refcode : e->word3;
		line(out, f, vals, nf, a->fields == NULL);
	}
	(void)w;
	return 0;
}

static int
lssyscfg(struct world *w, struct sim_lpar *l, const struct args *a, struct buf *out,
         char *err, size_t errlen)
{
	static const char *const prof[] = { "name", "lpar_name", "lpar_id", "boot_mode", NULL };
	static const char *const lpar[] = { "name", "lpar_id", "state", "refcode", "lpar_env",
	                                    NULL };
	char f[MAX_FIELDS][24], id[16];
	const char *vals[MAX_FIELDS];
	int nf, i, is_prof = strcmp(a->res, "prof") == 0;

	(void)w;
	if (!is_prof && strcmp(a->res, "lpar") != 0) {
		snprintf(err, errlen, "%s lssyscfg -r %s is not supported (use -r prof or "
		         "-r lpar)", HSCL_BAD_OPT, a->res);
		return -1;
	}
	if (fields_of(a->fields, is_prof ? prof : lpar, is_prof ?
	              "name,lpar_name,lpar_id,boot_mode" : "name,lpar_id,state,refcode,lpar_env",
	              f, &nf, err, errlen) == -1)
		return -1;
	snprintf(id, sizeof id, "%d", l->id);
	for (i = 0; i < nf; i++) {
		const char *k = f[i];
		if (is_prof)
			vals[i] = strcmp(k, "name") == 0 ? "default_profile" :
			          strcmp(k, "lpar_name") == 0 ? l->name :
			          strcmp(k, "lpar_id") == 0 ? id :
			          l->boot_mode[0] ? l->boot_mode : "norm";
		else
			vals[i] = strcmp(k, "name") == 0 ? l->name :
			          strcmp(k, "lpar_id") == 0 ? id :
			          strcmp(k, "state") == 0 ? hmc_state(l->state) :
			          strcmp(k, "refcode") == 0 ? l->refcode :
			          l->is_vios ? "vioserver" : "aixlinux";
	}
	line(out, f, vals, nf, a->fields == NULL);
	return 0;
}

int
simcli_run(struct world *w, const char *cmd, struct buf *out, char *err, size_t errlen)
{
	char store[1024], *v[MAX_WORDS];
	struct sim_host *h;
	struct sim_lpar *l;
	struct args a;
	int n;

	if (!cmd || strlen(cmd) >= sizeof store || split(cmd, store, sizeof store, v, &n) == -1 ||
	    n == 0) {
		snprintf(err, errlen, "%s The command is empty, too long or badly quoted.",
		         HSCL_BAD_CMD);
		return -1;
	}
	if (strcmp(v[0], "lsrefcode") != 0 && strcmp(v[0], "lssyscfg") != 0) {
		snprintf(err, errlen, "%s The command %.64s is not supported by this management "
		         "console simulator; it runs lsrefcode -r lpar and lssyscfg -r prof|lpar.",
		         HSCL_BAD_CMD, v[0]);
		return -1;
	}
	if (parse_opts(v, n, &a, v[0], err, errlen) == -1)
		return -1;
	h = find_host(w, a.host);
	if (!h) {
		snprintf(err, errlen, "%s The managed system %s was not found.", HSCL_NO_MS, a.host);
		return -1;
	}
	l = find_lpar(w, h, a.filter, err, errlen);
	if (!l)
		return -1;
	if (strcmp(v[0], "lsrefcode") == 0)
		return lsrefcode(w, l, &a, out, err, errlen);
	return lssyscfg(w, l, &a, out, err, errlen);
}
