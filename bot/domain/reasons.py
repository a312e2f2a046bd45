"""A decision's explanation before it is put into words.

Rules return Reasons (a locale key and its parameters), as Mailman's rules defer translation;
the edges render them in the reader's language (bot/i18n.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Reason:
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        """The inverse of `as_dict`: stored reasons rendered again in any language."""
        return cls(str(data["key"]), {k: _revive(v) for k, v in data.get("params", {}).items()})

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: dates as ISO strings, nested Reasons as dicts."""
        return {"key": self.key, "params": {k: _plain(v) for k, v in self.params.items()}}


@dataclass(frozen=True)
class Localized:
    """A name the region file gives in each language (a position, a sub-region), for a reason's
    parameter: the reader sees it in their language; stored, it is its code."""

    code: str
    names: Mapping[str, str]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.code


def _plain(value: Any) -> Any:
    if isinstance(value, Reason):
        return value.as_dict()
    if isinstance(value, Localized):
        return value.code
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _revive(value: Any) -> Any:
    """Nested reasons and ISO dates back from their plain forms."""
    if isinstance(value, dict) and "key" in value:
        return Reason.from_dict(value)
    if isinstance(value, list):
        return [_revive(v) for v in value]
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value
