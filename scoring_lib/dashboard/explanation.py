"""Explanation panel: the reasons as sentences, a SHAP force plot and a waterfall.

The charts have two scales, the state's ``unit`` (the toggle ``sc-unit``):

* ``"probability"`` (the default, for advisors): each group's effect on the probability of
  default in percentage points (``Explanation.grouped["points"]``, an exact decomposition:
  :mod:`scoring_lib.explain.probability`), on an axis where 0 is the average client; the
  effects add up to the client's probability minus the average client's, and the two dashed
  lines say both probabilities ("Client moyen 7,1 %", "Ce client 12,3 %");
* ``"logodds"`` (data scientists): the model's raw scale (CatBoost's SHAP values), where the
  base value plus the contributions is the client's raw score.

Contributions are grouped by the variable an advisor knows (``Explanation.grouped``); the
force plot labels the largest groups and sums the rest into "Autres facteurs" (one band for
those that raise the risk, one for those that lower it); the waterfall shows the 10 largest
groups then "Autres facteurs". Axes are round (:mod:`.ticks`).
"""

from __future__ import annotations

import time

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..explain.units import format_value, is_missing, missing_text
from .deferred import Deferred
from .panel import Panel, hold
from .safe import Html, esc, join, lines, tag
from .state import UNITS
from .text import number, points_text, probability_text, tr
from .ticks import axis_ticks
from .theme import BLUE, INK, ORANGE

FORCE_GROUPS = 8     # groups drawn on their own in the force plot
FORCE_LABELS = 5     # of which labelled with their name
WATERFALL_GROUPS = 10
LIGHT_UP, LIGHT_DOWN = "#EBB391", "#8DBBDB"  # "other factors", raising / lowering
LABEL_CHARS = 28


def short(label: str, n: int = LABEL_CHARS) -> str:
    return label if len(label) <= n else label[:n - 1].rstrip() + "…"


def signed(x: float, lang: str) -> str:
    return ("+" if x >= 0 else "−") + number(abs(x), 2, lang)


def force_segments(grouped, base_value: float, lang: str = "fr",
                   n_groups: int = FORCE_GROUPS, column: str = "contribution") -> dict:
    """The bands of the force plot, on the scale of ``grouped[column]`` (``"contribution"``:
    log-odds; ``"points"``: percentage points, with ``base_value`` 0).

    Returns ``{"base": b, "output": f, "segments": [...]}`` where ``f = b + sum of all
    contributions`` and each segment is a dict (``group``, ``label``, ``start``, ``end``,
    ``contribution``, ``others``: number of groups summed, 0 for a single group). Bands that
    raise the score sit left of ``f`` and end at it (largest nearest ``f``); bands that lower
    it start at ``f`` and go right, so that the plot reads like SHAP's force plot.
    """
    c = grouped[column].to_numpy(dtype=np.float64)
    labels = grouped["label_fr" if lang == "fr" else "label_en"].to_numpy()
    keys = grouped["group"].to_numpy()
    order = np.argsort(-np.abs(c), kind="stable")
    top, rest = order[:n_groups], order[n_groups:]
    output = base_value + float(c.sum())
    items_up = [(float(c[i]), str(keys[i]), str(labels[i]), 0) for i in top if c[i] > 0]
    items_down = [(float(c[i]), str(keys[i]), str(labels[i]), 0) for i in top if c[i] < 0]
    rest_up, rest_down = c[rest][c[rest] > 0], c[rest][c[rest] < 0]
    others = tr("others", lang)
    up_total = sum(x[0] for x in items_up) + float(rest_up.sum())
    segments = []
    position = output - up_total
    # raising bands, from the far left to f: "others" first, then by increasing size
    ordered_up = ([(float(rest_up.sum()), "others_up", others, len(rest_up))]
                  if len(rest_up) else []) + sorted(items_up)
    for value, key, label, n in ordered_up:
        segments.append({"group": key, "label": label, "start": position,
                         "end": position + value, "contribution": value, "others": n})
        position += value
    position = output
    # lowering bands, from f to the right: the largest first, "others" last
    ordered_down = sorted(items_down) + ([(float(rest_down.sum()), "others_down", others,
                                           len(rest_down))] if len(rest_down) else [])
    for value, key, label, n in ordered_down:
        segments.append({"group": key, "label": label, "start": position,
                         "end": position - value, "contribution": value, "others": n})
        position -= value
    return {"base": float(base_value), "output": output, "segments": segments}


def waterfall_steps(grouped, base_value: float, lang: str = "fr",
                    n_groups: int = WATERFALL_GROUPS, column: str = "contribution") -> dict:
    """The steps of the waterfall: the ``n_groups`` largest groups (by absolute
    contribution), then "Autres facteurs" (the rest, summed), each starting where the
    previous one ended, from the base value to the client's raw score (``column``
    ``"points"``: from 0, the average client, to the client's difference in points)."""
    c = grouped[column].to_numpy(dtype=np.float64)
    labels = grouped["label_fr" if lang == "fr" else "label_en"].to_numpy()
    keys = grouped["group"].to_numpy()
    order = np.argsort(-np.abs(c), kind="stable")
    top, rest = order[:n_groups], order[n_groups:]
    steps, position = [], float(base_value)
    for i in top:
        steps.append({"group": str(keys[i]), "label": str(labels[i]), "start": position,
                      "end": position + float(c[i]), "contribution": float(c[i]),
                      "others": 0})
        position += float(c[i])
    if len(rest):
        total = float(c[rest].sum())
        steps.append({"group": "others", "label": tr("others", lang), "start": position,
                      "end": position + total, "contribution": total, "others": len(rest)})
        position += total
    return {"base": float(base_value), "output": position, "steps": steps}


def group_details(scorer, client_id, grouped, lang: str,
                  n_groups: int = max(FORCE_GROUPS, WATERFALL_GROUPS)) -> dict:
    """For each of the ``n_groups`` largest groups (by absolute contribution, the ones the
    charts draw on their own): its top feature's label, the client's value in human units
    and its percentile among clients (in the person's direction; None when it has none).
    """
    c = grouped["contribution"].to_numpy(dtype=np.float64)
    rows = np.argsort(-np.abs(c), kind="stable")[:n_groups]
    keys = grouped["group"].to_numpy()[rows]
    tops = grouped["top_feature"].to_numpy()[rows]
    units = grouped["top_unit"].to_numpy()[rows]
    labels = grouped["top_label_fr" if lang == "fr" else "top_label_en"].to_numpy()[rows]
    counts = grouped["n_features"].to_numpy()[rows]
    features = scorer.features(client_id)
    values = dict(zip(tops, features.reindex(tops).to_numpy()))
    shares = scorer.percentiles(features, list(tops))
    out = {}
    for key, top, unit, label, n in zip(keys, tops, units, labels, counts):
        value = values[top]
        missing = is_missing(value)
        text = missing_text(unit, lang) if missing else format_value(value, unit, lang)
        pct = None
        if top in shares and not missing and unit.kind not in ("category", "flag"):
            below, equal, above = shares[top]
            if unit.sign < 0:
                below, above = above, below
            pct = below + equal / 2
        out[key] = {"feature": top, "label": label, "value": text, "percentile": pct,
                    "n_features": int(n)}
    return out


def place_labels(segments, lo: float, hi: float, width_px: float = 820.0,
                 char_px: float = 6.6, rows=(0.52, -0.5)) -> list[tuple[float, float, str]]:
    """Names of the largest single-group bands, centred on their band, on two rows (above
    and below the bands); a name that would overlap one already placed on both rows is left
    out (its tooltip still says it). Returns ``(x, y, text)`` triples."""
    scale = (hi - lo) / width_px if hi > lo else 1.0
    taken: dict[float, list[tuple[float, float]]] = {r: [] for r in rows}
    out = []
    order = sorted(range(len(segments)), key=lambda i: -abs(segments[i]["contribution"]))
    for i in order[:FORCE_LABELS * 2]:
        seg = segments[i]
        if seg["others"] or len(out) >= FORCE_LABELS:
            continue
        text = short(seg["label"], 24)
        centre = (seg["start"] + seg["end"]) / 2
        half = (len(text) * char_px / 2 + 6) * scale
        for row in rows:
            if all(centre + half < a or centre - half > b for a, b in taken[row]):
                taken[row].append((centre - half, centre + half))
                out.append((centre, row, text))
                break
    return out


def tooltip_html(segment: dict, details: dict, lang: str, unit: str = "logodds") -> Html:
    """The tooltip of one band: the variable, the client's value and percentile, the
    effect on the probability of default in points (``unit`` ``"probability"``) or on the
    raw score (every text escaped)."""
    c = segment["contribution"]
    if unit == "probability":
        effect = tr("tip_points_up" if c > 0 else "tip_points_down", lang,
                    c=points_text(abs(c), lang, signed=False))
    else:
        effect = tr("tip_effect_up" if c > 0 else "tip_effect_down", lang,
                    c=number(abs(c), 2, lang))
    name = tag("b", segment["label"])
    if segment["others"]:
        return lines(name, tr("tip_others", lang, n=segment["others"]), effect)
    d = details.get(segment["group"])
    parts = [name]
    if d is not None:
        if d["label"] != segment["label"]:
            parts.append(d["label"])
        parts.append(tr("tip_value", lang, value=d["value"]))
        if d["percentile"] is not None:
            parts.append(tr("tip_percentile", lang, p=int(round(d["percentile"]))))
    return lines(*parts, effect)


def reasons_html(explanation, lang: str) -> Html:
    """The reason sentences as two lists, what raises the risk then what lowers it (the
    sentences embed labels and values: escaped)."""
    reasons = explanation.reasons
    directions = reasons["direction"].to_numpy()
    sentences = reasons["sentence"].to_numpy()
    parts = []
    for direction, css, arrow in (("raises", "sc-up", "▲"), ("lowers", "sc-down", "▼")):
        chosen = sentences[directions == direction]
        parts.append(tag("h3", tag("span", arrow, css=css, aria_hidden="true"), " ",
                         tr(direction, lang)))
        if len(chosen):
            parts.append(tag("ul", *(tag("li", str(s)) for s in chosen)))
        else:
            parts.append(tag("p", tr("no_reason", lang)))
    return join(parts)


def _colour(segment) -> str:
    up = segment["contribution"] > 0
    if segment["others"]:
        return LIGHT_UP if up else LIGHT_DOWN
    return ORANGE if up else BLUE


class ExplanationPanel(Panel):
    """Reasons, force plot and waterfall of the state's client (``Scorer.explain``), on the
    scale the state's ``unit`` says (the toggle ``sc-unit``)."""

    name = "explanation"
    watches = ("client_id", "lang", "unit")

    def __init__(self, state, scorer):
        super().__init__(state, scorer)
        self.lang = state.lang
        self.title = W.HTML()
        self.unit_label = W.HTML()
        self.unit = W.ToggleButtons(options=[("", u) for u in UNITS], value=state.unit,
                                    style={"button_width": "auto"})
        self.unit.add_class("sc-unit")
        self.unit.observe(self._unit_clicked, "value")
        self.reasons = W.HTML()
        self.reasons.add_class("sc-reasons")
        self.note = W.HTML()
        self.note.add_class("sc-note")
        self.force_data: dict = {"segments": []}
        self.waterfall_data: dict = {"steps": []}
        self.details: dict = {}

        # force plot
        self.fx = bq.LinearScale()
        self.fy = bq.LinearScale(min=-1.0, max=1.0)
        s = {"x": self.fx, "y": self.fy}
        self.force_tooltip = W.HTML()
        self.force_tooltip.add_class("sc-tooltip")
        self.force_bands = bq.Lines(x=[[0, 1]], y=[[0, 0]], scales=s, colors=[ORANGE],
                                    stroke_width=30, tooltip=self.force_tooltip)
        self.force_bands.on_hover(self._hover_force)
        self.force_marks = bq.Lines(x=[[0, 0], [1, 1]], y=[[-0.82, 0.3], [-0.3, 0.78]],
                                    scales=s, colors=[INK, INK], stroke_width=2,
                                    line_style="dashed")
        self.force_labels = bq.Label(x=[0], y=[0.55], text=[""], scales=s, colors=[INK],
                                     default_size=12, align="middle", font_weight="normal")
        self.force_ends = bq.Label(x=[0, 1], y=[-0.95, 0.9], text=["", ""], scales=s,
                                   colors=[INK, INK], default_size=12, font_weight="bold",
                                   align="middle", apply_clip=False)
        self.force_axis = bq.Axis(scale=self.fx, tick_format=".2~f", num_ticks=7)
        self.force = bq.Figure(marks=[self.force_bands, self.force_marks, self.force_labels,
                                      self.force_ends], axes=[self.force_axis],
                               fig_margin={"top": 12, "bottom": 40, "left": 24, "right": 24},
                               layout=W.Layout(width="100%", height="200px"))
        self.force.add_class("sc-force")
        self.force_title = W.HTML()

        # waterfall
        self.wx = bq.LinearScale()
        self.wy = bq.LinearScale(min=-0.5, max=WATERFALL_GROUPS + 0.5)
        self.wl = bq.LinearScale(min=0.0, max=1.0)
        s = {"x": self.wx, "y": self.wy}
        self.waterfall_tooltip = W.HTML()
        self.waterfall_tooltip.add_class("sc-tooltip")
        self.steps = bq.Lines(x=[[0, 1]], y=[[0, 0]], scales=s, colors=[ORANGE],
                              stroke_width=18, tooltip=self.waterfall_tooltip)
        self.steps.on_hover(self._hover_waterfall)
        self.waterfall_marks = bq.Lines(x=[[0, 0], [1, 1]], y=[[-0.5, 10.5], [-0.5, 10.5]],
                                        scales=s, colors=["#9AA5B1", INK], stroke_width=1.5,
                                        line_style="dashed")
        self.step_names = bq.Label(x=[0], y=[0], text=[""], apply_clip=False,
                                   scales={"x": self.wl, "y": self.wy}, colors=[INK],
                                   default_size=12, align="end", x_offset=-10, y_offset=4,
                                   font_weight="normal")
        self.step_values = bq.Label(x=[0], y=[0], text=[""], scales=s, colors=[INK],
                                    default_size=11, align="start", x_offset=6, y_offset=4,
                                    apply_clip=False, font_weight="normal")
        self.waterfall_ends = bq.Label(x=[0, 1], y=[0, 0], text=["", ""], scales=s,
                                       colors=["#52606D", INK], default_size=11,
                                       align="middle", apply_clip=False)
        self.waterfall_axis = bq.Axis(scale=self.wx, tick_format=".2~f", num_ticks=6)
        self.waterfall = bq.Figure(marks=[self.steps, self.waterfall_marks, self.step_names,
                                          self.step_values, self.waterfall_ends],
                                   axes=[self.waterfall_axis],
                                   fig_margin={"top": 10, "bottom": 40, "left": 310,
                                               "right": 60},
                                   layout=W.Layout(width="100%", height="380px"))
        self.waterfall.add_class("sc-waterfall")
        self.waterfall_title = W.HTML()
        self.children = [self.title, self.reasons,
                         W.HBox([self.unit_label, self.unit],
                                layout=W.Layout(align_items="center")),
                         self.force_title, Deferred(self.force, "200px"), self.waterfall_title,
                         Deferred(self.waterfall, "380px"),
                         self.note]
        self.add_class("sc-card")
        self.explanation = None
        self._explained_for = None  # (client, language) of self.explanation, once drawn
        self.unit_shown = state.unit
        self._quiet = False
        self.set_texts(self.lang)

    def _unit_clicked(self, change) -> None:
        if not self._quiet:
            self.state.unit = change["new"]

    def set_texts(self, lang: str) -> None:
        """Fixed texts only; the client's texts come with the next :meth:`refresh`."""
        self._quiet = True
        try:
            self.unit_label.value = esc(tr("unit_label", lang))
            self.unit.options = [(tr(f"unit_{u}", lang), u) for u in UNITS]
            self.unit.value = self.state.unit
        finally:
            self._quiet = False
        self.title.value = tag("h2", tr("explain_title", lang))
        self.waterfall_title.value = tag("h3", tr("waterfall_title", lang))
        self.scale_texts(lang, self.state.unit)

    def scale_texts(self, lang: str, unit: str) -> None:
        """The texts that depend on the scale: the force plot's title, the axes, the note."""
        points = unit == "probability"
        self.force_title.value = tag("h3", tr("force_title_points" if points
                                              else "force_title", lang))
        self.force_axis.label = tr("points_axis" if points else "force_axis", lang)
        self.waterfall_axis.label = tr("points_axis" if points else "waterfall_axis", lang)
        self.note.value = esc(tr("points_note" if points else "scale_note", lang))

    def refresh(self, state) -> None:
        self.lang = state.lang
        self._quiet = True
        try:
            self.unit.value = state.unit
        finally:
            self._quiet = False
        if self._explained_for == (state.client_id, state.lang):  # only the scale changed
            self.draw(self.explanation, self.details, state.unit)
            return
        started = time.perf_counter()
        explanation = self.scorer.explain(state.client_id, lang=state.lang)
        self.timings["scorer_explain"] = time.perf_counter() - started
        details = group_details(self.scorer, state.client_id, explanation.grouped, state.lang)
        self.draw(explanation, details, state.unit)
        self._explained_for = (state.client_id, state.lang)
        self.shown_client = int(explanation.score.client_id)

    def draw(self, explanation, details: dict, unit: str = "probability") -> None:
        """Show ``explanation`` (``Scorer.explain`` in the panel's language) and the
        ``details`` of its groups (:func:`group_details`) on the scale ``unit``."""
        lang = self.lang
        self.unit_shown = unit
        self.explanation, self.details = explanation, details
        grouped = explanation.grouped
        points = unit == "probability"
        if points:
            base, column = 0.0, "points"
            ends = [f"{tr('force_base', lang)} "
                    f"{probability_text(explanation.base_probability, lang)}",
                    f"{tr('force_client', lang)} "
                    f"{probability_text(explanation.score.probability, lang)}"]
        else:
            base, column = explanation.base_value, "contribution"
        force = force_segments(grouped, base, lang, column=column)
        steps = waterfall_steps(grouped, base, lang, column=column)
        if not points:
            ends = [f"{tr('force_base', lang)} {number(base, 2, lang)}",
                    f"{tr('force_client', lang)} {number(force['output'], 2, lang)}"]
        self.force_data, self.waterfall_data = force, steps
        self.reasons.value = reasons_html(explanation, lang)
        # the axes' labels change with the scale: in the same message as their ticks
        with hold(self.force_axis, self.waterfall_axis):
            self.scale_texts(lang, unit)
            segs = force["segments"] or [{"start": base, "end": base, "contribution": 0.0,
                                          "others": 0, "label": "", "group": ""}]
            lo = min(min(x["start"], x["end"]) for x in segs + [{"start": base, "end": base}])
            hi = max(max(x["start"], x["end"]) for x in segs + [{"start": base, "end": base}])
            pad = 0.1 * max(hi - lo, 0.1)  # room for the end labels, centred on their lines
            ticks = axis_ticks([lo - pad, hi + pad], 7)
            placed = place_labels(segs, ticks[0], ticks[-1])
            with hold(self.fx, self.force_axis, self.force_bands, self.force_marks,
                      self.force_labels, self.force_ends):
                self.fx.min, self.fx.max = ticks[0], ticks[-1]
                self.force_axis.tick_values = ticks
                self.force_bands.x = [[x["start"], x["end"]] for x in segs]
                self.force_bands.y = [[0.0, 0.0] for _ in segs]
                self.force_bands.colors = [_colour(x) for x in segs]
                self.force_bands.labels = [x["label"] for x in segs]
                self.force_marks.x = [[base, base], [force["output"], force["output"]]]
                self.force_labels.x = [x for x, _, _ in placed]
                self.force_labels.y = [y for _, y, _ in placed]
                self.force_labels.text = [t for _, _, t in placed]
                self.force_ends.x = [base, force["output"]]
                self.force_ends.text = ends
            st = steps["steps"]
            n = len(st)
            lo = min([base, *(min(x["start"], x["end"]) for x in st)])
            hi = max([base, *(max(x["start"], x["end"]) for x in st)])
            pad = 0.08 * max(hi - lo, 0.1)
            ticks = axis_ticks([lo - pad, hi + pad], 6)
            rows = [float(n - 1 - i) for i in range(n)]
            # the average client's label above the first step, this client's below the last
            # one: never on top of each other, however close the two lines are
            with hold(self.wx, self.wy, self.waterfall_axis, self.steps, self.waterfall_marks,
                      self.waterfall_ends, self.step_names, self.step_values):
                self.wx.min, self.wx.max = ticks[0], ticks[-1]
                self.waterfall_axis.tick_values = ticks
                self.wy.min, self.wy.max = -1.05, max(n, 1) + 0.2
                self.steps.x = [[x["start"], x["end"]] for x in st]
                self.steps.y = [[r, r] for r in rows]
                self.steps.colors = [_colour(x) for x in st]
                self.steps.labels = [x["label"] for x in st]
                self.waterfall_marks.x = [[base, base], [steps["output"], steps["output"]]]
                self.waterfall_marks.y = [[-0.5, n - 0.5], [-0.5, n - 0.5]]
                self.waterfall_ends.x = [base, steps["output"]]
                self.waterfall_ends.y = [n - 0.25, -0.85]
                self.waterfall_ends.text = ends
                self.step_names.x = [0.0] * n
                self.step_names.y = rows
                self.step_names.text = [short(x["label"], 40) for x in st]
                self.step_values.x = [max(x["start"], x["end"]) for x in st]
                self.step_values.y = rows
                self.step_values.text = [points_text(x["contribution"], lang) if points
                                         else signed(x["contribution"], lang) for x in st]

    # ------------------------------------------------------------------ tooltips
    @staticmethod
    def _index(content) -> int | None:
        data = content.get("data", {}) if isinstance(content, dict) else {}
        for key in ("index", "line_index"):
            if isinstance(data.get(key), int):
                return data[key]
        return None

    def _hover_force(self, _mark, content) -> None:
        i = self._index(content)
        segs = self.force_data.get("segments", [])
        if i is not None and 0 <= i < len(segs):
            self.force_tooltip.value = tooltip_html(segs[i], self.details, self.lang,
                                                     self.unit_shown)

    def _hover_waterfall(self, _mark, content) -> None:
        i = self._index(content)
        st = self.waterfall_data.get("steps", [])
        if i is not None and 0 <= i < len(st):
            self.waterfall_tooltip.value = tooltip_html(st[i], self.details, self.lang,
                                                         self.unit_shown)
