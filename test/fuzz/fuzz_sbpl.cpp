// libFuzzer target: hostile path names through the sbpl backend (macOS
// Seatbelt profiles, backends/sbpl) and back through the test reader
// (test/support/sbpl).
//
// Input: one flags byte, then up to four rules separated by 0x1e, each a
// list of path names separated by 0x1f (any bytes: quotes, backslashes,
// parentheses, semicolons, newlines, NUL, malformed UTF-8). Flags: bit 0 puts
// every rule below the HOME parameter instead of "/"; bits 1-2 pick the
// first rule's form (subtree, exact, glob of the escaped names plus `*`);
// bit 3 makes rules alternate deny/allow; bit 4 adds a unix-socket rule on
// the first rule's path.
//
// It aborts when
//   - the backend refuses although every name is writable, or writes a
//     profile although one is not (a control byte, malformed UTF-8, or a
//     `"` that a regex would have to hold);
//   - the reader rejects the profile (balance, operations, absolute paths,
//     regexes that compile);
//   - the profile has a different number of forms, or different rules, than
//     the same policy with harmless names (escaping changed its structure);
//   - a subtree or exact rule's path string does not come back exactly;
//   - the profile decides a path (or a socket) unlike the evaluator.
#include "FuzzFail.h"

#include "backends/sbpl/Sbpl.h"
#include "backends/sbpl/SbplText.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/fs/Glob.h"
#include "sbpl/SbplModel.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

using namespace moat;

namespace {

[[noreturn]] void fail(const char *what, std::string_view input, std::string_view detail) {
  moat::fuzz::failInput("fuzz_sbpl", what, input, detail);
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t begin = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(begin, i - begin));
      begin = i + 1;
    }
  return out;
}

struct Spec {
  bool home = false;
  std::vector<std::vector<std::string>> rules; // names per rule
  std::vector<fs::PatternForm> forms;
  bool alternate = false, socket = false;
};

ir::Policy policyOf(const Spec &spec) {
  ir::Policy p;
  p.name = "fuzz";
  for (size_t i = 0; i < spec.rules.size(); ++i) {
    ir::FsRule r;
    r.access = i % 2 ? ir::Access::Write : ir::Access::Read;
    r.effect = spec.alternate && i % 2 ? ir::Effect::Allow : ir::Effect::Deny;
    r.pattern.root = spec.home ? "HOME" : "";
    r.pattern.form = spec.forms[i];
    for (const std::string &n : spec.rules[i])
      r.pattern.components.push_back(r.pattern.isGlob() ? fs::escapeGlobLiteral(n) : n);
    if (r.pattern.isGlob())
      r.pattern.components.push_back("*");
    p.fsRules.push_back(std::move(r));
  }
  if (spec.socket) {
    ir::UnixSocketRule s;
    s.path = p.fsRules[0].pattern;
    p.unixSockets.push_back(std::move(s));
  }
  return p;
}

struct Outcome {
  std::string output;
  bool refused = false;
  std::string messages;
};

Outcome run(const ir::Policy &policy) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  backends::BuildResult result;
  backends::sbpl::build(policy, backends::BuildOptions{}, diags, result);
  Outcome o;
  o.output = result.output;
  o.refused = diags.hasErrors();
  for (const Diagnostic &d : diags.diagnostics())
    o.messages += d.message + "\n";
  return o;
}

// The rules of a profile without their path strings and regexes: what
// escaping must never change.
std::string shape(const sbpltest::Profile &p) {
  std::string out;
  for (const sbpltest::Rule &r : p.rules) {
    out += r.allow ? "allow" : "deny";
    for (const std::string &op : r.operations)
      out += " " + op;
    out += " " + std::to_string(r.filters.size()) + ";";
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 4096)
    return 0;
  std::string_view input(reinterpret_cast<const char *>(data), size);
  const unsigned flags = static_cast<unsigned char>(input[0]);
  Spec spec;
  spec.home = flags & 1;
  spec.alternate = flags & 8;
  spec.socket = flags & 16;
  for (const std::string &rule : split(input.substr(1), '\x1e')) {
    if (spec.rules.size() == 4)
      break;
    std::vector<std::string> names = split(rule, '\x1f');
    for (const std::string &n : names)
      if (n.empty() || n == "." || n == ".." || n.find('/') != std::string::npos)
        return 0; // never a component of a normalised IR pattern
    spec.rules.push_back(std::move(names));
    unsigned form = spec.forms.empty() ? (flags >> 1) & 3 : spec.forms.size() % 3;
    spec.forms.push_back(form == 1 ? fs::PatternForm::Exact
                                   : form == 2 ? fs::PatternForm::Glob : fs::PatternForm::Subtree);
  }
  if (spec.rules.empty())
    return 0;

  // May the backend refuse? Only for bytes it cannot write with certainty:
  // anywhere, or a quote in a name that a regex must hold (an absolute glob;
  // below a parameter the names are the prefix, a string; an absolute socket
  // subtree, whose descendants take a regex).
  bool unwritable = false, tightened = false;
  for (size_t i = 0; i < spec.rules.size(); ++i) {
    bool glob = spec.forms[i] == fs::PatternForm::Glob;
    tightened |= glob && spec.home;
    bool regex = (glob && !spec.home) ||
                 (i == 0 && spec.socket && !spec.home && spec.forms[i] == fs::PatternForm::Subtree);
    for (const std::string &n : spec.rules[i]) {
      unwritable |= backends::sbpl::unwritableBytes(n).has_value();
      unwritable |= regex && n.find('"') != std::string::npos;
    }
  }

  ir::Policy policy = policyOf(spec);
  Outcome out = run(policy);
  if (out.refused != unwritable)
    fail(out.refused ? "refused writable names" : "wrote unwritable names", input, out.messages);
  if (out.refused) {
    if (!out.output.empty())
      fail("output after an error", input, out.output);
    return 0;
  }

  std::string error;
  auto profile = sbpltest::readProfile(out.output, error);
  if (!profile)
    fail("reader rejected the profile", input, error + "\n" + out.output);

  // The same policy with harmless names must have the same shape. Distinct
  // names stay distinct and keep their length (specificity counts bytes, so
  // the rule order stays the same); the /private alias names stay themselves.
  Spec tame = spec;
  std::map<std::string, std::string> renamed;
  const std::string digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (auto &names : tame.rules)
    for (std::string &n : names) {
      if (n == "etc" || n == "tmp" || n == "var")
        continue;
      auto it = renamed.find(n);
      if (it == renamed.end()) {
        std::string t;
        for (size_t k = renamed.size(); t.empty() || k; k /= digits.size())
          t.insert(t.begin(), digits[k % digits.size()]);
        if (t.size() > n.size())
          return 0; // too many distinct names of this length to rename
        t.insert(t.begin(), n.size() - t.size(), 'Z');
        if (t == "etc" || t == "tmp" || t == "var")
          return 0;
        it = renamed.emplace(n, t).first;
      }
      n = it->second;
    }
  Outcome tameOut = run(policyOf(tame));
  auto tameProfile = sbpltest::readProfile(tameOut.output, error);
  if (!tameProfile)
    fail("harmless twin did not build", input, error + tameOut.messages);
  if (profile->forms != tameProfile->forms || shape(*profile) != shape(*tameProfile))
    fail("escaping changed the profile's structure", input, out.output + "\n---\n" + tameOut.output);

  // Path strings come back exactly.
  std::map<std::string, std::string> params{{"HOME", "/h"}};
  std::vector<std::string> values;
  for (const sbpltest::PathExpr *e : sbpltest::pathStrings(*profile))
    if (auto v = e->value(params))
      values.push_back(*v);
  std::vector<std::string> paths;
  for (size_t i = 0; i < spec.rules.size(); ++i) {
    std::string path = spec.home ? "/h" : "";
    for (const std::string &n : spec.rules[i])
      path += "/" + n;
    paths.push_back(path);
    paths.push_back(path + "/x");
    paths.push_back(path + "x");
    if (spec.forms[i] == fs::PatternForm::Glob)
      continue;
    bool found = false;
    for (const std::string &v : values)
      found |= v == path;
    if (!found)
      fail("a path string did not come back", input, path + "\n" + out.output);
  }

  // Decisions equal the evaluator's (exactly: nothing was tightened).
  if (tightened)
    return 0;
  eval::Bindings bindings;
  if (!bindings.define("HOME", "/h", error))
    fail("binding", input, error);
  auto ev = eval::Evaluator::create(policy, bindings, ir::Platform::MacOS, error);
  if (!ev)
    fail("evaluator", input, error);
  for (const std::string &p : paths) {
    auto norm = fs::normaliseAbsolute(p);
    if (!norm || *norm != p)
      continue;
    bool read = ev->decide(p, ir::Access::Read).effect == ir::Effect::Allow;
    bool write = ev->decide(p, ir::Access::Write).effect == ir::Effect::Allow;
    if (sbpltest::allowsPath(*profile, "file-read-data", p, params) != read ||
        sbpltest::allowsPath(*profile, "file-write-data", p, params) != write)
      fail("decision differs from the evaluator", input, p + "\n" + out.output);
    bool socketTightened = spec.home && spec.forms[0] != fs::PatternForm::Exact;
    if (!socketTightened &&
        sbpltest::allowsUnixSocket(*profile, p, params) != ev->unixSocketAllowed(p))
      fail("socket decision differs from the evaluator", input, p + "\n" + out.output);
  }
  return 0;
}
