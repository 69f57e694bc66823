"""python/tests/test_runs.py — long runs: progress reaches the callback, an
exception in it (KeyboardInterrupt as Ctrl-C raises it) stops the run cleanly
with nothing returned, and results are deterministic: the same call twice,
and risk on one thread or two (python front end)."""
import threading

import pytest

import gigawatt
from conftest import path

RISK = path("tests", "data", "risk-small.yaml")
FLEET = path("tests", "data", "fleet-small.yaml")


def interrupt_after(calls):
    seen = []

    def progress(done, total, items):
        seen.append((done, total, items))
        if len(seen) >= calls:
            raise KeyboardInterrupt
    return progress, seen


@pytest.mark.parametrize("run", [lambda cb: gigawatt.risk(RISK, draws=20000, progress=cb),
                                 lambda cb: gigawatt.sim(FLEET, progress=cb)],
                         ids=["risk", "fleet"])
def test_keyboard_interrupt_in_progress_stops_the_run(run):
    progress, seen = interrupt_after(2)
    with pytest.raises(KeyboardInterrupt):
        run(progress)
    assert len(seen) == 2  # not called again once it raised
    done, total, _ = seen[-1]
    assert 0 <= done <= total
    # the module is usable afterwards, and gives the whole result
    assert gigawatt.sim(FLEET)["kind"] == "fleet"


def test_other_exceptions_propagate_too(tmp_path):
    def progress(done, total, items):
        raise RuntimeError("enough")
    db = tmp_path / "stopped.db"
    with pytest.raises(RuntimeError, match="enough"):
        gigawatt.risk(RISK, draws=20000, progress=progress, db=db)


def test_progress_is_reported():
    seen = []
    gigawatt.sim(FLEET, progress=lambda done, total, items: seen.append((done, total)))
    assert seen and all(0 <= d <= t for d, t in seen)


def test_same_call_twice_same_result():
    assert gigawatt.risk(RISK).raw_json == gigawatt.risk(RISK).raw_json
    assert gigawatt.sim(FLEET).raw_json == gigawatt.sim(FLEET).raw_json


def test_risk_threads_do_not_change_the_result():
    one = gigawatt.risk(RISK, threads=1)
    two = gigawatt.risk(RISK, threads=2)
    assert one.raw_json == two.raw_json


def test_runs_release_the_gil(tmp_path):
    # two risk runs at once from two Python threads: both finish and agree
    # (each with its own store: two runs writing one SQLite file would wait
    # on its lock)
    results = [None, None]

    def work(i):
        results[i] = gigawatt.risk(RISK, draws=1000, db=tmp_path / ("%d.db" % i)).raw_json
    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[0] is not None and results[0] == results[1]


def test_ctrl_c_stops_a_run(tmp_path):
    # a real SIGINT, as Ctrl-C sends: Python's handler runs when the run
    # next reports progress, and the run stops with KeyboardInterrupt
    import os
    import signal
    import time
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            gigawatt.risk(RISK, draws=50000, db=tmp_path / "stopped.db")
    finally:
        timer.cancel()
    assert time.monotonic() - started >= 0.3
