"""``scoring monitor``: its arguments, what it prints and writes (registered by
scoring_lib.cli). Heavy imports happen in :func:`run`, so ``scoring --help`` stays quick."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..paths import DATA_RAW, DEMO_BUNDLE
from ..words import DEFAULT_LANG, LANGS

DEFAULT_TABLE = "application_test"  # scoring_lib.monitor.monitor.DEFAULT_TABLE (light import)


def add_parser(sub) -> None:
    p = sub.add_parser("monitor", help="compare new applications with a bundle's training "
                       "population: population stability index (PSI) of the score and of "
                       "every model variable, categories never seen in training")
    p.add_argument("--bundle", default=DEMO_BUNDLE, help=f"bundle folder (default "
                   f"{DEMO_BUNDLE}); its training clients are the reference")
    p.add_argument("--data", default=DATA_RAW, help=f"folder with the Kaggle files of the new "
                   f"applications and their child tables (default {DATA_RAW})")
    p.add_argument("--table", choices=("application_test", "application_train"),
                   default=DEFAULT_TABLE, help=f"the new applications (default "
                   f"{DEFAULT_TABLE}; TARGET, if present, is ignored)")
    p.add_argument("--json", action="store_true", help="print the report as JSON (keys "
                   "score_psi, features, n_new, n_reference, unseen_categories...)")
    p.add_argument("--out", default=None, metavar="REPORT.html", help="also write the "
                   "report as a standalone HTML page, and its JSON beside it (REPORT.json: "
                   "the dashboard's model tab shows it)")
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                   help=f"language of the text and of the HTML page (default {DEFAULT_LANG})")
    p.set_defaults(func=run)


def json_path(out) -> Path:
    """The JSON written beside the HTML report ``out``."""
    return Path(out).with_suffix(".json")


def _json_refusal(path: Path) -> str | None:
    try:
        value = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return "it is not JSON"
    if not isinstance(value, dict) or "score_psi" not in value or "features" not in value:
        return "it has no score_psi and features"
    return None


def check_out(out) -> None:
    """Refuse an ``--out`` (or its JSON sibling) that exists and is not one of our reports,
    before any work (:class:`~scoring_lib.outputs.OutputError`)."""
    from ..outputs import OutputError, check_output_file
    from .report import report_refusal

    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"--out {out}: expected a file name ending in .html (the report "
                          f"page; its JSON goes beside it), got {out.name!r}", out)
    if out.is_dir():
        raise OutputError(f"--out {out} is a folder, not a file: give a file path for the "
                          f"report, e.g. {out / 'drift.html'}", out)
    if json_path(out).is_dir():
        raise OutputError(f"--out {out}: its JSON {json_path(out)} would replace a folder; "
                          f"choose another --out", out)
    check_output_file(out, report_refusal, "monitoring report")
    check_output_file(json_path(out), _json_refusal, "monitoring report in JSON")


def write_report(report: dict, out, lang: str = DEFAULT_LANG) -> Path:
    """Write the HTML page ``out`` and its JSON beside it (each atomically; the staging
    files of an interrupted run swept first)."""
    from ..bundle.store import jsonable
    from ..outputs import sweep_stale, write_atomic
    from .report import report_html

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(out.parent)
    write_atomic(json_path(out), json.dumps(jsonable(report), indent=1, allow_nan=False))
    write_atomic(out, report_html(report, lang))
    return out


def run(args) -> int:
    from ..bundle.errors import BundleError
    from ..bundle.store import jsonable
    from ..data.errors import DataError
    from .monitor import MonitorError, run_monitor
    from .report import report_text

    if args.out:
        check_out(args.out)
    try:
        report = run_monitor(args.bundle, args.data, args.table,
                             log=lambda line: print(line, file=sys.stderr, flush=True))
    except (MonitorError, DataError, BundleError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out:
        write_report(report, args.out, args.lang)
    if args.json:
        print(json.dumps(jsonable(report), indent=1, allow_nan=False))
    else:
        sys.stdout.write(report_text(report, args.lang))
        if args.out:
            print(f"\n{args.out} ({json_path(args.out).name})")
    return 0
