"""CatBoost's rounds chosen by early stopping (issue #16): on an inner validation split of the
rows a fit is given — in cross-validation the fold's training rows, never its held-out rows —
at most ``iterations`` rounds, recorded in the bundle; tiny data falls back to fixed rounds."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from scoring_lib.bundle.manifest import check_manifest
from scoring_lib.bundle.store import TRAINING_FILE
from scoring_lib.model.training.cv import cross_validate, make_folds
from scoring_lib.model.training.estimators import (FALLBACK_ROUNDS, CatBoostModel,
                                                   candidate_models, final_rounds,
                                                   inner_split, learning_rate_for)
from scoring_lib.model.training.inputs import check_feature_frame
from scoring_lib.model.training.trainer import Trainer

CAP = 300


def frame(n=3000, seed=0, n_test=0):
    """Clients with about 35 % defaults (enough for an inner validation share of 10 % of a
    fold's 2,000 training rows: 70 defaulters), three numbers and a category."""
    rng = np.random.default_rng(seed)
    total = n + n_test
    x = rng.normal(size=(total, 3))
    y = (rng.random(total) < 1 / (1 + np.exp(0.7 - 1.5 * x[:, 0] + x[:, 1]))).astype(float)
    y[n:] = np.nan
    return pd.DataFrame({"SK_ID_CURR": np.arange(10_000, 10_000 + total), "TARGET": y,
                         "X0": x[:, 0], "X1": x[:, 1], "X2": x[:, 2],
                         "CAT": pd.Categorical(rng.choice(["a", "b", "c"], total))})


class Recording(CatBoostModel):
    """CatBoostModel that notes the rows of each fit and its inner validation rows."""

    fits: list = []

    def fit(self, X, y):
        super().fit(X, y)
        Recording.fits.append((X.index, self.validation_index_, self.rounds_))
        return self


@pytest.fixture(scope="module")
def data():
    return check_feature_frame(frame(), folds=3)


def test_the_inner_split_holds_none_of_the_folds_held_out_rows(data):
    Recording.fits = []
    fold = make_folds(data.y, 3, 0)
    model = Recording(CAP, 4, learning_rate=0.3, thread_count=1)
    cv = cross_validate(data, {"catboost": model}, fold=fold)
    assert len(Recording.fits) == 3
    for k, (fitted, valid, rounds) in enumerate(Recording.fits):
        held_out = data.X.index[fold == k]
        assert valid is not None and len(valid) == pytest.approx(0.1 * len(fitted), abs=1)
        assert not set(valid) & set(held_out)          # never a held-out row
        assert set(valid) <= set(fitted)               # a share of the fold's training rows
        assert not set(fitted) & set(held_out)
        positives = data.y[data.X.index.get_indexer(valid)].mean()
        assert positives == pytest.approx(data.y[fold != k].mean(), abs=0.01)  # stratified
        assert 1 <= rounds < CAP                       # stopped before the cap
    assert list(cv.fold_scores["rounds"]) == [r for _, _, r in Recording.fits]
    assert (cv.fold_scores["fit_rows"] == [len(f) - len(v) for f, v, _ in Recording.fits]).all()


def test_the_held_out_targets_are_never_seen(data):
    """Shuffling the held-out targets of fold 0 leaves fold 0's predictions unchanged (the
    inner split and the stopping depend on the fold's training rows only)."""
    fold = make_folds(data.y, 3, 0)
    model = CatBoostModel(CAP, 4, learning_rate=0.3, thread_count=1)
    first = cross_validate(data, {"catboost": model}, fold=fold)
    y = data.y.copy()
    held = np.flatnonzero(fold == 0)
    y[held] = np.random.default_rng(1).permutation(y[held])
    assert (y != data.y).any()
    from dataclasses import replace

    second = cross_validate(replace(data, y=y), {"catboost": model}, fold=fold)
    np.testing.assert_array_equal(first.oof["catboost"].to_numpy()[held],
                                  second.oof["catboost"].to_numpy()[held])
    assert (first.fold_scores["rounds"][0] == second.fold_scores["rounds"][0])
    # the other folds learnt from the shuffled rows: their predictions moved
    assert not np.array_equal(first.oof["catboost"].to_numpy()[fold == 1],
                              second.oof["catboost"].to_numpy()[fold == 1])


def test_too_few_rows_for_a_split_fall_back_to_fixed_rounds_not_the_cap():
    small = check_feature_frame(frame(300), folds=2)
    assert inner_split(small.y) is None
    model = CatBoostModel(25, 4, thread_count=1).fit(small.X, small.y)
    assert model.validation_index_ is None and model.rounds_ == 25  # under the fallback
    assert model.fit_rows_ == 300
    # a cap of 1,000 (the build's default) on a small data set: the former fixed 150 rounds
    model = CatBoostModel(1000, 2, thread_count=1).fit(small.X, small.y)
    assert model.validation_index_ is None and model.rounds_ == FALLBACK_ROUNDS == 150
    # early stopping off: exactly the rounds asked for
    model = CatBoostModel(200, 2, thread_count=1, validation_fraction=None).fit(small.X, small.y)
    assert model.rounds_ == 200
    # a build on such data: no fold chose, so the final model keeps their 150, unscaled
    data = check_feature_frame(frame(300, n_test=10), folds=3)
    trainer = Trainer(data, folds=3, iterations=1000)
    trainer.cross_validate(candidate_models(1000, names=["catboost"]))
    assert not trainer.cv_.fold_scores["chosen"].any()
    trainer.choose()
    assert trainer.final_rounds() == FALLBACK_ROUNDS
    # the split needs MIN_VALIDATION_CLASS of each class in the validation share
    fit, valid = inner_split(np.r_[np.zeros(1000), np.ones(500)], 0.1, seed=0)
    assert len(valid) == 150 and len(fit) == 1350 and not set(fit) & set(valid)


def test_rules_for_the_rate_and_the_final_rounds():
    assert learning_rate_for(30_000) == 0.05 and learning_rate_for(100_000) == 0.05
    assert learning_rate_for(307_511) == 0.1
    # median 200 rounds learnt from 1,800 rows, 3,000 rows in all: 200 x 3000 / 1800
    assert final_rounds([150, 200, 260], [1800, 1800, 1790], 3000, 1000) == 333
    assert final_rounds([150, 200, 260], [1800, 1800, 1790], 3000, 300) == 300  # the cap
    assert final_rounds([np.nan, np.nan], [10, 10], 30, 40) == 40  # no rounds: the cap
    # folds that could not choose (the fallback): their rounds, not scaled to every row
    assert final_rounds([150, 150, 150], [900, 900, 900], 1350, 1000, chosen=False) == 150
    with pytest.raises(ValueError, match="fraction"):
        inner_split([0, 1], 1.5)


def test_the_build_records_the_rounds_and_the_rate(tmp_path, tiny_bundle):
    """The Trainer chooses the final rounds from the folds', fits the final model on every
    row without a split, and records the rounds and the rate; a bundle manifest carrying
    them still passes the bundle's checks."""
    data = check_feature_frame(frame(n_test=50), folds=3)
    trainer = Trainer(data, folds=3, iterations=CAP)
    trainer.cross_validate(candidate_models(CAP, names=["catboost"], learning_rate=0.3))
    trainer.choose()
    trainer.calibrate()
    trainer.choose_threshold()
    model = trainer.fit_final()
    cv_rounds = trainer.cv_.fold_scores["rounds"]
    assert (cv_rounds < CAP).all()
    expected = final_rounds(cv_rounds, trainer.cv_.fold_scores["fit_rows"], 3000, CAP)
    assert model.rounds_ == trainer.final_rounds_ == expected <= CAP
    assert model.validation_index_ is None and model.fit_rows_ == 3000
    assert model.learning_rate_ == pytest.approx(learning_rate_for(3000))
    trainer.write(tmp_path)
    record = json.loads((tmp_path / TRAINING_FILE).read_text())
    assert record["metrics"]["final_rounds"] == expected
    assert record["metrics"]["learning_rate"] == pytest.approx(0.05)
    boosting = record["boosting"]
    assert boosting["cv_rounds"] == [int(r) for r in cv_rounds]
    assert boosting["final_rounds"] == expected and boosting["rounds_cap"] == CAP
    assert boosting["early_stopping"]["validation_fraction"] == 0.1
    # bundle.json keeps its format: additive fields pass check_manifest
    manifest = json.loads((tiny_bundle[0] / "bundle.json").read_text())
    manifest["boosting"] = boosting
    manifest["metrics"].update(final_rounds=expected, learning_rate=0.1)
    check_manifest(manifest, tiny_bundle[0])


def test_hist_gbm_stops_on_a_share_of_the_rows_it_is_fitted_on(data):
    """HistGradientBoosting's own early stopping: scikit-learn splits the rows ``fit`` is
    given (in cross-validation, the fold's training rows); its rounds are recorded too."""
    from threadpoolctl import threadpool_limits

    fold = make_folds(data.y, 3, 0)
    with threadpool_limits(1):  # OpenMP threads spinning on a busy machine: 160 s, not 1
        cv = cross_validate(data, candidate_models(CAP, names=["hist_gbm"]), fold=fold)
    rounds = cv.fold_scores["rounds"]
    assert rounds.notna().all() and (rounds < CAP).all()
    assert cv.metrics.loc["hist_gbm", "rounds_median"] == rounds.median()
