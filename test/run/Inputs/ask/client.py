"""Inside `moat run`: GET http://HOST:PORT/PATH for each PATH through the
sandbox's HTTP proxy (absolute-URI form), or through its SOCKS5 proxy with
--socks (a domain-name CONNECT, then the GET in the tunnel), all at once
when --parallel, and print each one's status and X-Moat-Reason (SOCKS5:
the reply code)."""
import os
import socket
import sys
import threading

args = sys.argv[1:]
parallel = "--parallel" in args
socks = "--socks" in args
args = [a for a in args if a not in ("--parallel", "--socks")]
authority, paths = args[0], args[1:]
proxy = os.environ["HTTP_PROXY"].split("//", 1)[1].rstrip("/")
phost, pport = proxy.rsplit(":", 1)
results = {}


def get_socks(path):
    shost, sport = os.environ["ALL_PROXY"].split("//", 1)[1].rstrip("/").rsplit(":", 1)
    host, port = authority.rsplit(":", 1)
    with socket.create_connection((shost, int(sport)), timeout=30) as s:
        s.sendall(b"\x05\x01\x00")
        s.recv(2)
        s.sendall(b"\x05\x01\x00\x03" + bytes([len(host)]) + host.encode() + int(port).to_bytes(2, "big"))
        reply = s.recv(10)
        if len(reply) < 2 or reply[1] != 0:
            results[path] = f"{path} socks reply {reply[1] if len(reply) > 1 else 'none'}"
            return
        s.sendall(f"GET /{path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n".encode())
        data = s.recv(4096)
        results[path] = f"{path} status {data.split(b' ')[1].decode()}"


def get(path):
    if socks:
        try:
            return get_socks(path)
        except OSError as e:
            results[path] = f"{path} error {e}"
            return
    try:
        with socket.create_connection((phost, int(pport)), timeout=30) as s:
            s.sendall(f"GET http://{authority}/{path} HTTP/1.1\r\nHost: {authority}\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].decode(errors="replace").split("\r\n")
        reason = [h.split(":", 1)[1].strip() for h in head[1:] if h.lower().startswith("x-moat-reason:")]
        results[path] = f"{path} status {head[0].split(' ')[1]}" + (f" reason {reason[0]}" if reason else "")
    except OSError as e:
        results[path] = f"{path} error {e}"


threads = [threading.Thread(target=get, args=(p,)) for p in paths]
for t in threads:
    t.start()
    if not parallel:
        t.join()
for t in threads:
    t.join()
for p in paths:
    print(results[p], flush=True)
