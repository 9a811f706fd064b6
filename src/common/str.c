/* str — fixed-buffer string helpers (see str.h). */
#include "str.h"

#include <ctype.h>
#include <string.h>

void
str_copy(char *dst, size_t n, const char *src)
{
	size_t l;

	if (!n)
		return;
	if (!src)
		src = "";
	l = strnlen(src, n - 1);
	memmove(dst, src, l);
	dst[l] = '\0';
}

void
str_upper(char *dst, size_t n, const char *src)
{
	size_t i;

	str_copy(dst, n, src);
	for (i = 0; n && dst[i]; i++)
		dst[i] = (char)toupper((unsigned char)dst[i]);
}
