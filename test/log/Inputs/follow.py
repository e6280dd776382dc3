"""Drives `moat log --follow FILE`: lines appended while it runs are shown,
a line written in two halves is shown once, whole, after its second half;
SIGTERM ends it with status 0. Prints what moat printed, then its status.
Bounded: every wait has a deadline; moat is killed (by its pid) if it does
not end within 10 s of SIGTERM.
Usage: follow.py MOAT SCRATCH"""
import os
import signal
import subprocess
import sys
import time

moat, scratch = sys.argv[1], sys.argv[2]
log = os.path.join(scratch, "follow.jsonl")


def event(ms, target):
    return ('{"time_ms":%d,"kind":"connect","target":"%s","port":443,"decision":"deny","rule":"default"}\n'
            % (ms, target))


with open(log, "w") as f:
    f.write(event(1767225600000, "before.example"))
proc = subprocess.Popen([moat, "log", "--follow", "--kind=connect", log], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True)


def wait_line(deadline=10.0):
    """The next line moat prints, within `deadline` seconds (os.read on the
    pipe after select, so the test never blocks forever)."""
    import select
    end = time.monotonic() + deadline
    buf = ""
    while "\n" not in buf:
        left = end - time.monotonic()
        if left <= 0:
            return "TIMEOUT " + buf
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096).decode()
            if not chunk:
                return "EOF " + buf
            buf += chunk
    return buf


print("1:", wait_line().rstrip())
with open(log, "a") as f:
    f.write(event(1767225601000, "appended.example"))
print("2:", wait_line().rstrip())
half = event(1767225602000, "halves.example")
with open(log, "a") as f:
    f.write(half[:40])
    f.flush()
    time.sleep(0.5)  # moat polls every 100 ms: it sees the half line several times
    f.write(half[40:])
print("3:", wait_line().rstrip())
proc.send_signal(signal.SIGTERM)
try:
    rest, err = proc.communicate(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
    rest, err = proc.communicate()
print("rest: %r" % rest)
print("stderr: %r" % err)
print("status", proc.returncode)
