#!/bin/sh
# vm_vios.t — ksysmgr's vios, viodisk and vm classes against hmcsim (TAP).
#
# Starts hmcsim with a small topology (two hosts; shared disks seen by all
# four VIOSs, by the two VIOSs of rt11 only, and by three of them) and ksysd
# with both HMCs, adds the hosts with `ksysmgr add host` (which stores their
# VIOSs and VMs), then checks query vios, manage/unmanage vios, query
# viodisk (the Redbook layout, the intersection, names as on the first VIOS,
# hosts=, JSON, an HMC that is down), and query/modify/manage/unmanage vm.
# Every wait is bounded; everything started is stopped on exit.
cd "$(dirname "$0")/../.." || exit 1
BIN=${KSYS_BIN:-$(pwd)/bin}
SCALE=10

. tests/taplib.sh

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 missing (JSON checks and UDIDs)"; exit 0
fi

t_begin vm_vios ksysd ksys-hmc ksysmgr hmcsim

D1=6005076801810179D000000000000A01
D2=6005076801810179D000000000000A02
D3=6005076801810179D000000000000A03
D4=6005076801810179D000000000000A04
cat >"$T/topo.lua" <<EOF
hmc{ name = "hmc1", user = "hscroot", password = "abc123" }
hmc{ name = "hmc2", user = "hscroot", password = "abc123" }
host{ name = "rt11", mtms = "8286-42A*0607585", proc = 24, mem_gb = 512,
      hmcs = { "hmc1", "hmc2" } }
host{ name = "rt12", mtms = "8286-42A*2100E5W", proc = 24, mem_gb = 512,
      hmcs = { "hmc1", "hmc2" } }
for _, h in ipairs({ "rt11", "rt12" }) do
	vios{ name = h .. "v1", host = h, proc = 1.0, mem_gb = 8 }
	vios{ name = h .. "v2", host = h, proc = 1.0, mem_gb = 8 }
	for i = 1, 3 do
		lpar{ name = string.format("%s%03d", h, i), host = h, proc = 0.5, mem_gb = 4,
		      state = "running" }
	end
end
disk{ id = "$D1", size_gb = 20, vioses = { "rt11v1", "rt11v2", "rt12v1", "rt12v2" } }
disk{ id = "$D2", size_gb = 10, vioses = { "rt11v1", "rt11v2", "rt12v1", "rt12v2" } }
disk{ id = "$D3", size_gb = 15, vioses = { "rt11v1", "rt11v2" } }
disk{ id = "$D4", size_gb = 12, vioses = { "rt11v1", "rt11v2", "rt12v1" } }
EOF

"$BIN/hmcsim" -c "$T/topo.lua" -l 127.0.0.1:0 --ctl "$T/ctl.sock" --state-dir "$T/sim" \
	--time-scale "$SCALE" >"$T/sim.out" 2>"$T/sim.err" &
SIM_PID=$!
if ! wait_for "$T/sim.out" '^hmcsim ready' 20; then
	ok 1 "hmcsim started"
	diag "hmcsim:"; sed 's/^/#   /' "$T/sim.err" | tail -n 5
	echo "1..$n"; exit 1
fi
ok 0 "hmcsim started with the test topology"
ready=$(grep '^hmcsim ready' "$T/sim.out" | head -n 1)
HMC1=$(printf '%s\n' "$ready" | sed -n 's/.* hmc1=\([^ ]*\).*/\1/p')
HMC2=$(printf '%s\n' "$ready" | sed -n 's/.* hmc2=\([^ ]*\).*/\1/p')
PIN=$("$BIN/ksys-hmc" -H "$HMC1" fingerprint 2>/dev/null | head -n 1)
printf 'abc123\n' >"$T/hmc.pw"
cat >"$T/sim.lua" <<EOF
hmc{ name="hmc1", address="${HMC1%:*}", port=${HMC1##*:}, user="hscroot",
     password_file="hmc.pw", pin="$PIN" }
hmc{ name="hmc2", address="${HMC2%:*}", port=${HMC2##*:}, user="hscroot",
     password_file="hmc.pw", pin="$PIN" }
EOF

S="$T/ksysd.sock"
"$BIN/ksysd" -f -d "$T/state" -s "$S" -c "$T/sim.lua" --time-scale "$SCALE" \
	2>"$T/ksysd.log" &
KSYSD_PID=$!
wait_for "$T/ksysd.log" 'event=start .*socket_served=yes' 20
ok $? "ksysd serves the control socket"
M() { "$BIN/ksysmgr" -s "$S" "$@"; }

# ---- hosts ------------------------------------------------------------------
# add host reads the host's VIOSs and LPARs from its HMC (the HMCs may still
# be logging on right after the start: a bounded retry)
i=0
until M add host rt11 >"$T/out" 2>&1; do
	i=$((i + 1)); [ $i -ge 50 ] && break; sleep 0.2
done
like '^Host rt11 added successfully$' "add host rt11"
expect_rc 0 "add host rt12" M add host rt12

# ---- vios ---------------------------------------------------------------------
"$BIN/ksys-hmc" --time-scale "$SCALE" -c "$T/sim.lua" -o json inventory >"$T/inv.json" 2>/dev/null
uuid_of() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
print([x["uuid"] for x in d["vioses"] + d["lpars"] if x["name"] == sys.argv[2]][0])' \
		"$T/inv.json" "$1"
}
U12V1=$(uuid_of rt12v1)
expect_rc 0 "query vios" M query vios
c=$(grep -c '^Name:' "$T/out"); [ "$c" -eq 4 ]; ok $? "four VIOSs (got $c)"
c=$(grep -c '^State:               MANAGED$' "$T/out"); [ "$c" -eq 4 ]
ok $? "all managed by default (got $c)"
expect_rc 0 "query vios rt12v1" M query vios rt12v1
like "^UUID:                $U12V1\$" "the UUID is the HMC's"
like '^Host:                rt12$' "its host"
like '^HM_versions:         Unknown$' "HM_versions Unknown before the Host Monitor answered"
expect_rc 1 "query vios of an unknown VIOS" M query vios rt99v1
like "no VIOS named \\(or with UUID\\) 'rt99v1'; known VIOSs: rt11v1, rt11v2, rt12v1, rt12v2" \
	"the refusal lists the VIOSs"
expect_rc 0 "unmanage vios rt12v2" M unmanage vios rt12v2
like '^VIOS rt12v2 was successfully unmanaged. Please run discovery to apply changes$' \
	"the unmanage message"
expect_rc 1 "unmanage the last managed VIOS of rt12" M unmanage vios rt12v1
like "host 'rt12' would be left without a managed VIOS" "says why"
expect_rc 0 "manage vios rt12v2 by UUID" M manage vios "$(uuid_of rt12v2)"
like '^VIOS rt12v2 was successfully managed' "the manage message"

# ---- viodisk --------------------------------------------------------------------
udid() { printf '01%s' "$(printf '3IBM2145%s' "$1" | base64 | tr -d '\n')"; }
row() { printf '%-16s %-16s %s\n' "$1" "$2" "$(udid "$3")"; }
RULE=$(printf '%97s' '' | tr ' ' -)
expect_rc 0 "query viodisk vios=rt12v1,rt12v2,rt11v1,rt11v2" \
	M query viodisk vios=rt12v1,rt12v2,rt11v1,rt11v2
{
	printf '\nLooking for free shared disks in these VIOSs:\n'
	printf '\t%s\n' rt12v1 rt12v2 rt11v1 rt11v2
	printf '\nThis can take a few minutes\n'
	printf 'These are the shared free disks which appear on all VIOS in the list provided:\n'
	printf 'DiskNames are as they appear on VIOS rt12v1\n\n'
	printf '%-16s %-16s %s\n' DiskName Size ViodiskID
	printf '%s\n' "$RULE"
	row hdisk1 20480 $D1
	row hdisk2 10240 $D2
} >"$T/want"
cmp -s "$T/want" "$T/out"; ok $? "the Redbook's layout (Ex 3-30): only the disks free on all four"
cmp -s "$T/want" "$T/out" || diff "$T/want" "$T/out" | sed 's/^/#   /' | head -n 20
grep -q hdisk0 "$T/out"; [ $? -ne 0 ]; ok $? "hdisk0 (rootvg, not free) is not listed"
expect_rc 0 "query viodisk vios=rt11v1,rt11v2" M query viodisk vios=rt11v1,rt11v2
c=$(grep -c '^hdisk' "$T/out"); [ "$c" -eq 4 ]; ok $? "four disks shared by rt11's VIOSs (got $c)"
grep -qx "$(row hdisk3 15360 $D3)" "$T/out"; ok $? "the disk only rt11 sees is one of them"
expect_rc 0 "query viodisk vios=rt12v1,rt11v1" M query viodisk vios=rt12v1,rt11v1
grep -qx "$(row hdisk3 12288 $D4)" "$T/out"
ok $? "a disk three VIOSs see is named as on rt12v1 (hdisk3)"
expect_rc 0 "query viodisk vios=rt11v1,rt12v1" M query viodisk vios=rt11v1,rt12v1
grep -qx "$(row hdisk4 12288 $D4)" "$T/out"
ok $? "and as on rt11v1 (hdisk4) when rt11v1 comes first"
like '^DiskNames are as they appear on VIOS rt11v1$' "the heading names the first VIOS"
expect_rc 0 "query viodisk hosts=rt11,rt12" M query viodisk hosts=rt11,rt12
printf '\t%s\n' rt11v1 rt11v2 rt12v1 rt12v2 >"$T/want"
grep "$(printf '^\t')" "$T/out" | cmp -s "$T/want" -
ok $? "hosts= lists the managed VIOSs of each host (Ex 3-31)"
c=$(grep -c '^hdisk' "$T/out"); [ "$c" -eq 2 ]; ok $? "the two disks all of them see (got $c)"
expect_rc 0 "query viodisk as JSON" M -o json query viodisk hosts=rt11
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert [x["diskname"] for x in d] == ["hdisk1","hdisk2","hdisk3","hdisk4"], d
assert d[0]["size"] == 20480 and d[0]["viodiskid"] == sys.argv[2], d[0]
assert set(d[0]) == {"diskname","size","viodiskid"}' "$T/out" "$(udid $D1)" 2>"$T/err"
ok $? "JSON: diskname, size (a number) and viodiskid per disk"
expect_rc 2 "query viodisk with neither vios= nor hosts=" M query viodisk
expect_rc 1 "query viodisk of an unknown VIOS" M query viodisk vios=rt11v1,rt55v1
like "no VIOS named \\(or with UUID\\) 'rt55v1'" "names it"
"$BIN/hmcsim" ctl "$T/ctl.sock" fault hmc-down all >/dev/null 2>&1
expect_rc 1 "query viodisk with every HMC down" M query viodisk vios=rt11v1
like "^ksysmgr: query viodisk: host rt11: " "the refusal names the host and the HMC error"
"$BIN/hmcsim" ctl "$T/ctl.sock" clear hmc-down all >/dev/null 2>&1
i=0
until M query viodisk vios=rt11v1 >"$T/out" 2>&1; do
	i=$((i + 1)); [ $i -ge 100 ] && break; sleep 0.2
done
like '^hdisk1 ' "query viodisk works again once the HMCs are back"

# ---- vm ---------------------------------------------------------------------------
expect_rc 0 "add host_group ITSO_HG" M add host_group ITSO_HG hosts=rt11,rt12
expect_rc 0 "query vm" M query vm
printf 'Managed VMs:\n\trt11001\n\trt11002\n\trt11003\n\trt12001\n\trt12002\n\trt12003\n\nUnmanaged VMs:\n' >"$T/want"
cmp -s "$T/want" "$T/out"; ok $? "the Managed/Unmanaged lists (Ex 3-39)"
expect_rc 0 "unmanage vm name=rt12002,rt12003" M unmanage vm name=rt12002,rt12003
like '^VM rt12003 was successfully unmanaged. Please run discovery to apply changes$' \
	"the Redbook's message (Ex 3-38)"
expect_rc 0 "query vm state=manage" M query vm state=manage
c=$(grep -c '^Name:' "$T/out"); [ "$c" -eq 4 ]; ok $? "records of the four managed VMs (got $c)"
expect_rc 0 "modify vm rt11001 blacklist_hosts=rt12" M modify vm rt11001 blacklist_hosts=rt12
like '^WARNING: No backup host will be left for this VM rt11001\.$' "warns (Ex 3-65)"
like "^For VM rt11001 attribute\\(s\\) 'blacklist_hosts' was successfully modified\\.$" \
	"the modify message"
expect_rc 0 "modify vm ALL host=rt11 priority=High" M modify vm ALL host=rt11 priority=High
c=$(grep -c "attribute(s) 'host', 'priority' was successfully modified" "$T/out")
[ "$c" -eq 3 ]; ok $? "one line per VM of rt11 (got $c)"
expect_rc 0 "query vm rt11001" M query vm rt11001
like "^UUID:                $(uuid_of rt11001)\$" "the UUID is the HMC's"
like '^Priority:            High$' "priority High"
like '^Blacklist_hosts:     rt12$' "the blacklist"
like '^State:               INIT$' "back to INIT after the blacklist change"
expect_rc 0 "query vm as JSON" M -o json query vm rt11001,rt12003
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert [x["name"] for x in d] == ["rt11001","rt12003"], d
assert d[0]["blacklist_hosts"] == ["rt12"] and d[1]["state"] == "UNMANAGED", d' \
	"$T/out" 2>"$T/err"
ok $? "JSON records with lower-case labels"
expect_rc 1 "modify vm of an unknown VM" M modify vm rt11001,rt77001 priority=low
like "no VM named \\(or with UUID\\) 'rt77001'" "names it"
expect_rc 2 "modify vm with a bad priority" M modify vm rt11001 priority=urgent
like "priority=urgent: expected one of low\\|medium\\|high" "says what is allowed"

[ $failed -eq 0 ] || { diag "ksysd log:"; tail -n 20 "$T/ksysd.log" | sed 's/^/#   /'; }
done_testing
