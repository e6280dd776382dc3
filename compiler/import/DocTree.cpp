// Schema-walking helpers shared by the JSON and YAML importers. They exist so
// that every importer reports unknown keys and wrong types the same way, at
// the exact location of the offending key or value.
#include "compiler/import/DocTree.h"

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

ObjectReader::ObjectReader(const DocNode &object, std::string where, DiagnosticEngine &diags)
    : object_(object), where_(std::move(where)), diags_(diags),
      claimed_(object.kind == DocNode::Kind::Object ? object.members.size() : 0, false) {}

const DocNode *ObjectReader::get(const std::string &key) {
  if (object_.kind != DocNode::Kind::Object)
    return nullptr;
  // Readers refuse duplicate keys, so the first match is the only one; still
  // claim every match so a duplicate that slipped through is never reported
  // as unknown instead of being caught where it belongs.
  const DocNode *found = nullptr;
  for (size_t i = 0; i < object_.members.size(); ++i) {
    if (object_.members[i].first != key)
      continue;
    claimed_[i] = true;
    if (!found)
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
