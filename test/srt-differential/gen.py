# Seeded random srt-settings.json files for the differential test against real
# sandbox-runtime, and the scratch tree they are probed in.
#
# A file is the required skeleton plus a few named SHAPES. Each shape is one way a
# reader of srt files can go wrong (a deny glob inside an allowed directory, one path
# spelled three ways, a name and an address of the same host in the two lists, ...),
# so a disagreement can be pinned on a shape and a run can be limited to some shapes
# (--shapes). Paths are templates: {HOME} and {CWD} are the scratch home and launch
# directory, {PA} and {PB} the ports of the loopback servers, filled in by the runner.
#
#   python3 gen.py --seed 7 [--shapes a,b] [--count 3]   prints the files (templates)
import argparse
import json
import random

# The launch directory is HOME/proj, so "~" and "." differ and "~" contains ".".
CWD_IN_HOME = "proj"

# The scratch tree, relative to HOME. Every file here exists before srt starts, holds a
# secret token, and is probed for read and write. Mandatory-deny names sit at depths
# 1 to 5 below the launch directory and in HOME itself.
EXISTING = [
    ".ssh/id_rsa", ".bashrc", "notes.txt", ".aws/credentials", ".gitconfig",
    "other/y.key", "other/z.txt", ".config/app/conf.txt",
    "proj/README.md", "proj/.env", "proj/.env.local", "proj/x.key",
    "proj/src/main.c", "proj/src/x.key", "proj/src/.env",
    "proj/src/lib/ok.txt", "proj/src/lib/a.key",
    "proj/src/lib/deep/deeper/x.key", "proj/src/lib/deep/deeper/ok.c",
    "proj/secrets/s.txt", "proj/secrets/pub/p.txt", "proj/out/build.log",
    "proj/.git/config", "proj/.git/hooks/pre-commit", "proj/.gitmodules",
    "proj/.mcp.json", "proj/.bashrc", "proj/.zshrc", "proj/.vscode/settings.json",
    "proj/.idea/workspace.xml", "proj/.claude/commands/c.md",
    "proj/a/.bashrc", "proj/a/b/.bashrc", "proj/a/b/c/.bashrc",
    "proj/a/b/c/d/.bashrc", "proj/a/b/c/d/e/.bashrc",
    "proj/a/.git/hooks/x", "proj/a/b/.git/hooks/x", "proj/a/b/c/.git/hooks/x",
    "proj/a/b/c/d/.git/hooks/x",
    "proj/a/.vscode/x.json", "proj/a/b/c/.vscode/x.json", "proj/a/b/c/d/.vscode/x.json",
    "proj/a/.mcp.json", "proj/a/b/.mcp.json", "proj/a/b/c/.mcp.json", "proj/a/b/c/d/.mcp.json",
    "proj/a/b/c/d/e/.mcp.json",
    # the rest of srt's dangerous names (sandbox-utils.js DANGEROUS_FILES and directories)
    "proj/.bash_profile", "proj/.zprofile", "proj/.profile", "proj/.ripgreprc",
    "proj/a/.gitmodules", "proj/a/b/.gitconfig", "proj/a/.idea/x.xml",
    "proj/a/b/c/.claude/commands/x.md", "proj/a/.claude/agents/y.md",
    "proj/a/b/.git/config", "proj/a/b/c/d/.git/config", ".profile", ".zshrc",
]
# Probed for write only: these do not exist (nor, for some, their directory).
NEW = [
    "newhome.txt", ".ssh/new_key", "proj/new.txt", "proj/src/new.c",
    "proj/src/lib/deep/n.key", "proj/newdir/n.txt", "proj/a/b/.vscode/new.json",
    "proj/a/b/c/d/.idea/n.xml", "proj/.claude/agents/new.md", "proj/secrets/pub/new.txt",
]
# Loopback hosts probed through srt's proxy, each on both server ports. "localhost"
# is 127.0.0.1 (/etc/hosts); the servers also listen on ::1 in case it resolves there.
NET_HOSTS = ["localhost", "127.0.0.1", "127.0.0.2", "127.0.0.3",
             # other spellings of the same hosts: both sides must canonicalise alike
             "127.1", "2130706434", "LocalHost", "localhost."]
NET_PORTS = ["{PA}", "{PB}"]


def cwd_spellings(rel):
    """The ways a file can name a path under the launch directory."""
    if rel == ".":
        return [".", "./", "~/" + CWD_IN_HOME, "{CWD}", "{CWD}/"]
    return [rel, "./" + rel, "~/%s/%s" % (CWD_IN_HOME, rel), "{CWD}/" + rel]


def home_spellings(rel):
    """The ways a file can name a path in HOME (outside the launch directory)."""
    if rel == "~":
        return ["~", "~/", "{HOME}"]
    return ["~/" + rel, "{HOME}/" + rel]


def spell(rng, rel):
    return rng.choice(home_spellings(rel[2:] if rel.startswith("~/") else rel)
                      if rel.startswith("~") else cwd_spellings(rel))


def literal(path):
    return {"path": path, "literal": True}


# --- shapes -------------------------------------------------------------------------
# Each returns {list-name: [entries]} to merge into the file.

def shape_deny_glob_in_allowed_dir(rng):
    glob = rng.choice(["**/*.key", "src/**/*.key", "{CWD}/**/*.key", "~/proj/**/*.key"])
    return {"denyRead": [glob],
            "allowRead": [spell(rng, rng.choice(["src/lib", "src", "src/lib/deep"]))]}


def shape_root_env_glob(rng):
    return {"denyRead": [rng.choice(["/**/*.env*", "/**/.env*", "**/.env*"])],
            "allowRead": [spell(rng, ".")]}


def shape_deny_home_write_home(rng):
    out = {"denyRead": [spell(rng, "~")], "allowWrite": [spell(rng, "~")]}
    if rng.random() < 0.5:
        out["allowRead"] = [spell(rng, rng.choice([".", "~/other"]))]
    return out


def shape_spellings(rng):
    d = rng.choice(["src", "src/lib", "secrets", "out", "~/other", "~/.config"])
    a, b = rng.sample(home_spellings(d[2:]) if d.startswith("~") else cwd_spellings(d), 2)
    pair = rng.choice([("denyRead", "allowRead"), ("allowWrite", "denyWrite"),
                       ("allowWrite", "denyRead"), ("allowWrite", "allowRead")])
    return {pair[0]: [a], pair[1]: [b]}


def shape_write_glob(rng):
    return {"allowWrite": [rng.choice(["src/**/*.c", "out/*", "~/proj/src/*.c", "**/*.txt",
                                       "{CWD}/src/lib/**"])]}


def shape_mandatory_deny(rng):
    out = {"allowWrite": [spell(rng, rng.choice([".", ".", "a", "a/b", "~"]))]}
    if rng.random() < 0.3:
        out["allowGitConfig"] = True
    if rng.random() < 0.3:
        out["mandatoryDenySearchDepth"] = rng.choice([1, 2, 5, 10])
    return out


def shape_literal(rng):
    lst = rng.choice(["denyRead", "allowRead", "allowWrite", "denyWrite"])
    # A literal entry is a name even when it holds glob characters: "out/*" is a file
    # named "*", so it must not open (or hide) out/build.log.
    rel = rng.choice(["src/lib", "secrets", "newdir", ".env", "out", "~/other", ".", "out/*", "src/*.key"])
    return {lst: [literal(spell(rng, rel))]}


def shape_deny_write_in_write(rng):
    return {"allowWrite": [spell(rng, rng.choice([".", "src"]))],
            "denyWrite": [spell(rng, rng.choice(["src/lib", "out", "src/main.c", "secrets", "src/**/*.c"]))]}


def shape_read_carveout(rng):
    out = {"denyRead": [spell(rng, "secrets")], "allowRead": [spell(rng, "secrets/pub")]}
    if rng.random() < 0.6:
        out["allowWrite"] = [spell(rng, rng.choice([".", "secrets"]))]
    return out


def shape_deny_read_path(rng):
    return {"denyRead": [spell(rng, rng.choice([".env", "src/main.c", "~/.aws/credentials", "~/.ssh",
                                                 "~/.config", "src/lib/deep"]))]}


def shape_write_missing(rng):
    return {"allowWrite": [spell(rng, rng.choice(["newdir", "newdir/n.txt", "a/b/.vscode"]))]}


def shape_net_loopback(rng):
    # No host in both lists and no name with its address on the other side: those are
    # net-same-host and net-name-vs-address.
    allow = ["localhost", "localhost:{PB}", "127.0.0.2", "127.0.0.2:{PA}"]
    deny = ["127.0.0.3", "127.0.0.3:{PA}", "127.0.0.2:{PB}"]
    return {"allowedDomains": rng.sample(allow, rng.randint(1, 3)),
            "deniedDomains": rng.sample(deny, rng.randint(0, 2))}


def shape_net_same_host(rng):
    h = rng.choice(["localhost", "127.0.0.1", "127.0.0.2", "127.0.0.2:{PA}", "127.0.0.3"])
    if h.startswith("127.") and rng.random() < 0.3:
        # the same address allowed and denied as a resolved address
        out = {"allowedDomains": [h], "deniedResolvedAddresses": [h.split(":")[0] + rng.choice(["", "/32"])]}
    else:
        out = {"allowedDomains": [h], "deniedDomains": [h]}
    if rng.random() < 0.5:
        out["allowedDomains"].append(rng.choice(["127.0.0.3", "localhost:{PB}"]))
    return out


def shape_net_name_vs_address(rng):
    if rng.random() < 0.6:
        return {"allowedDomains": [rng.choice(["localhost", "localhost:{PA}"])],
                "deniedDomains": [rng.choice(["127.0.0.1", "127.0.0.1:{PA}"])]}
    return {"allowedDomains": [rng.choice(["127.0.0.1", "127.0.0.1:{PA}"])],
            "deniedDomains": [rng.choice(["localhost", "localhost:{PA}"])]}


def shape_net_resolved_address(rng):
    """srt refuses a host that resolves into deniedResolvedAddresses. No allowed entry is
    the denied address itself (that is net-same-host)."""
    allow = rng.sample(["localhost", "127.0.0.2", "localhost:{PA}", "127.0.0.3"], rng.randint(1, 2))
    ranges = [r for r in ["127.0.0.1", "127.0.0.0/8", "127.0.0.2/32", "127.0.0.3"]
              if r.split("/")[0] not in allow]
    return {"allowedDomains": allow, "deniedResolvedAddresses": [rng.choice(ranges)]}


SHAPES = {
    "deny-glob-in-allowed-dir": shape_deny_glob_in_allowed_dir,
    "root-env-glob": shape_root_env_glob,
    "deny-home-write-home": shape_deny_home_write_home,
    "spellings": shape_spellings,
    "write-glob": shape_write_glob,
    "mandatory-deny": shape_mandatory_deny,
    "literal": shape_literal,
    "deny-write-in-write": shape_deny_write_in_write,
    "read-carveout": shape_read_carveout,
    "deny-read-path": shape_deny_read_path,
    "write-missing": shape_write_missing,
    "net-loopback": shape_net_loopback,
    "net-same-host": shape_net_same_host,
    "net-name-vs-address": shape_net_name_vs_address,
    "net-resolved-address": shape_net_resolved_address,
}

FS_LISTS = ["denyRead", "allowRead", "allowWrite", "denyWrite"]
TOP_LEVEL = ["mandatoryDenySearchDepth"]


def generate(rng, shapes=None, must=None):
    """One srt file (a template dict) and the names of the shapes it was built from
    (among `shapes`, default all; always including `must` if given)."""
    names = sorted(shapes if shapes else SHAPES)
    picked = rng.sample(names, min(len(names), rng.randint(1, 3)))
    if must is not None and must not in picked:
        picked[0] = must
    doc = {"network": {"allowedDomains": [], "deniedDomains": []},
           "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}
    for name in picked:
        for key, value in SHAPES[name](rng).items():
            if key in ("allowedDomains", "deniedDomains", "deniedResolvedAddresses"):
                target = doc["network"].setdefault(key, [])
            elif key in FS_LISTS:
                target = doc["filesystem"].setdefault(key, [])
            elif key in TOP_LEVEL:
                doc[key] = value
                continue
            else:
                doc["filesystem"][key] = value
                continue
            for entry in value:
                if entry not in target:
                    target.append(entry)
    return doc, picked


def fill(template, values):
    """The template with {HOME}, {CWD}, {PA}, {PB} replaced, recursively."""
    if isinstance(template, str):
        for k, v in values.items():
            template = template.replace("{%s}" % k, str(v))
        return template
    if isinstance(template, list):
        return [fill(x, values) for x in template]
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    return template


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--shapes", default="", help="comma-separated subset of: " + ", ".join(SHAPES))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    shapes = [s for s in args.shapes.split(",") if s]
    for s in shapes:
        if s not in SHAPES:
            ap.error("unknown shape %r" % s)
    names = sorted(shapes if shapes else SHAPES)
    for i in range(args.count):
        # the same rotation as difftest.make_jobs(cover=True): these are the files it runs
        doc, picked = generate(rng, shapes, names[(args.seed + i) % len(names)])
        print("# seed %d file %d: %s" % (args.seed, i, ", ".join(picked)))
        print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
