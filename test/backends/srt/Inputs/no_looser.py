"""Reads `moat diff --format=json` on stdin and fails when anything is looser
on a platform the exported file is for (argv[1]: any, linux or macos).
`moat diff` compares both platforms; a file built with --format=linux is only
meant to hold on Linux, so looser regions that exist only on macOS do not
count against it (and the reverse)."""
import json
import sys

scope = sys.argv[1] if len(sys.argv) > 1 else "any"
diff = json.load(sys.stdin)
bad = []
for region in diff["looser"]:
    platform = region["platform"]
    if scope == "any" or platform in ("any", scope):
        bad.append(region)
for option in diff["options"]:
    if option["direction"] == "looser":
        bad.append(option)
if bad:
    print("looser:", json.dumps(bad, indent=2, sort_keys=True))
    sys.exit(1)
print("no looser access on", scope, "(%d tighter)" % diff["summary"]["tighter"])
