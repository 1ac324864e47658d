"""Hand-written labels of the application columns, ratios and combinations.

One :class:`Word` per feature of the application table: a short French and English label
(what an advisor would say to a client), the grammatical gender of the French label (``"m"``
or ``"f"``, used to agree an adjective: "Âge élevé", "Ancienneté faible") and the unit kind of
its values (see :mod:`scoring_lib.explain.units`). Written from the Kaggle column dictionary
(``HomeCredit_columns_description.csv``); the package never reads that file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    fr: str
    en: str
    gender: str = "m"  # of the French label
    unit: str = "number"


def _w(fr, en, gender="m", unit="number") -> Word:
    return Word(fr, en, gender, unit)


APPLICATION: dict[str, Word] = {
    "NAME_CONTRACT_TYPE": _w("Type de crédit demandé", "Type of loan requested", unit="category"),
    "CODE_GENDER": _w("Sexe", "Gender", unit="category"),
    "FLAG_OWN_CAR": _w("Possède une voiture", "Owns a car", unit="category"),
    "FLAG_OWN_REALTY": _w("Propriétaire d'un logement", "Owns a home", unit="category"),
    "CNT_CHILDREN": _w("Nombre d'enfants", "Number of children", unit="count"),
    "AMT_INCOME_TOTAL": _w("Revenu annuel", "Annual income", unit="amount"),
    "AMT_CREDIT": _w("Montant du crédit demandé", "Amount of the requested loan", unit="amount"),
    "AMT_ANNUITY": _w("Mensualité du crédit demandé", "Annuity of the requested loan", "f",
                      "amount"),
    "AMT_GOODS_PRICE": _w("Prix du bien financé", "Price of the goods financed", unit="amount"),
    "NAME_TYPE_SUITE": _w("Accompagnant lors de la demande", "Accompanied by, when applying",
                          unit="category"),
    "NAME_INCOME_TYPE": _w("Type de revenu", "Income type", unit="category"),
    "NAME_EDUCATION_TYPE": _w("Niveau d'études", "Education level", unit="category"),
    "NAME_FAMILY_STATUS": _w("Situation familiale", "Family status", "f", "category"),
    "NAME_HOUSING_TYPE": _w("Type de logement", "Housing situation", unit="category"),
    "REGION_POPULATION_RELATIVE": _w("Densité de population de la région",
                                     "Population density of the region", "f", "number"),
    "DAYS_BIRTH": _w("Âge", "Age", unit="duration_days"),
    "DAYS_EMPLOYED": _w("Ancienneté dans l'emploi", "Time in current job", "f",
                        "duration_days"),
    "DAYS_REGISTRATION": _w("Temps depuis le changement d'enregistrement",
                            "Time since the registration changed", unit="duration_days"),
    "DAYS_ID_PUBLISH": _w("Temps depuis le changement de pièce d'identité",
                          "Time since the identity document changed", unit="duration_days"),
    "OWN_CAR_AGE": _w("Âge de la voiture", "Age of the car", unit="years"),
    "FLAG_MOBIL": _w("Téléphone portable fourni", "Mobile phone given", unit="flag"),
    "FLAG_EMP_PHONE": _w("Téléphone de l'employeur fourni", "Employer's phone given",
                         unit="flag"),
    "FLAG_WORK_PHONE": _w("Téléphone professionnel fourni", "Work phone given", unit="flag"),
    "FLAG_CONT_MOBILE": _w("Téléphone portable joignable", "Mobile phone reachable",
                           unit="flag"),
    "FLAG_PHONE": _w("Téléphone fixe fourni", "Home phone given", unit="flag"),
    "FLAG_EMAIL": _w("Adresse e-mail fournie", "E-mail address given", "f", "flag"),
    "OCCUPATION_TYPE": _w("Profession", "Occupation", "f", "category"),
    "CNT_FAM_MEMBERS": _w("Taille du foyer", "Household size", "f", "count"),
    "REGION_RATING_CLIENT": _w("Note de la région", "Rating of the region", "f", "rating"),
    "REGION_RATING_CLIENT_W_CITY": _w("Note de la région et de la ville",
                                      "Rating of the region and city", "f", "rating"),
    "WEEKDAY_APPR_PROCESS_START": _w("Jour de la demande", "Day of the application",
                                     unit="category"),
    "HOUR_APPR_PROCESS_START": _w("Heure de la demande", "Hour of the application", "f",
                                  "hour"),
    "ORGANIZATION_TYPE": _w("Secteur de l'employeur", "Employer's sector", unit="category"),
    "EXT_SOURCE_1": _w("Score externe n°1", "External score #1", unit="score"),
    "EXT_SOURCE_2": _w("Score externe n°2", "External score #2", unit="score"),
    "EXT_SOURCE_3": _w("Score externe n°3", "External score #3", unit="score"),
    "FONDKAPREMONT_MODE": _w("Fonds de travaux de l'immeuble", "Building repair fund",
                             unit="category"),
    "HOUSETYPE_MODE": _w("Type de bâtiment", "Type of building", unit="category"),
    "TOTALAREA_MODE": _w("Surface totale de l'immeuble (valeur la plus fréquente)",
                         "Total area of the building (most frequent value)", "f", "index"),
    "WALLSMATERIAL_MODE": _w("Matériau des murs de l'immeuble", "Wall material of the building",
                             unit="category"),
    "EMERGENCYSTATE_MODE": _w("Immeuble en état d'urgence", "Building in a state of emergency",
                              unit="category"),
    "OBS_30_CNT_SOCIAL_CIRCLE": _w("Nombre de proches suivis (retards de 30 jours)",
                                   "Number of acquaintances followed (30 days past due)",
                                   unit="count"),
    "DEF_30_CNT_SOCIAL_CIRCLE": _w("Nombre de proches en défaut de paiement (30 jours)",
                                   "Number of acquaintances in default (30 days past due)",
                                   unit="count"),
    "OBS_60_CNT_SOCIAL_CIRCLE": _w("Nombre de proches suivis (retards de 60 jours)",
                                   "Number of acquaintances followed (60 days past due)",
                                   unit="count"),
    "DEF_60_CNT_SOCIAL_CIRCLE": _w("Nombre de proches en défaut de paiement (60 jours)",
                                   "Number of acquaintances in default (60 days past due)",
                                   unit="count"),
    "DAYS_LAST_PHONE_CHANGE": _w("Temps depuis le dernier changement de téléphone",
                                 "Time since the phone was last changed", unit="duration_days"),
}

_PLACES = {"REGION": ("régions", "regions"), "CITY": ("villes", "cities")}
_ADDRESSES = {"REG": ("adresse officielle", "permanent address"),
              "LIVE": ("adresse de contact", "contact address"),
              "WORK": ("lieu de travail", "work address")}
for _scale in _PLACES:
    for _a, _b in (("REG", "LIVE"), ("REG", "WORK"), ("LIVE", "WORK")):
        _fr = (f"{_ADDRESSES[_a][0][:1].upper()}{_ADDRESSES[_a][0][1:]} et "
               f"{_ADDRESSES[_b][0]} dans des {_PLACES[_scale][0]} différentes")
        _en = (f"{_ADDRESSES[_a][1][:1].upper()}{_ADDRESSES[_a][1][1:]} and "
               f"{_ADDRESSES[_b][1]} in different {_PLACES[_scale][1]}")
        APPLICATION[f"{_a}_{_scale}_NOT_{_b}_{_scale}"] = _w(_fr, _en, "f", "flag")

for _n in range(2, 22):
    APPLICATION[f"FLAG_DOCUMENT_{_n}"] = _w(f"Document n°{_n} fourni", f"Document #{_n} provided",
                                            unit="flag")

_ENQUIRIES = {"HOUR": ("dernière heure", "last hour"),
              "DAY": ("dernier jour, hors dernière heure", "last day, not the last hour"),
              "WEEK": ("dernière semaine, hors dernier jour", "last week, not the last day"),
              "MON": ("dernier mois, hors dernière semaine", "last month, not the last week"),
              "QRT": ("3 derniers mois, hors dernier mois", "last 3 months, not the last month"),
              "YEAR": ("dernière année, hors 3 derniers mois",
                       "last year, not the last 3 months")}
for _key, (_fr, _en) in _ENQUIRIES.items():
    APPLICATION[f"AMT_REQ_CREDIT_BUREAU_{_key}"] = _w(
        f"Nombre de consultations du fichier des crédits ({_fr})",
        f"Number of credit bureau enquiries ({_en})", "m",
        "count")

#: the building where the client lives: normalised statistics (Kaggle: "normalized information
#: about building where the client lives"), shown as an index between 0 and 1
_BUILDING = {
    "APARTMENTS": ("Taille des appartements", "Apartment size", "f"),
    "BASEMENTAREA": ("Surface des sous-sols", "Basement area", "f"),
    "YEARS_BEGINEXPLUATATION": ("Ancienneté d'exploitation", "Years in use", "f"),
    "YEARS_BUILD": ("Âge", "Age", "m"),
    "COMMONAREA": ("Surface des parties communes", "Common area", "f"),
    "ELEVATORS": ("Nombre d'ascenseurs", "Number of elevators", "m"),
    "ENTRANCES": ("Nombre d'entrées", "Number of entrances", "m"),
    "FLOORSMAX": ("Nombre maximal d'étages", "Highest number of floors", "m"),
    "FLOORSMIN": ("Nombre minimal d'étages", "Lowest number of floors", "m"),
    "LANDAREA": ("Surface du terrain", "Land area", "f"),
    "LIVINGAPARTMENTS": ("Nombre de logements habitables", "Number of living units", "m"),
    "LIVINGAREA": ("Surface habitable", "Living area", "f"),
    "NONLIVINGAPARTMENTS": ("Nombre de locaux non habitables", "Number of non-living units",
                            "m"),
    "NONLIVINGAREA": ("Surface non habitable", "Non-living area", "f"),
}
_STATS = {"AVG": ("moyenne", "average"), "MODE": ("valeur la plus fréquente",
                                                 "most frequent value"),
          "MEDI": ("médiane", "median")}
for _key, (_fr, _en, _gender) in _BUILDING.items():
    for _suffix, (_sfr, _sen) in _STATS.items():
        APPLICATION[f"{_key}_{_suffix}"] = _w(f"{_fr} de l'immeuble ({_sfr})",
                                              f"{_en} of the building ({_sen})", _gender, "index")

#: the ratios of scoring_lib.features.application.RATIOS
RATIOS: dict[str, Word] = {
    "DAYS_EMPLOYED_PERC": _w("Part de la vie passée dans l'emploi actuel",
                             "Share of life spent in the current job", "f", "ratio"),
    "INCOME_CREDIT_PERC": _w("Revenu rapporté au montant du crédit",
                             "Income relative to the loan amount", "m", "ratio"),
    "INCOME_PER_PERSON": _w("Revenu par personne du foyer", "Income per household member",
                            "m", "amount"),
    "ANNUITY_INCOME_PERC": _w("Taux d'effort (mensualité rapportée au revenu)",
                              "Debt burden (annuity relative to income)", "m", "ratio"),
    "PAYMENT_RATE": _w("Rythme de remboursement (mensualité rapportée au crédit)",
                       "Repayment rate (annuity relative to the loan amount)", "m", "ratio"),
    "GOODS_PRICE_CREDIT_PERC": _w("Part du crédit qui finance le bien",
                                  "Share of the loan that pays for the goods", "f", "ratio"),
    "CREDIT_TERM": _w("Durée du crédit demandé (montant rapporté à la mensualité)",
                      "Duration of the requested loan (amount relative to the annuity)", "f",
                      "months"),
    "DAYS_ID_PUBLISH_PERC": _w("Ancienneté de la pièce d'identité rapportée à l'âge",
                               "Age of the identity document relative to age", "f", "ratio"),
    "DAYS_LAST_PHONE_CHANGE_PERC": _w("Temps depuis le changement de téléphone rapporté à l'âge",
                                      "Time since the phone changed relative to age", "m",
                                      "ratio"),
}

#: the combinations of scoring_lib.features.application (aggregation "combination")
COMBINATIONS: dict[str, Word] = {
    "EXT_SOURCES_MEAN": _w("Moyenne des scores externes", "Average of the external scores",
                           "f", "score"),
    "EXT_SOURCES_MIN": _w("Plus faible des scores externes", "Lowest external score", "m",
                          "score"),
    "EXT_SOURCES_MAX": _w("Plus élevé des scores externes", "Highest external score", "m",
                          "score"),
    "EXT_SOURCES_PROD": _w("Produit des trois scores externes",
                           "Product of the three external scores", "m", "score"),
    "EXT_SOURCES_WEIGHTED": _w("Moyenne pondérée des scores externes (poids 2, 1, 3)",
                               "Weighted average of the external scores (weights 2, 1, 3)",
                               "f", "score"),
    "EXT_SOURCES_STD": _w("Écart entre les scores externes (écart type)",
                          "Spread of the external scores (standard deviation)", "m",
                          "score"),
    "EXT_SOURCES_NAN_COUNT": _w("Nombre de scores externes inconnus",
                                "Number of unknown external scores", "m", "count"),
    "DOCUMENT_COUNT": _w("Nombre de documents fournis", "Number of documents provided", "m",
                         "count"),
    "AMT_REQ_CREDIT_BUREAU_TOTAL": _w("Nombre de consultations du bureau de crédit dans "
                                      "l'année avant la demande", "Number of credit-bureau "
                                      "enquiries in the year before the application", "m",
                                      "count"),
}

#: variables (``column`` of the metadata) that group several application features
GROUPS: dict[str, Word] = {
    "EXT_SOURCES": _w("Scores externes combinés", "External scores combined", "m", "score"),
}


def application_word(name: str) -> Word | None:
    """The :class:`Word` of an application feature or variable ``name`` (None if unknown)."""
    return (APPLICATION.get(name) or RATIOS.get(name) or COMBINATIONS.get(name)
            or GROUPS.get(name))

#: columns whose missing value means "not applicable" (the raw 365243 sentinel: no current
#: job, e.g. pensioners), not "unknown"; DAYS_EMPLOYED is never missing in the raw files
NOT_APPLICABLE_WHEN_MISSING = ("DAYS_EMPLOYED", "DAYS_EMPLOYED_PERC")
