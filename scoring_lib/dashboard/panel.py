"""The panel contract: how every part of the page follows the one state.

A panel is a :class:`Panel` (an ipywidgets ``VBox``), built once from the state and the
Scorer. It says which traits of :class:`~.state.DashboardState` it follows (``watches``),
draws what the state says in :meth:`Panel.refresh` (assigning widget values and mark
attributes, marks under ``mark.hold_sync()``), and says its fixed texts again in
:meth:`Panel.set_texts` on a language change. It never calls another panel: what the
advisor does in it is written to the state (``self.state``), and every panel that follows
that trait redraws.

:func:`dispatch` is the only caller of ``refresh``: it skips a panel whose :meth:`Panel.key`
(the values it draws from) has not changed since its last successful drawing, times each
panel, and turns an exception into the friendly failure message naming the part (the
traceback goes to the ``scoring_lib.dashboard`` logger).
"""

from __future__ import annotations

import logging
import time
from contextlib import ExitStack, contextmanager

import ipywidgets as W

log = logging.getLogger("scoring_lib.dashboard")


def frozen(value):
    """A hashable, comparable copy of a trait value (dicts and lists become tuples)."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    return value


@contextmanager
def hold(*widgets):
    """Hold the synchronisation of every widget or mark given (bqplot's idiom: the
    attributes of a mark that change together reach the browser in one message)."""
    with ExitStack() as stack:
        for widget in widgets:
            stack.enter_context(widget.hold_sync())
        yield


def failed(name: str, state, exc: Exception, what: str = "failed") -> None:
    """Part ``name`` failed: the traceback to the log, the part named in the state's
    message."""
    log.error("dashboard: %s %s", name, what, exc_info=(type(exc), exc, exc.__traceback__))
    state.fail(name)


class Panel(W.VBox):
    """One part of the page. Subclasses set :attr:`name`, :attr:`watches`, build their
    widgets in ``__init__`` (calling ``super().__init__(state, scorer)`` first) and
    implement :meth:`refresh` and :meth:`set_texts`."""

    #: the part's name: timings, failure messages (:data:`.text` "part_<name>")
    name = "panel"
    #: the traits of the state this panel draws from
    watches: tuple[str, ...] = ()
    #: where the app puts it: "sidebar" (finding a client) or "main"
    area = "main"

    def __init__(self, state, scorer, **kwargs):
        super().__init__(**kwargs)
        self.state = state
        self.scorer = scorer
        #: the client this panel last drew (None: none yet); the event-order tests
        #: compare it with ``state.client_id``
        self.shown_client = None
        #: seconds of named steps of the last refresh (added to the app's timings)
        self.timings: dict[str, float] = {}
        self._drawn = None  # key of the last successful refresh

    def key(self, state) -> tuple:
        """The values the panel draws from: by default the watched traits."""
        return tuple(frozen(getattr(state, name)) for name in self.watches)

    def refresh(self, state) -> None:
        """Draw what ``state`` says (widget values, mark attributes)."""
        raise NotImplementedError

    def set_texts(self, lang: str) -> None:
        """Say the panel's fixed texts (titles, labels, options) in ``lang``."""

    def guarded(self, fn, *args):
        """Run ``fn(*args)`` for a widget of the panel (a click, a choice): a failure is
        logged and said as this part's failure, never raised into the page."""
        try:
            return fn(*args)
        except Exception as exc:  # noqa: BLE001
            failed(self.name, self.state, exc)
            return None

    def redraw(self) -> bool:
        """One of the panel's own widgets changed (a variable, a scale): draw again, with
        the failure handling of :func:`dispatch`."""
        return run(self, self.state)


def run(panel: Panel, state, force: bool = False) -> bool:
    """Refresh ``panel`` if what it draws from changed (or ``force``); False if it
    failed (logged, and said in the state's message)."""
    if "client_id" in panel.watches and state.client_id is None:
        return True  # nothing to draw before the first client
    key = panel.key(state)
    panel.timings = {}
    if not force and panel._drawn is not None and key == panel._drawn:
        return True
    try:
        panel.refresh(state)
    except Exception as exc:  # noqa: BLE001 - said as a sentence, the log has the rest
        panel._drawn = None
        failed(panel.name, state, exc)
        return False
    panel._drawn = key
    state.recover(panel.name)
    return True


def dispatch(panels, state, changed: set[str] | None = None,
             force: bool = False) -> dict[str, float]:
    """Refresh, in order, the ``panels`` that watch one of the ``changed`` traits (None:
    every panel). Returns the seconds each took (and their named steps)."""
    timings: dict[str, float] = {}
    for panel in panels:
        if changed is not None and not changed.intersection(panel.watches):
            continue
        started = time.perf_counter()
        run(panel, state, force)
        timings[panel.name] = time.perf_counter() - started
        timings.update(panel.timings)
    return timings


def say_texts(panels, state, lang: str) -> None:
    """Every panel's fixed texts in ``lang`` (a failure is one part's failure)."""
    for panel in panels:
        try:
            panel.set_texts(lang)
        except Exception as exc:  # noqa: BLE001
            failed(panel.name, state, exc, "texts failed")
