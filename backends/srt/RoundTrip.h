// Every srt / Claude export proves itself before it is written: the
// generated text is read back through moat's own importer for that format
// (the same code `moat check` runs on such a file) and compared with the
// policy by `moat diff`'s exact procedure (verify::diffPolicies), under the
// build's root bindings, on the platforms the file is for.
//
//  * Anything looser is a defect of the exporter: it is refused
//    (backend-refused), so no file is written.
//  * Anything tighter that no earlier warning explained gets one
//    unenforceable-rule warning at the policy rule (or default, or option)
//    that allowed it, with one concrete witness.
#pragma once
#include "backends/srt/SandboxExport.h"

#include <string>

namespace moat::backends::sandbox {

// `name` names the generated text in messages. False when it refused.
bool checkRoundTrip(ExportContext &ctx, const std::string &text, const std::string &name);

} // namespace moat::backends::sandbox
