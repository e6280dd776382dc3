// .moat.yaml: dates, validation with locations, ignore matching, lookup.
#include "lint/Config.h"
#include "TestScratch.h"
#include "lint/RelativePath.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <llvm/Support/FileSystem.h>
#include <unistd.h>

using namespace moat;
using namespace moat::lint;

namespace {

const CivilDate kToday{2026, 6, 15};

struct Read {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<CheckConfig> config;

  Read(std::string text, std::string dir = "/repo") {
    uint32_t b = files.addBuffer("/repo/.moat.yaml", std::move(text));
    config = readCheckConfig(b, std::move(dir), kToday, diags);
  }
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const Diagnostic &d : diags.diagnostics())
      out.push_back(d.id + "@" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col));
    return out;
  }
};

TEST(CivilDate, ParsesRealDates) {
  auto d = parseCivilDate("2024-02-29");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->text(), "2024-02-29");
  EXPECT_FALSE(parseCivilDate("2023-02-29"));
  EXPECT_FALSE(parseCivilDate("1900-02-29"));
  EXPECT_TRUE(parseCivilDate("2000-02-29"));
  EXPECT_FALSE(parseCivilDate("2027-13-01"));
  EXPECT_FALSE(parseCivilDate("2027-04-31"));
  EXPECT_FALSE(parseCivilDate("2027-1-31"));
  EXPECT_FALSE(parseCivilDate("2027-01-31 "));
  EXPECT_FALSE(parseCivilDate("0000-01-01"));
  EXPECT_FALSE(parseCivilDate("2027/01/31"));
  EXPECT_TRUE(*parseCivilDate("2026-12-31") < *parseCivilDate("2027-01-01"));
  EXPECT_FALSE(*parseCivilDate("2027-01-01") < *parseCivilDate("2027-01-01"));
}

TEST(CivilDate, TodayOverride) {
  std::string error;
  ::setenv("MOAT_TODAY", "2030-05-06", 1);
  auto d = todayUtc(error);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->text(), "2030-05-06");
  ::setenv("MOAT_TODAY", "tomorrow", 1);
  EXPECT_FALSE(todayUtc(error));
  EXPECT_NE(error.find("MOAT_TODAY"), std::string::npos);
  ::unsetenv("MOAT_TODAY");
  error.clear();
  auto now = todayUtc(error);
  ASSERT_TRUE(now) << error;
  EXPECT_TRUE(*parseCivilDate("2024-01-01") < *now);
}

TEST(Config, ReadsEveryKey) {
  Read r("rules:\n"
         "  net-broad-wildcard: note\n"
         "  read-secrets: off\n"
         "  assert-failed: error\n"
         "path-dirs: [\"~/bin\", /opt/tools/bin, $CWD/tools/]\n"
         "exfil-domains: [paste.corp.example, \"*.share.example\", \"10.1.2.3\"]\n"
         "ignore:\n"
         "  - rule: write-path-dir\n"
         "    path: legacy/*.json\n"
         "    reason: old tools\n"
         "    expires: 2027-01-31\n"
         "  - {rule: read-secrets, path: \"**\", reason: r}\n");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(r.ids());
  EXPECT_TRUE(r.diags.diagnostics().empty());
  const CheckConfig &c = *r.config;
  EXPECT_EQ(c.rules.at("net-broad-wildcard"), RuleLevel::Note);
  EXPECT_EQ(c.rules.at("read-secrets"), RuleLevel::Off);
  EXPECT_EQ(c.rules.at("assert-failed"), RuleLevel::Error);
  EXPECT_EQ(c.lint.extraPathDirs, (std::vector<std::string>{"~/bin", "/opt/tools/bin", "$CWD/tools/"}));
  EXPECT_EQ(c.lint.extraExfilDomains,
            (std::vector<std::string>{"paste.corp.example", "*.share.example", "10.1.2.3"}));
  ASSERT_EQ(c.ignores.size(), 2u);
  EXPECT_EQ(c.ignores[0].rule, "write-path-dir");
  EXPECT_EQ(c.ignores[0].reason, "old tools");
  EXPECT_EQ(c.ignores[0].expires->text(), "2027-01-31");
  EXPECT_FALSE(c.ignores[0].expired);
  EXPECT_EQ(c.ignores[0].loc.line, 8u);
}

TEST(Config, EmptyFileIsEmptyConfig) {
  Read r("# nothing yet\n");
  ASSERT_TRUE(r.config);
  EXPECT_TRUE(r.config->rules.empty() && r.config->ignores.empty());
}

TEST(Config, ErrorsAreLocated) {
  Read r("rules:\n"
         "  write-path-dirs: off\n"  // unknown rule, suggestion
         "  read-secrets: loud\n"    // bad level
         "  write-git-exec: 1\n"     // wrong type
         "colour: red\n"             // unknown key
         "path-dirs: [bin]\n"        // relative
         "exfil-domains: [\"exa*mple.com\"]\n"
         "ignore:\n"
         "  - {rule: write-path-dir, path: /abs, reason: r}\n"
         "  - {rule: write-path-dir, path: a}\n"
         "  - {rule: write-path-dir, path: a, reason: r, expires: 2027-02-30}\n"
         "  - {path: a, reason: r, when: never}\n");
  EXPECT_FALSE(r.config);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"unknown-rule-id@2:3", "invalid-value@3:17", "wrong-type@4:19",
                                               "invalid-path@6:13", "invalid-host@7:17", "invalid-glob@9:34",
                                               "missing-reason@10:5", "invalid-value@11:57", "missing-key@12:5",
                                               "unknown-key@12:26", "unknown-key@5:1"}));
  EXPECT_NE(r.diags.diagnostics()[0].message.find("did you mean 'write-path-dir'"), std::string::npos);
}

TEST(Config, RefusesWhatPoliciesRefuse) {
  EXPECT_EQ(Read("rules: {read-secrets: off, read-secrets: note}\n").ids(),
            (std::vector<std::string>{"duplicate-key@1:28"}));
  EXPECT_FALSE(Read("a: &x 1\nrules: *x\n").config);
  EXPECT_FALSE(Read("rules: !!map {}\n").config);
  EXPECT_FALSE(Read("- a\n").config); // not a mapping
}

TEST(Config, PathDirChecks) {
  for (const char *bad : {"\"/\"", "\"~\"", "\"$HOME/bin\"", "\"~/b*n\"", "\"~/a/../bin\"", "\"~/a/./bin\"",
                          "\"/opt/$X/bin\"", "\"~/a|b\""}) {
    Read r(std::string("path-dirs: [") + bad + "]\n");
    EXPECT_FALSE(r.config) << bad;
    EXPECT_EQ(r.ids(), (std::vector<std::string>{"invalid-path@1:13"})) << bad;
  }
}

TEST(Config, ExpiredIgnoreStopsHiding) {
  Read r("ignore:\n"
         "  - {rule: write-path-dir, path: a.moat, reason: r, expires: 2026-06-15}\n"  // today: expired
         "  - {rule: write-path-dir, path: b.moat, reason: r, expires: 2026-06-16}\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"expired-ignore@2:62"}));
  EXPECT_NE(r.diags.diagnostics()[0].message.find("expired on 2026-06-15"), std::string::npos);
  EXPECT_EQ(r.config->ignoreFor("write-path-dir", "/repo/a.moat"), nullptr);
  EXPECT_NE(r.config->ignoreFor("write-path-dir", "/repo/b.moat"), nullptr);
}

TEST(Config, IgnorePathMatching) {
  Read r("ignore:\n"
         "  - {rule: write-path-dir, path: \"legacy/*.json\", reason: r}\n"
         "  - {rule: read-secrets, path: ./ci, reason: r}\n"
         "  - {rule: net-exfil-domain, path: \"**\", reason: r}\n"
         "  - {rule: write-git-exec, path: \"../other/p.moat\", reason: r}\n");
  ASSERT_TRUE(r.config);
  const CheckConfig &c = *r.config;
  EXPECT_NE(c.ignoreFor("write-path-dir", "/repo/legacy/a.json"), nullptr);
  EXPECT_EQ(c.ignoreFor("write-path-dir", "/repo/legacy/sub/a.json"), nullptr);
  EXPECT_EQ(c.ignoreFor("write-path-dir", "/repo/legacy/a.moat"), nullptr);
  EXPECT_EQ(c.ignoreFor("read-secrets", "/repo/legacy/a.json"), nullptr);
  EXPECT_NE(c.ignoreFor("read-secrets", "/repo/ci/deep/x.moat"), nullptr); // a directory covers its files
  EXPECT_EQ(c.ignoreFor("read-secrets", "/repo/cix.moat"), nullptr);
  EXPECT_NE(c.ignoreFor("net-exfil-domain", "/repo/a/b/c.yaml"), nullptr);
  // `**` does not climb out of the config's directory; an explicit ".." does.
  EXPECT_EQ(c.ignoreFor("net-exfil-domain", "/elsewhere/c.yaml"), nullptr);
  EXPECT_NE(c.ignoreFor("write-git-exec", "/other/p.moat"), nullptr);
  EXPECT_EQ(c.ignoreFor("write-git-exec", "/repo/other/p.moat"), nullptr);
}

TEST(Config, FindsNearestConfig) {
  std::string root = test::ProcessScratch::dir() + "/config";
  ASSERT_FALSE(llvm::sys::fs::create_directories(root + "/a/b/c"));
  std::ofstream(root + "/.moat.yaml") << "rules: {}\n";
  std::ofstream(root + "/a/b/c/p.moat") << "policy \"p\" {}\n";
  auto found = findConfigFor(root + "/a/b/c/p.moat");
  ASSERT_TRUE(found);
  EXPECT_EQ(absoluteLexical(*found), absoluteLexical(root + "/.moat.yaml"));
  std::ofstream(root + "/a/.moat.yaml") << "rules: {}\n";
  found = findConfigFor(root + "/a/b/c/p.moat");
  ASSERT_TRUE(found);
  EXPECT_EQ(absoluteLexical(*found), absoluteLexical(root + "/a/.moat.yaml"));
  // The search does not leave the repository the policy is in.
  ASSERT_FALSE(llvm::sys::fs::create_directories(root + "/a/b/.git"));
  EXPECT_FALSE(findConfigFor(root + "/a/b/c/p.moat"));
  std::ofstream(root + "/a/b/.moat.yaml") << "rules: {}\n";
  found = findConfigFor(root + "/a/b/c/p.moat");
  ASSERT_TRUE(found);
  EXPECT_EQ(absoluteLexical(*found), absoluteLexical(root + "/a/b/.moat.yaml"));
  llvm::sys::fs::remove_directories(root);
}

TEST(RelativePath, Lexical) {
  EXPECT_EQ(relativePath("/a/b/c.moat", "/a"), "b/c.moat");
  EXPECT_EQ(relativePath("/a/b/c.moat", "/a/x/y"), "../../b/c.moat");
  EXPECT_EQ(relativePath("/a", "/a"), ".");
  EXPECT_EQ(absoluteLexical("/a/./b/../c"), "/a/c");
  EXPECT_EQ(parentDirectory("/a/b.moat"), "/a");
  EXPECT_EQ(parentDirectory("/b.moat"), "/");
}

} // namespace
