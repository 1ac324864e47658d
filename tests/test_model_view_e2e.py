"""End to end: the Modèle / Model tab of ``scoring serve`` in chromium (Playwright), in
French then English: figures drawn, the threshold slider's simulation, back to the bank's
threshold, the monitoring summary of a report. Fails (not skips) in CI without chromium
(serve_harness.require_browser)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from model_view_bundle import model_view_bundle
from serve_harness import OFFLINE, launch_chromium, require_browser, serving, wait_text

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
LOAD_TIMEOUT_MS = 180_000
STEP_TIMEOUT_MS = 30_000
FIGURES = ("sc-fig-cost", "sc-fig-approval", "sc-fig-roc", "sc-fig-pr",
           "sc-fig-distributions", "sc-fig-calibration", "sc-fig-importance")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def settled(page, css: str, quiet_s: float = 1.0, timeout_s: float = 30.0) -> str:
    """The text of the first ``.css`` once it has not changed for ``quiet_s`` seconds."""
    deadline = time.monotonic() + timeout_s
    text, since = page.locator(f".{css}").first.inner_text(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = page.locator(f".{css}").first.inner_text()
        if now != text:
            text, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return text
    raise AssertionError(f".{css} still changing after {timeout_s:.0f} s: {text!r}")


def pct(share: float, lang: str) -> str:
    text = f"{100 * share:.1f}"
    return squash(f"{text.replace('.', ',')} %" if lang == "fr" else f"{text}%")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    require_browser()
    from scoring_lib.data.synth import synthesize
    from scoring_lib.monitor.command import write_report
    from scoring_lib.monitor.monitor import run_monitor
    from scoring_lib.scoring import Scorer

    path = model_view_bundle()[0]
    work = tmp_path_factory.mktemp("model-e2e")
    synthesize(work / "raw", 1500, 400, 3, "parquet")
    report = work / "monitoring.html"
    write_report(run_monitor(path, work / "raw"), report, "fr")
    env = dict(os.environ, SCORING_MONITOR_REPORT=str(report.with_suffix(".json")))
    with serving(path, ARTIFACTS / "model-view-e2e-server.log", env=env) as server:
        yield server, Scorer.from_bundle(path)


def drawn_lines(page, css: str) -> int:
    return page.locator(f".{css}").first.evaluate("""el => {
        const svg = el.querySelector('svg.svg-figure');
        if (!svg) return 0;
        let n = 0;
        for (const m of svg.querySelectorAll('path.line, rect.bar, path.dot')) {
            const b = m.getBBox();
            if (b.width > 0 || b.height > 0) n += 1;
        }
        return n;
    }""")


def labels_cut_off(page, css: str) -> list[str]:
    """The axis titles of figure ``css`` that stick out of the figure (cut off)."""
    return page.locator(f".{css}").first.evaluate("""el => {
        const box = el.getBoundingClientRect();
        return Array.from(el.querySelectorAll('text.axislabel')).filter(t => {
            const b = t.getBoundingClientRect();
            return b.top < box.top - 1 || b.bottom > box.bottom + 1
                || b.left < box.left - 1 || b.right > box.right + 1;
        }).map(t => t.textContent);
    }""")


def test_the_model_tab_in_french_then_english(served):
    from playwright.sync_api import sync_playwright

    server, scorer = served
    metrics = scorer.bundle.metrics
    bank_approval = 1 - metrics["refused_share"]
    pw = sync_playwright().start()
    browser = launch_chromium(pw)
    errors = []
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error"
                and not OFFLINE.search(m.location.get("url", "")) else None)
        page.goto(server.base_url, wait_until="commit")
        page.locator(".sc-probability").wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
        page.locator(".lm-TabBar-tab", has_text="Modèle").click()
        summary = wait_text(page, "sc-simulation-summary", lambda t: "accordés" in t,
                            "the simulation summary")
        assert pct(bank_approval, "fr") in squash(summary)
        assert "Seuil simulé" in page.locator(".sc-model").inner_text()
        assert "(celui de la banque)" in page.locator(".sc-model").inner_text()
        for css in FIGURES:
            page.locator(f".{css}").first.scroll_into_view_if_needed()
            page.locator(f".{css} svg.svg-figure").first.wait_for(state="visible")
            assert drawn_lines(page, css) > 0, css
            assert labels_cut_off(page, css) == [], css
        fairness = page.locator(".sc-fairness").inner_text()
        assert "Équité par groupe" in fairness and "Tranche d'âge" in fairness
        monitoring = page.locator(".sc-model-monitoring").inner_text()
        assert "400 nouvelles demandes" in monitoring and "Score : PSI" in monitoring
        page.screenshot(path=str(ARTIFACTS / "model-tab-fr.png"), full_page=True)

        # the slider: a few steps down (a stricter threshold), then back to the bank's
        handle = page.locator(".sc-threshold-slider .noUi-handle").first
        handle.focus()
        for _ in range(15):
            handle.press("ArrowLeft")
        moved = wait_text(page, "sc-simulation-summary",
                          lambda t: pct(bank_approval, "fr") not in squash(t.split("(")[0]),
                          "a simulated approval rate")
        assert "(celui de la banque)" not in page.locator(".sc-model").inner_text()
        assert "Crédits accordés" in moved
        # the advisor lets go of the slider before resetting: the widget front end holds a
        # slider's later values until the kernel has answered the earlier ones, so a reset
        # clicked while they are queued would be followed by them (the slider would win)
        settled(page, "sc-simulation-summary")
        page.locator(".sc-threshold-reset").click()
        wait_text(page, "sc-model", lambda t: "(celui de la banque)" in t,
                  "the bank's threshold again")
        assert scorer.bundle.threshold == served[1].bundle.threshold

        # English
        page.locator(".sc-lang button", has_text="EN").click()
        page.locator(".lm-TabBar-tab", has_text="Model").wait_for(state="visible")
        summary = wait_text(page, "sc-simulation-summary", lambda t: "Loans granted" in t,
                            "the English summary")
        assert pct(bank_approval, "en") in squash(summary)
        assert "Fairness by group" in page.locator(".sc-fairness").inner_text()
        assert "400 new applications" in page.locator(".sc-model-monitoring").inner_text()
        assert "Expected cost by threshold" in page.locator(".sc-fig-cost").inner_text()
        for css in FIGURES:
            page.locator(f".{css}").first.scroll_into_view_if_needed()
            assert labels_cut_off(page, css) == [], css
        page.screenshot(path=str(ARTIFACTS / "model-tab-en.png"), full_page=True)
        # back to the client view: it still works, and hiding the figures logs no error
        page.locator(".lm-TabBar-tab", has_text="Client").click()
        page.locator(".sc-probability").wait_for(state="visible")
        assert errors == []
    finally:
        browser.close()
        pw.stop()
