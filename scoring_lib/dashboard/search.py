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
from ..decision import DECISIONS, RISK_BANDS
from ..explain import level_text
from ..explain.units import format_amount, is_missing
from .panel import Panel, frozen
from .safe import Html, esc, join, tag
from .text import count_text, probability_text, shorten, tr
from .theme import DECISION_COLOURS

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
#: messages about what is typed in the ID box (cleared when the box is fine again)
TYPING = ("not_an_id", "unknown_id", "empty_id")
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


def parse_client_id(text) -> int | None:
    """The client id in what was typed (spaces ignored), or None if it is not a number (ASCII
    digits only) or has more digits than any id can have."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    digits = "".join(str(text if text is not None else "").split())
    return int(digits) if is_number(digits) and len(digits) <= MAX_ID_DIGITS else None


def find_client(scorer, typed) -> int | None:
    """The id of the client of ``scorer`` that ``typed`` names, or None (not a number, or
    nobody's number)."""
    cid = parse_client_id(typed)
    if cid is None or scorer.client_ids.get_indexer([cid])[0] < 0:
        return None
    return int(cid)


def typed_message(text) -> tuple[str, dict] | None:
    """What to say when ``text`` is submitted and it cannot be anybody's id (None: it
    may be one: look it up)."""
    typed = str(text if text is not None else "").strip()
    if not typed:
        return "empty_id", {}
    if not is_number("".join(typed.split())):
        return "not_an_id", {"text": shorten(typed)}
    if parse_client_id(typed) is None:  # more digits than any id
        return "unknown_id", {"client_id": shorten(typed)}
    return None


def normalise_filters(scorer, filters) -> dict:
    """The filters as the dropdowns hold them (one level as text; an age range as a pair of
    floats or None), after checking them: an unknown filter name, a list of levels or a
    level or range ``scorer.group`` refuses raise ``ValueError``."""
    filters = dict(filters or {})
    names = {n for n, _, _ in FILTER_WIDGETS}
    unknown = [f for f in filters if f not in names]
    if unknown:
        raise ValueError(f"filters: unknown filter(s) {unknown}; the dashboard offers "
                         f"{sorted(names)}")
    scorer.group_mask(filters)  # validates levels and ranges (ValueError)
    out = {}
    for name, wanted in filters.items():
        if wanted is None or (isinstance(wanted, str) and wanted == ALL):
            continue
        if name == "age":
            out[name] = tuple(None if b is None else float(b) for b in wanted)
        elif isinstance(wanted, (list, tuple)):
            raise ValueError(f"filter {name!r}: the dashboard takes one level, got {wanted!r}")
        else:
            out[name] = str(wanted)
    return out


class SearchPanel(Panel):
    """The ID box, the filters and the page of matching clients.

    What the advisor does here is written to the state: a client typed (button or Enter)
    or picked in the table (``state.show``), the filters (``state.filters``), the page of
    the table (``state.page``), what is wrong with what is typed (``state.message``). The
    panel draws the state's filters, matches and page.
    """

    name = "search"
    watches = ("filters", "page", "lang")
    area = "sidebar"

    def __init__(self, state, scorer):
        super().__init__(state, scorer)
        self.lang = state.lang
        self.ids = np.asarray(scorer.client_ids.to_numpy(), dtype=np.int64)
        if not np.all(self.ids[1:] >= self.ids[:-1]):
            self.ids = np.sort(self.ids)
        clients = scorer.clients
        self._levels = {"age": AGE_RANGES, "decision": DECISIONS, "risk_band": RISK_BANDS}
        for name in _COLUMNS:
            self._levels[name] = filter_levels(clients, name)
        self._extra: dict[str, list] = {name: [] for name, _, _ in FILTER_WIDGETS}
        self.matches = np.empty(0, dtype=np.int64)
        self._matches_for = None
        self.page = 0
        self._updating = False

        self.title = W.HTML()
        # the box takes what the button leaves (min_width 0: it may shrink below its
        # default 300 px, so that the button is never pushed out of the card)
        self.search = W.Combobox(options=[], ensure_option=False, placeholder="",
                                 layout=W.Layout(width="auto", flex="1 1 auto",
                                                 min_width="0"))
        self.search.add_class("sc-search")
        self.search.observe(self._suggest, "value")
        self.search.on_msg(self._on_message)
        self.button = W.Button(button_style="primary", icon="search",
                               layout=W.Layout(width="auto", min_width="112px",
                                               flex="0 0 auto"))
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
        self.children = [finder, filters]
        self.set_texts(self.lang)

    @property
    def filters(self) -> dict:
        return dict(self.state.filters)

    # ------------------------------------------------------------------- language
    def set_texts(self, lang: str) -> None:
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
                dd.description = tr(label, lang)
                dd.options = self._options(name, lang)
                dd.value = value if value is not None else ALL
            self.reset.description = tr("reset_filters", lang)
            self.prev.description = tr("prev", lang)
            self.next.description = tr("next", lang)
            for pick in self.picks:
                pick.tooltip = tr("pick_tooltip", lang)
        finally:
            self._updating = False

    def _options(self, name: str, lang: str) -> list[tuple[str, str]]:
        """The dropdown's options: the levels offered, then those the state asked for
        that are not offered (an age range of its own, a level nobody has)."""
        return filter_options(name, [*self._levels[name], *self._extra[name]], lang)

    # ------------------------------------------------------------------- the state
    def refresh(self, state) -> None:
        self.lang = state.lang
        key = frozen(state.filters)
        if key != self._matches_for:
            self._show_filters(state.filters)
            # kept by the Scorer's comparison cache: the group reference shares it
            positions = self.scorer.comparisons.group_positions(state.filters)
            self.matches = self.scorer.client_ids.to_numpy()[positions]
            self._matches_for = key
        self.page = min(max(0, int(state.page)), self.pages - 1)
        self._render_page()

    def _show_filters(self, filters: dict) -> None:
        """The dropdowns say ``filters`` (options added for what they do not offer)."""
        self._updating = True
        try:
            for name, dd in self.dropdowns.items():
                wanted = filters.get(name)
                if wanted is None:
                    value = ALL
                else:
                    value = age_key(wanted) if name == "age" else str(wanted)
                    if value not in [v for _, v in dd.options]:
                        self._extra[name].append(tuple(wanted) if name == "age" else value)
                        dd.options = self._options(name, self.lang)
                dd.value = value
        finally:
            self._updating = False

    # ------------------------------------------------------------------- ID box
    def _suggest(self, change) -> None:
        def suggest():
            text = change["new"] or ""
            options = [str(x) for x in suggest_ids(self.ids, text)]
            if options != list(self.search.options):
                self.search.options = options
            problem = typed_problem(self.ids, text)
            if problem is not None:
                self.state.say(problem[0], **problem[1])
            elif self.state.message[0] in TYPING:
                self.state.say(None)
        self.guarded(suggest)

    def _on_message(self, _widget, content, _buffers) -> None:
        if content.get("event") == "submit":
            self._show()

    def _show(self) -> None:
        self.guarded(self.submit, self.search.value)

    def submit(self, text) -> bool:
        """Show the client whose id is ``text`` (as typed), or say why not."""
        problem = typed_message(text)
        cid = None if problem is not None else find_client(self.scorer, text)
        if cid is None:
            key, values = problem or ("unknown_id", {"client_id": shorten(str(text).strip())})
            self.state.say(key, **values)
            return False
        self.state.show(cid)
        return True

    # ------------------------------------------------------------------- filters
    def _filter_changed(self, _change) -> None:
        if self._updating:
            return
        values = {n: d.value for n, d in self.dropdowns.items()}
        self.guarded(self.set_filters, filters_from_values(values))

    def set_filters(self, filters: dict) -> None:
        """Filter the table (``scorer.group`` vocabulary; ``ValueError`` for a filter the
        dashboard does not offer)."""
        self.state.filters = normalise_filters(self.scorer, filters)

    # ------------------------------------------------------------------- table
    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.matches) / PAGE_SIZE))

    def page_ids(self) -> list[int]:
        start = self.page * PAGE_SIZE
        return [int(x) for x in self.matches[start:start + PAGE_SIZE]]

    def go_to(self, page: int) -> None:
        """Show the page ``page`` (0 first) of the table (clamped to the pages there are)."""
        self.state.page = min(max(0, int(page)), self.pages - 1)

    def _render_page(self) -> None:
        lang = self.lang
        ids = self.page_ids()
        clients = self.scorer.clients
        rows = clients.loc[ids] if ids else clients.iloc[:0]
        self.count.value = esc(count_text(len(self.matches), lang))
        for i, row in enumerate(self.rows):
            if i < len(ids):
                self.picks[i].description = str(ids[i])
                self.row_texts[i].value = _row_text(rows.iloc[i], lang)
                row.layout.display = "flex"
            else:
                row.layout.display = "none"
        self.page_label.value = esc(tr("page", lang, page=self.page + 1, pages=self.pages))
        self.prev.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    def _picked(self, button) -> None:
        self.guarded(self.state.show, int(button.description.split()[0]))


def _row_text(row, lang: str) -> Html:
    """Two lines that describe a client of the table (its data escaped)."""
    gender = ("" if is_missing(row["CODE_GENDER"])
              else level_text("CODE_GENDER", row["CODE_GENDER"], lang))
    age = row["DAYS_BIRTH"]
    years = "" if age != age else f", {int(-age // 365.25)} {tr('years', lang)}"
    contract = ("" if is_missing(row["NAME_CONTRACT_TYPE"])
                else level_text("NAME_CONTRACT_TYPE", row["NAME_CONTRACT_TYPE"], lang))
    decision = str(row["decision"])
    colour = DECISION_COLOURS[decision]
    credit = row["AMT_CREDIT"]
    amount = "" if credit != credit else format_amount(credit, lang)
    who = ", ".join(x for x in (gender.capitalize(), years.lstrip(", ")) if x)
    return join([" · ".join(x for x in (who, contract, amount) if x), Html("<br>"),
                 tag("b", probability_text(row["probability"], lang)), " · ",
                 tag("span", tr(decision, lang), style=f"color:{colour}")])
