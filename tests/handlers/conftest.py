"""A bot with the example roster, for calling handlers directly (no transport in between)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.deps import Deps
from bot.region import load_region
from bot.services import roster as roster_service
from bot.settings import Settings
from bot.store import open_store
from tests.conftest import EXAMPLE_ROSTER
from tests.handlers.helpers import NOW


@pytest.fixture
async def deps(tmp_path: Path) -> AsyncIterator[Deps]:
    conn = await open_store(tmp_path / "handlers.db")
    region = load_region()
    await roster_service.import_roster(
        conn, region, EXAMPLE_ROSTER.read_bytes(), "2026-01-01T00:00:00+00:00", "t"
    )
    yield Deps(store=conn, settings=Settings(), region=region, clock=lambda: NOW)
    await conn.close()
