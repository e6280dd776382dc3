// The bwrap target's three output forms and its path resolution helpers.
#include "BwrapFakeDisk.h"

#include "backends/bwrap/Render.h"

#include <llvm/Support/JSON.h>

#include <algorithm>

#include <gtest/gtest.h>

using namespace moat::backends::bwrap;
using moat::backends::bwrap::testing::FakeDisk;

namespace {

Plan samplePlan() {
  Plan p;
  p.ops = {{MountOp::Kind::RoBind, "/", ""},
           {MountOp::Kind::Dev, "/dev", ""},
           {MountOp::Kind::Bind, "/home/u/it's here", ""},
           {MountOp::Kind::DevNull, "/home/u/.netrc", ""},
           {MountOp::Kind::Symlink, "/lib", "usr/lib"},
           {MountOp::Kind::Tmpfs, "/home/u/.ssh", ""},
           {MountOp::Kind::RemountRo, "/home/u/.ssh", ""}};
  p.placeholders = {"/home/u/.bashrc"};
  return p;
}

TEST(BwrapRender, ALauncherSwapsOnlyPlaceholderFilesAndMayKeepTheTerminal) {
  Plan p = samplePlan();
  p.ops.push_back({MountOp::Kind::DevNull, "/home/u/.bashrc", ""});
  auto has = [](const std::vector<ArgGroup> &groups, const ArgGroup &g) {
    return std::find(groups.begin(), groups.end(), g) != groups.end();
  };
  std::vector<ArgGroup> plain = argumentGroups(p);
  EXPECT_TRUE(has(plain, {"--ro-bind", "/dev/null", "/home/u/.bashrc"}));
  EXPECT_TRUE(has(plain, {"--new-session"}));
  RenderOptions launcher;
  launcher.placeholderFile = "/run/session/empty";
  launcher.newSession = false;
  std::vector<ArgGroup> run = argumentGroups(p, launcher);
  EXPECT_TRUE(has(run, {"--ro-bind", "/run/session/empty", "/home/u/.bashrc"}));
  // A hidden file stays /dev/null: reading it must fail.
  EXPECT_TRUE(has(run, {"--ro-bind", "/dev/null", "/home/u/.netrc"}));
  EXPECT_FALSE(has(run, {"--new-session"}));
}

TEST(BwrapRender, NulSeparatedArgumentsEndEveryArgument) {
  std::string out = renderNul(argumentGroups(samplePlan()));
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\0');
  std::vector<std::string> args;
  size_t start = 0;
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i] == '\0') {
      args.push_back(out.substr(start, i - start));
      start = i + 1;
    }
  std::vector<std::string> want = {"--unshare-net", "--unshare-pid", "--unshare-user", "--disable-userns",
                                   "--cap-drop", "ALL", "--new-session", "--die-with-parent",
                                   "--ro-bind", "/", "/", "--dev", "/dev",
                                   "--bind", "/home/u/it's here", "/home/u/it's here",
                                   "--ro-bind", "/dev/null", "/home/u/.netrc",
                                   "--symlink", "usr/lib", "/lib",
                                   "--tmpfs", "/home/u/.ssh", "--remount-ro", "/home/u/.ssh"};
  EXPECT_EQ(args, want);
}

TEST(BwrapRender, ShellQuotingIsSingleQuotesWithEscapedQuotes) {
  EXPECT_EQ(shellQuote("/usr/lib"), "/usr/lib");
  EXPECT_EQ(shellQuote("a b"), "'a b'");
  EXPECT_EQ(shellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(shellQuote(""), "''");
  EXPECT_EQ(shellQuote("$HOME"), "'$HOME'");
  EXPECT_EQ(shellQuote("a\\b"), "'a\\b'");
  EXPECT_EQ(shellQuote("x;rm -rf /"), "'x;rm -rf /'");
}

TEST(BwrapRender, ShellScriptExecsBwrapWithOneOptionPerLine) {
  std::string out = renderShell(argumentGroups(samplePlan()));
  EXPECT_EQ(out.rfind("#!/bin/sh\n", 0), 0u);
  EXPECT_NE(out.find("exec bwrap \\\n  --unshare-net \\\n"), std::string::npos);
  EXPECT_NE(out.find("  --bind '/home/u/it'\\''s here' '/home/u/it'\\''s here' \\\n"), std::string::npos);
  EXPECT_NE(out.find("  --ro-bind /dev/null /home/u/.netrc \\\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 10), "  -- \"$@\"\n");
}

TEST(BwrapRender, JsonCarriesTheArgumentsAndTheReport) {
  JsonReport report;
  report.tightened.push_back({"/x", "write", "subtree", "write-without-read", "p.moat:3:3"});
  report.uncovered.push_back({"$CWD/**/*.pem", "read", "deny", "p.moat:4:3"});
  std::string out = renderJson(argumentGroups(samplePlan()), samplePlan(), report);
  auto parsed = llvm::json::parse(out);
  ASSERT_TRUE(static_cast<bool>(parsed)) << out;
  const llvm::json::Object *root = parsed->getAsObject();
  ASSERT_TRUE(root);
  const llvm::json::Array *args = root->getArray("args");
  ASSERT_TRUE(args);
  EXPECT_EQ((*args)[0].getAsString().getValueOr(""), "--unshare-net");
  EXPECT_EQ(root->getArray("placeholders")->size(), 1u);
  const llvm::json::Object *t = (*root->getArray("tightened"))[0].getAsObject();
  EXPECT_EQ(t->getString("reason").getValueOr(""), "write-without-read");
  EXPECT_EQ(t->getString("scope").getValueOr(""), "subtree");
  const llvm::json::Object *u = (*root->getArray("uncovered"))[0].getAsObject();
  EXPECT_EQ(u->getString("pattern").getValueOr(""), "$CWD/**/*.pem");
}

TEST(BwrapDisk, PathHelpers) {
  EXPECT_EQ(joinPath("/", "a"), "/a");
  EXPECT_EQ(joinPath("/a", "b"), "/a/b");
  EXPECT_EQ(parentPath("/a/b"), "/a");
  EXPECT_EQ(parentPath("/a"), "/");
  EXPECT_EQ(parentPath("/"), "/");
  EXPECT_EQ(pathDepth("/"), 0u);
  EXPECT_EQ(pathDepth("/a/b"), 2u);
  EXPECT_TRUE(isWithin("/a/b", "/a"));
  EXPECT_TRUE(isWithin("/a", "/a"));
  EXPECT_FALSE(isWithin("/ab", "/a"));
  EXPECT_TRUE(isWithin("/x", "/"));
  EXPECT_TRUE(namesProcess("/proc/self/fd"));
  EXPECT_TRUE(namesProcess("/proc/123"));
  EXPECT_FALSE(namesProcess("/proc/cpuinfo"));
  EXPECT_FALSE(namesProcess("/proc"));
  EXPECT_FALSE(namesProcess("/processes/1"));
}

TEST(BwrapDisk, ResolutionFollowsLinksLikeTheKernel) {
  FakeDisk d;
  d.dir("/usr/lib");
  d.link("/lib", "usr/lib");
  d.dir("/data/p");
  d.link("/home", "/data");
  d.link("/data/up", "../usr");
  std::string error;
  auto r = resolvePhysical(d, "/lib/x/y", error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->physical, "/usr/lib/x/y");
  ASSERT_EQ(r->links.size(), 1u);
  EXPECT_EQ(r->links[0].first, "/lib");
  r = resolvePhysical(d, "/home/up/lib", error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->physical, "/usr/lib");
  EXPECT_EQ(r->links.size(), 2u);
  r = resolvePhysical(d, "/missing/a/b", error);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->physical, "/missing/a/b");
  d.link("/loop", "/loop");
  EXPECT_FALSE(resolvePhysical(d, "/loop/x", error));
  EXPECT_NE(error.find("too many levels"), std::string::npos);
  // Links under /proc name the process that looks at them: not followed.
  d.link("/proc/self", "4242");
  r = resolvePhysical(d, "/proc/self/fd", error);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->physical, "/proc/self/fd");
}

} // namespace
