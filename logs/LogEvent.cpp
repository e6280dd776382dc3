// See LogEvent.h.
#include "logs/LogEvent.h"

#include <llvm/Support/Error.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <cstdlib>
#include <regex>

namespace moat::logs {

namespace {
// llvm::json's parse errors start "[LINE:COL, byte=N]: "; the byte is the
// column worth showing (a log line is one line).
LineError jsonError(std::string message) {
  LineError e;
  static const std::regex where(R"(^\[(\d+):(\d+), byte=(\d+)\]:? ?)");
  std::smatch m;
  if (std::regex_search(message, m, where)) {
    e.column = static_cast<size_t>(std::strtoull(m[3].str().c_str(), nullptr, 10)) + 1;
    message = m.suffix().str();
  }
  e.message = "not a JSON object: " + message;
  return e;
}

// The 1-based column of `"name":` in the line, for errors about a member.
size_t memberColumn(std::string_view line, const std::string &name) {
  size_t at = line.find("\"" + name + "\"");
  return at == std::string_view::npos ? 1 : at + 1;
}
} // namespace

std::optional<LogEvent> parseEventLine(std::string_view line, LineError &error) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(llvm::StringRef(line.data(), line.size()));
  if (!parsed) {
    error = jsonError(llvm::toString(parsed.takeError()));
    return std::nullopt;
  }
  const llvm::json::Object *o = parsed->getAsObject();
  if (!o) {
    error = {1, "a log line must be a JSON object"};
    return std::nullopt;
  }
  LogEvent e;
  auto fail = [&](const std::string &name, const std::string &message) {
    error = {memberColumn(line, name), message};
    return std::nullopt;
  };
  auto string = [&](const char *name, std::string &out, bool required) -> bool {
    const llvm::json::Value *v = o->get(name);
    if (!v) {
      if (required)
        error = {1, std::string("missing \"") + name + "\""};
      return !required;
    }
    auto s = v->getAsString();
    if (!s) {
      error = {memberColumn(line, name), std::string("\"") + name + "\" must be a string"};
      return false;
    }
    out = s->str();
    return true;
  };
  const llvm::json::Value *time = o->get("time_ms");
  if (!time) {
    error = {1, "missing \"time_ms\""};
    return std::nullopt;
  }
  auto ms = time->getAsInteger();
  if (!ms || *ms < 0)
    return fail("time_ms", "\"time_ms\" must be a non-negative integer (milliseconds since 1970, UTC)");
  e.timeMs = *ms;
  if (!string("kind", e.kind, true) || !string("decision", e.decision, true) ||
      !string("target", e.target, false) || !string("rule", e.rule, false) ||
      !string("reason", e.reason, false) || !string("protocol", e.protocol, false) ||
      !string("command", e.command, false))
    return std::nullopt;
  if (e.kind.empty())
    return fail("kind", "\"kind\" must not be empty");
  if (e.decision.empty())
    return fail("decision", "\"decision\" must not be empty");
  if (const llvm::json::Value *port = o->get("port")) {
    auto p = port->getAsInteger();
    if (!p || *p < 0 || *p > 65535)
      return fail("port", "\"port\" must be an integer from 0 to 65535");
    e.port = static_cast<uint16_t>(*p);
  }
  if (const llvm::json::Value *pid = o->get("pid")) {
    auto p = pid->getAsInteger();
    if (!p || *p <= 0)
      return fail("pid", "\"pid\" must be a positive integer");
    e.pid = *p;
  }
  static const char *known[] = {"time_ms", "kind", "target", "port", "decision", "rule",
                                "reason",  "protocol", "pid", "command"};
  // llvm::json::Object is unordered: keep `extra` in a stable (sorted) order.
  std::vector<std::string> names;
  for (const auto &member : *o) {
    bool isKnown = false;
    for (const char *k : known)
      isKnown |= member.first == k;
    if (!isKnown)
      names.push_back(member.first.str());
  }
  std::sort(names.begin(), names.end());
  for (const std::string &name : names) {
    const llvm::json::Value *v = o->get(name);
    std::string text;
    if (auto s = v->getAsString()) {
      text = s->str();
    } else {
      llvm::raw_string_ostream os(text);
      os << *v;
      os.flush();
    }
    e.extra.emplace_back(name, text);
  }
  return e;
}

} // namespace moat::logs
