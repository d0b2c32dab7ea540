"""Every message exists in Chinese and English, with the same placeholders and plural forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.i18n import (
    BABEL_LOCALES,
    LOCALE_DIRS,
    Catalogs,
    Entry,
    Translator,
    escape,
    load_messages,
    locale_from_language_code,
    placeholders,
)
from bot.i18n import ROOT as LOCALES_ROOT

ROOT = Path(__file__).resolve().parents[1]
SINGULAR = {"t": None, "N_": None, "translator": None}
PLURAL = {"plural": None}


def _keys_used_in_code(keywords: dict[str, None] | None = None) -> dict[str, str]:
    used: dict[str, str] = {}
    for folder in ("bot", "handlers"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=keywords or {**SINGULAR, **PLURAL},
        ):
            if isinstance(message, str) and "." in message and " " not in message:
                used[message] = f"{folder}/{filename}:{lineno}"
    return used


def _forms(entry: Entry) -> tuple[str, ...]:
    return entry if isinstance(entry, tuple) else (entry,)


def _names(entry: Entry) -> set[str]:
    """The placeholders of every form, without the count ``{n}`` a plural message may drop."""
    return set().union(*(placeholders(form) for form in _forms(entry)))


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
        if _names(messages["zh"][key]) != _names(messages["en"].get(key, ""))
    ]
    assert not differing, differing


def test_no_translation_is_empty() -> None:
    """Every message says something."""
    messages = load_messages()
    empty = [
        f"{locale}:{key}"
        for locale, table in messages.items()
        for key, entry in table.items()
        for text in _forms(entry)
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


def test_every_catalog_states_its_languages_plural_rule() -> None:
    """The Plural-Forms header of each .po file is the rule the bot counts with."""
    wrong = []
    for locale, folder in LOCALE_DIRS.items():
        rule = get_plural(BABEL_LOCALES[locale])
        for po in sorted((LOCALES_ROOT / folder / "LC_MESSAGES").glob("*.po")):
            with po.open("rb") as handle:
                catalog = read_po(handle)
            if (catalog.num_plurals, catalog.plural_expr) != (rule.num_plurals, rule.plural_expr):
                wrong.append(f"{po}: {catalog.plural_forms}")
    assert not wrong, wrong


def test_a_plural_message_has_one_form_per_plural_form_of_its_language() -> None:
    """Chinese says a count one way, English two (1 day, 2 days)."""
    messages = load_messages()
    wrong = [
        f"{locale}:{key}"
        for locale, table in messages.items()
        for key, entry in table.items()
        if isinstance(entry, tuple) and len(entry) != get_plural(BABEL_LOCALES[locale]).num_plurals
    ]
    assert not wrong, wrong


def test_counts_in_code_use_plural_messages_and_only_counts_do() -> None:
    """Keys shown with ``t.plural`` are plural messages, keys shown with ``t`` are not."""
    messages = load_messages()
    plural = _keys_used_in_code(PLURAL)
    singular = _keys_used_in_code(SINGULAR)
    wrong = [
        f"{where}: {key} ({locale})"
        for used, want in ((plural, True), (singular, False))
        for key, where in used.items()
        for locale in messages
        if key in messages[locale] and isinstance(messages[locale][key], tuple) != want
    ]
    assert not wrong, wrong


@pytest.mark.parametrize(("n", "expected"), [(0, "0 days"), (1, "1 day"), (2, "2 days")])
def test_english_counts_take_the_singular_only_for_one(n: int, expected: str) -> None:
    """English picks "day" for 1 and "days" otherwise; Chinese has one form for every count."""
    catalogs = Catalogs({"zh": {"x.days": ("{n} 天",)}, "en": {"x.days": ("{n} day", "{n} days")}})
    assert catalogs.translator("en").plural("x.days", n) == expected
    assert catalogs.translator("zh").plural("x.days", n) == f"{n} 天"


def test_a_plain_message_shown_with_a_count_is_filled_as_it_is() -> None:
    """``plural`` on a message without forms fills it, so one call fits a family of keys."""
    t = Translator("en", {"x.limit": "At most {n}.", "x.other": "No limit."}, {})
    assert t.plural("x.limit", 3) == "At most 3."
    assert t.plural("x.other", 3) == "No limit."
