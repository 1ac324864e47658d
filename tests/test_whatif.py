"""Scorer.what_if: the application with actionable variables changed, re-featurised by the
feature layer's own function, re-scored and re-explained (scoring_lib.simulation)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring_lib.data.schema import KEY
from scoring_lib.features import build_features
from scoring_lib.features.application import application_metadata
from scoring_lib.scoring import Scorer
from scoring_lib.simulation import DERIVED, LEVERS, WhatIfError
from scoring_lib.words import tr


@pytest.fixture(scope="module")
def some_ids(scorer):
    ids = scorer.client_ids.to_numpy()
    return [int(ids[0]), int(ids[len(ids) // 3]), int(ids[len(ids) // 2]), int(ids[-1])]


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return float(a) == float(b)


def test_no_change_gives_exactly_the_stored_score(scorer, some_ids):
    for cid in some_ids:
        w = scorer.what_if(cid, {})
        real = scorer.score(cid)
        assert abs(w.probability - real.probability) <= 1e-12
        assert w.decision == real.decision and w.score.risk_band == real.risk_band
        assert w.values == w.before
        # the recomputed features are the stored ones, and so is the explanation
        stored = scorer.features(cid)
        assert all(same(w.features[f], stored[f]) for f in scorer.feature_names)
        e = scorer.explain(cid)
        np.testing.assert_allclose(w.explanation.contributions.to_numpy(),
                                   e.contributions.to_numpy(), rtol=0, atol=1e-12)
        assert w.explanation.sentences("raises") == e.sentences("raises")


def test_a_changed_amount_moves_every_derived_feature_as_the_feature_layer_does(
        scorer, tiny_bundle, some_ids):
    _, _, tables = tiny_bundle
    cid = some_ids[1]
    before = scorer.what_if(cid, {}).values
    w = scorer.what_if(cid, {"AMT_CREDIT": round(before["AMT_CREDIT"] * 0.8)})
    # the duration is kept (the instalment follows), the goods price follows in proportion
    assert w.values["AMT_CREDIT"] == round(before["AMT_CREDIT"] * 0.8)
    assert w.values["AMT_CREDIT"] / w.values["AMT_ANNUITY"] == pytest.approx(
        before["AMT_CREDIT"] / before["AMT_ANNUITY"])
    assert w.values["AMT_GOODS_PRICE"] / w.values["AMT_CREDIT"] == pytest.approx(
        before["AMT_GOODS_PRICE"] / before["AMT_CREDIT"])
    # the raw tables edited the same way, through build_features
    edited = {name: frame.copy() for name, frame in tables.items()}
    for name in ("application_train", "application_test"):
        frame = edited[name]
        rows = frame[KEY] == cid
        for column, value in w.values.items():
            frame.loc[rows, column] = value
    built = build_features(edited).frame.set_index(KEY).loc[cid]
    application = [f.feature for f in application_metadata() if f.feature in scorer.feature_names]
    different = [f for f in application if not same(w.features[f], built[f])]
    assert different == []
    # the ratios did move
    stored = scorer.features(cid)
    for ratio in ("INCOME_CREDIT_PERC", "ANNUITY_INCOME_PERC", "AMT_CREDIT"):
        assert not same(w.features[ratio], stored[ratio])
    assert w.real == scorer.score(cid)  # the real score is unchanged


def test_features_not_derived_from_the_actionable_variables_stay_as_stored(scorer, some_ids):
    cid = some_ids[2]
    v = scorer.what_if(cid, {}).values
    w = scorer.what_if(cid, {"DURATION_MONTHS": 12, "AMT_GOODS_PRICE": v["AMT_GOODS_PRICE"]
                             * 0.9})
    stored = scorer.features(cid)
    kept = [f for f in scorer.feature_names if f not in DERIVED]
    assert [f for f in kept if not same(w.features[f], stored[f])] == []
    assert {"DAYS_BIRTH", "EXT_SOURCE_2", "CODE_GENDER"} <= set(kept)
    assert not any(f.startswith(("BURO_", "PREV_", "INSTAL_", "POS_", "CC_")) for f in DERIVED)
    assert w.values["AMT_ANNUITY"] == pytest.approx(v["AMT_CREDIT"] / 12)


def test_the_simulation_is_scored_like_the_bundle(scorer, some_ids):
    cid = some_ids[0]
    v = scorer.what_if(cid, {}).values
    w = scorer.what_if(cid, {"AMT_CREDIT": v["AMT_CREDIT"] * 0.7})
    features = pd.DataFrame([w.features.to_numpy()], columns=scorer.feature_names)
    for name in scorer.bundle.categorical_features:
        features[name] = features[name].astype(object)
    numeric = [f for f in scorer.feature_names if f not in scorer.bundle.categorical_features]
    features[numeric] = features[numeric].astype(np.float64)
    assert w.probability == pytest.approx(scorer.bundle.predict_proba(features)[0], abs=1e-9)
    assert w.decision == ("refused" if w.probability >= scorer.threshold else "granted")
    assert w.explanation.score is w.score
    assert w.score.threshold == scorer.threshold


def test_actionable_variables_for_a_form(scorer):
    variables = scorer.actionable_variables("en")
    assert [v["name"] for v in variables] == list(LEVERS) == [
        "AMT_CREDIT", "DURATION_MONTHS", "AMT_ANNUITY", "AMT_GOODS_PRICE"]
    credit = variables[0]
    assert credit["label"] == "Credit amount" and credit["label_fr"] == "Montant du crédit"
    assert credit["kind"] == "amount" and variables[1]["kind"] == "months"
    for v in variables:
        assert 0 < v["low"] < v["high"] and v["step"] > 0
    train = scorer.bundle.get_application_columns(["AMT_CREDIT"]).reindex(scorer.client_ids)
    train = train[(scorer.clients["SAMPLE"] == "train").to_numpy()]
    assert (credit["low"], credit["high"]) == (train["AMT_CREDIT"].min(),
                                               train["AMT_CREDIT"].max())


def test_bad_variables_and_values_are_one_clear_sentence(scorer, some_ids):
    cid = some_ids[0]
    low, high = scorer.simulation_ranges["AMT_CREDIT"]
    cases = {
        "CNT_CHILDREN": (0, "CNT_CHILDREN: not a variable a client can change; actionable "
                            "variables: AMT_CREDIT, DURATION_MONTHS, AMT_ANNUITY, "
                            "AMT_GOODS_PRICE"),
        "AMT_CREDIT": ("250000", "AMT_CREDIT: expected a number, got '250000'"),
        "DURATION_MONTHS": (float("nan"), "DURATION_MONTHS: expected a finite number, got nan"),
    }
    for name, (value, message) in cases.items():
        with pytest.raises(WhatIfError) as info:
            scorer.what_if(cid, {name: value})
        assert str(info.value) == message
    with pytest.raises(WhatIfError) as info:
        scorer.what_if(cid, {"AMT_CREDIT": high * 10})
    assert str(info.value) == (f"AMT_CREDIT: {high * 10:.0f} is outside the plausible range "
                               f"[{low:.0f}, {high:.0f}] observed in this bundle's training "
                               f"clients")
    with pytest.raises(WhatIfError, match="AMT_ANNUITY and DURATION_MONTHS: give one of them"):
        scorer.what_if(cid, {"AMT_ANNUITY": 10000, "DURATION_MONTHS": 24})
    with pytest.raises(WhatIfError, match=r"AMT_ANNUITY: \d+ \(the instalment that follows\) is "
                                          "outside the plausible range"):
        scorer.what_if(cid, {"DURATION_MONTHS": scorer.simulation_ranges["DURATION_MONTHS"][1],
                             "AMT_CREDIT": low})
    assert isinstance(WhatIfError("x"), ValueError)


def test_the_text_says_simulation_and_keeps_the_real_score(scorer, some_ids):
    cid = some_ids[0]
    w = scorer.what_if(cid, {"DURATION_MONTHS": 24, "AMT_CREDIT": 250000}, lang="fr")
    lines = w.to_text().splitlines()
    assert lines[0] == f"Simulation pour le client {cid} (rien n'est enregistré) :"
    decision = "accordé" if w.decision == "granted" else "refusé"
    assert lines[1].startswith("Un crédit de 250\u202f000\u00a0€ sur 24 mois (mensualité "
                               "10\u202f417\u00a0€)")
    assert f" serait {decision} : probabilité " in lines[1]
    real = scorer.score(cid)
    assert lines[2].startswith("Score réel, inchangé : probabilité ")
    assert tr(real.decision, "fr").lower() in lines[2]
    en = scorer.what_if(cid, {"DURATION_MONTHS": 24, "AMT_CREDIT": 250000}, lang="en").to_text()
    assert "A credit of €250,000 over 24 months (instalment €10,417)" in en
    d = w.to_dict()
    assert {"client_id", "probability", "decision", "threshold", "reasons", "changes"} <= set(d)
    assert d["changes"] == {"DURATION_MONTHS": 24, "AMT_CREDIT": 250000}


def test_ranges_wait_for_a_simulation_and_the_application_row_is_read_once(tiny_bundle):
    """Loading, scoring and explaining never compute the simulation ranges; a what-if form
    that re-scores one client again and again (and recourse's verification) reads the
    client's application row once."""
    s = Scorer.from_bundle(tiny_bundle[0], verify=False)
    cid = int(s.client_ids[0])
    s.score(cid)
    s.explain(cid)
    assert s._ranges is None
    applications = s.bundle.applications
    reads = []
    real_rows = applications.rows

    def counting_rows(positions):
        reads.append(list(positions))
        return real_rows(positions)

    applications.rows = counting_rows
    try:
        base = s.what_if(cid, {}).values["AMT_CREDIT"]
        s.what_if(cid, {"AMT_CREDIT": round(base * 0.9)})
        s.what_if(cid, {"AMT_CREDIT": round(base * 0.8)})
        s.recourse(cid)
    finally:
        del applications.rows
    assert s._ranges is not None
    # the ranges read their columns elsewhere; the client's row: once
    assert reads == [[s._position(cid)]]
