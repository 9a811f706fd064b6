/* topo_build — the topology builder shared by topo.c (validation, the
 * built-in default estate) and topo_lua.c (the Lua bindings).
 *
 * Private to the topo module: nothing outside topo*.c includes it.  Specs are
 * plain C descriptions of one hmc{}/host{}/vios{}/lpar{}/disk{} call; NULL
 * strings and negative numbers mean "not given".
 */
#ifndef HMCSIM_TOPO_BUILD_H
#define HMCSIM_TOPO_BUILD_H

#include <stddef.h>
#include "faults.h"
#include "world.h"

#define SIMTOPO_WHERE_LEN 256
#define SIMTOPO_MAX_HMCS 32
#define SIMTOPO_BUILTIN "(built-in default topology)"

struct tb_hmc {
	struct sim_hmc h;
	char where[SIMTOPO_WHERE_LEN];
};

struct tb_host {
	struct sim_host h;
	char hmcs[SIMTOPO_MAX_HMCS][SIM_NAME_LEN];
	int n_hmcs;
	char where[SIMTOPO_WHERE_LEN];
};

struct tb_lpar {
	struct sim_lpar l;
	char host[SIM_NAME_LEN];
	char where[SIMTOPO_WHERE_LEN];
};

struct tb_disk {
	struct sim_disk d;
	char vios[SIM_DISK_MAX_VIOS][SIM_NAME_LEN];
	char where[SIMTOPO_WHERE_LEN];
};

/* The topology being built (one per load). */
struct tb {
	struct world *w;
	const char *path;
	struct tb_hmc *hmcs;
	struct tb_host *hosts;
	struct tb_lpar *lpars;
	struct tb_disk *disks;
	struct simfault_event *events;
	size_t n_hmcs, n_hosts, n_lpars, n_disks, n_events;
	size_t c_hmcs, c_hosts, c_lpars, c_disks, c_events;
};

/* Plain C descriptions of one call, shared by Lua and the built-in default.
 * NULL strings and negative numbers mean "not given". */
struct hmc_spec {
	const char *name, *user, *password, *uuid, *mtms;
	long long port;
	double session_idle;
};

struct host_spec {
	const char *name, *mtms, *uuid, *ip, *state;
	double proc, mem_gb;
	const char *const *hmcs;
	int n_hmcs;
};

struct lpar_spec {
	const char *name, *host, *state, *os, *uuid, *ip;
	const char *os_version;         /* OperatingSystemVersion; NULL: default */
	const char *rmc;                /* "active" | "inactive"; NULL: active */
	double proc, proc_min, proc_max, mem_gb, mem_min_gb, mem_max_gb;
	int srr;                        /* -1 unset */
	int is_vios;
	int no_agent;                   /* agent = false: no simulated VM agent */
};

struct disk_spec {
	const char *id;
	long long size_gb;
	const char *const *vioses;
	int n_vioses;
};

/* Each add validates one call (types are already right) and stores it with
 * `where` ("file:line").  0, or -1 with err (no location prefix). */
int simtopo_add_hmc(struct tb *tb, const struct hmc_spec *s, const char *where,
                    char *err, size_t errlen);
int simtopo_add_host(struct tb *tb, const struct host_spec *s, const char *where,
                     char *err, size_t errlen);
int simtopo_add_lpar(struct tb *tb, const struct lpar_spec *s, const char *where,
                     char *err, size_t errlen);
int simtopo_add_disk(struct tb *tb, const struct disk_spec *s, const char *where,
                     char *err, size_t errlen);
int simtopo_add_event(struct tb *tb, const struct simfault_event *ev, char *err,
                      size_t errlen);
/* Cross-references, capacity, then fill tb->w.  0, or -1 with err
 * "file:line: message". */
int simtopo_finish(struct tb *tb, char *err, size_t errlen);
/* Give the timeline to the caller (events may be NULL). */
void simtopo_hand_over(struct tb *tb, struct simfault_event **events, size_t *n_events);
void simtopo_builder_free(struct tb *tb);

#endif
