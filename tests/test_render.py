"""The rendering layer keeps Telegram's limits so no handler has to."""

from __future__ import annotations

import html

import pytest

from bot.i18n import Html
from bot.render import Button, inline, split_text, visible_length


def test_short_text_is_one_message() -> None:
    """Text under the limit is sent as it is."""
    assert split_text("<b>hello</b>") == ["<b>hello</b>"]


def test_long_text_splits_at_paragraphs_within_the_limit() -> None:
    """Paragraphs are kept whole and every part fits."""
    paragraphs = [f"<b>第{i}段</b> " + "字" * 900 for i in range(10)]
    parts = split_text("\n\n".join(paragraphs))
    assert len(parts) > 1
    assert all(visible_length(part) <= 4096 for part in parts)
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)


def test_one_huge_paragraph_splits_at_sentences() -> None:
    """A paragraph longer than a message is cut after a sentence, never mid-sentence."""
    sentence = "这是一句完整的话。"
    parts = split_text(sentence * 1000)
    assert all(visible_length(part) <= 4096 for part in parts)
    assert all(part.endswith("。") for part in parts)
    assert "".join(parts) == sentence * 1000


def test_entities_count_as_one_character() -> None:
    """Telegram counts text after entity parsing: &lt; is one character, tags none."""
    assert visible_length("<b>&lt;&amp;</b>") == 2


def test_emoji_count_as_two_utf16_units() -> None:
    """Limits are in UTF-16 code units, as Telegram counts them."""
    assert visible_length("👍") == 2


def test_callback_data_over_64_bytes_is_refused() -> None:
    """A button whose data Telegram would reject is refused before sending."""
    with pytest.raises(ValueError, match="1-64 bytes"):
        inline([[Button("x", "x" * 65)]])
    assert inline([[Button("x", "x" * 64)]]).inline_keyboard[0][0].callback_data == "x" * 64


def test_button_labels_show_catalog_text_unescaped_and_user_text_as_typed() -> None:
    """A team called “A&B” reads “A&B” on its button; a literal “&lt;” typed by a user stays."""
    keyboard = inline([[Button(Html("A&amp;B 小组"), "team:1"), Button("&lt;3", "team:2")]])
    labels = [button.text for button in keyboard.inline_keyboard[0]]
    assert labels == ["A&B 小组", "&lt;3"]


def test_a_shared_keyboard_keeps_each_label_as_it_was_given() -> None:
    """Keyboards are built once and shared; catalog text and typed text stay apart.

    The same characters as catalog HTML and as a user's own text are two labels.
    """
    catalog = inline([[Button(Html("A&amp;B"), "team:1")]])
    typed = inline([[Button("A&amp;B", "team:1")]])
    assert catalog is not None
    assert typed is not None
    assert catalog.inline_keyboard[0][0].text == "A&B"
    assert typed.inline_keyboard[0][0].text == "A&amp;B"
    assert inline([[Button(Html("A&amp;B"), "team:1")]]) is catalog


def test_no_buttons_is_no_keyboard() -> None:
    """An empty list of buttons (an empty page) sends no markup, which Telegram would refuse."""
    assert inline([]) is None
    assert inline([[], []]) is None
    assert inline([[Button("A", "x:y")]]) is not None


def test_a_paragraph_without_breaks_is_cut_into_valid_html() -> None:
    """An over-long unbroken paragraph with < and & is cut into pieces that stay escaped."""
    block = "<b>" + "a&lt;b&amp;c" * 2000 + "</b>"
    parts = split_text(block, limit=100)
    assert all(visible_length(part) <= 100 for part in parts)
    assert all("<" not in part and "&lt;" in part for part in parts[:-1])
    assert html.unescape("".join(parts)) == "a<b&c" * 2000
