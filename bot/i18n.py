"""Gettext catalogs keyed by ``feature.message`` ids, one .po file per feature and locale.

Message ids are keys (``onboarding.ask_enterprise``), so every language, English included,
is a real translation and a missing one is detectable. Placeholders use ``{name}``; values
are HTML-escaped when filled in, because every catalog string is Telegram HTML.

A count is said with a plural message (``msgid_plural`` and one ``msgstr[i]`` per form of the
language, as the catalog's ``Plural-Forms`` header says: one in Chinese, two in English),
shown with :meth:`Translator.plural`, which fills ``{n}`` with the count.
"""

from __future__ import annotations

import gettext
import html
import logging
import string
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.clock import utcnow
from bot.config import LOCALES, Locale

LOCALE_DIRS: dict[Locale, str] = {"zh": "zh_CN", "en": "en"}
BABEL_LOCALES: dict[Locale, str] = {"zh": "zh_Hans_CN", "en": "en_GB"}
ROOT = Path(__file__).with_name("locales")
log = logging.getLogger(__name__)
Forms = tuple[str, ...]  # a plural message: one text per plural form of the language
Entry = str | Forms


class Html(str):
    """Text that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


def escape(text: object) -> Html:
    """Escape a user-provided value for Telegram's HTML parse mode."""
    if isinstance(text, Html):
        return text
    return Html(html.escape(str(text), quote=False))


def N_(key: str) -> str:
    """Mark a key for extraction where it is translated later."""
    return key


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a message expects."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def plural_rule(locale: Locale) -> Callable[[int], int]:
    """Which plural form a count takes in ``locale`` (the rule in its catalogs' header)."""
    return gettext.c2py(get_plural(BABEL_LOCALES[locale]).plural_expr)


def _load_mo(path: Path) -> dict[str, Entry]:
    with path.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    found: dict[str, Entry] = {}
    forms: dict[str, dict[int, str]] = {}
    for key, text in translations._catalog.items():  # type: ignore[attr-defined]
        if isinstance(key, tuple):
            forms.setdefault(key[0], {})[key[1]] = text
        elif key:
            found[key] = text
    for key, by_index in forms.items():
        found[key] = tuple(by_index[i] for i in sorted(by_index))
    return found


def _load_file(path: Path) -> dict[str, Entry]:
    if path.suffix == ".mo":
        return _load_mo(path)
    with path.open("rb") as handle:
        catalog = read_po(handle)
    found: dict[str, Entry] = {}
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple | list):
            found[str(message.id[0])] = tuple(str(form) for form in message.string)
        else:
            found[str(message.id)] = str(message.string)
    return found


def load_messages(root: Path = ROOT) -> dict[Locale, dict[str, Entry]]:
    """Read every feature catalog of every locale; compiled .mo files win where shipped."""
    messages: dict[Locale, dict[str, Entry]] = {}
    for locale, folder in LOCALE_DIRS.items():
        merged: dict[str, Entry] = {}
        directory = root / folder / "LC_MESSAGES"
        for po in sorted(directory.glob("*.po")):
            mo = po.with_suffix(".mo")
            merged.update(_load_file(mo if mo.exists() else po))
        if not merged:
            for mo in sorted(directory.glob("*.mo")):
                merged.update(_load_file(mo))
        messages[locale] = merged
    return messages


class Translator:
    """Turns keys into HTML text in one locale; falls back to the other locale, then the key."""

    def __init__(
        self,
        locale: Locale,
        messages: Mapping[str, Entry],
        fallback: Mapping[str, Entry],
        plural: Callable[[int], int] | None = None,
    ):
        self.locale = locale
        self._messages = messages
        self._fallback = fallback
        self._plural = plural or plural_rule(locale)

    def _entry(self, key: str) -> Entry:
        entry = self._messages.get(key)
        if entry is None:
            log.warning("missing %s translation for %s", self.locale, key)
            entry = self._fallback.get(key, key)
        return entry

    def __call__(self, key: str, /, **params: object) -> Html:
        """Translate ``key`` and fill its placeholders with escaped values."""
        entry = self._entry(key)
        if isinstance(entry, tuple):
            log.warning("plural message %s shown without a count", key)
            entry = entry[-1]
        return _fill(entry, params)

    def plural(self, key: str, n: int, /, **params: object) -> Html:
        """The form of ``key`` that count ``n`` takes, with ``{n}`` and the other values filled."""
        entry = self._entry(key)
        forms = entry if isinstance(entry, tuple) else (entry,)
        form = forms[min(max(self._plural(n), 0), len(forms) - 1)]
        return _fill(form, {"n": n, **params})

    def when(self, moment: datetime, zone: ZoneInfo, *, pattern: str = "medium") -> str:
        """A moment shown in ``zone`` the way this locale writes dates."""
        return format_datetime(moment.astimezone(zone), pattern, locale=BABEL_LOCALES[self.locale])

    def moment(self, moment: datetime, zone: str | ZoneInfo) -> str:
        """A moment as people read it: '11月24日 周二 09:00', with the year when not this one."""
        zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        this_year = moment.astimezone(zone).year == utcnow().astimezone(zone).year
        return self.when(
            moment, zone, pattern=self("common.moment" if this_year else "common.moment_year")
        )


class Catalogs:
    """Every locale's messages, loaded once per process."""

    def __init__(self, messages: Mapping[Locale, Mapping[str, Entry]] | None = None) -> None:
        self.messages = messages if messages is not None else load_messages()
        self._translators = {
            locale: Translator(locale, self.messages[locale], self.messages[_other(locale)])
            for locale in LOCALES
        }

    def translator(self, locale: str | None) -> Translator:
        """The translator for ``locale``, Chinese when unknown."""
        for known in self._translators:
            if known == locale:
                return self._translators[known]
        return self._translators["zh"]

    def label_variants(self, key: str) -> set[str]:
        """The text of ``key`` in every locale, for matching a reply-keyboard press."""
        return {
            text
            for locale in LOCALES
            if isinstance(text := self.messages[locale].get(key, key), str)
        }

    def __iter__(self) -> Iterator[Translator]:
        return iter(self._translators.values())


def _fill(template: str, params: Mapping[str, object]) -> Html:
    if not params:
        return Html(template)
    return Html(template.format_map({k: escape(v) for k, v in params.items()}))


def _other(locale: Locale) -> Locale:
    return "en" if locale == "zh" else "zh"


def locale_from_language_code(code: str | None, default: Locale = "zh") -> Locale:
    """Chinese for any ``zh-*`` code, English for any other code, the default when unknown."""
    if not code:
        return default
    return "zh" if code.lower().startswith("zh") else "en"
