"""Settings read from the environment (prefix ``ENGAGE_``) and an optional ``.env`` file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Locale = Literal["zh", "en"]
LOCALES: tuple[Locale, ...] = ("zh", "en")


# Database connections per process: kept open, and opened beyond them under load. None beyond:
# the pool closes an extra connection as soon as its kept ones are idle again, and a bot's load
# comes in bursts (everyone answers the same announcement), so with 5 + 10 each burst opened and
# closed connections again: bench/updates.py's PostgreSQL read run opened 294 of them, against 9.
DATABASE_POOL = (10, 0)


class Settings(BaseSettings):
    """Every knob of the bot in one place; built once by the CLI or a test, never at import."""

    model_config = SettingsConfigDict(
        env_prefix="ENGAGE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    bot_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///./data/engage.db"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Shanghai"
    default_locale: Locale = "zh"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    content_dir: Path = Path("content")
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = Field(default=8080, ge=0, le=65535)
    max_concurrent_updates: int = Field(default=256, ge=1)
    per_chat_rate: float = Field(default=1.0, gt=0)
    per_chat_burst: int = Field(default=2, ge=1)
    global_rate: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=5, ge=0)
    http_client: Literal["keepalive", "httpx"] = "keepalive"
    ideas_per_day: int = Field(default=5, ge=1)
    reminder_grace_minutes: int = Field(default=60, ge=0)
    help_escalate_minutes: int = Field(default=30, ge=1)
    help_offer_size: int = Field(default=3, ge=1)
    help_expert_rounds: int = Field(default=2, ge=1)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=0, le=65535)
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    database_pool_size: int = Field(default=DATABASE_POOL[0], ge=1)
    database_max_overflow: int = Field(default=DATABASE_POOL[1], ge=0)
    inbox_lease_seconds: float = Field(default=10.0, ge=2)
    inbox_poll_seconds: float = Field(default=1.0, gt=0)
    inbox_keep_hours: float = Field(default=26.0, ge=24)
    # The organisers' Mini App: the https address Telegram opens (the web process's
    # /dashboard/ behind a TLS proxy) and how old its signed initData may be.
    dashboard_url: str | None = None
    dashboard_max_age: int = Field(default=3600, ge=60)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept ``"1, 2,3"`` as well as a list."""
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        """Fail early on a timezone name the system does not know."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Only the async drivers work with the async engine."""
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value

    @field_validator("bot_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        """Accept the URL with or without a trailing slash."""
        return value.rstrip("/")

    @field_validator(
        "webhook_url", "webhook_secret", "metrics_port", "dashboard_url", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """``ENGAGE_METRICS_PORT=`` in a .env file means the setting is not given."""
        return None if value == "" else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_scheme(cls, value: str | None) -> str | None:
        """Telegram posts to https; plain http is accepted for a local Bot API server."""
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("use https://host[:port]/path")
        return value or None

    @field_validator("dashboard_url")
    @classmethod
    def _dashboard_scheme(cls, value: str | None) -> str | None:
        """Telegram opens Mini Apps only over https."""
        if value and not value.startswith("https://"):
            raise ValueError("use https://host/dashboard/ (Telegram opens Mini Apps over https)")
        return value or None

    @field_validator("webhook_secret")
    @classmethod
    def _secret_chars(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and - as the secret token."""
        secret = value.get_secret_value() if value is not None else None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        """Without a secret anyone who finds the URL could post updates as if from Telegram."""
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("ENGAGE_WEBHOOK_SECRET is needed with ENGAGE_WEBHOOK_URL")
        return self

    @property
    def webhook_path(self) -> str:
        """The path the webhook is served on: that of ``webhook_url``, else ``/telegram``."""
        path = urlsplit(self.webhook_url or "").path.rstrip("/")
        return path or "/telegram"

    @property
    def secret(self) -> str | None:
        """The webhook's secret token, unwrapped only where it is compared or sent."""
        return self.webhook_secret.get_secret_value() if self.webhook_secret else None

    @property
    def zone(self) -> ZoneInfo:
        """The campaign's default timezone."""
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str | None:
        """The bot token, unwrapped only where it is needed."""
        return self.bot_token.get_secret_value() if self.bot_token else None


class ConfigError(Exception):
    """A setting is invalid; the message names the variable and the problem."""


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's report into one readable line per problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            if not error["loc"]:  # a rule across settings names its variables itself
                problems.append(message)
                continue
            problems.append(f"ENGAGE_{str(error['loc'][0]).upper()}: {message}")
        raise ConfigError("; ".join(problems)) from None
