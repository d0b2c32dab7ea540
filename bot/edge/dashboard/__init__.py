"""The organisers' Mini App: its page, static files and JSON API, served by the web process."""

from bot.edge.dashboard.routes import dashboard_mount

__all__ = ["dashboard_mount"]
