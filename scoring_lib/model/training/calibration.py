"""Calibration of predicted probabilities, fitted without leakage, stored without pickle.

Advisors read the probabilities, so "0.2" must mean "about one such client in five
defaults". :func:`compare_calibration` measures each method on out-of-fold predictions by
**cross-fitting**: for every fold, the calibrator is fitted on the out-of-fold predictions of
the other folds and applied to this one, so no client's calibrated probability has seen its
own outcome. :func:`choose_calibration` keeps the raw probabilities when their expected
calibration error is already small, else the method that lowers it without raising the Brier
score. The final :class:`Calibrator` is then fitted on all
out-of-fold predictions and applied to the final model's scores; it is a handful of numbers
(``to_dict``) stored in ``bundle.json``.

Methods: ``none``; ``platt`` (a logistic regression on the logit of the score:
``sigmoid(a * logit(p) + b)``); ``isotonic`` (a non-decreasing step function, applied with
linear interpolation between its knots, exactly as scikit-learn predicts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from .metrics import classification_metrics, expected_calibration_error

METHODS = ("none", "platt", "isotonic")
_EPS = 1e-6

__all__ = ["METHODS", "Calibrator", "choose_calibration", "compare_calibration", "cross_fit"]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


class Calibrator:
    """Maps a model's score to a calibrated probability (scikit-learn style: ``fit``,
    ``transform``)."""

    def __init__(self, method: str = "none"):
        self.method = method

    def fit(self, proba, y):
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        p = np.asarray(proba, dtype=np.float64)
        y = np.asarray(y)
        if self.method == "platt":
            lr = LogisticRegression(C=1e6, max_iter=1000).fit(_logit(p)[:, None], y)
            self.a_, self.b_ = float(lr.coef_[0, 0]), float(lr.intercept_[0])
        elif self.method == "isotonic":
            iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y)
            self.x_ = np.asarray(iso.X_thresholds_, dtype=np.float64)
            self.y_ = np.asarray(iso.y_thresholds_, dtype=np.float64)
        self.fitted_ = True
        return self

    def transform(self, proba) -> np.ndarray:
        if not getattr(self, "fitted_", False):
            raise RuntimeError("this Calibrator is not fitted yet: call fit() or from_dict()")
        p = np.asarray(proba, dtype=np.float64)
        if self.method == "platt":
            return 1.0 / (1.0 + np.exp(-(self.a_ * _logit(p) + self.b_)))
        if self.method == "isotonic":
            return np.interp(p, self.x_, self.y_)
        return p.copy()

    def to_dict(self) -> dict:
        out = {"method": self.method}
        if self.method == "platt":
            out.update(a=self.a_, b=self.b_)
        elif self.method == "isotonic":
            out.update(x=self.x_.tolist(), y=self.y_.tolist())
        return out

    @classmethod
    def from_dict(cls, record: dict) -> Calibrator:
        self = cls(record["method"])
        if self.method not in METHODS:
            raise ValueError(f"unknown calibration method {self.method!r}")
        if self.method == "platt":
            self.a_, self.b_ = float(record["a"]), float(record["b"])
        elif self.method == "isotonic":
            self.x_ = np.asarray(record["x"], dtype=np.float64)
            self.y_ = np.asarray(record["y"], dtype=np.float64)
            if self.x_.shape != self.y_.shape or self.x_.size == 0:
                raise ValueError("isotonic calibration needs as many x as y knots, at least 1")
        self.fitted_ = True
        return self

    def __repr__(self) -> str:
        return f"Calibrator(method={self.method!r})"


def cross_fit(proba, y, fold, method: str) -> np.ndarray:
    """Calibrated out-of-fold probabilities: fold k calibrated by a fit on the other folds."""
    p = np.asarray(proba, dtype=np.float64)
    y = np.asarray(y)
    fold = np.asarray(fold)
    if method == "none":
        return p.copy()
    out = np.empty_like(p)
    for k in np.unique(fold):
        test = fold == k
        out[test] = Calibrator(method).fit(p[~test], y[~test]).transform(p[test])
    return out


def compare_calibration(proba, y, fold, cost_fn: float = 10.0, cost_fp: float = 1.0,
                        methods=METHODS) -> pd.DataFrame:
    """Metrics of the cross-fitted calibrated probabilities, one row per method.

    Columns: those of :func:`~.metrics.classification_metrics` plus ``ece``
    (expected calibration error) and ``mean_predicted`` against ``observed_rate``.
    """
    rows = {}
    for method in methods:
        q = cross_fit(proba, y, fold, method)
        rows[method] = {**classification_metrics(y, q, cost_fn, cost_fp),
                        "ece": expected_calibration_error(y, q),
                        "mean_predicted": float(np.mean(q)),
                        "observed_rate": float(np.mean(y))}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "calibration"
    return out


def choose_calibration(table: pd.DataFrame, ece_tolerance: float = 0.005,
                       tolerance: float = 0.002) -> str:
    """The method of :func:`compare_calibration`'s ``table`` to use.

    * ``none`` when the raw probabilities are already calibrated: expected calibration
      error at most ``ece_tolerance`` (half a percentage point by default);
    * otherwise the method with the lowest Brier score among those that lower the ECE
      without raising the Brier score; a simpler method (``platt`` before ``isotonic``)
      is kept unless the other's Brier score is lower by more than ``tolerance``
      (relative);
    * ``none`` if no method qualifies.

    The Brier score alone barely moves with calibration when defaults are rare (most of it
    is the outcome's own variance), hence the ECE: on 30,000 clients, raw CatBoost predicted
    0.25 for a top decile that defaulted at 0.30, with a Brier score only 0.5 % above
    Platt's.
    """
    raw = table.loc["none"]
    if raw["ece"] <= ece_tolerance:
        return "none"
    better = [m for m in METHODS[1:] if m in table.index
              and table.loc[m, "brier"] <= raw["brier"] and table.loc[m, "ece"] < raw["ece"]]
    if not better:
        return "none"
    chosen = better[0]
    for method in better[1:]:
        if table.loc[method, "brier"] < table.loc[chosen, "brier"] * (1 - tolerance):
            chosen = method
    return chosen
