// Requests and replies of the decider protocol (see DeciderProtocol.h).
#include "runtime/decide/DeciderProtocol.h"

#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

namespace moat::runtime::decide {

namespace {
std::string utf8(const std::string &s) { return llvm::json::isUTF8(s) ? s : llvm::json::fixUTF8(s); }
} // namespace

std::string requestLine(uint64_t id, const Question &q) {
  llvm::json::Object o;
  o["v"] = kProtocolVersion;
  o["id"] = static_cast<int64_t>(id);
  o["host"] = utf8(q.host);
  o["port"] = static_cast<int64_t>(q.port);
  o["protocol"] = q.protocol;
  o["session"] = q.session;
  llvm::json::Array command;
  for (const std::string &arg : q.command)
    command.push_back(utf8(arg));
  o["command"] = std::move(command);
  if (q.pid)
    o["pid"] = *q.pid;
  o["policy"] = q.policyAllows ? "allow" : "ask";
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::json::Value(std::move(o));
  os.flush();
  return out + "\n";
}

Reply parseReply(const std::string &line) {
  Reply r;
  auto fail = [&](std::string why) {
    r.answer.reset();
    r.error = std::move(why);
    return r;
  };
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(line);
  if (!parsed) {
    std::string why = llvm::toString(parsed.takeError());
    return fail("not JSON (" + why + ")");
  }
  const llvm::json::Object *o = parsed->getAsObject();
  if (!o)
    return fail("not a JSON object");
  if (const llvm::json::Value *id = o->get("id")) {
    auto n = id->getAsInteger();
    if (n && *n >= 0)
      r.id = static_cast<uint64_t>(*n);
  }
  if (!r.id)
    return fail("no \"id\" (a non-negative integer)");
  Answer a;
  a.by = "decider";
  auto decision = o->getString("decision");
  if (decision && *decision == "allow")
    a.allow = true;
  else if (!decision || *decision != "deny")
    return fail("\"decision\" must be \"allow\" or \"deny\"");
  if (const llvm::json::Value *scope = o->get("scope")) {
    auto s = scope->getAsString();
    if (s && *s == "once")
      a.scope = Scope::Once;
    else if (s && *s == "session")
      a.scope = Scope::Session;
    else if (s && *s == "always")
      a.scope = Scope::Always;
    else
      return fail("\"scope\" must be \"once\", \"session\" or \"always\"");
  }
  if (const llvm::json::Value *reason = o->get("reason")) {
    auto s = reason->getAsString();
    if (!s)
      return fail("\"reason\" must be a string");
    a.reason = s->substr(0, 512).str();
  }
  r.answer = std::move(a);
  return r;
}

} // namespace moat::runtime::decide
