"""Drift of a population against the training one: the score's PSI and every model
variable's PSI, ordered (largest first).

:func:`reference_profile` learns the fixed bins of the score and of every feature from the
reference (done once, at build time: the bundle's model statistics keep it);
:func:`drift_report` compares a new population with it (:mod:`.psi`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .psi import ALPHA, BANDS, Reference, compare, reference_bins

SCORE = "score"

__all__ = ["SCORE", "drift_report", "profile_from_dict", "reference_profile"]


def reference_profile(features: pd.DataFrame, score=None, categorical=(), columns=None,
                      rows=None) -> dict:
    """The fixed bins of the ``columns`` of ``features`` (default every one;
    ``categorical``: the columns binned by level, others by the dtype) and of ``score`` (a
    probability per reference row), JSON-ready: ``{"n": rows, "score": {...}, "features":
    {name: {...}}}``. ``rows``: the positions of the reference rows (default all), taken
    one column at a time (no copy of the whole frame)."""
    categorical = set(categorical)
    columns = list(features.columns if columns is None else columns)
    out = {"n": int(len(features) if rows is None else len(rows)), "features": {}}
    for name in columns:
        column = features[name] if rows is None else features[name].iloc[rows]
        out["features"][str(name)] = reference_bins(
            column, categorical=True if name in categorical else None).to_dict()
    if score is not None:
        out["score"] = reference_bins(np.asarray(score, dtype=np.float64),
                                      categorical=False).to_dict()
    return out


def profile_from_dict(profile: dict) -> tuple[Reference | None, dict[str, Reference]]:
    """The score's and the features' :class:`~.psi.Reference` of a stored profile."""
    score = profile.get("score")
    return (Reference.from_dict(score) if score else None,
            {name: Reference.from_dict(r) for name, r in profile["features"].items()})


def drift_report(profile: dict, features: pd.DataFrame, score=None,
                 alpha: float = ALPHA) -> dict:
    """Compare the new ``features`` (and ``score``) with the reference ``profile``.

    Returns (JSON-ready) ``score_psi``, ``score_band`` and ``score`` (the score's full
    result), ``features``: one record per feature of the profile — ``feature, psi, band,
    band_by_value, p_value, bins`` — ordered by PSI (largest first), ``n_new``,
    ``n_reference``, ``unseen_categories`` ({feature: {level: count}}), ``bands``
    (how many features in each band), ``alpha`` (the score's significance level) and
    ``alpha_per_feature``: ``alpha`` divided by the number of features (Bonferroni), so
    that with ~700 variables a batch of the same population raises no alarm by chance in
    all but about ``alpha`` of the reports (a 1 % test per variable would flag ~7 variables
    of every batch). A feature of the profile missing from ``features`` is an error."""
    score_ref, refs = profile_from_dict(profile)
    missing = [name for name in refs if name not in features.columns]
    if missing:
        raise ValueError(f"features: {len(missing)} model feature(s) missing from the new "
                         f"data, e.g. {', '.join(missing[:5])}")
    rows, unseen = [], {}
    per_feature = alpha / max(len(refs), 1)  # Bonferroni: a chance alarm in ~alpha of reports
    for name, ref in refs.items():
        result = compare(ref, features[name], per_feature)
        rows.append({"feature": name, "psi": result.psi, "band": result.band,
                     "band_by_value": result.band_by_value, "p_value": result.p_value,
                     "bins": result.bins})
        if result.unseen:
            unseen[name] = result.unseen
    rows.sort(key=lambda r: (-r["psi"], r["feature"]))
    report = {"n_new": int(len(features)), "n_reference": int(profile["n"]),
              "alpha": alpha, "alpha_per_feature": per_feature, "features": rows,
              "unseen_categories": unseen,
              "bands": {b: sum(r["band"] == b for r in rows) for b in BANDS}}
    if score is not None and score_ref is not None:
        result = compare(score_ref, np.asarray(score, dtype=np.float64), alpha)
        report.update(score_psi=result.psi, score_band=result.band,
                      score={k: v for k, v in result.as_dict().items() if k != "unseen"})
    else:
        report.update(score_psi=None, score_band=None, score=None)
    return report
