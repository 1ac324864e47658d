"""The pinned environments agree with requirements.lock, and the entry points are wired.

requirements.lock is the source of exact versions. environment.yml (conda-forge) and
binder/requirements.txt (mybinder.org) are generated from it by tools/sync_pins.py
(`make lock`). These tests read the three files independently of the generator and fail
on any disagreement, so that a hand edit of one of them cannot go unnoticed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
ENVIRONMENT_YML = ROOT / "environment.yml"
BINDER = ROOT / "binder"
CI_RUN = ROOT / ".ci" / "run"
README = ROOT / "README.md"

# Packages of environment.yml that are not Python distributions of the lock.
CONDA_ONLY = {"python", "pip"}


def _load_sync_pins():
    spec = importlib.util.spec_from_file_location("sync_pins", ROOT / "tools" / "sync_pins.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sync_pins = _load_sync_pins()


# --- parsers and comparison (kept independent of tools/sync_pins.py) -----------------------

def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pins(text: str) -> dict[str, str]:
    """``name==version`` lines of a lock or requirements file; comments and blanks skipped."""
    pins: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match is None:
            raise ValueError(f"not an exact pin: {line!r}")
        name = normalize(match[1])
        if name in pins:
            raise ValueError(f"pinned twice: {name}")
        pins[name] = match[2]
    return pins


def parse_conda_dependencies(dependencies: list) -> tuple[dict[str, str], list[str]]:
    """Conda ``name=version`` specs -> {name: version}, plus the lines of the pip section."""
    pins: dict[str, str] = {}
    pip_lines: list[str] = []
    pypi_names = {conda: pypi for pypi, conda in sync_pins.CONDA_NAMES.items()}
    for item in dependencies:
        if isinstance(item, dict):
            pip_lines += item.get("pip", [])
            continue
        if item == "pip":
            pins["pip"] = ""
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)=([0-9][^=\s]*)", str(item))
        if match is None:
            raise ValueError(f"not pinned as name=X.Y.Z: {item!r}")
        name = normalize(pypi_names.get(match[1], match[1]))
        pins[name] = match[2]
    return pins, pip_lines


def pin_mismatches(
    lock: dict[str, str],
    conda: dict[str, str],
    binder: dict[str, str],
    direct: list[str],
) -> list[str]:
    """Every disagreement between the lock, the conda pins, binder's pins and pyproject."""
    problems = []
    for name, version in sorted(conda.items()):
        if name in CONDA_ONLY:
            continue
        if name not in lock:
            problems.append(f"environment.yml pins {name}={version}, which is not in the lock")
        elif lock[name] != version:
            problems.append(f"environment.yml pins {name}={version}, the lock {lock[name]}")
    for name in sorted(set(lock) | set(binder)):
        if name not in binder:
            problems.append(f"binder/requirements.txt lacks {name}=={lock[name]}")
        elif name not in lock:
            problems.append(f"binder/requirements.txt pins {name}, which is not in the lock")
        elif lock[name] != binder[name]:
            problems.append(f"binder/requirements.txt pins {name}=={binder[name]}, the lock {lock[name]}")
    for name in direct:
        if name not in lock:
            problems.append(f"direct dependency {name} is not pinned in the lock")
        if name not in conda:
            problems.append(f"direct dependency {name} is not in environment.yml")
    return problems


# --- the comparison really fails on bad input ----------------------------------------------

LOCK_EXAMPLE = {"numpy": "2.0.0", "pandas": "2.2.0", "six": "1.17.0"}


@pytest.mark.parametrize(
    ("conda", "binder", "direct", "expected"),
    [
        ({"numpy": "2.0.1", "pandas": "2.2.0"}, LOCK_EXAMPLE, ["numpy", "pandas"],
         "environment.yml pins numpy=2.0.1, the lock 2.0.0"),
        ({"numpy": "2.0.0", "pandas": "2.2.0", "polars": "1.0.0"}, LOCK_EXAMPLE, ["numpy", "pandas"],
         "environment.yml pins polars=1.0.0, which is not in the lock"),
        ({"numpy": "2.0.0", "pandas": "2.2.0"}, {**LOCK_EXAMPLE, "six": "1.16.0"}, ["numpy", "pandas"],
         "binder/requirements.txt pins six==1.16.0, the lock 1.17.0"),
        ({"numpy": "2.0.0", "pandas": "2.2.0"}, {"numpy": "2.0.0", "pandas": "2.2.0"}, ["numpy", "pandas"],
         "binder/requirements.txt lacks six==1.17.0"),
        ({"numpy": "2.0.0", "pandas": "2.2.0"}, {**LOCK_EXAMPLE, "extra": "1"}, ["numpy", "pandas"],
         "binder/requirements.txt pins extra, which is not in the lock"),
        ({"numpy": "2.0.0"}, LOCK_EXAMPLE, ["numpy", "pandas"],
         "direct dependency pandas is not in environment.yml"),
        ({"numpy": "2.0.0", "pandas": "2.2.0"}, LOCK_EXAMPLE, ["numpy", "pandas", "scipy"],
         "direct dependency scipy is not pinned in the lock"),
    ],
)
def test_pin_mismatches_reports_each_disagreement(conda, binder, direct, expected):
    assert expected in pin_mismatches(LOCK_EXAMPLE, conda, binder, direct)


def test_pin_mismatches_accepts_agreeing_pins():
    conda = {"python": "3.11", "pip": "", "numpy": "2.0.0", "pandas": "2.2.0"}
    assert pin_mismatches(LOCK_EXAMPLE, conda, dict(LOCK_EXAMPLE), ["numpy", "pandas"]) == []


@pytest.mark.parametrize("text", ["numpy>=2\n", "numpy\n", "numpy==1\nNumPy==2\n"])
def test_parse_pins_rejects_loose_or_duplicate_pins(text):
    with pytest.raises(ValueError):
        parse_pins(text)


@pytest.mark.parametrize("spec", ["numpy", "numpy>=2", "numpy==2.0.0"])
def test_parse_conda_dependencies_rejects_unpinned(spec):
    with pytest.raises(ValueError):
        parse_conda_dependencies([spec])


def test_generator_refuses_a_direct_dependency_missing_from_the_lock():
    with pytest.raises(ValueError, match="scipy"):
        sync_pins.render_environment_yml({"numpy": "2.0.0"}, ["numpy", "scipy"])


# --- the real files ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lock() -> dict[str, str]:
    return parse_pins(LOCK.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def direct() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [normalize(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec)[0]) for spec in specs]


@pytest.fixture(scope="module")
def environment() -> dict:
    return yaml.safe_load(ENVIRONMENT_YML.read_text(encoding="utf-8"))


def test_pins_agree_everywhere(lock, direct, environment):
    conda, _ = parse_conda_dependencies(environment["dependencies"])
    binder = parse_pins((BINDER / "requirements.txt").read_text(encoding="utf-8"))
    assert pin_mismatches(lock, conda, binder, direct) == []


def test_environment_yml_shape(environment, direct):
    assert environment["channels"] == ["conda-forge"]
    conda, pip_lines = parse_conda_dependencies(environment["dependencies"])
    assert conda["python"] == "3.11"
    assert "pip" in conda
    assert pip_lines == ["-e ."]
    assert set(conda) - CONDA_ONLY == set(direct), "environment.yml pins exactly the direct dependencies"


def test_derived_files_are_up_to_date():
    stale = [
        str(path.relative_to(ROOT))
        for path, content in sync_pins.derived_files(ROOT).items()
        if not path.exists() or path.read_text(encoding="utf-8") != content
    ]
    assert stale == [], f"run `make lock` to regenerate {stale}"


def test_binder_files():
    assert (BINDER / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    text = post_build.read_text(encoding="utf-8")
    assert text.startswith("#!")
    assert re.search(r"pip install --no-deps -e \.", text)
    # Binder's sizes; tests/test_binder.py sets smaller ones through these variables
    assert '--clients "${SCORING_DEMO_CLIENTS:-5000}"' in text
    assert '--test-clients "${SCORING_DEMO_TEST_CLIENTS:-1000}"' in text


def _commands(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_ci_entry_point_runs_make_test():
    assert os.access(CI_RUN, os.X_OK), ".ci/run must be executable"
    commands = _commands(CI_RUN)
    assert "set -euo pipefail" in commands
    assert any(re.match(r"(exec\s+)?make\s+(\S+\s+)*test\b", line) for line in commands)


def test_readme_names_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "make dashboard" in text
    assert "make test" in text


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make_help_targets() -> set[str]:
    """The targets that `make help` (the default goal) lists."""
    out = subprocess.run(["make", "-s", "-C", str(ROOT)], capture_output=True, text=True,
                         check=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.startswith("  ")}


#: `make X` as the project's texts write it: in backticks, in brackets, or as a command line.
MAKE_COMMAND = re.compile(r"(?:`|\(|^[ \t]+)make ([a-z][a-z0-9_-]*)", re.MULTILINE)


def make_commands_named(root: Path = ROOT) -> list[tuple[str, str]]:
    """(where, target) for every `make X` in the docs, the package's texts and CI."""
    files = [root / "README.md", root / "DESIGN.md", root / "bench" / "README.md",
             root / ".ci" / "run", *sorted((root / "scoring_lib").rglob("*.py")),
             *sorted((root / "notebooks").glob("*.ipynb"))]
    found = []
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for match in MAKE_COMMAND.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((f"{path.relative_to(root)}:{line}", match[1]))
    return found


@needs_make
def test_make_help_lists_the_targets():
    assert {"help", "install", "test", "data", "demo", "dashboard", "bench", "lock",
            "clean"} <= make_help_targets()


def test_make_commands_named_finds_the_written_forms(tmp_path):
    (tmp_path / "README.md").write_text("Run `make dashboard`, or\n\n    make test\n"
                                        "to make sure; then (make demo).\n", encoding="utf-8")
    assert [target for _, target in make_commands_named(tmp_path)] == ["dashboard", "test",
                                                                        "demo"]


@needs_make
def test_every_make_command_in_the_texts_is_a_target():
    """The error page of the dashboard says "rebuild it (make demo)": that advice must work."""
    targets = make_help_targets()
    named = make_commands_named()
    assert any(where.startswith("scoring_lib/dashboard/") for where, _ in named)
    assert [f"{where}: make {target}" for where, target in named if target not in targets] == []


@needs_make
def test_make_dashboard_builds_the_demo_bundle_through_make_demo():
    plan = subprocess.run(["make", "-n", "-C", str(ROOT), "dashboard"], capture_output=True,
                          text=True, check=True).stdout
    lines = [line.strip() for line in plan.splitlines()]
    demo = next(i for i, line in enumerate(lines) if " demo --data " in line)
    serve = next(i for i, line in enumerate(lines) if " serve --bundle " in line)
    assert demo < serve


# --- no CatBoost scratch files in the repository -------------------------------------------

@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="not a git checkout")
def test_catboost_info_is_not_tracked():
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--", "catboost_info"],
                             capture_output=True, text=True, check=True).stdout
    assert tracked == ""
    assert "catboost_info/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_training_writes_no_catboost_info(tmp_path, monkeypatch):
    import numpy as np
    import pandas as pd

    from scoring_lib.model.training.estimators import CatBoostModel

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"amount": rng.normal(size=200),
                      "kind": pd.Categorical(rng.choice(["a", "b"], size=200))})
    y = (X["amount"] + rng.normal(size=200) > 0).astype(int)
    CatBoostModel(iterations=5, depth=2).fit(X, y)
    assert list(tmp_path.iterdir()) == []


def test_the_makefile_default_paths_are_those_of_scoring_lib_paths():
    """`make demo` and `scoring demo` without arguments use the same folders: the Makefile's
    defaults (the Make side) are scoring_lib.paths' (the Python side)."""
    from scoring_lib import paths

    text = (ROOT / "Makefile").read_text()
    defaults = dict(re.findall(r"^(DATA_RAW|DEMO_BUNDLE) \?= (\S+)\s*$", text, re.M))
    assert defaults == {"DATA_RAW": paths.DATA_RAW, "DEMO_BUNDLE": paths.DEMO_BUNDLE}
