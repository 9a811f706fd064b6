/* buf — growable byte buffer, always NUL-terminated after len bytes.
 *
 * A zeroed struct buf is a valid empty buffer.  The buffer owns data; free it
 * with buf_free() or take it with buf_steal().  Allocation failure aborts
 * through log_panic (the daemons treat OOM as fatal, like Redis).
 */
#ifndef KSYS_BUF_H
#define KSYS_BUF_H

#include <stddef.h>
#include <stdarg.h>

struct buf {
	char *data;   /* NULL while empty and never grown */
	size_t len;
	size_t cap;
};

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Append s with & < > " ' replaced by XML entities. */
void buf_put_xml_escaped(struct buf *b, const char *s);
/* Append s as a CDATA section, splitting any "]]>" inside it. */
void buf_put_cdata(struct buf *b, const char *s);
/* Append the whole content of file path ("-" reads standard input) to b.
 * Blocking: for start-up and command-line tools, never from a loop callback.
 * Returns 0, or -1 with err "PATH: reason" (open/read failure, or larger than
 * max bytes); b keeps what it had before on failure. */
int buf_read_file(struct buf *b, const char *path, size_t max, char *err, size_t errlen);
/* Drop the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);         /* len = 0, keeps memory */
void buf_free(struct buf *b);          /* frees, leaves a valid empty buffer */
/* Returns the data (caller frees; never NULL: "" for an empty buffer) and
 * leaves b empty. */
char *buf_steal(struct buf *b);
/* "" when empty, never NULL. */
const char *buf_str(const struct buf *b);

#endif
