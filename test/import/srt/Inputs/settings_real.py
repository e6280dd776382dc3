"""Reads every srt file of test/corpus/settings-real/srt with `moat check` and
prints one line per problem plus a summary: a file srt accepts must never be
refused (exit 2), and a file whose keys are all valid for srt 0.0.83 (its
sidecar expects no settings finding) must draw none. settings-real.test runs it."""
import json
import os
import subprocess
import sys

SETTINGS_FINDINGS = {"unknown-setting", "misplaced-setting", "invalid-entry", "duplicate-setting"}


def main(moat, corpus):
    files = sorted(f for f in os.listdir(corpus) if f.endswith(".json"))
    refused = clean = 0
    for f in files:
        path = os.path.join(corpus, f)
        with open(path[:-len(".json")] + ".expected", encoding="utf-8") as s:
            expected = {line.split()[0] for line in s if line.strip() and not line.startswith("#")}
        valid = not (expected & SETTINGS_FINDINGS)
        run = subprocess.run([moat, "check", "--format=json", "--fail-on=error", path],
                             capture_output=True, text=True)
        if run.returncode == 2:
            refused += 1
            print(f"REFUSED {f}: {run.stderr.strip()[:300]}")
            continue
        ids = {d.get("id") or d.get("rule") for d in json.loads(run.stdout).get("diagnostics", [])} \
            if run.stdout.strip().startswith("{") else set()
        if valid:
            found = ids & SETTINGS_FINDINGS
            if found:
                print(f"SETTINGS FINDING {f}: {sorted(found)}")
            else:
                clean += 1
    print(f"{len(files)} srt files read, {refused} refused; {clean} with only valid keys and no settings finding")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
