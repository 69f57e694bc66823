"""python/tests/test_scenarios.py — a scenario given as a path, a dict or
YAML text, with set= overrides, gives the CLI's result (python front end)."""
import json

import gigawatt
from conftest import path, run_cli

SCENARIO = path("scenarios", "frontier-lab-30gw.yaml")
SMALL = {"system": "gb200-nvl72", "site": "liquid-cooled-campus",
         "target": {"grid_power": "2 GW"}}
SMALL_YAML = """\
system: gb200-nvl72
site: liquid-cooled-campus
target:
  grid_power: 2 GW
"""


def test_plan_from_a_path_and_a_pathlike():
    import pathlib
    expected = run_cli("plan", SCENARIO, "--json")
    assert gigawatt.plan(SCENARIO).raw_json == expected
    assert gigawatt.plan(pathlib.Path(SCENARIO)).raw_json == expected


def test_plan_from_a_dict_and_yaml_text_equal_the_file(tmp_path):
    file = tmp_path / "small.yaml"
    file.write_text(SMALL_YAML)
    expected = json.loads(run_cli("plan", str(file), "--json"))
    assert gigawatt.plan(SMALL) == expected
    assert gigawatt.plan(SMALL_YAML) == expected


def test_set_overrides_as_the_cli_set():
    expected = run_cli("plan", SCENARIO, "--set", "timeline.build_level=1.3",
                       "--set", "target.grid_power=15 GW", "--json")
    result = gigawatt.plan(SCENARIO, set={"timeline.build_level": 1.3,
                                          "target.grid_power": "15 GW"})
    assert result.raw_json == expected


def test_set_on_a_dict_scenario():
    result = gigawatt.plan(SMALL, set={"target.grid_power": "3 GW"})
    assert result == gigawatt.plan(dict(SMALL, target={"grid_power": "3 GW"}))
