#!/usr/bin/env python3
"""Writes the large hostile inputs the lit tests need (never committed).

Usage: gen_large.py KIND OUT [MIB]
  nest-moat    `policy "p" {` then 100,000 nested `on linux {` lines
  nest-json    srt settings whose allowedDomains nests 100,000 arrays
  nest-yaml    a YAML policy whose network.allow nests 100,000 flow sequences
  nest-yaml-block  YAML block mappings nested 100,000 deep
  big-50mb     a 50 MiB .moat file (comment lines): over the file-size limit
  big-policy   a valid policy of about MIB MiB (default 10: 250,000 rules)
  big-srt      valid srt settings of about MIB MiB (default 10: 400,000
               domains and paths)
"""
import sys

DEPTH = 100_000


def nest_moat(f):
    f.write(b'policy "p" {\n')
    f.write(b"on linux {\n" * DEPTH)
    f.write(b"}\n" * (DEPTH + 1))


def nest_json(f):
    f.write(b'{"network": {"allowedDomains": ')
    f.write(b"[" * DEPTH + b"]" * DEPTH)
    f.write(b', "deniedDomains": []},\n "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}\n')


def nest_yaml(f):
    f.write(b"policy: p\nnetwork:\n  allow: ")
    f.write(b"[" * DEPTH + b"]" * DEPTH)
    f.write(b"\n")


def nest_yaml_block(f):
    # Each level is one more space of indentation: 100,000 levels in ~5 GB of
    # spaces would be absurd, so use compact nested sequences: "- - - - x".
    f.write(b"policy: p\nnetwork:\n  allow:\n    ")
    f.write(b"- " * DEPTH)
    f.write(b"x\n")


def big_50mb(f):
    line = b"# " + b"x" * 97 + b"\n"  # 100 bytes
    f.write(line * (50 * 1024 * 1024 // len(line) + 1))


def big_policy(f, mib):
    f.write(b'policy "big" {\n  default write deny;\n')
    n = 0
    size = 0
    while size < mib * 1024 * 1024:
        a, b = divmod(n, 500)
        if n % 2:
            line = b'  deny read "/data/d%05d/f%05d.key";\n' % (a, b)
        else:
            line = b'  allow write "$CWD/out/d%05d/f%05d";\n' % (a, b)
        f.write(line)
        size += len(line)
        n += 1
    f.write(b'  allow connect "registry.npmjs.org";\n}\n')


def big_srt(f, mib):
    n = mib * 20_000  # two lists of about 25 bytes per item
    f.write(b'{"network": {"allowedDomains": [\n')
    f.write(b",\n".join(b'"h%06d.example.com"' % i for i in range(n)))
    f.write(b'], "deniedDomains": []},\n "filesystem": {"denyRead": [\n')
    f.write(b",\n".join(b'"/data/d%03d/f%06d"' % (i % 1000, i) for i in range(n)))
    f.write(b'], "allowWrite": ["."], "denyWrite": []}}\n')


KINDS = {"nest-moat": nest_moat, "nest-json": nest_json, "nest-yaml": nest_yaml,
         "nest-yaml-block": nest_yaml_block, "big-50mb": big_50mb, "big-policy": big_policy,
         "big-srt": big_srt}

SIZED = {"big-policy", "big-srt"}

if len(sys.argv) not in (3, 4) or sys.argv[1] not in KINDS or \
        (len(sys.argv) == 4 and sys.argv[1] not in SIZED):
    sys.stderr.write(__doc__)
    sys.exit(2)
with open(sys.argv[2], "wb") as out:
    if sys.argv[1] in SIZED:
        KINDS[sys.argv[1]](out, int(sys.argv[3]) if len(sys.argv) == 4 else 10)
    else:
        KINDS[sys.argv[1]](out)
