#include "compiler/diagnostics/SourceFiles.h"

#include <llvm/Support/MemoryBuffer.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace moat {

namespace {
// Reads at most kMaxFileBytes + 1 bytes so that a file growing under us or a
// device that never ends (/dev/zero) cannot exhaust memory.
bool readBounded(int fd, std::string &out, size_t limit) {
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    if (n == 0)
      return true;
    out.append(chunk, static_cast<size_t>(n));
    if (out.size() > limit)
      return true;
  }
}
} // namespace

std::optional<uint32_t> SourceFiles::load(const std::string &path, std::string &error) {
  if (path.find('\0') != std::string::npos) {
    error = "path contains a NUL byte";
    return std::nullopt;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    error = std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
    ::close(fd);
    return std::nullopt;
  }
  if (static_cast<size_t>(st.st_size) > kMaxFileBytes) {
    error = "file is larger than " + std::to_string(kMaxFileBytes) + " bytes";
    ::close(fd);
    return std::nullopt;
  }
  std::string text;
  bool ok = readBounded(fd, text, kMaxFileBytes);
  int savedErrno = errno;
  ::close(fd);
  if (!ok) {
    error = std::strerror(savedErrno);
    return std::nullopt;
  }
  if (text.size() > kMaxFileBytes) {
    error = "file is larger than " + std::to_string(kMaxFileBytes) + " bytes";
    return std::nullopt;
  }
  return addBuffer(path, std::move(text));
}

uint32_t SourceFiles::addBuffer(std::string name, std::string text) {
  auto buf = llvm::MemoryBuffer::getMemBufferCopy(text, name);
  return mgr_.AddNewSourceBuffer(std::move(buf), llvm::SMLoc());
}

std::string_view SourceFiles::name(uint32_t buffer) const {
  if (buffer == 0 || buffer > mgr_.getNumBuffers())
    return {};
  llvm::StringRef id = mgr_.getMemoryBuffer(buffer)->getBufferIdentifier();
  return {id.data(), id.size()};
}

std::string_view SourceFiles::text(uint32_t buffer) const {
  if (buffer == 0 || buffer > mgr_.getNumBuffers())
    return {};
  llvm::StringRef b = mgr_.getMemoryBuffer(buffer)->getBuffer();
  return {b.data(), b.size()};
}

SourceLoc SourceFiles::locForOffset(uint32_t buffer, size_t offset) const {
  std::string_view t = text(buffer);
  if (offset > t.size())
    offset = t.size();
  return locForPointer(t.data() + offset);
}

SourceLoc SourceFiles::locForPointer(const char *ptr) const {
  llvm::SMLoc sm = llvm::SMLoc::getFromPointer(ptr);
  unsigned buf = mgr_.FindBufferContainingLoc(sm);
  if (buf == 0)
    return {};
  auto lc = mgr_.getLineAndColumn(sm, buf);
  return {buf, lc.first, lc.second};
}

llvm::SMLoc SourceFiles::toSMLoc(SourceLoc loc) const {
  if (!loc.valid() || loc.buffer > mgr_.getNumBuffers())
    return {};
  llvm::SMLoc sm = mgr_.FindLocForLineAndColumn(loc.buffer, loc.line, loc.col);
  if (!sm.isValid()) // column past the end of the line: point at its start
    sm = mgr_.FindLocForLineAndColumn(loc.buffer, loc.line, 1);
  return sm;
}

std::string_view SourceFiles::lineText(SourceLoc loc) const {
  llvm::SMLoc sm = mgr_.FindLocForLineAndColumn(loc.buffer, loc.line, 1);
  if (!sm.isValid())
    return {};
  std::string_view t = text(loc.buffer);
  size_t start = static_cast<size_t>(sm.getPointer() - t.data());
  size_t end = t.find_first_of("\r\n", start);
  return t.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

} // namespace moat
