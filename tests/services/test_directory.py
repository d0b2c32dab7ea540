"""Finding people for /grant: by username in any case, by part of a name, from a forward."""

from __future__ import annotations

from bot.models.users import Role
from bot.services import Services


async def _people(services: Services) -> None:
    await services.users.seen(user_id=11, name="王师傅", username="Wang_Li")
    await services.users.seen(user_id=12, name="王建军")
    await services.users.seen(user_id=13, name="100% 李工", username="li_gong")
    await services.users.grant(user_id=12, role=Role.REVIEWER)


async def test_username_is_found_in_any_case_with_or_without_at(services: Services) -> None:
    """@wang_li and WANG_LI name the same person; an unknown username names nobody."""
    await _people(services)
    for text in ("@wang_li", "WANG_LI"):
        found = await services.directory.by_username(username=text)
        assert found is not None
        assert (found.id, found.name, found.username) == (11, "王师傅", "Wang_Li")
    assert await services.directory.by_username(username="@nobody") is None


async def test_search_matches_part_of_a_name_and_takes_wildcards_literally(
    services: Services,
) -> None:
    """王 finds both 王s with their roles; % and _ are ordinary characters."""
    await _people(services)
    found = await services.directory.search(text="王")
    assert sorted(p.id for p in found.people) == [11, 12]
    assert not found.more
    reviewer = next(p for p in found.people if p.id == 12)
    assert Role.REVIEWER in reviewer.roles
    assert [p.id for p in (await services.directory.search(text="100%")).people] == [13]
    assert (await services.directory.search(text="%")).people[0].id == 13
    assert [p.id for p in (await services.directory.search(text="li_g")).people] == [13]
    assert (await services.directory.search(text="_x")).people == ()


async def test_a_forwarded_stranger_is_kept_and_a_known_person_keeps_their_name(
    services: Services,
) -> None:
    """Noting someone from a forward makes an inactive placeholder, but renames nobody."""
    await _people(services)
    stranger = await services.directory.note(user_id=99, name="赵师傅", username="zhao")
    assert (stranger.name, stranger.username, stranger.known) == ("赵师傅", "zhao", False)
    found = await services.users.find(user_id=99)
    assert found is not None
    assert not found.is_active
    known = await services.directory.note(user_id=11, name="Someone else", username=None)
    assert (known.name, known.username, known.known) == ("王师傅", "Wang_Li", True)
