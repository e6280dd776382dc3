// The man page's prose that no registration carries: what moat is, the exit
// status contract (DESIGN.md, "Interface contract"), its environment and
// files, where the rest of the documentation is.
#pragma once
#include "tools/moat/clidoc/CliReference.h"

namespace moat::clidoc {

std::vector<Paragraph> moatDescription();
std::vector<ProseSection> moatSections();

} // namespace moat::clidoc
