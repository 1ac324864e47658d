"""Reason sentences, checked by hand: sign, order, wording, units, percentiles, missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.explain import REASON_COLUMNS, describe_features, group_contributions, reasons
from scoring_lib.explain.units import NNBSP
from scoring_lib.features import feature_metadata

NAN = np.nan


def nb(text: str) -> str:
    """Write tests with plain spaces before % and inside numbers; compare with NNBSP."""
    return (text.replace(" %", f"{NNBSP}%").replace("135 000 €", f"135{NNBSP}000{NNBSP}€"))


@pytest.fixture(scope="module")
def dictionary():
    return describe_features(feature_metadata())


@pytest.fixture(scope="module")
def case(dictionary):
    """Six variables raise the risk, five lower it; one is zero."""
    contribs = pd.Series({
        "EXT_SOURCE_3": 0.90, "EXT_SOURCE_1": 0.40, "INSTAL_DPD_MEAN": 0.30,
        "INSTAL_DPD_MAX": 0.05, "PREV_REFUSED_COUNT": 0.20, "AMT_CREDIT": 0.10,
        "NAME_INCOME_TYPE": 0.01,
        "DAYS_BIRTH": -0.60, "DAYS_EMPLOYED": -0.35, "NAME_EDUCATION_TYPE": -0.25,
        "BURO_DAYS_CREDIT_MAX": -0.15, "FLAG_EMP_PHONE": -0.02, "CNT_CHILDREN": 0.0,
    })
    values = pd.Series({
        "EXT_SOURCE_3": 0.21, "EXT_SOURCE_1": NAN, "INSTAL_DPD_MEAN": 2.5,
        "INSTAL_DPD_MAX": 12.0, "PREV_REFUSED_COUNT": 0, "AMT_CREDIT": 135_000.0,
        "NAME_INCOME_TYPE": "Working", "DAYS_BIRTH": -21_000, "DAYS_EMPLOYED": NAN,
        "NAME_EDUCATION_TYPE": "Higher education", "BURO_DAYS_CREDIT_MAX": -60,
        "FLAG_EMP_PHONE": 1, "CNT_CHILDREN": 0,
    }, dtype=object)
    # percent of all clients strictly below / equal / above the client's raw value
    shares = pd.DataFrame({
        "EXT_SOURCE_3": (15.0, 0.0, 85.0),
        "INSTAL_DPD_MEAN": (88.0, 2.0, 10.0),
        "PREV_REFUSED_COUNT": (0.0, 70.0, 30.0),
        "AMT_CREDIT": (40.0, 1.0, 59.0),
        "DAYS_BIRTH": (10.0, 0.5, 89.5),       # raw: more negative = older
        "BURO_DAYS_CREDIT_MAX": (92.0, 0.0, 8.0),
    }, index=["below", "equal", "above"]).T
    grouped = group_contributions(contribs, dictionary)
    return grouped, values, shares


def test_at_most_four_each_way_in_order(case):
    grouped, values, shares = case
    r = reasons(grouped, values, shares)
    assert tuple(r.columns) == REASON_COLUMNS
    assert list(r["direction"]) == ["raises"] * 4 + ["lowers"] * 4
    assert list(r["feature"]) == ["EXT_SOURCE_3", "EXT_SOURCE_1", "INSTAL_DPD_MEAN",
                                  "PREV_REFUSED_COUNT",
                                  "DAYS_BIRTH", "DAYS_EMPLOYED", "NAME_EDUCATION_TYPE",
                                  "BURO_DAYS_CREDIT_MAX"]
    raises = r[r["direction"] == "raises"]["contribution"]
    lowers = r[r["direction"] == "lowers"]["contribution"]
    assert (raises > 0).all() and raises.is_monotonic_decreasing
    assert (lowers < 0).all() and lowers.is_monotonic_increasing
    assert r["sentence"].str.endswith("augmente le risque.").sum() == 4
    assert r["sentence"].str.endswith("réduit le risque.").sum() == 4


def test_french_sentences(case):
    grouped, values, shares = case
    s = reasons(grouped, values, shares).set_index("feature")["sentence"]
    assert s["EXT_SOURCE_3"] == nb(
        "Score externe n°3 faible (0,21 ; plus bas que 85 % des clients) : augmente le risque.")
    assert s["EXT_SOURCE_1"] == "Score externe n°1 inconnu : augmente le risque."
    assert s["INSTAL_DPD_MEAN"] == nb(
        "Moyenne des jours de retard (échéances des prêts précédents) élevée (2,5 jours ; "
        "plus élevée que 88 % des clients) : augmente le risque.")
    assert s["PREV_REFUSED_COUNT"] == nb(
        "Nombre de demandes (demandes précédentes refusées) (0 ; comme 70 % des clients) : "
        "augmente le risque.")
    # the age is larger when DAYS_BIRTH is more negative: 89.5 % of clients are younger
    assert s["DAYS_BIRTH"] == nb(
        "Âge élevé (57 ans ; plus élevé que 89 % des clients) : réduit le risque.")
    assert s["DAYS_EMPLOYED"] == "Ancienneté dans l'emploi : sans objet — réduit le risque."
    assert s["NAME_EDUCATION_TYPE"] == "Niveau d'études : supérieur — réduit le risque."
    assert s["BURO_DAYS_CREDIT_MAX"] == nb(
        "Date la plus récente d'ouverture d'un crédit (autres établissements) : 1 mois avant "
        "la demande (plus récente que 92 % des clients) — réduit le risque.")


def test_english_sentences(case):
    grouped, values, shares = case
    s = reasons(grouped, values, shares, lang="en").set_index("feature")["sentence"]
    assert s["EXT_SOURCE_3"] == (
        "External score #3: low (0.21; lower than 85% of clients) — raises the risk.")
    assert s["EXT_SOURCE_1"] == "External score #1 unknown: raises the risk."
    assert s["DAYS_BIRTH"] == (
        "Age: high (57 years; higher than 89% of clients) — lowers the risk.")
    assert s["NAME_EDUCATION_TYPE"] == "Education level: higher education — lowers the risk."


def test_values_and_percentiles_are_reported(case):
    grouped, values, shares = case
    r = reasons(grouped, values, shares).set_index("feature")
    assert r.loc["EXT_SOURCE_3", "value_text"] == "0,21"
    assert r.loc["EXT_SOURCE_3", "percentile"] == pytest.approx(15.0)
    assert np.isnan(r.loc["EXT_SOURCE_1", "percentile"])
    assert r.loc["DAYS_BIRTH", "value_text"] == "57 ans"


def test_percentiles_as_a_series_and_none(case):
    grouped, values, _ = case
    mid = pd.Series({"EXT_SOURCE_3": 15.0, "AMT_CREDIT": 60.0})
    r = reasons(grouped, values, mid, max_per_side=6).set_index("feature")["sentence"]
    assert r["EXT_SOURCE_3"] == nb(
        "Score externe n°3 faible (0,21 ; plus bas que 85 % des clients) : augmente le risque.")
    assert r["AMT_CREDIT"] == nb(
        "Montant du crédit demandé dans la moyenne (135 000 € ; plus élevé que 60 % des "
        "clients) : augmente le risque.")
    # no percentile at all: the value alone
    r = reasons(grouped, values, None).set_index("feature")["sentence"]
    assert r["INSTAL_DPD_MEAN"] == (
        "Moyenne des jours de retard (échéances des prêts précédents) : 2,5 jours — "
        "augmente le risque.")


def test_zero_contributions_and_limits(case, dictionary):
    grouped, values, shares = case
    r = reasons(grouped, values, shares, max_per_side=10)
    assert "CNT_CHILDREN" not in set(r["feature"])  # zero: neither raises nor lowers
    assert (r["direction"] == "raises").sum() == 6
    assert (r["direction"] == "lowers").sum() == 5
    assert reasons(grouped, values, shares, max_per_side=0).empty
    only_up = group_contributions(pd.Series({"EXT_SOURCE_3": 0.2}), dictionary)
    assert list(reasons(only_up, values, shares)["direction"]) == ["raises"]


def test_bad_arguments(case):
    grouped, values, shares = case
    with pytest.raises(ValueError, match="lang"):
        reasons(grouped, values, shares, lang="de")
    with pytest.raises(ValueError, match="top_feature"):
        reasons(grouped.drop(columns=["top_feature"]), values, shares)
