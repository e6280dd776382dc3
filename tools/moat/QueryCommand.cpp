// moat query [--runtime=srt|claude|moat] [--platform=linux|macos]
//            POLICY read|write PATH  |  moat query POLICY connect HOST[:PORT]
// moat query POLICY git-fetch URL  |  moat query POLICY git-push URL REF
// moat query --batch=FILE POLICY     (one "read|write PATH" / "connect HOST" / ... per line)
#include "Cli.h"
#include "PolicyLoading.h"
#include "Subcommands.h"

#include "compiler/Frontend.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/eval/GitDecide.h"
#include "compiler/ir/GitText.h"
#include "compiler/ir/RuleText.h"

#include <llvm/ADT/StringRef.h>

namespace moat::cli {

llvm::cl::SubCommand QuerySub("query", "Ask the reference evaluator what a policy decides");

namespace {
llvm::cl::list<std::string> Defines("define", llvm::cl::desc("Bind a root or variable: NAME=/abs/path"),
                                    llvm::cl::sub(QuerySub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> Batch("batch", llvm::cl::desc("Read queries from FILE, one per line"),
                                 llvm::cl::sub(QuerySub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<ir::Platform> PlatformOpt("platform", llvm::cl::desc("Platform whose rules apply"),
                                        llvm::cl::sub(QuerySub), llvm::cl::init(ir::Platform::Linux),
                                        llvm::cl::cat(MoatCategory),
                                        llvm::cl::values(clEnumValN(ir::Platform::Linux, "linux", ""),
                                                         clEnumValN(ir::Platform::MacOS, "macos", "")));
// moat's semantics unless asked (docs/semantics.md, "Runtimes").
llvm::cl::opt<ir::Runtime> QueryRuntimeOpt(
    "runtime", llvm::cl::desc("Answer with this runtime's semantics (default: moat's)"), llvm::cl::sub(QuerySub),
    llvm::cl::init(ir::Runtime::Moat), llvm::cl::cat(MoatCategory),
    llvm::cl::values(clEnumValN(ir::Runtime::Srt, "srt", "sandbox-runtime: its mandatory denies and Linux mounts"),
                     clEnumValN(ir::Runtime::Claude, "claude", "Claude Code's sandbox (srt plus its settings files)"),
                     clEnumValN(ir::Runtime::Moat, "moat", "moat: the rules plus moat's built-in protections")));
llvm::cl::list<std::string> Args(llvm::cl::Positional,
                                 llvm::cl::desc("POLICY [read|write PATH | connect HOST[:PORT] | git-fetch URL | "
                                                "git-push URL REF]"),
                                 llvm::cl::sub(QuerySub), llvm::cl::cat(MoatCategory));

enum class Answer { Allow, Deny, Ask };

const char *answerName(Answer a) { return a == Answer::Allow ? "allow" : a == Answer::Deny ? "deny" : "ask"; }

class QueryRunner {
public:
  QueryRunner(const ir::Policy &policy, const eval::Evaluator &evaluator, const eval::Bindings &bindings,
              DiagnosticEngine &diags)
      : policy_(policy), evaluator_(evaluator), bindings_(bindings), diags_(diags) {}

  // Answers one query; nullopt (with a diagnostic at `loc`) if it is invalid.
  std::optional<Answer> run(llvm::StringRef verb, llvm::StringRef subject, SourceLoc loc) {
    if (verb == "read" || verb == "write")
      return fsQuery(verb == "read" ? ir::Access::Read : ir::Access::Write, subject, loc);
    if (verb == "connect")
      return netQuery(subject, loc);
    if (verb == "git-fetch" || verb == "git-push")
      return gitQuery(verb == "git-push", subject, loc);
    diags_.report(DiagKind::InvalidQuery, loc,
                  "expected read, write, connect, git-fetch or git-push, not '" + verb.str() + "'");
    return std::nullopt;
  }

  // What `moat run`'s git proxy would do (docs/runtime.md, "Git
  // credentials"), by the same functions it decides with. Only `moat run`
  // enforces git blocks: judged as srt or Claude Code, nothing is allowed.
  std::optional<Answer> gitQuery(bool push, llvm::StringRef subject, SourceLoc loc) {
    auto [urlText, refText] = subject.split(' ');
    std::string ref = refText.trim().str();
    if (push == ref.empty()) {
      diags_.report(DiagKind::InvalidQuery, loc,
                    push ? "git-push takes a remote URL and a full ref name (refs/heads/...)"
                         : "git-fetch takes one remote URL");
      return std::nullopt;
    }
    std::string error;
    std::optional<std::string> url = eval::canonicalGitRemote(urlText.str(), error);
    if (!url) {
      diags_.report(DiagKind::InvalidQuery, loc, "invalid remote '" + urlText.str() + "': " + error);
      return std::nullopt;
    }
    if (push && ref.rfind("refs/", 0) != 0) {
      diags_.report(DiagKind::InvalidQuery, loc, "invalid ref '" + ref + "': a full ref name starts with 'refs/'");
      return std::nullopt;
    }
    std::string why;
    bool allowed = false;
    std::optional<eval::GitRemoteMatch> match = eval::findGitRemote(policy_, *url);
    if (QueryRuntimeOpt != ir::Runtime::Moat) {
      why = std::string(ir::runtimeName(QueryRuntimeOpt)) + " does not enforce git blocks (only moat run does)";
    } else if (!match) {
      why = "no git block names this remote";
    } else if (!push) {
      allowed = match->remote->fetch;
      why = locationText(diags_.files(), match->remote->loc) + ": " + ir::gitRemoteText(*match->remote) +
            (allowed ? "" : " (without fetch)");
    } else if (const ir::GitRefPattern *pattern = eval::allowedPushPattern(*match->block, ref)) {
      allowed = true;
      why = locationText(diags_.files(), pattern->loc) + ": " + ir::gitPushText(*pattern);
    } else {
      why = match->block->push.empty()        ? "the remote's git block has no push pattern"
            : eval::isTagRef(ref)             ? "no push pattern under refs/tags/ matches this tag"
                                              : "no push pattern of the remote's git block matches this ref";
    }
    llvm::outs() << (allowed ? "allow" : "deny") << (push ? " git-push " : " git-fetch ") << *url
                 << (push ? " " + ref : "") << "  # " << why << "\n";
    return allowed ? Answer::Allow : Answer::Deny;
  }

private:
  std::optional<Answer> fsQuery(ir::Access access, llvm::StringRef subject, SourceLoc loc) {
    std::string error;
    std::optional<std::string> path = eval::resolveQueryPath(policy_, bindings_, subject.str(), error);
    if (!path) {
      diags_.report(DiagKind::InvalidQuery, loc, "invalid path '" + subject.str() + "': " + error);
      return std::nullopt;
    }
    eval::FsDecision d = evaluator_.decide(*path, access);
    std::string why;
    if (d.by == eval::DecidedBy::Rule)
      why = ruleOrigin(d.rule->prov) + ir::ruleText(*d.rule);
    else if (d.by == eval::DecidedBy::Disabled)
      why = "filesystem confinement is disabled";
    else {
      SourceLoc at = access == ir::Access::Read ? policy_.defaults.readLoc : policy_.defaults.writeLoc;
      why = std::string("default: ") + ir::accessName(access) + " " + ir::effectName(d.effect) + setAt(at);
    }
    Answer a = d.effect == ir::Effect::Allow ? Answer::Allow : Answer::Deny;
    llvm::outs() << answerName(a) << " " << ir::accessName(access) << " " << *path << "  # " << why << "\n";
    return a;
  }

  std::optional<Answer> netQuery(llvm::StringRef subject, SourceLoc loc) {
    std::string error;
    auto endpoint = net::parseEndpoint(subject.str(), 443, error);
    if (!endpoint) {
      diags_.report(DiagKind::InvalidQuery, loc, "invalid host '" + subject.str() + "': " + error);
      return std::nullopt;
    }
    eval::NetDecision d = evaluator_.decide(endpoint->host, endpoint->port);
    std::string why;
    if (d.by == eval::DecidedBy::Rule)
      why = ruleOrigin(d.rule->prov) + ir::ruleText(*d.rule);
    else if (d.by == eval::DecidedBy::Disabled)
      why = "the sandbox is disabled";
    else
      why = std::string("default: connect ") + answerName(toAnswer(d.outcome)) + setAt(policy_.defaults.connectLoc);
    Answer a = toAnswer(d.outcome);
    llvm::outs() << answerName(a) << " connect " << endpoint->host.text() << ":" << endpoint->port << "  # " << why
                 << "\n";
    return a;
  }

  static Answer toAnswer(eval::NetDecision::Outcome o) {
    return o == eval::NetDecision::Outcome::Allow  ? Answer::Allow
           : o == eval::NetDecision::Outcome::Deny ? Answer::Deny
                                                   : Answer::Ask;
  }

  std::string ruleOrigin(const ir::Provenance &prov) const {
    if (prov.layer == ir::Layer::Builtin) // moat's own, or a runtime's ("srt mandatory deny")
      return prov.origin.empty() || prov.origin == "builtin" ? "builtin: " : "builtin (" + prov.origin + "): ";
    std::string s = locationText(diags_.files(), prov.loc);
    if (!prov.origin.empty())
      s += (s.empty() ? "" : " ") + std::string("[") + prov.origin + "]";
    return s + ": ";
  }

  std::string setAt(SourceLoc loc) const {
    return loc.valid() ? " (set at " + locationText(diags_.files(), loc) + ")" : "";
  }

  const ir::Policy &policy_;
  const eval::Evaluator &evaluator_;
  const eval::Bindings &bindings_;
  DiagnosticEngine &diags_;
};

int finish(DiagnosticEngine &diags, int status) {
  llvm::outs().flush();
  printDiagnostics(diags, llvm::errs());
  return diags.hasInputErrors() ? kExitInputError : status;
}
} // namespace

int runQuery() {
  SourceFiles files;
  DiagnosticEngine diags(files);
  bool batch = !Batch.empty();
  bool gitPush = !batch && Args.size() == 4 && Args[1] == "git-push";
  if (Args.empty() || (batch && Args.size() != 1) || (!batch && Args.size() != 3 && !gitPush)) {
    llvm::errs() << "moat: error: usage: moat query POLICY read|write PATH | moat query POLICY connect "
                    "HOST[:PORT] | moat query POLICY git-fetch URL | moat query POLICY git-push URL REF | "
                    "moat query --batch=FILE POLICY\n";
    return kExitInputError;
  }
  eval::Bindings bindings = eval::Bindings::fromEnvironment();
  if (!applyDefines(Defines, bindings))
    return kExitInputError;
  auto policy = loadPolicy(Args[0], ir::Layer::SharedProject, diags);
  if (!policy)
    return finish(diags, kExitInputError);
  // A --define that names nothing in the policy is almost always a typo.
  for (llvm::StringRef define : Defines) {
    std::string name = define.split('=').first.str();
    if (name != "~" && name != "HOME" && name != "CWD" && name != "TMPDIR" && !policy->variables.count(name)) {
      diags.report(DiagKind::UnusedDefine, SourceLoc{}, name);
      return finish(diags, kExitInputError);
    }
  }
  judgeByRuntime(*policy, QueryRuntimeOpt, PlatformOpt.getValue(), bindings);
  std::string error;
  auto evaluator = eval::Evaluator::create(*policy, bindings, PlatformOpt, error);
  if (!evaluator) {
    diags.report(DiagKind::InvalidQuery, SourceLoc{}, error);
    return finish(diags, kExitInputError);
  }
  QueryRunner runner(*policy, *evaluator, bindings, diags);
  if (!batch) {
    std::string subject = gitPush ? Args[2] + " " + Args[3] : Args[2];
    auto answer = runner.run(Args[1], subject, SourceLoc{});
    if (!answer)
      return finish(diags, kExitInputError);
    return finish(diags, *answer == Answer::Allow ? kExitOk : kExitFindings);
  }
  std::string loadError;
  auto buffer = files.load(Batch, loadError);
  if (!buffer) {
    diags.report(DiagKind::FileUnreadable, SourceLoc{}, Batch, loadError);
    return finish(diags, kExitInputError);
  }
  llvm::StringRef text(files.text(*buffer).data(), files.text(*buffer).size());
  uint32_t lineNo = 0;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    ++lineNo;
    llvm::StringRef trimmed = line.trim();
    if (trimmed.empty() || trimmed.startswith("#"))
      continue;
    auto [verb, subject] = trimmed.split(' ');
    SourceLoc loc{*buffer, lineNo, static_cast<uint32_t>(trimmed.data() - line.data()) + 1};
    if (!runner.run(verb, subject.trim(), loc))
      return finish(diags, kExitInputError);
  }
  return finish(diags, kExitOk);
}

} // namespace moat::cli
