"""A non-editable install finds its notebooks: the wheel of the project, installed into a
fresh virtual environment (the pins of requirements.lock, then the wheel without
dependencies), answers ``scoring serve --help`` and finds ``dashboard.ipynb`` and the
notebooks ``scoring build`` runs inside the installed package, not in this checkout.

uv is the one ``make install`` uses (see tests/test_binder.py's ``find_uv``); with its cache
filled by ``make install`` the whole test takes about ten seconds, without network.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from test_binder import find_uv

ROOT = Path(__file__).resolve().parent.parent



def run(args, cwd, timeout=600):
    out = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                         timeout=timeout, check=False)
    assert out.returncode == 0, f"{args[:3]} failed ({out.returncode}):\n{out.stderr[-3000:]}"
    return out.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The python of a fresh environment where the wheel is installed (not editable)."""
    uv = find_uv()
    if uv is None:
        pytest.fail("uv not found ($UV, PATH, build/bootstrap/bin/uv): run `make install`")
    tmp = tmp_path_factory.mktemp("packaging")
    run([uv, "build", "--wheel", "--out-dir", tmp / "dist", ROOT], cwd=tmp)
    wheel, = (tmp / "dist").glob("scoring_lib-*.whl")
    venv = tmp / "venv"
    run([uv, "venv", "--python", sys.executable, venv], cwd=tmp)
    python = venv / "bin" / "python"
    run([uv, "pip", "install", "--python", python, "-r", ROOT / "requirements.lock"], cwd=tmp)
    run([uv, "pip", "install", "--python", python, "--no-deps", wheel], cwd=tmp)
    return python, tmp


def test_the_installed_package_serves_and_builds_from_its_own_files(installed):
    python, tmp = installed
    code = ("import json, scoring_lib\n"
            "from scoring_lib.serve import DASHBOARD_NOTEBOOK\n"
            "from scoring_lib.model.pipeline.build import EDA_NOTEBOOK, MODELLING_NOTEBOOK\n"
            "from scoring_lib.model.pipeline.fingerprint import NOTEBOOKS\n"
            "print(json.dumps({'package': scoring_lib.__file__,\n"
            "                  'dashboard': str(DASHBOARD_NOTEBOOK),\n"
            "                  'notebooks': [str(NOTEBOOKS / n) for n in\n"
            "                                (EDA_NOTEBOOK, MODELLING_NOTEBOOK)]}))\n")
    found = json.loads(run([python, "-c", code], cwd=tmp))
    package = Path(found["package"]).parent
    assert "site-packages" in package.parts and not package.is_relative_to(ROOT), package
    for path in [found["dashboard"], *found["notebooks"]]:
        path = Path(path)
        assert path.is_relative_to(package) and path.is_file(), path
        ours = ROOT / "scoring_lib" / path.relative_to(package)
        assert path.read_bytes() == ours.read_bytes(), path
    # the repository's root dashboard.ipynb (Binder's URL) and notebooks/ are that file
    assert (ROOT / "dashboard.ipynb").read_bytes() == Path(found["dashboard"]).read_bytes()


def test_the_installed_command_answers_serve_help(installed):
    python, tmp = installed
    text = run([python.parent / "scoring", "serve", "--help"], cwd=tmp)
    assert text.startswith("usage: scoring serve")
    assert "--bundle" in text and "dashboard.ipynb" in text
