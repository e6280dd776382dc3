// Blocking byte streams for the git proxy's worker threads: a socket, or
// TLS over a socket (OpenSSL, the peer's certificate verified against the
// system's trust store, or SSL_CERT_FILE / SSL_CERT_DIR, which OpenSSL's
// default paths honour, and its name or address checked). The git proxy
// runs each client connection on a thread of its own so that nothing it
// does (reading a 100 MB push, waiting on a slow upstream) ever stalls the
// filtering proxy's one I/O thread; every socket has send and receive
// timeouts, so no thread waits forever.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

typedef struct ssl_ctx_st SSL_CTX;

namespace moat::runtime::git {

class ByteStream {
public:
  virtual ~ByteStream() = default;
  // >0 bytes read, 0 at EOF, -1 on an error or timeout.
  virtual long readSome(char *buffer, size_t size) = 0;
  virtual bool writeAll(std::string_view bytes) = 0;
};

// Makes `fd` blocking, with `timeout` on every send and receive (what every
// socket of the git proxy's worker threads runs with).
void makeBlockingWithTimeouts(int fd, std::chrono::seconds timeout);

// Takes `fd` (closed with the stream); sets its timeouts and blocking mode.
std::unique_ptr<ByteStream> socketStream(int fd, std::chrono::seconds timeout);

// A client context that verifies peers; nullptr (with `error`) on failure.
std::shared_ptr<SSL_CTX> makeVerifyingTlsContext(std::string &error);

// Wraps a connected socket in TLS and completes the handshake, verifying
// the certificate for `host` (a name, or an IP literal without brackets).
// The stream owns the socket; nullptr with `error` when anything fails,
// and then the socket is still the caller's to close.
std::unique_ptr<ByteStream> tlsStream(const std::shared_ptr<SSL_CTX> &context, int fd, const std::string &host,
                                      std::chrono::seconds timeout, std::string &error);

// Reads until `delimiter`-terminated head or `max` bytes; the bytes after
// the head stay in `rest`. nullopt on EOF, error, or a head over `max`.
class BufferedReader {
public:
  explicit BufferedReader(ByteStream &stream, std::string initial = "") : stream_(stream), buffer_(std::move(initial)) {}
  // The head up to and including "\r\n\r\n".
  std::optional<std::string> readHead(size_t max, std::string &error);
  // Exactly `n` bytes.
  bool readExact(size_t n, std::string &out, std::string &error);
  // A chunked body (RFC 9112 section 7.1), decoded, at most `max` bytes;
  // trailers are read and dropped.
  bool readChunked(size_t max, std::string &out, std::string &error);
  // Whatever is buffered now, then clears it (for relaying the rest).
  std::string takeBuffered() { return std::move(buffer_); }
  ByteStream &stream() { return stream_; }

private:
  bool fill(std::string &error);
  std::optional<std::string> readLine(size_t max, std::string &error);
  ByteStream &stream_;
  std::string buffer_;
};

// Inflates a gzip (RFC 1952) body into at most `max` bytes.
std::optional<std::string> gunzip(std::string_view body, size_t max, std::string &error);

} // namespace moat::runtime::git
