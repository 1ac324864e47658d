"""A client against a reference group: quantiles, histograms by outcome, percentiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.compare import compare
from scoring_lib.compare.distributions import HISTOGRAM_COLUMNS, QUANTILES

NAN = np.nan


@pytest.fixture
def reference():
    rng = np.random.default_rng(0)
    n = 1000
    income = rng.lognormal(11.5, 0.5, n)
    income[:50] = NAN
    return pd.DataFrame({
        "AMT_INCOME_TOTAL": income,
        "CNT_CHILDREN": rng.integers(0, 4, n),
        "NAME_INCOME_TYPE": pd.Categorical(rng.choice(["Working", "Pensioner", "Student"], n,
                                                      p=[0.6, 0.3, 0.1])),
        "TARGET": np.where(np.arange(n) < 900, rng.integers(0, 2, n), NAN),
    })


def test_numeric_summary(reference):
    client = pd.Series({"AMT_INCOME_TOTAL": 120_000.0, "CNT_CHILDREN": 1,
                        "NAME_INCOME_TYPE": "Pensioner"})
    c = compare(client, reference, ["AMT_INCOME_TOTAL", "CNT_CHILDREN"])
    row = c.summary.loc["AMT_INCOME_TOTAL"]
    data = reference["AMT_INCOME_TOTAL"].dropna().to_numpy()
    assert row["n"] == 950 and row["n_missing"] == 50
    assert row["value"] == 120_000.0
    assert row["percentile"] == pytest.approx(100 * (data < 120_000).mean())
    for q in QUANTILES:
        assert row[f"q{int(q * 100):02d}"] == pytest.approx(np.quantile(data, q))
    assert row["mean"] == pytest.approx(data.mean())
    kids = c.summary.loc["CNT_CHILDREN"]
    ref = reference["CNT_CHILDREN"]
    assert kids["below"] == pytest.approx(100 * (ref < 1).mean())
    assert kids["equal"] == pytest.approx(100 * (ref == 1).mean())
    assert kids["percentile"] == pytest.approx(100 * ((ref < 1).mean() + (ref == 1).mean() / 2))


def test_histograms_split_by_outcome(reference):
    client = pd.Series({"AMT_INCOME_TOTAL": 1e9})  # far above: goes in the last bin
    c = compare(client, reference, ["AMT_INCOME_TOTAL"], target="TARGET", bins=10)
    h = c.histogram("AMT_INCOME_TOTAL")
    assert tuple(h.columns) == HISTOGRAM_COLUMNS
    assert len(h) == 10 and h["count"].sum() == 950
    assert (h["repaid"] + h["defaulted"] + h["unknown"] == h["count"]).all()
    known = reference.dropna(subset=["AMT_INCOME_TOTAL"])
    assert h["defaulted"].sum() == (known["TARGET"] == 1).sum()
    assert h["unknown"].sum() == known["TARGET"].isna().sum()
    assert list(h["client"]) == [False] * 9 + [True]
    assert np.allclose(h["left"].to_numpy()[1:], h["right"].to_numpy()[:-1])
    data = known["AMT_INCOME_TOTAL"]
    lo, hi = np.quantile(data, [0.01, 0.99])
    assert h["left"].iloc[0] == pytest.approx(lo) and h["right"].iloc[-1] == pytest.approx(hi)
    assert c.summary.loc["AMT_INCOME_TOTAL", "clipped"] == ((data < lo) | (data > hi)).sum()
    assert c.summary.loc["AMT_INCOME_TOTAL", "percentile"] == 100.0


def test_outcome_given_as_an_array(reference):
    client = pd.Series({"CNT_CHILDREN": 0})
    a = compare(client, reference, ["CNT_CHILDREN"], target=reference["TARGET"].to_numpy())
    b = compare(client, reference, ["CNT_CHILDREN"], target="TARGET")
    pd.testing.assert_frame_equal(a.histograms, b.histograms)
    no_target = compare(client, reference, ["CNT_CHILDREN"]).histograms
    assert no_target["repaid"].isna().all()
    assert (no_target["unknown"] == no_target["count"]).all()


def test_categorical_variable(reference):
    client = pd.Series({"NAME_INCOME_TYPE": "Pensioner"})
    c = compare(client, reference, "NAME_INCOME_TYPE", target="TARGET")
    row = c.summary.loc["NAME_INCOME_TYPE"]
    share = 100 * (reference["NAME_INCOME_TYPE"] == "Pensioner").mean()
    assert row["kind"] == "categorical" and np.isnan(row["percentile"])
    assert row["share_same"] == pytest.approx(share)
    h = c.histogram("NAME_INCOME_TYPE")
    assert list(h["level"]) == ["Working", "Pensioner", "Student"]  # most frequent first
    assert list(h["client"]) == [False, True, False]
    assert h["count"].sum() == 1000
    counts = reference["NAME_INCOME_TYPE"].value_counts()
    assert list(h["count"]) == [counts["Working"], counts["Pensioner"], counts["Student"]]


def test_missing_client_value_and_bad_arguments(reference):
    c = compare(pd.Series({"AMT_INCOME_TOTAL": NAN}), reference, ["AMT_INCOME_TOTAL"])
    assert np.isnan(c.summary.loc["AMT_INCOME_TOTAL", "percentile"])
    assert not c.histograms["client"].any()
    with pytest.raises(ValueError, match="NOPE"):
        compare(pd.Series(dtype=float), reference, ["NOPE"])
    with pytest.raises(ValueError, match="target"):
        compare(pd.Series(dtype=float), reference, ["CNT_CHILDREN"], target=[0, 1])
