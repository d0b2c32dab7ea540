"""The bot's Bot API calls as JSON, straight to its HTTP client, past PTB's typed layers.

Every reply, edit, answer and broadcast copy is a ``bot.unit.Call``: a method name and JSON
parameters, kept in the inbox until its update commits. ``Bot.do_api_request`` would take each
through PTB's typed layers (defaults inserted, every parameter wrapped and JSON-encoded one by
one, the body form-encoded), work the bot does not need (docs/benchmarks.md measures it).
:meth:`EngageBot.call` posts the parameters as one JSON body instead; the rate limiter and
PTB's reading of Telegram's answer (429 → ``RetryAfter``, 403 → ``Forbidden``, …) are the same,
since the call still goes through ``BaseRateLimiter.process_request`` and ``BaseRequest.post``.
Uploads keep PTB's path (multipart bodies).
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BaseRateLimiter, ExtBot
from telegram.request import BaseRequest, RequestData


class JsonBody(RequestData):  # type: ignore[misc]  # final for typing only; see below
    """Parameters that are JSON already (a ``Call``'s), sent as one JSON object.

    PTB marks ``RequestData`` final to say it builds them itself; ``BaseRequest.post`` hands
    its request data unchanged to the client, and what a client reads of it (``parameters``,
    ``json_parameters``, ``contains_files``) is kept here, so httpx can send it too.
    """

    __slots__ = ("raw",)

    def __init__(self, raw: dict[str, Any]) -> None:
        super().__init__()
        self.raw = raw

    @property
    def parameters(self) -> dict[str, Any]:
        """The parameters as given (``None`` left out, as PTB does)."""
        return {name: value for name, value in self.raw.items() if value is not None}

    @property
    def json_parameters(self) -> dict[str, str]:
        """Each parameter JSON-encoded, for a client that form-encodes (httpx)."""
        return {
            name: value if isinstance(value, str) else json.dumps(value)
            for name, value in self.parameters.items()
        }


def json_body(data: RequestData) -> bytes:
    """The request's parameters as one compact JSON object."""
    return json.dumps(data.parameters, ensure_ascii=False, separators=(",", ":")).encode()


class EngageBot(ExtBot[None]):
    """PTB's bot, plus :meth:`call` for the calls the bot keeps as data."""

    __slots__ = ("_calls",)

    def __init__(
        self,
        token: str,
        *,
        base_url: str,
        base_file_url: str,
        request: BaseRequest,
        get_updates_request: BaseRequest,
        rate_limiter: BaseRateLimiter[Any] | None,
    ) -> None:
        super().__init__(
            token,
            base_url=base_url,
            base_file_url=base_file_url,
            request=request,
            get_updates_request=get_updates_request,
            rate_limiter=rate_limiter,
        )
        self._calls = request

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """Make one call with JSON ``params`` (no uploads); Telegram's ``result``."""
        url = f"{self.base_url}/{method}"
        body = JsonBody(params)

        async def post() -> Any:
            return await self._calls.post(url, request_data=body)

        limiter = self.rate_limiter
        if limiter is None:
            return await post()
        return await limiter.process_request(
            callback=post, args=(), kwargs={}, endpoint=method, data=params, rate_limit_args=None
        )
