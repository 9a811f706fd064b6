/* effective — how ksys resolves the inheritable settings (spec/D §8), in
 * one place for every query and every engine.
 *
 * ha_monitor has two meanings:
 *  - host-level monitoring (a host's VIOSs and LPAR states: host failures):
 *    shown for a host as its own setting, else its host group's, else
 *    "enable" (the Redbook shows hosts and host groups enabled before the
 *    system switch is turned on); active only when the system-wide
 *    ha_monitor, the master switch, is "enable" too.
 *  - VM-level monitoring (the VM agent's heartbeats and applications): opt-in
 *    per VM, because it needs the agent inside the VM; shown as the VM's own
 *    setting, else "disable" (the Redbook's first discovery after enabling
 *    the system switch starts no VM monitoring, Ex 3-37; it starts after
 *    `modify vm ... ha_monitor=enable`, Ex 3-44/3-45); active only when the
 *    VM's host is monitored.
 * vm_failure_detection_speed is a plain chain: VM, host, host group,
 * system, else "normal".
 * Pure functions on the stored strings ("" or NULL = not set at that level).
 */
#ifndef KSYS_EFFECTIVE_H
#define KSYS_EFFECTIVE_H

/* "enable" or "disable" as shown for a host or host group. */
const char *eff_host_ha_shown(const char *host, const char *group);
/* 1 when the host is watched: system switch on and the shown value enable. */
int eff_host_monitored(const char *sys, const char *group, const char *host);
/* "enable" or "disable" as shown for a VM (its own setting, else disable). */
const char *eff_vm_ha_shown(const char *vm);
/* 1 when the VM's agent is to be monitored. */
int eff_vm_monitored(const char *sys, const char *group, const char *host, const char *vm);
/* "fast" | "normal" | "slow". */
const char *eff_vm_speed(const char *vm, const char *host, const char *group,
                         const char *sys);

#endif
