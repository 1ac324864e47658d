"""Load the Home Credit files of a folder into typed pandas frames: :func:`load_tables`.

Fast path: pyarrow reads each file with the column types of the schema (CSV: ints, floats,
dictionary-encoded text; Parquet: as stored, then cast), and the columns are turned into
numpy int64 / float64 and pandas ``Categorical`` with the schema's levels. Only when the
fast path fails does a slow pass (``_diagnose``) re-read the file to find the lines at
fault. The loader never writes anything and never changes a value: the ``365243`` sentinel,
``XNA`` levels and the like come out as they are in the file. Infinite numbers are refused;
implausible ones (a negative amount, a day after the application, where the real data has
none: :mod:`.plausibility`) are kept and the load report warns about them.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import _diagnose as dg
from .errors import DataError
from .plausibility import Implausible, find_implausible
from .schema import KEY, TABLE_NAMES, TABLES, TARGET, Column, TableSpec

__all__ = ["DataError", "LoadReport", "Tables", "find_table_files", "load_tables"]

#: Accepted file names are ``<table><suffix>``; at most one per table.
SUFFIXES = {".parquet": "parquet", ".csv": "csv", ".csv.gz": "csv.gz", ".csv.zip": "csv.zip",
            ".zip": "zip"}
_DICT = pa.dictionary(pa.int32(), pa.string())
_ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "cat": _DICT}


# ---------------------------------------------------------------------------------- report
@dataclass(frozen=True)
class FileRead:
    table: str
    path: Path
    format: str  # parquet | csv | csv.gz | csv.zip | zip
    rows: int
    columns: int
    seconds: float


@dataclass(frozen=True)
class Orphans:
    """Rows of ``table`` whose ``column`` is not in ``parent`` ("application": train ∪ test)."""
    table: str
    column: str
    parent: str
    rows: int
    distinct: int
    examples: tuple[int, ...]


@dataclass(frozen=True)
class UnknownLevels:
    table: str
    column: str
    levels: tuple[str, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class IntAsFloat:
    """A non-key int column that held missing values, hence read as float64."""
    table: str
    column: str
    missing: int


@dataclass
class LoadReport:
    """What :func:`load_tables` read and what it noticed (nothing here is fatal)."""
    folder: Path | None = None
    files: list[FileRead] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)
    orphans: list[Orphans] = field(default_factory=list)
    unknown_levels: list[UnknownLevels] = field(default_factory=list)
    int_as_float: list[IntAsFloat] = field(default_factory=list)
    unchecked_links: list[str] = field(default_factory=list)  # parent table not loaded
    implausible: list[Implausible] = field(default_factory=list)  # warnings, values kept
    seconds: float = 0.0

    def summary(self) -> list[str]:
        """Human-readable lines, one fact per line (``str(report)``: the lines joined)."""
        rows = sum(f.rows for f in self.files)
        out = [f"Loaded {len(self.files)} table(s), {rows:,} rows, from {self.folder} "
               f"in {self.seconds:.1f} s"]
        out += [f"  {f.table:<22} {f.rows:>12,} rows  {f.format:<8} {f.path.name}"
                for f in self.files]
        if self.missing_tables:
            out.append(f"Missing optional tables: {', '.join(self.missing_tables)}")
        for o in self.orphans:
            out.append(f"Orphan rows: {o.table}.{o.column} not in {o.parent}: {o.rows:,} rows "
                       f"({o.distinct:,} distinct ids, e.g. {', '.join(map(str, o.examples))})")
        for u in self.unknown_levels:
            levels = ", ".join(f"{lv!r} ({n:,} rows)" for lv, n in zip(u.levels, u.counts))
            out.append(f"Unknown levels kept: {u.table}.{u.column}: {levels}")
        for i in self.int_as_float:
            out.append(f"Int column read as float64 (missing values): {i.table}.{i.column} "
                       f"({i.missing:,} missing)")
        for link in self.unchecked_links:
            out.append(f"Not checked (parent not loaded): {link}")
        out += [i.sentence() for i in self.implausible]
        return out

    def __str__(self) -> str:
        return "\n".join(self.summary())


class Tables(dict):
    """Table name → DataFrame, in load order (parents first), plus ``.report``."""

    def __init__(self, frames=None, report: LoadReport | None = None):
        super().__init__(frames or {})
        self.report = report if report is not None else LoadReport()

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}: {v.shape[0]:,}x{v.shape[1]}" for k, v in self.items())
        return f"Tables({shapes})"


def file_format(path: Path) -> str:
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if path.name.endswith(suffix):
            return SUFFIXES[suffix]
    raise ValueError(f"{path}: not a table file (expected one of {', '.join(SUFFIXES)})")


def find_table_files(folder) -> dict[str, Path]:
    """The file of each table present in ``folder`` (name → path), in load order.

    Raises :class:`DataError` if the folder does not exist or a table is present in two
    formats (ambiguous).
    """
    folder = Path(folder)
    if not folder.exists():
        raise DataError("folder does not exist", folder)
    if not folder.is_dir():
        raise DataError("is not a folder", folder)
    present = {p.name for p in folder.iterdir() if p.is_file()}
    found = {}
    for name in TABLE_NAMES:
        hits = [name + s for s in SUFFIXES if name + s in present]
        if len(hits) > 1:
            raise DataError(f"table {name} is present in {len(hits)} formats "
                            f"({', '.join(hits)}); keep only one", folder, table=name)
        if hits:
            found[name] = folder / hits[0]
    return found


def load_tables(folder, tables: Iterable[str] | None = None) -> Tables:
    """Read and check the Home Credit files of ``folder``.

    ``tables``: names of the tables to load (default: every table present; then only
    ``application_train`` is required). A table named in ``tables`` must be present.
    Returns :class:`Tables`; raises :class:`DataError` on bad input, naming the file, the
    column, what was expected and the first offending lines.
    """
    start = time.perf_counter()
    folder = Path(folder)
    files = find_table_files(folder)
    if tables is None:
        wanted, explicit = list(TABLE_NAMES), False
    else:
        tables = [tables] if isinstance(tables, str) else tables
        wanted, explicit = list(dict.fromkeys(tables)), True
        unknown = [t for t in wanted if t not in TABLES]
        if unknown:
            raise ValueError(f"tables: unknown table name(s) {', '.join(map(repr, unknown))}; "
                             f"known tables: {', '.join(TABLE_NAMES)}")
    missing = [t for t in TABLE_NAMES if t in wanted and t not in files]
    for name in missing:
        _check_not_a_file(folder, name)
        if explicit or TABLES[name].required:
            raise DataError(_not_found(folder, name), folder, table=name)
    report = LoadReport(folder=folder, missing_tables=missing)
    frames, places = {}, {}
    for name in TABLE_NAMES:
        if name in wanted and name in files:
            frames[name], places[name] = _load_one(name, files[name], report)
    _check_applications(frames, places, files)
    _count_orphans(frames, report)
    report.seconds = time.perf_counter() - start
    return Tables(frames, report)


def _check_not_a_file(folder: Path, name: str) -> None:
    """Raise if ``folder`` holds ``<name><suffix>`` that is not a file (a directory, a
    broken symbolic link...): the person meant it as the table's file."""
    for suffix in SUFFIXES:
        path = folder / (name + suffix)
        if not (path.is_symlink() or path.exists()):
            continue
        others = ", ".join(s for s in SUFFIXES if s != ".csv")
        looked = f"the {name} table is read from a file named {name}.csv (or {others})"
        if path.is_symlink():
            target = os.readlink(path)
            if not path.exists():
                raise DataError(f"is a broken symbolic link to {target} (nothing there); "
                                f"{looked}", path, table=name, expected="a file")
            if path.is_dir():
                raise DataError(f"is a symbolic link to a directory ({target}), not a file; "
                                f"{looked}", path, table=name, expected="a file")
        what = "a directory" if path.is_dir() else "not a regular file"
        raise DataError(f"is {what}, not a file; {looked}", path, table=name,
                        expected="a file")


def _not_found(folder: Path, name: str) -> str:
    looked = ", ".join(name + s for s in SUFFIXES)
    similar = [p.name for p in folder.iterdir() if p.name.lower().startswith(name.lower())]
    archives = [p.name for p in folder.glob("*.zip") if p.name not in similar]
    hint = f"; found similar: {', '.join(sorted(similar))}" if similar else ""
    if archives:
        hint += f"; found archive(s) {', '.join(sorted(archives))}: extract them here"
    return f"required table {name} not found: looked for {looked}{hint}"


# ------------------------------------------------------------------------------ one table
def _load_one(name: str, path: Path, report: LoadReport):
    t0 = time.perf_counter()
    spec, fmt = TABLES[name], file_format(path)
    if path.stat().st_size == 0:
        raise DataError("is an empty file (0 bytes)", path, table=name)
    place = ("row", 1) if fmt == "parquet" else ("line", 2)  # how to name row i: base + i
    table = _read_parquet(path, spec) if fmt == "parquet" else _read_csv(path, fmt, spec)
    if table.num_rows == 0 and spec.required:
        raise DataError("has a header but no data rows", path, table=name,
                        expected="at least one data row")
    columns = [_settle(table.column(c.name), c, spec, path, place, report)
               for c in spec.columns]
    rows = table.num_rows
    del table  # from here on `columns` holds the only references to the data
    frame = _to_pandas(columns, spec.names)
    for c in spec.columns:
        if c.kind == "cat":
            frame[c.name] = _categorical(frame[c.name], c, spec.name, report)
    if spec.primary_key:
        _check_unique(frame[spec.primary_key], spec, path, place)
    report.implausible += find_implausible(frame, name, path.name, *place)
    report.files.append(FileRead(name, path, fmt, rows, len(spec.names),
                                 time.perf_counter() - t0))
    return frame, (path, place)


def _to_pandas(columns: list, names: list[str]) -> pd.DataFrame:
    """Numpy int64 / float64 and Categorical columns, with a low peak of memory.

    Consumes ``columns`` (arrow chunked arrays). Tall tables (the child tables, up to tens of
    millions of rows) are converted one column at a time, each arrow column dropped and its
    memory handed back to the allocator before the next: the peak stays near one copy of the
    data plus one column. Wide tables (the applications) are consolidated into a few blocks,
    so that pandas does not warn about a fragmented frame (more than 100 blocks).
    """
    if len(columns) > 50:
        table = pa.table(columns, names=names)
        columns.clear()
        return table.to_pandas(self_destruct=True)
    pool, out = pa.default_memory_pool(), {}
    columns.reverse()
    for name in names:
        column = columns.pop()
        out[name] = column.to_pandas()
        del column
        pool.release_unused()
    return pd.DataFrame(out, copy=False)


def _read_csv(path: Path, fmt: str, spec: TableSpec) -> pa.Table:
    try:
        with dg.open_binary(path, fmt) as stream:
            names = dg.read_header(stream, path, fmt)
    except dg.READ_ERRORS as exc:
        raise dg.read_failure(path, fmt, exc) from None
    dg.check_names(names, spec, path)
    types = {c.name: _ARROW_TYPES[c.kind] for c in spec.columns}
    try:
        return _read_csv_fast(path, fmt, spec, types)
    except dg.READ_ERRORS as exc:
        failure = exc
    try:  # slow diagnostic passes: each raises DataError when it finds the fault
        with dg.open_binary(path, fmt) as stream:
            dg.check_utf8(stream, path, names)
        with dg.open_binary(path, fmt) as stream:
            decimal_ints = dg.diagnose_csv(stream, spec, path)
    except dg.READ_ERRORS as exc:
        raise dg.read_failure(path, fmt, exc) from None
    if decimal_ints:  # whole numbers written as 3.0: read as float, checked in _settle
        types.update({n: pa.float64() for n in decimal_ints})
        try:
            return _read_csv_fast(path, fmt, spec, types)
        except dg.READ_ERRORS as exc:
            failure = exc
    raise DataError(f"cannot be read as CSV ({failure})", path, table=spec.name)


def _read_csv_fast(path: Path, fmt: str, spec: TableSpec, types: dict) -> pa.Table:
    with dg.open_binary(path, fmt) as stream:
        return pacsv.read_csv(
            stream, read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 22),
            convert_options=pacsv.ConvertOptions(
                column_types=types, include_columns=spec.names, null_values=dg.NA_VALUES,
                strings_can_be_null=True, quoted_strings_can_be_null=True))


def _read_parquet(path: Path, spec: TableSpec) -> pa.Table:
    try:
        parquet = pq.ParquetFile(path)
        names = [n for n in parquet.schema_arrow.names if not n.startswith("__index_level_")]
    except dg.READ_ERRORS as exc:
        raise DataError(f"is not a readable Parquet file ({exc})", path,
                        table=spec.name) from None
    dg.check_names(names, spec, path)
    try:
        return parquet.read(columns=spec.names, use_threads=True).select(spec.names)
    except dg.READ_ERRORS as exc:
        raise DataError(f"cannot be read: corrupt Parquet file ({exc})", path,
                        table=spec.name) from None


# --------------------------------------------------------------------------- column types
def _settle(col: pa.ChunkedArray, c: Column, spec: TableSpec, path: Path, place, report):
    """Cast one column to the arrow type that converts to the schema's pandas dtype."""
    t = col.type
    is_text = pa.types.is_string(t) or pa.types.is_large_string(t)
    if c.kind == "cat":
        if pa.types.is_dictionary(t) and (pa.types.is_string(t.value_type)
                                          or pa.types.is_large_string(t.value_type)):
            return col if t == _DICT else col.cast(_DICT)
        if is_text or pa.types.is_null(t):
            return pc.dictionary_encode(col.cast(pa.string()))
    elif pa.types.is_integer(t) or pa.types.is_boolean(t) or pa.types.is_null(t):
        col = col.cast(pa.float64() if pa.types.is_null(t) else pa.int64())
        return _int_missing(col, c, spec, path, place, report) if c.kind == "int" else col
    elif pa.types.is_floating(t) or pa.types.is_decimal(t):
        col = col.cast(pa.float64())
        if c.kind == "float":
            return _finite(col, c, spec, path, place)
        return _int_missing(_whole(col, c, spec, path, place), c, spec, path, place, report)
    # text in a numeric column, or numbers in a category column (Parquet only: CSV columns
    # are read with the schema's types)
    where, base = place
    found = f"found Parquet type {t}"
    if is_text:
        bad = dg.offenders(col.combine_chunks(), c.kind)
        if bad is not None and bad.any():
            idx = np.flatnonzero(bad)[: dg.MAX_SHOWN]
            values = col.take(pa.array(idx)).to_pylist()
            found += " with " + dg.format_rows(values, idx + base, int(bad.sum()), where)
    raise DataError(f"expected {dg.EXPECTED[c.kind]}, {found}", path, c.name,
                    expected=dg.EXPECTED[c.kind], table=spec.name)


def _refuse_rows(values: np.ndarray, bad: np.ndarray, kind: str, c: Column, spec: TableSpec,
                 path: Path, place):
    """Raise the :class:`DataError` naming the first rows of ``values`` where ``bad``
    (expected ``dg.EXPECTED[kind]``)."""
    where, base = place
    idx = np.flatnonzero(bad)[: dg.MAX_SHOWN]
    raise DataError(f"expected {dg.EXPECTED[kind]}, found "
                    f"{dg.format_rows(values[idx], idx + base, int(bad.sum()), where)}",
                    path, c.name, idx + base, values=values[idx],
                    expected=dg.EXPECTED[kind], table=spec.name)


def _finite(col: pa.ChunkedArray, c: Column, spec: TableSpec, path: Path, place):
    """A float column without infinite values (CSV ``inf``, ``-Infinity``, ``1e999``...):
    an infinite amount or ratio is a broken value, not a number the model can use."""
    low, high = (v.as_py() for v in pc.min_max(col).values())  # one pass, no copy
    if low is None or not (math.isinf(low) or math.isinf(high)):  # NaN is not looked at
        return col
    values = col.to_numpy()  # nulls become NaN
    _refuse_rows(values, np.isinf(values), "finite", c, spec, path, place)


def _whole(col: pa.ChunkedArray, c: Column, spec: TableSpec, path: Path, place):
    """A float column that must hold whole numbers: int64, or float64 if values are missing."""
    values = col.to_numpy()  # nulls become NaN
    missing = np.isnan(values)
    bad = ~missing & (~np.isfinite(values) | (np.floor(values) != values)
                      | (np.abs(values) > 2 ** 53))
    if bad.any():
        _refuse_rows(values, bad, "int", c, spec, path, place)
    if missing.any():
        return pa.chunked_array([pa.array(values, mask=missing)])
    return pa.chunked_array([values.astype(np.int64)])


def _int_missing(col: pa.ChunkedArray, c: Column, spec: TableSpec, path: Path, place, report):
    """Missing values: an error in keys and TARGET; elsewhere float64 and a report line."""
    where, base = place
    target = spec.has_target and c.name == TARGET
    if col.null_count:
        if c.name in spec.key_columns or target:
            mask = col.is_null().to_numpy(zero_copy_only=False)
            idx = np.flatnonzero(mask)[: dg.MAX_SHOWN]
            what = "key column" if not target else "the target"
            raise DataError(f"missing value in {what} (expected {dg.EXPECTED['int']}) on "
                            f"{dg.format_lines(idx + base, col.null_count, where)}", path,
                            c.name, idx + base, expected=dg.EXPECTED["int"], table=spec.name)
        report.int_as_float.append(IntAsFloat(spec.name, c.name, col.null_count))
        return col.cast(pa.float64())
    if target:
        bad = pc.invert(pc.is_in(col, value_set=pa.array([0, 1], pa.int64())))
        if pc.any(bad).as_py():
            mask = bad.to_numpy(zero_copy_only=False)
            idx = np.flatnonzero(mask)[: dg.MAX_SHOWN]
            values = col.take(pa.array(idx)).to_pylist()
            raise DataError(f"expected 0 or 1, found "
                            f"{dg.format_rows(values, idx + base, int(mask.sum()), where)}",
                            path, c.name, idx + base, values=values, expected="0 or 1",
                            table=spec.name)
    return col


def _categorical(series: pd.Series, c: Column, table: str, report) -> pd.Categorical:
    """Schema levels first, then unknown levels (sorted, reported); '' is missing."""
    found = series.cat.categories
    known = set(c.levels)
    unknown = sorted(v for v in found if v not in known and v != "")
    final = list(c.levels) + unknown
    indexer = pd.Index(final).get_indexer(found)  # '' -> -1 (missing)
    small = np.int8 if len(final) < 127 else np.int32
    codes = np.append(indexer, -1).astype(small)[series.cat.codes.to_numpy()]
    if unknown:
        counts = np.bincount(codes[codes >= len(c.levels)] - len(c.levels),
                             minlength=len(unknown))
        report.unknown_levels.append(UnknownLevels(table, c.name, tuple(unknown),
                                                   tuple(int(n) for n in counts)))
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(final), validate=False)


# ---------------------------------------------------------------------------------- keys
def _check_unique(keys: pd.Series, spec: TableSpec, path: Path, place) -> None:
    if keys.is_unique:
        return
    where, base = place
    dup = np.flatnonzero(keys.duplicated(keep=False).to_numpy())
    values = keys.to_numpy()[dup]
    first = pd.unique(values)[: dg.MAX_SHOWN]
    parts = []
    for v in first[:3]:
        lines = (dup[values == v] + base)[: dg.MAX_SHOWN]
        parts.append(f"{v} on {where}s {', '.join(map(str, lines))}")
    rows = [int(i) + base for i in dup[: dg.MAX_SHOWN]]
    raise DataError(f"duplicate values in the primary key: {'; '.join(parts)} ({len(dup)} rows "
                    f"in all, {len(pd.unique(values))} distinct values); "
                    f"{spec.primary_key} must be unique", path, spec.primary_key, rows,
                    values=keys.to_numpy()[dup[: dg.MAX_SHOWN]], expected="unique values",
                    table=spec.name)


def _check_applications(frames: dict, places: dict, files: dict) -> None:
    if "application_train" not in frames or "application_test" not in frames:
        return
    train = frames["application_train"][KEY]
    test = frames["application_test"][KEY]
    both = np.flatnonzero(test.isin(train).to_numpy())
    if not len(both):
        return
    (_, (w1, b1)), (_, (w2, b2)) = places["application_train"], places["application_test"]
    position = pd.Series(np.arange(len(train)), index=train.to_numpy())
    shown = []
    for i in both[: dg.MAX_SHOWN]:
        v = test.iloc[i]
        shown.append(f"{v} (application_train {w1} {position[v] + b1}, "
                     f"application_test {w2} {i + b2})")
    raise DataError(f"{len(both)} client(s) appear in both application_train and "
                    f"application_test: {', '.join(shown)}; a client is either a training or "
                    "a test application", files["application_test"], KEY,
                    both[: dg.MAX_SHOWN] + b2, values=test.to_numpy()[both[: dg.MAX_SHOWN]],
                    expected=f"{KEY} not in application_train", table="application_test")


def _count_orphans(frames: dict, report: LoadReport) -> None:
    """Child rows whose link value is not in the parent table: counted, not fatal."""
    for name, frame in frames.items():
        for link in TABLES[name].links:
            if link.parent == "application":
                parents = [frames[t][KEY].to_numpy() for t in
                           ("application_train", "application_test") if t in frames]
            else:
                parents = ([frames[link.parent][link.parent_column].to_numpy()]
                           if link.parent in frames else [])
            if not parents:
                report.unchecked_links.append(f"{name}.{link.column} -> {link.parent}")
                continue
            values = frame[link.column]
            orphan = ~values.isin(np.concatenate(parents)).to_numpy()
            if orphan.any():
                ids = pd.unique(values.to_numpy()[orphan])
                report.orphans.append(Orphans(name, link.column, link.parent,
                                              int(orphan.sum()), len(ids),
                                              tuple(int(i) for i in ids[: dg.MAX_SHOWN])))
