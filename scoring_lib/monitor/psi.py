"""Population stability index (PSI) with fixed reference bins, and when it is worth a look.

The bins are learnt once from the reference (the training population) and kept
(:class:`Reference`, JSON-ready, stored in the bundle's model statistics), so that every new
batch is cut the same way:

* numeric variable: the deciles of the reference's finite values (observed values, numpy's
  ``inverted_cdf`` quantiles; repeated edges merged: a variable with few distinct values
  gets fewer bins), bins ``(-inf, e1], (e1, e2], ...,
  (ek, +inf)``, then **missing values as their own bin**;
* categorical variable: one bin per level seen in the reference, a bin for missing values
  and a bin for the levels the reference never had (*unseen*, reported by name with their
  count).

``PSI = sum over bins of (a - e) * ln(a / e)``, with ``e`` and ``a`` the reference and new
shares of each bin; a bin empty on one side counts as a share of :data:`FLOOR` (bins empty on
both sides are dropped). Bands: below 0.1 *stable*, 0.1 to 0.25 *watch*, above 0.25 *act*.

**Sample size.** Two samples of the same population never have exactly the same shares, so
the PSI of a small batch is large by chance alone (and an empty bin, floored at 1e-4, adds
up to ``e * ln(e / 1e-4)`` by itself). For small differences PSI is close to the
chi-square distance ``sum (a - e)^2 / e``, so "no drift" (both samples drawn from the same
shares) is tested with **Pearson's chi-square test of homogeneity** of the 2 x ``k`` table
of counts (``k`` non-empty bins, ``k - 1`` degrees of freedom), which stays well behaved
with empty bins. The rule: a variable is banded *watch* or *act* only if its PSI is above
the band's limit **and** the test rejects "no drift" (``p < ALPHA``, :data:`ALPHA` = 1 %;
a report over many variables divides it by their number,
:func:`scoring_lib.monitor.drift.drift_report`); otherwise it is *stable*, and its
``band_by_value`` still says what the value alone would give. :func:`critical_psi` gives
the order of magnitude: with 300,000 reference clients and 10 bins, chance alone gives a
PSI around 0.09 for 100 new clients (about 0.22 at p = 1 %), around 0.0002 for 50,000.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

#: the usual limits: below 0.1 stable, 0.1 to 0.25 watch, above 0.25 act
STABLE, WATCH, ACT = "stable", "watch", "act"
LIMITS = ((0.1, STABLE), (0.25, WATCH))
BANDS = (STABLE, WATCH, ACT)
#: significance level of the "no drift" test below which a band other than stable is given
ALPHA = 0.01
#: the share that stands for an empty bin (log of zero otherwise)
FLOOR = 1e-4
#: number of quantile bins of a numeric variable (before merging repeated edges)
N_BINS = 10
MISSING, UNSEEN = "(missing)", "(unseen)"

__all__ = ["ACT", "ALPHA", "BANDS", "FLOOR", "LIMITS", "N_BINS", "PSIResult", "Reference",
           "STABLE", "WATCH", "band_of", "compare", "critical_psi", "no_drift_p_value",
           "psi_value", "reference_bins"]


def band_of(psi: float) -> str:
    """The band of a PSI value alone (no sample-size test)."""
    for limit, name in LIMITS:
        if psi < limit:
            return name
    return ACT


def psi_value(expected, actual, floor: float = FLOOR) -> float:
    """PSI of two vectors of counts (or shares) over the same bins."""
    e = np.asarray(expected, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    if e.shape != a.shape or e.ndim != 1:
        raise ValueError(f"expected and actual must be counts over the same bins, got "
                         f"shapes {e.shape} and {a.shape}")
    if (e < 0).any() or (a < 0).any() or e.sum() <= 0 or a.sum() <= 0:
        raise ValueError("expected and actual must be non-negative counts, not all zero")
    keep = (e > 0) | (a > 0)
    e = np.maximum(e[keep] / e.sum(), floor)
    a = np.maximum(a[keep] / a.sum(), floor)
    return float(np.sum((a - e) * np.log(a / e)))


def no_drift_p_value(expected, actual) -> float:
    """p-value of Pearson's chi-square test that the counts ``expected`` (reference) and
    ``actual`` (new), over the same bins, come from the same shares (bins empty on both
    sides dropped; 1.0 when fewer than two bins remain)."""
    from scipy.stats import chi2

    table = np.vstack([np.asarray(expected, dtype=np.float64),
                       np.asarray(actual, dtype=np.float64)])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 1.0
    fitted = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
    statistic = float(((table - fitted) ** 2 / fitted).sum())
    return float(chi2.sf(statistic, table.shape[1] - 1))


def critical_psi(bins: int, n_ref: int, n_new: int, alpha: float = ALPHA) -> float:
    """The PSI that chance alone exceeds with probability ``alpha`` between samples of
    sizes ``n_ref`` and ``n_new`` over ``bins`` bins, when every bin is well filled
    (``PSI / (1/n_ref + 1/n_new)`` is then about chi-square with ``bins - 1`` degrees of
    freedom; Yurdakul 2018): an order of magnitude, the test itself is
    :func:`no_drift_p_value`."""
    from scipy.stats import chi2

    if bins < 2:
        return math.inf
    return float(chi2.isf(alpha, bins - 1) * (1.0 / n_ref + 1.0 / n_new))


@dataclass
class Reference:
    """The fixed bins of one variable and the reference's count in each.

    ``kind``: "numeric" or "categorical"; ``edges``: the inner edges (numeric);
    ``levels``: the reference's levels (categorical); ``counts``: one per bin, in the order
    of :meth:`labels` (numeric: the intervals then missing; categorical: the levels, then
    missing, then unseen)."""

    kind: str
    counts: list[int]
    edges: list[float] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return int(sum(self.counts))

    def labels(self) -> list[str]:
        if self.kind == "categorical":
            return [*self.levels, MISSING, UNSEEN]
        bounds = ["-inf", *(f"{e:.6g}" for e in self.edges), "+inf"]
        return [f"({lo}, {hi}]" for lo, hi in zip(bounds[:-1], bounds[1:])] + [MISSING]

    def count(self, values) -> tuple[np.ndarray, dict[str, int]]:
        """The counts of ``values`` in these bins, and the unseen levels with their count."""
        if self.kind == "categorical":
            return _count_levels(self.levels, values)
        x = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=np.float64)
        missing = np.isnan(x)
        where = np.searchsorted(np.asarray(self.edges, dtype=np.float64), x[~missing],
                                side="left")
        counts = np.bincount(where, minlength=len(self.edges) + 1)
        return np.r_[counts, missing.sum()].astype(np.int64), {}

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, record: dict) -> Reference:
        if record.get("kind") not in ("numeric", "categorical"):
            raise ValueError(f"a reference's kind must be 'numeric' or 'categorical', got "
                             f"{record.get('kind')!r}")
        return cls(record["kind"], [int(c) for c in record["counts"]],
                   [float(e) for e in record.get("edges", [])],
                   [str(v) for v in record.get("levels", [])])


def _is_categorical(values) -> bool:
    dtype = getattr(values, "dtype", None)
    if dtype is None:  # a list: the dtype pandas infers ("str" for text)
        dtype = pd.Series(values).dtype
    return (isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype)
            or pd.api.types.is_object_dtype(dtype) or pd.api.types.is_bool_dtype(dtype))


def _count_levels(levels: list[str], values) -> tuple[np.ndarray, dict[str, int]]:
    s = pd.Series(values)
    missing = int(s.isna().sum())
    tally = s.dropna().astype(str).value_counts()
    counts = [int(tally.get(level, 0)) for level in levels]
    unseen = {str(k): int(v) for k, v in tally.items() if k not in set(levels) and v > 0}
    return (np.asarray([*counts, missing, sum(unseen.values())], dtype=np.int64),
            dict(sorted(unseen.items(), key=lambda kv: (-kv[1], kv[0]))))


def reference_bins(values, bins: int = N_BINS, categorical: bool | None = None) -> Reference:
    """The fixed bins of the reference ``values`` (see the module docstring) and its counts.
    ``categorical``: None guesses from the dtype (category, text or boolean)."""
    if categorical is None:
        categorical = _is_categorical(values)
    if categorical:
        s = pd.Series(values)
        levels = sorted(map(str, s.dropna().astype(str).unique()))
        counts, _ = _count_levels(levels, s)
        return Reference("categorical", counts.tolist(), levels=levels)
    x = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=np.float64)
    finite = x[np.isfinite(x)]
    edges = (np.unique(np.quantile(finite, np.arange(1, bins) / bins,
                                   method="inverted_cdf"))
             if len(finite) else np.array([]))
    reference = Reference("numeric", [], edges=[float(e) for e in edges])
    reference.counts = reference.count(x)[0].tolist()
    return reference


@dataclass
class PSIResult:
    """One variable's comparison: ``psi``, ``band`` (after the sample-size test),
    ``band_by_value`` (the value alone), ``p_value`` (no drift), the sizes, the number of
    non-empty ``bins`` and the ``unseen`` levels (categorical) with their count."""

    psi: float
    band: str
    band_by_value: str
    p_value: float
    n_reference: int
    n_new: int
    bins: int
    unseen: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def compare(reference: Reference, values, alpha: float = ALPHA) -> PSIResult:
    """PSI of the new ``values`` against the fixed bins of ``reference``, banded with the
    sample-size rule of the module docstring."""
    counts, unseen = reference.count(values)
    expected = np.asarray(reference.counts, dtype=np.float64)
    n_ref, n_new = int(expected.sum()), int(counts.sum())
    if n_new == 0:
        raise ValueError("no new values to compare with the reference")
    psi = psi_value(expected, counts)
    bins = int(((expected > 0) | (counts > 0)).sum())
    p_value = no_drift_p_value(expected, counts)
    by_value = band_of(psi)
    band = by_value if p_value < alpha else STABLE
    return PSIResult(psi, band, by_value, p_value, n_ref, n_new, bins, unseen)
