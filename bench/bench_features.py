"""Benchmark of ``scoring_lib.features``: build time, a pandas baseline, engines, peak memory.

For each size (training clients, test = N/6, or ``full`` = 307,511 + 48,744) it generates the
eight tables in memory with ``generate_tables`` (seed 0), or loads them from ``--data-root``
``/<size>/`` when that folder exists (e.g. written by ``scoring synth --format parquet``), then:

* times ``build_features`` (median of ``--repeat`` runs);
* as a baseline in the same run, times the installments_payments family alone with polars
  (as ``build_features`` does it) and with a kernel-style pandas ``groupby``, and prints the
  ratio;
* with ``--engines``, times one representative part (the installments aggregation plus the
  per-credit bureau_balance summaries) with pandas, polars and DuckDB (when importable);
* with ``--cli DIR``, writes the tables as Parquet under ``DIR/<size>`` (unless present) and
  runs ``scoring features`` on them under ``/usr/bin/time -v``: wall time and peak resident
  memory of the whole command (load + build + write), then once more to time the reuse.

    .venv/bin/python bench/bench_features.py                         # 10000 and 100000
    .venv/bin/python bench/bench_features.py --sizes full --repeat 3 --engines
    .venv/bin/python bench/bench_features.py --sizes full --repeat 1 --cli /tmp/bench-features
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from scoring_lib.data import load_tables
from scoring_lib.data.schema import BUREAU_KEY, KEY
from scoring_lib.data.synth import generate_tables, synthesize
from scoring_lib.features import build_features
from scoring_lib.features.monthly import INSTAL, family_features

SCORING = Path(sys.executable).with_name("scoring")
FULL = (307_511, 48_744)


def sizes_of(item: str) -> tuple[int, int]:
    return FULL if item == "full" else (int(item), max(int(item) // 6, 1))


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        result = None
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# --------------------------------------------------------------------- pandas baselines
INSTAL_AGGS = {"NUM_INSTALMENT_VERSION": ["nunique"], "DPD": ["max", "mean", "sum"],
               "DBD": ["max", "mean", "sum"], "PAYMENT_PERC": ["max", "mean", "sum", "var"],
               "PAYMENT_DIFF": ["max", "mean", "sum", "var"],
               "AMT_INSTALMENT": ["max", "mean", "sum"],
               "AMT_PAYMENT": ["min", "max", "mean", "sum"],
               "DAYS_ENTRY_PAYMENT": ["max", "mean", "sum"]}


def pandas_installments(ins: pd.DataFrame) -> pd.DataFrame:
    """The kernel's installments aggregation with pandas groupby (same 26 outputs)."""
    d = ins[[KEY, "NUM_INSTALMENT_VERSION", "AMT_INSTALMENT", "AMT_PAYMENT",
             "DAYS_ENTRY_PAYMENT"]].copy()
    inst = ins["AMT_INSTALMENT"]
    d["PAYMENT_PERC"] = ins["AMT_PAYMENT"] / inst.where(inst != 0)
    d["PAYMENT_DIFF"] = inst - ins["AMT_PAYMENT"]
    late = ins["DAYS_ENTRY_PAYMENT"] - ins["DAYS_INSTALMENT"]
    d["DPD"], d["DBD"] = late.clip(lower=0), (-late).clip(lower=0)
    grouped = d.groupby(KEY)
    out = grouped.agg(INSTAL_AGGS)
    out[("COUNT", "size")] = grouped.size()
    return out


def pandas_balance(bb: pd.DataFrame) -> pd.DataFrame:
    codes = bb["STATUS"].cat.codes.to_numpy()
    d = pd.DataFrame({BUREAU_KEY: bb[BUREAU_KEY], "MONTHS_BALANCE": bb["MONTHS_BALANCE"]})
    for k in range(8):
        d[f"S{k}"] = (codes == k).astype(np.float64)
    return d.groupby(BUREAU_KEY).agg({"MONTHS_BALANCE": ["min", "max", "size"],
                                      **{f"S{k}": ["mean"] for k in range(8)}})


def polars_part(ins, bb, clients):
    from scoring_lib.features.bureau import per_credit

    return family_features(INSTAL, ins, clients), per_credit(bb).collect()


def pandas_part(ins, bb, clients):
    return pandas_installments(ins), pandas_balance(bb)


def duckdb_part(ins, bb, clients):
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.register("ins", ins[[KEY, "NUM_INSTALMENT_VERSION", "DAYS_INSTALMENT",
                             "DAYS_ENTRY_PAYMENT", "AMT_INSTALMENT", "AMT_PAYMENT"]])
    a = con.execute("""
        WITH d AS (SELECT *, CASE WHEN AMT_INSTALMENT <> 0 THEN AMT_PAYMENT / AMT_INSTALMENT
                   END AS PP, AMT_INSTALMENT - AMT_PAYMENT AS PD,
                   greatest(DAYS_ENTRY_PAYMENT - DAYS_INSTALMENT, 0) AS DPD,
                   greatest(DAYS_INSTALMENT - DAYS_ENTRY_PAYMENT, 0) AS DBD FROM ins)
        SELECT SK_ID_CURR, count(DISTINCT NUM_INSTALMENT_VERSION), count(*),
          max(DPD), avg(DPD), sum(DPD), max(DBD), avg(DBD), sum(DBD),
          max(PP), avg(PP), sum(PP), var_samp(PP), max(PD), avg(PD), sum(PD), var_samp(PD),
          max(AMT_INSTALMENT), avg(AMT_INSTALMENT), sum(AMT_INSTALMENT), min(AMT_PAYMENT),
          max(AMT_PAYMENT), avg(AMT_PAYMENT), sum(AMT_PAYMENT), max(DAYS_ENTRY_PAYMENT),
          avg(DAYS_ENTRY_PAYMENT), sum(DAYS_ENTRY_PAYMENT)
        FROM d GROUP BY SK_ID_CURR""").df()
    con.register("bb", pd.DataFrame({BUREAU_KEY: bb[BUREAU_KEY],
                                     "MONTHS_BALANCE": bb["MONTHS_BALANCE"],
                                     "S": bb["STATUS"].cat.codes}))
    shares = ", ".join(f"avg(CASE WHEN S = {k} THEN 1.0 ELSE 0.0 END)" for k in range(8))
    b = con.execute(f"SELECT SK_ID_BUREAU, min(MONTHS_BALANCE), max(MONTHS_BALANCE), count(*), "
                    f"{shares} FROM bb GROUP BY SK_ID_BUREAU").df()
    return a, b


ENGINES = {"pandas": pandas_part, "polars": polars_part, "duckdb": duckdb_part}


# ------------------------------------------------------------------------------- runs
def get_tables(item: str, data_root: Path | None) -> dict:
    folder = data_root / item if data_root else None
    if folder and folder.is_dir():
        return dict(load_tables(folder))
    return dict(generate_tables(*sizes_of(item), seed=0))


def cli_run(folder: Path, out: Path) -> tuple[float, float, str]:
    cmd = ["/usr/bin/time", "-v", str(SCORING), "features", "--data", str(folder),
           "--out", str(out)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return wall, rss_kb / 1024 / 1024, proc.stdout.strip().splitlines()[-1]


def measure(item: str, args) -> None:
    """Build time, installments baseline and (--engines) the engine comparison."""
    n_train, n_test = sizes_of(item)
    tables = get_tables(item, args.data_root)
    child = sum(len(f) for n, f in tables.items() if not n.startswith("application"))
    build, features = timed(lambda: build_features(tables), args.repeat)
    n_features = len(features.metadata)
    features = None  # free it before the baselines
    ins = tables["installments_payments"]
    clients = pd.Index(np.concatenate([tables["application_train"][KEY].to_numpy(),
                                       tables["application_test"][KEY].to_numpy()]))
    ours, _ = timed(lambda: family_features(INSTAL, ins, clients), args.repeat)
    base, _ = timed(lambda: pandas_installments(ins), args.repeat)
    print(f"{n_train + n_test:>9,d} {child:>12,d} {n_features:>8d} {build:>9.2f} "
          f"{ours:>10.2f} {base:>10.2f} {base / ours:>6.1f}", flush=True)
    if args.engines:
        bb = tables["bureau_balance"]
        for name, fn in ENGINES.items():
            try:
                seconds, _ = timed(lambda: fn(ins, bb, clients), args.repeat)
            except ImportError as exc:
                print(f"    engine {name:<7s} skipped ({exc})")
                continue
            print(f"    engine {name:<7s} installments ({len(ins):,d} rows) + bureau_balance "
                  f"({len(bb):,d} rows): median {seconds:.2f} s", flush=True)


def measure_cli(item: str, root: Path) -> None:
    """``scoring features`` under /usr/bin/time -v: a build, then a rerun (reuse)."""
    folder = root / item
    if not folder.is_dir():
        synthesize(folder, *sizes_of(item), seed=0, fmt="parquet")
    out = Path(tempfile.mkdtemp(prefix="bench-features-")) / "features.parquet"
    try:
        for label in ("scoring features", "rerun"):
            wall, peak, said = cli_run(folder, out)
            print(f"    {label}: {wall:.1f} s wall, peak {peak:.2f} GiB ({said[:50]}...)",
                  flush=True)
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["10000", "100000"],
                        help="training clients per size (test = N/6), or 'full'")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-root", type=Path, default=None,
                        help="load <data-root>/<size>/ when it exists instead of generating")
    parser.add_argument("--engines", action="store_true",
                        help="also compare pandas, polars and DuckDB on one part")
    parser.add_argument("--cli", type=Path, default=None, metavar="DIR",
                        help="also time `scoring features` under /usr/bin/time -v on Parquet "
                        "files kept in DIR/<size>/")
    args = parser.parse_args()
    print(f"{'clients':>9s} {'child rows':>12s} {'features':>8s} {'build s':>9s} "
          f"{'instal pl':>10s} {'instal pd':>10s} {'ratio':>6s}   (medians of {args.repeat})")
    for item in args.sizes:
        measure(item, args)
        if args.cli:
            measure_cli(item, args.cli)
    return 0


if __name__ == "__main__":
    sys.exit(main())
