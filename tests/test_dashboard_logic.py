"""The dashboard's small pure functions: texts, gauge range, force-plot and waterfall
geometry, label placement, axis ticks, filter options, HTML built with the data escaped,
what is said about a typed ID, the language asked for (no bundle needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.compare.groups import filter_levels, group_mask
from scoring_lib.dashboard.app import parse_client_id
from scoring_lib.dashboard.comparison import legend
from scoring_lib.dashboard.explanation import (
    force_segments,
    place_labels,
    reasons_html,
    tooltip_html,
    waterfall_steps,
)
from scoring_lib.dashboard.safe import Html, esc, join, lines, tag
from scoring_lib.dashboard.score import gauge_data, gauge_max
from scoring_lib.dashboard.ticks import axis_ticks
from scoring_lib.dashboard.search import (
    _row_text,
    age_bounds,
    age_key,
    filter_options,
    filters_from_values,
    suggest_ids,
    typed_problem,
)
from scoring_lib.dashboard.text import (
    count_text,
    interpretation,
    probability_text,
    resolve_lang,
    shorten,
    tr,
)

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def test_probability_has_one_decimal_in_each_language():
    assert probability_text(0.123) == "12,3\u202f%"  # narrow no-break space: never wrapped
    assert probability_text(0.123, "en") == "12.3%"
    assert probability_text(0.0004) == "0,0\u202f%"
    assert probability_text(1.0, "en") == "100.0%"


def test_interpretation_says_the_decision_and_closeness():
    text = interpretation(0.123, 0.09, "refused", "high")
    assert text.startswith("La probabilité de défaut (12,3\u202f%) dépasse le seuil de 9,0\u202f% "
                           "fixé par la banque : le crédit est refusé.")
    assert "nettement au-dessus" in text
    close = interpretation(0.095, 0.09, "refused", "borderline", "en")
    assert "is above the bank's threshold of 9.0%: the loan is refused." in close
    assert "close to the threshold" in close
    granted = interpretation(0.03, 0.09, "granted", "low")
    assert "inférieure au seuil" in granted and "accordé" in granted
    with pytest.raises(ValueError, match="lang"):
        tr("title", "de")


def test_count_text_has_the_plain_number():
    assert count_text(0) == "0 client : aucun ne correspond à ces filtres."
    assert count_text(1, "en") == "1 matching client"
    assert count_text(356255) == "356255 clients correspondent"


@pytest.mark.parametrize("p, t", [(0.001, 0.016), (0.031, 0.087), (0.2, 0.09), (0.95, 0.5),
                                  (0.3, 0.3)])
def test_gauge_shows_probability_and_threshold(p, t):
    top = gauge_max(p, t)
    assert top in (20, 25, 30, 40, 50, 60, 80, 100)
    assert top >= 100 * max(p, t)
    d = gauge_data(p, t)
    assert d["bar_x"] == [0.0, pytest.approx(100 * p)]
    assert d["zones_x"] == [[0.0, pytest.approx(100 * t)], [pytest.approx(100 * t), top]]
    ticks = d["ticks"]  # 0, then round steps up to the right end (the gauge's scale)
    assert ticks[0] == 0 and ticks[-1] == top and 3 <= len(ticks) <= 7
    assert len(set(np.diff(ticks))) == 1 and np.diff(ticks)[0] in (5, 10, 20, 25)


def grouped_frame(contributions):
    n = len(contributions)
    return pd.DataFrame({"group": [f"g{i}" for i in range(n)],
                         "label_fr": [f"Variable {i}" for i in range(n)],
                         "label_en": [f"Variable {i} (en)" for i in range(n)],
                         "contribution": contributions})


def test_force_segments_add_up_from_base_to_output():
    rng = np.random.default_rng(3)
    c = rng.normal(0, 0.2, 30)
    seg = force_segments(grouped_frame(c), base_value=-2.5)
    assert seg["output"] == pytest.approx(-2.5 + c.sum())
    bands = seg["segments"]
    # contiguous: each band starts where the previous ended, from output - P to output + N
    ups = [b for b in bands if b["contribution"] > 0]
    downs = [b for b in bands if b["contribution"] < 0]
    assert ups[0]["start"] == pytest.approx(seg["output"] - c[c > 0].sum())
    for a, b in zip(ups, ups[1:]):
        assert b["start"] == pytest.approx(a["end"])
    assert ups[-1]["end"] == pytest.approx(seg["output"])
    assert downs[0]["start"] == pytest.approx(seg["output"])
    for a, b in zip(downs, downs[1:]):
        assert b["start"] == pytest.approx(a["end"])
    assert downs[-1]["end"] == pytest.approx(seg["output"] - c[c < 0].sum())
    named = [b for b in bands if not b["others"]]
    assert len(named) == 8
    others = [b for b in bands if b["others"]]
    assert sum(b["others"] for b in others) == 30 - 8
    assert {b["label"] for b in others} == {"Autres facteurs"}
    biggest = set(np.argsort(-np.abs(c))[:8])
    assert {int(b["group"][1:]) for b in named} == biggest


def test_waterfall_steps_take_the_ten_largest_then_the_rest():
    c = np.array([0.05, -0.4, 0.3, 0.01, -0.02, 0.2, 0.1, -0.15, 0.07, 0.06, -0.03, 0.02])
    steps = waterfall_steps(grouped_frame(c), base_value=1.0, lang="en")
    st = steps["steps"]
    order = np.argsort(-np.abs(c), kind="stable")
    assert [s["group"] for s in st[:10]] == [f"g{i}" for i in order[:10]]
    assert st[-1]["label"] == "Other factors" and st[-1]["others"] == 2
    assert st[-1]["contribution"] == pytest.approx(c[order[10:]].sum())
    assert st[0]["start"] == 1.0
    assert steps["output"] == pytest.approx(1.0 + c.sum())
    assert st[-1]["end"] == pytest.approx(steps["output"])
    few = waterfall_steps(grouped_frame(c[:3]), 0.0)
    assert len(few["steps"]) == 3 and all(not s["others"] for s in few["steps"])


def test_placed_labels_never_overlap_on_a_row():
    rng = np.random.default_rng(0)
    c = rng.normal(0, 0.3, 40)
    seg = force_segments(grouped_frame(c), 0.0)["segments"]
    lo = min(min(s["start"], s["end"]) for s in seg)
    hi = max(max(s["start"], s["end"]) for s in seg)
    placed = place_labels(seg, lo, hi)
    assert 0 < len(placed) <= 5
    scale = (hi - lo) / 820.0
    for row in {y for _, y, _ in placed}:
        spans = sorted((x - (len(t) * 6.6 / 2 + 6) * scale, x + (len(t) * 6.6 / 2 + 6) * scale)
                       for x, y, t in placed if y == row)
        for (_, end), (start, _) in zip(spans, spans[1:]):
            assert end < start


def test_axis_ticks_are_round_start_on_a_tick_and_cover_the_values():
    assert axis_ticks([22.97, 67.5]) == [20.0, 30.0, 40.0, 50.0, 60.0, 70.0]
    assert axis_ticks([0.0, 1.0]) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert axis_ticks([25_000, 1_170_000]) == [0.0, 250_000.0, 500_000.0, 750_000.0,
                                               1_000_000.0, 1_250_000.0]
    assert axis_ticks([0.0, 8.6], 5, zero=True) == [0.0, 5.0, 10.0]  # not 0, 2.5, 5, 7.5
    assert axis_ticks([3.0, 14.0], zero=True) == [0.0, 5.0, 10.0, 15.0]
    assert axis_ticks([-2.3, 4.1], 7) == [-4.0, -2.0, 0.0, 2.0, 4.0, 6.0]
    for lo, hi in ((-3.46, -2.85), (0.001, 0.87), (18.2, 69.9), (1e3, 4.5e6), (0, 7.3),
                   (0.03, 0.031)):
        ticks = np.array(axis_ticks([lo, hi, (lo + hi) / 2]))
        assert 2 <= len(ticks) <= 8 and ticks[0] <= lo and ticks[-1] >= hi
        step = np.diff(ticks)
        assert np.allclose(step, step[0])
        mantissa = step[0] / 10 ** np.floor(np.log10(step[0]))
        assert any(np.isclose(mantissa, m) for m in (1, 2, 2.5, 5))
        assert np.isclose(mantissa, 2.5) <= (step[0] >= 10)  # 2.5 only for whole ticks
        assert np.allclose(ticks / step[0], np.round(ticks / step[0]))  # on the step's grid
        if lo >= 0:
            assert ticks[0] >= 0
    assert axis_ticks([np.nan]) == [] and axis_ticks([3.0, 3.0]) == [2.0, 4.0]
    assert axis_ticks([0.0, 0.0], zero=True) == [0.0, 0.5]
    with pytest.raises(ValueError, match="values.*from 0"):
        axis_ticks([-1.0, 2.0], zero=True)


def test_filter_options_and_values():
    options = filter_options("gender", ["F", "M"], "fr")
    assert options == [("Tous", ""), ("Femme", "F"), ("Homme", "M")]
    assert filter_options("contract_type", ["Cash loans"], "fr")[0] == ("Toutes", "")
    assert filter_options("decision", ["granted", "refused"], "en")[1:] == [
        ("Loan granted", "granted"), ("Loan refused", "refused")]
    ages = filter_options("age", [(18, 30), (60, None)], "fr")
    assert ages[1:] == [("18 à 29 ans", "18-30"), ("60 ans et plus", "60-")]
    assert age_bounds(age_key((30, 40))) == (30.0, 40.0)
    assert filters_from_values({"gender": "", "age": "60-", "decision": "refused"}) == {
        "age": (60.0, None), "decision": "refused"}


def test_suggestions_for_ids_of_different_lengths():
    ids = np.array([5, 12, 50, 51, 123, 500, 501, 5000, 50000])
    assert suggest_ids(ids, "5") == [5, 50, 51, 500, 501, 5000, 50000]
    assert suggest_ids(ids, "50") == [50, 500, 501, 5000, 50000]
    assert suggest_ids(ids, "5", limit=3) == [5, 50, 51]
    assert suggest_ids(ids, "7") == []


def test_legend_says_every_colour_in_words():
    html = legend([("#0072B2", "Remboursé"), ("#D55E00", "En défaut", "dot")])
    assert "Remboursé" in html and "En défaut" in html and "#D55E00" in html


# ------------------------------------------------------------------------ HTML, escaped
def test_html_builders_escape_plain_text_and_keep_what_they_built():
    assert esc(HOSTILE) == ESCAPED and isinstance(esc(HOSTILE), Html)
    assert esc("« l'an » & \"x\"") == "« l&#x27;an » &amp; &quot;x&quot;"
    assert esc(None) == "" and esc(12) == "12"
    built = tag("b", HOSTILE)
    assert built == f"<b>{ESCAPED}</b>" and esc(built) == built  # never escaped twice
    assert tag("span", "x", css="sc-up", style="color:red", aria_hidden="true") == (
        '<span class="sc-up" style="color:red" aria-hidden="true">x</span>')
    assert tag("span", "x", style=f"color:{HOSTILE}") == (
        f'<span style="color:{ESCAPED}">x</span>')  # attribute values too
    assert lines(HOSTILE, "", built) == f"{ESCAPED}<br><b>{ESCAPED}</b>"
    assert join([HOSTILE, built], " · ") == f"{ESCAPED} · <b>{ESCAPED}</b>"
    # adding plain text to built HTML escapes the plain text, on either side
    assert built + HOSTILE == f"<b>{ESCAPED}</b>{ESCAPED}"
    assert HOSTILE + built == f"{ESCAPED}<b>{ESCAPED}</b>"
    assert isinstance(built + HOSTILE, Html) and isinstance(HOSTILE + built, Html)
    with pytest.raises(ValueError, match="tag name"):
        tag("img src=x", "y")
    with pytest.raises(ValueError, match="attribute name"):
        tag("b", "y", **{"onerror=alert(1) x": "1"})


def test_legend_tooltip_reasons_and_table_row_escape_their_texts():
    html = legend([("#0072B2", HOSTILE), ("#D55E00", "En défaut", "dot")])
    assert "<img" not in html and ESCAPED in html and "En défaut" in html
    segment = {"group": "g", "label": HOSTILE, "start": 0.0, "end": 0.4,
               "contribution": 0.4, "others": 0}
    details = {"g": {"feature": "F", "label": f"{HOSTILE} (top)", "value": HOSTILE,
                     "percentile": 40.0, "n_features": 2}}
    tip = tooltip_html(segment, details, "fr")
    assert "<img" not in tip and tip.count(ESCAPED) == 3
    assert tip.startswith(f"<b>{ESCAPED}</b><br>{ESCAPED} (top)<br>")
    assert f"Valeur du client : {ESCAPED}" in tip and "Percentile : 40" in tip
    others = tooltip_html({**segment, "others": 7}, details, "en")
    assert others == f"<b>{ESCAPED}</b><br>7 other variables<br>Raises the score by 0.40"

    class Explanation:
        reasons = pd.DataFrame({"direction": ["raises", "lowers"],
                                "sentence": [f"Type : {HOSTILE} — augmente",
                                             f"{HOSTILE} — réduit"]})
    text = reasons_html(Explanation(), "fr")
    assert "<img" not in text and text.count(ESCAPED) == 2
    assert f"<li>Type : {ESCAPED} — augmente</li>" in text

    row = pd.Series({"CODE_GENDER": "F", "DAYS_BIRTH": -40 * 365.25 - 10,
                     "NAME_CONTRACT_TYPE": HOSTILE, "decision": "refused",
                     "AMT_CREDIT": 12000.0, "probability": 0.4567})
    line = _row_text(row, "fr")
    assert "<img" not in line and ESCAPED in line
    assert line == (f"Femme, 40 ans · {ESCAPED} · 12\u202f000\u202f€<br><b>45,7\u202f%</b> · "
                    f'<span style="color:#D55E00">Crédit refusé</span>')


def test_filter_options_show_unknown_levels_as_plain_text():
    options = filter_options("contract_type", ["Cash loans", HOSTILE], "fr")
    assert options[2] == (HOSTILE, HOSTILE)  # a dropdown writes it as text


# ------------------------------------------------------------------ filter levels, one home
def test_the_levels_offered_are_the_levels_accepted():
    """A level found in the data but unknown to the schema is offered and accepted; a level
    neither in the schema nor in the data is refused."""
    for dtype in ("category", "str"):
        frame = pd.DataFrame({"NAME_CONTRACT_TYPE": pd.Series(
            ["Cash loans", "Leasing", "Cash loans", None, "Leasing", "Leasing"], dtype=dtype)})
        offered = filter_levels(frame, "contract_type")
        assert offered == ["Leasing", "Cash loans"]  # the most frequent first
        for level in offered:
            mask = group_mask(frame, {"contract_type": level})
            assert list(frame.index[mask]) == list(
                frame.index[frame["NAME_CONTRACT_TYPE"] == level])
        assert not group_mask(frame, {"contract_type": "Revolving loans"}).any()  # schema
        with pytest.raises(ValueError, match="'contract_type'.*'Lease'"):
            group_mask(frame, {"contract_type": "Lease"})
    with pytest.raises(ValueError, match="not a level filter"):
        filter_levels(frame, "age")


# --------------------------------------------------------------------------- typed ID
def test_anything_typed_gets_suggestions_or_a_sentence_never_an_error():
    ids = np.array([100002, 100003, 100010, 456789])
    for text in ("²", "1²", "٣", "1" * 5000, "9" * 19, "1e5", "-1", "<img src=x>", "0x10",
                 "１２", "1 0 0 0 0 2 0"):
        assert isinstance(suggest_ids(ids, text), list)
    assert suggest_ids(ids, "²") == [] and suggest_ids(ids, "1" * 5000) == []
    assert suggest_ids(ids, "1 0 0 0 0") == [100002, 100003]
    assert typed_problem(ids, "²") == ("not_an_id", {"text": "²"})
    assert typed_problem(ids, HOSTILE) == ("not_an_id", {"text": HOSTILE})
    key, values = typed_problem(ids, "1" * 5000)
    assert key == "unknown_id" and values["client_id"] == "1" * 39 + "…"
    assert typed_problem(ids, "7") == ("unknown_id", {"client_id": "7"})
    assert typed_problem(ids, " 1000 ") is None and typed_problem(ids, "") is None
    assert typed_problem(ids, None) is None
    assert parse_client_id("²") is None and parse_client_id("1" * 5000) is None
    assert parse_client_id(" 100 002 ") == 100002 and parse_client_id(7) == 7
    assert parse_client_id("１２") is None  # full-width digits are not typed ids
    assert shorten("abc") == "abc" and shorten("x" * 50, 10) == "x" * 9 + "…"


def test_the_language_asked_for():
    assert resolve_lang("fr") == ("fr", True) and resolve_lang(" EN ") == ("en", True)
    assert resolve_lang("de") == ("fr", False) and resolve_lang("français") == ("fr", False)
    assert resolve_lang("") == ("fr", True) and resolve_lang(None) == ("fr", True)
    assert tr("unknown_lang", "fr", asked="de") == (
        "Langue « de » non prise en charge : la page est en français (langues : fr, en).")
