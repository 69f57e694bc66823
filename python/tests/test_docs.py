"""python/tests/test_docs.py — docs/python.md runs as written (python front
end): its ```python blocks run in order in one namespace, from a directory
that sees the checkout's scenarios/, and each prints exactly the ```text
block that follows it in the doc, so neither the code nor the outputs shown
can drift. Its fleet blocks simulate two hours of a ChatGPT-scale fleet
(~30 s in Release, ~10 min under the sanitizers): there
(GIGAWATT_SANITIZED=1, the CI's build) those two blocks, the ones that use
`day`, are left to the ordinary build's ctest and every other block runs."""
import contextlib
import io
import os
import re

import pytest

from conftest import ROOT, path

SANITIZED = os.environ.get("GIGAWATT_SANITIZED") == "1"
FLEET_DAY = re.compile(r"\bday\b")  # the fleet blocks: `day = gigawatt.sim(...)` and its uses

BLOCK = re.compile(r"^```(python|text)\n(.*?)^```\n", re.S | re.M)


def doc_blocks():
    """[(python code, the text output shown after it or None)]."""
    found = BLOCK.findall(open(path("docs", "python.md"), encoding="utf-8").read())
    pairs = []
    for i, (kind, body) in enumerate(found):
        if kind == "python":
            shown = found[i + 1][1] if i + 1 < len(found) and found[i + 1][0] == "text" else None
            pairs.append((body, shown))
    return pairs


def test_docs_python_md_runs_as_written(tmp_path):
    pytest.importorskip("pandas")
    for part in ("scenarios", "data", "tests"):
        os.symlink(os.path.join(ROOT, part), tmp_path / part)
    os.chdir(tmp_path)
    namespace = {"__name__": "docs_python_md"}
    blocks = doc_blocks()
    assert len(blocks) >= 5
    for n, (code, shown) in enumerate(blocks, 1):
        if SANITIZED and FLEET_DAY.search(code):
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "docs/python.md, block %d" % n, "exec"), namespace)
        if shown is not None:
            assert printed.getvalue() == shown, "docs/python.md, block %d" % n
