// The session credential's text forms and checks (see ProxyCredential.h).
#include "runtime/proxy/ProxyCredential.h"

#include "compiler/support/Blanks.h"

#include <llvm/Support/Base64.h>

#include <cctype>
#include <unistd.h>

namespace moat::runtime::proxy {

bool makeCredential(Credential &credential) {
  return ::getentropy(credential.data(), credential.size()) == 0;
}

std::string credentialToken(const Credential &credential) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : credential) {
    out += digits[byte >> 4];
    out += digits[byte & 0xf];
  }
  return out;
}

std::string basicCredentials(const Credential &credential) {
  return llvm::encodeBase64(std::string(kProxyUser) + ":" + credentialToken(credential));
}

bool basicAuthorizationMatches(std::string_view value, std::string_view expected) {
  constexpr std::string_view scheme = "basic";
  if (value.size() <= scheme.size() || (value[scheme.size()] != ' ' && value[scheme.size()] != '\t'))
    return false;
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i])
      return false;
  return constantTimeEqual(trimBlanks(value.substr(scheme.size())), expected);
}

bool userPasswordMatches(std::string_view user, std::string_view password, const Credential &credential) {
  // Both compared whatever the first says, so the time tells nothing.
  bool userOk = constantTimeEqual(user, kProxyUser);
  bool passwordOk = constantTimeEqual(password, credentialToken(credential));
  return userOk && passwordOk;
}

bool constantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff = diff | static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

} // namespace moat::runtime::proxy
