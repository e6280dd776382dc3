"""Drives `moat run` against unix-socket listeners on the host and prints
what each listener saw (judged on the host, not by the confined client).
Usage: unix_sockets.py MOAT SCRATCH. Listeners: allowed.sock, denied.sock;
links in the launch directory: to-denied.sock (a name the policy does not
allow) and allowed-link.sock (allowed by name, leading to denied.sock)."""
import os
import socket
import subprocess
import sys
import threading

moat, scratch = sys.argv[1], sys.argv[2]
socks = os.path.join(scratch, "socks")
cwd = os.path.join(scratch, "cwd")
os.makedirs(socks)
os.makedirs(cwd)
seen = {}


def listen(name):
    s = socket.socket(socket.AF_UNIX)
    s.bind(os.path.join(socks, name + ".sock"))
    s.listen(8)
    s.settimeout(1.0)
    for _ in range(20):  # bounded: at most 20 s, one byte-exchange per connection
        try:
            c, _ = s.accept()
        except socket.timeout:
            if seen.get("done"):
                break
            continue
        c.settimeout(5)
        seen.setdefault(name, []).append(c.recv(64).decode())
        c.close()
    s.close()


threads = [threading.Thread(target=listen, args=(n,)) for n in ("allowed", "denied")]
for t in threads:
    t.start()
os.symlink(os.path.join(socks, "denied.sock"), os.path.join(cwd, "to-denied.sock"))
os.symlink(os.path.join(socks, "denied.sock"), os.path.join(cwd, "allowed-link.sock"))
with open(os.path.join(scratch, "p.moat"), "w") as f:
    f.write('policy "p" {\n  allow write "$CWD";\n'
            '  allow unix-socket "%s/allowed.sock";\n'
            '  allow unix-socket "%s/allowed-link.sock";\n}\n' % (socks, cwd))
client = ("import socket,sys\n"
          "for p in sys.argv[1:]:\n"
          "  s=socket.socket(socket.AF_UNIX)\n"
          "  try: s.connect(p); s.sendall(p.rsplit('/',1)[1].encode())\n"
          "  except OSError as e: print(p.rsplit('/',1)[1], 'refused', e.errno)\n")
targets = [os.path.join(socks, "allowed.sock"), os.path.join(socks, "denied.sock"),
           os.path.join(cwd, "to-denied.sock"), os.path.join(cwd, "allowed-link.sock")]
env = dict(os.environ, HOME=os.path.join(scratch, "home"), TMPDIR=os.path.join(scratch, "tmp"))
os.makedirs(env["HOME"])
os.makedirs(env["TMPDIR"])
proc = subprocess.run([moat, "run", "--policy=" + os.path.join(scratch, "p.moat"), "--",
                       "python3", "-c", client] + targets, cwd=cwd, env=env, capture_output=True,
                      text=True, timeout=60)
seen["done"] = True
for t in threads:
    t.join()
print(proc.stdout, end="")
for name in ("allowed", "denied"):
    print("host %s.sock saw: %s" % (name, ",".join(sorted(seen.get(name, []))) or "nothing"))
