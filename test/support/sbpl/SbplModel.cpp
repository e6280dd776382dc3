#include "SbplModel.h"

#include <fstream>
#include <regex.h>

#ifndef MOAT_SBPL_OPERATIONS_FILE
#error "MOAT_SBPL_OPERATIONS_FILE must name test/support/sbpl/sbpl-operations.txt"
#endif

namespace moat::sbpltest {

struct Regex {
  regex_t re;
  bool compiled = false;
  ~Regex() {
    if (compiled)
      regfree(&re);
  }
};

namespace {

bool startsWith(const std::string &s, const std::string &prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

class Checker {
public:
  explicit Checker(std::string &error) : error_(error) {}

  std::optional<Profile> read(std::string_view text) {
    std::string syntax;
    auto forms = parseForms(text, syntax);
    if (!forms)
      return fail(syntax);
    Profile p;
    p.forms = forms->size();
    if (forms->size() < 2 || printNode((*forms)[0]) != "(version 1)" ||
        printNode((*forms)[1]) != "(deny default)")
      return fail("a profile must start with (version 1) (deny default)");
    for (size_t i = 2; i < forms->size(); ++i) {
      auto rule = readRule((*forms)[i], p);
      if (!rule)
        return std::nullopt;
      p.rules.push_back(std::move(*rule));
    }
    return p;
  }

private:
  std::nullopt_t fail(const std::string &what) {
    error_ = what;
    return std::nullopt;
  }
  std::nullopt_t fail(const Node &at, const std::string &what) {
    error_ = "line " + std::to_string(at.line) + ": " + what + ": " + printNode(at);
    return std::nullopt;
  }

  std::optional<Rule> readRule(const Node &form, Profile &p) {
    if (form.kind != Node::Kind::List || form.items.empty() ||
        !(form.items[0].isSymbol("allow") || form.items[0].isSymbol("deny")))
      return fail(form, "expected (allow|deny OPERATION... FILTER...)");
    Rule rule;
    rule.allow = form.items[0].isSymbol("allow");
    rule.line = form.line;
    size_t i = 1;
    for (; i < form.items.size() && form.items[i].kind == Node::Kind::Symbol; ++i) {
      const std::string &op = form.items[i].text;
      if (!knownOperations().count(op))
        return fail(form, "unknown operation '" + op + "'");
      if (op == "default" || op == "lsopen" || op == "appleevent-send")
        return fail(form, "operation '" + op + "' is never allowed here");
      rule.operations.push_back(op);
    }
    if (rule.operations.empty())
      return fail(form, "a rule needs an operation");
    inDeny_ = !rule.allow;
    for (; i < form.items.size(); ++i) {
      const Node &f = form.items[i];
      if (f.isForm("with"))
        return fail(f, "modifiers are not part of the subset (no-sandbox and friends)");
      auto filter = readFilter(f, p, false);
      if (!filter)
        return std::nullopt;
      rule.filters.push_back(std::move(*filter));
    }
    for (const std::string &op : rule.operations)
      if (rule.allow && op.rfind("mach", 0) == 0 && rule.filters.empty())
        return fail(form, "an unfiltered mach-lookup allow reaches every service");
    return rule;
  }

  std::optional<PathExpr> readPath(const Node &n, Profile &p) {
    PathExpr e;
    auto param = [&](const Node &x) -> bool {
      if (!x.isForm("param") || x.items.size() != 2 || x.items[1].kind != Node::Kind::String ||
          x.items[1].text.empty())
        return false;
      e.pieces.push_back({true, x.items[1].text});
      p.params.insert(x.items[1].text);
      return true;
    };
    if (n.kind == Node::Kind::String) {
      if (n.text.empty() || n.text[0] != '/')
        return fail(n, "a path must be absolute");
      e.pieces.push_back({false, n.text});
      return e;
    }
    if (param(n))
      return e;
    if (n.isForm("string-append") && n.items.size() >= 3 && param(n.items[1])) {
      for (size_t i = 2; i < n.items.size(); ++i) {
        const Node &s = n.items[i];
        if (s.kind != Node::Kind::String || s.text.empty() || s.text[0] != '/')
          return fail(n, "string-append continues a parameter with \"/...\" strings only");
        e.pieces.push_back({false, s.text});
      }
      return e;
    }
    return fail(n, "expected a path string, (param ...) or (string-append (param ...) \"/...\")");
  }

  std::optional<Filter> readRegex(const Node &f, Filter::Kind kind) {
    if (f.items.size() != 2 || f.items[1].kind != Node::Kind::Regex)
      return fail(f, "expected one #\"...\" regex");
    Filter out;
    out.kind = kind;
    out.text = f.items[1].text;
    if (out.text.empty() || (out.text[0] != '^' && !inDeny_))
      return fail(f, "an unanchored regex may only widen a deny rule");
    auto re = std::make_shared<Regex>();
    if (regcomp(&re->re, out.text.c_str(), REG_EXTENDED | REG_NOSUB) != 0)
      return fail(f, "regex does not compile as POSIX ERE");
    re->compiled = true;
    out.regex = std::move(re);
    return out;
  }

  std::optional<Filter> readFilter(const Node &f, Profile &p, bool socket) {
    if (f.kind != Node::Kind::List || f.items.empty() || f.items[0].kind != Node::Kind::Symbol)
      return fail(f, "expected a filter");
    const std::string &head = f.items[0].text;
    Filter out;
    auto one = [&](Filter::Kind kind) -> std::optional<Filter> {
      if (f.items.size() != 2)
        return fail(f, "expected exactly one argument");
      auto path = readPath(f.items[1], p);
      if (!path)
        return std::nullopt;
      out.kind = kind;
      out.path = std::move(*path);
      return out;
    };
    auto text = [&](Filter::Kind kind) -> std::optional<Filter> {
      if (f.items.size() != 2 || f.items[1].kind != Node::Kind::String || f.items[1].text.empty())
        return fail(f, "expected one non-empty string");
      out.kind = kind;
      out.text = f.items[1].text;
      return out;
    };
    if (socket) {
      if (head == "path-literal")
        return one(Filter::Kind::PathLiteral);
      if (head == "path-regex")
        return readRegex(f, Filter::Kind::PathRegex);
      return fail(f, "expected path-literal or path-regex inside (remote unix-socket ...)");
    }
    if (head == "literal")
      return one(Filter::Kind::Literal);
    if (head == "subpath")
      return one(Filter::Kind::Subpath);
    if (head == "prefix")
      return one(Filter::Kind::Prefix);
    if (head == "regex")
      return readRegex(f, Filter::Kind::Regex);
    if (head == "require-all" || head == "require-any" || head == "require-not") {
      out.kind = head == "require-all"   ? Filter::Kind::RequireAll
                 : head == "require-any" ? Filter::Kind::RequireAny
                                         : Filter::Kind::RequireNot;
      if (f.items.size() < 2 || (out.kind == Filter::Kind::RequireNot && f.items.size() != 2))
        return fail(f, "wrong number of filters");
      bool outer = inDeny_;
      if (out.kind == Filter::Kind::RequireNot)
        inDeny_ = !inDeny_; // a negated widening would narrow
      for (size_t i = 1; i < f.items.size(); ++i) {
        auto child = readFilter(f.items[i], p, false);
        if (!child)
          return std::nullopt;
        out.children.push_back(std::move(*child));
      }
      inDeny_ = outer;
      return out;
    }
    if (head == "remote" || head == "local") {
      if (f.items.size() != 3 || f.items[1].kind != Node::Kind::Symbol)
        return fail(f, "expected (" + head + " ip \"...\") or (remote unix-socket ...)");
      if (f.items[1].text == "ip") {
        if (f.items[2].kind != Node::Kind::String)
          return fail(f, "expected an address string");
        const std::string &spec = f.items[2].text;
        // Seatbelt takes only `localhost` or `*` as host; we emit localhost.
        if (!startsWith(spec, "localhost:") || spec.size() == 10)
          return fail(f, "expected \"localhost:PORT\"");
        std::string port = spec.substr(10);
        bool digits = port.find_first_not_of("0123456789") == std::string::npos;
        if (!(port == "*" && head == "local") && !(digits && port.size() <= 5 && std::stoi(port) >= 1 &&
                                                   std::stoi(port) <= 65535))
          return fail(f, "bad port");
        out.kind = head == "remote" ? Filter::Kind::RemoteIp : Filter::Kind::LocalIp;
        out.text = spec;
        return out;
      }
      if (head == "remote" && f.items[1].text == "unix-socket") {
        auto child = readFilter(f.items[2], p, true);
        if (!child)
          return std::nullopt;
        out.kind = Filter::Kind::UnixSocket;
        out.children.push_back(std::move(*child));
        return out;
      }
      return fail(f, "unknown network filter");
    }
    if (head == "global-name")
      return text(Filter::Kind::GlobalName);
    if (head == "global-name-prefix")
      return text(Filter::Kind::GlobalNamePrefix);
    if (head == "target") {
      if (f.items.size() != 2 || !f.items[1].isSymbol("same-sandbox"))
        return fail(f, "expected (target same-sandbox)");
      out.kind = Filter::Kind::Target;
      out.text = "same-sandbox";
      return out;
    }
    return fail(f, "unknown filter '" + head + "'");
  }

  std::string &error_;
  bool inDeny_ = false;
};

bool covers(const std::string &ruleOp, const std::string &queryOp) {
  if (ruleOp == queryOp)
    return true;
  if (!ruleOp.empty() && ruleOp.back() == '*')
    return startsWith(queryOp, ruleOp.substr(0, ruleOp.size() - 1));
  return false;
}

bool regexMatches(const Regex &re, const std::string &s) {
  return regexec(&re.re, s.c_str(), 0, nullptr, 0) == 0;
}

struct Matcher {
  const Query &q;
  const std::map<std::string, std::string> &params;
  bool missing = false;

  std::optional<std::string> value(const PathExpr &e) {
    auto v = e.value(params);
    if (!v)
      missing = true;
    return v;
  }

  bool match(const Filter &f) {
    using K = Filter::Kind;
    switch (f.kind) {
    case K::Literal:
    case K::Subpath:
    case K::Prefix:
    case K::Regex:
      if (q.subject != Query::Subject::Path)
        return false;
      return pathMatch(f, q.value);
    case K::PathLiteral:
    case K::PathRegex:
      return pathMatch(f, q.value);
    case K::RequireAll:
      for (const Filter &c : f.children)
        if (!match(c))
          return false;
      return true;
    case K::RequireAny:
      for (const Filter &c : f.children)
        if (match(c))
          return true;
      return false;
    case K::RequireNot:
      return !match(f.children[0]);
    case K::RemoteIp:
    case K::LocalIp:
      if (q.subject != Query::Subject::Ip)
        return false;
      if (f.text == "localhost:*")
        return startsWith(q.value, "localhost:");
      return q.value == f.text;
    case K::UnixSocket:
      return q.subject == Query::Subject::UnixSocket && match(f.children[0]);
    case K::GlobalName:
      return q.subject == Query::Subject::MachName && q.value == f.text;
    case K::GlobalNamePrefix:
      return q.subject == Query::Subject::MachName && startsWith(q.value, f.text);
    case K::Target:
      return q.subject == Query::Subject::Signal && q.value == f.text;
    }
    return false;
  }

  bool pathMatch(const Filter &f, const std::string &path) {
    using K = Filter::Kind;
    if (f.kind == K::Regex || f.kind == K::PathRegex)
      return regexMatches(*f.regex, path);
    auto v = value(f.path);
    if (!v)
      return false;
    switch (f.kind) {
    case K::Literal:
    case K::PathLiteral:
      return path == *v;
    case K::Prefix:
      return startsWith(path, *v);
    case K::Subpath:
      // The path itself and everything beneath it, component-wise.
      if (!v->empty() && v->back() == '/')
        return startsWith(path, *v);
      return path == *v || startsWith(path, *v + "/");
    default:
      return false;
    }
  }
};

} // namespace

const std::set<std::string> &knownOperations() {
  static const std::set<std::string> ops = [] {
    std::set<std::string> out;
    std::ifstream in(MOAT_SBPL_OPERATIONS_FILE);
    std::string line;
    while (std::getline(in, line)) {
      line = line.substr(0, line.find('#'));
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.pop_back();
      if (!line.empty())
        out.insert(line);
    }
    return out;
  }();
  return ops;
}

std::optional<std::string> PathExpr::value(const std::map<std::string, std::string> &params) const {
  std::string out;
  for (const Piece &p : pieces) {
    if (!p.param) {
      out += p.text;
      continue;
    }
    auto it = params.find(p.text);
    if (it == params.end())
      return std::nullopt;
    out += it->second;
  }
  return out;
}

std::optional<Profile> readProfile(std::string_view text, std::string &error) {
  if (knownOperations().empty()) {
    error = "cannot read the operation list " MOAT_SBPL_OPERATIONS_FILE;
    return std::nullopt;
  }
  return Checker(error).read(text);
}

bool allows(const Profile &profile, const Query &query,
            const std::map<std::string, std::string> &params, bool *missing) {
  Matcher m{query, params};
  bool allowed = false; // (deny default)
  for (const Rule &rule : profile.rules) {
    bool applies = false;
    for (const std::string &op : rule.operations)
      applies |= covers(op, query.operation);
    if (!applies)
      continue;
    bool hit = rule.filters.empty();
    for (const Filter &f : rule.filters)
      if (m.match(f)) {
        hit = true;
        break;
      }
    if (hit)
      allowed = rule.allow;
  }
  if (missing)
    *missing = m.missing;
  return allowed;
}

bool allowsPath(const Profile &profile, const std::string &operation, const std::string &path,
                const std::map<std::string, std::string> &params) {
  return allows(profile, Query{operation, Query::Subject::Path, path}, params);
}

bool allowsUnixSocket(const Profile &profile, const std::string &path,
                      const std::map<std::string, std::string> &params) {
  return allows(profile, Query{"network-outbound", Query::Subject::UnixSocket, path}, params);
}

std::vector<const PathExpr *> pathStrings(const Profile &profile) {
  std::vector<const PathExpr *> out;
  std::vector<const Filter *> stack;
  for (const Rule &r : profile.rules) {
    for (auto it = r.filters.rbegin(); it != r.filters.rend(); ++it)
      stack.push_back(&*it);
    while (!stack.empty()) {
      const Filter *f = stack.back();
      stack.pop_back();
      if (!f->path.pieces.empty())
        out.push_back(&f->path);
      for (auto it = f->children.rbegin(); it != f->children.rend(); ++it)
        stack.push_back(&*it);
    }
  }
  return out;
}

} // namespace moat::sbpltest
