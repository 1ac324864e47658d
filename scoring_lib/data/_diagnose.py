"""Checks and slow diagnostic passes behind :func:`scoring_lib.data.load_tables`.

The loader reads a file on a fast path (pyarrow, typed columns). The cheap checks here run
before it (header, encoding marks, separator); the slow passes run only when the fast path
has failed, to turn pyarrow's terse error into a message that names the column, the
offending values and their line numbers.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .errors import DataError
from .schema import TARGET, TableSpec

#: Text read as a missing value (pandas' defaults, so that pandas and the loader agree).
NA_VALUES = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
             "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]
MAX_SHOWN = 5
EXPECTED = {"int": "a whole number (int)", "float": "a number (float)", "cat": "text (category)",
            "finite": "a finite number (float)"}
READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile, pa.ArrowException)
_SEPARATORS = (";", "\t", "|")


# ------------------------------------------------------------------------------ formatting
def show(value) -> str:
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return repr(str(value))


def format_rows(values, rows, total: int, where: str = "line") -> str:
    """``'abc' on line 7, 'x' on line 12 (2 rows in all)``"""
    shown = ", ".join(f"{show(v)} on {where} {r}" for v, r in zip(values, rows))
    return f"{shown} ({total} row{'s' if total != 1 else ''} in all)"


def format_lines(rows, total: int, where: str = "line") -> str:
    """``line 3, line 9 (2 rows in all)``"""
    shown = ", ".join(f"{where} {r}" for r in rows)
    return f"{shown} ({total} row{'s' if total != 1 else ''} in all)"


# ---------------------------------------------------------------------------------- streams
@contextlib.contextmanager
def open_binary(path: Path, fmt: str):
    """A binary stream over the CSV text of ``path`` (decompressed; the one zip member)."""
    if fmt == "csv":
        stream = pa.input_stream(str(path), compression=None)
    elif fmt == "csv.gz":
        stream = pa.input_stream(str(path), compression="gzip")
    else:  # csv.zip or zip
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise DataError(f"is not a readable zip archive ({exc})", path) from None
        with archive:
            members = [i for i in archive.infolist()
                       if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
            csvs = [i for i in members if i.filename.lower().endswith(".csv")]
            if len(csvs) != 1:
                names = ", ".join(i.filename for i in members) or "nothing"
                what = "no CSV file" if not csvs else f"{len(csvs)} CSV files"
                raise DataError(f"zip archive holds {what} (members: {names}); expected "
                                "exactly one CSV file", path, expected="one CSV member")
            with archive.open(csvs[0]) as stream:
                yield stream
        return
    with stream:
        yield stream


def read_failure(path: Path, fmt: str, exc: BaseException) -> DataError:
    kind = {"csv.gz": "gzip", "csv.zip": "zip", "zip": "zip"}.get(fmt)
    what = f"corrupt or truncated {kind} file" if kind else "unreadable file"
    return DataError(f"cannot be read: {what} ({type(exc).__name__}: {exc})", path)


# ----------------------------------------------------------------------------------- header
def read_header(stream, path: Path, fmt: str) -> list[str]:
    """Column names of the CSV header, after the checks a few bytes allow."""
    head = stream.read(1 << 16)
    while b"\n" not in head and len(head) < (1 << 22):
        more = stream.read(1 << 16)
        if not more:
            break
        head += more
    packed = fmt != "csv"
    if not head:
        raise DataError("is an empty file (0 bytes" + (" after decompression)" if packed
                                                      else ")"), path)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head[:4096]):
        utf = "UTF-16/UTF-32" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else \
            "UTF-16 without a byte-order mark, or binary"
        raise DataError(f"is encoded as {utf}, expected UTF-8 text; re-save it as UTF-8 CSV",
                        path, expected="UTF-8")
    for magic, what in ((b"\x1f\x8b", "gzip-compressed: name it <table>.csv.gz"),
                        (b"PK\x03\x04", "a zip archive: name it <table>.csv.zip"),
                        (b"PAR1", "a Parquet file: name it <table>.parquet")):
        if head.startswith(magic):
            raise DataError(f"is not CSV text but {what}", path)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8):]
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    if not line.strip():
        raise DataError("has no header line (the first line is empty)", path)
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError("header (line 1) is not valid UTF-8 text; " + _guess(line), path,
                        rows=[1], expected="UTF-8") from None
    counts = {sep: text.count(sep) for sep in (",",) + _SEPARATORS}
    sep = max(_SEPARATORS, key=counts.get)
    if counts[sep] > counts[","]:
        raise DataError(f"uses {sep!r} as separator, expected ','", path, rows=[1],
                        expected="','")
    return next(csv.reader([text]))


def check_names(names: list[str], spec: TableSpec, path: Path) -> None:
    """Duplicated, missing or unexpected column names (any order is accepted)."""
    dup = [n for n, k in Counter(names).items() if k > 1]
    if dup:
        where = "; ".join(
            f"{n} (columns {', '.join(str(i + 1) for i, m in enumerate(names) if m == n)})"
            for n in dup)
        raise DataError(f"duplicated column name in the header: {where}", path, dup[0],
                        rows=[1], expected="unique column names", table=spec.name)
    given, known = set(names), set(spec.names)
    missing = [n for n in spec.names if n not in given]
    extra = [n for n in names if n not in known]
    if not missing and not extra:
        return
    parts = []
    if missing:
        parts.append(f"missing column{'s' * (len(missing) > 1)}: {_some(missing)}")
    if extra:
        parts.append(f"unexpected column{'s' * (len(extra) > 1)}: {_some(extra)}")
    hints = []
    if TARGET in extra and not spec.has_target:
        hints.append(f"{TARGET} belongs only in application_train, not in {spec.name}")
    lowered = {n.strip().lower(): n for n in missing}
    for n in extra:
        if n.strip().lower() in lowered and n != lowered[n.strip().lower()]:
            hints.append(f"did you mean {lowered[n.strip().lower()]!r} for {n!r}?")
    msg = "; ".join(parts) + (f" ({'; '.join(hints)})" if hints else "")
    raise DataError(msg, path, (missing or extra)[0], rows=[1], table=spec.name,
                    expected=f"the {len(spec.names)} columns of {spec.name}")


def _some(names: list[str], limit: int = 20) -> str:
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


# --------------------------------------------------------------------------------- encoding
def _guess(raw: bytes) -> str:
    try:
        raw.decode("cp1252")
        return "it looks like latin-1/cp1252; re-save the file as UTF-8"
    except UnicodeDecodeError:
        return "re-save the file as UTF-8"


def _bad_field(line: bytes, names: list[str]) -> tuple[str | None, str]:
    fields = next(csv.reader([line.decode("latin-1")]), [])
    for i, field in enumerate(fields):
        raw = field.encode("latin-1")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return (names[i] if i < len(names) else None), raw.decode("cp1252", "replace")
    return None, line.decode("cp1252", "replace")


def check_utf8(stream, path: Path, names: list[str], cap: int = 1000) -> None:
    """Raise if the text holds bytes that are not UTF-8 (streams the file once)."""
    bad: list[tuple[int, bytes]] = []  # (line number, raw line without its newline)
    total, line_no, carry = 0, 1, b""
    while total < cap:
        chunk = stream.read(1 << 22)
        data = carry + chunk
        if not data:
            break
        cut = data.rfind(b"\n") + 1 if chunk else len(data)
        if cut == 0:
            carry = data
            continue
        block, carry = data[:cut], data[cut:]
        view, pos = memoryview(block), 0
        while pos < len(block) and total < cap:
            try:
                codecs.utf_8_decode(view[pos:], "strict", True)
                break
            except UnicodeDecodeError as exc:
                at = pos + exc.start
                start = block.rfind(b"\n", 0, at) + 1
                end = block.find(b"\n", at)
                end = len(block) if end < 0 else end
                total += 1
                if len(bad) < MAX_SHOWN:
                    raw = block[start:end].rstrip(b"\r")
                    bad.append((line_no + block.count(b"\n", 0, at), raw))
                pos = end + 1
        line_no += block.count(b"\n")
        if not chunk:
            break
    if not bad:
        return
    fields = [_bad_field(raw, names) for _, raw in bad]
    shown = ", ".join(f"{text!r} on line {n}" for (n, _), (_, text) in zip(bad, fields))
    count = f"at least {total} rows" if total >= cap else f"{total} row{'s' * (total > 1)}"
    raise DataError(f"is not valid UTF-8 text: found {shown} ({count} in all); "
                    + _guess(bad[0][1]), path, fields[0][0], [n for n, _ in bad],
                    values=[text for _, text in fields], expected="UTF-8")


# ----------------------------------------------------------------------- slow values pass
def offenders(strings: pa.Array, kind: str) -> np.ndarray | None:
    """Mask of the values that are not numbers of ``kind``; None when all convert as is."""
    try:
        pc.cast(strings, pa.int64() if kind == "int" else pa.float64())
        return None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = pd.Series(strings.to_numpy(zero_copy_only=False), dtype=object)
    present = text.notna().to_numpy()
    num = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = present & np.isnan(num)
    if kind == "int":  # whole numbers written with decimals (3.0) are not offenders
        finite = np.isfinite(num)
        bad |= present & ~finite
        bad |= finite & (np.floor(num) != num)
    return bad


def diagnose_csv(stream, spec: TableSpec, path: Path) -> set[str]:
    """Find why the fast read failed: ragged rows, then values that are not numbers.

    Raises :class:`DataError` with lines and values. Returns the int columns whose only
    fault is that whole numbers are written with decimals (``3.0``): the caller re-reads
    them as float and checks them. Returns an empty set when nothing was found.
    """
    ragged: list = []

    def on_invalid(row):
        ragged.append(row)
        return "skip"

    numeric = [c for c in spec.columns if c.kind != "cat"]
    found: dict[str, list] = {}  # name -> [total, rows, values]
    decimal_ints: set[str] = set()
    reader = pacsv.open_csv(
        stream, read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 22),
        parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types={c.name: pa.string() for c in numeric},
            include_columns=[c.name for c in numeric], null_values=NA_VALUES,
            strings_can_be_null=True))
    offset = 0
    for batch in reader:
        for c in numeric:
            bad = offenders(batch.column(c.name), c.kind)
            if bad is None:
                continue
            if bad.any():
                entry = found.setdefault(c.name, [0, [], []])
                entry[0] += int(bad.sum())
                idx = np.flatnonzero(bad)[: MAX_SHOWN - len(entry[1])]
                entry[1] += [offset + int(i) + 2 for i in idx]
                entry[2] += batch.column(c.name).take(pa.array(idx)).to_pylist()
            elif c.kind == "int":
                decimal_ints.add(c.name)
        offset += batch.num_rows
    if ragged:
        first = ragged[0]
        hint = ""
        if first.actual_columns == 1 and any(s in (first.text or "") for s in _SEPARATORS):
            sep = max(_SEPARATORS, key=lambda s: (first.text or "").count(s))
            hint = f"; the line seems to use {sep!r} as separator, expected ','"
        elif first.actual_columns > first.expected_columns:
            hint = "; a value that contains ',' must be quoted"
        shown = ", ".join(f"line {r.number} has {r.actual_columns}" for r in ragged[:MAX_SHOWN])
        raise DataError(f"wrong number of fields: {shown}, expected {first.expected_columns} "
                        f"({len(ragged)} row{'s' * (len(ragged) > 1)} in all){hint}", path,
                        rows=[r.number for r in ragged[:MAX_SHOWN]], table=spec.name,
                        expected=f"{first.expected_columns} fields")
    for c in spec.columns:  # schema order
        if c.name in found:
            total, rows, values = found[c.name]
            others = [f"{n} ({found[n][0]})" for n in found if n != c.name]
            tail = f"; other columns with bad values: {', '.join(others)}" if others else ""
            raise DataError(f"expected {EXPECTED[c.kind]}, found "
                            f"{format_rows(values, rows, total)}{tail}", path, c.name, rows,
                            values=values, expected=EXPECTED[c.kind], table=spec.name)
    return decimal_ints
