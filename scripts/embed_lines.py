#!/usr/bin/env python3
"""Turns a data file (one entry per line, '#' comments) into a C++ include of
string literals, so knowledge lives in reviewable text files but ships inside
the binary.

The build makes the output's directory (moat_generate, cmake/MoatGeneratedFiles.cmake).
The file is written beside its final name and renamed, so an interrupted run
never leaves a partial include for the next build to trust."""
import json
import os
import sys

src, out = sys.argv[1], sys.argv[2]
lines = []
with open(src, encoding="utf-8") as f:
    for raw in f:
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.strip():
            lines.append(line.strip())
tmp = out + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    f.write("// Generated from %s. Do not edit.\n" % src.split("/")[-1])
    for line in lines:
        f.write("%s,\n" % json.dumps(line))
os.replace(tmp, out)
