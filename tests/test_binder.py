"""Binder, replayed: what repo2docker (mybinder.org) does with this repository, on a fresh
environment, up to the advisor page in chromium.

1. the repository's files (what git tracks or would add: the working tree without what
   .gitignore lists, so that uncommitted changes are tested too) are copied into a temporary
   folder;
2. a new virtual environment (uv, with pip seeded: Binder's image has pip) gets
   ``binder/requirements.txt``;
3. ``binder/postBuild`` runs in the copy with that environment first on PATH; it builds a
   smaller demo bundle than on Binder (``SCORING_DEMO_CLIENTS``), so that the test stays
   within a few minutes on two cores;
4. a Jupyter server with Voilà's server extension (what Binder starts; the launch link opens
   ``voila/render/dashboard.ipynb``) serves the copy, and chromium loads that page until the
   decision shows.

uv is the one ``make install`` uses: ``$UV``, ``uv`` on PATH, or the copy the Makefile
bootstraps into build/bootstrap/. With uv's cache filled by ``make install`` step 2 takes
seconds. The logs and a screenshot go to ``test-artifacts/`` (git-ignored). Without uv,
git, chromium or playwright the test fails in CI (``CI`` set) and is skipped elsewhere.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from serve_harness import ServerProcess, free_port, launch_chromium, require_browser

from scoring_lib.scoring import Scorer

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
#: Sizes of the demo bundle built by postBuild here (its defaults, for Binder: 5000 and 1000).
CLIENTS, TEST_CLIENTS = 1000, 200
LOAD_TIMEOUT_MS = 240_000  # the first visit runs the notebook in a new kernel (no preheating)
DECISIONS = ("Crédit accordé", "Crédit refusé")
#: What the page says when a panel failed or the bundle could not be opened.
FAILURE_TEXTS = ("n'a pas pu", "Traceback")
#: Variables of the test's own environment that Binder does not have.
NOT_ON_BINDER = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "SCORING_BUNDLE", "SCORING_LANG",
                 "SCORING_TOKEN", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH")


def unavailable(why: str) -> None:
    """Fail in CI, skip elsewhere (as serve_harness.require_browser)."""
    message = f"the Binder test cannot run: {why}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def find_uv() -> str | None:
    """The uv that `make install` uses: $UV, uv on PATH, or the Makefile's bootstrapped copy
    (a relative path is relative to the repository root, as in the Makefile)."""
    for candidate in (os.environ.get("UV"), "uv", "build/bootstrap/bin/uv"):
        if not candidate:
            continue
        if os.sep not in candidate:
            candidate = shutil.which(candidate)
            if candidate is None:
                continue
        path = ROOT / candidate  # an absolute candidate stays as it is
        try:
            subprocess.run([str(path), "--version"], capture_output=True, check=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            continue
        return str(path)
    return None


def repository_files(root: Path = ROOT) -> list[str]:
    """The files of the repository as relative paths: those git tracks (as they are in the
    working tree; deleted ones left out) and the untracked ones it does not ignore, i.e. what
    a commit of the working tree would hold. In a fresh clone (CI): exactly what Binder gets."""
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
                          "--exclude-standard"], capture_output=True, check=True).stdout
    names = sorted({name for name in out.decode("utf-8").split("\0") if name})
    return [name for name in names if os.path.lexists(root / name)]


def copy_repository(root: Path, dest: Path) -> int:
    """Copy :func:`repository_files` of ``root`` into ``dest`` with their modes; how many."""
    names = repository_files(root)
    for name in names:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target, follow_symlinks=False)
    return len(names)


def binder_env(venv: Path, home: Path, **extra) -> dict:
    """The environment of the Binder image: the new environment's bin first on PATH, and
    Jupyter's and IPython's per-user folders empty."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_ON_BINDER}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    for name, folder in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                         ("MPLCONFIGDIR", "matplotlib")):
        env[name] = str(home / folder)
    env["PYTHONUNBUFFERED"] = "1"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_step(name: str, args, log: Path, timings: dict, **kwargs) -> None:
    """Run one step, its output appended to ``log``; fail with the log's end if it fails."""
    started = time.monotonic()
    with open(log, "ab") as out:
        out.write(f"\n==== {name}: {' '.join(map(str, args))}\n".encode())
        out.flush()
        result = subprocess.run([str(a) for a in args], stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, **kwargs)
    timings[name] = time.monotonic() - started
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-6000:]
        pytest.fail(f"{name} failed (exit code {result.returncode}); end of {log}:\n{tail}",
                    pytrace=False)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def binder_dir(tmp_path):
    """``tmp_path``, without the new environment afterwards (1.6 GB where uv's cache is on
    another file system and cannot be hard-linked)."""
    yield tmp_path
    shutil.rmtree(tmp_path / "env", ignore_errors=True)


def test_binder_build_then_the_dashboard_in_chromium(binder_dir, monkeypatch):
    require_browser()
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        unavailable("the repository is not a git checkout (the test copies the files git lists)")
    uv = find_uv()
    if uv is None:
        unavailable("uv not found ($UV, PATH, build/bootstrap/bin/uv): run `make install`, "
                    "which bootstraps it")
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "binder-build.log"
    log.write_text("", encoding="utf-8")
    repo, venv, home = binder_dir / "repo", binder_dir / "env", binder_dir / "home"
    home.mkdir()
    timings: dict[str, float] = {}

    # 1. the repository, as Binder clones it
    started = time.monotonic()
    count = copy_repository(ROOT, repo)
    timings["copy"] = time.monotonic() - started
    assert (repo / "binder" / "postBuild").is_file() and count > 10

    # 2. a fresh environment with binder/requirements.txt
    env = binder_env(venv, home, SCORING_DEMO_CLIENTS=CLIENTS,
                     SCORING_DEMO_TEST_CLIENTS=TEST_CLIENTS)
    uv_env = {k: v for k, v in os.environ.items() if k not in NOT_ON_BINDER}
    run_step("uv venv", [uv, "venv", "--seed", "--python", sys.executable, venv], log, timings,
             env=uv_env, cwd=repo, timeout=300)
    run_step("uv pip install", [uv, "pip", "install", "--python", venv / "bin" / "python",
                                "-r", repo / "binder" / "requirements.txt"], log, timings,
             env=uv_env, cwd=repo, timeout=900)

    # 3. binder/postBuild, run as repo2docker runs it: an executable, in the repository root
    run_step("postBuild", [repo / "binder" / "postBuild"], log, timings, env=env, cwd=repo,
             timeout=900)
    assert (repo / "artifacts" / "demo" / "bundle.json").is_file()
    assert not (repo / "catboost_info").exists(), "CatBoost wrote catboost_info/ in the build"
    assert not (repo / "data" / "processed").exists(), "postBuild leaves its scratch files"
    where = subprocess.run([venv / "bin" / "python", "-c",
                            "import scoring_lib; print(scoring_lib.__file__)"], env=env,
                           cwd=binder_dir, capture_output=True, text=True, check=True).stdout
    assert Path(where.strip()).is_relative_to(repo), f"scoring_lib imported from {where}"

    # 4. the Jupyter server with Voilà's extension, and the launch link's page in chromium
    port = free_port()
    args = [venv / "bin" / "jupyter", "server", "--IdentityProvider.token=",
            f"--port={port}", "--ServerApp.port_retries=0", "--ip=127.0.0.1", "--no-browser"]
    if os.geteuid() == 0:  # CI runs as root; Binder as a user (jovyan)
        args.append("--allow-root")
    server = ServerProcess(args, ARTIFACTS / "binder-server.log", port, env=env)
    with monkeypatch.context() as m:
        m.chdir(repo)  # Binder starts the server in the repository root
        server.start()
    try:
        started = time.monotonic()
        server.wait_ready(timeout=120)
        timings["server ready"] = time.monotonic() - started
        started = time.monotonic()
        shown = load_dashboard(server.base_url + "voila/render/dashboard.ipynb")
        timings["page"] = time.monotonic() - started
        kernels = [p.cmdline()[0] for p in server.kernel_processes()]
    finally:
        server.stop()
    server_log = server.log_text()
    print("Binder replay: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))

    assert shown["state"] == "ok", (f"the page shows an error:\n{shown['page'][:2000]}\n"
                                    f"---- end of the server log ----\n{server_log[-6000:]}")
    assert kernels and all(Path(exe).is_relative_to(venv) for exe in kernels), kernels
    assert shown["decision"] in {squash(d) for d in DECISIONS}, shown
    assert re.fullmatch(r"\d+,\d%", shown["probability"]), shown
    scorer = Scorer.from_bundle(repo / "artifacts" / "demo")
    first = int(scorer.client_ids[0])
    assert str(first) in shown["client"]
    probability = scorer.score(first).probability
    assert shown["probability"] == f"{100 * probability:.1f}".replace(".", ",") + "%"
    assert [text for text in FAILURE_TEXTS if text in shown["page"]] == []
    assert "Traceback" not in server_log, server_log[-6000:]
    assert re.findall(r"^\[E .*", server_log, re.MULTILINE) == []


#: Resolves once the page shows a probability ("ok"), or an error ("error").
PAGE_STATE = r"""() => {
    const p = document.querySelector('.sc-probability');
    if (p && /\d/.test(p.textContent)) return 'ok';
    const text = document.body ? document.body.innerText : '';
    if (document.querySelector('.sc-message') ||
        /There was an error when executing cell|Traceback|n'a pas pu/.test(text)) return 'error';
    return false;
}"""


def load_dashboard(url: str) -> dict:
    """Open ``url`` in chromium, wait until the decision (or an error) shows; the texts read.
    A screenshot goes to test-artifacts/binder-dashboard.png."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
            page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
            try:
                state = page.wait_for_function(PAGE_STATE, timeout=LOAD_TIMEOUT_MS).json_value()
            finally:
                try:
                    page.screenshot(path=str(ARTIFACTS / "binder-dashboard.png"),
                                    full_page=True)
                except Exception as exc:  # noqa: BLE001 (a failed wait is the error to show)
                    print(f"no screenshot: {exc}")
            body = page.locator("body").inner_text()
            if state != "ok":
                return {"state": state, "page": body}
            return {"state": state, "page": body,
                    "probability": squash(page.locator(".sc-probability").first.inner_text()),
                    "decision": squash(page.locator(".sc-decision").first.inner_text()),
                    "client": squash(page.locator(".sc-client-id").first.inner_text())}
        finally:
            browser.close()
