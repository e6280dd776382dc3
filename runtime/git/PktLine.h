// git's pkt-line framing (gitprotocol-common(5)): four lowercase or
// uppercase hex digits giving the length of the line including themselves,
// then the payload; "0000" is a flush, "0001" a delimiter and "0002" a
// response end (protocol v2). The git proxy reads every request body it
// decides on through this one parser, and it is strict: a length below 4
// (other than the three special packets), above 65520, or running past the
// body is an error, never a guess, so the proxy and the upstream git can
// never read a request two ways.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::runtime::git {

inline constexpr size_t kMaxPktLine = 65520; // LARGE_PACKET_MAX

struct PktLine {
  enum class Kind { Data, Flush, Delim, ResponseEnd } kind = Kind::Data;
  std::string_view payload; // Data only (a view into the parsed buffer)
};

// Reads one packet at the front of `bytes`; on success `consumed` is its
// length. nullopt with `error` for a malformed or truncated packet.
std::optional<PktLine> readPktLine(std::string_view bytes, size_t &consumed, std::string &error);

// Reads packets until (and including) the first flush; `consumed` covers
// them all. Fails when the bytes end first.
bool readPktLinesToFlush(std::string_view bytes, std::vector<PktLine> &lines, size_t &consumed,
                         std::string &error);

// Reads the whole of `bytes` as packets (a protocol v2 or upload-pack
// request); fails on anything left over.
bool readAllPktLines(std::string_view bytes, std::vector<PktLine> &lines, std::string &error);

// One data packet; the payload must be at most kMaxPktLine - 4 bytes.
std::string pktLine(std::string_view payload);
inline constexpr std::string_view kFlushPkt = "0000";

// The payload without one trailing "\n" (git's writers add it, readers drop it).
std::string_view chompNewline(std::string_view payload);

} // namespace moat::runtime::git
