#include <fcntl.h>
#include <poll.h>
#include <signal.h>

#include <catch2/catch.hpp>

#include "lib/lock.hpp"
#include "lib/selfpipe.hpp"
#include "support.hpp"

TEST_CASE("signals arrive as bytes on the self-pipe", "[sig]") {
  auto r = test::run_child([] {
    if (!lib::SelfPipe::init() || !lib::SelfPipe::catch_signal(SIGUSR1) ||
        !lib::SelfPipe::catch_signal(SIGHUP))
      ::_exit(2);
    ::raise(SIGUSR1);
    ::raise(SIGHUP);
    pollfd p = {lib::SelfPipe::fd(), POLLIN, 0};
    if (::poll(&p, 1, 1000) != 1) ::_exit(3);
    int a = lib::SelfPipe::read_signal(), b = lib::SelfPipe::read_signal();
    int c = lib::SelfPipe::read_signal();
    ::_exit(a == SIGUSR1 && b == SIGHUP && c == 0 ? 0 : 4);
  });
  CHECK(r.exit_code() == 0);
}

TEST_CASE("pending says a caught signal may wait, until the pipe is read", "[sig]") {
  auto r = test::run_child([] {
    if (!lib::SelfPipe::init() || !lib::SelfPipe::catch_signal(SIGUSR1) ||
        !lib::SelfPipe::catch_signal(SIGHUP))
      ::_exit(2);
    if (lib::SelfPipe::pending()) ::_exit(3);
    ::raise(SIGUSR1);  // handled before raise returns (not blocked)
    if (!lib::SelfPipe::pending()) ::_exit(4);
    if (lib::SelfPipe::read_signal() != SIGUSR1) ::_exit(5);
    if (!lib::SelfPipe::pending()) ::_exit(6);  // more may follow until a read finds none
    if (lib::SelfPipe::read_signal() != 0 || lib::SelfPipe::pending()) ::_exit(7);
    ::raise(SIGUSR1);
    ::raise(SIGHUP);
    if (lib::SelfPipe::read_signal() != SIGUSR1 || !lib::SelfPipe::pending()) ::_exit(8);
    if (lib::SelfPipe::read_signal() != SIGHUP || !lib::SelfPipe::pending()) ::_exit(9);
    if (lib::SelfPipe::read_signal() != 0 || lib::SelfPipe::pending()) ::_exit(10);
    ::_exit(0);
  });
  CHECK(r.exit_code() == 0);
}

TEST_CASE("catch_signal unblocks a signal an inherited mask blocked", "[sig]") {
  auto r = test::run_child([] {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGCHLD);
    sigaddset(&s, SIGUSR2);
    ::sigprocmask(SIG_BLOCK, &s, nullptr);
    if (!lib::SelfPipe::init() || !lib::SelfPipe::catch_signal(SIGCHLD)) ::_exit(2);
    sigset_t now;
    ::sigprocmask(SIG_SETMASK, nullptr, &now);
    if (sigismember(&now, SIGCHLD) || !sigismember(&now, SIGUSR2)) ::_exit(3);
    ::raise(SIGCHLD);
    pollfd p = {lib::SelfPipe::fd(), POLLIN, 0};
    if (::poll(&p, 1, 1000) != 1) ::_exit(4);
    ::_exit(lib::SelfPipe::read_signal() == SIGCHLD ? 0 : 5);
  });
  CHECK(r.exit_code() == 0);
}

TEST_CASE("reset_signals_for_exec restores defaults and unblocks", "[sig]") {
  auto r = test::run_child([] {
    ::signal(SIGTERM, SIG_IGN);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    ::sigprocmask(SIG_BLOCK, &s, nullptr);
    lib::reset_signals_for_exec();
    struct sigaction sa;
    ::sigaction(SIGTERM, nullptr, &sa);
    sigset_t now;
    ::sigprocmask(SIG_SETMASK, nullptr, &now);
    ::_exit(sa.sa_handler == SIG_DFL && !sigismember(&now, SIGINT) ? 0 : 1);
  });
  CHECK(r.exit_code() == 0);
}

TEST_CASE("a second exclusive lock is refused without waiting", "[lock]") {
  test::TempDir d;
  std::string path = d / "lock";
  lib::Fd a(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  lib::Fd b(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  REQUIRE(lib::lock_ex_nb(a.get()) == 0);
  CHECK(lib::lock_ex_nb(b.get()) == -1);
  CHECK(errno == EWOULDBLOCK);
  a.reset();
  CHECK(lib::lock_ex_nb(b.get()) == 0);
}
