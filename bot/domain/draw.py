"""The draw that breaks a tie after a second ballot, so that anyone can re-check it.

2021 elections rules, the voting process 6: "if the tie still remains after this second ballot, the
chair and the secretary shall carry out a draw in a framework of transparency"; UN GA Rule 132:
"the Chairman shall decide between the candidates by drawing lots". Instead of a hidden random
number: the published seed and the candidates' names, in Unicode code-point order after NFC
normalisation, one per line, go through SHA-256; the digest, read as a number, modulo the number of
candidates, is the position of the name drawn. The same seed always draws the same name.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Draw:
    seed: str
    order: tuple[str, ...]  # the candidates in the stated order
    digest: str  # SHA-256, hex
    index: int
    drawn: str


def draw(seed: str, candidates: list[str]) -> Draw:
    if not candidates:
        raise ValueError("a draw needs candidates")
    order = tuple(sorted({unicodedata.normalize("NFC", c.strip()) for c in candidates}))
    text = seed + "\n" + "\n".join(order)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    index = int(digest, 16) % len(order)
    return Draw(seed, order, digest, index, order[index])
