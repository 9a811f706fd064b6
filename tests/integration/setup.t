#!/bin/sh
# setup.t — the administrator's whole setup sequence (spec/D §6) against
# hmcsim's default estate, through ksysmgr only (TAP).
#
# Cluster (add, verify, sync), two HMCs, four hosts, the shared disks, a host
# group with its disks, unmanaged VMs, a contact, the system switch, VM
# monitoring, discovery with verification; every query's text output in the
# Redbook's layout and as JSON (one document, lower-case labels); refused
# inputs of each kind (unknown attribute, value out of range, unknown object,
# duplicate name) changing nothing; then ksysd restarted: every query answers
# the same.  Every wait is bounded.
cd "$(dirname "$0")/../.." || exit 1
BIN=${KSYS_BIN:-$(pwd)/bin}
SCALE=10

. tests/taplib.sh

t_begin setup ksysd ksysmgr hmcsim
S="$T/ksysd.sock"

M() { "$BIN/ksysmgr" -s "$S" "$@"; }

start_ksysd() {
	"$BIN/ksysd" -f -d "$T/state" -s "$S" --time-scale "$SCALE" 2>>"$T/ksysd.log" &
	KSYSD_PID=$!
	wait_for "$T/ksysd.log" "ksysd\\[$KSYSD_PID\\].*event=start .*socket_served=yes" 20
}

# golden NAME DESC: $T/out must equal the here-document on stdin
golden() {
	cat >"$T/$1.want"
	cmp -s "$T/$1.want" "$T/out"
	ok $? "$2"
	cmp -s "$T/$1.want" "$T/out" || diff "$T/$1.want" "$T/out" | head -n 20 | sed 's/^/#   /'
}

# json_keys DESC KEYS...: $T/out is one JSON array of objects with exactly
# these keys (python3), or the check is skipped
json_keys() {
	_d=$1; shift
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$T/out" "$@" <<'EOF' 2>"$T/jerr"
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and d, "not a non-empty array"
want = set(sys.argv[2:])
for r in d:
    assert set(r) == want, "keys %s" % sorted(r)
EOF
		ok $? "$_d"
		[ -s "$T/jerr" ] && sed 's/^/#   /' "$T/jerr"
	else
		skip "python3 missing: $_d"
	fi
}

start_sim || { echo "1..0 # SKIP hmcsim did not start"; exit 0; }
start_ksysd; ok $? "ksysd starts with no HMC at all"

# ---- 1. the KSYS cluster ----
expect_rc 0 "add ksyscluster" M add ksyscluster ITSO_HA type=HA
golden cluster_add "the Redbook's add message" <<'EOF'
Adding node to current cluster configuration
Ksyscluster has been created, please run: "ksysmgr verify ksyscluster <ksysclustername>"
EOF
expect_rc 1 "a second cluster is refused" M create cl OTHER type=HA
expect_rc 0 "verify ksyscluster" M verify ksyscluster ITSO_HA
expect_rc 0 "sync ksyscluster" M sync cl ITSO_HA
like "^KSYS subsystem has started, you can begin adding HMCs, Hosts, etc$" "started"
expect_rc 0 "query ksyscluster" M q cl
golden cluster_q "query ksyscluster: 17-column labels, Online" <<'EOF'
Name:            ITSO_HA
State:           Online
Type:            HA
EOF

# ---- 2. HMCs ----
expect_rc 0 "add hmc hmc1" M add hmc hmc1 login=hscroot password=abc123 \
	ip="${HMC1%:*}" port="${HMC1#*:}"
like "^HMC hmc1 at ${HMC1} presents TLS key sha256//" "the key it pins is shown"
like "^HMC hmc1 added successfully$" "the Redbook's message"
expect_rc 0 "add hmc hmc2" M add hmc hmc2 login=hscroot password=abc123 \
	ip="${HMC2%:*}" port="${HMC2#*:}"
expect_rc 1 "a duplicate HMC name" M add hmc hmc1 login=hscroot password=abc123 ip=127.0.0.1
like "HMC 'hmc1' already exists" "names it"
expect_rc 2 "a port out of range" M add hmc hmc9 login=a password=b ip=127.0.0.1 port=70000
like "port=70000: expected an integer from 1 to 65535" "says the range"
expect_rc 2 "an unknown attribute" M add hmc hmc9 login=a password=b ip=127.0.0.1 colour=red
like "unknown attribute 'colour' for add hmc; attributes: login, password, ip, port" \
	"lists the attributes"
expect_rc 1 "a wrong password" M add hmc hmc9 login=hscroot password=wrong \
	ip="${HMC1%:*}" port="${HMC1#*:}"
expect_rc 0 "query hmc" M query hmc hmc1
golden hmc_q "query hmc: the Redbook's layout with every managed host" <<'EOF'
Name:                hmc1
Ip:                  127.0.0.1
Login:               hscroot

                        Managed Host List:

Host Name                               Uuid
=========                               ====
rt11                                    B8B342E4-D60E-36DF-A128-F2166A43FB5B
rt12                                    D5AF6AFE-FF40-302B-BF5E-EDEE83722D1A
rt13                                    DFA70054-FEA7-34FD-8068-30F744501B93
rt14                                    1CA297FE-EE7A-3E63-9B78-587E252DB7E2
============================================================================
EOF
grep -q abc123 "$T/out"; [ $? -ne 0 ]; ok $? "no password shown"
expect_rc 0 "query hmc as JSON" M -o json query hmc
json_keys "query hmc JSON: name, ip, login, hosts" name ip login hosts
expect_rc 0 "only hmc1 and hmc2 are configured" M query hmc
is "$(grep -c '^Name:' "$T/out")" 2 "two HMCs (the refused ones were not stored)"

# ---- 3. hosts ----
for h in rt11 rt12 rt13 rt14; do
	expect_rc 0 "add host $h" M add host $h
done
like "^Host rt14 added successfully$" "the Redbook's message"
expect_rc 1 "an unknown host" M add host rt99
like "no HMC manages a host named 'rt99' \\(known: rt11, rt12, rt13, rt14\\)" \
	"lists the known hosts"
expect_rc 1 "a host added twice" M add host rt11
expect_rc 0 "query host rt11" M query host rt11
golden host_q "query host before discovery (Ex 3-28)" <<'EOF'
Name:                rt11
UUID:                B8B342E4-D60E-36DF-A128-F2166A43FB5B
FspIp:               Must run discovery first to populate
Host_group:          No host_group defined
VIOS:                rt11v1
                     rt11v2
HMCs:                hmc1
                     hmc2
HA_monitor:          enable
VM_failure_detection_speed:    normal
EOF
expect_rc 0 "query host as JSON" M -o json query host
json_keys "query host JSON" name uuid fspip host_group vios hmcs ha_monitor \
	vm_failure_detection_speed

# ---- 4. VIOSs and shared disks ----
expect_rc 0 "query vios rt11v1" M query vios rt11v1
golden vios_q "query vios (Ex 3-29)" <<'EOF'
Name:                rt11v1
UUID:                92752097-7CDA-43BE-BA75-1D9479673026
Host:                rt11
Version:             VIOS 3.1.0.00
State:               MANAGED
HM_versions:         Unknown
EOF
expect_rc 0 "every VIOS of the added hosts is managed" M query vios
is "$(grep -c '^State: *MANAGED$' "$T/out")" 8 "eight managed VIOSs"
expect_rc 0 "query vios as JSON" M -o json query vios
json_keys "query vios JSON" name uuid host version state hm_versions
expect_rc 0 "query viodisk hosts=rt11,rt12" M query viodisk hosts=rt11,rt12
golden viodisk_q "query viodisk (Ex 3-30): the free disks every VIOS sees" <<'EOF'

Looking for free shared disks in these VIOSs:
	rt11v1
	rt11v2
	rt12v1
	rt12v2

This can take a few minutes
These are the shared free disks which appear on all VIOS in the list provided:
DiskNames are as they appear on VIOS rt11v1

DiskName         Size             ViodiskID
-------------------------------------------------------------------------------------------------
hdisk1           20480            01M0lCTTIxNDU2MDA1MDc2ODAxODEwMTc5RDAwMDAwMDAwMDAwMEEwMQ==
hdisk2           10240            01M0lCTTIxNDU2MDA1MDc2ODAxODEwMTc5RDAwMDAwMDAwMDAwMEEwMg==
EOF
REPO=$(awk '$1 == "hdisk1" { print $3 }' "$T/out")
HA=$(awk '$1 == "hdisk2" { print $3 }' "$T/out")
expect_rc 0 "query viodisk as JSON" M -o json query viodisk vios=rt11v1,rt12v2
json_keys "query viodisk JSON" diskname size viodiskid

# ---- 5. the host group ----
expect_rc 0 "add host_group" M add host_group ITSO_HG hosts=rt11,rt12 repo_disk="$REPO" \
	ha_disk="$HA"
golden hg_add "the Redbook's messages" <<'EOF'
Host_group ITSO_HG added successfully
Run discover command to proceed further
EOF
expect_rc 1 "a duplicate host group" M add hg ITSO_HG hosts=rt13
like "host group 'ITSO_HG' already exists" "says so"
expect_rc 1 "a host of another group" M add hg HG2 hosts=rt11
like "host 'rt11' already belongs to host group 'ITSO_HG'" "names the group"
expect_rc 1 "an unknown host" M add hg HG2 hosts=rt99
expect_rc 2 "host_failure_detection_time out of range" \
	M modify hg ITSO_HG host_failure_detection_time=30
like "host_failure_detection_time must be 90-600 seconds, got 30" "says the range"
expect_rc 0 "query host_group" M query host_group
golden hg_q "query host_group (Ex 3-47)" <<'EOF'
Name:                ITSO_HG
Hosts:               rt11
                     rt12
Memory_capacity:     Priority Based Settings
                     high:100
                     medium:100
                     low:100
CPU_capacity:        Priority Based Settings
                     high:100
                     medium:100
                     low:100
Skip_power_on:       No
HA_monitor:          enable
Restart_policy:      auto
VM_failure_detection_speed:    normal
Host_failure_detection_time:   90
EOF

# ---- 6. VMs ----
expect_rc 0 "unmanage two VMs" M unmanage vm name=rt11006,rt11007
golden vm_unmanage "the Redbook's messages (Ex 3-38)" <<'EOF'
VM rt11006 was successfully unmanaged. Please run discovery to apply changes
VM rt11007 was successfully unmanaged. Please run discovery to apply changes
EOF
expect_rc 1 "an unknown VM" M unmanage vm name=rt99001
expect_rc 0 "query vm" M query vm
like "^Unmanaged VMs:$" "the unmanaged list"
sed -n '/^Unmanaged VMs:$/,$p' "$T/out" >"$T/unm"
is "$(grep -c '^	rt1100[67]$' "$T/unm")" 2 "holds rt11006 and rt11007"
is "$(sed -n '/^Managed VMs:$/,/^$/p' "$T/out" | grep -c '^	rt')" 38 "38 managed VMs"
expect_rc 0 "query vm as JSON" M -o json query vm
json_keys "query vm list JSON" name managed
expect_rc 0 "modify vm priority" M modify vm rt11001,rt12001 priority=High
golden vm_mod "one line per VM (Ex 3-67)" <<'EOF'
For VM rt11001 attribute(s) 'priority' was successfully modified.
For VM rt12001 attribute(s) 'priority' was successfully modified.
EOF
expect_rc 2 "an unknown priority" M modify vm rt11001 priority=urgent
expect_rc 0 "VM monitoring for rt11002" M modify vm rt11002 ha_monitor=enable

# ---- 7. contacts, 8. the system switch ----
expect_rc 0 "add notify" M add notify user=admin contact=admin@example.com
like "^successfully added user info$" "the Redbook's message"
expect_rc 0 "query notify" M query notify
golden notify_q "query notify (17-column labels)" <<'EOF'
User:            admin
Contact:         admin@example.com
EOF
expect_rc 0 "modify system ha_monitor=enable" M modify system ha_monitor=enable
golden sys_mod "the Redbook's message" <<'EOF'
KSYS ha_monitor has been updated
EOF
expect_rc 2 "a system value out of range" M modify system host_failure_detection_time=30
expect_rc 0 "query system" M query system
golden sys_q "query system (Ex 3-34, 29-column labels)" <<'EOF'
System-Wide Persistent Attributes
auto_discovery_time:         00:00 hours
notification_level:          low
dup_event_processing:        yes
ha_monitor:                  enable
host_failure_detection_time: 90 seconds
vm_failure_detection_speed:  normal
restart_policy:              auto
User Scripts for Host Group:
EOF

# ---- 9. discovery and verification ----
expect_rc 0 "discover host_group ITSO_HG verify=yes" M discover host_group ITSO_HG verify=yes
is "$(head -n 1 "$T/out")" "Running discovery on Host_group ITSO_HG, this may take few minutes..." \
	"the first line"
like "^	Preparing VIOS in rt11 for HA management$" "rt11 prepared"
like "^	HA monitoring for VM rt11002 started successfully$" "rt11002 monitored"
is "$(grep -c 'Starting HA monitoring' "$T/out")" 1 "only the VM that opted in"
like "^18 out of 18 managed VMs have been successfully discovered$" "every managed VM"
like "^	rt12007 is not activated; its verification is skipped$" \
	"a powered-off VM is not verified"
like "^17 out of 17 VMs have been successfully verified$" "the others are"
expect_rc 0 "query vm rt11002" M query vm rt11002
golden vm_q "query vm NAME after verification (Ex 3-48)" <<'EOF'
Name:                rt11002
UUID:                4D319BB1-BDD4-40E0-B76B-1AA67F77EF18
State:               READY_TO_MOVE
Host:                rt11
Priority:            Medium
VM_failure_detection_speed:    normal
HA_monitor:          enable
Homehost:            rt11
VM_status:           NO_OPERATION_IN_PROGRESS
Version_conflict:    No
EOF
expect_rc 0 "query vm NAME as JSON" M -o json query vm rt11002,rt12003
json_keys "query vm JSON" name uuid state host priority vm_failure_detection_speed \
	ha_monitor homehost blacklist_hosts vm_status version_conflict
expect_rc 0 "query action" M query action
like "^Kind:                discover$" "the discovery is an action"
like "^State:               done$" "that succeeded"

# ---- everything survives a restart ----
for q in "q cl" "q hmc" "q host" "q vios" "q hg" "q vm" "q vm rt11002" "q notify" \
	"q system" "-o json q vm rt11002"; do
	M $q >"$T/before.$(echo "$q" | tr ' ' _)" 2>&1
done
stop_pids $KSYSD_PID
KSYSD_PID=
start_ksysd; ok $? "ksysd restarts on the same state directory"
same=0
for q in "q cl" "q hmc" "q host" "q vios" "q hg" "q vm" "q vm rt11002" "q notify" \
	"q system" "-o json q vm rt11002"; do
	f="$T/before.$(echo "$q" | tr ' ' _)"
	M $q >"$T/after" 2>&1
	if cmp -s "$f" "$T/after"; then same=$((same + 1)); else diag "differs: $q"; fi
done
is "$same" 10 "every query answers as before the restart"

[ $failed -eq 0 ] || { diag "ksysd log:"; tail -n 20 "$T/ksysd.log" | sed 's/^/#   /'; }
done_testing
