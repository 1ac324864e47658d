"""What a simulation returns: :class:`WhatIf` (one changed application, scored and explained)
and :class:`Recourse` (the options that would make the model grant the credit)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..decision import GRANTED
from ..words import colon, number, percent, score_sentence, tr
from .levers import ANNUITY, CREDIT, GOODS, months_of


def money(x: float, lang: str) -> str:
    return tr("money", lang, amount=number(x, 0, lang))


def application_sentence(values: dict, lang: str) -> str:
    """"un crédit de 250 000 € sur 48 mois (mensualité 5 208 €, bien de 250 000 €)"."""
    months = months_of(values)
    text = tr("sim_credit", lang, credit=money(values[CREDIT], lang))
    if math.isfinite(months):
        text += tr("sim_months", lang, months=number(months, 0, lang),
                   annuity=money(values[ANNUITY], lang))
    goods = values.get(GOODS)
    if goods is not None and math.isfinite(goods):
        text += tr("sim_goods", lang, goods=money(goods, lang))
    return text


def outcome_sentence(values: dict, probability: float, threshold: float, decision: str,
                     lang: str) -> str:
    """"Un crédit de 250 000 € sur 48 mois … serait accordé : probabilité 7,4 %, sous le seuil
    de 8,3 %"."""
    key = "sim_granted" if decision == GRANTED else "sim_refused"
    text = application_sentence(values, lang)
    return tr(key, lang, application=text[:1].upper() + text[1:],
              p=percent(probability, lang, versus=threshold),
              t=percent(threshold, lang, versus=probability))


@dataclass
class WhatIf:
    """A client's application with ``changes`` (lever -> value as asked), the raw values
    that result (``values``: AMT_CREDIT, AMT_ANNUITY, AMT_GOODS_PRICE; ``before``: the
    stored ones), scored (``explanation.score``) and explained like :meth:`Scorer.explain`.
    ``real``: the client's real score, unchanged; ``features``: the model features of the
    simulated application."""

    changes: dict
    values: dict
    before: dict
    explanation: object          # scoring.Explanation
    real: object                 # scoring.Score
    features: object = None      # pd.Series: the model features of the simulated application

    @property
    def score(self):
        return self.explanation.score

    @property
    def probability(self) -> float:
        return self.score.probability

    @property
    def decision(self) -> str:
        return self.score.decision

    def to_text(self) -> str:
        lang = self.explanation.lang
        s = self.score
        lines = [tr("sim_title", lang, client_id=s.client_id),
                 outcome_sentence(self.values, s.probability, s.threshold, s.decision, lang),
                 tr("sim_real", lang, p=percent(self.real.probability, lang),
                    decision=tr(self.real.decision, lang).lower())]
        return "\n".join(lines + self.explanation.reason_lines())

    def to_dict(self) -> dict:
        e = self.explanation.to_dict()
        return {**e, "changes": dict(self.changes), "values": dict(self.values),
                "before": dict(self.before), "duration_months": months_of(self.values),
                "real_probability": self.real.probability, "real_decision": self.real.decision}


@dataclass
class Option:
    """One set of changes that makes the model grant the credit (verified by ``what_if``)."""

    changes: dict                # lever -> value, as ``what_if`` takes them
    values: dict                 # the raw values that result
    probability: float
    decision: str
    change: float                # the sum of the relative changes of the levers

    def to_dict(self) -> dict:
        return {"changes": dict(self.changes), "probability": self.probability,
                "decision": self.decision, "values": dict(self.values),
                "duration_months": months_of(self.values)}


@dataclass
class Recourse:
    """Up to ``max_options`` :class:`Option` for one client; ``message`` when there is none
    (already granted, or nothing within the limits: then ``weighs_most`` names the reasons
    that raise the risk most)."""

    score: object                # scoring.Score: the real one
    target: float                # the probability every option is at or below
    options: list[Option] = field(default_factory=list)
    message: str | None = None
    weighs_most: list[str] = field(default_factory=list)
    lang: str = "fr"

    def to_text(self) -> str:
        s, lang = self.score, self.lang
        lines = [score_sentence(s.client_id, s.probability, s.threshold, s.decision,
                                s.risk_band, lang)]
        if self.options:
            lines.append(colon(tr("recourse_options", lang), lang))
            lines += [f"  {i}. " + outcome_sentence(o.values, o.probability, s.threshold,
                                                     o.decision, lang)
                      for i, o in enumerate(self.options, 1)]
        if self.message:
            lines.append(self.message)
        if self.weighs_most:
            lines.append(colon(tr("recourse_weighs", lang), lang))
            lines += [f"  - {x}" for x in self.weighs_most]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        s = self.score
        out = {"client_id": s.client_id, "probability": s.probability, "decision": s.decision,
               "threshold": s.threshold, "target": self.target, "lang": self.lang,
               "options": [o.to_dict() for o in self.options]}
        if self.message:
            out["message"] = self.message
            out["weighs_most"] = list(self.weighs_most)
        return out
