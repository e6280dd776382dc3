# find_package(moat) + moat_add_profile, as a user meets them: moat's build
# tree is installed into a scratch prefix, the prefix is moved (the package
# must find moat relative to itself), and examples/cmake-project is built
# with Ninja and with Unix Makefiles. For each generator:
#   1. the first build makes every profile, byte for byte what
#      `moat build` makes directly;
#   2. a second build regenerates nothing (same inode and mtime);
#   3. an edit of the *included* file (which only the depfile names)
#      regenerates every profile, and they hold the edit;
#   4. an invalid policy fails the build, twice in a row (no stale success
#      the second time), and the profiles of the last good build stay as
#      they were.
# Then moat_add_profile's argument checks and the version check fail the
# configure with their message. Everything lives in one scratch directory,
# removed at the end (--keep to look at it).
#
#   python3 example_project.py --build-dir BUILD --example examples/cmake-project
# Exit 0 pass, 1 fail.
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

# moat_add_profile(... TARGETS sbpl seccomp srt DEFINES TMPDIR=/tmp
# OUTPUT_DIRECTORY profiles) in examples/cmake-project/CMakeLists.txt.
PROFILES = {"sbpl": "agent.sb", "seccomp": "agent.bpf", "srt": "agent.srt-settings.json"}
DEFINES = ["--define=TMPDIR=/tmp"]
GENERATORS = ["Ninja", "Unix Makefiles"]


class Failure(Exception):
    pass


def run(cmd, cwd=None, expect_ok=True, env=None):
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if expect_ok and r.returncode != 0:
        raise Failure("command failed (exit %d): %s\n%s" % (r.returncode, " ".join(cmd), r.stdout))
    return r


def stamp(path):
    st = os.stat(path)
    return (st.st_ino, st.st_mtime_ns)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def newer_than(path, outputs):
    """Gives `path` an mtime a full second after every output's, waiting
    first if that is in the future: an edit within the file system's
    timestamp granularity must not look older than the build."""
    target = max(os.stat(o).st_mtime_ns for o in outputs) + 1_000_000_000
    wait = target - time.time_ns()
    if wait > 0:
        time.sleep(wait / 1e9)
    os.utime(path, ns=(target, target))


def direct_build(moat, target, policy, out, cwd):
    run([moat, "build", "--target=" + target] + DEFINES + ["-o", out, policy], cwd=cwd)
    return read(out)


def check_generator(gen, scratch, prefix, moat, example):
    tag = gen.split()[-1].lower()
    src = os.path.join(scratch, "src " + tag)  # a space: the depfile must escape it
    shutil.copytree(example, src)
    build = os.path.join(scratch, "build-" + tag)
    policy = os.path.join(src, "policy", "agent.moat")
    included = os.path.join(src, "policy", "common", "registries.moat")
    outputs = {t: os.path.join(build, "profiles", name) for t, name in PROFILES.items()}

    run(["cmake", "-S", src, "-B", build, "-G", gen, "-DCMAKE_PREFIX_PATH=" + prefix])

    # 1. The first build makes the profiles moat makes directly (run in the
    # build directory, the custom commands' working directory).
    run(["cmake", "--build", build])
    for t, out in outputs.items():
        if not os.path.isfile(out):
            raise Failure("%s: the first build did not make %s" % (gen, out))
        want = direct_build(moat, t, policy, os.path.join(scratch, "direct." + t), build)
        if read(out) != want:
            raise Failure("%s: %s differs from `moat build --target=%s`" % (gen, out, t))
    first = {t: read(out) for t, out in outputs.items()}

    # 2. Nothing changed, nothing regenerated.
    before = {t: stamp(out) for t, out in outputs.items()}
    run(["cmake", "--build", build])
    for t, out in outputs.items():
        if stamp(out) != before[t]:
            raise Failure("%s: a second build with nothing changed regenerated %s" % (gen, out))

    # 3. An edit of the included file regenerates every profile.
    with open(included, "a") as f:
        f.write('allow connect "crates.io:443";\n')
    newer_than(included, outputs.values())
    run(["cmake", "--build", build])
    for t, out in outputs.items():
        if stamp(out) == before[t]:
            raise Failure("%s: editing the included file did not regenerate %s" % (gen, out))
        want = direct_build(moat, t, policy, os.path.join(scratch, "direct." + t), build)
        if read(out) != want:
            raise Failure("%s: after the edit %s differs from `moat build --target=%s`" % (gen, out, t))
    if read(outputs["srt"]) == first["srt"] or b"crates.io" not in read(outputs["srt"]):
        raise Failure("%s: the regenerated srt profile does not hold the edit" % gen)
    good = {t: read(out) for t, out in outputs.items()}

    # 4. An invalid policy fails the build, again on the next build, and the
    # profiles stay those of the last good build.
    with open(policy, "a") as f:
        f.write("allow frobnicate \"/x\";\n")
    newer_than(policy, outputs.values())
    for attempt in ("first", "second"):
        r = run(["cmake", "--build", build], expect_ok=False)
        if r.returncode == 0:
            raise Failure("%s: the %s build of an invalid policy succeeded:\n%s" % (gen, attempt, r.stdout))
        if "agent.moat:" not in r.stdout or "error:" not in r.stdout:
            raise Failure("%s: the failed build does not show moat's diagnostic:\n%s" % (gen, r.stdout))
    for t, out in outputs.items():
        if not os.path.isfile(out) or read(out) != good[t]:
            raise Failure("%s: a failed build changed or removed %s" % (gen, out))


# moat_add_profile calls (and a find_package) that must stop the configure,
# each with the words its message must hold.
BAD_CALLS = [
    ("moat_add_profile(p COLOUR red POLICY a.moat TARGETS srt)", "unknown argument(s): COLOUR red"),
    ("moat_add_profile(p POLICY a.moat TARGETS srt COLOUR red)", "if 'COLOUR' was meant as a keyword"),
    ("moat_add_profile(p TARGETS srt)", "POLICY file.moat is required"),
    ("moat_add_profile(p POLICY a.moat)", "TARGETS is required"),
    ("moat_add_profile(p POLICY a.moat TARGETS srt firejail)", "unknown target 'firejail'"),
    ("moat_add_profile(p POLICY missing.moat TARGETS srt)", "does not exist"),
    ("moat_add_profile(p POLICY a.moat TARGETS srt DEFINES HOME)", "DEFINES takes NAME=VALUE"),
]


def check_bad_calls(scratch, prefix):
    src = os.path.join(scratch, "bad")
    os.makedirs(src)
    with open(os.path.join(src, "a.moat"), "w") as f:
        f.write('policy "a" {\n  default read allow;\n}\n')
    cases = [("find_package(moat 0.1 REQUIRED)\n" + call, words) for call, words in BAD_CALLS]
    cases.append(("find_package(moat 1.0 REQUIRED)", "considered but not accepted"))
    for i, (body, words) in enumerate(cases):
        with open(os.path.join(src, "CMakeLists.txt"), "w") as f:
            f.write("cmake_minimum_required(VERSION 3.20)\nproject(bad LANGUAGES NONE)\n" + body + "\n")
        r = run(["cmake", "-S", src, "-B", os.path.join(scratch, "bad-build-%d" % i), "-G", "Ninja",
                 "-DCMAKE_PREFIX_PATH=" + prefix], expect_ok=False)
        if r.returncode == 0 or words not in r.stdout:
            raise Failure("configuring `%s` should fail saying '%s':\n%s" % (body.splitlines()[-1], words, r.stdout))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", required=True, help="moat's build tree, installed with cmake --install")
    ap.add_argument("--example", required=True, help="examples/cmake-project")
    ap.add_argument("--keep", action="store_true", help="leave the scratch directory")
    args = ap.parse_args()
    for tool in ("cmake", "ninja", "make"):
        if not shutil.which(tool):
            print("FAIL: %s is not installed (scripts/setup.sh installs it)" % tool)
            return 1
    scratch = tempfile.mkdtemp(prefix="moat-cmake-package-")
    started = time.monotonic()
    try:
        staging = os.path.join(scratch, "staging")
        run(["cmake", "--install", args.build_dir, "--prefix", staging])
        # Moved after installing: the package must not remember where it was put.
        prefix = os.path.join(scratch, "moved prefix")
        os.rename(staging, prefix)
        moat = os.path.join(prefix, "bin", "moat")
        # lib/cmake/moat, or lib/<multiarch>/cmake/moat for a /usr prefix (GNUInstallDirs).
        package = [d for d, _, files in os.walk(prefix) if d.endswith("/cmake/moat") and "moatConfig.cmake" in files]
        if len(package) != 1:
            raise Failure("cmake --install should install one lib/.../cmake/moat/moatConfig.cmake, found %s" % package)
        for name in ("moatConfigVersion.cmake", "MoatAddProfile.cmake"):
            if not os.path.isfile(os.path.join(package[0], name)):
                raise Failure("cmake --install did not install %s/%s" % (package[0], name))
        for gen in GENERATORS:
            t0 = time.monotonic()
            check_generator(gen, scratch, prefix, moat, os.path.abspath(args.example))
            print("ok: %s (%.1f s)" % (gen, time.monotonic() - t0))
        check_bad_calls(scratch, prefix)
        print("ok: argument and version checks")
    except Failure as e:
        print("FAIL:", e)
        return 1
    finally:
        if args.keep:
            print("scratch kept:", scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print("PASS (%.1f s)" % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
