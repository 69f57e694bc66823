"""python/tests/test_install.py — `pip install ./python` into a throwaway
venv, offline, gives a working module with its own catalog (python front
end). It compiles the whole library (15-60 s); GIGAWATT_TEST_PIP=0 skips it:
GIGAWATT_TEST_PIP=0 ctest --test-dir build -R python"""
import os
import subprocess
import sys

import pytest

from conftest import ROOT, path

pytestmark = pytest.mark.skipif(os.environ.get("GIGAWATT_TEST_PIP") == "0",
                                reason="GIGAWATT_TEST_PIP=0: no pip build and install")


def test_pip_install_offline(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    env = dict(os.environ, PIP_NO_INDEX="1")
    for var in ("PYTHONPATH", "LD_PRELOAD", "GIGAWATT_CATALOG"):
        env.pop(var, None)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-build-isolation",
                    "--no-deps", os.path.join(ROOT, "python")], check=True, env=env, cwd=tmp_path)
    code = ("import gigawatt, sys; r = gigawatt.plan(sys.argv[1]); "
            "print(gigawatt.__file__.startswith(sys.prefix), r['kind'])")
    done = subprocess.run([str(venv / "bin" / "python"), "-c", code,
                           path("scenarios", "frontier-lab-30gw.yaml")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.stdout.split() == ["True", "plan"], done.stderr
