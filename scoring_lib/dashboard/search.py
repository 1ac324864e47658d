"""Finding a client: an ID box with suggestions, or filters and a paged table of matches.

Suggestions come from the sorted array of client ids (:func:`suggest_ids`: a few binary
searches, never a list of every client); what was typed that cannot be a client's number, or
that no client's number starts with, gets a sentence instead (:func:`typed_problem`).
Filters use the vocabulary of :mod:`scoring_lib.compare.groups`: the levels offered are
:func:`~scoring_lib.compare.groups.filter_levels` (those found in the data, each accepted by
``scorer.group``) and the matches are ``scorer.group(filters)``.
"""

from __future__ import annotations

import math

import ipywidgets as W
import numpy as np

from ..compare.groups import filter_levels
from ..explain import level_text
from ..explain.units import is_missing
from .safe import Html, esc, join, tag
from .text import count_text, number, probability_text, shorten, tr

MAX_SUGGESTIONS = 20
MAX_ID_DIGITS = 18   # client ids are 64-bit integers: longer numbers are nobody's
PAGE_SIZE = 20
ALL = ""  # the value of the "all" option of every filter
#: age ranges (years, low inclusive, high exclusive) offered by the age filter
AGE_RANGES = ((18, 30), (30, 40), (40, 50), (50, 60), (60, None))
#: filter dropdown -> (group filter name, CSS class, label key)
FILTER_WIDGETS = (
    ("contract_type", "sc-filter-contract", "filter_contract"),
    ("gender", "sc-filter-gender", "filter_gender"),
    ("age", "sc-filter-age", "filter_age"),
    ("income_type", "sc-filter-income-type", "filter_income_type"),
    ("family_status", "sc-filter-family", "filter_family"),
    ("decision", "sc-filter-decision", "filter_decision"),
    ("risk_band", "sc-filter-band", "filter_band"),
)
_COLUMNS = {"contract_type": "NAME_CONTRACT_TYPE", "gender": "CODE_GENDER",
            "income_type": "NAME_INCOME_TYPE", "family_status": "NAME_FAMILY_STATUS"}
_FEMININE = {"contract_type", "income_type", "family_status"}  # "Toutes" / "Tous"


def suggest_ids(sorted_ids: np.ndarray, text: str, limit: int = MAX_SUGGESTIONS) -> list[int]:
    """At most ``limit`` ids whose decimal digits start with ``text`` (spaces ignored):
    the id equal to the prefix first, then the shorter ids, each run in increasing order.

    ``sorted_ids``: the clients' ids, sorted ascending (non-negative integers). Costs one
    binary search per possible number of extra digits.
    """
    digits = "".join(str(text).split())
    if not is_number(digits) or len(sorted_ids) == 0 or limit <= 0:
        return []
    if digits[0] == "0" and digits != "0":  # integers have no leading zero
        return []
    width = len(str(int(sorted_ids[-1])))
    if len(digits) > width:  # longer than every id: nobody's (and never int() 5,000 digits)
        return []
    prefix = int(digits)
    out: list[int] = []
    for extra in range(0, width - len(digits) + 1):
        low, high = prefix * 10 ** extra, (prefix + 1) * 10 ** extra
        if extra and prefix == 0:
            break
        a = int(np.searchsorted(sorted_ids, low, side="left"))
        b = int(np.searchsorted(sorted_ids, high, side="left"))
        take = min(b, a + limit - len(out))
        out.extend(int(x) for x in sorted_ids[a:take])
        if len(out) >= limit:
            break
    return out


def is_number(digits: str) -> bool:
    """True if ``digits`` is a non-empty run of ASCII digits ("²" or "٣" are not)."""
    return digits.isascii() and digits.isdigit()


def typed_problem(sorted_ids: np.ndarray, text) -> tuple[str, dict] | None:
    """What to say about ``text`` typed in the ID box, as ``(message key, values)``, or
    None when there is nothing to say (empty box, or some client's id starts with it):
    ``not_an_id`` for anything but digits, ``unknown_id`` for digits no id starts with."""
    typed = str(text if text is not None else "").strip()
    if not typed:
        return None
    if not is_number("".join(typed.split())):
        return "not_an_id", {"text": shorten(typed)}
    if not suggest_ids(sorted_ids, typed, limit=1):
        return "unknown_id", {"client_id": shorten(typed)}
    return None


def age_key(bounds) -> str:
    low, high = bounds
    return f"{'' if low is None else int(low)}-{'' if high is None else int(high)}"


def age_bounds(key: str):
    low, high = key.split("-")
    return (None if low == "" else float(low), None if high == "" else float(high))


def age_text(bounds, lang: str) -> str:
    low, high = bounds
    if high is None:
        return tr("age_from", lang, low=int(low))
    if low is None:
        return tr("age_under", lang, high=int(high))
    return tr("age_range", lang, low=int(low), high=int(high) - 1)


def filter_options(name: str, levels, lang: str) -> list[tuple[str, str]]:
    """(label, value) options of one filter dropdown; the first is "all" (value ``""``).
    Labels are plain text (a dropdown shows them as text, never as HTML)."""
    everyone = tr("all_f" if name in _FEMININE and lang == "fr" else "all", lang)
    options = [(everyone, ALL)]
    if name == "age":
        return options + [(age_text(b, lang), age_key(b)) for b in levels]
    for level in levels:
        if name in _COLUMNS:
            label = level_text(_COLUMNS[name], level, lang)
        else:
            label = tr(level, lang)
        options.append((label[:1].upper() + label[1:], str(level)))
    return options


def filters_from_values(values: dict) -> dict:
    """Group filters (``scorer.group`` vocabulary) from the dropdowns' values."""
    out = {}
    for name, value in values.items():
        if value in (ALL, None):
            continue
        out[name] = age_bounds(value) if name == "age" else value
    return out


class SearchPanel(W.VBox):
    """The ID box, the filters and the page of matching clients.

    ``on_show(text)`` is called with what was typed when the button is pressed or Enter is
    hit; ``on_pick(client_id)`` when a client of the table is picked; ``on_error(exc,
    part)`` when something fails.
    """

    def __init__(self, scorer, lang, on_show, on_pick, on_filters, on_error, on_typed=None):
        self.scorer = scorer
        self.lang = lang
        self._on_show, self._on_pick = on_show, on_pick
        self._on_filters, self._on_error = on_filters, on_error
        self._on_typed = on_typed
        self.ids = np.asarray(scorer.client_ids.to_numpy(), dtype=np.int64)
        if not np.all(self.ids[1:] >= self.ids[:-1]):
            self.ids = np.sort(self.ids)
        clients = scorer.clients
        self._levels = {"age": AGE_RANGES, "decision": ("granted", "refused"),
                        "risk_band": ("low", "borderline", "high")}
        for name in _COLUMNS:
            self._levels[name] = filter_levels(clients, name)
        self._custom_age: list[tuple] = []
        self.filters: dict = {}
        self.matches = np.empty(0, dtype=np.int64)
        self.page = 0
        self._updating = False

        self.title = W.HTML()
        self.search = W.Combobox(options=[], ensure_option=False, placeholder="",
                                 layout=W.Layout(width="190px", flex="1 1 auto"))
        self.search.add_class("sc-search")
        self.search.observe(self._suggest, "value")
        self.search.on_msg(self._on_message)
        self.button = W.Button(button_style="primary", icon="search",
                               layout=W.Layout(width="112px", min_width="112px"))
        self.button.add_class("sc-search-button")
        self.button.on_click(lambda _: self._show())

        self.filters_title = W.HTML()
        self.dropdowns: dict[str, W.Dropdown] = {}
        for name, css, _ in FILTER_WIDGETS:
            dd = W.Dropdown(layout=W.Layout(width="100%"),
                            style={"description_width": "132px"})
            dd.add_class(css)
            dd.observe(self._filter_changed, "value")
            self.dropdowns[name] = dd
        self.reset = W.Button(layout=W.Layout(width="auto"), icon="times")
        self.reset.add_class("sc-filter-reset")
        self.reset.on_click(lambda _: self.set_filters({}))

        self.count = W.HTML()
        self.count.add_class("sc-results-count")
        self.rows, self.picks, self.row_texts = [], [], []
        for _ in range(PAGE_SIZE):
            pick = W.Button(layout=W.Layout(width="92px", min_width="92px"))
            pick.add_class("sc-pick")
            pick.on_click(self._picked)
            text = W.HTML(layout=W.Layout(width="auto", flex="1 1 auto"))
            row = W.HBox([pick, text], layout=W.Layout(display="none", align_items="center"))
            row.add_class("sc-row")
            self.rows.append(row)
            self.picks.append(pick)
            self.row_texts.append(text)
        self.results = W.VBox(self.rows)
        self.results.add_class("sc-results")
        self.prev = W.Button(layout=W.Layout(width="auto"))
        self.prev.add_class("sc-page-prev")
        self.prev.on_click(lambda _: self.go_to(self.page - 1))
        self.next = W.Button(layout=W.Layout(width="auto"))
        self.next.add_class("sc-page-next")
        self.next.on_click(lambda _: self.go_to(self.page + 1))
        self.page_label = W.HTML()
        self.page_label.add_class("sc-page-label")

        box = W.HBox([self.search, self.button], layout=W.Layout(width="100%"))
        finder = W.VBox([self.title, box])
        finder.add_class("sc-card")
        filters = W.VBox([self.filters_title, *self.dropdowns.values(), self.reset,
                          self.count, self.results,
                          W.HBox([self.prev, self.page_label, self.next],
                                 layout=W.Layout(justify_content="space-between",
                                                 align_items="center"))])
        filters.add_class("sc-card")
        super().__init__([finder, filters])
        self.set_lang(lang)
        self.refresh_matches()

    # ------------------------------------------------------------------- language
    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self._updating = True
        try:
            self.title.value = tag("h2", tr("search_label", lang))
            example = int(self.ids[0]) if len(self.ids) else 100002
            self.search.placeholder = tr("search_placeholder", lang, example=example)
            self.button.description = tr("search_button", lang)
            self.filters_title.value = tag("h2", tr("filters_title", lang))
            for name, _, label in FILTER_WIDGETS:
                dd = self.dropdowns[name]
                value = dd.value
                levels = self._levels[name]
                if name == "age":
                    levels = [*levels, *self._custom_age]
                dd.description = tr(label, lang)
                dd.options = filter_options(name, levels, lang)
                dd.value = value if value is not None else ALL
            self.reset.description = tr("reset_filters", lang)
            self.prev.description = tr("prev", lang)
            self.next.description = tr("next", lang)
            for pick in self.picks:
                pick.tooltip = tr("pick_tooltip", lang)
        finally:
            self._updating = False
        self._render_page()

    # ------------------------------------------------------------------- ID box
    def _suggest(self, change) -> None:
        try:
            text = change["new"] or ""
            options = [str(x) for x in suggest_ids(self.ids, text)]
            if options != list(self.search.options):
                self.search.options = options
            if self._on_typed is not None:
                self._on_typed(typed_problem(self.ids, text))
        except Exception as exc:  # noqa: BLE001 - shown as a friendly message
            self._on_error(exc, "suggestions")

    def _on_message(self, _widget, content, _buffers) -> None:
        if content.get("event") == "submit":
            self._show()

    def _show(self) -> None:
        self._on_show(self.search.value)

    # ------------------------------------------------------------------- filters
    def _filter_changed(self, change) -> None:
        if self._updating:
            return
        try:
            self.filters = filters_from_values({n: d.value for n, d in self.dropdowns.items()})
            self.refresh_matches()
            self._on_filters(self.filters)
        except Exception as exc:  # noqa: BLE001
            self._on_error(exc, "filters")

    def set_filters(self, filters: dict) -> None:
        """Set the dropdowns from group filters (``scorer.group`` vocabulary; unknown
        filter names raise ``ValueError``); refreshes the table."""
        filters = dict(filters or {})
        names = {n for n, _, _ in FILTER_WIDGETS}
        unknown = [f for f in filters if f not in names]
        if unknown:
            raise ValueError(f"filters: unknown filter(s) {unknown}; the dashboard offers "
                             f"{sorted(names)}")
        self.scorer.group_mask(filters)  # validates levels and ranges (ValueError)
        self._updating = True
        try:
            for name, dd in self.dropdowns.items():
                wanted = filters.get(name)
                if wanted is None:
                    dd.value = ALL
                elif name == "age":
                    bounds = tuple(None if b is None else float(b) for b in wanted)
                    key = age_key(bounds)
                    if key not in [v for _, v in dd.options]:
                        self._custom_age.append(bounds)
                        dd.options = [*dd.options, (age_text(bounds, self.lang), key)]
                    dd.value = key
                else:
                    if isinstance(wanted, (list, tuple)):
                        raise ValueError(f"filter {name!r}: the dashboard takes one level, "
                                         f"got {wanted!r}")
                    if str(wanted) not in [v for _, v in dd.options]:  # a level nobody has
                        dd.options = [*dd.options,
                                      filter_options(name, [str(wanted)], self.lang)[1]]
                    dd.value = str(wanted)
        finally:
            self._updating = False
        self.filters = filters_from_values({n: d.value for n, d in self.dropdowns.items()})
        self.refresh_matches()
        self._on_filters(self.filters)

    def refresh_matches(self) -> None:
        """Recompute the matching clients and show the first page."""
        mask = self.scorer.group_mask(self.filters)
        self.matches = self.scorer.client_ids.to_numpy()[mask]
        self.page = 0
        self._render_page()

    # ------------------------------------------------------------------- table
    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.matches) / PAGE_SIZE))

    def page_ids(self) -> list[int]:
        start = self.page * PAGE_SIZE
        return [int(x) for x in self.matches[start:start + PAGE_SIZE]]

    def go_to(self, page: int) -> None:
        self.page = min(max(0, int(page)), self.pages - 1)
        self._render_page()

    def _render_page(self) -> None:
        lang = self.lang
        ids = self.page_ids()
        clients = self.scorer.clients
        rows = clients.loc[ids] if ids else clients.iloc[:0]
        with self.hold_sync():
            self.count.value = esc(count_text(len(self.matches), lang))
            for i, row in enumerate(self.rows):
                if i < len(ids):
                    self.picks[i].description = str(ids[i])
                    self.row_texts[i].value = _row_text(rows.iloc[i], lang)
                    row.layout.display = "flex"
                else:
                    row.layout.display = "none"
            self.page_label.value = esc(tr("page", lang, page=self.page + 1,
                                           pages=self.pages))
            self.prev.disabled = self.page == 0
            self.next.disabled = self.page >= self.pages - 1

    def _picked(self, button) -> None:
        self._on_pick(int(button.description.split()[0]))


def _row_text(row, lang: str) -> Html:
    """Two lines that describe a client of the table (its data escaped)."""
    gender = ("" if is_missing(row["CODE_GENDER"])
              else level_text("CODE_GENDER", row["CODE_GENDER"], lang))
    age = row["DAYS_BIRTH"]
    years = "" if age != age else f", {int(-age // 365.25)} {tr('years', lang)}"
    contract = ("" if is_missing(row["NAME_CONTRACT_TYPE"])
                else level_text("NAME_CONTRACT_TYPE", row["NAME_CONTRACT_TYPE"], lang))
    decision = str(row["decision"])
    colour = "#D55E00" if decision == "refused" else "#0072B2"
    credit = row["AMT_CREDIT"]
    amount = "" if credit != credit else (f"{number(credit, 0, lang)}\u202f€" if lang == "fr"
                                         else f"€{number(credit, 0, lang)}")
    who = ", ".join(x for x in (gender.capitalize(), years.lstrip(", ")) if x)
    return join([" · ".join(x for x in (who, contract, amount) if x), Html("<br>"),
                 tag("b", probability_text(row["probability"], lang)), " · ",
                 tag("span", tr(decision, lang), style=f"color:{colour}")])
