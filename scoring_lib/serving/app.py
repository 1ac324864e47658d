"""Voilà's application and page handler for ``scoring serve`` (Voilà 0.5.13, pinned).

:func:`voila_application` returns a :class:`voila.app.Voila` subclass whose page handler

1. answers 503 with :func:`.pages.busy_html` when ``max_sessions`` sessions exist
   (:class:`.sessions.Sessions`; the preheated pool's kernel is not one);
2. sets the ``_xsrf`` cookie, which the page's shutdown request needs when it is closed
   (Voilà 0.5's page response does not set it, voila-dashboards/voila#1458);
3. sends :func:`.pages.waiting_html` at once, then waits for its turn in the
   :class:`.sessions.RenderQueue` (telling the visitor how many pages are ahead) unless the
   preheated kernel serves it, then streams Voilà's page;
4. watches the page for a failed run (:class:`.pages.RenderWatch`) or an exception, and then
   ends the page with :func:`.pages.failed_html` and shuts the useless kernel down.

The application also counts which kernels a page connected to (its websocket connection
class), and shuts down every ``reap_interval`` seconds the session kernels that no page
connected to within the grace period after their page was sent (:meth:`Sessions.unconnected`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.connection.channels import (
    ZMQChannelsWebsocketConnection,
)
from tornado.iostream import StreamClosedError

from . import pages
from .logs import SERVER_LOGGERS, install_token_filter
from .sessions import CONNECT_GRACE, RenderQueue, Sessions, default_render_slots, reap_targets

SESSIONS_SETTING = "scoring_sessions"
QUEUE_SETTING = "scoring_render_queue"
#: Seconds between two updates of the waiting bar (also a heartbeat for proxies).
AHEAD_UPDATE_SECONDS = 2.0


@dataclass
class Limits:
    """What :func:`voila_application` needs besides Voilà's own configuration."""

    max_sessions: int = 1_000_000
    render_slots: int = 0  # 0: default_render_slots()
    connect_grace: float = CONNECT_GRACE
    reap_interval: float = 5.0
    secrets: tuple = ()


def _retrieve(future) -> None:
    """Read a finished write's exception: a page closed while its kernel was talking is
    normal, not worth "Task exception was never retrieved" and a traceback in the log."""
    if not future.cancelled():
        future.exception()


class TrackedConnection(ZMQChannelsWebsocketConnection):
    """The kernel websocket: tells the sessions that a page connected to its kernel, and
    writes to the page without leaving unread errors behind when the page is gone."""

    def connect(self):
        sessions = self.websocket_handler.settings.get(SESSIONS_SETTING)
        if sessions is not None:
            sessions.connected(self.kernel_id)
        return super().connect()

    @property
    def write_message(self):
        send = self.websocket_handler.write_message

        def write(*args, **kwargs):
            future = send(*args, **kwargs)
            if future is not None and hasattr(future, "add_done_callback"):
                future.add_done_callback(_retrieve)
            return future

        return write


class _RecordingKernelManager:
    """The kernel manager as Voilà's page handler sees it: records the request's kernel."""

    def __init__(self, manager, ticket):
        self._manager = manager
        self._ticket = ticket

    def __getattr__(self, name):
        return getattr(self._manager, name)

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        self._ticket.bind(kernel_id)
        return kernel_id

    async def get_rendered_notebook(self, *args, **kwargs):
        task, cache, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._ticket.bind(kernel_id)
        return task, cache, kernel_id


def pool_kernel_ids(manager) -> set[str]:
    """The kernels waiting in Voilà's preheated pool (started, not yet given to a page)."""
    ids = set()
    for pool in getattr(manager, "_pools", {}).values():
        for task in pool:
            if task.done() and not task.cancelled() and task.exception() is None:
                ids.add(task.result().get("kernel_id"))
    return ids


async def shutdown_kernel(manager, kernel_id: str, log) -> None:
    """Shut ``kernel_id`` down; one already gone is only logged."""
    try:
        await ensure_async(manager.shutdown_kernel(kernel_id))
    except Exception as exc:  # shut down meanwhile
        log.info("Kernel %s: %s", kernel_id, exc)


def voila_application(limits: Limits | None = None):
    """The Voilà application class of ``scoring serve`` (see the module's docstring)."""
    import tornado.web
    from tornado.ioloop import PeriodicCallback
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    limits = limits or Limits()

    class PageHandler(TornadoVoilaHandler):
        _ticket = None
        _gone = False

        @property
        def kernel_manager(self):
            manager = self.settings["kernel_manager"]
            return manager if self._ticket is None else _RecordingKernelManager(
                manager, self._ticket)

        async def _send(self, html: str) -> None:
            if self._gone:
                return
            try:
                self.write(html)
                await self.flush()
            except StreamClosedError:
                self._gone = True  # the visitor left: keep rendering, stop writing

        def _pool_serves(self, path) -> bool:
            manager = self.settings["kernel_manager"]
            notebook = self.notebook_path or path
            try:
                data = manager.notebook_data.get(notebook, {})
                size = manager.get_pool_size(notebook)
            except AttributeError:
                return False
            return self.should_use_rendered_notebook(
                data, size, self.get_argument("template", None),
                self.get_argument("theme", None), self.request.arguments)

        @tornado.web.authenticated
        async def get(self, path=None):
            if self.notebook_path and path:  # Voilà redirects to the file
                return await super().get(path)
            sessions: Sessions = self.settings[SESSIONS_SETTING]
            ticket = sessions.admit()
            if ticket is None:
                self.log.warning("Busy: %d sessions of %d, answering 503", len(sessions),
                                 sessions.cap)
                self.set_status(503)
                self.set_header("Retry-After", str(pages.RETRY_AFTER_SECONDS))
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                self.finish(pages.busy_html(sessions.cap))
                return
            self.xsrf_token  # noqa: B018 - the property sets the _xsrf cookie
            self._ticket = ticket
            queue: RenderQueue = self.settings[QUEUE_SETTING]
            watch = pages.RenderWatch()
            turn = None
            try:
                self.set_header("Content-Type", "text/html")
                self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
                self.set_header("Pragma", "no-cache")
                self.set_header("Expires", "0")
                if not self._pool_serves(path):
                    turn = queue.join()
                await self._send(pages.waiting_html(queue.ahead(turn) if turn else 0))
                if turn is None and not self._pool_serves(path):  # taken meanwhile
                    turn = queue.join()
                while turn is not None and not turn.done() and not self._gone:
                    try:
                        await asyncio.wait_for(asyncio.shield(turn), AHEAD_UPDATE_SECONDS)
                    except asyncio.TimeoutError:
                        await self._send(pages.ahead_script(queue.ahead(turn)))
                if self._gone:
                    return
                try:
                    async for html in self.get_generator(path=path):
                        watch.feed(html)
                        await self._send(html)
                except Exception:
                    self.log.exception("The page could not be rendered")
                    watch.fail("server")
                if watch.failure:
                    self.log.warning("Render failed (%s) for kernel %s", watch.failure,
                                     ticket.kernel_id)
                    await self._send(pages.failed_html(watch.failure))
                    manager = self.settings["kernel_manager"]
                    if ticket.kernel_id and ticket.kernel_id in manager:
                        await shutdown_kernel(manager, ticket.kernel_id, self.log)
            finally:
                if turn is not None:
                    queue.leave(turn)
                ticket.rendered()

    class ScoringVoila(Voila):
        def init_settings(self):
            settings = super().init_settings()
            manager = self.kernel_manager
            sessions = Sessions(limits.max_sessions, alive=lambda kid: kid in manager,
                                grace=limits.connect_grace)
            settings[SESSIONS_SETTING] = self._sessions = sessions
            settings[QUEUE_SETTING] = RenderQueue(limits.render_slots
                                                  or default_render_slots())
            self._reaper = PeriodicCallback(lambda: asyncio.ensure_future(self._reap()),
                                            limits.reap_interval * 1000)
            self._reaper.start()
            return settings

        async def _reap(self):
            sessions = self._sessions
            for kernel_id in reap_targets(sessions, pool_kernel_ids(self.kernel_manager)):
                sessions.forget(kernel_id)
                self.log.info("Shutting down kernel %s: no page connected to it within "
                              "%g s", kernel_id, sessions.grace)
                await shutdown_kernel(self.kernel_manager, kernel_id, self.log)

        def init_handlers(self):
            return [(rule[0], PageHandler, *rule[2:]) if rule[1] is TornadoVoilaHandler
                    else rule for rule in super().init_handlers()]

        def start(self):
            install_token_filter(limits.secrets, names=(*SERVER_LOGGERS, self.log.name))
            super().start()

    ScoringVoila.PageHandler = PageHandler
    return ScoringVoila
