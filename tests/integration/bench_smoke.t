#!/bin/sh
# bench_smoke.t — the HMC job benchmark runs end to end with 50 jobs and
# prints its figures.  No timing is asserted: this only proves the benchmark
# (and the client under it) still works.
cd "$(dirname "$0")/../.." || exit 1
BIN=${KSYS_BIN:-$(pwd)/bin}
BUILD=${KSYS_BUILD:-$(pwd)/build}
B="$BUILD/tests/bench/hmc-jobs"
if [ ! -x "$B" ] || [ ! -x "$BIN/hmcsim" ]; then
	echo "1..0 # SKIP $B or $BIN/hmcsim not built"
	exit 0
fi
echo "1..6"
out=$(KSYS_BIN="$BIN" timeout 120 "$B" -n 50 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
[ $rc -eq 0 ] && echo "ok 1 - hmc-jobs -n 50 exits 0" || echo "not ok 1 - hmc-jobs -n 50 exits 0 (got $rc)"
for f in 'jobs=50 ok=50 failed=0' 'wall_s=[0-9.]+' 'jobs_per_s=[0-9.]+' 'cpu_ms_per_job=[0-9.]+' 'peak_rss_kb=[0-9]+ *$'; do
	i=${i:-1}; i=$((i + 1))
	if printf '%s\n' "$out" | grep -Eq -- "$f"; then
		echo "ok $i - prints $f"
	else
		echo "not ok $i - prints $f"
	fi
done
