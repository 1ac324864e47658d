"""Where a value stands among reference values: percentiles with ties handled honestly.

Definition (the "mid-rank" percentile)::

    percentile(v) = 100 * (number of reference values < v  +  ½ * number equal to v) / n

where ``n`` counts the reference values that are not missing (missing values are left out of
the reference, and a missing ``v`` has a missing percentile). So the smallest of ``n``
distinct values is at ``50 / n``, the median of an odd number of distinct values at 50, and a
value shared by every client is at 50, not 0 or 100. It is symmetric: the percentile of
``-v`` among ``-reference`` is ``100 - percentile(v)``.

For sentences, :func:`rank_shares` gives the three shares separately (``below``, ``equal``,
``above``, in percent, adding up to 100): "lower than 85 % of clients" uses ``above`` and
"same as 70 % of clients" uses ``equal``, which a single percentile cannot say when many
clients share a value (0 previous refusals, say).

:class:`SortedReference` sorts once and answers each query by binary search: O(log n).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RankShares:
    """Shares of the reference (percent) strictly below, equal to and above a value."""

    below: float
    equal: float
    above: float
    n: int

    @property
    def percentile(self) -> float:
        return self.below + self.equal / 2


def _numbers(values, name: str = "reference") -> np.ndarray:
    if isinstance(values, pd.Series):
        dtype = values.dtype
        if isinstance(dtype, pd.CategoricalDtype) or not (
                pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            raise TypeError(f"{name}: percentiles need numbers, got a {dtype} series")
        values = values.to_numpy(dtype=np.float64, na_value=np.nan)
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name}: percentiles need numbers, got dtype {array.dtype}")
    return array.astype(np.float64, copy=False).ravel()


class SortedReference:
    """A reference distribution sorted once (missing values dropped)."""

    def __init__(self, values):
        array = _numbers(values)
        self.values = np.sort(array[~np.isnan(array)])

    @property
    def n(self) -> int:
        return len(self.values)

    def shares(self, value) -> RankShares:
        """Percent of the reference below, equal to and above ``value`` (NaN if missing)."""
        if value is None or pd.isna(value) or self.n == 0:
            return RankShares(np.nan, np.nan, np.nan, self.n)
        lo = np.searchsorted(self.values, value, side="left")
        hi = np.searchsorted(self.values, value, side="right")
        scale = 100.0 / self.n
        return RankShares(lo * scale, (hi - lo) * scale, (self.n - hi) * scale, self.n)

    def percentile(self, values) -> np.ndarray | float:
        """Mid-rank percentile of each of ``values`` (a scalar gives a float)."""
        scalar = np.ndim(values) == 0
        v = np.atleast_1d(np.asarray(values, dtype=np.float64))
        if self.n == 0:
            out = np.full(v.shape, np.nan)
        else:
            lo = np.searchsorted(self.values, v, side="left")
            hi = np.searchsorted(self.values, v, side="right")
            out = 100.0 * (lo + hi) / (2 * self.n)
            out[np.isnan(v)] = np.nan
        return float(out[0]) if scalar else out


def percentile(value, reference) -> float:
    """Mid-rank percentile (0-100) of ``value`` in ``reference`` (see the module docstring).

    One query costs O(n) without sorting; for many queries against the same reference build a
    :class:`SortedReference` once.
    """
    ref = _numbers(reference)
    ref = ref[~np.isnan(ref)]
    if value is None or pd.isna(value) or len(ref) == 0:
        return np.nan
    below = np.count_nonzero(ref < value)
    equal = np.count_nonzero(ref == value)
    return 100.0 * (below + equal / 2) / len(ref)


def rank_shares(value, reference) -> RankShares:
    """Percent of ``reference`` strictly below, equal to and above ``value``, O(n)."""
    ref = _numbers(reference)
    ref = ref[~np.isnan(ref)]
    n = len(ref)
    if value is None or pd.isna(value) or n == 0:
        return RankShares(np.nan, np.nan, np.nan, n)
    below = np.count_nonzero(ref < value)
    equal = np.count_nonzero(ref == value)
    return RankShares(100.0 * below / n, 100.0 * equal / n, 100.0 * (n - below - equal) / n, n)


class SortedColumns:
    """Many numeric columns, each sorted once: :class:`RankShares` of one value per column.

    Kept as one float32 matrix, column-major, missing values last (``n`` per column counts
    the others); a query value is rounded to float32 too, so that a value equal to a reference
    value stays equal. Built for the reason sentences: a sample of clients x every numeric
    model feature.
    """

    def __init__(self, frame: pd.DataFrame):
        matrix = np.empty((len(frame), frame.shape[1]), dtype=np.float32, order="F")
        for j, name in enumerate(frame.columns):
            matrix[:, j] = _numbers(frame[name], name=str(name))
        self._set(frame.columns, matrix)

    @classmethod
    def from_matrix(cls, names, matrix: np.ndarray) -> SortedColumns:
        """From a float32 matrix (one column per name), sorted in place: no copy when it
        is already float32 and column-major."""
        self = cls.__new__(cls)
        self._set(names, np.asfortranarray(matrix, dtype=np.float32))
        return self

    def _set(self, names, matrix: np.ndarray) -> None:
        self.names = pd.Index(names)
        if matrix.shape[1] != len(self.names):
            raise ValueError(f"matrix: expected {len(self.names)} columns, got "
                             f"{matrix.shape[1]}")
        matrix.sort(axis=0)  # NaN sort last
        self.values = matrix
        self.n = (~np.isnan(matrix)).sum(axis=0)

    def __contains__(self, name) -> bool:
        return name in self.names

    def shares(self, name, value) -> RankShares:
        j = self.names.get_loc(name)
        n = int(self.n[j])
        if value is None or pd.isna(value) or n == 0:
            return RankShares(np.nan, np.nan, np.nan, n)
        column = self.values[:n, j]
        v = np.float32(value)
        lo = int(np.searchsorted(column, v, side="left"))
        hi = int(np.searchsorted(column, v, side="right"))
        scale = 100.0 / n
        return RankShares(lo * scale, (hi - lo) * scale, (n - hi) * scale, n)
