"""The ``scoring`` command line: one sub-command per stage of the pipeline (see DESIGN.md)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import re
import signal
import sys
import threading

from .batch.command import add_parser as batch_parser
from .monitor.command import add_parser as monitor_parser
from .paths import DATA_RAW, DEMO_BUNDLE
from .words import DEFAULT_LANG, LANGS


class _ArgumentsError(Exception):
    """A combination of arguments that cannot work (``str``: the sentence to print)."""


def _whole(text: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < low:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least {low}, "
                                         f"got {text}")
    return value


def _positive(text: str) -> int:
    return _whole(text, 1)


def _non_negative(text: str) -> int:
    return _whole(text, 0)


def _sample(text: str) -> int:
    return _whole(text, 2)  # a sample needs both classes


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
    print("\n".join(tables.report.summary()))
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


def _folds(text: str) -> int:
    return _whole(text, 2)


def _cost(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number of 0 or more, got {text}")
    return value


def _build_params(args):
    from .model.pipeline.build import BuildParams

    if args.cost_fn == 0 and args.cost_fp == 0:
        raise _ArgumentsError("--cost-fn and --cost-fp are both 0, so every threshold would "
                              "cost nothing: give at least one of them a positive cost "
                              "(defaults: --cost-fn 10 --cost-fp 1)")
    return BuildParams(cost_fn=args.cost_fn, cost_fp=args.cost_fp, folds=args.folds,
                       seed=args.seed, iterations=args.iterations, sample=args.sample)


def _report_build(report) -> None:
    m = report.metrics
    print(f"{m['model']}: cv_auc {m['cv_auc']:.4f} ({m['folds']}-fold, out-of-fold), "
          f"threshold {report.threshold:.4f}, business cost {m['business_cost']:.4f} per client "
          f"(accept all {m['cost_accept_all']:.4f}, refuse all {m['cost_refuse_all']:.4f}, "
          f"0.5 {m['cost_at_0.5']:.4f}), calibration {m['calibration']}")


def _cmd_build(args) -> int:
    from .data import DataError
    from .bundle.errors import FeatureFrameError
    from .model.pipeline.build import build_bundle

    from papermill.exceptions import PapermillExecutionError

    try:
        report = build_bundle(args.data, args.out, _build_params(args), features=args.features)
    except (DataError, FeatureFrameError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PapermillExecutionError as exc:  # an OS error inside a notebook (full disk...)
        code = re.match(r"\[Errno (\d+)\]", exc.evalue or "")
        failure = OSError(int(code.group(1)) if code else None, exc.evalue)
        message = os_error_message(failure, args) if exc.ename.endswith("Error") else None
        if message is None:
            raise
        print(f"error: a notebook of the build failed: {message}", file=sys.stderr)
        return 2
    _report_build(report)
    return 0


def _cmd_demo(args) -> int:
    from .data import DataError
    from .bundle.errors import FeatureFrameError
    from .model.pipeline.build import DEMO_PARAMS, build_demo

    try:
        report = build_demo(args.data, args.out, args.clients, args.test_clients,
                            params=DEMO_PARAMS, force=args.force)
    except (DataError, FeatureFrameError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not report.skipped:
        _report_build(report)
    return 0


def _cmd_score(args) -> int:
    return _one_client(args, lambda s: s.explain(args.client, lang=args.lang))


def _assignment(text: str) -> tuple[str, float]:
    """``NAME=VALUE`` of ``--set`` (VALUE a number)."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, e.g. AMT_CREDIT=250000, got "
                                         f"{text!r}")
    try:
        number = float(value.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name.strip()}: expected a number after '=', got "
                                         f"{value!r}") from None
    return name.strip(), number


def _one_client(args, verb) -> int:
    """The commands about one client (score, whatif, recourse): open the bundle, run
    ``verb(scorer)`` and print its result (JSON with ``--json``, else text); a bundle, client
    or change that cannot work is one sentence on stderr and exit status 2."""
    import json

    from .bundle.errors import BundleError
    from .scoring import Scorer, UnknownClientError
    from .simulation import WhatIfError

    try:
        result = verb(Scorer.from_bundle(args.bundle))
    except (BundleError, UnknownClientError, WhatIfError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if args.json
          else result.to_text())
    return 0


def _cmd_whatif(args) -> int:
    changes = dict(args.set or [])
    return _one_client(args, lambda s: s.what_if(args.client, changes, lang=args.lang))


def _cmd_recourse(args) -> int:
    return _one_client(args, lambda s: s.recourse(args.client, lang=args.lang))


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port between 1 and 65535, got {text}")
    return value


def _cmd_serve(args) -> int:
    from .serve import ServeError, ServeOptions, serve

    if args.token is not None:
        print("warning: --token is visible to every user of this machine in the process "
              "list; give the token in the SCORING_TOKEN environment variable or with "
              "--token-file instead (--token will be removed)", file=sys.stderr)
    options = ServeOptions(bundle=args.bundle, port=args.port, ip=args.ip, token=args.token,
                           token_file=args.token_file, preheat=not args.no_preheat,
                           max_sessions=args.max_sessions, connect_grace=args.connect_grace,
                           render_timeout=args.render_timeout)
    if args.notebook is not None:
        options.notebook = args.notebook
    try:
        return serve(options)
    except ServeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _client_arguments(p, text: str, json_keys: str) -> None:
    """--bundle, --client, --lang and --json: the arguments of the commands about one client
    (score, whatif, recourse)."""
    p.add_argument("--bundle", required=True, help=f"bundle folder, e.g. {DEMO_BUNDLE}")
    p.add_argument("--client", type=int, required=True, help="the client's SK_ID_CURR")
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                   help=f"language of the {text} (default {DEFAULT_LANG})")
    p.add_argument("--json", action="store_true", help="print JSON (client_id, probability, "
                   f"decision, threshold, {json_keys}) instead of text")


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
    p.add_argument("--out", required=True, help="output folder (created if needed): new, "
                   "empty or written by scoring synth (other data is never overwritten)")
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
    p.add_argument("--force", action="store_true", help="rebuild even if the file is up to "
                   "date (a file that is not a feature file is never replaced)")
    p.set_defaults(func=_cmd_features)

    p = sub.add_parser("build", help="features, EDA and modelling notebooks (papermill), then "
                       "a verified bundle: model, threshold, metrics, client tables, reports")
    p.add_argument("--data", required=True, help="folder with the Kaggle files")
    p.add_argument("--out", required=True, help="bundle folder, e.g. artifacts/NAME: new, "
                   "empty or a bundle (replaced atomically at the end; any other folder is "
                   "refused)")
    p.add_argument("--cost-fn", type=_cost, default=10.0,
                   help="cost of granting a loan to a client who defaults (default 10)")
    p.add_argument("--cost-fp", type=_cost, default=1.0,
                   help="cost of refusing a client who would have repaid (default 1)")
    p.add_argument("--folds", type=_folds, default=5, help="cross-validation folds (default 5)")
    p.add_argument("--seed", type=int, default=0, help="seed of folds, sampling and models")
    p.add_argument("--iterations", type=_positive, default=1000,
                   help="the most boosting rounds of CatBoost and HistGradientBoosting (both "
                        "stop early on a share of each fold's training rows) (default 1000)")
    p.add_argument("--sample", type=_sample, default=None,
                   help="train on a stratified sample of N training clients (default: all); "
                   "every client is still scored")
    p.add_argument("--features", default=None, help="feature file to reuse or write (default: "
                   "a temporary file inside the build)")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("demo", help=f"generate the demo data if absent and build {DEMO_BUNDLE} "
                       "(skipped when the bundle is up to date)")
    p.add_argument("--data", default=DATA_RAW, help=f"data folder (default {DATA_RAW})")
    p.add_argument("--out", default=DEMO_BUNDLE, help=f"bundle folder (default {DEMO_BUNDLE})")
    p.add_argument("--clients", type=_positive, default=30_000,
                   help="training clients generated when the data folder is empty (default 30000)")
    p.add_argument("--test-clients", type=_non_negative, default=5_000,
                   help="test clients generated with them (default 5000)")
    p.add_argument("--force", action="store_true", help="rebuild even if the bundle is up to "
                   "date (a folder that is not a bundle is never replaced)")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("score", help="score one client of a bundle and explain the decision "
                       "in plain words (probability, decision, threshold, reasons)")
    _client_arguments(p, "reasons", "risk_band, reasons, ...")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("whatif", help="simulate one client's application with some "
                       "actionable variables changed (amount, duration, instalment, goods "
                       "price): probability, decision, reasons; nothing is written")
    _client_arguments(p, "text", "reasons, changes, ...")
    p.add_argument("--set", action="append", type=_assignment, metavar="NAME=VALUE",
                   help="a change, repeatable: AMT_CREDIT, DURATION_MONTHS, AMT_ANNUITY or "
                   "AMT_GOODS_PRICE, e.g. --set AMT_CREDIT=250000 --set DURATION_MONTHS=48")
    p.set_defaults(func=_cmd_whatif)

    p = sub.add_parser("recourse", help="what would get one client's credit granted: up to "
                       "3 different sets of changes of the amount, duration and goods price, "
                       "each verified by re-scoring")
    _client_arguments(p, "text", "options, message")
    p.set_defaults(func=_cmd_recourse)

    from .letter.command import add_parser as add_report  # scoring report: the client report
    add_report(sub)

    p = sub.add_parser("serve", help="serve the advisor dashboard (dashboard.ipynb) with Voila "
                       "on a bundle; token required off loopback")
    p.add_argument("--bundle", required=True, help=f"bundle folder, e.g. {DEMO_BUNDLE} "
                   "(checked before the server starts)")
    p.add_argument("--port", type=_port, default=8866, help="port (default 8866; no other "
                   "port is tried when it is taken)")
    p.add_argument("--ip", default="127.0.0.1", help="address to listen on (default "
                   "127.0.0.1); any non-loopback address requires a token")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--token-file", default=None, metavar="PATH", help="require the token "
                     "written in this file (chmod 600); or set SCORING_TOKEN; a token is "
                     "generated and printed when --ip is not a loopback address and none "
                     "is given")
    who.add_argument("--token", default=None, help="deprecated: visible to every local user "
                     "in the process list; use SCORING_TOKEN or --token-file")
    p.add_argument("--max-sessions", type=_positive, default=None, metavar="N",
                   help="at most N visitors' sessions (kernels) at a time, beyond that a "
                   "'busy' page (HTTP 503); default from the available memory and the "
                   "bundle's size (README: sizing --max-sessions)")
    p.add_argument("--connect-grace", type=float, default=120.0, metavar="SECONDS",
                   help="shut down a page's kernel when no browser connected to it within "
                   "SECONDS after the page was sent (default 120)")
    p.add_argument("--render-timeout", type=_positive, default=300, metavar="SECONDS",
                   help="a notebook cell running longer ends the page with an error "
                   "message (default 300)")
    p.add_argument("--no-preheat", action="store_true", help="start each visitor's kernel "
                   "on request instead of keeping one preheated kernel ready")
    p.add_argument("--notebook", default=None, help="notebook to serve instead of the "
                   "repository's dashboard.ipynb (it reads the SCORING_BUNDLE variable)")
    p.set_defaults(func=_cmd_serve)

    batch_parser(sub)  # scoring batch: scoring_lib/batch/command.py
    monitor_parser(sub)  # scoring monitor: scoring_lib/monitor/command.py
    return parser


# ------------------------------------------------------------------------------ failures
#: what to do about an OS error a person can cause (by errno)
_ADVICE = {
    errno.ENOSPC: "no space left on the disk: free some space or write elsewhere, then run "
                  "the command again",
    errno.EDQUOT: "disk quota exceeded: free some space or write elsewhere, then run the "
                  "command again",
    errno.EROFS: "read-only file system: choose a path on a writable disk",
    errno.EACCES: "permission denied: check the permissions of that path, or choose another "
                  "one",
    errno.EPERM: "operation not permitted: check the permissions of that path, or choose "
                 "another one",
    errno.ENOENT: "not found: check the path",
    errno.EISDIR: "is a folder where a file was expected: give the path of a file",
    errno.ENOTDIR: "a part of this path is a file where a folder was expected: check the path",
    errno.EEXIST: "already exists and is in the way (a file where a folder is needed?): "
                  "choose another path",
    errno.ENAMETOOLONG: "file name too long: choose a shorter path",
    errno.ELOOP: "too many symbolic links: check the path",
}
_BY_CLASS = ((PermissionError, errno.EACCES), (FileNotFoundError, errno.ENOENT),
             (IsADirectoryError, errno.EISDIR), (NotADirectoryError, errno.ENOTDIR),
             (FileExistsError, errno.EEXIST))
_BY_TEXT = (("No space left", errno.ENOSPC), ("Read-only file system", errno.EROFS),
            ("Permission denied", errno.EACCES))


def _main_path(args) -> str | None:
    """The path a command is about, for messages that have no other."""
    for name in ("out", "bundle", "data"):
        if getattr(args, name, None):
            return getattr(args, name)
    return None


def os_error_message(exc: OSError, args) -> str | None:
    """One sentence for an OS error a person can cause (naming the path and what to do),
    or None for one that only a bug explains."""
    code = exc.errno if exc.errno in _ADVICE else None
    for cls, value in _BY_CLASS:
        if code is None and isinstance(exc, cls):
            code = value
    for text, value in _BY_TEXT:
        if code is None and text in str(exc):
            code = value
    if code is None:
        return None
    path = exc.filename
    if path is None:  # pyarrow names the file in its message only
        quoted = re.search(r"'(/[^']+)'", str(exc))
        path = quoted.group(1) if quoted else None
    if path is None:
        path = _main_path(args) or f"scoring {args.command}"
    return f"{path}: {_ADVICE[code]}"


def _interrupted_message(args) -> str:
    from pathlib import Path

    from .outputs import COMMITTED

    out = getattr(args, "out", None)
    if not out:
        return "interrupted"
    done = [p for p in dict.fromkeys(COMMITTED) if p.exists()]  # not those of a staging
    if Path(out).resolve() in {p.resolve() for p in done}:  # just after its last rename
        return f"interrupted after {out} was written completely"
    also = (f" ({', '.join(map(str, done))} had been written completely before)"
            if done else "")
    return f"interrupted: nothing was written to {out}{also}"


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM (``kill``, a container stop) interrupts like Ctrl-C, for the time of a command:
    temporary files are removed and child processes stopped on the way out."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, interrupt) if main_thread else None
    try:
        yield
    finally:
        if main_thread and previous is not None:  # None: set outside Python, left as is
            signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    from .outputs import COMMITTED, OutputError

    args = build_parser().parse_args(argv)
    COMMITTED.clear()
    try:
        with _sigterm_as_interrupt():
            return args.func(args)
    except KeyboardInterrupt:
        print(_interrupted_message(args), file=sys.stderr, flush=True)
        return 130
    except (OutputError, _ArgumentsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        message = os_error_message(exc, args)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
