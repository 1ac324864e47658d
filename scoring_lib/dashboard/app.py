"""The dashboard: one shared state driving a list of panels.

    app = build_app("artifacts/demo")          # or build_app(scorer, lang="en")
    app.widget                                  # the root ipywidget (display it)
    app.show_client(100002); app.set_lang("en"); app.set_filters({"gender": "F"})

The app owns the state (:class:`~.state.DashboardState`) and the panels (:data:`PANELS`:
adding a panel is one entry there; each follows the contract of :mod:`.panel`). What the
advisor does is written to the state; on every change the app asks the panels that follow
that trait to refresh (:func:`~.panel.dispatch`). Every figure and widget is built once;
switching client only assigns mark data and widget values. Nothing raises into the page: an
unknown ID or a failed computation is written as a friendly sentence in the message area
(``sc-message``) and the traceback goes to the ``scoring_lib.dashboard`` logger. A language
the dashboard does not speak (``SCORING_LANG=de``) opens the page in French with one line
that says so (``sc-notice``). Every HTML value is built by :mod:`.safe` (data escaped).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import ipywidgets as W

from ..scoring import Scorer
from .comparison import ComparisonPanel
from .explanation import ExplanationPanel
from .info import InfoPanel
from .letter import LetterPanel
from .model_view import ModelTab
from .panel import dispatch, say_texts
from .safe import esc, tag
from .score import ScorePanel
from .search import SearchPanel, find_client, parse_client_id
from .simulation import SimulationPanel
from .state import DashboardState
from .text import LANGS, TEXTS, resolve_lang, shorten, tr
from .theme import CSS

log = logging.getLogger("scoring_lib.dashboard")
#: the page's panels, in the order they are drawn (``area``: the sidebar or the main column)
PANELS = [SearchPanel, ScorePanel, LetterPanel, SimulationPanel, ExplanationPanel, InfoPanel,
          ComparisonPanel]
#: what ``app.timings`` always holds after a client switch (seconds)
TIMINGS = ("score", "explanation", "scorer_explain", "info", "comparison", "total")

__all__ = ["PANELS", "DashboardApp", "UnavailableApp", "build_app", "parse_client_id"]


class DashboardApp:
    """The advisor dashboard on one :class:`~scoring_lib.scoring.Scorer`."""

    def __init__(self, scorer: Scorer, lang: str = "fr", client=None,
                 unknown_lang: str | None = None, panels=None):
        if lang not in LANGS:
            raise ValueError(f"lang must be 'fr' or 'en', got {lang!r}")
        self.scorer = scorer
        self.unknown_lang = unknown_lang  # asked for, not spoken: said in sc-notice
        self.state = DashboardState(lang=lang)
        self.timings: dict[str, float] = {}   # seconds per panel of the last switch

        self.css = W.HTML(CSS)
        self.heading = W.HTML()
        self.heading.add_class("sc-title")
        self.lang_toggle = W.ToggleButtons(options=[("FR", "fr"), ("EN", "en")], value=lang,
                                           style={"button_width": "48px"})
        self.lang_toggle.add_class("sc-lang")
        self.lang_toggle.observe(self._lang_clicked, "value")
        header = W.HBox([self.heading, self.lang_toggle])
        header.add_class("sc-header")
        self.message = W.HTML("")
        self.message.add_class("sc-message")
        self.notice = W.HTML("")
        self.notice.add_class("sc-notice")
        self.hint = W.HTML("")
        self.hint.add_class("sc-hint")

        self.panels = [cls(self.state, scorer) for cls in (PANELS if panels is None
                                                           else panels)]
        sidebar = W.VBox([p for p in self.panels if p.area == "sidebar"],
                         layout=W.Layout(width="360px", min_width="320px"))
        main = W.VBox([self.notice, self.hint, self.message,
                       *(p for p in self.panels if p.area != "sidebar")],
                      layout=W.Layout(flex="1 1 auto", width="100%"))
        client_view = W.HBox([sidebar, main], layout=W.Layout(width="100%",
                                                               align_items="flex-start"))
        self.model_tab = ModelTab(self.state, scorer)  # the model view: its own module
        self.tabs = W.Tab(children=[client_view, self.model_tab])
        self.tabs.observe(self.model_tab.tab_selected, "selected_index")  # says a failure
        self.tabs.add_class("sc-tabs")
        self.widget = W.VBox([self.css, header, self.tabs])
        self.widget.add_class("sc-app")
        self.state.observe(self._state_changed)
        self._say_texts()
        dispatch(self.panels, self.state, {"filters", "page"})  # the table, before a client
        first = client if client is not None else int(scorer.client_ids[0])
        self.show_client(first)
        self.state.example = True
        self._say_hint()

    # ------------------------------------------------------------------ panels by name
    def panel(self, name: str):
        """The panel called ``name`` (``"score"``, ``"comparison"``, ...)."""
        return next(p for p in self.panels if p.name == name)

    search = property(lambda self: self.panel("search"))
    score = property(lambda self: self.panel("score"))
    explain = property(lambda self: self.panel("explanation"))
    info = property(lambda self: self.panel("info"))
    comparison = property(lambda self: self.panel("comparison"))
    simulation = property(lambda self: self.panel("simulation"))

    @property
    def client_id(self) -> int | None:
        return self.state.client_id

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def explanation(self):
        """The explanation the explanation panel shows (``Scorer.explain``)."""
        return self.explain.explanation

    # ------------------------------------------------------------------ the state
    def _state_changed(self, change) -> None:
        name = change["name"]
        if name in ("message", "failed"):
            self._say_message()
            return
        if name == "example":
            self._say_hint()
            return
        if name == "lang":
            if self.lang_toggle.value != change["new"]:
                self.lang_toggle.value = change["new"]
            self._say_texts()
        started = time.perf_counter()
        timings = dispatch(self.panels, self.state, {name})
        if name == "client_id":
            timings["total"] = time.perf_counter() - started
            self.timings = {key: timings.get(key, 0.0) for key in TIMINGS} | timings
            if not self.state.failed:
                self.state.say(None)  # what was said about the last id typed
            self.state.example = False
        if name == "lang":
            self._say_message()
            self._say_hint()

    def _say_texts(self) -> None:
        lang = self.state.lang
        self.heading.value = tag("h1", tr("title", lang)) + tag("p", tr("subtitle", lang))
        self.notice.value = ("" if self.unknown_lang is None else esc(
            tr("unknown_lang", lang, asked=shorten(self.unknown_lang, 20))))
        say_texts(self.panels, self.state, lang)
        self.tabs.titles = (tr("tab_client", lang), tr("tab_model", lang))

    def _say_message(self) -> None:
        key, values = self.state.message
        lang = self.state.lang
        if key is None:
            self.message.value = ""
            return
        if key == "failed":
            parts = [tr(f"part_{p}", lang) if f"part_{p}" in TEXTS else p
                     for p in values.get("parts", ())]
            values = {"part": ", ".join(parts)}
        self.message.value = esc(tr(key, lang, **values))

    def _say_hint(self) -> None:
        state = self.state
        self.hint.value = (esc(tr("example_hint", state.lang, client_id=state.client_id))
                           if state.example and state.client_id is not None else "")

    # ------------------------------------------------------------------ the API
    def show_client(self, client_id) -> bool:
        """Show ``client_id`` in every panel; False (and a friendly message) if the id is
        unknown or a panel failed."""
        cid = find_client(self.scorer, client_id)
        if cid is None:
            self.state.say("unknown_id", client_id=shorten(str(client_id).strip()))
            return False
        self.state.show(cid)
        return not self.state.failed

    def set_lang(self, lang: str) -> None:
        """Switch every label, title and sentence to ``lang`` ("fr" or "en")."""
        if lang not in LANGS:
            raise ValueError(f"lang must be 'fr' or 'en', got {lang!r}")
        self.state.lang = lang

    def _lang_clicked(self, change) -> None:
        self.state.lang = change["new"]

    def set_filters(self, filters: dict) -> None:
        """Filter the table of clients (``scorer.group`` vocabulary: ``{"gender": "F",
        "age": (30, 40), "decision": "refused", ...}``); ``{}`` clears. A filter the
        dashboard does not offer raises ``ValueError``."""
        self.search.set_filters(filters)


class UnavailableApp:
    """What :func:`build_app` returns when the bundle cannot be opened: a page that says so
    in plain words."""

    def __init__(self, bundle, lang: str = "fr", reason: str | None = None):
        self.scorer = None
        self.reason = reason
        text = (f"Le dossier de scores « {bundle} » n'a pas pu être ouvert. Vérifiez le chemin "
                f"ou reconstruisez-le (make demo)." if lang == "fr" else
                f"The scoring bundle “{bundle}” could not be opened. Check the path or "
                f"rebuild it (make demo).")
        detail = tag("p", reason, css="sc-note") if reason else ""
        message = W.HTML(tag("p", text) + detail)
        message.add_class("sc-message")
        self.widget = W.VBox([W.HTML(CSS), message])
        self.widget.add_class("sc-app")

    def show_client(self, client_id) -> bool:
        return False

    def set_lang(self, lang: str) -> None:
        pass

    def set_filters(self, filters: dict) -> None:
        pass


def build_app(bundle, lang: str = "fr", client=None):
    """The dashboard on ``bundle`` (a bundle folder or a built :class:`Scorer`), in ``lang``,
    showing ``client`` (default: the bundle's first client) as an example.

    ``lang`` comes from the server's environment (``SCORING_LANG``): a language the
    dashboard does not speak gives the page in French, with one line that says so (and a
    warning in the log), never an error."""
    asked = lang
    lang, known = resolve_lang(asked)
    unknown_lang = None if known else str(asked).strip()
    if unknown_lang is not None:
        log.warning("dashboard: language %r is not supported (fr, en): the page is in %s",
                    asked, lang)
    if isinstance(bundle, Scorer):
        scorer = bundle
    else:
        try:
            scorer = Scorer.from_bundle(Path(bundle))
        except Exception as exc:  # noqa: BLE001 - the page says it in words, the log the rest
            log.exception("dashboard: cannot open bundle %s", bundle)
            # a BundleError says in one sentence which file is at fault and why (missing,
            # changed, another format version): shown to whoever runs the server
            from ..bundle.errors import BundleError

            return UnavailableApp(bundle, lang, str(exc) if isinstance(exc, BundleError)
                                  else None)
    return DashboardApp(scorer, lang=lang, client=client, unknown_lang=unknown_lang)
