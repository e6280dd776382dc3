# lit configuration for moat's CLI tests. Every .test/.moat/.json/.yaml file
# under test/ (outside unit/ and fuzz/) with a RUN: line is a test.
import os
import lit.formats

config.name = "moat"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test", ".moat", ".json", ".yaml", ".yml"]
config.excludes = ["unit", "fuzz", "Inputs", "CMakeLists.txt", "corpus",
                   "srt-differential"]  # a ctest entry of its own (real srt, ~30 s)
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.moat_obj_root, "test")

path = os.pathsep.join([config.moat_bin_dir, config.llvm_tools_dir,
                        config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["PATH"] = path
# Deterministic roots for queries unless a test overrides them.
config.environment["HOME"] = "/home/user"
config.environment["TMPDIR"] = "/tmp"
config.environment["NO_COLOR"] = "1"
for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
# The ASan+UBSan debug build is 30x slower on huge inputs: such tests say
# `UNSUPPORTED: sanitized` and have a smaller `REQUIRES: sanitized` twin.
if getattr(config, "moat_sanitized", False):
    config.available_features.add("sanitized")
# The executable by its path, for tests that run moat with a PATH of their own.
config.substitutions.append(("%moat_exe", os.path.join(config.moat_bin_dir, "moat")))
config.substitutions.append(("%moat", "moat"))
config.substitutions.append(("%examples", os.path.join(config.moat_src_root, "examples")))
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%srcroot", config.moat_src_root))
config.substitutions.append(("%expect_exit", "/usr/bin/python3 " +
                             os.path.join(config.moat_src_root, "test", "tools", "expect_exit.py")))
# The SARIF 2.1.0 JSON schema, installed by scripts/setup.sh outside any one build
# directory (test/integrations/install_sarif_schema.sh).
config.substitutions.append(("%sarif_schema", os.environ.get(
    "MOAT_SARIF_SCHEMA",
    os.path.join(config.moat_src_root, "build-deps", "sarif-schema", "sarif-schema-2.1.0.json"))))
