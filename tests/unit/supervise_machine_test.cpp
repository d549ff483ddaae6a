#include <catch2/catch.hpp>
#include <errno.h>
#include <signal.h>

#include <string>
#include <vector>

#include "lib/status.hpp"
#include "supervise/machine.hpp"

using supervise::Event;
using supervise::Machine;
using supervise::State;
using supervise::Want;

namespace {

// Records what the machine asks for; time moves only when told to.
struct FakeEffects final : supervise::Effects {
  int64_t now = 10000;
  pid_t next_pid = 100;
  bool fork_fails = false;
  bool publish_fails = false;
  int spawns = 0;
  std::vector<std::pair<pid_t, int>> signals;
  std::vector<lib::Status> published;
  int fork_warnings = 0;

  pid_t spawn() noexcept override {
    if (fork_fails) {
      errno = EAGAIN;
      return -1;
    }
    ++spawns;
    return next_pid++;
  }
  int released = 0;
  size_t published_at_release = 0;
  void release() noexcept override {
    ++released;
    published_at_release = published.size();
  }
  void signal(pid_t pid, int sig) noexcept override { signals.emplace_back(pid, sig); }
  bool publish(const unsigned char rec[lib::kStatusSize]) noexcept override {
    if (publish_fails) return false;
    published.push_back(lib::status_decode(rec));
    return true;
  }
  void fork_failed(int) noexcept override { ++fork_warnings; }
  int64_t now_ms() noexcept override { return now; }
  lib::Tai64n wall() noexcept override { return {lib::kTaiOffset + uint64_t(now / 1000), 0}; }
};

void advance(FakeEffects& fx, Machine& m, int64_t ms) {
  fx.now += ms;
  m.fire_timers();
}

}  // namespace

TEST_CASE("start-up: normally up starts ./run at once; a down file does not", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(true);
  REQUIRE(fx.published.size() == 1);
  CHECK(fx.published[0].pid == 0);
  CHECK(fx.published[0].want == 'u');
  m.begin();
  CHECK(m.state() == State::kUp);
  CHECK(m.child() == 100);
  CHECK(fx.published.back().pid == 100);

  FakeEffects fx2;
  Machine d(fx2);
  d.init(false);
  d.begin();
  CHECK(d.state() == State::kDown);
  CHECK(fx2.spawns == 0);
  CHECK(fx2.published.back().want == 'd');
}

TEST_CASE("a crashing ./run is restarted at most once a second", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(true);
  m.begin();
  fx.now += 10;
  m.handle(Event::kChildExited);
  CHECK(m.state() == State::kPending);
  CHECK(fx.published.back().pid == 0);
  CHECK(fx.published.back().want == 'u');
  CHECK(m.timeout_ms() == 990);
  advance(fx, m, 989);
  CHECK(fx.spawns == 1);
  advance(fx, m, 1);
  CHECK(fx.spawns == 2);
  CHECK(m.state() == State::kUp);
  // A child that ran longer than a second is restarted at once.
  fx.now += 5000;
  m.handle(Event::kChildExited);
  CHECK(fx.spawns == 3);
  CHECK(m.timeout_ms() == -1);
}

TEST_CASE("commands during the pacing pause act at once, starts stay paced", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(true);
  m.begin();
  m.handle(Event::kChildExited);
  REQUIRE(m.state() == State::kPending);
  m.handle(Event::kCmdDown);
  CHECK(m.state() == State::kDown);
  CHECK(fx.published.back().want == 'd');
  CHECK(m.timeout_ms() == -1);
  m.handle(Event::kCmdUp);
  CHECK(m.state() == State::kPending);  // still within the second
  CHECK(fx.spawns == 1);
  advance(fx, m, 1000);
  CHECK(fx.spawns == 2);
}

TEST_CASE("d sends TERM then CONT and clears pause; u restarts", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(true);
  m.begin();
  m.handle(Event::kCmdPause);
  CHECK(fx.published.back().paused == 1);
  CHECK(fx.signals.back() == std::make_pair(pid_t(100), SIGSTOP));
  m.handle(Event::kCmdDown);
  REQUIRE(fx.signals.size() == 3);
  CHECK(fx.signals[1] == std::make_pair(pid_t(100), SIGTERM));
  CHECK(fx.signals[2] == std::make_pair(pid_t(100), SIGCONT));
  CHECK(fx.published.back().paused == 0);
  CHECK(fx.published.back().want == 'd');
  CHECK(fx.published.back().pid == 100);
  fx.now += 2000;
  m.handle(Event::kChildExited);
  CHECK(m.state() == State::kDown);
  CHECK(fx.spawns == 1);
  m.handle(Event::kCmdUp);
  CHECK(fx.spawns == 2);
  CHECK(fx.published.back().want == 'u');
}

TEST_CASE("signal letters reach the child only when there is one", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(false);
  m.begin();
  for (Event e : {Event::kCmdHangup, Event::kCmdAlarm, Event::kCmdInterrupt, Event::kCmdTerminate,
                  Event::kCmdKill, Event::kCmdPause, Event::kCmdContinue})
    m.handle(e);
  CHECK(fx.signals.empty());
  m.handle(Event::kCmdUp);
  for (Event e : {Event::kCmdHangup, Event::kCmdAlarm, Event::kCmdInterrupt, Event::kCmdTerminate,
                  Event::kCmdKill})
    m.handle(e);
  std::vector<int> sigs;
  for (auto& s : fx.signals) sigs.push_back(s.second);
  CHECK(sigs == std::vector<int>{SIGHUP, SIGALRM, SIGINT, SIGTERM, SIGKILL});
}

TEST_CASE("pause while down is remembered but shows only when up; a start clears it", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(false);
  m.handle(Event::kCmdPause);
  CHECK(m.paused());
  CHECK(fx.published.back().paused == 0);
  m.handle(Event::kCmdUp);
  CHECK(!m.paused());
  CHECK(fx.published.back().paused == 0);
}

TEST_CASE("o runs once: no restart, want byte 0", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(false);
  m.handle(Event::kCmdOnce);
  CHECK(fx.spawns == 1);
  CHECK(fx.published.back().want == 0);
  fx.now += 5000;
  m.handle(Event::kChildExited);
  CHECK(m.state() == State::kDown);
  advance(fx, m, 5000);
  CHECK(fx.spawns == 1);
  // o while up only stops the restart.
  m.handle(Event::kCmdUp);
  CHECK(fx.spawns == 2);
  m.handle(Event::kCmdOnce);
  CHECK(fx.spawns == 2);
  CHECK(m.want() == Want::kOnce);
  fx.now += 5000;
  m.handle(Event::kChildExited);
  CHECK(fx.spawns == 2);
}

TEST_CASE("x waits for the child to go; with no child it finishes at once", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(true);
  m.begin();
  m.handle(Event::kCmdExit);
  CHECK(!m.finished());
  fx.now += 5000;
  m.handle(Event::kChildExited);
  CHECK(m.finished());
  CHECK(fx.spawns == 1);  // not restarted

  FakeEffects fx2;
  Machine d(fx2);
  d.init(false);
  d.handle(Event::kCmdExit);
  CHECK(d.finished());
}

TEST_CASE("a failed fork is retried after a pause, not in a loop", "[supervise]") {
  FakeEffects fx;
  fx.fork_fails = true;
  Machine m(fx);
  m.init(true);
  m.begin();
  CHECK(m.state() == State::kPending);
  CHECK(fx.fork_warnings == 1);
  CHECK(m.timeout_ms() == int(supervise::kForkRetry));
  advance(fx, m, 500);
  CHECK(fx.fork_warnings == 1);
  advance(fx, m, 500);
  CHECK(fx.fork_warnings == 2);
  fx.fork_fails = false;
  advance(fx, m, 1000);
  CHECK(m.state() == State::kUp);
  CHECK(fx.spawns == 1);
}

TEST_CASE("an unwritable status is retried until it is written", "[supervise]") {
  FakeEffects fx;
  fx.publish_fails = true;
  Machine m(fx);
  m.init(true);
  m.begin();
  CHECK(m.timeout_ms() == int(supervise::kStatusRetry));
  advance(fx, m, 1000);
  CHECK(fx.published.empty());
  fx.publish_fails = false;
  advance(fx, m, 1000);
  REQUIRE(fx.published.size() == 1);
  CHECK(fx.published[0].pid == 100);
  CHECK(m.timeout_ms() == -1);
}

TEST_CASE("the status stamp changes only when the pid does", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(true);
  m.begin();
  lib::Tai64n started = fx.published.back().when;
  fx.now += 3000;
  m.handle(Event::kCmdPause);
  m.handle(Event::kCmdDown);
  CHECK(fx.published.back().when == started);
  m.handle(Event::kChildExited);
  CHECK(fx.published.back().when.sec == started.sec + 3);
}

TEST_CASE("control bytes map to events; others are ignored", "[supervise]") {
  Event e;
  std::string letters = "udopchaitkx";
  for (char c : letters) CHECK(supervise::event_for_byte(static_cast<unsigned char>(c), e));
  for (int c = 0; c < 256; ++c)
    if (letters.find(char(c)) == std::string::npos)
      CHECK(!supervise::event_for_byte(static_cast<unsigned char>(c), e));
  REQUIRE(supervise::event_for_byte('k', e));
  CHECK(e == Event::kCmdKill);
}

TEST_CASE("an exit followed at once by a restart is published as one change", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(true);
  m.begin();
  size_t before = fx.published.size();
  fx.now += 5000;
  m.handle(Event::kChildExited);
  REQUIRE(fx.published.size() == before + 1);
  CHECK(fx.published.back().pid == 101);
  CHECK(fx.published.back().when.sec == lib::kTaiOffset + 15);
  // Within the second, the down state is published while the start waits.
  m.handle(Event::kChildExited);
  REQUIRE(fx.published.size() == before + 2);
  CHECK(fx.published.back().pid == 0);
  CHECK(fx.published.back().want == 'u');
}

TEST_CASE("a failed fork after an exit still publishes the down state", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(true);
  m.begin();
  fx.now += 5000;
  fx.fork_fails = true;
  m.handle(Event::kChildExited);
  CHECK(fx.published.back().pid == 0);
  CHECK(m.state() == State::kPending);
}

TEST_CASE("the child is released only after its pid is published", "[supervise]") {
  FakeEffects fx;
  Machine m(fx);
  m.init(true);
  m.begin();
  CHECK(fx.released == 1);
  REQUIRE(fx.published_at_release >= 1);
  CHECK(fx.published[fx.published_at_release - 1].pid == 100);
  fx.now += 5000;
  m.handle(Event::kChildExited);
  CHECK(fx.released == 2);
  CHECK(fx.published[fx.published_at_release - 1].pid == 101);
  fx.fork_fails = true;
  fx.now += 5000;
  m.handle(Event::kChildExited);
  CHECK(fx.released == 2);
}
