"""The dashboard tests' browser: a flow in js/ (dashboard_driver.js) run by
node in Debian's headless chromium, its checkpoints answered by the test, and
its report returned. Both the node process and the browser it starts are
ended by their PIDs when the flow is over or overdue."""
import json
import os
import queue
import shutil
import signal
import subprocess
import threading
import time

# HTML that records `where` in window.injected if a page ever takes it as HTML.
INJECTED = "<img src=x onerror=\"(window.injected=window.injected||[]).push('%s')\">"

JS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "js")


def browser_config(broker, out, profile, **extra):
    """The configuration every flow takes: the dashboard's URL, the browser, and where to write."""
    assert shutil.which("chromium"), "chromium is not installed (bin/install-deps test installs it)"
    assert os.path.isdir(os.path.join(JS_DIR, "node_modules", "puppeteer-core")), "run `npm ci` in js/"
    return dict(url="http://127.0.0.1:%d/" % broker.http_port, chromium=shutil.which("chromium"),
                profile=str(profile), out=str(out), **extra)


def _lines(stream, into):
    for line in stream:
        into.put(line)
    into.put(None)


def run_browser_flow(script, cfg, checkpoints=None, timeout=150):
    """Runs js/<script> with `cfg`; each checkpoint it reaches is answered by
    calling checkpoints[name](data) (an exception stops the flow and is
    raised here). Returns the flow's report."""
    checkpoints = checkpoints or {}
    stderr = open(os.path.join(cfg["out"], "node.stderr"), "w+b")
    node = subprocess.Popen(["node", os.path.join(JS_DIR, script), json.dumps(cfg)], cwd=JS_DIR,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
    lines = queue.Queue()
    threading.Thread(target=_lines, args=(node.stdout, lines), daemon=True).start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError("%s did not finish within %d s" % (script, timeout)) from None
            if line is None:
                stderr.seek(0)
                raise AssertionError("%s ended without a report: %s" % (script, stderr.read().decode()))
            message = json.loads(line)
            if "checkpoint" not in message:
                return message
            checkpoints[message.pop("checkpoint")](message)
            node.stdin.write(b"{}\n")
            node.stdin.flush()
    finally:
        if node.poll() is None:
            node.kill()  # our own child, by PID
        node.wait(10)
        stderr.close()
        pid_file = os.path.join(cfg["out"], "chromium.pid")
        if os.path.exists(pid_file):
            try:
                os.kill(int(open(pid_file).read()), signal.SIGKILL)  # the browser node started, if left behind
            except ProcessLookupError:
                pass


def check_pages(report, expected):
    """The flow ran without an error, and each page of `expected` ({name:
    [texts]}) was screenshotted (a PNG with something on it) showing its texts.
    No page made an <img> or ran code of the HTML that the tests put in
    client-chosen text (INJECTED): every page shows it as text."""
    assert "error" not in report, report.get("error")
    assert report["page_errors"] == []
    as_html = {n: (p["images"], p["injected"]) for n, p in report["pages"].items() if p["images"] or p["injected"]}
    assert not as_html, "pages that took text as HTML (<img> count, code run): %r" % as_html
    for name, texts in expected.items():
        page = report["pages"][name]
        for text in texts:
            assert text in page["text"], (name, text, page["text"])
        with open(page["screenshot"], "rb") as f:
            png = f.read()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000, (name, len(png))
