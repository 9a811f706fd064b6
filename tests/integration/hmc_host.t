#!/bin/sh
# hmc_host.t — ksysmgr's hmc and host classes against hmcsim (TAP).
#
# ksysd starts with no HMC in any configuration file.  add hmc (the TLS key
# shown and pinned, the logon checked first: a wrong password, an unreachable
# address, a duplicate name or address store nothing), query hmc in the
# Redbook's layout with the hosts each HMC manages (text, -v, JSON), a
# restart with both HMCs down (HMCs and their hosts come back from ksys.db),
# add host (its VIOSs and VMs stored; unknown names and a mismatched uuid=
# refused; ambiguous names are covered by tests/unit/test_inventory.c since
# hmcsim's host names are unique), query/modify/delete host, delete hmc
# refused while a grouped host needs it, modify hmc, and an HMC of the
# configuration file refused for modify/delete.  Every wait is bounded.
cd "$(dirname "$0")/../.." || exit 1
BIN=${KSYS_BIN:-$(pwd)/bin}
SCALE=10

. tests/taplib.sh

t_begin hmc_host ksysd ksys-hmc ksysmgr hmcsim

S="$T/ksysd.sock"
M() { "$BIN/ksysmgr" -s "$S" "$@"; }
sim() { "$BIN/hmcsim" ctl "$T/ctl.sock" "$@" >/dev/null 2>&1; }
if command -v sqlite3 >/dev/null 2>&1; then
	db() { sqlite3 "$T/state/ksys.db" "$1" 2>&1; }
elif command -v python3 >/dev/null 2>&1; then
	db() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("\n".join("|".join(str(x) for x in r) for r in c.execute(sys.argv[2])))' "$T/state/ksys.db" "$1" 2>&1; }
else
	db() { echo "no sqlite3"; }
fi
json_ok() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -m json.tool "$T/out" >/dev/null 2>&1
		ok $? "$1"
	else
		skip "python3 missing: $1"
	fi
}

# start_ksysd [ARGS...]: a fresh log per start; waits for the socket.
starts=0
start_ksysd() {
	starts=$((starts + 1))
	LOG="$T/ksysd.$starts.log"
	"$BIN/ksysd" -f -d "$T/state" -s "$S" --time-scale "$SCALE" "$@" 2>"$LOG" &
	KSYSD_PID=$!
	wait_for "$LOG" 'event=start .*socket_served=yes' 20
}
stop_ksysd() {
	kill -TERM "$KSYSD_PID"
	_i=0
	while kill -0 "$KSYSD_PID" 2>/dev/null && [ $_i -lt 150 ]; do sleep 0.1; _i=$((_i + 1)); done
	wait "$KSYSD_PID"; _rc=$?
	KSYSD_PID=
	[ "$_rc" -eq 0 ]; ok $? "ksysd stops on SIGTERM with status 0 (got $_rc)"
}
# wait_hosts N NAME...: until query hmc lists N hosts under each HMC named.
wait_hosts() {
	_want=$1; shift
	_i=0
	while [ $_i -lt 100 ]; do
		_good=0
		for _h in "$@"; do
			_c=$(M query hmc "$_h" 2>/dev/null | grep -c '^rt1[0-9]  ')
			[ "$_c" -eq "$_want" ] && _good=$((_good + 1))
		done
		[ $_good -eq $# ] && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

if ! start_sim; then
	ok 1 "hmcsim started"
	echo "1..$n"; exit 1
fi
A1=${HMC1%:*} P1=${HMC1##*:} A2=${HMC2%:*} P2=${HMC2##*:}
PIN=$("$BIN/ksys-hmc" -H "$HMC1" fingerprint 2>/dev/null | head -n 1)
case "$PIN" in sha256//*) ok 0 "ksys-hmc fingerprint gives the simulator's pin";;
*) ok 1 "ksys-hmc fingerprint gives the simulator's pin (got '$PIN')";; esac
RT11=B8B342E4-D60E-36DF-A128-F2166A43FB5B
RT12=D5AF6AFE-FF40-302B-BF5E-EDEE83722D1A
RT13=DFA70054-FEA7-34FD-8068-30F744501B93
RT14=1CA297FE-EE7A-3E63-9B78-587E252DB7E2

start_ksysd
ok $? "ksysd starts with no configuration file"
expect_rc 0 "query hmc with no HMC" M query hmc
like "^No HMC is configured; add one with 'ksysmgr add hmc'" "it says how to add one"

# ---- add hmc -------------------------------------------------------------------
expect_rc 0 "add hmc hmc1" M add hmc hmc1 login=hscroot password=abc123 ip="$A1" port="$P1"
like "^HMC hmc1 at $A1:$P1 presents TLS key sha256//" "the TLS key is shown"
grep -qF "$PIN" "$T/out"; ok $? "it is the key ksys-hmc fingerprint shows"
like '^HMC hmc1 added successfully$' "the Redbook's confirmation"
is "$(db "SELECT pin, tls_verify, user, port FROM hmc WHERE name = 'hmc1'")" \
	"$PIN|1|hscroot|$P1" "the pin, login and port are stored, verification on"
expect_rc 1 "add hmc with a wrong password is refused" \
	M add hmc hmc2 login=hscroot password=wrong ip="$A2" port="$P2"
like "^ksysmgr: add hmc hmc2: the HMC refused the logon of user 'hscroot': wrong login or password" \
	"the refusal says the logon was refused"
is "$(db "SELECT count(*) FROM hmc WHERE name = 'hmc2'")" 0 "nothing is stored"
expect_rc 1 "the refused HMC is not configured" M query hmc hmc2
expect_rc 1 "add hmc with an existing name is refused" \
	M add hmc hmc1 login=hscroot password=abc123 ip="$A2" port="$P2"
like "HMC 'hmc1' already exists" "the refusal names the HMC"
expect_rc 1 "add hmc with an address already configured is refused" \
	M add hmc hmcz login=hscroot password=abc123 ip="$A1" port="$P1"
like "$A1:$P1 is already configured as HMC 'hmc1'" "the refusal names the other HMC"
expect_rc 2 "add hmc without password= and ip= is a usage error" M add hmc hmc3 login=hscroot
like "missing password= ip=" "the message names the missing attributes"
expect_rc 1 "add hmc of an address where nothing listens is refused" \
	M add hmc hmc3 login=hscroot password=abc123 ip=127.0.0.1 port=1
like "^ksysmgr: add hmc hmc3: cannot read the TLS key" "the refusal says why"
is "$(db "SELECT count(*) FROM hmc")" 1 "only hmc1 is stored"
expect_rc 0 "add hmc hmc2" M add hmc hmc2 login=hscroot password=abc123 ip="$A2" port="$P2"
like '^HMC hmc2 added successfully$' "hmc2 added"

# ---- query hmc -------------------------------------------------------------------
wait_hosts 4 hmc1 hmc2
ok $? "both HMCs' inventories are read"
expect_rc 0 "query hmc hmc1" M query hmc hmc1
cat >"$T/want" <<EOF
Name:                hmc1
Ip:                  $A1
Login:               hscroot

                        Managed Host List:

Host Name                               Uuid
=========                               ====
rt11                                    $RT11
rt12                                    $RT12
rt13                                    $RT13
rt14                                    $RT14
============================================================================
EOF
cmp -s "$T/out" "$T/want"
ok $? "query hmc: the Redbook's layout with the 4 managed hosts"
[ $? -eq 0 ] || diff "$T/want" "$T/out" | sed 's/^/#   /'
expect_rc 0 "query hmc (both)" M query hmc
c=$(grep -c '^============================================================================$' "$T/out")
[ "$c" -eq 2 ]; ok $? "two records, each closed by the 76-column rule (got $c)"
like '^$' "records are separated by a blank line"
expect_rc 0 "query hmc -v" M -v query hmc hmc1
like "^Port:                $P1$" "-v shows the port"
like '^State:               up$' "-v shows the state"
like '^Last_error:          none$' "-v shows the last error"
grep -qxF "TLS_trust:           pin $PIN" "$T/out"; ok $? "-v shows the pinned key"
like '^Defined_in:          ksysmgr$' "-v says where the HMC is defined"
expect_rc 0 "query hmc -o json" M -o json query hmc
json_ok "query hmc JSON parses"
like '^\[\{"name":"hmc1","ip":"[^"]*","login":"hscroot","hosts":\[\{"name":"rt11","uuid":"' \
	"JSON: one object per HMC with its hosts"
expect_rc 0 "query hmc -v -o json" M -v -o json query hmc hmc2
json_ok "query hmc -v JSON parses"
like "\"port\":$P2,\"state\":\"up\",\"last_error\":\"\"" "JSON -v: port as a number, state"
grep -q abc123 "$T/out"; [ $? -ne 0 ]; ok $? "no password in query hmc output"

# ---- restart with both HMCs down: the store answers ---------------------------------
stop_ksysd
sim fault hmc-down hmc1
sim fault hmc-down hmc2
start_ksysd
ok $? "ksysd restarts (HMCs down)"
like 'event=start .* hmcs=2 ' "both HMCs come back from the store" "ksysd.$starts.log"
expect_rc 0 "query hmc right after the restart" M query hmc hmc2
like "^rt14                                    $RT14$" "the hosts come from the stored inventory"
wait_for "$LOG" 'event=inventory_failed hmc=hmc1' 20
ok $? "the live read fails while the HMC is down"
expect_rc 0 "query hmc -v while down" M -v query hmc hmc1
like '^State:               down$' "hmc1 is down"
like "^rt11                                    $RT11$" "its hosts are still listed"
sim clear hmc-down hmc1
sim clear hmc-down hmc2
wait_for "$LOG" 'event=inventory hmc=hmc2 hosts=4 vioses=8 lpars=40' 20
ok $? "hmc2 is read again once up"

# ---- add host --------------------------------------------------------------------------
expect_rc 0 "add host rt11" M add host rt11
like '^Host rt11 added successfully$' "the Redbook's confirmation"
is "$(db "SELECT name FROM vios WHERE host = 'rt11' ORDER BY name" | tr '\n' ' ')" \
	"rt11v1 rt11v2 " "its 2 VIOSs are stored"
is "$(db "SELECT count(*) FROM vm WHERE host = 'rt11'")" 10 "its 10 VMs are stored"
is "$(db "SELECT uuid, mtms, hmcs, fsp_ip FROM host WHERE name = 'rt11'")" \
	"$RT11|8286-42A*0607585|hmc1,hmc2|" "the host row: uuid, mtms, HMCs, no FSP address yet"
expect_rc 1 "add host of an added host is refused" M add host rt11
like "host 'rt11' is already added" "the refusal says so"
expect_rc 1 "add host of an unknown host is refused" M add host rt99
like "no HMC manages a host named 'rt99' \\(known: rt11, rt12, rt13, rt14\\)" \
	"the refusal lists the hosts the HMCs manage"
expect_rc 1 "add host with another host's uuid= is refused" M add host rt12 uuid="$RT11"
like "uuid $RT11 is host 'rt11' on its HMCs, not 'rt12'" "the refusal names the host"
lower=$(printf '%s' "$RT12" | tr 'A-F' 'a-f')
expect_rc 0 "add host with uuid= in lower case" M add host rt12 uuid="$lower"
like '^Host rt12 added successfully$' "rt12 added"
expect_rc 2 "add host takes one NAME" M add host rt13,rt14

# ---- query, modify host ------------------------------------------------------------------
expect_rc 0 "query host rt11" M query host rt11
cat >"$T/want" <<EOF
Name:                rt11
UUID:                $RT11
FspIp:               Must run discovery first to populate
Host_group:          No host_group defined
VIOS:                rt11v1
                     rt11v2
HMCs:                hmc1
                     hmc2
HA_monitor:          enable
VM_failure_detection_speed:    normal
EOF
cmp -s "$T/out" "$T/want"
ok $? "query host: the Redbook's layout"
[ $? -eq 0 ] || diff "$T/want" "$T/out" | sed 's/^/#   /'
expect_rc 0 "query host (all)" M query host
c=$(grep -c '^Name:' "$T/out"); [ "$c" -eq 2 ]; ok $? "two hosts listed (got $c)"
expect_rc 0 "query host -v -o json" M -v -o json query host
json_ok "query host JSON parses"
like '^\[\{"name":"rt11","uuid":"[^"]*","fspip":"","host_group":"","vios":\["rt11v1","rt11v2"\],"hmcs":\["hmc1","hmc2"\],"ha_monitor":"enable","vm_failure_detection_speed":"normal","mtms":"8286-42A\*0607585","state":"operating","vms":10\}' \
	"JSON keys are the labels in lower case, lists as arrays"
expect_rc 1 "query host of an unknown host" M query host rt13
like "no host named 'rt13' was added; added hosts: rt11, rt12" "the refusal lists the hosts"
expect_rc 0 "modify host" M modify host rt11 ha_monitor=disable vm_failure_detection_speed=SLOW
like "^For Host rt11 attribute\\(s\\) 'ha_monitor', 'vm_failure_detection_speed' was successfully modified\\.$" \
	"the Redbook's confirmation"
expect_rc 0 "query host after modify" M query host rt11
like '^HA_monitor:          disable$' "ha_monitor is disabled"
like '^VM_failure_detection_speed:    slow$' "the speed is slow"
expect_rc 2 "modify host with a bad value" M modify host rt11 ha_monitor=maybe
expect_rc 2 "modify host without attributes" M modify host rt11
expect_rc 1 "modify host of an unknown host" M modify host rt77 ha_monitor=enable

# ---- host groups keep their HMCs ------------------------------------------------------------
expect_rc 0 "add host_group HG1 hosts=rt11" M add host_group HG1 hosts=rt11
expect_rc 1 "delete host of a grouped host is refused" M delete host rt11
like "host 'rt11' is in host group 'HG1'; take it out first \\('ksysmgr modify host_group HG1 hosts=rt11 policy=delete'\\)" \
	"the refusal says how to proceed"
expect_rc 1 "delete hmc of both HMCs is refused while HG1 needs one" M delete hmc hmc1,hmc2
like "host 'rt11' of host group 'HG1' would be left with no HMC managing it" \
	"the refusal names the host and its group"
is "$(db "SELECT count(*) FROM hmc")" 2 "both HMCs are still stored"
expect_rc 0 "delete hmc hmc2 (hmc1 still manages rt11)" M delete hmc hmc2
like '^HMC hmc2 deleted successfully$' "the confirmation"
is "$(db "SELECT count(*) FROM hmc WHERE name = 'hmc2'")" 0 "hmc2 left the store"
is "$(db "SELECT count(*) FROM inventory WHERE hmc = 'hmc2'")" 0 "so did its inventory"
is "$(db "SELECT hmcs FROM host WHERE name = 'rt11'")" "hmc1" "rt11's HMC list lost hmc2"
expect_rc 0 "query host rt11 after delete hmc" M query host rt11
like '^HMCs:                hmc1$' "rt11 is managed by hmc1 only"
expect_rc 1 "delete hmc hmc1 is refused: rt11 would have no HMC" M delete hmc hmc1
like "delete hmc hmc1: host 'rt11' of host group 'HG1' would be left" "the refusal names rt11"
expect_rc 1 "delete hmc of an unknown HMC" M delete hmc hmc2
like "no HMC named 'hmc2'; configured: hmc1" "the refusal lists the HMCs"

# ---- modify hmc ------------------------------------------------------------------------------
expect_rc 1 "modify hmc with a wrong password is refused" M modify hmc hmc1 password=bad
like "^ksysmgr: modify hmc hmc1: the HMC refused the logon" "the logon was checked first"
is "$(db "SELECT password FROM hmc WHERE name = 'hmc1'")" abc123 "the stored password is unchanged"
expect_rc 0 "modify hmc password" M modify hmc hmc1 password=abc123
like "^For HMC hmc1 attribute\\(s\\) 'password' was successfully modified\\.$" "the confirmation"
expect_rc 0 "modify hmc ip (re-pinned)" M modify hmc hmc1 ip=localhost
like "^HMC hmc1 at localhost:$P1 presents TLS key sha256//" "the new address's key is shown"
expect_rc 0 "query hmc -v after modify" M -v query hmc hmc1
like '^Ip:                  localhost$' "the new address is used"
expect_rc 2 "modify hmc without attributes" M modify hmc hmc1
expect_rc 1 "modify hmc of an unknown HMC" M modify hmc nohmc port=12443
wait_hosts 4 hmc1
ok $? "hmc1 is read again at its new address"
expect_rc 0 "add hmc hmc2 again" M add hmc hmc2 login=hscroot password=abc123 ip="$A2" port="$P2"

# ---- delete host ---------------------------------------------------------------------------------
expect_rc 0 "take rt11 out of HG1" M modify host_group HG1 hosts=rt11 policy=delete
expect_rc 0 "delete host rt11" M delete host rt11
like '^Host rt11 deleted successfully$' "the confirmation"
is "$(db "SELECT count(*) FROM vios WHERE host = 'rt11'") $(db "SELECT count(*) FROM vm WHERE host = 'rt11'")" \
	"0 0" "its VIOSs and VMs went with it"
expect_rc 0 "query host lists rt12 only" M query host
c=$(grep -c '^Name:' "$T/out"); [ "$c" -eq 1 ]; ok $? "one host left (got $c)"
expect_rc 0 "add host rt11 again" M add host RT11
like '^Host rt11 added successfully$' "a host name is matched case-insensitively"

# ---- HMCs of the configuration file -------------------------------------------------------------------
stop_ksysd
printf 'abc123\n' >"$T/hmc.pw"
cat >"$T/k.lua" <<EOF
hmc{ name="hmc1", address="$A1", port=$P1, user="hscroot",
     password_file="$T/hmc.pw", pin="$PIN" }
EOF
start_ksysd -c "$T/k.lua"
ok $? "ksysd restarts with hmc1 in a configuration file"
expect_rc 1 "modify hmc of a file-defined HMC is refused" M modify hmc hmc1 password=x
like "hmc 'hmc1' is defined in $T/k.lua:1; edit that file" "the refusal names the file and line"
expect_rc 1 "delete hmc of a file-defined HMC is refused" M delete hmc hmc1
like "hmc 'hmc1' is defined in $T/k.lua:1" "the refusal names the file"
expect_rc 0 "query hmc -v" M -v query hmc hmc1
like "^Defined_in:          $T/k.lua:1$" "-v says where it is defined"
like "^Ip:                  $A1$" "the file's address wins"
stop_ksysd

cat "$T"/ksysd.*.log >"$T/all.log"
grep -q abc123 "$T/all.log"; [ $? -ne 0 ]; ok $? "no password in ksysd's logs"
grep -q 'password=bad' "$T/all.log"; [ $? -ne 0 ]; ok $? "not even a refused one"

[ $failed -eq 0 ] || { diag "ksysd log:"; tail -n 20 "$LOG" | sed 's/^/#   /'; }
done_testing
