"""moat run on a host full of unix sockets: 10,000 socket files in the
writable TMPDIR, and a thread making and removing sockets there while ten
runs start. Every run must start and exit 0 (the mount plan does not name
socket files, so neither their number nor their coming and going can fail
bubblewrap). Usage: socket_churn.py MOAT SCRATCH"""
import os
import socket
import subprocess
import sys
import threading
import time

moat, scratch = sys.argv[1], sys.argv[2]
tmp = os.path.join(scratch, "tmp")
home = os.path.join(scratch, "home")
cwd = os.path.join(scratch, "cwd")
for d in (tmp, home, cwd, os.path.join(tmp, "stale")):
    os.makedirs(d, exist_ok=True)
for i in range(10000):
    s = socket.socket(socket.AF_UNIX)
    s.bind(os.path.join(tmp, "stale", "s%05d.sock" % i))
    s.close()  # the file stays, as srt's leaked sockets do

stop = threading.Event()


def churn():
    n = 0
    deadline = time.monotonic() + 60  # bounded whatever happens
    while not stop.is_set() and time.monotonic() < deadline:
        path = os.path.join(tmp, "churn%d.sock" % (n % 50))
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        s = socket.socket(socket.AF_UNIX)
        s.bind(path)
        s.close()
        n += 1


t = threading.Thread(target=churn)
t.start()
env = dict(os.environ, HOME=home, TMPDIR=tmp)
policy = os.path.join(scratch, "p.moat")
with open(policy, "w") as f:
    f.write('policy "p" {\n  allow write "$CWD";\n  allow write "$TMPDIR";\n}\n')
statuses = []
try:
    for _ in range(10):
        r = subprocess.run([moat, "run", "--policy=" + policy, "--", "true"], cwd=cwd, env=env,
                           capture_output=True, text=True, timeout=60)
        statuses.append(r.returncode)
        if r.returncode != 0:
            print(r.stderr)
finally:
    stop.set()
    t.join()
print("runs:", len(statuses), "failed:", sum(1 for s in statuses if s != 0))
