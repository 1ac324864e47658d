"""What the client report says: a plain data structure built from the Scorer, no PDF.

:func:`letter_content` gathers, for one client and one language, every text and number the
report prints, from the same places as the dashboard: the decision and its interpretation
(:mod:`scoring_lib.words`), the reasons (``Scorer.explain``: at most four that raise the
risk and those that lower it, the page's sentences), the options of ``Scorer.recourse`` for
a refused or borderline client (or its message when it has none), the client against its
most similar clients (``Scorer.comparisons``, as the comparison panel), the data sources the
model reads (the bundle's feature metadata) and the audit references (the bundle manifest).
:class:`Letter` holds them; :mod:`.pdf` lays them out and tests read them without a PDF.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from ..bundle.manifest import MODEL_FILE
from ..decision import BORDERLINE, REFUSED
from ..explain.units import format_value
from ..simulation.results import outcome_sentence
from ..words import check_lang, interpretation, number, percent, tr

#: how many similar clients the comparison takes (as the dashboard's comparison panel)
K_SIMILAR = 100
#: the variables of the comparison: what a client knows of their own file, and the score
COMPARED = ("AMT_INCOME_TOTAL", "AMT_CREDIT", "probability")
#: the data sources, in the order the report lists them (feature tables of the bundle)
SOURCES = ("application", "external", "bureau", "bureau_balance", "previous_application",
           "POS_CASH_balance", "installments_payments", "credit_card_balance")
#: how many hex digits of a fingerprint the audit footer prints
DIGITS = 16


@dataclass(frozen=True)
class Compared:
    """The client against its similar clients on one variable, in human units (a
    probability in percent). ``value`` is NaN when the client's value is unknown."""

    variable: str
    label: str
    value: float
    q05: float
    q25: float
    q50: float
    q75: float
    q95: float
    sentence: str
    low_text: str = ""
    high_text: str = ""
    value_text: str = ""


@dataclass
class Letter:
    """Everything the client report says, in ``lang`` (texts ready to print)."""

    lang: str
    client_id: int
    lender: str
    date: str
    title: str
    heading: str                     # "Client n° 100002"
    decision: str                    # scoring_lib.decision: granted | refused
    band: str                        # scoring_lib.decision: low | borderline | high
    probability: float
    threshold: float
    decision_text: str               # the decision's words, as the score panel
    band_text: str                   # the risk band's words, as the score panel
    interpretation: str
    threshold_rule: str
    raises: list[str]
    lowers: list[str]
    recourse: list[str] | None       # None: no section (granted, not borderline)
    recourse_note: str = ""
    comparisons: list[Compared] = field(default_factory=list)
    compare_intro: str = ""
    compare_outcome: str = ""
    sources: list[str] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)
    rights_intro: str = ""
    contact: str = ""
    audit: str = ""
    bundle_id: str = ""
    model_version: str = ""
    data_fingerprint: str = ""

    def t(self, key: str, **values) -> str:
        return tr(key, self.lang, **values)

    @property
    def probability_text(self) -> str:
        return percent(self.probability, self.lang, versus=self.threshold)

    @property
    def threshold_text(self) -> str:
        return percent(self.threshold, self.lang, versus=self.probability)

    @property
    def filename(self) -> str:
        """"rapport-100002.pdf" / "report-100002.pdf"."""
        return self.t("letter_file", client_id=self.client_id)

    def sections(self) -> list[tuple[str, list[str]]]:
        """``(title, lines)`` of each section, in the report's order (the text a reader
        finds in the PDF, figures aside)."""
        out = [(self.t("letter_decision"), [self.decision_text, self.band_text,
                                            self.interpretation]),
               (self.t("letter_threshold_title"), [self.threshold_rule]),
               (self.t("explain_title"),
                [self.t("letter_reasons_intro"), self.t("raises"),
                 *(self.raises or [self.t("no_reason")]), self.t("lowers"),
                 *(self.lowers or [self.t("no_reason")])])]
        if self.recourse is not None:
            out.append((self.t("letter_recourse_title"),
                        [*self.recourse, *([self.recourse_note] if self.recourse_note
                                           else [])]))
        out += [(self.t("letter_compare_title"),
                 [self.compare_intro, *(c.sentence for c in self.comparisons),
                  *([self.compare_outcome] if self.compare_outcome else [])]),
                (self.t("letter_sources_title"), [self.t("letter_sources_intro"),
                                                  *self.sources]),
                (self.t("letter_rights_title"), [self.rights_intro, *self.rights,
                                                 self.contact])]
        return out

    def to_text(self) -> str:
        """The report as plain text (header, sections, audit line)."""
        lines = [self.lender, self.t("letter_date", date=self.date), self.heading, self.title]
        for title, body in self.sections():
            lines += ["", title, *body]
        return "\n".join([*lines, "", self.audit])


def long_date(day: dt.date, lang: str) -> str:
    """"1er décembre 2026", "2 décembre 2026" / "1 December 2026"."""
    months = tr("letter_months", lang).split()
    return tr("letter_day", lang, day=tr("letter_first_day", lang) if day.day == 1 else day.day,
              month=months[day.month - 1], year=day.year)


def threshold_rule(threshold: float, cost_fn: float, cost_fp: float, lender: str,
                   lang: str) -> str:
    """The business rule of the threshold in one sentence: the cost ratio of a missed
    default to a wrongly refused good client (the bundle's cost weights)."""
    t = percent(threshold, lang)
    ratio = cost_fn / cost_fp if cost_fp > 0 else math.inf
    if not math.isfinite(ratio) or ratio <= 0:
        return tr("letter_threshold_plain", lang, t=t, lender=lender)
    decimals = 0 if abs(ratio - round(ratio)) < 0.05 else 1
    return tr("letter_threshold_rule", lang, t=t, lender=lender,
              ratio=number(ratio, decimals, lang))


def recourse_lines(scorer, client_id, score, lang: str) -> tuple[list[str], str] | None:
    """The options of ``Scorer.recourse`` as sentences (the CLI's), or its message when it
    has none, and the note under them (the target below the threshold, with the safety
    margin; that the options were checked): ``(lines, note)``; None for a client granted
    away from the threshold, or granted near it with nothing to propose (no section: "what
    could change the decision" followed by "already granted" told the client nothing).
    What weighs most is not repeated: the reasons above say it."""
    if score.decision != REFUSED and score.risk_band != BORDERLINE:
        return None
    found = scorer.recourse(client_id, lang=lang)
    if score.decision != REFUSED and not found.options:
        return None
    lines = [outcome_sentence(o.values, o.probability, score.threshold, o.decision, lang)
             for o in found.options]
    if found.message:
        lines.append(found.message)
    note = []
    if found.target < score.threshold:  # the figures above say "below {target}"
        note.append(tr("letter_recourse_margin", lang, target=percent(found.target, lang),
                       t=percent(score.threshold, lang)))
    if found.options:
        note.append(tr("letter_recourse_intro", lang))
    return lines, " ".join(note)


def _human(values, kind: str) -> np.ndarray:
    """Raw values in the units the report prints (a probability in percent)."""
    x = np.asarray(values, dtype=np.float64)
    return 100.0 * x if kind == "probability" else x


def compared(scorer, client_id, lang: str, variables=COMPARED,
             k: int = K_SIMILAR) -> list[Compared]:
    """The client against its ``k`` most similar clients on ``variables`` (those of the
    bundle): quantiles of the similar clients and where the client stands."""
    out = []
    for variable in variables:
        if variable == "probability":
            label, kind, unit = tr("probability_var", lang), "probability", None
        elif variable in scorer.dictionary.index and variable in scorer.clients.columns:
            row = scorer.dictionary.loc[variable]
            label, unit = row[f"label_{lang}"], row["unit"]
            kind = unit.kind
        else:
            continue
        at = scorer.comparisons.position(client_id, variable, "similar", k)
        s = at.comparison.summary.loc[variable]

        def text(raw):
            if raw is None or not math.isfinite(float(raw)):
                return ""
            if kind == "probability":
                return percent(float(raw), lang)
            return format_value(float(raw), unit, lang)

        qs = _human([s["q05"], s["q25"], s["q50"], s["q75"], s["q95"]], kind)
        value = np.nan if at.value is None else float(_human([at.value], kind)[0])
        if at.value is None:
            sentence = tr("letter_compare_missing", lang, label=label)
        else:
            sentence = tr("letter_compare_line", lang, label=label, value=text(at.value),
                          median=text(s["q50"]),
                          below=percent(at.shares.below / 100, lang, decimals=0))
        out.append(Compared(variable, label, value, *map(float, qs), sentence,
                            text(s["q05"]), text(s["q95"]),
                            "" if at.value is None else text(at.value)))
    return out


def similar_outcome(scorer, client_id, lang: str, k: int = K_SIMILAR) -> str:
    """How many of the ``k`` similar clients have a known outcome and the share of them
    who did not repay ("" when none has): the similar clients of the comparison, kept by
    ``Scorer.comparisons`` (one neighbour query for both)."""
    positions = scorer.comparisons.similar_positions(client_id, k)
    outcomes = scorer.comparisons.target[positions]
    known = outcomes[~np.isnan(outcomes)]
    if not len(known):
        return ""
    return tr("letter_compare_outcome", lang, n=number(len(known), 0, lang),
              rate=percent(float(known.mean()), lang, decimals=0))


def sources(scorer, lender: str, lang: str) -> list[str]:
    """The data sources the model reads (tables of the bundle's features), as sentences."""
    metadata = scorer.bundle.feature_metadata
    used = set(metadata.loc[metadata["feature"].isin(scorer.feature_names), "table"])
    if any(str(f).startswith("EXT_SOURCE") for f in scorer.feature_names):
        used.add("external")
    return [tr(f"source_{s}", lang, lender=lender) for s in SOURCES if s in used]


def audit(scorer) -> tuple[str, str, str]:
    """``(bundle identifier, model version, data fingerprint)`` from the bundle manifest:
    the bundle's name and the start of its manifest checksum; the model, its library and
    the start of the model file's checksum; the start of the training data's fingerprint."""
    m = scorer.bundle.manifest
    name = m.get("name", scorer.bundle.path.name)
    bundle_id = f"{name}-{str(m.get('manifest_sha256', ''))[:DIGITS]}"
    model = str(m.get("metrics", {}).get("model", "model"))
    libraries = m.get("libraries") or {}
    library = libraries.get(model) or libraries.get(model.split("_")[0])
    model_file = m.get("files", {}).get(MODEL_FILE, {}).get("sha256", "")
    about = ", ".join(x for x in (str(model_file)[:DIGITS], str(m.get("created", ""))[:10])
                      if x)
    version = " ".join(x for x in (model, library, f"({about})" if about else "") if x)
    return bundle_id, version, str(m.get("data_fingerprint") or "")[:DIGITS]


def letter_content(scorer, client_id, lang: str = "fr", lender: str | None = None,
                   contact: str | None = None, day: dt.date | None = None) -> Letter:
    """What the report of ``client_id`` says in ``lang``. ``lender``, ``contact``: the
    lender's name and whom to contact (default: the words' ``lender`` and ``letter_contact_
    default``); ``day``: the date printed (default: today). Raises the Scorer's
    ``UnknownClientError`` for a client that is not in the bundle."""
    check_lang(lang)
    explanation = scorer.explain(client_id, lang=lang)
    score = explanation.score
    cid = int(score.client_id)
    lender = lender or tr("lender", lang)
    contact = contact or tr("letter_contact_default", lang, lender=lender)
    outcome = similar_outcome(scorer, cid, lang)
    bundle_id, version, data = audit(scorer)
    bundle = scorer.bundle
    recourse = recourse_lines(scorer, cid, score, lang)
    return Letter(
        lang=lang, client_id=cid, lender=lender,
        date=long_date(day or dt.date.today(), lang), title=tr("letter_title", lang),
        heading=tr("client_heading", lang, client_id=cid), decision=score.decision,
        band=score.risk_band, probability=score.probability, threshold=score.threshold,
        decision_text=tr(score.decision, lang),
        band_text=tr(score.risk_band, lang),
        interpretation=interpretation(score.probability, score.threshold, score.decision,
                                      score.risk_band, lang),
        threshold_rule=threshold_rule(score.threshold, bundle.cost_fn, bundle.cost_fp,
                                      lender, lang),
        raises=explanation.sentences("raises"), lowers=explanation.sentences("lowers"),
        recourse=None if recourse is None else recourse[0],
        recourse_note="" if recourse is None else recourse[1],
        comparisons=compared(scorer, cid, lang),
        compare_intro=tr("letter_compare_intro", lang, k=K_SIMILAR),
        compare_outcome=outcome, sources=sources(scorer, lender, lang),
        rights=[tr(k, lang) for k in ("right_review", "right_view", "right_contest")],
        rights_intro=tr("letter_rights_intro", lang),
        contact=tr("letter_contact", lang, contact=contact, client_id=cid),
        audit=tr("letter_audit", lang, bundle=bundle_id, model=version,
                 data=data or tr("letter_unrecorded", lang)),
        bundle_id=bundle_id, model_version=version, data_fingerprint=data)
