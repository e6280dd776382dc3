// importSrt: every srt-settings.json key maps onto the AST as srt means it,
// and every way a file is refused is a located diagnostic.
#include "compiler/import/Importers.h"
#include "compiler/import/ImportPaths.h"
#include "compiler/import/SrtDomains.h"
#include "compiler/sema/Sema.h"

#include "ImporterTestSupport.h"

#include <gtest/gtest.h>

#include <string>

using namespace moat;
using namespace moat::import;

namespace {

// A minimal valid file with `extra` spliced into each section.
std::string srtFile(const std::string &network = "", const std::string &filesystem = "",
                    const std::string &top = "") {
  return "{\n"
         "  \"network\": {\"allowedDomains\": [], \"deniedDomains\": []" +
         (network.empty() ? "" : ", " + network) +
         "},\n"
         "  \"filesystem\": {\"denyRead\": [], \"allowWrite\": [], \"denyWrite\": []" +
         (filesystem.empty() ? "" : ", " + filesystem) + "}" + (top.empty() ? "" : ",\n  " + top) +
         "\n}\n";
}

struct Import : test_support::ImportedFile {
  explicit Import(const std::string &text) {
    file = importSrt(files.addBuffer("srt-settings.json", text), diags);
  }
};
using test_support::at;

} // namespace

// ---- network -------------------------------------------------------------------

TEST(SrtImporter, MinimalFileHasNoRules) {
  Import im(srtFile());
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_TRUE(im.diags.diagnostics().empty());
  EXPECT_EQ(im.file->kind, ast::SourceKind::Srt);
  EXPECT_TRUE(im.file->stmts.empty());
}

TEST(SrtImporter, DomainsBecomeNetRulesWithLocationAndOrigin) {
  Import im("{\"network\": {\n"
            "  \"allowedDomains\": [\"github.com\", \"*.npmjs.org\", \"api.example.com:443\",\n"
            "                     \"localhost\", \"[::1]:8080\", \"*.co.uk\"],\n"
            "  \"deniedDomains\": [\"evil.com\", \"*\", \"*:22\"]},\n"
            " \"filesystem\": {\"denyRead\": [], \"allowWrite\": [], \"denyWrite\": []}}");
  ASSERT_TRUE(im.file) << im.messages();
  auto nets = im.all<ast::NetRule>();
  ASSERT_EQ(nets.size(), 9u);
  const ast::NetRule *gh = im.net("network.allowedDomains[0]");
  ASSERT_TRUE(gh);
  EXPECT_EQ(gh->effect, ast::Effect::Allow);
  EXPECT_FALSE(gh->always);
  EXPECT_EQ(gh->host.value, "github.com");
  EXPECT_TRUE(at(gh->loc, 2, 22));
  EXPECT_TRUE(at(gh->host.loc, 2, 22));
  EXPECT_EQ(im.net("network.allowedDomains[2]")->host.value, "api.example.com:443");
  EXPECT_TRUE(at(im.net("network.allowedDomains[4]")->loc, 3, 35));
  const ast::NetRule *any = im.net("network.deniedDomains[1]");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->effect, ast::Effect::Deny);
  EXPECT_EQ(any->host.value, "*");
  EXPECT_EQ(im.net("network.deniedDomains[2]")->host.value, "*:22");
}

TEST(SrtImporter, RefusesDomainsSrtRefuses) {
  struct Case {
    const char *list;
    const char *entry;
  } cases[] = {
      {"allowedDomains", "*"},           {"allowedDomains", "*.com"},
      {"allowedDomains", "intranet"},    {"allowedDomains", "https://a.com"},
      {"allowedDomains", "a.com/path"},  {"allowedDomains", "::1"},
      {"allowedDomains", "a.*.com"},     {"allowedDomains", "a.com:0"},
      {"allowedDomains", "a.com:65536"}, {"allowedDomains", "a.com."},
      {"allowedDomains", ""},            {"deniedDomains", "*.com"},
      {"deniedDomains", "2001:db8::1"},  {"allowedDomains", "[a.com]"},
      {"allowedDomains", "[::1]x"},      {"deniedDomains", "10.0.0.0/8"},
  };
  for (const Case &c : cases) {
    std::string text = "{\"network\": {\"" + std::string(c.list) + "\": [\"" + c.entry + "\"], \"" +
           (std::string(c.list) == "allowedDomains" ? "deniedDomains" : "allowedDomains") +
           "\": []},\n \"filesystem\": {\"denyRead\": [], \"allowWrite\": [], \"denyWrite\": []}}";
    Import im(text);
    EXPECT_FALSE(im.file) << c.entry;
    EXPECT_EQ(im.ids(), "invalid-value") << c.entry << ": " << im.messages();
    if (!im.diags.diagnostics().empty()) {
      EXPECT_TRUE(at(im.diag().loc, 1, static_cast<uint32_t>(19 + std::string(c.list).size())))
          << c.entry;
    }
  }
}

TEST(SrtImporter, DomainChecksMatchSrt) {
  EXPECT_FALSE(srtDomainProblem("a.b.example.com:8443", false));
  EXPECT_FALSE(srtDomainProblem("[2001:db8::1]:443", false));
  EXPECT_FALSE(srtDomainProblem("[2001:db8::1]", false));
  EXPECT_FALSE(srtDomainProblem("127.0.0.1", false));
  EXPECT_FALSE(srtDomainProblem("*", true));
  EXPECT_FALSE(srtDomainProblem("*:443", true));
  EXPECT_TRUE(srtDomainProblem("*:443", false));
  // A suffix that is not a port stays in the host and fails there.
  EXPECT_TRUE(srtDomainProblem("evil.com:443.allowed.com", false));
  EXPECT_TRUE(srtDomainProblem("a.com:080", false));
  EXPECT_TRUE(srtDomainProblem("*.a", false));
  EXPECT_TRUE(srtDomainProblem("*..a.b", false));
  EXPECT_TRUE(srtDomainProblem("[1.2.3.4]", false));
}

TEST(SrtImporter, DeniedResolvedAddressesBecomeDenyRules) {
  Import im(srtFile("\"deniedResolvedAddresses\": [\"10.0.0.0/8\", \"169.254.169.254\", \"fd00::/8\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  const ast::NetRule *r = im.net("network.deniedResolvedAddresses[0]");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->effect, ast::Effect::Deny);
  EXPECT_EQ(r->host.value, "10.0.0.0/8");
  EXPECT_EQ(im.net("network.deniedResolvedAddresses[2]")->host.value, "fd00::/8");
  for (const char *bad : {"example.com", "[::1]", "10.0.0.0/8:80", "10.0.0.1/8", ""}) {
    Import b(srtFile(std::string("\"deniedResolvedAddresses\": [\"") + bad + "\"]"));
    EXPECT_FALSE(b.file) << bad;
    EXPECT_EQ(b.ids(), "invalid-value") << bad << ": " << b.messages();
  }
}

TEST(SrtImporter, UnixSocketsAreAllowedOnMacosOnly) {
  Import im(srtFile("\"allowUnixSockets\": [\"/var/run/docker.sock\", \"~/.ssh/agent\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  auto blocks = im.all<ast::PlatformBlock>();
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0]->platform.value, "macos");
  ASSERT_EQ(blocks[0]->body.size(), 2u);
  auto *sock = std::get_if<ast::UnixSocketRule>(&blocks[0]->body[0].node);
  ASSERT_TRUE(sock);
  EXPECT_EQ(sock->effect, ast::Effect::Allow);
  EXPECT_EQ(sock->path.value, "/var/run/docker.sock");
  EXPECT_EQ(sock->origin, "network.allowUnixSockets[0]");
  EXPECT_TRUE(im.all<ast::UnixSocketRule>().empty()) << "no socket rule outside `on macos`";
}

TEST(SrtImporter, NetworkSwitchesBecomeOptions) {
  Import im(srtFile("\"allowAllUnixSockets\": true, \"allowLocalBinding\": false, "
                    "\"strictAllowlist\": true, \"httpProxyPort\": 3128, \"socksProxyPort\": 1080, "
                    "\"allowMachLookup\": [\"com.apple.x\", \"2BUA8C4S2C.com.1password.*\", \"*\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  auto boolOf = [&](const char *name) {
    const ast::SetStmt *s = im.set(name);
    EXPECT_TRUE(s) << name;
    return s ? std::get<bool>(s->value.value) : false;
  };
  EXPECT_TRUE(boolOf("allow-all-unix-sockets"));
  EXPECT_FALSE(boolOf("allow-local-binding"));
  EXPECT_TRUE(boolOf("strict-allowlist"));
  ASSERT_TRUE(im.set("http-proxy-port"));
  EXPECT_EQ(std::get<int64_t>(im.set("http-proxy-port")->value.value), 3128);
  EXPECT_EQ(std::get<int64_t>(im.set("socks-proxy-port")->value.value), 1080);
  ASSERT_TRUE(im.set("allow-mach-lookup"));
  auto services = std::get<std::vector<std::string>>(im.set("allow-mach-lookup")->value.value);
  ASSERT_EQ(services.size(), 3u);
  EXPECT_EQ(services[1], "2BUA8C4S2C.com.1password.*");
  // The statement points at the key, the value at the value.
  const ast::SetStmt *port = im.set("http-proxy-port");
  EXPECT_TRUE(at(port->name.loc, 2, 140));
  EXPECT_TRUE(at(port->value.loc, 2, 157));
}

TEST(SrtImporter, PortsAndServicesAreChecked) {
  for (const char *bad : {"\"httpProxyPort\": 0", "\"socksProxyPort\": 65536",
                          "\"allowMachLookup\": [\"com.*.x\"]"}) {
    Import im(srtFile(bad));
    EXPECT_FALSE(im.file) << bad;
    EXPECT_EQ(im.ids(), "invalid-value") << bad << ": " << im.messages();
  }
  for (const char *bad : {"\"httpProxyPort\": \"3128\"", "\"httpProxyPort\": 3128.0",
                          "\"allowLocalBinding\": 1", "\"allowMachLookup\": \"x\""}) {
    Import im(srtFile(bad));
    EXPECT_FALSE(im.file) << bad;
    EXPECT_EQ(im.ids(), "wrong-type") << bad << ": " << im.messages();
  }
}

TEST(SrtImporter, ParentProxyIsIgnoredWithAWarning) {
  Import im(srtFile("\"parentProxy\": {\"http\": \"http://proxy:8080\"}"));
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_EQ(im.ids(), "ignored-setting");
  EXPECT_EQ(im.diag().severity, Severity::Warning);
  EXPECT_NE(im.diag().message.find("network.parentProxy"), std::string::npos);
}

TEST(SrtImporter, MitmAndTlsTerminationAreRefused) {
  for (const char *key : {"mitmProxy", "tlsTerminate"}) {
    Import im(srtFile(std::string("\"") + key + "\": {}"));
    EXPECT_FALSE(im.file) << key;
    EXPECT_EQ(im.ids(), "unsupported-setting") << key;
    EXPECT_EQ(im.diag().severity, Severity::Error);
    EXPECT_TRUE(at(im.diag().loc, 2, 58)) << key;
  }
}

// ---- filesystem ------------------------------------------------------------------

TEST(SrtImporter, PathListsMapToTheirTiers) {
  Import im("{\"network\": {\"allowedDomains\": [], \"deniedDomains\": []},\n"
            " \"filesystem\": {\n"
            "  \"denyRead\": [\"~/.ssh\", \"/etc/shadow\"],\n"
            "  \"allowRead\": [\"~/.ssh/known_hosts\"],\n"
            "  \"allowWrite\": [\".\", \"src\", \"/tmp\"],\n"
            "  \"denyWrite\": [\".env\", \"config/production.json\"]}}");
  ASSERT_TRUE(im.file) << im.messages();
  const ast::FsRule *r = im.fs("filesystem.denyRead[0]");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->always);
  EXPECT_EQ(r->effect, ast::Effect::Deny);
  EXPECT_EQ(r->accesses, std::vector<ast::Access>{ast::Access::Read});
  EXPECT_EQ(r->pattern.value, "~/.ssh");
  EXPECT_TRUE(at(r->loc, 3, 16));
  EXPECT_FALSE(r->exactFile);

  r = im.fs("filesystem.allowRead[0]");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->effect, ast::Effect::Allow);
  EXPECT_EQ(r->accesses, std::vector<ast::Access>{ast::Access::Read});

  r = im.fs("filesystem.allowWrite[1]");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->always);
  EXPECT_EQ(r->effect, ast::Effect::Allow);
  EXPECT_EQ(r->accesses, std::vector<ast::Access>{ast::Access::Write});
  EXPECT_EQ(r->pattern.value, "src"); // stays relative: sema resolves it against $CWD

  r = im.fs("filesystem.denyWrite[1]");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->always) << "srt: denyWrite beats allowWrite";
  EXPECT_EQ(r->effect, ast::Effect::Deny);
  EXPECT_EQ(r->accesses, std::vector<ast::Access>{ast::Access::Write});
  EXPECT_EQ(r->pattern.value, "config/production.json");
  EXPECT_TRUE(at(r->loc, 6, 25));
  EXPECT_EQ(im.all<ast::FsRule>().size(), 8u);
}

TEST(SrtImporter, AllowReadBeatsDenyReadAtTheSamePathOnly) {
  Import im(srtFile("", "\"denyRead\": [\"~\", \"~/.ssh\", \"./src\", \"/data\"], "
                        "\"allowRead\": [\"~/\", \"src/\", \"/data/public\"]"));
  // srtFile already has an empty denyRead: this one must be the only one.
  EXPECT_FALSE(im.file);
  EXPECT_EQ(im.ids(), "duplicate-key");

  Import ok("{\"network\": {\"allowedDomains\": [], \"deniedDomains\": []},\n"
            " \"filesystem\": {\"allowWrite\": [], \"denyWrite\": [],\n"
            "  \"denyRead\": [\"~\", \"~/.ssh\", \"./src\", \"/data\"],\n"
            "  \"allowRead\": [\"~/\", \"src/\", \"/data/public\"]}}");
  ASSERT_TRUE(ok.file) << ok.messages();
  EXPECT_FALSE(ok.fs("filesystem.denyRead[0]")) << "'~' is the allowed '~/'";
  EXPECT_TRUE(ok.fs("filesystem.denyRead[1]")) << "a deeper deny stays";
  EXPECT_FALSE(ok.fs("filesystem.denyRead[2]")) << "'./src' is the allowed 'src/'";
  EXPECT_TRUE(ok.fs("filesystem.denyRead[3]")) << "an allow deeper inside keeps the deny";
  EXPECT_TRUE(ok.fs("filesystem.allowRead[0]"));
  EXPECT_TRUE(ok.fs("filesystem.allowRead[1]"));
}

TEST(SrtImporter, PathsStayAsWrittenExceptLiteralDollars) {
  Import im(srtFile("", "\"allowRead\": [\"$HOME/x\", \"a/$b\", \"~/p\\\\$q\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  // srt expands only `~`; `$` is an ordinary character there.
  EXPECT_EQ(im.fs("filesystem.allowRead[0]")->pattern.value, "\\$HOME/x");
  EXPECT_EQ(im.fs("filesystem.allowRead[1]")->pattern.value, "a/\\$b");
  EXPECT_EQ(im.fs("filesystem.allowRead[2]")->pattern.value, "~/p\\$q");
  EXPECT_EQ(literalDollars("$"), "\\$");
  EXPECT_EQ(literalDollars("\\\\$x"), "\\\\\\$x");
}

TEST(SrtImporter, FilesystemSwitchesBecomeOptions) {
  Import im(srtFile("", "\"allowGitConfig\": true, \"disabled\": false"));
  ASSERT_TRUE(im.file) << im.messages();
  ASSERT_TRUE(im.set("allow-git-config"));
  EXPECT_TRUE(std::get<bool>(im.set("allow-git-config")->value.value));
  ASSERT_TRUE(im.set("filesystem-disabled"));
  EXPECT_FALSE(std::get<bool>(im.set("filesystem-disabled")->value.value));
}

TEST(SrtImporter, EmptyPathIsInvalid) {
  Import im(srtFile("", "\"allowRead\": [\"\"]"));
  EXPECT_FALSE(im.file);
  EXPECT_EQ(im.ids(), "invalid-value");
}

// ---- required keys, types, unknown keys -------------------------------------------------

TEST(SrtImporter, RequiredKeysAreReportedAtTheirSection) {
  Import im("{\"network\": {},\n \"filesystem\": {}}");
  EXPECT_FALSE(im.file);
  EXPECT_EQ(im.ids(), "missing-key missing-key missing-key missing-key missing-key");
  EXPECT_NE(im.messages().find("'allowedDomains' is required in network"), std::string::npos)
      << im.messages();
  EXPECT_NE(im.messages().find("'denyWrite' is required in filesystem"), std::string::npos);
  EXPECT_TRUE(at(im.diag(0).loc, 1, 13));
  EXPECT_TRUE(at(im.diag(4).loc, 2, 16));

  Import top("{\"network\": {\"allowedDomains\": [], \"deniedDomains\": []}}");
  EXPECT_FALSE(top.file);
  EXPECT_EQ(top.ids(), "missing-key");
  EXPECT_NE(top.messages().find("'filesystem'"), std::string::npos);
  EXPECT_TRUE(at(top.diag().loc, 1, 1));
}

TEST(SrtImporter, UnknownKeysAreErrorsAtTheKey) {
  Import top(srtFile("", "", "\"allowedDomains\": []"));
  EXPECT_FALSE(top.file);
  EXPECT_EQ(top.ids(), "unknown-key");
  EXPECT_TRUE(at(top.diag().loc, 4, 3));
  Import net(srtFile("\"allowDomains\": []"));
  EXPECT_EQ(net.ids(), "unknown-key");
  EXPECT_NE(net.messages().find("'allowDomains' in network"), std::string::npos);
  Import fs(srtFile("", "\"allowReads\": []"));
  EXPECT_EQ(fs.ids(), "unknown-key");
  // Keys of the Claude format are not srt keys.
  Import claude(srtFile("\"allowManagedDomainsOnly\": true"));
  EXPECT_EQ(claude.ids(), "unknown-key");
}

TEST(SrtImporter, WrongTypesAreReportedAtTheValue) {
  Import notObject("[]");
  EXPECT_FALSE(notObject.file);
  EXPECT_EQ(notObject.ids(), "wrong-type");
  Import section("{\"network\": [], \"filesystem\": {\"denyRead\": [], \"allowWrite\": [], "
                 "\"denyWrite\": []}}");
  EXPECT_EQ(section.ids(), "wrong-type");
  EXPECT_TRUE(at(section.diag().loc, 1, 13));
  Import list(srtFile("", "\"allowRead\": \"~/x\""));
  EXPECT_EQ(list.ids(), "wrong-type");
  Import item(srtFile("", "\"allowRead\": [\"a\", 7, null]"));
  EXPECT_EQ(item.ids(), "wrong-type wrong-type");
  EXPECT_NE(item.messages().find("an integer"), std::string::npos) << item.messages();
}

TEST(SrtImporter, JsonErrorsAreReported) {
  Import im("{\"network\": {\"allowedDomains\": [,]}}");
  EXPECT_FALSE(im.file);
  EXPECT_EQ(im.ids(), "json-syntax");
  Import dup("{\"network\": {}, \"network\": {}}");
  EXPECT_EQ(dup.ids(), "duplicate-key");
}

// ---- top level ----------------------------------------------------------------------

TEST(SrtImporter, TopLevelSwitchesBecomeOptions) {
  Import im(srtFile("", "",
                    "\"enableWeakerNestedSandbox\": true, \"enableWeakerNetworkIsolation\": true, "
                    "\"allowAppleEvents\": false, \"allowPty\": true, \"mandatoryDenySearchDepth\": 7"));
  ASSERT_TRUE(im.file) << im.messages();
  for (const char *name : {"weaker-nested-sandbox", "weaker-network-isolation", "allow-apple-events",
                           "allow-pty", "mandatory-deny-search-depth"})
    EXPECT_TRUE(im.set(name)) << name;
  EXPECT_TRUE(std::get<bool>(im.set("weaker-nested-sandbox")->value.value));
  EXPECT_FALSE(std::get<bool>(im.set("allow-apple-events")->value.value));
  EXPECT_EQ(std::get<int64_t>(im.set("mandatory-deny-search-depth")->value.value), 7);
}

TEST(SrtImporter, SearchDepthMustBeOneToTen) {
  for (const char *v : {"0", "11", "-1"}) {
    Import im(srtFile("", "", std::string("\"mandatoryDenySearchDepth\": ") + v));
    EXPECT_FALSE(im.file) << v;
    EXPECT_EQ(im.ids(), "invalid-value") << v;
    EXPECT_TRUE(at(im.diag().loc, 4, 31)) << v;
  }
  for (const char *v : {"1", "10"})
    EXPECT_TRUE(Import(srtFile("", "", std::string("\"mandatoryDenySearchDepth\": ") + v)).file);
}

TEST(SrtImporter, PlumbingAndReportingKeysAreIgnoredWithAWarning) {
  Import im(srtFile("", "",
                    "\"ignoreViolations\": {\"*\": [\"/usr/bin\"]}, \"bwrapPath\": \"/usr/bin/bwrap\", "
                    "\"socatPath\": \"/usr/bin/socat\", \"ripgrep\": {\"command\": \"rg\"}"));
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_EQ(im.ids(), "ignored-setting ignored-setting ignored-setting ignored-setting");
  for (const Diagnostic &d : im.diags.diagnostics())
    EXPECT_EQ(d.severity, Severity::Warning);
  EXPECT_TRUE(im.file->stmts.empty());
}

TEST(SrtImporter, CustomSeccompIsRefused) {
  Import im(srtFile("", "", "\"seccomp\": {\"applyPath\": \"/x\"}"));
  EXPECT_FALSE(im.file);
  EXPECT_EQ(im.ids(), "unsupported-setting");
  EXPECT_TRUE(at(im.diag().loc, 4, 3));
}

// ---- credentials ----------------------------------------------------------------------

TEST(SrtImporter, CredentialFilesAreHiddenInTheAlwaysTier) {
  Import im(srtFile("", "",
                    "\"credentials\": {\"files\": [{\"path\": \"~/.aws/credentials\", \"mode\": \"deny\"},\n"
                    "  {\"path\": \"~/.netrc\", \"mode\": \"mask\", \"extract\": \"password (\\\\S+)\"}],\n"
                    "  \"envVars\": []}"));
  ASSERT_TRUE(im.file) << im.messages();
  const ast::FsRule *r = im.fs("credentials.files[0]");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->always);
  EXPECT_EQ(r->effect, ast::Effect::Deny);
  EXPECT_EQ(r->accesses, std::vector<ast::Access>{ast::Access::Read});
  EXPECT_EQ(r->pattern.value, "~/.aws/credentials");
  ASSERT_TRUE(im.fs("credentials.files[1]"));
  EXPECT_EQ(im.fs("credentials.files[1]")->pattern.value, "~/.netrc");
}

TEST(SrtImporter, CredentialEnvVarsAreRefused) {
  Import im(srtFile("", "", "\"credentials\": {\"envVars\": [{\"name\": \"GH_TOKEN\", \"mode\": \"deny\"}]}"));
  EXPECT_FALSE(im.file);
  EXPECT_EQ(im.ids(), "unsupported-setting");
}

TEST(SrtImporter, CredentialEntriesAreChecked) {
  Import mode(srtFile("", "", "\"credentials\": {\"files\": [{\"path\": \"~/x\", \"mode\": \"allow\"}]}"));
  EXPECT_EQ(mode.ids(), "invalid-value");
  Import missing(srtFile("", "", "\"credentials\": {\"files\": [{\"mode\": \"deny\"}]}"));
  EXPECT_EQ(missing.ids(), "missing-key");
  Import unknown(srtFile("", "", "\"credentials\": {\"files\": [{\"path\": \"~/x\", \"mode\": \"deny\", \"x\": 1}]}"));
  EXPECT_EQ(unknown.ids(), "unknown-key");
  EXPECT_NE(unknown.messages().find("credentials.files[0]"), std::string::npos);
  Import inject(srtFile("", "", "\"credentials\": {\"allowPlaintextInject\": true}"));
  EXPECT_TRUE(inject.file);
  EXPECT_EQ(inject.ids(), "ignored-setting");
}

// ---- through sema -------------------------------------------------------------------------

TEST(SrtImporter, ImportedFileAnalysesCleanly) {
  Import im("{\"network\": {\"allowedDomains\": [\"github.com\"], \"deniedDomains\": [\"*:22\"],\n"
            "  \"allowUnixSockets\": [\"/var/run/x.sock\"], \"allowLocalBinding\": true},\n"
            " \"filesystem\": {\"denyRead\": [\"~\", \"~/.ssh\"], \"allowRead\": [\"~\"],\n"
            "  \"allowWrite\": [\".\", \"/tmp\"], \"denyWrite\": [\".\"]},\n"
            " \"mandatoryDenySearchDepth\": 3}");
  ASSERT_TRUE(im.file) << im.messages();
  sema::SemaOptions options;
  auto policy = sema::analyse(*im.file, nullptr, options, im.diags);
  ASSERT_TRUE(policy) << im.messages();
  EXPECT_TRUE(im.diags.diagnostics().empty()) << im.messages();
  EXPECT_EQ(policy->netRules.size(), 2u);
  EXPECT_EQ(policy->unixSockets.size(), 1u);
  EXPECT_EQ(policy->unixSockets[0].platform, ir::Platform::MacOS);
  // The same path is both writable and write-denied: different tiers, no conflict.
  bool alwaysDeny = false;
  for (const ir::FsRule &r : policy->fsRules)
    if (r.prov.origin == "filesystem.denyWrite[0]")
      alwaysDeny = r.tier == ir::Tier::Always && r.pattern.root == "CWD";
  EXPECT_TRUE(alwaysDeny);
}
