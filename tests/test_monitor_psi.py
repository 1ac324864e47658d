"""Population stability index: hand-computed values, the fixed bins, the bands and the
sample-size rule (scoring_lib.monitor.psi, drift)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring_lib.monitor.drift import drift_report, reference_profile
from scoring_lib.monitor.psi import (Reference, band_of, compare, critical_psi,
                                     no_drift_p_value, psi_value, reference_bins)


def test_psi_of_counts_by_hand():
    # shares 0.5/0.5 against 0.25/0.75: (0.25-0.5)ln(0.25/0.5) + (0.75-0.5)ln(0.75/0.5)
    expected = 0.25 * math.log(2) + 0.25 * math.log(1.5)
    assert psi_value([50, 50], [25, 75]) == pytest.approx(expected)
    assert psi_value([10, 20, 30], [10, 20, 30]) == 0.0
    # symmetric in its two arguments
    assert psi_value([25, 75], [50, 50]) == pytest.approx(expected)
    # an empty bin counts as a share of 1e-4 (no infinite value)
    assert psi_value([100, 0], [90, 10]) == pytest.approx(
        (0.9 - 1) * math.log(0.9) + (0.1 - 1e-4) * math.log(0.1 / 1e-4))
    with pytest.raises(ValueError, match="same bins"):
        psi_value([1, 2], [1, 2, 3])


def test_numeric_bins_are_reference_quantiles_with_missing_apart():
    ref = reference_bins(pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, np.nan, np.nan]),
                         bins=5)
    assert ref.kind == "numeric"
    assert ref.edges == [2.0, 4.0, 6.0, 8.0]       # observed values (inverted_cdf)
    assert ref.counts == [2, 2, 2, 2, 2, 2]          # five intervals, then missing
    assert ref.labels()[-1] == "(missing)"
    # new values in the same bins: 3 up to 2, 2.8 in (2, 4], 4 missing
    counts, unseen = ref.count([0.0, 1, 2, 2.8, 100, np.nan, np.nan, np.nan, np.nan])
    assert counts.tolist() == [3, 1, 0, 0, 1, 4] and unseen == {}
    # the PSI of compare() is the one of those counts, by hand
    e = np.array([2, 2, 2, 2, 2, 2]) / 12
    a = np.maximum(np.array([3, 1, 0, 0, 1, 4]) / 9, 1e-4)
    result = compare(ref, [0.0, 1, 2, 2.8, 100, np.nan, np.nan, np.nan, np.nan])
    assert result.psi == pytest.approx(float(np.sum((a - e) * np.log(a / e))))
    assert (result.n_reference, result.n_new, result.bins) == (12, 9, 6)


def test_a_variable_with_few_values_gets_few_bins():
    ref = reference_bins(np.r_[np.zeros(90), np.ones(10)])
    assert ref.edges == [0.0]                        # two bins (0, then above), missing
    assert ref.counts == [90, 10, 0]
    counts, _ = ref.count(np.r_[np.zeros(50), np.ones(50)])
    assert counts.tolist() == [50, 50, 0]


def test_a_list_of_text_is_binned_by_level():
    ref = reference_bins(["a", "b", "a", None])   # a plain list: no dtype to read
    assert ref.kind == "categorical" and ref.levels == ["a", "b"]
    assert ref.counts == [2, 1, 1, 0]
    result = compare(ref, ["a", "c", "c", "b"])
    assert result.unseen == {"c": 2} and result.psi > 1


def test_categories_by_level_and_unseen_reported():
    ref = reference_bins(pd.Series(["a", "a", "b", None], dtype="category"))
    assert ref.kind == "categorical" and ref.levels == ["a", "b"]
    assert ref.counts == [2, 1, 1, 0]                 # a, b, missing, unseen
    result = compare(ref, pd.Series(["a", "c", "c", "d", None]))
    assert result.unseen == {"c": 2, "d": 1}
    e = np.maximum(np.array([2, 1, 1, 0]) / 4, 1e-4)
    a = np.maximum(np.array([1, 0, 1, 3]) / 5, 1e-4)
    assert result.psi == pytest.approx(float(np.sum((a - e) * np.log(a / e))))
    # round trip through JSON-ready dicts
    assert Reference.from_dict(ref.to_dict()) == ref


def test_bands_and_the_sample_size_rule():
    assert [band_of(v) for v in (0.0, 0.0999, 0.1, 0.25, 0.2501)] == [
        "stable", "stable", "watch", "act", "act"]
    # 10 bins, 100 new clients: chance alone gives ~0.09; significance needs ~0.22
    assert critical_psi(10, 300_000, 100) == pytest.approx(21.666 * (1 / 300_000 + 1 / 100),
                                                          rel=1e-3)
    # Pearson's test by hand on a 2 x 2 table: [[30, 70], [50, 50]]
    from scipy.stats import chi2

    fitted = np.array([[40, 60], [40, 60]])
    statistic = float(((np.array([[30, 70], [50, 50]]) - fitted) ** 2 / fitted).sum())
    assert no_drift_p_value([30, 70], [50, 50]) == pytest.approx(chi2.sf(statistic, 1))
    # the same shares as a few clients or as many: only the many are significant
    assert no_drift_p_value([30_000, 70_000], [5, 5]) > 0.01
    assert no_drift_p_value([30_000, 70_000], [5_000, 5_000]) < 1e-12
    # an empty new bin does not make a small batch significant (PSI alone would say act)
    ref_counts = [100_000] * 10
    small = [10, 10, 10, 10, 10, 10, 10, 10, 10, 0]
    assert band_of(psi_value(ref_counts, small)) == "act"
    assert no_drift_p_value(ref_counts, small) > 0.01
    rng = np.random.default_rng(0)
    ref = reference_bins(rng.normal(size=50_000))
    small = rng.normal(0.3, 1, size=60)            # a real shift, but 60 clients
    result = compare(ref, small)
    assert result.band_by_value in ("watch", "act") or result.psi >= 0.05
    if result.p_value >= 0.01:
        assert result.band == "stable"
    big = compare(ref, rng.normal(0.6, 1, size=20_000))
    assert big.band == "act" and big.p_value < 1e-6


def test_same_population_is_stable_at_any_size():
    rng = np.random.default_rng(1)
    ref = reference_bins(rng.gamma(2.0, size=100_000))
    for n in (30, 200, 5_000, 50_000):
        assert compare(ref, rng.gamma(2.0, size=n)).band == "stable", n


def test_drift_report_orders_features_and_bands_the_score():
    rng = np.random.default_rng(2)
    n = 20_000
    ref = pd.DataFrame({"x": rng.normal(size=n), "y": rng.uniform(size=n),
                        "c": pd.Categorical(rng.choice(["u", "v"], n))})
    profile = reference_profile(ref, score=rng.uniform(size=n), categorical=["c"])
    new = pd.DataFrame({"x": rng.normal(1.0, 1, size=5000), "y": rng.uniform(size=5000),
                        "c": pd.Categorical(rng.choice(["u", "v", "w"], 5000, p=[.49, .49, .02]))})
    report = drift_report(profile, new, score=rng.uniform(size=5000))
    names = [r["feature"] for r in report["features"]]
    assert names[0] == "x" and report["features"][0]["band"] == "act"
    psis = [r["psi"] for r in report["features"]]
    assert psis == sorted(psis, reverse=True)
    assert {r["feature"]: r["band"] for r in report["features"]}["y"] == "stable"
    assert 50 < report["unseen_categories"]["c"]["w"] < 150
    assert report["score_band"] == "stable" and report["n_new"] == 5000
    assert report["n_reference"] == n
    with pytest.raises(ValueError, match="missing from the new data, e.g. y"):
        drift_report(profile, new.drop(columns="y"))
