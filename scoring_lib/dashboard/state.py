"""The page's one state: what the advisor chose, observed by every panel.

:class:`DashboardState` is a traitlets ``HasTraits`` object. Widgets that the advisor uses
(the ID box, a row of the table, a filter, the comparison reference, the language, the
scale of the explanation) write to it; panels only read it (see :mod:`.panel`). It holds
values, never widgets, so that a test can drive the page by assigning traits.

    state = DashboardState(lang="fr")
    state.show(100002)                  # a client (re-asking for the same one retries)
    state.filters = {"gender": "F"}     # the page of the table goes back to the first
"""

from __future__ import annotations

from traitlets import Bool, Dict, Enum, HasTraits, Int, Tuple, Unicode, observe
from traitlets.utils.bunch import Bunch

from .text import LANGS

#: the comparison references: every client, the most similar ones, the filtered group
REFERENCES = ("all", "similar", "group")
#: the scales of the explanation charts: probability points (advisors), log-odds
UNITS = ("probability", "logodds")
NO_MESSAGE: tuple = (None, {})


class DashboardState(HasTraits):
    """Client, language, filters, comparison reference, table page, explanation scale,
    what-if ``edits`` (the Simulation section's changes, actionable variable -> value as
    typed: cleared on every client switch), and what the message area says.

    ``message``: ``(text key, values)`` of :mod:`.text` (``(None, {})``: nothing to say);
    ``failed``: the parts (panel names) whose last refresh failed, in order — the message
    is then ``("failed", {"parts": failed})``."""

    client_id = Int(None, allow_none=True)
    lang = Enum(LANGS, default_value="fr")
    filters = Dict()
    reference = Enum(REFERENCES, default_value="all")
    page = Int(0)
    unit = Enum(UNITS, default_value="probability")
    edits = Dict()
    message = Tuple(Unicode(allow_none=True), Dict(), default_value=NO_MESSAGE)
    failed = Tuple()
    #: free for the app: the example hint is shown until the advisor picks a client
    example = Bool(True)

    @observe("filters")
    def _first_page(self, _change) -> None:
        """Other filters, other matches: the table starts again at its first page."""
        self.page = 0

    @observe("client_id")
    def _no_edits(self, _change) -> None:
        """Another client (or the same one asked again): the simulation starts from the real
        application, with no change."""
        if self.edits:
            self.edits = {}

    def show(self, client_id: int) -> None:
        """Show ``client_id`` (a known client: see :func:`.search.find_client`). Asking again for
        the client shown notifies the observers anyway: a panel that failed tries again."""
        client_id = int(client_id)
        if client_id != self.client_id:
            self.client_id = client_id
        else:
            self.notify_change(Bunch(name="client_id", old=client_id, new=client_id,
                                     owner=self, type="change"))

    def say(self, key: str | None = None, **values) -> None:
        """Say the message ``key`` of :mod:`.text` (None: nothing)."""
        self.message = (key, values) if key is not None else NO_MESSAGE

    def fail(self, part: str) -> None:
        """``part`` could not be drawn: the message names every part that failed."""
        if part not in self.failed:
            self.failed = (*self.failed, part)
        self.message = ("failed", {"parts": self.failed})

    def recover(self, part: str) -> None:
        """``part`` was drawn: out of the failure message (cleared when none is left)."""
        if part not in self.failed:
            return
        self.failed = tuple(p for p in self.failed if p != part)
        if self.message[0] == "failed":
            self.message = ("failed", {"parts": self.failed}) if self.failed else NO_MESSAGE

