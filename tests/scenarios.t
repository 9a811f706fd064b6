#!/usr/bin/env python3
# scenarios.t — timed failure scenarios against hmcsim + ksysd, compared with
# golden event logs (TAP).
#
# Each directory tests/scenarios/NAME holds:
#   scenario   one directive per line ('#' comments):
#                topology default|FILE.lua   the estate (FILE relative to the dir)
#                scale N                     --time-scale of hmcsim and ksysd
#                group HOST,HOST...          the host group HG1 (default rt11,rt12)
#                setup KSYSMGR ARGS...       extra ksysmgr commands before discovery
#                needs netns                 real ping silence: root and ip netns
#                policy FILE                 FILE (in the dir) as ksysd's -P DIR/detect.lua
#                at T ctl ARGS...            `hmcsim ctl SOCK ARGS` at T scaled s
#                watch T                     how long to watch after the start
#                ignore EVENT                events left out of the comparison
#   expected   the events ksysd must store after the start, one per line:
#                EVENT KIND OBJECT @MIN..MAX
#              where MIN..MAX bound the event's time in scaled seconds after
#              the start (the first fault's reference point).  The events
#              seen (minus ignored names) must be exactly these, each inside
#              its window; order between events is free.
# The start is when monitoring is established: every group polled once and
# every VM that asked for monitoring STARTED.  Every wait is bounded.
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
BIN = os.environ.get("KSYS_BIN", os.path.join(ROOT, "bin"))
SCDIR = os.path.join(ROOT, "tests", "scenarios")

n = 0
failed = 0


def ok(cond, desc):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, desc), flush=True)
    return cond


def skip(desc):
    global n
    n += 1
    print("ok %d # SKIP %s" % (n, desc), flush=True)


def diag(text):
    for line in str(text).splitlines():
        print("# " + line, flush=True)


def parse_scenario(path):
    sc = {"topology": "default", "scale": 100, "group": "rt11,rt12", "setup": [],
          "needs": set(), "at": [], "watch": 300, "ignore": set(), "policy": None}
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            word, _, rest = line.partition(" ")
            rest = rest.strip()
            if word == "topology":
                sc["topology"] = rest
            elif word == "scale":
                sc["scale"] = float(rest)
            elif word == "group":
                sc["group"] = rest
            elif word == "setup":
                sc["setup"].append(rest.split())
            elif word == "needs":
                sc["needs"].add(rest)
            elif word == "at":
                t, _, cmd = rest.partition(" ")
                if not cmd.startswith("ctl "):
                    raise ValueError("%s:%d: 'at T ctl ARGS...' expected" % (path, lineno))
                sc["at"].append((float(t), cmd[4:].split()))
            elif word == "policy":
                sc["policy"] = rest
            elif word == "watch":
                sc["watch"] = float(rest)
            elif word == "ignore":
                sc["ignore"].update(rest.split())
            else:
                raise ValueError("%s:%d: unknown directive '%s'" % (path, lineno, word))
    sc["at"].sort(key=lambda a: a[0])
    return sc


def parse_expected(path):
    out = []
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            m = re.match(r"^(\S+) (\S+) (\S+) @(-?[0-9.]+)\.\.([0-9.]+)$", line)
            if not m:
                raise ValueError("%s:%d: 'EVENT KIND OBJECT @MIN..MAX' expected" % (path, lineno))
            out.append((m.group(1), m.group(2), m.group(3), float(m.group(4)),
                        float(m.group(5))))
    return out


def can_netns():
    if os.geteuid() != 0 or not shutil.which("ip"):
        return "needs root and ip(8) for a network namespace"
    r = subprocess.run(["ip", "netns", "list"], capture_output=True)
    if r.returncode != 0:
        return "ip netns is unavailable here"
    return None


class Run:
    def __init__(self, name, sc):
        self.name = name
        self.sc = sc
        self.tmp = tempfile.mkdtemp(prefix="scenario-%s." % name)
        self.procs = []
        self.netns = None
        self.sock = os.path.join(self.tmp, "ksysd.sock")
        self.ctl = os.path.join(self.tmp, "ctl.sock")

    def wrap(self, argv):
        return (["ip", "netns", "exec", self.netns] + argv) if self.netns else argv

    def spawn(self, argv, out, err):
        p = subprocess.Popen(self.wrap(argv), stdout=open(out, "w"), stderr=open(err, "w"),
                             start_new_session=True)
        self.procs.append(p)
        return p

    def mgr(self, *args, timeout=60):
        r = subprocess.run([os.path.join(BIN, "ksysmgr"), "-s", self.sock] + list(args),
                           capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout + r.stderr

    def simctl(self, *args):
        r = subprocess.run([os.path.join(BIN, "hmcsim"), "ctl", self.ctl] + list(args),
                           capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout + r.stderr

    def wait_file(self, path, pattern, secs):
        end = time.time() + secs
        rx = re.compile(pattern, re.M)
        while time.time() < end:
            try:
                with open(path) as f:
                    m = rx.search(f.read())
                    if m:
                        return m
            except OSError:
                pass
            time.sleep(0.1)
        return None

    def start(self):
        sc = self.sc
        scale = "%g" % sc["scale"]
        if "netns" in sc["needs"]:
            self.netns = "ksys-sc-%d" % os.getpid()
            for cmd in (["ip", "netns", "add", self.netns],
                        ["ip", "-n", self.netns, "link", "set", "lo", "up"],
                        # a veth pair: kernels without the dummy driver have it
                        ["ip", "-n", self.netns, "link", "add", "ksysping0", "type", "veth",
                         "peer", "name", "ksysping1"],
                        ["ip", "-n", self.netns, "link", "set", "ksysping1", "up"],
                        ["ip", "-n", self.netns, "link", "set", "ksysping0", "up"]):
                subprocess.run(cmd, check=True, capture_output=True)
        argv = [os.path.join(BIN, "hmcsim"), "-l", "127.0.0.1:0", "--ctl", self.ctl,
                "--state-dir", os.path.join(self.tmp, "sim"), "--time-scale", scale]
        if sc["topology"] != "default":
            argv += ["-c", os.path.join(SCDIR, self.name, sc["topology"])]
        if self.netns:
            argv += ["--ping-netdev", "ksysping0"]
        self.spawn(argv, os.path.join(self.tmp, "sim.out"), os.path.join(self.tmp, "sim.err"))
        m = self.wait_file(os.path.join(self.tmp, "sim.out"),
                           r"^hmcsim ready .* hmc1=(\S+) hmc2=(\S+)", 20)
        if not m:
            raise RuntimeError("hmcsim did not become ready")
        self.hmc = [m.group(1), m.group(2)]
        kargv = [os.path.join(BIN, "ksysd"), "-f", "-d", os.path.join(self.tmp, "state"),
                 "-s", self.sock, "--time-scale", scale]
        if sc["policy"]:
            pdir = os.path.join(self.tmp, "policy.d")
            os.makedirs(pdir)
            shutil.copy(os.path.join(SCDIR, self.name, sc["policy"]),
                        os.path.join(pdir, "detect.lua"))
            kargv += ["-P", pdir]
        self.spawn(kargv,
                   os.path.join(self.tmp, "ksysd.out"), os.path.join(self.tmp, "ksysd.log"))
        if not self.wait_file(os.path.join(self.tmp, "ksysd.log"), r"socket_served=yes", 20):
            raise RuntimeError("ksysd did not start")

    def setup(self):
        sc = self.sc
        steps = [["add", "ksyscluster", "SC", "type=HA", "sync=yes"]]
        for i, addr in enumerate(self.hmc):
            ip, port = addr.rsplit(":", 1)
            steps.append(["add", "hmc", "hmc%d" % (i + 1), "login=hscroot", "password=abc123",
                          "ip=" + ip, "port=" + port])
        hosts = sc["group"].split(",")
        for h in hosts:
            steps.append(["add", "host", h])
        for st in steps:
            rc, out = self.mgr(*st)
            if rc != 0:
                raise RuntimeError("ksysmgr %s: %s" % (" ".join(st), out))
        rc, out = self.mgr("query", "viodisk", "hosts=" + sc["group"])
        ids = re.findall(r"^hdisk\d+\s+\d+\s+(\S+)$", out, re.M)
        if len(ids) < 2:
            raise RuntimeError("no two shared free disks: " + out)
        steps = [["add", "host_group", "HG1", "hosts=" + sc["group"], "repo_disk=" + ids[0],
                  "ha_disk=" + ids[1]],
                 ["modify", "system", "ha_monitor=enable"]] + sc["setup"] + \
                [["discover", "host_group", "HG1"]]
        for st in steps:
            rc, out = self.mgr(*st, timeout=120)
            if rc != 0:
                raise RuntimeError("ksysmgr %s: %s" % (" ".join(st), out))

    def wait_monitoring(self, secs):
        end = time.time() + secs
        last = ""
        while time.time() < end:
            rc, out = self.mgr("-o", "json", "query", "system", "status")
            last = out
            if rc == 0:
                try:
                    st = json.loads(out)
                except ValueError:
                    st = None
                if st is not None and monitoring_ready(st, self.want_started()):
                    return True
            time.sleep(0.2)
        diag("query system status never showed monitoring established:\n" + last[:2000])
        return False

    def want_started(self):
        """VMs the setup enabled VM-level monitoring for."""
        vms = set()
        for st in self.sc["setup"]:
            if st[:2] == ["modify", "vm"] and "ha_monitor=enable" in st:
                vms.update(st[2].split(","))
        return vms

    def last_event_id(self):
        rc, out = self.mgr("-o", "json", "query", "event")
        evs = json.loads(out) if rc == 0 else []
        return max([e["id"] for e in evs] or [0])

    def events_since(self, since):
        rc, out = self.mgr("-v", "-o", "json", "query", "event", "since=%d" % since)
        return json.loads(out) if rc == 0 else []

    def stop(self):
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except OSError:
                pass
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except OSError:
                    pass
                p.wait(timeout=5)
        if self.netns:
            subprocess.run(["ip", "netns", "del", self.netns], capture_output=True)
        if not os.environ.get("KSYS_KEEP_T"):
            shutil.rmtree(self.tmp, ignore_errors=True)


def monitoring_ready(st, want_started):
    """Every group polled at least once and every VM that asked for
    monitoring (want_started) STARTED."""
    groups = st.get("host_groups") if isinstance(st, dict) else None
    if not groups:
        return False
    started = set()
    for g in groups:
        if not g.get("last_poll"):
            return False
        for h in g.get("hosts", []):
            for vm in h.get("vms", []):
                if vm.get("ha_monitor_state") == "STARTED":
                    started.add(vm.get("name"))
    return want_started <= started


def run_scenario(name):
    d = os.path.join(SCDIR, name)
    sc = parse_scenario(os.path.join(d, "scenario"))
    want = parse_expected(os.path.join(d, "expected"))
    if "netns" in sc["needs"]:
        why = can_netns()
        if why:
            skip("%s: %s" % (name, why))
            return
    r = Run(name, sc)
    try:
        r.start()
        r.setup()
        if not ok(r.wait_monitoring(60), "%s: monitoring established" % name):
            return
        since = r.last_event_id()
        t0 = time.time()
        scale = sc["scale"]
        for at, args in sc["at"]:
            delay = t0 + at / scale - time.time()
            if delay > 0:
                time.sleep(delay)
            rc, out = r.simctl(*args)
            if rc != 0:
                ok(False, "%s: hmcsim ctl %s" % (name, " ".join(args)))
                diag(out)
                return
        delay = t0 + sc["watch"] / scale - time.time()
        if delay > 0:
            time.sleep(delay)
        evs = r.events_since(since)
        got = []
        for e in evs:
            if e["event"] in sc["ignore"]:
                continue
            kind, _, obj = e["object"].partition(" ")
            t = (e["time_ms"] / 1000.0 - t0) * scale
            got.append((e["event"], kind, obj, t))
        missing, extra, late = [], list(got), []
        for w in want:
            match = None
            for g in extra:
                if g[:3] == w[:3]:
                    match = g
                    break
            if match is None:
                missing.append(w)
                continue
            extra.remove(match)
            if not (w[3] <= match[3] <= w[4]):
                late.append((w, match[3]))
        good = not missing and not extra and not late
        ok(good, "%s: the event log matches (%d events)" % (name, len(want)))
        if not good:
            for w in missing:
                diag("missing: %s %s %s @%g..%g" % w)
            for g in extra:
                diag("unexpected: %s %s %s @%.0f" % g)
            for w, t in late:
                diag("out of window: %s %s %s @%g..%g, seen @%.0f" % (w + (t,)))
    except Exception as exc:  # any setup failure is a failed test, with the reason
        ok(False, "%s: %s" % (name, exc))
        try:
            with open(os.path.join(r.tmp, "ksysd.log")) as f:
                diag("".join(f.readlines()[-15:]))
        except OSError:
            pass
    finally:
        r.stop()


def main():
    for p in ("ksysd", "ksysmgr", "hmcsim"):
        if not os.access(os.path.join(BIN, p), os.X_OK):
            print("1..0 # SKIP %s/%s not built" % (BIN, p))
            return 0
    if not os.path.isdir(SCDIR):
        print("1..0 # SKIP no tests/scenarios directory")
        return 0
    names = sorted(x for x in os.listdir(SCDIR)
                   if os.path.isfile(os.path.join(SCDIR, x, "scenario")))
    only = os.environ.get("KSYS_SCENARIO")
    for name in names:
        if only and name != only:
            continue
        run_scenario(name)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
