#include "compiler/ir/RuleText.h"

#include <fmt/format.h>

namespace moat::ir {

std::string quoted(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c < 0x20 || c == 0x7f)
        out += fmt::format("\\u{{{:x}}}", c);
      else
        out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string ruleText(const FsRule &rule) {
  return fmt::format("{}{} {} {}{}", rule.tier == Tier::Always ? "always " : "", effectName(rule.effect),
                     accessName(rule.access), rule.pattern.form == fs::PatternForm::Exact ? "file " : "",
                     quoted(rule.pattern.text()));
}

std::string ruleText(const NetRule &rule) {
  return fmt::format("{}{} connect {}", rule.tier == Tier::Always ? "always " : "", effectName(rule.effect),
                     quoted(rule.host.text()));
}

std::string optionValueText(const OptionValue &v) {
  if (auto *b = std::get_if<bool>(&v))
    return *b ? "true" : "false";
  if (auto *n = std::get_if<int64_t>(&v))
    return std::to_string(*n);
  if (auto *s = std::get_if<std::string>(&v))
    return quoted(*s);
  std::string out;
  for (const std::string &s : std::get<std::vector<std::string>>(v))
    out += (out.empty() ? "" : ", ") + quoted(s);
  return "[" + out + "]";
}

} // namespace moat::ir
