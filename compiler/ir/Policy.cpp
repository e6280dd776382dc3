#include "compiler/ir/Policy.h"

namespace moat::ir {

const char *runtimeName(Runtime r) {
  switch (r) {
  case Runtime::Moat:
    return "moat";
  case Runtime::Srt:
    return "srt";
  case Runtime::Claude:
    return "claude";
  }
  return "?";
}

const char *effectName(Effect e) { return e == Effect::Allow ? "allow" : "deny"; }
const char *accessName(Access a) { return a == Access::Read ? "read" : "write"; }

const char *layerName(Layer l) {
  switch (l) {
  case Layer::Managed:
    return "managed";
  case Layer::CommandLine:
    return "command-line";
  case Layer::LocalProject:
    return "local-project";
  case Layer::SharedProject:
    return "project";
  case Layer::User:
    return "user";
  case Layer::Builtin:
    return "builtin";
  }
  return "?";
}

const char *platformName(Platform p) {
  switch (p) {
  case Platform::Any:
    return "any";
  case Platform::Linux:
    return "linux";
  case Platform::MacOS:
    return "macos";
  }
  return "?";
}

} // namespace moat::ir
