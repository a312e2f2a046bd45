"""Which roster names a Zoom display name may stand for.

People join calls as "María Pérez - ISOC Argentina", "Maria Perez (Nodo TAU)" or "maria  PEREZ":
the name first, then often their organisation. The candidates are the whole name and the name with
the organisation part taken off, each normalised (bot/domain/identity.py). A caller matches them
against names and aliases and accepts only a single person: an ambiguous or unknown name goes to
the unmatched queue, never to a guess (issue 4).
"""

from __future__ import annotations

import re

from bot.domain.identity import normalise_name

_PARENTHESES = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*")
_SEPARATORS = re.compile(r"\s+[-–—|/@]\s+|\s*[|/]\s*")


def name_candidates(display: str) -> list[str]:
    """Normalised candidates, most specific first, without repeats or empties."""
    found = [normalise_name(display)]
    bare = _PARENTHESES.sub(" ", display)
    found.append(normalise_name(bare))
    first = _SEPARATORS.split(bare, maxsplit=1)[0]
    found.append(normalise_name(first))
    return [c for c in dict.fromkeys(found) if c]
