#!/usr/bin/env python3
"""Differential test of the bwrap target against the reference evaluator,
with real bubblewrap.

For each seeded random policy over a fresh scratch tree: build the bwrap
arguments (moat build --format=json), ask moat query for every access, run
one probe inside bwrap that reads, lists, appends to and creates in every
path of the tree, and compare on the host side (did the file change, did
the new file appear; a read must return the secret token written there).

Every outcome must match the evaluator, or be a reported tightening (the
sandbox refuses what the policy allows and the JSON's "tightened" list
covers the path), or, for a path created by the probe that a glob rule
decides, the documented limit of build-time glob expansion ("uncovered").
The sandbox allowing what the policy denies is always a failure.

Usage: differential.py MOAT [--policies N] [--seed S]
A failure prints the seed; rerun with --seed S --policies 1 to reproduce.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

PROBE = r"""
import json, os, sys
ops = json.load(sys.stdin)
out = []
for kind, path, data in ops:
    try:
        if kind == "read":
            with open(path, "rb") as f:
                out.append(f.read().decode("latin-1"))
        elif kind == "list":
            out.append(sorted(os.listdir(path)))
        elif kind == "append":
            with open(path, "ab") as f:
                f.write(data.encode())
            out.append(True)
        elif kind == "create":
            with open(path, "xb") as f:
                f.write(data.encode())
            out.append(True)
    except OSError as e:
        out.append({"errno": e.errno})
json.dump(out, sys.stdout)
"""

NAMES = ["a", "b", "c", ".git", "hooks", "config", ".bashrc", ".ssh", "k.pem", ".vscode", "secret", "d"]
RUNTIME = ["/usr", "/lib", "/lib64", "/bin"]  # what python3 needs when reads default to deny


class Failure(Exception):
    pass


def make_tree(rng, root):
    """A random tree under root/{h,h/p,t,o}; returns {path: token or None for dirs}."""
    tree = {}
    dirs = [root + "/h", root + "/h/p", root + "/t", root + "/o"]
    for d in dirs:
        os.makedirs(d)
        tree[d] = None
    if rng.random() < 0.5:  # a repository with a hook, often
        repo = rng.choice([root + "/h/p", root + "/h/p/r", root + "/t/r"])
        os.makedirs(repo + "/.git/hooks", exist_ok=True)
        for p in (repo, repo + "/.git", repo + "/.git/hooks"):
            tree[p] = None
            if p not in dirs:
                dirs.append(p)
        tree[repo + "/.git/hooks/pre-commit"] = None
    for _ in range(rng.randint(6, 22)):
        parent = rng.choice(dirs)
        if parent.count("/") - root.count("/") > 5:
            continue
        path = parent + "/" + rng.choice(NAMES)
        if path in tree:
            continue
        if rng.random() < 0.4:
            os.mkdir(path)
            tree[path] = None
            dirs.append(path)
        else:
            tree[path] = "file"
    for path, kind in list(tree.items()):
        if kind is None and not os.path.isdir(path):
            kind = "file"
        if kind == "file" or (kind is None and path.endswith("pre-commit")):
            token = "tok-%08x" % rng.getrandbits(32)
            with open(path, "w") as f:
                f.write(token)
            tree[path] = token
    return tree


def spell(rng, path, root):
    """The path written with a root variable sometimes."""
    for var, base in (("$CWD", root + "/h/p"), ("~", root + "/h"), ("$TMPDIR", root + "/t")):
        if (path == base or path.startswith(base + "/")) and rng.random() < 0.5:
            return var + path[len(base):]
    return path


def make_policy(rng, root, tree):
    lines = ['policy "differential" {']
    rules = {}  # line number -> is a glob
    read_deny = rng.random() < 0.25
    lines.append("  default read %s;" % ("deny" if read_deny else "allow"))
    lines.append("  default write deny;")
    if read_deny:
        lines.append("  allow read %s;" % ", ".join('"%s"' % p for p in RUNTIME))
    seen = set()  # two rules for one pattern and access would contradict (an error)
    for path, chance in ((root + "/h/p", 0.5), (root + "/t", 0.4), (root, 0.1)):
        if rng.random() < chance:
            lines.append('  allow write "%s";' % path)
            seen.add((path, False, "write"))
    paths = sorted(tree)
    for _ in range(rng.randint(1, 9)):
        path = rng.choice(paths)
        if rng.random() < 0.25:
            path += "/" + rng.choice(NAMES)
        exact = rng.random() < 0.2
        glob = False
        text = path
        if not exact and rng.random() < 0.25:
            head, last = text.rsplit("/", 1)
            glob = True
            text = rng.choice([head + "/*", head + "/**/" + last, head + "/*" + last[1:], head + "/?" + last[1:]])
        access = rng.choice(["read", "write"])
        effect = rng.choice(["allow", "deny"])
        always = rng.random() < 0.1
        key = (text, exact, access)
        if key in seen:
            continue
        seen.add(key)
        text = spell(rng, text, root)
        line = "  %s%s %s %s\"%s\"%s;" % ("always " if always else "", effect, access, "file " if exact else "",
                                          text, ' because "differential test"' if always else "")
        lines.append(line)
        rules[len(lines)] = glob
    lines.append("}")
    return "\n".join(lines) + "\n", rules


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def build_and_launch(moat, work, build_args, ops, tree, stats):
    """Builds the arguments and runs the probe right away. The arguments are
    a snapshot of the disk: a file outside the scratch tree that vanishes in
    between (a socket of another program in /tmp, hidden by the plan) makes
    bwrap refuse to start. That is retried with a fresh build, at most three
    times; every other failure fails the test. Returns the report, the probe
    and the directory listings taken right before the launch."""
    for attempt in range(4):
        before = {p: (sorted(os.listdir(p)) if tree[p] is None else None) for p in tree}
        built = run([moat, "build", "--target=bwrap", "--format=json"] + build_args)
        if built.returncode != 0:
            raise Failure("moat build failed (%d): %s" % (built.returncode, built.stderr.decode()))
        report = json.loads(built.stdout)
        with open(work + "/args", "wb") as f:
            f.write(b"".join(a.encode() + b"\0" for a in report["args"]))
        fd = os.open(work + "/args", os.O_RDONLY)
        try:
            probe = subprocess.run(["bwrap", "--args", str(fd), "--", "/usr/bin/python3", "-I", "-S", "-c", PROBE],
                                   input=json.dumps(ops).encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   pass_fds=(fd,), cwd="/", timeout=60)
        finally:
            os.close(fd)
        if probe.returncode == 0:
            return report, probe, before
        err = probe.stderr.decode()
        vanished = re.match(r"bwrap: Can't (?:create file|find source path) (?:at )?(/\S+?):", err)
        if not vanished or vanished.group(1).startswith(work + "/") or attempt == 3:
            raise Failure("bwrap or the probe failed (%d): %s" % (probe.returncode, err))
        stats["retries"] += 1
    raise Failure("unreachable")


def covered(report, path, access):
    for t in report["tightened"]:
        if t["access"] == access and (t["path"] == path or (t["scope"] == "subtree" and path.startswith(t["path"].rstrip("/") + "/"))):
            return True
    return False


def one_policy(moat, seed, stats):
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="moat-bwrap-diff-")
    try:
        root = work + "/r"
        os.mkdir(root)
        tree = make_tree(rng, root)
        policy, glob_lines = make_policy(rng, root, tree)
        policy_path = work + "/p.moat"
        with open(policy_path, "w") as f:
            f.write(policy)
        defines = ["--define", "HOME=%s/h" % root, "--define", "CWD=%s/h/p" % root, "--define", "TMPDIR=%s/t" % root]
        # The probe's operations: every read first, then every write.
        ops, queries = [], []
        for path in sorted(tree):
            ops.append(["read" if tree[path] else "list", path, ""])
            queries.append("read " + path)
        for n, path in enumerate(sorted(tree)):
            if tree[path]:
                ops.append(["append", path, "+moat"])
                queries.append("write " + path)
            else:
                new = "%s/moat-new-%d" % (path, n)
                ops.append(["create", new, "new"])
                queries.append("write " + new)
        batch = work + "/queries"
        with open(batch, "w") as f:
            f.write("\n".join(queries) + "\n")
        asked = run([moat, "query", "--batch=" + batch] + defines + [policy_path])
        if asked.returncode != 0:
            raise Failure("moat query failed: %s" % asked.stderr.decode())
        answers = asked.stdout.decode().splitlines()
        if len(answers) != len(ops):
            raise Failure("moat query gave %d answers for %d queries" % (len(answers), len(ops)))

        report, probe, before = build_and_launch(moat, work, defines + [policy_path], ops, tree, stats)
        placeholders = set(report["placeholders"])
        mount_points = set()
        args = report["args"]
        for i, a in enumerate(args):
            if a in ("--bind", "--ro-bind", "--symlink"):
                mount_points.add(args[i + 2])
            elif a in ("--tmpfs", "--dev", "--proc"):
                mount_points.add(args[i + 1])
        results = json.loads(probe.stdout)

        for (kind, path, _), answer, result in zip(ops, answers, results):
            allowed = answer.startswith("allow ")
            why = answer.split("  # ", 1)[1] if "  # " in answer else ""
            access = "read" if kind in ("read", "list") else "write"
            if kind == "read":
                got = result == tree[path]
            elif kind == "list":
                listing = result if isinstance(result, list) else None
                expected = sorted(set(before[path]) | {os.path.basename(p) for p in placeholders if os.path.dirname(p) == path})
                got = listing == expected
                if not allowed and listing is not None:
                    # A hidden directory may show only the mount points made in it.
                    for name in listing:
                        child = path + "/" + name
                        if child not in placeholders and not any(m == child or m.startswith(child + "/") for m in mount_points):
                            raise Failure("the sandbox lists %s in %s, whose reading the policy denies" % (name, path))
                    got = False
            elif kind == "append":
                with open(path) as f:
                    got = f.read() != tree[path]
            else:
                got = os.path.exists(path)
            stats["probes"] += 1
            glob_decided = why.startswith("builtin:") or any(
                glob and (":%d:" % line) in why.split(": ", 1)[0] for line, glob in glob_lines.items())
            if kind == "create" and glob_decided and got != allowed:
                stats["glob_limited"] += 1  # a new path a glob decides: reported per glob rule
                continue
            if got and not allowed:
                raise Failure("the sandbox could %s %s but the policy denies it (%s)" % (kind, path, answer))
            if allowed and not got:
                if not covered(report, path, access):
                    raise Failure("%s %s is refused without a reported tightening (%s)" % (kind, path, answer))
                stats["tightened"] += 1
        stats["policies"] += 1
    except Exception as e:  # any failure names the seed that reproduces it
        raise Failure("seed %d: %s: %s\n--- policy ---\n%s" % (seed, type(e).__name__, e, locals().get("policy", "")))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("moat")
    ap.add_argument("--policies", type=int, default=200)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("MOAT_BWRAP_DIFF_SEED", "1")))
    a = ap.parse_args()
    stats = {"policies": 0, "probes": 0, "tightened": 0, "glob_limited": 0, "retries": 0}
    try:
        for i in range(a.policies):
            one_policy(a.moat, a.seed + i, stats)
    except Failure as e:
        print("FAIL:", e)
        sys.exit(1)
    print("bwrap differential: %(policies)d policies, %(probes)d probes, %(tightened)d reported tightenings, "
          "%(glob_limited)d new paths decided by globs, %(retries)d launches retried" % stats)


if __name__ == "__main__":
    main()
