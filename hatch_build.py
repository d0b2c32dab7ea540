"""Compile the gettext catalogs (.po → .mo) into the wheel, so installs need no build step."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]
    """Write every bot/locales/**/*.po as a .mo next to it inside the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile into a temporary folder and force-include the results."""
        out = Path(tempfile.mkdtemp(prefix="engage-mo-"))
        root = Path(self.root)
        for po in sorted((root / "bot" / "locales").rglob("*.po")):
            relative = po.relative_to(root).with_suffix(".mo")
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source)
            with target.open("wb") as sink:
                write_mo(sink, catalog)
            build_data["force_include"][str(target)] = str(relative)
