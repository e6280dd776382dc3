// SOCKS5 greeting and request parsing and replies (RFC 1928 sections 3-6),
// and username/password authentication's request and reply (RFC 1929).
// Only the byte layout lives here; what a domain name may contain and what
// the policy says about it are decided by the caller (Destination.h).
#include "runtime/proxy/Socks5.h"

namespace moat::runtime::proxy {

namespace {
uint8_t byteAt(std::string_view s, size_t i) { return static_cast<uint8_t>(s[i]); }
} // namespace

ParseStatus parseSocks5Greeting(std::string_view bytes, Socks5Greeting &out) {
  if (bytes.size() < 2)
    return bytes.empty() || byteAt(bytes, 0) == socks5::kVersion ? ParseStatus::NeedMore : ParseStatus::Invalid;
  if (byteAt(bytes, 0) != socks5::kVersion || byteAt(bytes, 1) == 0)
    return ParseStatus::Invalid;
  size_t methods = byteAt(bytes, 1);
  if (bytes.size() < 2 + methods)
    return ParseStatus::NeedMore;
  out.offersNoAuth = false;
  out.offersUserPassword = false;
  for (size_t i = 0; i < methods; ++i) {
    out.offersNoAuth |= byteAt(bytes, 2 + i) == socks5::kMethodNoAuth;
    out.offersUserPassword |= byteAt(bytes, 2 + i) == socks5::kMethodUserPassword;
  }
  out.size = 2 + methods;
  return ParseStatus::Done;
}

ParseStatus parseSocks5UserPassword(std::string_view bytes, Socks5UserPassword &out) {
  if (bytes.empty())
    return ParseStatus::NeedMore;
  if (byteAt(bytes, 0) != socks5::kUserPasswordVersion)
    return ParseStatus::Invalid;
  if (bytes.size() < 2)
    return ParseStatus::NeedMore;
  size_t userEnd = 2 + byteAt(bytes, 1);
  if (bytes.size() < userEnd + 1)
    return ParseStatus::NeedMore;
  size_t passwordEnd = userEnd + 1 + byteAt(bytes, userEnd);
  if (userEnd == 2 || passwordEnd == userEnd + 1)
    return ParseStatus::Invalid;
  if (bytes.size() < passwordEnd)
    return ParseStatus::NeedMore;
  out.user = std::string(bytes.substr(2, userEnd - 2));
  out.password = std::string(bytes.substr(userEnd + 1, passwordEnd - userEnd - 1));
  out.size = passwordEnd;
  return ParseStatus::Done;
}

ParseStatus parseSocks5Request(std::string_view bytes, Socks5Request &out, uint8_t &replyCode) {
  replyCode = socks5::kGeneralFailure;
  if (bytes.size() < 4)
    return ParseStatus::NeedMore;
  if (byteAt(bytes, 0) != socks5::kVersion || byteAt(bytes, 2) != 0)
    return ParseStatus::Invalid;
  out.command = byteAt(bytes, 1);
  out.addressType = byteAt(bytes, 3);
  size_t addressEnd = 0;
  switch (out.addressType) {
  case socks5::kAddressIpv4:
    addressEnd = 4 + 4;
    break;
  case socks5::kAddressIpv6:
    addressEnd = 4 + 16;
    break;
  case socks5::kAddressDomain:
    if (bytes.size() < 5)
      return ParseStatus::NeedMore;
    addressEnd = 5 + byteAt(bytes, 4);
    break;
  default:
    replyCode = socks5::kAddressTypeNotSupported;
    return ParseStatus::Invalid;
  }
  if (bytes.size() < addressEnd + 2)
    return ParseStatus::NeedMore;
  out.ip = net::IpAddress{};
  out.domain.clear();
  if (out.addressType == socks5::kAddressDomain) {
    out.domain = std::string(bytes.substr(5, addressEnd - 5));
  } else {
    out.ip.v6 = out.addressType == socks5::kAddressIpv6;
    for (size_t i = 4; i < addressEnd; ++i)
      out.ip.bytes[i - 4] = byteAt(bytes, i);
  }
  out.port = static_cast<uint16_t>(byteAt(bytes, addressEnd) << 8 | byteAt(bytes, addressEnd + 1));
  out.size = addressEnd + 2;
  return ParseStatus::Done;
}

std::array<unsigned char, 2> socks5MethodReply(uint8_t method) { return {socks5::kVersion, method}; }

std::array<unsigned char, 2> socks5UserPasswordReply(uint8_t status) {
  return {socks5::kUserPasswordVersion, status};
}

std::array<unsigned char, 10> socks5Reply(uint8_t code) {
  return {socks5::kVersion, code, 0x00, socks5::kAddressIpv4, 0, 0, 0, 0, 0, 0};
}

} // namespace moat::runtime::proxy
