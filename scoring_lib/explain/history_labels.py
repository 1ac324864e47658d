"""Hand-written words for the client's history: the child tables, their columns and subsets.

:mod:`scoring_lib.explain.labels` composes an aggregate's label from these words, e.g.
``INSTAL_DPD_MEAN`` → "Moyenne des jours de retard (échéances des prêts précédents)".

A column is a :class:`Term`: its French noun phrase **with** its definite article ("les jours
de retard", "l'apport personnel", so that "de" contracts correctly: "des jours de retard"),
its English noun phrase without article, and the unit kind of its values (see
:mod:`scoring_lib.explain.units`). For a date column (unit ``date_days`` / ``date_months``:
days or months before the application, negative in the past) the phrase names the event
instead ("ouverture d'un crédit", "credit opening"), and labels read "Date la plus récente
d'ouverture d'un crédit".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    fr: str
    en: str
    unit: str = "number"


@dataclass(frozen=True)
class Table:
    fr: str          # as it reads in a label's parentheses: "(demandes précédentes)"
    en: str
    rows_fr: str     # what one row is, plural, for counts and shares: "demandes"
    rows_en: str


TABLES: dict[str, Table] = {
    "bureau": Table("autres établissements", "other lenders", "crédits", "credits"),
    "bureau_balance": Table("historique mensuel des crédits auprès d'autres établissements",
                            "monthly history of credits at other lenders", "crédits",
                            "credits"),
    "previous_application": Table("demandes précédentes", "previous applications",
                                  "demandes", "applications"),
    "POS_CASH_balance": Table("relevés des prêts précédents", "statements of previous loans",
                              "relevés mensuels", "monthly statements"),
    "installments_payments": Table("échéances des prêts précédents",
                                   "instalments of previous loans", "échéances", "instalments"),
    "credit_card_balance": Table("cartes de crédit précédentes", "previous credit cards",
                                 "relevés mensuels de carte", "monthly card statements"),
}

#: (table, subset) -> (fr, en): what replaces the table's name in a label's parentheses for
#: a subset of its rows ("all" rows: the table's own name)
SUBSETS: dict[tuple[str, str], tuple[str, str]] = {
    ("bureau", "active"): ("crédits en cours auprès d'autres établissements",
                           "active credits at other lenders"),
    ("bureau", "closed"): ("crédits clos auprès d'autres établissements",
                           "closed credits at other lenders"),
    ("bureau_balance", "active"): ("historique mensuel des crédits en cours auprès d'autres "
                                   "établissements", "monthly history of active credits at "
                                   "other lenders"),
    ("bureau_balance", "closed"): ("historique mensuel des crédits clos auprès d'autres "
                                   "établissements", "monthly history of closed credits at "
                                   "other lenders"),
    ("previous_application", "approved"): ("demandes précédentes acceptées",
                                           "approved previous applications"),
    ("previous_application", "refused"): ("demandes précédentes refusées",
                                          "refused previous applications"),
}
#: the recent windows (subsets ``last_6m`` / ``last_12m``): what the rows of each table are
#: in a window, with ``{n}`` the number of months
_WINDOW_ROWS: dict[str, tuple[str, str]] = {
    "bureau": ("crédits ouverts auprès d'autres établissements ces {n} derniers mois",
               "credits opened at other lenders in the last {n} months"),
    "previous_application": ("demandes précédentes décidées ces {n} derniers mois",
                             "previous applications decided in the last {n} months"),
    "POS_CASH_balance": ("relevés des prêts précédents des {n} derniers mois",
                         "statements of previous loans of the last {n} months"),
    "installments_payments": ("échéances des prêts précédents dues ces {n} derniers mois",
                              "instalments of previous loans due in the last {n} months"),
    "credit_card_balance": ("relevés des cartes de crédit des {n} derniers mois",
                            "credit card statements of the last {n} months"),
}
for _table, (_fr, _en) in _WINDOW_ROWS.items():
    for _subset, _n in (("last_6m", 6), ("last_12m", 12)):
        SUBSETS[(_table, _subset)] = (_fr.format(n=_n), _en.format(n=_n))

#: aggregation "trend" (mean over the last 12 months minus mean over all the history):
#: (fr, en) placed after "Évolution de <column>" / "Change in <column>"
TREND = (" sur les 12 derniers mois par rapport à tout l'historique",
         ", last 12 months against all history")
#: aggregation "last": the row that is "last", per table: (fr, en)
LAST: dict[str, tuple[str, str]] = {
    "previous_application": ("la dernière demande", "the last application"),
}
#: (table, column) of a 0/1 indicator: the label of its mean (the share of rows where it is 1)
#: (fr, en, gender)
INDICATORS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("installments_payments", "LATE"): ("Part des échéances payées en retard",
                                        "Share of instalments paid late", "f"),
}

_DPD = Term("les jours de retard", "days past due", "days")
_DPD_DEF = Term("les jours de retard hors petites dettes", "days past due, small debts ignored",
                "days")
_STATEMENT = Term("relevé mensuel", "monthly statement", "date_months")
_CONTRACT_STATUS = Term("le statut du contrat", "contract status", "category")

COLUMNS: dict[str, dict[str, Term]] = {
    "bureau": {
        "DAYS_CREDIT": Term("ouverture d'un crédit", "credit opening", "date_days"),
        "DAYS_CREDIT_ENDDATE": Term("fin prévue d'un crédit", "planned credit end", "date_days"),
        "DAYS_CREDIT_UPDATE": Term("dernière mise à jour d'un crédit", "last credit update",
                                   "date_days"),
        "CREDIT_DAY_OVERDUE": Term("les jours de retard en cours", "current days past due",
                                   "days"),
        "AMT_CREDIT_MAX_OVERDUE": Term("le plus gros impayé", "largest overdue amount", "amount"),
        "AMT_CREDIT_SUM": Term("le montant des crédits", "credit amount", "amount"),
        "AMT_CREDIT_SUM_DEBT": Term("la dette restante", "remaining debt", "amount"),
        "AMT_CREDIT_SUM_LIMIT": Term("le plafond des cartes de crédit", "credit card limit",
                                     "amount"),
        "AMT_CREDIT_SUM_OVERDUE": Term("le montant impayé", "overdue amount", "amount"),
        "AMT_ANNUITY": Term("les mensualités", "annuity", "amount"),
        "CNT_CREDIT_PROLONG": Term("les prolongations de crédit", "credit extensions", "count"),
        "CREDIT_ACTIVE": Term("le statut", "status", "category"),
        "CREDIT_CURRENCY": Term("la devise", "currency", "category"),
        "CREDIT_TYPE": Term("le type", "type", "category"),
    },
    "previous_application": {
        "AMT_ANNUITY": Term("la mensualité", "annuity", "amount"),
        "AMT_APPLICATION": Term("le montant demandé", "amount asked for", "amount"),
        "AMT_CREDIT": Term("le montant accordé", "amount granted", "amount"),
        "APP_CREDIT_PERC": Term("le rapport entre montant demandé et montant accordé",
                                "amount asked for relative to amount granted", "ratio"),
        "AMT_DOWN_PAYMENT": Term("l'apport personnel", "down payment", "amount"),
        "AMT_GOODS_PRICE": Term("le prix du bien", "price of the goods", "amount"),
        "HOUR_APPR_PROCESS_START": Term("l'heure de la demande", "hour of the application",
                                        "hour"),
        "RATE_DOWN_PAYMENT": Term("le taux d'apport", "down-payment rate", "share"),
        "DAYS_DECISION": Term("décision", "decision", "date_days"),
        "CNT_PAYMENT": Term("la durée du crédit en échéances", "loan term in instalments",
                            "count"),
        "DAYS_FIRST_DRAWING": Term("premier versement des fonds", "first drawing", "date_days"),
        "DAYS_FIRST_DUE": Term("première échéance", "first instalment", "date_days"),
        "DAYS_LAST_DUE_1ST_VERSION": Term("dernière échéance initialement prévue",
                                          "originally planned last instalment", "date_days"),
        "DAYS_LAST_DUE": Term("dernière échéance", "last instalment", "date_days"),
        "DAYS_TERMINATION": Term("fin prévue du contrat", "expected end of contract",
                                 "date_days"),
        "NAME_CONTRACT_TYPE": Term("le type de contrat", "contract type", "category"),
        "WEEKDAY_APPR_PROCESS_START": Term("le jour de la demande", "day of the application",
                                           "category"),
        "FLAG_LAST_APPL_PER_CONTRACT": Term("la mention « dernière demande du contrat »",
                                            "mark “last application for the contract”",
                                            "category"),
        "NAME_CASH_LOAN_PURPOSE": Term("le motif du prêt", "loan purpose", "category"),
        "NAME_CONTRACT_STATUS": Term("le statut", "status", "category"),
        "NAME_PAYMENT_TYPE": Term("le mode de paiement", "payment method", "category"),
        "CODE_REJECT_REASON": Term("le motif de refus", "reason for refusal", "category"),
        "NAME_TYPE_SUITE": Term("l'accompagnant", "companion", "category"),
        "NAME_CLIENT_TYPE": Term("le type de client", "client type", "category"),
        "NAME_GOODS_CATEGORY": Term("la catégorie de biens", "goods category", "category"),
        "NAME_PORTFOLIO": Term("le portefeuille", "portfolio", "category"),
        "NAME_PRODUCT_TYPE": Term("l'origine de la demande", "origin of the application",
                                  "category"),
        "CHANNEL_TYPE": Term("le canal", "channel", "category"),
        "NAME_SELLER_INDUSTRY": Term("le secteur du vendeur", "seller's industry", "category"),
        "NAME_YIELD_GROUP": Term("la catégorie de taux", "interest-rate group", "category"),
        "PRODUCT_COMBINATION": Term("la combinaison de produits", "product combination",
                                    "category"),
    },
    "POS_CASH_balance": {
        "MONTHS_BALANCE": _STATEMENT,
        "CNT_INSTALMENT": Term("la durée du crédit en échéances", "loan term in instalments",
                               "count"),
        "CNT_INSTALMENT_FUTURE": Term("les échéances restant à payer", "instalments left to pay",
                                      "count"),
        "SK_DPD": _DPD,
        "SK_DPD_DEF": _DPD_DEF,
        "NAME_CONTRACT_STATUS": _CONTRACT_STATUS,
    },
    "installments_payments": {
        "NUM_INSTALMENT_VERSION": Term("la version du calendrier de remboursement",
                                       "version of the repayment schedule", "count"),
        "DPD": _DPD,
        "DBD": Term("les jours d'avance", "days paid early", "days"),
        "PAYMENT_PERC": Term("la part de l'échéance payée", "share of the instalment paid",
                             "ratio"),
        "PAYMENT_DIFF": Term("le montant resté impayé", "amount left unpaid", "amount"),
        "AMT_INSTALMENT": Term("le montant des échéances", "instalment amount", "amount"),
        "AMT_PAYMENT": Term("le montant payé", "amount paid", "amount"),
        "DAYS_ENTRY_PAYMENT": Term("paiement", "payment", "date_days"),
        "LATE": Term("la part des échéances payées en retard",
                     "share of instalments paid late", "share"),
    },
    "credit_card_balance": {
        "MONTHS_BALANCE": _STATEMENT,
        "AMT_BALANCE": Term("le solde", "balance", "amount"),
        "AMT_CREDIT_LIMIT_ACTUAL": Term("le plafond de la carte", "card limit", "amount"),
        "AMT_DRAWINGS_ATM_CURRENT": Term("le montant retiré au distributeur",
                                         "amount withdrawn at cash machines", "amount"),
        "AMT_DRAWINGS_CURRENT": Term("le montant dépensé", "amount spent", "amount"),
        "AMT_DRAWINGS_OTHER_CURRENT": Term("le montant des autres dépenses",
                                           "amount of other spending", "amount"),
        "AMT_DRAWINGS_POS_CURRENT": Term("le montant des achats en magasin",
                                         "amount of purchases in shops", "amount"),
        "AMT_INST_MIN_REGULARITY": Term("la mensualité minimale", "minimum instalment",
                                        "amount"),
        "AMT_PAYMENT_CURRENT": Term("le montant remboursé", "amount repaid", "amount"),
        "AMT_PAYMENT_TOTAL_CURRENT": Term("le montant total remboursé", "total amount repaid",
                                          "amount"),
        "AMT_RECEIVABLE_PRINCIPAL": Term("le capital restant dû", "principal still owed",
                                         "amount"),
        "AMT_RECIVABLE": Term("le montant dû", "amount owed", "amount"),
        "AMT_TOTAL_RECEIVABLE": Term("le montant total dû", "total amount owed", "amount"),
        "CNT_DRAWINGS_ATM_CURRENT": Term("le nombre de retraits au distributeur",
                                         "number of cash-machine withdrawals", "count"),
        "CNT_DRAWINGS_CURRENT": Term("le nombre de dépenses", "number of drawings", "count"),
        "CNT_DRAWINGS_OTHER_CURRENT": Term("le nombre d'autres dépenses",
                                           "number of other drawings", "count"),
        "CNT_DRAWINGS_POS_CURRENT": Term("le nombre d'achats en magasin",
                                         "number of purchases in shops", "count"),
        "CNT_INSTALMENT_MATURE_CUM": Term("le nombre d'échéances payées",
                                          "number of instalments paid", "count"),
        "SK_DPD": _DPD,
        "SK_DPD_DEF": _DPD_DEF,
        "NAME_CONTRACT_STATUS": _CONTRACT_STATUS,
        "BALANCE_LIMIT_RATIO": Term("le taux d'utilisation du plafond",
                                    "use of the card limit", "ratio"),
    },
}

#: bureau_balance summaries: (inner aggregation, column, aggregation) -> (fr, en, gender, unit)
#: (the months of one bureau credit are summarised first, then the client's credits)
BALANCE: dict[tuple[str, str, str], tuple[str, str, str, str]] = {
    ("min", "MONTHS_BALANCE", "min"): ("Début du plus ancien historique de crédit",
                                       "Start of the oldest credit history", "m",
                                       "date_months"),
    ("max", "MONTHS_BALANCE", "max"): ("Mois le plus récent de l'historique des crédits",
                                       "Most recent month of credit history", "m",
                                       "date_months"),
    ("count", "ROWS", "mean"): ("Durée moyenne de l'historique d'un crédit",
                                "Average length of a credit's history", "f", "months"),
    ("count", "ROWS", "sum"): ("Durée totale de l'historique des crédits",
                               "Total length of credit history", "f", "months"),
}

#: (table, column) -> group label (fr, en) where it is not the column's own phrase
GROUPS: dict[tuple[str, str], tuple[str, str]] = {
    ("bureau_balance", "MONTHS_BALANCE"): ("Ancienneté de l'historique des crédits",
                                           "Age of the credit history"),
    ("bureau_balance", "ROWS"): ("Durée de l'historique des crédits",
                                 "Length of the credit history"),
    ("bureau_balance", "STATUS"): ("Retards mois par mois", "Month-by-month delays"),
}
