"""Re-checks a policy printed by `moat log --suggest` with `moat check` and
compares what moat check reports with what the comments announced:
`# would trip ID (SEVERITY): MESSAGE` above a line, `# trips no finding`
above a line, and the header's `moat check also reports, on the rest of
the policy:` list. Prints "announced N, moat check reported N: equal" or
each difference.
Usage: announced_findings.py MOAT POLICY"""
import json
import re
import subprocess
import sys

moat, policy = sys.argv[1], sys.argv[2]
lines = open(policy).read().split("\n")
per_line = []      # (id, severity, message, line)
silent_lines = []  # lines announced with no finding
elsewhere = []     # (id, severity, message)
finding = re.compile(r"^(\S+) \((error|warning|note)\): (.*)$")
pending, pending_none, in_header = [], False, False
for number, text in enumerate(lines, 1):
    stripped = text.strip()
    if stripped == "# moat check also reports, on the rest of the policy:":
        in_header = True
        continue
    if in_header:
        if stripped.startswith("#   "):
            m = finding.match(stripped[4:])
            elsewhere.append((m.group(1), m.group(2), m.group(3)))
            continue
        in_header = False
    if stripped.startswith("# would trip "):
        m = finding.match(stripped[len("# would trip "):])
        pending.append((m.group(1), m.group(2), m.group(3)))
        continue
    if stripped == "# trips no finding":
        pending_none = True
        continue
    if stripped.startswith("#") or not stripped:
        continue
    per_line += [f + (number,) for f in pending]
    if pending_none:
        silent_lines.append(number)
    pending, pending_none = [], False

proc = subprocess.run([moat, "check", "--format=json", policy], capture_output=True, text=True)
if proc.returncode not in (0, 1):
    sys.exit("moat check exited %d: %s" % (proc.returncode, proc.stderr))
reported = [(d["id"], d["severity"], d["message"], d.get("line", 0)) for d in json.loads(proc.stdout)["diagnostics"]]
annotated = {f[3] for f in per_line} | set(silent_lines)
problems = []
for f in per_line:
    if f not in reported:
        problems.append("announced, not reported: %r" % (f,))
for f in reported:
    if f[3] in annotated and f not in per_line:
        problems.append("reported on an announced line, not announced: %r" % (f,))
rest = sorted(f[:3] for f in reported if f[3] not in annotated)
if rest != sorted(elsewhere):
    problems.append("the rest of the policy: announced %r, reported %r" % (sorted(elsewhere), rest))
for p in problems:
    print(p)
if not problems:
    print("announced %d, moat check reported %d: equal" % (len(per_line) + len(elsewhere), len(reported)))
