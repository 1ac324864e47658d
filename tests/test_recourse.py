"""Scorer.recourse: the smallest changes of the actionable variables that make the model
grant, each verified by what_if (scoring_lib.simulation.recourse)."""

from __future__ import annotations

import math

import pytest

from scoring_lib.scoring import RECOURSE_MARGIN, Scorer
from scoring_lib.simulation import DERIVED
from scoring_lib.simulation.recourse import SEARCHED
from scoring_lib.words import percent, tr


@pytest.fixture(scope="module")
def refused(scorer):
    """The refused clients, closest to the threshold first."""
    c = scorer.clients
    return [int(i) for i in c[c["decision"] == "refused"].sort_values("probability").index]


@pytest.fixture(scope="module")
def with_options(scorer, refused):
    """The recourse of the first refused clients that have options (borderline ones)."""
    found = []
    for cid in refused[:60]:
        r = scorer.recourse(cid)
        if r.options:
            found.append(r)
    assert len(found) >= 3, "the tiny bundle should have refused clients with options"
    return found


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return str(a) == str(b) if isinstance(a, str) else float(a) == float(b)


def test_every_option_is_valid_once_rescored(scorer, with_options):
    target = scorer.threshold * (1 - RECOURSE_MARGIN)
    for r in with_options:
        cid = r.score.client_id
        assert r.score == scorer.score(cid) and r.score.decision == "refused"
        assert r.target == pytest.approx(target) and r.message is None
        assert 1 <= len(r.options) <= 3
        for o in r.options:
            w = scorer.what_if(cid, o.changes)
            assert w.probability == pytest.approx(o.probability, abs=1e-12)
            assert w.probability <= target < scorer.threshold
            assert w.decision == o.decision == "granted"


def test_options_are_small_plausible_and_different(scorer, with_options):
    ranges = scorer.simulation_ranges
    assert any(len(r.options) >= 2 for r in with_options)  # diversity is exercised
    for r in with_options:
        base = scorer.what_if(r.score.client_id, {}).values
        sets = [frozenset(o.changes) for o in r.options]
        assert len(set(sets)) == len(sets)                        # different variables
        assert not any(a < b for a in sets for b in sets)         # none holds another
        assert [len(s) for s in sets] == sorted(len(s) for s in sets)
        for o in r.options:
            assert 1 <= len(o.changes) <= 3 and set(o.changes) <= set(SEARCHED)
            v = o.values
            assert v["AMT_CREDIT"] <= base["AMT_CREDIT"]          # never a bigger credit
            for name in ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"):
                assert ranges[name][0] <= v[name] <= ranges[name][1]
            months = v["AMT_CREDIT"] / v["AMT_ANNUITY"]           # annuity consistent
            if "DURATION_MONTHS" in o.changes:
                assert months == pytest.approx(o.changes["DURATION_MONTHS"])
                assert float(o.changes["DURATION_MONTHS"]).is_integer()
            else:
                assert months == pytest.approx(base["AMT_CREDIT"] / base["AMT_ANNUITY"])


def test_immutable_facts_are_never_changed(scorer, with_options):
    for r in with_options:
        cid = r.score.client_id
        stored = scorer.features(cid)
        for o in r.options:
            w = scorer.what_if(cid, o.changes)
            kept = [f for f in scorer.feature_names if f not in DERIVED]
            assert [f for f in kept if not same(w.features[f], stored[f])] == []


def test_a_granted_client_needs_no_change(scorer):
    c = scorer.clients
    cid = int(c[c["probability"] < scorer.threshold * 0.5].index[0])
    for lang in ("fr", "en"):
        r = scorer.recourse(cid, lang=lang)
        assert r.options == [] and r.weighs_most == []
        target = percent(scorer.threshold * (1 - RECOURSE_MARGIN), lang)
        assert r.message == tr("recourse_granted", lang, t=target)
    assert r.message == (f"The credit is already granted with a margin (probability below "
                         f"{target}): no change is needed.")
    assert r.to_dict()["options"] == [] and r.to_dict()["message"] == r.message


def test_no_option_says_so_and_names_what_weighs_most(scorer, refused):
    cid = refused[-1]                                   # the highest risk of the bundle
    r = scorer.recourse(cid)
    assert r.options == []
    target = percent(scorer.threshold * (1 - RECOURSE_MARGIN), "fr")
    assert r.message == ("Aucun changement du montant, de la durée ou du prix du bien (3 au "
                         f"plus, dans les valeurs observées) ne ramène la probabilité sous "
                         f"{target} : la décision tient surtout à des éléments qui ne se "
                         f"changent pas au guichet.")
    assert r.weighs_most == scorer.explain(cid).sentences("raises")[:3] and r.weighs_most
    lines = r.to_text().splitlines()
    assert lines[1] == r.message and lines[2] == "Ce qui pèse le plus :"
    assert lines[3:] == [f"  - {x}" for x in r.weighs_most]


def test_a_borderline_client_reads_as_sentences(scorer, with_options):
    r = with_options[0]
    assert r.score.risk_band == "borderline"
    lines = r.to_text().splitlines()
    assert lines[1] == "Ce qui ferait accorder le crédit :"
    t = percent(scorer.threshold, "fr")
    for line, o in zip(lines[2:], r.options):
        assert line.startswith("  1. Un crédit de " if o is r.options[0] else "  ")
        assert line.endswith(f" serait accordé : probabilité {percent(o.probability, 'fr')}, "
                             f"sous le seuil de {t}.")


def test_recourse_is_deterministic(tiny_bundle, scorer, with_options):
    again = Scorer.from_bundle(tiny_bundle[0])
    for r in with_options[:3]:
        assert again.recourse(r.score.client_id).to_dict() == r.to_dict()
        assert scorer.recourse(r.score.client_id).to_dict() == r.to_dict()


def test_bad_arguments(scorer, refused):
    with pytest.raises(ValueError, match="max_options: expected at least 1, got 0"):
        scorer.recourse(refused[0], max_options=0)
    with pytest.raises(ValueError, match=r"margin: expected a share in \[0, 1\), got 1.5"):
        scorer.recourse(refused[0], margin=1.5)
    assert len(scorer.recourse(refused[0], max_options=1).options) <= 1


def test_a_granted_client_without_the_margin_is_searched_too(scorer):
    """Granted, but above the threshold less the margin: options bring it below the target."""
    c = scorer.clients
    near = c[(c["probability"] < scorer.threshold)
             & (c["probability"] > scorer.threshold * 0.8)].sort_values("probability")
    margin = 0.25
    target = scorer.threshold * (1 - margin)
    searched = 0
    for cid in near.index[:20]:
        r = scorer.recourse(int(cid), margin=margin)
        assert r.score.decision == "granted" and r.target == pytest.approx(target)
        assert r.message != tr("recourse_granted", "fr", t=percent(target, "fr"))
        searched += bool(r.options)
        for o in r.options:
            assert scorer.what_if(int(cid), o.changes).probability <= target
    assert searched


def test_a_duration_cut_beyond_the_fixed_steps_is_found():
    """A 20.2-month loan that only a duration of 7 months or less gets granted (measured at
    full scale: the -12 and -24 month steps jump from 8 months to none): the proportional
    duration steps find it, the shortest change first, and nothing else is changed."""
    from scoring_lib.simulation.levers import months_of
    from scoring_lib.simulation.recourse import search

    base = {"AMT_CREDIT": 202_000.0, "AMT_ANNUITY": 10_000.0, "AMT_GOODS_PRICE": 180_000.0}
    ranges = {"AMT_CREDIT": (27_000.0, 2_500_000.0), "AMT_ANNUITY": (1_350.0, 225_000.0),
              "AMT_GOODS_PRICE": (27_000.0, 2_500_000.0), "DURATION_MONTHS": (3.0, 61.0),
              "GOODS_PRICE_CREDIT_PERC": (0.44, 1.0)}
    seen = []

    def probabilities(variants):
        seen.extend(variants)
        return [0.05 if months_of(v) <= 7.5 else 0.2 for v in variants]

    found = search(base, ranges, probabilities, target=0.1)
    assert seen and all(v["AMT_CREDIT"] <= base["AMT_CREDIT"] for v in seen)
    changes, values, probability, change = found[0]
    assert changes == {"DURATION_MONTHS": 7.0} and probability == 0.05
    assert values["AMT_CREDIT"] == base["AMT_CREDIT"]
    assert values["AMT_ANNUITY"] == pytest.approx(base["AMT_CREDIT"] / 7)
    assert change == pytest.approx((20.2 - 7) / 20.2)


def test_a_client_exactly_on_the_threshold_is_refused_not_already_granted(scorer, refused,
                                                                           monkeypatch):
    """A probability equal to the threshold is refused (decide: p >= threshold); with no
    safety margin the target is the threshold itself, and recourse said "already granted"."""
    import dataclasses

    cid = refused[0]
    real = scorer.score(cid)
    on = dataclasses.replace(real, probability=scorer.threshold, distance=0.0)
    assert on.decision == "refused"
    monkeypatch.setattr(scorer, "score", lambda client_id: on if client_id == cid
                        else Scorer.score(scorer, client_id))
    out = scorer.recourse(cid, margin=0.0, lang="en")
    assert out.message != tr("recourse_granted", "en", t=percent(out.target, "en"))
    assert all(o.decision == "granted" and o.probability < scorer.threshold
               for o in out.options)
