"""Catalog keys the events and reminders features build at run time exist in both languages."""

from __future__ import annotations

import pytest

from bot.i18n import load_messages
from bot.models.events import Answer
from bot.services.events.attendance import COLUMNS, FORMATS
from bot.services.events.drafts import DraftStep
from bot.services.events.views import CheckInOutcome
from bot.text.timeparse import Problem

ASKED_WITH_BUTTONS = (DraftStep.AUDIENCE, DraftStep.PREVIEW)
BUILT = [
    *(f"events.answer.{a.value}" for a in Answer),
    *(f"events.button.{a}" for a in ("going", "maybe", "declined")),
    *(f"events.answered.{a}" for a in ("going", "maybe", "declined")),
    *(f"events.checkin.{o.value}" for o in CheckInOutcome),
    *(f"events.button.export_{fmt}" for fmt in FORMATS),
    *(f"events.export.{column}" for column in COLUMNS),
    *(f"events.new.ask_{s.value}" for s in DraftStep if s not in ASKED_WITH_BUTTONS),
    *(f"events.new.time_{p.value}" for p in Problem),
    *(f"reminders.{p.value}" for p in Problem),
    *(
        f"events.new.invalid_{problem}"
        for problem in (
            "title", "description", "place", "capacity", "audience", "buttons", "required",
            "start_first", "end_before_start", "start", "end",
        )
    ),
]  # fmt: skip


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_every_built_key_is_translated(locale: str) -> None:
    """No run-time key falls back to its own name."""
    messages = load_messages()["zh" if locale == "zh" else "en"]
    assert [key for key in BUILT if key not in messages] == []
