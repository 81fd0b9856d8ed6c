"""Startup: config validation before binding, port in use, cookie warning, --help/--version."""
import os
import re
import shutil
import socket
import subprocess
import tempfile

from harness import Broker, free_port
from harness.broker import emqxd_bin


def run_emqxd(args, env=None, config=None, timeout=10):
    """Runs emqxd to completion (it must exit by itself); returns (code, output, config path)."""
    tmp = tempfile.mkdtemp(prefix="emqxd-cfg-")
    full_env = dict(os.environ)
    full_env.update({
        "EMQX_NODE__DATA_DIR": os.path.join(tmp, "data"),
        "EMQX_LISTENERS__TCP__DEFAULT__BIND": "127.0.0.1:%d" % free_port(),
        "EMQX_DASHBOARD__LISTENERS__HTTP__BIND": "0",
    })
    full_env.update(env or {})
    path = None
    if config is not None:
        path = os.path.join(tmp, "emqx.toml")
        with open(path, "w") as f:
            f.write(config)
        args = list(args) + ["-c", path]
    try:
        p = subprocess.run([emqxd_bin()] + list(args), capture_output=True, timeout=timeout, env=full_env,
                           stdin=subprocess.DEVNULL, cwd=tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), path


def _error_line(stderr):
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert lines, "no message on stderr"
    return lines


def test_wrong_type_in_file(tmp_path):
    code, out, err, path = run_emqxd(["console"], config="[mqtt]\nmax_inflight = \"lots\"\n")
    assert code == 1, (code, out, err)
    lines = _error_line(err)
    assert any(ln.startswith("%s:2: mqtt.max_inflight: expected " % path) and "got" in ln for ln in lines), err


def test_bad_duration_in_file(tmp_path):
    code, out, err, path = run_emqxd(["console"], config="# comment\n\n[mqtt]\nidle_timeout = \"15 fortnights\"\n")
    assert code == 1, (code, out, err)
    assert any(ln.startswith("%s:4: mqtt.idle_timeout: expected " % path) for ln in _error_line(err)), err


def test_unknown_key_in_file(tmp_path):
    code, out, err, path = run_emqxd(["console"], config="[node]\nname = \"a@b\"\nno_such_key = 1\n")
    assert code == 1, (code, out, err)
    assert any(ln.startswith("%s:3: node.no_such_key" % path) for ln in _error_line(err)), err


def test_toml_syntax_error(tmp_path):
    code, out, err, path = run_emqxd(["console"], config="[mqtt\nmax_inflight = 3\n")
    assert code == 1, (code, out, err)
    assert any(ln.startswith("%s:1" % path) for ln in _error_line(err)), err


def test_bad_env_value():
    code, out, err, _ = run_emqxd(["console"], env={"EMQX_MQTT__MAX_INFLIGHT": "abc"})
    assert code == 1, (code, out, err)
    assert re.search(r"mqtt\.max_inflight|EMQX_MQTT__MAX_INFLIGHT", err), err
    assert "expected" in err, err


def test_bad_bind_address():
    code, out, err, _ = run_emqxd(["console"], env={"EMQX_LISTENERS__TCP__DEFAULT__BIND": "not-an-address"})
    assert code == 1, (code, out, err)
    assert "listeners.tcp.default.bind" in err or "EMQX_LISTENERS__TCP__DEFAULT__BIND" in err, err


def test_nothing_binds_when_config_is_bad():
    port = free_port()
    code, out, err, _ = run_emqxd(["console"], env={"EMQX_LISTENERS__TCP__DEFAULT__BIND": "127.0.0.1:%d" % port,
                                                     "EMQX_MQTT__MAX_QOS_ALLOWED": "7"})
    assert code == 1, (code, out, err)
    assert "mqtt.max_qos_allowed" in err or "EMQX_MQTT__MAX_QOS_ALLOWED" in err, err


def test_port_in_use_exits_1_naming_listener_and_eaddrinuse():
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        code, out, err, _ = run_emqxd(["console"], env={"EMQX_LISTENERS__TCP__DEFAULT__BIND": "127.0.0.1:%d" % port})
    finally:
        holder.close()
    assert code == 1, (code, out, err)
    assert "tcp:default" in err, err
    assert "127.0.0.1:%d" % port in err, err
    assert "eaddrinuse" in err.lower(), err


def test_default_cookie_warning_has_emqx_words_then_ours():
    with Broker(name="cookie") as b:
        pass
    lines = b.log().splitlines()
    # Operators grep for EMQX's first line: it must be there word for word.
    first = lines.index("WARNING: Default (insecure) Erlang cookie is in use.")
    assert lines[first + 1].startswith("WARNING: Configure node.cookie in ")
    assert lines[first + 1].endswith(" or override from environment variable EMQX_NODE__COOKIE")
    assert "same cookie" in lines[first + 2]
    assert "emqxd runs no Erlang" in lines[first + 3]


def test_custom_cookie_prints_no_warning():
    with Broker(env={"EMQX_NODE__COOKIE": "a-real-secret"}, name="cookie2") as b:
        pass
    assert "insecure" not in b.log(), b.log()


def test_version():
    code, out, err, _ = run_emqxd(["--version"])
    assert code == 0, (code, out, err)
    assert re.search(r"\d+\.\d+\.\d+", out + err), (out, err)


def test_help():
    code, out, err, _ = run_emqxd(["--help"])
    assert code == 0, (code, out, err)
    assert "console" in out + err, (out, err)


def test_unknown_option_fails():
    code, out, err, _ = run_emqxd(["--no-such-option"])
    assert code != 0, (code, out, err)


def test_config_file_values_are_used(make_broker):
    from harness import RawClient
    b = make_broker(config="[mqtt]\nmax_topic_alias = 9\nmax_packet_size = \"2KB\"\n")
    props = RawClient(b, 5).connect("cfg").props
    assert props.get("topic_alias_maximum") == 9, props
    assert props.get("maximum_packet_size") == 2048, props


def test_env_overrides_file(make_broker):
    from harness import RawClient
    b = make_broker(config="[mqtt]\nmax_topic_alias = 9\n", env={"EMQX_MQTT__MAX_TOPIC_ALIAS": "11"})
    assert RawClient(b, 5).connect("cfg2").props.get("topic_alias_maximum") == 11
