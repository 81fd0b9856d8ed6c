"""One emqx-bench process of a scale benchmark: its stderr in a file (the
progress lines and "all N clients connected ... in T ms"), its JSON summary
from --json, waited on with deadlines and ended by its PID (SIGINT: it
DISCONNECTs every client and prints the summary). Standard library only."""
import json
import os
import re
import signal
import subprocess
import time

from brokers import ROOT, raise_nofile

EMQX_BENCH = os.environ.get("EMQX_BENCH", os.path.join(ROOT, "build", "emqx-bench"))
READY = re.compile(r"^all (\d+) clients? (connected|connected and subscribed) in (\d+) ms$", re.M)
RECV = re.compile(r"recv: (\d+),")
PROGRESS = re.compile(r"^\d+s connected\((\d+)\)(?: failed\((\d+)\))?", re.M)


class BenchClient:
    def __init__(self, args, workdir, tag, nofile):
        self.tag = tag
        self.err_path = os.path.join(workdir, tag + ".stderr")
        self.json_path = os.path.join(workdir, tag + ".json")
        self.args = [EMQX_BENCH] + list(args) + ["--json", self.json_path]
        with open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=err, preexec_fn=raise_nofile(nofile))

    def stderr(self):
        with open(self.err_path, errors="replace") as f:
            return f.read()

    def ready_ms(self):
        """T of "all N clients connected[ and subscribed] in T ms", or None before it."""
        m = READY.search(self.stderr())
        return int(m.group(3)) if m else None

    def failed(self):
        """Clients failed or lost so far, from the last progress line."""
        lines = PROGRESS.findall(self.stderr())
        return int(lines[-1][1] or 0) if lines else 0

    def wait_ready(self, timeout):
        """Waits for every client's handshake; fails as soon as one has failed."""
        deadline = time.monotonic() + timeout
        while self.ready_ms() is None:
            if self.failed():
                self.interrupt()  # for the summary, which names the reasons
                summary = self.finish(60)
                raise RuntimeError("%s: %d clients failed: %s" % (
                    self.tag, self.failed(), summary and summary["connections"]["errors"]))
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited (%s) before all its clients were ready:\n%s"
                                   % (self.tag, self.proc.returncode, self.stderr()[-3000:]))
            if time.monotonic() > deadline:
                raise RuntimeError("%s: not all clients ready after %.0f s:\n%s"
                                   % (self.tag, timeout, self.stderr()[-3000:]))
            time.sleep(0.1)
        return self.ready_ms()

    def recv_total(self):
        totals = RECV.findall(self.stderr())
        return int(totals[-1]) if totals else 0

    def wait_recv_settled(self, quiet_s, timeout):
        """Waits until the received total has not grown for `quiet_s` seconds."""
        deadline = time.monotonic() + timeout
        last, since = self.recv_total(), time.monotonic()
        while time.monotonic() - since < quiet_s and time.monotonic() < deadline:
            time.sleep(0.2)
            now = self.recv_total()
            if now != last:
                last, since = now, time.monotonic()
        return last

    def interrupt(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)

    def finish(self, timeout):
        """Waits for the exit; the JSON summary (None when there is none)."""
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            raise RuntimeError("%s did not end within %.0f s" % (self.tag, timeout))
        try:
            with open(self.json_path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def stop(self):
        """Ends the process if it is still running (its PID only): SIGINT, so
        that it disconnects its clients and writes its summary, then SIGKILL
        after 30 s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
