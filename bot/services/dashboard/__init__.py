"""The organisers' dashboard: scopes over the organisation tree and the figures inside them.

Other features import these names from ``bot.services.dashboard``, never its modules.
"""

from bot.services.dashboard.dashboard import DashboardService
from bot.services.dashboard.exports import TABLES, export_table
from bot.services.dashboard.scopes import NotAllowed, OutOfScope, Place, Scope, ScopeService

__all__ = [
    "TABLES",
    "DashboardService",
    "NotAllowed",
    "OutOfScope",
    "Place",
    "Scope",
    "ScopeService",
    "export_table",
]
