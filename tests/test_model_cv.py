"""Cross-validation, calibration and selection on a small synthetic set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss

from scoring_lib.model import (Calibrator, candidate_models, check_feature_frame,
                               choose_calibration, compare_calibration, cross_fit,
                               cross_validate, make_folds, reliability_table, score_clients,
                               select_model)
from scoring_lib.model.training.calibration import METHODS


def synthetic(n=600, test=50, seed=0):
    """Defaults driven by two numbers and a category, with missing values."""
    rng = np.random.default_rng(seed)
    total = n + test
    x1, x2 = rng.normal(size=total), rng.normal(size=total)
    cat = rng.choice(["a", "b", "c"], total, p=[0.5, 0.3, 0.2])
    logit = -2.6 + 1.2 * x1 - 0.8 * x2 + np.where(cat == "c", 1.0, 0.0)
    y = (rng.random(total) < 1 / (1 + np.exp(-logit))).astype(float)
    y[n:] = np.nan
    return pd.DataFrame({
        "SK_ID_CURR": np.arange(total) + 1,
        "TARGET": y,
        "X1": np.where(rng.random(total) < 0.1, np.nan, x1),
        "X2": x2,
        "NOISE": rng.normal(size=total),
        "EMPTY": np.nan,  # a feature without any value (a rare aggregate)
        "CAT": pd.Categorical(cat, categories=["a", "b", "c"]),
    })


@pytest.fixture(scope="module")
def data():
    return check_feature_frame(synthetic(), folds=3)


@pytest.fixture(scope="module")
def cv(data):
    return cross_validate(data, candidate_models(iterations=40, seed=0), folds=3, seed=0)


def test_folds_are_stratified_and_reproducible():
    y = np.r_[np.ones(30), np.zeros(270)]
    fold = make_folds(y, 5, seed=3)
    assert np.array_equal(fold, make_folds(y, 5, seed=3))
    assert sorted(np.unique(fold)) == [0, 1, 2, 3, 4]
    for k in range(5):
        assert y[fold == k].sum() == 6 and (fold == k).sum() == 60


def test_every_training_client_gets_exactly_one_out_of_fold_prediction(cv, data):
    assert list(cv.oof.index) == list(data.X.index)
    assert cv.oof.notna().all().all()
    assert ((cv.oof >= 0) & (cv.oof <= 1)).all().all()
    assert len(cv.fold_scores) == 6 * 3


def test_every_model_beats_a_constant_predictor(cv, data):
    constant_brier = brier_score_loss(data.y, np.full(len(data.y), data.y.mean()))
    constant_cost = min(10 * data.y.mean(), 1 - data.y.mean())  # accept all or refuse all
    m = cv.metrics
    assert set(m.index) == {"logreg", "logreg_balanced", "random_forest", "hist_gbm",
                            "catboost", "catboost_balanced"}
    assert (m["auc"] > 0.7).all(), m["auc"]
    assert (m["cost"] < constant_cost).all(), m["cost"]
    # unweighted models give probabilities: their Brier score beats the constant's
    assert (m.loc[["logreg", "catboost", "hist_gbm"], "brier"] < constant_brier).all()
    # balanced class weights push probabilities up
    assert m.loc["catboost_balanced", "brier"] > m.loc["catboost", "brier"]
    for column in ("pr_auc", "threshold", "fit_seconds", "auc_fold_sd", "cost_at_0.5"):
        assert m[column].notna().all(), column


def test_calibrator_round_trip_and_methods():
    rng = np.random.default_rng(0)
    p = rng.random(500) ** 2
    y = (rng.random(500) < p * 0.5).astype(int)
    for method in METHODS:
        cal = Calibrator(method).fit(p, y)
        again = Calibrator.from_dict(cal.to_dict())
        assert np.array_equal(cal.transform(p), again.transform(p)), method
        q = cal.transform(p)
        assert ((q >= 0) & (q <= 1)).all()
    iso = Calibrator("isotonic").fit(p, y).transform(np.sort(p))
    assert (np.diff(iso) >= 0).all()  # non-decreasing
    with pytest.raises(RuntimeError, match="not fitted"):
        Calibrator("platt").transform(p)
    with pytest.raises(ValueError, match="method"):
        Calibrator("magic").fit(p, y)


def test_cross_fitting_never_uses_the_fold_it_calibrates():
    rng = np.random.default_rng(1)
    p = rng.random(300)
    y = (rng.random(300) < p).astype(int)
    fold = np.repeat([0, 1, 2], 100)
    before = cross_fit(p, y, fold, "isotonic")
    y2 = y.copy()
    y2[fold == 0] = 1 - y2[fold == 0]  # change the outcomes of fold 0 only
    after = cross_fit(p, y2, fold, "isotonic")
    assert np.array_equal(before[fold == 0], after[fold == 0])
    assert not np.array_equal(before[fold == 1], after[fold == 1])


def test_balanced_weights_need_calibration_and_get_it(cv):
    table = compare_calibration(cv.get_oof("catboost_balanced"), cv.y, cv.fold)
    assert list(table.index) == list(METHODS)
    assert choose_calibration(table) != "none"
    assert table.loc["platt", "brier"] < table.loc["none", "brier"]
    # calibrated mean probability is close to the observed default rate
    assert abs(table.loc["platt", "mean_predicted"] - cv.y.mean()) < 0.02


def test_choose_calibration():
    def table(brier, ece):
        return pd.DataFrame({"brier": brier, "ece": ece}, index=list(METHODS))

    # raw probabilities already calibrated: kept
    assert choose_calibration(table([0.0656, 0.0650, 0.0650], [0.004, 0.002, 0.002])) == "none"
    # miscalibrated: Platt lowers the ECE without raising the Brier score
    assert choose_calibration(table([0.0656, 0.0653, 0.0655], [0.014, 0.005, 0.003])) == "platt"
    # isotonic only when clearly better than Platt
    assert choose_calibration(table([0.0700, 0.0690, 0.0600], [0.02, 0.01, 0.01])) == "isotonic"
    # no method qualifies (each raises the Brier score): raw kept
    assert choose_calibration(table([0.0650, 0.0660, 0.0670], [0.02, 0.01, 0.01])) == "none"


def test_reliability_table():
    y = np.r_[np.zeros(50), np.ones(50)]
    p = np.r_[np.full(50, 0.2), np.full(50, 0.8)]
    table = reliability_table(y, p, bins=4)
    assert table["count"].sum() == 100
    assert table["observed_rate"].tolist() == [0.0, 1.0]


def test_selection_retains_a_catboost_variant_and_says_why(cv):
    selection = select_model(cv)
    assert selection.retained in ("catboost", "catboost_balanced")
    assert selection.calibration in METHODS
    assert selection.retained.startswith("catboost") and selection.verdict
    c = selection.calibrated
    assert set(c.index) == set(cv.metrics.index)
    for name in selection.beaten_by:
        assert c.loc[name, "cost"] < c.loc[selection.retained, "cost"]
    proba = selection.proba(cv)
    assert proba.shape == cv.y.shape


def test_score_clients_covers_train_and_test(cv, data):
    selection = select_model(cv)
    model = candidate_models(40, names=[selection.retained])[selection.retained].fit(data.X,
                                                                                   data.y)
    calibrator = Calibrator(selection.calibration).fit(cv.get_oof(selection.retained), cv.y)
    scores = score_clients(model, calibrator, data, 0.2,
                           oof=pd.Series(selection.proba(cv), index=data.X.index))
    assert len(scores) == data.n_train + len(data.X_test)
    assert scores["SK_ID_CURR"].is_monotonic_increasing
    assert (scores["DECISION"] == "refused").eq(scores["PROBA"] >= 0.2).all()
    test = scores["SAMPLE"] == "test"
    assert scores.loc[test, "TARGET"].isna().all() and scores.loc[test, "PROBA_OOF"].isna().all()
    assert scores.loc[~test, "PROBA_OOF"].notna().all()


def test_catboost_speed_settings_reach_catboost_and_none_keeps_its_defaults(data):
    from scoring_lib.model import CatBoostModel

    fast = CatBoostModel(iterations=5, thread_count=1).fit(data.X, data.y)
    params = fast.model_.get_all_params()
    assert params["border_count"] == 64 and params["one_hot_max_size"] == 255
    plain = CatBoostModel(iterations=5, thread_count=1, border_count=None,
                          one_hot_max_size=None).fit(data.X, data.y)
    params = plain.model_.get_all_params()
    assert params["border_count"] == 254 and params["one_hot_max_size"] < 255


def test_hist_gbm_stops_early_unless_told_not_to(data):
    from scoring_lib.model.training.estimators import hist_gbm

    stopped = hist_gbm(iterations=500).fit(data.X, data.y).named_steps["model"]
    assert stopped.n_iter_ < 500
    full = hist_gbm(iterations=60, early_stopping=False).fit(data.X, data.y)
    assert full.named_steps["model"].n_iter_ == 60


def test_baseline_settings_are_passed_to_scikit_learn():
    from scoring_lib.model.training.estimators import logistic_regression, random_forest

    assert logistic_regression().named_steps["model"].tol == 1e-3
    assert logistic_regression(tol=1e-4).named_steps["model"].tol == 1e-4
    assert random_forest().named_steps["model"].max_samples == 0.25
    assert random_forest(max_samples=0.5).named_steps["model"].max_samples == 0.5
