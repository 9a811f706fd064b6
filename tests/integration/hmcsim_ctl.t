#!/bin/sh
# hmcsim_ctl.t — starts the real hmcsim on ephemeral ports with the default
# topology and drives it through `hmcsim ctl`: the ready line, every `show`,
# faults and clears (RMC ones with ksys-hmc's MigrateValidate), the
# pass-through bookkeeping of requests sent with ksys-hmc, vioHADR2 round
# trips (QQ/NA/QUERY_NODE_DATA/ACK) changing after hm-stop, vios-down and
# vm-hang, `show hsdb`, refused commands with their exit statuses, and a
# clean shutdown that removes the control socket.  Every wait is bounded.

BIN=${KSYS_BIN:-./bin}
HMCSIM=$BIN/hmcsim
if [ ! -x "$HMCSIM" ]; then
	echo "1..0 # SKIP $HMCSIM not built (set KSYS_BIN)"
	exit 0
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/hmcsim_ctl.XXXXXX") || exit 1
PID=
cleanup() {
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -KILL "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

. "$(dirname "$0")/../taplib.sh"
ctl() {
	"$HMCSIM" ctl "$SOCK" "$@"
}

"$HMCSIM" -l 127.0.0.1:0 --state-dir "$T/state" --time-scale 10 \
	>"$T/out" 2>"$T/err" &
PID=$!

# Wait (at most 15 s) for the ready line.
i=0
while [ $i -lt 150 ]; do
	grep -q '^hmcsim ready ' "$T/out" 2>/dev/null && break
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
READY=$(grep '^hmcsim ready ' "$T/out")
if [ -z "$READY" ]; then
	echo "not ok 1 - hmcsim printed its ready line"
	sed 's/^/# /' "$T/err"
	echo "1..1"
	exit 1
fi
ok 0 "hmcsim printed its ready line"
SOCK=$(echo "$READY" | sed -n 's/.* ctl=\([^ ]*\).*/\1/p')
is "$SOCK" "$T/state/hmcsim.sock" "default control socket is STATE_DIR/hmcsim.sock"
P1=$(echo "$READY" | sed -n 's/.* hmc1=127\.0\.0\.1:\([0-9]*\).*/\1/p')
P2=$(echo "$READY" | sed -n 's/.* hmc2=127\.0\.0\.1:\([0-9]*\).*/\1/p')
[ -n "$P1" ] && [ "$P1" -gt 0 ] && [ -n "$P2" ] && [ "$P2" -gt 0 ] && [ "$P1" != "$P2" ]
ok $? "ready line gives each HMC its own ephemeral port ($P1, $P2)"
[ -S "$SOCK" ]
ok $? "control socket exists"
is "$(stat -c %a "$SOCK")" "600" "control socket is mode 0600"
is "$(stat -c %a "$T/state")" "700" "state directory created 0700"

# show
is "$(ctl ping)" "pong" "ping"
is "$(ctl show hosts | tr '\n' ' ')" "rt11 operating rt12 operating rt13 operating rt14 operating " \
	"show hosts"
is "$(ctl show vioses | wc -l)" "8" "show vioses: 8 VIOSs"
is "$(ctl show vioses | awk 'NF != 3 || $3 != "running"' | wc -l)" "0" \
	"show vioses: NAME HOST running"
is "$(ctl show vios rt13v2)" "rt13v2 rt13 running" "show vios NAME"
ctl show vms >"$T/vms"
is "$(wc -l <"$T/vms")" "40" "show vms: 40 LPARs"
is "$(awk 'NF != 9' "$T/vms" | wc -l)" "0" "show vms: 9 fields a line"
is "$(awk '$7 !~ /^agent=(up|silent|none)$/ || $8 !~ /^addr=127\.1\.[1-4]\.[0-9]+$/' "$T/vms" |
	wc -l)" "0" "show vms: agent=STATE addr=127.1.H.N"
is "$(ctl show vm rt11003 | awk '{ print $7, $8, $9 }')" "agent=up addr=127.1.1.5 ping=answers" \
	"a running LPAR: agent up, loopback address, answers"
is "$(ctl show vm rt12007 | awk '{ print $7, $9 }')" "agent=silent ping=silent:loopback-answers" \
	"a stopped one: silent, but its loopback address answers (said so)"
is "$(awk '$3 == "running"' "$T/vms" | wc -l)" "38" "38 running"
is "$(awk '$3 == "not_activated" { print $1 }' "$T/vms" | tr '\n' ' ')" "rt12007 rt14004 " \
	"2 not activated, state printed with '_'"
is "$(awk '{ print $6 }' "$T/vms" |
	grep -cvE '^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$')" \
	"0" "UUIDs are uppercase 8-4-4-4-12"
is "$(ctl show hmcs | tr '\n' ' ')" "hmc1 127.0.0.1 $P1 up hmc2 127.0.0.1 $P2 up " "show hmcs"
ctl show counters >"$T/counters"
is "$(wc -l <"$T/counters")" "14" "show counters: 14 KEY=VALUE lines"
grep -qx 'double_starts=0' "$T/counters"
ok $? "double_starts=0"
is "$(ctl show disks | wc -l)" "2" "show disks: 2 shared disks"
is "$(ctl show disks | awk '{ print $3 }' | head -1)" \
	"rt11v1,rt11v2,rt12v1,rt12v2,rt13v1,rt13v2,rt14v1,rt14v2" "disk VIOS list"
is "$(ctl show jobs | wc -l)" "0" "show jobs: none yet"

# faults
out=$(ctl fault host-power-off rt12 2>&1)
ok $? "fault host-power-off rt12"
is "$out" "" "a fault prints nothing"
is "$(ctl show host rt12)" "rt12 power_off" "show hosts: rt12 power_off"
is "$(ctl show vms | awk '$2 == "rt12" && $3 == "not_available"' | wc -l)" "10" \
	"show vms: rt12's 10 LPARs not_available"
is "$(ctl show vios rt12v1)" "rt12v1 rt12 not_available" "its VIOSs too"
is "$(ctl show host rt11)" "rt11 operating" "other hosts untouched"
is "$(ctl show faults)" "host-state rt12 power_off" "show faults"
ctl clear host-power-off rt12
ok $? "clear host-power-off rt12"
is "$(ctl show host rt12)" "rt12 operating" "rt12 operating again"
is "$(ctl show vios rt12v1 | awk '{ print $3 }')" "running" "VIOS running again"
is "$(ctl show vm rt12001 | awk '{ print $3 }')" "not_activated" "LPAR not activated"

ctl fault hmc-down hmc1
ok $? "fault hmc-down hmc1"
is "$(ctl show hmc hmc1 | awk '{ print $4 }')" "down" "hmc1 down"
ctl clear hmc-down hmc1
is "$(ctl show hmc hmc1 | awk '{ print $4 }')" "up" "clear hmc-down: up"
ctl fault job-fail all PowerOn HSCL0DB4 2
ok $? "fault job-fail all PowerOn HSCL0DB4 2"
is "$(ctl show faults)" "job-fail all PowerOn HSCL0DB4 2" "show faults lists it"
ctl clear job-fail all
is "$(ctl show faults)" "" "clear job-fail all"

# disks as the VIOSs see them, RMC faults, pass-through bookkeeping
is "$(ctl show disks | awk 'NF != 4' | wc -l)" "0" "show disks: ID SIZE_GB VIOSES UDID"
is "$(ctl show disks | awk '{ print $4 }' | grep -cvE '^01M0lCTTIxNDU[A-Za-z0-9+/]+=*$')" "0" \
	"UDIDs are 01 + base64 of 3IBM2145ID"
is "$(ctl show disks | awk '{ print $4 }' | sort -u | wc -l)" "2" "one UDID per disk"
is "$(ctl show passthru)" "" "show passthru: nothing sent yet"
ctl fault rmc-down rt11009
ok $? "fault rmc-down rt11009"
is "$(ctl show faults)" "rmc-down rt11009" "show faults lists it"
is "$(ctl show vm rt11009 | awk '{ print $3 }')" "running" "the LPAR keeps running"
ctl fault rmc-down rt99 2>"$T/e"
ok $(( $? != 1 )) "rmc-down of an unknown partition: exit 1"
grep -q "no partition named 'rt99'" "$T/e"
ok $? "... naming it"

TOOL=$BIN/ksys-hmc
if [ -x "$TOOL" ]; then
	export KSYS_HMC_PASSWORD=abc123
	tool() {
		"$TOOL" -H "127.0.0.1:$P1" -u hscroot --insecure --time-scale 10 "$@"
	}
	tool job MigrateValidate rt11009 TargetManagedSystemName=rt12 >"$T/o" 2>&1
	ok $(( $? != 1 )) "MigrateValidate without RMC fails"
	grep -q 'HSCL2957 Either there is currently no RMC connection between the management console and the partition rt11009 ([0-9]*\*8286-42A\*0607585) or the partition does not support dynamic partitioning operations' "$T/o"
	ok $? "... with HSCL2957 naming the partition and ID*MTMS"
	ctl fault rmc-up rt11009
	tool job MigrateValidate rt11009 TargetManagedSystemName=rt12 >"$T/o" 2>&1
	ok $? "rmc-up: MigrateValidate succeeds"
	is "$(ctl show faults)" "" "no fault left"

	U=$(ctl show vm rt11001 | awk '{ print $6 }' | tr 'A-F' 'a-f')
	for a in ADD_VM START_VM; do
		cat >"$T/$a.xml" <<EOF
<?xml version="1.0"?>
<VIO xmlns="http://ausgsa.austin.ibm.com/projects/v/vios/schema/vioHADR2.00" version="2.00" author="LIBKREST" title="t">
  <Request action_str="VIO_HS_$a" hsTag="0">
    <x><vmList machine_type="8286" model="42A" serial="0607585"><vm uuid="$U"/></vmList></x>
  </Request>
</VIO>
EOF
		tool passthrough rt11v1 "$T/$a.xml" >"$T/o.$a" 2>&1
		ok $? "pass-through VIO_HS_$a through the HMC"
	done
	grep -q 'title="VIOS ADD_VM"' "$T/o.ADD_VM"
	ok $? "ADD_VM: the full-header reply"
	is "$(cat "$T/o.START_VM")" "" "START_VM: empty StdOut"
	echo '<VIO><Request action_str="VIO_HS_QUICK_QUERY">' >"$T/bad.xml"
	tool passthrough rt11v1 "$T/bad.xml" >"$T/o" 2>&1
	ok $(( $? != 1 )) "malformed inputXML: the tool reports the VIOS command failed"
	grep -q 'passthru: inputXML is not well-formed XML' "$T/o"
	ok $? "... with the StdError"
	is "$(ctl show passthru | tr '\n' ' ')" \
		"VIO_HS_ADD_VM 1 VIO_HS_START_VM 1 malformed 1 rt11001 added=yes started=yes " \
		"show passthru: what the client sent"
	is "$(ctl show passthru rt11002)" "rt11002 added=no started=no" "show passthru VM"

	# vioHADR2 round trips: the cluster of rt11v1 gains rt12 by ADD_MS
	vio() {     # vio FILE ACTION [ATTRS] [BODY]
		printf '<?xml version="1.0"?>\n<VIO xmlns="http://ausgsa.austin.ibm.com/projects/v/vios/schema/vioHADR2.00" version="2.00" author="LIBKREST" title="t">\n  <Request action_str="%s"%s>%s</Request>\n</VIO>\n' \
			"$2" "${3:+ $3}" "${4:-}" >"$T/$1"
	}
	is "$(ctl show hsdb | head -1 | sed 's/ db=.*//')" "cluster 1" \
		"show hsdb: the requests made cluster 1"
	vio ms.xml VIO_HS_ADD_MS 'hsTag="0"' "<addMS><viosList machine_type=\"8286\" model=\"42A\" serial=\"2100E5W\"></viosList></addMS>"
	tool passthrough rt11v1 "$T/ms.xml" >"$T/o" 2>&1
	ok $? "ADD_MS of rt12 (empty viosList: all its VIOSs) through rt11v1"
	grep -q 'title="VIOS ADD_MS"' "$T/o"
	ok $? "... full-header reply"
	vio qq.xml VIO_HS_QUICK_QUERY
	vio na.xml VIO_HS_NEEDS_ATTENTION 'dataType="GLOBAL_DATA"'
	vio nd.xml VIO_HS_QUERY_NODE_DATA
	tool passthrough rt11v2 "$T/qq.xml" >"$T/qq" 2>&1
	ok $? "QUICK_QUERY through rt11v2 (any VIOS of the cluster answers)"
	is "$(grep -c '<quickQuery>' "$T/qq")" "2" "QQ: both hosts of the cluster"
	is "$(grep -c 'state="UP" hmResponsive="1"' "$T/qq")" "4" "QQ: 4 VIOSs UP, HMs responsive"
	is "$(ctl show hsdb 1 | awk '$1 == "vm" { print $2, $4 }' | tr '\n' ' ')" \
		"rt11001 state=STARTED " "show hsdb: rt11001 STARTED (its agent paired)"
	tool passthrough rt11v1 "$T/na.xml" >"$T/na" 2>&1
	TAG=$(sed -n 's/.*<needsAtt hsTag="\(-\{0,1\}[0-9]*\)".*/\1/p' "$T/na" | head -1)
	grep -q "stateChg='1'" "$T/na" && [ -n "$TAG" ]
	ok $? "NA: stateChg with hsTag $TAG"
	vio ack.xml VIO_HS_ACKNOWLEDGE "hsTag=\"$TAG\""
	tool passthrough rt11v1 "$T/ack.xml" >"$T/o" 2>&1
	ok $? "ACKNOWLEDGE $TAG"
	is "$(cat "$T/o")" "" "... empty StdOut"
	tool passthrough rt11v1 "$T/na.xml" >"$T/na" 2>&1
	grep -q "stateChg" "$T/na"
	ok $(( $? == 0 )) "NA after the ACK: no stateChg"

	ctl fault vm-hang rt11001
	i=0
	while [ $i -lt 40 ]; do
		tool passthrough rt11v1 "$T/na.xml" >"$T/na" 2>&1
		grep -q "missedHb='" "$T/na" && break
		sleep 0.25
		i=$((i + 1))
	done
	grep -q "<VM state=\"STARTED\" missedHb='[0-9]*' >" "$T/na"
	ok $? "vm-hang: NA reports missedHb within 19 scaled s"
	ctl show hsdb 1 | grep -q '^map rt11001 rt11v1 missed=[0-9]'
	ok $? "show hsdb: the map rows carry the misses"
	ctl clear vm-hang rt11001

	ctl fault vios-down rt12v2
	tool passthrough rt11v1 "$T/qq.xml" >"$T/qq" 2>&1
	grep -q "state=\"DOWN\" hmResponsive=\"[01]\" hmResponseSec='[0-9]*' hasData='1' reason='0x00000000'" "$T/qq"
	ok $? "vios-down rt12v2: QQ shows it DOWN, hasData 1, reason 0"
	tool passthrough rt11v1 "$T/na.xml" >"$T/na" 2>&1
	is "$(grep -c '<viosStat ' "$T/na")" "1" "NA: only the abnormal VIOS"
	tool passthrough rt11v1 "$T/nd.xml" >"$T/nd" 2>&1
	grep -q 'EVENT_TYPE=NODE_DOWN' "$T/nd"
	ok $? "QUERY_NODE_DATA: the NODE_DOWN event"
	TAG=$(sed -n 's/.*<nodeData hsTag="\(-\{0,1\}[0-9]*\)".*/\1/p' "$T/nd")
	vio ack.xml VIO_HS_ACKNOWLEDGE "hsTag=\"$TAG\""
	tool passthrough rt11v1 "$T/ack.xml" >/dev/null 2>&1
	tool passthrough rt11v1 "$T/qq.xml" >"$T/qq" 2>&1
	grep -q "hasData='1'" "$T/qq"
	ok $(( $? == 0 )) "ACK of the node data: hasData 0"
	ctl clear vios-down rt12v2
	is "$(ctl show vios rt12v2)" "rt12v2 rt12 running" "clear vios-down: running"

	ctl fault hm-stop rt11v2
	is "$(ctl show faults)" "hm-stop rt11v2" "show faults: hm-stop rt11v2"
	i=0
	while [ $i -lt 80 ]; do
		tool passthrough rt11v1 "$T/qq.xml" >"$T/qq" 2>&1
		grep -q 'hmResponsive="0"' "$T/qq" && break
		sleep 0.25
		i=$((i + 1))
	done
	grep -q 'state="UP" hmResponsive="0" hmResponseSec=.9[1-9]' "$T/qq" ||
		grep -q 'state="UP" hmResponsive="0" hmResponseSec=.1[0-9][0-9]' "$T/qq"
	ok $? "hm-stop: hmResponsive 0 once hmResponseSec passes 90 (scaled)"
	ctl clear hm-stop rt11v2
	tool passthrough rt11v1 "$T/qq.xml" >"$T/qq" 2>&1
	is "$(grep -c 'hmResponsive="0"' "$T/qq")" "0" "clear hm-stop: responsive again"
	vio stop.xml VIO_HS_REMOVE_VM 'hsTag="0"' "<removeVM><vmList><vm uuid=\"$U\"/></vmList></removeVM>"
	tool passthrough rt11v1 "$T/stop.xml" >/dev/null 2>&1
	is "$(ctl show faults)" "" "no fault left"
else
	skip "$TOOL not built: no end-to-end RMC and pass-through checks"
fi

# refusals and exit statuses
ctl fault bogus rt11 >"$T/o" 2>"$T/e"
ok $(( $? != 1 )) "unknown fault kind: exit 1"
grep -q "unknown fault kind 'bogus'" "$T/e"
ok $? "... with a message on stderr"
is "$(cat "$T/o")" "" "... and nothing on stdout"
ctl fault hmc-slow hmc1 2>"$T/e"
ok $(( $? != 1 )) "missing argument: exit 1"
grep -q 'usage: fault hmc-slow' "$T/e"
ok $? "... naming the usage"
ctl fault job-fail hmc1 PowerOn NOTACODE 2>"$T/e"
ok $(( $? != 1 )) "bad HSCL code: exit 1"
ctl fault host-power-off rt99 2>"$T/e"
ok $(( $? != 1 )) "unknown host: exit 1"
grep -q "no host named 'rt99'" "$T/e"
ok $? "... naming it"
ctl show planets 2>/dev/null
ok $(( $? != 1 )) "show of an unknown class: exit 1"
ctl show vm nosuchvm 2>/dev/null
ok $(( $? != 1 )) "show of an unknown name: exit 1"
ctl dance 2>/dev/null
ok $(( $? != 1 )) "unknown command: exit 1"
"$HMCSIM" ctl "$SOCK" 2>/dev/null
ok $(( $? != 2 )) "ctl without a command: exit 2"
"$HMCSIM" ctl "$T/nosock" ping 2>/dev/null
ok $(( $? != 3 )) "ctl to a socket nobody listens on: exit 3"
"$HMCSIM" --bogus-option 2>"$T/e"
ok $(( $? != 2 )) "bad option: exit 2"
grep -q "unknown option '--bogus-option'" "$T/e"
ok $? "... naming it"
is "$(ctl show host rt12)" "rt12 operating" "the server survived all of that"

# clean shutdown
kill -TERM "$PID"
i=0
while kill -0 "$PID" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait "$PID"
st=$?
PID=
is "$st" "0" "SIGTERM: clean exit"
[ ! -e "$SOCK" ]
ok $? "control socket removed"
grep -q 'event=host_state host=rt12' "$T/err"
ok $? "the host fault was logged to stderr"

# a topology file: -t, a timeline, --ctl
cat >"$T/small.lua" <<'LUA'
hmc{ name = "hmcA", user = "hscroot", password = "abc123" }
host{ name = "p1", proc = 8, mem_gb = 64, hmcs = { "hmcA" } }
host{ name = "p2", proc = 8, mem_gb = 64, hmcs = { "hmcA" } }
vios{ name = "p1v1", host = "p1" }
lpar{ name = "db1", host = "p1", proc = 2, mem_gb = 8 }
timeline{ { at = 1, fault = "host-power-off", target = "p1" } }
LUA
cat >"$T/bad.lua" <<'LUA'
hmc{ name = "hmcA", user = "hscroot", password = "abc123" }
host{ name = "p1", proc = 8, mem_gb = 64, hmcs = { "hmcA" }, colour = "red" }
LUA
"$HMCSIM" -t -c "$T/small.lua" >"$T/o" 2>&1
ok $? "-t accepts a good topology"
grep -q '1 HMCs, 2 hosts, 1 VIOSs, 1 LPARs' "$T/o"
ok $? "... and summarises it"
"$HMCSIM" -t -c "$T/bad.lua" 2>"$T/e"
ok $(( $? != 1 )) "-t refuses a bad topology: exit 1"
grep -q "^$T/bad.lua:2: host{}: unknown key 'colour'" "$T/e"
ok $? "... naming file:line and the key"

"$HMCSIM" -c "$T/small.lua" -l 127.0.0.1:0 --state-dir "$T/state2" --ctl "$T/c2.sock" \
	--time-scale 10 >"$T/out2" 2>"$T/err2" &
PID=$!
SOCK=$T/c2.sock
i=0
while [ $i -lt 150 ] && ! grep -qs '^hmcsim ready ' "$T/out2"; do
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
grep -q "^hmcsim ready ctl=$T/c2.sock hmcA=127.0.0.1:[1-9]" "$T/out2"
ok $? "second hmcsim ready with --ctl and the topology's HMC"
i=0
while [ $i -lt 50 ] && [ "$(ctl show host p1 2>/dev/null)" != "p1 power_off" ]; do
	sleep 0.1
	i=$((i + 1))
done
is "$(ctl show host p1)" "p1 power_off" "the timeline powered p1 off (1 s at --time-scale 10)"
is "$(ctl show vm db1 | awk '{ print $1, $2, $3, $4, $5 }')" "db1 p1 not_available 2.00 8192" \
	"its LPAR is not available"
is "$(ctl show host p2)" "p2 operating" "p2 untouched"
kill -INT "$PID"
wait "$PID"
is "$?" "0" "SIGINT: clean exit"
PID=
[ ! -e "$T/c2.sock" ]
ok $? "--ctl socket removed"

echo "1..$n"
[ "$failed" -eq 0 ]
