"""Percentiles: the mid-rank definition, ties, missing values, the sorted fast path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.compare import SortedColumns, SortedReference, percentile, rank_shares

NAN = np.nan


@pytest.mark.parametrize("value, reference, expected", [
    (3, [1, 2, 3, 4], 62.5),          # 2 below + half of 1 tie, out of 4
    (2, [1, 2, 2, 3], 50.0),          # 1 below + half of 2 ties
    (0, [1, 2, 3], 0.0),              # below everything
    (9, [1, 2, 3], 100.0),            # above everything
    (5, [5, 5, 5, 5], 50.0),          # everybody shares the value: the middle
    (1, [1, 2, 3, 4, 5], 10.0),       # the smallest of n distinct values: 50 / n
    (3, [1, NAN, 3, NAN, 5], 50.0),   # missing reference values are left out
    (2.5, pd.Series([1, 2, 3, 4], dtype="Int64"), 50.0),
])
def test_midrank_percentile(value, reference, expected):
    assert percentile(value, reference) == pytest.approx(expected)
    assert SortedReference(reference).percentile(value) == pytest.approx(expected)


def test_missing_value_or_empty_reference():
    assert np.isnan(percentile(NAN, [1, 2]))
    assert np.isnan(percentile(None, [1, 2]))
    assert np.isnan(percentile(1, [NAN, NAN]))
    assert np.isnan(SortedReference([]).percentile(1.0))
    assert np.isnan(rank_shares(NAN, [1, 2]).below)


def test_rank_shares():
    s = rank_shares(0, [0, 0, 0, 0, 0, 0, 0, 1, 2, 3])
    assert (s.below, s.equal, s.above, s.n) == (0.0, 70.0, 30.0, 10)
    assert s.percentile == pytest.approx(35.0)
    assert SortedReference([0, 0, 0, 0, 0, 0, 0, 1, 2, 3]).shares(0) == s


def test_sorted_reference_agrees_with_the_definition_and_is_symmetric():
    rng = np.random.default_rng(1)
    reference = rng.integers(0, 20, 1000).astype(float)  # many ties
    reference[rng.random(1000) < 0.1] = NAN
    values = np.r_[rng.integers(-2, 22, 50), NAN].astype(float)
    fast = SortedReference(reference).percentile(values)
    slow = np.array([percentile(v, reference) for v in values])
    np.testing.assert_allclose(fast, slow)
    flipped = SortedReference(-reference).percentile(-values)
    np.testing.assert_allclose(flipped[:-1], 100 - fast[:-1])
    for v in values[:-1]:
        s = rank_shares(v, reference)
        assert s.below + s.equal + s.above == pytest.approx(100)


def test_categories_have_no_percentile():
    with pytest.raises(TypeError, match="numbers"):
        percentile("F", pd.Series(["F", "M"], dtype="category"))
    with pytest.raises(TypeError, match="numbers"):
        SortedReference(pd.Series(["a", "b"]))


def test_sorted_columns_match_the_definition():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"a": rng.integers(0, 5, 300).astype(float),
                          "b": rng.normal(size=300), "c": np.full(300, NAN)})
    frame.loc[::7, "a"] = NAN
    columns = SortedColumns(frame)
    assert "a" in columns and "z" not in columns
    for value in (0.0, 2.0, 4.0, 9.0, -1.0):
        expected = rank_shares(value, frame["a"])
        got = columns.shares("a", value)
        assert (got.below, got.equal, got.above, got.n) == pytest.approx(
            (expected.below, expected.equal, expected.above, expected.n))
    value = frame["b"].iloc[10]  # a float64 value found in the reference: one tie
    assert columns.shares("b", value).equal == pytest.approx(100 / 300)
    assert np.isnan(columns.shares("c", 1.0).below) and columns.shares("c", 1.0).n == 0
    assert np.isnan(columns.shares("a", NAN).percentile)


def test_sorted_columns_from_a_matrix():
    matrix = np.array([[3, NAN], [1, 2], [2, 2]], dtype=np.float32)
    columns = SortedColumns.from_matrix(["x", "y"], matrix)
    assert list(columns.n) == [3, 2]
    s = columns.shares("y", 2.0)
    assert (s.below, s.equal, s.above) == (0.0, 100.0, 0.0)
    assert columns.shares("x", 2.5).below == pytest.approx(200 / 3)
    with pytest.raises(ValueError, match="columns"):
        SortedColumns.from_matrix(["x"], matrix)
