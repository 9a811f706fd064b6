/* topo — builds hmcsim's world from a Lua topology file or from the built-in
 * default estate (2 HMCs, 4 hosts, 8 VIOSs, 40 client LPARs, 2 shared disks).
 *
 * A topology file calls functions (hmc{}, host{}, vios{}, lpar{}, disk{},
 * timing{}, timeline{}); unknown keys and bad values are errors naming the
 * file and line, cross-reference and capacity checks run after the file and
 * name the line of the offending call.  Not for running the timeline
 * (faults.c) nor for choosing listen addresses (main.c).
 */
#ifndef HMCSIM_TOPO_H
#define HMCSIM_TOPO_H

#include <stddef.h>
#include "faults.h"
#include "world.h"

/* Port a topology did not set (main.c then picks one). */
#define SIMTOPO_PORT_UNSET 0

/* Fill the empty world w (from world_new) from the Lua file at path.  On
 * success returns 0 and the timeline in *events / *n_events (caller frees
 * *events with free(); NULL when empty).  On failure returns -1, err holds
 * "file:line: message" and w may be partly filled (free it). */
int simtopo_load_file(struct world *w, const char *path, struct simfault_event **events,
                   size_t *n_events, char *err, size_t errlen);

/* The built-in default topology (the same estate contrib/hmcsim/topologies/
 * default.lua describes).  Same contract as simtopo_load_file. */
int simtopo_load_default(struct world *w, struct simfault_event **events,
                      size_t *n_events, char *err, size_t errlen);

/* The deterministic UUID hmcsim gives object `name` of kind `kind` ("hmc",
 * "host", "lpar", "vios"): uppercase 8-4-4-4-12 hex, derived from a hash of
 * kind and name, so every run of the same topology shows the same UUIDs. */
void simtopo_uuid(const char *kind, const char *name, char out[SIM_UUID_LEN]);

#endif
