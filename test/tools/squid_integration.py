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
import os
import socket
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from squid_harness import (IO_TIMEOUT, find_squid, free_port, hand_to_squid_user,  # noqa: E402
                           main_with, make_cert, read_all, read_json_lines, recv_head,
                           squid_common_lines,
                           squid_parse, start_squid, status_of)

OVERALL_TIMEOUT = 120   # hang guard for the whole run (SIGALRM)

NAMES = ["allowed.test", "denied.test", "tls.test", "wild.test", "x.wild.test",
         "blocked.wild.test"]


# --------------------------------------------------------------------------
# Clients: raw sockets, so Squid sees exactly the host spelling we chose.

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
        # One line per transaction: the case it belongs to (a header the
        # client sends; a spliced tunnel's own line lacks it, so the
        # client's port ties it to its case), what Squid did, whether it contacted a server
        # (HIER_DIRECT) or not (HIER_NONE), and the TLS SNI it saw.
        "logformat moat %Ss/%03>Hs %rm %ru %Sh case=%{X-Moat-Case}>h sni=%ssl::>sni cport=%>p",
        "access_log stdio:%s logformat=moat" % h.path("access.log"),
    ] + squid_common_lines(h, user) + [
        "include %s" % h.path("moat-squid.conf"),
        "http_access deny all",
    ]
    with open(h.path("squid.conf"), "w") as f:
        f.write("\n".join(lines) + "\n")


def run(h):
    squid = find_squid()
    make_cert(h, NAMES)

    http_port = h.start_origin("http")
    tls_port = h.start_origin("tls", h.path("cert.pem"), h.path("key.pem"))

    write_policy(h, http_port, tls_port)
    with open(h.path("moat-squid.conf"), "w") as out:
        subprocess.run([h.moat, "build", "--target=squid", h.path("policy.moat")],
                       check=True, stdout=out, timeout=60)
    with open(h.path("hosts"), "w") as f:
        f.write("".join("127.0.0.1 %s\n" % n for n in NAMES))

    user = hand_to_squid_user(h)
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

    start_squid(h, squid, squid_port)

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
    return main_with(run, "moat-squid-", "squid integration", OVERALL_TIMEOUT)


if __name__ == "__main__":
    sys.exit(main())
