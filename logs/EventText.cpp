// See EventText.h.
#include "logs/EventText.h"

#include "logs/LogTime.h"

#include <fmt/format.h>

namespace moat::logs {

namespace {
// Bare when it is plain printable text without spaces, else "quoted" with
// \" \\ and \xNN escapes.
std::string value(const std::string &text) {
  bool plain = !text.empty();
  for (unsigned char c : text)
    plain &= c > 0x20 && c != 0x7f && c != '"' && c != '\\';
  if (plain)
    return text;
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\')
      out += {'\\', static_cast<char>(c)};
    else if (c < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += static_cast<char>(c);
  }
  return out + "\"";
}
} // namespace

std::string targetText(const LogEvent &e) {
  std::string host = e.target;
  if (e.port && host.find(':') != std::string::npos && host.front() != '[')
    host = "[" + host + "]";
  return e.port ? host + ":" + std::to_string(*e.port) : host;
}

std::string eventText(const LogEvent &e) {
  std::string out = formatRfc3339(e.timeMs) + " " + value(e.decision) + " " + value(e.kind);
  if (!e.target.empty() || e.port)
    out += " " + value(targetText(e));
  if (!e.rule.empty())
    out += " rule=" + value(e.rule);
  if (!e.protocol.empty())
    out += " protocol=" + value(e.protocol);
  if (e.pid)
    out += " pid=" + std::to_string(*e.pid);
  if (!e.command.empty())
    out += " command=" + value(e.command);
  for (const auto &[name, json] : e.extra)
    out += " " + value(name) + "=" + value(json);
  if (!e.reason.empty())
    out += " reason=" + value(e.reason);
  return out;
}

} // namespace moat::logs
