#!/usr/bin/env python3
"""An sd_notify client as Python services write it (socket module only).

sdnotify.py MSG...: sends the MSGs (newline-joined; a \\xNN in a MSG stands
for that byte) as one datagram to $NOTIFY_SOCKET. With --watchdog, it then
sends WATCHDOG=1 every WATCHDOG_USEC/4 while no file named "hang" exists,
after writing "usec pid mypid" (WATCHDOG_USEC, WATCHDOG_PID, its own pid)
to the file "watchdog-env". Either way it then sleeps for ever.
"""
import os
import socket
import sys
import time


def send(msg: bytes) -> None:
    addr = os.environ["NOTIFY_SOCKET"]
    if addr.startswith("@"):
        addr = "\0" + addr[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(msg, addr)


def main() -> None:
    args = sys.argv[1:]
    watchdog = "--watchdog" in args
    args = [a for a in args if a != "--watchdog"]
    if args:
        send(b"\n".join(a.encode("latin-1").decode("unicode_escape").encode("latin-1") for a in args))
    if watchdog:
        usec = int(os.environ["WATCHDOG_USEC"])
        with open("watchdog-env", "w") as f:
            f.write(f"{usec} {os.environ['WATCHDOG_PID']} {os.getpid()}\n")
        while not os.path.exists("hang"):
            send(b"WATCHDOG=1")
            time.sleep(usec / 4 / 1e6)
    while True:
        time.sleep(1000)


main()
