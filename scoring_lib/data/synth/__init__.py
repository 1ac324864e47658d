"""Synthetic Home Credit data: the eight files, in the real format, with a realistic signal.

The real competition files cannot be downloaded here and their licence forbids shipping them,
so this generator is the project's embedded data. It writes the same file names, columns,
types and category levels (``scoring_lib.data.schema``), with marginals drawn from summary
statistics of real rows (``scoring_lib.data.reference``).

The generative story
--------------------
Each client has a few latent factors, all standard normal:

* ``young`` (age), ``wealth``, ``stability`` (long jobs, old ID documents and phone numbers;
  correlated with age);
* three *creditworthiness* factors ``c1, c2, c3`` (sharing a common factor, and weakly
  correlated with wealth and stability) that the external credit bureaus see: EXT_SOURCE_k
  is a noisy view of ``c_k`` (EXT_SOURCE_1 is also tied to age, as in the real data);
* ``history``: how the client behaved with past credits. The application table does not show
  it; the child tables do (refused applications, late installments, days past due, overdue
  bureau debt, card utilisation);
* ``unseen``: everything no data shows, which keeps the problem from being trivial.

Every application column is a Gaussian copula of these factors: a standard normal built from
them is mapped to the real marginal through its known quantiles, so marginals match the real
ones while correlations follow the story (income and credit with wealth, annuity with credit,
pensioners are the oldest clients and carry DAYS_EMPLOYED = 365243, car age only with a car,
family size = children + 1 or 2...). The log-odds of default add up the factors with weights
(``application.BETA``) chosen so that, as in the real data, the external scores rank clients
best (EXT_SOURCE_3 > 2 > 1, each 0.65-0.72 alone), then employment, age, ID and phone changes
and region rating (0.55-0.62); the loan duration (credit / annuity) and the annuity-to-income
burden add a modest risk, as the public kernels' experience suggests (not a published fact;
see ``application.BETA``). The intercept is solved so that 8.07 % of training clients
default. ``scoring_lib.data.signal`` measures these figures against their references.

Child tables hang off the clients: bureau credits (with a monthly bureau_balance for about
half), previous applications (refused more often for a worse history), and for approved ones
POS_CASH_balance, installments_payments (paid a few days early, or late for riskier
clients) and credit_card_balance. Rows per client and the share of clients without any row
follow the real full tables. Keys are consistent (every SK_ID_BUREAU and SK_ID_PREV exists in
its parent) and so are dates (a credit closes after it opens, payments fall near their due
day, months are never in the future).

Same seed, same files: each table draws from its own stream of one ``SeedSequence``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...outputs import (check_output_folder, committed, deferred_interrupts, staging_prefix,
                        sweep_stale)
from ..loader import SUFFIXES
from ..reference import full_table_rows
from ..schema import BUREAU_KEY, KEY, PREVIOUS_KEY, TABLE_NAMES
from . import application, bureau, previous

FORMATS = ("csv", "parquet")
REAL_CLIENTS = 307_511 + 48_744


@dataclass
class SynthReport:
    out: Path
    fmt: str
    rows: dict = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [f"wrote {len(self.rows)} files to {self.out} ({self.fmt}) in {self.seconds:.1f} s"]
        lines += [f"  {name:24s} {rows:>12,d} rows" for name, rows in self.rows.items()]
        return "\n".join(lines)


def generate_tables(n_clients: int, n_test: int = 0, seed: int = 0):
    """Yield ``(table name, DataFrame)`` for the eight tables, parents first."""
    if n_clients < 1:
        raise ValueError(f"n_clients must be at least 1, got {n_clients}")
    if n_test < 0:
        raise ValueError(f"n_test must be zero or more, got {n_test}")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]
    train, test, lat = application.generate(streams[0], n_clients, n_test)
    yield "application_train", train
    yield "application_test", test
    del train, test
    scale = (n_clients + n_test) / REAL_CLIENTS
    bur, bal = bureau.generate(streams[1], lat, full_table_rows("bureau") * scale)
    yield "bureau", bur
    yield "bureau_balance", bal
    del bur, bal
    prev = previous.generate(streams[2], lat, full_table_rows("previous_application") * scale)
    for name in ("previous_application", "POS_CASH_balance", "installments_payments",
                 "credit_card_balance"):
        yield name, prev.pop(name)


def write_table(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path, compression="zstd")
    else:
        import pyarrow.csv as pcsv

        # dictionary (category) columns are written as their text
        table = table.cast(pa.schema([
            pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type)
            for f in table.schema]))
        # pyarrow quotes every text value ("Cash loans"); the Kaggle files, written by pandas,
        # quote only values with a comma. Both are the same CSV to any reader.
        pcsv.write_csv(table, path)


#: written last into every folder of generated data: which files the generator wrote there
MARKER = ".scoring-synth.json"


def _written_by_us(out: Path) -> set[str]:
    """The file names the marker of ``out`` lists (empty when it has no readable marker)."""
    try:
        info = json.loads((out / MARKER).read_text())
        return {str(name) for name in info["files"]} if isinstance(info, dict) else set()
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def synth_refusal(out: Path) -> str | None:
    """None if writing the eight files into the existing folder ``out`` loses nothing the
    generator did not write; else why (a table file that its marker does not list)."""
    ours = _written_by_us(out)
    for path in sorted(out.iterdir()):
        if path.name in ours or path.name == MARKER:
            continue
        for name in TABLE_NAMES:
            if any(path.name == name + suffix for suffix in SUFFIXES):
                return (f"it holds {path.name}, which the generator did not write there "
                        f"(no {MARKER} lists it)")
    return None


def check_synth_output(out, out_arg: str = "--out") -> None:
    """Raise :class:`~scoring_lib.outputs.OutputError` unless ``out`` may receive generated
    data: absent, a file-less folder, a folder without table files, or one the generator
    wrote (its marker lists every table file there)."""
    check_output_folder(out, synth_refusal, "folder of generated data", out_arg)


def _write_marker(out: Path, files, fmt: str) -> None:
    tmp = out / f"{staging_prefix(MARKER)}x"
    tmp.write_text(json.dumps({"generator": "scoring_lib.data.synth", "format": fmt,
                               "files": sorted(files)}, indent=1) + "\n")
    os.replace(tmp, out / MARKER)


def _commit(out: Path, tmp: Path, fmt: str) -> None:
    """Move the eight ``fmt`` files of the staging folder ``tmp`` into ``out`` (checked
    again: the folder may have changed meanwhile), with the marker, interrupts held."""
    check_synth_output(out)
    new = [f"{name}.{fmt}" for name in TABLE_NAMES]
    with deferred_interrupts():
        # the marker lists old and new files while both may be present
        _write_marker(out, _written_by_us(out) | set(new), fmt)
        for name in TABLE_NAMES:
            for other in FORMATS:  # our own stale file in the other format: ambiguous
                stale = out / f"{name}.{other}"
                if other != fmt and stale.exists():
                    stale.unlink()
            os.replace(tmp / f"{name}.{fmt}", out / f"{name}.{fmt}")
        _write_marker(out, new, fmt)
        committed(out)


def synthesize(out: str | os.PathLike, n_clients: int, n_test: int = 0, seed: int = 0,
               fmt: str = "csv", progress=None) -> SynthReport:
    """Write the eight files into ``out`` (created if needed).

    ``out`` must be absent, hold no table file, or be a folder this generator wrote
    (:data:`MARKER` lists its files): a folder with other table files (a real download) is
    refused with :class:`~scoring_lib.outputs.OutputError` and nothing in it is touched.
    Files are written into a temporary folder inside ``out`` and renamed into place only when
    all eight are complete, so an interrupted run leaves no partial file in ``out``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out = Path(out)
    check_synth_output(out)
    out.mkdir(parents=True, exist_ok=True)
    sweep_stale(out)
    start = time.perf_counter()
    report = SynthReport(out=out, fmt=fmt)
    tmp = Path(tempfile.mkdtemp(prefix=staging_prefix("synth"), dir=out))
    try:
        for name, frame in generate_tables(n_clients, n_test, seed):
            write_table(frame, tmp / f"{name}.{fmt}", fmt)
            report.rows[name] = len(frame)
            if progress:
                progress(name, len(frame))
            del frame
        _commit(out, tmp, fmt)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.seconds = time.perf_counter() - start
    return report


# --------------------------------------------------------------------------- slices
#: the ids of slice k (SK_ID_CURR, SK_ID_BUREAU, SK_ID_PREV) are offset by k times this
SLICE_ID_STRIDE = 100_000_000
#: the most clients of one slice, for the offset ids of two slices never to meet
SLICE_MAX_CLIENTS = 10_000_000
_SLICE_KEYS = (KEY, BUREAU_KEY, PREVIOUS_KEY)


def generate_slice(n_clients: int, n_test: int = 0, seed: int = 0, index: int = 0):
    """Yield ``(table name, DataFrame)`` of slice ``index`` of a larger data set: the tables
    of :func:`generate_tables` drawn from their own seed (``seed`` itself for slice 0, so
    that slice 0 is ``generate_tables(n_clients, n_test, seed)``; the entropy
    ``[seed, index]`` for the others) with every id offset by ``index *``
    :data:`SLICE_ID_STRIDE`. Slices put together are one consistent data set (distinct
    client, credit and previous-application ids; each child row's parent in its slice),
    generated one slice at a time in the memory of one slice."""
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
        raise ValueError(f"index must be a whole number, 0 or more, got {index!r}")
    if n_clients + n_test > SLICE_MAX_CLIENTS:
        raise ValueError(f"a slice holds at most {SLICE_MAX_CLIENTS:,d} clients, got "
                         f"{n_clients + n_test:,d}: use more slices")
    offset = int(index) * SLICE_ID_STRIDE
    entropy = seed if index == 0 else [seed, int(index)]
    for name, frame in generate_tables(n_clients, n_test, entropy):
        for key in _SLICE_KEYS:
            if offset and key in frame.columns:
                frame[key] = frame[key] + offset
        yield name, frame


def synthesize_slices(out, n_clients: int, n_test: int = 0, seed: int = 0, slices: int = 1,
                      progress=None) -> SynthReport:
    """Like :func:`synthesize` (Parquet only), one slice at a time: ``n_clients`` and
    ``n_test`` are split evenly over ``slices`` slices (:func:`generate_slice`), and each
    table file receives the slices as row groups, so that memory holds one slice, not the
    data set. ``progress(slice index, slices)`` is called after each slice."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if slices < 1:
        raise ValueError(f"slices must be at least 1, got {slices}")
    out = Path(out)
    check_synth_output(out)
    out.mkdir(parents=True, exist_ok=True)
    sweep_stale(out)
    start = time.perf_counter()
    report = SynthReport(out=out, fmt="parquet", rows={name: 0 for name in TABLE_NAMES})
    tmp = Path(tempfile.mkdtemp(prefix=staging_prefix("synth"), dir=out))
    writers: dict = {}
    try:
        train = np.diff(np.linspace(0, n_clients, slices + 1).round().astype(np.int64))
        test = np.diff(np.linspace(0, n_test, slices + 1).round().astype(np.int64))
        for k in range(slices):
            for name, frame in generate_slice(int(train[k]), int(test[k]), seed, k):
                table = pa.Table.from_pandas(frame, preserve_index=False)
                del frame
                if name not in writers:
                    writers[name] = pq.ParquetWriter(tmp / f"{name}.parquet", table.schema,
                                                      compression="zstd")
                writers[name].write_table(table.cast(writers[name].schema))
                report.rows[name] += table.num_rows
                del table
            if progress:
                progress(k, slices)
        for w in writers.values():
            w.close()
        writers.clear()
        _commit(out, tmp, "parquet")
    finally:
        for w in writers.values():
            w.close()
        shutil.rmtree(tmp, ignore_errors=True)
    report.seconds = time.perf_counter() - start
    return report
