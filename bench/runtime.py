#!/usr/bin/env python3
"""moat run's runtime benchmarks, next to bare bubblewrap and sandbox-runtime (srt).

  python3 bench/runtime.py [--moat build/bin/moat] [--work-dir DIR] [--srt-dir DIR] [--runs N]
                           [--size BYTES] [--repeat N] [--requests N] [--conns N]
                           [--project-files N] [--quick]

Prints one side-by-side table, every number measured in this one run:

1. start-up: `moat run -- true` against bare bubblewrap with the same mount plan
   (`moat build --target=bwrap --format=args`, handed to `bwrap --args FD true`) and
   against `srt true` with the equivalent settings (`moat build --target=srt`); policy
   examples/agent-default.moat, a small scratch launch directory and TMPDIR; --runs
   runs of each, interleaved (the order rotates every round) after warm-up. Two parts
   of moat's time are timed alone (`moat --version`, `moat build --target=bwrap`), and
   the moat/bwrap pair again in a launch directory of --project-files empty files.
2. proxy throughput: helpers/source.c (a loopback HTTP origin) serves --size bytes to
   helpers/sink.c (the client; the same binary on the host and inside the sandboxes):
   directly, through moat run's HTTP CONNECT, SOCKS5 and plain-HTTP proxy, through
   srt's, and through bare socat relays with moat's hops and buffer size (a reference
   for what the hops cost without any sandbox). MB/s (10^6 bytes) measured by the client
   from connect to last byte, so sandbox start-up is not in it; median of --repeat
   transfers (interleaved); ratio to direct.
3. latency per connection: --requests sequential connections (connect, proxy
   handshake, 2-byte GET), each timed by the client, in interleaved rounds; p50/p99 and
   the difference from the direct p50/p99.
4. concurrency: --conns CONNECT tunnels opened at once from inside one moat run, each
   exchanging a 16-byte GET and held open; errors, and the RSS growth of the launcher
   (the `moat run` process on the host, where the proxy runs) and of the in-sandbox
   bridge, per connection (VmRSS before the first connection, highest VmRSS while all
   are open, sampled every 10 ms). Run once with the inherited RLIMIT_NOFILE and once
   with the soft limit at 1024 (the usual login default).

The helpers are compiled with cc into the scratch directory at bench time, next to a
copy of the moat binary (a rebuild during the run cannot change what is measured);
srt 0.0.83 is installed from npm (test/srt-differential/install_srt.sh) into --srt-dir,
default build/srt, or DIR/srt with --work-dir, and reused when already there. Only
loopback; everything is bounded in time and count; only processes started here are
killed, by pid (or the process group started for them); the scratch directory is
removed. A row that cannot be measured says why. Nothing here asserts timing.
"""
import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SRT_VERSION = "0.0.83"
GIB = 1 << 30

# Goals (DESIGN.md / the runtime issue): printed next to the numbers, never asserted.
GOAL_START_VS_BWRAP = 1.5   # moat run -- true <= 1.5x bare bwrap, same plan
GOAL_SRT_VS_MOAT = 20.0     # srt true >= 20x moat run -- true
GOAL_THROUGHPUT = 0.8       # through moat's proxy >= 0.8x direct
SRT_THROUGHPUT_BEFORE = 0.08  # srt's ratio as measured before (issue text)


class Unmeasured(Exception):
    """A row that cannot be measured; the message goes into the table."""


# --- processes ---------------------------------------------------------------------

STARTED = set()  # pids of processes started here that may still run


def run(cmd, timeout, env=None, cwd=None, preexec=None, pass_fds=()):
    """Runs cmd in its own session; on timeout kills that session (the group we made)."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env, cwd=cwd, start_new_session=True, preexec_fn=preexec,
                         pass_fds=pass_fds)
    STARTED.add(p.pid)
    try:
        out, err = p.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        kill_group(p.pid)
        out, err = p.communicate()
        timed_out = True
    STARTED.discard(p.pid)
    return p.returncode, out, err, timed_out


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)  # the session start_new_session made for pid
    except ProcessLookupError:
        pass


def timed_run(cmd, env, cwd, pass_fds=(), timeout=60):
    start = time.perf_counter()
    rc, out, err, to = run(cmd, timeout, env=env, cwd=cwd, pass_fds=pass_fds)
    elapsed = time.perf_counter() - start
    if to or rc != 0:
        raise Unmeasured(f"{os.path.basename(cmd[0])} exited {rc}{' (timed out)' if to else ''}: "
                         f"{(err or out).strip()[-300:]}")
    return elapsed


# The proxied rows every section measures: (short label, long label, the sink's
# VIA, where it runs). The throughput section uses the long labels.
PROXIED = [
    ("moat run, HTTP CONNECT", "moat run, HTTP CONNECT (HTTP_PROXY 127.0.0.1:3128)", "connect=env:HTTP_PROXY", "moat"),
    ("moat run, SOCKS5", "moat run, SOCKS5 (ALL_PROXY 127.0.0.1:1080)", "socks=env:ALL_PROXY", "moat"),
    ("moat run, plain HTTP GET through the proxy", "moat run, plain HTTP GET through HTTP_PROXY",
     "forward=env:HTTP_PROXY", "moat"),
    ("srt, HTTP CONNECT", "srt, HTTP CONNECT (its HTTP_PROXY)", "connect=env:HTTP_PROXY", "srt"),
    ("srt, SOCKS5", "srt, SOCKS5 (its FTP_PROXY socks5h URL)", "socks=env:FTP_PROXY", "srt"),
]


def proxied_rows(long_labels=False):
    return [(long if long_labels else short, via, where) for short, long, via, where in PROXIED]


def percentile(values, q):
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-q * len(s) // 100)) - 1))
    return s[k]


# --- setup -------------------------------------------------------------------------

class Bench:
    def __init__(self, args, scratch):
        self.args = args
        self.moat = os.path.abspath(args.moat)
        self.policy = os.path.join(ROOT, "examples", "agent-default.moat")
        self.scratch = scratch
        self.launch = os.path.join(scratch, "launch")
        self.tmp = os.path.join(scratch, "tmp")
        self.bin = os.path.join(scratch, "bin")
        for d in (self.launch, self.tmp, self.bin):
            os.makedirs(d)
        with open(os.path.join(self.launch, "README"), "w") as f:
            f.write("scratch launch directory of bench/runtime.py\n")
        # A private copy: a rebuild of build/bin/moat during the run cannot change or break it
        # (moat run re-executes itself as the in-sandbox bridge through /proc/self/exe).
        shutil.copy2(self.moat, os.path.join(self.bin, "moat"))
        self.moat_orig, self.moat = self.moat, os.path.join(self.bin, "moat")
        self.env = dict(os.environ, TMPDIR=self.tmp)
        for k in [k for k in self.env if k.lower().endswith("_proxy")]:
            del self.env[k]  # the host's own proxy settings have no part in a loopback run
        self.sink = self.source = None
        self.helpers_why = ""
        self.srt_cli = None
        self.srt_why = ""
        self.origin = None
        self.port = None
        self.big_files = args.big_files
        st = os.stat(self.moat_orig)
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        self.moat_id = (f"source at {head.stdout.strip()}, " if head.returncode == 0 else "") + \
            "binary of " + time.strftime("%Y-%m-%d %H:%M", time.localtime(st.st_mtime))

    def compile_helpers(self):
        cc = shutil.which("cc") or shutil.which("gcc")
        if not cc:
            self.helpers_why = "no C compiler (cc) to build bench/helpers"
            return
        for name, extra in (("source", ["-pthread"]), ("sink", [])):
            out = os.path.join(self.bin, name)
            r = subprocess.run([cc, "-O2", "-Wall", "-Wno-format-truncation", *extra, "-o", out,
                                os.path.join(HERE, "helpers", name + ".c")], capture_output=True, text=True,
                               timeout=120)
            if r.returncode != 0:
                self.helpers_why = f"cc {name}.c failed: {r.stderr.strip()[-300:]}"
                return
        self.sink, self.source = os.path.join(self.bin, "sink"), os.path.join(self.bin, "source")

    def install_srt(self):
        missing = [t for t in ("node", "npm", "bwrap", "socat", "rg") if not shutil.which(t)]
        if missing:
            self.srt_why = "srt needs " + ", ".join(missing) + " (not installed)"
            return
        srt_dir = self.args.srt_dir or (os.path.join(self.args.work_dir, "srt") if self.args.work_dir
                                        else os.path.join(ROOT, "build", "srt"))
        try:
            r = subprocess.run(["bash", os.path.join(ROOT, "test", "srt-differential", "install_srt.sh"),
                                os.path.abspath(srt_dir), SRT_VERSION], stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            self.srt_why = "npm install of sandbox-runtime timed out (600 s)"
            return
        if r.returncode != 0:
            self.srt_why = "npm install of sandbox-runtime failed: " + r.stderr.strip()[-300:]
            return
        self.srt_cli = r.stdout.split()[1]

    def build(self, target, out, extra=(), cwd=None):
        r = subprocess.run([self.moat, "build", f"--target={target}", *extra, "-o", out, self.policy],
                           cwd=cwd or self.launch, env=self.env, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise Unmeasured(f"moat build --target={target} exited {r.returncode}: {r.stderr.strip()[-300:]}")

    def prepare_plans(self):
        """The bwrap argument file and the srt settings, from the same policy and launch dir."""
        self.bwrap_args = os.path.join(self.scratch, "bwrap.args")
        self.build("bwrap", self.bwrap_args, ["--format=args"])
        with open(self.bwrap_args, "rb") as f:
            plan = f.read().split(b"\0")
        missing = [o for o in ("--unshare-net", "--unshare-pid", "--unshare-user") if o.encode() not in plan]
        if missing:  # the namespaces moat run makes, if the plan ever stops naming them
            with open(self.bwrap_args, "wb") as f:
                f.write(b"\0".join([o.encode() for o in missing] + plan))
        if self.big_files:
            # A launch directory the size of a small project: moat plans from what is on disk
            # and sweeps the write roots at exit, so its start-up grows with this; bwrap's does not.
            self.big_launch = os.path.join(self.scratch, "project")
            for i in range(0, self.big_files, 200):
                d = os.path.join(self.big_launch, f"d{i // 200:03d}", "src")
                os.makedirs(d)
                for j in range(min(200, self.big_files - i)):
                    open(os.path.join(d, f"f{j}.c"), "w").close()
            self.big_args = os.path.join(self.scratch, "bwrap-project.args")
            self.build("bwrap", self.big_args, ["--format=args"], cwd=self.big_launch)
        self.plan_mounts = sum(1 for a in plan if a in (b"--bind", b"--ro-bind", b"--tmpfs", b"--dev", b"--proc"))
        self.srt_settings = os.path.join(self.scratch, "srt-settings.json")
        self.srt_settings_lo = os.path.join(self.scratch, "srt-settings-loopback.json")
        if self.srt_cli:
            # srt's settings cannot spell $TMPDIR; bind it to the same directory moat run uses.
            try:
                self.build("srt", self.srt_settings, [f"--define=TMPDIR={self.tmp}"])
            except Unmeasured as e:
                self.srt_cli, self.srt_why = None, str(e)
                return
            with open(self.srt_settings) as f:
                doc = json.load(f)
            doc.setdefault("network", {}).setdefault("allowedDomains", []).append("127.0.0.1")
            with open(self.srt_settings_lo, "w") as f:
                json.dump(doc, f, indent=2)

    # --- commands ---------------------------------------------------------------

    def moat_cmd(self, *cmd, allow_port=None):
        extra = [f"--allow-connect=127.0.0.1:{allow_port}"] if allow_port else []
        return [self.moat, "run", f"--policy={self.policy}", *extra, "--", *cmd]

    def srt_cmd(self, shell, loopback=False):
        return ["node", self.srt_cli, "--settings", self.srt_settings_lo if loopback else self.srt_settings,
                "-c", shell]

    # --- 1. start-up ------------------------------------------------------------

    def startup(self, runs, warmup):
        kinds = ["bwrap", "moat", "moat-version", "moat-plan"] + (["srt"] if self.srt_cli else []) + \
            (["bwrap-big", "moat-big"] if self.big_files else [])
        times = {k: [] for k in kinds}

        def once(kind):
            if kind in ("bwrap", "bwrap-big"):
                big = kind == "bwrap-big"
                fd = os.open(self.big_args if big else self.bwrap_args, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    return timed_run(["bwrap", "--args", str(fd), "true"], self.env,
                                     self.big_launch if big else self.launch, pass_fds=(fd,))
                finally:
                    os.close(fd)
            if kind == "moat":
                return timed_run(self.moat_cmd("true"), self.env, self.launch)
            if kind == "moat-big":
                return timed_run(self.moat_cmd("true"), self.env, self.big_launch)
            if kind == "moat-version":  # the moat process by itself: exec, dynamic linking, exit
                return timed_run([self.moat, "--version"], self.env, self.launch)
            if kind == "moat-plan":  # the policy and the mount plan, no sandbox
                return timed_run([self.moat, "build", "--target=bwrap", "--format=args", "-o",
                                  os.path.join(self.scratch, "plan.args"), self.policy], self.env, self.launch)
            return timed_run(["node", self.srt_cli, "--settings", self.srt_settings, "true"], self.env,
                             self.launch)

        why = {}

        def measure(k):
            if k in why:
                return None
            try:
                return once(k)
            except Unmeasured as e:
                why[k] = str(e)
                return None

        for _ in range(warmup):
            for k in kinds:
                measure(k)
        for i in range(runs):
            order = kinds[i % len(kinds):] + kinds[:i % len(kinds)]
            for k in order:
                t = measure(k)
                if t is not None:
                    times[k].append(t)
        return {k: v for k, v in times.items() if k not in why}, why

    # --- origin -----------------------------------------------------------------

    def start_origin(self, limit):
        p = subprocess.Popen([self.source, str(limit)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        STARTED.add(p.pid)
        self.origin = p
        line = p.stdout.readline().strip()
        if not line.isdigit():
            raise Unmeasured("the loopback origin did not start: " + p.stderr.read()[-300:])
        self.port = int(line)

    def stop_origin(self):
        if self.origin and self.origin.poll() is None:
            self.origin.kill()  # by its pid
            self.origin.wait()
        if self.origin:
            STARTED.discard(self.origin.pid)

    # --- 2. throughput ----------------------------------------------------------

    def runnable(self, rows, where, why):
        """The (name, via) of `rows` that run at `where` and can still be measured; srt's
        rows are marked unmeasurable (in `why`) when srt is not installed."""
        mine = [(n, v) for n, v, w in rows if w == where and n not in why]
        if where == "srt" and not self.srt_cli:
            for n, _ in mine:
                why[n] = self.srt_why
            return []
        return mine

    def sink_line(self, mode, via, n):
        return f"{self.sink} {mode} {via} 127.0.0.1 {self.port} {n}"

    def in_moat(self, lines, timeout):
        rc, out, err, to = run(self.moat_cmd("sh", "-c", "; ".join(f"{l} || exit $?" for l in lines),
                                             allow_port=self.port), timeout, env=self.env, cwd=self.launch)
        if to or rc != 0:
            raise Unmeasured(f"moat run exited {rc}{' (timed out)' if to else ''}: {err.strip()[-300:]}")
        return out

    def in_srt(self, lines, timeout):
        rc, out, err, to = run(self.srt_cmd("; ".join(f"{l} || exit $?" for l in lines), loopback=True),
                               timeout, env=self.env, cwd=self.launch)
        if to or rc != 0:
            raise Unmeasured(f"srt exited {rc}{' (timed out)' if to else ''}: {err.strip()[-300:]}")
        return out

    def throughput(self, size, repeat):
        rows = [("direct loopback (host, no sandbox)", "direct", None), *proxied_rows(long_labels=True),
                ("reference: socat relay on the host, 1 hop (TCP>TCP, moat's shape)", "direct", "socat1"),
                ("reference: socat relays, 2 hops (TCP>unix>TCP, moat's old shape)", "direct", "socat2")]
        got = {name: [] for name, _, _ in rows}
        why = {}
        relays = self.start_relays()
        if isinstance(relays, str):
            for n, _, w in rows:
                if w and w.startswith("socat"):
                    why[n] = relays
            relays = {}
        # srt's copy runs near 0.1x: allow it minutes for a GiB.
        timeout = 60 + size / (20 * 1e6)
        for _ in range(repeat):
            for where in (None, "moat", "srt", "socat1", "socat2"):
                mine = self.runnable(rows, where, why)
                if not mine:
                    continue
                lines = [self.sink_line("get", v, size) for _, v in mine]
                try:
                    if where is None or where.startswith("socat"):
                        cmd = lines[0].split()
                        if where:
                            cmd[4] = str(relays[where])  # the relay's port instead of the origin's
                        rc, out, err, to = run(cmd, timeout, env=self.env)
                        if rc != 0 or to:
                            raise Unmeasured(f"sink exited {rc}: {err.strip()[-200:]}")
                    elif where == "moat":
                        out = self.in_moat(lines, timeout * len(lines))
                    else:
                        out = self.in_srt(lines, timeout * len(lines))
                except Unmeasured as e:
                    for n, _ in mine:
                        why[n] = str(e)
                    continue
                results = re.findall(r"bytes=(\d+) seconds=([\d.]+)", out)
                for (n, _), (b, s) in zip(mine, results):
                    if int(b) != size:
                        why[n] = f"short transfer: {b} of {size} bytes"
                    else:
                        got[n].append(size / float(s))
        self.stop_relays()
        return [(n, statistics.median(got[n]) if got[n] and n not in why else None, why.get(n, ""), w)
                for n, _, w in rows]

    def midsize(self, n, reps):
        """Seconds for each of reps n-byte GETs, each on a fresh connection: a package-sized
        download, where a stall of a few tens of ms shows that the 1 GiB rows average away."""
        rows = [("direct loopback (host)", "direct", None),
                *(r for r in proxied_rows() if r[0] != "srt, SOCKS5")]
        res = {}
        for where in (None, "moat", "srt"):
            mine = [(name, v) for name, v, w in rows if w == where]
            if where == "srt" and not self.srt_cli:
                for name, _ in mine:
                    res[name] = self.srt_why
                continue
            lines = [self.sink_line("get", v, n) for _, v in mine for _ in range(reps)]
            try:
                if where is None:
                    out = ""
                    for line in lines:
                        rc, o, err, to = run(line.split(), 60, env=self.env)
                        if rc != 0 or to:
                            raise Unmeasured(f"sink exited {rc}: {err.strip()[-200:]}")
                        out += o
                elif where == "moat":
                    out = self.in_moat(lines, 120)
                else:
                    out = self.in_srt(lines, 120)
            except Unmeasured as e:
                for name, _ in mine:
                    res[name] = str(e)
                continue
            got = [float(sec) for b, sec in re.findall(r"bytes=(\d+) seconds=([\d.]+)", out) if int(b) == n]
            for k, (name, _) in enumerate(mine):
                mine_t = got[k * reps:(k + 1) * reps]
                res[name] = mine_t if len(mine_t) == reps else f"only {len(mine_t)} of {reps} transfers completed"
        return [(name, res[name]) for name, _, _ in rows]

    def start_relays(self):
        """Bare relays with moat's buffer size (64 KiB), to show what the hops cost by themselves:
        socat1 = one TCP relay; socat2 = TCP > unix socket > TCP, the path moat's bridge and
        launcher make. Returns {name: port} or why not."""
        if not shutil.which("socat"):
            return "socat is not installed"
        ports = []
        for _ in range(2):
            with socket.socket() as so:
                so.bind(("127.0.0.1", 0))
                ports.append(so.getsockname()[1])
        unix = os.path.join(self.scratch, "relay.sock")
        origin = f"TCP:127.0.0.1:{self.port}"
        self.relays = []
        for listen, to in ((f"TCP-LISTEN:{ports[0]},bind=127.0.0.1,reuseaddr,fork", origin),
                           (f"UNIX-LISTEN:{unix},fork", origin),
                           (f"TCP-LISTEN:{ports[1]},bind=127.0.0.1,reuseaddr,fork", f"UNIX-CONNECT:{unix}")):
            p = subprocess.Popen(["socat", "-b", "65536", listen, to], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            STARTED.add(p.pid)
            self.relays.append(p)
        deadline = time.monotonic() + 5
        while not os.path.exists(unix) and time.monotonic() < deadline:
            time.sleep(0.05)
        for port in ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        self.stop_relays()
                        return "socat relays did not start listening"
                    time.sleep(0.05)
        return {"socat1": ports[0], "socat2": ports[1]}

    def stop_relays(self):
        for p in getattr(self, "relays", []):
            kill_group(p.pid)  # socat and the children it forked per connection
            p.wait()
            STARTED.discard(p.pid)
        self.relays = []

    # --- 3. latency -------------------------------------------------------------

    def latency(self, count, rounds):
        """count requests per row, in `rounds` interleaved rounds (direct, moat, srt, direct, ...)
        so that a burst of load on the shared machine lands on every row alike."""
        warm = 3  # dropped at the start of every series (first connections pay for cold caches)
        rows = [("direct loopback (host)", "direct", None), *proxied_rows()]
        res = {n: [] for n, _, _ in rows}
        why = {}
        per = [count // rounds + (1 if i < count % rounds else 0) for i in range(rounds)]
        for k in per:
            for where in (None, "moat", "srt"):
                mine = self.runnable(rows, where, why)
                if not mine:
                    continue
                lines = [self.sink_line("latency", v, k + warm) for _, v in mine]
                try:
                    if where is None:
                        rc, out, err, to = run(lines[0].split(), 120, env=self.env)
                        if rc != 0 or to:
                            raise Unmeasured(f"sink exited {rc}: {err.strip()[-200:]}")
                    elif where == "moat":
                        out = self.in_moat(lines, 120 * len(lines))
                    else:
                        out = self.in_srt(lines, 120 * len(lines))
                except Unmeasured as e:
                    for n, _ in mine:
                        why[n] = str(e)
                    continue
                samples = [l.split()[1:] for l in out.splitlines() if l.startswith("lat")]
                for (n, _), smp in zip(mine, samples):
                    res[n] += [float(x) for x in smp][warm:]
        for n in res:
            if n not in why and len(res[n]) != count:
                why[n] = f"only {len(res[n])} of {count} requests answered"
        return [(n, why.get(n, res[n])) for n, _, _ in rows]

    # --- 4. concurrency ---------------------------------------------------------

    def concurrency(self, conns, hold_ms, nofile=None):
        """Returns a dict of results, or raises Unmeasured."""
        cmd = self.moat_cmd(self.sink, "concurrent", "connect=env:HTTP_PROXY", "127.0.0.1", str(self.port),
                            str(conns), str(hold_ms), "60", allow_port=self.port)
        preexec = None
        limit = resource.getrlimit(resource.RLIMIT_NOFILE)
        if nofile:
            def preexec():
                resource.setrlimit(resource.RLIMIT_NOFILE, (min(nofile, limit[1]), limit[1]))
        errf = tempfile.TemporaryFile(mode="w+")  # a file: moat's stderr can never block its stdout
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errf,
                             text=True, env=self.env, cwd=self.launch, start_new_session=True, preexec_fn=preexec)
        STARTED.add(p.pid)
        samples = []  # (time, phase, launcher kB, bridge kB)
        phase = ["start"]
        stop = threading.Event()

        def rss(pid):
            try:
                with open(f"/proc/{pid}/status") as f:
                    m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
                    return int(m.group(1)) if m else None
            except OSError:
                return None

        def bridge_pid():
            # The bridge: a descendant of the launcher running `__bridge` that is not bwrap.
            kids = {}
            for d in os.listdir("/proc"):
                if d.isdigit():
                    try:
                        with open(f"/proc/{d}/stat") as f:
                            ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                        kids.setdefault(ppid, []).append(int(d))
                    except (OSError, ValueError, IndexError):
                        pass
            todo, seen = [p.pid], []
            while todo:
                q = todo.pop()
                for c in kids.get(q, []):
                    seen.append(c)
                    todo.append(c)
            for c in seen:
                try:
                    with open(f"/proc/{c}/cmdline", "rb") as f:
                        argv = f.read().split(b"\0")
                    with open(f"/proc/{c}/comm") as f:
                        comm = f.read().strip()
                except OSError:
                    continue
                if b"__bridge" in argv and comm != "bwrap":
                    return c
            return None

        bridge = [None]

        def sampler():
            while not stop.is_set() and p.poll() is None:
                if bridge[0] is None and phase[0] != "start":
                    bridge[0] = bridge_pid()
                samples.append((time.monotonic(), phase[0], rss(p.pid), rss(bridge[0]) if bridge[0] else None))
                time.sleep(0.01)

        t = threading.Thread(target=sampler, daemon=True)
        lines = []
        deadline = time.monotonic() + 120
        timer = threading.Timer(120, lambda: kill_group(p.pid))
        timer.start()
        t.start()
        try:
            for line in p.stdout:
                line = line.strip()
                lines.append(line)
                if line == "BEGIN":
                    bridge[0] = bridge_pid()
                    time.sleep(0.1)  # the client waits 300 ms before it opens anything
                    phase[0] = "before"
                    time.sleep(0.1)
                    phase[0] = "opening"
                elif line.startswith("READY"):
                    phase[0] = "open"
                elif line == "DONE":
                    phase[0] = "closed"
            p.wait(timeout=max(1, deadline - time.monotonic()))
            errf.seek(0)
            err = errf.read()
        finally:
            errf.close()
            timer.cancel()
            stop.set()
            t.join()
            STARTED.discard(p.pid)
        ready = next((l for l in lines if l.startswith("READY")), None)
        if not ready:
            raise Unmeasured(f"moat run exited {p.returncode} before the tunnels were open: {err.strip()[-300:]}")
        fields = dict(kv.split("=") for kv in ready.split()[1:])
        before = [s for s in samples if s[1] == "before"]
        during = [s for s in samples if s[1] == "open"]
        if not before or not during:
            raise Unmeasured("no RSS samples before/while the tunnels were open")
        res = {"ok": int(fields["ok"]), "err": int(fields["err"]), "seconds": float(fields["seconds"]),
               "errors": [l[6:] for l in lines if l.startswith("ERROR ")],
               "stderr": err.strip(), "nofile": nofile or limit[0],
               "launcher_before": before[-1][2], "launcher_peak": max(s[2] for s in during if s[2]),
               "bridge_before": before[-1][3],
               "bridge_peak": max((s[3] for s in during if s[3]), default=None)}
        return res


# --- table -------------------------------------------------------------------------

def ms(s):
    return f"{s * 1000:8.1f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--moat", default=os.path.join(ROOT, "build", "bin", "moat"))
    ap.add_argument("--work-dir", help="scratch space (default: a temporary directory under $TMPDIR or /tmp); "
                    "srt is installed in DIR/srt unless --srt-dir says otherwise")
    ap.add_argument("--srt-dir", help="where sandbox-runtime is installed/reused (default: build/srt)")
    ap.add_argument("--runs", type=int, help="start-up runs of each command (default 30, --quick 5)")
    ap.add_argument("--size", type=int, help="bytes per throughput transfer (default 1 GiB, --quick 64 MiB)")
    ap.add_argument("--repeat", type=int, help="transfers per throughput row (default 3, --quick 1)")
    ap.add_argument("--requests", type=int, help="sequential connections per latency row (default 200, --quick 50)")
    ap.add_argument("--conns", type=int, help="concurrent tunnels (default 1000, --quick 200)")
    ap.add_argument("--project-files", type=int, dest="big_files_arg",
                    help="files in the second, project-sized launch directory of the start-up rows "
                         "(default 10000, --quick 2000; 0: no such rows)")
    ap.add_argument("--quick", action="store_true", help="a smoke run under a minute")
    args = ap.parse_args()
    q = args.quick
    runs = args.runs or (5 if q else 30)
    size = args.size or (64 << 20 if q else GIB)
    repeat = args.repeat or (1 if q else 3)
    requests = args.requests or (50 if q else 200)
    conns = args.conns or (200 if q else 1000)
    warmup = 1 if q else 3
    args.big_files = args.big_files_arg if args.big_files_arg is not None else (2000 if q else 10000)
    if not os.access(args.moat, os.X_OK):
        sys.exit(f"bench: no moat binary at {args.moat} (--moat)")
    if not shutil.which("bwrap"):
        sys.exit("bench: bwrap is not installed")
    if args.work_dir:
        os.makedirs(args.work_dir, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="moat-runtime-bench.", dir=args.work_dir or None)

    def on_signal(signum, frame):
        raise SystemExit(f"bench: signal {signum}")
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)

    load_start = os.getloadavg()
    out = []
    missed = []
    b = Bench(args, scratch)
    try:
        b.compile_helpers()
        b.install_srt()
        try:
            b.prepare_plans()
        except Unmeasured as e:
            sys.exit(f"bench: {e}")

        # 1. start-up
        st, st_why = b.startup(runs, warmup)
        med = {k: statistics.median(v) for k, v in st.items()}
        p90 = {k: percentile(v, 90) for k, v in st.items()}
        # 2-4 need the origin
        tp = mid = lat = conc = conc1024 = None
        net_why = b.helpers_why
        if not net_why:
            try:
                b.start_origin(limit=1800)
            except Unmeasured as e:
                net_why = str(e)
        if not net_why:
            tp = b.throughput(size, repeat)
            mid = b.midsize(1000000, 5 if q else 15)
            lat = b.latency(requests, 2 if q else 4)
            try:
                conc = b.concurrency(conns, 1000)
            except Unmeasured as e:
                conc = str(e)
            if resource.getrlimit(resource.RLIMIT_NOFILE)[0] > 1024:
                try:
                    conc1024 = b.concurrency(conns, 300, nofile=1024)
                except Unmeasured as e:
                    conc1024 = str(e)
        b.stop_origin()
    finally:
        b.stop_origin()
        for pid in list(STARTED):
            kill_group(pid)
        shutil.rmtree(scratch, ignore_errors=True)
    load_end = os.getloadavg()

    W = 66
    out.append(f"moat runtime benchmark, {time.strftime('%Y-%m-%d %H:%M')}, "
               f"{os.cpu_count()} cores, kernel {platform.release()}, load average {load_start[0]:.2f} at start, "
               f"{load_end[0]:.2f} at end")
    out.append(f"moat: {args.moat} ({b.moat_id}); policy examples/agent-default.moat; bwrap plan: {b.plan_mounts} mounts; "
               f"srt {SRT_VERSION}{'' if b.srt_cli else ' (not run: ' + b.srt_why + ')'}")
    out.append("")
    out.append(f"{'1. start-up (' + str(runs) + ' runs each, interleaved, after ' + str(warmup) + ' warm-up)':<{W}}"
               f"  {'median':>11}  {'p90':>11}  {'ratio':>14}  goal")

    def start_row(name, k, ratio_txt="", goal_txt=""):
        if k in med:
            out.append(f"{name:<{W}}  {ms(med[k])}  {ms(p90[k])}  {ratio_txt:>14}  {goal_txt}".rstrip())
        else:
            out.append(f"{name:<{W}}  not measured: {st_why.get(k, b.srt_why)}")

    start_row("bare bwrap, same plan (bwrap --args FD true)", "bwrap", "-", "-")
    if "moat" in med and "bwrap" in med:
        r = med["moat"] / med["bwrap"]
        ok = r <= GOAL_START_VS_BWRAP
        missed += [] if ok else [f"start-up moat/bwrap {r:.2f}x > {GOAL_START_VS_BWRAP}x"]
        start_row("moat run -- true", "moat", f"{r:.2f}x bwrap",
                  f"<= {GOAL_START_VS_BWRAP}x bwrap{'' if ok else '  MISSED'}")
    else:
        start_row("moat run -- true", "moat")
    start_row("  of which: moat --version (the process alone)", "moat-version")
    start_row("  of which: moat build --target=bwrap (policy + mount plan)", "moat-plan")
    if "srt" in med and "moat" in med:
        r = med["srt"] / med["moat"]
        ok = r >= GOAL_SRT_VS_MOAT
        missed += [] if ok else [f"start-up srt/moat {r:.1f}x < {GOAL_SRT_VS_MOAT:.0f}x"]
        start_row("srt true (settings from moat build --target=srt)", "srt", f"{r:.1f}x moat",
                  f">= {GOAL_SRT_VS_MOAT:.0f}x moat{'' if ok else '  MISSED'}")
    else:
        start_row("srt true", "srt")
    if args.big_files:
        big = f"launch dir with {args.big_files:,} files"
        start_row(f"bare bwrap, same plan, {big}", "bwrap-big", "-", "-")
        if "moat-big" in med and "bwrap-big" in med:
            start_row(f"moat run -- true, {big}", "moat-big", f"{med['moat-big'] / med['bwrap-big']:.2f}x bwrap",
                      "(no goal: shows the growth)")
        else:
            start_row(f"moat run -- true, {big}", "moat-big")

    out.append("")
    size_txt = f"{size / GIB:g} GiB" if size >= GIB else f"{size / (1 << 20):g} MiB"
    out.append(f"{'2. proxy throughput (' + size_txt + ', median of ' + str(repeat) + ')':<{W}}"
               f"  {'MB/s':>11}  {'x direct':>11}  {'':>14}  goal")
    if tp is None:
        out.append(f"{'(all rows)':<{W}}  not measured: {net_why}")
    else:
        direct = tp[0][1]
        for name, rate, why, where in tp:
            if rate is None:
                out.append(f"{name:<{W}}  not measured: {why}")
                continue
            ratio = rate / direct if direct else float("nan")
            goal = ""
            if where == "moat":
                ok = ratio >= GOAL_THROUGHPUT
                goal = f">= {GOAL_THROUGHPUT}x direct{'' if ok else '  MISSED'}"
                missed += [] if ok else [f"{name}: {ratio:.2f}x direct"]
            elif where == "srt":
                goal = f"(measured before: ~{SRT_THROUGHPUT_BEFORE}x)"
            elif where:
                goal = "(no sandbox, bare relays)"
            out.append(f"{name:<{W}}  {rate / 1e6:11.1f}  {ratio:10.2f}x  {'':>14}  {goal}".rstrip())

    if mid is not None:
        out.append("")
        reps = len(next((t for _, t in mid if isinstance(t, list)), []))
        out.append(f"{'   one 1 MB GET per connection, ' + str(reps) + ' connections':<{W}}"
                   f"  {'median':>11}  {'slowest':>11}  {'over 10 ms':>14}")
        for name, t in mid:
            if isinstance(t, str):
                out.append(f"{name:<{W}}  not measured: {t}")
            else:
                slow = sum(1 for x in t if x > 0.010)
                out.append(f"{name:<{W}}  {ms(statistics.median(t))}  {ms(max(t))}  {f'{slow} of {len(t)}':>14}")
    out.append("")
    out.append(f"{'3. latency per connection (' + str(requests) + ' sequential, connect + 2-byte GET)':<{W}}"
               f"  {'p50':>11}  {'p99':>11}  {'added p50':>14}  {'added p99':>11}  over 10 ms")
    if lat is None:
        out.append(f"{'(all rows)':<{W}}  not measured: {net_why}")
    else:
        d = lat[0][1] if isinstance(lat[0][1], list) else None
        for name, us in lat:
            if not isinstance(us, list):
                out.append(f"{name:<{W}}  not measured: {us}")
                continue
            p50, p99 = percentile(us, 50), percentile(us, 99)
            if d is None or us is d:
                add = f"{'-':>14}  {'-':>11}"
            else:
                add = f"{p50 - percentile(d, 50):11.0f} us  {p99 - percentile(d, 99):8.0f} us"
            slow = sum(1 for x in us if x > 10000)
            out.append(f"{name:<{W}}  {p50:8.0f} us  {p99:8.0f} us  {add}  {slow} of {len(us)}")

    out.append("")
    out.append(f"{'4. ' + str(conns) + ' concurrent CONNECT tunnels, one moat run':<{W}}"
               f"  {'measured':>11}  {'':>11}  {'':>14}  goal")
    if conc is None:
        out.append(f"{'(all rows)':<{W}}  not measured: {net_why}")
    for first, c in ((True, conc), (False, conc1024)):
        if c is None:
            continue
        label = "errors, inherited RLIMIT_NOFILE" if first else "errors, soft RLIMIT_NOFILE 1024 (login default)"
        if isinstance(c, str):
            out.append(f"{label:<{W}}  not measured: {c}")
            continue
        label = label.replace("inherited RLIMIT_NOFILE", f"inherited RLIMIT_NOFILE ({c['nofile']})")
        ok = c["err"] == 0
        missed += [] if ok else [f"{c['err']} of {conns} tunnels failed ({label[8:]})"]
        out.append(f"{label:<{W}}  {c['err']:11d}  {'of ' + str(conns):>11}  {'':>14}  0{'' if ok else '  MISSED'}")
        out.append(f"{'  time until every tunnel answered (or failed)':<{W}}  {ms(c['seconds'])}")
        for e in c["errors"][:3]:
            out.append(f"{'':<{W}}  first errors: {e}")
        if c["stderr"]:
            out.append(f"{'':<{W}}  moat said: {c['stderr'].splitlines()[-1][:120]}")
        if not first:
            continue
        n = max(1, c["ok"])
        g = (c["launcher_peak"] - c["launcher_before"]) / n
        out.append(f"{'  launcher (moat run, host) RSS growth per tunnel':<{W}}  {g:8.1f} KiB  "
                   f"{c['launcher_before'] / 1024:6.1f}->{c['launcher_peak'] / 1024:.1f} MiB")
        if c["bridge_before"] and c["bridge_peak"]:
            g = (c["bridge_peak"] - c["bridge_before"]) / n
            out.append(f"{'  in-sandbox bridge RSS growth per tunnel':<{W}}  {g:8.1f} KiB  "
                       f"{c['bridge_before'] / 1024:6.1f}->{c['bridge_peak'] / 1024:.1f} MiB")
    print("\n".join(out))
    if missed:
        print("\ngoals missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
