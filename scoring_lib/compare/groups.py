"""Groups of clients an advisor can name: "women aged 30 to 40, married, with a cash loan".

:func:`group_mask` turns a dict of filters into a boolean mask over a frame of clients (one row
per client, with the application's descriptive columns and, for ``decision`` / ``risk_band``,
the precomputed scores); :func:`group` returns the matching rows. Filters combine with AND;
an empty dict selects everybody.

Filters (:data:`FILTERS`)
-------------------------
level filters: a level or a list of levels (any of them), in the raw data's spelling
    ``gender``          CODE_GENDER: ``"F"``, ``"M"``
    ``family_status``   NAME_FAMILY_STATUS: ``"Married"``, ``"Single / not married"``, ...
    ``income_type``     NAME_INCOME_TYPE: ``"Working"``, ``"Pensioner"``, ...
    ``education``       NAME_EDUCATION_TYPE: ``"Higher education"``, ...
    ``contract_type``   NAME_CONTRACT_TYPE: ``"Cash loans"``, ``"Revolving loans"``
    ``decision``        column ``decision``: ``"granted"``, ``"refused"`` (scoring_lib.decision)
    ``risk_band``       column ``risk_band``: the bands of the bundle
range filters: ``(low, high)``, ``low <= value < high``, either end ``None`` for open
    ``age``             years, from DAYS_BIRTH (age = -DAYS_BIRTH / 365.25)
    ``income``          AMT_INCOME_TOTAL
    ``credit``          AMT_CREDIT

A client with a missing value is outside any level or range filter on that value. Unknown
filter names, unknown levels (for the schema's columns and ``decision``: neither in the schema
nor in the data) and malformed ranges raise ``ValueError`` naming the filter.
:func:`filter_levels` lists the levels of a filter found in the data (what a dashboard
offers; each is accepted). Costs a few milliseconds on 356,255 clients.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..data.schema import LEVELS
from ..decision import DECISIONS

DECISION, RISK_BAND = "decision", "risk_band"
DAYS_PER_YEAR = 365.25

#: filter -> (column, kind)
FILTERS: dict[str, tuple[str, str]] = {
    "gender": ("CODE_GENDER", "level"),
    "family_status": ("NAME_FAMILY_STATUS", "level"),
    "income_type": ("NAME_INCOME_TYPE", "level"),
    "education": ("NAME_EDUCATION_TYPE", "level"),
    "contract_type": ("NAME_CONTRACT_TYPE", "level"),
    "decision": (DECISION, "level"),
    "risk_band": (RISK_BAND, "level"),
    "age": ("DAYS_BIRTH", "range"),
    "income": ("AMT_INCOME_TOTAL", "range"),
    "credit": ("AMT_CREDIT", "range"),
}


def _known_levels(column: str):
    if column == DECISION:
        return DECISIONS
    return LEVELS.get(column)


def _in_data(series: pd.Series, level) -> bool:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return level in series.cat.categories
    return bool((series == level).any())


def filter_levels(frame: pd.DataFrame, name: str) -> list[str]:
    """The levels of the level filter ``name`` that some client of ``frame`` has, the most
    frequent first: what a person is offered. :func:`group_mask` accepts each of them (the
    schema's levels, and the levels the loader kept although the schema does not know
    them)."""
    if FILTERS.get(name, (None, None))[1] != "level":
        raise ValueError(f"filter {name!r} is not a level filter; level filters: "
                         f"{[f for f, (_, kind) in FILTERS.items() if kind == 'level']}")
    counts = frame[FILTERS[name][0]].value_counts(dropna=True)
    return [str(x) for x in counts.index[counts.to_numpy() > 0]]


def _level_mask(series: pd.Series, name: str, wanted) -> np.ndarray:
    if isinstance(wanted, (str, bytes)) or not hasattr(wanted, "__iter__"):
        wanted = [wanted]
    wanted = list(wanted)
    if not wanted:
        raise ValueError(f"filter {name!r}: expected a level or a non-empty list of levels")
    known = _known_levels(series.name)
    if known is not None:  # a level found in the data is known too (see filter_levels)
        unknown = [w for w in wanted if w not in known and not _in_data(series, w)]
        if unknown:
            raise ValueError(f"filter {name!r}: unknown level(s) {unknown}; known levels: "
                             f"{list(known)}")
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = series.cat.categories
        codes = [cats.get_loc(w) for w in wanted if w in cats]
        return np.isin(series.cat.codes.to_numpy(), codes)
    return series.isin(wanted).to_numpy(dtype=bool, na_value=False)


def _range(name: str, bounds) -> tuple[float, float]:
    try:
        low, high = bounds
    except (TypeError, ValueError):
        raise ValueError(f"filter {name!r}: expected (low, high) with None for an open end, "
                         f"got {bounds!r}") from None
    low = -np.inf if low is None else float(low)
    high = np.inf if high is None else float(high)
    if not low < high:
        raise ValueError(f"filter {name!r}: low must be below high, got {bounds!r}")
    return low, high


def group_mask(frame: pd.DataFrame, filters: Mapping | None = None) -> np.ndarray:
    """Boolean mask (one entry per row of ``frame``) of the clients matching ``filters``."""
    filters = dict(filters or {})
    unknown = [f for f in filters if f not in FILTERS]
    if unknown:
        raise ValueError(f"unknown filter(s) {unknown}; known filters: {list(FILTERS)}")
    mask = np.ones(len(frame), dtype=bool)
    for name, wanted in filters.items():
        if wanted is None:
            continue
        column, kind = FILTERS[name]
        if column not in frame.columns:
            raise ValueError(f"filter {name!r} needs column {column!r}, which the frame lacks")
        series = frame[column]
        if kind == "level":
            mask &= _level_mask(series, name, wanted)
            continue
        low, high = _range(name, wanted)
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        if name == "age":
            values = -values / DAYS_PER_YEAR
        with np.errstate(invalid="ignore"):
            mask &= (values >= low) & (values < high)
    return mask


def group(frame: pd.DataFrame, filters: Mapping | None = None) -> pd.DataFrame:
    """The rows of ``frame`` matching ``filters`` (see :func:`group_mask`)."""
    return frame[group_mask(frame, filters)]
