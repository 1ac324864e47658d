"""The pieces of ``scoring serve`` around Voilà, without a server: sizing --max-sessions,
the session cap and reaper bookkeeping, the render queue, the visitor's pages, the log filter."""

from __future__ import annotations

import asyncio
import logging

import pytest

from scoring_lib.serving import pages, sizing
from scoring_lib.serving.logs import TokenFilter, install_token_filter, scrub
from scoring_lib.serving.sessions import (RenderQueue, Sessions, default_render_slots,
                                          reap_targets)


# --------------------------------------------------------------------- --max-sessions
def test_kernel_footprint_matches_the_measured_kernels():
    """bench/RESULTS.md: RSS 330-340 MiB per kernel on the demo bundle (load benchmark),
    444 MiB at full scale: the estimate is at or a little above what was measured."""
    assert 335 <= sizing.kernel_footprint_mib(35_000) <= 350
    assert 444 <= sizing.kernel_footprint_mib(356_255) <= 500
    assert sizing.kernel_footprint_mib(0) == sizing.BASE_KERNEL_MIB
    with pytest.raises(ValueError, match="clients"):
        sizing.kernel_footprint_mib(-1)


def test_default_max_sessions_formula():
    gib = 2**30
    # 24 GiB free, full scale: (24576 - 1024) // 494 - 1 = 46, at most 15 per CPU
    assert sizing.default_max_sessions(24 * gib, 356_255, cpus=2) == 30
    assert sizing.default_max_sessions(24 * gib, 356_255, cpus=8) == 46
    # 4 GiB free, demo: (4096 - 1024) // 338 - 1 = 8
    assert sizing.default_max_sessions(4 * gib, 35_000, cpus=2) == 8
    assert sizing.default_max_sessions(4 * gib, 35_000, cpus=2, pool=0) == 9
    # no memory to spare: still one session (the page says busy beyond it)
    assert sizing.default_max_sessions(512 * 2**20, 35_000, cpus=2) == 1


def test_bundle_clients_reads_the_manifest():
    assert sizing.bundle_clients({"client_tables": {"applications": {"rows": 350}}}) == 350
    assert sizing.bundle_clients({"client_tables": {"features": {"rows": 20}}}) == 20
    assert sizing.bundle_clients({}) == 0


def test_render_slots_leave_a_core():
    assert default_render_slots(1) == 1
    assert default_render_slots(2) == 1
    assert default_render_slots(8) == 7


# ------------------------------------------------------------------- sessions and the cap
class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_cap_admits_until_full_and_frees_a_place_when_a_kernel_goes():
    alive = {"k1", "k2"}
    sessions = Sessions(2, alive=lambda kid: kid in alive)
    first, second = sessions.admit(), sessions.admit()
    assert first and second and sessions.admit() is None  # the third visitor: 503
    first.bind("k1")
    second.bind("k2")
    first.rendered()
    second.rendered()
    assert len(sessions) == 2 and sessions.admit() is None
    alive.discard("k1")  # shut down by its page, culled, reaped or dead
    assert len(sessions) == 1
    assert sessions.admit() is not None


def test_a_request_that_got_no_kernel_leaves_its_place():
    sessions = Sessions(1)
    ticket = sessions.admit()
    assert sessions.admit() is None
    ticket.rendered()  # the visitor left while waiting in the queue
    ticket.rendered()  # twice is harmless
    assert len(sessions) == 0 and sessions.admit() is not None


def test_reaper_takes_only_sent_pages_never_connected_after_the_grace_period():
    clock = Clock()
    sessions = Sessions(10, grace=60, clock=clock)
    curl, browser, queued, rendering = (sessions.admit() for _ in range(4))
    curl.bind("curl")
    browser.bind("browser")
    rendering.bind("rendering")  # kernel started, notebook still running
    curl.rendered()
    browser.rendered()
    sessions.connected("browser")
    clock.now = 59
    assert sessions.unconnected() == []
    clock.now = 61
    assert sessions.unconnected() == ["curl"]
    assert queued.kernel_id is None  # still in the queue: no kernel, nothing to reap
    clock.now = 10_000
    assert reap_targets(sessions, pool_kernels={"pool"}) == ["curl"]
    sessions.forget("curl")
    assert sessions.unconnected() == [] and len(sessions) == 3


def test_reaper_never_takes_a_pool_kernel():
    clock = Clock()
    sessions = Sessions(3, grace=1, clock=clock)
    ticket = sessions.admit()
    ticket.bind("k")
    ticket.rendered()
    clock.now = 5
    assert reap_targets(sessions, pool_kernels={"k"}) == []
    assert reap_targets(sessions, pool_kernels=set()) == ["k"]


def test_sessions_refuse_a_cap_below_one():
    with pytest.raises(ValueError, match="cap"):
        Sessions(0)


# ---------------------------------------------------------------------- the render queue
def test_queue_runs_slots_at_a_time_in_arrival_order():
    async def scenario():
        queue = RenderQueue(1)
        a, b, c = queue.join(), queue.join(), queue.join()
        assert a.done() and not b.done() and not c.done()
        assert [queue.ahead(t) for t in (a, b, c)] == [0, 1, 2]
        queue.leave(b)  # b's visitor closed the page while waiting
        assert b.cancelled() and queue.ahead(c) == 1
        queue.leave(a)
        assert c.done() and queue.running == 1 and queue.waiting() == 0
        queue.leave(a)  # twice is harmless
        queue.leave(c)
        assert queue.running == 0
        two = RenderQueue(2)
        x, y, z = two.join(), two.join(), two.join()
        assert x.done() and y.done() and not z.done() and two.ahead(z) == 2

    asyncio.run(scenario())


# ------------------------------------------------------------------- what a visitor reads
def test_busy_page_in_french_and_english():
    html = pages.busy_html(5)
    assert "Service occupé" in html and "Service busy" in html
    assert "Réessayez dans un instant" in html and "Please retry in a moment" in html
    assert "(5 au plus)" in html and "(5 at most)" in html
    assert "<script" not in html and "http" not in html.replace('http-equiv', '')


def test_waiting_line_in_french_and_english_with_the_queue_length():
    html = pages.waiting_html(3)
    assert html.startswith("<!DOCTYPE html>")
    assert "Votre page est en préparation… <span id=\"scoring-ahead-fr\">(3 avant vous)" in html
    assert "Your page is being prepared… <span id=\"scoring-ahead-en\">(3 ahead of you)" in html
    assert "avant vous)</span>" not in pages.waiting_html(0)
    assert pages.ahead_script(2) == "<script>window.scoringAhead(2)</script>\n"


@pytest.mark.parametrize("kind, fr, en", [
    ("error", "une erreur s'est produite", "an error occurred"),
    ("timeout", "a pris trop de temps", "took too long"),
    ("kernel", "s'est arrêté", "stopped"),
    ("server", "le serveur", "the server"),
    ("unknown", "le serveur", "the server")])
def test_failure_message_says_what_happened_and_to_reload(kind, fr, en):
    text_fr, text_en = pages.failure_text(kind)
    assert text_fr.startswith("La page n'a pas pu être préparée") and fr in text_fr
    assert "Rechargez la page" in text_fr
    assert text_en.startswith("The page could not be prepared") and en in text_en
    assert "Reload the page" in text_en
    html = pages.failed_html(kind)
    assert text_fr in html and text_en in html and 'role="alert"' in html


def test_render_watch_spots_failures_even_across_chunks():
    ok = pages.RenderWatch()  # a widget output (JSON) printing the words
    for chunk in ['<script type="application/vnd.voila.cell-output+json">',
                  '{"output_type": "stream", "text": "\\"output_type\\": \\"error\\""}']:
        ok.feed(chunk)
    assert ok.failure is None  # printed text is escaped JSON: not a failure

    error = pages.RenderWatch()
    for chunk in ['{"output_t', 'ype": "error", "ename": "ExecutionError"}']:
        error.feed(chunk)
    assert error.failure == "error"

    timeout = pages.RenderWatch()
    timeout.feed('{"output_type": "error", "ename": "TimeoutError", "evalue": "Timeout"}')
    assert timeout.failure == "timeout"
    timeout.fail("error")
    assert timeout.failure == "timeout"  # the most telling one stays

    died = pages.RenderWatch()
    died.feed('{"name": "stderr", "text": "An exception occurred at the server (not the ')
    assert died.failure == "kernel"


@pytest.mark.parametrize("text, kind", [
    ("There was an error when executing cell [1]. Please run Voilà with", "error"),
    ("Cell execution timed out, aborting notebook execution. Please run", "timeout"),
    ("An exception occurred at the server (not the notebook). Please", "kernel")])
def test_render_watch_reads_voila_sentences_in_html(text, kind):
    """What Voilà 0.5.13 writes in place of a failed cell's output (a text output)."""
    watch = pages.RenderWatch()
    watch.feed('<div data-mime-type="application/vnd.jupyter.stderr"><pre>\n')
    watch.feed(text[:20])
    watch.feed(text[20:] + "</pre></div>")
    assert watch.failure == kind


# ------------------------------------------------------------------------ the log filter
@pytest.mark.parametrize("line", [
    "302 GET /?token=abc-DEF_123 (127.0.0.1) 1.20ms",
    "403 GET /voila/api/shutdown/k?token=abc-DEF_123&x=1 (127.0.0.1) 0.5ms",
    "302 GET /login?next=%2F%3Ftoken%3Dabc-DEF_123%26theme%3Ddark (127.0.0.1)",
    "Couldn't authenticate WebSocket connection with Token=abc-DEF_123",
    "url 'http://h/?TOKEN=abc-DEF_123'"])
def test_scrub_removes_token_values(line):
    clean = scrub(line)
    assert "abc-DEF_123" not in clean and "[secret]" in clean
    if "&x=1" in line:
        assert clean.endswith("&x=1 (127.0.0.1) 0.5ms")
    if "%26theme" in line:
        assert "%26theme%3Ddark" in clean


def test_scrub_removes_the_server_token_anywhere():
    assert scrub("Authorization: token s3cr3t", secrets=("s3cr3t",)) == \
        "Authorization: token [secret]"


def test_token_filter_on_a_logger_and_its_handler(caplog):
    logger = logging.getLogger("test.scoring.tokens")
    install_token_filter(["s3cr3t"], names=("test.scoring.tokens",))
    with caplog.at_level(logging.INFO):
        logger.warning("%d GET %s", 403, "/?token=wrong-one")
        logger.info("the token is s3cr3t")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["403 GET /?token=[secret]", "the token is [secret]"]
    # installed twice: still one filter
    install_token_filter(["s3cr3t"], names=("test.scoring.tokens",))
    assert sum(isinstance(f, TokenFilter) for f in logger.filters) == 1


# --------------------------------------------------------- a page closed mid-conversation
def test_a_write_to_a_closed_page_leaves_no_unread_error():
    """What the kernel websocket does with each write (TrackedConnection.write_message): a
    page closed meanwhile fails the write, and the failure is read, so asyncio does not log
    "Task exception was never retrieved" with a traceback."""
    from tornado.websocket import WebSocketClosedError

    from scoring_lib.serving.app import _retrieve

    async def scenario():
        write = asyncio.get_running_loop().create_future()
        write.add_done_callback(_retrieve)
        write.set_exception(WebSocketClosedError())
        await asyncio.sleep(0)
        return write

    write = asyncio.run(scenario())
    assert write._log_traceback is False  # asyncio's flag for "log it when collected"
    assert isinstance(write.exception(), WebSocketClosedError)
