// See Keywords.h.
#include "compiler/ast/Keywords.h"

namespace moat::ast {

const char *keyword(Effect e) { return e == Effect::Allow ? "allow" : "deny"; }

const char *keyword(Access a) { return a == Access::Read ? "read" : "write"; }

const char *keyword(Subject s) {
  switch (s) {
  case Subject::Read:
    return "read";
  case Subject::Write:
    return "write";
  case Subject::Connect:
    return "connect";
  }
  return "?";
}

const char *keyword(DefaultValue v) {
  switch (v) {
  case DefaultValue::Allow:
    return "allow";
  case DefaultValue::Deny:
    return "deny";
  case DefaultValue::Ask:
    return "ask";
  }
  return "?";
}

const char *keyword(ForbidSubject s) {
  switch (s) {
  case ForbidSubject::Read:
    return "read";
  case ForbidSubject::Write:
    return "write";
  case ForbidSubject::Connect:
    return "connect";
  case ForbidSubject::UnixSocket:
    return "unix-socket";
  }
  return "?";
}

const char *keyword(GitPermission p) { return p == GitPermission::Delete ? "delete" : "force-push"; }

const char *keyword(GitTokenSource s) { return s == GitTokenSource::Env ? "env" : "file"; }

} // namespace moat::ast
