"""Telegram HTML parsing: entities, UTF-16 offsets and Telegram's error texts."""

from __future__ import annotations

import pytest

from bot.sandbox.tghtml import EntityParseError, parse_html, utf16_len


def test_nested_tags_give_sorted_entities() -> None:
    """Nested b/i produce bold and italic entities ordered by offset."""
    text, entities = parse_html("<b>bold <i>both</i></b> plain")
    assert text == "bold both plain"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 9},
        {"type": "italic", "offset": 5, "length": 4},
    ]


def test_offsets_count_utf16_units_for_emoji_and_chinese() -> None:
    """An emoji counts two UTF-16 units, a Chinese character one."""
    text, entities = parse_html("😀中文<u>焊接</u><s>x</s>")
    assert text == "😀中文焊接x"
    assert entities == [
        {"type": "underline", "offset": 4, "length": 2},
        {"type": "strikethrough", "offset": 6, "length": 1},
    ]
    assert utf16_len(text) == 7


def test_character_references_are_decoded() -> None:
    """&lt; &gt; &amp; &quot; and numeric references decode to characters."""
    text, _ = parse_html("&lt;a&gt; &amp; &quot;q&quot; &#20013;&#x1F600;")
    assert text == '<a> & "q" 中😀'


def test_links_code_blocks_quotes_spoilers_and_custom_emoji() -> None:
    """Every supported tag maps to its entity type."""
    html = (
        '<a href="https://example.com/?a=1&amp;b=2">l</a>'
        '<pre><code class="language-python">x</code></pre>'
        "<code>c</code><blockquote expandable>q</blockquote><blockquote>r</blockquote>"
        '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><strong>B</strong><em>I</em>'
    )
    text, entities = parse_html(html)
    assert text == "lxcqrst👍BI"
    kinds = [(e["type"], e["offset"]) for e in entities]
    assert kinds == [
        ("text_link", 0),
        ("pre", 1),
        ("code", 2),
        ("expandable_blockquote", 3),
        ("blockquote", 4),
        ("spoiler", 5),
        ("spoiler", 6),
        ("custom_emoji", 7),
        ("bold", 9),
        ("italic", 10),
    ]
    assert entities[0]["url"] == "https://example.com/?a=1&b=2"
    assert entities[1]["language"] == "python"


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("中<br>", 'Unsupported start tag "br" at byte offset 3'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("x <", "Unclosed start tag at byte offset 2"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("fish & chips", 'Unescaped "&" at byte offset 5'),
    ],
)
def test_refusals_use_telegram_texts(html: str, error: str) -> None:
    """Markup Telegram refuses raises EntityParseError with Telegram's reason."""
    with pytest.raises(EntityParseError) as caught:
        parse_html(html)
    assert str(caught.value) == f"can't parse entities: {error}"


def test_lenient_mode_keeps_raw_ampersand() -> None:
    """With strict=False a raw "&" passes through as Telegram's parser allows."""
    assert parse_html("fish & chips", strict=False) == ("fish & chips", [])


def test_plain_text_and_empty_tags() -> None:
    """Text without markup is returned as is; empty tags give no entity."""
    assert parse_html("plain > text") == ("plain > text", [])
    assert parse_html("<b></b>x") == ("x", [])
