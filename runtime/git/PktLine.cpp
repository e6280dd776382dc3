// pkt-line framing (see PktLine.h).
#include "runtime/git/PktLine.h"

namespace moat::runtime::git {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

std::optional<PktLine> readPktLine(std::string_view bytes, size_t &consumed, std::string &error) {
  if (bytes.size() < 4) {
    error = "truncated pkt-line length";
    return std::nullopt;
  }
  size_t length = 0;
  for (size_t i = 0; i < 4; ++i) {
    int digit = hexValue(bytes[i]);
    if (digit < 0) {
      error = "pkt-line length is not four hex digits";
      return std::nullopt;
    }
    length = length * 16 + static_cast<size_t>(digit);
  }
  PktLine line;
  if (length < 4) {
    if (length == 3) {
      error = "invalid pkt-line length 0003";
      return std::nullopt;
    }
    line.kind = length == 0 ? PktLine::Kind::Flush : length == 1 ? PktLine::Kind::Delim : PktLine::Kind::ResponseEnd;
    consumed = 4;
    return line;
  }
  if (length > kMaxPktLine) {
    error = "pkt-line longer than " + std::to_string(kMaxPktLine) + " bytes";
    return std::nullopt;
  }
  if (length > bytes.size()) {
    error = "truncated pkt-line";
    return std::nullopt;
  }
  line.payload = bytes.substr(4, length - 4);
  consumed = length;
  return line;
}

bool readPktLinesToFlush(std::string_view bytes, std::vector<PktLine> &lines, size_t &consumed,
                         std::string &error) {
  consumed = 0;
  while (true) {
    size_t n = 0;
    std::optional<PktLine> line = readPktLine(bytes.substr(consumed), n, error);
    if (!line)
      return false;
    consumed += n;
    lines.push_back(*line);
    if (line->kind == PktLine::Kind::Flush)
      return true;
  }
}

bool readAllPktLines(std::string_view bytes, std::vector<PktLine> &lines, std::string &error) {
  size_t at = 0;
  while (at < bytes.size()) {
    size_t n = 0;
    std::optional<PktLine> line = readPktLine(bytes.substr(at), n, error);
    if (!line)
      return false;
    at += n;
    lines.push_back(*line);
  }
  return true;
}

std::string pktLine(std::string_view payload) {
  static const char digits[] = "0123456789abcdef";
  size_t length = payload.size() + 4;
  std::string out;
  out += digits[(length >> 12) & 0xf];
  out += digits[(length >> 8) & 0xf];
  out += digits[(length >> 4) & 0xf];
  out += digits[length & 0xf];
  out += payload;
  return out;
}

std::string_view chompNewline(std::string_view payload) {
  if (!payload.empty() && payload.back() == '\n')
    payload.remove_suffix(1);
  return payload;
}

} // namespace moat::runtime::git
