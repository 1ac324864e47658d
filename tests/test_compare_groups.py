"""Groups of clients: each filter, combinations, missing values, and refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.compare import FILTERS, group, group_mask
from scoring_lib.data.schema import LEVELS

NAN = np.nan
Y = 365.25


def clients(categorical: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame({
        "SK_ID_CURR": [1, 2, 3, 4, 5, 6],
        "CODE_GENDER": ["F", "M", "F", "M", "F", None],
        "DAYS_BIRTH": [-25 * Y, -35 * Y, -45 * Y, -30 * Y, -60 * Y, -40 * Y],
        "NAME_FAMILY_STATUS": ["Married", "Single / not married", "Married", "Widow",
                               "Married", "Married"],
        "NAME_INCOME_TYPE": ["Working", "Working", "Pensioner", "State servant", "Pensioner",
                             "Working"],
        "NAME_EDUCATION_TYPE": ["Higher education", "Secondary / secondary special",
                                "Higher education", "Higher education", "Lower secondary",
                                "Higher education"],
        "NAME_CONTRACT_TYPE": ["Cash loans", "Revolving loans", "Cash loans", "Cash loans",
                               "Cash loans", "Revolving loans"],
        "AMT_INCOME_TOTAL": [100_000.0, 250_000.0, 80_000.0, NAN, 150_000.0, 120_000.0],
        "AMT_CREDIT": [500_000.0, 200_000.0, 300_000.0, 1_000_000.0, 450_000.0, 90_000.0],
        "decision": ["granted", "refused", "granted", "granted", "refused", "granted"],
        "risk_band": ["low", "high", "medium", "low", "borderline", "low"],
    })
    if categorical:
        for column in ("CODE_GENDER", "NAME_FAMILY_STATUS", "NAME_INCOME_TYPE",
                       "NAME_EDUCATION_TYPE", "NAME_CONTRACT_TYPE"):
            frame[column] = pd.Categorical(frame[column], categories=LEVELS[column])
        frame["decision"] = pd.Categorical(frame["decision"], ["granted", "refused"])
    return frame


def ids(frame, filters):
    return list(group(frame, filters)["SK_ID_CURR"])


@pytest.mark.parametrize("categorical", [True, False])
@pytest.mark.parametrize("filters, expected", [
    ({}, [1, 2, 3, 4, 5, 6]),
    ({"gender": "F"}, [1, 3, 5]),                      # client 6: gender missing
    ({"gender": ["F", "M"]}, [1, 2, 3, 4, 5]),
    ({"age": (30, 45)}, [2, 4, 6]),                     # 30 <= age < 45
    ({"age": (None, 30)}, [1]),
    ({"age": (45, None)}, [3, 5]),
    ({"family_status": "Married"}, [1, 3, 5, 6]),
    ({"income_type": ["Pensioner", "State servant"]}, [3, 4, 5]),
    ({"education": "Higher education"}, [1, 3, 4, 6]),
    ({"contract_type": "Revolving loans"}, [2, 6]),
    ({"income": (100_000, 200_000)}, [1, 5, 6]),        # client 4: income missing
    ({"credit": (None, 300_000)}, [2, 6]),
    ({"decision": "refused"}, [2, 5]),
    ({"risk_band": ["low", "borderline"]}, [1, 4, 5, 6]),
    ({"gender": "F", "family_status": "Married", "age": (40, None)}, [3, 5]),
    ({"gender": "F", "decision": "refused", "income_type": "Working"}, []),
    ({"gender": None, "age": None}, [1, 2, 3, 4, 5, 6]),  # None: no filter
])
def test_filters(categorical, filters, expected):
    frame = clients(categorical)
    assert ids(frame, filters) == expected
    mask = group_mask(frame, filters)
    assert mask.dtype == bool and mask.shape == (6,)


def test_unknown_filters_levels_and_ranges_are_refused():
    frame = clients()
    with pytest.raises(ValueError, match="unknown filter.*'colour'"):
        group_mask(frame, {"colour": "red"})
    with pytest.raises(ValueError, match="'family_status'.*'Maried'"):
        group_mask(frame, {"family_status": "Maried"})
    with pytest.raises(ValueError, match="'decision'.*'accepted'"):
        group_mask(frame, {"decision": "accepted"})
    with pytest.raises(ValueError, match="'age'.*low must be below high"):
        group_mask(frame, {"age": (50, 40)})
    with pytest.raises(ValueError, match="'income'.*expected \\(low, high\\)"):
        group_mask(frame, {"income": 100_000})
    with pytest.raises(ValueError, match="'gender'.*non-empty"):
        group_mask(frame, {"gender": []})
    with pytest.raises(ValueError, match="'risk_band'.*column 'risk_band'"):
        group_mask(frame.drop(columns=["risk_band"]), {"risk_band": "low"})


def test_every_documented_filter_exists():
    assert set(FILTERS) == {"gender", "age", "family_status", "income_type", "education",
                            "contract_type", "income", "credit", "decision", "risk_band"}
