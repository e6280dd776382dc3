#include "compiler/ir/Options.h"

namespace moat::ir {

namespace {
const OptionInfo kOptions[] = {
#define OPTION(Enum, Name, Type, Doc) {Name, OptionType::Type, Doc},
#include "compiler/ir/Options.def"
#undef OPTION
};
} // namespace

const OptionInfo &optionInfo(OptionId id) { return kOptions[static_cast<size_t>(id)]; }

std::optional<OptionId> findOption(std::string_view name) {
  for (size_t i = 0; i < static_cast<size_t>(OptionId::Count); ++i)
    if (name == kOptions[i].name)
      return static_cast<OptionId>(i);
  return std::nullopt;
}

const char *optionTypeName(OptionType t) {
  switch (t) {
  case OptionType::Bool:
    return "true or false";
  case OptionType::Int:
    return "a whole number";
  case OptionType::String:
    return "a string";
  case OptionType::StringList:
    return "a list of strings";
  }
  return "?";
}

bool Options::flag(OptionId id) const {
  const auto &v = get(id);
  return v && std::holds_alternative<bool>(v->value) && std::get<bool>(v->value);
}

int64_t Options::number(OptionId id) const {
  const auto &v = get(id);
  return v && std::holds_alternative<int64_t>(v->value) ? std::get<int64_t>(v->value) : 0;
}

std::vector<std::string> Options::list(OptionId id) const {
  const auto &v = get(id);
  if (v && std::holds_alternative<std::vector<std::string>>(v->value))
    return std::get<std::vector<std::string>>(v->value);
  return {};
}

} // namespace moat::ir
