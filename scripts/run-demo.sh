#!/bin/sh
# What `moat run` does, in three lines of output: run by scripts/setup.sh as
#   moat run --policy=examples/agent-default.moat -- sh scripts/run-demo.sh
# inside a scratch home and launch directory. Each line is checked on the
# host by setup.sh too; this script only tries.
echo "hello from the sandbox" > allowed.txt && echo "allowed write:      $PWD/allowed.txt"
if (echo "echo pwned" >> "$HOME/.bashrc") 2>/dev/null; then
  echo "NOT BLOCKED:        $HOME/.bashrc was written"
else
  echo "blocked write:      $HOME/.bashrc (read-only in the sandbox)"
fi
python3 - <<'PY'
import urllib.error, urllib.request
try:
    urllib.request.urlopen("http://example.com/", timeout=10)
    print("NOT BLOCKED:        http://example.com/ answered")
except urllib.error.HTTPError as e:
    print("blocked connection: http://example.com/ (%d %s)" % (e.code, e.headers.get("X-Moat-Reason", "")))
except OSError as e:
    print("blocked connection: http://example.com/ (%s)" % e)
PY
