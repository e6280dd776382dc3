# Runs INSIDE the sandbox under test (srt). It only tries things and reports what
# it saw; every verdict is made on the host afterwards (difftest.py):
#   * reads: the content of each file it could read goes to the results file, and
#     the host accepts a read only if that file's secret token arrived;
#   * writes: it tries to write each path with a token; the host looks at the path;
#   * network: it asks srt's proxy for each loopback server; the server (on the
#     host) records what reached it.
# The results file lives in /tmp/claude/..., which srt always binds writable
# (its own TMPDIR). If that fails the same lines go to stdout, and the host says
# which channel it used.
# Usage: python3 probe.py SPEC.json
import base64
import json
import os
import socket
import sys
import time
import urllib.parse


def read_probe(path):
    try:
        with open(path, "rb") as f:
            return f.read(256).decode("utf-8", "replace").strip()
    except OSError as e:
        return "ERR " + (e.strerror or str(e))


def write_probe(path, token, new):
    try:
        if new:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(token)
        return "ok"
    except OSError as e:
        return "ERR " + (e.strerror or str(e))


def proxy_endpoint():
    url = os.environ.get("HTTP_PROXY") or os.environ.get("http_proxy")
    if not url:
        return None
    u = urllib.parse.urlsplit(url)
    auth = None
    if u.username is not None:
        cred = urllib.parse.unquote(u.username) + ":" + urllib.parse.unquote(u.password or "")
        auth = base64.b64encode(cred.encode()).decode()
    return u.hostname, u.port, auth


def recv_head(s, deadline):
    data = b""
    while b"\r\n\r\n" not in data and time.monotonic() < deadline and len(data) < 65536:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def net_probe(method, host, port, path, proxy, timeout):
    """One request through srt's HTTP proxy, never direct (the sandbox has no
    other route; NO_PROXY names loopback, so ordinary clients would not even ask)."""
    if proxy is None:
        return "ERR no proxy"
    phost, pport, auth = proxy
    authline = "Proxy-Authorization: Basic %s\r\n" % auth if auth else ""
    hostport = "%s:%d" % (host, port)
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((phost, pport), timeout=timeout) as s:
            s.settimeout(timeout)
            if method == "GET":
                s.sendall(("GET http://%s%s HTTP/1.1\r\nHost: %s\r\n%sConnection: close\r\n\r\n"
                           % (hostport, path, hostport, authline)).encode())
                head = recv_head(s, deadline)
                return "status " + head.split(b"\r\n", 1)[0].decode("latin-1")
            s.sendall(("CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s\r\n" % (hostport, hostport, authline)).encode())
            head = recv_head(s, deadline)
            status = head.split(b"\r\n", 1)[0].decode("latin-1")
            if " 200" not in status:
                return "status " + status
            s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, hostport)).encode())
            inner = recv_head(s, deadline)
            return "tunnel " + inner.split(b"\r\n", 1)[0].decode("latin-1")
    except OSError as e:
        return "ERR " + str(e)


def wait_for_listener(proxy, limit):
    """srt starts its in-sandbox socat listeners in the background and runs the
    command at once (buildSandboxCommand: `socat TCP-LISTEN:3128 ... &`), so a
    client that connects first is refused by an empty port. That is srt's start-up
    race, not its policy: wait, bounded, until the port accepts. A port that never
    accepts leaves the refusals in place and the host reports no verdict."""
    if proxy is None:
        return
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            socket.create_connection(proxy[:2], timeout=1).close()
            return
        except OSError:
            time.sleep(0.02)


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    lines = []
    for pid, path in spec["reads"]:
        lines.append("R %s %s" % (pid, read_probe(path)))
    for pid, path, token, new in spec["writes"]:
        lines.append("W %s %s" % (pid, write_probe(path, token, new)))
    proxy = proxy_endpoint()
    if spec["net"]:
        wait_for_listener(proxy, 5.0)
    for pid, method, host, port, path in spec["net"]:
        lines.append("N %s %s" % (pid, net_probe(method, host, port, path, proxy, spec["net_timeout"])))
    text = "".join(line.replace("\n", " ") + "\n" for line in lines) + "END\n"
    try:
        with open(spec["out"], "w") as f:
            f.write(text)
        sys.stdout.write("PROBE-RESULTS-IN-FILE\n")
    except OSError as e:
        sys.stdout.write("PROBE-RESULTS-ON-STDOUT %s\n" % e)
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
