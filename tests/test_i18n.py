"""Every message exists in Chinese and English, with the same placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from bot.i18n import (
    Catalogs,
    Translator,
    escape,
    load_messages,
    locale_from_language_code,
    placeholders,
)

ROOT = Path(__file__).resolve().parents[1]


def _keys_used_in_code() -> dict[str, str]:
    used: dict[str, str] = {}
    for folder in ("bot", "handlers"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords={"t": None, "N_": None, "translator": None},
        ):
            if isinstance(message, str) and "." in message and " " not in message:
                used[message] = f"{folder}/{filename}:{lineno}"
    return used


def test_every_key_used_in_code_has_both_translations() -> None:
    """A key the code asks for is in every catalog."""
    messages = load_messages()
    missing = [
        f"{where}: {key} missing in {locale}"
        for key, where in _keys_used_in_code().items()
        for locale in messages
        if key not in messages[locale]
    ]
    assert not missing, "\n".join(missing)


def test_catalogs_have_the_same_keys() -> None:
    """No message exists in one language only."""
    messages = load_messages()
    zh, en = set(messages["zh"]), set(messages["en"])
    assert zh == en, f"only zh: {sorted(zh - en)}; only en: {sorted(en - zh)}"


def test_placeholders_match_between_languages() -> None:
    """A translation expects exactly the values the other language expects."""
    messages = load_messages()
    differing = [
        key
        for key in messages["zh"]
        if placeholders(messages["zh"][key]) != placeholders(messages["en"].get(key, ""))
    ]
    assert not differing, differing


def test_no_translation_is_empty() -> None:
    """Every message says something."""
    messages = load_messages()
    empty = [
        f"{locale}:{key}"
        for locale, table in messages.items()
        for key, text in table.items()
        if not text.strip()
    ]
    assert not empty, empty


def test_values_are_escaped_but_catalog_markup_is_kept() -> None:
    """User text cannot inject HTML, while the catalog's own tags stay."""
    t = Translator("en", {"x.hello": "<b>{name}</b>"}, {})
    assert t("x.hello", name="<i>&") == "<b>&lt;i&gt;&amp;</b>"
    assert t("x.hello", name=escape("<i>")) == "<b>&lt;i&gt;</b>"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("zh-hans", "zh"), ("zh-TW", "zh"), ("zh", "zh"), ("en-US", "en"), ("ru", "en"), (None, "zh")],
)
def test_language_code_maps_to_zh_or_en(code: str | None, expected: str) -> None:
    """Chinese for any zh-* code, English otherwise, the default when unknown."""
    assert locale_from_language_code(code) == expected


def test_missing_key_falls_back_to_the_other_language() -> None:
    """A key missing in one language is shown in the other rather than as a raw key."""
    catalogs = Catalogs({"zh": {"a.b": "中文"}, "en": {}})
    assert catalogs.translator("en")("a.b") == "中文"
