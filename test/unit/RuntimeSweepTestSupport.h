// What the exit sweep's tests and the live watcher's share: a scratch tree
// with a home, a launch directory and a shared one (removed at the end),
// a policy loaded with those as $HOME, $CWD and $TMPDIR, and a file writer.
#pragma once
#include "compiler/Frontend.h"
#include "compiler/eval/Evaluator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

namespace moat::test_support {

struct SweepScratch {
  std::string root;
  SweepScratch() {
    std::string tmpl = (std::filesystem::path(testing::TempDir()) / "moat-sweep-XXXXXX").string();
    root = ::mkdtemp(tmpl.data());
    for (const char *dir : {"/home", "/cwd", "/shared"})
      std::filesystem::create_directories(root + dir);
  }
  ~SweepScratch() { std::filesystem::remove_all(root); }
};

inline void writeFile(const std::string &path, const std::string &text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

struct SweepPolicy {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ir::Policy> policy;
  std::unique_ptr<eval::Evaluator> evaluator;
  SweepPolicy(const std::string &text, const SweepScratch &s) {
    policy = loadPolicyBuffer(files.addBuffer("p.moat", text), ir::Layer::SharedProject, diags);
    EXPECT_TRUE(policy && !diags.hasErrors());
    eval::Bindings b;
    std::string error;
    b.define("HOME", s.root + "/home", error);
    b.define("CWD", s.root + "/cwd", error);
    b.define("TMPDIR", s.root + "/shared", error);
    evaluator = eval::Evaluator::create(*policy, b, ir::Platform::Linux, error);
    EXPECT_TRUE(evaluator) << error;
  }
};

// The policy both use: the launch and the shared directory are writable.
inline constexpr const char *kSweepPolicy = "policy \"p\" {\n  default read allow;\n  default write deny;\n"
                                            "  allow write \"$CWD\";\n  allow write \"$TMPDIR\";\n}\n";

} // namespace moat::test_support
