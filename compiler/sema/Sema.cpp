// Sema: flattens blocks and includes, then turns each statement into IR,
// validating as it goes. Errors are collected (several per run); the IR is
// returned only when there were none.
#include "compiler/sema/Sema.h"

#include "compiler/sema/BuiltinProtections.h"
#include "compiler/sema/GitSema.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <map>
#include <set>
#include <tuple>

namespace moat::sema {

namespace {

constexpr unsigned kMaxIncludeDepth = 32;

const std::set<std::string> &builtinRoots() {
  static const std::set<std::string> roots{"HOME", "CWD", "TMPDIR"};
  return roots;
}

// A statement with the context flattening gave it.
struct FlatStmt {
  const ast::Stmt *stmt;
  ir::Platform platform;
  std::string relativeBase; // "CWD" for srt / Claude inputs, "" otherwise
};

std::string relativeBaseFor(ast::SourceKind kind) {
  return kind == ast::SourceKind::Srt || kind == ast::SourceKind::Claude ? "CWD" : "";
}

class Analyzer {
public:
  Analyzer(const IncludeReader &readInclude, const SemaOptions &options, DiagnosticEngine &diags)
      : readInclude_(readInclude), options_(options), diags_(diags) {}

  std::optional<ir::Policy> run(const ast::File &file) {
    const unsigned errorsBefore = diags_.inputErrorCount(); // other policies' errors are not ours; findings do not stop it
    policy_.sourceFiles.push_back(file.path);
    policy_.fileRuntime = file.kind == ast::SourceKind::Srt      ? ir::Runtime::Srt
                          : file.kind == ast::SourceKind::Claude ? ir::Runtime::Claude
                                                                 : ir::Runtime::Moat;
    includeStack_.push_back(canonicalPath(file.path));
    flatten(file.stmts, ir::Platform::Any, relativeBaseFor(file.kind), file, 0, false);
    includeStack_.pop_back();

    for (const FlatStmt &f : flat_)
      if (auto *let = std::get_if<ast::LetStmt>(&f.stmt->node))
        defineVariable(*let, f);
    checkVariableCycles();
    for (const FlatStmt &f : flat_)
      if (auto *set = std::get_if<ast::SetStmt>(&f.stmt->node))
        setOption(*set);
    for (const FlatStmt &f : flat_)
      analyseStatement(f);
    checkGitRemotesUnique(policy_.git, diags_);

    if (diags_.inputErrorCount() != errorsBefore)
      return std::nullopt;
    if (options_.addBuiltinProtections) {
      std::vector<ir::FsRule> rules = builtinProtections(policy_.options);
      rules.insert(rules.end(), std::make_move_iterator(policy_.fsRules.begin()),
                   std::make_move_iterator(policy_.fsRules.end()));
      policy_.fsRules = std::move(rules);
    }
    return std::move(policy_);
  }

private:
  // ---- flattening -----------------------------------------------------------

  static std::string canonicalPath(const std::string &path) {
    llvm::SmallString<256> real;
    if (!llvm::sys::fs::real_path(path, real))
      return std::string(real);
    return path;
  }

  void flatten(const std::vector<ast::Stmt> &stmts, ir::Platform platform, const std::string &relBase,
               const ast::File &file, unsigned includeDepth, bool insideBlock) {
    for (const ast::Stmt &stmt : stmts) {
      if (auto *block = std::get_if<ast::PolicyBlock>(&stmt.node)) {
        if (insideBlock) {
          diags_.report(DiagKind::NestedPolicy, block->loc);
          continue;
        }
        if (!policy_.name.empty()) {
          diags_.report(DiagKind::DuplicatePolicy, block->loc, policy_.name);
          diags_.note(DiagKind::DefinedHere, policy_.nameLoc, "the policy is declared here");
          continue;
        }
        policy_.name = block->name.value;
        policy_.nameLoc = block->name.loc;
        flatten(block->body, platform, relBase, file, includeDepth, true);
      } else if (auto *on = std::get_if<ast::PlatformBlock>(&stmt.node)) {
        ir::Platform inner;
        if (on->platform.value == "linux")
          inner = ir::Platform::Linux;
        else if (on->platform.value == "macos")
          inner = ir::Platform::MacOS;
        else {
          diags_.report(DiagKind::UnknownPlatform, on->platform.loc, on->platform.value);
          continue;
        }
        if (platform != ir::Platform::Any && platform != inner) {
          diags_.report(DiagKind::PlatformConflict, on->loc, ir::platformName(inner),
                        ir::platformName(platform));
          continue;
        }
        flatten(on->body, inner, relBase, file, includeDepth, true);
      } else if (auto *inc = std::get_if<ast::IncludeStmt>(&stmt.node)) {
        include(*inc, platform, file, includeDepth);
      } else {
        flat_.push_back(FlatStmt{&stmt, platform, relBase});
      }
    }
  }

  void include(const ast::IncludeStmt &inc, ir::Platform platform, const ast::File &from,
               unsigned includeDepth) {
    if (includeDepth + 1 > kMaxIncludeDepth) {
      diags_.report(DiagKind::IncludeDepth, inc.loc, kMaxIncludeDepth);
      return;
    }
    const std::string &raw = inc.path.value;
    if (raw.empty() || raw.find('\0') != std::string::npos) {
      diags_.report(DiagKind::InvalidPath, inc.path.loc, raw, "an include needs a file name");
      return;
    }
    llvm::SmallString<256> path;
    if (llvm::sys::path::is_absolute(raw)) {
      path = raw;
    } else {
      path = from.baseDir.empty() ? "." : from.baseDir;
      llvm::sys::path::append(path, raw);
    }
    std::string canonical = canonicalPath(std::string(path));
    for (const std::string &active : includeStack_) {
      if (active == canonical) {
        diags_.report(DiagKind::IncludeCycle, inc.path.loc, raw);
        return;
      }
    }
    std::optional<ast::File> included = readInclude_ ? readInclude_(std::string(path), inc.path.loc)
                                                     : std::nullopt;
    if (!included)
      return; // the reader reported why
    included_.push_back(std::make_unique<ast::File>(std::move(*included)));
    const ast::File &file = *included_.back();
    policy_.sourceFiles.push_back(file.path);
    includeStack_.push_back(canonical);
    flatten(file.stmts, platform, relativeBaseFor(file.kind), file, includeDepth + 1, false);
    includeStack_.pop_back();
  }

  // ---- variables and options -----------------------------------------------

  void defineVariable(const ast::LetStmt &let, const FlatStmt &f) {
    const std::string &name = let.name.value;
    if (builtinRoots().count(name)) {
      diags_.report(DiagKind::ReservedVariable, let.name.loc, name);
      return;
    }
    auto [it, inserted] = policy_.variables.try_emplace(name);
    if (!inserted) {
      diags_.report(DiagKind::RedefinedVariable, let.name.loc, name);
      diags_.note(DiagKind::DefinedHere, it->second.loc, "'" + name + "' is first defined here");
      return;
    }
    std::string error;
    auto value = fs::parsePathPattern(let.value.value, false, f.relativeBase, error);
    if (!value) {
      diags_.report(DiagKind::InvalidPath, let.value.loc, let.value.value, error);
      policy_.variables.erase(it);
      return;
    }
    if (value->isGlob()) {
      diags_.report(DiagKind::InvalidPath, let.value.loc, let.value.value,
                    "a variable names a directory, not a glob");
      policy_.variables.erase(it);
      return;
    }
    it->second = ir::Variable{name, std::move(*value), let.name.loc};
  }

  void checkVariableCycles() {
    for (auto &[name, var] : policy_.variables) {
      std::set<std::string> seen{name};
      std::string root = var.value.root;
      while (!root.empty() && !builtinRoots().count(root)) {
        if (!seen.insert(root).second) {
          diags_.report(DiagKind::VariableCycle, var.loc, name);
          break;
        }
        auto next = policy_.variables.find(root);
        if (next == policy_.variables.end()) {
          diags_.report(DiagKind::UnknownVariable, var.loc, root);
          break;
        }
        root = next->second.value.root;
      }
    }
  }

  void setOption(const ast::SetStmt &set) {
    auto id = ir::findOption(set.name.value);
    if (!id) {
      diags_.report(DiagKind::UnknownOption, set.name.loc, set.name.value);
      return;
    }
    const ir::OptionInfo &info = ir::optionInfo(*id);
    const auto &v = set.value.value;
    bool typeOk = (info.type == ir::OptionType::Bool && std::holds_alternative<bool>(v)) ||
                  (info.type == ir::OptionType::Int && std::holds_alternative<int64_t>(v)) ||
                  (info.type == ir::OptionType::String && std::holds_alternative<std::string>(v)) ||
                  (info.type == ir::OptionType::StringList &&
                   std::holds_alternative<std::vector<std::string>>(v));
    if (!typeOk) {
      diags_.report(DiagKind::OptionType, set.value.loc, info.name, ir::optionTypeName(info.type));
      return;
    }
    if (auto range = intRange(*id)) {
      int64_t n = std::get<int64_t>(v);
      if (n < range->first || n > range->second) {
        diags_.report(DiagKind::OptionRange, set.value.loc, info.name, range->first, range->second);
        return;
      }
    }
    if (const auto &prev = policy_.options.get(*id)) {
      diags_.report(DiagKind::DuplicateOption, set.name.loc, info.name);
      diags_.note(DiagKind::DefinedHere, prev->loc, "first set here");
      return;
    }
    ir::OptionValue value;
    std::visit([&](const auto &x) { value = x; }, v);
    policy_.options.set(*id, ir::OptionSetting{std::move(value), set.value.loc, set.implied});
  }

  static std::optional<std::pair<int64_t, int64_t>> intRange(ir::OptionId id) {
    switch (id) {
    case ir::OptionId::MandatoryDenySearchDepth:
      return std::make_pair<int64_t, int64_t>(1, 10);
    case ir::OptionId::HttpProxyPort:
    case ir::OptionId::SocksProxyPort:
      return std::make_pair<int64_t, int64_t>(1, 65535);
    default:
      return std::nullopt;
    }
  }

  // ---- statements -------------------------------------------------------------

  void analyseStatement(const FlatStmt &f) {
    std::visit(
        [&](const auto &node) {
          using T = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<T, ast::FsRule>)
            fsRule(node, f);
          else if constexpr (std::is_same_v<T, ast::NetRule>)
            netRule(node, f);
          else if constexpr (std::is_same_v<T, ast::UnixSocketRule>)
            socketRule(node, f);
          else if constexpr (std::is_same_v<T, ast::DefaultStmt>)
            defaultStmt(node);
          else if constexpr (std::is_same_v<T, ast::AssertStmt>)
            assertStmt(node, f);
          else if constexpr (std::is_same_v<T, ast::LockStmt>)
            lockStmt(node);
          else if constexpr (std::is_same_v<T, ast::RequireStmt>)
            requireStmt(node, f);
          else if constexpr (std::is_same_v<T, ast::ForbidStmt>)
            forbidStmt(node, f);
          else if constexpr (std::is_same_v<T, ast::GitBlock>)
            gitBlock(node, f);
          // let/set were handled in earlier passes; blocks and includes were flattened.
        },
        f.stmt->node);
  }

  // Parses a path and checks that its root is known.
  std::optional<fs::PathPattern> path(const ast::Str &s, bool exactFile, const FlatStmt &f) {
    std::string error;
    auto p = fs::parsePathPattern(s.value, exactFile, f.relativeBase, error);
    if (!p) {
      bool glob = error.find("glob") != std::string::npos;
      diags_.report(glob ? DiagKind::InvalidGlob : DiagKind::InvalidPath, s.loc, s.value, error);
      return std::nullopt;
    }
    if (!p->root.empty() && !builtinRoots().count(p->root) && !policy_.variables.count(p->root)) {
      diags_.report(DiagKind::UnknownVariable, s.loc, p->root);
      return std::nullopt;
    }
    return p;
  }

  std::optional<net::HostPattern> host(const ast::Str &s) {
    std::string error;
    auto h = net::parseHostPattern(s.value, error);
    if (!h) {
      bool port = error.find("port") != std::string::npos;
      diags_.report(port ? DiagKind::InvalidPort : DiagKind::InvalidHost, s.loc, s.value, error);
      return std::nullopt;
    }
    return h;
  }

  ir::Provenance provenance(SourceLoc loc, const std::string &origin) const {
    return ir::Provenance{loc, options_.layer, origin};
  }

  // Reports a repeat (warning; the repeat is dropped) or a contradiction (a
  // conflicting-rule finding; both are kept) of an earlier rule.
  template <typename Rule>
  bool checkRepeat(std::map<std::string, size_t> &seen, const std::string &key, const std::vector<Rule> &rules,
                   ir::Effect effect, SourceLoc loc, const char *what) {
    auto [it, inserted] = seen.try_emplace(key, rules.size());
    if (inserted)
      return true;
    const Rule &earlier = rules[it->second];
    if (earlier.effect == effect) {
      diags_.report(DiagKind::DuplicateRule, loc);
      diags_.note(DiagKind::DefinedHere, earlier.prov.loc, "the earlier rule is here");
      return false;
    }
    // Not an input error: srt accepts the same host in allowedDomains and
    // deniedDomains and the deny wins. Both rules are kept, and the deny
    // wins here too (same pattern: deny wins ties; network: any deny wins).
    // docs/rules/conflicting-rule.md.
    diags_.add(Diagnostic{DiagKind::Finding, Severity::Warning, "conflicting-rule", loc,
                          fmt::format("this rule contradicts an earlier rule for the same {}: the deny wins", what),
                          {}});
    diags_.note(DiagKind::DefinedHere, earlier.prov.loc, "the earlier rule is here");
    return true;
  }

  void fsRule(const ast::FsRule &r, const FlatStmt &f) {
    auto pattern = path(r.pattern, r.exactFile, f);
    if (!pattern)
      return;
    ir::Tier tier = r.always ? ir::Tier::Always : ir::Tier::Ordinary;
    ir::Effect effect = r.effect == ast::Effect::Allow ? ir::Effect::Allow : ir::Effect::Deny;
    if (tier == ir::Tier::Always && effect == ir::Effect::Allow && (!r.reason || r.reason->value.empty())) {
      diags_.report(DiagKind::MissingReason, r.loc,
                    "an 'always allow' rule lifts protections and needs 'because \"REASON\"'");
      return;
    }
    for (ast::Access a : r.accesses) {
      ir::Access access = a == ast::Access::Read ? ir::Access::Read : ir::Access::Write;
      std::string key = fmt::format("{}|{}|{}|{}|{}", int(tier), int(access), int(f.platform),
                                    int(pattern->form), pattern->text());
      if (!checkRepeat(fsSeen_, key, policy_.fsRules, effect, r.loc, "path and access"))
        continue;
      ir::FsRule rule;
      rule.effect = effect;
      rule.access = access;
      rule.tier = tier;
      rule.pattern = *pattern;
      rule.platform = f.platform;
      rule.reason = r.reason ? r.reason->value : "";
      rule.yieldsToSamePathAllow = r.yieldsToSamePathAllow && effect == ir::Effect::Deny;
      rule.prov = provenance(r.loc, r.origin);
      policy_.fsRules.push_back(std::move(rule));
    }
  }

  void netRule(const ast::NetRule &r, const FlatStmt &f) {
    auto h = host(r.host);
    if (!h)
      return;
    ir::Tier tier = r.always ? ir::Tier::Always : ir::Tier::Ordinary;
    ir::Effect effect = r.effect == ast::Effect::Allow ? ir::Effect::Allow : ir::Effect::Deny;
    std::string key = fmt::format("{}|{}|{}", int(tier), int(f.platform), h->text());
    if (!checkRepeat(netSeen_, key, policy_.netRules, effect, r.loc, "host"))
      return;
    policy_.netRules.push_back(ir::NetRule{effect, tier, std::move(*h), f.platform, provenance(r.loc, r.origin),
                                           r.resolvedAddressesOnly && effect == ir::Effect::Deny});
  }

  void socketRule(const ast::UnixSocketRule &r, const FlatStmt &f) {
    auto p = path(r.path, false, f);
    if (!p)
      return;
    ir::Effect effect = r.effect == ast::Effect::Allow ? ir::Effect::Allow : ir::Effect::Deny;
    std::string key = fmt::format("{}|{}", int(f.platform), p->text());
    if (!checkRepeat(socketSeen_, key, policy_.unixSockets, effect, r.loc, "socket"))
      return;
    policy_.unixSockets.push_back(ir::UnixSocketRule{effect, std::move(*p), f.platform, provenance(r.loc, r.origin)});
  }

  void defaultStmt(const ast::DefaultStmt &d) {
    const char *subject = d.subject == ast::Subject::Read    ? "read"
                          : d.subject == ast::Subject::Write ? "write"
                                                             : "connect";
    const char *value = d.value == ast::DefaultValue::Allow  ? "allow"
                        : d.value == ast::DefaultValue::Deny ? "deny"
                                                             : "ask";
    if (d.value == ast::DefaultValue::Ask && d.subject != ast::Subject::Connect) {
      diags_.report(DiagKind::AskNotAllowed, d.loc, subject);
      return;
    }
    auto [it, inserted] = defaultsSeen_.try_emplace(subject, std::make_pair(std::string(value), d.loc));
    if (!inserted) {
      if (it->second.first != value) {
        diags_.report(DiagKind::ConflictingDefault, d.loc, subject, it->second.first);
        diags_.note(DiagKind::DefinedHere, it->second.second, "the default is set here");
      } else {
        diags_.report(DiagKind::DuplicateRule, d.loc);
        diags_.note(DiagKind::DefinedHere, it->second.second, "the earlier default is here");
      }
      return;
    }
    ir::Defaults &defs = policy_.defaults;
    ir::Effect effect = d.value == ast::DefaultValue::Allow ? ir::Effect::Allow : ir::Effect::Deny;
    switch (d.subject) {
    case ast::Subject::Read:
      defs.read = effect;
      defs.readLoc = d.loc;
      break;
    case ast::Subject::Write:
      defs.write = effect;
      defs.writeLoc = d.loc;
      break;
    case ast::Subject::Connect:
      defs.connect = d.value == ast::DefaultValue::Ask     ? ir::NetDefault::Ask
                     : d.value == ast::DefaultValue::Allow ? ir::NetDefault::Allow
                                                           : ir::NetDefault::Deny;
      defs.connectLoc = d.loc;
      defs.connectImplied = d.implied;
      break;
    }
  }

  // An assert or a require: the same claim, over one policy or over the
  // effective policy of every layer.
  std::optional<ir::Assertion> assertion(ast::Effect expected, ast::Subject subject, const ast::Str &pattern,
                                         SourceLoc loc, const FlatStmt &f) {
    ir::Assertion out;
    out.expected = expected == ast::Effect::Allow ? ir::Effect::Allow : ir::Effect::Deny;
    out.text = pattern.value;
    out.platform = f.platform;
    out.prov = provenance(loc, "");
    if (subject == ast::Subject::Connect) {
      auto h = host(pattern);
      if (!h)
        return std::nullopt;
      out.subject = ir::AssertSubject::Connect;
      out.host = std::move(*h);
    } else {
      auto p = path(pattern, false, f);
      if (!p)
        return std::nullopt;
      out.subject = subject == ast::Subject::Read ? ir::AssertSubject::Read : ir::AssertSubject::Write;
      out.path = std::move(*p);
    }
    return out;
  }

  void assertStmt(const ast::AssertStmt &a, const FlatStmt &f) {
    if (auto out = assertion(a.expected, a.subject, a.pattern, a.loc, f))
      policy_.asserts.push_back(std::move(*out));
  }

  // ---- managed-policy statements (docs/managed.md) ----------------------------

  // Outside the managed layer nothing lies below a policy for these to
  // constrain: they are still validated, and a warning says they do nothing.
  void warnUnlessManaged(const char *keyword, SourceLoc loc) {
    // Once per statement: `forbid connect "a", "b";` is one AST node per pattern.
    if (options_.layer != ir::Layer::Managed && managedOnlyWarned_.insert({loc.buffer, loc.line, loc.col}).second)
      diags_.report(DiagKind::ManagedOnly, loc, keyword, ir::layerName(options_.layer));
  }

  void lockStmt(const ast::LockStmt &l) {
    warnUnlessManaged("lock", l.loc);
    for (ast::LockTarget t : l.targets) {
      if (t == ast::LockTarget::FilesystemWrite) {
        if (policy_.lockFilesystemWrite) {
          diags_.report(DiagKind::DuplicateRule, l.loc);
          diags_.note(DiagKind::DefinedHere, *policy_.lockFilesystemWrite, "the earlier lock is here");
          continue;
        }
        policy_.lockFilesystemWrite = l.loc;
        continue;
      }
      // `lock network` is `set lock-network = true` (Claude's
      // allowManagedDomainsOnly); `lock filesystem read` likewise.
      ir::OptionId id = t == ast::LockTarget::Network ? ir::OptionId::LockNetwork : ir::OptionId::LockFilesystemRead;
      if (const auto &prev = policy_.options.get(id)) {
        // `set lock-network = false` beside `lock network` is a
        // contradiction, never a silent unlock.
        if (policy_.options.flag(id))
          diags_.report(DiagKind::DuplicateRule, l.loc);
        else
          diags_.report(DiagKind::ConflictingRule, l.loc, "option");
        diags_.note(DiagKind::DefinedHere, prev->loc, "the option is already set here");
        continue;
      }
      policy_.options.set(id, ir::OptionSetting{ir::OptionValue{true}, l.loc});
    }
  }

  void requireStmt(const ast::RequireStmt &r, const FlatStmt &f) {
    warnUnlessManaged("require", r.loc);
    if (auto out = assertion(r.expected, r.subject, r.pattern, r.loc, f))
      policy_.requirements.push_back(std::move(*out));
  }

  void forbidStmt(const ast::ForbidStmt &fb, const FlatStmt &f) {
    warnUnlessManaged("forbid", fb.loc);
    ir::Forbid out;
    out.text = fb.pattern.value;
    out.reason = fb.reason ? fb.reason->value : "";
    out.platform = f.platform;
    out.prov = provenance(fb.loc, "");
    switch (fb.subject) {
    case ast::ForbidSubject::Connect: {
      auto h = host(fb.pattern);
      if (!h)
        return;
      out.subject = ir::ForbidSubject::Connect;
      out.host = std::move(*h);
      break;
    }
    case ast::ForbidSubject::Read:
    case ast::ForbidSubject::Write:
    case ast::ForbidSubject::UnixSocket: {
      auto p = path(fb.pattern, false, f);
      if (!p)
        return;
      out.subject = fb.subject == ast::ForbidSubject::Read    ? ir::ForbidSubject::Read
                    : fb.subject == ast::ForbidSubject::Write ? ir::ForbidSubject::Write
                                                              : ir::ForbidSubject::UnixSocket;
      out.path = std::move(*p);
      break;
    }
    }
    policy_.forbids.push_back(std::move(out));
  }

  // ---- git blocks (GitSema.h) -------------------------------------------------

  void gitBlock(const ast::GitBlock &g, const FlatStmt &f) {
    if (f.platform != ir::Platform::Any) { // included inside `on ...` (the parser refuses it written there)
      diags_.report(DiagKind::UnsupportedSetting, g.loc, "git",
                    fmt::format("a git block applies on every platform, and this one is included inside 'on {}'",
                                ir::platformName(f.platform)));
      return;
    }
    GitPathParser parsePath = [&](const ast::Str &s, std::string &error) -> std::optional<fs::PathPattern> {
      auto p = fs::parsePathPattern(s.value, /*exactFile=*/true, f.relativeBase, error);
      if (p && !p->root.empty() && !builtinRoots().count(p->root) && !policy_.variables.count(p->root)) {
        error = "unknown variable '$" + p->root + "'";
        return std::nullopt;
      }
      return p;
    };
    if (auto block = analyseGitBlock(g, provenance(g.loc, g.origin), parsePath, diags_))
      policy_.git.push_back(std::move(*block));
  }

  const IncludeReader &readInclude_;
  const SemaOptions &options_;
  DiagnosticEngine &diags_;
  ir::Policy policy_;
  std::vector<FlatStmt> flat_;
  std::vector<std::unique_ptr<ast::File>> included_;
  std::vector<std::string> includeStack_;
  std::map<std::string, size_t> fsSeen_, netSeen_, socketSeen_;
  std::map<std::string, std::pair<std::string, SourceLoc>> defaultsSeen_;
  std::set<std::tuple<uint32_t, uint32_t, uint32_t>> managedOnlyWarned_;
};

} // namespace

std::optional<ir::Policy> analyse(const ast::File &file, const IncludeReader &readInclude,
                                  const SemaOptions &options, DiagnosticEngine &diags) {
  return Analyzer(readInclude, options, diags).run(file);
}

} // namespace moat::sema
