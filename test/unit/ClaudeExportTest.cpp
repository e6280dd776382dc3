// The claude target on fixed policies: the launch directory Claude Code
// always grants, the switches whose Claude Code defaults are looser, the
// managed form's locks, and what Claude Code settings cannot say.
#include "backends/claude/ClaudeTarget.h"
#include "compiler/import/Importers.h"

#include "SandboxExportTestSupport.h"

#include <gtest/gtest.h>
#include <llvm/Support/JSON.h>

using namespace moat;
using namespace moat::backends;

namespace {

// The sections live in the `sandbox` object.
struct Build : test_support::SettingsBuild {
  Build(const std::string &text, bool managed = false,
        const test_support::Defines &defines = test_support::defaultDefines())
      : SettingsBuild("sandbox") {
    BuildOptions options;
    options.managed = managed;
    run(text, options, defines, claude::build);
  }
};

} // namespace

TEST(ClaudeExport, LaunchDirectoryGrantedByAllowWriteCwd) {
  Build b(R"(policy "a" { allow write "$CWD", "$TMPDIR"; deny read "$CWD/.env"; })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_EQ(b.list("filesystem", "allowWrite"), (std::vector<std::string>{".", "/tmp"}));
  EXPECT_FALSE(b.has("filesystem", "denyWrite", "."));
  EXPECT_TRUE(b.has("filesystem", "denyWrite", "./.claude/settings.json"));
  EXPECT_EQ(b.warnings("always lets the process write the launch directory"), 0u) << b.messages();
}

TEST(ClaudeExport, LaunchDirectoryTakenBackWhenThePolicyDoesNotGrantIt) {
  Build b(R"(policy "a" {
    allow write "$CWD/build", "/tmp";
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  // denyWrite "." beats Claude Code's own grant; the grant inside it is dead
  // and left out, and the warning at it says so.
  EXPECT_TRUE(b.has("filesystem", "denyWrite", "."));
  EXPECT_EQ(b.list("filesystem", "allowWrite"), (std::vector<std::string>{"/tmp"}));
  EXPECT_EQ(b.warnings("always lets the process write the launch directory"), 1u) << b.messages();
  EXPECT_EQ(b.warnings("stricter than this rule: write $CWD/build", 2), 1u) << b.messages();
}

TEST(ClaudeExport, LaunchDirectoryInsideAGrantNeedsToBeKnown) {
  const char *text = R"(policy "a" { allow write "~"; })";
  // Wherever the launch directory is, "~" may not cover it.
  Build symbolic(text);
  ASSERT_FALSE(symbolic.diags.hasErrors()) << symbolic.messages();
  EXPECT_TRUE(symbolic.has("filesystem", "denyWrite", "."));
  // Known to lie inside the home directory: nothing to take back.
  Build known(text, false, {{"CWD", "/home/u/p"}, {"HOME", "/home/u"}});
  ASSERT_FALSE(known.diags.hasErrors()) << known.messages();
  EXPECT_FALSE(known.has("filesystem", "denyWrite", "/home/u/p"));
  EXPECT_EQ(known.list("filesystem", "allowWrite"), (std::vector<std::string>{"/home/u"}));
  // Known to lie outside it: taken back, exactly.
  Build outside(text, false, {{"CWD", "/srv/p"}, {"HOME", "/home/u"}});
  ASSERT_FALSE(outside.diags.hasErrors()) << outside.messages();
  EXPECT_TRUE(outside.has("filesystem", "denyWrite", "/srv/p"));
  EXPECT_EQ(outside.warnings("leaves /srv/p to the default"), 1u) << outside.messages();
}

TEST(ClaudeExport, DefaultWriteAllowNeedsNothingTakenBack) {
  Build b(R"(policy "a" { default write allow; deny write "/etc"; })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_FALSE(b.has("filesystem", "denyWrite", "."));
  EXPECT_TRUE(b.has("filesystem", "allowWrite", "/"));
}

TEST(ClaudeExport, SwitchesWithLooserClaudeDefaults) {
  Build b(R"(policy "a" { allow write "$CWD"; })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_EQ(b.value(nullptr, "enabled")->getAsBoolean(), true);
  EXPECT_EQ(b.value(nullptr, "failIfUnavailable")->getAsBoolean(), true);
  EXPECT_EQ(b.value(nullptr, "allowUnsandboxedCommands")->getAsBoolean(), false);

  Build set(R"(policy "a" {
    allow write "$CWD";
    set fail-if-unavailable = false;
    set allow-unsandboxed-commands = true;
    set excluded-commands = ["docker"];
    set auto-allow-bash-if-sandboxed = true;
    set sandbox-disabled = true;
  })");
  ASSERT_FALSE(set.diags.hasErrors()) << set.messages();
  EXPECT_EQ(set.value(nullptr, "enabled")->getAsBoolean(), false);
  EXPECT_EQ(set.value(nullptr, "failIfUnavailable")->getAsBoolean(), false);
  EXPECT_EQ(set.value(nullptr, "allowUnsandboxedCommands")->getAsBoolean(), true);
  EXPECT_EQ(set.value(nullptr, "autoAllowBashIfSandboxed")->getAsBoolean(), true);
  EXPECT_EQ(set.list(nullptr, "excludedCommands"), (std::vector<std::string>{"docker"}));
}

TEST(ClaudeExport, ManagedFormWritesTheLocks) {
  const char *text = R"(policy "org" {
    allow write "$CWD";
    allow connect "registry.npmjs.org";
    set lock-network = true;
    set lock-filesystem-read = true;
  })";
  Build managed(text, true);
  ASSERT_FALSE(managed.diags.hasErrors()) << managed.messages();
  EXPECT_EQ(managed.value("network", "allowManagedDomainsOnly")->getAsBoolean(), true);
  EXPECT_EQ(managed.value("filesystem", "allowManagedReadPathsOnly")->getAsBoolean(), true);
  EXPECT_EQ(managed.warnings("lock"), 0u) << managed.messages();

  Build plain(text);
  ASSERT_FALSE(plain.diags.hasErrors()) << plain.messages();
  EXPECT_EQ(plain.value("network", "allowManagedDomainsOnly"), nullptr);
  EXPECT_EQ(plain.warnings("only a managed settings file can lock lists", 4), 1u) << plain.messages();
  EXPECT_EQ(plain.warnings("only a managed settings file can lock lists", 5), 1u) << plain.messages();
}

TEST(ClaudeExport, WhatClaudeSettingsCannotSay) {
  Build b(R"(policy "a" {
    allow write "$CWD";
    allow connect "10.1.2.3", "10.200.0.1:443", "example.com";
    deny connect "10.0.0.0/8";
    set allow-git-config = true;
    set allow-pty = true;
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  // No deniedResolvedAddresses in Claude Code: the addresses the range
  // covers are not allowed at all.
  EXPECT_EQ(b.list("network", "allowedDomains"), (std::vector<std::string>{"example.com"}));
  EXPECT_EQ(b.value("network", "deniedResolvedAddresses"), nullptr);
  EXPECT_EQ(b.warnings("cuts into: '10.1.2.3', '10.200.0.1:443'", 4), 1u) << b.messages();
  EXPECT_EQ(b.warnings("cannot lift the write protection of .git/config", 5), 1u) << b.messages();
  EXPECT_EQ(b.warnings("'allow-pty'", 6), 1u) << b.messages();
  EXPECT_EQ(b.value("filesystem", "allowGitConfig"), nullptr);
}

TEST(ClaudeExport, ReadsBackThroughTheClaudeImporter) {
  Build b(R"(policy "a" { allow write "$CWD"; deny read "~/.ssh"; allow connect "pypi.org"; })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  SourceFiles files;
  DiagnosticEngine diags(files);
  auto file = import::importClaude(files.addBuffer("settings.json", b.result.output), "", diags);
  EXPECT_TRUE(file.has_value());
  EXPECT_FALSE(diags.hasErrors());
  EXPECT_EQ(diags.count(Severity::Warning), 0u);
}
