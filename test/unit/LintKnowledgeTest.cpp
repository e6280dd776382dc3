// The lint knowledge lists: the entry format (paths, tags, probes, reasons),
// its errors, and that every compiled-in list loads and binds in the model.
#include "lint/Knowledge.h"

#include <gtest/gtest.h>

using namespace moat;
using namespace moat::lint;

namespace {

std::vector<PathEntry> parseOk(std::vector<std::string_view> lines) {
  std::vector<PathEntry> out;
  std::string error;
  EXPECT_TRUE(parsePathEntries(lines, out, error)) << error;
  return out;
}

std::string parseError(std::vector<std::string_view> lines) {
  std::vector<PathEntry> out;
  std::string error;
  EXPECT_FALSE(parsePathEntries(lines, out, error));
  return error;
}

TEST(LintKnowledge, FileAndDirectoryEntries) {
  auto e = parseOk({"~/.bashrc | bash runs it", "~/.config/autostart/ linux probe=*.desktop | it starts"});
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].path, "~/.bashrc");
  EXPECT_FALSE(e[0].directory);
  EXPECT_EQ(e[0].why, "bash runs it");
  EXPECT_EQ(e[0].platform, ir::Platform::Any);
  EXPECT_EQ(e[1].path, "~/.config/autostart");
  EXPECT_TRUE(e[1].directory);
  EXPECT_EQ(e[1].platform, ir::Platform::Linux);
  EXPECT_EQ(e[1].probes, std::vector<std::string>{"*.desktop"});
}

// macOS keeps application settings under "Application Support": such a path
// is quoted, and its tags follow the closing quote.
TEST(LintKnowledge, QuotedPathWithSpaces) {
  auto e = parseOk({"\"~/Library/Application Support/Code/User/settings.json\" macos | VS Code runs it",
                    "\"~/Library/Application Support/My Tool/\" probe=*.plist | it starts"});
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].path, "~/Library/Application Support/Code/User/settings.json");
  EXPECT_FALSE(e[0].directory);
  EXPECT_EQ(e[0].platform, ir::Platform::MacOS);
  EXPECT_EQ(e[0].why, "VS Code runs it");
  EXPECT_EQ(e[1].path, "~/Library/Application Support/My Tool");
  EXPECT_TRUE(e[1].directory);
  EXPECT_EQ(e[1].probes, std::vector<std::string>{"*.plist"});
}

// PNPM_HOME holds pnpm's store next to the binaries: `data=` names such
// directories; like probe= it is a one-component glob on a directory.
TEST(LintKnowledge, DataNames) {
  auto e = parseOk({"~/.local/share/pnpm/ linux data=store data=glob* | on PATH"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].data, (std::vector<std::string>{"store", "glob*"}));
  EXPECT_EQ(e[0].probes, std::vector<std::string>{"*"});
  EXPECT_NE(parseError({"~/.local/bin data=store | a file"}).find("unknown tag"), std::string::npos);
  EXPECT_NE(parseError({"~/.local/bin/ data=** | any depth"}).find("bad data name"), std::string::npos);
}

TEST(LintKnowledge, QuotedPathErrors) {
  EXPECT_NE(parseError({"\"~/Library/Application Support | no closing quote"}).find("unterminated"),
            std::string::npos);
  EXPECT_NE(parseError({"\"\" macos | empty"}).find("empty quoted path"), std::string::npos);
  EXPECT_NE(parseError({"\"~/a b\"macos | glued tag"}).find("space after"), std::string::npos);
  // The quoted path is still checked like any other.
  EXPECT_NE(parseError({"\"Library/x y\" | relative"}).find("must start with"), std::string::npos);
}

TEST(LintKnowledge, DirectoryDefaultsToAnyName) {
  auto e = parseOk({"~/.local/bin/ | on PATH"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].probes, std::vector<std::string>{"*"});
}

TEST(LintKnowledge, ProjectTag) {
  auto e = parseOk({"$CWD/node_modules/.bin/ project | npm"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_TRUE(e[0].project);
  EXPECT_NE(parseError({"~/x project | y"}).find("not under $CWD"), std::string::npos);
}

TEST(LintKnowledge, Errors) {
  EXPECT_NE(parseError({"~/.bashrc"}).find("no '| why'"), std::string::npos);
  EXPECT_NE(parseError({"~/.bashrc |  "}).find("needs a path and a reason"), std::string::npos);
  EXPECT_NE(parseError({"relative/path | x"}).find("must start with"), std::string::npos);
  EXPECT_NE(parseError({"/ | x"}).find("must start with"), std::string::npos);
  EXPECT_NE(parseError({"~/x bogus | y"}).find("unknown tag 'bogus'"), std::string::npos);
  // probe= only on directories, and only valid one-component globs.
  EXPECT_NE(parseError({"~/x probe=a | y"}).find("unknown tag"), std::string::npos);
  EXPECT_NE(parseError({"~/x/ probe=[z-a] | y"}).find("bad probe"), std::string::npos);
  EXPECT_NE(parseError({"~/x/ probe=** | y"}).find("bad probe"), std::string::npos);
  EXPECT_NE(parseError({"~/x/ probe= | y"}).find("bad probe"), std::string::npos);
}

TEST(LintKnowledge, CompiledListsLoad) {
  // Each accessor aborts on a malformed embedded list; reaching the checks
  // means they parsed. Spot-check that known entries are present.
  auto has = [](const std::vector<PathEntry> &list, std::string_view path) {
    for (const PathEntry &e : list)
      if (e.path == path)
        return true;
    return false;
  };
  EXPECT_TRUE(has(shellStartupFiles(), "~/.bashrc"));
  EXPECT_TRUE(has(shellStartupFiles(), "~/.bash_aliases"));
  EXPECT_TRUE(has(pathDirectories(), "~/.local/bin"));
  EXPECT_TRUE(has(pathDirectories(), "$CWD/node_modules/.bin"));
  EXPECT_TRUE(has(gitExecPoints(), "$CWD/.git/hooks"));
  EXPECT_TRUE(has(agentConfigFiles(), "$CWD/.mcp.json"));
  EXPECT_TRUE(has(autostartPaths(), "~/.config/systemd/user"));
  EXPECT_TRUE(has(secretPaths(), "~/.ssh"));
  ASSERT_FALSE(pathCommands().empty());
  EXPECT_EQ(pathCommands().front(), "git");
  for (const auto *list : {&shellStartupFiles(), &pathDirectories(), &gitExecPoints(), &agentConfigFiles(),
                           &autostartPaths(), &secretPaths()})
    for (const PathEntry &e : *list) {
      EXPECT_FALSE(e.why.empty()) << e.path;
      EXPECT_EQ(e.why.find('|'), std::string::npos) << e.path;
    }
}

} // namespace

namespace {

TEST(LintKnowledge, HostEntries) {
  std::vector<HostEntry> out;
  std::string error;
  ASSERT_TRUE(parseHostEntries({"GitHub.com | pushes", "termbin.com:9999 | pastes", "[::1]:80 | local"}, out, error))
      << error;
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].text, "github.com");
  EXPECT_EQ(out[0].port, 443);
  EXPECT_EQ(out[0].why, "pushes");
  EXPECT_EQ(out[1].port, 9999);
  EXPECT_EQ(out[2].host.kind, net::CanonicalHost::Kind::IPv6);
  out.clear();
  EXPECT_FALSE(parseHostEntries({"github.com"}, out, error));
  EXPECT_FALSE(parseHostEntries({"a b | c"}, out, error));
  EXPECT_FALSE(parseHostEntries({"exa mple | c"}, out, error));
  EXPECT_FALSE(parseHostEntries({"bad_host!.com | c"}, out, error));
  EXPECT_FALSE(parseHostEntries({"github.com:0 | c"}, out, error));
  EXPECT_FALSE(exfilHosts().empty());
  EXPECT_EQ(exfilHosts().front().text, "github.com");
}

} // namespace

#include "lint/PublicSuffix.h"

namespace {

TEST(LintPublicSuffix, IcannPrivateWildcardsAndExceptions) {
  EXPECT_GT(publicSuffixRuleCount(), 5000u);
  auto com = publicSuffixOf("com");
  ASSERT_TRUE(com);
  EXPECT_FALSE(com->privateSection);
  auto couk = publicSuffixOf("co.uk");
  ASSERT_TRUE(couk);
  EXPECT_EQ(couk->suffix, "co.uk");
  auto github = publicSuffixOf("github.io");
  ASSERT_TRUE(github);
  EXPECT_TRUE(github->privateSection);
  EXPECT_TRUE(publicSuffixOf("s3.amazonaws.com"));
  EXPECT_TRUE(publicSuffixOf("cloudfront.net"));
  // `*.ck` makes every label under ck a suffix, except `!www.ck`.
  auto ck = publicSuffixOf("anything.ck");
  ASSERT_TRUE(ck);
  EXPECT_EQ(ck->suffix, "*.ck");
  EXPECT_FALSE(publicSuffixOf("www.ck"));
  // An unlisted TLD is a suffix (the implicit "*" rule); registrable names are not.
  EXPECT_TRUE(publicSuffixOf("unlistedtld"));
  EXPECT_FALSE(publicSuffixOf("example.com"));
  EXPECT_FALSE(publicSuffixOf("bbc.co.uk"));
  EXPECT_FALSE(publicSuffixOf(""));
  // Internationalised rules are compiled in punycode.
  EXPECT_TRUE(publicSuffixOf("xn--55qx5d.cn"));
}

TEST(LintPublicSuffix, SuffixBelow) {
  auto aws = publicSuffixBelow("amazonaws.com");
  ASSERT_TRUE(aws);
  EXPECT_NE(aws->suffix.find("amazonaws.com"), std::string::npos);
  EXPECT_TRUE(aws->privateSection);
  EXPECT_TRUE(publicSuffixBelow("uk")); // co.uk beneath it
  EXPECT_FALSE(publicSuffixBelow("example.com"));
  EXPECT_FALSE(publicSuffixBelow("github.io")); // a suffix, with nothing listed beneath
}

} // namespace
