# taplib.sh — TAP helpers shared by the shell tests (sourced, POSIX sh).
#
# ok STATUS DESC, skip REASON, diag TEXT..., is GOT EXPECTED DESC,
# expect_rc WANT DESC CMD... (stdout then stderr of CMD land in $T/out),
# like PATTERN DESC [FILE] (grep -E on $T/FILE, default out),
# wait_for FILE PATTERN SECONDS (bounded poll), done_testing (plan + status).
# The caller sets T to its temporary directory before using expect_rc/like.

n=0
failed=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   got:      '$1'"
		echo "#   expected: '$2'"
	fi
}

expect_rc() {
	want=$1 desc=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	cat "$T/err" >>"$T/out"
	[ "$rc" -eq "$want" ]
	ok $? "$desc (exit $want)"
	[ "$rc" -eq "$want" ] || { diag "got exit $rc from: $*"; sed -n '1,15p' "$T/out" | sed 's/^/#   /'; }
}

like() {
	grep -Eq -- "$1" "$T/${3:-out}"
	ok $? "$2"
	grep -Eq -- "$1" "$T/${3:-out}" || { diag "no match for /$1/ in:"; sed -n '1,15p' "$T/${3:-out}" | sed 's/^/#   /'; }
}

wait_for() {
	_i=0
	while [ $_i -lt $(($3 * 10)) ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

done_testing() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}

# stop_pids PID...: SIGTERM, wait up to 5 s each, then SIGKILL.
stop_pids() {
	for _p in "$@"; do kill "$_p" 2>/dev/null; done
	for _p in "$@"; do
		_i=0
		while kill -0 "$_p" 2>/dev/null && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
		kill -9 "$_p" 2>/dev/null
	done
}

# start_sim: run $BIN/hmcsim on ephemeral loopback ports with its control
# socket $T/ctl.sock and state in $T/sim, at time scale $SCALE; wait (20 s at
# most) for its ready line.  Sets SIM_PID, HMC1 and HMC2 (ADDR:PORT).  Returns
# 1, with hmcsim's last errors as diagnostics, when it did not become ready.
start_sim() {
	"$BIN/hmcsim" -l 127.0.0.1:0 --ctl "$T/ctl.sock" --state-dir "$T/sim" \
		--time-scale "$SCALE" >"$T/sim.out" 2>"$T/sim.err" &
	SIM_PID=$!
	if ! wait_for "$T/sim.out" '^hmcsim ready' 20; then
		diag "hmcsim did not become ready:"; sed 's/^/#   /' "$T/sim.err" | tail -n 5
		return 1
	fi
	_ready=$(grep '^hmcsim ready' "$T/sim.out" | head -n 1)
	HMC1=$(printf '%s\n' "$_ready" | sed -n 's/.* hmc1=\([^ ]*\).*/\1/p')
	HMC2=$(printf '%s\n' "$_ready" | sed -n 's/.* hmc2=\([^ ]*\).*/\1/p')
}

# t_begin NAME PROG...: the whole test is skipped unless every PROG is built
# in $BIN; then $T is a fresh directory, removed at exit after SIM_PID,
# KSYSD_PID and EXTRA_PIDS were stopped (bounded), and files are born 0600.
t_begin() {
	_name=$1
	shift
	for _p in "$@"; do
		if [ ! -x "$BIN/$_p" ]; then echo "1..0 # SKIP $BIN/$_p not built"; exit 0; fi
	done
	T=$(mktemp -d "${TMPDIR:-/tmp}/$_name-t.XXXXXX") || exit 1
	SIM_PID= KSYSD_PID= EXTRA_PIDS=
	trap t_cleanup EXIT
	trap 'exit 1' INT TERM HUP PIPE
	umask 077
}
t_cleanup() {
	stop_pids $KSYSD_PID $SIM_PID $EXTRA_PIDS
	[ -n "${KSYS_KEEP_T:-}" ] || rm -rf "$T"
}
