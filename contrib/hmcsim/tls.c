/* tls — self-signed certificate for hmcsim (see tls.h). */
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/crypto.h>
#include <gnutls/abstract.h>

#include "buf.h"
#include "log.h"

#define PEM_MAX (1024 * 1024)
#define VALID_SECS (10LL * 365 * 24 * 3600)

char *
simtls_read_pem(const char *path, char *err, size_t errlen)
{
	struct buf b = { 0 };

	if (buf_read_file(&b, path, PEM_MAX, err, errlen) == -1) {
		buf_free(&b);
		return NULL;
	}
	if (!strstr(buf_str(&b), "-----BEGIN ")) {
		snprintf(err, errlen, "%s: no PEM block (-----BEGIN ...) found", path);
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* Write data to path atomically (tmp file + rename) with mode. */
static int
write_file(const char *path, const void *data, size_t len, mode_t mode,
           char *err, size_t errlen)
{
	char tmp[4200];
	int fd;
	size_t off = 0;

	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			goto fail;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, mode) == -1 || fsync(fd) == -1 || close(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "rename %s: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}

static int
gt_fail(int rc, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "certificate generation: %s: %s", what, gnutls_strerror(rc));
	return -1;
}

/* Make a new key and self-signed certificate as PEM. */
static int
generate(gnutls_datum_t *crt_pem, gnutls_datum_t *key_pem, char *err, size_t errlen)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_privkey_t signer = NULL;
	unsigned char serial[16], ip4[4], ip6[16];
	time_t now = time(NULL);
	int rc, ret = -1;

	crt_pem->data = key_pem->data = NULL;
	if ((rc = gnutls_x509_privkey_init(&key)) < 0) {
		gt_fail(rc, "privkey_init", err, errlen);
		goto out;
	}
	rc = gnutls_x509_privkey_generate2(key, GNUTLS_PK_ECDSA,
	                                   GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1),
	                                   0, NULL, 0);
	if (rc < 0) {
		gt_fail(rc, "ECDSA P-256 key", err, errlen);
		goto out;
	}
	if ((rc = gnutls_x509_crt_init(&crt)) < 0) {
		gt_fail(rc, "crt_init", err, errlen);
		goto out;
	}
	if ((rc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial)) < 0) {
		gt_fail(rc, "random serial", err, errlen);
		goto out;
	}
	serial[0] &= 0x7f;      /* positive */
	serial[0] |= 0x01;      /* and no leading zero byte */
	inet_pton(AF_INET, "127.0.0.1", ip4);
	inet_pton(AF_INET6, "::1", ip6);
	const char *errpos = NULL;
	if ((rc = gnutls_x509_crt_set_version(crt, 3)) < 0
	    || (rc = gnutls_x509_crt_set_serial(crt, serial, sizeof serial)) < 0
	    || (rc = gnutls_x509_crt_set_activation_time(crt, now - 3600)) < 0
	    || (rc = gnutls_x509_crt_set_expiration_time(crt, (time_t)(now + VALID_SECS))) < 0
	    || (rc = gnutls_x509_crt_set_dn(crt, "CN=hmcsim", &errpos)) < 0
	    || (rc = gnutls_x509_crt_set_key(crt, key)) < 0
	    || (rc = gnutls_x509_crt_set_basic_constraints(crt, 1, -1)) < 0
	    || (rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE
	                                           | GNUTLS_KEY_KEY_CERT_SIGN)) < 0
	    || (rc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0
	    || (rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost",
	                                                  9, GNUTLS_FSAN_APPEND)) < 0
	    || (rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip4,
	                                                  sizeof ip4, GNUTLS_FSAN_APPEND)) < 0
	    || (rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip6,
	                                                  sizeof ip6, GNUTLS_FSAN_APPEND)) < 0) {
		gt_fail(rc, "certificate fields", err, errlen);
		goto out;
	}
	if ((rc = gnutls_privkey_init(&signer)) < 0
	    || (rc = gnutls_privkey_import_x509(signer, key, 0)) < 0
	    || (rc = gnutls_x509_crt_privkey_sign(crt, crt, signer, GNUTLS_DIG_SHA256, 0)) < 0) {
		gt_fail(rc, "self-signing", err, errlen);
		goto out;
	}
	if ((rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, crt_pem)) < 0) {
		gt_fail(rc, "certificate export", err, errlen);
		goto out;
	}
	rc = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL,
	                                       GNUTLS_PKCS_PLAIN, key_pem);
	if (rc < 0) {
		gt_fail(rc, "key export", err, errlen);
		goto out;
	}
	ret = 0;
out:
	if (ret != 0) {
		gnutls_free(crt_pem->data);
		gnutls_free(key_pem->data);
		crt_pem->data = key_pem->data = NULL;
	}
	if (signer)
		gnutls_privkey_deinit(signer);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return ret;
}

int
simtls_ensure(const char *state_dir, char *cert_path, size_t cert_len,
              char *key_path, size_t key_len, char *err, size_t errlen)
{
	gnutls_datum_t crt = { NULL, 0 }, key = { NULL, 0 };
	struct stat st;
	int ret = -1;

	if ((size_t)snprintf(cert_path, cert_len, "%s/hmcsim.crt", state_dir) >= cert_len
	    || (size_t)snprintf(key_path, key_len, "%s/hmcsim.key", state_dir) >= key_len) {
		snprintf(err, errlen, "state directory path too long: %s", state_dir);
		return -1;
	}
	if (stat(cert_path, &st) == 0 && stat(key_path, &st) == 0) {
		log_msg(LOGL_DEBUG, "tls", "event=cert_reuse cert=%s", cert_path);
		return 0;
	}
	if (mkdir(state_dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", state_dir, strerror(errno));
		return -1;
	}
	if (generate(&crt, &key, err, errlen) != 0)
		goto out;
	/* key first: a certificate on disk always has its key next to it */
	if (write_file(key_path, key.data, key.size, 0600, err, errlen) != 0
	    || write_file(cert_path, crt.data, crt.size, 0644, err, errlen) != 0)
		goto out;
	log_msg(LOGL_INFO, "tls", "event=cert_created cert=%s key=%s cn=hmcsim alg=ecdsa-p256",
	        cert_path, key_path);
	ret = 0;
out:
	gnutls_free(crt.data);
	if (key.data) {
		memset(key.data, 0, key.size);
		gnutls_free(key.data);
	}
	return ret;
}
