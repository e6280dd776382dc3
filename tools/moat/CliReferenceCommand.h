// `moat __cli-reference --format=man|bash|zsh|fish|json [-o FILE]`: the
// man page, the shell completions and their JSON, from the registry that
// --help reads. Hidden: the build runs it to make the installed files.
#pragma once

namespace moat::cli {

int cliReferenceMain(int argc, char **argv);

} // namespace moat::cli
