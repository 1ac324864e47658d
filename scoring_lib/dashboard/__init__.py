"""Layer 6: the advisor dashboard (ipywidgets + bqplot), served by Voilà from
``dashboard.ipynb``.

* :mod:`.app` — :func:`build_app`, :class:`DashboardApp`: the state, the list of panels
  (``PANELS``) and the layout;
* :mod:`.state` — :class:`~.state.DashboardState`, the one state every panel follows;
* :mod:`.panel` — the panel contract (:class:`~.panel.Panel`) and its dispatcher;
* :mod:`.search` — ID box with suggestions, filters, paged table of matches;
* :mod:`.score` — gauge, decision, risk band, interpretation;
* :mod:`.explanation` — reasons, force plot, waterfall, the scale toggle;
* :mod:`.info` — the client's information in human units, by section;
* :mod:`.comparison` — histogram and scatter against all, similar or filtered clients;
* :mod:`.text`, :mod:`.theme` — words (fr/en), colours and style sheet;
* :mod:`.safe` — the only way HTML is written: data-derived text is always escaped.
"""

from .app import DashboardApp, UnavailableApp, build_app

__all__ = ["DashboardApp", "UnavailableApp", "build_app"]
