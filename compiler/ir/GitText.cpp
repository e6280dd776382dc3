#include "compiler/ir/GitText.h"

#include "compiler/ir/RuleText.h"

namespace moat::ir {

std::string gitRemoteText(const GitRemote &remote) {
  return "remote " + quoted(remote.url) + (remote.fetch ? " fetch" : "");
}

std::string gitPushText(const GitRefPattern &pattern) { return "push " + quoted(pattern.pattern); }

std::string gitTokenText(const GitToken &token) {
  std::string out = token.kind == GitToken::Kind::Env ? "token env " + quoted(token.envName)
                                                       : "token file " + quoted(token.file.text());
  if (token.user != GitToken{}.user)
    out += "; user " + quoted(token.user);
  return out;
}

} // namespace moat::ir
