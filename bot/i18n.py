"""Gettext catalogs keyed by ``feature.message`` ids, one .po file per feature and locale.

Message ids are keys (``onboarding.ask_enterprise``), so every language, English included,
is a real translation and a missing one is detectable. Placeholders use ``{name}``; values
are HTML-escaped when filled in, because every catalog string is Telegram HTML.
"""

from __future__ import annotations

import gettext
import html
import logging
import string
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.pofile import read_po

from bot.clock import utcnow
from bot.config import LOCALES, Locale

LOCALE_DIRS: dict[Locale, str] = {"zh": "zh_CN", "en": "en"}
BABEL_LOCALES: dict[Locale, str] = {"zh": "zh_Hans_CN", "en": "en_GB"}
ROOT = Path(__file__).with_name("locales")
log = logging.getLogger(__name__)


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


def _load_file(path: Path) -> dict[str, str]:
    if path.suffix == ".mo":
        with path.open("rb") as handle:
            translations = gettext.GNUTranslations(handle)
        return {k: v for k, v in translations._catalog.items() if isinstance(k, str) and k}  # type: ignore[attr-defined]
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


def load_messages(root: Path = ROOT) -> dict[Locale, dict[str, str]]:
    """Read every feature catalog of every locale; compiled .mo files win where shipped."""
    messages: dict[Locale, dict[str, str]] = {}
    for locale, folder in LOCALE_DIRS.items():
        merged: dict[str, str] = {}
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

    def __init__(self, locale: Locale, messages: Mapping[str, str], fallback: Mapping[str, str]):
        self.locale = locale
        self._messages = messages
        self._fallback = fallback

    def __call__(self, key: str, /, **params: object) -> Html:
        """Translate ``key`` and fill its placeholders with escaped values."""
        template = self._messages.get(key)
        if template is None:
            log.warning("missing %s translation for %s", self.locale, key)
            template = self._fallback.get(key, key)
        if not params:
            return Html(template)
        return Html(template.format_map({k: escape(v) for k, v in params.items()}))

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

    def __init__(self, messages: dict[Locale, dict[str, str]] | None = None) -> None:
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
        return {self.messages[locale].get(key, key) for locale in LOCALES}

    def __iter__(self) -> Iterator[Translator]:
        return iter(self._translators.values())


def _other(locale: Locale) -> Locale:
    return "en" if locale == "zh" else "zh"


def locale_from_language_code(code: str | None, default: Locale = "zh") -> Locale:
    """Chinese for any ``zh-*`` code, English for any other code, the default when unknown."""
    if not code:
        return default
    return "zh" if code.lower().startswith("zh") else "en"
