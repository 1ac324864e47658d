"""What makes comparing one client after another fast: kept references.

A reference that does not depend on the client (every client, a filtered group) has the
same histogram for every client; only the client's position changes (its value, and the
shares of the reference below / equal / above it, by binary search in the sorted values).
:class:`ComparisonCache` keeps, per (variable, group), the histogram of the first client
compared and the sorted values, and per client its most similar clients, so that a client
switch costs a few binary searches (and one neighbour query against the similar clients).

It is built on plain pieces of a client table (the Scorer builds one: ``Scorer.comparisons``),
and is safe to share between threads (a dashboard server's advisors use one Scorer).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .distributions import Comparison, compare
from .percentiles import RankShares, SortedReference


class Recent:
    """The ``size`` values used last, by key (least recently used evicted), thread-safe.

    ``get(key, make)``: the value kept for ``key``, else ``make()`` (called outside the lock;
    if two threads make the same key, the first kept wins)."""

    def __init__(self, size: int):
        self.size = int(size)
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, make):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            value = self._items.setdefault(key, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class Position:
    """One client against a reference on one variable.

    ``comparison``: the reference's histogram and summary (for a kept reference, what
    they say of the client — the summary's value and shares, the histogram's ``client``
    bin — is about the first client compared: read ``value`` and ``shares`` instead); ``value``: the client's raw value (None when missing); ``shares``:
    the reference's shares below / equal / above it and its mid-rank percentile."""

    comparison: Comparison
    value: float | None
    shares: RankShares


def group_key(filters) -> tuple | None:
    """A hashable key of group filters (None: every client)."""
    if not filters:
        return None
    return tuple(sorted((str(k), repr(v)) for k, v in dict(filters).items()))


class ComparisonCache:
    """Comparisons of one client at a time, with what does not depend on the client kept.

    ``client_ids``: the clients' ids (index of the table, in its order); ``column(name)``:
    every client's raw values of a variable (missing as NaN); ``target``: outcomes (NaN
    unknown); ``group_mask(filters)``: the boolean mask of a group; ``similar(client_id,
    k)``: the ids of the ``k`` clients most like one (the client excluded).
    """

    def __init__(self, client_ids: pd.Index, column: Callable[[str], np.ndarray],
                 target: np.ndarray, group_mask: Callable, similar: Callable,
                 references: int = 32, clients: int = 8, bins: int = 20):
        self.client_ids = client_ids
        self._column = column
        self.target = np.asarray(target, dtype=np.float64)
        self._group_mask = group_mask
        self._similar = similar
        self.bins = int(bins)
        self._values = Recent(64)
        self._references = Recent(references)
        self._groups = Recent(references)
        self._neighbours = Recent(clients)

    def values(self, variable: str) -> np.ndarray:
        """Every client's raw values of ``variable`` (float, missing as NaN), kept."""
        return self._values.get(variable, lambda: np.asarray(
            self._column(variable), dtype=np.float64))

    def group_positions(self, filters) -> np.ndarray:
        """Positions (ascending) of the clients of the group ``filters`` (None or {}: every
        client), kept."""
        key = group_key(filters)
        if key is None:
            return np.arange(len(self.client_ids))
        return self._groups.get(key, lambda: np.flatnonzero(self._group_mask(dict(filters))))

    def similar_positions(self, client_id, k: int) -> np.ndarray:
        """Positions (ascending) of the ``k`` clients most like ``client_id``, kept for the
        last few clients (the histogram and the scatter of a switch share one query)."""
        def query():
            near = np.asarray(self._similar(client_id, k))
            return np.sort(self.client_ids.get_indexer(near))
        return self._neighbours.get((int(client_id), int(k)), query)

    def position(self, client_id, variable: str, reference=None, k: int = 100) -> Position:
        """``client_id`` against ``reference`` (None or "all": every client; "similar": its
        ``k`` most similar clients; a dict: the group of these filters) on ``variable``:
        the same histogram and percentile as :func:`~.distributions.compare` on that
        reference."""
        pos = self.client_ids.get_loc(int(client_id))
        values = self.values(variable)
        raw = values[pos]
        if isinstance(reference, str) and reference == "similar":
            rows = self.similar_positions(client_id, k)
            comparison = compare(pd.Series({variable: raw}),
                                 pd.DataFrame({variable: values[rows]}), [variable],
                                 target=self.target[rows], bins=self.bins)
            row = comparison.summary.loc[variable]
            shares = RankShares(float(row["below"]), float(row["equal"]), float(row["above"]),
                                int(row["n"]))
            return Position(comparison, None if np.isnan(raw) else float(raw), shares)
        if isinstance(reference, str) and reference == "all":
            reference = None
        if reference is not None and not isinstance(reference, dict):
            raise ValueError(f"reference: expected None, 'all', 'similar' or a dict of "
                             f"filters, got {reference!r}")

        def make():
            rows = self.group_positions(reference)
            comparison = compare(pd.Series({variable: raw}),
                                 pd.DataFrame({variable: values[rows]}), [variable],
                                 target=self.target[rows], bins=self.bins)
            return comparison, SortedReference(values[rows])

        comparison, sorted_values = self._references.get((variable, group_key(reference)),
                                                         make)
        value = None if np.isnan(raw) else float(raw)
        return Position(comparison, value, sorted_values.shares(value))
