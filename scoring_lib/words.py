"""Every word the product shows a person, in French and English: one home.

The Scorer's text (``scoring score``), the dashboard and the pages of ``scoring serve`` take
their words, and the way they write numbers, percentages and percentage points, from here:

- :data:`TEXTS` maps a key to ``(French, English)``; :func:`tr` picks one and fills its
  ``{placeholders}``. The decisions and risk bands of :mod:`scoring_lib.decision` are keys
  (``tr(GRANTED, "fr")`` is "Crédit accordé"). Texts are plain text, never HTML: whoever
  writes them into HTML escapes them (values included).
- :func:`number`, :func:`percent` ("12,3 %" with a narrow no-break space / "12.3%"),
  :func:`points` ("+3,2 points"), :func:`colon` ("Ce qui réduit le risque :" / "...risk:").
- :func:`resolve_lang`: a language as a person or a URL gives it.

The features dictionary (labels of variables, their levels and units, the reason sentences)
stays in :mod:`scoring_lib.explain`, which uses the formats of this module.
"""

from __future__ import annotations

from .decision import BORDERLINE, GRANTED, HIGH, LOW, REFUSED

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
NNBSP = "\u202f"  # narrow no-break space: French thousands separator and before "%"

#: key -> (French, English)
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
    GRANTED: ("Crédit accordé", "Loan granted"),
    REFUSED: ("Crédit refusé", "Loan refused"),
    LOW: ("Risque faible", "Low risk"),
    BORDERLINE: ("Cas limite", "Borderline case"),
    HIGH: ("Risque élevé", "High risk"),
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
    # the Scorer's text (scoring score)
    "score_sentence": ("Client {client_id} : probabilité de défaut {p} pour un seuil de {t} — "
                       "{decision} ({band}).",
                       "Client {client_id}: probability of default {p} against a threshold of "
                       "{t} — {decision} ({band})."),
    # simulation and recourse (scoring_lib.simulation: scoring whatif, scoring recourse)
    "money": ("{amount}\u00a0€", "€{amount}"),
    "sim_credit": ("un crédit de {credit}", "a credit of {credit}"),
    "sim_months": (" sur {months} mois (mensualité {annuity})",
                   " over {months} months (instalment {annuity})"),
    "sim_goods": (", bien financé {goods}", ", goods financed {goods}"),
    "sim_granted": ("{application} serait accordé : probabilité {p}, sous le seuil de {t}.",
                    "{application} would be granted: probability {p}, below the threshold "
                    "of {t}."),
    "sim_refused": ("{application} serait refusé : probabilité {p}, pour un seuil de {t}.",
                    "{application} would be refused: probability {p}, against a threshold "
                    "of {t}."),
    "sim_title": ("Simulation pour le client {client_id} (rien n'est enregistré) :",
                  "Simulation for client {client_id} (nothing is saved):"),
    "sim_real": ("Score réel, inchangé : probabilité {p}, {decision}.",
                 "Real score, unchanged: probability {p}, {decision}."),
    "recourse_options": ("Ce qui ferait accorder le crédit",
                         "What would get the credit granted"),
    "recourse_granted": ("Le crédit est déjà accordé avec une marge (probabilité sous {t}) : "
                         "aucun changement n'est nécessaire.",
                         "The credit is already granted with a margin (probability below "
                         "{t}): no change is needed."),
    "recourse_none": ("Aucun changement du montant, de la durée ou du prix du bien (3 au plus, "
                      "dans les valeurs observées) ne ramène la probabilité sous {t} : la "
                      "décision tient surtout à des éléments qui ne se changent pas au "
                      "guichet.",
                      "No change of the amount, the duration or the price of the goods (3 at "
                      "most, within the observed values) brings the probability below {t}: "
                      "the decision rests mostly on facts that cannot be changed at the "
                      "counter."),
    "recourse_weighs": ("Ce qui pèse le plus", "What weighs most"),
    # the dashboard's Simulation section (scoring_lib.dashboard.simulation)
    "part_simulation": ("simulation", "simulation"),
    "sim_section": ("Simulation", "Simulation"),
    "sim_open": ("Ouvrir la simulation", "Open the simulation"),
    "sim_close": ("Fermer la simulation", "Close the simulation"),
    "sim_intro": ("Et si la demande changeait ? Modifiez le montant, la durée ou la mensualité, "
                  "ou le prix du bien : le score est recalculé pour ce client. Rien n'est "
                  "enregistré et le score réel ne change pas.",
                  "What if the application changed? Change the amount, the duration or the "
                  "instalment, or the price of the goods: the score is computed again for this "
                  "client. Nothing is saved and the real score does not change."),
    "sim_either": ("Donnez la durée ou la mensualité : l'autre en découle.",
                   "Give the duration or the instalment: the other follows."),
    "sim_range": ("de {low} à {high}", "from {low} to {high}"),
    "sim_months_value": ("{months} mois", "{months} months"),
    "sim_badge": ("SIMULATION — rien n'est enregistré", "SIMULATION — nothing is saved"),
    "sim_probability": ("Probabilité simulée", "Simulated probability"),
    "sim_gauge": ("Simulation", "Simulation"),
    "sim_gauge_real": ("Réel {p}", "Real {p}"),
    "sim_reasons": ("Pourquoi cette décision simulée ?", "Why this simulated decision?"),
    "sim_apply": ("Simuler cette option", "Simulate this option"),
    "sim_reset": ("Revenir aux valeurs réelles", "Back to the real values"),
    "sim_error_empty": ("{label} : tapez une valeur ({range}).",
                        "{label}: type a value ({range})."),
    "sim_error_number": ("{label} : « {value} » n'est pas un nombre ({range}).",
                         "{label}: “{value}” is not a number ({range})."),
    "sim_error_range": ("{label} : {value} est hors des valeurs plausibles, {range} (observées "
                        "chez les clients connus de la banque).",
                        "{label}: {value} is outside the plausible values, {range} (observed "
                        "among the bank's known clients)."),
    "sim_error_follows": ("{label} qui en découle ({value}) est hors des valeurs plausibles, "
                          "{range} : changez aussi une autre valeur.",
                          "{label} that follows ({value}) is outside the plausible values, "
                          "{range}: change another value too."),
    "sim_error_ratio": ("Le prix du bien ({goods}) rapporté au crédit ({credit}) sort des "
                        "proportions observées ({low} à {high} fois le montant du crédit).",
                        "The price of the goods ({goods}) against the credit ({credit}) is "
                        "outside the observed proportions ({low} to {high} times the credit "
                        "amount)."),
    "sim_error_other": ("Cette simulation n'est pas possible ({detail}).",
                        "This simulation is not possible ({detail})."),
    # the pages of scoring serve around the dashboard (scoring_lib.serving.pages)
    "wait_preparing": ("Votre page est en préparation…", "Your page is being prepared…"),
    "wait_ahead": ("({n} avant vous)", "({n} ahead of you)"),
    "failed_page": ("La page n'a pas pu être préparée : {why}. Rechargez la page ; si cela se "
                    "reproduit, prévenez l'administrateur du service.",
                    "The page could not be prepared: {why}. Reload the page; if it happens "
                    "again, tell the service's administrator."),
    "failed_error": ("une erreur s'est produite pendant sa préparation",
                     "an error occurred while it was being prepared"),
    "failed_timeout": ("sa préparation a pris trop de temps", "preparing it took too long"),
    "failed_kernel": ("le processus qui la calculait s'est arrêté",
                      "the process computing it stopped"),
    "failed_server": ("le serveur a rencontré une erreur", "the server ran into an error"),
    "busy_title": ("Service occupé", "Service busy"),
    "busy_text": ("Trop de pages sont ouvertes en ce moment ({cap} au plus). Réessayez dans un "
                  "instant : rechargez la page dans une minute.",
                  "Too many pages are open right now ({cap} at most). Please retry in a "
                  "moment: reload the page in a minute."),
    # the client report (scoring_lib.letter: scoring report, the dashboard's download button)
    "lender": ("Prêt à dépenser", "Prêt à dépenser"),
    "letter_title": ("Décision sur votre demande de crédit",
                     "Decision on your credit application"),
    "letter_date": ("Date : {date}", "Date: {date}"),
    "letter_day": ("{day} {month} {year}", "{day} {month} {year}"),
    "letter_first_day": ("1er", "1"),  # "1er décembre": the first of the month in French
    "letter_months": ("janvier février mars avril mai juin juillet août septembre octobre "
                      "novembre décembre",
                      "January February March April May June July August September October "
                      "November December"),
    "letter_decision": ("La décision", "The decision"),
    "letter_threshold_title": ("Ce que signifie le seuil", "What the threshold means"),
    "letter_threshold_rule": ("Le seuil de {t} a été choisi par {lender} pour limiter le coût "
                              "des erreurs : un crédit accordé à un client qui ne le rembourse "
                              "pas coûte environ {ratio} fois plus qu'un crédit refusé à tort "
                              "à un client qui l'aurait remboursé. À partir de ce seuil, le "
                              "crédit est refusé.",
                              "The threshold of {t} was chosen by {lender} to limit the cost "
                              "of mistakes: a credit granted to a client who does not repay "
                              "it costs about {ratio} times more than a credit wrongly "
                              "refused to a client who would have repaid it. From this "
                              "threshold on, the credit is refused."),
    "letter_threshold_plain": ("Le seuil de {t} a été choisi par {lender} : à partir de ce "
                               "seuil, le crédit est refusé.",
                               "The threshold of {t} was chosen by {lender}: from this "
                               "threshold on, the credit is refused."),
    "letter_reasons_intro": ("Les éléments de votre dossier qui ont le plus pesé dans le "
                             "calcul du modèle :",
                             "The facts of your file that weighed most in the model's "
                             "computation:"),
    "letter_recourse_margin": ("Ce calcul vise une probabilité d'au plus {target}, un peu sous "
                               "le seuil de {t}, pour garder une marge de sécurité.",
                               "This computation aims at a probability of at most {target}, "
                               "a little below the threshold of {t}, to keep a safety "
                               "margin."),
    "letter_recourse_intro": ("Chaque option a été vérifiée en recalculant le score ; elle ne "
                              "vaut pas engagement et reste soumise à l'examen de votre "
                              "dossier.",
                              "Each option was checked by computing the score again; it is "
                              "not a commitment and remains subject to the review of your "
                              "file."),
    "letter_compare_title": ("Comparaison avec des clients semblables",
                             "Compared with similar clients"),
    "letter_compare_intro": ("Les {k} clients dont le profil ressemble le plus au vôtre (âge, "
                             "sexe, revenus, montant et mensualité du crédit, type de crédit, "
                             "ancienneté dans l'emploi, taille de la famille, scores externes). "
                             "La barre claire couvre 90 % d'entre eux, la barre foncée la "
                             "moitié du milieu, le trait leur médiane ; le losange est votre "
                             "valeur.",
                             "The {k} clients whose profile is closest to yours (age, gender, "
                             "income, amount and instalment of the credit, type of credit, "
                             "time in current job, family size, external scores). The light "
                             "bar covers 90% of them, the dark bar the middle half, the line "
                             "their median; the diamond is your value."),
    "letter_compare_line": ("{label} : {value} ; médiane des clients semblables : {median} ; "
                            "{below} d'entre eux ont une valeur plus basse.",
                            "{label}: {value}; median of similar clients: {median}; {below} "
                            "of them have a lower value."),
    "letter_compare_missing": ("{label} : valeur inconnue.", "{label}: value unknown."),
    "letter_compare_outcome": ("Parmi ces clients, {n} ont déjà eu un crédit chez nous : {rate} "
                               "d'entre eux ne l'ont pas remboursé.",
                               "Among these clients, {n} already had a credit with us: {rate} "
                               "of them did not repay it."),
    "letter_sources_title": ("Les données utilisées", "The data used"),
    "letter_sources_intro": ("Le score a été calculé à partir de ces données seulement :",
                             "The score was computed from these data only:"),
    "source_application": ("votre demande : montant, durée et mensualité du crédit, revenus, "
                           "emploi, famille, logement",
                           "your application: amount, duration and instalment of the credit, "
                           "income, employment, family, housing"),
    "source_external": ("des scores fournis par des organismes externes",
                        "scores provided by external agencies"),
    "source_bureau": ("le bureau de crédit : vos crédits auprès d'autres établissements",
                      "the credit bureau: your credits with other lenders"),
    "source_bureau_balance": ("le bureau de crédit : l'historique mois par mois de ces "
                              "crédits",
                              "the credit bureau: the month-by-month history of those "
                              "credits"),
    "source_previous_application": ("vos demandes précédentes auprès de {lender}",
                                    "your previous applications to {lender}"),
    "source_POS_CASH_balance": ("les relevés mensuels de vos prêts précédents auprès de "
                                "{lender}",
                                "the monthly statements of your previous loans with {lender}"),
    "source_installments_payments": ("les échéances, payées ou non, de vos prêts précédents "
                                     "auprès de {lender}",
                                     "the instalments, paid or not, of your previous loans "
                                     "with {lender}"),
    "source_credit_card_balance": ("les relevés de vos cartes de crédit auprès de {lender}",
                                   "the statements of your credit cards with {lender}"),
    "letter_rights_title": ("Vos droits", "Your rights"),
    "letter_rights_intro": ("Cette décision a été préparée à l'aide d'un modèle de score "
                            "automatisé. Vous pouvez :",
                            "This decision was prepared with an automated scoring model. You "
                            "may:"),
    "right_review": ("demander qu'une personne réexamine votre dossier et la décision ;",
                     "ask for a person to review your file and the decision;"),
    "right_view": ("présenter votre point de vue et nous communiquer des informations "
                   "complémentaires ;",
                   "give your point of view and send us further information;"),
    "right_contest": ("contester la décision.", "contest the decision."),
    "letter_contact": ("Pour exercer ces droits, adressez-vous à {contact}, en indiquant votre "
                       "numéro de client {client_id}. (Règlement général sur la protection "
                       "des données, article 22.)",
                       "To exercise these rights, contact {contact}, giving your client "
                       "number {client_id}. (General Data Protection Regulation, "
                       "Article 22.)"),
    "letter_contact_default": ("votre conseiller ou au service clients de {lender}",
                               "your advisor or the customer service of {lender}"),
    "letter_audit": ("Version du score {bundle} · modèle {model} · empreinte des données "
                     "{data}",
                     "Score version {bundle} · model {model} · data fingerprint {data}"),
    "letter_unrecorded": ("non enregistrée", "not recorded"),
    "letter_download": ("Télécharger le rapport", "Download the report"),
    "letter_link": ("Enregistrer le rapport du client {client_id} (PDF, {size})",
                    "Save the report of client {client_id} (PDF, {size})"),
    "letter_kb": ("{n} ko", "{n} kB"),
    "letter_file": ("rapport-{client_id}.pdf", "report-{client_id}.pdf"),
    "part_letter": ("rapport", "report"),
    "letter_recourse_title": ("Ce qui pourrait changer la décision",
                              "What could change the decision"),
    # model tab and monitoring (scoring_lib/dashboard/model_view.py, scoring_lib/monitor)
    "tab_client": ("Client", "Client"),
    "tab_model": ("Modèle", "Model"),
    "part_model": ("vue du modèle", "model view"),
    "band_stable": ("stable", "stable"),
    "band_watch": ("à surveiller", "watch"),
    "band_act": ("à traiter", "act"),
    "monitor_title": ("Surveillance du modèle : stabilité des populations",
                      "Model monitoring: population stability"),
    "monitor_populations": ("{n_new} nouvelles demandes ({table}) comparées aux "
                            "{n_reference} clients d'apprentissage.",
                            "{n_new} new applications ({table}) compared with the "
                            "{n_reference} training clients."),
    "monitor_score": ("Score : PSI {psi}, {band}.", "Score: PSI {psi}, {band}."),
    "monitor_bands": ("Variables : {act} à traiter, {watch} à surveiller, {stable} stables.",
                      "Variables: {act} to act on, {watch} to watch, {stable} stable."),
    "monitor_rule": ("Règle : PSI < 0,1 stable, de 0,1 à 0,25 à surveiller, > 0,25 à "
                     "traiter ; une variable n'est signalée que si l'écart est significatif "
                     "pour la taille des échantillons (test du khi-deux à 1 %, divisé par "
                     "le nombre de variables).",
                     "Rule: PSI < 0.1 stable, 0.1 to 0.25 watch, > 0.25 act; a variable is "
                     "flagged only if the difference is significant for the sample sizes "
                     "(chi-square test at 1%, divided by the number of variables)."),
    "monitor_top": ("Les {k} variables qui ont le plus changé :",
                    "The {k} variables that changed most:"),
    "monitor_all": ("Toutes les variables, de celle qui a le plus changé à celle qui a le "
                    "moins changé :",
                    "Every variable, from the one that changed most to the one that "
                    "changed least:"),
    "monitor_unseen": ("Catégories jamais vues à l'apprentissage :",
                       "Categories never seen in training:"),
    "monitor_variable": ("Variable", "Variable"),
    "monitor_band": ("Niveau", "Band"),
    "model_title": ("Le modèle : performance, coût, équité et stabilité",
                    "The model: performance, cost, fairness and stability"),
    "model_missing": ("Ce dossier de scores ne contient pas les statistiques du modèle (il a "
                      "été construit avant qu'elles existent). Reconstruisez-le avec "
                      "« scoring build » (« scoring demo --force » pour la démo) pour voir "
                      "cet onglet.",
                      "This scoring bundle has no model statistics (it was built before "
                      "they existed). Rebuild it with “scoring build” (“scoring demo "
                      "--force” for the demo) to see this tab."),
    "model_headline": ("Mesures hors échantillon (validation croisée) sur {n} clients : "
                       "AUC {auc}. Seuil de la banque : {threshold}.",
                       "Out-of-fold measures (cross-validation) on {n} clients: AUC {auc}. "
                       "The bank's threshold: {threshold}."),
    "slider_reset": ("Revenir au seuil de la banque", "Back to the bank's threshold"),
    "simulation_note": ("Simulation : le seuil de la banque ({threshold}) n'est pas modifié.",
                        "Simulation: the bank's threshold ({threshold}) is not changed."),
    "sim_threshold": ("Seuil simulé : {threshold}{bank}",
                      "Simulated threshold: {threshold}{bank}"),
    "sim_is_bank": (" (celui de la banque)", " (the bank's)"),
    "sim_approvals": ("Crédits accordés : {rate} des demandes ({bank} au seuil de la "
                      "banque).",
                      "Loans granted: {rate} of applications ({bank} at the bank's "
                      "threshold)."),
    "sim_cost": ("Coût attendu : {cost} par client (seuil de la banque : {bank} ; tout "
                 "accepter : {accept} ; tout refuser : {refuse}).",
                 "Expected cost: {cost} per client (bank's threshold: {bank}; accept all: "
                 "{accept}; refuse all: {refuse})."),
    "sim_errors": ("Défauts accordés : {fnr} des défauts ; bons clients refusés : {fpr} des "
                   "bons clients.",
                   "Defaults granted: {fnr} of defaulters; good clients refused: {fpr} of "
                   "good clients."),
    "sim_cost_unit": ("Coût en unités d'un bon client refusé ; un défaut accordé en coûte "
                      "{cost_fn}.",
                      "Cost in units of one good client refused; a default granted costs "
                      "{cost_fn}."),
    "fairness_title": ("Équité par groupe au seuil simulé",
                       "Fairness by group at the simulated threshold"),
    "fairness_note": ("Entre crochets : intervalle à 95 % (bootstrap). Rapport d'accord : "
                      "taux d'accord du groupe divisé par celui du groupe le plus accordé ; "
                      "la règle des quatre cinquièmes (rapport < 0,8) est un repère, pas un "
                      "verdict.",
                      "In brackets: 95% interval (bootstrap). Approval ratio: the group's "
                      "approval rate divided by that of the most-approved group; the "
                      "four-fifths rule (ratio < 0.8) is a reference, not a verdict."),
    "fair_group": ("Groupe", "Group"),
    "fair_n": ("Effectif", "Size"),
    "fair_approval": ("Taux d'accord", "Approval rate"),
    "fair_default": ("Défaut parmi les accordés", "Default among granted"),
    "fair_fnr": ("Défauts accordés (FNR)", "Defaulters granted (FNR)"),
    "fair_fpr": ("Bons clients refusés (FPR)", "Good clients refused (FPR)"),
    "fair_ratio": ("Rapport d'accord", "Approval ratio"),
    "fair_below": ("sous 0,8", "below 0.8"),
    "attr_gender": ("Sexe", "Gender"),
    "attr_age_band": ("Tranche d'âge", "Age band"),
    "attr_family_status": ("Situation familiale", "Family status"),
    "attr_children": ("Enfants", "Children"),
    "fig_importance": ("Importance globale : moyenne de |SHAP| par variable (log-odds)",
                       "Global importance: mean |SHAP| per variable (log-odds)"),
    "fig_roc": ("Courbe ROC (AUC {auc})", "ROC curve (AUC {auc})"),
    "axis_fpr": ("Bons clients refusés (%)", "Good clients refused (%)"),
    "axis_tpr": ("Défauts refusés (%)", "Defaulters refused (%)"),
    "fig_pr": ("Précision et rappel des défauts", "Precision and recall of defaults"),
    "axis_recall": ("Rappel : défauts refusés (%)", "Recall: defaulters refused (%)"),
    "axis_precision": ("Défauts parmi les refusés (%)", "Defaulters among the refused (%)"),
    "fig_calibration": ("Calibration : probabilité prédite et défaut observé",
                        "Calibration: predicted probability and observed default"),
    "axis_predicted": ("Probabilité prédite (%)", "Predicted probability (%)"),
    "axis_observed": ("Taux de défaut observé (%)", "Observed default rate (%)"),
    "fig_distributions": ("Distribution des scores selon l'issue",
                          "Score distributions by outcome"),
    "axis_share": ("Part des clients (%)", "Share of clients (%)"),
    "legend_repaid": ("Ont remboursé", "Repaid"),
    "legend_defaulted": ("En défaut", "Defaulted"),
    "fig_cost": ("Coût attendu selon le seuil", "Expected cost by threshold"),
    "axis_threshold": ("Seuil (%)", "Threshold (%)"),
    "axis_cost": ("Coût par client", "Cost per client"),
    "legend_accept_all": ("Tout accepter", "Accept all"),
    "legend_bank_threshold": ("Seuil de la banque", "The bank's threshold"),
    "legend_simulated_threshold": ("Seuil simulé", "Simulated threshold"),
    "figures_key": ("Sur les figures : tirets noirs et point noir = seuil de la banque ; "
                    "trait et point orange = seuil simulé (superposés tant que le seuil "
                    "n'est pas déplacé).",
                    "On the figures: black dashes and black dot = the bank's threshold; "
                    "orange line and dot = the simulated threshold (on top of each other "
                    "until the threshold is moved)."),
    "legend_refuse_all": ("Tout refuser", "Refuse all"),
    "fig_approval": ("Taux d'accord selon le seuil", "Approval rate by threshold"),
    "axis_approval": ("Crédits accordés (%)", "Loans granted (%)"),
    "monitoring_title": ("Stabilité des nouvelles demandes", "Stability of new applications"),
    "monitoring_none": ("Aucun rapport de surveillance pour ce dossier de scores. Lancez "
                        "« scoring monitor --bundle {bundle} --out {report} » pour en "
                        "produire un : il s'affichera ici.",
                        "No monitoring report for this scoring bundle. Run “scoring monitor "
                        "--bundle {bundle} --out {report}” to produce one: it will show "
                        "here."),
    # the model tab's jargon, each said once in plain words beside where it is used
    "gloss_auc": ("AUC : probabilité que le modèle classe un client défaillant au-dessus d'un "
                  "client qui rembourse (0,5 = hasard, 1 = parfait).",
                  "AUC: the probability that the model ranks a client who defaults above a "
                  "client who repays (0.5 = chance, 1 = perfect)."),
    "gloss_shap": ("|SHAP| : de combien une variable déplace en moyenne le score d'un client, "
                   "vers le haut ou vers le bas (sa contribution, sans son signe).",
                   "|SHAP|: how far a variable moves a client's score on average, up or "
                   "down (its contribution, without its sign)."),
    "gloss_log_odds": ("log-odds : l'échelle interne du modèle, sur laquelle les contributions "
                       "s'additionnent ; 0 correspond à une probabilité de 50 %, et chaque "
                       "point de plus multiplie la cote du défaut par 2,7 environ.",
                       "log-odds: the model's internal scale, on which contributions add "
                       "up; 0 means a probability of 50%, and each extra point multiplies "
                       "the odds of default by about 2.7."),
    "gloss_psi": ("PSI (indice de stabilité de la population) : l'écart entre la répartition "
                  "d'une variable chez les nouvelles demandes et chez les clients "
                  "d'apprentissage (0 = la même).",
                  "PSI (population stability index): how far a variable's distribution "
                  "among the new applications is from its distribution among the training "
                  "clients (0 = the same)."),
    # a drifting variable: its label for a person, its name in the data for a data scientist
    "monitor_feature": ("{label} ({code}) : PSI {psi}, {band}",
                        "{label} ({code}): PSI {psi}, {band}"),
    "monitor_code": ("Nom dans les données", "Name in the data"),
}


def check_lang(lang) -> str:
    """``lang`` if it is one of :data:`LANGS`, else ``ValueError`` naming it."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGS))}, got {lang!r}")
    return lang


def tr(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    """The text ``key`` in ``lang`` with its ``{placeholders}`` filled from ``values``."""
    text = TEXTS[key][LANGS.index(check_lang(lang))]
    return text.format(**values) if values else text


def resolve_lang(lang) -> tuple[str, bool]:
    """``(language, known)``: ``lang`` as given (case and spaces ignored) if the product
    speaks it, else :data:`DEFAULT_LANG` and ``known`` False (an empty or None ``lang`` is
    the default, known)."""
    text = str(lang if lang is not None else "").strip().lower()
    if text in LANGS:
        return text, True
    return DEFAULT_LANG, not text


# ----------------------------------------------------------------------------- formats
def number(x: float, decimals: int = 0, lang: str = DEFAULT_LANG) -> str:
    """``x`` with ``decimals`` decimals and thousands separators: "12 345,6" (fr, narrow
    no-break spaces, comma), "12,345.6" (en); never "-0"."""
    text = f"{x:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":  # -0, -0.0
        text = text.lstrip("-")
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    return text


def percent(share: float, lang: str = DEFAULT_LANG, decimals: int = 1,
            versus: float | None = None) -> str:
    """A fraction in percent: ``percent(0.123)`` "12,3 %" (fr), "12.3%" (en). Probabilities
    (of default, thresholds) are written with one decimal everywhere, except beside the
    value they are compared with (``versus``: the threshold of a probability, the probability
    of a threshold): when both would read the same ("8,3 % dépasse le seuil de 8,3 %") but
    differ, each gets the decimals (up to 4) that tell them apart ("8,320 %", "8,319 %")."""
    if versus is not None and share != versus:
        while decimals < 4 and number(100 * share, decimals, lang) == number(
                100 * versus, decimals, lang):
            decimals += 1
    text = number(100 * share, decimals, lang)
    return f"{text}{NNBSP}%" if lang == "fr" else f"{text}%"


def points(x: float, lang: str = DEFAULT_LANG, signed: bool = True) -> str:
    """Percentage points with one decimal (two below 0.05 but not 0): "+3,2 points" (fr),
    "+3.2 points" (en), "−1,4 points"; ``signed`` False: "3,2 points"."""
    decimals = 2 if 0 < abs(x) < 0.05 else 1
    sign = ("+" if x >= 0 else "\u2212") if signed else ""
    return f"{sign}{number(abs(x), decimals, lang)} points"


def colon(text: str, lang: str = DEFAULT_LANG) -> str:
    """``text`` followed by a colon as each language writes it: "risque :" / "risk:"."""
    return f"{text} :" if lang == "fr" else f"{text}:"


def lower_first(text: str) -> str:
    """``text`` with its first letter in lower case, for a word inside a sentence."""
    return text[:1].lower() + text[1:]


# --------------------------------------------------------------------------- sentences
def score_sentence(client_id, probability: float, threshold: float, decision: str,
                   band: str, lang: str = DEFAULT_LANG) -> str:
    """"Client 100002 : probabilité de défaut 12,3 % pour un seuil de 9,1 % — crédit refusé
    (risque élevé)." (the first line of ``scoring score``)."""
    return tr("score_sentence", lang, client_id=client_id,
              p=percent(probability, lang, versus=threshold),
              t=percent(threshold, lang, versus=probability), decision=lower_first(tr(decision, lang)),
              band=lower_first(tr(band, lang)))


def interpretation(probability: float, threshold: float, decision: str, band: str,
                   lang: str = DEFAULT_LANG) -> str:
    """One plain sentence that says what the score means for the decision."""
    p = percent(probability, lang, versus=threshold)
    t = percent(threshold, lang, versus=probability)
    text = tr("interpret_refused" if decision == REFUSED else "interpret_granted", lang,
              p=p, t=t)
    if band == BORDERLINE:
        text += tr("interpret_close", lang)
    elif band == HIGH and decision == REFUSED:
        text += tr("interpret_far_refused", lang)
    elif band == LOW and decision == GRANTED:
        text += tr("interpret_far_granted", lang)
    return text
