"""Tests of ``scoring features``: the Parquet file, its metadata, and the cache."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from scoring_lib.cli import main
from scoring_lib.data.synth import write_table
from scoring_lib.features import build_features
from scoring_lib.features.cache import read_features, read_info

from test_features import NAN, check, tiny_tables


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    for name, frame in tiny_tables().items():
        write_table(frame, folder / f"{name}.parquet", "parquet")
    return folder


def test_cli_writes_then_reuses_then_rebuilds(raw, tmp_path, capsys):
    out = tmp_path / "processed" / "features.parquet"
    assert main(["features", "--data", str(raw), "--out", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().out
    written = read_features(out)
    expected = build_features(tiny_tables())
    pd.testing.assert_frame_equal(written.frame, expected.frame)
    assert written.metadata.equals(expected.metadata)
    assert [p.name for p in out.parent.iterdir()] == ["features.parquet"]  # no temp file
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not left private like a temp file

    mtime = out.stat().st_mtime_ns
    assert main(["features", "--data", str(raw), "--out", str(out)]) == 0
    assert "Reused" in capsys.readouterr().out
    assert out.stat().st_mtime_ns == mtime  # not rewritten

    tables = tiny_tables()
    tables["bureau"].loc[0, "AMT_CREDIT_SUM"] = 4000.0  # a changed input
    write_table(tables["bureau"], raw / "bureau.parquet", "parquet")
    stat = (raw / "bureau.parquet").stat()
    os.utime(raw / "bureau.parquet", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert main(["features", "--data", str(raw), "--out", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().out
    check(read_features(out), "BURO_AMT_CREDIT_SUM_SUM", [9000, NAN, NAN, 700])

    (raw / "credit_card_balance.parquet").unlink()  # a removed input
    assert main(["features", "--data", str(raw), "--out", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().out
    assert not any(n.startswith("CC_") for n in read_features(out).frame)
    assert read_info(out)["inputs"][0]["file"] == "application_train.parquet"


def test_cli_reports_bad_data(tmp_path, capsys):
    assert main(["features", "--data", str(tmp_path / "nowhere"), "--out",
                 str(tmp_path / "f.parquet")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "f.parquet").exists()
