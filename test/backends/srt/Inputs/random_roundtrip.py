"""Seeded random policies through `moat build` and back through `moat diff`.

usage: random_roundtrip.py WORKDIR SEED COUNT TARGET...

For each of COUNT policies (policy i uses seed SEED+i) and each TARGET, runs
  moat build --target=TARGET --define TMPDIR=/tmp POLICY -o OUT
  moat diff --fail-on-loosen POLICY OUT
and fails, printing the seed and the policy, when a build errs or a diff
finds anything looser. Policies that do not load (random rules can
contradict each other) are skipped and do not count.
"""
import os
import random
import subprocess
import sys

ROOTS = ["~", "$CWD", "", "$TMPDIR", "$work", "$CWD", "~"]
NAMES = ["a", "b", ".env", ".ssh", "x", ".git", "hooks", ".bashrc", "build"]
GLOBS = ["*", "*.pem", "**", "?", "a*"]
HOSTS = ["example.com", "a.example.com", "*.example.com", "localhost", "intranet",
         "10.0.0.0/8", "10.1.2.3", "[::1]", "*", "[fd00::]/8", "*.co.uk", "*.com"]
PORTS = ["", "", ":443", ":8000-8010", ":1-1024"]


def path(rng):
    out = rng.choice(ROOTS)
    literal = True
    for _ in range(rng.randrange(4)):
        if rng.randrange(5) == 0:
            out += "/" + rng.choice(GLOBS)
            literal = False
        else:
            out += "/" + rng.choice(NAMES)
    return (out or "/"), literal


def wrap(rng, rule):
    k = rng.randrange(6)
    if k == 0:
        return "  on linux { %s }\n" % rule
    if k == 1:
        return "  on macos { %s }\n" % rule
    return "  %s\n" % rule


def policy(seed):
    rng = random.Random(seed)
    out = 'policy "random" {\n  let work = "%s";\n' % rng.choice(["$CWD/sub", "/srv/work"])
    out += "  default read %s;\n" % ("allow" if rng.randrange(4) else "deny")
    out += "  default write %s;\n" % ("deny" if rng.randrange(8) else "allow")
    out += "  default connect %s;\n" % rng.choice(["deny", "deny", "ask", "allow"])
    for _ in range(2 + rng.randrange(10)):
        p, literal = path(rng)
        always = rng.randrange(6) == 0
        allow = rng.randrange(2) == 0
        rule = ("always " if always else "") + ("allow " if allow else "deny ")
        rule += rng.choice(["read", "write", "read, write"]) + " "
        if literal and rng.randrange(4) == 0:
            rule += "file "
        rule += '"%s"' % p
        if always and allow:
            rule += ' because "test"'
        out += wrap(rng, rule + ";")
    for _ in range(rng.randrange(6)):
        rule = '%s connect "%s%s";' % (rng.choice(["allow", "deny"]), rng.choice(HOSTS),
                                       rng.choice(PORTS))
        out += wrap(rng, rule)
    for _ in range(rng.randrange(3)):
        rule = '%s unix-socket "%s";' % (rng.choice(["allow", "allow", "deny"]),
                                         rng.choice(["/run/a.sock", "/run", "~/.s/agent.sock"]))
        out += wrap(rng, rule)
    if rng.randrange(6) == 0:
        out += "  set allow-all-unix-sockets = true;\n"
    if rng.randrange(8) == 0:
        out += "  set allow-git-config = true;\n"
    return out + "}\n"


def main():
    workdir, seed, count, targets = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3]), sys.argv[4:]
    os.makedirs(workdir, exist_ok=True)
    done = 0
    i = 0
    while done < count and i < count * 4:
        s = seed + i
        i += 1
        text = policy(s)
        src = os.path.join(workdir, "p%d.moat" % s)
        with open(src, "w") as f:
            f.write(text)
        check = subprocess.run(["moat", "check", "--no-lint", src], capture_output=True, text=True)
        if check.returncode == 2:
            continue  # does not load
        done += 1
        for target in targets:
            out = os.path.join(workdir, "p%d.%s.json" % (s, target))
            build = subprocess.run(["moat", "build", "--target=" + target, "--define", "TMPDIR=/tmp",
                                    src, "-o", out], capture_output=True, text=True)
            diff = None
            if build.returncode == 0:
                diff = subprocess.run(["moat", "diff", "--fail-on-loosen", src, out],
                                      capture_output=True, text=True)
            if build.returncode != 0 or diff.returncode != 0:
                print("FAILED: seed %d target %s\n%s" % (s, target, text))
                print(build.stderr if build.returncode != 0 else diff.stdout + diff.stderr)
                sys.exit(1)
    print("round trips: %d policies x %d targets, none looser" % (done, len(targets)))
    if done < count:
        print("FAILED: only %d of %d random policies loaded" % (done, count))
        sys.exit(1)


main()
