"""Plausibility of amounts and days: values a file may hold but that are likely mistakes.

Amounts (``AMT_*``) are never negative and days (``DAYS_*``, counted relative to the
application: negative = before it) never positive in most columns of the real data. A file
that holds such values still loads (they may be right), but the load report warns about them
(:class:`Implausible`), naming the file, the column, how many rows and an example.

Which columns are checked comes from the facts about the real data
(:mod:`scoring_lib.data.reference`: quantiles of 1,000 real rows per table): an amount whose
real minimum is >= 0, a day whose real maximum is <= 0. Days that use the 365243 sentinel
("not applicable") are left out — their quantiles above the sentinel's share are all the
sentinel, so the sample cannot tell whether other values are ever positive — and so are the
columns where the full real tables (their published ``describe()``) hold values of the other
sign that a 1,000-row sample happens to miss (:data:`FULL_DATA_EXCEPTIONS`).
``DAYS_EMPLOYED`` is checked with its sentinel aside: its real values are all <= 0 but for
365243.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .reference import real_marginals
from .schema import SENTINEL_COLUMNS, TABLES

#: columns of the full real tables with negative amounts or positive days that the 1,000-row
#: sample of each table does not show
FULL_DATA_EXCEPTIONS: dict[str, tuple[str, ...]] = {
    "bureau": ("AMT_CREDIT_SUM_LIMIT", "DAYS_CREDIT_UPDATE"),
    "credit_card_balance": ("AMT_BALANCE", "AMT_DRAWINGS_ATM_CURRENT",
                            "AMT_DRAWINGS_CURRENT", "AMT_RECEIVABLE_PRINCIPAL"),
    "previous_application": ("AMT_DOWN_PAYMENT",),
}
#: sentinel columns whose other real values are all <= 0 (checked with the sentinel aside)
NEVER_POSITIVE_BESIDES_SENTINEL: dict[str, tuple[str, ...]] = {
    "application_train": ("DAYS_EMPLOYED",),
}
NEGATIVE, FUTURE = "negative amount", "day after the application"

__all__ = ["FUTURE", "NEGATIVE", "Implausible", "checked_columns", "find_implausible"]


@dataclass(frozen=True)
class Implausible:
    """``rows`` values of ``table``'s ``column`` in file ``file`` are a ``what``
    (:data:`NEGATIVE` or :data:`FUTURE`); the first is ``example`` on ``where`` ``at``
    (``"line"`` of a CSV file, ``"row"`` of a Parquet file)."""
    table: str
    file: str
    column: str
    what: str
    rows: int
    example: float
    where: str
    at: int

    def sentence(self) -> str:
        value = int(self.example) if float(self.example).is_integer() else self.example
        s = "s" * (self.rows > 1)
        if self.what == NEGATIVE:
            found = f"{self.rows:,} negative value{s} (never negative in the real data)"
        else:
            found = (f"{self.rows:,} value{s} > 0, i.e. after the application (days count "
                     f"back from it)")
        return (f"Warning: {self.file}: column {self.column}: {found}, e.g. {value} on "
                f"{self.where} {self.at} (kept; check the file)")


def _facts_table(table: str) -> str:
    return "application_train" if table == "application_test" else table


@lru_cache(maxsize=None)
def checked_columns(table: str) -> dict[str, str]:
    """Column -> :data:`NEGATIVE` or :data:`FUTURE`: what is checked in ``table``."""
    name = _facts_table(table)
    facts = real_marginals()["tables"].get(name, {}).get("columns", {})
    sentinels = SENTINEL_COLUMNS.get(name, ())
    skip = FULL_DATA_EXCEPTIONS.get(name, ())
    out = {}
    for column, fact in facts.items():
        q = fact.get("quantiles_0_1_5_25_50_75_95_99_100")
        if not q or column in skip:
            continue
        if column.startswith("AMT_") and q[0] >= 0:
            out[column] = NEGATIVE
        elif column.startswith("DAYS_"):
            if column in NEVER_POSITIVE_BESIDES_SENTINEL.get(name, ()):
                out[column] = FUTURE
            elif column not in sentinels and q[-1] <= 0:
                out[column] = FUTURE
    return out


def find_implausible(frame: pd.DataFrame, table: str, file: str, where: str,
                     base: int) -> list[Implausible]:
    """The checked columns of ``frame`` (table ``table``, read from ``file``) that hold
    implausible values; row ``i`` of the frame is ``where`` ``i + base`` of the file."""
    out = []
    spec = TABLES[table]
    for column, what in checked_columns(table).items():
        if column not in frame.columns:
            continue
        values = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
        if what == NEGATIVE:
            bad = values < 0
        else:
            bad = values > 0
            sentinel = spec.column(column).sentinel
            if sentinel is not None:  # "not applicable", not a date
                bad &= values != sentinel
        count = int(np.count_nonzero(bad))
        if count:
            i = int(np.argmax(bad))
            out.append(Implausible(table, file, column, what, count, float(values[i]), where,
                                   i + base))
    return out
