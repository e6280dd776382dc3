#include "lint/Config.h"

#include "compiler/import/DocTree.h"
#include "compiler/net/Host.h"
#include "lint/Knowledge.h"
#include "lint/RelativePath.h"
#include "lint/Suppressions.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <cctype>
#include <cstdlib>
#include <ctime>

namespace moat::lint {

using import::DocNode;

// ---- dates ----------------------------------------------------------------

std::string CivilDate::text() const { return fmt::format("{:04}-{:02}-{:02}", year, month, day); }

std::optional<CivilDate> parseCivilDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-')
    return std::nullopt;
  auto num = [&](size_t from, size_t len, int &out) {
    out = 0;
    for (size_t i = from; i < from + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i])))
        return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  CivilDate d;
  if (!num(0, 4, d.year) || !num(5, 2, d.month) || !num(8, 2, d.day))
    return std::nullopt;
  if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1)
    return std::nullopt;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  int limit = days[d.month - 1] + (d.month == 2 && leap ? 1 : 0);
  if (d.day > limit)
    return std::nullopt;
  return d;
}

std::optional<CivilDate> todayUtc(std::string &error) {
  if (const char *env = std::getenv("MOAT_TODAY"); env && *env) {
    auto d = parseCivilDate(env);
    if (!d)
      error = fmt::format("MOAT_TODAY must be a date YYYY-MM-DD, not '{}'", env);
    return d;
  }
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  if (now == static_cast<std::time_t>(-1) || !gmtime_r(&now, &utc)) {
    error = "cannot read the current date";
    return std::nullopt;
  }
  return CivilDate{utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday};
}

// ---- lookup -----------------------------------------------------------------

std::optional<std::string> findConfigFor(std::string_view policyPath) {
  std::string dir = parentDirectory(policyPath);
  std::string cwd = absoluteLexical(".");
  for (;;) {
    std::string candidate = dir == "/" ? "/" + std::string(kConfigFileName) : dir + "/" + std::string(kConfigFileName);
    // exists(), not is_regular_file(): a directory of that name is found,
    // and then fails to load, rather than being silently passed over.
    if (llvm::sys::fs::exists(candidate)) {
      // Named relative to the working directory when beneath it, as the
      // policies on the command line usually are.
      if (cwd != "/" && candidate.compare(0, cwd.size() + 1, cwd + "/") == 0)
        return candidate.substr(cwd.size() + 1);
      return candidate;
    }
    // A repository's root ends the search: a config above it (in a shared
    // /tmp or home directory) belongs to someone else's files.
    if (dir == "/" || llvm::sys::fs::exists(dir + "/.git"))
      return std::nullopt;
    llvm::StringRef parent = llvm::sys::path::parent_path(dir, llvm::sys::path::Style::posix);
    dir = parent.empty() ? "/" : parent.str();
  }
}

const ConfigIgnore *CheckConfig::ignoreFor(std::string_view rule, std::string_view policyPath) const {
  std::vector<std::string> rel = relativeComponents(absoluteLexical(policyPath), dir);
  std::vector<std::string_view> views(rel.begin(), rel.end());
  for (const ConfigIgnore &ig : ignores) {
    if (ig.expired || ig.rule != rule || !ig.glob)
      continue;
    // Only a pattern that climbs out of the config's directory itself (a
    // leading "..") reaches policies outside it: `*` never matches "..".
    size_t patternUp = 0, pathUp = 0;
    for (const fs::ComponentGlob &c : ig.glob->components()) {
      if (!c.isLiteral() || c.literal() != "..")
        break;
      ++patternUp;
    }
    while (pathUp < rel.size() && rel[pathUp] == "..")
      ++pathUp;
    if (patternUp != pathUp)
      continue;
    if (ig.glob->matches(views, 0, /*coverDescendants=*/true))
      return &ig;
  }
  return nullptr;
}

// ---- reading ----------------------------------------------------------------

namespace {

constexpr const char *kWhere = "a .moat.yaml config";

bool hasWord(std::string_view s) {
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c)))
      return true;
  return false;
}

class ConfigReader {
public:
  ConfigReader(CheckConfig &cfg, const CivilDate &today, DiagnosticEngine &diags)
      : cfg_(cfg), today_(today), diags_(diags) {}

  void read(const DocNode &doc) {
    if (doc.kind == DocNode::Kind::Null)
      return; // an empty file (or only comments) is an empty config
    if (!import::expectObject(doc, std::string(kConfigFileName), diags_))
      return;
    import::ObjectReader top(doc, kWhere, diags_);
    if (const DocNode *n = top.get("rules"))
      readRules(*n);
    if (const DocNode *n = top.get("path-dirs"))
      readPathDirs(*n);
    if (const DocNode *n = top.get("exfil-domains"))
      readExfilDomains(*n);
    if (const DocNode *n = top.get("ignore"))
      readIgnores(*n);
    top.finish();
  }

private:
  void readRules(const DocNode &n) {
    if (!import::expectObject(n, "rules", diags_))
      return;
    for (size_t i = 0; i < n.members.size(); ++i) {
      const auto &[id, value] = n.members[i];
      SourceLoc keyLoc = i < n.keyLocs.size() ? n.keyLocs[i] : value.loc;
      if (!isSuppressibleRule(id)) {
        diags_.report(DiagKind::UnknownRuleId, keyLoc, id, suggestRule(id));
        continue;
      }
      const std::string *level = import::expectString(value, "rules." + id, diags_);
      if (!level)
        continue;
      if (*level == "off")
        cfg_.rules[id] = RuleLevel::Off;
      else if (*level == "note")
        cfg_.rules[id] = RuleLevel::Note;
      else if (*level == "warning")
        cfg_.rules[id] = RuleLevel::Warning;
      else if (*level == "error")
        cfg_.rules[id] = RuleLevel::Error;
      else
        diags_.report(DiagKind::InvalidValue, value.loc, "rules." + id,
                      fmt::format("expected off, note, warning or error, not '{}'", *level));
    }
  }

  // The directories are handed to write-path-dir, which reads them as
  // knowledge entries (lint/Knowledge.h); check them here, where the error
  // can point at the line.
  void readPathDirs(const DocNode &n) {
    auto items = import::expectStringArray(n, "path-dirs", diags_);
    if (!items)
      return;
    for (const DocNode *item : *items) {
      const std::string &dir = item->string;
      if (auto why = pathDirProblem(dir)) {
        diags_.report(DiagKind::InvalidPath, item->loc, dir, *why);
        continue;
      }
      cfg_.lint.extraPathDirs.push_back(dir);
    }
  }

  static std::optional<std::string> pathDirProblem(const std::string &dir) {
    bool rooted = false;
    for (std::string_view root : {"~/", "$CWD/", "$TMPDIR/", "/"})
      rooted |= dir.compare(0, root.size(), root) == 0;
    if (!rooted || dir == "/")
      return std::string("a $PATH directory must start with ~/, $CWD/, $TMPDIR/ or / (and not be / itself)");
    for (char c : dir) {
      if (c == ' ' || c == '\t' || c == '|' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
        return std::string("spaces, control characters and '|' are not supported in a $PATH directory");
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')
        return std::string("a $PATH directory is a literal path, not a glob");
    }
    if (dir.find('$', 1) != std::string::npos)
      return std::string("only a leading $CWD or $TMPDIR is expanded");
    for (std::string_view part : {"/./", "/../"})
      if (dir.find(part) != std::string::npos)
        return std::string("write the directory without '.' or '..' components");
    if (llvm::StringRef(dir).endswith("/.") || llvm::StringRef(dir).endswith("/.."))
      return std::string("write the directory without '.' or '..' components");
    // The same line write-path-dir builds: if lint could not read it, fail here.
    std::string line = dir + (dir.back() == '/' ? "" : "/") + " | configured";
    std::vector<PathEntry> parsed;
    std::string error;
    if (!parsePathEntries({line}, parsed, error))
      return error;
    return std::nullopt;
  }

  void readExfilDomains(const DocNode &n) {
    auto items = import::expectStringArray(n, "exfil-domains", diags_);
    if (!items)
      return;
    for (const DocNode *item : *items) {
      const std::string &text = item->string;
      std::string error;
      if (!net::parseHostPattern(text, error)) {
        diags_.report(DiagKind::InvalidHost, item->loc, net::displayHost(text), error);
        continue;
      }
      // net-exfil-domain probes a name inside a `*.` wildcard and the host
      // itself otherwise (lint/Egress.cpp): it must be one endpoint.
      std::string probe = text.rfind("*.", 0) == 0 ? "moat-probe." + text.substr(2) : text;
      if (!net::parseEndpoint(probe, 443, error)) {
        diags_.report(DiagKind::InvalidHost, item->loc, net::displayHost(text),
                      "an exfil-capable host must be a name, '*.domain' or one address (optionally with "
                      "one port): " +
                          error);
        continue;
      }
      cfg_.lint.extraExfilDomains.push_back(text);
    }
  }

  void readIgnores(const DocNode &n) {
    if (n.kind != DocNode::Kind::Array) {
      diags_.report(DiagKind::WrongType, n.loc, "ignore", "an array of ignore entries", n.kindName());
      return;
    }
    for (const DocNode &item : n.items)
      readIgnore(item);
  }

  void readIgnore(const DocNode &item) {
    if (!import::expectObject(item, "ignore[]", diags_))
      return;
    import::ObjectReader r(item, "an ignore entry", diags_);
    ConfigIgnore ig;
    ig.loc = item.loc;
    bool ok = true;
    if (const DocNode *rule = r.get("rule")) {
      if (const std::string *id = import::expectString(*rule, "rule", diags_)) {
        if (isSuppressibleRule(*id))
          ig.rule = *id;
        else {
          diags_.report(DiagKind::UnknownRuleId, rule->loc, *id, suggestRule(*id));
          ok = false;
        }
      } else {
        ok = false;
      }
    } else {
      diags_.report(DiagKind::MissingKey, item.loc, "rule", "an ignore entry");
      ok = false;
    }
    if (const DocNode *path = r.get("path")) {
      if (const std::string *text = import::expectString(*path, "path", diags_))
        ok &= readIgnorePath(*text, path->loc, ig);
      else
        ok = false;
    } else {
      diags_.report(DiagKind::MissingKey, item.loc, "path", "an ignore entry (use \"**\" for every policy)");
      ok = false;
    }
    const DocNode *reason = r.get("reason");
    if (reason) {
      if (const std::string *text = import::expectString(*reason, "reason", diags_)) {
        ig.reason = *text;
        if (!hasWord(*text)) {
          diags_.report(DiagKind::MissingReason, reason->loc, "an ignore entry needs a reason that says why");
          ok = false;
        }
      } else {
        ok = false;
      }
    } else {
      diags_.report(DiagKind::MissingReason, item.loc,
                    "an ignore entry needs a reason: add 'reason: why this is acceptable'");
      ok = false;
    }
    SourceLoc expiresLoc;
    if (const DocNode *expires = r.get("expires")) {
      expiresLoc = expires->loc;
      if (const std::string *text = import::expectString(*expires, "expires", diags_)) {
        ig.expires = parseCivilDate(*text);
        if (!ig.expires) {
          diags_.report(DiagKind::InvalidValue, expires->loc, "expires",
                        fmt::format("'{}' is not a date YYYY-MM-DD", *text));
          ok = false;
        }
      } else {
        ok = false;
      }
    }
    ok &= r.finish();
    if (!ok)
      return;
    if (ig.expires && !(today_ < *ig.expires)) {
      ig.expired = true;
      diags_.report(DiagKind::ExpiredIgnore, expiresLoc, ig.rule, ig.path, ig.expires->text(),
                    today_.text());
    }
    cfg_.ignores.push_back(std::move(ig));
  }

  bool readIgnorePath(const std::string &text, SourceLoc loc, ConfigIgnore &ig) {
    ig.path = text;
    const char *why = nullptr;
    if (text.empty())
      why = "the path is empty (use \"**\" for every policy)";
    else if (text[0] == '/')
      why = "write it relative to the directory of .moat.yaml";
    else if (text[0] == '~' || text[0] == '$')
      why = "it is relative to the directory of .moat.yaml; '~' and variables are not expanded here";
    if (why) {
      diags_.report(DiagKind::InvalidGlob, loc, text, why);
      return false;
    }
    std::vector<std::string> components;
    llvm::StringRef rest(text);
    while (!rest.empty()) {
      auto [head, tail] = rest.split('/');
      if (!head.empty() && head != ".")
        components.push_back(head.str());
      rest = tail;
    }
    if (components.empty()) {
      diags_.report(DiagKind::InvalidGlob, loc, text, "it names no file (use \"**\" for every policy)");
      return false;
    }
    std::string error;
    ig.glob = fs::PathGlob::compile(components, error);
    if (!ig.glob) {
      diags_.report(DiagKind::InvalidGlob, loc, text, error);
      return false;
    }
    return true;
  }

  CheckConfig &cfg_;
  const CivilDate &today_;
  DiagnosticEngine &diags_;
};

} // namespace

std::optional<CheckConfig> readCheckConfig(uint32_t buffer, std::string dir, const CivilDate &today,
                                           DiagnosticEngine &diags) {
  unsigned before = diags.errorCount();
  auto doc = import::readYaml(buffer, diags);
  if (!doc)
    return std::nullopt;
  CheckConfig cfg;
  cfg.file = std::string(diags.files().name(buffer));
  cfg.dir = std::move(dir);
  ConfigReader(cfg, today, diags).read(*doc);
  if (diags.errorCount() != before)
    return std::nullopt;
  return cfg;
}

std::optional<CheckConfig> loadCheckConfig(const std::string &path, const CivilDate &today,
                                           DiagnosticEngine &diags) {
  std::string error;
  auto buffer = diags.files().load(path, error);
  if (!buffer) {
    diags.report(DiagKind::FileUnreadable, SourceLoc{}, path, error);
    return std::nullopt;
  }
  return readCheckConfig(*buffer, parentDirectory(path), today, diags);
}

} // namespace moat::lint
