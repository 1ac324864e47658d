"""The dashboard's small pure functions: texts, gauge range, force-plot and waterfall
geometry, label placement, axis ticks, filter options (no bundle needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.dashboard.comparison import legend, nice_ticks
from scoring_lib.dashboard.explanation import force_segments, place_labels, waterfall_steps
from scoring_lib.dashboard.score import gauge_data, gauge_max
from scoring_lib.dashboard.search import (
    age_bounds,
    age_key,
    filter_options,
    filters_from_values,
    suggest_ids,
)
from scoring_lib.dashboard.text import count_text, interpretation, probability_text, tr


def test_probability_has_one_decimal_in_each_language():
    assert probability_text(0.123) == "12,3 %"
    assert probability_text(0.123, "en") == "12.3%"
    assert probability_text(0.0004) == "0,0 %"
    assert probability_text(1.0, "en") == "100.0%"


def test_interpretation_says_the_decision_and_closeness():
    text = interpretation(0.123, 0.09, "refused", "high")
    assert text.startswith("La probabilité de défaut (12,3 %) dépasse le seuil de 9,0 % "
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


def test_nice_ticks_are_round_and_cover_the_values():
    assert nice_ticks([22.97, 67.5]) == [30.0, 40.0, 50.0, 60.0]
    assert nice_ticks([0.0, 1.0]) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks([25_000, 1_170_000]) == [250_000.0, 500_000.0, 750_000.0, 1_000_000.0]
    for lo, hi in ((-3.46, -2.85), (0.001, 0.87), (18.2, 69.9), (1e3, 4.5e6)):
        ticks = np.array(nice_ticks([lo, hi, (lo + hi) / 2]))
        assert 2 <= len(ticks) <= 7 and ticks.min() >= lo and ticks.max() <= hi
        step = np.diff(ticks)
        assert np.allclose(step, step[0])
        mantissa = step[0] / 10 ** np.floor(np.log10(step[0]))
        assert any(np.isclose(mantissa, m) for m in (1, 2, 2.5, 5))
    assert nice_ticks([np.nan]) == [] and nice_ticks([3.0, 3.0]) == [3.0]


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
