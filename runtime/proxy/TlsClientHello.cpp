// ClientHello parsing (RFC 8446 sections 4.1.2 and 5.1, RFC 6066 section 3).
// The handshake message may span several handshake records; the fragments
// are joined (bounded by the caller's limit) and the message is then read
// with a cursor that refuses every length running past its enclosing
// field. Only server_name is interpreted; a second server_name extension or
// a second host_name entry is malformed (RFC 6066: at most one per type),
// since two names are exactly how a client would hide one from the check.
#include "runtime/proxy/TlsClientHello.h"

#include <cstdint>

namespace moat::runtime::proxy {

namespace {

constexpr uint8_t kRecordHandshake = 0x16;
constexpr uint8_t kHandshakeClientHello = 0x01;
constexpr uint16_t kExtensionServerName = 0x0000;
constexpr uint8_t kNameTypeHostName = 0x00;
constexpr size_t kRecordHeader = 5;
constexpr size_t kMaxRecordPayload = 16384 + 256; // TLSPlaintext limit, with slack for legacy stacks

// A bounds-checked reader over one field; any overrun latches `failed`.
class Cursor {
public:
  explicit Cursor(std::string_view bytes) : bytes_(bytes) {}
  bool failed() const { return failed_; }
  bool empty() const { return bytes_.empty(); }
  uint32_t number(size_t width) {
    if (bytes_.size() < width) {
      failed_ = true;
      bytes_ = {};
      return 0;
    }
    uint32_t value = 0;
    for (size_t i = 0; i < width; ++i)
      value = value << 8 | static_cast<uint8_t>(bytes_[i]);
    bytes_.remove_prefix(width);
    return value;
  }
  std::string_view take(size_t n) {
    if (bytes_.size() < n) {
      failed_ = true;
      bytes_ = {};
      return {};
    }
    std::string_view out = bytes_.substr(0, n);
    bytes_.remove_prefix(n);
    return out;
  }
  // A field prefixed by its length in `width` bytes.
  std::string_view vector(size_t width) { return take(number(width)); }

private:
  std::string_view bytes_;
  bool failed_ = false;
};

ClientHelloScan malformed(std::string error) {
  ClientHelloScan out;
  out.status = ClientHelloScan::Status::Malformed;
  out.error = std::move(error);
  return out;
}

// The server_name extension's body: a list of (type, name) entries.
bool readServerName(std::string_view body, std::optional<std::string> &name, std::string &error) {
  Cursor extension(body);
  Cursor list(extension.vector(2));
  if (extension.failed() || !extension.empty()) {
    error = "malformed server_name extension";
    return false;
  }
  if (list.empty()) {
    error = "empty server_name list";
    return false;
  }
  while (!list.empty()) {
    uint32_t type = list.number(1);
    std::string_view value = list.vector(2);
    if (list.failed()) {
      error = "malformed server_name entry";
      return false;
    }
    if (type != kNameTypeHostName)
      continue;
    if (name) {
      error = "more than one host_name in server_name";
      return false;
    }
    if (value.empty()) {
      error = "empty host_name";
      return false;
    }
    name = std::string(value);
  }
  return true;
}

ClientHelloScan parseHello(std::string_view message) {
  Cursor hello(message);
  hello.number(2);  // legacy_version
  hello.take(32);   // random
  std::string_view sessionId = hello.vector(1);
  std::string_view cipherSuites = hello.vector(2);
  std::string_view compression = hello.vector(1);
  if (hello.failed())
    return malformed("truncated ClientHello");
  if (sessionId.size() > 32)
    return malformed("session id longer than 32 bytes");
  if (cipherSuites.empty() || cipherSuites.size() % 2 != 0)
    return malformed("malformed cipher suite list");
  if (compression.empty())
    return malformed("empty compression method list");
  ClientHelloScan out;
  out.status = ClientHelloScan::Status::Complete;
  if (hello.empty())
    return out; // no extensions at all (TLS 1.0 era hello)
  Cursor extensions(hello.vector(2));
  if (hello.failed() || !hello.empty())
    return malformed("malformed extensions block");
  bool sawServerName = false;
  while (!extensions.empty()) {
    uint32_t type = extensions.number(2);
    std::string_view body = extensions.vector(2);
    if (extensions.failed())
      return malformed("malformed extension");
    if (type != kExtensionServerName)
      continue;
    if (sawServerName)
      return malformed("two server_name extensions");
    sawServerName = true;
    std::string error;
    if (!readServerName(body, out.serverName, error))
      return malformed(error);
  }
  return out;
}

} // namespace

ClientHelloScan scanClientHello(std::string_view bytes, size_t limit) {
  ClientHelloScan needMore;
  if (bytes.empty())
    return needMore;
  if (static_cast<uint8_t>(bytes[0]) != kRecordHandshake) {
    ClientHelloScan out;
    out.status = ClientHelloScan::Status::NotTls;
    return out;
  }
  // Join the fragments of consecutive handshake records until the message
  // header's length is covered.
  std::string message;
  size_t offset = 0;
  while (true) {
    if (offset + kRecordHeader > limit)
      return malformed("ClientHello larger than the limit");
    if (bytes.size() < offset + kRecordHeader)
      return needMore;
    Cursor header(bytes.substr(offset, kRecordHeader));
    uint32_t type = header.number(1);
    uint32_t major = header.number(1);
    header.number(1); // minor version: any
    size_t length = header.number(2);
    if (type != kRecordHandshake)
      return malformed("ClientHello interrupted by a non-handshake record");
    if (major != 3)
      return malformed("unknown TLS record version");
    if (length == 0 || length > kMaxRecordPayload)
      return malformed("invalid TLS record length");
    if (offset + kRecordHeader + length > limit)
      return malformed("ClientHello larger than the limit");
    if (bytes.size() < offset + kRecordHeader + length)
      return needMore;
    message.append(bytes.substr(offset + kRecordHeader, length));
    offset += kRecordHeader + length;
    if (message.size() < 4)
      continue;
    Cursor handshake(message);
    if (handshake.number(1) != kHandshakeClientHello)
      return malformed("first handshake message is not a ClientHello");
    size_t bodyLength = handshake.number(3);
    if (4 + bodyLength > limit)
      return malformed("ClientHello larger than the limit");
    if (message.size() < 4 + bodyLength)
      continue;
    // Bytes of the record after the hello would be a second handshake
    // message in the same flight, which a ClientHello never has.
    if (message.size() != 4 + bodyLength)
      return malformed("bytes after the ClientHello in its record");
    return parseHello(std::string_view(message).substr(4));
  }
}

} // namespace moat::runtime::proxy
