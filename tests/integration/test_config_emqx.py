"""Config as EMQX reads it: bare integers (milliseconds, bytes), EMQX_HOST with
the shipped etc/emqx.toml, a missing -c file, and tcp_options buffer / sndbuf / recbuf."""
import os
import re
import socket
import subprocess
import time

from harness import Broker, Client
from harness.broker import emqxd_bin, wait_until
from test_ctl_common import ctl

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHIPPED = os.path.join(ROOT, "etc", "emqx.toml")


def test_a_bare_integer_duration_is_milliseconds():
    """idle_timeout = 400 (HOCON: 400 ms) closes a silent socket long before the 15 s default would."""
    with Broker(config="[mqtt]\nidle_timeout = 400\n", name="bare-ms") as b:
        with socket.create_connection((b.host, b.port), timeout=10) as s:
            t0 = time.monotonic()
            assert s.recv(1) == b""
            assert time.monotonic() - t0 < 5


def test_a_bare_integer_size_is_bytes():
    """max_packet_size = 200 (bytes): a 100-byte publish passes, a 300-byte one is refused."""
    with Broker(config="[mqtt]\nmax_packet_size = 200\n", name="bare-bytes") as b:
        sub = Client(b, "sub", protocol=4)
        sub.connect()
        sub.subscribe("t", 0)
        pub = Client(b, "pub", protocol=4)
        pub.connect()
        pub.publish("t", b"x" * 100)
        assert sub.wait_message().payload == b"x" * 100
        pub.publish("t", b"x" * 300, wait=False)
        pub.wait_disconnect()
        sub.expect_no_message(0.3)


def test_emqx_host_names_the_node_with_the_shipped_config():
    """The FAQ's Docker recipe: EMQX_HOST with the shipped etc/emqx.toml names the node."""
    with open(SHIPPED) as f:
        shipped = f.read()
    with Broker(config=shipped, env={"EMQX_HOST": "10.9.8.7"}, name="emqx-host") as b:
        assert "emqx@10.9.8.7" in ctl(b, "status")
    with Broker(config=shipped, env={"EMQX_HOST": "10.9.8.7", "EMQX_NODE__NAME": "n1@host.example"},
                name="node-name-wins") as b:
        assert "n1@host.example" in ctl(b, "status")


def _run(args, tmp_path):
    env = dict(os.environ, EMQX_NODE__DATA_DIR=str(tmp_path / "data"))
    return subprocess.run([emqxd_bin(), *args], capture_output=True, text=True, timeout=20, env=env,
                          stdin=subprocess.DEVNULL, cwd=tmp_path)


def test_a_missing_config_file_exits_1_naming_it(tmp_path):
    missing = str(tmp_path / "nowhere.toml")
    r = _run(["console", "-c", missing], tmp_path)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert missing + ": cannot read: No such file or directory" in r.stderr


def test_an_unknown_option_is_a_usage_error(tmp_path):
    r = _run(["console", "--no-such-option"], tmp_path)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)


def _socket_memory(port):
    """ss's skmem of the broker's end of the one established connection on `port`: {rb, tb}."""
    out = subprocess.run(["ss", "-tmnH", "state", "established", "( sport = :%d )" % port],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"skmem:\(r\d+,rb(\d+),t\d+,tb(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def test_sndbuf_and_recbuf_set_the_kernel_buffers():
    env = {"EMQX_LISTENERS__TCP__DEFAULT__TCP_OPTIONS__SNDBUF": "96KB",
           "EMQX_LISTENERS__TCP__DEFAULT__TCP_OPTIONS__RECBUF": "48KB"}
    with Broker(env=env, name="kernel-buffers") as b:
        c = Client(b, "buffers", protocol=4)
        c.connect()
        mem = wait_until(lambda: _socket_memory(b.port), 5, what="the connection in ss")
        # Linux doubles what SO_SNDBUF / SO_RCVBUF ask for (the rest is its bookkeeping).
        assert mem == (2 * 48 * 1024, 2 * 96 * 1024), mem
        c.close()


def test_buffer_is_the_most_one_read_takes():
    """tcp_options.buffer is EMQX's user-space buffer: with 1000B every read of a
    client's socket asks for at most 1000 bytes (seen by strace), and a 5000-byte
    message still arrives whole."""
    env = {"EMQX_LISTENERS__TCP__DEFAULT__TCP_OPTIONS__BUFFER": "1000B", "EMQX_NODE__WORKERS": "1"}
    with Broker(env=env, name="user-buffer") as b:
        trace_file = os.path.join(b.tmpdir, "reads.strace")
        tracer = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=read", "-o", trace_file, "-p", str(b.proc.pid)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            sub = Client(b, "reader", protocol=4)
            sub.connect()
            sub.subscribe("big", 0)
            pub = Client(b, "writer", protocol=4)
            pub.connect()

            def traced_read_of_1000():
                pub.publish("big", b"p" * 5000)
                assert sub.wait_message().payload == b"p" * 5000
                if not os.path.exists(trace_file):  # strace is still attaching
                    return False
                with open(trace_file) as f:
                    return ", 1000) = 1000" in f.read()

            wait_until(traced_read_of_1000, 20, interval=0.2, what="a read of at most 1000 bytes in the trace")
            with open(trace_file) as f:
                assert ", 65536) = " not in f.read()
        finally:
            tracer.terminate()
            tracer.wait(10)
