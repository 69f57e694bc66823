"""python/setup.py — the setuptools half of `pip install ./python` (python
front end; metadata in pyproject.toml). Builds the _gigawatt extension from
python/_gigawatt.c and libgigawatt's sources (the GW_SOURCES list of the
root CMakeLists.txt, so the two builds cannot drift), with libyaml, cJSON and
SQLite from pkg-config; the catalog goes into the package as gigawatt/data."""
import os
import re
import shutil
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PKG_CONFIG = ["yaml-0.1", "libcjson", "sqlite3"]


def rel(path):
    """A path relative to python/, as setuptools wants sources named."""
    return os.path.relpath(os.path.join(ROOT, path), HERE)


def generated_known_errors(path):
    """The C file CMakeLists.txt generates from data/perf/known-errors.csv
    (the same bytes: the CSV as one string constant; it holds ids and numbers
    only, nothing to escape), written where setuptools builds."""
    csv = open(os.path.join(ROOT, "data", "perf", "known-errors.csv"), encoding="utf-8").read()
    body = csv.replace("\n", "\\n\"\n\"")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("/* generated from data/perf/known-errors.csv by python/setup.py: do not edit */\n"
                "extern const char gwi_known_errors_csv[];\n"
                "const char gwi_known_errors_csv[] =\n\"%s\";\n" % body)
    return os.path.relpath(path, HERE)


GENERATED = {"known_errors_csv.c": generated_known_errors}


def library_sources():
    """GW_SOURCES; its ${CMAKE_BINARY_DIR}/generated/ entries are generated
    here under build/generated/ by the function GENERATED names."""
    cmake = open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8").read()
    block = re.search(r"set\(GW_SOURCES\s+(.*?)\)", cmake, re.S).group(1)
    sources = []
    for src in block.split():
        if src.startswith("${CMAKE_BINARY_DIR}/generated/"):
            name = os.path.basename(src)
            sources.append(GENERATED[name](os.path.join(HERE, "build", "generated", name)))
        else:
            sources.append(rel(src))
    return sources


def pkg_config(flag):
    try:
        out = subprocess.run(["pkg-config", flag, *PKG_CONFIG], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit("gigawatt: pkg-config %s failed (%s); install libyaml-dev libcjson-dev "
                         "libsqlite3-dev (scripts/deps)" % (" ".join(PKG_CONFIG), e))
    return out.split()


def version():
    header = open(os.path.join(ROOT, "include", "gigawatt", "gigawatt.h"), encoding="utf-8").read()
    return re.search(r'#define GW_VERSION "([^"]+)"', header).group(1)


class build_py_with_catalog(build_py):
    """The package, plus the catalog it runs on (found by gigawatt/__init__.py)."""

    def run(self):
        super().run()
        for part in ("catalog", "models"):
            dest = os.path.join(self.build_lib, "gigawatt", "data", part)
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(os.path.join(ROOT, "data", part), dest)


cflags = pkg_config("--cflags")
extension = Extension(
    "gigawatt._gigawatt",
    sources=["_gigawatt.c"] + library_sources(),
    # src/: the library's private include directory (module-named internal headers)
    include_dirs=[rel("include"), rel("src")] + [f[2:] for f in cflags if f.startswith("-I")],
    define_macros=[("_POSIX_C_SOURCE", "200809L"), ("_DEFAULT_SOURCE", None)],
    extra_compile_args=["-std=c17"] + [f for f in cflags if not f.startswith("-I")],
    extra_link_args=pkg_config("--libs") + ["-lm", "-pthread"],
    py_limited_api=True,
)

setup(
    version=version(),
    packages=["gigawatt"],
    ext_modules=[extension],
    cmdclass={"build_py": build_py_with_catalog},
    options={"bdist_wheel": {"py_limited_api": "cp311"}},
)
