"""Cost of the model statistics at build time, and of ``scoring monitor``, at full scale.

    flock /tmp/heavy.lock .venv/bin/python bench/bench_monitor.py \
        --bundle /tmp/full/scoring-full --data /tmp/feat/full \
        --features /tmp/feat/features_full.parquet --out /tmp/bench-monitor

1. *Build-time statistics*: what ``scoring build`` adds after the notebooks
   (:func:`scoring_lib.monitor.statistics.build_model_view`), on the bundle's own model,
   scores and the feature file, in a staging copy. The full-scale bundle of the benchmarks
   was assembled without cross-validation (no ``PROBA_OOF``): its in-sample ``PROBA``
   stands in for the out-of-fold probabilities (same sizes, same work). Reported: seconds
   of each part and the resident memory before (feature frame and applications loaded, as
   in the build) and at the peak during the statistics (sampled every 50 ms).
2. The bundle with the statistics (``--out``: a copy, re-hashed) and ``scoring monitor``
   on its application_test (48,744 vs 307,511), in a fresh process under
   ``/usr/bin/time -v``: wall seconds and peak RSS; then the same without the statistics
   (the reference profiled from the bundle's tables).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class PeakRSS:
    """The largest resident set size of this process while inside the block."""

    def __init__(self, every: float = 0.05):
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self.process = psutil.Process()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(self.every)

    def __enter__(self):
        self.before = self.process.memory_info().rss
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB"


def statistics(bundle: Path, data: Path, features: Path, out: Path) -> Path:
    from scoring_lib.bundle.store import TRAINING_FILE, finalize_bundle
    from scoring_lib.features.metadata import metadata_from_records
    from scoring_lib.model.pipeline.build import _applications
    from scoring_lib.monitor.statistics import build_model_view, write_model_view

    manifest = json.loads((bundle / "bundle.json").read_text())
    staging = out.parent / f".{out.name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in manifest["files"]:
        shutil.copy2(bundle / name, staging / name)
    scores = pd.read_parquet(staging / "scores.parquet")
    if scores["PROBA_OOF"].isna().all():
        print("  no PROBA_OOF in this bundle: PROBA stands in for it (same sizes)")
        scores["PROBA_OOF"] = scores["PROBA"].where(scores["SAMPLE"].astype(str) == "train")
        scores.to_parquet(staging / "scores.parquet", index=False)
    (staging / TRAINING_FILE).write_text(json.dumps({
        "threshold": manifest["threshold"], "features": manifest["features"],
        "categorical_features": manifest["categorical_features"]}))

    t0 = time.perf_counter()
    frame = pd.read_parquet(features)
    applications = _applications(data)
    metadata = metadata_from_records(manifest["feature_metadata"])
    print(f"  loaded the feature frame and the applications in {time.perf_counter() - t0:.1f} s")
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        view = build_model_view(staging, frame, applications, metadata, manifest["cost_fn"],
                                manifest["cost_fp"])
        path = write_model_view(staging, view)
        seconds = time.perf_counter() - t0
    print(f"  model statistics: {seconds:.1f} s ({view['seconds']}), "
          f"{path.stat().st_size / 2**10:.0f} KiB")
    print(f"  RSS before {gib(rss.before)}, peak during {gib(rss.peak)} "
          f"(+{gib(rss.peak - rss.before)})")
    (staging / TRAINING_FILE).unlink()
    del frame, applications
    body = {k: v for k, v in manifest.items()
            if k not in ("files", "manifest_sha256", "format", "format_version", "created")}
    finalize_bundle(staging, out, body)
    return out


def timed(command: list[str]) -> tuple[float, float, str]:
    run = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stderr[-2000:]}")
    wall = peak = None
    for line in run.stderr.splitlines():
        if "Elapsed (wall clock)" in line:
            parts = line.rsplit(" ", 1)[-1].split(":")
            wall = sum(float(p) * 60 ** i for i, p in enumerate(reversed(parts)))
        if "Maximum resident set size" in line:
            peak = int(line.rsplit(" ", 1)[-1]) * 1024
    return wall, peak, run.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--features", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--skip-statistics", action="store_true",
                        help="reuse the --out bundle of an earlier run")
    args = parser.parse_args()
    print(f"load average before: {psutil.getloadavg()[0]:.2f} ({psutil.cpu_count()} CPUs)")
    print("1. model statistics at build time")
    if not args.skip_statistics:
        statistics(args.bundle, args.data, args.features, args.out)
    scoring = str(Path(sys.executable).with_name("scoring"))
    for name, bundle in (("with model_view.json", args.out),
                         ("without (profile from the bundle's tables)", args.bundle)):
        wall, peak, stdout = timed([scoring, "monitor", "--bundle", str(bundle), "--data",
                                    str(args.data), "--json"])
        report = json.loads(stdout)
        bands = report["bands"]
        print(f"2. scoring monitor {name}: {wall:.1f} s wall, peak RSS {gib(peak)}; "
              f"{report['n_new']:,d} new vs {report['n_reference']:,d}; score PSI "
              f"{report['score_psi']:.4f} ({report['score_band']}); bands {bands}; "
              f"inside: {report['seconds']} s")
    print(f"load average after: {psutil.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
