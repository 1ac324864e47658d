"""Sessions of ``scoring serve``: the cap, the queue of pages to prepare, the idle reaper.

A *session* is one visitor's page and its kernel. :class:`Sessions` admits a page request
while fewer than ``cap`` sessions exist (beyond, the page handler answers 503), follows it
from the request to its kernel (:meth:`Ticket.bind`), to the end of its render
(:meth:`Ticket.rendered`), to the page's first websocket (:meth:`Sessions.connected`), and
forgets it when its kernel is gone. A kernel whose page never connected within ``grace``
seconds after its render ended (a ``curl``, a closed tab) is listed by
:meth:`Sessions.unconnected` for the reaper. The preheated pool's kernel is no session until
a request takes it, and a request still waiting or rendering has no "render ended" time, so
neither is ever listed.

:class:`RenderQueue` lets ``slots`` pages be prepared (kernel started, notebook executed) at
a time; the others wait in arrival order and can be told how many pages are ahead of them.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import deque
from collections.abc import Callable, Iterable

#: Seconds a kernel may wait, after its page was sent, for the page to connect to it.
CONNECT_GRACE = 120.0


def default_render_slots(cpus: int | None = None) -> int:
    """Pages prepared at a time: one per CPU but one (the preheated pool refills outside the
    queue and the server itself needs a core), at least 1."""
    cpus = cpus or os.cpu_count() or 1
    return max(1, cpus - 1)


class Ticket:
    """One admitted page request (see :class:`Sessions`)."""

    def __init__(self, sessions: Sessions):
        self._sessions = sessions
        self.kernel_id: str | None = None
        self.closed = False

    def bind(self, kernel_id: str) -> None:
        """The request's kernel is ``kernel_id`` (started for it, or taken from the pool)."""
        self._sessions._bind(self, kernel_id)

    def rendered(self) -> None:
        """The page has been sent (or abandoned): the connection grace period starts. A
        request that never got a kernel simply leaves."""
        self._sessions._rendered(self)


class Sessions:
    """At most ``cap`` sessions; ``alive(kernel_id)`` says whether a kernel still exists."""

    def __init__(self, cap: int, alive: Callable[[str], bool] = lambda kid: True,
                 grace: float = CONNECT_GRACE, clock: Callable[[], float] = time.monotonic):
        if cap < 1:
            raise ValueError(f"cap must be >= 1, got {cap}")
        self.cap = int(cap)
        self.grace = float(grace)
        self._alive = alive
        self._clock = clock
        self._pending: set[Ticket] = set()
        #: kernel id -> time its page was sent (None while rendering)
        self._rendered_at: dict[str, float | None] = {}
        self._connected: set[str] = set()

    # -------------------------------------------------------------- counting and admitting
    def prune(self) -> None:
        """Forget the sessions whose kernel is gone (shut down, culled, died)."""
        for kid in [k for k in self._rendered_at if not self._alive(k)]:
            self.forget(kid)

    def __len__(self) -> int:
        self.prune()
        return len(self._pending) + len(self._rendered_at)

    def admit(self) -> Ticket | None:
        """A ticket for a new page request, or ``None`` when ``cap`` sessions exist."""
        if len(self) >= self.cap:
            return None
        ticket = Ticket(self)
        self._pending.add(ticket)
        return ticket

    # ------------------------------------------------------------------- a session's life
    def _bind(self, ticket: Ticket, kernel_id: str) -> None:
        self._pending.discard(ticket)
        ticket.kernel_id = kernel_id
        self._rendered_at.setdefault(kernel_id, None)

    def _rendered(self, ticket: Ticket) -> None:
        if ticket.closed:
            return
        ticket.closed = True
        self._pending.discard(ticket)
        kid = ticket.kernel_id
        if kid is not None and kid in self._rendered_at and self._rendered_at[kid] is None:
            self._rendered_at[kid] = self._clock()

    def connected(self, kernel_id: str) -> None:
        """A page opened a websocket to ``kernel_id``: it is never reaped for want of one."""
        self._connected.add(kernel_id)

    def forget(self, kernel_id: str) -> None:
        self._rendered_at.pop(kernel_id, None)
        self._connected.discard(kernel_id)

    def unconnected(self) -> list[str]:
        """Kernels whose page was sent more than ``grace`` seconds ago and never connected."""
        self.prune()
        now = self._clock()
        return [kid for kid, at in self._rendered_at.items()
                if at is not None and kid not in self._connected and now - at >= self.grace]


class RenderQueue:
    """``slots`` renders at a time, the others wait in arrival order (asyncio, one loop)."""

    def __init__(self, slots: int):
        if slots < 1:
            raise ValueError(f"slots must be >= 1, got {slots}")
        self.slots = int(slots)
        self._running: set[asyncio.Future] = set()
        self._waiting: deque[asyncio.Future] = deque()

    @property
    def running(self) -> int:
        return len(self._running)

    def join(self) -> asyncio.Future:
        """A future resolved when it is this render's turn (at once if a slot is free)."""
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        self._wake()
        return turn

    def ahead(self, turn: asyncio.Future) -> int:
        """How many pages are prepared or waiting before ``turn`` (0 once it runs)."""
        if turn.done():
            return 0
        return self.running + list(self._waiting).index(turn)

    def leave(self, turn: asyncio.Future) -> None:
        """The render is over, or its visitor left while waiting (twice is harmless)."""
        if turn in self._waiting:
            self._waiting.remove(turn)
            turn.cancel()
        self._running.discard(turn)
        self._wake()

    def waiting(self) -> int:
        return len(self._waiting)

    def _wake(self) -> None:
        while self.running < self.slots and self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                self._running.add(turn)
                turn.set_result(None)


def reap_targets(sessions: Sessions, pool_kernels: Iterable[str]) -> list[str]:
    """The kernels the reaper shuts down: unconnected sessions, never a pool kernel."""
    pool = set(pool_kernels)
    return [kid for kid in sessions.unconnected() if kid not in pool]
