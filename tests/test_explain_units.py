"""Human units: durations, dates, amounts, percentages, categories, honest missing values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring_lib.explain import Unit, describe_features, feature_unit, format_value
from scoring_lib.explain.units import KINDS, NNBSP
from scoring_lib.features import feature_metadata

NAN = np.nan


def unit_of(feature: str) -> Unit:
    record = feature_metadata().set_index("feature").loc[feature].to_dict()
    return feature_unit({**record, "feature": feature})


@pytest.mark.parametrize("feature, value, fr, en", [
    ("DAYS_BIRTH", -15_800, "43 ans", "43 years"),
    ("DAYS_BIRTH", -25_567, "69 ans", "69 years"),
    ("DAYS_EMPLOYED", -100, "3 mois", "3 months"),
    ("DAYS_EMPLOYED", -400, "1 an et 1 mois", "1 year and 1 month"),
    ("DAYS_EMPLOYED", -10, "10 jours", "10 days"),
    ("DAYS_EMPLOYED", -3_000, "8 ans", "8 years"),
    ("DAYS_EMPLOYED", NAN, "sans objet", "not applicable"),      # the 365243 sentinel
    ("DAYS_EMPLOYED", 365_243, "sans objet", "not applicable"),  # raw value, if ever given
    ("AMT_INCOME_TOTAL", 135_000.0, f"135{NNBSP}000{NNBSP}€", "€135,000"),
    ("AMT_CREDIT", 1_293_502.5, f"1{NNBSP}293{NNBSP}502{NNBSP}€", "€1,293,502"),
    ("INCOME_PER_PERSON", 999.6, f"1{NNBSP}000{NNBSP}€", "€1,000"),
    ("ANNUITY_INCOME_PERC", 0.2, f"20{NNBSP}%", "20%"),
    ("PAYMENT_RATE", 0.0512, f"5,1{NNBSP}%", "5.1%"),
    ("EXT_SOURCE_3", 0.2134, "0,21", "0.21"),
    ("EXT_SOURCE_1", NAN, "inconnu", "unknown"),
    ("CNT_CHILDREN", 2, "2", "2"),
    ("REGION_RATING_CLIENT", 2, "2 sur 3", "2 out of 3"),
    ("HOUR_APPR_PROCESS_START", 14, f"14{NNBSP}h", "14:00"),
    ("FLAG_EMP_PHONE", 1, "oui", "yes"),
    ("FLAG_DOCUMENT_3", 0, "non", "no"),
    ("OWN_CAR_AGE", 5.0, "5 ans", "5 years"),
    ("CODE_GENDER", "F", "femme", "woman"),
    ("NAME_CONTRACT_TYPE", "Revolving loans", "crédit renouvelable", "revolving loans"),
    ("NAME_FAMILY_STATUS", "Married", "marié(e)", "married"),
    ("NAME_INCOME_TYPE", "Pensioner", "retraité(e)", "pensioner"),
    ("NAME_EDUCATION_TYPE", "Higher education", "supérieur", "higher education"),
    ("NAME_HOUSING_TYPE", "With parents", "chez ses parents", "with parents"),
    ("OCCUPATION_TYPE", NAN, "inconnu", "unknown"),
    ("INSTAL_DPD_MEAN", 2.5, "2,5 jours", "2.5 days"),
    ("INSTAL_DPD_MAX", 1.0, "1 jour", "1 day"),
    ("INSTAL_DPD_MEAN", NAN, "aucune donnée", "no data"),
    ("BURO_DAYS_CREDIT_MAX", -800, "2 ans et 2 mois avant la demande",
     "2 years and 2 months before the application"),
    ("BURO_DAYS_CREDIT_ENDDATE_MAX", 45, "1 mois après la demande",
     "1 month after the application"),
    ("BURO_DAYS_CREDIT_ENDDATE_MAX", 0, "le jour de la demande",
     "on the day of the application"),
    ("POS_MONTHS_BALANCE_MAX", -1, "1 mois avant la demande", "1 month before the application"),
    ("BURO_MONTHS_COUNT_MEAN", 26.0, "2 ans et 2 mois", "2 years and 2 months"),
    ("BURO_DAYS_CREDIT_VAR", 365.25 ** 2, "1 an", "1 year"),  # shown as a standard deviation
    ("INSTAL_DAYS_ENTRY_PAYMENT_SUM", -12_345, f"12{NNBSP}345 jours", "12,345 days"),
    ("PREV_NAME_CONTRACT_STATUS_Refused_SHARE", 0.25, f"25{NNBSP}%", "25%"),
    ("PREV_COUNT", 3, "3", "3"),
    ("INSTAL_PAYMENT_DIFF_MEAN", -1_200.0, f"-1{NNBSP}200{NNBSP}€", "-€1,200"),
])
def test_feature_values_in_human_units(feature, value, fr, en):
    unit = unit_of(feature)
    assert format_value(value, unit, "fr") == fr
    assert format_value(value, unit, "en") == en


def test_units_from_metadata():
    assert unit_of("DAYS_BIRTH") == Unit("duration_days", "DAYS_BIRTH", "application", sign=-1)
    assert unit_of("DAYS_EMPLOYED").missing == "not_applicable"
    assert unit_of("EXT_SOURCE_1").missing == "unknown"
    assert unit_of("BURO_AMT_CREDIT_SUM_MEAN") == Unit("amount", missing="no_data")
    assert unit_of("ACTIVE_DAYS_CREDIT_VAR").spread
    assert unit_of("INSTAL_DAYS_ENTRY_PAYMENT_SUM") == Unit("days", sign=-1, missing="no_data")
    assert unit_of("NAME_FAMILY_STATUS").kind == "category"
    assert unit_of("BURO_STATUS_X_SHARE_MEAN").kind == "share"


def test_every_feature_has_a_unit():
    units = describe_features(feature_metadata())["unit"]
    assert units.map(lambda u: isinstance(u, Unit) and u.kind in KINDS).all()
    # every value of every feature formats without error, missing or not
    for unit in set(units):
        for value in (NAN, 0, 1, -3.5, 1234.5):
            if unit.kind == "category":
                value = "XNA"
            text = format_value(value, unit, "fr")
            assert text and "nan" not in text.lower()


def test_missing_values_are_said_honestly():
    for missing in (None, NAN, pd.NA, pd.NaT):
        assert format_value(missing, Unit("score"), "fr") == "inconnu"
    assert format_value(NAN, Unit("amount", missing="no_data"), "en") == "no data"


def test_small_and_negative_numbers():
    assert format_value(-0.0001, Unit("count"), "fr") == "0"
    assert format_value(0.0188, Unit("number"), "fr") == "0,0188"
    assert format_value(12.345, Unit("number"), "en") == "12.3"
    assert format_value(math.pi, Unit("number"), "fr") == "3,14"
    assert format_value(0.0, Unit("duration_days", sign=-1), "fr") == "0 jour"


def test_bad_arguments():
    with pytest.raises(ValueError, match="kind"):
        Unit("furlongs")
    with pytest.raises(ValueError, match="lang"):
        format_value(1, Unit("count"), "de")
