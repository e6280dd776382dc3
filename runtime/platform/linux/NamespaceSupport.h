// Why bubblewrap could not build a sandbox on this machine, in words a user
// can act on. Read only after bubblewrap failed before the command started:
// the launcher then exits 125 and never runs the command unconfined.
#pragma once
#include <string>

namespace moat::runtime::linux_platform {

// Whether this process can create a user namespace (what bubblewrap needs
// first), tried in a short-lived child.
bool userNamespacesWork();

// Why it cannot: the likely cause and its fix ("" when nothing known
// explains it).
std::string diagnoseNamespaces();

} // namespace moat::runtime::linux_platform
