"""``engage``, the command line: one module per command group, gathered in :mod:`bot.cli.main`."""

from bot.cli.main import main

__all__ = ["main"]
