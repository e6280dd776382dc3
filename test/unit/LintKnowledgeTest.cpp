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
