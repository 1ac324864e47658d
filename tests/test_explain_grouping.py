"""Grouping contributions by the variable a person knows: sums, ranks, top features."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.explain import GROUP_COLUMNS, describe_features, group_contributions
from scoring_lib.features import feature_metadata


@pytest.fixture(scope="module")
def metadata():
    return feature_metadata()


@pytest.fixture(scope="module")
def dictionary(metadata):
    return describe_features(metadata)


CONTRIBS = pd.Series({
    "EXT_SOURCE_3": 0.50,
    "INSTAL_DPD_MEAN": 0.20, "INSTAL_DPD_MAX": 0.15, "INSTAL_DPD_SUM": -0.05,
    "BURO_AMT_CREDIT_SUM_OVERDUE_MEAN": -0.30, "ACTIVE_AMT_CREDIT_SUM_OVERDUE_MEAN": -0.12,
    "CLOSED_AMT_CREDIT_SUM_OVERDUE_MEAN": 0.03,
    "DAYS_BIRTH": -0.40,
    "PAYMENT_RATE": 0.05,
    "FLAG_DOCUMENT_3": 0.0,
})


def test_sums_by_variable_ranked_by_absolute_contribution(dictionary):
    g = group_contributions(CONTRIBS, dictionary)
    assert tuple(g.columns) == GROUP_COLUMNS
    assert list(g["group"]) == ["application:EXT_SOURCE_3", "application:DAYS_BIRTH",
                                "bureau:AMT_CREDIT_SUM_OVERDUE", "installments_payments:DPD",
                                "application:PAYMENT_RATE", "application:FLAG_DOCUMENT_3"]
    expected = [0.50, -0.40, -0.39, 0.30, 0.05, 0.0]
    np.testing.assert_allclose(g["contribution"], expected, atol=1e-12)
    assert g["contribution"].sum() == pytest.approx(CONTRIBS.sum())
    assert list(g["n_features"]) == [1, 1, 3, 3, 1, 1]
    assert (g["abs_contribution"] == g["contribution"].abs()).all()


def test_ties_are_broken_by_group_key(dictionary):
    contribs = pd.Series({"EXT_SOURCE_2": 0.25, "EXT_SOURCE_1": -0.25, "AMT_CREDIT": 0.25})
    g = group_contributions(contribs, dictionary)
    assert list(g["group"]) == ["application:AMT_CREDIT", "application:EXT_SOURCE_1",
                                "application:EXT_SOURCE_2"]


def test_top_feature_pushes_in_the_group_direction(dictionary):
    g = group_contributions(CONTRIBS, dictionary).set_index("group")
    dpd = g.loc["installments_payments:DPD"]
    assert dpd["top_feature"] == "INSTAL_DPD_MEAN"
    assert dpd["top_contribution"] == pytest.approx(0.20)
    assert dpd["features"] == ["INSTAL_DPD_MEAN", "INSTAL_DPD_MAX", "INSTAL_DPD_SUM"]
    overdue = g.loc["bureau:AMT_CREDIT_SUM_OVERDUE"]
    assert overdue["top_feature"] == "BURO_AMT_CREDIT_SUM_OVERDUE_MEAN"
    assert overdue["label_fr"] == "Montant impayé (autres établissements)"
    assert overdue["label_en"] == "Overdue amount (other lenders)"
    assert overdue["top_label_fr"] == "Moyenne du montant impayé (autres établissements)"
    assert overdue["top_gender"] == "f"
    assert overdue["top_unit"].kind == "amount"


def test_mixed_group_top_feature_follows_the_sum(dictionary):
    contribs = pd.Series({"INSTAL_DPD_MEAN": -0.5, "INSTAL_DPD_MAX": 0.3,
                          "INSTAL_DPD_SUM": 0.1})
    g = group_contributions(contribs, dictionary)
    assert len(g) == 1
    assert g.loc[0, "contribution"] == pytest.approx(-0.1)
    assert g.loc[0, "top_feature"] == "INSTAL_DPD_MEAN"  # the largest push downwards
    contribs["INSTAL_DPD_MEAN"] = -0.3
    g = group_contributions(contribs, dictionary)
    assert g.loc[0, "contribution"] == pytest.approx(0.1)
    assert g.loc[0, "top_feature"] == "INSTAL_DPD_MAX"


def test_accepts_plain_metadata_and_every_feature(metadata, dictionary):
    rng = np.random.default_rng(0)
    contribs = pd.Series(rng.normal(size=len(metadata)), index=metadata["feature"])
    a = group_contributions(contribs, metadata)
    b = group_contributions(contribs, dictionary)
    pd.testing.assert_frame_equal(a.drop(columns=["features", "top_unit"]),
                                  b.drop(columns=["features", "top_unit"]))
    assert len(a) == len(dictionary.drop_duplicates("group"))
    assert a["contribution"].sum() == pytest.approx(contribs.sum())
    assert a["abs_contribution"].is_monotonic_decreasing
    assert sum(len(f) for f in a["features"]) == len(metadata)


def test_bad_input(dictionary):
    with pytest.raises(ValueError, match="NOT_A_FEATURE"):
        group_contributions(pd.Series({"NOT_A_FEATURE": 1.0}), dictionary)
    with pytest.raises(TypeError, match="Series"):
        group_contributions({"EXT_SOURCE_3": 1.0}, dictionary)
