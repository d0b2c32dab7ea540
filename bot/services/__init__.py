"""Domain services, one module per feature, gathered in one container that handlers reach.

Nothing here imports ``telegram``: the same services serve the bot, the CLI and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.config import Settings
from bot.db import Database
from bot.i18n import Catalogs
from bot.services.broadcasts.announcements import AnnouncementService
from bot.services.broadcasts.broadcasts import BroadcastService
from bot.services.core.directory import UserDirectory
from bot.services.core.enterprises import EnterpriseService
from bot.services.core.inbox import InboxService
from bot.services.core.onboarding import OnboardingService
from bot.services.core.points import PointsService
from bot.services.core.scheduler import SchedulerService
from bot.services.core.users import UserService
from bot.services.dashboard import DashboardService
from bot.services.events.drafts import EventDraftService
from bot.services.events.events import EventService
from bot.services.learning.catalog import Catalog
from bot.services.learning.learning import LearningService
from bot.services.learning.lessons import LessonService
from bot.services.learning.practice import PracticeService
from bot.services.learning.progress import ProgressService
from bot.services.learning.quizzes import QuizService
from bot.services.network.network import NetworkServices
from bot.services.proposals.drafts import ProposalDraftService
from bot.services.proposals.peers import ProposalPeerService
from bot.services.proposals.prompts import ProposalPromptService
from bot.services.proposals.proposals import ProposalService
from bot.services.proposals.reviews import ProposalReviewService
from bot.services.reminders.reminders import ReminderService
from bot.services.settings.preferences import PreferenceService


@dataclass(slots=True)
class Services:
    """Everything a handler, job or command may call, each built once per process."""

    settings: Settings
    db: Database
    i18n: Catalogs
    users: UserService
    directory: UserDirectory
    enterprises: EnterpriseService
    onboarding: OnboardingService
    scheduler: SchedulerService
    inbox: InboxService
    points: PointsService
    preferences: PreferenceService
    broadcasts: BroadcastService
    announcements: AnnouncementService
    learning: LearningService
    lessons: LessonService
    progress: ProgressService
    quizzes: QuizService
    practice: PracticeService
    proposals: ProposalService
    proposal_drafts: ProposalDraftService
    proposal_reviews: ProposalReviewService
    proposal_peers: ProposalPeerService
    proposal_prompts: ProposalPromptService
    network: NetworkServices
    reminders: ReminderService
    events: EventService
    event_drafts: EventDraftService
    dashboard: DashboardService

    @classmethod
    def build(cls, settings: Settings, *, db: Database | None = None) -> Services:
        """Wire every service to one database and one catalog set, each service once."""
        db = db or Database(
            settings.database_url,
            (settings.database_pool_size, settings.database_max_overflow),
        )
        users = UserService(db, settings)
        enterprises = EnterpriseService(db, users)
        scheduler = SchedulerService(db, settings)
        points = PointsService(db)
        preferences = PreferenceService(db, settings)
        practice = PracticeService(db)
        catalog = Catalog(db)
        progress = ProgressService(db, points, scheduler, catalog)
        proposals = ProposalService(db, settings, users, points)
        broadcasts = BroadcastService(
            db, settings, users=users, scheduler=scheduler, preferences=preferences
        )
        events = EventService(db, scheduler)
        network = NetworkServices.build(
            db, settings, scheduler=scheduler, enterprises=enterprises, points=points
        )
        return cls(
            settings=settings,
            db=db,
            i18n=Catalogs(),
            users=users,
            directory=UserDirectory(db, settings),
            enterprises=enterprises,
            onboarding=OnboardingService(db, enterprises),
            scheduler=scheduler,
            inbox=InboxService(db, keep=timedelta(hours=settings.inbox_keep_hours)),
            points=points,
            preferences=preferences,
            broadcasts=broadcasts,
            announcements=AnnouncementService(db, settings, broadcasts),
            learning=LearningService(db, settings, scheduler, catalog),
            lessons=LessonService(db, settings, catalog, progress),
            progress=progress,
            quizzes=QuizService(db, points, practice),
            practice=practice,
            proposals=proposals,
            proposal_drafts=ProposalDraftService(db, settings, proposals),
            proposal_reviews=ProposalReviewService(db, users, proposals),
            proposal_peers=ProposalPeerService(db, settings, proposals, points),
            proposal_prompts=ProposalPromptService(db, proposals),
            network=network,
            reminders=ReminderService(db, scheduler),
            events=events,
            event_drafts=EventDraftService(db, events),
            dashboard=DashboardService(db),
        )

    async def close(self) -> None:
        """Release the database connections."""
        await self.db.dispose()
