""".ci/check-format: a tree laid out as the repository's .clang-format says passes; a
tracked file that is not fails, and is named. (The repository itself passes once the
tree has had its one reformat commit.)"""
import os
import shutil
import subprocess

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")

FORMATTED = """#include <string>

namespace emqx {

class Buffer {
public:
    size_t size() const { return bytes_.size(); }

private:
    std::string bytes_;
};

}  // namespace emqx
"""

UNFORMATTED = "namespace emqx {\nint twice(int x)\n{\n  return 2*x;\n}\n}\n"


def _git(tree, *args):
    subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True)


def _tree(tmp_path, files):
    """A git repository holding the check, the repository's .clang-format and `files`."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(os.path.join(ROOT, ".ci", "check-format"), tmp_path / ".ci" / "check-format")
    shutil.copy(os.path.join(ROOT, ".clang-format"), tmp_path / ".clang-format")
    for path, text in files.items():
        f = tmp_path / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    return tmp_path


def _check(tree):
    assert shutil.which("clang-format-14"), "clang-format-14 is not installed (bin/install-deps test installs it)"
    return subprocess.run([str(tree / ".ci" / "check-format")], capture_output=True, text=True, timeout=60)


def test_a_formatted_tree_passes(tmp_path):
    p = _check(_tree(tmp_path, {"emqxd/net/buffer.h": FORMATTED}))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "check-format: ok (1 files)" in p.stdout


def test_an_unformatted_file_fails_and_is_named(tmp_path):
    tree = _tree(tmp_path, {"emqxd/net/buffer.h": FORMATTED, "common/twice.cpp": UNFORMATTED})
    p = _check(tree)
    assert p.returncode == 1, p.stdout + p.stderr
    assert p.stdout.splitlines() == ["not formatted: common/twice.cpp"]
    assert "1 of 2 files differ" in p.stderr


def test_only_tracked_files_are_checked(tmp_path):
    tree = _tree(tmp_path, {"emqxd/net/buffer.h": FORMATTED})
    (tree / "build").mkdir()
    (tree / "build" / "generated.cpp").write_text(UNFORMATTED)
    p = _check(tree)
    assert p.returncode == 0, p.stdout + p.stderr
