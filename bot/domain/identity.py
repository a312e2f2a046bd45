"""How addresses and display names are compared, so the roster and every source agree.

E-mail addresses are compared case-insensitively as a whole (PRODUCT.md: "by address,
case-insensitive"); names without accents, case or extra spaces (issue 4's Zoom display names).
"""

from __future__ import annotations

import re
import unicodedata

# Permissive on purpose: internationalised addresses (RFC 6531) are valid members' addresses.
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\.]+(\.[^@\s<>(),;:\"\[\]\\.]+)+$")


def normalise_email(address: str) -> str:
    return address.strip().lower()


def sub_address(address: str) -> tuple[str, str | None]:
    """RFC 5233 sub-addressing: 'bot+3f9a@example.org' -> ('bot@example.org', '3f9a'); an address
    without a detail -> (itself, None). Normalised, so the base compares with the roster's."""
    local, at, domain = normalise_email(address).rpartition("@")
    box, plus, detail = local.partition("+")
    return box + at + domain, detail if plus else None


def is_valid_email(address: str) -> bool:
    address = address.strip()
    return len(address) <= 254 and bool(_EMAIL.match(address))


def normalise_name(name: str) -> str:
    """'  María  PÉREZ ' -> 'maria perez'."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())
