"""Contributions in log-odds → effects on the displayed probability of default, exactly.

SHAP values add up on the model's raw scale (log-odds): ``b + sum(c_i) = b + S`` is the
client's raw score, ``b`` the average client's (SHAP's expected value). An advisor reads the
calibrated probability ``P(b + S)`` instead, where ``P`` is the bundle's map from raw score
to displayed probability (:class:`ProbabilityMap`: sigmoid, then the calibration). The
effect of group ``i`` on that probability is taken along the straight path from ``b`` to
``b + S`` (integrated gradients, every contribution scaled by the same ``t`` from 0 to 1)::

    phi_i = c_i * (P(b + S) - P(b)) / S

* exact: ``sum(phi_i) = P(b + S) - P(b)``, the displayed probability minus the average
  client's probability ``P(b)``;
* sign-preserving (``P`` is non-decreasing) and independent of the order of the groups;
* for ``|S|`` tiny, the slope ``P'(b)`` replaces the ratio (the error is of order ``S²``).

With ``P`` the identity, ``phi_i = c_i``. The map mirrors
:meth:`scoring_lib.model.training.calibration.Calibrator.transform` without importing
scikit-learn (a dashboard process never does); a test holds the two to the same values.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: below this |S| (log-odds), the slope at b replaces the ratio
TINY = 1e-7
#: clip of the calibration's logit (the calibration module's ``_EPS``)
_EPS = 1e-6
_METHODS = ("none", "platt", "isotonic")


def _sigmoid(r: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-r))


class ProbabilityMap:
    """The map from raw score (log-odds) to the displayed probability of a bundle:
    ``sigmoid`` then the bundle's calibration (``"none"``, ``"platt"``: ``sigmoid(a *
    logit(p) + b)``, ``"isotonic"``: linear interpolation between knots)."""

    def __init__(self, method: str = "none", a: float = 1.0, b: float = 0.0, x=(), y=()):
        if method not in _METHODS:
            raise ValueError(f"calibration method: expected one of {', '.join(_METHODS)}, "
                             f"got {method!r}")
        self.method = method
        self.a, self.b = float(a), float(b)
        self.x = np.asarray(x, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64)
        if method == "isotonic" and (self.x.size == 0 or self.x.shape != self.y.shape):
            raise ValueError(f"isotonic calibration: expected as many x as y knots (at least "
                             f"one), got {self.x.size} and {self.y.size}")

    @classmethod
    def from_record(cls, record: dict) -> ProbabilityMap:
        """From the ``calibration`` record of ``bundle.json`` (``Calibrator.to_dict``)."""
        if not isinstance(record, dict) or "method" not in record:
            raise ValueError(f"calibration: expected a record with a 'method', got {record!r}")
        method = record["method"]
        if method == "platt":
            return cls(method, a=record["a"], b=record["b"])
        if method == "isotonic":
            return cls(method, x=record["x"], y=record["y"])
        return cls(method)

    def __call__(self, raw):
        r = np.asarray(raw, dtype=np.float64)
        p = _sigmoid(r)
        if self.method == "platt":
            q = np.clip(p, _EPS, 1 - _EPS)
            p = _sigmoid(self.a * np.log(q / (1 - q)) + self.b)
        elif self.method == "isotonic":
            p = np.interp(p, self.x, self.y)
        return float(p) if p.ndim == 0 else p

    def __repr__(self) -> str:
        return f"ProbabilityMap(method={self.method!r})"


def slope(to_probability: Callable, at: float, h: float = 1e-5) -> float:
    """``P'(at)`` by a central difference (never negative: ``P`` is non-decreasing)."""
    return max(0.0, (float(to_probability(at + h)) - float(to_probability(at - h))) / (2 * h))


def probability_effects(contributions, base: float, to_probability: Callable,
                        tiny: float = TINY) -> tuple[np.ndarray, float, float]:
    """The effect of each contribution on the probability (see the module docstring).

    ``contributions``: log-odds (any shape: per feature or per group); ``base``: the raw
    score of the average client; ``to_probability``: the map raw score → probability (a
    :class:`ProbabilityMap`, or any non-decreasing function; the identity gives back the
    contributions). Returns ``(effects, base_probability, probability)``: effects in
    probability (0.032 is 3.2 points), ``P(base)`` and ``P(base + S)``; ``effects.sum() ==
    probability - base_probability`` up to rounding (exact for ``|S| >= tiny``).
    """
    c = np.asarray(contributions, dtype=np.float64)
    if not np.all(np.isfinite(c)):
        raise ValueError("contributions: expected finite log-odds, got NaN or infinity")
    base = float(base)
    if not np.isfinite(base):
        raise ValueError(f"base: expected a finite raw score, got {base!r}")
    total = float(c.sum())
    p0 = float(to_probability(base))
    p1 = float(to_probability(base + total))
    if abs(total) < tiny:
        ratio = slope(to_probability, base)
    else:
        ratio = max(0.0, (p1 - p0) / total)
    return c * ratio, p0, p1
