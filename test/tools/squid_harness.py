#!/usr/bin/env python3
"""What the tests that run a real Squid on loopback share
(test/tools/squid_integration.py: the squid target's fragment;
test/tools/upstream_integration.py: `moat run --upstream-proxy`).

  * Harness: a scratch directory (under /tmp when root, so the user Squid
    drops to can reach it), the processes the test started (stopped by PID,
    never by name) and the PASS/FAIL bookkeeping;
  * origins: HTTP or TLS servers on 127.0.0.1 that write every accept, TLS
    handshake (with its SNI) and request to a JSON-lines log; run as child
    processes of this file (`--origin http|tls`);
  * Squid: where it is installed, handing the directory to the user Squid
    drops to, `squid -k parse`, and starting it;
  * small socket helpers with bounded reads.
"""
import argparse
import json
import os
import pwd
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

IO_TIMEOUT = 5.0        # per socket operation
STARTUP_TIMEOUT = 20.0  # for Squid and the origins to come up


# --------------------------------------------------------------------------
# Origins (child processes of the test: this file with --origin http|tls)

def run_origin(kind, log_path, cert, key):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    lock = threading.Lock()
    log = open(log_path, "a", buffering=1)

    def record(event, **fields):
        fields["event"] = event
        with lock:
            log.write(json.dumps(fields, sort_keys=True) + "\n")
            log.flush()

    ctx = None
    if kind == "tls":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)

        def on_sni(sock, name, _ctx):
            record("sni", sni=name)
        ctx.sni_callback = on_sni

    def serve(conn):
        try:
            conn.settimeout(IO_TIMEOUT)
            if ctx is not None:
                conn = ctx.wrap_socket(conn, server_side=True)
                record("handshake")
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            lines = head.split("\r\n")
            host = ""
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
                if name.lower() == "host":
                    host = value.strip()
            if lines and lines[0]:
                parts = lines[0].split(" ")
                record("request", line=lines[0], path=parts[1] if len(parts) > 1 else "",
                       host=host, headers=headers)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                             b"Connection: close\r\n\r\nok\n")
        except Exception as e:  # a refused or cut connection is data, not a crash
            record("error", error=type(e).__name__)
        finally:
            try:
                conn.close()
            except OSError:
                pass

    print("PORT %d" % srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        record("accept")
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


# --------------------------------------------------------------------------
# Harness

class Harness:
    def __init__(self, moat, prefix):
        self.moat = moat
        # Squid started as root drops to an unprivileged user, which must be
        # able to reach the directory: lit's own TMPDIR is private to root.
        self.dir = tempfile.mkdtemp(prefix=prefix, dir="/tmp" if os.geteuid() == 0 else None)
        self.procs = []  # (name, Popen) we started, stopped by PID
        self.scratch_dirs = []  # more directories to remove at the end
        self.failures = []
        self.passed = 0

    def scratch(self, prefix):
        """Another scratch directory, removed with the harness's: for what
        must stay the test user's while the main one goes to Squid's user."""
        d = tempfile.mkdtemp(prefix=prefix)
        self.scratch_dirs.append(d)
        return d

    def path(self, name):
        return os.path.join(self.dir, name)

    def start(self, name, argv, **kw):
        proc = subprocess.Popen(argv, start_new_session=True, **kw)
        self.procs.append((name, proc))
        return proc

    def stop_all(self):
        for name, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
        self.procs = []

    def check(self, name, ok, why=""):
        if ok:
            self.passed += 1
            print("PASS %s" % name)
        else:
            self.failures.append(name)
            print("FAIL %s: %s" % (name, why))

    def start_origin(self, kind, cert=None, key=None):
        """Starts an origin (http or tls); returns its port. Its log is
        origin-KIND.log in the directory."""
        argv = [sys.executable, os.path.abspath(__file__), "--origin", kind,
                "--log", self.path("origin-%s.log" % kind)]
        if cert:
            argv += ["--cert", cert, "--key", key]
        proc = self.start("origin-" + kind, argv, stdout=subprocess.PIPE)
        return read_port_line(proc, "the %s origin" % kind)


def main_with(run, moat_prefix, summary, overall_timeout, argv=None):
    """The shared main(): origin mode, the overall alarm, the harness, the
    summary line. `run(h)` does the test."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--moat", default="moat")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args(argv)

    def on_alarm(_sig, _frame):
        raise TimeoutError("the run took longer than %d s" % overall_timeout)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(overall_timeout)

    h = Harness(args.moat, moat_prefix)
    try:
        run(h)
    except Exception as e:
        h.failures.append("harness")
        print("FAIL harness: %s: %s" % (type(e).__name__, e))
        for log in ("squid.out", "cache.log"):
            p = h.path(log)
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    print("--- %s (last lines)\n%s" % (log, "".join(f.readlines()[-20:])))
    finally:
        signal.alarm(0)
        h.stop_all()
        if args.keep:
            print("kept %s" % h.dir)
        else:
            for d in [h.dir] + h.scratch_dirs:
                shutil.rmtree(d, ignore_errors=True)
    print("%s: %d passed, %d failed" % (summary, h.passed, len(h.failures)))
    return 1 if h.failures else 0


def read_port_line(proc, what):
    ready, _, _ = select.select([proc.stdout], [], [], STARTUP_TIMEOUT)
    if not ready:
        raise RuntimeError("%s did not start" % what)
    line = proc.stdout.readline().decode()
    if not line.startswith("PORT "):
        raise RuntimeError("%s did not start: %r" % (what, line))
    return int(line.split()[1])


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, what):
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with status %d" % (what, proc.returncode))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("%s is not listening on port %d" % (what, port))


def read_json_lines(path):
    out = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip():
                    out.append(json.loads(line))
    return out


# --------------------------------------------------------------------------
# Squid

def make_cert(h, names):
    """A throwaway self-signed certificate for `names` and 127.0.0.1
    (cert.pem, key.pem, and bundle.pem with both, for Squid's tls-cert)."""
    if not shutil.which("openssl"):
        raise RuntimeError("openssl is not installed (scripts/setup.sh installs it)")
    san = ",".join("DNS:" + n for n in names) + ",IP:127.0.0.1"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", h.path("key.pem"), "-out", h.path("cert.pem"),
                    "-days", "1", "-subj", "/CN=moat squid test",
                    "-addext", "subjectAltName=" + san],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=60)
    with open(h.path("bundle.pem"), "w") as out:
        for part in ("cert.pem", "key.pem"):
            with open(h.path(part)) as f:
                out.write(f.read())


def find_squid():
    squid = shutil.which("squid") or ("/usr/sbin/squid" if os.path.exists("/usr/sbin/squid")
                                      else None)
    if not squid:
        raise RuntimeError("squid is not installed (scripts/setup.sh installs squid-openssl)")
    return squid


def hand_to_squid_user(h):
    """Squid started as root drops to cache_effective_user, which must be
    able to write the logs and pid file: the directory and everything in
    it goes to that user. Returns the user (None when not root)."""
    if os.geteuid() != 0:
        return None
    user = "proxy"
    try:
        pw = pwd.getpwnam(user)
    except KeyError:
        user = "nobody"
        pw = pwd.getpwnam(user)
    for root, dirs, files in os.walk(h.dir):
        for n in dirs + files:
            os.chown(os.path.join(root, n), pw.pw_uid, pw.pw_gid)
    os.chown(h.dir, pw.pw_uid, pw.pw_gid)
    return user


def squid_common_lines(h, user):
    """The lines every test's squid.conf has: its files in the scratch
    directory, no cache, no DNS (names come from a hosts_file the test
    writes), a quick shutdown."""
    lines = [
        "pid_filename %s" % h.path("squid.pid"),
        "cache_log %s" % h.path("cache.log"),
        "coredump_dir %s" % h.dir,
        "cache deny all",
        "netdb_filename none",
        "pinger_enable off",
        "hosts_file %s" % h.path("hosts"),
        "dns_nameservers 127.0.0.1",
        "shutdown_lifetime 1 seconds",
    ]
    if user:
        lines.insert(0, "cache_effective_user %s" % user)
    return lines


def squid_parse(h, squid, what, conf):
    parse = subprocess.run([squid, "-k", "parse", "-f", conf],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = parse.stdout.decode(errors="replace")
    bad = [l for l in out.splitlines() if "ERROR" in l or "FATAL" in l or "WARNING" in l]
    h.check("squid -k parse accepts %s" % what, parse.returncode == 0 and not bad,
            "\n".join(bad) or out[-2000:])


def start_squid(h, squid, port):
    with open(h.path("squid.out"), "w") as out:
        proc = h.start("squid", [squid, "-N", "-f", h.path("squid.conf")],
                       stdout=out, stderr=subprocess.STDOUT)
    wait_listening(port, proc, "squid")
    return proc


# --------------------------------------------------------------------------
# Clients

def recv_head(sock):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def status_of(head):
    try:
        return int(head.split(b"\r\n", 1)[0].split(b" ")[1])
    except (IndexError, ValueError):
        return 0


def read_all(sock):
    data = b""
    while len(data) < 1 << 20:
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, ssl.SSLError, OSError):
            break
        if not chunk:
            break
        data += chunk
    return data


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="an origin server for the Squid tests")
    ap.add_argument("--origin", choices=["http", "tls"], required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    a = ap.parse_args()
    run_origin(a.origin, a.log, a.cert, a.key)
