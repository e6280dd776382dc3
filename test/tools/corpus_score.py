#!/usr/bin/env python3
"""Scores `moat check` against the hand-written ground truth of test/corpus.

For every corpus settings file FILE.json there is a sidecar FILE.expected
listing the findings a correct checker reports (test/corpus/README.md defines
the format, how a finding's subject is read from `moat check --format=json`
and how matching works). This script runs moat on each file, matches findings
to expected lines, prints every mismatch and the totals: expected findings,
true positives, false negatives, false positives, recall and precision.

Exit status: 0 when every expected line is found and every reported subject
is expected, apart from the entries of known-gaps.txt (printed separately);
1 on any other disagreement, including a known gap that no longer occurs;
2 on a usage or corpus format error.
"""

import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
SRC_ROOT = os.path.normpath(os.path.join(SCRIPT_DIR, "..", ".."))

# The canonical model the lint rules use (docs/rules/README.md).
MODEL_DEFINES = ["HOME=/home/user", "CWD=/home/user/project", "TMPDIR=/tmp"]
INFINITE = -1  # "and every other such path": no count given

# Rules whose findings fold several knowledge entries into one message, and
# where their entries come from. Only these can leave subjects unnamed
# ("and N others"); the scorer resolves such subjects against the same
# knowledge and the evaluator (moat query).
PATH_RULES = {
    "write-shell-startup": (["shell-startup.txt"], "write"),
    "write-path-dir": (["path-dirs.txt"], "write"),
    "write-git-exec": (["git-exec.txt"], "write"),
    "write-agent-config": (["agent-config.txt"], "write"),
    "write-policy-self": (["policy-files.txt"], "write"),
    "write-autostart": (["autostart.txt"], "write"),
    "read-secrets": (["secrets.txt"], "read"),
}
HOST_RULES = {
    "net-exfil-domain": "exfil-domains.txt",
    "net-metadata-endpoint": "metadata-endpoints.txt",
    "net-fronting-domain": "fronting-domains.txt",
}
SOCKET_RULES = {
    "unix-socket-container-runtime": "container-sockets.txt",
    "unix-socket-sensitive": "session-sockets.txt",
}


class CorpusError(Exception):
    pass


# ---------------------------------------------------------------- subjects

def norm_subject(s):
    """Spellings of one subject that mean the same: a trailing '/', $HOME/ for
    ~/, an IPv6 literal with or without its brackets."""
    s = s.strip()
    if s.startswith("$HOME/"):
        s = "~/" + s[len("$HOME/"):]
    if len(s) > 1 and s.endswith("/"):
        s = s[:-1]
    if s.startswith("[") and s.endswith("]"):
        s = s[1:-1]
    return s


FOLD_RE = re.compile(
    r"; so (?:is|are|do)(?: (\d+) more:)? ((?:'[^']*'(?:, )?)+)(?: and (\d+) others?)?")


# Rules whose message starts with the runtime's name ("srt hides 'X' ...");
# their subject is the first quoted name.
FIRST_QUOTE_RULES = {"runtime-mechanics"}


def finding_subjects(message, rule=""):
    """(names, unnamed) of one finding: the subjects its message names and
    how many more it folds in without naming (INFINITE for "every other")."""
    m = re.match(r"(?:unix socket )?'([^']*)'", message)
    if m:
        primary = m.group(1)
    elif rule in FIRST_QUOTE_RULES and re.search(r"'([^']*)'", message):
        # "srt hides '$CWD/.env' on Linux ...": the entry the runtime
        # enforces differently is the first quoted one.
        primary = re.search(r"'([^']*)'", message).group(1)
    elif message.startswith("only the network is confined"):
        primary = "filesystem"  # the half that is open
    elif message.startswith("only the filesystem is confined"):
        primary = "network"
    else:
        primary = message.split()[0] if message.split() else ""
    names = [primary]
    unnamed = 0
    if m and message[m.end():].startswith(" and every other such path"):
        unnamed = INFINITE
    fold = FOLD_RE.search(message)
    if fold:
        names += re.findall(r"'([^']*)'", fold.group(2))
        if fold.group(3):
            unnamed = int(fold.group(3))
    return [norm_subject(n) for n in names], unnamed


def subject_matches(expected, reported):
    """An expected `*.example.com` stands for any name under example.com
    (the checker names one made-up instance, such as bucket.s3.amazonaws.com)."""
    if expected == reported:
        return True
    if expected.startswith("*."):
        return reported.endswith(expected[1:])
    return False


# --------------------------------------------------------------- knowledge

def data_lines(name):
    path = os.path.join(SRC_ROOT, "lint", "data", name)
    with open(path, encoding="utf-8") as f:
        for raw in f:  # as scripts/embed_lines.py reads them
            line = raw.split("#", 1)[0].strip()
            if line:
                yield line


def parse_path_entry(line):
    head = line.split("|", 1)[0].strip()
    if head.startswith('"'):
        end = head.index('"', 1)
        path, tags = head[1:end], head[end + 1:].split()
    else:
        words = head.split()
        path, tags = words[0], words[1:]
    entry = {"path": path.rstrip("/") if len(path) > 1 else path,
             "directory": path.endswith("/"), "platforms": ["linux", "macos"],
             "project": False, "probes": []}
    for t in tags:
        if t in ("linux", "macos"):
            entry["platforms"] = [t]
        elif t == "project":
            entry["project"] = True
        elif t.startswith("probe="):
            entry["probes"].append(t[len("probe="):])
    if entry["directory"] and not entry["probes"]:
        entry["probes"] = ["*"]
    return entry


def instantiate(glob):
    """A name one glob component matches, as lint/Context.cpp instantiates it."""
    if "[" in glob:
        return None
    return glob.replace("*", "x").replace("?", "x")


def knowledge_path_entries(rule):
    files, _ = PATH_RULES[rule]
    return [parse_path_entry(l) for f in files for l in data_lines(f)]


def knowledge_hosts(rule):
    out = []
    for line in data_lines(HOST_RULES[rule]):
        head = line.split("|", 1)[0].strip()
        out.append(head)
    return out


def host_display(head):
    """How a host entry appears in a finding: a made-up first label
    'moat-probe.' stands for '*.'; port 443 is left out."""
    host, port = head, "443"
    m = re.match(r"^(\[[^\]]*\]|[^:]+)(?::(\d+))?$", head)
    if m:
        host, port = m.group(1), m.group(2) or "443"
    if host.startswith("moat-probe."):
        host = "*." + host[len("moat-probe."):]
    return norm_subject(host if port == "443" else f"{host}:{port}")


MAC_PATH_RE = re.compile(r"^(?:/Users|/private|/Library|~/Library)(?:/|$)")


def judged_by(path, runtime):
    """(runtime, platform) `moat check` judges a settings file by
    (docs/semantics.md, "Runtimes"): RUNTIME when given, else the file's own
    kind (top-level `network` and `filesystem`: srt; another JSON settings
    file: claude), on one platform: macOS for a file written for it (a path
    under /Users, /private, /Library or ~/Library, or `enabledPlatforms`
    naming macOS and not Linux), else Linux. moat's semantics ask both
    platforms (platform None)."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        doc = None
    if runtime is None:
        srt = isinstance(doc, dict) and "network" in doc and "filesystem" in doc
        runtime = "srt" if srt else "claude"
    if runtime == "moat":
        return runtime, None
    enabled = None
    if isinstance(doc, dict) and isinstance(doc.get("sandbox"), dict):
        enabled = doc["sandbox"].get("enabledPlatforms")
    if isinstance(enabled, list):
        if "macos" in enabled and not ({"linux", "wsl"} & set(enabled)):
            return runtime, "macos"
        if {"linux", "wsl"} & set(enabled):
            return runtime, "linux"

    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for n in node:
                yield from strings(n)
        elif isinstance(node, dict):
            for k, v in node.items():
                if k not in ("enabledPlatforms",):
                    yield from strings(v)
    # Where moat reads filesystem and socket rules from (compiler/sema/
    # RuntimeSemantics.cpp, writtenForPlatform, asks those rules).
    places = []
    if isinstance(doc, dict):
        sandbox = doc.get("sandbox") if isinstance(doc.get("sandbox"), dict) else doc
        network = sandbox.get("network") if isinstance(sandbox.get("network"), dict) else {}
        places = [sandbox.get("filesystem"), network.get("allowUnixSockets"), doc.get("permissions")]
    for text in strings(places):
        inner = re.match(r"^\w+\((.*)\)$", text)  # a permission rule: Edit(~/Library/x)
        if MAC_PATH_RE.match(inner.group(1) if inner else text):
            return runtime, "macos"
    return runtime, "linux"


class Evaluator:
    """Asks `moat query --batch` about concrete paths and hosts in the
    canonical model, per platform, with a cache, with the semantics `moat
    check` judged the file by: a runtime's on its one platform, moat's on
    both."""

    def __init__(self, moat, policy, runtime=None, platform=None):
        self.moat, self.policy, self.cache = moat, policy, {}
        self.runtime, self.platform = runtime, platform

    def allowed(self, queries, platforms):
        if self.platform is not None:
            platforms = [p for p in platforms if p == self.platform]
        todo = [(q, p) for q in queries for p in platforms if (q, p) not in self.cache]
        for platform in platforms:
            batch = [q for (q, p) in todo if p == platform]
            if not batch:
                continue
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
                f.write("\n".join(batch) + "\n")
                name = f.name
            try:
                cmd = [self.moat, "query", f"--platform={platform}", f"--batch={name}"]
                if self.runtime is not None:
                    cmd.append(f"--runtime={self.runtime}")
                for d in MODEL_DEFINES:
                    cmd += ["--define", d]
                cmd.append(self.policy)
                r = subprocess.run(cmd, capture_output=True, text=True)
            finally:
                os.unlink(name)
            answers = r.stdout.splitlines()
            if r.returncode != 0 or len(answers) != len(batch):
                raise CorpusError(f"moat query failed on {self.policy}: {r.stderr.strip()}")
            for q, a in zip(batch, answers):
                self.cache[(q, platform)] = a.split()[0] in ("allow", "ask")
        return any(self.cache[(q, p)] for q in queries for p in platforms)


def overflow_candidate(rule, subject, evaluator):
    """Whether `subject` is one of the knowledge entries of `rule` that the
    policy opens: then a finding that folds in unnamed entries covers it."""
    if rule in PATH_RULES:
        access = PATH_RULES[rule][1]
        for e in knowledge_path_entries(rule):
            if norm_subject(e["path"]) != subject:
                continue
            if e["project"] and evaluator.allowed(["write $CWD/moat-corpus-probe"], ["linux", "macos"]):
                return False  # lint skips project entries when the project is writable
            if not e["directory"]:
                return evaluator.allowed([f"{access} {e['path']}"], e["platforms"])
            names = []
            if rule == "write-path-dir":  # command names, where the entry's globs accept them
                names += [n for n in data_lines("path-commands.txt")
                          if any(fnmatch.fnmatchcase(n, g) for g in e["probes"])]
            names += [n for n in (instantiate(g) for g in e["probes"]) if n]
            return evaluator.allowed([f"{access} {e['path']}/{n}" for n in names], e["platforms"])
        return False
    if rule in HOST_RULES:
        for head in knowledge_hosts(rule):
            if subject_matches(subject, host_display(head)):
                return evaluator.allowed([f"connect {head}"], ["linux", "macos"])
        return False
    if rule in SOCKET_RULES:
        # moat query has no socket question: knowing the socket is enough,
        # given a finding of this rule that folds in unnamed sockets.
        return any(norm_subject(parse_path_entry(l)["path"]) == subject
                   for l in data_lines(SOCKET_RULES[rule]))
    return False


# -------------------------------------------------------------- the corpus

def lint_rule_ids():
    """Rule ids: every documented rule and every registered one (a rule
    registered before its page is written still counts)."""
    docs = os.path.join(SRC_ROOT, "docs", "rules")
    ids = {f[:-3] for f in os.listdir(docs) if f.endswith(".md") and f != "README.md"}
    with open(os.path.join(SRC_ROOT, "lint", "Registry.cpp"), encoding="utf-8") as f:
        ids |= set(re.findall(r'\{"([a-z0-9-]+)",', f.read()))
    return ids


def diag_kind_ids():
    """Ids of the front end's diagnostics (compiler/diagnostics/DiagnosticKinds.def)."""
    path = os.path.join(SRC_ROOT, "compiler", "diagnostics", "DiagnosticKinds.def")
    with open(path, encoding="utf-8") as f:
        return set(re.findall(r'^DIAG\(\w+,\s*\w+,\s*"([^"]+)"', f.read(), re.M))


def read_expected(path, ids, include_dir, seen=()):
    """The expected lines of one sidecar; `include NAME` reads the lines of
    INCLUDE_DIR/NAME.expected there (the findings a shape of policy draws in
    every file that has it, justified once)."""
    expected, error_ids = [], []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            rule, _, subject = line.partition(" ")
            if rule == "include":
                name = subject.strip()
                part = os.path.join(include_dir, name + ".expected")
                if not re.fullmatch(r"[A-Za-z0-9._-]+", name) or not os.path.exists(part):
                    raise CorpusError(f"{path}:{n}: no include file {name}.expected in {include_dir}")
                if part in seen:
                    raise CorpusError(f"{path}:{n}: {name}.expected includes itself")
                more, more_errors = read_expected(part, ids, include_dir, seen + (part,))
                expected += more
                error_ids += more_errors
                continue
            if rule == "expected-error":
                if not subject:
                    raise CorpusError(f"{path}:{n}: expected-error needs a diagnostic id")
                error_ids.append(subject.strip())
                continue
            if rule not in ids:
                raise CorpusError(f"{path}:{n}: unknown rule or diagnostic id '{rule}'")
            expected.append((rule, norm_subject(subject) if subject.strip() else None))
    if error_ids and expected:
        raise CorpusError(f"{path}: an expected-error file lists no findings")
    return expected, error_ids


def read_known_gaps(path):
    """Lines `miss FILE RULE SUBJECT | reason` (a false negative) or
    `false-alarm FILE RULE SUBJECT | reason` (a false positive)."""
    gaps = {}
    if not os.path.exists(path):
        return gaps
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            head, bar, reason = line.partition("|")
            parts = head.split(None, 3)
            if not bar or not reason.strip() or len(parts) != 4 or parts[0] not in ("miss", "false-alarm"):
                raise CorpusError(f"{path}:{n}: expected 'miss|false-alarm FILE RULE SUBJECT | reason'")
            kind, file, rule, subject = parts
            gaps[(kind, file, rule, norm_subject(subject))] = reason.strip()
    return gaps


def run_check(moat, path, runtime):
    cmd = [moat, "check", "--format=json"] + ([f"--runtime={runtime}"] if runtime else []) + [path]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        raise CorpusError(f"cannot run {moat}: {e}")
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        raise CorpusError(f"{path}: moat check printed no JSON (exit {r.returncode}): {r.stderr.strip()}")
    return r.returncode, doc.get("diagnostics", [])


def score_file(moat, path, rel, rules, kinds, gaps, totals, include_dir, runtime):
    expected, error_ids = read_expected(path[:-len(".json")] + ".expected", rules | kinds, include_dir)
    expected = list(dict.fromkeys(expected))  # a line repeated (an include and the file) counts once
    status, diags = run_check(moat, path, runtime)
    problems = []  # lines printed for this file when anything disagrees

    errors = [d for d in diags if d["severity"] == "error" and d["id"] not in rules]
    if error_ids:
        totals["error_files"] += 1
        got = sorted({d["id"] for d in errors})
        if status != 2 or sorted(set(error_ids)) != got:
            problems.append(f"  expected input error(s) {sorted(set(error_ids))}, got exit {status} with {got}")
            totals["failures"] += 1
        return problems
    if status == 2 or errors:
        for d in errors:
            problems.append(f"  unexpected input error: {d['line']}:{d['column']}: {d['message']} [{d['id']}]")
        totals["failures"] += 1
        return problems

    # Every warning and error counts: lint findings, and the front end's
    # warnings (duplicate-rule, ignored-setting ...): a clean file is one
    # `moat check` passes.
    findings = []
    for d in diags:
        if d["id"] in rules or d["severity"] in ("warning", "error"):
            names, unnamed = finding_subjects(d["message"], d["id"])
            findings.append({"rule": d["id"], "names": names, "matched": [False] * len(names),
                             "unnamed": unnamed, "used": 0, "loc": f"{d['line']}:{d['column']}",
                             "message": d["message"]})
    evaluator = Evaluator(moat, path, *judged_by(path, runtime))

    for rule, subject in expected:
        totals["expected"] += 1
        per = totals["per_rule"].setdefault(rule, [0, 0, 0, 0])  # expected, TP, FN, FP
        per[0] += 1
        hit = False
        for f in findings:  # every finding that names it (one per platform, say)
            if f["rule"] != rule:
                continue
            for i, name in enumerate(f["names"]):
                if subject is None or subject_matches(subject, name):
                    f["matched"][i] = hit = True
                    break
            if hit and subject is None:
                break
        if not hit and subject is not None:
            for f in findings:
                room = f["unnamed"] == INFINITE or f["used"] < f["unnamed"]
                if f["rule"] == rule and room and overflow_candidate(rule, subject, evaluator):
                    f["used"] += 1
                    hit = True
                    totals["tp_folded"] += 1
                    break
        if hit:
            totals["tp"] += 1
            per[1] += 1
            continue
        per[2] += 1
        key = ("miss", rel, rule, subject or "")
        if key in gaps:
            totals["fn_known"] += 1
            totals["gaps_seen"].add(key)
            problems.append(f"  known gap: missed {rule} {subject}  ({gaps[key]})")
        else:
            totals["fn"] += 1
            problems.append(f"  FALSE NEGATIVE: {rule} {subject}")

    for f in findings:
        for name, matched in zip(f["names"], f["matched"]):
            if matched:
                continue
            totals["per_rule"].setdefault(f["rule"], [0, 0, 0, 0])[3] += 1
            key = ("false-alarm", rel, f["rule"], name)
            if key in gaps:
                totals["fp_known"] += 1
                totals["gaps_seen"].add(key)
                problems.append(f"  known false alarm: {f['rule']} {name}  ({gaps[key]})")
            else:
                totals["fp"] += 1
                problems.append(f"  FALSE POSITIVE: {f['rule']} {name}  at {f['loc']}: {f['message']}")
        if f["unnamed"] != INFINITE and f["used"] < f["unnamed"]:
            extra = f["unnamed"] - f["used"]
            totals["fp"] += extra
            totals["per_rule"].setdefault(f["rule"], [0, 0, 0, 0])[3] += extra
            problems.append(f"  FALSE POSITIVE: {f['rule']}: {extra} unnamed subject(s) folded into "
                            f"the finding at {f['loc']} match no expected line")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--moat", default="moat", help="the moat binary")
    ap.add_argument("--corpus", default=os.path.join(SRC_ROOT, "test", "corpus"))
    ap.add_argument("--known-gaps", default=None, help="default: CORPUS/known-gaps.txt")
    ap.add_argument("--runtime", choices=["moat", "srt", "claude"], default=None,
                    help="judge every file by this runtime (default: each file's own kind, as moat check does)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every file, also those that agree")
    ap.add_argument("--per-rule", action="store_true", help="print expected, TP, FN and FP per rule")
    args = ap.parse_args()

    rules, kinds = lint_rule_ids(), diag_kind_ids()
    corpus = os.path.abspath(args.corpus)
    try:
        gaps = read_known_gaps(args.known_gaps or os.path.join(corpus, "known-gaps.txt"))
        # settings-real/ holds the real-world settings files whose reading (not
        # lint verdicts) test/corpus/settings-real/check_settings_real.py checks.
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs
                       if f.endswith(".json") and os.sep + "settings-real" + os.sep not in d + os.sep)
        if not files:
            raise CorpusError(f"no .json files under {corpus}")
        totals = {"files": 0, "error_files": 0, "expected": 0, "tp": 0, "tp_folded": 0, "fn": 0, "fn_known": 0,
                  "fp": 0, "fp_known": 0, "failures": 0, "gaps_seen": set(),
                  "per_rule": {}}
        for path in files:
            rel = os.path.relpath(path, corpus)
            if not os.path.exists(path[:-len(".json")] + ".expected"):
                raise CorpusError(f"{rel}: no sidecar {os.path.basename(path)[:-5]}.expected")
            totals["files"] += 1
            problems = score_file(args.moat, path, rel, rules, kinds, gaps, totals,
                                  os.path.join(corpus, "include"), args.runtime)
            if problems or args.verbose:
                print(f"{rel}:{' ok' if not problems else ''}")
                for p in problems:
                    print(p)
    except CorpusError as e:
        print(f"corpus_score: error: {e}", file=sys.stderr)
        return 2

    stale = sorted(set(gaps) - totals["gaps_seen"])
    for kind, file, rule, subject in stale:
        print(f"STALE known gap (it no longer occurs; remove it): {kind} {file} {rule} {subject}")
    t = totals
    if args.per_rule:
        print(f"{'rule':32} {'expected':>8} {'TP':>5} {'FN':>5} {'FP':>5}")
        for rule, (e, tp, fn, fp) in sorted(t["per_rule"].items(), key=lambda kv: -kv[1][0]):
            print(f"{rule:32} {e:8} {tp:5} {fn:5} {fp:5}")
    fn_all = t["fn"] + t["fn_known"]
    fp_all = t["fp"] + t["fp_known"]
    recall = 100.0 * t["tp"] / t["expected"] if t["expected"] else 100.0
    precision = 100.0 * t["tp"] / (t["tp"] + fp_all) if t["tp"] + fp_all else 100.0
    print(f"corpus: {t['files']} files ({t['error_files']} expected input errors), "
          f"{t['expected']} expected findings ({t['tp_folded']} of them matched among the "
          f"unnamed subjects of a folded finding, confirmed by moat query)")
    print(f"score: TP {t['tp']}, FN {fn_all} ({t['fn_known']} known gaps), "
          f"FP {fp_all} ({t['fp_known']} known false alarms), "
          f"recall {recall:.1f}%, precision {precision:.1f}%")
    ok = t["fn"] == 0 and t["fp"] == 0 and t["failures"] == 0 and not stale
    print("result: " + ("agrees with the ground truth" if ok else
                        f"DISAGREES: {t['fn']} unexplained FN, {t['fp']} unexplained FP, "
                        f"{t['failures']} file failures, {len(stale)} stale gaps"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
