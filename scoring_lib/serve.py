"""``scoring serve``: the advisor dashboard (``dashboard.ipynb``) served by Voilà on a bundle.

    scoring serve --bundle artifacts/demo                  # http://127.0.0.1:8866/
    scoring serve --bundle B --ip 0.0.0.0                  # a token is generated and printed
    scoring serve --bundle B --token SECRET --no-preheat

What it does, in order:

1. checks that the bundle loads (:func:`check_bundle`: format version and every file's sha256,
   as :meth:`scoring_lib.scoring.Scorer.from_bundle` does) and stops with a message naming the
   folder when it does not;
2. puts ``SCORING_BUNDLE=<absolute path>`` in the environment of the server, which every
   kernel (preheated or not) inherits: the notebook reads it (and ``SCORING_LANG``, passed
   through when set);
3. runs Voilà in this process with the configuration of :func:`voila_config`: no browser
   opened, no other port tried when the port is taken, tracebacks hidden from the page, idle
   kernels culled (:data:`CULL_IDLE_TIMEOUT`, checked every :data:`CULL_INTERVAL` seconds), one
   preheated kernel (Voilà runs the notebook ahead of the first visitor and refills the pool
   after each one; ``--no-preheat`` turns it off);
4. token authentication (:func:`resolve_token`): with ``--token``, and always when the address
   is not a loopback one (a token is then generated with :mod:`secrets` when none was given).
   The token goes into the traitlets configuration, never onto a command line; the printed URL
   carries it (``?token=...``), after which the browser keeps a login cookie.

Voilà's page handler is subclassed for one fix (:func:`voila_application`): a closed page's
kernel is shut down at once instead of waiting to be culled.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

__all__ = ["CULL_IDLE_TIMEOUT", "CULL_INTERVAL", "DASHBOARD_NOTEBOOK", "DEFAULT_IP",
           "DEFAULT_PORT", "ServeError", "ServeOptions", "check_bundle", "check_port",
           "dashboard_url", "is_loopback", "kernel_environment", "resolve_token", "serve",
           "voila_application", "voila_config"]

DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
#: A session kernel that has been idle (no message, no open page) this long is shut down.
CULL_IDLE_TIMEOUT = 15 * 60
CULL_INTERVAL = 60
#: The dashboard notebook at the root of the repository (scoring_lib is installed editable).
DASHBOARD_NOTEBOOK = Path(__file__).resolve().parent.parent / "dashboard.ipynb"
BUNDLE_ENV = "SCORING_BUNDLE"


class ServeError(ValueError):
    """The server cannot start: bad bundle, missing notebook, bad address or port."""


@dataclass
class ServeOptions:
    bundle: Path
    port: int = DEFAULT_PORT
    ip: str = DEFAULT_IP
    token: str | None = None
    preheat: bool = True
    notebook: Path = DASHBOARD_NOTEBOOK
    cull_idle_timeout: int = CULL_IDLE_TIMEOUT
    cull_interval: int = CULL_INTERVAL


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
    from .model import BundleError
    from .model.bundle import load_bundle

    folder = Path(path).expanduser().resolve()
    try:
        load_bundle(folder, verify=True)
    except BundleError as exc:
        raise ServeError(f"cannot serve the bundle {folder}: {exc}") from None
    return folder


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
    return {
        "Voila": voila,
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


def voila_application():
    """Voilà's application class, with the page handler setting the ``_xsrf`` cookie.

    The page asks the server to shut its kernel down when it is closed (a POST sent from
    ``beforeunload`` with the ``_xsrf`` cookie's value), but Voilà 0.5's page response does
    not set that cookie, so the request is refused (403) and the kernel stays until it is
    culled (voila-dashboards/voila#1458). Reading ``xsrf_token`` sets the cookie.
    """
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    class PageHandler(TornadoVoilaHandler):
        async def get(self, path=None):
            self.xsrf_token  # noqa: B018 - the property sets the _xsrf cookie
            return await super().get(path)

    class ScoringVoila(Voila):
        def init_handlers(self):
            return [(rule[0], PageHandler, *rule[2:]) if rule[1] is TornadoVoilaHandler
                    else rule for rule in super().init_handlers()]

    return ScoringVoila


def serve(options: ServeOptions, out=None) -> int:
    """Check, configure and run Voilà until it is stopped (Ctrl-C or SIGTERM)."""
    from traitlets.config import Config

    out = out if out is not None else sys.stdout
    bundle = check_bundle(options.bundle)
    notebook = Path(options.notebook).resolve()
    if not notebook.is_file():
        raise ServeError(f"the dashboard notebook {notebook} was not found (scoring serve "
                         "runs from a checkout of the repository: pip install -e .)")
    token, generated = resolve_token(options.ip, options.token)
    config = voila_config(options, token)
    check_port(options.ip, options.port)
    os.environ.update(kernel_environment(bundle, base={}))

    url = dashboard_url(options.ip, options.port, token)
    why = ("" if token is None else " (token generated: keep the URL)" if generated
           else " (token required)")
    print(f"Serving {notebook.name} on the bundle {bundle}", file=out)
    print(f"Dashboard: {url}{why}", file=out)
    print("Stop with Ctrl-C.", file=out, flush=True)
    voila_application().launch_instance(argv=[str(notebook)], config=Config(config))
    return 0
