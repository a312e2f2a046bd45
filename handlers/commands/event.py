"""A command as the handlers receive it, whichever transport carried it (Slack or e-mail)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.domain.commands import Command
from bot.store.roster import Member


@dataclass(frozen=True)
class CommandEvent:
    command: Command
    member: Member | None  # None: the sender is not in the roster
    channel: str  # "slack" | "email"
    # An announcement by e-mail carries its text per language, under [en], [es]... lines.
    sections: Mapping[str, str] = field(default_factory=dict)
    # The language the transport settled on, when it has its own order (e-mail: issue 15).
    language: str | None = None

    def lang(self, default: str) -> str:
        """The member's chosen language; else the one the verb was written in; else the roster's
        for them; else the ALS's."""
        if self.language:
            return self.language
        if self.member and self.member.language:
            return self.member.language
        if self.command.lang:
            return self.command.lang
        if self.member and (self.member.roster_language or self.member.als_language):
            return self.member.roster_language or self.member.als_language or default
        return default

    @property
    def actor(self) -> str:
        """Who acted, for the audit log: the channel and the member's address."""
        return f"{self.channel}:{self.member.email if self.member else 'unknown'}"
