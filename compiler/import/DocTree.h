// A located document tree: what JSON (LLVM's parser) and YAML (yaml-cpp)
// inputs are read into before an importer walks them against its schema.
// Every node keeps the line:col where it starts so unknown keys, wrong types
// and invalid values are reported exactly where they are.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/import/SettingsFindings.h"

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
  // The YAML form's lists: wherever a list is expected, one item may stand
  // for a one-item list. An array's items, else the node itself.
  std::vector<const DocNode *> listItems() const;
};

// Strict JSON (RFC 8259: no comments, no trailing commas). Nesting is
// limited to kMaxDepth. Reports json-syntax / nesting-too-deep with
// locations. A duplicate key is, by `duplicates`:
//  - Error: the duplicate-key error (moat's own files: baselines, lists);
//  - LastWins: a duplicate-setting finding (a warning), and the LAST value
//    is kept, as JSON.parse does in srt and Claude Code.
constexpr unsigned kMaxDepth = 200;
enum class JsonDuplicates { Error, LastWins };
std::optional<DocNode> readJson(uint32_t buffer, DiagnosticEngine &diags,
                                JsonDuplicates duplicates = JsonDuplicates::Error);
// One YAML document (yaml-cpp). Anchors/aliases, tags and multiple
// documents are refused; duplicate keys are an error.
std::optional<DocNode> readYaml(uint32_t buffer, DiagnosticEngine &diags);

// Walks an object against a schema: every key must be claimed, otherwise
// `unknown-key` is reported at the key. Typical use:
//   ObjectReader r(node, "network", diags);
//   if (auto *v = r.get("allowedDomains")) ...;
//   r.finish(); // reports unclaimed keys
//
// Settings mode (srt and Claude Code JSON): `where` is the object's dotted
// path ("" at the top level) and finish() imitates the runtime's lenient
// reader instead: `_`-prefixed keys are comments; keys of the runtime's
// schema that the importer did not claim are read and ignored; a known key
// in the wrong place is misplaced-setting (an error finding naming where it
// belongs); anything else is unknown-setting (a warning finding, with a
// near-miss suggestion when there is one). None of these stops the import.
class ObjectReader {
public:
  ObjectReader(const DocNode &object, std::string where, DiagnosticEngine &diags);
  ObjectReader(const DocNode &object, std::string where, DiagnosticEngine &diags,
               SettingsRuntime runtime);
  // The member's value or nullptr; marks it as known.
  const DocNode *get(const std::string &key);
  SourceLoc keyLoc(const std::string &key) const;
  // Reports unknown keys; returns false if there were any.
  bool finish();

private:
  bool finishSettings();

  const DocNode &object_;
  std::string where_;
  DiagnosticEngine &diags_;
  std::vector<bool> claimed_;
  std::optional<SettingsRuntime> runtime_;
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
