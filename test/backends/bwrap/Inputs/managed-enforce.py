#!/usr/bin/env python3
"""A managed deny that a project tries to lift, enforced by real bubblewrap.

In a scratch home: the managed policy hides ~/.ssh and forbids writing
~/.local/bin; the project lifts the key with an `always allow` and allows
~/.local/bin. Built alone the project opens both (the control: the attempt is
real); built with --managed both stay closed inside bwrap, checked from the
host too; with --strict the build refuses and writes nothing.

Usage: managed-enforce.py MOAT   (one line per check; exits 1 on a failure)
"""
import json
import os
import subprocess
import sys
import tempfile

MANAGED = """policy "acme" {
  deny read "~/.ssh";
  forbid write "~/.local/bin" because "it is on $PATH";
}
"""
PROJECT = """policy "tool" {
  allow write "$CWD";
  always allow read "~/.ssh/id_rsa" because "deploy key";
  allow write "~/.local/bin";
}
"""
# Runs inside the sandbox: each operation's result or errno, as JSON.
PROBE = r"""
import json, sys
out = []
for kind, path in json.load(sys.stdin):
    try:
        if kind == "read":
            with open(path) as f:
                out.append(f.read())
        else:
            with open(path, "x") as f:
                f.write("EVIL")
            out.append(True)
    except OSError as e:
        out.append({"errno": e.errno})
json.dump(out, sys.stdout)
"""

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def build(moat, work, extra):
    home = work + "/home"
    cmd = [moat, "build", "--target=bwrap", "-o", work + "/args", "--define", "HOME=" + home,
           "--define", "CWD=" + home + "/proj", "--define", "TMPDIR=" + work + "/tmp"] + extra + [work + "/project.moat"]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def probe(work, ops):
    fd = os.open(work + "/args", os.O_RDONLY)
    try:
        r = subprocess.run(["bwrap", "--args", str(fd), "--", "/usr/bin/python3", "-I", "-S", "-c", PROBE],
                           input=json.dumps(ops).encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           pass_fds=(fd,), cwd="/", timeout=60)
    finally:
        os.close(fd)
    if r.returncode != 0:
        raise SystemExit("bwrap failed (%d): %s" % (r.returncode, r.stderr.decode()))
    return json.loads(r.stdout)


def main():
    moat = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        home = work + "/home"
        for d in (home + "/.ssh", home + "/.local/bin", home + "/proj", work + "/tmp"):
            os.makedirs(d)
        with open(home + "/.ssh/id_rsa", "w") as f:
            f.write("KEY")
        for name, text in (("managed.moat", MANAGED), ("project.moat", PROJECT)):
            with open(work + "/" + name, "w") as f:
                f.write(text)
        ops = [["read", home + "/.ssh/id_rsa"], ["create", home + "/.local/bin/ls"], ["create", home + "/proj/out"]]

        alone = build(moat, work, [])
        check(alone.returncode == 0, "the project alone builds")
        r = probe(work, ops)
        check(r[0] == "KEY", "control: alone, the project lifts the hidden key")
        check(r[1] is True and os.path.exists(home + "/.local/bin/ls"), "control: alone, ~/.local/bin is writable")
        for p in (home + "/.local/bin/ls", home + "/proj/out"):
            if os.path.exists(p):
                os.unlink(p)

        managed = build(moat, work, ["--managed=" + work + "/managed.moat"])
        err = managed.stderr.decode()
        check(managed.returncode == 0, "with the managed policy it builds")
        check(err.count("[managed-violation]") >= 3 and "it is dropped" in err, "the dropped rules are reported")
        r = probe(work, ops)
        check(isinstance(r[0], dict), "managed: the key stays hidden inside bwrap")
        check(isinstance(r[1], dict) and not os.path.exists(home + "/.local/bin/ls"),
              "managed: nothing is created in ~/.local/bin (checked on the host)")
        check(r[2] is True and os.path.exists(home + "/proj/out"), "managed: the launch directory stays writable")

        os.unlink(work + "/args")
        strict = build(moat, work, ["--managed=" + work + "/managed.moat", "--strict"])
        check(strict.returncode == 2 and not os.path.exists(work + "/args"), "--strict refuses and writes nothing")
    print("%d failed" % len(failures))
    sys.exit(1 if failures else 0)


main()
