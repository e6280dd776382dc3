"""Inside `moat run`: one request per case through the sandbox's proxies,
one JSON line per case on standard output (what the client saw; the test
judges by the host-side logs). Writes its environment to ENVFILE first.

  upstream_client.py ENVFILE get|connect|socks:HOST:PORT:PATH ...

get: an absolute-URI GET to the HTTP proxy; connect: CONNECT, then TLS
(server name HOST, the certificate not checked: the test judges the
proxies, not the origin's name) and a GET for PATH inside the tunnel;
socks: the same through a SOCKS5 CONNECT (domain name) to the SOCKS proxy.
Every socket operation has a timeout.
"""
import json
import os
import socket
import ssl
import sys

TIMEOUT = 10


def endpoint(variable):
    hostport = os.environ[variable].split("//", 1)[1]
    host, port = hostport.rsplit(":", 1)
    return host, int(port)


def head_of(sock):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def read_rest(sock, data):
    while len(data) < 1 << 20:
        try:
            chunk = sock.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def parse(data):
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split(" ")[1] if lines and " " in lines[0] else "none"
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def get_inside(sock, host, path):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        tls = ctx.wrap_socket(sock, server_hostname=host)
        tls.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                     % (path, host)).encode())
        return parse(read_rest(tls, b""))[0]
    except (OSError, ssl.SSLError) as e:
        return type(e).__name__


def run_case(kind, host, port, path):
    out = {"case": path, "kind": kind}
    if kind == "socks":
        with socket.create_connection(endpoint("ALL_PROXY"), timeout=TIMEOUT) as s:
            s.sendall(b"\x05\x01\x00")
            if s.recv(2) != b"\x05\x00":
                out["socks"] = "no method"
                return out
            name = host.encode()
            s.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + port.to_bytes(2, "big"))
            reply = s.recv(10)
            out["socks"] = reply[1] if len(reply) > 1 else "closed"
            if out["socks"] == 0:
                out["inner"] = get_inside(s, host, path)
        return out
    with socket.create_connection(endpoint("HTTP_PROXY"), timeout=TIMEOUT) as s:
        if kind == "get":
            s.sendall(("GET http://%s:%d%s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n"
                       % (host, port, path, host, port)).encode())
            status, headers, _ = parse(read_rest(s, b""))
        else:
            s.sendall(("CONNECT %s:%d HTTP/1.1\r\nHost: %s:%d\r\n\r\n"
                       % (host, port, host, port)).encode())
            status, headers, _ = parse(head_of(s))
            if status == "200":
                out["inner"] = get_inside(s, host, path)
        out["status"] = status
        out["reason"] = headers.get("x-moat-reason", "")
        out["squid_error"] = headers.get("x-squid-error", "")
    return out


def main():
    with open(sys.argv[1], "w") as f:
        for name, value in sorted(os.environ.items()):
            f.write("%s=%s\n" % (name, value))
    for spec in sys.argv[2:]:
        kind, host, port, path = spec.split(":", 3)
        try:
            result = run_case(kind, host, int(port), path)
        except OSError as e:
            result = {"case": path, "kind": kind, "error": type(e).__name__}
        print(json.dumps(result, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
