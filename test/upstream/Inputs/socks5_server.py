"""A minimal SOCKS5 server (RFC 1928 CONNECT, RFC 1929 username/password),
test-only: it stands in for an organisation's SOCKS proxy as the upstream of
`moat run --upstream-proxy=socks5h://...`. It demands the user and password
it is given, resolves names only from its --map (name=address), and writes
what every client offered and asked for to a JSON-lines log, which the test
judges. Prints "PORT N" once it listens on 127.0.0.1.

  socks5_server.py --log FILE --user U --password P --map a.test=127.0.0.1 ...
"""
import argparse
import json
import socket
import threading

TIMEOUT = 10


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve(conn, args, names, record):
    event = {"event": "client"}
    try:
        conn.settimeout(TIMEOUT)
        version, count = recv_exact(conn, 2)
        methods = list(recv_exact(conn, count))
        event["methods"] = methods
        if version != 5 or 2 not in methods:
            conn.sendall(b"\x05\xff")
            event["result"] = "no acceptable method"
            return
        conn.sendall(b"\x05\x02")
        _, ulen = recv_exact(conn, 2)
        user = recv_exact(conn, ulen).decode("latin-1")
        plen = recv_exact(conn, 1)[0]
        password = recv_exact(conn, plen).decode("latin-1")
        event["user"] = user
        event["password_ok"] = password == args.password
        if user != args.user or password != args.password:
            conn.sendall(b"\x01\x01")
            event["result"] = "bad credentials"
            return
        conn.sendall(b"\x01\x00")
        _, command, _, atyp = recv_exact(conn, 4)
        if atyp == 3:
            host = recv_exact(conn, recv_exact(conn, 1)[0]).decode("latin-1")
            event["atyp"] = "domain"
        elif atyp == 1:
            host = socket.inet_ntop(socket.AF_INET, recv_exact(conn, 4))
            event["atyp"] = "ipv4"
        else:
            host = socket.inet_ntop(socket.AF_INET6, recv_exact(conn, 16))
            event["atyp"] = "ipv6"
        port = int.from_bytes(recv_exact(conn, 2), "big")
        event["host"], event["port"] = host, port
        address = names.get(host)
        if command != 1 or address is None:
            conn.sendall(b"\x05\x02\x00\x01\x00\x00\x00\x00\x00\x00")
            event["result"] = "not allowed"
            return
        upstream = socket.create_connection((address, port), timeout=TIMEOUT)
        conn.sendall(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00")
        event["result"] = "connected"
        record(event)
        event = None
        t = threading.Thread(target=pipe, args=(upstream, conn), daemon=True)
        t.start()
        pipe(conn, upstream)
        t.join(TIMEOUT)
        upstream.close()
    except (OSError, ValueError, ConnectionError) as e:
        if event is not None:
            event["result"] = "error " + type(e).__name__
    finally:
        if event is not None:
            record(event)
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--map", action="append", default=[])
    args = ap.parse_args()
    names = dict(m.split("=", 1) for m in args.map)
    lock = threading.Lock()
    log = open(args.log, "a", buffering=1)

    def record(event):
        with lock:
            log.write(json.dumps(event, sort_keys=True) + "\n")
            log.flush()

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    print("PORT %d" % srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, args, names, record), daemon=True).start()


if __name__ == "__main__":
    main()
