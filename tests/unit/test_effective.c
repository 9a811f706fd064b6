/* test_effective — resolution of inheritable settings (effective.c): the
 * system master switch, host and host-group defaults, VM opt-in, and the
 * detection-speed chain. */
#include "effective.h"
#include "../tap.h"

int
main(void)
{
	is_str(eff_host_ha_shown("", ""), "enable", "a host shows enable by default");
	is_str(eff_host_ha_shown(NULL, "disable"), "disable", "else its group's setting");
	is_str(eff_host_ha_shown("enable", "disable"), "enable", "its own setting wins");
	ok(!eff_host_monitored("disable", "", ""), "the system switch off: nothing watched");
	ok(eff_host_monitored("enable", "", ""), "switch on: hosts watched by default");
	ok(!eff_host_monitored("enable", "disable", ""), "a group can turn its hosts off");
	ok(eff_host_monitored("enable", "disable", "enable"), "and a host back on");
	is_str(eff_vm_ha_shown(""), "disable", "VM monitoring is opt-in");
	is_str(eff_vm_ha_shown("enable"), "enable", "enabled on the VM");
	ok(!eff_vm_monitored("enable", "enable", "enable", ""), "not without the VM's setting");
	ok(eff_vm_monitored("enable", "", "", "enable"), "VM enabled, host watched");
	ok(!eff_vm_monitored("disable", "", "", "enable"), "not with the system switch off");
	ok(!eff_vm_monitored("enable", "", "disable", "enable"), "not on an unwatched host");
	is_str(eff_vm_speed("", "", "", ""), "normal", "speed default normal");
	is_str(eff_vm_speed("", "", "", "slow"), "slow", "system speed");
	is_str(eff_vm_speed("", "", "fast", "slow"), "fast", "host group over system");
	is_str(eff_vm_speed("", "normal", "fast", "slow"), "normal", "host over group");
	is_str(eff_vm_speed("fast", "normal", NULL, "slow"), "fast", "VM over all");
	return done_testing();
}
