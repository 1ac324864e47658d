"""``scoring serve``: the advisor dashboard (``dashboard.ipynb``) served by Voilà on a bundle.

    scoring serve --bundle artifacts/demo                  # http://127.0.0.1:8866/
    scoring serve --bundle B --ip 0.0.0.0                  # a token is generated and printed
    SCORING_TOKEN=SECRET scoring serve --bundle B          # or --token-file PATH
    scoring serve --bundle B --max-sessions 10 --no-preheat

What it does, in order:

1. checks that the bundle loads (:func:`check_bundle`: format version and every file's sha256,
   as :meth:`scoring_lib.scoring.Scorer.from_bundle` does) and stops with a message naming the
   folder when it does not;
2. puts ``SCORING_BUNDLE=<absolute path>`` in the environment of the server, which every
   kernel (preheated or not) inherits: the notebook reads it (and ``SCORING_LANG``, passed
   through when set, after :func:`check_lang` has refused a language the page does not
   speak);
3. runs Voilà in this process with the configuration of :func:`voila_config`: no browser
   opened, no other port tried when the port is taken, tracebacks hidden from the page, idle
   kernels culled (:data:`CULL_IDLE_TIMEOUT`, checked every :data:`CULL_INTERVAL` seconds), one
   preheated kernel (Voilà runs the notebook ahead of the first visitor and refills the pool
   after each one; ``--no-preheat`` turns it off);
4. token authentication (:func:`given_token`, :func:`resolve_token`): from
   ``$SCORING_TOKEN``, ``--token-file`` or the deprecated ``--token`` (visible in the process
   list), and always when the address is not a loopback one (a token is then generated with
   :mod:`secrets` and printed once in the URL). A given token is never printed, and the log
   filter of :mod:`scoring_lib.serving.logs` keeps every ``token=...`` out of the log.
5. at most ``--max-sessions`` sessions (default :func:`scoring_lib.serving.sizing.
   default_max_sessions`, from the memory available and the bundle's size): beyond, a 503
   page in French and English; pages are prepared a few at a time in arrival order, the
   visitor seeing a waiting line, and a failed preparation says so on the page
   (:mod:`scoring_lib.serving.app`); a kernel no page connected to is shut down after
   ``--connect-grace`` seconds.
"""

from __future__ import annotations

import importlib.resources
import ipaddress
import os
import secrets
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .serving.sessions import CONNECT_GRACE

__all__ = ["CULL_IDLE_TIMEOUT", "CULL_INTERVAL", "DASHBOARD_NOTEBOOK", "DEFAULT_IP",
           "DEFAULT_PORT", "LANG_ENV", "TOKEN_ENV", "ServeError", "ServeOptions",
           "check_bundle", "check_lang", "check_port", "dashboard_url", "given_token",
           "is_loopback", "kernel_environment", "read_token_file", "resolve_token", "serve",
           "session_limits", "voila_application", "voila_config"]

DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
#: A session kernel that has been idle (no message, no open page) this long is shut down.
CULL_IDLE_TIMEOUT = 15 * 60
CULL_INTERVAL = 60
#: The dashboard notebook, package data of scoring_lib (the repository's root dashboard.ipynb,
#: which Binder opens, is a link to it): found in an editable and a non-editable install.
DASHBOARD_NOTEBOOK = Path(str(importlib.resources.files("scoring_lib").joinpath(
    "dashboard", "page", "dashboard.ipynb")))
BUNDLE_ENV = "SCORING_BUNDLE"
LANG_ENV = "SCORING_LANG"
TOKEN_ENV = "SCORING_TOKEN"
#: A cell running longer than this (seconds) ends the page with the failure message.
RENDER_TIMEOUT = 300
#: Seconds to wait for a cell's last outputs after it finished (nbclient's default, 4 s, is
#: too short on a loaded machine: the outputs were dropped and the page stayed blank).
IOPUB_TIMEOUT = 60


class ServeError(ValueError):
    """The server cannot start: bad bundle, missing notebook, bad address or port."""


@dataclass
class ServeOptions:
    bundle: Path
    port: int = DEFAULT_PORT
    ip: str = DEFAULT_IP
    token: str | None = None
    token_file: Path | None = None
    preheat: bool = True
    notebook: Path = DASHBOARD_NOTEBOOK
    cull_idle_timeout: int = CULL_IDLE_TIMEOUT
    cull_interval: int = CULL_INTERVAL
    max_sessions: int | None = None  # None: default_max_sessions()
    connect_grace: float = CONNECT_GRACE
    render_timeout: int = RENDER_TIMEOUT
    render_slots: int = 0  # 0: default_render_slots()


def is_loopback(ip: str) -> bool:
    """True for ``localhost`` and the loopback addresses (127.0.0.0/8, ::1). Every other
    value, including ``0.0.0.0``, ``""`` (all interfaces) and host names, is not."""
    text = ip.strip().strip("[]")
    if text.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def resolve_token(ip: str, token: str | None) -> tuple[str | None, bool]:
    """``(token, generated)``: the given token; else a new one (``secrets.token_urlsafe``)
    when ``ip`` is not a loopback address; else ``None`` (no authentication on loopback)."""
    if token is not None:
        if not token.strip():
            raise ServeError("--token is empty: give a token or leave the option out")
        return token, False
    if is_loopback(ip):
        return None, False
    return secrets.token_urlsafe(24), True


def read_token_file(path) -> tuple[str, str | None]:
    """``(token, warning)`` from the file ``path``: its text without surrounding whitespace.
    :class:`ServeError` when it is missing, unreadable or empty; a warning when other users
    may read it."""
    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8")
        mode = file.stat().st_mode
    except FileNotFoundError:
        raise ServeError(f"--token-file {file}: no such file") from None
    except IsADirectoryError:
        raise ServeError(f"--token-file {file} is a folder: give the file holding the "
                         "token") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ServeError(f"--token-file {file} cannot be read: {exc}") from None
    token = text.strip()
    if not token:
        raise ServeError(f"--token-file {file} is empty: write the token in it")
    warning = None
    if mode & 0o077:
        warning = (f"warning: --token-file {file} can be read by other users (mode "
                   f"{mode & 0o777:o}): chmod 600 {file}")
    return token, warning


def given_token(options: ServeOptions, environ=None) -> tuple[str | None, str, str | None]:
    """``(token, source, warning)``: the token the operator gave, by ``--token-file``, by
    ``--token`` or in ``$SCORING_TOKEN`` (in that order), or ``(None, "", None)``."""
    environ = os.environ if environ is None else environ
    if options.token_file is not None:
        token, warning = read_token_file(options.token_file)
        return token, f"--token-file {options.token_file}", warning
    if options.token is not None:
        return options.token, "--token", None
    if TOKEN_ENV in environ:
        token = environ[TOKEN_ENV].strip()
        if not token:
            raise ServeError(f"{TOKEN_ENV} is set but empty: give a token or unset it")
        return token, TOKEN_ENV, None
    return None, "", None


def check_lang(environ=None) -> None:
    """:class:`ServeError` when ``$SCORING_LANG`` names a language the page does not speak
    (unset or empty: the page's default)."""
    from .words import LANGS

    environ = os.environ if environ is None else environ
    value = environ.get(LANG_ENV)
    if value is None or not value.strip() or value.strip().lower() in LANGS:
        return
    raise ServeError(f"the environment variable {LANG_ENV} is {value!r}, a language the "
                     f"dashboard does not speak: accepted values are {', '.join(LANGS)} "
                     f"(or leave {LANG_ENV} unset)")


def session_limits(options: ServeOptions, manifest: dict, available=None, cpus=None):
    """``(max_sessions, kernel_mib)``: ``--max-sessions`` or its default for this bundle."""
    from .serving import sizing

    clients = sizing.bundle_clients(manifest)
    kernel_mib = sizing.kernel_footprint_mib(clients)
    if options.max_sessions is not None:
        if options.max_sessions < 1:
            raise ServeError(f"--max-sessions must be at least 1, got {options.max_sessions}")
        return int(options.max_sessions), kernel_mib
    available = sizing.available_memory() if available is None else available
    pool = 1 if options.preheat else 0
    return sizing.default_max_sessions(available, clients, cpus, pool=pool), kernel_mib


def dashboard_url(ip: str, port: int, token: str | None) -> str:
    """The address to open: loopback stays as given, all-interfaces shows 127.0.0.1."""
    host = ip.strip() or "0.0.0.0"
    if host in ("0.0.0.0", "::"):
        host = DEFAULT_IP
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    url = f"http://{host}:{port}/"
    return f"{url}?token={quote(token, safe='')}" if token else url


def check_bundle(path) -> Path:
    """The bundle's absolute path after checking that it loads (format version, every file's
    size and sha256); :class:`ServeError` naming the folder and the file at fault if not."""
    from .bundle.errors import BundleError
    from .bundle.store import load_bundle

    folder = Path(path).expanduser().resolve()
    try:
        load_bundle(folder, verify=True)
    except BundleError as exc:
        raise ServeError(f"cannot serve the bundle {folder}: {exc}") from None
    return folder


def bundle_manifest(folder: Path) -> dict:
    """The bundle's ``bundle.json`` (already checked by :func:`check_bundle`)."""
    from .bundle.store import read_manifest

    return read_manifest(folder)


def kernel_environment(bundle: Path, base=None) -> dict:
    """The environment of the server (``base``, default ``os.environ``, plus
    ``SCORING_BUNDLE``), inherited by every kernel, preheated or not."""
    env = dict(os.environ if base is None else base)
    env[BUNDLE_ENV] = str(bundle)
    return env


def voila_config(options: ServeOptions, token: str | None) -> dict:
    """The traitlets configuration of the Voilà application, as a plain dict of sections."""
    if not 1 <= options.port <= 65535:
        raise ServeError(f"--port must be between 1 and 65535, got {options.port}")
    notebook = Path(options.notebook).resolve()
    # config_file_paths=[]: no voila.json from the working directory overrides these.
    voila = {"ip": options.ip, "port": options.port, "port_retries": 0,
             "open_browser": False, "root_dir": str(notebook.parent),
             "config_file_paths": []}
    if token is not None:
        voila["token"] = token
    voila["kernel_websocket_connection_class"] = ("scoring_lib.serving.app."
                                                  "TrackedConnection")
    return {
        "Voila": voila,
        "VoilaExecutor": {"iopub_timeout": IOPUB_TIMEOUT, "raise_on_iopub_timeout": True,
                          "timeout": int(options.render_timeout)},
        "VoilaConfiguration": {"show_tracebacks": False,
                               "preheat_kernel": bool(options.preheat),
                               "default_pool_size": 1 if options.preheat else 0},
        "MappingKernelManager": {"cull_idle_timeout": int(options.cull_idle_timeout),
                                 "cull_interval": int(options.cull_interval),
                                 "cull_connected": False},
    }


def check_port(ip: str, port: int) -> None:
    """:class:`ServeError` when ``ip:port`` cannot be listened on (taken, or a bad address)."""
    try:
        infos = socket.getaddrinfo(ip or None, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"--ip {ip!r} is not an address of this machine: {exc}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ServeError(f"cannot listen on {ip}:{port} ({exc.strerror}): is another "
                             "server running there? Choose another --port") from None


def voila_application(limits=None):
    """Voilà's application class for ``scoring serve`` (:mod:`scoring_lib.serving.app`)."""
    from .serving.app import voila_application as application

    return application(limits)


def serve(options: ServeOptions, out=None) -> int:
    """Check, configure and run Voilà until it is stopped (Ctrl-C or SIGTERM)."""
    from traitlets.config import Config

    out = out if out is not None else sys.stdout
    bundle = check_bundle(options.bundle)
    notebook = Path(options.notebook).resolve()
    if not notebook.is_file():
        if Path(options.notebook) == DASHBOARD_NOTEBOOK:
            raise ServeError(f"the dashboard notebook {notebook}, package data of "
                             "scoring_lib, was not found: reinstall the package (make install)")
        raise ServeError(f"--notebook {notebook} was not found: give a notebook file")
    check_lang()
    if not options.connect_grace > 0:
        raise ServeError(f"--connect-grace must be a number of seconds above 0, got "
                         f"{options.connect_grace}")
    given, source, warning = given_token(options)
    token, generated = resolve_token(options.ip, given)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    config = voila_config(options, token)
    max_sessions, kernel_mib = session_limits(options, bundle_manifest(bundle))
    check_port(options.ip, options.port)
    os.environ.update(kernel_environment(bundle, base={}))
    os.environ.pop(TOKEN_ENV, None)  # the kernels need not know it

    if generated:
        url = dashboard_url(options.ip, options.port, token)
        why = " (token generated: keep the URL)"
    else:
        url = dashboard_url(options.ip, options.port, None)
        why = f" (token from {source} required: add ?token=... once)" if token else ""
    print(f"Serving {notebook.name} on the bundle {bundle}", file=out)
    print(f"Dashboard: {url}{why}", file=out)
    print(f"Sessions: at most {max_sessions} at a time (about {kernel_mib} MiB each; "
          "--max-sessions to change), beyond that visitors get a 'busy' page", file=out)
    print("Stop with Ctrl-C.", file=out, flush=True)
    from .serving.app import Limits

    limits = Limits(max_sessions=max_sessions, render_slots=options.render_slots,
                    connect_grace=options.connect_grace,
                    secrets=(token,) if token else ())
    voila_application(limits).launch_instance(argv=[str(notebook)], config=Config(config))
    return 0
