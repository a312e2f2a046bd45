"""Pending e-mail commands, waiting for the sender to prove the address is theirs."""

from __future__ import annotations

import enum
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


class Answer(enum.StrEnum):
    """What became of a token someone sent back."""

    CONFIRMED = "confirmed"
    UNKNOWN = "unknown"  # never issued, or issued to another address
    EXPIRED = "expired"
    USED = "used"


async def consume(
    conn: aiosqlite.Connection, token: str, address: str, now: str
) -> tuple[Answer, PendingCommand | None]:
    """The command, once, to the address it was mailed to and before it expires; else why not.
    Another address's token reads as unknown: the answer tells a stranger nothing about it."""
    async with conn.execute(
        "UPDATE confirmation SET used_at = ? WHERE token = ? AND address = ? AND used_at IS NULL"
        " AND expires_at > ? RETURNING command",
        (now, token, address, now),
    ) as cur:
        row = await cur.fetchone()
    if row is not None:
        stored = json.loads(row[0])
        return Answer.CONFIRMED, PendingCommand(
            text=stored["text"], sections=stored.get("sections") or {}
        )
    async with conn.execute(
        "SELECT used_at FROM confirmation WHERE token = ? AND address = ?", (token, address)
    ) as cur:
        found = await cur.fetchone()
    if found is None:
        return Answer.UNKNOWN, None
    return (Answer.USED if found[0] is not None else Answer.EXPIRED), None
