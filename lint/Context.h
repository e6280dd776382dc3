// What a lint rule sees: the policy, the reference evaluator bound to the
// canonical model, and a way to report findings.
//
// The canonical model (docs/rules/README.md): HOME=/home/user,
// CWD=/home/user/project (the launch directory inside $HOME, the common
// case), TMPDIR=/tmp; `let` variables keep their defaults. Every question is
// asked on Linux and on macOS (rules inside `on linux { }` / `on macos { }`
// count on their platform), and an access counts as open when it is open on
// either.
#pragma once
#include "compiler/eval/Evaluator.h"
#include "compiler/fs/Glob.h"
#include "lint/Knowledge.h"
#include "lint/Lint.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace moat::lint {

class BackgroundFindings;

inline constexpr const char *kModelHome = "/home/user";
inline constexpr const char *kModelCwd = "/home/user/project";
inline constexpr const char *kModelTmp = "/tmp";

// An access the policy lets through, with what decided it.
struct FsOpening {
  ir::Platform platform = ir::Platform::Linux; // the first platform where it is open
  bool everyPlatform = true;                   // open on Linux and macOS alike
  eval::FsDecision decision;
};

// A name that one glob component matches: `*` and `?` as "x", a class as its
// first matching printable byte; nullopt for `**` or an unmatchable class.
std::optional<std::string> instantiate(std::string_view component);

// A connection the policy lets through (allowed, or asked about: a prompt
// or a decider can say yes), with what decided it.
struct NetOpening {
  ir::Platform platform = ir::Platform::Linux;
  bool everyPlatform = true;
  eval::NetDecision decision;
};

// A unix socket the policy lets the process connect to, and why.
struct SocketOpening {
  enum class Why { Rule, AllowAll, Disabled } why = Why::Rule;
  const ir::UnixSocketRule *rule = nullptr; // Why::Rule: the first allow rule that matches
  SourceLoc loc;
  std::string where; // " (on Linux)" / " (on macOS)" when open on one platform only
};

class LintContext {
public:
  static std::unique_ptr<LintContext> create(const ir::Policy &policy, DiagnosticEngine &diags,
                                             const LintOptions &options, std::string &error);
  ~LintContext();

  const ir::Policy &policy() const { return policy_; }
  const LintOptions &options() const { return options_; }

  // A knowledge path ("~/.bashrc", "$CWD/x", "/etc/x") in the model, absolute.
  std::string bind(std::string_view knowledgePath) const;
  // A literal (non-glob) policy pattern bound in the model, absolute; nullopt
  // when it cannot be bound (a root without a value).
  std::optional<std::string> bindLiteral(const fs::PathPattern &pattern) const;
  // The path as a reader knows it: /home/user/project/x -> $CWD/x,
  // /home/user/x -> ~/x, others unchanged.
  std::string display(std::string_view absPath) const;

  // Open = the evaluator allows `access` on `absPath` on a platform in
  // `platforms` (Any = both).
  std::optional<FsOpening> fsOpen(std::string_view absPath, ir::Access access,
                                  ir::Platform platforms = ir::Platform::Any) const;
  // Open = allowed or ask, on either platform.
  std::optional<NetOpening> connectOpen(const net::CanonicalHost &host, uint16_t port) const;
  // The evaluator decides; the opening names the rule (or option) for the
  // finding's location.
  std::optional<SocketOpening> socketOpen(std::string_view absPath, ir::Platform platforms = ir::Platform::Any) const;

  // Whether the launch directory itself is writable (a new file directly in it).
  bool projectWritable() const;
  // Names worth creating inside directory `absDir` to find out whether some
  // allow-write rule reaches into it: the next literal component of rules
  // that lead there, and for globs a name their last component matches
  // (`~/.local/bin/*.sh` gives "x.sh"). The evaluator still decides.
  // `literalOnly`: only names the rules spell out (no glob instances).
  std::vector<std::string> writeProbeNames(std::string_view absDir, bool literalOnly = false) const;

  // Where a finding about an opening points: the deciding rule; for a
  // default, the `default` statement, else the policy name, else the start of
  // the policy file; for a disabled sandbox, the option that disabled it.
  SourceLoc locate(const eval::FsDecision &d, ir::Access access) const;
  SourceLoc locate(const eval::NetDecision &d) const;
  SourceLoc defaultLoc(SourceLoc setAt) const;
  SourceLoc optionLoc(ir::OptionId id) const;
  SourceLoc fileStart() const;

  // Reports a finding of `rule` (its default severity unless overridden).
  Diagnostic &report(const RuleInfo &rule, SourceLoc loc, std::string message) const;
  Diagnostic &report(const RuleInfo &rule, Severity severity, SourceLoc loc, std::string message) const;
  // A note for a finding (attached by the caller to Diagnostic::notes).
  static Diagnostic note(const RuleInfo &rule, SourceLoc loc, std::string message);

  // " (on macOS)" when an opening holds on one platform only, else "".
  static std::string platformSuffix(const FsOpening &o);

  // For a policy judged by srt or Claude Code (ir::Policy::runtime): when
  // moat's semantics deny the access the runtime lets through at `absPath`,
  // a note saying so: "srt leaves '~/.bashrc' writable (...); moat run
  // closes this: builtin: always deny write \"/**/.bashrc\"". Nullopt
  // otherwise (moat's own verdict, or a gap moat leaves open as well).
  std::optional<Diagnostic> moatClosesNote(const RuleInfo &rule, SourceLoc at, std::string_view absPath,
                                           ir::Access access, const FsOpening &opening) const;
  // The same for a connection the runtime lets through: "srt lets
  // 'localhost:2375' through (...); moat run closes this: deny connect ...".
  std::optional<Diagnostic> moatClosesConnectNote(const RuleInfo &rule, SourceLoc at, const net::CanonicalHost &host,
                                                  uint16_t port, const NetOpening &opening) const;

  // Findings computed on a second thread (lint/Background.h); nullptr
  // when runLint did not start any.
  BackgroundFindings *background() const { return background_.get(); }
  void setBackground(std::unique_ptr<BackgroundFindings> background);

private:
  LintContext(const ir::Policy &policy, DiagnosticEngine &diags, const LintOptions &options);

  const ir::Policy &policy_;
  DiagnosticEngine &diags_;
  const LintOptions &options_;
  eval::Bindings bindings_;
  std::unique_ptr<eval::Evaluator> linux_, macos_;
  // The platforms questions are asked on: both for moat, one for a runtime
  // (ir::Policy::runtimePlatform).
  ir::Platform platforms_ = ir::Platform::Any;
  // Evaluators of LintOptions::moatTwin (null without one).
  std::unique_ptr<eval::Evaluator> twinLinux_, twinMacos_;
  // Allow-write rules bound to absolute components (for writeProbeNames).
  std::vector<fs::PathPattern> allowWrites_;
  // Unix-socket allow rules bound and compiled, in policy order.
  std::vector<std::pair<const ir::UnixSocketRule *, fs::PatternMatcher>> socketAllows_;
  std::unique_ptr<BackgroundFindings> background_; // last: its thread is waited for first
};

} // namespace moat::lint
