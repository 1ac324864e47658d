"""The dashboard: one shared state (client, language, filters) driving the panels.

    app = build_app("artifacts/demo")          # or build_app(scorer, lang="en")
    app.widget                                  # the root ipywidget (display it)
    app.show_client(100002); app.set_lang("en"); app.set_filters({"gender": "F"})

Every figure and widget is built once; switching client only assigns mark data and widget
values. Nothing raises into the page: an unknown ID or a failed computation is written as a
friendly sentence in the message area (``sc-message``) and the traceback goes to the
``scoring_lib.dashboard`` logger. A language the dashboard does not speak (``SCORING_LANG=de``)
opens the page in French with one line that says so (``sc-notice``). Every HTML value is
built by :mod:`.safe` (data escaped).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import ipywidgets as W

from ..scoring import Scorer, UnknownClientError
from .comparison import ComparisonPanel
from .explanation import ExplanationPanel, group_details
from .info import InfoPanel
from .score import ScorePanel
from .safe import esc, tag
from .search import MAX_ID_DIGITS, SearchPanel, is_number
from .text import LANGS, resolve_lang, shorten, tr
from .theme import CSS

log = logging.getLogger("scoring_lib.dashboard")
PANELS = ("score", "explanation", "info", "comparison")
_PART_NAMES = {"score": ("score", "score"), "explanation": ("explication", "explanation"),
               "info": ("informations", "information"),
               "comparison": ("comparaison", "comparison"),
               "suggestions": ("suggestions", "suggestions"), "filters": ("filtres", "filters"),
               "language": ("langue", "language")}
#: messages about what is being typed in the ID box (cleared when the box is fine again)
_TYPING = ("not_an_id", "unknown_id", "empty_id")


def parse_client_id(text) -> int | None:
    """The client id in what was typed (spaces ignored), or None if it is not a number (ASCII
    digits only) or has more digits than any id can have."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    digits = "".join(str(text if text is not None else "").split())
    return int(digits) if is_number(digits) and len(digits) <= MAX_ID_DIGITS else None


class DashboardApp:
    """The advisor dashboard on one :class:`~scoring_lib.scoring.Scorer`."""

    def __init__(self, scorer: Scorer, lang: str = "fr", client=None,
                 unknown_lang: str | None = None):
        if lang not in LANGS:
            raise ValueError(f"lang must be 'fr' or 'en', got {lang!r}")
        self.scorer = scorer
        self.lang = lang
        self.unknown_lang = unknown_lang  # asked for, not spoken: said in sc-notice
        self.client_id: int | None = None
        self.explanation = None
        self.timings: dict[str, float] = {}   # seconds per panel of the last switch
        self._example = True
        self._message: tuple = (None, {})

        self.css = W.HTML(CSS)
        self.heading = W.HTML()
        self.heading.add_class("sc-title")
        self.lang_toggle = W.ToggleButtons(options=[("FR", "fr"), ("EN", "en")], value=lang,
                                           style={"button_width": "48px"})
        self.lang_toggle.add_class("sc-lang")
        self.lang_toggle.observe(self._lang_changed, "value")
        header = W.HBox([self.heading, self.lang_toggle])
        header.add_class("sc-header")
        self.message = W.HTML("")
        self.message.add_class("sc-message")
        self.notice = W.HTML("")
        self.notice.add_class("sc-notice")
        self.hint = W.HTML("")
        self.hint.add_class("sc-hint")

        self.search = SearchPanel(scorer, lang, on_show=self._show_typed,
                                  on_pick=self._picked, on_filters=self._filters_changed,
                                  on_error=self._error, on_typed=self._typed)
        self.score = ScorePanel(lang)
        self.explain = ExplanationPanel(scorer, lang)
        self.info = InfoPanel(scorer, lang)
        self.comparison = ComparisonPanel(scorer, lang, lambda: self.search.filters,
                                          on_error=self._error)
        sidebar = W.VBox([self.search], layout=W.Layout(width="360px", min_width="320px"))
        main = W.VBox([self.notice, self.hint, self.message, self.score, self.explain,
                       self.info, self.comparison], layout=W.Layout(flex="1 1 auto", width="100%"))
        self.widget = W.VBox([self.css, header,
                              W.HBox([sidebar, main], layout=W.Layout(width="100%",
                                                                      align_items="flex-start"))])
        self.widget.add_class("sc-app")
        self._apply_lang_texts()
        first = client if client is not None else int(scorer.client_ids[0])
        self.show_client(first)
        self._example = True
        self._set_hint()

    # ------------------------------------------------------------------ errors
    def _error(self, exc: BaseException, part: str) -> None:
        log.error("dashboard: %s failed", part, exc_info=(type(exc), exc, exc.__traceback__))
        self._say("failed", part=part)

    def _say(self, key: str | None, **values) -> None:
        """Show the message ``key`` (None: no message), and keep it to say it again in
        another language."""
        self._message = (key, values)
        if key is None:
            self.message.value = ""
            return
        if key == "failed":
            part = values["part"]
            values = {"part": _PART_NAMES.get(part, (part, part))[0 if self.lang == "fr"
                                                                  else 1]}
        self.message.value = esc(tr(key, self.lang, **values))

    # ------------------------------------------------------------------ client
    def _typed(self, problem) -> None:
        """What is typed in the ID box changed: say what is wrong with it, or clear what
        was said about it."""
        if problem is not None:
            key, values = problem
            self._say(key, **values)
        elif self._message[0] in _TYPING:
            self._say(None)

    def _show_typed(self, text) -> None:
        typed = str(text if text is not None else "").strip()
        if not typed:
            self._say("empty_id")
            return
        if not is_number("".join(typed.split())):
            self._say("not_an_id", text=shorten(typed))
            return
        if parse_client_id(typed) is None:  # more digits than any id
            self._say("unknown_id", client_id=shorten(typed))
            return
        self.show_client(parse_client_id(typed))

    def _picked(self, client_id: int) -> None:
        self.show_client(client_id)

    def show_client(self, client_id) -> bool:
        """Show ``client_id`` in every panel; False (and a friendly message) if the id is
        unknown or a panel failed."""
        started = time.perf_counter()
        typed = client_id
        cid = parse_client_id(client_id)
        try:
            if cid is None:
                raise UnknownClientError(client_id)
            score = self.scorer.score(cid)
        except UnknownClientError:
            self._say("unknown_id", client_id=shorten(str(typed).strip()))
            return False
        except Exception as exc:  # noqa: BLE001
            self._error(exc, "score")
            return False
        self.client_id = int(score.client_id)
        self._example = False
        failed = []
        timings = {"score": 0.0}
        self.timings = {}
        t = time.perf_counter()
        try:
            self.score.update(score)
        except Exception as exc:  # noqa: BLE001
            failed.append(("score", exc))
        timings["score"] = time.perf_counter() - t
        for part, fn in (("explanation", self._update_explanation),
                         ("info", lambda: self.info.update(self.client_id)),
                         ("comparison", lambda: self.comparison.update(self.client_id))):
            t = time.perf_counter()
            try:
                fn()
            except Exception as exc:  # noqa: BLE001
                failed.append((part, exc))
            timings[part] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - started
        self.timings.update(timings)
        if failed:
            for part, exc in failed:
                self._error(exc, part)
            return False
        self._say(None)
        self._set_hint()
        return True

    def _update_explanation(self) -> None:
        t = time.perf_counter()
        self.explanation = self.scorer.explain(self.client_id, lang=self.lang)
        self.timings["scorer_explain"] = time.perf_counter() - t
        details = group_details(self.scorer, self.client_id, self.explanation.grouped,
                                self.lang)
        self.explain.update(self.explanation, details)

    def _set_hint(self) -> None:
        self.hint.value = (esc(tr("example_hint", self.lang, client_id=self.client_id))
                           if self._example and self.client_id is not None else "")

    # ------------------------------------------------------------------ language
    def set_lang(self, lang: str) -> None:
        """Switch every label, title and sentence to ``lang`` ("fr" or "en")."""
        if lang not in LANGS:
            raise ValueError(f"lang must be 'fr' or 'en', got {lang!r}")
        if self.lang_toggle.value != lang:
            self.lang_toggle.value = lang  # the observer applies it
        elif self.lang != lang:
            self._apply_lang(lang)

    def _lang_changed(self, change) -> None:
        try:
            self._apply_lang(change["new"])
        except Exception as exc:  # noqa: BLE001
            self._error(exc, "language")

    def _apply_lang_texts(self) -> None:
        self.heading.value = tag("h1", tr("title", self.lang)) + tag("p", tr("subtitle",
                                                                            self.lang))
        self.notice.value = ("" if self.unknown_lang is None else esc(
            tr("unknown_lang", self.lang, asked=shorten(self.unknown_lang, 20))))

    def _apply_lang(self, lang: str) -> None:
        self.lang = lang
        example = self._example
        message = self._message
        self._apply_lang_texts()
        self.search.set_lang(lang)
        self.score.set_lang(lang)
        self.explain.set_lang(lang)
        self.info.set_lang(lang)
        self.comparison.set_lang(lang, refresh=False)
        if self.client_id is not None and self.show_client(self.client_id) \
                and message[0] not in (None, "failed"):
            self._say(message[0], **message[1])  # what was said, in the new language
        self._example = example
        self._set_hint()

    # ------------------------------------------------------------------ filters
    def set_filters(self, filters: dict) -> None:
        """Filter the table of clients (``scorer.group`` vocabulary: ``{"gender": "F",
        "age": (30, 40), "decision": "refused", ...}``); ``{}`` clears."""
        self.search.set_filters(filters)

    def _filters_changed(self, _filters) -> None:
        try:
            self.comparison.filters_changed()
        except Exception as exc:  # noqa: BLE001
            self._error(exc, "comparison")


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
            from ..model.errors import BundleError

            return UnavailableApp(bundle, lang, str(exc) if isinstance(exc, BundleError)
                                  else None)
    return DashboardApp(scorer, lang=lang, client=client, unknown_lang=unknown_lang)
