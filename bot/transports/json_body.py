"""Webhook bodies read as JSON without letting the body hurt the reader (issue 20, part 2).

Read only after the signature has been checked (a forged request never reaches the parser), and
bounded: invalid JSON or nesting deeper than any Zoom or Slack payload is a clean refusal (400),
never a RecursionError or a traceback in the response.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Zoom's and Slack's payloads nest fewer than 10 levels (Slack's blocks the deepest); Python's
# parser recurses once per level and fails near 1,000.
MAX_DEPTH = 32


class BadBody(ValueError):
    """Why a body is no usable JSON: 'not_json', 'too_deep' or 'not_object'."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def depth_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """Brackets open at once beyond `limit`, counted outside strings, before json.loads recurses.
    The regular expression steps over strings in C, so a large body costs little."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for token in _TOKENS.finditer(text):
        ch = token.group()
        if ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')


def parse_object(body: bytes | str) -> dict[str, Any]:
    """The body as a JSON object, or BadBody."""
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        raise BadBody("not_json") from None
    if depth_exceeds(text):
        raise BadBody("too_deep")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise BadBody("not_json") from None
    if not isinstance(value, dict):
        raise BadBody("not_object")
    return value
