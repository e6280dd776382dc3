// importSrt: every srt-settings.json key maps onto the AST as srt means it,
// and every value srt refuses is a located invalid-entry finding (the rest of
// the file is still imported).
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

// A file whose filesystem section is exactly `filesystem`.
std::string srtFs(const std::string &filesystem) {
  return "{\"network\": {\"allowedDomains\": [], \"deniedDomains\": []},\n"
         " \"filesystem\": {" + filesystem + "}}";
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
    ASSERT_TRUE(im.file) << c.entry; // a finding, not a refusal
    EXPECT_TRUE(im.all<ast::NetRule>().empty()) << c.entry;
    EXPECT_EQ(im.ids(), "invalid-entry") << c.entry << ": " << im.messages();
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
    EXPECT_TRUE(b.file) << bad;
    EXPECT_EQ(b.ids(), "invalid-entry") << bad << ": " << b.messages();
    EXPECT_TRUE(b.all<ast::NetRule>().empty()) << bad;
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
    EXPECT_TRUE(im.file) << bad;
    EXPECT_EQ(im.ids(), "invalid-entry") << bad << ": " << im.messages();
    EXPECT_TRUE(im.all<ast::SetStmt>().empty()) << bad;
  }
  for (const char *bad : {"\"httpProxyPort\": \"3128\"", "\"httpProxyPort\": 3128.0",
                          "\"allowLocalBinding\": 1", "\"allowMachLookup\": \"x\"",
                          "\"httpProxyPort\": null"}) {
    Import im(srtFile(bad));
    EXPECT_TRUE(im.file) << bad;
    EXPECT_EQ(im.ids(), "invalid-entry") << bad << ": " << im.messages();
    EXPECT_NE(im.messages().find("srt rejects the whole file"), std::string::npos) << bad;
  }
}

TEST(SrtImporter, ParentProxyBecomesAnOption) {
  Import im(srtFile("\"parentProxy\": {\"http\": \"http://proxy:8080\", \"noProxy\": \"localhost\"}"));
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_EQ(im.ids(), "");
  ASSERT_TRUE(im.set("parent-proxy"));
  EXPECT_TRUE(at(im.set("parent-proxy")->loc, 2, 58));
  Import bad(srtFile("\"parentProxy\": {\"https\": \"not a url\"}"));
  EXPECT_EQ(bad.ids(), "invalid-entry");
}

TEST(SrtImporter, MitmAndTlsTerminationAreModelled) {
  Import mitm(srtFile("\"mitmProxy\": {\"socketPath\": \"/run/m.sock\", \"domains\": [\"*.corp.example\"]}"));
  ASSERT_TRUE(mitm.file) << mitm.messages();
  EXPECT_EQ(mitm.ids(), "") << mitm.messages();
  EXPECT_TRUE(mitm.set("mitm-proxy"));
  Import tls(srtFile("\"tlsTerminate\": {\"caCertPath\": \"/ca.pem\", \"caKeyPath\": \"/ca.key\"}"));
  ASSERT_TRUE(tls.file) << tls.messages();
  EXPECT_EQ(tls.ids(), "") << tls.messages();
  EXPECT_TRUE(tls.set("tls-terminate"));
  ASSERT_TRUE(tls.set("tls-ca-key-path"));
  EXPECT_EQ(std::get<std::string>(tls.set("tls-ca-key-path")->value.value), "/ca.key");
  // Both or neither; domains are portless patterns.
  EXPECT_EQ(Import(srtFile("\"tlsTerminate\": {\"caKeyPath\": \"/ca.key\"}")).ids(), "invalid-entry");
  EXPECT_EQ(Import(srtFile("\"mitmProxy\": {\"socketPath\": \"/s\", \"domains\": [\"a.com:443\"]}")).ids(),
            "invalid-entry");
  EXPECT_EQ(Import(srtFile("\"mitmProxy\": {\"domains\": [\"a.com\"]}")).ids(), "invalid-entry");
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
  // srtFile already has an empty denyRead: JSON.parse keeps this later one,
  // with a duplicate-setting warning.
  ASSERT_TRUE(im.file);
  EXPECT_EQ(im.ids(), "duplicate-setting");
  EXPECT_TRUE(im.fs("filesystem.denyRead[1]"));

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
  EXPECT_TRUE(im.file);
  EXPECT_EQ(im.ids(), "invalid-entry");
  EXPECT_TRUE(im.all<ast::FsRule>().empty());
}

TEST(SrtImporter, LiteralPathsAreNeverGlobs) {
  Import im(srtFs("\"denyRead\": [], \"allowWrite\": [], \"allowRead\": [{\"path\": \"~/w/[WIP] *notes?\", \"literal\": true}],\n"
                  "  \"denyWrite\": [{\"path\": \"build/out\", \"literal\": true}, \"x/**\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_EQ(im.ids(), "") << im.messages();
  ASSERT_TRUE(im.fs("filesystem.allowRead[0]"));
  EXPECT_EQ(im.fs("filesystem.allowRead[0]")->pattern.value, "~/w/\\[WIP] \\*notes\\?");
  ASSERT_TRUE(im.fs("filesystem.denyWrite[0]"));
  EXPECT_EQ(im.fs("filesystem.denyWrite[0]")->pattern.value, "build/out");
  EXPECT_TRUE(im.fs("filesystem.denyWrite[0]")->always);
  ASSERT_TRUE(im.fs("filesystem.denyWrite[1]"));
  EXPECT_EQ(im.fs("filesystem.denyWrite[1]")->pattern.value, "x/**");
  // `$` and `\\` are names too.
  Import odd(srtFile("", "\"allowRead\": [{\"path\": \"/a/$b\\\\c\", \"literal\": true}]"));
  ASSERT_TRUE(odd.fs("filesystem.allowRead[0]")) << odd.messages();
  EXPECT_EQ(odd.fs("filesystem.allowRead[0]")->pattern.value, "/a/\\$b\\\\c");
  // Only {path, literal: true}: srt rejects anything else.
  for (const char *bad : {"{\"path\": \"a\"}", "{\"path\": \"a\", \"literal\": false}",
                          "{\"literal\": true}", "{\"path\": \"\", \"literal\": true}",
                          "{\"path\": \"a\", \"literal\": true, \"_c\": 1}"}) {
    Import b(srtFile("", std::string("\"allowRead\": [") + bad + "]"));
    EXPECT_TRUE(b.file) << bad;
    EXPECT_EQ(b.ids(), "invalid-entry") << bad << ": " << b.messages();
    EXPECT_TRUE(b.all<ast::FsRule>().empty()) << bad;
  }
}

TEST(SrtImporter, DenyGlobsAlsoDenyTheNamesTheySpell) {
  // srt reads "~/w/[WIP]/*.key" also as *.key beneath the directory "[WIP]"
  // and as that one file, wherever they exist: a deny covers every reading.
  Import im(srtFs("\"denyRead\": [\"~/w/[WIP]/*.key\"], \"allowWrite\": [\"/tmp/out[0-9]\"], "
                  "\"denyWrite\": [\"/tmp/o*/**\"]"));
  ASSERT_TRUE(im.file) << im.messages();
  std::vector<std::string> reads, writes;
  for (const ast::FsRule *r : im.all<ast::FsRule>()) {
    if (r->origin == "filesystem.denyRead[0]")
      reads.push_back(r->pattern.value);
    if (r->origin == "filesystem.denyWrite[0]")
      writes.push_back(r->pattern.value);
  }
  EXPECT_EQ(reads, (std::vector<std::string>{"~/w/[WIP]/*.key", "~/w/\\[WIP]/*.key", "~/w/\\[WIP]/\\*.key"}));
  EXPECT_EQ(writes, (std::vector<std::string>{"/tmp/o*/**", "/tmp/o\\*"}));
  // An allow keeps only its pattern reading (leaving the names out is stricter).
  EXPECT_EQ(im.all<ast::FsRule>().size(), 6u);
}

TEST(SrtImporter, InertSlashedDenyGlobsAreInvalid) {
  const std::string rest = "\"allowWrite\": [], ";
  EXPECT_EQ(Import(srtFs(rest + "\"denyRead\": [\"/x/*/\"], \"denyWrite\": []")).ids(), "invalid-entry");
  EXPECT_EQ(Import(srtFs(rest + "\"denyRead\": [], \"denyWrite\": [\"~/a/*.pem/\"]")).ids(), "invalid-entry");
  // Relative spellings lose the '/', allows fail closed, literal names are names.
  EXPECT_EQ(Import(srtFs(rest + "\"denyRead\": [\"x/*/\"], \"denyWrite\": []")).ids(), "");
  EXPECT_EQ(Import(srtFile("", "\"allowRead\": [\"/x/*/\"]")).ids(), "");
  EXPECT_EQ(Import(srtFs(rest + "\"denyRead\": [{\"path\": \"/x/*/\", \"literal\": true}], \"denyWrite\": []")).ids(), "");
  // A deny-mode credential path joins denyRead, and its check.
  EXPECT_EQ(Import(srtFile("", "", "\"credentials\": {\"files\": [{\"path\": \"~/k/*/\", \"mode\": \"deny\"}]}")).ids(),
            "invalid-entry");
  // Not checked when the filesystem is off.
  EXPECT_EQ(Import(srtFs(rest + "\"disabled\": true, \"denyRead\": [\"/x/*/\"], \"denyWrite\": []")).ids(), "");
}

// ---- required keys, types, unknown keys -------------------------------------------------

TEST(SrtImporter, RequiredKeysAreReportedAtTheirSection) {
  Import im("{\"network\": {},\n \"filesystem\": {}}");
  EXPECT_TRUE(im.file);
  EXPECT_EQ(im.ids(), "invalid-entry invalid-entry invalid-entry invalid-entry invalid-entry");
  EXPECT_NE(im.messages().find("'network': 'allowedDomains' is required"), std::string::npos)
      << im.messages();
  EXPECT_NE(im.messages().find("'filesystem': 'denyWrite' is required"), std::string::npos);
  EXPECT_TRUE(at(im.diag(0).loc, 1, 13));
  EXPECT_TRUE(at(im.diag(4).loc, 2, 16));

  Import top("{\"network\": {\"allowedDomains\": [], \"deniedDomains\": []}}");
  EXPECT_TRUE(top.file);
  EXPECT_EQ(top.ids(), "invalid-entry");
  EXPECT_NE(top.messages().find("'filesystem'"), std::string::npos);
  EXPECT_TRUE(at(top.diag().loc, 1, 1));
}

TEST(SrtImporter, UnknownKeysAreFindingsAtTheKey) {
  // srt strips them silently: the file is still imported.
  Import top(srtFile("", "", "\"allowedDomains\": []"));
  EXPECT_TRUE(top.file);
  EXPECT_EQ(top.ids(), "misplaced-setting");
  EXPECT_TRUE(at(top.diag().loc, 4, 3));
  Import net(srtFile("\"allowDomains\": []"));
  EXPECT_EQ(net.ids(), "unknown-setting");
  EXPECT_EQ(net.diag().severity, Severity::Warning);
  EXPECT_NE(net.messages().find("'allowDomains' in 'network'"), std::string::npos) << net.messages();
  Import fs(srtFile("", "\"allowReads\": []"));
  EXPECT_EQ(fs.ids(), "unknown-setting");
  // Keys of the Claude format are not srt keys.
  Import claude(srtFile("\"allowManagedDomainsOnly\": true"));
  EXPECT_EQ(claude.ids(), "unknown-setting");
  EXPECT_TRUE(claude.all<ast::SetStmt>().empty());
  // `_` keys are comments, except where srt's schema is strict.
  EXPECT_EQ(Import(srtFile("\"_why\": \"x\"", "\"_c\": 1", "\"_comment\": \"y\"")).ids(), "");
  EXPECT_EQ(Import(srtFile("", "", "\"credentials\": {\"_c\": 1}")).ids(), "invalid-entry");
}

TEST(SrtImporter, WrongTypesAreReportedAtTheValue) {
  // Not a settings file at all: an input error.
  Import notObject("[]");
  EXPECT_FALSE(notObject.file);
  EXPECT_EQ(notObject.ids(), "wrong-type");
  Import section("{\"network\": [], \"filesystem\": {\"denyRead\": [], \"allowWrite\": [], "
                 "\"denyWrite\": []}}");
  EXPECT_EQ(section.ids(), "invalid-entry");
  EXPECT_TRUE(at(section.diag().loc, 1, 13));
  Import list(srtFile("", "\"allowRead\": \"~/x\""));
  EXPECT_EQ(list.ids(), "invalid-entry");
  Import item(srtFile("", "\"allowRead\": [\"a\", 7, null]"));
  EXPECT_EQ(item.ids(), "invalid-entry invalid-entry");
  EXPECT_TRUE(item.fs("filesystem.allowRead[0]")); // the valid entry stays
  EXPECT_NE(item.messages().find("an integer"), std::string::npos) << item.messages();
}

TEST(SrtImporter, JsonErrorsAreReported) {
  Import im("{\"network\": {\"allowedDomains\": [,]}}");
  EXPECT_FALSE(im.file);
  EXPECT_EQ(im.ids(), "json-syntax");
  Import notJson("{\"network\": {}, \"network\"");
  EXPECT_FALSE(notJson.file);
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
    EXPECT_TRUE(im.file) << v;
    EXPECT_EQ(im.ids(), "invalid-entry") << v;
    EXPECT_TRUE(at(im.diag().loc, 4, 31)) << v;
  }
  for (const char *v : {"1", "10"})
    EXPECT_TRUE(Import(srtFile("", "", std::string("\"mandatoryDenySearchDepth\": ") + v)).file);
}

TEST(SrtImporter, HelperProgramsBecomeOptionsReportingKeysAreSilent) {
  Import im(srtFile("", "",
                    "\"ignoreViolations\": {\"*\": [\"/usr/bin\"]}, \"bwrapPath\": \"/usr/bin/bwrap\", "
                    "\"socatPath\": \"/usr/bin/socat\", \"ripgrep\": {\"command\": \"rg\", \"argv0\": \"rg\"}, "
                    "\"javaAgentJarPath\": \"/opt/a.jar\", \"windows\": {\"backend\": \"mxc\"}"));
  ASSERT_TRUE(im.file) << im.messages();
  EXPECT_EQ(im.ids(), "") << im.messages();
  EXPECT_EQ(std::get<std::string>(im.set("bwrap-path")->value.value), "/usr/bin/bwrap");
  EXPECT_EQ(std::get<std::string>(im.set("socat-path")->value.value), "/usr/bin/socat");
  EXPECT_EQ(std::get<std::string>(im.set("ripgrep-command")->value.value), "rg");
  EXPECT_EQ(im.all<ast::SetStmt>().size(), 3u);
  EXPECT_EQ(Import(srtFile("", "", "\"bwrapPath\": \"bwrap\"")).ids(), "invalid-entry");
  EXPECT_EQ(Import(srtFile("", "", "\"ripgrep\": {\"args\": []}")).ids(), "invalid-entry");
}

TEST(SrtImporter, CustomSeccompIsAnOption) {
  Import im(srtFile("", "", "\"seccomp\": {\"applyPath\": \"/x\"}"));
  ASSERT_TRUE(im.file);
  EXPECT_EQ(im.ids(), "");
  ASSERT_TRUE(im.set("custom-seccomp"));
  EXPECT_EQ(std::get<std::string>(im.set("custom-seccomp")->value.value), "/x");
  EXPECT_TRUE(at(im.set("custom-seccomp")->loc, 4, 3));
  // An empty object keeps srt's own filter.
  EXPECT_FALSE(Import(srtFile("", "", "\"seccomp\": {}")).set("custom-seccomp"));
}

// ---- credentials ----------------------------------------------------------------------

TEST(SrtImporter, CredentialFilesAreHiddenInTheAlwaysTier) {
  Import im(srtFile("", "",
                    "\"credentials\": {\"files\": [{\"path\": \"~/.aws/credentials\", \"mode\": \"deny\"},\n"
                    "  {\"path\": \"~/.netrc\", \"mode\": \"mask\", \"extract\": \"password (\\\\S+)\"}],\n"
                    "  \"envVars\": [], \"allowPlaintextInject\": true}"));
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

TEST(SrtImporter, CredentialEnvVarsBecomeAnOption) {
  Import im(srtFile("", "", "\"credentials\": {\"envVars\": [{\"name\": \"GH_TOKEN\", \"mode\": \"deny\"},"
                            " {\"name\": \"NPM_TOKEN\", \"mode\": \"deny\"}]}"));
  ASSERT_TRUE(im.file);
  EXPECT_EQ(im.ids(), "") << im.messages();
  ASSERT_TRUE(im.set("credential-env-vars"));
  EXPECT_EQ(std::get<std::vector<std::string>>(im.set("credential-env-vars")->value.value),
            (std::vector<std::string>{"GH_TOKEN", "NPM_TOKEN"}));
  EXPECT_EQ(Import(srtFile("", "", "\"credentials\": {\"envVars\": [{\"name\": \"1X\", \"mode\": \"deny\"}]}")).ids(),
            "invalid-entry");
}

TEST(SrtImporter, MaskedCredentialsNeedTlsTermination) {
  const char *masked = "\"credentials\": {\"envVars\": [{\"name\": \"T\", \"mode\": \"mask\"}]}";
  EXPECT_EQ(Import(srtFile("", "", masked)).ids(), "invalid-entry");
  EXPECT_EQ(Import(srtFile("\"tlsTerminate\": {}", "", masked)).ids(), "");
  EXPECT_EQ(Import(srtFile("", "", "\"credentials\": {\"allowPlaintextInject\": true, \"envVars\": "
                                   "[{\"name\": \"T\", \"mode\": \"mask\"}]}")).ids(),
            "");
  // injectHosts must be reachable through allowedDomains.
  Import inject("{\"network\": {\"allowedDomains\": [\"*.github.com\"], \"deniedDomains\": [], \"tlsTerminate\": {}},\n"
                " \"filesystem\": {\"denyRead\": [], \"allowWrite\": [], \"denyWrite\": []},\n"
                " \"credentials\": {\"envVars\": [{\"name\": \"T\", \"mode\": \"mask\", "
                "\"injectHosts\": [\"api.github.com\", \"gitlab.com\"]}]}}");
  EXPECT_EQ(inject.ids(), "invalid-entry") << inject.messages();
  EXPECT_NE(inject.messages().find("'gitlab.com' is not reachable"), std::string::npos);
  // awsPairs name masked whole-value variables, once each.
  Import aws("{\"network\": {\"allowedDomains\": [], \"deniedDomains\": [], \"tlsTerminate\": {}},\n"
             " \"filesystem\": {\"denyRead\": [], \"allowWrite\": [], \"denyWrite\": []},\n"
             " \"credentials\": {\"envVars\": [{\"name\": \"K\", \"mode\": \"mask\"}, {\"name\": \"S\", \"mode\": \"mask\"}],"
             " \"awsPairs\": [{\"accessKeyIdVar\": \"K\", \"secretAccessKeyVar\": \"S\"}], \"sigv4\": {\"presigned\": \"passthrough\"}}}");
  EXPECT_EQ(aws.ids(), "") << aws.messages();
  Import awsBad("{\"network\": {\"allowedDomains\": [], \"deniedDomains\": [], \"tlsTerminate\": {}},\n"
                " \"filesystem\": {\"denyRead\": [], \"allowWrite\": [], \"denyWrite\": []},\n"
                " \"credentials\": {\"envVars\": [{\"name\": \"K\", \"mode\": \"deny\"}],"
                " \"awsPairs\": [{\"accessKeyIdVar\": \"K\", \"secretAccessKeyVar\": \"K\"}]}}");
  EXPECT_EQ(awsBad.ids(), "invalid-entry invalid-entry") << awsBad.messages();
}

TEST(SrtImporter, CredentialEntriesAreChecked) {
  Import mode(srtFile("", "", "\"credentials\": {\"files\": [{\"path\": \"~/x\", \"mode\": \"allow\"}]}"));
  EXPECT_EQ(mode.ids(), "invalid-entry");
  Import missing(srtFile("", "", "\"credentials\": {\"files\": [{\"mode\": \"deny\"}]}"));
  EXPECT_EQ(missing.ids(), "invalid-entry");
  // File entries are not strict in srt: an unknown key there is stripped.
  Import unknown(srtFile("", "", "\"credentials\": {\"files\": [{\"path\": \"~/x\", \"mode\": \"deny\", \"x\": 1}]}"));
  EXPECT_EQ(unknown.ids(), "unknown-setting");
  EXPECT_NE(unknown.messages().find("credentials.files[0]"), std::string::npos);
  EXPECT_TRUE(unknown.fs("credentials.files[0]"));
  Import inject(srtFile("", "", "\"credentials\": {\"allowPlaintextInject\": true}"));
  EXPECT_TRUE(inject.file);
  EXPECT_EQ(inject.ids(), "");
  EXPECT_TRUE(inject.set("credential-plaintext-inject"));
  // A masked directory, and a regex without a group.
  EXPECT_EQ(Import(srtFile("", "", "\"credentials\": {\"allowPlaintextInject\": true, \"files\": "
                                   "[{\"path\": \"~/d/\", \"mode\": \"mask\"}]}")).ids(),
            "invalid-entry");
  EXPECT_EQ(Import(srtFile("", "", "\"credentials\": {\"files\": [{\"path\": \"~/x\", \"mode\": \"deny\", "
                                   "\"extract\": \"token: \\\\S+\"}]}")).ids(),
            "invalid-entry");
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
