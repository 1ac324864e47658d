"""Load benchmark of ``scoring serve`` (issue #10): N advisors open the dashboard at once.

For each N (``--sessions``, default 5 10 20 30) and each cap (``--caps``: ``none`` = no cap,
i.e. ``--max-sessions 1000``, or a number), one fresh ``scoring serve`` on the bundle (preheated
kernel, as ``make dashboard``), then N chromium pages (one browser, one context per advisor)
opened at the same moment. Each admitted page is followed until it shows a score
(``.sc-probability`` with a digit) or fails or ``--timeout`` passes; its visible states are
sampled (our waiting line, Voilà's spinner, the dashboard being drawn, blank). Each page that
reaches a score then switches client ``--switches`` times (Enter -> probability text changed,
measured in the page). Measured: share of pages reaching a score, time to score (median, p95,
max), 503 answers, failure messages, blank pages, switch latency, peak memory of the server
and its kernels (RSS, sampled every second), kernels at peak, and the server log's ERROR /
Traceback / "Render failed" / IOPub-timeout / reaped-kernel lines.

    .venv/bin/python bench/bench_load.py --bundle artifacts/demo
    .venv/bin/python bench/bench_load.py --sessions 10 20 --caps none 8 --switches 3
    git archive HEAD | tar -x -C /tmp/head       # a fixed snapshot, safe from edits in progress
    .venv/bin/python bench/bench_load.py --checkout /tmp/head
    .venv/bin/python bench/bench_load.py --checkout /tmp/old --old --caps none --sessions 15
                                                 # a checkout from before --max-sessions
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dashboard_browser import WATCH_SWITCH  # noqa: E402
from serve_harness import (  # noqa: E402
    STATE_JS, ServerProcess, browser_missing, free_port, launch_chromium)

LOG_PATTERNS = {"error_lines": r"\bERROR\b", "tracebacks": r"Traceback",
                "render_failed": r"Render failed", "iopub_timeouts": r"Timeout waiting for IOPub",
                "busy_503": r"Busy: ", "reaped": r"no page connected to it"}


def summary(values) -> dict:
    if not values:
        return {"n": 0}
    v = np.asarray(values, dtype=float)
    return {"n": int(len(v)), "median": round(float(np.median(v)), 3),
            "p95": round(float(np.percentile(v, 95)), 3), "max": round(float(v.max()), 3)}


async def switch_clients(page, ids, count: int, rng) -> list[float]:
    await page.evaluate(WATCH_SWITCH)
    box = page.locator(".sc-search input")
    out = []
    for cid in rng.choice(ids, size=count, replace=False):
        cid = int(cid)
        await box.fill(str(cid))
        await page.evaluate("() => { window.__sc.t0 = null; window.__sc.changed = null; }")
        await box.press("Enter")
        await page.wait_for_function(
            f"() => document.querySelector('.sc-client-id').textContent.replace(/\\s/g, '')"
            f".includes('{cid}')", timeout=180_000)
        try:
            await page.wait_for_function("() => window.__sc.changed !== null", timeout=5_000)
        except Exception:  # same probability text as the previous client: not counted
            continue
        sc = await page.evaluate("() => window.__sc")
        if sc["t0"] is not None:
            out.append((sc["changed"] - sc["t0"]) / 1000)
    return out


async def advisor(browser, url: str, index: int, ids, switches: int, timeout: float,
                  start: asyncio.Event) -> dict:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000},
                                        locale="fr-FR")
    page = await context.new_page()
    result = {"page": index, "seen": [], "status": None, "final": None}
    await start.wait()
    started = time.monotonic()
    try:
        response = await page.goto(url, wait_until="commit", timeout=timeout * 1000)
        result["status"] = response.status
        if response.status == 503:
            await page.wait_for_load_state("domcontentloaded")
            text = await page.inner_text("body")
            result["final"] = "busy" if "Service occupé" in text and "Service busy" in text \
                else "blank"
            return result
        state, seen = "blank", set()
        while time.monotonic() - started < timeout:
            try:
                state = await page.evaluate(STATE_JS)
            except Exception:  # the document is being replaced: try again
                state = "blank"
            seen.add(state)
            if state in ("score", "failed"):
                break
            await asyncio.sleep(0.25)
        result["final"], result["seen"] = state, sorted(seen)
        if state == "score":
            result["time_to_score_s"] = round(time.monotonic() - started, 2)
            if switches:
                rng = np.random.default_rng(index)
                result["switches_s"] = await switch_clients(page, ids, switches, rng)
        return result
    except Exception as exc:
        result["final"] = result["final"] or "error"
        result["exception"] = f"{type(exc).__name__}: {str(exc)[:200]}"
        return result
    finally:
        result["open_s"] = round(time.monotonic() - started, 1)
        await context.close()


def memory(server: ServerProcess) -> dict:
    try:
        main = psutil.Process(server.proc.pid)
        server_rss = main.memory_info().rss
    except psutil.Error:
        return {"server_mib": 0, "kernels_mib": 0, "kernels": 0}
    kernels = server.kernel_processes()
    total = 0
    for k in kernels:
        try:
            total += k.memory_info().rss
        except psutil.Error:
            pass
    return {"server_mib": server_rss / 2**20, "kernels_mib": total / 2**20,
            "kernels": len(kernels)}


async def run_once(bundle: Path, sessions: int, cap, switches: int, timeout: float,
                   log: Path, checkout: Path | None, old: bool = False) -> dict:
    from playwright.async_api import async_playwright

    from scoring_lib.bundle.store import load_bundle

    ids = load_bundle(bundle, verify=False).scores.index.to_numpy()
    extra = () if old else ("--max-sessions", cap or 1000)
    port = free_port()
    if checkout:
        # run in the checkout: `python -m` puts the working directory first on sys.path
        # (the server), and the kernels start in the notebook's folder (the checkout)
        args = ["env", "-C", checkout.resolve(), sys.executable, "-m", "scoring_lib.cli",
                "serve", "--bundle", bundle.resolve(), "--port", port, *extra]
        server = ServerProcess(args, log, port)
    else:
        server = ServerProcess.scoring_serve(bundle, log, port=port, extra=extra)
    peak = {"server_mib": 0.0, "kernels_mib": 0.0, "total_mib": 0.0, "kernels": 0}
    with server:
        server.wait_ready(timeout=600, pool=True)
        load_before = os.getloadavg()

        async def sample():
            while True:
                m = memory(server)
                peak["server_mib"] = max(peak["server_mib"], m["server_mib"])
                peak["kernels_mib"] = max(peak["kernels_mib"], m["kernels_mib"])
                peak["total_mib"] = max(peak["total_mib"], m["server_mib"] + m["kernels_mib"])
                peak["kernels"] = max(peak["kernels"], m["kernels"])
                await asyncio.sleep(1)

        async with async_playwright() as pw:
            browser = await launch_chromium(pw)
            sampler = asyncio.create_task(sample())
            start = asyncio.Event()
            tasks = [asyncio.create_task(advisor(browser, server.base_url, i, ids, switches,
                                                 timeout, start))
                     for i in range(sessions)]
            await asyncio.sleep(2)  # every context created: open the pages together
            began = time.monotonic()
            start.set()
            results = await asyncio.gather(*tasks)
            wall = time.monotonic() - began
            sampler.cancel()
            await browser.close()
        log_text = server.log_text()
        load_after = os.getloadavg()
    finals = [r["final"] for r in results]
    admitted = [r for r in results if r["status"] == 200]
    return {
        "sessions": sessions, "cap": cap, "checkout": str(checkout) if checkout else None,
        "wall_s": round(wall, 1), "load_before": load_before, "load_after": load_after,
        "answered_200": len(admitted),
        "answered_503": sum(r["status"] == 503 for r in results),
        "score": finals.count("score"), "busy": finals.count("busy"),
        "failed": finals.count("failed"),
        "blank_at_end": sum(f not in ("score", "busy", "failed") for f in finals),
        "blank_seen": sum("blank" in r["seen"] for r in admitted),
        "waiting_seen": sum("waiting" in r["seen"] for r in admitted),
        "time_to_score_s": summary([r["time_to_score_s"] for r in results
                                    if "time_to_score_s" in r]),
        "switch_s": summary([s for r in results for s in r.get("switches_s", [])]),
        "peak_memory": {k: round(v, 1) for k, v in peak.items()},
        "log": {k: len(re.findall(p, log_text)) for k, p in LOG_PATTERNS.items()},
        "pages": results,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", type=Path, default=ROOT / "artifacts" / "demo")
    parser.add_argument("--sessions", type=int, nargs="+", default=[5, 10, 20, 30])
    parser.add_argument("--caps", nargs="+", default=["none", "8"],
                        help="'none' (no cap) and/or numbers for --max-sessions")
    parser.add_argument("--switches", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds a page may take to show a score")
    parser.add_argument("--checkout", type=Path, default=None,
                        help="run the server from another checkout's scoring_lib")
    parser.add_argument("--old", action="store_true",
                        help="the checkout predates --max-sessions (caps must be 'none')")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_load.json"))
    args = parser.parse_args(argv)
    why = browser_missing()
    if why:
        print(f"cannot run: {why}", file=sys.stderr)
        return 2
    caps = [None if c == "none" else int(c) for c in args.caps]
    runs = []
    meta = {"machine": platform.platform(), "cpus": os.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "bundle": str(args.bundle), "command": " ".join(sys.argv)}
    for cap in caps:
        for n in args.sessions:
            log = Path(f"/tmp/bench_load_{n}_{cap or 'none'}.log")
            print(f"--- {n} sessions, cap {cap or 'none'} (load {os.getloadavg()[0]:.1f})",
                  flush=True)
            run = asyncio.run(run_once(args.bundle, n, cap, args.switches, args.timeout, log,
                                       args.checkout, args.old))
            runs.append(run)
            print(json.dumps({k: v for k, v in run.items() if k != "pages"}), flush=True)
            args.out.write_text(json.dumps({"meta": meta, "runs": runs}, indent=1))
    print("\n| N | cap | score | 503 | failed | blank | time to score median / p95 / max s "
          "| switch median / p95 ms (n) | peak MiB server + kernels (kernels) | log errors |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        t, s, m = r["time_to_score_s"], r["switch_s"], r["peak_memory"]
        tts = f"{t['median']} / {t['p95']} / {t['max']}" if t["n"] else "–"
        sw = f"{s['median'] * 1000:.0f} / {s['p95'] * 1000:.0f} ({s['n']})" if s["n"] else "–"
        print(f"| {r['sessions']} | {r['cap'] or 'none'} | {r['score']}/{r['sessions']} | "
              f"{r['answered_503']} | {r['failed']} | {r['blank_at_end']} | {tts} | {sw} | "
              f"{m['total_mib']:.0f} ({m['kernels']}) | {r['log']['error_lines']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
