"""Contributions per feature → contributions per variable a person knows.

A model with ~700 features gives ~700 contributions (log-odds: positive raises the risk of
default). Advisors think in variables: "late payments on previous loans", not
``INSTAL_DPD_MEAN`` and ``INSTAL_DPD_MAX`` and ``INSTAL_DPD_SUM`` separately. Contributions
are additive, so the contribution of a variable is the sum of its features' contributions;
groups are the ``(table, column)`` pairs of the metadata (see
:mod:`scoring_lib.explain.labels`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .labels import describe_features

GROUP_COLUMNS = ("group", "label_fr", "label_en", "contribution", "abs_contribution",
                 "n_features", "top_feature", "top_contribution", "features", "top_label_fr",
                 "top_label_en", "top_gender", "top_unit")


def _dictionary(metadata: pd.DataFrame) -> pd.DataFrame:
    """A features dictionary (:func:`describe_features`), built if ``metadata`` is not one."""
    if {"group", "group_label_fr", "group_label_en"} <= set(metadata.columns):
        return metadata
    return describe_features(metadata)


def group_contributions(contribs: pd.Series, metadata: pd.DataFrame) -> pd.DataFrame:
    """Sum ``contribs`` (index: feature names; values: log-odds) by variable group.

    ``metadata``: the feature metadata frame (``scoring_lib.features.feature_metadata``) or,
    faster, the features dictionary of :func:`~.labels.describe_features` built once.

    Returns one row per group that has at least one of the features, ranked by absolute
    contribution (largest first; ties by group key), with the columns of
    :data:`GROUP_COLUMNS`: ``contribution`` (the sum), ``n_features``, ``top_feature`` (the
    feature that pushes most in the group's direction: the one whose value explains the
    group best), ``top_contribution``, ``features`` (a list, in descending order of
    absolute contribution), and the top feature's label, gender and unit (``top_label_fr``,
    ``top_label_en``, ``top_gender``, ``top_unit``) so that :func:`~.reasons.reasons` can
    write about it. The contributions of the groups add up to those of the features.
    """
    if not isinstance(contribs, pd.Series):
        raise TypeError(f"contribs: expected a pandas Series indexed by feature name, "
                        f"got {type(contribs).__name__}")
    table = _dictionary(metadata)
    where = table.index.get_indexer(contribs.index)
    if (where < 0).any():
        unknown = contribs.index[where < 0]
        raise ValueError(f"contribs: {len(unknown)} feature(s) not in the metadata, e.g. "
                         f"{', '.join(map(str, unknown[:5]))}")
    values = contribs.to_numpy(dtype=np.float64)
    names = contribs.index.to_numpy(dtype=str)
    codes, groups = pd.factorize(table["group"].to_numpy()[where])
    sums = np.bincount(codes, weights=values, minlength=len(groups))
    direction = np.sign(sums)[codes]
    push = values * np.where(direction == 0, 1.0, direction)
    magnitude = np.abs(values)
    # top feature: the first of each group, sorted by push (desc), |contribution|, name
    order = np.lexsort((names, -magnitude, -push, codes))
    firsts = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1]])
    top = order[firsts]
    # features of each group by |contribution| (desc), then name
    by_abs = np.lexsort((names, -magnitude, codes))
    bounds = np.flatnonzero(np.r_[True, codes[by_abs][1:] != codes[by_abs][:-1]])
    ordered, ends = names[by_abs].tolist(), [*bounds[1:].tolist(), len(names)]
    lists = [ordered[start:end] for start, end in zip(bounds.tolist(), ends)]
    first_row = table.index.get_indexer(names[top])
    groups = np.asarray(groups)
    rank = np.lexsort((groups.astype(str), -np.abs(sums)))  # |sum| desc, then key
    rows = first_row[rank]
    columns = {
        "group": groups[rank],
        "label_fr": table["group_label_fr"].to_numpy()[rows],
        "label_en": table["group_label_en"].to_numpy()[rows],
        "contribution": sums[rank],
        "abs_contribution": np.abs(sums[rank]),
        "n_features": np.bincount(codes, minlength=len(groups))[rank],
        "top_feature": names[top][rank],
        "top_contribution": values[top][rank],
        "features": np.array([lists[i] for i in rank] + [None], dtype=object)[:-1],
    }
    for column, source in (("top_label_fr", "label_fr"), ("top_label_en", "label_en"),
                           ("top_gender", "gender"), ("top_unit", "unit")):
        columns[column] = table[source].to_numpy()[rows]
    # text columns stay object arrays: letting pandas infer its string dtype costs more
    # than the rest of this function
    return pd.DataFrame({k: pd.Series(v, dtype=v.dtype if v.dtype.kind in "fiub" else object,
                                      copy=False) for k, v in columns.items()})
