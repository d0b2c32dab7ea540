"""Employee-engagement bot: lessons, innovation proposals, events and reminders for workers."""

import os

__version__ = "0.1.0"

# Opt in to python-telegram-bot's next-major behaviour: durations (retry_after, timeouts)
# are ``datetime.timedelta``, so the code does not change meaning when PTB 23 arrives.
os.environ.setdefault("PTB_TIMEDELTA", "true")
