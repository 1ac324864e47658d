"""Values in human units: "43 ans", "135 000 €", "32 %", "2 ans et 3 mois avant la demande".

Every feature gets a :class:`Unit` from its metadata (:func:`feature_unit`); :func:`format_value`
writes a value of that unit for a person, in French (default) or English.

Unit kinds
----------
``duration_days``  days before the application, negative in the raw data, shown as a duration:
                   DAYS_BIRTH -15 800 → "43 ans" / "43 years" (months under a year, days
                   under a month); ``sign`` is -1: a larger raw value is a shorter duration.
``date_days``      a date in days relative to the application (negative: before), shown as
                   "2 ans avant la demande" / "2 years before the application".
``date_months``    the same in months (MONTHS_BALANCE: -1 is the last month).
``months``         a length in months: "1 an et 2 mois".
``days``           a number of days (days past due): "12 jours".
``years``          a number of years (age of the car).
``amount``         money: "135 000 €" in French (narrow no-break spaces), "€135,000" in
                   English; rounded to the euro.
``ratio``, ``share`` a fraction shown as a percentage: 0.2 → "20 %" / "20%" (one decimal
                   under 10 %).
``count``          a number of things: "3", or "2,5" for an average.
``score``, ``index`` a number between 0 and 1, two decimals: "0,21" / "0.21".
``rating``         REGION_RATING_*: "2 sur 3" / "2 out of 3".
``hour``           "14 h" / "14:00".
``flag``           1/0 → "oui"/"non", "yes"/"no".
``category``       a category level, translated (:mod:`scoring_lib.explain.levels`).
``number``         anything else, with a sensible number of digits.

``spread`` marks a variance (aggregation ``var``): it is shown as its square root, the
standard deviation, in the unit of the column (a spread of dates is a duration).

Missing values are said honestly: ``missing="unknown"`` → "inconnu" / "unknown";
``"not_applicable"`` (DAYS_EMPLOYED, whose raw 365243 means "no current job") → "sans objet" /
"not applicable"; ``"no_data"`` (an aggregate of a client with no such history) → "aucune
donnée" / "no data". The raw 365243 sentinel itself is also shown as "sans objet".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..data.schema import DAYS_SENTINEL
from ..words import NNBSP, check_lang, percent
from ..words import number as format_number
from .application_labels import NOT_APPLICABLE_WHEN_MISSING, application_word
from .history_labels import BALANCE, COLUMNS
from .levels import level_text

KINDS = ("duration_days", "date_days", "date_months", "months", "days", "years", "amount",
         "ratio", "share", "count", "score", "index", "rating", "hour", "flag", "category",
         "number")
MISSING = ("unknown", "not_applicable", "no_data")
_DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Unit:
    kind: str
    column: str | None = None   # for categories: the column whose levels are translated
    table: str | None = None
    sign: int = 1               # human value = sign * raw value (ordering for a person)
    spread: bool = False        # a variance, shown as its square root
    missing: str = "unknown"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unit kind must be one of {KINDS}, got {self.kind!r}")
        if self.missing not in MISSING:
            raise ValueError(f"missing must be one of {MISSING}, got {self.missing!r}")


def feature_unit(record: Mapping) -> Unit:
    """The unit of a feature, from its metadata record (see :mod:`scoring_lib.features`)."""
    table, column, agg = record["table"], record["column"], record.get("aggregation")
    if table == "application":
        word = application_word(record["feature"])
        if word is None:
            raise ValueError(f"no unit for application feature {record['feature']!r}")
        missing = "not_applicable" if record["feature"] in NOT_APPLICABLE_WHEN_MISSING \
            else "unknown"
        return Unit(word.unit, column, table, -1 if word.unit == "duration_days" else 1,
                    missing=missing)
    if agg == "count":
        return Unit("count", missing="no_data")
    if agg == "last" and record.get("level") is not None:
        return Unit("flag", missing="no_data")
    if agg == "share" or record.get("inner_aggregation") == "share":
        return Unit("share", missing="no_data")
    if agg == "nunique":
        return Unit("count", missing="no_data")
    if table == "bureau_balance":
        kind = BALANCE[(record.get("inner_aggregation"), column, agg)][3]
        return Unit(kind, missing="no_data")
    kind = COLUMNS[table][column].unit
    if kind in ("date_days", "date_months") and agg == "sum":
        return Unit("days", sign=-1, missing="no_data")  # total of days since past events
    return Unit(kind, spread=agg == "var", missing="no_data")


# --------------------------------------------------------------------------- numbers
def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _smart(x: float, lang: str) -> str:
    """Integers as integers; otherwise 1 decimal from 10, 2 from 1, 3 significant below."""
    if float(x).is_integer():
        return format_number(x, 0, lang)
    ax = abs(x)
    decimals = 1 if ax >= 10 else 2 if ax >= 1 else max(2, 2 - int(math.floor(math.log10(ax))))
    text = format_number(x, decimals, lang)
    sep = "," if lang == "fr" else "."
    if sep in text:
        text = text.rstrip("0").rstrip(sep)
    return text


def format_amount(x: float, lang: str = "fr") -> str:
    number = format_number(abs(x), 0, lang)
    sign = "-" if round(x) < 0 else ""
    return f"{sign}{number}{NNBSP}€" if lang == "fr" else f"{sign}€{number}"


def format_percent(share: float, lang: str = "fr") -> str:
    """A share of a feature's value: one decimal under 10 % when it says something, else
    none ("3,5 %", "32 %"); :func:`scoring_lib.words.percent`."""
    p = share * 100
    return percent(share, lang, 1 if abs(p) < 10 and round(p, 1) != round(p) else 0)


def _plural(n: int, fr: tuple[str, str], en: tuple[str, str], lang: str) -> str:
    words = fr if lang == "fr" else en
    one = n <= 1 if lang == "fr" else n == 1  # French: "0 jour", "1 an"
    return f"{n} {words[0] if one else words[1]}"


_YEAR = (("an", "ans"), ("year", "years"))
_MONTH = (("mois", "mois"), ("month", "months"))
_DAY = (("jour", "jours"), ("day", "days"))


def _years_months(months: int, lang: str) -> str:
    years, rest = divmod(months, 12)
    if years == 0:
        return _plural(rest, *_MONTH, lang)
    text = _plural(years, *_YEAR, lang)
    if years < 5 and rest:
        text += (" et " if lang == "fr" else " and ") + _plural(rest, *_MONTH, lang)
    return text


def format_duration_days(days: float, lang: str = "fr") -> str:
    """A length of time given in days: "12 jours", "5 mois", "2 ans et 3 mois", "43 ans"."""
    days = abs(days)
    if days < 30.5:
        return _plural(int(round(days)), *_DAY, lang)
    return _years_months(max(int(days // _DAYS_PER_MONTH), 1), lang)


def format_duration_months(months: float, lang: str = "fr") -> str:
    return _years_months(int(round(abs(months))), lang)


def format_relative(value: float, lang: str = "fr", months: bool = False) -> str:
    """A date relative to the application: "3 mois avant la demande"."""
    zero = abs(value) < 0.5
    if zero:
        if months:
            return "le mois de la demande" if lang == "fr" else "in the month of the application"
        return "le jour de la demande" if lang == "fr" else "on the day of the application"
    text = format_duration_months(value, lang) if months else format_duration_days(value, lang)
    if lang == "fr":
        return f"{text} {'avant' if value < 0 else 'après'} la demande"
    return f"{text} {'before' if value < 0 else 'after'} the application"


def format_hour(hour: float, lang: str = "fr") -> str:
    h, m = divmod(int(round(hour * 60)), 60)
    if lang == "fr":
        return f"{h}{NNBSP}h" + (f"{NNBSP}{m:02d}" if m else "")
    return f"{h}:{m:02d}"


# ---------------------------------------------------------------------------- values
_MISSING_TEXT = {"unknown": ("inconnu", "unknown"),
                 "not_applicable": ("sans objet", "not applicable"),
                 "no_data": ("aucune donnée", "no data")}


def missing_text(unit: Unit, lang: str = "fr") -> str:
    return _MISSING_TEXT[unit.missing][0 if lang == "fr" else 1]


def format_value(value, unit: Unit, lang: str = "fr") -> str:
    """``value`` of a feature with ``unit``, written for a person in ``lang`` (fr or en)."""
    check_lang(lang)
    if is_missing(value):
        return missing_text(unit, lang)
    kind = unit.kind
    if kind == "category":
        if unit.column is None:
            return str(value)
        return level_text(unit.column, value, lang, unit.table)
    x = float(value)
    if kind in ("duration_days", "date_days") and x == DAYS_SENTINEL:
        return _MISSING_TEXT["not_applicable"][0 if lang == "fr" else 1]
    if unit.spread:
        x = math.sqrt(max(x, 0.0))
        if kind == "date_days":
            return format_duration_days(x, lang)
        if kind == "date_months":
            return format_duration_months(x, lang)
    x = unit.sign * x
    if kind == "duration_days":
        return format_duration_days(x, lang)
    if kind == "date_days":
        return format_relative(x, lang)
    if kind == "date_months":
        return format_relative(x, lang, months=True)
    if kind == "months":
        return format_duration_months(x, lang)
    if kind == "years":
        return format_duration_days(x * 365.25, lang)
    if kind == "days":
        n = _smart(x, lang)
        word = _DAY[0 if lang == "fr" else 1][0 if abs(x) <= 1 and (lang == "fr" or x == 1)
                                              else 1]
        return f"{n} {word}"
    if kind == "amount":
        return format_amount(x, lang)
    if kind in ("ratio", "share"):
        return format_percent(x, lang)
    if kind in ("score", "index"):
        return format_number(x, 2, lang)
    if kind == "rating":
        return f"{_smart(x, lang)} {'sur' if lang == 'fr' else 'out of'} 3"
    if kind == "hour":
        return format_hour(x, lang)
    if kind == "flag" and x in (0.0, 1.0):
        return ("oui" if x else "non") if lang == "fr" else ("yes" if x else "no")
    if kind == "count":
        return format_number(x, 0 if round(x, 1).is_integer() else 1, lang)
    return _smart(x, lang)
