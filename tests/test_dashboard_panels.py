"""The dashboard's panels, driven from Python without a browser, on a tiny bundle: what the
marks and texts show must be what the Scorer says."""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
from pathlib import Path

import bqplot as bq
import ipywidgets as W
import numpy as np
import pytest
from test_dashboard_security import HOSTILE, HOSTILE_CLIENTS, build_hostile_bundle

from scoring_lib.dashboard import DashboardApp, UnavailableApp, build_app
from scoring_lib.dashboard.app import PANELS
from scoring_lib.dashboard.deferred import Deferred
from scoring_lib.dashboard.panel import Panel
from scoring_lib.dashboard.safe import Html, esc
from scoring_lib.dashboard.state import DashboardState
from scoring_lib.dashboard.search import PAGE_SIZE, suggest_ids
from scoring_lib.explain.units import format_value
from scoring_lib.scoring import Scorer

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_CLASSES = (
    "sc-app", "sc-lang", "sc-search", "sc-search-button", "sc-message", "sc-client-id",
    "sc-probability", "sc-decision", "sc-band", "sc-interpretation", "sc-reasons", "sc-gauge",
    "sc-force", "sc-waterfall", "sc-compare-hist", "sc-scatter", "sc-info", "sc-info-sections",
    "sc-filter-contract", "sc-filter-gender", "sc-filter-age", "sc-filter-income-type",
    "sc-filter-family", "sc-filter-decision", "sc-filter-band", "sc-results-count",
    "sc-results", "sc-pick", "sc-page-prev", "sc-page-next", "sc-page-label", "sc-reference")


@pytest.fixture
def app(scorer):
    return build_app(scorer)


def text_of(widget) -> str:
    """What a person reads in an HTML widget (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def walk(widget):
    """Every widget the page shows, in order (a ``Deferred`` slot's child included)."""
    yield widget
    children = list(getattr(widget, "children", ()) or ())
    if isinstance(widget, Deferred):
        children = [widget.child]
    if isinstance(widget, bq.Figure):
        children = []
    for child in children:
        yield from walk(child)


def by_class(app, css: str) -> list:
    return [w for w in walk(app.widget) if css in getattr(w, "_dom_classes", ())]


def one(app, css: str):
    found = by_class(app, css)
    assert len(found) == 1, f"{css}: {len(found)} widgets"
    return found[0]


def some_ids(scorer) -> list[int]:
    clients = scorer.clients
    refused = clients.index[clients["decision"] == "refused"]
    granted = clients.index[clients["decision"] == "granted"]
    return [int(granted[0]), int(refused[0]), int(clients.index[len(clients) // 2])]


def fr_percent(p: float) -> str:
    return f"{100 * p:.1f}".replace(".", ",") + "\u202f%"  # narrow no-break space


# ----------------------------------------------------------------------------- start
def test_contract_classes_exist_once_the_app_is_built(app):
    for css in CONTRACT_CLASSES:
        assert by_class(app, css), css
    figures = {css: one(app, css) for css in ("sc-gauge", "sc-force", "sc-waterfall",
                                              "sc-compare-hist", "sc-scatter")}
    assert all(isinstance(f, bq.Figure) for f in figures.values())
    assert isinstance(one(app, "sc-search"), W.Combobox)
    assert one(app, "sc-lang").value == "fr"
    assert [label for label, _ in one(app, "sc-lang").options] == ["FR", "EN"]
    for css in ("sc-filter-contract", "sc-filter-gender", "sc-filter-band"):
        dropdown = one(app, css)
        assert isinstance(dropdown, W.Dropdown)
        assert dropdown.value == dropdown.options[0][1]
        assert dropdown.options[0][0] in ("Tous", "Toutes")


def test_start_shows_the_first_client_as_an_example(app, scorer):
    first = int(scorer.client_ids[0])
    assert app.client_id == first
    assert str(first) in text_of(one(app, "sc-client-id"))
    assert one(app, "sc-message").value == ""
    assert "Exemple" in app.hint.value and str(first) in app.hint.value
    assert one(app, "sc-probability").value == fr_percent(scorer.score(first).probability)


def test_start_client_and_language_can_be_chosen(scorer):
    cid = some_ids(scorer)[1]
    app = build_app(scorer, lang="en", client=cid)
    assert app.client_id == cid and app.lang_toggle.value == "en"
    assert text_of(one(app, "sc-decision")) == "Loan refused"
    with pytest.raises(ValueError, match="lang"):
        DashboardApp(scorer, lang="de")  # the class takes only a language it speaks


def test_an_unknown_language_opens_the_page_in_french_and_says_so(scorer, caplog):
    """SCORING_LANG=de: the page (build_app, as the notebook calls it) is in French with one
    line that says why, and the log says it too; never an error."""
    with caplog.at_level(logging.WARNING, logger="scoring_lib.dashboard"):
        app = build_app(scorer, lang="de")
    assert isinstance(app, DashboardApp) and app.lang == "fr"
    assert app.lang_toggle.value == "fr"
    assert text_of(one(app, "sc-notice")) == ("Langue « de » non prise en charge : la page "
                                              "est en français (langues : fr, en).")
    assert text_of(one(app, "sc-decision")) in ("Crédit accordé", "Crédit refusé")
    assert one(app, "sc-message").value == ""
    assert "language 'de' is not supported" in caplog.text
    app.set_lang("en")  # the line follows the language toggle
    assert text_of(one(app, "sc-notice")) == ("Language “de” is not supported: the page "
                                              "opened in French (languages: fr, en).")
    for asked, lang in (("EN", "en"), (" fr ", "fr"), ("", "fr"), (None, "fr")):
        app = build_app(scorer, lang=asked)  # case and spaces ignored; empty: the default
        assert app.lang == lang and one(app, "sc-notice").value == ""
    hostile = build_app(scorer, lang="<img src=x onerror=alert(1)>")
    assert "<img" not in one(hostile, "sc-notice").value
    assert "&lt;img src=x" in one(hostile, "sc-notice").value


# ----------------------------------------------------------------------------- score
def test_selecting_a_client_shows_the_scorers_score(app, scorer):
    for cid in some_ids(scorer):
        assert app.show_client(cid) is True
        s = scorer.score(cid)
        assert text_of(one(app, "sc-client-id")) == f"Client n° {cid}"
        assert one(app, "sc-probability").value == fr_percent(s.probability)
        words = {"granted": "Crédit accordé", "refused": "Crédit refusé"}[s.decision]
        assert text_of(one(app, "sc-decision")) == words
        colour = {"granted": "#0072B2", "refused": "#D55E00"}[s.decision]
        assert colour in one(app, "sc-decision").value
        band = {"low": "Risque faible", "borderline": "Cas limite", "high": "Risque élevé"}
        assert text_of(one(app, "sc-band")) == band[s.risk_band]
        sentence = text_of(one(app, "sc-interpretation"))
        assert fr_percent(s.probability) in sentence
        assert fr_percent(s.threshold) in sentence
        assert ("refusé" if s.decision == "refused" else "accordé") in sentence
        assert ("proche du seuil" in sentence) == (s.risk_band == "borderline")
        panel = app.score
        assert np.allclose(np.asarray(panel.bar.x, dtype=float), [0, 100 * s.probability])
        assert np.allclose(np.asarray(panel.threshold_line.x, dtype=float),
                           [100 * s.threshold] * 2)
        assert panel.bar.colors == [colour]
        assert panel.x.max >= 100 * max(s.probability, s.threshold)


# ----------------------------------------------------------------------------- explain
@pytest.mark.parametrize("unit", ["probability", "logodds"])
def test_reasons_force_plot_and_waterfall_follow_the_explanation(app, scorer, unit):
    """In probability points (the default) the charts run from 0 (the average client) to
    the client's probability minus the average's, in points; in log-odds from the base
    value to the raw score. Each band is as wide as its group's effect."""
    app.state.unit = unit
    for cid in some_ids(scorer):
        app.show_client(cid)
        e = scorer.explain(cid, lang="fr")
        reasons = text_of(one(app, "sc-reasons"))
        for sentence in [*e.sentences("raises"), *e.sentences("lowers")]:
            assert sentence in reasons
        if unit == "probability":
            c = e.grouped["points"].to_numpy()
            base, output = 0.0, 100 * (e.score.probability - e.base_probability)
        else:
            c = e.grouped["contribution"].to_numpy()
            base, output = e.base_value, e.raw_output
        # force plot: raising bands lie left of the output and end there, lowering ones
        # start there and go right; each band is as wide as its contribution
        bands = np.asarray(app.explain.force_bands.x, dtype=float)
        contributions = np.array([s["contribution"]
                                  for s in app.explain.force_data["segments"]])
        assert np.abs(bands[:, 1] - bands[:, 0]) == pytest.approx(np.abs(contributions))
        assert contributions[contributions > 0].sum() == pytest.approx(c[c > 0].sum())
        assert contributions[contributions < 0].sum() == pytest.approx(c[c < 0].sum())
        up, down = bands[contributions > 0], bands[contributions < 0]
        assert np.all(up.max(axis=1) <= output + 1e-9)
        assert np.all(down.min(axis=1) >= output - 1e-9)
        assert bands[:, 0].min() == pytest.approx(output - c[c > 0].sum())
        marks = np.asarray(app.explain.force_marks.x, dtype=float)
        assert marks[0] == pytest.approx([base] * 2)
        assert marks[1] == pytest.approx([output] * 2, abs=1e-9)
        labels = app.explain.force_bands.labels
        assert "Autres facteurs" in labels or len(c) <= 8
        for text in app.explain.force_labels.text:  # human names, never raw features
            assert not re.fullmatch(r"[A-Z0-9_]+", text)
        # waterfall: the 10 largest groups from the base value, then the rest
        order = np.argsort(-np.abs(c), kind="stable")
        ends = base + np.cumsum(c[order[:10]])
        steps = np.asarray(app.explain.steps.x, dtype=float)
        assert steps[:10, 1] == pytest.approx(ends)
        assert steps[0, 0] == pytest.approx(base)
        assert steps[-1, 1] == pytest.approx(output, abs=1e-9)
        names = list(e.grouped["label_fr"].to_numpy()[order[:10]])
        assert app.explain.steps.labels == names + ["Autres facteurs"] * (len(c) > 10)
        colours = app.explain.steps.colors[:10]
        assert colours == ["#D55E00" if x > 0 else "#0072B2" for x in c[order[:10]]]
    app.state.unit = "probability"


def shown_points(x: float, lang: str) -> str:
    """The contract's "+3,2 points" / "+3.2 points" (one decimal)."""
    text = f"{abs(x):.2f}" if 0 < abs(x) < 0.05 else f"{abs(x):.1f}"
    sign = "+" if x >= 0 else "−"
    return sign + (text.replace(".", ",") if lang == "fr" else text) + " points"


def percent_text(p: float, lang: str) -> str:
    text = f"{100 * p:.1f}"
    return text.replace(".", ",") + "\u202f%" if lang == "fr" else text + "%"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_charts_say_points_by_default_and_log_odds_on_request(app, scorer, lang):
    words = {"fr": ("Effet sur la probabilité de défaut (points)", "Client moyen", "Ce client",
                    "Score brut du modèle (log-odds)", "Augmente la probabilité de défaut de",
                    "Réduit la probabilité de défaut de"),
             "en": ("Effect on the probability of default (points)", "Average client",
                    "This client", "Model's raw score (log-odds)",
                    "Raises the probability of default by",
                    "Lowers the probability of default by")}[lang]
    axis, average, this, raw_axis, up, down = words
    app.set_lang(lang)
    panel = app.explain
    for cid in some_ids(scorer)[:2]:  # a granted client, a refused one
        app.show_client(cid)
        assert app.state.unit == "probability"
        e = scorer.explain(cid, lang=lang)
        s = scorer.score(cid)
        assert panel.force_axis.label == axis and panel.waterfall_axis.label == axis
        expected = [f"{average} {percent_text(e.base_probability, lang)}",
                    f"{this} {percent_text(s.probability, lang)}"]
        assert list(panel.force_ends.text) == expected
        assert list(panel.waterfall_ends.text) == expected
        # the bars' labels, as text: the steps' points, which add up to the difference
        steps = panel.waterfall_data["steps"]
        assert list(panel.step_values.text) == [shown_points(x["contribution"], lang)
                                                for x in steps]
        assert sum(x["contribution"] for x in steps) == pytest.approx(
            100 * (s.probability - e.base_probability), abs=1e-9)
        for i, step in enumerate(steps):  # tooltips in points, value and percentile kept
            panel._hover_waterfall(panel.steps, {"data": {"index": i}})
            tip = html.unescape(panel.waterfall_tooltip.value)
            effect = shown_points(abs(step["contribution"]), lang)[1:]
            assert f"{up if step['contribution'] > 0 else down} {effect}" in tip
        assert "points" in text_of(panel.note)
        # log-odds on request: the raw scale, its axis, its numbers
        app.state.unit = "logodds"
        assert panel.force_axis.label.startswith(raw_axis[:len(raw_axis) - 11])
        assert panel.waterfall_axis.label == raw_axis
        base = f"{e.base_value:.2f}"
        assert panel.force_ends.text[0] == f"{average} " + (base.replace(".", ",")
                                                            if lang == "fr" else base)
        assert not any("points" in t for t in panel.step_values.text)
        assert np.asarray(panel.force_marks.x, dtype=float)[0] == pytest.approx(
            [e.base_value] * 2)
        app.state.unit = "probability"
        assert panel.force_axis.label == axis
    app.set_lang("fr")


def test_tooltips_give_the_clients_value_and_percentile(app, scorer):
    cid = some_ids(scorer)[0]
    app.show_client(cid)
    e = scorer.explain(cid)
    features = scorer.features(cid)
    c = e.grouped["contribution"].to_numpy()
    for i, row in enumerate(e.grouped.iloc[np.argsort(-np.abs(c), kind="stable")[:10]]
                            .itertuples()):
        app.explain._hover_waterfall(app.explain.steps, {"event": "hover",
                                                         "data": {"index": i}})
        tip = html.unescape(app.explain.waterfall_tooltip.value)
        assert row.label_fr in tip
        value = features[row.top_feature]
        if value is not None and value == value:
            assert format_value(value, row.top_unit, "fr") in tip
        effect = "Augmente" if row.contribution > 0 else "Réduit"
        assert effect in tip
    numeric = [i for i, s in enumerate(app.explain.waterfall_data["steps"])
               if not s["others"] and app.explain.details[s["group"]]["percentile"]
               is not None]
    assert numeric, "no numeric group among the 10 largest"
    app.explain._hover_waterfall(app.explain.steps, {"data": {"index": numeric[0]}})
    assert "Percentile" in app.explain.waterfall_tooltip.value
    app.explain._hover_force(app.explain.force_bands, {"data": {"index": 0}})
    assert app.explain.force_tooltip.value


# ----------------------------------------------------------------------------- info
def test_information_panel_shows_human_units_by_section(app, scorer):
    cid = some_ids(scorer)[0]
    app.show_client(cid)
    shown = app.info.shown()
    assert list(shown) == ["identity", "income", "credit", "history"]
    raw = scorer.features(cid)
    identity, income = dict(shown["identity"]), dict(shown["income"])
    months = int(-raw["DAYS_BIRTH"] // (365.25 / 12))
    assert identity["Âge"] == f"{months // 12} ans"
    assert income["Revenu annuel"].endswith("€")
    assert re.sub(r"\D", "", income["Revenu annuel"]) == str(round(raw["AMT_INCOME_TOTAL"]))
    assert identity["Sexe"] in ("Femme", "Homme")
    info_text = text_of(app.info.blocks["identity"])
    assert "Identité et famille" in info_text and "DAYS_BIRTH" not in info_text
    for rows in shown.values():
        for label, value in rows:
            assert not re.fullmatch(r"[A-Z0-9_]+", label)
            assert not value.startswith("-")
    app.info.toggles["history"].value = False
    assert "history" not in app.info.shown()
    assert app.info.blocks["history"].layout.display == "none"
    app.info.field_filter.value = "revenu"
    kept = app.info.shown()
    assert kept and all("revenu" in label.lower() for rows in kept.values()
                        for label, _ in rows)
    app.info.field_filter.value = "zzz"
    assert app.info.shown() == {} and app.info.empty.value
    app.info.field_filter.value = ""
    app.info.toggles["history"].value = True
    assert "history" in app.info.shown()


# ----------------------------------------------------------------------------- search
def test_filters_fill_the_table_with_the_scorers_group(app, scorer):
    filters = {"gender": "F", "age": (30, 40)}
    app.set_filters(filters)
    expected = scorer.group(filters).index.to_numpy()
    assert len(expected) > PAGE_SIZE
    assert str(len(expected)) in text_of(one(app, "sc-results-count"))
    picks = [b.description for b in by_class(app, "sc-pick")
             if app.search.rows[app.search.picks.index(b)].layout.display != "none"]
    assert picks == [str(x) for x in expected[:PAGE_SIZE]]
    assert one(app, "sc-filter-gender").value == "F"
    # a dropdown changed by hand narrows the group
    one(app, "sc-filter-decision").value = "refused"
    narrowed = scorer.group({**filters, "decision": "refused"}).index.to_numpy()
    assert list(app.search.matches) == list(narrowed)
    assert str(len(narrowed)) in text_of(one(app, "sc-results-count"))
    one(app, "sc-filter-band").value = "high"
    both = scorer.group({**filters, "decision": "refused", "risk_band": "high"})
    assert list(app.search.matches) == list(both.index)
    # refused means at or above the threshold: never in the low band
    app.set_filters({"decision": "refused", "risk_band": "low"})
    assert len(scorer.group({"decision": "refused", "risk_band": "low"})) == 0
    assert text_of(one(app, "sc-results-count")).startswith("0 client")
    assert all(r.layout.display == "none" for r in app.search.rows)
    assert one(app, "sc-page-prev").disabled and one(app, "sc-page-next").disabled
    app.set_filters({})
    assert len(app.search.matches) == len(scorer.client_ids)
    assert one(app, "sc-filter-decision").value == ""
    with pytest.raises(ValueError, match="filter"):
        app.set_filters({"planet": "Mars"})


def test_paging_and_picking_a_client(app, scorer):
    app.set_filters({"contract_type": "Cash loans"})
    ids = scorer.group({"contract_type": "Cash loans"}).index.to_numpy()
    pages = -(-len(ids) // PAGE_SIZE)
    assert text_of(one(app, "sc-page-label")) == f"Page 1 sur {pages}"
    assert one(app, "sc-page-prev").disabled and not one(app, "sc-page-next").disabled
    one(app, "sc-page-next").click()
    assert app.search.page_ids() == [int(x) for x in ids[PAGE_SIZE:2 * PAGE_SIZE]]
    assert text_of(one(app, "sc-page-label")) == f"Page 2 sur {pages}"
    assert app.search.picks[0].description == str(ids[PAGE_SIZE])
    one(app, "sc-page-prev").click()
    assert app.search.page == 0
    app.search.go_to(10 ** 6)  # past the end: the last page
    assert app.search.page == pages - 1 and one(app, "sc-page-next").disabled
    visible = [r for r in app.search.rows if r.layout.display != "none"]
    assert len(visible) == len(ids) - (pages - 1) * PAGE_SIZE
    target = app.search.picks[0]
    assert target.description.split()[0].isdigit()
    target.click()
    assert app.client_id == int(target.description.split()[0])
    assert target.description in text_of(one(app, "sc-client-id"))


def test_suggestions_by_prefix(app, scorer):
    ids = np.sort(scorer.client_ids.to_numpy())
    for prefix in ("1", "1000", "10005", str(ids[3]), "9", "100 01"):
        digits = prefix.replace(" ", "")
        brute = sorted((int(i) for i in ids if str(i).startswith(digits)),
                       key=lambda i: (len(str(i)), i))[:20]
        assert suggest_ids(ids, prefix) == brute
    assert suggest_ids(ids, "abc") == [] and suggest_ids(ids, "") == []
    assert suggest_ids(ids, "012") == []
    assert len(suggest_ids(ids, "1")) == 20
    app.search.search.value = "1000"
    assert list(app.search.search.options) == [str(i) for i in suggest_ids(ids, "1000")]
    assert len(app.search.search.options) <= 20


def test_typing_an_id_and_pressing_the_button_or_enter(app, scorer):
    cid = some_ids(scorer)[2]
    app.search.search.value = str(cid)
    one(app, "sc-search-button").click()
    assert app.client_id == cid and one(app, "sc-message").value == ""
    other = some_ids(scorer)[1]
    app.search.search.value = f" {other} "
    app.search._on_message(app.search.search, {"event": "submit"}, [])  # Enter
    assert app.client_id == other


def test_an_unknown_id_gives_a_friendly_message(app, scorer):
    before = app.client_id
    probability = one(app, "sc-probability").value
    for typed in ("123", "99999999"):
        app.search.search.value = typed
        one(app, "sc-search-button").click()
        message = text_of(one(app, "sc-message"))
        assert typed in message and "Vérifiez" in message
        assert app.client_id == before
        assert one(app, "sc-probability").value == probability
    assert app.show_client(42) is False
    app.search.search.value = "abc"
    one(app, "sc-search-button").click()
    assert "abc" in text_of(one(app, "sc-message"))
    app.search.search.value = ""
    one(app, "sc-search-button").click()
    assert one(app, "sc-message").value
    app.show_client(123)
    app.set_lang("en")  # the message is said again in English
    assert text_of(one(app, "sc-message")) == ("No client has the ID 123. Please check the "
                                               "number.")
    assert app.client_id == before
    assert app.show_client(before) is True and one(app, "sc-message").value == ""


def test_typing_what_no_id_can_be_gives_a_sentence_not_a_failure(app, scorer):
    """Issue 10: "²" or a 5,000-digit number in the box broke the suggestions ("part of the
    page could not be computed"); now the box says what is wrong, as the button does."""
    box = app.search.search
    box.value = "²"
    assert list(box.options) == []
    assert text_of(one(app, "sc-message")) == ("« ² » n'est pas un identifiant : tapez le "
                                               "numéro du client (chiffres seulement).")
    one(app, "sc-search-button").click()
    assert "« ² » n'est pas un identifiant" in text_of(one(app, "sc-message"))
    box.value = "1" * 5000
    assert list(box.options) == []
    assert text_of(one(app, "sc-message")) == (f"Aucun client n'a l'identifiant {'1' * 39}…. "
                                               "Vérifiez le numéro.")
    one(app, "sc-search-button").click()
    assert text_of(one(app, "sc-message")).startswith(f"Aucun client n'a l'identifiant "
                                                      f"{'1' * 39}…")
    box.value = "9"  # no id starts with 9
    assert text_of(one(app, "sc-message")) == ("Aucun client n'a l'identifiant 9. Vérifiez "
                                               "le numéro.")
    box.value = "1000"  # digits some ids start with: suggestions, and the sentence goes
    assert len(box.options) > 0 and one(app, "sc-message").value == ""
    box.value = str(some_ids(scorer)[0])
    one(app, "sc-search-button").click()
    assert app.client_id == some_ids(scorer)[0] and one(app, "sc-message").value == ""


def test_a_failed_computation_is_a_sentence_and_a_log_record(app, scorer, monkeypatch,
                                                             caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(scorer, "explain", broken)
    with caplog.at_level(logging.ERROR, logger="scoring_lib.dashboard"):
        assert app.show_client(some_ids(scorer)[1]) is False
    message = text_of(one(app, "sc-message"))
    assert "explication" in message and "Réessayez" in message
    assert "Traceback" not in message and "disk on fire" not in message
    assert any("disk on fire" in (r.exc_text or "") or r.exc_info for r in caplog.records)
    # the panels that did not fail show the new client
    assert one(app, "sc-probability").value == fr_percent(
        scorer.score(some_ids(scorer)[1]).probability)


def test_a_bundle_that_cannot_be_opened_is_a_page_that_says_so(tmp_path):
    app = build_app(tmp_path / "nowhere")
    assert isinstance(app, UnavailableApp)
    assert "nowhere" in text_of(one(app, "sc-message"))
    assert "Traceback" not in one(app, "sc-message").value
    assert app.show_client(1) is False


def test_a_bundle_of_another_format_says_why(scorer, tmp_path):
    copy = tmp_path / "old"
    shutil.copytree(scorer.bundle.path, copy)
    manifest = json.loads((copy / "bundle.json").read_text())
    manifest["format_version"] = 0
    (copy / "bundle.json").write_text(json.dumps(manifest))
    app = build_app(copy)
    assert isinstance(app, UnavailableApp)
    assert "format version 0" in text_of(one(app, "sc-message"))


def test_build_app_takes_a_bundle_path(scorer):
    app = build_app(scorer.bundle.path)
    assert isinstance(app, DashboardApp)
    assert app.client_id == int(scorer.client_ids[0])


# ----------------------------------------------------------------------------- language
def test_language_toggle_changes_every_text_and_back(app, scorer):
    cid = some_ids(scorer)[1]
    app.show_client(cid)
    french = {css: text_of(one(app, css)) for css in ("sc-decision", "sc-band",
                                                      "sc-interpretation", "sc-reasons")}
    app.lang_toggle.value = "en"  # as a click would
    s = scorer.score(cid)
    assert one(app, "sc-probability").value == f"{100 * s.probability:.1f}%"
    assert text_of(one(app, "sc-decision")) == "Loan refused"
    reasons = text_of(one(app, "sc-reasons"))
    for sentence in scorer.explain(cid, lang="en").sentences("raises"):
        assert sentence in reasons
    assert "What raises the risk" in reasons
    assert one(app, "sc-search-button").description == "Show"
    assert one(app, "sc-filter-gender").description == "Gender"
    assert one(app, "sc-filter-gender").options[0][0] == "All"
    assert app.info.toggles["identity"].description == "Identity and family"
    assert app.comparison.reference.options[0][0] == "All clients"
    assert "Autres facteurs" not in app.explain.steps.labels
    assert "Other factors" in app.explain.steps.labels
    assert "matching clients" in text_of(one(app, "sc-results-count"))
    assert "Age" in dict(app.info.shown()["identity"])
    for css, text in french.items():
        assert text_of(one(app, css)) != text, css
    app.set_lang("fr")
    assert one(app, "sc-lang").value == "fr"
    for css, text in french.items():
        assert text_of(one(app, css)) == text, css
    assert one(app, "sc-search-button").description == "Afficher"


def every_text(app) -> str:
    """Everything the page can show: widget values, descriptions, options, tooltips, and
    the figures' mark labels and texts, axis labels."""
    parts = []
    for w in walk(app.widget):
        for name in ("value", "description", "tooltip", "placeholder"):
            value = getattr(w, name, None)
            if isinstance(value, str) and (name != "value" or isinstance(w, W.HTML)):
                parts.append(value)
        if isinstance(w, (W.Dropdown, W.ToggleButtons)):
            parts += [str(label) for label, _ in w.options]
        if isinstance(w, bq.Figure):
            for mark in w.marks:
                parts += [str(x) for x in getattr(mark, "text", [])]
                parts += [str(x) for x in (mark.labels or [])]
                if isinstance(mark.tooltip, bq.Tooltip):
                    parts += [str(x) for x in mark.tooltip.labels]
            parts += [str(a.label) for a in w.axes]
    return "\n".join(parts)


FRENCH = ("Crédit", "Identité", "Probabilité", "Ce client", "Client moyen", "Risque",
          "Autres facteurs", " ans", "Répartition", "échantillon", "Rubriques", "Filtrer",
          "Tous", "Toutes", "Afficher", "Comparer", "Pourquoi", "Seuil", "Exemple")


def test_nothing_french_is_left_in_english(app, scorer):
    app.show_client(some_ids(scorer)[1])
    app.comparison.reference.value = "similar"
    app.set_lang("en")
    text = every_text(app)
    left = [w for w in FRENCH if w in text]
    assert left == [], left
    app.set_lang("fr")
    text = every_text(app)
    assert "Crédit" in text and "Ce client" in text
    assert "Probability of default" not in text and "This client" not in text
    app.comparison.reference.value = "all"


def test_language_keeps_the_filters_and_the_reference(app, scorer):
    app.set_filters({"gender": "M"})
    app.comparison.reference.value = "similar"
    app.set_lang("en")
    assert one(app, "sc-filter-gender").value == "M"
    assert app.comparison.reference.value == "similar"
    assert list(app.search.matches) == list(scorer.group({"gender": "M"}).index)
    app.set_lang("fr")


# ----------------------------------------------------------------------------- compare
def expected_shares(scorer, cid, reference, variable="DAYS_BIRTH"):
    h = scorer.compare(cid, reference=reference, variables=[variable], k=100).histogram(
        variable)
    centres = -((h["left"] + h["right"]) / 2).to_numpy() / 365.25
    order = np.argsort(centres, kind="stable")
    repaid = h["repaid"].to_numpy()[order]
    defaulted = h["defaulted"].to_numpy()[order]
    return centres[order], 100 * repaid / repaid.sum(), 100 * defaulted / defaulted.sum()


def test_comparison_reference_switch_follows_scorer_compare(app, scorer):
    cid = some_ids(scorer)[0]
    app.show_client(cid)
    app.set_filters({"gender": "F"})
    panel = app.comparison
    assert panel.variable.value == "DAYS_BIRTH"
    seen = []
    for ref, spec in (("all", None), ("similar", "similar"), ("group", {"gender": "F"})):
        panel.reference.value = ref
        x, repaid, defaulted = expected_shares(scorer, cid, spec)
        assert np.asarray(panel.bars.x, dtype=float) == pytest.approx(x)
        y = np.asarray(panel.bars.y, dtype=float)
        assert y[0] == pytest.approx(repaid) and y[1] == pytest.approx(defaulted)
        seen.append(y.copy())
        summary = scorer.compare(cid, reference=spec, variables=["DAYS_BIRTH"],
                                 k=100).summary.loc["DAYS_BIRTH"]
        assert f"percentile {round(100 - summary['percentile'])}" in panel.position.value
        assert str(int(summary["n"])) in panel.hist_note.value.replace("\u202f", "")
        age = -scorer.client(cid)["DAYS_BIRTH"] / 365.25
        assert np.asarray(panel.client_line.x, dtype=float) == pytest.approx([age, age])
    assert not np.allclose(seen[0], seen[1])
    panel.reference.value = "all"
    app.set_filters({})


def test_kept_bars_give_each_client_the_position_scorer_compare_gives(app, scorer):
    panel = app.comparison
    app.set_filters({"gender": "M"})
    for ref, spec in (("all", None), ("group", {"gender": "M"}), ("similar", "similar")):
        panel.reference.value = ref
        for variable in ("DAYS_EMPLOYED", "EXT_SOURCE_1", "AMT_ANNUITY"):
            panel.variable.value = variable
            for cid in some_ids(scorer):
                app.show_client(cid)
                comparison = scorer.compare(cid, reference=spec, variables=[variable],
                                            k=100)
                row = comparison.summary.loc[variable]
                d = panel.hist
                if row["percentile"] != row["percentile"]:  # unknown value
                    assert d["percentile"] != d["percentile"]
                    assert "inconnue" in panel.position.value
                    continue
                flip = variable == "DAYS_EMPLOYED"
                expected = 100 - row["percentile"] if flip else row["percentile"]
                assert d["percentile"] == pytest.approx(expected)
                assert d["below"] == pytest.approx(row["above"] if flip else row["below"])
                h = comparison.histogram(variable)
                shares = 100 * h["repaid"].to_numpy() / h["repaid"].sum()
                bars = np.asarray(panel.bars.y, dtype=float)[0]
                assert sorted(bars) == pytest.approx(sorted(shares))
    panel.reference.value = "all"
    panel.variable.value = "DAYS_BIRTH"
    app.set_filters({})


def test_comparison_variable_and_scatter(app, scorer):
    cid = some_ids(scorer)[1]
    app.show_client(cid)
    panel = app.comparison
    panel.variable.value = "AMT_CREDIT"
    h = scorer.compare(cid, variables=["AMT_CREDIT"]).histogram("AMT_CREDIT")
    assert np.asarray(panel.bars.x, dtype=float) == pytest.approx(
        ((h["left"] + h["right"]) / 2).to_numpy())
    assert "Montant du crédit demandé (€)" == panel.hist_x_axis.label
    panel.scatter_x.value, panel.scatter_y.value = "AMT_INCOME_TOTAL", "probability"
    row = scorer.client(cid)
    assert list(panel.client_point.x) == pytest.approx([row["AMT_INCOME_TOTAL"]])
    assert list(panel.client_point.y) == pytest.approx([100 * row["probability"]])
    total = sum(len(m.x) for m in panel.points.values())
    assert 0 < total <= 2000
    bands = scorer.clients["risk_band"].to_numpy()[panel.sample_positions]
    assert len(panel.points["high"].x) == int((bands == "high").sum())
    panel.reference.value = "similar"
    assert sum(len(m.x) for m in panel.points.values()) == 100
    near = scorer.similar_clients(cid, 100).neighbours["SK_ID_CURR"].to_numpy()
    assert sorted(scorer.client_ids[panel.sample_positions]) == sorted(near)
    panel.reference.value = "all"
    panel.variable.value = "DAYS_BIRTH"


# ----------------------------------------------------------------------------- in place
def test_no_figure_or_mark_is_rebuilt_on_switch(app, scorer):
    def objects():
        figures = [w for w in walk(app.widget) if isinstance(w, bq.Figure)]
        return [id(f) for f in figures] + [id(m) for f in figures for m in f.marks] + [
            id(a) for f in figures for a in f.axes]

    before = objects()
    assert len([w for w in walk(app.widget) if isinstance(w, bq.Figure)]) == 5
    widgets_before = [id(w) for w in walk(app.widget)]
    for cid in some_ids(scorer):
        app.show_client(cid)
    app.set_lang("en")
    app.comparison.reference.value = "similar"
    app.set_filters({"gender": "F"})
    app.search.go_to(1)
    app.set_lang("fr")
    assert objects() == before
    assert [id(w) for w in walk(app.widget)] == widgets_before


def test_marks_change_their_attributes_in_one_message(app, scorer, monkeypatch):
    """bqplot's idiom: the attributes of a mark (and of its scales and axes) that change
    together reach the browser in one update message (``mark.hold_sync()``), so that the
    browser never draws new x against old y."""
    sent = []
    original = W.Widget._send

    def record(widget, msg, buffers=None):
        if isinstance(widget, (bq.Mark, bq.Axis, bq.Scale)) and msg.get("method") == "update":
            sent.append((id(widget), type(widget).__name__, sorted(msg["state"])))
        return original(widget, msg, buffers)

    monkeypatch.setattr(W.Widget, "_send", record)
    actions = [lambda cid=cid: app.show_client(cid) for cid in some_ids(scorer)]
    actions += [lambda: setattr(app.state, "unit", "logodds"),
                lambda: setattr(app.state, "unit", "probability"),
                lambda: setattr(app.state, "reference", "similar"),
                lambda: setattr(app.state, "reference", "all"),
                lambda: app.set_lang("en"), lambda: app.set_lang("fr")]
    drawn = 0
    for action in actions:
        sent.clear()
        action()
        drawn += len(sent)
        counts: dict = {}
        for key, name, keys in sent:
            counts.setdefault((key, name), []).append(keys)
        repeated = {name: keys for (_, name), keys in counts.items() if len(keys) > 1}
        assert repeated == {}, repeated
    assert drawn > 20, "nothing was drawn"


# ----------------------------------------------------------------------------- notebook
def test_notebook_is_thin_parametrised_and_without_outputs():
    nb = json.loads((ROOT / "dashboard.ipynb").read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(cells) == 2
    assert cells[0]["metadata"].get("tags") == ["parameters"]
    first = "".join(cells[0]["source"])
    assert "bundle = None" in first and 'lang = "fr"' in first
    second = "".join(cells[1]["source"])
    assert 'os.environ.get("SCORING_BUNDLE")' in second and "SCORING_LANG" in second
    assert "build_app(" in second
    for cell in cells:
        assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.slow
def test_the_notebook_with_an_unknown_language_runs_in_french(scorer, monkeypatch):
    """What Voilà runs, with ``SCORING_LANG=de`` in the kernel's environment: no cell error
    (Voilà's generic "cell error" page before), the page in French, one line that says so."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "dashboard.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "print(type(app).__name__, app.lang, repr(app.notice.value))"))
    monkeypatch.setenv("SCORING_LANG", "de")
    monkeypatch.setenv("SCORING_BUNDLE", str(scorer.bundle.path))
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert [o for o in outputs if o["output_type"] == "error"] == []
    printed = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream"
                      and o.get("name") == "stdout")
    assert printed.startswith("DashboardApp fr ")
    assert "Langue « de » non prise en charge : la page est en français" in printed


# ----------------------------------------------------------------- hostile data (issue 10)
ESCAPED = html.escape(HOSTILE)  # '&lt;img src=x onerror=alert(1)&gt;'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A Scorer on a bundle whose first training clients have ``HOSTILE`` as their loan
    type, employer's sector and companion (category levels the schema does not know), with
    ``HOSTILE`` added to every label of the features dictionary (information panel,
    comparison) and to the explanation's group labels and reason sentences."""
    import dataclasses

    path, ids = build_hostile_bundle(tmp_path_factory.mktemp("hostile"))
    scorer = Scorer.from_bundle(path)
    for column in ("label_fr", "label_en"):
        scorer.dictionary[column] = HOSTILE + " " + scorer.dictionary[column].astype(str)
    explain = scorer.explain

    def hostile_explain(client_id, *args, **kwargs):
        e = explain(client_id, *args, **kwargs)
        grouped, reasons = e.grouped.copy(), e.reasons.copy()
        for column in ("label_fr", "label_en", "top_label_fr", "top_label_en"):
            grouped[column] = HOSTILE + " " + grouped[column].astype(str)
        reasons["sentence"] = HOSTILE + " " + reasons["sentence"].astype(str)
        return dataclasses.replace(e, grouped=grouped, reasons=reasons)

    scorer.explain = hostile_explain
    return scorer, ids


def html_widgets(app) -> list:
    """Every HTML widget of the page, the charts' tooltips included."""
    return [w for w in walk(app.widget) if isinstance(w, W.HTML)] + [
        app.explain.force_tooltip, app.explain.waterfall_tooltip]


def assert_escaped(app, when: str) -> None:
    """No HTML widget holds the raw text, and each was built by the escaping helpers."""
    widgets = html_widgets(app)
    raw = [(sorted(w._dom_classes), w.value[:160]) for w in widgets if "<img" in w.value]
    assert raw == [], f"{when}: the raw text in {len(raw)} HTML widget(s)"
    unsafe = [(sorted(w._dom_classes), w.value[:160]) for w in widgets
              if w.value != "" and not isinstance(w.value, Html)]
    assert unsafe == [], f"{when}: HTML not built by scoring_lib.dashboard.safe"


def hover_every_band(app) -> list[str]:
    tips = []
    for i in range(len(app.explain.force_data["segments"])):
        app.explain._hover_force(None, {"data": {"index": i}})
        tips.append(app.explain.force_tooltip.value)
    for i in range(len(app.explain.waterfall_data["steps"])):
        app.explain._hover_waterfall(None, {"data": {"index": i}})
        tips.append(app.explain.waterfall_tooltip.value)
    return tips


def test_hostile_data_is_escaped_in_every_panel(hostile):
    scorer, ids = hostile
    app = build_app(scorer)
    assert app.client_id == ids[0] and one(app, "sc-message").value == ""
    assert_escaped(app, "start")
    # the category levels: table rows, information values; the labels: information,
    # reasons, tooltips
    rows = [t.value for t in app.search.row_texts[:HOSTILE_CLIENTS]]
    assert all(ESCAPED in r for r in rows) and HOSTILE in text_of(app.search.row_texts[0])
    credit, income = app.info.blocks["credit"].value, app.info.blocks["income"].value
    assert f"<td class=\"sc-value\">{ESCAPED}</td>" in credit  # loan type, companion
    assert credit.count(f"<td class=\"sc-value\">{ESCAPED}</td>") == 2
    assert f"<td class=\"sc-value\">{ESCAPED}</td>" in income  # employer's sector
    assert f"<td class=\"sc-field\">{ESCAPED} " in credit      # a label
    assert app.explain.reasons.value.count(f"<li>{ESCAPED} ") == len(
        app.explanation.reasons)
    tips = hover_every_band(app)
    bands = app.explain.force_data["segments"] + app.explain.waterfall_data["steps"]
    named = [t for t, b in zip(tips, bands) if not b["others"]]  # not "Autres facteurs"
    assert named and all(t.startswith(f"<b>{ESCAPED} ") for t in named)
    assert all("Valeur du client : " in t for t in named)
    assert_escaped(app, "tooltips")
    # bqplot and dropdowns write text: the raw text is what a person reads there
    assert all(label.startswith(HOSTILE) for label, b in
               zip(app.explain.force_bands.labels, bands) if not b["others"])
    assert app.comparison.hist_x_axis.label.startswith(HOSTILE)

    # the level is offered in the filter, and choosing it lists its clients
    contract = one(app, "sc-filter-contract")
    assert (HOSTILE, HOSTILE) in contract.options
    contract.value = HOSTILE
    assert one(app, "sc-message").value == ""
    assert list(app.search.matches) == ids
    assert text_of(one(app, "sc-results-count")) == f"{HOSTILE_CLIENTS} clients correspondent"
    app.comparison.reference.value = "group"  # the filtered group as the reference
    assert one(app, "sc-message").value == "" and app.comparison.hist["n"] == HOSTILE_CLIENTS
    assert_escaped(app, "filtered")
    app.search.picks[2].click()
    assert app.client_id == ids[2] and one(app, "sc-message").value == ""
    hover_every_band(app)
    assert_escaped(app, "picked")
    app.set_lang("en")
    assert text_of(one(app, "sc-results-count")) == f"{HOSTILE_CLIENTS} matching clients"
    hover_every_band(app)
    assert_escaped(app, "english")
    # typed into the box: said back as text
    app.search.search.value = HOSTILE
    assert text_of(one(app, "sc-message")) == (f"“{HOSTILE}” is not an ID: type the "
                                               "client's number (digits only).")
    one(app, "sc-search-button").click()
    assert_escaped(app, "typed")
    app.set_filters({"contract_type": HOSTILE})  # the Python API takes the level too
    assert list(app.search.matches) == ids


def test_a_level_found_in_the_data_is_offered_and_accepted(hostile):
    """Issue 10: such a level was offered, then choosing it said "part of the page could
    not be computed (filters)". Pick it, with another filter, and see the matching
    clients; the other level filters offer exactly the levels the data has."""
    scorer, ids = hostile
    app = build_app(scorer)
    one(app, "sc-filter-contract").value = HOSTILE
    one(app, "sc-filter-gender").value = "F"
    expected = [c for c in ids if scorer.clients.loc[c, "CODE_GENDER"] == "F"]
    assert 0 < len(expected) < len(ids)
    assert list(app.search.matches) == expected and one(app, "sc-message").value == ""
    assert [b.description for b, r in zip(app.search.picks, app.search.rows)
            if r.layout.display != "none"] == [str(c) for c in expected]
    for name in ("contract_type", "gender", "income_type", "family_status"):
        values = [v for _, v in app.search.dropdowns[name].options][1:]
        column = {"contract_type": "NAME_CONTRACT_TYPE", "gender": "CODE_GENDER",
                  "income_type": "NAME_INCOME_TYPE",
                  "family_status": "NAME_FAMILY_STATUS"}[name]
        assert set(values) == set(scorer.clients[column].dropna().astype(str))
        for value in values:  # every level offered is accepted
            assert len(scorer.group({name: value})) > 0


# ----------------------------------------------------------------- state and contract
class CountingPanel(Panel):
    """A panel added by one entry in the list: counts what the contract asks of it."""

    name = "counting"
    watches = ("client_id", "unit")
    broken = False

    def __init__(self, state, scorer):
        super().__init__(state, scorer)
        self.drawn, self.texts = [], []
        self.label = W.HTML()
        self.children = [self.label]
        self.label.add_class("sc-counting")

    def set_texts(self, lang):
        self.texts.append(lang)

    def refresh(self, state):
        if self.broken:
            raise RuntimeError("counting broke")
        self.drawn.append((state.client_id, state.unit))
        self.label.value = esc(str(state.client_id))
        self.shown_client = state.client_id


def test_a_panel_is_one_entry_and_follows_only_the_traits_it_watches(scorer, caplog):
    app = DashboardApp(scorer, panels=[*PANELS, CountingPanel])
    panel = app.panel("counting")
    assert one(app, "sc-counting") is panel.label  # laid out in the main column
    first, other = int(scorer.client_ids[0]), some_ids(scorer)[1]
    assert panel.drawn == [(first, "probability")] and panel.texts == ["fr"]
    app.set_filters({"gender": "F"})
    app.comparison.reference.value = "similar"
    app.search.go_to(1)
    assert panel.drawn == [(first, "probability")]  # not watched: not drawn again
    app.show_client(other)
    app.explain.unit.value = "logodds"
    assert panel.drawn[1:] == [(other, "probability"), (other, "logodds")]
    app.show_client(other)  # the same client, nothing changed: nothing drawn again
    assert len(panel.drawn) == 3
    app.set_lang("en")
    assert panel.texts == ["fr", "en"] and len(panel.drawn) == 3
    # a failure is one part's sentence and a log record; asking again retries
    panel.broken = True
    with caplog.at_level(logging.ERROR, logger="scoring_lib.dashboard"):
        assert app.show_client(first) is False
    assert "counting broke" in caplog.text
    assert text_of(one(app, "sc-message")) == ("Part of the page could not be computed "
                                               "(counting). Please try again; if it "
                                               "happens again, report it to support.")
    assert app.score.shown_client == first and app.state.failed == ("counting",)
    panel.broken = False
    assert app.show_client(first) is True and one(app, "sc-message").value == ""
    assert panel.shown_client == first and app.state.failed == ()


def test_panels_read_only_the_state(app):
    traits = set(DashboardState.class_trait_names())
    for panel in app.panels:
        assert set(panel.watches) <= traits, panel.name
        assert panel.state is app.state and panel.scorer is app.scorer
    assert [type(p) for p in app.panels] == PANELS


def test_the_scale_toggle_is_in_the_state_and_redraws_the_explanation(app, scorer):
    cid = some_ids(scorer)[0]
    app.show_client(cid)
    toggle = one(app, "sc-unit")
    assert toggle is app.explain.unit and app.state.unit == toggle.value == "probability"
    assert [label for label, _ in toggle.options] == ["Points de probabilité",
                                                      "Log-odds (data scientists)"]
    drawn = app.explain._drawn
    toggle.value = "logodds"
    assert app.state.unit == "logodds" and app.explain._drawn != drawn
    assert app.explain.shown_client == cid and one(app, "sc-message").value == ""
    app.set_lang("en")
    assert [label for label, _ in toggle.options] == ["Probability points",
                                                      "Log-odds (data scientists)"]
    assert toggle.value == "logodds"
    app.state.unit = "probability"  # the state drives the toggle too
    assert toggle.value == "probability"
    app.set_lang("fr")


def test_switching_the_scale_redraws_without_asking_the_scorer_again(app, scorer,
                                                                      monkeypatch):
    """The scale changes the drawing, not the explanation: one ``Scorer.explain`` per client
    and language, however often the advisor switches the scale."""
    cid = some_ids(scorer)[1]
    calls = []
    explain = scorer.explain
    monkeypatch.setattr(scorer, "explain",
                        lambda *a, **kw: calls.append((a, kw)) or explain(*a, **kw))
    app.show_client(cid)
    assert len(calls) == 1
    for unit in ("logodds", "probability", "logodds"):
        app.state.unit = unit
        assert app.explain.unit_shown == unit and app.explain.shown_client == cid
    assert len(calls) == 1
    app.set_lang("en")  # another language: other sentences, asked again
    assert len(calls) == 2 and "en" in calls[-1][1].values()
    app.state.unit = "probability"
