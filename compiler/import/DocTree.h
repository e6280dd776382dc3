// A located document tree: what JSON (LLVM's parser) and YAML (yaml-cpp)
// inputs are read into before an importer walks them against its schema.
// Every node keeps the line:col where it starts so unknown keys, wrong types
// and invalid values are reported exactly where they are.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moat::import {

struct DocNode {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  bool isInteger = false;
  int64_t integer = 0;
  std::string string;
  std::vector<DocNode> items;                              // Array
  std::vector<std::pair<std::string, DocNode>> members;    // Object, in order
  std::vector<SourceLoc> keyLocs;                          // Object: loc of each key
  SourceLoc loc;

  const char *kindName() const; // "a string", "an array", ...
};

// Strict JSON (RFC 8259: no comments, no trailing commas); duplicate keys
// are an error. Nesting is limited to kMaxDepth. Reports json-syntax /
// duplicate-key / nesting-too-deep with locations.
constexpr unsigned kMaxDepth = 200;
std::optional<DocNode> readJson(uint32_t buffer, DiagnosticEngine &diags);
// One YAML document (yaml-cpp). Anchors/aliases, tags and multiple
// documents are refused; duplicate keys are an error.
std::optional<DocNode> readYaml(uint32_t buffer, DiagnosticEngine &diags);

// Walks an object against a schema: every key must be claimed, otherwise
// `unknown-key` is reported at the key. Typical use:
//   ObjectReader r(node, "network", diags);
//   if (auto *v = r.get("allowedDomains")) ...;
//   r.finish(); // reports unclaimed keys
class ObjectReader {
public:
  ObjectReader(const DocNode &object, std::string where, DiagnosticEngine &diags);
  // The member's value or nullptr; marks it as known.
  const DocNode *get(const std::string &key);
  SourceLoc keyLoc(const std::string &key) const;
  // Reports unknown keys; returns false if there were any.
  bool finish();

private:
  const DocNode &object_;
  std::string where_;
  DiagnosticEngine &diags_;
  std::vector<bool> claimed_;
};

// Typed accessors that report wrong-type at the value and return nullopt.
std::optional<bool> expectBool(const DocNode &n, const std::string &key, DiagnosticEngine &diags);
std::optional<int64_t> expectInt(const DocNode &n, const std::string &key, DiagnosticEngine &diags);
const std::string *expectString(const DocNode &n, const std::string &key, DiagnosticEngine &diags);
// An array whose every item is a string (each item's loc is kept).
std::optional<std::vector<const DocNode *>> expectStringArray(const DocNode &n, const std::string &key,
                                                              DiagnosticEngine &diags);
bool expectObject(const DocNode &n, const std::string &key, DiagnosticEngine &diags);

} // namespace moat::import
