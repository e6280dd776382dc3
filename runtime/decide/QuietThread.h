// A thread that never takes a process-directed signal. The launcher reads
// SIGCHLD, SIGINT, SIGTERM... from a signalfd, which sees a signal only if
// no thread has it unblocked; a decider's thread started before the
// launcher blocks them would otherwise swallow bubblewrap's SIGCHLD (its
// default action is to ignore it) and the launcher would wait for ever.
#pragma once
#include <csignal>
#include <pthread.h>
#include <thread>
#include <utility>

namespace moat::runtime::decide {

template <typename Fn> std::thread quietThread(Fn &&fn) {
  sigset_t all, previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous); // inherited by the new thread
  std::thread t(std::forward<Fn>(fn));
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return t;
}

} // namespace moat::runtime::decide
