#!/bin/sh
# ksysd.t — ksysd, ksys-hmc and ksysmgr end to end against hmcsim (TAP).
#
# Config checks (ksysd -t), then a simulator on ephemeral loopback ports:
# ksys-hmc fingerprint/probe/inventory/job/passthrough and their refusals,
# HMC failover, ksysd -f logging the inventory and stopping on SIGTERM, and
# ksysmgr's usage and unreachable-daemon exits and a first query hmc.  Every
# wait is bounded and everything started is stopped on exit.
cd "$(dirname "$0")/../.." || exit 1
BIN=${KSYS_BIN:-$(pwd)/bin}
SCALE=10

. tests/taplib.sh

t_begin ksysd ksysd ksys-hmc ksysmgr hmcsim

# ---- ksysd -t ----------------------------------------------------------
PIN_FAKE="sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
cat >"$T/good.lua" <<EOF
hmc{ name="hmc1", address="127.0.0.1", port=12443, user="hscroot",
     password="abc123", pin="$PIN_FAKE" }
hmc{ name="hmc2", address="hmc2.example", user="hscroot", password="abc123",
     tls_verify=false, hosts={"host1"} }
settings{ probe_interval=5, max_requests_per_hmc=8, log_level="info,http=debug" }
EOF
expect_rc 0 "ksysd -t accepts a valid configuration" "$BIN/ksysd" -t -c "$T/good.lua" \
	-d "$T/tdb"
like "ok \\(2 HMCs\\)" "ksysd -t summarises the valid configuration"
like "ksys.db: absent; ksysd will create it" "ksysd -t describes a missing database"
if command -v python3 >/dev/null 2>&1; then
	mkdir -p "$T/newdb"
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 99"); c.commit()' "$T/newdb/ksys.db"
	expect_rc 1 "ksysd -t refuses a database from a newer ksysd" \
		"$BIN/ksysd" -t -c "$T/good.lua" -d "$T/newdb"
	like "written by a newer ksysd \\(schema version 99" "and says why"
	[ -z "$(find "$T/newdb" -name 'ksys.db-*')" ]
	ok $? "the check wrote nothing next to the database"
else
	skip "python3 missing: newer-database check"
fi

printf 'hmc{ name="hmc1", address="127.0.0.1",\n  user="hscroot", password="x" }\nhmc{ name="hmc2", address="h",\n  user="u", pasword="x" }\n' >"$T/unknown.lua"
expect_rc 1 "ksysd -t refuses an unknown key" "$BIN/ksysd" -t -c "$T/unknown.lua"
like "unknown\\.lua:3: .*pasword" "the unknown key is reported as file:line naming the key"

printf 'hmc{ name="hmc1", address="h", user="u", password="x",\n  pin="sha1//abc" }\n' >"$T/badpin.lua"
expect_rc 1 "ksysd -t refuses a malformed pin" "$BIN/ksysd" -t -c "$T/badpin.lua"
like "badpin\\.lua:1: .*sha256//" "the bad pin message names the expected format and line"

printf '\n\nhmc{ name="hmc1", address="h", user="u" }\n' >"$T/nopw.lua"
expect_rc 1 "ksysd -t refuses an HMC without a password" "$BIN/ksysd" -t -c "$T/nopw.lua"
like "nopw\\.lua:3: .*password" "the missing password is reported at its line"

cp "$T/good.lua" "$T/readable.lua"
chmod 644 "$T/readable.lua"
expect_rc 1 "ksysd -t refuses an inline password in a world-readable file" \
	"$BIN/ksysd" -t -c "$T/readable.lua"
like "chmod 600" "the refusal says how to fix the mode"

printf 'settings{ probe_interval=0 }\n' >"$T/range.lua"
expect_rc 1 "ksysd -t refuses an out-of-range setting" "$BIN/ksysd" -t -c "$T/range.lua"
expect_rc 1 "ksysd -t refuses a missing file" "$BIN/ksysd" -t -c "$T/nonexistent.lua"
expect_rc 2 "ksysd refuses an unknown option" "$BIN/ksysd" --bogus
expect_rc 2 "ksysd refuses a bad --time-scale" "$BIN/ksysd" --time-scale zero -t

# ---- ksysmgr --------------------------------------------------------------
expect_rc 2 "ksysmgr without a command is a usage error" "$BIN/ksysmgr"
like "usage: ksysmgr" "ksysmgr prints its usage"
# the grammar's refusals (-o xml, stray words, ...) come from ksysd: ctl.t
expect_rc 3 "ksysmgr reports an unreachable ksysd" "$BIN/ksysmgr" -s "$T/none.sock" query hmc
like "cannot reach ksysd at $T/none.sock" "the message names the socket"
KSYS_SOCKET="$T/env.sock" "$BIN/ksysmgr" query vm >"$T/out" 2>&1
like "cannot reach ksysd at $T/env.sock" "KSYS_SOCKET sets the socket"

# ---- simulator ------------------------------------------------------------
if ! start_sim; then
	ok 1 "hmcsim started"
	echo "1..$n"
	exit 1
fi
ok 0 "hmcsim started"
sim() { "$BIN/hmcsim" ctl "$T/ctl.sock" "$@"; }

expect_rc 0 "ksys-hmc fingerprint" "$BIN/ksys-hmc" -H "$HMC1" fingerprint
PIN=$(head -n 1 "$T/out")
case $PIN in sha256//????????????????????????????????????????????) r=0 ;; *) r=1 ;; esac
ok $r "fingerprint prints a sha256// pin first"
like 'pin="sha256//' "fingerprint prints the line for the configuration"

export KSYS_HMC_PASSWORD=abc123
expect_rc 0 "ksys-hmc inventory with the pin" \
	"$BIN/ksys-hmc" --time-scale $SCALE -H "$HMC1" -u hscroot --pin "$PIN" inventory
like '^HOSTS \(4,' "inventory lists 4 hosts"
like '^VIOSs \(8\)' "inventory lists 8 VIOSs"
like '^LPARs \(40\)' "inventory lists 40 LPARs"
grep -q abc123 "$T/out"; [ $? -ne 0 ]; ok $? "inventory output holds no password"
expect_rc 0 "ksys-hmc -o json inventory" \
	"$BIN/ksys-hmc" --time-scale $SCALE -H "$HMC1" -u hscroot --pin "$PIN" -o json inventory
like '^\{"hmcs":\[.*"hosts":\[.*"lpars":\[' "json inventory is one document"
expect_rc 1 "ksys-hmc refuses an unpinned self-signed certificate" \
	"$BIN/ksys-hmc" --time-scale $SCALE -H "$HMC1" -u hscroot probe
like "fingerprint" "the TLS refusal points to the fingerprint command"
expect_rc 1 "ksys-hmc reports a wrong password" \
	"$BIN/ksys-hmc" --time-scale $SCALE -H "$HMC1" -u hscroot -p wrong --pin "$PIN" probe
expect_rc 0 "ksys-hmc probe" \
	"$BIN/ksys-hmc" --time-scale $SCALE -H "$HMC1" -u hscroot --pin "$PIN" probe
like "reachable logon=ok get=200" "probe reports reachability"
unset KSYS_HMC_PASSWORD
expect_rc 2 "ksys-hmc without a password is a usage error" \
	"$BIN/ksys-hmc" -H "$HMC1" -u hscroot --pin "$PIN" probe
expect_rc 2 "ksys-hmc with an unknown command is a usage error" \
	"$BIN/ksys-hmc" -H "$HMC1" frobnicate
expect_rc 2 "ksys-hmc refuses -c with -H" "$BIN/ksys-hmc" -c "$T/good.lua" -H "$HMC1" probe

printf 'abc123\n' >"$T/hmc.pw"
cat >"$T/sim.lua" <<EOF
hmc{ name="hmc1", address="${HMC1%:*}", port=${HMC1##*:}, user="hscroot",
     password_file="hmc.pw", pin="$PIN" }
hmc{ name="hmc2", address="${HMC2%:*}", port=${HMC2##*:}, user="hscroot",
     password_file="hmc.pw", pin="$PIN" }
EOF
K() { "$BIN/ksys-hmc" --time-scale "$SCALE" -c "$T/sim.lua" "$@"; }
LPAR=$(sim show vms | awk '$3 == "running" { print $1; exit }')
HOST=$(sim show vms | awk -v n="$LPAR" '$1 == n { print $2; exit }')
OTHER=$(sim show hosts | awk -v h="$HOST" '$1 != h { print $1; exit }')
VIOS=$(sim show vioses | awk '{ print $1; exit }')
[ -n "$LPAR" ] && [ -n "$OTHER" ] && [ -n "$VIOS" ]
ok $? "hmcsim ctl shows a running LPAR ($LPAR), another host ($OTHER) and a VIOS ($VIOS)"

expect_rc 0 "job PowerOff" K job PowerOff "$LPAR" operation=shutdown immediate=true
like "submitted to hmc" "the job reports the HMC it was submitted to"
like "COMPLETED_OK" "PowerOff completes OK"
sim show vms "$LPAR" | grep -q running; [ $? -ne 0 ]
ok $? "the simulator shows $LPAR stopped"
expect_rc 0 "job PowerOn" K job PowerOn "$LPAR"
sim show vms "$LPAR" | grep -q running
ok $? "the simulator shows $LPAR running again"
expect_rc 1 "a job the HMC fails exits 1 (PowerOn of a running LPAR)" K job PowerOn "$LPAR"
like "HSCL" "the failure carries the HMC's message"
expect_rc 0 "job MigrateValidate" K job MigrateValidate "$LPAR" TargetManagedSystemName="$OTHER"
expect_rc 1 "a job on an unknown target exits 1" K job PowerOn no-such-lpar
like "no LPAR or VIOS named 'no-such-lpar'" "the unknown target is named"
expect_rc 2 "a malformed job parameter is a usage error" K job PowerOn "$LPAR" bootmode
cat >"$T/qq.xml" <<'EOF'
<?xml version="1.0"?>
<VIO xmlns="http://ausgsa.austin.ibm.com/projects/v/vios/schema/vioHADR2.00" version="2.00" author="LIBKREST" title="Req Quick Query">
  <Request action_str="VIO_HS_QUICK_QUERY"/>
</VIO>
EOF
expect_rc 0 "passthrough from a file" K passthrough "$VIOS" "$T/qq.xml"
like "<VIO" "passthrough prints the VIOS reply"
K passthrough "$VIOS" - <"$T/qq.xml" >"$T/out" 2>&1
ok $? "passthrough from stdin"

sim fault hmc-down hmc1 >/dev/null 2>&1
ok $? "hmcsim: hmc1 down"
expect_rc 3 "probe exits 3 when an HMC is unreachable" K probe
like "hmc1 .*unreachable" "probe names the unreachable HMC"
expect_rc 0 "inventory fails over to hmc2" K inventory
like '^hmc1 +unreachable' "inventory shows hmc1 unreachable"
like '^LPARs \(40\)' "inventory still lists 40 LPARs"
expect_rc 3 "ksys-hmc -m hmc1 alone exits 3" K -m hmc1 inventory

# ---- ksysd -f (started while hmc1 is still down) ----------------------------
"$BIN/ksysd" -f -d "$T/state" -s "$T/ksysd.sock" -c "$T/sim.lua" \
	--time-scale "$SCALE" 2>"$T/ksysd.log" &
KSYSD_PID=$!
wait_for "$T/ksysd.log" 'event=inventory hmc=hmc2 hosts=4 vioses=8 lpars=40' 20
ok $? "ksysd logs hmc2's inventory with the right counts"
wait_for "$T/ksysd.log" 'event=inventory_failed hmc=hmc1 ' 20
ok $? "ksysd reports that hmc1's inventory cannot be read"
sim clear hmc-down hmc1 >/dev/null 2>&1
ok $? "hmcsim: hmc1 back"
wait_for "$T/ksysd.log" 'event=inventory hmc=hmc1 hosts=4 vioses=8 lpars=40' 20
ok $? "ksysd logs hmc1's inventory with the right counts once it is back"
c=$(grep -c 'event=inventory_host hmc=hmc1 ' "$T/ksysd.log")
[ "$c" -eq 4 ]; ok $? "ksysd logs one line per host of hmc1 (got $c)"
grep -q 'socket_served=yes' "$T/ksysd.log"; ok $? "ksysd logs socket_served=yes"
expect_rc 0 "ksysmgr reaches the running ksysd" "$BIN/ksysmgr" -s "$T/ksysd.sock" query hmc
like '^Name: +hmc1$' "query hmc lists hmc1"
kill -TERM "$KSYSD_PID"
i=0
while kill -0 "$KSYSD_PID" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
wait "$KSYSD_PID"
rc=$?
KSYSD_PID=
[ "$rc" -eq 0 ]; ok $? "ksysd exits 0 on SIGTERM (got $rc)"
grep -q 'event=stopped' "$T/ksysd.log"; ok $? "ksysd logs event=stopped"
grep -Eqi 'logoff|logged_off' "$T/ksysd.log"; ok $? "ksysd logs off from the HMCs"
grep -q abc123 "$T/ksysd.log"; [ $? -ne 0 ]; ok $? "ksysd's log holds no password"
[ $failed -eq 0 ] || { diag "ksysd log:"; tail -n 20 "$T/ksysd.log" | sed 's/^/#   /'; }

sim show counters >"$T/out" 2>&1
like '^double_starts=0$' "no double start in the simulator"

# The store: ksys.db was created in the state directory, private to root.
[ -f "$T/state/ksys.db" ]; ok $? "ksysd created STATEDIR/ksys.db"
mode=$(stat -c %a "$T/state/ksys.db" 2>/dev/null)
[ "$mode" = 600 ]; ok $? "ksys.db is mode 600 (got $mode)"
grep -q 'event=store_open .*schema=[1-9]' "$T/ksysd.log"; ok $? "ksysd logs the store and its schema version"

# A database written by a newer ksysd is refused with a message saying so.
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version=999"); c.commit()' \
	"$T/state/ksys.db"
expect_rc 1 "ksysd refuses a database from a newer version" \
	"$BIN/ksysd" -f -d "$T/state" -s "$T/ksysd2.sock"
like 'written by a newer ksysd \(schema version 999; this ksysd knows up to [0-9]+\)' \
	"the refusal names both schema versions"
[ ! -e "$T/ksysd2.sock" ]; ok $? "nothing was served from the refused start"

echo "1..$n"
[ $failed -eq 0 ]
