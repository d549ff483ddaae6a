#!/usr/bin/python3
"""The service of tests/blackbox/svimport-supervisord.sh, and the reader of
what it recorded (Python standard library only).

  svprobe.py TAG MODE [ARG...]   run as a service: record the start, act by MODE
  svprobe.py summary REPORTS     print what the records of each TAG in REPORTS
                                 show: "TAG<tab>key=value" lines (see
                                 summary() below)

Run by supervisord, and by our supervise after svimport converted the same
configuration, it records what a user of either would see, in
reports/TAG/ beside this file (the test copies it into its temp dir and
makes reports/ writable for an unprivileged user):
  start.N   (N = 1, 2, ...: the start number) JSON: argv (the whole argv as
            exec'd, from /proc/self/cmdline), cwd, umask, uid, gid, euid,
            egid, groups, pid, pgid, sid, env, t (CLOCK_MONOTONIC ns)
  starts    a line "pid t" per start, appended once start.N is written and
            the child and the witness (below) are in place
  signals   a line "who name t" per signal received (who: main or child)
  events    a line "who what ... t": "main exit CODE|SIGNAME", "main kill
            SIGNUM", "main child PID", "child exit SIGNAME", "child
            orphaned", "witness died main|child"
At every start it writes "out1 TAG N" to stdout, "err TAG N" to stderr and
"out2 TAG N" to stdout, in that order (N: the start number).

MODE is a list joined with +:
  run              stay up; exit 0 on the first signal that is not CONT,
                   CHLD, WINCH or URG (the default)
  stubborn         ignore every catchable signal (each is still recorded);
                   a witness, in a session of its own so that no signal for
                   the service's process group reaches it, records when the
                   main process (and the child) died
  child            fork a child into the same process group; it records its
                   signals like the main (stubborn too if the main is) and
                   exits once orphaned; the witness (see stubborn) records
                   when the main and the child died
  linger:MS        the child takes MS ms to exit after a signal (a clean
                   shutdown), other signals blocked meanwhile
  awaitchild:MS    on its stop signal the main exits only once the child
                   has recorded a signal, or after MS ms: a signal sent to
                   the whole group is then seen by both even when the rest
                   of the group is killed as soon as the main exits and the
                   child had no CPU in between (a loaded machine)
  exitonce:C:MS    the first start exits with code C after MS ms; later ones
                   stay up as run
  exitalways:C:MS  every start exits with code C after MS ms
  killonce:S:MS    the first start kills itself with signal number S after
                   MS ms; later ones stay up as run
  lines:N:W[:MS[:DELAY]]  after DELAY ms (default 0) write N numbered lines
                   of W bytes (newline included) to stdout, MS ms apart
                   (default 0), then "done TAG"; then stay up as run
"""
import json
import os
import select
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QUIET = {signal.SIGCONT, signal.SIGCHLD, signal.SIGWINCH, signal.SIGURG}
CATCHABLE = [s for s in signal.valid_signals()
             if s not in (signal.SIGKILL, signal.SIGSTOP) and 0 < s < signal.SIGRTMIN]


def now():
    return time.monotonic_ns()


def record(path, line):
    """Appends one line with one write(2), so records of several processes never mix."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def signame(s):
    return signal.Signals(s).name[3:]


def child_recorded(d):
    try:
        with open(os.path.join(d, "signals")) as f:
            return any(line.startswith("child ") for line in f)
    except FileNotFoundError:
        return False


def handle_signals(d, who, stubborn, linger_ms=0, await_child_ms=0):
    def on_signal(s, _frame):
        record(os.path.join(d, "signals"), "%s %s %d" % (who, signame(s), now()))
        if stubborn or s in QUIET:
            return
        deadline = time.monotonic() + await_child_ms / 1000
        while not child_recorded(d) and time.monotonic() < deadline:
            time.sleep(0.005)
        if linger_ms:
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
            time.sleep(linger_ms / 1000)
        record(os.path.join(d, "events"), "%s exit %s %d" % (who, signame(s), now()))
        os._exit(0)
    for s in CATCHABLE:
        if s == signal.SIGCHLD:
            continue
        try:
            signal.signal(s, on_signal)
        except (OSError, ValueError):
            pass


def start_child(d, stubborn, linger_ms):
    main = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    handle_signals(d, "child", stubborn, linger_ms)
    try:
        while os.getppid() == main:
            time.sleep(0.02)
        record(os.path.join(d, "events"), "child orphaned %d" % now())
    finally:
        os._exit(0)


def start_witness(d, pids):
    """A process in a session of its own that records when each of pids
    (a dict who -> pid) dies; it leaves when all have, or after 120 s."""
    r, w = os.pipe()
    pid = os.fork()
    if pid:
        os.close(w)
        os.read(r, 1)  # the witness watches: the test may go on
        os.close(r)
        return
    try:
        os.close(r)
        os.setsid()
        null = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.chdir(HERE)  # inside the test's temp dir, where its cleanup looks
        watched = {os.pidfd_open(p): who for who, p in pids.items()}
        poller = select.poll()
        for fd in watched:
            poller.register(fd, select.POLLIN)
        os.write(w, b"x")
        os.close(w)
        deadline = time.monotonic() + 120
        while watched and time.monotonic() < deadline:
            for fd, _ev in poller.poll(1000):
                record(os.path.join(d, "events"), "witness died %s %d" % (watched.pop(fd), now()))
                poller.unregister(fd)
    finally:
        os._exit(0)


def report(d, n):
    with open("/proc/self/cmdline", "rb") as f:
        argv = [a.decode("utf-8", "surrogateescape") for a in f.read().split(b"\0")[:-1]]
    mask = os.umask(0)
    os.umask(mask)
    info = {
        "argv": argv, "cwd": os.getcwd(), "umask": "%04o" % mask,
        "uid": os.getuid(), "gid": os.getgid(), "euid": os.geteuid(), "egid": os.getegid(),
        "groups": sorted(os.getgroups()), "pid": os.getpid(), "pgid": os.getpgid(0),
        "sid": os.getsid(0), "env": dict(os.environ), "t": now(),
    }
    tmp = os.path.join(d, "start.%d.new" % n)
    with open(tmp, "w") as f:
        json.dump(info, f, sort_keys=True)
    os.rename(tmp, os.path.join(d, "start.%d" % n))


def serve(tag, mode):
    d = os.path.join(HERE, "reports", tag)
    os.makedirs(d, exist_ok=True)
    try:
        with open(os.path.join(d, "starts")) as f:
            n = len(f.readlines()) + 1
    except FileNotFoundError:
        n = 1
    flags = mode.split("+")
    stubborn = "stubborn" in flags
    await_child = [int(f.partition(":")[2]) for f in flags if f.startswith("awaitchild:")]
    handle_signals(d, "main", stubborn, 0, await_child[0] if await_child else 0)
    report(d, n)
    watched = {"main": os.getpid()}
    linger = [int(f.partition(":")[2]) for f in flags if f.startswith("linger:")]
    if "child" in flags:
        watched["child"] = start_child(d, stubborn, linger[0] if linger else 0)
        record(os.path.join(d, "events"), "main child %d %d" % (watched["child"], now()))
    if stubborn or "child" in flags:
        start_witness(d, watched)
    os.write(1, ("out1 %s %d\n" % (tag, n)).encode())
    os.write(2, ("err %s %d\n" % (tag, n)).encode())
    os.write(1, ("out2 %s %d\n" % (tag, n)).encode())
    record(os.path.join(d, "starts"), "%d %d" % (os.getpid(), now()))
    for f in flags:
        what, _, arg = f.partition(":")
        if what in ("exitonce", "exitalways") and (what == "exitalways" or n == 1):
            code, ms = (int(x) for x in arg.split(":"))
            time.sleep(ms / 1000)
            record(os.path.join(d, "events"), "main exit %d %d" % (code, now()))
            os._exit(code)
        if what == "killonce" and n == 1:
            sig, ms = (int(x) for x in arg.split(":"))
            time.sleep(ms / 1000)
            record(os.path.join(d, "events"), "main kill %d %d" % (sig, now()))
            signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
            time.sleep(10)
        if what == "lines":
            count, width, pause, delay = (int(x) for x in (arg + ":0:0").split(":")[:4])
            time.sleep(delay / 1000)
            for i in range(1, count + 1):
                out = b"line %05d " % i + b"x" * (width - 12) + b"\n"
                while out:
                    out = out[os.write(1, out):]
                if pause:
                    time.sleep(pause / 1000)
            os.write(1, ("done %s\n" % tag).encode())
    while True:
        time.sleep(3600)


def summary(d, out):
    """key=value lines, each through out(): starts (count), then from the
    first start argv (JSON), cwd, umask, uid, gid, groups, pgid_is_pid,
    sid_is_pid, env.NAME (JSON string) for each variable; main_signals and
    child_signals (names in order, comma separated, "-" for none; with
    _nocont: CONT left out; _conts: how many CONT); main_fate and child_fate
    (exit:WHY, killed: died without exiting by itself, orphaned, running,
    none); main_kill_ms and child_kill_ms (from the main's first signal to
    the death of a killed process); start_gaps_ms; envkeys (the names, in
    order)."""
    print = out
    def lines(name):
        try:
            with open(os.path.join(d, name)) as f:
                return [l.split() for l in f if l.strip()]
        except FileNotFoundError:
            return []
    starts = lines("starts")
    print("starts=%d" % len(starts))
    print("start_gaps_ms=%s" % (",".join(str((int(b[1]) - int(a[1])) // 1000000)
                                         for a, b in zip(starts, starts[1:])) or "-"))
    try:
        with open(os.path.join(d, "start.1")) as f:
            info = json.load(f)
    except FileNotFoundError:
        info = None
    if info:
        print("argv=%s" % json.dumps(info["argv"]))
        for k in ("cwd", "umask", "uid", "gid"):
            print("%s=%s" % (k, info[k]))
        print("groups=%s" % ",".join(str(g) for g in info["groups"]))
        print("pgid_is_pid=%s" % ("yes" if info["pgid"] == info["pid"] else "no"))
        print("sid_is_pid=%s" % ("yes" if info["sid"] == info["pid"] else "no"))
        for k in sorted(info["env"]):
            print("env.%s=%s" % (k, json.dumps(info["env"][k])))
        print("envkeys=%s" % " ".join(sorted(info["env"])))
    sigs = lines("signals")
    events = lines("events")
    first = next((int(s[2]) for s in sigs if s[0] == "main"), None)
    for who in ("main", "child"):
        names = [s[1] for s in sigs if s[0] == who]
        print("%s_signals=%s" % (who, ",".join(names) or "-"))
        print("%s_signals_nocont=%s" % (who, ",".join(n for n in names if n != "CONT") or "-"))
        print("%s_conts=%d" % (who, names.count("CONT")))
        exits = [e for e in events if e[0] == who and e[1] == "exit"]
        orphaned = [e for e in events if e[0] == who and e[1] == "orphaned"]
        died = [e for e in events if e[0] == "witness" and e[2] == who]
        if exits:
            fate = "exit:" + exits[-1][2]
        elif orphaned:
            fate = "orphaned"
        elif died:
            fate = "killed"
        elif who == "child" and not any(e[:2] == ["main", "child"] for e in events):
            fate = "none"
        else:
            fate = "running"
        print("%s_fate=%s" % (who, fate))
        if died and first is not None and not exits and not orphaned:
            print("%s_kill_ms=%d" % (who, (int(died[-1][3]) - first) // 1000000))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "summary":
        for tag in sorted(os.listdir(sys.argv[2])):
            summary(os.path.join(sys.argv[2], tag), lambda line, tag=tag: sys.stdout.write("%s\t%s\n" % (tag, line)))
    elif len(sys.argv) >= 3:
        serve(sys.argv[1], sys.argv[2])
    else:
        sys.exit("usage: svprobe.py TAG MODE [ARG...] | svprobe.py summary REPORTS")


if __name__ == "__main__":
    main()
