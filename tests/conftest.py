"""Shared fixtures: a real SQLite file under tmp_path, the shipped region, free ports, waiting."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

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
    """A port nothing listens on. Under pytest-xdist each worker takes its ports from its own
    block below the kernel's ephemeral range (32768 up), so two workers never pick the same one
    and no outgoing connection is given it meanwhile; alone, the kernel picks."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])
    block = 10_000 + (int(worker[2:]) % 4) * 5_000
    for _ in range(5_000):
        port = block + next(_NEXT) % 5_000
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in this worker's block")


_NEXT = itertools.count(random.randrange(5_000))


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


# Figures a test wants read at the end of every run (the attribution corpus's precision and
# recall): recorded with `record_property("summary", text)`, printed in the terminal summary.
# Reports from pytest-xdist workers reach the controller's hooks too, so nothing is lost there.
_SUMMARIES: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _SUMMARIES.extend(str(v) for k, v in report.user_properties if k == "summary")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in _SUMMARIES:
        terminalreporter.write_line(line)
