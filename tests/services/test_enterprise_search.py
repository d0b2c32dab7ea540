"""Finding an enterprise by part of its name, in Chinese (no spaces) and English."""

from __future__ import annotations

from bot.services import Services

NAMES = ("宝鸡石油机械有限责任公司", "宝鸡钛业股份有限公司", "陕西法士特", "Baoji Topda Titanium")


async def _names(services: Services, text: str) -> list[str]:
    return [e.name for e in await services.enterprises.search(text=text)]


async def test_a_fragment_a_typo_and_an_english_word_find_their_enterprises(
    services: Services,
) -> None:
    """“宝鸡” finds both Baoji plants, “宝鸡石由” the oil one, “topda” the English name."""
    for name in NAMES:
        await services.enterprises.named(name=name)
    assert sorted(await _names(services, "宝鸡")) == [
        "宝鸡石油机械有限责任公司",
        "宝鸡钛业股份有限公司",
    ]
    assert (await _names(services, "宝鸡石由"))[0] == "宝鸡石油机械有限责任公司"
    assert await _names(services, "topda") == ["Baoji Topda Titanium"]
    assert await _names(services, "秦川机床") == []
    assert await _names(services, "西安") == []


async def test_exact_ignores_case_and_spacing_and_new_names_are_unverified(
    services: Services,
) -> None:
    """A name typed again in other case is the same enterprise; a user's new one awaits an admin."""
    for name in NAMES:
        await services.enterprises.named(name=name)
    found = await services.enterprises.exact(name="baoji  topda titanium")
    assert found is not None
    assert found.name == "Baoji Topda Titanium"
    assert await services.enterprises.exact(name="宝鸡") is None
    added = await services.enterprises.named(name="秦川机床", verified=False)
    assert [e.id for e in await services.enterprises.unverified()] == [added.id]
    page, total = await services.enterprises.page(offset=0, limit=10)
    assert "秦川机床" not in [e.name for e in page]
    assert total == len(NAMES)
