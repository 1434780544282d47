#!/usr/bin/env python3
"""webdriver.py -- opens a run's report.html in headless Chromium through
chromedriver's WebDriver HTTP API and prints what a browser saw, as one JSON
object on stdout, for tests/browser_report.t and bench/report.sh to judge.
Only the standard library: no pip packages, no downloaded browsers (Debian's
chromium and chromium-driver, which `make lab` installs).

usage: webdriver.py PAGE.html|http://URL [--screenshot OUT.png] [--deadline SEC]

The JSON: load_ms (the WebDriver navigation, which returns after the load
event), dom_ms (navigation start to the load event, from the page's own
performance timing), severe (console messages of level SEVERE), lanes
(one {process, processes} per timeline lane element), runs (the store
browser's index rows: path, verdict, the verdict cell's computed colour,
report link), failing (the text of
each failing-op mark and whether it has a size on screen), screenshot
{width, height, colours, ink}: colours distinct RGB values (up to 256
counted), ink the share of pixels that are not the page's background.
Exit status 0, or 69 when chromium or chromedriver is missing or does not
start, 1 on any other failure (said on stderr).
"""
import base64, json, os, shutil, signal, socket, struct, subprocess, sys, tempfile
import time, urllib.error, urllib.request, zlib

CHROMIUM = os.environ.get("FL_CHROMIUM", "/usr/bin/chromium")
DRIVER = os.environ.get("FL_CHROMEDRIVER", "/usr/bin/chromedriver")
# Without the background-networking flags Chromium's own connections are
# refused on a closed network and its start is slow; --no-sandbox as root.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1300,1600"]


def fail(status, text):
    sys.stderr.write("webdriver.py: %s\n" % text)
    sys.exit(status)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Driver:
    def __init__(self, port, timeout):
        self.base = "http://127.0.0.1:%d" % port
        self.timeout = timeout
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return json.loads(r.read().decode())["value"]
        except urllib.error.HTTPError as e:
            text = e.read().decode(errors="replace")
            raise RuntimeError("%s %s: HTTP %d %s" % (method, path, e.code, text[:400]))

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.session, path), body)

    def script(self, source):
        return self.s("POST", "/execute/sync", {"script": source, "args": []})


def png_facts(png):
    """Decode an 8-bit RGB/RGBA PNG (what Chromium writes): size, distinct
    colours (stops counting at 256) and the share of non-background pixels,
    the background being the top-left pixel's colour."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise RuntimeError("screenshot is not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        chunk = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            if depth != 8 or ctype not in (2, 6):
                raise RuntimeError("PNG depth %d colour type %d not handled" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours, ink, background = set(), 0, None
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        for x in range(0, stride, bpp):
            rgb = bytes(line[x:x + 3])
            if background is None:
                background = rgb
            if rgb != background:
                ink += 1
            if len(colours) < 256:
                colours.add(rgb)
        prev = line
    return {"width": width, "height": height, "colours": len(colours),
            "ink": ink / float(width * height)}


def stop_driver(proc):
    """chromedriver runs in a process group of its own, with the Chromium it
    starts: the group goes, so no browser outlives the test."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    except (OSError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.wait()


def start_driver(deadline):
    """chromedriver on a free port, ready; tried three times, as another
    program may take the port between its choice and chromedriver's bind."""
    for attempt in range(3):
        port = free_port()
        proc = subprocess.Popen([DRIVER, "--port=%d" % port], start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        d = Driver(port, deadline + 30)
        end = time.time() + 20
        while time.time() < end and proc.poll() is None:
            try:
                if d.call("GET", "/status").get("ready"):
                    return proc, d
            except (OSError, RuntimeError):
                pass
            time.sleep(0.1)
        stop_driver(proc)
    fail(69, "chromedriver did not start (tried 3 ports)")


LANES = """return Array.from(document.querySelectorAll('rect.lane')).map(function (e) {
  return { process: Number (e.getAttribute ('data-process')),
           processes: Number (e.getAttribute ('data-processes')) }; });"""
FAILING = """return Array.from(document.querySelectorAll('g.failing')).map(function (e) {
  var r = e.getBoundingClientRect (), t = e.querySelector ('text');
  return { text: t ? t.textContent : '', title: e.querySelector ('title').textContent,
           shown: r.width > 0 && r.height > 0 }; });"""
RUNS = """return Array.from(document.querySelectorAll('tr.run')).map(function (e) {
  var a = e.querySelector ('a.report');
  return { path: e.getAttribute ('data-path'), verdict: e.className.replace ('run ', ''),
           colour: getComputedStyle (e.querySelector ('td.v')).backgroundColor,
           report: a ? a.href : null }; });"""
TIMING = """var t = performance.getEntriesByType ('navigation') [0];
return t ? t.loadEventEnd : -1;"""


def main():
    args = sys.argv[1:]
    if not args:
        fail(64, "usage: webdriver.py PAGE.html [--screenshot OUT.png] [--deadline SEC]")
    page, shot, deadline = args[0], None, 60.0
    url = page if page.startswith("http://") else "file://" + os.path.abspath(page)
    i = 1
    while i < len(args):
        if args[i] == "--screenshot" and i + 1 < len(args):
            shot = args[i + 1]; i += 2
        elif args[i] == "--deadline" and i + 1 < len(args):
            deadline = float(args[i + 1]); i += 2
        else:
            fail(64, "unknown argument '%s'" % args[i])
    for prog in (CHROMIUM, DRIVER):
        if not os.access(prog, os.X_OK):
            fail(69, "%s not found: install chromium chromium-driver (make lab does)" % prog)
    if not url.startswith("http://") and not os.path.isfile(page):
        fail(1, "no page '%s'" % page)
    profile = tempfile.mkdtemp(prefix="fl-chromium-")
    proc, d = start_driver(deadline)
    try:
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "pageLoadStrategy": "normal",
            "timeouts": {"pageLoad": int(deadline * 1000), "script": 30000},
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {"binary": CHROMIUM,
                                   "args": FLAGS + ["--user-data-dir=" + profile]}}}}
        try:
            d.session = d.call("POST", "/session", caps)["sessionId"]
        except (OSError, RuntimeError) as e:
            fail(69, "chromium did not start through chromedriver: %s" % e)
        t0 = time.monotonic()
        d.s("POST", "/url", {"url": url})
        load_ms = (time.monotonic() - t0) * 1000
        facts = {"load_ms": round(load_ms, 1), "dom_ms": round(d.script(TIMING), 1)}
        facts["lanes"] = d.script(LANES)
        facts["failing"] = d.script(FAILING)
        facts["runs"] = d.script(RUNS)
        facts["title"] = d.s("GET", "/title")
        logs = d.s("POST", "/se/log", {"type": "browser"})
        facts["severe"] = [l["message"] for l in logs if l.get("level") == "SEVERE"]
        png = base64.b64decode(d.s("GET", "/screenshot"))
        if shot:
            with open(shot, "wb") as fh:
                fh.write(png)
        facts["screenshot"] = png_facts(png)
        print(json.dumps(facts))
    except (OSError, RuntimeError) as e:
        fail(1, str(e))
    finally:
        if d.session:
            try:
                d.call("DELETE", "/session/" + d.session)
            except (OSError, RuntimeError):
                pass
        stop_driver(proc)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
