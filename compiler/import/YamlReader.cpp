// readYaml: one YAML document into a located DocNode tree, via yaml-cpp's
// event parser (not YAML::Load), so every node keeps its line:col and the
// constructs moat refuses are seen before anything is built from them:
//  - anchors and aliases (a few lines can expand into gigabytes, and a policy
//    whose meaning depends on references is hard to review),
//  - tags other than the default ones (they change what a scalar means),
//  - more than one document, keys that are not strings, duplicate keys
//    (yaml-cpp keeps both; which one wins would be an accident).
// Scalars follow the YAML 1.2 core schema: quoted scalars are always strings;
// plain `true`/`false` are booleans, plain integers and floats are numbers,
// `null`/`~`/empty is null; everything else (`yes`, `on`, `0777x`) is a string.
//
// Before yaml-cpp sees the text, the bytes are checked (UTF-8, no characters
// that read differently from how they parse) and the nesting depth is
// estimated by a flat scan (YamlPrescan.h), because yaml-cpp buffers whole
// flow collections and recurses per level.
#include "compiler/import/DocTree.h"
#include "compiler/import/YamlPrescan.h"

#include <llvm/Support/JSON.h>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <istream>
#include <streambuf>
#include <unordered_map>

namespace moat::import {

namespace {

// Reading stops after this many errors; the file is refused either way.
constexpr unsigned kMaxReaderErrors = 20;
// yaml-cpp buffers a whole flow collection (~80 bytes per token) before its
// parser sees any of it; no policy needs an inline list this long.
constexpr size_t kMaxFlowBytes = size_t{1} << 20;
// Every node costs a DocNode and then an AST node; like the .moat lexer's
// token cap, this bounds memory for hostile (but size-limited) input.
constexpr size_t kMaxNodes = size_t{1} << 20;

// ---- bytes -------------------------------------------------------------------

uint32_t decodeAt(std::string_view s, size_t i, size_t &len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    len = 1;
    return c;
  }
  len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < len && i + k < s.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

// Why a code point may not appear in a YAML policy, or nullptr. Line
// separators other than LF / CRLF are refused because YAML 1.1 and 1.2 (and
// yaml-cpp, inconsistently) disagree on whether they end a line; the rest
// can make the file read differently from how it parses.
const char *refusedCodePoint(uint32_t cp) {
  if (cp == 0)
    return "a NUL character";
  if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F)
    return "a control character";
  if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
    return "a Unicode line separator (YAML versions disagree on whether it ends a line)";
  if (cp >= 0x80 && cp <= 0x9F)
    return "a C1 control character";
  if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
      cp == 0x200F || cp == 0x061C)
    return "a bidirectional control character (it can make text display differently from how it parses)";
  if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF)
    return "an invisible character";
  return nullptr;
}

bool checkBytes(uint32_t buffer, std::string_view text, DiagnosticEngine &diags) {
  const SourceFiles &files = diags.files();
  size_t bad = 0;
  if (!llvm::json::isUTF8(llvm::StringRef(text.data(), text.size()), &bad)) {
    diags.report(DiagKind::InvalidEncoding, files.locForOffset(buffer, bad),
                 fmt::format("invalid UTF-8 at byte {}; a YAML policy must be UTF-8", bad));
    return false;
  }
  size_t i = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0; // a leading BOM is fine
  while (i < text.size()) {
    size_t len = 1;
    uint32_t cp = decodeAt(text, i, len);
    if (cp == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) {
      diags.report(DiagKind::InvalidEncoding, files.locForOffset(buffer, i),
                   "a carriage return that is not part of a CRLF line ending");
      return false;
    }
    if (const char *why = refusedCodePoint(cp)) {
      diags.report(DiagKind::InvalidEncoding, files.locForOffset(buffer, i),
                   fmt::format("U+{:04X} is {}; it is not allowed in a YAML policy{}", cp, why,
                               cp == 0 ? " (is the file UTF-16?)" : ""));
      return false;
    }
    i += len;
  }
  return true;
}

// ---- scalars ----------------------------------------------------------------

bool allOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!pred(c))
      return false;
  return true;
}
bool isDec(char c) { return c >= '0' && c <= '9'; }
bool isOct(char c) { return c >= '0' && c <= '7'; }
bool isHex(char c) { return isDec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Parses digits in `base` into an unsigned value; false on overflow.
bool parseUnsigned(std::string_view digits, unsigned base, uint64_t &out) {
  uint64_t v = 0;
  for (char c : digits) {
    unsigned d = isDec(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    if (v > (UINT64_MAX - d) / base)
      return false;
    v = v * base + d;
  }
  out = v;
  return true;
}

void setInteger(DocNode &n, bool negative, uint64_t magnitude, bool fits) {
  n.kind = DocNode::Kind::Number;
  uint64_t limit = negative ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX);
  if (fits && magnitude <= limit) {
    n.isInteger = true;
    n.integer = negative ? int64_t(0 - magnitude) : int64_t(magnitude);
    n.number = double(n.integer);
  } else {
    // Out of int64 range: still a number, but not an integer anyone can use.
    n.isInteger = false;
    n.number = negative ? -HUGE_VAL : HUGE_VAL;
  }
}

bool isCoreFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+'))
    ++i;
  std::string_view body = s.substr(i);
  if (body == ".inf" || body == ".Inf" || body == ".INF")
    return true;
  if (i == 0 && (s == ".nan" || s == ".NaN" || s == ".NAN"))
    return true;
  size_t intDigits = 0, fracDigits = 0;
  while (i < s.size() && isDec(s[i]))
    ++i, ++intDigits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && isDec(s[i]))
      ++i, ++fracDigits;
  }
  if (intDigits == 0 && fracDigits == 0)
    return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+'))
      ++i;
    size_t expDigits = 0;
    while (i < s.size() && isDec(s[i]))
      ++i, ++expDigits;
    if (expDigits == 0)
      return false;
  }
  return i == s.size();
}

// A plain (unquoted, untagged) scalar under the YAML 1.2 core schema.
DocNode plainScalar(const std::string &v) {
  DocNode n;
  if (v == "true" || v == "True" || v == "TRUE" || v == "false" || v == "False" || v == "FALSE") {
    n.kind = DocNode::Kind::Bool;
    n.boolean = v[0] == 't' || v[0] == 'T';
    return n;
  }
  std::string_view s = v;
  bool negative = false;
  std::string_view digits = s;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    digits = s.substr(1);
  }
  uint64_t magnitude = 0;
  if (allOf(digits, isDec)) {
    bool fits = parseUnsigned(digits, 10, magnitude);
    setInteger(n, negative, magnitude, fits);
    return n;
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    std::string_view rest = s.substr(2);
    if (s[1] == 'o' ? allOf(rest, isOct) : allOf(rest, isHex)) {
      bool fits = parseUnsigned(rest, s[1] == 'o' ? 8 : 16, magnitude);
      setInteger(n, false, magnitude, fits);
      return n;
    }
  }
  if (isCoreFloat(s)) {
    n.kind = DocNode::Kind::Number;
    std::string_view body = negative || s[0] == '+' ? s.substr(1) : s;
    if (body[0] == '.' && (body[1] == 'i' || body[1] == 'I'))
      n.number = negative ? -HUGE_VAL : HUGE_VAL;
    else if (body[0] == '.' && (body[1] == 'n' || body[1] == 'N'))
      n.number = NAN;
    else
      n.number = std::strtod(v.c_str(), nullptr);
    return n;
  }
  n.kind = DocNode::Kind::String;
  n.string = v;
  return n;
}

// ---- events -------------------------------------------------------------------

// Thrown from the handler to stop yaml-cpp once reading cannot go on.
struct StopReading {};

// A std::streambuf over the registered buffer, so yaml-cpp reads it in place.
class ViewBuf : public std::streambuf {
public:
  explicit ViewBuf(std::string_view text) {
    char *p = const_cast<char *>(text.data()); // only ever read
    setg(p, p, p + text.size());
  }
};

class Builder : public YAML::EventHandler {
public:
  Builder(uint32_t buffer, std::string_view text, DiagnosticEngine &diags)
      : buffer_(buffer), text_(text), diags_(diags), startErrors_(diags.errorCount()),
        bom_(text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0) {}

  std::optional<DocNode> &root() { return root_; }

  SourceLoc loc(const YAML::Mark &m) const {
    if (m.is_null() || m.line < 0 || m.column < 0)
      return diags_.files().locForOffset(buffer_, text_.size());
    return SourceLoc{buffer_, uint32_t(m.line) + 1, uint32_t(m.column) + 1 + (m.line == 0 ? bom_ : 0)};
  }
  size_t offset(const YAML::Mark &m) const {
    return m.is_null() || m.pos < 0 ? text_.size() : std::min(text_.size(), size_t(m.pos) + bom_);
  }

  template <typename... Args> void error(DiagKind kind, SourceLoc at, Args &&...args) {
    diags_.report(kind, at, std::forward<Args>(args)...);
    if (diags_.errorCount() - startErrors_ >= kMaxReaderErrors) {
      diags_.note(DiagKind::TooManyErrors, at, kMaxReaderErrors);
      throw StopReading{};
    }
  }

  void OnDocumentStart(const YAML::Mark &mark) override {
    if (++documents_ > 1) {
      error(DiagKind::YamlUnsupported, loc(mark),
            "a second document; a moat policy file holds exactly one ('---' starts another)");
      throw StopReading{};
    }
  }
  void OnDocumentEnd() override {}

  void OnAnchor(const YAML::Mark &mark, const std::string &name) override {
    error(DiagKind::YamlUnsupported, loc(mark),
          fmt::format("the anchor '&{}'; anchors and aliases are not allowed in a moat policy", name));
  }

  void OnAlias(const YAML::Mark &mark, YAML::anchor_t) override {
    error(DiagKind::YamlUnsupported, loc(mark),
          "an alias; anchors and aliases are not allowed in a moat policy");
    DocNode n;
    n.loc = loc(mark);
    deliver(std::move(n), nullptr);
  }

  void OnNull(const YAML::Mark &mark, YAML::anchor_t) override {
    DocNode n;
    n.loc = loc(mark);
    // An empty value (`key:`) has no text of its own; yaml-cpp marks the next
    // token. Point at the key instead, where a reader will look.
    if (!explicitNullAt(offset(mark)) && !stack_.empty() && stack_.back().isMap && stack_.back().hasKey)
      n.loc = stack_.back().keyLoc;
    deliver(std::move(n), nullptr);
  }

  void OnScalar(const YAML::Mark &mark, const std::string &tag, YAML::anchor_t,
                const std::string &value) override {
    SourceLoc at = loc(mark);
    DocNode n;
    if (tag == "?") {
      n = plainScalar(value);
    } else {
      // "!" is what yaml-cpp gives quoted scalars; an explicit `!` tag in the
      // text gives the same, so look at what the scalar starts with.
      size_t quote = tag == "!" ? quoteAfterAnchor(offset(mark)) : std::string_view::npos;
      if (quote == std::string_view::npos)
        refuseTag(at, tag);
      else
        checkQuoted(at, quote, value);
      n.kind = DocNode::Kind::String;
      n.string = value;
    }
    n.loc = at;
    deliver(std::move(n), &value);
  }

  void OnSequenceStart(const YAML::Mark &mark, const std::string &tag, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, DocNode::Kind::Array);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark &mark, const std::string &tag, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, DocNode::Kind::Object);
  }
  void OnMapEnd() override { close(); }

private:
  struct Frame {
    DocNode node;
    bool isMap = false;
    bool hasKey = false;   // a key was read; its value comes next
    bool skipValue = false; // the key was refused: drop its value
    std::string key;
    SourceLoc keyLoc;
    std::unordered_map<std::string, SourceLoc> seen;
  };

  bool explicitNullAt(size_t off) const {
    std::string_view rest = text_.substr(std::min(off, text_.size()));
    return !rest.empty() && (rest[0] == '~' || rest.substr(0, 4) == "null" ||
                             rest.substr(0, 4) == "Null" || rest.substr(0, 4) == "NULL");
  }

  // Where the quote of a quoted scalar starting at `off` is, past an anchor
  // (already reported) if any; npos if the scalar has an explicit tag instead.
  size_t quoteAfterAnchor(size_t off) const {
    while (off < text_.size()) {
      char c = text_[off];
      if (c == '"' || c == '\'')
        return off;
      if (c != '&')
        return std::string_view::npos;
      while (off < text_.size() && text_[off] != ' ' && text_[off] != '\t' && text_[off] != '\n')
        ++off;
      while (off < text_.size() && (text_[off] == ' ' || text_[off] == '\t' || text_[off] == '\n' ||
                                    text_[off] == '\r'))
        ++off;
    }
    return std::string_view::npos;
  }

  // yaml-cpp accepts a quoted scalar that runs to the end of the file
  // without its closing quote (it would swallow the rest of the policy), and
  // escapes can produce characters the byte check refuses in the raw text.
  void checkQuoted(SourceLoc at, size_t open, const std::string &value) {
    char q = text_[open];
    size_t i = open + 1;
    for (; i < text_.size(); ++i) {
      if (q == '"' && text_[i] == '\\') {
        ++i;
      } else if (text_[i] == q) {
        if (q == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
          ++i;
          continue;
        }
        break;
      }
    }
    if (i >= text_.size()) {
      error(DiagKind::YamlSyntax, at, fmt::format("this quoted string has no closing {}", q));
      return;
    }
    for (size_t k = 0; k < value.size();) {
      size_t len = 1;
      uint32_t cp = decodeAt(value, k, len);
      if (const char *why = refusedCodePoint(cp)) {
        error(DiagKind::InvalidString, at,
              fmt::format("an escape in this string produces U+{:04X}, which is {}; it is not "
                          "allowed in a policy string",
                          cp, why));
        return;
      }
      k += len;
    }
  }

  void refuseTag(SourceLoc at, const std::string &tag) {
    error(DiagKind::YamlUnsupported, at,
          fmt::format("the tag '{}'; tags are not allowed in a moat policy (quote the value "
                      "if it should be a string)",
                      tag));
  }

  void open(const YAML::Mark &mark, const std::string &tag, DocNode::Kind kind) {
    SourceLoc at = loc(mark);
    if (tag != "?")
      refuseTag(at, tag);
    if (stack_.size() + 1 > kMaxDepth) {
      error(DiagKind::TooDeep, at, kMaxDepth);
      throw StopReading{};
    }
    Frame f;
    f.node.kind = kind;
    f.node.loc = at;
    f.isMap = kind == DocNode::Kind::Object;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    deliver(std::move(f.node), nullptr);
  }

  // Hands a finished node to its parent. `raw` is the scalar's text, which
  // is what a key is made of (a plain `1:` is the key "1").
  void deliver(DocNode n, const std::string *raw) {
    if (++nodes_ > kMaxNodes) {
      error(DiagKind::TooManyTokens, n.loc, kMaxNodes);
      throw StopReading{};
    }
    if (stack_.empty()) {
      root_ = std::move(n);
      return;
    }
    Frame &f = stack_.back();
    if (!f.isMap) {
      f.node.items.push_back(std::move(n));
      return;
    }
    if (!f.hasKey) {
      f.hasKey = true;
      f.keyLoc = n.loc;
      f.skipValue = false;
      if (!raw) {
        error(DiagKind::YamlUnsupported, n.loc,
              fmt::format("a key that is {}; mapping keys must be strings", n.kindName()));
        f.skipValue = true;
        return;
      }
      f.key = *raw;
      auto [it, inserted] = f.seen.try_emplace(f.key, n.loc);
      if (!inserted) {
        error(DiagKind::DuplicateKey, n.loc, f.key);
        diags_.note(DiagKind::DefinedHere, it->second, fmt::format("'{}' is first given here", f.key));
        f.skipValue = true;
      }
      return;
    }
    f.hasKey = false;
    if (f.skipValue)
      return;
    f.node.members.emplace_back(std::move(f.key), std::move(n));
    f.node.keyLocs.push_back(f.keyLoc);
  }

  uint32_t buffer_;
  std::string_view text_;
  DiagnosticEngine &diags_;
  unsigned startErrors_;
  uint32_t bom_;
  unsigned documents_ = 0;
  size_t nodes_ = 0;
  std::vector<Frame> stack_;
  std::optional<DocNode> root_;
};

// yaml-cpp's messages are terse ("illegal map value"); say what usually
// causes them.
std::string explain(const std::string &msg) {
  if (msg == "illegal map value")
    return "illegal map value (a ': ' where no mapping key can start; quote values that contain ': ')";
  if (msg == "end of map not found" || msg == "end of sequence not found")
    return msg + " (check the indentation of this line)";
  if (msg == "end of map flow not found" || msg == "end of sequence flow not found")
    return msg + " (a '{' or '[' is not closed)";
  return msg;
}

} // namespace

std::optional<DocNode> readYaml(uint32_t buffer, DiagnosticEngine &diags) {
  std::string_view text = diags.files().text(buffer);
  if (!checkBytes(buffer, text, diags))
    return std::nullopt;
  if (auto problem = prescanYaml(text, kMaxDepth, kMaxFlowBytes)) {
    SourceLoc at = diags.files().locForOffset(buffer, problem->offset);
    if (problem->kind == YamlPrescanProblem::Kind::TooDeep)
      diags.report(DiagKind::TooDeep, at, kMaxDepth);
    else
      diags.report(DiagKind::YamlFlowTooLong, at, kMaxFlowBytes);
    return std::nullopt;
  }

  unsigned before = diags.errorCount();
  Builder builder(buffer, text, diags);
  ViewBuf buf(text);
  std::istream in(&buf);
  try {
    YAML::Parser parser(in);
    // The first document, then one more call to see whether another follows.
    if (parser.HandleNextDocument(builder))
      parser.HandleNextDocument(builder);
  } catch (const StopReading &) {
  } catch (const YAML::DeepRecursion &e) {
    // yaml-cpp's own guard: only reached if the prescan underestimated.
    diags.report(DiagKind::TooDeep, builder.loc(e.mark), kMaxDepth);
  } catch (const YAML::Exception &e) {
    diags.report(DiagKind::YamlSyntax, builder.loc(e.mark), explain(e.msg));
  } catch (const std::exception &e) {
    diags.report(DiagKind::YamlSyntax, diags.files().locForOffset(buffer, 0),
                 fmt::format("cannot read the YAML: {}", e.what()));
  }
  if (diags.errorCount() != before)
    return std::nullopt;
  if (!builder.root()) {
    // An empty file (or one holding only comments) is an empty document.
    DocNode empty;
    empty.loc = SourceLoc{buffer, 1, 1};
    return empty;
  }
  return std::move(*builder.root());
}

} // namespace moat::import
