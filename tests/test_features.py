"""Tests of scoring_lib.features: hand-computed aggregates on tiny tables, the rules (missing
values, sentinels, no inf, no TARGET leak) and the metadata. The ``scoring features`` command
and its cache are tested in test_features_cli.py.

The tiny tables have four clients: 101, 102, 103 in application_train (103 has no child row
anywhere) and 201 in application_test. Every expected value below is worked out by hand from
the rows written here.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from scoring_lib.data.schema import DAYS_SENTINEL, TABLE_NAMES, get_spec, pandas_dtypes
from scoring_lib.data.synth import generate_tables
from scoring_lib.features import (AGGREGATIONS, FIELDS, SUBSETS, build_features,
                                  feature_metadata)

NAN = np.nan
S = DAYS_SENTINEL
CLIENTS = [101, 102, 103, 201]


# ------------------------------------------------------------------------------ builders
def table(name: str, rows: list[dict]) -> pd.DataFrame:
    """A frame with every schema column and the schema dtypes; unspecified values are 0 (int
    columns), NaN (float) or missing (categorical)."""
    out = {}
    for column, dtype in pandas_dtypes(name).items():
        default = 0 if dtype == "int64" else None
        out[column] = pd.Series([r.get(column, default) for r in rows], dtype=dtype)
    return pd.DataFrame(out)


def tiny_tables() -> dict[str, pd.DataFrame]:
    train = table("application_train", [
        dict(SK_ID_CURR=101, TARGET=0, AMT_INCOME_TOTAL=100_000.0, AMT_CREDIT=200_000.0,
             AMT_ANNUITY=10_000.0, AMT_GOODS_PRICE=180_000.0, CNT_FAM_MEMBERS=2.0,
             DAYS_BIRTH=-10_000, DAYS_EMPLOYED=-2_000, NAME_CONTRACT_TYPE="Cash loans",
             CODE_GENDER="F"),
        dict(SK_ID_CURR=102, TARGET=1, AMT_INCOME_TOTAL=50_000.0, AMT_CREDIT=0.0,
             AMT_ANNUITY=5_000.0, AMT_GOODS_PRICE=NAN, CNT_FAM_MEMBERS=0.0,
             DAYS_BIRTH=-20_000, DAYS_EMPLOYED=S, NAME_CONTRACT_TYPE="Revolving loans",
             CODE_GENDER="M"),
        dict(SK_ID_CURR=103, TARGET=0, AMT_INCOME_TOTAL=0.0, AMT_CREDIT=100_000.0,
             AMT_ANNUITY=NAN, DAYS_BIRTH=-15_000, DAYS_EMPLOYED=-100),
    ])
    test = table("application_test", [
        dict(SK_ID_CURR=201, AMT_INCOME_TOTAL=60_000.0, AMT_CREDIT=120_000.0,
             AMT_ANNUITY=6_000.0, DAYS_BIRTH=-12_000, DAYS_EMPLOYED=-600,
             NAME_CONTRACT_TYPE="Cash loans", CODE_GENDER="F"),
    ])
    bureau = table("bureau", [
        dict(SK_ID_CURR=101, SK_ID_BUREAU=1, CREDIT_ACTIVE="Active", DAYS_CREDIT=-100,
             AMT_CREDIT_SUM=1000.0, AMT_CREDIT_SUM_DEBT=500.0, CREDIT_TYPE="Consumer credit"),
        dict(SK_ID_CURR=101, SK_ID_BUREAU=2, CREDIT_ACTIVE="Closed", DAYS_CREDIT=-300,
             AMT_CREDIT_SUM=3000.0, AMT_CREDIT_SUM_DEBT=0.0, CREDIT_TYPE="Credit card"),
        dict(SK_ID_CURR=101, SK_ID_BUREAU=3, CREDIT_ACTIVE="Sold", DAYS_CREDIT=-200,
             AMT_CREDIT_SUM=2000.0, CREDIT_TYPE="Car loan"),
        dict(SK_ID_CURR=102, SK_ID_BUREAU=4, CREDIT_ACTIVE="Active", DAYS_CREDIT=-50),
        dict(SK_ID_CURR=201, SK_ID_BUREAU=5, CREDIT_ACTIVE="Closed", DAYS_CREDIT=-700,
             AMT_CREDIT_SUM=700.0),
        dict(SK_ID_CURR=999, SK_ID_BUREAU=6, CREDIT_ACTIVE="Active", AMT_CREDIT_SUM=1.0),
    ])
    balance = table("bureau_balance", [
        dict(SK_ID_BUREAU=1, MONTHS_BALANCE=-1, STATUS="0"),
        dict(SK_ID_BUREAU=1, MONTHS_BALANCE=-2, STATUS="1"),
        dict(SK_ID_BUREAU=1, MONTHS_BALANCE=-3, STATUS="1"),
        dict(SK_ID_BUREAU=1, MONTHS_BALANCE=-4, STATUS="X"),
        dict(SK_ID_BUREAU=2, MONTHS_BALANCE=-5, STATUS="C"),
        dict(SK_ID_BUREAU=2, MONTHS_BALANCE=-6, STATUS="C"),
        dict(SK_ID_BUREAU=5, MONTHS_BALANCE=-1, STATUS="5"),
    ])
    previous = table("previous_application", [
        dict(SK_ID_PREV=1, SK_ID_CURR=101, NAME_CONTRACT_STATUS="Approved",
             NAME_CONTRACT_TYPE="Cash loans", AMT_APPLICATION=1000.0, AMT_CREDIT=800.0,
             AMT_ANNUITY=100.0, DAYS_FIRST_DRAWING=float(S), DAYS_DECISION=-10,
             CNT_PAYMENT=12.0),
        dict(SK_ID_PREV=2, SK_ID_CURR=101, NAME_CONTRACT_STATUS="Refused",
             NAME_CONTRACT_TYPE="Consumer loans", AMT_APPLICATION=500.0, AMT_CREDIT=0.0,
             AMT_ANNUITY=50.0, DAYS_FIRST_DRAWING=-30.0, DAYS_DECISION=-20),
        dict(SK_ID_PREV=3, SK_ID_CURR=101, NAME_CONTRACT_STATUS="Approved",
             NAME_CONTRACT_TYPE="Cash loans", AMT_APPLICATION=600.0, AMT_CREDIT=600.0,
             AMT_ANNUITY=300.0, DAYS_TERMINATION=float(S), DAYS_DECISION=-30,
             CNT_PAYMENT=6.0),
        dict(SK_ID_PREV=4, SK_ID_CURR=102, NAME_CONTRACT_STATUS="Canceled", DAYS_DECISION=-5),
    ])
    pos = table("POS_CASH_balance", [
        dict(SK_ID_PREV=1, SK_ID_CURR=101, MONTHS_BALANCE=-1, SK_DPD=0,
             NAME_CONTRACT_STATUS="Active", CNT_INSTALMENT=12.0),
        dict(SK_ID_PREV=1, SK_ID_CURR=101, MONTHS_BALANCE=-2, SK_DPD=5,
             NAME_CONTRACT_STATUS="Active", CNT_INSTALMENT=12.0),
        dict(SK_ID_PREV=1, SK_ID_CURR=101, MONTHS_BALANCE=-3, SK_DPD=0,
             NAME_CONTRACT_STATUS="Completed"),
        dict(SK_ID_PREV=9, SK_ID_CURR=201, MONTHS_BALANCE=-1, SK_DPD=2,
             NAME_CONTRACT_STATUS="Signed"),
    ])
    installments = table("installments_payments", [
        dict(SK_ID_PREV=1, SK_ID_CURR=101, NUM_INSTALMENT_VERSION=1.0, AMT_INSTALMENT=100.0,
             AMT_PAYMENT=100.0, DAYS_INSTALMENT=-30.0, DAYS_ENTRY_PAYMENT=-35.0),
        dict(SK_ID_PREV=1, SK_ID_CURR=101, NUM_INSTALMENT_VERSION=1.0, AMT_INSTALMENT=100.0,
             AMT_PAYMENT=50.0, DAYS_INSTALMENT=-60.0, DAYS_ENTRY_PAYMENT=-50.0),
        dict(SK_ID_PREV=1, SK_ID_CURR=101, NUM_INSTALMENT_VERSION=2.0, AMT_INSTALMENT=0.0,
             AMT_PAYMENT=20.0, DAYS_INSTALMENT=-90.0, DAYS_ENTRY_PAYMENT=NAN),
        dict(SK_ID_PREV=4, SK_ID_CURR=102, NUM_INSTALMENT_VERSION=1.0, AMT_INSTALMENT=100.0,
             AMT_PAYMENT=NAN, DAYS_INSTALMENT=-10.0, DAYS_ENTRY_PAYMENT=NAN),
    ])
    cards = table("credit_card_balance", [
        dict(SK_ID_PREV=7, SK_ID_CURR=102, MONTHS_BALANCE=-1, AMT_BALANCE=1000.0,
             AMT_CREDIT_LIMIT_ACTUAL=5000, SK_DPD=0, CNT_DRAWINGS_CURRENT=1,
             NAME_CONTRACT_STATUS="Active"),
        dict(SK_ID_PREV=7, SK_ID_CURR=102, MONTHS_BALANCE=-2, AMT_BALANCE=3000.0,
             AMT_CREDIT_LIMIT_ACTUAL=5000, SK_DPD=3, CNT_DRAWINGS_CURRENT=2,
             NAME_CONTRACT_STATUS="Active"),
    ])
    return {"application_train": train, "application_test": test, "bureau": bureau,
            "bureau_balance": balance, "previous_application": previous,
            "POS_CASH_balance": pos, "installments_payments": installments,
            "credit_card_balance": cards}


@pytest.fixture(scope="module")
def tiny():
    return build_features(tiny_tables())


@pytest.fixture(scope="module")
def synthetic():
    """Generated tables of 400 training and 60 test clients (every table, realistic shapes)."""
    return dict(generate_tables(400, 60, seed=3))


@pytest.fixture(scope="module")
def synthetic_features(synthetic):
    return build_features(synthetic)


def by_client(features, *names) -> pd.DataFrame:
    return features.frame.set_index("SK_ID_CURR").loc[CLIENTS, list(names)]


def check(features, name: str, expected: list) -> None:
    """``name`` for clients 101, 102, 103, 201 equals ``expected`` (NaN matches NaN)."""
    got = by_client(features, name)[name].to_numpy(dtype=float)
    np.testing.assert_allclose(got, np.array(expected, dtype=float), rtol=1e-12,
                               err_msg=name)


# ---------------------------------------------------------------------------- application
def test_application_ratios(tiny):
    check(tiny, "DAYS_EMPLOYED_PERC", [0.2, NAN, 100 / 15_000, 0.05])
    check(tiny, "INCOME_CREDIT_PERC", [0.5, NAN, 0.0, 0.5])  # 102: credit 0 -> missing
    check(tiny, "INCOME_PER_PERSON", [50_000, NAN, NAN, NAN])  # 102: 0 members; else NaN
    check(tiny, "ANNUITY_INCOME_PERC", [0.1, 0.1, NAN, 0.1])  # 103: income 0 -> missing
    check(tiny, "PAYMENT_RATE", [0.05, NAN, NAN, 0.05])
    check(tiny, "GOODS_PRICE_CREDIT_PERC", [0.9, NAN, NAN, NAN])


def test_application_sentinel_becomes_missing(tiny):
    check(tiny, "DAYS_EMPLOYED", [-2000, NAN, -100, -600])
    assert not (tiny.frame.select_dtypes("number") == S).any().any()


def test_application_columns_kept_with_categoricals(tiny):
    spec = get_spec("application_train")
    originals = [c.name for c in spec.columns if c.name not in ("SK_ID_CURR", "TARGET")]
    assert list(tiny.frame.columns[2:2 + len(originals)]) == originals
    gender = tiny.frame["CODE_GENDER"]
    assert isinstance(gender.dtype, pd.CategoricalDtype)
    assert list(gender.cat.categories) == list(spec.column("CODE_GENDER").levels)
    assert list(gender.astype(object).fillna("?")) == ["F", "M", "?", "F"]
    meta = tiny.metadata.set_index("feature")
    assert meta.loc["CODE_GENDER", "kind"] == "categorical"
    assert meta.loc["AMT_CREDIT", "aggregation"] is None
    assert meta.loc["PAYMENT_RATE", "derived_from"] == ["AMT_ANNUITY", "AMT_CREDIT"]


def test_unknown_level_only_in_test_keeps_one_categorical():
    tables = tiny_tables()
    test = tables["application_test"].copy()
    test["NAME_CONTRACT_TYPE"] = pd.Categorical(["Leasing"], categories=["Cash loans",
                                                                          "Revolving loans",
                                                                          "Leasing"])
    tables["application_test"] = test
    col = build_features(tables).frame["NAME_CONTRACT_TYPE"]
    assert isinstance(col.dtype, pd.CategoricalDtype)
    assert list(col.cat.categories) == ["Cash loans", "Revolving loans", "Leasing"]
    assert col.iloc[-1] == "Leasing"


# -------------------------------------------------------------------------------- bureau
def test_bureau_all_active_closed(tiny):
    check(tiny, "BURO_COUNT", [3, 1, 0, 1])
    check(tiny, "ACTIVE_COUNT", [1, 1, 0, 0])
    check(tiny, "CLOSED_COUNT", [1, 0, 0, 1])  # "Sold" is neither active nor closed
    check(tiny, "BURO_AMT_CREDIT_SUM_SUM", [6000, NAN, NAN, 700])  # 102: all values missing
    check(tiny, "BURO_AMT_CREDIT_SUM_MEAN", [2000, NAN, NAN, 700])
    check(tiny, "BURO_AMT_CREDIT_SUM_MAX", [3000, NAN, NAN, 700])
    check(tiny, "BURO_DAYS_CREDIT_MEAN", [-200, -50, NAN, -700])
    check(tiny, "BURO_DAYS_CREDIT_MIN", [-300, -50, NAN, -700])
    check(tiny, "BURO_DAYS_CREDIT_VAR", [10_000, NAN, NAN, NAN])  # ddof=1: one value -> NaN
    check(tiny, "ACTIVE_AMT_CREDIT_SUM_DEBT_SUM", [500, NAN, NAN, NAN])
    check(tiny, "CLOSED_AMT_CREDIT_SUM_DEBT_SUM", [0, NAN, NAN, NAN])  # a real zero debt
    check(tiny, "CLOSED_AMT_CREDIT_SUM_MEAN", [3000, NAN, NAN, 700])
    check(tiny, "ACTIVE_DAYS_CREDIT_MAX", [-100, -50, NAN, NAN])
    check(tiny, "BURO_CREDIT_ACTIVE_Active_SHARE", [1 / 3, 1, NAN, 0])
    check(tiny, "BURO_CREDIT_TYPE_Car_loan_SHARE", [1 / 3, 0, NAN, 0])
    check(tiny, "BURO_CREDIT_TYPE_Consumer_credit_SHARE", [1 / 3, 0, NAN, 0])
    assert "ACTIVE_CREDIT_TYPE_Car_loan_SHARE" not in tiny.frame  # shares: BURO_ only


def test_bureau_balance_per_credit_then_per_client(tiny):
    # credit 1: months -1..-4, statuses 0 1 1 X; credit 2: -5 -6, C C; credit 3: no rows;
    # credit 5 (client 201): -1, status 5
    check(tiny, "BURO_MONTHS_BALANCE_MIN_MIN", [-6, NAN, NAN, -1])
    check(tiny, "BURO_MONTHS_BALANCE_MAX_MAX", [-1, NAN, NAN, -1])
    check(tiny, "BURO_MONTHS_COUNT_MEAN", [3, NAN, NAN, 1])  # credit 3 not reported: skipped
    check(tiny, "BURO_MONTHS_COUNT_SUM", [6, NAN, NAN, 1])
    check(tiny, "BURO_STATUS_1_SHARE_MEAN", [0.25, NAN, NAN, 0])
    check(tiny, "BURO_STATUS_X_SHARE_MEAN", [0.125, NAN, NAN, 0])
    check(tiny, "BURO_STATUS_5_SHARE_MEAN", [0, NAN, NAN, 1])
    check(tiny, "ACTIVE_STATUS_1_SHARE_MEAN", [0.5, NAN, NAN, NAN])
    check(tiny, "CLOSED_STATUS_C_SHARE_MEAN", [1, NAN, NAN, 0])
    check(tiny, "CLOSED_MONTHS_BALANCE_MIN_MIN", [-6, NAN, NAN, -1])
    meta = tiny.metadata.set_index("feature").loc["ACTIVE_STATUS_1_SHARE_MEAN"]
    assert (meta["table"], meta["column"], meta["level"]) == ("bureau_balance", "STATUS", "1")
    assert (meta["inner_aggregation"], meta["aggregation"], meta["subset"]) == (
        "share", "mean", "active")


def test_bureau_balance_needs_bureau_and_bureau_works_alone():
    tables = tiny_tables()
    del tables["bureau"]
    alone = build_features(tables)
    assert not any(n.startswith(("BURO_", "ACTIVE_", "CLOSED_")) for n in alone.frame)
    tables = tiny_tables()
    del tables["bureau_balance"]
    features = build_features(tables)
    assert "BURO_MONTHS_COUNT_MEAN" not in features.frame
    assert not (features.metadata["table"] == "bureau_balance").any()
    check(features, "BURO_AMT_CREDIT_SUM_SUM", [6000, NAN, NAN, 700])


# ------------------------------------------------------------------------------ previous
def test_previous_subsets(tiny):
    check(tiny, "PREV_COUNT", [3, 1, 0, 0])
    check(tiny, "PREV_APPROVED_COUNT", [2, 0, 0, 0])
    check(tiny, "PREV_REFUSED_COUNT", [1, 0, 0, 0])
    check(tiny, "PREV_AMT_ANNUITY_MEAN", [150, NAN, NAN, NAN])
    check(tiny, "PREV_APPROVED_AMT_ANNUITY_MEAN", [200, NAN, NAN, NAN])
    check(tiny, "PREV_REFUSED_AMT_ANNUITY_MEAN", [50, NAN, NAN, NAN])
    check(tiny, "PREV_DAYS_DECISION_MIN", [-30, -5, NAN, NAN])
    check(tiny, "PREV_CNT_PAYMENT_SUM", [18, NAN, NAN, NAN])
    check(tiny, "PREV_APPROVED_CNT_PAYMENT_SUM", [18, NAN, NAN, NAN])


def test_previous_asked_over_granted_and_sentinels(tiny):
    # AMT_APPLICATION / AMT_CREDIT: 1000/800, 500/0 (missing), 600/600
    check(tiny, "PREV_APP_CREDIT_PERC_MEAN", [1.125, NAN, NAN, NAN])
    check(tiny, "PREV_APP_CREDIT_PERC_MAX", [1.25, NAN, NAN, NAN])
    check(tiny, "PREV_APP_CREDIT_PERC_VAR", [0.03125, NAN, NAN, NAN])
    check(tiny, "PREV_REFUSED_APP_CREDIT_PERC_MEAN", [NAN, NAN, NAN, NAN])
    check(tiny, "PREV_DAYS_FIRST_DRAWING_MAX", [-30, NAN, NAN, NAN])  # 365243 dropped
    check(tiny, "PREV_DAYS_TERMINATION_MAX", [NAN, NAN, NAN, NAN])  # only a sentinel
    meta = tiny.metadata.set_index("feature").loc["PREV_APP_CREDIT_PERC_MEAN"]
    assert meta["derived_from"] == ["AMT_APPLICATION", "AMT_CREDIT"]


def test_previous_category_shares(tiny):
    check(tiny, "PREV_NAME_CONTRACT_TYPE_Cash_loans_SHARE", [2 / 3, 0, NAN, NAN])
    check(tiny, "PREV_NAME_CONTRACT_TYPE_Consumer_loans_SHARE", [1 / 3, 0, NAN, NAN])
    check(tiny, "PREV_NAME_CONTRACT_STATUS_Refused_SHARE", [1 / 3, 0, NAN, NAN])
    check(tiny, "PREV_NAME_CONTRACT_STATUS_Canceled_SHARE", [0, 1, NAN, NAN])
    meta = tiny.metadata.set_index("feature").loc["PREV_NAME_CONTRACT_TYPE_Cash_loans_SHARE"]
    assert (meta["column"], meta["level"], meta["aggregation"]) == (
        "NAME_CONTRACT_TYPE", "Cash loans", "share")
    levels = get_spec("previous_application").column("NAME_PORTFOLIO").levels
    shares = [n for n in tiny.frame if n.startswith("PREV_NAME_PORTFOLIO_")]
    assert len(shares) == len(levels)


# ------------------------------------------------------------------------------- monthly
def test_pos_cash(tiny):
    check(tiny, "POS_COUNT", [3, 0, 0, 1])
    check(tiny, "POS_SK_DPD_MAX", [5, NAN, NAN, 2])
    check(tiny, "POS_SK_DPD_MEAN", [5 / 3, NAN, NAN, 2])
    check(tiny, "POS_MONTHS_BALANCE_MIN", [-3, NAN, NAN, -1])
    check(tiny, "POS_CNT_INSTALMENT_MEAN", [12, NAN, NAN, NAN])
    check(tiny, "POS_NAME_CONTRACT_STATUS_Completed_SHARE", [1 / 3, NAN, NAN, 0])
    check(tiny, "POS_NAME_CONTRACT_STATUS_Signed_SHARE", [0, NAN, NAN, 1])


def test_installments_derived_quantities(tiny):
    # client 101: (due -30, paid -35, 100 of 100), (due -60, paid -50, 50 of 100),
    #             (due -90, never paid, 20 of 0); client 102: one unpaid instalment
    check(tiny, "INSTAL_COUNT", [3, 1, 0, 0])
    check(tiny, "INSTAL_DPD_MAX", [10, NAN, NAN, NAN])
    check(tiny, "INSTAL_DPD_MEAN", [5, NAN, NAN, NAN])
    check(tiny, "INSTAL_DPD_SUM", [10, NAN, NAN, NAN])
    check(tiny, "INSTAL_DBD_SUM", [5, NAN, NAN, NAN])
    check(tiny, "INSTAL_DBD_MAX", [5, NAN, NAN, NAN])
    check(tiny, "INSTAL_PAYMENT_PERC_MEAN", [0.75, NAN, NAN, NAN])  # 20/0 -> missing
    check(tiny, "INSTAL_PAYMENT_PERC_SUM", [1.5, NAN, NAN, NAN])
    check(tiny, "INSTAL_PAYMENT_PERC_VAR", [0.125, NAN, NAN, NAN])
    check(tiny, "INSTAL_PAYMENT_DIFF_SUM", [30, NAN, NAN, NAN])
    check(tiny, "INSTAL_PAYMENT_DIFF_MAX", [50, NAN, NAN, NAN])
    check(tiny, "INSTAL_AMT_PAYMENT_MIN", [20, NAN, NAN, NAN])
    check(tiny, "INSTAL_AMT_INSTALMENT_SUM", [200, 100, NAN, NAN])
    check(tiny, "INSTAL_NUM_INSTALMENT_VERSION_NUNIQUE", [2, 1, NAN, NAN])
    meta = tiny.metadata.set_index("feature").loc["INSTAL_DPD_MAX"]
    assert meta["derived_from"] == ["DAYS_ENTRY_PAYMENT", "DAYS_INSTALMENT"]


def test_credit_card(tiny):
    check(tiny, "CC_COUNT", [0, 2, 0, 0])
    check(tiny, "CC_AMT_BALANCE_MEAN", [NAN, 2000, NAN, NAN])
    check(tiny, "CC_AMT_BALANCE_SUM", [NAN, 4000, NAN, NAN])
    check(tiny, "CC_AMT_BALANCE_VAR", [NAN, 2_000_000, NAN, NAN])
    check(tiny, "CC_AMT_BALANCE_MIN", [NAN, 1000, NAN, NAN])
    check(tiny, "CC_AMT_CREDIT_LIMIT_ACTUAL_MAX", [NAN, 5000, NAN, NAN])
    check(tiny, "CC_CNT_DRAWINGS_CURRENT_SUM", [NAN, 3, NAN, NAN])
    check(tiny, "CC_SK_DPD_MAX", [NAN, 3, NAN, NAN])
    check(tiny, "CC_NAME_CONTRACT_STATUS_Active_SHARE", [NAN, 1, NAN, NAN])


# --------------------------------------------------------------------------------- rules
def test_client_without_child_rows_missing_except_counts(tiny):
    row = tiny.frame.set_index("SK_ID_CURR").loc[103]
    meta = tiny.metadata[tiny.metadata["table"] != "application"]
    counts = meta.loc[meta["aggregation"] == "count", "feature"]
    others = meta.loc[meta["aggregation"] != "count", "feature"]
    assert (row[counts] == 0).all()
    assert row[others].astype(float).isna().all()
    assert all(tiny.frame[c].dtype == np.int64 for c in counts)


def test_rows_train_then_test_no_client_lost_or_duplicated(tiny):
    assert list(tiny.frame["SK_ID_CURR"]) == CLIENTS  # orphan bureau row of 999 ignored
    assert tiny.frame["TARGET"].tolist()[:3] == [0, 1, 0]
    assert np.isnan(tiny.frame["TARGET"].iloc[3])


def test_identical_columns_for_train_and_test(synthetic):
    both = build_features(synthetic)
    only_train = build_features({k: v for k, v in synthetic.items()
                                 if k != "application_test"})
    assert list(both.frame.columns) == list(only_train.frame.columns)
    n_train = len(synthetic["application_train"])
    assert both.frame["TARGET"].iloc[n_train:].isna().all()
    assert both.frame["TARGET"].iloc[:n_train].notna().all()
    # a test client's features do not depend on being built with the training clients
    pd.testing.assert_frame_equal(both.frame.iloc[:n_train].reset_index(drop=True),
                                  only_train.frame, check_categorical=False)


def test_target_is_not_used(synthetic, synthetic_features):
    tables = dict(synthetic)
    train = tables["application_train"].copy()
    train["TARGET"] = np.random.default_rng(0).permutation(train["TARGET"].to_numpy())
    tables["application_train"] = train
    shuffled = build_features(tables)
    names = synthetic_features.feature_names
    pd.testing.assert_frame_equal(shuffled.frame[names], synthetic_features.frame[names])


def test_deterministic_and_independent_of_row_order(synthetic, synthetic_features):
    again = build_features(synthetic)
    pd.testing.assert_frame_equal(again.frame, synthetic_features.frame)
    shuffled = {name: (frame if name.startswith("application") else
                       frame.sample(frac=1.0, random_state=1).reset_index(drop=True))
                for name, frame in synthetic.items()}
    pd.testing.assert_frame_equal(build_features(shuffled).frame, synthetic_features.frame,
                                  rtol=1e-9)


def test_no_infinite_value(tiny, synthetic_features):
    for features in (tiny, synthetic_features):
        numbers = features.frame.select_dtypes("number").to_numpy(dtype=float)
        assert not np.isinf(numbers).any()


def test_no_sentinel_left_in_synthetic_data(synthetic, synthetic_features):
    assert (synthetic["application_train"]["DAYS_EMPLOYED"] == S).any()  # the data has some
    assert (synthetic["previous_application"]["DAYS_FIRST_DUE"] == S).any()
    numbers = synthetic_features.frame.select_dtypes("number")
    assert not (numbers == S).any().any()


def _reference(tables, meta: pd.Series) -> pd.Series:
    """A pandas-groupby reference for one aggregate of a raw column (kernel style)."""
    filters = {"active": ("CREDIT_ACTIVE", "Active"), "closed": ("CREDIT_ACTIVE", "Closed"),
               "approved": ("NAME_CONTRACT_STATUS", "Approved"),
               "refused": ("NAME_CONTRACT_STATUS", "Refused")}
    dates = {"bureau": "DAYS_CREDIT", "previous_application": "DAYS_DECISION",
             "installments_payments": "DAYS_INSTALMENT"}  # else MONTHS_BALANCE
    windows = {"last_6m": (-182, -6), "last_12m": (-365, -12)}
    frame = tables[meta["table"]]
    if meta["subset"] in filters:
        column, level = filters[meta["subset"]]
        frame = frame[frame[column] == level]
    if meta["subset"] in windows:
        days, months = windows[meta["subset"]]
        date = dates.get(meta["table"], "MONTHS_BALANCE")
        frame = frame[frame[date] >= (months if date == "MONTHS_BALANCE" else days)]
    values = frame[meta["column"]].astype(float)
    spec = get_spec(meta["table"]).column(meta["column"])
    if spec.sentinel is not None:
        values = values.mask(values == spec.sentinel)
    grouped = values.groupby(frame["SK_ID_CURR"])
    how = meta["aggregation"]
    return grouped.sum(min_count=1) if how == "sum" else grouped.agg(how)


def test_aggregates_match_a_pandas_groupby_reference(synthetic, synthetic_features):
    meta = synthetic_features.metadata
    plain = meta[meta["table"].isin(["bureau", "previous_application", "POS_CASH_balance",
                                     "installments_payments", "credit_card_balance"])
                 & meta["aggregation"].isin(["min", "max", "mean", "sum", "var"])
                 & meta.apply(lambda r: r["derived_from"] == [r["column"]], axis=1)]
    assert len(plain) > 250
    frame = synthetic_features.frame.set_index("SK_ID_CURR")
    for _, row in plain.iterrows():
        expected = _reference(synthetic, row).reindex(frame.index)
        np.testing.assert_allclose(frame[row["feature"]].to_numpy(), expected.to_numpy(),
                                   rtol=1e-7, atol=1e-6, err_msg=row["feature"])


# ------------------------------------------------------------------------ absent tables
@pytest.mark.parametrize("absent", [t for t in TABLE_NAMES if t != "application_train"])
def test_each_optional_table_may_be_absent(absent, tiny):
    tables = tiny_tables()
    del tables[absent]
    features = build_features(tables)
    assert features.feature_names == list(feature_metadata(tables)["feature"])
    gone = set(tiny.feature_names) - set(features.feature_names)
    expected_gone = {"bureau": ("bureau", "bureau_balance")}.get(absent, (absent,))
    assert set(tiny.metadata.loc[tiny.metadata["feature"].isin(gone), "table"]) == (
        set(expected_gone) if absent != "application_test" else set())


def test_empty_child_tables_give_counts_of_zero_and_missing_values(tiny):
    tables = {name: (frame if name.startswith("application") else frame.iloc[:0])
              for name, frame in tiny_tables().items()}
    features = build_features(tables)
    assert features.feature_names == tiny.feature_names
    check(features, "BURO_COUNT", [0, 0, 0, 0])
    check(features, "PREV_NAME_CONTRACT_TYPE_Cash_loans_SHARE", [NAN, NAN, NAN, NAN])
    check(features, "INSTAL_DPD_SUM", [NAN, NAN, NAN, NAN])


def test_only_application_train():
    tables = {"application_train": tiny_tables()["application_train"]}
    features = build_features(tables)
    assert list(features.frame["SK_ID_CURR"]) == [101, 102, 103]
    assert set(features.metadata["table"]) == {"application"}
    assert len(features.feature_names) == len(get_spec("application_train").columns) - 2 + 18


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="application_train is required"):
        build_features({"bureau": tiny_tables()["bureau"]})
    with pytest.raises(ValueError, match="unknown table name.*'burro'"):
        build_features({**tiny_tables(), "burro": pd.DataFrame()})
    tables = tiny_tables()
    tables["bureau"] = tables["bureau"].drop(columns="AMT_CREDIT_SUM")
    with pytest.raises(ValueError, match=r"tables\['bureau'\]: missing column.*AMT_CREDIT_SUM"):
        build_features(tables)
    tables = tiny_tables()
    tables["application_test"] = tables["application_test"].assign(SK_ID_CURR=101)
    with pytest.raises(ValueError, match="SK_ID_CURR must be unique.*101"):
        build_features(tables)
    with pytest.raises(TypeError, match="expected a mapping"):
        build_features([tiny_tables()["application_train"]])


# ------------------------------------------------------------------------------ metadata
def test_metadata_one_row_per_feature_column(tiny, synthetic_features):
    for features in (tiny, synthetic_features):
        columns = list(features.frame.columns[2:])
        assert list(features.frame.columns[:2]) == ["SK_ID_CURR", "TARGET"]
        assert list(features.metadata["feature"]) == columns
        assert features.metadata["feature"].is_unique
        assert list(features.metadata.columns) == list(FIELDS)
    assert feature_metadata().equals(tiny.metadata)  # known without the data


def test_metadata_fields_are_consistent(tiny):
    names = {t: set(get_spec(t).names) for t in TABLE_NAMES}
    names["application"] = names["application_train"]
    prefixes = {"bureau": ("BURO_", "ACTIVE_", "CLOSED_"),
                "bureau_balance": ("BURO_", "ACTIVE_", "CLOSED_"),
                "previous_application": ("PREV_",), "POS_CASH_balance": ("POS_",),
                "installments_payments": ("INSTAL_",), "credit_card_balance": ("CC_",)}
    for row in tiny.metadata.to_dict("records"):
        name, table = row["feature"], row["table"]
        assert table in names, name
        assert set(row["derived_from"]) <= names[table], name
        if row["column"] in names[table]:
            assert row["derived_from"] == [row["column"]], name
        assert row["kind"] in ("numeric", "categorical")
        if table == "application":
            assert row["subset"] is None and row["level"] is None, name
            assert row["aggregation"] in (None, "ratio", "combination"), name
            assert (row["aggregation"] is None) == (row["derived_from"] == [row["column"]])
            continue
        assert name.startswith(prefixes[table]), name
        assert row["aggregation"] in AGGREGATIONS and row["subset"] in SUBSETS, name
        assert re.fullmatch(r"[A-Z0-9_]+_(MIN|MAX|MEAN|SUM|VAR|COUNT|NUNIQUE|TREND|LAST)"
                            r"|.+_(SHARE|COUNT|LAST)", name)
        by_level = ("share" in (row["aggregation"], row["inner_aggregation"])
                    or (row["aggregation"] in ("count", "last") and row["column"] != "ROWS"
                        and row["column"] in names[table]
                        and get_spec(table).column(row["column"]).kind == "cat"))
        assert (row["level"] is not None) == by_level, name
        if row["level"] is not None:
            assert row["level"] in get_spec(table).column(row["column"]).levels, name
        assert (row["inner_aggregation"] is not None) == (table == "bureau_balance"), name
        assert row["kind"] == "numeric", name


def test_feature_count_by_family(tiny):
    counts = tiny.metadata.groupby("table", sort=False).size().to_dict()
    assert counts["application"] == 138  # 124 columns, 9 ratios, 9 combinations
    assert sum(counts.values()) == len(tiny.feature_names) == 759
