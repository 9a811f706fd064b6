#!/bin/sh
# man.t — every man page in man/ passes `mandoc -Tlint` (one TAP line each).
# Messages about cross-referenced pages not installed on this machine and
# about a stale mandoc.db are ignored; anything else (style included) fails.
cd "$(dirname "$0")/.." || exit 1
if ! command -v mandoc >/dev/null 2>&1; then
	echo "1..0 # SKIP mandoc not installed"
	exit 0
fi
pages=$(ls man/*.[1-8] 2>/dev/null)
if [ -z "$pages" ]; then
	echo "1..0 # SKIP no man pages"
	exit 0
fi
n=0
for p in $pages; do n=$((n + 1)); done
echo "1..$n"
i=0
for p in $pages; do
	i=$((i + 1))
	out=$(mandoc -Tlint "$p" 2>&1 | grep -v -e 'referenced manual not found' \
		-e 'mandoc.db' -e 'makewhatis')
	if [ -z "$out" ]; then
		echo "ok $i - mandoc -Tlint $p"
	else
		echo "not ok $i - mandoc -Tlint $p"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
done
