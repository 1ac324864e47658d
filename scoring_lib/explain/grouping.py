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


class Grouper:
    """Groups the contributions of a fixed list of features, with everything that does not
    depend on the values prepared once (group codes, labels, sort ranks): what a Scorer
    builds at load and calls for every client.

    ``dictionary``: the metadata frame or the features dictionary; ``features``: the feature
    names, in the order of the values :meth:`group` will receive.
    """

    def __init__(self, dictionary: pd.DataFrame, features):
        table = _dictionary(dictionary)
        names = pd.Index(features)
        where = table.index.get_indexer(names)
        if (where < 0).any():
            unknown = names[where < 0]
            raise ValueError(f"contribs: {len(unknown)} feature(s) not in the metadata, e.g. "
                             f"{', '.join(map(str, unknown[:5]))}")
        self.names = names.to_numpy(dtype=object)
        self.codes, groups = pd.factorize(table["group"].to_numpy()[where])
        self.groups = np.asarray(groups, dtype=object)
        self.n_groups = len(self.groups)
        # integer ranks replace text in the sorts: names and group keys in alphabetical order
        self.name_rank = np.argsort(np.argsort(names.to_numpy(dtype=str), kind="stable"))
        self.group_rank = np.argsort(np.argsort(self.groups.astype(str), kind="stable"))
        self.n_features = np.bincount(self.codes, minlength=self.n_groups)
        self.per_feature = {c: table[c].to_numpy()[where]
                            for c in ("label_fr", "label_en", "gender", "unit")}
        self.per_group = {c: table[c].to_numpy()[where] for c in ("group_label_fr",
                                                                    "group_label_en")}

    def group(self, values) -> pd.DataFrame:
        """The frame of :func:`group_contributions` for ``values`` (one per feature)."""
        values = np.asarray(values, dtype=np.float64)
        if values.shape != self.codes.shape:
            raise ValueError(f"contribs: expected {len(self.codes)} values, got "
                             f"{values.shape}")
        codes = self.codes
        sums = np.bincount(codes, weights=values, minlength=self.n_groups)
        direction = np.sign(sums)[codes]
        push = values * np.where(direction == 0, 1.0, direction)
        magnitude = np.abs(values)
        # top feature: the first of each group, sorted by push (desc), |contribution|, name
        order = np.lexsort((self.name_rank, -magnitude, -push, codes))
        top = order[np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1]])]
        # features of each group by |contribution| (desc), then name
        by_abs = np.lexsort((self.name_rank, -magnitude, codes))
        bounds = np.flatnonzero(np.r_[True, codes[by_abs][1:] != codes[by_abs][:-1]])
        ordered, ends = self.names[by_abs].tolist(), [*bounds[1:].tolist(), len(codes)]
        lists = [ordered[a:b] for a, b in zip(bounds.tolist(), ends)]
        rank = np.lexsort((self.group_rank, -np.abs(sums)))  # |sum| desc, then group key
        rows = top[rank]
        features = np.empty(len(rank), dtype=object)
        for i, r in enumerate(rank.tolist()):  # (a slice assignment would broadcast lists)
            features[i] = lists[r]
        columns = {
            "group": self.groups[rank],
            "label_fr": self.per_group["group_label_fr"][rows],
            "label_en": self.per_group["group_label_en"][rows],
            "contribution": sums[rank],
            "abs_contribution": np.abs(sums[rank]),
            "n_features": self.n_features[rank],
            "top_feature": self.names[rows],
            "top_contribution": values[rows],
            "features": features,
            "top_label_fr": self.per_feature["label_fr"][rows],
            "top_label_en": self.per_feature["label_en"][rows],
            "top_gender": self.per_feature["gender"][rows],
            "top_unit": self.per_feature["unit"][rows],
        }
        # text columns stay object arrays: letting pandas infer its string dtype costs more
        # than the rest of this method
        return pd.DataFrame({k: pd.Series(v, dtype=v.dtype if v.dtype.kind in "fiub"
                                          else object, copy=False)
                             for k, v in columns.items()})


def group_contributions(contribs: pd.Series, metadata: pd.DataFrame) -> pd.DataFrame:
    """Sum ``contribs`` (index: feature names; values: log-odds) by variable group.

    ``metadata``: the feature metadata frame (``scoring_lib.features.feature_metadata``) or,
    faster, the features dictionary of :func:`~.labels.describe_features` built once (for
    many calls on the same features, build a :class:`Grouper` once).

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
    return Grouper(metadata, contribs.index).group(contribs.to_numpy(dtype=np.float64))
