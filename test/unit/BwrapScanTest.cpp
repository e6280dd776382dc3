// The bwrap backend's build-time walk: topmost glob matches, placeholder
// anchors, hard links, unreadable directories, sockets, depth limits and
// subtrees left to another walk.
#include "BwrapFakeDisk.h"

#include "backends/bwrap/Scan.h"
#include "compiler/eval/Bindings.h"

#include <gtest/gtest.h>

using namespace moat;
using namespace moat::backends::bwrap;
using moat::backends::bwrap::testing::FakeDisk;

namespace {

struct Globs {
  std::vector<ir::FsRule> rules;
  std::vector<GlobRule> compiled;
  explicit Globs(std::initializer_list<const char *> patterns) {
    rules.reserve(patterns.size());
    for (const char *p : patterns) {
      std::string error;
      ir::FsRule r;
      r.pattern = *fs::parsePathPattern(p, false, "", error);
      rules.push_back(r);
    }
    for (const ir::FsRule &r : rules) {
      std::string error;
      auto g = compileGlobRule(r, r.pattern, error);
      EXPECT_TRUE(g) << error;
      compiled.push_back(*g);
    }
  }
};

std::vector<std::string> matchesOf(const WalkFindings &f, size_t glob) {
  std::vector<std::string> out;
  for (const auto &[g, p] : f.matches)
    if (g == glob)
      out.push_back(p);
  return out;
}

TEST(BwrapScan, CompilesTheShapesThePlaceholdersNeed) {
  Globs g({"/**/.bashrc", "/**/.git/hooks", "/w/*.pem", "/w/**"});
  EXPECT_EQ(g.compiled[0].prefix, "/");
  EXPECT_TRUE(g.compiled[0].nameAtAnyDepth);
  EXPECT_EQ(g.compiled[0].lastLiteral, ".bashrc");
  EXPECT_FALSE(g.compiled[1].nameAtAnyDepth);
  ASSERT_TRUE(g.compiled[1].parent.has_value());
  EXPECT_EQ(g.compiled[1].parentLastLiteral, ".git");
  EXPECT_EQ(g.compiled[2].prefix, "/w");
  EXPECT_EQ(g.compiled[2].lastLiteral, "");
  EXPECT_FALSE(g.compiled[2].parent.has_value());
  EXPECT_EQ(g.compiled[3].lastLiteral, "");
}

TEST(BwrapScan, ReportsEveryMatchAnchorsAndWhatAWritableTreeHolds) {
  FakeDisk d;
  d.file("/w/a/.git/hooks/pre-commit");
  d.file("/w/a/.git/hooks/.git/hooks/x"); // beneath a match: reported too (the match class)
  d.dir("/w/b/.git");
  d.file("/w/k.pem", 5, 2);
  d.socket("/w/run/agent.sock");
  d.dir("/w/locked");
  d.unreadable("/w/locked");
  d.link("/w/out", "/elsewhere"); // not followed
  d.file("/elsewhere/.git/hooks/x");
  Globs g({"/**/.git/hooks", "/w/*.pem"});
  WalkRequest req;
  req.root = "/w";
  req.globs = {0, 1};
  req.writable = true;
  req.sockets = true;
  WalkFindings f;
  walk(d, g.compiled, req, f);
  EXPECT_EQ(matchesOf(f, 0), (std::vector<std::string>{"/w/a/.git/hooks", "/w/a/.git/hooks/.git/hooks"}));
  EXPECT_EQ(matchesOf(f, 1), (std::vector<std::string>{"/w/k.pem"}));
  std::vector<std::string> anchors;
  for (const auto &[glob, p] : f.anchors)
    anchors.push_back(p);
  EXPECT_EQ(anchors, (std::vector<std::string>{"/w/a/.git", "/w/a/.git/hooks/.git", "/w/b/.git"}));
  ASSERT_EQ(f.hardLinks.size(), 1u);
  EXPECT_EQ(f.hardLinks[0].path, "/w/k.pem");
  EXPECT_EQ(f.sockets, std::vector<std::string>{"/w/run/agent.sock"});
  EXPECT_EQ(f.unreadable, std::vector<std::string>{"/w/locked"});
}

TEST(BwrapScan, DepthLimitsAndSkippedSubtrees) {
  FakeDisk d;
  d.socket("/h/s0");
  d.socket("/h/a/s1");
  d.socket("/h/a/b/s2");
  d.socket("/h/a/b/c/s3");
  d.socket("/h/skip/s4");
  WalkRequest req;
  req.root = "/h";
  req.sockets = true;
  req.maxDepth = 3;
  req.skip = {"/h/skip"};
  WalkFindings f;
  walk(d, {}, req, f);
  EXPECT_EQ(f.sockets, (std::vector<std::string>{"/h/a/b/s2", "/h/a/s1", "/h/s0"}));
  // Outside a writable tree, hard links and unreadable directories do not matter.
  EXPECT_TRUE(f.hardLinks.empty());
}

TEST(BwrapScan, NeverEntersTheKernelTrees) {
  FakeDisk d;
  d.file("/proc/1/.bashrc");
  d.file("/sys/x/.bashrc");
  d.file("/dev/x/.bashrc");
  d.file("/home/.bashrc");
  Globs g({"/**/.bashrc"});
  WalkRequest req;
  req.root = "/";
  req.globs = {0};
  WalkFindings f;
  walk(d, g.compiled, req, f);
  EXPECT_EQ(matchesOf(f, 0), std::vector<std::string>{"/home/.bashrc"});
}

} // namespace
