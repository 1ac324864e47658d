"""The report's layout: a :class:`~.content.Letter` as an A4 PDF (reportlab's platypus), in
memory.

Page 1 opens with the lender, the date, the client's number and the title, then the
decision (words, colour, the gauge), the threshold's rule, the reasons, what could change
the decision; the comparison with similar clients, the data used and the client's rights
follow (on page 2 when page 1 is full). Every page ends with the audit line (bundle, model,
data fingerprint) and "Page n sur N". Texts go through :func:`.fonts.printable` and are
escaped for reportlab's paragraph markup (client data may hold ``<`` or ``&``).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate,
                                Spacer, Table, TableStyle)

from ..decision import GRANTED
from ..words import tr
from .figures import BLUE, GREY, INK, ORANGE, comparison, gauge
from .fonts import BOLD, REGULAR, printable, register

#: what the PDF's metadata names as its creator: how ``scoring report`` recognises a file
#: it wrote (and may replace)
CREATOR = "scoring_lib client report"
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
NAVY = HexColor("#0B3C5D")


def _styles() -> dict[str, ParagraphStyle]:
    register()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.2, leading=12.2,
                          textColor=INK, spaceAfter=3)
    return {
        "body": body,
        "lender": ParagraphStyle("lender", body, fontName=BOLD, fontSize=15, leading=18,
                                 textColor=NAVY),
        "date": ParagraphStyle("date", body, alignment=TA_RIGHT, textColor=GREY),
        "client": ParagraphStyle("client", body, fontName=BOLD, fontSize=10.5, leading=14),
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=17, leading=21,
                                textColor=NAVY, spaceBefore=4, spaceAfter=8),
        "h2": ParagraphStyle("h2", body, fontName=BOLD, fontSize=11.5, leading=14,
                             textColor=NAVY, spaceBefore=9, spaceAfter=4),
        "h3": ParagraphStyle("h3", body, fontName=BOLD, fontSize=9.6, leading=12.5,
                             spaceBefore=3, spaceAfter=2),
        "bullet": ParagraphStyle("bullet", body, leftIndent=12, bulletIndent=2,
                                 spaceAfter=2),
        "decision": ParagraphStyle("decision", body, fontName=BOLD, fontSize=15, leading=19),
        "note": ParagraphStyle("note", body, fontSize=8.2, leading=10.5, textColor=GREY),
    }


def _p(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    return Paragraph(escape(printable(text)), style, bulletText=bullet)


class _NumberedCanvas(Canvas):
    """A canvas that writes "Page n sur N" and the audit line on every page once the page
    count is known (reportlab's two-pass idiom: pages are kept, then drawn)."""

    footer: tuple[str, str] = ("", "")   # (audit line, page text with {page} {pages})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        audit, page_text = self.footer
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            self.setStrokeColor(HexColor("#D9E2EC"))
            self.line(MARGIN, 15 * mm, A4[0] - MARGIN, 15 * mm)
            self.setFillColor(GREY)
            self.setFont(REGULAR, 7.5)
            self.drawRightString(A4[0] - MARGIN, 11 * mm, printable(
                page_text.format(page=number, pages=len(self._pages))))
            self.setFont(REGULAR, 6.5)
            self.drawString(MARGIN, 7.5 * mm, printable(audit))
            super().showPage()
        super().save()


def _header(letter, s) -> list:
    top = Table([[_p(letter.lender, s["lender"]),
                  _p(letter.t("letter_date", date=letter.date), s["date"])]],
                colWidths=[WIDTH * 0.6, WIDTH * 0.4])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("LINEBELOW", (0, 0), (-1, 0), 1.2, BLUE),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return [top, Spacer(1, 6), _p(letter.heading, s["client"]), _p(letter.title, s["title"])]


def _decision(letter, s) -> list:
    colour = BLUE if letter.decision == GRANTED else ORANGE
    words = ParagraphStyle("decided", s["decision"], textColor=colour)
    box = Table([[[_p(letter.decision_text, words),
                   _p(f"{letter.band_text} · {letter.t('probability_label')} "
                      f"{letter.probability_text}", s["h3"]),
                   _p(letter.interpretation, s["body"])]]], colWidths=[WIDTH])
    box.setStyle(TableStyle([("LINEBEFORE", (0, 0), (0, 0), 5, colour),
                             ("LEFTPADDING", (0, 0), (-1, -1), 10),
                             ("BACKGROUND", (0, 0), (-1, -1), HexColor("#F5F7FA")),
                             ("TOPPADDING", (0, 0), (-1, -1), 6),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return [_p(letter.t("letter_decision"), s["h2"]), box, Spacer(1, 8),
            gauge(letter.probability, letter.threshold, letter.decision, letter.lang,
                  WIDTH),
            _p(letter.t("gauge_axis"), s["note"]),
            _p(letter.t("letter_threshold_title"), s["h2"]),
            _p(letter.threshold_rule, s["body"])]


def _reasons(letter, s) -> list:
    out = [_p(letter.t("explain_title"), s["h2"]), _p(letter.t("letter_reasons_intro"),
                                                      s["body"])]
    for key, sentences in (("raises", letter.raises), ("lowers", letter.lowers)):
        block = [_p(letter.t(key), s["h3"])]
        block += ([_p(x, s["bullet"], "•") for x in sentences]
                  or [_p(letter.t("no_reason"), s["body"])])
        out.append(KeepTogether(block))
    return out


def _recourse(letter, s) -> list:
    if letter.recourse is None:
        return []
    block = [_p(letter.t("letter_recourse_title"), s["h2"])]
    block += [_p(x, s["bullet"], "•") for x in letter.recourse]
    if letter.recourse_note:
        block.append(_p(letter.recourse_note, s["note"]))
    return [KeepTogether(block)]


def _comparison(letter, s) -> list:
    if not letter.comparisons:
        return []
    block = [_p(letter.t("letter_compare_title"), s["h2"]),
             _p(letter.compare_intro, s["body"]), Spacer(1, 4),
             comparison(letter.comparisons, letter.lang, WIDTH), Spacer(1, 4)]
    block += [_p(c.sentence, s["bullet"], "•") for c in letter.comparisons]
    if letter.compare_outcome:
        block.append(_p(letter.compare_outcome, s["body"]))
    return [CondPageBreak(60 * mm), KeepTogether(block)]


def _sources_and_rights(letter, s) -> list:
    sources = [_p(letter.t("letter_sources_title"), s["h2"]),
               _p(letter.t("letter_sources_intro"), s["body"]),
               *(_p(x, s["bullet"], "•") for x in letter.sources)]
    rights = [_p(letter.t("letter_rights_title"), s["h2"]), _p(letter.rights_intro, s["body"]),
              *(_p(x, s["bullet"], "•") for x in letter.rights),
              _p(letter.contact, s["body"])]
    return [KeepTogether(sources), KeepTogether(rights)]


def render(letter) -> bytes:
    """The PDF of ``letter`` (A4, one or two pages), as bytes."""
    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=14 * mm, bottomMargin=20 * mm, title=printable(
                                f"{letter.title} — {letter.heading}"),
                            author=printable(letter.lender), creator=CREATOR,
                            subject=printable(letter.audit), lang=letter.lang)
    story = [*_header(letter, s), *_decision(letter, s), *_reasons(letter, s),
             *_recourse(letter, s), *_comparison(letter, s), *_sources_and_rights(letter, s)]

    class Footer(_NumberedCanvas):
        footer = (letter.audit, tr("page", letter.lang, page="{page}", pages="{pages}"))

    doc.build(story, canvasmaker=Footer)
    return buffer.getvalue()
