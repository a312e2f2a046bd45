"""How a Zoom display name is read before it is compared with the roster (issue 19, point 4).

People join calls as "María Pérez - ISOC Argentina", "Pérez, María (Nodo TAU)", "iPhone de María"
or "Juan | Colectivo Dígito Libre": a name, often an organisation beside it, sometimes the device
instead of the name. A display is read into

- the name's *tokens*: case, accents and punctuation folded ("Jean-Pierre" is "jean pierre"), the
  words of a device ("iPhone de", "Galaxy S21") and anything with a digit dropped; and
- its *tags*: what stands in brackets, after a dash with spaces around it (never the dash inside
  "Jean-Pierre") or after `|`. A tag may name an ALS (bot/domain/attribution.py decides); a tag
  that names none, such as a country code "(BR)", is ignored.

Word order does not count: `name_key` is the sorted tokens that carry a name, without particles
("de", "da", "van") and initials, so "Pérez, María" and "maria perez" have the same key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Brackets hold tags; so do the parts after " - ", " – ", " — ", " / " and after any "|".
_BRACKETS = re.compile(r"[\(\[\{]([^\)\]\}]*)[\)\]\}]?")
_SEPARATORS = re.compile(r"\s+[-–—/]\s+|\s*\|\s*")
_APOSTROPHES = re.compile(r"['’`´]")
_POSSESSIVE = re.compile(r"['’]s\b", re.IGNORECASE)  # "Maria's iPhone"
_NOT_WORD = re.compile(r"[^\w]+|_+")

# Words of a device's name, which Zoom shows when the app was never given a person's name.
DEVICE_WORDS = frozenset(
    {
        "iphone", "ipad", "ipod", "galaxy", "samsung", "android", "huawei", "xiaomi", "redmi",
        "motorola", "moto", "pixel", "nokia", "lenovo", "oppo", "realme", "oneplus", "tablet",
        "celular", "telefono", "phone", "smartphone", "laptop", "notebook", "macbook", "pc",
        "computador", "computadora", "ordenador", "ordinateur", "desktop", "imac", "chromebook",
    }
)  # fmt: skip
# A model's words, dropped only right after a device word ("Galaxy Note", "iPhone Pro Max").
_MODEL_WORDS = frozenset(
    {"note", "pro", "max", "plus", "ultra", "mini", "lite", "edge", "fe", "se"}
)
# "iPhone de María", "iPad do João", "Samsung of Keisha": the link word goes with the device.
_DEVICE_LINKS = frozenset({"de", "del", "da", "do", "di", "du", "of", "von"})
# Words that join the parts of a name and do not tell people apart.
PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "du", "des", "y", "e",
     "van", "von", "der", "den", "le", "st", "san"}
)  # fmt: skip


@dataclass(frozen=True)
class DisplayName:
    """A display name read: each separated part's name tokens (the name first) and tag text,
    and what stood in brackets."""

    segments: tuple[tuple[str, ...], ...]
    part_tags: tuple[str, ...]
    bracket_tags: tuple[str, ...]

    @property
    def tokens(self) -> tuple[str, ...]:
        """The name's tokens, in their order: the first part's."""
        return self.segments[0] if self.segments else ()

    @property
    def tags(self) -> tuple[str, ...]:
        return self.readings()[0][1] if self.segments else self.bracket_tags

    def readings(self) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """(name tokens, tags) taking each part in turn as the name, the first part first: some
        write the organisation first ("ISOC Argentina - María Pérez")."""
        found = []
        for i, tokens in enumerate(self.segments):
            others = self.part_tags[:i] + self.part_tags[i + 1 :]
            found.append((tokens, tuple(t for t in self.bracket_tags + others if t)))
        return found


def fold(text: str) -> str:
    """Case and accents folded, spaces collapsed: 'María  PÉREZ' -> 'maria perez'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def words(text: str) -> tuple[str, ...]:
    """Folded words, punctuation as spaces: "O'Brien-Smith, Ana" -> ('obrien', 'smith', 'ana')."""
    bare = _APOSTROPHES.sub("", _POSSESSIVE.sub(" ", text))
    return tuple(_NOT_WORD.sub(" ", fold(bare)).split())


def name_tokens(text: str) -> tuple[str, ...]:
    """The words that may be a name: no digits, no device words (with their link word)."""
    found: list[str] = []
    after_device = False
    for word in words(text):
        if any(ch.isdigit() for ch in word):  # "S21", "A52", "2": a model, never a name
            continue
        if word in DEVICE_WORDS:
            after_device = True
            continue
        if after_device and (word in _MODEL_WORDS or word in _DEVICE_LINKS):
            continue
        after_device = False
        found.append(word)
    return tuple(found)


def name_key(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens that tell people apart, in a fixed order: word order does not count."""
    return tuple(sorted(t for t in tokens if len(t) > 1 and t not in PARTICLES))


def tag_text(text: str) -> str:
    """A tag compared with ALS names and ids: folded words, digits kept ('ALS-AR-01' ->
    'als ar 01')."""
    return " ".join(words(text))


def read_display(display: str) -> DisplayName:
    """Split a display name into the name and its tags (see the module's docstring)."""
    brackets = tuple(t for t in (tag_text(m) for m in _BRACKETS.findall(display)) if t)
    bare = _BRACKETS.sub(" ", display)
    parts = [p for p in _SEPARATORS.split(bare) if p.strip()]
    return DisplayName(
        segments=tuple(name_tokens(p) for p in parts),
        part_tags=tuple(tag_text(p) for p in parts),
        bracket_tags=brackets,
    )
