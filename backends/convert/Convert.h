// `moat convert`: one policy file into another of the input formats, meaning
// kept. .moat and YAML are spelled from the file's AST (the importers'
// provenance becomes comments); srt and Claude Code settings are built by
// their backends (backends/srt, backends/claude), which tighten what they
// cannot express and say so (unenforceable-rule) or refuse. Nothing here
// re-reads syntax or duplicates a backend.
#pragma once
#include "backends/Backend.h"
#include "compiler/diagnostics/Diagnostics.h"

#include <optional>
#include <string>
#include <string_view>

namespace moat::convert {

enum class Format { Moat, Yaml, Srt, Claude };

// "moat", "yaml", "srt", "claude"; nullopt for anything else.
std::optional<Format> parseFormat(std::string_view name);
// The names parseFormat accepts, for usage messages.
const char *formatNames();

// The converted text of the policy at `path`, or nullopt when an error was
// reported (then nothing may be written; a settings finding is not one:
// the runtime runs such a file too). The input must load cleanly (sema
// included) whatever the target. `options` (bindings and --define names)
// are for the srt and Claude targets, as for `moat build`.
std::optional<std::string> convertFile(const std::string &path, Format to, const backends::BuildOptions &options,
                                       DiagnosticEngine &diags);

} // namespace moat::convert
