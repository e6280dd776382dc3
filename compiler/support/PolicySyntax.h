// Which syntax a policy file is written in, decided from its content and
// name (docs/language.md, "Input kinds"). One implementation: the front end
// picks its reader with it, and `moat check` uses it to know where comments
// (and so inline suppressions) can be in a file.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace moat {

// JSON is split into srt / Claude Code by its top-level keys once read.
enum class PolicySyntax { Moat, Yaml, Json };

// JSON if the text starts with '{' or '['; otherwise the extension decides
// (.yaml/.yml, .moat); without one, a first line `key:` means YAML. Returns
// nullopt and sets `why` when the kind cannot be told.
std::optional<PolicySyntax> detectPolicySyntax(std::string_view text, std::string_view path, std::string &why);

} // namespace moat
