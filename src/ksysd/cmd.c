/* cmd — the ksysmgr grammar engine and output formats (see cmd.h).
 *
 * Tables of actions, classes and (action, class) pairs with their attribute
 * specs drive parsing, checking and help.  A pair with a serve function is
 * answered from live state or the store (the configuration classes, in
 * cmd_cfg.c); the others are recognised and checked, then refused with the
 * list of what this ksysd serves.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmd.h"
#include "cmd_priv.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define KV_WIDTH     CMD_KV_WIDTH

struct word {
	const char *name;
	const char *aliases;            /* blank-separated; "ab*" = starts with ab */
	const char *desc;
};

static const struct word actions[] = {
	{ "add",       "ad* cr* create make mk", "create an object" },
	{ "modify",    "mod* ch* change set", "change attributes of objects" },
	{ "delete",    "del* remove rm", "delete objects" },
	{ "query",     "q* list ls get show", "show objects" },
	{ "manage",    "mg", "put objects back under ksys management" },
	{ "unmanage",  "unman* umg", "exclude objects from ksys management" },
	{ "discover",  "disc* discovery", "discover the resources of a host group" },
	{ "verify",    "ver*", "verify a cluster or host group" },
	{ "sync",      "sync*", "synchronise (start) the cluster" },
	{ "lpm",       "", "live partition mobility of a host's or VMs' LPARs" },
};

static const struct word classes[] = {
	{ "ksyscluster",     "ksyscl* cl* cluster", "the KSYS cluster" },
	{ "hmc",             "hmc*", "Hardware Management Consoles" },
	{ "host",            "", "managed systems (CECs)" },
	{ "host_group",      "hg host_g*", "groups of hosts that back each other up" },
	{ "vios",            "vioses", "Virtual I/O Servers" },
	{ "viodisk",         "viod*", "shared disks seen by VIOSs" },
	{ "vm",              "vms lpar*", "virtual machines (LPARs)" },
	{ "system",          "sys*", "system-wide attributes" },
	{ "collocation",     "coll*", "VMs kept on the same host" },
	{ "anticollocation", "anti*", "VMs kept on different hosts" },
	{ "workgroup",       "work* wg", "VMs moved together" },
	{ "notify",          "noti*", "notification contacts" },
	{ "event",           "ev*", "the event log" },
	{ "action",          "act*", "long actions (discovery, verification) and their output" },
};

enum names_rule {
	NAMES_NONE = 0,
	NAMES_OPTIONAL,
	NAMES_REQUIRED,
};

struct pair {
	const char *action, *klass;
	enum names_rule names;
	const struct attr_spec *attrs;  /* NULL-name terminated, or NULL */
	serve_fn serve;                 /* synchronous handler */
	aserve_fn aserve;               /* asynchronous handler, preferred when the
	                                   caller can answer later (io set); a pair
	                                   may have both, or neither: not served */
};

#define S(fn) fn, NULL
#define A(fn) NULL, fn
#define NONE NULL, NULL

/* ---- attribute specs --------------------------------------------------- */
#define ATTR_END { NULL, AT_STRING, 0, 0, NULL }
#define HA_MONITOR { "ha_monitor", AT_ENUM, 0, 0, "enable|disable" }
#define VM_SPEED { "vm_failure_detection_speed", AT_ENUM, 0, 0, "fast|normal|slow" }
#define HOST_FDT { "host_failure_detection_time", AT_INT, 90, 600, "seconds" }
#define PRIORITY { "priority", AT_ENUM, 0, 0, "low|medium|high" }
#define POLICY { "policy", AT_ENUM, 0, 0, "add|delete" }
#define VM_LIST { "vm", AT_LIST, 0, 0, NULL }

static const struct attr_spec a_add_cluster[] = {
	{ "type", AT_ENUM, 0, 0, "HA" }, { "ksysnodes", AT_STRING, 0, 0, NULL },
	{ "sync", AT_YESNO, 0, 0, NULL }, ATTR_END };
static const struct attr_spec a_hmc[] = {
	{ "login", AT_STRING, 0, 0, NULL }, { "password", AT_STRING, 0, 0, NULL },
	{ "ip", AT_STRING, 0, 0, NULL }, { "port", AT_INT, 1, 65535, NULL }, ATTR_END };
static const struct attr_spec a_add_host[] = {
	{ "uuid", AT_STRING, 0, 0, NULL }, ATTR_END };
static const struct attr_spec a_add_hg[] = {
	{ "hosts", AT_LIST, 0, 0, NULL }, { "repo_disk", AT_STRING, 0, 0, NULL },
	{ "ha_disk", AT_STRING, 0, 0, NULL }, ATTR_END };
static const struct attr_spec a_mod_hg[] = {
	{ "hosts", AT_LIST, 0, 0, NULL }, POLICY, { "repo_disk", AT_STRING, 0, 0, NULL },
	{ "ha_disk", AT_STRING, 0, 0, NULL },
	{ "restart_policy", AT_ENUM, 0, 0, "auto|advisory_mode" },
	{ "memory_capacity", AT_STRING, 0, 0, NULL },
	{ "cpu_capacity", AT_STRING, 0, 0, NULL }, PRIORITY, HOST_FDT, HA_MONITOR,
	VM_SPEED, ATTR_END };
static const struct attr_spec a_mod_host[] = { HA_MONITOR, VM_SPEED, ATTR_END };
static const struct attr_spec a_discover[] = { { "verify", AT_YESNO, 0, 0, NULL }, ATTR_END };
static const struct attr_spec a_viodisk[] = {
	{ "vios", AT_LIST, 0, 0, NULL }, { "hosts", AT_LIST, 0, 0, NULL }, ATTR_END };
static const struct attr_spec a_query_vm[] = {
	{ "state", AT_ENUM, 0, 0, "manage|unmanage" }, ATTR_END };
static const struct attr_spec a_mod_vm[] = {
	HA_MONITOR, PRIORITY, { "blacklist_hosts", AT_LIST, 0, 0, NULL }, POLICY,
	{ "homehost", AT_STRING, 0, 0, NULL }, { "filepath", AT_STRING, 0, 0, NULL },
	{ "host", AT_STRING, 0, 0, NULL }, VM_SPEED, ATTR_END };
static const struct attr_spec a_manage_vm[] = {
	{ "name", AT_LIST, 0, 0, NULL }, { "host", AT_STRING, 0, 0, NULL },
	{ "uuid", AT_LIST, 0, 0, NULL }, { "host_group", AT_STRING, 0, 0, NULL }, ATTR_END };
static const struct attr_spec a_mod_system[] = {
	HA_MONITOR, HOST_FDT, VM_SPEED, { "auto_discovery_time", AT_HHMM, 0, 0, NULL },
	{ "notification_level", AT_ENUM, 0, 0, "low|medium|high|disable" },
	{ "dup_event_processing", AT_YESNO, 0, 0, NULL },
	{ "restart_policy", AT_ENUM, 0, 0, "auto|advisory_mode" }, ATTR_END };
static const struct attr_spec a_group[] = { VM_LIST, ATTR_END };
static const struct attr_spec a_mod_group[] = { POLICY, VM_LIST, ATTR_END };
static const struct attr_spec a_add_notify[] = {
	{ "user", AT_STRING, 0, 0, NULL }, { "contact", AT_STRING, 0, 0, NULL }, ATTR_END };
static const struct attr_spec a_del_notify[] = {
	{ "user", AT_STRING, 0, 0, NULL }, { "contact", AT_STRING, 0, 0, NULL }, ATTR_END };
static const struct attr_spec a_lpm[] = {
	{ "to", AT_STRING, 0, 0, NULL }, { "action", AT_ENUM, 0, 0, "validate|migrate" },
	ATTR_END };

static const struct attr_spec a_query_system[] = {
	{ "monitor", AT_YESNO, 0, 0, NULL }, ATTR_END };
static const struct attr_spec a_query_event[] = {
	{ "type", AT_STRING, 0, 0, NULL }, { "since", AT_INT, 0, 2000000000, "event ID" },
	{ "limit", AT_INT, 1, 100000, "events" }, ATTR_END };
static const struct attr_spec a_query_action[] = {
	{ "monitor", AT_YESNO, 0, 0, NULL }, ATTR_END };

static const struct pair pairs[] = {
	{ "add", "ksyscluster", NAMES_REQUIRED, a_add_cluster, S(cmd_cfg_add_cluster) },
	{ "verify", "ksyscluster", NAMES_OPTIONAL, NULL, S(cmd_cfg_verify_cluster) },
	{ "sync", "ksyscluster", NAMES_OPTIONAL, NULL, S(cmd_cfg_sync_cluster) },
	{ "query", "ksyscluster", NAMES_NONE, NULL, S(cmd_cfg_query_cluster) },
	{ "delete", "ksyscluster", NAMES_REQUIRED, NULL, S(cmd_cfg_delete_cluster) },
	{ "add", "hmc", NAMES_REQUIRED, a_hmc, A(cmd_hmc_add) },
	{ "modify", "hmc", NAMES_REQUIRED, a_hmc, A(cmd_hmc_modify) },
	{ "query", "hmc", NAMES_OPTIONAL, NULL, S(cmd_hmc_query) },
	{ "delete", "hmc", NAMES_REQUIRED, NULL, S(cmd_hmc_delete) },
	{ "add", "host", NAMES_REQUIRED, a_add_host, A(cmd_host_add) },
	{ "modify", "host", NAMES_REQUIRED, a_mod_host, S(cmd_host_modify) },
	{ "query", "host", NAMES_OPTIONAL, NULL, S(cmd_host_query) },
	{ "delete", "host", NAMES_REQUIRED, NULL, S(cmd_host_delete) },
	{ "add", "host_group", NAMES_REQUIRED, a_add_hg, S(cmd_cfg_add_hg) },
	{ "modify", "host_group", NAMES_REQUIRED, a_mod_hg, S(cmd_cfg_modify_hg) },
	{ "query", "host_group", NAMES_OPTIONAL, NULL, S(cmd_cfg_query_hg) },
	{ "delete", "host_group", NAMES_REQUIRED, NULL, S(cmd_cfg_delete_hg) },
	{ "discover", "host_group", NAMES_REQUIRED, a_discover, A(cmd_disc_discover) },
	{ "verify", "host_group", NAMES_REQUIRED, NULL, A(cmd_disc_verify) },
	{ "query", "vios", NAMES_OPTIONAL, NULL, S(cmd_vios_query) },
	{ "manage", "vios", NAMES_REQUIRED, NULL, S(cmd_vios_manage) },
	{ "unmanage", "vios", NAMES_REQUIRED, NULL, S(cmd_vios_manage) },
	{ "query", "viodisk", NAMES_NONE, a_viodisk, A(cmd_viodisk_query) },
	{ "query", "vm", NAMES_OPTIONAL, a_query_vm, S(cmd_vm_query) },
	{ "modify", "vm", NAMES_OPTIONAL, a_mod_vm, S(cmd_vm_modify) },
	{ "manage", "vm", NAMES_OPTIONAL, a_manage_vm, S(cmd_vm_manage) },
	{ "unmanage", "vm", NAMES_OPTIONAL, a_manage_vm, S(cmd_vm_manage) },
	{ "lpm", "vm", NAMES_REQUIRED, a_lpm, A(cmd_disc_lpm) },
	{ "lpm", "host", NAMES_REQUIRED, a_lpm, A(cmd_disc_lpm) },
	{ "query", "system", NAMES_OPTIONAL, a_query_system, cmd_status_query_system_sync,
	  cmd_status_query_system },
	{ "modify", "system", NAMES_NONE, a_mod_system, S(cmd_cfg_modify_system) },
	{ "add", "collocation", NAMES_REQUIRED, a_group, S(cmd_cfg_add_group) },
	{ "modify", "collocation", NAMES_REQUIRED, a_mod_group, S(cmd_cfg_modify_group) },
	{ "query", "collocation", NAMES_OPTIONAL, NULL, S(cmd_cfg_query_group) },
	{ "delete", "collocation", NAMES_REQUIRED, NULL, S(cmd_cfg_delete_group) },
	{ "add", "anticollocation", NAMES_REQUIRED, a_group, S(cmd_cfg_add_group) },
	{ "modify", "anticollocation", NAMES_REQUIRED, a_mod_group, S(cmd_cfg_modify_group) },
	{ "query", "anticollocation", NAMES_OPTIONAL, NULL, S(cmd_cfg_query_group) },
	{ "delete", "anticollocation", NAMES_REQUIRED, NULL, S(cmd_cfg_delete_group) },
	{ "add", "workgroup", NAMES_REQUIRED, a_group, S(cmd_cfg_add_group) },
	{ "modify", "workgroup", NAMES_REQUIRED, a_mod_group, S(cmd_cfg_modify_group) },
	{ "query", "workgroup", NAMES_OPTIONAL, NULL, S(cmd_cfg_query_group) },
	{ "delete", "workgroup", NAMES_REQUIRED, NULL, S(cmd_cfg_delete_group) },
	{ "add", "notify", NAMES_NONE, a_add_notify, S(cmd_cfg_add_notify) },
	{ "query", "notify", NAMES_OPTIONAL, NULL, S(cmd_cfg_query_notify) },
	{ "delete", "notify", NAMES_NONE, a_del_notify, S(cmd_cfg_delete_notify) },
	{ "query", "event", NAMES_NONE, a_query_event, S(cmd_event_query) },
	{ "query", "action", NAMES_OPTIONAL, a_query_action, A(cmd_action_query) },
};

/* ---- word lookup ------------------------------------------------------- */
static int
prefix_ci(const char *word, const char *of, size_t oflen)
{
	size_t n = strlen(word);
	return n > 0 && n <= oflen && strncasecmp(word, of, n) == 0;
}

/* 2: exact match, 1: prefix/pattern match, 0: none. */
static int
word_match(const struct word *w, const char *word)
{
	const char *p = w->aliases;
	int m = 0;

	if (strcasecmp(word, w->name) == 0)
		return 2;
	if (prefix_ci(word, w->name, strlen(w->name)))
		m = 1;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n && p[n - 1] == '*') {
			if (strlen(word) >= n - 1 && strncasecmp(word, p, n - 1) == 0)
				m = 1;
		} else if (n) {
			if (strlen(word) == n && strncasecmp(word, p, n) == 0)
				return 2;
			if (prefix_ci(word, p, n))
				m = 1;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return m;
}

static void
names_list(struct buf *b, const struct word *t, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", t[i].name);
}

static const struct word *
lookup(const struct word *t, size_t n, const char *kind, const char *kinds,
       const char *word, char *err, size_t errlen)
{
	const struct word *hit = NULL;
	struct buf b = { 0 };
	size_t i, nhit = 0;

	for (i = 0; i < n; i++) {
		int m = word_match(&t[i], word);
		if (m == 2)
			return &t[i];
		if (m == 1) {
			hit = &t[i];
			nhit++;
		}
	}
	if (nhit == 1)
		return hit;
	if (nhit == 0) {
		buf_printf(&b, "unknown %s '%s'; %s: ", kind, word, kinds);
		names_list(&b, t, n);
	} else {
		buf_printf(&b, "ambiguous %s '%s': it could be ", kind, word);
		for (i = 0, nhit = 0; i < n; i++)
			if (word_match(&t[i], word))
				buf_printf(&b, "%s%s", nhit++ ? ", " : "", t[i].name);
	}
	snprintf(err, errlen, "%s", buf_str(&b));
	buf_free(&b);
	return NULL;
}

const char *
cmd_action_lookup(const char *word, char *err, size_t errlen)
{
	const struct word *w = lookup(actions, ARRAY_LEN(actions), "action",
	                              "actions", word, err, errlen);
	return w ? w->name : NULL;
}

const char *
cmd_class_lookup(const char *word, char *err, size_t errlen)
{
	const struct word *w = lookup(classes, ARRAY_LEN(classes), "class",
	                              "classes", word, err, errlen);
	return w ? w->name : NULL;
}

static const struct pair *
pair_find(const char *action, const char *klass)
{
	size_t i;
	for (i = 0; i < ARRAY_LEN(pairs); i++)
		if (strcmp(pairs[i].action, action) == 0 && strcmp(pairs[i].klass, klass) == 0)
			return &pairs[i];
	return NULL;
}

static void
served_list(struct buf *b)
{
	size_t i, n = 0;
	for (i = 0; i < ARRAY_LEN(pairs); i++)
		if (pairs[i].serve || pairs[i].aserve)
			buf_printf(b, "%s%s %s", n++ ? ", " : "", pairs[i].action, pairs[i].klass);
}

/* ---- help ---------------------------------------------------------------- */
static void
word_help(struct buf *b, const struct word *w)
{
	buf_printf(b, "  %-16s %s", w->name, w->desc);
	if (*w->aliases)
		buf_printf(b, " (aliases: %s)", w->aliases);
	buf_putc(b, '\n');
}

static const char *
type_desc(const struct attr_spec *a, char *tmp, size_t len)
{
	switch (a->type) {
	case AT_INT:    snprintf(tmp, len, "%ld-%ld", a->min, a->max); break;
	case AT_ENUM:   snprintf(tmp, len, "%s", a->values); break;
	case AT_HHMM:   snprintf(tmp, len, "hh:mm"); break;
	case AT_YESNO:  snprintf(tmp, len, "yes|no"); break;
	case AT_LIST:   snprintf(tmp, len, "value[,value...]"); break;
	case AT_STRING: snprintf(tmp, len, "value"); break;
	}
	return tmp;
}

static void
pair_syntax(struct buf *b, const struct pair *p)
{
	const struct attr_spec *a;
	char tmp[128];

	buf_printf(b, "ksysmgr %s %s", p->action, p->klass);
	if (p->names == NAMES_REQUIRED)
		buf_puts(b, " NAME[,NAME...]");
	else if (p->names == NAMES_OPTIONAL)
		buf_puts(b, " [NAME[,NAME...]]");
	for (a = p->attrs; a && a->name; a++)
		buf_printf(b, " [%s=%s]", a->name, type_desc(a, tmp, sizeof(tmp)));
	buf_putc(b, '\n');
}

static void
help_top(struct buf *b)
{
	size_t i;

	buf_puts(b, "usage: ksysmgr [-s SOCKET] [-v] [-t] [-o text|json] ACTION CLASS "
	         "[NAME[,NAME...]] [attr=value ...]\n"
	         "       ksysmgr [ACTION [CLASS]] -h|-?\n\nActions:\n");
	for (i = 0; i < ARRAY_LEN(actions); i++)
		word_help(b, &actions[i]);
	buf_puts(b, "\nClasses:\n");
	for (i = 0; i < ARRAY_LEN(classes); i++)
		word_help(b, &classes[i]);
	buf_puts(b, "\nAny unambiguous prefix of an action, class or alias is accepted "
	         "(case-insensitive);\n\"ab*\" means any word starting with ab.  "
	         "Served by this ksysd: ");
	served_list(b);
	buf_puts(b, "\nOptions: -v verbose, -t timestamps on progress lines, "
	         "-o json one JSON document.\nExit status: 0 success, 1 request "
	         "refused, 2 usage error, 3 ksysd unreachable.\n");
}

static void
help_action(struct buf *b, const struct word *a)
{
	size_t i;

	buf_printf(b, "ksysmgr %s: %s", a->name, a->desc);
	if (*a->aliases)
		buf_printf(b, " (aliases: %s)", a->aliases);
	buf_puts(b, "\n\n");
	for (i = 0; i < ARRAY_LEN(pairs); i++)
		if (strcmp(pairs[i].action, a->name) == 0)
			pair_syntax(b, &pairs[i]);
}

static void
help_pair(struct buf *b, const struct pair *p)
{
	const struct attr_spec *a;
	char tmp[128];

	buf_puts(b, "usage: ");
	pair_syntax(b, p);
	if (p->attrs && p->attrs->name) {
		buf_puts(b, "\nAttributes (values are case-insensitive):\n");
		for (a = p->attrs; a->name; a++)
			buf_printf(b, "  %-28s %s\n", a->name, type_desc(a, tmp, sizeof(tmp)));
	}
	if (p->serve || p->aserve)
		buf_puts(b, "\nServed by this ksysd.\n");
	else {
		buf_printf(b, "\n%s %s: this ksysd does not serve it yet; available: ",
		           p->action, p->klass);
		served_list(b);
		buf_putc(b, '\n');
	}
}

/* ---- parsing --------------------------------------------------------------- */
int
cmd_usage(struct buf *err, const char *fmt, ...)
{
	va_list ap;

	buf_puts(err, "ksysmgr: ");
	va_start(ap, fmt);
	buf_vprintf(err, fmt, ap);
	va_end(ap);
	buf_puts(err, "\nRun 'ksysmgr -h' for help.\n");
	return CMD_USAGE;
}

int
cmd_refuse(struct buf *err, const char *fmt, ...)
{
	va_list ap;

	buf_puts(err, "ksysmgr: ");
	va_start(ap, fmt);
	buf_vprintf(err, fmt, ap);
	va_end(ap);
	buf_putc(err, '\n');
	return CMD_REFUSED;
}

static int
is_help(const char *a)
{
	return strcmp(a, "-h") == 0 || strcmp(a, "-?") == 0 || strcmp(a, "--help") == 0;
}

static int
check_value(const struct attr_spec *a, const char *v, char *norm, size_t nlen,
            struct buf *err)
{
	char tmp[128];
	const char *p;
	char *e;
	long l;

	if (!*v)
		return cmd_usage(err, "%s= needs a value (%s)", a->name,
		                 type_desc(a, tmp, sizeof(tmp)));
	switch (a->type) {
	case AT_STRING:
		return CMD_OK;
	case AT_INT:
		errno = 0;
		l = strtol(v, &e, 10);
		if ((errno || *e || l < a->min || l > a->max) && a->values)
			return cmd_usage(err, "%s must be %ld-%ld %s, got %s", a->name,
			                 a->min, a->max, a->values, v);
		if (errno || *e || l < a->min || l > a->max)
			return cmd_usage(err, "%s=%s: expected an integer from %ld to %ld",
			                 a->name, v, a->min, a->max);
		return CMD_OK;
	case AT_ENUM:
		for (p = a->values; *p;) {
			size_t n = strcspn(p, "|");
			if (strlen(v) == n && strncasecmp(v, p, n) == 0) {
				snprintf(norm, nlen, "%.*s", (int)n, p);
				return CMD_OK;
			}
			p += n + (p[n] == '|');
		}
		return cmd_usage(err, "%s=%s: expected one of %s", a->name, v, a->values);
	case AT_HHMM:
		if (strlen(v) != 5 || !isdigit((unsigned char)v[0]) ||
		    !isdigit((unsigned char)v[1]) || v[2] != ':' ||
		    !isdigit((unsigned char)v[3]) || !isdigit((unsigned char)v[4]) ||
		    (v[0] - '0') * 10 + (v[1] - '0') > 23 || v[3] > '5')
			return cmd_usage(err, "%s=%s: expected hh:mm (00:00 to 23:59)",
			                 a->name, v);
		return CMD_OK;
	case AT_YESNO:
		if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0)
			snprintf(norm, nlen, "yes");
		else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0)
			snprintf(norm, nlen, "no");
		else
			return cmd_usage(err, "%s=%s: expected yes or no", a->name, v);
		return CMD_OK;
	case AT_LIST:
		if (v[0] == ',' || v[strlen(v) - 1] == ',' || strstr(v, ",,"))
			return cmd_usage(err, "%s=%s: empty element in the list", a->name, v);
		return CMD_OK;
	}
	return CMD_OK;
}

static int
split_names(struct request *r, const char *s, struct buf *err)
{
	char *p;

	if (s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
		return cmd_usage(err, "NAME list '%s' has an empty element", s);
	r->names = strdup(s);
	if (!r->names)
		return cmd_usage(err, "out of memory");
	for (p = strtok(r->names, ","); p; p = strtok(NULL, ",")) {
		if (r->n_names == ARRAY_LEN(r->name_v))
			return cmd_usage(err, "too many names (at most %zu)",
			                 ARRAY_LEN(r->name_v));
		r->name_v[r->n_names++] = p;
	}
	return CMD_OK;
}

/* Global options, then words.  Fills r; help goes to out. */
static int
parse(int argc, char **argv, struct request *r, struct buf *out, struct buf *err)
{
	const struct word *act = NULL, *cls = NULL;
	char msg[1024];
	int i, help = 0, rc;

	for (i = 0; i < argc; i++)
		if (is_help(argv[i]))
			help = 1;
	for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i] + 1;
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (is_help(argv[i]))
			continue;
		for (; *a; a++) {
			if (*a == 'v') {
				r->verbose = 1;
			} else if (*a == 't') {
				r->timestamps = 1;
			} else if (*a == 'o') {
				const char *v = a[1] ? a + 1 : (i + 1 < argc ? argv[++i] : NULL);
				if (!v)
					return cmd_usage(err, "option -o needs text or json");
				if (strcmp(v, "json") == 0)
					r->json = 1;
				else if (strcmp(v, "text") == 0)
					r->json = 0;
				else
					return cmd_usage(err, "-o takes text or json, got '%s'", v);
				break;
			} else {
				return cmd_usage(err, "unknown option '-%c' (options: -v, -t, "
				                 "-o text|json, -h)", *a);
			}
		}
	}
	if (i < argc && !is_help(argv[i])) {
		act = lookup(actions, ARRAY_LEN(actions), "action", "actions", argv[i],
		             msg, sizeof(msg));
		if (!act)
			return cmd_usage(err, "%s", msg);
		i++;
	}
	if (act && i < argc && !is_help(argv[i])) {
		cls = lookup(classes, ARRAY_LEN(classes), "class", "classes", argv[i],
		             msg, sizeof(msg));
		if (!cls)
			return cmd_usage(err, "%s", msg);
		i++;
	}
	if (cls) {
		r->pair = pair_find(act->name, cls->name);
		r->action = act->name;
		r->klass = cls->name;
		if (!r->pair) {
			struct buf b = { 0 };
			size_t k, n = 0;
			for (k = 0; k < ARRAY_LEN(pairs); k++)
				if (strcmp(pairs[k].action, act->name) == 0)
					buf_printf(&b, "%s%s", n++ ? ", " : "", pairs[k].klass);
			rc = cmd_usage(err, "%s does not apply to class %s; classes for %s: %s",
			               act->name, cls->name, act->name, buf_str(&b));
			buf_free(&b);
			return rc;
		}
	}
	if (help) {
		if (r->pair)
			help_pair(out, r->pair);
		else if (act)
			help_action(out, act);
		else
			help_top(out);
		return -1;
	}
	if (!act)
		return cmd_usage(err, "missing ACTION and CLASS, e.g. 'ksysmgr query hmc'");
	if (!cls)
		return cmd_usage(err, "missing CLASS after '%s'; classes for %s: see "
		                 "'ksysmgr %s -h'", act->name, act->name, act->name);
	if (i < argc && !strchr(argv[i], '=')) {
		if (r->pair->names == NAMES_NONE)
			return cmd_usage(err, "%s %s takes no NAME, got '%s'",
			                 act->name, cls->name, argv[i]);
		if ((rc = split_names(r, argv[i], err)) != CMD_OK)
			return rc;
		i++;
	} else if (r->pair->names == NAMES_REQUIRED) {
		return cmd_usage(err, "%s %s needs a NAME (usage: ksysmgr %s %s "
		                 "NAME[,NAME...] ...)", act->name, cls->name, act->name,
		                 cls->name);
	}
	for (; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		const struct attr_spec *a;
		size_t k, nlen;

		if (!eq)
			return cmd_usage(err, "expected attr=value, got '%s' (only one NAME "
			                 "list may follow CLASS)", argv[i]);
		nlen = (size_t)(eq - argv[i]);
		for (a = r->pair->attrs; a && a->name; a++)
			if (strlen(a->name) == nlen && strncasecmp(a->name, argv[i], nlen) == 0)
				break;
		if (!a || !a->name) {
			struct buf b = { 0 };
			for (a = r->pair->attrs; a && a->name; a++)
				buf_printf(&b, "%s%s", b.len ? ", " : "", a->name);
			rc = cmd_usage(err, "unknown attribute '%.*s' for %s %s; %s%s",
			               (int)nlen, argv[i], act->name, cls->name,
			               b.len ? "attributes: " : "it takes no attributes",
			               buf_str(&b));
			buf_free(&b);
			return rc;
		}
		for (k = 0; k < r->n_attrs; k++)
			if (r->attrs[k].spec == a)
				return cmd_usage(err, "attribute '%s' given twice", a->name);
		if (r->n_attrs == CMD_MAX_ATTRS)
			return cmd_usage(err, "too many attributes");
		r->attrs[r->n_attrs].spec = a;
		r->attrs[r->n_attrs].value = eq + 1;
		r->attrs[r->n_attrs].norm[0] = '\0';
		if ((rc = check_value(a, eq + 1, r->attrs[r->n_attrs].norm,
		                      sizeof(r->attrs[r->n_attrs].norm), err)) != CMD_OK)
			return rc;
		r->n_attrs++;
	}
	return CMD_OK;
}

int
cmd_run(const struct cmd_source *src, int argc, char **argv, struct buf *out,
        struct buf *err, const struct cmd_io *io)
{
	struct request r;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = parse(argc, argv, &r, out, err);
	if (rc == -1) {
		rc = CMD_OK;            /* help printed */
	} else if (rc == CMD_OK && r.pair->aserve && io) {
		rc = r.pair->aserve(src, &r, out, err, io);
	} else if (rc == CMD_OK && r.pair->serve) {
		rc = r.pair->serve(src, &r, out, err);
		if (rc == CMD_OK && src && src->config_changed &&
		    strcmp(r.pair->action, "query") != 0)
			src->config_changed(src->arg);
	} else if (rc == CMD_OK && r.pair->aserve) {
		rc = cmd_refuse(err, "%s %s: needs a running ksysd", r.pair->action,
		                r.pair->klass);
	} else if (rc == CMD_OK) {
		buf_printf(err, "ksysmgr: %s %s: this ksysd does not serve it yet; "
		           "available: ", r.pair->action, r.pair->klass);
		served_list(err);
		buf_putc(err, '\n');
		rc = CMD_REFUSED;
	}
	free(r.names);
	return rc;
}

/* ---- asynchronous answers ------------------------------------------------- */
void
cmd_io_lines(const struct cmd_io *io, char stream, const struct buf *b)
{
	const char *p = buf_str(b), *nl;
	struct timespec ts;
	double now;
	char *line;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	while (*p) {
		nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		line = strndup(p, n);
		if (line) {
			io->line(io->ctx, stream, now, line);
			free(line);
		}
		p += n + (nl != NULL);
	}
}

void
cmd_io_vrefuse(const struct cmd_io *io, const char *prefix, const char *fmt, va_list ap)
{
	struct buf b = { 0 };

	buf_puts(&b, "ksysmgr: ");
	if (prefix)
		buf_printf(&b, "%s: ", prefix);
	buf_vprintf(&b, fmt, ap);
	cmd_io_lines(io, 'E', &b);
	buf_free(&b);
}

void
cmd_io_printf(const struct cmd_io *io, char stream, const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	cmd_io_lines(io, stream, &b);
	buf_free(&b);
}

/* ---- output helpers ------------------------------------------------------- */
void
cmd_put_kv(struct buf *b, const char *label, const char *value, int width)
{
	int n = (int)strlen(label) + 1;
	const char *p = value, *nl;

	if (n >= width)
		width += 10;
	buf_printf(b, "%s:%*s", label, width - n, "");
	for (;;) {
		nl = strchr(p, '\n');
		if (!nl) {
			buf_printf(b, "%s\n", p);
			return;
		}
		buf_printf(b, "%.*s\n%*s", (int)(nl - p), p, width, "");
		p = nl + 1;
	}
}

void
cmd_put_table(struct buf *b, size_t ncols, const char *const *headers,
              const char *const *cells, size_t nrows, int min_width)
{
	size_t c, r;
	int w[32];

	if (ncols > 32)
		ncols = 32;
	for (c = 0; c < ncols; c++) {
		w[c] = (int)strlen(headers[c]);
		for (r = 0; r < nrows; r++) {
			const char *s = cells[r * ncols + c];
			if (s && (int)strlen(s) > w[c])
				w[c] = (int)strlen(s);
		}
		w[c] += 3;
		if (w[c] < min_width)
			w[c] = min_width;
	}
	for (r = 0; r < nrows + 2; r++) {
		for (c = 0; c < ncols; c++) {
			const char *s;
			char line[256];
			if (r == 0) {
				s = headers[c];
			} else if (r == 1) {
				size_t n = strlen(headers[c]);
				if (n >= sizeof(line))
					n = sizeof(line) - 1;
				memset(line, '=', n);
				line[n] = '\0';
				s = line;
			} else {
				s = cells[(r - 2) * ncols + c];
				if (!s)
					s = "";
			}
			if (c + 1 < ncols)
				buf_printf(b, "%-*s", w[c], s);
			else
				buf_printf(b, "%s\n", s);
		}
	}
}

void
cmd_put_json_str(struct buf *b, const char *s)
{
	const unsigned char *p;

	buf_putc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':  buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\b': buf_puts(b, "\\b"); break;
		case '\f': buf_puts(b, "\\f"); break;
		default:
			if (*p < 0x20)
				buf_printf(b, "\\u%04x", *p);
			else
				buf_putc(b, (char)*p);
		}
	}
	buf_putc(b, '"');
}

static void
put_json_list(struct buf *b, const char *v)
{
	const char *nl;
	char item[512];

	buf_putc(b, '[');
	while (*v) {
		nl = strchr(v, '\n');
		snprintf(item, sizeof(item), "%.*s", (int)(nl ? nl - v : (long)strlen(v)), v);
		cmd_put_json_str(b, item);
		if (!nl)
			break;
		v = nl + 1;
		if (*v)
			buf_putc(b, ',');
	}
	buf_putc(b, ']');
}

void
cmd_put_records(struct buf *b, int json, const struct cmd_field *fields,
                size_t nfields, size_t nrecs, int width)
{
	size_t r, f;

	if (json)
		buf_putc(b, '[');
	for (r = 0; r < nrecs; r++) {
		if (json)
			buf_puts(b, r ? ",{" : "{");
		else if (r)
			buf_putc(b, '\n');
		for (f = 0; f < nfields; f++) {
			const struct cmd_field *x = &fields[r * nfields + f];
			if (json) {
				char key[64];
				size_t i;
				for (i = 0; x->label[i] && i + 1 < sizeof(key); i++)
					key[i] = (char)tolower((unsigned char)x->label[i]);
				key[i] = '\0';
				if (f)
					buf_putc(b, ',');
				cmd_put_json_str(b, key);
				buf_putc(b, ':');
				if (x->num == 2)
					put_json_list(b, x->value);
				else if (x->num && *x->value)
					buf_puts(b, x->value);
				else
					cmd_put_json_str(b, x->value);
			} else {
				cmd_put_kv(b, x->label, x->value, width);
			}
		}
		if (json)
			buf_putc(b, '}');
	}
	if (json)
		buf_puts(b, "]\n");
}
