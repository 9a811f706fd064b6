/* hmcsim — simulator of IBM HMCs (REST API) and the Power estate behind them.
 *
 * main parses the command line, builds the world from a topology (a Lua file
 * or the built-in default), starts one HTTPS listener per HMC, the control
 * socket and the fault timeline, prints one "hmcsim ready ..." line and runs
 * the loop until SIGINT/SIGTERM.  `hmcsim ctl SOCKET CMD...` is the control
 * client.  Not for any simulation logic itself.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simctl.h"
#include "faults.h"
#include "httpd.h"
#include "log.h"
#include "loop.h"
#include "netaddr.h"
#include "tls.h"
#include "topo.h"
#include "tscale.h"
#include "world.h"

#define HMCSIM_VERSION "0.1"
#define DEFAULT_PORT 12443
#define DEFAULT_STATE_DIR "./hmcsim-state"

struct opts {
	const char *topology, *listen, *cert, *key, *ctl, *state_dir, *netdev;
	int verbose, check;
};

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: hmcsim [-c TOPOLOGY.lua] [-l ADDR:PORT] [--cert FILE --key FILE]\n"
	        "              [--ctl SOCKET] [--time-scale N] [--state-dir DIR]\n"
	        "              [--ping-netdev DEV] [-v]\n"
	        "       hmcsim -t [-c TOPOLOGY.lua]\n"
	        "       hmcsim ctl SOCKET CMD [ARGS...]\n");
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "hmcsim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	usage(stderr);
	return 2;
}

/* "ADDR:PORT" or "[V6ADDR]:PORT" -> addr, port.  0 or -1. */
static int
parse_listen(const char *s, char *addr, size_t alen, int *port)
{
	const char *colon, *a = s;
	size_t n;
	unsigned char tmp[16];
	char *end;
	long p;

	if (*s == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':')
			return -1;
		a = s + 1;
		n = (size_t)(rb - a);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		n = (size_t)(colon - s);
	}
	if (n == 0 || n >= alen)
		return -1;
	memcpy(addr, a, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, tmp) != 1 && inet_pton(AF_INET6, addr, tmp) != 1)
		return -1;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || p < 0 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

/* mkdir -p with mode 0700 for what it creates. */
static int
make_dir(const char *path, char *err, size_t errlen)
{
	char tmp[4096];
	struct stat st;
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof tmp) {
		snprintf(err, errlen, "state directory path is empty or too long");
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %.512s: %s", tmp, strerror(errno));
			return -1;
		}
		tmp[i] = path[i];
	}
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%.512s is not a directory", path);
		return -1;
	}
	return 0;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	enum { O_CERT = 256, O_KEY, O_CTL, O_SCALE, O_STATE, O_NETDEV };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "topology", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "cert", required_argument, NULL, O_CERT },
		{ "key", required_argument, NULL, O_KEY },
		{ "ctl", required_argument, NULL, O_CTL },
		{ "time-scale", required_argument, NULL, O_SCALE },
		{ "state-dir", required_argument, NULL, O_STATE },
		{ "ping-netdev", required_argument, NULL, O_NETDEV },
		{ "verbose", no_argument, NULL, 'v' },
		{ "check", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char err[256];
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:l:vthV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->topology = optarg; break;
		case 'l': o->listen = optarg; break;
		case O_CERT: o->cert = optarg; break;
		case O_KEY: o->key = optarg; break;
		case O_CTL: o->ctl = optarg; break;
		case O_STATE: o->state_dir = optarg; break;
		case O_NETDEV: o->netdev = optarg; break;
		case O_SCALE:
			if (tscale_parse(optarg, err, sizeof err) == -1)
				return usage_error("%s", err);
			break;
		case 'v': o->verbose++; break;
		case 't': o->check = 1; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("hmcsim %s\n", HMCSIM_VERSION); exit(0);
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if ((o->cert != NULL) != (o->key != NULL))
		return usage_error("%s", "--cert and --key go together");
	if (!o->state_dir)
		o->state_dir = DEFAULT_STATE_DIR;
	return 0;
}

static int
set_ports(struct world *w, const char *listen)
{
	char addr[64];
	int port = DEFAULT_PORT;
	size_t i;

	if (listen && parse_listen(listen, addr, sizeof addr, &port) == -1)
		return usage_error("-l wants ADDR:PORT (e.g. 127.0.0.1:12443 or "
		                   "[::1]:12443), got '%s'", listen);
	if (port && (size_t)port + w->n_hmcs - 1 > 65535)
		return usage_error("-l port %s leaves no room for one port per HMC", listen);
	for (i = 0; i < w->n_hmcs; i++) {
		struct sim_hmc *h = &w->hmcs[i];
		if (listen) {
			snprintf(h->addr, sizeof h->addr, "%s", addr);
			h->port = port ? port + (int)i : 0;
		} else if (h->port == SIMTOPO_PORT_UNSET) {
			h->port = DEFAULT_PORT + (int)i;
		}
	}
	return 0;
}

static void
print_ready(struct world *w, const char *ctl_path)
{
	size_t i;

	printf("hmcsim ready ctl=%s", ctl_path);
	for (i = 0; i < w->n_hmcs; i++) {
		const struct sim_hmc *h = &w->hmcs[i];
		if (strchr(h->addr, ':'))
			printf(" %s=[%s]:%d", h->name, h->addr, h->port);
		else
			printf(" %s=%s:%d", h->name, h->addr, h->port);
	}
	printf("\n");
	fflush(stdout);
}

/* The health databases of an earlier run (hsdb-N.db and their WAL files)
 * go: clusters are learnt again from this run's requests. */
static void
clean_hsdb(const char *dir)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "hsdb-", 5) != 0 || !strstr(e->d_name, ".db"))
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path &&
		    unlink(path) == -1)
			fprintf(stderr, "hmcsim: cannot remove %s: %s\n", path, strerror(errno));
	}
	closedir(d);
}

static int
run(struct opts *o)
{
	char err[1024], cert[4096], key[4096], ctl_path[4096];
	struct simfault_event *events = NULL;
	struct simfault_timeline *tl = NULL;
	struct simhttp *http = NULL;
	struct simctl *ctl = NULL;
	struct ev_loop *loop;
	struct world *w = NULL;
	size_t n_events = 0, i;
	int rc = 1, r;

	loop = o->check ? NULL : loop_init(NULL);
	w = world_new(loop);
	if (!w) {
		fprintf(stderr, "hmcsim: out of memory\n");
		goto out;
	}
	err[0] = '\0';
	r = o->topology ? simtopo_load_file(w, o->topology, &events, &n_events, err,
	                                    sizeof err) :
	    simtopo_load_default(w, &events, &n_events, err, sizeof err);
	if (r == -1) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (o->check) {
		size_t nv = 0;
		for (i = 0; i < w->n_lpars; i++)
			nv += w->lpars[i].is_vios != 0;
		printf("%s: OK: %zu HMCs, %zu hosts, %zu VIOSs, %zu LPARs, %zu disks, "
		       "%zu timeline events\n", o->topology ? o->topology : "default topology",
		       w->n_hmcs, w->n_hosts, nv, w->n_lpars - nv, w->n_disks, n_events);
		rc = 0;
		goto out;
	}
	if ((r = set_ports(w, o->listen)) != 0) {
		rc = r;
		goto out;
	}
	if (make_dir(o->state_dir, err, sizeof err) == -1) {
		fprintf(stderr, "hmcsim: %s\n", err);
		goto out;
	}
	snprintf(w->state_dir, sizeof w->state_dir, "%s", o->state_dir);
	clean_hsdb(o->state_dir);
	if (o->netdev && simnet_start(w, o->netdev, err, sizeof err) == -1) {
		fprintf(stderr, "hmcsim: %s\n", err);
		goto out;
	}
	if (o->cert) {
		snprintf(cert, sizeof cert, "%s", o->cert);
		snprintf(key, sizeof key, "%s", o->key);
	} else if (simtls_ensure(o->state_dir, cert, sizeof cert, key, sizeof key, err,
	                         sizeof err) == -1) {
		fprintf(stderr, "hmcsim: %s\n", err);
		goto out;
	}
	http = simhttp_new(w, cert, key, err, sizeof err);
	if (!http) {
		fprintf(stderr, "hmcsim: %s\n", err);
		goto out;
	}
	for (i = 0; i < w->n_hmcs; i++)
		if (simhttp_start_hmc(http, &w->hmcs[i], err, sizeof err) == -1) {
			fprintf(stderr, "hmcsim: HMC %s: %s\n", w->hmcs[i].name, err);
			goto out;
		}
	snprintf(ctl_path, sizeof ctl_path, "%s", o->ctl ? o->ctl : "");
	if (!o->ctl && (size_t)snprintf(ctl_path, sizeof ctl_path, "%s/hmcsim.sock",
	                                o->state_dir) >= sizeof ctl_path) {
		fprintf(stderr, "hmcsim: state directory path too long\n");
		goto out;
	}
	ctl = simctl_new(w, ctl_path, err, sizeof err);
	if (!ctl) {
		fprintf(stderr, "hmcsim: %s\n", err);
		goto out;
	}
	tl = simfault_timeline_start(w, events, n_events);
	if (!tl) {
		fprintf(stderr, "hmcsim: out of memory\n");
		goto out;
	}
	log_msg(LOGL_INFO, "main", "event=ready hmcs=%zu hosts=%zu lpars=%zu "
	        "timeline=%zu time_scale=%g ctl=%s", w->n_hmcs, w->n_hosts, w->n_lpars,
	        n_events, tscale_get(), ctl_path);
	print_ready(w, ctl_path);
	ev_run(loop, 0);
	log_msg(LOGL_INFO, "main", "event=stopping double_starts=%llu",
	        w->ctr.double_starts);
	rc = 0;
out:
	simfault_timeline_free(tl);
	simctl_free(ctl);
	simhttp_free(http);
	world_free(w);
	free(events);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	char err[256];
	int rc;

	if (argc >= 2 && strcmp(argv[1], "ctl") == 0) {
		if (argc < 4) {
			fprintf(stderr, "hmcsim ctl: %s\n", argc < 3 ? "missing SOCKET" :
			        "missing CMD (try 'help')");
			usage(stderr);
			return 2;
		}
		return simctl_client(argv[2], argc - 3, argv + 3);
	}
	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc;
	if (log_init("hmcsim", NULL, err, sizeof err) == -1)
		fprintf(stderr, "hmcsim: %s\n", err);
	if (o.verbose)
		log_set_level("debug", err, sizeof err);
	return run(&o);
}
