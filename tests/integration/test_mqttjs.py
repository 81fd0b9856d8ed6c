"""MQTT.js (npm package `mqtt`, v5) against the broker: MQTT 5 and 3.1.1 round trip."""
import os
import shutil
import subprocess

from harness import Client

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")


def _node():
    node = shutil.which("node")
    # a hard precondition: fail (never skip) so that a missing toolchain is noticed
    assert node, "node is not installed (tests/run installs nodejs)"
    assert os.path.isdir(os.path.join(JS_DIR, "node_modules", "mqtt")), \
        "MQTT.js missing: run `npm ci` in %s (tests/run does)" % JS_DIR
    return node


def test_mqttjs_round_trip(broker):
    node = _node()
    watcher = Client(broker, "py-watcher", protocol=5)
    watcher.connect()
    watcher.subscribe("js/t/1", 1)
    p = subprocess.run([node, os.path.join(JS_DIR, "roundtrip.js"), str(broker.port)], capture_output=True,
                       timeout=30, cwd=JS_DIR)
    out = p.stdout.decode() + p.stderr.decode()
    assert p.returncode == 0 and "OK" in p.stdout.decode(), out
    # what MQTT.js published is seen, properties intact, by a paho client too
    m = watcher.wait_message()
    assert m.payload == b"q1"
    assert ["lang", "js"] in [list(x) for x in m.props.get("UserProperty", [])], m.props
