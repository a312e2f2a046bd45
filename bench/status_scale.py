"""Status of 200 ALSs over 10 years of monthly calls and 1,000,000 participation events (issue 5:
target under one second for the whole computation, queries included)."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.region import load_region
from bot.services import status as status_service
from bot.store import open_store

ALS = 200
EVENTS = 1_000_000
YEARS = 10
ZOOM = "85218486288"


def build(path: Path) -> None:
    """Write the data set straight into a migrated file (fast, bypassing the bot's checks)."""
    asyncio.run(_migrate(path))
    rnd = random.Random(20261124)
    region = load_region()
    countries = sorted(region.countries)
    start = datetime(2016, 1, 1, tzinfo=UTC)
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO als (als_id, name, country, subregion, accredited_on, language,"
            " updated_at) VALUES (?, ?, ?, ?, ?, 'es', 'now')",
            [
                (
                    f"ALS-{i:03d}",
                    f"ALS {i}",
                    c := countries[i % len(countries)],
                    region.countries[c].subregion,
                    "2015-01-01",
                )
                for i in range(ALS)
            ],
        )
        db.executemany(
            "INSERT INTO person (email, name, name_key, als_id, role, updated_at)"
            " VALUES (?, ?, ?, ?, 'representative', 'now')",
            [
                (f"p{i}-{k}@x.org", f"P {i} {k}", f"p {i} {k}", f"ALS-{i:03d}")
                for i in range(ALS)
                for k in (1, 2)
            ],
        )
        calls = [start + timedelta(days=30 * m + 14, hours=15) for m in range(12 * YEARS)]
        db.executemany(
            "INSERT INTO meeting (kind, start_at, duration_min, zoom_id, created_at)"
            " VALUES ('monthly', ?, 90, ?, 'now')",
            [(c.isoformat(timespec="seconds"), ZOOM) for c in calls],
        )
        span = (datetime(2025, 12, 31, tzinfo=UTC) - start).total_seconds()
        rows = []
        for n in range(EVENTS):
            person = rnd.randrange(ALS * 2) + 1
            if n % 10 == 0:  # a tenth are call joins, the rest list posts
                moment, kind, source = (
                    rnd.choice(calls) + timedelta(minutes=rnd.randrange(60)),
                    "call_join",
                    ZOOM,
                )
            else:
                moment = start + timedelta(seconds=rnd.random() * span)
                kind, source = "list_post", "lac-discuss-es.atlarge-lists.icann.org"
            rows.append(
                (
                    f"k{n}",
                    kind,
                    source,
                    moment.isoformat(timespec="seconds"),
                    "email",
                    "x",
                    person,
                    "now",
                )
            )
        db.executemany(
            "INSERT INTO participation (source_key, kind, source, occurred_at, identity_kind,"
            " identity, person_id, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


async def _migrate(path: Path) -> None:
    conn = await open_store(path)
    await conn.close()


async def _time_status(path: Path) -> tuple[float, int]:
    conn = await open_store(path)
    try:
        region = load_region()
        started = time.perf_counter()
        items = await status_service.statuses(conn, region, datetime(2026, 1, 10, tzinfo=UTC))
        return time.perf_counter() - started, len(items)
    finally:
        await conn.close()


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "scale.db"
        build(path)
        seconds, count = min(asyncio.run(_time_status(path)) for _ in range(3))
    return {"status_als": count, "status_events": EVENTS, "status_200x10y_s": round(seconds, 3)}


if __name__ == "__main__":
    print(run())
