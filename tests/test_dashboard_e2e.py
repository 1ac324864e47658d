"""End to end: ``scoring serve`` on a tiny bundle, the page driven by Playwright in chromium.

One server and one browser page for the module (the page is the advisor's session: each
test brings it to the state it needs). The server's log and screenshots go to
``test-artifacts/`` (git-ignored); the log is printed when a test fails. Without chromium or
the playwright package the tests fail in CI (``CI`` set) and are skipped elsewhere.
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
from pathlib import Path

import pytest
from serve_harness import launch_chromium, open_dashboard, require_browser, serving, wait_text
from test_scoring import build_tiny_bundle

from scoring_lib.cli import main as cli_main

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
LOAD_TIMEOUT_MS = 180_000   # the first page: the kernel runs the notebook (slow on 2 busy cores)
STEP_TIMEOUT_MS = 30_000    # one interaction
FIGURES = ("sc-gauge", "sc-force", "sc-waterfall", "sc-compare-hist", "sc-scatter")
#: console errors allowed: the web fonts (Font Awesome from a CDN) cannot be fetched offline
OFFLINE_FONTS = re.compile(r"fontawesome|fonts\.(googleapis|gstatic)|\.(woff2?|ttf|otf|eot)\b",
                           re.IGNORECASE)
DECISIONS = {"fr": {"granted": "Crédit accordé", "refused": "Crédit refusé"},
             "en": {"granted": "Loan granted", "refused": "Loan refused"}}


def squash(text: str) -> str:
    """Text without any white space (the page may use no-break or narrow no-break spaces)."""
    return re.sub(r"\s+", "", text)


def percent(probability: float, lang: str) -> str:
    """The contract's format: one decimal, comma in French ("12,3 %"), point in English."""
    text = f"{100 * probability:.1f}"
    return squash(f"{text.replace('.', ',')} %" if lang == "fr" else f"{text}%")


def first_int(text: str) -> int:
    match = re.search(r"\d+", squash(text))
    assert match, f"no number in {text!r}"
    return int(match.group())


# ------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def browser_available():
    require_browser()


@pytest.fixture(scope="module")
def bundle(browser_available, tmp_path_factory):
    started = time.monotonic()
    path = build_tiny_bundle(tmp_path_factory.mktemp("e2e"), clients=300, test_clients=50)[0]
    print(f"tiny bundle built in {time.monotonic() - started:.1f} s")
    return path


@pytest.fixture(scope="module")
def server(bundle):
    """``scoring serve`` on the tiny bundle (preheated kernel, as ``make dashboard``)."""
    started = time.monotonic()
    with serving(bundle, ARTIFACTS / "dashboard-e2e-server.log") as server:
        print(f"server answering in {time.monotonic() - started:.1f} s")
        yield server


@pytest.fixture(scope="module")
def scorer(server, bundle):
    """The oracle (loaded while the server's kernel runs the notebook)."""
    from scoring_lib.scoring import Scorer

    return Scorer.from_bundle(bundle)


@pytest.fixture(autouse=True)
def server_log_on_failure(request):
    """Print the server's log (bypassing the capture) when the test failed."""
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed > failed and "server" in request.fixturenames:
        log = request.getfixturevalue("server").log_text()
        sys.__stderr__.write(f"\n---- scoring serve log (last 6000 characters) ----\n"
                             f"{log[-6000:]}\n---- end of the log ----\n")


@pytest.fixture(scope="module")
def session(server, scorer):
    """The page, loaded once: ``session["page"]``, the console errors, the load time."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = launch_chromium(pw)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        page.set_default_timeout(STEP_TIMEOUT_MS)
        errors = []
        page.on("console", lambda m: errors.append(
            (m.text, m.location.get("url", ""))) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append((f"uncaught: {exc}", "")))
        started = time.monotonic()
        open_dashboard(page, server.base_url, LOAD_TIMEOUT_MS)
        state = {"page": page, "errors": errors, "load_s": time.monotonic() - started}
        yield state
    finally:
        browser.close()
        pw.stop()


@pytest.fixture
def page(session):
    return session["page"]


# ------------------------------------------------------------------------------- helpers
def text_of(page, css: str) -> str:
    return page.locator(f".{css}").first.inner_text()


def submit_id(page, client_id, enter: bool = False) -> None:
    box = page.locator(".sc-search input")
    box.fill(str(client_id))
    if enter:
        box.press("Enter")
    else:
        page.locator(".sc-search-button").click()


def show(page, client_id, enter: bool = False) -> None:
    """Search ``client_id`` and wait until the score panel shows it."""
    submit_id(page, client_id, enter)
    wait_text(page, "sc-client-id", lambda t: str(client_id) in squash(t),
              f"client {client_id}")


def figure_marks(page, css: str) -> dict:
    """Drawn SVG marks of a bqplot figure, by kind (only marks with a non-empty box)."""
    return page.locator(f".{css}").first.evaluate("""el => {
        const svg = el.querySelector('svg.svg-figure');
        const out = {lines: 0, bars: 0, dots: 0, labels: 0};
        if (!svg) return out;
        const kinds = {lines: 'path.line', bars: 'rect.bar', dots: 'path.dot',
                       labels: 'text.label'};
        for (const [kind, sel] of Object.entries(kinds)) {
            for (const m of svg.querySelectorAll(sel)) {
                const b = m.getBBox();
                if (b.width > 0 || b.height > 0) out[kind] += 1;
            }
        }
        return out;
    }""")


def figure_svg(page, css: str) -> str:
    return page.locator(f".{css} svg.svg-figure").first.inner_html()


def snapshot(page) -> dict:
    out = {css: squash(text_of(page, css)) for css in
           ("sc-client-id", "sc-probability", "sc-decision", "sc-band", "sc-interpretation",
            "sc-reasons", "sc-info")}
    out.update({css: figure_svg(page, css) for css in FIGURES})
    return out


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # the whole app: a viewport as tall as the app (off-screen parts are not painted)
    size = page.viewport_size
    height = page.locator(".sc-app").first.evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 200, 8000)})
    try:
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)
    finally:
        page.set_viewport_size(size)


def bad_console_errors(errors, base_url: str) -> list:
    return [(text, url) for text, url in errors
            if not (url and not url.startswith(base_url) and OFFLINE_FONTS.search(url))]


def pick_clients(scorer):
    """The client shown at load, and two others: one with the other decision and band, one
    more of the first one's decision (all with distinct probabilities)."""
    clients = scorer.clients
    first = int(scorer.client_ids[0])
    decision = str(clients.loc[first, "decision"])
    first_p = float(clients.loc[first, "probability"])
    band = scorer.score(first).risk_band
    other = next(int(c) for c in scorer.client_ids[1:]
                 if str(clients.loc[c, "decision"]) != decision
                 and scorer.score(int(c)).risk_band != band
                 and abs(float(clients.loc[c, "probability"]) - first_p) > 0.002)
    same = next(int(c) for c in scorer.client_ids[1:]
                if int(c) != other and str(clients.loc[c, "decision"]) == decision
                and abs(float(clients.loc[c, "probability"]) - first_p) > 0.002)
    return first, other, same


# --------------------------------------------------------------------------------- tests
def test_page_loads_with_the_first_client_and_no_console_error(session, scorer, server):
    page = session["page"]
    first = int(scorer.client_ids[0])
    assert str(first) in squash(text_of(page, "sc-client-id"))
    assert squash(text_of(page, "sc-probability")) == percent(scorer.score(first).probability,
                                                              "fr")
    for css in FIGURES:  # every figure drawn before the page counts as loaded
        page.locator(f".{css} svg.svg-figure").first.wait_for(state="visible")
    screenshot(page, "loaded-fr")
    assert "Traceback" not in page.content()
    assert bad_console_errors(session["errors"], server.base_url) == []
    print(f"page loaded in {session['load_s']:.1f} s")


def test_search_shows_the_probability_of_scoring_score(page, bundle, scorer, capsys):
    _, _, client = pick_clients(scorer)
    box = page.locator(".sc-search input")
    prefix = str(client)[:-1]
    box.fill("")
    box.press_sequentially(prefix, delay=30)  # suggestions while typing
    suggested = page.wait_for_function(
        """([id, prefix, client]) => {
            const values = Array.from(document.querySelectorAll(`datalist[id='${id}'] option`),
                                      o => o.value);
            return values.includes(client) && values.every(v => v.startsWith(prefix))
                && values;
        }""", arg=[box.get_attribute("list"), prefix, str(client)]).json_value()
    assert 0 < len(suggested) <= 20
    show(page, client)
    capsys.readouterr()
    assert cli_main(["score", "--bundle", str(bundle), "--client", str(client), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["client_id"] == client
    wait_text(page, "sc-probability", lambda t: squash(t) == percent(record["probability"], "fr"),
              f"probability {percent(record['probability'], 'fr')} (scoring score --json)")
    assert squash(text_of(page, "sc-decision")) == squash(DECISIONS["fr"][record["decision"]])
    screenshot(page, "searched")


def test_charts_have_svg_marks(page, scorer):
    first, _, _ = pick_clients(scorer)
    show(page, first)
    minimum = {"sc-gauge": ("lines", 3), "sc-force": ("lines", 3),
               "sc-waterfall": ("lines", 3), "sc-compare-hist": ("bars", 5),
               "sc-scatter": ("dots", 20)}
    for css, (kind, at_least) in minimum.items():
        deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
        marks = figure_marks(page, css)
        while marks[kind] < at_least and time.monotonic() < deadline:
            time.sleep(0.2)
            marks = figure_marks(page, css)
        assert marks[kind] >= at_least, (css, marks)


def test_switching_client_changes_every_panel(page, scorer):
    first, other, _ = pick_clients(scorer)
    show(page, first)
    before = snapshot(page)
    show(page, other, enter=True)  # Enter in the box submits too
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    after = snapshot(page)
    while time.monotonic() < deadline and any(after[k] == before[k] for k in before):
        time.sleep(0.2)
        after = snapshot(page)
    unchanged = sorted(k for k in before if after[k] == before[k])
    assert unchanged == [], f"panels not updated after switching {first} -> {other}"
    score = scorer.score(other)
    assert after["sc-probability"] == percent(score.probability, "fr")
    assert after["sc-decision"] == squash(DECISIONS["fr"][score.decision])
    screenshot(page, "switched")


def test_filtering_updates_the_table(page, scorer):
    ids = scorer.client_ids.to_numpy()
    total = len(ids)
    wait_text(page, "sc-results-count", lambda t: first_int(t) == total, f"{total} matches")
    decision = page.locator(".sc-filter-decision select")
    decision.select_option(label=DECISIONS["fr"]["refused"])
    refused = ids[scorer.group_mask({"decision": "refused"})]
    assert 20 < len(refused) < total  # enough for two pages, fewer than everyone
    wait_text(page, "sc-results-count", lambda t: first_int(t) == len(refused),
              f"{len(refused)} refused clients")

    def rows():
        picks = page.locator(".sc-results .sc-pick:visible")
        return [first_int(picks.nth(i).inner_text()) for i in range(picks.count())]

    def wait_rows(expected, what):
        deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
        while rows() != expected and time.monotonic() < deadline:
            time.sleep(0.1)
        assert rows() == expected, what

    wait_rows([int(x) for x in refused[:20]], "first page of refused clients")
    screenshot(page, "filtered")
    page.locator(".sc-page-next").click()
    wait_rows([int(x) for x in refused[20:40]], "second page of refused clients")
    assert re.search(r"\b2\b", text_of(page, "sc-page-label"))
    page.locator(".sc-results .sc-pick:visible").first.click()  # pick a match: it is shown
    wait_text(page, "sc-client-id", lambda t: str(int(refused[20])) in squash(t),
              f"client {int(refused[20])} picked in the table")
    wait_text(page, "sc-decision", lambda t: squash(t) == squash(DECISIONS["fr"]["refused"]),
              "a refused decision")
    page.locator(".sc-filter-reset").click()
    wait_text(page, "sc-results-count", lambda t: first_int(t) == total, "filters cleared")
    wait_rows([int(x) for x in ids[:20]], "first page of all clients")


def test_comparison_with_the_most_similar_clients(page, scorer):
    from scoring_lib.dashboard.comparison import K_SIMILAR

    first, _, _ = pick_clients(scorer)
    show(page, first)
    buttons = page.locator(".sc-reference button")
    buttons.nth(0).click()  # all clients
    everyone = figure_marks(page, "sc-scatter")["dots"]
    assert everyone > K_SIMILAR + 1  # the tiny bundle has 350 clients
    histogram = figure_svg(page, "sc-compare-hist")
    buttons.nth(1).click()  # the k most similar clients
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    while time.monotonic() < deadline and (
            figure_marks(page, "sc-scatter")["dots"] > K_SIMILAR + 1
            or figure_svg(page, "sc-compare-hist") == histogram):
        time.sleep(0.2)
    assert 0 < figure_marks(page, "sc-scatter")["dots"] <= K_SIMILAR + 1  # + the client
    assert figure_svg(page, "sc-compare-hist") != histogram
    screenshot(page, "similar-clients")
    buttons.nth(0).click()
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    while time.monotonic() < deadline and figure_marks(page, "sc-scatter")["dots"] != everyone:
        time.sleep(0.2)
    assert figure_marks(page, "sc-scatter")["dots"] == everyone


def test_unknown_id_shows_the_friendly_message(page, scorer):
    first, _, _ = pick_clients(scorer)
    show(page, first)
    unknown = 987654321
    assert unknown not in set(scorer.client_ids)
    submit_id(page, unknown, enter=True)
    message = wait_text(page, "sc-message", lambda t: str(unknown) in squash(t),
                        "a message naming the unknown id")
    assert "Traceback" not in message and "Error" not in message
    assert str(first) in squash(text_of(page, "sc-client-id"))  # the last client stays
    screenshot(page, "unknown-id")
    show(page, first)
    wait_text(page, "sc-message", lambda t: not t.strip(), "the message cleared")


def test_language_toggle_switches_to_english(page, scorer):
    first, _, _ = pick_clients(scorer)
    show(page, first)
    score = scorer.score(first)
    page.locator(".sc-lang button", has_text="EN").click()
    wait_text(page, "sc-decision", lambda t: squash(t) == squash(DECISIONS["en"][score.decision]),
              "the decision in English")
    wait_text(page, "sc-probability", lambda t: squash(t) == percent(score.probability, "en"),
              "the probability in the English format")
    assert page.locator(".sc-search-button").inner_text().strip() != ""
    wait_text(page, "sc-app", lambda t: not re.search(r"Crédit|Identité|Probabilité", t),
              "no French word left on the page")
    screenshot(page, "english")
    page.locator(".sc-lang button", has_text="FR").click()
    wait_text(page, "sc-decision", lambda t: squash(t) == squash(DECISIONS["fr"][score.decision]),
              "the decision back in French")


def test_group_reference_then_a_filter_change_keeps_the_comparison(page, scorer):
    """Issue 11: "Le groupe filtré" under "Comparer avec", then Sexe → Femme said "Une partie
    de l'affichage n'a pas pu être calculée (comparaison)"; the histogram must follow the
    group instead."""
    first, _, _ = pick_clients(scorer)
    show(page, first)
    page.locator(".sc-reference button").nth(2).click()  # the filtered group (no filter)
    notes = page.locator(".sc-compare-hist ~ .sc-note, .sc-compare-position ~ .sc-note")
    wait_text(page, "sc-compare-position", lambda t: t.strip() != "", "the position")
    histogram = figure_svg(page, "sc-compare-hist")
    women = scorer.group({"gender": "F"})
    from scoring_lib.dashboard.search import filter_options

    woman = filter_options("gender", ["F"], "fr")[1][0]  # the label the dropdown shows
    page.locator(".sc-filter-gender select").select_option(label=woman)
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    while time.monotonic() < deadline and figure_svg(page, "sc-compare-hist") == histogram:
        time.sleep(0.1)
    assert figure_svg(page, "sc-compare-hist") != histogram, "the histogram of the group"
    assert str(len(women)) in squash(notes.first.inner_text())
    assert "n'a pas pu" not in text_of(page, "sc-message")
    assert figure_marks(page, "sc-compare-hist")["bars"] >= 5
    screenshot(page, "group-filtered")
    page.locator(".sc-filter-reset").click()
    page.locator(".sc-reference button").nth(0).click()
    wait_text(page, "sc-results-count", lambda t: first_int(t) == len(scorer.client_ids),
              "filters cleared")
    assert "n'a pas pu" not in text_of(page, "sc-message")


def svg_texts(page, css: str, selector: str = "text") -> list[str]:
    """The texts of the SVG elements ``selector`` in the figure ``.css`` (as drawn)."""
    return page.locator(f".{css}").first.evaluate(
        "(el, sel) => Array.from(el.querySelectorAll('svg ' + sel), t => t.textContent)",
        selector)


def tick_numbers(page, css: str) -> list[float]:
    """The numbers an axis of ``.css`` shows under its ticks (the horizontal axis first)."""
    texts = svg_texts(page, css, "g.axis g.tick text")
    return [float(squash(t).replace("\u2212", "-").replace(",", "")) for t in texts if t]


def assert_round_ticks(ticks: list[float], what: str, zero: bool = False) -> None:
    assert len(ticks) >= 3, f"{what}: ticks {ticks}"
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:])}
    assert len(steps) == 1, f"{what}: uneven ticks {ticks}"
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(abs(mantissa - m) < 1e-9 for m in (1, 2, 2.5, 5)), f"{what}: {ticks}"
    assert all(abs(t / step - round(t / step)) < 1e-9 for t in ticks), f"{what}: {ticks}"
    if zero:
        assert ticks[0] == 0, f"{what}: {ticks}"


AXIS_POINTS = {"fr": "Effet sur la probabilité de défaut (points)",
               "en": "Effect on the probability of default (points)"}
ENDS = {"fr": ("Client moyen", "Ce client"), "en": ("Average client", "This client")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_screenshots_in_probability_points_with_round_axes(page, scorer, lang):
    """Issue 11's proof: the page in French and in English, a granted and a refused client,
    explanations in probability points, round axes (read from the drawn SVG), the search
    button whole; ``test-artifacts/dashboard-{fr,en}-{granted,refused}.png``."""
    first, _, _ = pick_clients(scorer)
    clients = scorer.clients
    chosen = {}
    for decision in ("granted", "refused"):
        chosen[decision] = next(int(c) for c in scorer.client_ids
                                if str(clients.loc[c, "decision"]) == decision)
    page.locator(".sc-lang button", has_text=lang.upper()).click()
    wait_text(page, "sc-search-button", lambda t: t.strip() == ("Afficher" if lang == "fr"
                                                                 else "Show"),
              f"the page in {lang}")
    for decision, cid in chosen.items():
        show(page, cid)
        score = scorer.score(cid)
        wait_text(page, "sc-decision",
                  lambda t: squash(t) == squash(DECISIONS[lang][decision]), decision)
        explanation = scorer.explain(cid, lang=lang)
        average = f"{ENDS[lang][0]} {percent(explanation.base_probability, lang)}"
        this = f"{ENDS[lang][1]} {percent(score.probability, lang)}"
        # both figures: the waterfall's marks arrive after the force plot's (one message
        # each, in order), and a read between the two saw the waterfall of the page before
        deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
        while time.monotonic() < deadline and not all(
                squash(this) in squash(" ".join(svg_texts(page, css)))
                and squash(average) in squash(" ".join(svg_texts(page, css)))
                for css in ("sc-force", "sc-waterfall")):
            time.sleep(0.2)
        for css in ("sc-force", "sc-waterfall"):
            texts = svg_texts(page, css)
            joined = squash(" ".join(texts))
            assert squash(AXIS_POINTS[lang]) in joined, (css, texts)
            assert squash(average) in joined and squash(this) in joined, (css, texts)
            assert_round_ticks(tick_numbers(page, css), f"{css} of {cid}")
        values = [squash(t) for t in svg_texts(page, "sc-waterfall", "text.label")
                  if t.strip().endswith("points")]
        assert values and all(re.fullmatch(r"[+\u2212]\d+[.,]\d{1,2}points", v)
                              for v in values), values
        assert ("," in values[0]) == (lang == "fr")
        gauge = tick_numbers(page, "sc-gauge")
        assert_round_ticks(gauge, f"gauge of {decision} client {cid}", zero=True)
        assert gauge[-1] >= 100 * max(score.probability, score.threshold)
        shares = tick_numbers(page, "sc-compare-hist")
        assert min(shares) >= 0
        # the search button is whole: inside its card, its words not cut
        box = page.locator(".sc-search-button").first.evaluate("""b => {
            const r = b.getBoundingClientRect();
            let card = b.closest('.sc-card').getBoundingClientRect();
            return {right: r.right, card: card.right, scroll: b.scrollWidth,
                    client: b.clientWidth};
        }""")
        assert box["right"] <= box["card"] and box["scroll"] <= box["client"], box
        screenshot(page, f"{lang}-{decision}")
    page.locator(".sc-lang button", has_text="FR").click()
    wait_text(page, "sc-search-button", lambda t: t.strip() == "Afficher", "back in French")
    show(page, first)


def test_no_console_error_during_the_session(session, server):
    """Last: every interaction above happened without a console error or uncaught error."""
    assert bad_console_errors(session["errors"], server.base_url) == []
    assert "Traceback" not in session["page"].content()


def test_closing_the_page_shuts_its_kernel_down(session, server):
    """Very last (it leaves the page): the kernel goes at once, not when culled."""
    kernel = server.wait_log(r"Using pre-heated kernel: ([0-9a-f-]+)", timeout=5)[1]
    session["page"].goto("about:blank")  # beforeunload: the page's shutdown request
    server.wait_log(rf"Kernel shutdown: {kernel}", timeout=30)
    assert "_xsrf' argument missing" not in server.log_text()
