"""Benchmark of the advisor dashboard in a real browser (Playwright + Debian's chromium).

Measured, each against ``scoring serve`` started by this script on a port the system
chooses (not the tests' 8870-8880: a test server of another job taking the port between our
check and our bind once made Voilà give up while the page loaded the other server):

* **time to interactive**: navigation start -> the ``sc-probability`` text visible (with a
  digit), read in the page (``performance.now()``, whose origin is the navigation start).
  Four servers, ``--runs`` page loads each, a fresh browser context per load: the dashboard
  cold (``--no-preheat``: the kernel starts and runs the notebook on request) and preheated
  (the pool's kernel has already run it: the script waits until that kernel is idle before
  each load), next to a trivial Voilà notebook (one ipywidgets Label, same CSS class) served
  the same two ways in the same run, by the same ``scoring serve --notebook`` (the same
  server code: waiting bar, render queue, session cap; only the notebook differs);
* **client switch**: type an id in the box, press Enter -> the probability text changed
  (``--switches`` different clients, in the page: keydown to the DOM mutation), and until
  the page is settled (no DOM change under ``sc-app`` for 300 ms, those 300 ms not counted);
* **memory**: RSS and USS of the session's kernel (the only kernel of a ``--no-preheat``
  server) after the page is loaded and after the switches, on the demo bundle and on the
  full-scale bundle (``--full-bundle``; skipped with a message when it does not load).

The 1-minute load average is printed (and kept in ``--json``) before and after each phase:
the machine's other jobs share its cores, so compare figures of the same run.

    .venv/bin/python bench/bench_dashboard_browser.py
    .venv/bin/python bench/bench_dashboard_browser.py --runs 5 --switches 40 \\
        --bundle artifacts/demo --full-bundle /tmp/bench-scoring/scoring-full
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from serve_harness import (  # noqa: E402
    ServerProcess,
    browser_missing,
    free_port,
    launch_chromium,
    one_cell_notebook,
)

PROBABILITY_READY = """() => {
    const el = document.querySelector('.sc-probability');
    if (!el || el.offsetParent === null || !/\\d/.test(el.textContent)) return false;
    return performance.now();
}"""
WATCH_SWITCH = """() => {
    window.__sc = {t0: null, changed: null, last: null};
    const box = document.querySelector('.sc-search input');
    box.addEventListener('keydown', e => {
        if (e.key === 'Enter') window.__sc.t0 = performance.now(); }, true);
    const prob = document.querySelector('.sc-probability');
    new MutationObserver(() => {
        if (window.__sc.t0 !== null && window.__sc.changed === null)
            window.__sc.changed = performance.now();
    }).observe(prob, {subtree: true, childList: true, characterData: true});
    new MutationObserver(() => { window.__sc.last = performance.now(); })
        .observe(document.querySelector('.sc-app'),
                 {subtree: true, childList: true, characterData: true, attributes: true});
}"""
SETTLED_MS = 300
#: a page that shows no score within this time fails the run (a working page: < 10 s)
PAGE_TIMEOUT_MS = 240_000


def trivial_notebook(folder: Path) -> Path:
    return one_cell_notebook(folder / "trivial.ipynb",
                             "import ipywidgets as widgets\n"
                             "label = widgets.Label(value='12,3 %')\n"
                             "label.add_class('sc-probability')\n"
                             "label")


def wait_kernels_idle(server: ServerProcess, count: int, timeout: float = 300.0,
                      quiet_s: float = 2.0) -> None:
    """Wait until ``count`` kernels exist and all have used < 5% CPU for ``quiet_s``."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        procs = server.kernel_processes()
        busy = len(procs) != count
        if not busy:
            for p in procs:
                try:
                    busy |= p.cpu_percent(interval=0.25) > 5.0
                except psutil.NoSuchProcess:
                    busy = True
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return
        time.sleep(0.25)
    raise TimeoutError(f"kernels not idle ({len(server.kernel_processes())} running, {count} expected)"
                       f"\n{server.log_text()[-3000:]}")


def leave(page) -> None:
    """Navigate away (Voilà's beforeunload asks the server to shut the kernel down)."""
    page.goto("about:blank")
    page.context.close()


def time_to_interactive(browser, server, preheat: bool, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        wait_kernels_idle(server, 1 if preheat else 0)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(server.base_url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        handle = page.wait_for_function(PROBABILITY_READY, timeout=PAGE_TIMEOUT_MS,
                                        polling="raf")
        out.append(handle.json_value() / 1000)
        leave(page)
    return out


def bench_port() -> int:
    """A free port chosen by the system, outside the tests' ports (see the docstring)."""
    return free_port(candidates=())


def load_average() -> float:
    return os.getloadavg()[0]


def rss(proc: psutil.Process) -> dict:
    info = proc.memory_full_info()
    return {"rss_mib": info.rss / 2**20, "uss_mib": info.uss / 2**20}


def switch_latencies(page, client_ids, switches: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    chosen = rng.choice(np.asarray(client_ids), size=min(switches, len(client_ids)),
                        replace=False)
    page.evaluate(WATCH_SWITCH)
    box = page.locator(".sc-search input")
    changed, settled, skipped = [], [], 0
    for cid in chosen:
        before = page.locator(".sc-probability").inner_text()
        box.fill(str(int(cid)))
        page.evaluate("() => { window.__sc.t0 = null; window.__sc.changed = null; }")
        box.press("Enter")
        page.wait_for_function(
            f"() => document.querySelector('.sc-client-id').textContent.replace(/\\s/g, '')"
            f".includes('{int(cid)}')", timeout=120_000)
        page.wait_for_function(
            f"() => window.__sc.last !== null && performance.now() - window.__sc.last > "
            f"{SETTLED_MS}", timeout=120_000, polling=50)
        sc = page.evaluate("() => window.__sc")
        if page.locator(".sc-probability").inner_text() == before or sc["changed"] is None:
            skipped += 1  # same displayed probability as the previous client: no change
            continue
        changed.append((sc["changed"] - sc["t0"]) / 1000)
        settled.append((sc["last"] - sc["t0"]) / 1000)
    return {"changed": changed, "settled": settled, "skipped_same_text": skipped}


def summary(values) -> dict:
    if not values:
        return {"n": 0}
    v = np.asarray(values, dtype=float)
    return {"n": len(v), "median": float(np.median(v)), "p95": float(np.percentile(v, 95)),
            "min": float(v.min()), "max": float(v.max())}


def session_on(browser, bundle: Path, switches: int, log: Path) -> dict:
    """One --no-preheat server on ``bundle``: load the page, switch clients, kernel memory."""
    from scoring_lib.bundle.store import load_bundle

    ids = load_bundle(bundle, verify=False).scores.index.to_numpy()
    server = ServerProcess.scoring_serve(bundle, log, port=bench_port(), preheat=False)
    with server:
        server.wait_ready(timeout=600)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(server.base_url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        tti = page.wait_for_function(PROBABILITY_READY,
                                     timeout=PAGE_TIMEOUT_MS).json_value() / 1000
        wait_kernels_idle(server, 1)
        (kernel,) = server.kernel_processes()
        loaded = rss(kernel)
        result = switch_latencies(page, ids, switches)
        after = rss(kernel)
        leave(page)
    return {"bundle": str(bundle), "clients": int(len(ids)), "tti_cold_s": tti,
            "kernel_after_load": loaded, "kernel_after_switches": after,
            "switch_changed": summary(result["changed"]),
            "switch_settled": summary(result["settled"]),
            "switches_skipped_same_text": result["skipped_same_text"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", default=str(ROOT / "artifacts" / "demo"),
                        help="demo bundle (default artifacts/demo)")
    parser.add_argument("--full-bundle", default="/tmp/bench-scoring/scoring-full",
                        help="full-scale bundle for memory and switches ('' to skip)")
    parser.add_argument("--runs", type=int, default=3, help="page loads per configuration")
    parser.add_argument("--switches", type=int, default=20, help="client switches")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args(argv)

    missing = browser_missing()
    if missing:
        print(f"skipped: {missing} (apt-get install chromium; make install)")
        return 0
    from scoring_lib.model import BundleError
    from scoring_lib.bundle.store import load_bundle

    bundle = Path(args.bundle).resolve()
    try:
        load_bundle(bundle)
    except BundleError as exc:
        print(f"skipped: {exc} (build it with `make dashboard` or `scoring demo`)")
        return 0

    from playwright.sync_api import sync_playwright

    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                          f"{psutil.virtual_memory().total / 2**30:.0f} GiB",
               "load_average_start": os.getloadavg()[0], "runs": args.runs}
    work = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    trivial = trivial_notebook(work)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        tti = {}
        for name, notebook in (("trivial", trivial), ("dashboard", None)):
            for preheat in (False, True):
                key = f"{name}_{'preheated' if preheat else 'cold'}"
                load_before = load_average()
                server = ServerProcess.scoring_serve(
                    bundle, work / f"{key}.log", port=bench_port(), preheat=preheat,
                    notebook=notebook)
                with server:
                    server.wait_ready(timeout=600)
                    values = time_to_interactive(browser, server, preheat, args.runs)
                    from_pool = server.log_text().count("Using pre-heated kernel")
                if from_pool != (args.runs if preheat else 0):
                    print(f"warning: {from_pool} of {args.runs} {key} pages came from the pool")
                tti[key] = {"values_s": values, "median_s": statistics.median(values),
                            "pages_from_pool": from_pool,
                            "load_average": [load_before, load_average()]}
                print(f"time to interactive, {key:20s} median {tti[key]['median_s']:6.2f} s "
                      f"({', '.join(f'{v:.2f}' for v in values)}); load average "
                      f"{load_before:.1f} -> {load_average():.1f}", flush=True)
        results["tti"] = tti
        for key in ("cold", "preheated"):
            ratio = tti[f"dashboard_{key}"]["median_s"] / tti[f"trivial_{key}"]["median_s"]
            print(f"dashboard / trivial notebook, {key}: x{ratio:.2f}")

        sessions = {"demo": bundle}
        if args.full_bundle:
            sessions["full"] = Path(args.full_bundle).resolve()
        for name, path in sessions.items():
            try:
                load_bundle(path)
            except BundleError as exc:
                print(f"{name} bundle skipped: {exc}")
                results[name] = {"skipped": str(exc)}
                continue
            load_before = load_average()
            s = session_on(browser, path, args.switches, work / f"session-{name}.log")
            s["load_average"] = [load_before, load_average()]
            results[name] = s
            print(f"{name} bundle ({s['clients']:,d} clients): cold page {s['tti_cold_s']:.2f} s;"
                  f" switch -> probability changed median "
                  f"{s['switch_changed'].get('median', float('nan')) * 1000:.0f} ms, p95 "
                  f"{s['switch_changed'].get('p95', float('nan')) * 1000:.0f} ms; settled "
                  f"median {s['switch_settled'].get('median', float('nan')) * 1000:.0f} ms, "
                  f"p95 {s['switch_settled'].get('p95', float('nan')) * 1000:.0f} ms "
                  f"(n={s['switch_changed']['n']}); kernel RSS "
                  f"{s['kernel_after_load']['rss_mib']:.0f} MiB after load, "
                  f"{s['kernel_after_switches']['rss_mib']:.0f} MiB after switches (USS "
                  f"{s['kernel_after_switches']['uss_mib']:.0f} MiB); load average "
                  f"{s['load_average'][0]:.1f} -> {s['load_average'][1]:.1f}", flush=True)
        browser.close()
    results["load_average_end"] = os.getloadavg()[0]
    print(f"load average (1 min): {results['load_average_start']:.1f} at start, "
          f"{results['load_average_end']:.1f} at end")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
