/* str — small fixed-buffer string helpers shared by every program.
 *
 * For the fixed-size char arrays of plain structs (names, UUIDs, states):
 * copies that always terminate and never overrun.  Not for growing text
 * (buf.h).
 */
#ifndef KSYS_STR_H
#define KSYS_STR_H

#include <stddef.h>

/* Copies src (NULL = "") into dst[n], cut to fit; src may overlap dst.
 * n == 0 writes nothing. */
void str_copy(char *dst, size_t n, const char *src);
/* The same, upper-cased (ASCII). */
void str_upper(char *dst, size_t n, const char *src);

#endif
