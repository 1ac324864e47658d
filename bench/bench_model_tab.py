"""Time to interactive of the dashboard's *Modèle* / *Model* tab, against a trivial Voilà
page in the same run (Playwright + Debian's chromium, preheated servers).

    flock /tmp/heavy.lock .venv/bin/python bench/bench_model_tab.py \
        --bundle /tmp/bench-monitor/scoring-full-mv --runs 5

For each run, a fresh browser context: navigation start -> the client view interactive
(the ``sc-probability`` text with a digit, as bench_dashboard_browser.py measures it), then
a click on the tab -> the tab interactive (the simulation summary written and every figure
of the tab with its marks drawn), both read in the page (``performance.now()``). The
trivial page is one ipywidgets Label served by the same ``scoring serve --notebook``. The
tab is built on its first selection (so that the client view does not wait for it).
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


def model_tab_runs(browser, server, runs: int) -> list[tuple[float, float]]:
    out = []
    for _ in range(runs):
        wait_kernels_idle(server, 1)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(server.base_url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        client = page.wait_for_function(PROBABILITY_READY, timeout=PAGE_TIMEOUT_MS,
                                        polling="raf").json_value() / 1000
        clicked = page.evaluate("() => performance.now()") / 1000
        page.locator(".lm-TabBar-tab").nth(1).click()
        ready = page.wait_for_function(TAB_READY, arg=list(FIGURES), timeout=PAGE_TIMEOUT_MS,
                                       polling="raf").json_value() / 1000
        out.append((client, ready - clicked))
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
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        with ServerProcess.scoring_serve(args.bundle, work / "trivial.log", port=bench_port(),
                                         notebook=trivial) as server:
            server.wait_ready(timeout=300, pool=True)
            base = time_to_interactive(browser, server, True, args.runs)
        with ServerProcess.scoring_serve(args.bundle, work / "dashboard.log",
                                         port=bench_port()) as server:
            server.wait_ready(timeout=300, pool=True)
            runs = model_tab_runs(browser, server, args.runs)
        browser.close()
    trivial_s = statistics.median(base)
    client_s = statistics.median(r[0] for r in runs)
    tab_s = statistics.median(r[1] for r in runs)
    print(f"trivial Voilà page     median {trivial_s:.2f} s  ({', '.join(f'{v:.2f}' for v in base)})")
    print(f"client view            median {client_s:.2f} s  ({client_s / trivial_s:.2f}x trivial)")
    print(f"click -> model tab     median {tab_s:.2f} s  ({', '.join(f'{r[1]:.2f}' for r in runs)})")
    print(f"page + model tab       median {client_s + tab_s:.2f} s  "
          f"({(client_s + tab_s) / trivial_s:.2f}x trivial)")
    print(f"load average after: {load_average():.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
