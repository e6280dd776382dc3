// importClaude: the sandbox and permissions keys of Claude Code settings map
// onto the AST as Claude Code means them, with Claude Code's defaults and the
// implied launch-directory write grant; every other key of its schema is
// accepted; what Claude Code drops or skips is a finding, never a refusal.
#include "compiler/import/ClaudeRules.h"
#include "compiler/import/ImportPaths.h"
#include "compiler/import/Importers.h"
#include "compiler/import/MisplacedKeys.h"
#include "compiler/sema/Sema.h"

#include "ImporterTestSupport.h"

#include <gtest/gtest.h>

#include <string>

using namespace moat;
using namespace moat::import;

namespace {

constexpr const char *kImplied =
    "implied: Claude Code's sandbox always allows writing the working directory";

struct Import : test_support::ImportedFile {
  explicit Import(const std::string &text, const std::string &settingsDir = "/repo/.claude") {
    file = importClaude(files.addBuffer("settings.json", text), settingsDir, diags);
  }
};
using test_support::at;

std::string permissions(const std::string &body) { return "{\"permissions\": {" + body + "}}"; }

} // namespace

// ---- the implied grant -------------------------------------------------------------

// `enabled: true` is written down as sandbox-disabled = false (so another
// scope's implied default cannot override it); "off" is a true value.
template <typename I> bool sandboxOff(const I &im) {
  const auto *s = im.set("sandbox-disabled");
  return s && std::get<bool>(s->value.value);
}

TEST(ClaudeImporter, LaunchDirectoryIsAlwaysWritableAtTheSandboxKey) {
  Import im("{\n  \"sandbox\": {\"enabled\": true}\n}");
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_EQ(im.file->kind, ast::SourceKind::Claude);
  EXPECT_FALSE(sandboxOff(im)) << "enabled: true leaves the sandbox on";
  const ast::FsRule *r = im.fs(kImplied);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->always);
  EXPECT_EQ(r->effect, ast::Effect::Allow);
  EXPECT_EQ(r->accesses, std::vector<ast::Access>{ast::Access::Write});
  EXPECT_EQ(r->pattern.value, "$CWD");
  EXPECT_TRUE(at(r->loc, 2, 3));
}

TEST(ClaudeImporter, ImpliedGrantWithoutSandboxKeyPointsAtTheObject) {
  Import im("  {\"permissions\": {}}");
  ASSERT_TRUE(im.file) << im.messages();
  const ast::FsRule *r = im.fs(kImplied);
  ASSERT_TRUE(r);
  EXPECT_TRUE(at(r->loc, 1, 3));
}

TEST(ClaudeImporter, ImpliedGrantIsNotRepeated) {
  // ("$CWD" would be a directory named so: srt and Claude expand only `~`.)
  for (const char *same : {".", "./", "./."}) {
    Import im(std::string("{\"sandbox\": {\"filesystem\": {\"allowWrite\": [\"") + same + "\"]}}}");
    ASSERT_TRUE(im.file) << im.messages();
    EXPECT_FALSE(im.fs(kImplied)) << same;
    EXPECT_TRUE(im.fs("sandbox.filesystem.allowWrite[0]")) << same;
  }
  Import other("{\"sandbox\": {\"filesystem\": {\"allowWrite\": [\"./build\"]}}}");
  EXPECT_TRUE(other.fs(kImplied));
}

// ---- sandbox ---------------------------------------------------------------------

TEST(ClaudeImporter, DisabledSandboxIsAnOption) {
  Import off("{\"sandbox\": {\"enabled\": false}}");
  ASSERT_TRUE(off.file) << off.messages();
  ASSERT_TRUE(off.set("sandbox-disabled"));
  EXPECT_TRUE(std::get<bool>(off.set("sandbox-disabled")->value.value));
  EXPECT_TRUE(at(off.set("sandbox-disabled")->loc, 1, 14));
  Import on("{\"sandbox\": {\"enabled\": true}}");
  EXPECT_FALSE(sandboxOff(on));
  // Claude Code's default is off: absent, or anything but a literal true.
  Import bad("{\"sandbox\": {\"enabled\": \"no\"}}");
  ASSERT_TRUE(bad.file) << bad.messages();
  EXPECT_EQ(bad.ids(), "invalid-entry");
  EXPECT_TRUE(bad.set("sandbox-disabled"));
  EXPECT_TRUE(bad.set("sandbox-disabled")->implied) << "Claude skips the invalid value: the default stands";
  Import absent("{\"sandbox\": {\"network\": {\"allowedDomains\": [\"github.com\"]}}}");
  ASSERT_TRUE(absent.file) << absent.messages();
  EXPECT_TRUE(absent.set("sandbox-disabled"));
  EXPECT_TRUE(at(absent.set("sandbox-disabled")->loc, 1, 2)) << "at the sandbox key";
  EXPECT_TRUE(absent.set("sandbox-disabled")->implied) << "the default of an absent key, which another scope may set";
  EXPECT_FALSE(off.set("sandbox-disabled")->implied) << "enabled: false is the file's own word";
  Import none("{\"model\": \"opus\"}");
  ASSERT_TRUE(none.file) << none.messages();
  EXPECT_TRUE(none.set("sandbox-disabled"));
  EXPECT_TRUE(none.set("sandbox-disabled")->implied);
}

TEST(ClaudeImporter, ClaudeDefaults) {
  Import im("{\"sandbox\": {\"enabled\": true}}");
  ASSERT_TRUE(im.file) << im.messages();
  ASSERT_TRUE(im.set("allow-unsandboxed-commands")) << "absent means true";
  EXPECT_TRUE(std::get<bool>(im.set("allow-unsandboxed-commands")->value.value));
  auto defaults = im.all<ast::DefaultStmt>();
  ASSERT_EQ(defaults.size(), 1u);
  EXPECT_EQ(defaults[0]->subject, ast::Subject::Connect);
  EXPECT_EQ(defaults[0]->value, ast::DefaultValue::Ask) << "unlisted hosts are asked about";
  for (const char *strict : {"strictAllowlist", "allowManagedDomainsOnly"}) {
    Import s(std::string("{\"sandbox\": {\"enabled\": true, \"network\": {\"") + strict +
             "\": true}}}");
    ASSERT_TRUE(s.file) << s.messages();
    EXPECT_TRUE(s.all<ast::DefaultStmt>().empty()) << strict;
  }
  EXPECT_FALSE(im.set("auto-allow-bash-if-sandboxed")) << "default false: nothing to say";
}

TEST(ClaudeImporter, EnabledPlatforms) {
  Import mac("{\"sandbox\": {\"enabled\": true, \"enabledPlatforms\": [\"macos\"]}}");
  ASSERT_TRUE(mac.file) << mac.messages();
  ASSERT_TRUE(mac.set("enabled-platforms"));
  EXPECT_FALSE(sandboxOff(mac));
  Import win("{\"sandbox\": {\"enabled\": true, \"enabledPlatforms\": [\"windows\"]}}");
  ASSERT_TRUE(win.file) << win.messages();
  EXPECT_TRUE(win.set("sandbox-disabled")) << "inert on every platform moat models";
  Import bad("{\"sandbox\": {\"enabled\": true, \"enabledPlatforms\": [\"bsd\", \"linux\"]}}");
  ASSERT_TRUE(bad.file) << bad.messages();
  EXPECT_EQ(bad.ids(), "invalid-entry");
  EXPECT_EQ(std::get<std::vector<std::string>>(bad.set("enabled-platforms")->value.value),
            std::vector<std::string>{"linux"});
}

TEST(ClaudeImporter, SandboxSwitchesBecomeOptions) {
  Import im("{\"sandbox\": {\"failIfUnavailable\": true, \"autoAllowBashIfSandboxed\": true,"
            " \"allowUnsandboxedCommands\": false, \"excludedCommands\": [\"docker\", \"git push\"],"
            " \"enableWeakerNestedSandbox\": true, \"enableWeakerNetworkIsolation\": false,"
            " \"allowAppleEvents\": true}}");
  ASSERT_TRUE(im.file) << im.messages();
  for (const char *name : {"fail-if-unavailable", "auto-allow-bash-if-sandboxed",
                           "allow-unsandboxed-commands", "weaker-nested-sandbox",
                           "weaker-network-isolation", "allow-apple-events"})
    EXPECT_TRUE(im.set(name)) << name;
  EXPECT_FALSE(std::get<bool>(im.set("allow-unsandboxed-commands")->value.value));
  ASSERT_TRUE(im.set("excluded-commands"));
  EXPECT_EQ(std::get<std::vector<std::string>>(im.set("excluded-commands")->value.value),
            (std::vector<std::string>{"docker", "git push"}));
}

TEST(ClaudeImporter, IgnoreViolationsIsReadSilently) {
  Import im("{\"sandbox\": {\"ignoreViolations\": {\"*\": [\"/tmp\"]}}}");
  ASSERT_TRUE(im.file);
  EXPECT_EQ(im.ids(), "") << "it only tunes Claude Code's reports";
}

TEST(ClaudeImporter, SandboxNetworkListsAreOptional) {
  Import im("{\"sandbox\": {\"network\": {\"allowedDomains\": [\"github.com\"],"
            " \"allowManagedDomainsOnly\": true, \"allowUnixSockets\": [\"/tmp/s.sock\"],"
            " \"allowAllUnixSockets\": false, \"allowLocalBinding\": true,"
            " \"allowMachLookup\": [\"com.x.*\"], \"httpProxyPort\": 8080, \"socksProxyPort\": 1080,"
            " \"strictAllowlist\": true}}}");
  ASSERT_TRUE(im.file) << im.messages();
  const ast::NetRule *r = im.net("sandbox.network.allowedDomains[0]");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->effect, ast::Effect::Allow);
  ASSERT_TRUE(im.set("lock-network"));
  EXPECT_TRUE(std::get<bool>(im.set("lock-network")->value.value));
  for (const char *name : {"allow-all-unix-sockets", "allow-local-binding", "allow-mach-lookup",
                           "http-proxy-port", "socks-proxy-port", "strict-allowlist"})
    EXPECT_TRUE(im.set(name)) << name;
  ASSERT_EQ(im.all<ast::PlatformBlock>().size(), 1u);
  EXPECT_EQ(im.all<ast::PlatformBlock>()[0]->platform.value, "macos");
  Import denied("{\"sandbox\": {\"network\": {\"deniedDomains\": [\"*\"]}}}");
  ASSERT_TRUE(denied.file) << denied.messages();
  EXPECT_EQ(denied.net("sandbox.network.deniedDomains[0]")->effect, ast::Effect::Deny);
}

TEST(ClaudeImporter, SrtOnlyKeysAreUnknownUnderSandbox) {
  for (const char *body : {"\"network\": {\"parentProxy\": {}}", "\"network\": {\"mitmProxy\": {}}",
                           "\"filesystem\": {\"allowGitConfig\": true}", "\"seccomp\": {}",
                           "\"allowPty\": true"}) {
    Import im(std::string("{\"sandbox\": {") + body + "}}");
    EXPECT_TRUE(im.file) << body << ": Claude Code drops them, the file still counts";
    EXPECT_EQ(im.ids(), "unknown-setting") << body << ": " << im.messages();
  }
}

TEST(ClaudeImporter, SandboxFilesystemMapsLikeSrt) {
  Import im("{\"sandbox\": {\"filesystem\": {\n"
            "  \"allowWrite\": [\"/tmp/build\", \"~/.cache\"], \"denyWrite\": [\"/tmp/build/keep\"],\n"
            "  \"denyRead\": [\"~/.aws\", \"/secret\"], \"allowRead\": [\"/secret/\"],\n"
            "  \"allowManagedReadPathsOnly\": true, \"disabled\": false}}}");
  ASSERT_TRUE(im.file) << im.messages();
  const ast::FsRule *w = im.fs("sandbox.filesystem.allowWrite[0]");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->pattern.value, "/tmp/build") << "in sandbox.filesystem '/p' is absolute";
  EXPECT_TRUE(at(w->loc, 2, 18));
  const ast::FsRule *dw = im.fs("sandbox.filesystem.denyWrite[0]");
  ASSERT_TRUE(dw);
  EXPECT_TRUE(dw->always);
  EXPECT_TRUE(im.fs("sandbox.filesystem.denyRead[0]"));
  EXPECT_FALSE(im.fs("sandbox.filesystem.denyRead[1]")) << "allowRead beats denyRead";
  EXPECT_TRUE(im.set("lock-filesystem-read"));
  EXPECT_TRUE(im.set("filesystem-disabled"));
}

TEST(ClaudeImporter, SandboxErrorsAreLocated) {
  Import type("{\"sandbox\": {\"network\": {\"allowedDomains\": \"github.com\"}}}");
  EXPECT_EQ(type.ids(), "invalid-entry");
  Import value("{\"sandbox\": {\"network\": {\"allowedDomains\": [\"*.com\"]}}}");
  EXPECT_EQ(value.ids(), "invalid-entry");
  EXPECT_TRUE(at(value.diag().loc, 1, 45));
  Import unknown("{\"sandbox\": {\"network\": {\"allowed\": []}}}");
  EXPECT_EQ(unknown.ids(), "unknown-setting");
  EXPECT_NE(unknown.messages().find("in 'sandbox.network'"), std::string::npos);
  Import notObject("{\"sandbox\": true}");
  EXPECT_EQ(notObject.ids(), "invalid-entry");
  EXPECT_TRUE(notObject.file) << "findings never stop the import";
}

// ---- permissions ---------------------------------------------------------------------

TEST(ClaudeImporter, EditRulesBecomeWriteRules) {
  Import im(permissions("\"allow\": [\"Edit(docs/**)\"],\n \"deny\": [\"Edit(./.git/**)\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  const ast::FsRule *a = im.fs("permissions.allow[0]");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->always);
  EXPECT_EQ(a->effect, ast::Effect::Allow);
  EXPECT_EQ(a->accesses, std::vector<ast::Access>{ast::Access::Write});
  EXPECT_EQ(a->pattern.value, "docs/**");
  EXPECT_TRUE(at(a->loc, 1, 28));
  const ast::FsRule *d = im.fs("permissions.deny[0]");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->always) << "Claude: a deny rule beats every allow rule";
  EXPECT_EQ(d->effect, ast::Effect::Deny);
  EXPECT_EQ(d->accesses, std::vector<ast::Access>{ast::Access::Write});
  EXPECT_EQ(d->pattern.value, "./.git/**");
  EXPECT_TRUE(at(d->loc, 2, 11));
}

TEST(ClaudeImporter, ReadDenyIsAReadRuleAndReadAllowDoesNothing) {
  Import im(permissions("\"allow\": [\"Read(~/notes)\"], \"deny\": [\"Read(~/.ssh/**)\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_FALSE(im.fs("permissions.allow[0]"));
  const ast::FsRule *d = im.fs("permissions.deny[0]");
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->always);
  EXPECT_EQ(d->effect, ast::Effect::Deny);
  EXPECT_EQ(d->accesses, std::vector<ast::Access>{ast::Access::Read});
  EXPECT_EQ(d->pattern.value, "~/.ssh/**");
}

TEST(ClaudeImporter, AllowReadBeatsAReadDenyRuleAtTheSamePath) {
  Import im("{\"sandbox\": {\"filesystem\": {\"allowRead\": [\"~/.config/gh\"]}},"
            " \"permissions\": {\"deny\": [\"Read(~/.config/gh/)\", \"Read(~/.config)\"]}}");
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_FALSE(im.fs("permissions.deny[0]"));
  EXPECT_TRUE(im.fs("permissions.deny[1]"));
}

TEST(ClaudeImporter, RulePathForms) {
  Import im(permissions("\"allow\": [\"Edit(//abs/x)\", \"Edit(~/home)\", \"Edit(/rel/to/settings)\","
                        " \"Edit(./cwd)\", \"Edit(cwd2)\", \"Edit(a/*.md)\"]"),
            "/repo/.claude");
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_EQ(im.fs("permissions.allow[0]")->pattern.value, "/abs/x");
  EXPECT_EQ(im.fs("permissions.allow[1]")->pattern.value, "~/home");
  EXPECT_EQ(im.fs("permissions.allow[2]")->pattern.value, "/repo/.claude/rel/to/settings");
  EXPECT_EQ(im.fs("permissions.allow[3]")->pattern.value, "./cwd");
  EXPECT_EQ(im.fs("permissions.allow[4]")->pattern.value, "cwd2") << "allows stay anchored";
  EXPECT_EQ(im.fs("permissions.allow[5]")->pattern.value, "a/*.md");
}

TEST(ClaudeImporter, SlashlessDenyPatternsCoverEveryDepth) {
  Import im(permissions("\"deny\": [\"Read(.env)\", \"Edit(*.pem)\", \"Read(build/)\","
                        " \"Read(./top.env)\", \"Read(a/b)\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_EQ(im.fs("permissions.deny[0]")->pattern.value, "**/.env");
  EXPECT_EQ(im.fs("permissions.deny[1]")->pattern.value, "**/*.pem");
  EXPECT_EQ(im.fs("permissions.deny[2]")->pattern.value, "**/build/");
  EXPECT_EQ(im.fs("permissions.deny[3]")->pattern.value, "./top.env");
  EXPECT_EQ(im.fs("permissions.deny[4]")->pattern.value, "a/b");
}

TEST(ClaudeImporter, SettingsDirectoryIsALiteralPath) {
  std::string error;
  auto p = claudeRulePath("/x", "/odd [dir]/$HOME/*", false, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(*p, "/odd \\[dir]/\\$HOME/\\*/x");
  EXPECT_EQ(*claudeRulePath("/a$b", "/r/", false, error), "/r/a\\$b");
  EXPECT_EQ(*claudeRulePath("//", "/r", false, error), "/");
}

TEST(ClaudeImporter, SettingsRelativePathNeedsTheDirectory) {
  Import im(permissions("\"allow\": [\"Edit(/docs)\"]"), "");
  EXPECT_TRUE(im.file);
  EXPECT_EQ(im.ids(), "invalid-entry");
  EXPECT_NE(im.messages().find("'//'"), std::string::npos);
}

TEST(ClaudeImporter, WebFetchDomainsBecomeNetRules) {
  Import im(permissions("\"allow\": [\"WebFetch(domain:docs.rs)\", \"WebFetch(domain:*.github.com)\"],"
                        " \"deny\": [\"WebFetch(domain:pastebin.com)\"], \"ask\": [\"WebFetch(domain:x.org)\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  ASSERT_EQ(im.all<ast::NetRule>().size(), 3u);
  EXPECT_EQ(im.net("permissions.allow[0]")->host.value, "docs.rs");
  EXPECT_EQ(im.net("permissions.allow[0]")->effect, ast::Effect::Allow);
  EXPECT_EQ(im.net("permissions.allow[1]")->host.value, "*.github.com");
  EXPECT_EQ(im.net("permissions.deny[0]")->effect, ast::Effect::Deny);
}

TEST(ClaudeImporter, WebFetchNeedsADomainSrtAccepts) {
  for (const char *rule : {"WebFetch(https://a.com)", "WebFetch(domain:*.com)", "WebFetch(domain:)"}) {
    Import im(permissions(std::string("\"allow\": [\"") + rule + "\"]"));
    EXPECT_TRUE(im.file) << rule;
    EXPECT_EQ(im.ids(), "invalid-entry") << rule;
    EXPECT_TRUE(im.all<ast::NetRule>().empty()) << rule << ": Claude Code skips it";
  }
}

TEST(ClaudeImporter, OtherToolsAndAskRulesHaveNoSandboxEffect) {
  Import im(permissions("\"allow\": [\"Bash(npm run test:*)\", \"WebSearch\", \"mcp__github__create_issue\","
                        " \"Glob\", \"Grep\", \"Write(x)\", \"NotebookEdit\", \"Task\", \"Edit\", \"Read\","
                        " \"WebFetch\", \"Bash(echo $(date))\", \"mcp__srv__*\"],"
                        " \"ask\": [\"Edit(src/**)\", \"Read(.env)\"], \"deny\": [\"Bash(curl:*)\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_TRUE(im.all<ast::FsRule>().size() == 1u && im.fs(kImplied)) << "only the implied grant";
  EXPECT_TRUE(im.all<ast::NetRule>().empty());
}

TEST(ClaudeImporter, MalformedRulesAreInvalidAtTheElement) {
  for (const char *rule : {"Edit(src", "Edit(a))", "Edit(a)b", "Edit()", "(x)", "Edit x", "",
                           "Bash(echo (x)"}) {
    Import im(permissions(std::string("\"allow\": [\"Bash\", \"") + rule + "\"]"));
    EXPECT_TRUE(im.file) << rule;
    EXPECT_EQ(im.ids(), "invalid-entry") << rule;
    if (!im.diags.diagnostics().empty()) {
      EXPECT_TRUE(at(im.diag().loc, 1, 36)) << rule;
    }
  }
}

TEST(ClaudeImporter, PermissionRuleParser) {
  std::string error;
  auto bare = parsePermissionRule("WebSearch", error);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->tool, "WebSearch");
  EXPECT_FALSE(bare->specifier);
  auto spec = parsePermissionRule("Bash(f (a) (b))", error);
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->tool, "Bash");
  EXPECT_EQ(*spec->specifier, "f (a) (b)");
  EXPECT_FALSE(parsePermissionRule("Edit(a)(b)", error)) << "')(' closes and reopens";
  EXPECT_FALSE(parsePermissionRule("Ed it(a)", error));
}

TEST(ClaudeImporter, AdditionalDirectoriesAreWritable) {
  Import im(permissions("\"additionalDirectories\": [\"/srv/shared\", \"~/notes\", \"lib\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  const ast::FsRule *r = im.fs("permissions.additionalDirectories[0]");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->effect, ast::Effect::Allow);
  EXPECT_EQ(r->accesses, std::vector<ast::Access>{ast::Access::Write});
  EXPECT_EQ(r->pattern.value, "/srv/shared") << "a plain path, not a rule pattern";
  EXPECT_EQ(im.fs("permissions.additionalDirectories[2]")->pattern.value, "lib");
  Import empty(permissions("\"additionalDirectories\": [\"\"]"));
  EXPECT_EQ(empty.ids(), "invalid-entry");
  Import home(permissions("\"additionalDirectories\": [\"$HOME/a\", \"${HOME}\", \"/x/$HOME\"]"));
  ASSERT_TRUE(home.file) << home.messages();
  EXPECT_EQ(home.fs("permissions.additionalDirectories[0]")->pattern.value, "~/a");
  EXPECT_EQ(home.fs("permissions.additionalDirectories[1]")->pattern.value, "~");
  EXPECT_EQ(home.fs("permissions.additionalDirectories[2]")->pattern.value, "/x/\\$HOME");
}

TEST(ClaudeImporter, ModesAreOptions) {
  Import ok(permissions("\"defaultMode\": \"bypassPermissions\", \"disableBypassPermissionsMode\": \"disable\","
                        " \"disableAutoMode\": \"disable\""));
  ASSERT_TRUE(ok.file) << ok.messages();
  EXPECT_EQ(std::get<std::string>(ok.set("default-mode")->value.value), "bypassPermissions");
  EXPECT_TRUE(ok.set("disable-bypass-permissions-mode"));
  EXPECT_TRUE(ok.set("disable-auto-mode"));
  Import manual(permissions("\"defaultMode\": \"manual\""));
  EXPECT_EQ(std::get<std::string>(manual.set("default-mode")->value.value), "default");
  for (const char *bad : {"\"defaultMode\": 1", "\"defaultMode\": \"yolo\"",
                          "\"disableBypassPermissionsMode\": true"}) {
    Import b(permissions(bad));
    EXPECT_TRUE(b.file) << bad;
    EXPECT_EQ(b.ids(), "invalid-entry") << bad;
  }
}

TEST(ClaudeImporter, CommandsOutsideTheSandboxAreOptions) {
  Import im("{\"apiKeyHelper\": \"k.sh\", \"statusLine\": {\"type\": \"command\", \"command\": \"s.sh\"},"
            " \"hooks\": {\"Stop\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"say hi\"}]}]},"
            " \"awsAuthRefresh\": \"aws sso login\", \"enabledPlugins\": {\"a@m\": true, \"b@m\": false},"
            " \"extraKnownMarketplaces\": {\"m\": {\"source\": {\"source\": \"github\", \"repo\": \"o/r\"}}},"
            " \"allowManagedHooksOnly\": true, \"allowManagedPermissionRulesOnly\": false}");
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_EQ(im.ids(), "");
  EXPECT_EQ(std::get<std::string>(im.set("api-key-helper")->value.value), "k.sh");
  EXPECT_EQ(std::get<std::string>(im.set("status-line-command")->value.value), "s.sh");
  EXPECT_EQ(std::get<std::vector<std::string>>(im.set("hook-commands")->value.value),
            std::vector<std::string>{"Stop: say hi"});
  EXPECT_EQ(std::get<std::vector<std::string>>(im.set("helper-commands")->value.value),
            std::vector<std::string>{"awsAuthRefresh: aws sso login"});
  EXPECT_EQ(std::get<std::vector<std::string>>(im.set("enabled-plugins")->value.value),
            std::vector<std::string>{"a@m"});
  EXPECT_EQ(std::get<std::vector<std::string>>(im.set("extra-known-marketplaces")->value.value),
            std::vector<std::string>{"m: o/r"});
  EXPECT_TRUE(im.set("allow-managed-hooks-only"));
  EXPECT_TRUE(im.set("allow-managed-permission-rules-only"));
  Import off("{\"disableAllHooks\": true, \"statusLine\": {\"type\": \"command\", \"command\": \"s\"},"
             " \"hooks\": {\"Stop\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"x\"}]}]}}");
  ASSERT_TRUE(off.file) << off.messages();
  EXPECT_FALSE(off.set("hook-commands"));
  EXPECT_FALSE(off.set("status-line-command"));
}

TEST(ClaudeImporter, PermissionErrorsAreLocated) {
  Import list(permissions("\"allow\": \"Edit(x)\""));
  EXPECT_EQ(list.ids(), "invalid-entry");
  Import item(permissions("\"deny\": [\"Edit(x)\", 3]"));
  EXPECT_EQ(item.ids(), "invalid-entry");
  EXPECT_TRUE(item.fs("permissions.deny[0]")) << "the other entries still count";
  Import unknown(permissions("\"allowed\": []"));
  EXPECT_EQ(unknown.ids(), "unknown-setting");
  EXPECT_NE(unknown.messages().find("in 'permissions'"), std::string::npos);
}

// ---- top level -------------------------------------------------------------------------

TEST(ClaudeImporter, EverySchemaKeyIsAcceptedSilently) {
  std::string text = "{\"sandbox\": {\"enabled\": true}";
  for (std::string_view key : claudeTopLevelKeys())
    if (key != "sandbox" && key != "permissions")
      text += ", \"" + std::string(key) + "\": null";
  text += "}";
  Import im(text);
  ASSERT_TRUE(im.file) << im.messages();
  // Only the keys moat models check their values (null is not a command).
  for (const Diagnostic &d : im.diags.diagnostics())
    EXPECT_EQ(d.id, "invalid-entry") << d.message;
  EXPECT_GT(claudeTopLevelKeys().size(), 180u);
}

TEST(ClaudeImporter, OtherTopLevelKeysAreFindings) {
  Import im("{\"permissions\": {},\n \"network\": {}, \"zzz\": 1, \"_c\": 2}");
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_EQ(im.ids(), "misplaced-setting unknown-setting");
  EXPECT_TRUE(at(im.diag().loc, 2, 2));
  EXPECT_NE(im.messages().find("`sandbox.network`"), std::string::npos);
  Import arr("[]");
  EXPECT_EQ(arr.ids(), "wrong-type");
  EXPECT_FALSE(arr.file);
}

// ---- through sema -----------------------------------------------------------------------

TEST(ClaudeImporter, ImportedFileAnalysesCleanly) {
  Import im("{\"sandbox\": {\"enabled\": true, \"network\": {\"allowedDomains\": [\"github.com\"]},"
            " \"filesystem\": {\"allowWrite\": [\"/tmp\"], \"denyWrite\": [\".env\"]}},"
            " \"permissions\": {\"allow\": [\"Edit(src/**)\", \"WebFetch(domain:docs.rs)\"],"
            " \"deny\": [\"Edit(.env)\", \"Read(~/.ssh)\"], \"additionalDirectories\": [\"~/shared\"]}}");
  ASSERT_TRUE(im.file) << im.messages();
  sema::SemaOptions options;
  auto policy = sema::analyse(*im.file, nullptr, options, im.diags);
  ASSERT_TRUE(policy) << im.messages();
  EXPECT_TRUE(im.diags.diagnostics().empty()) << im.messages();
  bool implied = false;
  for (const ir::FsRule &r : policy->fsRules)
    implied |= r.prov.origin == kImplied && r.pattern.root == "CWD" && r.pattern.components.empty();
  EXPECT_TRUE(implied);
  EXPECT_EQ(policy->netRules.size(), 2u);
}
