"""`python -m bot` is the same as the `lacralo-bot` command."""

from bot.cli import main

raise SystemExit(main())
