// An ANTLR CharStream over the UTF-8 bytes of a buffer, one "character" per
// byte. The grammar's structure is ASCII; non-ASCII bytes only ever match
// "anything but ..." sets inside strings and comments (whose encoding was
// validated before lexing) or the stray-character rule. Lexing bytes keeps
// every ANTLR index a byte offset (moat's columns are bytes) and avoids the
// 4-bytes-per-character copy ANTLRInputStream makes.
//
// Bytes from 0x80 up are shown to the lexer as 0x01: no lexer rule tells the
// two apart (both are "some character" inside a string or comment and a
// stray character elsewhere), and ANTLR's lexer caches its DFA transitions
// only for characters below 128, so non-ASCII text would otherwise take the
// slow ATN path on every byte (a 15 MB file of non-ASCII comments took 20 s
// instead of under 2). Token positions and text come from the real bytes.
#pragma once
#include "antlr4-runtime.h"

#include <string_view>

namespace moat::parse {

class ByteStream final : public antlr4::CharStream {
public:
  ByteStream(std::string_view bytes, std::string name) : bytes_(bytes), name_(std::move(name)) {}

  void consume() override {
    if (pos_ >= bytes_.size())
      throw antlr4::IllegalStateException("cannot consume EOF");
    ++pos_;
  }
  size_t LA(ssize_t i) override {
    if (i == 0)
      return 0; // undefined by the IntStream contract
    // LA(1) is the current byte, LA(-1) the one before it.
    ssize_t at = static_cast<ssize_t>(pos_) + (i > 0 ? i - 1 : i);
    if (at < 0 || static_cast<size_t>(at) >= bytes_.size())
      return antlr4::IntStream::EOF;
    unsigned char c = static_cast<unsigned char>(bytes_[static_cast<size_t>(at)]);
    return c < 0x80 ? c : 0x01;
  }
  ssize_t mark() override { return -1; } // everything stays in memory
  void release(ssize_t) override {}
  size_t index() override { return pos_; }
  void seek(size_t index) override { pos_ = index < bytes_.size() ? index : bytes_.size(); }
  size_t size() override { return bytes_.size(); }
  std::string getSourceName() const override { return name_; }
  std::string getText(const antlr4::misc::Interval &interval) override {
    if (interval.a < 0 || interval.b < interval.a)
      return {};
    size_t a = static_cast<size_t>(interval.a);
    if (a >= bytes_.size())
      return {};
    size_t b = static_cast<size_t>(interval.b);
    if (b >= bytes_.size())
      b = bytes_.size() - 1;
    return std::string(bytes_.substr(a, b - a + 1));
  }
  std::string toString() const override { return std::string(bytes_); }

private:
  std::string_view bytes_;
  std::string name_;
  size_t pos_ = 0;
};

} // namespace moat::parse
