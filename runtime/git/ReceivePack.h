// A `git push` as the smart-HTTP POST to git-receive-pack carries it
// (gitprotocol-pack(5), "Reference Update Request and Packfile Transfer"):
// pkt-lines `OLD NEW REF` (the first with "\0" and the client's
// capabilities), a flush, the push options when the client asked for
// them, then the packfile. Parsed strictly: ids must be full lowercase hex
// of the object format's length, ref names must be full `refs/...` names,
// and anything the proxy does not understand (a push certificate, shallow
// lines, an unknown object format) is refused rather than passed on
// unread. Also the reply that refuses a push in git's own words, so that
// `git push` prints `! [remote rejected] REF (moat: why)`.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moat::runtime::git {

enum class ObjectFormat { Sha1, Sha256 };
size_t hexIdLength(ObjectFormat format); // 40 or 64

struct RefUpdate {
  std::string oldId; // all zeros: the ref is created
  std::string newId; // all zeros: the ref is deleted
  std::string ref;
};

struct ReceivePackRequest {
  std::vector<RefUpdate> updates;
  std::vector<std::string> capabilities;
  ObjectFormat format = ObjectFormat::Sha1;
  size_t packOffset = 0; // where the packfile starts in the body (== size: none)
  bool hasCapability(std::string_view name) const;
};

std::optional<ReceivePackRequest> parseReceivePack(std::string_view body, std::string &error);

bool isZeroId(std::string_view id);

// The whole push refused: a 200 reply git reads as the server's report
// ("unpack ok", then `ng REF REASON` for every update: the refused ones
// with their reason, the rest with `moat: another ref of this push was
// refused`), inside side-band 1 when the client asked for side-band(-64k),
// with the reasons also on band 2 so git prints them as `remote:` lines.
// `reasons`: ref -> why, for the refused updates. The caller answers with
// an HTTP error instead when the client asked for no report-status.
std::string receivePackRefusalBody(const ReceivePackRequest &request,
                                   const std::vector<std::pair<std::string, std::string>> &reasons);

} // namespace moat::runtime::git
