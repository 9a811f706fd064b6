#!/bin/sh
# demo.sh — a narrated tour of ksys against the HMC simulator.
#
# Run by `make demo` as: sh contrib/demo/demo.sh ABS_BIN_DIR
# Starts hmcsim (two simulated HMCs on ephemeral loopback ports, time scale
# 10) in a temporary directory, then shows: the HMC key pin, the inventory,
# jobs (PowerOff, PowerOn, PassThroughInterface, MigrateValidate), a failover
# from a downed HMC to its twin, ksysd logging its inventory, and the
# simulator's double-start counter.  Exits 0 only if every step succeeded;
# everything it started is stopped on exit.
set -u

BIN=${1:?usage: sh contrib/demo/demo.sh ABS_BIN_DIR}
case $BIN in /*) ;; *) BIN=$(cd "$BIN" && pwd) ;; esac
PATH=$BIN:$PATH
export PATH
SCALE=10

TMP=$(mktemp -d) || exit 1   # under $TMPDIR, default /tmp
SIM_PID=
KSYSD_PID=
STEP=0

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
hmcsim -l 127.0.0.1:0 --ctl "$TMP/ctl.sock" --state-dir "$TMP/sim" \
	--time-scale "$SCALE" >"$TMP/sim.out" 2>"$TMP/sim.err" &
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
run ksys-hmc -H "$HMC1" fingerprint
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

section "Read the inventory through the pinned connection" \
	"The password comes from KSYS_HMC_PASSWORD so it never shows in ps(1)."
printf '\n$ export KSYS_HMC_PASSWORD=...    # the simulator'"'"'s password for hscroot\n'
export KSYS_HMC_PASSWORD=abc123
run -s 24 ksys-hmc -H "$HMC1" -u hscroot --pin "$PIN" inventory
run ksys-hmc -H "$HMC1" -u hscroot --pin "$PIN" probe
unset KSYS_HMC_PASSWORD

section "Write a ksysd configuration with both HMCs" \
	"The password lives in a file only root can read; ksysd -t checks the file."
umask 077
printf 'abc123\n' >"$TMP/hmc.pw"
cat >"$TMP/ksysd.lua" <<EOF
-- ksysd configuration for the demo: two HMCs managing the same hosts
hmc{ name="hmc1", address="$HMC1_ADDR", port=$HMC1_PORT, user="hscroot",
     password_file="$TMP/hmc.pw", pin="$PIN" }
hmc{ name="hmc2", address="$HMC2_ADDR", port=$HMC2_PORT, user="hscroot",
     password_file="$TMP/hmc.pw", pin="$PIN" }
settings{ probe_interval=10, log_level="info" }
EOF
umask 022
sed 's/^/    /' "$TMP/ksysd.lua"
run ksysd -t -c "$TMP/ksysd.lua"
CFG="$TMP/ksysd.lua"

section "Run jobs" \
	"ksys-hmc runs one HMC job the way ksysd will: submit, poll, fetch results."
LPAR=$(sim show vms | awk '$3 == "running" { print $1; exit }')
[ -n "$LPAR" ] || fail "no running LPAR in the simulator"
LPAR_HOST=$(sim show vms | awk -v n="$LPAR" '$1 == n { print $2; exit }')
OTHER_HOST=$(sim show hosts | awk -v h="$LPAR_HOST" '$1 != h { print $1; exit }')
VIOS=$(sim show vioses | awk '{ print $1; exit }')
printf '\n   LPAR %s runs on %s; we stop it and start it again.\n' "$LPAR" "$LPAR_HOST"
run ksys-hmc --time-scale "$SCALE" -c "$CFG" job PowerOff "$LPAR" \
	operation=shutdown immediate=true
run hmcsim ctl "$CTL" show vms "$LPAR"
run ksys-hmc --time-scale "$SCALE" -c "$CFG" job PowerOn "$LPAR"
run hmcsim ctl "$CTL" show vms "$LPAR"
printf '\n   A PassThroughInterface job carries a vioHADR2 request to VIOS %s\n' "$VIOS"
printf '   (the Host Monitor quick query ksysd will send every 20 s):\n'
cat >"$TMP/qq.xml" <<'EOF'
<?xml version="1.0"?>
<VIO xmlns="http://ausgsa.austin.ibm.com/projects/v/vios/schema/vioHADR2.00" version="2.00" author="LIBKREST" title="Req Quick Query">
  <Request action_str="VIO_HS_QUICK_QUERY"/>
</VIO>
EOF
run -s 12 ksys-hmc --time-scale "$SCALE" -c "$CFG" passthrough "$VIOS" "$TMP/qq.xml"
printf '\n   Could %s move to %s with Live Partition Mobility?\n' "$LPAR" "$OTHER_HOST"
run ksys-hmc --time-scale "$SCALE" -c "$CFG" job MigrateValidate "$LPAR" \
	TargetManagedSystemName="$OTHER_HOST"

section "Fail over between HMCs" \
	"hmc1 goes down.  The probe says so (exit status 3), yet the inventory still" \
	"comes back: the client fails over to hmc2, which manages the same hosts."
run hmcsim ctl "$CTL" fault hmc-down hmc1
run -x 3 ksys-hmc --time-scale "$SCALE" -c "$CFG" probe
run -s 8 ksys-hmc --time-scale "$SCALE" -c "$CFG" inventory

section "Run ksysd" \
	"ksysd starts while hmc1 is still down: it logs hmc2's inventory, keeps" \
	"probing, and logs hmc1's inventory once it comes back.  SIGTERM makes it" \
	"log off and exit 0."
printf '\n$ ksysd -f -c %s --time-scale %d &\n' "$CFG" "$SCALE"
ksysd -f -d "$TMP/state" -s "$TMP/ksysd.sock" -c "$CFG" --time-scale "$SCALE" \
	2>"$TMP/ksysd.log" &
KSYSD_PID=$!
wait_for "$TMP/ksysd.log" 'event=inventory hmc=hmc2' 20 ||
	fail "ksysd logged no inventory for hmc2 within 20 s"
run hmcsim ctl "$CTL" clear hmc-down hmc1
wait_for "$TMP/ksysd.log" 'event=inventory hmc=hmc1' 30 ||
	fail "ksysd logged no inventory for hmc1 within 30 s of its return"
printf '\n$ kill -TERM %s\n' "$KSYSD_PID"
kill -TERM "$KSYSD_PID"
i=0
while kill -0 "$KSYSD_PID" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
wait "$KSYSD_PID"
rc=$?
KSYSD_PID=
printf '\n   ksysd'"'"'s log (inventory lines and shutdown):\n'
grep -e 'event=start' -e 'event=inventory ' -e 'event=inventory_host' \
	-e 'event=stopp' "$TMP/ksysd.log" | head -n 16 | sed 's/^/    /'
[ "$rc" -eq 0 ] || fail "ksysd exited $rc after SIGTERM"
grep -q 'event=stopped' "$TMP/ksysd.log" || fail "ksysd did not log event=stopped"

section "Check the simulator's counters" \
	"hmcsim counts every start of a VM that was already running elsewhere;" \
	"it must stay 0."
run hmcsim ctl "$CTL" show counters
grep -q '^double_starts=0$' "$TMP/out" || fail "double_starts is not 0"

printf '\n%sDemo complete: every step succeeded.%s\n' "$B" "$N"
exit 0
