"""The feature file of ``scoring features``: Parquet, written atomically, reused when unchanged.

File layout
-----------
One Parquet file (zstd): the columns ``SK_ID_CURR``, ``TARGET`` (missing for test clients),
then the features; categorical features are stored as dictionary columns and read back as
pandas categoricals. The Parquet *schema metadata* holds, under the key
``scoring_lib.features``, a JSON object::

    {"format": 1, "feature_version": "...", "fingerprint": "<sha256>",
     "inputs": [{"file": "bureau.parquet", "size": 123, "mtime_ns": 456}, ...],
     "features": [<one metadata record per feature, in column order>]}

so the file carries its own metadata: :func:`read_features` returns the frame and the
metadata frame together, and nothing beside the file can get out of step with it.

Cache
-----
The fingerprint is a sha256 of the feature-code version (:data:`FEATURE_VERSION`) and the
name, size and modification time (ns) of every raw table file of the data folder. When the
output exists and holds the same fingerprint, :func:`build_feature_file` does not load or
compute anything and reports the file as reused. Touching, replacing, adding or removing a
raw file, or a new feature version, triggers a rebuild. (Content hashes would also catch an
edit that keeps size and mtime, at the cost of reading several GB on every run.)

The file is written to a temporary name in the output folder, then renamed over the target
(``os.replace``), so a crash never leaves a half-written feature file; temporary files of
killed runs are swept by the next one (:func:`scoring_lib.outputs.sweep_stale`). An existing
file is replaced only if it is a feature file (it has the metadata above): any other file is
refused (:func:`check_feature_output`), and so is an output inside the data folder.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..data.loader import find_table_files, load_tables
from ..outputs import atomic_file, check_output_file, check_separate, sweep_stale
from .build import FEATURE_VERSION, FeatureSet, build_features
from .metadata import metadata_from_records, metadata_records

META_KEY = b"scoring_lib.features"
FORMAT = 1


@dataclass(frozen=True)
class FeatureFile:
    """What :func:`build_feature_file` did."""

    path: Path
    reused: bool
    fingerprint: str
    rows: int
    features: int
    seconds: float


def input_fingerprint(folder) -> tuple[str, list[dict]]:
    """(sha256 hex digest, one entry per raw file) of the tables in ``folder``."""
    inputs = []
    for path in find_table_files(folder).values():
        stat = path.stat()
        inputs.append({"file": path.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    text = json.dumps({"feature_version": FEATURE_VERSION, "inputs": inputs}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest(), inputs


def read_info(path) -> dict | None:
    """The ``scoring_lib.features`` JSON of a feature file; None if absent or unreadable."""
    try:
        meta = pq.read_schema(path).metadata or {}
        return json.loads(meta[META_KEY])
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None


def write_features(features: FeatureSet, path, fingerprint: str = "",
                   inputs: list[dict] | None = None) -> Path:
    """Write ``features`` to ``path`` atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    info = {"format": FORMAT, "feature_version": FEATURE_VERSION, "fingerprint": fingerprint,
            "inputs": inputs or [], "features": metadata_records(features.metadata)}
    table = pa.Table.from_pandas(features.frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           META_KEY: json.dumps(info).encode()})
    sweep_stale(path.parent)
    with atomic_file(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
        del table
    return path


def read_features(path) -> FeatureSet:
    """A feature file back as a :class:`FeatureSet` (frame and metadata)."""
    info = read_info(path)
    if info is None:
        raise ValueError(f"{path}: not a scoring_lib feature file (no {META_KEY.decode()} "
                         "metadata in its Parquet schema)")
    frame = pq.read_table(path).to_pandas()
    return FeatureSet(frame, metadata_from_records(info["features"]))


def feature_file_refusal(path: Path) -> str | None:
    """None if ``path`` is a feature file (its Parquet schema has our metadata), else why."""
    if read_info(path) is None:
        return (f"no {META_KEY.decode()} metadata in a Parquet schema: it was not written "
                "by scoring features")
    return None


def check_feature_output(data, out, out_arg: str = "--out") -> None:
    """Raise :class:`~scoring_lib.outputs.OutputError` unless ``out`` may be (re)written:
    absent or a feature file, and neither the data folder nor inside it."""
    check_separate(out, {"--data": data}, out_arg)
    check_output_file(out, feature_file_refusal, "feature file", out_arg)


def build_feature_file(data, out, force: bool = False, out_arg: str = "--out") -> FeatureFile:
    """Build the features of the raw tables in ``data`` into ``out``, unless ``out`` already
    holds them for the same inputs (then it is reused; ``force`` rebuilds anyway).

    An existing ``out`` that is not a feature file is refused (``force`` or not), as is an
    ``out`` inside ``data``: :class:`~scoring_lib.outputs.OutputError` names ``out_arg``.
    """
    start = time.perf_counter()
    out = Path(out)
    check_feature_output(data, out, out_arg)
    fingerprint, inputs = input_fingerprint(data)
    info = None if force else read_info(out)
    if info is not None and info.get("fingerprint") == fingerprint:
        rows = pq.ParquetFile(out).metadata.num_rows
        return FeatureFile(out, True, fingerprint, rows, len(info["features"]),
                           time.perf_counter() - start)
    tables = load_tables(data)
    features = build_features(tables)
    del tables  # free the raw tables before the Parquet copy is made
    write_features(features, out, fingerprint, inputs)
    return FeatureFile(out, False, fingerprint, len(features.frame),
                       len(features.metadata), time.perf_counter() - start)


__all__ = ["FeatureFile", "build_feature_file", "check_feature_output", "input_fingerprint",
           "read_features", "read_info", "write_features"]
