// One table of words per enum, shared by MoatText.cpp and YamlText.cpp.
#include "backends/convert/Keywords.h"

namespace moat::convert {

const char *keyword(ast::Effect e) { return e == ast::Effect::Allow ? "allow" : "deny"; }

const char *keyword(ast::Access a) { return a == ast::Access::Read ? "read" : "write"; }

const char *keyword(ast::Subject s) {
  switch (s) {
  case ast::Subject::Read:
    return "read";
  case ast::Subject::Write:
    return "write";
  case ast::Subject::Connect:
    return "connect";
  }
  return "?";
}

const char *keyword(ast::DefaultValue v) {
  switch (v) {
  case ast::DefaultValue::Allow:
    return "allow";
  case ast::DefaultValue::Deny:
    return "deny";
  case ast::DefaultValue::Ask:
    return "ask";
  }
  return "?";
}

const char *keyword(ast::ForbidSubject s) {
  switch (s) {
  case ast::ForbidSubject::Read:
    return "read";
  case ast::ForbidSubject::Write:
    return "write";
  case ast::ForbidSubject::Connect:
    return "connect";
  case ast::ForbidSubject::UnixSocket:
    return "unix-socket";
  }
  return "?";
}

} // namespace moat::convert
