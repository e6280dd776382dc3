// The srt target on fixed policies: what each kind of rule becomes in
// srt-settings.json, every tightening and its warning, the refusals, and the
// round-trip guard that refuses a looser file.
#include "backends/srt/RoundTrip.h"
#include "backends/srt/SandboxExport.h"
#include "backends/srt/SrtTarget.h"

#include "SandboxExportTestSupport.h"

#include <gtest/gtest.h>
#include <llvm/Support/JSON.h>

using namespace moat;
using namespace moat::backends;

namespace {

struct Build : test_support::SettingsBuild {
  Build(const std::string &text, const std::string &format = "",
        const test_support::Defines &defines = test_support::defaultDefines())
      : SettingsBuild(nullptr) {
    BuildOptions options;
    options.format = format;
    run(text, options, defines, srt::build);
  }
};

} // namespace

TEST(SrtExport, AgentDefaultShape) {
  Build b(R"(policy "a" {
    allow write "$CWD", "$TMPDIR";
    deny read "~/.ssh", "$CWD/.env";
    allow connect "registry.npmjs.org";
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_EQ(b.list("filesystem", "allowWrite"), (std::vector<std::string>{".", "/tmp"}));
  EXPECT_EQ(b.list("filesystem", "denyRead"), (std::vector<std::string>{"~/.ssh", "./.env"}));
  EXPECT_EQ(b.list("network", "allowedDomains"), (std::vector<std::string>{"registry.npmjs.org"}));
  EXPECT_TRUE(b.list("network", "deniedDomains").empty());
  // srt's gap closed: moat's protections at the top of every write root,
  // and as globs beneath it for macOS.
  EXPECT_TRUE(b.has("filesystem", "denyWrite", "./.bashrc"));
  EXPECT_TRUE(b.has("filesystem", "denyWrite", "/tmp/.git/hooks"));
  EXPECT_TRUE(b.has("filesystem", "denyWrite", "./**/.git/config"));
  EXPECT_TRUE(b.has("filesystem", "denyWrite", "/tmp/**/.vscode"));
  ASSERT_TRUE(b.value(nullptr, "mandatoryDenySearchDepth"));
  EXPECT_EQ(b.value(nullptr, "mandatoryDenySearchDepth")->getAsInteger(), llvm::Optional<int64_t>(10));
  // ...and what they cannot do on Linux is said once per write root.
  EXPECT_EQ(b.warnings("copies deeper inside it stay writable"), 2u) << b.messages();
}

TEST(SrtExport, OutputIsDeterministicAndSorted) {
  const char *text = R"(policy "a" { allow write "$CWD"; deny read "~/.aws"; allow connect "b.example.com", "a.example.com"; })";
  Build one(text), two(text);
  ASSERT_FALSE(one.result.output.empty()) << one.messages();
  EXPECT_EQ(one.result.output, two.result.output);
  EXPECT_LT(one.result.output.find("\"filesystem\""), one.result.output.find("\"network\""));
  EXPECT_LT(one.result.output.find("b.example.com"), one.result.output.find("a.example.com"));
}

TEST(SrtExport, RootsNeedDefinesOrStaySymbolic) {
  Build refused(R"(policy "a" {
    allow write "$TMPDIR/x";
  })",
                "", {});
  EXPECT_TRUE(refused.refused());
  ASSERT_FALSE(refused.diags.diagnostics().empty());
  const Diagnostic &d = refused.diags.diagnostics().front();
  EXPECT_EQ(d.id, "backend-refused");
  EXPECT_EQ(d.loc.line, 2u);
  EXPECT_NE(d.message.find("pass --define TMPDIR=PATH"), std::string::npos) << d.message;

  Build vars(R"(policy "a" {
    let out = "$CWD/build";
    let cache = "$HOME/.cache";
    let out2 = "$out/x";
    allow write "$out", "$cache", "$out2/**/*.log";
  })",
             "macos");
  ASSERT_FALSE(vars.diags.hasErrors()) << vars.messages();
  EXPECT_EQ(vars.list("filesystem", "allowWrite"),
            (std::vector<std::string>{"./build", "~/.cache", "./build/x/**/*.log"}));

  Build defined(R"(policy "a" { let out = "$CWD/build"; allow write "$out", "~/w"; })", "",
                {{"out", "/srv/out"}, {"HOME", "/home/u"}});
  ASSERT_FALSE(defined.diags.hasErrors()) << defined.messages();
  EXPECT_EQ(defined.list("filesystem", "allowWrite"),
            (std::vector<std::string>{"/srv/out", "/home/u/w"}));
}

TEST(SrtExport, LiteralNamesAreEscaped) {
  Build b(R"(policy "a" { deny read "~/a\\*b", "~/cost\\$"; allow write "$CWD"; })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  // `*` stays literal (escaped); `$` is an ordinary character in srt paths.
  EXPECT_EQ(b.list("filesystem", "denyRead"), (std::vector<std::string>{"~/a\\*b", "~/cost$"}));
}

TEST(SrtExport, ExactFileReadGrant) {
  Build b(R"(policy "a" {
    default read deny;
    allow read "/usr";
    allow read file "/etc/hosts";
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_EQ(b.list("filesystem", "denyRead"), (std::vector<std::string>{"/", "/etc/hosts/*"}));
  EXPECT_EQ(b.list("filesystem", "allowRead"), (std::vector<std::string>{"/usr", "/etc/hosts"}));
  EXPECT_EQ(b.warnings("so that this single-file grant does not cover", 4), 1u) << b.messages();
}

TEST(SrtExport, SamePathReadsKeepThePolicysWinner) {
  // The IR lets the exact-file deny win at ~/x; srt would let allowRead win
  // at the same path. The allow goes (tighter beneath ~/x, and said so).
  Build b(R"(policy "a" {
    allow read "~/x";
    deny read file "~/x";
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_EQ(b.list("filesystem", "denyRead"), (std::vector<std::string>{"~/x"}));
  EXPECT_TRUE(b.list("filesystem", "allowRead").empty());
  EXPECT_EQ(b.warnings("stricter than this rule: read ~/x/", 2), 1u) << b.messages();

  // An always allow beats an ordinary deny of the same path: both written,
  // and srt's allowRead wins.
  Build c(R"(policy "a" {
    always allow read "~/y" because "shared";
    deny read "~/y";
  })");
  ASSERT_FALSE(c.diags.hasErrors()) << c.messages();
  EXPECT_EQ(c.list("filesystem", "allowRead"), (std::vector<std::string>{"~/y"}));
  EXPECT_EQ(c.warnings("stricter"), 0u) << c.messages();
}

TEST(SrtExport, AlwaysReadDenyBeatsMoreSpecificAllows) {
  Build b(R"(policy "a" {
    always deny read "~/.aws";
    allow read "~/.aws/config";
    allow read "~/proj";
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  // ~/.aws/config is denied by the policy too (the always tier wins), so
  // leaving its allow out loses nothing and needs no warning.
  EXPECT_EQ(b.list("filesystem", "allowRead"), (std::vector<std::string>{"~/proj"}));
  EXPECT_TRUE(b.has("filesystem", "denyRead", "~/.aws"));
  EXPECT_EQ(b.warnings("stricter"), 0u) << b.messages();
}

TEST(SrtExport, AlwaysGlobReadDenyIsRestatedInsideMoreSpecificAllows) {
  Build b(R"(policy "a" {
    default read deny;
    always deny read "/**/.env", "/**/.git/config";
    allow read "$CWD", "~/repo/.git";
    allow read "/srv/app/.env/x";
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  // The grants stay; the always deny is restated inside each, so that it is
  // more specific there and wins as it does in the policy.
  EXPECT_EQ(b.list("filesystem", "allowRead"), (std::vector<std::string>{".", "~/repo/.git"}));
  EXPECT_TRUE(b.has("filesystem", "denyRead", "./**/.env"));
  EXPECT_TRUE(b.has("filesystem", "denyRead", "./**/.git/config"));
  EXPECT_TRUE(b.has("filesystem", "denyRead", "~/repo/.git/**/.git/config"));
  // ~/repo/.git already ends the way .git/config begins.
  EXPECT_TRUE(b.has("filesystem", "denyRead", "~/repo/.git/config"));
  // Inside a denied .env the grant was dead anyway: left out, no warning.
  EXPECT_FALSE(b.has("filesystem", "allowRead", "/srv/app/.env/x"));
  EXPECT_EQ(b.warnings("stricter"), 0u) << b.messages();
}

TEST(SrtExport, AlwaysReadDenyIsRestatedBeneathWhatItMatches) {
  // The glob matches $CWD/.env/build itself, the always deny only an
  // ancestor of it: once both are ordinary the glob would win there (match
  // class comes first), so the deny is restated as "./.env/**/*", which
  // matches every path beneath .env itself and is more specific.
  Build b(R"(policy "a" {
    default read deny;
    always deny read "$CWD/.env";
    allow read "$CWD/*/build";
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_EQ(b.list("filesystem", "allowRead"), (std::vector<std::string>{"./*/build"}));
  EXPECT_TRUE(b.has("filesystem", "denyRead", "./.env"));
  EXPECT_TRUE(b.has("filesystem", "denyRead", "./.env/**/*"));
  EXPECT_EQ(b.warnings("stricter"), 0u) << b.messages();
  EXPECT_EQ(b.warnings("no `always` tier"), 0u) << b.messages();

  // A grant more specific than the restatement inside .env is dead in the
  // policy: left out without a warning.
  Build dead(R"(policy "a" {
    default read deny;
    always deny read "$CWD/.env";
    allow read "$CWD/.env/x/*/y";
  })");
  ASSERT_FALSE(dead.diags.hasErrors()) << dead.messages();
  EXPECT_TRUE(dead.list("filesystem", "allowRead").empty());
  EXPECT_EQ(dead.warnings("no `always` tier"), 0u) << dead.messages();

  // The glob deny's restatement "/**/.env/**/*" is less specific than the
  // grant, which would still win at $CWD/.env/build: the grant is left out,
  // with a warning, since it also grants $CWD/a/build.
  Build lost(R"(policy "a" {
    default read deny;
    always deny read "/**/.env";
    allow read "$CWD/*/build";
  })");
  ASSERT_FALSE(lost.diags.hasErrors()) << lost.messages();
  EXPECT_TRUE(lost.list("filesystem", "allowRead").empty()) << lost.messages();
  EXPECT_EQ(lost.warnings("no `always` tier", 4), 1u) << lost.messages();
}

TEST(SrtExport, WriteGlobsOnLinux) {
  const char *text = R"(policy "a" {
    allow write "$CWD", "/tmp";
    deny write "$CWD/**/*.pem";
    deny write "$CWD/out/**";
  })";
  Build portable(text);
  ASSERT_FALSE(portable.diags.hasErrors()) << portable.messages();
  // srt on Linux ignores the glob, so the grant it cuts into goes.
  EXPECT_EQ(portable.list("filesystem", "allowWrite"), (std::vector<std::string>{"/tmp"}));
  EXPECT_TRUE(portable.has("filesystem", "denyWrite", "./**/*.pem"));
  // A trailing `/**` is the literal directory, which srt honours.
  EXPECT_TRUE(portable.has("filesystem", "denyWrite", "./out"));
  EXPECT_EQ(portable.warnings("ignores globs in denyWrite", 3), 1u) << portable.messages();
  EXPECT_EQ(portable.warnings("ignores globs in denyWrite", 4), 0u) << portable.messages();

  Build mac(text, "macos");
  ASSERT_FALSE(mac.diags.hasErrors()) << mac.messages();
  EXPECT_EQ(mac.list("filesystem", "allowWrite"), (std::vector<std::string>{".", "/tmp"}));
  EXPECT_EQ(mac.warnings("ignores globs"), 0u) << mac.messages();

  Build grant(R"(policy "a" { allow write "$CWD/**/*.log"; allow write file "~/.history"; })", "linux");
  ASSERT_FALSE(grant.diags.hasErrors()) << grant.messages();
  EXPECT_TRUE(grant.list("filesystem", "allowWrite").empty());
  EXPECT_EQ(grant.warnings("ignores globs in write rules"), 1u) << grant.messages();
  EXPECT_EQ(grant.warnings("one file without what is beneath it"), 1u) << grant.messages();

  Build macGrant(R"(policy "a" { allow write file "~/.history"; })", "macos");
  ASSERT_FALSE(macGrant.diags.hasErrors()) << macGrant.messages();
  EXPECT_TRUE(macGrant.has("filesystem", "allowWrite", "~/.history"));
  EXPECT_TRUE(macGrant.has("filesystem", "denyWrite", "~/.history/*"));
}

TEST(SrtExport, OrdinaryWriteDenyBecomesAlways) {
  Build b(R"(policy "a" {
    allow write "~";
    deny write "~/proj";
    allow write "~/proj/out";
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_TRUE(b.has("filesystem", "denyWrite", "~/proj"));
  // The grant beneath the deny is lost, and the warning says where.
  EXPECT_EQ(b.warnings("stricter than this rule: write ~/proj/out is denied there by "
                       "filesystem.denyWrite",
                       4),
            1u)
      << b.messages();
}

TEST(SrtExport, WriteWithoutReadIsLeftOut) {
  Build b(R"(policy "a" {
    default read deny;
    allow read "/usr";
    allow write "/srv/drop";
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_TRUE(b.list("filesystem", "allowWrite").empty());
  EXPECT_EQ(b.warnings("cannot grant writing without reading", 4), 1u) << b.messages();
}

TEST(SrtExport, DefaultsBecomeEntries) {
  Build b(R"(policy "a" {
    default read deny;
    default write allow;
    allow read "/";
    default connect allow;
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_TRUE(b.has("filesystem", "allowWrite", "/"));
  EXPECT_TRUE(b.has("filesystem", "allowRead", "/"));
  EXPECT_TRUE(b.has("filesystem", "denyRead", "/"));
  EXPECT_EQ(b.warnings("'default connect allow' becomes deny", 5), 1u) << b.messages();
}

TEST(SrtExport, Hosts) {
  Build b(R"(policy "a" {
    allow connect "*.example.com", "api.example.com:8000-8003", "10.1.2.3:443", "[::1]:22";
    allow connect "10.20.0.0/16", "intranet", "*:443", "wide.example.com:1-1000";
    deny connect "169.254.169.254", "10.0.0.0/8", "[fd00::]/8", "*:25";
    deny connect "bad.example.com:1-65000";
    deny connect "*.internal";
    allow connect "svc.internal";
    allow connect "dup.example.com:8000-8001";
    deny connect "dup.example.com:8001";
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_EQ(b.list("network", "allowedDomains"),
            (std::vector<std::string>{"*.example.com", "api.example.com:8000", "api.example.com:8001",
                                      "api.example.com:8002", "api.example.com:8003", "[::1]:22",
                                      "dup.example.com:8000"}));
  EXPECT_EQ(b.list("network", "deniedResolvedAddresses"),
            (std::vector<std::string>{"10.0.0.0/8", "fd00::/8"}));
  // srt checks deniedResolvedAddresses only against what names resolve to:
  // the address inside 10.0.0.0/8 that the policy also allows has to go.
  EXPECT_EQ(b.warnings("the allowed hosts '10.0.0.0/8' cuts into are left out: '10.1.2.3:443'", 4), 1u)
      << b.messages();
  // The wide port range overlaps *.example.com: denied on every port.
  EXPECT_EQ(b.list("network", "deniedDomains"),
            (std::vector<std::string>{"169.254.169.254", "*:25", "bad.example.com", "dup.example.com:8001"}));
  EXPECT_EQ(b.warnings("cannot allow '10.20.0.0/16'", 3), 1u) << b.messages();
  EXPECT_EQ(b.warnings("cannot allow 'intranet'", 3), 1u) << b.messages();
  EXPECT_EQ(b.warnings("cannot allow '*:443'", 3), 1u) << b.messages();
  EXPECT_EQ(b.warnings("cannot allow 'wide.example.com:1-1000'", 3), 1u) << b.messages();
  EXPECT_EQ(b.warnings("on every port instead", 5), 1u) << b.messages();
  // `*.internal` cannot be written; the allowed host it covers goes instead.
  EXPECT_EQ(b.warnings("leave out the allowed hosts it cuts into: 'svc.internal'", 6), 1u)
      << b.messages();
}

TEST(SrtExport, UnixSockets) {
  const char *text = R"(policy "a" {
    allow unix-socket "/run/user/1000/bus", "/run/a";
    deny unix-socket "/run/a/docker.sock";
    allow unix-socket "/run/*.sock";
    set allow-all-unix-sockets = true;
  })";
  Build portable(text);
  ASSERT_FALSE(portable.diags.hasErrors()) << portable.messages();
  EXPECT_EQ(portable.list("network", "allowUnixSockets"),
            (std::vector<std::string>{"/run/user/1000/bus"}));
  EXPECT_EQ(portable.value("network", "allowAllUnixSockets"), nullptr);
  EXPECT_EQ(portable.warnings("macOS only"), 1u) << portable.messages();
  EXPECT_EQ(portable.warnings("cuts into: '/run/a'", 3), 1u) << portable.messages();
  EXPECT_EQ(portable.warnings("not globs", 4), 1u) << portable.messages();
  EXPECT_EQ(portable.warnings("allowAllUnixSockets is left out", 5), 1u) << portable.messages();

  Build linuxOnly(text, "linux");
  ASSERT_FALSE(linuxOnly.diags.hasErrors()) << linuxOnly.messages();
  EXPECT_TRUE(linuxOnly.list("network", "allowUnixSockets").empty());

  Build all(R"(policy "a" { set allow-all-unix-sockets = true; })");
  ASSERT_FALSE(all.diags.hasErrors()) << all.messages();
  ASSERT_TRUE(all.value("network", "allowAllUnixSockets"));
  EXPECT_EQ(all.value("network", "allowAllUnixSockets")->getAsBoolean(), true);
}

TEST(SrtExport, PlatformRules) {
  const char *text = R"(policy "a" {
    allow write "$CWD";
    on macos { allow read, write "/Library/Caches/x"; }
    on linux { deny read "/proc/kcore"; }
  })";
  Build portable(text);
  ASSERT_FALSE(portable.diags.hasErrors()) << portable.messages();
  EXPECT_EQ(portable.list("filesystem", "allowWrite"), (std::vector<std::string>{"."}));
  EXPECT_TRUE(portable.has("filesystem", "denyRead", "/proc/kcore"));
  EXPECT_EQ(portable.warnings("holds on macOS only", 3), 2u) << portable.messages(); // read, write
  // The Linux-only deny holds on macOS too: stricter there, and said so.
  EXPECT_EQ(portable.warnings("read /proc/kcore on macOS is denied there"), 1u)
      << portable.messages();

  Build mac(text, "macos");
  ASSERT_FALSE(mac.diags.hasErrors()) << mac.messages();
  EXPECT_TRUE(mac.has("filesystem", "allowWrite", "/Library/Caches/x"));
  EXPECT_FALSE(mac.has("filesystem", "denyRead", "/proc/kcore"));
}

TEST(SrtExport, Options) {
  Build b(R"(policy "a" {
    set allow-git-config = true;
    set allow-local-binding = true;
    set http-proxy-port = 3128;
    set allow-mach-lookup = ["com.apple.x"];
    set weaker-nested-sandbox = false;
    set excluded-commands = ["docker"];
    set sandbox-disabled = true;
    set lock-network = true;
  })");
  ASSERT_FALSE(b.diags.hasErrors()) << b.messages();
  EXPECT_EQ(b.value("filesystem", "allowGitConfig")->getAsBoolean(), true);
  EXPECT_EQ(b.value("network", "allowLocalBinding")->getAsBoolean(), true);
  EXPECT_EQ(b.value("network", "httpProxyPort")->getAsInteger(), llvm::Optional<int64_t>(3128));
  EXPECT_EQ(b.list("network", "allowMachLookup"), (std::vector<std::string>{"com.apple.x"}));
  EXPECT_EQ(b.value(nullptr, "enableWeakerNestedSandbox")->getAsBoolean(), false);
  EXPECT_EQ(b.warnings("'excluded-commands' is a Claude Code setting", 7), 1u) << b.messages();
  EXPECT_EQ(b.warnings("cannot turn the sandbox off", 8), 1u) << b.messages();
  EXPECT_EQ(b.warnings("no layers below it to lock", 9), 1u) << b.messages();
  EXPECT_EQ(b.result.output.find("excluded"), std::string::npos);
}

TEST(SrtExport, UnknownFormatIsRefused) {
  Build b(R"(policy "a" { allow write "$CWD"; })", "windows");
  EXPECT_TRUE(b.refused());
  EXPECT_NE(b.messages().find("the srt target has no output format 'windows'"), std::string::npos);
}

// The guard itself: settings that allow more than the policy are refused,
// whoever produced them.
TEST(SrtExportGuard, RefusesLooserSettings) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  uint32_t buffer = files.addBuffer("p.moat", R"(policy "a" { allow write "$CWD"; deny read "~/.ssh"; })");
  auto file = readPolicyBuffer(buffer, diags);
  ASSERT_TRUE(file);
  sema::IncludeReader none = [](const std::string &, SourceLoc) { return std::optional<ast::File>(); };
  auto policy = sema::analyse(*file, none, sema::SemaOptions{}, diags);
  ASSERT_TRUE(policy);
  BuildOptions options;
  sandbox::ExportContext ctx(*policy, options, diags, sandbox::Dialect::Srt, sandbox::Scope::Portable);
  const char *looser = R"({"network": {"allowedDomains": [], "deniedDomains": []},
    "filesystem": {"denyRead": [], "allowWrite": ["."], "denyWrite": []}})";
  EXPECT_FALSE(sandbox::checkRoundTrip(ctx, looser, "<test>"));
  ASSERT_TRUE(diags.hasErrors());
  const Diagnostic &d = diags.diagnostics().back();
  EXPECT_EQ(d.id, "backend-refused");
  EXPECT_NE(d.message.find("would allow read ~/.ssh"), std::string::npos) << d.message;

  DiagnosticEngine diags2(files);
  sandbox::ExportContext ctx2(*policy, options, diags2, sandbox::Dialect::Srt, sandbox::Scope::Portable);
  EXPECT_FALSE(sandbox::checkRoundTrip(ctx2, "{\"network\": 1}", "<test>"));
  ASSERT_TRUE(diags2.hasErrors());
  EXPECT_NE(diags2.diagnostics().back().message.find("do not read back"), std::string::npos);
}
