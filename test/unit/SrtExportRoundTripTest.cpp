// The round-trip proof of the srt and claude targets over seeded random
// policies: every build succeeds (or refuses only for a reason the test
// expects), and its output, read back through moat's own importer, is never
// looser than the policy. "Never looser" is checked twice, independently:
// with `moat diff`'s exact procedure (verify::diffPolicies) and with the
// reference evaluator on a universe of concrete paths and endpoints.
// Set MOAT_TEST_SEED to replay one seed; failures print it.
#include "backends/claude/ClaudeTarget.h"
#include "backends/srt/SrtTarget.h"
#include "compiler/Frontend.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/import/Importers.h"
#include "compiler/sema/Sema.h"
#include "compiler/verify/Diff.h"

#include "TestModel.h"

#include <gtest/gtest.h>

#include <random>

using namespace moat;
using namespace moat::backends;

namespace {

sema::IncludeReader noIncludes() {
  return [](const std::string &, SourceLoc) { return std::optional<ast::File>(); };
}

std::optional<ir::Policy> loadText(SourceFiles &files, DiagnosticEngine &diags,
                                   const std::string &name, const std::string &text) {
  uint32_t buffer = files.addBuffer(name, text);
  auto file = readPolicyBuffer(buffer, diags);
  if (!file)
    return std::nullopt;
  auto policy = sema::analyse(*file, noIncludes(), sema::SemaOptions{}, diags);
  if (diags.hasErrors())
    return std::nullopt;
  return policy;
}

std::string diagText(const DiagnosticEngine &diags) {
  std::string out;
  for (const Diagnostic &d : diags.diagnostics())
    out += fmt::format("{}:{}: {} [{}]\n", d.loc.line, d.loc.col, d.message, d.id);
  return out;
}

eval::Bindings modelBindings() {
  return test::modelBindings();
}

// A random .moat policy over a small universe of names, so that rules meet.
class PolicyGenerator {
public:
  explicit PolicyGenerator(unsigned seed) : rng_(seed) {}

  std::string policy() {
    std::string out = "policy \"random\" {\n  let work = \"" +
                      std::string(pick(2) ? "$CWD/sub" : "/srv/work") + "\";\n";
    out += std::string("  default read ") + (pick(4) ? "allow" : "deny") + ";\n";
    out += std::string("  default write ") + (pick(8) ? "deny" : "allow") + ";\n";
    const char *connect[] = {"deny", "deny", "ask", "allow"};
    out += std::string("  default connect ") + connect[pick(4)] + ";\n";
    size_t fsRules = 2 + pick(10);
    for (size_t i = 0; i < fsRules; ++i)
      out += platformWrap(fsRule());
    size_t netRules = pick(6);
    for (size_t i = 0; i < netRules; ++i)
      out += platformWrap(netRule());
    size_t sockets = pick(3);
    for (size_t i = 0; i < sockets; ++i)
      out += platformWrap(socketRule());
    if (pick(6) == 0)
      out += "  set allow-all-unix-sockets = true;\n";
    if (pick(8) == 0)
      out += "  set allow-git-config = true;\n";
    if (pick(8) == 0)
      out += "  set allow-local-binding = true;\n";
    return out + "}\n";
  }

private:
  size_t pick(size_t n) { return static_cast<size_t>(rng_() % n); }

  std::string platformWrap(const std::string &rule) {
    switch (pick(6)) {
    case 0:
      return "  on linux { " + rule + " }\n";
    case 1:
      return "  on macos { " + rule + " }\n";
    default:
      return "  " + rule + "\n";
    }
  }

  std::string path(bool &literal) {
    const char *roots[] = {"~", "$CWD", "", "$TMPDIR", "$work", "$CWD", "~"};
    const char *names[] = {"a", "b", ".env", ".ssh", "x", ".git", "hooks", ".bashrc", "build"};
    const char *globs[] = {"*", "*.pem", "**", "?", "a*"};
    std::string out = roots[pick(std::size(roots))];
    size_t depth = pick(4);
    literal = true;
    for (size_t i = 0; i < depth; ++i) {
      if (pick(5) == 0) {
        out += std::string("/") + globs[pick(std::size(globs))];
        literal = false;
      } else {
        out += std::string("/") + names[pick(std::size(names))];
      }
    }
    return out.empty() ? "/" : out;
  }

  std::string fsRule() {
    bool literal = true;
    std::string p = path(literal);
    bool always = pick(6) == 0;
    bool allow = pick(2) == 0;
    const char *access[] = {"read", "write", "read, write"};
    std::string out = std::string(always ? "always " : "") + (allow ? "allow " : "deny ") +
                      access[pick(3)] + " ";
    if (literal && pick(4) == 0)
      out += "file ";
    out += "\"" + p + "\"";
    if (always && allow)
      out += " because \"test\"";
    return out + ";";
  }

  std::string netRule() {
    const char *hosts[] = {"example.com", "a.example.com", "*.example.com", "localhost",
                           "intranet",    "10.0.0.0/8",    "10.1.2.3",      "[::1]",
                           "*",           "[fd00::]/8",    "*.co.uk",       "*.com"};
    const char *ports[] = {"", "", ":443", ":8000-8010", ":1-1024"};
    return std::string(pick(2) ? "allow" : "deny") + " connect \"" + hosts[pick(std::size(hosts))] +
           ports[pick(std::size(ports))] + "\";";
  }

  std::string socketRule() {
    const char *paths[] = {"/run/a.sock", "/run", "~/.s/agent.sock", "/run/*.sock"};
    return std::string(pick(3) ? "allow" : "deny") + " unix-socket \"" +
           paths[pick(std::size(paths))] + "\";";
  }

  std::mt19937 rng_;
};

// Concrete paths over the generator's universe, and their children.
std::vector<std::string> pathUniverse() {
  const char *bases[] = {"/", "/home/user", "/home/user/project", "/tmp", "/srv/work",
                         "/home/user/project/sub", "/etc", "/run"};
  const char *names[] = {"a", "b", ".env", ".ssh", "x", ".git", "hooks", ".bashrc", "build",
                         "k.pem", "zz", "agent.sock", "config"};
  std::vector<std::string> out;
  for (const char *b : bases) {
    std::string base = b;
    out.push_back(base);
    for (const char *n : names) {
      std::string p1 = (base == "/" ? "" : base) + "/" + n;
      out.push_back(p1);
      for (const char *m : {"a", ".git", "hooks", "k.pem", ".bashrc"}) {
        out.push_back(p1 + "/" + m);
        out.push_back(p1 + "/" + m + "/config");
      }
    }
  }
  return out;
}

std::vector<std::pair<std::string, uint16_t>> endpointUniverse() {
  std::vector<std::pair<std::string, uint16_t>> out;
  for (const char *h : {"example.com", "a.example.com", "b.a.example.com", "localhost", "intranet",
                        "10.1.2.3", "10.9.0.1", "::1", "fd00::1", "x.co.uk", "other.org"})
    for (uint16_t port : {22, 443, 8005, 1024, 3000})
      out.emplace_back(h, port);
  return out;
}

int rank(eval::NetDecision::Outcome o) {
  return o == eval::NetDecision::Outcome::Deny ? 0 : o == eval::NetDecision::Outcome::Ask ? 1 : 2;
}

struct Counts {
  size_t policies = 0, builds = 0, warnings = 0, probes = 0;
};

// Builds `policy` for one dialect and scope and checks the round trip.
void check(const ir::Policy &policy, const std::string &policyText, bool claude,
           const std::string &format, Counts &counts, DiagnosticEngine &diags) {
  BuildOptions options;
  options.bindings = modelBindings();
  options.definedNames = {"TMPDIR"};
  options.format = format;
  BuildResult result;
  if (claude)
    claude::build(policy, options, diags, result);
  else
    srt::build(policy, options, diags, result);
  ASSERT_FALSE(diags.hasErrors()) << diagText(diags);
  ASSERT_FALSE(result.output.empty());
  ++counts.builds;
  counts.warnings += diags.count(Severity::Warning);

  // Byte-identical on a rebuild.
  {
    SourceFiles files2;
    DiagnosticEngine diags2(files2);
    auto again = loadText(files2, diags2, "random.moat", policyText);
    ASSERT_TRUE(again);
    BuildResult result2;
    if (claude)
      claude::build(*again, options, diags2, result2);
    else
      srt::build(*again, options, diags2, result2);
    ASSERT_EQ(result.output, result2.output);
  }

  // Read the output back exactly as `moat check` would.
  SourceFiles backFiles;
  DiagnosticEngine backDiags(backFiles);
  auto back = loadText(backFiles, backDiags, claude ? "settings.json" : "srt-settings.json",
                       result.output);
  ASSERT_TRUE(back) << diagText(backDiags) << result.output;

  std::string error;
  bool onLinux = format != "macos", onMacOS = format != "linux";
  // The exact comparison of the whole file (the build already compared it
  // without its spelled-out protections); once per policy keeps the test
  // fast, the evaluator probes below cover every scope.
  std::optional<verify::PolicyDiff> diff;
  if (format.empty()) {
    diff = verify::diffPolicies(policy, *back, options.bindings, error);
    ASSERT_TRUE(diff) << error;
  }
  for (const verify::DiffRegion &r : diff ? diff->regions : std::vector<verify::DiffRegion>{}) {
    if (r.direction != verify::Direction::Looser)
      continue;
    if ((r.platform == ir::Platform::Linux && !onLinux) || (r.platform == ir::Platform::MacOS && !onMacOS))
      continue;
    FAIL() << "looser " << verify::diffAccessName(r.access) << " " << r.path << " "
           << r.endpoint.host.text() << ":" << r.endpoint.port << "\n"
           << result.output;
  }

  // The same claim, probed with the evaluator on concrete accesses.
  static const std::vector<std::string> paths = pathUniverse();
  static const auto endpoints = endpointUniverse();
  for (ir::Platform platform : {ir::Platform::Linux, ir::Platform::MacOS}) {
    if ((platform == ir::Platform::Linux && !onLinux) || (platform == ir::Platform::MacOS && !onMacOS))
      continue;
    auto before = eval::Evaluator::create(policy, options.bindings, platform, error);
    ASSERT_TRUE(before) << error;
    auto after = eval::Evaluator::create(*back, options.bindings, platform, error);
    ASSERT_TRUE(after) << error;
    for (const std::string &p : paths) {
      for (ir::Access access : {ir::Access::Read, ir::Access::Write}) {
        ++counts.probes;
        if (after->decide(p, access).effect == ir::Effect::Allow) {
          ASSERT_EQ(before->decide(p, access).effect, ir::Effect::Allow)
              << ir::accessName(access) << " " << p << " on " << ir::platformName(platform) << "\n"
              << result.output;
        }
      }
      ++counts.probes;
      if (after->unixSocketAllowed(p)) {
        ASSERT_TRUE(before->unixSocketAllowed(p)) << "unix-socket " << p << "\n" << result.output;
      }
    }
    for (const auto &[h, port] : endpoints) {
      auto host = net::canonicaliseHost(h, error);
      ASSERT_TRUE(host) << error;
      ++counts.probes;
      ASSERT_LE(rank(after->decide(*host, port).outcome), rank(before->decide(*host, port).outcome))
          << "connect " << h << ":" << port << "\n"
          << result.output;
    }
  }
}

void runRandom(bool claude) {
  unsigned base = claude ? 0xc1a0de00 : 0x5a7d0000;
  unsigned only = 0;
  if (const char *s = std::getenv("MOAT_TEST_SEED"))
    only = static_cast<unsigned>(std::strtoul(s, nullptr, 0));
  Counts counts;
#ifdef MOAT_SANITIZED
  constexpr unsigned kPolicies = 15; // the sanitizer build checks memory, the release build every policy
#else
  constexpr unsigned kPolicies = 60;
#endif
  for (unsigned i = 0; i < 400 && counts.policies < kPolicies; ++i) {
    unsigned seed = only ? only : base + i;
    std::string text = PolicyGenerator(seed).policy();
    SourceFiles files;
    DiagnosticEngine diags(files);
    if (!loadText(files, diags, "random.moat", text))
      continue; // random rules may contradict each other (conflicting-rule)
    ++counts.policies;
    for (const char *format : {"", "linux", "macos"}) {
      SCOPED_TRACE(fmt::format("seed {:#x} (MOAT_TEST_SEED to replay) target {} format '{}'\n{}",
                               seed, claude ? "claude" : "srt", format, text));
      SourceFiles buildFiles;
      DiagnosticEngine buildDiags(buildFiles);
      auto policy = loadText(buildFiles, buildDiags, "random.moat", text);
      ASSERT_TRUE(policy);
      check(*policy, text, claude, format, counts, buildDiags);
      if (::testing::Test::HasFailure())
        return;
    }
    if (only)
      break;
  }
  if (!only) {
    EXPECT_GE(counts.policies, kPolicies * 5 / 6);
#ifndef MOAT_SANITIZED
    EXPECT_GT(counts.warnings, 0u); // random policies do need tightening (60 of them always do)
#endif
  }
  ::testing::Test::RecordProperty("policies", static_cast<int>(counts.policies));
  ::testing::Test::RecordProperty("probes", static_cast<int>(counts.probes));
}

} // namespace

TEST(SrtExportRoundTrip, RandomPoliciesAreNeverLooser) { runRandom(false); }
TEST(ClaudeExportRoundTrip, RandomPoliciesAreNeverLooser) { runRandom(true); }
