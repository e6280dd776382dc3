// The format names of `moat __cli-reference --format=...`, one renderer each.
#include "tools/moat/clidoc/CliReference.h"

namespace moat::clidoc {

bool render(const std::string &format, const CliReference &ref, llvm::raw_ostream &os) {
  if (format == "man")
    renderMan(ref, os);
  else if (format == "bash")
    renderBash(ref, os);
  else if (format == "zsh")
    renderZsh(ref, os);
  else if (format == "fish")
    renderFish(ref, os);
  else if (format == "json")
    renderJson(ref, os);
  else
    return false;
  return true;
}

const char *formatNames() { return "man, bash, zsh, fish, json"; }

} // namespace moat::clidoc
