"""Synthetic data generated slice by slice (the batch benchmark's 1 M / 3 M clients): slice 0
is the plain generator's output, slices put together are one consistent data set, and the
same seed gives the same files."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring_lib.data import load_tables
from scoring_lib.data.synth import (SLICE_ID_STRIDE, generate_slice, generate_tables,
                                    synthesize_slices)


def test_slice_zero_is_the_generator_and_later_slices_are_offset():
    plain = dict(generate_tables(120, 20, seed=4))
    zero = dict(generate_slice(120, 20, seed=4, index=0))
    for name, frame in plain.items():
        pd.testing.assert_frame_equal(zero[name], frame, obj=name)
    two = dict(generate_slice(120, 20, seed=4, index=2))
    ids = two["application_train"]["SK_ID_CURR"]
    assert ids.min() >= 2 * SLICE_ID_STRIDE and ids.max() < 3 * SLICE_ID_STRIDE
    assert two["bureau"]["SK_ID_BUREAU"].min() >= 2 * SLICE_ID_STRIDE
    assert two["POS_CASH_balance"]["SK_ID_PREV"].min() >= 2 * SLICE_ID_STRIDE
    # its own draws, not slice 0's shifted
    assert not two["application_train"]["AMT_CREDIT"].equals(
        plain["application_train"]["AMT_CREDIT"])
    with pytest.raises(ValueError, match="index must be a whole number"):
        next(generate_slice(10, 0, 0, index=-1))


def test_slices_make_one_consistent_data_set(tmp_path):
    out = tmp_path / "raw"
    seen = []
    report = synthesize_slices(out, 301, 60, seed=2, slices=3,
                               progress=lambda k, n: seen.append((k, n)))
    assert seen == [(0, 3), (1, 3), (2, 3)]
    tables = load_tables(out)
    assert not tables.report.orphans and not tables.report.unknown_levels
    assert len(tables["application_train"]) == 301 and len(tables["application_test"]) == 60
    assert {n: len(f) for n, f in tables.items()} == report.rows
    ids = pd.concat([tables["application_train"]["SK_ID_CURR"],
                     tables["application_test"]["SK_ID_CURR"]])
    assert ids.is_unique and (ids // SLICE_ID_STRIDE).nunique() == 3
    again = synthesize_slices(tmp_path / "again", 301, 60, seed=2, slices=3)
    for name in tables:
        pd.testing.assert_frame_equal(pd.read_parquet(again.out / f"{name}.parquet"),
                                      pd.read_parquet(out / f"{name}.parquet"), obj=name)
