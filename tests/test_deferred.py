"""The figures the browser draws after the page's first paint (``Deferred``): where they are,
and, in chromium, what a person sees — the probability first, every figure then at its
size, nothing drawn in the hidden tab until it is opened, the figures of the client view
moved in place on a client or language switch. Fails (not skips) in CI without chromium."""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as W
import pytest
import traitlets
from model_view_bundle import model_view_bundle
from serve_harness import OFFLINE, launch_chromium, require_browser, serving, wait_text

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
LOAD_TIMEOUT_MS = 180_000
STEP_TIMEOUT_MS = 30_000
#: the client view's figures drawn after the first paint, each in its slot
LATER = ("sc-force", "sc-waterfall", "sc-compare-hist", "sc-scatter")
CLIENT_SLOTS = len(LATER)


def test_the_slot_carries_its_child_and_keeps_its_height():
    from scoring_lib.dashboard.deferred import ESM, Deferred

    figure = W.HTML("x")
    slot = Deferred(figure, "380px")
    assert slot.child is figure
    assert slot.layout.min_height == "380px" and slot.layout.width == "100%"
    state = slot.get_state()
    assert state["child"] == f"IPY_MODEL_{figure.model_id}"
    assert state["_esm"] == ESM                   # code only: no data goes to the page
    assert Deferred(figure).layout.min_height is None
    with pytest.raises(traitlets.TraitError):     # a slot is for a widget
        Deferred("not a widget")


def test_the_client_view_draws_the_figures_below_the_fold_later(small_bundle):
    """The gauge is drawn with the page; the force plot, the waterfall and the comparison's
    two figures sit in slots of their figure's height."""
    from scoring_lib.dashboard.app import build_app
    from scoring_lib.dashboard.deferred import Deferred
    from scoring_lib.scoring import Scorer

    app = build_app(Scorer.from_bundle(small_bundle[0]))

    def slots(widget):
        if isinstance(widget, Deferred):
            yield widget
        for child in getattr(widget, "children", ()):
            yield from slots(child)

    found = {s.child: s for s in slots(app.tabs.children[0])}
    for figure in (app.explain.force, app.explain.waterfall, app.comparison.histogram,
                   app.comparison.scatter):
        assert found[figure].layout.min_height == figure.layout.height
    assert app.score.gauge not in found and app.score.gauge in app.score.children


#: in the page from its first script: when the probability is readable, when the first
#: frame after it ran, and when each slot says its child is drawn
WATCH = r"""
window.__sc = {probability: null, frame: null, drawn: []};
new MutationObserver(() => {
  const T = window.__sc, now = performance.now();
  const p = document.querySelector('.sc-probability');
  if (T.probability === null && p && /\d/.test(p.textContent)) {
    T.probability = now;
    requestAnimationFrame(() => setTimeout(() => { T.frame = performance.now(); }, 0));
  }
  document.querySelectorAll('.sc-deferred[data-sc-drawn]').forEach(s => {
    if (!s.__scDrawn) { s.__scDrawn = true; T.drawn.push(now); }
  });
}).observe(document, {childList: true, subtree: true, characterData: true,
                      attributes: true, attributeFilter: ['data-sc-drawn', 'class']});
"""


def figure_state(page, css: str) -> dict:
    """The slot's height, the figure's plot width and marks, and the SVG element's mark."""
    return page.locator(f".{css}").first.evaluate("""el => {
        const slot = el.closest('.sc-deferred');
        const svg = el.querySelector('svg.svg-figure');
        const marks = svg ? svg.querySelectorAll('path.line, rect.bar, path.dot').length : 0;
        return {slot: slot ? slot.getBoundingClientRect().height : null,
                reserved: slot ? parseFloat(getComputedStyle(slot).minHeight) : null,
                height: el.getBoundingClientRect().height,
                width: svg ? svg.getBoundingClientRect().width : 0, marks,
                texts: Array.from(el.querySelectorAll('text')).map(t => t.textContent)
                           .join(' '),
                same: svg ? svg.__scSeen === true : false};
    }""")


def test_a_person_opens_the_page_the_model_tab_and_comes_back():
    require_browser()
    from playwright.sync_api import sync_playwright

    from scoring_lib.scoring import Scorer

    path = model_view_bundle()[0]
    scorer = Scorer.from_bundle(path)
    other = int(scorer.client_ids[7])
    errors: list[str] = []
    with serving(path, ARTIFACTS / "deferred-e2e-server.log") as server, \
            sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error"
                    and not OFFLINE.search(m.location.get("url", "")) else None)
            page.add_init_script(WATCH)
            page.goto(server.base_url, wait_until="commit")
            page.wait_for_function(
                "n => window.__sc.drawn.length >= n && window.__sc.frame",
                arg=CLIENT_SLOTS, timeout=LOAD_TIMEOUT_MS)
            seen = page.evaluate("() => window.__sc")
            # the probability was readable and a frame was drawn before any slot drew
            assert len(seen["drawn"]) == CLIENT_SLOTS, seen
            assert all(t >= seen["frame"] for t in seen["drawn"]), seen
            for css in ("sc-gauge", *LATER):
                state = figure_state(page, css)
                assert state["marks"] > 0 and state["width"] > 100, (css, state)
            # each empty slot kept the height its figure takes: nothing on the page moved
            # when they came
            for css in LATER:
                state = figure_state(page, css)
                assert state["reserved"] == state["slot"] == state["height"], (css, state)
            # the model tab is hidden: nothing of it is drawn yet
            assert page.locator(".sc-model .sc-deferred[data-sc-drawn]").count() == 0
            assert page.locator(".sc-model .sc-fig-cost").count() == 0
            page.evaluate("""() => document.querySelectorAll('.sc-deferred svg.svg-figure')
                .forEach(s => { s.__scSeen = true; })""")

            page.locator(".lm-TabBar-tab", has_text="Modèle").click()
            wait_text(page, "sc-simulation-summary", lambda t: "accordés" in t,
                      "the model tab's summary")
            page.locator(".sc-model .sc-deferred[data-sc-drawn]").wait_for()
            cost = figure_state(page, "sc-fig-cost")
            assert cost["marks"] > 0 and cost["width"] > 100, cost

            # English, another client, back to the client view: the same figures (not
            # drawn again), at their size, with the new client's words
            page.locator(".sc-lang button", has_text="EN").click()
            page.locator(".lm-TabBar-tab", has_text="Client").click()
            page.locator(".sc-search input").fill(str(other))
            page.locator(".sc-search input").press("Enter")
            wait_text(page, "sc-client-id", lambda t: str(other) in re.sub(r"\s", "", t),
                      "the other client")
            wait_text(page, "sc-waterfall", lambda t: "Effect on the probability" in t,
                      "the waterfall in English")
            for css in LATER:
                state = figure_state(page, css)
                assert state["same"] and state["marks"] > 0 and state["width"] > 100, \
                    (css, state)
            assert "Effect on the probability of default (points)" in \
                figure_state(page, "sc-waterfall")["texts"]
            assert errors == []
        finally:
            browser.close()
