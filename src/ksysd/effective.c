/* effective — resolution of inheritable settings (see effective.h). */
#include "effective.h"

#include <string.h>

static int
set(const char *v)
{
	return v && *v;
}

const char *
eff_host_ha_shown(const char *host, const char *group)
{
	if (set(host))
		return host;
	if (set(group))
		return group;
	return "enable";
}

int
eff_host_monitored(const char *sys, const char *group, const char *host)
{
	return set(sys) && strcmp(sys, "enable") == 0 &&
	       strcmp(eff_host_ha_shown(host, group), "enable") == 0;
}

const char *
eff_vm_ha_shown(const char *vm)
{
	return set(vm) ? vm : "disable";
}

int
eff_vm_monitored(const char *sys, const char *group, const char *host, const char *vm)
{
	return eff_host_monitored(sys, group, host) &&
	       strcmp(eff_vm_ha_shown(vm), "enable") == 0;
}

const char *
eff_vm_speed(const char *vm, const char *host, const char *group, const char *sys)
{
	if (set(vm))
		return vm;
	if (set(host))
		return host;
	if (set(group))
		return group;
	if (set(sys))
		return sys;
	return "normal";
}
