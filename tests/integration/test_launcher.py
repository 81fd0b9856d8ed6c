"""bin/emqx start | ping | stop | restart: EMQX's launcher verbs on the real daemon."""
import os
import signal
import socket
import subprocess
import tempfile

from harness.broker import emqxd_bin, free_port, port_accepts, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAUNCHER = os.path.join(ROOT, "bin", "emqx")


def launcher(data_dir, port, *args, timeout=60):
    env = dict(os.environ)
    env.update({
        "EMQX_BUILD_DIR": os.path.dirname(emqxd_bin()),
        "EMQX_NO_BUILD": "1",
        "EMQX_NODE__DATA_DIR": data_dir,
        "EMQX_LISTENERS__TCP__DEFAULT__BIND": "127.0.0.1:%d" % port,
        "EMQX_SYS_TOPICS__SYS_MSG_INTERVAL": "disabled",
        "EMQX_DASHBOARD__LISTENERS__HTTP__BIND": "0",
    })
    return subprocess.run([LAUNCHER, *args], env=env, capture_output=True, text=True, timeout=timeout)


def pid_in(data_dir):
    with open(os.path.join(data_dir, "emqxd.pid")) as f:
        return int(f.read().strip())


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def test_start_returns_once_the_listener_accepts_then_ping_and_stop():
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        r = launcher(data_dir, port, "start")
        assert r.returncode == 0, r.stdout + r.stderr
        pid = pid_in(data_dir)
        try:
            # start returned: the port must already accept, without waiting.
            assert port_accepts("127.0.0.1", port)
            ping = launcher(data_dir, port, "ping")
            assert ping.returncode == 0 and ping.stdout.strip() == "pong"
            again = launcher(data_dir, port, "start")
            assert again.returncode == 1 and "already running" in again.stdout
        finally:
            stop = launcher(data_dir, port, "stop")
        assert stop.returncode == 0, stop.stdout + stop.stderr
        assert not alive(pid)
        assert not os.path.exists(os.path.join(data_dir, "emqxd.pid"))
        ping = launcher(data_dir, port, "ping")
        assert ping.returncode == 1 and "not responding" in ping.stdout


def test_ping_asks_the_daemon_not_the_pid_file():
    """A stopped (SIGSTOP) daemon still has its process and pid file, but does
    not answer: ping says so, and pong again once it runs."""
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        assert launcher(data_dir, port, "start").returncode == 0
        pid = pid_in(data_dir)
        try:
            os.kill(pid, signal.SIGSTOP)
            ping = launcher(data_dir, port, "ping")
            assert ping.returncode == 1 and "not responding" in ping.stdout
            os.kill(pid, signal.SIGCONT)
            ping = launcher(data_dir, port, "ping")
            assert ping.returncode == 0 and ping.stdout.strip() == "pong"
        finally:
            os.kill(pid, signal.SIGCONT)
            launcher(data_dir, port, "stop")


def test_restart_gives_a_new_process_on_the_same_port():
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        assert launcher(data_dir, port, "start").returncode == 0
        first = pid_in(data_dir)
        try:
            r = launcher(data_dir, port, "restart")
            assert r.returncode == 0, r.stdout + r.stderr
            second = pid_in(data_dir)
            assert second != first and not alive(first)
            assert port_accepts("127.0.0.1", port)
        finally:
            assert launcher(data_dir, port, "stop").returncode == 0


def test_a_second_console_leaves_the_running_daemon_alone():
    """The FAQ's troubleshooting step, `emqx console` while the node runs,
    fails on the data dir's lock and touches nothing of the live daemon's:
    its pid file, so stop and ping still find it, and its emqxd.out."""
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        assert launcher(data_dir, port, "start").returncode == 0
        pid = pid_in(data_dir)
        out = os.path.join(data_dir, "emqxd.out")
        try:
            with open(out) as f:
                output_before = f.read()
            assert "is running now" in output_before
            second = launcher(data_dir, port, "console", timeout=30)
            assert second.returncode == 1
            assert "in use by another emqxd (pid %d)" % pid in second.stderr, second.stderr
            assert pid_in(data_dir) == pid
            ping = launcher(data_dir, port, "ping")
            assert ping.returncode == 0 and ping.stdout.strip() == "pong"
            again = launcher(data_dir, port, "start")
            assert again.returncode == 1 and "already running (pid %d)" % pid in again.stdout
            with open(out) as f:
                assert f.read() == output_before
        finally:
            stop = launcher(data_dir, port, "stop")
        assert stop.returncode == 0, stop.stdout + stop.stderr
        assert not alive(pid)


def test_start_over_a_stale_pid_file_from_a_crash():
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        assert launcher(data_dir, port, "start").returncode == 0
        crashed = pid_in(data_dir)
        os.kill(crashed, signal.SIGKILL)
        wait_until(lambda: not alive(crashed), 10, what="the daemon killed")
        assert pid_in(data_dir) == crashed
        try:
            r = launcher(data_dir, port, "start")
            assert r.returncode == 0, r.stdout + r.stderr
            assert pid_in(data_dir) != crashed
        finally:
            assert launcher(data_dir, port, "stop").returncode == 0


def test_start_fails_with_exit_1_when_the_port_is_taken():
    with tempfile.TemporaryDirectory() as data_dir, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = launcher(data_dir, port, "start")
        assert r.returncode == 1
        assert "eaddrinuse" in r.stderr and "tcp:default" in r.stderr
        wait_until(lambda: not os.path.exists(os.path.join(data_dir, "emqxd.pid")), 5, what="pid file removed")


def test_stop_when_not_running_fails():
    with tempfile.TemporaryDirectory() as data_dir:
        r = launcher(data_dir, free_port(), "stop")
        assert r.returncode == 1 and "not running" in r.stdout


def test_unknown_verb_is_a_usage_error():
    with tempfile.TemporaryDirectory() as data_dir:
        r = launcher(data_dir, free_port(), "frobnicate")
        assert r.returncode == 2 and "unknown command" in r.stderr
