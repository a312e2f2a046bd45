"""Which roster person a Zoom display name stands for, or why none (issue 19, point 4).

Each join is participation of the person's ALS (Rules of Procedure, auxiliary rule to Rule 1,
seed 003: an ALS whose delegates miss three consecutive monthly calls is inactive), so a wrong
attribution can keep an ALS active that is not, or judge one inactive that attended: precision
first, a wrong attribution is worse than none. In order:

1. An exact roster alias (also one `unmatched assign` added) is always taken.
2. The name (bot/domain/names.py: case, accents, punctuation, word order and device words folded)
   equal to one person's name or name alias is taken. Several people of that name: the ALS in a
   tag decides when exactly one of them is of that ALS; an ALS that is not the ALS of the only
   person (or of any person) with that name is a *conflict*, and the join stays unmatched.
3. A name shorter than a roster name ("María López" for "María Fernanda López Ruiz": the given
   name and a surname) is taken only when a tag names the person's ALS and nobody else fits.
4. A first name or a surname alone is never attributed, even when unique; a tag never makes a
   person out of nothing: it only chooses among people whose name fits.

Someone removed from the roster (issue 19, point 5) is attributed only what they did before their
removal. The roster is indexed once per batch (`RosterIndex`): each lookup is a few dictionary
reads.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.identity import normalise_name
from bot.domain.names import PARTICLES, name_key, name_tokens, read_display, tag_text, words

# Words of an ALS's name that do not tell ALSs apart ("Asociación de ...", "Society for ...").
_ALS_FILLER = PARTICLES | {"el", "por", "para", "the", "and", "of", "for", "et", "pour", "a", "o"}
MAX_CANDIDATES = 5  # people shown to the Secretariat for one unmatched name


class Why(enum.Enum):
    ALIAS = "alias"  # an exact roster alias
    NAME = "name"  # the whole name, one person
    ALS = "als"  # the ALS in the tag chose among the people the name fits
    UNKNOWN = "unknown"  # nobody's name fits
    AMBIGUOUS = "ambiguous"  # several people fit, and no tag tells them apart
    CONFLICT = "conflict"  # the tag names an ALS none of the fitting people belongs to
    PARTIAL = "partial"  # a first name or a surname alone


@dataclass(frozen=True)
class Attribution:
    """The person, or None and why; `candidates` are the people the Secretariat may mean."""

    person_id: int | None
    why: Why
    candidates: tuple[int, ...] = ()


@dataclass(frozen=True)
class RosterPerson:
    """A person as attribution needs them; `aliases` are their name aliases."""

    person_id: int
    name: str
    als_id: str | None = None
    als_name: str | None = None
    aliases: tuple[str, ...] = ()
    email: str = ""
    removed_on: str | None = None  # YYYY-MM-DD, the first day not a member (issue 19, point 5)

    def member_on(self, day: str | None) -> bool:
        """A member on that day (None: today); someone removed matches only what they did
        before their removal."""
        return self.removed_on is None or (day is not None and self.removed_on > day)


_Shape = tuple[tuple[str, ...], frozenset[str], frozenset[str]]  # key, given name, surnames


@dataclass(frozen=True)
class _Als:
    als_id: str
    id_text: str  # 'ALS-AR-01' -> 'als ar 01'
    words: frozenset[str]  # the name's words that tell ALSs apart
    acronyms: frozenset[str]  # 'Asociación Ficticia de Usuarios de Internet' -> 'afui', 'afduddi'


class RosterIndex:
    """The roster read for attribution; build it once and look up every join of a batch."""

    def __init__(self, people: Iterable[RosterPerson]) -> None:
        self.people = {p.person_id: p for p in people}
        self._alias_exact: dict[str, set[int]] = {}
        self._alias_folded: dict[tuple[str, ...], set[int]] = {}
        self._by_key: dict[tuple[str, ...], set[int]] = {}
        self._by_token: dict[str, set[int]] = {}
        self._shapes: dict[int, _Shape] = {}
        for person in self.people.values():
            self._add(person)
        self._vocabulary = sorted(self._by_token)
        self._als = [_als(als_id, name) for als_id, name in self._als_names().items()]

    def _add(self, person: RosterPerson) -> None:
        pid = person.person_id
        for alias in person.aliases:
            self._alias_exact.setdefault(normalise_name(alias), set()).add(pid)
            self._alias_folded.setdefault(tuple(sorted(words(alias))), set()).add(pid)
        tokens = name_tokens(person.name)
        for key in [name_key(tokens)] + [name_key(read_display(a).tokens) for a in person.aliases]:
            for token in key:
                self._by_token.setdefault(token, set()).add(pid)
            if len(key) >= 2:
                self._by_key.setdefault(key, set()).add(pid)
        self._shapes[pid] = _shape(person.name)

    def _als_names(self) -> dict[str, str]:
        return {p.als_id: p.als_name or "" for p in self.people.values() if p.als_id}

    def members(self, ids: Iterable[int], on: str | None) -> set[int]:
        """Those of `ids` who were members on that day (None: today)."""
        return {p for p in ids if self.people[p].member_on(on)}

    def alias(self, display: str, on: str | None = None) -> Attribution | None:
        """Rule 1: an exact alias, as written or with only punctuation and word order changed."""
        ids = self.members(self._alias_exact.get(normalise_name(display), ()), on)
        ids = ids or self.members(self._alias_folded.get(tuple(sorted(words(display))), ()), on)
        if not ids:
            return None
        if len(ids) == 1:
            return Attribution(next(iter(ids)), Why.ALIAS, tuple(ids))
        return Attribution(None, Why.AMBIGUOUS, self._ranked(ids))

    def named(self, key: tuple[str, ...], on: str | None = None) -> set[int]:
        """Rule 2: the people whose name or a name alias has exactly these tokens."""
        return self.members(self._by_key.get(key, ()), on)

    def shortened(self, key: tuple[str, ...], on: str | None = None) -> set[int]:
        """Rule 3: the people whose longer name holds these tokens, the given name and a
        surname among them."""
        sets = [self._by_token.get(token, set()) for token in key]
        found = set.intersection(*sets) if sets else set()
        return {p for p in self.members(found, on) if _shortens(key, self._shapes[p])}

    def als_in(self, tags: Iterable[str]) -> frozenset[str]:
        """The ALSs the tags name, by id, by name (or most of it), or by acronym."""
        found: set[str] = set()
        for tag in tags:
            found.update(a.als_id for a in self._als if _names(tag, a))
        return frozenset(found)

    def near(self, key: tuple[str, ...], on: str | None = None) -> tuple[int, ...]:
        """People whose name shares a token with `key` (or nearly: a typo), most shared first:
        the candidates shown to the Secretariat, never attributed."""
        score: dict[int, int] = {}
        for token in key:
            close = difflib.get_close_matches(token, self._vocabulary, n=3, cutoff=0.8)
            for similar in dict.fromkeys([token, *close]) if len(token) >= 4 else [token]:
                for pid in self.members(self._by_token.get(similar, ()), on):
                    score[pid] = score.get(pid, 0) + 1
        return self._ranked(score, score)

    def _ranked(self, ids: Iterable[int], score: dict[int, int] | None = None) -> tuple[int, ...]:
        got = score or {}
        order = sorted(ids, key=lambda p: (-got.get(p, 0), self.people[p].name, p))
        return tuple(order[:MAX_CANDIDATES])

    def rank(self, ids: Iterable[int]) -> tuple[int, ...]:
        return self._ranked(ids)


def attribute(
    display: str, index: RosterIndex, on: str | None = None, explain: bool = False
) -> Attribution:
    """The one person `display` stands for among the members on day `on` (YYYY-MM-DD; None:
    today), or None and why (see the module's docstring). With `explain`, an unknown or partial
    name also gets the people it resembles as candidates (for the Secretariat's queue; a join
    needs only the answer)."""
    by_alias = index.alias(display, on)
    if by_alias is not None:
        return by_alias
    readings = read_display(display).readings()
    if not readings:
        return Attribution(None, Why.UNKNOWN)
    first = _reading(readings[0][0], readings[0][1], index, on, explain)
    if first.why not in (Why.UNKNOWN, Why.PARTIAL):
        return first
    # Some write the organisation first: another part may be the name.
    for tokens, tags in readings[1:]:
        other = _reading(tokens, tags, index, on, explain)
        if other.why not in (Why.UNKNOWN, Why.PARTIAL):
            return other
    return first


def _reading(
    tokens: tuple[str, ...],
    tags: tuple[str, ...],
    index: RosterIndex,
    on: str | None,
    explain: bool,
) -> Attribution:
    key = name_key(tokens)
    if not key:
        return Attribution(None, Why.UNKNOWN)
    if len(key) < 2:  # Rule 4: a first name or a surname alone
        return Attribution(None, Why.PARTIAL, index.near(key, on) if explain else ())
    named = index.named(key, on)
    if named:
        return _choose(named, index.als_in(tags), index, Why.NAME if len(named) == 1 else Why.ALS)
    longer = index.shortened(key, on)
    als = index.als_in(tags)
    if longer and als:
        return _choose(longer, als, index, Why.ALS)
    found = index.rank(longer) or (index.near(key, on) if explain else ())
    return Attribution(None, Why.UNKNOWN, found)


def _choose(people: set[int], als: frozenset[str], index: RosterIndex, why: Why) -> Attribution:
    """One of `people`: the only one, or the only one of the tagged ALS; a tag that names none
    of their ALSs is a conflict (never a guess)."""
    if als:
        inside = {p for p in people if index.people[p].als_id in als}
        if not inside:
            return Attribution(None, Why.CONFLICT, index.rank(people))
        if len(inside) == 1:
            return Attribution(next(iter(inside)), why, index.rank(people))
        return Attribution(None, Why.AMBIGUOUS, index.rank(inside))
    if len(people) == 1 and why is Why.NAME:
        return Attribution(next(iter(people)), Why.NAME, tuple(people))
    return Attribution(None, Why.AMBIGUOUS, index.rank(people))


def _shape(name: str) -> _Shape:
    """A roster name's key, its given name's tokens and its surnames' tokens. With four words or
    more the last two are surnames ("María Fernanda López Ruiz"); with fewer, the last alone
    ("Juan Carlos Pérez": "Carlos" may be a given name)."""
    parts = [name_key(name_tokens(w)) for w in name.split()]
    parts = [p for p in parts if p]
    surnames = parts[-2:] if len(parts) >= 4 else parts[-1:]
    key = name_key(tuple(t for p in parts for t in p))
    given = frozenset(parts[0]) if len(parts) >= 2 else frozenset()
    return key, given, frozenset(t for p in surnames for t in p)


def _shortens(key: tuple[str, ...], shape: _Shape) -> bool:
    full, given, surnames = shape
    rest = list(full)
    for token in key:
        if token not in rest:
            return False
        rest.remove(token)
    return bool(rest) and bool(given & set(key)) and bool(surnames & set(key))


def _als(als_id: str, name: str) -> _Als:
    found = words(name)
    meaningful = [w for w in found if w not in _ALS_FILLER]
    acronyms = {"".join(w[0] for w in meaningful), "".join(w[0] for w in found)}
    return _Als(
        als_id=als_id,
        id_text=tag_text(als_id),
        words=frozenset(meaningful),
        acronyms=frozenset(a for a in acronyms if len(a) >= 3),
    )


def _names(tag: str, als: _Als) -> bool:
    """Whether a tag (folded text) names this ALS: its id, its name's words (all, or two or more
    of them and nothing else), or its acronym (three letters or more: never a country code)."""
    if tag == als.id_text:
        return True
    tokens = tag.split()
    meaningful = frozenset(t for t in tokens if t not in _ALS_FILLER)
    if meaningful and (
        meaningful == als.words or (len(meaningful) >= 2 and meaningful < als.words)
    ):
        return True
    return len(tokens) == 1 and tokens[0] in als.acronyms
