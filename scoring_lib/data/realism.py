"""How close a set of tables is to the real data, column by column.

Used by the realism tests and by ``scoring synth --check``-style reports: for every column
known in ``reference/real_marginals.json`` it measures the missing rate, the KS distance to
the real quantiles (numbers) or the largest gap in level shares (categories).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .schema import BUREAU_KEY, KEY, PREVIOUS_KEY
from .reference import ks_at_quantiles, real_marginals

ID_COLUMNS = {KEY, BUREAU_KEY, PREVIOUS_KEY}


def compare_to_real(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per (table, column) with the generated and real facts side by side."""
    rows = []
    for table, facts in real_marginals()["tables"].items():
        if table not in tables:
            continue
        frame = tables[table]
        for column, f in facts["columns"].items():
            if column in ID_COLUMNS or column not in frame:
                continue
            s = frame[column]
            row = {"table": table, "column": column, "missing": float(s.isna().mean()),
                   "real_missing": float(f["missing_rate"]), "ks": np.nan,
                   "level_gap": np.nan, "sentinel": np.nan,
                   "real_sentinel": f.get("share_equal_365243", np.nan)}
            if "levels_freq" in f:
                share = s.value_counts(normalize=True)
                levels = set(f["levels_freq"]) | set(share.index[share > 0])
                row["level_gap"] = max(abs(float(share.get(k, 0.0)) -
                                           float(f["levels_freq"].get(k, 0.0))) for k in levels)
            else:
                values = s.to_numpy(dtype=float, na_value=np.nan)
                q = np.asarray(f["quantiles_0_1_5_25_50_75_95_99_100"], float)
                row["ks"] = ks_at_quantiles(values, q)
                if "share_equal_365243" in f:
                    known = values[~np.isnan(values)]
                    row["sentinel"] = float((known == 365243).mean()) if known.size else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


#: the building-information family of application_train: where the client lives (the
#: normalised *_AVG / *_MODE / *_MEDI statistics of the building, 47 columns)
BUILDING_SUFFIXES = ("_AVG", "_MODE", "_MEDI")


def building_missing(realism: pd.DataFrame) -> pd.DataFrame:
    """The building-information rows of :func:`compare_to_real`'s frame with their missing
    rate, the real one and the gap (generated - real), largest absolute gap first."""
    rows = realism[(realism.table == "application_train")
                   & realism.column.str.endswith(BUILDING_SUFFIXES)]
    out = rows[["column", "missing", "real_missing"]].assign(
        gap=rows.missing - rows.real_missing)
    return out.sort_values("gap", key=np.abs, ascending=False, kind="stable").reset_index(
        drop=True)
