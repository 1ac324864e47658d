"""The report's fonts: Bitstream Vera, shipped inside reportlab's wheel (no system font, so
the same PDF everywhere), embedded as subsets.

Vera has every character of the product's words but the narrow no-break space that French
puts before "%" and between thousands (:data:`scoring_lib.words.NNBSP`): :func:`printable`
writes it as a no-break space (the same meaning: no line break there), and any character
the font lacks as "?" rather than an empty box.
"""

from __future__ import annotations

import os
import threading

import reportlab
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..words import NNBSP

REGULAR, BOLD, ITALIC, BOLD_ITALIC = "Vera", "VeraBd", "VeraIt", "VeraBI"
NBSP = "\u00a0"
_FOLDER = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
_lock = threading.Lock()
_glyphs: set[int] = set()


def register() -> None:
    """Register the four Vera faces with reportlab (once per process)."""
    with _lock:
        if _glyphs:
            return
        for name in (REGULAR, BOLD, ITALIC, BOLD_ITALIC):
            pdfmetrics.registerFont(TTFont(name, os.path.join(_FOLDER, f"{name}.ttf")))
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, ITALIC)
        addMapping(REGULAR, 1, 1, BOLD_ITALIC)
        _glyphs.update(pdfmetrics.getFont(REGULAR).face.charToGlyph)


def printable(text) -> str:
    """``text`` with the narrow no-break space as a no-break space and every character the
    font cannot draw as "?" (line breaks kept)."""
    register()
    text = str(text).replace(NNBSP, NBSP)
    return "".join(c if ord(c) in _glyphs or c == "\n" else "?" for c in text)
