"""Inside `moat run`: GET http://HOST:PORT/PATH for each PATH through the
sandbox's HTTP proxy (absolute-URI form), all at once when --parallel,
and print each one's status and X-Moat-Reason."""
import os
import socket
import sys
import threading

args = sys.argv[1:]
parallel = args and args[0] == "--parallel"
if parallel:
    args = args[1:]
authority, paths = args[0], args[1:]
proxy = os.environ["HTTP_PROXY"].split("//", 1)[1].rstrip("/")
phost, pport = proxy.rsplit(":", 1)
results = {}


def get(path):
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
