"""The training sequence of a bundle, one step per method: cross-validate → choose →
calibrate → threshold → final fit → score → write.

The modelling notebook calls the steps one by one and displays what each returns (the CV
table, the selection, the calibration, the cost curve, the scores); tests and benchmarks
call the same steps, some with a value given instead of learnt (an estimator, a calibration
method, a threshold), instead of assembling bundles by hand. :meth:`Trainer.run` runs them
all in order.

Like a scikit-learn estimator, a :class:`Trainer` stores its parameters in ``__init__`` and
what each step learns in attributes ending in ``_``; a step that needs an earlier one says
which, by name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .calibration import METHODS, Calibrator
from .cost import ThresholdChoice, best_threshold, check_costs, cost_curve, reference_costs
from .cv import CVResult, cross_validate
from .estimators import (EARLY_STOPPING_ROUNDS, LEARNING_RATE_RULE, VALIDATION_FRACTION,
                         candidate_models, final_rounds, learning_rate_for)
from .inputs import ModelData, sample_training
from .monotone import coherent_with_missing, monotone_directions
from .train import (Selection, fit_final, load_training_data, score_clients, select_model,
                    summary_metrics, training_record)

__all__ = ["BY_SIZE", "Trainer"]

#: ``Trainer(learning_rate=BY_SIZE)``: CatBoost's rate from the number of training clients
#: (:func:`~.estimators.learning_rate_for`)
BY_SIZE = "by size"


class Trainer:
    """Train the model of a bundle from checked data, step by step.

    ``data``: every client (:class:`~.inputs.ModelData`: training rows and test rows), all
    scored at the end. ``sample``: the training rows the models learn from (default
    ``data``; see :func:`~.inputs.sample_training`). ``folds``, ``seed``: the
    cross-validation folds and every random draw. ``cost_fn``, ``cost_fp``: the business
    cost of a default granted and of a good client refused. ``iterations``: the most
    boosting rounds of the candidates (see :func:`~.estimators.candidate_models`).

    CatBoost's rounds: ``early_stopping`` (default) chooses them in each fold on an inner
    validation split of the fold's training rows; the final model is then fitted on every
    training row, without a split, for :func:`~.estimators.final_rounds` rounds (the folds'
    median scaled to the row count; ``final_rounds_``). ``learning_rate``: :data:`BY_SIZE`
    (default, :func:`~.estimators.learning_rate_for` of the number of training clients;
    ``learning_rate_``), a number, or ``None`` for CatBoost's own. ``monotone``: ``True``
    constrains the features that :func:`~.monotone.monotone_directions` picks from the
    feature metadata (``metadata_``; none without metadata), but not on an external score
    often missing in the training rows (:func:`~.monotone.coherent_with_missing`),
    ``False`` none, or a given ``{feature: +1 or -1}``; the constraints used are in
    ``monotone_``.
    """

    def __init__(self, data: ModelData, *, sample: ModelData | None = None, folds: int = 5,
                 seed: int = 0, cost_fn: float = 10.0, cost_fp: float = 1.0,
                 iterations: int = 300, early_stopping: bool = True,
                 learning_rate: float | str | None = BY_SIZE, monotone: bool | dict = True):
        self.data = data
        self.model_data = data if sample is None else sample
        self.folds = folds
        self.seed = seed
        self.cost_fn, self.cost_fp = check_costs(cost_fn, cost_fp)
        self.iterations = iterations
        self.early_stopping = bool(early_stopping)
        if isinstance(learning_rate, str) and learning_rate != BY_SIZE:
            raise ValueError(f"learning_rate must be a number, None or {BY_SIZE!r}, got "
                             f"{learning_rate!r}")
        self.learning_rate = learning_rate
        self.monotone = monotone
        self.learning_rate_: float | None = (learning_rate_for(self.model_data.n_train)
                                             if learning_rate == BY_SIZE else learning_rate)
        self.final_rounds_: int | None = None
        self.metadata_: pd.DataFrame | None = None
        self.cv_: CVResult | None = None
        self.selection_: Selection | None = None
        self.calibrator_: Calibrator | None = None
        self.oof_proba_: np.ndarray | None = None   # calibrated (cross-fitted) OOF
        self.curve_: pd.DataFrame | None = None
        self.choice_: ThresholdChoice | None = None
        self.references_: pd.DataFrame | None = None
        self.threshold_: float | None = None
        self.model_ = None
        self.scores_: pd.DataFrame | None = None

    @classmethod
    def from_feature_file(cls, path, *, folds: int = 5, seed: int = 0,
                          sample_size: int | None = None, **params) -> Trainer:
        """A trainer on the feature file ``path`` (checked by
        :func:`~.train.load_training_data`; its feature metadata in ``metadata_``), learning
        from a stratified sample of ``sample_size`` training clients (None: all)."""
        data, metadata = load_training_data(path, folds=folds)
        sample = sample_training(data, sample_size, seed, folds=folds)
        trainer = cls(data, sample=sample, folds=folds, seed=seed, **params)
        trainer.metadata_ = metadata
        return trainer

    def _need(self, attribute: str, step: str):
        value = getattr(self, attribute)
        if value is None:
            raise RuntimeError(f"Trainer: call {step}() first ({attribute} is not set)")
        return value

    @property
    def monotone_(self) -> dict:
        """The monotone constraints of CatBoost, ``{feature: +1 or -1}`` (see ``monotone``)."""
        if isinstance(self.monotone, dict):
            return dict(self.monotone)
        if not self.monotone:
            return {}
        return coherent_with_missing(monotone_directions(self.metadata_), self.model_data.X)

    def candidates(self, iterations: int | None = None, names=None,
                   early_stopping: bool | None = None) -> dict:
        """The candidate estimators with this trainer's boosting choices (cap
        ``iterations``, default ``self.iterations``; learning rate, early stopping,
        monotone constraints)."""
        return candidate_models(self.iterations if iterations is None else iterations,
                                self.seed, names=names, learning_rate=self.learning_rate_,
                                early_stopping=(self.early_stopping if early_stopping is None
                                                else early_stopping),
                                monotone=self.monotone_)

    # ---------------------------------------------------------------------------- steps
    def cross_validate(self, models: dict | None = None, progress: bool = False) -> CVResult:
        """Cross-validate ``models`` (name → unfitted estimator; default every candidate of
        :meth:`candidates`) on the same stratified folds: out-of-fold predictions and
        metrics in ``cv_``."""
        if models is None:
            models = self.candidates()
        self.cv_ = cross_validate(self.model_data, models, folds=self.folds, seed=self.seed,
                                  cost_fn=self.cost_fn, cost_fp=self.cost_fp,
                                  progress=progress)
        return self.cv_

    def choose(self) -> Selection:
        """Calibrate every model's OOF predictions and retain the best CatBoost variant
        (:func:`~.train.select_model`), in ``selection_``."""
        self.selection_ = select_model(self._need("cv_", "cross_validate"))
        return self.selection_

    def calibrate(self, method: str | None = None) -> Calibrator:
        """The calibrator of the final model, in ``calibrator_``: after :meth:`choose`, the
        chosen method fitted on all the retained model's OOF predictions; without
        cross-validation, ``method`` fitted on the final model's own predictions of its
        training rows (call :meth:`fit_final` first)."""
        if self.cv_ is not None:
            selection = self._need("selection_", "choose")
            method = method or selection.calibration
            raw, y = self.cv_.get_oof(selection.retained), self.cv_.y
        else:
            if method is None:
                raise ValueError("Trainer.calibrate: method is required without "
                                 f"cross-validation (one of {', '.join(METHODS)})")
            model = self._need("model_", "fit_final")
            raw, y = model.predict_proba(self.model_data.X)[:, 1], self.model_data.y
        self.calibrator_ = Calibrator(method).fit(raw, y)
        return self.calibrator_

    def choose_threshold(self, threshold: float | None = None) -> float:
        """The threshold at or above which a client is refused, in ``threshold_``.

        By default the exact minimum of the business cost over the retained model's
        calibrated OOF probabilities (``oof_proba_``): the cost at every threshold in
        ``curve_``, the choice in ``choice_``, the cost of refusing nobody, everybody and at
        0.5 in ``references_``. ``threshold``: a value given instead (no search)."""
        if threshold is not None:
            self.threshold_ = float(threshold)
            return self.threshold_
        cv = self._need("cv_", "cross_validate")
        proba = self._need("selection_", "choose").proba(cv)
        self.oof_proba_ = proba
        self.curve_ = cost_curve(cv.y, proba, self.cost_fn, self.cost_fp)
        self.choice_ = best_threshold(cv.y, proba, self.cost_fn, self.cost_fp,
                                      curve=self.curve_)
        self.references_ = reference_costs(cv.y, proba, self.cost_fn, self.cost_fp,
                                           self.choice_.threshold)
        self.threshold_ = self.choice_.threshold
        return self.threshold_

    def final_rounds(self) -> int:
        """The final model's rounds: with early stopping, the retained candidate's folds'
        median scaled to every training row (:func:`~.estimators.final_rounds`), at most
        ``iterations`` — unscaled when no fold had rows enough to choose (they all ran
        :data:`~.estimators.FALLBACK_ROUNDS`); without, ``iterations``."""
        retained = self._need("selection_", "choose").retained
        if not self.early_stopping:
            return int(self.iterations)
        scores = self.cv_.fold_scores
        scores = scores[scores["model"] == retained]
        chosen = bool(scores["chosen"].any()) if "chosen" in scores else True
        return final_rounds(scores["rounds"], scores["fit_rows"], self.model_data.n_train,
                            self.iterations, chosen=chosen)

    def fit_final(self, estimator=None):
        """Fit the final model on every training row (of the sample), in ``model_``:
        ``estimator`` (unfitted), by default the retained candidate for
        :meth:`final_rounds` rounds on every row (no validation split); the rounds it
        kept in ``final_rounds_``."""
        if estimator is None:
            retained = self._need("selection_", "choose").retained
            estimator = self.candidates(self.final_rounds(), names=[retained],
                                        early_stopping=False)[retained]
        self.model_ = fit_final(estimator, self.model_data)
        self.final_rounds_ = getattr(self.model_, "rounds_", None)
        return self.model_

    def score(self) -> pd.DataFrame:
        """Probability and decision of every client, train and test (``scores_``, see
        :func:`~.train.score_clients`), with each training client's calibrated OOF
        probability when the threshold was searched."""
        oof = (None if self.oof_proba_ is None
               else pd.Series(self.oof_proba_, index=self.model_data.X.index))
        self.scores_ = score_clients(self._need("model_", "fit_final"),
                                     self._need("calibrator_", "calibrate"), self.data,
                                     self._need("threshold_", "choose_threshold"), oof=oof)
        return self.scores_

    def shap_sample(self, rows: int = 2000) -> tuple[np.ndarray, pd.DataFrame]:
        """The final model's SHAP values (CatBoost's own, see
        :meth:`~.estimators.CatBoostModel.shap_values`) on a random sample of at most
        ``rows`` training clients (``seed``), and the sample's features: the input of the
        notebook's global summary (:func:`scoring_lib.model.report.plots.plot_shap_summary`).
        """
        model = self._need("model_", "fit_final")
        X = self.model_data.X
        if len(X) > rows:
            X = X.sample(rows, random_state=self.seed)
        return model.shap_values(X), X

    def metrics(self) -> dict:
        """The headline out-of-fold metrics of the retained model (bundle manifest), with
        the final model's ``learning_rate`` and ``final_rounds`` once it is fitted."""
        metrics = summary_metrics(self._need("cv_", "cross_validate"),
                                  self._need("selection_", "choose"),
                                  self._need("threshold_", "choose_threshold"))
        if self.model_ is not None and hasattr(self.model_, "rounds_"):
            metrics["learning_rate"] = float(self.model_.learning_rate_)
            metrics["final_rounds"] = int(self.model_.rounds_)
        return metrics

    def boosting(self) -> dict:
        """How CatBoost's rounds and rate were chosen (JSON-ready; ``boosting`` in the
        bundle manifest): the cap, the early stopping, the rate and its rule, the rounds
        each fold kept, the final rounds and their rule, the monotone constraints."""
        cv = self._need("cv_", "cross_validate")
        retained = self._need("selection_", "choose").retained
        folds = cv.fold_scores[cv.fold_scores["model"] == retained]
        model = self.model_
        return {
            "model": retained,
            "rounds_cap": int(self.iterations),
            "early_stopping": ({"validation_fraction": VALIDATION_FRACTION,
                                "patience_rounds": EARLY_STOPPING_ROUNDS,
                                "split": "stratified, inside each fold's training rows"}
                               if self.early_stopping else None),
            "learning_rate": (float(model.learning_rate_) if hasattr(model, "learning_rate_")
                              else self.learning_rate_),
            "learning_rate_rule": (LEARNING_RATE_RULE if self.learning_rate == BY_SIZE else
                                   "CatBoost's own" if self.learning_rate is None else "given"),
            "cv_rounds": [None if pd.isna(r) else int(r) for r in folds["rounds"]],
            "cv_fit_rows": [int(r) for r in folds["fit_rows"]],
            "final_rounds": getattr(model, "rounds_", None),
            "final_rounds_rule": ("median of the folds' rounds x training rows / median fold "
                                  "fit rows, at most the cap; fitted on every training row"
                                  if self.early_stopping else "the cap"),
            "monotone_constraints": dict(getattr(model, "monotone_", None) or {}),
        }

    def record(self) -> dict:
        """What the bundle manifest records of the training (JSON-ready): metrics,
        threshold choice, reference costs, candidates, selection, and ``boosting``
        (:meth:`boosting`) once the final model is fitted."""
        record = training_record(self._need("cv_", "cross_validate"), self.selection_,
                                 self._need("choice_", "choose_threshold"), self.references_,
                                 self.metrics())
        if self.model_ is not None:
            record["boosting"] = self.boosting()
        return record

    def write(self, folder, info: dict | None = None) -> Path:
        """Write ``model.cbm``, ``scores.parquet`` and ``training.json`` into ``folder``
        (:func:`scoring_lib.bundle.store.write_training_outputs`; the build completes the
        bundle). ``info``: the training record (default :meth:`record`)."""
        from ...bundle.store import write_training_outputs

        scores = self.scores_ if self.scores_ is not None else self.score()
        write_training_outputs(folder, self.model_, self.calibrator_, self.threshold_,
                               self.record() if info is None else info, scores)
        return Path(folder)

    def run(self, folder=None, progress: bool = False) -> Trainer:
        """Every step in order (cross-validate, choose, calibrate, threshold, final fit,
        score), then :meth:`write` into ``folder`` if given."""
        self.cross_validate(progress=progress)
        self.choose()
        self.calibrate()
        self.choose_threshold()
        self.fit_final()
        self.score()
        if folder is not None:
            self.write(folder)
        return self
