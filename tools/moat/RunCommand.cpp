// moat run [--policy=FILE] [--managed=FILE] [--user=FILE] [--log=FILE]
//          [--allow-write=PATH]... [--allow-connect=HOST]... [--deny-read=PATH]...
//          [--define NAME=PATH]... [--upstream-proxy=URL] [--verbose] -- CMD [ARG...]
// Builds the effective policy (the flags are the command-line layer, under
// the managed layer and above the project's: docs/managed.md) and hands it
// to the platform's launcher (runtime/). Exit status: the command's, or 125
// when moat could not confine it (nothing ran), 126/127 as env(1).
#include "Cli.h"
#include "EffectivePolicy.h"
#include "Subcommands.h"

#include "compiler/layers/Layers.h"
#include "runtime/Launch.h"
#include "runtime/proxy/ProxyServer.h"

#include <llvm/Support/raw_ostream.h>

#include <unistd.h>

namespace moat::cli {

llvm::cl::SubCommand RunSub("run", "Run a command inside the sandbox a policy describes");
std::vector<std::string> RunCommandArgs;

namespace {
llvm::cl::opt<std::string> PolicyOpt("policy", llvm::cl::desc("The project policy (.moat, YAML, srt or Claude Code settings)"),
                                     llvm::cl::value_desc("FILE"), llvm::cl::sub(RunSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> ManagedOpt("managed", llvm::cl::desc("A managed policy that layers over everything"),
                                      llvm::cl::value_desc("FILE"), llvm::cl::sub(RunSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> UserOpt("user", llvm::cl::desc("The user layer (docs/managed.md)"),
                                   llvm::cl::value_desc("FILE"), llvm::cl::sub(RunSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> LogOpt("log", llvm::cl::desc("Append every decision as a JSON line to FILE"),
                                  llvm::cl::value_desc("FILE"), llvm::cl::sub(RunSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> AllowWrite("allow-write", llvm::cl::desc("Also allow writing PATH (and beneath)"),
                                       llvm::cl::value_desc("PATH"), llvm::cl::sub(RunSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> AllowConnect("allow-connect", llvm::cl::desc("Also allow connecting to HOST[:PORT]"),
                                         llvm::cl::value_desc("HOST"), llvm::cl::sub(RunSub),
                                         llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> DenyRead("deny-read", llvm::cl::desc("Also hide PATH (and beneath)"),
                                     llvm::cl::value_desc("PATH"), llvm::cl::sub(RunSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Defines("define", llvm::cl::desc("Bind a root or variable: NAME=/abs/path"),
                                    llvm::cl::sub(RunSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> UpstreamProxyOpt(
    "upstream-proxy",
    llvm::cl::desc("Send allowed traffic on through this proxy: http://, socks5:// or socks5h://HOST:PORT "
                   "(credentials from MOAT_UPSTREAM_PROXY_USER and MOAT_UPSTREAM_PROXY_PASSWORD)"),
    llvm::cl::value_desc("URL"), llvm::cl::sub(RunSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<bool> Verbose("verbose", llvm::cl::desc("Show what the sandbox tightened (the plan's warnings)"),
                            llvm::cl::sub(RunSub), llvm::cl::cat(MoatCategory));

// A flag's value as a .moat string; nullopt for control characters, which
// no path or host name needs and which would make the layer unreadable.
std::optional<std::string> quoted(const std::string &value) {
  std::string out = "\"";
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return std::nullopt;
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

// A relative path names a file under the launch directory.
std::string absolutePath(const std::string &path, const eval::Bindings &bindings) {
  if (path.empty() || path[0] == '/' || path[0] == '~' || path[0] == '$')
    return path;
  auto cwd = bindings.lookup("CWD");
  return cwd ? *cwd + "/" + path : path;
}

// The command-line layer as .moat text ("" when no flag adds to it).
std::optional<std::string> commandLineLayer(const eval::Bindings &bindings) {
  std::string body;
  auto add = [&](const char *statement, const std::string &value) {
    auto q = quoted(value);
    if (!q) {
      llvm::errs() << "moat: error: '" << statement << "' value has a control character\n";
      return false;
    }
    body += std::string("  ") + statement + " " + *q + ";\n";
    return true;
  };
  for (const std::string &p : AllowWrite)
    if (!add("allow write", absolutePath(p, bindings)))
      return std::nullopt;
  for (const std::string &p : DenyRead)
    if (!add("deny read", absolutePath(p, bindings)))
      return std::nullopt;
  for (const std::string &h : AllowConnect)
    if (!add("allow connect", h))
      return std::nullopt;
  if (body.empty())
    return std::string();
  return "policy \"command line\" {\n" + body + "}\n";
}

// Diagnostics from index `from` on: errors and managed violations always,
// the plan's warnings (what it tightened) with --verbose. Returns the index to go on from.
size_t printFrom(DiagnosticEngine &diags, size_t from) {
  DiagnosticEngine shown(diags.files());
  for (size_t i = from; i < diags.diagnostics().size(); ++i) {
    const Diagnostic &d = diags.diagnostics()[i];
    // A layer's statement the managed policy dropped (a --allow-* flag
    // among them) is always shown: the user asked for it and does not get it.
    if (Verbose || d.severity == Severity::Error || d.id == layers::kManagedViolationId)
      shown.add(d);
  }
  printDiagnostics(shown, llvm::errs());
  return diags.diagnostics().size();
}
} // namespace

int runRun() {
  if (RunCommandArgs.empty()) {
    llvm::errs() << "moat: error: usage: moat run [--policy=FILE] [--log=FILE] [--allow-write=PATH]... "
                    "[--allow-connect=HOST]... [--deny-read=PATH]... -- CMD [ARG...]\n";
    return runtime::kExitLaunchFailed;
  }
  std::optional<runtime::proxy::UpstreamProxy> upstream;
  if (UpstreamProxyOpt.getNumOccurrences()) {
    std::string error;
    upstream = runtime::proxy::configureUpstreamProxy(UpstreamProxyOpt, runtime::proxy::systemResolve, error);
    if (!upstream) {
      llvm::errs() << "moat: error: --upstream-proxy: " << error << "\n";
      return runtime::kExitLaunchFailed;
    }
  }
  eval::Bindings bindings = eval::Bindings::fromEnvironment();
  if (!applyDefines(Defines, bindings))
    return runtime::kExitLaunchFailed;
  auto layer = commandLineLayer(bindings);
  if (!layer)
    return runtime::kExitLaunchFailed;
  SourceFiles files;
  DiagnosticEngine diags(files);
  LayerFiles layerFiles;
  layerFiles.managed = ManagedOpt;
  layerFiles.project = PolicyOpt;
  layerFiles.user = UserOpt;
  // With no policy at all, the language's defaults and the built-in
  // protections confine the command.
  layerFiles.commandLine = PolicyOpt.empty() && layer->empty() ? "policy \"command line\" {}\n" : *layer;
  std::optional<ir::Policy> policy = loadEffectivePolicy(layerFiles, bindings, diags);
  if (!policy) {
    printFrom(diags, 0);
    return runtime::kExitLaunchFailed;
  }
  runtime::LaunchRequest request;
  request.policy = &*policy;
  request.bindings = bindings;
  request.command = RunCommandArgs;
  request.logPath = LogOpt;
  request.upstreamProxy = std::move(upstream);
  size_t printed = 0;
  request.beforeStart = [&] { printed = printFrom(diags, printed); };
  int status = runtime::launch(request, diags);
  printFrom(diags, printed); // why the launch failed, if it did
  return status;
}

} // namespace moat::cli
