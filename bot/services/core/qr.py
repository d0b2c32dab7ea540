"""Deep links and QR codes for places, events and invitations."""

from __future__ import annotations

import io


def deep_link(bot_username: str, payload: str) -> str:
    """``https://t.me/<bot>?start=<payload>``: opens the bot and sends ``/start <payload>``."""
    return f"https://t.me/{bot_username}?start={payload}"


def qr_png(url: str, *, box_size: int = 10) -> bytes:
    """A PNG image of a QR code for ``url``, big enough to scan from a printed sheet."""
    import qrcode  # with Pillow, loaded only when a code is drawn

    image = qrcode.make(url, box_size=box_size, border=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
