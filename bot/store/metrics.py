"""What `/metrics` reads from the database at each scrape (issue 21).

Totals that the database already keeps (posts by list, joins by meeting, the outbox by channel and
state, notices by kind) are read from it rather than counted in memory, so they survive a restart
and agree with `participation`, `outbox` and `unmatched`. Only lists and meetings the bot knows are
labels: an attacker's made-up List-Id must not create a time series.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import aiosqlite


@dataclass
class Snapshot:
    posts_received: dict[str, int] = field(default_factory=dict)  # list id -> posts
    posts_counted: dict[str, int] = field(default_factory=dict)  # attributed posts of known lists
    # (list id, state) -> posts held for review (issue 20): waiting, approved or rejected. A list
    # the region file does not name is "other": a forger's List-Id must not become a label.
    posts_held: dict[tuple[str, str], int] = field(default_factory=dict)
    joins: dict[str, int] = field(default_factory=dict)  # Zoom meeting number -> joins
    unmatched: int = 0  # distinct names and addresses waiting in the queue (not dismissed)
    outbox: dict[tuple[str, str], int] = field(default_factory=dict)  # (channel, state) -> rows
    notices: dict[str, int] = field(default_factory=dict)  # kind -> sent


async def snapshot(conn: aiosqlite.Connection) -> Snapshot:
    found = Snapshot()
    async with conn.execute(
        "SELECT l.list_id, count(p.event_id), count(p.person_id) * l.known"
        " FROM mailing_list l LEFT JOIN participation p"
        " ON p.source = l.list_id AND p.kind = 'list_post' GROUP BY l.list_id"
    ) as cur:
        async for list_id, received, counted in cur:
            found.posts_received[list_id] = received
            found.posts_counted[list_id] = counted
    async with conn.execute(
        "SELECT coalesce(l.list_id, 'other'), h.state, count(*) FROM held_post h"
        " LEFT JOIN mailing_list l ON l.list_id = h.source AND l.known GROUP BY 1, 2"
    ) as cur:
        async for list_id, state, posts in cur:
            found.posts_held[(list_id, state)] = posts
    async with conn.execute(
        "SELECT m.zoom_id, count(p.event_id) FROM (SELECT DISTINCT zoom_id FROM meeting"
        " WHERE zoom_id IS NOT NULL) m LEFT JOIN participation p"
        " ON p.source = m.zoom_id AND p.kind = 'call_join' GROUP BY m.zoom_id"
    ) as cur:
        async for zoom_id, joins in cur:
            found.joins[str(zoom_id)] = joins
    async with conn.execute(
        "SELECT count(*) FROM (SELECT DISTINCT p.identity_kind, p.identity FROM participation p"
        " WHERE p.person_id IS NULL AND NOT EXISTS (SELECT 1 FROM unmatched_dismissed d"
        " WHERE d.identity_kind = p.identity_kind AND d.identity = p.identity))"
    ) as cur:
        row = await cur.fetchone()
        found.unmatched = int(row[0]) if row else 0
    async with conn.execute("SELECT channel, state, count(*) FROM outbox GROUP BY 1, 2") as cur:
        async for channel, state, rows in cur:
            found.outbox[(channel, state)] = rows
    async with conn.execute(
        "SELECT substr(dedup_key, 1, instr(dedup_key, ':') - 1), count(*) FROM outbox"
        " WHERE state = 'sent' AND instr(dedup_key, ':') > 0 GROUP BY 1"
    ) as cur:
        async for kind, sent in cur:
            found.notices[kind] = sent
    return found
