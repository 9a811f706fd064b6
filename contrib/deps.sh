#!/bin/sh
# Install the Debian packages ksys needs to build and test, or say which are
# missing.  Run as root it installs them with apt-get; otherwise it prints the
# exact command and fails.  Used by `make deps` and by .ci/run.
PKGS="build-essential pkg-config libev-dev libcurl4-openssl-dev libxml2-dev
liblua5.4-dev lua5.4 libsqlite3-dev libmicrohttpd-dev libgnutls28-dev mandoc
iproute2 iputils-ping perl openssl python3"
missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
	[ "$s" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
		echo "deps: apt-get install failed for:$missing" >&2; exit 1; }
	exit 0
fi
echo "deps: missing Debian packages:$missing" >&2
echo "deps: install them with: sudo apt-get install$missing" >&2
exit 1
