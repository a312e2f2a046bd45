"""A decision's explanation before it is put into words.

Rules return Reasons (a locale key and its parameters), as Mailman's rules defer translation;
the edges render them in the reader's language (bot/i18n.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reason:
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "params": dict(self.params)}
