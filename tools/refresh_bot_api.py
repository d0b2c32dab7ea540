"""Renew the packaged Bot API method table from PaulSonOfLars/telegram-bot-api-spec.

Downloads the newest ``api.json`` and ``LICENSE`` of that repository's default branch, checks
that the emulator can read the table (methods, command scopes, update types), and rewrites
``bot/sandbox/bot_api/`` (the table, its licence and ``SOURCE.md``). Run it from the repository:

    .venv/bin/python tools/refresh_bot_api.py [--commit SHA]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

import httpx

from bot.sandbox.spec import PACKAGED_SPEC, load_spec

REPOSITORY = "PaulSonOfLars/telegram-bot-api-spec"
RAW = "https://raw.githubusercontent.com/{repo}/{ref}/{name}"
COMMITS = "https://api.github.com/repos/{repo}/commits/{ref}"
SOURCE_NOTE = """# The Bot API method table

`api.json` is a machine-readable scrape of the official Telegram Bot API reference
(https://core.telegram.org/bots/api), copied unchanged from the public repository
[{repo}](https://github.com/{repo})
(file `api.json` at the repository root), which is published under the MIT licence; its licence
text is in `LICENSE` next to this file.

- Bot API version: {version} (release date {release})
- Snapshot: commit {commit} of {date}
- sha256 of `api.json`: {digest}

The Bot API emulator (`bot/sandbox/spec.py`) reads this copy at run time. To take a newer one:

```
.venv/bin/python tools/refresh_bot_api.py
```

It downloads the newest `api.json` and `LICENSE`, checks that the emulator can read the table,
and rewrites these three files.
"""


def _commit(client: httpx.Client, ref: str) -> tuple[str, str]:
    """The full id and the date (YYYY-MM-DD) of ``ref``."""
    answer = client.get(COMMITS.format(repo=REPOSITORY, ref=ref))
    answer.raise_for_status()
    data = answer.json()
    return data["sha"], data["commit"]["committer"]["date"][:10]


def _download(client: httpx.Client, ref: str, name: str) -> bytes:
    answer = client.get(RAW.format(repo=REPOSITORY, ref=ref, name=name))
    answer.raise_for_status()
    return answer.content


def refresh(ref: str) -> str:
    """Rewrite the packaged copy with the table at ``ref``; returns its Bot API version."""
    with httpx.Client(timeout=60, follow_redirects=True) as client:
        commit, date = _commit(client, ref)
        table = _download(client, commit, "api.json")
        licence = _download(client, commit, "LICENSE")
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch) / "api.json"
        trial.write_bytes(table)
        spec = load_spec(trial)
    if spec.builtin:
        raise SystemExit(f"the api.json of {commit} cannot be read by the emulator")
    data = json.loads(table)
    folder = PACKAGED_SPEC.parent
    PACKAGED_SPEC.write_bytes(table)
    (folder / "LICENSE").write_bytes(licence)
    note = SOURCE_NOTE.format(
        repo=REPOSITORY,
        version=data.get("version", "unknown"),
        release=data.get("release_date", "unknown"),
        commit=commit,
        date=date,
        digest=hashlib.sha256(table).hexdigest(),
    )
    (folder / "SOURCE.md").write_text(note, encoding="utf-8")
    return spec.version


def main() -> None:
    """Parse the command line and refresh."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default="main", help="a commit or branch (default: main)")
    version = refresh(parser.parse_args().commit)
    sys.stdout.write(f"{PACKAGED_SPEC}: {version}\n")


if __name__ == "__main__":
    main()
