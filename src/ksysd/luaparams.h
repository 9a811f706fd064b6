/* luaparams — the Failure Detection Engine's thresholds from Lua.
 *
 * Runs the built-in lua/ksys/detect.lua in the sandbox (lsandbox.h), then the
 * administrator's override file, if there is one, whose returned table
 * replaces single keys (os_up_refcodes as a whole list).  Every value is
 * checked (type, range, length) and unknown keys are refused by name, so a
 * typo never silently keeps a default.  Not for hook functions or placement
 * policies (policy.c) and not for applying the values (monitor.c).
 *
 * Also the lookup of the embedded Lua library: the Makefile compiles every
 * lua/ksys/NAME.lua into the binaries as text ($(O)/gen/lua_embed.c).
 */
#ifndef KSYS_LUAPARAMS_H
#define KSYS_LUAPARAMS_H

#include <stddef.h>

#include "fde.h"

#define LUAPARAMS_OVERRIDE "/etc/ksys/policy.d/detect.lua"

/* Fills *p from the built-in detect.lua and, when override_path is not NULL
 * and names an existing file, from that file.  A missing override file is
 * not an error.  0, or -1 with err ("FILE:LINE: message" for Lua errors,
 * "FILE: key 'x' must be ..." for refused values) and *p untouched. */
int luaparams_load(struct fde_params *p, const char *override_path,
                   char *err, size_t errlen);

/* Text of the embedded library file name ("ksys/detect.lua"), not
 * NUL-terminated in len but followed by a NUL; NULL when there is no such
 * file.  Static storage: never freed. */
const char *lua_embed_get(const char *name, size_t *len);

#endif
