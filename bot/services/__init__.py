"""Domain services, one module per feature, gathered in one container that handlers reach.

Nothing here imports ``telegram``: the same services serve the bot, the CLI and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.db import Database
from bot.i18n import Catalogs
from bot.services.broadcasts.broadcasts import BroadcastService
from bot.services.core.enterprises import EnterpriseService
from bot.services.core.onboarding import OnboardingService
from bot.services.core.points import PointsService
from bot.services.core.scheduler import SchedulerService
from bot.services.core.users import UserService
from bot.services.events.events import EventService
from bot.services.learning.learning import LearningService
from bot.services.learning.practice import ReviewService
from bot.services.learning.progress import ProgressService
from bot.services.learning.quizzes import QuizService
from bot.services.network.network import NetworkServices
from bot.services.proposals.drafts import ProposalDraftService
from bot.services.proposals.peers import ProposalPeerService
from bot.services.proposals.prompts import ProposalPromptService
from bot.services.proposals.proposals import ProposalService
from bot.services.proposals.reviews import ProposalReviewService
from bot.services.reminders.reminders import ReminderService


@dataclass(slots=True)
class Services:
    """Everything a handler, job or command may call, built once per process."""

    settings: Settings
    db: Database
    i18n: Catalogs
    users: UserService
    enterprises: EnterpriseService
    onboarding: OnboardingService
    scheduler: SchedulerService
    broadcasts: BroadcastService
    points: PointsService
    learning: LearningService
    progress: ProgressService
    quizzes: QuizService
    review: ReviewService
    proposals: ProposalService
    proposal_drafts: ProposalDraftService
    proposal_reviews: ProposalReviewService
    proposal_peers: ProposalPeerService
    proposal_prompts: ProposalPromptService
    network: NetworkServices
    reminders: ReminderService
    events: EventService

    @classmethod
    def build(cls, settings: Settings, *, db: Database | None = None) -> Services:
        """Wire every service to one database and one catalog set."""
        db = db or Database(settings.database_url)
        users = UserService(db, settings)
        enterprises = EnterpriseService(db)
        proposals = ProposalService(db, settings, users, PointsService(db))
        return cls(
            settings=settings,
            db=db,
            i18n=Catalogs(),
            users=users,
            enterprises=enterprises,
            onboarding=OnboardingService(db, users, enterprises),
            scheduler=SchedulerService(db, settings),
            broadcasts=BroadcastService(db, settings, users=users),
            points=PointsService(db),
            learning=LearningService(db, settings),
            progress=ProgressService(db, PointsService(db)),
            quizzes=QuizService(db, PointsService(db), ReviewService(db)),
            review=ReviewService(db),
            proposals=proposals,
            proposal_drafts=ProposalDraftService(db, settings, proposals),
            proposal_reviews=ProposalReviewService(db, users, proposals),
            proposal_peers=ProposalPeerService(db, settings, proposals, PointsService(db)),
            proposal_prompts=ProposalPromptService(db, proposals),
            network=NetworkServices.build(db, settings),
            reminders=ReminderService(db, SchedulerService(db, settings)),
            events=EventService(db, SchedulerService(db, settings)),
        )

    async def close(self) -> None:
        """Release the database connections."""
        await self.db.dispose()
