/* ksysmgr — the administrator's command line, a thin client of ksysd.
 *
 * At this stage it parses the global options, checks the shape of the
 * command (ACTION CLASS [NAME[,NAME...]] [attr=value ...]) and connects to
 * ksysd's control socket.  ksysd does not serve that socket yet, so every
 * well-formed command ends with "cannot reach ksysd" (exit 3).  Not for the
 * action/class catalogue or its aliases: they arrive with the control
 * protocol.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define KSYSMGR_DEFAULT_SOCKET "/run/ksys/ksysd.sock"

enum exit_code {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
};

struct cmd {
	const char *socket;
	int verbose, timestamps, json;
	const char *action, *klass;
	const char *names;              /* NULL or "a,b,c" */
	char *const *attrs;             /* attr=value words */
	int n_attrs;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ksysmgr [-s SOCKET] [-v] [-t] [-o text|json] ACTION CLASS "
	    "[NAME[,NAME...]] [attr=value ...]\n"
	    "       ksysmgr -h | -?\n"
	    "\n"
	    "  -s SOCKET  ksysd control socket (default $KSYS_SOCKET, else %s)\n"
	    "  -v         verbose output (more attributes)\n"
	    "  -t         timestamps on progress lines\n"
	    "  -o FORMAT  text (default) or json\n"
	    "\n"
	    "examples: ksysmgr query hmc\n"
	    "          ksysmgr add hmc hmc1 login=hscroot password=... ip=10.0.0.5\n"
	    "          ksysmgr modify vm vm1,vm2 priority=high\n"
	    "\n"
	    "Exit status: 0 success, 1 request refused, 2 usage error, "
	    "3 ksysd unreachable.\n", KSYSMGR_DEFAULT_SOCKET);
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "ksysmgr: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: ksysmgr [-s SOCKET] [-v] [-t] [-o text|json] "
	        "ACTION CLASS [NAME[,NAME...]] [attr=value ...]\n"
	        "Run 'ksysmgr -h' for help.\n");
	return EXIT_USAGE;
}

static int
is_word(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* NAME[,NAME...]: no empty element, no '=' and no blanks. */
static int
is_name_list(const char *s)
{
	const char *p;
	int len = 0;

	for (p = s;; p++) {
		if (*p == ',' || *p == '\0') {
			if (len == 0)
				return 0;
			if (*p == '\0')
				return 1;
			len = 0;
			continue;
		}
		if (*p == '=' || *p == ' ' || *p == '\t' || *p == '\n')
			return 0;
		len++;
	}
}

/* Checks ACTION CLASS [NAMES] [attr=value ...]; fills c.  Returns EXIT_OK,
 * EXIT_USAGE after printing what is wrong, or -1 when -h/-? asked for help
 * (printed). */
static int
parse_command(int argc, char *const *argv, struct cmd *c)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "-?") == 0) {
			usage(stdout);
			return -1;
		}
	if (argc < 1) {
		fprintf(stderr, "ksysmgr: missing ACTION and CLASS\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	c->action = argv[0];
	if (!is_word(c->action))
		return usage_error("ACTION must be a word such as add, query or "
		                   "modify, got '%s'", c->action);
	if (argc < 2)
		return usage_error("missing CLASS after '%s' (e.g. hmc, host, vm, "
		                   "host_group)", c->action);
	c->klass = argv[1];
	if (!is_word(c->klass))
		return usage_error("CLASS must be a word such as hmc, host or vm, "
		                   "got '%s'", c->klass);
	i = 2;
	if (i < argc && !strchr(argv[i], '=')) {
		if (!is_name_list(argv[i]))
			return usage_error("NAME must be a name or a comma-separated "
			                   "list of names, got '%s'", argv[i]);
		c->names = argv[i++];
	}
	c->attrs = argv + i;
	for (; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq)
			return usage_error("expected attr=value, got '%s' (only one "
			                   "NAME list may follow CLASS)", argv[i]);
		if (eq == argv[i])
			return usage_error("attribute name missing in '%s'", argv[i]);
		c->n_attrs++;
	}
	return EXIT_OK;
}

/* Connects to the control socket.  ksysd does not serve it yet, so even a
 * successful connect ends here (no protocol to speak). */
static int
reach_daemon(const struct cmd *c)
{
	struct sockaddr_un sa;
	int fd, rc = EXIT_UNREACHABLE;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(c->socket) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "ksysmgr: socket path too long (at most %zu bytes): "
		        "%s\n", sizeof(sa.sun_path) - 1, c->socket);
		return EXIT_USAGE;
	}
	memcpy(sa.sun_path, c->socket, strlen(c->socket));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		fprintf(stderr, "ksysmgr: socket: %s\n", strerror(errno));
		return EXIT_UNREACHABLE;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		fprintf(stderr, "ksysmgr: cannot reach ksysd at %s: %s\n",
		        c->socket, strerror(errno));
		goto out;
	}
	fprintf(stderr, "ksysmgr: connected to %s, but this ksysmgr does not "
	        "speak the control protocol yet; '%s %s' was not sent\n",
	        c->socket, c->action, c->klass);
out:
	close(fd);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd c;
	const char *env;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	env = getenv("KSYS_SOCKET");
	c.socket = env && *env ? env : KSYSMGR_DEFAULT_SOCKET;
	opterr = 0;
	/* '+': options stop at ACTION, so attr values may start with '-' */
	while ((ch = getopt_long(argc, argv, "+s:vto:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (!*optarg)
				return usage_error("%s-s needs a socket path", "");
			c.socket = optarg;
			break;
		case 'v':
			c.verbose = 1;
			break;
		case 't':
			c.timestamps = 1;
			break;
		case 'o':
			if (strcmp(optarg, "json") == 0)
				c.json = 1;
			else if (strcmp(optarg, "text") == 0)
				c.json = 0;
			else
				return usage_error("-o takes text or json, got '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case '?':
			if (optopt == '?') {
				usage(stdout);
				return EXIT_OK;
			}
			if (optopt == 's' || optopt == 'o') {
				char o[3] = { '-', (char)optopt, '\0' };
				return usage_error("option %s needs an argument", o);
			}
			if (optopt) {
				char o[3] = { '-', (char)optopt, '\0' };
				return usage_error("unknown option '%s'", o);
			}
			return usage_error("unknown option '%s'", argv[optind - 1]);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	rc = parse_command(argc - optind, argv + optind, &c);
	if (rc == -1)
		return EXIT_OK;
	if (rc != EXIT_OK)
		return rc;
	return reach_daemon(&c);
}
