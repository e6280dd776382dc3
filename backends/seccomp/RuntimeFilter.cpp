#include "backends/seccomp/RuntimeFilter.h"

#include "backends/seccomp/FilterCheck.h"
#include "backends/seccomp/UnixSockets.h"

namespace moat::backends::seccomp {

std::optional<RuntimeFilter> buildRuntimeFilter(const ir::Policy &policy, std::string &error) {
  RuleOptions options;
  switch (unixSocketsAllowed(policy).scope) {
  case UnixSocketScope::None: options.unixSockets = UnixSocketMode::RefuseAll; break;
  case UnixSocketScope::SomePaths: options.unixSockets = UnixSocketMode::BrokerConnect; break;
  case UnixSocketScope::AllPaths: options.unixSockets = UnixSocketMode::AllowAll; break;
  }
  std::optional<Filter> filter = buildCheckedFilter(options, error);
  if (!filter)
    return std::nullopt;
  return RuntimeFilter{std::move(*filter), options.unixSockets == UnixSocketMode::BrokerConnect};
}

} // namespace moat::backends::seccomp
