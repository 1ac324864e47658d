"""The client side of batch scoring: :func:`run_batch` checks, partitions, submits one Dask
task per partition still to score, and writes ``summary.json``.

Output folder ``OUTDIR`` (refused unless new, empty, or written by ``scoring batch``: its
marker ``batch.json``)::

    batch.json              marker
    partitions/             the co-partitioned input (:mod:`.partition`), reused on restart
    scores/part-NNNNN.parquet   one part per partition (:mod:`.run`), written atomically
    summary.json            counts, approval rate, time, partitions, bundle id

Workers must see ``OUTDIR`` and the bundle at the same paths as the client (a laptop, or a
cluster on a shared file system).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from pathlib import Path

from ..data.loader import find_table_files
from ..decision import GRANTED
from ..outputs import check_output_folder, check_separate, sweep_stale, write_atomic
from . import PARTITION_CLIENTS
from .errors import BatchError
from .partition import PARTITIONS, applications_table, ensure_partitions
from .run import (MARKER, SCORES, SUMMARY, bundle_id, jobs, part_done, prepare_scores,
                  read_scores, score_partition)

BATCH_FORMAT = "scoring_lib.batch"


def batch_refusal(out: Path) -> str | None:
    """None when ``out`` was written by ``scoring batch`` (its marker), else why not."""
    try:
        info = json.loads((out / MARKER).read_text())
        if isinstance(info, dict) and info.get("format") == BATCH_FORMAT:
            return None
    except (OSError, ValueError):
        pass
    return f"it holds no {MARKER} written by scoring batch"


def _write_json(path: Path, value: dict) -> None:
    write_atomic(path, json.dumps(value, indent=1) + "\n")


def needed_tables(bundle) -> dict[str, list[str]]:
    """Child table -> the bundle's model features computed from it."""
    meta = bundle.feature_metadata
    meta = meta[meta["feature"].isin(bundle.feature_names)]
    out: dict[str, list[str]] = {}
    for feature, table in zip(meta["feature"], meta["table"]):
        if table != "application":
            out.setdefault(table, []).append(feature)
    return out


def check_tables(data: Path, files: dict, bundle) -> None:
    """Refuse a data folder without a child table whose features the model uses: scoring
    without it would feed the model "no row" for every client, a different score."""
    for table, features in needed_tables(bundle).items():
        if table not in files:
            raise BatchError(
                f"{data}: the {table} table is missing ({table}.csv or .parquet...), and the "
                f"bundle's model uses {len(features)} feature(s) computed from it (e.g. "
                f"{', '.join(features[:3])}): its clients cannot be scored as the model "
                f"expects; add {table} to {data}")


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None):
    """A ``distributed.Client``: to ``scheduler`` when given, else to a new LocalCluster of
    ``workers`` processes (default: one per core) with one thread each, on loopback."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise BatchError(f"--scheduler {scheduler}: no Dask scheduler answered there "
                             f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                             "); check the address (tcp://HOST:PORT), or use --workers N for "
                             "a local cluster") from None
        with client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster:
        with Client(cluster) as client:
            yield client


def dashboard_line(client, local: bool) -> str:
    """The dashboard link; for a local cluster without bokeh, what the link shows."""
    from importlib.util import find_spec

    services = client.scheduler_info().get("services", {})
    if "dashboard" not in services:
        return "Dask dashboard: none (the scheduler serves no dashboard)"
    link = client.dashboard_link
    if local and find_spec("bokeh") is None:
        workers = link.rsplit("/", 1)[0] + "/info/main/workers.html"
        return (f"Dask dashboard: {link} (its graphs need the bokeh package, not installed "
                f"here; the worker pages work without it: {workers})")
    return f"Dask dashboard: {link}"


def _run_jobs(client, todo, stream) -> list[dict]:
    from distributed import as_completed
    from tqdm import tqdm

    futures = client.map(score_partition, todo, pure=False)  # fresh keys: never a cached error
    results, failure = [], None
    with tqdm(total=len(todo), unit="partition", file=stream, ascii=True,
              desc="Scoring", dynamic_ncols=False, ncols=80) as bar:
        for future in as_completed(futures):
            if future.status == "error":
                exc = future.exception()
                if not isinstance(exc, BatchError):
                    for f in futures:
                        f.cancel()
                    raise exc
                failure = failure or exc
            else:
                results.append(future.result())
            bar.update(1)
    if failure is not None:
        raise failure
    return results


def default_partitions(data: Path, files: dict, train: bool) -> int:
    """ceil(applications / :data:`PARTITION_CLIENTS`), at least 1."""
    import pyarrow.parquet as pq

    from ..data.loader import file_format
    from ..data.schema import KEY
    from .partition import stream

    name = applications_table(train)
    if name not in files:
        return 1  # ensure_partitions says what is missing
    path = files[name]
    if file_format(path) == "parquet":
        try:
            rows = pq.ParquetFile(path).metadata.num_rows
        except Exception:  # unreadable: the partitioning names the file
            return 1
    else:
        rows = sum(b.num_rows for b in stream(name, path, data, [KEY]))
    return max(1, -(-rows // PARTITION_CLIENTS))


def run_batch(bundle, data, out, partitions: int | None = None, train: bool = False,
              scheduler: str | None = None, workers: int | None = None, client=None,
              echo=print, stream=None) -> dict:
    """Score every application of ``data`` with ``bundle`` into ``out``; returns the summary.

    ``partitions``: how many (default: one per :data:`PARTITION_CLIENTS` applications).
    ``client``: an existing ``distributed.Client`` (else one is made from ``scheduler`` or
    ``workers``, see :func:`dask_client`). ``echo(line)`` prints the progress lines and
    ``stream`` receives the progress bar (default: standard output).
    Raises :class:`BatchError`, :class:`~scoring_lib.data.errors.DataError`,
    :class:`~scoring_lib.bundle.errors.BundleError` or
    :class:`~scoring_lib.outputs.OutputError` on bad input, before writing anything when the
    input allows.
    """
    from ..bundle.store import load_bundle

    start = time.perf_counter()
    bundle, data, out = Path(bundle), Path(data), Path(out)
    if partitions is not None and (isinstance(partitions, bool) or int(partitions) < 1):
        raise BatchError(f"--partitions must be a whole number of at least 1, got "
                         f"{partitions!r}")
    check_separate(out, {"--data": data, "--bundle": bundle})
    check_output_folder(out, batch_refusal, "batch output folder")
    files = find_table_files(data)
    loaded = load_bundle(bundle, verify=True)
    check_tables(data, files, loaded)
    with contextlib.ExitStack() as stack:
        if client is None and scheduler:  # an unreachable scheduler fails before any work
            client = stack.enter_context(dask_client(scheduler))
        bid = bundle_id(bundle)
        if partitions is None:
            partitions = default_partitions(data, files, train)
        scored = applications_table(train)
        echo(f"Bundle {bundle} (id {bid}, threshold {loaded.threshold:.4f}): scoring "
             f"{scored} of {data} in {partitions} partition(s)")
        out.mkdir(parents=True, exist_ok=True)
        sweep_stale(out)
        if batch_refusal(out) is not None:
            _write_json(out / MARKER, {"format": BATCH_FORMAT, "version": 1})
        manifest, reused = ensure_partitions(data, out, int(partitions), train)
        n_clients = sum(manifest["clients"])
        if reused:
            echo(f"Reusing {out / PARTITIONS}: the same files were partitioned by an "
                 f"earlier run ({n_clients:,d} applications)")
        else:
            other = sum(n for t, n in manifest["dropped"].items() if " " not in t)
            dropped = (f"; {other:,d} child row(s) of the other application table's clients "
                       "left out" if other else "")
            dropped += "".join(f"; {n:,d} {t} row(s) left out" for t, n in
                               manifest["dropped"].items() if " " in t)
            echo(f"Partitioned {n_clients:,d} applications and their child tables into "
                 f"{out / PARTITIONS} in {manifest['seconds']:.1f} s{dropped}")
        prepare_scores(out, manifest)
        every = jobs(out, bundle, bid, manifest)
        todo = [j for j in every if not part_done(Path(j.out), bid, manifest["id"], j.clients)]
        echo(f"Partitions to score: {len(todo)} of {len(every)} "
             f"({len(every) - len(todo)} already scored)")
        where = scheduler or "a local cluster"
        task_seconds = []
        if todo:
            with (contextlib.nullcontext(client) if client is not None
                  else dask_client(None, workers)) as c:
                n_workers = len(c.scheduler_info().get("workers", {}))
                where = c.scheduler.address
                echo(f"Dask scheduler: {where} ({n_workers} worker(s))")
                echo(dashboard_line(c, local=scheduler is None))
                done = _run_jobs(c, todo, stream if stream is not None else sys.stdout)
                task_seconds = sorted(r["seconds"] for r in done)
        scores = read_scores(out)
        granted = int((scores["decision"] == GRANTED).sum())
        summary = {
            "bundle": str(bundle), "bundle_id": bid, "data": str(data), "applications": scored,
            "threshold": loaded.threshold, "clients": len(scores), "granted": granted,
            "refused": len(scores) - granted,
            "approval_rate": granted / len(scores) if len(scores) else None,
            "partitions": len(every), "partitions_scored": len(todo),
            "partitions_reused": len(every) - len(todo), "partitioning_reused": reused,
            "dropped_rows": manifest["dropped"], "scheduler": where,
            "partitioning_seconds": 0.0 if reused else manifest["seconds"],
            "task_seconds": {"sum": round(sum(task_seconds), 3),
                             "median": round(task_seconds[len(task_seconds) // 2], 3)
                             if task_seconds else None,
                             "max": round(task_seconds[-1], 3) if task_seconds else None},
            "seconds": round(time.perf_counter() - start, 3)}
        _write_json(out / SUMMARY, summary)
        rate = (f"{100 * summary['approval_rate']:.1f} %" if len(scores) else "n/a")
        echo(f"Scored {len(scores):,d} clients: {granted:,d} granted, {summary['refused']:,d} "
             f"refused (approval rate {rate}) in {summary['seconds']:.1f} s")
        echo(f"Wrote {out / SCORES} ({len(every)} part(s)) and {out / SUMMARY}")
        return summary
