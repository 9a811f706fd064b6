/* test_buf — struct buf: growth, NUL termination, escaping, CDATA splitting. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "../tap.h"
#include "buf.h"

int
main(void)
{
	struct buf b = { 0 };
	char *s;
	int i;

	is_str(buf_str(&b), "", "zeroed buffer reads as empty string");
	is_int(b.len, 0, "zeroed buffer has len 0");

	buf_puts(&b, "abc");
	buf_putc(&b, 'd');
	buf_append(&b, "ef\0gh", 5);
	is_int(b.len, 9, "append counts embedded NUL bytes");
	ok(b.data[9] == '\0', "NUL after len");
	ok(memcmp(b.data, "abcdef\0gh", 9) == 0, "bytes appended in order");
	buf_reset(&b);
	is_int(b.len, 0, "reset empties");
	is_str(buf_str(&b), "", "reset leaves an empty string");
	ok(b.cap > 0, "reset keeps memory");

	for (i = 0; i < 10000; i++)
		buf_printf(&b, "%04d,", i % 10000);
	is_int(b.len, 50000, "50000 bytes through printf growth");
	ok(strncmp(b.data + 49995, "9999,", 5) == 0, "last record intact");
	ok(b.data[b.len] == '\0', "still NUL-terminated after growth");

	buf_reset(&b);
	buf_printf(&b, "%s-%d", "x", 42);
	{
		char big[5000];

		memset(big, 'z', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		buf_printf(&b, "[%s]", big);
	}
	is_int(b.len, 4 + 5001, "printf of a string larger than capacity");
	ok(b.data[4] == '[' && b.data[b.len - 1] == ']', "large printf framed");

	buf_consume(&b, 4);
	is_int(b.len, 5001, "consume drops the prefix");
	ok(b.data[0] == '[', "consume moves remaining data to the front");
	buf_consume(&b, b.len);
	is_str(buf_str(&b), "", "consume everything leaves empty");

	buf_reset(&b);
	buf_put_xml_escaped(&b, "a<b>&\"c\"'d'");
	is_str(buf_str(&b), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;", "xml escaping");

	buf_reset(&b);
	buf_put_cdata(&b, "plain");
	is_str(buf_str(&b), "<![CDATA[plain]]>", "cdata plain");
	buf_reset(&b);
	buf_put_cdata(&b, "a]]>b");
	is_str(buf_str(&b), "<![CDATA[a]]]]><![CDATA[>b]]>", "cdata splits ]]>");
	buf_reset(&b);
	buf_put_cdata(&b, "]]>]]>");
	is_str(buf_str(&b), "<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>",
	       "cdata splits consecutive ]]>");

	s = buf_steal(&b);
	ok(s != NULL && strncmp(s, "<![CDATA[", 9) == 0, "steal returns the data");
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "steal leaves an empty buffer");
	free(s);
	s = buf_steal(&b);
	is_str(s, "", "steal of an empty buffer returns \"\"");
	free(s);

	buf_puts(&b, "x");
	buf_free(&b);
	ok(b.data == NULL && b.len == 0, "free leaves a valid empty buffer");
	buf_puts(&b, "again");
	is_str(buf_str(&b), "again", "usable after free");
	buf_free(&b);
	{
		char path[] = "/tmp/test_buf.XXXXXX", err[256] = "";
		int fd = mkstemp(path);
		struct buf f = { 0 };

		ok(fd != -1 && write(fd, "hello file\n", 11) == 11, "temp file written");
		close(fd);
		buf_puts(&f, ">");
		ok(buf_read_file(&f, path, 100, err, sizeof err) == 0, "buf_read_file reads");
		is_str(buf_str(&f), ">hello file\n", "content appended after what was there");
		ok(buf_read_file(&f, path, 5, err, sizeof err) == -1, "over max refused");
		ok(strstr(err, path) && strstr(err, "larger than 5 bytes"), "error names file and limit: %s", err);
		is_str(buf_str(&f), ">hello file\n", "buffer unchanged after a refused read");
		unlink(path);
		ok(buf_read_file(&f, path, 100, err, sizeof err) == -1 &&
		   strstr(err, "No such file"), "missing file reported: %s", err);
		buf_free(&f);
	}
	return done_testing();
}
