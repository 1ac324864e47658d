"""Several advisors open the dashboard at once (issue #10, "Load, as a test"): 8 chromium
pages at the same moment against ``scoring serve --max-sessions 5`` on a tiny bundle.

Promises checked: every page ends with a score or with the busy page (503), never blank nor
failed; while it is prepared a page always shows something (the waiting line, Voilà's
spinner or the dashboard being drawn); exactly the pages beyond the cap get 503; the server
logs no error; it never runs more kernels than the cap plus the preheated one.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from serve_harness import STATE_JS, ServerProcess, launch_chromium, require_browser
from test_scoring import build_tiny_bundle

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PAGES = 8
CAP = 5
LOAD_TIMEOUT_S = 150


async def visit(browser, url: str, index: int) -> dict:
    context = await browser.new_context(viewport={"width": 1280, "height": 900},
                                        locale="fr-FR")
    page = await context.new_page()
    started = time.monotonic()
    result = {"page": index, "seen": set()}
    try:
        response = await page.goto(url, wait_until="commit", timeout=60_000)
        result["status"] = response.status
        if response.status == 503:
            await page.wait_for_load_state("domcontentloaded")
            text = await page.inner_text("body")
            busy = "Service occupé" in text and "Service busy" in text
            result["final"] = "busy" if busy else "blank"
            result["retry_after"] = (await response.all_headers()).get("retry-after")
            return result
        state = "blank"
        await page.wait_for_load_state("domcontentloaded", timeout=LOAD_TIMEOUT_S * 1000)
        while time.monotonic() - started < LOAD_TIMEOUT_S:
            state = await page.evaluate(STATE_JS)
            result["seen"].add(state)
            if state in ("score", "failed"):
                break
            await asyncio.sleep(0.25)
        result["final"] = state
        result["seconds"] = round(time.monotonic() - started, 1)
        return result
    finally:
        await context.close()


async def open_pages(url: str, count: int) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            return await asyncio.gather(*(visit(browser, url, i) for i in range(count)))
        finally:
            await browser.close()


@pytest.mark.slow
def test_eight_advisors_at_once_with_a_cap_of_five(tmp_path):
    require_browser()
    bundle = build_tiny_bundle(tmp_path / "bundle", clients=300, test_clients=50)[0]
    ARTIFACTS.mkdir(exist_ok=True)
    server = ServerProcess.scoring_serve(bundle, ARTIFACTS / "serve-load-server.log",
                                         extra=("--max-sessions", CAP))
    with server:
        try:
            server.wait_ready(timeout=120, pool=True)
            peak = {"kernels": 0}

            async def run():
                async def watch_kernels():
                    while True:
                        peak["kernels"] = max(peak["kernels"], len(server.kernel_processes()))
                        await asyncio.sleep(1)

                watcher = asyncio.create_task(watch_kernels())
                try:
                    return await open_pages(server.base_url, PAGES)
                finally:
                    watcher.cancel()

            results = asyncio.run(run())
            for r in results:
                print(r)
            busy = [r for r in results if r.get("status") == 503]
            admitted = [r for r in results if r.get("status") == 200]
            assert len(busy) == PAGES - CAP and len(admitted) == CAP, results
            assert all(r["final"] == "busy" and r["retry_after"] == "30" for r in busy), busy
            assert all(r["final"] == "score" for r in admitted), admitted
            assert all("blank" not in r["seen"] for r in admitted), admitted
            assert 1 <= peak["kernels"] <= CAP + 1, peak
            log = server.log_text()
            assert "ERROR" not in log and "Traceback" not in log, log[-4000:]
            assert log.count("Busy: ") == PAGES - CAP
        except BaseException:
            print(server.log_text()[-6000:])
            raise
