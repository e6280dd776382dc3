// runtime/platform/linux/SocketOwner.h: the process holding a TCP client
// socket, found from the socket table and the descriptors in /proc (here
// in the host's network namespace, where this test's own sockets are).
#include "runtime/platform/linux/SocketOwner.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <csignal>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace moat::runtime;

namespace {
uint16_t localPort(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
  return ntohs(a.sin_port);
}
} // namespace

TEST(RuntimeSocketOwner, FindsTheClientsProcessAndNoOther) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  uint16_t server = localPort(listener);
  a.sin_port = htons(server);
  int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
  int accepted = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(accepted, 0);
  uint16_t clientPort = localPort(client);

  EXPECT_EQ(tcpClientOwner(::getpid(), clientPort, server), ::getpid());
  // Ports no connection has: nobody.
  EXPECT_EQ(tcpClientOwner(::getpid(), server, clientPort == 1 ? 2 : 1), std::nullopt);
  // The socket held by two processes (a child inherits it): nobody.
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  if (child == 0) {
    char c = 1;
    (void)::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  EXPECT_EQ(tcpClientOwner(::getpid(), clientPort, server), std::nullopt);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_EQ(firstChild(::getpid()), std::nullopt);
  for (int fd : {client, accepted, listener, ready[0], ready[1]})
    ::close(fd);
}
