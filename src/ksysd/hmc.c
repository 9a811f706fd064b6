/* hmc — the HMC set: configuration, ops, routing and failover, job slots,
 * deferred delivery, status, removal of an HMC at run time and shutdown.
 *
 * An op is what a caller asked for (hmc.h); it runs calls (hmccall.c: one
 * HTTP exchange with one HMC, sessions included) and moves to another HMC
 * that manages the same host when one is unreachable or answers 5xx.
 * Reads live in hmcread.c, jobs in hmcjob.c.  A removed HMC leaves the
 * routing table at once; its node lives on (s->zombies) until the calls it
 * still owns (logoff, cancelled requests) are gone.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hmc_priv.h"
#include "log.h"
#include "mem.h"
#include "tscale.h"
#include "str.h"

static void shutdown_check(struct hmc_set *s);

char *
hmc_xstrdup(const char *p)
{
	char *d = strdup(p ? p : "");

	if (!d)
		log_panic(__FILE__, __LINE__, "out of memory");
	return d;
}

void *
hmc_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);

	if (!p)
		log_panic(__FILE__, __LINE__, "out of memory");
	return p;
}

double
hmc_scaled(double real, double floor_secs)
{
	double v = tscale_secs(real);

	return v < floor_secs ? floor_secs : v;
}

const char *
hmc_errc_name(enum hmc_errc c)
{
	static const char *const names[] = {
		"ok", "unreachable", "auth", "tls", "http", "parse", "job",
		"timeout", "canceled", "shutdown", "invalid",
	};

	if ((unsigned)c < sizeof names / sizeof names[0])
		return names[c];
	return "unknown";
}

int
hmc_ident_ok(const char *p)
{
	if (!p || !*p || strlen(p) >= HMC_UUID_LEN + 24)
		return 0;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return 0;
	return 1;
}

static int
is_any(const char *host)
{
	return !host || !*host || !strcasecmp(host, "any");
}

struct hmc_node *
hmc_node_by_name(struct hmc_set *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->nodes[i]->name, name))
			return s->nodes[i];
	return NULL;
}

int
hmc_node_manages(const struct hmc_node *n, const char *host)
{
	size_t i;

	for (i = 0; i < n->n_hosts; i++)
		if (!strcasecmp(n->hosts[i], host))
			return 1;
	return 0;
}

struct hmc_op *
hmc_op_new(struct hmc_set *s, enum hmc_op_kind kind, void *cb, void *arg)
{
	struct hmc_op *op = hmc_xcalloc(1, sizeof *op);

	op->s = s;
	op->kind = kind;
	op->cb = cb;
	op->arg = arg;
	op->next = s->ops;
	if (s->ops)
		s->ops->prev = op;
	s->ops = op;
	return op;
}

static void
op_finish(struct hmc_op *op)
{
	struct hmc_set *s = op->s;

	op->finished = 1;
	if (op->on_finish)
		op->on_finish(op);
	if (op->call) {
		hmc_call_detach(op->call);
		op->call = NULL;
	}
	hmc_slot_release(op);
	if (op->prev)
		op->prev->next = op->next;
	else
		s->ops = op->next;
	if (op->next)
		op->next->prev = op->prev;
	op->prev = op->next = NULL;
	if (s->done_tail)
		s->done_tail->next = op;
	else
		s->done_head = op;
	s->done_tail = op;
	hmc_deferred_arm(s);
}

void
hmc_op_note(struct hmc_op *op, enum hmc_errc code, int status, const char *hmc,
            const char *msg)
{
	str_copy(op->err_msg, sizeof op->err_msg, msg);
	str_copy(op->err_hmc, sizeof op->err_hmc, hmc);
	op->err.code = code;
	op->err.http_status = status;
}

void
hmc_op_fail(struct hmc_op *op, enum hmc_errc code, int status, const char *hmc,
            const char *fmt, ...)
{
	va_list ap;
	char msg[sizeof op->err_msg];

	if (op->finished)
		return;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);       /* args may point into op->err_msg */
	va_end(ap);
	memcpy(op->err_msg, msg, sizeof msg);
	str_copy(op->err_hmc, sizeof op->err_hmc, hmc ? hmc : "");
	op->err.code = code;
	op->err.http_status = status;
	op->err.hmc = op->err_hmc;
	op->err.msg = op->err_msg;
	op->failed = 1;
	op_finish(op);
}

void
hmc_op_succeed(struct hmc_op *op)
{
	if (op->finished)
		return;
	op->failed = 0;
	op_finish(op);
}

static void
op_free(struct hmc_op *op)
{
	if (op->release)
		op->release(op);
	free(op);
}

int
hmc_failover_worthy(const struct hmc_call_res *r, int idempotent)
{
	if (r->code == HMC_OK)
		return 0;
	if (r->transport)
		return idempotent || !r->sent;
	if (r->code == HMC_EHTTP && r->status >= 500)
		return 1;
	/* refused credentials or an untrusted certificate make this HMC unusable;
	 * nothing was done there */
	return r->code == HMC_EAUTH || r->code == HMC_ETLS;
}

struct hmc_node *
hmc_route(struct hmc_op *op)
{
	struct hmc_set *s = op->s;
	struct hmc_node *best = NULL, *n;
	int best_class = 99, cls, any_manages = 0;
	unsigned long best_load = 0, load;
	size_t i;
	int host_any = !op->host_uuid[0];
	double now = ev_now(s->loop);

	if (op->pinned) {
		if (op->tried & (1ull << op->pinned->idx))
			return NULL;
		op->tried |= 1ull << op->pinned->idx;
		return op->pinned;
	}
	if (!host_any)
		for (i = 0; i < s->n; i++)
			if (s->nodes[i]->hosts_known && hmc_node_manages(s->nodes[i], op->host_uuid))
				any_manages = 1;
	for (i = 0; i < s->n; i++) {
		n = s->nodes[i];
		if (op->tried & (1ull << n->idx))
			continue;
		if (!host_any && any_manages && n->hosts_known &&
		    !hmc_node_manages(n, op->host_uuid))
			continue;       /* known not to manage that host */
		cls = 0;
		if (!host_any && !(n->hosts_known && hmc_node_manages(n, op->host_uuid)))
			cls = 1;        /* inventory not known yet */
		if ((n->ever && !n->up) ||
		    (n->ls == HMC_LS_BLOCKED && now < n->blocked_until))
			cls += 2;       /* down or unusable: last resort */
		load = n->inflight + n->queued + n->jobs_running + n->jobs_queued;
		if (!best || cls < best_class || (cls == best_class && load < best_load)) {
			best = n;
			best_class = cls;
			best_load = load;
		}
	}
	if (best)
		op->tried |= 1ull << best->idx;
	return best;
}

int
hmc_slot_acquire(struct hmc_op *op, struct hmc_node *n)
{
	if (!n->jq_head && n->jobs_running < (unsigned)n->max_jobs) {
		n->jobs_running++;
		op->slot_node = n;
		return 1;
	}
	op->jq_node = n;
	op->jq_next = NULL;
	op->jq_prev = n->jq_tail;
	if (n->jq_tail)
		n->jq_tail->jq_next = op;
	else
		n->jq_head = op;
	n->jq_tail = op;
	n->jobs_queued++;
	return 0;
}

void
hmc_slot_release(struct hmc_op *op)
{
	struct hmc_node *n;
	struct hmc_op *o;

	if ((n = op->jq_node)) {
		if (op->jq_prev)
			op->jq_prev->jq_next = op->jq_next;
		else
			n->jq_head = op->jq_next;
		if (op->jq_next)
			op->jq_next->jq_prev = op->jq_prev;
		else
			n->jq_tail = op->jq_prev;
		op->jq_next = op->jq_prev = NULL;
		op->jq_node = NULL;
		n->jobs_queued--;
	}
	if (!(n = op->slot_node))
		return;
	op->slot_node = NULL;
	n->jobs_running--;
	if (n->s->shutting || n->removed)
		return;         /* queued jobs are being failed or moved, not started */
	while (n->jq_head && n->jobs_running < (unsigned)n->max_jobs) {
		o = n->jq_head;
		n->jq_head = o->jq_next;
		if (n->jq_head)
			n->jq_head->jq_prev = NULL;
		else
			n->jq_tail = NULL;
		o->jq_next = o->jq_prev = NULL;
		o->jq_node = NULL;
		n->jobs_queued--;
		n->jobs_running++;
		o->slot_node = n;
		o->on_slot(o);
	}
}

static void
node_free(struct hmc_node *n)
{
	free(n->name);
	free(n->host);
	free(n->scheme);
	free(n->user);
	if (n->password)
		explicit_bzero(n->password, strlen(n->password));
	free(n->password);
	free(n->pin);
	free(n->ca_file);
	if (n->token)
		explicit_bzero(n->token, strlen(n->token));
	free(n->token);
	free(n->hosts);
	free(n);
}

/* Free removed nodes whose last call is gone. */
static void
reap_zombies(struct hmc_set *s)
{
	struct hmc_node **pp = &s->zombies, *n;

	while ((n = *pp)) {
		if (n->ncalls) {
			pp = &n->znext;
			continue;
		}
		*pp = n->znext;
		log_msg(LOGL_DEBUG, "hmc", "event=hmc_freed hmc=%s", n->name);
		node_free(n);
	}
}

static void
deferred_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hmc_set *s = w->data;
	struct hmc_op *op;

	(void)loop;
	(void)revents;
	s->delivering = 1;
	while (s->cdone_head || s->done_head) {
		hmc_calls_flush_failed(s);
		while ((op = s->done_head)) {
			s->done_head = op->next;
			if (!s->done_head)
				s->done_tail = NULL;
			op->next = NULL;
			op->deliver(op, op->failed ? &op->err : NULL);
			op_free(op);
		}
	}
	s->delivering = 0;
	reap_zombies(s);
	shutdown_check(s);
}

void
hmc_deferred_arm(struct hmc_set *s)
{
	if (s->freeing || s->delivering || ev_is_active(&s->deferred))
		return;
	ev_timer_set(&s->deferred, 0., 0.);
	ev_timer_start(s->loop, &s->deferred);
}

void
hmc_config_init(struct hmc_config *c)
{
	memset(c, 0, sizeof *c);
	c->port = 12443;
	c->tls_verify = 1;
	c->max_requests = 32;
	c->max_jobs = 256;
}

struct hmc_set *
hmc_set_new(struct ev_loop *loop, const struct hmc_set_opts *opts, char *err, size_t errlen)
{
	struct hmc_set *s = hmc_xcalloc(1, sizeof *s);
	struct http_opts ho = {0};

	s->loop = loop;
	if (opts)
		s->opts = *opts;
	if (s->opts.probe_interval <= 0)
		s->opts.probe_interval = 10;
	if (s->opts.request_timeout <= 0)
		s->opts.request_timeout = 60;
	if (s->opts.connect_timeout <= 0)
		s->opts.connect_timeout = 10;
	if (s->opts.poll_interval <= 0)
		s->opts.poll_interval = 1;
	if (s->opts.shutdown_bound <= 0)
		s->opts.shutdown_bound = 5;
	snprintf(s->memento, sizeof s->memento, "%s",
	         s->opts.audit_memento ? s->opts.audit_memento : "ksys");
	s->opts.audit_memento = NULL;
	ho.max_host_conns = 32;
	s->http = http_new(loop, &ho, err, errlen);
	if (!s->http) {
		free(s);
		return NULL;
	}
	ev_init(&s->deferred, deferred_cb);
	s->deferred.data = s;
	return s;
}

int
hmc_set_add(struct hmc_set *s, const struct hmc_config *c, char *err, size_t errlen)
{
	struct hmc_node *n;
	const char *scheme = c->scheme ? c->scheme : "https";
	int v6;

	if (s->shutting) {
		snprintf(err, errlen, "HMC client is shutting down");
		return -1;
	}
	if (!c->name || !*c->name || strlen(c->name) > 60 || strchr(c->name, ' ')) {
		snprintf(err, errlen, "HMC name missing or invalid");
		return -1;
	}
	if (hmc_node_by_name(s, c->name)) {
		snprintf(err, errlen, "%s: HMC defined twice", c->name);
		return -1;
	}
	if (s->n >= HMC_MAX_NODES) {
		snprintf(err, errlen, "%s: too many HMCs (at most %d)", c->name, HMC_MAX_NODES);
		return -1;
	}
	if (!c->host || !*c->host || strlen(c->host) > 200) {
		snprintf(err, errlen, "%s: address missing or too long", c->name);
		return -1;
	}
	if (!c->user || !*c->user || !c->password || !*c->password) {
		snprintf(err, errlen, "%s: user and password are required", c->name);
		return -1;
	}
	if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
		snprintf(err, errlen, "%s: scheme must be https or http", c->name);
		return -1;
	}
	if (c->pin && *c->pin && http_pin_check(c->pin, err, errlen) == -1)
		return -1;
	if (c->ca_file && *c->ca_file && access(c->ca_file, R_OK) == -1) {
		snprintf(err, errlen, "%s: CA file %s is not readable", c->name, c->ca_file);
		return -1;
	}
	n = hmc_xcalloc(1, sizeof *n);
	n->s = s;
	n->idx = (int)s->n;
	n->name = hmc_xstrdup(c->name);
	n->host = hmc_xstrdup(c->host);
	n->scheme = hmc_xstrdup(scheme);
	n->user = hmc_xstrdup(c->user);
	n->password = hmc_xstrdup(c->password);
	n->pin = c->pin && *c->pin ? hmc_xstrdup(c->pin) : NULL;
	n->ca_file = c->ca_file && *c->ca_file ? hmc_xstrdup(c->ca_file) : NULL;
	n->port = c->port > 0 ? c->port : 12443;
	n->tls_verify = c->tls_verify;
	n->max_requests = c->max_requests > 0 ? c->max_requests : 32;
	n->max_jobs = c->max_jobs > 0 ? c->max_jobs : 256;
	v6 = strchr(n->host, ':') && n->host[0] != '[';
	snprintf(n->base, sizeof n->base, "%s://%s%s%s:%d/rest/api/", n->scheme,
	         v6 ? "[" : "", n->host, v6 ? "]" : "", n->port);
	hmc_node_init_probe(n);
	s->nodes[s->n++] = n;
	/* connections per HMC: its request cap plus room for the priority calls
	 * (logon, probe, logoff) that bypass it */
	if (n->max_requests + 4 > s->max_conns) {
		s->max_conns = n->max_requests + 4;
		http_set_max_host_conns(s->http, s->max_conns);
	}
	if (n->pin)
		log_msg(LOGL_INFO, "hmc", "event=hmc_added hmc=%s addr=%s port=%d user=%s "
		        "trust=pin", n->name, n->host, n->port, n->user);
	else
		log_msg(LOGL_INFO, "hmc", "event=hmc_added hmc=%s addr=%s port=%d user=%s "
		        "trust=%s", n->name, n->host, n->port, n->user,
		        n->ca_file ? "ca_file" : n->tls_verify ? "system" : "none");
	if (s->started)
		hmc_node_start_probe(n);
	return 0;
}

/* The names of the HMCs, for refusals: "hmc1, hmc2" or "none". */
static void
known_names(const struct hmc_set *s, char *out, size_t len)
{
	size_t i, o = 0;
	int k;

	snprintf(out, len, "none");
	for (i = 0; i < s->n && o < len; i++) {
		k = snprintf(out + o, len - o, "%s%s", i ? ", " : "", s->nodes[i]->name);
		if (k < 0)
			break;
		o += (size_t)k;
	}
}

/* Drop bit idx from a tried set, moving the higher bits down one place (the
 * nodes after idx move down in s->nodes). */
static uint64_t
tried_drop(uint64_t t, int idx)
{
	uint64_t low = t & ((1ull << idx) - 1);

	return low | (((t >> idx) >> 1) << idx);
}

int
hmc_set_remove(struct hmc_set *s, const char *name, char *err, size_t errlen)
{
	struct hmc_node *n = name ? hmc_node_by_name(s, name) : NULL;
	struct hmc_op *op, **v = NULL;
	size_t i, nv = 0, cap = 0;
	char msg[128], note[160], names[300];
	int idx;

	if (s->shutting) {
		snprintf(err, errlen, "HMC client is shutting down");
		return -1;
	}
	if (!n) {
		known_names(s, names, sizeof names);
		snprintf(err, errlen, "unknown HMC '%.60s' (known: %s)", name ? name : "", names);
		return -1;
	}
	snprintf(msg, sizeof msg, "hmc '%s' was removed", n->name);
	log_msg(LOGL_NOTICE, "hmc", "event=hmc_removed hmc=%s session=%s", n->name,
	        n->ls == HMC_LS_OK ? "open" : "none");
	n->removed = 1;
	ev_timer_stop(s->loop, &n->probe);
	/* out of the routing table first, so nothing moves back onto it */
	idx = n->idx;
	for (i = (size_t)idx; i + 1 < s->n; i++) {
		s->nodes[i] = s->nodes[i + 1];
		s->nodes[i]->idx = (int)i;
	}
	s->nodes[--s->n] = NULL;
	for (op = s->ops; op; op = op->next) {
		op->tried = tried_drop(op->tried, idx);
		if (op->pinned != n && op->node != n && op->jq_node != n && op->slot_node != n)
			continue;
		if (nv == cap) {
			cap = cap ? cap * 2 : 16;
			v = mem_reallocarray(v, cap, sizeof *v);
		}
		v[nv++] = op;
	}
	/* moving or failing one op never finishes another one synchronously */
	for (i = 0; i < nv; i++) {
		op = v[i];
		if (op->finished)
			continue;
		if (op->pinned == n || !op->on_removed) {
			note[0] = '\0';
			if (op->kind == HMC_OPK_JOB)
				hmc_job_note(op, note, sizeof note);
			hmc_op_fail(op, HMC_ECANCELED, 0, n->name, "%s%s", msg, note);
		} else {
			op->on_removed(op, n, msg);
		}
	}
	free(v);
	hmc_node_calls_removed(n);
	n->znext = s->zombies;
	s->zombies = n;
	hmc_deferred_arm(s);
	return 0;
}

void
hmc_set_start(struct hmc_set *s)
{
	size_t i;

	if (s->started || s->shutting)
		return;
	s->started = 1;
	for (i = 0; i < s->n; i++)
		hmc_node_start_probe(s->nodes[i]);
}

size_t
hmc_set_count(const struct hmc_set *s)
{
	return s->n;
}

int
hmc_set_status(const struct hmc_set *s, size_t i, struct hmc_status *out)
{
	const struct hmc_node *n;

	if (i >= s->n)
		return -1;
	n = s->nodes[i];
	memset(out, 0, sizeof *out);
	out->name = n->name;
	out->up = n->ever ? n->up : 0;
	out->logged_on = n->ls == HMC_LS_OK;
	out->since = n->since;
	str_copy(out->last_error, sizeof out->last_error, n->last_error);
	out->inflight = n->inflight;
	out->queued = n->queued;
	out->jobs_running = n->jobs_running;
	out->jobs_queued = n->jobs_queued;
	out->requests = n->requests;
	out->failures = n->failures;
	out->logons = n->logons;
	out->relogons = n->relogons;
	out->n_hosts = n->n_hosts;
	return 0;
}

int
hmc_set_manages(const struct hmc_set *s, const char *hmc, const char *host_uuid)
{
	struct hmc_node *n = hmc_node_by_name((struct hmc_set *)s, hmc);

	return n && host_uuid && hmc_node_manages(n, host_uuid);
}

static void
shut_bound_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hmc_set *s = w->data;

	(void)loop;
	(void)revents;
	/* bound passed: whatever is still talking to an HMC is cut */
	hmc_calls_cut(s);
	hmc_deferred_arm(s);
}

static void
shutdown_check(struct hmc_set *s)
{
	if (!s->shutting || s->shut_reported || s->ops || s->done_head || s->cdone_head ||
	    s->ncalls)
		return;
	s->shut_reported = 1;
	ev_timer_stop(s->loop, &s->shut_bound);
	log_msg(LOGL_INFO, "hmc", "event=shutdown_done");
	if (s->shut_done)
		s->shut_done(s->shut_arg);
}

void
hmc_set_shutdown(struct hmc_set *s, void (*done)(void *arg), void *arg)
{
	char note[160];
	size_t i;

	if (s->shutting)
		return;
	s->shutting = 1;
	s->shut_done = done;
	s->shut_arg = arg;
	log_msg(LOGL_INFO, "hmc", "event=shutdown ops=%s", s->ops ? "pending" : "none");
	for (i = 0; i < s->n; i++)
		ev_timer_stop(s->loop, &s->nodes[i]->probe);
	while (s->ops) {
		note[0] = '\0';
		if (s->ops->kind == HMC_OPK_JOB)
			hmc_job_note(s->ops, note, sizeof note);
		hmc_op_fail(s->ops, HMC_ESHUTDOWN, 0, NULL, "HMC client is shutting down%s", note);
	}
	hmc_calls_shutdown(s);
	ev_init(&s->shut_bound, shut_bound_cb);
	s->shut_bound.data = s;
	ev_timer_set(&s->shut_bound, hmc_scaled(s->opts.shutdown_bound, 0.2), 0.);
	ev_timer_start(s->loop, &s->shut_bound);
	hmc_deferred_arm(s);
}

void
hmc_set_free(struct hmc_set *s)
{
	struct hmc_op *op;
	struct hmc_node *n;
	size_t i;

	if (!s)
		return;
	s->freeing = 1;
	ev_timer_stop(s->loop, &s->deferred);
	ev_timer_stop(s->loop, &s->shut_bound);
	for (i = 0; i < s->n; i++)
		ev_timer_stop(s->loop, &s->nodes[i]->probe);
	/* ops still alive (free without shutdown): dropped without callback */
	while ((op = s->ops)) {
		s->ops = op->next;
		if (op->on_finish)
			op->on_finish(op);
		op_free(op);
	}
	while ((op = s->done_head)) {
		s->done_head = op->next;
		op_free(op);
	}
	http_free(s->http);     /* in-flight calls come back with s->freeing set */
	hmc_calls_free_all(s);
	for (i = 0; i < s->n; i++)
		node_free(s->nodes[i]);
	while ((n = s->zombies)) {
		s->zombies = n->znext;
		node_free(n);
	}
	free(s);
}

/* Common checks of a new op: shutdown, HMC name, host UUID.  0 or -1 (then
 * the op has been failed). */
int
hmc_op_prepare(struct hmc_op *op, const char *hmc, const char *host_uuid)
{
	struct hmc_set *s = op->s;

	if (s->shutting) {
		hmc_op_fail(op, HMC_ESHUTDOWN, 0, NULL, "HMC client is shutting down");
		return -1;
	}
	if (hmc && *hmc) {
		op->pinned = hmc_node_by_name(s, hmc);
		if (!op->pinned) {
			hmc_op_fail(op, HMC_EINVAL, 0, NULL, "unknown HMC '%s'", hmc);
			return -1;
		}
	}
	if (!is_any(host_uuid)) {
		if (!hmc_ident_ok(host_uuid)) {
			hmc_op_fail(op, HMC_EINVAL, 0, NULL, "invalid host UUID '%.60s'", host_uuid);
			return -1;
		}
		str_copy(op->host_uuid, sizeof op->host_uuid, host_uuid);
	}
	if (!s->n) {
		hmc_op_fail(op, HMC_EUNREACH, 0, NULL, "no HMC configured");
		return -1;
	}
	return 0;
}
