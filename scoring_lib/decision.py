"""The decision vocabulary, one spelling for the whole product: what a score decides.

A client is :data:`REFUSED` when the calibrated probability of default is at or above the
bundle's threshold, else :data:`GRANTED` (:func:`decide`). Training writes these words into
``scores.parquet``'s ``DECISION`` column, the bundle loader checks them, the Scorer, the
group filters, the dashboard and the CLI read them; their French and English words are in
:mod:`scoring_lib.words`.

The risk band says how sure the decision is (:func:`risk_band`): :data:`BORDERLINE` when the
probability is within :data:`BORDERLINE_WIDTH` (2 percentage points) of the threshold
(``threshold - width <= probability < threshold + width``), else :data:`LOW` (below) or
:data:`HIGH` (above). A borderline client may be granted or refused: the decision is the
threshold's.

Only numpy: the bundle package and a Scorer process import this module without scikit-learn.
"""

from __future__ import annotations

import numpy as np

GRANTED, REFUSED = "granted", "refused"
#: the decisions, in the order of ``scores.parquet``'s categories
DECISIONS = (GRANTED, REFUSED)
LOW, BORDERLINE, HIGH = "low", "borderline", "high"
#: the risk bands, from the lowest risk
RISK_BANDS = (LOW, BORDERLINE, HIGH)
BORDERLINE_WIDTH = 0.02

__all__ = ["BORDERLINE", "BORDERLINE_WIDTH", "DECISIONS", "GRANTED", "HIGH", "LOW", "REFUSED",
           "RISK_BANDS", "decide", "risk_band", "risk_band_codes"]


def decide(proba, threshold: float) -> np.ndarray:
    """:data:`REFUSED` where ``proba >= threshold``, else :data:`GRANTED` (an array)."""
    return np.where(np.asarray(proba, dtype=np.float64) >= threshold, REFUSED, GRANTED)


def risk_band_codes(probability, threshold: float,
                    width: float = BORDERLINE_WIDTH) -> np.ndarray:
    """Positions in :data:`RISK_BANDS` (0 low, 1 borderline, 2 high), vectorised."""
    p = np.asarray(probability, dtype=np.float64)
    return np.where(p < threshold - width, 0, np.where(p >= threshold + width, 2, 1))


def risk_band(probability, threshold: float, width: float = BORDERLINE_WIDTH):
    """:data:`LOW`, :data:`BORDERLINE` (``threshold - width <= probability < threshold +
    width``) or :data:`HIGH`; a string for a number, an array for an array."""
    out = np.asarray(RISK_BANDS)[risk_band_codes(probability, threshold, width)]
    return str(out) if out.ndim == 0 else out
