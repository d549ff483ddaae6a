#!/usr/bin/env python3
"""Measurements of a whole supervision tree for bench/scale.sh, read from
/proc. A tree is a process (SID: svscan or s6-svscan) and all its
descendants (supervise puts each ./run in a session of its own, so the
session would not do).

  scale_probe.py count SID NAME...   how many processes of SID have each
                                     comm NAME (one number per NAME)
  scale_probe.py pss SID NAME...     PSS of SID's processes in kB: all of
                                     them, then those whose comm is not one
                                     of NAME (the supervisors alone)
  scale_probe.py cpu SID NAME...     CPU ns (schedstat) of SID's processes
                                     whose comm is not one of NAME
  scale_probe.py procs SID           how many processes SID has
  scale_probe.py under DIR           the pids of processes whose working
                                     directory is DIR or below it
  scale_probe.py lastup DIR...       the latest time (Unix seconds, float)
                                     a supervise/status says up since
"""
import os
import struct
import sys


def session_pids(root):
    """root and every process descended from it."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The fields after the comm, which may hold spaces: state ppid ...
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def under(top):
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            cwd = os.readlink(f"/proc/{name}/cwd")
        except OSError:
            continue
        if cwd.endswith(" (deleted)"):
            cwd = cwd[: -len(" (deleted)")]
        if cwd == top or cwd.startswith(top + "/"):
            yield int(name)


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().rstrip("\n")
    except OSError:
        return None


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_ns(pid):
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0])
    except OSError:
        return 0


# TAI64 labels of daemontools are 2^62 + 10 + Unix seconds.
TAI_OFFSET = (1 << 62) + 10


def last_up(dirs):
    latest = 0.0
    for d in dirs:
        with open(os.path.join(d, "supervise/status"), "rb") as f:
            rec = f.read(18)
        sec, nano = struct.unpack(">QL", rec[:12])
        pid = struct.unpack("<L", rec[12:16])[0]
        if pid == 0:
            return -1.0
        latest = max(latest, sec - TAI_OFFSET + nano / 1e9)
    return latest


def main(argv):
    what = argv[1]
    if what == "lastup":
        print(f"{last_up(argv[2:]):.6f}")
        return 0
    if what == "under":
        print(" ".join(str(p) for p in under(argv[2]) if p != os.getppid()))
        return 0
    sid = int(argv[2])
    names = argv[3:]
    pids = list(session_pids(sid))
    if what == "procs":
        print(len(pids))
    elif what == "count":
        comms = [comm(p) for p in pids]
        print(" ".join(str(comms.count(n)) for n in names))
    elif what == "pss":
        total = supervisors = 0
        for p in pids:
            kb = pss_kb(p)
            total += kb
            if comm(p) not in names:
                supervisors += kb
        print(total, supervisors)
    elif what == "cpu":
        print(sum(cpu_ns(p) for p in pids if comm(p) not in names))
    else:
        print(__doc__, file=sys.stderr)
        return 100
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
