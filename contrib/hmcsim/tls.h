/* tls — the certificate hmcsim serves when --cert/--key are not given.
 *
 * Makes (once) a self-signed X.509 certificate with GnuTLS: ECDSA P-256 key,
 * CN=hmcsim, subjectAltName IP 127.0.0.1, IP ::1 and DNS localhost, valid ten
 * years, written as STATE_DIR/hmcsim.crt (0644) and STATE_DIR/hmcsim.key
 * (0600).  Existing files there are reused.  Not for the TLS session itself
 * (libmicrohttpd does that in httpd.c).
 */
#ifndef HMCSIM_TLS_H
#define HMCSIM_TLS_H

#include <stddef.h>

/* Ensure STATE_DIR/hmcsim.{crt,key} exist (creating the directory 0700 if
 * missing) and return their paths in cert_path/key_path.  Returns 0, or -1
 * with err set. */
int simtls_ensure(const char *state_dir, char *cert_path, size_t cert_len,
                  char *key_path, size_t key_len, char *err, size_t errlen);

/* Read a whole PEM file into a NUL-terminated heap string (caller frees).
 * Returns NULL with err set; refuses files over 1 MiB. */
char *simtls_read_pem(const char *path, char *err, size_t errlen);

#endif
