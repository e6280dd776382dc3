#!/usr/bin/env python3
"""`moat run --upstream-proxy` end to end, against a real Squid and a SOCKS5
server on loopback.

Starts, all on loopback and inside one mktemp directory:
  * an HTTP origin that logs every request it receives (squid_harness.py);
  * a Squid whose rules are the fragment `moat build --target=squid` writes
    for a policy STRICTER than the sandbox's, behind basic authentication
    (basic_ncsa_auth with an htpasswd file made here by `openssl passwd`);
  * a test-only SOCKS5 server (test/upstream/Inputs/socks5_server.py) that
    demands a user and password and logs what it was asked for.

Then `moat run` confines a Python client that makes one request per case
through the sandbox's proxies, with the upstream's credentials in moat's
environment only. Every verdict is taken on the host side: Squid's access
log, the origin's log, the SOCKS server's log, moat's --log, and the
environment the command saw. Every process it started is stopped by PID;
the directory is removed.

Exit status 0 when every case passed, 1 otherwise (squid, openssl or
bubblewrap missing included: no silent skip). The last line is a summary.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from squid_harness import (find_squid, free_port, hand_to_squid_user, main_with,  # noqa: E402
                           make_cert, read_json_lines, read_port_line, squid_common_lines,
                           squid_parse, start_squid)

OVERALL_TIMEOUT = 120
INPUTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "upstream", "Inputs")
USER, PASSWORD = "moat-test", "up-S3cret-7f2c"

# Every test name is 127.0.0.1 for Squid (its hosts_file) and the SOCKS
# server (its --map); moat never resolves them (an upstream that resolves
# names gets the name).
#   both.test      allowed by the sandbox's policy and by Squid's
#   moatdeny.test  denied by the sandbox's policy (Squid would allow it)
#   squiddeny.test allowed by the sandbox's policy, not by Squid's
NAMES = ["both.test", "moatdeny.test", "squiddeny.test"]


def write_policies(h):
    # The sandbox's policy; Squid gets the stricter one below.
    with open(h.path("sandbox.moat"), "w") as f:
        f.write('policy "sandbox" {\n  default connect deny;\n  allow write "$CWD";\n'
                '  allow connect "both.test";\n  allow connect "squiddeny.test";\n'
                '  deny connect "moatdeny.test";\n}\n')
    with open(h.path("squid.moat"), "w") as f:
        f.write('policy "organisation" {\n  default connect deny;\n'
                '  allow connect "both.test";\n  allow connect "moatdeny.test";\n}\n')


def squid_config(h, squid_port, plain_port, user):
    lines = [
        # The fragment peeks at TLS client hellos (its ssl_bump lines): an
        # ssl-bump port with a certificate, as the target's docs ask. On
        # that port Squid answers a CONNECT its rules deny with 200 and
        # serves its refusal inside TLS with its own certificate; the plain
        # second port (where ssl_bump does not apply) refuses with 403, the
        # case moat turns into its own 403 with the upstream's reason.
        "http_port 127.0.0.1:%d ssl-bump tls-cert=%s generate-host-certificates=off"
        % (squid_port, h.path("bundle.pem")),
        "http_port 127.0.0.1:%d" % plain_port,
        # What Squid did, the method and URL, whether it contacted a server
        # (HIER_DIRECT) or not (HIER_NONE), the user it authenticated, and
        # which of its two ports the request came to.
        "logformat moat %Ss/%03>Hs %rm %ru %Sh user=%un lport=%>lp",
        "access_log stdio:%s logformat=moat" % h.path("access.log"),
    ] + squid_common_lines(h, user) + [
        # Basic authentication before the organisation's rules (the one
        # line ahead of the fragment, which otherwise wants to come first):
        # a request without moat's credentials from the environment gets 407.
        "auth_param basic program /usr/lib/squid/basic_ncsa_auth %s" % h.path("htpasswd"),
        "auth_param basic children 2",
        "auth_param basic realm moat-upstream-test",
        "acl authenticated proxy_auth REQUIRED",
        "http_access deny !authenticated",
        "include %s" % h.path("moat-squid.conf"),
        "http_access deny all",
    ]
    with open(h.path("squid.conf"), "w") as f:
        f.write("\n".join(lines) + "\n")


def moat_run(h, upstream, cases, tag, with_credentials=True):
    """Runs the client confined; returns (exit status, the client's results
    by case, stderr)."""
    env = dict(os.environ, HOME=os.path.join(h.run_dir, "home"),
               TMPDIR=os.path.join(h.run_dir, "tmp"))
    env.pop(("MOAT_UPSTREAM_PROXY_USER"), None)
    env.pop(("MOAT_UPSTREAM_PROXY_PASSWORD"), None)
    if with_credentials:
        env["MOAT_UPSTREAM_PROXY_USER"] = USER
        env["MOAT_UPSTREAM_PROXY_PASSWORD"] = PASSWORD
    argv = [h.moat, "run", "--policy=" + h.path("sandbox.moat"),
            "--log=" + h.path("moat-%s.jsonl" % tag), "--upstream-proxy=" + upstream, "--",
            sys.executable, os.path.join(INPUTS, "upstream_client.py"),
            os.path.join(h.run_dir, "cwd", "env-%s.txt" % tag)] + cases
    proc = subprocess.run(argv, cwd=os.path.join(h.run_dir, "cwd"), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    results = {}
    for line in proc.stdout.decode(errors="replace").splitlines():
        try:
            r = json.loads(line)
            results[r["case"]] = r
        except (ValueError, KeyError):
            pass
    return proc.returncode, results, proc.stderr.decode(errors="replace")


def run(h):
    squid = find_squid()
    # The confined command's home, temporary and launch directories stay
    # the test user's (the main directory goes to Squid's user).
    h.run_dir = h.scratch("moat-upstream-run-")
    for d in ("home", "tmp", "cwd"):
        os.makedirs(os.path.join(h.run_dir, d))
    make_cert(h, NAMES)
    origin = h.start_origin("http")
    tls_origin = h.start_origin("tls", h.path("cert.pem"), h.path("key.pem"))
    write_policies(h)
    with open(h.path("moat-squid.conf"), "w") as out:
        subprocess.run([h.moat, "build", "--target=squid", h.path("squid.moat")],
                       check=True, stdout=out, timeout=60)
    with open(h.path("hosts"), "w") as f:
        f.write("".join("127.0.0.1 %s\n" % n for n in NAMES))
    hashed = subprocess.run(["openssl", "passwd", "-apr1", PASSWORD], check=True,
                            stdout=subprocess.PIPE, timeout=30).stdout.decode().strip()
    with open(h.path("htpasswd"), "w") as f:
        f.write("%s:%s\n" % (USER, hashed))
    # moat run's own directories stay root's: only Squid's files go to its user.
    user = hand_to_squid_user(h)
    squid_port, plain_port = free_port(), free_port()
    squid_config(h, squid_port, plain_port, user)
    squid_parse(h, squid, "the upstream test's configuration", h.path("squid.conf"))
    start_squid(h, squid, squid_port)

    socks = h.start("socks5", [sys.executable, os.path.join(INPUTS, "socks5_server.py"),
                               "--log", h.path("socks.log"), "--user", USER,
                               "--password", PASSWORD] +
                    ["--map=%s=127.0.0.1" % n for n in NAMES], stdout=subprocess.PIPE)
    socks_port = read_port_line(socks, "the SOCKS5 server")

    O, T = origin, tls_origin
    cases = ["get:both.test:%d:/g-allowed" % O,
             "connect:both.test:%d:/c-allowed" % T,
             "socks:both.test:%d:/s-allowed" % T,
             "get:moatdeny.test:%d:/g-moatdeny" % O,
             "connect:moatdeny.test:%d:/c-moatdeny" % T,
             "get:squiddeny.test:%d:/g-squiddeny" % O,
             "connect:squiddeny.test:%d:/c-squiddeny" % T]
    status, client, stderr = moat_run(h, "http://127.0.0.1:%d" % squid_port, cases, "squid")
    h.check("moat run through Squid exits 0", status == 0, "status %d: %s" % (status, stderr))
    _, plain, _ = moat_run(h, "http://127.0.0.1:%d" % plain_port,
                           ["connect:both.test:%d:/c-plain-allowed" % T,
                            "connect:squiddeny.test:%d:/c-plain-squiddeny" % T], "plain")
    # Credentials missing from moat's environment: Squid answers 407, the
    # client gets 502 with a reason that says what to set.
    _, bare, _ = moat_run(h, "http://127.0.0.1:%d" % squid_port,
                          ["connect:both.test:%d:/c-nocredentials" % T], "bare",
                          with_credentials=False)
    _, socks_client, _ = moat_run(h, "socks5h://127.0.0.1:%d" % socks_port,
                                  ["connect:both.test:%d:/c-socks-upstream" % T,
                                   "connect:moatdeny.test:%d:/c-socks-moatdeny" % T], "socks")
    # A URL with credentials is refused before anything runs.
    refused = subprocess.run([h.moat, "run", "--upstream-proxy=http://u:%s@127.0.0.1:%d" %
                              (PASSWORD, squid_port), "--", "true"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)

    # Stop the servers first: their logs are complete once they have exited.
    h.stop_all()
    with open(h.path("access.log")) as f:
        access = [l.split() for l in f.read().splitlines()]
    origin_log = read_json_lines(h.path("origin-http.log")) + \
        read_json_lines(h.path("origin-tls.log"))
    socks_log = read_json_lines(h.path("socks.log"))
    moat_log = read_json_lines(h.path("moat-squid.jsonl"))
    plain_log = read_json_lines(h.path("moat-plain.jsonl"))

    def origin_saw(path):
        return [e for e in origin_log if e["event"] == "request" and e.get("path") == path]

    def squid_saw(host, port=squid_port):
        return [l for l in access if len(l) > 5 and host in l[2] and l[5] == "lport=%d" % port]

    def moat_events(host, log=moat_log):
        return [e for e in log if e.get("target") == host]

    # Allowed by both: Squid forwarded it for the authenticated user, the
    # origin got it.
    for path, kind in (("/g-allowed", "GET"), ("/c-allowed", "CONNECT"), ("/s-allowed", "CONNECT")):
        r = client.get(path, {})
        ok = bool(origin_saw(path)) and (r.get("status") == "200" or r.get("socks") == 0) and \
            (r.get("inner", "200") == "200")
        h.check("%s through moat and Squid reaches the origin" % path, ok,
                "client %s; origin %s" % (r, origin_saw(path)))
    lines = squid_saw("both.test")
    gets = [l for l in lines if l[1] == "GET"]
    connects = [l for l in lines if l[1] == "CONNECT"]
    h.check("Squid saw the plain request as an absolute URI and forwarded it",
            len(gets) == 1 and gets[0][0] == "TCP_MISS/200" and gets[0][3] == "HIER_DIRECT" and
            gets[0][2] == "http://both.test:%d/g-allowed" % O, lines)
    # Squid logs a spliced tunnel twice: the CONNECT it peeked at, then
    # the tunnel to the server (HIER_DIRECT).
    opened = [l for l in connects if l[3] == "HIER_DIRECT"]
    h.check("Squid saw both tunnels by name and opened them for the authenticated user",
            len(opened) == 2 and all(l[2] == "both.test:%d" % T and l[4] == "user=" + USER
                                     for l in connects if l[4] != "user=-"), lines)
    h.check("every request Squid served carried moat's credentials",
            gets and all(l[4] == "user=" + USER for l in gets), lines)
    allowed = moat_events("both.test")
    h.check("moat logged the allowed requests as going via the upstream",
            len(allowed) == 3 and all(e["decision"] == "allow" and e["reason"] ==
                                      "via upstream proxy http://127.0.0.1:%d" % squid_port
                                      for e in allowed), allowed)

    # Denied by the sandbox's policy: neither Squid nor the origin saw it.
    for path in ("/g-moatdeny", "/c-moatdeny"):
        r = client.get(path, {})
        h.check("%s is refused by moat with its reason" % path,
                r.get("status") == "403" and r.get("reason") and not origin_saw(path), r)
    h.check("nothing the policy denied reached Squid", not squid_saw("moatdeny.test"),
            squid_saw("moatdeny.test"))
    h.check("moat logged the policy's refusals with their rule",
            [e["decision"] for e in moat_events("moatdeny.test")] == ["deny", "deny"] and
            all("sandbox.moat:6:3" in e["rule"] for e in moat_events("moatdeny.test")),
            moat_events("moatdeny.test"))

    # Allowed by moat, refused by Squid's ACL: the client gets Squid's
    # refusal (its own page for a plain request, moat's 403 with the
    # upstream's reason for a tunnel), the origin nothing.
    r = client.get("/g-squiddeny", {})
    h.check("a plain request Squid refuses gets Squid's own 403",
            r.get("status") == "403" and r.get("squid_error", "").startswith("ERR_ACCESS_DENIED")
            and not origin_saw("/g-squiddeny"), r)
    r = client.get("/c-squiddeny", {})
    h.check("a tunnel Squid's ssl-bump port refuses gets 200, then Squid's 403 inside TLS",
            r.get("status") == "200" and r.get("inner") == "403" and
            not origin_saw("/c-squiddeny"), r)
    refusals = squid_saw("squiddeny.test")
    h.check("Squid's log has its refusals and no server connection",
            # the plain GET; the CONNECT (answered 200); the GET inside the
            # tunnel, which Squid decrypted to answer it with its 403 page
            sorted((l[0], l[1], l[2].split(":")[0]) for l in refusals) ==
            [("NONE_NONE/403", "GET", "https"), ("TCP_DENIED/200", "CONNECT", "squiddeny.test"),
             ("TCP_DENIED/403", "GET", "http")] and
            all(l[3] == "HIER_NONE" for l in refusals), refusals)
    r = plain.get("/c-plain-squiddeny", {})
    h.check("a tunnel Squid's plain port refuses gets 403 with the upstream's reason",
            r.get("status") == "403" and
            r.get("reason") == "refused by the upstream proxy: 403 Forbidden" and
            not origin_saw("/c-plain-squiddeny"), r)
    r = plain.get("/c-plain-allowed", {})
    h.check("a tunnel through Squid's plain port reaches the origin",
            r.get("status") == "200" and r.get("inner") == "200" and
            origin_saw("/c-plain-allowed"), r)
    h.check("Squid's plain port refused the tunnel with 403",
            [l[0] for l in squid_saw("squiddeny.test", plain_port)] == ["TCP_DENIED/403"],
            squid_saw("squiddeny.test", plain_port))
    events = moat_events("squiddeny.test", plain_log)
    h.check("moat logged the upstream's refusal",
            len(events) == 1 and events[0]["decision"] == "deny" and
            events[0]["rule"] == "upstream" and
            "refused by the upstream proxy: 403 Forbidden" in events[0]["reason"], events)

    # Without credentials in moat's environment.
    r = bare.get("/c-nocredentials", {})
    h.check("without credentials the client gets 502 saying what to set",
            r.get("status") == "502" and "MOAT_UPSTREAM_PROXY_USER" in r.get("reason", "") and
            not origin_saw("/c-nocredentials"), r)
    h.check("Squid refused the tunnel without credentials with 407",
            any(l[0] == "TCP_DENIED/407" for l in squid_saw("both.test")) or
            len([l for l in access if l[0] == "TCP_DENIED/407"]) >= 1, access)

    # The SOCKS5 upstream: authenticated with the environment's
    # credentials, asked for the name; the policy's refusal never reached it.
    r = socks_client.get("/c-socks-upstream", {})
    connected = [e for e in socks_log if e.get("result") == "connected"]
    h.check("through the SOCKS5 upstream the tunnel reaches the origin",
            r.get("status") == "200" and r.get("inner") == "200" and
            origin_saw("/c-socks-upstream"), r)
    h.check("the SOCKS5 upstream got the name and moat's credentials",
            len(connected) == 1 and connected[0]["atyp"] == "domain" and
            connected[0]["host"] == "both.test" and connected[0]["user"] == USER and
            connected[0]["password_ok"] and 2 in connected[0]["methods"], socks_log)
    h.check("the policy's refusal never reached the SOCKS5 upstream",
            socks_client.get("/c-socks-moatdeny", {}).get("status") == "403" and
            len(socks_log) == 1, socks_log)

    # The credentials never reached the sandbox's environment.
    for tag in ("squid", "socks"):
        env_path = os.path.join(h.run_dir, "cwd", "env-%s.txt" % tag)
        text = open(env_path).read() if os.path.exists(env_path) else None
        h.check("the sandbox's environment (%s run) holds no upstream credential" % tag,
                text is not None and PASSWORD not in text and "MOAT_UPSTREAM_PROXY" not in text
                and "HTTP_PROXY=http://127.0.0.1:3128" in text, text)
    h.check("credentials in the URL are refused before anything runs",
            refused.returncode == 125 and b"MOAT_UPSTREAM_PROXY_USER" in refused.stderr and
            PASSWORD.encode() not in refused.stderr, refused.stderr)
    # Every connection the origin accepted belongs to an allowed case.
    accepts = sum(1 for e in origin_log if e["event"] == "accept")
    h.check("the origin accepted only the allowed connections", accepts == 5,
            "%d accepted" % accepts)


def main():
    return main_with(run, "moat-upstream-", "upstream integration", OVERALL_TIMEOUT)


if __name__ == "__main__":
    sys.exit(main())
