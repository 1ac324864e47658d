"""The *Modèle* / *Model* tab: how good the model is, what the threshold costs, whether it
treats groups of clients alike, and whether new applications still look like the training
ones.

Everything comes from the bundle's ``model_view.json`` (computed at build time:
:mod:`scoring_lib.monitor.statistics`) and, when one exists, the JSON of the last
``scoring monitor --out`` report (:func:`monitoring_report_path`). The threshold slider is
a **simulation**: it moves along the statistics' grid of thresholds and shows what that
threshold would do (approvals, expected cost, errors, fairness:
:func:`~scoring_lib.monitor.statistics.at_threshold`); the bank's threshold in the bundle
is never changed.

Like a panel (:mod:`.panel`), the tab builds its figures once and updates marks in place
under ``hold``; it follows the state's language. A bundle without the statistics shows one
sentence saying how to rebuild it.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import bqplot as bq
import ipywidgets as W

from ..compare.groups import FILTERS
from ..explain import level_text
from ..monitor.statistics import at_threshold, read_model_view
from .deferred import Deferred
from .panel import hold
from .safe import esc, join, tag
from .text import number, percent, tr
from .theme import BLUE, GREY, INK, ORANGE

log = logging.getLogger("scoring_lib.dashboard")
#: the environment variable naming the monitoring report's JSON the tab shows
REPORT_ENV = "SCORING_MONITOR_REPORT"
TOP_IMPORTANCE = 15
TOP_DRIFT = 5
ATTRIBUTES = ("gender", "age_band", "family_status", "children")

__all__ = ["ModelTab", "REPORT_ENV", "monitoring_report_path", "read_monitoring_report"]


def monitoring_report_path(bundle) -> Path:
    """Where the tab looks for a monitoring report: ``$SCORING_MONITOR_REPORT``, else
    ``<bundle>-monitoring.json`` beside the bundle folder (what ``scoring monitor --bundle B
    --out B-monitoring.html`` writes)."""
    env = os.environ.get(REPORT_ENV)
    if env:
        return Path(env)
    bundle = Path(bundle)
    return bundle.parent / f"{bundle.name}-monitoring.json"


def read_monitoring_report(path) -> dict | None:
    """The report at ``path``, or None if there is none (or not a readable one: logged)."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        report = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        log.warning("model tab: %s is not a readable monitoring report", path)
        return None
    if not isinstance(report, dict) or not {"score_psi", "features", "bands"} <= set(report):
        log.warning("model tab: %s is not a monitoring report", path)
        return None
    return report


def _figure(marks, axes, css: str, height: str = "260px") -> bq.Figure:
    figure = bq.Figure(marks=marks, axes=axes, layout=W.Layout(width="100%", height=height),
                       fig_margin={"top": 36, "bottom": 48, "left": 64, "right": 24},
                       background_style={"fill": "white"}, title_style={"font-size": "14px"})
    figure.add_class(css)
    return figure


def _unit_scales():
    return bq.LinearScale(min=0.0, max=100.0), bq.LinearScale(min=0.0, max=100.0)


class ModelTab(W.VBox):
    """The model tab on ``scorer``'s bundle, following ``state.lang``."""

    name = "model"

    def __init__(self, state, scorer, report_path=None):
        super().__init__()
        self.add_class("sc-model")
        self.state = state
        self.scorer = scorer
        bundle = scorer.bundle
        self.view = read_model_view(bundle)
        self.report_path = Path(report_path) if report_path else monitoring_report_path(
            bundle.path)
        self.report = read_monitoring_report(self.report_path)
        self.simulated: dict | None = None
        self.title = W.HTML()
        self.headline = W.HTML()
        self.headline.add_class("sc-model-headline")
        self.monitoring = W.HTML()
        self.monitoring.add_class("sc-model-monitoring")
        self.missing = W.HTML()
        self.missing.add_class("sc-model-missing")
        #: the figures and the slider exist, as widget models with their data and texts,
        #: in the tab from the start (made while the kernel prepares the page); the
        #: browser draws them when the tab is first shown (:class:`~.deferred.Deferred`:
        #: a bqplot figure drawn in a hidden tab has no size), without asking the kernel
        self.prepared = False
        self.unsaid_failure = False
        self.children = ([self.title, self.missing, self.monitoring] if self.view is None
                         else [self.title, self.headline])
        state.observe(self._lang_changed, "lang")
        self.set_texts(state.lang)
        self._prepare()

    def tab_selected(self, change) -> None:
        """For the Tab holding this one (``observe(..., "selected_index")``): a failure to
        build the figures is said when the tab is first selected (the client view opens as
        usual)."""
        children = change["owner"].children
        index = change["new"]
        if (index is not None and 0 <= index < len(children) and children[index] is self
                and self.unsaid_failure):
            self.unsaid_failure = False
            self.state.fail(self.name)

    def _prepare(self) -> None:
        """Make the figures and the slider with their texts, not shown yet (once; a failure
        is logged, and said when the tab is shown)."""
        if self.prepared or self.view is None:
            return
        try:
            self._build()
            self.prepared = True
            self.set_texts(self.state.lang)
            self.children = [self.title, self.headline, Deferred(self.body)]
        except Exception:  # noqa: BLE001 - the rest of the page still works
            self.prepared = False
            log.exception("dashboard: the model tab could not be built from %s",
                          self.scorer.bundle.path)
            self.view = None
            self.children = [self.title, self.missing, self.monitoring]
            self.set_texts(self.state.lang)
            self.unsaid_failure = True

    # ---------------------------------------------------------------------- building
    def _build(self) -> None:
        grid = self.view["thresholds"]
        self.bank_index = int(grid["bank_index"])
        self.slider_label = W.HTML()
        self.slider = W.IntSlider(min=0, max=len(grid["threshold"]) - 1,
                                  value=self.bank_index, readout=False,
                                  continuous_update=False, layout=W.Layout(width="420px"))
        self.slider.add_class("sc-threshold-slider")
        self.slider.observe(self._slid, "value")
        self.reset = W.Button(layout=W.Layout(width="auto"))
        self.reset.add_class("sc-threshold-reset")
        self.reset.on_click(lambda _b: setattr(self.slider, "value", self.bank_index))
        self.note = W.HTML()
        self.note.add_class("sc-note")
        self.summary = W.HTML()
        self.summary.add_class("sc-simulation-summary")
        self.key = W.HTML()
        self.key.add_class("sc-note")
        self.key.add_class("sc-figures-key")
        self.fairness = W.HTML()
        self.fairness.add_class("sc-fairness")
        self.imp_note = W.HTML()  # what |SHAP| and log-odds mean, under the figure
        self.imp_note.add_class("sc-importance-note")
        self._figures()
        controls = W.VBox([self.slider_label, W.HBox([self.slider, self.reset]), self.note,
                           self.summary, self.key])
        controls.add_class("sc-card")
        row = W.Layout(width="100%")
        #: what the browser draws when the tab is first shown
        self.body = W.VBox([
            controls,
            W.HBox([self.f_cost, self.f_approval], layout=row),
            W.HBox([self.f_roc, self.f_pr], layout=row),
            W.HBox([self.f_distributions, self.f_calibration], layout=row),
            self.fairness, self.f_importance, self.imp_note, self.monitoring],
            layout=W.Layout(width="100%"))

    def _figures(self) -> None:
        view, grid = self.view, self.view["thresholds"]
        curves = view["curves"]
        pct = [100 * t for t in grid["threshold"]]
        top = min(100.0, max(5.0, 100 * float(curves["distributions"]["edges"][-1])))
        self.top = top
        # cost and approval rate against the threshold
        x, y = bq.LinearScale(min=0.0, max=top), bq.LinearScale()
        s = {"x": x, "y": y}
        self.cost_line = bq.Lines(x=pct, y=grid["cost"], scales=s, colors=[INK])
        self.cost_refs = bq.Lines(x=[[0, top], [0, top]],
                                  y=[[grid["accept_all"]] * 2, [grid["refuse_all"]] * 2],
                                  scales=s, colors=[BLUE, ORANGE], line_style="dashed",
                                  display_legend=True, labels=["", ""])
        ymax = max(max(grid["cost"][:len(pct)]), grid["refuse_all"], grid["accept_all"])
        self.cost_marks = self._threshold_marks(s, 0, ymax)
        self.cost_x, self.cost_y = bq.Axis(scale=x), bq.Axis(scale=y, side="left")
        self.f_cost = _figure([self.cost_line, self.cost_refs, *self.cost_marks],
                              [self.cost_x, self.cost_y], "sc-fig-cost")
        self.f_cost.legend_location = "bottom-right"
        x, y = bq.LinearScale(min=0.0, max=top), bq.LinearScale(min=0.0, max=100.0)
        s = {"x": x, "y": y}
        self.approval_line = bq.Lines(x=pct, y=[100 * a for a in grid["approval_rate"]],
                                      scales=s, colors=[BLUE])
        self.approval_marks = self._threshold_marks(s, 0, 100)
        self.approval_x = bq.Axis(scale=x)
        self.approval_y = bq.Axis(scale=y, side="left")
        self.f_approval = _figure([self.approval_line, *self.approval_marks],
                                  [self.approval_x, self.approval_y], "sc-fig-approval")
        self.f_approval.legend_location = "bottom-right"
        # ROC and precision-recall with the bank's and the simulated operating points
        roc, pr, op = curves["roc"], curves["pr"], curves["operating_point"]
        x, y = _unit_scales()
        s = {"x": x, "y": y}
        self.roc_line = bq.Lines(x=[100 * v for v in roc["fpr"]],
                                 y=[100 * v for v in roc["tpr"]], scales=s, colors=[INK])
        self.roc_diag = bq.Lines(x=[0, 100], y=[0, 100], scales=s, colors=[GREY],
                                 line_style="dashed")
        self.roc_points = bq.Scatter(x=[100 * op["fpr"]] * 2, y=[100 * op["tpr"]] * 2,
                                     scales=s, colors=[INK, ORANGE], default_size=64)
        self.roc_x, self.roc_y = bq.Axis(scale=x), bq.Axis(scale=y, side="left")
        self.f_roc = _figure([self.roc_line, self.roc_diag, self.roc_points],
                             [self.roc_x, self.roc_y], "sc-fig-roc")
        x, y = _unit_scales()
        s = {"x": x, "y": y}
        self.pr_line = bq.Lines(x=[100 * v for v in pr["recall"]],
                                y=[100 * v for v in pr["precision"]], scales=s, colors=[INK])
        self.pr_base = bq.Lines(x=[0, 100], y=[100 * pr["default_rate"]] * 2, scales=s,
                                colors=[GREY], line_style="dashed")
        self.pr_points = bq.Scatter(x=[100 * op["tpr"]] * 2, y=[100 * op["precision"]] * 2,
                                    scales=s, colors=[INK, ORANGE], default_size=64)
        self.pr_x, self.pr_y = bq.Axis(scale=x), bq.Axis(scale=y, side="left")
        self.f_pr = _figure([self.pr_line, self.pr_base, self.pr_points],
                            [self.pr_x, self.pr_y], "sc-fig-pr")
        # score distributions by outcome, calibration
        d = curves["distributions"]
        mids = [50 * (a + b) for a, b in zip(d["edges"][:-1], d["edges"][1:])]
        x, y = bq.LinearScale(min=0.0, max=top), bq.LinearScale(min=0.0)
        s = {"x": x, "y": y}
        self.dist_lines = bq.Lines(x=[mids, mids], y=[[100 * v for v in d["repaid"]],
                                                      [100 * v for v in d["defaulted"]]],
                                   scales=s, colors=[BLUE, ORANGE], display_legend=True,
                                   labels=["", ""])
        ymax = 100 * max(max(d["repaid"]), max(d["defaulted"]))
        # no threshold legend here: it would cover the curves (the key under the slider)
        self.dist_marks = self._threshold_marks(s, 0, ymax, legend=False)
        self.dist_x, self.dist_y = bq.Axis(scale=x), bq.Axis(scale=y, side="left")
        self.f_distributions = _figure([self.dist_lines, *self.dist_marks],
                                       [self.dist_x, self.dist_y], "sc-fig-distributions")
        c = curves["calibration"]
        far = 100 * max(max(c["predicted"]), max(c["observed"]), 1e-3) * 1.05
        x, y = bq.LinearScale(min=0.0, max=far), bq.LinearScale(min=0.0, max=far)
        s = {"x": x, "y": y}
        self.cal_line = bq.Lines(x=[100 * v for v in c["predicted"]],
                                 y=[100 * v for v in c["observed"]], scales=s, colors=[BLUE],
                                 marker="circle")
        self.cal_diag = bq.Lines(x=[0, far], y=[0, far], scales=s, colors=[GREY],
                                 line_style="dashed")
        self.cal_x, self.cal_y = bq.Axis(scale=x), bq.Axis(scale=y, side="left")
        self.f_calibration = _figure([self.cal_line, self.cal_diag], [self.cal_x, self.cal_y],
                                     "sc-fig-calibration")
        # global importance (grouped variables), largest at the top
        imp = (view.get("importance") or [])[:TOP_IMPORTANCE][::-1]
        self.importance = imp
        x, y = bq.OrdinalScale(), bq.LinearScale(min=0.0)
        self.imp_bars = bq.Bars(x=[r["label_en"] for r in imp],
                                y=[r["mean_abs_shap"] for r in imp], scales={"x": x, "y": y},
                                orientation="horizontal", colors=[BLUE])
        self.imp_x = bq.Axis(scale=x, side="left")
        self.imp_y = bq.Axis(scale=y)
        self.f_importance = _figure([self.imp_bars], [self.imp_x, self.imp_y],
                                    "sc-fig-importance", height=f"{120 + 24 * len(imp)}px")
        self.f_importance.fig_margin = {"top": 36, "bottom": 48, "left": 420, "right": 16}

    @staticmethod
    def _threshold_marks(scales, low, high, legend=True):
        """The bank's threshold (black dashes) and the simulated one (orange), named in the
        figure's legend (:meth:`set_texts`) with ``legend``."""
        bank = bq.Lines(x=[0, 0], y=[low, high], scales=scales, colors=[INK],
                        line_style="dashed", stroke_width=2, display_legend=legend,
                        labels=[""])
        simulated = bq.Lines(x=[0, 0], y=[low, high], scales=scales, colors=[ORANGE],
                             stroke_width=2, display_legend=legend, labels=[""])
        return [bank, simulated]

    # ---------------------------------------------------------------------- drawing
    def _slid(self, _change) -> None:
        try:
            self._draw_simulation()
        except Exception:  # noqa: BLE001 - said as the part's failure, never raised
            log.exception("dashboard: model tab failed")
            self.state.fail(self.name)

    def simulate(self, index: int) -> dict:
        """Move the slider to ``index`` of the grid; returns what it shows."""
        self.slider.value = int(index)
        return self.simulated

    def _draw_simulation(self) -> None:
        lang = self.state.lang
        sim = at_threshold(self.view, self.slider.value)
        bank = at_threshold(self.view, self.bank_index, n_boot=0) if not sim["is_bank"] \
            else sim
        self.simulated = sim
        t_sim, t_bank = 100 * sim["threshold"], 100 * self.view["threshold"]
        for marks in (self.cost_marks, self.approval_marks, self.dist_marks):
            with hold(*marks):
                marks[0].x = [t_bank, t_bank]
                marks[1].x = [t_sim, t_sim]
        with hold(self.roc_points, self.pr_points):
            self.roc_points.x = [100 * bank["fpr"], 100 * sim["fpr"]]
            self.roc_points.y = [100 * bank["tpr"], 100 * sim["tpr"]]
            self.pr_points.x = [100 * bank["tpr"], 100 * sim["tpr"]]
            self.pr_points.y = [100 * _nan0(bank["precision"]), 100 * _nan0(sim["precision"])]
        thr = percent(sim["threshold"], lang, 2)
        self.slider_label.value = tag("b", esc(tr("sim_threshold", lang, threshold=thr,
                                                  bank=tr("sim_is_bank", lang)
                                                  if sim["is_bank"] else "")))
        cost = lambda v: number(v, 3, lang)  # noqa: E731
        self.summary.value = join([
            tag("p", esc(tr("sim_approvals", lang, rate=percent(sim["approval_rate"], lang),
                            bank=percent(bank["approval_rate"], lang)))),
            tag("p", esc(tr("sim_cost", lang, cost=cost(sim["cost"]), bank=cost(bank["cost"]),
                            accept=cost(sim["accept_all"]),
                            refuse=cost(sim["refuse_all"])))),
            tag("p", esc(tr("sim_errors", lang, fnr=percent(sim["fnr"], lang),
                            fpr=percent(sim["fpr"], lang)))),
            tag("p", esc(tr("sim_cost_unit", lang,
                            cost_fn=number(self.view["cost_fn"] / self.view["cost_fp"], 0,
                                           lang))), css="sc-note")])
        self.fairness.value = self._fairness_html(sim["fairness"], lang)

    def _fairness_html(self, rows, lang: str):
        def interval(r, key, fmt):
            return join([tag("span", esc(fmt(r[key]))),
                         tag("span", esc(f" [{fmt(r[key + '_low'])} ; {fmt(r[key + '_high'])}]"
                                         if lang == "fr" else
                                         f" [{fmt(r[key + '_low'])}, {fmt(r[key + '_high'])}]"),
                             css="sc-ci")])

        pct = lambda v: "—" if v != v else percent(v, lang)  # noqa: E731 - NaN: undefined
        ratio = lambda v: "—" if v != v else number(v, 2, lang)  # noqa: E731
        head = tag("tr", *(tag("th", esc(tr(k, lang))) for k in (
            "fair_group", "fair_n", "fair_approval", "fair_default", "fair_fnr", "fair_fpr",
            "fair_ratio")))
        body = []
        for attribute in ATTRIBUTES:
            part = [r for r in rows if r["attribute"] == attribute]
            if not part:
                continue
            body.append(tag("tr", tag("td", tag("b", esc(tr(f"attr_{attribute}", lang))),
                                      colspan="7"), css="sc-fair-attribute"))
            for r in part:
                below = (tag("span", esc(" " + tr("fair_below", lang)), css="sc-below")
                         if r["below_four_fifths"] else "")
                body.append(tag("tr", tag("td", esc(_group_text(attribute, r["group"], lang))),
                                tag("td", esc(number(r["n"], 0, lang))),
                                tag("td", interval(r, "approval_rate", pct)),
                                tag("td", interval(r, "default_rate_granted", pct)),
                                tag("td", interval(r, "false_negative_rate", pct)),
                                tag("td", interval(r, "false_positive_rate", pct)),
                                tag("td", interval(r, "approval_ratio", ratio), below)))
        return join([tag("h3", esc(tr("fairness_title", lang))),
                     tag("table", head, *body, css="sc-fairness-table"),
                     tag("p", esc(tr("fairness_note", lang)), css="sc-note")])

    # ---------------------------------------------------------------------- texts
    def _lang_changed(self, change) -> None:
        try:
            self.set_texts(change["new"])
        except Exception:  # noqa: BLE001
            log.exception("dashboard: model tab texts failed")
            self.state.fail(self.name)

    def set_texts(self, lang: str) -> None:
        self.title.value = tag("h2", esc(tr("model_title", lang)))
        self.monitoring.value = self._monitoring_html(lang)
        if self.view is None:
            self.missing.value = tag("p", esc(tr("model_missing", lang)))
            return
        v, roc = self.view, self.view["curves"]["roc"]
        self.headline.value = join([
            tag("p", esc(tr("model_headline", lang, n=number(v["n_oof"], 0, lang),
                            auc=number(roc["auc"], 3, lang),
                            threshold=percent(v["threshold"], lang, 2)))),
            tag("p", esc(tr("gloss_auc", lang)), css="sc-gloss")])
        if not self.prepared:
            return
        self.reset.description = tr("slider_reset", lang)
        self.note.value = esc(tr("simulation_note", lang,
                                 threshold=percent(v["threshold"], lang, 2)))
        self.key.value = esc(tr("figures_key", lang))
        self.imp_note.value = join([tag("p", esc(tr(k, lang)), css="sc-gloss")
                                    for k in ("gloss_shap", "gloss_log_odds")])
        axis = tr("axis_threshold", lang)
        marks = (*self.cost_marks, *self.approval_marks)
        with hold(*marks, self.cost_x, self.cost_y, self.approval_x, self.approval_y,
                  self.cost_refs, self.dist_lines, self.roc_x, self.roc_y, self.pr_x,
                  self.pr_y, self.dist_x, self.dist_y, self.cal_x, self.cal_y, self.imp_x,
                  self.imp_y):
            self.f_cost.title = tr("fig_cost", lang)
            self.cost_x.label, self.cost_y.label = axis, tr("axis_cost", lang)
            self.cost_refs.labels = [tr("legend_accept_all", lang),
                                     tr("legend_refuse_all", lang)]
            self.f_approval.title = tr("fig_approval", lang)
            self.approval_x.label = axis
            self.approval_y.label = tr("axis_approval", lang)
            self.f_roc.title = tr("fig_roc", lang, auc=number(roc["auc"], 3, lang))
            self.roc_x.label, self.roc_y.label = tr("axis_fpr", lang), tr("axis_tpr", lang)
            self.f_pr.title = tr("fig_pr", lang)
            self.pr_x.label = tr("axis_recall", lang)
            self.pr_y.label = tr("axis_precision", lang)
            self.f_distributions.title = tr("fig_distributions", lang)
            self.dist_x.label, self.dist_y.label = tr("gauge_axis", lang), tr("axis_share",
                                                                               lang)
            self.dist_lines.labels = [tr("legend_repaid", lang), tr("legend_defaulted", lang)]
            self.f_calibration.title = tr("fig_calibration", lang)
            self.cal_x.label = tr("axis_predicted", lang)
            self.cal_y.label = tr("axis_observed", lang)
            self.f_importance.title = tr("fig_importance", lang)
            self.imp_y.label = "|SHAP|"
            for bank, simulated in (self.cost_marks, self.approval_marks):
                bank.labels = [tr("legend_bank_threshold", lang)]
                simulated.labels = [tr("legend_simulated_threshold", lang)]
        key = "label_fr" if lang == "fr" else "label_en"
        with hold(self.imp_bars):
            self.imp_bars.x = _unique([r[key] for r in self.importance])
        self._draw_simulation()

    def _monitoring_html(self, lang: str):
        from ..monitor.report import band_word

        title = tag("h3", esc(tr("monitoring_title", lang)))
        r = self.report
        if r is None:
            html_path = self.report_path.with_suffix(".html")
            return join([title, tag("p", esc(tr("monitoring_none", lang,
                                                bundle=str(self.scorer.bundle.path),
                                                report=str(html_path))))])
        psi = "—" if r.get("score_psi") is None else number(r["score_psi"], 3, lang)
        b = r["bands"]
        items = [tag("li", esc(tr("monitor_feature", lang, label=label, code=f["feature"],
                                  psi=number(f["psi"], 3, lang),
                                  band=band_word(f["band"], lang))))
                 for f in r["features"][:TOP_DRIFT]
                 for label in [self._drift_label(f, lang)]]
        return join([title,
                     tag("p", esc(tr("monitor_populations", lang,
                                     n_new=number(r["n_new"], 0, lang),
                                     table=r.get("table", ""),
                                     n_reference=number(r["n_reference"], 0, lang)))),
                     tag("p", esc(tr("monitor_score", lang, psi=psi,
                                     band=band_word(r.get("score_band"), lang)))),
                     tag("p", esc(tr("monitor_bands", lang, act=b["act"], watch=b["watch"],
                                     stable=b["stable"]))),
                     tag("p", esc(tr("monitor_top", lang, k=len(items)))),
                     tag("ul", *items),
                     tag("p", esc(tr("gloss_psi", lang)), css="sc-gloss")])

    def _drift_label(self, record: dict, lang: str) -> str:
        """The label of a drifting variable: the report's, else the features dictionary's
        (a report written before labels were kept), else its code name."""
        if record.get(f"label_{lang}"):
            return record[f"label_{lang}"]
        d = self.scorer.dictionary
        return (str(d.at[record["feature"], f"label_{lang}"]) if record["feature"] in d.index
                else record["feature"])


def _group_text(attribute: str, group, lang: str) -> str:
    """A group of the fairness table as the page's filters name it ("Femme", "Marié(e)"),
    not the raw data's code; age bands and numbers of children as they are."""
    column, kind = FILTERS.get(attribute, (None, None))
    text = level_text(column, group, lang) if kind == "level" else str(group)
    return text[:1].upper() + text[1:]


def _unique(labels: list[str]) -> list[str]:
    """Labels made distinct (an ordinal axis merges equal ones): a repeat gets " (2)"."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _nan0(value: float) -> float:
    return 0.0 if value != value else value
