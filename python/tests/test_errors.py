"""python/tests/test_errors.py — bad input raises gigawatt.ScenarioError (a
ValueError) with the CLI's file:line:col and message; a wrong keyword is a
TypeError naming it; an unwritable output is an OSError (python front end)."""
import os
import subprocess

import pytest

import gigawatt
from conftest import cli_env, path


def cli_error_line(*args):
    exe = os.environ.get("GIGAWATT_CLI")
    if not exe:
        pytest.skip("GIGAWATT_CLI is not set (ctest sets it)")
    done = subprocess.run([exe, *args], capture_output=True, env=cli_env())
    assert done.returncode == 2
    return done.stderr.decode().rstrip("\n")


def test_bad_scenario_file_has_its_place():
    bad = path("tests", "bad", "dimension-mismatch.yaml")
    with pytest.raises(gigawatt.ScenarioError) as caught:
        gigawatt.plan(bad)
    e = caught.value
    assert isinstance(e, ValueError)
    assert (e.file, e.line, e.col) == (bad, 4, 8)
    assert "tdp '132 kg' is a mass; expected a power" in e.message
    assert str(e) == "%s:%d:%d: %s" % (e.file, e.line, e.col, e.message)
    assert str(e) == cli_error_line("plan", bad)
    assert e.code == gigawatt._gigawatt.E_INPUT


def test_bad_yaml_text_is_placed_in_the_text():
    text = "system: gb200-nvl72\ntarget:\n  grid_power: 3 kg\n"
    with pytest.raises(gigawatt.ScenarioError) as caught:
        gigawatt.plan(text, scenario_name="inline.yaml")
    e = caught.value
    assert (e.file, e.line) == ("inline.yaml", 3)
    assert e.col > 0 and "mass" in e.message


def test_bad_dict_scenario():
    with pytest.raises(gigawatt.ScenarioError) as caught:
        gigawatt.plan({"system": "gb200-nvl72", "target": {"grid_powr": "1 GW"}})
    assert caught.value.file == "<dict>" and caught.value.line > 0


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="grid_powr"):
        gigawatt.plan(path("scenarios", "frontier-lab-30gw.yaml"), grid_powr="15 GW")
    with pytest.raises(TypeError, match="draws"):
        gigawatt.plan(path("scenarios", "frontier-lab-30gw.yaml"), draws=10)


def test_bad_option_value_names_the_flag():
    with pytest.raises(gigawatt.ScenarioError) as caught:
        gigawatt.risk(path("tests", "data", "risk-small.yaml"), draws="many")
    assert "draws" in str(caught.value)


def test_missing_scenario_is_bad_input_as_on_the_cli():
    # the CLI exits 2 (bad input) for a scenario it cannot open; so does the
    # library, and the module raises ScenarioError naming the file
    missing = path("scenarios", "no-such-scenario.yaml")
    with pytest.raises(gigawatt.ScenarioError) as caught:
        gigawatt.plan(missing)
    assert caught.value.file == missing and "cannot open" in caught.value.message
    assert str(caught.value) == cli_error_line("plan", missing)


def test_unwritable_output_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        gigawatt.plan(path("scenarios", "frontier-lab-30gw.yaml"),
                      html=tmp_path / "no-such-dir" / "plan.html")


def test_bad_scenario_type():
    with pytest.raises(TypeError):
        gigawatt.plan(42)


def bad_plan_cases():
    """tests/bad/CASES' `plan` cases on a file of tests/bad: (file, position, message)."""
    cases = []
    for line in open(path("tests", "bad", "CASES"), encoding="utf-8"):
        fields = line.rstrip("\n").split("|")
        if line.startswith("#") or len(fields) != 4:
            continue
        file, command, position, message = fields
        if command == "plan" and file and "@GEN@" not in file:
            cases.append((file, position, message))
    return cases


@pytest.mark.parametrize("file,position,message", bad_plan_cases(),
                         ids=[c[0] for c in bad_plan_cases()])
def test_bad_input_corpus_keeps_its_places(file, position, message, monkeypatch):
    # every plan case of the bad-input corpus, through the module: the same
    # file:line:col and wording as the CLI (tests/cli/check_error.sh)
    monkeypatch.chdir(path("tests", "bad"))
    with pytest.raises(gigawatt.ScenarioError) as caught:
        gigawatt.plan(file)
    e = caught.value
    assert str(e).startswith(position) and message in str(e)
    if e.file and e.line:
        assert str(e) == "%s:%d:%d: %s" % (e.file, e.line, e.col, e.message)
    elif e.file:  # a place without a line: a file that cannot be read
        assert str(e) == "%s: %s" % (e.file, e.message)
