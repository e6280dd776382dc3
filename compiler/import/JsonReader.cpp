// readJson: strict JSON with a source location on every key and value.
//
// No hand-written JSON parser. Two real parsers read the same bytes, each
// for what it does well:
//  - llvm::json::parse decides whether the text is JSON at all (its error
//    carries the byte offset, turned into a located `json-syntax`);
//  - llvm::yaml::Stream walks the same text (JSON is YAML flow syntax, as
//    clang's compilation-database reader relies on) and gives every node a
//    pointer into our buffer, hence a line:col. It also keeps key order and
//    sees duplicate keys, which llvm::json silently collapses.
// Each scalar's value is decoded by llvm::json from the scalar's own token, so
// escapes mean what JSON says (YAML would decode a surrogate pair "\ud83d\ude00"
// differently). Finally the located tree is compared with llvm::json's tree;
// if the two parsers ever disagree the file is refused (fail closed).
//
// Both parsers are recursive, so the bracket depth is measured by a flat scan
// before either sees the text.
#include "compiler/import/DocTree.h"

#include <llvm/ADT/StringMap.h>
#include <llvm/Support/Casting.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/YAMLParser.h>

#include <cmath>
#include <string>

namespace moat::import {

namespace {

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Byte-level problems get their own precise messages; a JSON parser would
// only say "Invalid JSON value" at the same spot.
bool checkBytes(uint32_t buffer, llvm::StringRef text, DiagnosticEngine &diags) {
  const SourceFiles &files = diags.files();
  if (text.startswith("\xEF\xBB\xBF")) {
    diags.report(DiagKind::InvalidEncoding, files.locForOffset(buffer, 0),
                 "the file starts with a UTF-8 byte order mark, which JSON does not allow "
                 "(RFC 8259 section 8.1); save it without the BOM");
    return false;
  }
  size_t nul = text.find('\0');
  if (nul != llvm::StringRef::npos) {
    diags.report(DiagKind::InvalidEncoding, files.locForOffset(buffer, nul),
                 "NUL byte in the file (JSON must be UTF-8 text; is it UTF-16?)");
    return false;
  }
  size_t bad = 0;
  if (!llvm::json::isUTF8(text, &bad)) {
    diags.report(DiagKind::InvalidEncoding, files.locForOffset(buffer, bad),
                 fmt::format("invalid UTF-8 (byte 0x{:02X}); JSON must be UTF-8",
                             static_cast<unsigned char>(text[bad])));
    return false;
  }
  size_t first = 0;
  while (first < text.size() && isJsonSpace(text[first]))
    ++first;
  if (first == text.size()) {
    diags.report(DiagKind::JsonSyntax, files.locForOffset(buffer, text.size()),
                 "expected a JSON value, but the file is empty");
    return false;
  }
  return true;
}

// Counts bracket depth outside strings, so a hostile `[[[[...` never reaches
// a recursive parser.
bool checkDepth(uint32_t buffer, llvm::StringRef text, DiagnosticEngine &diags) {
  unsigned depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i; // the escaped character cannot end the string
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) {
        diags.report(DiagKind::TooDeep, diags.files().locForOffset(buffer, i), kMaxDepth);
        return false;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

// llvm::json::ParseError exposes its position only through its message,
// "[LINE:COL, byte=OFFSET]: MESSAGE". The text was parsed with one space
// appended (see readJson), so an offset past the original text means the
// parser ran out of input. Otherwise the parser has usually consumed the
// offending character already: step back onto it, except for the two
// messages it reports before consuming anything.
void reportParseError(uint32_t buffer, llvm::StringRef text, llvm::StringRef logged,
                      DiagnosticEngine &diags) {
  size_t offset = 0;
  llvm::StringRef message = logged;
  size_t byteAt = logged.find("byte=");
  size_t close = logged.find("]: ");
  if (byteAt != llvm::StringRef::npos && close != llvm::StringRef::npos && byteAt < close &&
      !logged.slice(byteAt + 5, close).getAsInteger(10, offset)) {
    message = logged.drop_front(close + 3);
    bool consumed = message != "Text after end of document" && message != "Unexpected EOF";
    if (offset > text.size())
      offset = text.size(); // end of input
    else if (consumed && offset > 0)
      --offset;
  }
  // The two mistakes people make most in hand-written JSON get a hint.
  std::string shown = message.str();
  char bad = offset < text.size() ? text[offset] : '\0';
  size_t before = offset;
  while (before > 0 && isJsonSpace(text[before - 1]))
    --before;
  if ((bad == ']' || bad == '}') && before > 0 && text[before - 1] == ',')
    shown += " (JSON allows no trailing comma)";
  else if (bad == '/' || bad == '#')
    shown += " (JSON has no comments)";
  diags.report(DiagKind::JsonSyntax, diags.files().locForOffset(buffer, offset), shown);
}

// RFC 8259 section 6. llvm::json reads numbers with strtoll/strtod and so also
// takes `01`, `+1`, `1.` and `.5`; those are not JSON and are refused here.
bool isStrictNumber(llvm::StringRef s) {
  size_t i = 0, n = s.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
      ++i;
    return i > start;
  };
  if (i < n && s[i] == '-')
    ++i;
  if (i < n && s[i] == '0')
    ++i;
  else if (!digits())
    return false;
  if (i < n && s[i] == '.') {
    ++i;
    if (!digits())
      return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-'))
      ++i;
    if (!digits())
      return false;
  }
  return i == n;
}

// llvm::json replaces an unpaired UTF-16 surrogate escape ("\ud800") with
// U+FFFD instead of failing. A path or host silently rewritten that way is not
// what the author wrote, so count the U+FFFD the token legitimately spells
// (literally or as \ufffd) and refuse any extra one.
bool hasReplacedSurrogate(llvm::StringRef token, llvm::StringRef decoded) {
  static constexpr llvm::StringLiteral kReplacement("\xEF\xBF\xBD");
  if (decoded.find(kReplacement) == llvm::StringRef::npos)
    return false;
  size_t spelled = 0;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token.substr(i).startswith(kReplacement)) {
      ++spelled;
      i += kReplacement.size() - 1;
    } else if (token[i] == '\\' && i + 1 < token.size()) {
      if (token[i + 1] == 'u' && token.substr(i + 2, 4).equals_insensitive("fffd"))
        ++spelled;
      ++i; // skip the escaped character, so "\\ufffd" is not counted
    }
  }
  return decoded.count(kReplacement) > spelled;
}

// Routes the YAML parser's messages to us instead of stderr.
struct YamlErrors {
  bool any = false;
  std::string message;
  const char *where = nullptr;

  static void handler(const llvm::SMDiagnostic &d, void *ctx) {
    auto *self = static_cast<YamlErrors *>(ctx);
    if (d.getKind() != llvm::SourceMgr::DK_Error || self->any)
      return;
    self->any = true;
    self->message = d.getMessage().str();
    self->where = d.getLoc().getPointer();
  }
};

// The file is valid JSON but the locating walk could not follow it. Never
// happens for any JSON we know of; if it does, refuse rather than guess.
void reportUnlocatable(uint32_t buffer, const char *at, const std::string &why,
                       const YamlErrors &yaml, DiagnosticEngine &diags) {
  const char *where = yaml.any ? yaml.where : at;
  SourceLoc loc = where ? diags.files().locForPointer(where) : SourceLoc{};
  if (loc.buffer != buffer)
    loc = diags.files().locForOffset(buffer, 0);
  std::string detail = yaml.any ? "the locating reader says: " + yaml.message : why;
  diags.report(DiagKind::JsonSyntax, loc,
               fmt::format("cannot locate this JSON value ({}); the file is refused rather "
                           "than read without locations",
                           detail));
}

// Builds the located tree from the YAML walk. Reports what is wrong with the
// document (duplicate keys, non-JSON numbers); a structure that no valid JSON
// could produce is a disagreement between the two parsers.
class Locator {
public:
  Locator(uint32_t buffer, const YamlErrors &yaml, JsonDuplicates duplicates,
          DiagnosticEngine &diags)
      : buffer_(buffer), yaml_(yaml), duplicates_(duplicates), diags_(diags) {}

  // False when the node could not be built (error already reported).
  // `depth` counts this node among the containers around it (root: 1).
  bool build(llvm::yaml::Node *node, unsigned depth, DocNode &out) {
    if (!node)
      return disagree(nullptr, "a value is missing");
    const char *start = node->getSourceRange().Start.getPointer();
    if (llvm::isa<llvm::yaml::MappingNode>(node))
      start = openingBracket(start, '{');
    else if (llvm::isa<llvm::yaml::SequenceNode>(node))
      start = openingBracket(start, '[');
    out.loc = locOf(start);
    if (!node->getAnchor().empty() || !node->getRawTag().empty())
      return disagree(start, "YAML anchors and tags are not JSON");
    bool container = llvm::isa<llvm::yaml::MappingNode>(node) ||
                     llvm::isa<llvm::yaml::SequenceNode>(node);
    if (container && depth > kMaxDepth) { // checkDepth guarantees this; stay safe
      diags_.report(DiagKind::TooDeep, out.loc, kMaxDepth);
      return false;
    }
    if (auto *map = llvm::dyn_cast<llvm::yaml::MappingNode>(node))
      return buildObject(map, depth, out);
    if (auto *seq = llvm::dyn_cast<llvm::yaml::SequenceNode>(node))
      return buildArray(seq, depth, out);
    if (auto *scalar = llvm::dyn_cast<llvm::yaml::ScalarNode>(node))
      return buildScalar(scalar, out);
    return disagree(start, "this is not a JSON value");
  }

  bool failed() const { return failed_; }

private:
  // LLVM's YAML nodes for flow collections start at their first entry (or at
  // the closing bracket when empty); a JSON value starts at its bracket,
  // which is the first non-blank character before that.
  const char *openingBracket(const char *start, char open) const {
    std::string_view text = diags_.files().text(buffer_);
    if (!start || start < text.data() || start > text.data() + text.size())
      return start;
    if (start < text.data() + text.size() && *start == open)
      return start;
    const char *p = start;
    while (p > text.data() && isJsonSpace(p[-1]))
      --p;
    return p > text.data() && p[-1] == open ? p - 1 : start;
  }

  SourceLoc locOf(const char *p) const {
    SourceLoc loc = p ? diags_.files().locForPointer(p) : SourceLoc{};
    // A pointer outside our buffer would mean the walk is not over our text.
    return loc.buffer == buffer_ ? loc : diags_.files().locForOffset(buffer_, 0);
  }

  bool disagree(const char *at, const std::string &what) {
    reportUnlocatable(buffer_, at, what, yaml_, diags_);
    failed_ = true;
    return false;
  }

  // Decodes one scalar token (a string, number or literal) with llvm::json.
  bool decodeToken(llvm::StringRef token, llvm::json::Value &out) {
    auto parsed = llvm::json::parse(token);
    if (!parsed) {
      std::string msg = llvm::toString(parsed.takeError());
      return disagree(token.data(), "token '" + token.str() + "': " + msg);
    }
    out = std::move(*parsed);
    return true;
  }

  bool checkString(llvm::StringRef token, llvm::StringRef decoded) {
    if (!hasReplacedSurrogate(token, decoded))
      return true;
    diags_.report(DiagKind::InvalidEncoding, locOf(token.data()),
                  "string contains an unpaired UTF-16 surrogate escape, which is not a "
                  "Unicode character");
    failed_ = true;
    return false;
  }

  bool buildScalar(llvm::yaml::ScalarNode *scalar, DocNode &out) {
    // Plain scalars carry the whitespace that follows them up to the next
    // indicator; JSON tokens never contain any.
    llvm::StringRef token = scalar->getRawValue().rtrim(" \t\r\n");
    if (token.empty())
      return disagree(token.data(), "empty token");
    llvm::json::Value value = nullptr;
    if (!decodeToken(token, value))
      return false;
    switch (value.kind()) {
    case llvm::json::Value::Null:
      out.kind = DocNode::Kind::Null;
      return true;
    case llvm::json::Value::Boolean:
      out.kind = DocNode::Kind::Bool;
      out.boolean = *value.getAsBoolean();
      return true;
    case llvm::json::Value::String:
      out.kind = DocNode::Kind::String;
      out.string = value.getAsString()->str();
      return checkString(token, out.string);
    case llvm::json::Value::Number:
      return buildNumber(token, value, out);
    case llvm::json::Value::Array:
    case llvm::json::Value::Object:
      break;
    }
    return disagree(token.data(), "a scalar decoded as a container");
  }

  bool buildNumber(llvm::StringRef token, const llvm::json::Value &value, DocNode &out) {
    out.kind = DocNode::Kind::Number;
    if (!isStrictNumber(token)) {
      diags_.report(DiagKind::JsonSyntax, locOf(token.data()),
                    fmt::format("'{}' is not a JSON number (RFC 8259: no '+' sign, no leading "
                                "zeros, digits on both sides of '.')",
                                token.str()));
      failed_ = true;
      return false;
    }
    // Integer-ness is what was written: `8080` is an integer, `8080.0` not.
    if (token.find_first_of(".eE") == llvm::StringRef::npos) {
      int64_t i = 0;
      if (token.getAsInteger(10, i)) { // llvm::json would clamp it silently
        diags_.report(DiagKind::JsonSyntax, locOf(token.data()),
                      fmt::format("integer {} does not fit in 64 bits", token.str()));
        failed_ = true;
        return false;
      }
      out.isInteger = true;
      out.integer = i;
      out.number = static_cast<double>(i);
      return true;
    }
    double d = *value.getAsNumber();
    if (!std::isfinite(d)) {
      diags_.report(DiagKind::JsonSyntax, locOf(token.data()),
                    fmt::format("number {} is out of range", token.str()));
      failed_ = true;
      return false;
    }
    out.number = d;
    return true;
  }

  bool buildArray(llvm::yaml::SequenceNode *seq, unsigned depth, DocNode &out) {
    out.kind = DocNode::Kind::Array;
    bool ok = true;
    for (llvm::yaml::Node &item : *seq) {
      out.items.emplace_back();
      if (!build(&item, depth + 1, out.items.back()))
        ok = false;
      if (failed_ && !ok)
        return false;
    }
    return ok;
  }

  bool buildObject(llvm::yaml::MappingNode *map, unsigned depth, DocNode &out) {
    out.kind = DocNode::Kind::Object;
    llvm::StringMap<size_t> seen; // key -> index of its first occurrence
    bool ok = true;
    for (llvm::yaml::KeyValueNode &kv : *map) {
      auto *keyNode = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(kv.getKey());
      if (!keyNode)
        return disagree(kv.getSourceRange().Start.getPointer(), "an object key is not a string");
      llvm::StringRef token = keyNode->getRawValue().rtrim(" \t\r\n");
      llvm::json::Value keyValue = nullptr;
      if (!decodeToken(token, keyValue))
        return false;
      if (!keyValue.getAsString())
        return disagree(token.data(), "an object key is not a string");
      std::string key = keyValue.getAsString()->str();
      if (!checkString(token, key))
        return false;
      SourceLoc keyLoc = locOf(token.data());

      DocNode value;
      if (!build(kv.getValue(), depth + 1, value)) {
        if (failed_)
          return false;
        ok = false;
      }
      auto [it, fresh] = seen.try_emplace(key, out.members.size());
      if (!fresh && duplicates_ == JsonDuplicates::LastWins) {
        // JSON.parse keeps the last value: so does the tree, at the first
        // key's place in the order but with the last key's location.
        reportSettingsFinding(
            diags_, kDuplicateSetting, Severity::Warning, keyLoc,
            fmt::format("duplicate key '{}': JSON keeps only the last value, so the earlier "
                        "'{}' at {}:{} has no effect",
                        key, key, out.keyLocs[it->second].line, out.keyLocs[it->second].col));
        diags_.note(DiagKind::DefinedHere, out.keyLocs[it->second],
                    fmt::format("the earlier '{}', which is ignored", key));
        out.members[it->second].second = std::move(value);
        out.keyLocs[it->second] = keyLoc;
        continue;
      }
      if (!fresh) {
        // Reported at the second key; the first one is kept so the importer
        // does not also complain about it.
        diags_.report(DiagKind::DuplicateKey, keyLoc, key);
        diags_.note(DiagKind::DefinedHere, out.keyLocs[it->second],
                    fmt::format("'{}' first appears here", key));
        ok = false;
        continue;
      }
      out.members.emplace_back(std::move(key), std::move(value));
      out.keyLocs.push_back(keyLoc);
    }
    return ok;
  }

  uint32_t buffer_;
  const YamlErrors &yaml_;
  JsonDuplicates duplicates_;
  DiagnosticEngine &diags_;
  bool failed_ = false; // a disagreement: stop walking
};

// The located tree must say exactly what llvm::json read. Returns the first
// node that differs, or nullptr.
const DocNode *firstMismatch(const DocNode &n, const llvm::json::Value &v) {
  switch (n.kind) {
  case DocNode::Kind::Null:
    return v.getAsNull() ? nullptr : &n;
  case DocNode::Kind::Bool:
    return v.getAsBoolean() == n.boolean ? nullptr : &n;
  case DocNode::Kind::String:
    return v.getAsString() && *v.getAsString() == n.string ? nullptr : &n;
  case DocNode::Kind::Number:
    if (n.isInteger)
      return v.getAsInteger() == n.integer ? nullptr : &n;
    return v.getAsNumber() == n.number ? nullptr : &n;
  case DocNode::Kind::Array: {
    const llvm::json::Array *a = v.getAsArray();
    if (!a || a->size() != n.items.size())
      return &n;
    for (size_t i = 0; i < n.items.size(); ++i)
      if (const DocNode *m = firstMismatch(n.items[i], (*a)[i]))
        return m;
    return nullptr;
  }
  case DocNode::Kind::Object: {
    const llvm::json::Object *o = v.getAsObject();
    if (!o || o->size() != n.members.size())
      return &n;
    for (const auto &[key, child] : n.members) {
      const llvm::json::Value *cv = o->get(key);
      if (!cv)
        return &n;
      if (const DocNode *m = firstMismatch(child, *cv))
        return m;
    }
    return nullptr;
  }
  }
  return &n;
}

} // namespace

std::optional<DocNode> readJson(uint32_t buffer, DiagnosticEngine &diags,
                                JsonDuplicates duplicates) {
  std::string_view view = diags.files().text(buffer);
  llvm::StringRef text(view.data(), view.size());

  if (!checkBytes(buffer, text, diags) || !checkDepth(buffer, text, diags))
    return std::nullopt;

  // The appended space lets reportParseError tell "ran out of input" from
  // "the last character is wrong"; trailing whitespace is valid JSON.
  auto parsed = llvm::json::parse(text.str() + " ");
  if (!parsed) {
    reportParseError(buffer, text, llvm::toString(parsed.takeError()), diags);
    return std::nullopt;
  }

  // A private SourceMgr: the YAML scanner registers the text it is given as
  // a buffer of its SourceMgr, and prints errors through it. Giving it ours
  // would add an alias buffer to the registry and need its handler swapped.
  // The text is not copied, so node pointers still point into our buffer and
  // SourceFiles::locForPointer turns them into our locations.
  llvm::SourceMgr yamlMgr;
  YamlErrors yamlErrors;
  yamlMgr.setDiagHandler(&YamlErrors::handler, &yamlErrors);
  llvm::yaml::Stream stream(llvm::MemoryBufferRef(text, diags.files().name(buffer)), yamlMgr,
                            /*ShowColors=*/false);

  Locator locator(buffer, yamlErrors, duplicates, diags);
  DocNode root;
  bool built = false;
  unsigned documents = 0;
  for (llvm::yaml::Document &doc : stream) {
    if (++documents > 1 || yamlErrors.any)
      break;
    built = locator.build(doc.getRoot(), 1, root);
    if (locator.failed())
      return std::nullopt;
  }
  if (yamlErrors.any || documents != 1) {
    reportUnlocatable(buffer, nullptr, "expected exactly one document", yamlErrors, diags);
    return std::nullopt;
  }
  if (!built)
    return std::nullopt; // errors already reported (duplicate keys, numbers)
  if (const DocNode *m = firstMismatch(root, *parsed)) {
    diags.report(DiagKind::JsonSyntax, m->loc,
                 "the two JSON readers disagree about this value; the file is refused");
    return std::nullopt;
  }
  return root;
}

} // namespace moat::import
