"""Shared fixtures: a real SQLite file under tmp_path, the shipped region, free ports, waiting."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiosqlite
import pytest

from bot.region import Region, load_region
from bot.store import open_store

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_ROSTER = REPO / "examples" / "roster.csv"


@pytest.fixture
def region() -> Region:
    return load_region()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    conn = await open_store(tmp_path / "test.db")
    yield conn
    await conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(
    condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition"
) -> None:
    """Poll `condition` until it holds; fail the test with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


async def async_wait_until(
    condition: Callable[[], Awaitable[bool]], timeout: float = 10.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
