"""Tests of scoring_lib.data.load_tables: round trips, report, and one test per bad input."""

from __future__ import annotations

import csv
import gzip
import io
import os
import pickle
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scoring_lib.data import DataError, LoadReport, Tables, find_table_files, load_tables
from scoring_lib.data.schema import DAYS_SENTINEL, TABLE_NAMES, TABLES, pandas_dtypes

N_TRAIN, N_TEST = 12, 4
TRAIN_IDS = list(range(100001, 100001 + N_TRAIN))
TEST_IDS = list(range(200001, 200001 + N_TEST))


# ------------------------------------------------------------------------------- builders
def _frame(name: str, n: int, keys: dict) -> pd.DataFrame:
    """A valid frame of ``n`` rows with the schema's columns and dtypes; ``keys`` fixed."""
    rng = np.random.default_rng(len(name))
    data = {}
    for c in TABLES[name].columns:
        if c.name in keys:
            data[c.name] = np.asarray(keys[c.name], dtype=np.int64)
        elif c.kind == "int":
            data[c.name] = rng.integers(-3000, 3000, n)
        elif c.kind == "float":
            values = np.round(rng.normal(1000, 300, n), 2)
            values[n // 2] = np.nan  # missing allowed in float columns
            data[c.name] = values
        else:
            data[c.name] = [c.levels[i % len(c.levels)] for i in range(n)]
    frame = pd.DataFrame(data)
    return frame.astype(pandas_dtypes(name)).copy()  # copy: one block per dtype


def make_frames() -> dict[str, pd.DataFrame]:
    """Eight small tables with consistent keys (every child row has its parent)."""
    bureau_ids = [500001 + i for i in range(8)]
    prev_ids = [300001 + i for i in range(8)]
    prev_curr = [TRAIN_IDS[i % N_TRAIN] for i in range(8)]
    child = {"SK_ID_PREV": prev_ids * 2, "SK_ID_CURR": prev_curr * 2}
    frames = {
        "application_train": _frame("application_train", N_TRAIN, {
            "SK_ID_CURR": TRAIN_IDS, "TARGET": [i % 3 == 0 for i in range(N_TRAIN)],
            "DAYS_EMPLOYED": [DAYS_SENTINEL if i % 4 == 1 else -1000 - i
                              for i in range(N_TRAIN)]}),
        "application_test": _frame("application_test", N_TEST, {"SK_ID_CURR": TEST_IDS}),
        "bureau": _frame("bureau", 8, {"SK_ID_BUREAU": bureau_ids,
                                       "SK_ID_CURR": [TEST_IDS[0]] + TRAIN_IDS[:7]}),
        "bureau_balance": _frame("bureau_balance", 16, {"SK_ID_BUREAU": bureau_ids * 2}),
        "previous_application": _frame("previous_application", 8, {
            "SK_ID_PREV": prev_ids, "SK_ID_CURR": prev_curr}),
    }
    for name in ("POS_CASH_balance", "installments_payments", "credit_card_balance"):
        frames[name] = _frame(name, 16, child)
    return frames


def write(folder, name: str, frame: pd.DataFrame, fmt: str = "csv"):
    path = folder / f"{name}.{fmt}"
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    elif fmt in ("csv.zip", "zip"):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"{name}.csv", frame.to_csv(index=False))
    else:
        frame.to_csv(path, index=False)  # .csv.gz: pandas compresses from the suffix
    return path


@pytest.fixture(scope="module")
def _valid_frames():
    return make_frames()


@pytest.fixture
def frames(_valid_frames):
    return {name: frame.copy() for name, frame in _valid_frames.items()}


@pytest.fixture
def raw(tmp_path, frames):
    """A folder holding the eight valid tables as CSV."""
    for name, frame in frames.items():
        write(tmp_path, name, frame)
    return tmp_path


def edit_line(path, line_no: int, old: str, new: str) -> None:
    """Replace the first ``old`` by ``new`` on line ``line_no`` (1-based; header = 1)."""
    lines = path.read_text().split("\n")
    assert old in lines[line_no - 1], (old, lines[line_no - 1])
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    path.write_text("\n".join(lines))


def set_field(path, line_no: int, column: str, value: str) -> None:
    """Set one field of line ``line_no`` (1-based; header = 1), keeping CSV quoting."""
    lines = path.read_text().split("\n")
    header = next(csv.reader([lines[0]]))
    fields = next(csv.reader([lines[line_no - 1]]))
    fields[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    lines[line_no - 1] = out.getvalue()
    path.write_text("\n".join(lines))


def only_train(tmp_path, frames, **changes) -> object:
    train = frames["application_train"].copy()
    for column, (row, value) in changes.items():
        train[column] = train[column].astype(object)
        train.loc[row, column] = value
    return write(tmp_path, "application_train", train)


def error_of(folder, **kwargs) -> DataError:
    with pytest.raises(DataError) as info:
        load_tables(folder, **kwargs)
    return info.value


# -------------------------------------------------------------------------- round trips
def test_round_trip_all_tables_csv(raw, frames):
    tables = load_tables(raw)
    assert isinstance(tables, Tables) and isinstance(tables.report, LoadReport)
    assert list(tables) == list(TABLE_NAMES)
    for name, expected in frames.items():
        got = tables[name]
        assert list(got.columns) == TABLES[name].names
        assert got.dtypes.to_dict() == pandas_dtypes(name), name
        pd.testing.assert_frame_equal(got, expected, check_exact=False)
    report = tables.report
    assert report.missing_tables == [] and report.orphans == []
    assert report.unknown_levels == [] and report.int_as_float == []
    assert {(f.table, f.format, f.rows) for f in report.files} == {
        (n, "csv", len(f)) for n, f in frames.items()}


@pytest.mark.parametrize("fmt", ["csv.gz", "csv.zip", "zip", "parquet"])
def test_round_trip_other_formats(tmp_path, frames, fmt):
    for name in ("application_train", "bureau", "bureau_balance"):
        write(tmp_path, name, frames[name], fmt)
    tables = load_tables(tmp_path)
    for name in ("application_train", "bureau", "bureau_balance"):
        assert tables[name].dtypes.to_dict() == pandas_dtypes(name)
        pd.testing.assert_frame_equal(tables[name], frames[name], check_exact=False)
    assert [f.format for f in tables.report.files] == [fmt] * 3


def test_sentinel_xna_and_empty_strings_loaded_unchanged(tmp_path, frames):
    path = write(tmp_path, "application_train", frames["application_train"])
    set_field(path, 3, "NAME_TYPE_SUITE", "")
    train = load_tables(tmp_path)["application_train"]
    assert (train["DAYS_EMPLOYED"] == DAYS_SENTINEL).sum() == 3
    assert train["DAYS_EMPLOYED"].dtype == np.int64
    assert (train["CODE_GENDER"] == "XNA").sum() == N_TRAIN // 3
    assert pd.isna(train.loc[1, "NAME_TYPE_SUITE"])
    assert np.isnan(train.loc[N_TRAIN // 2, "AMT_CREDIT"])


def test_utf8_bom_accepted(tmp_path, frames):
    path = write(tmp_path, "application_train", frames["application_train"])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    train = load_tables(tmp_path)["application_train"]
    assert list(train.columns)[0] == "SK_ID_CURR"
    assert train["SK_ID_CURR"].tolist() == TRAIN_IDS


def test_columns_in_another_order_accepted(tmp_path, frames):
    train = frames["application_train"]
    write(tmp_path, "application_train", train[list(reversed(train.columns))])
    got = load_tables(tmp_path)["application_train"]
    assert list(got.columns) == TABLES["application_train"].names
    pd.testing.assert_frame_equal(got, train, check_exact=False)


def test_whole_numbers_written_with_decimals_accepted(tmp_path, frames):
    path = write(tmp_path, "application_train", frames["application_train"])
    set_field(path, 4, "CNT_CHILDREN", "7.0")
    train = load_tables(tmp_path)["application_train"]
    assert train["CNT_CHILDREN"].dtype == np.int64 and train.loc[2, "CNT_CHILDREN"] == 7


def test_int_column_with_missing_read_as_float_and_reported(tmp_path, frames):
    path = write(tmp_path, "application_train", frames["application_train"])
    set_field(path, 3, "CNT_CHILDREN", "")
    set_field(path, 5, "CNT_CHILDREN", "")
    tables = load_tables(tmp_path)
    column = tables["application_train"]["CNT_CHILDREN"]
    assert column.dtype == np.float64 and column.isna().sum() == 2
    (entry,) = tables.report.int_as_float
    assert (entry.table, entry.column, entry.missing) == ("application_train", "CNT_CHILDREN", 2)
    assert any("CNT_CHILDREN" in line for line in tables.report.summary())


def test_parquet_int_column_stored_as_float(tmp_path, frames):
    train = frames["application_train"].astype({"CNT_CHILDREN": float, "TARGET": float})
    train.loc[[2, 5], "CNT_CHILDREN"] = np.nan
    write(tmp_path, "application_train", train, "parquet")
    tables = load_tables(tmp_path)
    got = tables["application_train"]
    assert got["TARGET"].dtype == np.int64 and got["CNT_CHILDREN"].dtype == np.float64
    assert [(i.column, i.missing) for i in tables.report.int_as_float] == [("CNT_CHILDREN", 2)]
    train.loc[4, "TARGET"] = 0.5
    write(tmp_path, "application_train", train, "parquet")
    assert str(error_of(tmp_path)).endswith(
        "column TARGET: expected a whole number (int), found 0.5 on row 5 (1 row in all)")


def test_unknown_category_level_kept_and_reported(tmp_path, frames):
    path = write(tmp_path, "application_train", frames["application_train"])
    set_field(path, 2, "CODE_GENDER", "U")
    set_field(path, 9, "CODE_GENDER", "U")
    tables = load_tables(tmp_path)
    gender = tables["application_train"]["CODE_GENDER"]
    assert list(gender.cat.categories) == ["F", "M", "XNA", "U"]
    assert gender.tolist()[0] == "U" and (gender == "U").sum() == 2
    (entry,) = tables.report.unknown_levels
    assert (entry.column, entry.levels, entry.counts) == ("CODE_GENDER", ("U",), (2,))


def test_orphan_child_rows_counted_not_fatal(raw, frames):
    set_field(raw / "bureau.csv", 2, "SK_ID_CURR", "999999")
    set_field(raw / "bureau_balance.csv", 3, "SK_ID_BUREAU", "777")
    set_field(raw / "bureau_balance.csv", 4, "SK_ID_BUREAU", "777")
    set_field(raw / "installments_payments.csv", 2, "SK_ID_PREV", "42")
    report = load_tables(raw).report
    got = {(o.table, o.column): (o.parent, o.rows, o.distinct, o.examples)
           for o in report.orphans}
    assert got == {("bureau", "SK_ID_CURR"): ("application", 1, 1, (999999,)),
                   ("bureau_balance", "SK_ID_BUREAU"): ("bureau", 2, 1, (777,)),
                   ("installments_payments", "SK_ID_PREV"): ("previous_application", 1, 1,
                                                             (42,))}
    assert sum("Orphan rows" in line for line in report.summary()) == 3


def test_missing_optional_tables_reported(tmp_path, frames):
    write(tmp_path, "application_train", frames["application_train"])
    write(tmp_path, "bureau", frames["bureau"])
    tables = load_tables(tmp_path)
    assert list(tables) == ["application_train", "bureau"]
    assert tables.report.missing_tables == [n for n in TABLE_NAMES
                                            if n not in ("application_train", "bureau")]
    # the test clients are unknown: bureau's first row refers to one of them
    assert [(o.table, o.rows) for o in tables.report.orphans] == [("bureau", 1)]
    assert any(line.startswith("Missing optional tables") for line in tables.report.summary())


def test_tables_argument_loads_only_those(raw):
    tables = load_tables(raw, tables=["bureau_balance", "bureau"])
    assert list(tables) == ["bureau", "bureau_balance"]
    assert tables.report.unchecked_links == ["bureau.SK_ID_CURR -> application"]
    assert list(load_tables(raw, tables="bureau")) == ["bureau"]
    with pytest.raises(ValueError, match="unknown table name"):
        load_tables(raw, tables=["bureau", "nope"])


def test_tables_argument_requires_the_named_tables(tmp_path, frames):
    write(tmp_path, "application_train", frames["application_train"])
    err = error_of(tmp_path, tables=["bureau"])
    assert "required table bureau not found" in str(err) and "bureau.csv.gz" in str(err)


def test_find_table_files(raw):
    (raw / "notes.txt").write_text("not a table")
    found = find_table_files(raw)
    assert list(found) == list(TABLE_NAMES)
    assert found["bureau"] == raw / "bureau.csv"


def test_data_error_is_value_error_and_pickles(tmp_path):
    err = error_of(tmp_path / "nope")
    assert isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.path == err.path


# ----------------------------------------------------------------------------- bad input
def test_folder_does_not_exist(tmp_path):
    err = error_of(tmp_path / "missing")
    assert str(err) == f"{tmp_path / 'missing'}: folder does not exist"


def test_required_train_missing_lists_names_looked_for(raw):
    (raw / "application_train.csv").rename(raw / "Application_Train.csv")
    err = error_of(raw)
    msg = str(err)
    assert "required table application_train not found" in msg
    for name in ("application_train.csv", "application_train.csv.gz",
                 "application_train.csv.zip", "application_train.zip",
                 "application_train.parquet"):
        assert name in msg
    assert "found similar: Application_Train.csv" in msg
    (raw / "home-credit-default-risk.zip").write_bytes(b"")
    assert "found archive(s) home-credit-default-risk.zip: extract them" in str(error_of(raw))


def test_two_formats_of_one_table_is_ambiguous(raw, frames):
    write(raw, "bureau", frames["bureau"], "parquet")
    err = error_of(raw)
    assert "bureau is present in 2 formats" in str(err)
    assert "bureau.csv" in str(err) and "bureau.parquet" in str(err)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "csv.gz"])
def test_empty_file(raw, fmt):
    (raw / "bureau.csv").unlink()
    path = raw / f"bureau.{fmt}"
    path.write_bytes(b"" if fmt != "csv.gz" else gzip.compress(b""))
    err = error_of(raw)
    assert err.path == path and "is an empty file (0 bytes" in str(err)


def test_header_only_train(raw):
    path = raw / "application_train.csv"
    path.write_text(path.read_text().split("\n")[0] + "\n")
    err = error_of(raw)
    assert err.path == path and "has a header but no data rows" in str(err)


def test_missing_columns_named(tmp_path, frames):
    path = write(tmp_path, "application_train",
                 frames["application_train"].drop(columns=["AMT_CREDIT", "EXT_SOURCE_2"]))
    err = error_of(tmp_path)
    assert str(err).startswith(f"{path}: column AMT_CREDIT: missing columns: AMT_CREDIT, "
                               "EXT_SOURCE_2")
    assert "unexpected" not in str(err)


def test_unexpected_column_target_in_test(raw, frames):
    test = frames["application_test"].assign(TARGET=0)
    write(raw, "application_test", test)
    err = error_of(raw)
    assert err.path == raw / "application_test.csv"
    assert "unexpected column: TARGET" in str(err)
    assert "TARGET belongs only in application_train" in str(err)


def test_duplicated_column_name(raw):
    path = raw / "bureau.csv"
    edit_line(path, 1, "AMT_ANNUITY", "CREDIT_TYPE")
    err = error_of(raw)
    assert err.column == "CREDIT_TYPE"
    assert "duplicated column name in the header: CREDIT_TYPE (columns 15, 17)" in str(err)


def test_value_not_a_float_names_column_values_and_lines(tmp_path, frames):
    path = write(tmp_path, "application_train", frames["application_train"])
    set_field(path, 7, "AMT_CREDIT", "abc")
    set_field(path, 12, "AMT_CREDIT", "x")
    err = error_of(tmp_path)
    assert str(err) == (f"{path}: column AMT_CREDIT: expected a number (float), found 'abc' "
                        "on line 7, 'x' on line 12 (2 rows in all)")
    assert (err.column, err.rows, err.values) == ("AMT_CREDIT", (7, 12), ("abc", "x"))


def test_value_not_an_int(tmp_path, frames):
    path = write(tmp_path, "application_train", frames["application_train"])
    set_field(path, 3, "CNT_CHILDREN", "1.5")
    set_field(path, 5, "DAYS_BIRTH", "ten")
    err = error_of(tmp_path)
    assert str(err).startswith(f"{path}: column CNT_CHILDREN: expected a whole number (int), "
                               "found '1.5' on line 3 (1 row in all)")
    assert "other columns with bad values: DAYS_BIRTH (1)" in str(err)


@pytest.mark.parametrize("table,column,line", [("application_train", "SK_ID_CURR", 4),
                                                ("bureau", "SK_ID_BUREAU", 3),
                                                ("installments_payments", "SK_ID_PREV", 5)])
def test_missing_value_in_key_column(raw, table, column, line):
    set_field(raw / f"{table}.csv", line, column, "")
    err = error_of(raw)
    assert err.path == raw / f"{table}.csv" and err.column == column and err.rows == (line,)
    assert f"missing value in key column (expected a whole number (int)) on line {line} " \
           "(1 row in all)" in str(err)


@pytest.mark.parametrize("table", ["application_train", "application_test"])
def test_duplicate_sk_id_curr(raw, table):
    path = raw / f"{table}.csv"
    first = TRAIN_IDS[0] if table == "application_train" else TEST_IDS[0]
    set_field(path, 4, "SK_ID_CURR", str(first))
    err = error_of(raw)
    assert err.path == path and err.column == "SK_ID_CURR" and err.rows == (2, 4)
    assert f"duplicate values in the primary key: {first} on lines 2, 4 (2 rows in all, " \
           "1 distinct values)" in str(err)


def test_same_client_in_train_and_test(raw):
    set_field(raw / "application_test.csv", 3, "SK_ID_CURR", str(TRAIN_IDS[4]))
    err = error_of(raw)
    assert err.path == raw / "application_test.csv" and err.rows == (3,)
    assert f"1 client(s) appear in both application_train and application_test: " \
           f"{TRAIN_IDS[4]} (application_train line 6, application_test line 3)" in str(err)


@pytest.mark.parametrize("table,key", [("bureau", "SK_ID_BUREAU"),
                                       ("previous_application", "SK_ID_PREV")])
def test_duplicate_child_primary_key(raw, table, key):
    path = raw / f"{table}.csv"
    first = pd.read_csv(path)[key].iloc[1]
    set_field(path, 6, key, str(first))
    err = error_of(raw)
    assert err.path == path and err.column == key
    assert f"{first} on lines 3, 6" in str(err) and f"{key} must be unique" in str(err)


def test_target_missing(tmp_path, frames):
    path = write(tmp_path, "application_train", frames["application_train"])
    set_field(path, 5, "TARGET", "")
    err = error_of(tmp_path)
    assert str(err) == (f"{path}: column TARGET: missing value in the target (expected a whole "
                        "number (int)) on line 5 (1 row in all)")


def test_target_not_zero_or_one(tmp_path, frames):
    path = write(tmp_path, "application_train", frames["application_train"])
    set_field(path, 3, "TARGET", "2")
    set_field(path, 8, "TARGET", "-1")
    err = error_of(tmp_path)
    assert str(err) == (f"{path}: column TARGET: expected 0 or 1, found 2 on line 3, -1 on "
                        "line 8 (2 rows in all)")


@pytest.mark.parametrize("sep", [";", "\t"])
def test_wrong_separator(tmp_path, frames, sep):
    path = tmp_path / "application_train.csv"
    frames["application_train"].to_csv(path, index=False, sep=sep)
    err = error_of(tmp_path)
    assert str(err) == f"{path}: uses {sep!r} as separator, expected ','"


def test_utf16_rejected(tmp_path, frames):
    path = tmp_path / "application_train.csv"
    path.write_bytes(frames["application_train"].to_csv(index=False).encode("utf-16"))
    err = error_of(tmp_path)
    assert "encoded as UTF-16" in str(err) and "re-save it as UTF-8" in str(err)


def test_latin1_bytes_rejected_with_line_and_column(raw):
    path = raw / "bureau_balance.csv"
    text = path.read_bytes().split(b"\n")
    for i in (2, 5):  # lines 3 and 6
        text[i] = text[i].rsplit(b",", 1)[0] + b",Clos\xe9"
    path.write_bytes(b"\n".join(text))
    err = error_of(raw)
    assert err.path == path and err.column == "STATUS" and err.rows == (3, 6)
    assert "is not valid UTF-8 text: found 'Closé' on line 3, 'Closé' on line 6 (2 rows in " \
           "all); it looks like latin-1/cp1252; re-save the file as UTF-8" in str(err)


def test_ragged_row(raw):
    path = raw / "bureau_balance.csv"
    edit_line(path, 4, ",", ",1,")
    err = error_of(raw)
    assert err.path == path and err.rows == (4,)
    assert "wrong number of fields: line 4 has 4, expected 3 (1 row in all)" in str(err)


@pytest.mark.parametrize("members", [[], ["a.csv", "b.csv"]])
def test_zip_without_exactly_one_csv(raw, members):
    (raw / "bureau.csv").unlink()
    path = raw / "bureau.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
        for m in members:
            zf.writestr(m, "x\n1\n")
    err = error_of(raw)
    assert err.path == path
    what = "no CSV file" if not members else "2 CSV files"
    assert f"zip archive holds {what}" in str(err) and "expected exactly one CSV" in str(err)


def test_parquet_strings_in_int_column(tmp_path, frames):
    train = frames["application_train"].copy()
    train["CNT_CHILDREN"] = train["CNT_CHILDREN"].astype(str)
    train.loc[3, "CNT_CHILDREN"] = "three"
    path = tmp_path / "application_train.parquet"
    pq.write_table(pa.Table.from_pandas(train, preserve_index=False), path)
    err = error_of(tmp_path)
    assert err.path == path and err.column == "CNT_CHILDREN"
    assert "expected a whole number (int), found Parquet type large_string with 'three' on " \
           "row 4 (1 row in all)" in str(err)


def test_corrupt_parquet(tmp_path, frames):
    path = write(tmp_path, "application_train", frames["application_train"], "parquet")
    path.write_bytes(path.read_bytes()[:200])
    err = error_of(tmp_path)
    assert err.path == path and "not a readable Parquet file" in str(err)


def test_corrupt_gzip(raw):
    rng = np.random.default_rng(0)
    big = pd.DataFrame({"SK_ID_BUREAU": rng.integers(0, 10**6, 50_000),
                        "MONTHS_BALANCE": rng.integers(-90, 0, 50_000), "STATUS": "C"})
    (raw / "bureau_balance.csv").unlink()
    path = write(raw, "bureau_balance", big, "csv.gz")
    path.write_bytes(path.read_bytes()[:-5000])  # truncated download
    err = error_of(raw)
    assert err.path == path and "corrupt or truncated gzip file" in str(err)
    path.write_bytes(b"this is not gzip")
    assert "corrupt or truncated gzip file" in str(error_of(raw))


def test_nothing_written_when_loading_fails(raw):
    set_field(raw / "bureau.csv", 3, "AMT_CREDIT_SUM", "lots")
    before = {p.name: p.stat().st_mtime_ns for p in raw.iterdir()}
    err = error_of(raw)
    assert err.column == "AMT_CREDIT_SUM"
    assert {p.name: p.stat().st_mtime_ns for p in raw.iterdir()} == before
    assert sorted(os.listdir(raw)) == sorted(before)


# ------------------------------------------------------------------ infinite values (#10)
def test_infinite_values_are_refused_naming_the_column_and_lines(tmp_path, frames):
    path = write(tmp_path, "application_train", frames["application_train"])
    set_field(path, 3, "AMT_CREDIT", "inf")
    set_field(path, 5, "AMT_CREDIT", "-Infinity")
    set_field(path, 9, "AMT_CREDIT", "1e999")
    err = error_of(tmp_path)
    assert str(err) == (f"{path}: column AMT_CREDIT: expected a finite number (float), found "
                        "inf on line 3, -inf on line 5, inf on line 9 (3 rows in all)")
    assert (err.column, err.rows, err.table) == ("AMT_CREDIT", (3, 5, 9), "application_train")


def test_infinite_values_in_a_child_table_and_in_parquet(raw, frames):
    set_field(raw / "installments_payments.csv", 4, "AMT_PAYMENT", "Infinity")
    err = error_of(raw)
    assert str(err) == (f"{raw / 'installments_payments.csv'}: column AMT_PAYMENT: expected "
                        "a finite number (float), found inf on line 4 (1 row in all)")
    (raw / "installments_payments.csv").unlink()
    bureau = frames["bureau"].copy()
    bureau.loc[2, "AMT_CREDIT_SUM"] = -np.inf
    (raw / "bureau.csv").unlink()
    path = write(raw, "bureau", bureau, "parquet")
    err = error_of(raw)
    assert str(err) == (f"{path}: column AMT_CREDIT_SUM: expected a finite number (float), "
                        "found -inf on row 3 (1 row in all)")


def test_scoring_check_refuses_infinite_values(raw, capsys):
    from scoring_lib.cli import main

    set_field(raw / "bureau.csv", 6, "AMT_ANNUITY", "-inf")
    assert main(["check", "--data", str(raw)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"error: {raw / 'bureau.csv'}: column AMT_ANNUITY: expected a "
                            "finite number (float), found -inf on line 6 (1 row in all)\n")


# -------------------------------------------- a table name that is not a file (#10)
def test_a_table_name_that_is_a_directory_says_so(raw):
    path = raw / "application_train.csv"
    path.unlink()
    path.mkdir()
    err = error_of(raw)
    assert str(err) == (f"{path}: is a directory, not a file; the application_train table is "
                        "read from a file named application_train.csv (or .parquet, .csv.gz, "
                        ".csv.zip, .zip)")
    assert "found similar" not in str(err)


def test_an_optional_table_that_is_a_directory_is_not_silently_missing(raw):
    (raw / "bureau.csv").unlink()
    (raw / "bureau.csv").mkdir()
    assert str(error_of(raw)).startswith(f"{raw / 'bureau.csv'}: is a directory, not a file")


def test_a_broken_symbolic_link_says_where_it_points(raw, capsys):
    from scoring_lib.cli import main

    path = raw / "application_train.csv"
    path.rename(raw / "elsewhere.csv")
    path.symlink_to(raw / "moved" / "application_train.csv")
    assert main(["check", "--data", str(raw)]) == 2
    assert capsys.readouterr().err == (
        f"error: {path}: is a broken symbolic link to {raw / 'moved' / 'application_train.csv'}"
        " (nothing there); the application_train table is read from a file named "
        "application_train.csv (or .parquet, .csv.gz, .csv.zip, .zip)\n")
    path.unlink()
    path.symlink_to(raw / "elsewhere.csv")  # a working link is a file
    assert main(["check", "--data", str(raw)]) == 0
    path.unlink()
    (raw / "folder").mkdir()
    path.symlink_to(raw / "folder")
    assert str(error_of(raw)).startswith(
        f"{path}: is a symbolic link to a directory ({raw / 'folder'}), not a file")


# ------------------------------------------------ plausibility warnings (#10)
def test_scoring_check_warns_of_negative_amounts_and_days_after_the_application(tmp_path,
                                                                                capsys):
    """Realistic data (the generator's) gives no warning; a negative amount or a day after
    the application (DAYS_* > 0) in a column whose real values never are gives one line
    naming the file, the column, the count and an example, and the load still succeeds.
    The 365243 sentinel and columns positive in the real data (DAYS_CREDIT_ENDDATE: the
    planned end of an open credit) are not warned about."""
    from scoring_lib.cli import main
    from scoring_lib.data.synth import synthesize

    synthesize(tmp_path, 60, 10, seed=4, fmt="csv")
    assert main(["check", "--data", str(tmp_path)]) == 0
    assert "Warning" not in capsys.readouterr().out
    train = tmp_path / "application_train.csv"
    set_field(train, 5, "AMT_CREDIT", "-1500.5")
    set_field(train, 9, "AMT_CREDIT", "-3")
    set_field(train, 7, "DAYS_BIRTH", "120")
    set_field(train, 4, "DAYS_EMPLOYED", str(DAYS_SENTINEL))  # "not applicable": fine
    set_field(tmp_path / "bureau.csv", 3, "DAYS_CREDIT_ENDDATE", "400")  # future: fine
    set_field(tmp_path / "bureau.csv", 6, "DAYS_CREDIT", "12")
    assert main(["check", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if line.startswith("Warning")]
    assert warnings == [
        "Warning: application_train.csv: column AMT_CREDIT: 2 negative values (never "
        "negative in the real data), e.g. -1500.5 on line 5 (kept; check the file)",
        "Warning: application_train.csv: column DAYS_BIRTH: 1 value > 0, i.e. after the "
        "application (days count back from it), e.g. 120 on line 7 (kept; check the file)",
        "Warning: bureau.csv: column DAYS_CREDIT: 1 value > 0, i.e. after the application "
        "(days count back from it), e.g. 12 on line 6 (kept; check the file)",
    ]
    assert not out.startswith("[")  # lines, not a Python list


def test_plausibility_checks_only_columns_never_of_that_sign_in_the_real_data():
    from scoring_lib.data.plausibility import FUTURE, NEGATIVE, checked_columns

    train = checked_columns("application_train")
    assert train["AMT_CREDIT"] == NEGATIVE and train["DAYS_BIRTH"] == FUTURE
    assert train["DAYS_EMPLOYED"] == FUTURE  # with its sentinel aside
    assert checked_columns("application_test") == train
    bureau = checked_columns("bureau")
    assert "DAYS_CREDIT_ENDDATE" not in bureau  # planned ends of open credits
    assert "AMT_CREDIT_SUM_DEBT" not in bureau  # negative in the real sample
    assert "DAYS_CREDIT_UPDATE" not in bureau  # positive in the full real table
    previous = checked_columns("previous_application")
    assert "DAYS_FIRST_DUE" not in previous and "DAYS_LAST_DUE_1ST_VERSION" not in previous
    assert checked_columns("bureau_balance") == {}
