"""The parts of ``scoring serve`` around Voilà (the entry point is :mod:`scoring_lib.serve`).

- :mod:`.sizing`   how many sessions fit in memory: :func:`~.sizing.default_max_sessions`;
- :mod:`.sessions` the session cap, the render queue and the unconnected-kernel reaper's
  bookkeeping (pure Python, no Voilà);
- :mod:`.pages`    what a visitor reads: the waiting line, the busy page (503), the failure
  message, in French and English; and :class:`~.pages.RenderWatch`, which spots a failed
  render in the page Voilà streams;
- :mod:`.logs`     the log filter that keeps tokens out of the server log;
- :mod:`.app`      Voilà's application and page handler, subclassed to use all of the above.
"""
