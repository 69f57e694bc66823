"""gigawatt — the simulator/planner for AI compute infrastructure, from Python.

python/gigawatt/__init__.py (python front end): one function per command of
the `gigawatt` CLI, each a thin shell over the library's gw_command_run
(through the `_gigawatt` extension), so a call gives exactly what the CLI's
``--json`` gives:

    >>> import gigawatt
    >>> plan = gigawatt.plan("scenarios/frontier-lab-30gw.yaml", grid_power="15 GW")
    >>> plan["accelerators"]

A scenario is a path, a dict (sent as JSON text, which YAML reads) or YAML
text. ``set={"target.grid_power": "15 GW"}`` overrides values as ``--set``
does; the command's options are keyword arguments named by the long flag with
``-`` spelled ``_`` (``grid_power="15 GW"`` is ``--grid-power '15 GW'``;
``True`` is a switch such as ``train=True``; numbers are sent as text).

Every command returns a :class:`Result`: the ``--json`` document as a dict,
with the library's JSON string (``.raw_json``, byte for byte the CLI's
stdout) and, when asked for, ``.text`` (``text=True``), ``.html``
(``html=True``) and ``.csv`` (``requests_csv=True``: sim's per-request table,
a fleet's hourly series). Give a path instead of True to also write the file.

Long series come out as NumPy arrays with :func:`arrays` and as pandas
DataFrames with :func:`frame`; NumPy and pandas are imported only there.
Errors in the input raise :class:`ScenarioError` (a ValueError) with
``file``, ``line``, ``col`` and ``message`` (a scenario file that cannot
be read is such an error, as the CLI's exit 2); an output file that cannot
be written raises OSError. A ``progress(done, total, items)`` callback is called during
long runs (sim, risk); an exception it raises, or Ctrl-C, stops the run
cleanly. The GIL is released while the library works.
"""
import io
import json
import math
import os
import tempfile

from . import _gigawatt
from ._gigawatt import ScenarioError

__version__ = _gigawatt.version
__all__ = ["catalog", "rack", "plan", "perf", "sim", "search", "validate", "risk", "runs",
           "report", "explore", "power",
           "Result", "ResultList", "ScenarioError", "arrays", "frame", "tables", "dumps", "commands",
           "options"]

# The catalog shipped inside an installed package (pip), used when neither
# catalog_dir= nor $GIGAWATT_CATALOG says otherwise. A build tree has none:
# there the library's built-in path (the checkout's data/) applies.
_PACKAGE_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


class _Outputs:
    """What a command gave besides its --json document (see Result)."""

    raw_json = None
    text = None
    html = None
    csv = None


class Result(_Outputs, dict):
    """A command's ``--json`` document as a dict (json.loads of .raw_json).

    Attributes: ``raw_json`` (the library's JSON string, what ``gigawatt
    CMD --json`` prints), ``text`` (the human-readable output, with
    ``text=True``), ``html`` (the HTML report, with ``html=``), ``csv``
    (sim's per-request table or a fleet's hourly series, with
    ``requests_csv=``); None when not asked for.
    """

    def arrays(self, path):
        """Same as gigawatt.arrays(self, path)."""
        return arrays(self, path)

    def frame(self, table=None):
        """Same as gigawatt.frame(self, table)."""
        return frame(self, table)


class ResultList(_Outputs, list):
    """A command whose --json document is a list (runs): the list, with the
    attributes of Result."""


def commands():
    """The commands the library knows."""
    return _gigawatt.commands()


_option_cache = {}


def options(command):
    """The options `command` takes, as long flag names ("grid-power")."""
    if command not in _option_cache:
        _option_cache[command] = frozenset(_gigawatt.options(command))
    return _option_cache[command]


def _scenario_args(scenario, scenario_name):
    """A scenario argument as run()'s scenario_path / scenario_text.

    A dict is sent as JSON text; a str is a path when it names an existing
    file or looks like one (no newline and no ': '), else YAML text."""
    if scenario is None:
        return {}
    if isinstance(scenario, dict):
        return {"scenario_text": json.dumps(scenario, indent=2),
                "scenario_name": scenario_name or "<dict>"}
    if isinstance(scenario, os.PathLike):
        return {"scenario_path": os.fspath(scenario)}
    if not isinstance(scenario, str):
        raise TypeError("scenario: expected a path, a dict or YAML text, got %s"
                        % type(scenario).__name__)
    if os.path.isfile(scenario) or ("\n" not in scenario and ": " not in scenario):
        return {"scenario_path": scenario}
    return {"scenario_text": scenario, "scenario_name": scenario_name or "<yaml>"}


def _sets(overrides):
    """set={"target.grid_power": "15 GW"} (or an iterable of "k=v") as --set strings."""
    if not overrides:
        return ()
    if isinstance(overrides, dict):
        return tuple("%s=%s" % (key, _text(value)) for key, value in overrides.items())
    return tuple(overrides)


def _text(value):
    """An option or override value as the CLI would take it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


# Options whose output the module returns as a string instead of writing a
# file: the keyword, and the Result attribute it fills.
_RETURNED = {"html": "html", "requests-csv": "csv", "csv": "csv"}


def _options(command, kwargs):
    """Keyword arguments as (flag, value) pairs, checked against the command."""
    allowed = options(command)
    pairs, to_write = [], {}
    for key, value in kwargs.items():
        flag = key.replace("_", "-")
        if flag not in allowed:
            raise TypeError("%s() got an unexpected keyword argument '%s' (its options: %s)"
                            % (command, key, ", ".join(sorted(f.replace("-", "_")
                                                              for f in allowed))))
        if value is None or value is False:
            continue
        if flag in _RETURNED:
            if value is not True:
                to_write[_RETURNED[flag]] = os.fspath(value)
            pairs.append((flag, None))
        elif value is True:
            pairs.append((flag, None))
        elif flag == "vary" and not isinstance(value, str):
            # explore: {key: values} or ["key=values", ...], one --vary each
            items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
            pairs.extend((flag, v if k is None else "%s=%s" % (k, _text(v))) for k, v in items)
        else:
            pairs.append((flag, _text(value)))
    return tuple(pairs), to_write


def _run(command, scenario=None, positional=(), set=None, catalog_dir=None, progress=None,
         text=False, scenario_name=None, **kwargs):
    """One command through the library: a Result."""
    opts, to_write = _options(command, kwargs)
    if catalog_dir is None and not os.environ.get("GIGAWATT_CATALOG") and \
            os.path.isdir(_PACKAGE_DATA):
        catalog_dir = os.path.join(_PACKAGE_DATA, "catalog") + ":" + \
            os.path.join(_PACKAGE_DATA, "models")
    out = _gigawatt.run(command, positional=tuple(positional), sets=_sets(set), options=opts,
                        catalog_dir=None if catalog_dir is None else os.fspath(catalog_dir),
                        want_json=True, want_text=bool(text), progress=progress,
                        **_scenario_args(scenario, scenario_name))
    document = json.loads(out["json"]) if out["json"] is not None else {}
    result = ResultList(document) if isinstance(document, list) else Result(document)
    result.raw_json, result.text, result.html, result.csv = (
        out["json"], out["text"], out["html"], out["csv"])
    for attr, path in to_write.items():
        with open(path, "w", encoding="utf-8") as f:
            f.write(getattr(result, attr) or "")
    return result


def power(scenario=None, **kwargs):
    """``gigawatt power``: a site's power over time, what the grid sees with
    and without the scenario's mitigations, violations of its limits and the
    least site battery meeting them (window=, resolution=, battery_power=,
    battery_energy=; csv=True returns the series as Result.csv)."""
    return _run("power", scenario, **kwargs)


def catalog(id=None, **kwargs):
    """``gigawatt catalog [ID]``: every entry by kind, or one entry with its sources."""
    return _run("catalog", positional=() if id is None else (id,), **kwargs)


def rack(scenario=None, **kwargs):
    """``gigawatt rack``: one rack's power budget, cooling and design checks
    (system=, load=, site=, cooling=, accelerator=)."""
    return _run("rack", scenario, **kwargs)


def plan(scenario=None, **kwargs):
    """``gigawatt plan``: fleet sizing, cost and households, and the quarterly
    build-out when the scenario has a timeline (grid_power=, budget= ...)."""
    return _run("plan", scenario, **kwargs)


def perf(scenario=None, **kwargs):
    """``gigawatt perf``: inference (model=, accelerator=, count=, tp= ...) or,
    with train=True, training performance."""
    return _run("perf", scenario, **kwargs)


def sim(scenario=None, **kwargs):
    """``gigawatt sim``: the replica simulator, or the fleet simulator when the
    scenario has a fleet: section. requests_csv=True returns the per-request
    table (replica) or the hourly series (fleet) as Result.csv."""
    return _run("sim", scenario, **kwargs)


def search(scenario=None, **kwargs):
    """``gigawatt search``: the serving configuration search (model=, system=,
    input_tokens=, output_tokens=, ttft_slo=, tpot_slo=, mode=, metric=): the
    Pareto front of tokens/s per GPU vs per user and the best under the
    targets (docs/search.md); csv=True gives the front as CSV in Result.csv."""
    return _run("search", scenario, **kwargs)


def risk(scenario=None, **kwargs):
    """``gigawatt risk``: Monte Carlo of the build-out (draws=, seed=, threads=, db=)."""
    return _run("risk", scenario, **kwargs)


def explore(scenario=None, **kwargs):
    """``gigawatt explore``: a design-space sweep of any scenario fields
    (vary={"perf.tp": [1, 2, 4], "operation.load": "0.5:1:6"}, design=,
    points=, seed=, threads=, db=, resume=): every point's objectives, the
    Pareto front, the best per objective and the sensitivity
    (docs/explore.md); csv=True gives every point as CSV in Result.csv."""
    return _run("explore", scenario, **kwargs)


def validate(measured, **kwargs):
    """``gigawatt validate``: the perf model against a CSV of measured serving
    runs (silicon-sample.csv's columns): per row predicted and measured TTFT
    and TPOT, or the reason a row cannot be predicted, and the summary per
    partition (docs/validate.md). ``settings=`` names a CSV that adds, by
    row id, what the log does not record (e.g. spec_tokens; §10);
    ``replay=True`` predicts every row by its benchmark replayed through the
    replica simulator instead of the closed form (§9)."""
    return _run("validate", positional=(os.fspath(measured),), **kwargs)


def runs(**kwargs):
    """``gigawatt runs``: the runs kept in a result store (db=), kind "runs"."""
    return _run("runs", **kwargs)


def report(*results, **kwargs):
    """``gigawatt report``: one self-contained HTML report (a str) of results
    given as --json files, or as dicts / Results returned by this module."""
    with tempfile.TemporaryDirectory(prefix="gigawatt-report-") as tmp:
        files = []
        for i, res in enumerate(results):
            if isinstance(res, dict):
                path = os.path.join(tmp, "%s-%d.json" % (res.get("kind", "result"), i + 1))
                with open(path, "w", encoding="utf-8") as f:
                    f.write(getattr(res, "raw_json", None) or dumps(res))
                files.append(path)
            else:
                files.append(os.fspath(res))
        out = _run("report", positional=files, **kwargs)
    return out.html


# ---- the CLI's JSON bytes ---------------------------------------------------

_INT_MIN, _INT_MAX = -2 ** 31, 2 ** 31 - 1


def _number(x):
    """A number as cJSON prints it: an integral value in int range as %d,
    else %1.15g when it reads back within one ulp, else %1.17g."""
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return "null"
    d = float(x)
    if d == int(max(_INT_MIN, min(_INT_MAX, math.trunc(d)))):
        return "%d" % d
    s = "%1.15g" % d
    if abs(float(s) - d) > max(abs(float(s)), abs(d)) * 2.220446049250313e-16:
        s = "%1.17g" % d
    return s


def _dump(value, depth, out):
    if isinstance(value, dict):
        if not value:
            out.append("{\n" + "\t" * depth + "}")
            return
        out.append("{\n")
        for i, (key, item) in enumerate(value.items()):
            out.append("\t" * (depth + 1) + json.dumps(key, ensure_ascii=False) + ":\t")
            _dump(item, depth + 1, out)
            out.append(",\n" if i + 1 < len(value) else "\n")
        out.append("\t" * depth + "}")
    elif isinstance(value, list):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(", ")
            _dump(item, depth + 1, out)
        out.append("]")
    elif value is True or value is False:
        out.append("true" if value else "false")
    elif value is None:
        out.append("null")
    elif isinstance(value, (int, float)):
        out.append(_number(value))
    else:
        out.append(json.dumps(str(value), ensure_ascii=False))


def dumps(result):
    """A result (or any JSON-like value) as the CLI's ``--json`` prints it:
    cJSON's tab-indented layout and number formatting, ending in a newline.
    dumps(gigawatt.plan(...)) == the CLI's stdout, byte for byte. (One
    exception: sim with cheapest=True, whose JSON is laid out by hand; its
    Result.raw_json has the CLI's bytes.)"""
    out = []
    _dump(result, 0, out)
    out.append("\n")
    return "".join(out)


# ---- arrays and tables ------------------------------------------------------

def _need(module, what):
    try:
        return __import__(module)
    except ImportError:
        raise ImportError("gigawatt.%s needs %s: install it (Debian: apt install python3-%s, "
                          "or pip install %s)" % (what, module, module, module)) from None


def _at(result, path):
    node = result
    for key in path.split(".") if path else ():
        if isinstance(node, list):
            node = node[int(key)]
        elif key in node:
            node = node[key]
        else:
            raise KeyError("%s: no '%s' in this result (kind %s)"
                           % (path, key, result.get("kind")))
    return node


def _columns(node, prefix=""):
    """A dict of lists (nested dicts flattened to "a.b") as (name, list) pairs."""
    for key, value in node.items():
        if isinstance(value, dict):
            yield from _columns(value, prefix + key + ".")
        elif isinstance(value, list):
            yield prefix + key, value


def arrays(result, path):
    """The series at a dotted `path` as NumPy arrays: one array for a list of
    numbers ("timeline.series.power_w"), or a dict name -> array for a dict
    of lists ("timeline.series", "hourly", "series.capacity"), nested dicts
    flattened to "a.b" names ("by_tenant.chat.served")."""
    np = _need("numpy", "arrays")
    node = _at(result, path)
    if isinstance(node, list):
        return np.asarray(node, dtype=float)
    if isinstance(node, dict):
        return {name: np.asarray(values, dtype=float) for name, values in _columns(node)}
    raise TypeError("%s is a %s, not a series" % (path, type(node).__name__))


# The named tables of each result kind: (rows at, index labels at or None).
_TABLES = {
    "plan": {"quarters": ("timeline.series", "timeline.quarter_labels")},
    "risk": {"quarters": ("series", "quarters"), "build_levels": ("build_levels", None),
             "tornado": ("tornado.inputs", None), "inputs": ("inputs", None)},
    "fleet": {"hourly": ("hourly", None), "tenants": ("tenants", None)},
    "sim": {"iterations": ("timeline", None), "requests": (None, None)},
    "perf": {"batch_sweep": ("batch_sweep", None)},
    # a supply chain alone (docs/supply.md); a plan's is "supply_chain.by_year"
    "supply_chain": {"by_year": ("supply_chain.by_year", None),
                     "by_quarter": ("supply_chain.by_quarter", None)},
    "explore": {"points": ("points", None)},
}


def tables(result):
    """The table names frame() knows for this result's kind."""
    return sorted(_TABLES.get(result.get("kind"), {}))


def frame(result, table=None):
    """A pandas DataFrame of one table of a result.

    Named tables (see tables(result)): plan "quarters" (the build-out, one row
    per quarter); risk "quarters" (the fans: capacity.p5 ... cash_usd.mean per
    quarter), "build_levels", "tornado", "inputs"; fleet "hourly" (one row per
    hour; per-tenant and per-site columns as "by_tenant.chat.served"),
    "tenants"; sim "requests" (the per-request table: run with
    requests_csv=True), "iterations"; perf "batch_sweep"; supply_chain
    "by_year", "by_quarter" (docs/supply.md). Any other dotted
    path to a list of dicts or a dict of lists works too. The first table of
    the kind is the default."""
    pd = _need("pandas", "frame")
    named = _TABLES.get(result.get("kind"), {})
    if table is None:
        if not named:
            raise ValueError("frame: name a table of this %s result" % result.get("kind"))
        table = next(iter(named))
    if table == "requests" and result.get("kind") == "sim":
        if not getattr(result, "csv", None):
            raise ValueError("frame(result, 'requests'): run sim with requests_csv=True")
        return pd.read_csv(io.StringIO(result.csv))
    rows_at, index_at = named.get(table, (table, None))
    node = _at(result, rows_at)
    if isinstance(node, dict):
        df = pd.DataFrame(dict(_columns(node)))
    else:
        df = pd.DataFrame(node)
    if index_at:
        df.index = pd.Index(_at(result, index_at), name="quarter")
    elif table == "hourly":
        df.index.name = "hour"
    return df
