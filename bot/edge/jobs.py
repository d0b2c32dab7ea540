"""Drive the durable scheduler from PTB's JobQueue (APScheduler underneath).

One repeating tick claims and runs whatever the database says is due. The tick coalesces and
has no misfire limit (APScheduler's default grace of one second would silently drop a tick
that starts late); lateness of each job is judged by the scheduler service against the grace
of that job's kind. Jobs written by another process (the CLI, a second bot) are picked up
on the next tick, which is why the database, not APScheduler's memory, holds the timers.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot.context import Context, services_of
from bot.services import Services

log = logging.getLogger(__name__)
TICK_SECONDS = 1.0
RECOVER_EVERY = 60
JOB_NAME = "scheduler:tick"
_TICKS_KEY = "scheduler:ticks"


def job_context(app: Application[Any, Any, Any, Any, Any, Any]) -> Context:
    """A context for sending from a job, outside any update."""
    return Context(app)


class _SkippedTick(logging.Filter):
    """Drop APScheduler's warning for a tick skipped while the previous one still runs.

    A tick that takes longer than a second (a burst of thousands of due jobs) is meant to be
    skipped (``max_instances=1``): the running tick keeps claiming until nothing is due.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (JOB_NAME in message and "maximum number of running instances" in message)


_SKIPPED_TICK = _SkippedTick()


async def start(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Recover jobs interrupted by a crash and start the tick."""
    services = services_of(app)
    await _recover(services)
    if app.job_queue is None:
        raise RuntimeError("install python-telegram-bot[job-queue]")
    app.bot_data[_TICKS_KEY] = 0
    logging.getLogger("apscheduler.scheduler").addFilter(_SKIPPED_TICK)
    app.job_queue.run_repeating(
        _tick,
        interval=TICK_SECONDS,
        first=0,
        name=JOB_NAME,
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )


async def _recover(services: Services) -> None:
    interrupted = await services.scheduler.recover()
    if interrupted:
        log.warning("%d jobs were interrupted by a stop and are reported, not rerun", interrupted)


async def _tick(context: Context) -> None:
    """Run what is due; now and then look for jobs a crashed process left running."""
    ticks = context.bot_data.get(_TICKS_KEY, 0) + 1
    context.bot_data[_TICKS_KEY] = ticks
    try:
        if ticks % RECOVER_EVERY == 0:
            await _recover(context.services)
        await context.services.scheduler.run_due()
    except Exception:
        log.exception("scheduler tick failed; retrying on the next tick")
