#!/bin/sh
# sim_ping.t — the simulated partitions' addresses answer ping for real.
#
# Without privileges: a running partition's default loopback address
# (127.1.H.N) answers, and `show vms` says when a partition that should be
# silent answers anyway.  As root: a network namespace made for the test with
# a dummy interface (veth where the kernel has no dummy driver), hmcsim run
# inside it with --ping-netdev, and `ping -c1 -W1` from the same namespace:
# a partition answers, stops answering after vm-unpingable and vm-crash, and
# answers again after clear.  hmcsim refuses --ping-netdev outside such a
# namespace.  Every wait is bounded; the namespace is deleted at exit.

BIN=${KSYS_BIN:-./bin}
. "$(dirname "$0")/../taplib.sh"
t_begin sim_ping hmcsim
NS=
ns_cleanup() {
	stop_pids $SIM_PID
	SIM_PID=
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	t_cleanup
}
trap ns_cleanup EXIT

if ! command -v ping >/dev/null 2>&1; then
	echo "1..0 # SKIP ping is not installed (Debian: iputils-ping)"
	exit 0
fi
ctl() { "$BIN/hmcsim" ctl "$T/ctl.sock" "$@"; }
# ready FILE: wait (20 s at most) for hmcsim's ready line
ready() { wait_for "$1" '^hmcsim ready' 20; }
# pings ADDR WANT: poll (10 s at most) until one ping's success is WANT (0/1)
pings() {
	_i=0
	while [ $_i -lt 10 ]; do
		$NSX ping -c1 -W1 "$1" >/dev/null 2>&1
		_r=$(( $? == 0 ))
		[ "$_r" -eq "$2" ] && return 0
		sleep 0.5
		_i=$((_i + 1))
	done
	return 1
}

# ---- loopback: no privilege needed ----
NSX=
"$BIN/hmcsim" -l 127.0.0.1:0 --ctl "$T/ctl.sock" --state-dir "$T/sim" --time-scale 10 \
	>"$T/sim.out" 2>"$T/sim.err" &
SIM_PID=$!
ready "$T/sim.out"
ok $? "hmcsim ready (loopback addresses)"
ADDR=$(ctl show vm rt11003 | sed -n 's/.* addr=\([^ ]*\).*/\1/p')
is "$ADDR" "127.1.1.5" "rt11003 (host 1, partition 5) has 127.1.1.5"
pings "$ADDR" 1
ok $? "its loopback address answers ping"
ctl fault vm-unpingable rt11003
is "$(ctl show vm rt11003 | awk '{ print $9 }')" "ping=silent:loopback-answers" \
	"vm-unpingable: show vms says loopback answers anyway"
ctl clear vm-unpingable rt11003
is "$(ctl show vm rt11003 | awk '{ print $9 }')" "ping=answers" "clear: ping=answers"
stop_pids $SIM_PID
SIM_PID=

"$BIN/hmcsim" -l 127.0.0.1:0 --ctl "$T/ctl2.sock" --state-dir "$T/sim2" --ping-netdev lo \
	>"$T/o" 2>"$T/e"
ok $(( $? != 1 )) "--ping-netdev outside a test namespace: exit 1"
grep -Eq 'needs root|does not run in a network namespace made for the test' "$T/e"
ok $? "... saying why"

# ---- a namespace made for the test ----
if [ "$(id -u)" -ne 0 ]; then
	skip "not root: no network namespace for real silence"
	done_testing
	exit $?
fi
NS=ksys-simping-$$
if ! ip netns add "$NS" 2>"$T/e"; then
	NS=
	skip "ip netns add failed: $(head -c 200 "$T/e")"
	done_testing
	exit $?
fi
NSX="ip netns exec $NS"
ip -n "$NS" link set lo up
DEV=d0
if ! ip -n "$NS" link add d0 type dummy 2>/dev/null; then
	DEV=v0
	ip -n "$NS" link add v0 type veth peer name v1 || {
		skip "neither a dummy nor a veth interface can be made"
		done_testing
		exit $?
	}
	ip -n "$NS" link set v1 up
fi
ip -n "$NS" link set "$DEV" up
diag "namespace $NS, interface $DEV"

$NSX "$BIN/hmcsim" -l 127.0.0.1:0 --ctl "$T/ctl.sock" --state-dir "$T/sim3" \
	--time-scale 10 --ping-netdev "$DEV" >"$T/sim3.out" 2>"$T/sim3.err" &
SIM_PID=$!
ready "$T/sim3.out"
ok $? "hmcsim ready inside the namespace with --ping-netdev $DEV"
ADDR=$(ctl show vm rt11003 | sed -n 's/.* addr=\([^ ]*\).*/\1/p')
is "$ADDR" "10.77.1.5" "rt11003 gets 10.77.1.5"
pings "$ADDR" 1
ok $? "$ADDR answers ping inside the namespace"
ip -n "$NS" addr show dev "$DEV" | grep -q "inet $ADDR/16"
ok $? "... it is on $DEV"
OFF=$(ctl show vm rt12007 | sed -n 's/.* addr=\([^ ]*\).*/\1/p')
pings "$OFF" 0
ok $? "a partition that is not activated ($OFF) is silent"

ctl fault vm-unpingable rt11003
is "$(ctl show vm rt11003 | awk '{ print $9 }')" "ping=silent" "vm-unpingable: ping=silent"
pings "$ADDR" 0
ok $? "... and $ADDR really stops answering"
ctl clear vm-unpingable rt11003
pings "$ADDR" 1
ok $? "clear: it answers again"

C=$(ctl show vm rt11004 | sed -n 's/.* addr=\([^ ]*\).*/\1/p')
ctl fault vm-crash rt11004
pings "$C" 0
ok $? "vm-crash rt11004: $C silent"
ctl fault vm-hang rt11005
H=$(ctl show vm rt11005 | sed -n 's/.* addr=\([^ ]*\).*/\1/p')
pings "$H" 1
ok $? "vm-hang rt11005: $H still answers (the OS network stack runs)"
ctl clear vm-crash rt11004
ctl clear vm-hang rt11005
pings "$C" 1
ok $? "clear vm-crash: $C answers again"
ctl fault host-power-off rt11
V=$(ctl show vm rt11001 | sed -n 's/.* addr=\([^ ]*\).*/\1/p')
pings "$V" 0
ok $? "host-power-off rt11: its partitions are silent"
ctl clear host-power-off rt11
ctl show vms rt11001 | grep -q 'ping=silent'
ok $? "clear: the host is back, its LPARs not activated, still silent"
grep -q 'event=ping_netdev netns=ksys-simping' "$T/sim3.err"
ok $? "hmcsim logged the namespace and interface it manages"
done_testing
