/* ksysmgr — the administrator's command line, a thin client of ksysd.
 *
 * It picks the control socket (-s, $KSYS_SOCKET, the default), forwards its
 * other arguments unchanged in the KSYS1 framing (src/ksysd/ctl.h), copies
 * the reply's O/P lines to stdout and E lines to stderr, and exits with the
 * status ksysd sends.  Not for the grammar: ksysd parses it (cmd.c), so the
 * aliases, help and checks live in one place.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define KSYSMGR_DEFAULT_SOCKET "/run/ksys/ksysd.sock"
#define MAX_ARGS               256

enum exit_code {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ksysmgr [-s SOCKET] [-v] [-t] [-o text|json] ACTION CLASS "
	    "[NAME[,NAME...]] [attr=value ...]\n"
	    "       ksysmgr [ACTION [CLASS]] -h | -?\n"
	    "\n"
	    "  -s SOCKET  ksysd control socket (default $KSYS_SOCKET, else %s)\n"
	    "  -v         verbose output (more attributes)\n"
	    "  -t         timestamps on progress lines\n"
	    "  -o FORMAT  text (default) or json\n"
	    "\n"
	    "The actions, classes and aliases are listed by 'ksysmgr -h' while\n"
	    "ksysd runs.\n"
	    "Exit status: 0 success, 1 request refused, 2 usage error, "
	    "3 ksysd unreachable.\n", KSYSMGR_DEFAULT_SOCKET);
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Sends the request; -1 on a write error. */
static int
send_request(int fd, int argc, char **argv)
{
	char head[32];
	int i;

	snprintf(head, sizeof(head), "KSYS1 %d\n", argc);
	if (write_all(fd, head, strlen(head)) == -1)
		return -1;
	for (i = 0; i < argc; i++) {
		snprintf(head, sizeof(head), "%zu:", strlen(argv[i]));
		if (write_all(fd, head, strlen(head)) == -1 ||
		    write_all(fd, argv[i], strlen(argv[i])) == -1 ||
		    write_all(fd, "\n", 1) == -1)
			return -1;
	}
	return 0;
}

/* Copies the reply; returns the S status or EXIT_UNREACHABLE on EOF first. */
static int
read_reply(int fd, const char *sock)
{
	char buf[8192], *line = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int status = -1;

	while (status == -1) {
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "ksysmgr: ksysd closed the connection at %s "
			        "before the end of its reply%s%s\n", sock,
			        n == -1 ? ": " : "", n == -1 ? strerror(errno) : "");
			free(line);
			return EXIT_UNREACHABLE;
		}
		for (ssize_t i = 0; i < n && status == -1; i++) {
			if (len + 1 >= cap) {
				char *nl = realloc(line, cap ? cap * 2 : 256);
				if (!nl) {
					fprintf(stderr, "ksysmgr: out of memory\n");
					free(line);
					return EXIT_UNREACHABLE;
				}
				line = nl;
				cap = cap ? cap * 2 : 256;
			}
			if (buf[i] != '\n') {
				line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			if (len >= 2 && line[1] == ' ' && (line[0] == 'O' || line[0] == 'P')) {
				fputs(line + 2, stdout);
				fputc('\n', stdout);
				if (line[0] == 'P')
					fflush(stdout);
			} else if (len >= 2 && line[1] == ' ' && line[0] == 'E') {
				fflush(stdout);
				fprintf(stderr, "%s\n", line + 2);
			} else if (len >= 3 && line[0] == 'S' && line[1] == ' ') {
				status = atoi(line + 2);
			}
			len = 0;
		}
		/* what one read brought is shown now: `monitor=yes` streams into
		 * pipes and files too */
		fflush(stdout);
	}
	free(line);
	fflush(stdout);
	return status;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sa;
	const char *env, *sock;
	char **fwd;
	int i, nfwd = 0, fd, rc, only_help = 1;

	signal(SIGPIPE, SIG_IGN);
	env = getenv("KSYS_SOCKET");
	sock = env && *env ? env : KSYSMGR_DEFAULT_SOCKET;
	if (argc < 2) {
		fprintf(stderr, "ksysmgr: missing ACTION and CLASS\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (argc - 1 > MAX_ARGS) {
		fprintf(stderr, "ksysmgr: too many arguments (at most %d)\n", MAX_ARGS);
		return EXIT_USAGE;
	}
	fwd = calloc((size_t)argc, sizeof(*fwd));
	if (!fwd)
		return EXIT_UNREACHABLE;
	/* -s is ours, among the leading options; everything else is forwarded */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-s") == 0 || strncmp(argv[i], "-s", 2) == 0) {
			const char *v = argv[i][2] ? argv[i] + 2 : (i + 1 < argc ? argv[++i] : "");
			if (!*v) {
				fprintf(stderr, "ksysmgr: option -s needs a socket path\n");
				free(fwd);
				return EXIT_USAGE;
			}
			sock = v;
			continue;
		}
		if (argv[i][0] != '-' || strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") && strcmp(argv[i], "-?") && strcmp(argv[i], "--help"))
			only_help = 0;
		fwd[nfwd++] = argv[i];
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			fwd[nfwd++] = argv[++i];
	}
	if (i < argc)
		only_help = 0;
	for (; i < argc; i++)
		fwd[nfwd++] = argv[i];

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "ksysmgr: socket path too long (at most %zu bytes): %s\n",
		        sizeof(sa.sun_path) - 1, sock);
		free(fwd);
		return EXIT_USAGE;
	}
	memcpy(sa.sun_path, sock, strlen(sock));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		if (only_help && nfwd > 0) {    /* plain -h works without ksysd */
			usage(stdout);
			rc = EXIT_OK;
		} else {
			fprintf(stderr, "ksysmgr: cannot reach ksysd at %s: %s\n", sock,
			        strerror(errno));
			rc = EXIT_UNREACHABLE;
		}
		goto out;
	}
	/* a refused peer may be answered before the request is written: read
	 * the reply even when writing failed */
	(void)send_request(fd, nfwd, fwd);
	rc = read_reply(fd, sock);
out:
	if (fd != -1)
		close(fd);
	free(fwd);
	return rc;
}
