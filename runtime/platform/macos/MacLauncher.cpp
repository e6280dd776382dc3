// `moat run` on macOS: the order of events around the plan that
// runtime/MacSandboxPlan.h computes (the Seatbelt profile with the roots
// spliced in, the sandbox-exec command line, the proxy environment). The
// launcher makes a fresh session credential, starts the proxy on a
// 127.0.0.1 port (Server::listenTcp: any local process can reach it, so
// every client must present the credential, ProxyCredential.h), plans with
// that port and token, runs `sandbox-exec -p PROFILE CMD...` with the
// plan's environment and the caller's standard input, output and error,
// forwards the signals sent to moat itself, and when the command ends
// stops the proxy and answers with the command's status (Launch.h).
//
// Fail closed: whatever cannot be set up (the evaluator, the log, the
// credential, the proxy, the plan, the spawn) is reported and exits 125
// with nothing run. sandbox-exec's own failure to apply the profile or to
// start the command is 125 too; it cannot be told apart from a command that
// itself exits 65 or 71 (see exitStatus below).
//
// No sweep for new protected files at exit (runtime/ExitSweep.h): it is
// Linux-only as written (O_PATH, renameat2), and the Seatbelt profile, not
// a mount plan, is what protects paths here (docs/runtime.md, "macOS").
//
// Compiled on Apple as the launcher, elsewhere only as a check
// (runtime/CMakeLists.txt): keep it plain POSIX. No macOS machine has
// built or run this file, and the runtime library it needs does not build
// there yet (ExitSweep.cpp, libseccomp: docs/runtime.md, "macOS").
#include "runtime/Launch.h"

#include "compiler/eval/Evaluator.h"
#include "runtime/EventLog.h"
#include "runtime/LaunchReport.h"
#include "runtime/MacSandboxPlan.h"
#include "runtime/ProxyEnvironment.h"
#include "runtime/proxy/ProxyServer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iterator>
#include <spawn.h>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

extern char **environ;

namespace moat::runtime {
namespace {

void report(DiagnosticEngine &diags, const std::string &message) {
  diags.report(DiagKind::LaunchFailed, SourceLoc{}, message);
}

// sandbox-exec's statuses for its own failures (sysexits.h): EX_DATAERR
// when the profile does not compile, EX_OSERR when it cannot be applied
// or the command cannot be executed (from sandbox-exec's observed
// behaviour as others report it; not verified here).
constexpr int kSandboxExecDataError = 65;
constexpr int kSandboxExecOsError = 71;

// The signals moat passes on, and SIGCHLD; a handler writes each to a pipe
// the launcher reads (the self-pipe: macOS has neither signalfd nor
// sigwaitinfo). The second byte says whether a process sent it (kill, a
// supervisor): a signal from the terminal reached the command's process
// group already and is not sent twice.
constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
int signalPipe[2] = {-1, -1};

void onSignal(int sig, siginfo_t *info, void *) {
  int saved = errno;
  unsigned char message[2] = {static_cast<unsigned char>(sig),
                              static_cast<unsigned char>(info && info->si_code == SI_USER)};
  [[maybe_unused]] ssize_t ignored = ::write(signalPipe[1], message, sizeof message);
  errno = saved;
}

uint16_t portOf(const std::string &endpointText) {
  unsigned long port = std::strtoul(endpointText.c_str() + endpointText.rfind(':') + 1, nullptr, 10);
  return port <= 65535 ? static_cast<uint16_t>(port) : 0;
}

std::vector<char *> cStrings(std::vector<std::string> &strings) {
  std::vector<char *> out;
  for (std::string &s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

class Session {
public:
  Session(const LaunchRequest &request, DiagnosticEngine &diags) : request_(request), diags_(diags) {}

  ~Session() {
    if (server_)
      server_->stop();
    if (handlersInstalled_) {
      for (size_t i = 0; i < std::size(kForwarded); ++i)
        ::sigaction(kForwarded[i], &previous_[i], nullptr);
      ::sigaction(SIGCHLD, &previousChild_, nullptr);
    }
    for (int &fd : signalPipe)
      if (fd >= 0)
        ::close(std::exchange(fd, -1));
  }

  int run() {
    std::string error;
    // A relay writing to a client that has gone must get EPIPE, not end
    // the launcher (the command gets the default back at spawn).
    ::signal(SIGPIPE, SIG_IGN);
    // The git proxy (runtime/git) runs on Linux only: here the token would
    // stay in the command's environment and git would go around the checks.
    if (!request_.policy->git.empty())
      return fail("git blocks are enforced by moat run on Linux only; this policy has one");
    evaluator_ = eval::Evaluator::create(*request_.policy, request_.bindings, ir::Platform::MacOS, error);
    if (!evaluator_)
      return fail(error);
    auto log = EventLog::open(request_.logPath, true, error);
    if (!log)
      return fail(error);
    log_ = std::move(*log);
    proxy::Credential credential{};
    if (!proxy::makeCredential(credential))
      return fail(std::string("cannot make a session credential: ") + std::strerror(errno));
    proxy::Config config;
    config.evaluator = evaluator_.get();
    config.credential = credential;
    config.log = &log_;
    config.ruleName = [this](const ir::NetRule *rule) { return ruleLocation(diags_, rule); };
    config.upstream = request_.upstreamProxy;
    server_ = proxy::Server::listenTcp(std::move(config), asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0),
                                       error);
    if (!server_)
      return fail("cannot start the proxy: " + error);
    uint16_t port = portOf(server_->endpointText());
    if (port == 0)
      return fail("the proxy listens on no usable port (" + server_->endpointText() + ")");

    auto bindings = physicalBindings(request_.bindings, error);
    if (!bindings)
      return fail(error);
    MacSandboxRequest planRequest;
    planRequest.policy = request_.policy;
    planRequest.bindings = std::move(*bindings);
    planRequest.command = request_.command;
    planRequest.proxyPort = port;
    planRequest.proxyToken = proxy::credentialToken(credential);
    std::vector<std::string> launcherOnly = launcherOnlyVariables();
    for (char **entry = environ; entry && *entry; ++entry) {
      std::string_view text(*entry);
      std::string_view name = text.substr(0, text.find('='));
      if (std::find(launcherOnly.begin(), launcherOnly.end(), name) == launcherOnly.end())
        planRequest.environment.push_back(*entry);
    }
    auto plan = planMacSandbox(planRequest, diags_);
    if (!plan)
      return kExitLaunchFailed; // reported by the plan
    if (request_.beforeStart)
      request_.beforeStart();
    if (!installSignalHandlers())
      return fail(std::string("cannot take the signals to forward: ") + std::strerror(errno));
    pid_t child = spawn(*plan, error);
    if (child < 0)
      return fail(error);
    int status = supervise(child);
    server_->stop();
    printBlockedSummary(log_, request_.logPath);
    return exitStatus(status);
  }

private:
  int fail(const std::string &message) {
    report(diags_, message);
    return kExitLaunchFailed;
  }

  bool installSignalHandlers() {
    if (::pipe(signalPipe) != 0)
      return false;
    for (int fd : signalPipe)
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    ::fcntl(signalPipe[1], F_SETFL, O_NONBLOCK);
    struct sigaction action{};
    action.sa_sigaction = onSignal;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    handlersInstalled_ = true;
    for (size_t i = 0; i < std::size(kForwarded); ++i)
      if (::sigaction(kForwarded[i], &action, &previous_[i]) != 0)
        return false;
    action.sa_flags |= SA_NOCLDSTOP;
    return ::sigaction(SIGCHLD, &action, &previousChild_) == 0;
  }

  // sandbox-exec with the plan's arguments and environment, the caller's
  // standard descriptors, and default dispositions for what moat ignores
  // or catches (caught signals are reset by exec itself).
  pid_t spawn(MacSandboxPlan &plan, std::string &error) {
    posix_spawnattr_t attributes;
    if (int e = posix_spawnattr_init(&attributes)) {
      error = std::string("cannot start sandbox-exec: ") + std::strerror(e);
      return -1;
    }
    sigset_t defaults, none;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    std::vector<char *> argv = cStrings(plan.argv);
    std::vector<char *> envp = cStrings(plan.environment);
    pid_t child = -1;
    int e = posix_spawn(&child, kSandboxExec, nullptr, &attributes, argv.data(), envp.data());
    posix_spawnattr_destroy(&attributes);
    if (e != 0) {
      error = fmt::format("cannot start {}: {}; nothing was run", kSandboxExec, std::strerror(e));
      return -1;
    }
    return child;
  }

  // Until the child has ended: forwards the signals a process sent moat,
  // reaps on SIGCHLD. Returns its wait status.
  int supervise(pid_t child) {
    while (true) {
      int status = 0;
      pid_t done = ::waitpid(child, &status, WNOHANG);
      if (done == child)
        return status;
      if (done < 0 && errno != EINTR)
        return -1; // cannot happen for our own child; reported as 125 below
      unsigned char message[2];
      ssize_t n = ::read(signalPipe[0], message, sizeof message);
      if (n == sizeof message && message[0] != SIGCHLD && message[1])
        ::kill(child, message[0]);
      else if (n < 0 && errno != EINTR)
        return -1;
    }
  }

  int exitStatus(int status) {
    if (status == -1)
      return fail("lost track of sandbox-exec; the command's status is unknown");
    if (WIFSIGNALED(status))
      return 128 + WTERMSIG(status);
    if (!WIFEXITED(status))
      return fail("sandbox-exec ended without a status");
    int code = WEXITSTATUS(status);
    if (code == kSandboxExecDataError || code == kSandboxExecOsError) {
      report(diags_, fmt::format("sandbox-exec exited {}, its status for a profile it could not apply or a command "
                                 "it could not start (its message is above); a command that itself exits {} is "
                                 "reported the same way",
                                 code, code));
      return kExitLaunchFailed;
    }
    return code;
  }

  const LaunchRequest &request_;
  DiagnosticEngine &diags_;
  std::unique_ptr<eval::Evaluator> evaluator_;
  EventLog log_;
  std::unique_ptr<proxy::Server> server_;
  struct sigaction previous_[std::size(kForwarded)] {};
  struct sigaction previousChild_ {};
  bool handlersInstalled_ = false;
};

} // namespace

int launch(const LaunchRequest &request, DiagnosticEngine &diags) { return Session(request, diags).run(); }

} // namespace moat::runtime
