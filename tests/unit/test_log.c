/* test_log — line format, level filtering, category overrides, file output. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "log.h"

static char dir[] = "/tmp/ksys-test-log-XXXXXX";
static char path[256];

static char *
slurp(void)
{
	static char data[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd == -1 ? -1 : read(fd, data, sizeof data - 1);

	if (fd != -1)
		close(fd);
	data[n > 0 ? n : 0] = '\0';
	return data;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* "2026-11-21T10:00:00.123Z " checked character by character. */
static int
stamp_ok(const char *s)
{
	const char *pat = "dddd-dd-ddTdd:dd:dd.dddZ ";
	int i;

	for (i = 0; pat[i]; i++) {
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return 0;
	}
	return 1;
}

int
main(void)
{
	char err[256], expect[128];
	struct stat st;
	const char *s, *line2;

	if (!mkdtemp(dir))
		skip_all("mkdtemp failed");
	snprintf(path, sizeof path, "%s/tprog.log", dir);

	is_int(log_init("tprog", dir, err, sizeof err), 0, "log_init with a dir");
	ok(stat(path, &st) == 0, "DIR/PROG.log created");
	is_int(st.st_mode & 0777, 0600, "log file mode 0600");

	log_msg(LOGL_INFO, "hmc", "event=logon hmc=%s", "hmc1");
	s = slurp();
	ok(stamp_ok(s), "line starts with an ISO-8601 UTC timestamp with ms");
	snprintf(expect, sizeof expect, "tprog[%ld] level=info cat=hmc event=logon hmc=hmc1\n",
	         (long)getpid());
	is_str(s + 25, expect, "prefix and caller text");

	log_msg(LOGL_DEBUG, "hmc", "event=hidden");
	is_int(count_lines(slurp()), 1, "debug filtered at default level info");
	ok(!log_enabled(LOGL_DEBUG, "hmc"), "log_enabled(debug) false by default");
	ok(log_enabled(LOGL_ERROR, "hmc"), "log_enabled(error) true");

	is_int(log_set_level("warn,http=debug", err, sizeof err), 0, "spec with override");
	ok(log_enabled(LOGL_DEBUG, "http"), "override enables debug for http");
	ok(!log_enabled(LOGL_INFO, "hmc"), "info now filtered elsewhere");
	ok(log_enabled(LOGL_WARN, "hmc"), "warn passes");
	log_msg(LOGL_DEBUG, "http", "event=req n=1");
	log_msg(LOGL_INFO, "hmc", "event=dropped");
	log_msg(LOGL_ERROR, "hmc", "event=multi line=\"a\nb\"");
	s = slurp();
	is_int(count_lines(s), 3, "two more lines written");
	ok(strstr(s, "level=debug cat=http event=req n=1\n") != NULL, "debug line for http");
	ok(strstr(s, "event=dropped") == NULL, "filtered line absent");
	ok(strstr(s, "level=error cat=hmc event=multi line=\"a b\"\n") != NULL,
	   "embedded newline flattened into one record");

	is_int(log_set_level("info,http=verbose", err, sizeof err), -1, "bad override level");
	ok(strstr(err, "'verbose'") != NULL, "error names the bad word: %s", err);
	is_int(log_set_level("loud", err, sizeof err), -1, "bad global level");
	ok(strstr(err, "'loud'") != NULL, "error names the bad word: %s", err);
	ok(log_enabled(LOGL_DEBUG, "http"), "failed spec leaves the old settings");
	is_int(log_set_level("debug", err, sizeof err), 0, "plain level");
	ok(log_enabled(LOGL_DEBUG, "x"), "debug everywhere");
	is_str(log_level_name(LOGL_NOTICE), "notice", "level name");

	{
		char big[10000];

		memset(big, 'q', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		log_msg(LOGL_INFO, "big", "v=%s", big);
		s = slurp();
		line2 = strstr(s, "cat=big v=");
		ok(line2 && strlen(line2) == strlen("cat=big v=") + 9999 + 1 &&
		   line2[strlen(line2) - 1] == '\n', "a 10 KB line is written whole");
	}

	unlink(path);
	log_reopen();
	log_msg(LOGL_INFO, "x", "event=after_rotate");
	s = slurp();
	ok(strstr(s, "event=after_rotate") != NULL && count_lines(s) == 1,
	   "log_reopen creates a fresh file");

	is_int(log_init("tprog", "/nonexistent/dir", err, sizeof err), -1,
	       "unopenable dir fails");
	ok(strstr(err, "/nonexistent/dir/tprog.log") != NULL, "error names the path");
	log_close();
	unlink(path);
	rmdir(dir);
	return done_testing();
}
