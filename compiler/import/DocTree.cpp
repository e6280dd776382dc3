// Schema-walking helpers shared by the JSON and YAML importers. They exist so
// that every importer reports unknown keys and wrong types the same way, at
// the exact location of the offending key or value.
#include "compiler/import/DocTree.h"

#include "compiler/import/MisplacedKeys.h"

namespace moat::import {

const char *DocNode::kindName() const {
  switch (kind) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "a boolean";
  case Kind::Number:
    return isInteger ? "an integer" : "a number";
  case Kind::String:
    return "a string";
  case Kind::Array:
    return "an array";
  case Kind::Object:
    return "an object";
  }
  return "an unknown value";
}

std::vector<const DocNode *> DocNode::listItems() const {
  std::vector<const DocNode *> out;
  if (kind == Kind::Array)
    for (const DocNode &item : items)
      out.push_back(&item);
  else
    out.push_back(this);
  return out;
}

ObjectReader::ObjectReader(const DocNode &object, std::string where, DiagnosticEngine &diags)
    : object_(object), where_(std::move(where)), diags_(diags),
      claimed_(object.kind == DocNode::Kind::Object ? object.members.size() : 0, false) {}

ObjectReader::ObjectReader(const DocNode &object, std::string where, DiagnosticEngine &diags,
                           SettingsRuntime runtime)
    : ObjectReader(object, std::move(where), diags) {
  runtime_ = runtime;
}

const DocNode *ObjectReader::get(const std::string &key) {
  if (object_.kind != DocNode::Kind::Object)
    return nullptr;
  // Readers keep one member per key (YAML refuses duplicates, JSON settings
  // keep the last); still claim every match and return the last, as
  // JSON.parse would, so a duplicate that slipped through is never reported
  // as unknown instead of being caught where it belongs.
  const DocNode *found = nullptr;
  for (size_t i = 0; i < object_.members.size(); ++i) {
    if (object_.members[i].first != key)
      continue;
    claimed_[i] = true;
    found = &object_.members[i].second;
  }
  return found;
}

SourceLoc ObjectReader::keyLoc(const std::string &key) const {
  if (object_.kind != DocNode::Kind::Object)
    return object_.loc;
  for (size_t i = 0; i < object_.members.size(); ++i)
    if (object_.members[i].first == key)
      return i < object_.keyLocs.size() ? object_.keyLocs[i] : object_.members[i].second.loc;
  return object_.loc;
}

bool ObjectReader::finish() {
  if (runtime_)
    return finishSettings();
  bool ok = true;
  for (size_t i = 0; i < claimed_.size(); ++i) {
    if (claimed_[i])
      continue;
    SourceLoc loc = i < object_.keyLocs.size() ? object_.keyLocs[i] : object_.members[i].second.loc;
    diags_.report(DiagKind::UnknownKey, loc, object_.members[i].first, where_);
    ok = false;
  }
  return ok;
}

bool ObjectReader::finishSettings() {
  const SettingsRuntime rt = *runtime_;
  const char *runtime = settingsRuntimeName(rt);
  std::string place = where_.empty() ? std::string("at the top level") : "in '" + where_ + "'";
  bool ok = true;
  for (size_t i = 0; i < claimed_.size(); ++i) {
    if (claimed_[i])
      continue;
    const std::string &key = object_.members[i].first;
    SourceLoc loc = i < object_.keyLocs.size() ? object_.keyLocs[i] : object_.members[i].second.loc;
    SettingsKeyVerdict v = classifySettingsKey(rt, where_, key);
    switch (v.kind) {
    case SettingsKeyVerdict::Kind::Known:
    case SettingsKeyVerdict::Kind::Comment:
      continue;
    case SettingsKeyVerdict::Kind::Misplaced:
      reportSettingsFinding(
          diags_, kMisplacedSetting, Severity::Error, loc,
          fmt::format("'{}' does not belong {}: {} ignores it here, so the setting is not in "
                      "effect; did you mean `{}`?",
                      key, place, runtime, v.suggestion));
      break;
    case SettingsKeyVerdict::Kind::Typo:
      reportSettingsFinding(diags_, kUnknownSetting, Severity::Warning, loc,
                            fmt::format("unknown setting '{}' {}: {}; did you mean '{}'?", key,
                                        place, rt == SettingsRuntime::Claude && where_.empty()
                                                   ? "nothing in Claude Code reads it"
                                               : rt == SettingsRuntime::Claude
                                                   ? "Claude Code drops it silently"
                                                   : "srt strips unknown keys silently",
                                        v.suggestion));
      break;
    case SettingsKeyVerdict::Kind::Unknown:
      if (rt == SettingsRuntime::Claude && where_.empty())
        // Claude Code keeps unknown top-level keys (newer versions, other
        // tools' keys): nothing reads them, nothing is lost.
        reportSettingsFinding(diags_, kUnknownSetting, Severity::Note, loc,
                              fmt::format("unknown setting '{}' {}: not in Claude Code's settings "
                                          "schema; Claude Code keeps it but nothing reads it",
                                          key, place));
      else
        reportSettingsFinding(diags_, kUnknownSetting, Severity::Warning, loc,
                              fmt::format("unknown setting '{}' {}: {}", key, place,
                                          rt == SettingsRuntime::Claude
                                              ? "Claude Code drops it silently"
                                              : "srt strips unknown keys silently"));
      break;
    }
    ok = false;
  }
  return ok;
}

namespace {
void wrongType(const DocNode &n, const std::string &key, const char *expected,
               DiagnosticEngine &diags) {
  diags.report(DiagKind::WrongType, n.loc, key, expected, n.kindName());
}
} // namespace

std::optional<bool> expectBool(const DocNode &n, const std::string &key, DiagnosticEngine &diags) {
  if (n.kind == DocNode::Kind::Bool)
    return n.boolean;
  wrongType(n, key, "a boolean", diags);
  return std::nullopt;
}

std::optional<int64_t> expectInt(const DocNode &n, const std::string &key, DiagnosticEngine &diags) {
  if (n.kind == DocNode::Kind::Number && n.isInteger)
    return n.integer;
  wrongType(n, key, "an integer", diags);
  return std::nullopt;
}

const std::string *expectString(const DocNode &n, const std::string &key, DiagnosticEngine &diags) {
  if (n.kind == DocNode::Kind::String)
    return &n.string;
  wrongType(n, key, "a string", diags);
  return nullptr;
}

std::optional<std::vector<const DocNode *>> expectStringArray(const DocNode &n, const std::string &key,
                                                              DiagnosticEngine &diags) {
  if (n.kind != DocNode::Kind::Array) {
    wrongType(n, key, "an array of strings", diags);
    return std::nullopt;
  }
  // Report every non-string item, not just the first, so one run shows all.
  std::vector<const DocNode *> out;
  bool ok = true;
  for (const DocNode &item : n.items) {
    if (item.kind != DocNode::Kind::String) {
      wrongType(item, key + "[]", "a string", diags);
      ok = false;
      continue;
    }
    out.push_back(&item);
  }
  if (!ok)
    return std::nullopt;
  return out;
}

bool expectObject(const DocNode &n, const std::string &key, DiagnosticEngine &diags) {
  if (n.kind == DocNode::Kind::Object)
    return true;
  wrongType(n, key, "an object", diags);
  return false;
}

} // namespace moat::import
