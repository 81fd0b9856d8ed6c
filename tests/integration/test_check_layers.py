""".ci/check-layers: the repository passes; an include from a higher layer fails, with no
exception, and emqxctl may not include the daemon's code."""
import os
import subprocess

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
SCRIPT = os.path.join(ROOT, ".ci", "check-layers")


def _check(tree=None):
    args = [SCRIPT] + ([str(tree)] if tree else [])
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def _tree(tmp_path, files):
    for path, text in files.items():
        f = tmp_path / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    return tmp_path


def test_the_repository_passes():
    p = _check()
    assert p.returncode == 0, p.stdout + p.stderr
    assert "check-layers: ok" in p.stdout


def test_an_include_from_a_higher_layer_fails(tmp_path):
    tree = _tree(tmp_path, {
        "common/mqtt/codec.h": '#include "emqxd/log/log.h"\n',
        "emqxd/log/log.h": "",
        "emqxd/session/session.h": '#include "emqxd/protocol/channel.h"\n#include "emqxd/router/router.h"\n',
    })
    p = _check(tree)
    assert p.returncode == 1, p.stdout
    assert "common/mqtt/codec.h:1: includes emqxd/log/log.h: emqxd/log is in a higher layer than common" in p.stdout
    assert "emqxd/session/session.h:1: includes emqxd/protocol/channel.h" in p.stdout
    assert "router/router.h: " not in p.stdout  # a lower layer is fine


def test_no_include_up_is_excused(tmp_path):
    # The core reshape's exceptions (issue #12) are gone: each is an error like any other.
    tree = _tree(tmp_path, {
        "emqxd/net/connection.h": '#include "emqxd/worker/worker.h"\n',
        "emqxd/session/session.h": '#include "emqxd/runtime/deadline_queue.h"\n',
        "emqxd/protocol/channel.h": '#include "emqxd/net/connection.h"\n',
    })
    p = _check(tree)
    assert p.returncode == 1, p.stdout
    assert "emqxd/net/connection.h:1: includes emqxd/worker/worker.h: emqxd/worker is in a higher layer" in p.stdout
    assert "emqxd/protocol/channel.h:1: includes emqxd/net/connection.h: emqxd/net is in a higher layer" in p.stdout
    assert "session.h:1" not in p.stdout  # the runtime is below the session
    assert "warning" not in p.stdout


def test_emqxctl_is_a_separate_program(tmp_path):
    tree = _tree(tmp_path, {"emqxctl/main.cpp": '#include "emqxd/app/broker_app.h"\n#include "common/ctl/protocol.h"\n'})
    p = _check(tree)
    assert p.returncode == 1, p.stdout
    assert "emqxctl/main.cpp:1: includes emqxd/app/broker_app.h: emqxctl and emqxd/app are separate programs" in p.stdout
    assert "common/ctl/protocol.h: " not in p.stdout


def test_a_folder_in_no_layer_fails(tmp_path):
    tree = _tree(tmp_path, {"emqxd/newthing/a.cpp": '#include "emqxd/log/log.h"\n'})
    p = _check(tree)
    assert p.returncode == 1, p.stdout
    assert "folder emqxd/newthing is in no layer" in p.stdout
