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

void printBlockedSummary(const EventLog &log, const std::string &logPath) {
  size_t blocked = log.denials();
  if (blocked)
    std::fprintf(stderr, "moat: %zu access%s blocked%s\n", blocked, blocked == 1 ? "" : "es",
                 logPath.empty() ? "" : (" (see " + logPath + ")").c_str());
}

} // namespace moat::runtime
