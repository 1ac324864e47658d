"""Reason sentences: why the model sees more or less risk, in plain French or English.

:func:`reasons` takes the grouped contributions of :func:`~.grouping.group_contributions`
and writes at most four sentences for the variables that raise the risk (largest first) and
four for those that lower it, each about the variable's top feature, with the client's value
in human units (:mod:`~.units`) and where it stands among all clients::

    Score externe n°3 faible (0,21 ; plus bas que 85 % des clients) : augmente le risque.
    Âge élevé (58 ans ; plus élevé que 80 % des clients) : réduit le risque.
    Score externe n°1 inconnu : augmente le risque.
    Type de revenu : retraité(e) — réduit le risque.
    Date la plus récente de décision (demandes précédentes) : 2 mois avant la demande (plus
    récente que 90 % des clients) — augmente le risque.
    External score #3: low (0.21; lower than 85% of clients) — raises the risk.

The qualifier (faible / dans la moyenne / élevé) comes from the mid-rank percentile in the
person's direction (an age is larger when DAYS_BIRTH is more negative): below 25 low, above
75 high. When half the clients or more share the client's value, the sentence says so
("comme 70 % des clients") instead of a misleading "lower than".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..words import check_lang, percent
from .units import Unit, format_value, is_missing, missing_text

REASON_COLUMNS = ("direction", "group", "feature", "contribution", "value", "value_text",
                  "percentile", "sentence")
LOW, HIGH = 25.0, 75.0
_DATES = ("date_days", "date_months")
_EFFECT = {("fr", "raises"): "augmente le risque", ("fr", "lowers"): "réduit le risque",
           ("en", "raises"): "raises the risk", ("en", "lowers"): "lowers the risk"}


def _agree(masculine: str, feminine: str, gender: str) -> str:
    return feminine if gender == "f" else masculine


def _shares(percentiles, feature: str):
    """(below, equal, above) in percent for ``feature``, or None."""
    if percentiles is None:
        return None
    if isinstance(percentiles, dict):
        if feature not in percentiles:
            return None
        below, equal, above = (float(x) for x in percentiles[feature])
    elif isinstance(percentiles, pd.DataFrame):
        if feature not in percentiles.index:
            return None
        row = percentiles.loc[feature]
        below, equal, above = (float(row[c]) for c in ("below", "equal", "above"))
    else:
        if feature not in percentiles.index:
            return None
        p = float(percentiles[feature])
        below, equal, above = p, 0.0, 100.0 - p
    if any(math.isnan(x) for x in (below, equal, above)):
        return None
    return below, equal, above


def _pct(x: float, lang: str) -> str:
    return percent(math.floor(x + 1e-9) / 100, lang, decimals=0)


def _numeric_sentence(label, gender, unit: Unit, text, shares, effect, lang) -> str:
    below, equal, above = shares
    if unit.sign < 0:
        below, above = above, below
    mid = below + equal / 2
    date = unit.kind in _DATES and not unit.spread
    if lang == "fr":
        if equal >= 50:
            phrase = f"comme {_pct(equal, lang)} des clients"
        elif mid < 50:
            word = _agree("ancien", "ancienne", gender) if date else _agree("bas", "basse",
                                                                            gender)
            phrase = f"plus {word} que {_pct(above, lang)} des clients"
        else:
            word = _agree("récent", "récente", gender) if date else _agree("élevé", "élevée",
                                                                           gender)
            phrase = f"plus {word} que {_pct(below, lang)} des clients"
        if date:
            return f"{label} : {text} ({phrase}) — {effect}."
        if equal >= 50:
            return f"{label} ({text} ; {phrase}) : {effect}."
        qualifier = ("faible" if mid < LOW else _agree("élevé", "élevée", gender) if mid > HIGH
                     else "dans la moyenne")
        return f"{label} {qualifier} ({text} ; {phrase}) : {effect}."
    if equal >= 50:
        phrase = f"same as {_pct(equal, lang)} of clients"
    elif mid < 50:
        phrase = f"{'older' if date else 'lower'} than {_pct(above, lang)} of clients"
    else:
        phrase = f"{'more recent' if date else 'higher'} than {_pct(below, lang)} of clients"
    if date or equal >= 50:
        return f"{label}: {text} ({phrase}) — {effect}."
    qualifier = "low" if mid < LOW else "high" if mid > HIGH else "about average"
    return f"{label}: {qualifier} ({text}; {phrase}) — {effect}."


def sentence(label: str, gender: str, unit: Unit, value, shares, direction: str,
             lang: str = "fr") -> str:
    """One reason sentence (see the module docstring); ``shares`` is (below, equal, above)
    in percent or None; ``direction`` is ``"raises"`` or ``"lowers"``."""
    effect = _EFFECT[(lang, direction)]
    if is_missing(value) and unit.missing == "unknown":
        if lang == "fr":
            return f"{label} {_agree('inconnu', 'inconnue', gender)} : {effect}."
        return f"{label} unknown: {effect}."
    text = format_value(value, unit, lang) if not is_missing(value) else missing_text(unit,
                                                                                      lang)
    numeric = not is_missing(value) and unit.kind not in ("category", "flag")
    if numeric and shares is not None:
        return _numeric_sentence(label, gender, unit, text, shares, effect, lang)
    return f"{label} : {text} — {effect}." if lang == "fr" else f"{label}: {text} — {effect}."


def reasons(grouped: pd.DataFrame, client_values: pd.Series, percentiles=None,
            lang: str = "fr", max_per_side: int = 4) -> pd.DataFrame:
    """At most ``max_per_side`` reasons that raise the risk, then as many that lower it.

    ``grouped``: the frame of :func:`~.grouping.group_contributions` (any order).
    ``client_values``: the client's raw feature values (index: feature names).
    ``percentiles``: where the client's values stand among all clients, indexed by feature:
    a DataFrame with columns ``below``, ``equal``, ``above`` (percent, as
    :class:`scoring_lib.compare.RankShares`), a dict feature -> (below, equal, above), a
    Series of mid-rank percentiles (0-100, read as having no ties), or None; raw-value
    direction in every case. A feature without a
    percentile gets a sentence without one.

    Returns a frame with the columns of :data:`REASON_COLUMNS`, the risk-raising reasons
    first (largest contribution first), then the risk-lowering ones (most negative first).
    Groups with a zero contribution give no reason.
    """
    check_lang(lang)
    if max_per_side < 0:
        raise ValueError(f"max_per_side must be 0 or more, got {max_per_side}")
    needed = {"group", "contribution", "top_feature", "top_label_fr", "top_label_en",
              "top_gender", "top_unit"}
    if not needed <= set(grouped.columns):
        raise ValueError(f"grouped: missing column(s) "
                         f"{', '.join(sorted(needed - set(grouped.columns)))}; expected the "
                         f"frame of group_contributions")
    contribution = grouped["contribution"].to_numpy(dtype=np.float64)
    group_keys = grouped["group"].to_numpy()
    columns = {c: grouped[c].to_numpy() for c in ("top_feature", "top_gender", "top_unit")}
    labels = grouped["top_label_fr" if lang == "fr" else "top_label_en"].to_numpy()
    rows = []
    for direction, sign in (("raises", 1.0), ("lowers", -1.0)):
        side = np.flatnonzero(np.sign(contribution) == sign)
        side = side[np.lexsort((group_keys[side].astype(str), -sign * contribution[side]))]
        for i in side[:max_per_side]:
            feature = columns["top_feature"][i]
            value = client_values.get(feature, np.nan)
            shares = _shares(percentiles, feature)
            unit = columns["top_unit"][i]
            missing = is_missing(value)
            rows.append({
                "direction": direction, "group": group_keys[i], "feature": feature,
                "contribution": float(contribution[i]), "value": value,
                "value_text": (missing_text(unit, lang) if missing
                               else format_value(value, unit, lang)),
                "percentile": np.nan if shares is None else shares[0] + shares[1] / 2,
                "sentence": sentence(labels[i], columns["top_gender"][i], unit, value, shares,
                                     direction, lang)})
    return pd.DataFrame(rows, columns=list(REASON_COLUMNS))
