"""The brokers the scale benchmarks compare, started the same way: emqxd
(build/emqxd console, a throw-away data dir) or Debian's mosquitto (a config
file written for the run: no persistence, no connection limit), on a free
loopback port, with the open-file limit raised for that process only. Each is
measured from /proc (CPU, RSS, descriptors) and stopped by its PID.
Standard library only."""
import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EMQXD = os.environ.get("EMQXD", os.path.join(ROOT, "build", "emqxd"))
MOSQUITTO = os.environ.get("MOSQUITTO", "/usr/sbin/mosquitto")
CLK_TCK = os.sysconf("SC_CLK_TCK")

MOSQUITTO_CONF = """per_listener_settings false
allow_anonymous true
persistence false
listener {port} 127.0.0.1
max_connections -1
log_dest stderr
log_type error
log_type warning
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def nofile_limit_for(wanted):
    """The open-file limit (soft = hard) a child can get: `wanted` when this
    process may raise its hard limit that far (privileges and fs.nr_open),
    else the hard limit it has."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if wanted <= hard:
        return wanted
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, wanted))
        return wanted
    except (ValueError, OSError):
        return hard


def raise_nofile(limit):
    """A preexec_fn: the child's soft and hard open-file limit to `limit`."""
    def apply():
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
    return apply


class Broker:
    """One broker process: kind "emqxd" or "mosquitto"."""

    def __init__(self, kind, nofile, logdir, binary=None, env_more=None):
        """Its output goes to logdir/broker.log; its data dir is removed by stop().
        `binary`: another emqxd than EMQXD; `env_more`: more environment (config keys)."""
        assert kind in ("emqxd", "mosquitto"), kind
        self.kind = kind
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="bench-%s." % kind)
        self.log_path = os.path.join(logdir, "broker.log")
        if kind == "emqxd":
            env = dict(os.environ, EMQX_LISTENERS__TCP__DEFAULT__BIND="127.0.0.1:%d" % self.port,
                       EMQX_LISTENERS__TCP__DEFAULT__MAX_CONNECTIONS=str(max(nofile, 1024000)),
                       EMQX_LISTENERS__WS__DEFAULT__ENABLE="false", EMQX_DASHBOARD__LISTENERS__HTTP__BIND="0", EMQX_NODE__DATA_DIR=self.dir,
                       EMQX_NODE__WORKERS="2")
            env.update(env_more or {})
            argv = [binary or EMQXD, "console"]
        else:
            conf = os.path.join(self.dir, "mosquitto.conf")
            with open(conf, "w") as f:
                f.write(MOSQUITTO_CONF.format(port=self.port))
            env = dict(os.environ)
            argv = [MOSQUITTO, "-c", conf]
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         preexec_fn=raise_nofile(nofile))
        self.pid = self.proc.pid
        deadline = time.monotonic() + 60
        while not port_accepts(self.port):
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited while starting:\n%s" % (kind, self.log_tail()))
            if time.monotonic() > deadline:
                raise RuntimeError("%s not listening after 60 s:\n%s" % (kind, self.log_tail()))
            time.sleep(0.05)

    def log_tail(self, n=20):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-n:])

    def cpu_s(self):
        """User + system CPU seconds of the whole process (every thread)."""
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def status_kb(self, field="VmRSS"):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise KeyError(field)

    def sockets(self):
        """Open socket descriptors: connections, listeners, the ctl socket."""
        d = "/proc/%d/fd" % self.pid
        n = 0
        for fd in os.listdir(d):
            try:
                n += os.readlink(os.path.join(d, fd)).startswith("socket:")
            except OSError:  # closed meanwhile
                pass
        return n

    def stop(self):
        """SIGTERM, SIGKILL after 60 s; this broker's PID only. Then its data dir goes."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)
