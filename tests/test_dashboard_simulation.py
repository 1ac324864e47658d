"""The dashboard's Simulation section (issue 12): driven from Python on the tiny bundle, then
in chromium through ``scoring serve``.

The clients are chosen by asking the library (``Scorer.recourse``): a refused client with
options, a refused one without, a granted one with a margin. What the section says must be
what ``Scorer.what_if`` and ``Scorer.recourse`` say, in the library's words; the score panel
keeps the real score and nothing is written anywhere.
"""

from __future__ import annotations

import html
import re
from contextlib import closing
from pathlib import Path

import bqplot as bq
import numpy as np
import pytest
from serve_harness import launch_chromium, open_dashboard, require_browser, serving, wait_text
from test_dashboard_e2e import screenshot

from scoring_lib.dashboard import build_app
from scoring_lib.dashboard.simulation import (
    FIELDS,
    error_text,
    parse_value,
    range_text,
    value_text,
)
from scoring_lib.scoring import Scorer
from scoring_lib.simulation import WhatIfError
from scoring_lib.simulation.levers import ANNUITY, CREDIT, DURATION, GOODS, months_of
from scoring_lib.simulation.results import outcome_sentence
from scoring_lib.words import percent, tr

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
FAILED = ("n'a pas pu être calculée", "could not be computed")
LOAD_TIMEOUT_MS = 180_000
STEP_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def cases(scorer):
    """``{"options": id, "none": id, "granted": id}``, asked of the library: the refused
    client closest to the threshold with at least two options, a refused client without
    any, a client granted with a margin."""
    clients = scorer.clients
    refused = clients[clients["decision"] == "refused"].sort_values("probability").index
    found = {}
    for cid in refused[:80]:
        r = scorer.recourse(int(cid))
        if len(r.options) >= 2 and "options" not in found:
            found["options"] = int(cid)
        if not r.options and "none" not in found:
            found["none"] = int(cid)
        if len(found) == 2:
            break
    low = clients[clients["probability"] < 0.5 * scorer.threshold].index
    found["granted"] = int(low[0])
    assert set(found) == {"options", "none", "granted"}, found
    return found


@pytest.fixture
def app(scorer):
    return build_app(scorer)


def text_of(widget) -> str:
    """What a person reads in an HTML widget (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def shown(widget) -> bool:
    return widget.layout.display != "none"


def option_sentences(sim) -> list[str]:
    return [text_of(t) for t, row in zip(sim.option_texts, sim.option_rows) if shown(row)]


def library_sentences(scorer, cid, lang) -> list[str]:
    r = scorer.recourse(cid, lang=lang)
    return [outcome_sentence(o.values, o.probability, scorer.threshold, o.decision, lang)
            for o in r.options]


def input_values(sim) -> dict:
    return {name: sim.inputs[name].value for name in FIELDS}


def expected_inputs(scorer, values, lang) -> dict:
    """The inputs of an application's raw values, as the section writes them."""
    kinds = {v["name"]: v["kind"] for v in scorer.actionable_variables(lang)}
    return {name: value_text(months_of(values) if name == DURATION else values[name],
                             kinds[name], lang) for name in FIELDS}


def check_page(app, scorer, when: str) -> None:
    """What holds after every action: no part failed, the score panel shows the real
    score, the section shows the state's client and, open, ``what_if`` of its edits."""
    state, sim = app.state, app.simulation
    assert not any(f in app.message.value for f in FAILED), f"{when}: {text_of(app.message)}"
    assert state.failed == (), when
    cid, lang = state.client_id, state.lang
    real = scorer.score(cid)
    assert app.score.probability.value == percent(real.probability, lang,
                                                  versus=real.threshold), when
    assert sim.shown_client == cid, when
    assert (sim.body in sim.children) == sim.opened, when  # laid out only while open
    if not sim.opened:
        return
    assert tr("sim_real", lang, p=percent(real.probability, lang,
                                             versus=real.threshold),
              decision=tr(real.decision, lang).lower()) == text_of(sim.real), when
    try:
        w = scorer.what_if(cid, dict(state.edits), lang=lang)
    except WhatIfError:
        assert not shown(sim.result) and text_of(sim.error), when
        return
    assert shown(sim.result) and sim.error.value == "", when
    assert text_of(sim.probability) == percent(w.probability, lang,
                                                       versus=w.score.threshold), when
    assert tr(w.decision, lang) in text_of(sim.decision), when
    assert np.allclose(np.asarray(sim.meter.bar.x, dtype=float), [0, 100 * w.probability])
    assert np.allclose(np.asarray(sim.meter.real_line.x, dtype=float),
                       [100 * real.probability] * 2), when
    for sentence in [*w.explanation.sentences("raises"), *w.explanation.sentences("lowers")]:
        assert sentence in text_of(sim.reasons), when
    assert option_sentences(sim) == library_sentences(scorer, cid, lang), when


# ------------------------------------------------------------------------ server side
def test_closed_the_section_costs_nothing_on_a_switch(app, scorer, cases, monkeypatch):
    """Closed (the default), a switch asks the Scorer nothing for it; open, one what_if and
    one recourse per client and language; an edit asks what_if again, not recourse."""
    calls, depth = [], []

    def counted(verb, original):
        def call(*args, **kwargs):
            if not depth:  # the section's calls (recourse verifies with what_if)
                calls.append(verb)
            depth.append(verb)
            try:
                return original(*args, **kwargs)
            finally:
                depth.pop()
        return call

    for verb in ("what_if", "recourse"):
        monkeypatch.setattr(scorer, verb, counted(verb, getattr(scorer, verb)))
    sim = app.simulation
    assert not sim.opened and sim.body not in sim.children
    for cid in cases.values():
        app.show_client(cid)
        check_page(app, scorer, f"closed, client {cid}")
    assert calls == []
    sim.set_open(True)
    assert calls == ["what_if", "recourse"]
    app.show_client(cases["options"])
    assert calls[2:] == ["what_if", "recourse"]
    sim.inputs[CREDIT].value = "100000"
    assert calls[4:] == ["what_if"]
    app.set_lang("en")
    assert calls[5:] == ["what_if", "recourse"]
    sim.set_open(False)
    app.show_client(cases["none"])
    assert calls[7:] == [] and sim.body not in sim.children


def test_a_refused_client_s_options_are_the_library_s_and_apply_grants(app, scorer, cases,
                                                                      tiny_bundle):
    cid = cases["options"]
    files = {p: (p.stat().st_size, p.stat().st_mtime_ns)
             for p in Path(tiny_bundle[0]).rglob("*") if p.is_file()}
    app.show_client(cid)
    app.simulation.set_open(True)
    sim, real = app.simulation, scorer.score(cid)
    assert real.decision == "refused"
    r = scorer.recourse(cid)
    assert option_sentences(sim) == library_sentences(scorer, cid, "fr")
    assert len(option_sentences(sim)) == len(r.options) >= 2
    assert [b.description for b in sim.option_buttons] == ["Simuler cette option"] * 3
    before = input_values(sim)
    assert before == expected_inputs(scorer, scorer.what_if(cid, {}).values, "fr")
    assert text_of(sim.decision).endswith("Crédit refusé")
    score_panel = (app.score.probability.value, app.score.decision.value,
                   list(app.score.bar.x))
    for i, option in enumerate(r.options):
        sim.option_buttons[i].click()
        assert app.state.edits == option.changes
        assert text_of(sim.decision).endswith("Crédit accordé")
        assert text_of(sim.probability) == percent(option.probability, versus=scorer.threshold)
        assert option.probability < scorer.threshold
        assert float(sim.meter.bar.x[1]) < float(sim.meter.threshold_line.x[0])
        assert input_values(sim) == expected_inputs(scorer, option.values, "fr") | {
            k: value_text(v, "months" if k == DURATION else "amount", "fr")
            for k, v in option.changes.items()}
        assert text_of(sim.outcome) == outcome_sentence(option.values, option.probability,
                                                        scorer.threshold, "granted", "fr")
        # the real score is kept: the score panel, the line and the marker
        assert (app.score.probability.value, app.score.decision.value,
                list(app.score.bar.x)) == score_panel
        assert "Crédit refusé".lower() in text_of(sim.real)
        assert percent(real.probability, versus=scorer.threshold) in text_of(sim.real)
        assert sim.meter.real_label.text == [
            f"Réel {percent(real.probability, versus=scorer.threshold)}"]
        check_page(app, scorer, f"option {i}")
    sim.reset.click()
    assert app.state.edits == {} and input_values(sim) == before
    assert text_of(sim.probability) == percent(real.probability, versus=scorer.threshold)
    check_page(app, scorer, "reset")
    # nothing simulated was written: the bundle's files are as they were
    assert {p: (p.stat().st_size, p.stat().st_mtime_ns)
            for p in Path(tiny_bundle[0]).rglob("*") if p.is_file()} == files


def test_a_client_switch_clears_the_edits(app, scorer, cases):
    app.show_client(cases["options"])
    app.simulation.set_open(True)
    app.simulation.option_buttons[0].click()
    assert app.state.edits
    other = cases["none"]
    app.show_client(other)
    assert app.state.edits == {}
    assert input_values(app.simulation) == expected_inputs(
        scorer, scorer.what_if(other, {}).values, "fr")
    check_page(app, scorer, "after the switch")


def test_a_language_switch_keeps_the_edit_and_translates(app, scorer, cases):
    cid = cases["options"]
    app.show_client(cid)
    sim = app.simulation
    sim.set_open(True)
    sim.inputs[CREDIT].value = "123 000"
    edits = {CREDIT: 123000.0}
    assert app.state.edits == edits
    app.set_lang("en")
    assert app.state.edits == edits
    assert sim.inputs[CREDIT].value == "123,000"
    assert text_of(sim.title) == "Simulation" and sim.toggle.description == \
        "Close the simulation"
    assert sim.reset.description == "Back to the real values"
    w = scorer.what_if(cid, edits, lang="en")
    assert text_of(sim.outcome) == outcome_sentence(w.values, w.probability,
                                                    scorer.threshold, w.decision, "en")
    assert option_sentences(sim) == library_sentences(scorer, cid, "en")
    assert text_of(sim.real).startswith("Real score, unchanged")
    check_page(app, scorer, "English")
    app.set_lang("fr")
    assert app.state.edits == edits and sim.inputs[CREDIT].value == "123\u202f000"
    check_page(app, scorer, "French again")


def test_a_bad_value_is_a_sentence_never_an_exception(app, scorer, cases):
    cid = cases["options"]
    app.show_client(cid)
    sim = app.simulation
    sim.set_open(True)
    credit = next(v for v in scorer.actionable_variables("fr") if v["name"] == CREDIT)
    span = range_text(credit, "fr")
    assert span.startswith("de ") and " à " in span
    expected = {
        "": f"Montant du crédit : tapez une valeur ({span}).",
        "abc": f"Montant du crédit : « abc » n'est pas un nombre ({span}).",
        "99 999 999": "Montant du crédit : 99\u202f999\u202f999\u00a0€ est hors des valeurs "
                      f"plausibles, {span} (observées chez les clients connus de la banque).",
    }
    for typed, sentence in expected.items():
        sim.inputs[CREDIT].value = typed
        assert text_of(sim.error) == sentence, typed
        assert not shown(sim.result)
        value = parse_value(typed, "fr")  # the input keeps what was typed
        assert sim.inputs[CREDIT].value == (value if isinstance(value, str)
                                            else value_text(value, "amount", "fr"))
        check_page(app, scorer, f"typed {typed!r}")
    app.set_lang("en")
    en_span = range_text(credit, "en")
    assert text_of(sim.error) == ("Credit amount: €99,999,999 is outside the plausible "
                                  f"values, {en_span} (observed among the bank's known "
                                  "clients).")
    app.set_lang("fr")
    # a value that follows from another one: the instalment of a one-month loan
    sim.reset.click()
    ranges = scorer.simulation_ranges
    big, short = int(ranges[CREDIT][1]), int(ranges[DURATION][0])
    assert big / short > ranges[ANNUITY][1]
    sim.inputs[DURATION].value = str(short)
    sim.inputs[CREDIT].value = str(big)
    assert text_of(sim.error).startswith("Mensualité qui en découle ("), text_of(sim.error)
    assert "changez aussi une autre valeur" in text_of(sim.error)
    # the goods price far above the credit
    sim.reset.click()
    low = int(ranges[CREDIT][0])  # with a duration that keeps its instalment plausible
    months = next(m for m in range(int(ranges[DURATION][0]), int(ranges[DURATION][1]) + 1)
                  if ranges[ANNUITY][0] <= low / m <= ranges[ANNUITY][1])
    sim.inputs[DURATION].value = str(months)
    sim.inputs[GOODS].value = str(int(ranges[GOODS][1]))
    sim.inputs[CREDIT].value = str(low)
    assert text_of(sim.error).startswith("Le prix du bien ("), text_of(sim.error)
    check_page(app, scorer, "ratio")
    sim.reset.click()
    assert sim.error.value == "" and shown(sim.result)


def test_error_sentences_parse_and_fall_back():
    assert parse_value(" 250\u202f000 € ", "fr") == 250000.0
    assert parse_value("12,5", "fr") == 12.5 and parse_value("250,000.5", "en") == 250000.5
    assert parse_value("inf", "fr") == "inf" and parse_value("  ", "en") == ""
    levers = {CREDIT: {"name": CREDIT, "label": "Credit amount", "kind": "amount",
                       "low": 1.0, "high": 2.0}}
    other = error_text(WhatIfError("X and Y: give one of them"), {}, levers, {}, "en")
    assert other == "This simulation is not possible (X and Y: give one of them)."


def test_granted_and_hopeless_clients_get_a_plain_sentence(app, scorer, cases):
    app.show_client(cases["granted"])
    sim = app.simulation
    sim.set_open(True)
    r = scorer.recourse(cases["granted"])
    assert r.message and not r.options
    assert option_sentences(sim) == [] and sim.options_title.value == ""
    assert text_of(sim.recourse_message) == r.message
    assert r.message.startswith("Le crédit est déjà accordé")
    check_page(app, scorer, "granted")
    app.show_client(cases["none"])
    r = scorer.recourse(cases["none"])
    assert option_sentences(sim) == [] and r.message and r.weighs_most
    said = text_of(sim.recourse_message)
    assert said.startswith(r.message) and "Ce qui pèse le plus" in said
    assert all(reason in said for reason in r.weighs_most)
    check_page(app, scorer, "no option")


def test_a_person_s_sequence_of_actions(app, scorer, cases):
    """Open, an option, a typed duration, English, a bad value, reset, another client,
    closed, a client, opened again: after each step the page holds (no figure rebuilt)."""
    def figures():  # the page's and the section's (laid out only while open)
        found = {id(w): w for w in [*walk(app.widget), *walk(sim.body)]
                 if isinstance(w, bq.Figure)}
        return sorted((key, [id(m) for m in w.marks]) for key, w in found.items())

    sim = app.simulation
    built = figures()
    steps = [
        ("client", lambda: app.show_client(cases["options"])),
        ("open", lambda: sim.toggle.click()),
        ("option 2", lambda: sim.option_buttons[1].click()),
        ("duration", lambda: setattr(sim.inputs[DURATION], "value", "24")),
        ("instalment", lambda: setattr(sim.inputs[ANNUITY], "value", "20000")),
        ("English", lambda: app.set_lang("en")),
        ("bad value", lambda: setattr(sim.inputs[GOODS], "value", "a lot")),
        ("reset", lambda: sim.reset.click()),
        ("another client", lambda: app.show_client(cases["granted"])),
        ("close", lambda: sim.toggle.click()),
        ("a client, closed", lambda: app.show_client(cases["none"])),
        ("open again", lambda: sim.toggle.click()),
        ("French", lambda: app.set_lang("fr")),
    ]
    for name, act in steps:
        act()
        check_page(app, scorer, name)
        if name == "duration":
            assert app.state.edits.get(DURATION) == 24.0 and ANNUITY not in app.state.edits
        if name == "instalment":  # the instalment replaces the duration: it follows
            assert app.state.edits.get(ANNUITY) == 20000.0 and DURATION not in app.state.edits
        if name == "bad value":
            assert text_of(sim.error).startswith("Price of the goods financed: “a lot” is "
                                                 "not a number")
    assert figures() == built


RANDOM_SEQUENCES = 60


def random_step(rng, app, cases) -> tuple[str, object]:
    """One of the advisor's actions on the section, at random: ``(name, action)``."""
    sim = app.simulation
    kind = rng.choice(("client", "toggle", "toggle", "option", "type", "type", "reset",
                       "lang"))
    if kind == "client":
        cid = rng.choice(list(cases.values()))
        return f"client {cid}", lambda: app.show_client(cid)
    if kind == "toggle":
        return "toggle", sim.toggle.click
    if kind == "option":
        shown_buttons = [b for b, row in zip(sim.option_buttons, sim.option_rows)
                         if shown(row) and sim.opened]
        if not shown_buttons:
            return "no option to click", lambda: None
        i = rng.randrange(len(shown_buttons))
        return f"option {i}", shown_buttons[i].click
    if kind == "type":
        name = rng.choice(FIELDS)
        text = rng.choice(("", "abc", "24", "100000", "250 000", "1e12", "12,5"))
        return f"type {text!r} in {name}", lambda: setattr(sim.inputs[name], "value", text)
    if kind == "lang":
        lang = rng.choice(("fr", "en"))
        return f"lang {lang}", lambda: app.set_lang(lang)
    return "reset", sim.reset.click


def test_random_sequences_of_the_advisor_s_actions(app, scorer, cases):
    """60 seeded random sequences of 3 to 6 actions (open/close, a client, an option, a value
    typed, reset, a language): after each, the page holds (:func:`check_page`)."""
    import random

    rng = random.Random(12)
    played = set()
    for n in range(RANDOM_SEQUENCES):
        app.set_lang("fr")
        app.simulation.set_open(False)
        app.show_client(cases["options"])
        steps = []
        for _ in range(rng.randint(3, 6)):
            name, act = random_step(rng, app, cases)
            steps.append(name)
            act()
            check_page(app, scorer, f"sequence {n}: {steps}")
            played.add(name.split()[0])
    assert {"client", "toggle", "option", "type", "reset", "lang"} <= played


def walk(widget):
    yield widget
    if not isinstance(widget, bq.Figure):
        for child in getattr(widget, "children", ()) or ():
            yield from walk(child)


# ------------------------------------------------------------------------------ browser
def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
def test_in_the_browser_an_option_brings_the_simulated_gauge_below_the_threshold(
        tiny_bundle, scorer, cases):
    """``scoring serve`` in chromium: a refused client, the section opened, an option
    applied: the simulated gauge and decision fall below the threshold ("accordé") while
    the real score stays; reset gives the real values back. Screenshot:
    test-artifacts/dashboard-simulation.png."""
    require_browser()
    from playwright.sync_api import sync_playwright

    cid = cases["options"]
    real = scorer.score(cid)
    option = scorer.recourse(cid).options[0]
    sentence = outcome_sentence(option.values, option.probability, scorer.threshold,
                                option.decision, "fr")
    with (serving(tiny_bundle[0], ARTIFACTS / "dashboard-simulation-server.log") as server,
          sync_playwright() as pw, closing(launch_chromium(pw)) as browser):
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        page.set_default_timeout(STEP_TIMEOUT_MS)
        open_dashboard(page, server.base_url, LOAD_TIMEOUT_MS)
        page.locator(".sc-search input").fill(str(cid))
        page.locator(".sc-search-button").click()
        wait_text(page, "sc-client-id", lambda t: str(cid) in squash(t), f"client {cid}")
        wait_text(page, "sc-probability",
                  lambda t: squash(t) == squash(percent(real.probability, versus=scorer.threshold)), "its score")
        page.locator(".sc-sim-toggle").click()
        wait_text(page, "sc-sim-option", lambda t: squash(t) == squash(sentence),
                  "the first option's sentence")
        wait_text(page, "sc-sim-decision", lambda t: "refusé" in t, "the real decision")
        page.locator(".sc-sim-apply").first.click()
        wait_text(page, "sc-sim-decision", lambda t: "accordé" in t, "the simulated grant")
        simulated = wait_text(page, "sc-sim-probability",
                              lambda t: squash(t) == squash(percent(option.probability, versus=scorer.threshold)),
                              "the option's probability")
        assert float(squash(simulated).rstrip("%").replace(",", ".")) < \
            100 * scorer.threshold
        # the gauge's labels (SVG text, drawn after the marks' data arrive)
        labels = [squash(f"Simulation : {percent(option.probability, versus=scorer.threshold)}"),
                  squash(f"Réel {percent(real.probability, versus=scorer.threshold)}"),
                  squash(f"Seuil {percent(scorer.threshold, versus=option.probability)}")]
        gauge = ".sc-sim-gauge svg.svg-figure"
        try:
            page.wait_for_function(
                "([sel, labels]) => { const t = document.querySelector(sel).textContent"
                ".replace(/\\s+/g, ''); return labels.every(l => t.includes(l)); }",
                arg=[gauge, labels], timeout=STEP_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - said with what the gauge showed
            raise AssertionError(f"{labels} not all in the simulated gauge: "
                                 f"{squash(page.locator(gauge).first.text_content())!r}")
        # drawn at the page's scale: the hatched bar ends left of the threshold, the real
        # marker stands right of it (paths: two zones, the bar, the threshold, the marker)
        boxes = page.locator(gauge).first.evaluate(
            "svg => [...svg.querySelectorAll('path.line')].map(p => { const b = p.getBBox();"
            " return [b.x, b.x + b.width]; })")
        assert len(boxes) == 5, boxes
        bar, threshold, marker = boxes[2], boxes[3], boxes[4]
        assert bar[1] - bar[0] > 10 and bar[1] < threshold[0] < marker[0], boxes
        # the real score is unchanged, beside the simulation and in the score panel
        assert squash(page.locator(".sc-probability").inner_text()) == \
            squash(percent(real.probability, versus=scorer.threshold))
        assert "refusé" in page.locator(".sc-decision").first.inner_text()
        assert squash(percent(real.probability, versus=scorer.threshold)) in squash(
            page.locator(".sc-sim-real").inner_text())
        page.locator(".sc-sim-result").scroll_into_view_if_needed()
        screenshot(page, "simulation")
        page.locator(".sc-sim-reset").click()
        wait_text(page, "sc-sim-decision", lambda t: "refusé" in t, "the real decision back")
        wait_text(page, "sc-sim-probability",
                  lambda t: squash(t) == squash(percent(real.probability, versus=scorer.threshold)),
                  "the real probability back")
        assert squash(page.locator(".sc-sim-amt-credit input").input_value()) == squash(
            value_text(scorer.what_if(cid, {}).values[CREDIT], "amount", "fr"))
