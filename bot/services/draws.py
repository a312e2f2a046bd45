"""Draws in the open (2021 elections rules, the voting process 6, seed 002; issue 17, point 4).

Before the second ballot opens, the chair and the secretary commit a seed: the bot records it and
audits its SHA-256 (never the seed), to be announced. At the draw the seed is revealed and anyone
can check it against the announced hash and redo the draw (bot/domain/draw.py). A seed given only at
the draw is accepted, but the results must then say it was not committed in advance.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.deps import iso
from bot.domain.draw import Draw, SeedKind, seed_hash
from bot.store import audit_log
from bot.store import seeds as store
from bot.store.seeds import CommittedSeed
from bot.store.transaction import transaction


@dataclass(frozen=True)
class SeedUse:
    """The seed a draw uses and how it came: `committed_at` None means it was not committed in
    advance (the results say so)."""

    seed: str
    committed_at: str | None
    source: str | None  # where it was announced
    seed_hash: str
    seed_id: int | None = None  # the commit, for `mark_used`


def vote_subject(kind: SeedKind, subject: str) -> str:
    """How a vote is named in `draw_seed`: a free draw has no subject; a motion's title is matched
    with its spaces collapsed, as the same title typed twice may differ there."""
    if kind == "free":
        return ""
    return " ".join(unicodedata.normalize("NFC", subject).split())


async def commit_seed(
    conn: aiosqlite.Connection,
    kind: SeedKind,
    subject: str,
    seed: str,
    source: str | None,
    now: datetime,
    actor: str,
) -> str:
    """Record `seed` for a vote and audit its hash (not the seed: it stays secret until the
    draw); the hash, to announce."""
    if not seed.strip():
        raise ValueError("a seed cannot be empty")
    subject = vote_subject(kind, subject)
    hashed = seed_hash(seed)
    async with transaction(conn):
        seed_id = await store.commit(conn, kind, subject, seed, hashed, source, iso(now))
        data = {
            "seed_id": seed_id,
            "kind": kind,
            "subject": subject,
            "seed_hash": hashed,
            "source": source,
        }
        audited = f"{kind}:{subject}" if subject else kind
        await audit_log.append(conn, iso(now), actor, "election.seed_commit", audited, data)
    return hashed


async def seed_for(
    conn: aiosqlite.Connection,
    kind: SeedKind,
    subject: str,
    given: str | None,
    source: str | None,
) -> SeedUse | None:
    """The seed for a vote's draw: a given seed committed for this vote comes with its commit's
    time and source; a given seed never committed is accepted without them; with none given, the
    last seed committed for the vote and not yet used; None when there is neither."""
    subject = vote_subject(kind, subject)
    if given:
        hashed = seed_hash(given)
        found = await store.matching(conn, kind, subject, hashed)
        return _use(found, source) if found else SeedUse(given, None, source, hashed)
    found = await store.latest_unused(conn, kind, subject)
    return _use(found, source) if found else None


async def mark_used(conn: aiosqlite.Connection, use: SeedUse, now: datetime) -> None:
    """Record that a published draw used the seed; call inside the transaction that publishes
    it. A seed never committed has nothing to mark."""
    if use.seed_id is not None:
        await store.mark_used(conn, use.seed_id, iso(now))


def draw_json(d: Draw) -> dict[str, Any]:
    """What is published with a draw, enough to redo it (`election draw --seed S --among ...`)."""
    return {
        "seed": d.seed,
        "algorithm": d.algorithm,
        "order": list(d.order),
        "digest": d.digest,
        "index": d.index,
        "drawn": d.drawn,
    }


def _use(found: CommittedSeed, source: str | None) -> SeedUse:
    return SeedUse(
        seed=found.seed,
        committed_at=found.committed_at,
        source=found.source or source,
        seed_hash=found.seed_hash,
        seed_id=found.seed_id,
    )
