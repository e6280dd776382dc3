# Differential test: moat's reading of srt settings files against REAL sandbox-runtime.
#
# For each generated file (gen.py) it builds a scratch HOME and launch directory full of
# probe files, runs srt ONCE with that file around probe.py, and judges on the host what
# srt let through: a read counts only if the file's secret token came back, a write only
# if the host file now holds the write token, a connection only if the loopback server
# recorded the request. Then it asks `moat query` the same questions with the scratch
# roots bound (--define HOME=... --define CWD=...), and compares:
#   (a) moat's own semantics (the file plus moat's built-in protections) must never allow
#       what srt blocks. The only exceptions are four Linux mechanics in which srt is
#       stricter than its own file; they are classified and counted apart:
#         write-under-read-deny   a write under a read-denied path goes into a tmpfs
#         write-glob-skipped      srt skips allowWrite globs on Linux
#         write-root-missing      an allowWrite path that does not exist is not created
#         read-carveout-read-only an allowRead carve-out is bound read-only over a write root
#   (b) `moat query --runtime=srt` (when moat has it) should agree with srt: every
#       disagreement is listed.
# Also: every file srt accepts must be accepted by `moat check` (not exit 2).
#
# Run as a test (exit 0 pass, 1 fail, 77 skip when bwrap cannot make namespaces):
#   python3 difftest.py --moat build/bin/moat --srt-dir build/srt --seed 1 --policies 24
import argparse
import concurrent.futures
import json
import os
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402

SKIP = 77
MECHANICS = ["write-under-read-deny", "write-glob-skipped", "write-root-missing",
             "read-carveout-read-only"]
SRT_TIMEOUT = 240         # seconds for one srt run (it takes ~0.6 s plus the probes)
NET_TIMEOUT = 6           # seconds for one request through srt's proxy (a refusal takes ms)
MAX_REQUESTS = 20000      # the loopback servers stop answering after this many requests


# --- environment --------------------------------------------------------------------

def bwrap_can_sandbox():
    """srt's own bwrap shape, minus srt: can this machine make the namespaces?"""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        raise RuntimeError("bwrap is not installed (scripts/setup.sh installs bubblewrap)")
    cmd = [bwrap, "--new-session", "--die-with-parent", "--unshare-net", "--unshare-pid",
           "--unshare-user", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "true"]
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return False, "bwrap timed out"
    if r.returncode != 0:
        return False, "bwrap cannot create namespaces here: " + r.stderr.strip()
    return True, ""


def install_srt(srt_dir, versions):
    """{version: cli.js} through install_srt.sh (npm, idempotent)."""
    r = subprocess.run(["bash", os.path.join(HERE, "install_srt.sh"), os.path.abspath(srt_dir)] + versions,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError("install_srt.sh failed:\n" + r.stderr)
    out = {}
    for line in r.stdout.splitlines():
        v, cli = line.split(" ", 1)
        out[v] = cli
    return out


def moat_has_runtime_flag(moat):
    r = subprocess.run([moat, "query", "--help"], capture_output=True, text=True)
    return "--runtime" in r.stdout


# --- loopback servers ---------------------------------------------------------------

class Recorder:
    """Loopback HTTP servers on 127.0.0.1-3 (and ::1) at two ports; they record the
    request paths that reach them. Bounded: MAX_REQUESTS in all, 5 s per connection."""

    def __init__(self):
        self.seen = set()
        self.count = 0
        self.lock = threading.Lock()
        self.servers = []
        self.ports = self._listen()

    def _handler(self):
        rec = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                self.request.settimeout(5)
                with rec.lock:
                    rec.count += 1
                    if rec.count > MAX_REQUESTS:
                        return
                data = b""
                try:
                    while b"\r\n" not in data and len(data) < 8192:
                        chunk = self.request.recv(1024)
                        if not chunk:
                            break
                        data += chunk
                    parts = data.split(b"\r\n", 1)[0].split(b" ")
                    if len(parts) >= 2:
                        with rec.lock:
                            rec.seen.add(parts[1].decode("latin-1"))
                    self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                except OSError:
                    pass
        return Handler

    def _serve(self, family, addr, port):
        class Server(socketserver.ThreadingTCPServer):
            address_family = family
            allow_reuse_address = True
            daemon_threads = True
        srv = Server((addr, port), self._handler())
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        self.servers.append(srv)

    def _listen(self):
        for _ in range(50):
            ports = []
            try:
                for _ in range(2):
                    s = socket.socket()
                    s.bind(("127.0.0.1", 0))
                    ports.append(s.getsockname()[1])
                    s.close()
                for p in ports:
                    for a in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
                        self._serve(socket.AF_INET, a, p)
                    try:
                        self._serve(socket.AF_INET6, "::1", p)
                    except OSError:
                        pass  # no IPv6 loopback: localhost is 127.0.0.1 only
                return ports
            except OSError:
                self.close()
        raise RuntimeError("could not find two free loopback ports")

    def saw(self, path):
        with self.lock:
            return path in self.seen

    def close(self):
        for s in self.servers:
            s.shutdown()
            s.server_close()
        self.servers = []


# --- one policy ---------------------------------------------------------------------

def resolve(entry, home, cwd):
    """An srt path entry as an absolute path (no glob expansion)."""
    p = entry["path"] if isinstance(entry, dict) else entry
    if p == "~" or p.startswith("~/"):
        p = home + p[1:]
    elif not p.startswith("/"):
        p = os.path.join(cwd, p)
    p = os.path.normpath(p)
    return p


def is_glob(entry):
    return isinstance(entry, str) and any(c in entry for c in "*?[")


def at_or_under(p, d):
    return p == d or p.startswith(d.rstrip("/") + "/")


class Probe:
    def __init__(self, pid, kind, subject, **kw):
        self.id, self.kind, self.subject = pid, kind, subject  # kind: read|write|connect
        self.__dict__.update(kw)
        self.srt = None        # True: srt let it through
        self.moat = None       # True: moat query allows
        self.moat_why = ""
        self.moat_srt = None   # moat query --runtime=srt
        self.moat_srt_why = ""
        self.verdict = None    # agree | moat-looser | mechanic:<class> | moat-stricter:<class>


def build_tree(root, token):
    home = os.path.join(root, "home", "u")
    cwd = os.path.join(home, gen.CWD_IN_HOME)
    probes = []
    dirs = set()
    for i, rel in enumerate(gen.EXISTING):
        path = os.path.join(home, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        secret = "SECRET-%s-r%d" % (token, i)
        with open(path, "w") as f:
            f.write(secret + "\n")
        probes.append(Probe("r%d" % i, "read", path, secret=secret))
        probes.append(Probe("w%d" % i, "write", path, new=False, wtoken="WROTE-%s-w%d" % (token, i)))
        d = os.path.dirname(path)
        while at_or_under(d, home) and d not in dirs:
            dirs.add(d)
            d = os.path.dirname(d)
    # A neutral file in every directory: whether srt hides the directory itself.
    for j, d in enumerate(sorted(dirs)):
        path = os.path.join(d, "_d.txt")
        secret = "SECRET-%s-d%d" % (token, j)
        with open(path, "w") as f:
            f.write(secret + "\n")
        probes.append(Probe("d%d" % j, "read", path, secret=secret))
    for i, rel in enumerate(gen.NEW):
        path = os.path.join(home, rel)
        probes.append(Probe("n%d" % i, "write", path, new=True, wtoken="WROTE-%s-n%d" % (token, i)))
    return home, cwd, probes


def net_probes(ports, token):
    probes = []
    k = 0
    for host in gen.NET_HOSTS:
        for port in ports:
            for method in ("GET", "CONNECT"):
                pid = "c%d" % k
                k += 1
                probes.append(Probe(pid, "connect", "%s:%d" % (host, port), host=host, port=port,
                                    method=method, path="/%s/%s" % (token, pid)))
    return probes


def run_srt(cli, settings, spec_path, home, cwd, tmpdir, probe_py):
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": tmpdir, "LANG": "C.UTF-8"}
    cmd = ["node", cli, "--settings", settings, "-c",
           "/usr/bin/python3 %s %s" % (shlex.quote(probe_py), shlex.quote(spec_path))]
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = p.communicate(timeout=SRT_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)  # the session srt and its children run in
        out, err = p.communicate()
        err += "\n[difftest: srt timed out after %d s]" % SRT_TIMEOUT
    return p.returncode, out, err


def parse_results(text):
    res = {}
    for line in text.splitlines():
        parts = line.split(" ", 2)
        if len(parts) >= 2 and parts[0] in ("R", "W", "N"):
            res[parts[1]] = parts[2] if len(parts) > 2 else ""
    return res


QUERY_LINE = re.compile(r"^(allow|deny|ask) (read|write|connect) (\S+)\s+# (.*)$")


def moat_query(moat, settings, probes, home, cwd, qfile, runtime=None):
    with open(qfile, "w") as f:
        for p in probes:
            f.write("%s %s\n" % (p.kind, p.subject))
    cmd = [moat, "query", "--batch=" + qfile, "--define", "HOME=" + home, "--define", "CWD=" + cwd]
    if runtime:
        cmd.append("--runtime=" + runtime)
    cmd.append(settings)
    r = subprocess.run(cmd, cwd=cwd, env=dict(os.environ, HOME=home, NO_COLOR="1"),
                       capture_output=True, text=True, timeout=120)
    answers = [QUERY_LINE.match(l) for l in r.stdout.splitlines() if QUERY_LINE.match(l)]
    if r.returncode == 2 or len(answers) != len(probes):
        return None, (r.stderr or r.stdout).strip()
    return [(m.group(1) == "allow", m.group(4)) for m in answers], ""


def moat_check(moat, settings, home, cwd):
    r = subprocess.run([moat, "check", "--format=json", settings], cwd=cwd,
                       env=dict(os.environ, HOME=home, NO_COLOR="1"),
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stderr.strip()


ORIGIN = re.compile(r"\[filesystem\.(allowWrite|denyWrite|allowRead|denyRead)\[(\d+)\]\]")


def classify_mechanic(p, doc, home, cwd, by_path, preexisting):
    """Why srt blocked a write that moat (default semantics) allows, if it is one of
    srt's four Linux mechanics; else None (moat is looser: a failure)."""
    fsd = doc["filesystem"]
    m = ORIGIN.search(p.moat_why)
    if m and m.group(1) == "allowWrite":
        entry = fsd["allowWrite"][int(m.group(2))]
        if is_glob(entry):
            return "write-glob-skipped"
        if not preexisting(resolve(entry, home, cwd)):
            return "write-root-missing"
    # The path, or a neutral file in its nearest existing directory, is hidden from reads.
    own = by_path.get(("read", p.subject))
    if own is not None and own.srt is False:
        return "write-under-read-deny"
    d = os.path.dirname(p.subject)
    while not preexisting(d) and at_or_under(d, home):
        d = os.path.dirname(d)
    sentinel = by_path.get(("read", os.path.join(d, "_d.txt")))
    if sentinel is not None and sentinel.srt is False:
        return "write-under-read-deny"
    # An allowRead that re-opens part of a denyRead directory is bound read-only, even
    # inside a write root (an allowRead with no deny above it is not bound at all).
    denied = [resolve(d, home, cwd) for d in fsd.get("denyRead", []) if not is_glob(d)]
    for entry in fsd.get("allowRead", []):
        if is_glob(entry):
            continue
        carve = resolve(entry, home, cwd)
        if at_or_under(p.subject, carve) and any(at_or_under(carve, d) for d in denied):
            return "read-carveout-read-only"
    return None


def stricter_class(why):
    if why.startswith("builtin:"):
        return "builtin-protection"
    if why.startswith("default"):
        return "default"
    return "file-rule"


class PolicyResult:
    def __init__(self, index, seed, version, shapes, doc):
        self.index, self.seed, self.version, self.shapes, self.doc = index, seed, version, shapes, doc
        self.status = "ok"    # ok | srt-refused | moat-refused | error
        self.detail = ""
        self.probes = []
        self.channel = "file"
        self.settings_text = ""


def run_policy(ctx, index, seed, version, doc_template, shapes):
    res = PolicyResult(index, seed, version, shapes, doc_template)
    root = os.path.join(ctx.scratch, "p%d" % index)
    os.makedirs(root)
    try:
        token = secrets.token_hex(6)
        home, cwd, probes = build_tree(root, token)
        probes += net_probes(ctx.recorder.ports, token)
        pa, pb = ctx.recorder.ports
        doc = gen.fill(doc_template, {"HOME": home, "CWD": cwd, "PA": pa, "PB": pb})
        res.doc = doc
        settings = os.path.join(root, "srt-settings.json")
        res.settings_text = json.dumps(doc, indent=2)
        with open(settings, "w") as f:
            f.write(res.settings_text)
        existed = set()
        for dirpath, dirnames, filenames in os.walk(home):
            existed.add(dirpath)
            existed.update(os.path.join(dirpath, n) for n in filenames)
        preexisting = lambda path: path in existed or not at_or_under(path, home)  # noqa: E731
        out_file = os.path.join(ctx.results, "out-%d.txt" % index)
        spec = {"reads": [[p.id, p.subject] for p in probes if p.kind == "read"],
                "writes": [[p.id, p.subject, p.wtoken, p.new] for p in probes if p.kind == "write"],
                "net": [[p.id, p.method, p.host, p.port, p.path] for p in probes if p.kind == "connect"],
                "net_timeout": NET_TIMEOUT, "out": out_file}
        spec_path = os.path.join(root, "spec.json")
        with open(spec_path, "w") as f:
            json.dump(spec, f)
        tmpdir = os.path.join(root, "tmp")
        os.makedirs(tmpdir)
        # A canary outside every path the vocabulary can open: if srt lets this write
        # through, it did not confine the probe, and no verdict of this run means anything.
        canary = os.path.join(root, "canary", "c.txt")
        os.makedirs(os.path.dirname(canary))
        with open(canary, "w") as f:
            f.write("canary\n")
        spec["writes"].append(["canary", canary, "WROTE-" + token + "-canary", False])
        with open(spec_path, "w") as f:
            json.dump(spec, f)
        rc, out, err = run_srt(ctx.srt[version], settings, spec_path, home, cwd, tmpdir, ctx.probe_py)
        if "does not hold a valid config" in err or "is not valid JSON" in err:
            res.status, res.detail = "srt-refused", err.strip().splitlines()[0]
            return res
        if "PROBE-RESULTS-IN-FILE" in out and os.path.exists(out_file):
            with open(out_file) as f:
                text = f.read()
        elif "PROBE-RESULTS-ON-STDOUT" in out:
            res.channel, text = "stdout", out
        elif rc != 0 and re.search(r"^bwrap: ", err, re.M):
            # srt accepted the file but bwrap refused the mounts srt built from it: the
            # command never runs, so nothing is let through and nothing can be compared.
            res.status, res.detail = "srt-failed", err.strip()[-1000:]
            return res
        else:
            res.status, res.detail = "error", "srt did not run the probe (exit %s): %s" % (rc, err.strip()[-2000:])
            return res
        if "END" not in text.splitlines():
            res.status, res.detail = "error", "probe results truncated"
            return res
        results = parse_results(text)
        inconclusive = []
        with open(canary) as f:
            canary_kept = f.read() == "canary\n"
        if not canary_kept or not results.get("canary", "").startswith("ERR"):
            res.status = "error"
            res.detail = "srt did not confine the probe: canary write said %r, host file changed: %s" % (
                results.get("canary"), not canary_kept)
            return res
        for p in probes:
            if p.kind == "read":
                p.srt = results.get(p.id, "") == p.secret
            elif p.kind == "write":
                try:
                    with open(p.subject) as f:
                        p.srt = f.read() == p.wtoken
                except OSError:
                    p.srt = False
            else:
                # The server's record decides. A request it did not see counts as blocked
                # only when srt's proxy said no; a timeout under load is no verdict.
                said = results.get(p.id, "")
                p.srt = ctx.recorder.saw(p.path)
                if not p.srt and not re.match(r"status HTTP/1\.[01] [45]\d\d", said):
                    inconclusive.append("%s %s (%s): %s" % (p.method, p.subject, p.id, said))
        if inconclusive:
            res.status = "error"
            res.detail = "network probes without a verdict (neither seen by the server nor refused by srt): " + \
                "; ".join(inconclusive)
            return res
        # moat: the file must be accepted, then queried.
        crc, cerr = moat_check(ctx.moat, settings, home, cwd)
        if crc == 2:
            res.status, res.detail = "moat-refused", cerr[-2000:]
        # (a) is moat's own semantics: said explicitly where moat has --runtime.
        answers, qerr = moat_query(ctx.moat, settings, probes, home, cwd, os.path.join(root, "q.txt"),
                                   "moat" if ctx.runtime_flag else None)
        if answers is None:
            res.status, res.detail = "moat-refused", (res.detail + "\n" + qerr).strip()
            return res
        for p, (allow, why) in zip(probes, answers):
            p.moat, p.moat_why = allow, why
        if ctx.runtime_flag:
            answers, qerr = moat_query(ctx.moat, settings, probes, home, cwd, os.path.join(root, "q.txt"), "srt")
            if answers is not None:
                for p, (allow, why) in zip(probes, answers):
                    p.moat_srt, p.moat_srt_why = allow, why
            else:
                res.detail = (res.detail + "\nmoat query --runtime=srt: " + qerr).strip()
        by_path = {(p.kind, p.subject): p for p in probes}
        for p in probes:
            if p.moat == p.srt:
                p.verdict = "agree"
            elif p.moat and not p.srt:
                mech = classify_mechanic(p, doc, home, cwd, by_path, preexisting) if p.kind == "write" else None
                p.verdict = "mechanic:" + mech if mech else "moat-looser"
            else:
                p.verdict = "moat-stricter:" + stricter_class(p.moat_why)
        res.probes = probes
        return res
    except Exception as e:  # a harness failure is reported, never counted as agreement
        res.status, res.detail = "error", "%s: %s" % (type(e).__name__, e)
        return res
    finally:
        shutil.rmtree(root, ignore_errors=True)
        try:
            os.unlink(os.path.join(ctx.results, "out-%d.txt" % index))
        except OSError:
            pass


# --- a run ----------------------------------------------------------------------------

class Context:
    pass


def make_jobs(seeds, per_seed, versions, shapes, cover=False):
    """(seed, version, template, shapes) for every file; each seed gives per_seed files,
    and each file runs under every version. With cover, file i of a seed always has
    shape (seed + i) mod N, so every shape is in the run once per_seed >= N."""
    jobs = []
    names = sorted(shapes if shapes else gen.SHAPES)
    for seed in seeds:
        rng = random.Random(seed)
        for i in range(per_seed):
            doc, picked = gen.generate(rng, shapes, names[(seed + i) % len(names)] if cover else None)
            for v in versions:
                jobs.append((seed, v, doc, picked))
    return jobs


def run_all(args, jobs, progress=None):
    ctx = Context()
    ctx.moat = os.path.abspath(args.moat)
    ctx.srt = install_srt(args.srt_dir, args.versions)
    ctx.runtime_flag = moat_has_runtime_flag(ctx.moat) if args.runtime_srt == "auto" else args.runtime_srt == "yes"
    ctx.scratch = tempfile.mkdtemp(prefix="moat-srtdiff.", dir="/tmp")
    made_claude = not os.path.isdir("/tmp/claude")
    os.makedirs("/tmp/claude", exist_ok=True)  # srt's own TMPDIR, always writable inside
    ctx.results = tempfile.mkdtemp(prefix="moat-srtdiff.", dir="/tmp/claude")
    # One moat for the whole run, even if the build dir is relinked meanwhile.
    shutil.copy(ctx.moat, os.path.join(ctx.scratch, "moat"))
    ctx.moat = os.path.join(ctx.scratch, "moat")
    ctx.probe_py = os.path.join(ctx.scratch, "probe.py")
    shutil.copy(os.path.join(HERE, "probe.py"), ctx.probe_py)
    ctx.recorder = Recorder()
    # Cleanup however the run ends: SIGTERM/SIGHUP become an exception that unwinds.
    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)
    old = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGHUP)}
    results = []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs)
    try:
        futs = [pool.submit(run_policy, ctx, i, seed, v, doc, picked)
                for i, (seed, v, doc, picked) in enumerate(jobs)]
        for f in futs:
            r = f.result()
            results.append(r)
            if progress:
                progress(r)
    finally:
        # Files not started are dropped; the srt runs under way finish (each has its
        # own time limit) before their scratch directories go.
        pool.shutdown(wait=True, cancel_futures=True)
        ctx.recorder.close()
        shutil.rmtree(ctx.scratch, ignore_errors=True)
        shutil.rmtree(ctx.results, ignore_errors=True)
        if made_claude:
            try:
                os.rmdir("/tmp/claude")
            except OSError:
                pass
        for s, h in old.items():
            signal.signal(s, h)
    return results, ctx.runtime_flag


def summarize(results):
    s = {"policies": 0, "srt-refused": 0, "srt-failed": 0, "moat-refused": 0, "error": 0, "probes": 0, "agree": 0,
         "moat-looser": 0, "stdout-channel": 0, "runtime-srt-compared": 0, "runtime-srt-disagree": 0,
         "runtime-srt-looser": 0, "runtime-srt-stricter": 0,
         "srt-allowed": {"read": 0, "write": 0, "connect": 0}, "kind": {"read": 0, "write": 0, "connect": 0}}
    for r in results:
        s["policies"] += 1
        if r.status != "ok":
            s[r.status] += 1
        if r.channel == "stdout":
            s["stdout-channel"] += 1
        for p in r.probes:
            s["probes"] += 1
            s["kind"][p.kind] += 1
            s["srt-allowed"][p.kind] += bool(p.srt)
            key = p.verdict if p.verdict in ("agree", "moat-looser") else p.verdict
            s[key] = s.get(key, 0) + 1
            if p.moat_srt is not None:
                s["runtime-srt-compared"] += 1
                if p.moat_srt != p.srt:
                    s["runtime-srt-disagree"] += 1
                    s["runtime-srt-looser" if p.moat_srt else "runtime-srt-stricter"] += 1
    return s


def describe(p):
    word = "allows" if p.moat else "denies"
    subj = p.subject + (" (%s)" % p.method if p.kind == "connect" else "")
    return "%s %s: srt %s, moat %s (%s)" % (p.kind, subj, "allowed" if p.srt else "blocked",
                                           word, p.moat_why)


def report(results, runtime_flag, out, verbose=False, list_runtime=True):
    s = summarize(results)
    failed = False
    for r in results:
        head = "seed %d file %d (srt %s; shapes %s)" % (r.seed, r.index, r.version, ", ".join(r.shapes))
        if r.status in ("moat-refused", "error"):
            failed = True
            out.write("FAIL %s: %s\n%s\n%s\n" % (head, r.status, r.detail, r.settings_text))
            continue
        if r.status == "srt-refused":
            out.write("note %s: srt refused the file (%s)\n" % (head, r.detail))
            continue
        if r.status == "srt-failed":
            out.write("note %s: srt accepted the file but could not start its sandbox:\n  %s\n%s\n"
                      % (head, r.detail.replace("\n", "\n  "), r.settings_text))
            continue
        loose = [p for p in r.probes if p.verdict == "moat-looser"]
        if loose:
            failed = True
            out.write("FAIL %s: moat allows what srt blocks (%d probes)\n" % (head, len(loose)))
            for p in loose:
                out.write("  %s\n" % describe(p))
            out.write(r.settings_text + "\n")
        if verbose or (runtime_flag and list_runtime):
            dis = [p for p in r.probes if p.moat_srt is not None and p.moat_srt != p.srt]
            if dis:
                out.write("runtime=srt disagrees %s (%d probes)\n" % (head, len(dis)))
                for p in dis:
                    out.write("  %s %s: srt %s, moat --runtime=srt %s (%s)\n" % (
                        p.kind, p.subject, "allowed" if p.srt else "blocked",
                        "allows" if p.moat_srt else "denies", p.moat_srt_why))
        if verbose:
            for p in r.probes:
                if p.verdict != "agree" and p.verdict != "moat-looser":
                    out.write("  [%s] %s\n" % (p.verdict, describe(p)))
    # srt failing to start is srt's problem with one file, not a pass: if it happens to
    # many files the environment is broken and the comparison would be vacuous.
    accepted = s["policies"] - s["srt-refused"]
    if accepted == 0 or s["srt-failed"] * 4 > accepted:
        failed = True
        out.write("FAIL: srt could not start its sandbox for %d of %d files it accepted\n"
                  % (s["srt-failed"], accepted))
    return s, failed


def print_summary(s, runtime_flag, out):
    out.write("\n== srt differential summary ==\n")
    out.write("policies run: %d (srt refused %d, srt could not start %d, moat refused %d, harness errors %d; "
              "results via stdout %d)\n" % (s["policies"], s["srt-refused"], s["srt-failed"], s["moat-refused"],
                                             s["error"], s["stdout-channel"]))
    out.write("probes: %d  agree: %d  moat-looser: %d\n" % (s["probes"], s["agree"], s["moat-looser"]))
    out.write("  srt let through: %s\n" % ", ".join("%d/%d %s" % (s["srt-allowed"][k], s["kind"][k], k)
                                                   for k in ("read", "write", "connect")))
    for m in MECHANICS:
        out.write("  srt mechanic %-24s %d\n" % (m + ":", s.get("mechanic:" + m, 0)))
    for c in ("builtin-protection", "file-rule", "default"):
        out.write("  moat stricter, %-23s %d\n" % (c + ":", s.get("moat-stricter:" + c, 0)))
    if runtime_flag:
        out.write("moat query --runtime=srt: %d probes compared, %d disagree with srt "
                  "(%d allowed where srt blocked, %d denied where srt allowed)\n"
                  % (s["runtime-srt-compared"], s["runtime-srt-disagree"], s["runtime-srt-looser"],
                     s["runtime-srt-stricter"]))
    else:
        out.write("moat query --runtime=srt: not available in this moat (comparison (b) not run)\n")


def add_common_args(ap):
    ap.add_argument("--moat", required=True, help="the moat binary")
    ap.add_argument("--srt-dir", required=True, help="where install_srt.sh puts srt (the build dir)")
    ap.add_argument("--versions", default="0.0.83,0.0.78", type=lambda s: s.split(","))
    ap.add_argument("--shapes", default="", type=lambda s: [x for x in s.split(",") if x],
                    help="limit files to these shapes (gen.py); default all")
    ap.add_argument("--exclude-shapes", default="", type=lambda s: [x for x in s.split(",") if x],
                    help="all shapes but these")
    ap.add_argument("--jobs", type=int, default=3, help="srt runs at once (srt waits a lot: 3 beats 2 on 2 cores)")
    ap.add_argument("--runtime-srt", choices=["auto", "yes", "no"], default="auto",
                    help="also compare `moat query --runtime=srt` (auto: if moat has the flag)")
    ap.add_argument("-v", "--verbose", action="store_true")


def check_shapes(ap, args):
    for s in args.shapes + args.exclude_shapes:
        if s not in gen.SHAPES:
            ap.error("unknown shape %r (gen.py has: %s)" % (s, ", ".join(sorted(gen.SHAPES))))
    if args.exclude_shapes:
        args.shapes = [s for s in (args.shapes or sorted(gen.SHAPES)) if s not in args.exclude_shapes]


def main():
    ap = argparse.ArgumentParser(description="moat vs real srt, judged on the host")
    add_common_args(ap)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--policies", type=int, default=12, help="files per seed (each runs under every version)")
    ap.add_argument("--print", action="store_true",
                    help="print the files (templates) this seed makes, and run nothing")
    ap.add_argument("--strict-runtime", action="store_true",
                    help="also fail when `moat query --runtime=srt` disagrees with srt")
    args = ap.parse_args()
    check_shapes(ap, args)
    if args.print:
        for i, (seed, v, doc, picked) in enumerate(make_jobs([args.seed], args.policies, args.versions[:1],
                                                              args.shapes, cover=True)):
            print("# seed %d file %d: %s\n%s" % (seed, i, ", ".join(picked), json.dumps(doc, indent=2)))
        return 0
    ok, why = bwrap_can_sandbox()
    if not ok:
        print("SKIP: srt differential: %s" % why)
        return SKIP
    t0 = time.monotonic()
    jobs = make_jobs([args.seed], args.policies, args.versions, args.shapes, cover=True)
    try:
        results, runtime_flag = run_all(args, jobs)
    except KeyboardInterrupt as e:
        print("INTERRUPTED (%s); the scratch directories were removed" % e)
        return 1
    s, failed = report(results, runtime_flag, sys.stdout, args.verbose)
    print_summary(s, runtime_flag, sys.stdout)
    if args.strict_runtime and s["runtime-srt-disagree"]:
        failed = True
    print("time: %.1f s" % (time.monotonic() - t0))
    if failed:
        print("FAILED (rerun: python3 %s --moat %s --srt-dir %s --seed %d --policies %d%s -v)" % (
            os.path.abspath(__file__), args.moat, args.srt_dir, args.seed, args.policies,
            " --shapes " + ",".join(args.shapes) if args.shapes else ""))
        print("(each file is printed above with its settings, its shapes and every probe moat gets wrong)")
        return 1
    print("PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
