/* replay — a plain main for fuzz targets: runs LLVMFuzzerTestOneInput over
 * the files named on the command line (directories are read one level deep,
 * in name order) and prints TAP.  `make check` uses it so the corpus is
 * replayed without clang; `make fuzz` links libFuzzer's main instead.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xmlu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ran;

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL, *np;
	size_t len = 0, cap = 0, n;

	if (!f) {
		printf("not ok %d - replay %s (cannot open)\n", ++ran, path);
		return;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			np = realloc(data, cap);
			if (!np)
				break;
			data = np;
		}
		n = fread(data + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data ? data : (const uint8_t *)"", len);
	free(data);
	printf("ok %d - replay %s\n", ++ran, path);
	fflush(stdout);
}

static void
replay_dir(const char *dir)
{
	struct dirent *de;
	char **names = NULL, **nn, path[4096];
	size_t count = 0, cap = 0, i;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof *names);
			if (!nn)
				break;
			names = nn;
		}
		names[count] = strdup(de->d_name);
		if (names[count])
			count++;
	}
	closedir(d);
	if (count)
		qsort(names, count, sizeof *names, cmp_names);
	for (i = 0; i < count; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			replay_file(path);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i;

	xmlu_init();
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	if (ran == 0) {
		printf("1..0 # SKIP no corpus\n");
		return 0;
	}
	printf("1..%d\n", ran);
	return 0;
}
