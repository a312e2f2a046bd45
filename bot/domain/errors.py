"""Typed errors raised inside the bot; the edges turn them into translated messages."""

from __future__ import annotations

from bot.domain.reasons import Reason


class BotError(Exception):
    """Carries the Reason to show the user, not a finished sentence."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.key)
        self.reason = reason


class BadInput(BotError):
    """The input cannot be read at all (wrong encoding, missing columns, garbled command)."""


class RuleViolation(BotError):
    """The input is readable but a rule forbids it; the Reason names the rule."""


class NotAuthorised(BotError):
    """The sender may not do this (Nobody speaks for another)."""


class StartupError(BotError):
    """The bot cannot start as configured (a port taken, a database it cannot open)."""
