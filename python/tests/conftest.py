"""python/tests/conftest.py — shared fixtures of the gigawatt module's tests
(python front end): where the source tree and the built CLI are, and the CLI
run the module is compared with. ctest sets GIGAWATT_CLI and
GIGAWATT_SOURCE_DIR (python/CMakeLists.txt)."""
import os
import subprocess

import pytest

ROOT = os.environ.get("GIGAWATT_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))


def path(*parts):
    """A file of the source tree."""
    return os.path.join(ROOT, *parts)


def cli_env():
    """The environment for the CLI: without the ASan runtime the sanitizer
    build preloads into python (the CLI links its own, statically)."""
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    env["LC_ALL"] = "C"
    return env


def run_cli(*args):
    """The CLI's stdout for `gigawatt ARGS` (which must succeed)."""
    exe = os.environ.get("GIGAWATT_CLI")
    if not exe:
        pytest.skip("GIGAWATT_CLI is not set (ctest sets it)")
    done = subprocess.run([exe, *args], capture_output=True, env=cli_env())
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


@pytest.fixture(autouse=True)
def scratch_directory(tmp_path, monkeypatch):
    """Every test in its own directory: risk keeps its draws in ./gigawatt.db
    unless told otherwise, and the source tree must stay clean."""
    monkeypatch.chdir(tmp_path)
