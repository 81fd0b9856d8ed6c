"""The frame of a scale benchmark: a header line, one run after another,
every process a run started ended by its PID when it ends, fails, or the
script is interrupted (Ctrl-C, SIGTERM), and every run in a JSON file.
Standard library only."""
import json
import os
import signal
import sys
import time


def header(plan):
    """The first line of a report: time, load, and the plan of the runs."""
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    return "# %s load %s; %s" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), load, json.dumps(plan))


def run_all(name, plan, labels, one_run, print_run, output):
    """Calls one_run(label, rundir, live) for each label, rundir a fresh
    directory for its logs; one_run appends each process it starts (anything
    with stop()) to `live`."""
    print(header(plan), flush=True)
    workdir = os.path.join("/tmp", "%s.%d" % (name, os.getpid()))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))  # through the finally below
    runs = []
    for n, label in enumerate(labels, 1):
        rundir = os.path.join(workdir, "%d-%s" % (n, label))
        os.makedirs(rundir)
        live = []
        try:
            r = one_run(label, rundir, live)
            print_run(r)
        except RuntimeError as e:  # a run that could not be measured: said, and the next one goes on
            r = {"run": label, "error": str(e)}
            print("%s: not measured: %s" % (label, e), flush=True)
        finally:
            for proc in reversed(live):
                proc.stop()
        runs.append(r)
    if output:
        with open(output, "w") as f:
            json.dump({"plan": plan, "runs": runs}, f, indent=1)
    print("# logs in %s" % workdir, flush=True)
    return runs
