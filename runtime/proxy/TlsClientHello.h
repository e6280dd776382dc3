// Reading the server name (SNI) out of the first bytes a client sends into
// a tunnel, so the proxy can refuse a TLS connection that asks the allowed
// address for a different host (domain fronting, or a CONNECT to an allowed
// name relayed to another virtual host). The ClientHello is parsed field by
// field, never searched for a pattern: a hello built to confuse a
// searcher is malformed here, and malformed is refused.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace moat::runtime::proxy {

struct ClientHelloScan {
  enum class Status {
    NotTls,    // the first byte is not a TLS handshake record: forward as is
    NeedMore,  // a handshake record has started; the hello is incomplete
    Malformed, // refuse
    Complete   // the whole ClientHello is here
  } status = Status::NeedMore;
  std::optional<std::string> serverName; // Complete: the host_name, raw
  std::string error;                     // Malformed: why
};

// `bytes`: everything the client has sent so far. A hello that would need
// more than `limit` bytes of records is Malformed.
ClientHelloScan scanClientHello(std::string_view bytes, size_t limit);

} // namespace moat::runtime::proxy
