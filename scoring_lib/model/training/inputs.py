"""The model's input: a feature frame, checked before any training.

A feature frame has one row per client: ``SK_ID_CURR`` (a column or the index), ``TARGET``
(0 or 1 for training clients, missing for test clients) and the feature columns, each of a
numeric dtype or a pandas ``Categorical``. :func:`check_feature_frame` turns it into
:class:`ModelData` or raises :class:`~scoring_lib.bundle.errors.FeatureFrameError` naming the
problem: unexpected or missing columns, unsupported types, infinite values, a TARGET outside
{0, 1}, a single class, fewer clients of a class than cross-validation folds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ...bundle.errors import FeatureFrameError
from ...data.schema import KEY, TARGET  # re-exported: their home is the schema

__all__ = ["KEY", "TARGET", "ModelData", "check_feature_frame", "read_feature_frame",
           "sample_training"]


@dataclass
class ModelData:
    """Training and test rows of a checked feature frame (both indexed by ``SK_ID_CURR``)."""

    X: pd.DataFrame               # training clients, feature columns only
    y: np.ndarray                 # their TARGET (int 0/1), in the row order of X
    X_test: pd.DataFrame          # clients without TARGET
    features: list[str]
    categorical: list[str] = field(default_factory=list)

    @property
    def n_train(self) -> int:
        return len(self.X)

    def all_clients(self) -> pd.DataFrame:
        """Training then test rows, features only."""
        return pd.concat([self.X, self.X_test]) if len(self.X_test) else self.X


def read_feature_frame(path, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a feature file (Parquet) into a frame with ``SK_ID_CURR`` as a column."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"feature file not found: {path}")
    frame = pd.read_parquet(path, columns=columns)
    if frame.index.name == KEY:
        frame = frame.reset_index()
    return frame


def _fail(detail, columns=(), path=None):
    raise FeatureFrameError(detail, columns, path)


def _names(columns, limit=8) -> str:
    columns = list(columns)
    text = ", ".join(map(str, columns[:limit]))
    return text + (f" and {len(columns) - limit} more" if len(columns) > limit else "")


def check_feature_frame(frame: pd.DataFrame, folds: int = 5, features=None,
                        path=None) -> ModelData:
    """Check ``frame`` and split it into training and test rows.

    ``features``: the expected feature columns (e.g. from the features metadata). When
    given, any other column is refused as unexpected and each of them must be present.
    ``folds``: the number of cross-validation folds the rows must allow (each class needs at
    least that many training clients). ``path`` only serves the error messages.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if isinstance(folds, bool) or not isinstance(folds, (int, np.integer)) or folds < 2:
        raise ValueError(f"folds must be a whole number of at least 2, got {folds!r}")
    if frame.index.name == KEY and KEY not in frame.columns:
        frame = frame.reset_index()
    dup = frame.columns[frame.columns.duplicated()].unique()
    if len(dup):
        _fail(f"duplicated column name(s): {_names(dup)}", dup, path)
    for col in (KEY, TARGET):
        if col not in frame.columns:
            _fail(f"missing column {col} (expected {KEY}, {TARGET} and the features)",
                  [col], path)
    names = [c for c in frame.columns if c not in (KEY, TARGET)]
    if features is not None:
        features = list(features)
        unexpected = [c for c in names if c not in set(features)]
        if unexpected:
            _fail(f"unexpected column(s) not in the feature metadata: {_names(unexpected)}",
                  unexpected, path)
        missing = [c for c in features if c not in frame.columns]
        if missing:
            _fail(f"missing feature column(s): {_names(missing)}", missing, path)
        names = features
    if not names:
        _fail(f"no feature column besides {KEY} and {TARGET}", (), path)
    bad_types = [c for c in names if not (isinstance(frame[c].dtype, pd.CategoricalDtype)
                                          or pd.api.types.is_numeric_dtype(frame[c].dtype))]
    if bad_types:
        kinds = sorted({str(frame[c].dtype) for c in bad_types})
        _fail(f"unexpected column(s) of type {', '.join(kinds)}: {_names(bad_types)}; "
              "expected numbers or pandas categoricals", bad_types, path)
    numeric = [c for c in names if not isinstance(frame[c].dtype, pd.CategoricalDtype)]
    infinite = [c for c in numeric if pd.api.types.is_float_dtype(frame[c].dtype)
                and np.isinf(frame[c].to_numpy()).any()]
    if infinite:
        _fail(f"infinite value(s) in column(s) {_names(infinite)}; expected finite numbers "
              "or missing values", infinite, path)

    key = frame[KEY]
    if key.isna().any() or not pd.api.types.is_integer_dtype(key.dtype):
        _fail(f"{KEY} must be whole numbers without missing values, got dtype {key.dtype}",
              [KEY], path)
    if not key.is_unique:
        d = key[key.duplicated()].unique()[:5]
        _fail(f"{KEY} is not unique: {', '.join(map(str, d))} appear more than once",
              [KEY], path)
    target = pd.to_numeric(frame[TARGET], errors="coerce")
    bad = frame[TARGET][target.isna() & frame[TARGET].notna()
                        | (target.notna() & ~target.isin((0, 1)))]
    if len(bad):
        _fail(f"{TARGET} must be 0, 1 or missing (test clients), found "
              f"{', '.join(map(repr, pd.unique(bad)[:5]))}", [TARGET], path)

    train = target.notna().to_numpy()
    y = target[train].to_numpy().astype(np.int64)
    if len(y) == 0:
        _fail(f"no training client: {TARGET} is missing on every row", [TARGET], path)
    counts = np.bincount(y, minlength=2)
    if (counts == 0).any():
        only = int(np.flatnonzero(counts)[0])
        _fail(f"{TARGET} has a single class: all {len(y):,} training clients are {only}; "
              "a model needs defaulters (1) and repaid loans (0)", [TARGET], path)
    if counts.min() < folds:
        cls = int(np.argmin(counts))
        _fail(f"too few rows for {folds} folds: {counts[cls]} training client(s) with "
              f"{TARGET} = {cls} ({len(y):,} training rows in all); stratified "
              f"cross-validation needs at least {folds} of each class", [TARGET], path)

    X = frame[names].set_axis(pd.Index(key, name=KEY), axis=0)
    categorical = [c for c in names if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return ModelData(X=X[train], y=y, X_test=X[~train], features=list(names),
                     categorical=categorical)


def sample_training(data: ModelData, n: int | None, seed: int = 0,
                    folds: int | None = None) -> ModelData:
    """A stratified sample of ``n`` training clients (all of them if ``n`` is None or more).

    Test clients are kept. The class shares of the sample are those of the full set.
    ``folds``: when given, a sample with fewer clients of a class than that many folds need
    raises :class:`~scoring_lib.bundle.errors.FeatureFrameError` (before any training).
    """
    if n is None or n >= data.n_train:
        return data
    if n < 2:
        raise ValueError(f"sample must be at least 2 clients, got {n}")
    from sklearn.model_selection import train_test_split

    counts = np.bincount(data.y, minlength=2)
    expected = np.floor(counts * n / data.n_train).astype(int)  # the split rounds near this
    if folds is not None and expected.min() < folds:
        cls = int(np.argmin(expected))
        _fail(f"a sample of {n:,} training clients is too small for {folds} folds: it would "
              f"hold about {expected[cls]} client(s) with {TARGET} = {cls} "
              f"({counts[cls]:,} of {data.n_train:,} in all); stratified cross-validation "
              f"needs at least {folds} of each class: sample at least "
              f"{int(np.ceil(folds * data.n_train / counts[cls])):,} clients", [TARGET])
    idx = np.arange(data.n_train)
    keep, _ = train_test_split(idx, train_size=n, stratify=data.y, random_state=seed)
    keep = np.sort(keep)
    y = data.y[keep]
    got = np.bincount(y, minlength=2)
    if folds is not None and got.min() < folds:
        cls = int(np.argmin(got))
        _fail(f"the sample of {n:,} training clients holds {got[cls]} client(s) "
              f"with {TARGET} = {cls}; stratified cross-validation with {folds} folds needs "
              f"at least {folds} of each class", [TARGET])
    return replace(data, X=data.X.iloc[keep], y=y)
