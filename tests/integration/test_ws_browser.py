"""A real browser: headless Chromium (Debian's `chromium`) opens a page served
from loopback that uses MQTT.js's browser bundle over ws://127.0.0.1:PORT/mqtt.
It subscribes and receives what mosquitto_pub publishes over TCP, and what it
publishes back reaches mosquitto_sub."""
import functools
import http.server
import os
import shutil
import subprocess
import tempfile
import threading

import pytest

from harness import Broker
from harness.broker import is_mosquitto

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's WebSocket listener")

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _sub(broker, topic):
    return subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-t", topic, "-C", "1",
                             "-W", "30", "-q", "1", "-i", "watch-" + topic.replace("/", "-")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_chromium_mqttjs_over_ws():
    chromium = shutil.which("chromium")
    assert chromium, "chromium is not installed (bin/install-deps test installs it)"
    assert os.path.exists(os.path.join(JS_DIR, "node_modules", "mqtt", "dist", "mqtt.min.js")), "run `npm ci` in js/"
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=JS_DIR))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    profile = tempfile.mkdtemp(prefix="emqxd-chromium-")
    browser = None
    try:
        with Broker(ws=True, env={"EMQX_SYS_TOPICS__SYS_MSG_INTERVAL": "disabled"}) as b:
            ready = _sub(b, "browser/ready")
            out = _sub(b, "browser/out")
            url = "http://127.0.0.1:%d/browser_ws.html?port=%d" % (httpd.server_address[1], b.ws_port)
            browser = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                        "--no-first-run", "--disable-background-networking",
                                        "--disable-component-update", "--disable-sync",
                                        "--user-data-dir=" + profile, url],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            got, err = ready.communicate(timeout=40)
            assert got.decode().strip() == "ready", ("the page never subscribed", err, b.log())
            p = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(b.port), "-t", "browser/in",
                                "-m", "from-tcp", "-q", "1", "-i", "tcp-pub"], capture_output=True, timeout=20)
            assert p.returncode == 0, p
            got, err = out.communicate(timeout=40)
            assert got.decode().strip() == "echo:from-tcp", (got, err)
    finally:
        if browser and browser.poll() is None:
            browser.kill()  # our own child, by PID
            browser.wait(10)
        httpd.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
