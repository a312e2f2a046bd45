"""The hash-chained audit log: each entry's hash covers its content and the previous entry's hash.

Canonical JSON (sorted keys, no spaces, UTF-8) then SHA-256, so anyone can re-check the chain with a
few lines of any language. Editing, deleting or re-ordering a stored entry breaks the chain from
that entry on; `verify` names the first entry that no longer fits (PRODUCT.md, "Transparent").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    data: Mapping[str, Any]
    prev_hash: str
    hash: str


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, data: Any
) -> str:
    body = canonical_json(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "subject": subject,
            "data": data,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain first fails, and why (a locale key under `audit.break.`)."""

    seq: int
    why: str


def verify(entries: Iterable[AuditEntry]) -> ChainBreak | None:
    """Walk the log in order; return the first entry that does not fit, or None when intact."""
    prev = GENESIS
    expected_seq = 1
    for e in entries:
        if e.seq != expected_seq:
            return ChainBreak(e.seq, "gap")
        if e.prev_hash != prev:
            return ChainBreak(e.seq, "link")
        if entry_hash(prev, e.seq, e.at, e.actor, e.action, e.subject, e.data) != e.hash:
            return ChainBreak(e.seq, "content")
        prev = e.hash
        expected_seq += 1
    return None
