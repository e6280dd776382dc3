// See LaunchReport.h.
#include "runtime/LaunchReport.h"

#include <fmt/format.h>

#include <cstdio>

namespace moat::runtime {

std::string ruleLocation(const DiagnosticEngine &diags, const ir::NetRule *rule) {
  if (!rule)
    return "default";
  if (rule->prov.layer == ir::Layer::Builtin || !rule->prov.loc.valid())
    return "builtin";
  const SourceLoc &l = rule->prov.loc;
  return fmt::format("{}:{}:{}", diags.files().name(l.buffer), l.line, l.col);
}

std::string blockedSummary(size_t total, const std::vector<EventLog::KindCount> &byKind, const std::string &logPath) {
  std::string out = fmt::format("moat: {} access{} blocked", total, total == 1 ? "" : "es");
  const char *separator = ": ";
  for (const EventLog::KindCount &k : byKind) {
    out += separator;
    separator = ", ";
    out += fmt::format("{} {}", k.count, k.kind);
    if (k.firstTargets.empty())
      continue;
    out += " (";
    for (size_t i = 0; i < k.firstTargets.size(); ++i)
      out += (i ? ", " : "") + k.firstTargets[i];
    out += k.moreTargets ? ", ...)" : ")";
  }
  if (!logPath.empty())
    out += " (see " + logPath + ")";
  return out;
}

void printBlockedSummary(const EventLog &log, const std::string &logPath) {
  size_t blocked = log.denials();
  if (blocked)
    std::fprintf(stderr, "%s\n", blockedSummary(blocked, log.denialsByKind(), logPath).c_str());
}

} // namespace moat::runtime
