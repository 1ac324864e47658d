"""The training sequence as a library object (``Trainer``): the same model, calibration,
threshold, scores and record as the sequence the modelling notebook assembled cell by cell
before, and steps that say which earlier step they need."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from scoring_lib.bundle.store import TRAINING_FILE, write_training_outputs
from scoring_lib.model.training.calibration import Calibrator
from scoring_lib.model.training.cost import best_threshold, cost_curve, reference_costs
from scoring_lib.model.training.cv import cross_validate
from scoring_lib.model.training.estimators import (CatBoostModel, candidate_models,
                                                   final_rounds, learning_rate_for)
from scoring_lib.model.training.inputs import check_feature_frame, sample_training
from scoring_lib.model.training.train import (fit_final, score_clients, select_model,
                                              summary_metrics, training_record)
from scoring_lib.model.training.trainer import Trainer

FOLDS, SEED, ITERATIONS, COST_FN, COST_FP = 3, 0, 15, 10.0, 1.0


def frame(n_train=900, n_test=100, seed=0):
    rng = np.random.default_rng(seed)
    total = n_train + n_test
    x = rng.normal(size=(total, 3))
    y = (rng.random(total) < 1 / (1 + np.exp(2.2 - x[:, 0] + 0.5 * x[:, 1]))).astype(float)
    y[n_train:] = np.nan
    return pd.DataFrame({"SK_ID_CURR": np.arange(100_000, 100_000 + total), "TARGET": y,
                         "X0": x[:, 0], "X1": x[:, 1], "X2": x[:, 2],
                         "CAT": pd.Categorical(rng.choice(["a", "b"], total))})


def notebook_sequence(data, model_data, folder):
    """The modelling notebook's cells before the Trainer, with the learning rate by size
    and the final rounds from the folds' (issue #16)."""
    rate = learning_rate_for(model_data.n_train)
    cv = cross_validate(model_data, candidate_models(ITERATIONS, SEED, learning_rate=rate),
                        folds=FOLDS, seed=SEED, cost_fn=COST_FN, cost_fp=COST_FP)
    selection = select_model(cv)
    proba = selection.proba(cv)
    curve = cost_curve(cv.y, proba, COST_FN, COST_FP)
    choice = best_threshold(cv.y, proba, COST_FN, COST_FP, curve=curve)
    references = reference_costs(cv.y, proba, COST_FN, COST_FP, choice.threshold)
    folds = cv.fold_scores[cv.fold_scores["model"] == selection.retained]
    rounds = final_rounds(folds["rounds"], folds["fit_rows"], model_data.n_train, ITERATIONS)
    final = candidate_models(rounds, SEED, names=[selection.retained], learning_rate=rate,
                             early_stopping=False)[selection.retained]
    final = fit_final(final, model_data)
    calibrator = Calibrator(selection.calibration).fit(cv.get_oof(selection.retained), cv.y)
    scores = score_clients(final, calibrator, data, choice.threshold,
                           oof=pd.Series(proba, index=model_data.X.index))
    metrics = summary_metrics(cv, selection, choice.threshold)
    write_training_outputs(folder, final, calibrator, choice.threshold,
                           training_record(cv, selection, choice, references, metrics), scores)
    return scores


def rounded(value):
    """``value`` with every float to 12 significant digits (the random forest's threads sum
    in any order: its ECE differs in the 17th digit from run to run)."""
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return float(f"{value:.12g}") if isinstance(value, float) else value


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = tmp_path_factory.mktemp("trainer")
    data = check_feature_frame(frame(), folds=FOLDS)
    sample = sample_training(data, 700, SEED, folds=FOLDS)
    expected = notebook_sequence(data, sample, root / "cells")
    trainer = Trainer(data, sample=sample, folds=FOLDS, seed=SEED, cost_fn=COST_FN,
                      cost_fp=COST_FP, iterations=ITERATIONS).run(root / "trainer")
    return root, expected, trainer


def test_the_trainer_gives_what_the_notebook_cells_gave(both):
    root, expected, trainer = both
    pd.testing.assert_frame_equal(trainer.scores_, expected)
    cells = json.loads((root / "cells" / TRAINING_FILE).read_text())
    ours = json.loads((root / "trainer" / TRAINING_FILE).read_text())
    for record in (cells, ours):
        for row in record["candidates"]:  # fit times differ from run to run
            row.pop("fit_seconds"), row.pop("fit_seconds_per_fold")
        record["metrics"].pop("fit_seconds_per_fold")
    boosting = ours.pop("boosting")
    assert ours["metrics"].pop("final_rounds") == boosting["final_rounds"] == ITERATIONS
    assert ours["metrics"].pop("learning_rate") == boosting["learning_rate"] == 0.05
    assert boosting["rounds_cap"] == ITERATIONS and boosting["monotone_constraints"] == {}
    assert rounded(ours) == rounded(cells)
    assert ours["threshold"] == trainer.threshold_ == trainer.choice_.threshold
    assert ours["calibration"]["method"] == trainer.selection_.calibration
    # the same model (its file differs only by a random model_guid): PROBA_RAW above, and
    assert trainer.model_.get_params() == candidate_models(
        ITERATIONS, SEED, learning_rate=0.05, early_stopping=False)[
        trainer.selection_.retained].get_params()


def test_each_step_leaves_what_the_notebook_displays(both):
    _, _, trainer = both
    assert set(trainer.cv_.metrics.index) == set(candidate_models(ITERATIONS, SEED))
    assert trainer.selection_.retained.startswith("catboost") and trainer.selection_.verdict
    assert trainer.calibrator_.method == trainer.selection_.calibration
    assert len(trainer.curve_) > 100 and "best threshold" in trainer.references_.index
    assert trainer.model_ is not None and len(trainer.scores_) == 1000
    assert trainer.metrics()["model"] == trainer.selection_.retained
    assert trainer.scores_["PROBA_OOF"].notna().sum() == 700  # the sample's clients


def test_a_step_called_too_early_names_the_step_it_needs():
    trainer = Trainer(check_feature_frame(frame(300, 20), folds=2), folds=2)
    with pytest.raises(RuntimeError, match=r"call cross_validate\(\) first"):
        trainer.choose()
    with pytest.raises(RuntimeError, match=r"call fit_final\(\) first"):
        trainer.score()
    with pytest.raises(ValueError, match="method is required without cross-validation"):
        trainer.calibrate()
    with pytest.raises(RuntimeError, match=r"call choose\(\) first"):
        trainer.fit_final()


def test_given_values_instead_of_searched_ones():
    trainer = Trainer(check_feature_frame(frame(300, 20), folds=2), folds=2)
    model = trainer.fit_final(CatBoostModel(iterations=10, thread_count=1))
    calibrator = trainer.calibrate("platt")
    assert trainer.choose_threshold(0.2) == 0.2
    scores = trainer.score()
    expected = calibrator.transform(model.predict_proba(trainer.data.all_clients())[:, 1])
    np.testing.assert_allclose(np.sort(scores["PROBA"]), np.sort(expected))
    assert (scores["DECISION"] == "refused").eq(scores["PROBA"] >= 0.2).all()
    assert scores["PROBA_OOF"].isna().all()


def test_costs_are_checked_when_the_trainer_is_made():
    with pytest.raises(ValueError, match="cost"):
        Trainer(check_feature_frame(frame(300, 20), folds=2), cost_fn=-1.0)
