"""Broadcast admission: more calls in flight on a slow network, fewer when queueing."""

from __future__ import annotations

import asyncio

from bot.sending.pacing import Admission


async def fill(admission: Admission) -> int:
    """Admit sends until one has to wait for room; how many got in."""
    admitted = 0
    while True:
        entering = asyncio.ensure_future(admission.enter())
        await asyncio.sleep(0)
        if not entering.done():
            entering.cancel()
            return admitted
        admitted += 1


async def test_a_far_away_server_gets_more_calls_in_flight() -> None:
    """Calls taking 150 ms while sends wait for room raise the limit round trip by round trip."""
    admission = Admission(1e9, start=4)
    sends = [asyncio.ensure_future(admission.enter()) for _ in range(300)]
    await asyncio.sleep(0.01)  # every send is admitted or queued
    for _ in range(250):  # each finished call lets a queued one in; some always wait
        admission.leave(0.150)
    assert admission.limit >= 20
    admission.halt()
    await asyncio.gather(*sends)


async def test_queueing_shrinks_the_limit_to_no_less_than_two() -> None:
    """Once calls take far longer than the fastest one, the limit falls, but never below two."""
    admission = Admission(10_000, start=16)
    assert await fill(admission) == 16
    admission.leave(0.002)
    for _ in range(15):
        admission.leave(0.050)
        admission._next_cut = 0.0  # as if a round trip had passed between cuts
    assert admission.limit == 2


async def test_halt_turns_away_sends_still_waiting() -> None:
    """Stopping the bot gives back the sends not yet under way."""
    admission = Admission(10_000, start=2)
    await fill(admission)
    waiting = asyncio.ensure_future(admission.enter())
    await asyncio.sleep(0)
    admission.halt()
    assert await waiting is False


async def test_sends_are_admitted_at_the_overall_rate() -> None:
    """With plenty of room in flight, 40 sends at 200/s take about 50 ms after a burst of 30."""
    admission = Admission(200, start=48)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(40):
        assert await admission.enter()
        admission.leave(0.001)
    assert 0.04 <= loop.time() - started < 1.0
