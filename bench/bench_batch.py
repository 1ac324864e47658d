"""Benchmark of ``scoring batch`` (issue 15): throughput, worker memory, and the single-process
path side by side. Run each step under the shared lock (``flock /tmp/heavy.lock ...``).

    # synthetic data of N clients, generated slice by slice (memory of one slice)
    bench_batch.py generate --clients 1000000 --slices 5 --out /tmp/b15/d1m
    # scoring batch on a LocalCluster of W workers (1 thread each); prints one JSON line:
    # wall time, partitioning and task seconds, clients/s/core, peak RSS of each worker
    bench_batch.py batch --bundle B --data D --out O --workers 2 [--train] [--partitions P]
    # the single-process path: load_tables + build_features + the same scoring and SHAP,
    # all clients in one process; writes its scores to --save for the comparison
    bench_batch.py single --bundle B --data D [--only train|test] --save S.parquet
    # batch output(s) against the single-process scores: probabilities, reason codes
    bench_batch.py compare --batch O1 [O2 ...] --single /tmp/b15/single.parquet

Without arguments (``make bench``): ``batch`` with the demo bundle on the demo data (2
workers, into bench/out/batch-demo).

Peak memory: ``ru_maxrss`` of each worker process at the end of the run (the peak over all
the partitions it scored), and of the client process (which partitions the data).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import sys
import time
from pathlib import Path

GIB = 1024 ** 3


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cmd_generate(args) -> dict:
    from scoring_lib.data.synth import synthesize_slices

    start = time.perf_counter()
    report = synthesize_slices(args.out, args.clients, args.test_clients, args.seed,
                               args.slices, progress=lambda k, n: print(
                                   f"  slice {k + 1}/{n} {time.perf_counter() - start:.0f} s",
                                   file=sys.stderr, flush=True))
    return {"step": "generate", "clients": args.clients, "test_clients": args.test_clients,
            "slices": args.slices, "seconds": round(report.seconds, 1),
            "child_rows": sum(v for k, v in report.rows.items()
                              if not k.startswith("application")),
            "peak_rss_gib": round(_maxrss() / GIB, 2)}


def cmd_batch(args) -> dict:
    from distributed import Client, LocalCluster

    from scoring_lib.batch import run_batch

    if args.fresh and Path(args.out).exists():
        from scoring_lib.batch.driver import batch_refusal

        refusal = batch_refusal(Path(args.out))
        if refusal is not None:  # --fresh deletes only a batch output, never another folder
            raise SystemExit(f"bench_batch: --fresh: {args.out} is left untouched ({refusal})")
        shutil.rmtree(args.out)
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address="127.0.0.1:0",
                      silence_logs=logging.ERROR, memory_limit=args.memory_limit) as cluster, \
            Client(cluster) as client:
        start = time.perf_counter()
        summary = run_batch(args.bundle, args.data, args.out, args.partitions,
                            train=args.train, client=client,
                            echo=lambda line: print(line, file=sys.stderr, flush=True),
                            stream=sys.stderr)
        wall = time.perf_counter() - start
        workers = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    scoring = wall - summary["partitioning_seconds"]
    return {"step": "batch", "workers": args.workers, "clients": summary["clients"],
            "partitions": summary["partitions"],
            "clients_per_partition": round(summary["clients"] / summary["partitions"]),
            "wall_s": round(wall, 1),
            "partitioning_s": summary["partitioning_seconds"],
            "scoring_wall_s": round(scoring, 1),
            "task_s": summary["task_seconds"],
            "task_ms_per_client": round(1000 * summary["task_seconds"]["sum"]
                                        / max(1, summary["clients"]), 3),
            "clients_per_s_per_core": round(summary["clients"] / scoring / args.workers, 1),
            "worker_peak_rss_gib": sorted(round(v / GIB, 2) for v in workers.values()),
            "client_peak_rss_gib": round(_maxrss() / GIB, 2),
            "approval_rate": summary["approval_rate"]}


def cmd_single(args) -> dict:
    import numpy as np
    import pandas as pd

    from scoring_lib.batch.run import reason_codes, score_frame
    from scoring_lib.bundle.store import load_bundle
    from scoring_lib.data import load_tables
    from scoring_lib.data.schema import KEY, TARGET
    from scoring_lib.features import build_features

    t0 = time.perf_counter()
    bundle = load_bundle(args.bundle, verify=False)
    tables = dict(load_tables(args.data))
    t1 = time.perf_counter()
    frame = build_features(tables).frame
    del tables
    if args.only:  # else every client, train and test
        scored = frame[TARGET].notna() if args.only == "train" else frame[TARGET].isna()
        frame = frame[scored.to_numpy()]
    t2 = time.perf_counter()
    probability, shap = score_frame(bundle, frame, threads=1)
    names, values = reason_codes(shap, bundle.feature_names)
    t3 = time.perf_counter()
    out = pd.DataFrame({KEY: frame[KEY].to_numpy(np.int64), "probability": probability})
    for i in range(names.shape[1]):
        out[f"reason_{i + 1}"] = names[:, i]
        out[f"contribution_{i + 1}"] = values[:, i]
    if args.save:
        out.to_parquet(args.save)
    return {"step": "single", "clients": len(out), "load_s": round(t1 - t0, 1),
            "features_s": round(t2 - t1, 1), "score_shap_s": round(t3 - t2, 1),
            "total_s": round(t3 - t0, 1), "clients_per_s": round(len(out) / (t3 - t0), 1),
            "peak_rss_gib": round(_maxrss() / GIB, 2)}


def cmd_compare(args) -> dict:
    import numpy as np
    import pandas as pd

    from scoring_lib.batch import read_scores
    from scoring_lib.data.schema import KEY

    batch = pd.concat([read_scores(o) for o in args.batch]).set_index(KEY)
    single = pd.read_parquet(args.single).set_index(KEY)
    batch = batch.loc[single.index]
    reasons = [f"reason_{i}" for i in range(1, 5)]
    contrib = [f"contribution_{i}" for i in range(1, 5)]
    out = {"step": "compare", "clients": len(single),
           "max_abs_probability_diff": float(np.abs(batch["probability"]
                                                    - single["probability"]).max()),
           "same_reasons_share": float((batch[reasons].to_numpy()
                                        == single[reasons].to_numpy()).all(axis=1).mean()),
           "max_abs_contribution_diff": float(np.abs(batch[contrib].to_numpy()
                                                     - single[contrib].to_numpy()).max())}
    if args.bundle:
        from scoring_lib.bundle.store import load_bundle

        stored = load_bundle(args.bundle, verify=False).scores["PROBA"]
        out["max_abs_diff_vs_bundle_scores"] = float(
            np.abs(batch["probability"] - stored.loc[batch.index]).max())
    return out


def _default_argv() -> list[str]:
    from scoring_lib.paths import DATA_RAW, DEMO_BUNDLE

    root = Path(__file__).resolve().parents[1]
    bundle, data = root / DEMO_BUNDLE, root / DATA_RAW
    if not (bundle / "bundle.json").is_file() or not list(data.glob("application_test.*")):
        return []
    return ["batch", "--bundle", str(bundle), "--data", str(data), "--out",
            str(root / "bench" / "out" / "batch-demo"), "--workers", "2", "--fresh"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("generate")
    p.add_argument("--clients", type=int, required=True)
    p.add_argument("--test-clients", type=int, default=0)
    p.add_argument("--slices", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_generate)
    p = sub.add_parser("batch")
    p.add_argument("--bundle", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--partitions", type=int, default=None)
    p.add_argument("--train", action="store_true")
    p.add_argument("--fresh", action="store_true", help="delete --out first")
    p.add_argument("--memory-limit", default="auto")
    p.set_defaults(func=cmd_batch)
    p = sub.add_parser("single")
    p.add_argument("--bundle", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--only", choices=("train", "test"), default=None)
    p.add_argument("--save", default=None)
    p.set_defaults(func=cmd_single)
    p = sub.add_parser("compare")
    p.add_argument("--batch", nargs="+", required=True)
    p.add_argument("--single", required=True)
    p.add_argument("--bundle", default=None)
    p.set_defaults(func=cmd_compare)
    argv = sys.argv[1:] or _default_argv()  # `make bench`: the demo bundle on the demo data
    if not argv:
        print("bench_batch: no demo bundle (artifacts/demo) or demo data (data/raw) to score; "
              "run `make demo` first, or give a step (see --help): nothing measured")
        return
    args = parser.parse_args(argv)
    result = args.func(args)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
