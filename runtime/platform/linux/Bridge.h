// The bridge: the first process inside the sandbox, which bubblewrap starts
// in place of the command: a small static program of its own
// (bridge/BridgeMain.cpp), embedded in moat and executed from a sealed memfd. The sandbox's network
// namespace is empty; the bridge gives it its one way out without carrying
// a byte itself: it makes the two proxy listeners on 127.0.0.1 (an HTTP
// proxy port and a SOCKS5 port, fixed, since the namespace is the sandbox's
// own) and hands them to the launcher, whose proxy accepts and relays every
// connection directly. It then waits for the command's seccomp program,
// forks the command (the child sets no_new_privs, loads the program,
// handing its notification descriptor to the launcher when unix-socket
// connects are brokered, and execs), passes on the signals the launcher
// forwards, and reports how the command ended. The bridge itself stays
// outside the filter but makes itself undumpable, so the command can
// neither trace it nor reach the control channel through /proc.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moat::runtime::linux_platform {

inline constexpr uint16_t kBridgeHttpPort = 3128;
inline constexpr uint16_t kBridgeSocksPort = 1080;

// The descriptors the launcher passes through bubblewrap.
struct BridgeFds {
  int control = -1; // the SOCK_SEQPACKET control channel (ControlChannel.h)
  int exe = -1;     // the bridge program (a sealed memfd of bridgeImage())
};

// The bridge program's bytes (BridgeImage.cpp embeds the static executable).
std::string_view bridgeImage();

// argv for bubblewrap's command: the bridge, then the user's command.
std::vector<std::string> bridgeCommand(const BridgeFds &fds, const std::vector<std::string> &command);

} // namespace moat::runtime::linux_platform
