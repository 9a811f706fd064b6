#!/bin/sh
# demo.sh — a narrated tour of ksys against the HMC simulator.
#
# Run by `make demo` as: sh contrib/demo/demo.sh ABS_BIN_DIR
# Starts hmcsim (two simulated HMCs on ephemeral loopback ports, time scale
# 10) and ksysd in a temporary directory, then walks an administrator's
# setup with ksysmgr (cluster, HMCs with their pinned keys, hosts, shared
# disks, host group, VM settings), a discovery with verification, an
# injected failure (a VM that loses its RMC connection fails verification
# with the HMC's message), the loss of an HMC, the action log, a clean stop
# and the simulator's double-start counter.  Exits 0 only if every step succeeded;
# everything it started is stopped on exit.
set -u

BIN=${1:?usage: sh contrib/demo/demo.sh ABS_BIN_DIR}
case $BIN in /*) ;; *) BIN=$(cd "$BIN" && pwd) ;; esac
PATH=$BIN:$PATH
export PATH
SCALE=50

TMP=$(mktemp -d) || exit 1   # under $TMPDIR, default /tmp
SIM_PID=
KSYSD_PID=
STEP=0
# Run as root with ip(8), the simulator and ksysd live in a network namespace
# of the demo's own, where partitions have addresses that really stop
# answering ping when they fail; otherwise loopback addresses always answer.
NS=
NSX=
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null 2>&1 &&
   ip netns add "ksysdemo$$" 2>/dev/null; then
	NS=ksysdemo$$
	NSX="ip netns exec $NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" link add ksysping0 type veth peer name ksysping1 &&
		ip -n "$NS" link set ksysping1 up && ip -n "$NS" link set ksysping0 up ||
		{ ip netns del "$NS"; NS=; NSX=; }
fi

cleanup() {
	for p in $KSYSD_PID $SIM_PID; do
		kill "$p" 2>/dev/null
	done
	for p in $KSYSD_PID $SIM_PID; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -9 "$p" 2>/dev/null
	done
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if [ -t 1 ]; then B=$(printf '\033[1m'); N=$(printf '\033[0m'); else B=; N=; fi

section() {
	STEP=$((STEP + 1))
	printf '\n%s== %d. %s ==%s\n' "$B" "$STEP" "$1" "$N"
	shift
	for line in "$@"; do
		printf '   %s\n' "$line"
	done
}

fail() {
	printf '\n%sDEMO FAILED%s in step %d: %s\n' "$B" "$N" "$STEP" "$*" >&2
	if [ -s "$TMP/sim.err" ]; then
		echo "--- last lines of hmcsim's stderr:" >&2
		tail -n 5 "$TMP/sim.err" >&2
	fi
	exit 1
}

# run [-s N] [-x CODE] CMD...: show the command, run it, show its output (the
# first N lines with -s), and fail unless it exits with CODE (default 0).
run() {
	show=0 want=0
	while :; do
		case $1 in
		-s) show=$2; shift 2 ;;
		-x) want=$2; shift 2 ;;
		*) break ;;
		esac
	done
	printf '\n$ %s\n' "$*"
	"$@" >"$TMP/out" 2>&1
	rc=$?
	if [ "$show" -gt 0 ]; then
		head -n "$show" "$TMP/out" | sed 's/^/    /'
		total=$(wc -l <"$TMP/out")
		[ "$total" -gt "$show" ] && printf '    ... (%d more lines)\n' $((total - show))
	else
		sed 's/^/    /' "$TMP/out"
	fi
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want"
}

CTL=$TMP/ctl.sock
sim() { hmcsim ctl "$CTL" "$@"; }

# wait_for FILE PATTERN SECONDS: bounded wait for a line in a file.
wait_for() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

for p in hmcsim ksysd ksys-hmc ksysmgr; do
	[ -x "$BIN/$p" ] || fail "$BIN/$p is missing; run make first"
done

section "Start the simulator" \
	"hmcsim plays two HMCs (hmc1, hmc2) that both manage 4 hosts with 8 VIOSs" \
	"and 40 LPARs.  They listen on ephemeral loopback ports; time runs 10x" \
	"faster, so a 3 s PowerOn takes 0.3 s."
printf '\n$ hmcsim -l 127.0.0.1:0 --ctl %s --state-dir %s --time-scale %d &\n' \
	"$TMP/ctl.sock" "$TMP/sim" "$SCALE"
$NSX hmcsim -l 127.0.0.1:0 --ctl "$TMP/ctl.sock" --state-dir "$TMP/sim" \
	--time-scale "$SCALE" ${NS:+--ping-netdev ksysping0} >"$TMP/sim.out" 2>"$TMP/sim.err" &
SIM_PID=$!
wait_for "$TMP/sim.out" '^hmcsim ready' 20 || fail "hmcsim did not report ready within 20 s"
READY=$(grep '^hmcsim ready' "$TMP/sim.out" | head -n 1)
printf '    %s\n' "$READY"
HMC1=$(printf '%s\n' "$READY" | sed -n 's/.* hmc1=\([^ ]*\).*/\1/p')
HMC2=$(printf '%s\n' "$READY" | sed -n 's/.* hmc2=\([^ ]*\).*/\1/p')
[ -n "$HMC1" ] && [ -n "$HMC2" ] || fail "cannot read the HMC addresses from: $READY"
HMC1_ADDR=${HMC1%:*} HMC1_PORT=${HMC1##*:}
HMC2_ADDR=${HMC2%:*} HMC2_PORT=${HMC2##*:}

section "Learn the HMC's key pin" \
	"HMCs ship self-signed certificates.  ksys trusts an HMC by the SHA-256 pin" \
	"of its public key: fetch it once, check it, put it in the configuration."
run $NSX ksys-hmc -H "$HMC1" fingerprint
PIN=$(head -n 1 "$TMP/out")
case $PIN in sha256//*) ;; *) fail "no pin in the fingerprint output" ;; esac
if command -v openssl >/dev/null 2>&1 && [ -f "$TMP/sim/hmcsim.crt" ]; then
	printf '\n   The same value computed from the simulator'"'"'s certificate file with openssl:\n'
	CERTPIN=sha256//$(openssl x509 -in "$TMP/sim/hmcsim.crt" -pubkey -noout |
		openssl pkey -pubin -outform der 2>/dev/null |
		openssl dgst -sha256 -binary | base64)
	printf '    %s\n' "$CERTPIN"
	[ "$CERTPIN" = "$PIN" ] || fail "the fetched pin differs from the certificate's"
fi

section "Start ksysd" \
	"The controller starts with an empty state directory: no HMC, no host." \
	"Everything an administrator sets up with ksysmgr lands in ksys.db."
printf '\n$ ksysd -f -d STATE -s SOCKET --time-scale %d &\n' "$SCALE"
$NSX ksysd -f -d "$TMP/state" -s "$TMP/ksysd.sock" --time-scale "$SCALE" 2>"$TMP/ksysd.log" &
KSYSD_PID=$!
wait_for "$TMP/ksysd.log" 'socket_served=yes' 20 || fail "ksysd did not start within 20 s"
KSYS_SOCKET=$TMP/ksysd.sock
export KSYS_SOCKET

section "Create the KSYS cluster and add the HMCs" \
	"add hmc fetches the HMC's key, shows it, pins it, and checks the logon" \
	"before anything is stored; a wrong password stores nothing."
run ksysmgr add ksyscluster ITSO_HA type=HA sync=yes
run ksysmgr add hmc hmc1 login=hscroot password=abc123 ip="$HMC1_ADDR" port="$HMC1_PORT"
grep -q "presents TLS key $PIN" "$TMP/out" || fail "add hmc did not pin the key ksys-hmc showed"
run -x 1 ksysmgr add hmc hmc2 login=hscroot password=wrong ip="$HMC2_ADDR" port="$HMC2_PORT"
run ksysmgr add hmc hmc2 login=hscroot password=abc123 ip="$HMC2_ADDR" port="$HMC2_PORT"
run ksysmgr query hmc hmc1

section "Add hosts and pick the shared disks" \
	"Adding a host brings in its VIOSs and VMs (managed by default).  The host" \
	"group's repository and HA disks must be free on every VIOS of the group."
run ksysmgr add host rt11
run ksysmgr add host rt12
run ksysmgr query host rt11
run ksysmgr query viodisk hosts=rt11,rt12
REPO=$(awk '$1 == "hdisk1" { print $3 }' "$TMP/out")
HA=$(awk '$1 == "hdisk2" { print $3 }' "$TMP/out")
[ -n "$REPO" ] && [ -n "$HA" ] || fail "no shared free disks found"
run ksysmgr add host_group ITSO_HG hosts=rt11,rt12 repo_disk="$REPO" ha_disk="$HA"
run ksysmgr unmanage vm name=rt11009,rt11010
run ksysmgr modify system ha_monitor=enable
run ksysmgr modify vm rt11001 ha_monitor=enable

section "Discover and verify the host group" \
	"Discovery reads every host, VIOS and LPAR through the HMCs, prepares each" \
	"host's VIOSs for HA management (VIO_HS_ADD_MS pass-through jobs), starts" \
	"monitoring of the VMs that opted in, and verifies that every running VM" \
	"could be restarted on the other host (MigrateValidate jobs, in parallel)."
run -s 12 ksysmgr -t discover host_group ITSO_HG verify=yes
printf '    ...\n'
tail -n 4 "$TMP/out" | sed 's/^/    /'
grep -q '^18 out of 18 managed VMs have been successfully discovered$' "$TMP/out" ||
	fail "not every managed VM was discovered"
run ksysmgr query vm rt11001
run hmcsim ctl "$CTL" show passthru rt11001

section "Inject a failure: a VM loses its RMC connection" \
	"Without RMC the HMC cannot move the partition: verification must say so," \
	"with the HMC's own message, and mark the VM."
run hmcsim ctl "$CTL" fault rmc-down rt11003
run -x 1 -s 40 ksysmgr verify host_group ITSO_HG
grep -q 'HSCL2957' "$TMP/out" || fail "verification did not report HSCL2957"
run ksysmgr query vm rt11003
grep -q '^State: *VERIFY_FAILED$' "$TMP/out" || fail "rt11003 is not VERIFY_FAILED"
run hmcsim ctl "$CTL" clear rmc-down rt11003
run ksysmgr lpm vm rt11003 action=validate

section "Lose an HMC" \
	"hmc1 goes down; ksysd notices at its next probe and sends everything to" \
	"hmc2, which manages the same hosts."
run hmcsim ctl "$CTL" fault hmc-down hmc1
wait_for "$TMP/ksysd.log" 'event=hmc_down hmc=hmc1' 30 || fail "ksysd did not see hmc1 go down"
run ksysmgr lpm host rt12 action=validate
run hmcsim ctl "$CTL" clear hmc-down hmc1

section "Watch the health of the group" \
	"ksysd polls the group's Host Monitor database through one VIOS (quick" \
	"queries and needs-attention requests as pass-through jobs); rt11001's" \
	"agent heartbeats reach both Host Monitors."
i=0
while [ $i -lt 100 ]; do
	ksysmgr query system status 2>/dev/null | grep -q 'HA_monitor_state: *STARTED' && break
	sleep 0.2; i=$((i + 1))
done
run -s 30 ksysmgr query system status

section "Inject a failure: rt11001 hangs" \
	"Its heartbeats stop.  ksysd waits until the missed heartbeats pass the VM" \
	"failure detection time (host 90 s + 2 x 50 s = 190 s, here /$SCALE), then" \
	"pings the VM and reads its LPAR state and reference code from the HMC."
run hmcsim ctl "$CTL" fault vm-hang rt11001
if [ -n "$NS" ]; then
	printf '\n   The VM also stops answering ping (its address leaves the namespace):\n'
	run hmcsim ctl "$CTL" fault vm-unpingable rt11001
	WANT=VM_FAILURE_DETECTED
else
	printf '\n   (Not root: partitions have loopback addresses, which always answer\n'
	printf '   ping, so ksysd sees a live VM and must not declare it failed.)\n'
	WANT=VM_MISSED_HB
fi
i=0
while [ $i -lt 300 ]; do
	ksysmgr query event type=$WANT 2>/dev/null | grep -q 'vm rt11001' && break
	sleep 0.1; i=$((i + 1))
done
run ksysmgr query event type=$WANT
grep -q 'vm rt11001' "$TMP/out" || fail "no $WANT event for rt11001 within 30 s"
if [ -n "$NS" ]; then
	run ksysmgr query event type=RELOCATION_REQUESTED
	run -s 12 ksysmgr query system status
	printf '\n   The relocation engine comes in a later version: the request is recorded.\n'
fi
run hmcsim ctl "$CTL" clear vm-hang rt11001
[ -n "$NS" ] && run hmcsim ctl "$CTL" clear vm-unpingable rt11001

section "Every long action is kept" \
	"Discoveries and verifications have ids; their output can be read (or" \
	"followed live with monitor=yes) from another terminal."
run -s 14 ksysmgr query action

section "Stop ksysd" \
	"SIGTERM: ksysd logs off from both HMCs and exits 0; its state stays in ksys.db."
printf '\n$ kill -TERM %s\n' "$KSYSD_PID"
kill -TERM "$KSYSD_PID"
i=0
while kill -0 "$KSYSD_PID" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
wait "$KSYSD_PID"
rc=$?
KSYSD_PID=
[ "$rc" -eq 0 ] || fail "ksysd exited $rc after SIGTERM"
grep -q 'event=stopped' "$TMP/ksysd.log" || fail "ksysd did not log event=stopped"

section "Check the simulator's counters" \
	"hmcsim counts every start of a VM that was already running elsewhere;" \
	"it must stay 0."
run hmcsim ctl "$CTL" show counters
grep -q '^double_starts=0$' "$TMP/out" || fail "double_starts is not 0"

printf '\n%sDemo complete: every step succeeded.%s\n' "$B" "$N"
exit 0
