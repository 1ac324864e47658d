"""Simulation section: what would change the decision for the state's client (issue 12).

Closed by default (its button opens it; the body is laid out only while open), so that a
client switch costs nothing here until the advisor asks; open, a switch computes the new
client's simulation and, once per client and language, its options. It shows:

* the actionable variables (``Scorer.actionable_variables``: credit amount, duration or
  instalment — give one, the other follows —, price of the goods) as text inputs filled
  with the application's values (the simulated ones once something is changed), each with
  its plausible range;
* the simulated probability on a hatched :class:`~.score.Gauge` labelled "Simulation",
  with a marker at the real probability (in the real decision's colour), and the real
  score's line ("Score réel, inchangé : …") beside it; the simulated decision, its outcome
  sentence and the reasons of ``Scorer.what_if`` (the explanation panel's wording:
  :func:`.explanation.reasons_html`);
* ``Scorer.recourse``'s options as sentences (the library's ``outcome_sentence``), each with
  a button that loads it into the simulation; when there is none, the recourse message and
  what weighs most; a reset button that brings the real values back.

What the advisor changes lives in the state's ``edits`` (variable -> value as typed: a
number, or the text itself when it is not one); a client switch clears them
(:mod:`.state`). A change the library refuses (``WhatIfError``) is said as one sentence in
the page's language (:func:`error_text`), never raised. Nothing simulated is written
anywhere: ``what_if`` and ``recourse`` only read the bundle, and the score panel keeps the
real score.
"""

from __future__ import annotations

import math
import re
import time

import ipywidgets as W

from ..simulation import WhatIfError
from ..simulation.levers import ANNUITY, CREDIT, DURATION, GOODS, GOODS_RATIO, months_of
from ..simulation.results import money, outcome_sentence
from ..words import lower_first
from .explanation import reasons_html
from .panel import Panel
from .safe import esc, join, tag
from .score import Gauge, gauge_label
from .text import number, probability_text, tr
from .theme import DECISION_COLOURS, DECISION_ICONS

#: the options shown (``Scorer.recourse``'s ``max_options``)
MAX_OPTIONS = 3
#: the inputs, in the order of the form
FIELDS = (CREDIT, DURATION, ANNUITY, GOODS)
#: giving one of these drops the other from the edits: it follows
EITHER = {DURATION: ANNUITY, ANNUITY: DURATION}
SPACES = re.compile(r"[\s\u00a0\u202f]")
#: the library's messages (scoring_lib.simulation.levers) that a person can cause
NOT_A_NUMBER = re.compile(r"^(?P<name>[A-Z_]+): expected a (finite )?number, got ")
OUT_OF_RANGE = re.compile(r"^(?P<name>[A-Z_]+): (?P<value>\S+)(?P<why>.*?) is outside the "
                          r"plausible range")
RATIO = re.compile(r"goods price (?P<goods>\S+) / credit (?P<credit>[^)\s]+)")
HATCH = ("background:repeating-linear-gradient(45deg,#FFF3C4,#FFF3C4 6px,#FFE08A 6px,"
         "#FFE08A 12px);padding:2px 8px;font-weight:700;border-radius:4px")


def css_name(name: str) -> str:
    """The CSS class of a variable's input: ``sc-sim-amt-credit``."""
    return "sc-sim-" + name.lower().replace("_", "-")


def parse_value(text, lang: str):
    """What the advisor typed: a number ("250 000", "250000,5" in French, "250,000.5" in
    English, a € sign allowed), else the text itself, stripped ("" when empty), which
    ``what_if`` refuses with the reason said by :func:`error_text`."""
    raw = str(text).strip()
    t = SPACES.sub("", raw).replace("€", "")
    t = t.replace(",", ".") if lang == "fr" else t.replace(",", "")
    try:
        x = float(t)
    except ValueError:
        return raw
    return x if math.isfinite(x) else raw


def value_text(x: float, kind: str, lang: str) -> str:
    """A value in its input: "250 000" (whole), "406 597,50", "23,7" months."""
    if kind == "months":
        return number(x, 0 if float(x).is_integer() else 1, lang)
    return number(x, 0 if float(x).is_integer() else 2, lang)


def amount_text(x: float, kind: str, lang: str) -> str:
    """A value in a sentence: "250 000 €", "48 mois"."""
    if kind == "months":
        return tr("sim_months_value", lang, months=number(x, 0 if float(x).is_integer()
                                                           else 1, lang))
    return money(x, lang)


def range_text(lever: dict, lang: str) -> str:
    """"de 49 500 € à 2 363 796 €" (``lever``: one of ``Scorer.actionable_variables``)."""
    return tr("sim_range", lang, low=amount_text(lever["low"], lever["kind"], lang),
              high=amount_text(lever["high"], lever["kind"], lang))


def error_text(exc: WhatIfError, edits: dict, levers: dict, ranges: dict, lang: str) -> str:
    """The sentence for a change ``what_if`` refused, in ``lang``: an empty input, a text
    that is not a number, a value outside its plausible range (typed, or following from
    another: the instalment, the duration, the goods price, the goods price / credit ratio).
    ``levers``: ``{name: Scorer.actionable_variables item}``; ``ranges``:
    ``Scorer.simulation_ranges``. Another refusal is said with the library's words."""
    message = str(exc)
    match = NOT_A_NUMBER.match(message)
    if match and match["name"] in levers:
        lever = levers[match["name"]]
        typed = edits.get(match["name"], "")
        key = "sim_error_empty" if str(typed).strip() == "" else "sim_error_number"
        return tr(key, lang, label=lever["label"], value=typed, range=range_text(lever, lang))
    match = OUT_OF_RANGE.match(message)
    if match and match["name"] == GOODS_RATIO:
        parts = RATIO.search(match["why"])
        low, high = ranges[GOODS_RATIO]
        if parts:
            return tr("sim_error_ratio", lang, goods=money(float(parts["goods"]), lang),
                      credit=money(float(parts["credit"]), lang), low=number(low, 2, lang),
                      high=number(high, 2, lang))
    elif match and match["name"] in levers:
        lever = levers[match["name"]]
        try:
            value = amount_text(float(match["value"]), lever["kind"], lang)
        except ValueError:
            value = match["value"]
        key = "sim_error_follows" if "follows" in match["why"] else "sim_error_range"
        return tr(key, lang, label=lever["label"], value=value, range=range_text(lever, lang))
    return tr("sim_error_other", lang, detail=message)


class SimulationPanel(Panel):
    """The Simulation section of the state's client (``Scorer.what_if``,
    ``Scorer.recourse``), closed until its button opens it."""

    name = "simulation"
    watches = ("client_id", "lang", "edits")

    def __init__(self, state, scorer):
        super().__init__(state, scorer)
        self.lang = state.lang
        #: the section is open (computed) or closed (nothing computed on a switch)
        self.opened = False
        self.whatif = None           # the WhatIf drawn (None: none, or a refused change)
        self.recourse = None         # the Recourse drawn
        self.error_sentence = ""     # what was said about a refused change
        self._recourse_for = None    # (client, language) of self.recourse
        self._before = None          # (client, the application's raw values)
        self._quiet = False

        self.title = W.HTML()
        self.title.add_class("sc-sim-title")
        self.toggle = W.Button(layout=W.Layout(width="auto"))
        self.toggle.add_class("sc-sim-toggle")
        self.toggle.on_click(lambda _b: self.guarded(self.set_open, not self.opened))
        self.intro = W.HTML()
        self.intro.add_class("sc-note")
        self.labels, self.inputs, self.hints, rows = {}, {}, {}, []
        for name in FIELDS:
            label = W.HTML(layout=W.Layout(width="210px"))
            box = W.Text(continuous_update=False, layout=W.Layout(width="150px"))
            box.add_class("sc-sim-input")
            box.add_class(css_name(name))
            box.observe(lambda change, n=name: self.guarded(self.typed, n, change["new"]),
                        "value")
            hint = W.HTML()
            hint.add_class("sc-note")
            self.labels[name], self.inputs[name], self.hints[name] = label, box, hint
            rows.append(W.HBox([label, box, hint], layout=W.Layout(align_items="center")))
        self.either = W.HTML()
        self.either.add_class("sc-note")
        self.reset = W.Button(layout=W.Layout(width="auto", align_self="flex-start"))
        self.reset.add_class("sc-sim-reset")
        self.reset.on_click(lambda _b: self.guarded(self.reset_edits))
        self.error = W.HTML()
        self.error.add_class("sc-sim-error")
        self.real = W.HTML()
        self.real.add_class("sc-sim-real")

        self.badge = W.HTML()
        self.badge.add_class("sc-sim-badge")
        self.probability_label = W.HTML()
        self.probability = W.HTML()
        self.probability.add_class("sc-sim-probability")
        self.decision = W.HTML()
        self.decision.add_class("sc-sim-decision")
        self.meter = Gauge("sc-sim-gauge", simulated=True)
        self.outcome = W.HTML()
        self.outcome.add_class("sc-sim-outcome")
        self.reasons_title = W.HTML()
        self.reasons = W.HTML()
        self.reasons.add_class("sc-sim-reasons")
        head = W.HBox([W.VBox([self.badge, self.probability_label, self.probability]),
                       self.decision],
                      layout=W.Layout(justify_content="space-between", align_items="center"))
        self.result = W.VBox([head, self.meter.figure, self.outcome, self.reasons_title,
                              self.reasons],
                             layout=W.Layout(border="2px dashed #9AA5B1", padding="4px 10px",
                                             margin="6px 0"))
        self.result.add_class("sc-sim-result")

        self.options_title = W.HTML()
        self.option_texts, self.option_buttons, self.option_rows = [], [], []
        for i in range(MAX_OPTIONS):
            text = W.HTML(layout=W.Layout(flex="1 1 auto"))
            text.add_class("sc-sim-option")
            button = W.Button(layout=W.Layout(width="auto", min_width="170px"))
            button.add_class("sc-sim-apply")
            button.on_click(lambda _b, i=i: self.guarded(self.apply, i))
            self.option_texts.append(text)
            self.option_buttons.append(button)
            self.option_rows.append(W.HBox([text, button],
                                           layout=W.Layout(align_items="center")))
        self.recourse_message = W.HTML()
        self.recourse_message.add_class("sc-sim-recourse-message")
        self.recourse_box = W.VBox([self.options_title, *self.option_rows,
                                    self.recourse_message])
        self.recourse_box.add_class("sc-sim-recourse")

        self.body = W.VBox([self.intro, *rows, self.either, self.reset, self.error, self.real,
                            self.result, self.recourse_box])
        self.body.add_class("sc-sim-body")
        self.header = W.HBox([self.title, self.toggle],
                             layout=W.Layout(justify_content="space-between",
                                             align_items="center"))
        self.show_body(False)
        self.add_class("sc-card")
        self.add_class("sc-simulation")
        self.set_texts(self.lang)

    # ------------------------------------------------------------------ the contract
    def key(self, state) -> tuple:
        return (*super().key(state), self.opened)

    def set_texts(self, lang: str) -> None:
        self.title.value = tag("h2", tr("sim_section", lang))
        self.toggle.description = tr("sim_close" if self.opened else "sim_open", lang)
        self.intro.value = esc(tr("sim_intro", lang))
        self.either.value = esc(tr("sim_either", lang))
        self.reset.description = tr("sim_reset", lang)
        self.badge.value = tag("span", tr("sim_badge", lang), style=HATCH)
        self.probability_label.value = esc(tr("sim_probability", lang))
        self.reasons_title.value = tag("h3", tr("sim_reasons", lang))
        for button in self.option_buttons:
            button.description = tr("sim_apply", lang)
        self.meter.set_texts(lang)

    def refresh(self, state) -> None:
        self.lang = lang = state.lang
        cid = state.client_id
        self.toggle.description = tr("sim_close" if self.opened else "sim_open", lang)
        self.show_body(self.opened)
        if not self.opened:  # nothing computed until the advisor opens the section
            self.shown_client = cid
            return
        levers = {v["name"]: v for v in self.scorer.actionable_variables(lang)}
        edits = dict(state.edits)
        started = time.perf_counter()
        try:
            whatif, error = self.scorer.what_if(cid, edits, lang=lang), ""
        except WhatIfError as exc:
            whatif = None
            error = error_text(exc, edits, levers, self.scorer.simulation_ranges, lang)
        self.timings["scorer_what_if"] = time.perf_counter() - started
        if self._recourse_for != (cid, lang):
            started = time.perf_counter()
            self.recourse = self.scorer.recourse(cid, max_options=MAX_OPTIONS, lang=lang)
            self._recourse_for = (cid, lang)
            self.timings["scorer_recourse"] = time.perf_counter() - started
        if whatif is not None:
            self._before = (cid, whatif.before)
        elif self._before is None or self._before[0] != cid:  # a refused change first
            self._before = (cid, self.scorer.what_if(cid, {}, lang=lang).before)
        self.whatif, self.error_sentence = whatif, error
        self.draw_inputs(edits, whatif.values if whatif else self._before[1], levers, lang)
        self.draw_result(whatif, error, self.recourse.score, lang)
        self.draw_recourse(self.recourse, lang)
        self.shown_client = cid

    # ------------------------------------------------------------------ drawing
    def draw_inputs(self, edits: dict, values: dict, levers: dict, lang: str) -> None:
        """Each input: what the advisor typed, else the (simulated) application's value."""
        self._quiet = True
        try:
            for name in FIELDS:
                lever = levers[name]
                self.labels[name].value = esc(lever["label"])
                self.hints[name].value = esc(range_text(lever, lang))
                if name in edits:
                    typed = edits[name]
                    text = (typed if isinstance(typed, str)
                            else value_text(float(typed), lever["kind"], lang))
                else:
                    x = months_of(values) if name == DURATION else values[name]
                    text = "" if x is None or not math.isfinite(x) else value_text(
                        x, lever["kind"], lang)
                self.inputs[name].value = text
        finally:
            self._quiet = False

    def draw_result(self, whatif, error: str, real, lang: str) -> None:
        """The simulated score (or the sentence of a refused change) and the real one."""
        self.error.value = tag("p", error, style="color:#9F1C00;font-weight:600") if error \
            else ""
        self.real.value = tag("b", tr("sim_real", lang, p=probability_text(real.probability,
                                                                           lang,
                                                                           versus=real.threshold),
                                      decision=lower_first(tr(real.decision, lang))))
        self.result.layout.display = "none" if whatif is None else None
        if whatif is None:
            return
        s = whatif.score
        colour = DECISION_COLOURS[s.decision]
        self.probability.value = tag("span", probability_text(s.probability, lang,
                                                              versus=s.threshold),
                                     style="font-size:26px;font-weight:700")
        self.decision.value = tag("span", DECISION_ICONS[s.decision], " ",
                                  tr(s.decision, lang),
                                  style=f"color:{colour};font-size:19px;font-weight:700")
        self.meter.draw(s.probability, s.threshold, s.decision,
                        gauge_label("sim_gauge", s.probability, s.threshold, lang), lang,
                        real=real.probability, real_decision=real.decision,
                        real_label=tr("sim_gauge_real", lang,
                                      p=probability_text(real.probability, lang,
                                                           versus=real.threshold)))
        self.outcome.value = esc(outcome_sentence(whatif.values, s.probability, s.threshold,
                                                  s.decision, lang))
        self.reasons.value = reasons_html(whatif.explanation, lang)

    def draw_recourse(self, recourse, lang: str) -> None:
        """The options as sentences with their buttons, or the message and what weighs."""
        options = recourse.options[:MAX_OPTIONS]
        self.options_title.value = (tag("h3", tr("recourse_options", lang)) if options
                                    else "")
        for i, (row, text) in enumerate(zip(self.option_rows, self.option_texts)):
            if i < len(options):
                o = options[i]
                text.value = esc(outcome_sentence(o.values, o.probability,
                                                  recourse.score.threshold, o.decision, lang))
                row.layout.display = None
            else:
                text.value = ""
                row.layout.display = "none"
        parts = [tag("p", recourse.message)] if recourse.message else []
        if recourse.weighs_most:
            parts += [tag("h3", tr("recourse_weighs", lang)),
                      tag("ul", *(tag("li", x) for x in recourse.weighs_most))]
        self.recourse_message.value = join(parts)

    def show_body(self, opened: bool) -> None:
        """The section's body is laid out only while the section is open: a bqplot figure
        first drawn hidden (``display: none``, or a zero height) measures no room and draws
        every mark at its left edge; laid out when opened, it is drawn at the page's width.
        The widgets are built once; only their place in the page changes."""
        children = (self.header, self.body) if opened else (self.header,)
        if self.children != children:
            self.children = children

    # ------------------------------------------------------------------ the advisor
    def set_open(self, opened: bool = True) -> None:
        """Open (compute and show) or close the section."""
        self.opened = bool(opened)
        self.redraw()

    def typed(self, name: str, text) -> None:
        """The advisor typed ``text`` in the input of ``name``: into the state's edits (the
        duration replaces an instalment given before, and the other way round)."""
        if self._quiet:
            return
        edits = dict(self.state.edits)
        edits[name] = parse_value(text, self.state.lang)
        edits.pop(EITHER.get(name), None)
        self.state.edits = edits

    def apply(self, i: int) -> None:
        """Load the ``i``-th option into the simulation."""
        self.state.edits = dict(self.recourse.options[i].changes)

    def reset_edits(self) -> None:
        """Back to the real application."""
        self.state.edits = {}
