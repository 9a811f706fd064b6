#!/bin/sh
# discovery.t — discovery, verification and LPM validation end to end (TAP).
#
# hmcsim serves a small estate (hosts rt11, rt12, rt13; two VIOSs and four
# LPARs each; shared disks); ksysd -f gets it through ksysmgr (add hmc, add
# host, add host_group), then: the refusals, a first discovery with
# verify=yes (golden lines, order-insensitive where the work is parallel),
# the pass-through requests the VIOSs saw, query vm states, a VM whose RMC
# connection is down (HSCL2957 in the verification and in query vm), lpm
# validate of VMs and of a host, a repository disk some VIOSs do not see,
# VIO_HS_ADD_MS failing over to a host's other VIOS and a host that cannot
# be prepared, a second ksysmgr following a running discovery with query
# action ID monitor=yes, a rediscovery after the estate changed (hmcsim
# restarted with a moved, a renamed, a removed and a new LPAR), ksysd
# killed with SIGKILL during a discovery (the restarted ksysd runs it again,
# once, and no row is duplicated) and a scheduled Quick Discovery.  Every
# wait is bounded.
cd "$(dirname "$0")/../.." || exit 1
BIN=${KSYS_BIN:-$(pwd)/bin}
SCALE=10

. tests/taplib.sh

t_begin discovery ksysd ksysmgr hmcsim ksys-hmc
S="$T/ksysd.sock"

M() { "$BIN/ksysmgr" -s "$S" "$@"; }
simctl() { "$BIN/hmcsim" ctl "$T/ctl.sock" "$@"; }

# topology PORTS-LINE CHANGED: the estate; CHANGED=1 is the same estate after
# rt11002 moved to rt12, rt11003 was renamed web03 (same UUID), rt12004 was
# removed and rt11005 was added.
topology() {
	cat <<EOF
hmc{ name = "hmc1", user = "hscroot", password = "abc123", $1 }
hmc{ name = "hmc2", user = "hscroot", password = "abc123", $2 }
local hosts = { { "rt11", "8286-42A*0607585" }, { "rt12", "8286-42A*2100E5W" },
                { "rt13", "9009-42A*21E0B2V" } }
local vioses = {}
for _, h in ipairs(hosts) do
	host{ name = h[1], mtms = h[2], proc = 24, mem_gb = 512, hmcs = { "hmc1", "hmc2" } }
	for v = 1, 2 do
		vios{ name = h[1] .. "v" .. v, host = h[1], proc = 1.0, mem_gb = 8 }
		vioses[#vioses + 1] = h[1] .. "v" .. v
	end
end
local lpars = {
	{ "rt11001", "rt11" }, { "rt11002", "rt11" }, { "rt11003", "rt11" }, { "rt11004", "rt11" },
	{ "rt12001", "rt12" }, { "rt12002", "rt12" }, { "rt12003", "rt12" }, { "rt12004", "rt12" },
	{ "rt13001", "rt13" }, { "rt13002", "rt13" },
}
if $3 == 1 then
	lpars[2][2] = "rt12"
	lpars[3] = { "web03", "rt11", "$4" }
	table.remove(lpars, 8)
	lpars[#lpars + 1] = { "rt11005", "rt11" }
end
for _, l in ipairs(lpars) do
	lpar{ name = l[1], host = l[2], proc = 0.5, mem_gb = 4, uuid = l[3] }
end
disk{ id = "6005076801810179D000000000000A01", size_gb = 20, vioses = vioses }
disk{ id = "6005076801810179D000000000000A02", size_gb = 10, vioses = vioses }
disk{ id = "6005076801810179D000000000000A03", size_gb = 10, vioses = { "rt11v1", "rt11v2" } }
timing{ job_start = 0.2, migrate_validate = 1, passthrough = 1 }
EOF
}

start_ksysd() {
	"$BIN/ksysd" -f -d "$T/state" -s "$S" --time-scale "$SCALE" 2>>"$T/ksysd.log" &
	KSYSD_PID=$!
	wait_for "$T/ksysd.log" "ksysd\\[$KSYSD_PID\\].*event=start .*socket_served=yes" 20
}

# both HMCs up in ksysd's eyes (bounded)
hmcs_up() {
	_i=0
	while [ $_i -lt 100 ]; do
		[ "$(M -v query hmc 2>/dev/null | grep -c '^State: *up$')" -eq 2 ] && return 0
		sleep 0.2; _i=$((_i + 1))
	done
	return 1
}

# the newest action's id and state
latest_id() { M query action 2>/dev/null | awk '/^ID:/ { print $2; exit }'; }
action_state() {
	M query action 2>/dev/null | awk -v id="$1" '/^ID:/ { cur = $2 } /^State:/ && cur == id { print $2 }'
}

topology "" "" 0 "" >"$T/topo1.lua"
"$BIN/hmcsim" -c "$T/topo1.lua" -l 127.0.0.1:0 --ctl "$T/ctl.sock" --state-dir "$T/sim" \
	--time-scale "$SCALE" >"$T/sim.out" 2>"$T/sim.err" &
SIM_PID=$!
if ! wait_for "$T/sim.out" '^hmcsim ready' 20; then
	ok 1 "hmcsim started"; sed 's/^/#   /' "$T/sim.err" | tail -n 5; done_testing; exit 1
fi
HMC1=$(sed -n 's/.* hmc1=\([^ ]*\).*/\1/p' "$T/sim.out" | head -n 1)
HMC2=$(sed -n 's/.* hmc2=\([^ ]*\).*/\1/p' "$T/sim.out" | head -n 1)
if ! start_ksysd; then
	ok 1 "ksysd started"; tail -n 5 "$T/ksysd.log" | sed 's/^/#   /'; done_testing; exit 1
fi
# this ksysd must serve discovery (the engine is wired in main.c)
M discover host_group NOPE >"$T/probe" 2>&1
if grep -q "discovery engine of this ksysd is not running\|not served by this ksysd" "$T/probe"; then
	echo "1..0 # SKIP this ksysd does not serve discovery yet: $(head -n 1 "$T/probe")"
	exit 0
fi

# ---- setup through ksysmgr ----
expect_rc 0 "add hmc hmc1" M add hmc hmc1 login=hscroot password=abc123 ip="${HMC1%:*}" port="${HMC1##*:}"
expect_rc 0 "add hmc hmc2" M add hmc hmc2 login=hscroot password=abc123 ip="${HMC2%:*}" port="${HMC2##*:}"
hmcs_up; ok $? "both HMCs are up"
for h in rt11 rt12 rt13; do
	expect_rc 0 "add host $h" M add host $h
done
REPO=$(simctl show disks | awk 'NR == 1 { print $4 }')
HA=$(simctl show disks | awk 'NR == 2 { print $4 }')
[ -n "$REPO" ] && [ -n "$HA" ]; ok $? "the sim shows the ViodiskIDs of its two disks"
expect_rc 0 "add host_group HG1 without disks" M add host_group HG1 hosts=rt11,rt12

# ---- refusals ----
expect_rc 1 "discover an unknown host group" M discover host_group NOPE
like "host group 'NOPE' does not exist; host groups: HG1" "names the known host groups"
expect_rc 1 "the first discovery needs the disks" M discover host_group HG1
like "has no repo_disk and no ha_disk.*repo_disk=ViodiskID.*ksysmgr query viodisk" \
	"says how to set them"
expect_rc 1 "no verification before a discovery" M verify host_group HG1
like "never discovered successfully; run 'ksysmgr discover host_group HG1' first" "says so"
expect_rc 1 "lpm action=migrate is refused" M lpm vm rt11001 action=migrate
like "serves only action=validate" "only validate is served"
expect_rc 2 "lpm without action= is a usage error" M lpm vm rt11001
expect_rc 1 "lpm to= a host outside the VM's group" M lpm vm rt11001 to=rt13 action=validate
like "host rt13 is not in host group HG1 of VM rt11001" "names the group"
expect_rc 1 "lpm to= the VM's own host" M lpm vm rt11001 to=rt11 action=validate
like "VM rt11001 already runs on host rt11" "says so"
expect_rc 1 "lpm of a VM whose host is in no group" M lpm vm rt13001 action=validate
like "VM rt13001 is on host rt13, which is in no host group" "says so"

expect_rc 0 "modify host_group HG1 repo_disk ha_disk" \
	M modify host_group HG1 repo_disk="$REPO" ha_disk="$HA"
expect_rc 0 "modify system ha_monitor=enable" M modify system ha_monitor=enable
expect_rc 0 "modify vm rt11001,rt12001 ha_monitor=enable" \
	M modify vm rt11001,rt12001 ha_monitor=enable

# ---- first discovery, verify=yes ----
expect_rc 0 "discover host_group HG1 verify=yes" M discover host_group HG1 verify=yes
cp "$T/out" "$T/disc1"
{
	printf 'Running discovery on Host_group HG1, this may take few minutes...\n'
	printf '\tSSP creation started for Host_group HG1\n'
	printf '\tSSP creation completed for Host_group HG1\n'
	for h in rt11 rt12; do
		printf '\tPreparing VIOS in %s for HA management\n' $h
		printf '\tVIOS in %s prepared for HA management\n' $h
	done
	for v in rt11001 rt11002 rt11003 rt11004 rt12001 rt12002 rt12003 rt12004; do
		printf '\tDiscovery has started for VM %s\n' $v
		printf '\tConfiguration information retrieval started for VM %s\n' $v
		printf '\tConfiguration information retrieval completed for VM %s\n' $v
		printf '\tDiscovery for VM %s is complete\n' $v
		if [ $v = rt11001 ] || [ $v = rt12001 ]; then
			printf '\tStarting HA monitoring for VM %s\n' $v
			printf '\tHA monitoring for VM %s started successfully\n' $v
		fi
		printf '\t%s verification has started\n' $v
		printf '\t%s verification has completed\n' $v
	done
	printf 'Discovery has finished for HG1\n'
	printf '8 out of 8 managed VMs have been successfully discovered\n'
	printf '\n'
	printf 'Host_group verification started for HG1\n'
	printf 'Verification has finished for HG1\n'
	printf '8 out of 8 VMs have been successfully verified\n'
} >"$T/golden1"
sort "$T/golden1" >"$T/golden1.s"
sort "$T/disc1" >"$T/disc1.s"
cmp -s "$T/golden1.s" "$T/disc1.s"; ok $? "first discovery: the Redbook's lines, nothing else"
cmp -s "$T/golden1.s" "$T/disc1.s" || diff "$T/golden1.s" "$T/disc1.s" | head -n 20 | sed 's/^/#   /'
is "$(head -n 1 "$T/disc1")" "Running discovery on Host_group HG1, this may take few minutes..." \
	"the first line"
is "$(sed -n 2p "$T/disc1")" "$(printf '\tSSP creation started for Host_group HG1')" \
	"then the SSP lines"
last_vm=$(grep -n 'Discovery for VM\|HA monitoring for VM .* started' "$T/disc1" | tail -n 1 | cut -d: -f1)
fin=$(grep -n '^Discovery has finished for HG1$' "$T/disc1" | cut -d: -f1)
[ -n "$last_vm" ] && [ -n "$fin" ] && [ "$last_vm" -lt "$fin" ]
ok $? "the summary comes after every VM's lines"
vstart=$(grep -n '^Host_group verification started' "$T/disc1" | cut -d: -f1)
[ -n "$vstart" ] && [ "$vstart" -gt "$fin" ]; ok $? "verification follows the discovery"
is "$(tail -n 1 "$T/disc1")" "8 out of 8 VMs have been successfully verified" "the last line"

simctl show passthru >"$T/pt"
like '^VIO_HS_ADD_MS 2$' "one VIO_HS_ADD_MS per host" pt
like '^VIO_HS_ADD_VM 2$' "one VIO_HS_ADD_VM per host batch" pt
like '^VIO_HS_START_VM 2$' "one VIO_HS_START_VM per host batch" pt
like '^rt11001 added=yes started=yes$' "a monitored VM was added and started" pt
simctl show passthru rt12002 >"$T/pt2"
like '^rt12002 added=no started=no$' "rt12002 (VM monitoring not enabled) was not" pt2
grep -q '^rt13' "$T/pt"; [ $? -ne 0 ]; ok $? "nothing was sent for rt13 (not in the group)"

expect_rc 0 "query vm rt11001" M query vm rt11001
like '^State: +READY_TO_MOVE$' "a verified VM is READY_TO_MOVE"
expect_rc 0 "query vm -v rt11001" M -v query vm rt11001
like ': +Validated to rt12$' "its LPM validation status names the target"
expect_rc 0 "query action" M query action
like '^Kind: +discover$' "the discovery is an action"

# ---- a VM without RMC connection ----
simctl fault rmc-down rt11004 >/dev/null
expect_rc 1 "verify host_group HG1 with rt11004's RMC down" M verify host_group HG1
like "^	ERROR: Verify has encountered an error for VM rt11004$" "the VM's error line"
like '^7 out of 8 VMs have been successfully verified$' "the count"
like '^Unverified VMs:$' "the list header"
like '^Following error is returned for VM rt11004:$' "the error section"
like 'HSCL2957' "with the HMC's HSCL2957 text"
like '^Please review the error\(s\) and take any corrective actions$' "the closing line"
expect_rc 0 "query vm rt11004" M -v query vm rt11004
like '^State: +VERIFY_FAILED$' "query vm shows the failed verification"

# ---- LPM validation on demand ----
expect_rc 0 "lpm vm rt11001 action=validate" M lpm vm rt11001 action=validate
like '^LPM validation started for VM rt11001$' "header"
like '^	rt11001 validation has completed$' "per VM line"
like '^1 out of 1 VMs have been successfully validated$' "count"
expect_rc 1 "lpm vm rt11004 to=rt12 action=validate" M lpm vm rt11004 to=rt12 action=validate
like 'HSCL2957' "the HMC's error"
expect_rc 0 "lpm host rt12 action=validate" M lpm host rt12 action=validate
like '^4 out of 4 VMs have been successfully validated$' "every managed VM of rt12"
simctl clear rmc-down rt11004 >/dev/null

# ---- a first discovery whose repository disk some VIOSs do not see ----
ONLY11=$(simctl show disks | awk 'NR == 3 { print $4 }')
expect_rc 0 "add host_group HG2 hosts=rt13 with a disk rt13's VIOSs do not see" \
	M add host_group HG2 hosts=rt13 repo_disk="$ONLY11" ha_disk="$HA"
expect_rc 1 "discover host_group HG2" M discover host_group HG2
like "^	ERROR: repository disk $ONLY11 is not visible on VIOS rt13v1$" "names the disk and the VIOS"
like "^	ERROR: SSP creation failed for Host_group HG2$" "the SSP step fails"
grep -q 'Preparing VIOS' "$T/out"; [ $? -ne 0 ]; ok $? "nothing is prepared"
expect_rc 1 "verify host_group HG2 after the failed discovery" M verify host_group HG2
like "never discovered successfully" "is refused"

# ---- pass-through failures: failover, then a group that cannot be prepared ----
# Every request of the group goes to its designated VIOS (the first running
# managed one by name, rt11v1) and fails over to the group's other VIOSs.
simctl fault rmc-down rt11v1 >/dev/null
expect_rc 0 "discover with rt11v1 unreachable through RMC" M discover host_group HG1
like "^	VIOS in rt11 prepared for HA management$" "rt11 is prepared through rt11v2"
like 'event=passthru_failed host=rt11 vios=rt11v1 request=VIO_HS_ADD_MS .*HSCL2970' \
	"the failure on rt11v1 is logged" ksysd.log
simctl fault rmc-down rt11v2 >/dev/null
: >"$T/ksysd.log.mark"; wc -l <"$T/ksysd.log" >"$T/ksysd.log.mark"
expect_rc 0 "discover with both of rt11's VIOSs unreachable" M discover host_group HG1
like "^	VIOS in rt11 prepared for HA management$" "rt11 is prepared through a VIOS of rt12"
tail -n +"$(cat "$T/ksysd.log.mark")" "$T/ksysd.log" >"$T/newlog"
like 'event=passthru_submit host=rt11 vios=rt12v1 request=VIO_HS_ADD_MS' \
	"the request went to rt12v1, the group's next VIOS" newlog
simctl fault rmc-down rt12v1 >/dev/null
simctl fault rmc-down rt12v2 >/dev/null
expect_rc 1 "discover verify=yes with no reachable VIOS in the group" \
	M discover host_group HG1 verify=yes
like "^	ERROR: Preparing VIOS in rt11 for HA management failed: VIOS rt11v1: Job execution on HMC failed with status <COMPLETED_WITH_ERROR>. Message: <HSCL2970 .*>.; VIOS rt11v2: .*HSCL2970.*; VIOS rt12v1: .*; VIOS rt12v2: .*HSCL2970" \
	"names every VIOS tried and the HMC's error"
like "^	ERROR: Starting HA monitoring for VM rt11001 failed: the VIOSs of host rt11 are not prepared" \
	"the host's monitored VM is not monitored"
like '^ERROR: Discovery has encountered an error for Host_group HG1 please investigate$' \
	"the discovery reports an error"
like '^6 out of 8 managed VMs have been successfully discovered$' \
	"rt11001 and rt12001 (monitored, on unprepared hosts) fail"
like '^Host_group verification started for HG1$' "the verification still runs"
like '^8 out of 8 VMs have been successfully verified$' "and validates every VM"
for v in rt11v1 rt11v2 rt12v1 rt12v2; do
	simctl clear rmc-down $v >/dev/null
done

# ---- a second terminal follows a running discovery ----
simctl fault hmc-slow all 300 >/dev/null
before=$(latest_id)
M discover host_group HG1 >"$T/d2" 2>&1 &
D2=$!
i=0
while [ $i -lt 100 ] && [ "$(latest_id)" = "$before" ]; do sleep 0.1; i=$((i + 1)); done
ID=$(latest_id)
[ "$ID" != "$before" ]; ok $? "the discovery has an action id ($ID)"
is "$(action_state "$ID")" running "it is running"
timeout 60 "$BIN/ksysmgr" -s "$S" query action "$ID" monitor=yes >"$T/mon" 2>&1
mrc=$?
wait $D2
drc=$?
is "$mrc" "$drc" "monitor=yes exits with the discovery's status ($drc)"
cmp -s "$T/d2" "$T/mon"; ok $? "and printed the same lines as the first terminal"
like '^Discovery has finished for HG1$' "to the end" mon

# ---- the estate changes: rediscovery reports it ----
U3=$(simctl show vms rt11003 | awk '{ print $6 }')
stop_pids $SIM_PID
topology "port = ${HMC1##*:}," "port = ${HMC2##*:}," 1 "$U3" >"$T/topo2.lua"
"$BIN/hmcsim" -c "$T/topo2.lua" --ctl "$T/ctl.sock" --state-dir "$T/sim" \
	--time-scale "$SCALE" >"$T/sim2.out" 2>"$T/sim2.err" &
SIM_PID=$!
wait_for "$T/sim2.out" '^hmcsim ready' 20; ok $? "hmcsim restarted with the changed estate"
hmcs_up; ok $? "ksysd sees both HMCs again"

expect_rc 0 "rediscover host_group HG1" M discover host_group HG1
like "^	VM rt11002 moved from host rt11 to host rt12$" "a moved LPAR"
like "^	VM rt11003 was renamed to web03 on host rt11$" "a renamed LPAR"
like "^	VM rt11005 is new on host rt11$" "a new LPAR"
like "^	VM rt12004 was removed from host rt12$" "a removed LPAR"
like '^8 out of 8 managed VMs have been successfully discovered$' "the count"
grep -q 'SSP creation' "$T/out"; [ $? -ne 0 ]; ok $? "no SSP step after the first discovery"
expect_rc 0 "query vm web03" M query vm web03
like "^UUID: +$U3$" "web03 kept rt11003's UUID"
expect_rc 1 "query vm rt12004" M query vm rt12004
expect_rc 0 "query vm rt11002" M query vm rt11002
like '^Host: +rt12$' "rt11002 is on rt12"

# ---- SIGKILL during a discovery ----
simctl fault hmc-slow all 300 >/dev/null
M -o json query vm >"$T/vms1" 2>&1
before=$(latest_id)
M discover host_group HG1 >/dev/null 2>&1 &
D3=$!
i=0
while [ $i -lt 100 ] && [ "$(latest_id)" = "$before" ]; do sleep 0.1; i=$((i + 1)); done
KID=$(latest_id)
sleep 0.3
kill -9 "$KSYSD_PID"
wait "$KSYSD_PID" 2>/dev/null
wait $D3 2>/dev/null
KSYSD_PID=
start_ksysd; ok $? "ksysd restarted"
i=0
while [ $i -lt 150 ]; do
	NID=$(latest_id)
	[ -n "$NID" ] && [ "$NID" != "$KID" ] && [ "$(action_state "$NID")" = done ] && break
	sleep 0.2; i=$((i + 1))
done
is "$(action_state "$KID")" interrupted "the killed discovery is interrupted"
[ -n "$NID" ] && [ "$NID" -gt "$KID" ]; ok $? "a new discovery ran ($NID)"
is "$(action_state "$NID")" done "and finished"
expect_rc 0 "query action $NID" M query action "$NID"
like "^Discovery of Host_group HG1 runs again: action $KID was interrupted when ksysd stopped$" \
	"it says it is the rerun"
like '^Discovery has finished for HG1$' "a whole discovery"
M -o json query vm >"$T/vms2" 2>&1
cmp -s "$T/vms1" "$T/vms2"; ok $? "the VM rows are the same as before the kill (no duplicates)"
n1=$(tr '{' '\n' <"$T/vms2" | grep -c '"name"')
n2=$(tr '{' '\n' <"$T/vms2" | grep -o '"name":"[^"]*"' | sort -u | wc -l)
is "$n1" "$n2" "every VM name once"
sleep 1
is "$(latest_id)" "$NID" "the rerun happens once"
simctl clear hmc-slow all >/dev/null

stop_pids $KSYSD_PID
KSYSD_PID=
grep -q 'event=stopped' "$T/ksysd.log"; ok $? "ksysd stopped cleanly"

# ---- a scheduled Quick Discovery: the last one is made 1.5 s from due ----
seed() {
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "$T/state/ksys.db" "$1"
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' \
			"$T/state/ksys.db" "$1"
	else
		return 1
	fi
}
last=$(( $(date +%s) * 1000 - 3600000 / SCALE + 1500 ))
if seed "INSERT INTO schedule(name, last_ms) VALUES('quick_discovery', $last) ON CONFLICT(name) DO UPDATE SET last_ms = $last"; then
	before=$NID             # the newest action so far (ksysd is down now)
	start_ksysd; ok $? "ksysd started again"
	i=0
	while [ $i -lt 100 ]; do
		QID=$(latest_id)
		[ -n "$QID" ] && [ "$QID" != "$before" ] && [ "$(action_state "$QID")" = done ] && break
		sleep 0.1; i=$((i + 1))
	done
	[ -n "$QID" ] && [ "$QID" != "$before" ]; ok $? "a scheduled discovery ran ($QID)"
	expect_rc 0 "query action $QID" M query action "$QID"
	like '^Scheduled Quick Discovery of Host_group HG1$' "it is the Quick Discovery"
	like '^Discovery has finished for HG1$' "a whole discovery"
	grep -q 'Host_group verification started' "$T/out"; [ $? -ne 0 ]
	ok $? "Quick Discovery does not verify"
	like 'event=sched_run kind=quick' "logged with the Redbook's marker" ksysd.log
	stop_pids $KSYSD_PID
	KSYSD_PID=
else
	skip "neither sqlite3 nor python3: scheduled discovery not checked"
fi
done_testing
