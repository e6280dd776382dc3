#include "compiler/sema/BuiltinProtections.h"

#include <cstdlib>
#include <string_view>

namespace moat::sema {

namespace {
const char *const kEntries[] = {
#include "generated/BuiltinProtections.inc"
};
} // namespace

std::vector<ir::FsRule> builtinProtections(const ir::Options &options) {
  std::vector<ir::FsRule> rules;
  for (std::string_view entry : kEntries) {
    std::string_view pattern = entry.substr(0, entry.find(' '));
    if (pattern.size() != entry.size()) {
      std::string_view tag = entry.substr(pattern.size() + 1);
      auto option = ir::findOption(tag);
      if (!option) // the data file names an option that does not exist
        std::abort();
      if (options.flag(*option))
        continue;
    }
    rules.push_back(builtinDenyWrite(std::string(pattern), ir::Platform::Any, "builtin"));
  }
  return rules;
}

ir::FsRule builtinDenyWrite(const std::string &pattern, ir::Platform platform, const char *origin) {
  std::string error;
  auto parsed = fs::parsePathPattern(pattern, false, "", error);
  if (!parsed) // a malformed built-in entry is a build defect, never ignored
    std::abort();
  ir::FsRule rule;
  rule.effect = ir::Effect::Deny;
  rule.access = ir::Access::Write;
  rule.tier = ir::Tier::Always;
  rule.pattern = std::move(*parsed);
  rule.platform = platform;
  rule.prov.layer = ir::Layer::Builtin;
  rule.prov.origin = origin;
  return rule;
}

} // namespace moat::sema
