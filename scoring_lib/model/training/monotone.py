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
constraint also orders the missing. For a past-due aggregate that is what a person expects:
a client without the child table has no recorded day past due, and is never rated riskier
than one with none. For an external score it is not: a missing score is not the lowest score
(on the real data a missing EXT_SOURCE_1 is about average risk), and forcing it there cost
0.003-0.008 AUC on the demo's data (bench/RESULTS.md, "Model quality — issue #16").
:func:`coherent_with_missing` therefore keeps a score's constraint only when the score is
missing for at most :data:`MAX_MISSING` of the training rows (EXT_SOURCE_2 and the means,
minimum, maximum and weighted mean of the scores, missing only when all three are; not
EXT_SOURCE_1, EXT_SOURCE_3 or the product).
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["DECREASING", "INCREASING", "MAX_MISSING", "PAST_DUE_AGGREGATIONS",
           "SCORE_COMBINATIONS", "coherent_with_missing", "monotone_directions"]

INCREASING, DECREASING = 1, -1
#: name endings of the combinations of external scores that keep the scores' direction
SCORE_COMBINATIONS = ("MEAN", "MIN", "MAX", "PROD", "WEIGHTED")
#: reductions of a past-due quantity that grow with it
PAST_DUE_AGGREGATIONS = ("max", "mean", "sum")
#: largest share of missing values of a constrained score (see the module docstring)
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


def coherent_with_missing(directions: dict, X: pd.DataFrame,
                          max_missing: float = MAX_MISSING) -> dict:
    """The constraints of ``directions`` on columns of ``X``, without those of the scores
    (direction -1) missing in more than ``max_missing`` of its rows: CatBoost would rank
    their missing values as the lowest scores (module docstring). No target is read."""
    present = [c for c in directions if c in X.columns]
    if not present:
        return {}
    share = X[present].isna().mean()
    return {c: directions[c] for c in present
            if directions[c] != DECREASING or share[c] <= max_missing}
