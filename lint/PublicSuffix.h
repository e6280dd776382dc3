// The Public Suffix List, compiled in at build time (scripts/gen_psl.py from
// Debian's publicsuffix; ICANN and PRIVATE sections). A public suffix is a
// name under which anyone can register their own domain: `com`, `co.uk`,
// `github.io`, `s3.amazonaws.com`, `cloudfront.net`.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace moat::lint {

struct PublicSuffix {
  std::string suffix;      // the suffix (a wildcard rule shows as "*.ck")
  bool privateSection = false;
};

// Whether `domain` (canonical: lowercase, punycode, no trailing dot) is itself
// a public suffix, by the PSL algorithm: a listed rule, a label under a
// wildcard rule (`*.ck`), or any single label (the implicit `*` rule: an
// unlisted TLD is a suffix too), unless an exception rule (`!www.ck`) names it.
std::optional<PublicSuffix> publicSuffixOf(std::string_view domain);

// A public suffix strictly beneath `domain` ("s3.amazonaws.com" beneath
// "amazonaws.com"): a wildcard over `domain` then covers names anyone can
// register too. nullopt when there is none.
std::optional<PublicSuffix> publicSuffixBelow(std::string_view domain);

// Number of rules compiled in (tests check the list is not empty).
size_t publicSuffixRuleCount();

} // namespace moat::lint
