"""The ``scoring`` command line: one sub-command per stage of the pipeline (see DESIGN.md)."""

from __future__ import annotations

import argparse
import sys


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of 0 or more, got {text}")
    return value


def _cmd_synth(args) -> int:
    from .data.synth import synthesize

    def progress(name, rows):
        print(f"  {name:24s} {rows:>12,d} rows", flush=True)

    n_test = args.test_clients if args.test_clients is not None else max(args.clients // 6, 1)
    print(f"Generating {args.clients:,d} training and {n_test:,d} test clients "
          f"(seed {args.seed}) into {args.out} as {args.format}", flush=True)
    report = synthesize(args.out, args.clients, n_test, args.seed, args.format, progress)
    print(f"Done in {report.seconds:.1f} s.")
    return 0


def _cmd_check(args) -> int:
    from .data import DataError, load_tables

    try:
        tables = load_tables(args.data)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(tables.report.summary())
    return 0


def _cmd_features(args) -> int:
    from .data import DataError
    from .features.cache import build_feature_file

    try:
        result = build_feature_file(args.data, args.out, force=args.force)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    size = f"{result.rows:,d} clients x {result.features:,d} features"
    if result.reused:
        print(f"Reused {result.path} ({size}): inputs and feature code unchanged "
              f"(fingerprint {result.fingerprint[:12]}).")
    else:
        print(f"Wrote {result.path} ({size}) in {result.seconds:.1f} s.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scoring", description=(
        "Credit-scoring toolkit for Home Credit-shaped data."))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("synth", help="generate realistic synthetic data in the Kaggle format")
    p.add_argument("--clients", type=_positive, required=True,
                   help="number of training clients (application_train rows)")
    p.add_argument("--test-clients", type=_non_negative, default=None,
                   help="number of test clients (application_test rows; default clients/6)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same files)")
    p.add_argument("--out", required=True, help="output folder (created if needed)")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.set_defaults(func=_cmd_synth)

    p = sub.add_parser("check", help="load a data folder, validate it and summarise it")
    p.add_argument("--data", required=True, help="folder with the Kaggle files")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("features", help="build one row of features per client into a Parquet "
                       "file (reused when the inputs have not changed)")
    p.add_argument("--data", required=True, help="folder with the Kaggle files")
    p.add_argument("--out", required=True, help="output Parquet file; the feature metadata is "
                   "stored in its schema metadata (see scoring_lib.features.cache)")
    p.add_argument("--force", action="store_true", help="rebuild even if the file is up to date")
    p.set_defaults(func=_cmd_features)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
