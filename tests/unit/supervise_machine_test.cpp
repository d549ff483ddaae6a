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
  supervise::Settings settings;  // what load() reads
  int loads = 0;
  int64_t now = 10000;
  pid_t next_pid = 100;
  bool fork_fails = false;
  bool publish_fails = false;
  int spawns = 0;
  std::vector<std::pair<pid_t, int>> signals;
  std::vector<lib::Status> published;
  int fork_warnings = 0;

  std::vector<bool> spawn_setsid;
  pid_t spawn(bool setsid) noexcept override {
    if (fork_fails) {
      errno = EAGAIN;
      return -1;
    }
    ++spawns;
    spawn_setsid.push_back(setsid);
    return next_pid++;
  }
  struct Finish {
    int code, sig;
    bool setsid;
  };
  std::vector<Finish> finishes;
  bool finish_fork_fails = false;
  int finish_fork_warnings = 0, finish_timeouts = 0;
  pid_t spawn_finish(int code, int sig, bool setsid) noexcept override {
    if (finish_fork_fails) {
      errno = EAGAIN;
      return -1;
    }
    finishes.push_back({code, sig, setsid});
    return next_pid++;
  }
  void finish_fork_failed(int) noexcept override { ++finish_fork_warnings; }
  void finish_timed_out() noexcept override { ++finish_timeouts; }
  void load(supervise::Settings& s) noexcept override {
    ++loads;
    s = settings;
  }
  // Signals to groups, as (pgid, sig); groups in no_group do not exist.
  std::vector<std::pair<pid_t, int>> group_signals;
  std::vector<pid_t> no_group;
  bool signal_group(pid_t pgid, int sig) noexcept override {
    for (pid_t p : no_group)
      if (p == pgid) return false;
    group_signals.emplace_back(pgid, sig);
    return true;
  }
  int released = 0;
  size_t published_at_release = 0;
  void release() noexcept override {
    ++released;
    published_at_release = published.size();
  }
  void signal(pid_t pid, int sig) noexcept override { signals.emplace_back(pid, sig); }
  std::vector<lib::XStatus> xpublished;  // one per publish
  bool publish(const unsigned char rec[lib::kStatusSize], const unsigned char* x) noexcept override {
    if (publish_fails) return false;
    published.push_back(lib::status_decode(rec));
    lib::XStatus xs;
    REQUIRE(x);
    REQUIRE(lib::xstatus_decode(x, lib::kXStatusSize, rec, xs));
    xpublished.push_back(xs);
    return true;
  }
  void fork_failed(int) noexcept override { ++fork_warnings; }
  // notification-fd: the descriptor of each pipe opened; closes counted.
  std::vector<int> notif_opened;
  int notif_closes = 0;
  bool notif_fails = false;
  bool open_notification(int fd) noexcept override {
    if (notif_fails) return false;
    notif_opened.push_back(fd);
    return true;
  }
  void close_notification() noexcept override { ++notif_closes; }
  std::vector<pid_t> checks;  // pids of the checks started
  int check_timeouts = 0;
  pid_t spawn_check() noexcept override {
    checks.push_back(next_pid);
    return next_pid++;
  }
  void check_timed_out() noexcept override { ++check_timeouts; }
  std::vector<int64_t> notify_opened;  // the watchdog ms of each socket
  int notify_closes = 0;
  bool open_notify(int64_t watchdog_ms) noexcept override {
    notify_opened.push_back(watchdog_ms);
    return true;
  }
  void close_notify() noexcept override { ++notify_closes; }
  std::vector<std::string> unhealthy_why;
  void unhealthy(const char* why) noexcept override { unhealthy_why.push_back(why); }
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
  int sig;
  // 0.76's letters, r, and 0x81..0xc0; encore's q 1 2 w stay ignored.
  std::string letters = "udopchaitkxr";
  for (char c : letters) CHECK(supervise::event_for_byte(static_cast<unsigned char>(c), e, sig));
  for (int c = 0; c < 256; ++c)
    if (letters.find(char(c)) == std::string::npos && !(c > 0x80 && c <= 0xc0))
      CHECK(!supervise::event_for_byte(static_cast<unsigned char>(c), e, sig));
  REQUIRE(supervise::event_for_byte('k', e, sig));
  CHECK(e == Event::kCmdKill);
  REQUIRE(supervise::event_for_byte('r', e, sig));
  CHECK(e == Event::kCmdRestart);
  for (int n = 1; n <= 64; ++n) {
    REQUIRE(supervise::event_for_byte(static_cast<unsigned char>(0x80 + n), e, sig));
    CHECK(e == Event::kCmdSignal);
    CHECK(sig == n);
  }
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

// --- beyond 0.76: the setting files ------------------------------------------

namespace {

// A machine started up with settings s, normally up, ./run running (pid 100).
struct Running {
  FakeEffects fx;
  Machine m{fx};
  explicit Running(const supervise::Settings& s, bool up = true) {
    fx.settings = s;
    m.init(up);
    m.begin();
  }
};

int exited(int code) { return code << 8; }
int killed(int sig) { return sig; }

supervise::Settings any() {
  supervise::Settings s;
  s.any = true;
  return s;
}

}  // namespace

TEST_CASE("without setting files the xstatus has no features and nothing changes", "[supervise]") {
  Running r{supervise::Settings()};
  REQUIRE(r.fx.xpublished.size() == r.fx.published.size());
  for (auto& x : r.fx.xpublished) CHECK(x.features == 0);
  CHECK(r.fx.xpublished.back().state == lib::XState::kUp);
  CHECK(r.m.ready());  // no readiness protocol: up is ready
  CHECK(r.fx.xpublished.back().ready_when.sec != 0);
  r.m.handle(Event::kCmdDown);
  CHECK(r.fx.signals == (std::vector<std::pair<pid_t, int>>{{100, SIGTERM}, {100, SIGCONT}}));
  CHECK(r.m.timeout_ms() == -1);  // no KILL timer
  CHECK(r.fx.group_signals.empty());
}

TEST_CASE("settings are read at start-up and before every start of ./run", "[supervise]") {
  Running r{any()};
  CHECK(r.fx.loads == 2);
  r.fx.now += 5000;
  r.fx.settings.down_signal = SIGINT;
  r.m.handle(Event::kChildExited, exited(0));
  CHECK(r.fx.loads == 3);
  r.m.handle(Event::kCmdDown);
  CHECK(r.fx.signals[0] == std::make_pair(pid_t(101), SIGINT));
}

TEST_CASE("down-signal replaces TERM for d, CONT still follows; x alone sends nothing", "[supervise]") {
  auto s = any();
  s.down_signal = SIGHUP;
  Running r{s};
  r.m.handle(Event::kCmdExit);
  CHECK(r.fx.signals.empty());
  r.m.handle(Event::kCmdDown);
  CHECK(r.fx.signals == (std::vector<std::pair<pid_t, int>>{{100, SIGHUP}, {100, SIGCONT}}));
  CHECK(r.fx.xpublished.back().flags == lib::kXStatusStopping);
  // t still sends TERM.
  r.m.handle(Event::kCmdTerminate);
  CHECK(r.fx.signals.back() == std::make_pair(pid_t(100), SIGTERM));
}

TEST_CASE("timeout-kill: KILL that long after the down signal, once; none if it exits", "[supervise]") {
  auto s = any();
  s.timeout_kill = 300;
  Running r{s};
  r.m.handle(Event::kCmdDown);
  CHECK(r.m.timeout_ms() == 300);
  advance(r.fx, r.m, 200);
  r.m.handle(Event::kCmdDown);  // a second d does not push the KILL back
  CHECK(r.m.timeout_ms() == 100);
  advance(r.fx, r.m, 99);
  CHECK(r.fx.signals.back().second != SIGKILL);
  advance(r.fx, r.m, 1);
  CHECK(r.fx.signals.back() == std::make_pair(pid_t(100), SIGKILL));
  CHECK(r.m.timeout_ms() == -1);
  r.m.handle(Event::kChildExited, killed(SIGKILL));
  CHECK(r.m.state() == State::kDown);

  // Exiting in time disarms the KILL.
  Running q{s};
  q.m.handle(Event::kCmdDown);
  q.fx.now += 50;
  q.m.handle(Event::kChildExited, exited(0));
  CHECK(q.m.timeout_ms() == -1);
  advance(q.fx, q.m, 1000);
  for (auto& sig : q.fx.signals) CHECK(sig.second != SIGKILL);
}

TEST_CASE("setsid: the child is told, signals go to the group, leftovers die with a stop", "[supervise]") {
  auto s = any();
  s.setsid = true;
  s.timeout_kill = 100;
  Running r{s};
  CHECK(r.fx.spawn_setsid.back());
  r.m.handle(Event::kCmdHangup);
  CHECK(r.fx.group_signals.back() == std::make_pair(pid_t(100), SIGHUP));
  CHECK(r.fx.signals.empty());
  r.m.handle(Event::kCmdDown);
  CHECK(r.fx.group_signals.back() == std::make_pair(pid_t(100), SIGCONT));
  advance(r.fx, r.m, 100);
  CHECK(r.fx.group_signals.back() == std::make_pair(pid_t(100), SIGKILL));
  r.fx.group_signals.clear();
  r.m.handle(Event::kChildExited, exited(0));
  CHECK(r.fx.group_signals == (std::vector<std::pair<pid_t, int>>{{100, SIGKILL}}));

  // A child that has not made its group yet is signalled itself.
  Running q{s};
  q.fx.no_group.push_back(100);
  q.m.handle(Event::kCmdAlarm);
  CHECK(q.fx.signals.back() == std::make_pair(pid_t(100), SIGALRM));

  // An exit that no stop caused leaves the group alone.
  Running e{s};
  e.fx.now += 5000;
  e.m.handle(Event::kChildExited, exited(1));
  CHECK(e.fx.group_signals.empty());
}

TEST_CASE("signal letters and svc -s reach ./run only when it runs", "[supervise]") {
  Running r{supervise::Settings(), false};
  r.m.handle(Event::kCmdSignal, SIGUSR1);
  CHECK(r.fx.signals.empty());
  r.m.handle(Event::kCmdUp);
  r.m.handle(Event::kCmdSignal, SIGUSR2);
  r.m.handle(Event::kCmdSignal, 40);
  CHECK(r.fx.signals == (std::vector<std::pair<pid_t, int>>{{100, SIGUSR2}, {100, 40}}));
}

TEST_CASE("r: the stop sequence, then a start again, want unchanged", "[supervise]") {
  auto s = any();
  s.down_signal = SIGINT;
  s.timeout_kill = 500;
  Running r{s};
  r.fx.now += 5000;
  r.m.handle(Event::kCmdRestart);
  CHECK(r.fx.signals == (std::vector<std::pair<pid_t, int>>{{100, SIGINT}, {100, SIGCONT}}));
  CHECK(r.m.want() == Want::kUp);
  advance(r.fx, r.m, 500);
  CHECK(r.fx.signals.back() == std::make_pair(pid_t(100), SIGKILL));
  r.m.handle(Event::kChildExited, killed(SIGKILL));
  CHECK(r.m.state() == State::kUp);
  CHECK(r.fx.spawns == 2);
  CHECK(r.fx.xpublished.back().deaths == 0);  // not the service's death

  // With want down (o, then the run is still up), r starts it again too.
  Running o{s};
  o.m.handle(Event::kCmdOnce);
  o.fx.now += 5000;
  o.m.handle(Event::kCmdRestart);
  o.m.handle(Event::kChildExited, exited(0));
  CHECK(o.fx.spawns == 2);
  CHECK(o.m.want() == Want::kOnce);

  // Not running: nothing to restart. d after r cancels the start.
  Running d{s, false};
  d.m.handle(Event::kCmdRestart);
  CHECK(d.fx.spawns == 0);
  Running c{s};
  c.fx.now += 5000;
  c.m.handle(Event::kCmdRestart);
  c.m.handle(Event::kCmdDown);
  c.m.handle(Event::kChildExited, exited(0));
  CHECK(c.m.state() == State::kDown);
  CHECK(c.fx.spawns == 1);
}

TEST_CASE("finish gets s6's arguments; the service is finishing until it exits", "[supervise]") {
  auto s = any();
  s.finish = true;
  Running r{s};
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, exited(3));
  REQUIRE(r.fx.finishes.size() == 1);
  CHECK(r.fx.finishes[0].code == 3);
  CHECK(r.fx.finishes[0].sig == 0);
  CHECK(r.m.state() == State::kFinishing);
  CHECK(r.fx.published.back().pid == 0);
  CHECK(r.fx.xpublished.back().state == lib::XState::kFinishing);
  CHECK(r.fx.xpublished.back().exit_code == 3);
  CHECK(r.fx.spawns == 1);  // not restarted while finish runs
  pid_t f = r.m.finish_child();
  CHECK(f == 101);
  r.m.handle(Event::kFinishExited, exited(0));
  CHECK(r.m.state() == State::kUp);
  CHECK(r.fx.spawns == 2);

  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, killed(SIGSEGV));
  CHECK(r.fx.finishes.back().code == 256);
  CHECK(r.fx.finishes.back().sig == SIGSEGV);
  CHECK(r.fx.xpublished.back().exit_code == 256);
  CHECK(r.fx.xpublished.back().exit_signal == SIGSEGV);
  // A crashing finish counts as finished.
  r.m.handle(Event::kFinishExited, killed(SIGSEGV));
  CHECK(r.m.state() == State::kUp);
}

TEST_CASE("finish: timeout-finish kills it (its group with setsid)", "[supervise]") {
  auto s = any();
  s.finish = true;
  s.timeout_finish = 200;
  Running r{s};
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, exited(0));
  CHECK(r.m.timeout_ms() == 200);
  advance(r.fx, r.m, 200);
  CHECK(r.fx.finish_timeouts == 1);
  CHECK(r.fx.signals.back() == std::make_pair(pid_t(101), SIGKILL));
  r.m.handle(Event::kFinishExited, killed(SIGKILL));
  CHECK(r.m.state() == State::kUp);

  s.setsid = true;
  Running g{s};
  g.fx.now += 5000;
  g.m.handle(Event::kChildExited, exited(0));
  CHECK(g.fx.finishes.back().setsid);
  advance(g.fx, g.m, 200);
  CHECK(g.fx.group_signals.back() == std::make_pair(pid_t(101), SIGKILL));

  // timeout-finish 0: never killed.
  s.timeout_finish = 0;
  Running n{s};
  n.fx.now += 5000;
  n.m.handle(Event::kChildExited, exited(0));
  CHECK(n.m.timeout_ms() == -1);
}

TEST_CASE("finish exiting 125 marks the service permanently down; u starts it", "[supervise]") {
  auto s = any();
  s.finish = true;
  Running r{s};
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, exited(1));
  r.m.handle(Event::kCmdUp);  // u during finish does not override 125
  r.m.handle(Event::kFinishExited, exited(125));
  CHECK(r.m.state() == State::kPermanentlyDown);
  CHECK(r.m.want() == Want::kDown);
  CHECK(r.fx.published.back().want == 'd');
  CHECK(r.fx.xpublished.back().state == lib::XState::kPermanentlyDown);
  advance(r.fx, r.m, 10000);
  CHECK(r.fx.spawns == 1);
  r.m.handle(Event::kCmdUp);
  CHECK(r.m.state() == State::kUp);
  CHECK(r.fx.spawns == 2);
}

TEST_CASE("commands during finish: d, u, x, signals", "[supervise]") {
  auto s = any();
  s.finish = true;
  Running r{s};
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, exited(0));
  size_t sigs = r.fx.signals.size();
  r.m.handle(Event::kCmdKill);  // for ./run, which is not running
  CHECK(r.fx.signals.size() == sigs);
  r.m.handle(Event::kCmdDown);
  CHECK(r.m.state() == State::kFinishing);  // finish is not interrupted
  r.m.handle(Event::kFinishExited, exited(0));
  CHECK(r.m.state() == State::kDown);
  CHECK(r.fx.spawns == 1);

  Running u{s, false};
  u.m.handle(Event::kCmdUp);
  u.fx.now += 5000;
  u.m.handle(Event::kChildExited, exited(0));
  u.m.handle(Event::kCmdDown);
  u.m.handle(Event::kCmdUp);
  u.m.handle(Event::kFinishExited, exited(0));
  CHECK(u.m.state() == State::kUp);  // the last command wins

  Running x{s};
  x.fx.now += 5000;
  x.m.handle(Event::kChildExited, exited(0));
  x.m.handle(Event::kCmdDown);
  x.m.handle(Event::kCmdExit);
  CHECK(!x.m.finished());  // waits for finish
  x.m.handle(Event::kFinishExited, exited(0));
  CHECK(x.m.finished());
}

TEST_CASE("a finish that cannot be forked is skipped with a warning", "[supervise]") {
  auto s = any();
  s.finish = true;
  Running r{s};
  r.fx.finish_fork_fails = true;
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, exited(0));
  CHECK(r.fx.finish_fork_warnings == 1);
  CHECK(r.m.state() == State::kUp);
}

TEST_CASE("backoff: quick deaths double the pause from 1 s to the cap", "[supervise]") {
  auto s = any();
  s.restart_delay_max = 5000;
  s.restart_stable = 3000;
  Running r{s};
  std::vector<int> pauses;
  for (int i = 0; i < 6; ++i) {
    r.fx.now += 10;
    r.m.handle(Event::kChildExited, exited(1));
    REQUIRE(r.m.state() == State::kBackoff);
    pauses.push_back(r.m.timeout_ms());
    CHECK(r.fx.xpublished.back().state == lib::XState::kBackoff);
    CHECK(r.fx.xpublished.back().deaths == i + 1);
    int64_t until_ms = int64_t(r.fx.xpublished.back().backoff_until.sec - lib::kTaiOffset) * 1000;
    CHECK(until_ms == (r.fx.now / 1000) * 1000 + pauses.back());  // fake wall: whole seconds
    advance(r.fx, r.m, pauses.back());
    REQUIRE(r.m.state() == State::kUp);
  }
  CHECK(pauses == std::vector<int>{1000, 2000, 4000, 5000, 5000, 5000});
  // A stable run resets the count: restarted at once.
  r.fx.now += 3000;
  r.m.handle(Event::kChildExited, exited(1));
  CHECK(r.m.state() == State::kUp);
  CHECK(r.fx.xpublished.back().deaths == 0);
  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(1));
  CHECK(r.m.timeout_ms() == 1000);
}

TEST_CASE("commands during backoff act at once; u starts within the one-a-second limit", "[supervise]") {
  auto s = any();
  s.restart_delay_max = 60000;
  Running r{s};
  for (int i = 0; i < 4; ++i) {
    r.fx.now += 10;
    r.m.handle(Event::kChildExited, exited(1));
    advance(r.fx, r.m, r.m.timeout_ms());
  }
  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(1));
  REQUIRE(r.m.state() == State::kBackoff);
  CHECK(r.m.timeout_ms() == 16000);
  int spawns = r.fx.spawns;
  r.m.handle(Event::kCmdUp);
  CHECK(r.m.state() == State::kPending);  // 10 ms after the last start
  advance(r.fx, r.m, 990);
  CHECK(r.fx.spawns == spawns + 1);

  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(1));
  REQUIRE(r.m.state() == State::kBackoff);
  r.fx.now += 2000;
  r.m.handle(Event::kCmdUp);  // more than a second after: at once
  CHECK(r.m.state() == State::kUp);

  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(1));
  r.m.handle(Event::kCmdDown);
  CHECK(r.m.state() == State::kDown);
  CHECK(r.m.timeout_ms() == -1);
  r.m.handle(Event::kCmdOnce);
  r.fx.now += 1000;
  r.m.fire_timers();
  CHECK(r.m.state() == State::kUp);

  r.fx.now += 10;
  r.m.handle(Event::kCmdUp);
  r.m.handle(Event::kChildExited, exited(1));
  REQUIRE(r.m.state() == State::kBackoff);
  r.m.handle(Event::kCmdExit);
  CHECK(r.m.finished());
}

TEST_CASE("give-up: N deaths within T seconds mark the service failed until u", "[supervise]") {
  auto s = any();
  s.give_up_deaths = 3;
  s.give_up_ms = 10000;
  Running r{s};
  // Deaths spread wider than T do not add up.
  for (int i = 0; i < 4; ++i) {
    r.fx.now += 11000;
    r.m.handle(Event::kChildExited, exited(1));
    CHECK(r.m.state() == State::kUp);
  }
  r.fx.now += 1000;
  r.m.handle(Event::kChildExited, exited(1));
  advance(r.fx, r.m, 1000);
  CHECK(r.m.state() == State::kUp);
  r.m.handle(Event::kChildExited, exited(1));  // third within 10 s
  CHECK(r.m.state() == State::kFailed);
  CHECK(r.m.want() == Want::kDown);
  CHECK(r.fx.published.back().want == 'd');
  CHECK(r.fx.xpublished.back().state == lib::XState::kFailed);
  advance(r.fx, r.m, 60000);
  int spawns = r.fx.spawns;
  r.m.handle(Event::kCmdUp);
  CHECK(r.fx.spawns == spawns + 1);
  // The count starts again after u.
  r.fx.now += 1000;
  r.m.handle(Event::kChildExited, exited(1));
  CHECK(r.m.state() == State::kUp);
}

TEST_CASE("no-restart: listed exit codes and signals leave the service down", "[supervise]") {
  auto s = any();
  REQUIRE(supervise::parse_no_restart("0 3\nTERM", s));
  Running r{s};
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, exited(1));
  CHECK(r.m.state() == State::kUp);
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, killed(SIGKILL));
  CHECK(r.m.state() == State::kUp);
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, exited(3));
  CHECK(r.m.state() == State::kNotRestarted);
  CHECK(r.m.want() == Want::kDown);
  CHECK(r.fx.xpublished.back().state == lib::XState::kNotRestarted);
  r.m.handle(Event::kCmdUp);
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, killed(SIGTERM));
  CHECK(r.m.state() == State::kNotRestarted);
}

TEST_CASE("start-retries: N+1 failed starts in a row mark the service failed until u", "[supervise]") {
  auto s = any();
  s.start_retries = 2;
  s.restart_stable = 1000;
  Running r{s};
  for (int i = 0; i < 2; ++i) {  // the first start and one retry fail
    r.fx.now += 10;
    r.m.handle(Event::kChildExited, exited(1));
    REQUIRE(r.m.state() == State::kPending);  // the usual pacing
    CHECK(r.fx.xpublished.back().deaths == i + 1);
    advance(r.fx, r.m, 990);
    REQUIRE(r.m.state() == State::kUp);
  }
  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(1));  // the second retry fails too
  CHECK(r.m.state() == State::kFailed);
  CHECK(r.m.want() == Want::kDown);
  CHECK(r.fx.published.back().want == 'd');
  CHECK(r.fx.xpublished.back().state == lib::XState::kFailed);
  CHECK(r.fx.spawns == 3);
  advance(r.fx, r.m, 60000);
  CHECK(r.fx.spawns == 3);
  CHECK(r.m.timeout_ms() == -1);
  // u starts it, and the count starts again.
  r.m.handle(Event::kCmdUp);
  CHECK(r.fx.spawns == 4);
  CHECK(r.fx.xpublished.back().deaths == 0);
  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(1));
  CHECK(r.m.state() == State::kPending);
  // 0: the first failed start is the last.
  auto z = any();
  z.start_retries = 0;
  Running q{z};
  q.fx.now += 10;
  q.m.handle(Event::kChildExited, killed(SIGSEGV));
  CHECK(q.m.state() == State::kFailed);
  CHECK(q.fx.spawns == 1);
}

TEST_CASE("start-retries: a stable run resets the count; backoff paces the retries", "[supervise]") {
  auto s = any();
  s.start_retries = 1;
  s.restart_stable = 1000;
  s.restart_delay_max = 4000;
  Running r{s};
  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(1));
  REQUIRE(r.m.state() == State::kBackoff);
  CHECK(r.m.timeout_ms() == 1000);
  advance(r.fx, r.m, 1000);
  REQUIRE(r.m.state() == State::kUp);
  r.fx.now += 1000;  // stable: the count goes back to 0, restarted at once
  r.m.handle(Event::kChildExited, exited(1));
  CHECK(r.m.state() == State::kUp);
  CHECK(r.fx.xpublished.back().deaths == 0);
  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(1));
  REQUIRE(r.m.state() == State::kBackoff);
  advance(r.fx, r.m, r.m.timeout_ms());
  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(1));
  CHECK(r.m.state() == State::kFailed);
  CHECK(r.fx.spawns == 4);
}

TEST_CASE("start-retries: deaths the operator caused do not count, supervise's do", "[supervise]") {
  auto s = any();
  s.start_retries = 0;
  s.restart_stable = 1000;
  Running r{s};
  r.fx.now += 10;
  r.m.handle(Event::kCmdRestart);
  r.m.handle(Event::kChildExited, killed(SIGTERM));
  CHECK(r.m.state() == State::kPending);  // not failed: svc -r's doing
  advance(r.fx, r.m, 990);
  REQUIRE(r.m.state() == State::kUp);
  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(1));
  CHECK(r.m.state() == State::kFailed);
  // timeout-ready: a quick failure to get ready is a failed start.
  auto t = any();
  t.start_retries = 0;
  t.notification_fd = 3;
  t.timeout_ready = 500;
  t.restart_stable = 1000;
  Running p{t};
  advance(p.fx, p.m, 500);
  p.m.handle(Event::kChildExited, killed(SIGTERM));
  CHECK(p.m.state() == State::kFailed);
  // ... but not when it took restart-stable or more.
  t.timeout_ready = 1000;
  Running q{t};
  advance(q.fx, q.m, 1000);
  q.m.handle(Event::kChildExited, killed(SIGTERM));
  CHECK(q.m.state() == State::kUp);
}

TEST_CASE("start-retries: no-restart does not apply to a failed start, only after a stable run",
          "[supervise]") {
  auto s = any();
  REQUIRE(supervise::parse_no_restart("0 all", s));
  s.start_retries = 3;
  s.restart_stable = 1000;
  Running r{s};
  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(0));
  CHECK(r.m.state() == State::kPending);
  advance(r.fx, r.m, 990);
  r.fx.now += 10;
  r.m.handle(Event::kChildExited, killed(SIGRTMIN + 2));
  CHECK(r.m.state() == State::kPending);
  advance(r.fx, r.m, 990);
  REQUIRE(r.m.state() == State::kUp);
  r.fx.now += 1000;
  r.m.handle(Event::kChildExited, exited(0));
  CHECK(r.m.state() == State::kNotRestarted);
  CHECK(r.fx.spawns == 3);
}

TEST_CASE("without start-retries: quick deaths never fail, no-restart applies to them", "[supervise]") {
  auto s = any();
  REQUIRE(supervise::parse_no_restart("0", s));
  s.restart_stable = 1000;
  REQUIRE(s.start_retries == -1);
  Running r{s};
  for (int i = 0; i < 20; ++i) {
    r.fx.now += 10;
    r.m.handle(Event::kChildExited, exited(1));
    REQUIRE(r.m.state() == State::kPending);
    advance(r.fx, r.m, 990);
    REQUIRE(r.m.state() == State::kUp);
  }
  CHECK(r.fx.xpublished.back().deaths == 20);
  r.fx.now += 10;
  r.m.handle(Event::kChildExited, exited(0));
  CHECK(r.m.state() == State::kNotRestarted);
}

TEST_CASE("no-restart all: every exit code and every signal, real-time ones too", "[supervise]") {
  auto s = any();
  REQUIRE(supervise::parse_no_restart("all", s));
  {
    Running r{s};
    r.fx.now += 5000;
    r.m.handle(Event::kChildExited, exited(7));
    CHECK(r.m.state() == State::kNotRestarted);
    CHECK(r.fx.xpublished.back().state == lib::XState::kNotRestarted);
  }
  {
    Running r{s};
    r.fx.now += 5000;
    r.m.handle(Event::kChildExited, killed(36));  // SIGRTMIN+2, no name
    CHECK(r.m.state() == State::kNotRestarted);
    CHECK(r.m.want() == Want::kDown);
    CHECK(r.fx.spawns == 1);
  }
}

TEST_CASE("setting files parse as documented", "[supervise]") {
  int64_t ms = -1;
  CHECK(supervise::parse_millis("250\n", ms));
  CHECK(ms == 250);
  CHECK(supervise::parse_millis("0", ms));
  CHECK(ms == 0);
  for (const char* bad : {"", "-1", "1.5", "1s", "12 3", "99999999999999"})
    CHECK(!supervise::parse_millis(bad, ms));
  CHECK(ms == 0);
  int sig = 0;
  CHECK(supervise::parse_signal("HUP\n", sig));
  CHECK(sig == SIGHUP);
  CHECK(supervise::parse_signal("sigusr1", sig));
  CHECK(sig == SIGUSR1);
  CHECK(supervise::parse_signal("9", sig));
  CHECK(sig == 9);
  for (const char* bad : {"", "0", "65", "FOO", "SIG", "TERM KILL"}) CHECK(!supervise::parse_signal(bad, sig));
  int n = 0;
  CHECK(supervise::parse_give_up("5 60\n", n, ms));
  CHECK(n == 5);
  CHECK(ms == 60000);
  for (const char* bad : {"5", "0 60", "5 0", "65 10", "5 60 1", "a b"})
    CHECK(!supervise::parse_give_up(bad, n, ms));
  supervise::Settings s;
  CHECK(supervise::parse_no_restart("0 255 SIGTERM hup 1", s));
  CHECK(s.no_restart_code(0));
  CHECK(s.no_restart_code(255));
  CHECK(s.no_restart_code(1));
  CHECK(!s.no_restart_code(2));
  CHECK(s.no_restart_signal(SIGTERM));
  CHECK(s.no_restart_signal(SIGHUP));
  CHECK(!s.no_restart_signal(SIGKILL));
  CHECK(!supervise::parse_no_restart("0 256", s));
  CHECK(!supervise::parse_no_restart("0 NOPE", s));
  CHECK(s.no_restart_code(0));  // unchanged by a malformed list
  CHECK(supervise::parse_no_restart("3 all TERM\n", s));
  for (int c = 0; c < 256; ++c) CHECK(s.no_restart_code(c));
  for (int g = 1; g <= 64; ++g) CHECK(s.no_restart_signal(g));
  CHECK(!s.no_restart_signal(0));
  CHECK(!s.no_restart_signal(65));
  CHECK(!supervise::parse_no_restart("ALL", s));
  CHECK(!supervise::parse_no_restart("all1", s));
  int retries = -1;
  CHECK(supervise::parse_start_retries("0", retries));
  CHECK(retries == 0);
  CHECK(supervise::parse_start_retries("1000\n", retries));
  CHECK(retries == 1000);
  for (const char* bad : {"", "-1", "1001", "1 2", "x", "1.5", "99999999999999999999"})
    CHECK(!supervise::parse_start_retries(bad, retries));
  CHECK(retries == 1000);
  CHECK(supervise::Settings().start_retries == -1);  // no file: no limit
}

TEST_CASE("restarts: every start of ./run after the first, in the xstatus", "[supervise]") {
  Running r{supervise::Settings()};
  CHECK(r.fx.xpublished.back().restarts == 0);
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, exited(0));
  CHECK(r.fx.xpublished.back().restarts == 1);
  r.m.handle(Event::kCmdDown);
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, killed(SIGTERM));
  r.m.handle(Event::kCmdUp);
  CHECK(r.fx.xpublished.back().restarts == 2);
  CHECK(r.fx.xpublished.back().features == 0);
}

TEST_CASE("notification-fd: not ready until the newline, then stamped; down is not ready",
          "[supervise]") {
  auto s = any();
  s.notification_fd = 5;
  Running r{s};
  REQUIRE(r.fx.notif_opened == std::vector<int>{5});
  CHECK(!r.m.ready());
  auto& x = r.fx.xpublished.back();
  CHECK(x.features == (lib::kXFeatureSettings | lib::kXFeatureReadiness));
  CHECK(x.ready_when.sec == 0);
  CHECK(r.m.timeout_ms() == -1);  // no timeout-ready: nothing wakes
  r.fx.now += 1500;
  r.m.handle(Event::kReady);
  CHECK(r.m.ready());
  CHECK(r.fx.notif_closes == 1);  // read no further, as s6
  CHECK(r.fx.xpublished.back().ready_when.sec == lib::kTaiOffset + 11);
  size_t n = r.fx.published.size();
  r.m.handle(Event::kReady);  // a second newline changes nothing
  CHECK(r.fx.published.size() == n);
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, exited(0));
  CHECK(r.fx.xpublished.back().ready_when.sec == 0);
  CHECK(r.fx.notif_opened.size() == 2);  // a new pipe for the new ./run
  CHECK(!r.m.ready());
  // A pipe that cannot be made: ./run starts without it, ready when up.
  Running f{s, false};
  f.fx.notif_fails = true;
  f.m.handle(Event::kCmdUp);
  CHECK(f.m.state() == State::kUp);
  CHECK(f.m.ready());
}

TEST_CASE("timeout-ready: a ./run not ready in time is stopped, counted, backed off", "[supervise]") {
  auto s = any();
  s.notification_fd = 3;
  s.timeout_ready = 2000;
  s.timeout_kill = 500;
  s.restart_delay_max = 8000;
  s.no_restart_signals = uint64_t(1) << (SIGTERM - 1);  // not for supervise's own stop
  Running r{s};
  CHECK(r.m.timeout_ms() == 2000);
  advance(r.fx, r.m, 2000);
  CHECK(r.fx.signals == (std::vector<std::pair<pid_t, int>>{{100, SIGTERM}, {100, SIGCONT}}));
  CHECK(r.fx.xpublished.back().flags == lib::kXStatusStopping);
  advance(r.fx, r.m, 500);  // timeout-kill applies
  CHECK(r.fx.signals.back() == std::make_pair(pid_t(100), SIGKILL));
  r.m.handle(Event::kChildExited, killed(SIGKILL));
  CHECK(r.m.state() == State::kBackoff);  // a failed start: the service's death
  CHECK(r.fx.xpublished.back().deaths == 1);
  advance(r.fx, r.m, 1000);
  CHECK(r.fx.spawns == 2);
  // Ready in time: the timer goes.
  r.fx.now += 100;
  r.m.handle(Event::kReady);
  CHECK(r.m.timeout_ms() == -1);
  // A service ready without a protocol never arms it.
  auto t = any();
  t.timeout_ready = 2000;
  Running p{t};
  CHECK(p.m.ready());
  CHECK(p.m.timeout_ms() == -1);
}

TEST_CASE("check: first success marks ready; N failures in a row restart ./run", "[supervise]") {
  auto s = any();
  s.check = true;
  s.check_interval = 10000;
  s.check_timeout = 3000;
  s.check_failures = 2;
  Running r{s};
  CHECK(!r.m.ready());
  CHECK(r.fx.xpublished.back().features ==
        (lib::kXFeatureSettings | lib::kXFeatureReadiness | lib::kXFeatureCheck));
  CHECK(r.m.timeout_ms() == 1000);  // before ready: every second at most
  advance(r.fx, r.m, 1000);
  REQUIRE(r.fx.checks.size() == 1);
  r.m.handle(Event::kCheckExited, exited(1));  // before ready: does not count
  CHECK(r.fx.xpublished.back().check_failures == 0);
  CHECK(r.m.timeout_ms() == 1000);
  advance(r.fx, r.m, 1000);
  REQUIRE(r.fx.checks.size() == 2);
  r.m.handle(Event::kCheckExited, exited(0));
  CHECK(r.m.ready());
  CHECK(r.m.timeout_ms() == 10000);
  advance(r.fx, r.m, 10000);
  r.m.handle(Event::kCheckExited, exited(1));
  CHECK(r.fx.xpublished.back().check_failures == 1);
  CHECK(r.fx.signals.empty());
  advance(r.fx, r.m, 10000);
  r.m.handle(Event::kCheckExited, exited(0));  // a success resets the count
  CHECK(r.fx.xpublished.back().check_failures == 0);
  advance(r.fx, r.m, 10000);
  r.m.handle(Event::kCheckExited, exited(1));
  advance(r.fx, r.m, 10000);
  r.m.handle(Event::kCheckExited, exited(2));
  CHECK(r.fx.xpublished.back().check_failures == 2);
  CHECK(r.fx.signals == (std::vector<std::pair<pid_t, int>>{{100, SIGTERM}, {100, SIGCONT}}));
  CHECK(r.m.timeout_ms() == -1);  // no check while stopping
  r.m.handle(Event::kChildExited, killed(SIGTERM));
  CHECK(r.m.state() == State::kUp);  // long up: restarted at once
  CHECK(r.fx.spawns == 2);
  CHECK(r.fx.xpublished.back().check_failures == 0);
  CHECK(r.fx.xpublished.back().restarts == 1);
}

TEST_CASE("check: a hung check is killed (its group) and fails", "[supervise]") {
  auto s = any();
  s.check = true;
  s.check_interval = 2000;
  s.check_timeout = 300;
  Running r{s};
  advance(r.fx, r.m, 1000);
  r.m.handle(Event::kCheckExited, exited(0));
  advance(r.fx, r.m, 2000);
  REQUIRE(r.fx.checks.size() == 2);
  pid_t c = r.fx.checks.back();
  CHECK(r.m.timeout_ms() == 300);
  advance(r.fx, r.m, 300);
  CHECK(r.fx.check_timeouts == 1);
  CHECK(r.fx.group_signals.back() == std::make_pair(c, SIGKILL));
  r.m.handle(Event::kCheckExited, killed(SIGKILL));
  CHECK(r.fx.xpublished.back().check_failures == 1);
  CHECK(r.m.timeout_ms() == 2000);
}

TEST_CASE("check: never while paused, stopping, down or finishing", "[supervise]") {
  auto s = any();
  s.check = true;
  s.finish = true;
  s.check_interval = 2000;
  Running r{s};
  r.m.handle(Event::kCmdPause);
  CHECK(r.m.timeout_ms() == -1);
  advance(r.fx, r.m, 5000);
  CHECK(r.fx.checks.empty());
  r.m.handle(Event::kCmdContinue);
  CHECK(r.m.timeout_ms() == 1000);
  advance(r.fx, r.m, 1000);
  REQUIRE(r.fx.checks.size() == 1);
  // ./run exits while the check runs: the check's group is killed, its
  // result ignored, and nothing is armed during finish.
  r.m.handle(Event::kChildExited, exited(0));
  CHECK(r.fx.group_signals.back() == std::make_pair(r.fx.checks.back(), SIGKILL));
  CHECK(r.m.state() == State::kFinishing);
  r.m.handle(Event::kCheckExited, exited(1));
  CHECK(r.fx.xpublished.back().check_failures == 0);
  r.m.handle(Event::kCmdDown);
  r.m.handle(Event::kFinishExited, exited(0));
  CHECK(r.m.state() == State::kDown);
  CHECK(r.m.timeout_ms() == -1);
  advance(r.fx, r.m, 60000);
  CHECK(r.fx.checks.size() == 1);
}

TEST_CASE("sd_notify parsing: keys, repeats, unknown and malformed lines", "[supervise]") {
  auto m = supervise::parse_notify("READY=1\nSTATUS=Accepting connections\nX=1\nnoequals\nMAINPID=42");
  CHECK(m.ready);
  CHECK(m.has_status);
  CHECK(m.status == "Accepting connections");
  CHECK(m.mainpid == 42);
  CHECK(!m.stopping);
  CHECK(m.extend_usec == -1);
  m = supervise::parse_notify("READY=0\nSTOPPING=1\nRELOADING=1\nWATCHDOG=1\nEXTEND_TIMEOUT_USEC=5000000\n");
  CHECK(!m.ready);
  CHECK(m.stopping);
  CHECK(m.reloading);
  CHECK(m.watchdog);
  CHECK(!m.watchdog_trigger);
  CHECK(m.extend_usec == 5000000);
  m = supervise::parse_notify("WATCHDOG=trigger\nMAINPID=x\nSTATUS=a\nSTATUS=b");
  CHECK(m.watchdog_trigger);
  CHECK(m.mainpid == 0);
  CHECK(m.status == "b");
  CHECK(!supervise::parse_notify("").ready);
}

TEST_CASE("notify: READY=1, STATUS=, RELOADING and STOPPING, MAINPID, EXTEND_TIMEOUT_USEC",
          "[supervise]") {
  auto s = any();
  s.notify = true;
  s.timeout_ready = 3000;
  Running r{s};
  REQUIRE(r.fx.notify_opened == std::vector<int64_t>{0});
  CHECK(!r.m.ready());
  CHECK(r.fx.xpublished.back().features ==
        (lib::kXFeatureSettings | lib::kXFeatureReadiness | lib::kXFeatureNotify));
  supervise::NotifyMsg m;
  m.has_status = true;
  m.status = "starting";
  m.extend_usec = 5000000;  // ready may take 5 s more
  r.m.notified(m);
  CHECK(std::string(r.fx.xpublished.back().text, r.fx.xpublished.back().text_len) == "starting");
  CHECK(r.m.timeout_ms() == 5000);
  r.fx.now += 4000;
  m = {};
  m.ready = true;
  m.has_status = true;
  m.status = "serving";
  size_t pubs = r.fx.published.size();
  r.m.notified(m);
  CHECK(r.fx.published.size() == pubs + 1);  // one change, one publish
  CHECK(r.m.ready());
  CHECK(r.m.timeout_ms() == -1);
  m = {};
  m.reloading = true;
  r.m.notified(m);
  CHECK(!r.m.ready());
  m = {};
  m.ready = true;
  r.m.notified(m);
  CHECK(r.m.ready());
  m = {};
  m.mainpid = 4242;
  r.m.notified(m);
  CHECK(r.m.notify_main() == 4242);
  // STATUS= is truncated to what the extension holds.
  std::string big(1000, 'x');
  m = {};
  m.has_status = true;
  m.status = big;
  r.m.notified(m);
  CHECK(r.fx.xpublished.back().text_len == lib::kXStatusTextMax);
  // ./run exits: the socket goes, MAINPID is forgotten, a message from the
  // old run changes nothing.
  r.fx.now += 5000;
  r.m.handle(Event::kChildExited, exited(0));
  CHECK(r.fx.notify_closes == 1);
  CHECK(r.m.notify_main() == 0);
  CHECK(r.fx.notify_opened.size() == 2);  // restarted at once, a new socket
  CHECK(r.fx.xpublished.back().text_len == 0);
  CHECK(!r.m.ready());
}

TEST_CASE("watchdog: WATCHDOG=1 keeps ./run, silence restarts it", "[supervise]") {
  auto s = any();
  s.notify = true;
  s.timeout_watchdog = 2000;
  Running r{s};
  REQUIRE(r.fx.notify_opened == std::vector<int64_t>{2000});
  CHECK(r.fx.xpublished.back().features & lib::kXFeatureWatchdog);
  supervise::NotifyMsg m;
  m.ready = true;
  m.watchdog = true;
  for (int i = 0; i < 5; ++i) {
    advance(r.fx, r.m, 1500);
    r.m.notified(m);
  }
  CHECK(r.fx.signals.empty());
  advance(r.fx, r.m, 2000);
  CHECK(r.fx.signals == (std::vector<std::pair<pid_t, int>>{{100, SIGTERM}, {100, SIGCONT}}));
  REQUIRE(r.fx.unhealthy_why.size() == 1);
  CHECK(r.fx.unhealthy_why[0] == std::string("no WATCHDOG=1 within timeout-watchdog"));
  r.m.handle(Event::kChildExited, killed(SIGTERM));
  CHECK(r.fx.spawns == 2);  // up long enough: at once
  CHECK(r.m.timeout_ms() == 2000);  // the new ./run's watchdog
  // Paused (svc -p), it cannot send: no watchdog until continued.
  r.m.handle(Event::kCmdPause);
  CHECK(r.m.timeout_ms() == -1);
  advance(r.fx, r.m, 10000);
  CHECK(r.fx.unhealthy_why.size() == 1);
  r.m.handle(Event::kCmdContinue);
  CHECK(r.m.timeout_ms() == 2000);
  // WATCHDOG=trigger: at once.
  m = {};
  m.watchdog_trigger = true;
  r.m.notified(m);
  CHECK(r.fx.unhealthy_why.size() == 2);
}
