// Writing outputs atomically: a temporary file beside the target, fsync, then
// rename over it. On any failure the target is untouched and no temporary is
// left behind, so an error never leaves a partial output file.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace moat {

// Returns an error message, or nullopt on success. `mode` is used for a new
// file; an existing target keeps its permission bits.
std::optional<std::string> writeFileAtomically(const std::string &path, std::string_view contents,
                                               unsigned mode = 0644);

} // namespace moat
