/* test_xmlu — namespace-blind lookups and refusal of hostile XML. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "buf.h"
#include "xmlu.h"

static char err[512];

static xmlDocPtr
parse(const char *s)
{
	err[0] = '\0';
	return xmlu_parse(s, strlen(s), "test input", err, sizeof err);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char atom[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:ns2=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
	"  <id>feed-1</id>\n"
	"  <entry>\n"
	"    <id>e1</id>\n"
	"    <content type='application/vnd.ibm.powervm.uom+xml; type=LogicalPartition'>\n"
	"      <LogicalPartition:LogicalPartition xmlns:LogicalPartition=\"http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/\" schemaVersion=\"V1_0\">\n"
	"        <PartitionName kb=\"CUR\" kxe=\"false\">  lpar one  </PartitionName>\n"
	"        <PartitionID>7</PartitionID>\n"
	"        <Mem><Desired>4096.5</Desired></Mem>\n"
	"        <Note><![CDATA[ a <raw> & text ]]></Note>\n"
	"        <Bad>12x</Bad>\n"
	"      </LogicalPartition:LogicalPartition>\n"
	"    </content>\n"
	"  </entry>\n"
	"  <entry><id>e2</id></entry>\n"
	"  <ns2:totalResults>2</ns2:totalResults>\n"
	"</feed>\n";

static void
test_lookups(void)
{
	xmlDocPtr doc = parse(atom);
	xmlNodePtr root, e, lpar, n;
	char out[256], small[5];
	long long v;
	double d;
	char *dup;

	ok(doc != NULL, "atom feed parses (%s)", err);
	if (!doc)
		return;
	root = xmlDocGetRootElement(doc);
	ok(xmlu_is(root, "feed"), "root is feed (default namespace)");
	e = xmlu_child(root, "entry");
	ok(e != NULL, "first entry found");
	lpar = xmlu_path(e, "content/LogicalPartition");
	ok(lpar != NULL, "path through a prefixed element");
	ok(xmlu_path(root, "/entry//content/") == xmlu_child(e, "content"), "empty path segments ignored");
	is_int(xmlu_text(xmlu_child(lpar, "PartitionName"), out, sizeof out), 8,
	       "text length after trimming");
	is_str(out, "lpar one", "text is trimmed");
	is_int(xmlu_path_text(e, "content/LogicalPartition/PartitionName", small,
	                      sizeof small), 8, "truncated copy returns the full length");
	is_str(small, "lpar", "truncated copy is NUL-terminated");
	is_int(xmlu_path_text(e, "content/Nope", out, sizeof out), -1, "absent path");
	is_str(out, "", "absent path gives empty text");
	ok(xmlu_find(root, "totalResults") != NULL, "prefixed element found by local name");
	ok(xmlu_find(root, "Desired") != NULL, "deep find");
	ok(xmlu_find(root, "feed") == NULL, "find excludes the start node");
	ok(xmlu_find(xmlu_child(root, "id"), "entry") == NULL,
	   "find stays inside the start node");
	is_int(xmlu_path_long(lpar, "PartitionID", &v), 0, "integer text");
	is_int(v, 7, "integer value");
	is_int(xmlu_path_long(lpar, "Bad", &v), -1, "garbage integer refused");
	is_int(xmlu_path_long(lpar, "Missing", &v), -1, "absent integer refused");
	is_int(xmlu_path_double(lpar, "Mem/Desired", &d), 0, "double text");
	ok(d == 4096.5, "double value");
	is_int(xmlu_path_long(lpar, "Mem/Desired", &v), -1, "double is not an integer");
	is_int(xmlu_path_text(lpar, "Note", out, sizeof out), 14, "CDATA length");
	is_str(out, "a <raw> & text", "CDATA content kept verbatim and trimmed");
	n = xmlu_next(e, "entry");
	ok(n != NULL, "next sibling entry");
	is_int(xmlu_path_text(n, "id", out, sizeof out), 2, "second entry id");
	is_str(out, "e2", "second entry id text");
	ok(xmlu_next(n, "entry") == NULL, "no third entry");
	is_int(xmlu_attr(xmlu_child(e, "content"), "type", out, sizeof out), 58,
	       "single-quoted attribute");
	is_str(out, "application/vnd.ibm.powervm.uom+xml; type=LogicalPartition",
	       "attribute value");
	is_int(xmlu_attr(lpar, "schemaVersion", out, sizeof out), 4, "double-quoted attribute");
	is_str(out, "V1_0", "attribute value (double quotes)");
	is_int(xmlu_attr(lpar, "missing", out, sizeof out), -1, "absent attribute");
	dup = xmlu_text_dup(xmlu_child(root, "id"));
	is_str(dup, "feed-1", "text_dup");
	free(dup);
	ok(xmlu_text_dup(NULL) == NULL, "text_dup(NULL)");
	is_int(xmlu_text(NULL, out, sizeof out), -1, "text(NULL) is -1");
	xmlFreeDoc(doc);

	doc = parse("<a:x xmlns:a='u1' xmlns:b='u2' b:attr=\"v&amp;w\"><b:y>1</b:y><y>2</y></a:x>");
	ok(doc != NULL, "mixed prefixes parse");
	if (doc) {
		root = xmlDocGetRootElement(doc);
		is_int(xmlu_attr(root, "attr", out, sizeof out), 3, "prefixed attribute by local name");
		is_str(out, "v&w", "predefined entity decoded in attribute");
		is_int(xmlu_path_text(root, "y", out, sizeof out), 1, "first y regardless of ns");
		is_str(out, "1", "first y is the prefixed one");
		xmlFreeDoc(doc);
	}
	doc = parse("<WrongRoot><x>1</x></WrongRoot>");
	ok(doc != NULL && xmlu_is(xmlDocGetRootElement(doc), "WrongRoot"),
	   "unexpected root still parses (the caller decides)");
	xmlFreeDoc(doc);
}

static void
test_hostile(void)
{
	char dir[] = "/tmp/ksys-test-xmlu-XXXXXX", fifo[300], doc_s[1024];
	xmlDocPtr doc;
	double t0;
	struct buf b = { 0 };
	char *big;
	size_t i;

	doc = parse("<feed>\n  <entry>\n    <id>1</id>\n  </entr");
	ok(doc == NULL, "truncated XML refused");
	ok(strncmp(err, "test input: line ", 17) == 0 && strstr(err, " col ") != NULL,
	   "error names input, line and column: %s", err);

	doc = parse("<a>\n<b></a>");
	ok(doc == NULL, "mismatched tags refused");
	ok(strncmp(err, "test input: line 2 col ", 23) == 0 &&
	   strstr(err, "mismatch") != NULL && err[strlen(err) - 1] != '\n',
	   "mismatch message without trailing newline: %s", err);

	/* The external entity points at a FIFO: opening it would block, and
	 * the alarm below would fail the test. */
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(fifo, sizeof fifo, "%s/secret", dir);
	ok(mkfifo(fifo, 0600) == 0, "fifo created");
	alarm(10);
	snprintf(doc_s, sizeof doc_s,
	         "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n<!ENTITY x SYSTEM \"file://%s\">\n]>\n"
	         "<r>&x;</r>", fifo);
	doc = parse(doc_s);
	ok(doc == NULL, "DOCTYPE with an external entity refused");
	ok(strstr(err, "DOCTYPE not allowed") != NULL, "message says DOCTYPE: %s", err);
	snprintf(doc_s, sizeof doc_s, "<!DOCTYPE r SYSTEM \"file://%s\"><r/>", fifo);
	doc = parse(doc_s);
	ok(doc == NULL && strstr(err, "DOCTYPE not allowed") != NULL,
	   "external DTD refused and never opened");
	doc = parse("<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/x.dtd\"><r/>");
	ok(doc == NULL && strstr(err, "DOCTYPE not allowed") != NULL, "network DTD refused");
	alarm(0);
	unlink(fifo);
	rmdir(dir);

	t0 = now_s();
	doc = parse("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
	            " <!ENTITY lol \"lol\">\n"
	            " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	            " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	            " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	            " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	            " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	            " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	            " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	            " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	            " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
	            "]>\n<lolz>&lol9;</lolz>");
	ok(doc == NULL && strstr(err, "DOCTYPE not allowed") != NULL,
	   "billion laughs refused");
	ok(now_s() - t0 < 1.0, "billion laughs refused quickly");

	doc = parse("<r>&lol;</r>");
	ok(doc == NULL && strstr(err, "lol") != NULL, "undeclared entity is an error: %s", err);

	buf_puts(&b, "<r a=\"");
	for (i = 0; i < 1024 * 1024; i++)
		buf_putc(&b, (char)('a' + i % 26));
	buf_puts(&b, "\"/>");
	doc = xmlu_parse(b.data, b.len, "big", err, sizeof err);
	ok(doc != NULL, "1 MB attribute value parses (%s)", doc ? "" : err);
	if (doc) {
		char out[8];

		is_int(xmlu_attr(xmlDocGetRootElement(doc), "a", out, sizeof out), 1024 * 1024,
		       "1 MB attribute length reported");
		is_str(out, "abcdefg", "1 MB attribute truncated copy");
		xmlFreeDoc(doc);
	}
	buf_free(&b);

	big = malloc(16);
	memcpy(big, "<r/>", 5);
	doc = xmlu_parse(big, (size_t)XMLU_MAX_INPUT + 1, "huge", err, sizeof err);
	ok(doc == NULL && strstr(err, "too large") != NULL,
	   "input over the cap refused before reading: %s", err);
	free(big);

	doc = xmlu_parse("\xff\xfe\x00<\x80\x81garbage\xc3", 12, "garbage", err, sizeof err);
	ok(doc == NULL && strncmp(err, "garbage: ", 9) == 0, "binary garbage: %s", err);
	doc = parse("<r>\xc3\x28 bad utf8</r>");
	ok(doc == NULL && strstr(err, "UTF-8") != NULL && !strchr(err, '\n'),
	   "invalid UTF-8 refused, one-line message: %s", err);
	doc = xmlu_parse("", 0, "empty", err, sizeof err);
	ok(doc == NULL && strncmp(err, "empty: ", 7) == 0, "empty input refused: %s", err);
}

int
main(void)
{
	xmlu_init();
	xmlu_init();
	test_lookups();
	test_hostile();
	xmlCleanupParser();
	return done_testing();
}
