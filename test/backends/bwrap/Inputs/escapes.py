#!/usr/bin/env python3
"""Fixed escape attempts against the bwrap target, with real bubblewrap.

Each scenario builds a scratch tree, compiles a policy over it, runs one
probe inside bwrap that tries the escapes, and checks both what the probe
saw and, on the host, that nothing protected changed.

Usage: escapes.py MOAT   (prints one line per check; exits 1 on a failure)
"""
import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

PROBE = r"""
import json, os, socket, sys
out = []
for op in json.load(sys.stdin):
    kind, a, b = op[0], op[1], op[2] if len(op) > 2 else ""
    try:
        if kind == "read":
            with open(a) as f:
                out.append(f.read())
        elif kind == "write":
            with open(a, "w") as f:
                f.write(b)
            out.append(True)
        elif kind == "create":
            with open(a, "x") as f:
                f.write(b)
            out.append(True)
        elif kind == "mkdir":
            os.mkdir(a)
            out.append(True)
        elif kind == "rename":
            os.rename(a, b)
            out.append(True)
        elif kind == "unlink":
            os.unlink(a)
            out.append(True)
        elif kind == "symlink":
            os.symlink(b, a)
            out.append(True)
        elif kind == "connect_unix":
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(2)
            s.connect(a)
            out.append(s.recv(16).decode())
        elif kind == "dgram_pair_sendto":
            # An unnamed datagram pair, then a datagram to a socket path.
            p, q = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
            p.sendto(b.encode(), a)
            out.append(True)
        elif kind == "connect_tcp":
            s = socket.create_connection(("127.0.0.1", int(a)), timeout=2)
            out.append(True)
    except OSError as e:
        out.append({"errno": e.errno})
json.dump(out, sys.stdout)
"""

failures = []
checks = 0


def check(ok, what):
    global checks
    checks += 1
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def read(path):
    with open(path) as f:
        return f.read()


def build(moat, work, target, out, defines):
    built = subprocess.run([moat, "build", "--target=" + target, "-o", out] + defines + [work + "/p.moat"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if built.returncode != 0:
        raise SystemExit("moat build --target=%s failed: %s" % (target, built.stderr.decode()))
    return built.stderr.decode()


def sandbox(moat, work, policy, defines, ops, seccomp=False):
    """Builds the policy and runs the probe right away, under the bwrap
    target's arguments and, with `seccomp`, the seccomp target's filter."""
    with open(work + "/p.moat", "w") as f:
        f.write(policy)
    sandbox.warnings = build(moat, work, "bwrap", work + "/args", defines)
    fds = [os.open(work + "/args", os.O_RDONLY)]
    extra = []
    if seccomp:
        sandbox.warnings += build(moat, work, "seccomp", work + "/filter.bpf", defines)
        fds.append(os.open(work + "/filter.bpf", os.O_RDONLY))
        extra = ["--seccomp", str(fds[1])]
    try:
        probe = subprocess.run(["bwrap", "--args", str(fds[0])] + extra +
                               ["--", "/usr/bin/python3", "-I", "-S", "-c", PROBE],
                               input=json.dumps(ops).encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               pass_fds=fds, cwd="/", timeout=60)
    finally:
        for fd in fds:
            os.close(fd)
    if probe.returncode != 0:
        raise SystemExit("bwrap failed (%d): %s" % (probe.returncode, probe.stderr.decode()))
    return json.loads(probe.stdout)


def refused(result):
    return isinstance(result, dict) and "errno" in result


def scenario_write_root(moat, work):
    home, cwd = work + "/home", work + "/home/proj"
    write(home + "/.bashrc", "RC")
    write(home + "/.ssh/id_rsa", "SECRET-KEY")
    write(home + "/.ssh/known_hosts", "KNOWN")
    write(cwd + "/repo/.git/hooks/pre-commit", "HOOK")
    write(cwd + "/repo/.git/config", "[core]")
    write(cwd + "/deep/a/b/c/.git/hooks/post-checkout", "DEEP")
    os.makedirs(cwd + "/norepo/.git")
    os.symlink(home + "/.bashrc", cwd + "/link-bashrc")
    os.symlink(cwd + "/repo/.git/hooks/pre-commit", cwd + "/link-hook")
    os.link(cwd + "/repo/.git/hooks/pre-commit", cwd + "/hl-hook")
    os.link(home + "/.bashrc", cwd + "/hl-bashrc")
    policy = """policy "escapes" {
  allow write "$CWD";
  deny read "~/.ssh";
  allow read file "~/.ssh/known_hosts";
}
"""
    ops = [
        ["read", home + "/.ssh/id_rsa"],
        ["read", home + "/.ssh/../.ssh/id_rsa"],
        ["read", home + "/.ssh/known_hosts"],
        ["write", cwd + "/link-bashrc", "EVIL"],
        ["write", cwd + "/link-hook", "EVIL"],
        ["write", cwd + "/hl-hook", "EVIL"],
        ["write", cwd + "/hl-bashrc", "EVIL"],
        ["write", cwd + "/repo/../repo/.git/hooks/pre-commit", "EVIL"],
        ["write", cwd + "/deep/a/b/c/.git/hooks/post-checkout", "EVIL"],
        ["write", cwd + "/repo/.git/config", "EVIL"],
        ["rename", cwd + "/repo", cwd + "/repo2"],
        ["rename", cwd + "/repo/.git", cwd + "/repo/git2"],
        ["rename", cwd + "/deep/a", cwd + "/deep/z"],
        ["unlink", cwd + "/repo/.git/hooks/pre-commit"],
        ["create", cwd + "/repo/.git/hooks/post-merge", "EVIL"],
        ["create", cwd + "/norepo/.git/hooks/pre-commit", "EVIL"],
        ["mkdir", cwd + "/norepo/.git/hooks"],
        ["create", cwd + "/.vscode/tasks.json", "EVIL"],
        ["create", home + "/.bashrc2", "EVIL"],
        ["create", cwd + "/new-file", "FINE"],
    ]
    r = sandbox(moat, work, policy, ["--define", "HOME=" + home, "--define", "CWD=" + cwd, "--define", "TMPDIR=" + work + "/tmp"], ops)
    check(refused(r[0]), "a read-denied key cannot be read")
    check(refused(r[1]), "nor through '..'")
    check(r[2] == "KNOWN", "a file allowed inside a hidden directory can be read")
    check(refused(r[3]) and read(home + "/.bashrc") == "RC", "a symlink in the write root does not reach ~/.bashrc")
    check(refused(r[4]) and read(cwd + "/repo/.git/hooks/pre-commit") == "HOOK", "a symlink in the write root does not reach a hook")
    check(refused(r[5]) and read(cwd + "/repo/.git/hooks/pre-commit") == "HOOK", "a hard link to a hook is read-only")
    check(refused(r[6]) and read(home + "/.bashrc") == "RC", "a hard link to ~/.bashrc is read-only")
    check(refused(r[7]), "'..' does not get around a protected hook")
    check(refused(r[8]) and read(cwd + "/deep/a/b/c/.git/hooks/post-checkout") == "DEEP", ".git/hooks at depth 5 is protected")
    check(refused(r[9]) and read(cwd + "/repo/.git/config") == "[core]", ".git/config is protected")
    check(r[10] == {"errno": errno.EBUSY} and os.path.isdir(cwd + "/repo"), "the parent of a protected path cannot be renamed (EBUSY)")
    check(r[11] == {"errno": errno.EBUSY} and os.path.isdir(cwd + "/repo/.git"), "nor the .git directory")
    check(refused(r[12]) and os.path.isdir(cwd + "/deep/a"), "nor an ancestor several levels up")
    check(refused(r[13]) and os.path.exists(cwd + "/repo/.git/hooks/pre-commit"), "a hook cannot be deleted")
    check(refused(r[14]) and not os.path.exists(cwd + "/repo/.git/hooks/post-merge"), "no hook can be added")
    check(refused(r[15]) and not os.path.exists(cwd + "/norepo/.git/hooks/pre-commit"), "a missing .git/hooks is a placeholder: no hook can be created")
    check(refused(r[16]) and os.path.isdir(cwd + "/norepo/.git/hooks") and os.listdir(cwd + "/norepo/.git/hooks") == [],
          "the placeholder is an empty directory on the host")
    check(refused(r[17]) and not os.path.exists(cwd + "/.vscode/tasks.json"), "no .vscode/tasks.json in the launch directory")
    check(refused(r[18]), "~ stays read-only")
    check(r[19] is True and read(cwd + "/new-file") == "FINE", "ordinary files can be created in the write root")


def scenario_home_writable(moat, work):
    home = work + "/home2"
    os.makedirs(home + "/.config")
    os.makedirs(home + "/.ssh")
    policy = """policy "home" {
  allow write "~";
}
"""
    ops = [
        ["create", home + "/.bashrc", "EVIL"],
        ["write", home + "/.bashrc", "EVIL"],
        ["mkdir", home + "/.vscode"],
        ["create", home + "/.config/fish", "EVIL"],
        ["create", home + "/.ssh/config", "EVIL"],
        ["create", home + "/.gitconfig", "EVIL"],
        ["create", home + "/notes.txt", "FINE"],
    ]
    r = sandbox(moat, work, policy, ["--define", "HOME=" + home, "--define", "CWD=" + home, "--define", "TMPDIR=" + work + "/tmp"], ops)
    check(refused(r[0]) and refused(r[1]) and read(home + "/.bashrc") == "", "creating ~/.bashrc fails (the host keeps an empty placeholder)")
    check(refused(r[2]) and os.listdir(home + "/.vscode") == [], "creating ~/.vscode fails (an empty placeholder directory)")
    check(refused(r[3]), "creating ~/.config/fish fails")
    check(refused(r[4]) and read(home + "/.ssh/config") == "", "creating ~/.ssh/config fails")
    check(refused(r[5]), "creating ~/.gitconfig fails")
    check(r[6] is True and read(home + "/notes.txt") == "FINE", "other files in ~ can be created")


def scenario_linked_dotfile(moat, work):
    home = work + "/home4"
    write(home + "/dotfiles/bashrc", "RC")
    os.symlink("dotfiles/bashrc", home + "/.bashrc")
    policy = """policy "dotfiles" {
  allow write "~";
}
"""
    ops = [["write", home + "/.bashrc", "EVIL"], ["unlink", home + "/.bashrc"], ["create", home + "/x", "X"]]
    r = sandbox(moat, work, policy, ["--define", "HOME=" + home, "--define", "CWD=" + home, "--define", "TMPDIR=" + work + "/tmp"], ops)
    check(refused(r[0]) and read(home + "/dotfiles/bashrc") == "RC", "~/.bashrc linked into a dotfiles repository: its target is protected")
    check(refused(r[1]) and os.path.islink(home + "/.bashrc"), "and the link cannot be replaced: its directory is read-only")
    check(refused(r[2]) and "symbolic link on the way to a write-protected path" in sandbox.warnings,
          "which is a reported tightening")


def serve(path, stop):
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(4)
    srv.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = srv.accept()
            conn.sendall(b"hello")
            conn.close()
        except socket.timeout:
            pass
    srv.close()


def scenario_sockets_and_network(moat, work):
    """Unix sockets are seccomp's business: the bwrap target mounts nothing
    for socket files (they stay visible), and the standalone seccomp filter
    refuses every unix socket when the policy allows only some paths (the
    per-path allowlist is `moat run`'s, which brokers connect())."""
    tmp = work + "/tmp3"
    os.makedirs(tmp)
    stop = threading.Event()
    threads = [threading.Thread(target=serve, args=(tmp + "/" + n, stop)) for n in ("docker.sock", "allowed.sock")]
    for t in threads:
        t.start()
    journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # a datagram service, like journald
    journal.bind(tmp + "/journal.sock")
    journal.setblocking(False)
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(1)
    defines = ["--define", "HOME=" + work, "--define", "CWD=" + work, "--define", "TMPDIR=" + tmp]

    def received():
        got = []
        while True:
            try:
                got.append(journal.recv(64).decode())
            except BlockingIOError:
                return got
    try:
        while not all(os.path.exists(tmp + "/" + n) for n in ("docker.sock", "allowed.sock")):
            pass
        some = """policy "sockets" {
  allow unix-socket "$TMPDIR/allowed.sock";
  allow connect "127.0.0.1";
}
"""
        ops = [["connect_unix", tmp + "/docker.sock"], ["connect_unix", tmp + "/allowed.sock"],
               ["connect_tcp", str(tcp.getsockname()[1])], ["dgram_pair_sendto", tmp + "/journal.sock", "filtered"]]
        plain = sandbox(moat, work, some, defines, ops)
        plain_got = received()
        filtered = sandbox(moat, work, some, defines, ops, seccomp=True)
        filtered_got = received()
        warnings = sandbox.warnings
        every = """policy "all-sockets" {
  set allow-all-unix-sockets = true;
}
"""
        open_all = sandbox(moat, work, every, defines, ops[:2], seccomp=True)
    finally:
        stop.set()
        for t in threads:
            t.join()
        tcp.close()
        journal.close()
    check(plain[0] == "hello" and plain[3] is True and plain_got == ["filtered"],
          "bwrap alone mounts nothing over socket files: without seccomp they are reachable")
    check(refused(filtered[0]), "with the seccomp filter a unix socket the policy does not allow is refused")
    check(refused(filtered[1]) and "enforced by `moat run`" in warnings and "refuses every unix socket" in warnings,
          "so is the allowed one: the standalone filter is stricter, and says so")
    check(refused(filtered[3]) and filtered_got == [], "an unnamed datagram pair cannot send to a socket path")
    check(refused(plain[2]) and refused(filtered[2]),
          "the network is unshared: even an allowed host is unreachable (reported tightening)")
    check(open_all[0] == "hello" and open_all[1] == "hello", "with allow-all-unix-sockets every socket is reachable")


def main():
    moat = sys.argv[1]
    work = tempfile.mkdtemp(prefix="moat-bwrap-escapes-")
    try:
        scenario_write_root(moat, work)
        scenario_home_writable(moat, work)
        scenario_linked_dotfile(moat, work)
        scenario_sockets_and_network(moat, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d checks, %d failed" % (checks, len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
