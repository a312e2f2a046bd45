"""Asking the command handlers directly, as a given person of the example roster."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.deps import Deps
from bot.store import roster as roster_store
from handlers import commands
from handlers.commands.event import CommandEvent

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # the example rotation names 2026's positions


async def member(deps: Deps, email: str) -> roster_store.Member:
    found = await roster_store.member_by(deps.store, "email", email)
    assert found is not None, email
    return found


async def ask(deps: Deps, email: str | None, text: str, channel: str = "slack") -> str:
    """What the bot answers `text` from the person with this address (None: a stranger)."""
    asker = await member(deps, email) if email else None
    return await commands.handle(deps, CommandEvent(commands.parse(text), asker, channel))
