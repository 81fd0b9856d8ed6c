"""Start the real broker on a free port in its own temp dir; stop it with SIGTERM.

`Broker(env={...}, config="toml text")` is a context manager. The broker under
test is `$EMQXD_BIN` (default /work/main/build/emqxd). With
EMQX_TEST_BROKER=mosquitto the same tests run against Debian's mosquitto, to
check the tests themselves (EMQX-specific tests fail there, as expected).
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

DEFAULT_BIN = "/work/main/build/emqxd"
START_DEADLINE = 10.0
STOP_DEADLINE = 10.0


class BrokerError(AssertionError):
    pass


def broker_kind():
    return os.environ.get("EMQX_TEST_BROKER", "emqxd")


def is_mosquitto():
    return broker_kind() == "mosquitto"


def emqxd_bin():
    path = os.environ.get("EMQXD_BIN", DEFAULT_BIN)
    if not os.access(path, os.X_OK):
        raise BrokerError("emqxd binary not found or not executable: %s (set EMQXD_BIN)" % path)
    return path


_handed_out = set()


RUNNING = "is running now!"  # what emqxd prints once it serves


def free_port():
    """A port that was free a moment ago (bind :0, read, close), and not one
    this process handed out before: the kernel may give a just-closed port
    again, and a broker with two listeners would get one port twice."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def wait_until(pred, timeout, interval=0.02, what="condition"):
    """Poll pred() until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


def port_accepts(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


# env overrides that have a mosquitto equivalent (used only in mosquitto mode)
_MOSQ_MAP = {
    "EMQX_MQTT__MAX_MQUEUE_LEN": ("max_queued_messages", str),
    "EMQX_MQTT__MAX_PACKET_SIZE": ("max_packet_size", lambda v: str(_size(v))),
    "EMQX_SYS_TOPICS__SYS_MSG_INTERVAL": ("sys_interval", lambda v: str(max(1, _dur(v)))),
    "EMQX_MQTT__MAX_INFLIGHT": ("max_inflight_messages", str),
}


def _size(v):
    v = v.strip().upper()
    for suf, mult in (("KB", 1024), ("MB", 1024 * 1024), ("B", 1)):
        if v.endswith(suf):
            return int(v[:-len(suf)]) * mult
    return int(v)


def _dur(v):
    v = v.strip()
    for suf, mult in (("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)):
        if v.endswith(suf):
            return int(float(v[:-len(suf)]) * mult)
    return int(v)


class Broker:
    """A running broker. Use as a context manager, or call start()/stop()."""

    node = "emqx@127.0.0.1"

    def __init__(self, env=None, config=None, args=None, name="broker", ws=False, data_dir=None, http=False):
        self.env = dict(env or {})
        # data_dir: a node.data_dir the test owns (kept at stop), so that a
        # second broker can start on what the first one left (restart tests).
        self.data_dir = data_dir
        # ws.default is enabled by default (as in EMQX) on 8083: parallel test
        # brokers would collide there, so it is off unless a test asks for it
        # (ws=True: on a free port, self.ws_port).
        self.ws = ws
        self.ws_port = None
        # The HTTP API (dashboard.listeners.http) is on by default on 18083,
        # where parallel brokers would collide: off unless a test asks
        # (http=True: on 127.0.0.1 and a free port, self.http_port).
        self.http = http
        self.http_port = None
        self.config = config
        self.args = list(args or [])
        self.name = name
        self.host = "127.0.0.1"
        self.port = None
        self.proc = None
        self.tmpdir = None
        self.log_path = None
        self.exit_code = None
        self.kind = broker_kind()
        self.started = False

    # -- lifecycle -------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self.stop()
        finally:
            if exc_type is not None:
                print(self.describe())

    def start(self):
        self.tmpdir = tempfile.mkdtemp(prefix="emqxd-itest-")
        last = None
        for attempt in range(3):
            self.port = free_port()
            self.log_path = os.path.join(self.tmpdir, "broker-%d.log" % attempt)
            self._spawn()
            try:
                self._wait_ready()
                self.started = True
                return self
            except BrokerError as e:
                last = e
                log = self.log().lower()
                if self.proc.poll() is not None and ("eaddrinuse" in log or "address already in use" in log):
                    continue  # someone took the port between our probe and the bind: retry
                self._kill()
                raise
        raise last

    def _spawn(self):
        logf = open(self.log_path, "wb")
        if self.kind == "mosquitto":
            conf = os.path.join(self.tmpdir, "mosquitto.conf")
            lines = ["listener %d 127.0.0.1" % self.port, "allow_anonymous true", "persistence false"]
            for k, v in self.env.items():
                if k in _MOSQ_MAP:
                    key, fn = _MOSQ_MAP[k]
                    lines.append("%s %s" % (key, fn(v)))
            with open(conf, "w") as f:
                f.write("\n".join(lines) + "\n")
            cmd = ["mosquitto", "-c", conf]
            env = dict(os.environ)
        else:
            data = self.data_dir or os.path.join(self.tmpdir, "data")
            os.makedirs(data, exist_ok=True)
            env = dict(os.environ)
            env.update({
                "EMQX_LISTENERS__TCP__DEFAULT__BIND": "127.0.0.1:%d" % self.port,
                "EMQX_NODE__DATA_DIR": data,
            })
            if self.ws:
                self.ws_port = free_port()
                env["EMQX_LISTENERS__WS__DEFAULT__BIND"] = "127.0.0.1:%d" % self.ws_port
            else:
                env["EMQX_LISTENERS__WS__DEFAULT__ENABLE"] = "false"
            if self.http:
                self.http_port = free_port()
                env["EMQX_DASHBOARD__LISTENERS__HTTP__BIND"] = "127.0.0.1:%d" % self.http_port
            else:
                env["EMQX_DASHBOARD__LISTENERS__HTTP__BIND"] = "0"
            env.update(self.env)
            cmd = [emqxd_bin(), "console"]
            if self.config is not None:
                conf = os.path.join(self.tmpdir, "emqx.toml")
                with open(conf, "w") as f:
                    f.write(self.config)
                cmd += ["-c", conf]
            cmd += self.args
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env, cwd=self.tmpdir)
        logf.close()

    def _wait_ready(self):
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.exit_code = self.proc.returncode
                raise BrokerError("broker exited with %s before accepting on port %d\n%s"
                                  % (self.exit_code, self.port, self.describe()))
            # emqxd says it runs once every listener is bound: until then the port
            # may be another test's broker's (a free port is only free a moment),
            # and this one then stops with eaddrinuse and is started again.
            if port_accepts(self.host, self.port) and (self.kind == "mosquitto" or RUNNING in self.log()):
                return
            time.sleep(0.02)
        raise BrokerError("broker did not accept on port %d within %.0fs\n%s"
                          % (self.port, START_DEADLINE, self.describe()))

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # our own child, by PID
            self.proc.wait(5)

    def terminate(self, deadline=STOP_DEADLINE):
        """SIGTERM and wait; returns the exit code. SIGKILL and fail after the deadline."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(deadline)
            except subprocess.TimeoutExpired:
                self._kill()
                raise BrokerError("broker did not exit within %.0fs of SIGTERM (killed)\n%s"
                                  % (deadline, self.describe()))
        self.exit_code = self.proc.returncode
        return self.exit_code

    def kill9(self):
        """SIGKILL (a crash: nothing flushed, no goodbye) and wait; returns the exit code."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(STOP_DEADLINE)
        self.exit_code = self.proc.returncode if self.proc else None
        return self.exit_code

    def stop(self):
        code = self.terminate()
        ok = (code in (0, None) or self.kind == "mosquitto" or not self.started  # start() already failed
              or code == -signal.SIGKILL)  # killed on purpose by kill9()
        if not ok:
            raise BrokerError("broker exited with code %s after SIGTERM\n%s" % (code, self.describe()))
        if self.tmpdir and os.environ.get("EMQX_TEST_KEEP_TMP") != "1":
            self._log_cache = self.log()
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        return code

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    # -- inspection ------------------------------------------------------
    def log(self):
        if getattr(self, "_log_cache", None) is not None:
            return self._log_cache
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except (OSError, TypeError):
            return ""

    def log_line(self, text, timeout=5):
        """The first line of the log holding `text`, waiting for it (the log is written asynchronously)."""
        def find():
            return next((l for l in self.log().splitlines() if text in l), None)
        return wait_until(find, timeout, what="a log line with %r" % text)

    def describe(self):
        return "----- %s (%s) log: %s -----\n%s\n----- end of %s log -----" % (
            self.name, " ".join(getattr(self, "cmd", []) or []), self.log_path, self.log(), self.name)

    def __repr__(self):
        return "<Broker %s port=%s>" % (self.kind, self.port)
