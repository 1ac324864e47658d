"""Test helpers for ``scoring serve``: a free port, the server in a child process, the browser.

Used by tests/test_serve.py (HTTP only) and the browser tests (tests/test_dashboard_e2e.py and
the others driving Debian's chromium with Playwright: :func:`serving`, :func:`open_dashboard`,
:func:`wait_text`). The server runs in its own process group, so that stopping it also stops
its kernels; its output goes to a log file that the tests print when they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import nbformat
import psutil
import pytest

#: The ports this project's test servers use first (others are taken by other tools).
TEST_PORTS = range(8870, 8881)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
#: console errors a page may show offline: the web fonts it asks of a CDN
OFFLINE = re.compile(r"fontawesome|fonts\.(googleapis|gstatic)|\.(woff2?|ttf|otf|eot)\b",
                     re.IGNORECASE)
INSTALL_HINT = ("install Debian's chromium (`apt-get install chromium`, as .ci/run does) and "
                "the playwright package (`make install`: it is in requirements.lock); "
                "never `playwright install`")


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(candidates=TEST_PORTS) -> int:
    """The first free port of ``candidates``, else one the system picks."""
    for port in candidates:
        if port_is_free(port):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url: str, timeout: float = 5.0) -> int:
    """The HTTP status of GET ``url`` without following redirects (0: no answer)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return 0


def one_cell_notebook(path: Path, source: str) -> Path:
    """Write at ``path`` a Python 3 notebook of one code cell ``source``; return ``path``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)
    return path


class ServerProcess:
    """``scoring serve`` (or any command) in a child process group, logged to ``log``."""

    def __init__(self, args, log: Path, port: int, env=None):
        self.args = [str(a) for a in args]
        self.log = Path(log)
        self.port = port
        self.env = env
        self.proc = None

    @classmethod
    def scoring_serve(cls, bundle, log: Path, port: int | None = None, token=None,
                      preheat: bool = True, notebook=None, env=None,
                      extra=()) -> ServerProcess:
        """``scoring serve`` on ``bundle``; ``token`` is passed in ``$SCORING_TOKEN`` (never
        on the command line); ``extra``: more options, e.g. ``("--max-sessions", 5)``."""
        port = port or free_port()
        args = [sys.executable, "-m", "scoring_lib.cli", "serve", "--bundle", bundle,
                "--port", port]
        if token is not None:
            env = dict(os.environ if env is None else env, SCORING_TOKEN=token)
        if not preheat:
            args.append("--no-preheat")
        if notebook is not None:
            args += ["--notebook", notebook]
        args += list(extra)
        return cls(args, log, port, env)

    def kernel_processes(self) -> list:
        """The server's kernels (child processes running ipykernel)."""
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        found = []
        for child in children:
            try:
                if any("ipykernel" in part for part in child.cmdline()):
                    found.append(child)
            except psutil.Error:
                pass
        return found

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> ServerProcess:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("PYTHONUNBUFFERED", "1")
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(self.args, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env,
                                         start_new_session=True)
        return self

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_ready(self, timeout: float = 120.0, pool: bool = False) -> None:
        """Wait until the server answers HTTP (a static file: no kernel is used) and, with
        ``pool``, until Voilà says its preheated kernel pool is filled."""
        deadline = time.monotonic() + timeout
        probe = self.base_url + "voila/static/favicon.ico"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with code {self.proc.returncode}:\n"
                                   + self.log_text()[-4000:])
            if http_status(probe, timeout=2) and (
                    not pool or "Kernel pool of" in self.log_text()):
                return
            time.sleep(0.25)
        raise TimeoutError(f"the server did not get ready within {timeout:.0f} s "
                           f"({self.base_url}):\n" + self.log_text()[-4000:])

    def wait_log(self, pattern: str, timeout: float = 60.0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.log_text())
            if match:
                return match
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise TimeoutError(f"{pattern!r} not in the server log:\n" + self.log_text()[-4000:])

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM (Voilà shuts its kernels down), then SIGKILL to whatever is left: the server
        and its descendants (kernels run in process groups of their own)."""
        if self.proc is None:
            return None
        try:
            family = [psutil.Process(self.proc.pid)]
            family += family[0].children(recursive=True)
        except psutil.NoSuchProcess:
            family = []
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # start_new_session: group = pid
                self.proc.wait(timeout=timeout)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                pass
        for process in family:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(family, timeout=10)
        return self.proc.wait(timeout=10)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def serving(bundle, log: Path, ready_timeout: float = 120, **kwargs):
    """``scoring serve`` on ``bundle`` (a free port unless ``port``, output in ``log``), ready
    to answer; on any failure inside the block the last 4000 characters of its log go to
    stderr (past pytest's capture); always stopped at the end. ``kwargs`` go to
    :meth:`ServerProcess.scoring_serve` (``env``, ``token``, ``extra``...)."""
    server = ServerProcess.scoring_serve(bundle, log, **kwargs)
    server.start()
    try:
        server.wait_ready(timeout=ready_timeout)
        yield server
    except BaseException:
        sys.__stderr__.write(server.log_text()[-4000:])
        raise
    finally:
        server.stop()


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or ``None``."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        found = shutil.which("chromium")
        return f"{CHROMIUM} not found" + (f" (chromium is at {found})" if found else "")
    return None


def require_browser() -> None:
    """Fail in CI (the CI variable is set), skip elsewhere, when the browser is missing."""
    why = browser_missing()
    if why is None:
        return
    message = f"browser tests cannot run: {why}; {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


#: What a visitor sees now: score, failed, waiting (our line), loading (Voilà's spinner),
#: dashboard (the cells shown, widgets being drawn), or blank.
STATE_JS = """() => {
  const visible = el => el && el.getClientRects().length > 0;
  const p = document.querySelector('.sc-probability');
  if (p && /\\d/.test(p.textContent)) return 'score';
  if (document.getElementById('scoring-failed')) return 'failed';
  if (visible(document.getElementById('scoring-wait'))) return 'waiting';
  if (visible(document.getElementById('loading'))) return 'loading';
  const cells = document.getElementById('rendered_cells');
  if (cells && cells.style.display !== 'none') return 'dashboard';
  return 'blank';
}"""


def open_dashboard(page, url: str, timeout_ms: float) -> None:
    """Open the dashboard at ``url`` and wait (``timeout_ms``) until the score panel shows a
    probability (digits in ``.sc-probability``)."""
    page.goto(url, wait_until="commit")
    probability = page.locator(".sc-probability")
    probability.wait_for(state="visible", timeout=timeout_ms)
    page.wait_for_function("t => /\\d/.test(t.textContent)", arg=probability.element_handle(),
                           timeout=timeout_ms)


def wait_text(page, css: str, predicate, what: str, timeout_s: float = 30.0) -> str:
    """Poll the text of the first ``.css`` until ``predicate(text)``; return it. Otherwise an
    AssertionError says what was awaited and the last text seen."""
    deadline = time.monotonic() + timeout_s
    text = ""
    while time.monotonic() < deadline:
        text = page.locator(f".{css}").first.inner_text()
        if predicate(text):
            return text
        time.sleep(0.1)
    raise AssertionError(f".{css}: {what} not seen within {timeout_s:.0f} s; "
                         f"last text {text!r}")
