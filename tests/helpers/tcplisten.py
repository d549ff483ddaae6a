#!/usr/bin/env python3
"""A loopback TCP listener for the tcpcheck tests.

tcplisten.py ADDRESS MODE PORTFILE: binds a free port on ADDRESS (127.0.0.1
or ::1), writes the port number to PORTFILE (through a rename: a reader
never sees half of it), then, by MODE:
  accept  accepts every connection and closes it;
  refuse  does not listen: connections are refused, and the port stays
          bound, so nothing else can take it and answer;
  full    never accepts: with a backlog of 0 and one connection of its own
          waiting, the listen queue is full and the kernel drops every
          later SYN, so a connect neither opens nor fails: a timeout
          without a packet leaving loopback.
It ends itself after 300 s, should a test forget it.
"""
import os
import signal
import socket
import sys

address, mode, portfile = sys.argv[1:4]
signal.alarm(300)
family = socket.AF_INET6 if ":" in address else socket.AF_INET
srv = socket.socket(family, socket.SOCK_STREAM)
srv.bind((address, 0))
if mode != "refuse":
    srv.listen(0 if mode == "full" else 16)
port = srv.getsockname()[1]
if mode == "full":
    filler = socket.create_connection((address, port))
with open(portfile + ".new", "w") as f:
    f.write("%d\n" % port)
os.rename(portfile + ".new", portfile)
while True:
    if mode != "accept":
        signal.pause()
    conn, _ = srv.accept()
    conn.close()
