#!/usr/bin/env python3
"""The man page and completions come from `moat __cli-reference`; this checks
that it says what `--help` says, subcommand by subcommand:

  reference_matches_help.py MOAT CLI.json

the same subcommands and descriptions as `moat --help`; per subcommand the
same usage line, the same flags with the same help text, and the same values
with the same descriptions for an enum flag as `moat SUB --help`."""
import json
import re
import subprocess
import sys

moat, cli = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
problems = []


def help_text(*args):
    return subprocess.run([moat, *args, "--help"], stdout=subprocess.PIPE, check=True).stdout.decode()


top = help_text()
listed = dict(re.findall(r"^  (\S+)\s+- (.*)$", top.split("SUBCOMMANDS:")[1].split("OPTIONS:")[0], re.M))
ours = {s["name"]: s["description"] for s in cli["subcommands"]}
if listed != ours:
    problems.append("subcommands: --help has %s, the reference %s" % (sorted(listed.items()), sorted(ours.items())))

flags_seen = 0
for sub in cli["subcommands"]:
    text = help_text(sub["name"])
    usage = re.search(r"^USAGE: (.*)$", text, re.M).group(1)
    expected_usage = sub["usage"].replace(" " + sub["trailing"], "") if sub["trailing"] else sub["usage"]
    if usage != expected_usage:
        problems.append("%s: --help's usage is '%s', the reference's '%s'" % (sub["name"], usage, expected_usage))
    # --help's own section: "  --name=<value> - help" then "    =value - description" lines.
    own = text.split("moat options:")[1] if "moat options:" in text else ""
    flags = {}
    for line in own.splitlines():
        m = re.match(r"^  (-{1,2}[\w-]+)(?:=<[^>]*>)?\s+- (.*)$", line)
        if m:
            current = flags[m.group(1)] = {"help": m.group(2), "choices": []}
            continue
        m = re.match(r"^    =([\w-]+)(?:\s+-\s+(.*))?$", line)
        if m:
            current["choices"].append({"name": m.group(1), "help": m.group(2) or ""})
    reference = {f["spelling"]: f for f in sub["options"] if f["spelling"] != "--help"}
    if sorted(flags) != sorted(reference):
        problems.append("%s: --help lists %s, the reference %s" % (sub["name"], sorted(flags), sorted(reference)))
    for spelling, f in flags.items():
        flags_seen += 1
        r = reference.get(spelling)
        if r is None:
            continue
        if r["help"] != f["help"]:
            problems.append("%s %s: help '%s' != '%s'" % (sub["name"], spelling, r["help"], f["help"]))
        if f["choices"] and r["choices"] != f["choices"]:
            problems.append("%s %s: values %s != %s" % (sub["name"], spelling, r["choices"], f["choices"]))

for p in problems:
    print(p)
print("%d subcommands, %d flags: %d differences from --help" % (len(cli["subcommands"]), flags_seen, len(problems)))
sys.exit(1 if problems else 0)
