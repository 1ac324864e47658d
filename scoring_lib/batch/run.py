"""Score every partition on a Dask cluster: :func:`run_batch`, one task per partition.

A task (:func:`score_partition`, run on a worker) loads its partition folder with the
project's loader, builds the features with :func:`scoring_lib.features.build_features`,
scores them with the bundle's model and calibration (as the bundle's own scores were
made), computes CatBoost's SHAP values, keeps the :data:`REASONS` features that push the
client's risk up the most (reason codes: feature names, with their contributions in
log-odds), and writes ``scores/part-NNNNN.parquet`` atomically (staging file, then rename).

Output columns: ``SK_ID_CURR``, ``probability``, ``decision``, ``threshold``,
``reason_1`` .. ``reason_4`` and ``contribution_1`` .. ``contribution_4`` (largest first),
``bundle_id``. A part's Parquet metadata names its bundle, partition set and row count: a
part whose metadata matches is not redone (restart), any other is.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..data.schema import KEY, TARGET
from ..outputs import atomic_file, sweep_stale
from .errors import BatchError
from .partition import PARTITIONS, part_name

SCORES = "scores"
SUMMARY = "summary.json"
#: the marker of a batch output folder (``scoring batch`` refuses any other non-empty one)
MARKER = "batch.json"
REASONS = 4
META_KEY = b"scoring_lib.batch"
COLUMNS = ([KEY, "probability", "decision", "threshold"]
           + [f"reason_{i}" for i in range(1, REASONS + 1)]
           + [f"contribution_{i}" for i in range(1, REASONS + 1)] + ["bundle_id"])


def bundle_id(path) -> str:
    """The bundle's identity: the first 16 hex digits of the sha256 of its bundle.json
    (which holds the sha256 of every other file of the bundle)."""
    return hashlib.sha256((Path(path) / "bundle.json").read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class Job:
    """One partition to score (sent to a worker: plain values only)."""

    index: int
    folder: str        # the partition's data folder
    out: str           # the part file to write
    bundle: str
    bundle_id: str
    partitions_id: str
    applications: str  # application_test | application_train
    tables: tuple
    clients: int
    threads: int = 1


# --------------------------------------------------------------------------- on a worker
_BUNDLES: dict = {}


def _bundle(path: str, bid: str):
    """The bundle, loaded once per worker process and bundle id (verified on the client
    beforehand; a bundle rebuilt at the same path is loaded again)."""
    from ..bundle.store import load_bundle

    if (path, bid) not in _BUNDLES:
        _BUNDLES.clear()
        bundle = load_bundle(Path(path), verify=False)
        if bundle_id(path) != bid:
            raise BatchError(f"the bundle {path} changed while the batch was running: run "
                             "scoring batch again")
        _BUNDLES[path, bid] = bundle
    return _BUNDLES[path, bid]


def _load_partition(job: Job) -> dict:
    import pyarrow as pa

    from ..data.errors import DataError
    from ..data.loader import load_tables

    try:
        tables = dict(load_tables(job.folder, tables=list(job.tables)))
    except (DataError, OSError, pa.ArrowException) as exc:
        where = getattr(exc, "path", None) or job.folder
        detail = getattr(exc, "detail", None) or str(exc).splitlines()[0]
        raise BatchError(f"partition file {where} cannot be read ({detail}): it is corrupt or "
                         f"was changed after partitioning; delete "
                         f"{Path(job.folder).parent} and run scoring batch again to "
                         "partition the data anew") from None
    got = len(tables[job.applications])
    if got != job.clients:
        raise BatchError(f"partition file {job.folder}/{job.applications}.parquet holds "
                         f"{got:,d} applications, {job.clients:,d} expected: it was changed "
                         f"after partitioning; delete {Path(job.folder).parent} and run "
                         "scoring batch again")
    if job.applications == "application_test":  # the feature layer requires a train table
        test = tables["application_test"]
        empty = test.iloc[:0].copy()
        empty.insert(1, TARGET, np.empty(0, dtype=np.float64))
        tables = {"application_train": empty, **tables}
    return tables


def partition_features(job: Job):
    """The features (:class:`~scoring_lib.features.FeatureSet`) of the partition's
    applications, by the feature layer's :func:`~scoring_lib.features.build_features`."""
    from ..features import build_features

    return build_features(_load_partition(job))


def _empty_result() -> pd.DataFrame:
    """The part of a partition without clients: the columns of the others, their types
    too (text as ``str``, which Parquet stores as the other parts' string type, not null)."""
    def empty(column):
        if column == KEY:
            return pd.Series([], dtype=np.int64)
        text = column in ("decision", "bundle_id") or column.startswith("reason_")
        return pd.Series([], dtype="str" if text else np.float64)

    return pd.DataFrame({c: empty(c) for c in COLUMNS})


def score_frame(bundle, X: pd.DataFrame, threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``(probability, shap)`` of the rows of the feature frame ``X``: the calibrated
    probability (:meth:`Bundle.predict_proba`'s computation, the model's input converted
    once for both) and CatBoost's SHAP values (rows x features, log-odds)."""
    from catboost import Pool

    from ..model.training.estimators import catboost_frame

    names, cats = bundle.feature_names, bundle.categorical_features
    frame = catboost_frame(X[names], cats)
    model = bundle.model
    probability = bundle.calibrator.transform(model.predict_proba(frame)[:, 1])
    pool = Pool(frame, cat_features=cats, feature_names=names)
    shap = model.get_feature_importance(pool, type="ShapValues", thread_count=threads)
    return np.asarray(probability, dtype=np.float64), shap[:, :-1]


def reason_codes(shap: np.ndarray, names: list[str], k: int = REASONS):
    """The ``k`` features of largest contribution (towards default) of each row, largest
    first: ``(names array rows x k, contributions rows x k)``."""
    k = min(k, shap.shape[1])
    top = np.argpartition(-shap, k - 1, axis=1)[:, :k] if shap.shape[1] > k else \
        np.tile(np.arange(k), (len(shap), 1))
    values = np.take_along_axis(shap, top, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    top, values = np.take_along_axis(top, order, axis=1), np.take_along_axis(values, order, 1)
    return np.asarray(names, dtype=object)[top], values


def score_partition(job: Job) -> dict:
    """Score one partition and write its part (see the module docstring); returns its clients and seconds."""
    import time

    start = time.perf_counter()
    bundle = _bundle(job.bundle, job.bundle_id)
    if job.clients == 0:
        result = _empty_result()
    else:
        X = partition_features(job).frame  # one row per application of the partition
        probability, shap = score_frame(bundle, X, job.threads)
        names, values = reason_codes(shap, bundle.feature_names)
        result = pd.DataFrame({KEY: X[KEY].to_numpy(np.int64), "probability": probability,
                               "decision": np.asarray(bundle.decide(probability), object),
                               "threshold": np.full(len(X), bundle.threshold)})
        for i in range(names.shape[1]):
            result[f"reason_{i + 1}"] = names[:, i]
        for i in range(values.shape[1]):
            result[f"contribution_{i + 1}"] = values[:, i]
        result["bundle_id"] = job.bundle_id
        result = result[COLUMNS]
    write_part(result, Path(job.out), {"bundle_id": job.bundle_id,
                                       "partitions_id": job.partitions_id,
                                       "partition": job.index, "rows": len(result)})
    return {"partition": job.index, "clients": len(result),
            "seconds": time.perf_counter() - start}


def write_part(frame: pd.DataFrame, path: Path, info: dict) -> None:
    """Write ``frame`` to ``path`` atomically, ``info`` in its Parquet metadata."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           META_KEY: json.dumps(info).encode()})
    with atomic_file(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")


def part_info(path: Path) -> dict | None:
    """The metadata of a part file, None if absent or unreadable."""
    try:
        meta = pq.read_schema(path).metadata or {}
        return json.loads(meta[META_KEY])
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None


def part_done(path: Path, bundle_id_: str, partitions_id: str, clients: int) -> bool:
    """Whether the part ``path`` is complete output of this bundle and partition set."""
    info = part_info(path)
    return (info is not None and info.get("bundle_id") == bundle_id_
            and info.get("partitions_id") == partitions_id and info.get("rows") == clients)


def jobs(out: Path, bundle: Path, bid: str, manifest: dict, threads: int = 1) -> list[Job]:
    tables = tuple(manifest["tables"])
    return [Job(p, str(out / PARTITIONS / part_name(p)),
                str(out / SCORES / f"{part_name(p)}.parquet"), str(bundle), bid,
                manifest["id"], manifest["applications"], tables, int(n), threads)
            for p, n in enumerate(manifest["clients"])]


def prepare_scores(out: Path, manifest: dict) -> None:
    """Create ``out/scores``, sweep the staging files of dead runs and remove the parts of
    partitions beyond the current count."""
    folder = out / SCORES
    folder.mkdir(exist_ok=True)
    sweep_stale(folder)
    n = manifest["partitions"]
    for path in folder.glob("part-*.parquet"):
        stem = path.name[len("part-"):-len(".parquet")]
        if not stem.isdigit() or int(stem) >= n:
            path.unlink()


def read_scores(out) -> pd.DataFrame:
    """Every part of ``out/scores``, in partition order (one frame)."""
    parts = sorted((Path(out) / SCORES).glob("part-*.parquet"))
    return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
