// Typed access to the option registry (Options.def).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "compiler/diagnostics/SourceLoc.h"

namespace moat::ir {

enum class OptionId {
#define OPTION(Enum, Name, Type, Doc) Enum,
#include "compiler/ir/Options.def"
#undef OPTION
  Count
};
enum class OptionType { Bool, Int, String, StringList };

struct OptionInfo {
  const char *name;
  OptionType type;
  const char *doc;
};
const OptionInfo &optionInfo(OptionId id);
std::optional<OptionId> findOption(std::string_view name);
const char *optionTypeName(OptionType t); // "true or false", "a number", ...

using OptionValue = std::variant<bool, int64_t, std::string, std::vector<std::string>>;

struct OptionSetting {
  OptionValue value;
  SourceLoc loc;
  // The runtime's default for a key the file left out (ast::SetStmt::implied):
  // merged layers apply it only where no layer sets the option.
  bool implied = false;
};

// The options a policy set; unset options have their documented default
// (false / 0 / empty).
class Options {
public:
  void set(OptionId id, OptionSetting s) { values_[static_cast<size_t>(id)] = std::move(s); }
  const std::optional<OptionSetting> &get(OptionId id) const { return values_[static_cast<size_t>(id)]; }
  bool flag(OptionId id) const; // false when unset
  int64_t number(OptionId id) const;
  std::vector<std::string> list(OptionId id) const;

private:
  std::optional<OptionSetting> values_[static_cast<size_t>(OptionId::Count)];
};

} // namespace moat::ir
