"""A test decider for `moat run --decider`: MODE picks its behaviour;
every request it reads is appended to COUNT_FILE (one line each)."""
import json
import sys
import time

mode, count_file = sys.argv[1], sys.argv[2]
if mode == "crash":
    sys.exit(3)
for line in sys.stdin:
    with open(count_file, "a") as f:
        f.write(line)
    q = json.loads(line)
    if mode == "hang":
        continue
    if mode == "garbage":
        print("this is not json", flush=True)
        continue
    if mode == "allow-slow":  # answers once, late: concurrent questions wait for this one
        time.sleep(0.5)
        reply = {"id": q["id"], "decision": "allow", "scope": "once"}
    elif mode == "allow":
        reply = {"id": q["id"], "decision": "allow"}
    elif mode == "always":
        reply = {"id": q["id"], "decision": "allow", "scope": "always"}
    else:  # deny
        reply = {"id": q["id"], "decision": "deny", "scope": "session", "reason": "not on the list: " + q["host"]}
    print(json.dumps(reply), flush=True)
