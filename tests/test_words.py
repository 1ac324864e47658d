"""One home for the product's words (issue 11): the decision vocabulary in
``scoring_lib.decision``, the French and English wording in ``scoring_lib.words``, shared by the
Scorer's text (``scoring score``), the dashboard and the pages of ``scoring serve``."""

from __future__ import annotations

import re
import string
from pathlib import Path

import numpy as np
import pytest

from scoring_lib import decision, words
from scoring_lib.decision import BORDERLINE, DECISIONS, GRANTED, HIGH, LOW, REFUSED, RISK_BANDS

ROOT = Path(__file__).resolve().parents[1]
HOME = "scoring_lib/words.py"
#: words a person reads that must be spelt in one place only (case ignored)
ONE_HOME = ("crédit accordé", "crédit refusé", "risque élevé", "risque faible", "cas limite",
            "probabilité de défaut", "loan granted", "loan refused", "high risk", "low risk",
            "ce qui augmente le risque", "ce qui réduit le risque", "pour un seuil de",
            "avant vous", "ahead of you", "service occupé", "rechargez la page")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_exists_in_both_languages_with_the_same_placeholders():
    assert words.LANGS == ("fr", "en")
    for key, texts in words.TEXTS.items():
        assert len(texts) == len(words.LANGS), key
        fr, en = texts
        assert fr.strip() and en.strip(), key
        assert placeholders(fr) == placeholders(en), key
    # the decisions and the risk bands are keys: one word for each, in each language
    for key in (*DECISIONS, *RISK_BANDS):
        assert key in words.TEXTS
    assert [words.tr(d, "fr") for d in DECISIONS] == ["Crédit accordé", "Crédit refusé"]
    assert [words.tr(b, "en") for b in RISK_BANDS] == ["Low risk", "Borderline case",
                                                      "High risk"]


def test_an_unknown_language_is_refused_by_name():
    with pytest.raises(ValueError, match=r"lang must be one of 'fr', 'en', got 'de'"):
        words.tr(GRANTED, "de")
    assert words.resolve_lang(" EN ") == ("en", True)
    assert words.resolve_lang("de") == ("fr", False)
    assert words.resolve_lang(None) == ("fr", True)


def test_numbers_percentages_and_points_are_written_one_way():
    assert words.number(1234567.891, 1, "fr") == "1\u202f234\u202f567,9"
    assert words.number(1234567.891, 1, "en") == "1,234,567.9"
    assert words.number(-0.01, 1, "fr") == "0,0"  # never "-0,0"
    assert words.percent(0.123) == "12,3\u202f%" and words.percent(0.123, "en") == "12.3%"
    assert words.percent(0.85, "fr", decimals=0) == "85\u202f%"
    assert words.points(3.21) == "+3,2 points" and words.points(-1.44, "en") == "\u22121.4 points"
    assert words.colon("Ce qui réduit le risque") == "Ce qui réduit le risque :"
    assert words.colon("What lowers the risk", "en") == "What lowers the risk:"


def test_the_scorer_s_sentence_uses_the_page_s_words():
    fr = words.score_sentence(100002, 0.1234, 0.091, REFUSED, HIGH)
    assert fr == ("Client 100002 : probabilité de défaut 12,3\u202f% pour un seuil de "
                  "9,1\u202f% — crédit refusé (risque élevé).")
    en = words.score_sentence(7, 0.1, 0.095, GRANTED, BORDERLINE, "en")
    assert en == ("Client 7: probability of default 10.0% against a threshold of 9.5% — "
                  "loan granted (borderline case).")
    # the same words as the dashboard's score panel, in the sentence's case
    assert words.tr(REFUSED, "fr").lower() in fr and words.tr(HIGH, "fr").lower() in fr


def test_the_decision_vocabulary():
    assert DECISIONS == (GRANTED, REFUSED) == ("granted", "refused")
    assert RISK_BANDS == (LOW, BORDERLINE, HIGH) == ("low", "borderline", "high")
    proba = np.array([0.0, 0.0899, 0.09, 0.5])
    assert decision.decide(proba, 0.09).tolist() == [GRANTED, GRANTED, REFUSED, REFUSED]
    assert decision.risk_band(proba, 0.09).tolist() == [LOW, BORDERLINE, BORDERLINE, HIGH]
    assert decision.risk_band(0.071, 0.09) == BORDERLINE  # at the width's lower edge
    assert decision.risk_band(0.0699, 0.09) == LOW


def test_the_cli_and_the_page_speak_the_same_languages():
    from scoring_lib.cli import build_parser
    from scoring_lib.dashboard import state, text

    score = build_parser().parse_args(["score", "--bundle", "b", "--client", "1"])
    assert score.lang == words.DEFAULT_LANG
    with pytest.raises(SystemExit):
        build_parser().parse_args(["score", "--bundle", "b", "--client", "1", "--lang", "de"])
    assert text.LANGS is words.LANGS and text.TEXTS is words.TEXTS and text.tr is words.tr
    assert tuple(state.DashboardState.class_traits()["lang"].values) == words.LANGS


def sources():
    for path in sorted((ROOT / "scoring_lib").rglob("*")):
        if path.suffix in (".py", ".ipynb") and "__pycache__" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_the_decision_and_risk_words_are_spelt_only_in_the_words_module():
    """A French or English word of the decision, the risk band, the score sentence or the
    serving pages written anywhere else in the package (code, docstring or notebook) is a
    second home that would drift."""
    found = [f"{where}: {phrase!r}" for where, source in sources() if where != HOME
             for phrase in ONE_HOME if phrase in source.lower()]
    assert not found, "spelt outside scoring_lib/words.py:\n" + "\n".join(found)
    home = (ROOT / HOME).read_text(encoding="utf-8").lower()
    assert all(phrase in home for phrase in ONE_HOME)


def test_the_old_decision_spelling_is_gone():
    """"grant" / "refuse" as a decision value (a string literal) nowhere in the package."""
    old = re.compile(r"""["'](grant|refuse)["']""")
    found = [f"{where}: {m.group(0)}" for where, source in sources()
             for m in old.finditer(source)]
    assert not found, found


def test_a_probability_beside_its_threshold_never_reads_the_same():
    """"8,3 % dépasse le seuil de 8,3 %" told an advisor nothing: a probability and the
    threshold it is compared with get the decimals that tell them apart, and only then."""
    from scoring_lib.simulation.results import outcome_sentence
    from scoring_lib.words import interpretation, percent, score_sentence

    assert percent(0.0832, "fr", versus=0.08319) == "8,320\u202f%"
    assert percent(0.08319, "en", versus=0.0832) == "8.319%"
    assert percent(0.05, "fr", versus=0.0832) == "5,0\u202f%"     # apart already: one decimal
    assert percent(0.0832, "en", versus=0.0832) == "8.3%"         # equal: nothing to tell apart
    text = interpretation(0.0832, 0.08319, "refused", "borderline", "fr")
    assert "(8,320\u202f%) dépasse le seuil de 8,319\u202f%" in text
    assert "8.320% against a threshold of 8.319%" in score_sentence(
        1, 0.0832, 0.08319, "refused", "borderline", "en")
    values = {"AMT_CREDIT": 100000.0, "AMT_ANNUITY": 5000.0, "AMT_GOODS_PRICE": 100000.0}
    assert "7.998%, below the threshold of 7.999%" in outcome_sentence(
        values, 0.07998, 0.07999, "granted", "en")
