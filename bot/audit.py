"""The hash-chained audit log: each entry's hash covers its content and the previous entry's hash.

Canonical JSON (sorted keys, no spaces, UTF-8) then SHA-256, so anyone can re-check the chain with a
few lines of any language. Editing, deleting or re-ordering a stored entry breaks the chain from
that entry on; `verify` names the first entry that no longer fits (PRODUCT.md, "Transparent").

Whoever holds the database file can still rewrite an entry and recompute every hash after it
(issue 20, point 7). Two things catch that: the chain head `SEQ:HASH` published where the file's
holder cannot take it back (the public status page, every digest, an export kept elsewhere), which
a rewritten history no longer reaches; and, when `LACRALO_AUDIT_KEY` is set, an HMAC-SHA256 tag on
each entry that nobody without the key can recompute. The chain itself stays unkeyed, so anyone can
re-check an export (`check` below, or the few lines of any language the docstring above promises).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
_HEAD = re.compile(r"^\s*(\d{1,18}):([0-9a-fA-F]{64})\s*$")


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
    tag: str | None = None  # HMAC-SHA256 of `hash` under LACRALO_AUDIT_KEY, when it was set


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


def entry_tag(key: str, digest: str) -> str:
    """The entry's HMAC-SHA256 tag: over its hash, which already covers its content, its place
    and everything before it; without the key nobody can make one that matches."""
    return hmac.new(key.encode("utf-8"), digest.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Head:
    """The last entry of the chain, as published: `SEQ:HASH` (0 and the genesis when empty)."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


EMPTY_HEAD = Head(0, GENESIS)


def parse_head(text: str) -> Head | None:
    """`SEQ:HASH` with the full 64-hex SHA-256 (a shortened hash proves little); None when not."""
    match = _HEAD.match(text)
    return Head(int(match.group(1)), match.group(2).lower()) if match else None


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


@dataclass(frozen=True)
class Check:
    """What a full check found: how many entries, the head reached, the first break, and the
    tags (`tags_checked` False when no key was given; `untagged` entries written before the key
    was set, at the start of the log)."""

    count: int
    head: Head
    broken: ChainBreak | None
    tags_checked: bool
    tagged: int
    untagged: int


def check(
    entries: Iterable[AuditEntry], published: Head | None = None, key: str | None = None
) -> Check:
    """The chain, then the published head it must still reach, then the tags under `key`.

    A tag may be missing only at the start of the log (entries written before the key was set):
    once an entry carries one, every later entry must, or it was written without the key."""
    read = list(entries)
    head = Head(read[-1].seq, read[-1].hash) if read else EMPTY_HEAD
    tagged = sum(1 for e in read if e.tag)
    untagged = next((i for i, e in enumerate(read) if e.tag), len(read))
    broken = verify(read)
    if broken is None and published is not None:
        broken = _against_head(read, published)
    if broken is None and key is not None:
        broken = _tags(read[untagged:], key)
    return Check(len(read), head, broken, key is not None, tagged, untagged)


def _against_head(read: list[AuditEntry], published: Head) -> ChainBreak | None:
    """An intact chain that no longer holds the published head was rewritten (or cut) behind it:
    the entry at the head's place has another hash, or the log stops before it."""
    if published.seq == 0:
        return None if published.hash == GENESIS else ChainBreak(0, "head_differs")
    if published.seq > len(read):
        return ChainBreak(published.seq, "head_missing")
    if read[published.seq - 1].hash != published.hash:
        return ChainBreak(published.seq, "head_differs")
    return None


def _tags(read: list[AuditEntry], key: str) -> ChainBreak | None:
    for e in read:
        if not e.tag:
            return ChainBreak(e.seq, "untagged")
        if not hmac.compare_digest(e.tag, entry_tag(key, e.hash)):
            return ChainBreak(e.seq, "tag")
    return None


# The export (`audit export`): one JSON object per line, with these fields, for keeping elsewhere.
EXPORT_FIELDS = ("seq", "prev", "hash", "kind", "at", "actor", "subject", "details")


def export_record(e: AuditEntry) -> dict[str, Any]:
    """One entry as an export line holds it; `tag` only when the entry has one. Re-check: the
    hash is SHA-256 of the canonical JSON of {seq, at, actor, action: kind, subject,
    data: details, prev_hash: prev}."""
    record: dict[str, Any] = {
        "seq": e.seq,
        "prev": e.prev_hash,
        "hash": e.hash,
        "kind": e.action,
        "at": e.at,
        "actor": e.actor,
        "subject": e.subject,
        "details": e.data,
    }
    if e.tag:
        record["tag"] = e.tag
    return record


def from_record(line: str) -> AuditEntry:
    """An export line back into an entry; ValueError when it is not one (said with its line)."""
    record = json.loads(line)
    if not isinstance(record, dict) or any(f not in record for f in EXPORT_FIELDS):
        raise ValueError("fields")
    texts = ("prev", "hash", "kind", "at", "actor", "subject")
    if (
        not isinstance(record["seq"], int)
        or isinstance(record["seq"], bool)
        or not all(isinstance(record[f], str) for f in texts)
        or not isinstance(record.get("tag", ""), str)
    ):
        raise ValueError("types")
    return AuditEntry(
        seq=record["seq"],
        at=record["at"],
        actor=record["actor"],
        action=record["kind"],
        subject=record["subject"],
        data=record["details"],
        prev_hash=record["prev"],
        hash=record["hash"],
        tag=record.get("tag") or None,
    )
