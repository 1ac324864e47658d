"""``scoring batch``: its arguments and what it prints (registered by scoring_lib.cli)."""

from __future__ import annotations

import argparse
import sys


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def add_parser(sub) -> None:
    from . import PARTITION_CLIENTS

    p = sub.add_parser("batch", help="score every application of a data folder with a bundle, "
                       "partition by partition on a Dask cluster (restartable)")
    p.add_argument("--bundle", required=True, help="bundle folder (its model, calibration "
                   "and threshold score the clients)")
    p.add_argument("--data", required=True, help="folder with the Kaggle files: "
                   "application_test (or application_train with --train) and the six child "
                   "tables")
    p.add_argument("--out", required=True, help="output folder: new, empty, or written by "
                   "scoring batch (then the parts already scored are kept: restart)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", default=None, metavar="ADDRESS", help="address of an "
                       "existing Dask scheduler (e.g. tcp://10.0.0.5:8786); its workers must "
                       "see --bundle and --out at the same paths")
    where.add_argument("--workers", type=_count, default=None, metavar="N", help="start a "
                       "local cluster of N worker processes, one thread each (default: one "
                       "per core)")
    p.add_argument("--partitions", type=_count, default=None, metavar="P",
                   help=f"number of partitions (default: one per {PARTITION_CLIENTS:,d} "
                   "applications); a worker's memory follows the clients per partition "
                   "(README: Batch scoring)")
    p.add_argument("--train", action="store_true", help="score application_train instead "
                   "of application_test")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..bundle.errors import BundleError
    from ..data.errors import DataError
    from .driver import run_batch
    from .errors import BatchError

    try:
        run_batch(args.bundle, args.data, args.out, args.partitions, train=args.train,
                  scheduler=args.scheduler, workers=args.workers,
                  echo=lambda line: print(line, flush=True))
    except (BatchError, DataError, BundleError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(interrupted_message(args.out), file=sys.stderr, flush=True)
        return 130
    return 0


def interrupted_message(out) -> str:
    """What an interruption left: the parts written completely, and how to finish."""
    from pathlib import Path

    from .run import SCORES

    parts = len(list((Path(out) / SCORES).glob("part-*.parquet")))
    return (f"interrupted: {parts} part(s) were written completely to {Path(out) / SCORES}; "
            "run the same command again to score the rest")
