"""The client report (issue 14): a PDF letter built from the Scorer, checked as text.

The PDF's text is extracted with pypdfium2 and every section is looked for, for a granted
and a refused client, in French and English; the reasons are the Scorer's, the probability
and the threshold are written as the dashboard's score panel writes them. A rendered image
of each page goes to ``test-artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.graphics.shapes import String

from scoring_lib.cli import main as cli_main
from scoring_lib.decision import BORDERLINE, GRANTED, LOW, REFUSED
from scoring_lib.letter import client_letter, letter_content, render, write_letter
from scoring_lib.letter.content import K_SIMILAR, long_date
from scoring_lib.letter.figures import _span, gauge, gauge_scale, strip_scale
from scoring_lib.letter.fonts import printable
from scoring_lib.outputs import OutputError
from scoring_lib.scoring import Scorer, UnknownClientError
from scoring_lib.words import NNBSP, percent, tr

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
LANGS = ("fr", "en")


def flat(text: str) -> str:
    """Text with every run of white space (line breaks of the layout, no-break and narrow
    no-break spaces) as one space: what a reader reads, whatever the wrapping."""
    return re.sub(r"\s+", " ", text.replace(NNBSP, " ").replace("\u00a0", " ")).strip()


def pdf_pages(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def save_pngs(data: bytes, name: str) -> list[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = pdfium.PdfDocument(data)
    out = []
    try:
        for i in range(len(pdf)):
            path = ARTIFACTS / f"letter-{name}-p{i + 1}.png"
            pdf[i].render(scale=1.4).to_pil().save(path)
            out.append(path)
    finally:
        pdf.close()
    return out


@pytest.fixture(scope="module")
def scorer(tiny_bundle):
    """The tiny bundle's threshold is low (about 1.4 %): a borderline width of half a point
    leaves granted clients away from it, as in a real bundle."""
    return Scorer.from_bundle(tiny_bundle[0], borderline_width=0.005)


@pytest.fixture(scope="module")
def clients(scorer):
    """A granted client away from the threshold, a refused one, a refused borderline one
    (a granted one near the threshold gets the section only with options: test below)."""
    c = scorer.clients
    granted = int(c.index[((c["decision"] == GRANTED) & (c["risk_band"] == LOW)).to_numpy()][0])
    refused = int(c.index[(c["decision"] == REFUSED).to_numpy()][0])
    borderline = c.index[((c["risk_band"] == BORDERLINE)
                          & (c["decision"] == REFUSED)).to_numpy()]
    return {GRANTED: granted, REFUSED: refused,
            BORDERLINE: int(borderline[0]) if len(borderline) else None}


@pytest.fixture(scope="module")
def letters(scorer, clients):
    """``{(decision, lang): (Letter, pdf bytes, flat text of all pages, pages)}``."""
    out = {}
    for decision in (GRANTED, REFUSED):
        for lang in LANGS:
            letter = letter_content(scorer, clients[decision], lang)
            data = render(letter)
            pages = pdf_pages(data)
            save_pngs(data, f"{decision}-{lang}")
            out[decision, lang] = (letter, data, flat("\n".join(pages)), pages)
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("decision", (GRANTED, REFUSED))
def test_every_section_is_in_the_pdf(letters, scorer, clients, decision, lang):
    letter, data, text, pages = letters[decision, lang]
    cid = clients[decision]
    assert data.startswith(b"%PDF-") and 1 <= len(pages) <= 2
    # the header: the lender, the date, the client number, the title
    for line in (tr("lender", lang), letter.t("letter_date", date=letter.date),
                 tr("client_heading", lang, client_id=cid), tr("letter_title", lang)):
        assert flat(line) in text, line
    assert re.search(r"20\d\d", letter.date)
    # every section's title and every line of it (the reasons, the recourse, the
    # comparison, the data sources, the rights and the contact)
    for title, body in letter.sections():
        assert flat(title) in text, title
        for line in body:
            assert flat(line) in text, line
    # the decision, in the page's words, from the Scorer
    score = scorer.score(cid)
    assert score.decision == decision and letter.decision == decision
    assert flat(tr(decision, lang)) in text
    other = REFUSED if decision == GRANTED else GRANTED
    assert flat(tr(other, lang)) not in text
    # what could change the decision: only for a refused (or borderline) client
    recourse_title = flat(tr("letter_recourse_title", lang))
    assert (recourse_title in text) == (decision == REFUSED)
    # the rights and whom to contact
    for key in ("right_review", "right_view", "right_contest"):
        assert flat(tr(key, lang)) in text
    assert str(cid) in flat(letter.contact)
    # the audit footer on every page: bundle identifier, model version, data fingerprint
    manifest = scorer.bundle.manifest
    for page in pages:
        assert flat(letter.audit) in flat(page)
    # "dossier" is the client's file everywhere else in the letter: not the bundle's name
    assert "dossier" not in letter.audit.lower() and "bundle" not in letter.audit.lower()
    assert manifest["manifest_sha256"][:16] in letter.bundle_id
    assert manifest["files"]["model.cbm"]["sha256"][:16] in letter.model_version
    if manifest.get("data_fingerprint"):
        assert letter.data_fingerprint == manifest["data_fingerprint"][:16]
        assert letter.data_fingerprint in letter.audit
    else:  # a bundle assembled without one says so rather than printing nothing
        assert letter.audit.endswith(tr("letter_unrecorded", lang))
    assert flat(tr("page", lang, page=len(pages), pages=len(pages))) in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_reasons_are_the_scorer_s(letters, scorer, clients, lang):
    for decision in (GRANTED, REFUSED):
        letter, _, text, _ = letters[decision, lang]
        explanation = scorer.explain(clients[decision], lang=lang)
        raises, lowers = explanation.sentences("raises"), explanation.sentences("lowers")
        assert letter.raises == raises and letter.lowers == lowers
        assert 1 <= len(raises) <= 4 and len(lowers) <= 4
        for sentence in raises + lowers:
            assert flat(sentence) in text
        # in order: what raises the risk first, under its heading
        first = text.index(flat(tr("raises", lang)))
        assert first < text.index(flat(raises[0])) < text.index(flat(tr("lowers", lang)))


def test_the_numbers_are_those_of_the_page(letters, scorer, clients):
    """The probability and the threshold as the dashboard's score panel writes them."""
    from scoring_lib.dashboard import build_app

    app = build_app(scorer, lang="fr")
    for lang in LANGS:
        app.set_lang(lang)
        for decision in (GRANTED, REFUSED):
            letter, _, text, _ = letters[decision, lang]
            app.show_client(clients[decision])
            shown = flat(html.unescape(re.sub(r"<[^>]+>", " ", app.score.probability.value)))
            score = scorer.score(clients[decision])
            assert shown == flat(percent(score.probability, lang))
            assert shown in text
            assert flat(percent(score.threshold, lang)) in text
            assert flat(tr("threshold_label", lang, threshold=percent(score.threshold, lang))
                        ) in text
            interpretation = html.unescape(re.sub(r"<[^>]+>", " ",
                                                  app.score.interpretation.value))
            assert flat(interpretation) in text


def test_the_comparison_and_the_threshold_rule(letters, scorer, clients):
    letter = letters[REFUSED, "en"][0]
    assert [c.variable for c in letter.comparisons][-1] == "probability"
    at = scorer.comparisons.position(clients[REFUSED], "probability", "similar", K_SIMILAR)
    summary = at.comparison.summary.loc["probability"]
    prob = letter.comparisons[-1]
    assert prob.q50 == pytest.approx(100 * summary["q50"])
    assert prob.value == pytest.approx(100 * scorer.score(clients[REFUSED]).probability)
    assert percent(summary["q50"], "en") in prob.sentence
    # the outcomes of the same similar clients as Scorer.similar_clients
    similar = scorer.similar_clients(clients[REFUSED], k=K_SIMILAR)
    assert similar.n_known > 0
    assert letter.compare_outcome == tr("letter_compare_outcome", "en", n=str(similar.n_known),
                                        rate=percent(similar.default_rate, "en", decimals=0))
    # the business rule names the bundle's cost ratio
    ratio = scorer.bundle.cost_fn / scorer.bundle.cost_fp
    assert f"about {ratio:.0f} times more" in letter.threshold_rule


def test_a_borderline_client_gets_what_could_change_the_decision(scorer, clients):
    cid = clients[BORDERLINE]
    if cid is None:  # the tiny bundle has one (the threshold is a quantile of the scores)
        pytest.fail("no borderline client in the tiny bundle")
    letter = letter_content(scorer, cid, "en")
    recourse = scorer.recourse(cid, lang="en")
    assert letter.recourse is not None and letter.recourse
    # the figures of the section are against the target, below the threshold: the note
    # says why, so that "below 7.9%" does not read as a second threshold after "8.3%"
    margin = tr("letter_recourse_margin", "en", target=percent(recourse.target, "en"),
                t=percent(scorer.threshold, "en"))
    assert recourse.target < scorer.threshold and letter.recourse_note.startswith(margin)
    if recourse.options:
        assert tr("letter_recourse_intro", "en") in letter.recourse_note
        assert len(letter.recourse) == len(recourse.options)
    else:  # the Recourse's own message, said plainly
        assert letter.recourse == [recourse.message] and letter.recourse_note == margin
    text = flat("\n".join(pdf_pages(render(letter))))
    assert flat(tr("letter_recourse_title", "en")) in text
    assert all(flat(line) in text for line in letter.recourse)
    assert flat(letter.recourse_note) in text


def test_client_data_is_printed_as_text_not_markup(letters):
    letter = letters[GRANTED, "en"][0]
    odd = dataclasses.replace(letter, raises=["<b>bold?</b> & <img src=x> — 5 < 7"])
    text = flat("\n".join(pdf_pages(render(odd))))
    assert "<b>bold?</b> & <img src=x> — 5 < 7" in text


def test_fonts_and_figure_scales():
    assert printable(f"12,3{NNBSP}%") == "12,3\u00a0%"
    assert printable("a\u4e2db") == "a?b"  # a character the font lacks: no empty box
    end, step = gauge_scale(0.023, 0.083)
    assert end == 20 and step == 5 and 8.3 < end
    assert gauge_scale(0.62, 0.083)[0] == 80 and gauge_scale(0.97, 0.5)[0] == 100
    # a client on the threshold: the client's words beside the threshold's line, not on it
    for probability, decision in ((0.0832, REFUSED), (0.0830, GRANTED)):
        drawing = gauge(probability, 0.0832, decision, "fr", width=470)
        line = 470 * 8.32 / gauge_scale(probability, 0.0832)[0]
        label = next(x for x in drawing.contents
                     if isinstance(x, String) and tr("gauge_client", "fr") in x.text)
        start, end = _span(label)
        assert end < line or start > line, (start, line, end)
        assert (start > line) == (decision == REFUSED) and 0 <= start and end <= 470
    lo, hi = strip_scale([10.0, 50.0, 80.0])
    assert lo < 10 and hi > 80
    assert strip_scale([float("nan")]) == (0.0, 1.0)


# ------------------------------------------------------------------ files and the command
def test_unknown_client_is_a_clear_error_and_no_file(scorer, tmp_path, error_line):
    out = tmp_path / "r.pdf"
    with pytest.raises(UnknownClientError, match="unknown client"):
        write_letter(scorer, 1, out)
    assert list(tmp_path.iterdir()) == []
    bundle = scorer.bundle.path
    assert cli_main(["report", "--bundle", str(bundle), "--client", "1",
                     "--out", str(out)]) == 2
    line = error_line()
    assert "unknown client" in line and "1" in line
    assert list(tmp_path.iterdir()) == []


def test_the_command_writes_the_report_then_replaces_only_its_own(scorer, clients, tmp_path,
                                                                  capsys, error_line):
    bundle = str(scorer.bundle.path)
    out = tmp_path / "rapport.pdf"
    cid = clients[REFUSED]
    assert cli_main(["report", "--bundle", bundle, "--client", str(cid), "--out",
                     str(out)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1 and str(out) in printed[0] and str(cid) in printed[0]
    text = flat("\n".join(pdf_pages(out.read_bytes())))
    assert flat(tr("client_heading", "fr", client_id=cid)) in text
    assert flat(tr(REFUSED, "fr")) in text
    # again, in English: the report it wrote is replaced
    assert cli_main(["report", "--bundle", bundle, "--client", str(cid), "--out", str(out),
                     "--lang", "en"]) == 0
    capsys.readouterr()
    assert flat(tr(REFUSED, "en")) in flat("\n".join(pdf_pages(out.read_bytes())))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.pdf"]  # no staging left
    # what it did not write is left untouched, with a sentence naming the path
    for name, content in (("notes.pdf", b"my notes"), ("other.pdf", b"%PDF-1.4 someone's")):
        path = tmp_path / name
        path.write_bytes(content)
        assert cli_main(["report", "--bundle", bundle, "--client", str(cid), "--out",
                         str(path)]) == 2
        line = error_line()
        assert str(path) in line and "left untouched" in line
        assert path.read_bytes() == content
    missing = tmp_path / "no-such-folder" / "r.pdf"
    assert cli_main(["report", "--bundle", bundle, "--client", str(cid), "--out",
                     str(missing)]) == 2
    assert "does not exist" in error_line() and not missing.parent.exists()
    assert cli_main(["report", "--bundle", bundle, "--client", str(cid), "--out",
                     str(tmp_path / "r.txt")]) == 2
    assert ".pdf" in error_line()
    inside = Path(bundle) / "r.pdf"
    with pytest.raises(OutputError, match="inside --bundle"):
        write_letter(scorer, cid, inside)
    assert not inside.exists()


def test_client_letter_returns_the_same_report_as_the_file(scorer, clients, tmp_path):
    import datetime as dt

    day = dt.date(2026, 12, 1)
    data = client_letter(scorer, clients[GRANTED], "en", day=day)
    path = write_letter(scorer, clients[GRANTED], tmp_path / "r.pdf", "en", day=day)
    assert flat("".join(pdf_pages(data))) == flat("".join(pdf_pages(path.read_bytes())))
    assert "1 December 2026" in flat("".join(pdf_pages(data)))


def test_the_date_is_written_as_each_language_writes_it():
    import datetime as dt

    assert long_date(dt.date(2026, 12, 1), "fr") == "1er décembre 2026"
    assert long_date(dt.date(2026, 8, 2), "fr") == "2 août 2026"
    assert long_date(dt.date(2026, 12, 1), "en") == "1 December 2026"
    assert long_date(dt.date(2026, 8, 31), "en") == "31 August 2026"


def test_a_granted_client_near_the_threshold_with_nothing_to_propose_gets_no_section():
    """"What could change the decision" then "already granted, no change needed" told the
    client nothing: a granted client gets the section only when there are options."""
    from types import SimpleNamespace

    from scoring_lib.letter.content import recourse_lines
    from scoring_lib.simulation import Recourse

    score = SimpleNamespace(decision=GRANTED, risk_band=BORDERLINE, threshold=0.08,
                            probability=0.07)
    nothing = Recourse(score=score, target=0.076, message="already granted")
    scorer = SimpleNamespace(recourse=lambda cid, lang: nothing)
    assert recourse_lines(scorer, 1, score, "en") is None
    refused = SimpleNamespace(decision=REFUSED, risk_band=BORDERLINE, threshold=0.08,
                              probability=0.081)
    lines, _ = recourse_lines(scorer, 1, refused, "en")
    assert lines == ["already granted"]
