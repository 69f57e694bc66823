"""python/tests/test_tables.py — long series as NumPy arrays and pandas
DataFrames (plan quarters, risk fans, fleet hours, sim requests), and the
module without NumPy or pandas (python front end)."""
import subprocess
import sys

import pytest

import gigawatt
from conftest import path

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def plan():
    return gigawatt.plan(path("scenarios", "frontier-lab-30gw.yaml"))


def test_plan_arrays_and_quarters(plan):
    power = gigawatt.arrays(plan, "timeline.series.power_w")
    assert isinstance(power, np.ndarray)
    assert power.tolist() == plan["timeline"]["series"]["power_w"]
    series = plan.arrays("timeline.series")
    assert set(series) == set(plan["timeline"]["series"])
    df = gigawatt.frame(plan, "quarters")
    assert list(df.index) == plan["timeline"]["quarter_labels"]
    assert df["power_w"].tolist() == plan["timeline"]["series"]["power_w"]
    assert gigawatt.tables(plan) == ["quarters"]


def test_risk_fans():
    result = gigawatt.risk(path("tests", "data", "risk-small.yaml"))
    df = result.frame("quarters")
    assert list(df.index) == result["quarters"]
    assert df["capacity.p50"].tolist() == result["series"]["capacity"]["p50"]
    levels = gigawatt.frame(result, "build_levels")
    assert levels["levels"].tolist() == result["build_levels"]["levels"]


def test_fleet_hourly():
    result = gigawatt.sim(path("tests", "data", "fleet-small.yaml"))
    df = gigawatt.frame(result, "hourly")
    assert df.index.name == "hour"
    assert df["served"].tolist() == result["hourly"]["served"]
    assert df["by_tenant.chat.served"].tolist() == result["hourly"]["by_tenant"]["chat"]["served"]


def test_sim_requests_need_the_csv():
    scenario = path("scenarios", "sim-llama70b-h100.yaml")
    with pytest.raises(ValueError, match="requests_csv"):
        gigawatt.frame(gigawatt.sim(scenario), "requests")
    result = gigawatt.sim(scenario, requests_csv=True)
    df = gigawatt.frame(result, "requests")
    assert len(df) == result["requests"]
    assert len(gigawatt.frame(result, "iterations")) == len(result["timeline"]["batch"])


def test_unknown_path_names_it(plan):
    with pytest.raises(KeyError, match="nowhere"):
        gigawatt.arrays(plan, "timeline.nowhere")


def test_without_numpy_and_pandas():
    # a fresh interpreter where numpy and pandas cannot be imported: the
    # module works, the helpers say what to install
    code = """
import sys
sys.modules['numpy'] = None
sys.modules['pandas'] = None
import gigawatt
r = gigawatt.plan(sys.argv[1])
assert r['kind'] == 'plan'
for helper, arg, lib in ((gigawatt.arrays, 'timeline.series', 'numpy'),
                         (gigawatt.frame, 'quarters', 'pandas')):
    try:
        helper(r, arg)
    except ImportError as e:
        assert lib in str(e) and 'install' in str(e), e
    else:
        raise SystemExit('no ImportError')
print('ok')
"""
    done = subprocess.run([sys.executable, "-c", code, path("scenarios", "frontier-lab-30gw.yaml")],
                          capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


def test_dumps_is_the_cli_layout():
    assert gigawatt.dumps({}) == "{\n}\n"
    assert gigawatt.dumps({"a": [1, 2.5, {"b": None}], "c": "x\ty"}) == \
        '{\n\t"a":\t[1, 2.5, {\n\t\t\t"b":\tnull\n\t\t}],\n\t"c":\t"x\\ty"\n}\n'
    assert gigawatt.dumps({"x": 155354973756.67099}) == '{\n\t"x":\t155354973756.671\n}\n'
