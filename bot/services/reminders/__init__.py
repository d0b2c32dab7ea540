"""Personal reminders, understood from a phrase and fired once by the scheduler.

Other features import these names from ``bot.services.reminders``, never its modules.
"""

from bot.services.reminders.reminders import TooManyReminders

__all__ = ["TooManyReminders"]
