#!/usr/bin/env python3
"""Raw HTTP probes for tests/blackbox/svweb.sh (Python standard library only).

  svweb_probe.py raw HOST:PORT TEXT       send TEXT (Python escapes allowed), print the status line's code
  svweb_probe.py keepalive HOST:PORT      two GETs on one connection; prints both codes
  svweb_probe.py pipeline HOST:PORT       two GETs sent at once; prints both codes
  svweb_probe.py slowloris HOST:PORT N S  N connections trickling a head, a byte a second, for S
                                          seconds, while a normal client asks every 0.2 s; prints
                                          "answers=A ok=K worst_ms=W"
  svweb_probe.py slowhead HOST:PORT      half a request head, then nothing; prints the code and
                                          the seconds until the answer
  svweb_probe.py idle HOST:PORT N         N idle connections open, then one request; prints its code
  svweb_probe.py jsoneq A B               JSON files A and B equal, "*seconds" fields aside
  svweb_probe.py one A B NAME             JSON object file A equals the element of array B whose dir ends in NAME
"""
import json
import socket
import sys
import threading
import time


def connect(addr):
    host, port = addr.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=10)
    return s


def read_response(s):
    """Reads one response (head + Content-Length body); returns (code, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    if b"\r\n\r\n" not in data:
        return None, b"", data
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    code = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return code, rest[:length], rest[length:]


def get(addr, path="/api/services"):
    s = connect(addr)
    try:
        s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        return read_response(s)[0]
    finally:
        s.close()


def strip(o):
    if isinstance(o, list):
        return [strip(x) for x in o]
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if not k.endswith("seconds")}
    return o


def main():
    cmd = sys.argv[1]
    if cmd == "raw":
        s = connect(sys.argv[2])
        s.sendall(sys.argv[3].encode("latin-1").decode("unicode_escape").encode("latin-1"))
        code, _, _ = read_response(s)
        print(code)
    elif cmd == "keepalive":
        s = connect(sys.argv[2])
        codes = []
        for path in ("/api/services", "/metrics"):
            s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            codes.append(str(read_response(s)[0]))
        print(" ".join(codes))
    elif cmd == "pipeline":
        s = connect(sys.argv[2])
        s.sendall(b"GET /api/services/a HTTP/1.1\r\nHost: x\r\n\r\nGET /nosuch HTTP/1.1\r\nHost: x\r\n\r\n")
        code1, _, rest = read_response(s)
        # The second answer may already be in rest.
        class Buffered:
            def __init__(self, sock, pre):
                self.sock, self.pre = sock, pre
            def recv(self, n):
                if self.pre:
                    p, self.pre = self.pre, b""
                    return p
                return self.sock.recv(n)
        code2, _, _ = read_response(Buffered(s, rest))
        print(code1, code2)
    elif cmd == "slowloris":
        addr, n, secs = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
        stop = time.time() + secs
        socks = []
        for _ in range(n):
            try:
                socks.append(connect(addr))
            except OSError:
                pass
        head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100

        def trickle():
            i = 0
            while time.time() < stop:
                for s in list(socks):
                    try:
                        s.send(head[i % len(head):i % len(head) + 1])
                    except OSError:
                        socks.remove(s)
                i += 1
                time.sleep(1)

        t = threading.Thread(target=trickle)
        t.start()
        answers = ok = 0
        worst = 0.0
        while time.time() < stop:
            t0 = time.time()
            try:
                code = get(addr)
            except OSError:
                code = None
            worst = max(worst, time.time() - t0)
            answers += 1
            ok += code == 200
            time.sleep(0.2)
        t.join()
        for s in socks:
            s.close()
        print("answers=%d ok=%d worst_ms=%d" % (answers, ok, worst * 1000))
    elif cmd == "slowhead":
        s = connect(sys.argv[2])
        s.settimeout(30)
        t0 = time.time()
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        code, _, _ = read_response(s)
        print(code, int(time.time() - t0))
    elif cmd == "idle":
        addr, n = sys.argv[2], int(sys.argv[3])
        socks = [connect(addr) for _ in range(n)]
        time.sleep(0.3)
        print(get(addr))
        for s in socks:
            s.close()
    elif cmd == "jsoneq":
        a = json.load(open(sys.argv[2]))
        b = json.load(open(sys.argv[3]))
        if strip(a) != strip(b):
            print("differ:\n%s\n%s" % (json.dumps(strip(a)), json.dumps(strip(b))))
            sys.exit(1)
    elif cmd == "one":
        a = json.load(open(sys.argv[2]))
        b = [o for o in json.load(open(sys.argv[3])) if o["dir"].endswith("/" + sys.argv[4])]
        if len(b) != 1 or strip(a) != strip(b[0]):
            print("differ:\n%s\n%s" % (json.dumps(strip(a)), json.dumps(strip(b))))
            sys.exit(1)
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
