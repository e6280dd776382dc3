// Reading a pushed pack's commits and proving a fast-forward (PackProof.h).
#include "runtime/git/PackProof.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <deque>
#include <set>
#include <unordered_map>
#include <vector>

namespace moat::runtime::git {

namespace {

constexpr int kCommit = 1, kTree = 2, kBlob = 3, kTag = 4, kOfsDelta = 6, kRefDelta = 7;

std::string toHex(const unsigned char *bytes, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 0xf];
  }
  return out;
}

// Inflates one zlib stream at `in` that must produce exactly `size` bytes.
// `keep`: the bytes are wanted (into `out`); otherwise they are counted
// through a scratch buffer and dropped. `consumed`: compressed length.
bool inflateObject(std::string_view in, size_t size, bool keep, std::string &out, size_t &consumed,
                   std::string &error) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) {
    error = "zlib cannot start";
    return false;
  }
  unsigned char scratch[16384];
  if (keep)
    out.assign(size, '\0');
  size_t produced = 0;
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
  z.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), 1u << 30));
  int status = Z_OK;
  while (status == Z_OK) {
    // One byte of room past `size`, so an object longer than declared is caught.
    unsigned char extra = 0;
    if (keep && produced < size) {
      z.next_out = reinterpret_cast<Bytef *>(&out[produced]);
      z.avail_out = static_cast<uInt>(std::min<size_t>(size - produced, 1u << 30));
    } else if (keep) {
      z.next_out = &extra;
      z.avail_out = 1;
    } else {
      z.next_out = scratch;
      z.avail_out = sizeof scratch;
    }
    uInt before = z.avail_out;
    status = inflate(&z, Z_NO_FLUSH);
    produced += before - z.avail_out;
    if (produced > size) {
      status = Z_DATA_ERROR;
      break;
    }
    if (status == Z_BUF_ERROR && z.avail_in == 0)
      break; // truncated
  }
  consumed = static_cast<size_t>(z.total_in);
  inflateEnd(&z);
  if (status != Z_STREAM_END || produced != size) {
    error = "an object's compressed data is malformed or does not match its size";
    return false;
  }
  return true;
}

bool readVarint(std::string_view delta, size_t &at, size_t &value) {
  value = 0;
  unsigned shift = 0;
  while (true) {
    if (at >= delta.size() || shift > 56)
      return false;
    unsigned char c = static_cast<unsigned char>(delta[at++]);
    value |= static_cast<size_t>(c & 0x7f) << shift;
    shift += 7;
    if (!(c & 0x80))
      return true;
  }
}

struct Entry {
  int type = 0;
  size_t size = 0;
  size_t baseOffset = 0; // OFS_DELTA
  std::string baseId;    // REF_DELTA (hex)
  bool kept = false;     // data holds the inflated bytes
  std::string data;
};

} // namespace

std::string objectId(ObjectFormat format, std::string_view type, std::string_view content) {
  std::string header = std::string(type) + " " + std::to_string(content.size()) + std::string(1, '\0');
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestInit_ex(ctx, format == ObjectFormat::Sha256 ? EVP_sha256() : EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, header.data(), header.size());
  EVP_DigestUpdate(ctx, content.data(), content.size());
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  return toHex(digest, length);
}

std::optional<std::string> applyDelta(std::string_view base, std::string_view delta, std::string &error) {
  size_t at = 0, baseSize = 0, resultSize = 0;
  if (!readVarint(delta, at, baseSize) || !readVarint(delta, at, resultSize) || baseSize != base.size() ||
      resultSize > kMaxCommitBytes) {
    error = "a delta's header does not match its base";
    return std::nullopt;
  }
  std::string out;
  out.reserve(resultSize);
  while (at < delta.size()) {
    unsigned char op = static_cast<unsigned char>(delta[at++]);
    if (op & 0x80) {
      size_t offset = 0, length = 0;
      for (int i = 0; i < 4; ++i)
        if (op & (1u << i)) {
          if (at >= delta.size())
            return error = "truncated delta copy", std::nullopt;
          offset |= static_cast<size_t>(static_cast<unsigned char>(delta[at++])) << (8 * i);
        }
      for (int i = 0; i < 3; ++i)
        if (op & (0x10u << i)) {
          if (at >= delta.size())
            return error = "truncated delta copy", std::nullopt;
          length |= static_cast<size_t>(static_cast<unsigned char>(delta[at++])) << (8 * i);
        }
      if (length == 0)
        length = 0x10000;
      if (offset > base.size() || length > base.size() - offset || out.size() + length > resultSize)
        return error = "a delta copies outside its base", std::nullopt;
      out.append(base.substr(offset, length));
    } else if (op != 0) {
      if (op > delta.size() - at || out.size() + op > resultSize)
        return error = "truncated delta insert", std::nullopt;
      out.append(delta.substr(at, op));
      at += op;
    } else {
      return error = "a delta uses the reserved opcode 0", std::nullopt;
    }
  }
  if (out.size() != resultSize)
    return error = "a delta's result does not match its declared size", std::nullopt;
  return out;
}

std::optional<PackCommits> PackCommits::read(std::string_view pack, ObjectFormat format, std::string &error) {
  size_t idBytes = hexIdLength(format) / 2;
  if (pack.size() < 12 + idBytes || pack.substr(0, 4) != "PACK") {
    error = "the push carries no packfile";
    return std::nullopt;
  }
  auto be32 = [&](size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(pack[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(pack[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(pack[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(pack[at + 3]));
  };
  uint32_t version = be32(4), count = be32(8);
  if (version != 2 && version != 3) {
    error = "unsupported packfile version " + std::to_string(version);
    return std::nullopt;
  }
  // Every object takes at least two bytes (header and some zlib stream).
  if (count > pack.size() / 2) {
    error = "the packfile's object count exceeds its size";
    return std::nullopt;
  }
  std::string_view objects = pack.substr(0, pack.size() - idBytes); // the trailer is a checksum
  std::unordered_map<size_t, size_t> byOffset;                       // offset -> index
  std::vector<Entry> entries;
  entries.reserve(count);
  size_t keptBytes = 0;
  size_t at = 12;
  for (uint32_t n = 0; n < count; ++n) {
    size_t start = at;
    if (at >= objects.size()) {
      error = "the packfile ends before its last object";
      return std::nullopt;
    }
    unsigned char c = static_cast<unsigned char>(objects[at++]);
    Entry entry;
    entry.type = (c >> 4) & 7;
    entry.size = c & 15;
    unsigned shift = 4;
    while (c & 0x80) {
      if (at >= objects.size() || shift > 57) {
        error = "malformed object header in the packfile";
        return std::nullopt;
      }
      c = static_cast<unsigned char>(objects[at++]);
      entry.size |= static_cast<size_t>(c & 0x7f) << shift;
      shift += 7;
    }
    if (entry.type == kOfsDelta) {
      if (at >= objects.size())
        return error = "malformed delta offset", std::nullopt;
      c = static_cast<unsigned char>(objects[at++]);
      size_t back = c & 0x7f;
      while (c & 0x80) {
        if (at >= objects.size() || back > (SIZE_MAX >> 8))
          return error = "malformed delta offset", std::nullopt;
        c = static_cast<unsigned char>(objects[at++]);
        back = ((back + 1) << 7) | (c & 0x7f);
      }
      if (back == 0 || back > start || byOffset.count(start - back) == 0)
        return error = "a delta's base offset names no object", std::nullopt;
      entry.baseOffset = start - back;
    } else if (entry.type == kRefDelta) {
      if (objects.size() - at < idBytes)
        return error = "truncated delta base id", std::nullopt;
      entry.baseId = toHex(reinterpret_cast<const unsigned char *>(objects.data() + at), idBytes);
      at += idBytes;
    } else if (entry.type != kCommit && entry.type != kTree && entry.type != kBlob && entry.type != kTag) {
      error = "unknown object type " + std::to_string(entry.type) + " in the packfile";
      return std::nullopt;
    }
    // Commits and deltas are kept (a delta may turn out to be a commit);
    // trees, blobs and tags are only checked and dropped.
    bool keep = entry.type == kCommit || entry.type == kOfsDelta || entry.type == kRefDelta;
    if (keep && entry.size > kMaxCommitBytes - keptBytes)
      keep = false; // too much to keep: whatever it is, it cannot serve as proof
    size_t used = 0;
    if (!inflateObject(objects.substr(at), entry.size, keep, entry.data, used, error))
      return std::nullopt;
    at += used;
    entry.kept = keep;
    if (keep)
      keptBytes += entry.size;
    byOffset[start] = entries.size();
    entries.push_back(std::move(entry));
  }
  if (at != objects.size()) {
    error = "bytes after the packfile's last object";
    return std::nullopt;
  }

  // Resolve: the type of a delta is its chain's base type. Non-delta
  // objects' ids are needed only for REF_DELTA bases, and only commits can
  // be bases of commits, so only commits are hashed.
  PackCommits result;
  result.format_ = format;
  std::vector<int> resolvedType(entries.size(), 0);
  std::vector<std::string> content(entries.size());
  std::unordered_map<std::string, size_t> commitIndex; // id -> entry, for REF_DELTA
  std::vector<size_t> pending;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].type == kCommit) {
      resolvedType[i] = kCommit;
      content[i] = std::move(entries[i].data);
      std::string id = objectId(format, "commit", content[i]);
      commitIndex[id] = i;
    } else if (entries[i].type == kOfsDelta || entries[i].type == kRefDelta) {
      pending.push_back(i);
    } else {
      resolvedType[i] = entries[i].type;
    }
  }
  // Deltas resolve in rounds: each round resolves those whose base is now
  // known; a round that resolves nothing ends it (bases outside the pack,
  // or not commits). At most kMaxDeltaDepth rounds.
  for (size_t round = 0; round < kMaxDeltaDepth && !pending.empty(); ++round) {
    std::vector<size_t> still;
    bool progress = false;
    for (size_t i : pending) {
      Entry &entry = entries[i];
      std::optional<size_t> base;
      if (entry.type == kOfsDelta)
        base = byOffset.at(entry.baseOffset);
      else if (auto found = commitIndex.find(entry.baseId); found != commitIndex.end())
        base = found->second;
      if (!base || resolvedType[*base] == 0) {
        still.push_back(i);
        continue;
      }
      progress = true;
      resolvedType[i] = resolvedType[*base];
      if (resolvedType[i] != kCommit || !entry.kept)
        continue;
      std::string deltaError;
      std::optional<std::string> applied = applyDelta(content[*base], entry.data, deltaError);
      if (!applied) {
        error = deltaError;
        return std::nullopt;
      }
      content[i] = std::move(*applied);
      commitIndex[objectId(format, "commit", content[i])] = i;
    }
    pending.swap(still);
    if (!progress)
      break;
  }
  for (const auto &[id, index] : commitIndex)
    result.commits_[id] = std::move(content[index]);
  return result;
}

bool PackCommits::proves(const std::string &ancestor, const std::string &descendant, std::string &why) const {
  if (ancestor == descendant)
    return true;
  size_t idLength = hexIdLength(format_);
  std::set<std::string> seen{descendant};
  std::deque<std::string> queue{descendant};
  while (!queue.empty()) {
    std::string id = queue.front();
    queue.pop_front();
    auto found = commits_.find(id);
    if (found == commits_.end())
      continue; // not in the pack: a dead end
    std::string_view text = found->second;
    // The header runs to the first blank line; parents follow the tree.
    size_t lineStart = 0;
    while (lineStart < text.size()) {
      size_t lineEnd = text.find('\n', lineStart);
      if (lineEnd == std::string_view::npos || lineEnd == lineStart)
        break;
      std::string_view line = text.substr(lineStart, lineEnd - lineStart);
      lineStart = lineEnd + 1;
      if (line.rfind("parent ", 0) != 0)
        continue;
      std::string parent(line.substr(7));
      if (parent.size() != idLength) {
        why = "a pushed commit has a malformed parent line";
        return false;
      }
      if (parent == ancestor)
        return true;
      if (seen.insert(parent).second)
        queue.push_back(parent);
    }
  }
  why = commits_.count(descendant) ? "the new commit does not descend from the old one (history rewritten)"
                                    : "the new commit is not in the pushed pack, so its history cannot be checked";
  return false;
}

} // namespace moat::runtime::git
