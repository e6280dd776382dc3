// The bwrap backend's build-time walk: every glob match, placeholder
// anchors, hard links and unreadable directories, to any depth, and nothing
// else (unix socket files are not its business).
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
  Globs g({"/**/.bashrc", "/**/.git/hooks", "/w/*.pem", "/w/**", "/**/.claude/settings.json",
           "/**/.git/modules/**/hooks", "/w/**/.env"});
  EXPECT_EQ(g.compiled[0].prefix, "/");
  EXPECT_EQ(g.compiled[0].fixedTail, ".bashrc");
  EXPECT_EQ(g.compiled[0].lastLiteral, ".bashrc");
  EXPECT_FALSE(g.compiled[0].parent.has_value()); // `/**` would anchor it everywhere
  EXPECT_EQ(g.compiled[1].fixedTail, ".git/hooks");
  ASSERT_TRUE(g.compiled[1].parent.has_value());
  EXPECT_EQ(g.compiled[1].parentLastLiteral, ".git");
  EXPECT_EQ(g.compiled[2].prefix, "/w");
  EXPECT_EQ(g.compiled[2].lastLiteral, "");
  EXPECT_EQ(g.compiled[2].fixedTail, "");
  EXPECT_FALSE(g.compiled[2].parent.has_value());
  EXPECT_EQ(g.compiled[3].lastLiteral, "");
  EXPECT_EQ(g.compiled[3].fixedTail, "");
  EXPECT_EQ(g.compiled[4].fixedTail, ".claude/settings.json");
  EXPECT_EQ(g.compiled[4].parentLastLiteral, ".claude");
  EXPECT_EQ(g.compiled[5].fixedTail, ""); // a second `**`: no one place for it
  EXPECT_FALSE(g.compiled[5].parent.has_value()); // `/**/.git/modules/**` would anchor everywhere
  EXPECT_EQ(g.compiled[6].prefix, "/w");
  EXPECT_EQ(g.compiled[6].fixedTail, ".env");
}

TEST(BwrapScan, ReportsEveryMatchAnchorsAndWhatAWritableTreeHolds) {
  FakeDisk d;
  d.file("/w/a/.git/hooks/pre-commit");
  d.file("/w/a/.git/hooks/.git/hooks/x"); // beneath a match: reported too (the match class)
  d.dir("/w/b/.git");
  d.file("/w/k.pem", 5, 2);
  d.dir("/w/locked");
  d.unreadable("/w/locked");
  d.link("/w/out", "/elsewhere"); // not followed
  d.file("/elsewhere/.git/hooks/x");
  Globs g({"/**/.git/hooks", "/w/*.pem"});
  WalkRequest req;
  req.root = "/w";
  req.globs = {0, 1};
  req.writable = true;
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
  EXPECT_EQ(f.unreadable, std::vector<std::string>{"/w/locked"});
}

TEST(BwrapScan, WalksToAnyDepthAndCollectsOnlyWhatAWritableTreeNeeds) {
  FakeDisk d;
  d.file("/h/a/b/c/d/e/f/.bashrc", 11, 2);
  d.dir("/h/locked");
  d.unreadable("/h/locked");
  Globs g({"/**/.bashrc"});
  WalkRequest req;
  req.root = "/h";
  req.globs = {0};
  WalkFindings f;
  walk(d, g.compiled, req, f);
  EXPECT_EQ(matchesOf(f, 0), std::vector<std::string>{"/h/a/b/c/d/e/f/.bashrc"});
  // Outside a writable tree, hard links and unreadable directories do not matter.
  EXPECT_TRUE(f.hardLinks.empty());
  EXPECT_TRUE(f.unreadable.empty());
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
