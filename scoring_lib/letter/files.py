"""The report as bytes (:func:`client_letter`) or as a file (:func:`write_letter`, atomic,
checked with :mod:`scoring_lib.outputs`' rules)."""

from __future__ import annotations

import os
from pathlib import Path

from ..outputs import OutputError, check_output_file, check_separate, sweep_stale, write_atomic
from .content import letter_content
from .pdf import CREATOR, render

__all__ = ["SUFFIX", "check_letter_output", "client_letter", "report_refusal", "write_letter"]
#: what an output path must end with
SUFFIX = ".pdf"


def client_letter(scorer, client_id, lang: str = "fr", **options) -> bytes:
    """The PDF report of ``client_id`` in ``lang`` (``options``: ``lender``, ``contact``,
    ``day`` of :func:`~.content.letter_content`). Raises the Scorer's ``UnknownClientError``
    for a client that is not in the bundle."""
    return render(letter_content(scorer, client_id, lang, **options))


def report_refusal(path: Path) -> str | None:
    """None if ``path`` is a PDF this command wrote (its metadata names :data:`CREATOR`),
    else why not (for :func:`scoring_lib.outputs.check_output_file`)."""
    try:
        with open(path, "rb") as f:
            head = f.read(5)
            f.seek(max(0, os.path.getsize(path) - 65536))
            tail = f.read()
    except OSError as exc:
        return f"it cannot be read: {exc.strerror or exc}"
    if head != b"%PDF-":
        return "it is not a PDF"
    if b"(" + CREATOR.encode() + b")" not in tail and CREATOR.encode() not in tail:
        return "it is a PDF that scoring report did not write"
    return None


def check_letter_output(out, bundle=None, out_arg: str = "--out") -> Path:
    """Raise :class:`~scoring_lib.outputs.OutputError` unless ``out`` may be written: a
    ``.pdf`` path in an existing folder, absent or a report this command wrote, not inside
    the bundle."""
    out = Path(out)
    if out.suffix.lower() != SUFFIX:
        raise OutputError(f"{out_arg} {out}: expected a file name ending in {SUFFIX} (the "
                          f"report is a PDF), got {out.suffix or 'no extension'}", out)
    if bundle is not None:
        check_separate(out, {"--bundle": bundle}, out_arg)
    if out.is_dir():
        raise OutputError(f"{out_arg} {out} is a folder, not a file: give a file path for "
                          f"the report, e.g. {out / 'rapport.pdf'}", out)
    folder = out.parent
    if not folder.is_dir():
        raise OutputError(f"{out_arg} {out}: the folder {folder} does not exist; create it "
                          f"first or choose another {out_arg}", out)
    check_output_file(out, report_refusal, "client report", out_arg)
    return out


def write_letter(scorer, client_id, out, lang: str = "fr", out_arg: str = "--out",
                 **options) -> Path:
    """Write the report of ``client_id`` to ``out`` atomically (a staging file beside it,
    then a rename): checked first (:func:`check_letter_output`), then built in memory, so
    that an unknown client or a bad path leaves nothing behind. Returns ``out``."""
    out = check_letter_output(out, scorer.bundle.path, out_arg)
    data = client_letter(scorer, client_id, lang, **options)
    sweep_stale(out.parent)
    return write_atomic(out, data)
