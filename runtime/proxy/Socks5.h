// The SOCKS5 side of the proxy's front door (RFC 1928), as pure functions
// over bytes: the method greeting, username/password authentication (RFC
// 1929), the request, and the fixed-size replies. moat offers exactly one
// method: username/password where the listener asks for the session
// credential (ProxyCredential.h), "no authentication" where only the
// sandbox can connect; and only CONNECT. Parsing works on whatever
// has arrived so far and says when more is needed, so a client that sends
// its greeting and request in one write and one that dribbles them byte by
// byte are handled alike.
#pragma once
#include "compiler/net/Host.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace moat::runtime::proxy {

enum class ParseStatus { NeedMore, Done, Invalid };

namespace socks5 {
constexpr uint8_t kVersion = 0x05;
constexpr uint8_t kMethodNoAuth = 0x00;
constexpr uint8_t kMethodUserPassword = 0x02;
constexpr uint8_t kMethodNoneAcceptable = 0xff;
constexpr uint8_t kCommandConnect = 0x01;
constexpr uint8_t kAddressIpv4 = 0x01;
constexpr uint8_t kAddressDomain = 0x03;
constexpr uint8_t kAddressIpv6 = 0x04;
// Reply codes.
constexpr uint8_t kSucceeded = 0x00;
constexpr uint8_t kGeneralFailure = 0x01;
constexpr uint8_t kNotAllowed = 0x02;
constexpr uint8_t kNetworkUnreachable = 0x03;
constexpr uint8_t kHostUnreachable = 0x04;
constexpr uint8_t kConnectionRefused = 0x05;
constexpr uint8_t kCommandNotSupported = 0x07;
constexpr uint8_t kAddressTypeNotSupported = 0x08;
// RFC 1929: its own version byte, and any non-zero status is a failure.
constexpr uint8_t kUserPasswordVersion = 0x01;
constexpr uint8_t kUserPasswordSuccess = 0x00;
constexpr uint8_t kUserPasswordFailure = 0x01;
} // namespace socks5

struct Socks5Greeting {
  bool offersNoAuth = false;
  bool offersUserPassword = false;
  size_t size = 0; // bytes the greeting took
};
ParseStatus parseSocks5Greeting(std::string_view bytes, Socks5Greeting &out);

// RFC 1929's request: version 1, then the user name and the password, each
// 1 to 255 bytes behind a length byte. Invalid: another version, or an
// empty field.
struct Socks5UserPassword {
  std::string user;
  std::string password;
  size_t size = 0; // bytes the request took
};
ParseStatus parseSocks5UserPassword(std::string_view bytes, Socks5UserPassword &out);

struct Socks5Request {
  uint8_t command = 0;
  uint8_t addressType = 0;
  std::string domain;  // kAddressDomain: the raw bytes as sent (may hold NULs)
  net::IpAddress ip;   // kAddressIpv4 / kAddressIpv6
  uint16_t port = 0;
  size_t size = 0;     // bytes the request took
};
// Invalid: wrong version, nonzero reserved byte or unknown address type;
// `replyCode` then says what to answer.
ParseStatus parseSocks5Request(std::string_view bytes, Socks5Request &out, uint8_t &replyCode);

// The method selection reply, RFC 1929's status reply and a request reply
// (bound address 0.0.0.0:0).
std::array<unsigned char, 2> socks5MethodReply(uint8_t method);
std::array<unsigned char, 2> socks5UserPasswordReply(uint8_t status);
std::array<unsigned char, 10> socks5Reply(uint8_t code);

} // namespace moat::runtime::proxy
