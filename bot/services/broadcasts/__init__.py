"""Announcements and broadcasts: drafts, audiences, the outbox's database side, reports, follow-ups.

Other features import these names from ``bot.services.broadcasts``, never its modules.
"""

from bot.services.broadcasts.audience import Audience

__all__ = ["Audience"]
