"""A visit: first-time users are registered, returning ones noted, placeholders filled in."""

from __future__ import annotations

from bot.models.users import Role, User
from bot.services import Services
from bot.services.core.users import UserService


async def test_a_first_visit_registers_the_user_in_their_language(services: Services) -> None:
    """Someone new is new once, speaks their client's language, holds no role beyond worker."""
    first = await services.users.seen(user_id=21, name="赵工", language_code="en-GB")
    assert (first.is_new, first.placeholder, first.locale) == (True, False, "en")
    assert first.onboarding_step == "new"
    again = await services.users.seen(user_id=21, name="赵工", language_code="en-GB")
    assert not again.is_new
    assert await services.users.roles(user_id=21) == {Role.WORKER}


async def test_a_returning_user_is_noted_and_renamed_and_active_again(services: Services) -> None:
    """A later visit (past the cached window, in a new process) updates name and activity."""
    await services.users.seen(user_id=22, name="钱师傅", username="qian")
    await services.users.deactivate(user_id=22)
    fresh = UserService(services.db, services.settings)  # another process: nothing cached
    back = await fresh.seen(user_id=22, name="钱建国", username=None)
    assert (back.is_new, back.is_active, back.name) == (False, True, "钱建国")
    async with services.db.reader() as session:
        row = await session.get(User, 22)
    assert row is not None
    assert (row.username, row.is_active, row.blocked_at) == (None, True, None)
    assert row.last_seen_at is not None
    assert row.created_at <= row.last_seen_at


async def test_someone_granted_a_role_before_writing_is_new_and_a_placeholder(
    services: Services,
) -> None:
    """The row /grant made is filled in on the first visit; the newcomer keeps the role."""
    await services.users.grant(user_id=23, role=Role.REVIEWER)
    first = await services.users.seen(user_id=23, name="孙工", language_code="zh-hans")
    assert (first.is_new, first.placeholder, first.is_active, first.name) == (
        True,
        True,
        True,
        "孙工",
    )
    assert Role.REVIEWER in await services.users.roles(user_id=23)


async def test_the_visit_is_written_at_most_every_few_minutes(services: Services) -> None:
    """Within the window a visit is answered from memory; the stored time stays."""
    await services.users.seen(user_id=24, name="李工")
    async with services.db.reader() as session:
        stored = (await session.get(User, 24)).last_seen_at  # type: ignore[union-attr]
    await services.users.seen(user_id=24, name="李工")
    async with services.db.reader() as session:
        assert (await session.get(User, 24)).last_seen_at == stored  # type: ignore[union-attr]
    assert stored is not None
