#!/bin/sh
# ctl.t — ksysd's control socket and ksysmgr end to end (TAP).
#
# Starts hmcsim and ksysd -f with -s in a temporary directory, then checks
# query hmc (text and JSON), the grammar's refusals and exit statuses, help,
# the socket's mode, the refusal of a peer that is neither root nor in group
# ksys (when run as root), a stale socket, and a clean stop that removes the
# socket.  Every wait is bounded; everything started is stopped on exit.
cd "$(dirname "$0")/../.." || exit 1
BIN=${KSYS_BIN:-$(pwd)/bin}
SCALE=10

. tests/taplib.sh

t_begin ctl ksysd ksys-hmc ksysmgr hmcsim
chmod 755 "$T"

if ! start_sim; then
	ok 1 "hmcsim started"
	echo "1..$n"; exit 1
fi
PIN=$("$BIN/ksys-hmc" -H "$HMC1" fingerprint 2>/dev/null | head -n 1)
printf 'abc123\n' >"$T/hmc.pw"
cat >"$T/sim.lua" <<EOF
hmc{ name="hmc1", address="${HMC1%:*}", port=${HMC1##*:}, user="hscroot",
     password_file="hmc.pw", pin="$PIN" }
hmc{ name="hmc2", address="${HMC2%:*}", port=${HMC2##*:}, user="hscroot",
     password_file="hmc.pw", pin="$PIN" }
EOF

S="$T/run/ksysd.sock"      # its directory does not exist yet
"$BIN/ksysd" -f -d "$T/state" -s "$S" -c "$T/sim.lua" \
	--time-scale "$SCALE" 2>"$T/ksysd.log" &
KSYSD_PID=$!
wait_for "$T/ksysd.log" 'event=start .*socket_served=yes' 20
ok $? "ksysd serves the control socket (socket_served=yes)"
[ -S "$S" ]; ok $? "the socket exists, its directory was created"
mode=$(stat -c %a "$S" 2>/dev/null)
[ "$mode" = 660 ]; ok $? "socket mode is 0660 (got $mode)"
dmode=$(stat -c %a "$T/run" 2>/dev/null)
[ "$dmode" = 755 ]; ok $? "socket directory mode is 0755 (got $dmode)"

# the HMCs come up after their first probe
i=0
while [ $i -lt 100 ]; do
	"$BIN/ksysmgr" -s "$S" -v query hmc >"$T/out" 2>&1
	[ "$(grep -c '^State: *up$' "$T/out")" -eq 2 ] && break
	sleep 0.2; i=$((i + 1))
done
expect_rc 0 "ksysmgr -v query hmc" "$BIN/ksysmgr" -s "$S" -v query hmc
like '^Name:                hmc1$' "query hmc shows hmc1 in a 21-column label field"
like '^Name:                hmc2$' "query hmc shows hmc2"
c=$(grep -c '^State:               up$' "$T/out")
[ "$c" -eq 2 ]; ok $? "both HMCs are up (got $c)"
like '^Login:               hscroot$' "the login is shown"
grep -q abc123 "$T/out"; [ $? -ne 0 ]; ok $? "no password in the output"
expect_rc 0 "ksysmgr -v -o json query hmc" "$BIN/ksysmgr" -s "$S" -v -o json query hmc
like '^\[\{"name":"hmc1",' "JSON is an array of objects with lower-case keys"
like '"name":"hmc2"' "JSON holds hmc2"
like '"state":"up"' "JSON carries the state"
like '"port":[0-9]+,' "the port is a JSON number"
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [r["name"] for r in d] == ["hmc1","hmc2"]; assert set(d[0]) == {"name","ip","login","port","state","last_error","tls_trust","defined_in","hosts"}' "$T/out" 2>"$T/err"
	ok $? "the JSON document parses, keys are the text labels in lower case"
else
	skip "python3 missing: JSON parse check"
fi
# many clients at once
pids=
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	"$BIN/ksysmgr" -s "$S" -o json query hmc >"$T/par.$k" 2>&1 &
	pids="$pids $!"
done
bad=0
for p in $pids; do wait "$p" || bad=$((bad + 1)); done
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	grep -q '"name":"hmc2"' "$T/par.$k" || bad=$((bad + 1))
done
[ $bad -eq 0 ]; ok $? "16 concurrent clients are all answered ($bad failures)"
KSYS_SOCKET="$S" "$BIN/ksysmgr" q hmc hmc2 >"$T/out" 2>&1
ok $? "KSYS_SOCKET, the alias q and a NAME select one HMC"
c=$(grep -c '^Name:' "$T/out"); [ "$c" -eq 1 ]; ok $? "only hmc2 is listed (got $c)"
expect_rc 1 "query hmc of an unknown HMC is refused" "$BIN/ksysmgr" -s "$S" query hmc hmcX
like "no HMC named 'hmcX'; configured: hmc1, hmc2" "the refusal names the HMCs there are"

# grammar: refusals and usage errors (see ksysmgr(8), EXIT STATUS)
expect_rc 2 "an unknown class is a usage error" "$BIN/ksysmgr" -s "$S" query hx
like "unknown class 'hx'; classes: ksyscluster, hmc" "the message lists the classes"
expect_rc 2 "an ambiguous action is a usage error" "$BIN/ksysmgr" -s "$S" d hmc
like "ambiguous action 'd': it could be delete, discover" "the message lists the candidates"
expect_rc 2 "a stray word after the attributes is a usage error" \
	"$BIN/ksysmgr" -s "$S" modify vm vm1 priority=high vm2
expect_rc 2 "an unknown attribute is a usage error" "$BIN/ksysmgr" -s "$S" add hmc h1 colour=red
like "unknown attribute 'colour' for add hmc; attributes: login, password, ip, port" \
	"the message lists the attributes"
expect_rc 2 "-o xml is a usage error" "$BIN/ksysmgr" -s "$S" -o xml query hmc
expect_rc 1 "discovery of an unknown host group is refused" \
	"$BIN/ksysmgr" -s "$S" disc hg HG1 verify=yes
like "host group .HG1. does not exist" "the refusal names the unknown host group"
expect_rc 0 "modify system is served from the store" \
	"$BIN/ksysmgr" -s "$S" mod sys ha_monitor=ENABLE
like "^KSYS ha_monitor has been updated$" "the Redbook's confirmation"
expect_rc 0 "query system" "$BIN/ksysmgr" -s "$S" q sys
like "^ha_monitor:                  enable$" "the change is in the store"
expect_rc 0 "ksysmgr -h is served" "$BIN/ksysmgr" -s "$S" -h
like "unman\\* umg" "top-level help lists aliases"
expect_rc 0 "ksysmgr query hmc -h" "$BIN/ksysmgr" -s "$S" query hmc -h
like "^usage: ksysmgr query hmc \\[NAME" "pair-level help shows the syntax"
expect_rc 0 "-t is accepted" "$BIN/ksysmgr" -s "$S" -t -v query hmc

# a malformed request
if command -v python3 >/dev/null 2>&1; then
	python3 - "$S" >"$T/out" 2>&1 <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])
s.sendall(b"HELLO\n")
d = b""
while True:
    b = s.recv(4096)
    if not b: break
    d += b
sys.stdout.write(d.decode())
EOF
	like '^S 2$' "a malformed request is answered with status 2"
else
	skip "python3 missing: malformed-request check"
fi

# a peer that is neither root nor in group ksys
if [ "$(id -u)" -ne 0 ]; then
	skip "not root: cannot run ksysmgr as another user"
elif getent group ksys 2>/dev/null | grep -q ':65534$\|[:,]nobody\(,\|$\)'; then
	skip "nobody is in group ksys here"
elif command -v setpriv >/dev/null 2>&1; then
	chmod 666 "$S"      # let nobody connect: the credential check must refuse
	expect_rc 1 "nobody is refused" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$BIN/ksysmgr" -s "$S" query hmc
	like "permission denied: ksysmgr needs root or membership of group ksys" \
		"the refusal says who may use ksysmgr"
	chmod 660 "$S"
else
	skip "setpriv missing: cannot run ksysmgr as nobody"
fi

# a second ksysd on the same socket is refused
"$BIN/ksysd" -f -d "$T/state2" -s "$S" --time-scale "$SCALE" >"$T/out" 2>&1 &
P2=$!
i=0
while kill -0 "$P2" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 "$P2" 2>/dev/null
wait "$P2"; rc=$?
[ "$rc" -eq 1 ]; ok $? "a second ksysd on a live socket exits 1 (got $rc)"
like "another ksysd answers on" "it says another ksysd answers"

kill -TERM "$KSYSD_PID"
i=0
while kill -0 "$KSYSD_PID" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
wait "$KSYSD_PID"; rc=$?
KSYSD_PID=
[ "$rc" -eq 0 ]; ok $? "ksysd exits 0 on SIGTERM (got $rc)"
[ ! -e "$S" ]; ok $? "the socket is removed on a clean stop"
expect_rc 3 "ksysmgr reports the stopped ksysd" "$BIN/ksysmgr" -s "$S" query hmc
like "cannot reach ksysd at $S" "the message names the socket"

# a stale socket (nobody answers) is replaced
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$S" 2>/dev/null
if [ -S "$S" ]; then
	"$BIN/ksysd" -f -d "$T/state3" -s "$S" --time-scale "$SCALE" 2>"$T/ksysd2.log" &
	KSYSD_PID=$!
	wait_for "$T/ksysd2.log" 'socket_served=yes' 20
	ok $? "ksysd starts over a stale socket"
	like 'event=stale_socket_removed' "it logs the stale socket's removal" ksysd2.log
	expect_rc 0 "query hmc with no HMC configured" "$BIN/ksysmgr" -s "$S" -o json query hmc
	like '^\[\]$' "JSON of no HMC is an empty array"
else
	skip "could not make a stale socket"
fi

[ $failed -eq 0 ] || { diag "ksysd log:"; tail -n 20 "$T/ksysd.log" | sed 's/^/#   /'; }
echo "1..$n"
[ $failed -eq 0 ]
