// Test support: a reader for the s-expression syntax of Seatbelt profiles
// (SBPL), strict enough to catch every way a hostile path could change a
// profile's structure. Used only by the sbpl backend's tests and fuzzer.
//
//   ; comment            to the end of the line
//   ( ... )              lists; must balance
//   "..."                strings; the only escapes are \" and \\ (anything
//                        else after a backslash is an error), and raw control
//                        bytes (NUL, newline, ...) inside a string are errors
//   #"..."               regex literals, raw: they end at the next `"`
//   other runs           symbols (operation names, `version`, `1`, ...)
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::sbpltest {

struct Node {
  enum class Kind { List, Symbol, String, Regex };
  Kind kind = Kind::List;
  std::string text;        // Symbol, String (unescaped), Regex (raw)
  std::vector<Node> items; // List
  unsigned line = 0;       // where it starts (1-based)

  bool isSymbol(std::string_view s) const { return kind == Kind::Symbol && text == s; }
  // A list whose first item is the symbol `head`.
  bool isForm(std::string_view head) const {
    return kind == Kind::List && !items.empty() && items[0].isSymbol(head);
  }
};

// Every top-level form, or nullopt with "line N: what".
std::optional<std::vector<Node>> parseForms(std::string_view text, std::string &error);

// Writes a node back in SBPL syntax (strings re-escaped), for messages.
std::string printNode(const Node &node);

} // namespace moat::sbpltest
