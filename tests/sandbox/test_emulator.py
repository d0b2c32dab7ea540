"""The emulator refuses what Telegram refuses, driven by a real PTB Bot over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import httpx
import pytest
import telegram
import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.request import HTTPXRequest

from bot.sandbox import Emulator
from tests.sandbox.conftest import ptb_bot


def keyboard(data: str = "ok", text: str = "OK") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)]])


async def started(emu: Emulator, name: str = "王师傅") -> tuple[int, object]:
    user = emu.user(name)
    await user.send("/start")
    return user.id, user


async def test_get_me_reports_the_default_bot(tg: telegram.Bot) -> None:
    """GetMe answers with the default bot engage_bot (id 1000001)."""
    me = await tg.get_me()
    assert (me.id, me.username, me.is_bot) == (1000001, "engage_bot", True)


async def test_callback_data_over_64_bytes_is_refused(emu: Emulator, tg: telegram.Bot) -> None:
    """A 65-byte callback_data is BUTTON_DATA_INVALID while 64 bytes of Chinese pass."""
    chat_id, _ = await started(emu)
    await tg.send_message(chat_id, "ok", reply_markup=keyboard("车" * 21 + "a"))
    with (
        emu.expect_violation("BUTTON_DATA_INVALID"),
        pytest.raises(BadRequest, match=r"(?i)button_data_invalid"),
    ):
        await tg.send_message(chat_id, "x", reply_markup=keyboard("车" * 21 + "ab"))
    emu.assert_no_violations()


async def test_bad_button_url_is_refused(emu: Emulator, tg: telegram.Bot) -> None:
    """A button URL that is not http(s)/tg is BUTTON_URL_INVALID."""
    chat_id, _ = await started(emu)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", url="ftp://example.com")]])
    with emu.expect_violation("BUTTON_URL_INVALID"), pytest.raises(BadRequest):
        await tg.send_message(chat_id, "x", reply_markup=markup)


async def test_raw_less_than_in_html_is_refused(emu: Emulator, tg: telegram.Bot) -> None:
    """An unescaped "<" in HTML text cannot be parsed, as on Telegram."""
    chat_id, _ = await started(emu)
    with (
        emu.expect_violation("can't parse entities"),
        pytest.raises(BadRequest, match="at byte offset 2"),
    ):
        await tg.send_message(chat_id, "a < b", parse_mode="HTML")


async def test_text_length_limit_counts_utf16_after_parsing(
    emu: Emulator, tg: telegram.Bot
) -> None:
    """4096 UTF-16 units pass, 4097 fail; an emoji counts two and tags count none."""
    chat_id, user = await started(emu)
    await tg.send_message(chat_id, "a" * 4096)
    await tg.send_message(chat_id, "<b>" + "a" * 4094 + "😀</b>", parse_mode="HTML")
    with emu.expect_violation("message is too long"):
        with pytest.raises(BadRequest, match="too long"):
            await tg.send_message(chat_id, "a" * 4097)
        with pytest.raises(BadRequest, match="too long"):
            await tg.send_message(chat_id, "a" * 4095 + "😀")
    assert len(user.history) == 2


async def test_empty_text_is_refused(emu: Emulator, tg: telegram.Bot) -> None:
    """Text that is empty after parsing and trimming is refused."""
    chat_id, _ = await started(emu)
    with emu.expect_violation("message text is empty"), pytest.raises(BadRequest):
        await tg.send_message(chat_id, "<b> </b>\n", parse_mode="HTML")


async def test_caption_over_1024_is_refused(emu: Emulator, tg: telegram.Bot, png: bytes) -> None:
    """A 1025-character caption is refused; 1024 passes."""
    chat_id, _ = await started(emu)
    await tg.send_photo(chat_id, png, caption="c" * 1024)
    with emu.expect_violation("message caption is too long"), pytest.raises(BadRequest):
        await tg.send_photo(chat_id, png, caption="c" * 1025)


async def test_edit_with_same_content_is_not_modified(emu: Emulator, tg: telegram.Bot) -> None:
    """Editing to identical text and markup is "message is not modified"."""
    chat_id, user = await started(emu)
    msg = await tg.send_message(chat_id, "<b>hi</b>", parse_mode="HTML", reply_markup=keyboard())
    with emu.expect_violation("message is not modified"), pytest.raises(BadRequest):
        await tg.edit_message_text(
            "<b>hi</b>", chat_id, msg.message_id, parse_mode="HTML", reply_markup=keyboard()
        )
    edited = await tg.edit_message_text("<b>hi</b>", chat_id, msg.message_id, parse_mode="HTML")
    assert edited.reply_markup is None  # omitting reply_markup removes the keyboard, as on Telegram
    assert user.last is not None
    assert user.last.edited
    assert user.last.buttons == []


async def test_edit_of_unknown_or_foreign_message_is_refused(
    emu: Emulator, tg: telegram.Bot
) -> None:
    """Unknown messages are "not found"; the user's own messages "can't be edited"."""
    chat_id, _user = await started(emu)
    with emu.expect_violation("message to edit not found"), pytest.raises(BadRequest):
        await tg.edit_message_text("x", chat_id, 999)
    with emu.expect_violation("message can't be edited"), pytest.raises(BadRequest):
        await tg.edit_message_text("x", chat_id, 1)
    with emu.expect_violation("message to delete not found"), pytest.raises(BadRequest):
        await tg.delete_message(chat_id, 999)


async def test_edit_kind_mismatch(emu: Emulator, tg: telegram.Bot, png: bytes) -> None:
    """Text edits need a text message and caption edits a media message."""
    chat_id, _ = await started(emu)
    photo = await tg.send_photo(chat_id, png, caption="p")
    text = await tg.send_message(chat_id, "t")
    with emu.expect_violation("there is no text in the message to edit"), pytest.raises(BadRequest):
        await tg.edit_message_text("x", chat_id, photo.message_id)
    with (
        emu.expect_violation("there is no caption in the message to edit"),
        pytest.raises(BadRequest),
    ):
        await tg.edit_message_caption(chat_id, text.message_id, caption="x")
    edited = await tg.edit_message_caption(
        chat_id, photo.message_id, caption="<i>new</i>", parse_mode="HTML"
    )
    assert isinstance(edited, telegram.Message)
    assert edited.caption == "new"


async def test_blocked_user_gets_403_and_repeats_are_flagged(
    emu: Emulator, tg: telegram.Bot
) -> None:
    """After a 403 for a blocked user, sending again is a sent_after_block violation."""
    chat_id, user = await started(emu)
    user.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await tg.send_message(chat_id, "hello")
    emu.assert_no_violations()
    with emu.expect_violation("sent_after_block"), pytest.raises(Forbidden):
        await tg.send_message(chat_id, "hello again")


async def test_stranger_and_unknown_chat(emu: Emulator, tg: telegram.Bot) -> None:
    """A user who never wrote cannot be messaged; an unknown id is "chat not found"."""
    stranger = emu.user("Stranger", "en")
    with emu.expect_violation("can't initiate conversation"), pytest.raises(Forbidden):
        await tg.send_message(stranger.id, "hi")
    with emu.expect_violation("chat not found"), pytest.raises(BadRequest):
        await tg.send_message(123, "hi")


async def test_my_chat_member_on_block_and_unblock(emu: Emulator, tg: telegram.Bot) -> None:
    """Blocking and unblocking emit my_chat_member updates kicked and member."""
    _, user = await started(emu)
    user.block()
    user.unblock()
    updates = await tg.get_updates()
    statuses = [
        (u.my_chat_member.old_chat_member.status, u.my_chat_member.new_chat_member.status)
        for u in updates[1:]
    ]
    assert statuses == [("member", "kicked"), ("kicked", "member")]


async def test_chat_rate_limit_answers_429_and_records_it() -> None:
    """The fourth message in a burst to one chat gets 429 with retry_after."""
    async with Emulator(chat_rate=1.0, chat_burst=3) as emu, ptb_bot(emu) as tg:
        chat_id, _ = await started(emu)
        for i in range(3):
            await tg.send_message(chat_id, f"m{i}")
        with pytest.raises(RetryAfter) as caught:
            await tg.send_message(chat_id, "m3")
        assert caught.value.retry_after.total_seconds() >= 1
        assert [v.kind for v in emu.violations] == ["rate_limit"]
        with pytest.raises(RetryAfter):
            await tg.send_message(chat_id, "too soon")
        assert emu.violations[-1].kind == "ignored_retry_after"


async def test_global_rate_limit() -> None:
    """The overall bucket limits messages across chats."""
    async with Emulator(global_rate=2.0, global_burst=2, chat_rate=None) as emu, ptb_bot(emu) as tg:
        ids = [(await started(emu, f"u{i}"))[0] for i in range(3)]
        await tg.send_message(ids[0], "a")
        await tg.send_message(ids[1], "b")
        with emu.expect_violation("Too Many Requests"), pytest.raises(RetryAfter):
            await tg.send_message(ids[2], "c")


async def test_injected_faults_are_not_violations(emu: Emulator, tg: telegram.Bot) -> None:
    """inject_429 and fail_next answer errors without blaming the bot."""
    chat_id, _ = await started(emu)
    emu.inject_429(count=1, retry_after=2)
    with pytest.raises(RetryAfter):
        await tg.send_message(chat_id, "x")
    emu.fail_next("sendMessage", 400, "Bad Request: chat not found")
    other, _ = await started(emu, "other")
    with pytest.raises(BadRequest, match="Chat not found"):
        await tg.send_message(other, "x")
    await tg.send_message(other, "fine")
    emu.assert_no_violations()


async def test_unknown_method_and_token(emu: Emulator) -> None:
    """Unknown methods are 404, bad tokens 401, unimplemented real methods a violation."""
    async with httpx.AsyncClient(base_url=emu.base_url) as http:
        unknown = await http.post(f"/bot{emu.bot_token}/fooBar")
        assert (unknown.status_code, unknown.json()["description"]) == (404, "Not Found")
        bad = await http.post("/bot1:wrong/getMe")
        assert (bad.status_code, bad.json()["description"]) == (401, "Unauthorized")
        poll = await http.post(f"/bot{emu.bot_token}/sendPoll", json={"chat_id": 1})
        assert poll.json()["description"] == "Bad Request: method not supported by the emulator"
        lower = await http.get(f"/bot{emu.bot_token}/getme")
        assert lower.json()["ok"] is True
    assert [v.kind for v in emu.violations] == ["not_found", "unauthorized", "unsupported_method"]
    emu.violations.clear()
    request = HTTPXRequest()
    wrong = telegram.Bot("1:wrong", base_url=f"{emu.base_url}/bot", request=request)
    try:
        with pytest.raises(InvalidToken):
            await wrong.get_me()
    finally:
        await request.shutdown()
    emu.violations.clear()


async def test_missing_required_parameters(emu: Emulator) -> None:
    """Missing parameters get Telegram's texts (chat_id is empty, message text is empty)."""
    async with httpx.AsyncClient(base_url=f"{emu.base_url}/bot{emu.bot_token}") as http:
        no_text = (await http.post("/sendMessage", data={"chat_id": "5"})).json()
        no_chat = (await http.post("/sendMessage", json={"text": "x"})).json()
        no_file = (await http.post("/getFile", json={})).json()
    assert no_text["description"] == "Bad Request: message text is empty"
    assert no_chat["description"] == "Bad Request: chat_id is empty"
    assert no_file["description"] == 'Bad Request: parameter "file_id" is required'
    assert len(emu.violations) == 3
    emu.violations.clear()


async def test_get_updates_long_poll_wakes_up_and_offset_confirms(
    emu: Emulator, tg: telegram.Bot
) -> None:
    """A waiting getUpdates returns as soon as a message arrives; offset drops confirmed ones."""
    user = emu.user("Ann", "en")
    poll = asyncio.create_task(tg.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    began = time.monotonic()
    await user.send("hello")
    first = await poll
    assert time.monotonic() - began < 1
    assert [u.message.text for u in first] == ["hello"]
    await user.send("second")
    again = await tg.get_updates()
    assert [u.message.text for u in again] == ["hello", "second"]
    confirmed = await tg.get_updates(offset=again[-1].update_id + 1)
    assert confirmed == ()


async def test_allowed_updates_is_remembered(emu: Emulator, tg: telegram.Bot) -> None:
    """Updates of types outside allowed_updates are dropped, also on later calls."""
    user = emu.user("Ann", "en")
    await tg.get_updates(allowed_updates=["callback_query"])
    await user.send("ignored")
    assert await tg.get_updates() == ()
    await tg.get_updates(allowed_updates=[])
    await user.send("seen")
    assert [u.message.text for u in await tg.get_updates()] == ["seen"]


async def test_callback_query_must_be_answered(emu: Emulator, tg: telegram.Bot) -> None:
    """An unanswered callback query is flagged after the timeout; double answers are refused."""
    chat_id, user = await started(emu)
    await tg.send_message(chat_id, "q", reply_markup=keyboard("idea:1:ok", "好"))
    await user.press("好")
    with emu.expect_violation("unanswered_callback"):
        await asyncio.sleep(0.4)
    query_id = await user.press("好")
    assert await tg.answer_callback_query(query_id, "收到")
    assert user.callback_answers[-1].text == "收到"
    with emu.expect_violation("query is too old"), pytest.raises(BadRequest):
        await tg.answer_callback_query(query_id)


async def test_check_flags_pending_callbacks(emu: Emulator, tg: telegram.Bot) -> None:
    """check() turns callback queries still unanswered into violations."""
    chat_id, user = await started(emu)
    await tg.send_message(chat_id, "q", reply_markup=keyboard())
    await user.press_data("forged:1")
    assert emu.unanswered_callbacks()[0]["data"] == "forged:1"
    await tg.get_updates()
    with emu.expect_violation("unanswered_callback"), pytest.raises(AssertionError):
        await emu.check(quiet=0)
    assert emu.unanswered_callbacks() == []


async def test_file_upload_get_file_and_download(emu: Emulator, tg: telegram.Bot) -> None:
    """An uploaded document can be fetched by getFile and downloaded byte for byte."""
    chat_id, user = await started(emu)
    sent = await tg.send_document(chat_id, b"%PDF-1.4 report", filename="report.pdf")
    assert sent.document is not None
    assert sent.document.file_name == "report.pdf"
    file = await tg.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 report"
    again = await tg.send_document(chat_id, sent.document.file_id)
    assert again.document is not None
    assert again.document.file_id == sent.document.file_id
    with emu.expect_violation("wrong file identifier"), pytest.raises(BadRequest):
        await tg.send_document(chat_id, "nonexistent-id")
    assert user.last is not None
    assert user.last.document == sent.document.file_id


async def test_user_photo_and_voice_reach_the_bot(
    emu: Emulator, tg: telegram.Bot, png: bytes
) -> None:
    """Photos and voices sent by users arrive with file ids the bot can download."""
    user = emu.user("Li", "zh")
    await user.send_photo(png, caption="焊缝")
    await user.send_voice(b"OggS voice", duration=4)
    photo_update, voice_update = await tg.get_updates()
    assert photo_update.message
    assert photo_update.message.caption == "焊缝"
    biggest = photo_update.message.photo[-1]
    assert (biggest.width, biggest.height) == (40, 30)
    assert voice_update.message
    assert voice_update.message.voice
    assert voice_update.message.voice.duration == dt.timedelta(seconds=4)
    data = await (await tg.get_file(voice_update.message.voice.file_id)).download_as_bytearray()
    assert bytes(data) == b"OggS voice"


async def test_media_group_copy_and_forward(emu: Emulator, tg: telegram.Bot, png: bytes) -> None:
    """Albums, copies and forwards produce messages in the target chat."""
    chat_id, user = await started(emu)
    album = await tg.send_media_group(
        chat_id, [telegram.InputMediaPhoto(png), telegram.InputMediaPhoto(png)]
    )
    assert len(album) == 2
    assert album[0].media_group_id == album[1].media_group_id
    copied = await tg.copy_message(chat_id, chat_id, 1)
    forwarded = await tg.forward_message(chat_id, chat_id, 1)
    assert forwarded.forward_origin is not None
    assert user.bot_message(copied.message_id) is not None
    assert [m.text for m in user.history[-2:]] == ["/start", "/start"]


async def test_reply_keyboard_and_press(emu: Emulator, tg: telegram.Bot) -> None:
    """press() uses inline buttons first, then the reply keyboard, else lists the buttons."""
    chat_id, user = await started(emu)
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton("菜单"), KeyboardButton("分享", request_contact=True)]]
    )
    await tg.send_message(chat_id, "choose", reply_markup=markup)
    await user.press("菜单")
    await user.press("分享")
    updates = await tg.get_updates()
    assert updates[-2].message
    assert updates[-2].message.text == "菜单"
    assert updates[-1].message
    assert updates[-1].message.contact is not None
    with pytest.raises(AssertionError, match="菜单"):
        await user.press("nothing")


async def test_reply_and_settle(emu: Emulator, tg: telegram.Bot) -> None:
    """reply() returns new and edited bot messages in order; settle() returns when quiet."""
    chat_id, user = await started(emu)
    msg = await tg.send_message(chat_id, "one")
    await tg.edit_message_text("two", chat_id, msg.message_id)
    first, second = await user.replies(2)
    assert (first.text, first.edited, second.text, second.edited) == ("one", False, "two", True)
    await tg.get_updates()
    await user.settle()
    with pytest.raises(TimeoutError, match="got no bot message"):
        await user.reply(timeout=0.05)


async def test_webhook_delivery_and_conflict(emu: Emulator, tg: telegram.Bot) -> None:
    """With a webhook set, getUpdates is a 409 and updates are POSTed with the secret."""
    received: asyncio.Queue[tuple[str | None, bytes]] = asyncio.Queue()

    class Hook(tornado.web.RequestHandler):
        def post(self) -> None:
            secret = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token")
            received.put_nowait((secret, self.request.body))

    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    server = tornado.httpserver.HTTPServer(tornado.web.Application([("/hook", Hook)]))
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    try:
        await tg.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        with (
            emu.expect_violation("can't use getUpdates method while webhook is active"),
            pytest.raises(Conflict),
        ):
            await tg.get_updates()
        await emu.user("Hook", "en").send("via webhook")
        secret, body = await asyncio.wait_for(received.get(), 5)
        assert secret == "s3cret"
        assert b"via webhook" in body
        info = await tg.get_webhook_info()
        assert info.url.endswith("/hook")
        assert info.pending_update_count == 0
        await tg.delete_webhook()
    finally:
        server.stop()
        await server.close_all_connections()


async def test_commands_scope_and_language(emu: Emulator, tg: telegram.Bot) -> None:
    """Commands are kept per scope and language and resolved like Telegram's menu."""
    zh = [telegram.BotCommand("start", "开始")]
    await tg.set_my_commands([telegram.BotCommand("start", "Start")])
    await tg.set_my_commands(zh, language_code="zh")
    assert (await tg.get_my_commands(language_code="zh"))[0].description == "开始"
    assert emu.visible_commands("zh")[0]["description"] == "开始"
    assert emu.visible_commands("de")[0]["description"] == "Start"
    with emu.expect_violation("BOT_COMMAND_INVALID"), pytest.raises(BadRequest):
        await tg.set_my_commands([telegram.BotCommand("Start", "x")])
    await tg.delete_my_commands(language_code="zh")
    assert emu.visible_commands("zh")[0]["description"] == "Start"


async def test_a_chat_menu_is_seen_in_that_chat_only(emu: Emulator, tg: telegram.Bot) -> None:
    """A chat's own menu wins over the shared one there; other chats keep the shared menu."""
    await tg.set_my_commands([telegram.BotCommand("learn", "学习课程")], language_code="zh")
    switched, stays = emu.user("周师傅", lang="zh-hans"), emu.user("吴师傅", lang="zh")
    english = [telegram.BotCommand("learn", "Take a lesson")]
    await tg.set_my_commands(english, scope=telegram.BotCommandScopeChat(switched.id))
    assert await switched.command_menu() == {"learn": "Take a lesson"}
    assert await stays.command_menu() == {"learn": "学习课程"}
    scope = telegram.BotCommandScopeChat(str(switched.id))
    assert (await tg.get_my_commands(scope=scope))[0].description == "Take a lesson"


@pytest.mark.parametrize(
    ("scope", "error"),
    [
        ({"type": "private"}, "can't parse bot command scope JSON object"),
        ({"type": "chat"}, "chat_id is empty"),
        ({"type": "chat", "chat_id": 424242}, "chat not found"),
        ({"type": "chat", "chat_id": "@somebody"}, "chat not found"),
        ({"type": "chat", "chat_id": [1]}, "can't parse bot command scope JSON object"),
        ({"type": "chat_member", "chat_id": 1}, "user_id is empty"),
        ("[]", "can't parse bot command scope JSON object"),
    ],
)
async def test_command_scopes_are_checked_against_the_api_spec(
    emu: Emulator, scope: object, error: str
) -> None:
    """Scopes follow api.json's BotCommandScope types: known type, required fields, real chat."""
    raw = {"commands": '[{"command": "start", "description": "Start"}]', "scope": scope}
    with emu.expect_violation(error):
        status, body = emu.call(emu.bot_token, "setMyCommands", raw)  # type: ignore[misc]
    assert (status, body["description"]) == (400, f"Bad Request: {error}")


async def test_a_command_language_must_be_two_letters(emu: Emulator, tg: telegram.Bot) -> None:
    """language_code is an ISO 639-1 code (or empty): a client tag like zh-hans is refused."""
    with emu.expect_violation("invalid language code specified"), pytest.raises(BadRequest):
        await tg.set_my_commands([telegram.BotCommand("start", "开始")], language_code="zh-hans")
    with emu.expect_violation("invalid language code specified"), pytest.raises(BadRequest):
        await tg.get_my_commands(language_code="ZH")


async def test_expect_violation_fails_when_nothing_happened(emu: Emulator) -> None:
    """expect_violation() raises if the expected refusal did not occur."""
    with (
        pytest.raises(AssertionError, match="expected a violation"),
        emu.expect_violation("BUTTON_DATA_INVALID"),
    ):
        pass
