"""The one way the dashboard writes HTML: every text is escaped unless it was built here.

Client data reaches the page (category levels the schema does not know are kept by the
loader, labels, reason sentences), so a text such as ``<img src=x onerror=alert(1)>`` must
be shown as those characters, never parsed. The rule: an ``ipywidgets.HTML`` value is a
:class:`Html` made by the builders below; they take plain text and escape it, and a
:class:`Html` passed to them is kept as it is (it was escaped when it was built).

    esc("a < b")                          # 'a &lt; b'
    tag("h2", tr("title", lang))          # '<h2>…</h2>', the text escaped
    tag("span", words, style="color:red") # attributes escaped too
    lines("<b>", tag("b", "x"))           # '&lt;b&gt;<br><b>x</b>'

Other widgets (Dropdown and ToggleButtons options, Button and Label descriptions, tooltips)
and bqplot's labels, axes and tooltips write text, not HTML: they take plain text.
"""

from __future__ import annotations

import html
import re

__all__ = ["Html", "data_link", "esc", "join", "lines", "tag"]

_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


class Html(str):
    """Text that is HTML built by this module (its data already escaped). Adding plain text
    to it escapes that text: ``tag("b", x) + y`` is safe whatever ``y`` holds."""

    __slots__ = ()

    def __add__(self, other):
        if not isinstance(other, str):
            return NotImplemented
        return Html(str.__add__(self, esc(other)))

    def __radd__(self, other):
        if not isinstance(other, str):
            return NotImplemented
        return Html(str.__add__(esc(other), self))


def esc(text) -> Html:
    """``text`` (any object, as ``str``) escaped for HTML text and attribute values; a
    :class:`Html` is returned as it is."""
    if isinstance(text, Html):
        return text
    return Html(html.escape("" if text is None else str(text), quote=True))


def join(parts, sep="") -> Html:
    """``parts`` (plain text or :class:`Html`) joined by ``sep``, each escaped if plain."""
    return Html(esc(sep).join(esc(p) for p in parts))


def lines(*parts) -> Html:
    """``parts`` one per line (``<br>`` between them); empty parts are left out."""
    return join([p for p in parts if p != ""], Html("<br>"))


def tag(name: str, *content, css: str | None = None, **attributes) -> Html:
    """``<name class="css" attribute="…">content</name>``: the content (plain text or
    :class:`Html`) and the attribute values escaped; attribute names use ``_`` for ``-``
    (``aria_hidden="true"``). ``name`` and attribute names are code, never data."""
    if not _NAME.match(name):
        raise ValueError(f"tag: {name!r} is not a tag name")
    attrs = {"class": css, **{k.replace("_", "-"): v for k, v in attributes.items()}}
    text = ""
    for key, value in attrs.items():
        if value is None:
            continue
        if not _NAME.match(key):
            raise ValueError(f"tag: {key!r} is not an attribute name")
        text += f' {key}="{esc(value)}"'
    return Html(f"<{name}{text}>{join(content)}</{name}>")


_MIME = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")
_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


def data_link(data: bytes, filename: str, text, mime: str = "application/pdf",
              **attributes) -> Html:
    """``<a download="filename" href="data:mime;base64,…">text</a>``: a link that saves
    ``data`` (bytes held in the page, nothing written on the server) under ``filename``.
    The content is base64 (no character to escape), ``text`` is escaped; ``mime`` and
    ``filename`` are checked (letters, digits, ``._-``), never data of a client."""
    import base64

    if not _MIME.match(mime):
        raise ValueError(f"data_link: {mime!r} is not a MIME type")
    if not _FILENAME.match(filename):
        raise ValueError(f"data_link: {filename!r} is not a plain file name")
    href = f"data:{mime};base64,{base64.b64encode(bytes(data)).decode('ascii')}"
    return tag("a", text, href=href, download=filename, **attributes)
