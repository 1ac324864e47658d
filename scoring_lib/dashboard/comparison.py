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

from ..data.schema import DAYS_SENTINEL
from ..decision import RISK_BANDS
from ..explain.units import format_value
from .deferred import Deferred
from .panel import Panel, frozen, hold
from .safe import Html, esc, join, tag
from .state import REFERENCES
from .text import number, percent, probability_text, tr
from .theme import BAND_COLOURS, BLUE, INK, ORANGE
from .ticks import axis_ticks

K_SIMILAR = 100
MAX_POINTS = 2_000
BANDS = RISK_BANDS
#: variables offered (descriptive columns of every client, kept in memory by the Scorer)
VARIABLES = ("DAYS_BIRTH", "AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "DAYS_EMPLOYED",
             "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "CNT_FAM_MEMBERS", "probability")
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


def histogram_ticks(d: dict, zero: bool = False) -> tuple[list[float], list[float]]:
    """Round ticks of the histogram of :func:`histogram_data` ``d``: the horizontal axis
    covers every bar (half a bin each side of the centres) and the client's value; the share
    axis starts at 0 and ends on a round share above the tallest bar. ``zero``: the
    horizontal axis starts at 0 too (a probability)."""
    x = np.asarray(d["x"], dtype=np.float64)
    x = x[np.isfinite(x)]
    half = float(np.median(np.diff(x))) / 2 if len(x) > 1 else 0.0
    xs = [x.min() - half, x.max() + half] if len(x) else []
    if not np.isnan(d["human_value"]):
        xs.append(d["human_value"])
    if zero:  # half a bin left of the first centre is still no negative probability
        xs = [max(float(v), 0.0) for v in xs]
    top = float(max(np.max(d["repaid"], initial=0), np.max(d["defaulted"], initial=0), 1.0))
    return axis_ticks(xs, 6, zero=zero), axis_ticks([0.0, top * 1.02], 5, zero=True)


def scatter_ticks(scorer, variable: str, values) -> list[float]:
    """Round ticks of a scatter axis covering ``values`` (human units); the probability's
    axis starts at 0."""
    return axis_ticks(values, 6, zero=unit_kind(scorer, variable) == "probability")


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


def histogram_data(scorer, comparison, variable: str, client=None) -> dict:
    """Bars of the histogram from a ``Scorer.compare`` result: bin centres in human units
    (ascending), the shares of repaid and defaulted clients per bin (percent of each
    outcome), the client's value and percentile in the person's direction.

    ``client``: ``(value, RankShares)`` of the client against the same reference (the bars
    of a reference that does not depend on the client are kept:
    :class:`~scoring_lib.compare.cache.ComparisonCache`); by default the client of
    ``comparison``."""
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


class ComparisonPanel(Panel):
    """Reference toggle (the state's ``reference``), variable choices (the panel's own),
    histogram and scatter of the state's client. Against the filtered group, the state's
    filters choose the clients."""

    name = "comparison"
    watches = ("client_id", "lang", "filters", "reference")

    def __init__(self, state, scorer):
        super().__init__(state, scorer)
        self.lang = state.lang
        self.hist: dict = {}
        #: the round ticks last drawn: (x, y) of the histogram and of the scatter
        self.hist_ticks: tuple = ([], [])
        self.scatter_ticks: tuple = ([], [])
        self._sample_key = None
        self._ticks = (np.empty(0), np.empty(0))
        self._shown_points = 0
        self._bands = scorer.clients["risk_band"].to_numpy(dtype=object)
        rng = np.random.default_rng(0)
        n = len(scorer.client_ids)
        self._all_sample = np.sort(rng.choice(n, size=min(n, MAX_POINTS), replace=False))
        self.sample_positions = self._all_sample

        self.title = W.HTML()
        self.reference_label = W.HTML()
        self.reference = W.ToggleButtons(options=[("", r) for r in REFERENCES],
                                         value=state.reference,
                                         style={"button_width": "auto"})
        self.reference.add_class("sc-reference")
        self.reference.observe(self._reference_clicked, "value")
        self.variable = W.Dropdown(layout=W.Layout(width="320px"),
                                   style={"description_width": "initial"})
        self.variable.add_class("sc-compare-variable")
        self.scatter_x = W.Dropdown(layout=W.Layout(width="300px"),
                                    style={"description_width": "initial"})
        self.scatter_x.add_class("sc-scatter-x")
        self.scatter_y = W.Dropdown(layout=W.Layout(width="300px"),
                                    style={"description_width": "initial"})
        self.scatter_y.add_class("sc-scatter-y")
        self.variable.observe(self._choice_changed, "value")
        for dd in (self.scatter_x, self.scatter_y):
            dd.observe(self._choice_changed, "value")
        self._quiet = False

        # histogram
        self.hx = bq.LinearScale(allow_padding=False)
        self.hy = bq.LinearScale(min=0.0, allow_padding=False)
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
        self.sx = bq.LinearScale(allow_padding=False)
        self.sy = bq.LinearScale(allow_padding=False)
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
        left = W.VBox([self.variable, self.hist_legend, Deferred(self.histogram, "300px"),
                       self.position, self.hist_note],
                      layout=W.Layout(width="50%"))
        right = W.VBox([W.HBox([self.scatter_x, self.scatter_y],
                               layout=W.Layout(flex_flow="row wrap")),
                        self.scatter_legend, Deferred(self.scatter, "360px"), self.scatter_note],
                       layout=W.Layout(width="50%"))
        self.children = [self.title, W.HBox([self.reference_label, self.reference],
                                            layout=W.Layout(align_items="center")),
                         W.HBox([left, right], layout=W.Layout(width="100%"))]
        self.add_class("sc-card")
        self.set_texts(self.lang)
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
    def set_texts(self, lang: str) -> None:
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

    # ------------------------------------------------------------------ the state
    def key(self, state) -> tuple:
        group = frozen(state.filters) if state.reference == "group" else None
        return (state.client_id, state.lang, state.reference, group, self.variable.value,
                self.scatter_x.value, self.scatter_y.value)

    def _reference_clicked(self, change) -> None:
        if not self._quiet:
            self.state.reference = change["new"]

    def _choice_changed(self, _change) -> None:
        if not self._quiet and self.state.client_id is not None:
            self.redraw()

    def refresh(self, state) -> None:
        self.lang = state.lang
        if self.reference.value != state.reference:
            self._quiet = True
            try:
                self.reference.value = state.reference
            finally:
                self._quiet = False
        self.update_histogram(state)
        self.update_scatter(state)
        self.shown_client = int(state.client_id)

    def reference_spec(self, state):
        """What ``Scorer.compare`` takes for the state's reference."""
        if state.reference == "similar":
            return "similar"
        if state.reference == "group" and state.filters:
            return dict(state.filters)
        return None

    def reference_name(self, state) -> str:
        ref, lang = state.reference, state.lang
        if ref == "similar":
            return tr("reference_similar", lang, k=K_SIMILAR).lower()
        if ref == "group":
            text = tr("reference_group", lang).lower()
            return text + (tr("no_filter_group", lang) if not state.filters else "")
        return tr("reference_all", lang).lower()

    def _reference_positions(self, state) -> np.ndarray:
        """Positions of the clients the scatter shows (at most :data:`MAX_POINTS`)."""
        comparisons = self.scorer.comparisons
        if state.reference == "similar":
            return comparisons.similar_positions(state.client_id, K_SIMILAR)
        if state.reference == "group" and state.filters:
            positions = comparisons.group_positions(state.filters)
            if len(positions) > MAX_POINTS:
                rng = np.random.default_rng(0)
                positions = np.sort(rng.choice(positions, size=MAX_POINTS, replace=False))
            return positions
        return self._all_sample

    # ------------------------------------------------------------------ drawing
    def update_histogram(self, state) -> None:
        variable, lang = self.variable.value, state.lang
        at = self.scorer.comparisons.position(state.client_id, variable,
                                              self.reference_spec(state), K_SIMILAR)
        d = histogram_data(self.scorer, at.comparison, variable, (at.value, at.shares))
        self.hist = d
        x_ticks, y_ticks = histogram_ticks(d, unit_kind(self.scorer, variable) == "probability")
        self.hist_ticks = (x_ticks, y_ticks)
        with hold(self.hx, self.hy, self.hist_x_axis, self.hist_y_axis, self.bars,
                  self.bar_tooltip, self.client_line):
            if x_ticks:
                self.hx.min, self.hx.max = x_ticks[0], x_ticks[-1]
            self.hist_x_axis.tick_values = x_ticks
            self.hist_x_axis.tick_format = tick_format(self.scorer, variable)
            self.hy.min, self.hy.max = y_ticks[0], y_ticks[-1]
            self.hist_y_axis.tick_values = y_ticks
            self.bars.x = d["x"]
            self.bars.y = [d["repaid"], d["defaulted"]]
            self.hist_x_axis.label = variable_label(self.scorer, variable, lang)
            self.bar_tooltip.labels = [self.hist_x_axis.label, tr("hist_axis_y", lang)]
            if np.isnan(d["human_value"]):
                self.client_line.x, self.client_line.y = [], []
            else:
                self.client_line.x = [d["human_value"], d["human_value"]]
                self.client_line.y = [0.0, y_ticks[-1]]
        if np.isnan(d["human_value"]) or d["percentile"] != d["percentile"]:
            self.position.value = esc(tr("position_missing", lang))
        else:
            below = percent(d["below"] / 100, lang, decimals=0)
            self.position.value = esc(tr(
                "position", lang, value=value_text(self.scorer, variable, d["value"], lang),
                p=int(round(d["percentile"])), below=below))
        self.hist_note.value = esc(tr("hist_note", lang, n=number(d["n"], 0, lang),
                                      ref=self.reference_name(state)))

    def update_scatter(self, state) -> None:
        xv, yv, lang = self.scatter_x.value, self.scatter_y.value, state.lang
        ref, cid = state.reference, state.client_id
        key = (ref, xv, yv, frozen(state.filters) if ref == "group" else None,
               cid if ref == "similar" else None)
        values = self.scorer.comparisons.values
        pos = self.scorer.client_ids.get_loc(int(cid))
        cx, cy = (float(to_human(self.scorer, v, values(v)[pos:pos + 1])[0])
                  for v in (xv, yv))
        marks = [self.sx, self.sy, *self.points.values(), self.client_point,
                 self.scatter_x_axis, self.scatter_y_axis, self.point_tooltip]
        with hold(*marks):
            if key != self._sample_key:
                positions = self._reference_positions(state)
                self.sample_positions = positions
                x = to_human(self.scorer, xv, values(xv)[positions])
                y = to_human(self.scorer, yv, values(yv)[positions])
                bands = self._bands[positions]
                ok = ~(np.isnan(x) | np.isnan(y))
                for band, mark in self.points.items():
                    keep = ok & (bands == band)
                    mark.x, mark.y = x[keep], y[keep]
                self._ticks = (x[ok], y[ok])
                self._sample_key = key
                self._shown_points = int(ok.sum())
            if np.isnan(cx) or np.isnan(cy):
                self.client_point.x, self.client_point.y = [], []
            else:
                self.client_point.x, self.client_point.y = [cx], [cy]
            xs, ys = self._ticks
            x_ticks = scatter_ticks(self.scorer, xv, np.r_[xs, [cx]])
            y_ticks = scatter_ticks(self.scorer, yv, np.r_[ys, [cy]])
            self.scatter_ticks = (x_ticks, y_ticks)
            if x_ticks:
                self.sx.min, self.sx.max = x_ticks[0], x_ticks[-1]
            if y_ticks:
                self.sy.min, self.sy.max = y_ticks[0], y_ticks[-1]
            self.scatter_x_axis.tick_values = x_ticks
            self.scatter_y_axis.tick_values = y_ticks
            self.scatter_x_axis.tick_format = tick_format(self.scorer, xv)
            self.scatter_y_axis.tick_format = tick_format(self.scorer, yv)
            self.scatter_x_axis.label = variable_label(self.scorer, xv, lang)
            self.scatter_y_axis.label = variable_label(self.scorer, yv, lang)
            self.point_tooltip.labels = [self.scatter_x_axis.label, self.scatter_y_axis.label]
        self.scatter_note.value = esc(tr("scatter_note", lang,
                                         n=number(self._shown_points, 0, lang),
                                         max=number(MAX_POINTS, 0, lang)))
