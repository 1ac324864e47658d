"""Score panel: a gauge of the probability of default with the threshold, the decision in
words, colour and icon, the risk band and one sentence that interprets them.

The gauge is :class:`Gauge` (built once, drawn in place), also the Simulation section's
gauge (:mod:`.simulation`), hatched there and with a marker of the real probability."""

from __future__ import annotations

import math

import bqplot as bq
import ipywidgets as W

from .panel import Panel, hold
from .safe import esc, tag
from .text import interpretation, probability_text, tr
from .ticks import axis_ticks
from .theme import (
    BAND_COLOURS,
    BLUE,
    DECISION_COLOURS,
    DECISION_ICONS,
    INK,
    LIGHT_BLUE,
    LIGHT_ORANGE,
)


def gauge_max(probability: float, threshold: float) -> float:
    """The right end of the gauge, in percent: a round number that shows the threshold in
    the first third or so (small probabilities stay readable), 100 when needed."""
    top = max(20.0, 2.5 * 100 * threshold, 1.15 * 100 * probability)
    for nice in (20, 25, 30, 40, 50, 60, 80, 100):
        if top <= nice:
            return float(nice)
    return 100.0


def gauge_data(probability: float, threshold: float, real: float | None = None) -> dict:
    """What the gauge marks show (percent): the zones, the client's bar, the threshold,
    and the axis's round ticks from 0 to the right end; ``real`` (a simulation's gauge):
    where the real probability's marker stands (the right end leaves room for it too)."""
    p, t = 100 * probability, 100 * threshold
    top = gauge_max(probability if real is None else max(probability, real), threshold)
    out = {"max": top, "zones_x": [[0.0, t], [t, top]], "bar_x": [0.0, p],
           "threshold_x": [t, t], "probability": p, "threshold": t,
           "ticks": axis_ticks([0.0, top], 6, zero=True)}
    if real is not None:
        out["real_x"] = [100 * real, 100 * real]
    return out


class Gauge:
    """The probability gauge (bqplot, built once; :meth:`draw` updates its marks in place):
    the granted and refused zones, the bar of the probability in the decision's colour, the
    dashed threshold and a label on the bar's end. ``simulated``: the bar is hatched (a
    dashed thick line) and a marker in the real decision's colour, labelled with
    :meth:`draw`'s ``real_label``, shows where the real probability stands. ``figure``
    carries the CSS class ``css``."""

    def __init__(self, css: str = "sc-gauge", simulated: bool = False):
        self.simulated = simulated
        self.x = bq.LinearScale(min=0.0, max=40.0, allow_padding=False)
        self.y = bq.LinearScale(min=-1.0, max=1.45 if simulated else 1.0)
        scales = {"x": self.x, "y": self.y}
        self.zones = bq.Lines(x=[[0, 1], [1, 2]], y=[[0, 0], [0, 0]], scales=scales,
                              colors=[LIGHT_BLUE, LIGHT_ORANGE], stroke_width=34,
                              line_style="solid")
        self.bar = bq.Lines(x=[0, 1], y=[0, 0], scales=scales, colors=[BLUE], stroke_width=16,
                            line_style="dashed" if simulated else "solid")
        self.threshold_line = bq.Lines(x=[1, 1], y=[-0.9, 0.9], scales=scales, colors=[INK],
                                       stroke_width=3, line_style="dashed")
        self.threshold_label = bq.Label(x=[1], y=[0.6], text=[""], scales=scales,
                                        colors=[INK], font_weight="bold", default_size=13,
                                        align="start", x_offset=6)
        self.client_label = bq.Label(x=[0], y=[-0.95], text=[""], scales=scales,
                                     colors=[INK], font_weight="bold", default_size=13,
                                     align="start", x_offset=4)
        marks = [self.zones, self.bar, self.threshold_line, self.threshold_label,
                 self.client_label]
        self.real_line = self.real_label = None
        if simulated:
            self.real_line = bq.Lines(x=[0, 0], y=[-0.75, 0.95], scales=scales, colors=[INK],
                                      stroke_width=4, line_style="solid")
            self.real_label = bq.Label(x=[0], y=[1.1], text=[""], scales=scales,
                                       colors=[INK], default_size=12, align="middle",
                                       font_weight="normal")
            marks += [self.real_line, self.real_label]
        self.axis = bq.Axis(scale=self.x, tick_format=".0f", num_ticks=6)
        self.figure = bq.Figure(marks=marks, axes=[self.axis],
                                fig_margin={"top": 24, "bottom": 36, "left": 16, "right": 16},
                                layout=W.Layout(width="100%",
                                                height="150px" if simulated else "130px"),
                                background_style={"fill": "white"})
        self.figure.add_class(css)
        self.data: dict = {}

    def set_texts(self, lang: str) -> None:
        self.axis.label = tr("gauge_axis", lang)

    def draw(self, probability: float, threshold: float, decision: str, label: str,
             lang: str, real: float | None = None, real_label: str = "",
             real_decision: str | None = None) -> None:
        """The bar at ``probability`` in ``decision``'s colour, labelled ``label``, the
        threshold labelled in ``lang``; ``real`` (a simulated gauge): the real probability's
        marker, labelled ``real_label``, in ``real_decision``'s colour."""
        d = gauge_data(probability, threshold, real if self.simulated else None)
        self.data = d
        marks = [self.x, self.axis, self.zones, self.bar, self.threshold_line,
                 self.threshold_label, self.client_label]
        if self.simulated:
            marks += [self.real_line, self.real_label]
        with hold(*marks):
            self.x.min, self.x.max = 0.0, d["max"]
            self.axis.tick_values = d["ticks"]
            self.zones.x = d["zones_x"]
            self.bar.x = d["bar_x"]
            self.bar.colors = [DECISION_COLOURS[decision]]
            self.threshold_line.x = d["threshold_x"]
            self.threshold_label.x = [d["threshold"]]
            self.threshold_label.text = [tr("threshold_label", lang,
                                            threshold=probability_text(
                                                threshold, lang, versus=probability))]
            # the label starts at the bar's end, or ends there near the right edge
            right = d["probability"] > 0.7 * d["max"]
            self.client_label.align = "end" if right else "start"
            self.client_label.x_offset = -4 if right else 4
            self.client_label.x = [d["probability"]]
            self.client_label.text = [label]
            if self.simulated:
                self.real_line.x = d["real_x"]
                self.real_line.colors = [DECISION_COLOURS.get(real_decision, INK)]
                self.real_label.x = d["real_x"][:1]
                self.real_label.text = [real_label]


def gauge_label(name: str, probability: float, threshold: float, lang: str) -> str:
    """"Ce client : 12,3 %" (``name``: a text key of :mod:`.text`; as many decimals as tell
    the probability from the ``threshold`` beside it)."""
    sep = " : " if lang == "fr" else ": "
    return f"{tr(name, lang)}{sep}{probability_text(probability, lang, versus=threshold)}"


class ScorePanel(Panel):
    """The score card of the state's client (``Scorer.score``)."""

    name = "score"
    watches = ("client_id", "lang")

    def __init__(self, state, scorer):
        super().__init__(state, scorer)
        self.lang = state.lang
        self.current = None
        self.title = W.HTML()
        self.client_id = W.HTML()
        self.client_id.add_class("sc-client-id")
        self.client_kind = W.HTML()
        self.client_kind.add_class("sc-note")
        self.probability_label = W.HTML()
        self.probability = W.HTML()
        self.probability.add_class("sc-probability")
        self.decision_icon = W.HTML()
        self.decision_icon.add_class("sc-decision-icon")
        self.decision = W.HTML()
        self.decision.add_class("sc-decision")
        self.band = W.HTML()
        self.band.add_class("sc-band")
        self.interpretation = W.HTML()
        self.interpretation.add_class("sc-interpretation")

        self.meter = Gauge("sc-gauge")
        self.gauge = self.meter.figure
        # the marks under their names (tests and benchmarks read them)
        m = self.meter
        self.x, self.y, self.axis, self.zones, self.bar = m.x, m.y, m.axis, m.zones, m.bar
        self.threshold_line, self.threshold_label = m.threshold_line, m.threshold_label
        self.client_label = m.client_label
        head = W.HBox([W.VBox([self.client_id, self.client_kind]),
                       W.VBox([self.probability_label, self.probability]),
                       W.HBox([self.decision_icon, self.decision],
                              layout=W.Layout(align_items="center")),
                       self.band],
                      layout=W.Layout(justify_content="space-between", align_items="center",
                                      flex_flow="row wrap"))
        self.children = [self.title, head, self.gauge, self.interpretation]
        self.add_class("sc-card")
        self.set_texts(self.lang)

    def set_texts(self, lang: str) -> None:
        self.title.value = tag("h2", tr("score_title", lang))
        self.probability_label.value = esc(tr("probability_label", lang))
        self.meter.set_texts(lang)

    def refresh(self, state) -> None:
        self.lang = state.lang
        self.draw(self.scorer.score(state.client_id))
        self.shown_client = self.current.client_id

    def draw(self, score) -> None:
        """Show ``score`` (a :class:`~scoring_lib.scoring.Score`) in the panel's language."""
        lang = self.lang
        self.current = score
        colour = DECISION_COLOURS[score.decision]
        words = tr(score.decision, lang)
        self.client_id.value = esc(tr("client_heading", lang, client_id=score.client_id))
        kind = ""
        if score.sample == "test":
            kind = tr("sample_test", lang)
        elif score.target is not None and not math.isnan(score.target):
            kind = tr("sample_train_default" if score.target >= 0.5 else "sample_train",
                      lang)
        self.client_kind.value = esc(kind)
        self.probability.value = esc(probability_text(score.probability, lang,
                                                      versus=score.threshold))
        self.decision_icon.value = tag("span", DECISION_ICONS[score.decision],
                                       style=f"color:{colour}", aria_hidden="true")
        self.decision.value = tag("span", words, style=f"color:{colour}")
        band = tr(score.risk_band, lang)
        self.band.value = tag("span", band, style=f"border-left:6px solid "
                              f"{BAND_COLOURS[score.risk_band]};padding-left:6px")
        self.interpretation.value = esc(interpretation(
            score.probability, score.threshold, score.decision, score.risk_band, lang))
        self.meter.draw(score.probability, score.threshold, score.decision,
                        gauge_label("gauge_client", score.probability, score.threshold, lang), lang)
