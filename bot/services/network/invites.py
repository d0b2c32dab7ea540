"""Invitation links that cannot be guessed: ``<kind>_<id>_<signature>``, signed by the server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

_PAYLOAD = re.compile(r"^(\d{1,12})_([a-z2-7]{10})$")


class Invites:
    """Sign and check ``/start`` payloads that let someone join a team, studio or pair."""

    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def _signature(self, kind: str, ident: int) -> str:
        digest = hmac.new(self._key, f"{kind}:{ident}".encode(), hashlib.sha256).digest()
        return base64.b32encode(digest).decode().lower()[:10]

    def payload(self, kind: str, ident: int) -> str:
        """The ``/start`` payload inviting to ``kind`` number ``ident`` (after the kind prefix)."""
        return f"{ident}_{self._signature(kind, ident)}"

    def check(self, kind: str, rest: str) -> int | None:
        """The id a payload invites to, or ``None`` when it was not signed by this server."""
        match = _PAYLOAD.match(rest)
        if match is None:
            return None
        ident = int(match.group(1))
        return ident if hmac.compare_digest(match.group(2), self._signature(kind, ident)) else None
