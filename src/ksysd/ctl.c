/* ctl — ksysd's control socket (see ctl.h for the framing).
 *
 * One listening ev_io; per connection one ev_io that reads the request and
 * then writes the buffered reply.  A request outlives its connection: when
 * the client disconnects, req->conn becomes NULL and output is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "ctl.h"
#include "log.h"

struct conn;

struct ctl_req {
	struct conn *conn;              /* NULL once the client is gone */
	int argc;
	char **argv;
	int json, verbose, timestamps;
};

struct conn {
	ev_io io;                       /* first member */
	struct ctl *ctl;
	struct conn *next;
	int fd;
	struct buf in;
	struct buf out;
	int truncated;                  /* output cap reached */
	int ended;                      /* S line queued: close once flushed */
	int reading;
	struct ctl_req *req;
	uid_t uid;
	pid_t pid;
};

struct ctl {
	ev_io io;                       /* listening socket, first member */
	struct ev_loop *loop;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_handler handler;
	void *arg;
	struct conn *conns;
	gid_t gid;
	int have_group;
};

static void conn_close(struct conn *k);

static void
conn_update(struct conn *k)
{
	/* while a request runs, reading notices a client that went away */
	int ev = (!k->ended ? EV_READ : 0) | (k->out.len ? EV_WRITE : 0);

	ev_io_stop(k->ctl->loop, &k->io);
	if (ev) {
		ev_io_set(&k->io, k->fd, ev);
		ev_io_start(k->ctl->loop, &k->io);
	}
}

/* Queues "T text\n" for each line of text. */
static void
conn_line(struct conn *k, char tag, const char *text)
{
	const char *p = text, *nl;

	if (!k || k->ended)
		return;
	do {
		size_t n;
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (!nl && n == 0 && p != text)
			break;          /* text ended with '\n' */
		if (k->out.len + n + 3 > CTL_MAX_OUTPUT) {
			if (!k->truncated)
				buf_puts(&k->out, "E ksysd: output truncated\n");
			k->truncated = 1;
			return;
		}
		buf_putc(&k->out, tag);
		buf_putc(&k->out, ' ');
		buf_append(&k->out, p, n);
		buf_putc(&k->out, '\n');
		p = nl ? nl + 1 : p + n;
	} while (nl);
	conn_update(k);
}

/* when: the time to stamp the line with, 0 for none. */
static void
req_vline(struct ctl_req *req, char tag, time_t when, const char *fmt, va_list ap)
{
	struct buf b = { 0 };

	if (!req->conn)
		return;
	if (when) {
		char ts[32];
		struct tm tm;
		localtime_r(&when, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S ", &tm);
		buf_puts(&b, ts);
	}
	buf_vprintf(&b, fmt, ap);
	conn_line(req->conn, tag, buf_str(&b));
	buf_free(&b);
}

void
ctl_out(struct ctl_req *req, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	req_vline(req, 'O', 0, fmt, ap);
	va_end(ap);
}

void
ctl_err(struct ctl_req *req, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	req_vline(req, 'E', 0, fmt, ap);
	va_end(ap);
}

void
ctl_progress(struct ctl_req *req, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	req_vline(req, 'P', req->timestamps ? time(NULL) : 0, fmt, ap);
	va_end(ap);
}

void
ctl_progress_at(struct ctl_req *req, time_t when, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	req_vline(req, 'P', req->timestamps ? when : 0, fmt, ap);
	va_end(ap);
}

int ctl_req_json(const struct ctl_req *req) { return req->json; }
int ctl_req_verbose(const struct ctl_req *req) { return req->verbose; }
int ctl_req_timestamps(const struct ctl_req *req) { return req->timestamps; }

static void
req_free(struct ctl_req *req)
{
	int i;

	for (i = 0; i < req->argc; i++)
		free(req->argv[i]);
	free(req->argv);
	free(req);
}

/* Queues the status line; the connection closes once it is written. */
static void
conn_end(struct conn *k, int status)
{
	char s[32];

	snprintf(s, sizeof(s), "S %d\n", status);
	buf_puts(&k->out, s);
	k->ended = 1;
	k->reading = 0;
	conn_update(k);
}

void
ctl_end(struct ctl_req *req, int status)
{
	struct conn *k = req->conn;

	if (k) {
		k->req = NULL;
		conn_end(k, status);
	}
	req_free(req);
}

static void
conn_refuse(struct conn *k, int status, const char *msg)
{
	conn_line(k, 'E', msg);
	conn_end(k, status);
}

/* Leading global options of ksysmgr: -v -t -o FMT (also -oFMT, -vt). */
static void
req_scan_opts(struct ctl_req *req)
{
	int i;

	for (i = 0; i < req->argc; i++) {
		const char *a = req->argv[i];
		if (a[0] != '-' || !a[1] || strcmp(a, "--") == 0)
			return;
		for (a++; *a; a++) {
			if (*a == 'v')
				req->verbose = 1;
			else if (*a == 't')
				req->timestamps = 1;
			else if (*a == 'o') {
				const char *v = a[1] ? a + 1 : (i + 1 < req->argc ? req->argv[++i] : "");
				req->json = strcmp(v, "json") == 0;
				break;
			} else
				break;
		}
	}
}

/* Parses what has arrived.  0: need more, 1: complete (req set), -1: bad
 * (msg set). */
static int
parse_request(struct conn *k, const char **msg)
{
	const char *p = k->in.data, *end = k->in.data + k->in.len, *nl;
	struct ctl_req *req = NULL;
	long argc;
	char *e;
	int i;

	if (k->in.len > CTL_MAX_REQUEST + 16 * (CTL_MAX_ARGC + 1)) {
		*msg = "ksysd: request too large (at most 64 KiB of arguments)";
		return -1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl) {
		if (k->in.len > 32) {
			*msg = "ksysd: bad request header (expected \"KSYS1 <argc>\")";
			return -1;
		}
		return 0;
	}
	if (strncmp(p, "KSYS1 ", 6) != 0) {
		*msg = "ksysd: bad request header (expected \"KSYS1 <argc>\"); "
		       "is this ksysmgr from another version?";
		return -1;
	}
	argc = strtol(p + 6, &e, 10);
	if (e == p + 6 || e != nl || argc < 0 || argc > CTL_MAX_ARGC) {
		*msg = "ksysd: bad argument count (0 to 256 arguments)";
		return -1;
	}
	p = nl + 1;
	req = calloc(1, sizeof(*req));
	if (!req || !(req->argv = calloc((size_t)argc + 1, sizeof(char *)))) {
		free(req);
		*msg = "ksysd: out of memory";
		return -1;
	}
	for (i = 0; i < argc; i++) {
		unsigned long len;
		const char *colon = memchr(p, ':', (size_t)(end - p));
		if (!colon) {
			if (end - p > 8)
				goto bad;
			goto more;
		}
		len = strtoul(p, &e, 10);
		if (e != colon || e == p || len > CTL_MAX_REQUEST)
			goto bad;
		if ((size_t)(end - colon - 1) < len + 1)
			goto more;
		if (colon[1 + len] != '\n' || memchr(colon + 1, '\0', len))
			goto bad;
		req->argv[i] = strndup(colon + 1, len);
		req->argc = i + 1;
		p = colon + 2 + len;
	}
	if (p != end)
		goto bad;
	k->req = req;
	return 1;
more:
	req_free(req);
	return 0;
bad:
	req_free(req);
	*msg = "ksysd: malformed request argument (expected \"<len>:<bytes>\\n\")";
	return -1;
}

/* 1 when the peer is root or has group ksys (primary or supplementary). */
static int
peer_allowed(struct ctl *c, struct conn *k, gid_t pgid)
{
	char path[64], line[4096];
	FILE *f;
	int okay = 0;

	if (k->uid == 0)
		return 1;
	if (!c->have_group)
		return 0;
	if (pgid == c->gid)
		return 1;
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)k->pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p, *e;
		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		for (p = line + 7;; p = e) {
			unsigned long g = strtoul(p, &e, 10);
			if (e == p)
				break;
			if ((gid_t)g == c->gid)
				okay = 1;
		}
		break;
	}
	fclose(f);
	return okay;
}

static void
conn_read(struct conn *k)
{
	char tmp[8192];
	const char *msg = NULL;
	ssize_t n;
	int r;

	for (;;) {
		n = read(k->fd, tmp, sizeof(tmp));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {   /* EOF or error before a complete request */
			conn_close(k);
			return;
		}
		buf_append(&k->in, tmp, (size_t)n);
		r = parse_request(k, &msg);
		if (r == 0)
			continue;
		k->reading = 0;
		if (r == -1) {
			log_msg(LOGL_NOTICE, "ctl", "event=bad_request uid=%ld pid=%ld",
			        (long)k->uid, (long)k->pid);
			conn_refuse(k, 2, msg);
			return;
		}
		buf_free(&k->in);
		conn_update(k);
		req_scan_opts(k->req);
		k->req->conn = k;
		log_msg(LOGL_DEBUG, "ctl", "event=request uid=%ld pid=%ld argc=%d",
		        (long)k->uid, (long)k->pid, k->req->argc);
		k->ctl->handler(k->req, k->req->argc, k->req->argv, k->ctl->arg);
		return;         /* k may be gone (handler ended, flush failed) */
	}
}

static void
conn_write(struct conn *k)
{
	while (k->out.len) {
		ssize_t n = write(k->fd, k->out.data, k->out.len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n == -1) {  /* client gone: the request keeps going */
			conn_close(k);
			return;
		}
		buf_consume(&k->out, (size_t)n);
	}
	if (!k->out.len && k->ended) {
		conn_close(k);
		return;
	}
	conn_update(k);
}

static void
conn_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn *k = (struct conn *)w;

	(void)loop;
	if (revents & EV_WRITE) {
		if (k->out.len) {
			conn_write(k);
			return;         /* readable again next round if still reading */
		}
	}
	if (revents & EV_READ) {
		if (k->reading) {
			conn_read(k);
		} else {
			/* request running: EOF means the client went away */
			char tmp[256];
			ssize_t n = read(k->fd, tmp, sizeof(tmp));
			if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
				conn_close(k);
		}
	}
}

static void
conn_close(struct conn *k)
{
	struct ctl *c = k->ctl;
	struct conn **pp;

	for (pp = &c->conns; *pp; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	if (k->req)
		k->req->conn = NULL;    /* the handler carries on */
	ev_io_stop(c->loop, &k->io);
	close(k->fd);
	buf_free(&k->in);
	buf_free(&k->out);
	free(k);
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl *c = (struct ctl *)w;
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	struct conn *k;
	int fd;

	(void)revents;
	for (;;) {
		fd = accept4(c->io.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_msg(LOGL_WARN, "ctl", "event=accept_failed error=\"%s\"",
				        strerror(errno));
			return;
		}
		k = calloc(1, sizeof(*k));
		if (!k) {
			close(fd);
			return;
		}
		k->ctl = c;
		k->fd = fd;
		k->reading = 1;
		k->next = c->conns;
		c->conns = k;
		ev_io_init(&k->io, conn_cb, fd, EV_READ);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) == -1) {
			k->uid = (uid_t)-1;
			conn_refuse(k, 1, "ksysd: cannot read the peer's credentials");
			continue;
		}
		k->uid = cr.uid;
		k->pid = cr.pid;
		if (!peer_allowed(c, k, cr.gid)) {
			log_msg(LOGL_NOTICE, "ctl", "event=peer_refused uid=%ld gid=%ld pid=%ld",
			        (long)cr.uid, (long)cr.gid, (long)cr.pid);
			k->reading = 0;
			conn_refuse(k, 1, "permission denied: ksysmgr needs root or "
			            "membership of group " CTL_GROUP);
			continue;
		}
		ev_io_start(loop, &k->io);
	}
}

static int
mkparent(const char *path, char *err, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 :
		       (snprintf(err, errlen, "%s is not a directory", dir), -1);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (chmod(dir, 0755) == -1) {  /* whatever the umask */
		snprintf(err, errlen, "chmod %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

struct ctl *
ctl_new(struct ev_loop *loop, const char *path, ctl_handler handler, void *arg,
        char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct ctl *c = NULL;
	struct group *gr;
	struct stat st;
	int fd = -1, probe;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path must be 1 to %zu bytes: %s",
		         sizeof(sa.sun_path) - 1, path);
		return NULL;
	}
	memcpy(sa.sun_path, path, strlen(path));
	if (mkparent(path, err, errlen) == -1)
		return NULL;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket", path);
			return NULL;
		}
		/* startup only: a UNIX connect answers at once */
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe != -1 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(probe);
			snprintf(err, errlen, "another ksysd answers on %s", path);
			return NULL;
		}
		if (probe != -1)
			close(probe);
		if (unlink(path) == -1) {
			snprintf(err, errlen, "cannot remove stale socket %s: %s", path,
			         strerror(errno));
			return NULL;
		}
		log_msg(LOGL_NOTICE, "ctl", "event=stale_socket_removed path=%s", path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		snprintf(err, errlen, "cannot bind %s: %s", path, strerror(errno));
		goto fail;
	}
	if (chmod(path, 0660) == -1) {
		snprintf(err, errlen, "chmod %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	if (listen(fd, 64) == -1) {
		snprintf(err, errlen, "listen %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		goto fail_unlink;
	}
	gr = getgrnam(CTL_GROUP);
	if (gr) {
		c->gid = gr->gr_gid;
		c->have_group = 1;
		if (chown(path, (uid_t)-1, gr->gr_gid) == -1)
			log_msg(LOGL_WARN, "ctl", "event=chown_failed path=%s group=%s "
			        "error=\"%s\"", path, CTL_GROUP, strerror(errno));
	}
	c->loop = loop;
	c->handler = handler;
	c->arg = arg;
	snprintf(c->path, sizeof(c->path), "%s", path);
	ev_io_init(&c->io, accept_cb, fd, EV_READ);
	ev_io_start(loop, &c->io);
	log_msg(LOGL_INFO, "ctl", "event=listening path=%s mode=0660 group=%s", path,
	        c->have_group ? CTL_GROUP : "(none: root only)");
	return c;
fail_unlink:
	unlink(path);
fail:
	if (fd != -1)
		close(fd);
	return NULL;
}

void
ctl_free(struct ctl *c)
{
	if (!c)
		return;
	while (c->conns)
		conn_close(c->conns);
	ev_io_stop(c->loop, &c->io);
	close(c->io.fd);
	unlink(c->path);
	free(c);
}
