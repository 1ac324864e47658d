"""Labels: every feature of build_features has a plain French and English label, distinct
from the others, with no raw variable name; hand-written examples; category levels."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from scoring_lib.data.schema import TABLES
from scoring_lib.data.synth import generate_tables
from scoring_lib.explain import describe_features, feature_label, group_label, level_text
from scoring_lib.explain.labels import of
from scoring_lib.features import build_features, feature_metadata

RAW_NAME = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Za-z0-9_]+\b")
#: every column name of the schema that could leak, as a whole word
SCHEMA_NAMES = {c.name for spec in TABLES.values() for c in spec.columns}


@pytest.fixture(scope="module")
def synthetic_features():
    """Every table, realistic shapes (same generator as the features tests)."""
    return build_features(dict(generate_tables(300, 40, seed=5)))


@pytest.fixture(scope="module")
def dictionary(synthetic_features):
    return describe_features(synthetic_features.metadata)


def leaks(text: str) -> list[str]:
    found = RAW_NAME.findall(text)
    found += [w for w in re.findall(r"[A-Za-z0-9_]+", text) if w in SCHEMA_NAMES]
    found += [w for w in ("XNA", "XAP", "_") if w in text]
    return found


def test_every_built_feature_is_labelled_in_both_languages(synthetic_features, dictionary):
    features = synthetic_features.feature_names
    assert len(features) > 600  # the seven tables are all there
    assert list(dictionary.index) == features
    for lang in ("fr", "en"):
        labels = dictionary[f"label_{lang}"]
        assert labels.map(lambda s: isinstance(s, str) and len(s.strip()) >= 3).all()
        duplicated = labels[labels.duplicated(keep=False)]
        assert duplicated.empty, f"{lang}: same label for {duplicated.to_dict()}"
        leaking = {f: leaks(text) for f, text in labels.items() if leaks(text)}
        assert not leaking, f"{lang}: raw names in labels: {dict(list(leaking.items())[:5])}"
    # the two languages really differ (a copied English label would not be French)
    same = dictionary[dictionary["label_fr"] == dictionary["label_en"]]
    assert same.empty, same.index.tolist()


def test_labels_of_one_variable_are_told_apart(dictionary):
    """Features of one (table, column) differ by aggregation, subset or level, and their
    labels say which (not only a distinct suffix)."""
    dpd = dictionary[(dictionary["group"] == "installments_payments:DPD")
                     & (dictionary["subset"] == "all")]
    assert sorted(dpd["label_fr"].str.split(" ").str[0]) == ["Maximum", "Moyenne", "Total"]
    recent = dictionary.loc[["INSTAL_6M_DPD_MEAN", "INSTAL_12M_DPD_MEAN", "INSTAL_DPD_TREND"]]
    assert "dues ces 6 derniers mois)" in recent["label_fr"].iloc[0]
    assert "in the last 12 months)" in recent["label_en"].iloc[1]
    assert recent["label_fr"].iloc[2].startswith("Évolution des jours de retard sur les 12 ")
    assert set(recent["group"]) == {"installments_payments:DPD"}  # one variable for a person
    debt = dictionary.loc[["BURO_AMT_CREDIT_SUM_DEBT_SUM", "ACTIVE_AMT_CREDIT_SUM_DEBT_SUM",
                           "CLOSED_AMT_CREDIT_SUM_DEBT_SUM"], "label_fr"]
    assert "en cours" in debt.iloc[1] and "clos" in debt.iloc[2]
    assert "en cours" not in debt.iloc[0] and "clos" not in debt.iloc[0]


def test_group_labels_one_per_variable(dictionary):
    groups = dictionary.drop_duplicates("group")
    assert groups["group"].is_unique
    pairs = dictionary[["table", "column"]].drop_duplicates()
    assert len(groups) == len(pairs)
    for lang in ("fr", "en"):
        labels = groups[f"group_label_{lang}"]
        assert labels.is_unique
        assert not [t for t in labels if leaks(t)]
    # every application column and ratio is its own variable, with its own label; the
    # combinations of the external scores are one variable
    app = dictionary[dictionary["table"] == "application"]
    ext = app["group"] == "application:EXT_SOURCES"
    assert (app.loc[~ext, "group_label_fr"] == app.loc[~ext, "label_fr"]).all()
    assert ext.sum() == 7 and set(app.loc[ext, "group_label_fr"]) == {"Scores externes combinés"}


@pytest.mark.parametrize("feature, fr, en", [
    ("DAYS_BIRTH", "Âge", "Age"),
    ("EXT_SOURCE_3", "Score externe n°3", "External score #3"),
    ("AMT_ANNUITY", "Mensualité du crédit demandé", "Annuity of the requested loan"),
    ("DAYS_EMPLOYED", "Ancienneté dans l'emploi", "Time in current job"),
    ("ANNUITY_INCOME_PERC", "Taux d'effort (mensualité rapportée au revenu)",
     "Debt burden (annuity relative to income)"),
    ("INSTAL_DPD_MEAN", "Moyenne des jours de retard (échéances des prêts précédents)",
     "Average days past due (instalments of previous loans)"),
    ("BURO_DAYS_CREDIT_MAX",
     "Date la plus récente d'ouverture d'un crédit (autres établissements)",
     "Latest credit opening date (other lenders)"),
    ("ACTIVE_AMT_CREDIT_SUM_DEBT_SUM",
     "Total de la dette restante (crédits en cours auprès d'autres établissements)",
     "Total remaining debt (active credits at other lenders)"),
    ("PREV_NAME_CONTRACT_STATUS_Refused_SHARE",
     "Part des demandes dont le statut est « refusée » (demandes précédentes)",
     "Share of applications with status “refused” (previous applications)"),
    ("PREV_REFUSED_COUNT", "Nombre de demandes (demandes précédentes refusées)",
     "Number of applications (refused previous applications)"),
    ("INSTAL_COUNT", "Nombre d'échéances (échéances des prêts précédents)",
     "Number of instalments (instalments of previous loans)"),
    ("BURO_STATUS_1_SHARE_MEAN",
     "Part moyenne des mois dont le statut est « retard de 1 à 30 jours » (historique mensuel "
     "des crédits auprès d'autres établissements)",
     "Average share of months with status “1-30 days late” (monthly history of credits at "
     "other lenders)"),
    ("CC_AMT_BALANCE_VAR", "Dispersion du solde (cartes de crédit précédentes)",
     "Spread of balance (previous credit cards)"),
])
def test_hand_checked_labels(feature, fr, en):
    record = feature_metadata().set_index("feature").loc[feature].to_dict()
    record["feature"] = feature
    assert feature_label(record, "fr") == fr
    assert feature_label(record, "en") == en


def test_group_label_examples():
    assert group_label("bureau", "AMT_CREDIT_SUM_OVERDUE") == (
        "Montant impayé (autres établissements)", "Overdue amount (other lenders)")
    assert group_label("installments_payments", "ROWS")[0] == (
        "Nombre d'échéances (échéances des prêts précédents)")
    assert group_label("application", "PAYMENT_RATE")[1].startswith("Repayment rate")


def test_french_contraction():
    assert of("le montant") == "du montant"
    assert of("les jours de retard") == "des jours de retard"
    assert of("la dette") == "de la dette"
    assert of("l'apport") == "de l'apport"
    assert of("ouverture d'un crédit") == "d'ouverture d'un crédit"
    assert of("décision") == "de décision"


def test_unknown_feature_is_refused_rather_than_shown_raw():
    record = dict(feature="NEW_COLUMN", table="application", column="NEW_COLUMN",
                  aggregation=None, subset=None, level=None, kind="numeric")
    with pytest.raises(ValueError, match="NEW_COLUMN"):
        feature_label(record)
    record = dict(feature="BURO_NEW_MAX", table="bureau", column="NEW", aggregation="max",
                  subset="all", level=None, kind="numeric")
    with pytest.raises(ValueError, match="BURO_NEW_MAX"):
        describe_features(pd.DataFrame([record]))


def test_every_schema_level_has_plain_words():
    """Every category level of every table reads as words in both languages; the French
    wording is a translation (not the raw English level)."""
    same_in_french = {"AP+ (Cash loan)"}
    for spec in TABLES.values():
        for column in spec.columns:
            for level in column.levels:
                fr = level_text(column.name, level, "fr", spec.name)
                en = level_text(column.name, level, "en", spec.name)
                assert fr and en and "_" not in fr + en, (spec.name, column.name, level)
                assert fr not in ("XNA", "XAP") and en not in ("XNA", "XAP")
                if level not in same_in_french:
                    assert fr != level, (spec.name, column.name, level)


def test_level_examples():
    assert level_text("CODE_GENDER", "F") == "femme"
    assert level_text("CODE_GENDER", "M", "en") == "man"
    assert level_text("NAME_INCOME_TYPE", "Pensioner") == "retraité(e)"
    assert level_text("NAME_CONTRACT_TYPE", "Cash loans") == "prêt personnel"
    assert level_text("NAME_CONTRACT_STATUS", "Approved", table="previous_application") == \
        "acceptée"
    assert level_text("NAME_CONTRACT_STATUS", "Approved", table="POS_CASH_balance") == "accepté"
    assert level_text("ORGANIZATION_TYPE", "Industry: type 9") == "industrie (type 9)"
    assert level_text("STATUS", "5", "en") == "over 120 days late or sold"
    assert level_text("NAME_HOUSING_TYPE", "Brand new level") == "Brand new level"
    with pytest.raises(ValueError, match="lang"):
        level_text("CODE_GENDER", "F", "de")
