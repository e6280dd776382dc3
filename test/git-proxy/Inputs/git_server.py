#!/usr/bin/env python3
"""A git smart-HTTP remote for the git proxy's tests: the real
`git http-backend` (CGI) behind a small HTTP(S) server on 127.0.0.1.

Every request must carry HTTP Basic with the real token (user
x-access-token), or it gets 401. Every request is recorded as one JSON line
(method, path, query, authorization) in --log before anything else, so the
test can assert on the host side what reached the upstream and with which
credential. The server exits by itself after --lifetime seconds, whatever
happens to the test that started it.
"""
import argparse
import base64
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)  # GIT_PROJECT_ROOT
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--lifetime", type=float, default=300)
    args = parser.parse_args()
    with open(args.token_file) as f:
        token = f.read().strip()
    expected = "Basic " + base64.b64encode(("x-access-token:" + token).encode()).decode()
    log_lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def record(self):
            path, _, query = self.path.partition("?")
            entry = {"method": self.command, "path": path, "query": query,
                     "authorization": self.headers.get("Authorization", ""),
                     "agent": self.headers.get("User-Agent", ""),
                     "length": int(self.headers.get("Content-Length", "0") or 0)}
            with log_lock, open(args.log, "a") as f:
                f.write(json.dumps(entry) + "\n")

        def reply(self, status, body=b"", headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

        def handle_any(self):
            self.record()
            length = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(length) if length else b""
            if self.headers.get("Authorization", "") != expected:
                return self.reply(401, b"token required\n", [("WWW-Authenticate", 'Basic realm="test"')])
            path, _, query = self.path.partition("?")
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "GIT_PROJECT_ROOT": args.root,
                "GIT_HTTP_EXPORT_ALL": "1",
                "REQUEST_METHOD": self.command,
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(body)),
                "REMOTE_USER": "x-access-token",
                "REMOTE_ADDR": "127.0.0.1",
                "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
                "HOME": args.root,
            }
            out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True,
                                 timeout=60).stdout
            head, _, rest = out.partition(b"\r\n\r\n")
            if not _:
                head, _, rest = out.partition(b"\n\n")
            status, headers = 200, []
            for line in head.decode("latin-1").splitlines():
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.strip().split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.reply(status, rest, headers)

        do_GET = handle_any
        do_POST = handle_any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    timer = threading.Timer(args.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
