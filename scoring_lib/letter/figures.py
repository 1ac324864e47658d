"""The report's two figures, drawn with reportlab's own graphics (vector shapes, no image):
the gauge of the probability with the threshold, and the client against similar clients.

Geometry lives in small pure functions (:func:`gauge_scale`, :func:`strip_scale`) that tests
can call; the colours are the dashboard's (colour-blind safe, Okabe-Ito), and every colour
comes with words.
"""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..decision import GRANTED
from ..words import percent, tr
from .fonts import BOLD, REGULAR, printable

BLUE, ORANGE, INK = HexColor("#0072B2"), HexColor("#D55E00"), HexColor("#1F2933")
LIGHT_BLUE, LIGHT_ORANGE = HexColor("#CFE3F1"), HexColor("#F6D5C2")
GREY, LIGHT_GREY, MID_GREY = HexColor("#52606D"), HexColor("#E4E9EF"), HexColor("#A9B8C8")
#: the gauge's possible right ends, in percent
GAUGE_ENDS = (20, 25, 30, 40, 50, 60, 80, 100)


def gauge_scale(probability: float, threshold: float) -> tuple[float, float]:
    """``(right end, tick step)`` of the gauge, in percent: a round end that shows the
    threshold in the first half or so and the client's probability (100 when needed)."""
    top = max(20.0, 2.2 * 100 * threshold, 1.1 * 100 * probability)
    end = next((float(e) for e in GAUGE_ENDS if top <= e), 100.0)
    return end, (5.0 if end <= 30 else 10.0 if end <= 60 else 20.0)


def _label(x: float, y: float, text: str, width: float, size: float = 8,
           font: str = REGULAR, colour=INK) -> String:
    """A text centred on ``x``, kept inside ``[0, width]``."""
    text = printable(text)
    w = stringWidth(text, font, size)
    anchor, at = "middle", x
    if x - w / 2 < 0:
        anchor, at = "start", 0.0
    elif x + w / 2 > width:
        anchor, at = "end", width
    return String(at, y, text, fontName=font, fontSize=size, fillColor=colour,
                  textAnchor=anchor)


def gauge(probability: float, threshold: float, decision: str, lang: str,
          width: float = 470.0) -> Drawing:
    """The probability of default on a bar from 0 to a round end: the zone below the
    threshold in light blue, above in light orange, the client's bar (blue granted, orange
    refused), the threshold's line and both labelled in words."""
    end, step = gauge_scale(probability, threshold)
    height = 74.0
    d = Drawing(width, height)

    def x(pct: float) -> float:
        return max(0.0, min(width, width * pct / end))

    p, t = 100 * probability, 100 * threshold
    base, thick = 16.0, 20.0
    d.add(Rect(0, base, x(t), thick, fillColor=LIGHT_BLUE, strokeColor=None))
    d.add(Rect(x(t), base, width - x(t), thick, fillColor=LIGHT_ORANGE, strokeColor=None))
    colour = BLUE if decision == GRANTED else ORANGE
    d.add(Rect(0, base + 5, max(x(p), 1.5), thick - 10, fillColor=colour, strokeColor=None))
    d.add(Line(x(t), base - 3, x(t), base + thick + 14, strokeColor=INK, strokeWidth=1.6))
    tick = 0.0
    while tick <= end + 1e-9:
        d.add(Line(x(tick), base, x(tick), base - 3, strokeColor=GREY, strokeWidth=0.6))
        d.add(_label(x(tick), 2, percent(tick / 100, lang, decimals=0), width, 7,
                     colour=GREY))
        tick += step
    # the client above the bar, the threshold above it: two rows, never on top of each other
    d.add(Polygon([x(p) - 4, base + thick + 6, x(p) + 4, base + thick + 6, x(p),
                   base + thick + 1], fillColor=colour, strokeColor=None))
    d.add(_beside(_label(x(p), base + thick + 8, f"{tr('gauge_client', lang)} "
                         f"{percent(probability, lang, versus=threshold)}", width, 8.5, BOLD, colour),
                  x(t), p >= t, width))
    d.add(_label(x(t), base + thick + 22, tr("threshold_label", lang,
                                             threshold=percent(threshold, lang,
                                                                       versus=probability)),
                 width, 8.5, REGULAR, INK))
    return d


def _span(label: String) -> tuple[float, float]:
    w = stringWidth(label.text, label.fontName, label.fontSize)
    start = {"start": label.x, "middle": label.x - w / 2, "end": label.x - w}[label.textAnchor]
    return start, start + w


def _beside(label: String, line: float, right: bool, width: float, gap: float = 5.0) -> String:
    """``label`` moved beside the vertical line at ``line`` when it would cross it: to its
    right (``right``, the client above the threshold) or left, within ``[0, width]``."""
    start, end = _span(label)
    if end < line - gap / 2 or start > line + gap / 2:
        return label
    w = end - start
    if right and line + gap + w <= width or not right and line - gap - w < 0:
        label.x, label.textAnchor = line + gap, "start"
    else:
        label.x, label.textAnchor = line - gap, "end"
    return label


def strip_scale(values) -> tuple[float, float]:
    """``(low, high)`` of a comparison strip: every finite value inside, 4 % margin."""
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not finite:
        return 0.0, 1.0
    lo, hi = min(finite), max(finite)
    if hi <= lo:
        lo, hi = lo - 0.5 * (abs(lo) or 1.0), hi + 0.5 * (abs(hi) or 1.0)
    pad = 0.04 * (hi - lo)
    return lo - pad, hi + pad


def comparison(rows, lang: str, width: float = 470.0, label_width: float = 150.0,
               row_height: float = 40.0) -> Drawing:
    """One strip per :class:`~.content.Compared` row: the similar clients' 5th-95th
    percentiles (light bar), 25th-75th (dark bar), median (line), the client (diamond, its
    value written above it; nothing when unknown)."""
    d = Drawing(width, row_height * len(rows) + 4)
    left, right = label_width, width - 6
    for i, row in enumerate(rows):
        y0 = row_height * (len(rows) - 1 - i) + 4
        mid = y0 + 11
        lo, hi = strip_scale([row.q05, row.q95, row.value])

        def x(v: float) -> float:
            return left + (right - left) * (v - lo) / (hi - lo)

        d.add(String(0, mid - 3, printable(row.label), fontName=BOLD, fontSize=8,
                     fillColor=INK))
        if math.isfinite(row.q05) and math.isfinite(row.q95):
            d.add(Rect(x(row.q05), mid - 4, x(row.q95) - x(row.q05), 8, fillColor=LIGHT_GREY,
                       strokeColor=None))
            d.add(Rect(x(row.q25), mid - 4, x(row.q75) - x(row.q25), 8, fillColor=MID_GREY,
                       strokeColor=None))
            d.add(Line(x(row.q50), mid - 7, x(row.q50), mid + 7, strokeColor=INK,
                       strokeWidth=1.4))
            d.add(_shifted(_label(x(row.q05), mid - 15, row.low_text, width, 7,
                                  colour=GREY), left))
            d.add(_label(x(row.q95), mid - 15, row.high_text, width, 7, colour=GREY))
        if math.isfinite(row.value):
            cx = x(row.value)
            d.add(Polygon([cx, mid - 6, cx + 5, mid, cx, mid + 6, cx - 5, mid],
                          fillColor=INK, strokeColor=HexColor("#FFFFFF"), strokeWidth=0.8))
            d.add(_shifted(_label(cx, mid + 8, row.value_text, width, 7.5, BOLD), left))
    return d


def _shifted(label: String, left: float) -> String:
    """A label kept right of ``left`` (the variable names' column)."""
    if label.textAnchor == "start" and label.x < left:
        label.x = left
    elif label.textAnchor == "middle":
        w = stringWidth(label.text, label.fontName, label.fontSize)
        if label.x - w / 2 < left:
            label.x, label.textAnchor = left, "start"
    return label
