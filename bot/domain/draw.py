"""The draw that breaks a tie after a second ballot, so that anyone can re-check it.

2021 elections rules, the voting process 6 (seed 002): "if the tie still remains after this second
ballot, the chair and the secretary shall carry out a draw in a framework of transparency"; UN GA
Rule 132: "the Chairman shall decide between the candidates by drawing lots". Instead of a hidden
random number: a seed, its SHA-256 announced before the second ballot (issue 17, point 4), and the
candidates' names go through SHA-256; the digest, read as a number, modulo the number of candidates,
is the position of the name drawn. The same seed always draws the same name, whatever order, case or
accents the names were typed in: they are sorted case- and accent-insensitively first.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.domain.commands import bare

# What a seed is committed for: a position's election, a motion, or a draw outside both.
SeedKind = Literal["position", "motion", "free"]

ALGORITHM = (
    "sha256(utf8(seed + '\\n' + '\\n'.join(names))) as a hex integer mod len(names), from 0;"
    " names NFC, trimmed, deduplicated and sorted ignoring case and accents"
)


@dataclass(frozen=True)
class Draw:
    seed: str
    order: tuple[str, ...]  # the candidates in the order hashed (sorted by normalised name)
    digest: str  # SHA-256, hex
    index: int  # int(digest, 16) % len(order)
    drawn: str
    algorithm: str = ALGORITHM


def seed_hash(seed: str) -> str:
    """What is announced when a seed is committed: its SHA-256, hex, of its UTF-8 bytes."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def name_key(name: str) -> tuple[str, str]:
    """How names sort: case and accents folded away ("María" = "maria"), then the exact text."""
    return bare(name), name


def names_in_order(candidates: Iterable[str]) -> tuple[str, ...]:
    """NFC, spaces trimmed and collapsed, blanks dropped; one name per folded form (the first in
    sorting order), sorted by the folded form: how `--among` was typed does not matter."""
    written = {unicodedata.normalize("NFC", " ".join(c.split())) for c in candidates}
    kept: dict[str, str] = {}
    for name in sorted((n for n in written if n), key=name_key):
        kept.setdefault(bare(name), name)
    return tuple(kept.values())


def draw(seed: str, candidates: Iterable[str]) -> Draw:
    order = names_in_order(candidates)
    if not order:
        raise ValueError("a draw needs candidates")
    text = seed + "\n" + "\n".join(order)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    index = int(digest, 16) % len(order)
    return Draw(seed, order, digest, index, order[index])
