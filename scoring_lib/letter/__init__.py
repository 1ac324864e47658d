"""The client report: a decision letter the advisor can hand over (``scoring report``, the
dashboard's download button).

* :mod:`.content` — what the report says (:class:`~.content.Letter`, built from the Scorer:
  decision, reasons, recourse, similar clients, data used, rights, audit references);
* :mod:`.pdf` — its A4 layout with reportlab, in memory; :mod:`.figures` — the gauge and
  the comparison, drawn with reportlab's graphics; :mod:`.fonts` — the embedded fonts;
* :mod:`.files` — :func:`client_letter` (bytes) and :func:`write_letter` (a file, written
  atomically with :mod:`scoring_lib.outputs`' rules: a missing folder, an existing file that
  is not a report this command wrote, or an unknown client is refused and nothing is
  written); :mod:`.command` — ``scoring report``.

The names are given lazily (PEP 562): ``scoring --help`` does not import reportlab.
"""

from __future__ import annotations

import importlib

#: public name -> the module that holds it
_NAMES = {"Letter": "content", "letter_content": "content", "CREATOR": "pdf",
          "render": "pdf", "client_letter": "files", "write_letter": "files",
          "check_letter_output": "files", "report_refusal": "files"}
__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
