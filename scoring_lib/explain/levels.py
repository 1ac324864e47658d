"""Category levels in words a client understands, in French and English.

The raw files hold English codes (``Working``, ``Cash loans``), placeholders (``XNA``: not
stated, ``XAP``: not applicable) and short codes (``F``, ``Y``, ``STATUS`` ``1``). Every level
of every categorical column of the schema has a French and an English wording here, so that a
value shown to a client or a share feature's label never shows a raw code.
:func:`level_text` falls back on the level itself for a level the schema does not know (the
loader keeps rare unknown levels rather than failing).

Most English wordings are the level itself; only codes, placeholders and names with
underscores are rewritten.
"""

from __future__ import annotations

import re

#: wording of levels that mean the same in every column: level -> (fr, en)
COMMON: dict[str, tuple[str, str]] = {
    "XNA": ("non renseigné", "not stated"),
    "XAP": ("sans objet", "not applicable"),
    "Y": ("oui", "yes"),
    "N": ("non", "no"),
    "Yes": ("oui", "yes"),
    "No": ("non", "no"),
    "Other": ("autre", "other"),
    "Unknown": ("inconnu", "unknown"),
}

WEEKDAYS = {"MONDAY": ("lundi", "Monday"), "TUESDAY": ("mardi", "Tuesday"),
            "WEDNESDAY": ("mercredi", "Wednesday"), "THURSDAY": ("jeudi", "Thursday"),
            "FRIDAY": ("vendredi", "Friday"), "SATURDAY": ("samedi", "Saturday"),
            "SUNDAY": ("dimanche", "Sunday")}

TYPE_SUITE = {
    "Unaccompanied": ("seul", "alone"),
    "Family": ("famille", "family"),
    "Spouse, partner": ("conjoint ou partenaire", "spouse or partner"),
    "Children": ("enfants", "children"),
    "Other_A": ("autre personne (A)", "other person (A)"),
    "Other_B": ("autre personne (B)", "other person (B)"),
    "Group of people": ("groupe de personnes", "group of people"),
}

_FR: dict[str, dict[str, str]] = {
    "CODE_GENDER": {"F": "femme", "M": "homme"},
    "NAME_CONTRACT_TYPE": {"Cash loans": "prêt personnel", "Revolving loans":
                           "crédit renouvelable", "Consumer loans": "crédit à la consommation"},
    "NAME_INCOME_TYPE": {
        "Working": "salarié(e)", "Commercial associate": "associé(e) commercial(e)",
        "Pensioner": "retraité(e)", "State servant": "fonctionnaire", "Unemployed": "sans emploi",
        "Student": "étudiant(e)", "Businessman": "chef d'entreprise",
        "Maternity leave": "congé maternité"},
    "NAME_EDUCATION_TYPE": {
        "Secondary / secondary special": "secondaire", "Higher education": "supérieur",
        "Incomplete higher": "supérieur non terminé", "Lower secondary": "collège",
        "Academic degree": "doctorat"},
    "NAME_FAMILY_STATUS": {
        "Married": "marié(e)", "Single / not married": "célibataire",
        "Civil marriage": "union libre ou PACS", "Separated": "séparé(e)",
        "Widow": "veuf ou veuve"},
    "NAME_HOUSING_TYPE": {
        "House / apartment": "maison ou appartement", "With parents": "chez ses parents",
        "Municipal apartment": "logement social", "Rented apartment": "location",
        "Office apartment": "logement de fonction", "Co-op apartment": "logement coopératif"},
    "OCCUPATION_TYPE": {
        "Laborers": "ouvrier", "Core staff": "employé qualifié", "Sales staff": "vendeur",
        "Managers": "cadre", "Drivers": "chauffeur",
        "High skill tech staff": "technicien hautement qualifié", "Accountants": "comptable",
        "Medicine staff": "personnel médical", "Security staff": "agent de sécurité",
        "Cooking staff": "cuisinier", "Cleaning staff": "agent d'entretien",
        "Private service staff": "service à la personne",
        "Low-skill Laborers": "ouvrier non qualifié", "Waiters/barmen staff": "serveur ou barman",
        "Secretaries": "secrétaire", "Realty agents": "agent immobilier",
        "HR staff": "ressources humaines", "IT staff": "informaticien"},
    "ORGANIZATION_TYPE": {
        "XNA": "sans employeur", "Self-employed": "indépendant", "Medicine": "santé",
        "Government": "administration", "School": "école", "Kindergarten": "crèche ou maternelle",
        "Construction": "bâtiment", "Security": "sécurité", "Housing": "logement",
        "Military": "armée", "Bank": "banque", "Agriculture": "agriculture", "Police": "police",
        "Postal": "poste", "Security Ministries": "ministères de la sécurité",
        "Restaurant": "restauration", "Services": "services", "University": "université",
        "Hotel": "hôtellerie", "Electricity": "électricité", "Insurance": "assurance",
        "Telecom": "télécommunications", "Emergency": "services d'urgence",
        "Advertising": "publicité", "Realtor": "immobilier", "Culture": "culture",
        "Mobile": "téléphonie mobile", "Legal Services": "services juridiques",
        "Cleaning": "nettoyage", "Religion": "religion"},
    "FONDKAPREMONT_MODE": {
        "reg oper account": "compte d'exploitation ordinaire",
        "reg oper spec account": "compte d'exploitation spécial",
        "org spec account": "compte spécial de l'organisme", "not specified": "non précisé"},
    "HOUSETYPE_MODE": {"block of flats": "immeuble", "specific housing": "logement spécifique",
                       "terraced house": "maison mitoyenne"},
    "WALLSMATERIAL_MODE": {
        "Stone, brick": "pierre ou brique", "Panel": "panneaux", "Block": "blocs",
        "Wooden": "bois", "Mixed": "mixte", "Monolithic": "béton monolithique",
        "Others": "autres"},
    "CREDIT_ACTIVE": {"Closed": "clos", "Active": "en cours", "Sold": "cédé",
                      "Bad debt": "créance irrécouvrable"},
    "CREDIT_TYPE": {
        "Consumer credit": "crédit à la consommation", "Credit card": "carte de crédit",
        "Car loan": "prêt automobile", "Mortgage": "prêt immobilier", "Microloan": "microcrédit",
        "Loan for business development": "prêt pour développer une entreprise",
        "Another type of loan": "autre type de prêt", "Unknown type of loan": "type inconnu",
        "Loan for working capital replenishment": "prêt de trésorerie",
        "Cash loan (non-earmarked)": "prêt personnel non affecté",
        "Real estate loan": "prêt foncier",
        "Loan for the purchase of equipment": "prêt pour achat d'équipement",
        "Loan for purchase of shares (margin lending)": "prêt pour achat d'actions",
        "Interbank credit": "crédit interbancaire", "Mobile operator loan":
        "prêt d'opérateur mobile"},
    "NAME_CASH_LOAN_PURPOSE": {
        "Repairs": "travaux", "Urgent needs": "besoins urgents",
        "Buying a used car": "achat d'une voiture d'occasion",
        "Building a house or an annex": "construction d'une maison ou d'une annexe",
        "Everyday expenses": "dépenses courantes", "Medicine": "frais médicaux",
        "Payments on other loans": "remboursement d'autres prêts", "Education": "études",
        "Journey": "voyage", "Purchase of electronic equipment": "achat d'électronique",
        "Buying a new car": "achat d'une voiture neuve",
        "Wedding / gift / holiday": "mariage, cadeau ou vacances",
        "Buying a home": "achat d'un logement", "Car repairs": "réparation automobile",
        "Furniture": "mobilier", "Buying a holiday home / land":
        "achat d'une résidence secondaire ou d'un terrain",
        "Business development": "développement d'une entreprise",
        "Gasification / water supply": "raccordement au gaz ou à l'eau",
        "Buying a garage": "achat d'un garage", "Hobby": "loisirs",
        "Money for a third person": "argent pour un tiers",
        "Refusal to name the goal": "motif non communiqué"},
    "NAME_PAYMENT_TYPE": {
        "Cash through the bank": "espèces via la banque",
        "Non-cash from your account": "prélèvement sur le compte du client",
        "Cashless from the account of the employer": "prélèvement sur le compte de l'employeur"},
    "CODE_REJECT_REASON": {
        "XAP": "sans objet (non refusée)", "HC": "code HC", "LIMIT": "plafond",
        "SCO": "score", "CLIENT": "client", "SCOFR": "code SCOFR", "VERIF": "vérification",
        "SYSTEM": "système"},
    "NAME_CLIENT_TYPE": {"Repeater": "client fidèle", "New": "nouveau client",
                         "Refreshed": "client de retour"},
    "NAME_GOODS_CATEGORY": {
        "Mobile": "téléphones mobiles", "Consumer Electronics": "électronique grand public",
        "Computers": "informatique", "Audio/Video": "audio et vidéo", "Furniture": "mobilier",
        "Photo / Cinema Equipment": "photo et cinéma",
        "Construction Materials": "matériaux de construction",
        "Clothing and Accessories": "vêtements et accessoires",
        "Auto Accessories": "accessoires automobiles", "Jewelry": "bijoux",
        "Homewares": "articles de maison", "Medical Supplies": "fournitures médicales",
        "Vehicles": "véhicules", "Sport and Leisure": "sport et loisirs",
        "Gardening": "jardinage", "Office Appliances": "équipement de bureau",
        "Tourism": "tourisme", "Medicine": "médicaments", "Direct Sales": "vente directe",
        "Fitness": "remise en forme", "Additional Service": "service complémentaire",
        "Education": "éducation", "Weapon": "armes", "Insurance": "assurance",
        "House Construction": "construction de maison", "Animals": "animaux"},
    "NAME_PORTFOLIO": {"POS": "achat en magasin", "Cash": "prêt personnel", "Cards": "carte",
                       "Cars": "automobile"},
    "NAME_PRODUCT_TYPE": {"x-sell": "proposé par la banque", "walk-in": "venu de lui-même"},
    "CHANNEL_TYPE": {
        "Credit and cash offices": "agence de crédit", "Country-wide": "réseau national",
        "Stone": "magasin partenaire", "Regional / Local": "réseau régional ou local",
        "Contact center": "centre d'appels", "AP+ (Cash loan)": "AP+ (prêt personnel)",
        "Channel of corporate sales": "ventes aux entreprises",
        "Car dealer": "concessionnaire automobile"},
    "NAME_SELLER_INDUSTRY": {
        "Consumer electronics": "électronique grand public",
        "Connectivity": "télécommunications", "Furniture": "mobilier",
        "Construction": "bâtiment", "Clothing": "habillement", "Industry": "industrie",
        "Auto technology": "automobile", "Jewelry": "bijouterie",
        "MLM partners": "vente multiniveau", "Tourism": "tourisme"},
    "NAME_YIELD_GROUP": {"middle": "taux moyen", "high": "taux élevé", "low_normal": "taux bas",
                         "low_action": "taux promotionnel"},
    "PRODUCT_COMBINATION": {
        "Cash": "prêt personnel", "Card Street": "carte, client venu de lui-même",
        "Card X-Sell": "carte, proposée par la banque",
        "Cash X-Sell: low": "prêt personnel proposé par la banque, taux bas",
        "Cash X-Sell: middle": "prêt personnel proposé par la banque, taux moyen",
        "Cash X-Sell: high": "prêt personnel proposé par la banque, taux élevé",
        "Cash Street: low": "prêt personnel, client venu de lui-même, taux bas",
        "Cash Street: middle": "prêt personnel, client venu de lui-même, taux moyen",
        "Cash Street: high": "prêt personnel, client venu de lui-même, taux élevé",
        "POS household with interest": "achat en magasin, maison, avec intérêts",
        "POS household without interest": "achat en magasin, maison, sans intérêts",
        "POS mobile with interest": "achat en magasin, téléphone, avec intérêts",
        "POS mobile without interest": "achat en magasin, téléphone, sans intérêts",
        "POS industry with interest": "achat en magasin, industrie, avec intérêts",
        "POS industry without interest": "achat en magasin, industrie, sans intérêts",
        "POS other with interest": "achat en magasin, autre, avec intérêts",
        "POS others without interest": "achat en magasin, autre, sans intérêts"},
    "STATUS": {"C": "clos", "X": "statut inconnu", "0": "sans retard",
               "1": "retard de 1 à 30 jours", "2": "retard de 31 à 60 jours",
               "3": "retard de 61 à 90 jours", "4": "retard de 91 à 120 jours",
               "5": "retard de plus de 120 jours ou cédé"},
    "NAME_CONTRACT_STATUS": {
        # previous_application
        "Approved": "acceptée", "Canceled": "annulée", "Refused": "refusée",
        "Unused offer": "offre non utilisée",
        # POS_CASH_balance and credit_card_balance (see TABLE_FR)
        "Active": "en cours", "Completed": "terminé", "Signed": "signé",
        "Demand": "mise en demeure", "Returned to the store": "retourné au magasin",
        "Amortized debt": "dette amortie", "Sent proposal": "proposition envoyée"},
}

#: French wordings that differ with the table (a contract is masculine, an application feminine)
TABLE_FR: dict[tuple[str, str], dict[str, str]] = {
    ("POS_CASH_balance", "NAME_CONTRACT_STATUS"): {"Approved": "accepté", "Canceled": "annulé"},
    ("credit_card_balance", "NAME_CONTRACT_STATUS"): {"Approved": "accepté",
                                                      "Refused": "refusé"},
}

_EN: dict[str, dict[str, str]] = {
    "CODE_GENDER": {"F": "woman", "M": "man"},
    "NAME_FAMILY_STATUS": {"Single / not married": "single", "Civil marriage":
                           "civil partnership"},
    "ORGANIZATION_TYPE": {"XNA": "no employer"},
    "CODE_REJECT_REASON": {"XAP": "not applicable (not refused)", "HC": "code HC",
                           "LIMIT": "limit", "SCO": "score", "CLIENT": "client",
                           "SCOFR": "code SCOFR", "VERIF": "verification", "SYSTEM": "system"},
    "NAME_YIELD_GROUP": {"middle": "middle rate", "high": "high rate", "low_normal": "low rate",
                         "low_action": "promotional rate"},
    "NAME_PORTFOLIO": {"POS": "purchase in a shop", "Cash": "cash loan", "Cards": "card",
                       "Cars": "car"},
    "NAME_PRODUCT_TYPE": {"x-sell": "offered by the bank", "walk-in": "client came in"},
    "PRODUCT_COMBINATION": {
        "Cash": "cash loan", "Card Street": "card, client came in",
        "Card X-Sell": "card, offered by the bank",
        **{f"Cash X-Sell: {r}": f"cash loan offered by the bank, {r} rate"
           for r in ("low", "middle", "high")},
        **{f"Cash Street: {r}": f"cash loan, client came in, {r} rate"
           for r in ("low", "middle", "high")},
        **{f"POS {what} {how} interest": f"purchase in a shop, {word}, {how} interest"
           for what, word in (("household", "household"), ("mobile", "phone"),
                              ("industry", "industry"), ("other", "other"),
                              ("others", "other"))
           for how in ("with", "without")}},
    "CHANNEL_TYPE": {"AP+ (Cash loan)": "AP+ (cash loan)", "Stone": "partner shop"},
    "STATUS": {"C": "closed", "X": "status unknown", "0": "no delay", "1": "1-30 days late",
               "2": "31-60 days late", "3": "61-90 days late", "4": "91-120 days late",
               "5": "over 120 days late or sold"},
    "CREDIT_CURRENCY": {f"currency {i}": f"currency {i}" for i in range(1, 5)},
}

_PATTERNS_FR = ((re.compile(r"^Business Entity Type (\d+)$"), "entreprise (type {})"),
                (re.compile(r"^Industry: type (\d+)$"), "industrie (type {})"),
                (re.compile(r"^Trade: type (\d+)$"), "commerce (type {})"),
                (re.compile(r"^Transport: type (\d+)$"), "transport (type {})"),
                (re.compile(r"^currency (\d+)$"), "devise {}"))
_PATTERNS_EN = ((re.compile(r"^Business Entity Type (\d+)$"), "business entity (type {})"),
                (re.compile(r"^Industry: type (\d+)$"), "industry (type {})"),
                (re.compile(r"^Trade: type (\d+)$"), "trade (type {})"),
                (re.compile(r"^Transport: type (\d+)$"), "transport (type {})"))


def level_text(column: str, level, lang: str = "fr", table: str | None = None) -> str:
    """``level`` of ``column`` in plain words (lower case, as it reads inside a sentence).

    ``table`` matters only for columns whose levels read differently per table
    (NAME_CONTRACT_STATUS). Unknown levels come back as they are (as text).
    """
    level = str(level)
    if lang == "fr":
        if table is not None and level in TABLE_FR.get((table, column), {}):
            return TABLE_FR[(table, column)][level]
        special, patterns, index = _FR, _PATTERNS_FR, 0
    elif lang == "en":
        special, patterns, index = _EN, _PATTERNS_EN, 1
    else:
        raise ValueError(f"lang must be 'fr' or 'en', got {lang!r}")
    if level in special.get(column, {}):
        return special[column][level]
    if column.startswith("WEEKDAY") and level in WEEKDAYS:
        return WEEKDAYS[level][index]
    if column == "NAME_TYPE_SUITE" and level in TYPE_SUITE:
        return TYPE_SUITE[level][index]
    if level in COMMON:
        return COMMON[level][index]
    for pattern, template in patterns:
        match = pattern.match(level)
        if match:
            return template.format(*match.groups())
    if lang == "en":
        return level[:1].lower() + level[1:] if level[1:2].islower() else level
    return level
