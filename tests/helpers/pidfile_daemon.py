#!/usr/bin/env python3
"""A daemon that backgrounds itself, as the classic Python daemonize()
recipe writes it, for the tcpcheck-pidfile test.

pidfile_daemon.py PIDFILE PORT PIDLOG: refuses to start (exit 1) while
PIDFILE names a pid, as the recipe does; forks (the parent exits), calls
setsid(), forks again (the first child exits), goes to /, points its
standard descriptors at /dev/null (and no others: fghack's copies stay
open), writes its pid to PIDFILE, appends it to PIDLOG (for the test), and
serves 127.0.0.1:PORT, accepting connections and closing them. On SIGUSR1
it closes its listening socket and runs on: a hung server, whose port no
longer answers. SIGTERM ends it without removing PIDFILE (the recipe sets
no handler; only a normal exit removes it). It ends itself after 300 s,
should a test forget it.
"""
import atexit
import os
import signal
import socket
import sys

pidfile, port, pidlog = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def daemonize():
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
    except (IOError, ValueError):
        pid = None
    if pid:
        sys.stderr.write("pidfile %s already exist. Daemon already running?\n" % pidfile)
        sys.exit(1)
    if os.fork() > 0:
        sys.exit(0)
    os.chdir("/")
    os.setsid()
    os.umask(0)
    if os.fork() > 0:
        sys.exit(0)
    sys.stdout.flush()
    sys.stderr.flush()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    atexit.register(os.remove, pidfile)
    with open(pidfile, "w") as f:
        f.write("%d\n" % os.getpid())
    with open(pidlog, "a") as f:
        f.write("%d\n" % os.getpid())


daemonize()
signal.alarm(300)
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(16)
srv.settimeout(0.1)  # how often the loop looks for SIGUSR1
hung = []
signal.signal(signal.SIGUSR1, lambda *_: hung.append(1))
while not hung:
    try:
        conn, _ = srv.accept()
        conn.close()
    except socket.timeout:
        pass
srv.close()
while True:
    signal.pause()
