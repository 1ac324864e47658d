"""``scoring serve``: Voilà configuration, the token rule, bundle checks, and a real server."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from serve_harness import ServerProcess, free_port, http_status, one_cell_notebook
from test_scoring import build_tiny_bundle

from scoring_lib import serve as S
from scoring_lib.cli import main


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return build_tiny_bundle(tmp_path_factory.mktemp("bundle"), clients=300, test_clients=50)[0]


def env_notebook(folder: Path) -> Path:
    """A notebook whose page shows the kernel's SCORING_BUNDLE and VOILA_PREHEAT."""
    return one_cell_notebook(folder / "env.ipynb",
                             "import os\n"
                             "print('bundle=[' + os.environ.get('SCORING_BUNDLE', '') + ']')\n"
                             "print('preheat=[' + os.environ.get('VOILA_PREHEAT', '') + ']')")


# ------------------------------------------------------------------------- the token rule
@pytest.mark.parametrize("ip, loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("localhost", True), ("::1", True),
    ("[::1]", True), ("0.0.0.0", False), ("", False), ("::", False), ("192.168.1.5", False),
    ("10.0.0.1", False), ("example.org", False), ("localhost.example.org", False)])
def test_is_loopback(ip, loopback):
    assert S.is_loopback(ip) is loopback


def test_token_kept_when_given_whatever_the_address():
    assert S.resolve_token("127.0.0.1", "s3cret") == ("s3cret", False)
    assert S.resolve_token("0.0.0.0", "s3cret") == ("s3cret", False)


def test_no_token_on_loopback_unless_asked():
    assert S.resolve_token("127.0.0.1", None) == (None, False)
    assert S.resolve_token("localhost", None) == (None, False)


def test_token_generated_off_loopback():
    first, generated = S.resolve_token("0.0.0.0", None)
    second, _ = S.resolve_token("192.168.1.5", None)
    assert generated and first and second and first != second
    assert len(first) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", first)


def test_empty_token_is_refused():
    with pytest.raises(S.ServeError, match="--token is empty"):
        S.resolve_token("127.0.0.1", "  ")


def test_url_carries_the_token():
    assert S.dashboard_url("127.0.0.1", 8866, None) == "http://127.0.0.1:8866/"
    assert S.dashboard_url("0.0.0.0", 8870, "a b/c") == "http://127.0.0.1:8870/?token=a%20b%2Fc"
    assert S.dashboard_url("::1", 8870, None) == "http://[::1]:8870/"


# ------------------------------------------------------------------ Voilà configuration
def test_voila_config_with_preheat(tmp_path):
    nb = tmp_path / "dash.ipynb"
    config = S.voila_config(S.ServeOptions(bundle=tmp_path, port=8871, notebook=nb), None)
    voila = config["Voila"]
    assert voila["port"] == 8871 and voila["ip"] == "127.0.0.1"
    assert voila["open_browser"] is False and voila["port_retries"] == 0
    assert voila["root_dir"] == str(tmp_path.resolve()) and voila["config_file_paths"] == []
    assert "token" not in voila
    vc = config["VoilaConfiguration"]
    assert vc == {"show_tracebacks": False, "preheat_kernel": True, "default_pool_size": 1}
    cull = config["MappingKernelManager"]
    assert cull["cull_idle_timeout"] == S.CULL_IDLE_TIMEOUT > 0
    assert 0 < cull["cull_interval"] <= cull["cull_idle_timeout"]


def test_voila_config_without_preheat_and_with_token(tmp_path):
    options = S.ServeOptions(bundle=tmp_path, ip="0.0.0.0", preheat=False)
    config = S.voila_config(options, "tok")
    assert config["Voila"]["token"] == "tok" and config["Voila"]["ip"] == "0.0.0.0"
    assert config["VoilaConfiguration"]["preheat_kernel"] is False
    assert config["VoilaConfiguration"]["default_pool_size"] == 0
    assert config["VoilaConfiguration"]["show_tracebacks"] is False


def test_voila_config_is_valid_for_voila(tmp_path):
    """Every key is a configurable trait of the class it names (a typo would be ignored
    silently by traitlets, so check the names against Voilà's own classes)."""
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
    from voila.app import Voila
    from voila.configuration import VoilaConfiguration
    from voila.execute import VoilaExecutor

    classes = {"Voila": Voila, "VoilaConfiguration": VoilaConfiguration,
               "MappingKernelManager": MappingKernelManager, "VoilaExecutor": VoilaExecutor}
    config = S.voila_config(S.ServeOptions(bundle=tmp_path), "tok")
    for section, values in config.items():
        traits = classes[section].class_traits(config=True)
        assert set(values) <= set(traits), (section, set(values) - set(traits))


def test_kernel_environment_has_the_absolute_bundle(tmp_path):
    env = S.kernel_environment(tmp_path.resolve(), base={"PATH": "/bin"})
    assert env == {"PATH": "/bin", "SCORING_BUNDLE": str(tmp_path.resolve())}


def test_dashboard_notebook_is_at_the_repository_root():
    """Package data (tests/test_packaging.py: a wheel holds it); the root dashboard.ipynb
    that Binder opens is a link to it."""
    root = Path(__file__).resolve().parent.parent / "dashboard.ipynb"
    assert S.DASHBOARD_NOTEBOOK == root.resolve()
    assert S.DASHBOARD_NOTEBOOK.is_relative_to(Path(S.__file__).parent)


# ------------------------------------------------------------------ checks before serving
def test_check_bundle_accepts_a_bundle_and_returns_its_absolute_path(bundle, monkeypatch):
    monkeypatch.chdir(bundle.parent)
    assert S.check_bundle(bundle.name) == bundle.resolve()


def test_check_bundle_names_the_folder(tmp_path):
    with pytest.raises(S.ServeError) as info:
        S.check_bundle(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(info.value)
    assert "bundle folder not found" in str(info.value)


def test_check_bundle_names_the_changed_file(bundle, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(bundle, copy)
    manifest = json.loads((copy / "bundle.json").read_text())
    victim = sorted(manifest["files"])[0]
    with open(copy / victim, "ab") as f:
        f.write(b"x")
    with pytest.raises(S.ServeError) as info:
        S.check_bundle(copy)
    assert str(copy) in str(info.value) and victim in str(info.value)


def test_cli_refuses_a_bad_bundle_before_starting(tmp_path, capsys):
    assert main(["serve", "--bundle", str(tmp_path), "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot serve the bundle") and str(tmp_path) in err


def test_cli_refuses_a_missing_notebook(bundle, tmp_path, capsys):
    assert main(["serve", "--bundle", str(bundle), "--notebook",
                 str(tmp_path / "none.ipynb")]) == 2
    err = capsys.readouterr().err
    assert f"--notebook {tmp_path / 'none.ipynb'} was not found" in err
    assert "checkout" not in err  # the dashboard is package data, not the checkout's file


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_cli_refuses_a_bad_port(port, capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--bundle", "b", "--port", port])
    assert "--port" in capsys.readouterr().err


def test_serve_generates_a_token_off_loopback(bundle, tmp_path, monkeypatch, capsys):
    """What serve() hands to Voilà (launch_instance replaced: nothing listens)."""
    from voila.app import Voila

    seen = {}

    def launch(argv=None, config=None, **kwargs):
        seen.update(argv=argv, config=config)

    monkeypatch.setattr(Voila, "launch_instance", launch)
    monkeypatch.delenv("SCORING_BUNDLE", raising=False)
    nb = env_notebook(tmp_path)
    options = S.ServeOptions(bundle=bundle, ip="0.0.0.0", port=8872, notebook=nb)
    assert S.serve(options) == 0
    out = capsys.readouterr().out
    token = seen["config"].Voila.token
    assert token and f"http://127.0.0.1:8872/?token={token}" in out and "generated" in out
    assert seen["argv"] == [str(nb.resolve())]
    assert seen["config"].VoilaConfiguration.preheat_kernel is True
    assert os.environ["SCORING_BUNDLE"] == str(bundle.resolve())


# ------------------------------------------------------------------------ a real server
@pytest.mark.slow
def test_real_server_token_pool_shutdown_and_culling(bundle, tmp_path):
    """serve() in a child process (as `scoring serve` runs it), with short culling times:
    the token is enforced; the page comes from the preheated kernel with SCORING_BUNDLE set;
    the page's shutdown request (what it sends when closed) is accepted; a kernel left
    without a page is culled (15 s here: a shorter time can cull a kernel still starting)."""
    nb = env_notebook(tmp_path)
    token = "t0k-" + "x" * 20
    port = free_port()
    code = ("import sys; from scoring_lib.serve import ServeOptions, serve; "
            f"sys.exit(serve(ServeOptions(bundle={str(bundle)!r}, port={port}, "
            f"token={token!r}, notebook={str(nb)!r}, cull_idle_timeout=15, cull_interval=2)))")
    server = ServerProcess([sys.executable, "-c", code], tmp_path / "serve.log", port)
    with server:
        try:
            server.wait_ready(timeout=120, pool=True)
            assert f"Dashboard: {server.base_url} (token from --token required" in \
                server.log_text()  # a given token is never printed
            base = server.base_url
            assert http_status(base) in (302, 403)  # Voilà's login page, no notebook
            assert http_status(base + "?token=wrong") in (302, 403)
            jar = http.cookiejar.CookieJar()
            browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            with browser.open(base + "?token=" + urllib.parse.quote(token),
                              timeout=120) as response:
                assert response.status == 200
                html = response.read().decode()
            assert f"bundle=[{bundle.resolve()}]" in html
            # from the preheated kernel (VOILA_PREHEAT is "False" in a kernel started on request)
            assert "preheat=[True]" in html and "Traceback" not in html
            used = server.wait_log(r"Using pre-heated kernel: ([0-9a-f-]+)", timeout=10)[1]

            # what the page's beforeunload handler sends: the _xsrf cookie's value in a form
            xsrf = {c.name: c.value for c in jar}.get("_xsrf")
            assert xsrf, f"the page set no _xsrf cookie: {[c.name for c in jar]}"
            form = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
            with browser.open(f"{base}voila/api/shutdown/{used}", data=form,
                              timeout=30) as response:
                assert response.status == 204
            server.wait_log(rf"Kernel shutdown: {used}", timeout=30)

            # a second page, never connected: its kernel is culled after 15 s idle
            with browser.open(base, timeout=120) as response:  # the login cookie suffices
                assert "bundle=[" in response.read().decode()
            culled = server.wait_log(r"Culling '\w+' kernel '[^']+' \(([0-9a-f-]+)\)",
                                     timeout=60)[1]
            assert culled != used
            assert token not in server.log_text()
        except BaseException:
            print(server.log_text())
            raise


# ------------------------------------------------------------- the browser tests' guard
def test_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch, tmp_path):
    import serve_harness

    monkeypatch.setattr(serve_harness, "CHROMIUM", str(tmp_path / "chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        serve_harness.require_browser()
    assert "chromium" in str(failed.value) and "apt-get install chromium" in str(failed.value)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception) as skipped:
        serve_harness.require_browser()
    assert "apt-get install chromium" in str(skipped.value)


def test_a_taken_port_is_refused_before_starting(bundle, tmp_path, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--bundle", str(bundle), "--port", str(port),
                     "--notebook", str(env_notebook(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err
    with pytest.raises(S.ServeError, match="not an address"):
        S.check_port("no-such-host.invalid", 8870)


# ------------------------------------------------------------------- the token, not leaked
def test_token_file_is_read_and_stripped(tmp_path):
    file = tmp_path / "token"
    file.write_text("  s3cr3t-value\n")
    file.chmod(0o600)
    assert S.read_token_file(file) == ("s3cr3t-value", None)
    options = S.ServeOptions(bundle=tmp_path, token_file=file, token="ignored")
    assert S.given_token(options, environ={"SCORING_TOKEN": "env"}) == (
        "s3cr3t-value", f"--token-file {file}", None)


def test_token_file_readable_by_others_gives_a_warning(tmp_path):
    file = tmp_path / "token"
    file.write_text("s3cr3t")
    file.chmod(0o644)
    token, warning = S.read_token_file(file)
    assert token == "s3cr3t"
    assert warning == (f"warning: --token-file {file} can be read by other users (mode 644): "
                       f"chmod 600 {file}")


@pytest.mark.parametrize("content, message", [
    (None, "no such file"), ("", "is empty: write the token in it"),
    (" \n\t", "is empty"), ("dir", "is a folder")])
def test_bad_token_file_is_refused(tmp_path, content, message):
    file = tmp_path / "token"
    if content == "dir":
        file.mkdir()
    elif content is not None:
        file.write_text(content)
    with pytest.raises(S.ServeError) as info:
        S.read_token_file(file)
    assert f"--token-file {file}" in str(info.value) and message in str(info.value)


def test_token_from_the_environment(tmp_path):
    options = S.ServeOptions(bundle=tmp_path)
    assert S.given_token(options, environ={"SCORING_TOKEN": " tok \n"}) == (
        "tok", "SCORING_TOKEN", None)
    assert S.given_token(options, environ={}) == (None, "", None)
    with pytest.raises(S.ServeError, match="SCORING_TOKEN is set but empty"):
        S.given_token(options, environ={"SCORING_TOKEN": "  "})
    options.token = "cli"
    assert S.given_token(options, environ={"SCORING_TOKEN": "env"})[:2] == ("cli", "--token")


def test_cli_token_option_is_deprecated_and_exclusive_with_the_file(bundle, tmp_path,
                                                                    monkeypatch, capsys):
    from voila.app import Voila

    monkeypatch.setattr(Voila, "launch_instance", lambda **kwargs: None)
    assert main(["serve", "--bundle", str(bundle), "--port", str(free_port()),
                 "--token", "s3cr3t", "--notebook", str(env_notebook(tmp_path))]) == 0
    out, err = capsys.readouterr()
    assert "warning: --token is visible to every user of this machine in the process list" \
        in err and "SCORING_TOKEN" in err and "--token-file" in err
    assert "s3cr3t" not in out
    with pytest.raises(SystemExit):
        main(["serve", "--bundle", str(bundle), "--token", "a", "--token-file", "f"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_serve_takes_the_token_from_the_environment_and_hides_it(bundle, tmp_path,
                                                                 monkeypatch, capsys):
    from voila.app import Voila

    seen = {}
    monkeypatch.setattr(Voila, "launch_instance",
                        lambda argv=None, config=None, **kw: seen.update(config=config))
    monkeypatch.setenv("SCORING_TOKEN", "env-s3cr3t")
    options = S.ServeOptions(bundle=bundle, port=free_port(), notebook=env_notebook(tmp_path),
                             max_sessions=3)
    assert S.serve(options) == 0
    out = capsys.readouterr().out
    assert seen["config"].Voila.token == "env-s3cr3t"
    assert "env-s3cr3t" not in out and "(token from SCORING_TOKEN required" in out
    assert "Sessions: at most 3 at a time" in out
    assert "SCORING_TOKEN" not in os.environ  # the kernels do not inherit it


def test_default_max_sessions_is_printed(bundle, tmp_path, monkeypatch, capsys):
    from voila.app import Voila

    from scoring_lib.serving import sizing

    monkeypatch.setattr(Voila, "launch_instance", lambda **kwargs: None)
    monkeypatch.setattr(sizing, "available_memory", lambda: 4 * 2**30)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    options = S.ServeOptions(bundle=bundle, port=free_port(), notebook=env_notebook(tmp_path))
    assert S.serve(options) == 0
    kernel = sizing.kernel_footprint_mib(350)  # the tiny bundle: 300 + 50 clients
    expected = (4096 - 1024) // kernel - 1
    assert f"Sessions: at most {expected} at a time (about {kernel} MiB each" in \
        capsys.readouterr().out


@pytest.mark.parametrize("grace", ["0", "-5", "nan"])
def test_cli_refuses_a_bad_connect_grace(grace, bundle, capsys):
    assert main(["serve", "--bundle", str(bundle), "--connect-grace", grace]) == 2
    assert f"--connect-grace must be a number of seconds above 0, got {float(grace)}" in \
        capsys.readouterr().err


def test_cli_refuses_a_bad_max_sessions(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--bundle", "b", "--max-sessions", "0"])
    assert "--max-sessions: expected a whole number of at least 1, got 0" in \
        capsys.readouterr().err


# ------------------------------------------------------------------------- SCORING_LANG
@pytest.mark.parametrize("value", ["de", "français", "fr-FR"])
def test_unknown_scoring_lang_is_refused_before_starting(value, bundle, tmp_path,
                                                        monkeypatch, capsys):
    from voila.app import Voila

    def launch(**kwargs):
        raise AssertionError("the server must not start")

    monkeypatch.setattr(Voila, "launch_instance", launch)
    monkeypatch.setenv("SCORING_LANG", value)
    assert main(["serve", "--bundle", str(bundle), "--port", str(free_port()),
                 "--notebook", str(env_notebook(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: the environment variable SCORING_LANG is {value!r}, a language "
                   "the dashboard does not speak: accepted values are fr, en (or leave "
                   "SCORING_LANG unset)\n")


@pytest.mark.parametrize("value", ["fr", "en", "EN", " fr ", ""])
def test_known_or_empty_scoring_lang_is_accepted(value):
    S.check_lang({"SCORING_LANG": value})
    S.check_lang({})


# ------------------------------------------------------- the cap, the reaper, the log
def fetch(opener, url, timeout=120):
    """``(status, headers, text)`` of GET ``url`` (errors included, redirects not followed
    by the caller's opener when it has no redirect handler)."""
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode(errors="replace")


@pytest.mark.slow
def test_cap_answers_503_and_unconnected_kernels_are_shut_down(bundle, tmp_path):
    """--max-sessions 2: a third page gets the busy page (503, Retry-After, French and
    English); pages fetched without a browser (no websocket) lose their kernel after the
    grace period, which frees their places; the pool's kernel is never shut down; no token,
    right or wrong, reaches the log."""
    token, wrong = "right-" + "r" * 20, "wrong-" + "w" * 20
    server = ServerProcess.scoring_serve(
        bundle, tmp_path / "serve.log", notebook=env_notebook(tmp_path), token=token,
        extra=("--max-sessions", 2, "--connect-grace", 4))
    with server:
        try:
            server.wait_ready(timeout=120, pool=True)
            base = server.base_url
            nobody = "00000000-0000-0000-0000-000000000000"
            assert http_status(f"{base}api/kernels/{nobody}?token={wrong}") == 403
            assert http_status(f"{base}?token={wrong}") in (302, 403)
            jar = http.cookiejar.CookieJar()
            browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            first = fetch(browser, f"{base}?token={token}")
            second = fetch(browser, base)
            for status, _, html in (first, second):
                assert status == 200 and "bundle=[" in html
                assert html.startswith("<!DOCTYPE html>") and "Votre page est en préparation" \
                    in html and "Your page is being prepared" in html
                assert "scoring-failed" not in html
            status, headers, html = fetch(browser, base)
            assert status == 503 and headers["Retry-After"] == "30"
            assert "Service occupé" in html and "Service busy" in html
            assert "Réessayez dans un instant" in html and "Please retry in a moment" in html
            assert len(server.kernel_processes()) <= 3  # 2 sessions + the pool's kernel

            server.wait_log(r"(?s)(no page connected to it within 4 s.*){2}", timeout=60)
            reaped = re.findall(r"Shutting down kernel ([0-9a-f-]+): no page", server.log_text())
            used = re.findall(r"Kernel started: ([0-9a-f-]+)", server.log_text())
            assert len(set(reaped)) == 2 and used[0] in reaped  # the pool's first kernel
            assert used[-1] not in reaped  # the pool's current kernel stays
            assert fetch(browser, base)[0] == 200  # places are free again
            log = server.log_text()
            assert token not in log and wrong not in log
            assert "token=[secret]" in log
        except BaseException:
            print(server.log_text())
            raise


def failing_notebook(folder: Path) -> Path:
    """A notebook that fails as asked in the URL's query (``?do=raise|die|sleep|slow``)."""
    return one_cell_notebook(folder / "fails.ipynb",
                             "import os, time\n"
                             "do = os.environ.get('QUERY_STRING', '')\n"
                             "if 'raise' in do:\n    raise ValueError('boom')\n"
                             "if 'die' in do:\n    os._exit(1)\n"
                             "if 'sleep' in do:\n    time.sleep(120)\n"
                             "if 'slow' in do:\n    time.sleep(4)\n"
                             "print('page=[ready]')")


@pytest.mark.slow
def test_failed_renders_say_so_and_pages_wait_their_turn(bundle, tmp_path):
    """One page prepared at a time: a page that arrives while another is prepared says
    "(1 avant vous)"; a cell error, a cell over --render-timeout and a kernel that dies each
    end the page with the French and English failure message, never a blank page."""
    import threading

    nb = failing_notebook(tmp_path)
    port = free_port()
    code = ("import sys; from scoring_lib.serve import ServeOptions, serve; "
            f"sys.exit(serve(ServeOptions(bundle={str(bundle)!r}, port={port}, "
            f"notebook={str(nb)!r}, preheat=False, render_slots=1, render_timeout=8)))")
    server = ServerProcess([sys.executable, "-c", code], tmp_path / "serve.log", port)
    with server:
        try:
            server.wait_ready(timeout=120)
            base = server.base_url
            opener = urllib.request.build_opener()
            pages = {}

            def get(name, query):
                pages[name] = fetch(opener, f"{base}?do={query}")

            slow = threading.Thread(target=get, args=("slow", "slow"))
            slow.start()
            server.wait_log(r"Kernel started", timeout=60)
            get("raise", "raise")
            slow.join(timeout=120)
            for name, query in (("die", "die"), ("sleep", "sleep")):
                get(name, query)

            status, _, html = pages["slow"]
            assert status == 200 and "page=[ready]" in html and "scoring-failed" not in html
            status, _, html = pages["raise"]
            assert status == 200 and '"scoring-ahead-fr">(1 avant vous)' in html
            assert '"scoring-ahead-en">(1 ahead of you)' in html
            expected = {"raise": ("une erreur s'est produite", "an error occurred"),
                        "sleep": ("a pris trop de temps", "took too long"),
                        "die": ("s'est arrêté", "stopped")}
            for name, (fr, en) in expected.items():
                status, _, html = pages[name]
                assert status == 200, name
                tail = html[html.index('id="scoring-failed"'):]
                assert "La page n'a pas pu être préparée" in tail and fr in tail, name
                assert "The page could not be prepared" in tail and en in tail, name
                assert "Rechargez la page" in tail and "Reload the page" in tail, name
            log = server.log_text()
            assert log.count("Render failed") == 3
            # the failed pages' kernels are shut down at once, the good one stays
            assert len(server.kernel_processes()) <= 1
        except BaseException:
            print(server.log_text())
            raise
