"""Push settings: which pushes someone wants, their quiet hours and their daily digest.

Other features import these names from ``bot.services.settings``, never its modules.
"""

from bot.services.settings.preferences import (
    PreferenceService,
    PushSettings,
    Recipient,
    next_digest,
    quiet_end,
)

__all__ = ["PreferenceService", "PushSettings", "Recipient", "next_digest", "quiet_end"]
