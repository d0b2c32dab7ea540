"""Long polling into the inbox: one process fetches, stores, and only then confirms.

``getUpdates`` confirms the previous batch when it is called with a higher offset, so an
update is acknowledged only after it is in the inbox; a crash in between makes Telegram send
it again, and the inbox drops the copy. Only one process may poll a token (Telegram answers a
second poller with 409 Conflict); several processes need the webhook.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import Conflict, InvalidToken, NetworkError, TimedOut

from bot.context import services_of
from bot.edge.metrics import metrics_of
from bot.edge.updates import ALLOWED_UPDATES

log = logging.getLogger(__name__)
BACKOFF_MAX = 30.0


async def poll(app: Any, *, wait: int) -> None:
    """Fetch updates into the inbox until cancelled; each call waits up to ``wait`` seconds."""
    inbox = services_of(app).inbox
    metrics = metrics_of(app)
    await app.bot.delete_webhook(drop_pending_updates=False)
    offset: int | None = None
    backoff = 0.5
    while True:
        params: dict[str, Any] = {"timeout": wait, "allowed_updates": ALLOWED_UPDATES}
        if offset is not None:
            params["offset"] = offset
        try:
            batch = await app.bot.do_api_request(
                "getUpdates", api_kwargs=params, read_timeout=wait + 10
            )
            if batch:
                fresh = await inbox.store_many(batch)
                metrics.received.inc(fresh)
                metrics.duplicates.inc(len(batch) - fresh)
                offset = max(int(u["update_id"]) for u in batch) + 1
            backoff = 0.5
        except InvalidToken:
            raise
        except Exception as exc:  # Telegram away, another poller (409) or the database down
            expected = isinstance(exc, Conflict | NetworkError | TimedOut | OSError)
            log.warning("polling: %s; again in %.1f s", exc, backoff, exc_info=not expected)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_MAX)
