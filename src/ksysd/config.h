/* config — the ksysd configuration file (Lua, through the sandbox).
 *
 * The file calls functions, it does not assign globals:
 *   hmc{ name="hmc1", address="hmc1.example", user="hscroot",
 *        password_file="/etc/ksys/hmc1.pw", pin="sha256//..." }
 *   settings{ probe_interval=10, max_requests_per_hmc=32 }
 * Unknown keys and bad values are reported as "file:line: message".  This
 * module only reads and checks the file; it opens no network connection and
 * does not apply anything (ksysd's main and ksys-hmc do).
 */
#ifndef KSYS_CONFIG_H
#define KSYS_CONFIG_H

#include <stddef.h>
#include "hmc.h"

#define CONFIG_DEFAULT_PATH   "/etc/ksys/ksysd.lua"
#define CONFIG_DEFAULT_PORT   12443
#define CONFIG_MAX_HMCS       64

struct config_hmc {
	char name[64];
	char address[256];
	int port;                       /* default CONFIG_DEFAULT_PORT */
	char user[64];
	char *password;                 /* owned, wiped by config_free; from
	                                   password= or the password_file */
	char password_file[4096];       /* "" when the password was inline */
	char pin[512];                  /* "sha256//B64[;sha256//B64...]" or "" */
	char cafile[4096];              /* absolute path or "" */
	int tls_verify;                 /* 1 (default) or 0 (tls_verify=false) */
	size_t n_hosts;                 /* optional hosts={...}: names expected */
	char (*hosts)[128];             /* owned */
	char where[4200];               /* "file:line" of the hmc{} call */
};

struct config_settings {
	double probe_interval;          /* seconds, default 10 */
	int max_requests_per_hmc;       /* default 32 */
	int max_jobs_per_hmc;           /* default 256 */
	char log_level[128];            /* default "info" */
	int log_level_set;              /* 1 when the file gave log_level */
};

struct config {
	char path[4096];
	size_t n_hmcs;
	struct config_hmc *hmcs;        /* owned */
	struct config_settings settings;
};

/* Fill c with the defaults (no HMC). */
void config_defaults(struct config *c);

/* Load and check path into c (which the call initialises; free it with
 * config_free even on failure).  Returns 0, or -1 with err
 * "file:line: message" (or "file: message" when no line applies).
 * A file that holds a password (inline) and is readable or writable by
 * group or other is refused, as is such a password_file. */
int config_load(const char *path, struct config *c, char *err, size_t errlen);

/* Frees what c owns and wipes the passwords; c is left with defaults. */
void config_free(struct config *c);

/* The HMC called name, or NULL. */
const struct config_hmc *config_hmc_find(const struct config *c, const char *name);

/* Points out (initialised by hmc_config_init) at h's strings and s's caps,
 * ready for hmc_set_add; out is valid while c lives. */
void config_to_hmc(const struct config_hmc *h, const struct config_settings *s,
                   struct hmc_config *out);

/* Checks a pin word: "sha256//" followed by the base64 of 32 bytes, several
 * joined by ';'.  0 or -1 with err saying what is wrong. */
int config_check_pin(const char *pin, char *err, size_t errlen);

/* Reads a password file: first line, trailing CR/LF stripped, refused when
 * empty or accessible by group/other.  Caller frees (and should wipe) the
 * result.  NULL with err set. */
char *config_read_password_file(const char *path, char *err, size_t errlen);

#endif
