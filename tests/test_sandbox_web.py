"""The web chat's server side: people, roles, chat views and the live event stream, over HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.models.users import Role
from bot.sandbox import BotMessage, SimUser
from bot.sandbox.demo import PEOPLE, PROPOSALS, REVIEWER, seed
from bot.sandbox.people import FIRST_ID
from bot.sandbox.run import Sandbox
from bot.sandbox.views import message_view
from bot.services import Services
from tests.conftest import make_settings


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of a sandbox on a free port."""
    return make_settings(database_url, sandbox_port=0)


@pytest.fixture
async def sandbox(settings: Settings) -> AsyncIterator[Sandbox]:
    """The whole sandbox (emulator, bot, web chat) in this process."""
    running = await Sandbox(settings).start()
    try:
        yield running
        running.emulator.assert_no_violations()
    finally:
        await running.stop()


@pytest.fixture
async def web(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the web chat."""
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10) as client:
        yield client


async def _add(web: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await web.post("/sandbox/app/people", json=fields)
    assert response.status_code == 201, response.text
    person: dict[str, Any] = response.json()
    return person


async def test_page_says_it_is_a_local_sandbox(web: httpx.AsyncClient) -> None:
    """The page and its assets are served, and the page names itself a local sandbox."""
    page = await web.get("/")
    assert page.status_code == 200
    assert "本地沙盒" in page.text
    assert "Local sandbox" in page.text
    for asset in ("app.js", "chat.js", "common.js", "entities.js", "app.css"):
        assert (await web.get(f"/static/{asset}")).status_code == 200


async def test_info_lists_roles_in_both_languages_and_the_demo_cast(web: httpx.AsyncClient) -> None:
    """The page learns the role names from the bot's catalogs and whom it can add from the demo."""
    info = (await web.get("/sandbox/app/info")).json()
    labels = {role["value"]: role["label"] for role in info["roles"]}
    assert set(labels) == {role.value for role in Role}
    assert labels["model_worker"] == {"zh": "劳模", "en": "model worker"}
    assert [person["id"] for person in info["cast"]] == [person.id for person in PEOPLE]


async def test_a_person_added_as_admin_holds_the_role_and_gets_the_admin_menu(
    web: httpx.AsyncClient, sandbox: Sandbox, services: Services
) -> None:
    """Adding someone as admin grants the role through the user service and updates their menu."""
    person = await _add(web, name="刘芳", lang="zh", role="admin")
    assert person["role"] == "admin"
    assert Role.ADMIN in await services.users.roles(user_id=person["id"])
    menu = (await web.get(f"/sandbox/api/commands?lang=zh&user_id={person['id']}")).json()
    assert "grant" in {entry["command"] for entry in menu}
    listed = (await web.get("/sandbox/app/people")).json()
    assert [(p["name"], p["role"]) for p in listed] == [("刘芳", "admin")]


async def test_switching_role_revokes_the_old_one(
    web: httpx.AsyncClient, services: Services
) -> None:
    """A reviewer made a worker again holds only the worker role."""
    person = await _add(web, name="赵明", lang="zh", role="reviewer")
    response = await web.post(f"/sandbox/app/chats/{person['id']}/role", json={"role": "worker"})
    assert response.json()["role"] == "worker"
    assert await services.users.roles(user_id=person["id"]) == {Role.WORKER}
    refused = await web.post(f"/sandbox/app/chats/{person['id']}/role", json={"role": "boss"})
    assert refused.status_code == 400


async def test_new_people_never_inherit_someone_else_in_the_database(
    web: httpx.AsyncClient, services: Services
) -> None:
    """An id already known to the bot (from an earlier session) is skipped for a new person."""
    await services.users.seen(user_id=FIRST_ID, name="昨天的人", language_code="zh")
    person = await _add(web, name="新人", lang="zh")
    assert person["id"] == FIRST_ID + 1


async def test_a_demo_person_joins_with_their_id_once(web: httpx.AsyncClient) -> None:
    """The demo model worker joins under the demo id; adding him twice is refused."""
    demo = PEOPLE[3]
    person = await _add(web, name=demo.name, lang=demo.lang, role=demo.role.value, id=demo.id)
    assert (person["id"], person["role"]) == (demo.id, "model_worker")
    again = await web.post("/sandbox/app/people", json={"name": demo.name, "id": demo.id})
    assert again.status_code == 409


async def _events(web: httpx.AsyncClient, wanted: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    async with web.stream("GET", "/sandbox/app/events") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data: "):
                found.append(json.loads(line[6:]))
                if sum(e["type"] == "message" for e in found) >= wanted:
                    return found
    return found


async def test_chat_view_and_events_show_both_sides_of_the_conversation(
    web: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    """/start from the page is an outgoing bubble; the bot's answers come in, with buttons."""
    person = await _add(web, name="王师傅", lang="zh")
    user = sandbox.emulator.user_by_id(person["id"])
    assert user is not None

    listening = asyncio.create_task(_events(web, 3))
    await asyncio.sleep(0.2)
    await web.post(f"/sandbox/api/users/{person['id']}/send", json={"text": "/start"})
    events = await asyncio.wait_for(listening, 10)
    messages = [e["message"] for e in events if e["type"] == "message"]
    assert (messages[0]["out"], messages[0]["text"]) == (True, "/start")
    assert not messages[1]["out"]
    assert "王师傅" in messages[1]["text"]
    await user.settle()
    chat = (await web.get(f"/sandbox/app/chats/{person['id']}")).json()
    question = chat["messages"][-1]
    assert "企业" in question["text"]
    skip = question["buttons"][-1][0]
    assert skip["text"] == "跳过"
    assert skip["callback_data"].startswith("onb:")
    assert chat["commands"], "the command menu is published to the chat"


def test_message_view_tells_url_buttons_from_callback_buttons() -> None:
    """Buttons keep the field Telegram uses, so a URL-looking callback is still a callback."""
    raw = {
        "message_id": 7,
        "date": 1,
        "text": "选一个",
        "reply_markup": {
            "inline_keyboard": [
                [{"text": "打开", "url": "https://example.org/"}],
                [{"text": "像链接", "callback_data": "http://not-a-link"}],
            ]
        },
    }
    view = message_view(raw, out=False)
    assert view["buttons"] == [
        [{"text": "打开", "url": "https://example.org/"}],
        [{"text": "像链接", "callback_data": "http://not-a-link"}],
    ]
    assert not view["edited"]


def test_message_view_of_media_shares_and_replies() -> None:
    """A document keeps its file name, a shared contact reads as a phone number, a reply quotes."""
    document = {
        "message_id": 3,
        "document": {"file_id": "BQ1", "file_name": "参数表.xlsx", "file_size": 2048},
        "caption": "本周数据",
        "caption_entities": [{"type": "bold", "offset": 0, "length": 2}],
        "edit_date": 5,
    }
    view = message_view(document, out=False)
    assert view["file"]["name"] == "参数表.xlsx"
    assert (view["text"], view["entities"][0]["type"], view["edited"]) == ("本周数据", "bold", True)
    contact = {"message_id": 4, "contact": {"phone_number": "+86 13800000000"}}
    contact["reply_to_message"] = document
    shared = message_view(contact, out=True)
    assert shared["text"] == "📞 +86 13800000000"
    assert shared["reply_to"] == {"id": 3, "text": "本周数据"}


async def _until(user: SimUser, text: str) -> BotMessage:
    """The user's next bot message containing ``text`` (photos and other messages come first)."""
    for _ in range(10):
        message = await user.reply(timeout=10)
        if text in message.text:
            return message
    raise AssertionError(f"{user.name} never got {text!r}")


@pytest.mark.usefixtures("daytime")
async def test_after_demo_seed_the_cast_is_there_and_reviewing_reaches_the_author(
    settings: Settings, services: Services
) -> None:
    """With the demo seeded, its people are in the sandbox; an acceptance reaches the author."""
    await seed(services)
    sandbox = await Sandbox(settings).start()
    try:
        async with httpx.AsyncClient(base_url=sandbox.url, timeout=10) as web:
            listed = (await web.get("/sandbox/app/people")).json()
            assert {p["id"]: p["role"] for p in listed} == {p.id: p.role.value for p in PEOPLE}
            await web.post(f"/sandbox/api/users/{REVIEWER.id}/send", json={"text": "/review"})
            reviewer = sandbox.emulator.user_by_id(REVIEWER.id)
            author = sandbox.emulator.user_by_id(PROPOSALS[0].author.id)
            assert reviewer is not None
            assert author is not None
            assert PROPOSALS[0].title in (await _until(reviewer, "№")).text
            press = f"/sandbox/api/users/{REVIEWER.id}/press"
            await web.post(press, json={"text": "✅ 采纳"})
            assert "确定采纳" in (await _until(reviewer, "评语")).text
            await web.post(press, json={"text": "✅ 不写评语，直接采纳"})
            assert PROPOSALS[0].title in (await _until(author, "已被采纳")).text
        sandbox.emulator.assert_no_violations()
    finally:
        await sandbox.stop()


async def test_a_person_may_have_a_username_that_is_theirs_alone(
    web: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    """A username given when adding reaches the bot as Telegram's; a bad or taken one is refused."""
    person = await _add(web, name="王师傅", lang="zh", username="@wang_shifu")
    assert person["username"] == "wang_shifu"
    user = sandbox.emulator.user_by_id(person["id"])
    assert user is not None
    assert user.user_json["username"] == "wang_shifu"
    bad = await web.post("/sandbox/app/people", json={"name": "李", "username": "a b"})
    assert bad.status_code == 400
    taken = await web.post("/sandbox/app/people", json={"name": "李", "username": "Wang_Shifu"})
    assert taken.status_code == 409
    cast = (await web.get("/sandbox/app/info")).json()["cast"]
    assert [p["username"] for p in cast] == [p.username for p in PEOPLE]
    assert all(p.username for p in PEOPLE), "every demo person can be named in /grant @…"


async def _person_changed(web: httpx.AsyncClient) -> dict[str, Any]:
    async with web.stream("GET", "/sandbox/app/events") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data: "):
                event = json.loads(line[6:])
                if event["type"] == "person_changed":
                    person: dict[str, Any] = event["person"]
                    return person
    raise AssertionError("the stream ended before a person_changed event")


async def test_choosing_a_language_tells_the_page_the_persons_new_language(
    web: httpx.AsyncClient, sandbox: Sandbox, services: Services
) -> None:
    """/language → English sends the page the person as now described, without a reload."""
    await seed(services)
    listed = (await web.get("/sandbox/app/people")).json()
    person = next(p for p in listed if p["id"] == PEOPLE[0].id)
    assert (person["username"], person["locale"]) == (PEOPLE[0].username, "zh")
    user = sandbox.emulator.user_by_id(person["id"])
    assert user is not None
    told = asyncio.create_task(_person_changed(web))
    await asyncio.sleep(0.2)
    await user.send("/language")
    await user.settle()
    await user.press("English（英文）")
    changed = await asyncio.wait_for(told, 10)
    assert (changed["id"], changed["locale"]) == (person["id"], "en")
