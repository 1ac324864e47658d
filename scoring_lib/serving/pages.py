"""What a visitor of ``scoring serve`` reads besides the dashboard, in French and English
(the texts are those of :mod:`scoring_lib.words`: ``wait_*``, ``failed_*``, ``busy_*``).

- :func:`waiting_html`: sent first, before Voilà's page. It opens the document (so it
  carries the doctype) and shows, in a bar at the top of the window, that the page is being
  prepared and how many requests wait before it (N); :func:`ahead_script` updates N while
  the request waits in the render queue; the bar removes itself once Voilà shows the dashboard. Voilà's page follows
  in the same response: the HTML parser ignores its second doctype, ``<html>`` and ``<head>``
  tags (their attributes are merged, their contents kept), as every browser does by the
  HTML standard's "in body" rules.
- :func:`failed_html`: appended when the render failed (:class:`RenderWatch`): what
  happened and "reload the page", instead of a blank or half page.
- :func:`busy_html`: the whole body of the 503 answer beyond ``--max-sessions``.
"""

from __future__ import annotations

import html
import json

from ..words import LANGS, tr

BAR_STYLE = ("position:fixed;top:0;left:0;right:0;z-index:10000;margin:0;padding:10px 16px;"
             "font:15px/1.4 sans-serif;border-bottom:1px solid #c8c8c8;")

#: the kinds of failure, each told by the text ``failed_<kind>`` of :mod:`scoring_lib.words`
FAILURES = ("error", "timeout", "kernel", "server")
RETRY_AFTER_SECONDS = 30


def _text(key: str, lang: str, **values) -> str:
    """A text of :mod:`scoring_lib.words`, escaped for HTML."""
    return html.escape(tr(key, lang, **values), quote=False)


def _ahead(n: int, lang: str) -> str:
    return _text("wait_ahead", lang, n=n) if n > 0 else ""


def _ahead_js(lang: str) -> str:
    """A JavaScript expression of ``n``: the text ``wait_ahead`` in ``lang``."""
    before, after = tr("wait_ahead", lang).split("{n}")
    return f"{json.dumps(before)} + n + {json.dumps(after)}"


def waiting_html(ahead: int = 0) -> str:
    """The start of every page: the document's opening and the waiting bar."""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:;base64,="></head><body>
<div id="scoring-wait" role="status" style="{BAR_STYLE}background:#eef4fb;color:#1d3557">
<span lang="fr">{_text("wait_preparing", "fr")} <span id="scoring-ahead-fr">{
_ahead(ahead, "fr")}</span></span>
/ <span lang="en">{_text("wait_preparing", "en")} <span id="scoring-ahead-en">{
_ahead(ahead, "en")}</span></span>
</div>
<script>
window.scoringAhead = function (n) {{
  var fr = document.getElementById("scoring-ahead-fr");
  var en = document.getElementById("scoring-ahead-en");
  if (fr) fr.textContent = n > 0 ? {_ahead_js("fr")} : "";
  if (en) en.textContent = n > 0 ? {_ahead_js("en")} : "";
}};
(function () {{
  var timer = setInterval(function () {{
    var bar = document.getElementById("scoring-wait");
    var cells = document.getElementById("rendered_cells");
    if (!bar) {{ clearInterval(timer); return; }}
    if (cells && cells.style.display !== "none") {{ bar.remove(); clearInterval(timer); }}
  }}, 200);
}})();
</script>
"""


def ahead_script(ahead: int) -> str:
    """Update the waiting bar's count (also a heartbeat that keeps the connection alive)."""
    return f"<script>window.scoringAhead({int(ahead)})</script>\n"


def failure_text(kind: str) -> tuple[str, str]:
    """The failure sentence in French and in English (plain text)."""
    key = f"failed_{kind if kind in FAILURES else 'server'}"
    return tuple(tr("failed_page", lang, why=tr(key, lang)) for lang in LANGS)


def failed_html(kind: str) -> str:
    """The failure bar (replaces the waiting bar and Voilà's spinner)."""
    fr, en = (html.escape(text, quote=False) for text in failure_text(kind))
    return f"""
<div id="scoring-failed" role="alert" style="{BAR_STYLE}background:#fdecea;color:#7a1c14">
<p lang="fr" style="margin:0 0 4px 0">{fr}</p>
<p lang="en" style="margin:0">{en}</p>
</div>
<script>
(function () {{
  ["scoring-wait", "loading"].forEach(function (id) {{
    var el = document.getElementById(id);
    if (el) el.remove();
  }});
}})();
</script>
"""


def busy_html(cap: int) -> str:
    """The 503 page: self-contained (no script, no external file)."""
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_text("busy_title", "fr")} / {_text("busy_title", "en")}</title>
<style>body{{font:16px/1.5 sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#222}}
h1{{font-size:1.3em;margin-bottom:.3em}}</style></head>
<body><main id="scoring-busy">
<h1>{_text("busy_title", "fr")}</h1>
<p>{_text("busy_text", "fr", cap=int(cap))}</p>
<h1 lang="en">{_text("busy_title", "en")}</h1>
<p lang="en">{_text("busy_text", "en", cap=int(cap))}</p>
</main></body></html>
"""


class RenderWatch:
    """Reads the page Voilà streams and tells whether the notebook's run failed.

    With tracebacks hidden (``show_tracebacks=False``), Voilà 0.5.13 replaces a failed
    cell's output by fixed sentences (voila/execute.py, voila/notebook_renderer.py): "There
    was an error when executing cell [n]", "Cell execution timed out" (a cell over
    ``--render-timeout``, or outputs lost to a late IOPub message) and "An exception occurred
    at the server (not the notebook)" (the kernel died). A widget output is written as JSON
    instead, where an error is an output of type ``error``.
    """

    MARKERS = (("Cell execution timed out", "timeout"),
               ('"ename": "TimeoutError"', "timeout"),
               ("An exception occurred at the server", "kernel"),
               ("There was an error when executing cell", "error"),
               ('"output_type": "error"', "error"))
    PRIORITY = ("timeout", "kernel", "error", "server")

    def __init__(self):
        self.failure: str | None = None
        self._tail = ""
        self._keep = max(len(m) for m, _ in self.MARKERS)

    def feed(self, html: str) -> None:
        text = self._tail + html
        for marker, kind in self.MARKERS:
            if marker in text:
                self.fail(kind)
        self._tail = text[-self._keep:]

    def fail(self, kind: str) -> None:
        """Record a failure; the most telling one wins (a timeout is also an error)."""
        if self.failure is None or self.PRIORITY.index(kind) < self.PRIORITY.index(
                self.failure):
            self.failure = kind
