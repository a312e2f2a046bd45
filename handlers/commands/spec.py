"""What a command declares about itself, as GNU Mailman 3's `commands/eml_*.py` do: its verb,
the locale keys of its words, help line and example, who may run it, whether it changes anything,
and its handler. The dispatcher, the e-mail confirmation and the help are built from these."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.deps import Deps
from bot.domain.commands import Audience, may_run
from bot.store.roster import Member
from handlers.commands.event import CommandEvent

Handler = Callable[[Deps, CommandEvent], Awaitable[str]]


@dataclass(frozen=True, kw_only=True)
class CommandSpec:
    verb: str
    words_key: str  # the words that call it, comma-separated, one entry per language
    help_key: str  # what it does, one line of help
    args_key: str  # its arguments as help shows them ('' when none, else ending in a space)
    example_key: str  # an example as typed, verb first
    audience: Audience
    # By e-mail a command that changes anything waits for the reply token (the From: header
    # proves nothing); a question is answered at once, to the address it came from.
    changes_state: bool
    handler: Handler
    refused_key: str = "commands.refused.rule"  # frames a RuleViolation's reason

    def allows(self, member: Member | None) -> bool:
        return may_run(
            self.audience, member.role if member else None, member.als_id if member else None
        )
