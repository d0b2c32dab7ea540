"""Write a feature's .po files for both locales from one table: ``tools/po.py FEATURE < table.py``.

The table is a Python dict literal ``{key: (zh, en)}``; existing keys in the .po files are
kept unless the table gives them again. The .po files remain the source of truth. A plural
message gives a tuple of forms per language, as many as its ``Plural-Forms`` header says:
``{"events.in_days": (("还有 {n} 天",), ("in {n} day", "in {n} days"))}``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1] / "bot" / "locales"


Text = str | tuple[str, ...]


def update(feature: str, table: dict[str, tuple[Text, Text]]) -> None:
    """Merge ``table`` into ``<locale>/LC_MESSAGES/<feature>.po`` for zh_CN and en."""
    for index, folder in enumerate(("zh_CN", "en")):
        path = ROOT / folder / "LC_MESSAGES" / f"{feature}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=folder)
        else:
            catalog = Catalog(
                locale=folder,
                project="employee-engagement-bot",
                domain=feature,
                fuzzy=False,
                copyright_holder="employee-engagement-bot contributors",
            )
        for key, texts in table.items():
            catalog.delete(key)
            text = texts[index]
            catalog.add((key, key) if isinstance(text, tuple) else key, text)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False, sort_output=True)


if __name__ == "__main__":
    update(sys.argv[1], ast.literal_eval(sys.stdin.read()))
