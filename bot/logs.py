"""Logging: one line per event, contents of messages never at INFO, the token never at all."""

from __future__ import annotations

import logging


class _MaskSecrets(logging.Filter):
    """Replace a secret wherever it would appear in a log line (URLs of Bot API calls carry it)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


def configure(level: str, *, secrets: list[str] | None = None) -> None:
    """Set up the root logger once for the process."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_MaskSecrets(secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "tornado.access", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
