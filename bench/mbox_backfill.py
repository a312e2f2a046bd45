"""Archive back-fill through the bot against Python's bare `mailbox` parse of the same archive
(issue 8: ratio of rates, target >= 0.5). The bot reads, parses and durably records every post;
the baseline only opens each message and reads its From header."""

from __future__ import annotations

import asyncio
import mailbox
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.mail.mbox import messages, open_archive
from bot.region import load_region
from bot.services.backfill import backfill_archive
from bot.store import open_store

POSTS = 20_000
LIST_ID = "lac-discuss-es.atlarge-lists.icann.org"


def write_archive(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(POSTS):
            out.write(
                f"From person{n % 300} at example.org  "
                f"Tue Feb 21 13:{n // 60 % 60:02d}:{n % 60:02d} 2023\n"
                f"From: person{n % 300} at example.org (Person {n % 300})\n"
                f"Date: Tue, 21 Feb 2023 10:{n // 60 % 60:02d}:{n % 60:02d} -0300\n"
                f"Subject: [lac-discuss-es] Message {n}\n"
                f"Message-ID: <archive-{n}@example.org>\n\n"
                + "A line of a typical list post, quoted and replied to.\n" * 12
                + "\n"
            )


def baseline(path: Path) -> float:
    started = time.perf_counter()
    box = mailbox.mbox(str(path), create=False)
    seen = sum(1 for message in box if message["From"])
    box.close()
    assert seen == POSTS
    return time.perf_counter() - started


async def through_the_bot(path: Path, db: Path) -> float:
    conn = await open_store(db)
    try:
        started = time.perf_counter()
        stream, _ = open_archive(path)
        with stream:
            report = await backfill_archive(
                conn, load_region(), messages(stream), LIST_ID, datetime.now(UTC)
            )
        assert report.read == POSTS and report.unreadable == 0
        return time.perf_counter() - started
    finally:
        await conn.close()


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as workdir:
        archive = Path(workdir) / "2023-February.txt"
        write_archive(archive)
        base = min(baseline(archive) for _ in range(2))
        bot = asyncio.run(through_the_bot(archive, Path(workdir) / "b.db"))
    return {
        "mbox_baseline_msgs_per_s": round(POSTS / base),
        "mbox_bot_msgs_per_s": round(POSTS / bot),
        "mbox_backfill_ratio": round(base / bot, 3),
    }


if __name__ == "__main__":
    print(run())
