"""What each feature is: one :class:`Feature` record per column, and the metadata frame.

Every feature column of :func:`scoring_lib.features.build_features` has exactly one record,
and the records are what later stages use to write a human label (French and English) and to
group explanations back to the variable a person knows, by ``(table, column)``.

Fields
------
``feature``          the column name: ``<PREFIX>_<COLUMN>_<AGG>`` for aggregates, where the
                     prefix names the table and the subset (``BURO``, ``ACTIVE``, ``CLOSED``,
                     ``PREV``, ``PREV_APPROVED``, ``PREV_REFUSED``, ``POS``, ``INSTAL``,
                     ``CC``); the original name for application columns.
``table``            the source table as the schema names it (``bureau``,
                     ``bureau_balance``, ``previous_application``, ...), or ``application``
                     for application_train and application_test together.
``column``           the source column, or the name of a derived quantity (``PAYMENT_PERC``,
                     ``DPD``, ``APP_CREDIT_PERC``, ...), or ``ROWS`` for counts of rows.
``derived_from``     the source columns the quantity is computed from (``[column]`` for a
                     source column, ``[]`` for ``ROWS``).
``aggregation``      how rows were reduced to one value per client: one of
                     :data:`AGGREGATIONS`, or ``None`` for an application column.
                     Application features: ``ratio`` (one column over another),
                     ``combination`` (a formula over several columns of the application:
                     ``EXT_SOURCES_MEAN``, ``DOCUMENT_COUNT``). Child tables: ``count`` (of
                     rows; with a ``level``, of the rows in that level), ``last`` (the value
                     of the most recent row: the last previous application by
                     ``DAYS_DECISION``; with a ``level``, 1 if that row is in the level, else
                     0), ``trend`` (mean over the last 12 months minus mean over all the
                     client's history).
``inner_aggregation`` for bureau_balance only: the reduction applied first to the months of
                     one bureau credit (``min``, ``max``, ``count``, ``share``) before
                     ``aggregation`` reduces the client's credits; ``None`` elsewhere.
``subset``           which rows were aggregated: one of :data:`SUBSETS`, ``None`` for
                     application columns. ``last_6m`` / ``last_12m``: the rows of the last 6
                     / 12 months before the application (``DAYS_* >= -182`` / ``-365`` for
                     days, ``MONTHS_BALANCE >= -6`` / ``-12`` for months; the date column is
                     the table's own: DAYS_CREDIT, DAYS_DECISION, DAYS_INSTALMENT).
``level``            for ``share`` features (and ``count`` / ``last`` features of one
                     level), the category level counted; else ``None``.
``kind``             ``numeric`` or ``categorical`` (application categoricals only).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import pandas as pd

#: Every value the ``aggregation`` field takes (besides ``None``).
AGGREGATIONS = ("min", "max", "mean", "sum", "var", "count", "nunique", "share", "ratio",
                "combination", "last", "trend")
#: Every value the ``subset`` field takes (besides ``None``).
SUBSETS = ("all", "active", "closed", "approved", "refused", "last_6m", "last_12m")
KINDS = ("numeric", "categorical")
#: ``column`` of a feature that counts rows.
ROWS = "ROWS"
FIELDS = ("feature", "table", "column", "derived_from", "aggregation", "inner_aggregation",
          "subset", "level", "kind")


@dataclass(frozen=True)
class Feature:
    feature: str
    table: str
    column: str
    derived_from: tuple[str, ...] = field(default=())
    aggregation: str | None = None
    inner_aggregation: str | None = None
    subset: str | None = None
    level: str | None = None
    kind: str = "numeric"

    def __post_init__(self):
        if self.aggregation is not None and self.aggregation not in AGGREGATIONS:
            raise ValueError(f"aggregation must be one of {AGGREGATIONS} or None, "
                             f"got {self.aggregation!r} for {self.feature}")
        if self.subset is not None and self.subset not in SUBSETS:
            raise ValueError(f"subset must be one of {SUBSETS} or None, got {self.subset!r} "
                             f"for {self.feature}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")

    def record(self) -> dict:
        out = asdict(self)
        out["derived_from"] = list(self.derived_from)
        return out


def metadata_frame(features: list[Feature]) -> pd.DataFrame:
    """One row per feature, columns :data:`FIELDS`, in feature order.

    Text fields are plain ``object`` columns holding ``None`` where a field does not apply
    (not NaN), so that ``(table, column)`` group-bys and JSON round trips see ``None``.
    """
    return pd.DataFrame([f.record() for f in features], columns=list(FIELDS), dtype=object)


def metadata_records(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready records of a metadata frame (missing values as ``None``)."""
    return [{k: (None if not isinstance(v, list) and pd.isna(v) else v) for k, v in r.items()}
            for r in frame.to_dict("records")]


def metadata_from_records(records: list[dict]) -> pd.DataFrame:
    """The inverse of :func:`metadata_records` (e.g. read back from JSON)."""
    return metadata_frame([Feature(**{**r, "derived_from": tuple(r["derived_from"])})
                           for r in records])


def level_slug(level: str) -> str:
    """A level as it appears in a feature name: runs of other than ``[0-9A-Za-z]`` → ``_``."""
    return re.sub(r"[^0-9A-Za-z]+", "_", str(level)).strip("_")


def level_slugs(levels) -> list[str]:
    """Distinct slugs for ``levels`` (a clash or an empty slug gets the level's position)."""
    out, seen = [], set()
    for i, level in enumerate(levels):
        slug = level_slug(level) or f"L{i}"
        if slug in seen:
            slug = f"{slug}_{i}"
        seen.add(slug)
        out.append(slug)
    return out
