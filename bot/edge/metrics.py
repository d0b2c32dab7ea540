"""Prometheus metrics of one process, served at ``/metrics``.

Counters and the latency histogram count what this process did (a web process receives, a
worker handles and sends); the gauges are read from the database when the page is asked for,
so every process reports the same inbox, outbox and scheduler, whoever filled them. Each
process has a registry of its own: nothing is registered at import.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.clock import utcnow
from bot.services import Services

log = logging.getLogger(__name__)
METRICS_KEY = "metrics"
CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Everything ``/metrics`` shows, on a registry of this process's own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.received = Counter(
            "engage_updates_received", "Updates stored in the inbox by this process", registry=r
        )
        self.duplicates = Counter(
            "engage_updates_duplicate", "Re-deliveries of stored updates, dropped", registry=r
        )
        self.processed = Counter(
            "engage_updates_processed", "Updates handled by this process", registry=r
        )
        self.failed = Counter(
            "engage_updates_failed", "Updates whose handler raised an error", registry=r
        )
        self.latency = Histogram(
            "engage_handler_seconds",
            "Time to handle one update, from claim to done",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.inbox_depth = Gauge(
            "engage_inbox_depth", "Updates stored and not yet handled", registry=r
        )
        self.inbox_age = Gauge(
            "engage_inbox_oldest_seconds", "Age of the oldest update not yet handled", registry=r
        )
        self.outbox = Gauge(
            "engage_outbox_deliveries", "Broadcast delivery rows by status", ["status"], registry=r
        )
        self.throttled = Counter(
            "engage_telegram_429", "Bot API calls answered with 429 Too Many Requests", registry=r
        )
        self.retry_after = Counter(
            "engage_telegram_retry_after_seconds",
            "Seconds Telegram asked this process to wait, summed",
            registry=r,
        )
        self.scheduler_lag = Gauge(
            "engage_scheduler_lag_seconds", "How late the most overdue pending job is", registry=r
        )

    def throttle(self, retry_after: float) -> None:
        """Count one 429 and the wait it asked for."""
        self.throttled.inc()
        self.retry_after.inc(retry_after)

    async def refresh(self, services: Services) -> None:
        """Read the gauges from the database; a failed read leaves the last values."""
        try:
            depth = await services.inbox.depth()
            self.inbox_depth.set(depth.undone)
            age = utcnow() - depth.oldest if depth.oldest else timedelta(0)
            self.inbox_age.set(max(0.0, age.total_seconds()))
            for status, count in (await services.broadcasts.outbox.status_counts()).items():
                self.outbox.labels(status=status).set(count)
            self.scheduler_lag.set(await services.scheduler.lag())
        except Exception as exc:  # the page still shows the counters of this process
            log.warning("metrics: the database did not answer: %s", exc)

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)


def metrics_of(app: Any) -> Metrics:
    """The metrics of the running application."""
    found: Metrics = app.bot_data[METRICS_KEY]
    return found
