#include "SbplSyntax.h"

namespace moat::sbpltest {

namespace {

class Reader {
public:
  explicit Reader(std::string_view text) : s_(text) {}

  std::optional<std::vector<Node>> forms(std::string &error) {
    std::vector<Node> out;
    for (;;) {
      skipSpace();
      if (pos_ >= s_.size())
        return out;
      if (s_[pos_] == ')')
        return fail(error, "')' without a matching '('");
      auto node = read(error, 0);
      if (!node)
        return std::nullopt;
      out.push_back(std::move(*node));
    }
  }

private:
  static constexpr unsigned kMaxDepth = 64;

  std::nullopt_t fail(std::string &error, const std::string &what) {
    error = "line " + std::to_string(line_) + ": " + what;
    return std::nullopt;
  }

  void skipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == ';') {
        while (pos_ < s_.size() && s_[pos_] != '\n')
          ++pos_;
      } else {
        return;
      }
    }
  }

  std::optional<Node> read(std::string &error, unsigned depth) {
    if (depth > kMaxDepth)
      return fail(error, "nesting too deep");
    Node node;
    node.line = line_;
    char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      node.kind = Node::Kind::List;
      for (;;) {
        skipSpace();
        if (pos_ >= s_.size())
          return fail(error, "unterminated list (opened on line " + std::to_string(node.line) + ")");
        if (s_[pos_] == ')') {
          ++pos_;
          return node;
        }
        auto item = read(error, depth + 1);
        if (!item)
          return std::nullopt;
        node.items.push_back(std::move(*item));
      }
    }
    if (c == '"')
      return readString(node, error);
    if (c == '#' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '"') {
      pos_ += 2;
      node.kind = Node::Kind::Regex;
      size_t end = s_.find('"', pos_);
      if (end == std::string_view::npos)
        return fail(error, "unterminated regex literal");
      node.text = std::string(s_.substr(pos_, end - pos_));
      for (char r : node.text)
        if (static_cast<unsigned char>(r) < 0x20 || r == 0x7f)
          return fail(error, "control byte inside a regex literal");
      pos_ = end + 1;
      return node;
    }
    node.kind = Node::Kind::Symbol;
    while (pos_ < s_.size()) {
      char d = s_[pos_];
      if (d == '(' || d == ')' || d == '"' || d == ';' || d == ' ' || d == '\t' || d == '\n' ||
          d == '\r')
        break;
      if (static_cast<unsigned char>(d) < 0x20 || d == 0x7f)
        return fail(error, "control byte in a symbol");
      node.text += d;
      ++pos_;
    }
    if (node.text.empty())
      return fail(error, "unexpected byte");
    return node;
  }

  std::optional<Node> readString(Node &node, std::string &error) {
    node.kind = Node::Kind::String;
    ++pos_; // opening quote
    for (;;) {
      if (pos_ >= s_.size())
        return fail(error, "unterminated string");
      char c = s_[pos_++];
      if (c == '"')
        return node;
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        return fail(error, "control byte inside a string");
      if (c == '\\') {
        if (pos_ >= s_.size())
          return fail(error, "unterminated string");
        char e = s_[pos_++];
        if (e != '"' && e != '\\')
          return fail(error, std::string("unexpected escape '\\") + e + "' in a string");
        node.text += e;
        continue;
      }
      node.text += c;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  unsigned line_ = 1;
};

} // namespace

std::optional<std::vector<Node>> parseForms(std::string_view text, std::string &error) {
  return Reader(text).forms(error);
}

std::string printNode(const Node &node) {
  switch (node.kind) {
  case Node::Kind::Symbol:
    return node.text;
  case Node::Kind::Regex:
    return "#\"" + node.text + "\"";
  case Node::Kind::String: {
    std::string out = "\"";
    for (char c : node.text) {
      if (c == '"' || c == '\\')
        out += '\\';
      out += c;
    }
    return out + "\"";
  }
  case Node::Kind::List: {
    std::string out = "(";
    for (size_t i = 0; i < node.items.size(); ++i)
      out += (i ? " " : "") + printNode(node.items[i]);
    return out + ")";
  }
  }
  return "";
}

} // namespace moat::sbpltest
