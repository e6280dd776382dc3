// `moat run` on Linux: the policy becomes a bubblewrap mount plan (the bwrap
// target's, planned in-process so no profile file can be raced) and a
// seccomp program (the seccomp target's runtime form); the launcher then
// starts the proxy on a unix socket in a private session directory, starts
// bubblewrap with the bridge (Bridge.h) as the sandbox's first process, runs
// the unix-socket broker when the command's filter asks for it, forwards the
// signals sent to it, and when the sandbox has ended removes everything it
// put on the host. docs/runtime.md describes the whole; this file is the
// order of events.
#include "runtime/Launch.h"

#include "backends/bwrap/Bwrap.h"
#include "backends/bwrap/Disk.h"
#include "backends/bwrap/MountPlan.h"
#include "backends/bwrap/Render.h"
#include "backends/seccomp/RuntimeFilter.h"
#include "compiler/eval/Evaluator.h"
#include "runtime/EventLog.h"
#include "runtime/platform/linux/SocketOwner.h"
#include "runtime/ExitSweep.h"
#include "runtime/LaunchReport.h"
#include "runtime/ProxyEnvironment.h"
#include "runtime/git/GitLaunch.h"
#include "runtime/git/GitProxy.h"
#include "runtime/platform/linux/Bridge.h"
#include "runtime/platform/linux/BwrapInvocation.h"
#include "runtime/platform/linux/ControlChannel.h"
#include "runtime/platform/linux/NamespaceSupport.h"
#include "runtime/platform/linux/RuntimeDir.h"
#include "runtime/platform/linux/SharedPlaceholders.h"
#include "runtime/platform/linux/StdinRelay.h"
#include "runtime/platform/linux/UnixSocketBroker.h"
#include "runtime/platform/linux/UniqueFd.h"
#include "runtime/platform/linux/WriteRootWatcher.h"
#include "runtime/decide/Asking.h"
#include "runtime/proxy/ProxyServer.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <mutex>
#include <set>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace moat::runtime {
namespace linux_platform {
namespace {


void report(DiagnosticEngine &diags, const std::string &message) {
  diags.report(DiagKind::LaunchFailed, SourceLoc{}, message);
}

// Every tunnel costs the proxy two descriptors (and the bridge two more):
// at the common soft limit of 1,024 half of 1,000 concurrent connections
// would be reset. The hard limit is the user's to give; take all of it
// (bubblewrap and the bridge inherit it).
void raiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// The broker needs seccomp user notification (Linux 5.0) and pidfd_getfd
// (5.6); both answer EBADF, not ENOSYS, to a bad descriptor where they exist.
bool brokerSupported() {
  seccomp_notif_sizes sizes{};
  if (::syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0)
    return false;
  return ::syscall(438 /* SYS_pidfd_getfd */, -1, 0, 0) < 0 && errno != ENOSYS;
}

struct Outcome {
  bool started = false;
  std::optional<int> exitStatus;
  std::optional<int> execErrno;
  std::string setupFailure;
};

struct Attempt {
  Outcome outcome;
  int bwrapStatus = -1;
  // bubblewrap gave up before the bridge started, with namespaces working:
  // the plan met a disk that had changed.
  bool raced = false;
  bool launcherFailed = false; // moat itself failed before bubblewrap ran (reported)
  bool namespacesWork = true;  // when bubblewrap failed: could a user namespace be made?
};

// Planning again is cheap next to a failed start; a busy /tmp (a build or
// test suite making and removing trees there) can race a few times in a row.
constexpr int kAttempts = 5;

class Session {
public:
  Session(const LaunchRequest &request, DiagnosticEngine &diags) : request_(request), diags_(diags) {}

  int run() {
    if (request_.command.empty()) {
      report(diags_, "no command to run");
      return kExitLaunchFailed;
    }
    // A policy that switches the sandbox off (Claude Code settings without
    // `sandbox.enabled: true`, `set sandbox-disabled`) would make this an
    // unconfined run: refuse rather than run it looking confined.
    if (request_.policy->options.flag(ir::OptionId::SandboxDisabled)) {
      diags_.report(DiagKind::LaunchFailed, request_.policy->options.get(ir::OptionId::SandboxDisabled)->loc,
                    "this policy switches the sandbox off, and moat run does not run commands unconfined; "
                    "enable the sandbox (Claude Code: \"sandbox\": {\"enabled\": true}) or run the command "
                    "without moat");
      return kExitLaunchFailed;
    }
    std::string error;
    // A relay thread writing to a sandbox that has gone must get EPIPE, not
    // end the launcher (bubblewrap gets the default back before exec).
    ::signal(SIGPIPE, SIG_IGN);
    raiseOpenFileLimit();
    // git blocks: tokens read here, token files hidden from the plan (GitLaunch.h).
    auto git = git::prepareGitLaunch(
        *request_.policy, request_.bindings, fmt::format("http://127.0.0.1:{}", kBridgeHttpPort),
        [](const std::string &name) -> std::optional<std::string> {
          const char *value = std::getenv(name.c_str());
          return value ? std::optional<std::string>(value) : std::nullopt;
        },
        [this](const SourceLoc &loc) { return sourceLocation(loc); }, error);
    if (!git) {
      report(diags_, error);
      return kExitLaunchFailed;
    }
    git_ = std::move(*git);
    // Gone from moat's own environment too, so bubblewrap (whose first
    // process stays inside the sandbox's pid namespace) never holds it.
    for (const std::string &name : git_.unsetenv)
      ::unsetenv(name.c_str());
    evaluator_ = eval::Evaluator::create(policy(), request_.bindings, ir::Platform::Linux, error);
    if (!evaluator_) {
      report(diags_, error);
      return kExitLaunchFailed;
    }
    auto log = EventLog::open(request_.logPath, true, error);
    if (!log) {
      report(diags_, error);
      return kExitLaunchFailed;
    }
    log_ = std::move(*log);
    // Who answers `ask` (runtime/decide/): started once per run, stopped
    // when the launcher ends.
    error.clear();
    asker_ = decide::startAsking(request_.asking, *request_.policy, *evaluator_, request_.command, error);
    if (!asker_ && !error.empty()) {
      report(diags_, error);
      return kExitLaunchFailed;
    }
    // The plan names files that exist now; one that vanishes before
    // bubblewrap mounts it (a build's temporary file) makes bubblewrap
    // refuse to start. Nothing has run then, so plan again, a few times.
    for (int attempt = 1;; ++attempt) {
      // Only the first plan's warnings are the user's to read.
      SourceFiles scratchFiles;
      DiagnosticEngine scratch(scratchFiles);
      DiagnosticEngine &planDiags = attempt == 1 ? diags_ : scratch;
      backends::BuildOptions options;
      options.bindings = request_.bindings;
      backends::BuildResult planned;
      auto dir = RuntimeDir::create(error);
      if (!dir) {
        report(diags_, error);
        return kExitLaunchFailed;
      }
      backends::bwrap::Plan plan;
      // Other runs' placeholders are not this disk's files (SharedPlaceholders.h).
      auto disk = backends::bwrap::realDisk();
      OthersPlaceholdersMissing plannedDisk(*disk, livePlaceholders(dir->base(), dir->path()));
      backends::bwrap::buildOn(plannedDisk, policy(), options, planDiags, planned, &plan);
      if (planDiags.hasErrors()) {
        if (attempt > 1)
          report(diags_, "the sandbox could not be planned again after the disk changed");
        return kExitLaunchFailed;
      }
      if (attempt == 1 && request_.beforeStart)
        request_.beforeStart();
      if (!dir->recordPlaceholders(plan.placeholders, error)) {
        report(diags_, error);
        return kExitLaunchFailed;
      }
      // Signals are taken through a signalfd: block them before any thread
      // starts, so that none of the proxy's threads receives one.
      sigset_t handled;
      sigemptyset(&handled);
      for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD})
        sigaddset(&handled, sig);
      sigset_t previous;
      ::pthread_sigmask(SIG_BLOCK, &handled, &previous);
      Attempt result = supervise(*dir, plan, handled);
      ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
      if (result.launcherFailed)
        return kExitLaunchFailed;
      if (!result.raced || attempt == kAttempts)
        return conclude(result);
      ::dprintf(2, "moat: the disk changed while the sandbox was being set up; planning it again\n");
      ::usleep(static_cast<useconds_t>(5000 * attempt));
    }
  }

private:
  // The policy the sandbox is planned and decided from: the request's, or
  // its copy with the git blocks' token files hidden.
  const ir::Policy &policy() const { return git_.active ? git_.policy : *request_.policy; }
  std::string sourceLocation(const SourceLoc &loc) const {
    return fmt::format("{}:{}:{}", diags_.files().name(loc.buffer), loc.line, loc.col);
  }

  // The command's seccomp program, built once (while the first attempt's
  // bubblewrap makes the sandbox). Null: reported.
  const backends::seccomp::RuntimeFilter *runtimeFilter() {
    if (filter_)
      return &*filter_;
    std::string error;
    auto filter = backends::seccomp::buildRuntimeFilter(policy(), error);
    if (filter && filter->brokerUnixConnect && !brokerSupported()) {
      // No way to decide per path here: no unix socket at all, said once.
      ir::Policy withoutSockets = policy();
      withoutSockets.unixSockets.clear();
      filter = backends::seccomp::buildRuntimeFilter(withoutSockets, error);
      // Printed whatever --verbose says: it takes away what the policy allows.
      ::dprintf(2, "moat: warning: this kernel lacks seccomp user notification or pidfd_getfd (Linux 5.6), "
                   "which moat run needs to decide unix socket connections by path, so the command gets no "
                   "unix sockets at all\n");
    }
    if (!filter) {
      report(diags_, "cannot build the seccomp filter: " + error);
      return nullptr;
    }
    filter_ = std::move(*filter);
    return &*filter_;
  }

  // One sandbox, from bubblewrap's start to its end. While bubblewrap makes
  // the namespaces the launcher builds the seccomp program; the bridge
  // hands over the proxy's listeners, the proxy starts serving them, and
  // only then does the bridge get the program it needs to start the
  // command: the command never runs without its proxy.
  Attempt supervise(RuntimeDir &dir, const backends::bwrap::Plan &plan, const sigset_t &handled) {
    Attempt failed;
    failed.launcherFailed = true; // reported where it happened
    std::string error;
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
      report(diags_, std::string("socketpair: ") + std::strerror(errno));
      return failed;
    }
    Running running;
    running.control = UniqueFd(pair[0]);
    ChildFds child;
    child.control = high(UniqueFd(pair[1]));
    child.exe = high(sealedMemfd("moat-bridge", bridgeImage(), error));
    child.args = high(sealedMemfd("moat-bwrap-args", bwrapArguments(plan, request_, dir.base(), dir.emptyFile(), *evaluator_, git_.setenv, git_.unsetenv), error));
    if (!child.control || !child.exe || !child.args) {
      report(diags_, "cannot prepare the sandbox's descriptors: " + (error.empty() ? std::strerror(errno) : error));
      return failed;
    }
    StdinRelay stdinRelay;
    child.stdinFd = stdinRelay.sandboxStdin();
    if (child.stdinFd < 0) {
      report(diags_, std::string("cannot make a pipe for standard input: ") + std::strerror(errno));
      return failed;
    }
    std::vector<std::string> argv = {"bwrap", "--args", std::to_string(kArgsFd)};
    std::vector<std::string> bridge = bridgeCommand(kBridgeFds, request_.command);
    argv.insert(argv.end(), bridge.begin(), bridge.end());
    UniqueFd signals(::signalfd(-1, &handled, SFD_CLOEXEC));
    timespec launchedAt{};
    ::clock_gettime(CLOCK_REALTIME_COARSE, &launchedAt);
    pid_t bwrap = spawnBwrap(child, argv, error);
    if (bwrap < 0) {
      report(diags_, error);
      return failed;
    }
    running.bwrap = bwrap;
    SweepRequest sweepArea = sweepRequest(plan, launchedAt, dir.base());
    WriteRootWatcher watcher(sweepArea, *evaluator_, &log_); // the sweep, live (WriteRootWatcher.h)
    watcher.start();
    // The parent's copies: the bridge holds the channel's far end now.
    for (UniqueFd *fd : {&child.args, &child.control, &child.exe})
      fd->reset();
    stdinRelay.started();

    running.filter = runtimeFilter();
    if (!running.filter) {
      // The bridge reads the end of the channel as "no program": it ends
      // without running anything, and bubblewrap with it.
      running.control.reset();
      ::waitpid(bwrap, nullptr, 0);
      return failed;
    }
    int bwrapStatus = -1;
    while (bwrapStatus < 0 && !running.failed) {
      pollfd fds[2] = {{running.control.get(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 && errno != EINTR)
        break;
      // The bridge gone (or a message the protocol does not send): stop
      // listening to it; bubblewrap's end follows.
      if ((fds[0].revents & POLLIN) ? !receive(running) : (fds[0].revents & (POLLHUP | POLLERR)) != 0)
        running.control.reset();
      if (fds[1].revents & POLLIN) {
        signalfd_siginfo info{};
        if (::read(signals.get(), &info, sizeof info) != sizeof info)
          continue;
        if (info.ssi_signo == SIGCHLD) {
          int ws = 0;
          if (::waitpid(bwrap, &ws, WNOHANG) == bwrap)
            bwrapStatus = ws;
        } else if (info.ssi_code == SI_USER || info.ssi_code == SI_QUEUE) {
          // Sent to moat itself (kill, a supervisor): pass it on. A signal
          // from the terminal reached the command's process group already.
          ControlMessage m;
          m.type = ControlType::Signal;
          m.value = static_cast<int32_t>(info.ssi_signo);
          sendControl(running.control.get(), m);
        }
      }
    }
    if (running.failed) {
      // The launcher could not serve the sandbox (reported): the bridge
      // sees the channel close before it has a program and runs nothing.
      running.control.reset();
      if (bwrapStatus < 0)
        ::waitpid(bwrap, nullptr, 0);
      return failed;
    }
    // Messages the bridge sent just before the end.
    while (running.control) {
      pollfd p{running.control.get(), POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
        break;
      if (!receive(running))
        break;
    }
    if (running.broker)
      running.broker->stop();
    if (running.server)
      running.server->stop();
    dir.removePlaceholders(); // before the sweep: they are protected paths made during the run
    const Outcome &outcome = running.outcome;
    Attempt attempt;
    attempt.outcome = outcome;
    attempt.bwrapStatus = bwrapStatus;
    bool bwrapFailed = !outcome.started && outcome.setupFailure.empty() && !outcome.execErrno;
    if (bwrapFailed)
      attempt.namespacesWork = userNamespacesWork(); // probed once, on failure only
    attempt.raced = bwrapFailed && attempt.namespacesWork;
    watcher.stop();
    if (outcome.started)
      sweep(sweepArea);
    return attempt;
  }

  // Where protected files the command created could lie beyond the mount
  // plan's reach (ExitSweep.h), and where they go.
  SweepRequest sweepRequest(const backends::bwrap::Plan &plan, const timespec &launchedAt,
                            const std::string &runtimeBase) const {
    SweepRequest request;
    for (const backends::bwrap::MountOp &op : plan.ops)
      if (op.kind == backends::bwrap::MountOp::Kind::Bind)
        request.writeRoots.push_back(op.path);
    for (const char *area : {"CWD", "HOME"})
      if (auto value = request_.bindings.lookup(area))
        request.sweptAreas.push_back(*value);
    request.launchedAt = launchedAt;
    request.quarantineDir = defaultQuarantineDir(request_.bindings.lookup("HOME").value_or("/root"));
    request.fallbackQuarantineDir =
        runtimeBase + "/quarantine/" + request.quarantineDir.substr(request.quarantineDir.rfind('/') + 1);
    return request;
  }

  // Protected files the command created where the mount plan could not
  // reach (ExitSweep.h).
  void sweep(const SweepRequest &request) {
    if (request.writeRoots.empty())
      return;
    SweepResult swept = sweepWriteRoots(request, *evaluator_, &log_);
    for (const std::string &failure : swept.failures)
      ::dprintf(2, "moat: WARNING: could not quarantine %s\n", failure.c_str());
    if (swept.truncated)
      ::dprintf(2, "moat: WARNING: the write roots hold more than %zu entries; the sweep for new protected "
                   "files stopped there\n", request.maxEntries);
  }

  // What one sandbox's supervision holds while it runs.
  struct Running {
    UniqueFd control;
    const backends::seccomp::RuntimeFilter *filter = nullptr;
    std::vector<UniqueFd> listeners; // handed over by the bridge, until the proxy takes them
    std::unique_ptr<git::GitProxy> gitProxy; // stopped after the server, which hands it connections
    std::unique_ptr<proxy::Server> server;
    std::unique_ptr<UnixSocketBroker> broker;
    pid_t bwrap = -1;
    Outcome outcome;
    bool failed = false; // the launcher could not go on (reported)
  };

  // The pid of a refused proxy client (SocketOwner.h), at most
  // kLookupsPerSecond times a second: a sandbox that asks to be refused in
  // a loop gets lines without a pid, not a launcher scanning /proc.
  static std::function<std::optional<int>(uint16_t, uint16_t)> refusedClientLookup(pid_t bwrap) {
    constexpr int kLookupsPerSecond = 20;
    struct Budget {
      std::mutex mutex;
      std::chrono::steady_clock::time_point second{};
      int used = 0;
    };
    auto budget = std::make_shared<Budget>();
    return [bwrap, budget](uint16_t clientPort, uint16_t listenerPort) -> std::optional<int> {
      {
        std::lock_guard<std::mutex> lock(budget->mutex);
        auto now = std::chrono::steady_clock::now();
        if (now - budget->second >= std::chrono::seconds(1)) {
          budget->second = now;
          budget->used = 0;
        }
        if (budget->used++ >= kLookupsPerSecond)
          return std::nullopt;
      }
      std::optional<pid_t> sandbox = firstChild(bwrap);
      if (!sandbox)
        return std::nullopt;
      std::optional<pid_t> owner = tcpClientOwner(*sandbox, clientPort, listenerPort);
      return owner ? std::optional<int>(*owner) : std::nullopt;
    };
  }

  // Both listeners are here: the proxy serves them, then the bridge gets
  // the command's program.
  void startProxy(Running &r) {
    proxy::Config config;
    config.evaluator = evaluator_.get();
    config.log = &log_;
    config.asker = asker_.get();
    config.ruleName = [this](const ir::NetRule *rule) { return ruleLocation(diags_, rule); };
    std::string error;
    if (git_.active) {
      git::GitProxyConfig gitConfig;
      gitConfig.policy = &git_.policy;
      gitConfig.credential = git_.credential;
      gitConfig.tokens = git_.tokens;
      gitConfig.log = &log_;
      gitConfig.location = [this](const SourceLoc &loc) { return sourceLocation(loc); };
      gitConfig.upstream = request_.upstreamProxy;
      r.gitProxy = git::GitProxy::create(std::move(gitConfig), error);
      if (!r.gitProxy) {
        report(diags_, "cannot start the git proxy: " + error);
        r.failed = true;
        return;
      }
      config.gitProxy = [gitProxy = r.gitProxy.get()](int fd, std::string buffered) {
        gitProxy->serve(fd, std::move(buffered));
      };
    }
    config.upstream = request_.upstreamProxy;
    config.clientPid = refusedClientLookup(r.bwrap);
    std::vector<int> fds;
    for (UniqueFd &fd : r.listeners)
      fds.push_back(fd.release());
    r.listeners.clear();
    r.server = proxy::Server::serveListeners(std::move(config), std::move(fds), error);
    if (!r.server) {
      report(diags_, "cannot start the proxy: " + error);
      r.failed = true;
      return;
    }
    UniqueFd program = sealedMemfd("moat-seccomp", r.filter->filter.bpf, error);
    ControlMessage m;
    m.type = ControlType::Filter;
    m.value = r.filter->brokerUnixConnect ? 1 : 0;
    if (!program || !sendControl(r.control.get(), m, program.get())) {
      report(diags_, "cannot hand the sandbox its seccomp filter" + (error.empty() ? "" : ": " + error));
      r.failed = true;
    }
  }

  bool receive(Running &r) {
    int fd = -1;
    auto m = receiveControl(r.control.get(), fd);
    if (!m)
      return false;
    UniqueFd carried(fd);
    switch (m->type) {
    case ControlType::ProxyListener:
      if (!carried) {
        // Without it the bridge would wait for its program for ever.
        report(diags_, "the sandbox's proxy listener did not arrive (out of descriptors?)");
        r.failed = true;
      } else if (!r.server && r.listeners.size() < 2) {
        r.listeners.push_back(std::move(carried));
        if (r.listeners.size() == 2)
          startProxy(r);
      }
      break;
    case ControlType::Listener:
      if (carried && r.filter->brokerUnixConnect && !r.broker) {
        r.broker = std::make_unique<UnixSocketBroker>(carried.release(), *evaluator_, &log_);
        r.broker->start();
      }
      break;
    case ControlType::Started:
      r.outcome.started = true;
      break;
    case ControlType::ExecFailed:
      r.outcome.execErrno = m->value;
      break;
    case ControlType::Exited:
      r.outcome.exitStatus = m->value;
      break;
    case ControlType::SetupFailed:
      r.outcome.setupFailure = std::string(reinterpret_cast<const char *>(m->data.data()),
                                           ::strnlen(reinterpret_cast<const char *>(m->data.data()), m->data.size())) +
                               ": " + std::strerror(m->value);
      break;
    default:
      break;
    }
    return true;
  }

  int conclude(const Attempt &attempt) {
    const Outcome &outcome = attempt.outcome;
    int bwrapStatus = attempt.bwrapStatus;
    if (outcome.execErrno) {
      report(diags_, fmt::format("cannot run '{}': {}", request_.command[0], std::strerror(*outcome.execErrno)));
      return *outcome.execErrno == ENOENT ? kExitNotFound : kExitCannotExecute;
    }
    if (!outcome.setupFailure.empty()) {
      report(diags_, "the sandbox could not be set up (" + outcome.setupFailure + ")");
      return kExitLaunchFailed;
    }
    if (!outcome.started) {
      std::string why = attempt.namespacesWork ? "" : diagnoseNamespaces();
      report(diags_, "bubblewrap could not create the sandbox, so nothing was run" +
                         (why.empty() ? std::string(" (its message is above)") : ": " + why));
      return kExitLaunchFailed;
    }
    printBlockedSummary(log_, request_.logPath);
    if (outcome.exitStatus)
      return *outcome.exitStatus;
    // The bridge ended without a word (killed inside the sandbox).
    if (WIFEXITED(bwrapStatus))
      return WEXITSTATUS(bwrapStatus);
    return WIFSIGNALED(bwrapStatus) ? 128 + WTERMSIG(bwrapStatus) : kExitLaunchFailed;
  }

  const LaunchRequest &request_;
  DiagnosticEngine &diags_;
  git::GitLaunch git_;
  std::unique_ptr<eval::Evaluator> evaluator_;
  std::optional<backends::seccomp::RuntimeFilter> filter_;
  EventLog log_;
  std::unique_ptr<decide::Asker> asker_;
};

} // namespace
} // namespace linux_platform

int launch(const LaunchRequest &request, DiagnosticEngine &diags) {
  return linux_platform::Session(request, diags).run();
}

} // namespace moat::runtime
