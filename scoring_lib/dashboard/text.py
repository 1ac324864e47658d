"""The dashboard's words: those of :mod:`scoring_lib.words` (one home for the product's
French and English), under the names the panels use, and the page's own small helpers.

Texts are plain text, never HTML: a panel escapes what it writes into an HTML widget
(:mod:`.safe`), values included. Values of features come from
:mod:`scoring_lib.explain.units` (human units); the probability of the score panel is
written with exactly one decimal (:func:`probability_text`: "12,3 %" / "12.3%").
"""

from __future__ import annotations

from ..words import (
    DEFAULT_LANG,
    LANGS,
    TEXTS,
    interpretation,
    number,
    percent,
    points,
    resolve_lang,
    tr,
)

__all__ = ["DEFAULT_LANG", "LANGS", "TEXTS", "count_text", "interpretation", "number",
           "points_text", "probability_text", "resolve_lang", "shorten", "tr"]

#: a probability in percent with one decimal: "12,3 %" (fr), "12.3%" (en)
probability_text = percent
#: percentage points: "+3,2 points"
points_text = points


def shorten(text: str, n: int = 40) -> str:
    """``text`` cut to ``n`` characters, with "…" when it was longer."""
    text = str(text)
    return text if len(text) <= n else text[:n - 1] + "…"


def count_text(n: int, lang: str = "fr") -> str:
    """ "1234 clients correspondent" / "1234 matching clients" (plain digits: the number
    reads the same in both languages and can be found in the text as it is)."""
    if n == 0:
        return tr("results_none", lang)
    if n == 1:
        return tr("results_one", lang)
    return tr("results_count", lang, n=str(int(n)))
