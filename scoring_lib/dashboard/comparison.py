"""Comparison panel: the client against a reference (all clients, the k most similar ones,
or the filtered group), on one variable (histogram repaid vs defaulted, the client's
position and percentile) and on two (a scatter of a sample of the reference, coloured by
risk band, with the client highlighted).

The histogram shows ``Scorer.compare``'s bins as shares: each outcome's counts divided by
that outcome's total (in percent), so that the two shapes compare although defaults are
rare. Values are shown in human units (years, not negative days; percent for the
probability).
"""

from __future__ import annotations

import bqplot as bq
import ipywidgets as W
import numpy as np
import pandas as pd

from ..compare import SortedReference, compare
from ..data.schema import DAYS_SENTINEL, SENTINEL_COLUMNS
from ..explain.units import format_value
from .safe import Html, esc, join, tag
from .text import number, probability_text, tr
from .theme import BAND_COLOURS, BLUE, INK, ORANGE

K_SIMILAR = 100
CACHED_HISTOGRAMS = 16
MAX_POINTS = 2_000
BANDS = ("low", "borderline", "high")
#: variables offered (descriptive columns of every client, kept in memory by the Scorer)
VARIABLES = ("DAYS_BIRTH", "AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "DAYS_EMPLOYED",
             "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "CNT_FAM_MEMBERS", "probability")
REFERENCES = ("all", "similar", "group")
_UNIT_WORDS = {"duration_days": ("ans", "years"), "amount": ("€", "€"),
               "probability": ("%", "%")}


def unit_kind(scorer, variable: str) -> str:
    if variable == "probability":
        return "probability"
    return scorer.dictionary.loc[variable, "unit"].kind


def to_human(scorer, variable: str, values):
    """Raw values → the numbers an advisor reads (years for durations in days, percent for
    the probability); the 365243 "no job" sentinel becomes missing."""
    x = np.asarray(values, dtype=np.float64)
    kind = unit_kind(scorer, variable)
    if kind == "probability":
        return 100.0 * x
    if kind == "duration_days":
        x = np.where(x == DAYS_SENTINEL, np.nan, x)
        return -x / 365.25
    return x


def variable_label(scorer, variable: str, lang: str, with_unit: bool = True) -> str:
    if variable == "probability":
        label = tr("probability_var", lang)
    else:
        label = scorer.dictionary.loc[variable, "label_fr" if lang == "fr" else "label_en"]
    words = _UNIT_WORDS.get(unit_kind(scorer, variable))
    if with_unit and words:
        label += f" ({words[0 if lang == 'fr' else 1]})"
    return label


def value_text(scorer, variable: str, value, lang: str) -> str:
    if variable == "probability":
        return probability_text(float(value), lang)
    return format_value(value, scorer.dictionary.loc[variable, "unit"], lang)


def nice_ticks(values, n: int = 6) -> list[float]:
    """About ``n`` round tick values (1, 2, 2.5 or 5 times a power of ten) covering the
    finite ``values``."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return []
    lo, hi = float(x.min()), float(x.max())
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(n - 1, 1)
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = np.ceil(lo / step) * step
    ticks = np.arange(first, hi + step * 1e-9, step)
    return [float(round(t, 10)) for t in ticks]


def tick_format(scorer, variable: str) -> str:
    """d3 format of the axis ticks of ``variable`` (human units)."""
    kind = unit_kind(scorer, variable)
    if kind in ("score", "index", "ratio", "share"):
        return ".2f"
    if kind == "amount":
        return ",.0f"
    return ",.4~f"


def legend(items) -> Html:
    """A one-line HTML legend: (colour, words[, shape]) per item; shapes "box", "line",
    "dot", "diamond" (the words are plain text, escaped)."""
    marks = {"box": "■", "line": "┆", "dot": "●", "diamond": "◆"}
    parts = []
    for colour, words, *shape in items:
        glyph = marks[shape[0] if shape else "box"]
        parts.append(tag("span", tag("span", glyph, style=f"color:{colour};font-size:16px"),
                         " ", words, style="white-space:nowrap;margin-right:14px"))
    return tag("div", join(parts), css="sc-legend")


def reference_values(scorer, variable: str) -> np.ndarray:
    """Every client's raw value of a descriptive ``variable``, as ``Scorer.compare`` reads
    it (the 365243 "not applicable" sentinel of the day columns is missing)."""
    values = scorer.clients[variable].to_numpy(dtype=np.float64, na_value=np.nan)
    if variable in SENTINEL_COLUMNS["application_train"]:
        values = np.where(values == DAYS_SENTINEL, np.nan, values)
    return values


def histogram_data(scorer, comparison, variable: str, client=None) -> dict:
    """Bars of the histogram from a ``Scorer.compare`` result: bin centres in human units
    (ascending), the shares of repaid and defaulted clients per bin (percent of each
    outcome), the client's value and percentile in the person's direction.

    ``client``: ``(value, RankShares)`` of another client against the same reference, to
    reuse the bars of a reference that does not depend on the client (all clients, a
    group); by default the client of ``comparison``."""
    h = comparison.histogram(variable)
    centres = to_human(scorer, variable, (h["left"].to_numpy(dtype=float)
                                          + h["right"].to_numpy(dtype=float)) / 2)
    order = np.argsort(centres, kind="stable")
    repaid = h["repaid"].to_numpy(dtype=float)[order]
    defaulted = h["defaulted"].to_numpy(dtype=float)[order]
    if np.nansum(repaid) + np.nansum(defaulted) == 0:  # no known outcome: all clients
        repaid = h["count"].to_numpy(dtype=float)[order]
        defaulted = np.zeros_like(repaid)

    def share(x):
        total = np.nansum(x)
        return np.nan_to_num(100.0 * x / total) if total > 0 else np.zeros_like(x)

    row = comparison.summary.loc[variable]
    if client is None:
        value, below, above = row["value"], row["below"], row["above"]
        pct = row["percentile"]
    else:
        value, shares = client
        below, above, pct = shares.below, shares.above, shares.percentile
    if unit_kind(scorer, variable) == "duration_days":  # a larger raw value is younger
        pct, below = 100.0 - pct, above
    human = float(to_human(scorer, variable, [value])[0]) if value is not None else np.nan
    return {"x": centres[order], "repaid": share(repaid), "defaulted": share(defaulted),
            "value": value, "human_value": human, "percentile": pct, "below": below,
            "n": int(row["n"])}


class ComparisonPanel(W.VBox):
    """Reference toggle, variable choices, histogram and scatter."""

    def __init__(self, scorer, lang: str, get_filters, on_error=None):
        self.scorer = scorer
        self._on_error = on_error
        self.lang = lang
        self._get_filters = get_filters
        self.client_id = None
        self.hist: dict = {}
        self._sample_key = None
        self._histograms: dict = {}  # (variable, reference) -> (Comparison, SortedReference)
        self._values: dict[str, np.ndarray] = {}
        self._similar: tuple = (None, np.empty(0, dtype=np.int64))
        self._ticks = (np.empty(0), np.empty(0))
        self._shown_points = 0
        self._columns: dict[str, np.ndarray] = {}
        self._bands = scorer.clients["risk_band"].to_numpy(dtype=object)
        rng = np.random.default_rng(0)
        n = len(scorer.client_ids)
        self._all_sample = np.sort(rng.choice(n, size=min(n, MAX_POINTS), replace=False))
        self.sample_positions = self._all_sample

        self.title = W.HTML()
        self.reference_label = W.HTML()
        self.reference = W.ToggleButtons(options=[("", r) for r in REFERENCES], value="all",
                                         style={"button_width": "auto"})
        self.reference.add_class("sc-reference")
        self.reference.observe(self._changed, "value")
        self.variable = W.Dropdown(layout=W.Layout(width="320px"),
                                   style={"description_width": "initial"})
        self.variable.add_class("sc-compare-variable")
        self.variable.observe(self._changed, "value")
        self.scatter_x = W.Dropdown(layout=W.Layout(width="300px"),
                                    style={"description_width": "initial"})
        self.scatter_x.add_class("sc-scatter-x")
        self.scatter_y = W.Dropdown(layout=W.Layout(width="300px"),
                                    style={"description_width": "initial"})
        self.scatter_y.add_class("sc-scatter-y")
        for dd in (self.scatter_x, self.scatter_y):
            dd.observe(self._scatter_changed, "value")
        self._quiet = False

        # histogram
        self.hx = bq.LinearScale()
        self.hy = bq.LinearScale(min=0.0)
        self.bar_tooltip = bq.Tooltip(fields=["x", "y"], formats=[",.4~f", ".1f"])
        self.bars = bq.Bars(x=[0.0, 1.0], y=[[0.0, 0.0], [0.0, 0.0]], type="grouped",
                            scales={"x": self.hx, "y": self.hy}, colors=[BLUE, ORANGE],
                            padding=0.1, opacities=[0.85, 0.85], tooltip=self.bar_tooltip)
        self.client_line = bq.Lines(x=[0.0, 0.0], y=[0.0, 1.0],
                                    scales={"x": self.hx, "y": self.hy}, colors=[INK],
                                    stroke_width=3, line_style="dashed")
        self.hist_x_axis = bq.Axis(scale=self.hx, num_ticks=6, tick_format=",.4~f")
        self.hist_y_axis = bq.Axis(scale=self.hy, side="left", tick_format=".0f",
                                   num_ticks=5)
        self.histogram = bq.Figure(marks=[self.bars, self.client_line],
                                   axes=[self.hist_x_axis, self.hist_y_axis],
                                   fig_margin={"top": 20, "bottom": 44, "left": 56,
                                               "right": 16},
                                   layout=W.Layout(width="100%", height="300px"))
        self.histogram.add_class("sc-compare-hist")
        self.position = W.HTML()
        self.position.add_class("sc-compare-position")
        self.hist_note = W.HTML()
        self.hist_note.add_class("sc-note")

        # scatter
        self.sx = bq.LinearScale()
        self.sy = bq.LinearScale()
        s = {"x": self.sx, "y": self.sy}
        self.point_tooltip = bq.Tooltip(fields=["x", "y"], formats=[",.4~f", ",.4~f"])
        self.points = {band: bq.Scatter(x=[], y=[], scales=s, colors=[BAND_COLOURS[band]],
                                        default_size=14, opacities=[0.55],
                                        stroke=None, tooltip=self.point_tooltip)
                       for band in BANDS}
        self.client_point = bq.Scatter(x=[], y=[], scales=s, colors=["black"], marker="diamond",
                                       default_size=200, stroke="white")
        self.scatter_x_axis = bq.Axis(scale=self.sx, num_ticks=6, tick_format=",.4~f")
        self.scatter_y_axis = bq.Axis(scale=self.sy, side="left", num_ticks=5,
                                      tick_format=",.4~f", label_offset="52px")
        self.scatter = bq.Figure(marks=[*self.points.values(), self.client_point],
                                 axes=[self.scatter_x_axis, self.scatter_y_axis],
                                 fig_margin={"top": 20, "bottom": 44, "left": 78,
                                             "right": 16},
                                 layout=W.Layout(width="100%", height="360px"))
        self.scatter.add_class("sc-scatter")
        self.scatter_note = W.HTML()
        self.scatter_note.add_class("sc-note")

        self.hist_legend = W.HTML()
        self.scatter_legend = W.HTML()
        left = W.VBox([self.variable, self.hist_legend, self.histogram, self.position,
                       self.hist_note],
                      layout=W.Layout(width="50%"))
        right = W.VBox([W.HBox([self.scatter_x, self.scatter_y],
                               layout=W.Layout(flex_flow="row wrap")),
                        self.scatter_legend, self.scatter, self.scatter_note],
                       layout=W.Layout(width="50%"))
        super().__init__([self.title, W.HBox([self.reference_label, self.reference],
                                             layout=W.Layout(align_items="center")),
                          W.HBox([left, right], layout=W.Layout(width="100%"))])
        self.add_class("sc-card")
        self.set_lang(lang, refresh=False)
        self._quiet = True
        self.variable.value = "DAYS_BIRTH"
        self.scatter_x.value = "DAYS_BIRTH" if "DAYS_BIRTH" in self._offered() else None
        self.scatter_y.value = "probability"
        self._quiet = False

    def _offered(self) -> list[str]:
        return [v for v in VARIABLES
                if v == "probability" or (v in self.scorer.clients.columns
                                          and v in self.scorer.dictionary.index)]

    # ------------------------------------------------------------------ language
    def set_lang(self, lang: str, refresh: bool = True) -> None:
        self.lang = lang
        self._quiet = True
        try:
            self.title.value = tag("h2", tr("compare_title", lang))
            self.reference_label.value = esc(tr("reference_label", lang))
            value = self.reference.value
            self.reference.options = [(tr("reference_all", lang), "all"),
                                      (tr("reference_similar", lang, k=K_SIMILAR), "similar"),
                                      (tr("reference_group", lang), "group")]
            self.reference.value = value
            options = [(variable_label(self.scorer, v, lang, False), v)
                       for v in self._offered()]
            for dd, label in ((self.variable, "variable_label"), (self.scatter_x, "scatter_x"),
                              (self.scatter_y, "scatter_y")):
                value = dd.value
                dd.options = options
                dd.description = tr(label, lang)
                dd.value = value
            self.bars.labels = [tr("repaid", lang), tr("defaulted", lang)]
            self.hist_legend.value = legend([(BLUE, tr("repaid", lang)),
                                             (ORANGE, tr("defaulted", lang)),
                                             (INK, tr("gauge_client", lang), "line")])
            self.scatter_legend.value = legend(
                [*((BAND_COLOURS[b], tr(b, lang), "dot") for b in BANDS),
                 ("black", tr("gauge_client", lang), "diamond")])
            self.hist_y_axis.label = tr("hist_axis_y", lang)
        finally:
            self._quiet = False
        if refresh and self.client_id is not None:
            self.update(self.client_id)

    # ------------------------------------------------------------------ data
    def reference_spec(self):
        """What ``Scorer.compare`` takes for the chosen reference."""
        ref = self.reference.value
        if ref == "similar":
            return "similar"
        if ref == "group":
            filters = self._get_filters() or {}
            return dict(filters) if filters else None
        return None

    def reference_name(self) -> str:
        ref, lang = self.reference.value, self.lang
        if ref == "similar":
            return tr("reference_similar", lang, k=K_SIMILAR).lower()
        if ref == "group":
            text = tr("reference_group", lang).lower()
            return text + (tr("no_filter_group", lang) if not self._get_filters() else "")
        return tr("reference_all", lang).lower()

    def _column(self, variable: str) -> np.ndarray:
        if variable not in self._columns:
            values = self.scorer.clients[variable].to_numpy(dtype=np.float64,
                                                            na_value=np.nan)
            self._columns[variable] = to_human(self.scorer, variable, values)
        return self._columns[variable]

    def similar_positions(self) -> np.ndarray:
        """Positions of the current client's :data:`K_SIMILAR` most similar clients (one
        ``Scorer.similar_clients`` query per client, shared by both charts)."""
        if self._similar[0] != self.client_id:
            near = self.scorer.similar_clients(self.client_id, K_SIMILAR).neighbours
            rows = np.sort(self.scorer.client_ids.get_indexer(near["SK_ID_CURR"].to_numpy()))
            self._similar = (self.client_id, rows)
        return self._similar[1]

    def _reference_positions(self) -> np.ndarray:
        ref = self.reference.value
        if ref == "similar":
            return self.similar_positions()
        if ref == "group" and self._get_filters():
            positions = np.flatnonzero(self.scorer.group_mask(self._get_filters()))
            if len(positions) > MAX_POINTS:
                rng = np.random.default_rng(0)
                positions = np.sort(rng.choice(positions, size=MAX_POINTS, replace=False))
            return positions
        return self._all_sample

    # ------------------------------------------------------------------ updates
    def update(self, client_id) -> None:
        """Refresh both charts for ``client_id``."""
        self.client_id = client_id
        self.update_histogram()
        self.update_scatter()

    def comparison_for(self, variable: str):
        """``(Comparison, client)`` for the current client. Against the similar clients:
        :func:`scoring_lib.compare.compare` on the neighbours of :meth:`similar_positions`
        (what ``Scorer.compare(reference="similar")`` does, without a second neighbour
        query). Against all clients or a group: ``Scorer.compare``'s bars of the first call
        are kept and only the client's position (value and rank shares, the same mid-rank
        definition) is computed again."""
        spec = self.reference_spec()
        if variable not in self._values:
            self._values[variable] = reference_values(self.scorer, variable)
        if spec == "similar":  # Scorer.compare(reference="similar") on the neighbours the
            rows = self.similar_positions()  # scatter shows too: one neighbour query
            values = self._values[variable]
            pos = self.scorer.client_ids.get_loc(int(self.client_id))
            frame = pd.DataFrame({variable: values[rows]})
            target = self.scorer.clients["TARGET"].to_numpy()[rows]
            return compare(pd.Series({variable: values[pos]}), frame, [variable],
                           target=target), None
        key = (variable, None if spec is None else tuple(sorted(
            (k, repr(v)) for k, v in spec.items())))
        if key not in self._histograms:
            comparison = self.scorer.compare(self.client_id, reference=spec,
                                             variables=[variable], k=K_SIMILAR)
            values = self._values[variable]
            if spec is not None:
                values = values[self.scorer.group_mask(spec)]
            if len(self._histograms) >= CACHED_HISTOGRAMS:
                self._histograms.pop(next(iter(self._histograms)))
            self._histograms[key] = (comparison, SortedReference(values))
        comparison, reference = self._histograms[key]
        value = self._values[variable][self.scorer.client_ids.get_loc(int(self.client_id))]
        value = None if np.isnan(value) else float(value)
        return comparison, (value, reference.shares(value))

    def update_histogram(self) -> None:
        variable, lang = self.variable.value, self.lang
        comparison, client = self.comparison_for(variable)
        d = histogram_data(self.scorer, comparison, variable, client)
        self.hist = d
        top = float(max(d["repaid"].max(initial=0), d["defaulted"].max(initial=0), 1.0))
        with self.histogram.hold_sync():
            self.hist_x_axis.tick_values = nice_ticks(
                [*d["x"], d["human_value"]] if not np.isnan(d["human_value"]) else d["x"])
            self.hist_x_axis.tick_format = tick_format(self.scorer, variable)
            self.hy.min, self.hy.max = 0.0, top * 1.08
            self.hist_y_axis.tick_values = nice_ticks([0.0, top * 1.08], 5)
            self.bars.x = d["x"]
            self.bars.y = [d["repaid"], d["defaulted"]]
            self.hist_x_axis.label = variable_label(self.scorer, variable, lang)
            self.bar_tooltip.labels = [self.hist_x_axis.label, tr("hist_axis_y", lang)]
            if np.isnan(d["human_value"]):
                self.client_line.x, self.client_line.y = [], []
            else:
                self.client_line.x = [d["human_value"], d["human_value"]]
                self.client_line.y = [0.0, top * 1.05]
        if np.isnan(d["human_value"]) or d["percentile"] != d["percentile"]:
            self.position.value = esc(tr("position_missing", lang))
        else:
            below = (f"{number(d['below'], 0, lang)} %" if lang == "fr"
                     else f"{number(d['below'], 0, lang)}%")
            self.position.value = esc(tr(
                "position", lang, value=value_text(self.scorer, variable, d["value"], lang),
                p=int(round(d["percentile"])), below=below))
        self.hist_note.value = esc(tr("hist_note", lang, n=number(d["n"], 0, lang),
                                      ref=self.reference_name()))

    def update_scatter(self, force: bool = False) -> None:
        xv, yv, lang = self.scatter_x.value, self.scatter_y.value, self.lang
        ref = self.reference.value
        key = (ref, xv, yv, repr(self._get_filters()) if ref == "group" else None,
               self.client_id if ref == "similar" else None)
        pos = self.scorer.client_ids.get_loc(int(self.client_id))
        x_all, y_all = self._column(xv), self._column(yv)
        with self.scatter.hold_sync():
            if force or key != self._sample_key:
                positions = self._reference_positions()
                self.sample_positions = positions
                x, y = x_all[positions], y_all[positions]
                bands = self._bands[positions]
                ok = ~(np.isnan(x) | np.isnan(y))
                for band, mark in self.points.items():
                    keep = ok & (bands == band)
                    mark.x, mark.y = x[keep], y[keep]
                self._ticks = (x[ok], y[ok])
                self._sample_key = key
                self._shown_points = int(ok.sum())
            self.scatter_note.value = esc(tr("scatter_note", lang,
                                             n=number(self._shown_points, 0, lang),
                                             max=number(MAX_POINTS, 0, lang)))
            cx, cy = x_all[pos], y_all[pos]
            if np.isnan(cx) or np.isnan(cy):
                self.client_point.x, self.client_point.y = [], []
            else:
                self.client_point.x, self.client_point.y = [cx], [cy]
            xs, ys = self._ticks
            self.scatter_x_axis.tick_values = nice_ticks(np.r_[xs, [cx]])
            self.scatter_y_axis.tick_values = nice_ticks(np.r_[ys, [cy]])
            self.scatter_x_axis.tick_format = tick_format(self.scorer, xv)
            self.scatter_y_axis.tick_format = tick_format(self.scorer, yv)
            self.scatter_x_axis.label = variable_label(self.scorer, xv, lang)
            self.scatter_y_axis.label = variable_label(self.scorer, yv, lang)
            self.point_tooltip.labels = [self.scatter_x_axis.label, self.scatter_y_axis.label]

    def _guarded(self, fn) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - reported as a friendly message
            if self._on_error is None:
                raise
            self._on_error(exc, "comparison")

    def _changed(self, _change) -> None:
        if self._quiet or self.client_id is None:
            return
        self._guarded(lambda: self.update(self.client_id))

    def _scatter_changed(self, _change) -> None:
        if self._quiet or self.client_id is None:
            return
        self._guarded(self.update_scatter)

    def filters_changed(self) -> None:
        if self.reference.value == "group" and self.client_id is not None:
            self.update()
