/* test_http — the curl+libev client against a loopback HTTP peer that runs
 * on the same loop (ev_io, canned responses), plus an `openssl s_server` for
 * the TLS pin capture when openssl is installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <poll.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ev.h>

#include "../tap.h"
#include "../loopwait.h"
#include "httppeer.h"
#include "http.h"
#include "buf.h"
#include "log.h"

/* ---- the loopback peer (httppeer.h) with canned answers ----------------- */

static struct ev_loop *loop;
static struct peer peer;
static struct pconn *warm_conn;

/* The server timed out the kept-alive connection just as a request with a
 * large body arrived on it: it resets the connection before reading the
 * body, so the client fails while sending. */
static int
early_reset(struct pconn *c, const char *path)
{
	if (strcmp(path, "/drop-reused") || c != warm_conn)
		return 0;
	warm_conn = NULL;
	peer_conn_reset(c);
	return 1;
}

static void
canned(struct peer *p, struct pconn *c, const char *method, const char *path,
       const char *hdrs, const char *body, size_t blen)
{
	(void)p;
	if (!strcmp(path, "/slow")) {
		/* never answer */
	} else if (!strcmp(path, "/echo")) {
		struct buf b = {0};
		char x[200];
		buf_printf(&b, "%s|%.*s|%s", method, (int)blen, body,
		           peer_header(hdrs, "X-Test", x, sizeof x) ? x : "");
		peer_respond(c, 200, NULL, b.data, b.len, 0);
		buf_free(&b);
	} else if (!strcmp(path, "/warm")) {
		warm_conn = c;
		peer_respond(c, 200, NULL, "warm", 4, 0);
	} else if (!strcmp(path, "/drop-reused")) {
		peer_respond(c, 200, NULL, "fresh", 5, 0);
	} else if (!strcmp(path, "/close")) {
		peer_respond(c, 200, NULL, "bye", 3, 1);
	} else if (!strcmp(path, "/status503")) {
		peer_respond(c, 503, NULL, "busy", 4, 0);
	} else if (!strcmp(path, "/big")) {
		size_t n = 3u << 20;
		char *big = malloc(n);
		memset(big, 'x', n);
		peer_respond(c, 200, NULL, big, n, 0);
		free(big);
	} else if (!strncmp(path, "/n/", 3)) {
		peer_respond(c, 200, NULL, path + 3, strlen(path + 3), 0);
	} else {
		peer_respond(c, 404, NULL, "no", 2, 0);
	}
}

/* ---- client side helpers ------------------------------------------------ */

struct rec {
	int calls;
	enum http_errc code;
	long status;
	char body[256];
	size_t body_len;
	char err[512];
	long new_conns;
	char pin[128];
	ev_tstamp at;
};

static void
rec_cb(void *arg, const struct http_result *r)
{
	struct rec *x = arg;

	x->calls++;
	x->code = r->code;
	x->status = r->status;
	x->body_len = r->body_len;
	snprintf(x->body, sizeof x->body, "%s", r->body);
	snprintf(x->err, sizeof x->err, "%s", r->err ? r->err : "");
	snprintf(x->pin, sizeof x->pin, "%s", r->pin ? r->pin : "");
	x->new_conns = r->new_conns;
	x->at = ev_time();
}


static char url_buf[256];

static const char *
url(const char *path)
{
	snprintf(url_buf, sizeof url_buf, "http://127.0.0.1:%d%s", peer.port, path);
	return url_buf;
}

static struct http_req *
get(struct http *h, const char *path, double timeout, struct rec *x)
{
	struct http_request rq = { .method = "GET", .url = url(path), .timeout = timeout };
	return http_start(h, &rq, rec_cb, x);
}

/* ---- tests -------------------------------------------------------------------- */

/* HMC web servers drop idle kept-alive connections.  A request that meets
 * such a reset on a reused connection, while its body is still being sent,
 * must be re-sent on a fresh connection (libcurl does this for reused
 * connections) and never surface as a transport error that would mark the
 * HMC down. */
static void
test_stale_keepalive(struct http *h)
{
	struct rec a = {0}, b = {0};
	size_t big = 8u << 20;
	char *body = malloc(big);
	struct http_request rq = { .method = "PUT", .body = body, .body_len = big,
	                           .timeout = 5 };
	unsigned accepted;

	memset(body, 'b', big);
	peer.early = early_reset;

	get(h, "/warm", 5, &a);
	loopwait_until(loop, &a.calls, 1, 5);
	is_int(a.status, 200, "warm-up request answered");
	accepted = peer.accepted;
	rq.url = url("/drop-reused");   /* url() reuses one buffer: set it last */
	http_start(h, &rq, rec_cb, &b);
	ok(loopwait_until(loop, &b.calls, 1, 5), "request on a dropped keep-alive connection completes");
	is_int(b.code, HTTP_OK, "no transport error reported: %s", b.err);
	is_str(b.body, "fresh", "answered on a fresh connection");
	is_int(peer.accepted - accepted, 1, "exactly one new connection for the retry");
	peer.early = NULL;
	free(body);
}

static void
test_basic(struct http *h)
{
	struct rec x = {0};
	const char *hdrs[] = { "X-Test: hello there", "Content-Type: text/plain" };
	struct http_request rq = { .method = "PUT", .url = url("/echo"), .headers = hdrs,
	                           .n_headers = 2, .body = "payload", .body_len = 7,
	                           .timeout = 5 };
	struct http_req *r = http_start(h, &rq, rec_cb, &x);

	ok(r != NULL, "http_start returns a handle");
	is_int(x.calls, 0, "callback not run inside http_start");
	ok(loopwait_until(loop, &x.calls, 1, 5), "PUT /echo completes");
	is_int(x.code, HTTP_OK, "PUT ok");
	is_int(x.status, 200, "status 200");
	is_str(x.body, "PUT|payload|hello there", "method, body and header reached the peer");

	memset(&x, 0, sizeof x);
	rq.method = "POST";
	rq.body = NULL;
	rq.body_len = 0;
	rq.n_headers = 0;
	http_start(h, &rq, rec_cb, &x);
	loopwait_until(loop, &x.calls, 1, 5);
	is_str(x.body, "POST||", "POST with no body sends an empty body");

	memset(&x, 0, sizeof x);
	rq.method = "DELETE";
	http_start(h, &rq, rec_cb, &x);
	loopwait_until(loop, &x.calls, 1, 5);
	is_str(x.body, "DELETE||", "DELETE");

	memset(&x, 0, sizeof x);
	get(h, "/status503", 5, &x);
	loopwait_until(loop, &x.calls, 1, 5);
	ok(x.code == HTTP_OK && x.status == 503 && !strcmp(x.body, "busy"),
	   "a 503 is a response, not a transport error (status %ld)", x.status);

	memset(&x, 0, sizeof x);
	get(h, "/big", 5, &x);
	loopwait_until(loop, &x.calls, 1, 10);
	ok(x.code == HTTP_OK && x.body_len == (3u << 20), "3 MiB body arrives whole (%zu)",
	   x.body_len);

	memset(&x, 0, sizeof x);
	rq.method = "PATCH";
	http_start(h, &rq, rec_cb, &x);
	is_int(x.calls, 0, "bad method: no synchronous callback");
	loopwait_until(loop, &x.calls, 1, 5);
	ok(x.calls == 1 && x.code == HTTP_EOTHER && strstr(x.err, "PATCH"),
	   "unsupported method reported: %s", x.err);
}

static void
test_keepalive(struct http *h)
{
	struct rec x[10];
	unsigned before;
	int i, reused = 0;

	/* start from no cached connection */
	memset(&x[0], 0, sizeof x[0]);
	get(h, "/close", 5, &x[0]);
	loopwait_until(loop, &x[0].calls, 1, 5);
	before = peer.accepted;

	for (i = 0; i < 10; i++) {
		memset(&x[i], 0, sizeof x[i]);
		get(h, "/n/ka", 5, &x[i]);
		loopwait_until(loop, &x[i].calls, 1, 5);
		if (x[i].code == HTTP_OK && x[i].new_conns == 0)
			reused++;
	}
	is_int(peer.accepted - before, 1, "10 sequential requests used one connection");
	is_int(reused, 9, "9 of them report a reused connection");

	memset(&x[0], 0, sizeof x[0]);
	get(h, "/close", 5, &x[0]);
	loopwait_until(loop, &x[0].calls, 1, 5);
	memset(&x[1], 0, sizeof x[1]);
	get(h, "/n/after", 5, &x[1]);
	loopwait_until(loop, &x[1].calls, 1, 5);
	ok(x[1].code == HTTP_OK && !strcmp(x[1].body, "after") && x[1].new_conns == 1,
	   "after Connection: close a new connection is made");
}

static void
test_timeout(struct http *h)
{
	struct rec x = {0};
	ev_tstamp t0;

	ev_now_update(loop);
	t0 = ev_time();
	get(h, "/slow", 0.3, &x);
	ok(loopwait_until(loop, &x.calls, 1, 5), "slow request ends");
	is_int(x.code, HTTP_ETIMEOUT, "per-request timeout reported as HTTP_ETIMEOUT");
	ok(x.at - t0 >= 0.25 && x.at - t0 < 2.0, "after about 0.3 s (%.3f)", x.at - t0);
	ok(x.err[0] != 0, "with a message: %s", x.err);
}

static void
test_refused(struct http *h)
{
	struct rec x = {0};
	int port, fd = peer_listen_loopback(&port);
	char u[64];
	struct http_request rq = { .url = u, .timeout = 5 };

	close(fd);      /* nobody listens there now */
	snprintf(u, sizeof u, "http://127.0.0.1:%d/", port);
	http_start(h, &rq, rec_cb, &x);
	ok(loopwait_until(loop, &x.calls, 1, 5), "refused request ends");
	is_int(x.code, HTTP_ECONNECT, "connection refused -> HTTP_ECONNECT");
	is_int(x.status, 0, "no status");
	diag("refused: %s", x.err);
	/* make sure a late second callback would be noticed */
	{
		int dummy = 0;
		loopwait_until(loop, &dummy, 1, 0.2);
	}
	is_int(x.calls, 1, "callback fired exactly once");
}

static void
test_cancel(struct http *h)
{
	struct rec x = {0}, y = {0};
	struct http_req *r = get(h, "/slow", 10, &x);
	int dummy = 0;

	get(h, "/n/other", 5, &y);
	loopwait_until(loop, &dummy, 1, 0.1);
	http_cancel(r);
	is_int(x.calls, 0, "cancel does not call back synchronously");
	ok(loopwait_until(loop, &x.calls, 1, 2), "canceled request calls back");
	is_int(x.code, HTTP_ECANCELED, "with HTTP_ECANCELED");
	loopwait_until(loop, &y.calls, 1, 5);
	ok(y.code == HTTP_OK && !strcmp(y.body, "other"), "other request unaffected");
	loopwait_until(loop, &dummy, 1, 0.1);
	is_int(x.calls, 1, "exactly once");
}

struct many {
	int done, ok, bad;
};

static void
many_cb(void *arg, const struct http_result *r)
{
	struct many *m = arg;

	m->done++;
	if (r->code == HTTP_OK && r->status == 200 && r->body_len > 0)
		m->ok++;
	else
		m->bad++;
}

static void
test_parallel(struct http *h)
{
	struct many m = {0};
	int i;
	char path[32];
	ev_tstamp t0 = ev_time();

	peer.max_open = peer.open_conns;
	for (i = 0; i < 1000; i++) {
		snprintf(path, sizeof path, "/n/%d", i);
		struct http_request rq = { .url = url(path), .timeout = 20 };
		http_start(h, &rq, many_cb, &m);
	}
	is_int((int)http_inflight(h), 1000, "1000 requests in flight");
	i = loopwait_until(loop, &m.done, 1000, 20);
	ok(i, "1000 parallel requests complete (%.2f s)", ev_time() - t0);
	is_int(m.ok, 1000, "all 1000 succeeded");
	is_int(m.bad, 0, "none failed");
	ok(peer.max_open <= 32, "per-host connection cap held (max %u open)", peer.max_open);
	is_int((int)http_inflight(h), 0, "nothing left in flight");
}

static void
test_free_inflight(void)
{
	char err[256];
	struct http *h2 = http_new(loop, NULL, err, sizeof err);
	struct rec x = {0}, y = {0};
	int dummy = 0;

	get(h2, "/slow", 10, &x);
	get(h2, "/slow", 10, &y);
	loopwait_until(loop, &dummy, 1, 0.1);
	http_free(h2);
	ok(x.calls == 1 && x.code == HTTP_ESHUTDOWN && y.calls == 1 && y.code == HTTP_ESHUTDOWN,
	   "http_free fails in-flight requests with HTTP_ESHUTDOWN, once each");
}

static void
test_pin_syntax(void)
{
	char err[256];

	is_int(http_pin_check("sha256//V4qveBviCscCHpyR6Riu+jVVwriOZVX4HcgpIjTuduc=", err,
	                      sizeof err), 0, "valid pin accepted");
	is_int(http_pin_check("sha256//V4qveBviCscCHpyR6Riu+jVVwriOZVX4HcgpIjTuduc=;"
	                      "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", err,
	                      sizeof err), 0, "pin list accepted");
	is_int(http_pin_check("md5//abc", err, sizeof err), -1, "bad pin refused");
	ok(strstr(err, "md5//abc") != NULL, "error names the pin: %s", err);
}

/* TLS via `openssl s_server`: the pin fetch and a pin mismatch message. */
static void
test_tls(struct http *h)
{
	char dir[] = "/tmp/ksys-test-http-XXXXXX", cmd[1024], crt[300], key[300], line[256];
	int pipefd[2], port = 0;
	pid_t pid;
	struct rec x = {0};
	char u[64];

	if (system("command -v openssl >/dev/null 2>&1") != 0 || !mkdtemp(dir)) {
		ok(1, "# SKIP openssl not installed");
		return;
	}
	snprintf(crt, sizeof crt, "%s/c.pem", dir);
	snprintf(key, sizeof key, "%s/k.pem", dir);
	snprintf(cmd, sizeof cmd, "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s "
	         "-out %s -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1", key, crt);
	if (system(cmd) != 0 || pipe(pipefd) == -1) {
		ok(0, "openssl req made a certificate");
		return;
	}
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		execlp("openssl", "openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", crt,
		       "-key", key, "-www", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	{
		/* bounded wait for the "ACCEPT 127.0.0.1:PORT" line (stderr) */
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		size_t got = 0;
		ssize_t n;
		char *a;

		line[0] = '\0';
		while (!port && poll(&pfd, 1, 10000) == 1 &&
		       (n = read(pipefd[0], line + got, sizeof line - 1 - got)) > 0) {
			got += (size_t)n;
			line[got] = '\0';
			a = strstr(line, "ACCEPT 127.0.0.1:");
			if (a && strchr(a, '\n'))
				port = atoi(a + 17);
		}
	}
	if (!port) {
		ok(0, "openssl s_server announced its port");
		goto out;
	}
	snprintf(u, sizeof u, "https://127.0.0.1:%d/", port);
	{
		struct http_request rq = { .url = u, .timeout = 5, .want_pin = 1 };
		http_start(h, &rq, rec_cb, &x);
		loopwait_until(loop, &x.calls, 1, 10);
	}
	ok(!strncmp(x.pin, "sha256//", 8) && strlen(x.pin) == 52, "pin fetched: %s", x.pin);
	snprintf(cmd, sizeof cmd, "openssl x509 -in %s -pubkey -noout | openssl pkey -pubin "
	         "-outform der | openssl dgst -sha256 -binary | base64", crt);
	{
		FILE *p = popen(cmd, "r");
		char want[128] = "sha256//";
		if (p && fgets(want + 8, sizeof want - 8, p))
			want[strcspn(want, "\n")] = '\0';
		if (p)
			pclose(p);
		is_str(x.pin, want, "fetched pin equals the certificate's key hash");
	}
	{
		char fetched[128];
		snprintf(fetched, sizeof fetched, "%s", x.pin);
		struct http_request rq = { .url = u, .timeout = 5, .pin = fetched };
		memset(&x, 0, sizeof x);
		http_start(h, &rq, rec_cb, &x);
		loopwait_until(loop, &x.calls, 1, 10);
		ok(x.code == HTTP_OK && x.status == 200, "right pin: request succeeds despite "
		   "the self-signed cert (%s)", x.err);

		struct http_request bad = { .url = u, .timeout = 5,
			.pin = "sha256//V4qveBviCscCHpyR6Riu+jVVwriOZVX4HcgpIjTuduc=" };
		memset(&x, 0, sizeof x);
		http_start(h, &bad, rec_cb, &x);
		loopwait_until(loop, &x.calls, 1, 10);
		is_int(x.code, HTTP_EPIN, "wrong pin: HTTP_EPIN");
		snprintf(line, sizeof line, "(got %s)", fetched);
		ok(strstr(x.err, "does not match the pinned sha256//V4qv") &&
		   strstr(x.err, line) && strstr(x.err, "127.0.0.1:"),
		   "message names address, pin and actual key: %s", x.err);

		struct http_request ver = { .url = u, .timeout = 5, .verify = 1 };
		memset(&x, 0, sizeof x);
		http_start(h, &ver, rec_cb, &x);
		loopwait_until(loop, &x.calls, 1, 10);
		is_int(x.code, HTTP_ETLS, "self-signed cert without pin or CA: HTTP_ETLS (%s)",
		       x.err);
		ver.ca_file = crt;
		memset(&x, 0, sizeof x);
		http_start(h, &ver, rec_cb, &x);
		loopwait_until(loop, &x.calls, 1, 10);
		ok(x.code == HTTP_OK, "with its CA file as trust anchor: verified (%s)",
		   x.err);
	}
out:
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	close(pipefd[0]);
	unlink(crt);
	unlink(key);
	rmdir(dir);
}

int
main(void)
{
	char err[256];
	struct http *h;

	signal(SIGPIPE, SIG_IGN);
	log_init("test_http", NULL, err, sizeof err);
	log_set_level("warn", err, sizeof err);
	loop = EV_DEFAULT;
	if (peer_start(&peer, loop, canned) == -1)
		skip_all("cannot listen on 127.0.0.1");

	h = http_new(loop, NULL, err, sizeof err);
	ok(h != NULL, "http_new: %s", h ? "ok" : err);
	if (!h)
		return done_testing();
	test_basic(h);
	test_keepalive(h);
	test_stale_keepalive(h);
	test_timeout(h);
	test_refused(h);
	test_cancel(h);
	test_parallel(h);
	test_free_inflight();
	test_pin_syntax();
	test_tls(h);
	http_free(h);
	return done_testing();
}
