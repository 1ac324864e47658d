"""The candidate models, as scikit-learn estimators taking a feature frame.

Every estimator takes the frame of :class:`~scoring_lib.model.training.inputs.ModelData` as it is
(numeric columns with missing values, pandas ``Categorical`` columns) and does its own
preparation, so that the cross-validation runner treats them all alike:

* ``logreg``: median imputation and standardisation of the numbers, one-hot encoding of the
  categories (missing is a category), then a logistic regression. No missingness
  indicators: the row counts of the child tables already say which tables a client lacks,
  and the indicators doubled the fit time for +0.001 AUC (30,000 clients, all tables);
* ``random_forest``: categories as integer codes, missing numbers left to the trees; 100
  trees, each on a quarter of the rows (a baseline: 200 trees on half the rows gained 0.0015
  AUC over 100 for twice the time);
* ``hist_gbm``: scikit-learn's histogram gradient boosting, categories native (the fast
  gradient-boosting baseline, in place of LightGBM which the project does not install),
  stopped early on a validation share of its training rows (scikit-learn draws it from the
  rows ``fit`` is given: in cross-validation, the fold's training rows, never its held-out
  rows);
* ``catboost``: :class:`CatBoostModel`, categories native (one-hot splits up to 255 values,
  ordered target statistics above), its number of rounds chosen by early stopping on an
  inner validation split of the rows it is fitted on (:func:`inner_split`), with the
  learning rate of :func:`learning_rate_for` and, when given, monotone constraints
  (:mod:`.monotone`).

``*_balanced`` variants weight the classes inversely to their frequency.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

#: The text CatBoost sees for a missing category (it refuses NaN in categorical features).
MISSING_CATEGORY = "<NA>"

#: Human names of the candidates, in the order of the comparison tables.
LABELS = {
    "logreg": "Logistic regression",
    "logreg_balanced": "Logistic regression, balanced classes",
    "random_forest": "Random forest",
    "hist_gbm": "HistGradientBoosting",
    "catboost": "CatBoost",
    "catboost_balanced": "CatBoost, balanced classes",
}

__all__ = ["EARLY_STOPPING_ROUNDS", "FALLBACK_ROUNDS", "LABELS", "LEARNING_RATE_RULE",
           "MIN_VALIDATION_CLASS", "MISSING_CATEGORY", "VALIDATION_FRACTION", "CatBoostModel", "candidate_models",
           "catboost_frame", "categorical_columns", "final_rounds", "fitted_rounds",
           "inner_split", "learning_rate_for"]

#: share of the rows a CatBoost fit holds out to choose its number of rounds
VALIDATION_FRACTION = 0.1
#: rounds without a better validation log-loss after which CatBoost stops
EARLY_STOPPING_ROUNDS = 50
#: fewest clients of each class the inner validation share must hold; below, no early
#: stopping: the fit runs :data:`FALLBACK_ROUNDS` rounds (at most ``iterations``) on every
#: row (small data sets: Binder's 5,000-client demo, tests)
MIN_VALIDATION_CLASS = 50
#: rounds of a fit that asked for early stopping but has too few rows to choose: the fixed
#: count the demo build used before early stopping (150), not the cap (1,000 by default),
#: which on a few thousand rows took 6x the time and over-fitted
FALLBACK_ROUNDS = 150


#: :func:`learning_rate_for` in words (recorded in the bundle)
LEARNING_RATE_RULE = "0.05 up to 100,000 training clients, 0.1 above"


def learning_rate_for(n_rows: int) -> float:
    """The learning rate of CatBoost for a training set of ``n_rows`` clients.

    0.05 up to 100,000 clients, 0.1 above. With early stopping the rate no longer has to fit
    a fixed number of rounds; a smaller rate gains AUC for proportionally more rounds. At the
    demo's size 0.05 instead of 0.1 gained 0.003-0.004 AUC (application alone and all
    tables) for about 1.7x the fit time, a few seconds a fold. A round costs ten times more at
    the competition's size, where 0.1 reaches its best in about 300 rounds (issue #4): there
    the rate stays 0.1 so that a build keeps its time (bench/RESULTS.md, "Model quality —
    issue #16").
    """
    if n_rows < 0:
        raise ValueError(f"n_rows must be non-negative, got {n_rows}")
    return 0.05 if n_rows <= 100_000 else 0.1


def inner_split(y, fraction: float = VALIDATION_FRACTION, seed: int = 0,
                min_class: int = MIN_VALIDATION_CLASS):
    """``(fit positions, validation positions)``: a stratified split of the rows of ``y``
    (positions 0..n-1), ``fraction`` of them for validation; ``None`` when the validation
    share would hold fewer than ``min_class`` clients of a class (too few to judge a
    round)."""
    y = np.asarray(y)
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1 (exclusive), got {fraction!r}")
    counts = np.bincount(y.astype(np.int64), minlength=2)
    if len(counts) != 2 or np.floor(counts.min() * fraction) < min_class:
        return None
    from sklearn.model_selection import train_test_split

    fit, valid = train_test_split(np.arange(len(y)), test_size=fraction, stratify=y,
                                  random_state=seed)
    return np.sort(fit), np.sort(valid)


def final_rounds(rounds, fit_rows, n_rows: int, cap: int, chosen: bool = True) -> int:
    """Rounds of a fit on all ``n_rows`` training rows without a validation split: the
    median of the folds' early-stopped ``rounds``, scaled by ``n_rows`` over the median
    number of rows those fits learnt from (``fit_rows``: more rows, more rounds before
    over-fitting, about in proportion), at least 1 and at most ``cap``. ``chosen=False``
    (no fold had rows enough to choose: they ran :data:`FALLBACK_ROUNDS`): their median,
    not scaled."""
    rounds, fit_rows = np.asarray(rounds, dtype=float), np.asarray(fit_rows, dtype=float)
    if rounds.size == 0 or np.isnan(rounds).all():
        return int(cap)
    scaled = np.nanmedian(rounds) * (n_rows / np.nanmedian(fit_rows) if chosen else 1.0)
    return int(min(cap, max(1, round(scaled))))


def categorical_columns(X: pd.DataFrame) -> list[str]:
    return [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]


def catboost_frame(X: pd.DataFrame, categorical: list[str] | None = None) -> pd.DataFrame:
    """``X`` as CatBoost takes it: categorical columns as text, missing as ``"<NA>"``."""
    categorical = categorical_columns(X) if categorical is None else categorical
    if not categorical:
        return X
    return X.assign(**{c: X[c].astype(object).where(X[c].notna(), MISSING_CATEGORY)
                       .astype(str) for c in categorical})


class CatBoostModel(ClassifierMixin, BaseEstimator):
    """``catboost.CatBoostClassifier`` on a feature frame with pandas categoricals.

    ``class_weights``: ``None`` or ``"balanced"``. ``learning_rate=None`` lets CatBoost
    choose it from the data size and the number of iterations. ``thread_count=-1``: all
    cores. Nothing is written to disk during training (no ``catboost_info/``).

    **Early stopping** (``validation_fraction``, default 0.1; ``None``: off): ``fit`` holds
    out a stratified share of the rows it is given (:func:`inner_split`, seeded with
    ``random_seed``), grows at most ``iterations`` trees on the rest and keeps the trees up
    to the best validation log-loss, stopping after ``early_stopping_rounds`` rounds without
    improvement. In cross-validation ``fit`` is given the fold's training rows only, so the
    held-out rows are never seen. Too few rows for the split (:data:`MIN_VALIDATION_CLASS`):
    :data:`FALLBACK_ROUNDS` rounds (at most ``iterations``) on every row; early stopping off
    (``validation_fraction=None``): exactly ``iterations`` rounds. After ``fit``: ``rounds_``
    (trees kept), ``fit_rows_`` (rows the trees learnt from), ``validation_index_`` (the
    index of the validation rows, ``None`` without a split), ``learning_rate_`` (the rate
    used).

    ``monotone_constraints``: ``{feature: +1 or -1}`` (:mod:`.monotone`); the names absent
    from ``X`` or categorical are ignored.

    Speed choices (measured on 24,000 clients x 691 features, 2 cores, 200 iterations):
    ``boosting_type="Plain"`` (CatBoost picks the ordered scheme below 50,000 rows, about
    5x slower for the same AUC here) and ``max_ctr_complexity=1`` (no combinations of
    categorical columns: 1.7x faster, AUC within 0.001). ``boost_from_average``: start from
    the mean default rate, not from 0.5 (CatBoost's default for Logloss), so that the
    probabilities are not pulled towards 0.5 when the boosting is short.

    ``border_count=64`` (histogram bins per number; CatBoost's CPU default is 254) and
    ``one_hot_max_size=255`` (a category column with at most 255 values is split one value
    at a time instead of through target statistics; every category column of the Home
    Credit data has at most 58 values): on 20,000 clients x 691 features, 150 rounds, 2
    cores, one fit took 26 CPU-s instead of 53 (the target statistics and the 254 bins
    each cost about as much as the trees), hold-out AUC 0.7862 vs 0.7865 (bench/RESULTS.md).
    ``None`` for either leaves CatBoost's default.
    """

    def __init__(self, iterations: int = 300, depth: int = 6, learning_rate: float | None = None,
                 l2_leaf_reg: float = 3.0, class_weights: str | None = None,
                 random_seed: int = 0, thread_count: int = -1, boosting_type: str = "Plain",
                 max_ctr_complexity: int = 1, border_count: int | None = 64,
                 one_hot_max_size: int | None = 255,
                 validation_fraction: float | None = VALIDATION_FRACTION,
                 early_stopping_rounds: int = EARLY_STOPPING_ROUNDS,
                 monotone_constraints: dict | None = None):
        self.iterations = iterations
        self.depth = depth
        self.learning_rate = learning_rate
        self.l2_leaf_reg = l2_leaf_reg
        self.class_weights = class_weights
        self.random_seed = random_seed
        self.thread_count = thread_count
        self.boosting_type = boosting_type
        self.max_ctr_complexity = max_ctr_complexity
        self.border_count = border_count
        self.one_hot_max_size = one_hot_max_size
        self.validation_fraction = validation_fraction
        self.early_stopping_rounds = early_stopping_rounds
        self.monotone_constraints = monotone_constraints

    def _monotone(self, X: pd.DataFrame) -> dict:
        given = self.monotone_constraints or {}
        bad = {k: v for k, v in given.items() if v not in (-1, 0, 1)}
        if bad:
            name, value = next(iter(bad.items()))
            raise ValueError(f"monotone_constraints: the direction of {name!r} must be -1, 0 "
                             f"or 1, got {value!r}")
        numeric = set(X.columns) - set(self.categorical_)
        return {str(k): int(v) for k, v in given.items() if k in numeric and v}

    def _params(self) -> dict:
        if self.class_weights not in (None, "balanced"):
            raise ValueError(f"class_weights must be None or 'balanced', got "
                             f"{self.class_weights!r}")
        params = dict(iterations=int(self.iterations), depth=int(self.depth),
                      l2_leaf_reg=float(self.l2_leaf_reg), random_seed=int(self.random_seed),
                      thread_count=int(self.thread_count), loss_function="Logloss",
                      boosting_type=self.boosting_type, boost_from_average=True,
                      max_ctr_complexity=int(self.max_ctr_complexity),
                      verbose=0, allow_writing_files=False)
        if self.learning_rate is not None:
            params["learning_rate"] = float(self.learning_rate)
        for name in ("border_count", "one_hot_max_size"):  # None: CatBoost's default
            if getattr(self, name) is not None:
                params[name] = int(getattr(self, name))
        if self.class_weights == "balanced":
            params["auto_class_weights"] = "Balanced"
        return params

    def fit(self, X: pd.DataFrame, y):
        from catboost import CatBoostClassifier

        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"X must be a pandas DataFrame, got {type(X).__name__}")
        self.categorical_ = categorical_columns(X)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        y = np.asarray(y)
        params = self._params()
        monotone = self._monotone(X)
        if monotone:
            params["monotone_constraints"] = monotone
        self.monotone_ = monotone
        split = (None if self.validation_fraction is None else
                 inner_split(y, self.validation_fraction, int(self.random_seed)))
        frame = catboost_frame(X, self.categorical_)
        model = CatBoostClassifier(**params, cat_features=self.categorical_)
        if split is None:
            if self.validation_fraction is not None:  # asked for, but too few rows
                model.set_params(iterations=min(int(self.iterations), FALLBACK_ROUNDS))
            model.fit(frame, y)
            self.validation_index_ = None
            self.fit_rows_ = len(y)
        else:
            fit, valid = split
            model.fit(frame.iloc[fit], y[fit], eval_set=(frame.iloc[valid], y[valid]),
                      early_stopping_rounds=int(self.early_stopping_rounds),
                      use_best_model=True)
            self.validation_index_ = X.index[valid]
            self.fit_rows_ = len(fit)
        self.rounds_ = int(model.tree_count_)
        self.learning_rate_ = round(float(model.get_all_params()["learning_rate"]), 6)
        self.model_ = model
        self.classes_ = np.asarray(model.classes_)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "model_")
        X = X[list(self.feature_names_in_)]
        return self.model_.predict_proba(catboost_frame(X, self.categorical_))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def shap_values(self, X: pd.DataFrame) -> np.ndarray:
        """CatBoost's own SHAP values of ``X``'s rows: a rows x (features + 1) matrix in
        log-odds, the last column the expected value (``type="ShapValues"``)."""
        from catboost import Pool

        check_is_fitted(self, "model_")
        X = X[list(self.feature_names_in_)]
        pool = Pool(catboost_frame(X, self.categorical_), cat_features=self.categorical_)
        return self.model_.get_feature_importance(pool, type="ShapValues")


class DropEmptyColumns(TransformerMixin, BaseEstimator):
    """Drops the columns without any observed value in the data it is fitted on.

    HistGradientBoosting fails on a column that is entirely missing (scikit-learn 1.9:
    "window shape cannot be larger than input array shape"); a rare aggregate can be
    empty in one fold of a small data set.
    """

    def fit(self, X: pd.DataFrame, y=None):
        self.columns_ = [c for c in X.columns if X[c].notna().any()]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        check_is_fitted(self, "columns_")
        return X[self.columns_]


_NUMBERS = make_column_selector(dtype_exclude="category")
_CATEGORIES = make_column_selector(dtype_include="category")


def logistic_regression(class_weight=None, C: float = 0.05, seed: int = 0,
                        tol: float = 1e-3) -> Pipeline:
    """Median imputation, standardisation and one-hot categories, then a logistic regression.

    ``tol=1e-3`` (scikit-learn's default 1e-4): L-BFGS stopped after 24 iterations instead
    of 123 on 20,000 clients x 691 features, a third of the fit time, hold-out AUC 0.7855
    instead of 0.7858 (bench/RESULTS.md).
    """
    numbers = Pipeline([("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                        ("scale", StandardScaler())])
    prepare = ColumnTransformer([
        ("numbers", numbers, _NUMBERS),
        ("categories", OneHotEncoder(handle_unknown="ignore", min_frequency=20,
                                     sparse_output=False), _CATEGORIES),
    ])
    model = LogisticRegression(C=C, class_weight=class_weight, tol=tol, max_iter=2000,
                               random_state=seed)
    return Pipeline([("prepare", prepare), ("model", model)])


def random_forest(class_weight=None, n_estimators: int = 100, seed: int = 0,
                  max_samples: float = 0.25) -> Pipeline:
    """Categories as integer codes, then ``n_estimators`` trees, each grown on a bootstrap
    sample of ``max_samples`` of the rows (0.25: half the time of 0.5, see bench/RESULTS.md)."""
    prepare = ColumnTransformer([
        ("numbers", "passthrough", _NUMBERS),
        ("categories", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                      encoded_missing_value=-1), _CATEGORIES),
    ])
    model = RandomForestClassifier(n_estimators=n_estimators, min_samples_leaf=20,
                                   max_features="sqrt", max_samples=max_samples,
                                   class_weight=class_weight, n_jobs=-1,
                                   random_state=seed)
    return Pipeline([("prepare", prepare), ("model", model)])


def hist_gbm(class_weight=None, iterations: int = 300, seed: int = 0,
             early_stopping: bool = True) -> Pipeline:
    """HistGradientBoosting with at most ``iterations`` rounds.

    ``early_stopping``: stop when the log-loss on a stratified 10 % of the fit's rows has not
    improved for 10 rounds (as the public LightGBM kernel stops on a validation set). With a
    learning rate of 0.1 the boosting overfits well before 150 rounds on 20,000 clients x 691
    features: stopped at 44 rounds, hold-out AUC 0.7848 instead of 0.7790 after 150 rounds,
    in a third of the time (bench/RESULTS.md).
    """
    model = HistGradientBoostingClassifier(
        max_iter=iterations, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=40,
        l2_regularization=1.0, categorical_features="from_dtype",
        early_stopping=bool(early_stopping), validation_fraction=0.1, n_iter_no_change=10,
        class_weight=class_weight, random_state=seed)
    return Pipeline([("drop_empty", DropEmptyColumns()), ("model", model)])


def fitted_rounds(model) -> int | None:
    """The boosting rounds a fitted candidate kept (CatBoost's trees, HistGradientBoosting's
    iterations), ``None`` for the others."""
    if isinstance(model, CatBoostModel):
        return model.rounds_
    last = model.steps[-1][1] if isinstance(model, Pipeline) else model
    return int(last.n_iter_) if hasattr(last, "n_iter_") and isinstance(
        last, HistGradientBoostingClassifier) else None


def candidate_models(iterations: int = 300, seed: int = 0, depth: int = 6,
                     names=None, *, learning_rate: float | None = None,
                     early_stopping: bool = True, monotone: dict | None = None) -> dict:
    """The estimators compared in cross-validation, by name (see :data:`LABELS`).

    ``iterations``: the most boosting rounds CatBoost and HistGradientBoosting may use
    before they stop early (the random forest grows 100 trees). ``names``: a subset of
    :data:`LABELS` to build (default all). CatBoost's ``learning_rate`` (``None``: its own),
    ``early_stopping`` (``False``: exactly ``iterations`` rounds on every row) and
    ``monotone`` constraints (``{feature: +1 or -1}``, see :mod:`.monotone`).
    """
    if iterations < 1:
        raise ValueError(f"iterations must be at least 1, got {iterations}")
    boosting = dict(random_seed=seed, learning_rate=learning_rate,
                    validation_fraction=VALIDATION_FRACTION if early_stopping else None,
                    monotone_constraints=dict(monotone) if monotone else None)
    makers = {
        "logreg": lambda: logistic_regression(None, seed=seed),
        "logreg_balanced": lambda: logistic_regression("balanced", seed=seed),
        "random_forest": lambda: random_forest(None, seed=seed),
        "hist_gbm": lambda: hist_gbm(None, iterations, seed),
        "catboost": lambda: CatBoostModel(iterations, depth, **boosting),
        "catboost_balanced": lambda: CatBoostModel(iterations, depth, class_weights="balanced",
                                                   **boosting),
    }
    names = list(LABELS) if names is None else list(names)
    unknown = [n for n in names if n not in makers]
    if unknown:
        raise ValueError(f"unknown model name(s) {unknown}; known: {', '.join(LABELS)}")
    return {n: makers[n]() for n in names}
