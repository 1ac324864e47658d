"""Co-partition a data folder by client: ``partitions/part-NNNNN/<table>.parquet``.

Every client's rows land in the same partition ``p = hash(SK_ID_CURR) mod P``: its
application, and its rows of the five child tables keyed by ``SK_ID_CURR``; a
``bureau_balance`` row follows its bureau credit (``SK_ID_BUREAU`` looked up in bureau).
Each partition folder is a small data folder in the Kaggle layout, which the loader reads
and :func:`scoring_lib.features.build_features` turns into the same features, client by
client, as a build over the whole folder (no feature depends on another client).

The tables are streamed (Parquet row groups, CSV blocks), so partitioning holds one batch
of rows at a time, not the tables, plus a sorted array of the client ids and one of the
bureau credit ids. Column types are normalised for the loader, which checks them again in
each partition: key columns int64, other whole-number columns float64 (a Kaggle CSV writes
an int column with gaps as floats), categories as text.

Checks made while partitioning (:class:`~.errors.BatchError`, one sentence naming the
file): the scored application table is present; a child table has no row whose client is
in neither application table (rows of the other application table's clients are dropped:
they are not scored); keys are never missing. ``bureau_balance`` rows of a credit that
bureau does not hold cannot be placed and are dropped and counted (the feature layer ignores
them too), as the real Kaggle file has some.

The folder is written once, into a staging folder renamed into place with its manifest
``partitions.json`` (which partitions, of which inputs); a later run with the same inputs,
``P`` and application table reuses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..data import _diagnose as dg
from ..data.errors import DataError
from ..data.loader import file_format, find_table_files
from ..data.schema import (APPLICATION_TABLES, BUREAU_KEY, CHILD_TABLES, KEY, PREVIOUS_KEY,
                           get_spec)
from ..features.cache import input_fingerprint
from ..outputs import deferred_interrupts, staging_prefix, sweep_stale
from .errors import BatchError

PARTITIONS = "partitions"
MANIFEST = "partitions.json"
FORMAT = 1
#: the hash of SK_ID_CURR that assigns a partition (changing it re-partitions)
HASH = "splitmix64"
#: cells (rows x columns) per streamed batch: about 256 MB of float64 at most
BATCH_CELLS = 32_000_000
_KEYS = (KEY, BUREAU_KEY, PREVIOUS_KEY)


def partition_of(ids, n: int) -> np.ndarray:
    """The partition (0..n-1) of each client id: splitmix64 of the id, modulo ``n``."""
    x = np.asarray(ids, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x % np.uint64(n)).astype(np.int64)


def part_name(index: int) -> str:
    return f"part-{index:05d}"


def applications_table(train: bool) -> str:
    """The application table scored: application_test, or application_train when asked."""
    return "application_train" if train else "application_test"


# ------------------------------------------------------------------------------ reading
def _schema(name: str) -> pa.Schema:
    """The types partition files are written with (see the module docstring)."""
    fields = []
    for c in get_spec(name).columns:
        if c.kind == "cat":
            t = pa.string()
        elif c.kind == "int" and c.name in _KEYS:
            t = pa.int64()
        else:
            t = pa.float64()
        fields.append(pa.field(c.name, t))
    return pa.schema(fields)


def _unreadable(path: Path, data, exc) -> BatchError:
    return BatchError(f"{path}: cannot be read as the {path.name.split('.')[0]} table "
                      f"({str(exc).splitlines()[0]}); run `scoring check --data {data}` "
                      "for the lines at fault")


def _wrong_type(path: Path, data, column: str, kind: pa.DataType, exc) -> BatchError:
    what = "text" if pa.types.is_string(kind) else "numbers"
    return BatchError(f"{path}: column {column} cannot be read as {what} "
                      f"({str(exc).splitlines()[0]}); run `scoring check --data {data}` for "
                      "the lines at fault")


def _csv_column(path: Path, fmt: str, exc) -> str | None:
    """The name of the column a CSV conversion error gives by number ("In CSV column #7")."""
    import csv
    import re

    match = re.search(r"In CSV column #(\d+)", str(exc))
    if not match:
        return None
    try:
        with dg.open_binary(path, fmt) as raw:
            line = raw.read(1 << 20).split(b"\n", 1)[0]  # the header line
        header = next(csv.reader([line.decode("utf-8-sig").rstrip("\r")]))
        return header[int(match[1])]
    except Exception:  # the message without the name is still right
        return None


def _cast(batch: pa.RecordBatch, target: pa.Schema, path: Path, data) -> pa.RecordBatch:
    """``batch`` in the types of ``target``; a column that does not convert is named."""
    try:
        return batch.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        for field in target:
            try:
                batch.column(field.name).cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise _wrong_type(path, data, field.name, field.type, exc) from None
        raise


def stream(name: str, path: Path, data, columns=None):
    """Batches (``pa.RecordBatch``) of the table ``name`` in ``path``, with ``columns``
    (default: all the schema's), typed as :func:`_schema` says."""
    schema = _schema(name)
    columns = list(columns or schema.names)
    target = pa.schema([schema.field(c) for c in columns])
    rows = max(10_000, BATCH_CELLS // len(columns))
    fmt = file_format(path)
    try:
        if fmt == "parquet":
            parquet = pq.ParquetFile(path)
            missing = [c for c in columns if c not in parquet.schema_arrow.names]
            if missing:
                raise BatchError(f"{path}: no column(s) {', '.join(missing[:5])} (expected "
                                 f"the {name} table's columns)")
            for batch in parquet.iter_batches(batch_size=rows, columns=columns):
                yield _cast(batch.select(columns), target, path, data)
            return
        with dg.open_binary(path, fmt) as raw:
            reader = pacsv.open_csv(
                raw, read_options=pacsv.ReadOptions(block_size=32 << 20),
                convert_options=pacsv.ConvertOptions(
                    column_types={f.name: f.type for f in target}, include_columns=columns))
            for batch in reader:
                yield batch.select(columns)
    except BatchError:
        raise
    except DataError as exc:
        raise BatchError(str(exc)) from None
    except (OSError, pa.ArrowException, ValueError) as exc:
        column = _csv_column(path, fmt, exc) if fmt != "parquet" else None
        if column in target.names:
            raise _wrong_type(path, data, column, target.field(column).type, exc) from None
        raise _unreadable(path, data, exc) from None


def _ids(batch: pa.RecordBatch, column: str, path: Path) -> np.ndarray:
    col = batch.column(column)
    if col.null_count:
        raise BatchError(f"{path}: column {column} has {col.null_count:,d} missing value(s); "
                         "a key is never missing")
    return col.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def _member(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Position of each of ``ids`` in ``sorted_ids``, -1 where absent."""
    if not len(sorted_ids):
        return np.full(len(ids), -1, dtype=np.int64)
    pos = np.searchsorted(sorted_ids, ids)
    pos[pos == len(sorted_ids)] = 0
    return np.where(sorted_ids[pos] == ids, pos, -1)


# ------------------------------------------------------------------------------ writing
class _Writers:
    """One Parquet writer per partition for one table, written in partition order."""

    def __init__(self, folder: Path, name: str, n: int):
        self.schema = _schema(name)
        self.paths = [folder / part_name(p) / f"{name}.parquet" for p in range(n)]
        self.writers = [pq.ParquetWriter(p, self.schema, compression="zstd")
                        for p in self.paths]
        self.rows = np.zeros(n, dtype=np.int64)

    def write(self, batch: pa.RecordBatch, parts: np.ndarray) -> None:
        if not batch.num_rows:
            return
        order = np.argsort(parts, kind="stable")
        batch = batch.take(pa.array(order))
        bounds = np.searchsorted(parts[order], np.arange(len(self.writers) + 1))
        for p in np.flatnonzero(np.diff(bounds)):
            lo, hi = int(bounds[p]), int(bounds[p + 1])
            self.writers[p].write_batch(batch.slice(lo, hi - lo))
            self.rows[p] += hi - lo

    def close(self) -> None:
        for w in self.writers:
            w.close()


def _sorted_unique(chunks) -> np.ndarray:
    return np.unique(np.concatenate(chunks)) if chunks else np.empty(0, dtype=np.int64)


def _foreign(path: Path, name: str, ids: np.ndarray, count: int,
             apps: list[str]) -> BatchError:
    shown = ", ".join(map(str, np.unique(ids)[:5]))
    return BatchError(f"{path}: {count:,d} row(s) of the {name} table belong to clients "
                      f"that are in no application table ({' or '.join(apps)}), e.g. "
                      f"{KEY} {shown}; every child row must belong to a client of the "
                      "applications: remove those rows or add their applications")


def write_partitions(data, folder: Path, n: int, train: bool = False,
                     progress=None) -> dict:
    """Partition the tables of ``data`` into ``folder`` (which must not exist); returns the
    manifest, also written to ``folder / partitions.json``. ``progress(table, rows)`` is
    called after each table."""
    start = time.perf_counter()
    data = Path(data)
    files = find_table_files(data)
    scored = applications_table(train)
    if scored not in files:
        raise BatchError(f"{data}: no {scored} table ({scored}.csv or .parquet...): it holds "
                         f"the applications to score" + ("" if train else
                                                         "; use --train to score "
                                                         "application_train instead"))
    apps_present = [t for t in APPLICATION_TABLES if t in files]
    # the files as they are before reading: one changed meanwhile is partitioned anew later
    fingerprint, _ = input_fingerprint(data)
    folder.mkdir(parents=True)
    for p in range(n):
        (folder / part_name(p)).mkdir()
    known = _sorted_unique([_ids(b, KEY, files[t]) for t in apps_present
                            for b in stream(t, files[t], data, [KEY])])
    rows, dropped = {}, {}

    writers = _Writers(folder, scored, n)
    try:
        chunks = []
        for batch in stream(scored, files[scored], data):
            ids = _ids(batch, KEY, files[scored])
            chunks.append(ids)
            writers.write(batch, partition_of(ids, n))
    finally:
        writers.close()
    scored_ids = _sorted_unique(chunks)
    if len(scored_ids) != writers.rows.sum():
        all_ids = np.sort(np.concatenate(chunks))
        twice = np.unique(all_ids[1:][all_ids[1:] == all_ids[:-1]])
        raise BatchError(f"{files[scored]}: {len(twice):,d} {KEY} value(s) appear more than "
                         f"once (e.g. {', '.join(map(str, twice[:5]))}); an application "
                         "table has one row per client")
    del chunks
    clients = writers.rows.tolist()
    rows[scored] = int(writers.rows.sum())
    if progress:
        progress(scored, rows[scored])

    credit_ids, credit_parts = [], []
    for name in CHILD_TABLES:
        if name not in files or name == "bureau_balance":
            continue
        writers = _Writers(folder, name, n)
        other = 0
        try:
            for batch in stream(name, files[name], data):
                ids = _ids(batch, KEY, files[name])
                foreign = _member(known, ids) < 0
                if foreign.any():
                    raise _foreign(files[name], name, ids[foreign], int(foreign.sum()),
                                   apps_present)
                mine = _member(scored_ids, ids) >= 0
                parts = np.where(mine, partition_of(ids, n), -1)
                if name == "bureau":
                    credit_ids.append(_ids(batch, BUREAU_KEY, files[name]))
                    credit_parts.append(parts)
                other += int((~mine).sum())
                keep = np.flatnonzero(mine)
                writers.write(batch.take(pa.array(keep)), parts[keep])
        finally:
            writers.close()
        rows[name] = int(writers.rows.sum())
        if other:
            dropped[name] = other
        if progress:
            progress(name, rows[name])

    if "bureau_balance" in files and "bureau" in files:
        cid = np.concatenate(credit_ids) if credit_ids else np.empty(0, dtype=np.int64)
        cpart = np.concatenate(credit_parts) if credit_parts else np.empty(0, dtype=np.int64)
        order = np.argsort(cid, kind="stable")
        cid, cpart = cid[order], cpart[order]
        del credit_ids, credit_parts, order
        writers = _Writers(folder, "bureau_balance", n)
        orphans = other = 0
        try:
            for batch in stream("bureau_balance", files["bureau_balance"], data):
                pos = _member(cid, _ids(batch, BUREAU_KEY, files["bureau_balance"]))
                parts = np.where(pos >= 0, cpart[np.maximum(pos, 0)], -1)
                orphans += int((pos < 0).sum())
                other += int(((pos >= 0) & (parts < 0)).sum())
                keep = np.flatnonzero(parts >= 0)
                writers.write(batch.take(pa.array(keep)), parts[keep])
        finally:
            writers.close()
        rows["bureau_balance"] = int(writers.rows.sum())
        if other:
            dropped["bureau_balance"] = other
        if orphans:
            dropped["bureau_balance credits not in bureau"] = orphans
        if progress:
            progress("bureau_balance", rows["bureau_balance"])

    manifest = {"format": FORMAT, "id": partition_set_id(fingerprint, n, scored),
                "hash": HASH, "partitions": n, "applications": scored,
                "fingerprint": fingerprint, "tables": list(rows), "clients": clients,
                "rows": rows, "dropped": dropped,
                "seconds": round(time.perf_counter() - start, 3)}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def partition_set_id(fingerprint: str, n: int, scored: str) -> str:
    text = json.dumps([FORMAT, HASH, fingerprint, n, scored])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_manifest(folder: Path) -> dict | None:
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text())
        return manifest if manifest.get("format") == FORMAT else None
    except (OSError, ValueError, AttributeError):
        return None


def ensure_partitions(data, out: Path, n: int, train: bool = False,
                      progress=None) -> tuple[dict, bool]:
    """``(manifest, reused)``: the partitions of ``data`` in ``out / partitions``, reused
    when they were made from the same input files (name, size, mtime), ``n`` and
    application table, else written anew (staging folder, then renamed into place)."""
    folder = out / PARTITIONS
    fingerprint, _ = input_fingerprint(data)
    wanted = partition_set_id(fingerprint, n, applications_table(train))
    manifest = read_manifest(folder)
    if manifest is not None and manifest.get("id") == wanted:
        return manifest, True
    sweep_stale(out)
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(PARTITIONS), dir=out))
    try:
        manifest = write_partitions(data, staging / PARTITIONS, n, train, progress)
        with deferred_interrupts():
            old = out / f".{PARTITIONS}.old-{os.getpid()}"
            if folder.exists():
                os.replace(folder, old)
            os.replace(staging / PARTITIONS, folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest, False
