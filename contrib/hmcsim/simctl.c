/* ctl — hmcsim's control socket (server in the loop, client for the CLI) and
 * the commands behind it: show, fault, clear, help, ping.
 *
 * The server is non-blocking: one ev_io for the listener, two per client
 * (read, write), bounded input lines, any number of commands per connection.
 * `show` prints one object a line as whitespace-separated fields, name
 * first, states with '_' for spaces, so shell tests can use read/awk/grep.
 * Not for the fault grammar (faults.c) nor the world's rules (world.c).
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "simctl.h"
#include "faults.h"
#include "feeds.h"
#include "hm.h"
#include "log.h"
#include "loop.h"
#include "netaddr.h"
#include "passthru.h"

#define CTL_MAX_CLIENTS 64
#define CTL_MAX_WORDS 32
#define CTL_CLIENT_TIMEOUT_MS 30000

struct ctl_client {
	ev_io rio;                      /* first: callbacks cast back */
	ev_io wio;
	struct simctl *ctl;
	struct ctl_client *next;
	int fd;
	int eof;                        /* no more input: close once out is sent */
	struct buf in, out;
};

struct simctl {
	ev_io lio;
	struct world *w;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ctl_client *clients;
	size_t n_clients;
};

/* ---- show ---- */


static const char *
hstate(const struct sim_host *h, char *buf, size_t len)
{
	world_state_word(world_host_state_name(h->state), buf, len);
	return buf;
}

static const char *
lstate(enum sim_lpar_state s, char *buf, size_t len)
{
	world_state_word(world_lpar_state_name(s), buf, len);
	return buf;
}

static int
match(const char *name, const char *field)
{
	return !name || strcmp(name, field) == 0;
}

static size_t
show_hosts(struct world *w, const char *name, struct buf *out)
{
	char st[48];
	size_t i, n = 0;

	for (i = 0; i < w->n_hosts; i++) {
		const struct sim_host *h = &w->hosts[i];
		if (!match(name, h->name))
			continue;
		buf_printf(out, "%s %s\n", h->name, hstate(h, st, sizeof st));
		n++;
	}
	return n;
}

static size_t
show_capacity(struct world *w, const char *name, struct buf *out)
{
	size_t i, n = 0;

	for (i = 0; i < w->n_hosts; i++) {
		const struct sim_host *h = &w->hosts[i];
		if (!match(name, h->name))
			continue;
		buf_printf(out, "%s %.2f %.2f %lld %lld\n", h->name,
		           world_host_proc_avail(w, h), h->proc_installed,
		           world_host_mem_avail(w, h), h->mem_installed_mb);
		n++;
	}
	return n;
}

static size_t
show_parts(struct world *w, const char *name, int vios, struct buf *out)
{
	char st[48];
	size_t i, n = 0;

	for (i = 0; i < w->n_lpars; i++) {
		const struct sim_lpar *l = &w->lpars[i];
		if ((l->is_vios != 0) != vios || !match(name, l->name))
			continue;
		lstate(l->state, st, sizeof st);
		if (vios)
			buf_printf(out, "%s %s %s\n", l->name, w->hosts[l->host].name, st);
		else
			buf_printf(out, "%s %s %s %.2f %lld %s agent=%s addr=%s ping=%s\n",
			           l->name, w->hosts[l->host].name, st, l->proc_desired,
			           l->mem_desired_mb, l->uuid, simhm_agent_word(w, l),
			           l->ip[0] ? l->ip : "-", simnet_ping_word(w, l));
		n++;
	}
	return n;
}

static size_t
show_instances(struct world *w, const char *name, struct buf *out)
{
	char st[48];
	size_t i, n = 0;

	for (i = 0; i < w->n_lpars; i++) {
		const struct sim_lpar *l = &w->lpars[i];
		if (l->is_vios || !match(name, l->name))
			continue;
		buf_printf(out, "%s %s %s current\n", l->name, w->hosts[l->host].name,
		           lstate(l->state, st, sizeof st));
		if (l->stale_host >= 0 && (size_t)l->stale_host < w->n_hosts)
			buf_printf(out, "%s %s %s stale\n", l->name,
			           w->hosts[l->stale_host].name,
			           lstate(l->stale_state, st, sizeof st));
		n++;
	}
	return n;
}

static size_t
show_disks(struct world *w, const char *name, struct buf *out)
{
	size_t i, k, n = 0;

	char udid[128];

	for (i = 0; i < w->n_disks; i++) {
		const struct sim_disk *d = &w->disks[i];
		if (!match(name, d->id))
			continue;
		buf_printf(out, "%s %lld ", d->id, d->size_gb);
		for (k = 0; k < d->n_vios; k++)
			buf_printf(out, "%s%s", k ? "," : "", w->lpars[d->vios[k]].name);
		world_disk_udid(d->id, udid, sizeof udid);
		buf_printf(out, " %s\n", udid);
		n++;
	}
	return n;
}

static size_t
show_jobs(struct world *w, const char *name, struct buf *out)
{
	struct sim_job *j, **v;
	size_t n = 0, i, shown = 0;
	char id[32];

	for (j = w->jobs; j; j = j->next)
		n++;
	if (!n)
		return 0;
	v = calloc(n, sizeof *v);
	if (!v)
		return 0;
	for (j = w->jobs, i = n; j; j = j->next)
		v[--i] = j;                 /* oldest first */
	for (i = 0; i < n; i++) {
		j = v[i];
		snprintf(id, sizeof id, "%lld", j->id);
		if (j->deleted || !match(name, id))
			continue;
		buf_printf(out, "%s %s %s %s\n", id, j->operation[0] ? j->operation : "-",
		           j->target_name[0] ? j->target_name :
		           j->target_uuid[0] ? j->target_uuid : "-",
		           simfeed_job_status_name(j));
		shown++;
	}
	free(v);
	return shown;
}

static size_t
show_counters(struct world *w, const char *name, struct buf *out)
{
	const struct world_counters *c = &w->ctr;
	const struct { const char *k; unsigned long long v; } kv[] = {
		{ "double_starts", c->double_starts },
		{ "jobs_submitted", c->jobs_submitted },
		{ "jobs_ok", c->jobs_ok },
		{ "jobs_failed", c->jobs_failed },
		{ "jobs_canceled", c->jobs_canceled },
		{ "jobs_deleted", c->jobs_deleted },
		{ "power_on", c->power_on },
		{ "power_off", c->power_off },
		{ "remote_restart", c->remote_restart },
		{ "migrate", c->migrate },
		{ "http_requests", c->http_requests },
		{ "http_401", c->http_401 },
		{ "http_5xx", c->http_5xx },
		{ "sessions_expired", c->sessions_expired },
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		if (!match(name, kv[i].k))
			continue;
		buf_printf(out, "%s=%llu\n", kv[i].k, kv[i].v);
		n++;
	}
	return n;
}

static size_t
show_hmcs(struct world *w, const char *name, struct buf *out)
{
	size_t i, n = 0;

	for (i = 0; i < w->n_hmcs; i++) {
		const struct sim_hmc *h = &w->hmcs[i];
		if (!match(name, h->name))
			continue;
		buf_printf(out, "%s %s %d %s\n", h->name, h->addr, h->port,
		           h->down ? "down" : "up");
		n++;
	}
	return n;
}

static size_t
show_timing(struct world *w, const char *name, struct buf *out)
{
	const struct world_timing *t = &w->timing;
	const struct { const char *k; double v; } kv[] = {
		{ "job_start", t->job_start }, { "power_on", t->power_on },
		{ "power_off", t->power_off }, { "remote_restart", t->remote_restart },
		{ "migrate", t->migrate }, { "migrate_validate", t->migrate_validate },
		{ "passthrough", t->passthrough },
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		if (!match(name, kv[i].k))
			continue;
		buf_printf(out, "%s=%g\n", kv[i].k, kv[i].v);
		n++;
	}
	return n;
}

static size_t
show_passthru(struct world *w, const char *name, struct buf *out)
{
	return simpt_show(w, name, out);
}

/* NAME (a cluster number) is checked by simctl_show. */
static size_t
show_hsdb(struct world *w, const char *name, struct buf *out)
{
	char err[256];
	size_t before = out->len;

	if (simhm_show(w, name, out, err, sizeof err) == -1)
		return 0;
	return out->len != before;
}

static size_t
show_faults(struct world *w, const char *name, struct buf *out)
{
	size_t before = out->len;

	(void)name;
	simfault_show(w, out);
	return out->len != before;
}

static const struct {
	const char *what, *alias, *noun;
	size_t (*fn)(struct world *w, const char *name, struct buf *out);
	int vios;                       /* for show_parts */
} shows[] = {
	{ "hosts", "host", "host", show_hosts, 0 },
	{ "vioses", "vios", "VIOS", NULL, 1 },
	{ "vms", "vm", "VM", NULL, 0 },
	{ "instances", "instance", "VM", show_instances, 0 },
	{ "disks", "disk", "disk", show_disks, 0 },
	{ "jobs", "job", "job", show_jobs, 0 },
	{ "counters", "counter", "counter", show_counters, 0 },
	{ "hmcs", "hmc", "HMC", show_hmcs, 0 },
	{ "capacity", "capacity", "host", show_capacity, 0 },
	{ "faults", "fault", "fault", show_faults, 0 },
	{ "timing", "timing", "timing", show_timing, 0 },
	{ "passthru", "passthrough", "pass-through action or VM", show_passthru, 0 },
	{ "hsdb", "hsdb", "cluster", show_hsdb, 0 },
};

int
simctl_show(struct world *w, const char *what, const char *name, struct buf *out,
            char *err, size_t errlen)
{
	size_t i, n;

	for (i = 0; what && i < sizeof shows / sizeof shows[0]; i++) {
		if (strcmp(what, shows[i].what) != 0 && strcmp(what, shows[i].alias) != 0)
			continue;
		if (shows[i].fn == show_faults && name) {
			snprintf(err, errlen, "show faults takes no NAME");
			return -1;
		}
		if (shows[i].fn == show_hsdb)
			return simhm_show(w, name, out, err, errlen);
		n = shows[i].fn ? shows[i].fn(w, name, out) :
		    show_parts(w, name, shows[i].vios, out);
		if (name && n == 0) {
			snprintf(err, errlen, "no %s named '%s'", shows[i].noun, name);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "usage: show hosts|vioses|vms|instances|disks|jobs|"
	         "counters|hmcs|capacity|faults|timing|passthru|hsdb [NAME]");
	return -1;
}

/* ---- commands ---- */

static void
help(struct buf *out)
{
	buf_puts(out,
	         "show hosts|vioses|vms|instances|disks|jobs|counters|hmcs|capacity|"
	         "faults|timing|passthru [NAME]\n"
	         "show hsdb [CLUSTER]  -- the health databases (ms, vios, vm, map, trans rows)\n"
	         "fault KIND NAME [ARGS]  -- inject a fault (kinds below)\n"
	         "clear KIND NAME  -- undo a fault\n"
	         "ping  -- answers pong\n"
	         "help  -- this text\n");
	simfault_help(out);
}

int
simctl_exec(struct world *w, int argc, const char *const *argv, struct buf *out,
            char *err, size_t errlen)
{
	if (argc < 1) {
		snprintf(err, errlen, "empty command (try 'help')");
		return -1;
	}
	if (strcmp(argv[0], "show") == 0) {
		if (argc < 2 || argc > 3) {
			snprintf(err, errlen, "usage: show hosts|vioses|vms|instances|disks|"
			         "jobs|counters|hmcs|capacity|faults|timing|passthru|hsdb [NAME]");
			return -1;
		}
		return simctl_show(w, argv[1], argc == 3 ? argv[2] : NULL, out, err, errlen);
	}
	if (strcmp(argv[0], "fault") == 0 || strcmp(argv[0], "clear") == 0)
		return simfault_exec(w, argv[0][0] == 'c', argc - 1, argv + 1, 0, err, errlen);
	if (strcmp(argv[0], "help") == 0) {
		help(out);
		return 0;
	}
	if (strcmp(argv[0], "ping") == 0) {
		buf_puts(out, "pong\n");
		return 0;
	}
	snprintf(err, errlen, "unknown command '%s' (try 'help')", argv[0]);
	return -1;
}

/* ---- server ---- */

static void
client_free(struct ctl_client *c)
{
	struct simctl *ctl = c->ctl;
	struct ctl_client **pp;

	for (pp = &ctl->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	ctl->n_clients--;
	ev_io_stop(ctl->w->loop, &c->rio);
	ev_io_stop(ctl->w->loop, &c->wio);
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

/* Write what we can; returns -1 when the client is gone (and freed). */
static int
client_flush(struct ctl_client *c)
{
	struct ev_loop *loop = c->ctl->w->loop;

	while (c->out.len) {
		ssize_t n = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ev_io_start(loop, &c->wio);
			return 0;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			client_free(c);
			return -1;
		}
		buf_consume(&c->out, (size_t)n);
	}
	ev_io_stop(loop, &c->wio);
	if (c->eof) {
		client_free(c);
		return -1;
	}
	return 0;
}

static void
run_line(struct ctl_client *c, char *line)
{
	const char *argv[CTL_MAX_WORDS];
	char err[1024], *save = NULL, *tok;
	int argc = 0;

	for (tok = strtok_r(line, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
		if (argc == CTL_MAX_WORDS) {
			buf_printf(&c->out, "ERR too many words (max %d)\n", CTL_MAX_WORDS);
			return;
		}
		argv[argc++] = tok;
	}
	if (argc == 0)
		return;                 /* blank lines are ignored */
	err[0] = '\0';
	if (simctl_exec(c->ctl->w, argc, argv, &c->out, err, sizeof err) == 0) {
		buf_puts(&c->out, "OK\n");
		log_msg(LOGL_DEBUG, "ctl", "event=command verb=%s result=ok", argv[0]);
	} else {
		char *p;
		for (p = err; *p; p++)
			if (*p == '\n')
				*p = ' ';
		buf_printf(&c->out, "ERR %s\n", err[0] ? err : "failed");
		log_msg(LOGL_INFO, "ctl", "event=command verb=%s result=error error=\"%s\"",
		        argv[0], err);
	}
}

static void
client_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_client *c = (struct ctl_client *)w;
	char chunk[4096];
	ssize_t n;
	char *nl;

	(void)loop;
	(void)revents;
	loop_note("ctl");
	n = recv(c->fd, chunk, sizeof chunk, 0);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		c->eof = 1;
		ev_io_stop(c->ctl->w->loop, &c->rio);
		client_flush(c);
		return;
	}
	buf_append(&c->in, chunk, (size_t)n);
	while (c->in.len && (nl = memchr(c->in.data, '\n', c->in.len)) != NULL) {
		size_t len = (size_t)(nl - c->in.data);
		if (len > SIMCTL_LINE_MAX)
			break;
		*nl = '\0';
		run_line(c, c->in.data);
		buf_consume(&c->in, len + 1);
	}
	if (c->in.len > SIMCTL_LINE_MAX) {
		buf_printf(&c->out, "ERR line too long (max %d bytes)\n", SIMCTL_LINE_MAX);
		log_msg(LOGL_WARN, "ctl", "event=line_too_long bytes=%zu", c->in.len);
		buf_reset(&c->in);
		c->eof = 1;
		ev_io_stop(c->ctl->w->loop, &c->rio);
	}
	client_flush(c);
}

static void
client_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_client *c = (struct ctl_client *)((char *)w -
	                                             offsetof(struct ctl_client, wio));

	(void)loop;
	(void)revents;
	client_flush(c);
}

static void
listen_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct simctl *ctl = (struct simctl *)w;
	struct ctl_client *c;
	int fd;

	(void)revents;
	for (;;) {
		fd = accept4(ctl->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_msg(LOGL_WARN, "ctl", "event=accept_failed error=\"%s\"",
				        strerror(errno));
			return;
		}
		if (ctl->n_clients >= CTL_MAX_CLIENTS) {
			static const char busy[] = "ERR too many control clients\n";
			if (send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL) == -1)
				(void)0;
			close(fd);
			continue;
		}
		c = calloc(1, sizeof *c);
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->ctl = ctl;
		c->next = ctl->clients;
		ctl->clients = c;
		ctl->n_clients++;
		ev_io_init(&c->rio, client_read_cb, fd, EV_READ);
		ev_io_init(&c->wio, client_write_cb, fd, EV_WRITE);
		ev_io_start(loop, &c->rio);
	}
}

static int
fill_addr(struct sockaddr_un *sa, const char *path, char *err, size_t errlen)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (!path || !*path || strlen(path) >= sizeof sa->sun_path) {
		snprintf(err, errlen, "control socket path '%s' is empty or longer than "
		         "%zu bytes", path ? path : "", sizeof sa->sun_path - 1);
		return -1;
	}
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

/* Remove a stale socket at path; refuse to touch a live one or a non-socket. */
static int
clear_stale(const struct sockaddr_un *sa, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	close(fd);
	if (rc == 0) {
		snprintf(err, errlen, "%s: another hmcsim is listening there", path);
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale socket %s: %s", path,
		         strerror(errno));
		return -1;
	}
	return 0;
}

struct simctl *
simctl_new(struct world *w, const char *path, char *err, size_t errlen)
{
	struct simctl *ctl = NULL;
	struct sockaddr_un sa;
	int fd = -1;

	if (fill_addr(&sa, path, err, errlen) == -1)
		goto fail;
	if (clear_stale(&sa, sa.sun_path, err, errlen) == -1) {
		if (!err[0])
			snprintf(err, errlen, "%s: %s", sa.sun_path, strerror(errno));
		goto fail;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1) {
		snprintf(err, errlen, "cannot bind control socket %s: %s", sa.sun_path,
		         strerror(errno));
		goto fail;
	}
	if (chmod(sa.sun_path, 0600) == -1 || listen(fd, 16) == -1) {
		snprintf(err, errlen, "control socket %s: %s", sa.sun_path, strerror(errno));
		unlink(sa.sun_path);
		goto fail;
	}
	ctl = calloc(1, sizeof *ctl);
	if (!ctl) {
		snprintf(err, errlen, "out of memory");
		unlink(sa.sun_path);
		goto fail;
	}
	ctl->w = w;
	ctl->fd = fd;
	snprintf(ctl->path, sizeof ctl->path, "%s", sa.sun_path);
	ev_io_init(&ctl->lio, listen_cb, fd, EV_READ);
	ev_io_start(w->loop, &ctl->lio);
	log_msg(LOGL_INFO, "ctl", "event=listening socket=%s", ctl->path);
	return ctl;
fail:
	if (fd != -1)
		close(fd);
	return NULL;
}

void
simctl_free(struct simctl *ctl)
{
	if (!ctl)
		return;
	while (ctl->clients)
		client_free(ctl->clients);
	ev_io_stop(ctl->w->loop, &ctl->lio);
	close(ctl->fd);
	if (unlink(ctl->path) == -1 && errno != ENOENT)
		log_msg(LOGL_WARN, "ctl", "event=unlink_failed socket=%s error=\"%s\"",
		        ctl->path, strerror(errno));
	free(ctl);
}

/* ---- client ---- */

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int
send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Handle one answer line: -1 more to come, else the exit status. */
static int
answer_line(const char *line)
{
	if (strcmp(line, "OK") == 0)
		return 0;
	if (strncmp(line, "ERR", 3) == 0 && (line[3] == ' ' || line[3] == '\0')) {
		fprintf(stderr, "hmcsim ctl: %s\n", line[3] ? line + 4 : "error");
		return 1;
	}
	printf("%s\n", line);
	return -1;
}

int
simctl_client(const char *path, int argc, char **argv)
{
	struct sockaddr_un sa;
	struct buf req = { 0 }, in = { 0 };
	char err[256], chunk[4096];
	double deadline;
	int fd = -1, i, rc = 1;

	if (argc < 1) {
		fprintf(stderr, "usage: hmcsim ctl SOCKET CMD [ARGS...] (try CMD help)\n");
		return 2;
	}
	for (i = 0; i < argc; i++) {
		if (strpbrk(argv[i], "\n\r")) {
			fprintf(stderr, "hmcsim ctl: arguments must not contain newlines\n");
			return 2;
		}
		buf_printf(&req, "%s%s", i ? " " : "", argv[i]);
	}
	buf_putc(&req, '\n');
	if (req.len > SIMCTL_LINE_MAX + 1) {
		fprintf(stderr, "hmcsim ctl: command longer than %d bytes\n", SIMCTL_LINE_MAX);
		rc = 2;
		goto out;
	}
	if (fill_addr(&sa, path, err, sizeof err) == -1) {
		fprintf(stderr, "hmcsim ctl: %s\n", err);
		rc = 2;
		goto out;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sa, sizeof sa) == -1) {
		fprintf(stderr, "hmcsim ctl: cannot connect to %s: %s\n", path,
		        strerror(errno));
		rc = 3;
		goto out;
	}
	if (send_all(fd, req.data, req.len) == -1) {
		fprintf(stderr, "hmcsim ctl: cannot send to %s: %s\n", path, strerror(errno));
		rc = 3;
		goto out;
	}
	shutdown(fd, SHUT_WR);
	deadline = mono_ms() + CTL_CLIENT_TIMEOUT_MS;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		double left = deadline - mono_ms();
		char *nl;
		ssize_t n;
		int pr;

		if (left <= 0) {
			fprintf(stderr, "hmcsim ctl: no answer from %s within %d s\n", path,
			        CTL_CLIENT_TIMEOUT_MS / 1000);
			rc = 1;
			goto out;
		}
		pr = poll(&pfd, 1, (int)left + 1);
		if (pr == -1 && errno == EINTR)
			continue;
		if (pr <= 0)
			continue;
		n = recv(fd, chunk, sizeof chunk, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "hmcsim ctl: %s closed the connection without an "
			        "answer\n", path);
			rc = 1;
			goto out;
		}
		buf_append(&in, chunk, (size_t)n);
		while (in.len && (nl = memchr(in.data, '\n', in.len)) != NULL) {
			int r;
			*nl = '\0';
			r = answer_line(in.data);
			buf_consume(&in, (size_t)(nl - in.data) + 1);
			if (r >= 0) {
				rc = r;
				goto out;
			}
		}
	}
out:
	fflush(stdout);
	if (fd != -1)
		close(fd);
	buf_free(&req);
	buf_free(&in);
	return rc;
}
