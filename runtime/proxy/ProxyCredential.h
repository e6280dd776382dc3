// How a client proves to the proxy's TCP listener that it is the sandboxed
// command: any process on the machine can connect to 127.0.0.1, so on that
// listener (Server::listenTcp, macOS) every connection must present the
// session credential the launcher gave the command, in the way its tools
// already know: as the password of the proxy URL's userinfo
// ("http://moat:TOKEN@127.0.0.1:PORT"), which HTTP clients send as
// `Proxy-Authorization: Basic` (RFC 9110 section 11.7.2, RFC 7617) and
// SOCKS5 clients through username/password authentication (RFC 1929).
// Listeners only the sandbox can reach (Server::serveListeners, Linux) ask
// for nothing. Pure functions, so the checks are tested byte for byte; the
// comparisons take the same time wherever the first difference is.
#pragma once
#include <array>
#include <string>
#include <string_view>

namespace moat::runtime::proxy {

using Credential = std::array<unsigned char, 32>;

// The user name in the proxy URLs; the password is the token.
inline constexpr std::string_view kProxyUser = "moat";

// A fresh credential from the kernel's generator (getentropy: Linux and
// macOS); false when it fails, and then there is no credential to use.
bool makeCredential(Credential &credential);

// The credential as text: 64 lowercase hex digits (safe unescaped in a URL).
std::string credentialToken(const Credential &credential);

// What an HTTP client that was given the token sends after "Basic ":
// base64("moat:" + TOKEN).
std::string basicCredentials(const Credential &credential);

// One `Proxy-Authorization` value: the scheme "Basic" (any case), blanks,
// then exactly `expected` (basicCredentials).
bool basicAuthorizationMatches(std::string_view value, std::string_view expected);

// An RFC 1929 user name and password.
bool userPasswordMatches(std::string_view user, std::string_view password, const Credential &credential);

// Equal length and bytes; the time depends only on the lengths.
bool constantTimeEqual(std::string_view a, std::string_view b);

} // namespace moat::runtime::proxy
