#include "lint/RelativePath.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

namespace moat::lint {

namespace {

std::vector<std::string> components(std::string_view abs) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < abs.size()) {
    size_t slash = abs.find('/', i);
    size_t end = slash == std::string_view::npos ? abs.size() : slash;
    if (end > i)
      out.emplace_back(abs.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

} // namespace

std::string absoluteLexical(std::string_view path) {
  llvm::SmallString<256> p(llvm::StringRef(path.data(), path.size()));
  llvm::sys::fs::make_absolute(p);
  llvm::sys::path::remove_dots(p, /*remove_dot_dot=*/true, llvm::sys::path::Style::posix);
  return std::string(p);
}

std::string parentDirectory(std::string_view path) {
  std::string abs = absoluteLexical(path);
  llvm::StringRef parent = llvm::sys::path::parent_path(abs, llvm::sys::path::Style::posix);
  return parent.empty() ? std::string("/") : parent.str();
}

std::vector<std::string> relativeComponents(std::string_view path, std::string_view dir) {
  std::vector<std::string> p = components(path), d = components(dir);
  size_t common = 0;
  while (common < p.size() && common < d.size() && p[common] == d[common])
    ++common;
  std::vector<std::string> out(d.size() - common, "..");
  out.insert(out.end(), p.begin() + static_cast<long>(common), p.end());
  return out;
}

std::string relativePath(std::string_view path, std::string_view dir) {
  std::string out;
  for (const std::string &c : relativeComponents(path, dir))
    out += (out.empty() ? "" : "/") + c;
  return out.empty() ? "." : out;
}

} // namespace moat::lint
