"""What every feature shares: people and their roles, enterprises, points, durable jobs, QR codes.

Other features import these names from ``bot.services.core``, never its modules.
"""

from bot.services.core import qr
from bot.services.core.directory import Found, Person, UserDirectory
from bot.services.core.enterprises import (
    EnterpriseGone,
    EnterpriseService,
    EnterpriseView,
    InvalidName,
    Merged,
    Unchecked,
    normalize,
)
from bot.services.core.points import BoardRow, PointsService
from bot.services.core.scheduler import JobView, SchedulerService, next_cron
from bot.services.core.tables import TableError, read_table, write_table
from bot.services.core.users import (
    ADMINS,
    EVERYONE,
    EXPERTS,
    REVIEWERS,
    PermissionDenied,
    UserService,
    UserView,
    holds,
)

__all__ = [
    "ADMINS",
    "EVERYONE",
    "EXPERTS",
    "REVIEWERS",
    "BoardRow",
    "EnterpriseGone",
    "EnterpriseService",
    "EnterpriseView",
    "Found",
    "InvalidName",
    "JobView",
    "Merged",
    "PermissionDenied",
    "Person",
    "PointsService",
    "SchedulerService",
    "TableError",
    "Unchecked",
    "UserDirectory",
    "UserService",
    "UserView",
    "holds",
    "next_cron",
    "normalize",
    "qr",
    "read_table",
    "write_table",
]
