"""A French and an English label for every feature, and the variable group it belongs to.

Application columns and ratios have hand-written labels
(:mod:`scoring_lib.explain.application_labels`). Aggregates of the client's history are
composed from the feature's metadata (:mod:`scoring_lib.features.metadata`) and hand-written
words for each table, column and subset (:mod:`scoring_lib.explain.history_labels`)::

    <aggregation> de <column> (<table>, or <subset of the table's rows>)
    INSTAL_DPD_MEAN            Moyenne des jours de retard (échéances des prêts précédents)
                               Average days past due (instalments of previous loans)
    ACTIVE_AMT_CREDIT_SUM_SUM  Total du montant des crédits (crédits en cours auprès
                               d'autres établissements)
    BURO_DAYS_CREDIT_MAX       Date la plus récente d'ouverture d'un crédit (autres
                               établissements)
    PREV_NAME_CONTRACT_STATUS_Refused_SHARE
                               Part des demandes dont le statut est « refusée » (demandes
                               précédentes)
    PREV_REFUSED_AMT_CREDIT_MAX
                               Maximum du montant accordé (demandes précédentes refusées)

Date columns (days or months before the application) read as dates, so that ``min`` is the
earliest and ``max`` the latest; the subset ``all`` is not named.

**Groups**: one per ``(table, column)`` of the metadata, the variable a person knows (all the
bureau overdue aggregates together; each application column and ratio alone), keyed
``"<table>:<column>"``, with its own label in both languages.

A feature the vocabulary does not know raises ``ValueError`` naming it, rather than showing
a raw name to a client.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..words import check_lang
from .application_labels import application_word
from .history_labels import BALANCE, COLUMNS, GROUPS, INDICATORS, LAST, SUBSETS, TABLES, TREND
from .levels import level_text
from .units import feature_unit

APPLICATION_TABLE = "application"
ROWS = "ROWS"
DATE_UNITS = ("date_days", "date_months")

#: aggregation -> (French head, its gender, English head)
_AGG = {"min": ("Minimum", "m", "Lowest"), "max": ("Maximum", "m", "Highest"),
        "mean": ("Moyenne", "f", "Average"), "sum": ("Total", "m", "Total"),
        "var": ("Dispersion", "f", "Spread of"),
        "nunique": ("Nombre de valeurs différentes", "m", "Number of distinct values of")}
_DATE_AGG = {"min": ("Date la plus ancienne", "Earliest {} date"),
             "max": ("Date la plus récente", "Latest {} date"),
             "mean": ("Date moyenne", "Average {} date"),
             "var": ("Dispersion des dates", "Spread of {} dates")}

LABEL_COLUMNS = ("table", "column", "aggregation", "subset", "level", "kind", "label_fr",
                 "label_en", "gender", "group", "group_label_fr", "group_label_en", "unit")


# --------------------------------------------------------------------------- French words
def of(phrase: str) -> str:
    """French "de" + ``phrase``, contracted: de le → du, de les → des, d' before a vowel."""
    if phrase.startswith("le "):
        return "du " + phrase[3:]
    if phrase.startswith("les "):
        return "des " + phrase[4:]
    if phrase.startswith(("la ", "l'")):
        return "de " + phrase
    if phrase[:1].lower() in "aeiouyéèêâîôûh":
        return "d'" + phrase
    return "de " + phrase


def without_article(phrase: str) -> str:
    for article in ("le ", "la ", "les ", "l'"):
        if phrase.startswith(article):
            return phrase[len(article):]
    return phrase


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _gender_of(phrase: str) -> str:
    """The gender of a French noun phrase from its article ("la", "le", "les", "l'": "m"
    unless "la")."""
    return "f" if phrase.startswith("la ") else "m"


#: a subset that is named by its table's name in a label (see :func:`_suffix`)
_TABLE_ONLY = object()


# -------------------------------------------------------------------------------- labels
def _suffix(table: str, subset: str | None, lang: str) -> str:
    if subset and subset != "all" and subset is not _TABLE_ONLY:
        if (table, subset) not in SUBSETS:
            raise ValueError(f"no label for subset {subset!r} of table {table!r}")
        return f" ({SUBSETS[(table, subset)][0 if lang == 'fr' else 1]})"
    return f" ({TABLES[table].fr if lang == 'fr' else TABLES[table].en})"


def _term(table: str, column: str, feature: str):
    try:
        return COLUMNS[table][column]
    except KeyError:
        raise ValueError(f"no label for feature {feature!r}: column {column!r} of table "
                         f"{table!r} is not in scoring_lib.explain.history_labels") from None


def _history_label(r: Mapping) -> tuple[str, str, str]:
    """(fr, en, gender) of an aggregate, without its parenthesised suffix."""
    table, column, agg = r["table"], r["column"], r["aggregation"]
    names = TABLES[table]
    if agg == "count" and column == ROWS:
        return f"Nombre {of(names.rows_fr)}", f"Number of {names.rows_en}", "m"
    if agg == "count" and r.get("level") is not None:
        term = _term(table, column, r["feature"])
        level_fr = level_text(column, r["level"], "fr", table)
        level_en = level_text(column, r["level"], "en", table)
        return (f"Nombre {of(names.rows_fr)} dont {term.fr} est « {level_fr} »",
                f"Number of {names.rows_en} with {term.en} “{level_en}”", "m")
    if agg == "last":
        if table not in LAST:
            raise ValueError(f"no label for feature {r['feature']!r}: no last row of table "
                             f"{table!r} in scoring_lib.explain.history_labels.LAST")
        term = _term(table, column, r["feature"])
        row_fr, row_en = LAST[table]
        if r.get("level") is not None:
            level_fr = level_text(column, r["level"], "fr", table)
            level_en = level_text(column, r["level"], "en", table)
            return (f"{capitalise(without_article(term.fr))} {of(row_fr)} : « {level_fr} »",
                    f"{capitalise(term.en)} of {row_en}: “{level_en}”", "m")
        return (f"{capitalise(without_article(term.fr))} lors {of(row_fr)}",
                f"{capitalise(term.en)} at {row_en}", _gender_of(term.fr))
    if agg == "trend":
        term = _term(table, column, r["feature"])
        return f"Évolution {of(term.fr)}{TREND[0]}", f"Change in {term.en}{TREND[1]}", "f"
    if agg == "mean" and (table, column) in INDICATORS:
        return INDICATORS[(table, column)]
    if table == "bureau_balance":
        if agg == "mean" and r.get("inner_aggregation") == "share":
            level_fr = level_text(column, r["level"], "fr", table)
            level_en = level_text(column, r["level"], "en", table)
            return (f"Part moyenne des mois dont le statut est « {level_fr} »",
                    f"Average share of months with status “{level_en}”", "f")
        key = (r.get("inner_aggregation"), column, agg)
        if key not in BALANCE:
            raise ValueError(f"no label for feature {r['feature']!r}: bureau_balance summary "
                             f"{key} is not in scoring_lib.explain.history_labels.BALANCE")
        fr, en, gender, _ = BALANCE[key]
        return fr, en, gender
    term = _term(table, column, r["feature"])
    if agg == "share":
        level_fr = level_text(column, r["level"], "fr", table)
        level_en = level_text(column, r["level"], "en", table)
        return (f"Part des {names.rows_fr} dont {term.fr} est « {level_fr} »",
                f"Share of {names.rows_en} with {term.en} “{level_en}”", "f")
    if term.unit in DATE_UNITS:
        if agg == "sum":
            return (f"Total des jours écoulés depuis chaque {term.fr}",
                    f"Total days since each {term.en}", "m")
        if agg in _DATE_AGG:
            fr, en = _DATE_AGG[agg]
            return f"{fr} {of(term.fr)}", en.format(term.en), "f"
    if agg in _AGG:
        fr, gender, en = _AGG[agg]
        return f"{fr} {of(term.fr)}", f"{en} {term.en}", gender
    raise ValueError(f"no label for feature {r['feature']!r}: aggregation {agg!r}")


def feature_label(record: Mapping, lang: str = "fr") -> str:
    """The label of one feature from its metadata ``record`` (a mapping with the fields of
    :data:`scoring_lib.features.metadata.FIELDS`)."""
    fr, en, _ = _label_and_gender(record)
    check_lang(lang)
    return fr if lang == "fr" else en


def _label_and_gender(r: Mapping) -> tuple[str, str, str]:
    if r["table"] == APPLICATION_TABLE:
        word = application_word(r["feature"])
        if word is None:
            raise ValueError(f"no label for application feature {r['feature']!r}: add it to "
                             f"scoring_lib.explain.application_labels")
        return word.fr, word.en, word.gender
    if r["table"] not in TABLES:
        raise ValueError(f"no label for feature {r['feature']!r}: unknown table "
                         f"{r['table']!r}")
    fr, en, gender = _history_label(r)
    # a trend compares a window with all the history: the table's name, not the window's
    subset = _TABLE_ONLY if r["aggregation"] == "trend" else r.get("subset")
    return (fr + _suffix(r["table"], subset, "fr"),
            en + _suffix(r["table"], subset, "en"), gender)


# -------------------------------------------------------------------------------- groups
def group_key(table: str, column: str) -> str:
    return f"{table}:{column}"


def group_label(table: str, column: str) -> tuple[str, str]:
    """(fr, en) label of the variable ``(table, column)``."""
    if table == APPLICATION_TABLE:
        word = application_word(column)
        if word is None:
            raise ValueError(f"no label for application column {column!r}")
        return word.fr, word.en
    if (table, column) in GROUPS:
        fr, en = GROUPS[(table, column)]
    elif column == ROWS:
        fr, en = f"Nombre {of(TABLES[table].rows_fr)}", f"Number of {TABLES[table].rows_en}"
    else:
        term = _term(table, column, f"{table}:{column}")
        if term.unit in DATE_UNITS:
            fr, en = f"Date {of(term.fr)}", f"{capitalise(term.en)} date"
        else:
            fr, en = capitalise(without_article(term.fr)), capitalise(term.en)
    return fr + _suffix(table, None, "fr"), en + _suffix(table, None, "en")


# ------------------------------------------------------------------------ the dictionary
def describe_features(metadata: pd.DataFrame) -> pd.DataFrame:
    """The features dictionary: one row per feature of ``metadata`` (index ``feature``, in
    metadata order) with the columns of :data:`LABEL_COLUMNS`.

    ``gender`` is that of the French label; ``unit`` is a :class:`~.units.Unit`. Compute it
    once per model and reuse it: it is what :func:`~.grouping.group_contributions` and
    :func:`~.reasons.reasons` read.
    """
    missing = [c for c in ("feature", "table", "column", "aggregation", "subset", "level")
               if c not in metadata.columns]
    if missing:
        raise ValueError(f"metadata: missing column(s) {', '.join(missing)}; expected the "
                         f"frame of scoring_lib.features.feature_metadata")
    rows, groups = [], {}
    for r in metadata.to_dict("records"):
        r = {k: (None if not isinstance(v, (list, tuple)) and pd.isna(v) else v)
             for k, v in r.items()}
        fr, en, gender = _label_and_gender(r)
        key = (r["table"], r["column"])
        if key not in groups:
            groups[key] = group_label(*key)
        rows.append({"feature": r["feature"], "table": r["table"], "column": r["column"],
                     "aggregation": r["aggregation"], "subset": r["subset"],
                     "level": r["level"], "kind": r.get("kind", "numeric"),
                     "label_fr": fr, "label_en": en, "gender": gender,
                     "group": group_key(*key), "group_label_fr": groups[key][0],
                     "group_label_en": groups[key][1], "unit": feature_unit(r)})
    return pd.DataFrame(rows, columns=["feature", *LABEL_COLUMNS],
                        dtype=object).set_index("feature")
