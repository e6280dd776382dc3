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

Every policy's tree also holds moat's built-in protected names (read from
the built-in list, --protections), at the top of the home and launch
directories and nested in the launch directory at depth 1 and depth 4, each
one existing, missing with its parent directory there, or missing
altogether. The probe modifies the existing ones (append, and replace by
rename) and creates the missing ones (with their parent directories). Where
moat query denies the write, the plan promises (docs/backends.md, "What the
plan promises") that the host shows no change:
  * at the top of ~ and of the launch directory, always;
  * elsewhere, for a path that existed, or whose parent directory existed
    (an existing .git, .claude, .ssh or .config), at build time.
A denied write elsewhere (a new sub/.bashrc, anything under a directory the
probe made) is counted as left to moat run's sweep at exit, never failed.

Usage: differential.py MOAT --protections FILE [--policies N] [--seed S]
A failure prints the seed; rerun with --seed S --policies 1 to reproduce.
"""
import argparse
import json
import os
import random
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
        elif kind == "create_p":  # with the missing parent directories
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "xb") as f:
                f.write(data.encode())
            out.append(True)
        elif kind == "replace":  # a new file renamed over the path
            tmp = os.path.join(os.path.dirname(path), ".moat-replace-" + os.path.basename(path))
            with open(tmp, "wb") as f:
                f.write(data.encode())
            os.replace(tmp, path)
            out.append(True)
    except OSError as e:
        out.append({"errno": e.errno})
json.dump(out, sys.stdout)
"""

NAMES = ["a", "b", "c", ".git", "hooks", "config", ".bashrc", ".ssh", "k.pem", ".vscode", "secret", "d"]
RUNTIME = ["/usr", "/lib", "/lib64", "/bin"]  # what python3 needs when reads default to deny


# Names that are directories when they exist (the bwrap target's
# directoryName): their placeholder is a directory, and what is created or
# changed is a file inside.
DIRECTORY_NAMES = {".vscode", ".idea", "hooks", "commands", "agents", "fish", "git"}


class Failure(Exception):
    pass


def builtin_names(path):
    """The built-in protections as paths relative to where they apply:
    `/**/.claude/settings.json` -> `.claude/settings.json`; a `**` inside
    (`/**/.git/modules/**/hooks`) stands for one directory, `m`."""
    names = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            pattern = line.split()[0]
            if not pattern.startswith("/**/"):
                raise Failure("unexpected built-in protection shape: " + pattern)
            names.append(pattern[len("/**/"):].replace("/**/", "/m/"))
    return names


def make_protected(rng, root, tree, names):
    """Puts the built-in names at the top of ~ and $CWD and at depth 1 and 4
    below $CWD, each existing, with only its parent, or missing. Returns
    [(path, top, name)], leaving out names whose first component the random
    tree already has there (its own operations cover those)."""
    places = [(root + "/h", True), (root + "/h/p", True), (root + "/h/p/sub", False),
              (root + "/h/p/d1/d2/d3/d4", False)]
    os.makedirs(root + "/h/p/sub")
    os.makedirs(root + "/h/p/d1/d2/d3/d4")
    out = []
    for place, top in places:
        for name in names:
            path = place + "/" + name
            if place + "/" + name.split("/")[0] in tree:
                continue
            state = rng.choice(["exists", "parent", "missing"])
            if state == "exists":
                if os.path.basename(name) in DIRECTORY_NAMES:
                    os.makedirs(path, exist_ok=True)
                    with open(path + "/inner", "w") as f:
                        f.write("tok-%08x" % rng.getrandbits(32))
                elif not os.path.isdir(path):
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "w") as f:
                        f.write("tok-%08x" % rng.getrandbits(32))
            elif state == "parent" and "/" in name:
                os.makedirs(os.path.dirname(path), exist_ok=True)
            out.append((path, top, name))
    return out


def protected_ops(layout, n0):
    """The probe's writes to the protected layout, judged on the disk as it
    is now (after the whole layout exists): [(op, promised, judge)] where
    judge() tells on the host whether the write took effect."""
    ops = []
    for n, (path, top, name) in enumerate(layout, n0):
        # A fixed name with a parent (`.claude/settings.json`) is anchored by
        # an existing parent directory; a plain name (`.bashrc`) only at the
        # top; a name with `**` inside (`.git/modules/m/hooks`) only where it
        # exists.
        fixed = "/m/" not in name
        anchored = fixed and "/" in name and os.path.isdir(os.path.dirname(path))
        if os.path.isdir(path):
            targets = [("append", path + "/inner"), ("create", path + "/moat-new")]
        elif os.path.isfile(path):
            targets = [("append", path), ("replace", path)]
        elif os.path.basename(path) in DIRECTORY_NAMES:
            targets = [("create_p", path + "/moat-new")]
        else:
            targets = [("create_p", path)]
        for kind, target in targets:
            existed = os.path.lexists(target)
            before = open(target).read() if existed else None
            data = "moat-%d" % n

            def judge(target=target, before=before, data=data):
                if before is not None:
                    with open(target) as f:
                        return f.read() != before
                if not os.path.isfile(target):
                    return False
                with open(target) as f:
                    return f.read() == data
            promised = (top and fixed) or existed or anchored or os.path.lexists(path)
            ops.append(([kind, target, data], promised, judge))
    return ops


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


def build_and_launch(moat, work, build_args, ops, tree):
    """Builds the arguments and runs the probe right away (the plan mounts
    nothing outside the policy's own trees, so nothing on the machine can
    vanish in between). Returns the report, the probe and the directory
    listings taken right before the launch."""
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
    if probe.returncode != 0:
        raise Failure("bwrap or the probe failed (%d): %s" % (probe.returncode, probe.stderr.decode()))
    return report, probe, before


def covered(report, path, access):
    for t in report["tightened"]:
        if t["access"] == access and (t["path"] == path or (t["scope"] == "subtree" and path.startswith(t["path"].rstrip("/") + "/"))):
            return True
    return False


def one_policy(moat, names, seed, stats):
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="moat-bwrap-diff-")
    try:
        root = work + "/r"
        os.mkdir(root)
        tree = make_tree(rng, root)
        policy, glob_lines = make_policy(rng, root, tree)
        layout = make_protected(rng, root, tree, names)
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
        protected = protected_ops(layout, len(ops))
        first_protected = len(ops)
        for op, _, _ in protected:
            ops.append(op)
            queries.append("write " + op[1])
        batch = work + "/queries"
        with open(batch, "w") as f:
            f.write("\n".join(queries) + "\n")
        asked = run([moat, "query", "--batch=" + batch] + defines + [policy_path])
        if asked.returncode != 0:
            raise Failure("moat query failed: %s" % asked.stderr.decode())
        answers = asked.stdout.decode().splitlines()
        if len(answers) != len(ops):
            raise Failure("moat query gave %d answers for %d queries" % (len(answers), len(ops)))

        report, probe, before = build_and_launch(moat, work, defines + [policy_path], ops, tree)
        placeholders = set(report["placeholders"])
        mount_points = set()
        args = report["args"]
        for i, a in enumerate(args):
            if a in ("--bind", "--ro-bind", "--symlink"):
                mount_points.add(args[i + 2])
            elif a in ("--tmpfs", "--dev", "--proc"):
                mount_points.add(args[i + 1])
        results = json.loads(probe.stdout)

        for (op, promised, judge), answer, result in zip(protected, answers[first_protected:],
                                                         results[first_protected:]):
            kind, path = op[0], op[1]
            allowed = answer.startswith("allow ")
            got = judge()
            stats["protected_probes"] += 1
            if got and not allowed:
                if promised:
                    raise Failure("the sandbox could %s the protected %s but the policy denies it (%s); probe: %s"
                                  % (kind, path, answer, result))
                stats["left_to_sweep"] += 1
            elif not allowed:
                stats["protected_refused"] += 1 if promised else 0
            elif not got and not covered(report, path, "write"):
                raise Failure("%s %s is refused without a reported tightening (%s); probe: %s" % (kind, path, answer, result))
        ops, answers, results = ops[:first_protected], answers[:first_protected], results[:first_protected]

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
                result = {"listed": listing, "expected": expected}
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
                    raise Failure("%s %s is refused without a reported tightening (%s); probe: %s" % (kind, path, answer, result))
                stats["tightened"] += 1
        stats["policies"] += 1
    except Exception as e:  # any failure names the seed that reproduces it
        raise Failure("seed %d: %s: %s\n--- policy ---\n%s" % (seed, type(e).__name__, e, locals().get("policy", "")))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("moat")
    ap.add_argument("--protections", required=True, help="compiler/sema/builtin-protections.txt")
    ap.add_argument("--policies", type=int, default=200)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("MOAT_BWRAP_DIFF_SEED", "1")))
    a = ap.parse_args()
    stats = {"policies": 0, "probes": 0, "tightened": 0, "glob_limited": 0, "protected_probes": 0,
             "protected_refused": 0, "left_to_sweep": 0}
    try:
        names = builtin_names(a.protections)
        for i in range(a.policies):
            one_policy(a.moat, names, a.seed + i, stats)
    except Failure as e:
        print("FAIL:", e)
        sys.exit(1)
    print("bwrap differential: %(policies)d policies, %(probes)d probes, %(tightened)d reported tightenings, "
          "%(glob_limited)d new paths decided by globs" % stats)
    print("built-in protected paths: %(protected_probes)d writes tried, %(protected_refused)d denied and promised "
          "refused, %(left_to_sweep)d denied but left to moat run's sweep" % stats)


if __name__ == "__main__":
    main()
