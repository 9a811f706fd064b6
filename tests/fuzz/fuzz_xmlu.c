/* fuzz_xmlu — libFuzzer target for xmlu_parse and the lookup helpers.
 *
 * Parses the input as an HMC reply would be parsed, then walks the tree with
 * the same calls the HMC code makes (path, find, next, text, attr, numbers).
 * Corpus: tests/fuzz/corpus/xmlu/.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xmlu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(xmlNodePtr root)
{
	static const char *const names[] = {
		"entry", "content", "id", "PartitionName", "Status", "JobResponse",
		"totalResults", "Mem", NULL,
	};
	char out[64];
	long long v;
	double d;
	xmlNodePtr n;
	char *s;
	int i;

	for (i = 0; names[i]; i++) {
		for (n = xmlu_find(root, names[i]); n; n = xmlu_next(n, names[i])) {
			xmlu_text(n, out, sizeof out);
			xmlu_attr(n, "type", out, sizeof out);
			xmlu_attr(n, "kb", out, 1);
			s = xmlu_text_dup(n);
			free(s);
		}
	}
	xmlu_path_text(root, "entry/content/JobResponse/Status", out, sizeof out);
	xmlu_path_long(root, "entry/id", &v);
	xmlu_path_double(root, "Mem/Desired", &d);
	xmlu_path(root, "//a/b//c/");
	xmlu_child(root, "link");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	xmlDocPtr doc;

	xmlu_init();
	doc = xmlu_parse((const char *)data, size, "fuzz", err, sizeof err);
	if (!doc)
		return 0;
	walk(xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	return 0;
}
