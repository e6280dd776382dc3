#include "backends/srt/SandboxExport.h"

#include <algorithm>

namespace moat::backends::sandbox {

const char *dialectName(Dialect d) {
  return d == Dialect::Srt ? "srt settings" : "Claude Code settings";
}

std::optional<Scope> parseScope(const std::string &format) {
  if (format.empty())
    return Scope::Portable;
  if (format == "linux")
    return Scope::Linux;
  if (format == "macos")
    return Scope::MacOS;
  return std::nullopt;
}

bool scopeIncludesLinux(Scope s) { return s != Scope::MacOS; }
bool scopeIncludesMacOS(Scope s) { return s != Scope::Linux; }

ExportContext::ExportContext(const ir::Policy &policy, const BuildOptions &options,
                             DiagnosticEngine &diags, Dialect dialect, Scope scope)
    : policy(policy), options(options), diags(diags), dialect(dialect), scope(scope) {
  std::string error;
  const std::pair<const char *, const char *> model[] = {
      {"HOME", "/home/user"}, {"CWD", "/home/user/project"}, {"TMPDIR", "/tmp"}};
  for (const auto &[name, value] : model)
    bindings.define(name, value, error);
  for (const std::string &name : options.definedNames)
    if (auto value = options.bindings.lookup(name))
      bindings.define(name, *value, error); // already validated by the driver
}

void ExportContext::tightened(const void *subject, SourceLoc loc, const std::string &message) {
  explained_.insert(subject);
  diags.report(DiagKind::UnenforceableRule, loc, message);
}

void ExportContext::optionLeftOut(ir::OptionId id, const std::string &message) {
  const auto &setting = policy.options.get(id);
  tightened(&setting, setting ? setting->loc : SourceLoc{}, message);
}

void ExportContext::refuse(SourceLoc loc, const std::string &message) {
  diags.report(DiagKind::BackendRefused, loc, message);
}

bool ExportContext::allowApplies(ir::Platform p) const {
  switch (scope) {
  case Scope::Portable:
    return p == ir::Platform::Any;
  case Scope::Linux:
    return p != ir::Platform::MacOS;
  case Scope::MacOS:
    return p != ir::Platform::Linux;
  }
  return false;
}

bool ExportContext::denyApplies(ir::Platform p) const {
  switch (scope) {
  case Scope::Portable:
    return true;
  case Scope::Linux:
    return p != ir::Platform::MacOS;
  case Scope::MacOS:
    return p != ir::Platform::Linux;
  }
  return true;
}

void appendUnique(std::vector<std::string> &list, const std::string &text) {
  if (std::find(list.begin(), list.end(), text) == list.end())
    list.push_back(text);
}

std::vector<std::string> denyWriteList(const SettingsLists &lists, bool withProtections) {
  std::vector<std::string> out = lists.denyWrite;
  if (withProtections)
    for (const std::string &p : lists.protectionDenyWrite)
      appendUnique(out, p);
  return out;
}

} // namespace moat::backends::sandbox
