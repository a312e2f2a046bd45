"""Pending e-mail commands, waiting for the sender to prove the address is theirs."""

from __future__ import annotations

import json
from typing import TypedDict

import aiosqlite


class PendingCommand(TypedDict):
    """What an e-mail command needs once confirmed: its text, and an announcement's sections."""

    text: str
    sections: dict[str, str]  # language -> text


async def create(
    conn: aiosqlite.Connection,
    token: str,
    address: str,
    command: PendingCommand,
    now: str,
    expires: str,
) -> None:
    await conn.execute(
        "INSERT INTO confirmation (token, address, command, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (token, address, json.dumps(command, ensure_ascii=False), now, expires),
    )


async def consume(
    conn: aiosqlite.Connection, token: str, address: str, now: str
) -> PendingCommand | None:
    """The command, once: unknown, expired, used or another address's token gives None."""
    async with conn.execute(
        "UPDATE confirmation SET used_at = ? WHERE token = ? AND address = ? AND used_at IS NULL"
        " AND expires_at > ? RETURNING command",
        (now, token, address, now),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    stored = json.loads(row[0])
    return PendingCommand(text=stored["text"], sections=stored.get("sections") or {})
