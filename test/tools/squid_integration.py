#!/usr/bin/env python3
"""End-to-end test of `moat build --target=squid` against a real Squid.

Starts, all on loopback and all inside one mktemp directory:
  * an HTTP origin and a TLS origin (a throwaway self-signed certificate made
    with openssl at test time); each writes every TCP accept, TLS handshake
    (with the SNI it saw) and request it receives to its own JSON-lines log;
  * a Squid with its own config, pid file, logs and hosts_file (every test
    name maps to 127.0.0.1), which includes the fragment moat built from a
    policy written here with the origins' ports.

Then it sends a bounded set of requests through Squid (raw sockets, so odd
host spellings reach Squid exactly as written) and decides every case from
the host side: Squid's access log and the origins' logs, never from what the
client saw alone. Every process it started is stopped by PID at the end, on
failure too, and the directory is removed.

Exit status 0 when every case passed, 1 otherwise (including: squid or
openssl missing; there is no silent skip). The last line is a summary.
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
OVERALL_TIMEOUT = 120   # hang guard for the whole run (SIGALRM)

NAMES = ["allowed.test", "denied.test", "tls.test", "wild.test", "x.wild.test",
         "blocked.wild.test"]


# --------------------------------------------------------------------------
# Origins (run as child processes of this script: --origin http|tls)

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
            for line in lines[1:]:
                if line.lower().startswith("host:"):
                    host = line.split(":", 1)[1].strip()
            if lines and lines[0]:
                parts = lines[0].split(" ")
                record("request", line=lines[0], path=parts[1] if len(parts) > 1 else "",
                       host=host)
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
# Harness helpers

class Harness:
    def __init__(self, moat):
        self.moat = moat
        # Squid started as root drops to an unprivileged user, which must be
        # able to reach the directory: lit's own TMPDIR is private to root.
        self.dir = tempfile.mkdtemp(prefix="moat-squid-",
                                    dir="/tmp" if os.geteuid() == 0 else None)
        self.procs = []  # (name, Popen) we started, stopped by PID
        self.failures = []
        self.passed = 0

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
# Clients: raw sockets, so Squid sees exactly the host spelling we chose.

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


def http_get(proxy_port, url, host_header, case):
    """A proxied GET; returns the status Squid (or the origin) answered."""
    with socket.create_connection(("127.0.0.1", proxy_port), timeout=IO_TIMEOUT) as s:
        s.settimeout(IO_TIMEOUT)
        s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nX-Moat-Case: %s\r\n"
                   "Connection: close\r\n\r\n" % (url, host_header, case)).encode())
        return s.getsockname()[1], status_of(read_all(s))


def tls_through_connect(proxy_port, target, sni, path, case):
    """CONNECT target, then TLS with `sni` (None: no SNI) and GET path.
    Returns (client port, (CONNECT status, response status or an error
    name)). With
    ssl-bump, Squid answers a denied CONNECT with 200 and then serves its
    error page over TLS itself: the verdict is taken from the logs."""
    s = socket.create_connection(("127.0.0.1", proxy_port), timeout=IO_TIMEOUT)
    port = s.getsockname()[1]
    try:
        s.settimeout(IO_TIMEOUT)
        s.sendall(("CONNECT %s HTTP/1.1\r\nHost: %s\r\nX-Moat-Case: %s\r\n\r\n"
                   % (target, target, case)).encode())
        connect_status = status_of(recv_head(s))
        if connect_status != 200:
            return port, (connect_status, "no-tunnel")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # the test judges Squid, not the origin's name
        try:
            t = ctx.wrap_socket(s, server_hostname=sni)
            t.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nX-Moat-Case: %s\r\n"
                       "Connection: close\r\n\r\n" % (path, target, case)).encode())
            return port, (connect_status, status_of(read_all(t)))
        except (OSError, ssl.SSLError) as e:
            return port, (connect_status, type(e).__name__)
    finally:
        s.close()


# --------------------------------------------------------------------------

def make_cert(h):
    san = ",".join("DNS:" + n for n in NAMES) + ",IP:127.0.0.1"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", h.path("key.pem"), "-out", h.path("cert.pem"),
                    "-days", "1", "-subj", "/CN=moat squid integration test",
                    "-addext", "subjectAltName=" + san],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=60)
    with open(h.path("bundle.pem"), "w") as out:
        for part in ("cert.pem", "key.pem"):
            with open(h.path(part)) as f:
                out.write(f.read())


def write_policy(h, http_port, tls_port):
    text = """policy "squid-integration" {
  default connect deny;
  allow connect "allowed.test";
  allow connect "*.wild.test";
  deny connect "blocked.wild.test";
  allow connect "tls.test:%(tls)d";
  allow connect "127.0.0.1:%(tls)d";
}
""" % {"tls": tls_port}
    with open(h.path("policy.moat"), "w") as f:
        f.write(text)


def squid_config(h, squid_port, user):
    lines = [
        "http_port 127.0.0.1:%d ssl-bump tls-cert=%s generate-host-certificates=off"
        % (squid_port, h.path("bundle.pem")),
        "pid_filename %s" % h.path("squid.pid"),
        "cache_log %s" % h.path("cache.log"),
        # One line per transaction: the case it belongs to (a header the
        # client sends; a spliced tunnel's own line lacks it, so the
        # client's port ties it to its case), what Squid did, whether it contacted a server
        # (HIER_DIRECT) or not (HIER_NONE), and the TLS SNI it saw.
        "logformat moat %Ss/%03>Hs %rm %ru %Sh case=%{X-Moat-Case}>h sni=%ssl::>sni cport=%>p",
        "access_log stdio:%s logformat=moat" % h.path("access.log"),
        "coredump_dir %s" % h.dir,
        "cache deny all",
        "netdb_filename none",
        "pinger_enable off",
        "hosts_file %s" % h.path("hosts"),
        "dns_nameservers 127.0.0.1",
        "shutdown_lifetime 1 seconds",
        "include %s" % h.path("moat-squid.conf"),
        "http_access deny all",
    ]
    if user:
        lines.insert(0, "cache_effective_user %s" % user)
    with open(h.path("squid.conf"), "w") as f:
        f.write("\n".join(lines) + "\n")


def squid_parse(h, squid, what, conf):
    parse = subprocess.run([squid, "-k", "parse", "-f", conf],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = parse.stdout.decode(errors="replace")
    bad = [l for l in out.splitlines() if "ERROR" in l or "FATAL" in l or "WARNING" in l]
    h.check("squid -k parse accepts %s" % what, parse.returncode == 0 and not bad,
            "\n".join(bad) or out[-2000:])


def run(h):
    squid = shutil.which("squid") or ("/usr/sbin/squid" if os.path.exists("/usr/sbin/squid")
                                      else None)
    if not squid:
        raise RuntimeError("squid is not installed (scripts/setup.sh installs squid-openssl)")
    if not shutil.which("openssl"):
        raise RuntimeError("openssl is not installed (scripts/setup.sh installs it)")
    make_cert(h)

    origins = {}
    for kind in ("http", "tls"):
        proc = h.start("origin-" + kind,
                       [sys.executable, os.path.abspath(__file__), "--origin", kind,
                        "--log", h.path("origin-%s.log" % kind),
                        "--cert", h.path("cert.pem"), "--key", h.path("key.pem")],
                       stdout=subprocess.PIPE)
        origins[kind] = read_port_line(proc, "the %s origin" % kind)
    http_port, tls_port = origins["http"], origins["tls"]

    write_policy(h, http_port, tls_port)
    with open(h.path("moat-squid.conf"), "w") as out:
        subprocess.run([h.moat, "build", "--target=squid", h.path("policy.moat")],
                       check=True, stdout=out, timeout=60)
    with open(h.path("hosts"), "w") as f:
        f.write("".join("127.0.0.1 %s\n" % n for n in NAMES))

    # Squid started as root drops to cache_effective_user, which must be able
    # to write the logs and pid file.
    user = None
    if os.geteuid() == 0:
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
    squid_port = free_port()
    squid_config(h, squid_port, user)

    squid_parse(h, squid, "the fragment", h.path("squid.conf"))
    # Every construct the target writes (each host kind, /0 halves, ports,
    # IPv6, the CONNECT port guard), parsed by Squid itself.
    everything = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "backends",
                              "squid", "Inputs", "everything.moat")
    with open(h.path("moat-squid.conf"), "rb") as f:
        tested = f.read()
    with open(h.path("moat-squid.conf"), "w") as out:
        subprocess.run([h.moat, "build", "--target=squid", everything], check=True,
                       stdout=out, stderr=subprocess.DEVNULL, timeout=60)
    squid_parse(h, squid, "every construct", h.path("squid.conf"))
    with open(h.path("moat-squid.conf"), "wb") as f:
        f.write(tested)

    with open(h.path("squid.out"), "w") as out:
        proc = h.start("squid", [squid, "-N", "-f", h.path("squid.conf")],
                       stdout=out, stderr=subprocess.STDOUT)
    wait_listening(squid_port, proc, "squid")

    H, T = http_port, tls_port
    # (case id, what, URL, Host header, allowed?)
    http_cases = [
        ("h1", "exact name", "http://allowed.test:%d/h1" % H, "allowed.test:%d" % H, True),
        ("h2", "upper case", "http://ALLOWED.TEST:%d/h2" % H, "ALLOWED.TEST:%d" % H, True),
        ("h3", "trailing dot", "http://allowed.test.:%d/h3" % H, "allowed.test.:%d" % H, True),
        ("h4", "strict subdomain", "http://x.wild.test:%d/h4" % H, "x.wild.test:%d" % H, True),
        ("h5", "unlisted name", "http://denied.test:%d/h5" % H, "denied.test:%d" % H, False),
        ("h6", "case and dot trick", "http://DENIED.TEST.:%d/h6" % H, "DENIED.TEST.:%d" % H,
         False),
        ("h7", "bare name of *.wild.test", "http://wild.test:%d/h7" % H, "wild.test:%d" % H,
         False),
        ("h8", "bare name, case and dot", "http://Wild.Test.:%d/h8" % H, "wild.test.:%d" % H,
         False),
        ("h9", "deny wins over *.wild.test", "http://blocked.wild.test:%d/h9" % H,
         "blocked.wild.test:%d" % H, False),
        ("h10", "IP literal 127.0.0.1", "http://127.0.0.1:%d/h10" % H, "127.0.0.1:%d" % H,
         False),
        ("h11", "IP literal 127.1", "http://127.1:%d/h11" % H, "127.1:%d" % H, False),
        ("h12", "IP literal 0x7f000001", "http://0x7f000001:%d/h12" % H, "0x7f000001:%d" % H,
         False),
        ("h13", "IP literal 2130706433", "http://2130706433:%d/h13" % H, "2130706433:%d" % H,
         False),
        ("h14", "IP literal 0177.0.0.1", "http://0177.0.0.1:%d/h14" % H, "0177.0.0.1:%d" % H,
         False),
        ("h15", "IP literal [::ffff:127.0.0.1]", "http://[::ffff:127.0.0.1]:%d/h15" % H,
         "[::ffff:127.0.0.1]:%d" % H, False),
        ("h16", "IP literal [::1]", "http://[::1]:%d/h16" % H, "[::1]:%d" % H, False),
    ]
    # (case id, what, CONNECT target, SNI or None, expected): "pass" (spliced
    # to the origin), "denied" (http_access refuses the CONNECT) or
    # "terminated" (ssl_bump ends the tunnel after the client hello).
    tls_cases = [
        ("t1", "TLS allowed name and SNI", "tls.test:%d" % T, "tls.test", "pass"),
        ("t2", "TLS any-port name", "allowed.test:%d" % T, "allowed.test", "pass"),
        ("t3", "TLS strict subdomain", "x.wild.test:%d" % T, "x.wild.test", "pass"),
        ("t4", "TLS allowed address without SNI", "127.0.0.1:%d" % T, None, "pass"),
        ("t5", "TLS SNI in upper case", "tls.test:%d" % T, "TLS.TEST", "pass"),
        ("t6", "CONNECT to 127.1 (allowed address, odd spelling)", "127.1:%d" % T, None,
         "pass"),
        ("t7", "TLS SNI mismatch", "tls.test:%d" % T, "denied.test", "terminated"),
        ("t8", "TLS SNI that a deny rule names", "allowed.test:%d" % T, "blocked.wild.test",
         "terminated"),
        ("t9", "TLS SNI bare name of *.wild.test", "x.wild.test:%d" % T, "wild.test",
         "terminated"),
        ("t10", "TLS SNI name on an allowed address", "127.0.0.1:%d" % T, "denied.test",
         "terminated"),
        ("t11", "TLS SNI upper case and trailing dot", "tls.test:%d" % T, "DENIED.TEST.",
         "terminated"),
        # Stricter than moat (which reads tls.test. as tls.test): Squid compares
        # the SNI as sent. Clients do not send the dot (RFC 6066, section 3).
        ("t12", "TLS SNI allowed name with a trailing dot", "tls.test:%d" % T, "tls.test.",
         "terminated"),
        ("t13", "CONNECT to an unlisted name", "denied.test:%d" % T, "denied.test", "denied"),
        ("t14", "CONNECT to a port the rule does not allow", "tls.test:%d" % H, "tls.test",
         "denied"),
        ("t15", "CONNECT to 2130706433 on another port", "2130706433:%d" % H, None, "denied"),
        ("t16", "CONNECT to the bare name of *.wild.test", "wild.test:%d" % T, "wild.test",
         "denied"),
        ("t17", "CONNECT to [::ffff:127.0.0.1] on another port", "[::ffff:127.0.0.1]:%d" % H,
         None, "denied"),
    ]
    client, cport = {}, {}
    for case, _, url, host, _ in http_cases:
        try:
            cport[case], client[case] = http_get(squid_port, url, host, case)
        except OSError as e:
            client[case] = type(e).__name__
    for case, _, target, sni, _ in tls_cases:
        try:
            cport[case], client[case] = tls_through_connect(squid_port, target, sni,
                                                            "/" + case, case)
        except OSError as e:
            client[case] = (0, type(e).__name__)

    # Stop Squid first: the access log is complete once it has exited.
    h.stop_all()
    with open(h.path("access.log")) as f:
        access = [l.split() for l in f.read().splitlines()]
    http_log = read_json_lines(h.path("origin-http.log"))
    tls_log = read_json_lines(h.path("origin-tls.log"))

    def squid_lines(case):
        tags = {"case=%s" % case, "cport=%s" % cport.get(case, "none")}
        return [l for l in access if tags & set(l)]

    def origin_saw(log, case):
        return any(e["event"] == "request" and e.get("path") == "/" + case for e in log)

    # Host side, for every case: what Squid did (its own log line for the
    # case), and whether the origin received the request.
    for case, what, url, host, allowed in http_cases:
        lines = squid_lines(case)
        reached = origin_saw(http_log, case)
        evidence = "client got %s; origin received it: %s; squid: %s" % (
            client[case], reached, [" ".join(l) for l in lines])
        if allowed:
            h.check("HTTP %s passes" % what,
                    reached and lines and all(l[0].startswith("TCP_MISS") and l[0].endswith("/200")
                                              and l[3] == "HIER_DIRECT" for l in lines),
                    evidence)
        else:
            h.check("HTTP %s is refused" % what,
                    not reached and lines and all(l[0] == "TCP_DENIED/403" and
                                                  l[3] == "HIER_NONE" for l in lines),
                    evidence)

    tls_snis = {e.get("sni") for e in tls_log if e["event"] == "sni"}
    for case, what, target, sni, expected in tls_cases:
        lines = squid_lines(case)
        connects = [l for l in lines if l[1] == "CONNECT"]
        direct = [l for l in connects if l[3] == "HIER_DIRECT"]
        reached = origin_saw(tls_log, case)
        evidence = "client got %s; origin received it: %s; squid: %s" % (
            client[case], reached, [" ".join(l) for l in lines])
        if expected == "pass":
            h.check("%s passes" % what,
                    reached and direct and client[case] == (200, 200) and
                    all("sni=%s" % (sni or "-") in l for l in connects), evidence)
        elif expected == "denied":
            h.check("%s is refused" % what,
                    not reached and connects and not direct and
                    all(l[0].startswith("TCP_DENIED/") for l in connects), evidence)
        else:
            # Squid saw this SNI and made no server connection; the origin
            # never saw the SNI nor the request.
            h.check("%s is refused" % what,
                    not reached and connects and not direct and
                    all("sni=%s" % sni in l and not l[0].startswith("TCP_DENIED/")
                        for l in connects) and sni not in tls_snis, evidence)

    # Every connection an origin accepted belongs to an allowed case.
    for name, log, cases in (("HTTP", http_log, http_cases), ("TLS", tls_log, tls_cases)):
        accepts = sum(1 for e in log if e["event"] == "accept")
        expected = sum(1 for c in cases if c[-1] in (True, "pass"))
        h.check("the %s origin accepted only the allowed connections" % name,
                accepts == expected, "%d accepted, %d allowed" % (accepts, expected))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--moat", default="moat")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--origin", choices=["http", "tls"], help=argparse.SUPPRESS)
    ap.add_argument("--log", help=argparse.SUPPRESS)
    ap.add_argument("--cert", help=argparse.SUPPRESS)
    ap.add_argument("--key", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.origin:
        run_origin(args.origin, args.log, args.cert, args.key)
        return 0

    def on_alarm(_sig, _frame):
        raise TimeoutError("the run took longer than %d s" % OVERALL_TIMEOUT)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(OVERALL_TIMEOUT)

    h = Harness(args.moat)
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
            shutil.rmtree(h.dir, ignore_errors=True)
    print("squid integration: %d passed, %d failed" % (h.passed, len(h.failures)))
    return 1 if h.failures else 0


if __name__ == "__main__":
    sys.exit(main())
