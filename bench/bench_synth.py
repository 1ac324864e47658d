"""Benchmark of ``scoring synth``: wall time and peak memory of the whole command.

Each size runs the real command under ``/usr/bin/time -v`` ``--repeat`` times and prints the
median wall time, the peak resident memory and the child rows written. As a baseline measured
in the same run, it also times reading the written files back with ``pyarrow`` (the cost of
merely touching that much data on this machine), and prints the ratio.

    .venv/bin/python bench/bench_synth.py                       # 10k CSV and full-scale Parquet
    .venv/bin/python bench/bench_synth.py --sizes 10000:csv --repeat 5
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

ROOT = Path(__file__).resolve().parents[1]
SCORING = Path(sys.executable).with_name("scoring")
FULL = (307_511, 48_744)


def run_once(n_train: int, n_test: int, fmt: str, out: Path) -> tuple[float, float]:
    cmd = ["/usr/bin/time", "-v", str(SCORING), "synth", "--clients", str(n_train),
           "--test-clients", str(n_test), "--seed", "0", "--out", str(out), "--format", fmt]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return wall, rss_kb / 1024 / 1024


def read_back(out: Path) -> tuple[float, int]:
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    start = time.perf_counter()
    rows = 0
    for path in sorted(out.iterdir()):
        table = pq.read_table(path) if path.suffix == ".parquet" else pcsv.read_csv(path)
        if not path.name.startswith("application"):
            rows += table.num_rows
        del table
    return time.perf_counter() - start, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["10000:csv", "full:parquet"],
                        help="N:format items; N is training clients (test = N/6) or 'full'")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'size':>18s} {'fmt':>8s} {'median s':>9s} {'peak GiB':>9s} {'child rows':>12s}"
          f" {'read-back s':>11s} {'ratio':>6s}")
    for item in args.sizes:
        size, fmt = item.split(":")
        n_train, n_test = FULL if size == "full" else (int(size), max(int(size) // 6, 1))
        walls, peaks, reads = [], [], []
        rows = 0
        for _ in range(args.repeat):
            out = Path(tempfile.mkdtemp(prefix="bench-synth-"))
            try:
                wall, peak = run_once(n_train, n_test, fmt, out)
                read, rows = read_back(out)
            finally:
                shutil.rmtree(out, ignore_errors=True)
            walls.append(wall)
            peaks.append(peak)
            reads.append(read)
        med, med_read = statistics.median(walls), statistics.median(reads)
        print(f"{n_train + n_test:>18,d} {fmt:>8s} {med:>9.1f} {max(peaks):>9.2f} {rows:>12,d}"
              f" {med_read:>11.1f} {med / med_read:>6.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
