#!/bin/sh
# replay.t — replay every fuzz corpus through its fuzz target's plain main.
#
# For each executable $KSYS_BUILD/tests/fuzz/fuzz_NAME (built by `make tests`
# with tests/fuzz/replay.c as main) runs it on tests/fuzz/corpus/NAME/ and
# prints one TAP line per target.  Not a fuzzer: `make fuzz` builds those.
here=$(cd "$(dirname "$0")" && pwd)
build=${KSYS_BUILD:-build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac

targets=""
for t in "$build"/tests/fuzz/fuzz_*; do
	[ -f "$t" ] && [ -x "$t" ] && targets="$targets $t"
done
if [ -z "$targets" ]; then
	echo "1..0 # SKIP no fuzz targets built"
	exit 0
fi

n=0
for t in $targets; do
	name=$(basename "$t")
	corpus="$here/corpus/${name#fuzz_}"
	n=$((n + 1))
	if [ -d "$corpus" ]; then
		out=$("$t" "$corpus" 2>&1)
	else
		out=$("$t" 2>&1)
	fi
	rc=$?
	k=$(printf '%s\n' "$out" | grep -c '^ok ')
	if [ $rc -eq 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok '; then
		echo "ok $n - $name replayed $k inputs"
	else
		echo "not ok $n - $name replayed $k inputs (exit $rc)"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
	fi
done
echo "1..$n"
