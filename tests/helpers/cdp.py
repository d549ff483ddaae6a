#!/usr/bin/env python3
"""A tiny driver for headless Chromium over the DevTools protocol, standard
library only.

Chromium is started with --remote-debugging-pipe: it reads commands from its
fd 3 and writes replies and events to its fd 4, each message one JSON object
ended by a NUL byte. Every wait is bounded (a TimeoutError past its
deadline). Chromium runs in a session of its own (start_new_session), so its
whole process group (zygotes, renderers, the GPU and network services) is
ended together by that group's id, never by name.

As a library:
    with Browser() as b:          # b.pid: chromium's pid = its process group
        page = b.new_page()
        page.navigate("http://127.0.0.1:8000/")
        page.evaluate("document.title")
        page.screenshot("out.png")

As a program, for shell scripts (tests/blackbox/svweb-browser.sh):
    cdp.py serve [WIDTHxHEIGHT]
reads one command a line on stdin and answers one line on stdout:
    "ok VALUE" or "err MESSAGE" (a message on one line). First line, unasked:
    "ok PID" (chromium's pid, also its process group: kill -- -PID ends it).
Commands:
    open URL          navigate and wait for the load event; VALUE: seconds
    eval JS           Runtime.evaluate (promises awaited); VALUE: the JSON
    str JS            the same; VALUE: the string, newlines shown as \\n
    type SELECTOR TEXT  focus the element, select its text, insert TEXT
    click SELECTOR    a real mouse click at the element's centre
    viewport WxH [mobile]  the window's size (mobile: as a phone); reload to apply
    errors            VALUE: the JSON list of the page's uncaught exceptions
                      since the last "errors"
    screenshot PATH   PNG of the viewport (no lower than the page's content)
    quit              end chromium and exit
EOF on stdin, SIGTERM, SIGINT and SIGHUP end chromium too.
"""
import base64
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
    "--remote-debugging-pipe",
]


class CdpError(Exception):
    pass


class Browser:
    def __init__(self, chromium=CHROMIUM, timeout=30.0, stderr=None):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="cdp-profile-")
        self.proc = None
        self.buf = b""
        self.events = []
        self.next_id = 0
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()

        def fds():  # in the child: its fd 3 reads commands, fd 4 writes replies
            a = os.dup(to_child_r)
            b = os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.started = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                [chromium] + FLAGS + ["--user-data-dir=" + self.profile, "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=stderr if stderr is not None else subprocess.DEVNULL,
                pass_fds=(3, 4), preexec_fn=fds, start_new_session=True)
        except BaseException:
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
                os.close(fd)
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        os.close(to_child_r)
        os.close(from_child_w)
        self.wfd = to_child_w
        self.rfd = from_child_r
        self.pid = self.proc.pid
        try:
            self.version = self.call("Browser.getVersion")
        except BaseException:
            self.close()
            raise
        self.start_seconds = time.monotonic() - self.started

    # -- the pipe -------------------------------------------------------
    def _send(self, msg):
        data = json.dumps(msg).encode() + b"\0"
        deadline = time.monotonic() + self.timeout
        while data:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("writing to chromium")
            _, w, _ = select.select([], [self.wfd], [], left)
            if w:
                n = os.write(self.wfd, data)
                data = data[n:]

    def _read_one(self, deadline):
        """The next message, or a TimeoutError at deadline."""
        while True:
            i = self.buf.find(b"\0")
            if i >= 0:
                raw, self.buf = self.buf[:i], self.buf[i + 1:]
                return json.loads(raw)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("waiting for chromium")
            r, _, _ = select.select([self.rfd], [], [], left)
            if r:
                chunk = os.read(self.rfd, 1 << 16)
                if not chunk:
                    raise CdpError("chromium closed its pipe (exit %s)" % self.proc.poll())
                self.buf += chunk

    def call(self, method, params=None, session=None, timeout=None):
        """Sends a command; returns its result, queueing events seen meanwhile."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._send(msg)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = self._read_one(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise CdpError("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method, session=None, timeout=None, since=0):
        """The first queued or coming event METHOD (of SESSION), removed from
        the queue; events before index SINCE of the queue are ignored."""
        deadline = time.monotonic() + (timeout or self.timeout)
        i = since
        while True:
            while i < len(self.events):
                e = self.events[i]
                if e["method"] == method and (session is None or e.get("sessionId") == session):
                    del self.events[i]
                    return e
                i += 1
            m = self._read_one(deadline)
            if "method" in m:
                self.events.append(m)

    def drain(self):
        """Queues the events already sent, without waiting."""
        while True:
            if b"\0" not in self.buf:
                r, _, _ = select.select([self.rfd], [], [], 0)
                if not r:
                    return
                chunk = os.read(self.rfd, 1 << 16)
                if not chunk:
                    raise CdpError("chromium closed its pipe (exit %s)" % self.proc.poll())
                self.buf += chunk
                continue
            m = self._read_one(time.monotonic() + self.timeout)
            if "method" in m:
                self.events.append(m)

    # -- pages ------------------------------------------------------------
    def new_page(self, width=1000, height=700):
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, target, session)
        self.call("Page.enable", session=session)
        self.call("Runtime.enable", session=session)
        page.viewport(width, height)
        return page

    # -- the end ----------------------------------------------------------
    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            try:  # ask politely, briefly
                self.next_id += 1
                os.write(self.wfd, json.dumps({"id": self.next_id, "method": "Browser.close"}).encode() + b"\0")
            except OSError:
                pass
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
        if self.proc is not None:
            kill_group(self.proc.pid)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        for fd in ("wfd", "rfd"):
            if getattr(self, fd, None) is not None:
                try:
                    os.close(getattr(self, fd))
                except OSError:
                    pass
                setattr(self, fd, None)
        shutil.rmtree(self.profile, ignore_errors=True)
        self.proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def group_members(pgid):
    """Pids of the live (not zombie) processes of process group PGID."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(d))
    return pids


def kill_group(pgid):
    """TERM, then KILL, chromium's process group (bounded, 3 s); zombies
    left for their parents to reap count as ended."""
    for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 1.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while True:
            try:  # the leader, our child, is reaped here
                os.waitpid(pgid, os.WNOHANG)
            except ChildProcessError:
                pass
            if not group_members(pgid):
                return
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)


class Page:
    def __init__(self, browser, target, session):
        self.b = browser
        self.target = target
        self.session = session

    def call(self, method, params=None, timeout=None):
        return self.b.call(method, params, session=self.session, timeout=timeout)

    def viewport(self, width, height, mobile=False):
        """The window's size in CSS pixels; mobile: a phone's (meta viewport
        honoured, touch)."""
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1,
                   "mobile": mobile})
        self.call("Emulation.setTouchEmulationEnabled", {"enabled": mobile})

    def navigate(self, url, timeout=None):
        """Loads URL and waits for its load event; returns the seconds taken."""
        start = time.monotonic()
        since = len(self.b.events)
        r = self.call("Page.navigate", {"url": url}, timeout=timeout)
        if r.get("errorText"):
            raise CdpError("navigate %s: %s" % (url, r["errorText"]))
        self.b.wait_event("Page.loadEventFired", self.session, timeout, since)
        return time.monotonic() - start

    def evaluate(self, expression, timeout=None):
        r = self.call("Runtime.evaluate",
                      {"expression": expression, "returnByValue": True,
                       "awaitPromise": True}, timeout=timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            what = d.get("exception", {}).get("description") or d.get("text")
            raise CdpError("evaluate: %s" % what)
        return r.get("result", {}).get("value")

    def type(self, selector, text):
        found = self.evaluate(
            "(() => { const e = document.querySelector(%s); if (!e) return false;"
            " e.focus(); if (e.select) e.select(); return true; })()" % json.dumps(selector))
        if not found:
            raise CdpError("no element %s" % selector)
        self.call("Input.insertText", {"text": text})

    def click(self, selector):
        """A mouse press and release at the centre of the element (scrolled into view)."""
        box = self.evaluate(
            "(() => { const e = document.querySelector(%s); if (!e) return null;"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2, r.width, r.height]; })()"
            % json.dumps(selector))
        if not box:
            raise CdpError("no element %s" % selector)
        if box[2] <= 0 or box[3] <= 0:
            raise CdpError("element %s is not visible" % selector)
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            p = {"type": kind, "x": box[0], "y": box[1]}
            if kind != "mouseMoved":
                p.update(button="left", clickCount=1)
            self.call("Input.dispatchMouseEvent", p)

    def errors(self):
        """The uncaught JavaScript exceptions of the page so far (and drops
        the other queued events of the page)."""
        self.b.drain()
        out, keep = [], []
        for e in self.b.events:
            if e.get("sessionId") != self.session:
                keep.append(e)
            elif e["method"] == "Runtime.exceptionThrown":
                d = e["params"]["exceptionDetails"]
                out.append(d.get("exception", {}).get("description") or d.get("text"))
        self.b.events = keep
        return out

    def screenshot(self, path):
        """A PNG of the viewport, cut off below the page's content."""
        w, h = self.evaluate("[innerWidth, Math.min(innerHeight, Math.ceil(document.body.getBoundingClientRect().bottom) + 16)]")
        data = self.call("Page.captureScreenshot",
                         {"format": "png", "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


def serve(argv):
    width, height = 1000, 700
    if argv:
        width, height = (int(x) for x in argv[0].split("x"))
    out = sys.stdout

    def say(line):
        out.write(line.replace("\n", "\\n") + "\n")
        out.flush()

    def ended(*_):
        raise SystemExit(1)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, ended)
    try:
        browser = Browser()
    except Exception as e:
        say("err starting chromium: %s" % e)
        return 1
    try:
        page = browser.new_page(width, height)
        say("ok %d %.3f" % (browser.pid, browser.start_seconds))
        for line in sys.stdin:
            line = line.rstrip("\n")
            cmd, _, arg = line.partition(" ")
            try:
                if cmd == "open":
                    say("ok %.3f" % page.navigate(arg))
                elif cmd == "eval":
                    say("ok " + json.dumps(page.evaluate(arg)))
                elif cmd == "str":
                    v = page.evaluate(arg)
                    say("ok " + (v if isinstance(v, str) else json.dumps(v)))
                elif cmd == "type":
                    sel, _, text = arg.partition(" ")
                    page.type(sel, text)
                    say("ok")
                elif cmd == "click":
                    page.click(arg)
                    say("ok")
                elif cmd == "viewport":
                    size, _, kind = arg.partition(" ")
                    w, h = (int(x) for x in size.split("x"))
                    page.viewport(w, h, kind == "mobile")
                    say("ok")
                elif cmd == "errors":
                    say("ok " + json.dumps(page.errors()))
                elif cmd == "screenshot":
                    page.screenshot(arg)
                    say("ok")
                elif cmd == "quit":
                    say("ok")
                    break
                else:
                    say("err unknown command %r" % cmd)
            except (CdpError, TimeoutError, OSError) as e:
                say("err %s" % e)
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        sys.exit(serve(sys.argv[2:]))
    sys.stderr.write("usage: cdp.py serve [WIDTHxHEIGHT]\n")
    sys.exit(100)
