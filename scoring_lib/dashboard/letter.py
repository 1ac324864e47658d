"""Report panel: the "Télécharger le rapport" button of the client on screen.

A click builds the client report (:func:`scoring_lib.letter.client_letter`, in the page's
language) in the kernel's memory and shows a link holding it (``data:`` URI, built by
:func:`.safe.data_link`) that the advisor clicks to save it: nothing is written on the
server, under the repository or anywhere shared between sessions. ipywidgets has no
download widget and Voilà runs no script from an HTML widget, hence the link.

The PDF is built on the click only, never on a client switch (the page's hot path): a switch
or a language change just takes the previous client's link away.
"""

from __future__ import annotations

import time

import ipywidgets as W

from .panel import Panel
from .safe import data_link
from .text import number, tr
from .theme import BLUE

#: the link looks like one (the page's style sheet styles no plain link)
LINK_STYLE = f"color:{BLUE};text-decoration:underline;font-weight:600"


class LetterPanel(Panel):
    """The download button and, once clicked, the link to the report of the state's
    client."""

    name = "letter"
    watches = ("client_id", "lang")

    def __init__(self, state, scorer):
        super().__init__(state, scorer)
        self.button = W.Button(icon="file-pdf-o", layout=W.Layout(width="auto"))
        self.button.add_class("sc-letter-button")
        self.button.on_click(lambda _button: self.guarded(self.build))
        self.link = W.HTML("")
        self.link.add_class("sc-letter-link")
        #: (client, language) of the report the link holds (None: no link)
        self.built_for = None
        self.children = [W.HBox([self.button, self.link],
                                layout=W.Layout(align_items="center", grid_gap="14px"))]
        self.add_class("sc-card")
        self.set_texts(state.lang)

    def set_texts(self, lang: str) -> None:
        self.button.description = tr("letter_download", lang)
        self.button.tooltip = tr("letter_download", lang)

    def refresh(self, state) -> None:
        """Another client or language: the link of the previous one goes (no PDF built)."""
        self.link.value = ""
        self.built_for = None
        self.shown_client = state.client_id

    def build(self) -> None:
        """Build the report of the state's client in memory and show the link to it (run
        through ``guarded``: a failure is this part's sentence, until a click or a redraw
        succeeds)."""
        state = self.state
        client_id, lang = state.client_id, state.lang
        if client_id is None or self.built_for == (client_id, lang):
            return  # no client yet, or its link is already there
        from ..letter import client_letter

        self.button.disabled = True
        try:
            started = time.perf_counter()
            data = client_letter(self.scorer, client_id, lang)
            self.timings = {"letter": time.perf_counter() - started}
        except Exception:
            self._drawn = None  # asking for the client again redraws and clears the message
            raise
        finally:
            self.button.disabled = False
        self.state.recover(self.name)
        if (state.client_id, state.lang) != (client_id, lang):
            return  # the advisor moved on meanwhile: no link to another client's report
        size = tr("letter_kb", lang, n=number(max(1, round(len(data) / 1000)), 0, lang))
        self.link.value = data_link(data, tr("letter_file", lang, client_id=client_id),
                                    tr("letter_link", lang, client_id=client_id, size=size),
                                    css="sc-letter-download", style=LINK_STYLE)
        self.built_for = (client_id, lang)
