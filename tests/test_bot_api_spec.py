"""The emulator's Bot API table is the copy shipped inside the package, with its licence."""

from __future__ import annotations

from pathlib import Path

import pytest

import bot
from bot.sandbox import spec as spec_module
from bot.sandbox.emulator import Emulator
from bot.sandbox.spec import PACKAGED_SPEC, SPEC_ENV_VAR, default_spec_path, load_spec

PACKAGE = Path(bot.__file__).resolve().parent


def test_packaged_spec_is_read_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an override the table comes from inside the installed package, not elsewhere."""
    monkeypatch.delenv(SPEC_ENV_VAR, raising=False)
    assert default_spec_path() == PACKAGED_SPEC
    assert PACKAGED_SPEC.is_relative_to(PACKAGE)
    assert "shared" not in Path(spec_module.__file__).read_text(encoding="utf-8")


def test_emulator_loads_the_packaged_spec_without_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The emulator's table is the packaged api.json and knows a method of Bot API 10.1."""
    monkeypatch.delenv(SPEC_ENV_VAR, raising=False)
    emulator = Emulator()
    assert not emulator.spec.builtin
    assert emulator.spec.path == PACKAGED_SPEC
    assert emulator.spec.version.startswith("Bot API ")
    recent = emulator.spec.get("sendRichMessage")
    assert recent is not None
    assert recent.name not in spec_module.builtin_method_names()
    assert len(emulator.spec.methods) >= 180


def test_packaged_spec_carries_its_licence_and_origin() -> None:
    """The MIT licence of the scrape and a note of where and when it was taken sit beside it."""
    folder = PACKAGED_SPEC.parent
    licence = (folder / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    assert "Paul Larsen" in licence
    note = (folder / "SOURCE.md").read_text(encoding="utf-8")
    assert "PaulSonOfLars/telegram-bot-api-spec" in note
    assert load_spec(PACKAGED_SPEC).version in note
