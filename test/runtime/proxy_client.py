"""The escape suite's network client, run INSIDE the sandbox (stdlib only).

It speaks to moat's proxy the way an attacker would: raw bytes, so that odd
host spellings reach the proxy exactly as written. Every mode prints what
came back and exits 0 (the suite judges on the host, by what its listeners
received, never by this output). Arguments that carry bytes (names, request
heads, payloads) are Python escapes: "a\\x00b" is a, NUL, b.

  http URL [HOST]                  GET URL (absolute form) from the HTTP proxy
  raw HEAD                         send HEAD as is to the HTTP proxy
  connect AUTHORITY PAYLOAD        CONNECT AUTHORITY, then send PAYLOAD
  tls AUTHORITY SNI                CONNECT AUTHORITY, then a TLS ClientHello for SNI
  socks-name NAME PORT PAYLOAD     SOCKS5 CONNECT to a domain name (ATYP 3)
  socks-ip ADDRESS PORT PAYLOAD    SOCKS5 CONNECT to an address (ATYP 1 or 4)
"""
import base64
import codecs
import ipaddress
import os
import socket
import struct
import sys

TIMEOUT = 5


def proxy_url(variable):
    """(host, port, credentials) of a proxy from the environment the sandbox
    sets. moat's proxy URLs carry no credentials (the bridge adds the session's);
    srt's carry user:password, which its proxy requires: sent as it asks, so
    that the suite compares what each proxy decides, not who may talk to it."""
    value = os.environ.get(variable, "")
    rest = value.split("://", 1)[-1].rstrip("/")
    credentials = None
    if "@" in rest:
        userinfo, rest = rest.rsplit("@", 1)
        user, _, password = userinfo.partition(":")
        credentials = (user, password)
    if ":" in rest:
        host, port = rest.rsplit(":", 1)
        return host, int(port), credentials
    return None


def socks_variable():
    """The variable naming a SOCKS5 proxy: ALL_PROXY for moat, FTP_PROXY for
    srt (whose ALL_PROXY is its HTTP proxy)."""
    for variable in ("ALL_PROXY", "FTP_PROXY", "ftp_proxy"):
        if os.environ.get(variable, "").startswith("socks"):
            return variable
    return "ALL_PROXY"


def proxy(variable, default_port):
    """(host, port) of a proxy from the environment, else the default."""
    found = proxy_url(variable)
    return found[:2] if found else ("127.0.0.1", default_port)


def with_authorization(head):
    """The request head with Proxy-Authorization when the HTTP proxy wants it."""
    found = proxy_url("HTTP_PROXY")
    if not found or not found[2]:
        return head
    token = base64.b64encode(("%s:%s" % found[2]).encode()).decode()
    line_end = head.find(b"\r\n")
    if line_end < 0:
        return head
    return head[:line_end + 2] + b"Proxy-Authorization: Basic " + token.encode() + b"\r\n" + head[line_end + 2:]


def unescape(text):
    return codecs.decode(text, "unicode_escape").encode("latin-1")


def exchange(address, first, then=b""):
    """Sends `first`, reads the reply head, sends `then`, returns all bytes read."""
    got = b""
    with socket.create_connection(address, timeout=TIMEOUT) as s:
        s.sendall(first)
        try:
            got = s.recv(65536)
            if then and got:
                s.sendall(then)
            while then or first.startswith(b"GET") or b"\r\n\r\n" in first:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
                if len(got) > 1 << 20:
                    break
        except OSError as e:
            got += ("[%s]" % e).encode()
    return got


def http(url, host=None):
    authority = url.split("://", 1)[-1].split("/", 1)[0]
    head = "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (url, host or authority)
    return exchange(proxy("HTTP_PROXY", 3128), with_authorization(head.encode("latin-1")))


def connect(authority, payload):
    head = b"CONNECT " + authority + b" HTTP/1.1\r\nHost: " + authority + b"\r\n\r\n"
    return exchange(proxy("HTTP_PROXY", 3128), with_authorization(head), payload)


def client_hello(sni):
    """A minimal TLS 1.2 ClientHello naming `sni` (bytes)."""
    name = struct.pack("!BH", 0, len(sni)) + sni
    server_name = struct.pack("!HHH", 0, len(name) + 2, len(name)) + name
    body = (b"\x03\x03" + os.urandom(32) + b"\x00" + b"\x00\x02\x00\x2f" + b"\x01\x00"
            + struct.pack("!H", len(server_name)) + server_name)
    handshake = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(handshake)) + handshake


def socks(address_bytes, port, payload):
    request = b"\x05\x01\x00" + address_bytes + struct.pack("!H", port)
    got = b""
    found = proxy_url(socks_variable())
    credentials = found[2] if found else None
    with socket.create_connection(proxy(socks_variable(), 1080), timeout=TIMEOUT) as s:
        try:
            if credentials:  # RFC 1929 username/password, as srt's proxy asks
                s.sendall(b"\x05\x01\x02")
                got = s.recv(2)
                user, password = (c.encode() for c in credentials)
                s.sendall(b"\x01" + bytes([len(user)]) + user + bytes([len(password)]) + password)
                got += s.recv(2)
            else:
                s.sendall(b"\x05\x01\x00")
                got = s.recv(2)
            s.sendall(request)
            reply = s.recv(65536)
            got += reply
            if len(reply) >= 2 and reply[1] == 0:
                s.sendall(payload)
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
        except OSError as e:
            got += ("[%s]" % e).encode()
    return got


def socks_name(name, port, payload):
    return socks(b"\x03" + bytes([len(name) & 0xFF]) + name, port, payload)


def socks_ip(address, port, payload):
    ip = ipaddress.ip_address(address)
    kind = b"\x01" if ip.version == 4 else b"\x04"
    return socks(kind + ip.packed, port, payload)


def main(argv):
    mode, args = argv[1], argv[2:]
    try:
        if mode == "http":
            out = http(*args)
        elif mode == "raw":
            out = exchange(proxy("HTTP_PROXY", 3128), with_authorization(unescape(args[0])))
        elif mode == "connect":
            out = connect(unescape(args[0]), unescape(args[1]))
        elif mode == "tls":
            out = connect(unescape(args[0]), client_hello(unescape(args[1])))
        elif mode == "socks-name":
            out = socks_name(unescape(args[0]), int(args[1]), unescape(args[2]))
        elif mode == "socks-ip":
            out = socks_ip(args[0], int(args[1]), unescape(args[2]))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except OSError as e:
        out = ("[%s]" % e).encode()
    sys.stdout.buffer.write(out + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
