// Typed reads of srt / Claude Code settings values. A value of the wrong
// shape does not make moat refuse the file: the runtime reads the file
// anyway (srt rejects it and runs its deny-all defaults; Claude Code skips
// the entry), so moat says that, at the value, as an invalid-entry finding,
// and goes on reading the rest.
#include "compiler/import/SrtSections.h"

#include <fmt/format.h>

namespace moat::import {

namespace {

void wrongShape(const DocNode &v, const std::string &dotted, const char *expected,
                const SectionContext &ctx) {
  ctx.invalid(v.loc, dotted, fmt::format("expected {}, not {}", expected, v.kindName()));
}

} // namespace

std::optional<bool> boolValue(const DocNode &v, const std::string &dotted, const SectionContext &ctx) {
  if (v.kind == DocNode::Kind::Bool)
    return v.boolean;
  wrongShape(v, dotted, "true or false", ctx);
  return std::nullopt;
}

std::optional<int64_t> intValue(const DocNode &v, const std::string &dotted, int64_t lo,
                                int64_t hi, const SectionContext &ctx) {
  if (v.kind != DocNode::Kind::Number || !v.isInteger) {
    wrongShape(v, dotted, "an integer", ctx);
    return std::nullopt;
  }
  if (v.integer < lo || v.integer > hi) {
    ctx.invalid(v.loc, dotted, fmt::format("{} is outside {}-{}", v.integer, lo, hi));
    return std::nullopt;
  }
  return v.integer;
}

const std::string *stringValue(const DocNode &v, const std::string &dotted, bool nonEmpty,
                               const SectionContext &ctx) {
  if (v.kind != DocNode::Kind::String) {
    wrongShape(v, dotted, "a string", ctx);
    return nullptr;
  }
  if (nonEmpty && v.string.empty()) {
    ctx.invalid(v.loc, dotted, "the value cannot be empty");
    return nullptr;
  }
  return &v.string;
}

const std::string *enumValue(const DocNode &v, const std::string &dotted,
                             std::initializer_list<const char *> choices, const SectionContext &ctx) {
  const std::string *s = stringValue(v, dotted, false, ctx);
  if (!s)
    return nullptr;
  std::string list;
  for (const char *c : choices) {
    if (*s == c)
      return s;
    list += list.empty() ? "" : ", ";
    list += fmt::format("\"{}\"", c);
  }
  ctx.invalid(v.loc, dotted, fmt::format("\"{}\" is not one of {}", *s, list));
  return nullptr;
}

bool objectValue(const DocNode &v, const std::string &dotted, const SectionContext &ctx) {
  if (v.kind == DocNode::Kind::Object)
    return true;
  wrongShape(v, dotted, "an object", ctx);
  return false;
}

std::optional<std::vector<const DocNode *>> stringItems(const DocNode &v, const std::string &dotted,
                                                        bool nonEmpty, const SectionContext &ctx) {
  if (v.kind != DocNode::Kind::Array) {
    wrongShape(v, dotted, "an array of strings", ctx);
    return std::nullopt;
  }
  std::vector<const DocNode *> out;
  for (size_t i = 0; i < v.items.size(); ++i)
    if (stringValue(v.items[i], fmt::format("{}[{}]", dotted, i), nonEmpty, ctx))
      out.push_back(&v.items[i]);
  return out;
}

void strictKeys(const DocNode &object, const std::string &dotted,
                std::initializer_list<const char *> known, const SectionContext &ctx) {
  if (ctx.dialect != SettingsDialect::Srt || object.kind != DocNode::Kind::Object)
    return;
  for (size_t i = 0; i < object.members.size(); ++i) {
    const std::string &key = object.members[i].first;
    bool ok = false;
    for (const char *k : known)
      ok = ok || key == k;
    if (ok)
      continue;
    SourceLoc loc = i < object.keyLocs.size() ? object.keyLocs[i] : object.members[i].second.loc;
    ctx.invalid(loc, dotted,
                fmt::format("unknown key '{}': srt accepts no other keys here than {}", key,
                            fmt::join(known, ", ")));
  }
}

void readBoolSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                     ir::OptionId id, const SectionContext &ctx) {
  const DocNode *v = r.get(key);
  if (!v)
    return;
  if (auto b = boolValue(*v, dotted, ctx))
    ctx.out.set(id, ast::OptionValue{*b, v->loc}, r.keyLoc(key));
}

void readIntSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                    ir::OptionId id, int64_t lo, int64_t hi, const SectionContext &ctx) {
  const DocNode *v = r.get(key);
  if (!v)
    return;
  if (auto n = intValue(*v, dotted, lo, hi, ctx))
    ctx.out.set(id, ast::OptionValue{*n, v->loc}, r.keyLoc(key));
}

} // namespace moat::import
