// A fast, non-recursive estimate of how deeply a YAML text nests (and how
// long its flow collections are), run before yaml-cpp sees it. yaml-cpp's scanner buffers a whole flow collection before
// its parser looks at it (16 MiB of '[' costs ~20 s and ~4 GB), so hostile
// nesting must be refused from the raw text. The estimate follows YAML's
// lexical rules closely enough (quotes, comments, block scalars, plain
// scalars, compact `- - x` entries) that ordinary documents are measured
// about right; readYaml still checks the exact depth while building nodes.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace moat::import {

struct YamlPrescanProblem {
  enum class Kind {
    TooDeep,     // more than maxDepth collections (block or flow) open
    FlowTooLong, // an outermost flow collection longer than maxFlowBytes
  } kind;
  size_t offset; // where: the node that goes too deep / the opening bracket
};

// The first problem found, or nullopt. yaml-cpp holds every token of a flow
// collection in memory until it closes (~80 bytes per token), which is why
// a flow collection's length is capped as well as the depth.
std::optional<YamlPrescanProblem> prescanYaml(std::string_view text, unsigned maxDepth, size_t maxFlowBytes);

} // namespace moat::import
