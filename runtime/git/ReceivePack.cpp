// Parsing a receive-pack request and answering a refused one (ReceivePack.h).
#include "runtime/git/ReceivePack.h"

#include "runtime/git/PktLine.h"

#include <algorithm>

namespace moat::runtime::git {

namespace {

bool isLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A full ref name git itself would accept (check-ref-format's rules that
// matter for matching: no blanks or control bytes, no `..`, no empty
// component, no `@{`, none of `~^:?*[\`).
bool plausibleRefName(std::string_view ref) {
  if (ref.size() < 6 || ref.substr(0, 5) != "refs/" || ref.back() == '/' || ref.back() == '.')
    return false;
  if (ref.find("..") != std::string_view::npos || ref.find("//") != std::string_view::npos ||
      ref.find("@{") != std::string_view::npos || ref.find("/.") != std::string_view::npos)
    return false;
  for (unsigned char c : ref)
    if (c <= 0x20 || c == 0x7f || c == '~' || c == '^' || c == ':' || c == '?' || c == '*' || c == '[' || c == '\\')
      return false;
  return true;
}

std::vector<std::string> splitCapabilities(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos)
      end = text.size();
    if (end > start)
      out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string sanitized(std::string_view text) {
  std::string out;
  for (unsigned char c : text)
    out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
  return out;
}

} // namespace

size_t hexIdLength(ObjectFormat format) { return format == ObjectFormat::Sha256 ? 64 : 40; }

bool isZeroId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return c == '0'; });
}

bool ReceivePackRequest::hasCapability(std::string_view name) const {
  return std::find(capabilities.begin(), capabilities.end(), name) != capabilities.end();
}

std::optional<ReceivePackRequest> parseReceivePack(std::string_view body, std::string &error) {
  std::vector<PktLine> lines;
  size_t consumed = 0;
  if (!readPktLinesToFlush(body, lines, consumed, error)) {
    error = "receive-pack commands: " + error;
    return std::nullopt;
  }
  ReceivePackRequest request;
  bool first = true;
  for (const PktLine &line : lines) {
    if (line.kind == PktLine::Kind::Flush)
      break;
    if (line.kind != PktLine::Kind::Data) {
      error = "receive-pack commands: unexpected special packet";
      return std::nullopt;
    }
    std::string_view text = chompNewline(line.payload);
    if (first) {
      size_t nul = text.find('\0');
      if (nul != std::string_view::npos) {
        request.capabilities = splitCapabilities(text.substr(nul + 1));
        text = text.substr(0, nul);
      }
      for (const std::string &cap : request.capabilities) {
        if (cap.rfind("object-format=", 0) != 0)
          continue;
        std::string_view value = std::string_view(cap).substr(14);
        if (value == "sha256")
          request.format = ObjectFormat::Sha256;
        else if (value != "sha1") {
          error = "unknown object format '" + sanitized(value) + "'";
          return std::nullopt;
        }
      }
      if (text.rfind("shallow ", 0) == 0 || text.rfind("push-cert", 0) == 0) {
        error = "pushes from shallow clones and signed pushes are not supported by the moat git proxy";
        return std::nullopt;
      }
      first = false;
    } else if (text.find('\0') != std::string_view::npos) {
      error = "receive-pack command with a NUL byte after the first";
      return std::nullopt;
    }
    size_t idLength = hexIdLength(request.format);
    if (text.size() < 2 * idLength + 3 || text[idLength] != ' ' || text[2 * idLength + 1] != ' ') {
      error = "malformed receive-pack command '" + sanitized(text) + "'";
      return std::nullopt;
    }
    RefUpdate update;
    update.oldId = std::string(text.substr(0, idLength));
    update.newId = std::string(text.substr(idLength + 1, idLength));
    update.ref = std::string(text.substr(2 * idLength + 2));
    if (!isLowerHex(update.oldId) || !isLowerHex(update.newId)) {
      error = "receive-pack command with an invalid object id: '" + sanitized(text) + "'";
      return std::nullopt;
    }
    if (!plausibleRefName(update.ref)) {
      error = "receive-pack command with an invalid ref name '" + sanitized(update.ref) + "'";
      return std::nullopt;
    }
    if (isZeroId(update.oldId) && isZeroId(update.newId)) {
      error = "receive-pack command that neither creates nor deletes '" + sanitized(update.ref) + "'";
      return std::nullopt;
    }
    request.updates.push_back(std::move(update));
  }
  if (request.updates.empty()) {
    error = "receive-pack request without commands";
    return std::nullopt;
  }
  size_t at = consumed;
  if (request.hasCapability("push-options")) {
    std::vector<PktLine> options;
    size_t optionBytes = 0;
    if (!readPktLinesToFlush(body.substr(at), options, optionBytes, error)) {
      error = "receive-pack push options: " + error;
      return std::nullopt;
    }
    at += optionBytes;
  }
  request.packOffset = at;
  return request;
}

std::string receivePackRefusalBody(const ReceivePackRequest &request,
                                   const std::vector<std::pair<std::string, std::string>> &reasons) {
  std::string report = pktLine("unpack ok\n");
  std::string progress;
  for (const RefUpdate &update : request.updates) {
    std::string why = "moat: another ref of this push was refused";
    for (const auto &[ref, reason] : reasons)
      if (ref == update.ref)
        why = "moat: " + sanitized(reason);
    report += pktLine("ng " + update.ref + " " + why + "\n");
    progress += update.ref + ": " + why + "\n";
  }
  report += kFlushPkt;
  bool sideband = request.hasCapability("side-band-64k") || request.hasCapability("side-band");
  if (!sideband)
    return report;
  // side-band packets are at most 1000 bytes in the old flavour; split.
  size_t chunk = request.hasCapability("side-band-64k") ? kMaxPktLine - 5 : 995;
  std::string out;
  for (size_t at = 0; at < progress.size(); at += chunk)
    out += pktLine("\x02" + progress.substr(at, chunk));
  for (size_t at = 0; at < report.size(); at += chunk)
    out += pktLine("\x01" + report.substr(at, chunk));
  out += kFlushPkt;
  return out;
}

} // namespace moat::runtime::git
