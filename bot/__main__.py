"""Allow ``python -m bot`` as an alias of the ``engage`` command."""

from bot.cli import main

main()
