"""Monotone constraints: the features whose direction a person expects, picked by rule from
the feature metadata (:mod:`scoring_lib.features.metadata`), not from a list of names.

Two rules, one direction each (``+1``: the predicted risk never falls when the feature
rises; ``-1``: it never rises):

* ``-1``, **external scores**: an application feature computed from the external scores
  alone (``derived_from`` only ``EXT_SOURCE_<k>``) that keeps their direction: a score
  itself, or a combination whose name ends in one of :data:`SCORE_COMBINATIONS` (mean,
  minimum, maximum, product, weighted mean of the scores). Their spread (``_STD``) and the
  count of missing scores (``_NAN_COUNT``) have no expected direction and stay free;
* ``+1``, **past due**: a child-table aggregate of a quantity of days or amounts past due
  (a ``column`` naming ``DPD`` or ``OVERDUE``: ``SK_DPD``, ``SK_DPD_DEF``, the instalments'
  ``DPD``, the bureau's ``CREDIT_DAY_OVERDUE``, ``AMT_CREDIT_MAX_OVERDUE``,
  ``AMT_CREDIT_SUM_OVERDUE``) reduced by one of :data:`PAST_DUE_AGGREGATIONS` (max, mean,
  sum: more past due, more of them); a minimum, variance, share or trend stays free, and so
  do days *before* due (``DBD``).

CatBoost treats a missing value as below every observed one (``nan_mode="Min"``), so a
constraint also orders the missing: a client without an external score would never be rated
less risky than one with the lowest score, and one without the child table never riskier
than one with no day past due — neither of which a person expects (on the real data a missing
EXT_SOURCE_1 is about average risk). :func:`mostly_observed` therefore keeps the constraint
only on features missing for at most :data:`MAX_MISSING` of the training rows (the external
scores' combinations, EXT_SOURCE_2, the instalments' and POS days past due; not
EXT_SOURCE_1 or the credit-card aggregates, mostly missing).
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["DECREASING", "INCREASING", "MAX_MISSING", "PAST_DUE_AGGREGATIONS",
           "SCORE_COMBINATIONS", "monotone_directions", "mostly_observed"]

INCREASING, DECREASING = 1, -1
#: name endings of the combinations of external scores that keep the scores' direction
SCORE_COMBINATIONS = ("MEAN", "MIN", "MAX", "PROD", "WEIGHTED")
#: reductions of a past-due quantity that grow with it
PAST_DUE_AGGREGATIONS = ("max", "mean", "sum")
#: largest share of missing values of a constrained feature (see the module docstring)
MAX_MISSING = 0.05
_SCORE = re.compile(r"EXT_SOURCE_\d+")
_PAST_DUE = re.compile(r"(^|_)(DPD|OVERDUE)(_|$)")


def _external_score(row) -> bool:
    sources = list(row["derived_from"] or [])
    if row["table"] != "application" or not sources:
        return False
    if not all(_SCORE.fullmatch(str(s)) for s in sources):
        return False
    name = str(row["feature"])
    return bool(_SCORE.fullmatch(name)) or name.rsplit("_", 1)[-1] in SCORE_COMBINATIONS


def _past_due(row) -> bool:
    return (row["table"] != "application" and row["aggregation"] in PAST_DUE_AGGREGATIONS
            and bool(_PAST_DUE.search(str(row["column"]))))


def monotone_directions(metadata: pd.DataFrame | None) -> dict[str, int]:
    """``{feature: +1 or -1}`` for the numeric features of ``metadata`` (one row per
    feature, the fields of :data:`scoring_lib.features.metadata.FIELDS`) that the rules of
    this module constrain, in the metadata's order. ``None`` or an empty frame: ``{}``."""
    if metadata is None or len(metadata) == 0:
        return {}
    missing = {"feature", "table", "column", "derived_from", "aggregation"} - set(metadata)
    if missing:
        raise ValueError(f"metadata must have the columns feature, table, column, "
                         f"derived_from and aggregation; missing {', '.join(sorted(missing))}")
    out = {}
    for row in metadata.to_dict("records"):
        if row.get("kind", "numeric") != "numeric":
            continue
        if _external_score(row):
            out[str(row["feature"])] = DECREASING
        elif _past_due(row):
            out[str(row["feature"])] = INCREASING
    return out


def mostly_observed(directions: dict, X: pd.DataFrame, max_missing: float = MAX_MISSING) -> dict:
    """The constraints of ``directions`` whose feature is a column of ``X`` missing in at
    most ``max_missing`` of its rows (no target is read: the rows may be any training
    rows)."""
    present = [c for c in directions if c in X.columns]
    if not present:
        return {}
    share = X[present].isna().mean()
    return {c: directions[c] for c in present if share[c] <= max_missing}
