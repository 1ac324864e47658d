"""Time to interactive of the dashboard's *Modèle* / *Model* tab, against a trivial Voilà
page in the same run (Playwright + Debian's chromium, preheated servers).

    flock /tmp/heavy.lock .venv/bin/python bench/bench_model_tab.py \
        --bundle /tmp/bench-monitor/scoring-full-mv --runs 5

For each run, a fresh browser context: navigation start -> the client view interactive
(the ``sc-probability`` text with a digit, as bench_dashboard_browser.py measures it), then
a click on the tab -> the tab interactive (the simulation summary written and every figure
of the tab with its marks drawn), all read in the page (``performance.now()``). The click
is timed from the ``pointerdown`` event the page receives (what a person's click starts);
the time Playwright takes before that event reaches the page (its actionability checks,
~0.06-0.08 s) is printed apart, and was counted in the click before 2026-12-01 05:50. The
trivial page is one ipywidgets Label served by the same ``scoring serve --notebook``.

Both servers run at once and their page loads alternate (trivial, dashboard, trivial, ...),
each load once both servers' kernels are idle: the other jobs of a shared machine then weigh
on both sides of the ratio alike (one side after the other, a change of load between the two
phases moved the ratio from 1.16 to 1.75 with the same code).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dashboard_browser import (PAGE_TIMEOUT_MS, PROBABILITY_READY,  # noqa: E402
                                     bench_port, leave, load_average, time_to_interactive,
                                     trivial_notebook, wait_kernels_idle)
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


#: the first pointerdown the page receives, in performance.now() milliseconds
WATCH_POINTER = """() => { window.__scDown = null; document.addEventListener('pointerdown',
    () => { if (window.__scDown === null) window.__scDown = performance.now(); }, true); }"""


def model_tab_runs(browser, server, runs: int) -> list[tuple[float, float, float]]:
    """(client view interactive, pointerdown -> tab interactive, Playwright's time from the
    click call to the pointerdown) per run, in seconds."""
    out = []
    for _ in range(runs):
        wait_kernels_idle(server, 1)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(server.base_url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        client = page.wait_for_function(PROBABILITY_READY, timeout=PAGE_TIMEOUT_MS,
                                        polling="raf").json_value() / 1000
        page.evaluate(WATCH_POINTER)
        called = page.evaluate("() => performance.now()") / 1000
        page.locator(".lm-TabBar-tab").nth(1).click()
        ready = page.wait_for_function(TAB_READY, arg=list(FIGURES), timeout=PAGE_TIMEOUT_MS,
                                       polling="raf").json_value() / 1000
        down = page.evaluate("() => window.__scDown") / 1000
        out.append((client, ready - down, down - called))
        leave(page)
    return out


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, required=True,
                        help="a bundle with model_view.json")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-model-tab-"))
    trivial = trivial_notebook(work)
    print(f"load average before: {load_average():.2f}")
    base, runs = [], []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        with ServerProcess.scoring_serve(args.bundle, work / "trivial.log", port=bench_port(),
                                         notebook=trivial) as plain, \
                ServerProcess.scoring_serve(args.bundle, work / "dashboard.log",
                                            port=bench_port()) as server:
            plain.wait_ready(timeout=300, pool=True)
            server.wait_ready(timeout=300, pool=True)
            for _ in range(args.runs):  # alternated; each waits for its own kernel too
                wait_kernels_idle(server, 1)
                base += time_to_interactive(browser, plain, True, 1)
                wait_kernels_idle(plain, 1)
                runs += model_tab_runs(browser, server, 1)
        browser.close()
    trivial_s = statistics.median(base)
    client_s = statistics.median(r[0] for r in runs)
    tab_s = statistics.median(r[1] for r in runs)
    tool_s = statistics.median(r[2] for r in runs)
    print(f"trivial Voilà page     median {trivial_s:.2f} s  ({', '.join(f'{v:.2f}' for v in base)})")
    print(f"client view            median {client_s:.2f} s  ({client_s / trivial_s:.2f}x trivial;"
          f" {', '.join(f'{r[0]:.2f}' for r in runs)})")
    print(f"click -> model tab     median {tab_s:.2f} s  ({', '.join(f'{r[1]:.2f}' for r in runs)})"
          f"  [from pointerdown; Playwright before it: median {tool_s:.3f} s]")
    print(f"page + model tab       median {client_s + tab_s:.2f} s  "
          f"({(client_s + tab_s) / trivial_s:.2f}x trivial)")
    paired = [(r[0] + r[1]) / t for r, t in zip(runs, base)]  # each load and its neighbour
    print(f"page + model tab / the trivial page loaded just before it: median "
          f"{statistics.median(paired):.2f}x ({', '.join(f'{v:.2f}' for v in paired)})")
    print(f"load average after: {load_average():.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
