"""Fairness by group: rates against hand counts and fairlearn's MetricFrame, bootstrap
intervals, the cells at every threshold; the model's curves against the cost module."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.model.training.cost import business_cost
from scoring_lib.monitor.curves import (calibration_curve, cost_by_threshold,
                                        operating_point, roc_curve, threshold_grid)
from scoring_lib.monitor.fairness import (cell_counts, cells_at_thresholds, fairness_table,
                                          protected_groups)

# 10 clients: gender, defaulted (y), refused
Y = np.array([0, 0, 1, 0, 1, 0, 0, 1, 1, 0])
REFUSED = np.array([0, 0, 0, 1, 1, 0, 1, 1, 0, 0], dtype=bool)
GENDER = ["F", "F", "F", "F", "F", "M", "M", "M", "M", "M"]


def test_protected_groups_from_the_applications():
    apps = pd.DataFrame({"CODE_GENDER": ["F", "M", None],
                         "DAYS_BIRTH": [-20 * 365.25 - 1, -40 * 365.25, -70 * 365.25],
                         "NAME_FAMILY_STATUS": ["Married", "Widow", "Married"],
                         "CNT_CHILDREN": [0, 5, np.nan]})
    groups = protected_groups(apps)
    assert groups["gender"].tolist() == ["F", "M", "(missing)"]
    assert groups["age_band"].tolist() == ["18-24", "35-44", "65+"]
    assert groups["family_status"].tolist() == ["Married", "Widow", "Married"]
    assert groups["children"].tolist() == ["0", "3+", "(missing)"]


def test_rates_against_hand_counts():
    groups = pd.DataFrame({"gender": GENDER})
    table = fairness_table(cell_counts(Y, REFUSED, groups), n_boot=300).set_index("group")
    f, m = table.loc["F"], table.loc["M"]
    # F: granted 0,1,2 (y 0,0,1), refused 3 (good), 4 (bad)
    assert (f["granted_good"], f["granted_bad"], f["refused_good"], f["refused_bad"]) == (
        2, 1, 1, 1)
    assert f["approval_rate"] == pytest.approx(3 / 5)
    assert f["default_rate_granted"] == pytest.approx(1 / 3)
    assert f["false_negative_rate"] == pytest.approx(1 / 2)   # defaulters granted
    assert f["false_positive_rate"] == pytest.approx(1 / 3)   # good clients refused
    # M: granted 5 (good), 8 (bad), 9 (good); refused 6 (good), 7 (bad)
    assert m["approval_rate"] == pytest.approx(3 / 5)
    assert m["false_positive_rate"] == pytest.approx(1 / 3)
    assert m["n"] == 5 and f["n"] == 5
    assert f["approval_ratio"] == pytest.approx(1.0) and not f["below_four_fifths"]


def test_ratio_four_fifths_and_intervals_contain_the_point():
    rng = np.random.default_rng(0)
    n = 4000
    gender = rng.choice(["F", "M"], n)
    y = rng.binomial(1, 0.08, n)
    proba = np.clip(rng.beta(2, 20, n) + 0.05 * y + 0.03 * (gender == "M"), 0, 1)
    refused = proba >= 0.12
    table = fairness_table(cell_counts(y, refused, pd.DataFrame({"gender": gender})),
                           n_boot=400).set_index("group")
    approval = {g: 1 - refused[gender == g].mean() for g in ("F", "M")}
    top = max(approval, key=approval.get)
    other = min(approval, key=approval.get)
    assert table.loc[other, "reference_group"] == top
    assert table.loc[other, "approval_ratio"] == pytest.approx(approval[other] / approval[top])
    assert table.loc[other, "below_four_fifths"] == (approval[other] / approval[top] < 0.8)
    for group, row in table.iterrows():
        for rate in ("approval_rate", "default_rate_granted", "false_negative_rate",
                     "false_positive_rate", "approval_ratio"):
            assert row[f"{rate}_low"] <= row[rate] <= row[f"{rate}_high"], (group, rate)
        assert row["approval_rate_high"] - row["approval_rate_low"] < 0.06


def test_point_rates_agree_with_fairlearn_metricframe():
    from fairlearn.metrics import (MetricFrame, false_negative_rate, false_positive_rate,
                                   selection_rate)

    rng = np.random.default_rng(3)
    n = 2000
    groups = pd.DataFrame({"family_status": rng.choice(["a", "b", "c"], n)})
    y = rng.binomial(1, 0.1, n)
    refused = rng.uniform(size=n) < 0.2 + 0.3 * y
    table = fairness_table(cell_counts(y, refused, groups), n_boot=50).set_index("group")
    frame = MetricFrame(metrics={"refusal": selection_rate,
                                 "fpr": false_positive_rate, "fnr": false_negative_rate},
                        y_true=y, y_pred=refused.astype(int),
                        sensitive_features=groups["family_status"]).by_group
    for g in ("a", "b", "c"):
        assert table.loc[g, "approval_rate"] == pytest.approx(1 - frame.loc[g, "refusal"])
        assert table.loc[g, "false_positive_rate"] == pytest.approx(frame.loc[g, "fpr"])
        # fairlearn's FNR with refusal as the positive prediction = defaulters granted
        assert table.loc[g, "false_negative_rate"] == pytest.approx(frame.loc[g, "fnr"])


def test_cells_at_thresholds_match_the_decisions():
    rng = np.random.default_rng(4)
    y = rng.binomial(1, 0.2, 500)
    p = rng.uniform(size=500)
    groups = pd.DataFrame({"gender": rng.choice(["F", "M"], 500)})
    grid = [0.0, 0.3, 0.5, 1.01]
    cells = cells_at_thresholds(y, p, groups, grid)
    for j, t in enumerate(grid):
        direct = cell_counts(y, p >= t, groups)
        assert cells[:, j, :].tolist() == direct[["granted_good", "granted_bad",
                                                  "refused_good", "refused_bad"]
                                                 ].to_numpy().tolist()


def test_curves_agree_with_the_cost_module():
    rng = np.random.default_rng(5)
    y = rng.binomial(1, 0.1, 3000)
    p = np.clip(rng.beta(2, 15, 3000) + 0.1 * y, 0, 1)
    t = float(np.quantile(p, 0.7))
    grid = threshold_grid(p, t)
    assert t in grid and grid[0] == 0.0 and grid[-1] > 1
    costs = cost_by_threshold(y, p, grid, 10.0, 1.0)
    i = int(np.flatnonzero(grid == t)[0])
    assert costs["cost"][i] == pytest.approx(business_cost(y, p, t, 10.0, 1.0))
    assert costs["approval_rate"][i] == pytest.approx(float((p < t).mean()))
    assert costs["cost"][0] == pytest.approx(costs["refuse_all"])
    assert costs["cost"][-1] == pytest.approx(costs["accept_all"])
    op = operating_point(y, p, t)
    assert op["tp"] == int(((p >= t) & (y == 1)).sum())
    assert op["fpr"] == pytest.approx(((p >= t) & (y == 0)).sum() / (y == 0).sum())
    from sklearn.metrics import roc_auc_score

    assert roc_curve(y, p)["auc"] == pytest.approx(roc_auc_score(y, p))
    cal = calibration_curve(y, p, bins=5)
    assert sum(cal["n"]) == 3000
    assert np.average(cal["observed"], weights=cal["n"]) == pytest.approx(y.mean())
