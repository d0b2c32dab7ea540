"""Who is asking: the Mini App's signed initData, checked as Telegram specifies.

Every API call carries ``Authorization: tma <initData>`` (downloads, which a Telegram client
fetches itself, carry it as ``?tma=``). ``init_data_py`` checks the HMAC-SHA256 signature with
the key derived from the bot token and refuses data older than ``dashboard_max_age``: data
signed for another bot, altered, expired or missing is refused alike (401).
"""

from __future__ import annotations

from dataclasses import dataclass

import init_data_py
from init_data_py import errors
from starlette.requests import Request

SCHEME = "tma"


class Unauthenticated(Exception):
    """No valid initData: missing, malformed, forged, expired or signed for another bot."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """The Telegram user the initData vouches for."""

    user_id: int
    language_code: str | None


def raw_init_data(request: Request) -> str:
    """The initData a request carries, or :class:`Unauthenticated`."""
    header = request.headers.get("authorization", "")
    if header:
        try:
            return init_data_py.strip_auth_header(header, scheme=SCHEME)
        except errors.InvalidInitDataError:
            raise Unauthenticated("malformed Authorization header") from None
    given = request.query_params.get(SCHEME, "")
    if not given:
        raise Unauthenticated("no initData")
    return given


def viewer(request: Request, *, token: str | None, max_age: int) -> Viewer:
    """The verified viewer of a request, or :class:`Unauthenticated`."""
    if not token:
        raise Unauthenticated("the bot has no token to check initData with")
    try:
        data = init_data_py.validate_by_hash(raw_init_data(request), token, expires_in=max_age)
    except errors.InvalidInitDataError as exc:
        raise Unauthenticated(type(exc).__name__) from None
    if data.user is None:
        raise Unauthenticated("initData names no user")
    return Viewer(data.user.id, data.user.language_code)
