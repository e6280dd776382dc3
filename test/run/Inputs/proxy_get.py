"""Inside `moat run`: asks the HTTP proxy for a CONNECT to HOST:PORT and
prints the status and the X-Moat-Reason header, then tries a direct TCP
connection to 1.1.1.1:80 (which has no route out of the sandbox)."""
import os
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
proxy = os.environ["HTTPS_PROXY"].split("//", 1)[1]
phost, pport = proxy.rsplit(":", 1)
with socket.create_connection((phost, int(pport)), timeout=10) as s:
    s.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            break
        head += chunk
lines = head.decode(errors="replace").split("\r\n")
print("status", lines[0].split(" ")[1] if lines and " " in lines[0] else "none")
for line in lines[1:]:
    if line.lower().startswith("x-moat-reason:"):
        print("reason", line.split(":", 1)[1].strip())
try:
    socket.create_connection(("1.1.1.1", 80), timeout=5).close()
    print("direct: connected")
except OSError:
    print("direct: refused")
