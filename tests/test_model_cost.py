"""Business cost and the exact threshold search, on hand-made cases with exact answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.model.training.cost import (accept_all_threshold, best_threshold, business_cost,
                                    cost_curve, reference_costs)

# Six clients; two share the score 0.2 (one defaulter, one not) and two share 0.8.
Y = np.array([0, 0, 1, 1, 0, 1])
P = np.array([0.1, 0.2, 0.2, 0.8, 0.8, 0.9])


def test_cost_curve_exact_values_with_tied_scores():
    curve = cost_curve(Y, P, cost_fn=10, cost_fp=1)
    # one row per distinct score, ascending, then "accept all"
    assert curve["threshold"].tolist()[:4] == [0.1, 0.2, 0.8, 0.9]
    assert curve["threshold"].iloc[-1] > 1.0
    assert curve["tp"].tolist() == [3, 3, 2, 1, 0]
    assert curve["fp"].tolist() == [3, 2, 1, 0, 0]
    assert curve["fn"].tolist() == [0, 0, 1, 2, 3]
    assert curve["tn"].tolist() == [0, 1, 2, 3, 3]
    # cost = (10 FN + 1 FP) / 6
    assert curve["cost"].tolist() == pytest.approx([3 / 6, 2 / 6, 11 / 6, 20 / 6, 30 / 6])
    assert curve["refused"].tolist() == pytest.approx([1, 5 / 6, 3 / 6, 1 / 6, 0])


def test_best_threshold_is_the_minimum_of_the_curve():
    choice = best_threshold(Y, P, cost_fn=10, cost_fp=1)
    assert choice.threshold == 0.2
    assert choice.cost == pytest.approx(2 / 6)
    assert (choice.tp, choice.fp, choice.fn, choice.tn) == (3, 2, 0, 1)
    assert choice.refused == pytest.approx(5 / 6)
    assert business_cost(Y, P, choice.threshold, 10, 1) == pytest.approx(choice.cost)


def test_with_equal_costs_the_best_threshold_changes():
    choice = best_threshold(Y, P, cost_fn=1, cost_fp=1)
    # t=0.1: 3/6, t=0.2: 2/6, t=0.8: 2/6, t=0.9: 2/6, accept all: 3/6 -> tie, highest wins
    assert choice.threshold == 0.9
    assert choice.cost == pytest.approx(2 / 6)


def test_ties_in_cost_choose_the_highest_threshold():
    y = np.array([0, 1, 0, 1])
    p = np.array([0.1, 0.2, 0.3, 0.4])
    curve = cost_curve(y, p, 1, 1)
    assert curve["cost"].tolist() == pytest.approx([0.5, 0.25, 0.5, 0.25, 0.5])
    assert best_threshold(y, p, 1, 1).threshold == 0.4


def test_accept_all_can_be_optimal_and_its_threshold_is_above_every_score():
    y = np.array([0, 0, 0, 1])
    p = np.array([0.5, 0.6, 0.7, 0.1])
    choice = best_threshold(y, p, cost_fn=1, cost_fp=1)
    assert choice.fn == 1 and choice.fp == 0
    assert choice.threshold > 1.0 and choice.threshold == accept_all_threshold(p)
    assert business_cost(y, p, choice.threshold, 1, 1) == pytest.approx(0.25)


def test_all_tied_scores():
    y = np.array([0, 1, 0])
    p = np.full(3, 0.3)
    curve = cost_curve(y, p, 10, 1)
    assert len(curve) == 2  # refuse all (threshold 0.3), accept all
    assert curve["cost"].tolist() == pytest.approx([2 / 3, 10 / 3])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_search_matches_brute_force_on_every_distinct_value(seed):
    rng = np.random.default_rng(seed)
    n = 400
    y = rng.integers(0, 2, n)
    p = np.round(rng.random(n) * 0.6 + 0.3 * y, 2)  # rounded: many ties
    curve = cost_curve(y, p, 10, 1)
    candidates = np.r_[np.unique(p), accept_all_threshold(p)]
    brute = np.array([business_cost(y, p, t, 10, 1) for t in candidates])
    assert curve["threshold"].to_numpy() == pytest.approx(candidates)
    assert curve["cost"].to_numpy() == pytest.approx(brute)
    best = best_threshold(y, p, 10, 1)
    assert best.cost == pytest.approx(brute.min())
    assert best.threshold == candidates[np.flatnonzero(brute == brute.min())[-1]]


def test_large_input_is_fast_enough():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 1_000_000)
    p = rng.random(1_000_000)
    curve = cost_curve(y, p)
    assert len(curve) == len(np.unique(p)) + 1


def test_reference_costs():
    refs = reference_costs(Y, P, 10, 1, threshold=0.2)
    assert list(refs.index) == ["accept all", "refuse all", "threshold 0.5", "best threshold"]
    assert refs.loc["accept all", "cost"] == pytest.approx(30 / 6)
    assert refs.loc["refuse all", "cost"] == pytest.approx(3 / 6)
    assert refs.loc["threshold 0.5", "cost"] == pytest.approx(11 / 6)
    assert refs.loc["best threshold", "cost"] == pytest.approx(2 / 6)
    assert refs.loc["best threshold", "saving_vs_accept_all"] == pytest.approx(1 - 2 / 30)
    assert refs.loc["refuse all", "refused"] == 1.0


@pytest.mark.parametrize("y, p, costs, message", [
    ([0, 1], [0.1], (10, 1), "same length"),
    ([0, 2], [0.1, 0.2], (10, 1), "only 0 and 1"),
    ([0, 1], [0.1, np.nan], (10, 1), "finite"),
    ([], [], (10, 1), "empty"),
    ([0, 1], [0.1, 0.2], (-1, 1), "cost_fn"),
    ([0, 1], [0.1, 0.2], (0, 0), "both be 0"),
    ([0, 1], [0.1, 0.2], (10, float("inf")), "cost_fp"),
])
def test_bad_inputs_are_refused(y, p, costs, message):
    with pytest.raises(ValueError, match=message):
        cost_curve(np.asarray(y), np.asarray(p, dtype=float), *costs)


def test_pandas_inputs_work():
    curve = cost_curve(pd.Series(Y), pd.Series(P))
    assert curve["cost"].min() == pytest.approx(2 / 6)
