/* httppeer.h — a tiny plain-HTTP/1.1 server for unit tests, driven by an
 * ev_io on the test's own loop (header-only, one TU per test).
 *
 * It listens on 127.0.0.1 port 0, parses requests (Content-Length bodies,
 * keep-alive) and hands each to the test's handler, which answers with
 * peer_respond() or keeps the request unanswered (to test timeouts).  Not a
 * general HTTP server: no chunked bodies, no pipelining guarantees.
 */
#ifndef KSYS_TEST_HTTPPEER_H
#define KSYS_TEST_HTTPPEER_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ev.h>

#include "buf.h"

struct peer;
struct pconn;

/* hdrs is the raw header block (request line included, "\r\n" separated). */
typedef void (*peer_handler)(struct peer *p, struct pconn *c, const char *method,
                             const char *path, const char *hdrs, const char *body,
                             size_t blen);

struct peer {
	ev_io io;
	struct ev_loop *loop;
	int fd, port;
	unsigned accepted, requests, open_conns, max_open;
	peer_handler handler;
	void *data;
	/* Optional: called once the headers of a request are in, before its
	 * body; returning 1 means it reset the connection (c is gone). */
	int (*early)(struct pconn *c, const char *path);
};

struct pconn {
	ev_io io;
	struct peer *p;
	struct buf in, out;
	int closing;
};

static void
peer_conn_close(struct pconn *c)
{
	ev_io_stop(c->p->loop, &c->io);
	close(c->io.fd);
	buf_free(&c->in);
	buf_free(&c->out);
	c->p->open_conns--;
	free(c);
}

static void
peer_conn_flush(struct pconn *c)
{
	while (c->out.len) {
		ssize_t n = write(c->io.fd, c->out.data, c->out.len);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			peer_conn_close(c);
			return;
		}
		buf_consume(&c->out, (size_t)n);
	}
	ev_io_stop(c->p->loop, &c->io);
	if (!c->out.len && c->closing) {
		peer_conn_close(c);
		return;
	}
	ev_io_set(&c->io, c->io.fd, EV_READ | (c->out.len ? EV_WRITE : 0));
	ev_io_start(c->p->loop, &c->io);
}

static void __attribute__((unused))
peer_respond(struct pconn *c, int status, const char *ctype, const char *body, size_t blen,
             int close_after)
{
	buf_printf(&c->out, "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n",
	           status, ctype ? ctype : "text/plain", blen,
	           close_after ? "Connection: close\r\n" : "");
	buf_append(&c->out, body, blen);
	c->closing = close_after;
}

/* Value of header name in hdrs (copied into out), or NULL. */
static const char * __attribute__((unused))
peer_header(const char *hdrs, const char *name, char *out, size_t outlen)
{
	char key[128];
	const char *h, *e;
	size_t n;

	snprintf(key, sizeof key, "\r\n%s:", name);
	h = strcasestr(hdrs, key);
	if (!h)
		return NULL;
	h += strlen(key);
	while (*h == ' ')
		h++;
	e = strstr(h, "\r\n");
	n = e ? (size_t)(e - h) : strlen(h);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, h, n);
	out[n] = '\0';
	return out;
}

/* Serve complete requests in c->in; 1 if the connection is gone. */
static int
peer_conn_serve(struct pconn *c)
{
	while (c->in.len && !c->closing) {
		char *end, method[16], path[512];
		const char *cl;
		size_t hlen, blen = 0;
		char *hdr;

		end = strstr(c->in.data, "\r\n\r\n");
		if (!end)
			return 0;
		hlen = (size_t)(end - c->in.data) + 4;
		if (c->p->early && sscanf(c->in.data, "%15s %511s", method, path) == 2 &&
		    c->p->early(c, path))
			return 1;
		hdr = strndup(c->in.data, hlen);
		cl = strcasestr(hdr, "\r\nContent-Length:");
		if (cl)
			blen = strtoul(cl + 17, NULL, 10);
		if (c->in.len < hlen + blen) {
			free(hdr);
			return 0;
		}
		if (sscanf(hdr, "%15s %511s", method, path) != 2) {
			free(hdr);
			peer_respond(c, 400, NULL, "", 0, 1);
			return 0;
		}
		c->p->requests++;
		{
			char *body = strndup(c->in.data + hlen, blen);
			c->p->handler(c->p, c, method, path, hdr, body, blen);
			free(body);
		}
		free(hdr);
		buf_consume(&c->in, hlen + blen);
	}
	return 0;
}

/* Drop c with a TCP reset (SO_LINGER 0), as a server timing out an idle
 * kept-alive connection does when data still arrives on it. */
static void __attribute__((unused))
peer_conn_reset(struct pconn *c)
{
	struct linger lg = { 1, 0 };

	setsockopt(c->io.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	peer_conn_close(c);
}

static void
peer_conn_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct pconn *c = (struct pconn *)w;
	char tmp[65536];

	(void)l;
	if (revents & EV_READ) {
		ssize_t n = read(w->fd, tmp, sizeof tmp);
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
			peer_conn_close(c);
			return;
		}
		if (n > 0) {
			buf_append(&c->in, tmp, (size_t)n);
			if (peer_conn_serve(c))
				return;
		}
	}
	peer_conn_flush(c);
}

static void
peer_accept_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct peer *p = (struct peer *)w;
	int fd;

	(void)l;
	(void)revents;
	while ((fd = accept4(p->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		struct pconn *c = calloc(1, sizeof *c);
		c->p = p;
		p->accepted++;
		p->open_conns++;
		if (p->open_conns > p->max_open)
			p->max_open = p->open_conns;
		ev_io_init(&c->io, peer_conn_cb, fd, EV_READ);
		ev_io_start(p->loop, &c->io);
	}
}

/* Listening socket on 127.0.0.1, ephemeral port: fd or -1. */
static int
peer_listen_loopback(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    listen(fd, 1024) == -1 || getsockname(fd, (struct sockaddr *)&sa, &sl) == -1) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

/* 0 or -1.  The peer serves until the loop stops (or peer_stop). */
static int __attribute__((unused))
peer_start(struct peer *p, struct ev_loop *loop, peer_handler h)
{
	p->loop = loop;
	p->handler = h;
	p->fd = peer_listen_loopback(&p->port);
	if (p->fd == -1)
		return -1;
	ev_io_init(&p->io, peer_accept_cb, p->fd, EV_READ);
	ev_io_start(loop, &p->io);
	return 0;
}

/* Stop accepting (existing connections stay until closed by the client). */
static void __attribute__((unused))
peer_stop(struct peer *p)
{
	ev_io_stop(p->loop, &p->io);
	close(p->fd);
}

#endif
