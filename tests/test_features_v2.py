"""Tests of the features of issue 16 (FEATURE_VERSION features-2): the combinations of the
application (external scores, loan duration, documents, enquiries), the recent windows of
the child tables (last 6 / 12 months, boundary included), the trends and the last previous
application. Every expected value is worked out by hand from the rows written here; the
generic rules (no TARGET leak, identical train/test columns, row order, counts of 0) are
also run on every feature, these included, by test_features.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from test_explain_labels import leaks
from test_features import table

from scoring_lib.data.schema import KEY
from scoring_lib.data.synth import generate_tables
from scoring_lib.explain.labels import describe_features
from scoring_lib.features import FEATURE_VERSION, build_features, feature_metadata
from scoring_lib.simulation import DERIVED

NAN = np.nan

#: every feature issue 16 added, by family
NEW = {
    "application": ["CREDIT_TERM", "DAYS_ID_PUBLISH_PERC", "DAYS_LAST_PHONE_CHANGE_PERC",
                    "EXT_SOURCES_MEAN", "EXT_SOURCES_MIN", "EXT_SOURCES_MAX",
                    "EXT_SOURCES_PROD", "EXT_SOURCES_WEIGHTED", "EXT_SOURCES_STD",
                    "EXT_SOURCES_NAN_COUNT", "DOCUMENT_COUNT", "AMT_REQ_CREDIT_BUREAU_TOTAL"],
    "installments_payments": [
        *(f"INSTAL_{w}_{f}" for w in ("6M", "12M") for f in (
            "DPD_MEAN", "DPD_MAX", "LATE_MEAN", "PAYMENT_PERC_MEAN", "COUNT")),
        "INSTAL_LATE_MEAN", "INSTAL_DPD_TREND", "INSTAL_LATE_TREND",
        "INSTAL_PAYMENT_PERC_TREND"],
    "bureau": [f"BURO_{w}_{f}" for w in ("6M", "12M") for f in (
        "AMT_CREDIT_SUM_SUM", "AMT_CREDIT_SUM_DEBT_SUM", "CREDIT_DAY_OVERDUE_MAX",
        "CREDIT_ACTIVE_Active_COUNT", "COUNT")],
    "previous_application": [
        *(f"PREV_{w}_{f}" for w in ("6M", "12M")
          for f in ("NAME_CONTRACT_STATUS_Refused_COUNT", "COUNT")),
        "PREV_NAME_CONTRACT_STATUS_Refused_LAST", "PREV_NAME_CONTRACT_STATUS_Approved_LAST",
        "PREV_APP_CREDIT_PERC_LAST", "PREV_AMT_APPLICATION_LAST", "PREV_AMT_CREDIT_LAST",
        "PREV_AMT_ANNUITY_LAST", "PREV_CNT_PAYMENT_LAST"],
    "POS_CASH_balance": [
        *(f"POS_{w}_{f}" for w in ("6M", "12M")
          for f in ("SK_DPD_MEAN", "SK_DPD_MAX", "SK_DPD_DEF_MAX", "COUNT")),
        "POS_SK_DPD_TREND"],
    "credit_card_balance": [
        *(f"CC_{w}_{f}" for w in ("6M", "12M")
          for f in ("SK_DPD_MEAN", "SK_DPD_MAX", "BALANCE_LIMIT_RATIO_MEAN", "COUNT")),
        "CC_BALANCE_LIMIT_RATIO_MEAN", "CC_BALANCE_LIMIT_RATIO_MAX", "CC_SK_DPD_TREND",
        "CC_BALANCE_LIMIT_RATIO_TREND"],
}
ALL_NEW = [f for names in NEW.values() for f in names]


def app(rows: list[dict]) -> pd.DataFrame:
    base = dict(AMT_INCOME_TOTAL=100_000.0, AMT_CREDIT=200_000.0, AMT_ANNUITY=10_000.0,
                DAYS_BIRTH=-10_000, DAYS_EMPLOYED=-1_000, TARGET=0)
    return table("application_train", [{**base, **r} for r in rows])


def values(features, name: str) -> np.ndarray:
    return features.frame.set_index(KEY)[name].to_numpy(dtype=float)


def check(features, name: str, expected: list) -> None:
    np.testing.assert_allclose(values(features, name), np.array(expected, dtype=float),
                               rtol=1e-12, atol=1e-12, err_msg=name)


# ------------------------------------------------------------------------------- names
def test_version_and_the_new_features_with_their_metadata():
    assert FEATURE_VERSION == "features-2"
    meta = feature_metadata().set_index("feature")
    assert len(ALL_NEW) == len(set(ALL_NEW)) == 68
    assert len(meta) == 691 + 68
    for family, names in NEW.items():
        assert set(meta.loc[names, "table"]) == {family}, family
    windows = meta.loc[[f for f in ALL_NEW if "_6M_" in f or "_12M_" in f]]
    assert set(windows["subset"]) == {"last_6m", "last_12m"}
    assert all(("_6M_" in f) == (s == "last_6m") for f, s in windows["subset"].items())
    trends = meta.loc[[f for f in ALL_NEW if f.endswith("_TREND")]]
    assert set(trends["aggregation"]) == {"trend"} and set(trends["subset"]) == {"last_12m"}
    assert set(meta.loc[[f for f in ALL_NEW if f.endswith("_LAST")], "aggregation"]) == {"last"}
    ext = meta.loc[NEW["application"][3:10]]
    assert set(ext["column"]) == {"EXT_SOURCES"} and set(ext["aggregation"]) == {"combination"}
    assert all(d == ["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"] for d in ext["derived_from"])
    assert meta.loc["CREDIT_TERM", "derived_from"] == ["AMT_CREDIT", "AMT_ANNUITY"]
    assert meta.loc["BURO_6M_CREDIT_ACTIVE_Active_COUNT", "level"] == "Active"
    assert meta.loc["PREV_NAME_CONTRACT_STATUS_Refused_LAST", "level"] == "Refused"


# -------------------------------------------------------------------------- application
def test_external_score_combinations_with_missing_scores():
    features = build_features({"application_train": app([
        dict(SK_ID_CURR=1, EXT_SOURCE_1=0.2, EXT_SOURCE_2=0.4, EXT_SOURCE_3=0.6),
        dict(SK_ID_CURR=2, EXT_SOURCE_2=0.5),
        dict(SK_ID_CURR=3),
        dict(SK_ID_CURR=4, EXT_SOURCE_1=0.3, EXT_SOURCE_3=0.9),
    ])})
    check(features, "EXT_SOURCES_MEAN", [0.4, 0.5, NAN, 0.6])
    check(features, "EXT_SOURCES_MIN", [0.2, 0.5, NAN, 0.3])
    check(features, "EXT_SOURCES_MAX", [0.6, 0.5, NAN, 0.9])
    check(features, "EXT_SOURCES_PROD", [0.2 * 0.4 * 0.6, NAN, NAN, NAN])
    # weights 2, 1, 3 over the scores present
    check(features, "EXT_SOURCES_WEIGHTED", [(0.4 + 0.4 + 1.8) / 6, 0.5, NAN,
                                             (0.6 + 2.7) / 5])
    check(features, "EXT_SOURCES_STD", [math.sqrt(0.08 / 3), NAN, NAN, 0.3])
    check(features, "EXT_SOURCES_NAN_COUNT", [0, 2, 3, 1])


def test_loan_duration_documents_and_enquiries():
    features = build_features({"application_train": app([
        dict(SK_ID_CURR=1, AMT_CREDIT=240_000.0, AMT_ANNUITY=10_000.0, FLAG_DOCUMENT_2=1,
             FLAG_DOCUMENT_3=1, FLAG_DOCUMENT_21=1, AMT_REQ_CREDIT_BUREAU_HOUR=0.0,
             AMT_REQ_CREDIT_BUREAU_QRT=1.0, AMT_REQ_CREDIT_BUREAU_YEAR=2.0,
             DAYS_ID_PUBLISH=-2_000, DAYS_LAST_PHONE_CHANGE=-500.0),
        dict(SK_ID_CURR=2, AMT_ANNUITY=0.0, **{f"AMT_REQ_CREDIT_BUREAU_{w}": 0.0 for w in
                                              ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR")}),
        dict(SK_ID_CURR=3, AMT_ANNUITY=NAN, DAYS_BIRTH=0),
    ])})
    check(features, "CREDIT_TERM", [24, NAN, NAN])  # months; annuity 0 or missing: unknown
    check(features, "DOCUMENT_COUNT", [3, 0, 0])
    check(features, "AMT_REQ_CREDIT_BUREAU_TOTAL", [3, 0, NAN])  # all six missing: unknown
    check(features, "DAYS_ID_PUBLISH_PERC", [0.2, 0, NAN])
    check(features, "DAYS_LAST_PHONE_CHANGE_PERC", [0.05, NAN, NAN])


# ------------------------------------------------------------------------- child tables
def history() -> dict[str, pd.DataFrame]:
    """Client 1 has rows exactly on and just past each window boundary; client 2 only old
    rows; client 3 none."""
    inst = dict(SK_ID_PREV=1, SK_ID_CURR=1, AMT_INSTALMENT=100.0, AMT_PAYMENT=100.0)
    pos = dict(SK_ID_PREV=1, SK_ID_CURR=1)
    return {
        "application_train": app([dict(SK_ID_CURR=1), dict(SK_ID_CURR=2),
                                  dict(SK_ID_CURR=3)]),
        "installments_payments": table("installments_payments", [
            {**inst, "DAYS_INSTALMENT": -10.0, "DAYS_ENTRY_PAYMENT": NAN, "AMT_PAYMENT": NAN},
            {**inst, "DAYS_INSTALMENT": -182.0, "DAYS_ENTRY_PAYMENT": -172.0},  # 10 days late
            {**inst, "DAYS_INSTALMENT": -183.0, "DAYS_ENTRY_PAYMENT": -190.0,
             "AMT_PAYMENT": 50.0},
            {**inst, "DAYS_INSTALMENT": -365.0, "DAYS_ENTRY_PAYMENT": -345.0},  # 20 days late
            {**inst, "DAYS_INSTALMENT": -366.0, "DAYS_ENTRY_PAYMENT": -366.0},
            {**inst, "SK_ID_CURR": 2, "DAYS_INSTALMENT": -400.0,
             "DAYS_ENTRY_PAYMENT": -390.0},
        ]),
        "bureau": table("bureau", [
            dict(SK_ID_CURR=1, SK_ID_BUREAU=1, DAYS_CREDIT=-182, CREDIT_ACTIVE="Active",
                 AMT_CREDIT_SUM=1000.0, AMT_CREDIT_SUM_DEBT=400.0, CREDIT_DAY_OVERDUE=5),
            dict(SK_ID_CURR=1, SK_ID_BUREAU=2, DAYS_CREDIT=-183, CREDIT_ACTIVE="Closed",
                 AMT_CREDIT_SUM=2000.0, AMT_CREDIT_SUM_DEBT=0.0),
            dict(SK_ID_CURR=1, SK_ID_BUREAU=3, DAYS_CREDIT=-365, CREDIT_ACTIVE="Active",
                 AMT_CREDIT_SUM=3000.0, CREDIT_DAY_OVERDUE=9),
            dict(SK_ID_CURR=1, SK_ID_BUREAU=4, DAYS_CREDIT=-366, CREDIT_ACTIVE="Active",
                 AMT_CREDIT_SUM=4000.0, AMT_CREDIT_SUM_DEBT=100.0, CREDIT_DAY_OVERDUE=50),
            dict(SK_ID_CURR=2, SK_ID_BUREAU=5, DAYS_CREDIT=-400, CREDIT_ACTIVE="Active",
                 AMT_CREDIT_SUM=5.0),
        ]),
        "POS_CASH_balance": table("POS_CASH_balance", [
            {**pos, "MONTHS_BALANCE": -6, "SK_DPD": 3, "SK_DPD_DEF": 1},
            {**pos, "MONTHS_BALANCE": -7, "SK_DPD": 8},
            {**pos, "MONTHS_BALANCE": -12, "SK_DPD": 1, "SK_DPD_DEF": 4},
            {**pos, "MONTHS_BALANCE": -13, "SK_DPD": 100, "SK_DPD_DEF": 100},
            {**pos, "SK_ID_CURR": 2, "MONTHS_BALANCE": -20, "SK_DPD": 7},
        ]),
        "credit_card_balance": table("credit_card_balance", [
            {**pos, "MONTHS_BALANCE": -1, "AMT_BALANCE": 500.0,
             "AMT_CREDIT_LIMIT_ACTUAL": 1000, "SK_DPD": 2},
            {**pos, "MONTHS_BALANCE": -7, "AMT_BALANCE": 900.0,
             "AMT_CREDIT_LIMIT_ACTUAL": 1000, "SK_DPD": 0},
            {**pos, "MONTHS_BALANCE": -13, "AMT_BALANCE": 100.0,
             "AMT_CREDIT_LIMIT_ACTUAL": 0, "SK_DPD": 10},  # limit 0: ratio unknown
        ]),
    }


@pytest.fixture(scope="module")
def recent():
    return build_features(history())


def test_instalments_of_the_last_6_and_12_months_boundary_included(recent):
    # 6 months: the unpaid one (-10, late unknown) and the one due exactly at -182
    check(recent, "INSTAL_6M_COUNT", [2, 0, 0])
    check(recent, "INSTAL_6M_DPD_MEAN", [10, NAN, NAN])
    check(recent, "INSTAL_6M_DPD_MAX", [10, NAN, NAN])
    check(recent, "INSTAL_6M_LATE_MEAN", [1, NAN, NAN])
    check(recent, "INSTAL_6M_PAYMENT_PERC_MEAN", [1, NAN, NAN])
    # 12 months: + -183 (early, half paid) and -365 (20 days late), not -366
    check(recent, "INSTAL_12M_COUNT", [4, 0, 0])
    check(recent, "INSTAL_12M_DPD_MEAN", [10, NAN, NAN])
    check(recent, "INSTAL_12M_DPD_MAX", [20, NAN, NAN])
    check(recent, "INSTAL_12M_LATE_MEAN", [2 / 3, NAN, NAN])
    check(recent, "INSTAL_12M_PAYMENT_PERC_MEAN", [2.5 / 3, NAN, NAN])
    check(recent, "INSTAL_LATE_MEAN", [0.5, 1, NAN])  # all history: late 1, 0, 1, 0; 1


def test_trends_are_the_last_12_months_minus_all_history(recent):
    check(recent, "INSTAL_DPD_TREND", [10 - 30 / 4, NAN, NAN])  # client 2: nothing recent
    check(recent, "INSTAL_LATE_TREND", [2 / 3 - 0.5, NAN, NAN])
    check(recent, "INSTAL_PAYMENT_PERC_TREND", [2.5 / 3 - 3.5 / 4, NAN, NAN])
    check(recent, "POS_SK_DPD_TREND", [4 - 112 / 4, NAN, NAN])
    check(recent, "CC_BALANCE_LIMIT_RATIO_TREND", [0.7 - 0.7, NAN, NAN])
    check(recent, "CC_SK_DPD_TREND", [1 - 4, NAN, NAN])


def test_bureau_credits_opened_in_the_last_6_and_12_months(recent):
    check(recent, "BURO_6M_COUNT", [1, 0, 0])
    check(recent, "BURO_6M_CREDIT_ACTIVE_Active_COUNT", [1, 0, 0])
    check(recent, "BURO_6M_AMT_CREDIT_SUM_SUM", [1000, NAN, NAN])
    check(recent, "BURO_6M_AMT_CREDIT_SUM_DEBT_SUM", [400, NAN, NAN])
    check(recent, "BURO_6M_CREDIT_DAY_OVERDUE_MAX", [5, NAN, NAN])
    check(recent, "BURO_12M_COUNT", [3, 0, 0])
    check(recent, "BURO_12M_CREDIT_ACTIVE_Active_COUNT", [2, 0, 0])
    check(recent, "BURO_12M_AMT_CREDIT_SUM_SUM", [6000, NAN, NAN])
    check(recent, "BURO_12M_AMT_CREDIT_SUM_DEBT_SUM", [400, NAN, NAN])  # missing is not 0
    check(recent, "BURO_12M_CREDIT_DAY_OVERDUE_MAX", [9, NAN, NAN])


def test_pos_and_credit_cards_of_the_last_6_and_12_months(recent):
    check(recent, "POS_6M_COUNT", [1, 0, 0])
    check(recent, "POS_6M_SK_DPD_MEAN", [3, NAN, NAN])
    check(recent, "POS_6M_SK_DPD_DEF_MAX", [1, NAN, NAN])
    check(recent, "POS_12M_COUNT", [3, 0, 0])
    check(recent, "POS_12M_SK_DPD_MEAN", [4, NAN, NAN])
    check(recent, "POS_12M_SK_DPD_MAX", [8, NAN, NAN])
    check(recent, "POS_12M_SK_DPD_DEF_MAX", [4, NAN, NAN])
    check(recent, "CC_6M_COUNT", [1, 0, 0])
    check(recent, "CC_6M_BALANCE_LIMIT_RATIO_MEAN", [0.5, NAN, NAN])
    check(recent, "CC_12M_BALANCE_LIMIT_RATIO_MEAN", [0.7, NAN, NAN])
    check(recent, "CC_12M_SK_DPD_MAX", [2, NAN, NAN])
    check(recent, "CC_BALANCE_LIMIT_RATIO_MEAN", [0.7, NAN, NAN])
    check(recent, "CC_BALANCE_LIMIT_RATIO_MAX", [0.9, NAN, NAN])


def previous(order) -> pd.DataFrame:
    rows = [
        dict(SK_ID_PREV=1, SK_ID_CURR=1, DAYS_DECISION=-50, NAME_CONTRACT_STATUS="Approved",
             AMT_APPLICATION=1000.0, AMT_CREDIT=800.0, CNT_PAYMENT=12.0),
        dict(SK_ID_PREV=2, SK_ID_CURR=1, DAYS_DECISION=-10, NAME_CONTRACT_STATUS="Refused",
             AMT_APPLICATION=500.0, AMT_CREDIT=0.0, AMT_ANNUITY=40.0),
        dict(SK_ID_PREV=3, SK_ID_CURR=1, DAYS_DECISION=-300, NAME_CONTRACT_STATUS="Approved",
             AMT_APPLICATION=9.0, AMT_CREDIT=9.0),
        # a tie on DAYS_DECISION: the larger SK_ID_PREV is the last
        dict(SK_ID_PREV=5, SK_ID_CURR=2, DAYS_DECISION=-20, NAME_CONTRACT_STATUS="Approved",
             AMT_APPLICATION=100.0, AMT_CREDIT=80.0),
        dict(SK_ID_PREV=4, SK_ID_CURR=2, DAYS_DECISION=-20, NAME_CONTRACT_STATUS="Refused",
             AMT_APPLICATION=200.0, AMT_CREDIT=0.0),
    ]
    return table("previous_application", [rows[i] for i in order])


@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4], [4, 2, 1, 3, 0]])
def test_the_last_previous_application_by_decision_date(order):
    features = build_features({"application_train": app([dict(SK_ID_CURR=1),
                                                         dict(SK_ID_CURR=2),
                                                         dict(SK_ID_CURR=3)]),
                               "previous_application": previous(order)})
    check(features, "PREV_NAME_CONTRACT_STATUS_Refused_LAST", [1, 0, NAN])
    check(features, "PREV_NAME_CONTRACT_STATUS_Approved_LAST", [0, 1, NAN])
    check(features, "PREV_AMT_APPLICATION_LAST", [500, 100, NAN])
    check(features, "PREV_AMT_CREDIT_LAST", [0, 80, NAN])
    check(features, "PREV_APP_CREDIT_PERC_LAST", [NAN, 1.25, NAN])  # granted 0: unknown
    check(features, "PREV_AMT_ANNUITY_LAST", [40, NAN, NAN])
    check(features, "PREV_CNT_PAYMENT_LAST", [NAN, NAN, NAN])  # the last one has none
    check(features, "PREV_6M_COUNT", [2, 2, 0])
    check(features, "PREV_6M_NAME_CONTRACT_STATUS_Refused_COUNT", [1, 1, 0])
    check(features, "PREV_12M_COUNT", [3, 2, 0])
    check(features, "PREV_12M_NAME_CONTRACT_STATUS_Refused_COUNT", [1, 1, 0])


# ---------------------------------------------------------------------- rules, at scale
@pytest.fixture(scope="module")
def synthetic():
    return dict(generate_tables(300, 50, seed=5))


def test_a_partition_of_clients_gets_the_same_values_as_the_whole_book(synthetic):
    """What scoring batch relies on: each client's features come from its own rows only."""
    whole = build_features(synthetic).frame.set_index(KEY)
    ids = whole.index.to_numpy()
    part_ids = set(ids[::3].tolist())
    part = {name: frame[frame[KEY].isin(part_ids)].reset_index(drop=True)
            for name, frame in synthetic.items() if KEY in frame.columns}
    credits = set(part["bureau"]["SK_ID_BUREAU"])
    part["bureau_balance"] = synthetic["bureau_balance"][
        synthetic["bureau_balance"]["SK_ID_BUREAU"].isin(credits)].reset_index(drop=True)
    got = build_features(part).frame.set_index(KEY)
    expected = whole.loc[got.index, ALL_NEW]
    pd.testing.assert_frame_equal(got[ALL_NEW], expected, check_exact=False, rtol=1e-9)
    # and the windows and trends are not empty on realistic data
    assert got[ALL_NEW].notna().mean().min() > 0.05


def test_every_new_feature_has_a_label_in_both_languages():
    dictionary = describe_features(feature_metadata()).loc[ALL_NEW]
    for lang in ("fr", "en"):
        labels = dictionary[f"label_{lang}"]
        assert labels.is_unique
        assert not [f for f, text in labels.items() if f in text or leaks(text)]
    assert (dictionary["label_fr"] != dictionary["label_en"]).all()
    d = dictionary
    assert d.loc["EXT_SOURCES_WEIGHTED", "label_fr"] == \
        "Moyenne pondérée des scores externes (poids 2, 1, 3)"
    assert d.loc["INSTAL_6M_LATE_MEAN", "label_fr"] == (
        "Part des échéances payées en retard (échéances des prêts précédents dues ces 6 "
        "derniers mois)")
    assert d.loc["BURO_12M_CREDIT_ACTIVE_Active_COUNT", "label_en"] == (
        "Number of credits with status “active” (credits opened at other lenders in the "
        "last 12 months)")
    assert d.loc["PREV_NAME_CONTRACT_STATUS_Refused_LAST", "label_fr"] == (
        "Statut de la dernière demande : « refusée » (demandes précédentes)")
    assert d.loc["PREV_CNT_PAYMENT_LAST", "gender"] == "f"  # "Durée ..."
    assert d.loc["INSTAL_DPD_TREND", "label_en"] == (
        "Change in days past due, last 12 months against all history (instalments of "
        "previous loans)")
    assert d.loc["CREDIT_TERM", "unit"].kind == "months"
    assert d.loc["PREV_NAME_CONTRACT_STATUS_Refused_LAST", "unit"].kind == "flag"


# ------------------------------------------------------------------------- simulation
def test_a_what_if_on_the_amount_moves_the_loan_duration(scorer):
    assert "CREDIT_TERM" in DERIVED and "CREDIT_TERM" in scorer.feature_names
    assert not {f for f in DERIVED if f.startswith("EXT_SOURCES")}
    cid = int(scorer.client_ids[5])
    before = scorer.what_if(cid, {})
    term = before.values["AMT_CREDIT"] / before.values["AMT_ANNUITY"]
    assert before.features["CREDIT_TERM"] == pytest.approx(term, rel=1e-12)
    # a smaller amount, the instalment kept: a shorter loan
    credit = round(before.values["AMT_CREDIT"] * 0.8)
    w = scorer.what_if(cid, {"AMT_CREDIT": credit,
                             "AMT_ANNUITY": before.values["AMT_ANNUITY"]})
    assert w.features["CREDIT_TERM"] == pytest.approx(credit / before.values["AMT_ANNUITY"])
    assert w.features["CREDIT_TERM"] < before.features["CREDIT_TERM"]
    # the duration asked for is the loan duration the model sees
    months = math.ceil(term) + 2
    assert scorer.what_if(cid, {"DURATION_MONTHS": months}).features["CREDIT_TERM"] == \
        pytest.approx(months)
    # the external-score combinations are facts: they stay as stored
    assert w.features["EXT_SOURCES_MEAN"] == before.features["EXT_SOURCES_MEAN"] or (
        math.isnan(w.features["EXT_SOURCES_MEAN"]) and math.isnan(
            before.features["EXT_SOURCES_MEAN"]))
