// The sbpl target end to end on policies written in .moat: every shipped
// example builds into a profile the test reader accepts; the header,
// parameters, ancestors of protected paths, /private aliases, tightenings,
// refusals and option handling each decide as documented.
#include "backends/sbpl/Sbpl.h"
#include "compiler/Frontend.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/sema/Sema.h"
#include "sbpl/SbplModel.h"

#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

using namespace moat;

namespace {

struct Built {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ir::Policy> policy;
  backends::BuildResult result;
  std::optional<sbpltest::Profile> profile;
  std::string readError;

  bool has(const char *id) const {
    for (const Diagnostic &d : diags.diagnostics())
      if (d.id == id)
        return true;
    return false;
  }
  std::string messages() const {
    std::string out;
    for (const Diagnostic &d : diags.diagnostics())
      out += d.id + ": " + d.message + "\n";
    return out;
  }
  bool allows(const char *op, const std::string &path,
              const std::map<std::string, std::string> &params = {}) const {
    return sbpltest::allowsPath(*profile, op, path, params);
  }
};

void finish(Built &b, const std::map<std::string, std::string> &defines, const std::string &format) {
  if (!b.policy)
    return;
  backends::BuildOptions options;
  std::string error;
  for (const auto &[k, v] : defines) {
    EXPECT_TRUE(options.bindings.define(k, v, error)) << error;
    options.definedNames.push_back(k);
  }
  options.format = format;
  backends::sbpl::build(*b.policy, options, b.diags, b.result);
  if (!b.result.output.empty())
    b.profile = sbpltest::readProfile(b.result.output, b.readError);
}

std::unique_ptr<Built> build(const std::string &text,
                             const std::map<std::string, std::string> &defines = {},
                             const std::string &format = "") {
  auto b = std::make_unique<Built>();
  uint32_t buffer = b->files.addBuffer("t.moat", text);
  auto file = readPolicyBuffer(buffer, b->diags);
  EXPECT_TRUE(file) << b->messages();
  if (file)
    b->policy = sema::analyse(*file, nullptr, sema::SemaOptions{}, b->diags);
  EXPECT_TRUE(b->policy) << b->messages();
  finish(*b, defines, format);
  return b;
}

std::unique_ptr<Built> buildFile(const std::string &path,
                                 const std::map<std::string, std::string> &defines = {}) {
  auto b = std::make_unique<Built>();
  b->policy = loadPolicy(path, ir::Layer::SharedProject, b->diags);
  EXPECT_TRUE(b->policy) << b->messages();
  finish(*b, defines, "");
  return b;
}

std::string repoRoot() {
  return llvm::sys::path::parent_path(
             llvm::sys::path::parent_path(llvm::sys::path::parent_path(__FILE__)))
      .str();
}

size_t count(const std::string &text, const std::string &needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

} // namespace

TEST(SbplBackend, EveryExampleBuildsAValidDeterministicProfile) {
  std::string root = repoRoot();
  size_t built = 0;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(root + "/examples", ec), end; it != end && !ec;
       it.increment(ec)) {
    const std::string &path = it->path();
    if (llvm::sys::fs::is_directory(path))
      continue; // examples/enterprise: layers, built with --managed (test/managed)
    auto first = buildFile(path);
    ASSERT_FALSE(first->diags.hasErrors()) << path << "\n" << first->messages();
    // Tightenings (warnings) are allowed here; with every root bound below,
    // none remains.
    ASSERT_TRUE(first->profile) << path << ": " << first->readError;
    auto second = buildFile(path);
    EXPECT_EQ(first->result.output, second->result.output) << path;
    ASSERT_EQ(first->result.advice.size(), 1u);
    EXPECT_NE(first->result.advice[0].find("sandbox-exec -f PROFILE"), std::string::npos);
    // The same with every root bound at build time: no parameters left.
    auto bound = buildFile(path, {{"HOME", "/Users/u"}, {"CWD", "/Users/u/p"}, {"TMPDIR", "/private/tmp"}});
    ASSERT_TRUE(bound->profile) << path << ": " << bound->readError << bound->messages();
    EXPECT_TRUE(bound->profile->params.empty()) << path;
    EXPECT_FALSE(bound->has("unenforceable-rule")) << path << "\n" << bound->messages();
    ++built;
  }
  EXPECT_GE(built, 6u);
}

TEST(SbplBackend, HeaderNamesPolicyFileAndParameters) {
  auto b = build("policy \"demo\" {\n  deny read \"~/.ssh\";\n  allow write \"$CWD\";\n}\n");
  ASSERT_TRUE(b->profile) << b->readError;
  const std::string &out = b->result.output;
  EXPECT_EQ(out.rfind(";; Seatbelt profile for policy \"demo\" (t.moat).\n", 0), 0u) << out;
  EXPECT_NE(out.find(";; Parameters: CWD HOME "), std::string::npos);
  EXPECT_NE(out.find("\n(version 1)\n(deny default)\n"), std::string::npos);
  EXPECT_EQ(b->profile->params, (std::set<std::string>{"HOME", "CWD"}));
  EXPECT_NE(b->result.advice[0].find("-D CWD=\"$(pwd -P)\" -D HOME="), std::string::npos);
  EXPECT_NE(out.find("(subpath (string-append (param \"HOME\") \"/.ssh\"))"), std::string::npos);
  EXPECT_NE(out.find("; t.moat:2:3"), std::string::npos); // provenance of every rule
  // Never anything that escapes the sandbox.
  for (const char *never : {"no-sandbox", "lsopen", "appleevent-send", "(allow default"})
    EXPECT_EQ(out.find(never), std::string::npos) << never;
}

TEST(SbplBackend, DecidesLikeTheEvaluatorForTheExamplePolicy) {
  auto b = buildFile(repoRoot() + "/examples/agent-default.moat");
  ASSERT_TRUE(b->profile) << b->readError;
  std::map<std::string, std::string> params{
      {"HOME", "/Users/u"}, {"CWD", "/Users/u/proj"}, {"TMPDIR", "/private/var/folders/x/T"}};
  EXPECT_FALSE(b->allows("file-read-data", "/Users/u/.ssh/id_rsa", params));
  EXPECT_TRUE(b->allows("file-read-data", "/Users/u/proj/main.c", params));
  EXPECT_FALSE(b->allows("file-read-data", "/Users/u/proj/.env", params));
  EXPECT_TRUE(b->allows("file-write-data", "/Users/u/proj/main.c", params));
  EXPECT_FALSE(b->allows("file-write-data", "/Users/u/.bashrc", params));
  EXPECT_FALSE(b->allows("file-write-data", "/Users/u/proj/.git/hooks/pre-commit", params));
  EXPECT_FALSE(b->allows("file-write-data", "/Users/u/proj/sub/.git/config", params));
  EXPECT_TRUE(b->allows("file-write-data", "/private/var/folders/x/T/a", params));
  EXPECT_FALSE(b->allows("file-write-data", "/Users/u/other", params));
  // Renaming .git would carry its hooks away.
  EXPECT_FALSE(b->allows("file-write-unlink", "/Users/u/proj/.git", params));
  EXPECT_TRUE(b->allows("file-write-unlink", "/Users/u/proj/build.o", params));
  // Only the proxy port.
  auto net = [&](const char *ip) {
    return sbpltest::allows(*b->profile,
                            {"network-outbound", sbpltest::Query::Subject::Ip, ip}, params);
  };
  EXPECT_TRUE(net("localhost:3128"));
  EXPECT_FALSE(net("localhost:22"));
  EXPECT_FALSE(sbpltest::allowsUnixSocket(*b->profile, "/var/run/docker.sock", params));
}

TEST(SbplBackend, AncestorsOfProtectedPathsCannotBeRenamed) {
  auto b = build("policy \"p\" {\n  allow write \"/w\";\n  deny write \"/w/a/b/keep\";\n"
                 "  deny write \"/w/**/.cfg/x/*.lock\";\n}\n");
  ASSERT_TRUE(b->profile) << b->readError;
  EXPECT_TRUE(b->allows("file-write-data", "/w/a/b/other"));
  for (const char *p : {"/w", "/w/a", "/w/a/b", "/w/a/b/keep", "/w/q/.cfg", "/w/q/.cfg/x"})
    EXPECT_FALSE(b->allows("file-write-unlink", p)) << p;
  for (const char *p : {"/w/a/b/other", "/w/q", "/w/q/.cfg2", "/w/q/.cfg/y"})
    EXPECT_TRUE(b->allows("file-write-unlink", p)) << p;
  // Below a parameter: the parameter's own directory and those below it.
  auto h = build("policy \"p\" {\n  allow write \"~\";\n  deny write \"~/.ssh/config\";\n}\n");
  ASSERT_TRUE(h->profile) << h->readError;
  std::map<std::string, std::string> params{{"HOME", "/Users/u"}};
  EXPECT_FALSE(h->allows("file-write-unlink", "/Users/u", params));
  EXPECT_FALSE(h->allows("file-write-unlink", "/Users/u/.ssh", params));
  EXPECT_TRUE(h->allows("file-write-unlink", "/Users/u/notes", params));
}

TEST(SbplBackend, PrivateAliasesDecideLikeTheirShortNames) {
  auto b = build("policy \"p\" {\n  deny read \"/etc/secret\";\n  allow write \"/tmp\";\n"
                 "  deny write \"/var/db/x\";\n  allow read file \"/etc/hosts\";\n"
                 "  deny read \"/e?c/sh*\";\n}\n");
  ASSERT_TRUE(b->profile) << b->readError;
  for (const char *p : {"/etc/secret/k", "/tmp/a", "/var/db/x", "/etc/hosts", "/etc/shells", "/var/x"}) {
    std::string resolved = std::string("/private") + p;
    EXPECT_EQ(b->allows("file-read-data", p), b->allows("file-read-data", resolved)) << p;
    EXPECT_EQ(b->allows("file-write-data", p), b->allows("file-write-data", resolved)) << p;
  }
  EXPECT_FALSE(b->allows("file-read-data", "/private/etc/secret/k"));
  EXPECT_FALSE(b->allows("file-read-data", "/private/etc/shells"));
  EXPECT_TRUE(b->allows("file-write-data", "/private/tmp/a"));
  // The alias of an ancestor of a protected path cannot be renamed either.
  EXPECT_FALSE(b->allows("file-write-unlink", "/private/var/db"));
}

TEST(SbplBackend, GlobsBelowParametersAreTightened) {
  auto b = build("policy \"p\" {\n  allow write \"$CWD\";\n  allow write \"~/**/*.txt\";\n"
                 "  deny write \"$CWD/**/*.pem\";\n}\n");
  ASSERT_TRUE(b->profile) << b->readError;
  EXPECT_TRUE(b->has("unenforceable-rule"));
  EXPECT_NE(b->messages().find("left out"), std::string::npos) << b->messages();
  EXPECT_NE(b->messages().find("widened"), std::string::npos) << b->messages();
  EXPECT_NE(b->messages().find("--define HOME=PATH"), std::string::npos) << b->messages();
  std::map<std::string, std::string> params{{"HOME", "/Users/u"}, {"CWD", "/Users/u/p"}};
  EXPECT_FALSE(b->allows("file-write-data", "/Users/u/a.txt", params)); // the allow is left out
  EXPECT_FALSE(b->allows("file-write-data", "/Users/u/p/k/a.pem", params));
  EXPECT_TRUE(b->allows("file-write-data", "/Users/u/p/k/a.c", params));
  // With the roots bound at build time both are exact, and no warning.
  auto d = build("policy \"p\" {\n  allow write \"$CWD\";\n  allow write \"~/**/*.txt\";\n"
                 "  deny write \"$CWD/**/*.pem\";\n}\n",
                 {{"HOME", "/Users/u"}, {"CWD", "/Users/u/p"}});
  ASSERT_TRUE(d->profile) << d->readError;
  EXPECT_FALSE(d->has("unenforceable-rule")) << d->messages();
  EXPECT_TRUE(d->allows("file-write-data", "/Users/u/a.txt"));
  EXPECT_FALSE(d->allows("file-write-data", "/Users/u/p/k/a.pem"));
  EXPECT_TRUE(d->profile->params.empty());
  // A glob whose rest is only `**` is the prefix's subtree: exact.
  auto s = build("policy \"p\" {\n  allow write \"$CWD/out/**\";\n}\n");
  EXPECT_FALSE(s->has("unenforceable-rule")) << s->messages();
  EXPECT_NE(s->result.output.find("(subpath (string-append (param \"CWD\") \"/out\"))"),
            std::string::npos);
}

TEST(SbplBackend, AnOrderThatDependsOnParameterValuesLetsTheDenyDecide) {
  auto b = build("policy \"p\" {\n  deny read \"~\";\n  allow read \"$CWD\";\n}\n");
  ASSERT_TRUE(b->profile) << b->readError << b->messages();
  const std::string m = b->messages();
  EXPECT_NE(m.find("unenforceable-rule: whether 'allow read \"$CWD\"' (t.moat:3:3) or 'deny read "
                   "\"~\"' (t.moat:2:3) decides"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("--define CWD=PATH --define HOME=PATH"), std::string::npos) << m;
  // CWD below HOME: the policy allows the project, the profile denies it
  // (stricter); elsewhere they agree.
  std::map<std::string, std::string> params{{"HOME", "/Users/u"}, {"CWD", "/Users/u/p"}};
  EXPECT_FALSE(b->allows("file-read-data", "/Users/u/p/x", params));
  EXPECT_FALSE(b->allows("file-read-data", "/Users/u/x", params));
  EXPECT_TRUE(b->allows("file-read-data", "/srv/x", params));
  // Bound at build time, the same policy compiles exactly.
  auto d = build("policy \"p\" {\n  deny read \"~\";\n  allow read \"$CWD\";\n}\n",
                 {{"HOME", "/Users/u"}, {"CWD", "/Users/u/p"}});
  ASSERT_TRUE(d->profile) << d->readError << d->messages();
  EXPECT_FALSE(d->has("unenforceable-rule")) << d->messages();
  EXPECT_TRUE(d->allows("file-read-data", "/Users/u/p/x"));
  EXPECT_FALSE(d->allows("file-read-data", "/Users/u/x"));
}

TEST(SbplBackend, RefusesBytesItCannotWrite) {
  // A quote inside a glob cannot be written in a raw regex literal.
  auto q = build("policy \"p\" {\n  deny read \"/a/*\\\"x\";\n}\n");
  EXPECT_TRUE(q->diags.hasErrors()) << q->messages();
  EXPECT_TRUE(q->result.output.empty());
  EXPECT_NE(q->messages().find("cannot write"), std::string::npos) << q->messages();
  // ... but in a literal path it is escaped.
  auto l = build("policy \"p\" {\n  deny read \"/a/b\\\"c)d\";\n}\n");
  ASSERT_TRUE(l->profile) << l->readError << l->messages();
  EXPECT_FALSE(l->allows("file-read-data", "/a/b\"c)d"));
  EXPECT_TRUE(l->allows("file-read-data", "/a/b"));
  // Bytes the parser never lets through but the IR could carry: a control
  // byte, malformed UTF-8 (in a literal path, a glob, a socket path).
  for (const char *bad : {"a\nb", "a\xff", "a\xc3"}) {
    for (int kind = 0; kind < 3; ++kind) {
      ir::Policy p;
      fs::PathPattern pattern;
      pattern.components = {bad};
      if (kind == 1) {
        pattern.form = fs::PatternForm::Glob;
        pattern.components.push_back("*");
      }
      if (kind == 2) {
        ir::UnixSocketRule rule;
        rule.path = pattern;
        p.unixSockets.push_back(rule);
      } else {
        ir::FsRule rule;
        rule.pattern = pattern;
        p.fsRules.push_back(rule);
      }
      SourceFiles files;
      DiagnosticEngine diags(files);
      backends::BuildResult result;
      backends::sbpl::build(p, {}, diags, result);
      EXPECT_TRUE(diags.hasErrors()) << bad << " " << kind;
      EXPECT_TRUE(result.output.empty()) << bad << " " << kind;
    }
  }
}

TEST(SbplBackend, RefusesUnconfinedAndUnknownForms) {
  auto off = build("policy \"p\" {\n  set sandbox-disabled = true;\n}\n");
  EXPECT_TRUE(off->diags.hasErrors());
  EXPECT_TRUE(off->result.output.empty());
  auto fmt = build("policy \"p\" {\n}\n", {}, "json");
  EXPECT_TRUE(fmt->diags.hasErrors());
  EXPECT_TRUE(fmt->result.output.empty());
}

TEST(SbplBackend, FilesystemDisabledAllowsEveryFileAccess) {
  auto b = build("policy \"p\" {\n  set filesystem-disabled = true;\n  deny read \"/x\";\n}\n");
  ASSERT_TRUE(b->profile) << b->readError;
  EXPECT_TRUE(b->allows("file-read-data", "/x"));
  EXPECT_TRUE(b->allows("file-write-data", "/x/y"));
  EXPECT_TRUE(b->allows("process-exec", "/x/bin"));
}

TEST(SbplBackend, LinuxOnlyRulesAreLeftOut) {
  auto b = build("policy \"p\" {\n  on linux { deny read \"/x\"; }\n  on macos { deny read \"/y\"; }\n}\n");
  ASSERT_TRUE(b->profile) << b->readError;
  EXPECT_TRUE(b->allows("file-read-data", "/x"));
  EXPECT_FALSE(b->allows("file-read-data", "/y"));
}

TEST(SbplBackend, AlwaysExceptionsOutrankProtections) {
  auto b = build("policy \"p\" {\n  allow write \"$CWD\";\n"
                 "  always allow write \"$CWD/.vscode\" because \"the team shares tasks\";\n}\n");
  ASSERT_TRUE(b->profile) << b->readError << b->messages();
  std::map<std::string, std::string> params{{"CWD", "/p"}};
  EXPECT_TRUE(b->allows("file-write-data", "/p/.vscode/tasks.json", params));
  EXPECT_FALSE(b->allows("file-write-data", "/p/sub/.vscode/tasks.json", params));
}

// The match class (docs/semantics.md, "Specificity"): each rule is emitted
// as a beneath part and an itself part, so a glob matching a path itself
// beats a more specific directory covering it, and loses beneath its own
// matches to that directory; exact, with nothing tightened.
TEST(SbplBackend, ARuleMatchingAPathItselfOutranksOneCoveringItFromAnAncestor) {
  auto b = build("policy \"p\" {\n  allow write \"/p\";\n  allow write \"/p/certs\";\n"
                 "  deny write \"/p/**/*.pem\";\n"
                 "  always allow write \"/p/.vscode\" because \"shared tasks\";\n}\n");
  ASSERT_TRUE(b->profile) << b->readError << b->messages();
  EXPECT_FALSE(b->has("unenforceable-rule")) << b->messages();
  EXPECT_FALSE(b->allows("file-write-data", "/p/certs/k.pem"));  // the glob itself
  EXPECT_TRUE(b->allows("file-write-data", "/p/certs"));         // the subtree itself
  EXPECT_TRUE(b->allows("file-write-data", "/p/certs/k.pem/x")); // both beneath: prefix 2 > 1
  EXPECT_FALSE(b->allows("file-write-data", "/p/k.pem/x"));      // both beneath: glob > subtree
  EXPECT_TRUE(b->allows("file-write-data", "/p/a.c"));
  // `always`: the exception covers its subtree, the protection matches
  // `.vscode` directories inside it itself.
  EXPECT_TRUE(b->allows("file-write-data", "/p/.vscode/a/x"));
  EXPECT_TRUE(b->allows("file-write-data", "/p/.vscode"));
  EXPECT_FALSE(b->allows("file-write-data", "/p/.vscode/a/.vscode"));
  EXPECT_TRUE(b->allows("file-write-data", "/p/.vscode/a/.vscode/x")); // both beneath: 2 > 0
  EXPECT_FALSE(b->allows("file-write-data", "/q/.vscode/x"));
}

TEST(SbplBackend, NetworkFollowsThePolicy) {
  auto none = build("policy \"p\" {\n  default connect deny;\n}\n");
  ASSERT_TRUE(none->profile);
  EXPECT_EQ(none->result.output.find("(remote ip"), std::string::npos);
  auto ports = build("policy \"p\" {\n  allow connect \"example.com\";\n"
                     "  set http-proxy-port = 8080;\n  set socks-proxy-port = 1080;\n"
                     "  set allow-local-binding = true;\n}\n");
  ASSERT_TRUE(ports->profile) << ports->readError;
  const std::string &out = ports->result.output;
  EXPECT_NE(out.find("(remote ip \"localhost:8080\")"), std::string::npos);
  EXPECT_NE(out.find("(remote ip \"localhost:1080\")"), std::string::npos);
  EXPECT_EQ(out.find("localhost:3128"), std::string::npos);
  EXPECT_NE(out.find("(allow network-bind (local ip \"localhost:*\"))"), std::string::npos);
  auto dflt = build("policy \"p\" {\n  allow connect \"example.com\";\n}\n");
  EXPECT_NE(dflt->result.output.find("(remote ip \"localhost:3128\")"), std::string::npos);
  EXPECT_EQ(dflt->result.output.find("network-bind"), std::string::npos);
}

TEST(SbplBackend, UnixSocketsByPath) {
  auto b = build("policy \"p\" {\n  allow unix-socket \"/var/run/a.sock\";\n"
                 "  allow unix-socket \"/run/user\";\n  deny unix-socket \"/run/user/bus\";\n"
                 "  allow unix-socket \"~/.docker/run/docker.sock\";\n}\n");
  ASSERT_TRUE(b->profile) << b->readError;
  std::map<std::string, std::string> params{{"HOME", "/Users/u"}};
  auto sock = [&](const char *p) { return sbpltest::allowsUnixSocket(*b->profile, p, params); };
  EXPECT_TRUE(sock("/var/run/a.sock"));
  EXPECT_TRUE(sock("/private/var/run/a.sock"));
  EXPECT_TRUE(sock("/run/user/1000/x"));
  EXPECT_FALSE(sock("/run/user/bus"));
  EXPECT_TRUE(sock("/Users/u/.docker/run/docker.sock"));
  EXPECT_FALSE(sock("/var/run/b.sock"));
  // Below a parameter only the exact path is allowed (a regex cannot hold
  // the parameter): reported.
  EXPECT_TRUE(b->has("unenforceable-rule"));
  auto all = build("policy \"p\" {\n  set allow-all-unix-sockets = true;\n"
                   "  deny unix-socket \"/var/run/docker.sock\";\n}\n");
  ASSERT_TRUE(all->profile);
  EXPECT_TRUE(sbpltest::allowsUnixSocket(*all->profile, "/tmp/x.sock", {}));
  EXPECT_FALSE(sbpltest::allowsUnixSocket(*all->profile, "/var/run/docker.sock", {}));
}

TEST(SbplBackend, OptionsThatWouldWeakenTheSandboxAreTightened) {
  auto b = build("policy \"p\" {\n  set allow-apple-events = true;\n  set allow-pty = true;\n"
                 "  set allow-mach-lookup = [\"com.example.svc\", \"org.example.*\", \"*\"];\n"
                 "  set weaker-network-isolation = true;\n}\n");
  ASSERT_TRUE(b->profile) << b->readError << b->messages();
  const std::string &out = b->result.output;
  EXPECT_EQ(out.find("appleevent-send"), std::string::npos);
  EXPECT_EQ(count(b->messages(), "unenforceable-rule"), 3u) << b->messages();
  EXPECT_NE(out.find("(global-name \"com.example.svc\")"), std::string::npos);
  EXPECT_NE(out.find("(global-name-prefix \"org.example.\")"), std::string::npos);
  EXPECT_NE(out.find("(global-name \"com.apple.trustd.agent\")"), std::string::npos);
  EXPECT_NE(out.find("(allow pseudo-tty)"), std::string::npos);
  auto mach = [&](const char *name) {
    return sbpltest::allows(*b->profile, {"mach-lookup", sbpltest::Query::Subject::MachName, name}, {});
  };
  EXPECT_TRUE(mach("com.example.svc"));
  EXPECT_TRUE(mach("org.example.other"));
  EXPECT_TRUE(mach("com.apple.system.opendirectoryd.libinfo"));
  EXPECT_FALSE(mach("com.apple.coreservices.launchservicesd"));
  // No ioctl on terminals: TIOCSTI on the user's terminal types commands.
  EXPECT_FALSE(b->allows("file-ioctl", "/dev/ttys001"));
}

TEST(SbplBackend, HostileNamesNeverChangeTheStructure) {
  // The policy text has `d\\\\e`: the string is `d\\e`, and the pattern
  // reads `\\` as an escaped, literal backslash.
  auto b = build("policy \"we\\\"ird\\npolicy\" {\n  deny read \"/a;b/(c)/d\\\\\\\\e\";\n"
                 "  deny read \"/x/*;(y)\";\n}\n");
  ASSERT_TRUE(b->profile) << b->readError << b->messages();
  EXPECT_EQ(b->profile->rules.size(), b->profile->forms - 2);
  EXPECT_FALSE(b->allows("file-read-data", "/a;b/(c)/d\\e/f"));
  EXPECT_FALSE(b->allows("file-read-data", "/x/q;(y)"));
  EXPECT_TRUE(b->allows("file-read-data", "/x/q;(y)z"));
}
