#!/bin/sh
# monitor.t — ksysd's health monitoring against hmcsim (TAP).
#
# hmcsim's default estate at time scale 50 (a 190 s VMFDT takes ~4 s); ksysd
# set up through ksysmgr (hmc, hosts rt11 and rt12 in HG1 with its disks,
# system ha_monitor=enable, three VMs with ha_monitor=enable, rt12010
# unmanaged), one discovery; then: query system status (the group polled,
# every VIOS UP, the monitored VMs STARTED; JSON that parses), the events of
# the first polls, a Host Monitor stopped and restarted, a follower with
# monitor=yes, a hung VM that still answers ping (no failure), the designated
# VIOS going down (polling fails over), and, as root in a network namespace
# where hmcsim makes silence real (--ping-netdev), a hung VM that stops
# answering ping (VM_FAILURE_DETECTED, RELOCATION_REQUESTED) and a host
# losing power (HOST_FAILURE_DETECTED, a relocation request per managed VM
# of it, none for the unmanaged one).  Without root (or with
# KSYS_TEST_NO_NETNS set) those two are skipped: loopback addresses always
# answer ping.  Every wait is bounded.
cd "$(dirname "$0")/../.." || exit 1
BIN=${KSYS_BIN:-$(pwd)/bin}
SCALE=50

. tests/taplib.sh

t_begin monitor ksysd ksysmgr hmcsim
S="$T/ksysd.sock"

M() { "$BIN/ksysmgr" -s "$S" "$@"; }
simctl() { "$BIN/hmcsim" ctl "$T/ctl.sock" "$@"; }

# ---- a network namespace (root only) where ping silence is real ----
NS= NSX= NETDEV= WHY_NO_NS=
if [ -n "${KSYS_TEST_NO_NETNS:-}" ]; then
	WHY_NO_NS="KSYS_TEST_NO_NETNS is set: loopback addresses, which always answer ping"
elif [ "$(id -u)" -ne 0 ]; then
	WHY_NO_NS="not root: loopback addresses always answer ping, so unpingable VMs and silent VIOSs need root and a network namespace (hmcsim --ping-netdev)"
elif ! command -v ip >/dev/null 2>&1; then
	WHY_NO_NS="no ip(8) to make a network namespace"
else
	NS="ksysmon$$"
	if ip netns add "$NS" 2>/dev/null && ip -n "$NS" link set lo up 2>/dev/null &&
	   { ip -n "$NS" link add d0 type dummy 2>/dev/null ||
	     { ip -n "$NS" link add d0 type veth peer name d1 2>/dev/null &&
	       ip -n "$NS" link set d1 up; }; } &&
	   ip -n "$NS" link set d0 up 2>/dev/null; then
		NSX="ip netns exec $NS"
		NETDEV="--ping-netdev d0"
	else
		WHY_NO_NS="cannot set up network namespace $NS with a dummy or veth interface"
		ip netns del "$NS" 2>/dev/null
		NS=
	fi
fi
m_cleanup() {
	t_cleanup
	[ -z "$NS" ] || ip netns del "$NS" 2>/dev/null
}
trap m_cleanup EXIT
[ -n "$NS" ] && diag "namespace $NS: hmcsim --ping-netdev d0, ksysd inside it"
[ -z "$NS" ] && diag "no namespace: $WHY_NO_NS"

# ev_count NAME PATTERN: events of type NAME whose record matches PATTERN
ev_count() { M query event type="$1" 2>/dev/null | grep -Ec -- "$2"; }
# wait_ev NAME PATTERN SECONDS
wait_ev() {
	_i=0
	while [ $_i -lt $(($3 * 5)) ]; do
		[ "$(ev_count "$1" "$2")" -gt 0 ] && return 0
		sleep 0.2; _i=$((_i + 1))
	done
	return 1
}
# wait_count NAME PATTERN N SECONDS: at least N such events
wait_count() {
	_i=0
	while [ $_i -lt $(($4 * 5)) ]; do
		[ "$(ev_count "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.2; _i=$((_i + 1))
	done
	return 1
}
# wait_status PATTERN SECONDS: query system status matches PATTERN
wait_status() {
	_i=0
	while [ $_i -lt $(($2 * 5)) ]; do
		M query system status >"$T/st" 2>&1
		grep -Eq -- "$1" "$T/st" && return 0
		sleep 0.2; _i=$((_i + 1))
	done
	return 1
}
# the Verdict line of VM $1 in $T/st
verdict() { awk -v vm="$1" '$1 == "VM:" { cur = $2 } cur == vm && $1 == "Verdict:" { sub(/^[ \t]*Verdict:[ \t]*/, ""); print; exit }' "$T/st"; }
json_ok() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json, sys; json.load(sys.stdin)' <"$1"
	else
		return 2
	fi
}

# ---- start ----
expect_rc 0 "ksysd -t" "$BIN/ksysd" -t -d "$T/tcheck"
like 'detect\.lua.*: ok$' "ksysd -t checks the detection thresholds (detect.lua)"
$NSX "$BIN/hmcsim" -l 127.0.0.1:0 --ctl "$T/ctl.sock" --state-dir "$T/sim" \
	--time-scale "$SCALE" $NETDEV >"$T/sim.out" 2>"$T/sim.err" &
SIM_PID=$!
if ! wait_for "$T/sim.out" '^hmcsim ready' 20; then
	ok 1 "hmcsim started"; sed 's/^/#   /' "$T/sim.err" | tail -n 5; done_testing; exit 1
fi
HMC1=$(sed -n 's/.* hmc1=\([^ ]*\).*/\1/p' "$T/sim.out" | head -n 1)
$NSX "$BIN/ksysd" -f -d "$T/state" -s "$S" --time-scale "$SCALE" 2>>"$T/ksysd.log" &
KSYSD_PID=$!
if ! wait_for "$T/ksysd.log" "event=start .*socket_served=yes" 20; then
	ok 1 "ksysd started"; tail -n 5 "$T/ksysd.log" | sed 's/^/#   /'; done_testing; exit 1
fi

expect_rc 0 "query system status with nothing monitored" M query system status
like "No host group is monitored: HA monitoring is disabled" "says why nothing is polled"

# ---- setup through ksysmgr ----
expect_rc 0 "add hmc hmc1" M add hmc hmc1 login=hscroot password=abc123 ip="${HMC1%:*}" port="${HMC1##*:}"
for h in rt11 rt12; do
	expect_rc 0 "add host $h" M add host $h
done
REPO=$(simctl show disks | awk 'NR == 1 { print $4 }')
HA=$(simctl show disks | awk 'NR == 2 { print $4 }')
expect_rc 0 "add host_group HG1 with its disks" \
	M add host_group HG1 hosts=rt11,rt12 repo_disk="$REPO" ha_disk="$HA"
expect_rc 0 "modify system ha_monitor=enable" M modify system ha_monitor=enable
expect_rc 0 "modify vm rt11001,rt11002,rt12001 ha_monitor=enable" \
	M modify vm rt11001,rt11002,rt12001 ha_monitor=enable
expect_rc 0 "unmanage vm rt12010" M unmanage vm rt12010
expect_rc 0 "discover host_group HG1" M discover host_group HG1
like "Discovery has finished for HG1" "the discovery finished"

# ---- the group is polled ----
wait_status 'HA_monitor_state: +STARTED' 30
ok $? "query system status: the monitored VMs reach STARTED"
expect_rc 0 "query system status" M query system status
cp "$T/out" "$T/status1"
like '^Host_group HG1 is currently in Ready state$' "the group, in the Redbook's words"
like '^Polling_VIOS: +rt11v1$' "designated VIOS: the first running one by name"
like '^Poll_state: +ok$' "polls succeed"
like '^Last_poll: +[0-9-]+T[0-9:]+ (QUICK_QUERY|NEEDS_ATTENTION): ok$' "the last poll and its result"
is "$(grep -c 'CAA_state: *UP$' "$T/status1")" 4 "every VIOS of the group is CAA UP"
is "$(grep -c 'HM_responsive: *Yes$' "$T/status1")" 4 "every Host Monitor responsive"
is "$(grep -c '^	VM:' "$T/status1")" 3 "the three VMs with ha_monitor are listed"
like '^		VMFDT: +190 seconds$' "VMFDT 90 + 2 x 50 (normal speed)"
cp "$T/status1" "$T/st"; is "$(verdict rt11001)" "healthy" "rt11001 is healthy"
expect_rc 0 "query system status -o json" M -o json query system status
cp "$T/out" "$T/status.json"
json_ok "$T/status.json"; rc=$?
if [ $rc -eq 2 ]; then skip "python3 not installed: JSON not parsed"; else ok $rc "the JSON parses"; fi
like '"polling_vios":"rt11v1"' "JSON: polling_vios" status.json
like '"name":"rt11001","ha_monitor_state":"STARTED","missed_heartbeat":0,"vmfdt":190' \
	"JSON: the VM's fields" status.json
expect_rc 0 "query system status -v" M -v query system status
like '^		UUID: +[0-9A-Fa-f-]{36}$' "-v shows UUIDs"
like '^Polls: +[0-9]+ answered, 0 failed$' "-v shows the poll counters"
like '^	VM: +rt11003$' "-v lists the managed VMs without ha_monitor too"
expect_rc 2 "query system STATUS2 is a usage error" M query system status2
like "query system takes no NAME but 'status'" "names what is allowed"

is "$(ev_count VIOS_CAA_STATE_UP_DETECTED 'Object: +vios rt1[12]v[12]')" 4 \
	"VIOS_CAA_STATE_UP_DETECTED for each VIOS at the first report"
is "$(ev_count VM_MONITOR_STARTED 'Object: +vm rt11001')" 1 "VM_MONITOR_STARTED for rt11001"
simctl show passthru >"$T/pt"
like '^VIO_HS_QUICK_QUERY [0-9]+$' "hmcsim answered QUICK_QUERYs" pt
like '^VIO_HS_NEEDS_ATTENTION [0-9]+$' "and NEEDS_ATTENTIONs" pt
like '^VIO_HS_ACKNOWLEDGE [0-9]+$' "the state changes were acknowledged" pt

# ---- a follower ----
# ksysmgr flushes what each read from the socket brought, so the snapshots
# reach the file as they come
"$BIN/ksysmgr" -s "$S" query system status monitor=yes >"$T/follow" 2>&1 &
FOLLOW=$!
EXTRA_PIDS="$FOLLOW"
wait_for "$T/follow" '^Host_group HG1' 10
ok $? "monitor=yes prints the snapshot at once"
like '^Press Ctrl-C to quit monitoring for activity' "and how to quit" follow

# ---- a Host Monitor stops ----
expect_rc 0 "fault hm-stop rt11v2" simctl fault hm-stop rt11v2
wait_ev VIOS_HM_NONRESP_DETECTED 'Object: +vios rt11v2' 20
ok $? "VIOS_HM_NONRESP_DETECTED for rt11v2"
wait_status 'HM_responsive: +No' 10; ok $? "status: HM_responsive No"
like '^	State: +DEGRADED$' "the host is DEGRADED, not failed" st
wait_for "$T/follow" '^={20,}$' 10
ok $? "the follower printed a new snapshot after the change"
expect_rc 0 "clear hm-stop rt11v2" simctl clear hm-stop rt11v2
wait_ev VIOS_HM_RESP_DETECTED 'Object: +vios rt11v2' 20
ok $? "VIOS_HM_RESP_DETECTED when it is back"
kill "$FOLLOW" 2>/dev/null

# ---- a hung VM that still answers ping ----
expect_rc 0 "fault vm-hang rt11001" simctl fault vm-hang rt11001
wait_ev VM_MISSED_HB 'Object: +vm rt11001' 20; ok $? "VM_MISSED_HB for rt11001"
wait_status 'answers ping: missed heartbeats ignored' 30
ok $? "past VMFDT the VM is pinged: it answers, missed heartbeats ignored"
sleep 2
is "$(ev_count VM_FAILURE_DETECTED 'vm rt11001')" 0 "no VM_FAILURE_DETECTED for a pingable VM"
grep -q 'cat=fde event=vm_ping hg=HG1 vm=rt11001 .*ok=yes' "$T/ksysd.log"
ok $? "the log shows the ping that answered"

# ---- the hung VM stops answering ping (root) ----
if [ -n "$NS" ]; then
	expect_rc 0 "fault vm-unpingable rt11001" simctl fault vm-unpingable rt11001
	wait_ev VM_FAILURE_DETECTED 'Object: +vm rt11001' 30
	ok $? "VM_FAILURE_DETECTED for the hung, unpingable VM"
	wait_ev RELOCATION_REQUESTED 'source host rt11' 10
	ok $? "RELOCATION_REQUESTED for it, from rt11"
	M query event type=VM_FAILURE_DETECTED >"$T/vmfail"
	like 'no answer to ping, LPAR state running' "the event gives the evidence" vmfail
	wait_status 'Relocation_requests:$' 10; ok $? "status lists the relocation request"
	like 'Verdict: +relocation requested' "the VM's verdict" st
	expect_rc 0 "clear vm-unpingable rt11001" simctl clear vm-unpingable rt11001
else
	skip "vm-unpingable: $WHY_NO_NS"
	skip "RELOCATION_REQUESTED for a VM: $WHY_NO_NS"
fi
expect_rc 0 "clear vm-hang rt11001" simctl clear vm-hang rt11001

# ---- shut down in order, crashed (root: their addresses fall silent) ----
if [ -n "$NS" ]; then
	wait_status 'Relocation_requests: +none' 30
	expect_rc 0 "fault vm-shutdown rt11002" simctl fault vm-shutdown rt11002
	expect_rc 0 "fault vm-crash rt11001" simctl fault vm-crash rt11001
	expect_rc 0 "fault vm-sms rt12001" simctl fault vm-sms rt12001
	wait_for "$T/ksysd.log" 'cat=fde event=vm_refcode_history hg=HG1 vm=rt11002' 30
	ok $? "past 2 x VMFDT not activated: the refcode history is asked (CLIRunner lsrefcode)"
	sleep 1
	# an HMC client that runs no ManagementConsole job cannot read it
	NOCLI= rc=1
	grep -q 'refcode history: invalid: job group must be' "$T/ksysd.log" &&
		NOCLI="ksysd's HMC client refuses ManagementConsole (CLIRunner) jobs"
	[ -n "$NOCLI" ] || { wait_ev VM_SHUTDOWN_DETECTED 'Object: +vm rt11002' 40; rc=$?; }
	if [ $rc -ne 0 ] && [ -n "$NOCLI" ]; then
		skip "VM_SHUTDOWN_DETECTED: $NOCLI"
	else
		ok $rc "VM_SHUTDOWN_DETECTED: not activated, D200A200 with word3"
	fi
	is "$(ev_count VM_FAILURE_DETECTED 'vm rt11002')" 0 "no failure for an orderly shutdown"
	rc=1
	[ -n "$NOCLI" ] || { wait_count VM_FAILURE_DETECTED 'Object: +vm rt11001' 2 40; rc=$?; }
	if [ $rc -ne 0 ] && [ -n "$NOCLI" ]; then
		skip "VM_FAILURE_DETECTED after a crash: $NOCLI"
		skip "its LPAR state: $NOCLI"
	else
		ok $rc "VM_FAILURE_DETECTED: not activated, D200A200 without word3"
		M query event type=VM_FAILURE_DETECTED >"$T/vmfail2"
		like 'LPAR state not activated' "with the LPAR state" vmfail2
	fi
	if [ -n "$NOCLI" ]; then
		wait_status 'Verdict: +check incomplete: refcode history' 10
		ok $? "status says why the crashed VM is not decided"
	else
		wait_status 'Relocation_requests:$' 10
		ok $? "status lists the crashed VM's relocation request"
	fi
	wait_for "$T/ksysd.log" 'event=vm_check hg=HG1 vm=rt12001 .*state="open firmware" .*boot_mode="sms" .*result=ok' 30
	ok $? "a VM booted into SMS is checked and left alone"
	is "$(ev_count VM_FAILURE_DETECTED 'vm rt12001')" 0 "no failure for the SMS boot"
	expect_rc 0 "clear vm-sms rt12001" simctl clear vm-sms rt12001
	expect_rc 0 "clear vm-crash rt11001" simctl clear vm-crash rt11001
	expect_rc 0 "clear vm-shutdown rt11002" simctl clear vm-shutdown rt11002
else
	skip "vm-shutdown: $WHY_NO_NS"
	skip "vm-crash: $WHY_NO_NS"
	skip "vm-sms: $WHY_NO_NS"
fi
wait_status 'Relocation_requests: +none' 40
ok $? "heartbeats back: no relocation request left"

# ---- the designated VIOS goes down: polling fails over ----
expect_rc 0 "fault vios-down rt11v1" simctl fault vios-down rt11v1
wait_ev POLL_FAILED 'polling moves to VIOS rt11v2' 30
ok $? "POLL_FAILED: polling moves to the next VIOS"
grep -q 'event=poll_failover hg=HG1 .*from=rt11v1 to=rt11v2' "$T/ksysd.log"
ok $? "log event=poll_failover"
wait_ev VIOS_CAA_STATE_DOWN_DETECTED 'Object: +vios rt11v1' 20
ok $? "VIOS_CAA_STATE_DOWN_DETECTED for rt11v1"
wait_status '^Polling_VIOS: +rt1(1v2|2v1|2v2)$' 10; ok $? "status: another VIOS polls"
is "$(ev_count HOST_FAILURE_DETECTED 'host rt11')" 0 "one VIOS down is no host failure"
expect_rc 0 "clear vios-down rt11v1" simctl clear vios-down rt11v1
wait_count VIOS_CAA_STATE_UP_DETECTED 'Object: +vios rt11v1' 2 20
ok $? "VIOS_CAA_STATE_UP_DETECTED for rt11v1 when it is back"
M query system status >"$T/st"
is "$(grep -c 'CAA_state: *UP$' "$T/st")" 4 "all four VIOSs UP again"

# ---- a host loses power (root) ----
if [ -n "$NS" ]; then
	expect_rc 0 "fault host-power-off rt12" simctl fault host-power-off rt12
	wait_ev HOST_FAILURE_DETECTED 'Object: +host rt12' 40
	ok $? "HOST_FAILURE_DETECTED for rt12"
	sleep 1
	is "$(ev_count RELOCATION_REQUESTED 'host failure, source host rt12')" 9 \
		"a relocation request per managed VM of rt12 (9 of its 10)"
	is "$(ev_count RELOCATION_REQUESTED 'VM rt12010 ')" 0 "none for the unmanaged rt12010"
	grep -q 'cat=fde event=sanity_request hg=HG1 host=rt12' "$T/ksysd.log"
	ok $? "the sanity request went to rt12's VIOSs first"
	M query system status >"$T/st"
	like '^	State: +FAILED$' "status: host FAILED" st
	is "$(ev_count HOST_FAILURE_DETECTED 'host rt1[13]')" 0 "no other host failed"
else
	skip "host-power-off: $WHY_NO_NS"
	skip "relocation requests of a host: $WHY_NO_NS"
fi

expect_rc 0 "query system status -o json at the end" M -o json query system status
json_ok "$T/out"; rc=$?
if [ $rc -eq 2 ]; then skip "python3 not installed: JSON not parsed"; else ok $rc "the JSON parses"; fi
grep -q 'level=error cat=fde event=event_lost' "$T/ksysd.log"; [ $? -ne 0 ]
ok $? "no event was lost"
done_testing
