#!/usr/bin/env python3
"""A service caught in a backoff pause, crafted, and what svweb says of it.

  backoff_rows.py write DIR SECS   writes DIR/supervise/status and xstatus as
                                   our supervise does during a backoff pause
                                   ending SECS seconds from now, at half past
                                   a second (the reader on supervise/ok is the
                                   caller's)
  backoff_rows.py poll URL DIR MS  GETs URL/api/services every 10 ms for MS
                                   ms; each answer's backoff_seconds for DIR
                                   must be what the end of the pause leaves at
                                   some moment during its request. Prints
                                   "ok N CHANGES" or the first wrong answer.

The pause ends at x.5 s while a body kept for its second (svweb(8)) would
live until x+1.0: a kept body served after x.5 says one second too many.
"""
import json
import os
import struct
import sys
import time
import urllib.request

TAI_OFFSET = (1 << 62) + 10


def tai64n(unix_sec, nano):
    return struct.pack(">QI", unix_sec + TAI_OFFSET, nano)


def write(d, secs):
    sup = os.path.join(d, "supervise")
    now = time.time()
    end_sec = int(now) + int(secs)
    # The status record: stamped now, pid 0 (down), not paused, want up.
    rec = tai64n(int(now), int((now % 1) * 1e9)) + struct.pack("<I", 0) + b"\x00u"
    fields = bytearray(312)
    fields[0] = 3  # backoff
    struct.pack_into(">H", fields, 2, 4)  # quick deaths
    fields[4:16] = tai64n(end_sec, 500_000_000)
    struct.pack_into(">H", fields, 16, 1)  # exit code 1
    fields[20:32] = tai64n(int(now), 0)
    fields[32] = 1  # a settings file configures the service
    x = rec + b"svx" + bytes([2]) + struct.pack(">H", len(fields)) + bytes(fields)
    for name, data in (("xstatus", x), ("status", rec)):
        tmp = os.path.join(sup, name + ".new")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(sup, name))


def left(end, now):
    """What svstat and svweb print: seconds to the end, a part counting
    as one (lib/service_report.cpp backoff_left)."""
    end_sec, end_nano = end
    now_sec, now_nano = now
    if end_sec < now_sec:
        return 0
    n = end_sec - now_sec
    if end_nano > now_nano:
        n += 1
    elif n == 0:
        return 0
    return n


def split(t_ns):
    return (t_ns // 1_000_000_000, t_ns % 1_000_000_000)


def poll(url, d, ms):
    with open(os.path.join(d, "supervise", "xstatus"), "rb") as f:
        x = f.read()
    sec, nano = struct.unpack(">QI", x[28:40])
    end = (sec - TAI_OFFSET, nano)
    deadline = time.time_ns() + ms * 1_000_000
    seen, answers = [], 0
    while time.time_ns() < deadline:
        before = time.time_ns()
        with urllib.request.urlopen(url + "/api/services", timeout=10) as r:
            rows = json.load(r)
        after = time.time_ns()
        row = [o for o in rows if o["dir"] == d]
        if not row:
            print(f"no row for {d}")
            return 1
        got = row[0].get("backoff_seconds")
        hi, lo = left(end, split(before)), left(end, split(after))
        if got is None or not lo <= got <= hi:
            print(f"backoff_seconds {got} at {before / 1e9:.3f}..{after / 1e9:.3f} s, "
                  f"the pause ending at {end[0]}.{end[1]:09d}: want {lo}..{hi}")
            return 1
        answers += 1
        if not seen or seen[-1] != got:
            seen.append(got)
        time.sleep(0.01)
    print("ok", answers, " ".join(map(str, seen)))
    return 0


def main():
    if sys.argv[1] == "write":
        write(sys.argv[2], float(sys.argv[3]))
        return 0
    return poll(sys.argv[2], sys.argv[3], int(sys.argv[4]))


if __name__ == "__main__":
    sys.exit(main())
