"""Default paths, relative to the working directory (the repository root): the one home of
these names. The CLI's defaults, the build, the notebooks' parameter cells and the page's
default bundle use them; the Makefile's ``DATA_RAW`` and ``DEMO_BUNDLE`` say the same (a test
checks it). Every command also takes its paths as arguments.
"""

from __future__ import annotations

from pathlib import Path

#: the raw files (the Kaggle download or ``scoring synth`` output); never modified
DATA_RAW = "data/raw"
#: intermediate results rebuilt from the raw files (the feature file)
PROCESSED = "data/processed"
FEATURE_FILE = "features.parquet"
FEATURES = f"{PROCESSED}/{FEATURE_FILE}"
#: bundles, one folder each (``scoring build --out artifacts/NAME``)
ARTIFACTS = "artifacts"
DEMO_BUNDLE = f"{ARTIFACTS}/demo"
#: inside a bundle: the executed notebooks and their HTML copies
REPORTS = "reports"

__all__ = ["ARTIFACTS", "DATA_RAW", "DEMO_BUNDLE", "FEATURES", "FEATURE_FILE", "PROCESSED",
           "REPORTS", "processed_features"]


def processed_features(data) -> Path:
    """The feature file kept beside the raw data folder ``data``: ``data/raw`` →
    ``data/processed/features.parquet`` (``scoring demo`` reuses it when up to date)."""
    return Path(data).parent / Path(PROCESSED).name / FEATURE_FILE
