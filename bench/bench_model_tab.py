"""Time to interactive of the dashboard and of its *Modèle* / *Model* tab, against a trivial
Voilà page in the same run (Playwright + Debian's chromium, preheated servers).

    flock /tmp/heavy.lock .venv/bin/python bench/bench_model_tab.py \
        --bundle /tmp/bench-monitor/scoring-full-mv --runs 7 [--compare /tmp/old-checkout]

Each load is a fresh browser context; every time is read in the page (``performance.now()``,
from the navigation's start):

- *client view*: the ``sc-probability`` text with a digit, laid out (as
  bench_dashboard_browser.py measures it);
- *after the states*: the client view's time from the arrival of the widget states (the
  largest message the kernel sends, timed by a wrapper of the page's WebSocket): the part of
  the page's time that is the dashboard's own work in the browser, without Voila's start;
- *client view complete*: every figure of the client view drawn (the slots that draw after
  the first paint, ``sc-deferred``, marked drawn and their marks in the page), in a load
  where nothing is clicked;
- *click → model tab*: in another load, as soon as the client view is interactive, a mouse
  click is sent at the tab's position (``page.mouse.click``: no Playwright waits), and the
  time runs from just before it is sent to the tab interactive (the simulation summary
  written and every figure of the tab with its marks). Whatever the page is still doing
  when the click comes (drawing the figures below the fold) is counted; the part before the
  page receives the ``pointerdown`` is printed apart. Until 2026-12-02 the click was
  Playwright's ``locator.click()`` and was timed from the ``pointerdown``, which left out
  the page's own delay in answering it.

The trivial page is one ipywidgets Label served by the same ``scoring serve --notebook``.
Both servers (three with ``--compare``: the dashboard of another checkout, e.g. ``git
archive HEAD~3 | tar -x -C /tmp/old``, served with that checkout first on ``PYTHONPATH``) run
at once and their loads alternate (trivial, dashboard + tab, dashboard alone, ...), each load
once every kernel is idle: the other jobs of a shared machine then weigh on every side of the
ratios alike (one side after the other, a change of load between the phases moved the ratio
from 1.16 to 1.75 with the same code).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dashboard_browser import (PAGE_TIMEOUT_MS, PROBABILITY_READY,  # noqa: E402
                                     bench_port, leave, load_average, trivial_notebook,
                                     wait_kernels_idle)
from serve_harness import ServerProcess, launch_chromium  # noqa: E402

FIGURES = ("sc-fig-cost", "sc-fig-approval", "sc-fig-roc", "sc-fig-pr",
           "sc-fig-distributions", "sc-fig-calibration", "sc-fig-importance")
TAB_READY = """(figures) => {
    const s = document.querySelector('.sc-simulation-summary');
    if (!s || !/\\d/.test(s.textContent)) return false;
    for (const css of figures) {
        const svg = document.querySelector('.' + css + ' svg.svg-figure');
        if (!svg || !svg.querySelector('path.line, rect.bar')) return false;
    }
    return performance.now();
}"""
#: every figure of the client view drawn (the deferred slots included; none before 2026-12)
CLIENT_COMPLETE = """(figures) => {
    for (const css of figures) {
        const svg = document.querySelector('.' + css + ' svg.svg-figure');
        if (!svg || !svg.querySelector('path.line, path.dot, rect.bar, text')) return false;
    }
    return performance.now();
}"""
CLIENT_FIGURES = ("sc-gauge", "sc-force", "sc-waterfall", "sc-compare-hist", "sc-scatter")
#: in the page from its first script: when the largest kernel message (the widget states)
#: arrived
WATCH_STATES = r"""(() => {
  window.__scStates = {at: null, size: 0};
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        const n = typeof e.data === 'string' ? e.data.length
          : (e.data.byteLength || e.data.size || 0);
        if (n > window.__scStates.size) {
          window.__scStates.size = n; window.__scStates.at = performance.now(); }
      }, true);
    }
  };
})();"""
#: watch the first pointerdown; the tab's centre and the time, just before the click is sent
BEFORE_CLICK = """() => {
    window.__scDown = null;
    document.addEventListener('pointerdown', () => {
        if (window.__scDown === null) window.__scDown = performance.now(); }, true);
    const r = document.querySelectorAll('.lm-TabBar-tab')[1].getBoundingClientRect();
    return {x: r.x + r.width / 2, y: r.y + r.height / 2, now: performance.now()};
}"""


def open_page(browser, server):
    """The page, the client view's time and its time after the widget states, seconds."""
    wait_kernels_idle(server, 1)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.add_init_script(WATCH_STATES)
    page.goto(server.base_url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
    client = page.wait_for_function(PROBABILITY_READY, timeout=PAGE_TIMEOUT_MS,
                                    polling="raf").json_value()
    states = page.evaluate("() => window.__scStates.at")
    return page, client / 1000, (client - states) / 1000


def tab_load(browser, server) -> tuple[float, float, float, float]:
    """(client view, click sent -> tab interactive, click sent -> pointerdown, client view
    after the states), seconds."""
    page, client, after = open_page(browser, server)
    at = page.evaluate(BEFORE_CLICK)
    page.mouse.click(at["x"], at["y"])
    ready = page.wait_for_function(TAB_READY, arg=list(FIGURES), timeout=PAGE_TIMEOUT_MS,
                                   polling="raf").json_value()
    down = page.evaluate("() => window.__scDown")
    leave(page)
    return client, (ready - at["now"]) / 1000, (down - at["now"]) / 1000, after


def complete_load(browser, server) -> tuple[float, float, float]:
    """(client view, client view complete, client view after the states), seconds."""
    page, client, after = open_page(browser, server)
    complete = page.wait_for_function(CLIENT_COMPLETE, arg=list(CLIENT_FIGURES),
                                      timeout=PAGE_TIMEOUT_MS, polling="raf").json_value()
    leave(page)
    return client, complete / 1000, after


def report(name: str, trivial: list[float], tabs: list, completes: list) -> None:
    t = statistics.median(trivial)
    client = statistics.median([r[0] for r in tabs] + [r[0] for r in completes])
    complete = statistics.median(r[1] for r in completes)
    click = statistics.median(r[1] for r in tabs)
    down = statistics.median(r[2] for r in tabs)
    total = statistics.median(r[0] + r[1] for r in tabs)
    paired = [(r[0] + r[1]) / b for r, b in zip(tabs, trivial)]
    after = statistics.median([r[3] for r in tabs] + [r[2] for r in completes])
    print(f"[{name}]")
    print(f"  client view            median {client:.2f} s  ({client / t:.2f}x trivial;"
          f" after the widget states arrived: median {1000 * after:.0f} ms)")
    print(f"  client view complete   median {complete:.2f} s  ({complete / t:.2f}x trivial;"
          f" {', '.join(f'{r[1]:.2f}' for r in completes)})")
    print(f"  click -> model tab     median {click:.2f} s  "
          f"({', '.join(f'{r[1]:.2f}' for r in tabs)})"
          f"  [of which before the pointerdown: median {down:.3f} s]")
    print(f"  page + model tab       median {total:.2f} s  ({total / t:.2f}x trivial;"
          f" paired with the trivial load before it: median {statistics.median(paired):.2f}x,"
          f" {', '.join(f'{v:.2f}' for v in paired)})")


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, required=True,
                        help="a bundle with model_view.json")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare", type=Path, default=None,
                        help="another checkout whose dashboard is served and loaded too")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-model-tab-"))
    trivial = trivial_notebook(work)
    print(f"load average before: {load_average():.2f}")
    sides = {"this checkout": None}
    if args.compare is not None:
        sides[f"--compare {args.compare}"] = dict(
            os.environ, PYTHONPATH=os.pathsep.join(
                [str(args.compare.resolve())] + [p for p in
                                                 [os.environ.get("PYTHONPATH")] if p]))
    base: list[float] = []
    base_after: list[float] = []
    tabs = {name: [] for name in sides}
    completes = {name: [] for name in sides}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        servers = {}
        plain = ServerProcess.scoring_serve(args.bundle, work / "trivial.log",
                                            port=bench_port(), notebook=trivial)
        with plain:
            for i, (name, env) in enumerate(sides.items()):
                servers[name] = ServerProcess.scoring_serve(
                    args.bundle, work / f"dashboard{i}.log", port=bench_port(), env=env)
                servers[name].start()
            try:
                plain.wait_ready(timeout=300, pool=True)
                for server in servers.values():
                    server.wait_ready(timeout=300, pool=True)
                for _ in range(args.runs):  # alternated; each waits for every kernel
                    for server in servers.values():
                        wait_kernels_idle(server, 1)
                    page, client, after = open_page(browser, plain)
                    leave(page)
                    base.append(client)
                    base_after.append(after)
                    for name, server in servers.items():
                        wait_kernels_idle(plain, 1)
                        tabs[name].append(tab_load(browser, server))
                        completes[name].append(complete_load(browser, server))
            finally:
                for server in servers.values():
                    server.stop()
        browser.close()
    print(f"trivial Voilà page       median {statistics.median(base):.2f} s  "
          f"({', '.join(f'{v:.2f}' for v in base)}; after the widget states arrived: "
          f"median {1000 * statistics.median(base_after):.0f} ms)")
    for name in sides:
        report(name, base, tabs[name], completes[name])
    print(f"load average after: {load_average():.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
