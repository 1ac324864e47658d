"""The dashboard's report button (issue 14), in Python and in chromium.

In Python: a click builds the report of the client on screen in the page's language and
shows a ``data:`` link holding it; a client switch or a language change takes the link away
without building a PDF; a failure is the part's sentence. In the browser (``scoring serve``
on the small bundle): the advisor clicks the button then the link and receives a valid PDF
(playwright's download) naming the client on screen; after a switch to another client the
download is that client's report.
"""

from __future__ import annotations

import base64
import html
import re
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from serve_harness import launch_chromium, open_dashboard, require_browser, serving

from scoring_lib.decision import GRANTED, REFUSED
from scoring_lib.words import tr

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
LOAD_TIMEOUT_MS = 180_000
STEP_TIMEOUT_MS = 60_000


def pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def link_pdf(value: str) -> tuple[str, bytes]:
    """``(download file name, PDF bytes)`` of the panel's link."""
    match = re.search(r'href="data:application/pdf;base64,([A-Za-z0-9+/=]+)"', value)
    name = re.search(r'download="([^"]+)"', value)
    assert match and name, value[:200]
    return name.group(1), base64.b64decode(match.group(1))


def two_clients(scorer) -> tuple[int, int]:
    c = scorer.clients
    granted = int(c.index[(c["decision"] == GRANTED).to_numpy()][0])
    refused = int(c.index[(c["decision"] == REFUSED).to_numpy()][0])
    return granted, refused


# -------------------------------------------------------------------------------- Python
@pytest.fixture(scope="module")
def app(small_bundle):
    from scoring_lib.dashboard import build_app
    from scoring_lib.scoring import Scorer

    return build_app(Scorer.from_bundle(small_bundle[0]), lang="fr")


def test_click_builds_the_report_of_the_client_on_screen_and_a_switch_only_drops_it(
        app, monkeypatch):
    import scoring_lib.letter.files as files

    built = []
    real = files.client_letter

    def counting(scorer, client_id, lang="fr", **kw):
        built.append((int(client_id), lang))
        return real(scorer, client_id, lang, **kw)

    monkeypatch.setattr(files, "client_letter", counting)
    panel = app.panel("letter")
    granted, refused = two_clients(app.scorer)
    app.show_client(granted)
    assert panel.link.value == "" and panel.button.description == "Télécharger le rapport"
    panel.button.click()
    name, data = link_pdf(panel.link.value)
    assert name == f"rapport-{granted}.pdf" and data.startswith(b"%PDF-")
    panel.button.click()  # clicked again: the same link, not another PDF
    assert link_pdf(panel.link.value)[1] == data and len(built) == 1
    text = pdf_text(data)
    assert tr("client_heading", "fr", client_id=granted) in text
    assert tr(GRANTED, "fr") in text
    assert str(granted) in html.unescape(re.sub(r"<[^>]+>", "", panel.link.value))
    # switching clients and language: the link goes, no PDF is built
    for cid in (refused, granted, refused):
        app.show_client(cid)
        assert panel.link.value == "" and panel.shown_client == cid
    app.set_lang("en")
    assert panel.link.value == "" and panel.button.description == "Download the report"
    assert built == [(granted, "fr")]
    panel.button.click()
    name, data = link_pdf(panel.link.value)
    assert name == f"report-{refused}.pdf" and built[-1] == (refused, "en")
    text = pdf_text(data)
    assert tr("client_heading", "en", client_id=refused) in text
    assert tr(REFUSED, "en") in text and tr(REFUSED, "fr") not in text
    app.set_lang("fr")


def test_a_failed_report_is_the_part_s_sentence(app, monkeypatch):
    import scoring_lib.letter.files as files

    def broken(*args, **kwargs):
        raise RuntimeError("reportlab broke")

    monkeypatch.setattr(files, "client_letter", broken)
    panel = app.panel("letter")
    panel.button.click()
    assert panel.link.value == "" and not panel.button.disabled
    assert app.state.failed == ("letter",)
    assert tr("part_letter", "fr") in app.message.value
    monkeypatch.undo()
    app.show_client(app.state.client_id)  # asking again recovers
    assert app.state.failed == ()


# ------------------------------------------------------------------------------- browser
@pytest.fixture(scope="module")
def server(small_bundle):
    require_browser()
    with serving(small_bundle[0], ARTIFACTS / "letter-e2e-server.log") as server:
        yield server


def download(page, client_id) -> bytes:
    """Click the button, wait for the link of ``client_id``, click it: the file's bytes."""
    page.locator(".sc-letter-button").click()
    link = page.locator(f'.sc-letter-link a[download$="-{client_id}.pdf"]')
    link.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    with page.expect_download(timeout=STEP_TIMEOUT_MS) as info:
        link.click()
    got = info.value
    assert got.suggested_filename == f"rapport-{client_id}.pdf"
    return Path(got.path()).read_bytes()


@pytest.mark.slow
def test_the_browser_downloads_the_report_of_the_client_on_screen(server, small_bundle):
    from playwright.sync_api import sync_playwright

    from scoring_lib.scoring import Scorer

    scorer = Scorer.from_bundle(small_bundle[0])
    first = int(scorer.client_ids[0])
    other = next(int(c) for c in two_clients(scorer) if int(c) != first)
    pw = sync_playwright().start()
    browser = launch_chromium(pw)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR",
                                accept_downloads=True)
        page.set_default_timeout(STEP_TIMEOUT_MS)
        open_dashboard(page, server.base_url, LOAD_TIMEOUT_MS)
        assert str(first) in page.locator(".sc-client-id").inner_text()
        data = download(page, first)
        assert data.startswith(b"%PDF-")
        text = pdf_text(data)
        assert tr("client_heading", "fr", client_id=first) in text
        assert tr(scorer.score(first).decision, "fr") in text
        # another client, then the button: that client's report (the old link is gone)
        page.locator(".sc-search input").fill(str(other))
        page.locator(".sc-search-button").click()
        deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
        while str(other) not in page.locator(".sc-client-id").inner_text():
            assert time.monotonic() < deadline, "the page did not show the other client"
            time.sleep(0.1)
        assert page.locator(".sc-letter-link a").count() == 0
        data = download(page, other)
        text = pdf_text(data)
        assert tr("client_heading", "fr", client_id=other) in text
        assert tr("client_heading", "fr", client_id=first) not in text
        page.screenshot(path=str(ARTIFACTS / "letter-dashboard-button.png"))
    finally:
        browser.close()
        pw.stop()
