// See GitSema.h. Which mistakes are errors and which warnings: everything
// that changes where the token goes or what the proxy allows is an error
// (a bad URL, plain http to a host off this machine, an ambiguous remote, a
// second token, a token source the launcher could misread, permissions
// with nothing to apply to); a word-for-word repeat is the usual
// duplicate-rule warning.
#include "compiler/sema/GitSema.h"

#include "compiler/ast/Keywords.h"
#include "compiler/eval/GitDecide.h"

#include <fmt/format.h>

#include <cctype>

#include <map>
#include <set>

namespace moat::sema {

bool validEnvName(const std::string &name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
    return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  return true;
}

namespace {

// The Basic-auth user sent upstream: printable ASCII without ':' (which
// ends the user in a Basic credential) or spaces.
bool validUser(const std::string &user, std::string &error) {
  if (user.empty()) {
    error = "the user name is empty";
    return false;
  }
  for (char c : user) {
    unsigned char b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f) {
      error = "only printable ASCII without spaces is allowed";
      return false;
    }
    if (c == ':') {
      error = "':' would end the user name in the Basic credential sent upstream";
      return false;
    }
  }
  return true;
}

class GitBlockAnalyser {
public:
  GitBlockAnalyser(const ir::Provenance &prov, const GitPathParser &parsePath, DiagnosticEngine &diags)
      : parsePath_(parsePath), diags_(diags) {
    out_.prov = prov;
  }

  std::optional<ir::GitBlock> run(const ast::GitBlock &block) {
    for (const ast::GitItem &item : block.items)
      std::visit([&](const auto &node) { this->item(node); }, item);
    checkComplete(block);
    if (!ok_)
      return std::nullopt;
    for (ir::GitRemote &r : out_.remotes)
      r.push = !out_.push.empty();
    return std::move(out_);
  }

private:
  void fail() { ok_ = false; }

  void item(const ast::GitRemote &r) {
    std::string error;
    std::optional<std::string> url = eval::canonicalGitRemote(r.url.value, error);
    if (!url) {
      diags_.report(DiagKind::InvalidGitRemote, r.url.loc, r.url.value, error);
      return fail();
    }
    std::optional<eval::GitRemoteAddress> address = eval::gitRemoteAddress(*url);
    if (!address) { // canonicalGitRemote wrote it: cannot happen, fail closed
      diags_.report(DiagKind::InvalidGitRemote, r.url.loc, r.url.value, "cannot read its host");
      return fail();
    }
    if (address->scheme == "http" && !eval::isLoopbackHost(address->host)) {
      diags_.report(DiagKind::InvalidGitRemote, r.url.loc, r.url.value,
                    "plain http would send the token and the repository's content unencrypted "
                    "across the network; use https (http is accepted for loopback hosts only)");
      return fail();
    }
    out_.remotes.push_back(ir::GitRemote{*url, r.url.value, r.fetch, false, r.url.loc});
  }

  void item(const ast::GitPush &p) {
    std::string error;
    if (!eval::validGitRefPattern(p.pattern.value, error)) {
      diags_.report(DiagKind::InvalidRefPattern, p.pattern.loc, p.pattern.value, error);
      return fail();
    }
    for (const ir::GitRefPattern &earlier : out_.push)
      if (earlier.pattern == p.pattern.value) {
        diags_.report(DiagKind::DuplicateRule, p.pattern.loc);
        diags_.note(DiagKind::DefinedHere, earlier.loc, "the earlier pattern is here");
        return;
      }
    out_.push.push_back(ir::GitRefPattern{p.pattern.value, p.pattern.loc});
  }

  void item(const ast::GitAllow &a) {
    std::optional<SourceLoc> &seen = a.what == ast::GitPermission::Delete ? deleteLoc_ : forcePushLoc_;
    if (seen) {
      diags_.report(DiagKind::DuplicateRule, a.loc);
      diags_.note(DiagKind::DefinedHere, *seen, "the earlier statement is here");
      return;
    }
    seen = a.loc;
    (a.what == ast::GitPermission::Delete ? out_.allowDelete : out_.allowForcePush) = true;
  }

  void item(const ast::GitToken &t) {
    if (tokenLoc_) {
      diags_.report(DiagKind::DuplicateGitSetting, t.loc, "token");
      diags_.note(DiagKind::DefinedHere, *tokenLoc_, "the block's token is given here");
      return fail();
    }
    tokenLoc_ = t.loc;
    ir::GitToken token;
    token.loc = t.loc;
    if (t.source == ast::GitTokenSource::Env) {
      if (!validEnvName(t.value.value)) {
        diags_.report(DiagKind::InvalidGitCredential, t.value.loc, "token variable", t.value.value,
                      "an environment variable name is letters, digits and '_', not starting "
                      "with a digit");
        return fail();
      }
      token.kind = ir::GitToken::Kind::Env;
      token.envName = t.value.value;
    } else {
      std::string error;
      std::optional<fs::PathPattern> path = parsePath_(t.value, error);
      if (!path) {
        diags_.report(DiagKind::InvalidGitCredential, t.value.loc, "token file", t.value.value, error);
        return fail();
      }
      token.kind = ir::GitToken::Kind::File;
      token.file = std::move(*path);
      token.fileText = t.value.value;
    }
    if (pendingUser_)
      token.user = *pendingUser_;
    out_.token = std::move(token);
  }

  void item(const ast::GitUser &u) {
    if (userLoc_) {
      diags_.report(DiagKind::DuplicateGitSetting, u.loc, "user");
      diags_.note(DiagKind::DefinedHere, *userLoc_, "the block's user is given here");
      return fail();
    }
    userLoc_ = u.loc;
    std::string error;
    if (!validUser(u.name.value, error)) {
      diags_.report(DiagKind::InvalidGitCredential, u.name.loc, "user", u.name.value, error);
      return fail();
    }
    pendingUser_ = u.name.value;
    if (out_.token)
      out_.token->user = u.name.value;
  }

  // What a block must have for each of its statements to mean something.
  void checkComplete(const ast::GitBlock &block) {
    if (!ok_)
      return; // the first error explains enough
    if (out_.remotes.empty()) {
      diags_.report(DiagKind::IncompleteGitBlock, block.loc,
                    "a git block needs at least one 'remote \"https://HOST/PATH\";'");
      return fail();
    }
    if (out_.push.empty()) {
      for (const ir::GitRemote &r : out_.remotes)
        if (!r.fetch) {
          diags_.report(DiagKind::IncompleteGitBlock, r.loc,
                        "this remote allows nothing: add 'fetch' to it, or a 'push \"REFS\";' "
                        "pattern to its block");
          fail();
        }
      for (const auto &[loc, what] : {std::pair{deleteLoc_, "delete"}, std::pair{forcePushLoc_, "force-push"}})
        if (loc) {
          diags_.report(DiagKind::IncompleteGitBlock, *loc,
                        fmt::format("'allow {}' applies to pushes, and this block has no 'push' "
                                    "pattern",
                                    what));
          fail();
        }
    }
    if (userLoc_ && !tokenLoc_) {
      diags_.report(DiagKind::IncompleteGitBlock, *userLoc_,
                    "'user' names who the token is sent as, and this block has no 'token'");
      fail();
    }
  }

  const GitPathParser &parsePath_;
  DiagnosticEngine &diags_;
  ir::GitBlock out_;
  bool ok_ = true;
  std::optional<SourceLoc> tokenLoc_, userLoc_, deleteLoc_, forcePushLoc_;
  std::optional<std::string> pendingUser_;
};

} // namespace

std::optional<ir::GitBlock> analyseGitBlock(const ast::GitBlock &block, const ir::Provenance &prov,
                                            const GitPathParser &parsePath, DiagnosticEngine &diags) {
  return GitBlockAnalyser(prov, parsePath, diags).run(block);
}

bool checkGitRemotesUnique(const std::vector<ir::GitBlock> &blocks, DiagnosticEngine &diags) {
  std::map<std::string, std::pair<size_t, SourceLoc>> seen; // url -> block index, loc
  bool ok = true;
  for (size_t b = 0; b < blocks.size(); ++b)
    for (const ir::GitRemote &r : blocks[b].remotes) {
      auto [it, inserted] = seen.try_emplace(r.url, b, r.loc);
      if (inserted)
        continue;
      diags.report(DiagKind::DuplicateGitRemote, r.loc, r.url,
                   it->second.first == b ? " in this block" : " by another git block");
      diags.note(DiagKind::DefinedHere, it->second.second, "first named here");
      ok = false;
    }
  return ok;
}

} // namespace moat::sema
