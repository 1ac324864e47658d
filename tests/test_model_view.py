"""The model statistics of a bundle (model_view.json) and the Modèle / Model tab: the
slider's simulation against the bundle's metrics and hand counts, the grouped importance,
the monitoring summary, both languages, a bundle without statistics."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from model_view_bundle import model_view_bundle
from scoring_lib.dashboard.model_view import ModelTab
from scoring_lib.dashboard.state import DashboardState
from scoring_lib.monitor.statistics import global_importance, read_model_view
from scoring_lib.scoring import Scorer
from scoring_lib.words import percent


@pytest.fixture(scope="module")
def mv():
    path, fs, tables = model_view_bundle()
    return path, fs, tables, Scorer.from_bundle(path)


def test_statistics_are_those_of_the_out_of_fold_scores(mv):
    path, _, _, scorer = mv
    bundle = scorer.bundle
    view = read_model_view(bundle)
    oof = bundle.scores.dropna(subset=["PROBA_OOF"])
    assert view["n_oof"] == len(oof) == bundle.metrics["n_train"]
    curves = view["curves"]
    from sklearn.metrics import roc_auc_score

    assert curves["roc"]["auc"] == pytest.approx(roc_auc_score(oof["TARGET"],
                                                               oof["PROBA_OOF"]))
    op = curves["operating_point"]
    refused = oof["PROBA_OOF"] >= bundle.threshold
    assert op["tp"] == int((refused & (oof["TARGET"] == 1)).sum())
    assert 1 - op["approval_rate"] == pytest.approx(bundle.metrics["refused_share"])
    assert sum(curves["calibration"]["n"]) == len(oof)
    # the fairness table at the bank's threshold, by hand for women
    apps = bundle.get_application_columns(["CODE_GENDER"]).loc[oof.index]
    women = (apps["CODE_GENDER"] == "F").to_numpy()
    row = next(r for r in view["fairness"] if r["attribute"] == "gender" and r["group"] == "F")
    assert row["n"] == int(women.sum())
    assert row["approval_rate"] == pytest.approx(float((~refused[women]).mean()))
    granted_w = ~refused.to_numpy() & women
    assert row["default_rate_granted"] == pytest.approx(
        float(oof["TARGET"].to_numpy()[granted_w].mean()))
    for r in view["fairness"]:
        for rate in ("approval_rate", "approval_ratio"):
            assert r[f"{rate}_low"] <= r[rate] <= r[f"{rate}_high"], (r["group"], rate)


def test_global_importance_sums_features_by_variable_before_the_mean(mv):
    _, fs, _, _ = mv
    names = ["BURO_DAYS_CREDIT_MEAN", "BURO_DAYS_CREDIT_MAX", "EXT_SOURCE_3"]
    shap = np.array([[1.0, -0.5, 0.2], [-1.0, -1.0, -0.4], [0.0, 0.5, 0.0]])
    out = {r["group"]: r for r in global_importance(shap, names, fs.metadata)}
    credit = next(g for g in out if g.endswith("DAYS_CREDIT"))
    # per client: |1 - 0.5| = 0.5, |-2| = 2, |0.5| = 0.5 -> mean 1.0 (not mean |x| per feature)
    assert out[credit]["mean_abs_shap"] == pytest.approx(1.0)
    assert out[credit]["n_features"] == 2
    assert out["application:EXT_SOURCE_3"]["mean_abs_shap"] == pytest.approx(0.2)
    assert [r["group"] for r in global_importance(shap, names, fs.metadata)][0] == credit


def test_the_slider_simulates_and_comes_back_to_the_bundle_metrics(mv):
    path, _, _, scorer = mv
    manifest_before = hashlib.sha256((path / "bundle.json").read_bytes()).hexdigest()
    state = DashboardState(lang="fr")
    tab = ModelTab(state, scorer)
    assert tab.prepared and len(tab.children) == 3     # title, headline, the drawn-later body
    m, bank = scorer.bundle.metrics, scorer.bundle.threshold
    sim = tab.simulated
    assert sim["is_bank"] and sim["threshold"] == bank
    assert sim["approval_rate"] == pytest.approx(1 - m["refused_share"])
    assert sim["cost"] == pytest.approx(m["business_cost"])
    assert percent(1 - m["refused_share"], "fr") in tab.summary.value
    assert "(celui de la banque)" in tab.slider_label.value
    # a stricter threshold: fewer approvals, computed from the OOF scores by hand
    oof = scorer.bundle.scores.dropna(subset=["PROBA_OOF"])
    index = tab.bank_index // 3
    sim = tab.simulate(index)
    t = sim["threshold"]
    assert t < bank and not sim["is_bank"]
    assert sim["approval_rate"] == pytest.approx(float((oof["PROBA_OOF"] < t).mean()))
    fn = int(((oof["PROBA_OOF"] < t) & (oof["TARGET"] == 1)).sum())
    fp = int(((oof["PROBA_OOF"] >= t) & (oof["TARGET"] == 0)).sum())
    assert sim["cost"] == pytest.approx((10 * fn + fp) / len(oof))
    assert percent(sim["approval_rate"], "fr") in tab.summary.value
    assert "(celui de la banque)" not in tab.slider_label.value
    women = next(r for r in sim["fairness"] if r["group"] == "F")
    gender = scorer.bundle.get_application_columns(["CODE_GENDER"]).loc[oof.index,
                                                                         "CODE_GENDER"]
    w = (gender == "F").to_numpy()
    assert women["approval_rate"] == pytest.approx(float((oof["PROBA_OOF"].to_numpy()[w]
                                                          < t).mean()))
    # the simulated marks moved, the bank's did not
    assert tab.cost_marks[1].x[0] == pytest.approx(100 * t)
    assert tab.cost_marks[0].x[0] == pytest.approx(100 * bank)
    # the bank's threshold is never changed: same scorer decisions, same manifest
    assert scorer.bundle.threshold == bank
    client = int(scorer.client_ids[0])
    assert scorer.score(client).threshold == bank
    tab.reset.click()
    assert tab.simulated["is_bank"]
    assert tab.simulated["cost"] == pytest.approx(m["business_cost"])
    assert hashlib.sha256((path / "bundle.json").read_bytes()).hexdigest() == manifest_before


def test_the_tab_in_both_languages_with_a_monitoring_report(mv, tmp_path):
    path, _, _, scorer = mv
    from scoring_lib.data.synth import synthesize
    from scoring_lib.monitor.command import write_report
    from scoring_lib.monitor.monitor import run_monitor

    data = tmp_path / "raw"
    synthesize(data, 1500, 400, 3, "parquet")
    report_html = tmp_path / "mv-monitoring.html"
    write_report(run_monitor(path, data), report_html)
    state = DashboardState(lang="fr")
    tab = ModelTab(state, scorer, report_path=report_html.with_suffix(".json"))
    assert "Mesures hors échantillon (validation croisée) sur 1 500 clients" in \
        tab.headline.value.replace("\u202f", " ").replace("\xa0", " ")
    assert "400 nouvelles demandes (application_test)" in tab.monitoring.value
    assert "Score : PSI" in tab.monitoring.value
    assert "Équité par groupe au seuil simulé" in tab.fairness.value
    assert tab.f_cost.title == "Coût attendu selon le seuil"
    assert "Sexe" in tab.fairness.value and "Tranche d&#x27;âge" in tab.fairness.value
    french = list(tab.imp_bars.x)
    state.lang = "en"
    assert "Out-of-fold measures (cross-validation) on 1,500 clients" in tab.headline.value
    assert "400 new applications (application_test)" in tab.monitoring.value
    assert tab.f_cost.title == "Expected cost by threshold"
    assert tab.cost_refs.labels == ["Accept all", "Refuse all"]
    assert "Gender" in tab.fairness.value and "Approval ratio" in tab.fairness.value
    assert list(tab.imp_bars.x) != french and len(tab.imp_bars.x) == len(french)
    assert tab.reset.description == "Back to the bank's threshold"


def _text(html: str) -> str:
    """What a person reads in an HTML value: tags dropped, entities and spaces decoded."""
    import html as h
    import re

    return h.unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ").replace("\xa0", " ")


def test_drift_is_said_by_label_and_the_jargon_in_plain_words(mv, tmp_path):
    """The monitoring summary names a drifting variable as a person knows it, its code name
    beside it (for a data scientist), also for a report written before labels were kept;
    AUC, |SHAP|, log-odds and PSI each have one plain line beside them, in FR and EN."""
    path, _, _, scorer = mv
    from scoring_lib.explain.application_labels import APPLICATION
    from scoring_lib.monitor.command import write_report

    ext3 = APPLICATION["EXT_SOURCE_3"]
    report = {"score_psi": 0.04, "score_band": "stable", "n_new": 400, "n_reference": 1500,
              "table": "application_test", "bands": {"act": 1, "watch": 0, "stable": 1},
              "features": [{"feature": "EXT_SOURCE_3", "psi": 0.31, "band": "act",
                            "label_fr": ext3.fr, "label_en": ext3.en},
                           # no label kept (an older report): the features dictionary's
                           {"feature": "AMT_CREDIT", "psi": 0.01, "band": "stable"}]}
    write_report(report, tmp_path / "r.html")
    state = DashboardState(lang="fr")
    tab = ModelTab(state, scorer, report_path=tmp_path / "r.json")
    credit_fr, credit_en = (scorer.dictionary.at["AMT_CREDIT", k] for k in ("label_fr",
                                                                            "label_en"))
    for lang, lines in (
            ("fr", [f"{ext3.fr} (EXT_SOURCE_3) : PSI 0,310, à traiter",
                    f"{credit_fr} (AMT_CREDIT) : PSI 0,010, stable",
                    "PSI (indice de stabilité de la population) : l'écart entre"]),
            ("en", [f"{ext3.en} (EXT_SOURCE_3): PSI 0.310, act",
                    f"{credit_en} (AMT_CREDIT): PSI 0.010, stable",
                    "PSI (population stability index): how far a variable's"])):
        state.lang = lang
        monitoring = _text(tab.monitoring.value)
        for line in lines:
            assert line in monitoring, (lang, line, monitoring)
    for lang, auc, shap, log_odds, half in (
            ("fr", "AUC : probabilité que le modèle classe un client défaillant au-dessus "
                   "d'un client qui rembourse (0,5 = hasard, 1 = parfait).",
             "|SHAP| : de combien une variable déplace en moyenne le score",
             "log-odds : l'échelle interne du modèle", "50 %"),
            ("en", "AUC: the probability that the model ranks a client who defaults above a "
                   "client who repays (0.5 = chance, 1 = perfect).",
             "|SHAP|: how far a variable moves a client's score on average",
             "log-odds: the model's internal scale", "50%")):
        state.lang = lang
        assert auc in _text(tab.headline.value)
        note = _text(tab.imp_note.value)
        assert shap in note and log_odds in note and half in note
    # the note sits right under the importance figure that uses both words
    shown = list(tab.body.children)
    assert shown.index(tab.imp_note) == shown.index(tab.f_importance) + 1


def test_the_figures_tell_the_banks_threshold_from_the_simulated_one(mv):
    """The cost and approval figures' legends name their two vertical lines (not the
    distributions': the legend would cover the curves), and a key under the slider says
    which line and dot is which, in the page's language."""
    scorer = mv[3]
    state = DashboardState(lang="fr")
    tab = ModelTab(state, scorer)
    for lang, bank, simulated, key in (
            ("fr", "Seuil de la banque", "Seuil simulé", "tirets noirs et point noir"),
            ("en", "The bank's threshold", "Simulated threshold",
             "black dashes and black dot")):
        state.lang = lang
        for marks in (tab.cost_marks, tab.approval_marks):
            assert [m.display_legend for m in marks] == [True, True]
            assert [m.labels for m in marks] == [[bank], [simulated]]
        assert key in tab.key.value


def test_the_fairness_groups_are_named_in_the_page_s_language(mv):
    """The groups of the fairness table read as the filters name them (not the raw data's
    English codes "F", "Married" in a French page)."""
    import re

    state = DashboardState(lang="fr")
    tab = ModelTab(state, mv[3])

    def groups():
        return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(
            r"<tr><td>(.*?)</td>", tab.fairness.value)]

    french = groups()
    assert {"Femme", "Homme", "Marié(e)", "Célibataire"} <= set(french), french
    assert not {"F", "M", "Married", "Single / not married"} & set(french)
    assert "18-24" in french and "0" in french
    state.lang = "en"
    english = groups()
    assert {"Woman", "Man", "Married", "Single"} <= set(english), english
    assert len(english) == len(french)


def test_a_bundle_without_statistics_says_how_to_rebuild(tiny_bundle):
    scorer = Scorer.from_bundle(tiny_bundle[0])
    assert read_model_view(scorer.bundle) is None
    state = DashboardState(lang="fr")
    tab = ModelTab(state, scorer, report_path=tiny_bundle[0].parent / "none.json")
    assert "ne contient pas les statistiques du modèle" in tab.missing.value
    assert "scoring build" in tab.missing.value
    state.lang = "en"
    assert "has no model statistics" in tab.missing.value
    assert "No monitoring report for this scoring bundle" in tab.monitoring.value


def test_the_app_puts_the_client_view_and_the_model_tab_side_by_side(mv):
    from scoring_lib.dashboard.app import build_app

    app = build_app(mv[3], lang="fr")
    assert app.tabs.titles == ("Client", "Modèle")
    assert app.tabs.children[1] is app.model_tab
    app.tabs.selected_index = 1
    assert app.model_tab.simulated["is_bank"]
    app.set_lang("en")
    assert app.tabs.titles == ("Client", "Model")
    assert "Expected cost" in app.model_tab.summary.value
    assert app.show_client(int(mv[3].client_ids[1]))   # the client view still works


def test_the_modelling_notebook_beeswarm_by_variable(mv):
    from scoring_lib.model.report.plots import plot_grouped_shap_summary

    _, fs, _, scorer = mv
    names = ["BURO_DAYS_CREDIT_MEAN", "BURO_DAYS_CREDIT_MAX", "EXT_SOURCE_3"]
    rows = fs.frame[names].iloc[:3]
    shap = np.array([[1.0, -0.5, 0.2], [-1.0, -1.0, -0.4], [0.0, 0.6, 0.0]])
    fig = plot_grouped_shap_summary(shap, rows, fs.metadata, kind="bar")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 2 and labels[-1].endswith("[BURO_DAYS_CREDIT_MAX]")
    assert labels[0] == "External score #3"
    widths = sorted(p.get_width() for p in ax.patches)
    # mean |sum| per variable: 0.2 for EXT_SOURCE_3, (0.5 + 2 + 0.6) / 3 for the other,
    # coloured by its feature of larger mean |SHAP| (MAX: 0.7 against 0.67)
    assert widths == pytest.approx([0.2, 3.1 / 3])


def test_the_tab_is_in_the_page_from_the_start_and_a_selection_sends_nothing(mv):
    """The figures exist (with their data and texts) once the page is made, inside the slot
    the browser draws when the tab is first shown (``Deferred``), so that the click on the
    tab asks nothing of the kernel; a language change before that click reaches them; a
    statistics file the figures cannot be made from leaves the rest of the page working."""
    import ipywidgets as W

    from scoring_lib.dashboard.app import build_app
    from scoring_lib.dashboard.deferred import Deferred

    app = build_app(mv[3], lang="fr")
    tab = app.model_tab
    assert tab.prepared and len(tab.children) == 3
    slot = tab.children[2]
    assert isinstance(slot, Deferred) and slot.child is tab.body
    assert tab.body.children[1].children[0] is tab.f_cost
    assert tab.f_cost.title == "Coût attendu selon le seuil"
    app.set_lang("en")                       # before the tab is ever selected
    assert tab.f_cost.title == "Expected cost by threshold"
    before = set(W.widgets.widget._instances)
    children = tab.children
    app.tabs.selected_index = 1              # the person clicks on Model
    assert set(W.widgets.widget._instances) == before   # nothing new to send
    assert tab.children == children
    assert "Expected cost" in tab.summary.value and tab.simulated["is_bank"]
    app.tabs.selected_index = 0
    tab.simulate(0)                          # still the same figures, moved in place
    assert tab.body.children[1].children[0] is tab.f_cost and not tab.simulated["is_bank"]


def test_a_model_tab_that_cannot_be_made_leaves_the_page_working(mv, monkeypatch, caplog):
    from scoring_lib.dashboard import model_view
    from scoring_lib.dashboard.deferred import Deferred
    from scoring_lib.dashboard.app import build_app

    broken = dict(read_model_view(mv[3].bundle))
    broken["thresholds"] = {}                # no grid: the figures cannot be made
    monkeypatch.setattr(model_view, "read_model_view", lambda _bundle: broken)
    app = build_app(mv[3], lang="en")
    tab = app.model_tab
    assert not tab.prepared and tab.view is None
    assert "could not be built" in caplog.text
    assert not app.state.failed                  # the client view opens as usual
    assert app.show_client(int(mv[3].client_ids[1]))
    app.tabs.selected_index = 1                  # the failure is said when the tab is shown
    assert "has no model statistics" in tab.missing.value
    assert not any(isinstance(c, Deferred) for c in tab.children)
    assert app.state.failed == ("model",) and "model" in app.message.value
