/* mem — allocation that never returns NULL; see mem.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"

void *
mem_calloc_at(size_t n, size_t size, const char *file, int line)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		log_panic(file, line, "out of memory");
	return p;
}

void *
mem_reallocarray_at(void *p, size_t n, size_t size, const char *file, int line)
{
	if (size && n > SIZE_MAX / size)
		log_panic(file, line, "allocation overflow");
	p = realloc(p, n && size ? n * size : 1);
	if (!p)
		log_panic(file, line, "out of memory");
	return p;
}

char *
mem_strdup_at(const char *s, const char *file, int line)
{
	char *p = strdup(s ? s : "");

	if (!p)
		log_panic(file, line, "out of memory");
	return p;
}

char *
mem_strndup_at(const char *s, size_t n, const char *file, int line)
{
	char *p = strndup(s ? s : "", n);

	if (!p)
		log_panic(file, line, "out of memory");
	return p;
}
