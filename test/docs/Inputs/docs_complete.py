#!/usr/bin/env python3
"""Fails when docs/ leaves out something the code has.

  docs_complete.py SRCROOT CLI.json   (CLI.json: `moat __cli-reference --format=json`)

* every subcommand has a `## moat NAME` section in docs/cli.md, and every one of
  its flags is named in that section (--help and --version once, anywhere);
* every diagnostic id of compiler/diagnostics/DiagnosticKinds.def is named, in
  backquotes, somewhere under docs/;
* every policy option of compiler/ir/Options.def has a row in the option table
  of docs/language.md;
* every build target (`moat build --target` values) has a `## NAME` section in
  docs/backends.md;
* docs/README.md links every page under docs/ (docs/rules/ through its index).
Lint rules have their own test (test/lint/rules-documented.test).
Prints one line per gap and a summary; exits 1 when there is a gap."""
import json
import os
import re
import sys

root, cli_json = sys.argv[1], sys.argv[2]
cli = json.load(open(cli_json, encoding="utf-8"))
docs = os.path.join(root, "docs")
problems = []


def read(*parts):
    return open(os.path.join(root, *parts), encoding="utf-8").read()


def names(text, spelling):
    # `--format` must not be found inside `--format-x` or `--formats`.
    return re.search(r"(?<![\w-])" + re.escape(spelling) + r"(?![\w-])", text) is not None


def sections(text, level):
    """{heading: body} for the headings of one level."""
    marker = "#" * level + " "
    out, current = {}, None
    for line in text.splitlines():
        if line.startswith(marker):
            current = line[len(marker):].strip()
            out[current] = ""
        elif re.match(r"#{1,%d} " % level, line):
            current = None
        elif current is not None:
            out[current] += line + "\n"
    return out


# Subcommands and flags.
cli_md = read("docs", "cli.md")
cli_sections = sections(cli_md, 2)
counted_flags = 0
for flag in cli["options"]:
    counted_flags += 1
    if not names(cli_md, flag["spelling"]):
        problems.append("docs/cli.md: does not name %s" % flag["spelling"])
for sub in cli["subcommands"]:
    heading = "moat " + sub["name"]
    if heading not in cli_sections:
        problems.append("docs/cli.md: no '## %s' section" % heading)
        continue
    for flag in sub["options"]:
        if flag["spelling"] in ("--help", "--version"):
            continue
        counted_flags += 1
        if not names(cli_sections[heading], flag["spelling"]):
            problems.append("docs/cli.md: '## %s' does not name %s" % (heading, flag["spelling"]))

# Diagnostic ids.
all_docs = ""
for dirpath, _, files in os.walk(docs):
    for name in files:
        if name.endswith(".md"):
            all_docs += open(os.path.join(dirpath, name), encoding="utf-8").read()
diag_ids = re.findall(r'^DIAG\(\w+, \w+, "([a-z0-9-]+)"', read("compiler", "diagnostics", "DiagnosticKinds.def"), re.M)
for diag in diag_ids:
    if "`%s`" % diag not in all_docs and "[%s]" % diag not in all_docs:
        problems.append("docs/: diagnostic '%s' is not documented" % diag)

# Policy options.
language = read("docs", "language.md")
option_names = re.findall(r'^OPTION\(\w+, "([a-z0-9-]+)"', read("compiler", "ir", "Options.def"), re.M)
for option in option_names:
    if "| `%s` |" % option not in language:
        problems.append("docs/language.md: option '%s' has no row in the options table" % option)

# Build targets.
backends = sections(read("docs", "backends.md"), 2)
targets = []
for sub in cli["subcommands"]:
    for flag in sub["options"]:
        if sub["name"] == "build" and flag["spelling"] == "--target":
            targets = [c["name"] for c in flag["choices"]]
if not targets:
    problems.append("moat build --target lists no targets")
for target in targets:
    if target not in backends:
        problems.append("docs/backends.md: no '## %s' section" % target)

# The index.
index = read("docs", "README.md")
linked = set(re.findall(r"\]\(([^)#]+)", index))
pages = sorted(os.path.relpath(os.path.join(d, f), docs) for d, _, fs in os.walk(docs) for f in fs if f.endswith(".md"))
for page in pages:
    if page == "README.md" or (page.startswith("rules/") and page != "rules/README.md"):
        continue
    if page not in linked:
        problems.append("docs/README.md: does not link %s" % page)

for p in problems:
    print(p)
print("%d subcommands, %d flags, %d diagnostics, %d options, %d targets, %d pages: %d gaps" % (
    len(cli["subcommands"]), counted_flags, len(diag_ids), len(option_names), len(targets), len(pages),
    len(problems)))
sys.exit(1 if problems else 0)
