// supervise's essential setting: the state machine's side.
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <vector>

#include "supervise/machine.hpp"

namespace {

struct Fx final : supervise::Effects {
  supervise::Settings settings;
  int64_t now = 10000;
  pid_t next_pid = 100;
  int spawns = 0;
  std::vector<int> essential;  // codes passed to essential_exited
  pid_t spawn(bool) noexcept override { ++spawns; return next_pid++; }
  pid_t spawn_finish(int, int, bool) noexcept override { return next_pid++; }
  void release() noexcept override {}
  void signal(pid_t, int) noexcept override {}
  bool signal_group(pid_t, int) noexcept override { return true; }
  bool publish(const unsigned char*, const unsigned char*) noexcept override { return true; }
  void load(supervise::Settings& s) noexcept override { s = settings; }
  void fork_failed(int) noexcept override {}
  void finish_fork_failed(int) noexcept override {}
  void finish_timed_out() noexcept override {}
  int64_t now_ms() noexcept override { return now; }
  lib::Tai64n wall() noexcept override { return {}; }
  void essential_exited(int code) noexcept override { essential.push_back(code); }
  bool open_notification(int) noexcept override { return true; }
  void close_notification() noexcept override {}
  pid_t spawn_check() noexcept override { return next_pid++; }
  void check_timed_out() noexcept override {}
  bool open_notify(int64_t) noexcept override { return true; }
  void close_notify() noexcept override {}
  void unhealthy(const char*) noexcept override {}
};

int exited(int code) { return (code & 0xff) << 8; }

}  // namespace

TEST_CASE("essential: ./run ending on its own is not restarted and asks svscan to stop", "[supervise]") {
  Fx fx;
  fx.settings.any = fx.settings.essential = true;
  supervise::Machine m(fx);
  m.init(true);
  m.begin();
  REQUIRE(m.state() == supervise::State::kUp);
  fx.now += 5000;
  m.handle(supervise::Event::kChildExited, exited(3));
  CHECK(m.state() == supervise::State::kNotRestarted);
  CHECK(m.want() == supervise::Want::kDown);
  CHECK(fx.essential == std::vector<int>{3});
  CHECK(m.timeout_ms() == -1);  // no start pending
  CHECK(fx.spawns == 1);

  // svc -u starts it again; a death by signal reports 128 + the signal.
  m.handle(supervise::Event::kCmdUp);
  REQUIRE(m.state() == supervise::State::kUp);
  fx.now += 5000;
  m.handle(supervise::Event::kChildExited, SIGKILL);
  CHECK(fx.essential == std::vector<int>{3, 128 + SIGKILL});
}

TEST_CASE("essential: a stop by svc -d or -r is not a reason to shut down", "[supervise]") {
  Fx fx;
  fx.settings.any = fx.settings.essential = true;
  supervise::Machine m(fx);
  m.init(true);
  m.begin();
  m.handle(supervise::Event::kCmdDown);
  m.handle(supervise::Event::kChildExited, SIGTERM);
  CHECK(m.state() == supervise::State::kDown);
  CHECK(fx.essential.empty());
  fx.now += 5000;
  m.handle(supervise::Event::kCmdUp);
  REQUIRE(m.state() == supervise::State::kUp);
  fx.now += 5000;
  m.handle(supervise::Event::kCmdRestart);
  m.handle(supervise::Event::kChildExited, SIGTERM);
  CHECK(m.state() == supervise::State::kUp);  // restarted
  CHECK(fx.essential.empty());
  // svc -dx (svscan's shutdown): down, then supervise leaves, silently.
  m.handle(supervise::Event::kCmdDown);
  m.handle(supervise::Event::kCmdExit);
  m.handle(supervise::Event::kChildExited, SIGTERM);
  CHECK(m.finished());
  CHECK(fx.essential.empty());
}

TEST_CASE("without essential, nothing is asked of svscan", "[supervise]") {
  Fx fx;
  supervise::Machine m(fx);
  m.init(true);
  m.begin();
  fx.now += 5000;
  m.handle(supervise::Event::kChildExited, exited(3));
  CHECK(m.state() == supervise::State::kUp);  // restarted at once
  CHECK(fx.essential.empty());
}
