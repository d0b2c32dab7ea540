"""The campaign's network in one place: ``context.services.network.experts`` and the rest."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.db import Database
from bot.services.core import EnterpriseService, PointsService, SchedulerService
from bot.services.network.experts import ExpertService
from bot.services.network.help_drafts import HelpDraftService
from bot.services.network.help_requests import HelpRequestService, HelpSettings
from bot.services.network.imports import ImportService
from bot.services.network.invites import Invites
from bot.services.network.pairings import PairingService
from bot.services.network.relay import RelayService
from bot.services.network.reports import ReportService
from bot.services.network.studios import StudioService
from bot.services.network.teams import TeamService


@dataclass(slots=True)
class NetworkServices:
    """Experts, teams, pairings, help requests and their relay, studios, reports, imports."""

    experts: ExpertService
    teams: TeamService
    pairings: PairingService
    help_requests: HelpRequestService
    help_drafts: HelpDraftService
    relay: RelayService
    studios: StudioService
    reports: ReportService
    imports: ImportService
    invites: Invites

    @classmethod
    def build(
        cls,
        db: Database,
        settings: Settings,
        *,
        scheduler: SchedulerService,
        enterprises: EnterpriseService,
        points: PointsService,
        help_settings: HelpSettings | None = None,
    ) -> NetworkServices:
        """Wire the network's services to the database and the shared core services.

        Jobs are only *scheduled* here (rows in the jobs table); the bot's own scheduler
        service runs them with the handlers the feature registers when it starts.
        """
        studios = StudioService(db)
        help_requests = HelpRequestService(
            db, scheduler, points, help_settings or HelpSettings.of(settings)
        )
        return cls(
            experts=ExpertService(db),
            teams=TeamService(db, enterprises),
            pairings=PairingService(db, enterprises, scheduler),
            help_requests=help_requests,
            help_drafts=HelpDraftService(db, help_requests),
            relay=RelayService(db),
            studios=studios,
            reports=ReportService(db, studios),
            imports=ImportService(db),
            invites=Invites(settings.token or settings.database_url),
        )
