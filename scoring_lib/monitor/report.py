"""The monitoring report as a person reads it: text (``scoring monitor``) and a standalone
HTML page (``scoring monitor --out REPORT.html``, the monitoring notebook). Words come from
:mod:`scoring_lib.words`; every value written into HTML is escaped."""

from __future__ import annotations

import html
import json
from pathlib import Path

from ..words import number, tr

#: the features listed in the text output (the HTML page lists them all)
TOP = 15
#: the mark that says an HTML file was written by this module (so --out may replace it)
GENERATOR = "scoring monitor"

__all__ = ["GENERATOR", "TOP", "band_word", "feature_label", "feature_text", "report_html",
           "report_refusal", "report_text"]


def band_word(band: str | None, lang: str) -> str:
    return tr(f"band_{band}", lang) if band else "—"


def feature_label(record: dict, lang: str) -> str:
    """The label a person knows a drift record's variable by (``label_fr`` / ``label_en``,
    given by ``run_monitor``), or its code name when the report has none."""
    return record.get(f"label_{lang}") or record["feature"]


def feature_text(record: dict, lang: str) -> str:
    """"Score externe n°3 (EXT_SOURCE_3)": the label, with the code name beside it for a
    data scientist (the code name alone when there is no label)."""
    label = feature_label(record, lang)
    return label if label == record["feature"] else f"{label} ({record['feature']})"


def _psi(value, lang: str) -> str:
    return "—" if value is None else number(value, 3, lang)


def _lines(report: dict, lang: str, top: int | None) -> list[tuple]:
    """(kind, text) pairs: "title", "line", "heading", "unseen"; and ("feature", (record,
    psi, band)) with the PSI and the band in words."""
    bands = report["bands"]
    out = [("title", tr("monitor_title", lang)),
           ("line", tr("monitor_populations", lang, n_new=number(report["n_new"], 0, lang),
                       table=report.get("table", ""),
                       n_reference=number(report["n_reference"], 0, lang))),
           ("line", tr("monitor_score", lang, psi=_psi(report["score_psi"], lang),
                       band=band_word(report["score_band"], lang))),
           ("line", tr("monitor_bands", lang, act=bands["act"], watch=bands["watch"],
                       stable=bands["stable"])),
           ("line", tr("monitor_rule", lang)),
           ("line", tr("gloss_psi", lang))]
    rows = report["features"] if top is None else report["features"][:top]
    out.append(("heading", tr("monitor_top", lang, k=len(rows)) if top is not None
                else tr("monitor_all", lang)))
    for r in rows:
        out.append(("feature", (r, _psi(r["psi"], lang), band_word(r["band"], lang))))
    unseen = report.get("unseen_categories") or {}
    if unseen:
        records = {r["feature"]: r for r in report["features"]}
        out.append(("heading", tr("monitor_unseen", lang)))
        for feature, levels in unseen.items():
            shown = ", ".join(f"{level} ({count})" for level, count in levels.items())
            name = feature_text(records.get(feature, {"feature": feature}), lang)
            out.append(("unseen", f"{name}{' :' if lang == 'fr' else ':'} {shown}"))
    return out


def report_text(report: dict, lang: str = "fr", top: int = TOP) -> str:
    """The report as plain text (the ``top`` features of largest PSI)."""
    out = []
    for kind, text in _lines(report, lang, top):
        if kind == "feature":  # PSI and band in columns, then the variable (long labels)
            record, psi, band = text
            out.append(f"  PSI {psi:>7}  {band:<13} {feature_text(record, lang)}")
        elif kind == "unseen":
            out.append(f"  {text}")
        elif kind == "heading":
            out.append("")
            out.append(text)
        else:
            out.append(text)
    return "\n".join(out) + "\n"


def report_html(report: dict, lang: str = "fr") -> str:
    """The whole report as a standalone HTML page (every feature; values escaped)."""
    e = html.escape
    body, table = [], []
    for kind, text in _lines(report, lang, None):
        if kind == "title":
            body.append(f"<h1>{e(text)}</h1>")
        elif kind == "heading":
            if table:
                body.append("<table>" + "".join(table) + "</table>")
                table = []
            body.append(f"<h2>{e(text)}</h2>")
        elif kind == "feature":
            record, psi, band = text
            label, code = feature_label(record, lang), record["feature"]
            if not table:
                table.append(f"<tr><th>{e(tr('monitor_variable', lang))}</th>"
                             f"<th>{e(tr('monitor_code', lang))}</th><th>PSI</th>"
                             f"<th>{e(tr('monitor_band', lang))}</th></tr>")
            table.append(f"<tr class='{e(band)}'><td>{e(label)}</td><td><code>{e(code)}"
                         f"</code></td><td>{e(psi)}</td><td>{e(band)}</td></tr>")
        elif kind == "unseen":
            body.append(f"<p>{e(text)}</p>")
        else:
            body.append(f"<p>{e(text)}</p>")
    if table:
        body.append("<table>" + "".join(table) + "</table>")
    data = e(json.dumps({k: report[k] for k in ("score_psi", "n_new", "n_reference")}))
    # the style is scoped to the report's block: the monitoring notebook shows this page
    # inside its own, whose body it must not restyle
    return (f"<!DOCTYPE html><html lang='{e(lang)}'><head><meta charset='utf-8'>"
            f"<meta name='generator' content='{GENERATOR}'>"
            f"<title>{e(tr('monitor_title', lang))}</title><style>"
            ".scoring-monitor{font-family:sans-serif;max-width:60em;margin:2em auto}"
            ".scoring-monitor table{border-collapse:collapse}.scoring-monitor td,"
            ".scoring-monitor th{padding:2px 8px;border-bottom:1px solid #ddd}"
            "</style></head><body data-summary='" + data + "'><div class='scoring-monitor'>"
            + "".join(body) + "</div></body></html>\n")


def report_refusal(path: Path) -> str | None:
    """None if ``path`` is an HTML report this module wrote (``--out`` may replace it)."""
    try:
        head = Path(path).read_bytes()[:400].decode("utf-8", "replace")
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    if f"content='{GENERATOR}'" not in head:
        return "it is not a report written by scoring monitor"
    return None
