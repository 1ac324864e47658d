"""``scoring report --bundle B --client ID --out FILE.pdf [--lang fr|en]``: the client report
as a PDF file. ``scoring_lib.cli`` registers it (:func:`add_parser`); the work is imported
when the command runs."""

from __future__ import annotations

import sys

from ..paths import DEMO_BUNDLE
from ..words import DEFAULT_LANG, LANGS


def add_parser(sub) -> None:
    """The ``report`` sub-command on ``sub`` (argparse sub-parsers)."""
    p = sub.add_parser("report", help="the client report: a one- or two-page PDF letter "
                       "(decision, reasons, what could change it, similar clients, data "
                       "used, rights, audit references)")
    p.add_argument("--bundle", required=True, help=f"bundle folder, e.g. {DEMO_BUNDLE}")
    p.add_argument("--client", type=int, required=True, help="the client's SK_ID_CURR")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write, in "
                   "an existing folder (an existing file is replaced only if it is a report "
                   "this command wrote)")
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                   help=f"language of the report (default {DEFAULT_LANG})")
    p.set_defaults(func=run)


def run(args) -> int:
    """Check ``--out``, open the bundle, write the report; one line naming the file. A
    bundle or client that cannot work is one sentence on stderr and exit status 2 (a bad
    ``--out`` raises :class:`~scoring_lib.outputs.OutputError`, said by the CLI)."""
    from ..bundle.errors import BundleError
    from ..scoring import Scorer, UnknownClientError
    from .files import check_letter_output, write_letter

    check_letter_output(args.out, args.bundle)
    try:
        scorer = Scorer.from_bundle(args.bundle)
        path = write_letter(scorer, args.client, args.out, lang=args.lang)
    except (BundleError, UnknownClientError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    size = path.stat().st_size
    print(f"Wrote {path} (client {args.client}, {args.lang}, {size / 1000:.0f} kB).")
    return 0
