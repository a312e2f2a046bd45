"""What every handler and page receives: the services' shared parts, built once in app.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiosqlite

from bot.region import Region
from bot.settings import Settings

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """The one way times are written to the database: UTC, seconds, ISO 8601."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Deps:
    store: aiosqlite.Connection
    settings: Settings
    region: Region
    clock: Clock = utc_now
    parts: dict[str, str] = field(default_factory=dict)  # part name -> "running" | "skipped: ..."
