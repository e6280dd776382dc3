#!/usr/bin/env python3
"""Checks the rendered man page (groff -man -Tutf8 -P-cbou moat.1) against the reference:

  man_lists_everything.py CLI.json MOAT.txt

every subcommand has its own subsection (a line `moat NAME`), every flag of
it is named inside that subsection (--help once, under OPTIONS), with its
value name, and every value of an enum flag is listed there too."""
import json
import re
import sys

cli = json.load(open(sys.argv[1], encoding="utf-8"))
text = open(sys.argv[2], encoding="utf-8").read()
lines = text.split("\n")
missing = []


def named(body, word):
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", body) is not None


def subsection(name):
    heading = "moat " + name
    starts = [i for i, l in enumerate(lines) if l.strip() == heading]
    if not starts:
        return None
    end = len(lines)
    for i in range(starts[0] + 1, len(lines)):
        if re.match(r"^   moat \S+$", lines[i]) or re.match(r"^[A-Z]", lines[i]):
            end = i
            break
    return "\n".join(lines[starts[0]:end])


options = text.split("\nOPTIONS\n")[1].split("\nSUBCOMMANDS\n")[0] if "\nOPTIONS\n" in text else ""
for flag in cli["options"]:
    if not named(options, flag["spelling"]):
        missing.append("OPTIONS: %s" % flag["spelling"])
checked = 0
for sub in cli["subcommands"]:
    body = subsection(sub["name"])
    if body is None:
        missing.append("no subsection 'moat %s'" % sub["name"])
        continue
    for flag in sub["options"]:
        if flag["spelling"] == "--help":
            continue
        checked += 1
        spelled = flag["spelling"] + ("=" + flag["value"] if flag["value"] and len(flag["spelling"]) > 2 else "")
        if not named(body, spelled):
            missing.append("moat %s: %s" % (sub["name"], spelled))
        for choice in flag["choices"]:
            if not named(body, choice["name"]):
                missing.append("moat %s %s: value %s" % (sub["name"], flag["spelling"], choice["name"]))
for m in missing:
    print(m)
print("%d subcommands, %d flags: %d missing" % (len(cli["subcommands"]), checked, len(missing)))
sys.exit(1 if missing else 0)
