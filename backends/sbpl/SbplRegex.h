// Globs to POSIX extended regular expressions for SBPL `(regex #"...")`
// filters. Seatbelt matches a regex against the whole absolute path, so a
// pattern's regex is anchored (`^...$`) and, because a glob that matches a
// directory covers everything beneath it, ends in the descendant closure
// `(/.*)?$`.
//
//   literal byte  escaped when it is an ERE metacharacter (. [ \ ( ) * + ? { | ^ $)
//   *             [^/]*   (a component that is only `*` is [^/]+: names are never empty)
//   ?             [^/]    (one byte: the regex is matched byte-wise, as the IR does)
//   [abc] [!a-z]  a bracket expression: a class never matches `/`, so a negated
//                 class always excludes it; members are listed so that no POSIX
//                 bracket pitfall applies (`]` first, `-` first or last, `^` never
//                 first, `[` never before `.`, `:` or `=`); a `\` member is
//                 matched by an alternative outside the brackets
//   **            (/[^/]+)*   zero or more whole components
//
// Refused (nullopt with a reason): classes with bytes outside printable
// ASCII, a negated class that excludes `\`, classes that match no byte. The
// literal `"` cannot occur in a regex literal at all (SbplText.h).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::backends::sbpl {

// One literal name with every ERE metacharacter escaped.
std::string regexLiteral(std::string_view name);

// One component in glob syntax (never "**"), matching exactly the names the
// component matches.
std::optional<std::string> regexComponent(std::string_view globComponent, std::string &why);

// "^/c1/c2...(/.*)?$" over components in glob syntax ("**" allowed).
// `descendants` adds the closure; without it only the paths themselves match.
std::optional<std::string> anchoredRegex(const std::vector<std::string> &globComponents,
                                         bool descendants, std::string &why);

// The same without the leading `^` (and without leading `**`, which an
// unanchored match already allows): matches every path that has a run of
// components matching the pattern followed by the end (or, with
// `descendants`, a descendant). A superset of what the pattern matches below
// any prefix; used to widen deny rules whose prefix is a Seatbelt parameter.
std::optional<std::string> floatingRegex(const std::vector<std::string> &globComponents,
                                         bool descendants, std::string &why);

} // namespace moat::backends::sbpl
