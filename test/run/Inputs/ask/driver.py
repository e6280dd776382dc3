"""Host side of the `moat run` asking tests: starts a loopback HTTP origin
that records every request it serves, runs `moat run` (under a pty when
answers are given) with the client inside, and prints what the host saw:
the client's lines, the origin's requests, the prompts, the run's time.

usage: driver.py MOAT SCRATCH [--answers=o,s,...] [--parallel] [--socks] [--path=P]... [--port-file=F] -- MOAT-RUN-ARGS...
The arguments after `--` go to `moat run` before `-- CMD`; ORIGIN in them
is replaced by the origin's 127.0.0.1:PORT."""
import http.server
import os
import pty
import select
import subprocess
import sys
import threading
import time

moat, scratch = sys.argv[1], sys.argv[2]
rest = sys.argv[3:]
split = rest.index("--")
opts, run_args = rest[:split], rest[split + 1:]
answers = []
paths = []
parallel = False
socks = False
port_file = None  # the origin's port, kept across runs ("always" is for one HOST:PORT)
for o in opts:
    if o.startswith("--answers="):
        answers = o.split("=", 1)[1].split(",")
    elif o.startswith("--path="):
        paths.append(o.split("=", 1)[1])
    elif o == "--parallel":
        parallel = True
    elif o == "--socks":
        socks = True
    elif o.startswith("--port-file="):
        port_file = o.split("=", 1)[1]
seen = []


class Origin(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        seen.append(self.path)
        body = b"hello\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


port = int(open(port_file).read()) if port_file and os.path.exists(port_file) else 0
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Origin)
if port_file:
    with open(port_file, "w") as f:
        f.write(str(server.server_address[1]))
threading.Thread(target=server.serve_forever, daemon=True).start()
origin = f"127.0.0.1:{server.server_address[1]}"
client = os.path.join(os.path.dirname(os.path.abspath(__file__)), "client.py")
argv = [moat, "run"] + [a.replace("ORIGIN", origin) for a in run_args] + [
    "--", "/usr/bin/python3", client] + (["--parallel"] if parallel else []) + (["--socks"] if socks else []) + [origin] + (paths or ["a"])
env = dict(os.environ, HOME=os.path.join(scratch, "home"), TMPDIR=os.path.join(scratch, "tmp"))
env.pop("XDG_CONFIG_HOME", None)
start = time.monotonic()
if not answers:
    # A session of its own: no controlling terminal, even when lit runs in one
    # (moat would otherwise prompt on the developer's terminal).
    p = subprocess.run(argv, env=env, cwd=os.path.join(scratch, "cwd"), capture_output=True, text=True, timeout=60,
                       start_new_session=True, stdin=subprocess.DEVNULL)
    out, err, status = p.stdout, p.stderr, p.returncode
else:
    # The terminal: moat finds it as /dev/tty. Each prompt gets the next answer.
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(os.path.join(scratch, "cwd"))
        os.execve(moat, argv, env)
    text = b""
    prompts = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            text += chunk
            while text.count(b"[d]eny? ") > prompts:
                answer = answers[prompts] if prompts < len(answers) else "d"
                prompts += 1
                os.write(fd, answer.encode() + b"\n")
    _, ws = os.waitpid(pid, 0)
    status = os.waitstatus_to_exitcode(ws)
    out = text.decode(errors="replace").replace("\r\n", "\n").replace("\r", "")
    err = ""
elapsed = time.monotonic() - start
server.shutdown()
for line in out.splitlines():
    print("out:", line)
for line in err.splitlines():
    print("err:", line)
print("origin saw:", " ".join(sorted(seen)) or "nothing")
print("status:", status)
print("elapsed under 5 s:", elapsed < 5)
