"""Every word the dashboard shows, in French and English, and the few sentences it writes.

:data:`TEXTS` maps a key to ``(French, English)``; :func:`tr` picks one and fills its
``{placeholders}``. Texts are plain text, never HTML: a panel escapes what it writes into an
HTML widget (:mod:`.safe`), values included. Values of features come from
:mod:`scoring_lib.explain.units` (human units); the probability of the score panel is
written with exactly one decimal (:func:`probability_text`: "12,3 %" / "12.3%").
"""

from __future__ import annotations

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"

TEXTS: dict[str, tuple[str, str]] = {
    # header and search
    "title": ("Score de crédit d'un client", "A client's credit score"),
    "subtitle": ("Outil d'aide à la décision pour les chargés de relation client",
                 "Decision support for client advisors"),
    "search_placeholder": ("Identifiant du client (ex. {example})",
                           "Client ID (e.g. {example})"),
    "search_button": ("Afficher", "Show"),
    "search_label": ("Trouver un client", "Find a client"),
    "example_hint": ("Exemple : le client {client_id} est affiché. Tapez l'identifiant d'un "
                     "client puis « Afficher » (ou Entrée), ou filtrez la liste ci-dessous.",
                     "Example: client {client_id} is shown. Type a client's ID then "
                     "“Show” (or Enter), or filter the list below."),
    "unknown_id": ("Aucun client n'a l'identifiant {client_id}. Vérifiez le numéro.",
                   "No client has the ID {client_id}. Please check the number."),
    "not_an_id": ("« {text} » n'est pas un identifiant : tapez le numéro du client "
                  "(chiffres seulement).",
                  "“{text}” is not an ID: type the client's number (digits only)."),
    "empty_id": ("Tapez l'identifiant d'un client.", "Type a client's ID."),
    "unknown_lang": ("Langue « {asked} » non prise en charge : la page est en français "
                     "(langues : fr, en).",
                     "Language “{asked}” is not supported: the page opened in French "
                     "(languages: fr, en)."),
    "failed": ("Une partie de l'affichage n'a pas pu être calculée ({part}). Réessayez ; "
               "si cela se reproduit, signalez-le au support.",
               "Part of the page could not be computed ({part}). Please try again; if "
               "it happens again, report it to support."),
    # the parts of the page, named in the failure message
    "part_score": ("score", "score"),
    "part_explanation": ("explication", "explanation"),
    "part_info": ("informations", "information"),
    "part_comparison": ("comparaison", "comparison"),
    "part_search": ("recherche et filtres", "search and filters"),
    "part_page": ("page", "page"),
    # the scale of the explanation charts
    "unit_label": ("Échelle des graphiques :", "Scale of the charts:"),
    "unit_probability": ("Points de probabilité", "Probability points"),
    "unit_logodds": ("Log-odds (data scientists)", "Log-odds (data scientists)"),
    "client_heading": ("Client n° {client_id}", "Client no. {client_id}"),
    "sample_train": ("client connu (remboursé)", "known client (repaid)"),
    "sample_train_default": ("client connu (en défaut)", "known client (defaulted)"),
    "sample_test": ("nouvelle demande", "new application"),
    # filters
    "filters_title": ("Filtrer les clients", "Filter clients"),
    "all": ("Tous", "All"),
    "all_f": ("Toutes", "All"),
    "filter_contract": ("Type de crédit", "Loan type"),
    "filter_gender": ("Sexe", "Gender"),
    "filter_age": ("Âge", "Age"),
    "filter_income_type": ("Type de revenu", "Income type"),
    "filter_family": ("Situation familiale", "Family status"),
    "filter_decision": ("Décision", "Decision"),
    "filter_band": ("Niveau de risque", "Risk level"),
    "age_range": ("{low} à {high} ans", "{low} to {high} years"),
    "age_from": ("{low} ans et plus", "{low} years and over"),
    "age_under": ("moins de {high} ans", "under {high} years"),
    "results_count": ("{n} clients correspondent", "{n} matching clients"),
    "results_one": ("1 client correspond", "1 matching client"),
    "results_none": ("0 client : aucun ne correspond à ces filtres.",
                     "0 clients: none matches these filters."),
    "page": ("Page {page} sur {pages}", "Page {page} of {pages}"),
    "prev": ("◀ Préc.", "◀ Prev."),
    "next": ("Suiv. ▶", "Next ▶"),
    "pick_tooltip": ("Afficher ce client", "Show this client"),
    "reset_filters": ("Effacer les filtres", "Clear filters"),
    # score
    "score_title": ("Score et décision", "Score and decision"),
    "probability_label": ("Probabilité de défaut", "Probability of default"),
    "threshold_label": ("Seuil {threshold}", "Threshold {threshold}"),
    "granted": ("Crédit accordé", "Loan granted"),
    "refused": ("Crédit refusé", "Loan refused"),
    "low": ("Risque faible", "Low risk"),
    "borderline": ("Cas limite", "Borderline case"),
    "high": ("Risque élevé", "High risk"),
    "band_words": ("Niveau de risque : {band}", "Risk level: {band}"),
    "interpret_refused": ("La probabilité de défaut ({p}) dépasse le seuil de {t} fixé par la "
                          "banque : le crédit est refusé.",
                          "The probability of default ({p}) is above the bank's threshold "
                          "of {t}: the loan is refused."),
    "interpret_granted": ("La probabilité de défaut ({p}) est inférieure au seuil de {t} fixé "
                          "par la banque : le crédit est accordé.",
                          "The probability of default ({p}) is below the bank's threshold "
                          "of {t}: the loan is granted."),
    "interpret_close": (" Le cas est proche du seuil : un examen attentif du dossier est "
                        "conseillé.",
                        " The case is close to the threshold: a careful review of the file "
                        "is advised."),
    "interpret_far_refused": (" Le risque est nettement au-dessus du seuil.",
                              " The risk is well above the threshold."),
    "interpret_far_granted": (" Le risque est nettement en dessous du seuil.",
                              " The risk is well below the threshold."),
    "gauge_axis": ("Probabilité de défaut (%)", "Probability of default (%)"),
    "gauge_client": ("Ce client", "This client"),
    # explanation
    "explain_title": ("Pourquoi cette décision ?", "Why this decision?"),
    "raises": ("Ce qui augmente le risque", "What raises the risk"),
    "lowers": ("Ce qui réduit le risque", "What lowers the risk"),
    "no_reason": ("Aucun élément marquant.", "Nothing stands out."),
    "force_title": ("Des facteurs au score : chaque bande pousse le score vers le haut "
                    "(orange, risque plus élevé) ou vers le bas (bleu)",
                    "From factors to score: each band pushes the score up (orange, "
                    "higher risk) or down (blue)"),
    "force_axis": ("Score brut du modèle (log-odds : 0 correspond à 50 %)",
                   "Model's raw score (log-odds: 0 means 50%)"),
    "force_base": ("Client moyen", "Average client"),
    "force_client": ("Ce client", "This client"),
    "others": ("Autres facteurs", "Other factors"),
    "waterfall_title": ("Les 10 facteurs les plus importants, du client moyen à ce client",
                        "The 10 most important factors, from the average client to this "
                        "client"),
    "waterfall_axis": ("Score brut du modèle (log-odds)", "Model's raw score (log-odds)"),
    "points_axis": ("Effet sur la probabilité de défaut (points)",
                    "Effect on the probability of default (points)"),
    "force_title_points": ("Des facteurs à la probabilité de défaut : chaque bande la pousse "
                           "vers le haut (orange, risque plus élevé) ou vers le bas (bleu)",
                           "From factors to the probability of default: each band pushes it "
                           "up (orange, higher risk) or down (blue)"),
    "points_note": ("Les graphiques montrent, en points de pourcentage, de combien chaque "
                    "facteur éloigne la probabilité de défaut de ce client de celle du client "
                    "moyen (0 sur l'axe) : les effets s'additionnent exactement. Passez la "
                    "souris sur une bande pour voir la valeur du client.",
                    "The charts show, in percentage points, how far each factor moves this "
                    "client's probability of default from the average client's (0 on the "
                    "axis): the effects add up exactly. Hover over a band to see the "
                    "client's value."),
    "tip_points_up": ("Augmente la probabilité de défaut de {c}",
                      "Raises the probability of default by {c}"),
    "tip_points_down": ("Réduit la probabilité de défaut de {c}",
                        "Lowers the probability of default by {c}"),
    "scale_note": ("Les graphiques sont sur l'échelle du modèle (log-odds) : les "
                   "contributions s'y additionnent exactement. Passez la souris sur une "
                   "bande pour voir la valeur du client.",
                   "The charts use the model's scale (log-odds), on which contributions add "
                   "up exactly. Hover over a band to see the client's value."),
    "tip_value": ("Valeur du client : {value}", "Client's value: {value}"),
    "tip_percentile": ("Percentile : {p} (plus élevé que {p} % des clients)",
                       "Percentile: {p} (higher than {p}% of clients)"),
    "tip_effect_up": ("Augmente le score de {c}", "Raises the score by {c}"),
    "tip_effect_down": ("Réduit le score de {c}", "Lowers the score by {c}"),
    "tip_others": ("{n} autres variables", "{n} other variables"),
    # information
    "info_title": ("Informations du client", "Client information"),
    "info_sections": ("Rubriques affichées :", "Sections shown:"),
    "info_filter": ("Chercher un champ…", "Search a field…"),
    "identity": ("Identité et famille", "Identity and family"),
    "income": ("Revenus et emploi", "Income and employment"),
    "credit": ("Crédit demandé", "Requested credit"),
    "history": ("Historique de crédit", "Credit history"),
    "no_field": ("Aucun champ ne correspond.", "No field matches."),
    # comparison
    "compare_title": ("Comparer avec d'autres clients", "Compare with other clients"),
    "reference_all": ("Tous les clients", "All clients"),
    "reference_similar": ("Les {k} clients les plus proches", "The {k} most similar clients"),
    "reference_group": ("Le groupe filtré", "The filtered group"),
    "reference_label": ("Comparer avec :", "Compare with:"),
    "variable_label": ("Variable :", "Variable:"),
    "scatter_x": ("Axe horizontal :", "Horizontal axis:"),
    "scatter_y": ("Axe vertical :", "Vertical axis:"),
    "repaid": ("Clients ayant remboursé", "Clients who repaid"),
    "defaulted": ("Clients en défaut", "Clients who defaulted"),
    "hist_axis_y": ("Part des clients (%)", "Share of clients (%)"),
    "hist_note": ("Répartition parmi {n} clients de la référence ({ref}) ; chaque couleur "
                  "totalise 100 %.",
                  "Distribution among {n} reference clients ({ref}); each colour adds up to "
                  "100%."),
    "position": ("Ce client : {value} — percentile {p} : {below} des clients de la référence "
                 "ont une valeur plus basse.",
                 "This client: {value} — percentile {p}: {below} of the reference clients "
                 "have a lower value."),
    "position_missing": ("Ce client : valeur inconnue.", "This client: value unknown."),
    "scatter_note": ("{n} clients de la référence (échantillon d'au plus {max}), colorés "
                     "par niveau de risque ; le losange noir est ce client.",
                     "{n} reference clients (a sample of at most {max}), coloured by risk "
                     "level; the black diamond is this client."),
    "no_filter_group": (" (aucun filtre : tous les clients)", " (no filter: all clients)"),
    "probability_var": ("Probabilité de défaut", "Probability of default"),
    "years": ("ans", "years"),
    "lang_label": ("Langue", "Language"),
}


def tr(key: str, lang: str = "fr", **values) -> str:
    """The text ``key`` in ``lang`` with its ``{placeholders}`` filled from ``values``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'fr' or 'en', got {lang!r}")
    text = TEXTS[key][LANGS.index(lang)]
    return text.format(**values) if values else text


def resolve_lang(lang) -> tuple[str, bool]:
    """``(language, known)``: ``lang`` as given (case and spaces ignored) if the dashboard
    speaks it, else :data:`DEFAULT_LANG` and ``known`` False (an empty or None ``lang`` is
    the default, known)."""
    text = str(lang if lang is not None else "").strip().lower()
    if text in LANGS:
        return text, True
    return DEFAULT_LANG, not text


def shorten(text: str, n: int = 40) -> str:
    """``text`` cut to ``n`` characters, with "…" when it was longer."""
    text = str(text)
    return text if len(text) <= n else text[:n - 1] + "…"


def number(x: float, decimals: int, lang: str) -> str:
    """``x`` with ``decimals`` decimals and thousands separators (French: spaces, comma)."""
    text = f"{x:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def probability_text(p: float, lang: str = "fr") -> str:
    """A probability in percent with one decimal: "12,3 %" (fr), "12.3%" (en)."""
    return f"{number(100 * p, 1, lang)} %" if lang == "fr" else f"{number(100 * p, 1, lang)}%"


def points_text(x: float, lang: str = "fr", signed: bool = True) -> str:
    """Percentage points with one decimal (two below 0.05 but not 0): "+3,2 points" (fr),
    "+3.2 points" (en), "−1,4 points"; ``signed`` False: "3,2 points"."""
    decimals = 2 if 0 < abs(x) < 0.05 else 1
    sign = ("+" if x >= 0 else "\u2212") if signed else ""
    return f"{sign}{number(abs(x), decimals, lang)} points"


def interpretation(probability: float, threshold: float, decision: str, band: str,
                   lang: str = "fr") -> str:
    """One plain sentence that says what the score means for the decision."""
    p, t = probability_text(probability, lang), probability_text(threshold, lang)
    text = tr("interpret_refused" if decision == "refused" else "interpret_granted", lang,
              p=p, t=t)
    if band == "borderline":
        text += tr("interpret_close", lang)
    elif band == "high" and decision == "refused":
        text += tr("interpret_far_refused", lang)
    elif band == "low" and decision == "granted":
        text += tr("interpret_far_granted", lang)
    return text


def count_text(n: int, lang: str = "fr") -> str:
    """ "1234 clients correspondent" / "1234 matching clients" (plain digits: the number
    reads the same in both languages and can be found in the text as it is)."""
    if n == 0:
        return tr("results_none", lang)
    if n == 1:
        return tr("results_one", lang)
    return tr("results_count", lang, n=str(int(n)))
