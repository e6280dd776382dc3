// The values of an enum option (`cl::opt<E>` with `cl::values(...)`), which
// LLVM 14 keeps in the option's parser, out of reach through cl::Option.
#pragma once
#include "tools/moat/clidoc/CliReference.h"

namespace moat::clidoc {

// Empty for an option whose parser is not an enum parser.
std::vector<Choice> enumChoices(llvm::cl::Option &option);

} // namespace moat::clidoc
