// Blocking streams, the buffered reader and gzip bodies (ByteStream.h).
#include "runtime/git/ByteStream.h"

#include "runtime/FullIo.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <zlib.h>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace moat::runtime::git {

void makeBlockingWithTimeouts(int fd, std::chrono::seconds timeout) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0)
    ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count());
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

namespace {

class SocketStream : public ByteStream {
public:
  explicit SocketStream(int fd) : fd_(fd) {}
  ~SocketStream() override { ::close(fd_); }
  long readSome(char *buffer, size_t size) override {
    while (true) {
      ssize_t n = ::recv(fd_, buffer, size, 0);
      if (n < 0 && errno == EINTR)
        continue;
      return n < 0 ? -1 : static_cast<long>(n);
    }
  }
  bool writeAll(std::string_view bytes) override { return sendAll(fd_, bytes.data(), bytes.size()); }

private:
  int fd_;
};

class TlsStream : public ByteStream {
public:
  TlsStream(SSL *ssl, int fd) : ssl_(ssl), fd_(fd) {}
  ~TlsStream() override {
    SSL_free(ssl_);
    if (fd_ >= 0)
      ::close(fd_);
  }
  // A failed handshake leaves the socket to the caller (see tlsStream).
  void disown() { fd_ = -1; }
  long readSome(char *buffer, size_t size) override {
    int n = SSL_read(ssl_, buffer, static_cast<int>(std::min<size_t>(size, 1 << 30)));
    if (n > 0)
      return n;
    int code = SSL_get_error(ssl_, n);
    ERR_clear_error();
    return code == SSL_ERROR_ZERO_RETURN ? 0 : -1;
  }
  bool writeAll(std::string_view bytes) override {
    while (!bytes.empty()) {
      int n = SSL_write(ssl_, bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), 1 << 30)));
      if (n <= 0) {
        ERR_clear_error();
        return false;
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

private:
  SSL *ssl_;
  int fd_;
};

std::string opensslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (!code)
    return "unknown TLS error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

} // namespace

std::unique_ptr<ByteStream> socketStream(int fd, std::chrono::seconds timeout) {
  makeBlockingWithTimeouts(fd, timeout);
  return std::make_unique<SocketStream>(fd);
}

std::shared_ptr<SSL_CTX> makeVerifyingTlsContext(std::string &error) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    error = opensslError();
    return nullptr;
  }
  std::shared_ptr<SSL_CTX> owned(ctx, SSL_CTX_free);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    error = "cannot load the system's trusted certificates: " + opensslError();
    return nullptr;
  }
  return owned;
}

std::unique_ptr<ByteStream> tlsStream(const std::shared_ptr<SSL_CTX> &context, int fd, const std::string &host,
                                      std::chrono::seconds timeout, std::string &error) {
  makeBlockingWithTimeouts(fd, timeout);
  SSL *ssl = SSL_new(context.get());
  if (!ssl) {
    error = opensslError();
    return nullptr;
  }
  auto stream = std::make_unique<TlsStream>(ssl, fd); // owns the SSL; the socket once connected
  unsigned char probe[16];
  bool isIp = ::inet_pton(AF_INET, host.c_str(), probe) == 1 || ::inet_pton(AF_INET6, host.c_str(), probe) == 1;
  X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
  if (isIp) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  }
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) != 1) {
    long verify = SSL_get_verify_result(ssl);
    error = verify != X509_V_OK ? std::string("certificate verification failed: ") +
                                      X509_verify_cert_error_string(verify)
                                : "TLS handshake failed: " + opensslError();
    ERR_clear_error();
    stream->disown();
    return nullptr;
  }
  if (SSL_get_verify_result(ssl) != X509_V_OK || !SSL_get0_peer_certificate(ssl)) {
    error = "the upstream presented no verifiable certificate";
    stream->disown();
    return nullptr;
  }
  return stream;
}

bool BufferedReader::fill(std::string &error) {
  char chunk[65536];
  long n = stream_.readSome(chunk, sizeof chunk);
  if (n <= 0) {
    error = n == 0 ? "the connection closed early" : "read failed or timed out";
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<std::string> BufferedReader::readHead(size_t max, std::string &error) {
  while (true) {
    size_t end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos && end + 4 <= max) {
      std::string head = buffer_.substr(0, end + 4);
      buffer_.erase(0, end + 4);
      return head;
    }
    if (end != std::string::npos || buffer_.size() > max) {
      error = "the head is larger than " + std::to_string(max) + " bytes";
      return std::nullopt;
    }
    if (!fill(error))
      return std::nullopt;
  }
}

bool BufferedReader::readExact(size_t n, std::string &out, std::string &error) {
  while (buffer_.size() < n)
    if (!fill(error))
      return false;
  out.append(buffer_, 0, n);
  buffer_.erase(0, n);
  return true;
}

std::optional<std::string> BufferedReader::readLine(size_t max, std::string &error) {
  while (true) {
    size_t end = buffer_.find("\r\n");
    if (end != std::string::npos && end <= max) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return line;
    }
    if (end != std::string::npos || buffer_.size() > max + 2) {
      error = "a chunked-body line is too long";
      return std::nullopt;
    }
    if (!fill(error))
      return std::nullopt;
  }
}

bool BufferedReader::readChunked(size_t max, std::string &out, std::string &error) {
  while (true) {
    std::optional<std::string> line = readLine(1024, error);
    if (!line)
      return false;
    std::string sizeText = line->substr(0, line->find(';'));
    while (!sizeText.empty() && (sizeText.back() == ' ' || sizeText.back() == '\t'))
      sizeText.pop_back();
    if (sizeText.empty() || sizeText.size() > 15 ||
        sizeText.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      error = "malformed chunk size";
      return false;
    }
    size_t size = std::stoull(sizeText, nullptr, 16);
    if (size == 0)
      break;
    if (size > max - out.size()) {
      error = "the request body is larger than " + std::to_string(max) + " bytes";
      return false;
    }
    if (!readExact(size, out, error))
      return false;
    std::string crlf;
    if (!readExact(2, crlf, error))
      return false;
    if (crlf != "\r\n") {
      error = "a chunk does not end in CRLF";
      return false;
    }
  }
  // Trailers, up to the blank line.
  for (int i = 0; i < 64; ++i) {
    std::optional<std::string> line = readLine(8192, error);
    if (!line)
      return false;
    if (line->empty())
      return true;
  }
  error = "too many trailer lines";
  return false;
}

std::optional<std::string> gunzip(std::string_view body, size_t max, std::string &error) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) {
    error = "zlib cannot start";
    return std::nullopt;
  }
  std::string out;
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  int status = Z_OK;
  char chunk[65536];
  while (status == Z_OK) {
    z.next_out = reinterpret_cast<Bytef *>(chunk);
    z.avail_out = sizeof chunk;
    status = inflate(&z, Z_NO_FLUSH);
    size_t produced = sizeof chunk - z.avail_out;
    if (produced > max - out.size()) {
      inflateEnd(&z);
      error = "the request body inflates to more than " + std::to_string(max) + " bytes";
      return std::nullopt;
    }
    out.append(chunk, produced);
    if (status == Z_BUF_ERROR)
      break;
  }
  bool whole = status == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  if (!whole) {
    error = "malformed gzip request body";
    return std::nullopt;
  }
  return out;
}

} // namespace moat::runtime::git
