/* mem — allocation that never returns NULL.
 *
 * The daemons treat running out of memory as fatal (like Redis): these
 * wrappers abort through log_panic with the caller's file and line instead of
 * making every call site handle NULL.  Memory comes from malloc and is freed
 * with free().  Not for input-driven sizes without a cap: bound those first.
 */
#ifndef KSYS_MEM_H
#define KSYS_MEM_H

#include <stddef.h>

/* calloc(n, size); n == 0 still returns a unique pointer.  Caller frees. */
#define mem_calloc(n, size) mem_calloc_at((n), (size), __FILE__, __LINE__)
/* realloc for arrays, with overflow check.  Caller frees. */
#define mem_reallocarray(p, n, size) mem_reallocarray_at((p), (n), (size), __FILE__, __LINE__)
/* strdup; NULL is copied as "".  Caller frees. */
#define mem_strdup(s) mem_strdup_at((s), __FILE__, __LINE__)
/* strndup: at most n bytes of s, NUL-terminated.  Caller frees. */
#define mem_strndup(s, n) mem_strndup_at((s), (n), __FILE__, __LINE__)

void *mem_calloc_at(size_t n, size_t size, const char *file, int line);
void *mem_reallocarray_at(void *p, size_t n, size_t size, const char *file, int line);
char *mem_strdup_at(const char *s, const char *file, int line);
char *mem_strndup_at(const char *s, size_t n, const char *file, int line);

#endif
