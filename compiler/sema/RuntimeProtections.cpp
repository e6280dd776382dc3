// The protection sets of srt and Claude Code, built from their data files
// (srt-mandatory-denies.txt, claude-protections.txt) as patterns the one
// evaluator understands: srt's Linux scan depth becomes `$CWD/*/*/.bashrc`
// style globs, its macOS regex becomes `$CWD/**/.bashrc`.
#include "compiler/sema/RuntimeProtections.h"

#include "compiler/sema/BuiltinProtections.h"

#include <cstdlib>
#include <string>
#include <string_view>

namespace moat::sema {

namespace {
const char *const kSrtEntries[] = {
#include "generated/srt-mandatory-denies.inc"
};
const char *const kClaudeEntries[] = {
#include "generated/claude-protections.inc"
};

// Splits "NAME KIND [TAG]" into its words.
std::vector<std::string_view> words(std::string_view entry) {
  std::vector<std::string_view> out;
  while (!entry.empty()) {
    size_t space = entry.find(' ');
    if (space != 0)
      out.push_back(entry.substr(0, space));
    if (space == std::string_view::npos)
      break;
    entry.remove_prefix(space + 1);
  }
  return out;
}

void addSrtMandatoryDenies(const ir::Options &options, std::vector<ir::FsRule> &rules) {
  int64_t depth = options.number(ir::OptionId::MandatoryDenySearchDepth);
  if (!options.get(ir::OptionId::MandatoryDenySearchDepth) || depth < 1)
    depth = kSrtDefaultSearchDepth;
  for (std::string_view entry : kSrtEntries) {
    std::vector<std::string_view> w = words(entry);
    if (w.size() < 2 || (w[1] != "file" && w[1] != "dir"))
      std::abort();
    if (w.size() > 2) {
      auto option = ir::findOption(w[2]);
      if (!option)
        std::abort();
      if (options.flag(*option))
        continue;
    }
    std::string name(w[0]);
    // Linux: the launch directory's own name, then what the scan finds: a
    // file name whose path has at most `depth` components, a directory
    // name starting at most `depth - 1` components deep.
    // The launch directory's own name holds on both platforms.
    rules.push_back(builtinDenyWrite("$CWD/" + name, ir::Platform::Any, "srt mandatory deny"));
    int64_t deepest = w[1] == "file" ? depth - 1 : depth - 2;
    std::string prefix = "$CWD/*/";
    for (int64_t level = 1; level <= deepest; ++level) {
      rules.push_back(builtinDenyWrite(prefix + name, ir::Platform::Linux, "srt mandatory deny"));
      prefix += "*/";
    }
    // macOS: the same name at any depth below it.
    rules.push_back(builtinDenyWrite("$CWD/**/" + name, ir::Platform::MacOS, "srt mandatory deny"));
  }
}
} // namespace

std::vector<ir::FsRule> runtimeProtections(ir::Runtime runtime, const ir::Options &options) {
  if (runtime == ir::Runtime::Moat)
    return builtinProtections(options);
  std::vector<ir::FsRule> rules;
  addSrtMandatoryDenies(options, rules);
  if (runtime == ir::Runtime::Claude)
    for (std::string_view entry : kClaudeEntries)
      rules.push_back(builtinDenyWrite(std::string(entry), ir::Platform::Any, "claude protection"));
  return rules;
}

} // namespace moat::sema
