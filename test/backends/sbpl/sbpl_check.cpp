// moat-sbpl-check PROFILE [-D NAME=VALUE]... [QUERY]...
//
// Reads a Seatbelt profile with the test reader (test/support/sbpl), which
// rejects anything outside the subset moat emits (balance, operation names,
// absolute paths, regexes that compile, no no-sandbox/lsopen/appleevent-send),
// then answers each QUERY with the profile's decision, one line each:
//
//   read PATH | write PATH | exec PATH | unlink PATH   file operations
//   socket PATH                                        unix-socket connect
//   connect HOST:PORT                                  network-outbound
//   mach NAME                                          mach-lookup
//
// printing `allow` or `deny`. Without queries it prints a summary. Exit 0,
// or 1 (with the reason on stderr) when the profile is rejected, a
// parameter the profile uses has no -D, or a query is malformed.
#include "sbpl/SbplModel.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

using namespace moat::sbpltest;

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: moat-sbpl-check PROFILE [-D NAME=VALUE]... [QUERY]...\n");
    return 1;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "moat-sbpl-check: cannot read %s\n", argv[1]);
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string error;
  auto profile = readProfile(text.str(), error);
  if (!profile) {
    std::fprintf(stderr, "moat-sbpl-check: %s\n", error.c_str());
    return 1;
  }
  std::map<std::string, std::string> params;
  int i = 2;
  for (; i + 1 < argc && std::string(argv[i]) == "-D"; i += 2) {
    std::string def = argv[i + 1];
    size_t eq = def.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "moat-sbpl-check: -D takes NAME=VALUE\n");
      return 1;
    }
    params[def.substr(0, eq)] = def.substr(eq + 1);
  }
  for (const std::string &p : profile->params)
    if (!params.count(p)) {
      std::fprintf(stderr, "moat-sbpl-check: the profile uses parameter %s: pass -D %s=VALUE\n",
                   p.c_str(), p.c_str());
      return 1;
    }
  if (i == argc) {
    std::printf("ok: %zu rules, parameters:", profile->rules.size());
    for (const std::string &p : profile->params)
      std::printf(" %s", p.c_str());
    std::printf("\n");
    return 0;
  }
  for (; i + 1 < argc; i += 2) {
    std::string kind = argv[i], value = argv[i + 1];
    Query q;
    q.value = value;
    q.subject = Query::Subject::Path;
    if (kind == "read")
      q.operation = "file-read-data";
    else if (kind == "write")
      q.operation = "file-write-data";
    else if (kind == "exec")
      q.operation = "process-exec";
    else if (kind == "unlink")
      q.operation = "file-write-unlink";
    else if (kind == "socket")
      q = Query{"network-outbound", Query::Subject::UnixSocket, value};
    else if (kind == "connect")
      q = Query{"network-outbound", Query::Subject::Ip, value};
    else if (kind == "mach")
      q = Query{"mach-lookup", Query::Subject::MachName, value};
    else {
      std::fprintf(stderr, "moat-sbpl-check: unknown query '%s'\n", kind.c_str());
      return 1;
    }
    std::printf("%s\n", allows(*profile, q, params) ? "allow" : "deny");
  }
  if (i != argc) {
    std::fprintf(stderr, "moat-sbpl-check: a query needs a value\n");
    return 1;
  }
  return 0;
}
