#!/usr/bin/env python3
"""Compiles the Public Suffix List (Debian `publicsuffix`) into a C++ include
for lint's net-broad-wildcard: one string literal per rule, "I " or "P " for
the ICANN or PRIVATE section, then the rule in canonical form (lowercase,
internationalised labels in punycode, "*." wildcards and "!" exceptions kept).

Usage: gen_psl.py public_suffix_list.dat OUT.inc

Fails (non-zero exit, nothing written) on a rule outside both sections, an
unknown section marker, or a label that cannot be converted: the build stops
rather than ship a list with holes."""
import json
import os
import sys


def to_ascii(rule):
    prefix = ""
    if rule.startswith("!"):
        prefix, rule = "!", rule[1:]
    labels = []
    for label in rule.split("."):
        if label == "*":
            labels.append(label)
            continue
        if not label:
            raise ValueError("empty label")
        try:
            label.encode("ascii")
            labels.append(label.lower())
        except UnicodeEncodeError:
            labels.append("xn--" + label.lower().encode("punycode").decode("ascii"))
    return prefix + ".".join(labels)


def main():
    src, out = sys.argv[1], sys.argv[2]
    section = None
    entries = []
    with open(src, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.strip()
            if line.startswith("//"):
                if "===BEGIN ICANN DOMAINS===" in line:
                    section = "I"
                elif "===BEGIN PRIVATE DOMAINS===" in line:
                    section = "P"
                elif "===END" in line:
                    section = None
                continue
            if not line:
                continue
            rule = line.split()[0]
            if section is None:
                sys.exit("%s:%d: rule '%s' outside the ICANN and PRIVATE sections" % (src, number, rule))
            try:
                entries.append("%s %s" % (section, to_ascii(rule)))
            except ValueError as e:
                sys.exit("%s:%d: cannot convert '%s': %s" % (src, number, rule, e))
    if not any(e.startswith("I ") for e in entries) or not any(e.startswith("P ") for e in entries):
        sys.exit("%s: expected both ICANN and PRIVATE rules" % src)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("// Generated from %s by scripts/gen_psl.py. Do not edit.\n" % os.path.basename(src))
        for e in entries:
            f.write("%s,\n" % json.dumps(e))
    os.replace(tmp, out)


main()
