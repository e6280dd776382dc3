"""Inside `moat run`: one access of each kind the launcher logs, each
refused: a CONNECT the policy denies, a request the proxy cannot parse, a
unix-socket connect outside the allowlist, and a git hook written in a new
repository (quarantined). Prints what the client saw; the test judges the
host-side log and the launcher's summary.
Usage: violate.py SOCKET"""
import os
import socket
import subprocess
import sys

proxy = os.environ["HTTPS_PROXY"].split("//", 1)[1]
phost, pport = proxy.rsplit(":", 1)


def ask(data):
    with socket.create_connection((phost, int(pport)), timeout=10) as s:
        s.sendall(data)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
    return head.split(b"\r\n", 1)[0].decode(errors="replace")


print("connect:", ask(b"CONNECT blocked.example:443 HTTP/1.1\r\nHost: blocked.example:443\r\n\r\n"))
print("garbage:", ask(b"NOT A REQUEST\r\n\r\n"))
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
    print("unix: connected")
except OSError as e:
    print("unix: refused", e.errno)
subprocess.run(["git", "init", "-q", "sub"], check=True)
with open("sub/.git/hooks/pre-commit", "w") as f:
    f.write("#!/bin/sh\necho pwned\n")
